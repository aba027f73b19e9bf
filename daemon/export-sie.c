/*
 * export-sie.c: the accountant's file, SIE 4 (CP437), streamed while the
 * client reads (stream.c), SIE_FILL verifications a piece, from the
 * verifications store-sie.c reads in batches:
 *	GET /api/v1/admin/events/{id}/exports/bookkeeping.se
 * A verification that does not balance (it cannot: each document's total
 * is its net and VAT) would end the transfer cut, never a file that
 * looks whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "config.h"
#include "resource.h"
#include "sie.h"
#include "techtankd.h"

#define SIE_FILL	500
#define SIE_TYPE	"text/plain; charset=IBM437"

struct sie_export {
	struct store		*st;
	int64_t			 event;
	struct sie_company	 company;
	struct sie_key		 key;
	struct sie_writer	*w;
	struct evbuffer		*out;	/* the piece being filled */
	int			 head_done;
};

static void
sie_export_free(void *arg)
{
	struct sie_export	*x = arg;

	sie_writer_free(x->w);
	free(x);
}

static int
sie_out(void *arg, const void *buf, size_t len)
{
	struct sie_export	*x = arg;

	return evbuffer_add(x->out, buf, len);
}

static int
sie_one(void *arg, const struct sie_ver *v)
{
	struct sie_export	*x = arg;

	if (sie_ver(x->w, v) != 0) {
		log_warnx("bookkeeping export of event %lld: verification %s"
		    " %lld: %s", (long long)x->event, v->series,
		    (long long)v->number, sie_error(x->w));
		return -1;
	}
	return 0;
}

static int
sie_head(struct sie_export *x)
{
	static const char *const names[SIE_ACCOUNTS] = { "Kundfordringar",
		"Intäkter, konferensavgifter", "Utgående moms",
		"Företagskonto" };
	struct sie_account	 accounts[SIE_ACCOUNTS];
	struct sie_header	 h = { 0 };
	char			 gen[16];
	struct tm		 tm;
	time_t			 now = time(NULL);

	for (int i = 0; i < SIE_ACCOUNTS; i++)
		accounts[i] = (struct sie_account){ x->company.account[i],
		    names[i] };
	gmtime_r(&now, &tm);
	strftime(gen, sizeof gen, "%Y%m%d", &tm);
	h.program = "techtankd";
	h.version = PACKAGE_VERSION;
	h.generated = gen;
	h.company = x->company.name;
	h.orgno = *x->company.orgno ? x->company.orgno : NULL;
	h.year_start = x->company.year_start;
	h.year_end = x->company.year_end;
	h.accounts = accounts;
	h.naccounts = SIE_ACCOUNTS;
	return sie_header(x->w, &h);
}

/* The next piece: 1 more to come, 0 the end, -1 failed. */
static int
sie_fill(void *arg, struct evbuffer *piece)
{
	struct sie_export	*x = arg;
	int			 n;

	x->out = piece;
	if (!x->head_done) {
		x->head_done = 1;
		if (sie_head(x) != 0)
			return -1;
	}
	if ((n = store_sie_batch(x->st, x->event, &x->company, &x->key,
	    SIE_FILL, sie_one, x)) < 0)
		return -1;
	if (n > 0)
		return 1;
	return sie_writer_finish(x->w) == 0 ? 0 : -1;
}

static const struct stream_source sie_source = {
	.fill = sie_fill,
	.free = sie_export_free,
};

static void
admin_sie(struct http_req *hr)
{
	struct sie_export	*x = xcalloc(1, sizeof *x);
	int64_t			 event = resource_id(hr->args[0]);
	char			*value;
	int			 found = event > 0 ? store_sie_company(hr->w->store,
	    event, &x->company) : 1;

	if (found != 0) {
		free(x);
		if (found < 0)
			http_reply_read(hr, NULL);
		else
			http_reply_error(hr, 404, "not_found", "no such event",
			    NULL);
		return;
	}
	x->st = hr->w->store;
	x->event = event;
	x->w = sie_writer_create(sie_out, x);
	xasprintf(&value, "attachment; filename=\"bokforing-%lld.se\"",
	    (long long)event);
	http_header(hr, "Cache-Control", "no-store");
	http_header(hr, "Content-Disposition", value);
	free(value);
	stream_reply(hr, 200, SIE_TYPE, -1, &sie_source, x);
}

const struct route export_sie_routes[] = {
	{ .path = "/api/v1/admin/events/*/exports/bookkeeping.se",
	  .methods = M_GET, .auth = AUTH_ORGANISER, .handler = admin_sie },
	{ .path = NULL }
};
