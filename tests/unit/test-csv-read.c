/*
 * test-csv-read.c: the CSV reader of the imports: separators, quotes as
 * RFC 4180 has them, UTF-8 with and without BOM, Windows-1252 and bytes
 * it does not define, and every bound (NUL, long cells, large files,
 * many rows or columns), each reported where it is.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "import.h"

static struct csv *
read_ok(const char *s)
{
	const char	*error;
	struct csv	*csv = csv_read(s, strlen(s), &error);

	ck_assert_msg(csv != NULL, "refused: %s", error ? error : "?");
	return csv;
}

static const char *
read_error(const char *s, size_t len)
{
	const char	*error = NULL;
	struct csv	*csv = csv_read(s, len, &error);

	ck_assert_ptr_null(csv);
	ck_assert_ptr_nonnull(error);
	return error;
}

#define CELL(csv, r, c) ((csv)->rows[r].cells[c].text)

START_TEST(separator_from_the_header)
{
	struct csv	*csv;

	csv = read_ok("förnamn;efternamn;företag\nÅsa;Lindström;\"A, B\"\n");
	ck_assert_int_eq(csv->sep, ';');
	ck_assert_uint_eq(csv->header.ncells, 3);
	ck_assert_uint_eq(csv->nrows, 1);
	ck_assert_str_eq(CELL(csv, 0, 2), "A, B");
	csv_free(csv);

	csv = read_ok("first_name,last_name\r\nZoë,\"Ødegård; Ł\"\r\n");
	ck_assert_int_eq(csv->sep, ',');
	ck_assert_str_eq(CELL(csv, 0, 1), "Ødegård; Ł");
	csv_free(csv);

	csv = read_ok("a\tb\tc\n1\t2\t3");
	ck_assert_int_eq(csv->sep, '\t');
	ck_assert_str_eq(CELL(csv, 0, 2), "3");
	csv_free(csv);

	/* A separator inside a quoted header cell does not count. */
	csv = read_ok("\"a;b;c\",d\n1,2\n");
	ck_assert_int_eq(csv->sep, ',');
	ck_assert_str_eq(csv->header.cells[0].text, "a;b;c");
	csv_free(csv);
}
END_TEST

START_TEST(quotes_inside_quotes_and_newlines)
{
	struct csv	*csv = read_ok("a;b\n\"say \"\"hi\"\"\";\"two\nlines\"\n"
	    "\"\"\"\";x\nnext;\"\"\n");

	ck_assert_uint_eq(csv->nrows, 3);
	ck_assert_str_eq(CELL(csv, 0, 0), "say \"hi\"");
	ck_assert_str_eq(CELL(csv, 0, 1), "two\nlines");
	ck_assert_str_eq(CELL(csv, 1, 0), "\"");
	/* Lines count from the file: the newline in a cell is one. */
	ck_assert_uint_eq(csv->rows[0].line, 2);
	ck_assert_uint_eq(csv->rows[1].line, 4);
	ck_assert_uint_eq(csv->rows[2].line, 5);
	ck_assert_str_eq(CELL(csv, 2, 1), "");
	csv_free(csv);
}
END_TEST

START_TEST(lenient_with_stray_quotes)
{
	struct csv	*csv = read_ok("a;b\nab\"c;\"x\"y\n");

	ck_assert_str_eq(CELL(csv, 0, 0), "ab\"c");
	ck_assert_str_eq(CELL(csv, 0, 1), "xy");
	ck_assert_int_eq(csv->rows[0].unclosed, 0);
	csv_free(csv);
}
END_TEST

START_TEST(unclosed_quote_is_the_rows)
{
	struct csv	*csv = read_ok("a;b\n1;2\n\"open;3\n4;5\n");

	ck_assert_uint_eq(csv->nrows, 2);
	ck_assert_int_eq(csv->rows[0].unclosed, 0);
	ck_assert_int_eq(csv->rows[1].unclosed, 1);
	csv_free(csv);
}
END_TEST

START_TEST(ragged_rows_are_kept_as_they_are)
{
	struct csv	*csv = read_ok("a;b;c\n1;2\n1;2;3;4\n1;2;3\n");

	ck_assert_uint_eq(csv->nrows, 3);
	ck_assert_uint_eq(csv->rows[0].ncells, 2);
	ck_assert_uint_eq(csv->rows[1].ncells, 4);
	ck_assert_uint_eq(csv->rows[2].ncells, 3);
	csv_free(csv);
}
END_TEST

START_TEST(blank_rows_are_skipped)
{
	/* Excel writes the empty rows below a table as separators alone. */
	struct csv	*csv = read_ok("\n\na;b\n\n1;2\n;\r\n\n;;\n");

	ck_assert_uint_eq(csv->nrows, 1);
	ck_assert_uint_eq(csv->header.line, 3);
	ck_assert_uint_eq(csv->rows[0].line, 5);
	csv_free(csv);
}
END_TEST

START_TEST(utf8_with_and_without_bom)
{
	struct csv	*csv = read_ok("\xef\xbb\xbf" "namn;x\nÅsa;1\n");

	ck_assert_int_eq(csv->encoding, CSV_UTF8_BOM);
	ck_assert_str_eq(csv->header.cells[0].text, "namn");
	ck_assert_str_eq(CELL(csv, 0, 0), "Åsa");
	csv_free(csv);
	csv = read_ok("namn;x\nÅsa;1\n");
	ck_assert_int_eq(csv->encoding, CSV_UTF8);
	csv_free(csv);
}
END_TEST

START_TEST(windows_1252_becomes_utf8)
{
	/* "Åsa Lindström-Öberg", "€ – ‘x’ … Ÿ" as Excel saves them. */
	struct csv	*csv = read_ok("f\xf6rnamn;efternamn\n"
	    "\xc5sa;Lindstr\xf6m-\xd6" "berg\n"
	    "\x80 \x96 \x91x\x92 \x85 \x9f;\xe9\n");

	ck_assert_int_eq(csv->encoding, CSV_WINDOWS_1252);
	ck_assert_str_eq(csv->header.cells[0].text, "förnamn");
	ck_assert_str_eq(CELL(csv, 0, 0), "Åsa");
	ck_assert_str_eq(CELL(csv, 0, 1), "Lindström-Öberg");
	ck_assert_str_eq(CELL(csv, 1, 0), "€ – ‘x’ … Ÿ");
	ck_assert_str_eq(CELL(csv, 1, 1), "é");
	ck_assert_int_eq(csv->rows[1].cells[0].error, CSV_CELL_OK);
	csv_free(csv);
}
END_TEST

START_TEST(every_1252_byte_maps)
{
	char	in[256], *out;
	size_t	len;
	int	undefined;

	/* From 1: strstr() below stops at a NUL. */
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	out = csv_from_1252(in, 255, &len, &undefined);
	ck_assert_int_eq(undefined, 1);
	ck_assert(utf8_valid(out, len));
	ck_assert_ptr_nonnull(strstr(out, "\xc3\xa5"));	/* å at 0xe5 */
	ck_assert_ptr_nonnull(strstr(out, "\xe2\x82\xac"));	/* € at 0x80 */
	free(out);
	out = csv_from_1252("\x81\x8d\x8f\x90\x9d", 5, &len, &undefined);
	ck_assert_int_eq(undefined, 1);
	ck_assert_str_eq(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	free(out);
	out = csv_from_1252("\xe5\xe4\xf6", 3, &len, &undefined);
	ck_assert_int_eq(undefined, 0);
	ck_assert_str_eq(out, "åäö");
	free(out);
}
END_TEST

START_TEST(neither_utf8_nor_1252_is_the_cells)
{
	/* 0x81 and 0x9d are nothing in 1252: their cells, not the file. */
	struct csv	*csv = read_ok("a;b\n\xc5sa;ok\nx\x81y;\x9d\n");

	ck_assert_int_eq(csv->encoding, CSV_WINDOWS_1252);
	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_OK);
	ck_assert_int_eq(csv->rows[1].cells[0].error, CSV_CELL_ENCODING);
	ck_assert_int_eq(csv->rows[1].cells[1].error, CSV_CELL_ENCODING);
	ck_assert_str_eq(CELL(csv, 1, 0), "");
	ck_assert_str_eq(csv_cell_error_code(CSV_CELL_ENCODING), "encoding");
	csv_free(csv);
}
END_TEST

START_TEST(utf8_with_a_bad_byte_stays_utf8)
{
	/* One stray byte in a UTF-8 file: that cell, not the whole file. */
	static const char	in[] = "Förnamn;Företag\nÅsa;Öberg\n"
	    "Bad\x81;Zoë\nN\0l;ok\n";
	const char		*error;
	struct csv		*csv = csv_read(in, sizeof in - 1, &error);

	ck_assert_ptr_nonnull(csv);
	ck_assert_int_eq(csv->encoding, CSV_UTF8);
	ck_assert_str_eq(csv->header.cells[1].text, "Företag");
	ck_assert_str_eq(CELL(csv, 0, 1), "Öberg");
	ck_assert_int_eq(csv->rows[1].cells[0].error, CSV_CELL_ENCODING);
	ck_assert_str_eq(CELL(csv, 1, 1), "Zoë");
	ck_assert_int_eq(csv->rows[2].cells[0].error, CSV_CELL_NUL);
	csv_free(csv);
	/* With a BOM it is UTF-8 whatever follows. */
	csv = read_ok("\xef\xbb\xbf" "a;b\n\xe5;x\n");
	ck_assert_int_eq(csv->encoding, CSV_UTF8_BOM);
	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_ENCODING);
	csv_free(csv);
}
END_TEST

START_TEST(valid_utf8_replacement_is_no_error)
{
	struct csv	*csv = read_ok("a;b\n\xef\xbf\xbd;1\n");

	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_OK);
	csv_free(csv);
}
END_TEST

START_TEST(nul_is_the_cells)
{
	static const char	in[] = "a;b\nx\0y;ok\n\"q\0\";2\n";
	const char		*error;
	struct csv		*csv = csv_read(in, sizeof in - 1, &error);

	ck_assert_ptr_nonnull(csv);
	ck_assert_uint_eq(csv->nrows, 2);
	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_NUL);
	ck_assert_int_eq(csv->rows[0].cells[1].error, CSV_CELL_OK);
	ck_assert_str_eq(CELL(csv, 0, 1), "ok");
	ck_assert_int_eq(csv->rows[1].cells[0].error, CSV_CELL_NUL);
	csv_free(csv);
}
END_TEST

START_TEST(long_cells_are_refused_not_cut)
{
	size_t		 n = 1024 * 1024;
	char		*in = malloc(n + 64);
	const char	*error;
	struct csv	*csv;

	strcpy(in, "a;b\n\"");
	memset(in + 5, 'x', n);
	strcpy(in + 5 + n, "\";fine\n");
	csv = csv_read(in, strlen(in), &error);
	ck_assert_ptr_nonnull(csv);
	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_TOO_LONG);
	ck_assert_str_eq(CELL(csv, 0, 0), "");
	ck_assert_str_eq(CELL(csv, 0, 1), "fine");
	csv_free(csv);
	/* Exactly the bound is fine. */
	strcpy(in, "a;b\n");
	memset(in + 4, 'y', CSV_CELL_MAX);
	strcpy(in + 4 + CSV_CELL_MAX, ";1\n");
	csv = csv_read(in, strlen(in), &error);
	ck_assert_int_eq(csv->rows[0].cells[0].error, CSV_CELL_OK);
	ck_assert_uint_eq(strlen(CELL(csv, 0, 0)), CSV_CELL_MAX);
	csv_free(csv);
	free(in);
}
END_TEST

START_TEST(whole_file_bounds)
{
	size_t	 n = CSV_FILE_MAX + 1, len;
	char	*in = malloc(n);
	char	*p;

	memset(in, 'a', n);
	ck_assert_str_eq(read_error(in, n), CSV_ERR_TOO_LARGE);
	ck_assert_str_eq(read_error("", 0), CSV_ERR_EMPTY);
	ck_assert_str_eq(read_error("\n\r\n;;\n", 6), CSV_ERR_EMPTY);
	ck_assert_str_eq(read_error("\xff\xfe" "a\0;\0", 6), CSV_ERR_UTF16);
	/* One row past the bound. */
	p = in;
	p += sprintf(p, "a;b\n");
	for (int i = 0; i <= CSV_ROWS_MAX; i++)
		p += sprintf(p, "%d;x\n", i);
	len = (size_t)(p - in);
	ck_assert_str_eq(read_error(in, len), CSV_ERR_TOO_MANY_ROWS);
	/* And at the bound it reads. */
	{
		const char	*error;
		struct csv	*csv = csv_read(in, len - strlen("10000;x\n"),
		    &error);

		ck_assert_ptr_nonnull(csv);
		ck_assert_uint_eq(csv->nrows, CSV_ROWS_MAX);
		csv_free(csv);
	}
	p = in;
	for (int i = 0; i <= CSV_COLS_MAX; i++)
		p += sprintf(p, "c%d;", i);
	ck_assert_str_eq(read_error(in, (size_t)(p - in)),
	    CSV_ERR_TOO_MANY_COLS);
	free(in);
}
END_TEST

START_TEST(many_columns_in_a_row_stay_bounded)
{
	char		 in[8192], *p = in;
	struct csv	*csv;

	p += sprintf(p, "a;b\n");
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, "%d;", i);
	*p = '\0';
	csv = read_ok(in);
	ck_assert_uint_eq(csv->rows[0].ncells, CSV_COLS_MAX + 1);
	csv_free(csv);
}
END_TEST

Suite *
suite_csv_read(void)
{
	Suite	*s = suite_create("csv-read");
	TCase	*tc = tcase_create("read");

	tcase_add_test(tc, separator_from_the_header);
	tcase_add_test(tc, quotes_inside_quotes_and_newlines);
	tcase_add_test(tc, lenient_with_stray_quotes);
	tcase_add_test(tc, unclosed_quote_is_the_rows);
	tcase_add_test(tc, ragged_rows_are_kept_as_they_are);
	tcase_add_test(tc, blank_rows_are_skipped);
	tcase_add_test(tc, utf8_with_and_without_bom);
	tcase_add_test(tc, windows_1252_becomes_utf8);
	tcase_add_test(tc, every_1252_byte_maps);
	tcase_add_test(tc, neither_utf8_nor_1252_is_the_cells);
	tcase_add_test(tc, utf8_with_a_bad_byte_stays_utf8);
	tcase_add_test(tc, valid_utf8_replacement_is_no_error);
	tcase_add_test(tc, nul_is_the_cells);
	tcase_add_test(tc, long_cells_are_refused_not_cut);
	tcase_add_test(tc, whole_file_bounds);
	tcase_add_test(tc, many_columns_in_a_row_stay_bounded);
	suite_add_tcase(s, tc);
	return s;
}
