/*
 * store-query.c: SQL put together for one request from parts (a list with
 * the filters and the order asked for), with the values to bind in the
 * order their "?" appear. Each text made is kept for the life of the
 * program, so that each connection prepares it once (store_stmt() finds
 * statements by the text's address); past QUERY_KEPT_MAX texts a query
 * is prepared for its one use and finalized.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource.h"

#define QUERY_KEPT_MAX	512	/* kinds of list statement: ample */

static pthread_mutex_t	 kept_lock = PTHREAD_MUTEX_INITIALIZER;
static char		*kept[QUERY_KEPT_MAX];
static size_t		 nkept;

void
query_init(struct query *q)
{
	memset(q, 0, sizeof *q);
	q->sql = xstrdup("");
}

void
query_free(struct query *q)
{
	for (int i = 0; i < q->nargs; i++)
		free(q->args[i].text);
	free(q->sql);
	memset(q, 0, sizeof *q);
}

/* Append SQL text. */
void
query_add(struct query *q, const char *fmt, ...)
{
	va_list	 ap;
	char	*part, *next;

	va_start(ap, fmt);
	if (vasprintf(&part, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	xasprintf(&next, "%s%s", q->sql, part);
	free(part);
	free(q->sql);
	q->sql = next;
}

static struct query_arg *
query_arg(struct query *q)
{
	if (q->nargs == QUERY_ARGS_MAX)
		fatalx("query: more than %d values", QUERY_ARGS_MAX);
	return &q->args[q->nargs++];
}

/* The value of the next "?". */
void
query_int(struct query *q, int64_t v)
{
	query_arg(q)->i = v;
}

void
query_text(struct query *q, const char *s)
{
	query_arg(q)->text = xstrdup(s);
}

/* Append the SQL of sub and its values. */
void
query_merge(struct query *q, const struct query *sub)
{
	query_add(q, "%s", sub->sql);
	for (int i = 0; i < sub->nargs; i++) {
		if (sub->args[i].text != NULL)
			query_text(q, sub->args[i].text);
		else
			query_int(q, sub->args[i].i);
	}
}

/* The kept copy of sql, or NULL when no more are kept. */
static const char *
query_kept(const char *sql)
{
	const char	*found = NULL;

	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < nkept && found == NULL; i++)
		if (strcmp(kept[i], sql) == 0)
			found = kept[i];
	if (found == NULL && nkept < QUERY_KEPT_MAX)
		found = kept[nkept++] = xstrdup(sql);
	pthread_mutex_unlock(&kept_lock);
	return found;
}

/*
 * The statement of q with its values bound, or NULL (logged). *owned is
 * set when it was prepared for this use alone: query_done() finalizes it.
 */
sqlite3_stmt *
query_prepare(struct store *st, const struct query *q, int *owned)
{
	const char	*sql = query_kept(q->sql);
	sqlite3_stmt	*s = NULL;

	*owned = sql == NULL;
	if (sql != NULL)
		s = store_stmt(st, sql);
	else if (sqlite3_prepare_v2(store_db(st), q->sql, -1, &s, NULL) !=
	    SQLITE_OK) {
		log_warnx("sqlite: preparing \"%.60s\": %s", q->sql,
		    sqlite3_errmsg(store_db(st)));
		sqlite3_finalize(s);
		return NULL;
	}
	for (int i = 0; s != NULL && i < q->nargs; i++) {
		if (q->args[i].text != NULL)
			sqlite3_bind_text(s, i + 1, q->args[i].text, -1,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(s, i + 1, q->args[i].i);
	}
	return s;
}

void
query_done(sqlite3_stmt *s, int owned)
{
	if (owned)
		sqlite3_finalize(s);
	else
		sqlite3_reset(s);
}

/* The one integer q answers (a count); -1 when the database failed. */
int64_t
query_count(struct store *st, const struct query *q)
{
	int		 owned;
	sqlite3_stmt	*s = query_prepare(st, q, &owned);
	int64_t		 n = -1;

	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	query_done(s, owned);
	return n;
}
