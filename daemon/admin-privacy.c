/*
 * admin-privacy.c: an event's personal data erased (store-privacy.c), by
 * an organiser or by techtankd once the event's period after its end is
 * over.
 *
 *	GET  /api/v1/admin/events/{id}/erasure	the dry run: rows per table
 *						that would change, the period,
 *						when it falls due, what to type
 *	POST /api/v1/admin/events/{id}/erasure	{"confirm": "<the slug>"}
 *
 * The daemon's own erasure is a detached job on the writer, queued by
 * privacy_submit_due() from the checkpoint thread's timer (writer.c): at
 * start-up and every erase_check_ms, never by a request. It erases each
 * event due and not yet erased, so it is idempotent and a restart only
 * looks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "techtankd.h"
#include "store-privacy.h"

struct erase_job {
	int64_t		 event;
	struct staff	 who;
	char		 address[64];
	char		*confirm;
};

static void
erase_job_free(void *arg)
{
	struct erase_job	*ej = arg;

	if (ej == NULL)
		return;
	free(ej->confirm);
	free(ej);
}

/* The event's slug, period and end: 1, 0 for none, -1 on an error. */
static int
event_read(struct store *st, int64_t id, json_t **ev)
{
	static const char	 sql[] =
	    "SELECT slug, erase_after_days, ends_at, timezone FROM events"
	    " WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	char			 due[32];

	*ev = NULL;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		*ev = json_pack("{s:s, s:o, s:o}", "confirm", COL_TEXT(s, 0),
		    "erase_after_days", sqlite3_column_type(s, 1) ==
		    SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 1)), "erase_due_at",
		    json_null());
		if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
			timefmt_iso((time_t)(sqlite3_column_int64(s, 2) +
			    sqlite3_column_int64(s, 1) * 86400),
			    COL_TEXT(s, 3), due);
			json_object_set_new(*ev, "erase_due_at",
			    json_string(due));
		}
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

static void
admin_erasure_dry_run(struct http_req *hr)
{
	struct store		*st = hr->w->store;
	struct store_error	 err = { 0 };
	json_t			*ev = NULL, *answer = NULL;
	int64_t			 id = resource_id(hr->args[0]);
	int			 found = -1;

	if (id <= 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if (store_exec(st, "BEGIN") == 0) {
		if ((found = event_read(st, id, &ev)) == 1)
			answer = store_privacy_event(st, id, 1, &hr->who, NULL,
			    (int64_t)time(NULL), &err);
		store_exec(st, "COMMIT");
	}
	if (found == 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if (answer == NULL || found < 0) {
		json_decref(ev);
		json_decref(answer);
		store_error_clear(&err);
		http_reply_read(hr, NULL);
		return;
	}
	json_object_update(answer, ev);
	json_decref(ev);
	http_reply_json(hr, 200, answer);
}

static int
erase_run(struct store *st, struct job *job)
{
	struct erase_job	*ej = job->data;
	json_t			*ev;
	const char		*slug;

	switch (event_read(st, ej->event, &ev)) {
	case 0:
		store_error_set(&job->err, 404, "not_found", "no such event");
		return -1;
	case -1:
		store_error_set(&job->err, 500, "internal",
		    "the erasure could not be saved");
		return -1;
	}
	slug = json_string_value(json_object_get(ev, "confirm"));
	if (ej->confirm == NULL || strcmp(ej->confirm, slug) != 0) {
		store_error_set(&job->err, 422, "validation_failed",
		    "type the event's web address to confirm the erasure");
		job->err.fields = json_pack("{s:s}", "confirm",
		    ej->confirm == NULL ? "required" : "mismatch");
		json_decref(ev);
		return -1;
	}
	json_decref(ev);
	job->answer = store_privacy_event(st, ej->event, 0, &ej->who,
	    ej->address, (int64_t)time(NULL), &job->err);
	return job->answer == NULL ? -1 : 0;
}

/* A seat is no longer anyone's, but the programme's counts stay. */
static const struct job_type erase_job = {
	.name = "privacy_erase_event",
	.run = erase_run,
};

static void
admin_erasure(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct erase_job	*ej;
	json_t			*body, *confirm;
	int64_t			 id = resource_id(hr->args[0]);
	size_t			 len;

	if (id <= 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	confirm = json_object_get(body, "confirm");
	if (confirm != NULL && !json_is_string(confirm)) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed",
		    "type the event's web address to confirm the erasure",
		    json_pack("{s:s}", "confirm", "invalid"));
		return;
	}
	ej = xcalloc(1, sizeof *ej);
	ej->event = id;
	ej->who = hr->who;
	if (confirm != NULL)
		ej->confirm = xstrdup(json_string_value(confirm));
	json_decref(body);
	http_client_address(hr, ej->address, sizeof ej->address);
	job_submit(hr, &erase_job, ej, erase_job_free);
}

/* techtankd's own erasure of every event due: each in its own savepoint. */
static int
due_run(struct store *st, struct job *job)
{
	struct store_error	 err = { 0 };
	int64_t			*events, now = (int64_t)time(NULL);
	size_t			 n;
	json_t			*done;

	(void)job;
	if (store_privacy_due(st, now, &events, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (store_run(st, "SAVEPOINT erase") != 0)
			break;
		done = store_privacy_event(st, events[i], 0, NULL, NULL, now,
		    &err);
		if (done == NULL) {
			log_warnx("erasing event %lld: %s", (long long)events[i],
			    err.message);
			store_error_clear(&err);
			if (store_run(st, "ROLLBACK TO erase") != 0)
				break;
		} else
			log_info("erased the personal data of event %lld",
			    (long long)events[i]);
		json_decref(done);
		if (store_run(st, "RELEASE erase") != 0)
			break;
	}
	free(events);
	return 0;
}

static const struct job_type due_job = {
	.name = "privacy_due",
	.run = due_run,
};

/* Queue techtankd's look for events due (from any thread). */
void
privacy_submit_due(void)
{
	job_submit_detached(&due_job, NULL, NULL);
}

const struct route admin_privacy_routes[] = {
	{ .path = "/api/v1/admin/events/*/erasure", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_erasure_dry_run },
	{ .path = "/api/v1/admin/events/*/erasure", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_erasure },
	{ .path = NULL }
};
