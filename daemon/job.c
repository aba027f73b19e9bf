/*
 * job.c: the envelope of work that leaves an event loop. A request hands
 * job_submit() its endpoint's type (what to run where) and its own data;
 * the job then goes to the slow thread (type->slow), the writer
 * (type->run, inside a group commit) and back to the request's worker,
 * where job_finish() answers it exactly once and frees it; a detached job
 * answers nobody and is freed where it ends. The envelope
 * knows nothing of any endpoint: each keeps its fields in its own struct.
 */
#include <stdlib.h>

#include "techtankd.h"

enum job_stage { JOB_NEW, JOB_SLOW, JOB_WRITE, JOB_REPLY };

/*
 * Send the job on to its next stage. An error set on the slow thread skips
 * the writer: there is nothing to write for a refused request.
 */
void
job_next(struct job *job)
{
	switch (job->stage) {
	case JOB_NEW:
		if (job->type->slow != NULL) {
			job->stage = JOB_SLOW;
			slow_submit(job);
			return;
		}
		/* FALLTHROUGH */
	case JOB_SLOW:
		if (job->type->run != NULL && job->err.status == 0) {
			job->stage = JOB_WRITE;
			writer_submit(job);
			return;
		}
		/* FALLTHROUGH */
	default:
		job->stage = JOB_REPLY;
		if (job->hr == NULL)
			job_free(job);	/* detached: nobody to answer */
		else
			worker_hand_back(job->hr->w, job);
	}
}

/* Queue work for a request; data (owned, freed by data_free) is its own. */
void
job_submit(struct http_req *hr, const struct job_type *type, void *data,
    void (*data_free)(void *))
{
	struct job	*job = xcalloc(1, sizeof *job);

	job->type = type;
	job->hr = hr;
	job->data = data;
	job->data_free = data_free;
	job->stage = JOB_NEW;
	hr->w->pending++;
	job_next(job);
}

/*
 * Queue work that outlives the request that asked for it (a print job,
 * which the page polls): no request is answered, and the job is freed
 * where its last stage ends.
 */
void
job_submit_detached(const struct job_type *type, void *data,
    void (*data_free)(void *))
{
	struct job	*job = xcalloc(1, sizeof *job);

	job->type = type;
	job->data = data;
	job->data_free = data_free;
	job->stage = JOB_NEW;
	job_next(job);
}

void
job_free(struct job *job)
{
	if (job == NULL)
		return;
	if (job->data_free != NULL)
		job->data_free(job->data);
	json_decref(job->answer);
	store_error_clear(&job->err);
	free(job);
}

/*
 * On the request's worker, once the job is on disk (or refused): answer
 * it, with the store's error when there is one, and free it.
 */
void
job_finish(struct job *job)
{
	struct http_req	*hr = job->hr;

	hr->w->pending--;
	if (job->err.status != 0)
		http_reply_store_error(hr, &job->err);
	else if (job->type->done != NULL)
		job->type->done(job);
	else {
		http_reply_json(hr, job->status ? job->status : 200,
		    job->answer);
		job->answer = NULL;
	}
	job_free(job);
}

/* A job that will never be answered (a forced stop): free its request. */
void
job_abandon(struct job *job)
{
	http_req_free(job->hr);
	job_free(job);
}
