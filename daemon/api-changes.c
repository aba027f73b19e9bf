/*
 * api-changes.c: what changed in the public programme, release by release
 * (store-release.c), for everyone:
 *
 *	GET /api/v1/programme/changes		JSON: the latest release, its
 *						changes, and every release's
 *	GET /api/v1/programme/changes.atom	the same as an Atom feed,
 *						?lang=sv (the default) or en
 *
 * Both name only what releases published: no draft, no attendee.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"
#include "store-release.h"

/* The history of the event the public sees, or NULL (answered). */
static json_t *
history(struct http_req *hr)
{
	int64_t	 id = store_current_event(hr->w->store);
	json_t	*h;

	if (id == -1) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return NULL;
	}
	if (id < 0 || (h = store_release_history(hr->w->store, id)) == NULL) {
		http_reply_read(hr, NULL);
		return NULL;
	}
	return h;
}

static void
api_changes(struct http_req *hr)
{
	json_t	*h;

	if ((h = history(hr)) == NULL)
		return;
	http_header(hr, "Cache-Control", "no-cache");
	http_reply_json(hr, 200, h);
}

static void
api_changes_atom(struct http_req *hr)
{
	char		 lang[8];
	json_t		*h;

	if (http_query_value(hr, "lang", lang, sizeof lang) == NULL)
		snprintf(lang, sizeof lang, "sv");
	if (!atom_lang_ok(lang)) {
		http_reply_error(hr, 422, "validation_failed", "lang is sv or "
		    "en", json_pack("{s:s}", "lang", "not_a_choice"));
		return;
	}
	if ((h = history(hr)) == NULL)
		return;
	http_header(hr, "Cache-Control", "no-cache");
	http_reply_data(hr, 200, "application/atom+xml; charset=utf-8",
	    atom_feed(h, hr->w->srv->cfg.public_url, lang));
	json_decref(h);
}

const struct route api_changes_routes[] = {
	{ .path = "/api/v1/programme/changes", .methods = M_GET,
	  .handler = api_changes },
	{ .path = "/api/v1/programme/changes.atom", .methods = M_GET,
	  .handler = api_changes_atom },
	{ .path = NULL }
};
