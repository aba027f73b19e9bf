/*
 * store-migrate.c: brings a database up to the schema this program knows.
 * The migrations are the numbered files in db/migrations/, embedded at build
 * time; PRAGMA user_version counts how many have been applied. All missing
 * ones run in one transaction, so an upgrade happens whole or not at all.
 */
#include <stdio.h>
#include <string.h>

#include "techtank.h"
#include "store-release.h"

int
store_migration_count(void)
{
	int	n = 0;

	while (db_migrations[n].name != NULL)
		n++;
	return n;
}

static int
exec_or_cause(struct store *st, const char *sql, const char *what,
    char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(store_db(st), sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", what,
		    err ? err : sqlite3_errmsg(store_db(st)));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
store_migrate(struct store *st, int *was_empty, char **cause)
{
	int	 have = store_user_version(st), want = store_migration_count();
	char	 sql[64];

	*was_empty = 0;
	if (have < 0) {
		xasprintf(cause, "cannot read the schema version: %s",
		    sqlite3_errmsg(store_db(st)));
		return -1;
	}
	if (have > want) {
		xasprintf(cause, "the database has schema version %d, newer "
		    "than this program's %d", have, want);
		return -1;
	}
	if (have == want)
		return 0;
	if (exec_or_cause(st, "BEGIN IMMEDIATE", "migrations", cause) != 0)
		return -1;
	for (int i = have; i < want; i++)
		if (exec_or_cause(st, db_migrations[i].sql,
		    db_migrations[i].name, cause) != 0)
			goto fail;
	/* Release 1 of what the public saw before releases (0013). */
	if (store_release_fill(st) != 0) {
		xasprintf(cause, "cannot publish the programme as release 1");
		goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", want);
	if (exec_or_cause(st, sql, "migrations", cause) != 0 ||
	    exec_or_cause(st, "COMMIT", "migrations", cause) != 0)
		goto fail;
	if (have == 0)
		log_info("created the schema (%d migrations)", want);
	else
		log_info("upgraded the schema from version %d to %d", have,
		    want);
	*was_empty = have == 0;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* The demo Techtank Conference, for the first start of an empty database. */
int
store_load_demo(struct store *st, char **cause)
{
	if (exec_or_cause(st, "BEGIN IMMEDIATE", "demo", cause) != 0)
		return -1;
	for (int i = 0; db_demo[i].name != NULL; i++)
		if (exec_or_cause(st, db_demo[i].sql, db_demo[i].name,
		    cause) != 0) {
			store_rollback(st);
			return -1;
		}
	/* The demo's programme is published: release 1. */
	if (store_release_mark_first(st) != 0 || store_release_fill(st) != 0) {
		xasprintf(cause, "cannot mark the demo's release");
		store_rollback(st);
		return -1;
	}
	if (exec_or_cause(st, "COMMIT", "demo", cause) != 0) {
		store_rollback(st);
		return -1;
	}
	log_info("loaded the demo event");
	return 0;
}
