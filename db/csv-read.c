/*
 * csv-read.c: reads the CSV files organisers import, as spreadsheets
 * write them. RFC 4180 (cells in double quotes may hold the separator,
 * newlines and doubled quotes), with the separator taken from the header
 * row (semicolon as Swedish Excel writes, comma, or tab), and text in
 * UTF-8 with or without a BOM or, when the file is not UTF-8,
 * Windows-1252 as Excel saves "CSV" on a Swedish Windows. What one cell
 * or row gets wrong (a NUL, a cell over CSV_CELL_MAX, a byte that is not
 * UTF-8 in a UTF-8 file or that 1252 does not define, a quote never
 * closed) is reported on that cell or row, so
 * that the organiser sees every problem at once; only what makes the
 * whole file unreadable (empty, too large, too many rows or columns, or
 * UTF-16) is an error of the file. Pure: no store, no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "import.h"

#define BOM		"\xef\xbb\xbf"
#define REPLACEMENT	0xfffd

/*
 * Windows-1252 from 0x80 to 0x9f, where it differs from Latin-1; 0 where
 * it defines nothing (0x81, 0x8d, 0x8f, 0x90, 0x9d). From 0xa0 up each
 * byte is the code point of the same number.
 */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
	0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static size_t
utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * UTF-8 with each byte that starts no character as U+FFFD (a NUL kept,
 * for its cell to report), in the same form as csv_from_1252().
 */
static char *
utf8_repair(const char *in, size_t len, size_t *outlen)
{
	char	*out = xreallocarray(NULL, len + 1, 3), *o = out;
	size_t	 n;

	for (size_t i = 0; i < len; i += n) {
		if (in[i] == '\0')
			n = 1, *o++ = '\0';
		else if ((n = utf8_char_len(in + i, len - i)) == 0) {
			n = 1;
			o += utf8_put(o, REPLACEMENT);
		} else {
			memcpy(o, in + i, n);
			o += n;
		}
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/*
 * Text that is not valid UTF-8 is still UTF-8 with a few bad bytes when
 * it holds more characters beyond ASCII that are valid UTF-8 than bytes
 * that are not: Windows-1252 text almost never forms one (a letter
 * would have to follow "Ã" or "Â").
 */
static int
mostly_utf8(const char *s, size_t len)
{
	size_t	multi = 0, bad = 0, n;

	for (size_t i = 0; i < len; i += n) {
		if (s[i] == '\0' || (unsigned char)s[i] < 0x80)
			n = 1;
		else if ((n = utf8_char_len(s + i, len - i)) == 0) {
			n = 1;
			bad++;
		} else
			multi++;
	}
	return multi > bad;
}

/*
 * Windows-1252 as UTF-8 (owned by the caller, NUL-terminated, its length
 * in *outlen); a byte 1252 leaves undefined becomes U+FFFD and sets
 * *undefined.
 */
char *
csv_from_1252(const char *in, size_t len, size_t *outlen, int *undefined)
{
	char	*out = xreallocarray(NULL, len + 1, 3), *o = out;

	*undefined = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)in[i];
		unsigned	cp = c;

		if (c >= 0x80 && c < 0xa0 && (cp = cp1252_high[c - 0x80]) == 0) {
			cp = REPLACEMENT;
			*undefined = 1;
		}
		o += utf8_put(o, cp);
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

const char *
csv_encoding_name(enum csv_encoding e)
{
	switch (e) {
	case CSV_UTF8_BOM:
		return "utf-8-bom";
	case CSV_WINDOWS_1252:
		return "windows-1252";
	default:
		return "utf-8";
	}
}

const char *
csv_cell_error_code(enum csv_cell_error e)
{
	switch (e) {
	case CSV_CELL_TOO_LONG:
		return "too_long";
	case CSV_CELL_NUL:
		return "nul";
	case CSV_CELL_ENCODING:
		return "encoding";
	default:
		return NULL;
	}
}

/* The reader's place in the text. */
struct reader {
	const char	*p, *end;
	char		 sep;
	size_t		 line;
	int		 check_replacement;	/* U+FFFD stands for a bad byte */
	char		 cell[CSV_CELL_MAX + 1];
	size_t		 len;
	enum csv_cell_error error;
};

/* The separator the header row uses most, outside quotes. */
static char
sniff_separator(const char *p, const char *end)
{
	static const char	 seps[] = { ';', ',', '\t' };
	size_t			 count[3] = { 0, 0, 0 }, best = 0;
	int			 quoted = 0;

	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted)
			for (size_t i = 0; i < 3; i++)
				count[i] += *p == seps[i];
	}
	for (size_t i = 1; i < 3; i++)
		if (count[i] > count[best])
			best = i;
	return count[best] == 0 ? ',' : seps[best];
}

static void
cell_add(struct reader *r, char c)
{
	if (c == '\0') {
		r->error = CSV_CELL_NUL;
		return;
	}
	if (c == '\n')
		r->line++;
	if (r->len == CSV_CELL_MAX) {
		if (r->error == CSV_CELL_OK)
			r->error = CSV_CELL_TOO_LONG;
		return;
	}
	r->cell[r->len++] = c;
}

/* One cell into r->cell; returns 1 when a quote was left open. */
static int
cell_read(struct reader *r)
{
	r->len = 0;
	r->error = CSV_CELL_OK;
	if (r->p < r->end && *r->p == '"') {
		r->p++;
		for (;;) {
			if (r->p == r->end)
				return 1;
			if (*r->p == '"') {
				if (r->p + 1 < r->end && r->p[1] == '"') {
					cell_add(r, '"');
					r->p += 2;
					continue;
				}
				r->p++;
				break;
			}
			cell_add(r, *r->p++);
		}
	}
	/* Unquoted, or what follows a closing quote: as it is, as Excel. */
	while (r->p < r->end && *r->p != r->sep && *r->p != '\n' &&
	    *r->p != '\r')
		cell_add(r, *r->p++);
	return 0;
}

static void
cell_keep(struct reader *r, struct csv_cell *c)
{
	if (r->error == CSV_CELL_OK && r->check_replacement &&
	    memmem(r->cell, r->len, "\xef\xbf\xbd", 3) != NULL)
		r->error = CSV_CELL_ENCODING;
	c->error = r->error;
	c->text = r->error == CSV_CELL_OK ? xstrndup(r->cell, r->len) :
	    xstrdup("");
}

/*
 * One row: its cells up to the end of its line (CRLF, LF or CR), at most
 * CSV_COLS_MAX + 1 of them kept, which is enough to see it ragged.
 */
static void
row_read(struct reader *r, struct csv_row *row)
{
	size_t	alloc = 0;

	memset(row, 0, sizeof *row);
	row->line = r->line;
	for (;;) {
		if (cell_read(r))
			row->unclosed = 1;
		if (row->ncells <= CSV_COLS_MAX) {
			if (row->ncells == alloc) {
				alloc = alloc == 0 ? 8 : alloc * 2;
				row->cells = xreallocarray(row->cells, alloc,
				    sizeof *row->cells);
			}
			cell_keep(r, &row->cells[row->ncells++]);
		}
		if (r->p == r->end)
			break;
		if (*r->p == r->sep) {
			r->p++;
			continue;
		}
		if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
			r->p++;
		r->p++;
		r->line++;
		break;
	}
}

static int
row_blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		if (row->cells[i].text[0] != '\0' ||
		    row->cells[i].error != CSV_CELL_OK)
			return 0;
	return !row->unclosed;
}

static void
row_clear(struct csv_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		free(row->cells[i].text);
	free(row->cells);
	memset(row, 0, sizeof *row);
}

/* The rows below the header; -1 past CSV_ROWS_MAX. */
static int
rows_read(struct reader *r, struct csv *csv)
{
	size_t		alloc = 0;
	struct csv_row	row;

	while (r->p < r->end) {
		row_read(r, &row);
		if (row_blank(&row)) {
			row_clear(&row);
			continue;
		}
		if (csv->nrows == CSV_ROWS_MAX) {
			row_clear(&row);
			return -1;
		}
		if (csv->nrows == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			csv->rows = xreallocarray(csv->rows, alloc,
			    sizeof *csv->rows);
		}
		csv->rows[csv->nrows++] = row;
	}
	return 0;
}

/*
 * Read a whole file. Returns it (csv_free() it), or NULL with *error one
 * of the CSV_ERR_ codes.
 */
struct csv *
csv_read(const char *data, size_t len, const char **error)
{
	struct csv	*csv = NULL;
	struct reader	*r = NULL;
	char		*text = NULL;
	size_t		 tlen;
	int		 undefined = 0;
	enum csv_encoding enc = CSV_UTF8;

	*error = NULL;
	if (len > CSV_FILE_MAX) {
		*error = CSV_ERR_TOO_LARGE;
		return NULL;
	}
	if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
	    (data[0] == '\xfe' && data[1] == '\xff'))) {
		*error = CSV_ERR_UTF16;
		return NULL;
	}
	if (len >= 3 && memcmp(data, BOM, 3) == 0) {
		data += 3;
		len -= 3;
		enc = CSV_UTF8_BOM;
	}
	if (!utf8_valid(data, len)) {
		if (enc == CSV_UTF8_BOM || mostly_utf8(data, len)) {
			text = utf8_repair(data, len, &tlen);
			undefined = 1;
		} else {
			enc = CSV_WINDOWS_1252;
			text = csv_from_1252(data, len, &tlen, &undefined);
		}
		data = text;
		len = tlen;
	}

	r = xcalloc(1, sizeof *r);
	r->p = data;
	r->end = data + len;
	r->line = 1;
	r->check_replacement = undefined;
	r->sep = sniff_separator(r->p, r->end);
	csv = xcalloc(1, sizeof *csv);
	csv->sep = r->sep;
	csv->encoding = enc;
	/* Blank lines before the header are no header. */
	do {
		row_clear(&csv->header);
		if (r->p == r->end) {
			*error = CSV_ERR_EMPTY;
			goto fail;
		}
		row_read(r, &csv->header);
	} while (row_blank(&csv->header));
	if (csv->header.ncells > CSV_COLS_MAX) {
		*error = CSV_ERR_TOO_MANY_COLS;
		goto fail;
	}
	if (rows_read(r, csv) != 0) {
		*error = CSV_ERR_TOO_MANY_ROWS;
		goto fail;
	}
	free(r);
	free(text);
	return csv;
fail:
	free(r);
	free(text);
	csv_free(csv);
	return NULL;
}

void
csv_free(struct csv *csv)
{
	if (csv == NULL)
		return;
	row_clear(&csv->header);
	for (size_t i = 0; i < csv->nrows; i++)
		row_clear(&csv->rows[i]);
	free(csv->rows);
	free(csv);
}
