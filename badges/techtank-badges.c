/*
 * techtank-badges.c: batch printing for organisers: name-tag sheets,
 * single passes, the programme, and reissuing a pass code.
 *
 *   techtank-badges tags --db PATH [--layout NAME] [--only-new |
 *       --attendee ID ...] [--offset-x MM] [--offset-y MM] -o FILE.pdf
 *   techtank-badges programme --db PATH [--lang sv|en] [--from FILE.json]
 *       -o FILE.pdf
 *   techtank-badges pass --db PATH --attendee ID -o FILE.pdf|FILE.png
 *       [--repeat N [--jobs J]]
 *   techtank-badges reissue --db PATH --attendee ID
 *   techtank-badges invoice [--lang sv|en] [--repeat N [--jobs J]] IN.json
 *       OUT.pdf
 *   techtank-badges layouts
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <sodium.h>

#include "config.h"
#include "badges.h"

#define MAX_IDS		4096
#define MAX_REPEAT	100000	/* --repeat: files written at most */
#define MAX_JOBS	64	/* --jobs: processes sharing a --repeat */
#define DEFAULT_LAYOUT	"durable-1445-02"

struct args {
	const char	*command;
	const char	*db;
	const char	*layout;
	const char	*out;
	const char	*lang;		/* the programme's: "sv" or "en" */
	const char	*from;		/* a programme document to print */
	int		 only_new;
	long		 repeat;	/* render this many times (timing) */
	long		 jobs;		/* in this many processes */
	char	       **files;		/* invoice: IN.json OUT.pdf */
	int		 nfiles;
	double		 off_x, off_y;
	size_t		 nids;
	int64_t		 ids[MAX_IDS];
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: techtank-badges COMMAND --db PATH [options]\n"
"\n"
"  tags       name-tag sheets as PDF\n"
"             [--layout NAME] [--only-new | --attendee ID ...]\n"
"             [--offset-x MM] [--offset-y MM] -o FILE.pdf\n"
"  programme  the printed programme, A4 PDF: [--lang sv|en]\n"
"             [--from FILE.json] -o FILE.pdf\n"
"  pass       one attendee's pass: --attendee ID -o FILE.pdf|FILE.png\n"
"             [--repeat N [--jobs J]]\n"
"  reissue    a new pass code for --attendee ID (the old one stops working)\n"
"  invoice    an invoice or credit note document as A4 PDF, no --db:\n"
"             [--lang sv|en] [--repeat N [--jobs J]] IN.json OUT.pdf\n"
"  layouts    the name-tag stock this program knows\n"
"\n"
"  --only-new      only attendees whose tags were never printed\n"
"  --attendee ID   these attendees (repeat for several)\n"
"  --lang sv|en    the programme's or invoice's language (default en)\n"
"  --repeat N      pass, invoice: render N times, into OUT-1.pdf to\n"
"                  OUT-N.pdf (for timing)\n"
"  --jobs J        share --repeat among J processes (default 1)\n"
"  --from FILE.json  print this programme document (as GET /api/v1/programme\n"
"                  answers it) instead of the database's programme\n"
"  --offset-x MM, --offset-y MM\n"
"                  move everything on the sheet by MM (printer calibration)\n"
"  -o, --output FILE  the file to write\n"
"  --help, --version\n");
}

static void die(const char *, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "techtank-badges: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static double
mm_arg(const char *name, const char *s)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || v < -20 || v > 20)
		die("%s: expected millimetres from -20 to 20", name);
	return v;
}

static void
parse_args(struct args *a, int argc, char **argv)
{
	enum { O_DB = 256, O_LAYOUT, O_ONLY_NEW, O_ATTENDEE, O_OFFX, O_OFFY,
	    O_LANG, O_FROM, O_REPEAT, O_JOBS, O_HELP, O_VERSION };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "layout", required_argument, NULL, O_LAYOUT },
		{ "only-new", no_argument, NULL, O_ONLY_NEW },
		{ "attendee", required_argument, NULL, O_ATTENDEE },
		{ "offset-x", required_argument, NULL, O_OFFX },
		{ "offset-y", required_argument, NULL, O_OFFY },
		{ "lang", required_argument, NULL, O_LANG },
		{ "from", required_argument, NULL, O_FROM },
		{ "repeat", required_argument, NULL, O_REPEAT },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	int	 c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_DB:
			a->db = optarg;
			break;
		case O_LAYOUT:
			a->layout = optarg;
			break;
		case O_ONLY_NEW:
			a->only_new = 1;
			break;
		case O_ATTENDEE:
			if (a->nids == MAX_IDS)
				die("too many --attendee (at most %s)", "4096");
			a->ids[a->nids] = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' ||
			    a->ids[a->nids] <= 0)
				die("--attendee: not an attendee id: %s", optarg);
			a->nids++;
			break;
		case O_OFFX:
			a->off_x = mm_arg("--offset-x", optarg);
			break;
		case O_OFFY:
			a->off_y = mm_arg("--offset-y", optarg);
			break;
		case O_LANG:
			if (strcmp(optarg, "sv") != 0 && strcmp(optarg, "en") != 0)
				die("--lang: sv or en, not %s", optarg);
			a->lang = optarg;
			break;
		case O_FROM:
			a->from = optarg;
			break;
		case O_REPEAT:
			a->repeat = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->repeat < 1 ||
			    a->repeat > MAX_REPEAT)
				die("--repeat: a count from 1 to %d, not %s",
				    MAX_REPEAT, optarg);
			break;
		case O_JOBS:
			a->jobs = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->jobs < 1 ||
			    a->jobs > MAX_JOBS)
				die("--jobs: a count from 1 to %d, not %s",
				    MAX_JOBS, optarg);
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			exit(0);
		case O_VERSION:
			printf("techtank-badges %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		exit(2);
	}
	a->command = argv[optind];
	if (a->jobs > 0 && a->repeat == 0)
		die("--jobs goes with --repeat%s", "");
	if (a->repeat > 0 && strcmp(a->command, "pass") != 0 &&
	    strcmp(a->command, "invoice") != 0)
		die("--repeat goes with pass or invoice, not %s", a->command);
	a->files = argv + optind + 1;
	a->nfiles = argc - optind - 1;
	/* Only invoice takes files; the others name theirs with -o. */
	if (a->nfiles != 0 && strcmp(a->command, "invoice") != 0) {
		usage(stderr);
		exit(2);
	}
}

static struct store *
open_db(const char *path)
{
	struct store	*st;
	char		*cause = NULL;

	if (path == NULL)
		die("--db PATH is required%s", "");
	if (access(path, R_OK | W_OK) != 0)
		die("no database at %s (start techtankd once to create it)",
		    path);
	/* The daemon migrates; a database it has not upgraded is refused. */
	st = store_open(path, STORE_WRITER | STORE_NO_MIGRATE, &cause);
	if (st == NULL)
		die("%s", cause);
	return st;
}

static const char *
need_output(const struct args *a, const char *ext1, const char *ext2)
{
	size_t	len;

	if (a->out == NULL)
		die("-o FILE is required%s", "");
	len = strlen(a->out);
	if ((len > strlen(ext1) && strcmp(a->out + len - strlen(ext1),
	    ext1) == 0) || (ext2 != NULL && len > strlen(ext2) &&
	    strcmp(a->out + len - strlen(ext2), ext2) == 0))
		return a->out;
	die("-o: the output must end in .pdf%s", ext2 ? " or .png" : "");
}

static int
cmd_tags(struct store *st, const struct badge_event *ev,
    const struct args *a)
{
	const struct badge_layout	*l;
	struct badge_people		 people;
	enum badge_select		 sel = BADGE_ALL;
	char				*cause = NULL, *tmp;
	int				 ok;

	l = badge_layout_find(a->layout ? a->layout : DEFAULT_LAYOUT);
	if (l == NULL)
		die("unknown layout %s (see: techtank-badges layouts)",
		    a->layout);
	if (a->only_new && a->nids > 0)
		die("--only-new and --attendee do not go together%s", "");
	need_output(a, ".pdf", NULL);
	if (a->only_new)
		sel = BADGE_ONLY_NEW;
	else if (a->nids > 0)
		sel = BADGE_IDS;
	if (store_badge_people(st, ev->id, sel, a->ids, a->nids, &people,
	    &cause) != 0)
		die("%s", cause);
	if (people.n == 0)
		die("%s", a->only_new ? "no new attendees: every confirmed "
		    "attendee's tag has been printed" : "no confirmed attendees "
		    "to print");
	if ((tmp = output_begin(a->out, &cause)) == NULL)
		die("%s", cause);
	ok = badge_tags_pdf(l, ev, &people, a->off_x, a->off_y, tmp,
	    &cause) == 0;
	if (output_finish(tmp, a->out, ok, &cause) != 0)
		die("%s", cause);
	if (store_badge_printed(st, &people, l->name) != 0)
		fprintf(stderr, "techtank-badges: printed, but could not "
		    "record it: the next --only-new will include these\n");
	printf("%zu tags on %zu pages (%s) in %s\n", people.n,
	    (people.n + (size_t)badge_layout_per_page(l) - 1) /
	    (size_t)badge_layout_per_page(l), l->name, a->out);
	store_badge_people_clear(&people);
	return 0;
}

/* OUT.pdf as OUT-i.pdf (or .png). */
static char *
numbered(const char *out, long i)
{
	size_t	 len = strlen(out) - 4;
	char	*path;

	xasprintf(&path, "%.*s-%ld%s", (int)len, out, i, out + len);
	return path;
}

/*
 * Renders into out once, or with --repeat N times into OUT-1 to OUT-N,
 * shared among --jobs processes (the i-th file by process i mod J).
 * render dies on failure; so does this when a process failed.
 */
static void
repeat_run(const struct args *a, const char *out,
    void (*render)(const char *path, void *), void *arg)
{
	long	 jobs = a->jobs > 0 ? a->jobs : 1, i, j;
	pid_t	 pids[MAX_JOBS];
	char	*path;
	int	 status, failed = 0;

	if (a->repeat == 0) {
		render(out, arg);
		return;
	}
	fflush(stdout);
	for (j = 0; j < jobs; j++) {
		if (jobs > 1 && (pids[j] = fork()) == -1)
			die("cannot start a job: %s", strerror(errno));
		if (jobs > 1 && pids[j] != 0)
			continue;
		for (i = j + 1; i <= a->repeat; i += jobs) {
			path = numbered(out, i);
			render(path, arg);
			free(path);
		}
		if (jobs > 1)
			_exit(0);
	}
	for (j = 0; jobs > 1 && j < jobs; j++)
		if (waitpid(pids[j], &status, 0) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	if (failed)
		die("a job of --jobs %ld failed", jobs);
}

struct pass_job {
	const struct badge_event	*ev;
	const struct badge_person	*person;
	enum badge_format		 fmt;
};

static void
pass_render(const char *path, void *arg)
{
	struct pass_job	*job = arg;
	char		*cause = NULL, *tmp;
	int		 ok;

	if ((tmp = output_begin(path, &cause)) == NULL)
		die("%s", cause);
	ok = badge_pass_file(job->ev, job->person, job->fmt, tmp, &cause) == 0;
	if (output_finish(tmp, path, ok, &cause) != 0)
		die("%s", cause);
}

static int
cmd_pass(struct store *st, const struct badge_event *ev, const struct args *a)
{
	struct badge_people	 people;
	const char		*out = need_output(a, ".pdf", ".png");
	struct pass_job		 job = { .ev = ev };
	char			*cause = NULL;

	if (a->nids != 1)
		die("pass needs exactly one --attendee ID%s", "");
	job.fmt = strcmp(out + strlen(out) - 4, ".png") == 0 ? BADGE_PNG :
	    BADGE_PDF;
	if (store_badge_people(st, ev->id, BADGE_IDS, a->ids, 1, &people,
	    &cause) != 0)
		die("%s", cause);
	job.person = &people.v[0];
	repeat_run(a, out, pass_render, &job);
	printf("pass for %s %s in %s%s\n", people.v[0].first_name,
	    people.v[0].last_name, out, a->repeat ? " (numbered)" : "");
	store_badge_people_clear(&people);
	return 0;
}

static int
cmd_programme(struct store *st, const struct badge_event *ev,
    const struct args *a)
{
	char		*cause = NULL, *tmp;
	json_t		*doc = NULL;
	json_error_t	 jerr;
	int		 ok;

	need_output(a, ".pdf", NULL);
	if (a->from != NULL && ((doc = json_load_file(a->from,
	    JSON_REJECT_DUPLICATES, &jerr)) == NULL || !json_is_object(doc) ||
	    !json_is_array(json_object_get(doc, "days"))))
		die("%s: not a programme document (%s)", a->from, doc == NULL ?
		    jerr.text : "no \"days\" list");
	if ((tmp = output_begin(a->out, &cause)) == NULL)
		die("%s", cause);
	ok = badge_programme_pdf(st, ev, doc, a->lang ? a->lang : "en", tmp,
	    &cause) == 0;
	json_decref(doc);
	if (output_finish(tmp, a->out, ok, &cause) != 0)
		die("%s", cause);
	printf("programme in %s\n", a->out);
	return 0;
}

static int
cmd_reissue(struct store *st, const struct args *a)
{
	char	*cause = NULL, *code;

	if (a->nids != 1)
		die("reissue needs exactly one --attendee ID%s", "");
	if ((code = store_pass_reissue(st, a->ids[0], &cause)) == NULL)
		die("%s", cause);
	printf("new pass code for attendee %lld: %s\n", (long long)a->ids[0],
	    code);
	free(code);
	return 0;
}

struct invoice_job {
	json_t		*doc;
	const char	*in, *lang;
};

static void
invoice_render(const char *path, void *arg)
{
	struct invoice_job	*job = arg;
	char			*cause = NULL;

	if (badge_invoice_pdf(job->doc, job->lang, path, &cause) != 0)
		die("%s: %s", job->in, cause);
}

static int
cmd_invoice(const struct args *a)
{
	struct invoice_job	 job = { .lang = a->lang ? a->lang : "en" };
	const char		*out;
	json_error_t		 jerr;
	size_t			 len;

	if (a->nfiles != 2)
		die("invoice needs IN.json and OUT.pdf%s", "");
	job.in = a->files[0];
	out = a->files[1];
	len = strlen(out);
	if (len <= 4 || strcmp(out + len - 4, ".pdf") != 0)
		die("the output must end in .pdf: %s", out);
	if ((job.doc = json_load_file(job.in, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL)
		die("%s: not JSON (line %d: %s)", job.in, jerr.line,
		    jerr.text);
	repeat_run(a, out, invoice_render, &job);
	json_decref(job.doc);
	if (a->repeat)
		printf("invoice %ld times in %.*s-1.pdf to %.*s-%ld.pdf\n",
		    a->repeat, (int)(len - 4), out, (int)(len - 4), out,
		    a->repeat);
	else
		printf("invoice in %s\n", out);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct args	 a;
	struct badge_event	 ev;
	struct store		*st;
	int			 rc;

	log_init("techtank-badges");
	parse_args(&a, argc, argv);
	if (strcmp(a.command, "layouts") == 0) {
		for (const struct badge_layout *l = badge_layouts;
		    l->name != NULL; l++)
			printf("%-16s %s, %d a page\n", l->name, l->stock,
			    badge_layout_per_page(l));
		return 0;
	}
	if (strcmp(a.command, "invoice") == 0)
		return cmd_invoice(&a);
	if (strcmp(a.command, "tags") != 0 && strcmp(a.command, "pass") != 0 &&
	    strcmp(a.command, "programme") != 0 &&
	    strcmp(a.command, "reissue") != 0)
		die("unknown command %s (tags, pass, programme, reissue, "
		    "invoice, layouts)", a.command);
	if (sodium_init() < 0)
		die("libsodium could not be initialised%s", "");
	st = open_db(a.db);
	if (strcmp(a.command, "reissue") == 0)
		rc = cmd_reissue(st, &a);
	else {
		switch (store_badge_event(st, -1, &ev)) {
		case -1:
			die("no event in %s", a.db);
		case -2:
			die("cannot read the event from %s", a.db);
		}
		if (strcmp(a.command, "tags") == 0)
			rc = cmd_tags(st, &ev, &a);
		else if (strcmp(a.command, "pass") == 0)
			rc = cmd_pass(st, &ev, &a);
		else
			rc = cmd_programme(st, &ev, &a);
		store_badge_event_clear(&ev);
	}
	store_close(st);
	return rc;
}
