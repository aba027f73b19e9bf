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

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "techtankd.h"

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
 * Whether the head (len bytes, the empty line included) is one this file
 * answers: 0 with q filled in, or -1 for evhttp.
 */
int
quick_parse(const struct config *cfg, const char *head, size_t len,
    struct quick_req *q)
{
	if ((long)len > cfg->max_headers ||
	    quick_head_parse(head, len, &q->head) != 0)
		return -1;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strlen(routes[i].target) == q->head.target_len &&
		    memcmp(routes[i].target, q->head.target,
		    q->head.target_len) == 0) {
			q->route = (int)i;
			return 0;
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
	for (size_t i = 0; i < q->head.nforwarded; i++) {
		snprintf(values[i], sizeof values[i], "%.*s",
		    (int)q->head.forwarded_len[i], q->head.forwarded[i]);
		kv[i].key = (char *)"X-Forwarded-For";
		kv[i].value = values[i];
		TAILQ_INSERT_TAIL(&headers, &kv[i], next);
	}
	proxy_client_address(&w->srv->cfg, evcon, &headers, client,
	    sizeof client);
	worker_log_line(w, client, "GET", routes[q->route].path, 200, bytes,
	    t0);
}
