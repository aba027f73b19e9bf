/*
 * test-search.c: the search and sort keys of attendees kept wherever a
 * name, email or company is written (store-search.c): on insert, on every
 * change, with the words of attendee_words following; rows written by a
 * program without our SQL functions, and keys of an older fold, remade at
 * start; the door's search on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "store-door.h"
#include "resource.h"

static char		 db_path[64];
static struct store	*st;

static void
setup(void)
{
	char	*cause = NULL;

	snprintf(db_path, sizeof db_path, "/tmp/tt-search-%d-XXXXXX", getpid());
	ck_assert_int_ne(mkstemp(db_path), -1);
	unlink(db_path);
	st = store_open(db_path, STORE_WRITER, &cause);
	ck_assert_msg(st != NULL, "%s", cause ? cause : "");
	ck_assert_int_eq(store_exec(st,
	    "INSERT INTO registrations (id, event_id, ticket_type_id, status,"
	    " manage_token, contact_first_name, contact_last_name,"
	    " contact_email, privacy_accepted_at, created_at) VALUES"
	    " (1, 1, 1, 'confirmed', 'token', 'Åsa', 'Lindström', 'a@x.se',"
	    " 1, 1);"
	    "INSERT INTO attendees (id, registration_id, event_id,"
	    " ticket_type_id, first_name, last_name, email, email_norm, company,"
	    " status, created_at) VALUES (1, 1, 1, 1, 'Åsa', 'Lindström-Öberg',"
	    " 'asa@pressverk.se', 'asa@pressverk.se', 'Pressverk AB',"
	    " 'confirmed', 1);"), 0);
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

/* The one text sql answers, or "(null)"; the caller frees it. */
static char *
query_text1(const char *sql)
{
	sqlite3_stmt	*s;
	char		*v = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v != NULL ? v : xstrdup("(null)");
}

static void
assert_text(const char *sql, const char *want)
{
	char	*got = query_text1(sql);

	ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\", not \"%s\"", sql,
	    got, want);
	free(got);
}

/* The words listed for attendee 1, in order. */
#define WORDS "SELECT group_concat(word, ' ') FROM (SELECT word FROM" \
	" attendee_words WHERE attendee_id = 1 ORDER BY word)"

/* The door's search for q finds n people, the first named first. */
static void
assert_found(const char *q, size_t n, const char *first)
{
	json_t	*list = store_attendee_search(st, 1, q, "main");

	ck_assert_ptr_nonnull(list);
	ck_assert_msg(json_array_size(list) == n, "%s: %zu found", q,
	    json_array_size(list));
	if (first != NULL)
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_array_get(list, 0), "name")), first);
	json_decref(list);
}

START_TEST(keys_made_on_insert)
{
	assert_text("SELECT search_key FROM attendees WHERE id = 1",
	    "asa lindstrom oberg asa pressverk se pressverk ab");
	assert_text(WORDS, "ab asa lindstrom oberg pressverk se");
	assert_text("SELECT company_key = 'pressverk ab' || char(1) ||"
	    " 'pressverk ab' FROM attendees WHERE id = 1", "1");
	assert_text("SELECT name_key = 'lindstr}m }berg' || char(1) || '{sa'"
	    " || char(1) || 'lindström öberg' || char(1) || 'åsa'"
	    " FROM attendees WHERE id = 1", "1");
	assert_found("lindstrom", 1, "Åsa Lindström-Öberg");
	assert_found("Pressverk Åsa", 1, NULL);
	assert_found("oberg lind asa", 1, NULL);
	assert_found("asa volvo", 0, NULL);
}
END_TEST

START_TEST(keys_follow_every_change)
{
	ck_assert_int_eq(store_exec(st, "UPDATE attendees SET last_name ="
	    " 'Ødegård-Łukasiewicz', first_name = 'Zoë' WHERE id = 1"), 0);
	assert_text("SELECT search_key FROM attendees WHERE id = 1",
	    "zoe odegard lukasiewicz asa pressverk se pressverk ab");
	assert_text(WORDS, "ab asa lukasiewicz odegard pressverk se zoe");
	assert_found("lindstrom", 0, NULL);
	assert_found("lukasiewicz zoe", 1, "Zoë Ødegård-Łukasiewicz");
	ck_assert_int_eq(store_exec(st, "UPDATE attendees SET company = 'SSAB',"
	    " email = 'zoe@ssab.se' WHERE id = 1"), 0);
	assert_found("pressverk", 0, NULL);
	assert_found("ssab zoe", 1, NULL);
	/* Other columns leave the keys alone. */
	ck_assert_int_eq(store_exec(st, "UPDATE attendees SET search_key ="
	    " 'kept' WHERE id = 1; UPDATE attendees SET dietary = 'vegan',"
	    " status = 'cancelled' WHERE id = 1"), 0);
	assert_text("SELECT search_key FROM attendees WHERE id = 1", "kept");
	assert_text(WORDS, "kept");
	ck_assert_int_eq(store_exec(st, "UPDATE attendees SET ticket_type_id = 2,"
	    " status = 'waitlisted' WHERE id = 1"), 0);
	ck_assert_int_eq(store_exec(st, "DELETE FROM attendees WHERE id = 1"),
	    0);
	assert_text("SELECT count(*) FROM attendee_words", "0");
}
END_TEST

START_TEST(keys_made_at_start_for_other_programs_rows)
{
	sqlite3	*other;

	/* A connection without our functions: no keys, and no error. */
	ck_assert_int_eq(sqlite3_open(db_path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "INSERT INTO attendees (id,"
	    " registration_id, event_id, ticket_type_id, first_name, last_name,"
	    " email, email_norm, status, created_at) VALUES (2, 1, 1, 1,"
	    " 'Björn', 'Håkansdotter', 'b@x.se', 'b@x.se', 'confirmed', 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(other, "UPDATE attendees SET"
	    " search_key = tt_fold(first_name)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_text("SELECT search_key FROM attendees WHERE id = 2", "(null)");
	assert_found("bjorn", 0, NULL);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_search_refresh(st), 0);
	ck_assert_int_eq(store_commit(st), 0);
	assert_text("SELECT search_key FROM attendees WHERE id = 2",
	    "bjorn hakansdotter b x se");
	assert_found("bjorn", 1, "Björn Håkansdotter");
	/* Keys of another fold are remade; the same fold's are kept. */
	ck_assert_int_eq(store_exec(st, "UPDATE attendees SET name_key = 'x'"
	    " WHERE id = 2"), 0);
	ck_assert_int_eq(store_search_refresh(st), 0);
	assert_text("SELECT name_key FROM attendees WHERE id = 2", "x");
	ck_assert_int_eq(store_exec(st, "UPDATE settings SET value = 0"
	    " WHERE key = 'search_fold_version'"), 0);
	ck_assert_int_eq(store_search_refresh(st), 0);
	assert_text("SELECT name_key = 'h{kansdotter' || char(1) || 'bj}rn'"
	    " || char(1) || 'håkansdotter' || char(1) || 'björn'"
	    " FROM attendees WHERE id = 2", "1");
}
END_TEST

/*
 * A list started from few ids is ordered in C (store-list-few.c): the
 * same order as SQLite's ORDER BY for nulls, integers at both ends of
 * their range, texts that begin one another and blobs with zero bytes,
 * ascending and descending, with the total and any page of it; a real
 * is left to SQLite.
 */
START_TEST(list_few_orders_as_sqlite)
{
	static const char	*values[] = { "NULL", "-5", "0", "7",
	    "4611686018427387904", "-9223372036854775808",
	    "9223372036854775807", "''", "'a'", "'ab'", "'b'", "x''",
	    "x'00'", "x'0001'", "x'61'", "x'6100'", "'Å'" };
	const size_t		 nv = sizeof values / sizeof values[0];
	unsigned		 seed = 12345;
	struct query		 q;
	sqlite3_stmt		*s;
	int64_t			 ids[60], total;
	size_t			 n;
	char			 sql[256];

	ck_assert_int_eq(store_exec(st, "CREATE TEMP TABLE few (id INTEGER"
	    " PRIMARY KEY, a, b)"), 0);
	for (int i = 1; i <= 300; i++) {
		seed = seed * 1103515245 + 12345;
		snprintf(sql, sizeof sql, "INSERT INTO few VALUES (%d, %s, %s)",
		    i, values[(seed >> 8) % nv], values[(seed >> 20) % nv]);
		ck_assert_int_eq(store_exec(st, sql), 0);
	}
	for (int desc = 0; desc <= 1; desc++) {
		for (int64_t offset = 0; offset <= 300; offset += 60) {
			query_init(&q);
			query_add(&q, "SELECT id, a, b, id FROM few");
			ck_assert_int_eq(store_list_few(st, &q, desc, offset, 60,
			    ids, 60, &n, &total), 0);
			query_free(&q);
			ck_assert_int_eq(total, 300);
			ck_assert_uint_eq(n, offset < 300 ? 60 : 0);
			snprintf(sql, sizeof sql, "SELECT id FROM few ORDER BY %s"
			    " LIMIT 60 OFFSET %lld", desc ? "a DESC, b DESC,"
			    " id DESC" : "a, b, id", (long long)offset);
			ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1,
			    &s, NULL), SQLITE_OK);
			for (size_t i = 0; i < n; i++) {
				ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
				ck_assert_msg(sqlite3_column_int64(s, 0) == ids[i],
				    "desc %d offset %lld row %zu: SQLite has %lld,"
				    " the C order %lld", desc, (long long)offset, i,
				    (long long)sqlite3_column_int64(s, 0),
				    (long long)ids[i]);
			}
			ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
			sqlite3_finalize(s);
		}
	}
	/* No row at all: an empty page and a total of 0. */
	query_init(&q);
	query_add(&q, "SELECT id, a, b, id FROM few WHERE id < 0");
	ck_assert_int_eq(store_list_few(st, &q, 0, 0, 60, ids, 60, &n, &total),
	    0);
	query_free(&q);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(store_exec(st, "UPDATE few SET a = 1.5 WHERE id = 7"),
	    0);
	query_init(&q);
	query_add(&q, "SELECT id, a, b, id FROM few");
	ck_assert_int_eq(store_list_few(st, &q, 0, 0, 60, ids, 60, &n, &total),
	    1);
	query_free(&q);
}
END_TEST

Suite *
suite_search(void)
{
	Suite	*s = suite_create("search");
	TCase	*tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, keys_made_on_insert);
	tcase_add_test(tc, keys_follow_every_change);
	tcase_add_test(tc, keys_made_at_start_for_other_programs_rows);
	tcase_add_test(tc, list_few_orders_as_sqlite);
	suite_add_tcase(s, tc);
	return s;
}
