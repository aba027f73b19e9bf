/*
 * admin-releases.c: organisers publish the draft programme as numbered
 * releases (store-release.c), for organisers only:
 *
 *	POST /api/v1/admin/events/{id}/releases		publish (201, audited)
 *	GET  /api/v1/admin/events/{id}/releases		every release, counts
 *	GET  /api/v1/admin/events/{id}/releases/{n}	one, with its changes
 *							and the attendees to tell
 *	GET  /api/v1/admin/events/{id}/schedule/draft-changes
 *							what publishing would change
 *
 * Publishing a draft that is the latest release again is 409
 * nothing_changed: an identical release would tell nobody anything.
 * Publishes run one after the other on the writer, so numbers have no gap
 * and no twin however many organisers press the button at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "store-release.h"

struct publish {
	int64_t		 event_id;
	struct staff	 who;
	char		 address[64];
};

static int
publish_run(struct store *st, struct job *job)
{
	struct publish	*p = job->data;
	json_t		*answer;
	char		 detail[96];
	int64_t		 now = (int64_t)time(NULL);

	answer = store_release_publish(st, p->event_id, p->who.name, now,
	    &job->err);
	if (answer == NULL)
		return -1;
	snprintf(detail, sizeof detail, "{\"event\":%lld,\"number\":%lld}",
	    (long long)p->event_id, (long long)json_integer_value(
	    json_object_get(json_object_get(answer, "release"), "number")));
	if (store_audit(st, &p->who, NULL, "release.publish", detail,
	    p->address, now) != 0) {
		json_decref(answer);
		return -1;
	}
	job->answer = answer;
	job->status = 201;
	return 0;
}

/* What the public is served changes with every release. */
static const struct job_type publish_job = {
	.name = "release_publish",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = publish_run,
};

/* The event of the path, which exists: its id, or -1 (answered). */
static int64_t
event_arg(struct http_req *hr)
{
	static const char	 sql[] = "SELECT 1 FROM events WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 id = resource_id(hr->args[0]);

	if (id <= 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return -1;
	}
	s = store_stmt(hr->w->store, sql);
	sqlite3_bind_int64(s, 1, id);
	rc = store_step(hr->w->store, s);
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (rc == STORE_DONE) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return -1;
	}
	return id;
}

static void
admin_release_publish(struct http_req *hr)
{
	struct publish	*p;
	int64_t		 id;

	if ((id = event_arg(hr)) < 0)
		return;
	p = xcalloc(1, sizeof *p);
	p->event_id = id;
	p->who = hr->who;
	http_client_address(hr, p->address, sizeof p->address);
	job_submit(hr, &publish_job, p, free);
}

static void
admin_release_list(struct http_req *hr)
{
	int64_t	id;

	if ((id = event_arg(hr)) >= 0)
		http_reply_read(hr, json_pack("{s:o*}", "releases",
		    store_release_list(hr->w->store, id)));
}

static void
admin_release_get(struct http_req *hr)
{
	int64_t	 id, number;
	json_t	*r;
	int	 found;

	if ((id = event_arg(hr)) < 0)
		return;
	if ((number = resource_id(hr->args[1])) <= 0) {
		http_reply_error(hr, 404, "not_found", "no such release", NULL);
		return;
	}
	r = store_release_get(hr->w->store, id, number, &found);
	if (found == 0)
		http_reply_error(hr, 404, "not_found", "no such release", NULL);
	else
		http_reply_read(hr, r);
}

static void
admin_draft_changes(struct http_req *hr)
{
	int64_t	id;

	if ((id = event_arg(hr)) >= 0)
		http_reply_read(hr, store_release_draft_changes(hr->w->store,
		    id));
}

const struct route admin_releases_routes[] = {
	{ .path = "/api/v1/admin/events/*/releases", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_release_publish },
	{ .path = "/api/v1/admin/events/*/releases", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_release_list },
	{ .path = "/api/v1/admin/events/*/releases/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_release_get },
	{ .path = "/api/v1/admin/events/*/schedule/draft-changes",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = admin_draft_changes },
	{ .path = NULL }
};
