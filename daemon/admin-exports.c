/*
 * admin-exports.c: the organisers' exports of an event, as CSV and XLSX:
 *
 *   GET /api/v1/admin/events/{id}/exports		what there is, linked
 *   GET .../exports/attendees.csv (.xlsx)		every attendee
 *   GET .../exports/catering.csv (.xlsx)		dietary needs per meal
 *   GET .../exports/checkins.csv (.xlsx)		check-ins and no-shows
 *   GET .../exports/sessions/{sid}/signups.csv (.xlsx)	a session's list
 *
 * ?lang=sv|en (default sv) words the header row, the values and the file's
 * name; ?sep=semicolon|comma (default semicolon, as Swedish Excel reads
 * CSV) separates the cells of a CSV. What each export holds is in
 * db/store-export.c; export-csv.c and export-xlsx.c write it.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"

void
export_req_free(struct export_req *rq)
{
	if (rq == NULL)
		return;
	store_export_of_clear(&rq->of);
	free(rq);
}

/* ?lang= and ?sep=: 0, or -1 with the answer sent. */
static int
export_params(struct http_req *hr, struct export_req *rq)
{
	const char		*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(hr->req)), *v;
	struct evkeyvalq	 params;
	json_t			*errors;

	TAILQ_INIT(&params);
	if (evhttp_parse_query_str(query ? query : "", &params) != 0) {
		http_reply_error(hr, 400, "bad_request", "malformed query",
		    NULL);
		return -1;
	}
	errors = json_object();
	rq->lang = EXPORT_SV;
	rq->sep = ';';
	if ((v = evhttp_find_header(&params, "lang")) != NULL) {
		if (strcmp(v, "en") == 0)
			rq->lang = EXPORT_EN;
		else if (strcmp(v, "sv") != 0)
			json_object_set_new(errors, "lang",
			    json_string("not_a_choice"));
	}
	if ((v = evhttp_find_header(&params, "sep")) != NULL) {
		if (strcmp(v, "comma") == 0)
			rq->sep = ',';
		else if (strcmp(v, "semicolon") != 0)
			json_object_set_new(errors, "sep",
			    json_string("not_a_choice"));
	}
	evhttp_clear_headers(&params);
	if (json_object_size(errors) > 0) {
		http_reply_error(hr, 422, "validation_failed", "some "
		    "parameters need attention", errors);
		return -1;
	}
	json_decref(errors);
	return 0;
}

/* RFC 8187: the UTF-8 name percent-encoded for filename*=. */
static char *
ext_value(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		}
	}
	*o = '\0';
	return out;
}

/*
 * The headers of an export: not to be kept by any cache (it is personal
 * data), and an attachment named after the event, the export and today's
 * date in the event's zone, plainly for every client and in UTF-8 for
 * those that read filename*.
 */
void
export_headers(struct http_req *hr, const struct export_req *rq,
    const char *ext)
{
	char	 date[16], *ascii, *utf8, *ext_utf8, *value;

	timefmt_date(time(NULL), rq->of.zone, date);
	ascii = export_filename(rq->kind, rq->of.slug, rq->of.session, date,
	    rq->lang, ext, 1);
	utf8 = export_filename(rq->kind, rq->of.slug, rq->of.session, date,
	    rq->lang, ext, 0);
	ext_utf8 = ext_value(utf8);
	xasprintf(&value, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
	    ascii, ext_utf8);
	http_header(hr, "Cache-Control", "no-store");
	http_header(hr, "Content-Disposition", value);
	free(value);
	free(ext_utf8);
	free(utf8);
	free(ascii);
}

/* The export a request names; NULL once answered. */
static struct export_req *
export_request(struct http_req *hr)
{
	struct export_req	*rq = xcalloc(1, sizeof *rq);
	int64_t			 event = route_id(hr->args[0]), session = 0;
	int			 found = 0;

	rq->kind = hr->route->data;
	if (export_per_session(rq->kind) &&
	    (session = route_id(hr->args[1])) < 0)
		event = -1;
	if (event > 0 && (found = store_export_of(hr->w->store, rq->kind,
	    event, session, &rq->of)) < 0) {
		http_reply_read(hr, NULL);
		goto fail;
	}
	if (found == 0) {
		http_reply_error(hr, 404, "not_found", export_per_session(
		    rq->kind) ? "no such session with sign-ups in this event" :
		    "no such event", NULL);
		goto fail;
	}
	if (export_params(hr, rq) != 0)
		goto fail;
	return rq;
fail:
	export_req_free(rq);
	return NULL;
}

static void
api_export_csv(struct http_req *hr)
{
	struct export_req	*rq;

	if ((rq = export_request(hr)) != NULL)
		export_csv_reply(hr, rq);
}

static void
api_export_xlsx(struct http_req *hr)
{
	struct export_req	*rq;

	if ((rq = export_request(hr)) != NULL)
		export_xlsx_reply(hr, rq);
}

static void
api_exports(struct http_req *hr)
{
	int64_t	 event = route_id(hr->args[0]);
	json_t	*list = NULL;
	int	 found = 0;

	if (event > 0)
		list = store_exports_json(hr->w->store, event, &found);
	if (found == 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	http_reply_read(hr, list);
}

const struct route admin_exports_routes[] = {
	{ .path = "/api/v1/admin/events/*/exports", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_exports },
	{ .path = "/api/v1/admin/events/*/exports/attendees.csv",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_csv, .data = &export_attendees },
	{ .path = "/api/v1/admin/events/*/exports/attendees.xlsx",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_xlsx, .data = &export_attendees },
	{ .path = "/api/v1/admin/events/*/exports/catering.csv",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_csv, .data = &export_catering },
	{ .path = "/api/v1/admin/events/*/exports/catering.xlsx",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_xlsx, .data = &export_catering },
	{ .path = "/api/v1/admin/events/*/exports/checkins.csv",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_csv, .data = &export_checkins },
	{ .path = "/api/v1/admin/events/*/exports/checkins.xlsx",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_xlsx, .data = &export_checkins },
	{ .path = "/api/v1/admin/events/*/exports/invoices.csv",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_csv, .data = &export_invoices },
	{ .path = "/api/v1/admin/events/*/exports/invoices.xlsx",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_xlsx, .data = &export_invoices },
	{ .path = "/api/v1/admin/events/*/exports/sessions/*/signups.csv",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_csv, .data = &export_signups },
	{ .path = "/api/v1/admin/events/*/exports/sessions/*/signups.xlsx",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = api_export_xlsx, .data = &export_signups },
	{ .path = NULL }
};
