/*
 * admin-dashboard.c: GET /api/v1/admin/dashboard[?event=ID] (the current
 * event by default): the live figures of an event (store-dashboard.c).
 * Pages poll it; each worker keeps the last answer for DASHBOARD_CACHE_MS,
 * so a room full of dashboards costs the database one reading a second per
 * worker, and a change shows within that time. After a commit the answer
 * is read again once it is DASHBOARD_FRESH_MS old, so an organiser who has
 * just registered someone sees it on the next look, while a registration
 * rush still costs at most one reading per worker every tenth of a second.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "techtankd.h"

#define DASHBOARD_CACHE_MS	1000
#define DASHBOARD_FRESH_MS	100

/* One per worker, touched only by its own thread. */
static struct dashboard_cache {
	int64_t	 event_id;
	int64_t	 at;		/* µs, monotonic */
	uint64_t generation;	/* writer_commit_generation() when read */
	char	*json;
	size_t	 len;
} caches[THREADS_MAX];

/* The event asked for: ?event=ID, else the current one; -1 none, -2 error. */
static int64_t
dashboard_event(struct http_req *hr)
{
	const char		*q = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(hr->req)), *v;
	struct evkeyvalq	 params;
	char			*end;
	int64_t			 id = -1;

	TAILQ_INIT(&params);
	if (q != NULL && evhttp_parse_query_str(q, &params) == 0 &&
	    (v = evhttp_find_header(&params, "event")) != NULL) {
		id = strtoll(v, &end, 10);
		if (*v < '1' || *v > '9' || *end != '\0')
			id = -1;
		evhttp_clear_headers(&params);
		return id;
	}
	evhttp_clear_headers(&params);
	return store_current_event(hr->w->store);
}

static void
api_dashboard(struct http_req *hr)
{
	struct dashboard_cache	*c = &caches[hr->w->index];
	int64_t			 id = dashboard_event(hr), now, age;
	uint64_t		 generation = writer_commit_generation();
	struct evbuffer		*buf;
	json_t			*d;
	char			*text;

	if (id == -2) {
		http_reply_read(hr, NULL);
		return;
	}
	if (id < 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return;
	}
	now = timefmt_now_usec();
	age = now - c->at;
	if (c->json == NULL || c->event_id != id ||
	    age > DASHBOARD_CACHE_MS * 1000 ||
	    (c->generation != generation && age > DASHBOARD_FRESH_MS * 1000)) {
		if ((d = store_dashboard_json(hr->w->store, id)) == NULL) {
			http_reply_error(hr, 404, "not_found", "no such event",
			    NULL);
			return;
		}
		text = json_dumps(d, JSON_COMPACT);
		json_decref(d);
		if (text == NULL) {
			http_reply_read(hr, NULL);
			return;
		}
		free(c->json);
		c->json = text;
		c->len = strlen(text);
		c->event_id = id;
		c->at = now;
		c->generation = generation;
	}
	buf = evbuffer_new();
	evbuffer_add(buf, c->json, c->len);
	http_header(hr, "Cache-Control", "no-store");
	http_reply_data(hr, 200, "application/json; charset=utf-8", buf);
}

const struct route admin_dashboard_routes[] = {
	{ .path = "/api/v1/admin/dashboard", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_dashboard },
	{ .path = NULL }
};
