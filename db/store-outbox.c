/*
 * store-outbox.c: the mail outbox. store_outbox_add() writes one message
 * in the transaction of the change that causes it (a registration, a
 * promotion, a cancellation, a change to an attendee, a release of the
 * programme that moves their sessions), so that a change undone leaves no message
 * and a change kept always has its one. The daemon's mailer takes due
 * messages on a connection of its own (claim, sent, retry later), and an
 * organiser lists them and sends a failed one again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"
#include "resource.h"

/* "<outbox-ID-RANDOM@techtank-conference>": ID makes it unique. */
static char *
message_id(int64_t id)
{
	char	 rnd[17], *out;

	token_random(rnd, 16);
	rnd[16] = '\0';
	xasprintf(&out, "<outbox-%lld-%s@techtank-conference>", (long long)id,
	    rnd);
	return out;
}

/*
 * A message of kind about a registration (0: none) and one of its
 * attendees (0: all of them) to an address, in lang: 0, or -1 when the
 * database failed. params (or NULL) is kept as JSON for the renderer.
 */
int
store_outbox_add(struct store *st, const char *kind, int64_t reg_id,
    int64_t attendee_id, const char *to, const char *to_name,
    const char *lang, const json_t *params)
{
	static const char	 next_sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM outbox";
	static const char	 sql[] =
	    "INSERT INTO outbox (id, kind, registration_id, attendee_id,"
	    " recipient, recipient_name, lang, params, message_id,"
	    " next_attempt_at, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
	sqlite3_stmt		*s = store_stmt(st, next_sql);
	char			*mid, *json;
	int64_t			 id, now = (int64_t)time(NULL);
	int			 rc;

	/* The writer is the only one adding: the id is known before. */
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	mid = message_id(id);
	json = params != NULL ? json_dumps(params, JSON_COMPACT) :
	    xstrdup("{}");
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	if (reg_id > 0)
		sqlite3_bind_int64(s, 3, reg_id);
	if (attendee_id > 0)
		sqlite3_bind_int64(s, 4, attendee_id);
	sqlite3_bind_text(s, 5, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, to_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, strcmp(lang, "en") == 0 ? "en" : "sv", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 8, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, mid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, now);
	rc = store_step_done(st, s);
	free(json);
	free(mid);
	return rc;
}

/* The kind of message an attendee's (or a registration's) status gets. */
static const char *
status_kind(const char *status)
{
	return strcmp(status, "waitlisted") == 0 ? "waitlisted" :
	    "confirmation";
}

static char *
full_name(const char *first, const char *last)
{
	char	*out;

	xasprintf(&out, "%s %s", first, last);
	return out;
}

/*
 * The messages of a registration just made or just cancelled: the
 * contact's (the whole registration: confirmed, waitlisted or its
 * receipt), and after a registration one for each colleague with an
 * address of their own (their own pass and link). 0, or -1.
 */
int
store_outbox_registration(struct store *st, int64_t reg_id, int cancelled)
{
	static const char	 reg_sql[] =
	    "SELECT contact_first_name, contact_last_name, contact_email,"
	    " lang, status FROM registrations WHERE id = ?1";
	static const char	 att_sql[] =
	    "SELECT id, first_name, last_name, email, email_norm, status"
	    " FROM attendees WHERE registration_id = ?1"
	    " AND status <> 'cancelled' ORDER BY id";
	sqlite3_stmt		*s = store_stmt(st, reg_sql);
	char			*first = NULL, *last = NULL, *email = NULL;
	char			*norm = NULL, *name = NULL, lang[3] = "sv";
	const char		*kind;
	enum store_step		 step;
	int			 rc = -1;

	sqlite3_bind_int64(s, 1, reg_id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	first = xstrdup(COL_TEXT(s, 0));
	last = xstrdup(COL_TEXT(s, 1));
	email = xstrdup(COL_TEXT(s, 2));
	snprintf(lang, sizeof lang, "%s", COL_TEXT(s, 3));
	kind = cancelled ? "cancelled" : status_kind(COL_TEXT(s, 4));
	sqlite3_reset(s);
	name = full_name(first, last);
	if (store_outbox_add(st, kind, reg_id, 0, email, name, lang,
	    NULL) != 0)
		goto out;
	if (cancelled) {
		rc = 0;
		goto out;
	}
	norm = email_normalise(email);
	s = store_stmt(st, att_sql);
	sqlite3_bind_int64(s, 1, reg_id);
	while ((step = store_step(st, s)) == STORE_ROW) {
		char	*aname;
		int	 r;

		if (norm != NULL && strcmp(COL_TEXT(s, 4), norm) == 0)
			continue;
		aname = full_name(COL_TEXT(s, 1), COL_TEXT(s, 2));
		r = store_outbox_add(st, status_kind(COL_TEXT(s, 5)), reg_id,
		    sqlite3_column_int64(s, 0), COL_TEXT(s, 3), aname, lang,
		    NULL);
		free(aname);
		if (r != 0) {
			step = STORE_ERROR;
			break;
		}
	}
	sqlite3_reset(s);
	if (step != STORE_ERROR)
		rc = 0;
out:
	free(first);
	free(last);
	free(email);
	free(norm);
	free(name);
	return rc;
}

/*
 * A message of kind about one attendee, with params (or NULL): to them,
 * and to the registration's contact when that is someone else. 0, or -1.
 */
static int
attendee_msg(struct store *st, const char *kind, int64_t attendee_id,
    const json_t *params)
{
	static const char	 sql[] =
	    "SELECT a.registration_id, a.first_name, a.last_name, a.email,"
	    " a.email_norm, r.contact_first_name, r.contact_last_name,"
	    " r.contact_email, r.lang FROM attendees a"
	    " JOIN registrations r ON r.id = a.registration_id"
	    " WHERE a.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			*name = NULL, *cname = NULL, *to = NULL;
	char			*cto = NULL, *norm = NULL, *cnorm = NULL;
	char			 lang[3] = "sv";
	int64_t			 reg_id;
	int			 rc = -1;

	sqlite3_bind_int64(s, 1, attendee_id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	reg_id = sqlite3_column_int64(s, 0);
	name = full_name(COL_TEXT(s, 1), COL_TEXT(s, 2));
	to = xstrdup(COL_TEXT(s, 3));
	norm = xstrdup(COL_TEXT(s, 4));
	cname = full_name(COL_TEXT(s, 5), COL_TEXT(s, 6));
	cto = xstrdup(COL_TEXT(s, 7));
	snprintf(lang, sizeof lang, "%s", COL_TEXT(s, 8));
	sqlite3_reset(s);
	cnorm = email_normalise(cto);
	if (store_outbox_add(st, kind, reg_id, attendee_id, to, name, lang,
	    params) != 0)
		goto out;
	if (cnorm != NULL && strcmp(cnorm, norm) != 0 &&
	    store_outbox_add(st, kind, reg_id, attendee_id, cto, cname, lang,
	    params) != 0)
		goto out;
	rc = 0;
out:
	free(name);
	free(cname);
	free(to);
	free(cto);
	free(norm);
	free(cnorm);
	return rc;
}

/*
 * A message of kind about one attendee (a seat from the waitlist, with
 * their pass; their cancellation, a receipt): to them, and to the
 * registration's contact when that is someone else. 0, or -1.
 */
int
store_outbox_attendee(struct store *st, const char *kind, int64_t attendee_id)
{
	return attendee_msg(st, kind, attendee_id, NULL);
}

/*
 * An attendee's name, ticket type and sessions as they are now, for
 * store_outbox_changed() to compare with after the change: 0, or -1.
 */
int
store_outbox_snap(struct store *st, int64_t attendee_id,
    struct outbox_snap *snap)
{
	static const char	 sql[] =
	    "SELECT first_name, last_name, ticket_type_id,"
	    " (SELECT coalesce(group_concat(id), '') FROM"
	    " (SELECT session_id AS id FROM attendee_sessions"
	    " WHERE attendee_id = ?1 UNION SELECT session_id FROM"
	    " session_waits WHERE attendee_id = ?1 ORDER BY 1))"
	    " FROM attendees WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	memset(snap, 0, sizeof *snap);
	sqlite3_bind_int64(s, 1, attendee_id);
	if (store_step(st, s) == STORE_ROW) {
		snap->attendee = attendee_id;
		snap->first_name = xstrdup(COL_TEXT(s, 0));
		snap->last_name = xstrdup(COL_TEXT(s, 1));
		snap->ticket_type = sqlite3_column_int64(s, 2);
		snap->sessions = xstrdup(COL_TEXT(s, 3));
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

void
store_outbox_snap_clear(struct outbox_snap *snap)
{
	free(snap->first_name);
	free(snap->last_name);
	free(snap->sessions);
	memset(snap, 0, sizeof *snap);
}

/*
 * After a change to an attendee (by an organiser, or through a manage
 * link), in its transaction: a 'changed' message to them (and their
 * contact) when their name, ticket type or sessions differ from before,
 * params {"changed": ["name", "ticket_type", "sessions"]} saying which.
 * None when nothing they would see changed, or the attendee is
 * cancelled now (their cancellation has its own receipt). 0, or -1.
 */
int
store_outbox_changed(struct store *st, const struct outbox_snap *before)
{
	static const char	 status_sql[] =
	    "SELECT status FROM attendees WHERE id = ?1";
	struct outbox_snap	 now;
	sqlite3_stmt		*s;
	json_t			*what, *params;
	enum store_step		 step;
	int			 cancelled = 0, rc;

	if (before->attendee <= 0)
		return -1;
	s = store_stmt(st, status_sql);
	sqlite3_bind_int64(s, 1, before->attendee);
	if ((step = store_step(st, s)) == STORE_ROW)
		cancelled = strcmp(COL_TEXT(s, 0), "cancelled") == 0;
	sqlite3_reset(s);
	if (step != STORE_ROW)
		return -1;
	if (cancelled)
		return 0;
	if (store_outbox_snap(st, before->attendee, &now) != 0)
		return -1;
	what = json_array();
	if (strcmp(now.first_name, before->first_name) != 0 ||
	    strcmp(now.last_name, before->last_name) != 0)
		json_array_append_new(what, json_string("name"));
	if (now.ticket_type != before->ticket_type)
		json_array_append_new(what, json_string("ticket_type"));
	if (strcmp(now.sessions, before->sessions) != 0)
		json_array_append_new(what, json_string("sessions"));
	store_outbox_snap_clear(&now);
	if (json_array_size(what) == 0) {
		json_decref(what);
		return 0;
	}
	params = json_pack("{s:o}", "changed", what);
	rc = attendee_msg(st, "changed", before->attendee, params);
	json_decref(params);
	return rc;
}

/*
 * Whether a release's change to a session is one its sign-ups are told:
 * moved, put in another room, cancelled, or back from cancelled ("new"
 * with a before; those told of the cancellation kept their sign-ups).
 */
static int
change_told(const json_t *change)
{
	const json_t	*k;
	const char	*kind;
	size_t		 i;

	json_array_foreach(json_object_get(change, "kinds"), i, k) {
		kind = json_string_value(k);
		if (kind != NULL && (strcmp(kind, "cancelled") == 0 ||
		    strcmp(kind, "moved") == 0 ||
		    strcmp(kind, "room_changed") == 0 ||
		    (strcmp(kind, "new") == 0 &&
		    json_is_object(json_object_get(change, "before")))))
			return 1;
	}
	return 0;
}

/* What a 'session_moved' message says of one session's change. */
static json_t *
change_said(const json_t *change)
{
	const json_t	*who = json_object_get(change, "session");
	const char	*en = json_string_value(json_object_get(who,
	    "title_en"));
	const char	*sv = json_string_value(json_object_get(who, "title"));

	return json_pack("{s:s, s:s, s:O, s:O, s:O}",
	    "title", sv != NULL ? sv : "", "title_en", en != NULL ? en : "",
	    "kinds", json_object_get(change, "kinds"),
	    "before", json_object_get(change, "before"),
	    "after", json_object_get(change, "after"));
}

/*
 * A release of the programme just published, in its transaction: a
 * 'session_moved' message to each live attendee who holds a seat in, or
 * waits in line for, a session the release moved, put in another room,
 * cancelled or brought back, listing those sessions (params {"sessions": [{"title",
 * "title_en", "kinds", "before", "after"}]}), one message per attendee
 * however many of their sessions changed.
 *
 * Who is told, and when: only what the public can see is told, so edits
 * to the draft tell no one until they are published (an organiser may move
 * a session back and forth before publishing). Only those signed up are
 * told: a session without sign-ups (a keynote, a talk open to all) has no
 * list of who means to be there, and the published programme and its
 * calendar feed (the session's SEQUENCE raised) carry that change to
 * everyone; mailing every attendee for each of those would bury the
 * messages that matter. Erased attendees are not told.
 */
int
store_outbox_programme(struct store *st, const json_t *changes)
{
	static const char	 sql[] =
	    "SELECT a.id, a.registration_id, a.first_name, a.last_name,"
	    " a.email, r.lang FROM attendees a"
	    " JOIN registrations r ON r.id = a.registration_id"
	    " WHERE a.status <> 'cancelled' AND a.erased_at IS NULL"
	    " AND a.email <> '' AND a.id IN"
	    " (SELECT attendee_id FROM attendee_sessions WHERE session_id = ?1"
	    " UNION SELECT attendee_id FROM session_waits"
	    " WHERE session_id = ?1)";
	json_t			*told = json_object(), *one, *c, *params;
	const char		*key;
	sqlite3_stmt		*s;
	enum store_step		 step = STORE_DONE;
	char			 id[24], *name;
	size_t			 i;
	int			 rc = 0;

	json_array_foreach(changes, i, c) {
		if (!change_told(c))
			continue;
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, json_integer_value(json_object_get(
		    json_object_get(c, "session"), "id")));
		while ((step = store_step(st, s)) == STORE_ROW) {
			snprintf(id, sizeof id, "%lld", (long long)
			    sqlite3_column_int64(s, 0));
			if ((one = json_object_get(told, id)) == NULL) {
				name = full_name(COL_TEXT(s, 2), COL_TEXT(s, 3));
				one = json_pack("{s:I, s:I, s:s, s:s, s:s, s:[]}",
				    "attendee", (json_int_t)
				    sqlite3_column_int64(s, 0), "registration",
				    (json_int_t)sqlite3_column_int64(s, 1),
				    "name", name, "to", COL_TEXT(s, 4),
				    "lang", COL_TEXT(s, 5), "sessions");
				free(name);
				json_object_set_new(told, id, one);
			}
			json_array_append_new(json_object_get(one, "sessions"),
			    change_said(c));
		}
		sqlite3_reset(s);
		if (step == STORE_ERROR)
			break;
	}
	if (step == STORE_ERROR)
		rc = -1;
	json_object_foreach(told, key, one) {
		if (rc != 0)
			break;
		params = json_pack("{s:O}", "sessions",
		    json_object_get(one, "sessions"));
		rc = store_outbox_add(st, "session_moved", json_integer_value(
		    json_object_get(one, "registration")), json_integer_value(
		    json_object_get(one, "attendee")), json_string_value(
		    json_object_get(one, "to")), json_string_value(
		    json_object_get(one, "name")), json_string_value(
		    json_object_get(one, "lang")), params);
		json_decref(params);
	}
	json_decref(told);
	return rc;
}

/*
 * "Send me my link": a 'link' message with the private link to each live
 * registration of event whose contact has the address email_norm, and to
 * each live attendee with it (their personal link) who is not that
 * contact. None when the address is unknown: the caller answers the same.
 * 0, or -1 when the database failed.
 */
int
store_outbox_link_request(struct store *st, int64_t event_id,
    const char *email_norm)
{
	static const char	 sql[] =
	    "SELECT r.id, 0, r.contact_first_name, r.contact_last_name,"
	    " r.contact_email, r.lang FROM registrations r"
	    " WHERE r.event_id = ?1 AND r.contact_email_norm = ?2"
	    " AND r.status <> 'cancelled' AND r.erased_at IS NULL"
	    " AND r.contact_email <> ''"
	    " UNION ALL SELECT a.registration_id, a.id, a.first_name,"
	    " a.last_name, a.email, r.lang FROM attendees a"
	    " JOIN registrations r ON r.id = a.registration_id"
	    " WHERE a.event_id = ?1 AND a.email_norm = ?2"
	    " AND a.status <> 'cancelled' AND a.erased_at IS NULL"
	    " ORDER BY 1, 2";
	struct { int64_t reg, att; char *name, *to, lang[3]; } hit[8];
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;
	size_t			 n = 0, i;
	int			 rc = 0;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, email_norm, -1, SQLITE_STATIC);
	while ((step = store_step(st, s)) == STORE_ROW) {
		int64_t	 att = sqlite3_column_int64(s, 1);

		if (att != 0 && n > 0 && hit[n - 1].reg ==
		    sqlite3_column_int64(s, 0) && hit[n - 1].att == 0)
			continue;	/* the contact has the whole one */
		if (n == sizeof hit / sizeof hit[0])
			break;
		hit[n].reg = sqlite3_column_int64(s, 0);
		hit[n].att = att;
		hit[n].name = full_name(COL_TEXT(s, 2), COL_TEXT(s, 3));
		hit[n].to = xstrdup(COL_TEXT(s, 4));
		snprintf(hit[n].lang, sizeof hit[n].lang, "%s", COL_TEXT(s, 5));
		n++;
	}
	sqlite3_reset(s);
	if (step == STORE_ERROR)
		rc = -1;
	for (i = 0; i < n; i++) {
		if (rc == 0 && store_outbox_add(st, "link", hit[i].reg,
		    hit[i].att, hit[i].to, hit[i].name, hit[i].lang,
		    NULL) != 0)
			rc = -1;
		free(hit[i].name);
		free(hit[i].to);
	}
	return rc;
}

/*
 * Messages left "sending" since before a time (their sender died, or
 * gave up waiting) are queued again, due at once: 0, or -1.
 */
int
store_outbox_requeue(struct store *st, int64_t before)
{
	static const char	 sql[] =
	    "UPDATE outbox SET state = 'queued', sending_since = NULL,"
	    " next_attempt_at = ?2 WHERE state = 'sending'"
	    " AND sending_since < ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	return store_step_done(st, s);
}

void
store_outbox_msg_clear(struct outbox_msg *m)
{
	free(m->recipient);
	free(m->recipient_name);
	free(m->message_id);
	free(m->params);
	memset(m, 0, sizeof *m);
}

/*
 * Take the first message due at now, marking it "sending" (one attempt
 * more), in a transaction of its own: STORE_ROW with *m filled in,
 * STORE_DONE when none is due, STORE_ERROR.
 */
enum store_step
store_outbox_claim(struct store *st, int64_t now, struct outbox_msg *m)
{
	static const char	 sql[] =
	    "SELECT id, kind, coalesce(registration_id, 0),"
	    " coalesce(attendee_id, 0), recipient, recipient_name, lang,"
	    " params, message_id, attempts, created_at FROM outbox"
	    " WHERE state = 'queued' AND next_attempt_at <= ?1"
	    " ORDER BY next_attempt_at, id LIMIT 1";
	static const char	 take_sql[] =
	    "UPDATE outbox SET state = 'sending', sending_since = ?2,"
	    " attempts = attempts + 1 WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;

	memset(m, 0, sizeof *m);
	if (store_begin(st) != 0)
		return STORE_ERROR;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, now);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		m->id = sqlite3_column_int64(s, 0);
		snprintf(m->kind, sizeof m->kind, "%s", COL_TEXT(s, 1));
		m->registration_id = sqlite3_column_int64(s, 2);
		m->attendee_id = sqlite3_column_int64(s, 3);
		m->recipient = xstrdup(COL_TEXT(s, 4));
		m->recipient_name = xstrdup(COL_TEXT(s, 5));
		snprintf(m->lang, sizeof m->lang, "%s", COL_TEXT(s, 6));
		m->params = xstrdup(COL_TEXT(s, 7));
		m->message_id = xstrdup(COL_TEXT(s, 8));
		m->attempts = sqlite3_column_int(s, 9) + 1;
		m->created_at = sqlite3_column_int64(s, 10);
	}
	sqlite3_reset(s);
	if (rc == STORE_ROW) {
		s = store_stmt(st, take_sql);
		sqlite3_bind_int64(s, 1, m->id);
		sqlite3_bind_int64(s, 2, now);
		if (store_step_done(st, s) != 0)
			rc = STORE_ERROR;
	}
	if (rc == STORE_ERROR || store_commit(st) != 0) {
		store_rollback(st);
		store_outbox_msg_clear(m);
		return STORE_ERROR;
	}
	return rc;
}

/* A message delivered: 0, or -1. */
int
store_outbox_sent(struct store *st, int64_t id, int64_t now)
{
	static const char	 sql[] =
	    "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = '',"
	    " sending_since = NULL WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s);
}

/*
 * An attempt failed with error: queued again for at, or with failed set
 * given up ("failed", until an organiser retries it). 0, or -1.
 */
int
store_outbox_failed(struct store *st, int64_t id, int64_t at, int failed,
    const char *error)
{
	static const char	 sql[] =
	    "UPDATE outbox SET state = CASE WHEN ?3 THEN 'failed'"
	    " ELSE 'queued' END, next_attempt_at = ?2, last_error = ?4,"
	    " sending_since = NULL WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			 text[OUTBOX_ERROR_MAX + 1];

	/* Whole UTF-8 characters only: the error is shown as it is. */
	snprintf(text, sizeof text, "%s", error);
	for (size_t n = strlen(text); n > 0 && !utf8_valid(text, n); n--)
		text[n - 1] = '\0';
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int(s, 3, failed);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

/* When the next queued message is due: 0 with *at, 1 none, -1. */
int
store_outbox_next_due(struct store *st, int64_t *at)
{
	static const char	 sql[] =
	    "SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	if (store_step(st, s) == STORE_ROW) {
		rc = sqlite3_column_type(s, 0) == SQLITE_NULL;
		*at = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return rc;
}

/*
 * An organiser's "send it now": a failed or waiting message is queued
 * and due at once, with its attempts counted from zero again. 0, or -1
 * with err set (404 no such message, 409 already sent or being sent).
 */
int
store_outbox_retry(struct store *st, int64_t id, struct store_error *err)
{
	static const char	 get_sql[] =
	    "SELECT state FROM outbox WHERE id = ?1";
	static const char	 sql[] =
	    "UPDATE outbox SET state = 'queued', next_attempt_at = ?2,"
	    " attempts = 0 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	enum store_step		 step;
	int			 busy = 0;

	sqlite3_bind_int64(s, 1, id);
	if ((step = store_step(st, s)) == STORE_ROW)
		busy = strcmp(COL_TEXT(s, 0), "sent") == 0 ||
		    strcmp(COL_TEXT(s, 0), "sending") == 0;
	sqlite3_reset(s);
	if (step == STORE_ERROR)
		goto fail;
	if (step == STORE_DONE) {
		store_error_set(err, 404, "not_found", "no such message");
		return -1;
	}
	if (busy) {
		store_error_set(err, 409, "not_retryable",
		    "this message is sent or being sent");
		return -1;
	}
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	if (store_step_done(st, s) == 0)
		return 0;
fail:
	store_error_set(err, 500, "internal", "the message could not be "
	    "queued again");
	return -1;
}

/*
 * What a message's links need: the registration's event and the manage
 * token of the link it gives (the attendee's own, when attendee_id is
 * set, else the registration's). 0, 1 when the registration is gone, -1.
 */
int
store_outbox_link(struct store *st, int64_t reg_id, int64_t attendee_id,
    int64_t *event_id, char token[TOKEN_MANAGE_LEN + 1])
{
	static const char	 sql[] =
	    "SELECT r.event_id, coalesce((SELECT a.manage_token FROM attendees a"
	    " WHERE a.id = ?2 AND a.registration_id = r.id), r.manage_token)"
	    " FROM registrations r WHERE r.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;

	sqlite3_bind_int64(s, 1, reg_id);
	sqlite3_bind_int64(s, 2, attendee_id);
	if ((step = store_step(st, s)) == STORE_ROW) {
		*event_id = sqlite3_column_int64(s, 0);
		snprintf(token, TOKEN_MANAGE_LEN + 1, "%s", COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	return step == STORE_ROW ? 0 : step == STORE_DONE ? 1 : -1;
}

/*
 * A page of the outbox for the console, newest first, of one state (NULL:
 * all), times in zone: the page (store_page), or NULL when the database
 * failed.
 */
json_t *
store_outbox_list(struct store *st, const char *state, int64_t limit,
    int64_t offset, const char *zone)
{
	static const char	 sql[] =
	    "SELECT id, kind, registration_id, attendee_id, recipient,"
	    " recipient_name, lang, message_id, state, attempts,"
	    " next_attempt_at, last_error, created_at, sent_at FROM outbox"
	    " WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC"
	    " LIMIT ?2 OFFSET ?3";
	static const char	 count_sql[] =
	    "SELECT count(*) FROM outbox WHERE ?1 IS NULL OR state = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*items = json_array(), *it;
	enum store_step		 rc;
	int64_t			 total = -1;
	int			 waiting;

	if (state != NULL)
		sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		waiting = strcmp(COL_TEXT(s, 8), "queued") == 0;
		it = json_pack("{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s,"
		    " s:i, s:o, s:s, s:o, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "kind", COL_TEXT(s, 1),
		    "registration_id", sqlite3_column_type(s, 2) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 2)),
		    "attendee_id", sqlite3_column_type(s, 3) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 3)),
		    "recipient", COL_TEXT(s, 4),
		    "recipient_name", COL_TEXT(s, 5),
		    "lang", COL_TEXT(s, 6),
		    "message_id", COL_TEXT(s, 7),
		    "state", COL_TEXT(s, 8),
		    "attempts", sqlite3_column_int(s, 9),
		    "next_attempt_at", waiting ? store_time_json(s, 10, zone) :
		    json_null(),
		    "last_error", COL_TEXT(s, 11),
		    "created_at", store_time_json(s, 12, zone),
		    "sent_at", store_time_json(s, 13, zone));
		json_array_append_new(items, it);
	}
	sqlite3_reset(s);
	if ((items = store_list_end(items, rc)) == NULL)
		return NULL;
	s = store_stmt(st, count_sql);
	if (state != NULL)
		sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	if (store_step(st, s) == STORE_ROW)
		total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return store_page(items, total, limit, offset);
}
