/*
 * test-door.c: the door's data rules: login throttling per account and
 * address, per address and per account, failing closed; the one name of
 * each checkpoint; check-ins stored under other names before migration
 * 0004, and staff sessions numbered by it; the nonce of a scan taken
 * whole or refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "unit.h"
#include "store-door.h"

static char	db_path[64];

static void
setup(void)
{
	snprintf(db_path, sizeof db_path, "/tmp/tt-unit-%d-XXXXXX", getpid());
	ck_assert_int_ne(mkstemp(db_path), -1);
	unlink(db_path);
}

static void
teardown(void)
{
	char	path[96];

	unlink(db_path);
	snprintf(path, sizeof path, "%s-wal", db_path);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db_path);
	unlink(path);
}

START_TEST(checkpoint_canonical_names)
{
	ck_assert_int_eq(store_checkpoint_parse("main"), 0);
	ck_assert_int_eq(store_checkpoint_parse("session-9"), 9);
	ck_assert_int_eq(store_checkpoint_parse("session-10"), 10);
	ck_assert_int_eq(store_checkpoint_parse("session-900719925474099"),
	    900719925474099LL);
}
END_TEST

START_TEST(checkpoint_aliases_refused)
{
	const char	*bad[] = { "session-09", "session-+9", "session- 9",
	    "session-\t9", "session-9 ", "SESSION-9", "Session-9",
	    "session-9.0", "session-0x9", "session-0", "session--9",
	    "session-", "session", "session-9a", "session-9\n", "session_9",
	    " session-9", "MAIN", "main ", " main", "Main", "", "m",
	    "session-99999999999999999999", "session-9223372036854775808" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(store_checkpoint_parse(bad[i]) == -1, "\"%s\"",
		    bad[i]);
}
END_TEST

static int64_t
query_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A database at schema 3 (before 0004), with rows given as SQL. */
static void
make_schema_3(const char *rows)
{
	sqlite3	*db;
	int	 i;

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(strncmp(db_migrations[i].name, "000", 3), 0);
		ck_assert_msg(sqlite3_exec(db, db_migrations[i].sql, NULL, NULL,
		    NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	}
	ck_assert_str_eq(db_migrations[i].name, "0004-door-scopes.sql");
	ck_assert_msg(sqlite3_exec(db, rows, NULL, NULL, NULL) == SQLITE_OK,
	    "%s", sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 3", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * Check-ins stored under other names of a checkpoint before 0004 take its
 * one name; of several live ones for one attendee, the first stays.
 */
START_TEST(checkpoint_aliases_merged_by_migration)
{
	struct store	*st;
	char		*cause = NULL;

	make_schema_3(
	    "INSERT INTO users (id, name, role, password_hash, created_at)"
	    " VALUES (1, 'anna', 'door', 'x', 1);"
	    "INSERT INTO checkins (id, attendee_id, checkpoint, at, user_id)"
	    " VALUES (1, 1, 'session-9', 300, 1), (2, 1, 'session-09', 100, 1),"
	    " (3, 1, 'session-+9', 200, 1), (4, 2, 'session- 9', 100, 1),"
	    " (5, 2, 'main', 100, 1), (6, 3, 'session-011', 100, 1),"
	    " (7, 3, 'session-9', 100, 1);"
	    "INSERT INTO checkins (id, attendee_id, checkpoint, at, user_id,"
	    " undone_at, undone_by) VALUES (8, 4, 'session-0009', 50, 1, 60,"
	    " 1), (9, 4, 'session-9', 70, 1, NULL, NULL);");
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
	ck_assert_int_eq(store_user_version(st), store_migration_count());
	ck_assert_int_eq(query_int(st, "SELECT count(*) FROM checkins WHERE"
	    " checkpoint NOT IN ('main', 'session-9', 'session-11')"), 0);
	/* Attendee 1: the first of the three stays, the others are undone. */
	ck_assert_int_eq(query_int(st, "SELECT count(*) FROM checkins"
	    " WHERE attendee_id = 1 AND undone_at IS NULL"), 1);
	ck_assert_int_eq(query_int(st, "SELECT id FROM checkins"
	    " WHERE attendee_id = 1 AND undone_at IS NULL"), 2);
	ck_assert_int_eq(query_int(st, "SELECT count(*) FROM checkins WHERE"
	    " attendee_id = 1 AND undone_at IS NOT NULL AND undone_by IS NULL"),
	    2);
	/* Others are renamed, and an undone one stays undone as it was. */
	ck_assert_int_eq(query_int(st, "SELECT count(*) FROM checkins WHERE"
	    " undone_at IS NULL"), 6);
	ck_assert_int_eq(query_int(st, "SELECT id FROM checkins WHERE"
	    " attendee_id = 2 AND checkpoint = 'session-9'"), 4);
	ck_assert_int_eq(query_int(st, "SELECT id FROM checkins WHERE"
	    " attendee_id = 3 AND checkpoint = 'session-11'"), 6);
	ck_assert_int_eq(query_int(st, "SELECT undone_at FROM checkins WHERE"
	    " id = 8 AND checkpoint = 'session-9'"), 60);
	store_close(st);
}
END_TEST

/* Staff stay logged in across 0004; their sessions get numbers. */
START_TEST(sessions_numbered_by_migration)
{
	struct store	*st;
	struct staff	 who;
	char		*cause = NULL, csrf[STAFF_TOKEN_LEN + 1];
	char		 token[STAFF_TOKEN_LEN + 1], csrf2[STAFF_TOKEN_LEN + 1];
	unsigned char	 hash[32];
	char		 sql[512], hex[65];

	memset(token, 'A', STAFF_TOKEN_LEN);
	token[STAFF_TOKEN_LEN] = '\0';
	crypto_generichash(hash, sizeof hash, (unsigned char *)token,
	    strlen(token), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(sql, sizeof sql,
	    "INSERT INTO users (id, name, role, password_hash, created_at)"
	    " VALUES (1, 'anna', 'door', 'x', 1);"
	    "INSERT INTO staff_sessions VALUES (x'%s', 1, 'c', 1, 4102444800);"
	    "INSERT INTO scan_nonces VALUES ('n', 1, '{}', 1);", hex);
	make_schema_3(sql);
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
	ck_assert_int_eq(store_session_find(st, token, 2, &who, csrf), 0);
	ck_assert_str_eq(who.name, "anna");
	ck_assert_int_eq(who.session, 1);
	ck_assert_int_eq(query_int(st, "SELECT count(*) FROM scan_nonces"), 0);
	/* A session that has ended does not lend its number to the next. */
	ck_assert_int_eq(store_session_delete(st, token), 0);
	ck_assert_int_eq(store_session_create(st, &who, "-", token, csrf2, 2),
	    0);
	ck_assert_int_eq(store_session_find(st, token, 3, &who, csrf), 0);
	ck_assert_int_eq(who.session, 2);
	store_close(st);
}
END_TEST

static struct store *
open_store(void)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(db_path, STORE_WRITER | STORE_NO_DEMO, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
	return st;
}

static void
fail_n(struct store *st, int n, const char *name, const char *address,
    int64_t at)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(store_login_failed(st, name, address, at), 0);
}

#define NOW	1000000

/* Failures for an account at one address lock neither the account at
 * another address nor another account at that one. */
START_TEST(login_throttled_per_account_and_address)
{
	struct store	*st = open_store();

	fail_n(st, LOGIN_MAX_PER_PAIR - 1, "anna", "10.0.0.1", NOW - 60);
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    0);
	fail_n(st, 1, "anna", "10.0.0.1", NOW - 30);
	/* Until the oldest of the last five leaves the window. */
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    LOGIN_WINDOW - 60);
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.2", NULL, NOW),
	    0);
	ck_assert_int_eq(store_login_wait(st, "olle", "10.0.0.1", NULL, NOW),
	    0);
	/* Failures older than the window do not count. */
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL,
	    NOW - 60 + LOGIN_WINDOW), 0);
	store_close(st);
}
END_TEST

START_TEST(login_throttled_per_address)
{
	struct store	*st = open_store();

	char		 name[32];

	for (int i = 0; i < LOGIN_MAX_PER_ADDRESS - 1; i++) {
		snprintf(name, sizeof name, "guess%d", i);
		fail_n(st, 1, name, "10.0.0.1", NOW - 10);
	}
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    0);
	fail_n(st, 1, "other", "10.0.0.1", NOW - 5);
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    LOGIN_WINDOW - 10);
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.2", NULL, NOW),
	    0);
	store_close(st);
}
END_TEST

/* Guessing from many addresses meets the per-account ceiling. */
START_TEST(login_throttled_per_account_from_many_addresses)
{
	struct store	*st = open_store();
	char		 address[32];

	for (int i = 0; i < LOGIN_MAX_PER_ACCOUNT; i++) {
		snprintf(address, sizeof address, "10.0.%d.%d", i / 250,
		    i % 250);
		fail_n(st, 1, "anna", address, NOW - 100 + i / 10);
	}
	ck_assert_int_eq(store_login_wait(st, "anna", "10.9.9.9", NULL, NOW),
	    LOGIN_WINDOW - 100);
	ck_assert_int_eq(store_login_wait(st, "olle", "10.9.9.9", NULL, NOW),
	    0);
	store_close(st);
}
END_TEST

/* Attempts in flight count as failures that are yet to be recorded. */
START_TEST(login_in_flight_count_as_failures)
{
	struct store	*st = open_store();
	int		 flying[LOGIN_SCOPES] = { 0 };

	fail_n(st, 3, "anna", "10.0.0.1", NOW - 60);
	flying[LOGIN_PAIR] = 1;
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", flying,
	    NOW), 0);
	flying[LOGIN_PAIR] = 2;
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", flying,
	    NOW), LOGIN_WINDOW - 60);
	flying[LOGIN_PAIR] = LOGIN_MAX_PER_PAIR;
	ck_assert_int_eq(store_login_wait(st, "olle", "10.0.0.1", flying,
	    NOW), LOGIN_WINDOW);
	flying[LOGIN_PAIR] = 0;
	flying[LOGIN_ADDRESS] = LOGIN_MAX_PER_ADDRESS - 3;
	ck_assert_int_eq(store_login_wait(st, "olle", "10.0.0.1", flying,
	    NOW), LOGIN_WINDOW - 60);
	store_close(st);
}
END_TEST

/* A database that cannot count refuses the login. */
START_TEST(login_throttle_fails_closed)
{
	struct store	*st = open_store();

	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    0);
	ck_assert_int_eq(store_exec(st, "DROP TABLE login_failures"), 0);
	ck_assert_int_eq(store_login_wait(st, "anna", "10.0.0.1", NULL, NOW),
	    -1);
	store_close(st);
}
END_TEST

/*
 * A nonce "n\u0000a" was taken as "n", so that a second scan with
 * "n\u0000b" from the same session got the first scan's stored answer.
 */
START_TEST(scan_nonce_cut_at_nul_refused)
{
	struct scan_input	 in;
	json_t			*body, *fields;

	body = json_loads("{\"code\": \"TT-AAAAAR7KQ2MDXV4BNCC6DW5HJBT\","
	    " \"nonce\": \"n\\u0000a\"}", JSON_ALLOW_NUL, NULL);
	ck_assert_ptr_nonnull(body);
	fields = scan_parse(body, &in);
	ck_assert_ptr_nonnull(json_object_get(fields, "nonce"));
	ck_assert_ptr_null(in.nonce);
	json_decref(fields);
	json_decref(body);

	body = json_loads("{\"attendee_id\": 17, \"nonce\": \"door2-000183\"}",
	    0, NULL);
	fields = scan_parse(body, &in);
	ck_assert_int_eq(json_object_size(fields), 0);
	ck_assert_str_eq(in.nonce, "door2-000183");
	json_decref(fields);
	json_decref(body);
}
END_TEST

Suite *
suite_door(void)
{
	Suite	*s = suite_create("door");
	TCase	*login = tcase_create("login throttling");
	TCase	*names = tcase_create("checkpoint names");
	TCase	*mig = tcase_create("migration");
	TCase	*scans = tcase_create("scans");

	tcase_add_checked_fixture(login, setup, teardown);
	tcase_add_test(login, login_throttled_per_account_and_address);
	tcase_add_test(login, login_throttled_per_address);
	tcase_add_test(login, login_throttled_per_account_from_many_addresses);
	tcase_add_test(login, login_in_flight_count_as_failures);
	tcase_add_test(login, login_throttle_fails_closed);
	tcase_add_test(names, checkpoint_canonical_names);
	tcase_add_test(names, checkpoint_aliases_refused);
	tcase_add_checked_fixture(mig, setup, teardown);
	tcase_add_test(mig, checkpoint_aliases_merged_by_migration);
	tcase_add_test(mig, sessions_numbered_by_migration);
	suite_add_tcase(s, login);
	suite_add_tcase(s, names);
	tcase_add_test(scans, scan_nonce_cut_at_nul_refused);
	suite_add_tcase(s, mig);
	suite_add_tcase(s, scans);
	return s;
}
