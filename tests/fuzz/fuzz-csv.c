/*
 * fuzz-csv.c: libFuzzer target for the CSV reader of the imports
 * (db/csv-read.c), on any bytes an organiser's file could hold.
 *
 * A file is read or refused with a code; what is read is valid UTF-8
 * without a NUL in every cell, no cell over CSV_CELL_MAX, no more rows
 * than CSV_ROWS_MAX or cells kept than CSV_COLS_MAX + 1 a row, lines
 * that never go back, and a separator that is one of the three.
 */
#include <string.h>

#include "fuzz.h"
#include "import.h"

static void
row_check(const struct csv_row *row, size_t last_line)
{
	CHECK(row->line >= last_line);
	CHECK(row->ncells >= 1 && row->ncells <= CSV_COLS_MAX + 1);
	for (size_t i = 0; i < row->ncells; i++) {
		const char	*t = row->cells[i].text;

		CHECK(t != NULL);
		CHECK(strlen(t) <= CSV_CELL_MAX);
		CHECK(utf8_valid(t, strlen(t)));
		CHECK(row->cells[i].error == CSV_CELL_OK || *t == '\0');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*error;
	struct csv	*csv = csv_read((const char *)data, size, &error);
	size_t		 line;

	if (csv == NULL) {
		CHECK(error != NULL);
		return 0;
	}
	CHECK(csv->sep == ';' || csv->sep == ',' || csv->sep == '\t');
	CHECK(csv->header.ncells <= CSV_COLS_MAX);
	CHECK(csv->nrows <= CSV_ROWS_MAX);
	row_check(&csv->header, 1);
	line = csv->header.line + 1;
	for (size_t i = 0; i < csv->nrows; i++) {
		row_check(&csv->rows[i], line);
		line = csv->rows[i].line + 1;
	}
	csv_free(csv);
	return 0;
}
