/*
 * config.c: the options of config-table.c, read from the command line and
 * from the configuration file, and written out for --help and
 * --check-config. The command line is read first, to find the file, but
 * applied last, so that it overrides the file as the file overrides the
 * defaults.
 *
 * The file holds one "key = value" a line. Blanks around the key and the
 * value are dropped, the value is the rest of the line as it stands (no
 * quotes, no escapes), a line whose first non-blank is '#' is a comment.
 * Each key may be given once; anything else stops the start with
 * "FILE:LINE: what was expected".
 *
 * Secrets (the SMTP password, once mail is sent) are not to be written in
 * the file everyone may read: an option marked CONFIG_SECRET will have a
 * twin key NAME-file naming a file of its own (mode 0600, or a systemd
 * credential), whose first line is the value. --check-config and every
 * error message already leave the values of secrets out.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "techtankd.h"

#define USAGE_WIDTH	79
#define USAGE_INDENT	25

/* The command line's options, kept until the file has been read. */
struct config_args {
	size_t	 n;
	struct {
		const struct config_option	*o;
		const char			*value;
	}	*v;
};

static void *
field(const struct config *cfg, const struct config_option *o)
{
	return (char *)cfg + o->offset;
}

const struct config_option *
config_find(const char *name)
{
	const struct config_option	*o;

	for (o = config_options; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* Every default of the table, and the tunables that are no options. */
void
config_defaults(struct config *cfg)
{
	const struct config_option	*o;
	char				*cause = NULL;

	memset(cfg, 0, sizeof *cfg);
	config_tunables(cfg);
	for (o = config_options; o->name != NULL; o++)
		if (o->def != NULL && config_set(cfg, o, o->def, &cause) != 0)
			fatalx("the default of %s: %s", o->name, cause);
}

void
config_free(struct config *cfg)
{
	const struct config_option	*o;

	for (o = config_options; o->name != NULL; o++) {
		if (o->type == CONFIG_STRING)
			free(*(char **)field(cfg, o));
		else if (o->type == CONFIG_ADDRESS)
			free(((struct config_address *)field(cfg, o))->host);
		else if (o->type == CONFIG_RANGES)
			free(((struct config_ranges *)field(cfg, o))->v);
	}
}

/* A decimal number from min to max, digits only (and a leading '-'). */
static int
parse_number(const char *s, int min, int max, int *out)
{
	char	*end;
	long	 v;

	if (*s != '-' && (*s < '0' || *s > '9'))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int
parse_flag(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
		return 0;
	return -1;
}

/* ADDR:PORT, with an IPv6 address in brackets: [::1]:8080. */
static int
parse_address(const char *s, struct config_address *a)
{
	const char	*colon = strrchr(s, ':'), *host = s;
	size_t		 hlen;
	int		 port;

	if (colon == NULL || colon == s)
		return -1;
	hlen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hlen < 3 || s[hlen - 1] != ']')
			return -1;
		host++;
		hlen -= 2;
	}
	if (parse_number(colon + 1, 0, 65535, &port) != 0)
		return -1;
	free(a->host);
	a->host = xstrndup(host, hlen);
	a->port = port;
	return 0;
}

/*
 * Addresses and ranges separated by commas (and blanks), added to those
 * already given: the command line's to the file's. All or none: 0, or -1.
 */
static int
parse_ranges(const char *s, struct config_ranges *r)
{
	struct net_range	*v = NULL;
	size_t			 n = 0, len;

	for (;;) {
		s += strspn(s, " \t");
		len = strcspn(s, ", \t");
		v = xreallocarray(v, n + 1, sizeof *v);
		if (len == 0 || net_range_parse(s, len, &v[n]) != 0) {
			free(v);
			return -1;
		}
		n++;
		s += len;
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		if (*s++ != ',') {
			free(v);
			return -1;
		}
	}
	r->v = xreallocarray(r->v, r->n + n, sizeof *r->v);
	memcpy(r->v + r->n, v, n * sizeof *v);
	r->n += n;
	free(v);
	return 0;
}

/* The ranges as the file gives them; NULL: none. */
static char *
ranges_text(const struct config_ranges *r)
{
	char	 addr[INET6_ADDRSTRLEN], *s = NULL, *t;
	int	 max;

	for (size_t i = 0; i < r->n; i++) {
		inet_ntop(r->v[i].addr.family, r->v[i].addr.b, addr,
		    sizeof addr);
		max = r->v[i].addr.family == AF_INET ? 32 : 128;
		if (r->v[i].bits == max)
			xasprintf(&t, "%s%s%s", s != NULL ? s : "",
			    s != NULL ? ", " : "", addr);
		else
			xasprintf(&t, "%s%s%s/%d", s != NULL ? s : "",
			    s != NULL ? ", " : "", addr, r->v[i].bits);
		free(s);
		s = t;
	}
	return s;
}

/*
 * Set option o from the text of its value; -1 with what was expected in
 * cause (the value too, unless it is a secret).
 */
int
config_set(struct config *cfg, const struct config_option *o,
    const char *value, char **cause)
{
	void	*at = field(cfg, o);
	char	 expected[96];
	int	 v;

	switch (o->type) {
	case CONFIG_STRING:
		if (*value == '\0') {
			snprintf(expected, sizeof expected, "%s", o->arg);
			break;
		}
		free(*(char **)at);
		*(char **)at = xstrdup(value);
		return 0;
	case CONFIG_FLAG:
		if ((v = parse_flag(value)) == -1) {
			snprintf(expected, sizeof expected, "true or false");
			break;
		}
		*(int *)at = (o->flags & CONFIG_NEGATE) ? !v : v;
		return 0;
	case CONFIG_NUMBER:
		if (parse_number(value, o->min, o->max, &v) != 0) {
			snprintf(expected, sizeof expected,
			    "a number from %d to %d", o->min, o->max);
			break;
		}
		*(int *)at = v;
		return 0;
	case CONFIG_ADDRESS:
		if (parse_address(value, at) != 0) {
			snprintf(expected, sizeof expected,
			    "%s with a port from 0 to 65535", o->arg);
			break;
		}
		return 0;
	case CONFIG_RANGES:
		if (parse_ranges(value, at) != 0) {
			snprintf(expected, sizeof expected, "IPv4 or IPv6 "
			    "addresses or ranges ADDR/N (by their first "
			    "address), separated by commas");
			break;
		}
		return 0;
	}
	if (o->flags & CONFIG_SECRET)
		xasprintf(cause, "expected %s", expected);
	else
		xasprintf(cause, "expected %s, not \"%s\"", expected, value);
	return -1;
}

/* The value of o as the file would give it (secrets masked); NULL: unset. */
char *
config_value(const struct config *cfg, const struct config_option *o)
{
	const void			*at = field(cfg, o);
	const struct config_address	*a = at;
	char				*s = NULL;
	int				 v;

	switch (o->type) {
	case CONFIG_STRING:
		if (*(char *const *)at == NULL)
			return NULL;
		s = xstrdup(*(char *const *)at);
		break;
	case CONFIG_FLAG:
		v = *(const int *)at;
		s = xstrdup(((o->flags & CONFIG_NEGATE) ? !v : v) ? "true" :
		    "false");
		break;
	case CONFIG_NUMBER:
		xasprintf(&s, "%d", *(const int *)at);
		break;
	case CONFIG_ADDRESS:
		xasprintf(&s, strchr(a->host, ':') != NULL ? "[%s]:%d" :
		    "%s:%d", a->host, a->port);
		break;
	case CONFIG_RANGES:
		return ranges_text(at);
	}
	if (o->flags & CONFIG_SECRET) {
		free(s);
		s = xstrdup("********");
	}
	return s;
}

/*
 * Read the command line: the options that are for it only are set at once,
 * the others kept for config_args_apply(). NULL after a usage error, which
 * has been reported.
 */
struct config_args *
config_args(struct config *cfg, int argc, char **argv)
{
	const struct config_option	*o;
	struct config_args		*a;
	struct option			*lo;
	const char			*value;
	char				*cause = NULL;
	size_t				 n = 0;
	int				 c, help;

	for (o = config_options; o->name != NULL; o++)
		n++;
	lo = xcalloc(n + 1, sizeof *lo);
	for (size_t i = 0; i < n; i++) {
		lo[i].name = config_options[i].name;
		lo[i].has_arg = config_options[i].type == CONFIG_FLAG ?
		    optional_argument : required_argument;
		lo[i].val = 256 + (int)i;
	}
	help = (int)(config_find("help") - config_options);
	/*
	 * Refused, not taken as a prefix of --smtp-password-file: a
	 * password on a command line is seen by every user of the machine.
	 */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--smtp-password") == 0 ||
		    strncmp(argv[i], "--smtp-password=", 16) == 0) {
			log_warnx("--smtp-password: a password is never taken "
			    "on the command line; use --smtp-password-file "
			    "or TECHTANK_SMTP_PASSWORD");
			free(lo);
			return NULL;
		}
	a = xcalloc(1, sizeof *a);
	a->v = xcalloc((size_t)argc, sizeof *a->v);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h')
			c = 256 + help;
		if (c < 256 || c >= 256 + (int)n)
			goto fail;
		o = &config_options[c - 256];
		value = optarg != NULL ? optarg : "true"; /* a bare --flag */
		if (!(o->flags & CONFIG_CMDLINE)) {
			a->v[a->n].o = o;
			a->v[a->n++].value = value;
		} else if (config_set(cfg, o, value, &cause) != 0) {
			log_warnx("--%s: %s", o->name, cause);
			free(cause);
			goto fail;
		}
	}
	free(lo);
	cfg->args = argv + optind;
	cfg->nargs = argc - optind;
	return a;
fail:
	free(lo);
	free(a->v);
	free(a);
	return NULL;
}

/* Set what the command line said, after the file; frees a. */
int
config_args_apply(struct config *cfg, struct config_args *a, char **cause)
{
	char	*why = NULL;
	int	 rc = 0;

	for (size_t i = 0; i < a->n && rc == 0; i++) {
		if (config_set(cfg, a->v[i].o, a->v[i].value, &why) != 0) {
			xasprintf(cause, "--%s: %s", a->v[i].o->name, why);
			free(why);
			rc = -1;
		}
	}
	free(a->v);
	free(a);
	return rc;
}

/* s without the blanks at its start, cut before those at its end. */
static char *
trim(char *s)
{
	char	*end;

	s += strspn(s, " \t");
	for (end = s + strlen(s); end > s && (end[-1] == ' ' ||
	    end[-1] == '\t'); end--)
		;
	*end = '\0';
	return s;
}

/*
 * One line of the file, without its '\n'; seen holds the line each option
 * was set on. -1 with what was wrong in cause.
 */
static int
parse_line(struct config *cfg, const char *line, size_t len, int lineno,
    int *seen, char **cause)
{
	const struct config_option	*o;
	char				 buf[CONFIG_LINE_MAX + 1];
	char				*key, *value, *eq, *why = NULL;

	if (len > CONFIG_LINE_MAX) {
		xasprintf(cause, "the line is longer than %d bytes",
		    CONFIG_LINE_MAX);
		return -1;
	}
	if (!utf8_valid(line, len)) {
		xasprintf(cause, "the line is not valid UTF-8");
		return -1;
	}
	if (memchr(line, '\0', len) != NULL) {
		xasprintf(cause, "a control character in the line");
		return -1;
	}
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')	/* written on Windows */
		buf[len - 1] = '\0';
	key = trim(buf);
	if (*key == '\0' || *key == '#')
		return 0;
	if ((eq = strchr(key, '=')) == NULL) {
		xasprintf(cause, "expected KEY = VALUE");
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	value = trim(eq + 1);
	if (*key == '\0') {
		xasprintf(cause, "expected KEY = VALUE");
		return -1;
	}
	/* Tabs are blanks around the key and the value, nowhere else. */
	if (text_has_control(key) || text_has_control(value)) {
		xasprintf(cause, "a control character in the line");
		return -1;
	}
	if ((o = config_find(key)) == NULL) {
		xasprintf(cause, "unknown key \"%s\" (techtankd --help lists "
		    "the keys)", key);
		return -1;
	}
	if (o->flags & CONFIG_CMDLINE) {
		xasprintf(cause, "\"%s\" is for the command line only", key);
		return -1;
	}
	if (seen[o - config_options] != 0) {
		xasprintf(cause, "\"%s\" is set already, on line %d", key,
		    seen[o - config_options]);
		return -1;
	}
	seen[o - config_options] = lineno;
	if (config_set(cfg, o, value, &why) != 0) {
		xasprintf(cause, "%s: %s", key, why);
		free(why);
		return -1;
	}
	return 0;
}

/* The text of a configuration file; name is for the messages. */
int
config_parse(struct config *cfg, const char *name, const char *buf,
    size_t len, char **cause)
{
	const char	*p = buf, *end = buf + len, *nl;
	char		*why = NULL;
	int		*seen, lineno = 0, rc = 0;
	size_t		 n = 0;

	for (const struct config_option *o = config_options; o->name != NULL;
	    o++)
		n++;
	seen = xcalloc(n, sizeof *seen);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* a byte-order mark some editors write */
	while (p < end && rc == 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		lineno++;
		if (parse_line(cfg, p, (size_t)(nl - p), lineno, seen,
		    &why) != 0) {
			xasprintf(cause, "%s:%d: %s", name, lineno, why);
			free(why);
			rc = -1;
		}
		p = nl + 1;
	}
	free(seen);
	return rc;
}

/*
 * Read the file --config names, or the default one if there is one: then
 * cfg->config_path names the file read.
 */
int
config_read(struct config *cfg, char **cause)
{
	const char	*path = cfg->config_path;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if (path == NULL)
		path = CONFIG_PATH_DEFAULT;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && cfg->config_path == NULL)
			return 0;
		xasprintf(cause, "cannot read the configuration file %s: %s",
		    path, strerror(errno));
		return -1;
	}
	buf = xmalloc(CONFIG_FILE_MAX + 1);
	while (len <= CONFIG_FILE_MAX && (n = read(fd, buf + len,
	    CONFIG_FILE_MAX + 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "cannot read the configuration file "
			    "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len > CONFIG_FILE_MAX) {
		xasprintf(cause, "%s: larger than %d bytes", path,
		    CONFIG_FILE_MAX);
		goto out;
	}
	if (cfg->config_path == NULL)
		cfg->config_path = xstrdup(path);
	rc = config_parse(cfg, path, buf, len, cause);
out:
	free(buf);
	close(fd);
	return rc;
}

/* Add a word to a line of --help at *col, wrapped under the help texts. */
static void
usage_word(FILE *f, const char *word, size_t len, size_t *col)
{
	if (*col > USAGE_INDENT && *col + 1 + len > USAGE_WIDTH) {
		fputc('\n', f);
		*col = 0;
	}
	if (*col < USAGE_INDENT) {
		fprintf(f, "%*s", (int)(USAGE_INDENT - *col), "");
		*col = USAGE_INDENT;
	} else {
		fputc(' ', f);
		(*col)++;
	}
	fwrite(word, 1, len, f);
	*col += len;
}

/* One option of --help: its flag, then its text and default, wrapped. */
static void
usage_option(FILE *f, const struct config_option *o)
{
	const char	*word, *def;
	char		*head, *tail = NULL;
	size_t		 col, len;

	xasprintf(&head, "  --%s%s%s", o->name, o->arg ? " " : "",
	    o->arg ? o->arg : "");
	fputs(head, f);
	if ((col = strlen(head)) + 2 > USAGE_INDENT) {
		fputc('\n', f);
		col = 0;
	}
	for (word = o->help; *word != '\0'; word += len + strspn(word + len,
	    " ")) {
		len = strcspn(word, " ");
		usage_word(f, word, len, &col);
	}
	def = o->def_text != NULL ? o->def_text :
	    (o->type != CONFIG_FLAG ? o->def : NULL);
	if (def != NULL) {	/* kept whole: "(default 127.0.0.1:8080)" */
		xasprintf(&tail, "(default %s)", def);
		usage_word(f, tail, strlen(tail), &col);
	}
	fputc('\n', f);
	free(head);
	free(tail);
}

/* The options for --help, from the table: those of the file first. */
void
config_usage(FILE *f)
{
	const struct config_option	*o;

	fprintf(f, "\nOptions. Each is also a key of the configuration file, as "
	    "in\n\"listen = 127.0.0.1:8080\" or \"no-demo = true\"; the command "
	    "line overrides the\nfile, and --no-demo=false undoes a flag the "
	    "file sets.\n");
	for (o = config_options; o->name != NULL; o++)
		if (!(o->flags & CONFIG_CMDLINE))
			usage_option(f, o);
	fprintf(f, "\nOn the command line only:\n");
	for (o = config_options; o->name != NULL; o++)
		if (o->flags & CONFIG_CMDLINE)
			usage_option(f, o);
}

/* --check-config: the settings in effect, as a configuration file. */
void
config_print(FILE *f, const struct config *cfg)
{
	const struct config_option	*o;
	char				*v;

	if (cfg->config_path != NULL)
		fprintf(f, "# techtankd: the defaults, %s and the command "
		    "line\n", cfg->config_path);
	else
		fprintf(f, "# techtankd: the defaults and the command line "
		    "(no %s)\n", CONFIG_PATH_DEFAULT);
	for (o = config_options; o->name != NULL; o++) {
		if (o->flags & CONFIG_CMDLINE)
			continue;
		if ((v = config_value(cfg, o)) != NULL)
			fprintf(f, "%s = %s\n", o->name, v);
		else
			fprintf(f, "# %s is not set: %s\n", o->name,
			    o->def_text != NULL ? o->def_text : "none");
		free(v);
	}
}
