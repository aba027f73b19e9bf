/*
 * store-dashboard.c: what the organisers' dashboard shows of an event:
 * seats per ticket type against quota and capacity, waitlist lengths,
 * seats taken and the length of the line in every session with sign-ups,
 * check-ins per checkpoint, registrations per day, and the dietary needs
 * for the caterer: all from counters the store keeps (store-seats.c) and
 * the indexes of the check-ins and the sessions' lines, never from every
 * attendee.
 */
#include <stdlib.h>
#include <string.h>

#include "techtank.h"
#include "store-door.h"

static json_t *
limit_json(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(s, col));
}

static json_t *
ticket_types(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT t.id, t.name, t.quota, t.confirmed_count, t.hidden,"
	    " (SELECT count(*) FROM attendees a WHERE a.ticket_type_id = t.id"
	    "  AND a.status = 'waitlisted')"
	    " FROM ticket_types t WHERE t.event_id = ?1 ORDER BY t.sort, t.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:I,"
		    " s:b, s:I}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1), "quota", limit_json(s, 2),
		    "confirmed", (json_int_t)sqlite3_column_int64(s, 3),
		    "hidden", sqlite3_column_int(s, 4),
		    "waitlisted", (json_int_t)sqlite3_column_int64(s, 5)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

static json_t *
signup_sessions(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title, s.seats, s.taken, (SELECT count(*)"
	    " FROM session_waits w WHERE w.session_id = s.id"
	    " AND w.state = 'waiting') FROM sessions s"
	    " WHERE s.event_id = ?1 AND s.signup = 1 ORDER BY s.starts_at, s.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:I,"
		    " s:I}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1), "seats", limit_json(s, 2),
		    "taken", (json_int_t)sqlite3_column_int64(s, 3),
		    "waiting", (json_int_t)sqlite3_column_int64(s, 4)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/* Registrations per calendar day in the event's zone, oldest first. */
static json_t *
per_day(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT day, registrations FROM event_day_counts"
	    " WHERE event_id = ?1 AND registrations > 0 ORDER BY day";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:I}", "date",
		    COL_TEXT(s, 0), "registrations",
		    (json_int_t)sqlite3_column_int64(s, 1)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/* The caterer's summary: confirmed attendees per dietary need. */
static json_t *
dietary(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT dietary, attendees FROM event_dietary_counts"
	    " WHERE event_id = ?1 AND attendees > 0"
	    " ORDER BY attendees DESC, dietary";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:I}", "dietary",
		    COL_TEXT(s, 0), "attendees",
		    (json_int_t)sqlite3_column_int64(s, 1)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/* The dashboard of an event; NULL when there is none or on an error. */
json_t *
store_dashboard_json(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT name, timezone, capacity, confirmed_count FROM events"
	    " WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*d = NULL, *parts[5];

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return NULL;
	}
	d = json_pack("{s:I, s:s, s:o, s:I}", "event_id", (json_int_t)event_id,
	    "name", COL_TEXT(s, 0), "capacity", limit_json(s, 2), "confirmed",
	    (json_int_t)sqlite3_column_int64(s, 3));
	sqlite3_reset(s);
	parts[0] = ticket_types(st, event_id);
	parts[1] = signup_sessions(st, event_id);
	parts[2] = store_checkin_stats(st, event_id);
	parts[3] = per_day(st, event_id);
	parts[4] = dietary(st, event_id);
	for (int i = 0; i < 5; i++)
		if (parts[i] == NULL) {
			for (int j = 0; j < 5; j++)
				json_decref(parts[j]);
			json_decref(d);
			return NULL;
		}
	json_object_set_new(d, "ticket_types", parts[0]);
	json_object_set_new(d, "sessions", parts[1]);
	json_object_set_new(d, "checkins", parts[2]);
	json_object_set_new(d, "registrations_per_day", parts[3]);
	json_object_set_new(d, "dietary", parts[4]);
	return d;
}
