/*
 * store-door-upload.c: the scans a door made offline, uploaded when the
 * network is back (POST /api/v1/checkins/batch). Each scan carries a
 * nonce, the time it happened on the device, and the pass code, its
 * lookup hash or an attendee id; it is applied once (the same nonce again
 * is a "duplicate", as is a scan the same account sent online and then
 * queued when the answer was lost) with its own time. A person let in at two doors or by
 * two devices while offline is a conflict: the earliest check-in is kept,
 * the other recorded in door_conflicts for the organiser. It all runs in
 * the writer's transaction, so concurrent uploads see each other whole.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "door-sync.h"

static void
field(json_t *fields, size_t i, const char *name, const char *code)
{
	char	key[48];

	snprintf(key, sizeof key, "scans.%zu.%s", i, name);
	json_object_set_new(fields, key, json_string(code));
}

/* A JSON string without NULs (JSON_ALLOW_NUL lets them in). */
static const char *
plain_string(json_t *j)
{
	if (!json_is_string(j) ||
	    strlen(json_string_value(j)) != json_string_length(j))
		return NULL;
	return json_string_value(j);
}

static int
nonce_ok(const char *s)
{
	size_t	len = strlen(s);

	if (len < DOOR_NONCE_MIN || len > SCAN_NONCE_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/*
 * ISO 8601 as timefmt_parse_iso() reads it, also with the fraction of a
 * second JavaScript's toISOString() writes ("…:05.123Z"), dropped.
 */
static int
parse_at(const char *s, int64_t *at)
{
	char		 buf[40];
	const char	*dot = strchr(s, '.');
	size_t		 n;

	if (strlen(s) >= sizeof buf)
		return -1;
	if (dot == NULL)
		return timefmt_parse_iso(s, at);
	n = (size_t)(dot - s);
	memcpy(buf, s, n);
	for (dot++; isdigit((unsigned char)*dot); dot++)
		;
	if (dot == strchr(s, '.') + 1)
		return -1;	/* a dot without digits */
	snprintf(buf + n, sizeof buf - n, "%s", dot);
	return timefmt_parse_iso(buf, at);
}

/* A code as the door read it: blanks dropped, in capitals. */
static char *
code_normal(const char *s)
{
	char	*code = text_trim(s);

	for (char *p = code; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return code;
}

static void
scan_parse_one(json_t *item, size_t i, int64_t now, struct door_scan *sc,
    json_t *fields)
{
	json_t		*code = json_object_get(item, "code");
	json_t		*hash = json_object_get(item, "hash");
	json_t		*id = json_object_get(item, "attendee_id");
	const char	*nonce = plain_string(json_object_get(item, "nonce"));
	const char	*at = plain_string(json_object_get(item, "at"));
	const char	*text;

	if (!json_is_object(item)) {
		field(fields, i, "scan", "invalid");
		return;
	}
	if (nonce == NULL || !nonce_ok(nonce))
		field(fields, i, "nonce", json_object_get(item, "nonce") ?
		    "invalid" : "required");
	else
		sc->nonce = xstrdup(nonce);
	if (at == NULL || parse_at(at, &sc->at) != 0)
		field(fields, i, "at", json_object_get(item, "at") ?
		    "invalid" : "required");
	else if (sc->at > now + DOOR_FUTURE_MAX)
		field(fields, i, "at", "in_the_future");
	else if (sc->at < now - DOOR_PAST_MAX)
		field(fields, i, "at", "too_old");
	if ((code != NULL) + (hash != NULL) + (id != NULL) != 1) {
		field(fields, i, "code", "required");
		return;
	}
	if (code != NULL) {
		text = plain_string(code);
		if (text == NULL || *text == '\0' ||
		    strlen(text) > SCAN_CODE_MAX || text_has_control(text))
			field(fields, i, "code", "invalid");
		else
			sc->code = code_normal(text);
	} else if (hash != NULL) {
		text = plain_string(hash);
		if (text == NULL || door_b64_decode(text, sc->hash,
		    DOOR_LOOKUP_BYTES) != 0)
			field(fields, i, "hash", "invalid");
		else
			sc->has_hash = 1;
	} else if (!json_is_integer(id) || json_integer_value(id) <= 0)
		field(fields, i, "attendee_id", "invalid");
	else
		sc->attendee_id = json_integer_value(id);
}

/*
 * Parse an upload into u: 0, -1 with the field errors in *fields (422),
 * or -2 when it has more scans than one upload takes (413). The
 * checkpoint's existence is checked by the caller.
 */
int
door_upload_parse(json_t *body, int64_t now, struct door_upload *u,
    json_t **fields)
{
	json_t		*scans = json_object_get(body, "scans");
	const char	*cp = plain_string(json_object_get(body, "checkpoint"));
	const char	*device = plain_string(json_object_get(body, "device"));
	char		*trimmed;

	memset(u, 0, sizeof *u);
	*fields = json_object();
	if (cp == NULL || *cp == '\0' || strlen(cp) > 64)
		json_object_set_new(*fields, "checkpoint", json_string(
		    json_object_get(body, "checkpoint") ? "not_a_choice" :
		    "required"));
	else
		u->checkpoint = xstrdup(cp);
	if (device == NULL || text_has_control(device))
		json_object_set_new(*fields, "device", json_string(
		    json_object_get(body, "device") ? "invalid" : "required"));
	else {
		trimmed = text_trim(device);
		if (*trimmed == '\0' || utf8_count(trimmed) > DOOR_DEVICE_MAX)
			json_object_set_new(*fields, "device", json_string(
			    *trimmed == '\0' ? "required" : "too_long"));
		u->device = trimmed;
	}
	if (!json_is_array(scans) || json_array_size(scans) == 0)
		json_object_set_new(*fields, "scans", json_string(
		    scans && !json_is_array(scans) ? "invalid" : "required"));
	else if (json_array_size(scans) > DOOR_BATCH_MAX)
		return -2;
	else {
		u->nscans = json_array_size(scans);
		u->scans = xcalloc(u->nscans, sizeof *u->scans);
		for (size_t i = 0; i < u->nscans; i++)
			scan_parse_one(json_array_get(scans, i), i, now,
			    &u->scans[i], *fields);
	}
	return json_object_size(*fields) > 0 ? -1 : 0;
}

void
door_upload_clear(struct door_upload *u)
{
	for (size_t i = 0; i < u->nscans; i++) {
		free(u->scans[i].nonce);
		free(u->scans[i].code);
	}
	free(u->scans);
	free(u->checkpoint);
	free(u->device);
	memset(u, 0, sizeof *u);
}

/*
 * The lookup hash of every code of the event that has none yet, the old
 * codes included: a scan uploaded by hash is found by it.
 */
static int
hashes_refresh(struct store *st, int64_t event)
{
	static const char	 salt_sql[] =
	    "SELECT salt FROM door_keys WHERE event_id = ?1";
	static const char	 todo_sql[] =
	    "SELECT x.code FROM (SELECT pass_code AS code FROM attendees"
	    "  WHERE event_id = ?1 AND pass_code IS NOT NULL UNION"
	    "  SELECT old_code FROM door_changes WHERE event_id = ?1"
	    "  AND old_code IS NOT NULL) x"
	    " WHERE NOT EXISTS (SELECT 1 FROM door_hashes d"
	    "  WHERE d.code = x.code)";
	static const char	 add_sql[] =
	    "INSERT OR IGNORE INTO door_hashes (event_id, hash, code)"
	    " VALUES (?1, ?2, ?3)";
	unsigned char		 salt[DOOR_SALT_BYTES], h[DOOR_LOOKUP_BYTES];
	struct door_salt	 ds;
	sqlite3_stmt		*s = store_stmt(st, salt_sql);
	char			**codes = NULL;
	size_t			 n = 0, room = 0;
	enum store_step		 rc;
	int			 ret = -1;

	sqlite3_bind_int64(s, 1, event);
	rc = store_step(st, s);
	if (rc == STORE_ROW && sqlite3_column_bytes(s, 0) == DOOR_SALT_BYTES)
		memcpy(salt, sqlite3_column_blob(s, 0), DOOR_SALT_BYTES);
	else
		rc = STORE_ERROR;
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		return -1;
	s = store_stmt(st, todo_sql);
	sqlite3_bind_int64(s, 1, event);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		if (n == room) {
			room = room ? room * 2 : 256;
			codes = xreallocarray(codes, room, sizeof *codes);
		}
		codes[n++] = xstrdup(COL_TEXT(s, 0));
	}
	sqlite3_reset(s);
	if (rc != STORE_DONE)
		goto out;
	door_salt_init(salt, &ds);
	for (size_t i = 0; i < n; i++) {
		door_lookup_salted(&ds, codes[i], h);
		s = store_stmt(st, add_sql);
		sqlite3_bind_int64(s, 1, event);
		sqlite3_bind_blob(s, 2, h, sizeof h, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, codes[i], -1, SQLITE_STATIC);
		if (store_step_done(st, s) != 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	return ret;
}

/* The code whose lookup hash this is, in this event; NULL: none. */
static enum store_step
code_by_hash(struct store *st, int64_t event, const unsigned char *h,
    char **code)
{
	static const char	 sql[] =
	    "SELECT code FROM door_hashes WHERE event_id = ?1 AND hash = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_blob(s, 2, h, DOOR_LOOKUP_BYTES, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW)
		*code = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return rc;
}

struct person {
	int64_t	 id;
	char	 status[16];
};

/* The attendee of this event a scan names. */
static enum store_step
person_find(struct store *st, int64_t event, const char *code, int64_t id,
    struct person *p)
{
	static const char	 by_code[] =
	    "SELECT id, status FROM attendees WHERE pass_code = ?1"
	    " AND event_id = ?2";
	static const char	 by_id[] =
	    "SELECT id, status FROM attendees WHERE id = ?1"
	    " AND event_id = ?2";
	sqlite3_stmt		*s;
	enum store_step		 rc;

	if (code != NULL) {
		if (!token_pass_code_valid(code))
			return STORE_DONE;
		s = store_stmt(st, by_code);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	} else {
		s = store_stmt(st, by_id);
		sqlite3_bind_int64(s, 1, id);
	}
	sqlite3_bind_int64(s, 2, event);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		p->id = sqlite3_column_int64(s, 0);
		snprintf(p->status, sizeof p->status, "%s", COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	return rc;
}

struct live {
	int64_t	 id, at, user_id;
	char	*device;
};

static enum store_step
live_checkin(struct store *st, int64_t attendee, const char *cp,
    struct live *l)
{
	static const char	 sql[] =
	    "SELECT id, at, user_id, device FROM checkins"
	    " WHERE attendee_id = ?1 AND checkpoint = ?2 AND undone_at IS NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_text(s, 2, cp, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		l->id = sqlite3_column_int64(s, 0);
		l->at = sqlite3_column_int64(s, 1);
		l->user_id = sqlite3_column_int64(s, 2);
		l->device = COL_TEXT(s, 3) ? xstrdup(COL_TEXT(s, 3)) : NULL;
	}
	sqlite3_reset(s);
	return rc;
}

/* Batch and scan, for the rows they write. */
struct upload_ctx {
	const struct staff		*who;
	int64_t				 event;
	int64_t				 session;	/* 0: the entrance */
	const struct door_upload	*u;
	int64_t				 now;
};

static int64_t
checkin_add(struct store *st, const struct upload_ctx *x, int64_t attendee,
    int64_t at)
{
	static const char	 sql[] =
	    "INSERT INTO checkins (attendee_id, checkpoint, at, user_id,"
	    " device, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, attendee);
	sqlite3_bind_text(s, 2, x->u->checkpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, at);
	sqlite3_bind_int64(s, 4, x->who->id);
	sqlite3_bind_text(s, 5, x->u->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, x->now);
	if (store_step_done(st, s) != 0)
		return -1;
	return sqlite3_last_insert_rowid(store_db(st));
}

static int
conflict_add(struct store *st, const struct upload_ctx *x, int64_t attendee,
    int64_t kept, int64_t at, const char *device, int64_t user,
    const char *nonce)
{
	static const char	 sql[] =
	    "INSERT INTO door_conflicts (event_id, attendee_id, checkpoint,"
	    " kept_checkin_id, at, device, user_id, nonce, recorded_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, x->event);
	sqlite3_bind_int64(s, 2, attendee);
	sqlite3_bind_text(s, 3, x->u->checkpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, kept);
	sqlite3_bind_int64(s, 5, at);
	if (device != NULL)
		sqlite3_bind_text(s, 6, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, user);
	if (nonce != NULL)
		sqlite3_bind_text(s, 8, nonce, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, x->now);
	return store_step_done(st, s);
}

/* The check-in that lost to an earlier one is undone, and kept so. */
static int
checkin_supersede(struct store *st, const struct upload_ctx *x, int64_t id)
{
	static const char	 sql[] =
	    "UPDATE checkins SET undone_at = ?2, undone_by = ?3 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, x->now);
	sqlite3_bind_int64(s, 3, x->who->id);
	return store_step_done(st, s);
}

/*
 * A confirmed attendee let in offline: "ok", "already_checked_in" (this
 * device had let them in already) or "conflict", with the check-in kept
 * in *checkin. -1: the database failed.
 */
static int
admit(struct store *st, const struct upload_ctx *x,
    const struct door_scan *sc, int64_t attendee, const char **result,
    int64_t *checkin, int *kept_this)
{
	struct live	l = { 0 };
	enum store_step	step;
	int		rc = -1;

	*kept_this = 0;
	if ((step = live_checkin(st, attendee, x->u->checkpoint, &l)) ==
	    STORE_ERROR)
		return -1;
	if (step == STORE_DONE) {
		if ((*checkin = checkin_add(st, x, attendee, sc->at)) < 0)
			return -1;
		*result = "ok";
		*kept_this = 1;
		return 0;
	}
	if (l.device != NULL && strcmp(l.device, x->u->device) == 0) {
		*checkin = l.id;
		*result = "already_checked_in";
		rc = 0;
		goto out;
	}
	*result = "conflict";
	if (l.at <= sc->at) {
		/* The other admission came first: this one is the conflict. */
		*checkin = l.id;
		rc = conflict_add(st, x, attendee, l.id, sc->at, x->u->device,
		    x->who->id, sc->nonce);
		goto out;
	}
	/* This one came first: it is kept, the other is the conflict. */
	if (checkin_supersede(st, x, l.id) != 0 ||
	    (*checkin = checkin_add(st, x, attendee, sc->at)) < 0)
		goto out;
	*kept_this = 1;
	rc = conflict_add(st, x, attendee, *checkin, l.at, l.device,
	    l.user_id, NULL);
out:
	free(l.device);
	return rc;
}

/*
 * Whether this nonce was seen before: uploaded already, or sent online by
 * the same account (the page lost the answer and queued the scan); the
 * first answer's result in first.
 */
static enum store_step
nonce_seen(struct store *st, const char *nonce, int64_t user, char first[24])
{
	static const char	 sql[] =
	    "SELECT result FROM offline_scans WHERE nonce = ?1"
	    " UNION ALL SELECT coalesce(json_extract(answer, '$.result'),"
	    " 'unknown') FROM scan_nonces WHERE nonce = ?1 AND user_id = ?2"
	    " AND json_valid(answer) LIMIT 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_text(s, 1, nonce, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, user);
	if ((rc = store_step(st, s)) == STORE_ROW)
		snprintf(first, 24, "%s", COL_TEXT(s, 0));
	sqlite3_reset(s);
	return rc;
}

static int
nonce_keep(struct store *st, const struct upload_ctx *x,
    const struct door_scan *sc, int64_t attendee, const char *result,
    int64_t checkin)
{
	static const char	 sql[] =
	    "INSERT INTO offline_scans (nonce, event_id, user_id, device,"
	    " checkpoint, at, attendee_id, result, checkin_id, received_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_text(s, 1, sc->nonce, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, x->event);
	sqlite3_bind_int64(s, 3, x->who->id);
	sqlite3_bind_text(s, 4, x->u->device, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, x->u->checkpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, sc->at);
	if (attendee > 0)
		sqlite3_bind_int64(s, 7, attendee);
	sqlite3_bind_text(s, 8, result, -1, SQLITE_STATIC);
	if (checkin > 0)
		sqlite3_bind_int64(s, 9, checkin);
	sqlite3_bind_int64(s, 10, x->now);
	return store_step_done(st, s);
}

/* One scan's answer; NULL when the database failed. */
static json_t *
upload_one(struct store *st, const struct upload_ctx *x,
    const struct door_scan *sc)
{
	struct person	 p = { 0 };
	enum store_step	 step;
	const char	*result;
	char		*code = NULL, first[24];
	int64_t		 checkin = 0;
	int		 kept = 0;
	json_t		*j = NULL;

	if ((step = nonce_seen(st, sc->nonce, x->who->id, first)) ==
	    STORE_ERROR)
		return NULL;
	if (step == STORE_ROW)
		return json_pack("{s:s, s:s, s:s}", "nonce", sc->nonce,
		    "result", "duplicate", "first", first);
	step = STORE_DONE;
	if (sc->has_hash)
		step = code_by_hash(st, x->event, sc->hash, &code);
	else
		step = STORE_ROW;
	if (step == STORE_ROW)
		step = person_find(st, x->event, sc->has_hash ? code :
		    sc->code, sc->attendee_id, &p);
	free(code);
	if (step == STORE_ERROR)
		return NULL;
	if (step == STORE_DONE)
		result = "unknown";
	else if (strcmp(p.status, "cancelled") == 0)
		result = "cancelled";
	else if (strcmp(p.status, "waitlisted") == 0)
		result = "waitlisted";
	else if (x->session > 0 && (step = store_signed_up(st, p.id, x->session)) !=
	    STORE_ROW) {
		if (step == STORE_ERROR)
			return NULL;
		result = "not_registered_here";
	} else if (admit(st, x, sc, p.id, &result, &checkin, &kept) != 0)
		return NULL;
	if (nonce_keep(st, x, sc, p.id, result, checkin) != 0)
		return NULL;
	j = json_pack("{s:s, s:s}", "nonce", sc->nonce, "result", result);
	if (p.id > 0)
		json_object_set_new(j, "attendee_id", json_integer(p.id));
	if (checkin > 0)
		json_object_set_new(j, "checkin_id", json_integer(checkin));
	if (strcmp(result, "conflict") == 0)
		json_object_set_new(j, "kept", json_string(kept ? "this" :
		    "other"));
	return j;
}

/*
 * Apply an upload at the checkpoint (which exists) of the event: the
 * answer {"results": [...], "counts": {...}}, or NULL when the database
 * failed (the writer then undoes the batch).
 */
json_t *
store_door_upload(struct store *st, const struct staff *who, int64_t event,
    const struct door_upload *u, const char *address, int64_t now)
{
	struct upload_ctx	 x = { who, event, 0, u, now };
	json_t			*results = json_array(), *counts = json_object();
	/* Room for the longest device and checkpoint: nothing is cut. */
	char			 detail[4 * DOOR_DEVICE_MAX + 128];
	int			 hashes = 0;

	x.session = store_checkpoint_parse(u->checkpoint);
	for (size_t i = 0; i < u->nscans; i++)
		hashes |= u->scans[i].has_hash;
	if (hashes && hashes_refresh(st, event) != 0)
		goto fail;
	for (size_t i = 0; i < u->nscans; i++) {
		json_t		*one = upload_one(st, &x, &u->scans[i]);
		const char	*r;

		if (one == NULL)
			goto fail;
		r = json_string_value(json_object_get(one, "result"));
		json_object_set_new(counts, r, json_integer(json_integer_value(
		    json_object_get(counts, r)) + 1));
		json_array_append_new(results, one);
	}
	snprintf(detail, sizeof detail, "%zu offline scans from \"%s\" at %s",
	    u->nscans, u->device, u->checkpoint);
	if (store_audit(st, who, NULL, "checkin_batch", detail, address,
	    now) != 0)
		goto fail;
	return json_pack("{s:o, s:o}", "results", results, "counts", counts);
fail:
	json_decref(results);
	json_decref(counts);
	return NULL;
}

/* How many conflicts a checkpoint had (-1: the database failed). */
int64_t
store_door_conflict_count(struct store *st, int64_t event_id, const char *cp)
{
	static const char	 sql[] =
	    "SELECT count(*) FROM door_conflicts WHERE event_id = ?1"
	    " AND checkpoint = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 n = -1;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, cp, -1, SQLITE_STATIC);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

static json_t *
admission_json(sqlite3_stmt *s, int at, int device, int by, const char *zone)
{
	char	when[32];

	timefmt_iso(sqlite3_column_int64(s, at), zone, when);
	return json_pack("{s:s, s:s?, s:s}", "at", when, "device",
	    COL_TEXT(s, device), "by", COL_TEXT(s, by));
}

/* The event's conflicts, newest first: {"conflicts", "total"}; NULL: error. */
json_t *
store_door_conflicts(struct store *st, int64_t event_id, int64_t offset,
    int64_t limit)
{
	static const char	 sql[] =
	    "SELECT k.id, k.attendee_id, a.first_name || ' ' || a.last_name,"
	    " a.company, k.checkpoint, c.at, c.device, uc.name, k.at,"
	    " k.device, u.name, k.recorded_at, e.timezone,"
	    " c.undone_at IS NOT NULL"
	    " FROM door_conflicts k JOIN attendees a ON a.id = k.attendee_id"
	    " JOIN checkins c ON c.id = k.kept_checkin_id"
	    " JOIN users uc ON uc.id = c.user_id JOIN users u ON u.id = k.user_id"
	    " JOIN events e ON e.id = k.event_id WHERE k.event_id = ?1"
	    " ORDER BY k.id DESC LIMIT ?2 OFFSET ?3";
	static const char	 count_sql[] =
	    "SELECT count(*) FROM door_conflicts WHERE event_id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;
	int64_t			 total = 0;
	char			 when[32];

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		const char	*zone = COL_TEXT(s, 12);

		timefmt_iso(sqlite3_column_int64(s, 11), zone, when);
		json_array_append_new(list, json_pack(
		    "{s:I, s:{s:I, s:s, s:s}, s:s, s:o, s:o, s:s, s:b}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "attendee", "id", (json_int_t)sqlite3_column_int64(s, 1),
		    "name", COL_TEXT(s, 2), "company", COL_TEXT(s, 3),
		    "checkpoint", COL_TEXT(s, 4),
		    "kept", admission_json(s, 5, 6, 7, zone),
		    "other", admission_json(s, 8, 9, 10, zone),
		    "recorded_at", when,
		    "kept_undone", sqlite3_column_int(s, 13)));
	}
	sqlite3_reset(s);
	if (rc != STORE_DONE) {
		json_decref(list);
		return NULL;
	}
	s = store_stmt(st, count_sql);
	sqlite3_bind_int64(s, 1, event_id);
	if ((rc = store_step(st, s)) == STORE_ROW)
		total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != STORE_ROW) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:o, s:I}", "conflicts", list, "total",
	    (json_int_t)total);
}
