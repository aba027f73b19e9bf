/*
 * accesslog.c: the access log is written by a thread of its own. Workers
 * hand over their buffered lines and go on: a write(2) to a file can block
 * for tens of milliseconds while the kernel writes back dirty pages, and
 * the event loops must never wait for a disk. If the log falls far behind,
 * lines are dropped and counted rather than memory growing without bound.
 */
#include <errno.h>
#include <time.h>
#include <pthread.h>
#include <stdio.h>

#include <event2/buffer.h>

#include "techtankd.h"

#define ACCESSLOG_MAX_PENDING	(16 * 1024 * 1024)
#define ACCESSLOG_INTERVAL_MS	1000


static struct {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct evbuffer	*pending;
	int		 fd;
	int		 stop;
	size_t		 dropped;	/* bytes */
} al = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Take every line in lines (which is left empty). */
void
accesslog_hand(struct evbuffer *lines)
{
	size_t	len = evbuffer_get_length(lines);

	if (len == 0)
		return;
	pthread_mutex_lock(&al.lock);
	if (evbuffer_get_length(al.pending) + len > ACCESSLOG_MAX_PENDING) {
		al.dropped += len;
		evbuffer_drain(lines, len);
	} else
		evbuffer_add_buffer(al.pending, lines);
	pthread_cond_signal(&al.cond);
	pthread_mutex_unlock(&al.lock);
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

static void *
accesslog_main(void *arg)
{
	struct evbuffer	*out = evbuffer_new();
	struct timespec	 next;
	size_t		 dropped;
	int		 stop, first = 1;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-accesslog");
	for (;;) {
		/*
		 * Write once a second at most: every write dirties the log's
		 * inode, and the database's fsync can wait behind it.
		 */
		clock_gettime(CLOCK_REALTIME, &next);
		next.tv_sec += ACCESSLOG_INTERVAL_MS / 1000;
		pthread_mutex_lock(&al.lock);
		while (!al.stop && (!first || evbuffer_get_length(
		    al.pending) == 0) && pthread_cond_timedwait(&al.cond,
		    &al.lock, &next) != ETIMEDOUT)
			;
		while (evbuffer_get_length(al.pending) == 0 && !al.stop)
			pthread_cond_wait(&al.cond, &al.lock);
		first = 0;
		evbuffer_add_buffer(out, al.pending);
		dropped = al.dropped;
		al.dropped = 0;
		stop = al.stop;
		pthread_mutex_unlock(&al.lock);
		if (dropped > 0)
			evbuffer_add_printf(out, "# access log fell behind: %zu "
			    "bytes of lines dropped\n", dropped);
		write_all(out);
		if (stop)
			break;
	}
	evbuffer_free(out);
	return NULL;
}

int
accesslog_start(int fd, char **cause)
{
	al.fd = fd;
	al.pending = evbuffer_new();
	if (pthread_create(&al.thread, NULL, accesslog_main, NULL) != 0) {
		xasprintf(cause, "cannot start the access-log thread");
		return -1;
	}
	return 0;
}

/* Write what is left and stop: after the workers have handed in theirs. */
void
accesslog_stop(void)
{
	pthread_mutex_lock(&al.lock);
	al.stop = 1;
	pthread_cond_signal(&al.cond);
	pthread_mutex_unlock(&al.lock);
	pthread_join(al.thread, NULL);
	evbuffer_free(al.pending);
}
