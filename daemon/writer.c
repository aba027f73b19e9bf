/*
 * writer.c: the one thread that writes. Workers queue jobs; the writer
 * takes every job waiting, runs them in one BEGIN IMMEDIATE transaction,
 * each inside its own savepoint so that a failed job leaves no trace, and
 * commits once (group commit: one fsync for the whole group). Only after
 * the commit is on disk are the jobs handed back to be answered. WAL
 * checkpoints run from a timer on a thread of their own, so that copying
 * pages into the database never delays a commit.
 */
#include <stdatomic.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"

static struct {
	pthread_t	 thread;
	struct queue	 jobs;
	struct store	*store;
	pthread_t	 checkpoint_thread;
	struct queue	 checkpoint_stop;	/* never holds items */
	struct store	*checkpoint_store;
	int		 batch_max;
	int		 checkpoint_ms;
	int		 erase_check_ms;
	atomic_uint_least64_t programme_generation;
	atomic_uint_least64_t commit_generation;
} wr;

void
writer_submit(struct job *job)
{
	queue_push(&wr.jobs, &job->item);
}

/* Raised after every commit that changed what the programme shows. */
uint64_t
writer_programme_generation(void)
{
	return atomic_load(&wr.programme_generation);
}

/* Raised after every commit: anything read before may have changed. */
uint64_t
writer_commit_generation(void)
{
	return atomic_load(&wr.commit_generation);
}

static void
group_fail(struct job *jobs)
{
	for (struct job *j = jobs; j != NULL; j = (struct job *)j->item.next) {
		store_error_clear(&j->err);
		json_decref(j->answer);
		j->answer = NULL;
		store_error_set(&j->err, 503, "unavailable",
		    "the database could not save this; please try again");
	}
}

/* One job in its savepoint: 0 kept, 1 refused and undone, -1 broken. */
static int
job_in_savepoint(struct store *st, struct job *j)
{
	int	rc;

	if (store_run(st, "SAVEPOINT job") != 0)
		return -1;
	rc = j->type->run(st, j);
	/* What the job changed is billed in the job (store-invoice.c). */
	if (rc == 0 && !sqlite3_get_autocommit(store_db(st)) &&
	    store_invoice_settle(st, time(NULL)) != 0) {
		store_error_set(&j->err, 500, "internal",
		    "the invoices could not be issued");
		rc = -1;
	}
	/*
	 * Some errors (an interrupt, I/O, out of memory, busy) make SQLite
	 * undo the whole transaction: the next statements would each commit
	 * on their own. The group is lost then; it must not go on.
	 */
	if (sqlite3_get_autocommit(store_db(st)))
		return -1;
	if (rc == 0) {
		if (j->err.status != 0)
			log_warnx("%s: job kept despite error %s",
			    j->type->name, j->err.code);
		return store_run(st, "RELEASE job") == 0 ? 0 : -1;
	}
	if (j->err.status == 0)
		store_error_set(&j->err, 500, "internal",
		    "the request could not be saved");
	/* Unless both succeed the refused job's writes may still be there. */
	if (store_run(st, "ROLLBACK TO job") != 0 ||
	    store_run(st, "RELEASE job") != 0)
		return -1;
	return 1;
}

/*
 * Run a group of jobs in one transaction; every job gets its result. A
 * savepoint that cannot be rolled back or released fails the whole group:
 * committing it could keep a refused job's writes.
 */
static void
group_commit(struct job *jobs)
{
	struct store	*st = wr.store;
	int		 programme = 0, rc;

	if (store_begin(st) != 0) {
		group_fail(jobs);
		return;
	}
	for (struct job *j = jobs; j != NULL; j = (struct job *)j->item.next) {
		if ((rc = job_in_savepoint(st, j)) < 0) {
			store_rollback(st);
			group_fail(jobs);
			return;
		}
		if (rc == 0 && ((j->type->flags & JOB_CHANGES_PROGRAMME) ||
		    j->changed_programme))
			programme = 1;
	}
	if (store_commit(st) != 0) {
		store_rollback(st);
		group_fail(jobs);
		return;
	}
	atomic_fetch_add(&wr.commit_generation, 1);
	mailer_wake();	/* the group may have written mail */
	if (programme)
		atomic_fetch_add(&wr.programme_generation, 1);
}

static void
hand_on(struct job *jobs)
{
	struct job	*next;

	for (struct job *j = jobs; j != NULL; j = next) {
		next = (struct job *)j->item.next;
		job_next(j);
	}
}

static void *
writer_main(void *arg)
{
	struct queue_item	*items;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-writer");
	while ((items = queue_take(&wr.jobs, (size_t)wr.batch_max, -1)) !=
	    NULL) {
		group_commit((struct job *)items);
		hand_on((struct job *)items);
	}
	return NULL;
}

/*
 * Every checkpoint_ms, copy committed pages from the WAL into the
 * database; at start and every erase_check_ms, queue the writer's look
 * for events whose personal data is due to be erased (admin-privacy.c).
 */
static void *
checkpoint_main(void *arg)
{
	int64_t	last_look = 0, now;

	(void)arg;
	pthread_setname_np(pthread_self(), "tt-checkpoint");
	for (;;) {
		now = (int64_t)(timefmt_now_usec() / 1000);
		if (last_look == 0 || now - last_look >= wr.erase_check_ms) {
			last_look = now;
			privacy_submit_due();
		}
		queue_take(&wr.checkpoint_stop, 0, wr.checkpoint_ms);
		if (queue_closed(&wr.checkpoint_stop))
			break;
		store_checkpoint(wr.checkpoint_store);
	}
	return NULL;
}

/* Open the database (migrating it) and start the writer thread. */
int
writer_start(const struct config *cfg, char **cause)
{
	int	flags = STORE_WRITER | (cfg->demo ? 0 : STORE_NO_DEMO);

	queue_init(&wr.jobs, NULL, NULL);
	queue_init(&wr.checkpoint_stop, NULL, NULL);
	wr.batch_max = cfg->batch_max;
	wr.checkpoint_ms = cfg->checkpoint_ms;
	wr.erase_check_ms = cfg->erase_check_ms;
	if ((wr.store = store_open(cfg->db_path, flags, cause)) == NULL)
		return -1;
	if (store_begin(wr.store) != 0 || store_recount(wr.store) != 0 ||
	    store_search_refresh(wr.store) != 0 ||
	    store_email_keys_refresh(wr.store) != 0 ||
	    store_commit(wr.store) != 0) {
		store_rollback(wr.store);
		xasprintf(cause, "cannot recount seats in %s", cfg->db_path);
		return -1;
	}
	/*
	 * The recount read every attendee once; its pages would stay in the
	 * writer's cache (25 MB for 100,000 attendees) for writes that touch
	 * few of them. What the writes need comes back as they need it.
	 */
	sqlite3_db_release_memory(store_db(wr.store));
	malloc_trim(0);
	wr.checkpoint_store = store_open(cfg->db_path, STORE_CHECKPOINTER,
	    cause);
	if (wr.checkpoint_store == NULL)
		return -1;
	if (thread_start(&wr.thread, writer_main, NULL, "writer",
	    cause) != 0 || thread_start(&wr.checkpoint_thread,
	    checkpoint_main, NULL, "checkpoint", cause) != 0)
		return -1;
	return 0;
}

/* Finish every queued job, checkpoint and close the database. */
void
writer_stop(void)
{
	/* The checkpoint thread queues jobs: it stops before the writer. */
	queue_close(&wr.checkpoint_stop);
	pthread_join(wr.checkpoint_thread, NULL);
	queue_close(&wr.jobs);
	pthread_join(wr.thread, NULL);
	store_close(wr.checkpoint_store);
	wr.checkpoint_store = NULL;
	if (sqlite3_wal_checkpoint_v2(store_db(wr.store), NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		log_warnx("final checkpoint: %s",
		    sqlite3_errmsg(store_db(wr.store)));
	store_close(wr.store);
	wr.store = NULL;
	queue_destroy(&wr.jobs);
	queue_destroy(&wr.checkpoint_stop);
}
