/*
 * store-door-sync.c: what the door's copy of a checkpoint holds, read on a
 * worker's connection (door-sync.c seals and writes it on the slow
 * thread). A whole copy has every pass of the event with its state there,
 * the old codes of reissued and substituted passes, and the check-ins
 * made at the checkpoint; a delta (since a cursor, a door_changes id)
 * only the passes and check-ins that changed since. The cursor is read
 * first: a change made while the rest is read comes again in the next
 * delta, never lost.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "door-sync.h"

static char *
col_dup(sqlite3_stmt *s, int i)
{
	const char	*t = COL_TEXT(s, i);

	return t != NULL ? xstrdup(t) : NULL;
}

static int
copy_cursor(struct store *st, struct door_copy *c)
{
	static const char	 sql[] =
	    "SELECT COALESCE(MAX(id), 0) FROM door_changes";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	if (store_step(st, s) == STORE_ROW) {
		c->cursor = sqlite3_column_int64(s, 0);
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

/* The event's salt, name and zone, and whether names go in the copy. */
static enum store_step
copy_event(struct store *st, struct door_copy *c, int *names)
{
	static const char	 sql[] =
	    "SELECT d.salt, e.name, e.timezone, e.door_offline_names"
	    " FROM events e JOIN door_keys d ON d.event_id = e.id"
	    " WHERE e.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, c->event_id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		if (sqlite3_column_bytes(s, 0) != DOOR_SALT_BYTES)
			rc = STORE_ERROR;
		else {
			memcpy(c->salt, sqlite3_column_blob(s, 0),
			    DOOR_SALT_BYTES);
			json_object_set_new(c->head, "event", json_pack(
			    "{s:I, s:s}", "id", (json_int_t)c->event_id,
			    "name", COL_TEXT(s, 1)));
			c->zone = xstrdup(COL_TEXT(s, 2));
			*names = sqlite3_column_int(s, 3);
		}
	}
	sqlite3_reset(s);
	return rc;
}

/* The sessions that take sign-ups, which entries name by id. */
static int
copy_sessions(struct store *st, struct door_copy *c, int64_t session,
    const char *cp)
{
	static const char	 sql[] =
	    "SELECT id, title, kind FROM sessions WHERE event_id = ?1"
	    " AND signup = 1 ORDER BY starts_at, id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array(), *here = NULL;
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, c->event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		json_t	*one = json_pack("{s:I, s:s, s:s}", "id",
		    (json_int_t)sqlite3_column_int64(s, 0), "title",
		    COL_TEXT(s, 1), "kind", COL_TEXT(s, 2));

		if (sqlite3_column_int64(s, 0) == session)
			here = json_pack("{s:s, s:O, s:O}", "id", cp, "name",
			    json_object_get(one, "title"), "kind",
			    json_object_get(one, "kind"));
		json_array_append_new(list, one);
	}
	sqlite3_reset(s);
	if (here == NULL)
		here = json_pack("{s:s, s:s, s:s}", "id", "main", "name",
		    "Main entrance", "kind", "entrance");
	json_object_set_new(c->head, "checkpoint", here);
	json_object_set_new(c->head, "sessions", list);
	return rc == STORE_DONE ? 0 : -1;
}

/* The ticket types, with their roles, which entries name by id. */
static int
copy_ticket_types(struct store *st, struct door_copy *c)
{
	static const char	 sql[] =
	    "SELECT id, name, role, name_en FROM ticket_types"
	    " WHERE event_id = ?1 ORDER BY sort, id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, c->event_id);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0), "name",
		    COL_TEXT(s, 1), "role", COL_TEXT(s, 2), "name_en",
		    COL_TEXT(s, 3)));
	sqlite3_reset(s);
	json_object_set_new(c->head, "ticket_types", list);
	return rc == STORE_DONE ? 0 : -1;
}

static int
copy_passes(struct store *st, struct door_copy *c, int64_t session)
{
	/* The whole copy: every pass; a delta: those changed since. */
#define PASS_COLUMNS \
	    "SELECT a.id, a.pass_code, a.status," \
	    " a.first_name || ' ' || a.last_name, a.company, a.ticket_type_id," \
	    " a.dietary, (SELECT group_concat(x.session_id) FROM" \
	    "  attendee_sessions x WHERE x.attendee_id = a.id)," \
	    " ?2 = 0 OR EXISTS (SELECT 1 FROM attendee_sessions x" \
	    "  WHERE x.attendee_id = a.id AND x.session_id = ?2)" \
	    " FROM attendees a WHERE +a.event_id = ?1" \
	    " AND a.pass_code IS NOT NULL"
	/*
	 * By id, as door-sync.c parts them: the event's span of ids read in
	 * order from the table, which is twice as fast as going through an
	 * index of the event's rows for each one.
	 */
	static const char	 all[] = PASS_COLUMNS " AND ?3 = 0"
	    " AND a.id BETWEEN (SELECT min(id) FROM attendees"
	    "  WHERE event_id = ?1) AND (SELECT max(id) FROM attendees"
	    "  WHERE event_id = ?1) ORDER BY a.id";
	static const char	 changed[] = PASS_COLUMNS
	    " AND a.id IN (SELECT attendee_id FROM door_changes"
	    "  WHERE event_id = ?1 AND id > ?3 AND kind = 'pass')"
	    " ORDER BY a.id";
#undef PASS_COLUMNS
	sqlite3_stmt		*s = store_stmt(st, c->since ? changed : all);
	enum store_step		 rc;
	size_t			 room = 0;

	sqlite3_bind_int64(s, 1, c->event_id);
	sqlite3_bind_int64(s, 2, session);
	sqlite3_bind_int64(s, 3, c->since);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		struct door_pass	*p;
		const char		*status = COL_TEXT(s, 2);

		if (c->npasses == room) {
			room = room ? room * 2 : 256;
			c->passes = xreallocarray(c->passes, room,
			    sizeof *c->passes);
		}
		p = &c->passes[c->npasses++];
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(s, 0);
		p->code = col_dup(s, 1);
		if (strcmp(status, "cancelled") == 0)
			p->state = "cancelled";
		else if (strcmp(status, "waitlisted") == 0)
			p->state = "waitlisted";
		else if (sqlite3_column_int(s, 8) == 0)
			p->state = "not_registered_here";
		if (p->state != NULL)
			continue;	/* nothing more to say about them */
		p->name = col_dup(s, 3);
		p->company = col_dup(s, 4);
		p->ticket_type = sqlite3_column_int64(s, 5);
		p->dietary = col_dup(s, 6);
		p->sessions = col_dup(s, 7);
	}
	sqlite3_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

/* The old codes of reissued and substituted passes: "replaced". */
static int
copy_replaced(struct store *st, struct door_copy *c)
{
	static const char	 sql[] =
	    "SELECT DISTINCT c.old_code FROM door_changes c"
	    " WHERE c.event_id = ?1 AND c.id > ?2 AND c.old_code IS NOT NULL"
	    " AND NOT EXISTS (SELECT 1 FROM attendees a"
	    "  WHERE a.pass_code = c.old_code)";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	size_t			 room = 0;

	sqlite3_bind_int64(s, 1, c->event_id);
	sqlite3_bind_int64(s, 2, c->since);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		if (c->nreplaced == room) {
			room = room ? room * 2 : 64;
			c->replaced = xreallocarray(c->replaced, room,
			    sizeof *c->replaced);
		}
		c->replaced[c->nreplaced++] = col_dup(s, 0);
	}
	sqlite3_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

/* The check-ins at the checkpoint (a delta: their state, if changed). */
static int
copy_seen(struct store *st, struct door_copy *c, const char *cp)
{
	static const char	 all[] =
	    "SELECT a.pass_code, c.at, c.device FROM checkins c"
	    " JOIN attendees a ON a.id = c.attendee_id"
	    " WHERE c.checkpoint = ?2 AND c.undone_at IS NULL"
	    " AND a.event_id = ?1 AND a.pass_code IS NOT NULL AND ?3 = 0";
	static const char	 changed[] =
	    "SELECT a.pass_code, c.at, c.device FROM attendees a"
	    " LEFT JOIN checkins c ON c.attendee_id = a.id"
	    "  AND c.checkpoint = ?2 AND c.undone_at IS NULL"
	    " WHERE a.event_id = ?1 AND a.pass_code IS NOT NULL"
	    " AND a.id IN (SELECT attendee_id FROM door_changes"
	    "  WHERE event_id = ?1 AND id > ?3 AND kind = 'checkin'"
	    "  AND checkpoint = ?2)";
	sqlite3_stmt		*s = store_stmt(st, c->since ? changed : all);
	enum store_step		 rc;
	size_t			 room = 0;

	sqlite3_bind_int64(s, 1, c->event_id);
	sqlite3_bind_text(s, 2, cp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, c->since);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		struct door_seen	*v;

		if (c->nseen == room) {
			room = room ? room * 2 : 256;
			c->seen = xreallocarray(c->seen, room, sizeof *c->seen);
		}
		v = &c->seen[c->nseen++];
		v->code = col_dup(s, 0);
		v->at = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 :
		    sqlite3_column_int64(s, 1);
		v->device = col_dup(s, 2);
	}
	sqlite3_reset(s);
	return rc == STORE_DONE ? 0 : -1;
}

/*
 * The copy of checkpoint cp of the event, whole (since 0) or since a
 * cursor; NULL with err set: 404 for no such checkpoint, 422 for a cursor
 * this server never gave, 500 when the database failed.
 */
struct door_copy *
store_door_copy(struct store *st, int64_t event_id, const char *cp,
    int64_t since, struct store_error *err)
{
	struct door_copy	*c = xcalloc(1, sizeof *c);
	int64_t			 session = store_checkpoint_parse(cp);
	int			 names = 0, valid;

	c->event_id = event_id;
	c->since = since;
	c->head = json_object();
	if ((valid = store_checkpoint_valid(st, event_id, cp)) <= 0) {
		if (valid == 0)
			store_error_set(err, 404, "not_found",
			    "no such checkpoint");
		goto fail;
	}
	if (copy_cursor(st, c) != 0)
		goto fail;
	if (since > c->cursor) {
		store_error_set(err, 422, "validation_failed",
		    "this cursor is not one the server gave");
		err->fields = json_pack("{s:s}", "since", "invalid");
		goto fail;
	}
	if (copy_event(st, c, &names) != STORE_ROW ||
	    copy_sessions(st, c, session, cp) != 0 ||
	    copy_ticket_types(st, c) != 0 ||
	    copy_passes(st, c, session) != 0 || copy_replaced(st, c) != 0 ||
	    copy_seen(st, c, cp) != 0)
		goto fail;
	json_object_set_new(c->head, "names_enabled", json_boolean(names));
	return c;
fail:
	if (err->status == 0)
		store_error_set(err, 500, "internal", "the database could not "
		    "be read; please try again");
	door_copy_free(c);
	return NULL;
}

void
door_copy_free(struct door_copy *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->npasses; i++) {
		struct door_pass	*p = &c->passes[i];

		free(p->code);
		free(p->name);
		free(p->company);
		free(p->dietary);
		free(p->sessions);
	}
	free(c->passes);
	for (size_t i = 0; i < c->nreplaced; i++)
		free(c->replaced[i]);
	free(c->replaced);
	for (size_t i = 0; i < c->nseen; i++) {
		free(c->seen[i].code);
		free(c->seen[i].device);
	}
	free(c->seen);
	free(c->zone);
	json_decref(c->head);
	sodium_memzero(c->salt, sizeof c->salt);
	free(c);
}
