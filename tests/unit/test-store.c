/*
 * test-store.c: migrations on an empty and an up-to-date database, opening
 * without migrating, the statement cache, the demo data, and the seat
 * rules: quotas, event capacity, the waitlist and its promotion,
 * idempotency keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "unit.h"

static char		 db_path[64];
static struct store	*st;
static int		 seq;

static void
setup(void)
{
	char	*cause = NULL;

	snprintf(db_path, sizeof db_path, "/tmp/tt-unit-%d-XXXXXX", getpid());
	ck_assert_int_ne(mkstemp(db_path), -1);
	unlink(db_path);
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
}

static void
teardown(void)
{
	char	path[96];

	store_close(st);
	unlink(db_path);
	snprintf(path, sizeof path, "%s-wal", db_path);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db_path);
	unlink(path);
}

static int64_t
query_int(const char *sql)
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

static void
set_limits(int64_t tt, const char *quota, int waitlist, const char *capacity)
{
	char	sql[256];

	snprintf(sql, sizeof sql, "UPDATE ticket_types SET quota = %s,"
	    " waitlist = %d WHERE id = %lld; UPDATE events SET capacity = %s;",
	    quota, waitlist, (long long)tt, capacity);
	ck_assert_int_eq(store_exec(st, sql), 0);
}

/* A registration of n attendees with fresh addresses, in its own commit. */
static int64_t
register_n(int64_t tt, size_t n, struct store_error *err)
{
	struct reg_input	in;
	char			email[REG_MAX_ATTENDEES][64];
	int			replayed;
	int64_t			id;

	memset(&in, 0, sizeof in);
	in.ticket_type = tt;
	in.contact = (struct reg_person){ .first_name = "Åsa",
	    .last_name = "Lindström-Öberg", .email = "asa@example.se",
	    .email_norm = "asa@example.se", .company = "Pressverk AB",
	    .phone = "", .job_title = "", .dietary = "" };
	in.nattendees = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(email[i], sizeof email[i], "p%d@example.se", ++seq);
		in.attendees[i] = (struct reg_person){ .first_name = "Zoë",
		    .last_name = "Ødegård-Łukasiewicz", .email = email[i],
		    .email_norm = email[i], .company = "", .phone = "",
		    .job_title = "", .dietary = "" };
	}
	memset(err, 0, sizeof *err);
	ck_assert_int_eq(store_begin(st), 0);
	id = store_register(st, &in, NULL, NULL, &replayed, err);
	if (id < 0)
		store_rollback(st);
	else
		ck_assert_int_eq(store_commit(st), 0);
	return id;
}

static const char *
attendee_status(int64_t reg_id, int nth)
{
	static char	 status[16];
	sqlite3_stmt	*s;

	sqlite3_prepare_v2(store_db(st), "SELECT status FROM attendees WHERE"
	    " registration_id = ?1 ORDER BY id LIMIT 1 OFFSET ?2", -1, &s,
	    NULL);
	sqlite3_bind_int64(s, 1, reg_id);
	sqlite3_bind_int(s, 2, nth);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	snprintf(status, sizeof status, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return status;
}

static const char *
token_of(int64_t reg_id)
{
	static char	 token[64];
	sqlite3_stmt	*s;

	sqlite3_prepare_v2(store_db(st), "SELECT manage_token FROM"
	    " registrations WHERE id = ?1", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, reg_id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	snprintf(token, sizeof token, "%s", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return token;
}

static int64_t
cancel(int64_t reg_id)
{
	struct store_error	err = { 0 };
	char			token[64];
	int64_t			id;

	snprintf(token, sizeof token, "%s", token_of(reg_id));
	ck_assert_int_eq(store_begin(st), 0);
	id = store_cancel(st, token, &err);
	ck_assert_int_eq(store_commit(st), 0);
	return id;
}

START_TEST(migrates_an_empty_database_and_loads_the_demo)
{
	ck_assert_int_eq(store_user_version(st), store_migration_count());
	ck_assert_int_eq(query_int("SELECT count(*) FROM events"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM rooms"), 3);
	ck_assert_int_eq(query_int("SELECT count(*) FROM speakers"), 8);
	ck_assert_int_ge(query_int("SELECT count(*) FROM sessions"), 12);
	ck_assert_int_eq(query_int("SELECT count(*) FROM ticket_types"), 4);
	ck_assert_int_eq(query_int("PRAGMA foreign_keys"), 1);
}
END_TEST

START_TEST(reopens_an_up_to_date_database_unchanged)
{
	char		*cause = NULL;

	store_close(st);
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_user_version(st), store_migration_count());
	/* The demo is loaded once only. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM events"), 1);
}
END_TEST

START_TEST(refuses_a_newer_database)
{
	char	*cause = NULL;

	ck_assert_int_eq(store_exec(st, "PRAGMA user_version = 999"), 0);
	store_close(st);
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(cause, "newer"));
	free(cause);
	st = store_open(":memory:", STORE_WRITER | STORE_NO_DEMO, &cause);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(query_int("SELECT count(*) FROM events"), 0);
}
END_TEST

/* Only the daemon migrates: the other programs refuse an older schema. */
START_TEST(no_migrate_refuses_other_schemas)
{
	char		*cause = NULL, sql[64], want[64];
	int		 n = store_migration_count();
	struct store	*other;

	other = store_open(db_path, STORE_WRITER | STORE_NO_MIGRATE, &cause);
	ck_assert_msg(other != NULL, "%s", cause ? cause : "");
	store_close(other);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", n - 1);
	ck_assert_int_eq(store_exec(st, sql), 0);
	other = store_open(db_path, STORE_WRITER | STORE_NO_MIGRATE, &cause);
	ck_assert_ptr_null(other);
	snprintf(want, sizeof want, "has schema version %d, this unit-tests "
	    "needs %d", n - 1, n);
	ck_assert_msg(strstr(cause, want) != NULL, "%s", cause);
	free(cause);
	ck_assert_int_eq(store_user_version(st), n - 1);
	ck_assert_int_eq(store_exec(st, "PRAGMA user_version = 99"), 0);
	other = store_open(db_path, STORE_WRITER | STORE_NO_MIGRATE, &cause);
	ck_assert_ptr_null(other);
	ck_assert_ptr_nonnull(strstr(cause, "newer"));
	free(cause);
	/* Nor does it create one. */
	other = store_open("/tmp/tt-unit-no-such.db", STORE_WRITER |
	    STORE_NO_MIGRATE, &cause);
	ck_assert_ptr_null(other);
	free(cause);
	ck_assert_int_eq(access("/tmp/tt-unit-no-such.db", F_OK), -1);
}
END_TEST

/* More statements than the cache first holds: it grows, and keeps them. */
START_TEST(statement_cache_grows)
{
	static char	 sql[200][40];
	sqlite3_stmt	*first, *last, *s;

	for (int i = 0; i < 200; i++) {
		snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
		s = store_stmt(st, sql[i]);
		ck_assert_int_eq(store_step(st, s), STORE_ROW);
		ck_assert_int_eq(sqlite3_column_int(s, 0), i);
		sqlite3_reset(s);
	}
	first = store_stmt(st, sql[0]);
	last = store_stmt(st, sql[199]);
	ck_assert_ptr_eq(store_stmt(st, sql[0]), first);
	ck_assert_ptr_eq(store_stmt(st, sql[199]), last);
	ck_assert_int_eq(store_step(st, last), STORE_ROW);
	ck_assert_int_eq(sqlite3_column_int(last, 0), 199);
	sqlite3_reset(last);
}
END_TEST

START_TEST(quota_then_waitlist_in_order)
{
	struct store_error	err;
	int64_t			r[5];

	set_limits(1, "2", 1, "NULL");
	for (int i = 0; i < 5; i++)
		ck_assert_int_gt(r[i] = register_n(1, 1, &err), 0);
	ck_assert_str_eq(attendee_status(r[0], 0), "confirmed");
	ck_assert_str_eq(attendee_status(r[1], 0), "confirmed");
	ck_assert_str_eq(attendee_status(r[2], 0), "waitlisted");
	ck_assert_int_eq(query_int("SELECT confirmed_count FROM ticket_types"
	    " WHERE id = 1"), 2);

	/* A cancellation promotes the first in line, and only that one. */
	ck_assert_int_eq(cancel(r[1]), r[1]);
	ck_assert_str_eq(attendee_status(r[1], 0), "cancelled");
	ck_assert_str_eq(attendee_status(r[2], 0), "confirmed");
	ck_assert_str_eq(attendee_status(r[3], 0), "waitlisted");
	ck_assert_int_eq(query_int("SELECT count(*) FROM attendees WHERE"
	    " registration_id = 3 AND pass_code LIKE 'TT-%'"), 1);
	ck_assert_int_eq(query_int("SELECT confirmed_count FROM ticket_types"
	    " WHERE id = 1"), 2);
	/* Cancelling again changes nothing. */
	ck_assert_int_eq(cancel(r[1]), r[1]);
	ck_assert_str_eq(attendee_status(r[3], 0), "waitlisted");
}
END_TEST

START_TEST(partial_registration)
{
	struct store_error	err;
	int64_t			id;
	sqlite3_stmt		*s;

	set_limits(1, "1", 1, "NULL");
	ck_assert_int_gt(id = register_n(1, 3, &err), 0);
	ck_assert_str_eq(attendee_status(id, 0), "confirmed");
	ck_assert_str_eq(attendee_status(id, 1), "waitlisted");
	ck_assert_str_eq(attendee_status(id, 2), "waitlisted");
	sqlite3_prepare_v2(store_db(st), "SELECT status FROM registrations"
	    " WHERE id = 1", -1, &s, NULL);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "partial");
	sqlite3_finalize(s);
}
END_TEST

START_TEST(full_without_waitlist_writes_nothing)
{
	struct store_error	err;

	set_limits(3, "2", 0, "NULL");
	ck_assert_int_gt(register_n(3, 1, &err), 0);
	ck_assert_int_eq(register_n(3, 2, &err), -1);
	ck_assert_int_eq(err.status, 409);
	ck_assert_str_eq(err.code, "full");
	store_error_clear(&err);
	ck_assert_int_eq(query_int("SELECT count(*) FROM attendees"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM registrations"), 1);
	ck_assert_int_gt(register_n(3, 1, &err), 0);
	ck_assert_int_eq(register_n(3, 1, &err), -1);
	store_error_clear(&err);
}
END_TEST

START_TEST(event_capacity_binds_across_types)
{
	struct store_error	err;

	ck_assert_int_eq(store_exec(st, "UPDATE ticket_types SET quota ="
	    " NULL, waitlist = 0; UPDATE events SET capacity = 3"), 0);
	ck_assert_int_gt(register_n(1, 2, &err), 0);
	ck_assert_int_gt(register_n(2, 1, &err), 0);
	ck_assert_int_eq(register_n(3, 1, &err), -1);
	ck_assert_int_eq(err.status, 409);
	store_error_clear(&err);
	ck_assert_int_eq(query_int("SELECT confirmed_count FROM events"), 3);
}
END_TEST

START_TEST(hidden_and_unknown_types_refused)
{
	struct store_error	err;

	ck_assert_int_eq(register_n(4, 1, &err), -1);	/* speaker: hidden */
	ck_assert_int_eq(err.status, 422);
	ck_assert_ptr_nonnull(json_object_get(err.fields, "ticket_type"));
	store_error_clear(&err);
	ck_assert_int_eq(register_n(99, 1, &err), -1);
	ck_assert_int_eq(err.status, 422);
	store_error_clear(&err);
}
END_TEST

START_TEST(idempotency_key_replays)
{
	struct reg_input	in;
	struct store_error	err = { 0 };
	unsigned char		h1[32] = { 1 }, h2[32] = { 2 };
	int			replayed;
	int64_t			a, b;

	memset(&in, 0, sizeof in);
	in.ticket_type = 1;
	in.contact = (struct reg_person){ .first_name = "A", .last_name = "B",
	    .email = "a@b.se", .email_norm = "a@b.se", .company = "",
	    .phone = "", .job_title = "", .dietary = "" };
	in.nattendees = 1;
	in.attendees[0] = in.contact;
	store_begin(st);
	a = store_register(st, &in, "key-1", h1, &replayed, &err);
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(replayed, 0);
	b = store_register(st, &in, "key-1", h1, &replayed, &err);
	ck_assert_int_eq(b, a);
	ck_assert_int_eq(replayed, 1);
	ck_assert_int_eq(store_register(st, &in, "key-1", h2, &replayed, &err),
	    -1);
	ck_assert_int_eq(err.status, 409);
	store_commit(st);
	store_error_clear(&err);
	ck_assert_int_eq(query_int("SELECT count(*) FROM attendees"), 1);
}
END_TEST

START_TEST(recount_repairs_counters_and_promotes)
{
	struct store_error	err;
	int64_t			a, b;

	set_limits(1, "1", 1, "NULL");
	a = register_n(1, 1, &err);
	b = register_n(1, 1, &err);
	ck_assert_str_eq(attendee_status(b, 0), "waitlisted");
	/* An organiser raises the quota by hand; start-up recounts. */
	ck_assert_int_eq(store_exec(st, "UPDATE ticket_types SET quota = 5,"
	    " confirmed_count = 0 WHERE id = 1"), 0);
	store_begin(st);
	ck_assert_int_eq(store_recount(st), 0);
	store_commit(st);
	ck_assert_str_eq(attendee_status(a, 0), "confirmed");
	ck_assert_str_eq(attendee_status(b, 0), "confirmed");
	ck_assert_int_eq(query_int("SELECT confirmed_count FROM ticket_types"
	    " WHERE id = 1"), 2);
}
END_TEST

/* A study visit with one seat: the second sign-up is refused whole. */
START_TEST(session_seats_hold_and_are_released)
{
	struct store_error	err = { 0 };
	struct reg_input	in;
	int			replayed;
	int64_t			first;

	ck_assert_int_eq(store_exec(st, "UPDATE sessions SET seats = 1"
	    " WHERE id = 9"), 0);
	memset(&in, 0, sizeof in);
	in.ticket_type = 1;
	in.contact = (struct reg_person){ .first_name = "A", .last_name = "B",
	    .email = "a@b.se", .email_norm = "a@b.se", .company = "",
	    .phone = "", .job_title = "", .dietary = "" };
	in.nattendees = 1;
	in.attendees[0] = in.contact;
	in.attendees[0].nsessions = 1;
	in.attendees[0].sessions[0] = 9;
	store_begin(st);
	first = store_register(st, &in, NULL, NULL, &replayed, &err);
	ck_assert_int_gt(first, 0);
	in.attendees[0].email = in.attendees[0].email_norm = "c@d.se";
	ck_assert_int_eq(store_register(st, &in, NULL, NULL, &replayed, &err),
	    -1);
	ck_assert_int_eq(err.status, 409);
	ck_assert_str_eq(err.code, "session_full");
	ck_assert_ptr_nonnull(json_object_get(err.fields,
	    "attendees.0.sessions"));
	store_error_clear(&err);
	/* Not a session that takes sign-ups. */
	in.attendees[0].sessions[0] = 3;
	ck_assert_int_eq(store_register(st, &in, NULL, NULL, &replayed, &err),
	    -1);
	ck_assert_int_eq(err.status, 422);
	store_error_clear(&err);
	store_rollback(st);
	ck_assert_int_eq(query_int("SELECT taken FROM sessions WHERE id = 9"),
	    0);
}
END_TEST

START_TEST(cancel_releases_session_seats)
{
	struct store_error	err = { 0 };
	struct reg_input	in;
	int			replayed;
	int64_t			id;

	memset(&in, 0, sizeof in);
	in.ticket_type = 1;
	in.contact = (struct reg_person){ .first_name = "A", .last_name = "B",
	    .email = "a@b.se", .email_norm = "a@b.se", .company = "",
	    .phone = "", .job_title = "", .dietary = "" };
	in.nattendees = 1;
	in.attendees[0] = in.contact;
	in.attendees[0].nsessions = 2;
	in.attendees[0].sessions[0] = 9;
	in.attendees[0].sessions[1] = 11;
	store_begin(st);
	id = store_register(st, &in, NULL, NULL, &replayed, &err);
	store_commit(st);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(query_int("SELECT sum(taken) FROM sessions"), 2);
	cancel(id);
	ck_assert_int_eq(query_int("SELECT sum(taken) FROM sessions"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM attendee_sessions"),
	    0);
}
END_TEST

START_TEST(event_and_programme_json)
{
	json_t	*ev = store_event_json(st, store_current_event(st));
	json_t	*p = store_programme_json(st, store_current_event(st));
	json_t	*types = json_object_get(ev, "ticket_types");
	json_t	*days = json_object_get(p, "days");
	const char *starts;

	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(json_array_size(types), 3);	/* speaker hidden */
	ck_assert_int_eq(json_integer_value(json_object_get(
	    json_array_get(types, 0), "remaining")), 60);
	ck_assert_uint_eq(json_array_size(days), 2);
	starts = json_string_value(json_object_get(json_array_get(
	    json_object_get(json_array_get(days, 0), "sessions"), 0),
	    "starts_at"));
	ck_assert_str_eq(starts, "2027-11-30T08:30:00+01:00");
	json_decref(ev);
	json_decref(p);
}
END_TEST

Suite *
suite_store(void)
{
	Suite	*s = suite_create("store");
	TCase	*mig = tcase_create("migrations"), *cap = tcase_create("seats");

	tcase_add_checked_fixture(mig, setup, teardown);
	tcase_add_test(mig, migrates_an_empty_database_and_loads_the_demo);
	tcase_add_test(mig, reopens_an_up_to_date_database_unchanged);
	tcase_add_test(mig, refuses_a_newer_database);
	tcase_add_test(mig, event_and_programme_json);
	tcase_add_test(mig, statement_cache_grows);
	tcase_add_test(mig, no_migrate_refuses_other_schemas);
	tcase_add_checked_fixture(cap, setup, teardown);
	tcase_add_test(cap, quota_then_waitlist_in_order);
	tcase_add_test(cap, partial_registration);
	tcase_add_test(cap, full_without_waitlist_writes_nothing);
	tcase_add_test(cap, event_capacity_binds_across_types);
	tcase_add_test(cap, hidden_and_unknown_types_refused);
	tcase_add_test(cap, idempotency_key_replays);
	tcase_add_test(cap, recount_repairs_counters_and_promotes);
	tcase_add_test(cap, session_seats_hold_and_are_released);
	tcase_add_test(cap, cancel_releases_session_seats);
	suite_add_tcase(s, mig);
	suite_add_tcase(s, cap);
	return s;
}
