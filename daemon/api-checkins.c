/*
 * api-checkins.c: the door. GET /api/v1/checkpoints, POST /api/v1/checkins
 * (a scan, by pass code or by attendee id from a name search), DELETE
 * /api/v1/checkins/{id} (organisers undo a mistake), GET
 * /api/v1/checkins/stats and GET /api/v1/attendees/search?q=. Scans are
 * written by the writer and answered once on disk, like registrations.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"

#define CODE_MAX	64
#define NONCE_MAX	64

void
api_checkpoints(struct http_req *hr, const char *arg)
{
	struct staff	 who;
	json_t		*list;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0)
		return;
	if ((list = store_checkpoints(hr->w->store, store_current_event(
	    hr->w->store))) == NULL) {
		http_reply_error(hr, 500, "internal", "the checkpoints could "
		    "not be read", NULL);
		return;
	}
	http_reply_json(hr, 200, json_pack("{s:o}", "checkpoints", list));
}

static int
checkin_run(struct store *st, struct job *job)
{
	job->answer = store_checkin(st, &job->who, job->code,
	    job->attendee_id, job->checkpoint, job->nonce, job->address,
	    (int64_t)time(NULL));
	if (job->answer == NULL) {
		store_error_set(&job->err, 500, "internal",
		    "the scan could not be saved");
		return -1;
	}
	return 0;
}

static void
checkin_done(struct job *job)
{
	if (job->err.status != 0)
		http_reply_error(job->hr, job->err.status, job->err.code,
		    job->err.message, NULL);
	else {
		http_reply_json(job->hr, 200, job->answer);
		job->answer = NULL;
	}
	job_free(job);
}

static int
printable(const char *s, size_t max)
{
	size_t	len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

void
api_checkin(struct http_req *hr, const char *arg)
{
	const unsigned char	*bytes;
	struct staff		 who;
	struct job		*job;
	json_t			*body, *code, *id, *cp, *nonce;
	json_t			*fields = json_object();
	size_t			 len;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0 ||
	    (body = http_body_json(hr, &bytes, &len)) == NULL) {
		json_decref(fields);
		return;
	}
	code = json_object_get(body, "code");
	id = json_object_get(body, "attendee_id");
	cp = json_object_get(body, "checkpoint");
	nonce = json_object_get(body, "nonce");
	if ((code == NULL) == (id == NULL))
		json_object_set_new(fields, "code", json_string(
		    "give a pass code or an attendee_id"));
	else if (code != NULL && (!json_is_string(code) ||
	    json_string_length(code) == 0 ||
	    json_string_length(code) > CODE_MAX ||
	    strlen(json_string_value(code)) != json_string_length(code) ||
	    !utf8_valid(json_string_value(code), json_string_length(code)) ||
	    text_has_control(json_string_value(code))))
		json_object_set_new(fields, "code", json_string(
		    "a pass code is up to 64 characters of text"));
	else if (id != NULL && (!json_is_integer(id) ||
	    json_integer_value(id) <= 0))
		json_object_set_new(fields, "attendee_id", json_string(
		    "an attendee id"));
	if (cp != NULL && !json_is_null(cp) && (!json_is_string(cp) ||
	    !store_checkpoint_valid(hr->w->store, store_current_event(
	    hr->w->store), json_string_value(cp))))
		json_object_set_new(fields, "checkpoint", json_string(
		    "no such checkpoint"));
	if (nonce != NULL && (!json_is_string(nonce) ||
	    !printable(json_string_value(nonce), NONCE_MAX)))
		json_object_set_new(fields, "nonce", json_string(
		    "up to 64 printable characters"));
	if (json_object_size(fields) > 0) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed",
		    "the scan is not complete", fields);
		return;
	}
	json_decref(fields);

	job = job_create(hr, checkin_run, checkin_done);
	job->who = who;
	auth_address(hr, job->address, sizeof job->address);
	if (code != NULL) {
		/* Scanners add blanks; people type codes in either case. */
		job->code = text_trim(json_string_value(code));
		for (char *p = job->code; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
	} else
		job->attendee_id = json_integer_value(id);
	job->checkpoint = xstrdup(json_is_string(cp) ? json_string_value(cp) :
	    "main");
	if (nonce != NULL)
		job->nonce = xstrdup(json_string_value(nonce));
	json_decref(body);
	hr->w->pending++;
	writer_submit(job);
}

static int
undo_run(struct store *st, struct job *job)
{
	if (store_checkin_undo(st, &job->who, job->checkin_id, job->address,
	    (int64_t)time(NULL)) != 0) {
		store_error_set(&job->err, 404, "not_found",
		    "no such check-in, or already undone");
		return -1;
	}
	return 0;
}

static void
undo_done(struct job *job)
{
	if (job->err.status != 0)
		http_reply_error(job->hr, job->err.status, job->err.code,
		    job->err.message, NULL);
	else
		http_reply_json(job->hr, 200, json_pack("{s:I}", "undone",
		    (json_int_t)job->checkin_id));
	job_free(job);
}

void
api_checkin_undo(struct http_req *hr, const char *arg)
{
	struct staff	 who;
	struct job	*job;
	char		*end;
	long long	 id = strtoll(arg, &end, 10);

	if (auth_staff(hr, "organiser", &who) != 0)
		return;
	if (*end != '\0' || id <= 0) {
		http_reply_error(hr, 404, "not_found", "no such check-in",
		    NULL);
		return;
	}
	job = job_create(hr, undo_run, undo_done);
	job->who = who;
	job->checkin_id = id;
	auth_address(hr, job->address, sizeof job->address);
	hr->w->pending++;
	writer_submit(job);
}

void
api_checkin_stats(struct http_req *hr, const char *arg)
{
	struct staff	 who;
	json_t		*stats;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0)
		return;
	if ((stats = store_checkin_stats(hr->w->store, store_current_event(
	    hr->w->store))) == NULL) {
		http_reply_error(hr, 500, "internal", "the counts could not be "
		    "read", NULL);
		return;
	}
	http_reply_json(hr, 200, stats);
}

void
api_attendee_search(struct http_req *hr, const char *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(hr->req);
	struct evkeyvalq	 query;
	struct staff		 who;
	const char		*q;
	json_t			*list;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0)
		return;
	TAILQ_INIT(&query);
	if (evhttp_parse_query_str(evhttp_uri_get_query(uri) ?
	    evhttp_uri_get_query(uri) : "", &query) != 0 ||
	    (q = evhttp_find_header(&query, "q")) == NULL ||
	    utf8_count(q) < 2 || strlen(q) > 100 ||
	    !utf8_valid(q, strlen(q))) {
		evhttp_clear_headers(&query);
		http_reply_error(hr, 422, "validation_failed", "search with "
		    "two to 100 characters of a name", json_pack("{s:s}",
		    "q", "two to 100 characters"));
		return;
	}
	list = store_attendee_search(hr->w->store, store_current_event(
	    hr->w->store), q);
	evhttp_clear_headers(&query);
	if (list == NULL) {
		http_reply_error(hr, 500, "internal", "the search failed",
		    NULL);
		return;
	}
	http_reply_json(hr, 200, json_pack("{s:o}", "attendees", list));
}
