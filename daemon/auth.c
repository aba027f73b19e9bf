/*
 * auth.c: who is asking. Staff sessions come from the tt_session cookie;
 * a request that changes something must also carry the session's CSRF
 * token in X-CSRF-Token. Passwords are checked on the slow thread
 * (slow.c): the scanning at the door must not wait for argon2id. Logins in
 * flight are counted here, so that a burst cannot outrun the throttling.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>
#include <sodium.h>

#include "techtankd.h"

#define COOKIE_NAME "tt_session"

static char dummy_hash[crypto_pwhash_STRBYTES];

/*
 * Logins between their throttle check and the record of their outcome,
 * over all workers. A failure is recorded only after argon2id, so without
 * this a burst of parallel logins would all pass the check and all be
 * hashed; counted as failures to come, they keep the recorded failures
 * plus those in flight within the limits.
 */
struct login_flight {
	char	user[64];
	char	address[64];
};
static struct {
	pthread_mutex_t		 lock;
	struct login_flight	*v;
	size_t			 n, size;
} flights = { .lock = PTHREAD_MUTEX_INITIALIZER };

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
/*
 * The staff session of a request's cookie, sending nothing: 0 with who
 * filled in (its CSRF token too), -1 for none, -2 for one expired, -3 if
 * the store could not say.
 */
int
auth_session_who(struct http_req *hr, struct staff *who)
{
	char		 buf[STAFF_TOKEN_LEN + 8], csrf[STAFF_TOKEN_LEN + 1];
	const char	*token = auth_session_token(hr, buf, sizeof buf);
	int		 rc = -1;

	if (token != NULL)
		rc = store_session_find(hr->w->store, token,
		    (int64_t)time(NULL), who, csrf);
	snprintf(who->csrf, sizeof who->csrf, "%s", rc == 0 ? csrf : "");
	return rc == 0 || rc == -2 || rc == -3 ? rc : -1;
}

int
auth_staff(struct http_req *hr, const char *role, struct staff *who)
{
	const char	*sent;
	int		 rc = auth_session_who(hr, who);

	if (rc == -3) {
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 503, "unavailable", "the session could "
		    "not be checked; please try again", NULL);
		return -1;
	}
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
	    sodium_memcmp(sent, who->csrf, STAFF_TOKEN_LEN) != 0) {
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
 * Before a login's password goes to argon2id: 0 if it may, and it is in
 * flight until auth_login_end(); else the seconds to wait (429), or -1 if
 * the failures could not be counted (refuse it: 503). The count and the
 * entry are made under one lock, so that no two logins take the last place.
 */
int
auth_login_begin(struct store *st, const char *user, const char *address)
{
	struct login_flight	*f;
	int			 inflight[LOGIN_SCOPES] = { 0 }, wait;

	pthread_mutex_lock(&flights.lock);
	for (size_t i = 0; i < flights.n; i++) {
		int	same_user = strcmp(flights.v[i].user, user) == 0;
		int	same_address = strcmp(flights.v[i].address,
		    address) == 0;

		inflight[LOGIN_PAIR] += same_user && same_address;
		inflight[LOGIN_ADDRESS] += same_address;
		inflight[LOGIN_ACCOUNT] += same_user;
	}
	wait = store_login_wait(st, user, address, inflight,
	    (int64_t)time(NULL));
	if (wait == 0) {
		if (flights.n == flights.size) {
			flights.size = flights.size ? flights.size * 2 : 16;
			flights.v = xreallocarray(flights.v, flights.size,
			    sizeof *flights.v);
		}
		f = &flights.v[flights.n++];
		snprintf(f->user, sizeof f->user, "%s", user);
		snprintf(f->address, sizeof f->address, "%s", address);
	}
	pthread_mutex_unlock(&flights.lock);
	return wait;
}

/* A login admitted by auth_login_begin() has its outcome recorded. */
void
auth_login_end(const char *user, const char *address)
{
	pthread_mutex_lock(&flights.lock);
	for (size_t i = 0; i < flights.n; i++) {
		if (strcmp(flights.v[i].user, user) == 0 &&
		    strcmp(flights.v[i].address, address) == 0) {
			flights.v[i] = flights.v[--flights.n];
			break;
		}
	}
	pthread_mutex_unlock(&flights.lock);
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
 * costs the same time as a wrong password. It is written in the encoding
 * crypto_pwhash_str() makes, with the same costs and a random salt and
 * digest, rather than computed from a password: no password has it, and
 * every start would otherwise spend an argon2id on it.
 */
int
auth_init(char **cause)
{
	unsigned char	salt[crypto_pwhash_SALTBYTES], digest[32];
	char		salt64[sodium_base64_ENCODED_LEN(crypto_pwhash_SALTBYTES,
			    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char		digest64[sodium_base64_ENCODED_LEN(32,
			    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	int		n;

	randombytes_buf(salt, sizeof salt);
	randombytes_buf(digest, sizeof digest);
	sodium_bin2base64(salt64, sizeof salt64, salt, sizeof salt,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64(digest64, sizeof digest64, digest, sizeof digest,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	n = snprintf(dummy_hash, sizeof dummy_hash,
	    "$argon2id$v=19$m=%u,t=%u,p=1$%s$%s", (unsigned)(PWHASH_MEM / 1024),
	    (unsigned)PWHASH_OPS, salt64, digest64);
	/* The library reads it as a hash of exactly these costs. */
	if (n < 0 || (size_t)n >= sizeof dummy_hash ||
	    crypto_pwhash_str_needs_rehash(dummy_hash, PWHASH_OPS,
	    PWHASH_MEM) != 0) {
		xasprintf(cause, "argon2id hashes of this libsodium differ");
		return -1;
	}
	return 0;
}
