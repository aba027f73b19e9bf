/*
 * api-registrations.c: POST /api/v1/registrations, and GET and DELETE of
 * /api/v1/registrations/{manage_token}, the contact's link or an
 * attendee's personal one (store-change.c). The request is parsed and
 * validated on the worker; the write goes to the writer thread, and the
 * answer is sent once it is on disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"
#include "store-change.h"

/* A registration or cancellation on its way to the writer. */
struct reg_job {
	struct reg_input	*input;		/* NULL: a cancellation */
	char			*idem_key;
	unsigned char		 idem_hash[32];
	char			*token;
	int64_t			 id;		/* the registration */
	struct manage_link	 link;		/* a cancellation's */
	int			 replayed;
	struct staff		 who;		/* on behalf: the organiser */
	char			 address[64];
};

static void
reg_job_free(void *arg)
{
	struct reg_job	*rj = arg;

	reg_input_free(rj->input);
	free(rj->idem_key);
	free(rj->token);
	free(rj);
}

/*
 * The registration's JSON with manage_url, the page its manage token
 * opens, added after manage_token (the store knows no page addresses);
 * and so for each attendee that shows a personal manage_token.
 */
json_t *
registration_manage_url(json_t *r, const char *public_url)
{
	json_t		*out = json_object(), *v, *a;
	const char	*key;
	char		*url;
	size_t		 i;

	json_array_foreach(json_object_get(r, "attendees"), i, a) {
		if (!json_is_string(json_object_get(a, "manage_token")))
			continue;
		xasprintf(&url, "%s/manage.html#t=%s", public_url,
		    json_string_value(json_object_get(a, "manage_token")));
		json_object_set_new(a, "manage_url", json_string(url));
		free(url);
	}
	json_object_foreach(r, key, v) {
		json_object_set(out, key, v);
		if (strcmp(key, "manage_token") != 0)
			continue;
		xasprintf(&url, "%s/manage.html#t=%s", public_url,
		    json_string_value(v));
		json_object_set_new(out, "manage_url", json_string(url));
		free(url);
	}
	json_decref(r);
	return out;
}

/*
 * The registration as the holder of its manage link sees it: the
 * contact's (attendee 0) or an attendee's own.
 */
void
registration_reply(struct http_req *hr, int status, int64_t id,
    int64_t attendee)
{
	struct manage_link	 link = { id, attendee };
	json_t			*r = store_manage_json(hr->w->store, &link);

	if (r != NULL)
		r = registration_manage_url(r, hr->w->srv->cfg.public_url);
	if (r == NULL) {
		http_reply_error(hr, 500, "internal",
		    "the registration could not be read back", NULL);
		return;
	}
	http_reply_json(hr, status, r);
}

static int
registration_run(struct store *st, struct job *job)
{
	struct reg_job	*rj = job->data;

	rj->id = store_register(st, rj->input, rj->idem_key, rj->idem_hash,
	    &rj->replayed, &job->err);
	/* The programme shows seats left in sessions, not ticket seats. */
	for (size_t i = 0; i < rj->input->nattendees; i++)
		if (rj->input->attendees[i].nsessions > 0)
			job->changed_programme = 1;
	return rj->id < 0 ? -1 : 0;
}

static void
registration_done(struct job *job)
{
	struct reg_job	*rj = job->data;

	if (rj->replayed)
		http_header(job->hr, "Idempotent-Replayed", "true");
	registration_reply(job->hr, 201, rj->id, 0);
}

static const struct job_type registration_job = {
	.name = "registration",
	.run = registration_run,
	.done = registration_done,
};

/* An Idempotency-Key header's value: 1 to 128 printable ASCII bytes. */
int
idempotency_key_ok(const char *key)
{
	size_t	len = strlen(key);

	if (len == 0 || len > IDEMPOTENCY_KEY_MAX)
		return 0;
	for (const char *p = key; *p != '\0'; p++)
		if (*p < 0x21 || *p > 0x7e)
			return 0;
	return 1;
}

/*
 * The registration in a request's body, parsed and checked, in a new
 * job's data; NULL once the error has been answered. With key, the
 * body's hash for the idempotency check; flags as reg_input_parse()'s.
 */
static struct reg_job *
reg_job_parse(struct http_req *hr, const char *key, int flags)
{
	const unsigned char	*bytes = NULL;
	struct reg_input	*input;
	struct reg_job		*rj;
	json_t			*body, *fields;
	size_t			 len = 0;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return NULL;
	input = reg_input_parse(body, flags, &fields);
	json_decref(body);
	if (input == NULL) {
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		return NULL;
	}
	rj = xcalloc(1, sizeof *rj);
	rj->input = input;
	if (key != NULL) {
		rj->idem_key = xstrdup(key);
		crypto_generichash(rj->idem_hash, sizeof rj->idem_hash, bytes,
		    len, NULL, 0);
	}
	return rj;
}

static void
api_registration_create(struct http_req *hr)
{
	const char	*key = http_input_header(hr, "Idempotency-Key");
	struct reg_job	*rj;

	if (key != NULL && !idempotency_key_ok(key)) {
		http_reply_error(hr, 400, "bad_request", "Idempotency-Key must "
		    "be 1 to 128 printable ASCII characters", NULL);
		return;
	}
	/* Codes, as everywhere: the page words them in its language. */
	if ((rj = reg_job_parse(hr, key, REG_CODES)) != NULL)
		job_submit(hr, &registration_job, rj, reg_job_free);
}

static void
no_registration(struct http_req *hr)
{
	http_reply_error(hr, 404, "not_found", "no registration has this link",
	    NULL);
}

static void
api_registration_get(struct http_req *hr)
{
	const char		*token = hr->args[0];
	struct manage_link	 link;
	int			 found = 0;

	if (token_manage_valid(token))
		found = store_manage_link(hr->w->store, token, &link);
	if (found < 0) {
		http_reply_read(hr, NULL);
		return;
	}
	if (found == 0) {
		no_registration(hr);
		return;
	}
	registration_reply(hr, 200, link.registration, link.attendee);
}

/*
 * Through the contact's link, every attendee; through a personal one,
 * its attendee alone: the others keep their seats.
 */
static int
cancel_run(struct store *st, struct job *job)
{
	struct reg_job		*rj = job->data;
	struct change_by	 by = { .address = rj->address,
	    .now = (int64_t)time(NULL) };

	switch (store_manage_link(st, rj->token, &rj->link)) {
	case 0:
		store_error_set(&job->err, 404, "not_found",
		    "no registration has this link");
		return -1;
	case -1:
		store_error_set(&job->err, 500, "internal",
		    "the cancellation could not be saved");
		return -1;
	}
	by.link = rj->link;
	if (rj->link.attendee != 0)
		return store_change_cancel(st, &by, rj->link.attendee,
		    &job->err);
	return store_change_cancel_all(st, &by, rj->link.registration,
	    &job->err);
}

static void
cancel_done(struct job *job)
{
	struct reg_job	*rj = job->data;

	registration_reply(job->hr, 200, rj->link.registration,
	    rj->link.attendee);
}

static const struct job_type cancel_job = {
	.name = "cancel",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = cancel_run,
	.done = cancel_done,
};

static void
api_registration_cancel(struct http_req *hr)
{
	struct reg_job	*rj;

	if (!token_manage_valid(hr->args[0])) {
		no_registration(hr);
		return;
	}
	rj = xcalloc(1, sizeof *rj);
	rj->token = xstrdup(hr->args[0]);
	http_client_address(hr, rj->address, sizeof rj->address);
	job_submit(hr, &cancel_job, rj, reg_job_free);
}

/*
 * POST /api/v1/admin/registrations: an organiser registers speakers,
 * staff, exhibitors and guests on any ticket type, hidden ones and closed
 * sales included, with the same checks, seats and passes as anyone.
 */
static int
on_behalf_run(struct store *st, struct job *job)
{
	struct reg_job	*rj = job->data;
	char		 detail[64];

	if (registration_run(st, job) != 0)
		return -1;
	snprintf(detail, sizeof detail, "{\"id\":%lld}", (long long)rj->id);
	return store_audit(st, &rj->who, NULL, "registration.on_behalf",
	    detail, rj->address, (int64_t)time(NULL));
}

static const struct job_type on_behalf_job = {
	.name = "registration_on_behalf",
	.run = on_behalf_run,
	.done = registration_done,
};

static void
api_registration_on_behalf(struct http_req *hr)
{
	struct reg_job	*rj;

	if ((rj = reg_job_parse(hr, NULL, REG_CODES)) == NULL)
		return;
	rj->input->on_behalf = 1;
	rj->who = hr->who;
	http_client_address(hr, rj->address, sizeof rj->address);
	job_submit(hr, &on_behalf_job, rj, reg_job_free);
}

const struct route api_registrations_routes[] = {
	{ .path = "/api/v1/registrations", .methods = M_POST,
	  .handler = api_registration_create },
	{ .path = "/api/v1/admin/registrations", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = api_registration_on_behalf },
	{ .path = "/api/v1/registrations/*", .methods = M_GET, .secret = 1,
	  .handler = api_registration_get },
	{ .path = "/api/v1/registrations/*", .methods = M_DELETE, .secret = 1,
	  .handler = api_registration_cancel },
	{ .path = NULL }
};
