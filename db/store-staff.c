/*
 * store-staff.c: staff accounts (argon2id password hashes), their login
 * sessions (the cookie's token is stored only as a hash), login throttling
 * and the audit log of staff actions.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store-door.h"


/*
 * A user name: small letters, digits and "._-@". Logins fold what is
 * typed to small letters, so "Anna" signs in as anna.
 */
int
staff_name_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > 63)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if ((!isalnum((unsigned char)*p) || isupper((unsigned char)*p)) &&
		    strchr("._-@", *p) == NULL)
			return 0;
	return 1;
}

int
store_user_add(struct store *st, const char *name, const char *role,
    const char *password, char **cause)
{
	static const char	 sql[] =
	    "INSERT INTO users (name, role, password_hash, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)";
	char			 hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt		*s;
	int			 unique;

	if (!staff_name_ok(name)) {
		xasprintf(cause, "a user name is 1 to 63 small letters, digits "
		    "or ._-@");
		return -1;
	}
	if (strcmp(role, "door") != 0 && strcmp(role, "organiser") != 0) {
		xasprintf(cause, "the role is door or organiser, not %s", role);
		return -1;
	}
	if (strlen(password) < PASSWORD_MIN) {
		xasprintf(cause, "a password needs at least %d characters",
		    PASSWORD_MIN);
		return -1;
	}
	if (crypto_pwhash_str(hash, password, strlen(password), PWHASH_OPS,
	    PWHASH_MEM) != 0) {
		xasprintf(cause, "not enough memory to hash the password");
		return -1;
	}
	s = store_stmt(st, sql);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
	if (store_step(st, s) != STORE_DONE) {
		unique = sqlite3_extended_errcode(store_db(st)) ==
		    SQLITE_CONSTRAINT_UNIQUE;
		sqlite3_reset(s);
		xasprintf(cause, unique ? "there is already a user %s" :
		    "cannot add %s", name);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

int
store_user_disable(struct store *st, const char *name, char **cause)
{
	static const char	 sql[] =
	    "UPDATE users SET disabled = 1 WHERE name = ?1";
	static const char	 sessions_sql[] =
	    "DELETE FROM staff_sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE name = ?1)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0) {
		xasprintf(cause, "cannot disable %s", name);
		return -1;
	}
	if (sqlite3_changes(store_db(st)) == 0) {
		xasprintf(cause, "no user %s", name);
		return -1;
	}
	s = store_stmt(st, sessions_sql);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}

/* Every user, or NULL when the database failed. */
json_t *
store_user_list(struct store *st)
{
	static const char	 sql[] =
	    "SELECT name, role, disabled, created_at FROM users ORDER BY name";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:I}",
		    "name", COL_TEXT(s, 0), "role", COL_TEXT(s, 1),
		    "disabled", sqlite3_column_int(s, 2),
		    "created_at", (json_int_t)sqlite3_column_int64(s, 3)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/*
 * An enabled user and their password hash (*hash owned by the caller):
 * 0, -1 when there is no such user, -2 when the database failed.
 */
int
store_user_for_login(struct store *st, const char *name, struct staff *who,
    char **hash)
{
	static const char	 sql[] =
	    "SELECT id, role, password_hash, name FROM users"
	    " WHERE name = ?1 COLLATE NOCASE AND disabled = 0"
	    " ORDER BY name = ?1 DESC LIMIT 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;
	int			 rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	step = store_step(st, s);
	rc = step == STORE_ERROR ? -2 : -1;
	if (step == STORE_ROW) {
		who->id = sqlite3_column_int64(s, 0);
		snprintf(who->name, sizeof who->name, "%s", COL_TEXT(s, 3));
		snprintf(who->role, sizeof who->role, "%s", COL_TEXT(s, 1));
		*hash = xstrdup(COL_TEXT(s, 2));
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

/*
 * Seconds until a login for name from address may be tried: 0 if now, or
 * -1 if the database failed (throttling fails closed: refuse the login).
 * Attempts still in flight (inflight[], per LOGIN_SCOPES; may be NULL)
 * count as failures, so that a burst cannot outrun the limits. In each
 * scope the login must wait while its last (limit - in flight) failures
 * are all within the window: until the oldest of them leaves it.
 */
int
store_login_wait(struct store *st, const char *name, const char *address,
    const int inflight[LOGIN_SCOPES], int64_t now)
{
	static const char	 pair_sql[] =
	    "SELECT count(*), min(at) FROM (SELECT at FROM login_failures"
	    " WHERE username = ?1 AND address = ?2 AND at > ?3"
	    " ORDER BY at DESC LIMIT ?4)";
	static const char	 address_sql[] =
	    "SELECT count(*), min(at) FROM (SELECT at FROM login_failures"
	    " WHERE address = ?2 AND at > ?3"
	    " ORDER BY at DESC LIMIT ?4)";
	static const char	 account_sql[] =
	    "SELECT count(*), min(at) FROM (SELECT at FROM login_failures"
	    " WHERE username = ?1 AND at > ?3"
	    " ORDER BY at DESC LIMIT ?4)";
	static const struct {
		const char	*sql;
		int		 limit;
	} scopes[LOGIN_SCOPES] = {
		[LOGIN_PAIR] = { pair_sql, LOGIN_MAX_PER_PAIR },
		[LOGIN_ADDRESS] = { address_sql, LOGIN_MAX_PER_ADDRESS },
		[LOGIN_ACCOUNT] = { account_sql, LOGIN_MAX_PER_ACCOUNT },
	};
	int			 wait = 0;

	for (int i = 0; i < LOGIN_SCOPES; i++) {
		int		 need = scopes[i].limit -
		    (inflight != NULL ? inflight[i] : 0);
		sqlite3_stmt	*s;
		enum store_step	 rc;

		if (need <= 0) {
			/* In flight alone fill the scope, as if all fail. */
			wait = LOGIN_WINDOW;
			continue;
		}
		s = store_stmt(st, scopes[i].sql);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, address, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, now - LOGIN_WINDOW);
		sqlite3_bind_int(s, 4, need);
		if ((rc = store_step(st, s)) == STORE_ROW &&
		    sqlite3_column_int(s, 0) >= need) {
			int	w = (int)(sqlite3_column_int64(s, 1) +
			    LOGIN_WINDOW - now);

			if (w > wait)
				wait = w;
		}
		sqlite3_reset(s);
		if (rc != STORE_ROW)
			return -1;
	}
	return wait;
}

int
store_login_failed(struct store *st, const char *name, const char *address,
    int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO login_failures (username, address, at)"
	    " VALUES (?1, ?2, ?3)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, address, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return store_step_done(st, s);
}

static void
token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token,
	    strlen(token), NULL, 0);
}

int
store_session_create(struct store *st, const struct staff *who,
    const char *address, char token[STAFF_TOKEN_LEN + 1],
    char csrf[STAFF_TOKEN_LEN + 1], int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO staff_sessions (token_hash, user_id, csrf_token,"
	    " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";
	/*
	 * A login is the moment to forget what has served its time: ended
	 * sessions, failures older than throttling counts, and the nonces
	 * of scans too old to be a retry. Each with the time before which.
	 */
	static const struct {
		const char	*sql;
		int64_t		 age;
	} gc[] = {
		{ "DELETE FROM staff_sessions WHERE expires_at < ?1", 0 },
		{ "DELETE FROM login_failures WHERE at <= ?1", LOGIN_WINDOW },
		{ "DELETE FROM scan_nonces WHERE created_at < ?1",
		  SCAN_NONCE_TTL },
	};
	sqlite3_stmt		*s;
	unsigned char		 hash[32];

	(void)address;
	token_random(token, STAFF_TOKEN_LEN);
	token_random(csrf, STAFF_TOKEN_LEN);
	token_hash(token, hash);
	for (size_t i = 0; i < sizeof gc / sizeof gc[0]; i++) {
		s = store_stmt(st, gc[i].sql);
		sqlite3_bind_int64(s, 1, now - gc[i].age);
		if (store_step_done(st, s) != 0)
			return -1;
	}
	s = store_stmt(st, sql);
	sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, who->id);
	sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now + STAFF_SESSION_TTL);
	return store_step_done(st, s);
}

int
store_session_delete(struct store *st, const char *token)
{
	static const char	 sql[] =
	    "DELETE FROM staff_sessions WHERE token_hash = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	unsigned char		 hash[32];

	token_hash(token, hash);
	sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	return store_step_done(st, s);
}

/* 0: a live session; -1: none; -2: expired; -3: the database failed. */
int
store_session_find(struct store *st, const char *token, int64_t now,
    struct staff *who, char csrf[STAFF_TOKEN_LEN + 1])
{
	static const char	 sql[] =
	    "SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at, s.id"
	    " FROM staff_sessions s JOIN users u ON u.id = s.user_id"
	    " WHERE s.token_hash = ?1 AND u.disabled = 0";
	sqlite3_stmt		*s = store_stmt(st, sql);
	unsigned char		 hash[32];
	enum store_step		 step;
	int			 rc;

	if (strlen(token) != STAFF_TOKEN_LEN)
		return -1;
	token_hash(token, hash);
	sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	step = store_step(st, s);
	rc = step == STORE_ERROR ? -3 : -1;
	if (step == STORE_ROW) {
		rc = sqlite3_column_int64(s, 4) <= now ? -2 : 0;
		who->id = sqlite3_column_int64(s, 0);
		snprintf(who->name, sizeof who->name, "%s", COL_TEXT(s, 1));
		snprintf(who->role, sizeof who->role, "%s", COL_TEXT(s, 2));
		snprintf(csrf, STAFF_TOKEN_LEN + 1, "%s", COL_TEXT(s, 3));
		who->session = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	return rc;
}

int
store_audit(struct store *st, const struct staff *who, const char *username,
    const char *action, const char *detail, const char *address, int64_t now)
{
	static const char	 sql[] =
	    "INSERT INTO audit_log (at, user_id, username, action, detail,"
	    " address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, now);
	if (who != NULL)
		sqlite3_bind_int64(s, 2, who->id);
	sqlite3_bind_text(s, 3, who != NULL ? who->name : username, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 4, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, address, -1, SQLITE_STATIC);
	return store_step_done(st, s);
}
