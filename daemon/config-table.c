/*
 * config-table.c: every option of techtankd, described once: its name
 * (--name on the command line, name = ... in the configuration file), its
 * kind, its default and the reason for it, its help text, and where
 * struct config keeps it. config.c reads the command line and the file
 * from this table and writes --help and --check-config from it: an option
 * added here is in all four.
 */
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "techtankd.h"

#define AT(field) offsetof(struct config, field)

const struct config_option config_options[] = {
	{ .name = "config", .type = CONFIG_STRING, .offset = AT(config_path),
	  .arg = "FILE", .def_text = CONFIG_PATH_DEFAULT " if it exists",
	  .flags = CONFIG_CMDLINE,
	  .help = "configuration file" },
	{ .name = "check-config", .type = CONFIG_FLAG,
	  .offset = AT(check_config), .flags = CONFIG_CMDLINE,
	  .help = "check the configuration, print the settings it makes "
	  "and exit" },

	{ .name = "listen", .type = CONFIG_ADDRESS, .offset = AT(listen),
	  .arg = "ADDR:PORT", .def = "127.0.0.1:8080",
	  .help = "address to serve on; port 0 picks a free port" },
	{ .name = "db", .type = CONFIG_STRING, .offset = AT(db_path),
	  .arg = "PATH", .def = "./var/techtank.db",
	  .help = "SQLite database, created with its folder" },
	/* See default_web_root(). */
	{ .name = "web-root", .type = CONFIG_STRING, .offset = AT(web_root),
	  .arg = "DIR",
	  .def_text = "./web if there, else the installed pages",
	  .help = "folder with the web pages" },
	{ .name = "public-url", .type = CONFIG_STRING,
	  .offset = AT(public_url), .arg = "URL",
	  .def_text = "http://ADDR:PORT",
	  .help = "base of the links sent to attendees" },
	{ .name = "no-demo", .type = CONFIG_FLAG, .offset = AT(demo),
	  .def = "false", .flags = CONFIG_NEGATE,
	  .help = "do not load the demo event into an empty database" },
	/* One loop per core (config_tunables): the writer mostly waits on
	 * fsync. */
	{ .name = "threads", .type = CONFIG_NUMBER, .offset = AT(threads),
	  .arg = "N", .def_text = "CPUs, at most 8", .min = 1,
	  .max = THREADS_MAX,
	  .help = "HTTP worker threads" },
	{ .name = "max-connections", .type = CONFIG_NUMBER,
	  .offset = AT(max_connections), .arg = "N", .def = "1024",
	  .min = 1, .max = 100000,
	  .help = "open connections at most" },
	/* Ten attendees with long fields are ~10 KB; 64 KB is plenty. */
	{ .name = "max-body", .type = CONFIG_NUMBER, .offset = AT(max_body),
	  .arg = "BYTES", .def = "65536", .min = 1024,
	  .max = 16 * 1024 * 1024,
	  .help = "largest request body" },
	{ .name = "timeout", .type = CONFIG_NUMBER, .offset = AT(timeout),
	  .arg = "SECS", .def = "10", .min = 1, .max = 3600,
	  .help = "idle time-out of a connection" },
	/*
	 * Time enough for a slow phone on a busy venue network to send a
	 * request's head, and then its body (ten attendees are ~10 KB); a
	 * client trickling bytes is cut off after them.
	 */
	{ .name = "header-timeout", .type = CONFIG_NUMBER,
	  .offset = AT(header_timeout), .arg = "SECS", .def = "10",
	  .min = 1, .max = 3600,
	  .help = "a request's head must arrive within" },
	{ .name = "body-timeout", .type = CONFIG_NUMBER,
	  .offset = AT(body_timeout), .arg = "SECS", .def = "30",
	  .min = 1, .max = 3600,
	  .help = "and then its body within" },
	{ .name = "access-log", .type = CONFIG_STRING,
	  .offset = AT(access_log), .arg = "FILE",
	  .def_text = "standard error",
	  .help = "request log, reopened on SIGHUP; - is standard output" },
	{ .name = "secure-cookies", .type = CONFIG_FLAG,
	  .offset = AT(secure_cookies), .def = "false",
	  .help = "mark session cookies Secure (when served over TLS)" },
	/* Only from these peers is X-Forwarded-For believed (proxy.c). */
	{ .name = "trusted-proxy", .type = CONFIG_RANGES,
	  .offset = AT(trusted_proxies), .arg = "ADDR[/N],...",
	  .def_text = "none",
	  .help = "believe X-Forwarded-For from these; repeatable" },

	/*
	 * Mail (mailer.c). Without --smtp-url messages wait in the outbox;
	 * the password is never an option (others can read a command line).
	 */
	{ .name = "smtp-url", .type = CONFIG_STRING, .offset = AT(smtp_url),
	  .arg = "URL", .def_text = "none: mail stays in the outbox",
	  .help = "mail server: smtp://HOST[:PORT] (STARTTLS) or "
	  "smtps://HOST[:PORT]" },
	{ .name = "smtp-user", .type = CONFIG_STRING,
	  .offset = AT(smtp_user), .arg = "NAME", .def_text = "none: no AUTH",
	  .help = "the login for SMTP AUTH" },
	{ .name = "smtp-password-file", .type = CONFIG_STRING,
	  .offset = AT(smtp_password_file), .arg = "FILE",
	  .def_text = "$TECHTANK_SMTP_PASSWORD",
	  .help = "file holding the SMTP password (its first line)" },
	/* A private CA (a relay of one's own) rather than the system's. */
	{ .name = "smtp-ca-file", .type = CONFIG_STRING,
	  .offset = AT(smtp_ca_file), .arg = "FILE",
	  .def_text = "the system's CA certificates",
	  .help = "CA certificates (PEM) the mail server's is checked against" },
	{ .name = "mail-from", .type = CONFIG_STRING, .offset = AT(mail_from),
	  .arg = "ADDR", .def_text = "none: needed with --smtp-url",
	  .help = "sender of the mail: ADDR or \"Name <ADDR>\"" },
	/* A server that takes longer than this for one message is broken. */
	{ .name = "smtp-timeout", .type = CONFIG_NUMBER,
	  .offset = AT(smtp_timeout), .arg = "SECS", .def = "30", .min = 1,
	  .max = 600,
	  .help = "time-out of one delivery attempt" },
	/* Mail providers throttle bursts; 600 a minute keeps under most. */
	{ .name = "mail-rate", .type = CONFIG_NUMBER, .offset = AT(mail_rate),
	  .arg = "N", .def = "600", .min = 1, .max = 100000,
	  .help = "messages sent a minute at most" },
	{ .name = "mail-retry", .type = CONFIG_NUMBER,
	  .offset = AT(mail_retry), .arg = "SECS", .def = "60", .min = 1,
	  .max = MAIL_RETRY_CAP,
	  .help = "wait before the first retry; doubled for each, up to 1 h" },

	{ .name = "role", .type = CONFIG_STRING, .offset = AT(role),
	  .arg = "ROLE", .flags = CONFIG_CMDLINE,
	  .help = "the role of user add: door or organiser" },
	{ .name = "help", .type = CONFIG_FLAG, .offset = AT(help),
	  .flags = CONFIG_CMDLINE, .help = "this text" },
	{ .name = "version", .type = CONFIG_FLAG, .offset = AT(version),
	  .flags = CONFIG_CMDLINE, .help = "the version" },
	{ .name = NULL }
};

/*
 * The web root when none is given: ./web in a source folder (the quick
 * start, the tests), else the pages make install put in TECHTANK_WEB_DIR.
 * index.html must be there, so that a stray web/ folder is not taken.
 */
static const char *
default_web_root(void)
{
	if (access("web/index.html", F_OK) == 0)
		return "./web";
	return TECHTANK_WEB_DIR;
}

/* The tunables that are no options, and the defaults the machine sets. */
void
config_tunables(struct config *cfg)
{
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	free(cfg->web_root);
	cfg->web_root = xstrdup(default_web_root());
	cfg->threads = ncpu < 1 ? 1 : (ncpu > THREADS_MAX ? THREADS_MAX :
	    (int)ncpu);
	cfg->max_headers = 8192;
	cfg->batch_max = 256;
	/* Often enough to keep the WAL short, rarely enough to be cheap. */
	cfg->checkpoint_ms = 1000;
	/* Erasure is due on a day: looking once a minute is on time. */
	cfg->erase_check_ms = 60000;
	cfg->shutdown_grace = 10;
}
