/*
 * test-csv.c: the cells of the exports (RFC 4180 quoting, the guard
 * against formula injection, repairing text that is not UTF-8), the names
 * of the files, and reading an export in batches: every row once, in
 * order, however often the reader pauses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "export.h"

/* The cell csv_cell() writes for s, NUL-terminated (static storage). */
static const char *
cell(const char *s, char sep)
{
	static char	out[256];
	size_t		n;

	ck_assert_uint_le(csv_cell_max(strlen(s)), sizeof out - 1);
	n = csv_cell(out, s, strlen(s), sep);
	ck_assert_uint_le(n, csv_cell_max(strlen(s)));
	out[n] = '\0';
	return out;
}

START_TEST(plain_cells_stay_as_they_are)
{
	ck_assert_str_eq(cell("Åsa Lindström-Öberg", ';'),
	    "Åsa Lindström-Öberg");
	ck_assert_str_eq(cell("", ';'), "");
	/* The other separator needs no quotes. */
	ck_assert_str_eq(cell("Pressverk, Olofström", ';'),
	    "Pressverk, Olofström");
	ck_assert_str_eq(cell("a;b", ','), "a;b");
	/* Not at the start: no formula. */
	ck_assert_str_eq(cell("a=b", ';'), "a=b");
	ck_assert_str_eq(cell(" =1+1", ';'), " =1+1");
}
END_TEST

START_TEST(quotes_as_rfc4180)
{
	ck_assert_str_eq(cell("a;b", ';'), "\"a;b\"");
	ck_assert_str_eq(cell("a,b", ','), "\"a,b\"");
	ck_assert_str_eq(cell("say \"hi\"", ';'), "\"say \"\"hi\"\"\"");
	ck_assert_str_eq(cell("\"", ';'), "\"\"\"\"");
	ck_assert_str_eq(cell("two\nlines", ';'), "\"two\nlines\"");
	ck_assert_str_eq(cell("cr\rhere", ';'), "\"cr\rhere\"");
}
END_TEST

START_TEST(formulas_get_an_apostrophe)
{
	ck_assert_str_eq(cell("=1+1", ';'), "'=1+1");
	ck_assert_str_eq(cell("+46 70 123", ';'), "'+46 70 123");
	ck_assert_str_eq(cell("-2", ';'), "'-2");
	ck_assert_str_eq(cell("@SUM(A1)", ';'), "'@SUM(A1)");
	ck_assert_str_eq(cell("\tx", ';'), "'\tx");
	/* Quoted for the CR; the apostrophe inside the quotes. */
	ck_assert_str_eq(cell("\rx", ';'), "\"'\rx\"");
	ck_assert_str_eq(cell("=HYPERLINK(\"http://x\";\"y\")", ';'),
	    "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"");
	ck_assert(text_formula_like("=", 1));
	ck_assert(!text_formula_like("", 0));
	ck_assert(!text_formula_like("'=1", 3));
	ck_assert(!text_formula_like("\n=1", 3));
}
END_TEST

START_TEST(repairs_what_is_not_utf8)
{
	const char	 bad[] = "a\xff" "b\xc3" "\0" "c\xe2\x82";
	char		*fixed;
	size_t		 len;

	ck_assert(text_export_clean("Zoë Ødegård", strlen("Zoë Ødegård")));
	ck_assert(!text_export_clean(bad, sizeof bad - 1));
	ck_assert(!text_export_clean("a\0b", 3));
	fixed = text_export_repair(bad, sizeof bad - 1, &len);
	ck_assert_str_eq(fixed, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_uint_eq(len, strlen(fixed));
	ck_assert(text_export_clean(fixed, len));
	free(fixed);
	fixed = text_export_repair("Γιώργος", strlen("Γιώργος"), &len);
	ck_assert_str_eq(fixed, "Γιώργος");
	free(fixed);
}
END_TEST

START_TEST(file_names)
{
	char	*n;

	n = export_filename(&export_catering, "techtank-2027", NULL,
	    "2027-11-28", EXPORT_SV, "csv", 0);
	ck_assert_str_eq(n, "techtank-2027-måltider-2027-11-28.csv");
	free(n);
	n = export_filename(&export_catering, "techtank-2027", NULL,
	    "2027-11-28", EXPORT_SV, "csv", 1);
	ck_assert_str_eq(n, "techtank-2027-maltider-2027-11-28.csv");
	free(n);
	n = export_filename(&export_signups, "tt", "Studiebesök: \"Pressen\" /"
	    " Olofström", "2027-11-28", EXPORT_EN, "xlsx", 0);
	ck_assert_str_eq(n, "tt-signups-Studiebesök-Pressen-Olofström-"
	    "2027-11-28.xlsx");
	free(n);
	n = export_filename(&export_signups, "tt", "Studiebesök: \"Pressen\" /"
	    " Olofström", "2027-11-28", EXPORT_SV, "xlsx", 1);
	ck_assert_str_eq(n, "tt-anmalda-studiebesok-pressen-olofstrom-"
	    "2027-11-28.xlsx");
	free(n);
	/* A title of nothing but punctuation leaves no part behind. */
	n = export_filename(&export_signups, "tt", "\"/\\", "2027-11-28",
	    EXPORT_EN, "csv", 1);
	ck_assert_str_eq(n, "tt-signups-2027-11-28.csv");
	free(n);
	/* Folding lengthens some characters ("⒇" is "(20)"): room for it. */
	n = export_filename(&export_signups, "tt", "⒇⒇⒇⒇⒇⒇⒇⒇⒇⒇⒇⒇", "d",
	    EXPORT_EN, "csv", 1);
	/* Each folds to the word "20": all twelve fit in 40 characters. */
	ck_assert_str_eq(n, "tt-signups-20-20-20-20-20-20-20-20-20-20-20-20-d.csv");
	free(n);
	/* A long title is cut at a character, never inside one. */
	n = export_filename(&export_signups, "tt", "ååååååååååååååååååååå"
	    "ååååååååååååååååååååååååå", "d", EXPORT_EN, "csv", 0);
	ck_assert(utf8_valid(n, strlen(n)));
	ck_assert_uint_eq(utf8_count(n), strlen("tt-signups--d.csv") + 40);
	free(n);
}
END_TEST

static char		 db_path[64];
static struct store	*st;

static void
setup(void)
{
	char	*cause = NULL;

	snprintf(db_path, sizeof db_path, "/tmp/tt-unit-csv-%d-XXXXXX",
	    getpid());
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

/* n attendees of the demo event, ids 1..n, every third at the dinner. */
static void
add_attendees(int n)
{
	char	sql[1024];

	snprintf(sql, sizeof sql,
	    "INSERT INTO registrations (id, event_id, ticket_type_id, status,"
	    " manage_token, contact_first_name, contact_last_name,"
	    " contact_email, privacy_accepted_at, created_at) VALUES (1, 1, 1,"
	    " 'confirmed', 't', 'C', 'C', 'c@x.se', 0, 0);"
	    "WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a"
	    " WHERE n < %d) INSERT INTO attendees (id, registration_id,"
	    " event_id, ticket_type_id, first_name, last_name, email,"
	    " email_norm, dietary, status, created_at) SELECT n, 1, 1, 1, 'A',"
	    " 'B' || n, 'a' || n, 'a' || n, CASE n %% 2 WHEN 0 THEN 'Vegan'"
	    " ELSE '' END, 'confirmed', 1790000000 + n FROM a;"
	    "INSERT INTO attendee_sessions SELECT id, 11 FROM attendees"
	    " WHERE id %% 3 = 0;", n);
	ck_assert_int_eq(store_exec(st, sql), 0);
}

static struct export_cursor *
open_export(const struct export_kind *k, int64_t session,
    struct export_of *of)
{
	ck_assert_int_eq(store_export_of(st, k, 1, session, of), 1);
	return export_open(st, k, of, EXPORT_EN);
}

START_TEST(every_row_once_in_batches)
{
	struct export_of	 of;
	struct export_cursor	*c;
	sqlite3_stmt		*row;
	int64_t			 want = 1;

	add_attendees(700);
	c = open_export(&export_attendees, 0, &of);
	while (export_next(c, &row) == STORE_ROW) {
		ck_assert_int_eq(sqlite3_column_int64(row, 0), want);
		want++;
		/* A reader that lets go after every row still gets each once. */
		if (want % 3 == 0)
			export_pause(c);
	}
	ck_assert_int_eq(want, 701);
	ck_assert_int_eq(export_rows(c), 700);
	ck_assert_int_eq(export_next(c, &row), STORE_DONE);
	export_close(c);
	store_export_of_clear(&of);
}
END_TEST

START_TEST(signups_of_one_session)
{
	struct export_of	 of;
	struct export_cursor	*c;
	sqlite3_stmt		*row;

	add_attendees(600);
	c = open_export(&export_signups, 11, &of);
	ck_assert_str_eq(of.session, "Konferensmiddag");
	/* Every third attendee, by id: last name "B<id>", the key last. */
	while (export_next(c, &row) == STORE_ROW) {
		ck_assert_int_eq(atoi(COL_TEXT(row, 1) + 1) % 3, 0);
		ck_assert_int_eq(atoi(COL_TEXT(row, 1) + 1),
		    sqlite3_column_int64(row, 6));
	}
	ck_assert_int_eq(export_rows(c), 200);
	export_close(c);
	store_export_of_clear(&of);
	/* A session without sign-ups has no list; neither has another event. */
	ck_assert_int_eq(store_export_of(st, &export_signups, 1, 8, &of), 0);
	store_export_of_clear(&of);
	ck_assert_int_eq(store_export_of(st, &export_signups, 2, 11, &of), 0);
	store_export_of_clear(&of);
	ck_assert_int_eq(store_export_of(st, &export_attendees, 2, 0, &of), 0);
	store_export_of_clear(&of);
}
END_TEST

START_TEST(catering_per_meal)
{
	struct export_of	 of;
	struct export_cursor	*c;
	sqlite3_stmt		*row;
	char			 line[128];
	size_t			 n = 0;
	const char		*want[] = {
		"Lunch|none|300", "Lunch|vegan|300",
		"Konferensmiddag|none|100", "Konferensmiddag|vegan|100",
		"Lunch|none|300", "Lunch|vegan|300",
	};

	add_attendees(600);
	/* The dashboard's counters come from the recount. */
	ck_assert_int_eq(store_recount(st), 0);
	c = open_export(&export_catering, 0, &of);
	while (export_next(c, &row) == STORE_ROW) {
		ck_assert_uint_lt(n, sizeof want / sizeof want[0]);
		snprintf(line, sizeof line, "%s|%s|%lld", COL_TEXT(row, 0),
		    sqlite3_column_type(row, 2) == SQLITE_NULL ? "none" :
		    COL_TEXT(row, 2), sqlite3_column_int64(row, 3));
		ck_assert_str_eq(line, want[n]);
		n++;
	}
	ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
	export_close(c);
	store_export_of_clear(&of);
}
END_TEST

Suite *
suite_csv(void)
{
	Suite	*s = suite_create("csv");
	TCase	*tc = tcase_create("cells");
	TCase	*rows = tcase_create("rows");

	tcase_add_test(tc, plain_cells_stay_as_they_are);
	tcase_add_test(tc, quotes_as_rfc4180);
	tcase_add_test(tc, formulas_get_an_apostrophe);
	tcase_add_test(tc, repairs_what_is_not_utf8);
	tcase_add_test(tc, file_names);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(rows, setup, teardown);
	tcase_add_test(rows, every_row_once_in_batches);
	tcase_add_test(rows, signups_of_one_session);
	tcase_add_test(rows, catering_per_meal);
	suite_add_tcase(s, rows);
	return s;
}
