/*
 * api-passes.c: an attendee's pass as PDF or PNG, for the holder of the
 * registration's manage link:
 * GET /api/v1/registrations/{token}/attendees/{id}/pass.pdf (and .png).
 * Only confirmed attendees of that registration have a pass.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "badges.h"
#include "techtankd.h"

static cairo_status_t
buffer_write(void *closure, const unsigned char *data, unsigned int len)
{
	return evbuffer_add(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
pass_reply(struct http_req *hr, const char *arg, enum badge_format fmt)
{
	struct store		*st = hr->w->store;
	struct badge_people	 people = { 0 };
	struct badge_event	 ev;
	struct evbuffer		*buf;
	char			 token[TOKEN_MANAGE_LEN + 1], *end, *cause = NULL;
	const char		*rest;
	int64_t			 id, reg, event_id = -1;
	size_t			 n = strcspn(arg, "/");

	/* arg is "{token}/attendees/{id}/pass.xxx": the router checked it. */
	rest = arg + n + strlen("/attendees/");
	id = strtoll(rest, &end, 10);
	if (n > TOKEN_MANAGE_LEN || *end != '/' || id <= 0)
		goto missing;
	memcpy(token, arg, n);
	token[n] = '\0';
	if (!token_manage_valid(token) ||
	    (reg = store_registration_by_token(st, token)) < 0 ||
	    store_attendee_registration(st, id, &event_id) != reg)
		goto missing;
	if (store_badge_people(st, event_id, BADGE_IDS, &id, 1, &people,
	    &cause) != 0) {
		free(cause);
		http_reply_error(hr, 409, "no_pass", "only confirmed attendees "
		    "have a pass", NULL);
		return;
	}
	if (store_badge_event(st, event_id, &ev) != 0) {
		store_badge_people_clear(&people);
		goto missing;
	}
	buf = evbuffer_new();
	if (badge_pass_stream(&ev, &people.v[0], fmt, buffer_write, buf,
	    &cause) != 0) {
		evbuffer_free(buf);
		log_warnx("pass for attendee %lld: %s", (long long)id, cause);
		free(cause);
		http_reply_error(hr, 500, "internal", "the pass could not be "
		    "drawn", NULL);
	} else {
		http_header(hr, "Cache-Control", "no-store");
		http_header(hr, "Content-Disposition", fmt == BADGE_PDF ?
		    "inline; filename=\"pass.pdf\"" :
		    "inline; filename=\"pass.png\"");
		http_reply_data(hr, 200, fmt == BADGE_PDF ? "application/pdf" :
		    "image/png", buf);
	}
	store_badge_event_clear(&ev);
	store_badge_people_clear(&people);
	return;
missing:
	http_reply_error(hr, 404, "not_found", "no such pass", NULL);
}

void
api_pass_pdf(struct http_req *hr, const char *arg)
{
	pass_reply(hr, arg, BADGE_PDF);
}

void
api_pass_png(struct http_req *hr, const char *arg)
{
	pass_reply(hr, arg, BADGE_PNG);
}
