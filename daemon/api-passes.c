/*
 * api-passes.c: an attendee's pass as PDF or PNG, for the holder of the
 * registration's manage link (or of the attendee's personal one):
 * GET /api/v1/registrations/{token}/attendees/{id}/pass.pdf (and .png).
 * Only confirmed attendees of that registration have a pass. Downloads
 * are named after the person; .../qr.svg is the code alone, for the page.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "badges.h"
#include "techtankd.h"
#include "store-change.h"

static cairo_status_t
buffer_write(void *closure, const unsigned char *data, unsigned int len)
{
	return evbuffer_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/* What the slow thread needs to draw a pass, and what it drew. */
struct pass_work {
	struct badge_people	 people;
	struct badge_event	 event;
	enum badge_format	 fmt;
	struct evbuffer		*out;
	char			*cause;
	char			*name;		/* the download's: "pass Åsa ..." */
	int			 ok;
};

static void
pass_work_free(void *arg)
{
	struct pass_work	*pw = arg;

	store_badge_people_clear(&pw->people);
	store_badge_event_clear(&pw->event);
	if (pw->out != NULL)
		evbuffer_free(pw->out);
	free(pw->cause);
	free(pw->name);
	free(pw);
}

/* On the slow thread: the PNG encoder alone takes tens of milliseconds. */
static void
pass_render(struct job *job)
{
	struct pass_work	*pw = job->data;

	pw->out = evbuffer_new();
	pw->ok = badge_pass_stream(&pw->event, &pw->people.v[0], pw->fmt,
	    buffer_write, pw->out, &pw->cause) == 0;
}

static void
pass_done(struct job *job)
{
	struct pass_work	*pw = job->data;
	struct http_req		*hr = job->hr;

	if (!pw->ok) {
		log_warnx("pass for attendee %lld: %s",
		    (long long)pw->people.v[0].id, pw->cause ? pw->cause : "?");
		http_reply_error(hr, 500, "internal", "the pass could not be "
		    "drawn", NULL);
		return;
	}
	http_header(hr, "Cache-Control", "no-store");
	http_disposition(hr, "inline", pw->name, pw->fmt == BADGE_PDF ? "pdf" :
	    "png");
	http_reply_data(hr, 200, pw->fmt == BADGE_PDF ? "application/pdf" :
	    "image/png", pw->out);
	pw->out = NULL;
}

static const struct job_type pass_job = {
	.name = "pass",
	.slow = pass_render,
	.done = pass_done,
};

/*
 * The confirmed attendee hr->args names (the manage token and the id),
 * in *people; -1 once an error has been answered: 404 for a token or id
 * that does not go together, 409 when the attendee has no pass.
 */
static int
pass_person(struct http_req *hr, struct badge_people *people,
    int64_t *event_id)
{
	struct store		*st = hr->w->store;
	const char		*token = hr->args[0];
	char			*end, *cause = NULL;
	struct manage_link	 link;
	int64_t			 id, owner = -1;
	int			 found;

	id = strtoll(hr->args[1], &end, 10);
	if (*end != '\0' || id <= 0 || !token_manage_valid(token))
		goto missing;
	found = store_manage_link(st, token, &link);
	if (found == 1)
		owner = store_attendee_registration(st, id, event_id);
	if (found < 0 || owner == -2) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (found == 0 || owner != link.registration ||
	    (link.attendee != 0 && link.attendee != id))
		goto missing;
	if (store_badge_people(st, *event_id, BADGE_IDS, &id, 1, people,
	    &cause) != 0 || people->n != 1 || people->v[0].pass_code == NULL) {
		free(cause);
		store_badge_people_clear(people);
		http_reply_error(hr, 409, "no_pass", "only confirmed attendees "
		    "have a pass", NULL);
		return -1;
	}
	return 0;
missing:
	http_reply_error(hr, 404, "not_found", "no such pass", NULL);
	return -1;
}

/* hr->args: the manage token and the attendee id. */
static void
pass_reply(struct http_req *hr, enum badge_format fmt)
{
	struct pass_work	*pw = xcalloc(1, sizeof *pw);
	int64_t			 event_id = -1;

	pw->fmt = fmt;
	if (pass_person(hr, &pw->people, &event_id) != 0) {
		pass_work_free(pw);
		return;
	}
	if (store_badge_event(hr->w->store, event_id, &pw->event) != 0) {
		pass_work_free(pw);
		http_reply_error(hr, 404, "not_found", "no such pass", NULL);
		return;
	}
	xasprintf(&pw->name, "pass %s %s", pw->people.v[0].first_name,
	    pw->people.v[0].last_name);
	job_submit(hr, &pass_job, pw, pass_work_free);
}

/*
 * A pass code as a QR code in SVG, for a page to show (the confirmation
 * page, the door's tag): small and quick, so drawn here rather than on
 * the slow thread.
 */
void
http_reply_qr_svg(struct http_req *hr, const char *code)
{
	struct evbuffer	*buf;
	char		*svg = qr_svg(code);

	if (svg == NULL) {
		http_reply_error(hr, 500, "internal", "the code could not be "
		    "drawn", NULL);
		return;
	}
	buf = evbuffer_new();
	evbuffer_add_reference(buf, svg, strlen(svg),
	    (evbuffer_ref_cleanup_cb)(void (*)(void))free, NULL);
	http_header(hr, "Cache-Control", "no-store");
	http_reply_data(hr, 200, "image/svg+xml", buf);
}

static void
api_pass_qr(struct http_req *hr)
{
	struct badge_people	 people = { 0 };
	int64_t			 event_id = -1;

	if (pass_person(hr, &people, &event_id) != 0)
		return;
	http_reply_qr_svg(hr, people.v[0].pass_code);
	store_badge_people_clear(&people);
}

static void
api_pass_pdf(struct http_req *hr)
{
	pass_reply(hr, BADGE_PDF);
}

static void
api_pass_png(struct http_req *hr)
{
	pass_reply(hr, BADGE_PNG);
}

const struct route api_passes_routes[] = {
	{ .path = "/api/v1/registrations/*/attendees/*/pass.pdf",
	  .methods = M_GET, .secret = 1, .handler = api_pass_pdf },
	{ .path = "/api/v1/registrations/*/attendees/*/pass.png",
	  .methods = M_GET, .secret = 1, .handler = api_pass_png },
	{ .path = "/api/v1/registrations/*/attendees/*/qr.svg",
	  .methods = M_GET, .secret = 1, .handler = api_pass_qr },
	{ .path = NULL }
};
