/*
 * admin-imports.c: the organisers' imports of an event from CSV:
 *
 *   POST /api/v1/admin/events/{id}/imports/attendees[?dry_run=1]
 *   POST /api/v1/admin/events/{id}/imports/speakers[?dry_run=1]
 *
 * The body is the file (text/csv, up to CSV_FILE_MAX; the connection's
 * body limit is raised for these paths alone, see import_path()). With
 * dry_run=1 the answer is the preview: every row with its values, the
 * status it would get and its errors, nothing written. Without it, a file
 * with any error gets 422 with the rows that need attention; a clean one
 * goes to the writer as one job, so that it is written whole or not at
 * all (store-import.c), and is audited once with its counts.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "techtankd.h"
#include "import.h"

#define IMPORT_PATH_PREFIX	"/api/v1/admin/events/"

struct import_job {
	struct import	*imp;
	struct staff	 who;
	char		 address[64];
};

static void
import_job_free(void *arg)
{
	struct import_job	*ij = arg;

	import_free(ij->imp);
	free(ij);
}

/*
 * The target of a request (with or without a query) is an import's: its
 * body may be a whole file. Read before the body, to set its limit.
 */
int
import_path(const char *target)
{
	const char	*p;

	if (target == NULL || strncmp(target, IMPORT_PATH_PREFIX,
	    strlen(IMPORT_PATH_PREFIX)) != 0)
		return 0;
	p = target + strlen(IMPORT_PATH_PREFIX);
	p += strspn(p, "0123456789");
	return strncmp(p, "/imports/", 9) == 0;
}

/* text/csv, or text/plain as some browsers send a .csv, with parameters. */
static int
csv_type(const char *type)
{
	static const char *const types[] = { "text/csv", "text/plain",
	    "application/csv", "application/vnd.ms-excel", NULL };

	if (type == NULL)
		return 0;
	for (const char *const *t = types; *t != NULL; t++) {
		size_t	len = strlen(*t);

		if (strncasecmp(type, *t, len) == 0 && (type[len] == '\0' ||
		    type[len] == ';' || type[len] == ' '))
			return 1;
	}
	return 0;
}

/* ?dry_run=1 (or true): 1, 0 without; -1 with the answer sent. */
static int
dry_run_param(struct http_req *hr)
{
	const char		*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(hr->req)), *v;
	struct evkeyvalq	 params;
	int			 dry = 0;

	TAILQ_INIT(&params);
	if (evhttp_parse_query_str(query ? query : "", &params) != 0) {
		http_reply_error(hr, 400, "bad_request", "malformed query",
		    NULL);
		return -1;
	}
	if ((v = evhttp_find_header(&params, "dry_run")) != NULL) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
			dry = 1;
		else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
			dry = -1;
	}
	evhttp_clear_headers(&params);
	if (dry < 0)
		http_reply_error(hr, 422, "validation_failed", "dry_run is 1 "
		    "or 0", json_pack("{s:s}", "dry_run", "not_a_choice"));
	return dry;
}

static int
import_run(struct store *st, struct job *job)
{
	struct import_job	*ij = job->data;

	if (store_import_write(st, ij->imp, &ij->who, ij->address,
	    &job->err) != 0)
		return -1;
	job->changed_programme = import_has_signups(ij->imp);
	job->status = 201;
	job->answer = import_result_json(ij->imp);
	return 0;
}

static const struct job_type import_job = {
	.name = "import",
	.run = import_run,
};

static void
admin_import(struct http_req *hr)
{
	const enum import_kind	*kind = hr->route->data;
	struct evbuffer		*in = evhttp_request_get_input_buffer(hr->req);
	int64_t			 event = resource_id(hr->args[0]);
	struct store_error	 err = { 0 };
	struct import_job	*ij;
	struct import		*imp;
	size_t			 len = evbuffer_get_length(in);
	int			 dry;

	if (event < 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if ((dry = dry_run_param(hr)) < 0)
		return;
	if (!csv_type(http_input_header(hr, "Content-Type"))) {
		http_reply_error(hr, 415, "unsupported_media_type",
		    "send the file as text/csv", NULL);
		return;
	}
	if (len > CSV_FILE_MAX) {
		http_reply_error(hr, 413, "payload_too_large",
		    "the file is larger than 5 MB", NULL);
		return;
	}
	imp = import_parse(hr->w->store, *kind, event,
	    (const char *)evbuffer_pullup(in, -1), len, &err);
	if (imp == NULL) {
		http_reply_store_error(hr, &err);
		store_error_clear(&err);
		return;
	}
	if (dry) {
		http_reply_json(hr, 200, import_preview_json(imp));
		import_free(imp);
		return;
	}
	if (!import_valid(imp)) {
		import_error(imp, &err);
		http_reply_store_error(hr, &err);
		store_error_clear(&err);
		import_free(imp);
		return;
	}
	ij = xcalloc(1, sizeof *ij);
	ij->imp = imp;
	ij->who = hr->who;
	http_client_address(hr, ij->address, sizeof ij->address);
	job_submit(hr, &import_job, ij, import_job_free);
}

static const enum import_kind attendees_kind = IMPORT_ATTENDEES;
static const enum import_kind speakers_kind = IMPORT_SPEAKERS;

const struct route admin_imports_routes[] = {
	{ .path = "/api/v1/admin/events/*/imports/attendees",
	  .methods = M_POST, .auth = AUTH_ORGANISER, .handler = admin_import,
	  .data = &attendees_kind },
	{ .path = "/api/v1/admin/events/*/imports/speakers",
	  .methods = M_POST, .auth = AUTH_ORGANISER, .handler = admin_import,
	  .data = &speakers_kind },
	{ .path = NULL }
};
