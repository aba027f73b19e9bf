/*
 * api-session.c: staff log in and out. POST /api/v1/session checks the
 * password on the slow thread, then the writer records the session (or
 * the failure) with the audit log; GET tells a page who is logged in
 * (GET .../probe the same, without a 401 for one who is not); DELETE logs
 * out. Failures are counted per (account, address) pair, per
 * address and per account, with the logins still in flight counted as
 * failures, so a burst cannot reach argon2id more often than the limits
 * allow (auth_login_begin()); those beyond them answer 429.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"

struct login {
	char		*username;
	char		*password;	/* wiped once checked */
	char		*hash;		/* NULL: no such user */
	struct staff	 who;
	char		 address[64];
	int		 verified;	/* 1 good, 0 bad */
	char		 session[STAFF_TOKEN_LEN + 1];
	char		 csrf[STAFF_TOKEN_LEN + 1];
	int		 admitted;	/* counted in flight by auth.c */
};

/*
 * Freed once answered, after the writer recorded the outcome: only then
 * does the login stop counting as in flight.
 */
static void
login_free(void *arg)
{
	struct login	*l = arg;

	if (l->admitted)
		auth_login_end(l->username, l->address);
	free(l->username);
	if (l->password != NULL) {
		sodium_memzero(l->password, strlen(l->password));
		free(l->password);
	}
	free(l->hash);
	sodium_memzero(l->session, sizeof l->session);
	free(l);
}

/* On the slow thread: argon2id. */
static void
login_verify(struct job *job)
{
	struct login	*l = job->data;

	l->verified = auth_verify(l->hash, l->password);
	sodium_memzero(l->password, strlen(l->password));
}

static int
login_run(struct store *st, struct job *job)
{
	struct login	*l = job->data;
	int64_t		 now = (int64_t)time(NULL);

	/* Not throttled again: auth_login_begin() counted it in flight. */
	if (l->verified > 0)
		return store_session_create(st, &l->who, l->address,
		    l->session, l->csrf, now) != 0 ||
		    store_audit(st, &l->who, NULL, "login", "", l->address,
		    now) != 0 ? -1 : 0;
	return store_login_failed(st, l->username, l->address, now) != 0 ||
	    store_audit(st, NULL, l->username, "login_failed", "",
	    l->address, now) != 0 ? -1 : 0;
}

static void
too_many_attempts(struct http_req *hr, int wait)
{
	char	retry[16];

	snprintf(retry, sizeof retry, "%d", wait);
	http_header(hr, "Retry-After", retry);
	http_reply_error(hr, 429, "too_many_attempts", "too many failed "
	    "logins; wait and try again", NULL);
}

static void
login_done(struct job *job)
{
	struct login	*l = job->data;
	struct http_req	*hr = job->hr;

	if (l->verified == 0)
		http_reply_error(hr, 401, "bad_login",
		    "wrong user name or password", NULL);
	else {
		auth_set_cookie(hr, l->session);
		http_reply_json(hr, 200, json_pack("{s:s, s:s, s:s}",
		    "csrf_token", l->csrf, "role", l->who.role,
		    "name", l->who.name));
	}
}

static const struct job_type login_job = {
	.name = "login",
	.slow = login_verify,
	.run = login_run,
	.done = login_done,
};

/* A JSON string field of 1..max bytes with no NUL inside, or NULL. */
static const char *
string_field(json_t *body, const char *name, size_t max)
{
	json_t	*v = json_object_get(body, name);

	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

static void
api_session_login(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct login		*l;
	const char		*user, *password;
	json_t			*body;
	char			 address[64], name[USERNAME_MAX + 1];
	size_t			 len;
	int			 wait;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	user = string_field(body, "username", USERNAME_MAX);
	password = string_field(body, "password", PASSWORD_MAX);
	if (user == NULL || password == NULL) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed", "give a user "
		    "name and a password", json_pack("{s:s}", user == NULL ?
		    "username" : "password", "required"));
		return;
	}
	/* Names are small letters: "Anna" is anna, throttled as anna. */
	snprintf(name, sizeof name, "%s", user);
	for (char *p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	user = name;
	http_client_address(hr, address, sizeof address);
	/* Once admitted, the login is in flight until login_free(). */
	if ((wait = auth_login_begin(hr->w->store, user, address)) != 0) {
		json_decref(body);
		if (wait < 0)
			http_reply_error(hr, 503, "unavailable", "logins cannot "
			    "be checked just now; please try again", NULL);
		else
			too_many_attempts(hr, wait);
		return;
	}
	l = xcalloc(1, sizeof *l);
	l->admitted = 1;
	l->username = xstrdup(user);
	l->password = xstrdup(password);
	snprintf(l->address, sizeof l->address, "%s", address);
	json_decref(body);
	switch (store_user_for_login(hr->w->store, l->username, &l->who,
	    &l->hash)) {
	case 0:
		break;
	case -1:
		l->hash = NULL;	/* checked against the dummy hash */
		break;
	default:
		login_free(l);
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 503, "unavailable", "logins cannot be "
		    "checked just now; please try again", NULL);
		return;
	}
	job_submit(hr, &login_job, l, login_free);
}

static void
api_session_get(struct http_req *hr)
{
	http_reply_json(hr, 200, json_pack("{s:s, s:s, s:s}", "name",
	    hr->who.name, "role", hr->who.role, "csrf_token", hr->who.csrf));
}

/*
 * GET /api/v1/session/probe: who is logged in, for a page that asks before
 * it knows (the console's start). A visitor who is not answers 200 with
 * {"user": null, "reason": "login_required" or "session_expired"}, so the
 * browser logs no failed request; GET /api/v1/session keeps its 401.
 */
static void
api_session_probe(struct http_req *hr)
{
	struct staff	 who;
	int		 rc = auth_session_who(hr, &who);

	if (rc == -3) {
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 503, "unavailable", "the session could "
		    "not be checked; please try again", NULL);
	} else if (rc != 0)
		http_reply_json(hr, 200, json_pack("{s:n, s:s}", "user",
		    "reason", rc == -2 ? "session_expired" : "login_required"));
	else
		http_reply_json(hr, 200, json_pack("{s:{s:s, s:s, s:s}}",
		    "user", "name", who.name, "role", who.role, "csrf_token",
		    who.csrf));
}

struct logout {
	struct staff	 who;
	char		 address[64];
	char		 token[STAFF_TOKEN_LEN + 1];
};

static void
logout_free(void *arg)
{
	struct logout	*lo = arg;

	sodium_memzero(lo->token, sizeof lo->token);
	free(lo);
}

static int
logout_run(struct store *st, struct job *job)
{
	struct logout	*lo = job->data;

	return store_session_delete(st, lo->token) != 0 ||
	    store_audit(st, &lo->who, NULL, "logout", "", lo->address,
	    (int64_t)time(NULL)) != 0 ? -1 : 0;
}

static void
logout_done(struct job *job)
{
	auth_set_cookie(job->hr, NULL);
	http_reply_json(job->hr, 200, json_pack("{s:b}", "logged_out", 1));
}

static const struct job_type logout_job = {
	.name = "logout",
	.run = logout_run,
	.done = logout_done,
};

/* The session ended is the one the router authenticated: same parser. */
static void
api_session_logout(struct http_req *hr)
{
	struct logout	*lo = xcalloc(1, sizeof *lo);

	lo->who = hr->who;
	http_client_address(hr, lo->address, sizeof lo->address);
	if (auth_session_token(hr, lo->token, sizeof lo->token) == NULL) {
		logout_free(lo);
		http_reply_error(hr, 401, "login_required",
		    "log in as staff first", NULL);
		return;
	}
	job_submit(hr, &logout_job, lo, logout_free);
}

/* A staff member's own new password, checked against the current one. */
struct password_change {
	struct staff	 who;
	char		 address[64];
	char		*current;	/* wiped once checked */
	char		*fresh;		/* wiped once hashed */
	char		*hash;		/* of the current password */
	char		 new_hash[crypto_pwhash_STRBYTES];
	int		 verified;
};

static void
wipe(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static void
password_change_free(void *arg)
{
	struct password_change	*pc = arg;

	wipe(pc->current);
	wipe(pc->fresh);
	free(pc->hash);
	free(pc);
}

/* On the slow thread: argon2id twice, to check and to hash. */
static void
password_change_hash(struct job *job)
{
	struct password_change	*pc = job->data;

	pc->verified = auth_verify(pc->hash, pc->current);
	if (pc->verified && crypto_pwhash_str(pc->new_hash, pc->fresh,
	    strlen(pc->fresh), PWHASH_OPS, PWHASH_MEM) != 0)
		store_error_set(&job->err, 503, "unavailable", "not enough "
		    "memory to hash the password; try again");
}

static int
password_change_run(struct store *st, struct job *job)
{
	static const char	 sql[] = "UPDATE users SET password_hash = ?2,"
	    " version = version + 1 WHERE id = ?1";
	static const char	 others_sql[] = "DELETE FROM staff_sessions"
	    " WHERE user_id = ?1 AND id <> ?2";
	struct password_change	*pc = job->data;
	int64_t			 now = (int64_t)time(NULL);
	sqlite3_stmt		*s;

	if (!pc->verified) {
		/* A wrong current password counts as a failed login. */
		if (store_login_failed(st, pc->who.name, pc->address, now) != 0)
			return -1;
		job->answer = json_pack("{s:s}", "current", "wrong_password");
		job->status = 422;
		return 0;
	}
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, pc->who.id);
	sqlite3_bind_text(s, 2, pc->new_hash, -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0)
		return -1;
	/* Other sessions of the account end; this one goes on. */
	s = store_stmt(st, others_sql);
	sqlite3_bind_int64(s, 1, pc->who.id);
	sqlite3_bind_int64(s, 2, pc->who.session);
	if (store_step_done(st, s) != 0 || store_audit(st, &pc->who, NULL,
	    "user.password_change", "", pc->address, now) != 0)
		return -1;
	job->answer = json_pack("{s:b}", "changed", 1);
	return 0;
}

static void
password_change_done(struct job *job)
{
	if (job->status == 422) {
		http_reply_error(job->hr, 422, "validation_failed", "the current "
		    "password is not right", job->answer);
		job->answer = NULL;
		return;
	}
	http_reply_json(job->hr, 200, job->answer);
	job->answer = NULL;
}

static const struct job_type password_change_job = {
	.name = "password_change",
	.slow = password_change_hash,
	.run = password_change_run,
	.done = password_change_done,
};

/* POST /api/v1/session/password {"current", "new"}: any staff member. */
static void
api_session_password(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct password_change	*pc;
	struct staff		 who;
	const char		*current, *fresh;
	json_t			*body, *fields = json_object();
	size_t			 len;
	int			 wait;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		json_decref(fields);
		return;
	}
	if ((current = string_field(body, "current", PASSWORD_MAX)) == NULL)
		json_object_set_new(fields, "current", json_string("required"));
	if ((fresh = string_field(body, "new", PASSWORD_MAX)) == NULL)
		json_object_set_new(fields, "new", json_string("required"));
	else if (utf8_count(fresh) < PASSWORD_MIN)
		json_object_set_new(fields, "new", json_string("too_short"));
	if (json_object_size(fields) > 0) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed", "give the "
		    "current password and a new one of at least 10 "
		    "characters", fields);
		return;
	}
	json_decref(fields);
	pc = xcalloc(1, sizeof *pc);
	pc->who = hr->who;
	http_client_address(hr, pc->address, sizeof pc->address);
	wait = store_login_wait(hr->w->store, hr->who.name, pc->address, NULL,
	    (int64_t)time(NULL));
	if (wait != 0 || store_user_for_login(hr->w->store, hr->who.name, &who,
	    &pc->hash) != 0) {
		json_decref(body);
		password_change_free(pc);
		if (wait > 0)
			too_many_attempts(hr, wait);
		else
			http_reply_read(hr, NULL);
		return;
	}
	pc->current = xstrdup(current);
	pc->fresh = xstrdup(fresh);
	json_decref(body);
	job_submit(hr, &password_change_job, pc, password_change_free);
}

const struct route api_session_routes[] = {
	{ .path = "/api/v1/session/password", .methods = M_POST,
	  .auth = AUTH_DOOR, .handler = api_session_password },
	{ .path = "/api/v1/session/probe", .methods = M_GET,
	  .handler = api_session_probe },
	{ .path = "/api/v1/session", .methods = M_POST,
	  .handler = api_session_login },
	{ .path = "/api/v1/session", .methods = M_GET, .auth = AUTH_DOOR,
	  .handler = api_session_get },
	{ .path = "/api/v1/session", .methods = M_DELETE, .auth = AUTH_DOOR,
	  .handler = api_session_logout },
	{ .path = NULL }
};
