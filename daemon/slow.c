/*
 * slow.c: a thread for work too slow for an event loop: checking a
 * password (argon2id takes tens of milliseconds and 19 MiB), drawing a
 * pass (the PNG encoder takes about as long) and writing an XLSX export
 * (a second for 100,000 rows). A job's type->slow runs here, one job at a
 * time; job_next() then sends it to the writer or back to its worker. A
 * long job does its work in turns: it sets job->again and goes to the end
 * of the queue, so that the jobs that came meanwhile (a login) wait for
 * one turn, not for all of it. Once the daemon stops, a job gets no more
 * turns and goes back unfinished.
 */
#include <pthread.h>

#include "techtankd.h"

static struct {
	pthread_t	thread;
	struct queue	jobs;
} sl;

void
slow_submit(struct job *job)
{
	queue_push(&sl.jobs, &job->item);
}

static void *
slow_main(void *arg)
{
	struct queue_item	*item;
	struct job		*job;

	(void)arg;
	/* One at a time: each job is handed on before the next is taken. */
	while ((item = queue_take(&sl.jobs, 1, -1)) != NULL) {
		job = (struct job *)item;
		job->type->slow(job);
		if (job->again && !queue_closed(&sl.jobs)) {
			job->again = 0;
			queue_push(&sl.jobs, &job->item);
			continue;
		}
		job->again = 0;
		job_next(job);
	}
	return NULL;
}

int
slow_start(char **cause)
{
	queue_init(&sl.jobs, NULL, NULL);
	return thread_start(&sl.thread, slow_main, NULL, "slow", cause);
}

/* Finish the jobs in hand; call before writer_stop(). */
void
slow_stop(void)
{
	queue_close(&sl.jobs);
	pthread_join(sl.thread, NULL);
	queue_destroy(&sl.jobs);
}
