/*
 * store-reg.c: registering attendees and cancelling registrations, with
 * idempotency keys. Runs inside the writer's transaction; seats are taken
 * and given back through the state machine in store-seats.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtank.h"

/* STORE_ROW: someone holds this address for the event; STORE_DONE: free. */
enum store_step
store_email_taken(struct store *st, int64_t event_id, const char *email_norm)
{
	static const char	 sql[] =
	    "SELECT 1 FROM attendees WHERE event_id = ?1 AND email_norm = ?2"
	    " AND status <> 'cancelled'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, email_norm, -1, SQLITE_STATIC);
	rc = store_step(st, s);
	sqlite3_reset(s);
	return rc;
}

/*
 * 1: a replay of key (its registration in *id); 0: new key; -1 with err
 * set: the key was used for another request; -1 with err unset: the
 * database failed.
 */
static int
idempotency_lookup(struct store *st, const char *key,
    const unsigned char *hash, int64_t *id, struct store_error *err)
{
	static const char	 sql[] =
	    "SELECT request_hash, registration_id FROM idempotency_keys"
	    " WHERE key = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;
	int			 rc = 0;

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((step = store_step(st, s)) == STORE_ERROR)
		rc = -1;
	else if (step == STORE_ROW) {
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

/* A registration of in's contact on in's ticket type, before its attendees. */
int64_t
store_registration_insert(struct store *st, const struct reg_input *in,
    int64_t event_id, int64_t now)
{
	static const char	 next_sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM registrations";
	static const char	 sql[] =
	    "INSERT INTO registrations (id, event_id, ticket_type_id, status,"
	    " manage_token, contact_first_name, contact_last_name,"
	    " contact_email, contact_company, contact_phone,"
	    " privacy_accepted_at, created_at, lang, billing_organisation,"
	    " billing_org_number, billing_vat_number, billing_address,"
	    " billing_email, billing_reference)"
	    " VALUES (?10, ?1, ?2, 'waitlisted', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9,"
	    " coalesce(?11, 'sv'), coalesce(?12, ''), coalesce(?13, ''),"
	    " coalesce(?14, ''), coalesce(?15, ''), coalesce(?16, ''),"
	    " coalesce(?17, ''))";
	const struct reg_billing *b = &in->billing;
	const char		*billing[] = { b->organisation, b->org_number,
	    b->vat_number, b->address, b->email, b->reference };
	sqlite3_stmt		*s = store_stmt(st, next_sql);
	char			 token[TOKEN_MANAGE_LEN + 1];
	int64_t			 id;

	/* The writer is the only writer: the id is known before the insert. */
	if (store_step(st, s) != STORE_ROW) {
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
	if (in->lang[0] != '\0')
		sqlite3_bind_text(s, 11, in->lang, -1, SQLITE_STATIC);
	for (int i = 0; i < 6; i++)
		if (billing[i] != NULL)
			sqlite3_bind_text(s, 12 + i, billing[i], -1,
			    SQLITE_STATIC);
	if (store_step_done(st, s) != 0 ||
	    store_count_registration_day(st, event_id, in->ticket_type,
	    now) != 0)
		return -1;
	return id;
}

/*
 * Attendees start waitlisted; attendee_set_status() gives them their
 * seats. Each gets a personal manage link of their own.
 */
int64_t
store_attendee_insert(struct store *st, const struct reg_person *p,
    int64_t reg_id, int64_t event_id, int64_t ticket_type, int64_t now)
{
	static const char	 next_sql[] =
	    "SELECT coalesce(max(id), 0) + 1 FROM attendees";
	/* With its keys: the connection's triggers need not make them. */
	static const char	 sql[] =
	    "INSERT INTO attendees (registration_id, event_id, ticket_type_id,"
	    " first_name, last_name, email, email_norm, company, job_title,"
	    " dietary, listed, status, created_at, search_key, name_key,"
	    " company_key, id, manage_token)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " 'waitlisted', ?12, " STORE_SEARCH_KEY("?4", "?5", "?6", "?8") ", "
	    STORE_NAME_KEY("?4", "?5") ", " STORE_COMPANY_KEY("?8") ", ?13, ?14)";
	sqlite3_stmt		*s = store_stmt(st, next_sql);
	char			 token[TOKEN_MANAGE_LEN + 1];
	int64_t			 id;

	/* The writer is the only writer: the id is known before the insert. */
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return -1;
	}
	id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	token_manage(id, token);
	s = store_stmt(st, sql);
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
	sqlite3_bind_int64(s, 13, id);
	sqlite3_bind_text(s, 14, token, -1, SQLITE_TRANSIENT);
	if (store_step_done(st, s) != 0)
		return -1;
	return id;
}

/* One field's error: its code, or with in->codes unset its sentence. */
static void
reg_field_error(const struct reg_input *in, struct store_error *err,
    const char *path, const char *code, const char *msg)
{
	if (err->fields == NULL)
		err->fields = json_object();
	json_object_set_new(err->fields, path,
	    json_string(in->codes ? code : msg));
}

/* The sessions of the nth attendee, read: 0, or -1 with err (422). */
static int
sessions_read(struct store *st, const struct reg_input *in, size_t nth,
    int64_t event_id, struct signup_session *list, struct store_error *err)
{
	const struct reg_person	*p = &in->attendees[nth];
	enum store_step		 step;
	char			 path[48];

	snprintf(path, sizeof path, "attendees.%zu.sessions", nth);
	for (size_t i = 0; i < p->nsessions; i++) {
		step = store_signup_session(st, p->sessions[i], event_id,
		    &list[i]);
		if (step == STORE_ERROR)
			return -1;
		if (step == STORE_DONE) {
			store_error_set(err, 422, "validation_failed",
			    "no such session to sign up for");
			reg_field_error(in, err, path, "not_a_choice",
			    "no such session to sign up for");
			return -1;
		}
	}
	return 0;
}

/*
 * Sign the nth attendee up for the sessions they ticked, in order:
 * confirmed, a seat in each or the line of a full one that keeps a
 * waitlist; waitlisted, a wish in each, honoured when they are
 * confirmed. Returns 0, or -1 with err set (422 unknown session, 409
 * session_full or session_overlap), or -1 with err unset when the
 * database failed.
 */
static int
sessions_sign_up(struct store *st, const struct reg_input *in, size_t nth,
    int64_t attendee, int64_t event_id, int confirmed,
    struct store_error *err)
{
	const struct reg_person	*p = &in->attendees[nth];
	struct signup_session	 list[REG_MAX_SESSIONS];
	char			 path[48], *msg;
	size_t			 a, b, i;
	int			 rc = -1;

	memset(list, 0, sizeof list);
	snprintf(path, sizeof path, "attendees.%zu.sessions", nth);
	if (sessions_read(st, in, nth, event_id, list, err) != 0)
		goto out;
	if (store_signup_overlap(list, p->nsessions, &a, &b)) {
		store_signup_overlap_error(&list[b], &list[a], err);
		reg_field_error(in, err, path, "overlap",
		    "two of these sessions are at the same time");
		goto out;
	}
	for (i = 0; i < p->nsessions; i++)
		if (store_signup_join(st, attendee, confirmed, &list[i],
		    err) != 0)
			break;
	if (i == p->nsessions)
		rc = 0;
	else if (err->status != 0) {
		xasprintf(&msg, "%s is fully booked", list[i].title);
		reg_field_error(in, err, path, "full", msg);
		free(msg);
	}
out:
	for (i = 0; i < p->nsessions; i++)
		store_signup_session_free(&list[i]);
	return rc;
}

/*
 * Register the attendees of in. A hidden ticket type takes them from an
 * organiser (on behalf) or with its invitation code; the event's window,
 * the sale, seats and the waitlist hold for everyone else. Returns the
 * registration's id (with *replayed set when an Idempotency-Key named an
 * earlier one), or -1 with err set: 422 for a ticket type, invitation or
 * address that cannot be used, 409 when full and no waitlist, 500 when
 * the database failed.
 */
int64_t
store_register(struct store *st, const struct reg_input *in,
    const char *idem_key, const unsigned char *idem_hash, int *replayed,
    struct store_error *err)
{
	int64_t			now = (int64_t)time(NULL), reg_id, id;
	struct store_seats	seats;
	enum store_step		step;
	char			path[48];
	int			confirm;

	*replayed = 0;
	if (idem_key != NULL) {
		switch (idempotency_lookup(st, idem_key, idem_hash, &id, err)) {
		case 1:
			*replayed = 1;
			return id;
		case -1:
			if (err->status == 0)
				goto fail;
			return -1;
		}
	}
	if ((step = store_seats_get(st, in->ticket_type, in->invitation[0] ?
	    in->invitation : NULL, now, &seats)) == STORE_ERROR)
		goto fail;
	/* A code is checked on the writer: a renewed one is refused at once. */
	if (in->invitation[0] != '\0' && (step != STORE_ROW || !seats.invited)) {
		store_error_set(err, 422, "validation_failed",
		    "this invitation is not valid for this ticket type");
		err->fields = json_pack("{s:s}", "invitation", "unknown");
		return -1;
	}
	if (step == STORE_ROW && seats.invited)
		seats.hidden = 0;
	if (step == STORE_ROW && in->on_behalf)
		seats.open = seats.on_sale = 1, seats.hidden = 0;
	if (step == STORE_ROW && !seats.open) {
		store_error_set(err, 409, "registration_closed",
		    "registration for this event is not open");
		return -1;
	}
	if (step == STORE_DONE || seats.hidden || !seats.on_sale) {
		store_error_set(err, 422, "validation_failed",
		    "this ticket type cannot be booked");
		reg_field_error(in, err, "ticket_type", "not_a_choice",
		    "not on sale");
		return -1;
	}
	/* Invoiced: who pays, for the invoice's buyer and its address. */
	if (in->billing.organisation == NULL && !in->on_behalf) {
		int	invoiced = store_invoicing(st, in->ticket_type);

		if (invoiced < 0)
			goto fail;
		if (invoiced) {
			store_error_set(err, 422, "validation_failed",
			    "say who pays: the ticket is invoiced");
			reg_field_error(in, err, "billing.organisation",
			    "required", "required");
			return -1;
		}
	}
	for (size_t i = 0; i < in->nattendees; i++) {
		step = store_email_taken(st, seats.event_id,
		    in->attendees[i].email_norm);
		if (step == STORE_ERROR)
			goto fail;
		if (step == STORE_DONE)
			continue;
		if (err->fields == NULL)
			store_error_set(err, 422, "validation_failed",
			    "someone with this address is already registered");
		snprintf(path, sizeof path, "attendees.%zu.email", i);
		reg_field_error(in, err, path, "taken",
		    "already registered for this event");
	}
	if (err->fields != NULL)
		return -1;
	if (!seats.waitlist && seats.left >= 0 &&
	    (size_t)seats.left < in->nattendees) {
		store_error_set(err, 409, "full", seats.left == 0 ?
		    "this ticket type is fully booked" :
		    "only %lld seats are left for this ticket type",
		    (long long)seats.left);
		err->params = json_pack("{s:I, s:I}", "left",
		    (json_int_t)seats.left, "wanted", (json_int_t)in->nattendees);
		return -1;
	}

	if ((reg_id = store_registration_insert(st, in, seats.event_id, now)) < 0)
		goto fail;
	for (size_t i = 0; i < in->nattendees; i++) {
		id = store_attendee_insert(st, &in->attendees[i], reg_id,
		    seats.event_id, in->ticket_type, now);
		if (id < 0)
			goto fail;
		confirm = seats.left < 0 || (size_t)seats.left > i;
		if (confirm &&
		    store_attendee_set_status(st, id, "confirmed", now) != 0)
			goto fail;
		if (sessions_sign_up(st, in, i, id, seats.event_id, confirm,
		    err) != 0) {
			if (err->status == 0)
				goto fail;
			return -1;
		}
	}
	if (store_registration_refresh(st, reg_id, 0, now) != 0 ||
	    store_outbox_registration(st, reg_id, 0) != 0)
		goto fail;
	if (idem_key != NULL &&
	    idempotency_save(st, idem_key, idem_hash, reg_id, now) != 0)
		goto fail;
	return reg_id;
fail:
	store_error_clear(err);
	store_error_set(err, 500, "internal", "the registration could not be "
	    "saved");
	return -1;
}

/* The registration a manage token names: STORE_ROW with *id, or not. */
static enum store_step
registration_by_token(struct store *st, const char *token, int64_t *id)
{
	static const char	 sql[] =
	    "SELECT id FROM registrations WHERE manage_token = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc;
}

/* For readers: the id, -1 when there is none, -2 when the database failed. */
int64_t
store_registration_by_token(struct store *st, const char *token)
{
	int64_t	id;

	switch (registration_by_token(st, token, &id)) {
	case STORE_ROW:
		return id;
	case STORE_DONE:
		return -1;
	default:
		return -2;
	}
}

/*
 * Cancel every attendee of registration id still holding a seat or a
 * place in line (again is no error) and hand the seats on: 0, or -1 when
 * the database failed.
 */
int
store_cancel_registration(struct store *st, int64_t id, int64_t now)
{
	static const char	 list_sql[] =
	    "SELECT a.id, r.event_id, r.cancelled_at IS NOT NULL"
	    " FROM registrations r LEFT JOIN attendees a"
	    " ON a.registration_id = r.id AND a.status <> 'cancelled'"
	    " WHERE r.id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 step;
	int64_t			 event_id = -1;
	int64_t			*ids = NULL;
	size_t			 n = 0;
	int			 already = 0, rc = -1;

	/* Every attendee is listed before any changes. */
	s = store_stmt(st, list_sql);
	sqlite3_bind_int64(s, 1, id);
	while ((step = store_step(st, s)) == STORE_ROW) {
		event_id = sqlite3_column_int64(s, 1);
		already = sqlite3_column_int(s, 2);
		if (sqlite3_column_type(s, 0) == SQLITE_NULL)
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (step == STORE_ERROR || event_id < 0)
		goto out;
	if (already && n == 0) {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (store_attendee_set_status(st, ids[i], "cancelled", now) != 0)
			goto out;
	if (store_registration_refresh(st, id, 1, now) != 0 ||
	    store_outbox_registration(st, id, 1) != 0 ||
	    store_promote_waitlist(st, event_id) < 0)
		goto out;
	rc = 0;
out:
	free(ids);
	return rc;
}

/*
 * Cancel a registration by its link (again is no error): its id, or -1
 * with err set (404, or 500 so that the writer undoes the rest).
 */
int64_t
store_cancel(struct store *st, const char *token, struct store_error *err)
{
	enum store_step	step;
	int64_t		id;

	if ((step = registration_by_token(st, token, &id)) == STORE_ERROR)
		goto fail;
	if (step == STORE_DONE) {
		store_error_set(err, 404, "not_found",
		    "no registration has this link");
		return -1;
	}
	if (store_cancel_registration(st, id, (int64_t)time(NULL)) != 0)
		goto fail;
	return id;
fail:
	store_error_set(err, 500, "internal", "the cancellation could not be "
	    "saved");
	return -1;
}
