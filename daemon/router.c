/*
 * router.c: finds the route of a request in the tables the api-*.c files
 * export (ROUTE_TABLES in techtankd.h), checks the staff role the route
 * needs, and calls its handler. A "*" in a route's path matches one
 * segment, handed to the handler in hr->args. The Allow header of a 405
 * is made from the methods of every route on the path, so adding an
 * endpoint is one function and one row in its file's table.
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

/*
 * Split a path ("/a/b") in place into NUL-separated segments ("a\0b");
 * the number of segments, or 0 for a path that is not absolute.
 */
size_t
route_split(char *path)
{
	size_t	 n = 1;
	char	*src = path, *dst = path;

	if (*src++ != '/')
		return 0;
	for (; *src != '\0'; src++)
		if (*src == '/') {
			*dst++ = '\0';
			n++;
		} else
			*dst++ = *src;
	*dst = '\0';
	return n;
}

/*
 * Whether the segments of a split path match a route's pattern; each
 * segment matched by a "*" (which never matches an empty one) goes to
 * args, at most ROUTE_ARGS_MAX of them.
 */
int
route_match(const char *pattern, char *segs, size_t nsegs, const char **args)
{
	const char	*p = pattern;
	char		*seg = segs;
	size_t		 i, len, nargs = 0;

	if (*p++ != '/')
		return 0;
	for (i = 0; i < nsegs; i++) {
		len = strcspn(p, "/");
		if (len == 1 && *p == '*') {
			if (*seg == '\0' || nargs == ROUTE_ARGS_MAX)
				return 0;
			args[nargs++] = seg;
		} else if (strlen(seg) != len || strncmp(p, seg, len) != 0)
			return 0;
		p += len;
		seg += strlen(seg) + 1;
		if (i + 1 < nsegs && *p++ != '/')
			return 0;
	}
	return *p == '\0';
}

/* The Allow header for a path served with other methods. */
static void
allow_header(struct http_req *hr, int allowed)
{
	char	buf[64] = "";

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

	if (r->secret)
		hr->log_path = r->path;
	if (r->auth != AUTH_PUBLIC &&
	    auth_staff(hr, roles[r->auth], &hr->who) != 0)
		return;
	r->handler(hr);
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
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (r = tables[t]; r->path != NULL; r++) {
			if (!route_match(r->path, hr->segs, nsegs, args))
				continue;
			allowed |= r->methods;
			if (found == NULL && (r->methods & (int)hr->method)) {
				found = r;
				memcpy(hr->args, args, sizeof args);
			}
		}
	if (found != NULL) {
		route_call(hr, found);
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
