/*
 * log.c: diagnostics on standard error. log_warn appends strerror(errno),
 * log_warnx does not; fatal() is for start-up and the impossible only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

static const char *log_progname = "techtank";

void
log_init(const char *progname)
{
	log_progname = progname;
}

/* The program's name, as log_init() was given it, for messages. */
const char *
log_name(void)
{
	return log_progname;
}

static void
log_vwrite(const char *fmt, va_list ap, int with_errno)
{
	char	 msg[1024];
	int	 saved = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg,
		    strerror(saved));
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap, 0);
	va_end(ap);
	exit(1);
}
