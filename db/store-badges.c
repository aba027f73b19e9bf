/*
 * store-badges.c: the data behind passes, name tags and the printed
 * programme, and the two writes the badge generator makes: the print log
 * and reissued pass codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-badges.h"
#include "store-attendee-ops.h"

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const char	*v = COL_TEXT(s, i);

	return xstrdup(v ? v : "");
}

/*
 * The event (the current one when event_id < 0): 0, -1 when there is no
 * such event, -2 when the database failed.
 */
int
store_badge_event(struct store *st, int64_t event_id, struct badge_event *ev)
{
	static const char	 sql[] =
	    "SELECT id, name, timezone, venue_name, venue_city, starts_at,"
	    " ends_at, name_en FROM events WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 id = event_id < 0 ? store_current_event(st) :
	    event_id;

	memset(ev, 0, sizeof *ev);
	if (id < 0)
		return id == -2 ? -2 : -1;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) != STORE_ROW) {
		sqlite3_reset(s);
		return rc == STORE_ERROR ? -2 : -1;
	}
	ev->id = sqlite3_column_int64(s, 0);
	ev->name = col_dup(s, 1);
	ev->timezone = col_dup(s, 2);
	if (*COL_TEXT(s, 3) != '\0' && *COL_TEXT(s, 4) != '\0')
		xasprintf(&ev->venue, "%s, %s", COL_TEXT(s, 3), COL_TEXT(s, 4));
	else
		xasprintf(&ev->venue, "%s%s", COL_TEXT(s, 3), COL_TEXT(s, 4));
	ev->starts_at = (time_t)sqlite3_column_int64(s, 5);
	ev->ends_at = (time_t)sqlite3_column_int64(s, 6);
	ev->name_en = col_dup(s, 7);
	sqlite3_reset(s);
	return 0;
}

/*
 * The registration an attendee belongs to, and in *event_id its event; -1
 * when there is no such attendee, -2 when the database failed.
 */
int64_t
store_attendee_registration(struct store *st, int64_t attendee_id,
    int64_t *event_id)
{
	static const char	 sql[] =
	    "SELECT registration_id, event_id FROM attendees WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 reg = -1;

	sqlite3_bind_int64(s, 1, attendee_id);
	switch (store_step(st, s)) {
	case STORE_ROW:
		reg = sqlite3_column_int64(s, 0);
		*event_id = sqlite3_column_int64(s, 1);
		break;
	case STORE_DONE:
		break;
	case STORE_ERROR:
		reg = -2;
		break;
	}
	sqlite3_reset(s);
	return reg;
}

void
store_badge_event_clear(struct badge_event *ev)
{
	free(ev->name);
	free(ev->name_en);
	free(ev->timezone);
	free(ev->venue);
	memset(ev, 0, sizeof *ev);
}

/* Short marks for staff to see (the dinner, study visits); NULL: error. */
static char *
person_marks(struct store *st, int64_t attendee)
{
	static const char	 sql[] =
	    "SELECT s.kind FROM attendee_sessions x"
	    " JOIN sessions s ON s.id = x.session_id"
	    " WHERE x.attendee_id = ?1 ORDER BY s.starts_at";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	char			 marks[128] = "";

	sqlite3_bind_int64(s, 1, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		const char	*kind = COL_TEXT(s, 0), *mark;

		if (strcmp(kind, "meal") == 0)
			mark = "DINNER";
		else if (strcmp(kind, "visit") == 0)
			mark = "VISIT";
		else
			mark = "SESSION";
		if (strstr(marks, mark) != NULL)
			continue;
		if (marks[0] != '\0')
			strncat(marks, " · ", sizeof marks - strlen(marks) - 1);
		strncat(marks, mark, sizeof marks - strlen(marks) - 1);
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? NULL : xstrdup(marks);
}

static void
person_read(sqlite3_stmt *s, struct badge_person *p)
{
	p->id = sqlite3_column_int64(s, 0);
	p->first_name = col_dup(s, 1);
	p->last_name = col_dup(s, 2);
	p->company = col_dup(s, 3);
	p->ticket_type = col_dup(s, 4);
	p->role = col_dup(s, 5);
	p->pass_code = col_dup(s, 6);
	p->ticket_type_en = col_dup(s, 8);
	p->lang = col_dup(s, 9);
}

#define PERSON_COLUMNS \
	"a.id, a.first_name, a.last_name, a.company, t.name, t.role," \
	" a.pass_code, a.status, t.name_en, (SELECT r.lang FROM" \
	" registrations r WHERE r.id = a.registration_id)"

static void
people_add(struct badge_people *out, sqlite3_stmt *s)
{
	out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
	person_read(s, &out->v[out->n++]);
}

/*
 * The attendees a print run takes, in a stable order. Fails with a cause
 * for an id that is unknown, of another event, or not confirmed.
 */
int
store_badge_people(struct store *st, int64_t event_id, enum badge_select sel,
    const int64_t *ids, size_t nids, struct badge_people *out, char **cause)
{
	static const char	 all_sql[] =
	    "SELECT " PERSON_COLUMNS " FROM attendees a"
	    " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE a.event_id = ?1 AND a.status = 'confirmed'"
	    " AND (?2 = 0 OR NOT EXISTS (SELECT 1 FROM badge_prints b"
	    "  WHERE b.attendee_id = a.id))"
	    " ORDER BY a.last_name COLLATE NOCASE, a.first_name COLLATE NOCASE,"
	    " a.id";
	static const char	 one_sql[] =
	    "SELECT " PERSON_COLUMNS " FROM attendees a"
	    " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE a.id = ?1 AND a.event_id = ?2";
	sqlite3_stmt		*s = NULL;
	enum store_step		 rc;

	memset(out, 0, sizeof *out);
	if (sel != BADGE_IDS) {
		s = store_stmt(st, all_sql);
		sqlite3_bind_int64(s, 1, event_id);
		sqlite3_bind_int(s, 2, sel == BADGE_ONLY_NEW);
		while ((rc = store_step(st, s)) == STORE_ROW)
			people_add(out, s);
		if (rc == STORE_ERROR) {
			xasprintf(cause, "cannot read the attendees: %s",
			    sqlite3_errmsg(store_db(st)));
			goto fail;
		}
		sqlite3_reset(s);
	}
	for (size_t i = 0; sel == BADGE_IDS && i < nids; i++) {
		s = store_stmt(st, one_sql);
		sqlite3_bind_int64(s, 1, ids[i]);
		sqlite3_bind_int64(s, 2, event_id);
		if ((rc = store_step(st, s)) == STORE_ERROR) {
			xasprintf(cause, "cannot read attendee %lld: %s",
			    (long long)ids[i], sqlite3_errmsg(store_db(st)));
			goto fail;
		}
		if (rc == STORE_DONE) {
			xasprintf(cause, "no attendee %lld in this event",
			    (long long)ids[i]);
			goto fail;
		}
		if (strcmp(COL_TEXT(s, 7), "confirmed") != 0) {
			xasprintf(cause, "attendee %lld is %s, not confirmed",
			    (long long)ids[i], COL_TEXT(s, 7));
			goto fail;
		}
		people_add(out, s);
		sqlite3_reset(s);
	}
	for (size_t i = 0; i < out->n; i++) {
		if ((out->v[i].marks = person_marks(st, out->v[i].id)) ==
		    NULL) {
			xasprintf(cause, "cannot read the sign-ups: %s",
			    sqlite3_errmsg(store_db(st)));
			goto fail;
		}
	}
	return 0;
fail:
	sqlite3_reset(s);
	store_badge_people_clear(out);
	return -1;
}

void
store_badge_people_clear(struct badge_people *people)
{
	for (size_t i = 0; i < people->n; i++) {
		struct badge_person	*p = &people->v[i];

		free(p->first_name);
		free(p->last_name);
		free(p->company);
		free(p->ticket_type);
		free(p->ticket_type_en);
		free(p->lang);
		free(p->role);
		free(p->pass_code);
		free(p->marks);
	}
	free(people->v);
	memset(people, 0, sizeof *people);
}

/*
 * Record that these attendees' tags were printed, inside the caller's
 * transaction: 0, or -1 when the database failed.
 */
int
store_badge_prints_add(struct store *st, const int64_t *ids, size_t n,
    const char *layout, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO badge_prints (attendee_id, layout, printed_at)"
	    " VALUES (?1, ?2, ?3)";
	sqlite3_stmt		*s;

	for (size_t i = 0; i < n; i++) {
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, ids[i]);
		sqlite3_bind_text(s, 2, layout, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, now);
		if (store_step_done(st, s) != 0)
			return -1;
	}
	return 0;
}

/* Record that these tags were printed, in one transaction. */
int
store_badge_printed(struct store *st, const struct badge_people *people,
    const char *layout)
{
	int64_t	*ids = xreallocarray(NULL, people->n + 1, sizeof *ids);
	int	 rc = -1;

	for (size_t i = 0; i < people->n; i++)
		ids[i] = people->v[i].id;
	if (store_begin(st) != 0)
		goto out;
	if (store_badge_prints_add(st, ids, people->n, layout,
	    (int64_t)time(NULL)) != 0 || store_commit(st) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/*
 * Whether each of these ids is a confirmed attendee of the event: 0; or
 * BADGE_ID_UNKNOWN (no such attendee in this event) or
 * BADGE_ID_UNCONFIRMED, with the first such id in *bad; -1 when the
 * database failed.
 */
int
store_badge_ids_check(struct store *st, int64_t event_id, const int64_t *ids,
    size_t n, int64_t *bad)
{
	static const char	 sql[] =
	    "SELECT status FROM attendees WHERE id = ?1 AND event_id = ?2";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int			 verdict = 0;

	for (size_t i = 0; i < n && verdict == 0; i++) {
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, ids[i]);
		sqlite3_bind_int64(s, 2, event_id);
		if ((rc = store_step(st, s)) == STORE_ERROR)
			verdict = -1;
		else if (rc == STORE_DONE)
			verdict = BADGE_ID_UNKNOWN;
		else if (strcmp(COL_TEXT(s, 0), "confirmed") != 0)
			verdict = BADGE_ID_UNCONFIRMED;
		if (verdict > 0)
			*bad = ids[i];
		sqlite3_reset(s);
	}
	return verdict;
}

/*
 * An event's confirmed attendees, and of them those whose tag was never
 * printed: 0, or -1 when the database failed.
 */
int
store_badge_counts(struct store *st, int64_t event_id, int64_t *confirmed,
    int64_t *not_printed)
{
	static const char	 sql[] =
	    "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS"
	    " (SELECT 1 FROM badge_prints b WHERE b.attendee_id = a.id))"
	    " FROM attendees a WHERE a.event_id = ?1"
	    " AND a.status = 'confirmed'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW) {
		*confirmed = sqlite3_column_int64(s, 0);
		*not_printed = sqlite3_column_int64(s, 1);
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

/*
 * A new pass code for a confirmed attendee, in a transaction of its own:
 * the old one is forgotten, so the door no longer knows it, and the tag
 * counts as not printed (store_pass_renew()). Returns the new code.
 */
char *
store_pass_reissue(struct store *st, int64_t attendee_id, char **cause)
{
	static const char	 get_sql[] =
	    "SELECT status FROM attendees WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	char			*code = NULL;

	if (store_begin(st) != 0) {
		xasprintf(cause, "the database is busy");
		return NULL;
	}
	s = store_stmt(st, get_sql);
	sqlite3_bind_int64(s, 1, attendee_id);
	if ((rc = store_step(st, s)) == STORE_ERROR) {
		xasprintf(cause, "cannot read attendee %lld: %s",
		    (long long)attendee_id, sqlite3_errmsg(store_db(st)));
		goto fail;
	}
	if (rc == STORE_DONE) {
		xasprintf(cause, "no attendee %lld", (long long)attendee_id);
		goto fail;
	}
	if (strcmp(COL_TEXT(s, 0), "confirmed") != 0) {
		xasprintf(cause, "attendee %lld is %s, not confirmed",
		    (long long)attendee_id, COL_TEXT(s, 0));
		goto fail;
	}
	sqlite3_reset(s);
	if ((code = store_pass_renew(st, attendee_id)) == NULL ||
	    store_commit(st) != 0) {
		xasprintf(cause, "cannot save: %s", sqlite3_errmsg(store_db(st)));
		goto fail;
	}
	return code;
fail:
	sqlite3_reset(s);
	store_rollback(st);
	free(code);
	return NULL;
}
