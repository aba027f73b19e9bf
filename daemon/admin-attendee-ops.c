/*
 * admin-attendee-ops.c: an organiser's operations on one attendee, each
 * naming the attendee's version as read, each run on the writer
 * (store-attendee-ops.c says what each does):
 *
 *	POST /api/v1/admin/attendees/{id}/promote
 *	    {"version", "beyond_quota"?}
 *	POST /api/v1/admin/attendees/{id}/move
 *	    {"version", "ticket_type", "waitlist"?}
 *	POST /api/v1/admin/attendees/{id}/reissue {"version"}
 *	POST /api/v1/admin/attendees/{id}/substitute
 *	    {"version", "first_name", "last_name", "email", "company"?,
 *	     "job_title"?, "dietary"?}
 *
 * Each answers with the attendee's page as it is now.
 */
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "store-attendee-ops.h"

/* An operation on its way to the writer. */
struct op_req {
	struct attendee_op	 op;
	struct staff		 who;
	char			 address[64];
};

static void
op_req_free(void *arg)
{
	struct op_req	*r = arg;

	reg_person_free(&r->op.person);
	free(r);
}

static int
op_write(struct store *st, struct job *job)
{
	struct op_req		*r = job->data;
	struct audit_ctx	 ctx = { &r->who, r->address,
	    (int64_t)time(NULL) };
	int			 found;

	if (store_attendee_op(st, admin_attendees, &r->op, &ctx,
	    &job->err) != 0)
		return -1;
	job->answer = store_attendee_json(st, admin_attendees, r->op.id,
	    &found);
	return job->answer != NULL ? 0 : -1;
}

/* Promotions and moves change the seats the public pages show. */
static const struct job_type seats_job = {
	.name = "attendee_op",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = op_write,
};
static const struct job_type pass_job = {
	.name = "attendee_op",
	.run = op_write,
};

/* The keys each operation's body may have besides "version". */
static const char *const promote_keys[] = { "beyond_quota", NULL };
static const char *const move_keys[] = { "ticket_type", "waitlist", NULL };
static const char *const reissue_keys[] = { NULL };
static const char *const substitute_keys[] = { "first_name", "last_name",
	"email", "company", "job_title", "dietary", NULL };

static int
key_known(const char *const *keys, const char *key)
{
	if (strcmp(key, "version") == 0)
		return 1;
	for (; *keys != NULL; keys++)
		if (strcmp(*keys, key) == 0)
			return 1;
	return 0;
}

/* A flag of the body: 0 or 1, left out 0; -1 (and an error) otherwise. */
static int
body_flag(json_t *body, const char *key, json_t *errors)
{
	json_t	*v = json_object_get(body, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		json_object_set_new(errors, key, json_string("invalid"));
		return -1;
	}
	return json_is_true(v);
}

/* A positive integer of the body, or 0 with the error added. */
static int64_t
body_id(json_t *body, const char *key, json_t *errors)
{
	json_t	*v = json_object_get(body, key);

	if (v == NULL || json_is_null(v)) {
		json_object_set_new(errors, key, json_string("required"));
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		json_object_set_new(errors, key, json_string("invalid"));
		return 0;
	}
	return json_integer_value(v);
}

/* The operation's own fields from the body, errors added per field. */
static void
op_fields(struct attendee_op *op, json_t *body, json_t *errors)
{
	json_t	*person;

	switch (op->kind) {
	case ATTENDEE_PROMOTE:
		op->beyond_quota = body_flag(body, "beyond_quota", errors);
		break;
	case ATTENDEE_MOVE:
		op->ticket_type = body_id(body, "ticket_type", errors);
		op->waitlist = body_flag(body, "waitlist", errors);
		break;
	case ATTENDEE_REISSUE:
		break;
	case ATTENDEE_SUBSTITUTE:
		if (reg_person_parse(body, &op->person, &person) != 0) {
			json_object_update_missing(errors, person);
			json_decref(person);
		}
		break;
	}
}

static const char *const *
op_keys(enum attendee_op_kind kind)
{
	switch (kind) {
	case ATTENDEE_PROMOTE:
		return promote_keys;
	case ATTENDEE_MOVE:
		return move_keys;
	case ATTENDEE_REISSUE:
		return reissue_keys;
	case ATTENDEE_SUBSTITUTE:
		break;
	}
	return substitute_keys;
}

/*
 * The operation a request asks for, checked; NULL once an error is sent
 * (404 for an id that is not one, 400/413/415 for the body, 422 with a
 * code per field).
 */
static struct op_req *
op_parse(struct http_req *hr, enum attendee_op_kind kind)
{
	const unsigned char	*bytes;
	const char		*key;
	size_t			 len;
	struct op_req		*r;
	json_t			*body, *v, *errors;
	int64_t			 id = resource_id(hr->args[0]);

	if (id < 0) {
		http_reply_error(hr, 404, "not_found", "no such attendee",
		    NULL);
		return NULL;
	}
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->op.kind = kind;
	r->op.id = id;
	errors = json_object();
	json_object_foreach(body, key, v)
		if (!key_known(op_keys(kind), key))
			json_object_set_new(errors, key,
			    json_string("unknown_field"));
	r->op.version = body_id(body, "version", errors);
	op_fields(&r->op, body, errors);
	json_decref(body);
	if (json_object_size(errors) > 0) {
		op_req_free(r);
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", errors);
		return NULL;
	}
	json_decref(errors);
	r->who = hr->who;
	http_client_address(hr, r->address, sizeof r->address);
	return r;
}

static void
op_submit(struct http_req *hr, enum attendee_op_kind kind,
    const struct job_type *type)
{
	struct op_req	*r;

	if ((r = op_parse(hr, kind)) != NULL)
		job_submit(hr, type, r, op_req_free);
}

static void
admin_promote(struct http_req *hr)
{
	op_submit(hr, ATTENDEE_PROMOTE, &seats_job);
}

static void
admin_move(struct http_req *hr)
{
	op_submit(hr, ATTENDEE_MOVE, &seats_job);
}

static void
admin_reissue(struct http_req *hr)
{
	op_submit(hr, ATTENDEE_REISSUE, &pass_job);
}

static void
admin_substitute(struct http_req *hr)
{
	op_submit(hr, ATTENDEE_SUBSTITUTE, &pass_job);
}

const struct route admin_attendee_ops_routes[] = {
	{ .path = "/api/v1/admin/attendees/*/promote", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_promote },
	{ .path = "/api/v1/admin/attendees/*/move", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_move },
	{ .path = "/api/v1/admin/attendees/*/reissue", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_reissue },
	{ .path = "/api/v1/admin/attendees/*/substitute", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_substitute },
	{ .path = NULL }
};
