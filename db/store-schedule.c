/*
 * store-schedule.c: what is wrong with a programme. Two clashes are
 * refused when a session is saved, and listed when the data was made
 * otherwise (SQL, the demo): a speaker in two sessions at once, and two
 * sessions in one room at once. Sessions that touch (one ends as the next
 * starts) do not clash. Warnings are saved but shown: a session outside
 * the event's days, a seat limit above the room's seats, a speaker with
 * less than the event's changeover time between sessions in different
 * rooms, and a speaker with no session. A cancelled session, which stays
 * in the programme shown as cancelled, holds no room and no speaker.
 *
 * The overlaps are found in SQL, from the sessions of a room by time
 * (sessions_room_time) and the sessions of a speaker (session_speakers_
 * speaker). Every issue is {"code", "session", "other", "speaker",
 * "room"}, with only what it names; sessions as {"id", "title",
 * "starts_at", "ends_at"}, times in the event's zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource.h"

/* What the rules of an event need of it. */
struct frame {
	char	zone[64];
	char	first[16], last[16];	/* its days, YYYY-MM-DD */
	int64_t	changeover;		/* seconds */
};

/* The columns of a session in the statements below, from col. */
#define SESSION_COLS(t) t ".id, " t ".title, " t ".starts_at, " t ".ends_at"

static int
frame_read(struct store *st, int64_t event, struct frame *fr)
{
	static const char	 sql[] = "SELECT timezone, starts_at, ends_at,"
	    " changeover_minutes FROM events WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	sqlite3_bind_int64(s, 1, event);
	if (store_step(st, s) == STORE_ROW) {
		snprintf(fr->zone, sizeof fr->zone, "%s", COL_TEXT(s, 0));
		timefmt_date((time_t)sqlite3_column_int64(s, 1), fr->zone,
		    fr->first);
		/* An event ending at midnight ends the day before. */
		timefmt_date((time_t)sqlite3_column_int64(s, 2) - 1, fr->zone,
		    fr->last);
		fr->changeover = sqlite3_column_int64(s, 3) * 60;
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

static json_t *
brief(sqlite3_stmt *s, int col, const struct frame *fr)
{
	char	from[32], to[32];

	timefmt_iso((time_t)sqlite3_column_int64(s, col + 2), fr->zone, from);
	timefmt_iso((time_t)sqlite3_column_int64(s, col + 3), fr->zone, to);
	return json_pack("{s:I, s:s, s:s, s:s}", "id",
	    (json_int_t)sqlite3_column_int64(s, col), "title",
	    COL_TEXT(s, col + 1), "starts_at", from, "ends_at", to);
}

static json_t *
issue(const char *code)
{
	return json_pack("{s:s}", "code", code);
}

static void
issue_speaker(json_t *i, sqlite3_stmt *s, int col)
{
	json_object_set_new(i, "speaker", json_pack("{s:I, s:s}", "id",
	    (json_int_t)sqlite3_column_int64(s, col), "name",
	    COL_TEXT(s, col + 1)));
}

/*
 * Read every row of s into out, each made by make; s is reset. 0, or -1
 * when the database failed.
 */
static int
collect(struct store *st, sqlite3_stmt *s, json_t *out,
    json_t *(*make)(sqlite3_stmt *, const struct frame *),
    const struct frame *fr)
{
	enum store_step	rc;

	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(out, make(s, fr));
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

/* Room clashes: two sessions, then the room. */
#define ROOM_PAIR_COLS SESSION_COLS("a") ", " SESSION_COLS("b") \
	", r.id, r.name"
static json_t *
room_clash(sqlite3_stmt *s, const struct frame *fr)
{
	json_t	*i = issue("room_clash");

	json_object_set_new(i, "session", brief(s, 0, fr));
	json_object_set_new(i, "other", brief(s, 4, fr));
	json_object_set_new(i, "room", json_pack("{s:I, s:s}", "id",
	    (json_int_t)sqlite3_column_int64(s, 8), "name", COL_TEXT(s, 9)));
	return i;
}

/* Speaker pairs: two sessions, then the speaker. */
#define SPEAKER_PAIR_COLS SESSION_COLS("a") ", " SESSION_COLS("b") \
	", p.id, p.name"
static json_t *
speaker_pair(sqlite3_stmt *s, const struct frame *fr, const char *code)
{
	json_t	*i = issue(code);

	json_object_set_new(i, "session", brief(s, 0, fr));
	json_object_set_new(i, "other", brief(s, 4, fr));
	issue_speaker(i, s, 8);
	return i;
}

static json_t *
speaker_clash(sqlite3_stmt *s, const struct frame *fr)
{
	return speaker_pair(s, fr, "speaker_clash");
}

static json_t *
changeover(sqlite3_stmt *s, const struct frame *fr)
{
	return speaker_pair(s, fr, "changeover");
}

/* A session, then its room and the room's seats. */
static json_t *
seats_above_room(sqlite3_stmt *s, const struct frame *fr)
{
	json_t	*i = issue("seats_above_room");

	json_object_set_new(i, "session", brief(s, 0, fr));
	json_object_set_new(i, "room", json_pack("{s:I, s:s, s:I, s:I}", "id",
	    (json_int_t)sqlite3_column_int64(s, 4), "name", COL_TEXT(s, 5),
	    "seats", (json_int_t)sqlite3_column_int64(s, 6), "limit",
	    (json_int_t)sqlite3_column_int64(s, 7)));
	return i;
}

static json_t *
unscheduled(sqlite3_stmt *s, const struct frame *fr)
{
	json_t	*i = issue("speaker_unscheduled");

	(void)fr;
	issue_speaker(i, s, 0);
	return i;
}

/*
 * The session of s (a brief at col 0) if it lies outside the event's
 * days, into out.
 */
static void
outside_days(sqlite3_stmt *s, const struct frame *fr, json_t *out)
{
	char	from[16], to[16];
	json_t	*i;

	timefmt_date((time_t)sqlite3_column_int64(s, 2), fr->zone, from);
	timefmt_date((time_t)sqlite3_column_int64(s, 3) - 1, fr->zone, to);
	if (strcmp(from, fr->first) >= 0 && strcmp(to, fr->last) <= 0)
		return;
	i = issue("outside_event");
	json_object_set_new(i, "session", brief(s, 0, fr));
	json_array_append_new(out, i);
}

#define CLASHES_MAX	20	/* named in one refusal at most */

/* The clashes of one query (its ?1 bound), onto list: 0, or -1. */
static int
clashes_of(struct store *st, sqlite3_stmt *s, const json_t *row, int64_t id,
    const char *what, const struct frame *fr, json_t *list)
{
	enum store_step	rc = STORE_DONE;
	json_t		*one;

	sqlite3_bind_int64(s, 2, resource_int(row, "starts_at", 0));
	sqlite3_bind_int64(s, 3, resource_int(row, "ends_at", 0));
	sqlite3_bind_int64(s, 4, id);
	while (json_array_size(list) < CLASHES_MAX &&
	    (rc = store_step(st, s)) == STORE_ROW) {
		one = json_pack("{s:s, s:o}", "with", what, "session",
		    brief(s, 0, fr));
		json_object_set_new(one, what, json_pack("{s:I, s:s}", "id",
		    (json_int_t)sqlite3_column_int64(s, 4), "name",
		    COL_TEXT(s, 5)));
		json_array_append_new(list, one);
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

/*
 * A session as it would be saved (row: "room", "starts_at", "ends_at",
 * "speakers"; id 0 when new) clashes with none: 0, or -1 with err, 409
 * "clash". Its params name the first clash ("with": "room" or "speaker",
 * the "session", and the "room" or "speaker" they share) and list every
 * one, the room's first, in "clashes" (CLASHES_MAX at most), so that the
 * organiser can mend them all at once.
 */
int
store_schedule_clash(struct store *st, int64_t event, int64_t id,
    const json_t *row, struct store_error *err)
{
	static const char	 room_sql[] = "SELECT " SESSION_COLS("s")
	    ", r.id, r.name FROM sessions s JOIN rooms r ON r.id = s.room_id"
	    " WHERE s.room_id = ?1 AND s.starts_at < ?3 AND s.ends_at > ?2"
	    " AND s.id <> ?4 AND s.cancelled = 0"
	    " ORDER BY s.starts_at, s.id";
	static const char	 speaker_sql[] = "SELECT " SESSION_COLS("s")
	    ", p.id, p.name FROM session_speakers x"
	    " JOIN sessions s ON s.id = x.session_id"
	    " JOIN speakers p ON p.id = x.speaker_id"
	    " WHERE x.speaker_id = ?1 AND s.starts_at < ?3 AND s.ends_at > ?2"
	    " AND s.id <> ?4 AND s.cancelled = 0"
	    " ORDER BY s.starts_at, s.id";
	struct frame		 fr;
	sqlite3_stmt		*s;
	json_t			*room = json_object_get(row, "room_id");
	json_t			*speakers = json_object_get(row, "speakers");
	json_t			*v, *list, *first, *params;
	const char		*what;
	size_t			 i;

	if (frame_read(st, event, &fr) != 0)
		goto failed;
	/* A cancelled session holds no room and no speaker. */
	if (resource_int(row, "cancelled", 0) == 1)
		return 0;
	list = json_array();
	if (json_is_integer(room)) {
		s = store_stmt(st, room_sql);
		sqlite3_bind_int64(s, 1, json_integer_value(room));
		if (clashes_of(st, s, row, id, "room", &fr, list) != 0)
			goto failed_list;
	}
	json_array_foreach(speakers, i, v) {
		s = store_stmt(st, speaker_sql);
		sqlite3_bind_int64(s, 1, json_integer_value(v));
		if (clashes_of(st, s, row, id, "speaker", &fr, list) != 0)
			goto failed_list;
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return 0;
	}
	first = json_array_get(list, 0);
	what = json_string_value(json_object_get(first, "with"));
	params = json_deep_copy(first);
	json_object_set_new(params, "clashes", list);
	store_error_set(err, 409, "clash", "%s %s is in session %lld at that "
	    "time", what, json_string_value(json_object_get(json_object_get(
	    first, what), "name")), (long long)json_integer_value(
	    json_object_get(json_object_get(first, "session"), "id")));
	err->params = params;
	return -1;
failed_list:
	json_decref(list);
failed:
	store_error_set(err, 500, "internal", "the change could not be saved");
	return -1;
}

/* Bind the event (and, for one session's rules, the session) and read. */
static int
run(struct store *st, const char *sql, int64_t event, int64_t id, json_t *out,
    json_t *(*make)(sqlite3_stmt *, const struct frame *),
    const struct frame *fr)
{
	sqlite3_stmt	*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_int64(s, 3, fr->changeover);
	return collect(st, s, out, make, fr);
}

/*
 * The rules, each one statement of ?1 the event, ?2 a session or speaker
 * (0: every one) and ?3 the changeover in seconds.
 */
static const char room_clash_sql[] = "SELECT " ROOM_PAIR_COLS
    " FROM sessions a JOIN sessions b ON b.room_id = a.room_id"
    " AND b.id <> a.id AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at"
    " JOIN rooms r ON r.id = a.room_id"
    " WHERE a.event_id = ?1 AND (?2 = 0 AND a.id < b.id OR a.id = ?2)"
    " AND a.cancelled = 0 AND b.cancelled = 0"
    " ORDER BY a.starts_at, a.id, b.id";
static const char speaker_clash_sql[] = "SELECT " SPEAKER_PAIR_COLS
    " FROM sessions a JOIN session_speakers x ON x.session_id = a.id"
    " JOIN session_speakers y ON y.speaker_id = x.speaker_id"
    " AND y.session_id <> a.id"
    " JOIN sessions b ON b.id = y.session_id AND b.starts_at < a.ends_at"
    " AND b.ends_at > a.starts_at"
    " JOIN speakers p ON p.id = x.speaker_id"
    " WHERE a.event_id = ?1 AND (?2 = 0 AND a.id < b.id OR a.id = ?2)"
    " AND a.cancelled = 0 AND b.cancelled = 0"
    " ORDER BY a.starts_at, a.id, b.id, p.id";
/* Apart, in different rooms, with less than the changeover between. */
static const char changeover_sql[] = "SELECT " SPEAKER_PAIR_COLS
    " FROM sessions a JOIN session_speakers x ON x.session_id = a.id"
    " JOIN session_speakers y ON y.speaker_id = x.speaker_id"
    " AND y.session_id <> a.id"
    " JOIN sessions b ON b.id = y.session_id"
    " AND b.starts_at < a.ends_at + ?3 AND b.ends_at > a.starts_at - ?3"
    " AND (b.starts_at >= a.ends_at OR b.ends_at <= a.starts_at)"
    " AND b.room_id <> a.room_id"
    " JOIN speakers p ON p.id = x.speaker_id"
    " WHERE a.event_id = ?1 AND ?3 > 0"
    " AND (?2 = 0 AND a.id < b.id OR a.id = ?2)"
    " AND a.cancelled = 0 AND b.cancelled = 0"
    " ORDER BY a.starts_at, a.id, b.id, p.id";
static const char seats_sql[] = "SELECT " SESSION_COLS("s")
    ", r.id, r.name, r.capacity, s.seats FROM sessions s"
    " JOIN rooms r ON r.id = s.room_id"
    " WHERE s.event_id = ?1 AND (?2 = 0 OR s.id = ?2) AND ?3 = ?3"
    " AND s.seats > r.capacity ORDER BY s.starts_at, s.id";
static const char unscheduled_sql[] = "SELECT p.id, p.name FROM speakers p"
    " WHERE p.event_id = ?1 AND (?2 = 0 OR p.id = ?2) AND ?3 = ?3"
    " AND NOT EXISTS (SELECT 1 FROM session_speakers x"
    " WHERE x.speaker_id = p.id) ORDER BY p.name, p.id";
static const char sessions_sql[] = "SELECT " SESSION_COLS("s")
    " FROM sessions s WHERE s.event_id = ?1 AND (?2 = 0 OR s.id = ?2)"
    " ORDER BY s.starts_at, s.id";

static int
days_check(struct store *st, int64_t event, int64_t id,
    const struct frame *fr, json_t *out)
{
	sqlite3_stmt	*s = store_stmt(st, sessions_sql);
	enum store_step	 rc;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 2, id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		outside_days(s, fr, out);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

/* The warnings of one session (id) as saved: an array, or NULL. */
json_t *
store_session_warnings(struct store *st, int64_t id, int64_t event)
{
	struct frame	 fr;
	json_t		*out = json_array();

	if (frame_read(st, event, &fr) != 0 ||
	    days_check(st, event, id, &fr, out) != 0 ||
	    run(st, seats_sql, event, id, out, seats_above_room, &fr) != 0 ||
	    run(st, changeover_sql, event, id, out, changeover, &fr) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The warnings of one speaker as saved: an array, or NULL. */
json_t *
store_speaker_warnings(struct store *st, int64_t id, int64_t event)
{
	struct frame	 fr;
	json_t		*out = json_array();

	if (frame_read(st, event, &fr) != 0 ||
	    run(st, unscheduled_sql, event, id, out, unscheduled, &fr) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/*
 * Every clash and warning of an event's programme:
 * {"clashes": [...], "warnings": [...]}, or NULL when the database failed
 * (or there is no such event).
 */
json_t *
store_schedule_issues(struct store *st, int64_t event)
{
	struct frame	 fr;
	json_t		*clashes = json_array(), *warnings = json_array();

	if (frame_read(st, event, &fr) != 0 ||
	    run(st, room_clash_sql, event, 0, clashes, room_clash, &fr) != 0 ||
	    run(st, speaker_clash_sql, event, 0, clashes, speaker_clash,
	    &fr) != 0 ||
	    days_check(st, event, 0, &fr, warnings) != 0 ||
	    run(st, seats_sql, event, 0, warnings, seats_above_room,
	    &fr) != 0 ||
	    run(st, changeover_sql, event, 0, warnings, changeover, &fr) != 0 ||
	    run(st, unscheduled_sql, event, 0, warnings, unscheduled,
	    &fr) != 0) {
		json_decref(clashes);
		json_decref(warnings);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "clashes", clashes, "warnings",
	    warnings);
}
