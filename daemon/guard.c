/*
 * guard.c: the framing rules of RFC 9112 that evhttp 2.1 does not enforce,
 * checked on every request once evhttp has parsed its head. A request
 * that breaks one is refused with a JSON error and its connection closed:
 * where the framing is in doubt, so is every byte after it. What evhttp
 * no longer shows once parsed (bare LF, obs-fold, NUL) is not seen here.
 */
#include <sys/queue.h>

#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
/* req->major and req->minor: evhttp has no accessor for the version. */
#include <event2/http_struct.h>

#include "techtankd.h"

/* tchar of RFC 9110 5.6.2, for field names. */
static int
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* A field value: visible characters, spaces and tabs; no control bytes. */
static int
is_field_value(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/* A request target: visible ASCII only (RFC 3986 leaves no room for more). */
static int
is_target(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Content-Length = 1*DIGIT; evhttp's strtoll also takes signs and spaces. */
static int
is_length(const char *s)
{
	s += strspn(s, " \t");
	if (*s < '0' || *s > '9')
		return 0;
	s += strspn(s, "0123456789");
	s += strspn(s, " \t");
	return *s == '\0';
}

/* Whether the last transfer coding of the list is chunked. */
static int
ends_chunked(const char *te)
{
	const char	*last = strrchr(te, ',');

	last = last != NULL ? last + 1 : te;
	last += strspn(last, " \t");
	return strncasecmp(last, "chunked", 7) == 0 &&
	    last[7 + strspn(last + 7, " \t")] == '\0';
}

/*
 * Framing evhttp accepts but we refuse: more than one Content-Length, or
 * both Content-Length and Transfer-Encoding (request smuggling shapes).
 */
static int
framing_headers_ok(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	int			 cl = 0, te = 0;

	TAILQ_FOREACH(kv, h, next) {
		if (strcasecmp(kv->key, "Content-Length") == 0)
			cl++;
		else if (strcasecmp(kv->key, "Transfer-Encoding") == 0)
			te++;
	}
	return cl <= 1 && te <= 1 && !(cl && te);
}

static int
refuse(struct guard_verdict *v, int status, const char *code,
    const char *message)
{
	v->status = status;
	v->code = code;
	v->message = message;
	return -1;
}

/*
 * The version: 1.0 or 1.1; a later 1.x is answered as 1.1 (RFC 9110 6.2),
 * and so is every refusal of another version (evhttp would echo it).
 */
static int
check_version(struct evhttp_request *req, struct guard_verdict *v)
{
	int	major = req->major, minor = req->minor;

	if (major == 1 && minor <= 1)
		return 0;
	req->major = req->minor = 1;
	if (major != 1)
		return refuse(v, 505, "http_version_not_supported",
		    "only HTTP/1.0 and HTTP/1.1 are served");
	if (minor > 9)
		return refuse(v, 400, "bad_request", "malformed HTTP version");
	return 0;
}

/* Every field: a token for a name, no control bytes in the value. */
static int
check_fields(struct evhttp_request *req, struct guard_verdict *v,
    int *hosts)
{
	struct evkeyval	*kv;

	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		if (!is_token(kv->key))
			return refuse(v, 400, "bad_request",
			    "a header field name is not a token");
		if (!is_field_value(kv->value))
			return refuse(v, 400, "bad_request",
			    "a header field value has a control character");
		if (strcasecmp(kv->key, "Host") == 0)
			(*hosts)++;
		else if (strcasecmp(kv->key, "Content-Length") == 0 &&
		    !is_length(kv->value))
			return refuse(v, 400, "bad_request",
			    "Content-Length is not a number");
	}
	return 0;
}

/* One framing for the body: Content-Length or chunked, never both. */
static int
check_framing(struct evhttp_request *req, struct guard_verdict *v)
{
	const char	*te;

	if (!framing_headers_ok(req))
		return refuse(v, 400, "bad_request",
		    "conflicting message framing headers");
	te = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Transfer-Encoding");
	if (te == NULL || strcasecmp(te, "chunked") == 0) {
		if (te != NULL && req->minor == 0)
			return refuse(v, 400, "bad_request",
			    "Transfer-Encoding needs HTTP/1.1");
		return 0;
	}
	if (ends_chunked(te))
		return refuse(v, 501, "not_implemented",
		    "no transfer coding but chunked is implemented");
	return refuse(v, 400, "bad_request",
	    "the body's length cannot be known from Transfer-Encoding");
}

/*
 * Check what evhttp let through: 0, or -1 with the refusal in v. The
 * order is that of the head: version, target, fields, then framing.
 */
int
guard_request(struct evhttp_request *req, struct guard_verdict *v)
{
	const char	*target = evhttp_request_get_uri(req);
	int		 hosts = 0;

	if (check_version(req, v) != 0)
		return -1;
	if (target == NULL || !is_target(target))
		return refuse(v, 400, "bad_request",
		    "the request target has a space or a control character");
	if (check_fields(req, v, &hosts) != 0)
		return -1;
	if (hosts > 1 || (hosts == 0 && req->minor == 1))
		return refuse(v, 400, "bad_request",
		    "HTTP/1.1 needs exactly one Host header");
	return check_framing(req, v);
}

/*
 * evhttp reads a body only for POST, PUT and PATCH. A body announced on
 * any other method is still on the wire after the answer, where it would
 * be read as the next request: the connection ends with the answer.
 */
int
guard_body_unread(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	const char		*cl;

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_POST:
	case EVHTTP_REQ_PUT:
	case EVHTTP_REQ_PATCH:
		return 0;
	default:
		break;
	}
	if (evhttp_find_header(h, "Transfer-Encoding") != NULL)
		return 1;
	if ((cl = evhttp_find_header(h, "Content-Length")) == NULL)
		return 0;
	cl += strspn(cl, " \t0");
	return *cl != '\0';
}
