/*
 * api-search.c: GET /api/v1/attendees/search?q=&checkpoint=: the door
 * finds a person who forgot the badge by name or company, case and accents
 * folded (text_fold()), through the search the organisers' attendee list
 * uses (store-search.c), with what each may do at the checkpoint (the
 * main entrance unless named).
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
	const char		*q, *cp;
	json_t			*list;
	int64_t			 event = store_current_event(hr->w->store);
	int			 valid;

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
	if ((cp = evhttp_find_header(&params, "checkpoint")) == NULL)
		cp = "main";
	if ((valid = store_checkpoint_valid(hr->w->store, event, cp)) != 1) {
		evhttp_clear_headers(&params);
		if (valid < 0)
			http_reply_read(hr, NULL);
		else
			http_reply_error(hr, 422, "validation_failed", "no such "
			    "checkpoint", json_pack("{s:s}", "checkpoint",
			    "not_a_choice"));
		return;
	}
	list = store_attendee_search(hr->w->store, event, q, cp);
	evhttp_clear_headers(&params);
	http_reply_read(hr, list ? json_pack("{s:o}", "attendees", list) :
	    NULL);
}

const struct route api_search_routes[] = {
	{ .path = "/api/v1/attendees/search", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_attendee_search },
	{ .path = NULL }
};
