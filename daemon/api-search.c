/*
 * api-search.c: GET /api/v1/attendees/search?q=: the door finds a person
 * who forgot the badge by name, case and accents folded (text_fold()).
 */
#include <sys/queue.h>

#include <string.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"

static void
api_attendee_search(struct http_req *hr)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(hr->req);
	const char		*query = evhttp_uri_get_query(uri);
	struct evkeyvalq	 params;
	const char		*q;
	json_t			*list;

	TAILQ_INIT(&params);
	if (evhttp_parse_query_str(query ? query : "", &params) != 0 ||
	    (q = evhttp_find_header(&params, "q")) == NULL ||
	    !utf8_valid(q, strlen(q)) || utf8_count(q) < 2 ||
	    strlen(q) > SEARCH_MAX_BYTES) {
		evhttp_clear_headers(&params);
		http_reply_error(hr, 422, "validation_failed", "search with "
		    "two to 100 characters of a name", json_pack("{s:s}",
		    "q", "out_of_range"));
		return;
	}
	list = store_attendee_search(hr->w->store, store_current_event(
	    hr->w->store), q);
	evhttp_clear_headers(&params);
	http_reply_read(hr, list ? json_pack("{s:o}", "attendees", list) :
	    NULL);
}

const struct route api_search_routes[] = {
	{ .path = "/api/v1/attendees/search", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_attendee_search },
	{ .path = NULL }
};
