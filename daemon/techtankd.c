/*
 * techtankd.c: the Techtank Conference daemon. Reads its settings
 * (config.c), opens (and migrates) the database, and serves the API and
 * the web pages until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "techtankd.h"
#include "door-sync.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: techtankd [options]\n"
"       techtankd [options] user add NAME --role door|organiser\n"
"       techtankd [options] user list\n"
"       techtankd [options] user disable NAME\n"
"user add reads the password from standard input; from a terminal, or\n"
"when the input is empty, it makes one up and prints it once.\n"
"       techtankd backup --db PATH --to FILE [--force]\n"
"       techtankd backup --db PATH --to DIR/ [--keep N]\n"
"       techtankd restore --db PATH --from FILE [--force]\n"
"(techtankd backup --help tells more)\n");
	config_usage(f);
}

/*
 * The settings: the defaults, then the configuration file, then the
 * command line. Exits after --help, --version and --check-config, and on
 * any error.
 */
static void
configure(struct config *cfg, int argc, char **argv)
{
	struct config_args	*args;
	char			*cause = NULL;

	config_defaults(cfg);
	if ((args = config_args(cfg, argc, argv)) == NULL) {
		usage(stderr);
		exit(2);
	}
	if (cfg->help) {
		usage(stdout);
		exit(0);
	}
	if (cfg->version) {
		printf("techtankd %s\n", PACKAGE_VERSION);
		exit(0);
	}
	if (cfg->nargs > 0 && strcmp(cfg->args[0], "user") != 0) {
		fprintf(stderr, "techtankd: unexpected argument \"%s\"\n",
		    cfg->args[0]);
		usage(stderr);
		exit(2);
	}
	if (config_read(cfg, &cause) != 0 ||
	    config_args_apply(cfg, args, &cause) != 0)
		fatalx("%s", cause);
	if (cfg->check_config) {
		config_print(stdout, cfg);
		config_free(cfg);
		exit(0);
	}
}

/* A password from standard input, or a new one printed once. */
static char *
read_password(int *generated)
{
	char	buf[1100];
	size_t	len;

	*generated = 0;
	if (!isatty(STDIN_FILENO) && fgets(buf, sizeof buf, stdin) != NULL) {
		len = strcspn(buf, "\r\n");
		buf[len] = '\0';
		if (len > 0)
			return xstrdup(buf);
	}
	*generated = 1;
	token_random(buf, 20);
	buf[20] = '\0';
	return xstrdup(buf);
}

/* techtankd --db PATH user add|list|disable ... */
static int
user_command(struct config *cfg)
{
	struct store	*st;
	char		*cause = NULL, *password;
	const char	*verb = cfg->nargs > 1 ? cfg->args[1] : "";
	int		 generated, rc = 0;

	if ((st = store_open(cfg->db_path, STORE_WRITER | (cfg->demo ? 0 :
	    STORE_NO_DEMO), &cause)) == NULL)
		fatalx("%s", cause);
	if (strcmp(verb, "add") == 0 && cfg->nargs == 3) {
		if (cfg->role == NULL)
			fatalx("user add: --role door or --role organiser");
		password = read_password(&generated);
		if (store_user_add(st, cfg->args[2], cfg->role, password,
		    &cause) != 0)
			fatalx("user add: %s", cause);
		if (generated)
			printf("password for %s: %s\n(shown once: write it "
			    "down)\n", cfg->args[2], password);
		else
			printf("added %s (%s)\n", cfg->args[2], cfg->role);
		sodium_memzero(password, strlen(password));
		free(password);
	} else if (strcmp(verb, "list") == 0 && cfg->nargs == 2) {
		json_t	*list = store_user_list(st), *u;
		size_t	 i;

		if (list == NULL)
			fatalx("user list: cannot read the users");
		json_array_foreach(list, i, u)
			printf("%-24s %-10s %s\n",
			    json_string_value(json_object_get(u, "name")),
			    json_string_value(json_object_get(u, "role")),
			    json_is_true(json_object_get(u, "disabled")) ?
			    "disabled" : "active");
		json_decref(list);
	} else if (strcmp(verb, "disable") == 0 && cfg->nargs == 3) {
		if (store_user_disable(st, cfg->args[2], &cause) != 0)
			fatalx("user disable: %s", cause);
		printf("disabled %s; their sessions are ended\n",
		    cfg->args[2]);
	} else {
		usage(stderr);
		rc = 2;
	}
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	struct server	 srv;
	char		*cause = NULL;
	const char	*host;

	memset(&srv, 0, sizeof srv);
	log_init("techtankd");
	/* backup and restore take their own options (backup.c). */
	if (argc > 1 && (strcmp(argv[1], "backup") == 0 ||
	    strcmp(argv[1], "restore") == 0))
		return backup_command(argc - 1, argv + 1);
	configure(&srv.cfg, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		fatalx("libsodium could not be initialised");
	json_object_seed(0);
	srv.nworkers = srv.cfg.threads;

	if (srv.cfg.nargs > 0) {
		int	rc = user_command(&srv.cfg);

		config_free(&srv.cfg);
		return rc;
	}
	notify_init();
	srv.door_cache = door_cache_create();
	if (static_open_root(srv.cfg.web_root, &cause) != 0)
		fatalx("%s", cause);
	if (writer_start(&srv.cfg, &cause) != 0 || auth_init(&cause) != 0 ||
	    slow_start(&cause) != 0 ||
	    accesslog_start(srv.cfg.access_log, &cause) != 0)
		fatalx("%s", cause);
	if (worker_start_all(&srv, &cause) != 0)
		fatalx("%s", cause);
	host = srv.cfg.listen.host;
	if (srv.cfg.public_url == NULL)
		xasprintf(&srv.cfg.public_url, strchr(host, ':') ?
		    "http://[%s]:%d" : "http://%s:%d", host, srv.port);
	while (strlen(srv.cfg.public_url) > 0 &&
	    srv.cfg.public_url[strlen(srv.cfg.public_url) - 1] == '/')
		srv.cfg.public_url[strlen(srv.cfg.public_url) - 1] = '\0';
	if (mailer_start(&srv.cfg, &cause) != 0)
		fatalx("%s", cause);
	log_info("serving %s on http://%s:%d/ (database %s, %d threads)",
	    srv.cfg.web_root, host, srv.port, srv.cfg.db_path, srv.nworkers);
	notify("READY=1\nSTATUS=serving on port %d, database %s", srv.port,
	    srv.cfg.db_path);

	worker_run_all(&srv);
	mailer_stop();
	slow_stop();
	print_stop();
	writer_stop();
	worker_free_all(&srv);
	door_cache_free(srv.door_cache);
	accesslog_stop();
	log_info("stopped");
	notify_close();
	config_free(&srv.cfg);
	return 0;
}
