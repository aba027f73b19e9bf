/*
 * log.c: diagnostics on standard error. log_warn appends strerror(errno),
 * log_warnx does not; fatal() is for start-up and the impossible only.
 *
 * When standard error is the systemd journal's stream, each line starts
 * with its priority instead of the program's name, which the journal
 * records anyway (sd-daemon(3)): <3> for fatal errors, <4> for warnings,
 * <6> for information, so that journalctl -p shows what matters.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "techtank.h"

static const char	*log_progname = "techtank";
static int		 log_journal;	/* prefix lines with <priority> */

/*
 * Whether standard error is the journal's: $JOURNAL_STREAM holds the
 * device and inode of the stream systemd connected, which a child whose
 * standard error was redirected still inherits.
 */
static int
stderr_is_journal(void)
{
	const char		*env = getenv("JOURNAL_STREAM");
	struct stat		 st;
	unsigned long long	 dev, ino;
	char			 end;

	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *progname)
{
	log_progname = progname;
	log_journal = stderr_is_journal();
}

/* The program's name, as log_init() was given it, for messages. */
const char *
log_name(void)
{
	return log_progname;
}

/* One line, written whole: threads log at once. */
static void
log_vwrite(int priority, const char *fmt, va_list ap, int with_errno)
{
	char	 msg[1024], head[64], *nl;
	int	 saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_journal) {
		/* The journal starts an entry at each newline. */
		for (nl = msg; (nl = strchr(nl, '\n')) != NULL; nl++)
			*nl = ' ';
		snprintf(head, sizeof head, "<%d>", priority);
	} else
		snprintf(head, sizeof head, "%s: ", log_progname);
	if (with_errno)
		fprintf(stderr, "%s%s: %s\n", head, msg, strerror(saved));
	else
		fprintf(stderr, "%s%s\n", head, msg);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
