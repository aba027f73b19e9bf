/*
 * store-event.c: the event with its ticket types and seats left, the same
 * with the one ticket type an invitation code opens, and the programme
 * (days, rooms, sessions, speakers), as JSON for the API.
 */
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

/*
 * The event the public pages show: the one organisers chose (published)
 * and have not archived. Every other event is a draft, seen only in the
 * console. -1 when there is none, -2 when the database failed.
 */
int64_t
store_current_event(struct store *st)
{
	static const char	 sql[] =
	    "SELECT e.id FROM settings s JOIN events e ON e.id = s.value"
	    " WHERE s.key = 'current_event' AND e.archived = 0";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 id = -1;

	switch (store_step(st, s)) {
	case STORE_ROW:
		id = sqlite3_column_int64(s, 0);
		break;
	case STORE_DONE:
		break;
	case STORE_ERROR:
		id = -2;
		break;
	}
	sqlite3_reset(s);
	return id;
}

/* Seats left as JSON: a number, or null for no limit (left < 0). */
json_t *
store_seats_json(int64_t left)
{
	return left < 0 ? json_null() : json_integer(left);
}

/*
 * The types on sale: the public ones, or only the one invited to (> 0).
 * *bookable: the seats they offer together, no more than the event has
 * left (-1: no limit); a hidden type's quota is no seat anyone can book.
 */
static json_t *
ticket_types_json(struct store *st, int64_t event_id, int64_t event_left,
    int64_t only, int64_t *bookable)
{
	static const char	 sql[] =
	    "SELECT id, name, description, price_ore, quota, confirmed_count,"
	    " waitlist, name_en, description_en, vat_rate"
	    " FROM ticket_types WHERE event_id = ?1"
	    " AND (?3 IS NULL AND hidden = 0 OR id = ?3)"
	    " AND (sale_starts_at IS NULL OR sale_starts_at <= ?2)"
	    " AND (sale_ends_at IS NULL OR sale_ends_at > ?2)"
	    " ORDER BY sort, id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	if (only > 0)
		sqlite3_bind_int64(s, 3, only);
	*bookable = 0;
	while ((rc = store_step(st, s)) == STORE_ROW) {
		int64_t	left = store_seats_min(store_seats_left(s, 4, 5), event_left);
		int	waitlist = sqlite3_column_int(s, 6);
		json_t	*tt;

		tt = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1),
		    "name_en", COL_TEXT(s, 7),
		    "description", COL_TEXT(s, 2),
		    "description_en", COL_TEXT(s, 8),
		    "price_ore", (json_int_t)sqlite3_column_int64(s, 3),
		    "currency", "SEK",
		    "vat_rate", (json_int_t)sqlite3_column_int64(s, 9));
		json_object_set_new(tt, "remaining", store_seats_json(left));
		json_object_set_new(tt, "waitlist", json_boolean(waitlist));
		json_object_set_new(tt, "waitlist_open",
		    json_boolean(waitlist && left == 0));
		json_array_append_new(list, tt);
		if (left < 0 || *bookable < 0)
			*bookable = -1;
		else
			*bookable += left;
	}
	sqlite3_reset(s);
	if (*bookable >= 0 && event_left >= 0 && *bookable > event_left)
		*bookable = event_left;
	return store_list_end(list, rc);
}

/* A time column in the zone, or null. */
json_t *
store_time_json(sqlite3_stmt *s, int col, const char *zone)
{
	char	iso[32];

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	timefmt_iso((time_t)sqlite3_column_int64(s, col), zone, iso);
	return json_string(iso);
}

/* The event with its ticket types (or only one); NULL: none, or an error. */
static json_t *
event_json(struct store *st, int64_t event_id, int64_t only)
{
	static const char	 sql[] =
	    "SELECT id, name, timezone, starts_at, ends_at, venue_name,"
	    " venue_address, venue_city, capacity, confirmed_count, name_en,"
	    " description, description_en, registration_opens_at,"
	    " registration_closes_at, " STORE_EVENT_OPEN ", organiser_name,"
	    " contact_email, erase_after_days, privacy_notice,"
	    " privacy_notice_en, seller_name <> '', cancel_free_until,"
	    " cancel_fee_percent FROM events e WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*ev = NULL, *types;
	char			 starts[32], ends[32];
	int64_t			 left, bookable;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
	if (store_step(st, s) != STORE_ROW)
		goto out;
	timefmt_iso(sqlite3_column_int64(s, 3), COL_TEXT(s, 2), starts);
	timefmt_iso(sqlite3_column_int64(s, 4), COL_TEXT(s, 2), ends);
	left = store_seats_left(s, 8, 9);
	ev = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:o}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "name", COL_TEXT(s, 1),
	    "timezone", COL_TEXT(s, 2),
	    "starts_at", starts,
	    "ends_at", ends,
	    "venue", "name", COL_TEXT(s, 5), "address", COL_TEXT(s, 6),
	    "city", COL_TEXT(s, 7),
	    "capacity", sqlite3_column_type(s, 8) == SQLITE_NULL ?
	    json_null() : json_integer(sqlite3_column_int64(s, 8)),
	    "remaining", store_seats_json(left));
	json_object_set_new(ev, "name_en", json_string(COL_TEXT(s, 10)));
	json_object_set_new(ev, "description", json_string(COL_TEXT(s, 11)));
	json_object_set_new(ev, "description_en", json_string(COL_TEXT(s,
	    12)));
	json_object_set_new(ev, "registration_opens_at", store_time_json(s, 13,
	    COL_TEXT(s, 2)));
	json_object_set_new(ev, "registration_closes_at", store_time_json(s, 14,
	    COL_TEXT(s, 2)));
	json_object_set_new(ev, "registration_open",
	    json_boolean(sqlite3_column_int(s, 15)));
	/* The privacy notice's facts: who is responsible, for how long. */
	json_object_set_new(ev, "privacy", json_pack("{s:s, s:s, s:o, s:s,"
	    " s:s}", "organiser_name", COL_TEXT(s, 16), "contact_email",
	    COL_TEXT(s, 17), "erase_after_days", sqlite3_column_type(s, 18) ==
	    SQLITE_NULL ? json_null() : json_integer(sqlite3_column_int64(s,
	    18)), "notice", COL_TEXT(s, 19), "notice_en", COL_TEXT(s, 20)));
	/* Whether a paid ticket is invoiced, and what cancelling costs. */
	json_object_set_new(ev, "invoicing", json_boolean(sqlite3_column_int(s,
	    21)));
	json_object_set_new(ev, "cancellation", json_pack("{s:o, s:I}",
	    "free_until", store_time_json(s, 22, COL_TEXT(s, 2)), "fee_percent",
	    (json_int_t)sqlite3_column_int64(s, 23)));
	sqlite3_reset(s);
	if ((types = ticket_types_json(st, event_id, left, only,
	    &bookable)) == NULL) {
		json_decref(ev);
		return NULL;
	}
	json_object_set_new(ev, "ticket_types", types);
	/* What a visitor can book: "remaining" counts hidden types' seats. */
	json_object_set_new(ev, "bookable", store_seats_json(bookable));
out:
	sqlite3_reset(s);
	return ev;
}

json_t *
store_event_json(struct store *st, int64_t event_id)
{
	return event_json(st, event_id, 0);
}

/*
 * What an invitation link opens: its event, as store_event_json() shows
 * it, with that one ticket type, hidden or not, while it is on sale. The
 * code is looked up by its unique index; an archived event's codes open
 * nothing. *found is 1, 0 (no such code) or -1 (the database failed).
 */
json_t *
store_invitation_json(struct store *st, const char *code, int *found)
{
	static const char	 sql[] =
	    "SELECT t.id, t.event_id FROM ticket_types t"
	    " JOIN events e ON e.id = t.event_id"
	    " WHERE t.invitation_code = ?1 AND e.archived = 0";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int64_t			 type = 0, event_id = 0;
	json_t			*ev = NULL;

	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		type = sqlite3_column_int64(s, 0);
		event_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	*found = rc == STORE_ERROR ? -1 : rc == STORE_ROW;
	if (*found == 1 && (ev = event_json(st, event_id, type)) == NULL)
		*found = -1;
	return ev;
}

static json_t *
rooms_json(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT id, name, capacity FROM rooms WHERE event_id = ?1"
	    " ORDER BY sort, id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1),
		    "capacity", sqlite3_column_type(s, 2) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 2))));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

static json_t *
speakers_json(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT id, name, company, title, bio, bio_en FROM speakers"
	    " WHERE event_id = ?1 ORDER BY name";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s,"
		    " s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1), "company", COL_TEXT(s, 2),
		    "title", COL_TEXT(s, 3), "bio", COL_TEXT(s, 4),
		    "bio_en", COL_TEXT(s, 5)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

static json_t *
session_speakers_json(struct store *st, int64_t session_id)
{
	static const char	 sql[] =
	    "SELECT sp.id, sp.name, sp.company FROM session_speakers ss"
	    " JOIN speakers sp ON sp.id = ss.speaker_id"
	    " WHERE ss.session_id = ?1 ORDER BY ss.sort, sp.name";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, session_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1), "company", COL_TEXT(s, 2)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/*
 * Sessions of the event grouped by their calendar day in its time zone;
 * NULL when the database failed.
 */
static json_t *
days_json(struct store *st, int64_t event_id, const char *zone)
{
	static const char	 sql[] =
	    "SELECT s.id, s.kind, s.title, s.abstract, s.starts_at, s.ends_at,"
	    " s.seats, r.id, r.name, s.signup, s.taken, s.uid, s.title_en,"
	    " s.abstract_en, s.language, s.waitlist FROM sessions s"
	    " LEFT JOIN rooms r ON r.id = s.room_id"
	    " WHERE s.event_id = ?1 ORDER BY s.starts_at, r.sort, s.id";
	sqlite3_stmt		*s;
	json_t			*days = json_array(), *day = NULL, *list = NULL;
	json_t			*sessions = json_array(), *item, *speakers;
	char			 date[16], starts[32], ends[32];
	enum store_step		 rc;
	size_t			 i;

	/* Collect first: the speaker query reuses the connection. */
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_iso(sqlite3_column_int64(s, 4), zone, starts);
		timefmt_iso(sqlite3_column_int64(s, 5), zone, ends);
		timefmt_date(sqlite3_column_int64(s, 4), zone, date);
		item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "kind", COL_TEXT(s, 1), "title", COL_TEXT(s, 2),
		    "abstract", COL_TEXT(s, 3), "starts_at", starts,
		    "ends_at", ends,
		    "seats", sqlite3_column_type(s, 6) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(s, 6)),
		    "room", sqlite3_column_type(s, 7) == SQLITE_NULL ?
		    json_null() : json_pack("{s:I, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 7),
		    "name", COL_TEXT(s, 8)),
		    "date", date);
		json_object_set_new(item, "signup",
		    json_boolean(sqlite3_column_int(s, 9)));
		/* A full one that keeps a line still takes sign-ups, in it. */
		json_object_set_new(item, "waitlist",
		    json_boolean(sqlite3_column_int(s, 15)));
		/* What calendars and schedule files name and word it by. */
		json_object_set_new(item, "uid", json_string(COL_TEXT(s, 11)));
		json_object_set_new(item, "title_en",
		    json_string(COL_TEXT(s, 12)));
		json_object_set_new(item, "abstract_en",
		    json_string(COL_TEXT(s, 13)));
		json_object_set_new(item, "language",
		    json_string(COL_TEXT(s, 14)));
		json_object_set_new(item, "remaining",
		    sqlite3_column_type(s, 6) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 6) -
		    sqlite3_column_int64(s, 10) < 0 ? 0 :
		    sqlite3_column_int64(s, 6) - sqlite3_column_int64(s, 10)));
		json_array_append_new(sessions, item);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		goto fail;

	json_array_foreach(sessions, i, item) {
		const char	*d = json_string_value(json_object_get(item,
		    "date"));

		if ((speakers = session_speakers_json(st, json_integer_value(
		    json_object_get(item, "id")))) == NULL)
			goto fail;
		json_object_set_new(item, "speakers", speakers);
		if (day == NULL || strcmp(d, json_string_value(
		    json_object_get(day, "date"))) != 0) {
			list = json_array();
			day = json_pack("{s:s, s:o}", "date", d,
			    "sessions", list);
			json_array_append_new(days, day);
		}
		json_array_append(list, item);
		json_object_del(item, "date");
	}
	json_decref(sessions);
	return days;
fail:
	json_decref(sessions);
	json_decref(days);
	return NULL;
}

/* The event's English name and its days, for the schedule files. */
static void
event_times_json(json_t *ev, sqlite3_stmt *s, const char *zone)
{
	char	iso[32];

	json_object_set_new(ev, "name_en", json_string(COL_TEXT(s, 3)));
	timefmt_iso((time_t)sqlite3_column_int64(s, 4), zone, iso);
	json_object_set_new(ev, "starts_at", json_string(iso));
	timefmt_iso((time_t)sqlite3_column_int64(s, 5), zone, iso);
	json_object_set_new(ev, "ends_at", json_string(iso));
}

/*
 * The event as the programme document has it: id, names, zone and days;
 * NULL: no such event, or an error.
 */
json_t *
store_programme_event_json(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT id, name, timezone, name_en, starts_at, ends_at"
	    " FROM events WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*ev = NULL;

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW) {
		ev = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)event_id,
		    "name", COL_TEXT(s, 1), "timezone", COL_TEXT(s, 2));
		event_times_json(ev, s, COL_TEXT(s, 2));
	}
	sqlite3_reset(s);
	return ev;
}

/* The programme of an event; NULL: no such event, or an error. */
json_t *
store_programme_json(struct store *st, int64_t event_id)
{
	json_t	*p, *rooms, *speakers, *days;
	char	*zone;

	if ((p = store_programme_event_json(st, event_id)) == NULL)
		return NULL;
	zone = xstrdup(json_string_value(json_object_get(p, "timezone")));
	p = json_pack("{s:o}", "event", p);
	rooms = rooms_json(st, event_id);
	speakers = speakers_json(st, event_id);
	days = days_json(st, event_id, zone);
	free(zone);
	if (rooms == NULL || speakers == NULL || days == NULL) {
		json_decref(rooms);
		json_decref(speakers);
		json_decref(days);
		json_decref(p);
		return NULL;
	}
	json_object_set_new(p, "rooms", rooms);
	json_object_set_new(p, "speakers", speakers);
	json_object_set_new(p, "days", days);
	return p;
}

/* The event the public pages show from now on: 0, or -1. */
int
store_set_current_event(struct store *st, int64_t id)
{
	static const char	 sql[] = "INSERT INTO settings (key, value)"
	    " VALUES ('current_event', ?1)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	return store_step_done(st, s);
}

/*
 * The zone of times that belong to no event (accounts, the audit log):
 * the current event's, else Stockholm's.
 */
char *
store_local_zone(struct store *st)
{
	static const char	 sql[] = "SELECT timezone FROM events"
	    " WHERE id = ?1";
	int64_t			 id = store_current_event(st);
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			*zone = NULL;

	sqlite3_bind_int64(s, 1, id);
	if (id > 0 && store_step(st, s) == STORE_ROW)
		zone = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return zone != NULL ? zone : xstrdup("Europe/Stockholm");
}
