/*
 * quick.c: the public files every visitor and calendar asks for (the
 * programme, programme.ics, schedule.xml, schedule.json) answered from
 * the request's head as it arrives, before evhttp reads it. Through
 * evhttp an answer costs a request object, a list of parsed headers, a
 * parsed URI and the head printed field by field; here the worker's kept
 * bytes go out in one sendmsg() with a Date in front (conn.c).
 *
 * Only a request this file is sure of is answered so: GET, HTTP/1.1, one
 * of the targets below exactly, one Host, and no field outside a short
 * list of ones that change nothing about the answer. Anything else (a
 * HEAD, If-None-Match, a body, an unknown field, a query we do not know)
 * goes to evhttp and the routes as before, which answer it the same way
 * and refuse what is wrong. headscan.c has checked every byte of the head
 * by then (CRLF line ends, no controls, no obs-fold).
 */
#include <sys/queue.h>
#include <sys/uio.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "techtankd.h"

#define QUICK_TARGET_MAX	40	/* longer targets are evhttp's */
#define QUICK_FORWARDED_MAX	255	/* bytes of an X-Forwarded-For, ditto */

enum quick_source { FROM_PROGRAMME, FROM_SCHEDULE };

static const struct quick_route {
	const char		*target;	/* path and query, exactly */
	const char		*path;		/* as the access log shows it */
	enum quick_source	 source;
	enum schedule_file_kind	 kind;
	int			 lang;		/* 1: English */
} routes[] = {
	{ "/api/v1/programme", "/api/v1/programme", FROM_PROGRAMME, 0, 0 },
#define SCHEDULE_ROUTES(file, kind) \
	{ file, file, FROM_SCHEDULE, kind, 0 }, \
	{ file "?lang=sv", file, FROM_SCHEDULE, kind, 0 }, \
	{ file "?lang=en", file, FROM_SCHEDULE, kind, 1 }
	SCHEDULE_ROUTES("/api/v1/programme.ics", SCHEDULE_FILE_ICS),
	SCHEDULE_ROUTES("/api/v1/schedule.xml", SCHEDULE_FILE_XML),
	SCHEDULE_ROUTES("/api/v1/schedule.json", SCHEDULE_FILE_JSON),
#undef SCHEDULE_ROUTES
};

/*
 * The fields a browser, a calendar or a proxy sends that change nothing
 * about these answers. Connection and X-Forwarded-For are read below.
 */
static const char *const harmless[] = {
	"accept", "accept-encoding", "accept-language", "cache-control",
	"connection", "cookie", "dnt", "host", "origin", "pragma", "priority",
	"referer", "upgrade-insecure-requests", "user-agent",
	"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
	"x-real-ip",
};

static int
name_is(const char *name, size_t len, const char *known)
{
	return strlen(known) == len && strncasecmp(name, known, len) == 0;
}

static int
is_harmless(const char *name, size_t len)
{
	if (len > 4 && strncasecmp(name, "sec-", 4) == 0)
		return 1;	/* Sec-Fetch-*, Sec-CH-UA*: the browser's */
	for (size_t i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
		if (name_is(name, len, harmless[i]))
			return 1;
	return 0;
}

/* A token (RFC 9110 5.6.2), as a field name must be. */
static int
is_token(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c)))
			return 0;
	}
	return 1;
}

/* The request line: the route's index, or -1. */
static int
request_line(const char *line, size_t len)
{
	static const char	 get[] = "GET ", version[] = " HTTP/1.1";
	size_t			 tlen;

	if (len <= sizeof get - 1 + sizeof version - 1 ||
	    memcmp(line, get, sizeof get - 1) != 0 ||
	    memcmp(line + len - (sizeof version - 1), version,
	    sizeof version - 1) != 0)
		return -1;
	line += sizeof get - 1;
	tlen = len - (sizeof get - 1) - (sizeof version - 1);
	if (tlen > QUICK_TARGET_MAX)
		return -1;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strlen(routes[i].target) == tlen &&
		    memcmp(routes[i].target, line, tlen) == 0)
			return (int)i;
	return -1;
}

/* Connection: keep-alive or close (1), anything else -1. */
static int
connection_value(const char *v, size_t len)
{
	if (name_is(v, len, "keep-alive"))
		return 0;
	if (name_is(v, len, "close"))
		return 1;
	return -1;
}

/*
 * Whether the head (len bytes, the empty line included) is one this file
 * answers: 0 with q filled in, or -1 for evhttp.
 */
int
quick_parse(const struct config *cfg, const char *head, size_t len,
    struct quick_req *q)
{
	const char	*p = head, *end = head + len, *eol, *colon, *v, *ve;
	int		 hosts = 0, c;

	memset(q, 0, sizeof *q);
	if ((long)len > cfg->max_headers ||
	    (eol = memchr(p, '\r', (size_t)(end - p))) == NULL ||
	    (q->route = request_line(p, (size_t)(eol - p))) < 0)
		return -1;
	for (p = eol + 2; p < end; p = eol + 2) {
		if ((eol = memchr(p, '\r', (size_t)(end - p))) == NULL)
			return -1;
		if (eol == p)
			return p + 2 == end && hosts == 1 ? 0 : -1;
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL ||
		    !is_token(p, (size_t)(colon - p)) ||
		    !is_harmless(p, (size_t)(colon - p)))
			return -1;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		if (name_is(p, (size_t)(colon - p), "host"))
			hosts++;
		else if (name_is(p, (size_t)(colon - p), "connection")) {
			if ((c = connection_value(v, (size_t)(ve - v))) < 0)
				return -1;
			q->close |= c;
		} else if (name_is(p, (size_t)(colon - p),
		    "x-forwarded-for")) {
			if (q->nforwarded == FORWARDED_HEADERS_MAX + 1 ||
			    ve - v > QUICK_FORWARDED_MAX)
				return -1;
			q->forwarded[q->nforwarded] = v;
			q->forwarded_len[q->nforwarded++] = (size_t)(ve - v);
		}
	}
	return -1;
}

/* The kept file the request asks for: 0, or -1 for evhttp. */
int
quick_file_for(struct worker *w, const struct quick_req *q,
    struct quick_file *qf)
{
	const struct quick_route	*r = &routes[q->route];

	if (r->source == FROM_PROGRAMME)
		return programme_quick(w, qf);
	return schedule_quick(w, r->kind, r->lang, qf);
}

/* "Date: ...\r\n" of this second, made once a second per thread. */
static const char *
date_line(size_t *len)
{
	static __thread char	 line[64];
	static __thread size_t	 line_len;
	static __thread time_t	 made = -1;
	time_t			 now = time(NULL);
	struct tm		 tm;

	if (now != made && gmtime_r(&now, &tm) != NULL) {
		line_len = strftime(line, sizeof line,
		    "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		made = now;
	}
	*len = line_len;
	return line;
}

/* The answer as QUICK_IOV pieces: its length in bytes. */
size_t
quick_iov(const struct quick_file *qf, struct iovec *iov)
{
	static const char	status[] = "HTTP/1.1 200 OK\r\n";
	size_t			date_len;
	const char		*date = date_line(&date_len);

	iov[0].iov_base = (void *)status;
	iov[0].iov_len = sizeof status - 1;
	iov[1].iov_base = (void *)date;
	iov[1].iov_len = date_len;
	iov[2].iov_base = (void *)qf->head;
	iov[2].iov_len = qf->head_len;
	iov[3].iov_base = (void *)qf->body;
	iov[3].iov_len = qf->len;
	return iov[0].iov_len + iov[1].iov_len + iov[2].iov_len +
	    iov[3].iov_len;
}

/*
 * The access log's line, as http.c writes it for an answer through
 * evhttp: the client (behind a trusted proxy, the forwarded one), GET,
 * the path, 200, the body's bytes and the time since the head arrived.
 */
void
quick_log(struct worker *w, struct evhttp_connection *evcon,
    const struct quick_req *q, size_t bytes, int64_t t0)
{
	struct evkeyvalq	 headers;
	struct evkeyval		 kv[FORWARDED_HEADERS_MAX + 1];
	char			 values[FORWARDED_HEADERS_MAX + 1]
	    [QUICK_FORWARDED_MAX + 1];
	char			 client[64];

	TAILQ_INIT(&headers);
	for (size_t i = 0; i < q->nforwarded; i++) {
		snprintf(values[i], sizeof values[i], "%.*s",
		    (int)q->forwarded_len[i], q->forwarded[i]);
		kv[i].key = (char *)"X-Forwarded-For";
		kv[i].value = values[i];
		TAILQ_INSERT_TAIL(&headers, &kv[i], next);
	}
	proxy_client_address(&w->srv->cfg, evcon, &headers, client,
	    sizeof client);
	accesslog_line(w->log, client, "GET", routes[q->route].path, 200,
	    bytes, timefmt_now_usec() - t0);
	if (evbuffer_get_length(w->log) >= LOG_FLUSH_BYTES)
		worker_log_flush(w);
}
