/*
 * writer.c: the one thread that writes. HTTP workers queue jobs; the writer
 * takes every job waiting, runs them in one BEGIN IMMEDIATE transaction,
 * each inside its own savepoint so that a failed job leaves no trace, and
 * commits once (group commit: one fsync for the whole group). Only after
 * the commit is on disk are the jobs handed back to their workers to be
 * answered. WAL checkpoints run from a timer on a thread of their own, so
 * that copying pages into the database never delays a commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"

static struct {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_cond_t	 checkpoint_cond;
	struct job	*head;
	struct job	**tail;
	int		 stop;
	struct store	*store;
	pthread_t	 checkpoint_thread;
	struct store	*checkpoint_store;
	int		 batch_max;
	int		 checkpoint_ms;
} wr = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.checkpoint_cond = PTHREAD_COND_INITIALIZER,
};

struct job *
job_create(struct http_req *hr, int (*run)(struct store *, struct job *),
    void (*done)(struct job *))
{
	struct job	*job = xcalloc(1, sizeof *job);

	job->hr = hr;
	job->run = run;
	job->done = done;
	job->result = -1;
	return job;
}

void
job_free(struct job *job)
{
	reg_input_free(job->input);
	free(job->idem_key);
	free(job->token);
	free(job->username);
	if (job->password != NULL) {
		sodium_memzero(job->password, strlen(job->password));
		free(job->password);
	}
	free(job->hash);
	free(job->code);
	free(job->checkpoint);
	free(job->nonce);
	json_decref(job->answer);
	if (job->data_free != NULL)
		job->data_free(job->data);
	store_error_clear(&job->err);
	sodium_memzero(job->session, sizeof job->session);
	free(job);
}

void
writer_submit(struct job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&wr.lock);
	*wr.tail = job;
	wr.tail = &job->next;
	pthread_cond_signal(&wr.cond);
	pthread_mutex_unlock(&wr.lock);
}

static void
group_fail(struct job *jobs)
{
	for (struct job *j = jobs; j != NULL; j = j->next) {
		store_error_clear(&j->err);
		j->result = -1;
		json_decref(j->answer);
		j->answer = NULL;
		store_error_set(&j->err, 503, "unavailable",
		    "the database could not save this; please try again");
	}
}

/* Run a group of jobs in one transaction; every job gets its result. */
static void
group_commit(struct job *jobs)
{
	struct store	*st = wr.store;

	if (store_begin(st) != 0) {
		group_fail(jobs);
		return;
	}
	for (struct job *j = jobs; j != NULL; j = j->next) {
		store_run(st, "SAVEPOINT job");
		if (j->run(st, j) != 0)
			store_run(st, "ROLLBACK TO job");
		store_run(st, "RELEASE job");
	}
	if (store_commit(st) != 0) {
		store_rollback(st);
		group_fail(jobs);
	}
}

static void
hand_back(struct job *jobs)
{
	struct job	*next;

	for (struct job *j = jobs; j != NULL; j = next) {
		next = j->next;
		j->next = NULL;
		http_job_done(j);
	}
}

/* Take up to batch_max jobs off the queue. */
static struct job *
take_group(void)
{
	struct job	*jobs = wr.head, *last = NULL, *j = wr.head;
	int		 n = 0;

	while (j != NULL && n < wr.batch_max) {
		last = j;
		j = j->next;
		n++;
	}
	if (last == NULL)
		return NULL;
	last->next = NULL;
	wr.head = j;
	if (wr.head == NULL)
		wr.tail = &wr.head;
	return jobs;
}

static void *
writer_main(void *arg)
{
	struct job	*jobs;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-writer");
	for (;;) {
		pthread_mutex_lock(&wr.lock);
		while (wr.head == NULL && !wr.stop)
			pthread_cond_wait(&wr.cond, &wr.lock);
		jobs = take_group();
		if (jobs == NULL && wr.stop) {
			pthread_mutex_unlock(&wr.lock);
			break;
		}
		pthread_mutex_unlock(&wr.lock);

		group_commit(jobs);
		hand_back(jobs);
	}
	return NULL;
}

/* Every checkpoint_ms, copy committed pages from the WAL into the database. */
static void *
checkpoint_main(void *arg)
{
	struct timespec	deadline;
	int		stop = 0;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-checkpoint");
	while (!stop) {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += wr.checkpoint_ms / 1000;
		deadline.tv_nsec += (long)(wr.checkpoint_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&wr.lock);
		while (!wr.stop && pthread_cond_timedwait(&wr.checkpoint_cond,
		    &wr.lock, &deadline) != ETIMEDOUT)
			;
		stop = wr.stop;
		pthread_mutex_unlock(&wr.lock);
		if (!stop)
			store_checkpoint(wr.checkpoint_store);
	}
	return NULL;
}

/* Open the database (migrating it) and start the writer thread. */
int
writer_start(const struct config *cfg, char **cause)
{
	int	flags = STORE_WRITER | (cfg->demo ? 0 : STORE_NO_DEMO);

	wr.tail = &wr.head;
	wr.batch_max = cfg->batch_max;
	wr.checkpoint_ms = cfg->checkpoint_ms;
	if ((wr.store = store_open(cfg->db_path, flags, cause)) == NULL)
		return -1;
	if (store_begin(wr.store) != 0 || store_recount(wr.store) != 0 ||
	    store_commit(wr.store) != 0) {
		store_rollback(wr.store);
		xasprintf(cause, "cannot recount seats in %s", cfg->db_path);
		return -1;
	}
	wr.checkpoint_store = store_open(cfg->db_path, STORE_CHECKPOINTER,
	    cause);
	if (wr.checkpoint_store == NULL)
		return -1;
	if (pthread_create(&wr.thread, NULL, writer_main, NULL) != 0 ||
	    pthread_create(&wr.checkpoint_thread, NULL, checkpoint_main,
	    NULL) != 0) {
		xasprintf(cause, "cannot start the writer threads");
		return -1;
	}
	return 0;
}

/* Finish every queued job, checkpoint and close the database. */
void
writer_stop(void)
{
	pthread_mutex_lock(&wr.lock);
	wr.stop = 1;
	pthread_cond_signal(&wr.cond);
	pthread_cond_signal(&wr.checkpoint_cond);
	pthread_mutex_unlock(&wr.lock);
	pthread_join(wr.thread, NULL);
	pthread_join(wr.checkpoint_thread, NULL);
	store_close(wr.checkpoint_store);
	wr.checkpoint_store = NULL;
	if (sqlite3_wal_checkpoint_v2(store_db(wr.store), NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		log_warnx("final checkpoint: %s",
		    sqlite3_errmsg(store_db(wr.store)));
	store_close(wr.store);
	wr.store = NULL;
}
