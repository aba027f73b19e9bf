/*
 * store-signup.c: sign-ups for sessions with a seat limit or a sign-up,
 * their seats and their lines. A confirmed attendee holds a seat
 * (attendee_sessions, counted in sessions.taken) or, where a full session
 * keeps its own waitlist, waits in its line (session_waits, 'waiting'); a
 * waitlisted attendee holds nothing and only wants sessions ('wanted'),
 * honoured in order once confirmed. A seat given back goes at once to the
 * first confirmed attendee waiting for it. Every function runs inside the
 * caller's write transaction, as store-seats.c's do: the writer thread
 * runs one at a time, so a seat counted free is the seat taken.
 */
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

/* One column of every row of sql bound to ?1 = id: a new array in *out. */
static int
ids_of(struct store *st, const char *sql, int64_t id, int64_t **out,
    size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, sql);
	enum store_step	 rc;

	*out = NULL;
	*n = 0;
	sqlite3_bind_int64(s, 1, id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/*
 * The session id of event that takes sign-ups (published in the latest
 * release, not cancelled), with its seats and times:
 * STORE_ROW with *out (free it with store_signup_session_free()),
 * STORE_DONE for no such session, or STORE_ERROR.
 */
enum store_step
store_signup_session(struct store *st, int64_t id, int64_t event,
    struct signup_session *out)
{
	static const char	 sql[] =
	    "SELECT title, seats IS NULL OR taken < seats, waitlist,"
	    " starts_at, ends_at FROM sessions"
	    " WHERE id = ?1 AND event_id = ?2 AND signup = 1"
	    " AND published = 1 AND cancelled = 0";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, event);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		out->id = id;
		out->title = xstrdup(COL_TEXT(s, 0));
		out->free_seat = sqlite3_column_int(s, 1);
		out->waitlist = sqlite3_column_int(s, 2);
		out->starts_at = sqlite3_column_int64(s, 3);
		out->ends_at = sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	return rc;
}

void
store_signup_session_free(struct signup_session *ss)
{
	free(ss->title);
	ss->title = NULL;
}

/*
 * Whether two of the n sessions overlap in time (one ending as the next
 * starts does not): 1 with their indexes in *a < *b, else 0.
 */
int
store_signup_overlap(const struct signup_session *list, size_t n, size_t *a,
    size_t *b)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (list[i].starts_at < list[j].ends_at &&
			    list[j].starts_at < list[i].ends_at) {
				*a = i;
				*b = j;
				return 1;
			}
	return 0;
}

/* 409 session_overlap, naming both sessions (the second as "other"). */
void
store_signup_overlap_error(const struct signup_session *one,
    const struct signup_session *other, struct store_error *err)
{
	store_error_set(err, 409, "session_overlap", "%s is at the same time "
	    "as %s", one->title, other->title);
	err->params = json_pack("{s:I, s:s, s:I, s:s}", "session",
	    (json_int_t)one->id, "title", one->title, "other",
	    (json_int_t)other->id, "other_title", other->title);
}

/* Take one of the session's seats for the attendee. */
static int
seat_take(struct store *st, int64_t attendee, int64_t session)
{
	static const char	 add_sql[] =
	    "INSERT INTO attendee_sessions (attendee_id, session_id)"
	    " VALUES (?1, ?2)";
	static const char	 take_sql[] =
	    "UPDATE sessions SET taken = taken + 1 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, add_sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_int64(s, 2, session);
	if (store_step_done(st, s) != 0)
		return -1;
	s = store_stmt(st, take_sql);
	sqlite3_bind_int64(s, 1, session);
	return store_step_done(st, s);
}

/* Give back the attendee's seat in the session: 1 if there was one. */
static int
seat_give(struct store *st, int64_t attendee, int64_t session)
{
	static const char	 del_sql[] =
	    "DELETE FROM attendee_sessions WHERE attendee_id = ?1"
	    " AND session_id = ?2";
	static const char	 give_sql[] =
	    "UPDATE sessions SET taken = taken - 1 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, del_sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_int64(s, 2, session);
	if (store_step_done(st, s) != 0)
		return -1;
	if (sqlite3_changes(store_db(st)) == 0)
		return 0;
	s = store_stmt(st, give_sql);
	sqlite3_bind_int64(s, 1, session);
	return store_step_done(st, s) == 0 ? 1 : -1;
}

/* Put the attendee at the end of the session's line in state. */
static int
line_join(struct store *st, int64_t attendee, int64_t session,
    const char *state)
{
	static const char	 sql[] =
	    "INSERT INTO session_waits (attendee_id, session_id, state,"
	    " created_at) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_int64(s, 2, session);
	sqlite3_bind_text(s, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	return store_step_done(st, s);
}

/* Take the attendee out of the session's line, whatever the state. */
static int
line_leave(struct store *st, int64_t attendee, int64_t session)
{
	static const char	 sql[] =
	    "DELETE FROM session_waits WHERE attendee_id = ?1"
	    " AND session_id = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_int64(s, 2, session);
	return store_step_done(st, s);
}

/*
 * Give the session's free seats to its line, first come first served
 * among the confirmed attendees waiting. Returns how many got a seat, or
 * -1.
 */
int
store_signup_promote(struct store *st, int64_t session)
{
	static const char	 sql[] =
	    "SELECT w.attendee_id FROM session_waits w"
	    " JOIN attendees a ON a.id = w.attendee_id"
	    " JOIN sessions s ON s.id = w.session_id"
	    " WHERE w.session_id = ?1 AND w.state = 'waiting'"
	    " AND a.status = 'confirmed'"
	    " AND (s.seats IS NULL OR s.taken < s.seats)"
	    " ORDER BY w.id LIMIT 1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 attendee;
	int			 promoted = 0;

	for (;;) {
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, session);
		rc = store_step(st, s);
		attendee = rc == STORE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc != STORE_ROW)
			return rc == STORE_DONE ? promoted : -1;
		if (line_leave(st, attendee, session) != 0 ||
		    seat_take(st, attendee, session) != 0)
			return -1;
		promoted++;
	}
}

/*
 * Sign the attendee up for ss: a confirmed one takes a seat, or joins the
 * line of a full session that keeps one; a waitlisted one wants it. A
 * full session without a waitlist is 409 session_full. 0, or -1 with err
 * (its status 0 when the database failed).
 */
int
store_signup_join(struct store *st, int64_t attendee, int confirmed,
    const struct signup_session *ss, struct store_error *err)
{
	if (!ss->free_seat && !ss->waitlist) {
		store_error_set(err, 409, "session_full", "%s is fully booked",
		    ss->title);
		err->params = json_pack("{s:I, s:s}", "session",
		    (json_int_t)ss->id, "title", ss->title);
		return -1;
	}
	if (!confirmed)
		return line_join(st, attendee, ss->id, "wanted");
	if (ss->free_seat)
		return seat_take(st, attendee, ss->id);
	return line_join(st, attendee, ss->id, "waiting");
}

/* Drop the attendee's sign-up for the session; a seat goes to its line. */
int
store_signup_drop(struct store *st, int64_t attendee, int64_t session)
{
	int	seat;

	if ((seat = seat_give(st, attendee, session)) < 0 ||
	    line_leave(st, attendee, session) != 0)
		return -1;
	if (seat && store_signup_promote(st, session) < 0)
		return -1;
	return 0;
}

/* The sessions the attendee is seated in, waits for or wants. */
int
store_signup_list(struct store *st, int64_t attendee, int64_t **ids,
    size_t *n)
{
	static const char	 sql[] =
	    "SELECT session_id FROM attendee_sessions WHERE attendee_id = ?1"
	    " UNION ALL SELECT session_id FROM (SELECT session_id"
	    " FROM session_waits WHERE attendee_id = ?1 ORDER BY id)";

	return ids_of(st, sql, attendee, ids, n);
}

/* A cancelled attendee's sign-ups: every seat goes to its line. */
int
store_signup_release(struct store *st, int64_t attendee)
{
	int64_t	*ids;
	size_t	 n;
	int	 rc = 0;

	if (store_signup_list(st, attendee, &ids, &n) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_signup_drop(st, attendee, ids[i]);
	free(ids);
	return rc;
}

/*
 * A newly confirmed attendee's wishes, in the order made: a seat while
 * one is left, else the end of the session's line; a wish for a session
 * that is full and keeps no line (or takes no sign-ups any more) lapses.
 */
int
store_signup_honour(struct store *st, int64_t attendee, int64_t event)
{
	static const char	 sql[] =
	    "SELECT session_id FROM session_waits WHERE attendee_id = ?1"
	    " AND state = 'wanted' ORDER BY id";
	struct signup_session	 ss;
	struct store_error	 err;
	enum store_step		 step;
	int64_t			*ids;
	size_t			 n;
	int			 rc = 0;

	if (ids_of(st, sql, attendee, &ids, &n) != 0)
		return -1;
	memset(&err, 0, sizeof err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (line_leave(st, attendee, ids[i]) != 0) {
			rc = -1;
			break;
		}
		if ((step = store_signup_session(st, ids[i], event, &ss)) !=
		    STORE_ROW) {
			rc = step == STORE_ERROR ? -1 : 0;
			continue;
		}
		if (store_signup_join(st, attendee, 1, &ss, &err) != 0 &&
		    err.status == 0)
			rc = -1;
		store_error_clear(&err);
		store_signup_session_free(&ss);
	}
	free(ids);
	return rc;
}

/*
 * A confirmed attendee put back on the waitlist: their seats and places
 * in line become wishes again (seats first, then the lines in order),
 * and each seat given back goes to its session's line.
 */
int
store_signup_unseat(struct store *st, int64_t attendee)
{
	static const char	 seats_sql[] =
	    "SELECT session_id FROM attendee_sessions WHERE attendee_id = ?1";
	static const char	 want_sql[] =
	    "UPDATE session_waits SET state = 'wanted' WHERE attendee_id = ?1";
	sqlite3_stmt		*s;
	int64_t			*ids;
	size_t			 n;
	int			 rc = 0;

	if (ids_of(st, seats_sql, attendee, &ids, &n) != 0)
		return -1;
	s = store_stmt(st, want_sql);
	sqlite3_bind_int64(s, 1, attendee);
	if (store_step_done(st, s) != 0)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (seat_give(st, attendee, ids[i]) < 0 ||
		    line_join(st, attendee, ids[i], "wanted") != 0 ||
		    store_signup_promote(st, ids[i]) < 0)
			rc = -1;
	free(ids);
	return rc;
}

/* Every session's free seats to its line: after a recount. */
int
store_signup_promote_all(struct store *st)
{
	static const char	 sql[] =
	    "SELECT DISTINCT session_id FROM session_waits"
	    " WHERE state = 'waiting'";
	int64_t			*ids;
	size_t			 n;
	int			 rc = 0;

	if (ids_of(st, sql, 0, &ids, &n) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (store_signup_promote(st, ids[i]) < 0)
			rc = -1;
	free(ids);
	return rc;
}

/*
 * The attendee's places in line as the API shows them, by session time:
 * [{"id", "title", "state": "waiting" with its "position" (1: next), or
 * "wanted" with "position" null}]. NULL when the database failed.
 */
json_t *
store_signup_json(struct store *st, int64_t attendee)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title, w.state, CASE WHEN w.state = 'waiting'"
	    "  THEN (SELECT count(*) FROM session_waits o"
	    "  WHERE o.session_id = w.session_id AND o.state = 'waiting'"
	    "  AND o.id <= w.id) END FROM session_waits w"
	    " JOIN sessions s ON s.id = w.session_id WHERE w.attendee_id = ?1"
	    " ORDER BY s.starts_at, s.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1), "state", COL_TEXT(s, 2),
		    "position", sqlite3_column_type(s, 3) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 3))));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}
