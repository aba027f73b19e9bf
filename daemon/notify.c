/*
 * notify.c: tells systemd how the daemon is doing, as sd_notify(3) does:
 * READY=1 once it serves, STOPPING=1 when it stops, WATCHDOG=1 while its
 * loops turn. Without $NOTIFY_SOCKET (not started by systemd) it says
 * nothing.
 *
 * The protocol by hand rather than libsystemd: it is one datagram of text
 * on the unix socket $NOTIFY_SOCKET names, which systemd documents as a
 * stable interface, in a few lines; libsystemd would be one more library
 * (with its own: liblz4, libzstd, libgcrypt, libcap) in every build and on
 * every machine, systemd or not, for one call.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "techtankd.h"

static struct {
	int			 fd;		/* -1: nobody to tell */
	struct sockaddr_un	 sun;
	socklen_t		 sunlen;
	uint64_t		 watchdog_usec;	/* 0: no watchdog */
	int			 failed;	/* a send failed: logged once */
} nt = { .fd = -1 };

/* $WATCHDOG_USEC, when $WATCHDOG_PID (if set) is this process. */
static uint64_t
watchdog_usec(void)
{
	const char		*usec = getenv("WATCHDOG_USEC");
	const char		*pid = getenv("WATCHDOG_PID");
	char			*end;
	unsigned long long	 v;

	if (usec == NULL)
		return 0;
	if (pid != NULL && strtoll(pid, &end, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoull(usec, &end, 10);
	if (*usec < '0' || *usec > '9' || *end != '\0' || errno != 0 ||
	    v == 0) {
		log_warnx("WATCHDOG_USEC=%.40s is no number of microseconds: "
		    "no watchdog", usec);
		return 0;
	}
	return v;
}

/*
 * Find the socket systemd listens on: a path, or an abstract name after
 * '@'. A bad $NOTIFY_SOCKET is warned about, and nothing is sent.
 */
void
notify_init(void)
{
	const char	*path = getenv("NOTIFY_SOCKET");
	size_t		 len;

	if (path == NULL)
		return;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len < 2 ||
	    len >= sizeof nt.sun.sun_path) {
		log_warnx("NOTIFY_SOCKET=%.40s is no unix socket: systemd is "
		    "not told when the daemon is ready", path);
		return;
	}
	if ((nt.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("notify socket");
		return;
	}
	nt.sun.sun_family = AF_UNIX;
	memcpy(nt.sun.sun_path, path, len);
	if (path[0] == '@')
		nt.sun.sun_path[0] = '\0';	/* abstract: not a path */
	nt.sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	nt.watchdog_usec = watchdog_usec();
}

/* The interval systemd expects WATCHDOG=1 in; 0: none. */
uint64_t
notify_watchdog_usec(void)
{
	return nt.fd == -1 ? 0 : nt.watchdog_usec;
}

static void
notify_send(const char *msg, int flags)
{
	if (nt.fd == -1)
		return;
	if (sendto(nt.fd, msg, strlen(msg), MSG_NOSIGNAL | flags,
	    (struct sockaddr *)&nt.sun, nt.sunlen) == -1 && !nt.failed) {
		nt.failed = 1;
		log_warn("telling systemd \"%.40s\" (logged once)", msg);
	}
}

/* Tell systemd a state: "READY=1\nSTATUS=...". Waits if its queue is full. */
void
notify(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	notify_send(msg, 0);
}

/* From an event loop: never waits; a ping lost is sent again soon. */
void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1", MSG_DONTWAIT);
}

void
notify_close(void)
{
	if (nt.fd != -1)
		close(nt.fd);
	nt.fd = -1;
}
