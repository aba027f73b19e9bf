/*
 * admin-outbox.c: the mail outbox for organisers.
 *	GET  /api/v1/admin/outbox[?state=queued|sending|sent|failed]
 *	     messages newest first, paged (limit, offset), with their state,
 *	     attempts, next attempt and the last error;
 *	POST /api/v1/admin/outbox/{id}/retry
 *	     a failed or waiting message queued again, due now (audited).
 * The rows are written by the server alone, across events, and never
 * edited field by field: a list and one action, not a resource table.
 */
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "resource.h"

static const char *const states[] = { "queued", "sending", "sent", "failed",
	NULL };

static void
admin_outbox_list(struct http_req *hr)
{
	struct http_list	 q;
	char			*zone;

	if (http_list_query(hr, "state", states, &q) != 0)
		return;
	zone = store_local_zone(hr->w->store);
	http_reply_read(hr, store_outbox_list(hr->w->store, q.choice, q.limit,
	    q.offset, zone));
	free(zone);
}

static int
retry_run(struct store *st, struct job *job)
{
	struct staff_op		*r = job->data;
	char			 detail[32];

	if (store_outbox_retry(st, r->id, &job->err) != 0)
		return -1;
	snprintf(detail, sizeof detail, "%lld", (long long)r->id);
	if (store_audit(st, &r->who, NULL, "outbox.retry", detail, r->address,
	    (int64_t)time(NULL)) != 0) {
		store_error_set(&job->err, 500, "internal", "the retry could "
		    "not be saved");
		return -1;
	}
	job->answer = json_pack("{s:I, s:s}", "id", (json_int_t)r->id,
	    "state", "queued");
	return 0;
}

static const struct job_type retry_job = {
	.name = "outbox.retry",
	.run = retry_run,
};

static void
admin_outbox_retry(struct http_req *hr)
{
	int64_t	 id = resource_id(hr->args[0]);

	if (id <= 0) {
		http_reply_error(hr, 404, "not_found", "no such message", NULL);
		return;
	}
	job_submit(hr, &retry_job, staff_op_new(hr, id), free);
}

const struct route admin_outbox_routes[] = {
	{ .path = "/api/v1/admin/outbox", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_outbox_list },
	{ .path = "/api/v1/admin/outbox/*/retry", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_outbox_retry },
	{ .path = NULL }
};
