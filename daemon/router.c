/*
 * router.c: the table of every route. A "*" in a pattern matches one path
 * segment; the handler gets the path from the first such segment on.
 * Adding an endpoint is one line here and one function in its api-*.c file.
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
	{ "/api/v1/session", M_POST, api_session_login,
	    "GET, HEAD, POST, DELETE" },
	{ "/api/v1/session", M_GET, api_session_get, "GET, HEAD, POST, DELETE" },
	{ "/api/v1/session", M_DELETE, api_session_logout,
	    "GET, HEAD, POST, DELETE" },
	{ "/api/v1/checkpoints", M_GET, api_checkpoints, "GET, HEAD" },
	{ "/api/v1/checkins", M_POST, api_checkin, "POST" },
	{ "/api/v1/checkins/stats", M_GET, api_checkin_stats, "GET, HEAD" },
	{ "/api/v1/checkins/*", M_DELETE, api_checkin_undo, "DELETE" },
	{ "/api/v1/attendees/search", M_GET, api_attendee_search, "GET, HEAD" },
	{ "/api/v1/registrations/*/attendees/*/pass.pdf", M_GET, api_pass_pdf,
	    "GET, HEAD" },
	{ "/api/v1/registrations/*/attendees/*/pass.png", M_GET, api_pass_png,
	    "GET, HEAD" },
};

/* Whether path matches pattern; *arg is where the first "*" matched. */
static int
route_match(const char *pattern, const char *path, const char **arg)
{
	*arg = NULL;
	while (*pattern != '\0') {
		if (*pattern == '*') {
			size_t	n = strcspn(path, "/");

			if (n == 0)
				return 0;
			if (*arg == NULL)
				*arg = path;
			path += n;
			pattern++;
		} else if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
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
