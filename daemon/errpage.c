/*
 * errpage.c: the errors evhttp answers by itself become our JSON errors.
 * evhttp 2.1 refuses a malformed head, a bad Content-Length, an unknown
 * Expect, an oversized head or body and a broken chunk with its own HTML
 * page, from deep inside its parser, without ever calling us; it has no
 * error callback. What it does do is write the page into the connection's
 * output buffer, which is ours (conn.c creates the bufferevent), before
 * anything is sent. A callback on that buffer sees the page arrive whole
 * and puts the JSON answer in its place, status line kept.
 *
 * The cost on every other write is one comparison: the page is added in
 * one piece whose length follows from the status, so only an addition of
 * exactly such a length is looked at, and only a byte-exact page is
 * rewritten. Our own pages start with <!doctype html> and never match.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"

/* ERR_FORMAT of evhttp_send_error() in libevent 2.1's http.c. */
#define PAGE_FORMAT "<HTML><HEAD>\n<TITLE>%d %s</TITLE>\n</HEAD><BODY>\n" \
	"<H1>%s</H1>\n</BODY></HTML>\n"
#define PAGE_MIN	(sizeof PAGE_FORMAT - 1 - 6 + 3)	/* reason "" */
#define PAGE_MAX	256	/* longer than any page below */
#define HEAD_MAX	1024	/* the head evhttp writes before its page */

/* The statuses evhttp answers itself, with the reasons it gives them. */
static const struct errpage {
	int		 status;
	const char	*reason;
	const char	*code;
	const char	*message;
} pages[] = {
	{ 400, "Bad Request", "bad_request",
	    "the request is malformed or its head too large" },
	{ 413, "Request Entity Too Large", "payload_too_large",
	    "the request body is too large" },
	{ 417, "Expectation Failed", "expectation_failed",
	    "only Expect: 100-continue is understood" },
	{ 501, "Not Implemented", "not_implemented",
	    "this method is not implemented" },
};

static __thread int rewriting;	/* our own changes to the buffer */

static size_t
page_length(const struct errpage *pg)
{
	return PAGE_MIN + 2 * strlen(pg->reason);
}

/*
 * The page whose length was just added and which ends the buffer, or NULL.
 * The buffer is made contiguous first (it is small whenever an addition
 * has a page's length): evbuffer_ptr_set() is not reliable here once the
 * buffer has been written out and filled again.
 */
static const struct errpage *
page_at_end(struct evbuffer *out, size_t added)
{
	const struct errpage	*pg = NULL;
	const unsigned char	*data;
	char			 want[PAGE_MAX];
	size_t			 len = evbuffer_get_length(out);

	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		if (page_length(&pages[i]) == added)
			pg = &pages[i];
	if (pg == NULL || len < added || len > HEAD_MAX + PAGE_MAX * 4 ||
	    (data = evbuffer_pullup(out, -1)) == NULL)
		return NULL;
	snprintf(want, sizeof want, PAGE_FORMAT, pg->status, pg->reason,
	    pg->reason);
	return memcmp(want, data + len - added, added) == 0 ? pg : NULL;
}

/*
 * Where the answer's head starts: the last status line before the page
 * (a 100 Continue may still wait in front of it), or -1.
 */
static ev_ssize_t
head_start(struct evbuffer *out, size_t page_at)
{
	const unsigned char	*data = evbuffer_pullup(out, -1);
	ev_ssize_t		 start = -1;

	for (size_t i = 0; data != NULL && i + 7 <= page_at; i++)
		if (memcmp(data + i, "HTTP/1.", 7) == 0)
			start = (ev_ssize_t)i;
	if (start == -1 || page_at - (size_t)start > HEAD_MAX)
		return -1;
	return start;
}

/* One line of the head, "Name: value\r\n", when it is there. */
static void
keep_line(struct evbuffer *to, const char *head, const char *name)
{
	const char	*at = strstr(head, name), *end;

	if (at != NULL && at[-1] == '\n' && (end = strstr(at, "\r\n")) != NULL)
		evbuffer_add(to, at, (size_t)(end - at) + 2);
}

/* The JSON answer for the page, with the status line and Date of its head. */
static struct evbuffer *
json_answer(const char *head, const struct errpage *pg, size_t *body_len)
{
	struct evbuffer	*to = evbuffer_new();
	char		 body[256];
	int		 n;

	n = snprintf(body, sizeof body,
	    "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", pg->code,
	    pg->message);
	evbuffer_add(to, head, strcspn(head, "\r") + 2);
	evbuffer_add_printf(to, "Content-Type: application/json; "
	    "charset=utf-8\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\nConnection: close\r\n");
	keep_line(to, head, "Date: ");
	evbuffer_add_printf(to, "Content-Length: %d\r\n\r\n%s", n, body);
	*body_len = (size_t)n;
	return to;
}

/*
 * Replace the head and page at the end of out by the JSON answer; the
 * length of its body, or 0 when the head was not found. The
 * start of a bufferevent's output is frozen outside its own writes; it is
 * thawed for the moment the answer takes to change places.
 */
static size_t
rewrite(struct evbuffer *out, size_t page_at, const struct errpage *pg)
{
	struct evbuffer		*front, *answer;
	char			 head[HEAD_MAX + 1];
	ev_ssize_t		 start;
	size_t			 bytes;

	if ((start = head_start(out, page_at)) == -1)
		return 0;
	memset(head, 0, sizeof head);
	memcpy(head, evbuffer_pullup(out, -1) + start, page_at - (size_t)start);
	answer = json_answer(head, pg, &bytes);
	front = evbuffer_new();
	evbuffer_unfreeze(out, 1);
	evbuffer_remove_buffer(out, front, (size_t)start);
	evbuffer_drain(out, evbuffer_get_length(out));
	evbuffer_add_buffer(out, front);
	evbuffer_add_buffer(out, answer);
	evbuffer_freeze(out, 1);
	evbuffer_free(front);
	evbuffer_free(answer);
	return bytes;
}

static void
output_cb(struct evbuffer *out, const struct evbuffer_cb_info *info,
    void *arg)
{
	const struct errpage	*pg;
	size_t			 bytes;

	if (rewriting || info->n_added < PAGE_MIN || info->n_added >= PAGE_MAX)
		return;
	if ((pg = page_at_end(out, info->n_added)) == NULL)
		return;
	rewriting = 1;
	bytes = rewrite(out, evbuffer_get_length(out) - info->n_added, pg);
	rewriting = 0;
	if (bytes != 0)
		conn_refused(arg, pg->status, bytes);
}

/* Watch the output of a connection (conn is handed to conn_refused()). */
void
errpage_watch(struct evbuffer *out, struct conn *conn)
{
	evbuffer_add_cb(out, output_cb, conn);
}

/* The connection is going: its output must no longer reach conn. */
void
errpage_unwatch(struct evbuffer *out, struct conn *conn)
{
	evbuffer_remove_cb(out, output_cb, conn);
}
