/*
 * api-invoices.c: the invoices and credit notes of store-invoice.c.
 *	GET /api/v1/registrations/{token}/invoices/{number}.pdf[?lang=en]
 *	     a document of the registration, for the holder of its link (the
 *	     contact's: a colleague's personal link shows no one's invoice);
 *	GET /api/v1/admin/events/{id}/invoices
 *	     the event's documents, newest first, paged (limit, offset);
 *	GET /api/v1/admin/invoices/{number}.pdf[?lang=en]
 *	     any document, for organisers.
 * The PDF is drawn on the slow thread (badges/invoice.c) from the document
 * as it was issued, in the registration's language unless ?lang= says.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "badges.h"
#include "resource.h"
#include "store-change.h"
#include "techtankd.h"

struct invoice_work {
	json_t		*doc;
	char		 lang[3];
	struct evbuffer	*out;
	char		*cause;
	int		 ok;
};

static void
invoice_work_free(void *arg)
{
	struct invoice_work	*iw = arg;

	json_decref(iw->doc);
	if (iw->out != NULL)
		evbuffer_free(iw->out);
	free(iw->cause);
	free(iw);
}

static cairo_status_t
buffer_write(void *closure, const unsigned char *data, unsigned int len)
{
	return evbuffer_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
invoice_render(struct job *job)
{
	struct invoice_work	*iw = job->data;

	iw->out = evbuffer_new();
	iw->ok = badge_invoice_stream(iw->doc, iw->lang, buffer_write, iw->out,
	    &iw->cause) == 0;
}

static void
invoice_done(struct job *job)
{
	struct invoice_work	*iw = job->data;
	struct http_req		*hr = job->hr;
	const char		*kind = json_string_value(json_object_get(
	    iw->doc, "kind"));
	char			*name;

	if (!iw->ok) {
		log_warnx("invoice %lld: %s", (long long)json_integer_value(
		    json_object_get(iw->doc, "number")), iw->cause ?
		    iw->cause : "?");
		http_reply_error(hr, 500, "internal", "the invoice could not "
		    "be drawn", NULL);
		return;
	}
	xasprintf(&name, "%s %lld", kind != NULL && strcmp(kind, "credit") ==
	    0 ? (strcmp(iw->lang, "sv") == 0 ? "kreditfaktura" :
	    "credit note") : (strcmp(iw->lang, "sv") == 0 ? "faktura" :
	    "invoice"), (long long)json_integer_value(json_object_get(iw->doc,
	    "number")));
	http_header(hr, "Cache-Control", "no-store");
	http_disposition(hr, "inline", name, "pdf");
	free(name);
	http_reply_data(hr, 200, "application/pdf", iw->out);
	iw->out = NULL;
}

static const struct job_type invoice_job = {
	.name = "invoice",
	.slow = invoice_render,
	.done = invoice_done,
};

/* "1001.pdf": the number, or -1. */
static int64_t
pdf_number(const char *arg)
{
	char		*end;
	long long	 n;

	if (*arg < '1' || *arg > '9')
		return -1;
	n = strtoll(arg, &end, 10);
	return strcmp(end, ".pdf") == 0 && n > 0 ? n : -1;
}

/* The document number of reg (0: any), drawn; answers every error. */
static void
invoice_reply(struct http_req *hr, int64_t number, int64_t reg,
    const char *lang)
{
	struct invoice_work	*iw = xcalloc(1, sizeof *iw);
	char			 buf[8];
	const char		*want = http_query_value(hr, "lang", buf,
	    sizeof buf);
	int			 found = number > 0 ? store_invoice_document(
	    hr->w->store, number, reg, &iw->doc) : 0;

	if (found <= 0) {
		invoice_work_free(iw);
		if (found < 0)
			http_reply_read(hr, NULL);
		else
			http_reply_error(hr, 404, "not_found", "no such "
			    "invoice", NULL);
		return;
	}
	if (want != NULL && strcmp(want, "sv") != 0 && strcmp(want, "en") !=
	    0) {
		invoice_work_free(iw);
		http_reply_error(hr, 422, "validation_failed", "lang is sv or "
		    "en", json_pack("{s:s}", "lang", "not_a_choice"));
		return;
	}
	snprintf(iw->lang, sizeof iw->lang, "%s", want != NULL ? want : lang);
	job_submit(hr, &invoice_job, iw, invoice_work_free);
}

static void
api_invoice_pdf(struct http_req *hr)
{
	const char		*token = hr->args[0];
	struct manage_link	 link;
	char			 lang[3] = "sv";
	int			 found = 0;

	if (token_manage_valid(token))
		found = store_manage_link(hr->w->store, token, &link);
	if (found < 0) {
		http_reply_read(hr, NULL);
		return;
	}
	/* A colleague's own link opens their registration, not its bills. */
	if (found == 0 || link.attendee != 0) {
		http_reply_error(hr, 404, "not_found", "no such invoice", NULL);
		return;
	}
	if (store_registration_lang(hr->w->store, link.registration, lang) < 0) {
		http_reply_read(hr, NULL);
		return;
	}
	invoice_reply(hr, pdf_number(hr->args[1]), link.registration, lang);
}

static void
admin_invoice_pdf(struct http_req *hr)
{
	invoice_reply(hr, pdf_number(hr->args[0]), 0, "sv");
}

static void
admin_invoices(struct http_req *hr)
{
	int64_t		 limit = http_query_int(hr, "limit",
	    RESOURCE_PAGE_DEFAULT, RESOURCE_PAGE_MAX);
	int64_t		 offset = http_query_int(hr, "offset", 0, INT32_MAX);
	char		*end;
	long long	 event = strtoll(hr->args[0], &end, 10);

	if (*hr->args[0] < '1' || *hr->args[0] > '9' || *end != '\0') {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if (limit <= 0 || offset < 0) {
		http_reply_error(hr, 422, "validation_failed", "some filters "
		    "need attention", json_pack("{s:s}", limit <= 0 ? "limit" :
		    "offset", "out_of_range"));
		return;
	}
	http_reply_read(hr, store_invoices_event_json(hr->w->store, event,
	    limit, offset));
}

const struct route api_invoices_routes[] = {
	{ .path = "/api/v1/registrations/*/invoices/*", .methods = M_GET,
	  .secret = 1, .handler = api_invoice_pdf },
	{ .path = "/api/v1/admin/events/*/invoices", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_invoices },
	{ .path = "/api/v1/admin/invoices/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_invoice_pdf },
	{ .path = NULL }
};
