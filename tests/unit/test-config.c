/* test-config.c: the option table read from the configuration file and the
 * command line (daemon/config.c), and every kind of bad line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "techtankd.h"

/* Parse text as the file t.conf on fresh defaults; the error or NULL. */
static char *
parse(struct config *cfg, const char *text)
{
	char	*cause = NULL;

	config_defaults(cfg);
	if (config_parse(cfg, "t.conf", text, strlen(text), &cause) == 0)
		return NULL;
	ck_assert_ptr_nonnull(cause);
	return cause;
}

/* The text must be refused with exactly the message want. */
static void
refused(const char *text, const char *want)
{
	struct config	 cfg;
	char		*cause = parse(&cfg, text);

	ck_assert_msg(cause != NULL, "accepted: %s", text);
	ck_assert_str_eq(cause, want);
	free(cause);
	config_free(&cfg);
}

START_TEST(defaults_come_from_the_table)
{
	struct config	cfg;

	config_defaults(&cfg);
	ck_assert_str_eq(cfg.listen.host, "127.0.0.1");
	ck_assert_int_eq(cfg.listen.port, 8080);
	ck_assert_str_eq(cfg.db_path, "./var/techtank.db");
	/* ./web in a source folder (make check there), else the installed
	 * pages (a VPATH build, as in make distcheck). */
	ck_assert_str_eq(cfg.web_root, access("web/index.html", F_OK) == 0 ?
	    "./web" : TECHTANK_WEB_DIR);
	ck_assert_ptr_null(cfg.public_url);
	ck_assert_ptr_null(cfg.access_log);
	ck_assert_int_eq(cfg.demo, 1);
	ck_assert_int_eq(cfg.max_body, 65536);
	ck_assert_int_eq(cfg.timeout, 10);
	ck_assert_int_eq(cfg.header_timeout, 10);
	ck_assert_int_eq(cfg.body_timeout, 30);
	ck_assert_int_eq(cfg.secure_cookies, 0);
	ck_assert(cfg.threads >= 1 && cfg.threads <= THREADS_MAX);
	config_free(&cfg);
}
END_TEST

START_TEST(every_key_is_read)
{
	struct config	 cfg;
	char		*cause;

	cause = parse(&cfg,
	    "listen = [::1]:9000\n"
	    "db = /var/lib/techtank/techtank.db\n"
	    "web-root = /usr/share/techtank/web\n"
	    "public-url = https://konferens.techtank.se\n"
	    "no-demo = true\n"
	    "threads = 3\n"
	    "max-connections = 500\n"
	    "max-body = 2048\n"
	    "timeout = 20\n"
	    "header-timeout = 5\n"
	    "body-timeout = 60\n"
	    "access-log = /var/log/techtank/access.log\n"
	    "secure-cookies = yes\n"
	    "trusted-proxy = 127.0.0.1, 10.1.0.0/16,fd00::/8\n"
	    "smtp-url = smtps://mail.example.se:465\n"
	    "smtp-user = konferens\n"
	    "smtp-password-file = /etc/techtank/smtp-password\n"
	    "smtp-ca-file = /etc/techtank/smtp-ca.pem\n"
	    "mail-from = Techtank <konferens@techtank.se>\n"
	    "smtp-timeout = 15\n"
	    "mail-rate = 120\n"
	    "mail-retry = 30\n");
	ck_assert_msg(cause == NULL, "%s", cause);
	ck_assert_str_eq(cfg.smtp_url, "smtps://mail.example.se:465");
	ck_assert_str_eq(cfg.smtp_user, "konferens");
	ck_assert_str_eq(cfg.smtp_password_file, "/etc/techtank/smtp-password");
	ck_assert_str_eq(cfg.smtp_ca_file, "/etc/techtank/smtp-ca.pem");
	ck_assert_str_eq(cfg.mail_from, "Techtank <konferens@techtank.se>");
	ck_assert_int_eq(cfg.smtp_timeout, 15);
	ck_assert_int_eq(cfg.mail_rate, 120);
	ck_assert_int_eq(cfg.mail_retry, 30);
	ck_assert_str_eq(cfg.listen.host, "::1");
	ck_assert_int_eq(cfg.listen.port, 9000);
	ck_assert_str_eq(cfg.db_path, "/var/lib/techtank/techtank.db");
	ck_assert_str_eq(cfg.web_root, "/usr/share/techtank/web");
	ck_assert_str_eq(cfg.public_url, "https://konferens.techtank.se");
	ck_assert_int_eq(cfg.demo, 0);
	ck_assert_int_eq(cfg.threads, 3);
	ck_assert_int_eq(cfg.max_connections, 500);
	ck_assert_int_eq(cfg.max_body, 2048);
	ck_assert_int_eq(cfg.timeout, 20);
	ck_assert_int_eq(cfg.header_timeout, 5);
	ck_assert_int_eq(cfg.body_timeout, 60);
	ck_assert_str_eq(cfg.access_log, "/var/log/techtank/access.log");
	ck_assert_int_eq(cfg.secure_cookies, 1);
	ck_assert_uint_eq(cfg.trusted_proxies.n, 3);
	ck_assert_int_eq(cfg.trusted_proxies.v[0].bits, 32);
	ck_assert_int_eq(cfg.trusted_proxies.v[1].bits, 16);
	ck_assert_int_eq(cfg.trusted_proxies.v[2].bits, 8);
	config_free(&cfg);
}
END_TEST

/* A list with one bad element is refused whole. */
START_TEST(bad_trusted_proxy)
{
	static const char *bad[] = { "10.0.0.1/8", "10.0.0.0/33",
	    "::ffff:10.0.0.0/104", "localhost", "10.0.0.0/", "1.2.3.4,",
	    ",1.2.3.4", "1.2.3.4 5.6.7.8", "1.2.3.4/08x", "[::1]",
	    "1.2.3.4:80" };
	struct config	 cfg;
	char		*cause, line[64];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, "trusted-proxy = %s\n", bad[i]);
		cause = parse(&cfg, line);
		ck_assert_msg(cause != NULL, "%s was taken", bad[i]);
		ck_assert_msg(strstr(cause, "t.conf:1: trusted-proxy: expected "
		    "IPv4 or IPv6") != NULL, "%s", cause);
		ck_assert_uint_eq(cfg.trusted_proxies.n, 0);
		free(cause);
		config_free(&cfg);
	}
}
END_TEST

/* Each option of the file has a line in the test above: none forgotten. */
START_TEST(the_test_above_names_every_key)
{
	static const char *named[] = { "listen", "db", "web-root",
	    "public-url", "no-demo", "threads", "max-connections",
	    "max-body", "timeout", "header-timeout", "body-timeout",
	    "access-log", "secure-cookies", "trusted-proxy", "smtp-url",
	    "smtp-user", "smtp-password-file", "smtp-ca-file", "mail-from", "smtp-timeout",
	    "mail-rate", "mail-retry" };
	const struct config_option	*o;
	size_t				 n = 0;

	for (o = config_options; o->name != NULL; o++) {
		int	found = 0;

		if (o->flags & CONFIG_CMDLINE)
			continue;
		n++;
		for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
			found |= strcmp(named[i], o->name) == 0;
		ck_assert_msg(found, "%s is not tested", o->name);
		ck_assert_ptr_nonnull(o->help);
	}
	ck_assert_uint_eq(n, sizeof named / sizeof named[0]);
}
END_TEST

START_TEST(comments_blanks_and_line_ends)
{
	struct config	 cfg;
	char		*cause;

	cause = parse(&cfg,
	    "\xef\xbb\xbf# techtankd.conf\n"
	    "\n"
	    "   \t\n"
	    "  # an indented comment with = in it: threads = 99\n"
	    "\tthreads\t=\t2\t\r\n"
	    "web-root=/srv/web with spaces  \n"
	    "public-url = https://x.example/a#b=c\n"
	    "no-demo = false");
	ck_assert_msg(cause == NULL, "%s", cause);
	ck_assert_int_eq(cfg.threads, 2);
	ck_assert_str_eq(cfg.web_root, "/srv/web with spaces");
	ck_assert_str_eq(cfg.public_url, "https://x.example/a#b=c");
	ck_assert_int_eq(cfg.demo, 1);
	config_free(&cfg);

	ck_assert_ptr_null(parse(&cfg, ""));
	config_free(&cfg);
	ck_assert_ptr_null(parse(&cfg, "\n\n# only comments\n"));
	config_free(&cfg);
}
END_TEST

START_TEST(unknown_key)
{
	refused("threads = 2\nlisten-on = 1.2.3.4:80\n",
	    "t.conf:2: unknown key \"listen-on\" (techtankd --help lists the "
	    "keys)");
	refused("Threads = 2\n", "t.conf:1: unknown key \"Threads\" "
	    "(techtankd --help lists the keys)");
	refused("--threads = 2\n", "t.conf:1: unknown key \"--threads\" "
	    "(techtankd --help lists the keys)");
}
END_TEST

START_TEST(command_line_only_keys)
{
	refused("config = /etc/other.conf\n",
	    "t.conf:1: \"config\" is for the command line only");
	refused("check-config = true\n",
	    "t.conf:1: \"check-config\" is for the command line only");
	refused("role = organiser\n",
	    "t.conf:1: \"role\" is for the command line only");
	refused("help = true\n",
	    "t.conf:1: \"help\" is for the command line only");
}
END_TEST

START_TEST(bad_number)
{
	refused("# comment\n\nthreads = four\n", "t.conf:3: threads: expected "
	    "a number from 1 to 8, not \"four\"");
	refused("max-body = 64k\n", "t.conf:1: max-body: expected a number "
	    "from 1024 to 16777216, not \"64k\"");
	refused("timeout = +5\n", "t.conf:1: timeout: expected a number from "
	    "1 to 3600, not \"+5\"");
	refused("timeout = 0x10\n", "t.conf:1: timeout: expected a number "
	    "from 1 to 3600, not \"0x10\"");
	refused("timeout = 1 0\n", "t.conf:1: timeout: expected a number "
	    "from 1 to 3600, not \"1 0\"");
	refused("timeout = 10 # seconds\n", "t.conf:1: timeout: expected a "
	    "number from 1 to 3600, not \"10 # seconds\"");
}
END_TEST

START_TEST(number_out_of_range)
{
	refused("threads = 0\n", "t.conf:1: threads: expected a number from "
	    "1 to 8, not \"0\"");
	refused("threads = 9\n", "t.conf:1: threads: expected a number from "
	    "1 to 8, not \"9\"");
	refused("threads = -1\n", "t.conf:1: threads: expected a number from "
	    "1 to 8, not \"-1\"");
	refused("max-connections = 99999999999999999999999\n",
	    "t.conf:1: max-connections: expected a number from 1 to 100000, "
	    "not \"99999999999999999999999\"");
	refused("max-body = 4294969344\n", "t.conf:1: max-body: expected a "
	    "number from 1024 to 16777216, not \"4294969344\"");
}
END_TEST

START_TEST(missing_equals)
{
	refused("threads 2\n", "t.conf:1: expected KEY = VALUE");
	refused("listen: 127.0.0.1:80\n", "t.conf:1: expected KEY = VALUE");
	refused("= 2\n", "t.conf:1: expected KEY = VALUE");
	refused("  \t= \n", "t.conf:1: expected KEY = VALUE");
}
END_TEST

START_TEST(empty_value)
{
	refused("db =\n", "t.conf:1: db: expected PATH, not \"\"");
	refused("threads =   \n", "t.conf:1: threads: expected a number "
	    "from 1 to 8, not \"\"");
	refused("no-demo =\n", "t.conf:1: no-demo: expected true or false, "
	    "not \"\"");
}
END_TEST

START_TEST(bad_flag)
{
	refused("no-demo = maybe\n", "t.conf:1: no-demo: expected true or "
	    "false, not \"maybe\"");
	refused("secure-cookies = TRUE\n", "t.conf:1: secure-cookies: "
	    "expected true or false, not \"TRUE\"");
	refused("secure-cookies = 1\n", "t.conf:1: secure-cookies: expected "
	    "true or false, not \"1\"");
}
END_TEST

START_TEST(bad_address)
{
	static const char	*bad[] = { "localhost", ":8080", "1.2.3.4:",
	    "1.2.3.4:65536", "1.2.3.4:http", "[::1]8080", "[]:80", "[::1:80" };
	char			 line[64], want[160];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, "listen = %s\n", bad[i]);
		snprintf(want, sizeof want, "t.conf:1: listen: expected "
		    "ADDR:PORT with a port from 0 to 65535, not \"%s\"", bad[i]);
		refused(line, want);
	}
}
END_TEST

START_TEST(duplicate_key)
{
	refused("threads = 2\nmax-body = 2048\n  threads = 2\n",
	    "t.conf:3: \"threads\" is set already, on line 1");
	refused("no-demo = true\nno-demo = false\n",
	    "t.conf:2: \"no-demo\" is set already, on line 1");
}
END_TEST

START_TEST(overlong_line)
{
	char	*text = xmalloc(CONFIG_LINE_MAX + 64);
	char	 want[96];

	/* Exactly the limit is fine; a byte more is not. */
	memset(text, ' ', CONFIG_LINE_MAX + 64);
	memcpy(text, "db = /x", 7);
	text[CONFIG_LINE_MAX] = '\n';
	text[CONFIG_LINE_MAX + 1] = '\0';
	{
		struct config	 cfg;
		char		*cause = parse(&cfg, text);

		ck_assert_msg(cause == NULL, "%s", cause);
		ck_assert_str_eq(cfg.db_path, "/x");
		config_free(&cfg);
	}
	text[CONFIG_LINE_MAX] = ' ';
	text[CONFIG_LINE_MAX + 1] = '\n';
	text[CONFIG_LINE_MAX + 2] = '\0';
	snprintf(want, sizeof want, "t.conf:1: the line is longer than %d "
	    "bytes", CONFIG_LINE_MAX);
	refused(text, want);
	/* A comment too: its end is not looked for beyond the limit. */
	text[0] = '#';
	refused(text, want);
	free(text);
}
END_TEST

START_TEST(invalid_utf8)
{
	refused("web-root = /srv/\xe5ngstr\xf6m\n",	/* Latin-1 */
	    "t.conf:1: the line is not valid UTF-8");
	refused("# caf\xc3\n", "t.conf:1: the line is not valid UTF-8");
	refused("db = /a/\xc0\xaf\n", "t.conf:1: the line is not valid UTF-8");
	refused("db = /a/\xed\xa0\x80\n",	/* a surrogate */
	    "t.conf:1: the line is not valid UTF-8");
	{
		struct config	 cfg;
		char		*cause = parse(&cfg,
		    "web-root = /srv/Åsa Lindström-Öberg\n");

		ck_assert_msg(cause == NULL, "%s", cause);
		ck_assert_str_eq(cfg.web_root, "/srv/Åsa Lindström-Öberg");
		config_free(&cfg);
	}
}
END_TEST

START_TEST(control_characters)
{
	struct config	 cfg;
	char		*cause = NULL;
	static const char with_nul[] = "db = /a\0b\n";

	refused("db = /a\x01" "b\n", "t.conf:1: a control character in the "
	    "line");
	refused("db = /a\tb\n", "t.conf:1: a control character in the line");
	refused("db = /a\rb\n", "t.conf:1: a control character in the line");
	refused("db = /a\x1b[2Jb\n", "t.conf:1: a control character in the "
	    "line");
	refused("db = /a\xc2\x85" "b\n", "t.conf:1: a control character in "
	    "the line");
	config_defaults(&cfg);
	ck_assert_int_eq(config_parse(&cfg, "t.conf", with_nul,
	    sizeof with_nul - 1, &cause), -1);
	ck_assert_str_eq(cause, "t.conf:1: a control character in the line");
	free(cause);
	config_free(&cfg);
}
END_TEST

/* What a line sets stays set after an error further on: never a start. */
START_TEST(the_first_error_stops)
{
	refused("threads = 2\nbogus\nlisten = nope\n",
	    "t.conf:2: expected KEY = VALUE");
}
END_TEST

/* --check-config's output is a configuration file that sets the same. */
START_TEST(printed_settings_read_back)
{
	struct config	 a, b;
	char		*text = NULL, *cause;
	size_t		 len = 0;
	FILE		*f;

	ck_assert_ptr_null(parse(&a, "listen = [::1]:0\nno-demo = true\n"
	    "threads = 1\naccess-log = -\n"));
	f = open_memstream(&text, &len);
	config_print(f, &a);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\nlisten = [::1]:0\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nno-demo = true\n"));
	ck_assert_ptr_nonnull(strstr(text, "\nmax-body = 65536\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n# public-url is not set: "
	    "http://ADDR:PORT\n"));
	ck_assert_ptr_null(strstr(text, "role"));
	cause = parse(&b, text);
	ck_assert_msg(cause == NULL, "%s in\n%s", cause, text);
	for (const struct config_option *o = config_options; o->name != NULL;
	    o++) {
		char	*va = config_value(&a, o), *vb = config_value(&b, o);

		if (!(o->flags & CONFIG_CMDLINE))
			ck_assert_msg((va == NULL && vb == NULL) ||
			    (va != NULL && vb != NULL && strcmp(va, vb) == 0),
			    "%s: %s then %s", o->name, va, vb);
		free(va);
		free(vb);
	}
	free(text);
	config_free(&a);
	config_free(&b);
}
END_TEST

/* A secret is never shown: not by --check-config, not in an error. */
START_TEST(secrets_are_masked)
{
	const struct config_option	 secret = { .name = "public-url",
	    .type = CONFIG_STRING, .offset = offsetof(struct config,
	    public_url), .arg = "PASSWORD", .flags = CONFIG_SECRET };
	const struct config_option	 pin = { .name = "timeout",
	    .type = CONFIG_NUMBER, .offset = offsetof(struct config, timeout),
	    .min = 1000, .max = 9999, .flags = CONFIG_SECRET };
	struct config			 cfg;
	char				*v, *cause = NULL;

	config_defaults(&cfg);
	ck_assert_int_eq(config_set(&cfg, &secret, "hunter2", &cause), 0);
	ck_assert_str_eq(cfg.public_url, "hunter2");
	v = config_value(&cfg, &secret);
	ck_assert_str_eq(v, "********");
	free(v);
	ck_assert_int_eq(config_set(&cfg, &secret, "", &cause), -1);
	ck_assert_str_eq(cause, "expected PASSWORD");
	free(cause);
	ck_assert_int_eq(config_set(&cfg, &pin, "12", &cause), -1);
	ck_assert_str_eq(cause, "expected a number from 1000 to 9999");
	free(cause);
	config_free(&cfg);
}
END_TEST

static struct config_args *
args(struct config *cfg, int argc, char **argv)
{
	optind = 0;	/* glibc: start over */
	opterr = 0;
	config_defaults(cfg);
	return config_args(cfg, argc, argv);
}

/* The command line wins over the file, whatever the order they are read. */
START_TEST(command_line_overrides_the_file)
{
	char			*argv[] = { "techtankd", "--threads", "3",
	    "--no-demo=false", "--config", "x.conf", "--listen=[::1]:81",
	    "user", "list", NULL };
	struct config		 cfg;
	struct config_args	*a;
	char			*cause = NULL;
	const char		*file = "threads = 2\nno-demo = true\n"
	    "max-body = 2048\nlisten = 0.0.0.0:80\n";

	a = args(&cfg, 9, argv);
	ck_assert_ptr_nonnull(a);
	/* The command-line-only options are set at once, the rest later. */
	ck_assert_str_eq(cfg.config_path, "x.conf");
	ck_assert_int_eq(cfg.listen.port, 8080);
	ck_assert_int_eq(config_parse(&cfg, "x.conf", file, strlen(file),
	    &cause), 0);
	ck_assert_int_eq(cfg.threads, 2);
	ck_assert_int_eq(config_args_apply(&cfg, a, &cause), 0);
	ck_assert_int_eq(cfg.threads, 3);
	ck_assert_int_eq(cfg.demo, 1);
	ck_assert_int_eq(cfg.max_body, 2048);
	ck_assert_str_eq(cfg.listen.host, "::1");
	ck_assert_int_eq(cfg.listen.port, 81);
	ck_assert_int_eq(cfg.nargs, 2);
	ck_assert_str_eq(cfg.args[0], "user");
	config_free(&cfg);
}
END_TEST

START_TEST(bad_command_line)
{
	char			*bogus[] = { "techtankd", "--bogus", NULL };
	char			*missing[] = { "techtankd", "--threads", NULL };
	char			*badflag[] = { "techtankd", "--help=please",
	    NULL };
	char			*badnum[] = { "techtankd", "--threads", "0",
	    NULL };
	struct config		 cfg;
	struct config_args	*a;
	char			*cause = NULL;

	ck_assert_ptr_null(args(&cfg, 2, bogus));
	config_free(&cfg);
	ck_assert_ptr_null(args(&cfg, 2, missing));
	config_free(&cfg);
	ck_assert_ptr_null(args(&cfg, 2, badflag));
	config_free(&cfg);
	/* A bad value is found when it is applied, after the file. */
	ck_assert_ptr_nonnull(a = args(&cfg, 3, badnum));
	ck_assert_int_eq(config_args_apply(&cfg, a, &cause), -1);
	ck_assert_str_eq(cause, "--threads: expected a number from 1 to 8, "
	    "not \"0\"");
	free(cause);
	config_free(&cfg);
}
END_TEST

START_TEST(help_lists_every_option)
{
	char	*text = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&text, &len);

	config_usage(f);
	fclose(f);
	for (const struct config_option *o = config_options; o->name != NULL;
	    o++) {
		char	flag[64];

		snprintf(flag, sizeof flag, "  --%s", o->name);
		ck_assert_msg(strstr(text, flag) != NULL, "%s missing", flag);
	}
	ck_assert_ptr_nonnull(strstr(text, "(default 127.0.0.1:8080)"));
	/* No line wider than a terminal. */
	for (char *line = text, *nl; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - line <= 79, "%.*s", (int)(nl - line), line);
	}
	free(text);
}
END_TEST

Suite *
suite_config(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("config");

	tcase_add_test(tc, defaults_come_from_the_table);
	tcase_add_test(tc, every_key_is_read);
	tcase_add_test(tc, the_test_above_names_every_key);
	tcase_add_test(tc, comments_blanks_and_line_ends);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, command_line_only_keys);
	tcase_add_test(tc, bad_number);
	tcase_add_test(tc, number_out_of_range);
	tcase_add_test(tc, missing_equals);
	tcase_add_test(tc, empty_value);
	tcase_add_test(tc, bad_flag);
	tcase_add_test(tc, bad_address);
	tcase_add_test(tc, bad_trusted_proxy);
	tcase_add_test(tc, duplicate_key);
	tcase_add_test(tc, overlong_line);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, control_characters);
	tcase_add_test(tc, the_first_error_stops);
	tcase_add_test(tc, printed_settings_read_back);
	tcase_add_test(tc, secrets_are_masked);
	tcase_add_test(tc, command_line_overrides_the_file);
	tcase_add_test(tc, bad_command_line);
	tcase_add_test(tc, help_lists_every_option);
	suite_add_tcase(s, tc);
	return s;
}
