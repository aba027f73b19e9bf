/*
 * api-privacy.c: an attendee's personal data through their manage link
 * (store-privacy.c). The contact's link opens the whole registration, a
 * colleague's personal link that colleague alone.
 *
 *	GET    /api/v1/registrations/{token}/data	everything stored, as
 *							a JSON attachment
 *	DELETE /api/v1/registrations/{token}/data	erase it: cancelled as a
 *							cancellation is, then
 *							every personal field
 *							overwritten; the link
 *							opens nothing after
 *
 * Erasure is allowed at any time, the change deadline notwithstanding.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "techtankd.h"
#include "store-privacy.h"

struct privacy_job {
	char			 token[TOKEN_MANAGE_LEN + 1];
	struct manage_link	 link;		/* found on the writer */
};

static void
not_found(struct http_req *hr)
{
	http_reply_error(hr, 404, "not_found", "no registration has this link",
	    NULL);
}

/* The export, read in one snapshot on the request's worker. */
static void
api_privacy_export(struct http_req *hr)
{
	struct store		*st = hr->w->store;
	struct manage_link	 link;
	json_t			*doc = NULL;
	int			 found = 0;

	if (!token_manage_valid(hr->args[0])) {
		not_found(hr);
		return;
	}
	if (store_exec(st, "BEGIN") != 0) {
		http_reply_read(hr, NULL);
		return;
	}
	if ((found = store_manage_link(st, hr->args[0], &link)) == 1)
		doc = store_privacy_export(st, &link, (int64_t)time(NULL));
	store_exec(st, "COMMIT");
	if (found == 0) {
		not_found(hr);
		return;
	}
	/* Not kept by a cache: a link's routes say so (http.c). */
	if (doc != NULL)
		http_disposition(hr, "attachment", "techtank-my-data", "json");
	http_reply_read(hr, doc);
}

static int
erase_run(struct store *st, struct job *job)
{
	struct privacy_job	*pj = job->data;

	switch (store_manage_link(st, pj->token, &pj->link)) {
	case 1:
		return store_privacy_delete(st, &pj->link, (int64_t)time(NULL),
		    &job->err);
	case 0:
		store_error_set(&job->err, 404, "not_found",
		    "no registration has this link");
		return -1;
	default:
		store_error_set(&job->err, 500, "internal",
		    "the erasure could not be saved");
		return -1;
	}
}

static void
erase_done(struct job *job)
{
	struct privacy_job	*pj = job->data;

	http_reply_json(job->hr, 200, json_pack("{s:b, s:s}", "erased", 1,
	    "link", pj->link.attendee != 0 ? "attendee" : "registration"));
}

/* Seats freed go to the waitlist, and show in the programme's sessions. */
static const struct job_type erase_job = {
	.name = "privacy_erase",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = erase_run,
	.done = erase_done,
};

static void
api_privacy_erase(struct http_req *hr)
{
	struct privacy_job	*pj;

	if (!token_manage_valid(hr->args[0])) {
		not_found(hr);
		return;
	}
	pj = xcalloc(1, sizeof *pj);
	memcpy(pj->token, hr->args[0], TOKEN_MANAGE_LEN + 1);
	job_submit(hr, &erase_job, pj, free);
}

const struct route api_privacy_routes[] = {
	{ .path = "/api/v1/registrations/*/data", .methods = M_GET,
	  .secret = 1, .handler = api_privacy_export },
	{ .path = "/api/v1/registrations/*/data", .methods = M_DELETE,
	  .secret = 1, .handler = api_privacy_erase },
	{ .path = NULL }
};
