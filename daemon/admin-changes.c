/*
 * admin-changes.c: organisers change registrations after they were made,
 * at any time (the change deadline holds for attendees only), through the
 * same store operations as the attendees' own (store-change.c):
 *
 *	PATCH /api/v1/admin/attendees/{id}		edit any field
 *	POST  /api/v1/admin/attendees/{id}/cancel	cancel this attendee
 *	PATCH /api/v1/admin/registrations/{id}		edit the contact
 *	POST  /api/v1/admin/registrations/{id}/cancel	cancel everyone
 *	POST  /api/v1/admin/registrations/{id}/attendees add a colleague
 *
 * Edits name the version they were made from ({"version": N, ...}); a
 * stale one is 409 conflict with the current copy. Field errors are codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "store-change.h"

#define ATTENDEE_FIELDS	(REG_PATCH_NAMES | REG_PATCH_EMAIL | \
	REG_PATCH_COMPANY | REG_PATCH_JOB | REG_PATCH_DIETARY | REG_PATCH_LISTED)
#define CONTACT_FIELDS	(REG_PATCH_NAMES | REG_PATCH_EMAIL | \
	REG_PATCH_COMPANY | REG_PATCH_PHONE)

struct admin_change {
	int64_t			 id;		/* attendee or registration */
	int64_t			 version;
	int64_t			 added;		/* a colleague's new id */
	struct reg_person	 values;
	struct staff		 who;
	char			 address[64];
};

static void
admin_change_free(void *arg)
{
	struct admin_change	*ac = arg;

	reg_person_free(&ac->values);
	free(ac);
}

static void
change_by(struct admin_change *ac, struct change_by *by)
{
	memset(by, 0, sizeof *by);
	by->staff = &ac->who;
	by->address = ac->address;
	by->now = (int64_t)time(NULL);
}

/* The attendee's changed copy, for the console to go on from. */
static int
attendee_answer(struct store *st, struct job *job, int64_t id)
{
	if ((job->answer = store_change_attendee_json(st, id)) != NULL)
		return 0;
	store_error_set(&job->err, 500, "internal",
	    "the change could not be read back");
	return -1;
}

/* The registration, every attendee in it, with versions. */
static int
registration_answer(struct store *st, struct job *job, int64_t id)
{
	struct manage_link	link = { id, 0 };

	if ((job->answer = store_manage_json(st, &link)) != NULL)
		return 0;
	store_error_set(&job->err, 500, "internal",
	    "the change could not be read back");
	return -1;
}

static int
edit_run(struct store *st, struct job *job)
{
	struct admin_change	*ac = job->data;
	struct change_by	 by;

	change_by(ac, &by);
	if (store_change_attendee(st, &by, ac->id, ac->version, &ac->values,
	    &job->err) != 0)
		return -1;
	return attendee_answer(st, job, ac->id);
}

static int
cancel_run(struct store *st, struct job *job)
{
	struct admin_change	*ac = job->data;
	struct change_by	 by;

	change_by(ac, &by);
	if (store_change_cancel(st, &by, ac->id, &job->err) != 0)
		return -1;
	return attendee_answer(st, job, ac->id);
}

static int
contact_run(struct store *st, struct job *job)
{
	struct admin_change	*ac = job->data;
	struct change_by	 by;

	change_by(ac, &by);
	if (store_change_contact(st, &by, ac->id, ac->version, &ac->values,
	    &job->err) != 0)
		return -1;
	if ((job->answer = store_change_contact_json(st, ac->id)) != NULL)
		return 0;
	store_error_set(&job->err, 500, "internal",
	    "the change could not be read back");
	return -1;
}

static int
cancel_all_run(struct store *st, struct job *job)
{
	struct admin_change	*ac = job->data;
	struct change_by	 by;

	change_by(ac, &by);
	if (store_change_cancel_all(st, &by, ac->id, &job->err) != 0)
		return -1;
	return registration_answer(st, job, ac->id);
}

static int
add_run(struct store *st, struct job *job)
{
	struct admin_change	*ac = job->data;
	struct change_by	 by;

	change_by(ac, &by);
	if ((ac->added = store_change_add(st, &by, ac->id, &ac->values,
	    &job->err)) < 0)
		return -1;
	job->status = 201;
	return registration_answer(st, job, ac->id);
}

static const struct job_type edit_job = {
	.name = "admin_attendee_edit",
	.run = edit_run,
};
static const struct job_type contact_job = {
	.name = "admin_contact_edit",
	.run = contact_run,
};
/* Seats freed or taken show in the programme's sessions. */
static const struct job_type cancel_job = {
	.name = "admin_attendee_cancel",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = cancel_run,
};
static const struct job_type cancel_all_job = {
	.name = "admin_registration_cancel",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = cancel_all_run,
};
static const struct job_type add_job = {
	.name = "admin_attendee_add",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = add_run,
};

static struct admin_change *
admin_change_new(struct http_req *hr, const char *what)
{
	struct admin_change	*ac;
	int64_t			 id = resource_id(hr->args[0]);

	if (id <= 0) {
		http_reply_error(hr, 404, "not_found", what, NULL);
		return NULL;
	}
	ac = xcalloc(1, sizeof *ac);
	ac->id = id;
	ac->who = hr->who;
	http_client_address(hr, ac->address, sizeof ac->address);
	return ac;
}

/* An edit's body: the fields allowed and the version it was made from. */
static struct admin_change *
edit_parse(struct http_req *hr, int contact, unsigned allowed,
    const char *what)
{
	const unsigned char	*bytes;
	struct admin_change	*ac;
	json_t			*body, *version, *fields;
	size_t			 len;
	int			 ok;

	if ((ac = admin_change_new(hr, what)) == NULL)
		return NULL;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		admin_change_free(ac);
		return NULL;
	}
	version = json_object_get(body, "version");
	ok = reg_person_patch(body, contact, allowed, &ac->values,
	    &fields) == 0;
	if (!json_is_integer(version) || json_integer_value(version) < 1) {
		if (fields == NULL)
			fields = json_object();
		json_object_set_new(fields, "version", json_string(
		    version == NULL ? "required" : "invalid"));
		ok = 0;
	}
	if (!ok) {
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		json_decref(body);
		admin_change_free(ac);
		return NULL;
	}
	ac->version = json_integer_value(version);
	json_decref(body);
	return ac;
}

static void
admin_attendee_edit(struct http_req *hr)
{
	struct admin_change	*ac;

	if ((ac = edit_parse(hr, 0, ATTENDEE_FIELDS, "no such attendee")) !=
	    NULL)
		job_submit(hr, &edit_job, ac, admin_change_free);
}

static void
admin_attendee_cancel(struct http_req *hr)
{
	struct admin_change	*ac;

	if ((ac = admin_change_new(hr, "no such attendee")) != NULL)
		job_submit(hr, &cancel_job, ac, admin_change_free);
}

static void
admin_contact_edit(struct http_req *hr)
{
	struct admin_change	*ac;

	if ((ac = edit_parse(hr, 1, CONTACT_FIELDS,
	    "no such registration")) != NULL)
		job_submit(hr, &contact_job, ac, admin_change_free);
}

static void
admin_registration_cancel(struct http_req *hr)
{
	struct admin_change	*ac;

	if ((ac = admin_change_new(hr, "no such registration")) != NULL)
		job_submit(hr, &cancel_all_job, ac, admin_change_free);
}

static void
admin_attendee_add(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct admin_change	*ac;
	json_t			*body, *fields;
	size_t			 len;

	if ((ac = admin_change_new(hr, "no such registration")) == NULL)
		return;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		admin_change_free(ac);
		return;
	}
	if (reg_person_parse(body, &ac->values, &fields) != 0) {
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		json_decref(body);
		admin_change_free(ac);
		return;
	}
	json_decref(body);
	job_submit(hr, &add_job, ac, admin_change_free);
}

const struct route admin_changes_routes[] = {
	{ .path = "/api/v1/admin/attendees/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = admin_attendee_edit },
	{ .path = "/api/v1/admin/attendees/*/cancel", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_attendee_cancel },
	{ .path = "/api/v1/admin/registrations/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = admin_contact_edit },
	{ .path = "/api/v1/admin/registrations/*/cancel", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_registration_cancel },
	{ .path = "/api/v1/admin/registrations/*/attendees",
	  .methods = M_POST, .auth = AUTH_ORGANISER,
	  .handler = admin_attendee_add },
	{ .path = NULL }
};
