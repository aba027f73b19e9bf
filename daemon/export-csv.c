/*
 * export-csv.c: an export as CSV, streamed from the worker that took the
 * request, CSV_FILL_ROWS rows a piece, while the client reads (stream.c).
 * UTF-8 with a BOM (Excel reads UTF-8 only then), the header row in the
 * organiser's language, cells separated by ';' (what Swedish Excel
 * expects: its decimal separator is the comma) or ',' on request, lines
 * ended by CRLF, cells quoted and neutralised as csv.c does. Times are the
 * event's wall clock, "2027-11-30 09:15", which Excel takes for a date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"

#define CSV_TYPE	"text/csv; charset=utf-8"
#define CSV_NUMBER_MAX	32	/* bytes of a number or a time */

struct csv_export {
	struct export_req		*rq;
	struct export_cursor		*cur;
	const struct export_column	*cols;
	size_t				 ncols;
	int				 head_done;
	char				*line;
	size_t				 len, cap;
};

static void
csv_export_free(void *arg)
{
	struct csv_export	*x = arg;

	export_close(x->cur);
	export_req_free(x->rq);
	free(x->line);
	free(x);
}

/* Room in the line for more bytes. */
static char *
line_room(struct csv_export *x, size_t more)
{
	size_t	cap = x->cap;

	while (x->len + more > cap)
		cap = cap ? cap * 2 : 4096;
	if (cap != x->cap) {
		x->line = xreallocarray(x->line, cap, 1);
		x->cap = cap;
	}
	return x->line + x->len;
}

static void
add_text(struct csv_export *x, const char *s, size_t len)
{
	char	*fixed = NULL;

	if (!text_export_clean(s, len))
		s = fixed = text_export_repair(s, len, &len);
	x->len += csv_cell(line_room(x, csv_cell_max(len)), s, len,
	    x->rq->sep);
	free(fixed);
}

static void
add_cell(struct csv_export *x, sqlite3_stmt *row, int i)
{
	const struct export_column	*col = &x->cols[i];
	const char			*s;
	struct tm			 tm;
	time_t				 t;

	if (sqlite3_column_type(row, i) == SQLITE_NULL) {
		if (col->null_word != NULL) {
			s = export_word(col->null_word, x->rq->lang);
			add_text(x, s, strlen(s));
		}
		return;
	}
	switch (col->type) {
	case EXPORT_TEXT:
		add_text(x, (const char *)sqlite3_column_text(row, i),
		    (size_t)sqlite3_column_bytes(row, i));
		break;
	case EXPORT_WORD:
		s = export_word(COL_TEXT(row, i), x->rq->lang);
		add_text(x, s, strlen(s));
		break;
	case EXPORT_INT:
		x->len += (size_t)snprintf(line_room(x, CSV_NUMBER_MAX),
		    CSV_NUMBER_MAX, "%lld", sqlite3_column_int64(row, i));
		break;
	case EXPORT_MONEY: {
		/* Kronor; the decimal comma where ';' separates the cells. */
		int64_t	ore = sqlite3_column_int64(row, i);

		x->len += (size_t)snprintf(line_room(x, CSV_NUMBER_MAX),
		    CSV_NUMBER_MAX, "%s%lld%c%02lld", ore < 0 ? "-" : "",
		    (long long)(ore < 0 ? -ore : ore) / 100,
		    x->rq->sep == ';' ? ',' : '.',
		    (long long)(ore < 0 ? -ore : ore) % 100);
		break;
	}
	case EXPORT_TIME:
		t = (time_t)sqlite3_column_int64(row, i);
		timefmt_local(t, x->rq->of.zone, &tm);
		x->len += strftime(line_room(x, CSV_NUMBER_MAX), CSV_NUMBER_MAX,
		    "%Y-%m-%d %H:%M", &tm);
		break;
	}
}

static void
line_end(struct csv_export *x, struct evbuffer *out)
{
	memcpy(line_room(x, 2), "\r\n", 2);
	x->len += 2;
	evbuffer_add(out, x->line, x->len);
	x->len = 0;
}

static void
add_sep(struct csv_export *x, size_t i)
{
	if (i > 0) {
		*line_room(x, 1) = x->rq->sep;
		x->len++;
	}
}

static void
head_row(struct csv_export *x, struct evbuffer *out)
{
	evbuffer_add(out, CSV_BOM, strlen(CSV_BOM));
	for (size_t i = 0; i < x->ncols; i++) {
		add_sep(x, i);
		add_text(x, x->cols[i].head[x->rq->lang],
		    strlen(x->cols[i].head[x->rq->lang]));
	}
	line_end(x, out);
}

/* The next rows into out (stream.c's source). */
static int
csv_fill(void *arg, struct evbuffer *out)
{
	struct csv_export	*x = arg;
	sqlite3_stmt		*row;
	enum store_step		 rc = STORE_ROW;

	if (!x->head_done) {
		head_row(x, out);
		x->head_done = 1;
	}
	for (int n = 0; n < CSV_FILL_ROWS; n++) {
		if ((rc = export_next(x->cur, &row)) != STORE_ROW)
			break;
		for (size_t i = 0; i < x->ncols; i++) {
			add_sep(x, i);
			add_cell(x, row, (int)i);
		}
		line_end(x, out);
	}
	/* No statement stays open while the client reads. */
	export_pause(x->cur);
	if (rc == STORE_ERROR)
		return -1;
	return rc == STORE_DONE ? 0 : 1;
}

static const struct stream_source csv_source = {
	.fill = csv_fill,
	.free = csv_export_free,
};

/* Stream the export rq asks for (owned) as the answer to hr. */
void
export_csv_reply(struct http_req *hr, struct export_req *rq)
{
	struct csv_export	*x;

	if (hr->method == EVHTTP_REQ_HEAD) {
		export_headers(hr, rq, "csv");
		export_req_free(rq);
		stream_reply(hr, 200, CSV_TYPE, -1, NULL, NULL);
		return;
	}
	x = xcalloc(1, sizeof *x);
	x->rq = rq;
	x->cols = export_columns(rq->kind, &x->ncols);
	if ((x->cur = export_open(hr->w->store, rq->kind, &rq->of,
	    rq->lang)) == NULL) {
		csv_export_free(x);
		http_reply_read(hr, NULL);
		return;
	}
	export_headers(hr, rq, "csv");
	stream_reply(hr, 200, CSV_TYPE, -1, &csv_source, x);
}
