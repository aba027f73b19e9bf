/*
 * store-reg.c: registrations, seats and the waitlist. Every function here
 * runs inside the caller's write transaction (BEGIN IMMEDIATE), so the seat
 * counts it reads are the ones it writes against: no overbooking, whatever
 * the concurrency. An attendee's status changes only in
 * attendee_set_status(), a registration's only in registration_refresh().
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtank.h"

void
store_error_set(struct store_error *e, int status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;

	e->status = status;
	snprintf(e->code, sizeof e->code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}

void
store_error_clear(struct store_error *e)
{
	json_decref(e->fields);
	memset(e, 0, sizeof *e);
}

/* Add delta confirmed seats to the counters of a ticket type and its event. */
static int
seats_add(struct store *st, int64_t ticket_type, int delta)
{
	static const char	 tt_sql[] =
	    "UPDATE ticket_types SET confirmed_count = confirmed_count + ?2"
	    " WHERE id = ?1";
	static const char	 ev_sql[] =
	    "UPDATE events SET confirmed_count = confirmed_count + ?2"
	    " WHERE id = (SELECT event_id FROM ticket_types WHERE id = ?1)";
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

/* Give back the session seats of a cancelled attendee. */
static int
sessions_release(struct store *st, int64_t attendee)
{
	static const char	 give_sql[] =
	    "UPDATE sessions SET taken = taken - 1 WHERE id IN"
	    " (SELECT session_id FROM attendee_sessions WHERE attendee_id = ?1)";
	static const char	 del_sql[] =
	    "DELETE FROM attendee_sessions WHERE attendee_id = ?1";
	sqlite3_stmt		*s = store_stmt(st, give_sql);

	sqlite3_bind_int64(s, 1, attendee);
	if (store_step_done(st, s) != 0)
		return -1;
	s = store_stmt(st, del_sql);
	sqlite3_bind_int64(s, 1, attendee);
	return store_step_done(st, s);
}

/*
 * The one place an attendee's status changes: keeps the seat counters and
 * gives a newly confirmed attendee a pass code. A cancelled attendee keeps
 * the code so that the door can say "cancelled" rather than "unknown".
 */
static int
attendee_set_status(struct store *st, int64_t id, const char *status,
    int64_t now)
{
	static const char	 get_sql[] =
	    "SELECT a.status, a.ticket_type_id, a.pass_code IS NULL,"
	    " e.code_prefix FROM attendees a JOIN events e ON e.id = a.event_id"
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
	char			*old = NULL, *code = NULL;
	int64_t			 ticket_type;
	int			 rc = -1, delta;

	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	old = xstrdup(COL_TEXT(s, 0));
	ticket_type = sqlite3_column_int64(s, 1);
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
	if (strcmp(status, "cancelled") == 0 && sessions_release(st, id) != 0)
		goto out;
	delta = (strcmp(status, "confirmed") == 0) -
	    (strcmp(old, "confirmed") == 0);
	rc = delta != 0 ? seats_add(st, ticket_type, delta) : 0;
out:
	free(old);
	free(code);
	return rc;
}

/* The one place a registration's status changes: derived from its attendees. */
static int
registration_refresh(struct store *st, int64_t id, int cancel, int64_t now)
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

struct seats {
	int64_t	event_id;
	int	hidden, on_sale, waitlist;
	int64_t	left;		/* -1: unlimited */
};

/* Seats left for a ticket type, under its quota and its event's capacity. */
static int
seats_get(struct store *st, int64_t ticket_type, int64_t now, struct seats *out)
{
	static const char	 sql[] =
	    "SELECT t.event_id, t.hidden,"
	    " (t.sale_starts_at IS NULL OR t.sale_starts_at <= ?2) AND"
	    " (t.sale_ends_at IS NULL OR t.sale_ends_at > ?2),"
	    " t.waitlist, t.quota, t.confirmed_count, e.capacity,"
	    " e.confirmed_count FROM ticket_types t"
	    " JOIN events e ON e.id = t.event_id WHERE t.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, ticket_type);
	sqlite3_bind_int64(s, 2, now);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	out->event_id = sqlite3_column_int64(s, 0);
	out->hidden = sqlite3_column_int(s, 1);
	out->on_sale = sqlite3_column_int(s, 2);
	out->waitlist = sqlite3_column_int(s, 3);
	out->left = store_seats_min(store_seats_left(s, 4, 5),
	    store_seats_left(s, 6, 7));
	sqlite3_reset(s);
	return 0;
}

static int
email_taken(struct store *st, int64_t event_id, const char *email_norm)
{
	static const char	 sql[] =
	    "SELECT 1 FROM attendees WHERE event_id = ?1 AND email_norm = ?2"
	    " AND status <> 'cancelled'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 taken;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, email_norm, -1, SQLITE_STATIC);
	taken = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return taken;
}

/* 1: a replay of key (its registration in *id); 0: new key; -1: error set. */
static int
idempotency_lookup(struct store *st, const char *key,
    const unsigned char *hash, int64_t *id, struct store_error *err)
{
	static const char	 sql[] =
	    "SELECT request_hash, registration_id FROM idempotency_keys"
	    " WHERE key = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = 0;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) == crypto_generichash_BYTES &&
		    memcmp(sqlite3_column_blob(s, 0), hash,
		    crypto_generichash_BYTES) == 0) {
			*id = sqlite3_column_int64(s, 1);
			rc = 1;
		} else {
			store_error_set(err, 409, "idempotency_key_reused",
			    "this Idempotency-Key was used for another request");
			rc = -1;
		}
	}
	sqlite3_reset(s);
	return rc;
}

static int
idempotency_save(struct store *st, const char *key, const unsigned char *hash,
    int64_t id, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO idempotency_keys (key, request_hash, registration_id,"
	    " created_at) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hash, crypto_generichash_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, id);
	sqlite3_bind_int64(s, 4, now);
	return store_step_done(st, s);
}

static int64_t
registration_insert(struct store *st, const struct reg_input *in,
    int64_t event_id, int64_t now)
{
	static const char	 next_sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM registrations";
	static const char	 sql[] =
	    "INSERT INTO registrations (id, event_id, ticket_type_id, status,"
	    " manage_token, contact_first_name, contact_last_name,"
	    " contact_email, contact_company, contact_phone,"
	    " privacy_accepted_at, created_at)"
	    " VALUES (?10, ?1, ?2, 'waitlisted', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
	sqlite3_stmt		*s = store_stmt(st, next_sql);
	char			 token[TOKEN_MANAGE_LEN + 1];
	int64_t			 id;

	/* The writer is the only writer: the id is known before the insert. */
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	token_manage(id, token);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, in->ticket_type);
	sqlite3_bind_text(s, 3, token, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, in->contact.first_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, in->contact.last_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->contact.email, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, in->contact.company, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, in->contact.phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, id);
	if (store_step_done(st, s) != 0)
		return -1;
	return id;
}

/* Attendees start waitlisted; attendee_set_status() gives them their seats. */
static int64_t
attendee_insert(struct store *st, const struct reg_person *p, int64_t reg_id,
    int64_t event_id, int64_t ticket_type, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO attendees (registration_id, event_id, ticket_type_id,"
	    " first_name, last_name, email, email_norm, company, job_title,"
	    " dietary, listed, status, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " 'waitlisted', ?12)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, reg_id);
	sqlite3_bind_int64(s, 2, event_id);
	sqlite3_bind_int64(s, 3, ticket_type);
	sqlite3_bind_text(s, 4, p->first_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, p->last_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, p->email_norm, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, p->company, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, p->job_title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, p->dietary, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 11, p->listed);
	sqlite3_bind_int64(s, 12, now);
	if (store_step_done(st, s) != 0)
		return -1;
	return sqlite3_last_insert_rowid(store_db(st));
}

/*
 * Sign an attendee up for sessions that need it, taking a seat in each.
 * Returns 0, or -1 with err set (422 unknown session, 409 full).
 */
static int
sessions_sign_up(struct store *st, const struct reg_person *p, size_t nth,
    int64_t attendee, int64_t event_id, struct store_error *err)
{
	static const char	 get_sql[] =
	    "SELECT title, seats IS NULL OR taken < seats FROM sessions"
	    " WHERE id = ?1 AND event_id = ?2 AND signup = 1";
	static const char	 add_sql[] =
	    "INSERT INTO attendee_sessions (attendee_id, session_id)"
	    " VALUES (?1, ?2)";
	static const char	 take_sql[] =
	    "UPDATE sessions SET taken = taken + 1 WHERE id = ?1";
	sqlite3_stmt		*s;
	char			 path[48];
	int			 found, free_seat;

	snprintf(path, sizeof path, "attendees.%zu.sessions", nth);
	for (size_t i = 0; i < p->nsessions; i++) {
		s = store_stmt(st, get_sql);
		sqlite3_bind_int64(s, 1, p->sessions[i]);
		sqlite3_bind_int64(s, 2, event_id);
		found = sqlite3_step(s) == SQLITE_ROW;
		free_seat = found && sqlite3_column_int(s, 1);
		if (found && !free_seat) {
			store_error_set(err, 409, "session_full",
			    "%s is fully booked", COL_TEXT(s, 0));
			err->fields = json_pack("{s:s+}", path,
			    COL_TEXT(s, 0), " is fully booked");
		}
		sqlite3_reset(s);
		if (!found) {
			store_error_set(err, 422, "validation_failed",
			    "no such session to sign up for");
			err->fields = json_pack("{s:s}", path,
			    "no such session to sign up for");
		}
		if (!free_seat)
			return -1;
		s = store_stmt(st, add_sql);
		sqlite3_bind_int64(s, 1, attendee);
		sqlite3_bind_int64(s, 2, p->sessions[i]);
		if (store_step_done(st, s) != 0)
			return -1;
		s = store_stmt(st, take_sql);
		sqlite3_bind_int64(s, 1, p->sessions[i]);
		if (store_step_done(st, s) != 0)
			return -1;
	}
	return 0;
}

/*
 * Register the attendees of in. Returns the registration's id (with
 * *replayed set when an Idempotency-Key named an earlier one), or -1 with
 * err set: 422 for a ticket type or address that cannot be used, 409 when
 * full and no waitlist, 500 when the database failed.
 */
int64_t
store_register(struct store *st, const struct reg_input *in,
    const char *idem_key, const unsigned char *idem_hash, int *replayed,
    struct store_error *err)
{
	int64_t		now = (int64_t)time(NULL), reg_id, id;
	struct seats	seats;
	char		path[48];

	*replayed = 0;
	if (idem_key != NULL) {
		switch (idempotency_lookup(st, idem_key, idem_hash, &id, err)) {
		case 1:
			*replayed = 1;
			return id;
		case -1:
			return -1;
		}
	}
	if (seats_get(st, in->ticket_type, now, &seats) != 0 || seats.hidden ||
	    !seats.on_sale) {
		store_error_set(err, 422, "validation_failed",
		    "this ticket type cannot be booked");
		err->fields = json_pack("{s:s}", "ticket_type",
		    "not on sale");
		return -1;
	}
	for (size_t i = 0; i < in->nattendees; i++) {
		if (!email_taken(st, seats.event_id,
		    in->attendees[i].email_norm))
			continue;
		if (err->fields == NULL) {
			store_error_set(err, 422, "validation_failed",
			    "someone with this address is already registered");
			err->fields = json_object();
		}
		snprintf(path, sizeof path, "attendees.%zu.email", i);
		json_object_set_new(err->fields, path,
		    json_string("already registered for this event"));
	}
	if (err->fields != NULL)
		return -1;
	if (!seats.waitlist && seats.left >= 0 &&
	    (size_t)seats.left < in->nattendees) {
		store_error_set(err, 409, "full", seats.left == 0 ?
		    "this ticket type is fully booked" :
		    "only %lld seats are left for this ticket type",
		    (long long)seats.left);
		return -1;
	}

	if ((reg_id = registration_insert(st, in, seats.event_id, now)) < 0)
		goto fail;
	for (size_t i = 0; i < in->nattendees; i++) {
		id = attendee_insert(st, &in->attendees[i], reg_id,
		    seats.event_id, in->ticket_type, now);
		if (id < 0)
			goto fail;
		if (sessions_sign_up(st, &in->attendees[i], i, id,
		    seats.event_id, err) != 0) {
			if (err->status == 0)
				goto fail;
			return -1;
		}
		if ((seats.left < 0 || (size_t)seats.left > i) &&
		    attendee_set_status(st, id, "confirmed", now) != 0)
			goto fail;
	}
	if (registration_refresh(st, reg_id, 0, now) != 0)
		goto fail;
	if (idem_key != NULL &&
	    idempotency_save(st, idem_key, idem_hash, reg_id, now) != 0)
		goto fail;
	return reg_id;
fail:
	store_error_set(err, 500, "internal", "the registration could not be "
	    "saved");
	return -1;
}

int64_t
store_registration_by_token(struct store *st, const char *token)
{
	static const char	 sql[] =
	    "SELECT id FROM registrations WHERE manage_token = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 id = -1;

	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

/* Cancel a registration (again is no error) and hand its seats on. */
int64_t
store_cancel(struct store *st, const char *token, struct store_error *err)
{
	static const char	 list_sql[] =
	    "SELECT a.id, r.event_id, r.cancelled_at IS NOT NULL"
	    " FROM registrations r LEFT JOIN attendees a"
	    " ON a.registration_id = r.id AND a.status <> 'cancelled'"
	    " WHERE r.id = ?1";
	sqlite3_stmt		*s;
	int64_t			 id, event_id = -1, now = (int64_t)time(NULL);
	int64_t			 ids[REG_MAX_ATTENDEES * 4];
	size_t			 n = 0;
	int			 already = 0;

	if ((id = store_registration_by_token(st, token)) < 0) {
		store_error_set(err, 404, "not_found",
		    "no registration has this link");
		return -1;
	}
	s = store_stmt(st, list_sql);
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		event_id = sqlite3_column_int64(s, 1);
		already = sqlite3_column_int(s, 2);
		if (sqlite3_column_type(s, 0) != SQLITE_NULL &&
		    n < sizeof ids / sizeof ids[0])
			ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (already && n == 0)
		return id;
	for (size_t i = 0; i < n; i++)
		if (attendee_set_status(st, ids[i], "cancelled", now) != 0)
			goto fail;
	if (registration_refresh(st, id, 1, now) != 0 ||
	    store_promote_waitlist(st, event_id) < 0)
		goto fail;
	return id;
fail:
	store_error_set(err, 500, "internal", "the cancellation could not be "
	    "saved");
	return -1;
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
	int64_t			 id, reg_id, now = (int64_t)time(NULL);
	int			 promoted = 0, found;

	for (;;) {
		s = store_stmt(st, sql);
		sqlite3_bind_int64(s, 1, event_id);
		found = sqlite3_step(s) == SQLITE_ROW;
		id = found ? sqlite3_column_int64(s, 0) : 0;
		reg_id = found ? sqlite3_column_int64(s, 1) : 0;
		sqlite3_reset(s);
		if (!found)
			return promoted;
		if (attendee_set_status(st, id, "confirmed", now) != 0 ||
		    registration_refresh(st, reg_id, 0, now) != 0)
			return -1;
		promoted++;
	}
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
	    " FROM attendees a WHERE a.event_id = events.id"
	    " AND a.status = 'confirmed');"
	    "UPDATE sessions SET taken = (SELECT count(*)"
	    " FROM attendee_sessions x JOIN attendees a ON a.id = x.attendee_id"
	    " WHERE x.session_id = sessions.id AND a.status <> 'cancelled');";
	static const char	 events_sql[] = "SELECT id FROM events";
	sqlite3_stmt		*s;
	int64_t			 ids[256];
	size_t			 n = 0;

	if (store_exec(st, sql) != 0)
		return -1;
	s = store_stmt(st, events_sql);
	while (sqlite3_step(s) == SQLITE_ROW && n < 256)
		ids[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	for (size_t i = 0; i < n; i++)
		if (store_promote_waitlist(st, ids[i]) < 0)
			return -1;
	return 0;
}

static json_t *
attendee_sessions_json(struct store *st, int64_t attendee)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title FROM attendee_sessions x"
	    " JOIN sessions s ON s.id = x.session_id WHERE x.attendee_id = ?1"
	    " ORDER BY s.starts_at";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();

	sqlite3_bind_int64(s, 1, attendee);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1)));
	sqlite3_reset(s);
	return list;
}

static json_t *
attendees_json(struct store *st, int64_t reg_id)
{
	static const char	 sql[] =
	    "SELECT a.id, a.first_name, a.last_name, a.email, a.company,"
	    " a.job_title, a.dietary, a.listed, a.status, a.pass_code,"
	    " CASE WHEN a.status = 'waitlisted' THEN (SELECT count(*)"
	    "  FROM attendees w WHERE w.ticket_type_id = a.ticket_type_id"
	    "  AND w.status = 'waitlisted' AND w.id <= a.id) END"
	    " FROM attendees a WHERE a.registration_id = ?1 ORDER BY a.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();

	sqlite3_bind_int64(s, 1, reg_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int	confirmed = strcmp(COL_TEXT(s, 8), "confirmed") == 0;

		json_array_append_new(list, json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "first_name", COL_TEXT(s, 1), "last_name", COL_TEXT(s, 2),
		    "email", COL_TEXT(s, 3), "company", COL_TEXT(s, 4),
		    "job_title", COL_TEXT(s, 5), "dietary", COL_TEXT(s, 6),
		    "listed", sqlite3_column_int(s, 7),
		    "status", COL_TEXT(s, 8),
		    "pass_code", confirmed && COL_TEXT(s, 9) != NULL ?
		    json_string(COL_TEXT(s, 9)) : json_null(),
		    "waitlist_position",
		    sqlite3_column_type(s, 10) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 10))));
	}
	sqlite3_reset(s);
	/* Sign-ups after the attendee rows: the statement is shared. */
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t	*a = json_array_get(list, i);

		json_object_set_new(a, "sessions", attendee_sessions_json(st,
		    json_integer_value(json_object_get(a, "id"))));
	}
	return list;
}

/* The registration as the API shows it to the holder of its manage link. */
json_t *
store_registration_json(struct store *st, int64_t id, const char *public_url)
{
	static const char	 sql[] =
	    "SELECT r.id, r.status, r.manage_token, r.created_at, e.timezone,"
	    " t.id, t.name, r.contact_first_name, r.contact_last_name,"
	    " r.contact_email, r.contact_company, r.contact_phone, e.name"
	    " FROM registrations r JOIN events e ON e.id = r.event_id"
	    " JOIN ticket_types t ON t.id = r.ticket_type_id WHERE r.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*r;
	char			 created[32], *url;

	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return NULL;
	}
	timefmt_iso(sqlite3_column_int64(s, 3), COL_TEXT(s, 4), created);
	xasprintf(&url, "%s/manage.html#t=%s", public_url, COL_TEXT(s, 2));
	r = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s},"
	    " s:{s:s, s:s, s:s, s:s, s:s}}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "status", COL_TEXT(s, 1),
	    "manage_token", COL_TEXT(s, 2),
	    "manage_url", url,
	    "created_at", created,
	    "event", COL_TEXT(s, 12),
	    "ticket_type", "id", (json_int_t)sqlite3_column_int64(s, 5),
	    "name", COL_TEXT(s, 6),
	    "contact", "first_name", COL_TEXT(s, 7), "last_name", COL_TEXT(s, 8),
	    "email", COL_TEXT(s, 9), "company", COL_TEXT(s, 10),
	    "phone", COL_TEXT(s, 11));
	free(url);
	sqlite3_reset(s);
	json_object_set_new(r, "attendees", attendees_json(st, id));
	return r;
}
