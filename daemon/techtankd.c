/*
 * techtankd.c: the Techtank Conference daemon. Reads the command line into
 * struct config, opens (and migrates) the database, and serves the API and
 * the web pages until SIGTERM or SIGINT.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include <sodium.h>

#include "config.h"
#include "techtankd.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: techtankd [options]\n"
"  --listen ADDR:PORT     address to serve on (default 127.0.0.1:8080;\n"
"                         port 0 picks a free port)\n"
"  --db PATH              SQLite database (default ./var/techtank.db)\n"
"  --web-root DIR         web pages (default ./web)\n"
"  --public-url URL       base of the links sent to attendees\n"
"                         (default http://ADDR:PORT)\n"
"  --no-demo              do not load the demo event into an empty database\n"
"  --threads N            HTTP worker threads (default: CPUs, at most %d)\n"
"  --max-connections N    open connections at most (default 1024)\n"
"  --max-body BYTES       largest request body (default 65536)\n"
"  --timeout SECS         idle time-out of a connection (default 10)\n"
"  --header-timeout SECS  a request's head must arrive within (default 10)\n"
"  --body-timeout SECS    and then its body within (default 30)\n"
"  --access-log FILE      request log (default standard error, - stdout)\n"
"  --secure-cookies       mark session cookies Secure (when served over TLS)\n"
"  --trusted-proxy ADDR   believe X-Forwarded-For from this address or range\n"
"                         (a.b.c.d, a.b.c.d/N, IPv6, IPv6/N; repeatable)\n"
"  --help, --version\n"
"\n"
"usage: techtankd --db PATH user add NAME --role door|organiser\n"
"       techtankd --db PATH user list\n"
"       techtankd --db PATH user disable NAME\n"
"  user add reads the password from standard input; from a terminal, or\n"
"  when the input is empty, it makes one up and prints it once.\n"
"\n"
"usage: techtankd backup --db PATH --to FILE [--force]\n"
"       techtankd backup --db PATH --to DIR/ [--keep N]\n"
"       techtankd restore --db PATH --from FILE [--force]\n"
"  (techtankd backup --help tells more)\n",
	    THREADS_MAX);
}

/* Defaults, each with the reason for its value. */
static void
config_defaults(struct config *cfg)
{
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	cfg->listen_host = xstrdup("127.0.0.1");
	cfg->listen_port = 8080;
	cfg->db_path = xstrdup("./var/techtank.db");
	cfg->web_root = xstrdup("./web");
	cfg->demo = 1;
	/* One loop per core: the writer thread mostly waits on fsync. */
	cfg->threads = ncpu < 1 ? 1 : (ncpu > THREADS_MAX ? THREADS_MAX :
	    (int)ncpu);
	cfg->max_connections = 1024;
	/* Ten attendees with long fields are ~10 KB; 64 KB is plenty. */
	cfg->max_body = 65536;
	cfg->max_headers = 8192;
	cfg->timeout = 10;
	/* Time enough for a slow phone on a busy venue network to send a
	 * request's head, and then its body (ten attendees are ~10 KB); a
	 * client trickling bytes is cut off after them. */
	cfg->header_timeout = 10;
	cfg->body_timeout = 30;
	cfg->batch_max = 256;
	/* Often enough to keep the WAL short, rarely enough to be cheap. */
	cfg->checkpoint_ms = 1000;
	cfg->shutdown_grace = 10;
}

static void
config_free(struct config *cfg)
{
	free(cfg->listen_host);
	free(cfg->db_path);
	free(cfg->web_root);
	free(cfg->public_url);
	free(cfg->access_log);
	free(cfg->role);
	free(cfg->trusted_proxies);
}

static long
number_arg(const char *name, const char *s, long min, long max)
{
	char	*end;
	long	 v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		fatalx("%s: expected a number from %ld to %ld, not \"%s\"",
		    name, min, max, s);
	return v;
}

static void
parse_listen(struct config *cfg, const char *arg)
{
	const char	*colon = strrchr(arg, ':');
	const char	*host = arg;
	size_t		 hlen;

	if (colon == NULL)
		fatalx("--listen: expected ADDR:PORT, not \"%s\"", arg);
	hlen = (size_t)(colon - arg);
	if (hlen >= 2 && arg[0] == '[' && arg[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	free(cfg->listen_host);
	cfg->listen_host = xstrndup(host, hlen);
	cfg->listen_port = (int)number_arg("--listen port", colon + 1, 0,
	    65535);
}

static void
set_string(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void
parse_args(struct config *cfg, int argc, char **argv)
{
	enum { O_LISTEN = 256, O_DB, O_WEB, O_URL, O_NODEMO, O_THREADS,
	    O_MAXCONN, O_MAXBODY, O_TIMEOUT, O_HEADTIMEOUT, O_BODYTIMEOUT, O_LOG, O_SECURE, O_PROXY, O_ROLE, O_HELP,
	    O_VERSION };
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "db", required_argument, NULL, O_DB },
		{ "web-root", required_argument, NULL, O_WEB },
		{ "public-url", required_argument, NULL, O_URL },
		{ "no-demo", no_argument, NULL, O_NODEMO },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "max-connections", required_argument, NULL, O_MAXCONN },
		{ "max-body", required_argument, NULL, O_MAXBODY },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "header-timeout", required_argument, NULL, O_HEADTIMEOUT },
		{ "body-timeout", required_argument, NULL, O_BODYTIMEOUT },
		{ "access-log", required_argument, NULL, O_LOG },
		{ "secure-cookies", no_argument, NULL, O_SECURE },
		{ "trusted-proxy", required_argument, NULL, O_PROXY },
		{ "role", required_argument, NULL, O_ROLE },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	char	*cause;
	int	 c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN:
			parse_listen(cfg, optarg);
			break;
		case O_DB:
			set_string(&cfg->db_path, optarg);
			break;
		case O_WEB:
			set_string(&cfg->web_root, optarg);
			break;
		case O_URL:
			set_string(&cfg->public_url, optarg);
			break;
		case O_NODEMO:
			cfg->demo = 0;
			break;
		case O_THREADS:
			cfg->threads = (int)number_arg("--threads", optarg, 1,
			    THREADS_MAX);
			break;
		case O_MAXCONN:
			cfg->max_connections = (int)number_arg(
			    "--max-connections", optarg, 1, 100000);
			break;
		case O_MAXBODY:
			cfg->max_body = number_arg("--max-body", optarg, 1024,
			    16 * 1024 * 1024);
			break;
		case O_TIMEOUT:
			cfg->timeout = (int)number_arg("--timeout", optarg, 1,
			    3600);
			break;
		case O_HEADTIMEOUT:
			cfg->header_timeout = (int)number_arg(
			    "--header-timeout", optarg, 1, 3600);
			break;
		case O_BODYTIMEOUT:
			cfg->body_timeout = (int)number_arg(
			    "--body-timeout", optarg, 1, 3600);
			break;
		case O_LOG:
			set_string(&cfg->access_log, optarg);
			break;
		case O_SECURE:
			cfg->secure_cookies = 1;
			break;
		case O_PROXY:
			if (proxy_trust(cfg, optarg, &cause) != 0)
				fatalx("--trusted-proxy: %s", cause);
			break;
		case O_ROLE:
			set_string(&cfg->role, optarg);
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			exit(0);
		case O_VERSION:
			printf("techtankd %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	cfg->args = argv + optind;
	cfg->nargs = argc - optind;
	if (cfg->nargs > 0 && strcmp(cfg->args[0], "user") != 0) {
		fprintf(stderr, "techtankd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		exit(2);
	}
}

static int
open_access_log(const char *path)
{
	int	fd;

	if (path == NULL)
		return STDERR_FILENO;
	if (strcmp(path, "-") == 0)
		return STDOUT_FILENO;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd == -1)
		fatal("cannot open the access log %s", path);
	return fd;
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
	if (argc > 1 && (strcmp(argv[1], "backup") == 0 ||
	    strcmp(argv[1], "restore") == 0))
		return backup_command(argc - 1, argv + 1);
	config_defaults(&srv.cfg);
	parse_args(&srv.cfg, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (sodium_init() < 0)
		fatalx("libsodium could not be initialised");
	json_object_seed(0);
	srv.log_fd = open_access_log(srv.cfg.access_log);
	srv.nworkers = srv.cfg.threads;

	if (srv.cfg.nargs > 0) {
		int	rc = user_command(&srv.cfg);

		config_free(&srv.cfg);
		return rc;
	}
	if (static_open_root(srv.cfg.web_root, &cause) != 0)
		fatalx("%s", cause);
	if (writer_start(&srv.cfg, &cause) != 0 || auth_init(&cause) != 0 ||
	    slow_start(&cause) != 0 ||
	    accesslog_start(srv.log_fd, &cause) != 0)
		fatalx("%s", cause);
	if (worker_start_all(&srv, &cause) != 0)
		fatalx("%s", cause);
	host = srv.cfg.listen_host;
	if (srv.cfg.public_url == NULL)
		xasprintf(&srv.cfg.public_url, strchr(host, ':') ?
		    "http://[%s]:%d" : "http://%s:%d", host, srv.port);
	while (strlen(srv.cfg.public_url) > 0 &&
	    srv.cfg.public_url[strlen(srv.cfg.public_url) - 1] == '/')
		srv.cfg.public_url[strlen(srv.cfg.public_url) - 1] = '\0';
	log_info("serving %s on http://%s:%d/ (database %s, %d threads)",
	    srv.cfg.web_root, host, srv.port, srv.cfg.db_path, srv.nworkers);

	worker_run_all(&srv);
	slow_stop();
	writer_stop();
	worker_free_all(&srv);
	accesslog_stop();
	log_info("stopped");
	config_free(&srv.cfg);
	return 0;
}
