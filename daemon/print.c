/*
 * print.c: print jobs for the console: name tags (every confirmed
 * attendee, those never printed, or chosen ones), one tag for a walk-in,
 * an attendee's pass, or the programme, drawn as PDF on the slow thread
 * while the page polls how far it is. A job outlives the request that
 * made it: the slow thread draws it in turns of PRINT_SLICE tags, from a
 * read connection of its own, into memory; the job keeps its PDF until it
 * has been PRINT_JOB_TTL seconds finished. At most PRINT_JOBS_ACTIVE jobs
 * wait or are drawn at once and PRINT_JOBS_MAX are kept, so memory is
 * bounded by PRINT_JOBS_MAX PDFs of PRINT_TAGS_MAX tags.
 *
 * The table is shared by every worker and the slow thread: a job's state,
 * progress and PDF change under its lock only. The slow thread alone
 * touches what it draws with (the connection, the sheet).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "badges.h"
#include "techtankd.h"
#include "store-release.h"

struct pdf_buf {
	unsigned char	*p;
	size_t		 len, cap;
};

struct print_job {
	int64_t			 id;
	struct print_order	 o;
	int			 refs;		/* the table, the slow thread */

	/* Under the table's lock. */
	enum print_state	 state;
	size_t			 done, total;
	const char		*error;		/* a code, when failed */
	int64_t			 finished;	/* µs, monotonic enough */
	int64_t			*printed;	/* the attendees on the tags */
	size_t			 nprinted;

	/* The slow thread's own while drawing. */
	struct store		*st;
	struct badge_event	 ev;
	struct badge_people	 people;
	struct badge_sheet	*sheet;
	struct pdf_buf		 out;
	int			 begun;
};

static struct {
	pthread_mutex_t		 lock;
	struct print_job	*v[PRINT_JOBS_MAX];
	int64_t			 next_id;
} pt = { .lock = PTHREAD_MUTEX_INITIALIZER, .next_id = 1 };

static const char *const kind_names[] = {
	[PRINT_TAGS] = "tags", [PRINT_WALK_IN] = "walk_in",
	[PRINT_PASS] = "pass", [PRINT_PROGRAMME] = "programme",
};
static const char *const state_names[] = {
	[PRINT_QUEUED] = "queued", [PRINT_RUNNING] = "running",
	[PRINT_DONE] = "done", [PRINT_FAILED] = "failed",
};

const char *
print_kind_name(enum print_kind k)
{
	return kind_names[k];
}

void
print_order_clear(struct print_order *o)
{
	free(o->ids);
	free(o->first_name);
	free(o->last_name);
	free(o->company);
	free(o->role);
	free(o->db_path);
	memset(o, 0, sizeof *o);
}

static void
job_release(struct print_job *pj)
{
	int	last;

	pthread_mutex_lock(&pt.lock);
	last = --pj->refs == 0;
	pthread_mutex_unlock(&pt.lock);
	if (!last)
		return;
	if (pj->sheet != NULL)
		badge_sheet_finish(pj->sheet, NULL);
	store_badge_people_clear(&pj->people);
	store_badge_event_clear(&pj->ev);
	store_close(pj->st);
	free(pj->out.p);
	free(pj->printed);
	print_order_clear(&pj->o);
	free(pj);
}

static int
finished(const struct print_job *pj)
{
	return pj->state == PRINT_DONE || pj->state == PRINT_FAILED;
}

/* Under the lock: forget jobs finished PRINT_JOB_TTL ago. */
static void
sweep(int64_t now, struct print_job **gone, size_t *ngone)
{
	for (size_t i = 0; i < PRINT_JOBS_MAX; i++) {
		struct print_job	*pj = pt.v[i];

		if (pj != NULL && finished(pj) && now - pj->finished >
		    (int64_t)PRINT_JOB_TTL * 1000000) {
			gone[(*ngone)++] = pj;
			pt.v[i] = NULL;
		}
	}
}

/*
 * Under the lock: a free slot, making one from the job finished longest
 * ago when the table is full; -1 when every kept job is still active.
 */
static int
free_slot(struct print_job **gone, size_t *ngone, int *active)
{
	int	slot = -1, oldest = -1;

	*active = 0;
	for (int i = 0; i < PRINT_JOBS_MAX; i++) {
		struct print_job	*pj = pt.v[i];

		if (pj == NULL) {
			if (slot == -1)
				slot = i;
		} else if (!finished(pj))
			(*active)++;
		else if (oldest == -1 || pj->finished <
		    pt.v[oldest]->finished)
			oldest = i;
	}
	if (slot == -1 && oldest != -1) {
		gone[(*ngone)++] = pt.v[oldest];
		pt.v[oldest] = NULL;
		slot = oldest;
	}
	return slot;
}

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf_buf	*b = closure;

	if (len > PRINT_PDF_MAX - b->len)
		return CAIRO_STATUS_WRITE_ERROR;
	if (b->len + len > b->cap) {
		b->cap = b->cap * 2 > b->len + len ? b->cap * 2 :
		    b->len + len + 65536;
		b->p = xreallocarray(b->p, 1, b->cap);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

static void
set_progress(struct print_job *pj, enum print_state state, size_t done,
    size_t total)
{
	pthread_mutex_lock(&pt.lock);
	pj->state = state;
	pj->done = done;
	pj->total = total;
	pthread_mutex_unlock(&pt.lock);
}

static void
set_failed(struct print_job *pj, const char *code, const char *cause)
{
	log_warnx("print job %lld (%s): %s", (long long)pj->id,
	    kind_names[pj->o.kind], cause ? cause : code);
	pthread_mutex_lock(&pt.lock);
	pj->state = PRINT_FAILED;
	pj->error = code;
	pj->finished = timefmt_now_usec();
	pthread_mutex_unlock(&pt.lock);
}

/* The PDF is complete: hand it to the table. */
static void
set_done(struct print_job *pj)
{
	int64_t	*ids = NULL;

	if (pj->o.kind == PRINT_TAGS && pj->people.n > 0) {
		ids = xreallocarray(NULL, pj->people.n, sizeof *ids);
		for (size_t i = 0; i < pj->people.n; i++)
			ids[i] = pj->people.v[i].id;
	}
	pthread_mutex_lock(&pt.lock);
	pj->state = PRINT_DONE;
	pj->done = pj->total;
	pj->printed = ids;
	pj->nprinted = ids != NULL ? pj->people.n : 0;
	pj->finished = timefmt_now_usec();
	pthread_mutex_unlock(&pt.lock);
}

/* The first turn: the connection, the event and who is on the tags. */
static int
print_begin(struct print_job *pj)
{
	struct print_order	*o = &pj->o;
	char			*cause = NULL;
	int			 rc = -1;

	pj->begun = 1;
	if ((pj->st = store_open(o->db_path, 0, &cause)) == NULL) {
		set_failed(pj, "read_failed", cause);
		goto out;
	}
	if (store_badge_event(pj->st, o->event_id, &pj->ev) != 0) {
		set_failed(pj, "read_failed", "cannot read the event");
		goto out;
	}
	switch (o->kind) {
	case PRINT_TAGS:
	case PRINT_PASS:
		if (store_badge_people(pj->st, o->event_id, o->kind ==
		    PRINT_PASS ? BADGE_IDS : o->select, o->ids, o->nids,
		    &pj->people, &cause) != 0) {
			set_failed(pj, "read_failed", cause);
			goto out;
		}
		if (pj->people.n > PRINT_TAGS_MAX || pj->people.n == 0) {
			set_failed(pj, pj->people.n ? "too_many" :
			    "nothing_to_print", NULL);
			goto out;
		}
		break;
	case PRINT_WALK_IN:
		pj->people.v = xcalloc(1, sizeof *pj->people.v);
		pj->people.n = 1;
		pj->people.v->first_name = xstrdup(o->first_name);
		pj->people.v->last_name = xstrdup(o->last_name);
		pj->people.v->company = xstrdup(o->company);
		pj->people.v->role = xstrdup(o->role);
		pj->people.v->ticket_type = xstrdup("");
		pj->people.v->pass_code = xstrdup("");
		pj->people.v->marks = xstrdup("");
		break;
	case PRINT_PROGRAMME:
		break;
	}
	if (o->kind == PRINT_TAGS || o->kind == PRINT_WALK_IN)
		pj->sheet = badge_sheet_create(o->layout, &pj->ev, 0, 0,
		    pdf_write, &pj->out);
	set_progress(pj, PRINT_RUNNING, 0, o->kind == PRINT_TAGS ||
	    o->kind == PRINT_WALK_IN ? pj->people.n : 1);
	rc = 0;
out:
	free(cause);
	return rc;
}

/* A pass or the programme: one turn. */
static int
print_document(struct print_job *pj, char **cause)
{
	json_t	*programme;
	int	 rc;

	if (pj->o.kind == PRINT_PASS)
		return badge_pass_stream(&pj->ev, &pj->people.v[0], BADGE_PDF,
		    pdf_write, &pj->out, cause);
	if ((programme = store_release_printed(pj->st, pj->o.event_id)) ==
	    NULL) {
		xasprintf(cause, "cannot read the programme");
		return -1;
	}
	rc = badge_programme_stream(&pj->ev, programme, pj->o.lang, pdf_write,
	    &pj->out, cause);
	json_decref(programme);
	return rc;
}

/* On the slow thread: a turn of PRINT_SLICE tags, or the whole document. */
static void
print_slow(struct job *job)
{
	struct print_job	*pj = job->data;
	char			*cause = NULL;
	size_t			 done;

	if (!pj->begun && print_begin(pj) != 0)
		return;
	if (pj->sheet == NULL) {
		if (print_document(pj, &cause) != 0)
			set_failed(pj, "draw_failed", cause);
		else
			set_done(pj);
		free(cause);
		return;
	}
	/* Only this thread changes done: reading it needs no lock. */
	done = pj->done;
	for (size_t i = 0; i < PRINT_SLICE && done < pj->people.n; i++)
		badge_sheet_add(pj->sheet, &pj->people.v[done++]);
	if (done < pj->people.n) {
		set_progress(pj, PRINT_RUNNING, done, pj->people.n);
		job->again = 1;
		return;
	}
	if (badge_sheet_finish(pj->sheet, &cause) != 0)
		set_failed(pj, "draw_failed", cause);
	else
		set_done(pj);
	pj->sheet = NULL;
	free(cause);
}

/* The envelope is freed on the slow thread: what it drew with goes too. */
static void
print_slow_free(void *arg)
{
	struct print_job	*pj = arg;

	if (!finished(pj))
		set_failed(pj, "stopped", "the daemon stopped");
	if (pj->sheet != NULL) {
		badge_sheet_finish(pj->sheet, NULL);
		pj->sheet = NULL;
	}
	store_close(pj->st);
	pj->st = NULL;
	job_release(pj);
}

static const struct job_type print_job_type = {
	.name = "print",
	.slow = print_slow,
};

/*
 * Queue an order (taken over, cleared on return) as a job of the user's:
 * its id, or -1 when PRINT_JOBS_ACTIVE jobs wait or are drawn already.
 */
int64_t
print_submit(struct print_order *o)
{
	struct print_job	*pj, *gone[PRINT_JOBS_MAX];
	size_t			 ngone = 0;
	int			 slot, active;
	int64_t			 id = -1;

	pthread_mutex_lock(&pt.lock);
	sweep(timefmt_now_usec(), gone, &ngone);
	slot = free_slot(gone, &ngone, &active);
	if (slot >= 0 && active < PRINT_JOBS_ACTIVE) {
		pj = xcalloc(1, sizeof *pj);
		pj->id = id = pt.next_id++;
		pj->o = *o;
		memset(o, 0, sizeof *o);
		pj->refs = 2;
		pj->state = PRINT_QUEUED;
		pj->total = pj->o.total;
		pt.v[slot] = pj;
	}
	pthread_mutex_unlock(&pt.lock);
	for (size_t i = 0; i < ngone; i++)
		job_release(gone[i]);
	if (id < 0) {
		print_order_clear(o);
		return -1;
	}
	job_submit_detached(&print_job_type, pj, print_slow_free);
	return id;
}

/* Under the lock: the user's job of that id, or NULL. */
static struct print_job *
find(int64_t id, int64_t owner)
{
	for (size_t i = 0; i < PRINT_JOBS_MAX; i++)
		if (pt.v[i] != NULL && pt.v[i]->id == id &&
		    pt.v[i]->o.owner == owner)
			return pt.v[i];
	return NULL;
}

static json_t *
job_json(const struct print_job *pj)
{
	json_t	*j = json_pack("{s:I, s:s, s:s, s:I, s:I}", "id",
	    (json_int_t)pj->id, "kind", kind_names[pj->o.kind], "state",
	    state_names[pj->state], "done", (json_int_t)pj->done, "total",
	    (json_int_t)pj->total);

	json_object_set_new(j, "layout", pj->o.layout != NULL ?
	    json_string(pj->o.layout->name) : json_null());
	json_object_set_new(j, "event_id", json_integer(pj->o.event_id));
	if (pj->error != NULL)
		json_object_set_new(j, "error", json_string(pj->error));
	return j;
}

/* The user's job as the API shows it, or NULL when there is none. */
json_t *
print_status(int64_t id, int64_t owner)
{
	struct print_job	*pj, *gone[PRINT_JOBS_MAX];
	size_t			 ngone = 0;
	json_t			*j = NULL;

	pthread_mutex_lock(&pt.lock);
	sweep(timefmt_now_usec(), gone, &ngone);
	if ((pj = find(id, owner)) != NULL)
		j = job_json(pj);
	pthread_mutex_unlock(&pt.lock);
	for (size_t i = 0; i < ngone; i++)
		job_release(gone[i]);
	return j;
}

/*
 * A finished job's PDF, copied into out, with what it holds: the kind,
 * its layout's name, the attendees on its tags (owned by the caller).
 * Returns the job's state (PRINT_DONE: out holds the PDF), or -1 when the
 * user has no such job.
 */
int
print_result(int64_t id, int64_t owner, struct print_fetch *f)
{
	struct print_job	*pj;
	int			 state = -1;

	memset(f, 0, sizeof *f);
	pthread_mutex_lock(&pt.lock);
	if ((pj = find(id, owner)) != NULL) {
		state = (int)pj->state;
		f->kind = pj->o.kind;
		f->event_id = pj->o.event_id;
		f->error = pj->error;
		if (pj->o.layout != NULL)
			snprintf(f->layout, sizeof f->layout, "%s",
			    pj->o.layout->name);
	}
	if (pj != NULL && pj->state == PRINT_DONE) {
		f->pdf = evbuffer_new();
		evbuffer_add(f->pdf, pj->out.p, pj->out.len);
		if (pj->nprinted > 0) {
			f->ids = xreallocarray(NULL, pj->nprinted,
			    sizeof *f->ids);
			memcpy(f->ids, pj->printed, pj->nprinted *
			    sizeof *f->ids);
			f->nids = pj->nprinted;
		}
	}
	pthread_mutex_unlock(&pt.lock);
	return state;
}

void
print_fetch_clear(struct print_fetch *f)
{
	if (f->pdf != NULL)
		evbuffer_free(f->pdf);
	free(f->ids);
	memset(f, 0, sizeof *f);
}

/* Once the slow thread has stopped: forget every job. */
void
print_stop(void)
{
	for (size_t i = 0; i < PRINT_JOBS_MAX; i++) {
		if (pt.v[i] != NULL)
			job_release(pt.v[i]);
		pt.v[i] = NULL;
	}
}
