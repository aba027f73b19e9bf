/*
 * backup.c: "techtankd backup" and "techtankd restore", the command-line
 * side of db/store-backup.c: their options, the names of the backups kept
 * in a folder (techtank-YYYYMMDDTHHMMSSZ.db, in UTC, so that they sort in
 * time order), and pruning the oldest of them (--keep).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "techtankd.h"

#define BACKUP_PREFIX	"techtank-"
#define BACKUP_STAMP	"YYYYMMDDTHHMMSSZ"
#define BACKUP_SUFFIX	".db"
#define BACKUP_KEEP_MAX	100000

struct backup_args {
	const char	*db;
	const char	*to;		/* a file, or a folder */
	const char	*from;
	int		 force;
	long		 keep;		/* 0: keep every one */
};

static void
backup_usage(FILE *f)
{
	fprintf(f,
"usage: techtankd backup --db PATH --to FILE [--force]\n"
"       techtankd backup --db PATH --to DIR/ [--keep N]\n"
"       techtankd restore --db PATH --from FILE [--force]\n"
"  backup copies a running daemon's database, checks the copy and puts it\n"
"  in place whole; FILE is never replaced without --force. Into a folder\n"
"  the copy is named techtank-YYYYMMDDTHHMMSSZ.db (UTC), and --keep N\n"
"  then removes the oldest of those beyond N.\n"
"  restore puts a backup in place as the database, with techtankd\n"
"  stopped; an existing database is replaced only with --force.\n");
}

static int
is_dir(const char *path)
{
	struct stat	sb;
	size_t		len = strlen(path);

	return (len > 0 && path[len - 1] == '/') ||
	    (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
}

/* The options of backup or restore; exits 2 on a usage error. */
static void
backup_parse(int argc, char **argv, int restore, struct backup_args *a)
{
	enum { O_DB = 256, O_TO, O_FROM, O_FORCE, O_KEEP, O_HELP };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "to", required_argument, NULL, O_TO },
		{ "from", required_argument, NULL, O_FROM },
		{ "force", no_argument, NULL, O_FORCE },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char	*bad = NULL;
	char		*end;
	int		 c;

	memset(a, 0, sizeof *a);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_DB:
			a->db = optarg;
			break;
		case O_TO:
			a->to = optarg;
			break;
		case O_FROM:
			a->from = optarg;
			break;
		case O_FORCE:
			a->force = 1;
			break;
		case O_KEEP:
			a->keep = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->keep < 1 ||
			    a->keep > BACKUP_KEEP_MAX)
				bad = "--keep: expected a number from 1 to "
				    "100000";
			break;
		case 'h':
		case O_HELP:
			backup_usage(stdout);
			exit(0);
		default:
			backup_usage(stderr);
			exit(2);
		}
	}
	if (bad == NULL && optind < argc)
		bad = "unexpected argument";
	else if (bad == NULL && a->db == NULL)
		bad = "--db PATH is needed";
	else if (bad == NULL && restore && (a->from == NULL || a->to != NULL ||
	    a->keep != 0))
		bad = "restore takes --from FILE (and --force)";
	else if (bad == NULL && !restore && (a->to == NULL || a->from != NULL))
		bad = "backup takes --to FILE or --to DIR/";
	else if (bad == NULL && a->keep != 0 && !is_dir(a->to))
		bad = "--keep needs --to DIR/, a folder of named backups";
	if (bad != NULL) {
		fprintf(stderr, "%s %s: %s\n", log_name(), argv[0], bad);
		backup_usage(stderr);
		exit(2);
	}
}

/* A name this program gives the backups it keeps in a folder. */
static int
backup_named(const struct dirent *d)
{
	const char	*s = d->d_name;
	size_t		 plen = strlen(BACKUP_PREFIX);

	if (strlen(s) != plen + strlen(BACKUP_STAMP) + strlen(BACKUP_SUFFIX) ||
	    strncmp(s, BACKUP_PREFIX, plen) != 0 ||
	    strcmp(s + plen + strlen(BACKUP_STAMP), BACKUP_SUFFIX) != 0)
		return 0;
	for (const char *p = BACKUP_STAMP, *q = s + plen; *p != '\0'; p++, q++)
		if ((*p == 'T' || *p == 'Z') ? *q != *p :
		    (*q < '0' || *q > '9'))
			return 0;
	return 1;
}

/*
 * Removes the oldest backups in dir beyond keep, never the one just made
 * (made, its name), even were the clock set back: 0, or -1.
 */
static int
backup_prune(const char *dir, long keep, const char *made)
{
	struct dirent	**names;
	char		 *path;
	long		  extra;
	int		   n, rc = 0, fd;

	if ((n = scandir(dir, &names, backup_named, alphasort)) == -1) {
		log_warn("--keep: cannot read %s", dir);
		return -1;
	}
	extra = n - keep;
	for (int i = 0; i < n; i++) {
		if (extra > 0 && strcmp(names[i]->d_name, made) != 0) {
			extra--;
			xasprintf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] ==
			    '/' ? "" : "/", names[i]->d_name);
			if (unlink(path) == 0)
				printf("removed %s\n", path);
			else {
				log_warn("--keep: cannot remove %s", path);
				rc = -1;
			}
			free(path);
		}
		free(names[i]);
	}
	free(names);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return rc;
}

/* techtankd backup: 0, or 1 with the reason on standard error. */
static int
backup_run(struct backup_args *a)
{
	char		*path, *cause = NULL, stamp[sizeof BACKUP_STAMP];
	int		 dir = is_dir(a->to), version, rc = 1;
	time_t		 now = time(NULL);
	struct tm	 tm;
	struct stat	 sb;

	if (dir) {
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		xasprintf(&path, "%s%s" BACKUP_PREFIX "%s" BACKUP_SUFFIX,
		    a->to, a->to[strlen(a->to) - 1] == '/' ? "" : "/", stamp);
	} else
		path = xstrdup(a->to);
	/* The folder for the copies is made as --db's is. */
	if (store_make_parent_dirs(path) != 0) {
		log_warn("backup: cannot make the folder of %s", path);
		goto out;
	}
	if (store_backup(a->db, path, a->force, &version, &cause) != 0) {
		log_warnx("backup: %s", cause);
		goto out;
	}
	printf("%s: schema version %d, %lld bytes, integrity ok\n", path,
	    version, stat(path, &sb) == 0 ? (long long)sb.st_size : -1LL);
	rc = 0;
	if (a->keep != 0 && backup_prune(a->to, a->keep, strrchr(path, '/') +
	    1) != 0)
		rc = 1;
out:
	free(cause);
	free(path);
	return rc;
}

/* techtankd restore: 0, or 1 with the reason on standard error. */
static int
restore_run(struct backup_args *a)
{
	char	*cause = NULL;
	int	 version;

	if (store_make_parent_dirs(a->db) != 0) {
		log_warn("restore: cannot make the folder of %s", a->db);
		return 1;
	}
	if (store_restore(a->db, a->from, a->force, &version, &cause) != 0) {
		log_warnx("restore: %s", cause);
		free(cause);
		return 1;
	}
	printf("restored %s into %s (schema version %d", a->from, a->db,
	    version);
	if (version < store_migration_count())
		printf("; techtankd upgrades it to %d when it starts",
		    store_migration_count());
	printf(")\n");
	return 0;
}

/* argv[0] is "backup" or "restore". */
int
backup_command(int argc, char **argv)
{
	struct backup_args	a;
	int			restore = strcmp(argv[0], "restore") == 0;

	backup_parse(argc, argv, restore, &a);
	return restore ? restore_run(&a) : backup_run(&a);
}
