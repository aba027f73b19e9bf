/*
 * api-door.c: the door when the network fails. GET
 * /api/v1/checkpoints/{id}/sync is the copy a door page keeps of its
 * checkpoint (whole, or ?since=CURSOR for what changed), read, sealed and
 * compressed on the slow thread with a connection of its own, as an XLSX
 * export is, so that 10,000 rows never hold up a worker's loop
 * (door-sync.h); POST
 * /api/v1/checkins/batch uploads the scans made offline, applied by the
 * writer; GET /api/v1/admin/door-conflicts lists the people let in twice
 * while offline, for the organisers.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "techtankd.h"
#include "door-sync.h"

struct sync_work {
	char			*db_path;
	int64_t			 event;
	char			*checkpoint;
	int64_t			 since;
	int			 gzip;
	struct door_cache	*cache;		/* the server's */
	unsigned char		*out;
	size_t			 len;
	int64_t			 read_us;	/* the reading */
	int64_t			 seal_us;	/* the slow thread's work */
	int64_t			 cpu_us;	/* the processor time of both */
};

/*
 * The process's processor time, µs: what the build costs on a busy host,
 * the threads that seal a share of it included (and whatever else the
 * process does meanwhile, so it is an upper bound).
 */
static int64_t
process_cpu_usec(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
sync_work_free(void *arg)
{
	struct sync_work	*sw = arg;

	free(sw->db_path);
	free(sw->checkpoint);
	free(sw->out);
	free(sw);
}

/* On the slow thread: 10,000 passes read, sealed and compressed. */
static void
sync_seal(struct job *job)
{
	struct sync_work	*sw = job->data;
	struct door_copy	*copy;
	struct store		*st;
	char			*cause = NULL;
	int64_t			 t0 = timefmt_now_usec(), t1;
	int64_t			 cpu0 = process_cpu_usec();

	if ((st = store_open(sw->db_path, 0, &cause)) == NULL) {
		log_warnx("door copy: %s", cause ? cause : "no database");
		free(cause);
		store_error_set(&job->err, 500, "internal", "the database "
		    "could not be read; please try again");
		return;
	}
	copy = store_door_copy(st, sw->event, sw->checkpoint, sw->since,
	    &job->err);
	store_close(st);
	if (copy == NULL)
		return;		/* job->err is the answer */
	t1 = timefmt_now_usec();
	sw->read_us = t1 - t0;
	if (sw->gzip)
		sw->out = door_copy_gzip(copy, sw->cache, &sw->len);
	else
		sw->out = (unsigned char *)door_copy_json(copy, &sw->len);
	door_copy_free(copy);
	if (sw->out == NULL)
		store_error_set(&job->err, 500, "internal", "the door copy "
		    "could not be made");
	sw->seal_us = timefmt_now_usec() - t1;
	sw->cpu_us = process_cpu_usec() - cpu0;
}

static void
sync_done(struct job *job)
{
	struct sync_work	*sw = job->data;
	struct http_req		*hr = job->hr;
	struct evbuffer		*body;
	char			 timing[128];

	body = evbuffer_new();
	evbuffer_add_reference(body, sw->out, sw->len,
	    (evbuffer_ref_cleanup_cb)(void (*)(void))free, NULL);
	sw->out = NULL;
	/* For the benchmark: the whole of it, and its two parts. */
	snprintf(timing, sizeof timing, "build;dur=%.1f, read;dur=%.1f, "
	    "seal;dur=%.1f, cpu;dur=%.1f",
	    (double)(timefmt_now_usec() - hr->t0) / 1000.0,
	    (double)sw->read_us / 1000.0, (double)sw->seal_us / 1000.0,
	    (double)sw->cpu_us / 1000.0);
	http_header(hr, "Server-Timing", timing);
	http_header(hr, "Cache-Control", "no-store");
	http_header(hr, "Vary", "Accept-Encoding");
	if (sw->gzip)
		http_header(hr, "Content-Encoding", "gzip");
	http_reply_data(hr, 200, "application/json; charset=utf-8", body);
}

static const struct job_type sync_job = {
	.name = "door_sync",
	.slow = sync_seal,
	.done = sync_done,
};

/* The cursor of ?since=: 0 when absent, -1 when it is no cursor. */
static int64_t
sync_since(struct http_req *hr)
{
	char	buf[24], *end;
	long long v;

	if (http_query_value(hr, "since", buf, sizeof buf) == NULL)
		return 0;
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	v = strtoll(buf, &end, 10);
	return *end != '\0' || v < 0 ? -1 : v;
}

static void
api_door_sync(struct http_req *hr)
{
	struct sync_work	*sw;
	int64_t			 event = store_current_event(hr->w->store);
	int64_t			 since;
	int			 valid;

	if (!door_crypto_available()) {
		http_reply_error(hr, 501, "door_sync_unavailable", "this "
		    "server's processor has no AES instructions, which the "
		    "door copy needs", NULL);
		return;
	}
	if ((since = sync_since(hr)) < 0) {
		http_reply_error(hr, 422, "validation_failed", "since is a "
		    "cursor from an earlier answer", json_pack("{s:s}",
		    "since", "invalid"));
		return;
	}
	/* A quick 404 here; the slow thread reads it all again. */
	if (event < 0 || (valid = store_checkpoint_valid(hr->w->store, event,
	    hr->args[0])) == 0) {
		http_reply_error(hr, 404, "not_found", event < 0 ? "there is "
		    "no current event" : "no such checkpoint", NULL);
		return;
	}
	if (valid < 0) {
		http_reply_read(hr, NULL);
		return;
	}
	sw = xcalloc(1, sizeof *sw);
	sw->db_path = xstrdup(hr->w->srv->cfg.db_path);
	sw->event = event;
	sw->checkpoint = xstrdup(hr->args[0]);
	sw->since = since;
	sw->gzip = gzip_accepted(http_input_header(hr, "Accept-Encoding"));
	sw->cache = hr->w->srv->door_cache;
	job_submit(hr, &sync_job, sw, sync_work_free);
}

struct upload {
	struct staff		 who;
	char			 address[64];
	int64_t			 event;
	struct door_upload	 u;
};

static void
upload_free(void *arg)
{
	struct upload	*up = arg;

	door_upload_clear(&up->u);
	free(up);
}

static int
upload_run(struct store *st, struct job *job)
{
	struct upload	*up = job->data;

	job->answer = store_door_upload(st, &up->who, up->event, &up->u,
	    up->address, (int64_t)time(NULL));
	if (job->answer == NULL) {
		store_error_set(&job->err, 500, "internal",
		    "the scans could not be saved");
		return -1;
	}
	return 0;
}

static const struct job_type upload_job = {
	.name = "checkin_batch",
	.run = upload_run,
};

static void
api_checkin_batch(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct upload		*up = xcalloc(1, sizeof *up);
	json_t			*body, *fields = NULL;
	size_t			 len;
	int			 rc;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL) {
		free(up);
		return;
	}
	rc = door_upload_parse(body, (int64_t)time(NULL), &up->u, &fields);
	json_decref(body);
	up->event = store_current_event(hr->w->store);
	if (rc == 0 && (up->event < 0 || store_checkpoint_valid(hr->w->store,
	    up->event, up->u.checkpoint) == 0)) {
		json_object_set_new(fields, "checkpoint", json_string(
		    "not_a_choice"));
		rc = -1;
	}
	if (rc != 0) {
		if (rc == -2)
			http_reply_error(hr, 413, "batch_too_large", "send at "
			    "most 200 scans in one upload", json_pack("{s:i}",
			    "max", DOOR_BATCH_MAX));
		else
			http_reply_error(hr, 422, "validation_failed",
			    "the upload is not complete", json_incref(fields));
		json_decref(fields);
		upload_free(up);
		return;
	}
	json_decref(fields);
	up->who = hr->who;
	http_client_address(hr, up->address, sizeof up->address);
	job_submit(hr, &upload_job, up, upload_free);
}

static void
api_door_conflicts(struct http_req *hr)
{
	int64_t	offset = http_query_int(hr, "offset", 0, INT32_MAX);
	int64_t	limit = http_query_int(hr, "limit", 50, DOOR_CONFLICTS_PAGE);

	if (offset < 0 || limit <= 0) {
		http_reply_error(hr, 422, "validation_failed", "offset and "
		    "limit are numbers", json_pack("{s:s}", offset < 0 ?
		    "offset" : "limit", "invalid"));
		return;
	}
	http_reply_read(hr, store_door_conflicts(hr->w->store,
	    store_current_event(hr->w->store), offset, limit));
}

const struct route api_door_routes[] = {
	{ .path = "/api/v1/checkpoints/*/sync", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_door_sync },
	{ .path = "/api/v1/checkins/batch", .methods = M_POST,
	  .auth = AUTH_DOOR, .handler = api_checkin_batch },
	{ .path = "/api/v1/admin/door-conflicts", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_door_conflicts },
	{ .path = NULL }
};
