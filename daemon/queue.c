/*
 * queue.c: the one work queue of techtankd. Every hand-off between threads
 * goes through it: requests to the slow thread and the writer, finished
 * jobs back to their worker, access-log lines to the log thread. Items are
 * linked through a struct queue_item inside them; the queue owns an item
 * from queue_push() until queue_take() gives it out again, and clears its
 * link on the way in, so an item can never drag others along with it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "techtankd.h"

void
queue_init(struct queue *q, void (*wake)(void *), void *wake_arg)
{
	pthread_condattr_t	attr;

	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&attr);
	/* Waits are measured on the clock that never jumps. */
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &attr);
	pthread_condattr_destroy(&attr);
	q->head = NULL;
	q->tail = &q->head;
	q->n = 0;
	q->closed = 0;
	q->wake = wake;
	q->wake_arg = wake_arg;
}

void
queue_destroy(struct queue *q)
{
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

/* Append an item; wakes a waiting thread, or the consumer's event loop. */
void
queue_push(struct queue *q, struct queue_item *item)
{
	item->next = NULL;
	pthread_mutex_lock(&q->lock);
	*q->tail = item;
	q->tail = &item->next;
	q->n++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	if (q->wake != NULL)
		q->wake(q->wake_arg);
}

/* Detach up to max items (0: all) as a list; the caller holds the lock. */
static struct queue_item *
take_locked(struct queue *q, size_t max)
{
	struct queue_item	*first = q->head, **link = &q->head;
	size_t			 n = 0;

	while (*link != NULL && (max == 0 || n < max)) {
		link = &(*link)->next;
		n++;
	}
	q->head = *link;
	*link = NULL;
	if (q->head == NULL)
		q->tail = &q->head;
	q->n -= n;
	return first;
}

/*
 * Take up to max items (0: all) as a NULL-terminated list. With wait_ms
 * below 0, wait until there is one or the queue is closed; with 0, do not
 * wait; above 0, wait at most that long. NULL: nothing (closed or timed
 * out: see queue_closed()).
 */
struct queue_item *
queue_take(struct queue *q, size_t max, int wait_ms)
{
	struct queue_item	*items;
	struct timespec		 deadline;

	if (wait_ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += wait_ms / 1000;
		deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->closed && wait_ms != 0) {
		if (wait_ms < 0)
			pthread_cond_wait(&q->cond, &q->lock);
		else if (pthread_cond_timedwait(&q->cond, &q->lock,
		    &deadline) == ETIMEDOUT)
			break;
	}
	items = take_locked(q, max);
	pthread_mutex_unlock(&q->lock);
	return items;
}

/* Wake every waiter for good: takes return what is left, then NULL. */
void
queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	if (q->wake != NULL)
		q->wake(q->wake_arg);
}

int
queue_closed(struct queue *q)
{
	int	closed;

	pthread_mutex_lock(&q->lock);
	closed = q->closed && q->head == NULL;
	pthread_mutex_unlock(&q->lock);
	return closed;
}

/* Start a named thread (shown by top -H as tt-NAME); -1 with cause. */
int
thread_start(pthread_t *t, void *(*main)(void *), void *arg,
    const char *name, char **cause)
{
	char	full[16];
	int	rc;

	if ((rc = pthread_create(t, NULL, main, arg)) != 0) {
		xasprintf(cause, "cannot start the %s thread: %s", name,
		    strerror(rc));
		return -1;
	}
	snprintf(full, sizeof full, "tt-%s", name);
	pthread_setname_np(*t, full);
	return 0;
}
