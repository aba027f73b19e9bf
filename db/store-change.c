/*
 * store-change.c: changing a registration after it was made. The holder
 * of a manage link changes what the link opens (the contact's link the
 * whole registration, a personal link its attendee alone) until the
 * event's change deadline; an organiser changes anything at any time.
 * Every operation runs inside the writer's transaction, checks a stale
 * copy by the row's version, takes and frees seats through the state
 * machine in store-seats.c, and writes its audit row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-change.h"

/* An attendee as a change reads it first. */
struct att_row {
	int64_t	 registration;
	int64_t	 event;
	int64_t	 ticket_type;
	int64_t	 version;
	int64_t	 deadline;		/* of the attendees' changes */
	char	 status[16];
	char	 zone[64];
	char	*dietary;		/* lower(trim()): the dashboard's key */
};

/* A registration as a change reads it first. */
struct reg_row {
	int64_t	 event;
	int64_t	 ticket_type;
	int64_t	 version;
	int64_t	 deadline;
	int	 cancelled;
	char	 zone[64];
};

/* The deadline of the attendees' changes: the organiser's, or the start. */
#define DEADLINE_SQL "coalesce(e.changes_until, e.starts_at)"

static int
db_failed(struct store_error *err)
{
	store_error_clear(err);
	store_error_set(err, 500, "internal", "the change could not be saved");
	return -1;
}

static int
not_found(struct store_error *err, const char *what)
{
	store_error_set(err, 404, "not_found", "no such %s", what);
	return -1;
}

/*
 * The registration or attendee a manage token names: 1 with *link, 0
 * for none, -1 when the database failed. Both kinds are random and
 * unique; a registration's is the contact's.
 */
int
store_manage_link(struct store *st, const char *token,
    struct manage_link *link)
{
	static const char	 sql[] =
	    "SELECT id, 0 FROM registrations WHERE manage_token = ?1"
	    " UNION ALL SELECT registration_id, id FROM attendees"
	    " WHERE manage_token = ?1 LIMIT 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		link->registration = sqlite3_column_int64(s, 0);
		link->attendee = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

/* The deadline as the API writes it, in the event's zone. */
static json_t *
deadline_json(int64_t deadline, const char *zone)
{
	char	iso[32];

	timefmt_iso((time_t)deadline, zone, iso);
	return json_string(iso);
}

/* A link's holder may change nothing after the deadline; an organiser may. */
static int
deadline_check(const struct change_by *by, int64_t deadline,
    const char *zone, struct store_error *err)
{
	if (by->staff != NULL || by->now < deadline)
		return 0;
	store_error_set(err, 409, "change_deadline_passed", "changes can no "
	    "longer be made here: ask the organisers");
	err->fields = json_pack("{s:o}", "deadline", deadline_json(deadline,
	    zone));
	return -1;
}

/* 1 with *r, 0 for no such attendee, -1 when the database failed. */
static int
att_read(struct store *st, int64_t id, struct att_row *r)
{
	static const char	 sql[] =
	    "SELECT a.registration_id, a.event_id, a.ticket_type_id,"
	    " a.version, " DEADLINE_SQL ", a.status, e.timezone,"
	    " lower(trim(a.dietary)) FROM attendees a"
	    " JOIN events e ON e.id = a.event_id WHERE a.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	memset(r, 0, sizeof *r);
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		r->registration = sqlite3_column_int64(s, 0);
		r->event = sqlite3_column_int64(s, 1);
		r->ticket_type = sqlite3_column_int64(s, 2);
		r->version = sqlite3_column_int64(s, 3);
		r->deadline = sqlite3_column_int64(s, 4);
		snprintf(r->status, sizeof r->status, "%s", COL_TEXT(s, 5));
		snprintf(r->zone, sizeof r->zone, "%s", COL_TEXT(s, 6));
		r->dietary = xstrdup(COL_TEXT(s, 7));
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

/*
 * The attendee id as by may change it: 0 with *r (the caller frees
 * r->dietary), or -1 with err. A link opens its own registration's
 * attendees, a personal one its attendee alone: any other is 404, as if
 * there were none.
 */
static int
att_open(struct store *st, const struct change_by *by, int64_t id,
    struct att_row *r, struct store_error *err)
{
	switch (att_read(st, id, r)) {
	case -1:
		return db_failed(err);
	case 0:
		return not_found(err, "attendee");
	}
	if (by->staff == NULL && (r->registration != by->link.registration ||
	    (by->link.attendee != 0 && by->link.attendee != id))) {
		free(r->dietary);
		r->dietary = NULL;
		return not_found(err, "attendee");
	}
	if (deadline_check(by, r->deadline, r->zone, err) != 0) {
		free(r->dietary);
		r->dietary = NULL;
		return -1;
	}
	return 0;
}

/* 1 with *r, 0 for none, -1 when the database failed. */
static int
reg_read(struct store *st, int64_t id, struct reg_row *r)
{
	static const char	 sql[] =
	    "SELECT r.event_id, r.ticket_type_id, r.version, " DEADLINE_SQL
	    ", r.status = 'cancelled', e.timezone FROM registrations r"
	    " JOIN events e ON e.id = r.event_id WHERE r.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	memset(r, 0, sizeof *r);
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		r->event = sqlite3_column_int64(s, 0);
		r->ticket_type = sqlite3_column_int64(s, 1);
		r->version = sqlite3_column_int64(s, 2);
		r->deadline = sqlite3_column_int64(s, 3);
		r->cancelled = sqlite3_column_int(s, 4);
		snprintf(r->zone, sizeof r->zone, "%s", COL_TEXT(s, 5));
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

/*
 * The registration id as by may change all of it: only the contact's
 * link (and an organiser) may. 0 with *r, or -1 with err.
 */
static int
reg_open(struct store *st, const struct change_by *by, int64_t id,
    struct reg_row *r, struct store_error *err)
{
	switch (reg_read(st, id, r)) {
	case -1:
		return db_failed(err);
	case 0:
		return not_found(err, "registration");
	}
	if (by->staff == NULL && (id != by->link.registration ||
	    by->link.attendee != 0))
		return not_found(err, "registration");
	return deadline_check(by, r->deadline, r->zone, err);
}

/* The audit row of a change: detail is consumed. */
static int
audit(struct store *st, const struct change_by *by, const char *action,
    json_t *detail)
{
	char	*text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int	 rc = -1;

	json_decref(detail);
	if (text != NULL)
		rc = store_audit(st, by->staff, CHANGE_BY_ATTENDEE, action, text,
		    by->address, by->now);
	free(text);
	return rc;
}

/*
 * An attendee's changeable fields, status and version, as a stale edit
 * shows them; NULL when there is none or the database failed.
 */
json_t *
store_change_attendee_json(struct store *st, int64_t id)
{
	static const char	 sql[] =
	    "SELECT id, version, first_name, last_name, email, company,"
	    " job_title, dietary, listed, status FROM attendees WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*a = NULL;

	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) == STORE_ROW)
		a = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b,"
		    " s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "version", (json_int_t)sqlite3_column_int64(s, 1),
		    "first_name", COL_TEXT(s, 2), "last_name", COL_TEXT(s, 3),
		    "email", COL_TEXT(s, 4), "company", COL_TEXT(s, 5),
		    "job_title", COL_TEXT(s, 6), "dietary", COL_TEXT(s, 7),
		    "listed", sqlite3_column_int(s, 8),
		    "status", COL_TEXT(s, 9));
	sqlite3_reset(s);
	return a;
}

/* A registration's contact and version, flat, as its edit shows them. */
json_t *
store_change_contact_json(struct store *st, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT id, version, contact_first_name, contact_last_name,"
	    " contact_email, contact_company, contact_phone"
	    " FROM registrations WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*c = NULL;

	sqlite3_bind_int64(s, 1, reg);
	if (store_step(st, s) == STORE_ROW)
		c = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "version", (json_int_t)sqlite3_column_int64(s, 1),
		    "first_name", COL_TEXT(s, 2), "last_name", COL_TEXT(s, 3),
		    "email", COL_TEXT(s, 4), "company", COL_TEXT(s, 5),
		    "phone", COL_TEXT(s, 6));
	sqlite3_reset(s);
	return c;
}

/* A copy read at another version: 409 with the current one. */
static int
stale(struct store_error *err, json_t *current)
{
	store_error_set(err, 409, "conflict", "changed by someone else since "
	    "it was read: here is the current copy");
	err->current = current;
	return -1;
}

/*
 * STORE_ROW when someone other than attendee (0: anyone) holds this
 * address among the event's active attendees.
 */
static enum store_step
email_taken(struct store *st, int64_t event, const char *norm,
    int64_t attendee)
{
	static const char	 sql[] =
	    "SELECT 1 FROM attendees WHERE event_id = ?1 AND email_norm = ?2"
	    " AND status <> 'cancelled' AND id <> ?3";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_text(s, 2, norm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, attendee);
	rc = store_step(st, s);
	sqlite3_reset(s);
	return rc;
}

/* 422 taken: the address is an active attendee's of the event already. */
static int
email_check(struct store *st, int64_t event, const char *norm,
    int64_t attendee, struct store_error *err)
{
	switch (email_taken(st, event, norm, attendee)) {
	case STORE_ERROR:
		return db_failed(err);
	case STORE_DONE:
		return 0;
	default:
		store_error_set(err, 422, "validation_failed",
		    "someone with this address is already registered");
		err->fields = json_pack("{s:s}", "email", "taken");
		return -1;
	}
}

/* The fields of v that are set, written over attendee id's. */
static int
att_write(struct store *st, int64_t id, const struct reg_person *v)
{
	static const char	 sql[] =
	    "UPDATE attendees SET first_name = coalesce(?2, first_name),"
	    " last_name = coalesce(?3, last_name), email = coalesce(?4, email),"
	    " email_norm = coalesce(?5, email_norm),"
	    " company = coalesce(?6, company),"
	    " job_title = coalesce(?7, job_title),"
	    " dietary = coalesce(?8, dietary),"
	    " listed = CASE WHEN ?9 < 0 THEN listed ELSE ?9 END,"
	    " version = version + 1 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	const char		*text[] = { v->first_name, v->last_name,
	    v->email, v->email_norm, v->company, v->job_title, v->dietary };

	sqlite3_bind_int64(s, 1, id);
	for (int i = 0; i < 7; i++)
		if (text[i] != NULL)
			sqlite3_bind_text(s, i + 2, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 9, v->listed);
	return store_step_done(st, s);
}

/*
 * Change the fields v sets of attendee id, read at version, with the
 * checks of a registration (the address unique among the event's active
 * attendees) and the dashboard's dietary counts kept. A link's holder
 * cannot change a cancelled attendee. 0, or -1 with err.
 */
int
store_change_attendee(struct store *st, const struct change_by *by,
    int64_t id, int64_t version, const struct reg_person *v,
    struct store_error *err)
{
	struct att_row		 r;
	struct outbox_snap	 snap;
	json_t			*before = NULL, *after;
	int			 confirmed, rc = -1;

	memset(&snap, 0, sizeof snap);
	if (att_open(st, by, id, &r, err) != 0)
		return -1;
	if ((before = store_change_attendee_json(st, id)) == NULL ||
	    store_outbox_snap(st, id, &snap) != 0) {
		db_failed(err);
		goto out;
	}
	if (r.version != version) {
		stale(err, before);
		before = NULL;
		goto out;
	}
	if (by->staff == NULL && strcmp(r.status, "cancelled") == 0) {
		store_error_set(err, 409, "attendee_cancelled",
		    "this attendee is cancelled");
		goto out;
	}
	if (v->email_norm != NULL && strcmp(r.status, "cancelled") != 0 &&
	    email_check(st, r.event, v->email_norm, id, err) != 0)
		goto out;
	confirmed = strcmp(r.status, "confirmed") == 0;
	if (att_write(st, id, v) != 0 || (confirmed && v->dietary != NULL &&
	    (store_dietary_add(st, r.event, r.dietary, -1) != 0 ||
	    store_dietary_add(st, r.event, v->dietary, 1) != 0)) ||
	    (after = store_change_attendee_json(st, id)) == NULL) {
		db_failed(err);
		goto out;
	}
	rc = audit(st, by, "attendee.update", json_pack("{s:I, s:I, s:O, s:o}",
	    "id", (json_int_t)id, "registration", (json_int_t)r.registration,
	    "before", before, "after", after));
	/* A new name is told to the attendee; a new address or company not. */
	if (rc != 0 || (rc = store_outbox_changed(st, &snap)) != 0)
		db_failed(err);
out:
	json_decref(before);
	store_outbox_snap_clear(&snap);
	free(r.dietary);
	return rc;
}

/*
 * Change the contact of registration reg, read at version: an
 * organiser's change (the contact's fields are checked as at
 * registration). 0, or -1 with err.
 */
int
store_change_contact(struct store *st, const struct change_by *by,
    int64_t reg, int64_t version, const struct reg_person *v,
    struct store_error *err)
{
	static const char	 sql[] =
	    "UPDATE registrations SET"
	    " contact_first_name = coalesce(?2, contact_first_name),"
	    " contact_last_name = coalesce(?3, contact_last_name),"
	    " contact_email = coalesce(?4, contact_email),"
	    " contact_company = coalesce(?5, contact_company),"
	    " contact_phone = coalesce(?6, contact_phone),"
	    " version = version + 1 WHERE id = ?1";
	const char		*text[] = { v->first_name, v->last_name,
	    v->email, v->company, v->phone };
	struct reg_row		 r;
	sqlite3_stmt		*s;
	json_t			*before, *after;

	if (by->staff == NULL)
		return not_found(err, "registration");
	if (reg_open(st, by, reg, &r, err) != 0)
		return -1;
	if ((before = store_change_contact_json(st, reg)) == NULL)
		return db_failed(err);
	if (r.version != version)
		return stale(err, before);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, reg);
	for (int i = 0; i < 5; i++)
		if (text[i] != NULL)
			sqlite3_bind_text(s, i + 2, text[i], -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0 ||
	    (after = store_change_contact_json(st, reg)) == NULL) {
		json_decref(before);
		return db_failed(err);
	}
	if (audit(st, by, "registration.contact", json_pack("{s:I, s:o, s:o}",
	    "id", (json_int_t)reg, "before", before, "after", after)) != 0)
		return db_failed(err);
	return 0;
}

/* Attendees of reg still holding a seat or a place in line; -1: failed. */
static int64_t
active_count(struct store *st, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT count(*) FROM attendees WHERE registration_id = ?1"
	    " AND status <> 'cancelled'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 n = -1;

	sqlite3_bind_int64(s, 1, reg);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

static int
version_bump(struct store *st, int64_t id)
{
	static const char	 sql[] =
	    "UPDATE attendees SET version = version + 1 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	return store_step_done(st, s);
}

/*
 * Cancel attendee id alone (again is no error): the others keep their
 * seats, the freed seat goes to the waitlist as a whole cancellation's
 * do, and the registration is cancelled once no one is left in it.
 */
int
store_change_cancel(struct store *st, const struct change_by *by,
    int64_t id, struct store_error *err)
{
	struct att_row	r;
	int64_t		left;
	int		rc = -1;

	if (att_open(st, by, id, &r, err) != 0)
		return -1;
	if (strcmp(r.status, "cancelled") == 0) {
		rc = 0;
		goto out;
	}
	if (store_attendee_set_status(st, id, "cancelled", by->now) != 0 ||
	    version_bump(st, id) != 0 ||
	    (left = active_count(st, r.registration)) < 0 ||
	    store_registration_refresh(st, r.registration, left == 0,
	    by->now) != 0 || (left == 0 ?
	    store_outbox_registration(st, r.registration, 1) :
	    store_outbox_attendee(st, "cancelled", id)) != 0 ||
	    store_promote_waitlist(st, r.event) < 0 ||
	    audit(st, by, "attendee.cancel", json_pack("{s:I, s:I}", "id",
	    (json_int_t)id, "registration", (json_int_t)r.registration)) != 0) {
		db_failed(err);
		goto out;
	}
	rc = 0;
out:
	free(r.dietary);
	return rc;
}

/*
 * Cancel what a link opens, whatever the deadline, as the cancellations
 * above do it (seats freed, the waitlist promoted, the registration
 * cancelled once no one is left), without an audit row: the holder is
 * erasing their data (store-privacy.c), which the erasure's own row says.
 */
int
store_change_withdraw(struct store *st, const struct manage_link *link,
    int64_t now)
{
	struct att_row	r;
	int64_t		left;
	int		rc = -1;

	if (link->attendee == 0)
		return store_cancel_registration(st, link->registration, now);
	if (att_read(st, link->attendee, &r) != 1)
		return -1;
	if (strcmp(r.status, "cancelled") == 0)
		rc = 0;
	else if (store_attendee_set_status(st, link->attendee, "cancelled",
	    now) == 0 && version_bump(st, link->attendee) == 0 &&
	    (left = active_count(st, r.registration)) >= 0 &&
	    store_registration_refresh(st, r.registration, left == 0,
	    now) == 0 && store_promote_waitlist(st, r.event) >= 0)
		rc = 0;
	free(r.dietary);
	return rc;
}

/* Cancel every attendee of registration reg (again is no error). */
int
store_change_cancel_all(struct store *st, const struct change_by *by,
    int64_t reg, struct store_error *err)
{
	struct reg_row	r;

	if (reg_open(st, by, reg, &r, err) != 0)
		return -1;
	if (r.cancelled && active_count(st, reg) == 0)
		return 0;
	if (store_cancel_registration(st, reg, by->now) != 0 ||
	    audit(st, by, "registration.cancel", json_pack("{s:I}", "id",
	    (json_int_t)reg)) != 0)
		return db_failed(err);
	return 0;
}

/*
 * Seats for one more of the registration's ticket type: 1 confirmed,
 * 0 waitlisted, or -1 with err (409 full, registration_closed).
 */
static int
seat_for_one(struct store *st, const struct change_by *by,
    const struct reg_row *r, struct store_error *err)
{
	struct store_seats	seats;

	if (store_seats_get(st, r->ticket_type, NULL, by->now, &seats) !=
	    STORE_ROW)
		return db_failed(err);
	/* Through a link, as a registration would be: while it is open. */
	if (by->staff == NULL && !seats.open) {
		store_error_set(err, 409, "registration_closed",
		    "registration for this event is not open");
		return -1;
	}
	if (seats.left != 0)
		return 1;
	if (seats.waitlist)
		return 0;
	store_error_set(err, 409, "full", "this ticket type is fully booked");
	return -1;
}

/*
 * Add a colleague to registration reg, on its ticket type: confirmed
 * while seats allow, else waitlisted where the type keeps a waitlist,
 * else 409 full. Returns the new attendee's id, or -1 with err.
 */
int64_t
store_change_add(struct store *st, const struct change_by *by, int64_t reg,
    const struct reg_person *p, struct store_error *err)
{
	struct reg_row	r;
	int64_t		id, n;
	int		seat;

	if (reg_open(st, by, reg, &r, err) != 0)
		return -1;
	if (r.cancelled) {
		store_error_set(err, 409, "registration_cancelled",
		    "this registration is cancelled");
		return -1;
	}
	if ((n = active_count(st, reg)) < 0)
		return db_failed(err);
	if (n >= REG_MAX_ATTENDEES) {
		store_error_set(err, 409, "too_many_attendees", "a registration "
		    "holds at most %d attendees", REG_MAX_ATTENDEES);
		err->fields = json_pack("{s:i}", "max", REG_MAX_ATTENDEES);
		return -1;
	}
	if (email_check(st, r.event, p->email_norm, 0, err) != 0 ||
	    (seat = seat_for_one(st, by, &r, err)) < 0)
		return -1;
	if ((id = store_attendee_insert(st, p, reg, r.event, r.ticket_type,
	    by->now)) < 0 || (seat && store_attendee_set_status(st, id,
	    "confirmed", by->now) != 0) ||
	    store_registration_refresh(st, reg, 0, by->now) != 0 ||
	    audit(st, by, "attendee.add", json_pack("{s:I, s:I}", "id",
	    (json_int_t)id, "registration", (json_int_t)reg)) != 0)
		return db_failed(err);
	return id;
}

/* A list of session ids as JSON, for the audit log. */
static json_t *
ids_json(const int64_t *ids, size_t n)
{
	json_t	*list = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_integer(ids[i]));
	return list;
}

static int
has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * The sessions wanted, read: each must take sign-ups in the attendee's
 * event (else 422), and no two may be at the same time (409
 * session_overlap naming the other). 0, or -1 with err.
 */
static int
sessions_want(struct store *st, int64_t event, const int64_t *ids, size_t n,
    struct signup_session *list, struct store_error *err)
{
	enum store_step	step;
	size_t		a, b;

	for (size_t i = 0; i < n; i++) {
		if ((step = store_signup_session(st, ids[i], event,
		    &list[i])) == STORE_ERROR)
			return db_failed(err);
		if (step == STORE_DONE) {
			store_error_set(err, 422, "validation_failed",
			    "no such session to sign up for");
			err->fields = json_pack("{s:s}", "sessions",
			    "not_a_choice");
			err->params = json_pack("{s:I}", "session",
			    (json_int_t)ids[i]);
			return -1;
		}
	}
	if (store_signup_overlap(list, n, &a, &b)) {
		store_signup_overlap_error(&list[b], &list[a], err);
		return -1;
	}
	return 0;
}

/*
 * Make ids (n of them, no repeats) the sessions attendee id is signed up
 * for: a session no longer listed is dropped (its seat goes to the first
 * in its line), one newly listed is joined as at registration (a seat, a
 * place at the end of its line, or for the waitlisted a wish), one kept
 * keeps its seat or place. All or nothing: 409 session_full or
 * session_overlap changes none of them. 0, or -1 with err.
 */
int
store_change_sessions(struct store *st, const struct change_by *by,
    int64_t id, const int64_t *ids, size_t n, struct store_error *err)
{
	struct signup_session	 list[REG_MAX_SESSIONS];
	struct att_row		 r;
	struct outbox_snap	 snap;
	int64_t			*had = NULL;
	size_t			 nhad = 0, i;
	int			 confirmed, rc = -1;

	memset(list, 0, sizeof list);
	memset(&snap, 0, sizeof snap);
	if (n > REG_MAX_SESSIONS)
		return db_failed(err);
	if (att_open(st, by, id, &r, err) != 0)
		return -1;
	if (strcmp(r.status, "cancelled") == 0) {
		store_error_set(err, 409, "attendee_cancelled",
		    "this attendee is cancelled");
		goto out;
	}
	if (sessions_want(st, r.event, ids, n, list, err) != 0)
		goto out;
	if (store_signup_list(st, id, &had, &nhad) != 0 ||
	    store_outbox_snap(st, id, &snap) != 0) {
		db_failed(err);
		goto out;
	}
	for (i = 0; i < nhad; i++)
		if (!has_id(ids, n, had[i]) &&
		    store_signup_drop(st, id, had[i]) != 0) {
			db_failed(err);
			goto out;
		}
	confirmed = strcmp(r.status, "confirmed") == 0;
	for (i = 0; i < n; i++) {
		if (has_id(had, nhad, ids[i]))
			continue;
		if (store_signup_join(st, id, confirmed, &list[i], err) != 0) {
			if (err->status == 0)
				db_failed(err);
			goto out;
		}
	}
	if (audit(st, by, "attendee.sessions", json_pack("{s:I, s:I, s:o,"
	    " s:o}", "id", (json_int_t)id, "registration",
	    (json_int_t)r.registration, "before", ids_json(had, nhad),
	    "after", ids_json(ids, n))) != 0 ||
	    store_outbox_changed(st, &snap) != 0) {
		db_failed(err);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		store_signup_session_free(&list[i]);
	store_outbox_snap_clear(&snap);
	free(had);
	free(r.dietary);
	return rc;
}

/* What the registration's view adds for its link: versions, links, the
 * deadline. */
static int
manage_extras(struct store *st, json_t *r, const struct manage_link *link)
{
	static const char	 reg_sql[] =
	    "SELECT r.version, " DEADLINE_SQL ", e.timezone"
	    " FROM registrations r JOIN events e ON e.id = r.event_id"
	    " WHERE r.id = ?1";
	static const char	 att_sql[] =
	    "SELECT id, version, manage_token FROM attendees"
	    " WHERE registration_id = ?1";
	json_t			*list = json_object_get(r, "attendees"), *a;
	sqlite3_stmt		*s = store_stmt(st, reg_sql);
	enum store_step		 rc;
	int64_t			 deadline;
	size_t			 i;

	sqlite3_bind_int64(s, 1, link->registration);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		deadline = sqlite3_column_int64(s, 1);
		json_object_set_new(r, "version",
		    json_integer(sqlite3_column_int64(s, 0)));
		json_object_set_new(r, "changes_until", deadline_json(deadline,
		    COL_TEXT(s, 2)));
		json_object_set_new(r, "changes_open",
		    json_boolean((int64_t)time(NULL) < deadline));
	}
	sqlite3_reset(s);
	if (rc != STORE_ROW)
		return -1;
	s = store_stmt(st, att_sql);
	sqlite3_bind_int64(s, 1, link->registration);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		json_array_foreach(list, i, a) {
			if (json_integer_value(json_object_get(a, "id")) !=
			    sqlite3_column_int64(s, 0))
				continue;
			json_object_set_new(a, "version", json_integer(
			    sqlite3_column_int64(s, 1)));
			json_object_set_new(a, "manage_token", json_string(
			    COL_TEXT(s, 2)));
		}
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

/*
 * The event's sessions that take sign-ups, for the page to offer: each
 * with its times, seats (null: no limit), seats left and whether a full
 * one keeps a waitlist. -1 when the database failed.
 */
static int
manage_sessions(struct store *st, json_t *r, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title, s.title_en, s.starts_at, s.ends_at,"
	    " s.seats, max(s.seats - s.taken, 0), s.waitlist, e.timezone"
	    " FROM registrations g JOIN events e ON e.id = g.event_id"
	    " JOIN sessions s ON s.event_id = e.id"
	    " WHERE g.id = ?1 AND s.signup = 1 ORDER BY s.starts_at, s.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		const char	*zone = COL_TEXT(s, 8);
		int		 limited = sqlite3_column_type(s, 5) != SQLITE_NULL;

		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:o,"
		    " s:o, s:o, s:o, s:b}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1), "title_en", COL_TEXT(s, 2),
		    "starts_at", store_time_json(s, 3, zone),
		    "ends_at", store_time_json(s, 4, zone),
		    "seats", limited ? json_integer(sqlite3_column_int64(s, 5)) :
		    json_null(), "remaining", limited ?
		    json_integer(sqlite3_column_int64(s, 6)) : json_null(),
		    "waitlist", sqlite3_column_int(s, 7)));
	}
	sqlite3_reset(s);
	if ((list = store_list_end(list, rc)) == NULL)
		return -1;
	json_object_set_new(r, "signup_sessions", list);
	return 0;
}

/*
 * A personal link's view: its attendee alone, its own token as the
 * registration's, and of the contact only who registered.
 */
static void
manage_personal(json_t *r, int64_t attendee)
{
	json_t	*list = json_object_get(r, "attendees"), *mine = json_array();
	json_t	*c = json_object_get(r, "contact"), *a;
	size_t	 i;

	json_array_foreach(list, i, a) {
		if (json_integer_value(json_object_get(a, "id")) != attendee)
			continue;
		json_array_append(mine, a);
		json_object_set(r, "manage_token", json_object_get(a,
		    "manage_token"));
	}
	json_object_set_new(r, "attendees", mine);
	json_object_set_new(r, "contact", json_pack("{s:O, s:O, s:O}",
	    "first_name", json_object_get(c, "first_name"),
	    "last_name", json_object_get(c, "last_name"),
	    "company", json_object_get(c, "company")));
}

/*
 * The registration as the holder of link sees it (store_registration_
 * json() with each attendee's version and personal manage_token, the
 * registration's version, "changes_until", "changes_open", the event's
 * "signup_sessions" and "link": "registration" or "attendee"); a
 * personal link sees its attendee alone, and no invoices. NULL when there is none or the database failed.
 */
json_t *
store_manage_json(struct store *st, const struct manage_link *link)
{
	json_t	*r = store_registration_json(st, link->registration);

	if (r == NULL)
		return NULL;
	if (manage_extras(st, r, link) != 0 ||
	    manage_sessions(st, r, link->registration) != 0) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "link", json_string(link->attendee != 0 ?
	    "attendee" : "registration"));
	if (link->attendee != 0) {
		manage_personal(r, link->attendee);
		/* The company's bills are its contact's, not a colleague's. */
		json_object_del(r, "invoices");
	}
	return r;
}
