/*
 * test-store-faults.c: registering, cancelling and promoting the waitlist
 * while the database fails. A progress handler interrupts the Nth step of
 * SQLite's virtual machine (SQLITE_INTERRUPT), once, for every N until the
 * operation runs to its end without meeting the fault. Each attempt runs as
 * the writer runs a job (BEGIN IMMEDIATE, SAVEPOINT job, ROLLBACK TO job on
 * failure, RELEASE job); after it, the seat counters must equal the
 * confirmed attendees, an operation that met the fault must have failed
 * and left nothing behind, and one that did not must have done all of its
 * work. Door scans are swept the same way; login throttling, likewise
 * interrupted, must stay on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-change.h"
#include "store-door.h"
#include "unit.h"

#define FAULT_SWEEP_MAX	200000	/* far more VM steps than any operation */

static struct store	*st;

/* The one-shot fault: interrupt the step numbered at. */
static struct {
	long	steps, at;
	int	fired;
} fault;

static int
fault_progress(void *arg)
{
	(void)arg;
	if (++fault.steps != fault.at)
		return 0;
	fault.fired = 1;
	return 1;
}

static void
fault_arm(long at)
{
	fault.steps = 0;
	fault.at = at;
	fault.fired = 0;
	sqlite3_progress_handler(store_db(st), 1, fault_progress, NULL);
}

static void
fault_disarm(void)
{
	sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
}

/* SQL for the checks, outside the store's statement cache. */
static char *
query_text(const char *sql)
{
	sqlite3_stmt	*s;
	char		*v;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = xstrdup(sqlite3_column_text(s, 0) ?
	    (const char *)sqlite3_column_text(s, 0) : "");
	sqlite3_finalize(s);
	return v;
}

static void
exec_ok(const char *sql)
{
	ck_assert_msg(sqlite3_exec(store_db(st), sql, NULL, NULL, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(store_db(st)));
}

/*
 * Everything a seat operation or a scan changes, as text: statuses,
 * counters, sign-ups, idempotency keys, check-ins, nonces, the audit log. Random codes and clock times are left
 * out (only whether they are set), so that two runs compare equal.
 */
static char *
snapshot(void)
{
	return query_text("SELECT group_concat(x, ' ') FROM (SELECT x FROM ("
	    " SELECT 'a' || id || ':' || registration_id || ':' || status"
	    "  || ':' || (pass_code IS NOT NULL) || (confirmed_at IS NOT NULL)"
	    "  || (cancelled_at IS NOT NULL) AS x FROM attendees"
	    " UNION ALL SELECT 'r' || id || ':' || status || ':'"
	    "  || (cancelled_at IS NOT NULL) FROM registrations"
	    " UNION ALL SELECT 't' || id || ':' || confirmed_count"
	    "  FROM ticket_types"
	    " UNION ALL SELECT 'e' || id || ':' || confirmed_count FROM events"
	    " UNION ALL SELECT 's' || id || ':' || taken FROM sessions"
	    " UNION ALL SELECT 'x' || attendee_id || ':' || session_id"
	    "  FROM attendee_sessions"
	    " UNION ALL SELECT 'w' || id || ':' || attendee_id || ':'"
	    "  || session_id || ':' || state FROM session_waits"
	    " UNION ALL SELECT 'k' || key || ':' || registration_id"
	    "  FROM idempotency_keys"
	    " UNION ALL SELECT 'c' || id || ':' || attendee_id || ':'"
	    "  || checkpoint || ':' || (undone_at IS NOT NULL) FROM checkins"
	    " UNION ALL SELECT 'n' || nonce FROM scan_nonces"
	    " UNION ALL SELECT 'l' || count(*) FROM audit_log) ORDER BY x)");
}

/* Counters that disagree with the attendees they count. */
static char *
miscounts(void)
{
	return query_text("SELECT group_concat(x, ' ') FROM ("
	    " SELECT 'ticket type ' || id AS x FROM ticket_types t"
	    "  WHERE confirmed_count <> (SELECT count(*) FROM attendees a"
	    "  WHERE a.ticket_type_id = t.id AND a.status = 'confirmed')"
	    " UNION ALL SELECT 'event ' || id FROM events e"
	    "  WHERE confirmed_count <> (SELECT count(*) FROM attendees a"
	    "  WHERE a.event_id = e.id AND a.status = 'confirmed')"
	    " UNION ALL SELECT 'session ' || id FROM sessions s"
	    "  WHERE taken <> (SELECT count(*) FROM attendee_sessions x"
	    "  JOIN attendees a ON a.id = x.attendee_id"
	    "  WHERE x.session_id = s.id AND a.status = 'confirmed')"
	    " UNION ALL SELECT 'seat of unconfirmed attendee ' || attendee_id"
	    "  FROM attendee_sessions x JOIN attendees a ON a.id = x.attendee_id"
	    "  WHERE a.status <> 'confirmed'"
	    " UNION ALL SELECT 'line of cancelled attendee ' || attendee_id"
	    "  FROM session_waits x JOIN attendees a ON a.id = x.attendee_id"
	    "  WHERE a.status = 'cancelled'"
	    " UNION ALL SELECT 'waiting unconfirmed ' || attendee_id"
	    "  FROM session_waits x JOIN attendees a ON a.id = x.attendee_id"
	    "  WHERE x.state = 'waiting' AND a.status <> 'confirmed'"
	    " UNION ALL SELECT 'seated and in line ' || x.attendee_id"
	    "  FROM session_waits x JOIN attendee_sessions y"
	    "  ON y.attendee_id = x.attendee_id AND y.session_id = x.session_id"
	    " UNION ALL SELECT 'waiting beside a free seat ' || x.attendee_id"
	    "  FROM session_waits x JOIN sessions s ON s.id = x.session_id"
	    "  WHERE x.state = 'waiting' AND s.seats IS NOT NULL"
	    "  AND s.taken < s.seats"
	    " UNION ALL SELECT 'overbooked ticket type ' || id FROM ticket_types"
	    "  WHERE quota IS NOT NULL AND confirmed_count > quota"
	    " UNION ALL SELECT 'overbooked session ' || id FROM sessions"
	    "  WHERE seats IS NOT NULL AND taken > seats)");
}

/* The operation under test: 0 when it reports success, -1 when not. */
typedef int (*fault_op)(void);

static struct reg_input	 reg_in;
static char		 reg_emails[REG_MAX_ATTENDEES][32];
static char		 cancel_token[64];

static void
person_fill(struct reg_person *p, const char *email)
{
	*p = (struct reg_person){ .first_name = "Åsa",
	    .last_name = "Lindström-Öberg", .email = (char *)email,
	    .email_norm = (char *)email, .company = "Pressverk AB",
	    .phone = "", .job_title = "", .dietary = "" };
}

/* A registration of n attendees, each signed up for the two visits. */
static void
reg_input_fill(size_t n, const char *tag)
{
	memset(&reg_in, 0, sizeof reg_in);
	reg_in.ticket_type = 1;
	person_fill(&reg_in.contact, "contact@example.se");
	reg_in.nattendees = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(reg_emails[i], sizeof reg_emails[i], "%s%zu@example.se",
		    tag, i);
		person_fill(&reg_in.attendees[i], reg_emails[i]);
		reg_in.attendees[i].nsessions = 2;
		reg_in.attendees[i].sessions[0] = 9;
		reg_in.attendees[i].sessions[1] = 11;
	}
}

static int
op_register(void)
{
	struct store_error	err = { 0 };
	unsigned char		hash[32] = { 7 };
	int			replayed;
	int64_t			id;

	id = store_register(st, &reg_in, "fault-key", hash, &replayed, &err);
	if (id < 0)
		ck_assert_int_eq(err.status, 500);
	store_error_clear(&err);
	return id < 0 ? -1 : 0;
}

static int
op_cancel(void)
{
	struct store_error	err = { 0 };
	int64_t			id;

	id = store_cancel(st, cancel_token, &err);
	if (id < 0)
		ck_assert_int_eq(err.status, 500);
	store_error_clear(&err);
	return id < 0 ? -1 : 0;
}

static int
op_promote(void)
{
	return store_promote_waitlist(st, 1) < 0 ? -1 : 0;
}

static struct change_by	 choose_by;
static int64_t		 choose_attendee;

/* The study visit's seat holder keeps the dinner alone: the seat goes on. */
static int
op_choose(void)
{
	struct store_error	err = { 0 };
	int64_t			keep[] = { 11 };
	int			rc;

	rc = store_change_sessions(st, &choose_by, choose_attendee, keep, 1,
	    &err);
	if (rc != 0)
		ck_assert_int_eq(err.status, 500);
	store_error_clear(&err);
	return rc;
}

static struct staff	 door_staff = { .id = 1, .session = 1, .name = "door1",
    .role = "door" };
static char		 scan_code[64];
static const char	*scan_result;

/* A scan at the dinner, which takes sign-ups, by pass code with a nonce. */
static int
op_scan(void)
{
	json_t	*answer;

	answer = store_checkin(st, &door_staff, scan_code, 0, "session-9",
	    "nonce-1", "192.0.2.1", (int64_t)time(NULL));
	if (answer == NULL)
		return -1;
	ck_assert_str_eq(json_string_value(json_object_get(answer, "result")),
	    scan_result);
	json_decref(answer);
	return 0;
}

/* One attempt as the writer runs a job; the outer transaction is undone. */
static int
attempt(fault_op op, long at, char **after)
{
	int	rc;

	exec_ok("BEGIN IMMEDIATE; SAVEPOINT job");
	fault_arm(at);
	rc = op();
	fault_disarm();
	/* An interrupted write may have rolled back the whole transaction. */
	if (rc != 0)
		sqlite3_exec(store_db(st), "ROLLBACK TO job", NULL, NULL, NULL);
	sqlite3_exec(store_db(st), "RELEASE job", NULL, NULL, NULL);
	*after = snapshot();
	if (!sqlite3_get_autocommit(store_db(st)))
		exec_ok("ROLLBACK");
	return rc;
}

/*
 * Sweep the fault over every step of op. Returns how many attempts met
 * the fault, for the caller to see that the sweep did sweep.
 */
static long
sweep(fault_op op, const char *what)
{
	char	*before = snapshot(), *expected, *after, *bad;
	long	 at;
	int	 rc;

	ck_assert_msg(*(bad = miscounts()) == '\0', "set-up: %s", bad);
	free(bad);
	/* Without a fault: what the operation does. */
	ck_assert_int_eq(attempt(op, 0, &expected), 0);
	ck_assert_str_ne(expected, before);
	for (at = 1; at < FAULT_SWEEP_MAX; at++) {
		rc = attempt(op, at, &after);
		bad = miscounts();
		ck_assert_msg(*bad == '\0', "%s, fault at step %ld: miscounted"
		    " %s", what, at, bad);
		if (fault.fired) {
			ck_assert_msg(rc != 0, "%s, fault at step %ld: reported"
			    " success", what, at);
			ck_assert_msg(strcmp(after, before) == 0, "%s, fault at"
			    " step %ld: failed but changed\n%s\nto\n%s", what,
			    at, before, after);
		} else {
			ck_assert_msg(rc == 0, "%s: failed without a fault",
			    what);
			ck_assert_msg(strcmp(after, expected) == 0, "%s: %s\n"
			    "instead of\n%s", what, after, expected);
		}
		free(bad);
		free(after);
		if (!fault.fired)
			break;
	}
	ck_assert_int_lt(at, FAULT_SWEEP_MAX);
	free(before);
	free(expected);
	return at - 1;
}

static void
setup(void)
{
	char	*cause = NULL;

	st = store_open(":memory:", STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
}

static void
teardown(void)
{
	fault_disarm();
	store_close(st);
}

/* Commit a registration of n attendees; its manage token in token. */
static int64_t
register_committed(size_t n, const char *tag, char *token, size_t len)
{
	struct store_error	 err = { 0 };
	sqlite3_stmt		*s;
	int			 replayed;
	int64_t			 id;

	reg_input_fill(n, tag);
	ck_assert_int_eq(store_begin(st), 0);
	id = store_register(st, &reg_in, NULL, NULL, &replayed, &err);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(store_commit(st), 0);
	if (token != NULL) {
		sqlite3_prepare_v2(store_db(st), "SELECT manage_token FROM"
		    " registrations WHERE id = ?1", -1, &s, NULL);
		sqlite3_bind_int64(s, 1, id);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
		snprintf(token, len, "%s", sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	return id;
}

/* Two seats left for three: one attendee waits, all take visit seats. */
START_TEST(register_fails_whole_at_every_step)
{
	exec_ok("UPDATE ticket_types SET quota = 4 WHERE id = 1");
	register_committed(2, "first", NULL, 0);
	reg_input_fill(3, "new");
	ck_assert_int_gt(sweep(op_register, "register"), 500);
}
END_TEST

/* Three confirmed attendees cancel; three waiting take their seats. */
START_TEST(cancel_happens_whole_or_not_at_all)
{
	char	*status;

	exec_ok("UPDATE ticket_types SET quota = 3 WHERE id = 1");
	register_committed(3, "held", cancel_token, sizeof cancel_token);
	register_committed(2, "waiting", NULL, 0);
	register_committed(1, "last", NULL, 0);
	status = query_text("SELECT group_concat(status) FROM attendees");
	ck_assert_str_eq(status, "confirmed,confirmed,confirmed,waitlisted,"
	    "waitlisted,waitlisted");
	free(status);
	ck_assert_int_gt(sweep(op_cancel, "cancel"), 500);
}
END_TEST

/* A quota raised by hand: promotion fills the new seats, or nothing. */
START_TEST(promotion_happens_whole_or_not_at_all)
{
	exec_ok("UPDATE ticket_types SET quota = 1 WHERE id = 1");
	register_committed(1, "held", NULL, 0);
	register_committed(3, "waiting", NULL, 0);
	exec_ok("UPDATE ticket_types SET quota = 3 WHERE id = 1");
	ck_assert_int_gt(sweep(op_promote, "promotion"), 200);
}
END_TEST

/*
 * The study visit keeps one seat and a line: one holds it, two confirmed
 * wait for it, and one waitlisted attendee wants it and the dinner.
 */
static void
session_line_fill(void)
{
	char	*states;

	exec_ok("UPDATE ticket_types SET quota = 3 WHERE id = 1;"
	    " UPDATE sessions SET seats = 1, waitlist = 1 WHERE id = 9");
	choose_by.link.registration = register_committed(1, "held",
	    cancel_token, sizeof cancel_token);
	register_committed(2, "line", NULL, 0);
	register_committed(1, "wish", NULL, 0);
	states = query_text("SELECT group_concat(x, ' ') FROM (SELECT"
	    " attendee_id || ':' || session_id || ':' || state AS x"
	    " FROM session_waits ORDER BY id)");
	ck_assert_str_eq(states, "2:9:waiting 3:9:waiting 4:9:wanted"
	    " 4:11:wanted");
	free(states);
}

/* A cancellation hands the seat to the line and honours the wishes. */
START_TEST(session_line_moves_whole_or_not_at_all)
{
	session_line_fill();
	ck_assert_int_gt(sweep(op_cancel, "cancel with a session line"), 500);
}
END_TEST

/* A seat dropped from "my registration" goes to the first in line. */
START_TEST(session_drop_moves_the_line_whole_or_not_at_all)
{
	session_line_fill();
	choose_attendee = 1;
	choose_by.address = "192.0.2.1";
	choose_by.now = (int64_t)time(NULL);
	ck_assert_int_gt(sweep(op_choose, "drop a session"), 100);
}
END_TEST

/* An account with too many failed logins stays throttled through a fault. */
START_TEST(login_throttle_fails_closed)
{
	int64_t	now = (int64_t)time(NULL);
	long	at;
	int	rc = 0;

	for (int i = 0; i < LOGIN_MAX_PER_PAIR; i++)
		ck_assert_int_eq(store_login_failed(st, "door1", "192.0.2.1",
		    now - i), 0);
	for (at = 1; at < FAULT_SWEEP_MAX; at++) {
		fault_arm(at);
		rc = store_login_wait(st, "door1", "192.0.2.1", NULL, now);
		fault_disarm();
		if (!fault.fired)
			break;
		ck_assert_msg(rc == -1, "fault at step %ld: throttle off", at);
	}
	ck_assert_int_gt(rc, 0);
	ck_assert_int_gt(at, 10);
}
END_TEST

/* A first scan and a repeated one, answered right or not at all. */
START_TEST(scan_is_answered_right_or_fails)
{
	char	*code;
	int	 ok;

	exec_ok("INSERT INTO users (id, name, role, password_hash,"
	    " created_at) VALUES (1, 'door1', 'door', 'x', 0)");
	register_committed(1, "guest", NULL, 0);
	code = query_text("SELECT pass_code FROM attendees");
	snprintf(scan_code, sizeof scan_code, "%s", code);
	free(code);
	scan_result = "ok";
	ck_assert_int_gt(sweep(op_scan, "first scan"), 100);
	/* Checked in (through another door): the same scan says so. */
	exec_ok("BEGIN IMMEDIATE");
	scan_result = "ok";
	ok = op_scan() == 0;
	exec_ok("DELETE FROM scan_nonces; COMMIT");
	ck_assert(ok);
	scan_result = "already_checked_in";
	ck_assert_int_gt(sweep(op_scan, "repeated scan"), 100);
}
END_TEST

Suite *
suite_store_faults(void)
{
	Suite	*s = suite_create("store faults");
	TCase	*tc = tcase_create("interrupted");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, register_fails_whole_at_every_step);
	tcase_add_test(tc, cancel_happens_whole_or_not_at_all);
	tcase_add_test(tc, promotion_happens_whole_or_not_at_all);
	tcase_add_test(tc, session_line_moves_whole_or_not_at_all);
	tcase_add_test(tc, session_drop_moves_the_line_whole_or_not_at_all);
	tcase_add_test(tc, login_throttle_fails_closed);
	tcase_add_test(tc, scan_is_answered_right_or_fails);
	suite_add_tcase(s, tc);
	return s;
}
