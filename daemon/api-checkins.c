/*
 * api-checkins.c: the door. GET /api/v1/checkpoints, POST /api/v1/checkins
 * (a scan, by pass code or by attendee id from a name search), DELETE
 * /api/v1/checkins/{id} (organisers undo a mistake) and GET
 * /api/v1/checkins/stats. Scans are written by the writer and answered
 * once on disk, like registrations.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"

/*
 * The checkpoints, and the current event's id (null when there is none:
 * the door then has no copy to keep).
 */
static void
api_checkpoints(struct http_req *hr)
{
	int64_t	 event = store_current_event(hr->w->store);
	json_t	*list = event == -2 ? NULL :
	    store_checkpoints(hr->w->store, event);

	http_reply_read(hr, list ? json_pack("{s:o, s:o}", "checkpoints", list,
	    "event", event > 0 ? json_integer(event) : json_null()) : NULL);
}

/* A scan as the door sent it, checked. */
struct scan {
	struct staff	 who;
	char		 address[64];
	char		*code;		/* or */
	int64_t		 attendee_id;
	char		*checkpoint;
	char		*nonce;
};

static void
scan_free(void *arg)
{
	struct scan	*sc = arg;

	free(sc->code);
	free(sc->checkpoint);
	free(sc->nonce);
	free(sc);
}

static int
checkin_run(struct store *st, struct job *job)
{
	struct scan	*sc = job->data;

	job->answer = store_checkin(st, &sc->who, sc->code, sc->attendee_id,
	    sc->checkpoint, sc->nonce, sc->address, (int64_t)time(NULL));
	if (job->answer == NULL) {
		store_error_set(&job->err, 500, "internal",
		    "the scan could not be saved");
		return -1;
	}
	return 0;
}

static const struct job_type checkin_job = {
	.name = "checkin",
	.run = checkin_run,
};

static void
api_checkin(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct scan_input	 in;
	struct scan		*sc;
	json_t			*body, *fields;
	size_t			 len;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	fields = scan_parse(body, &in);
	/* A database error here is checked again, and fails, in the writer. */
	if (json_object_size(fields) == 0 && store_checkpoint_valid(
	    hr->w->store, store_current_event(hr->w->store), in.checkpoint) == 0)
		json_object_set_new(fields, "checkpoint", json_string(
		    "not_a_choice"));
	if (json_object_size(fields) > 0) {
		json_decref(body);
		http_reply_error(hr, 422, "validation_failed",
		    "the scan is not complete", fields);
		return;
	}
	json_decref(fields);
	sc = xcalloc(1, sizeof *sc);
	sc->who = hr->who;
	http_client_address(hr, sc->address, sizeof sc->address);
	if (in.code != NULL) {
		/*
		 * Scanners add blanks; people type codes with the pass's
		 * groups, in either case, with 0 for O and 1 for I.
		 */
		sc->code = token_pass_code_normalise(in.code);
	} else
		sc->attendee_id = in.attendee_id;
	sc->checkpoint = xstrdup(in.checkpoint);
	if (in.nonce != NULL)
		sc->nonce = xstrdup(in.nonce);
	json_decref(body);
	job_submit(hr, &checkin_job, sc, scan_free);
}

struct undo {
	struct staff	 who;
	char		 address[64];
	int64_t		 checkin_id;
};

static int
undo_run(struct store *st, struct job *job)
{
	struct undo	*u = job->data;

	switch (store_checkin_undo(st, &u->who, u->checkin_id, u->address,
	    (int64_t)time(NULL))) {
	case 0:
		break;
	case -1:
		store_error_set(&job->err, 404, "not_found",
		    "no such check-in, or already undone");
		return -1;
	default:
		return -1;	/* the writer answers 500 */
	}
	job->answer = json_pack("{s:I}", "undone", (json_int_t)u->checkin_id);
	return 0;
}

static const struct job_type undo_job = {
	.name = "checkin_undo",
	.run = undo_run,
};

static void
api_checkin_undo(struct http_req *hr)
{
	struct undo	*u;
	char		*end;
	long long	 id = strtoll(hr->args[0], &end, 10);

	if (*end != '\0' || id <= 0 || !isdigit((unsigned char)hr->args[0][0])) {
		http_reply_error(hr, 404, "not_found", "no such check-in",
		    NULL);
		return;
	}
	u = xcalloc(1, sizeof *u);
	u->who = hr->who;
	u->checkin_id = id;
	http_client_address(hr, u->address, sizeof u->address);
	job_submit(hr, &undo_job, u, free);
}

static void
api_checkin_stats(struct http_req *hr)
{
	http_reply_read(hr, store_checkin_stats(hr->w->store,
	    store_current_event(hr->w->store)));
}

const struct route api_checkins_routes[] = {
	{ .path = "/api/v1/checkpoints", .methods = M_GET, .auth = AUTH_DOOR,
	  .handler = api_checkpoints },
	{ .path = "/api/v1/checkins", .methods = M_POST, .auth = AUTH_DOOR,
	  .handler = api_checkin },
	{ .path = "/api/v1/checkins/stats", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_checkin_stats },
	{ .path = "/api/v1/checkins/*", .methods = M_DELETE,
	  .auth = AUTH_ORGANISER, .handler = api_checkin_undo },
	{ .path = NULL }
};
