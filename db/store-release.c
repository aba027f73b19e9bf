/*
 * store-release.c: numbered releases of an event's programme. Organisers
 * edit the live tables, the draft; publishing takes the programme document
 * of the draft (store_programme_json() with each session's "cancelled"),
 * compares it with the latest release's, and keeps the document (the
 * snapshot the public is served), an index of its sessions for the next
 * comparison, and what changed, per session: new, cancelled (the flag
 * set, or the session gone), moved (its time), room_changed, and changed
 * (title or speakers). A session's "sequence" is raised by each release
 * that moves it or changes its room. All are made once, here, when
 * published; readers only read them back, adding the document's
 * "release" ({"number", "published_at"}) and the seats left now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"
#include "store-release.h"

#define SESSION_KEY_MAX	64

/*
 * What names a session across releases: its row id, which every document
 * has (a uid only where the document carries one: see same_session()).
 */
static void
session_key(const json_t *s, char key[SESSION_KEY_MAX])
{
	snprintf(key, SESSION_KEY_MAX, "#%lld", (long long)
	    json_integer_value(json_object_get(s, "id")));
}

/*
 * Whether two sessions of one id are one: a deleted session's id may be
 * taken again by the next one made, which has another uid.
 */
static int
same_session(const json_t *a, const json_t *b)
{
	const char	*x = json_string_value(json_object_get(a, "uid"));
	const char	*y = json_string_value(json_object_get(b, "uid"));

	return x == NULL || y == NULL || strcmp(x, y) == 0;
}

static int64_t
room_of(const json_t *s)
{
	return json_integer_value(json_object_get(json_object_get(s, "room"),
	    "id"));
}

/*
 * Whether a key is the same in both. Absent is the same as absent or an
 * empty text: a document from before a key was added (title_en) against
 * one with it empty is no change.
 */
static int
same_key(const json_t *a, const json_t *b, const char *key)
{
	const json_t	*x = json_object_get(a, key), *y = json_object_get(b, key);
	const char	*text;

	if (x == NULL || y == NULL) {
		text = json_string_value(x != NULL ? x : y);
		return x == y || (text != NULL && *text == '\0');
	}
	return json_equal(x, y);
}

/* Where and when a session is, for the change list. */
static json_t *
place_json(const json_t *s)
{
	json_t	*room = json_object_get(s, "room");

	if (s == NULL)
		return json_null();
	return json_pack("{s:O, s:O, s:O}",
	    "starts_at", json_object_get(s, "starts_at"),
	    "ends_at", json_object_get(s, "ends_at"),
	    "room", room != NULL ? room : json_null());
}

static json_t *
change_json(json_t *kinds, const json_t *before, const json_t *after)
{
	const json_t	*s = after != NULL ? after : before;
	json_t		*who = json_object(), *v;
	static const char *const keys[] = { "id", "uid", "title", "title_en",
		"kind", NULL };

	for (int i = 0; keys[i] != NULL; i++)
		if ((v = json_object_get(s, keys[i])) != NULL)
			json_object_set(who, keys[i], v);
	return json_pack("{s:o, s:o, s:o, s:o, s:b}", "kinds", kinds,
	    "session", who, "before", place_json(before),
	    "after", place_json(after), "gone", after == NULL);
}

/* The kinds of change from before to after, both in the programme. */
static json_t *
kinds_json(const json_t *before, const json_t *after, int *moved)
{
	json_t	*kinds = json_array();
	int	 was = json_is_true(json_object_get(before, "cancelled"));
	int	 is = json_is_true(json_object_get(after, "cancelled"));

	*moved = 0;
	if (is && !was)
		json_array_append_new(kinds, json_string(RELEASE_CANCELLED));
	else if (!is && was)
		json_array_append_new(kinds, json_string(RELEASE_NEW));
	if (is)
		return kinds;
	/* Back from cancelled somewhere else: new, and moved for calendars. */
	if (!same_key(before, after, "starts_at") ||
	    !same_key(before, after, "ends_at")) {
		if (!was)
			json_array_append_new(kinds, json_string(RELEASE_MOVED));
		*moved = 1;
	}
	if (room_of(before) != room_of(after)) {
		if (!was)
			json_array_append_new(kinds, json_string(RELEASE_ROOM));
		*moved = 1;
	}
	if (!was && (!same_key(before, after, "title") ||
	    !same_key(before, after, "title_en") ||
	    !same_key(before, after, "speakers")))
		json_array_append_new(kinds, json_string(RELEASE_CHANGED));
	return kinds;
}

/* One day's sessions against the release before (left in seen). */
static void
diff_day(json_t *day, json_t *seen, json_t *changes)
{
	json_t		*list = json_object_get(day, "sessions"), *kept;
	json_t		*s, *before, *kinds;
	char		 key[SESSION_KEY_MAX];
	size_t		 i;
	int		 moved;

	kept = json_array();
	json_array_foreach(list, i, s) {
		session_key(s, key);
		before = json_object_get(seen, key);
		if (before == NULL || !same_session(before, s)) {
			/* Cancelled before anyone saw it: nothing to show. */
			if (json_is_true(json_object_get(s, "cancelled")))
				continue;
			json_object_set_new(s, "sequence", json_integer(0));
			json_array_append(kept, s);
			json_array_append_new(changes, change_json(json_pack(
			    "[s]", RELEASE_NEW), NULL, s));
			continue;
		}
		json_incref(before);
		json_object_del(seen, key);
		kinds = kinds_json(before, s, &moved);
		json_object_set_new(s, "sequence", json_integer(
		    json_integer_value(json_object_get(before, "sequence")) +
		    moved));
		json_array_append(kept, s);
		if (json_array_size(kinds) > 0)
			json_array_append_new(changes, change_json(kinds, before,
			    s));
		else
			json_decref(kinds);
		json_decref(before);
	}
	json_object_set_new(day, "sessions", kept);
}

/*
 * What the programme document after changes against the sessions of the
 * release before (store_release_index() of it; NULL: no release yet), as
 * a list of changes. Sets each session's "sequence" in after, and drops
 * from it the cancelled sessions no release ever showed, and days left
 * empty.
 */
json_t *
store_release_diff(const json_t *before, json_t *after)
{
	json_t		*changes = json_array(), *seen = json_object();
	json_t		*days = json_object_get(after, "days"), *kept, *day, *s;
	const char	*key;
	char		 k[SESSION_KEY_MAX];
	size_t		 i;

	json_array_foreach(before, i, s) {
		session_key(s, k);
		json_object_set(seen, k, s);
	}
	kept = json_array();
	json_array_foreach(days, i, day) {
		diff_day(day, seen, changes);
		if (json_array_size(json_object_get(day, "sessions")) > 0)
			json_array_append(kept, day);
	}
	if (after != NULL)
		json_object_set_new(after, "days", kept);
	else
		json_decref(kept);
	/* What is left was in the release before and is gone now. */
	json_object_foreach(seen, key, s) {
		if (!json_is_true(json_object_get(s, "cancelled")))
			json_array_append_new(changes, change_json(json_pack(
			    "[s]", RELEASE_CANCELLED), s, NULL));
	}
	json_decref(seen);
	return changes;
}

/* How many changes of each kind a list holds. */
json_t *
store_release_counts(const json_t *changes)
{
	static const char *const kinds[] = { RELEASE_NEW, RELEASE_CANCELLED,
		RELEASE_MOVED, RELEASE_ROOM, RELEASE_CHANGED, NULL };
	json_t		*counts = json_object(), *c, *k;
	size_t		 i, j;

	for (i = 0; kinds[i] != NULL; i++)
		json_object_set_new(counts, kinds[i], json_integer(0));
	json_array_foreach(changes, i, c) {
		json_array_foreach(json_object_get(c, "kinds"), j, k) {
			const char	*name = json_string_value(k);
			json_t		*n = json_object_get(counts, name);

			if (n != NULL)
				json_integer_set(n, json_integer_value(n) + 1);
		}
	}
	json_object_set_new(counts, "sessions",
	    json_integer((json_int_t)json_array_size(changes)));
	return counts;
}

/*
 * What the next release is compared with: each session of a programme
 * document with what a change is told by, without its abstracts.
 */
json_t *
store_release_index(const json_t *doc)
{
	static const char *const keys[] = { "id", "uid", "kind", "title",
		"title_en", "starts_at", "ends_at", "room", "speakers",
		"cancelled", "sequence", NULL };
	json_t		*list = json_array(), *day, *s, *one, *v;
	size_t		 i, j;

	json_array_foreach(json_object_get(doc, "days"), i, day) {
		json_array_foreach(json_object_get(day, "sessions"), j, s) {
			one = json_object();
			for (int k = 0; keys[k] != NULL; k++)
				if ((v = json_object_get(s, keys[k])) != NULL)
					json_object_set(one, keys[k], v);
			json_array_append_new(list, one);
		}
	}
	return list;
}

/*
 * The draft: the programme of the live tables, each session with its
 * "cancelled", without the seats left (they are added when served).
 * NULL: no such event, or the database failed.
 */
static json_t *
draft_json(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT id FROM sessions WHERE event_id = ?1 AND cancelled = 1";
	sqlite3_stmt		*s;
	json_t			*p, *cancelled, *day, *item;
	enum store_step		 rc;
	char			 id[24];
	size_t			 i, j;

	if ((p = store_programme_json(st, event_id)) == NULL)
		return NULL;
	cancelled = json_object();
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		snprintf(id, sizeof id, "%lld", (long long)
		    sqlite3_column_int64(s, 0));
		json_object_set_new(cancelled, id, json_true());
	}
	sqlite3_reset(s);
	json_array_foreach(json_object_get(p, "days"), i, day) {
		json_array_foreach(json_object_get(day, "sessions"), j, item) {
			snprintf(id, sizeof id, "%lld", (long long)
			    json_integer_value(json_object_get(item, "id")));
			json_object_set_new(item, "cancelled", json_boolean(
			    json_object_get(cancelled, id) != NULL));
			json_object_del(item, "remaining");
		}
	}
	json_decref(cancelled);
	if (rc == STORE_ERROR) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* The event's zone (to free), or NULL when there is no such event. */
static char *
event_zone(struct store *st, int64_t event_id)
{
	static const char	 sql[] = "SELECT timezone FROM events"
	    " WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			*zone = NULL;

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW)
		zone = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return zone;
}

/* The latest release of an event: number 0 when none, -1 when unread. */
struct latest {
	int64_t	 number;
	char	*snapshot;	/* the document as text, without "release" */
	json_t	*sessions;	/* store_release_index() of it */
};

static void
latest_read(struct store *st, int64_t event_id, struct latest *l)
{
	static const char	 sql[] =
	    "SELECT number, snapshot, sessions FROM releases WHERE event_id = ?1"
	    " AND snapshot IS NOT NULL ORDER BY number DESC LIMIT 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	memset(l, 0, sizeof *l);
	sqlite3_bind_int64(s, 1, event_id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		l->number = sqlite3_column_int64(s, 0);
		l->snapshot = xstrdup(COL_TEXT(s, 1));
		if ((l->sessions = json_loads(COL_TEXT(s, 2), 0, NULL)) == NULL)
			l->number = -1;
	} else if (rc == STORE_ERROR)
		l->number = -1;
	sqlite3_reset(s);
}

static void
latest_free(struct latest *l)
{
	free(l->snapshot);
	json_decref(l->sessions);
}

/*
 * The draft as the next release would have it, with its changes and its
 * text; NULL: no such event, or the database failed.
 */
static json_t *
next_json(struct store *st, int64_t event_id, const struct latest *l,
    json_t **changes, char **text)
{
	json_t	*draft;

	*changes = NULL;
	*text = NULL;
	if ((draft = draft_json(st, event_id)) == NULL)
		return NULL;
	*changes = store_release_diff(l->sessions, draft);
	if ((*text = json_dumps(draft, JSON_COMPACT)) == NULL) {
		json_decref(*changes);
		json_decref(draft);
		*changes = NULL;
		return NULL;
	}
	return draft;
}

/* What publishing now would change. NULL: no such event, or an error. */
json_t *
store_release_draft_changes(struct store *st, int64_t event_id)
{
	struct latest	 l;
	json_t		*draft, *changes, *answer = NULL;
	char		*text;

	latest_read(st, event_id, &l);
	if (l.number >= 0 &&
	    (draft = next_json(st, event_id, &l, &changes, &text)) != NULL) {
		answer = json_pack("{s:o, s:o, s:b}",
		    "release", l.number > 0 ? json_integer(l.number) :
		    json_null(), "counts", store_release_counts(changes),
		    "nothing_changed", l.number > 0 &&
		    strcmp(text, l.snapshot) == 0);
		json_object_set_new(answer, "changes", changes);
		free(text);
		json_decref(draft);
	}
	latest_free(&l);
	return answer;
}

/*
 * Each session's sequence and whether the public may sign up to it, as
 * the release just made says: in it and not cancelled there.
 */
static int
sessions_mark(struct store *st, int64_t event_id, const json_t *doc)
{
	static const char	 clear_sql[] = "UPDATE sessions SET published = 0"
	    " WHERE event_id = ?1 AND published = 1";
	static const char	 mark_sql[] = "UPDATE sessions SET published = ?2,"
	    " sequence = ?3 WHERE id = ?1 AND event_id = ?4";
	sqlite3_stmt		*s = store_stmt(st, clear_sql);
	json_t			*day, *item;
	size_t			 i, j;

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step_done(st, s) != 0)
		return -1;
	json_array_foreach(json_object_get(doc, "days"), i, day) {
		json_array_foreach(json_object_get(day, "sessions"), j, item) {
			s = store_stmt(st, mark_sql);
			sqlite3_bind_int64(s, 1, json_integer_value(
			    json_object_get(item, "id")));
			sqlite3_bind_int(s, 2, !json_is_true(json_object_get(
			    item, "cancelled")));
			sqlite3_bind_int64(s, 3, json_integer_value(
			    json_object_get(item, "sequence")));
			sqlite3_bind_int64(s, 4, event_id);
			if (store_step_done(st, s) != 0)
				return -1;
		}
	}
	return 0;
}

/* A release's own entry in its document: {"number", "published_at"}. */
static json_t *
release_json(int64_t number, int64_t at, const char *zone)
{
	char	iso[32];

	timefmt_iso((time_t)at, zone, iso);
	return json_pack("{s:I, s:s}", "number", (json_int_t)number,
	    "published_at", iso);
}

/*
 * Write a release (id 0: a new one, else the one the migration left
 * without its document) and mark the sessions it shows: 0, or -1.
 */
static int
release_write(struct store *st, int64_t id, int64_t event_id, int64_t number,
    int64_t now, const char *who, json_t *draft, const char *text,
    const json_t *changes)
{
	static const char	 insert_sql[] = "INSERT INTO releases (event_id,"
	    " number, published_at, who, snapshot, sessions, changes)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	static const char	 update_sql[] = "UPDATE releases SET snapshot = ?5,"
	    " sessions = ?6, changes = ?7 WHERE id = ?8 AND event_id = ?1"
	    " AND number = ?2 AND ?3 = ?3 AND ?4 = ?4";
	sqlite3_stmt		*s;
	json_t			*index = store_release_index(draft);
	char			*sessions = json_dumps(index, JSON_COMPACT);
	char			*list = json_dumps(changes, JSON_COMPACT);
	int			 rc = -1;

	json_decref(index);
	if (sessions == NULL || list == NULL)
		goto out;
	s = store_stmt(st, id == 0 ? insert_sql : update_sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_text(s, 4, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, sessions, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, list, -1, SQLITE_STATIC);
	if (id != 0)
		sqlite3_bind_int64(s, 8, id);
	if (store_step_done(st, s) == 0 &&
	    sessions_mark(st, event_id, draft) == 0)
		rc = 0;
out:
	free(sessions);
	free(list);
	return rc;
}

/*
 * Publish the draft as the next release, in the caller's transaction:
 * the release's number, date and counts, or NULL with err set (404 no such
 * event, 409 nothing_changed when the draft is the latest release again).
 */
json_t *
store_release_publish(struct store *st, int64_t event_id, const char *who,
    int64_t now, struct store_error *err)
{
	struct latest	 l;
	json_t		*draft = NULL, *changes = NULL, *answer = NULL, *release;
	char		*text = NULL, *zone;

	if ((zone = event_zone(st, event_id)) == NULL) {
		store_error_set(err, 404, "not_found", "no such event");
		return NULL;
	}
	latest_read(st, event_id, &l);
	if (l.number < 0 ||
	    (draft = next_json(st, event_id, &l, &changes, &text)) == NULL)
		goto out;
	if (l.number > 0 && strcmp(text, l.snapshot) == 0) {
		store_error_set(err, 409, "nothing_changed", "the draft is "
		    "release %lld as it was published", (long long)l.number);
		err->params = json_pack("{s:I}", "release",
		    (json_int_t)l.number);
		goto out;
	}
	/* The speakers of the sessions published get their passes with it. */
	/* Those signed up to a session it moves or cancels are told. */
	if (release_write(st, 0, event_id, l.number + 1, now, who, draft, text,
	    changes) != 0 || store_speaker_passes(st, event_id) != 0 ||
	    store_outbox_programme(st, changes) != 0)
		goto out;
	release = release_json(l.number + 1, now, zone);
	answer = json_pack("{s:o, s:s, s:o, s:O}", "release", release,
	    "who", who, "counts", store_release_counts(changes),
	    "changes", changes);
out:
	if (answer == NULL && err->status == 0)
		store_error_set(err, 500, "internal", "the release could not "
		    "be saved");
	free(zone);
	free(text);
	json_decref(changes);
	json_decref(draft);
	latest_free(&l);
	return answer;
}

/* One release the migration left without its document: made now. */
static int
fill_one(struct store *st, int64_t id, int64_t event_id, int64_t number,
    int64_t at)
{
	struct latest	 none;
	json_t		*draft, *changes;
	char		*text;
	int		 rc;

	memset(&none, 0, sizeof none);
	if ((draft = next_json(st, event_id, &none, &changes, &text)) == NULL)
		return -1;
	rc = release_write(st, id, event_id, number, at, "", draft, text,
	    changes);
	free(text);
	json_decref(changes);
	json_decref(draft);
	return rc;
}

/*
 * Make the documents of the releases the migration added (release 1 of
 * each event that had sessions before releases existed) or the demo
 * marked, in the caller's transaction: 0, or -1.
 */
int
store_release_fill(struct store *st)
{
	static const char	 sql[] = "SELECT id, event_id, number,"
	    " published_at FROM releases WHERE snapshot IS NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int64_t			(*rows)[4] = NULL;
	size_t			 n = 0, i;
	int			 ok = 0;

	/* Collected first: making a document reuses the connection. */
	while ((rc = store_step(st, s)) == STORE_ROW) {
		rows = xreallocarray(rows, n + 1, sizeof *rows);
		for (i = 0; i < 4; i++)
			rows[n][i] = sqlite3_column_int64(s, (int)i);
		n++;
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		ok = -1;
	for (i = 0; ok == 0 && i < n; i++)
		ok = fill_one(st, rows[i][0], rows[i][1], rows[i][2],
		    rows[i][3]);
	if (ok == 0 && n > 0)
		log_info("published release 1 of the programme of %zu "
		    "event(s)", n);
	free(rows);
	return ok;
}

/*
 * Mark release 1 of every event with sessions and no release yet, for
 * store_release_fill() to make: what the demo, loaded by SQL, is given.
 * In the caller's transaction.
 */
int
store_release_mark_first(struct store *st)
{
	return store_run(st, "INSERT INTO releases (event_id, number,"
	    " published_at) SELECT e.id, 1, CAST(strftime('%s', 'now') AS"
	    " INTEGER) FROM events e WHERE EXISTS (SELECT 1 FROM sessions s"
	    " WHERE s.event_id = e.id) AND NOT EXISTS (SELECT 1 FROM releases"
	    " r WHERE r.event_id = e.id)");
}

/* The releases of an event, newest first, with their counts. */
json_t *
store_release_list(struct store *st, int64_t event_id)
{
	static const char	 sql[] = "SELECT number, published_at, who,"
	    " changes, uid FROM releases WHERE event_id = ?1"
	    " AND snapshot IS NOT NULL ORDER BY number DESC";
	sqlite3_stmt		*s;
	json_t			*list, *changes;
	enum store_step		 rc;
	char			*zone, iso[32];

	if ((zone = event_zone(st, event_id)) == NULL)
		return NULL;
	list = json_array();
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_iso((time_t)sqlite3_column_int64(s, 1), zone, iso);
		changes = json_loads(COL_TEXT(s, 3), 0, NULL);
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s,"
		    " s:o}", "number", (json_int_t)sqlite3_column_int64(s, 0),
		    "uid", COL_TEXT(s, 4), "published_at", iso,
		    "who", COL_TEXT(s, 2),
		    "counts", store_release_counts(changes)));
		json_decref(changes);
	}
	sqlite3_reset(s);
	free(zone);
	return store_list_end(list, rc);
}

/*
 * The attendees signed up to, or in line for, the sessions a release
 * moved, put in another room or cancelled: the people the outbox tells,
 * each with their "place" ("seat", "waiting" or "wanted"). Read now, so
 * that whoever dropped the session since is not listed, and erased data
 * stays erased.
 */
static json_t *
affected_json(struct store *st, const json_t *changes)
{
	/* Those store_outbox_programme() writes to: seated or in line. */
	static const char	 sql[] =
	    "SELECT a.id, a.first_name, a.last_name, a.email, a.company,"
	    " a.status, w.state FROM attendees a"
	    " LEFT JOIN session_waits w ON w.attendee_id = a.id"
	    "  AND w.session_id = ?1"
	    " WHERE a.status <> 'cancelled' AND a.erased_at IS NULL"
	    " AND a.email <> '' AND a.id IN"
	    " (SELECT attendee_id FROM attendee_sessions WHERE session_id = ?1"
	    " UNION SELECT attendee_id FROM session_waits"
	    " WHERE session_id = ?1)"
	    " ORDER BY a.last_name, a.first_name, a.id";
	sqlite3_stmt		*s;
	json_t			*list = json_array(), *c, *k, *who, *kinds;
	enum store_step		 rc = STORE_DONE;
	size_t			 i, j;
	int			 tell;

	json_array_foreach(changes, i, c) {
		kinds = json_object_get(c, "kinds");
		tell = 0;
		json_array_foreach(kinds, j, k)
			if (strcmp(json_string_value(k), RELEASE_NEW) != 0 &&
			    strcmp(json_string_value(k), RELEASE_CHANGED) != 0)
				tell = 1;
		if (!tell)
			continue;
		who = json_object_get(c, "session");
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, json_integer_value(json_object_get(who,
		    "id")));
		while ((rc = store_step(st, s)) == STORE_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s,"
			    " s:s, s:s, s:s, s:s, s:O, s:O}",
			    "attendee_id", (json_int_t)sqlite3_column_int64(s, 0),
			    "first_name", COL_TEXT(s, 1),
			    "last_name", COL_TEXT(s, 2),
			    "email", COL_TEXT(s, 3), "company", COL_TEXT(s, 4),
			    "status", COL_TEXT(s, 5), "place",
			    COL_TEXT(s, 6) != NULL ? COL_TEXT(s, 6) : "seat",
			    "session", who, "kinds", kinds));
		sqlite3_reset(s);
		if (rc == STORE_ERROR)
			break;
	}
	return store_list_end(list, rc);
}

/* Release number of an event with its changes and the attendees to tell. */
json_t *
store_release_get(struct store *st, int64_t event_id, int64_t number,
    int *found)
{
	static const char	 sql[] = "SELECT published_at, who, changes, uid"
	    " FROM releases WHERE event_id = ?1 AND number = ?2"
	    " AND snapshot IS NOT NULL";
	sqlite3_stmt		*s;
	json_t			*r = NULL, *changes, *affected;
	enum store_step		 rc;
	char			*zone, iso[32];

	*found = 0;
	if ((zone = event_zone(st, event_id)) == NULL)
		return NULL;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_iso((time_t)sqlite3_column_int64(s, 0), zone, iso);
		changes = json_loads(COL_TEXT(s, 2), 0, NULL);
		if (changes == NULL)
			changes = json_array();
		r = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}",
		    "number", (json_int_t)number, "uid", COL_TEXT(s, 3),
		    "published_at", iso, "who", COL_TEXT(s, 1),
		    "counts", store_release_counts(changes),
		    "changes", changes);
	}
	sqlite3_reset(s);
	free(zone);
	*found = rc == STORE_ERROR ? -1 : rc == STORE_ROW;
	if (r == NULL)
		return NULL;
	if ((affected = affected_json(st, json_object_get(r, "changes"))) ==
	    NULL) {
		json_decref(r);
		*found = -1;
		return NULL;
	}
	json_object_set_new(r, "affected", affected);
	return r;
}

/* The programme before anything is published: the event, nothing in it. */
static json_t *
unpublished_json(struct store *st, int64_t event_id)
{
	json_t	*ev = store_programme_event_json(st, event_id);

	if (ev == NULL)
		return NULL;
	return json_pack("{s:o, s:n, s:[], s:[], s:[]}", "event", ev,
	    "release", "rooms", "speakers", "days");
}

/*
 * Each session's seats left now: they change between releases. *changed
 * says whether any differs from what doc had.
 */
static int
seats_now(struct store *st, int64_t event_id, json_t *doc, int *changed)
{
	static const char	 sql[] = "SELECT id, seats - taken FROM sessions"
	    " WHERE event_id = ?1 AND seats IS NOT NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*left = json_object(), *day, *item, *n, *old;
	enum store_step		 rc;
	char			 id[24];
	size_t			 i, j;

	*changed = 0;
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		int64_t	v = sqlite3_column_int64(s, 1);

		snprintf(id, sizeof id, "%lld", (long long)
		    sqlite3_column_int64(s, 0));
		json_object_set_new(left, id, json_integer(v < 0 ? 0 : v));
	}
	sqlite3_reset(s);
	json_array_foreach(json_object_get(doc, "days"), i, day) {
		json_array_foreach(json_object_get(day, "sessions"), j, item) {
			snprintf(id, sizeof id, "%lld", (long long)
			    json_integer_value(json_object_get(item, "id")));
			if ((n = json_object_get(left, id)) == NULL)
				n = json_null();
			old = json_object_get(item, "remaining");
			if (old != NULL && json_equal(old, n))
				continue;
			json_object_set(item, "remaining", n);
			*changed = 1;
		}
	}
	json_decref(left);
	return rc == STORE_ERROR ? -1 : 0;
}

struct release_cache *
store_release_cache_create(void)
{
	return xcalloc(1, sizeof (struct release_cache));
}

void
store_release_cache_free(struct release_cache *c)
{
	if (c == NULL)
		return;
	json_decref(c->doc);
	free(c);
}

/*
 * The latest release's document into the cache, read and parsed only
 * when it is not the one there: 0, or -1 when the database failed. No
 * release leaves the cache empty (number 0).
 */
static int
cache_fill(struct store *st, int64_t event_id, struct release_cache *c,
    int *same)
{
	static const char	 sql[] = "SELECT number, published_at, snapshot"
	    " FROM releases WHERE event_id = ?1 AND number = ?2";
	static const char	 number_sql[] = "SELECT max(number) FROM releases"
	    " WHERE event_id = ?1 AND snapshot IS NOT NULL";
	sqlite3_stmt		*s = store_stmt(st, number_sql);
	enum store_step		 rc;
	int64_t			 number = 0;
	json_t			*doc;

	*same = 0;
	sqlite3_bind_int64(s, 1, event_id);
	if ((rc = store_step(st, s)) == STORE_ROW)
		number = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != STORE_ROW)
		return -1;
	if (c->doc != NULL && c->event_id == event_id && c->number == number) {
		*same = 1;
		return 0;
	}
	json_decref(c->doc);
	c->doc = NULL;
	c->number = 0;
	c->event_id = event_id;
	if (number == 0)
		return 0;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, number);
	if ((rc = store_step(st, s)) == STORE_ROW &&
	    (doc = json_loads(COL_TEXT(s, 2), 0, NULL)) != NULL) {
		json_object_set_new(doc, "release", release_json(
		    sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
		    json_string_value(json_object_get(json_object_get(doc,
		    "event"), "timezone"))));
		c->doc = doc;
		c->number = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return c->doc != NULL ? 0 : -1;
}

/*
 * What the public is served as the programme: the latest release's
 * document with the seats left now, or the event with nothing in it and
 * "release": null. Text to free; NULL with *unchanged set when it would
 * be the text the same cache gave last time (the same release and seats),
 * NULL without when the database failed. The cache keeps the document
 * parsed, so a seat taken costs one query, and no new text if no session
 * it shows changed.
 */
char *
store_release_public(struct store *st, int64_t event_id,
    struct release_cache *c, int *unchanged)
{
	json_t	*doc;
	char	*text;
	int	 same, changed;

	*unchanged = 0;
	if (cache_fill(st, event_id, c, &same) != 0)
		return NULL;
	if (c->doc == NULL) {
		if ((doc = unpublished_json(st, event_id)) == NULL)
			return NULL;
		text = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		return text;
	}
	if (seats_now(st, event_id, c->doc, &changed) != 0) {
		/* Some seats may be set, some not: read it all again. */
		json_decref(c->doc);
		c->doc = NULL;
		return NULL;
	}
	if (same && !changed) {
		*unchanged = 1;
		return NULL;
	}
	return json_dumps(c->doc, JSON_COMPACT);
}

/*
 * The programme document the public sees, for what is made from it (the
 * exports, the printed programme): the latest release's, with "release",
 * or the event with nothing in it and "release": null. Seats left are not
 * in it. To decref; NULL: no such event, or the database failed.
 */
json_t *
store_release_document(struct store *st, int64_t event_id)
{
	struct release_cache	 c;
	int			 same;

	memset(&c, 0, sizeof c);
	if (cache_fill(st, event_id, &c, &same) != 0)
		return NULL;
	return c.doc != NULL ? c.doc : unpublished_json(st, event_id);
}

/*
 * The programme to print: the latest release's document, or before the
 * first release the draft, which has no "release" and is printed as one.
 * To decref; NULL: no such event, or the database failed.
 */
json_t *
store_release_printed(struct store *st, int64_t event_id)
{
	json_t	*doc = store_release_document(st, event_id);

	if (doc != NULL && json_is_null(json_object_get(doc, "release"))) {
		json_decref(doc);
		doc = store_programme_json(st, event_id);
	}
	return doc;
}

/*
 * The same through a cache of the caller's own, for what is made from it
 * once per release (a worker's schedule files): *same says it is the
 * document the cache gave last time, so that what was made from it
 * stands. Borrowed from the cache, valid until its next use; NULL: no
 * such event, or the database failed.
 */
const json_t *
store_release_document_cached(struct store *st, int64_t event_id,
    struct release_cache *c, int *same)
{
	if (cache_fill(st, event_id, c, same) != 0)
		return NULL;
	/* Number 0 with a document: the unpublished one, kept as a release. */
	if (c->doc == NULL)
		c->doc = unpublished_json(st, event_id);
	return c->doc;
}

/*
 * What changed, for the public: the latest release, its changes, and
 * every release with its own, newest first. NULL: no event, or an error.
 */
json_t *
store_release_history(struct store *st, int64_t event_id)
{
	static const char	 sql[] = "SELECT number, uid, published_at,"
	    " changes FROM releases WHERE event_id = ?1"
	    " AND snapshot IS NOT NULL ORDER BY number DESC";
	static const char	 event_sql[] = "SELECT name, timezone"
	    " FROM events WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, event_sql);
	json_t			*h = NULL, *list, *changes, *r;
	enum store_step		 rc;
	char			*zone, iso[32];

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW)
		h = json_pack("{s:{s:I, s:s, s:s}}", "event",
		    "id", (json_int_t)event_id, "name", COL_TEXT(s, 0),
		    "timezone", COL_TEXT(s, 1));
	sqlite3_reset(s);
	if (h == NULL)
		return NULL;
	zone = xstrdup(json_string_value(json_object_get(json_object_get(h,
	    "event"), "timezone")));
	list = json_array();
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_iso((time_t)sqlite3_column_int64(s, 2), zone, iso);
		if ((changes = json_loads(COL_TEXT(s, 3), 0, NULL)) == NULL)
			changes = json_array();
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o,"
		    " s:o}", "number", (json_int_t)sqlite3_column_int64(s, 0),
		    "uid", COL_TEXT(s, 1), "published_at", iso,
		    "counts", store_release_counts(changes),
		    "changes", changes));
	}
	sqlite3_reset(s);
	free(zone);
	if ((list = store_list_end(list, rc)) == NULL) {
		json_decref(h);
		return NULL;
	}
	r = json_array_get(list, 0);
	json_object_set_new(h, "release", r == NULL ? json_null() :
	    json_pack("{s:O, s:O}", "number", json_object_get(r, "number"),
	    "published_at", json_object_get(r, "published_at")));
	json_object_set_new(h, "changes", r == NULL ? json_array() :
	    json_copy(json_object_get(r, "changes")));
	json_object_set_new(h, "releases", list);
	return h;
}
