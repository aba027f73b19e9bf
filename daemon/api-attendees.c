/*
 * api-attendees.c: GET /api/v1/attendees?offset=&limit=, the public
 * attendee list of the published event: confirmed attendees who agreed to
 * be listed, with name and company only (store_listed_json()), paged.
 */
#include "techtankd.h"

#define LISTED_PAGE_DEFAULT	50
#define LISTED_PAGE_MAX		200

static void
api_attendees(struct http_req *hr)
{
	int64_t	id = store_current_event(hr->w->store);
	int64_t	limit = http_query_int(hr, "limit", LISTED_PAGE_DEFAULT,
	    LISTED_PAGE_MAX);
	int64_t	offset = http_query_int(hr, "offset", 0, INT32_MAX);
	json_t	*fields = json_object();

	if (limit < 1)
		json_object_set_new(fields, "limit", json_string(
		    "out_of_range"));
	if (offset < 0)
		json_object_set_new(fields, "offset", json_string(
		    "out_of_range"));
	if (json_object_size(fields) > 0) {
		http_reply_error(hr, 422, "validation_failed", "limit is 1 to "
		    "200 and offset 0 or more", fields);
		return;
	}
	json_decref(fields);
	if (id == -1) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	http_reply_read(hr, id < 0 ? NULL : store_listed_json(hr->w->store, id,
	    offset, limit));
}

const struct route api_attendees_routes[] = {
	{ .path = "/api/v1/attendees", .methods = M_GET,
	  .handler = api_attendees },
	{ .path = NULL }
};
