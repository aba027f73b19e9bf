/*
 * store-seats.c: the seat state machine. An attendee's status (waitlisted,
 * confirmed, cancelled) changes only in store_attendee_set_status(), which
 * keeps the seat counters of the ticket type, the event and the sessions
 * (a speaker's seat is the event's only when it says so: STORE_IN_CAPACITY);
 * a registration's status only in store_registration_refresh(). Every
 * function here runs inside the caller's write transaction (BEGIN
 * IMMEDIATE), so the counts it reads are the ones it writes against: no
 * overbooking, whatever the concurrency.
 */
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

/* Seats left under a limit column and its count column; -1: no limit. */
int64_t
store_seats_left(sqlite3_stmt *s, int limit_col, int count_col)
{
	int64_t	left;

	if (sqlite3_column_type(s, limit_col) == SQLITE_NULL)
		return -1;
	left = sqlite3_column_int64(s, limit_col) -
	    sqlite3_column_int64(s, count_col);
	return left < 0 ? 0 : left;
}

/* The smaller of two seat counts, where -1 means no limit. */
int64_t
store_seats_min(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/*
 * The dashboard's count of confirmed attendees with a dietary need
 * (lower(trim()) of the attendee's text), by delta.
 */
int
store_dietary_add(struct store *st, int64_t event_id, const char *dietary,
    int delta)
{
	static const char	 sql[] =
	    "INSERT INTO event_dietary_counts (event_id, dietary, attendees)"
	    " VALUES (?1, lower(trim(?2)), ?3) ON CONFLICT (event_id, dietary)"
	    " DO UPDATE SET attendees = attendees + ?3";
	sqlite3_stmt		*s;

	if (*dietary == '\0')
		return 0;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, dietary, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, delta);
	return store_step_done(st, s);
}

/*
 * A registration made now counts on its day in the event's zone; a
 * speaker's pass, on the speaker ticket type, is no registration.
 */
int
store_count_registration_day(struct store *st, int64_t event_id,
    int64_t ticket_type, int64_t at)
{
	static const char	 zone_sql[] = "SELECT e.timezone FROM events e"
	    " JOIN ticket_types t ON t.event_id = e.id"
	    " WHERE e.id = ?1 AND t.id = ?2 AND t.role <> 'speaker'";
	static const char	 sql[] =
	    "INSERT INTO event_day_counts (event_id, day, registrations)"
	    " VALUES (?1, ?2, 1) ON CONFLICT (event_id, day)"
	    " DO UPDATE SET registrations = registrations + 1";
	sqlite3_stmt		*s = store_stmt(st, zone_sql);
	char			 day[16];
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, ticket_type);
	if ((rc = store_step(st, s)) != STORE_ROW) {
		sqlite3_reset(s);
		return rc == STORE_DONE ? 0 : -1;
	}
	timefmt_date((time_t)at, COL_TEXT(s, 0), day);
	sqlite3_reset(s);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

/* Add delta confirmed seats to the counters of a ticket type and its event. */
static int
seats_add(struct store *st, int64_t ticket_type, int delta)
{
	static const char	 tt_sql[] =
	    "UPDATE ticket_types SET confirmed_count = confirmed_count + ?2"
	    " WHERE id = ?1";
	static const char	 ev_sql[] =
	    "UPDATE events AS e SET confirmed_count = e.confirmed_count + ?2"
	    " FROM ticket_types t WHERE t.id = ?1 AND e.id = t.event_id"
	    " AND " STORE_IN_CAPACITY("t", "e");
	sqlite3_stmt		*s;

	s = store_stmt(st, tt_sql);
	sqlite3_bind_int64(s, 1, ticket_type);
	sqlite3_bind_int(s, 2, delta);
	if (store_step_done(st, s) != 0)
		return -1;
	s = store_stmt(st, ev_sql);
	sqlite3_bind_int64(s, 1, ticket_type);
	sqlite3_bind_int(s, 2, delta);
	return store_step_done(st, s);
}

/*
 * An attendee's session sign-ups after their status changed from old:
 * only the confirmed hold seats. Confirmed, their wishes are honoured;
 * waitlisted again, their seats become wishes; cancelled, they let go.
 */
static int
session_seats_follow(struct store *st, int64_t id, int64_t event_id,
    const char *old, const char *status)
{
	if (strcmp(status, "cancelled") == 0)
		return store_signup_release(st, id);
	if (strcmp(status, "confirmed") == 0)
		return store_signup_honour(st, id, event_id);
	if (strcmp(old, "confirmed") == 0)
		return store_signup_unseat(st, id);
	return 0;
}

/*
 * The one place an attendee's status changes: keeps the seat counters and
 * gives a newly confirmed attendee a pass code and their session seats. A cancelled attendee keeps
 * the code so that the door can say "cancelled" rather than "unknown".
 */
int
store_attendee_set_status(struct store *st, int64_t id, const char *status,
    int64_t now)
{
	static const char	 get_sql[] =
	    "SELECT a.status, a.ticket_type_id, a.pass_code IS NULL,"
	    " e.code_prefix, a.event_id, lower(trim(a.dietary))"
	    " FROM attendees a JOIN events e ON e.id = a.event_id"
	    " WHERE a.id = ?1";
	static const char	 set_sql[] =
	    "UPDATE attendees SET status = ?2,"
	    " pass_code = CASE WHEN ?2 = 'confirmed' AND pass_code IS NULL"
	    "  THEN ?3 ELSE pass_code END,"
	    " confirmed_at = CASE WHEN ?2 = 'confirmed' THEN ?4"
	    "  ELSE confirmed_at END,"
	    " cancelled_at = CASE WHEN ?2 = 'cancelled' THEN ?4"
	    "  ELSE cancelled_at END"
	    " WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	char			*old = NULL, *code = NULL, *dietary = NULL;
	int64_t			 ticket_type, event_id;
	int			 rc = -1, delta;

	/* No row is an error too: the caller names an attendee it has read. */
	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	old = xstrdup(COL_TEXT(s, 0));
	ticket_type = sqlite3_column_int64(s, 1);
	event_id = sqlite3_column_int64(s, 4);
	dietary = xstrdup(COL_TEXT(s, 5));
	if (strcmp(status, "confirmed") == 0 && sqlite3_column_int(s, 2))
		code = token_pass_code(COL_TEXT(s, 3), id);
	sqlite3_reset(s);

	if (strcmp(old, status) == 0) {
		rc = 0;
		goto out;
	}
	s = store_stmt(st, set_sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	if (code != NULL)
		sqlite3_bind_text(s, 3, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	if (store_step_done(st, s) != 0)
		goto out;
	if (session_seats_follow(st, id, event_id, old, status) != 0)
		goto out;
	delta = (strcmp(status, "confirmed") == 0) -
	    (strcmp(old, "confirmed") == 0);
	rc = 0;
	if (delta != 0 && (seats_add(st, ticket_type, delta) != 0 ||
	    store_dietary_add(st, event_id, dietary, delta) != 0))
		rc = -1;
out:
	free(old);
	free(code);
	free(dietary);
	return rc;
}

/* The one place a registration's status changes: derived from its attendees. */
int
store_registration_refresh(struct store *st, int64_t id, int cancel,
    int64_t now)
{
	static const char	 sql[] =
	    "UPDATE registrations SET"
	    " cancelled_at = CASE WHEN ?2 THEN ?3 ELSE cancelled_at END,"
	    " status = CASE"
	    "  WHEN ?2 OR cancelled_at IS NOT NULL THEN 'cancelled'"
	    "  WHEN NOT EXISTS (SELECT 1 FROM attendees WHERE"
	    "   registration_id = ?1 AND status = 'waitlisted') THEN 'confirmed'"
	    "  WHEN NOT EXISTS (SELECT 1 FROM attendees WHERE"
	    "   registration_id = ?1 AND status = 'confirmed') THEN 'waitlisted'"
	    "  ELSE 'partial' END"
	    " WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, cancel);
	sqlite3_bind_int64(s, 3, now);
	return store_step_done(st, s);
}

/*
 * Seats left for a ticket type, under its quota and its event's capacity,
 * and whether invitation (NULL: none) is its code: STORE_ROW with *out
 * filled in, STORE_DONE for no such ticket type, or STORE_ERROR.
 */
enum store_step
store_seats_get(struct store *st, int64_t ticket_type, const char *invitation,
    int64_t now, struct store_seats *out)
{
	static const char	 sql[] =
	    "SELECT t.event_id, t.hidden,"
	    " (t.sale_starts_at IS NULL OR t.sale_starts_at <= ?2) AND"
	    " (t.sale_ends_at IS NULL OR t.sale_ends_at > ?2),"
	    " t.waitlist, t.quota, t.confirmed_count, e.capacity,"
	    " e.confirmed_count, " STORE_EVENT_OPEN ","
	    " coalesce(t.invitation_code = ?3, 0) FROM ticket_types t"
	    " JOIN events e ON e.id = t.event_id WHERE t.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, ticket_type);
	sqlite3_bind_int64(s, 2, now);
	if (invitation != NULL)
		sqlite3_bind_text(s, 3, invitation, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) != STORE_ROW) {
		sqlite3_reset(s);
		return rc;
	}
	out->event_id = sqlite3_column_int64(s, 0);
	out->hidden = sqlite3_column_int(s, 1);
	out->on_sale = sqlite3_column_int(s, 2);
	out->waitlist = sqlite3_column_int(s, 3);
	out->open = sqlite3_column_int(s, 8);
	out->invited = sqlite3_column_int(s, 9);
	out->left = store_seats_min(store_seats_left(s, 4, 5),
	    store_seats_left(s, 6, 7));
	sqlite3_reset(s);
	return STORE_ROW;
}

/*
 * Count an event's confirmed seats again, after what counts changed
 * (whether speakers take seats of its capacity), and hand the seats
 * freed to the waitlist: 0, or -1.
 */
int
store_event_recount(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "UPDATE events SET confirmed_count = (SELECT count(*)"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE a.event_id = events.id AND a.status = 'confirmed'"
	    " AND " STORE_IN_CAPACITY("t", "events") ") WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step_done(st, s) != 0)
		return -1;
	return store_promote_waitlist(st, event_id) < 0 ? -1 : 0;
}

/*
 * Give free seats to the waitlist, first come first served across the
 * event: the earliest waitlisted attendee whose ticket type has a seat.
 * Returns how many were promoted, or -1.
 */
int
store_promote_waitlist(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT a.id, a.registration_id FROM attendees a"
	    " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " JOIN events e ON e.id = a.event_id"
	    " WHERE a.event_id = ?1 AND a.status = 'waitlisted'"
	    " AND (t.quota IS NULL OR t.confirmed_count < t.quota)"
	    " AND (e.capacity IS NULL OR e.confirmed_count < e.capacity)"
	    " ORDER BY a.id LIMIT 1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 id, reg_id, now = (int64_t)time(NULL);
	int			 promoted = 0;

	for (;;) {
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, event_id);
		rc = store_step(st, s);
		id = rc == STORE_ROW ? sqlite3_column_int64(s, 0) : 0;
		reg_id = rc == STORE_ROW ? sqlite3_column_int64(s, 1) : 0;
		sqlite3_reset(s);
		if (rc == STORE_ERROR)
			return -1;
		if (rc == STORE_DONE)
			return promoted;
		if (store_attendee_set_status(st, id, "confirmed", now) != 0 ||
		    store_registration_refresh(st, reg_id, 0, now) != 0 ||
		    store_outbox_attendee(st, "promoted", id) != 0)
			return -1;
		promoted++;
	}
}

/* The registrations per day from the registrations (days in each zone). */
static int
recount_days(struct store *st)
{
	static const char	 sql[] =
	    "SELECT r.event_id, r.created_at, e.timezone FROM registrations r"
	    " JOIN events e ON e.id = r.event_id"
	    " JOIN ticket_types t ON t.id = r.ticket_type_id"
	    " WHERE t.role <> 'speaker' ORDER BY r.event_id";
	static const char	 add_sql[] =
	    "INSERT INTO event_day_counts (event_id, day, registrations)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (event_id, day)"
	    " DO UPDATE SET registrations = registrations + ?3";
	sqlite3_stmt		*s, *add;
	enum store_step		 rc;
	char			 day[16];

	if (store_exec(st, "DELETE FROM event_day_counts") != 0)
		return -1;
	s = store_stmt(st, sql);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_date((time_t)sqlite3_column_int64(s, 1), COL_TEXT(s, 2),
		    day);
		add = store_stmt(st, add_sql);
		sqlite3_bind_int64(add, 1, sqlite3_column_int64(s, 0));
		sqlite3_bind_text(add, 2, day, -1, SQLITE_STATIC);
		sqlite3_bind_int(add, 3, 1);
		if (store_step_done(st, add) != 0) {
			rc = STORE_ERROR;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

/*
 * Recount the seat counters from the attendees and promote where seats are
 * free: run at start-up, so that a hand-edited quota takes effect.
 */
int
store_recount(struct store *st)
{
	static const char	 sql[] =
	    "UPDATE ticket_types SET confirmed_count = (SELECT count(*)"
	    " FROM attendees a WHERE a.ticket_type_id = ticket_types.id"
	    " AND a.status = 'confirmed');"
	    "UPDATE events SET confirmed_count = (SELECT count(*)"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE a.event_id = events.id AND a.status = 'confirmed'"
	    " AND " STORE_IN_CAPACITY("t", "events") ");"
	    "UPDATE sessions SET taken = (SELECT count(*)"
	    " FROM attendee_sessions x JOIN attendees a ON a.id = x.attendee_id"
	    " WHERE x.session_id = sessions.id AND a.status = 'confirmed');"
	    "DELETE FROM event_dietary_counts;"
	    "INSERT INTO event_dietary_counts (event_id, dietary, attendees)"
	    " SELECT event_id, lower(trim(dietary)), count(*) FROM attendees"
	    " WHERE status = 'confirmed' AND trim(dietary) <> ''"
	    " GROUP BY event_id, lower(trim(dietary));";
	static const char	 events_sql[] = "SELECT id FROM events";
	sqlite3_stmt		*s;
	enum store_step		 step;
	int64_t			*ids = NULL;
	size_t			 n = 0;
	int			 rc = -1;

	if (store_exec(st, sql) != 0 || recount_days(st) != 0 ||
	    store_signup_promote_all(st) != 0)
		return -1;
	/* Collect first: promotion writes the events being listed. */
	s = store_stmt(st, events_sql);
	while ((step = store_step(st, s)) == STORE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (step == STORE_ERROR)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (store_promote_waitlist(st, ids[i]) < 0)
			goto out;
	rc = 0;
out:
	free(ids);
	return rc;
}

/*
 * Put an attendee on another ticket type of the same event, moving a
 * confirmed one's seat between the types' counters (the event's count
 * stays). The caller has checked that the new type has the seat.
 */
int
store_attendee_set_ticket_type(struct store *st, int64_t id,
    int64_t ticket_type)
{
	static const char	 get_sql[] =
	    "SELECT status = 'confirmed', ticket_type_id FROM attendees"
	    " WHERE id = ?1";
	static const char	 set_sql[] =
	    "UPDATE attendees SET ticket_type_id = ?2 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	int64_t			 old;
	int			 confirmed;

	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	confirmed = sqlite3_column_int(s, 0);
	old = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	if (confirmed && (seats_add(st, old, -1) != 0 ||
	    seats_add(st, ticket_type, 1) != 0))
		return -1;
	s = store_stmt(st, set_sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, ticket_type);
	return store_step_done(st, s);
}

/*
 * Take a confirmed attendee's dietary need out of the dashboard's counts
 * (delta -1) before it changes, and put the new one in (+1) after.
 */
int
store_attendee_dietary_count(struct store *st, int64_t id, int delta)
{
	static const char	 sql[] =
	    "SELECT event_id, dietary FROM attendees"
	    " WHERE id = ?1 AND status = 'confirmed'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;
	char			*dietary = NULL;
	int64_t			 event_id = 0;
	int			 rc;

	sqlite3_bind_int64(s, 1, id);
	if ((step = store_step(st, s)) == STORE_ROW) {
		event_id = sqlite3_column_int64(s, 0);
		dietary = xstrdup(COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	if (step != STORE_ROW)
		return step == STORE_DONE ? 0 : -1;
	rc = store_dietary_add(st, event_id, dietary, delta);
	free(dietary);
	return rc;
}
