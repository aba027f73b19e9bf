/*
 * import.h: what organisers bring into the system as CSV (attendees with
 * their ticket type and sessions, speakers): the CSV reader (csv-read.c),
 * and the import that checks every row with the registration's own rules
 * and writes all rows or none (store-import.c).
 */
#ifndef IMPORT_H
#define IMPORT_H

#include "techtank.h"
#include "store-door.h"

/* csv-read.c */
#define CSV_FILE_MAX	(5 * 1024 * 1024)	/* bytes; larger: 413 */
#define CSV_ROWS_MAX	10000			/* below the header */
#define CSV_CELL_MAX	4096			/* bytes, as UTF-8 */
#define CSV_COLS_MAX	64

enum csv_encoding { CSV_UTF8, CSV_UTF8_BOM, CSV_WINDOWS_1252 };

/* A cell's trouble, reported on its row and column. */
enum csv_cell_error {
	CSV_CELL_OK,
	CSV_CELL_TOO_LONG,	/* over CSV_CELL_MAX: kept empty */
	CSV_CELL_NUL,		/* held a NUL: kept empty */
	CSV_CELL_ENCODING,	/* a byte neither UTF-8 nor Windows-1252 */
};

struct csv_cell {
	char			*text;	/* UTF-8, NUL-terminated; owned */
	enum csv_cell_error	 error;
};

struct csv_row {
	size_t		 line;		/* where it starts, from 1 */
	size_t		 ncells;
	struct csv_cell	*cells;
	int		 unclosed;	/* a quote still open at the end */
};

struct csv {
	char			 sep;		/* ';', ',' or '\t' */
	enum csv_encoding	 encoding;
	struct csv_row		 header;
	size_t			 nrows;
	struct csv_row		*rows;
};

/* What makes a whole file unreadable: a code for the page to word. */
#define CSV_ERR_EMPTY		"empty"
#define CSV_ERR_TOO_LARGE	"too_large"
#define CSV_ERR_TOO_MANY_ROWS	"too_many_rows"
#define CSV_ERR_TOO_MANY_COLS	"too_many_columns"
#define CSV_ERR_UTF16		"unsupported_encoding"	/* save as CSV, not
							   "Unicode text" */

struct csv *csv_read(const char *, size_t, const char **error);
void csv_free(struct csv *);
const char *csv_encoding_name(enum csv_encoding);
const char *csv_cell_error_code(enum csv_cell_error);
char *csv_from_1252(const char *, size_t, size_t *outlen, int *undefined);

/* store-import.c */
enum import_kind { IMPORT_ATTENDEES, IMPORT_SPEAKERS };
struct import;
struct import *import_parse(struct store *, enum import_kind, int64_t event,
	    const char *, size_t, struct store_error *);
json_t *import_preview_json(const struct import *);
int import_valid(const struct import *);
void import_error(const struct import *, struct store_error *);
int store_import_write(struct store *, struct import *,
	    const struct staff *, const char *address, struct store_error *);
json_t *import_result_json(const struct import *);
size_t import_rows(const struct import *);
int import_has_signups(const struct import *);
void import_free(struct import *);

#endif
