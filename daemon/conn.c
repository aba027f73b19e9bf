/*
 * conn.c: the connections of a worker. Each is counted the moment it is
 * accepted (evhttp asks us for its bufferevent) until evhttp frees it, so
 * the cap holds for connections that never finish a request too; at the
 * cap the listener pauses until one closes. Each connection also carries a
 * whole-request deadline: evhttp's --timeout is an idle timer that every
 * byte resets, so a client trickling a header byte at a time would hold a
 * connection for ever. The deadline runs from the moment a request may
 * start until it has fully arrived, whatever the client sends.
 *
 * libevent 2.1 tells us of a new connection only through the bufferevent
 * callback, before the evhttp_connection exists; the connection is
 * adopted (its close callback set) from an event activated there, which
 * runs before the loop next polls, so before the connection can close.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "bgmax.h"
#include "techtankd.h"
#include "import.h"

struct conn {
	struct worker		 *w;
	struct bufferevent	 *bev;		/* evhttp's, referenced till adopted */
	struct evhttp_connection *evcon;	/* NULL until adopted */
	struct event		 *deadline;
	int			  close_after;	/* the answer is the last */
	int			  refused;	/* evhttp answered an error */
	struct conn		 *next_new;	/* waiting to be adopted */
	struct headscan		  head;		/* the request head being read */
	int			  busy;		/* a request is being answered */
	int64_t			  since;	/* waiting for a request since, µs */
	void			(*gone)(void *);	/* conn_watch() */
	void			 *gone_arg;
	int			  completing;	/* in request_complete() */
	struct evbuffer		 *unsent;	/* of a quick answer */
	struct event		 *unsent_ev;	/* writes it when it can */
};

/* The adopted connections of a worker by evcon: an open-address map. */
struct conn_set {
	size_t		  cap;		/* a power of two */
	size_t		  n;		/* adopted */
	size_t		  open;		/* adopted or waiting */
	struct conn	**slots;
	struct conn	 *fresh;	/* accepted, to adopt */
	struct event	 *adopt_ev;
	struct event	 *evict_ev;	/* at the cap: make room */
};

static size_t
conn_hash(const void *p, size_t cap)
{
	uintptr_t	v = (uintptr_t)p;

	v ^= v >> 17;
	v *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(v >> 7) & (cap - 1);
}

struct conn_set *
conn_set_create(size_t max)
{
	struct conn_set	*cs = xcalloc(1, sizeof *cs);

	cs->cap = 64;
	while (cs->cap < max * 2)
		cs->cap *= 2;
	cs->slots = xcalloc(cs->cap, sizeof *cs->slots);
	return cs;
}

void
conn_set_free(struct conn_set *cs)
{
	if (cs == NULL)
		return;
	for (struct conn *c = cs->fresh, *next; c != NULL; c = next) {
		next = c->next_new;
		bufferevent_decref(c->bev);
		free(c);
	}
	if (cs->adopt_ev != NULL)
		event_free(cs->adopt_ev);
	if (cs->evict_ev != NULL)
		event_free(cs->evict_ev);
	free(cs->slots);
	free(cs);
}

static struct conn *
conn_find(struct conn_set *cs, const struct evhttp_connection *evcon)
{
	for (size_t i = conn_hash(evcon, cs->cap); cs->slots[i] != NULL;
	    i = (i + 1) & (cs->cap - 1))
		if (cs->slots[i]->evcon == evcon)
			return cs->slots[i];
	return NULL;
}

static void
conn_set_add(struct conn_set *cs, struct conn *c)
{
	size_t	i = conn_hash(c->evcon, cs->cap);

	while (cs->slots[i] != NULL)
		i = (i + 1) & (cs->cap - 1);
	cs->slots[i] = c;
	cs->n++;
}

/* Remove with backward shift, so that no tombstones build up. */
static void
conn_set_del(struct conn_set *cs, struct conn *c)
{
	size_t	i = conn_hash(c->evcon, cs->cap), j, home;

	while (cs->slots[i] != c) {
		if (cs->slots[i] == NULL)
			return;
		i = (i + 1) & (cs->cap - 1);
	}
	cs->slots[i] = NULL;
	cs->n--;
	for (j = (i + 1) & (cs->cap - 1); cs->slots[j] != NULL;
	    j = (j + 1) & (cs->cap - 1)) {
		home = conn_hash(cs->slots[j]->evcon, cs->cap);
		if (((j - home) & (cs->cap - 1)) >= ((j - i) & (cs->cap - 1))) {
			cs->slots[i] = cs->slots[j];
			cs->slots[j] = NULL;
			i = j;
		}
	}
}

/*
 * The request took too long: shut the socket down. evhttp then sees the
 * end of the stream, frees the connection, and conn_closed() follows.
 */
static void
deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	evutil_socket_t	 s;

	(void)fd;
	(void)ev;
	s = bufferevent_getfd(evhttp_connection_get_bufferevent(c->evcon));
	if (s != -1)
		shutdown(s, SHUT_RDWR);
}

/* The head of the next request must arrive within --header-timeout. */
static void
deadline_arm(struct conn *c)
{
	struct timeval	tv = { c->w->srv->cfg.header_timeout, 0 };

	evtimer_add(c->deadline, &tv);
}

/*
 * The largest body of the request whose line is line: --max-body, or a
 * whole file for an upload: an import's CSV (admin-imports.c), the bank's
 * BgMax file (api-invoices.c).
 */
static ev_ssize_t
body_max(const struct config *cfg, const char *line)
{
	const char	*target = strchr(line, ' ');
	ev_ssize_t	 file = 0;

	if (target != NULL && import_path(target + 1))
		file = CSV_FILE_MAX;
	else if (target != NULL && bank_file_path(target + 1))
		file = BGMAX_FILE_MAX;
	return file > cfg->max_body ? file : cfg->max_body;
}

/* The rest of a quick answer has gone, or cannot go: read on. */
static void
unsent_end(struct conn *c, int failed)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
	    c->evcon);

	evbuffer_free(c->unsent);
	event_free(c->unsent_ev);
	c->unsent = NULL;
	c->unsent_ev = NULL;
	/* A failed or closing one is shut: evhttp then reads the end. */
	if (failed || c->close_after)
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
	else
		deadline_arm(c);
	bufferevent_enable(bev, EV_READ);
}

/* The socket has room for more of a quick answer (or --timeout ran out). */
static void
unsent_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;
	int		 n;

	if (ev & EV_TIMEOUT) {
		unsent_end(c, 1);
		return;
	}
	n = evbuffer_write(c->unsent, fd);
	if (n < 0 && EVUTIL_SOCKET_ERROR() != EAGAIN &&
	    EVUTIL_SOCKET_ERROR() != EINTR)
		unsent_end(c, 1);
	else if (evbuffer_get_length(c->unsent) == 0)
		unsent_end(c, 0);
}

/*
 * What the socket did not take of a quick answer is kept and written when
 * it can; until then evhttp reads nothing, so that the next answer cannot
 * overtake it, and a client that stops reading has --timeout to go on.
 */
static void
unsent_keep(struct conn *c, evutil_socket_t fd, const struct iovec *iov,
    int n, size_t sent)
{
	struct timeval	tv = { c->w->srv->cfg.timeout, 0 };

	c->unsent = evbuffer_new();
	for (int i = 0; i < n; i++) {
		if (sent >= iov[i].iov_len) {
			sent -= iov[i].iov_len;
			continue;
		}
		evbuffer_add(c->unsent, (const char *)iov[i].iov_base + sent,
		    iov[i].iov_len - sent);
		sent = 0;
	}
	bufferevent_disable(evhttp_connection_get_bufferevent(c->evcon),
	    EV_READ);
	c->unsent_ev = event_new(c->w->base, fd, EV_WRITE | EV_PERSIST,
	    unsent_cb, c);
	event_add(c->unsent_ev, &tv);
}

/*
 * The head just read is all there is, evhttp has read none of it, no
 * answer is on its way: quick.c may answer it (1: it did, and it is gone
 * from the input), else 0 and evhttp reads it.
 */
static int
conn_quick(struct conn *c)
{
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(
	    c->evcon);
	struct evbuffer		*in = bufferevent_get_input(bev);
	size_t			 len = c->head.checked, total;
	struct quick_req	 q;
	struct quick_file	 qf;
	struct iovec		 iov[QUICK_IOV];
	struct msghdr		 msg = { .msg_iov = iov, .msg_iovlen = QUICK_IOV };
	const char		*head;
	evutil_socket_t		 fd = bufferevent_getfd(bev);
	int64_t			 t0 = timefmt_now_usec();
	ssize_t			 sent;

	if (c->busy || c->completing || c->unsent != NULL || c->head.taken ||
	    c->refused || c->close_after || c->w->stopping || fd == -1 ||
	    evbuffer_get_length(in) != len ||
	    evbuffer_get_length(bufferevent_get_output(bev)) != 0 ||
	    (head = (const char *)evbuffer_pullup(in, (ev_ssize_t)len)) ==
	    NULL || quick_parse(&c->w->srv->cfg, head, len, &q) != 0 ||
	    quick_file_for(c->w, &q, &qf) != 0)
		return 0;
	total = quick_iov(&qf, iov);
	sent = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	quick_log(c->w, c->evcon, &q, qf.len, t0);
	evbuffer_drain(in, len);
	c->since = timefmt_now_usec();
	c->close_after = q.head.close;
	if (sent < 0 && errno != EAGAIN && errno != EINTR) {
		/* The client has gone: evhttp reads the end and frees it. */
		shutdown(fd, SHUT_RDWR);
		return 1;
	}
	if (sent < 0)
		sent = 0;
	if ((size_t)sent < total)
		unsent_keep(c, fd, iov, QUICK_IOV, (size_t)sent);
	else if (q.head.close)
		shutdown(fd, SHUT_RDWR);
	else
		deadline_arm(c);
	return 1;
}

/*
 * The head has arrived (headscan.c), before evhttp reads it: quick.c may
 * answer it at once (1); else its body has --body-timeout, and the limit
 * of its path.
 */
static int
head_arrived(void *arg)
{
	struct conn	*c = arg;
	struct timeval	 tv = { c->w->srv->cfg.body_timeout, 0 };

	if (c->evcon != NULL && conn_quick(c))
		return 1;
	if (c->deadline != NULL && !c->busy)
		evtimer_add(c->deadline, &tv);
	if (c->evcon != NULL)
		evhttp_connection_set_max_body_size(c->evcon,
		    body_max(&c->w->srv->cfg, c->head.line));
	return 0;
}

/* A connection is gone: one more may be accepted. */
static void
conn_forget(struct worker *w, struct conn *c)
{
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->unsent_ev != NULL)
		event_free(c->unsent_ev);
	if (c->unsent != NULL)
		evbuffer_free(c->unsent);
	free(c);
	w->conns->open--;
	if (w->conns->open < (size_t)w->max_conns && !w->stopping &&
	    !evtimer_pending(w->accept_ev, NULL))
		evconnlistener_enable(w->listener);
}

/* evhttp frees the connection. */
static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct conn		*c = arg;
	struct bufferevent	*bev = evhttp_connection_get_bufferevent(evcon);

	if (c->gone != NULL)
		c->gone(c->gone_arg);
	/* evhttp may still touch the buffers while it frees them. */
	if (bev != NULL) {
		errpage_unwatch(bufferevent_get_output(bev), c);
		headscan_unwatch(bufferevent_get_input(bev), &c->head);
	}
	conn_set_del(c->w->conns, c);
	conn_forget(c->w, c);
}

/* Set the close callback of every connection accepted since last time. */
static void
adopt_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker		*w = arg;
	struct conn		*c, *next;
	bufferevent_data_cb	 readcb;
	void			*evcon;

	(void)fd;
	(void)ev;
	for (c = w->conns->fresh, w->conns->fresh = NULL; c != NULL;
	    c = next) {
		next = c->next_new;
		bufferevent_getcb(c->bev, &readcb, NULL, NULL, &evcon);
		bufferevent_decref(c->bev);
		if (readcb == NULL || evcon == NULL) {
			/* evhttp gave up on it already. */
			conn_forget(w, c);
			continue;
		}
		c->evcon = evcon;
		c->deadline = evtimer_new(w->base, deadline_cb, c);
		c->since = timefmt_now_usec();
		conn_set_add(w->conns, c);
		evhttp_connection_set_closecb(c->evcon, conn_closed, c);
		deadline_arm(c);
	}
}

/*
 * A chunked body broke its framing while evhttp reads it: evhttp writes
 * nothing then, so the JSON answer goes to the socket directly, and the
 * connection is shut; evhttp sees its end and frees it.
 */
static void
body_refused(void *arg)
{
	static const char	 answer[] = "HTTP/1.1 400 Bad Request\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n"
	    "Content-Length: 67\r\n\r\n"
	    "{\"error\":{\"code\":\"bad_request\",\"message\":\"malformed "
	    "chunked body\"}}";
	struct conn		*c = arg;
	struct bufferevent	*bev = c->evcon != NULL ?
	    evhttp_connection_get_bufferevent(c->evcon) : c->bev;
	evutil_socket_t		 s = bufferevent_getfd(bev);

	if (s == -1)
		return;
	(void)send(s, answer, sizeof answer - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(s, SHUT_RDWR);
	conn_refused(c, 400, 67);
}

/* evhttp accepted a connection and asks for its bufferevent. */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct worker		*w = arg;
	struct bufferevent	*bev;
	struct conn		*c;

	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	/* Kept alive until adopted, even if evhttp frees it first. */
	bufferevent_incref(bev);
	c = xcalloc(1, sizeof *c);
	c->w = w;
	c->bev = bev;
	errpage_watch(bufferevent_get_output(bev), c);
	headscan_watch(bufferevent_get_input(bev), &c->head, head_arrived,
	    body_refused, c);
	c->next_new = w->conns->fresh;
	w->conns->fresh = c;
	event_active(w->conns->adopt_ev, EV_READ, 0);
	if (++w->conns->open >= (size_t)w->max_conns) {
		struct timeval	tv = { 0, EVICT_CHECK_MS * 1000 };

		evconnlistener_disable(w->listener);
		evtimer_add(w->conns->evict_ev, &tv);
	}
	return bev;
}

/*
 * The answer has left: the next request on the connection has its time,
 * or, when the answer was to be the last, the connection ends here. evhttp
 * honours Connection: close by itself, but not after every method
 * (CONNECT); bytes it holds already would be read as the next request.
 */
static void
request_complete(struct evhttp_request *req, void *arg)
{
	struct conn		*c = arg;
	struct bufferevent	*bev;
	evutil_socket_t		 s;

	(void)req;
	bev = evhttp_connection_get_bufferevent(c->evcon);
	c->busy = 0;
	c->since = timefmt_now_usec();
	if (!c->close_after) {
		deadline_arm(c);
		/* Bytes already read are evhttp's to answer, in order. */
		c->completing = 1;
		headscan_next(bufferevent_get_input(bev), &c->head);
		c->completing = 0;
		return;
	}
	evbuffer_drain(bufferevent_get_input(bev),
	    evbuffer_get_length(bufferevent_get_input(bev)));
	if ((s = bufferevent_getfd(bev)) != -1)
		shutdown(s, SHUT_RDWR);
}

/* A complete request arrived: no deadline while we answer it. */
void
conn_admit(struct worker *w, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct conn		 *c;

	if (evcon == NULL || (c = conn_find(w->conns, evcon)) == NULL)
		return;
	evtimer_del(c->deadline);
	c->busy = 1;
	evhttp_request_set_on_complete_cb(req, request_complete, c);
}

/*
 * Have gone(arg) called when the connection of req is freed, before evhttp
 * frees its buffers (an answer being streamed learns that its client has
 * gone); gone NULL: no longer. -1 when req has no connection (any more).
 */
int
conn_watch(struct worker *w, struct evhttp_request *req, void (*gone)(void *),
    void *arg)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct conn		 *c;

	if (evcon == NULL || (c = conn_find(w->conns, evcon)) == NULL)
		return -1;
	c->gone = gone;
	c->gone_arg = arg;
	return 0;
}

/* The answer to req is the last on its connection. */
void
conn_close_after(struct worker *w, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct conn		 *c;

	if (evcon != NULL && (c = conn_find(w->conns, evcon)) != NULL)
		c->close_after = 1;
}

/*
 * evhttp answered an error by itself (errpage.c made it JSON): log it, as
 * it never reached http_request().
 */
void
conn_refused(struct conn *c, int status, size_t bytes)
{
	char		 peer[64], line[sizeof c->head.line + 8];

	c->refused = 1;
	/* No head was parsed: no forwarded address to believe. */
	proxy_client_address(&c->w->srv->cfg, c->evcon, NULL, peer,
	    sizeof peer);
	/* The request line as far as it was read: it never was parsed. */
	snprintf(line, sizeof line, "%s", c->head.line_len > 0 ?
	    c->head.line : "-");
	accesslog_mask(line, sizeof line);
	accesslog_line(c->w->log, peer, "-", line,
	    status, bytes, 0);
}

/*
 * At the cap, while clients wait to be accepted, the connections that have
 * waited EVICT_IDLE_MS or more for a request are closed to make room: idle
 * keep-alive connections and clients that never send are worth less than
 * the ones waiting. A connection being answered is never closed.
 */
static void
evict_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;
	struct conn_set	*cs = w->conns;
	struct pollfd	 pfd;
	struct timeval	 tv = { 0, EVICT_CHECK_MS * 1000 };
	int64_t		 now = timefmt_now_usec();
	evutil_socket_t	 s;

	(void)fd;
	(void)ev;
	if (cs->open < (size_t)w->max_conns || w->stopping)
		return;
	pfd.fd = evconnlistener_get_fd(w->listener);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) == 1) {
		for (size_t i = 0; i < cs->cap; i++) {
			struct conn	*c = cs->slots[i];

			if (c != NULL && !c->busy && now - c->since >=
			    EVICT_IDLE_MS * 1000 && (s = bufferevent_getfd(
			    evhttp_connection_get_bufferevent(c->evcon))) != -1)
				shutdown(s, SHUT_RDWR);
		}
	}
	evtimer_add(cs->evict_ev, &tv);
}

/* The worker whose loop runs on this thread (for the listener's errors). */
static __thread struct worker *this_worker;

/* accept() failed: at EMFILE, pause for a while instead of spinning. */
static void
accept_error(struct evconnlistener *listener, void *arg)
{
	struct worker	*w = this_worker;
	struct timeval	 tv = { 0, ACCEPT_BACKOFF_MS * 1000 };
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;		/* evhttp's, not ours */
	if (w == NULL)
		return;

	if (!w->emfile_logged) {
		log_warnx("accept: %s; pausing new connections (logged once)",
		    strerror(err));
		w->emfile_logged = 1;
	}
	evconnlistener_disable(listener);
	evtimer_add(w->accept_ev, &tv);
}

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	(void)fd;
	(void)ev;
	if (!w->stopping && w->conns->open < (size_t)w->max_conns)
		evconnlistener_enable(w->listener);
}

/* Called on the worker's own thread before its loop runs. */
void
conn_thread(struct worker *w)
{
	this_worker = w;
}

/* Hook the worker's evhttp and listener into the connection count. */
void
conn_setup(struct worker *w)
{
	w->conns = conn_set_create((size_t)w->max_conns);
	w->conns->adopt_ev = event_new(w->base, -1, 0, adopt_cb, w);
	w->conns->evict_ev = evtimer_new(w->base, evict_cb, w);
	w->accept_ev = evtimer_new(w->base, accept_resume, w);
	evhttp_set_bevcb(w->http, conn_new, w);
	evconnlistener_set_error_cb(w->listener, accept_error);
}
