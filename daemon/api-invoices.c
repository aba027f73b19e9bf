/*
 * api-invoices.c: the invoices and credit notes of store-invoice.c.
 *	GET /api/v1/registrations/{token}/invoices/{number}.pdf[?lang=en]
 *	     a document of the registration, for the holder of its link (the
 *	     contact's: a colleague's personal link shows no one's invoice);
 *	GET /api/v1/admin/events/{id}/invoices[?state=unpaid|partly_paid|
 *	     overdue|paid|overpaid|credit]
 *	     the event's documents, newest first, paged (limit, offset),
 *	     with what was paid of each and what it still wants;
 *	GET /api/v1/admin/invoices/{number}.pdf[?lang=en]
 *	     any document, for organisers;
 *	POST /api/v1/admin/invoices/{number}/payments
 *	     {"amount_ore"?, "paid_on"?}: marked paid by hand (by default,
 *	     what it still wants, today);
 *	POST /api/v1/admin/invoices/{number}/reminder
 *	     a reminder of an unpaid invoice mailed to the payer (the outbox);
 *	POST /api/v1/admin/bank-files
 *	     the bank's BgMax file (text/plain or application/octet-stream,
 *	     up to BGMAX_FILE_MAX: the body limit is raised for this path),
 *	     read whole or refused whole (422 naming the line and field), each
 *	     payment matched by its OCR reference; the same file again books
 *	     nothing;
 *	GET /api/v1/admin/payments/unmatched
 *	     payments that matched no invoice.
 * The PDF is drawn on the slow thread (badges/invoice.c) from the document
 * as it was issued, in the registration's language unless ?lang= says.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "badges.h"
#include "bgmax.h"
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

static const char *const invoice_states[] = { "unpaid", "partly_paid",
	"overdue", "paid", "overpaid", "credit", NULL };

static void
admin_invoices(struct http_req *hr)
{
	int64_t			 event = resource_id(hr->args[0]);
	struct http_list	 q;

	if (event <= 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	if (http_list_query(hr, "state", invoice_states, &q) != 0)
		return;
	http_reply_read(hr, store_invoices_event_json(hr->w->store, event,
	    q.choice, (int64_t)time(NULL), q.limit, q.offset));
}

/* An invoice marked paid, on the writer. */
struct paid_req {
	int64_t		 number;
	int64_t		 amount;
	char		 paid_on[16];	/* "": today */
	char		*zone;
	struct staff	 who;
	char		 address[64];
};

static void
paid_req_free(void *arg)
{
	struct paid_req	*p = arg;

	free(p->zone);
	free(p);
}

static int
paid_run(struct store *st, struct job *job)
{
	struct paid_req	*p = job->data;

	return store_payment_mark(st, p->number, p->amount, *p->paid_on ?
	    p->paid_on : NULL, p->zone, &p->who, p->address,
	    (int64_t)time(NULL), &job->answer, &job->err);
}

static const struct job_type paid_job = {
	.name = "invoice.paid",
	.run = paid_run,
};

static void
admin_invoice_paid(struct http_req *hr)
{
	int64_t		 number = resource_id(hr->args[0]);
	const unsigned char *bytes;
	size_t		 len;
	json_t		*body, *v;
	struct paid_req	*p;

	if (number <= 0) {
		http_reply_error(hr, 404, "not_found", "no such invoice", NULL);
		return;
	}
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	p = xcalloc(1, sizeof *p);
	p->number = number;
	v = json_object_get(body, "amount_ore");
	if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
	    json_integer_value(v) <= 0 || json_integer_value(v) > INT32_MAX)) {
		json_decref(body);
		paid_req_free(p);
		http_reply_error(hr, 422, "validation_failed", "amount_ore is a "
		    "whole number of öre above zero", json_pack("{s:s}",
		    "amount_ore", "out_of_range"));
		return;
	}
	p->amount = json_integer_value(v);
	v = json_object_get(body, "paid_on");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || json_string_length(v) >= sizeof
		    p->paid_on || json_string_length(v) == 0) {
			json_decref(body);
			paid_req_free(p);
			http_reply_error(hr, 422, "validation_failed", "paid_on "
			    "is a date, YYYY-MM-DD", json_pack("{s:s}",
			    "paid_on", "invalid"));
			return;
		}
		snprintf(p->paid_on, sizeof p->paid_on, "%s",
		    json_string_value(v));
	}
	json_decref(body);
	p->zone = store_local_zone(hr->w->store);
	p->who = hr->who;
	http_client_address(hr, p->address, sizeof p->address);
	job_submit(hr, &paid_job, p, paid_req_free);
}

/* A reminder queued on the writer (a staff_op of the invoice number). */
static int
remind_run(struct store *st, struct job *job)
{
	struct staff_op	*r = job->data;

	return store_invoice_remind(st, r->id, &r->who, r->address,
	    (int64_t)time(NULL), &job->answer, &job->err);
}

static const struct job_type remind_job = {
	.name = "invoice.reminder",
	.run = remind_run,
};

static void
admin_invoice_remind(struct http_req *hr)
{
	int64_t	 number = resource_id(hr->args[0]);

	if (number <= 0) {
		http_reply_error(hr, 404, "not_found", "no such invoice", NULL);
		return;
	}
	job_submit(hr, &remind_job, staff_op_new(hr, number), free);
}

#define BANK_FILE_PATH	"/api/v1/admin/bank-files"

/* Whether a request target is the bank file's upload (conn.c's limit). */
int
bank_file_path(const char *target)
{
	size_t	n = strlen(BANK_FILE_PATH);

	return target != NULL && strncmp(target, BANK_FILE_PATH, n) == 0 &&
	    (target[n] == ' ' || target[n] == '?' || target[n] == '\0');
}

/* A bank file read on the worker, booked on the writer. */
struct bank_req {
	struct bgmax_file	*file;
	struct staff		 who;
	char			 address[64];
};

static void
bank_req_free(void *arg)
{
	struct bank_req	*b = arg;

	bgmax_free(b->file);
	free(b);
}

static int
bank_run(struct store *st, struct job *job)
{
	struct bank_req	*b = job->data;
	int		 rc;

	rc = store_bank_file_book(st, b->file, &b->who, b->address,
	    (int64_t)time(NULL), &job->answer, &job->err);
	if (rc == 0 && !json_is_true(json_object_get(job->answer,
	    "duplicate")))
		job->status = 201;
	return rc;
}

static const struct job_type bank_job = {
	.name = "bank_file",
	.run = bank_run,
};

static int
bank_type(const char *type)
{
	static const char *const ok[] = { "text/plain",
		"application/octet-stream", NULL };

	if (type == NULL)
		return 0;
	for (size_t i = 0; ok[i] != NULL; i++) {
		size_t	n = strlen(ok[i]);

		if (strncasecmp(type, ok[i], n) == 0 && (type[n] == '\0' ||
		    type[n] == ';' || type[n] == ' '))
			return 1;
	}
	return 0;
}

static void
admin_bank_file(struct http_req *hr)
{
	struct evbuffer		*in = evhttp_request_get_input_buffer(hr->req);
	size_t			 len = evbuffer_get_length(in);
	struct bgmax_error	 err = { 0 };
	struct bank_req		*b;
	struct bgmax_file	*f;

	if (!bank_type(http_input_header(hr, "Content-Type"))) {
		http_reply_error(hr, 415, "unsupported_media_type", "send the "
		    "file as text/plain or application/octet-stream", NULL);
		return;
	}
	if (len > BGMAX_FILE_MAX) {
		http_reply_error(hr, 413, "payload_too_large", "the file is "
		    "larger than 16 MB", NULL);
		return;
	}
	if ((f = bgmax_parse(evbuffer_pullup(in, -1), len, &err)) == NULL) {
		json_t	*fields = json_pack("{s:s, s:I}", "code", err.code,
		    "line", (json_int_t)err.line);

		if (err.field != NULL)
			json_object_set_new(fields, "field",
			    json_string(err.field));
		http_reply_error(hr, 422, err.code, "the file is not a whole "
		    "BgMax file: nothing was booked", fields);
		return;
	}
	b = xcalloc(1, sizeof *b);
	b->file = f;
	b->who = hr->who;
	http_client_address(hr, b->address, sizeof b->address);
	job_submit(hr, &bank_job, b, bank_req_free);
}

static void
admin_unmatched(struct http_req *hr)
{
	http_reply_read(hr, store_payments_unmatched(hr->w->store));
}

const struct route api_invoices_routes[] = {
	{ .path = "/api/v1/registrations/*/invoices/*", .methods = M_GET,
	  .secret = 1, .handler = api_invoice_pdf },
	{ .path = "/api/v1/admin/events/*/invoices", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_invoices },
	{ .path = "/api/v1/admin/invoices/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_invoice_pdf },
	{ .path = "/api/v1/admin/invoices/*/payments", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_invoice_paid },
	{ .path = "/api/v1/admin/invoices/*/reminder", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_invoice_remind },
	/* BANK_FILE_PATH, written out: the fuzzer reads the literals. */
	{ .path = "/api/v1/admin/bank-files", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_bank_file },
	{ .path = "/api/v1/admin/payments/unmatched", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_unmatched },
	{ .path = NULL }
};
