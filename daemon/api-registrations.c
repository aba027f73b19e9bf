/*
 * api-registrations.c: POST /api/v1/registrations, and GET and DELETE of
 * /api/v1/registrations/{manage_token}. The request is parsed and
 * validated on the worker; the write goes to the writer thread, and the
 * answer is sent from api_registration_done() once it is on disk.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "techtankd.h"

#define IDEMPOTENCY_KEY_MAX	128

static void registration_done(struct job *);

static int
registration_run(struct store *st, struct job *job)
{
	job->result = store_register(st, job->input, job->idem_key,
	    job->idem_hash, &job->replayed, &job->err);
	return job->result < 0 ? -1 : 0;
}

static int
cancel_run(struct store *st, struct job *job)
{
	job->result = store_cancel(st, job->token, &job->err);
	return job->result < 0 ? -1 : 0;
}

static int
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

void
api_registration_create(struct http_req *hr, const char *arg)
{
	const unsigned char	*bytes = NULL;
	const char		*key = http_input_header(hr, "Idempotency-Key");
	struct reg_input	*input;
	struct job		*job;
	json_t			*body, *fields;
	size_t			 len = 0;

	(void)arg;
	if (key != NULL && !idempotency_key_ok(key)) {
		http_reply_error(hr, 400, "bad_request", "Idempotency-Key must "
		    "be 1 to 128 printable ASCII characters", NULL);
		return;
	}
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	input = reg_input_parse(body, &fields);
	json_decref(body);
	if (input == NULL) {
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", fields);
		return;
	}

	job = job_create(hr, registration_run, registration_done);
	job->input = input;
	if (key != NULL) {
		job->idem_key = xstrdup(key);
		crypto_generichash(job->idem_hash, sizeof job->idem_hash, bytes,
		    len, NULL, 0);
	}
	hr->w->pending++;
	writer_submit(job);
}

/*
 * The registration's JSON with manage_url, the page its manage token
 * opens, added after manage_token (the store knows no page addresses).
 */
static json_t *
add_manage_url(json_t *r, const char *public_url)
{
	json_t		*out = json_object(), *v;
	const char	*key;
	char		*url;

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

static void
reply_registration(struct http_req *hr, int status, int64_t id)
{
	json_t	*r = store_registration_json(hr->w->store, id);

	if (r != NULL)
		r = add_manage_url(r, hr->w->srv->cfg.public_url);
	if (r == NULL) {
		http_reply_error(hr, 500, "internal",
		    "the registration could not be read back", NULL);
		return;
	}
	http_reply_json(hr, status, r);
}

void
api_registration_get(struct http_req *hr, const char *token)
{
	int64_t	id = -1;

	if (token_manage_valid(token))
		id = store_registration_by_token(hr->w->store, token);
	if (id < 0) {
		http_reply_error(hr, 404, "not_found",
		    "no registration has this link", NULL);
		return;
	}
	reply_registration(hr, 200, id);
}

void
api_registration_cancel(struct http_req *hr, const char *token)
{
	struct job	*job;

	if (!token_manage_valid(token)) {
		http_reply_error(hr, 404, "not_found",
		    "no registration has this link", NULL);
		return;
	}
	job = job_create(hr, cancel_run, registration_done);
	job->token = xstrdup(token);
	hr->w->pending++;
	writer_submit(job);
}

/* The writer has committed (or refused) the job: answer its request. */
static void
registration_done(struct job *job)
{
	struct http_req	*hr = job->hr;

	if (job->result < 0) {
		if (job->err.status == 503)
			http_header(hr, "Retry-After", "1");
		http_reply_error(hr, job->err.status, job->err.code,
		    job->err.message, job->err.fields);
		job->err.fields = NULL;
	} else if (job->input != NULL) {
		if (job->replayed)
			http_header(hr, "Idempotent-Replayed", "true");
		reply_registration(hr, 201, job->result);
	} else
		reply_registration(hr, 200, job->result);
	job_free(job);
}
