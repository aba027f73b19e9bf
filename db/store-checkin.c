/*
 * store-checkin.c: check-ins at the door. A scan names a pass code (or an
 * attendee found by name) and a checkpoint: the main entrance, or a session
 * that takes sign-ups (a study visit), where only those signed up may
 * enter. It runs in the writer's transaction, so two doors scanning the
 * same badge at once get one "ok" and one "already_checked_in".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-door.h"
#include "door-sync.h"

/*
 * The main entrance and the sessions with sign-ups, each with its name
 * in Swedish and English and its kind ("entrance", or the session's:
 * "visit", "meal", ...); NULL: database error.
 */
json_t *
store_checkpoints(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT id, title, kind, title_en FROM sessions WHERE event_id = ?1"
	    " AND signup = 1 ORDER BY starts_at, id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;
	char			 id[32];

	json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:n, s:s}",
	    "id", "main", "name", "Huvudentré", "name_en", "Main entrance",
	    "session_id", "kind", "entrance"));
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		snprintf(id, sizeof id, "session-%lld",
		    (long long)sqlite3_column_int64(s, 0));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I,"
		    " s:s}", "id", id, "name", COL_TEXT(s, 1),
		    "name_en", COL_TEXT(s, 3) ? COL_TEXT(s, 3) : "",
		    "session_id", (json_int_t)sqlite3_column_int64(s, 0),
		    "kind", COL_TEXT(s, 2)));
	}
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/*
 * The session a checkpoint's name stands for, by its form alone: 0 for
 * "main", the id for "session-<id>" in decimal without leading zeros, -1
 * for anything else. One checkpoint has one name: "session-09",
 * "session-+9" or "session- 9" would otherwise admit a badge once more.
 */
int64_t
store_checkpoint_parse(const char *cp)
{
	const char	*p;
	int64_t		 id = 0;

	if (strcmp(cp, "main") == 0)
		return 0;
	if (strncmp(cp, "session-", 8) != 0)
		return -1;
	p = cp + 8;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || id > (INT64_MAX - 9) / 10)
			return -1;
		id = id * 10 + (*p - '0');
	}
	return id;
}

/*
 * The session a checkpoint names: 0 for the main entrance, -1 if none, -2
 * when the database failed.
 */
static int64_t
checkpoint_session_kind(struct store *st, int64_t event_id, const char *cp,
    int *meal)
{
	static const char	 sql[] =
	    "SELECT kind = 'meal' FROM sessions WHERE id = ?1"
	    " AND event_id = ?2 AND signup = 1";
	sqlite3_stmt		*s;
	int64_t			 id;

	*meal = 0;
	if ((id = store_checkpoint_parse(cp)) <= 0)
		return id;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, event_id);
	switch (store_step(st, s)) {
	case STORE_ROW:
		*meal = sqlite3_column_int(s, 0);
		break;
	case STORE_DONE:
		id = -1;
		break;
	case STORE_ERROR:
		id = -2;
		break;
	}
	sqlite3_reset(s);
	return id;
}

static int64_t
checkpoint_session(struct store *st, int64_t event_id, const char *cp)
{
	int	meal;

	return checkpoint_session_kind(st, event_id, cp, &meal);
}

/*
 * 1: the checkpoint exists; 0: it does not; -1: the database failed (the
 * scan checks again in the writer, and fails there).
 */
int
store_checkpoint_valid(struct store *st, int64_t event_id, const char *cp)
{
	int64_t	session = checkpoint_session(st, event_id, cp);

	return session == -2 ? -1 : session >= 0;
}

struct found {
	int64_t	 id, event_id;
	char	*status, *zone, *dietary;
	json_t	*attendee;
};

/* STORE_ROW with *f filled in, STORE_DONE for nobody, or STORE_ERROR. */
static enum store_step
attendee_find(struct store *st, const char *code, int64_t attendee_id,
    struct found *f)
{
	static const char	 by_code[] =
	    "SELECT a.id, a.event_id, a.status, e.timezone, a.first_name,"
	    " a.last_name, a.company, t.name, t.role, a.dietary, t.name_en"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " JOIN events e ON e.id = a.event_id WHERE a.pass_code = ?1";
	static const char	 by_id[] =
	    "SELECT a.id, a.event_id, a.status, e.timezone, a.first_name,"
	    " a.last_name, a.company, t.name, t.role, a.dietary, t.name_en"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " JOIN events e ON e.id = a.event_id WHERE a.id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	char			*name;

	memset(f, 0, sizeof *f);
	if (code != NULL) {
		/* A code with a wrong check character is nobody's. */
		if (!token_pass_code_valid(code))
			return STORE_DONE;
		s = store_stmt(st, by_code);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	} else {
		s = store_stmt(st, by_id);
		sqlite3_bind_int64(s, 1, attendee_id);
	}
	if ((rc = store_step(st, s)) == STORE_ROW) {
		f->id = sqlite3_column_int64(s, 0);
		f->event_id = sqlite3_column_int64(s, 1);
		f->status = xstrdup(COL_TEXT(s, 2));
		f->zone = xstrdup(COL_TEXT(s, 3));
		f->dietary = xstrdup(COL_TEXT(s, 9));
		xasprintf(&name, "%s %s", COL_TEXT(s, 4), COL_TEXT(s, 5));
		f->attendee = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)f->id, "name", name,
		    "company", COL_TEXT(s, 6), "ticket_type", COL_TEXT(s, 7),
		    "ticket_type_en", COL_TEXT(s, 10), "role", COL_TEXT(s, 8));
		free(name);
	}
	sqlite3_reset(s);
	return rc;
}

/* STORE_ROW: the attendee signed up for the session; STORE_DONE: not. */
enum store_step
store_signed_up(struct store *st, int64_t attendee, int64_t session)
{
	static const char	 sql[] =
	    "SELECT 1 FROM attendee_sessions WHERE attendee_id = ?1"
	    " AND session_id = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_int64(s, 2, session);
	rc = store_step(st, s);
	sqlite3_reset(s);
	return rc;
}

/*
 * The attendee's check-in at the checkpoint, if there is one: STORE_ROW
 * with it in *j and its id in *id, STORE_DONE, or STORE_ERROR.
 */
static enum store_step
first_checkin(struct store *st, int64_t attendee, const char *cp,
    const char *zone, int64_t *id, json_t **j)
{
	static const char	 sql[] =
	    "SELECT c.id, c.at, u.name FROM checkins c"
	    " JOIN users u ON u.id = c.user_id WHERE c.attendee_id = ?1"
	    " AND c.checkpoint = ?2 AND c.undone_at IS NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	char			 at[32];

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_text(s, 2, cp, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		timefmt_iso(sqlite3_column_int64(s, 1), zone, at);
		*j = json_pack("{s:s, s:s, s:s}", "at", at, "checkpoint", cp,
		    "by", COL_TEXT(s, 2));
	}
	sqlite3_reset(s);
	return rc;
}

static int
checkin_insert(struct store *st, const struct staff *who, int64_t attendee,
    const char *cp, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO checkins (attendee_id, checkpoint, at, user_id)"
	    " VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_text(s, 2, cp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, who->id);
	return store_step_done(st, s);
}

/*
 * The stored answer to a scan with this nonce from the same staff session:
 * STORE_ROW and *answer, STORE_DONE if there is none, or STORE_ERROR.
 */
static enum store_step
nonce_answer(struct store *st, const struct staff *who, const char *nonce,
    json_t **answer)
{
	static const char	 sql[] =
	    "SELECT answer FROM scan_nonces WHERE session_id = ?1"
	    " AND nonce = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, who->session);
	sqlite3_bind_text(s, 2, nonce, -1, SQLITE_STATIC);
	*answer = NULL;
	if ((rc = store_step(st, s)) == STORE_ROW &&
	    (*answer = json_loads(COL_TEXT(s, 0), 0, NULL)) == NULL)
		rc = STORE_ERROR;
	sqlite3_reset(s);
	return rc;
}

static int
nonce_save(struct store *st, const struct staff *who, const char *nonce,
    json_t *answer, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO scan_nonces (session_id, nonce, user_id, answer,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			*text = json_dumps(answer, JSON_COMPACT);
	int			 rc;

	if (text == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, who->session);
	sqlite3_bind_text(s, 2, nonce, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, who->id);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	rc = store_step_done(st, s);
	free(text);
	return rc;
}

/*
 * A confirmed attendee at a checkpoint: the result in *result and, for
 * "ok" and "already_checked_in", the check-in in *first and *checkin_id.
 * Returns 0, or -1 when the database failed.
 */
static int
checkin_confirmed(struct store *st, const struct staff *who,
    const struct found *f, const char *cp, int64_t now, const char **result,
    json_t **first, int64_t *checkin_id)
{
	enum store_step	step = STORE_ROW;
	int64_t		session;
	int		meal;
	char		at[32];

	if ((session = checkpoint_session_kind(st, f->event_id, cp,
	    &meal)) == -2)
		return -1;
	/* Who serves the meal needs the dietary needs; no one else does. */
	if (meal)
		json_object_set_new(f->attendee, "dietary",
		    json_string(f->dietary));
	if (session > 0 && (step = store_signed_up(st, f->id, session)) ==
	    STORE_ERROR)
		return -1;
	if (session < 0 || step == STORE_DONE) {
		*result = "not_registered_here";
		return 0;
	}
	step = first_checkin(st, f->id, cp, f->zone, checkin_id, first);
	if (step == STORE_ERROR)
		return -1;
	if (step == STORE_ROW) {
		*result = "already_checked_in";
		return 0;
	}
	if (checkin_insert(st, who, f->id, cp, now) != 0)
		return -1;
	*checkin_id = sqlite3_last_insert_rowid(store_db(st));
	timefmt_iso(now, f->zone, at);
	*first = json_pack("{s:s, s:s, s:s}", "at", at, "checkpoint", cp,
	    "by", who->name);
	*result = "ok";
	return 0;
}

/*
 * One scan. Returns the answer ({"result", "attendee", "first_checkin",
 * "checkin_id"}), or NULL when the database failed. The caller has checked
 * that the checkpoint exists. A retry with the same nonce from the same
 * staff session gets the first answer; from another session, the nonce is
 * another scan's.
 */
json_t *
store_checkin(struct store *st, const struct staff *who, const char *code,
    int64_t attendee_id, const char *cp, const char *nonce,
    const char *address, int64_t now)
{
	struct found	 f;
	enum store_step	 step;
	const char	*result;
	json_t		*answer = NULL, *first = NULL;
	int64_t		 checkin_id = 0, current = -1;
	char		 detail[160];

	/* Nonces belong to a session: without one, a scan has none. */
	if (who->session <= 0)
		nonce = NULL;
	if (nonce != NULL) {
		/* A repeated nonce (a retried request) gets the first answer. */
		step = nonce_answer(st, who, nonce, &answer);
		if (step != STORE_DONE)
			return answer;
	}
	if ((step = attendee_find(st, code, attendee_id, &f)) == STORE_ERROR)
		goto out;
	if (step == STORE_ROW && (current = store_current_event(st)) == -2)
		goto out;
	if (step == STORE_DONE)
		result = "unknown";
	/* Last year's pass, or a draft event's, opens no door this year. */
	else if (f.event_id != current)
		result = "not_registered_here";
	else if (strcmp(f.status, "cancelled") == 0)
		result = "cancelled";
	else if (strcmp(f.status, "waitlisted") == 0)
		result = "waitlisted";
	else if (checkin_confirmed(st, who, &f, cp, now, &result, &first,
	    &checkin_id) != 0)
		goto out;
	answer = json_pack("{s:s, s:s, s:o, s:o, s:o}", "result", result,
	    "checkpoint", cp,
	    "attendee", f.attendee ? f.attendee : json_null(),
	    "first_checkin", first ? first : json_null(),
	    "checkin_id", checkin_id ? json_integer(checkin_id) : json_null());
	f.attendee = first = NULL;
	snprintf(detail, sizeof detail, "%s: attendee %lld at %s", result,
	    (long long)f.id, cp);
	if (store_audit(st, who, NULL, "checkin", detail, address, now) != 0 ||
	    (nonce != NULL && nonce_save(st, who, nonce, answer, now) != 0)) {
		json_decref(answer);
		answer = NULL;
	}
out:
	json_decref(f.attendee);
	json_decref(first);
	free(f.status);
	free(f.zone);
	free(f.dietary);
	return answer;
}

/*
 * Undo a mistaken check-in: 0, -1 when there is no such live one, or -2
 * when the database failed.
 */
int
store_checkin_undo(struct store *st, const struct staff *who, int64_t id,
    const char *address, int64_t now)
{
	static const char	 sql[] =
	    "UPDATE checkins SET undone_at = ?2, undone_by = ?3"
	    " WHERE id = ?1 AND undone_at IS NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			 detail[64];

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, who->id);
	if (store_step_done(st, s) != 0)
		return -2;
	if (sqlite3_changes(store_db(st)) != 1)
		return -1;
	snprintf(detail, sizeof detail, "check-in %lld", (long long)id);
	if (store_audit(st, who, NULL, "checkin_undo", detail, address,
	    now) != 0)
		return -2;
	return 0;
}

/* Expected and checked in, per checkpoint and ticket type; NULL: error. */
json_t *
store_checkin_stats(struct store *st, int64_t event_id)
{
	/*
	 * Expected: the seat counter at the entrance, the sign-ups at a
	 * session. Both counts walk only the sign-ups and the check-ins of
	 * the checkpoint (by their indexes), never every attendee.
	 */
	static const char	 sql[] =
	    "SELECT t.id, t.name,"
	    " CASE WHEN ?2 = 0 THEN t.confirmed_count ELSE"
	    "  (SELECT count(*) FROM attendee_sessions x"
	    "   JOIN attendees a ON a.id = x.attendee_id"
	    "   WHERE x.session_id = ?2 AND a.ticket_type_id = t.id"
	    "   AND a.status = 'confirmed') END,"
	    " (SELECT count(*) FROM checkins c"
	    "  JOIN attendees a ON a.id = c.attendee_id"
	    "  WHERE c.checkpoint = ?3 AND c.undone_at IS NULL"
	    "  AND a.ticket_type_id = t.id AND a.status = 'confirmed')"
	    " FROM ticket_types t WHERE t.event_id = ?1 ORDER BY t.sort, t.id";
	json_t			*cps = store_checkpoints(st, event_id), *cp;
	size_t			 i;

	if (cps == NULL)
		return NULL;
	json_array_foreach(cps, i, cp) {
		sqlite3_stmt	*s = store_stmt(st, sql);
		json_t		*types = json_array();
		json_t		*sid = json_object_get(cp, "session_id");
		int64_t		 expected = 0, in = 0;
		enum store_step	 rc;

		sqlite3_bind_int64(s, 1, event_id);
		sqlite3_bind_int64(s, 2, json_is_integer(sid) ?
		    json_integer_value(sid) : 0);
		sqlite3_bind_text(s, 3, json_string_value(json_object_get(cp,
		    "id")), -1, SQLITE_TRANSIENT);
		while ((rc = store_step(st, s)) == STORE_ROW) {
			expected += sqlite3_column_int64(s, 2);
			in += sqlite3_column_int64(s, 3);
			json_array_append_new(types, json_pack(
			    "{s:I, s:s, s:I, s:I}",
			    "id", (json_int_t)sqlite3_column_int64(s, 0),
			    "name", COL_TEXT(s, 1),
			    "expected", (json_int_t)sqlite3_column_int64(s, 2),
			    "checked_in",
			    (json_int_t)sqlite3_column_int64(s, 3)));
		}
		sqlite3_reset(s);
		json_object_set_new(cp, "ticket_types", types);
		if (rc == STORE_ERROR)
			return store_list_end(cps, rc);
		json_object_set_new(cp, "expected", json_integer(expected));
		json_object_set_new(cp, "checked_in", json_integer(in));
		/* People let in twice while offline (store-door-upload.c). */
		if ((expected = store_door_conflict_count(st, event_id,
		    json_string_value(json_object_get(cp, "id")))) < 0)
			return store_list_end(cps, STORE_ERROR);
		json_object_set_new(cp, "conflicts", json_integer(expected));
	}
	return json_pack("{s:o}", "checkpoints", cps);
}
