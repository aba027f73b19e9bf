/*
 * test-programme.c: the rules of a programme on the demo database: a list
 * of ids as a field reads (each a positive integer, none twice, at most
 * its max), clashes by room and by speaker (touching sessions do not
 * clash, nor a session with itself), and the warnings of one session;
 * speakers' one-field names as first and last names, and their passes made
 * once however often the programme is saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "resource.h"

static char		 db_path[64];
static struct store	*st;

static void
setup(void)
{
	char	*cause = NULL;

	snprintf(db_path, sizeof db_path, "/tmp/tt-prog-%d-XXXXXX", getpid());
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

static const struct field_link links = {
	.table = "session_speakers", .self = "session_id",
	.other = "speaker_id", .order = "sort", .target = "speakers",
};
static const struct field fields[] = {
	{ .name = "speakers", .type = FIELD_IDS, .max = 3, .link = &links },
	{ .name = NULL }
};
static struct resource res = {
	.name = "session", .table = "sessions", .parent = "event_id",
	.fields = fields, .order = "id",
};

/* The error code resource_parse gives for a body, or NULL if it reads. */
static char *
ids_error(const char *body)
{
	json_t		*in = json_loads(body, 0, NULL), *errors, *values;
	char		*code = NULL;

	ck_assert_ptr_nonnull(in);
	if ((values = resource_parse(&res, in, 0, &errors)) == NULL) {
		code = strdup(json_string_value(json_object_get(errors,
		    "speakers")));
		json_decref(errors);
	}
	json_decref(values);
	json_decref(in);
	return code;
}

START_TEST(a_list_of_ids_reads_only_distinct_positive_integers)
{
	static const struct { const char *body, *code; } cases[] = {
		{ "{\"speakers\": []}", NULL },
		{ "{\"speakers\": [3, 1, 2]}", NULL },
		{ "{\"speakers\": [1, 2, 3, 4]}", "too_many" },
		{ "{\"speakers\": [1, 1]}", "duplicate" },
		{ "{\"speakers\": [0]}", "invalid" },
		{ "{\"speakers\": [-4]}", "invalid" },
		{ "{\"speakers\": [1.5]}", "invalid" },
		{ "{\"speakers\": [\"1\"]}", "invalid" },
		{ "{\"speakers\": 1}", "invalid" },
		{ "{\"speakers\": {\"1\": 1}}", "invalid" },
		{ "{\"speakers\": null}", "required" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char	*code = ids_error(cases[i].body);

		if (cases[i].code == NULL)
			ck_assert_msg(code == NULL, "%s: %s", cases[i].body,
			    code);
		else
			ck_assert_msg(code != NULL && strcmp(code,
			    cases[i].code) == 0, "%s: %s", cases[i].body,
			    code ? code : "read");
		free(code);
	}
}
END_TEST

static int64_t
at(const char *utc)
{
	char		 sql[96];
	sqlite3_stmt	*s;
	int64_t		 t;

	snprintf(sql, sizeof sql, "SELECT unixepoch('%s')", utc);
	ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	t = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return t;
}

/* The clash of a session in room (0: none) with speaker (0: none). */
static int
clash(int64_t id, int64_t room, int64_t speaker, const char *from,
    const char *to, struct store_error *err)
{
	json_t	*row = json_pack("{s:o, s:I, s:I, s:[]}", "room_id",
	    room ? json_integer(room) : json_null(), "starts_at",
	    (json_int_t)at(from), "ends_at", (json_int_t)at(to), "speakers");
	int	 rc;

	if (speaker)
		json_array_append_new(json_object_get(row, "speakers"),
		    json_integer(speaker));
	memset(err, 0, sizeof *err);
	rc = store_schedule_clash(st, 1, id, row, err);
	json_decref(row);
	return rc;
}

START_TEST(clashes_by_room_and_by_speaker)
{
	struct store_error	err;

	/* Session 6 is in room 3 from 09:30 to 10:15, with speaker 4. */
	ck_assert_int_eq(clash(0, 3, 0, "2027-11-30 10:15",
	    "2027-11-30 11:00", &err), 0);
	ck_assert_int_eq(clash(0, 3, 0, "2027-11-30 08:45",
	    "2027-11-30 09:30", &err), 0);
	ck_assert_int_eq(clash(0, 3, 0, "2027-11-30 10:00",
	    "2027-11-30 10:30", &err), -1);
	ck_assert_int_eq(err.status, 409);
	ck_assert_str_eq(err.code, "clash");
	ck_assert_str_eq(json_string_value(json_object_get(err.params, "with")),
	    "room");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
	    err.params, "session"), "id")), 6);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    err.params, "session"), "starts_at")), "2027-11-30T10:30:00+01:00");
	store_error_clear(&err);
	/* Inside and around it alike; but never with itself. */
	ck_assert_int_eq(clash(0, 3, 0, "2027-11-30 09:40",
	    "2027-11-30 09:50", &err), -1);
	store_error_clear(&err);
	ck_assert_int_eq(clash(6, 3, 4, "2027-11-30 09:00",
	    "2027-11-30 11:00", &err), 0);
	/* Speaker 4 in no room at that time. */
	ck_assert_int_eq(clash(0, 0, 4, "2027-11-30 10:00",
	    "2027-11-30 10:30", &err), -1);
	ck_assert_str_eq(json_string_value(json_object_get(err.params, "with")),
	    "speaker");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    err.params, "speaker"), "name")), "Jonas Lindqvist");
	store_error_clear(&err);
	ck_assert_int_eq(clash(0, 0, 4, "2027-11-30 10:15",
	    "2027-11-30 10:30", &err), 0);
}
END_TEST

static json_t *
codes(json_t *list)
{
	json_t	*out = json_array(), *v;
	size_t	 i;

	json_array_foreach(list, i, v)
		json_array_append(out, json_object_get(v, "code"));
	json_decref(list);
	return out;
}

START_TEST(the_demo_has_no_issues_until_made_so)
{
	json_t	*issues = store_schedule_issues(st, 1), *c;
	char	*text;

	ck_assert_ptr_nonnull(issues);
	text = json_dumps(issues, JSON_COMPACT);
	ck_assert_str_eq(text, "{\"clashes\":[],\"warnings\":[]}");
	free(text);
	json_decref(issues);
	ck_assert_ptr_null(store_schedule_issues(st, 999));
	/* Room 3 has 40 seats; session 6 moves to the day before. */
	ck_assert_int_eq(store_exec(st, "UPDATE sessions SET seats = 41,"
	    " starts_at = starts_at - 86400, ends_at = ends_at - 86400"
	    " WHERE id = 6"), 0);
	c = codes(store_session_warnings(st, 6, 1));
	text = json_dumps(c, JSON_COMPACT);
	ck_assert_str_eq(text, "[\"outside_event\",\"seats_above_room\"]");
	free(text);
	json_decref(c);
	/* Speaker 1 in two rooms, five minutes apart. */
	ck_assert_int_eq(store_exec(st, "UPDATE sessions SET room_id = 2"
	    " WHERE id = 16"), 0);
	ck_assert_int_eq(store_exec(st, "UPDATE sessions SET room_id = 3,"
	    " starts_at = unixepoch('2027-12-01 11:05'),"
	    " ends_at = unixepoch('2027-12-01 11:30') WHERE id = 15"), 0);
	ck_assert_int_eq(store_exec(st, "UPDATE session_speakers"
	    " SET speaker_id = 1 WHERE session_id = 15"), 0);
	c = codes(store_session_warnings(st, 15, 1));
	text = json_dumps(c, JSON_COMPACT);
	ck_assert_str_eq(text, "[\"changeover\"]");
	free(text);
	json_decref(c);
	c = codes(store_speaker_warnings(st, 4, 1));
	text = json_dumps(c, JSON_COMPACT);
	ck_assert_str_eq(text, "[]");
	free(text);
	json_decref(c);
}
END_TEST

START_TEST(a_speakers_name_splits_after_its_first_word)
{
	static const char *const cases[][3] = {
		{ "Anna Wiśniewska", "Anna", "Wiśniewska" },
		{ "Nguyễn Văn An", "Nguyễn", "Văn An" },
		{ "Jan van der Berg", "Jan", "van der Berg" },
		{ "Madonna", "Madonna", "" },
		{ "山田太郎", "山田太郎", "" },
		{ "山田\xe3\x80\x80太郎", "山田", "太郎" },
		{ "  Zoë   Ødegård  ", "Zoë", "Ødegård" },
		{ "Ana\xc2\xa0María López", "Ana\xc2\xa0María", "López" },
		{ "\tÅsa\t", "Åsa", "" },
		{ "", "", "" },
		{ "   ", "", "" },
		{ "\xe3\x80\x80", "", "" },
	};
	char	*first, *last;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		store_speaker_name_split(cases[i][0], &first, &last);
		ck_assert_str_eq(first, cases[i][1]);
		ck_assert_str_eq(last, cases[i][2]);
		free(first);
		free(last);
	}
}
END_TEST

static int64_t
count_of(const char *sql)
{
	sqlite3_stmt	*s = store_stmt(st, sql);
	int64_t		 n;

	ck_assert_int_eq(store_step(st, s), STORE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

START_TEST(speakers_get_one_pass_however_often_it_is_made)
{
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_speaker_passes(st, 1), 0);
	/* The demo's eight speakers are all in sessions. */
	ck_assert_int_eq(count_of("SELECT count(*) FROM speaker_passes"), 8);
	ck_assert_int_eq(store_speaker_passes(st, 1), 0);
	ck_assert_int_eq(count_of("SELECT count(*) FROM attendees a"
	    " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE t.role = 'speaker' AND a.status = 'confirmed'"
	    " AND a.pass_code IS NOT NULL"), 8);
	ck_assert_int_eq(count_of("SELECT confirmed_count FROM events"
	    " WHERE id = 1"), 0);
	ck_assert_int_eq(count_of("SELECT confirmed_count FROM ticket_types"
	    " WHERE id = 4"), 8);
	ck_assert_int_eq(store_exec(st, "UPDATE speakers SET name = 'Karin"
	    " B. Bergqvist' WHERE id = 1"), 0);
	ck_assert_int_eq(store_speaker_pass_update(st, 1), 0);
	ck_assert_int_eq(count_of("SELECT count(*) FROM attendees a"
	    " JOIN speaker_passes p ON p.attendee_id = a.id"
	    " WHERE p.speaker_id = 1 AND a.first_name = 'Karin'"
	    " AND a.last_name = 'B. Bergqvist'"), 1);
	/* A speaker without a pass: nothing to follow. */
	ck_assert_int_eq(store_speaker_pass_update(st, 999), 0);
	ck_assert_int_eq(store_commit(st), 0);
}
END_TEST

Suite *
suite_programme(void)
{
	Suite	*s = suite_create("programme");
	TCase	*tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_list_of_ids_reads_only_distinct_positive_integers);
	tcase_add_test(tc, clashes_by_room_and_by_speaker);
	tcase_add_test(tc, the_demo_has_no_issues_until_made_so);
	tcase_add_test(tc, a_speakers_name_splits_after_its_first_word);
	tcase_add_test(tc, speakers_get_one_pass_however_often_it_is_made);
	suite_add_tcase(s, tc);
	return s;
}
