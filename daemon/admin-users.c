/*
 * admin-users.c: the team. Organisers make door and organiser accounts,
 * disable and enable them, and reset a password; a new or reset password
 * is made up here, hashed on the slow thread, and shown once in the
 * answer. Nobody can disable, or take the role from, the last active
 * organiser. Disabling an account, or resetting its password, ends its
 * sessions.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"
#include "resource.h"

static const char *const roles[] = { "door", "organiser", NULL };

static const struct field fields[] = {
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED | FIELD_UNIQUE, .max = 63,
	  .valid = staff_name_ok },
	{ .name = "role", .column = "role", .type = FIELD_CHOICE,
	  .choices = roles },
	{ .name = "disabled", .column = "disabled", .type = FIELD_BOOL },
	{ .name = "password_hash", .column = "password_hash",
	  .type = FIELD_TEXT, .flags = FIELD_HIDDEN },
	{ .name = "created_at", .column = "created_at", .type = FIELD_TIME,
	  .flags = FIELD_CREATED },
	{ .name = NULL }
};

static int
active_organiser(const json_t *row)
{
	return row != NULL && resource_int(row, "disabled", 1) == 0 &&
	    strcmp(json_string_value(json_object_get(row, "role")),
	    "organiser") == 0;
}

/* The active organisers other than id: their number, or -1. */
static int64_t
other_organisers(struct store *st, int64_t id)
{
	static const char	 sql[] = "SELECT count(*) FROM users"
	    " WHERE role = 'organiser' AND disabled = 0 AND id <> ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 n = -1;

	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

static int
user_check(struct store *st, int64_t parent, json_t *row,
    const json_t *before, struct store_error *err)
{
	int64_t	id = resource_int(row, "id", 0), others;

	(void)parent;
	if (active_organiser(before) && !active_organiser(row)) {
		if ((others = other_organisers(st, id)) < 0)
			return -1;
		if (others == 0) {
			store_error_set(err, 409, "last_organiser", "the last "
			    "active organiser cannot be disabled or made door "
			    "staff");
			return -1;
		}
	}
	return 0;
}

static int
end_sessions(struct store *st, int64_t user)
{
	static const char	 sql[] = "DELETE FROM staff_sessions"
	    " WHERE user_id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, user);
	return store_step_done(st, s);
}

static int
user_after(struct store *st, int64_t id, int64_t parent, const json_t *row,
    const json_t *before, struct store_error *err)
{
	(void)parent;
	(void)before;
	(void)err;
	if (resource_int(row, "disabled", 0))
		return end_sessions(st, id);
	return 0;
}

/* A made-up password and its argon2id hash (on the slow thread). */
static int
new_password(char pw[PASSWORD_GENERATED + 1],
    char hash[crypto_pwhash_STRBYTES])
{
	token_random(pw, PASSWORD_GENERATED);
	pw[PASSWORD_GENERATED] = '\0';
	return crypto_pwhash_str(hash, pw, strlen(pw), PWHASH_OPS,
	    PWHASH_MEM);
}

static int
user_prepare(json_t *values, json_t **shown_once)
{
	char	pw[PASSWORD_GENERATED + 1], hash[crypto_pwhash_STRBYTES];

	if (new_password(pw, hash) != 0)
		return -1;
	*shown_once = json_pack("{s:s}", "password", pw);
	json_object_set_new(values, "password_hash", json_string(hash));
	sodium_memzero(pw, sizeof pw);
	return 0;
}

static struct resource users = {
	.name = "user",
	.table = "users",
	.fields = fields,
	.order = "name",
	.check = user_check,
	.after = user_after,
	.prepare = user_prepare,
};

/* A password reset: the account, and the new password and its hash. */
struct reset {
	int64_t		 id;
	struct staff	 who;
	char		 address[64];
	char		 password[PASSWORD_GENERATED + 1];
	char		 hash[crypto_pwhash_STRBYTES];
	int		 made;
};

static void
reset_free(void *arg)
{
	struct reset	*r = arg;

	sodium_memzero(r->password, sizeof r->password);
	free(r);
}

static void
reset_hash(struct job *job)
{
	struct reset	*r = job->data;

	if (new_password(r->password, r->hash) != 0)
		store_error_set(&job->err, 503, "unavailable", "not enough "
		    "memory to make a password; try again");
}

static int
reset_run(struct store *st, struct job *job)
{
	static const char	 sql[] = "UPDATE users SET password_hash = ?2,"
	    " version = version + 1 WHERE id = ?1";
	struct reset		*r = job->data;
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			 detail[48];

	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_text(s, 2, r->hash, -1, SQLITE_STATIC);
	if (store_step_done(st, s) != 0)
		return -1;
	if (sqlite3_changes(store_db(st)) == 0) {
		store_error_set(&job->err, 404, "not_found", "no such user");
		return -1;
	}
	snprintf(detail, sizeof detail, "{\"id\":%lld}", (long long)r->id);
	if (end_sessions(st, r->id) != 0 || store_audit(st, &r->who, NULL,
	    "user.password_reset", detail, r->address, (int64_t)time(NULL)) != 0)
		return -1;
	job->answer = json_pack("{s:I, s:s}", "id", (json_int_t)r->id,
	    "password", r->password);
	return 0;
}

static const struct job_type reset_job = {
	.name = "password_reset",
	.slow = reset_hash,
	.run = reset_run,
};

/* POST /api/v1/admin/users/{id}/password: a new password, shown once. */
static void
api_user_password_reset(struct http_req *hr)
{
	struct reset	*r;
	char		*end;
	long long	 id = strtoll(hr->args[0], &end, 10);

	if (*hr->args[0] < '1' || *hr->args[0] > '9' || *end != '\0') {
		http_reply_error(hr, 404, "not_found", "no such user", NULL);
		return;
	}
	r = xcalloc(1, sizeof *r);
	r->id = id;
	r->who = hr->who;
	http_client_address(hr, r->address, sizeof r->address);
	job_submit(hr, &reset_job, r, reset_free);
}

const struct route admin_users_routes[] = {
	{ .path = "/api/v1/admin/users", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list, .data = &users },
	{ .path = "/api/v1/admin/users", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create, .data = &users },
	{ .path = "/api/v1/admin/users/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get, .data = &users },
	{ .path = "/api/v1/admin/users/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update, .data = &users },
	{ .path = "/api/v1/admin/users/*/password", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = api_user_password_reset },
	{ .path = NULL }
};
