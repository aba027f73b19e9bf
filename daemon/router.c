/*
 * router.c: the table of every route. A pattern ending in "*" matches one
 * more path segment, which the handler gets as its argument. Adding an
 * endpoint is one line here and one function in its api-*.c file.
 */
#include <string.h>

#include "techtankd.h"

#define M_GET		(EVHTTP_REQ_GET | EVHTTP_REQ_HEAD)
#define M_POST		EVHTTP_REQ_POST
#define M_DELETE	EVHTTP_REQ_DELETE

struct route {
	const char	*pattern;
	int		 methods;
	void		(*handler)(struct http_req *, const char *);
	const char	*allow;		/* for 405 */
};

static const struct route routes[] = {
	{ "/healthz", M_GET, api_healthz, "GET, HEAD" },
	{ "/api/v1/event", M_GET, api_event, "GET, HEAD" },
	{ "/api/v1/programme", M_GET, api_programme, "GET, HEAD" },
	{ "/api/v1/registrations", M_POST, api_registration_create, "POST" },
	{ "/api/v1/registrations/*", M_GET, api_registration_get,
	    "GET, HEAD, DELETE" },
	{ "/api/v1/registrations/*", M_DELETE, api_registration_cancel,
	    "GET, HEAD, DELETE" },
};

/* Whether path matches pattern; *arg gets the segment matched by "*". */
static int
route_match(const char *pattern, const char *path, const char **arg)
{
	size_t	len = strlen(pattern);

	*arg = NULL;
	if (pattern[len - 1] != '*')
		return strcmp(pattern, path) == 0;
	len--;
	if (strncmp(pattern, path, len) != 0 || path[len] == '\0' ||
	    strchr(path + len, '/') != NULL)
		return 0;
	*arg = path + len;
	return 1;
}

void
router_dispatch(struct http_req *hr)
{
	const char	*arg, *allow = NULL;

	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!route_match(routes[i].pattern, hr->path, &arg))
			continue;
		if (routes[i].methods & (int)hr->method) {
			routes[i].handler(hr, arg);
			return;
		}
		allow = routes[i].allow;
	}
	if (allow != NULL) {
		http_header(hr, "Allow", allow);
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
		http_header(hr, "Allow", "GET, HEAD");
		http_reply_error(hr, 405, "method_not_allowed",
		    "pages can only be read", NULL);
		return;
	}
	static_serve(hr, NULL);
}
