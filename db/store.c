/*
 * store.c: one SQLite connection with its settings and its cache of prepared
 * statements. Every thread has its own store: the writer thread one that
 * migrates and writes, each HTTP worker one that only reads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "techtank.h"

#define STORE_STMTS_FIRST	64	/* the cache's first size; it doubles */
#define STORE_BUSY_TIMEOUT_MS	2000

struct store_stmt {
	const char	*sql;	/* the caller's static string: compared by address */
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3			*db;
	int			 flags;
	size_t			 nstmts, stmts_size;
	struct store_stmt	*stmts;
};

/* Create the folder that will hold a database file, like mkdir -p. */
int
store_make_parent_dirs(const char *path)
{
	char	*dir = xstrdup(path), *slash = strrchr(dir, '/'), *p;
	int	 rc = 0;

	if (slash == NULL || slash == dir)
		goto out;
	*slash = '\0';
	for (p = dir + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char	saved = *p;

		*p = '\0';
		if (mkdir(dir, 0750) == -1 && errno != EEXIST)
			rc = -1;
		*p = saved;
		if (saved == '\0')
			break;
	}
out:
	free(dir);
	return rc;
}

/* SQL function tt_fold(text): text_fold() for searches by name. */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*in = (const char *)sqlite3_value_text(argv[0]);

	(void)argc;
	if (in == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, text_fold(in), -1, free);
}

#define SQL_TOKEN_MAX	64

/*
 * SQL function tt_token(n): n characters of token_random(), for codes made
 * by SQL (a migration, the demo, a copied event). Never in the schema.
 */
static void
sql_token(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char	buf[SQL_TOKEN_MAX + 1];
	int	n = sqlite3_value_int(argv[0]);

	(void)argc;
	if (n < 1 || n > SQL_TOKEN_MAX) {
		sqlite3_result_error(ctx, "tt_token: 1 to 64 characters", -1);
		return;
	}
	token_random(buf, (size_t)n);
	sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
}

/*
 * SQL function tt_sort_key(text, ...): text_sort_key() of its arguments,
 * for lists in Swedish order.
 */
static void
sql_sort_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*parts[8];

	if (argc < 1 || argc > 8) {
		sqlite3_result_error(ctx, "tt_sort_key: 1 to 8 texts", -1);
		return;
	}
	for (int i = 0; i < argc; i++)
		parts[i] = (const char *)sqlite3_value_text(argv[i]);
	sqlite3_result_text(ctx, text_sort_key(parts, (size_t)argc), -1,
	    free);
}

/* SQL function tt_email_norm(text): email_normalise(), for look-ups. */
static void
sql_email_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*in = (const char *)sqlite3_value_text(argv[0]);

	(void)argc;
	if (in == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, email_normalise(in), -1, free);
}

/*
 * SQL function tt_has_words(key, words): 1 when every word of words
 * starts a word of the search key (text_key_has_words()), 0 when not or
 * when the key is null. One call for every word, and no pattern bound:
 * a GLOB with a bound pattern is prepared again at every new value.
 */
static void
sql_has_words(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*key = (const char *)sqlite3_value_text(argv[0]);
	const char	*words = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx, key != NULL && words != NULL &&
	    text_key_has_words(key, (size_t)sqlite3_value_bytes(argv[0]),
	    words, (size_t)sqlite3_value_bytes(argv[1])));
}

static int
store_pragmas(struct store *st)
{
	static const char	*writer =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA wal_autocheckpoint=0;"	/* checkpoints run from a timer */
	    "PRAGMA temp_store=MEMORY;"
	    "PRAGMA cache_size=-65536;"	/* 64 MiB: indexes stay in memory */
	    /* Erased personal data does not linger in the file's free space. */
	    "PRAGMA secure_delete=ON;";
	/*
	 * Readers map the file: a page of a list of many attendees reads
	 * rows all over it, each a system call and a copy otherwise.
	 */
	static const char	*reader =
	    "PRAGMA foreign_keys=ON;"
	    "PRAGMA query_only=ON;"
	    "PRAGMA mmap_size=1073741824;";	/* 1 GiB of address space */
	static const char	*checkpointer =
	    "PRAGMA synchronous=FULL;";

	sqlite3_create_function(st->db, "tt_fold", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_fold, NULL,
	    NULL);
	sqlite3_create_function(st->db, "tt_email_norm", 1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_email_norm,
	    NULL, NULL);
	sqlite3_create_function(st->db, "tt_token", 1, SQLITE_UTF8 |
	    SQLITE_DIRECTONLY, NULL, sql_token, NULL, NULL);
	sqlite3_create_function(st->db, "tt_sort_key", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_sort_key, NULL,
	    NULL);
	sqlite3_create_function(st->db, "tt_has_words", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_has_words, NULL,
	    NULL);
	if (st->flags & STORE_WRITER)
		return store_exec(st, writer);
	return store_exec(st, (st->flags & STORE_CHECKPOINTER) ?
	    checkpointer : reader);
}

static void
store_configure_once(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Before the first connection: no global memory statistics, whose mutex
 * every allocation of every thread would otherwise take. */
static void
store_configure(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, store_configure_once);
}

/*
 * Refuse a database this program does not know the schema of, before
 * anything is set on the connection that could write to the file.
 */
static int
store_schema_check(struct store *st, const char *path, char **cause)
{
	int	have = store_user_version(st), want = store_migration_count();

	if (have < 0)
		xasprintf(cause, "cannot read the schema version of %s: %s",
		    path, sqlite3_errmsg(st->db));
	else if (have < want)
		xasprintf(cause, "%s has schema version %d, this %s needs %d: "
		    "start techtankd once to upgrade it", path, have,
		    log_name(), want);
	else if (have > want)
		xasprintf(cause, "%s has schema version %d, newer than this "
		    "%s's %d: use the one that came with that techtankd", path,
		    have, log_name(), want);
	return have == want ? 0 : -1;
}

struct store *
store_open(const char *path, int flags, char **cause)
{
	struct store	*st = xcalloc(1, sizeof *st);
	int		 oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	store_configure();
	st->flags = flags;
	if (flags & STORE_READ_ONLY)
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
	else if ((flags & STORE_COPY) || ((flags & STORE_WRITER) &&
	    !(flags & STORE_NO_MIGRATE))) {
		oflags |= SQLITE_OPEN_CREATE;
		if (strcmp(path, ":memory:") != 0 &&
		    store_make_parent_dirs(path) == -1) {
			xasprintf(cause, "cannot create the folder for %s: %s",
			    path, strerror(errno));
			goto fail;
		}
	}
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		xasprintf(cause, "cannot open %s: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	if ((flags & STORE_NO_MIGRATE) &&
	    store_schema_check(st, path, cause) != 0)
		goto fail;
	if (flags & STORE_COPY)
		return st;
	if (store_pragmas(st) != 0) {
		xasprintf(cause, "cannot set up %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	if ((flags & STORE_WRITER) && !(flags & STORE_NO_MIGRATE)) {
		int	was_empty;

		if (store_migrate(st, &was_empty, cause) != 0)
			goto fail;
		if (was_empty && !(flags & STORE_NO_DEMO) &&
		    store_load_demo(st, cause) != 0)
			goto fail;
	}
	if ((flags & STORE_WRITER) && (store_search_open(st) != 0 ||
	    store_email_keys_open(st) != 0 || store_invoice_open(st) != 0)) {
		xasprintf(cause, "cannot set up %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	free(st->stmts);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("closing the database: %s", sqlite3_errmsg(st->db));
	free(st);
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

/*
 * The prepared statement for sql, prepared on first use and reset and
 * cleared on every later one. sql must be a string with static lifetime.
 * Our SQL is fixed, so a statement that does not compile is a bug and
 * fatal; any other failure to prepare (no memory, a busy or damaged file)
 * is logged and gives NULL: SQLite's bind and column functions take a NULL
 * statement as a no-op, and store_step() turns it into STORE_ERROR.
 */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	for (size_t i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].sql == sql) {
			stmt = st->stmts[i].stmt;
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			return stmt;
		}
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_ERROR)
			fatalx("preparing \"%.60s\": %s", sql,
			    sqlite3_errmsg(st->db));
		log_warnx("sqlite: preparing \"%.60s\": %s", sql,
		    sqlite3_errmsg(st->db));
		return NULL;
	}
	if (st->nstmts == st->stmts_size) {
		st->stmts_size = st->stmts_size ? st->stmts_size * 2 :
		    STORE_STMTS_FIRST;
		st->stmts = xreallocarray(st->stmts, st->stmts_size,
		    sizeof *st->stmts);
	}
	st->stmts[st->nstmts].sql = sql;
	st->stmts[st->nstmts++].stmt = stmt;
	return stmt;
}

/* One statement through the cache: sql must have static lifetime. */
int
store_run(struct store *st, const char *sql)
{
	return store_step_done(st, store_stmt(st, sql));
}

/*
 * Step a statement: STORE_ROW, STORE_DONE, or STORE_ERROR (logged, with the
 * statement's text). Callers must tell an error apart from "no row". A
 * statement store_stmt() could not prepare (NULL) is an error too.
 */
enum store_step
store_step(struct store *st, sqlite3_stmt *s)
{
	if (s == NULL)
		return STORE_ERROR;
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	default:
		log_warnx("sqlite: %.80s: %s", sqlite3_sql(s),
		    sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
}

/*
 * The end of a loop that built list from the rows of a statement: the
 * list, or NULL (the list freed) when the last step was an error.
 */
json_t *
store_list_end(json_t *list, enum store_step last)
{
	if (last != STORE_ERROR)
		return list;
	json_decref(list);
	return NULL;
}

/* Step a statement that returns no rows, and reset it: 0, or -1. */
int
store_step_done(struct store *st, sqlite3_stmt *s)
{
	enum store_step	rc = store_step(st, s);

	sqlite3_reset(s);
	if (rc == STORE_ROW) {
		log_warnx("sqlite: %.80s: a row where none was expected",
		    sqlite3_sql(s));
		return -1;
	}
	return rc == STORE_DONE ? 0 : -1;
}

int
store_exec(struct store *st, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("sqlite: %s", err ? err : sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st)
{
	return store_run(st, "BEGIN IMMEDIATE");
}

/*
 * A read transaction around several statements: one snapshot for all of
 * them (a page and its total agree), and the database's locks taken once
 * rather than by each statement. Nothing when one is already open;
 * store_read_end() ends only the one this opened.
 */
int
store_read_begin(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return 0;
	return store_exec(st, "BEGIN") == 0 ? 1 : -1;
}

void
store_read_end(struct store *st, int began)
{
	if (began == 1 && !sqlite3_get_autocommit(st->db))
		store_exec(st, "COMMIT");
}

int
store_commit(struct store *st)
{
	return store_run(st, "COMMIT");
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, "ROLLBACK");
}

int
store_checkpoint(struct store *st)
{
	int	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		log_warnx("checkpoint: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

/* PRAGMA user_version: how many migrations the database has; -1: error. */
int
store_user_version(struct store *st)
{
	static const char	 sql[] = "PRAGMA user_version";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 v = -1;

	if (store_step(st, s) == STORE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return v;
}
