/*
 * stream.c: answers whose body is made while it is sent: the exports. The
 * source fills the body a piece at a time, and is asked for the next
 * piece only while the connection's output holds less than
 * STREAM_LOW_MARK bytes; once it holds more, the stream waits until evhttp
 * has written it all to the socket (the callback of
 * evhttp_send_reply_chunk_with_cb()). A slow client therefore costs
 * STREAM_LOW_MARK and one piece of memory however long the body, and the
 * source is never read faster than the client takes it. Without a
 * Content-Length the body goes out chunked (HTTP/1.1), or, to an HTTP/1.0
 * client, until the connection closes.
 *
 * A stream is answered once, like any request: it ends with the source
 * (evhttp_send_reply_end()), or when its connection is freed under it (the
 * client went away, or took nothing for --timeout seconds), which
 * conn_watch() tells. A source that fails midway cannot change the status
 * any more: the connection is shut without the body's end, so the client
 * sees a cut transfer, never a file that looks complete.
 */
#include <sys/socket.h>

#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/http_struct.h>	/* req->minor: evhttp has no accessor */

#include "techtankd.h"

struct stream {
	struct http_req			*hr;
	struct evhttp_request		*req;
	const struct stream_source	*src;
	void				*arg;
	struct evbuffer			*piece;
	size_t				 bytes;
	int				 status;
	int				 failed;
};

static void
stream_free(struct stream *st)
{
	if (st->src != NULL)
		st->src->free(st->arg);
	if (st->piece != NULL)
		evbuffer_free(st->piece);
	free(st);
}

/* Log the answer and let go of everything but req. */
static void
stream_done(struct stream *st)
{
	st->hr->w->pending--;
	http_reply_done(st->hr, st->status, st->bytes);
	st->hr = NULL;
	stream_free(st);
}

/* The connection is being freed by evhttp (conn_watch()). */
static void
stream_gone(void *arg)
{
	struct stream		*st = arg;
	struct evhttp_request	*req = st->req;

	stream_done(st);
	/*
	 * A client that went away (or stopped reading) has had its request
	 * detached from the connection by evhttp, and it is ours to free;
	 * when evhttp frees all its connections, it frees the requests too.
	 */
	if (evhttp_request_get_connection(req) == NULL)
		evhttp_request_free(req);
}

/*
 * The source failed: shut the socket and wait for evhttp to see its end
 * (evhttp stops reading once a request is in: reading is enabled again
 * for that), which frees the connection: stream_gone().
 */
static void
stream_cut(struct stream *st)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
	    evhttp_request_get_connection(st->req));
	evutil_socket_t		 s = bufferevent_getfd(bev);

	st->failed = 1;
	log_warnx("%s: the answer could not be made whole; its connection "
	    "is cut after %zu bytes", st->hr->log_path, st->bytes);
	if (s != -1)
		shutdown(s, SHUT_RDWR);
	bufferevent_enable(bev, EV_READ);
}

static void stream_pump(struct stream *);

static void
stream_drained(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	stream_pump(arg);
}

/* Fill the output up to the mark; end the answer with the source's end. */
static void
stream_pump(struct stream *st)
{
	struct evhttp_request	*req = st->req;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct evbuffer		*out = bufferevent_get_output(
	    evhttp_connection_get_bufferevent(evcon));
	int			 more = 1;

	if (st->failed)
		return;
	while (more > 0 && evbuffer_get_length(out) < STREAM_LOW_MARK) {
		more = st->src->fill(st->arg, st->piece);
		st->bytes += evbuffer_get_length(st->piece);
		evhttp_send_reply_chunk_with_cb(req, st->piece, stream_drained,
		    st);
		evbuffer_drain(st->piece, evbuffer_get_length(st->piece));
	}
	if (more < 0) {
		stream_cut(st);
		return;
	}
	if (more == 0) {
		conn_watch(st->hr->w, req, NULL, NULL);
		stream_done(st);
		evhttp_send_reply_end(req);
	}
}

/* Headers only: HEAD, or a client gone before the answer was ready. */
static void
stream_head(struct http_req *hr, int status)
{
	struct evhttp_request	*req = hr->req;

	http_reply_done(hr, status, 0);
	if (evhttp_request_get_connection(req) != NULL)
		evhttp_send_reply_start(req, status, http_status_text(status));
	/* With no connection, this frees the request. */
	evhttp_send_reply_end(req);
}

/*
 * Answer status with the body src makes (arg is its own, freed with
 * src->free), of length bytes, or -1 when not known beforehand. A HEAD
 * request gets the headers alone.
 */
void
stream_reply(struct http_req *hr, int status, const char *type,
    int64_t length, const struct stream_source *src, void *arg)
{
	struct evhttp_request	*req = hr->req;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct stream		*st;
	char			 len[32];

	if (length >= 0) {
		snprintf(len, sizeof len, "%lld", (long long)length);
		evhttp_add_header(h, "Content-Length", len);
	} else if (req->minor == 0) {
		/*
		 * HTTP/1.0 has no chunks: the body ends with the connection.
		 * evhttp would answer a keep-alive request with a
		 * Content-Length of what it holds so far (nothing).
		 */
		evhttp_remove_header(evhttp_request_get_input_headers(req),
		    "Connection");
		hr->close = 1;
	}
	http_reply_headers(hr, type);
	if (hr->method == EVHTTP_REQ_HEAD || src == NULL ||
	    evhttp_request_get_connection(req) == NULL) {
		if (src != NULL)
			src->free(arg);
		stream_head(hr, status);
		return;
	}
	st = xcalloc(1, sizeof *st);
	st->hr = hr;
	st->req = req;
	st->src = src;
	st->arg = arg;
	st->piece = evbuffer_new();
	st->status = status;
	hr->w->pending++;
	if (conn_watch(hr->w, req, stream_gone, st) != 0)
		log_warnx("%s: streaming on a connection not counted",
		    hr->log_path);
	evhttp_send_reply_start(req, status, http_status_text(status));
	stream_pump(st);
}
