/*
 * store-backup.c: backups of a running daemon's database, and putting one
 * back. A backup is SQLite's online backup API copying every page in one
 * read transaction (one consistent moment, while the daemon goes on
 * writing to its WAL), into a temporary file beside the destination that
 * becomes a backup only when it is complete, checked and on disk: fsync,
 * a rename that replaces nothing unless asked to, fsync of the folder. A
 * restore copies a checked backup into the database with the same API,
 * inside SQLite's own journal, holding the file exclusively: a database a
 * daemon has open is refused, and so is a backup of a newer schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "techtank.h"

#define BACKUP_BUSY_TRIES	50	/* 100 ms apart */
#define INTEGRITY_ERRORS_SHOWN	3

/* A one-row PRAGMA's text, or NULL; the caller frees it. */
static char *
pragma_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	char		*v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
		v = xstrdup(COL_TEXT(s, 0));
	sqlite3_finalize(s);
	return v;
}

/* PRAGMA user_version, or -1 when the file cannot be read (not logged). */
static int
user_version(sqlite3 *db)
{
	char	*v = pragma_text(db, "PRAGMA user_version");
	int	 n = v != NULL ? atoi(v) : -1;

	free(v);
	return n;
}

/*
 * PRAGMA integrity_check of an open database: 0 when it says "ok", else -1
 * with its first complaints (or SQLite's error) in cause.
 */
static int
integrity_check(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt	*s;
	char		 found[512] = "";
	size_t		 used = 0;
	int		 n = 0, rc;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char	*line = COL_TEXT(s, 0);

		if (line == NULL || strcmp(line, "ok") == 0)
			continue;
		if (n++ < INTEGRITY_ERRORS_SHOWN && used < sizeof found)
			used += (size_t)snprintf(found + used, sizeof found -
			    used, "%s%s", used > 0 ? "; " : "", line);
	}
	if (rc != SQLITE_DONE)
		xasprintf(cause, "%s fails its integrity check: %s", path,
		    sqlite3_errmsg(db));
	else if (n > 0)
		xasprintf(cause, "%s fails its integrity check (%d problem%s): "
		    "%s", path, n, n == 1 ? "" : "s", found);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE && n == 0 ? 0 : -1;
}

/* Every page of src into dst in one step (one read transaction). */
static int
copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, char **cause)
{
	sqlite3_backup	*b;
	int		 rc, tries = 0;

	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		xasprintf(cause, "%s: %s", what, sqlite3_errmsg(dst));
		return -1;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (++tries == BACKUP_BUSY_TRIES)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s: %s", what, sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/*
 * Checks a backup without changing it: its integrity, and its schema
 * version (*version), which must be one this program knows.
 */
int
store_backup_verify(const char *path, int *version, char **cause)
{
	struct store	*st;
	int		 rc = -1, want = store_migration_count();

	if ((st = store_open(path, STORE_COPY | STORE_READ_ONLY, cause)) ==
	    NULL)
		return -1;
	if ((*version = user_version(store_db(st))) < 0)
		xasprintf(cause, "%s cannot be read as a database: %s", path,
		    sqlite3_errmsg(store_db(st)));
	else if (*version == 0)
		xasprintf(cause, "%s holds no techtank schema (version 0)",
		    path);
	else if (*version > want)
		xasprintf(cause, "%s has schema version %d, newer than this "
		    "%s's %d: restore it with the techtankd that made it",
		    path, *version, log_name(), want);
	else
		rc = integrity_check(store_db(st), path, cause);
	store_close(st);
	return rc;
}

/*
 * Whether path is the database at db_path or one of its side files: a
 * backup written there, or a restore read from there, would destroy it.
 */
static int
same_database(const char *path, const char *db_path)
{
	static const char	*const sides[] = { "", "-wal", "-shm",
				    "-journal" };
	struct stat		 a, b;
	char			*side;
	int			 same = 0;

	if (stat(path, &a) != 0)
		return 0;
	for (size_t i = 0; i < sizeof sides / sizeof sides[0] && !same; i++) {
		xasprintf(&side, "%s%s", db_path, sides[i]);
		same = stat(side, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino;
		free(side);
	}
	return same;
}

static int
fsync_path(const char *path, int flags)
{
	int	fd = open(path, flags | O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The folder of path, for the temporary file and the fsync after rename. */
static char *
parent_dir(const char *path)
{
	char	*copy = xstrdup(path), *dir = xstrdup(dirname(copy));

	free(copy);
	return dir;
}

/*
 * tmp becomes to: never over an existing file unless replace; the link()
 * fallback is for file systems without RENAME_NOREPLACE.
 */
static int
put_in_place(const char *tmp, const char *to, int replace, char **cause)
{
	int	rc;

	if (replace)
		rc = rename(tmp, to);
	else if ((rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, to,
	    RENAME_NOREPLACE)) == -1 && errno == EINVAL &&
	    (rc = link(tmp, to)) == 0)
		unlink(tmp);
	if (rc == -1 && errno == EEXIST)
		xasprintf(cause, "%s exists: choose another name, or give "
		    "--force to replace it", to);
	else if (rc == -1)
		xasprintf(cause, "cannot put the backup at %s: %s", to,
		    strerror(errno));
	return rc;
}

/* The copy into the temporary file: pages, one file, checked. */
static int
backup_into(sqlite3 *src, const char *tmp, char **cause)
{
	struct store	*dst;
	char		*mode = NULL;
	int		 rc = -1;

	if ((dst = store_open(tmp, STORE_COPY, cause)) == NULL)
		return -1;
	if (copy_pages(store_db(dst), src, tmp, cause) != 0)
		goto out;
	/* The pages say WAL, as the daemon's do: a backup is one file. */
	mode = pragma_text(store_db(dst), "PRAGMA journal_mode=DELETE");
	if (mode == NULL || strcmp(mode, "delete") != 0) {
		xasprintf(cause, "%s: cannot make it one file: %s", tmp,
		    sqlite3_errmsg(store_db(dst)));
		goto out;
	}
	rc = integrity_check(store_db(dst), tmp, cause);
out:
	free(mode);
	store_close(dst);
	return rc;
}

/*
 * A consistent copy of the database at db_path, written atomically to to:
 * complete, checked and on disk, or not there at all. An existing to is
 * replaced only with replace. Returns 0 with the backup's schema version
 * in *version, or -1 with cause.
 */
int
store_backup(const char *db_path, const char *to, int replace, int *version,
    char **cause)
{
	struct store	*src = NULL;
	char		*dir = parent_dir(to), *tmp = NULL, *base;
	int		 fd = -1, rc = -1;

	if (same_database(to, db_path)) {
		xasprintf(cause, "%s is the database %s itself", to, db_path);
		goto out;
	}
	if ((src = store_open(db_path, 0, cause)) == NULL)
		goto out;
	if ((*version = user_version(store_db(src))) < 0) {
		xasprintf(cause, "%s cannot be read as a database: %s", db_path,
		    sqlite3_errmsg(store_db(src)));
		goto out;
	}
	if (*version == 0) {
		xasprintf(cause, "%s holds no techtank schema (version 0)",
		    db_path);
		goto out;
	}
	base = xstrdup(to);
	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, basename(base));
	free(base);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot write in %s: %s", dir,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (backup_into(store_db(src), tmp, cause) != 0)
		goto out;
	if (fsync(fd) == -1) {
		xasprintf(cause, "%s: fsync: %s", tmp, strerror(errno));
		goto out;
	}
	if (put_in_place(tmp, to, replace, cause) != 0)
		goto out;
	free(tmp);
	tmp = NULL;
	if (fsync_path(dir, O_DIRECTORY) == -1) {
		xasprintf(cause, "%s: fsync: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	store_close(src);
	free(dir);
	return rc;
}

/*
 * Holds the database at st for this connection alone, until it closes: a
 * daemon that has it open (its WAL shared with it) makes this fail, and no
 * daemon can open it meanwhile. Leaves it in rollback-journal mode, which
 * the daemon turns back to WAL when it starts.
 */
static int
hold_exclusively(struct store *st, const char *path, char **cause)
{
	char	*mode;
	int	 rc = -1;

	sqlite3_busy_timeout(store_db(st), 500);
	mode = pragma_text(store_db(st), "PRAGMA locking_mode=EXCLUSIVE");
	free(mode);
	mode = pragma_text(store_db(st), "PRAGMA journal_mode=DELETE");
	if (mode != NULL && strcmp(mode, "delete") == 0 &&
	    sqlite3_exec(store_db(st), "BEGIN EXCLUSIVE; COMMIT", NULL, NULL,
	    NULL) == SQLITE_OK)
		rc = 0;
	else if (sqlite3_errcode(store_db(st)) == SQLITE_BUSY)
		xasprintf(cause, "%s is in use: stop techtankd first "
		    "(systemctl stop techtankd)", path);
	else
		xasprintf(cause, "%s cannot be opened as a database (%s): move "
		    "it and its -wal and -shm files aside, then restore again",
		    path, sqlite3_errmsg(store_db(st)));
	free(mode);
	return rc;
}

/*
 * Puts the backup from in place as the database at db_path, which no
 * daemon may have open; an existing database is replaced only with
 * replace. The copy is written in one transaction of SQLite's journal: an
 * interrupted restore leaves the database as it was. Returns 0 with the
 * backup's schema version in *version, or -1 with cause.
 */
int
store_restore(const char *db_path, const char *from, int replace,
    int *version, char **cause)
{
	struct store	*src = NULL, *dst = NULL;
	struct stat	 sb;
	int		 rc = -1;

	if (same_database(from, db_path)) {
		xasprintf(cause, "%s is the database %s itself", from, db_path);
		return -1;
	}
	if (store_backup_verify(from, version, cause) != 0)
		return -1;
	if (!replace && stat(db_path, &sb) == 0) {
		xasprintf(cause, "%s exists: give --force to replace it with "
		    "%s", db_path, from);
		return -1;
	}
	if ((src = store_open(from, STORE_COPY | STORE_READ_ONLY, cause)) ==
	    NULL || (dst = store_open(db_path, STORE_COPY, cause)) == NULL)
		goto out;
	if (hold_exclusively(dst, db_path, cause) != 0 ||
	    copy_pages(store_db(dst), store_db(src), db_path, cause) != 0 ||
	    integrity_check(store_db(dst), db_path, cause) != 0)
		goto out;
	rc = 0;
out:
	store_close(dst);
	store_close(src);
	return rc;
}
