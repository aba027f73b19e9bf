/*
 * store-attendee-ops.c: an organiser's operations on one attendee, each
 * run in the writer's transaction at the version the organiser read, each
 * audited ("attendee.promote", ".move", ".reissue", ".substitute") with
 * the attendee before and after. Seats change only through store-seats.c.
 *
 * - promote: a waitlisted attendee gets a seat when their ticket type and
 *   the event have one. With beyond_quota, a full type's quota is raised
 *   by the one seat (audited as "ticket_type.quota"); the event's
 *   capacity, the room, is never exceeded.
 * - move: to another ticket type of the same event. A confirmed attendee
 *   takes a seat of the new type; a waitlisted one is confirmed when the
 *   new type and the event have a seat. Where there is none, the attendee
 *   goes onto the new type's waitlist only when asked to (waitlist), and
 *   keeps their place in line (the waitlist is in registration order). A
 *   seat freed goes to the waitlist.
 * - reissue: a new pass code for a confirmed attendee; the old one is
 *   unknown at the door at once, and the tag counts as not printed.
 * - substitute: another person takes the ticket, with its seat or place on
 *   the waitlist and its sign-ups; a pass code, if any, is replaced, the
 *   tag counts as not printed, and the consent to be listed is the old
 *   person's, so it is cleared. The old person's check-ins are undone (by
 *   the organiser, and kept so): the new one is let in as new.
 *
 * A move or a substitution is told to the attendee (and their contact) by
 * a 'changed' message, in the same transaction (store_outbox_changed()).
 */
#include <stdlib.h>
#include <string.h>

#include "store-attendee-ops.h"

const char *
attendee_op_verb(enum attendee_op_kind kind)
{
	switch (kind) {
	case ATTENDEE_PROMOTE:
		return "promote";
	case ATTENDEE_MOVE:
		return "move";
	case ATTENDEE_REISSUE:
		return "reissue";
	case ATTENDEE_SUBSTITUTE:
		return "substitute";
	}
	return "change";
}

/* Seats of a ticket type and its event; -1 for no limit. */
struct op_seats {
	int64_t	event_id;
	int64_t	quota;		/* -1: none */
	int64_t	type_left;
	int64_t	event_left;
	int	waitlist;
};

static enum store_step
op_seats_get(struct store *st, int64_t ticket_type, struct op_seats *out)
{
	static const char	 sql[] =
	    "SELECT t.event_id, t.quota, t.confirmed_count, e.capacity,"
	    " e.confirmed_count, t.waitlist FROM ticket_types t"
	    " JOIN events e ON e.id = t.event_id WHERE t.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, ticket_type);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		out->event_id = sqlite3_column_int64(s, 0);
		out->quota = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(s, 1);
		out->type_left = store_seats_left(s, 1, 2);
		out->event_left = store_seats_left(s, 3, 4);
		out->waitlist = sqlite3_column_int(s, 5);
	}
	sqlite3_reset(s);
	return rc;
}

/* 409 full, with the seats left on the type and in the event. */
static int
full(struct store_error *err, const struct op_seats *seats)
{
	store_error_set(err, 409, "full", "no seat is left for this");
	err->fields = json_pack("{s:o, s:o, s:b}", "ticket_type_left",
	    store_seats_json(seats->type_left), "event_left",
	    store_seats_json(seats->event_left), "waitlist", seats->waitlist);
	return -1;
}

static int
db_failed(struct store_error *err)
{
	if (err->status == 0)
		store_error_set(err, 500, "internal",
		    "the change could not be saved");
	return -1;
}

static int
run_id(struct store *st, const char *sql, int64_t id)
{
	sqlite3_stmt	*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, id);
	return store_step_done(st, s);
}

/* Forget that the tag was printed: it is to be printed again. */
static int
prints_clear(struct store *st, int64_t attendee_id)
{
	return run_id(st, "DELETE FROM badge_prints WHERE attendee_id = ?1",
	    attendee_id);
}

/*
 * A new pass code for an attendee, in the caller's transaction: the old
 * one is forgotten (unknown at the door), the tag counts as not printed.
 * Returns the code, or NULL.
 */
char *
store_pass_renew(struct store *st, int64_t attendee_id)
{
	static const char	 get_sql[] =
	    "SELECT e.code_prefix FROM attendees a"
	    " JOIN events e ON e.id = a.event_id WHERE a.id = ?1";
	static const char	 set_sql[] =
	    "UPDATE attendees SET pass_code = ?2 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	char			*code = NULL;

	sqlite3_bind_int64(s, 1, attendee_id);
	if (store_step(st, s) == STORE_ROW)
		code = token_pass_code(COL_TEXT(s, 0), attendee_id);
	sqlite3_reset(s);
	if (code == NULL)
		return NULL;
	s = store_stmt(st, set_sql);
	sqlite3_bind_int64(s, 1, attendee_id);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0 || prints_clear(st, attendee_id) != 0) {
		free(code);
		return NULL;
	}
	return code;
}

/* Raise a full quota by the one seat an organiser gives beyond it. */
static int
quota_raise(struct store *st, int64_t ticket_type, int64_t attendee,
    const struct op_seats *seats, const struct audit_ctx *ctx)
{
	static const char	 sql[] =
	    "UPDATE ticket_types SET quota = confirmed_count + 1,"
	    " version = version + 1 WHERE id = ?1";
	json_t			*detail;
	char			*text;
	int			 rc = -1;

	if (run_id(st, sql, ticket_type) != 0)
		return -1;
	detail = json_pack("{s:I, s:I, s:{s:I}, s:{s:I}}", "id",
	    (json_int_t)ticket_type, "attendee", (json_int_t)attendee,
	    "before", "quota", (json_int_t)seats->quota, "after", "quota",
	    (json_int_t)(seats->quota - seats->type_left + 1));
	if ((text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)) != NULL)
		rc = store_audit(st, ctx->who, NULL, "ticket_type.quota", text,
		    ctx->address, ctx->now);
	json_decref(detail);
	free(text);
	return rc;
}

static int
op_promote(struct store *st, const struct attendee_op *op, const char *status,
    int64_t ticket_type, const struct audit_ctx *ctx, struct store_error *err)
{
	struct op_seats	seats;

	if (strcmp(status, "waitlisted") != 0) {
		store_error_set(err, 409, "not_waitlisted", "only a "
		    "waitlisted attendee can be promoted");
		return -1;
	}
	if (op_seats_get(st, ticket_type, &seats) != STORE_ROW)
		return db_failed(err);
	if (seats.event_left == 0 || (seats.type_left == 0 &&
	    !op->beyond_quota))
		return full(err, &seats);
	if (seats.type_left == 0 &&
	    quota_raise(st, ticket_type, op->id, &seats, ctx) != 0)
		return db_failed(err);
	if (store_attendee_set_status(st, op->id, "confirmed", ctx->now) != 0 ||
	    store_outbox_attendee(st, "promoted", op->id) != 0)
		return db_failed(err);
	return 0;
}

/* The new ticket type of a move: of this event, and another one. */
static int
move_target(struct store *st, const struct attendee_op *op, int64_t event,
    int64_t ticket_type, struct op_seats *seats, struct store_error *err)
{
	switch (op_seats_get(st, op->ticket_type, seats)) {
	case STORE_ROW:
		break;
	case STORE_DONE:
		store_error_set(err, 422, "validation_failed",
		    "no such ticket type");
		err->fields = json_pack("{s:s}", "ticket_type", "not_a_choice");
		return -1;
	default:
		return db_failed(err);
	}
	if (seats->event_id != event) {
		store_error_set(err, 422, "validation_failed",
		    "that ticket type is another event's");
		err->fields = json_pack("{s:s}", "ticket_type", "other_event");
		return -1;
	}
	if (op->ticket_type == ticket_type) {
		store_error_set(err, 409, "same_ticket_type",
		    "the attendee has this ticket type already");
		return -1;
	}
	return 0;
}

/* When every attendee of a registration has moved, so has it. */
static int
registration_follow(struct store *st, int64_t reg, int64_t ticket_type)
{
	static const char	 sql[] =
	    "UPDATE registrations SET ticket_type_id = ?2 WHERE id = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM attendees WHERE"
	    " registration_id = ?1 AND status <> 'cancelled'"
	    " AND ticket_type_id <> ?2)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, reg);
	sqlite3_bind_int64(s, 2, ticket_type);
	return store_step_done(st, s);
}

static int
op_move(struct store *st, const struct attendee_op *op, const char *status,
    int64_t event, int64_t ticket_type, int64_t reg,
    const struct audit_ctx *ctx, struct store_error *err)
{
	struct op_seats	seats;
	int		confirmed = strcmp(status, "confirmed") == 0;
	int64_t		left;
	int		rc;

	if (move_target(st, op, event, ticket_type, &seats, err) != 0)
		return -1;
	/* A confirmed attendee's seat in the event moves with them. */
	left = confirmed ? seats.type_left :
	    store_seats_min(seats.type_left, seats.event_left);
	if (left == 0 && (!op->waitlist || !seats.waitlist))
		return full(err, &seats);
	if (left != 0)
		rc = store_attendee_set_ticket_type(st, op->id,
		    op->ticket_type) != 0 || (!confirmed &&
		    store_attendee_set_status(st, op->id, "confirmed",
		    ctx->now) != 0);
	else
		rc = (confirmed && store_attendee_set_status(st, op->id,
		    "waitlisted", ctx->now) != 0) ||
		    store_attendee_set_ticket_type(st, op->id,
		    op->ticket_type) != 0;
	if (rc != 0 || registration_follow(st, reg, op->ticket_type) != 0 ||
	    store_promote_waitlist(st, event) < 0)
		return db_failed(err);
	return 0;
}

static int
op_reissue(struct store *st, const struct attendee_op *op, const char *status,
    struct store_error *err)
{
	char	*code;

	if (strcmp(status, "confirmed") != 0) {
		store_error_set(err, 409, "no_pass", "only a confirmed "
		    "attendee has a pass");
		return -1;
	}
	if ((code = store_pass_renew(st, op->id)) == NULL)
		return db_failed(err);
	free(code);
	return 0;
}

/* Whether another active attendee of the event has this address. */
static int
email_taken(struct store *st, int64_t event, const struct attendee_op *op,
    struct store_error *err)
{
	static const char	 sql[] =
	    "SELECT 1 FROM attendees WHERE event_id = ?1 AND email_norm = ?2"
	    " AND status <> 'cancelled' AND id <> ?3";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_text(s, 2, op->person.email_norm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, op->id);
	rc = store_step(st, s);
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		return db_failed(err);
	if (rc == STORE_ROW) {
		store_error_set(err, 422, "validation_failed", "this address "
		    "is already registered for the event");
		err->fields = json_pack("{s:s}", "email", "taken");
		return -1;
	}
	return 0;
}

/* Close the check-ins of the person who no longer holds the ticket. */
static int
checkins_close(struct store *st, int64_t attendee_id,
    const struct audit_ctx *ctx)
{
	static const char	 sql[] =
	    "UPDATE checkins SET undone_at = ?2, undone_by = ?3"
	    " WHERE attendee_id = ?1 AND undone_at IS NULL";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, attendee_id);
	sqlite3_bind_int64(s, 2, ctx->now);
	if (ctx->who != NULL)
		sqlite3_bind_int64(s, 3, ctx->who->id);
	return store_step_done(st, s);
}

static int
op_substitute(struct store *st, const struct attendee_op *op, int64_t event,
    int has_pass, const struct audit_ctx *ctx, struct store_error *err)
{
	static const char	 sql[] =
	    "UPDATE attendees SET first_name = ?2, last_name = ?3, email = ?4,"
	    " email_norm = ?5, company = ?6, job_title = ?7, dietary = ?8,"
	    " listed = 0, manage_token = ?9, search_key = "
	    STORE_SEARCH_KEY("?2", "?3", "?4", "?6") ", name_key = "
	    STORE_NAME_KEY("?2", "?3") ", company_key = "
	    STORE_COMPANY_KEY("?6") " WHERE id = ?1";
	const struct reg_person	*p = &op->person;
	const char		*v[] = { p->first_name, p->last_name, p->email,
	    p->email_norm, p->company, p->job_title, p->dietary };
	sqlite3_stmt		*s;
	char			*code = NULL, token[TOKEN_MANAGE_LEN + 1];

	if (email_taken(st, event, op, err) != 0)
		return -1;
	if (store_attendee_dietary_count(st, op->id, -1) != 0)
		return db_failed(err);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, op->id);
	for (int i = 0; i < 7; i++)
		sqlite3_bind_text(s, i + 2, v[i], -1, SQLITE_STATIC);
	/* The old person's personal link goes with their ticket. */
	token_manage(op->id, token);
	sqlite3_bind_text(s, 9, token, -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0 ||
	    store_attendee_dietary_count(st, op->id, 1) != 0)
		return db_failed(err);
	if (has_pass && (code = store_pass_renew(st, op->id)) == NULL)
		return db_failed(err);
	free(code);
	if ((!has_pass && prints_clear(st, op->id) != 0) ||
	    checkins_close(st, op->id, ctx) != 0)
		return db_failed(err);
	return 0;
}

/* What an operation needs of the attendee as they are. */
struct op_before {
	const char	*status;
	int64_t		 ticket_type;
	int64_t		 registration;
	int		 has_pass;
};

static int
op_before_read(struct store *st, int64_t id, const json_t *row,
    struct op_before *b)
{
	static const char	 sql[] =
	    "SELECT pass_code IS NOT NULL FROM attendees WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	b->status = json_string_value(json_object_get(row, "status"));
	b->ticket_type = resource_int(row, "ticket_type", 0);
	b->registration = resource_int(row, "registration", 0);
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) == STORE_ROW)
		b->has_pass = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == STORE_ROW && b->status != NULL ? 0 : -1;
}

static int
op_run(struct store *st, const struct attendee_op *op, int64_t event,
    const struct op_before *b, const struct audit_ctx *ctx,
    struct store_error *err)
{
	switch (op->kind) {
	case ATTENDEE_PROMOTE:
		return op_promote(st, op, b->status, b->ticket_type, ctx, err);
	case ATTENDEE_MOVE:
		return op_move(st, op, b->status, event, b->ticket_type,
		    b->registration, ctx, err);
	case ATTENDEE_REISSUE:
		return op_reissue(st, op, b->status, err);
	case ATTENDEE_SUBSTITUTE:
		return op_substitute(st, op, event, b->has_pass, ctx, err);
	}
	return db_failed(err);
}

/*
 * Run one operation on the attendee at the version read: 0, or -1 with
 * err (404, 409 conflict with the current copy, 409 cancelled, full,
 * not_waitlisted, same_ticket_type, no_pass, 422 with a code per field).
 */
int
store_attendee_op(struct store *st, const struct resource *res,
    const struct attendee_op *op, const struct audit_ctx *ctx,
    struct store_error *err)
{
	json_t			*before = NULL, *after = NULL;
	struct op_before	 b;
	struct outbox_snap	 snap;
	int64_t			 event = 0;
	int			 rc = -1;

	memset(&snap, 0, sizeof snap);
	if (store_resource_at_version(st, res, op->id, op->version, &before,
	    &event, err) != 0)
		goto out;
	if (op_before_read(st, op->id, before, &b) != 0 ||
	    store_outbox_snap(st, op->id, &snap) != 0) {
		db_failed(err);
		goto out;
	}
	if (strcmp(b.status, "cancelled") == 0) {
		store_error_set(err, 409, "cancelled", "the attendee is "
		    "cancelled");
		goto out;
	}
	if (op_run(st, op, event, &b, ctx, err) != 0)
		goto out;
	if (run_id(st, "UPDATE attendees SET version = version + 1"
	    " WHERE id = ?1", op->id) != 0 ||
	    store_registration_refresh(st, b.registration, 0, ctx->now) != 0 ||
	    store_resource_read(st, res, op->id, &after, NULL) != 1 ||
	    store_resource_audit(st, res, attendee_op_verb(op->kind), ctx,
	    op->id, store_resource_view(st, res, event, before),
	    store_resource_view(st, res, event, after)) != 0 ||
	    store_outbox_changed(st, &snap) != 0) {
		db_failed(err);
		goto out;
	}
	rc = 0;
out:
	store_outbox_snap_clear(&snap);
	json_decref(before);
	json_decref(after);
	return rc;
}
