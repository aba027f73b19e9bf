/*
 * router.c: finds the route of a request in the tables the api-*.c files
 * export (ROUTE_TABLES in techtankd.h), checks the staff role the route
 * needs, and calls its handler. A "*" in a route's path matches one
 * segment, handed to the handler in hr->args. The Allow header of a 405
 * is made from the methods of every route on the path, so adding an
 * endpoint is one function and one row in its file's table. A method
 * evhttp does not know (it arrives as a bit of its own) is 501, with the
 * same Allow: the client learns what would work.
 */
#include <stdio.h>
#include <string.h>

#include "techtankd.h"

static const struct route *const tables[] = {
#define ROUTE_TABLE_ENTRY(name) name##_routes,
	ROUTE_TABLES(ROUTE_TABLE_ENTRY)
};

static const struct {
	int		 bit;
	const char	*name;
} methods[] = {
	{ EVHTTP_REQ_GET, "GET" }, { EVHTTP_REQ_HEAD, "HEAD" },
	{ EVHTTP_REQ_POST, "POST" }, { EVHTTP_REQ_PUT, "PUT" },
	{ EVHTTP_REQ_PATCH, "PATCH" }, { EVHTTP_REQ_DELETE, "DELETE" },
};

/* The methods of RFC 9110 that evhttp names; any other bit is unknown. */
#define M_KNOWN	(EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | \
	EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | \
	EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH)

/* The Allow header for a path served with other methods. */
static void
allow_header(struct http_req *hr, int allowed)
{
	char	buf[64] = "";

	if (allowed == 0)
		return;

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (allowed & methods[i].bit)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "%s%s", buf[0] ? ", " : "", methods[i].name);
	http_header(hr, "Allow", buf);
}

static void
route_call(struct http_req *hr, const struct route *r)
{
	static const char	*roles[] = {
		[AUTH_DOOR] = "door", [AUTH_ORGANISER] = "organiser" };

	hr->route = r;
	if (r->secret)
		hr->log_path = r->path;
	if (r->auth != AUTH_PUBLIC &&
	    auth_staff(hr, roles[r->auth], &hr->who) != 0)
		return;
	r->handler(hr);
}

/*
 * An API path no route serves is logged with its secrets masked: a
 * manage token or an invitation code in a path under a secret route,
 * asked for with another method or with more segments, stays out of the
 * log too. Its path is needed no more.
 */
static void
mask_unrouted(struct http_req *hr)
{
	size_t	len = strlen(hr->path_buf) + sizeof "<token>";

	hr->path_buf = xreallocarray(hr->path_buf, len, 1);
	accesslog_mask(hr->path_buf, len);
	hr->path = hr->log_path = hr->path_buf;
}

void
router_dispatch(struct http_req *hr)
{
	const struct route	*r, *found = NULL;
	const char		*args[ROUTE_ARGS_MAX];
	size_t			 nsegs;
	int			 allowed = 0;

	hr->segs = xstrdup(hr->path);
	nsegs = route_split(hr->segs);
	/* The first route of the path and method serves; the methods of all
	 * the path's routes are only needed when none does (the Allow). */
	for (size_t t = 0; t < sizeof tables / sizeof tables[0] &&
	    found == NULL; t++)
		for (r = tables[t]; r->path != NULL; r++) {
			if (!route_match(r->path, hr->segs, nsegs, args))
				continue;
			allowed |= r->methods;
			if (r->methods & (int)hr->method) {
				found = r;
				memcpy(hr->args, args, sizeof args);
				break;
			}
		}
	if (found != NULL) {
		route_call(hr, found);
		return;
	}
	if (strncmp(hr->path, "/api/", 5) == 0)
		mask_unrouted(hr);
	if (!((int)hr->method & M_KNOWN)) {
		if (allowed == 0 && strncmp(hr->path, "/api/", 5) != 0)
			allowed = M_GET;	/* a page */
		allow_header(hr, allowed);
		http_reply_error(hr, 501, "not_implemented",
		    "this method is not implemented", NULL);
		return;
	}
	if (allowed != 0) {
		allow_header(hr, allowed);
		http_reply_error(hr, 405, "method_not_allowed",
		    "this method is not served on this path", NULL);
		return;
	}
	if (strncmp(hr->path, "/api/", 5) == 0) {
		http_reply_error(hr, 404, "not_found", "no such resource",
		    NULL);
		return;
	}
	if (!(hr->method & M_GET)) {
		allow_header(hr, M_GET);
		http_reply_error(hr, 405, "method_not_allowed",
		    "pages can only be read", NULL);
		return;
	}
	static_serve(hr);
}
