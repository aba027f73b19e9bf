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

static const char *
header(struct http_req *hr, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    name);
}

/* application/json, with or without parameters such as charset. */
static int
is_json_type(const char *type)
{
	size_t	len = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", len) != 0)
		return 0;
	return type[len] == '\0' || type[len] == ';' || type[len] == ' ';
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

/* The JSON object in the body, or NULL once an error has been sent. */
static json_t *
body_json(struct http_req *hr, const unsigned char **bytes, size_t *len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(hr->req);
	json_error_t	 jerr;
	json_t		*body;
	char		 msg[200];

	if (!is_json_type(header(hr, "Content-Type"))) {
		http_reply_error(hr, 415, "unsupported_media_type",
		    "send the body as application/json", NULL);
		return NULL;
	}
	*len = evbuffer_get_length(in);
	if ((long)*len > hr->w->srv->cfg.max_body) {
		http_reply_error(hr, 413, "payload_too_large",
		    "the request body is too large", NULL);
		return NULL;
	}
	*bytes = evbuffer_pullup(in, -1);
	if (*len > 0 && !utf8_valid((const char *)*bytes, *len)) {
		http_reply_error(hr, 422, "invalid_utf8",
		    "the request body is not valid UTF-8", NULL);
		return NULL;
	}
	body = json_loadb((const char *)*bytes, *len, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr);
	if (body == NULL) {
		snprintf(msg, sizeof msg, "malformed JSON: %s (line %d)",
		    jerr.text, jerr.line);
		http_reply_error(hr, 400, "bad_request", msg, NULL);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		http_reply_error(hr, 400, "bad_request",
		    "the body must be a JSON object", NULL);
		return NULL;
	}
	return body;
}

void
api_registration_create(struct http_req *hr, const char *arg)
{
	const unsigned char	*bytes = NULL;
	const char		*key = header(hr, "Idempotency-Key");
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
	if ((body = body_json(hr, &bytes, &len)) == NULL)
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

static void
reply_registration(struct http_req *hr, int status, int64_t id)
{
	json_t	*r = store_registration_json(hr->w->store, id,
	    hr->w->srv->cfg.public_url);

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
