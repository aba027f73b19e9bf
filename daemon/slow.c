/*
 * slow.c: a thread for work too slow for an event loop: checking a
 * password (argon2id takes tens of milliseconds and 19 MiB) and drawing a
 * pass (the PNG encoder takes about as long). A job's slow() runs here;
 * then the job goes on to the writer when it has something to write, or
 * straight back to its worker to be answered.
 */
#include <pthread.h>

#include "techtankd.h"

static struct {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct job	*head;
	struct job	**tail;
	int		 stop;
} sl = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

void
slow_submit(struct job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&sl.lock);
	*sl.tail = job;
	sl.tail = &job->next;
	pthread_cond_signal(&sl.cond);
	pthread_mutex_unlock(&sl.lock);
}

static void *
slow_main(void *arg)
{
	struct job	*job;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-slow");
	for (;;) {
		pthread_mutex_lock(&sl.lock);
		while (sl.head == NULL && !sl.stop)
			pthread_cond_wait(&sl.cond, &sl.lock);
		if ((job = sl.head) == NULL) {
			pthread_mutex_unlock(&sl.lock);
			break;
		}
		if ((sl.head = job->next) == NULL)
			sl.tail = &sl.head;
		pthread_mutex_unlock(&sl.lock);

		job->slow(job);
		if (job->run != NULL)
			writer_submit(job);
		else
			http_job_done(job);
	}
	return NULL;
}

int
slow_start(char **cause)
{
	sl.tail = &sl.head;
	if (pthread_create(&sl.thread, NULL, slow_main, NULL) != 0) {
		xasprintf(cause, "cannot start the thread for slow work");
		return -1;
	}
	return 0;
}

/* Finish the jobs in hand; call before writer_stop(). */
void
slow_stop(void)
{
	pthread_mutex_lock(&sl.lock);
	sl.stop = 1;
	pthread_cond_signal(&sl.cond);
	pthread_mutex_unlock(&sl.lock);
	pthread_join(sl.thread, NULL);
}
