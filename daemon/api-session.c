/*
 * api-session.c: staff log in and out. POST /api/v1/session checks the
 * password on the password thread, then the writer records the session (or
 * the failure) with the audit log; GET tells a page who is logged in;
 * DELETE logs out. Repeated failures per account or per address answer 429.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"

#define PASSWORD_MAX 1024

static int
login_run(struct store *st, struct job *job)
{
	int64_t	now = (int64_t)time(NULL);
	int	wait;

	/* Throttled meanwhile (logins in parallel): refuse even a good one. */
	if (store_login_throttled(st, job->username, job->address, now,
	    &wait) != 0) {
		store_error_set(&job->err, 503, "unavailable",
		    "the login could not be checked; please try again");
		return -1;
	}
	if (wait > 0)
		job->verified = -wait;
	if (job->verified > 0) {
		if (store_session_create(st, &job->who, job->address,
		    job->session, job->csrf, now) != 0 ||
		    store_audit(st, &job->who, NULL, "login", "", job->address,
		    now) != 0)
			return -1;
		return 0;
	}
	if (store_login_failed(st, job->username, job->address, now) != 0 ||
	    store_audit(st, NULL, job->username, "login_failed", "",
	    job->address, now) != 0)
		return -1;
	return 0;
}

static void
login_done(struct job *job)
{
	struct http_req	*hr = job->hr;
	char		 retry[16];

	if (job->err.status != 0)
		http_reply_error(hr, job->err.status, job->err.code,
		    job->err.message, NULL);
	else if (job->verified < 0) {
		snprintf(retry, sizeof retry, "%d", -job->verified);
		http_header(hr, "Retry-After", retry);
		http_reply_error(hr, 429, "too_many_attempts", "too many "
		    "failed logins; wait and try again", NULL);
	} else if (job->verified == 0)
		http_reply_error(hr, 401, "bad_login",
		    "wrong user name or password", NULL);
	else {
		auth_set_cookie(hr, job->session);
		http_reply_json(hr, 200, json_pack("{s:s, s:s, s:s}",
		    "csrf_token", job->csrf, "role", job->who.role,
		    "name", job->who.name));
	}
	job_free(job);
}

void
api_session_login(struct http_req *hr, const char *arg)
{
	const unsigned char	*bytes;
	struct job		*job;
	json_t			*body, *u, *p;
	char			 address[64], retry[16];
	size_t			 len;
	int			 wait;

	(void)arg;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	u = json_object_get(body, "username");
	p = json_object_get(body, "password");
	if (!json_is_string(u) || !json_is_string(p) ||
	    json_string_length(u) == 0 || json_string_length(u) > 63 ||
	    json_string_length(p) == 0 || json_string_length(p) > PASSWORD_MAX ||
	    strlen(json_string_value(p)) != json_string_length(p)) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed", "give a user "
		    "name and a password", json_pack("{s:s}", "username",
		    "required"));
		return;
	}
	auth_address(hr, address, sizeof address);
	if (store_login_throttled(hr->w->store, json_string_value(u), address,
	    (int64_t)time(NULL), &wait) != 0) {
		json_decref(body);
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 503, "unavailable", "the login could not "
		    "be checked; please try again", NULL);
		return;
	}
	if (wait > 0) {
		json_decref(body);
		snprintf(retry, sizeof retry, "%d", wait);
		http_header(hr, "Retry-After", retry);
		http_reply_error(hr, 429, "too_many_attempts", "too many "
		    "failed logins; wait and try again", NULL);
		return;
	}
	job = job_create(hr, login_run, login_done);
	job->username = xstrdup(json_string_value(u));
	job->password = xstrdup(json_string_value(p));
	snprintf(job->address, sizeof job->address, "%s", address);
	if (store_user_for_login(hr->w->store, job->username, &job->who,
	    &job->hash) != 0)
		job->hash = NULL;
	json_decref(body);
	job->slow = auth_verify;
	hr->w->pending++;
	slow_submit(job);
}

void
api_session_get(struct http_req *hr, const char *arg)
{
	struct staff	who;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0)
		return;
	http_reply_json(hr, 200, json_pack("{s:s, s:s, s:s}", "name", who.name,
	    "role", who.role, "csrf_token", who.csrf));
}

static int
logout_run(struct store *st, struct job *job)
{
	if (store_session_delete(st, job->token) != 0 ||
	    store_audit(st, &job->who, NULL, "logout", "", job->address,
	    (int64_t)time(NULL)) != 0)
		return -1;
	return 0;
}

static void
logout_done(struct job *job)
{
	if (job->err.status != 0)
		http_reply_error(job->hr, job->err.status, job->err.code,
		    job->err.message, NULL);
	else {
		auth_set_cookie(job->hr, NULL);
		http_reply_json(job->hr, 200, json_pack("{s:b}", "logged_out",
		    1));
	}
	job_free(job);
}

void
api_session_logout(struct http_req *hr, const char *arg)
{
	struct staff	 who;
	struct job	*job;
	const char	*cookie = http_input_header(hr, "Cookie"), *t;

	(void)arg;
	if (auth_staff(hr, "door", &who) != 0)
		return;
	job = job_create(hr, logout_run, logout_done);
	job->who = who;
	auth_address(hr, job->address, sizeof job->address);
	t = strstr(cookie, "tt_session=") + strlen("tt_session=");
	job->token = xstrndup(t, strcspn(t, ";"));
	hr->w->pending++;
	writer_submit(job);
}
