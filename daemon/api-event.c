/*
 * api-event.c: the public, read-only resources: health, the event with its
 * ticket types and seats left, and the programme. The programme changes
 * only when organisers edit it, so each worker keeps its JSON for a
 * couple of seconds.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"

#define PROGRAMME_CACHE_USEC	2000000

void
api_healthz(struct http_req *hr, const char *arg)
{
	(void)arg;
	http_reply_json(hr, 200, json_pack("{s:s}", "status", "ok"));
}

void
api_event(struct http_req *hr, const char *arg)
{
	int64_t	 id = store_current_event(hr->w->store);
	json_t	*ev;

	(void)arg;
	if (id < 0 || (ev = store_event_json(hr->w->store, id)) == NULL) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	http_reply_json(hr, 200, ev);
}

static int
programme_load(struct worker *w)
{
	int64_t	 id = store_current_event(w->store);
	json_t	*p;

	if (id < 0 || (p = store_programme_json(w->store, id)) == NULL)
		return -1;
	free(w->programme);
	w->programme_loaded = timefmt_now_usec();
	w->programme = json_dumps(p, JSON_COMPACT);
	w->programme_len = strlen(w->programme);
	json_decref(p);
	return 0;
}

void
api_programme(struct http_req *hr, const char *arg)
{
	struct worker	*w = hr->w;
	struct evbuffer	*buf;

	(void)arg;
	if ((w->programme == NULL || timefmt_now_usec() - w->programme_loaded >
	    PROGRAMME_CACHE_USEC) && programme_load(w) != 0) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	buf = evbuffer_new();
	evbuffer_add(buf, w->programme, w->programme_len);
	http_header(hr, "Cache-Control", "no-cache");
	http_reply_data(hr, 200, "application/json; charset=utf-8", buf);
}
