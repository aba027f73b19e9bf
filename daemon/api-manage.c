/*
 * api-manage.c: an attendee changes their registration through its
 * manage link, until the event's change deadline. The contact's link
 * (the registration's) changes everyone in it; a personal link (each
 * attendee's own) its attendee alone, and any other id is 404.
 *
 *	PATCH  /api/v1/registrations/{token}/attendees/{id}	edit
 *	DELETE /api/v1/registrations/{token}/attendees/{id}	cancel one
 *	POST   /api/v1/registrations/{token}/attendees		add a colleague
 *	PUT    /api/v1/registrations/{token}/attendees/{id}/sessions
 *		{"sessions": [ids]}: the attendee's whole choice of sessions
 *
 * The token is looked up on the writer, in the change's transaction. Each
 * answers the registration as its link shows it; field errors are codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "store-change.h"

/* What an attendee may correct of themselves. */
#define MANAGE_FIELDS	(REG_PATCH_NAMES | REG_PATCH_COMPANY | \
	REG_PATCH_JOB | REG_PATCH_DIETARY)

struct manage_job {
	char			 token[TOKEN_MANAGE_LEN + 1];
	int64_t			 id;		/* the attendee; 0 to add */
	int64_t			 version;
	struct reg_person	 values;
	struct manage_link	 link;		/* found on the writer */
	char			 address[64];
};

static void
manage_job_free(void *arg)
{
	struct manage_job	*mj = arg;

	reg_person_free(&mj->values);
	free(mj);
}

/* The change's author: the link found, and its holder's address. */
static int
manage_open(struct store *st, struct job *job, struct change_by *by)
{
	struct manage_job	*mj = job->data;

	memset(by, 0, sizeof *by);
	by->address = mj->address;
	by->now = (int64_t)time(NULL);
	switch (store_manage_link(st, mj->token, &mj->link)) {
	case 1:
		by->link = mj->link;
		return 0;
	case 0:
		store_error_set(&job->err, 404, "not_found",
		    "no registration has this link");
		return -1;
	default:
		store_error_set(&job->err, 500, "internal",
		    "the change could not be saved");
		return -1;
	}
}

static int
edit_run(struct store *st, struct job *job)
{
	struct manage_job	*mj = job->data;
	struct change_by	 by;

	if (manage_open(st, job, &by) != 0)
		return -1;
	return store_change_attendee(st, &by, mj->id, mj->version,
	    &mj->values, &job->err);
}

static int
cancel_run(struct store *st, struct job *job)
{
	struct manage_job	*mj = job->data;
	struct change_by	 by;

	if (manage_open(st, job, &by) != 0)
		return -1;
	return store_change_cancel(st, &by, mj->id, &job->err);
}

static int
add_run(struct store *st, struct job *job)
{
	struct manage_job	*mj = job->data;
	struct change_by	 by;

	if (manage_open(st, job, &by) != 0)
		return -1;
	mj->id = store_change_add(st, &by, mj->link.registration, &mj->values,
	    &job->err);
	return mj->id < 0 ? -1 : 0;
}

static int
sessions_run(struct store *st, struct job *job)
{
	struct manage_job	*mj = job->data;
	struct change_by	 by;

	if (manage_open(st, job, &by) != 0)
		return -1;
	return store_change_sessions(st, &by, mj->id, mj->values.sessions,
	    mj->values.nsessions, &job->err);
}

static void
manage_done(struct job *job)
{
	struct manage_job	*mj = job->data;

	registration_reply(job->hr, job->type->run == add_run ? 201 : 200,
	    mj->link.registration, mj->link.attendee);
}

static const struct job_type edit_job = {
	.name = "manage_edit",
	.run = edit_run,
	.done = manage_done,
};
/* A seat freed or taken shows in the programme's sessions. */
static const struct job_type cancel_job = {
	.name = "manage_cancel",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = cancel_run,
	.done = manage_done,
};
static const struct job_type sessions_job = {
	.name = "manage_sessions",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = sessions_run,
	.done = manage_done,
};
static const struct job_type add_job = {
	.name = "manage_add",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = add_run,
	.done = manage_done,
};

/* A new job for the token and attendee of the path; NULL once answered. */
static struct manage_job *
manage_job_new(struct http_req *hr, int with_id)
{
	struct manage_job	*mj;
	int64_t			 id = 0;

	if (with_id)
		id = resource_id(hr->args[1]);
	if (!token_manage_valid(hr->args[0]) || id < 0) {
		http_reply_error(hr, 404, "not_found",
		    "no registration has this link", NULL);
		return NULL;
	}
	mj = xcalloc(1, sizeof *mj);
	memcpy(mj->token, hr->args[0], TOKEN_MANAGE_LEN + 1);
	mj->id = id;
	http_client_address(hr, mj->address, sizeof mj->address);
	return mj;
}

static void
api_manage_edit(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct manage_job	*mj;
	json_t			*body, *version, *fields;
	size_t			 len;

	if ((mj = manage_job_new(hr, 1)) == NULL)
		return;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		manage_job_free(mj);
		return;
	}
	version = json_object_get(body, "version");
	if (reg_person_patch(body, 0, MANAGE_FIELDS, &mj->values,
	    &fields) != 0 || !json_is_integer(version) ||
	    json_integer_value(version) < 1) {
		if (fields == NULL)
			fields = json_object();
		if (!json_is_integer(version) || json_integer_value(version) < 1)
			json_object_set_new(fields, "version", json_string(
			    version == NULL ? "required" : "invalid"));
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		json_decref(body);
		manage_job_free(mj);
		return;
	}
	mj->version = json_integer_value(version);
	json_decref(body);
	job_submit(hr, &edit_job, mj, manage_job_free);
}

static void
api_manage_cancel(struct http_req *hr)
{
	struct manage_job	*mj;

	if ((mj = manage_job_new(hr, 1)) != NULL)
		job_submit(hr, &cancel_job, mj, manage_job_free);
}

/*
 * A job whose body parse() reads into the job's values (a new colleague,
 * an attendee's sessions): submitted, or answered 404 or 422.
 */
static void
manage_submit_parsed(struct http_req *hr, int with_id,
    int (*parse)(json_t *, struct reg_person *, json_t **),
    const struct job_type *type)
{
	const unsigned char	*bytes;
	struct manage_job	*mj;
	json_t			*body, *fields;
	size_t			 len;

	if ((mj = manage_job_new(hr, with_id)) == NULL)
		return;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		manage_job_free(mj);
		return;
	}
	if (parse(body, &mj->values, &fields) != 0) {
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		json_decref(body);
		manage_job_free(mj);
		return;
	}
	json_decref(body);
	job_submit(hr, type, mj, manage_job_free);
}

static void
api_manage_add(struct http_req *hr)
{
	manage_submit_parsed(hr, 0, reg_person_parse, &add_job);
}

static void
api_manage_sessions(struct http_req *hr)
{
	manage_submit_parsed(hr, 1, reg_sessions_parse, &sessions_job);
}

const struct route api_manage_routes[] = {
	{ .path = "/api/v1/registrations/*/attendees", .methods = M_POST,
	  .secret = 1, .handler = api_manage_add },
	{ .path = "/api/v1/registrations/*/attendees/*", .methods = M_PATCH,
	  .secret = 1, .handler = api_manage_edit },
	{ .path = "/api/v1/registrations/*/attendees/*", .methods = M_DELETE,
	  .secret = 1, .handler = api_manage_cancel },
	{ .path = "/api/v1/registrations/*/attendees/*/sessions",
	  .methods = M_PUT, .secret = 1, .handler = api_manage_sessions },
	{ .path = NULL }
};
