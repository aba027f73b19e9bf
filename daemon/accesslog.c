/*
 * accesslog.c: the access log: the line written per request, and the
 * thread that writes them. Workers buffer their lines and hand them over
 * through the work queue: a write(2) to a file can block for tens of
 * milliseconds while the kernel writes back dirty pages, and the event
 * loops must never wait for a disk. If the log falls far behind, lines are
 * dropped and counted rather than memory growing without bound.
 *
 * SIGHUP reopens the file (for logrotate, which moves it away first): the
 * lines handed in before the signal go to the old file, those after it to
 * a new one at the same path, and none is lost between them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "techtankd.h"

struct log_chunk {
	struct queue_item	 item;
	struct evbuffer		*lines;		/* NULL: reopen the file */
};

static struct {
	pthread_t		 thread;
	struct queue		 chunks;
	struct queue		 stop;		/* never holds items */
	int			 fd;
	char			*path;		/* NULL: standard error */
	atomic_size_t		 pending;	/* bytes handed, not written */
	atomic_size_t		 dropped;	/* bytes */
} al;

/* Take every line in lines (which is left empty). */
void
accesslog_hand(struct evbuffer *lines)
{
	size_t			 len = evbuffer_get_length(lines);
	struct log_chunk	*c;

	if (len == 0)
		return;
	if (atomic_load(&al.pending) + len > ACCESSLOG_MAX_PENDING) {
		atomic_fetch_add(&al.dropped, len);
		evbuffer_drain(lines, len);
		return;
	}
	atomic_fetch_add(&al.pending, len);
	c = xcalloc(1, sizeof *c);
	c->lines = evbuffer_new();
	evbuffer_add_buffer(c->lines, lines);
	queue_push(&al.chunks, &c->item);
}

/*
 * Add s to the line with every byte that could forge or break a line
 * (controls, DEL, the quote and the backslash) as \xHH.
 */
static void
add_escaped(struct evbuffer *out, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*run = p;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\')
			continue;
		evbuffer_add(out, run, (size_t)(p - run));
		evbuffer_add_printf(out, "\\x%02x", *p);
		run = p + 1;
	}
	evbuffer_add(out, run, (size_t)(p - run));
}

/*
 * A target as the log may show it, changed in place: what follows a path
 * that carries a secret (a manage token, an invitation code) becomes
 * "<token>". For requests refused before a route could say so itself.
 */
void
accesslog_mask(char *target, size_t size)
{
	static const char *const secrets[] = { "/registrations/",
	    "/invitations/" };
	char			*at;

	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if ((at = strstr(target, secrets[i])) != NULL)
			snprintf(at + strlen(secrets[i]), size - (size_t)(at -
			    target) - strlen(secrets[i]), "<token>");
}

/* One line per request: time, peer, method, path, status, bytes, µs. */
void
accesslog_line(struct evbuffer *out, const char *peer, const char *method,
    const char *path, int status, size_t bytes, int64_t usec)
{
	/* The time of the line, written once a second per thread. */
	static __thread char	 when[32];
	static __thread time_t	 made = -1;
	struct tm		 tm;
	time_t			 now = time(NULL);

	if (now != made && gmtime_r(&now, &tm) != NULL) {
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		made = now;
	}
	evbuffer_add_printf(out, "%s %s %s ", when, peer, method);
	add_escaped(out, path);
	evbuffer_add_printf(out, " %d %zu %lldus\n", status, bytes,
	    (long long)usec);
}

static void
write_all(struct evbuffer *buf)
{
	while (evbuffer_get_length(buf) > 0) {
		if (evbuffer_write(buf, al.fd) < 0 && errno != EINTR) {
			evbuffer_drain(buf, evbuffer_get_length(buf));
			break;
		}
	}
}

/* Open the log at path (NULL: standard error; "-": standard output). */
static int
accesslog_open(const char *path)
{
	if (path == NULL)
		return STDERR_FILENO;
	if (strcmp(path, "-") == 0)
		return STDOUT_FILENO;
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

/* After what came before: on to the file now at the path. */
static void
reopen(struct evbuffer *out)
{
	int	fd;

	write_all(out);
	if (al.fd == STDERR_FILENO || al.fd == STDOUT_FILENO)
		return;
	if ((fd = accesslog_open(al.path)) == -1) {
		log_warn("cannot reopen the access log %s, writing on to the "
		    "old file", al.path);
		return;
	}
	close(al.fd);
	al.fd = fd;
}

static void *
accesslog_main(void *arg)
{
	struct evbuffer		*out = evbuffer_new();
	struct queue_item	*items, *next;
	struct log_chunk	*c;
	size_t			 dropped;

	(void)arg;
	while ((items = queue_take(&al.chunks, 0, -1)) != NULL) {
		for (; items != NULL; items = next) {
			next = items->next;
			c = (struct log_chunk *)items;
			if (c->lines == NULL)
				reopen(out);
			else {
				atomic_fetch_sub(&al.pending,
				    evbuffer_get_length(c->lines));
				evbuffer_add_buffer(out, c->lines);
				evbuffer_free(c->lines);
			}
			free(c);
		}
		if ((dropped = atomic_exchange(&al.dropped, 0)) > 0)
			evbuffer_add_printf(out, "# access log fell behind: "
			    "%zu bytes of lines dropped\n", dropped);
		write_all(out);
		/*
		 * Write once a second at most: every write dirties the log's
		 * inode, and the database's fsync can wait behind it.
		 */
		queue_take(&al.stop, 0, ACCESSLOG_INTERVAL_MS);
	}
	evbuffer_free(out);
	return NULL;
}

int
accesslog_start(const char *path, char **cause)
{
	if ((al.fd = accesslog_open(path)) == -1) {
		xasprintf(cause, "cannot open the access log %s: %s", path,
		    strerror(errno));
		return -1;
	}
	al.path = path != NULL ? xstrdup(path) : NULL;
	queue_init(&al.chunks, NULL, NULL);
	queue_init(&al.stop, NULL, NULL);
	return thread_start(&al.thread, accesslog_main, NULL, "accesslog",
	    cause);
}

/* SIGHUP, on any thread: reopen the file once the lines before are out. */
void
accesslog_reopen(void)
{
	struct log_chunk	*c = xcalloc(1, sizeof *c);

	queue_push(&al.chunks, &c->item);
}

/* Write what is left and stop: after the workers have handed in theirs. */
void
accesslog_stop(void)
{
	queue_close(&al.stop);
	queue_close(&al.chunks);
	pthread_join(al.thread, NULL);
	queue_destroy(&al.chunks);
	queue_destroy(&al.stop);
	if (al.fd != STDERR_FILENO && al.fd != STDOUT_FILENO)
		close(al.fd);
	free(al.path);
}
