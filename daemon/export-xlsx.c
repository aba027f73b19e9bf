/*
 * export-xlsx.c: an export as an Excel workbook, written by libxlsxwriter:
 * numbers as number cells, times as Excel dates (the event's wall clock)
 * with a date format, the header row frozen and filtered, each column as
 * wide as its contents usually are.
 *
 * libxlsxwriter writes a file, not a stream: a zip whose size is known
 * only once it is closed. In constant_memory mode it keeps one row in
 * memory and the sheet in a temporary file, so that memory does not grow
 * with the rows; but writing and zipping 100,000 rows takes about a
 * second, which on a worker's loop would stall every other request that
 * worker serves. So the workbook is written on the slow thread, from a
 * read connection of its own opened for the export, XLSX_SLICE_ROWS rows
 * a turn (slow.c: a login waiting there waits for one turn, not for the
 * whole file), into a temporary file beside the database, or in $TMPDIR
 * when that is set (libxlsxwriter's own temporary files go to the same
 * folder). Once the workbook is closed, the file is opened and unlinked at
 * once (it goes with its descriptor), and the worker streams it out with
 * its Content-Length and the same back-pressure as a CSV (stream.c).
 *
 * Formula injection: text goes into inline string cells, which Excel
 * shows and never evaluates, whatever they begin with. No apostrophe is
 * added as in the CSV: in a workbook it would be no marker but part of
 * the text, shown, copied and sorted on (every "+46 70 ..." phone number
 * would read "'+46 70 ..."). Text that looks like a formula gets the Text
 * number format ("@") besides, so that it stays text when someone edits
 * the cell and presses Enter, where Excel would read what was typed anew.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <xlsxwriter.h>

#include "techtankd.h"

#define XLSX_TYPE	"application/vnd.openxmlformats-officedocument." \
	"spreadsheetml.sheet"
#define XLSX_CELL_CHARS	32767		/* Excel keeps no more in a cell */
#define XLSX_PIECE	(64 * 1024)	/* bytes of the file read at once */
#define XLSX_TEMPLATE	"techtank-export-XXXXXX.xlsx"

struct xlsx_export {
	struct export_req		*rq;
	char				*db_path;
	char				*dir;		/* temporary files */
	struct store			*st;
	struct export_cursor		*cur;
	const struct export_column	*cols;
	size_t				 ncols;
	lxw_workbook			*wb;
	lxw_worksheet			*ws;
	lxw_format			*head, *when, *text, *money;
	char				*path;		/* until unlinked */
	lxw_row_t			 row;		/* the next to write */
	int				 complete;	/* closed, in fd */
	char				*cause;		/* why it failed */
	int				 fd;
	off_t				 size;
};

static void
xlsx_export_free(void *arg)
{
	struct xlsx_export	*x = arg;

	if (x->wb != NULL)
		lxw_workbook_free(x->wb);
	if (x->path != NULL)
		unlink(x->path);
	if (x->fd != -1)
		close(x->fd);
	export_close(x->cur);
	store_close(x->st);
	export_req_free(x->rq);
	free(x->db_path);
	free(x->dir);
	free(x->path);
	free(x->cause);
	free(x);
}

/* $TMPDIR, else the folder of the database (the daemon writes there). */
static char *
temp_dir(const char *db_path)
{
	const char	*tmp = getenv("TMPDIR"), *slash;

	if (tmp != NULL && *tmp != '\0')
		return xstrdup(tmp);
	if ((slash = strrchr(db_path, '/')) == NULL)
		return xstrdup(".");
	if (slash == db_path)
		return xstrdup("/");
	return xstrndup(db_path, (size_t)(slash - db_path));
}

static int
xlsx_fail(struct xlsx_export *x, const char *what, const char *why)
{
	if (x->cause == NULL)
		xasprintf(&x->cause, "%s: %s", what, why);
	return -1;
}

static void
xlsx_formats(struct xlsx_export *x)
{
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	x->when = workbook_add_format(x->wb);
	format_set_num_format(x->when, "yyyy-mm-dd hh:mm");
	x->text = workbook_add_format(x->wb);
	format_set_num_format(x->text, "@");
	x->money = workbook_add_format(x->wb);
	format_set_num_format(x->money, "#,##0.00");
}

/* The sheet's name: the export's word, capitalised ("Deltagare"). */
static void
xlsx_sheet(struct xlsx_export *x)
{
	char	*name = xstrdup(export_label(x->rq->kind, x->rq->lang));

	if (name[0] >= 'a' && name[0] <= 'z')
		name[0] = (char)(name[0] - 'a' + 'A');
	x->ws = workbook_add_worksheet(x->wb, name);
	free(name);
}

/* On the slow thread: the connection, the file, the header row. */
static int
xlsx_begin(struct xlsx_export *x)
{
	lxw_workbook_options	 opt = { .constant_memory = LXW_TRUE };
	char			*cause = NULL;
	int			 fd;

	if ((x->st = store_open(x->db_path, 0, &cause)) == NULL) {
		xlsx_fail(x, "opening the database", cause);
		free(cause);
		return -1;
	}
	if ((x->cur = export_open(x->st, x->rq->kind, &x->rq->of,
	    x->rq->lang)) == NULL)
		return xlsx_fail(x, "reading the export", "database error");
	x->dir = temp_dir(x->db_path);
	xasprintf(&x->path, "%s/" XLSX_TEMPLATE, x->dir);
	if ((fd = mkstemps(x->path, strlen(".xlsx"))) == -1) {
		free(x->path);
		x->path = NULL;
		return xlsx_fail(x, x->dir, strerror(errno));
	}
	close(fd);
	opt.tmpdir = x->dir;
	if ((x->wb = workbook_new_opt(x->path, &opt)) == NULL)
		return xlsx_fail(x, x->path, "cannot start a workbook");
	xlsx_formats(x);
	xlsx_sheet(x);
	x->cols = export_columns(x->rq->kind, &x->ncols);
	for (size_t i = 0; i < x->ncols; i++) {
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
		    x->cols[i].width, NULL);
		worksheet_write_string(x->ws, 0, (lxw_col_t)i,
		    x->cols[i].head[x->rq->lang], x->head);
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row = 1;
	return 0;
}

/* Text for a cell: repaired, cut to what Excel keeps; maybe a copy. */
static const char *
cell_text(const char *s, size_t len, char **copy)
{
	size_t	 chars = 0, i;

	*copy = NULL;
	if (!text_export_clean(s, len))
		s = *copy = text_export_repair(s, len, &len);
	if (len <= XLSX_CELL_CHARS)
		return s;
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 &&
		    chars++ == XLSX_CELL_CHARS)
			break;
	if (*copy == NULL)
		s = *copy = xstrndup(s, i);
	else
		(*copy)[i] = '\0';
	return s;
}

static lxw_error
xlsx_text(struct xlsx_export *x, lxw_col_t c, const char *s, size_t len)
{
	char		*copy;
	const char	*text = cell_text(s, len, &copy);
	lxw_error	 err;

	err = worksheet_write_string(x->ws, x->row, c, text,
	    text_formula_like(text, strlen(text)) ? x->text : NULL);
	free(copy);
	return err;
}

static lxw_error
xlsx_cell(struct xlsx_export *x, sqlite3_stmt *row, int i)
{
	const struct export_column	*col = &x->cols[i];
	lxw_col_t			 c = (lxw_col_t)i;
	const char			*s;
	lxw_datetime			 dt;
	struct tm			 tm;

	if (sqlite3_column_type(row, i) == SQLITE_NULL) {
		if (col->null_word == NULL)
			return LXW_NO_ERROR;
		s = export_word(col->null_word, x->rq->lang);
		return xlsx_text(x, c, s, strlen(s));
	}
	switch (col->type) {
	case EXPORT_TEXT:
		return xlsx_text(x, c, COL_TEXT(row, i),
		    (size_t)sqlite3_column_bytes(row, i));
	case EXPORT_WORD:
		s = export_word(COL_TEXT(row, i), x->rq->lang);
		return xlsx_text(x, c, s, strlen(s));
	case EXPORT_INT:
		return worksheet_write_number(x->ws, x->row, c,
		    (double)sqlite3_column_int64(row, i), NULL);
	case EXPORT_MONEY:
		return worksheet_write_number(x->ws, x->row, c,
		    (double)sqlite3_column_int64(row, i) / 100.0, x->money);
	case EXPORT_TIME:
		timefmt_local((time_t)sqlite3_column_int64(row, i),
		    x->rq->of.zone, &tm);
		dt.year = tm.tm_year + 1900;
		dt.month = tm.tm_mon + 1;
		dt.day = tm.tm_mday;
		dt.hour = tm.tm_hour;
		dt.min = tm.tm_min;
		dt.sec = tm.tm_sec;
		return worksheet_write_datetime(x->ws, x->row, c, &dt, x->when);
	}
	return LXW_NO_ERROR;
}

/* The filter over every row; close, open and unlink the file. */
static int
xlsx_finish(struct xlsx_export *x)
{
	struct stat	sb;
	lxw_error	err;

	worksheet_autofilter(x->ws, 0, 0, x->row - 1,
	    (lxw_col_t)(x->ncols - 1));
	err = workbook_close(x->wb);
	x->wb = NULL;
	if (err != LXW_NO_ERROR)
		return xlsx_fail(x, x->path, lxw_strerror(err));
	if ((x->fd = open(x->path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(x->fd, &sb) == -1)
		return xlsx_fail(x, x->path, strerror(errno));
	unlink(x->path);
	free(x->path);
	x->path = NULL;
	x->size = sb.st_size;
	export_close(x->cur);
	x->cur = NULL;
	store_close(x->st);
	x->st = NULL;
	x->complete = 1;
	return 0;
}

/* On the slow thread: one turn of XLSX_SLICE_ROWS rows, or the end. */
static void
xlsx_write(struct job *job)
{
	struct xlsx_export	*x = job->data;
	sqlite3_stmt		*row;
	enum store_step		 rc = STORE_ROW;
	lxw_error		 err = LXW_NO_ERROR;

	if (x->wb == NULL && xlsx_begin(x) != 0)
		goto fail;
	for (int n = 0; n < XLSX_SLICE_ROWS; n++) {
		if ((rc = export_next(x->cur, &row)) != STORE_ROW)
			break;
		if (x->row >= LXW_ROW_MAX) {
			xlsx_fail(x, "the workbook", "more rows than a sheet "
			    "holds");
			goto fail;
		}
		for (size_t i = 0; i < x->ncols && err == LXW_NO_ERROR; i++)
			err = xlsx_cell(x, row, (int)i);
		if (err != LXW_NO_ERROR) {
			xlsx_fail(x, "writing a row", lxw_strerror(err));
			goto fail;
		}
		x->row++;
	}
	export_pause(x->cur);
	if (rc == STORE_ERROR) {
		xlsx_fail(x, "reading the export", "database error");
		goto fail;
	}
	if (rc == STORE_ROW) {
		job->again = 1;
		return;
	}
	if (xlsx_finish(x) == 0)
		return;
fail:
	log_warnx("%s: %s", job->hr->log_path, x->cause);
	store_error_set(&job->err, 500, "internal", "the workbook could not "
	    "be written");
}

/* The file, read a piece at a time (stream.c's source). */
struct xlsx_file {
	int	 fd;
	off_t	 left;
};

static int
file_fill(void *arg, struct evbuffer *out)
{
	struct xlsx_file	*f = arg;
	struct evbuffer_iovec	 v;
	size_t			 want = f->left < XLSX_PIECE ? (size_t)f->left :
	    XLSX_PIECE;
	ssize_t			 n;

	if (want == 0)
		return 0;
	if (evbuffer_reserve_space(out, (ev_ssize_t)want, &v, 1) < 1)
		return -1;
	if ((n = read(f->fd, v.iov_base, want)) <= 0)
		return -1;	/* shorter than it was: the answer is cut */
	v.iov_len = (size_t)n;
	evbuffer_commit_space(out, &v, 1);
	f->left -= n;
	return f->left > 0;
}

static void
file_free(void *arg)
{
	struct xlsx_file	*f = arg;

	close(f->fd);
	free(f);
}

static const struct stream_source file_source = {
	.fill = file_fill,
	.free = file_free,
};

/* On the request's worker, once the workbook is written. */
static void
xlsx_done(struct job *job)
{
	struct xlsx_export	*x = job->data;
	struct xlsx_file	*f;

	if (!x->complete) {
		/* The daemon is stopping: no more turns. */
		http_header(job->hr, "Retry-After", "1");
		http_reply_error(job->hr, 503, "unavailable", "the server is "
		    "stopping; please try again", NULL);
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->fd = x->fd;
	f->left = x->size;
	x->fd = -1;
	export_headers(job->hr, x->rq, "xlsx");
	stream_reply(job->hr, 200, XLSX_TYPE, x->size, &file_source, f);
}

static const struct job_type xlsx_job = {
	.name = "xlsx",
	.slow = xlsx_write,
	.done = xlsx_done,
};

/* Write the export rq asks for (owned) as a workbook, then send it. */
void
export_xlsx_reply(struct http_req *hr, struct export_req *rq)
{
	struct xlsx_export	*x;

	if (hr->method == EVHTTP_REQ_HEAD) {
		export_headers(hr, rq, "xlsx");
		export_req_free(rq);
		stream_reply(hr, 200, XLSX_TYPE, -1, NULL, NULL);
		return;
	}
	x = xcalloc(1, sizeof *x);
	x->rq = rq;
	x->db_path = xstrdup(hr->w->srv->cfg.db_path);
	x->fd = -1;
	job_submit(hr, &xlsx_job, x, xlsx_export_free);
}
