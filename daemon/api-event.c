/*
 * api-event.c: the public, read-only resources: health, the event with its
 * ticket types and seats left, and the programme: the latest release of
 * it (store-release.c) with the seats left now, or the event with nothing
 * in it and "release": null before the first. Each worker keeps the
 * programme's JSON until the writer commits a change to what it shows
 * (writer_programme_generation(): a release, a seat taken or freed), so
 * an answer is never stale.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"
#include "store-release.h"

static void
api_healthz(struct http_req *hr)
{
	http_reply_json(hr, 200, json_pack("{s:s}", "status", "ok"));
}

static void
api_event(struct http_req *hr)
{
	int64_t	 id = store_current_event(hr->w->store);

	if (id == -1) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	http_reply_read(hr, id < 0 ? NULL : store_event_json(hr->w->store,
	    id));
}

#define PROGRAMME_TYPE	"application/json; charset=utf-8"

/* The programme's own fields (quick.c sends them too). */
static const char *const programme_fields[][2] = {
	{ "Cache-Control", "no-cache" },
};

/*
 * Read the programme again: 0, -1 when there is no event, -2 when the
 * database failed. The generation is taken before the read, so a change
 * committed meanwhile makes the next request read once more.
 */
static int
programme_load(struct worker *w, uint64_t generation)
{
	int64_t	 id = store_current_event(w->store);
	char	*text;
	int	 unchanged;

	if (id < 0)
		return (int)id;
	if (w->release == NULL)
		w->release = store_release_cache_create();
	text = store_release_public(w->store, id, w->release, &unchanged);
	if (text == NULL && unchanged && w->programme != NULL) {
		w->programme_generation = generation;
		return 0;
	}
	if (text == NULL)
		return -2;
	free(w->programme);
	free(w->programme_head);
	w->programme = text;
	w->programme_len = strlen(text);
	w->programme_head = http_kept_head(programme_fields, 1,
	    PROGRAMME_TYPE, w->programme_len, &w->programme_head_len);
	w->programme_generation = generation;
	return 0;
}

/* The programme of now: 0, or as programme_load(). */
static int
programme_current(struct worker *w)
{
	uint64_t	generation = writer_programme_generation();

	if (w->programme == NULL || w->programme_generation != generation)
		return programme_load(w, generation);
	return 0;
}

/* The programme for quick.c: 0, or -1 to leave the request to evhttp. */
int
programme_quick(struct worker *w, struct quick_file *qf)
{
	if (programme_current(w) != 0)
		return -1;
	qf->head = w->programme_head;
	qf->head_len = w->programme_head_len;
	qf->body = w->programme;
	qf->len = w->programme_len;
	return 0;
}

static void
api_programme(struct http_req *hr)
{
	struct worker	*w = hr->w;
	struct evbuffer	*buf;
	int		 rc = programme_current(w);

	if (rc == -1) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	if (rc != 0) {
		http_reply_read(hr, NULL);
		return;
	}
	buf = evbuffer_new();
	evbuffer_add(buf, w->programme, w->programme_len);
	http_header(hr, programme_fields[0][0], programme_fields[0][1]);
	http_reply_data(hr, 200, PROGRAMME_TYPE, buf);
}

const struct route api_event_routes[] = {
	{ .path = "/healthz", .methods = M_GET, .handler = api_healthz },
	{ .path = "/api/v1/event", .methods = M_GET, .handler = api_event },
	{ .path = "/api/v1/programme", .methods = M_GET,
	  .handler = api_programme },
	{ .path = NULL }
};
