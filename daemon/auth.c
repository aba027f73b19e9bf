/*
 * auth.c: who is asking. Staff sessions come from the tt_session cookie;
 * a request that changes something must also carry the session's CSRF
 * token in X-CSRF-Token. Passwords are checked on the slow thread
 * (slow.c): the scanning at the door must not wait for argon2id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "techtankd.h"

#define COOKIE_NAME "tt_session"

static char dummy_hash[crypto_pwhash_STRBYTES];

/* The peer's address, for throttling and the audit log. */
void
auth_address(struct http_req *hr, char *out, size_t len)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(hr->req);
	char			*peer = NULL;
	ev_uint16_t		 port;

	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	snprintf(out, len, "%s", peer ? peer : "-");
}

/*
 * The value of cookie name in a Cookie header (RFC 6265: "a=1; b=2") into
 * out; 0, or -1 when it is absent, empty, too long for out or given twice
 * (two values for a session are one too many to trust).
 */
int
cookie_get(const char *header, const char *name, char *out, size_t len)
{
	const char	*p, *v;
	size_t		 nlen = strlen(name), n;
	int		 found = 0;

	for (p = header; p != NULL && *p != '\0'; ) {
		p += strspn(p, " \t");
		n = strcspn(p, ";");
		if (n > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			v = p + nlen + 1;
			n -= nlen + 1;
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (found++ || n == 0 || n >= len)
				return -1;
			memcpy(out, v, n);
			out[n] = '\0';
			p = v + n;
		} else
			p += n;
		p += strspn(p, "; \t");
	}
	return found ? 0 : -1;
}

/* The session token of a request's cookie, or NULL. */
const char *
auth_session_token(struct http_req *hr, char *buf, size_t len)
{
	if (cookie_get(http_input_header(hr, "Cookie"), COOKIE_NAME, buf,
	    len) != 0)
		return NULL;
	return buf;
}

/*
 * The staff member behind a request, who must hold at least the role
 * (door < organiser); changing requests must bring the CSRF token. Returns
 * 0, or -1 once an error (401, 403) has been sent.
 */
int
auth_staff(struct http_req *hr, const char *role, struct staff *who)
{
	char		 buf[STAFF_TOKEN_LEN + 8], csrf[STAFF_TOKEN_LEN + 1];
	const char	*token = auth_session_token(hr, buf, sizeof buf), *sent;
	int		 rc = -1;

	if (token != NULL)
		rc = store_session_find(hr->w->store, token,
		    (int64_t)time(NULL), who, csrf);
	snprintf(who->csrf, sizeof who->csrf, "%s", rc == 0 ? csrf : "");
	if (rc == -2) {
		http_reply_error(hr, 401, "session_expired",
		    "the session has expired; log in again", NULL);
		return -1;
	}
	if (rc != 0) {
		http_reply_error(hr, 401, "login_required",
		    "log in as staff first", NULL);
		return -1;
	}
	if (strcmp(role, "organiser") == 0 &&
	    strcmp(who->role, "organiser") != 0) {
		http_reply_error(hr, 403, "forbidden",
		    "this needs the organiser role", NULL);
		return -1;
	}
	if (hr->method == EVHTTP_REQ_GET || hr->method == EVHTTP_REQ_HEAD)
		return 0;
	sent = evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    "X-CSRF-Token");
	if (sent == NULL || strlen(sent) != STAFF_TOKEN_LEN ||
	    sodium_memcmp(sent, csrf, STAFF_TOKEN_LEN) != 0) {
		http_reply_error(hr, 403, "csrf", "missing or wrong "
		    "X-CSRF-Token header", NULL);
		return -1;
	}
	return 0;
}

/* The cookie that starts (token) or ends (NULL) a session. */
void
auth_set_cookie(struct http_req *hr, const char *token)
{
	char	cookie[256];

	if (token != NULL)
		snprintf(cookie, sizeof cookie, COOKIE_NAME "=%s; Path=/; "
		    "Max-Age=%d; HttpOnly; SameSite=Strict%s", token,
		    STAFF_SESSION_TTL, hr->w->srv->cfg.secure_cookies ?
		    "; Secure" : "");
	else
		snprintf(cookie, sizeof cookie, COOKIE_NAME "=; Path=/; "
		    "Max-Age=0; HttpOnly; SameSite=Strict%s",
		    hr->w->srv->cfg.secure_cookies ? "; Secure" : "");
	http_header(hr, "Set-Cookie", cookie);
}

/*
 * Whether password is the one of hash (on the slow thread): a missing user
 * (hash NULL) costs the same argon2id as a wrong password.
 */
int
auth_verify(const char *hash, const char *password)
{
	int	ok = crypto_pwhash_str_verify(hash ? hash : dummy_hash,
	    password, strlen(password)) == 0;

	return ok && hash != NULL;
}

/*
 * A hash to verify when the user does not exist, so that an unknown name
 * costs the same time as a wrong password.
 */
int
auth_init(char **cause)
{
	char	pw[33];

	token_random(pw, sizeof pw - 1);
	pw[sizeof pw - 1] = '\0';
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), PWHASH_OPS,
	    PWHASH_MEM) != 0) {
		xasprintf(cause, "not enough memory for argon2id");
		return -1;
	}
	return 0;
}
