/*
 * http.c: the HTTP side of techtankd. Each worker thread runs its own
 * event_base and evhttp on its own SO_REUSEPORT socket, so the kernel
 * spreads connections over the cores. This file owns the limits that
 * evhttp's defaults leave open (time-outs, header and body sizes, methods,
 * framing, connections), the reply helpers that answer every request
 * exactly once, the access log, and the orderly stop on SIGTERM.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "techtankd.h"

#define LOG_FLUSH_BYTES		16384
#define LOG_FLUSH_MS		250
#define STOP_LINGER_MS		100	/* let the last replies leave */
#define LISTEN_BACKLOG		1024

/*
 * The connections of a worker that have sent a request, kept to enforce the
 * connection cap: an open-addressing set of pointers.
 */
struct conn_set {
	size_t			  cap;		/* a power of two */
	size_t			  n;
	struct evhttp_connection **slots;
};

static size_t
conn_hash(const void *p, size_t cap)
{
	uintptr_t	v = (uintptr_t)p;

	v ^= v >> 17;
	v *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(v >> 7) & (cap - 1);
}

static struct conn_set *
conn_set_create(size_t cap)
{
	struct conn_set	*cs = xcalloc(1, sizeof *cs);

	cs->cap = 64;
	while (cs->cap < cap * 2)
		cs->cap *= 2;
	cs->slots = xcalloc(cs->cap, sizeof *cs->slots);
	return cs;
}

static void
conn_set_free(struct conn_set *cs)
{
	free(cs->slots);
	free(cs);
}

static int
conn_set_has(struct conn_set *cs, struct evhttp_connection *c)
{
	for (size_t i = conn_hash(c, cs->cap); cs->slots[i] != NULL;
	    i = (i + 1) & (cs->cap - 1))
		if (cs->slots[i] == c)
			return 1;
	return 0;
}

static void
conn_set_add(struct conn_set *cs, struct evhttp_connection *c)
{
	size_t	i = conn_hash(c, cs->cap);

	while (cs->slots[i] != NULL)
		i = (i + 1) & (cs->cap - 1);
	cs->slots[i] = c;
	cs->n++;
}

/* Remove with backward shift, so that no tombstones build up. */
static void
conn_set_del(struct conn_set *cs, struct evhttp_connection *c)
{
	size_t	i = conn_hash(c, cs->cap), j, home;

	while (cs->slots[i] != c) {
		if (cs->slots[i] == NULL)
			return;
		i = (i + 1) & (cs->cap - 1);
	}
	cs->slots[i] = NULL;
	cs->n--;
	for (j = (i + 1) & (cs->cap - 1); cs->slots[j] != NULL;
	    j = (j + 1) & (cs->cap - 1)) {
		home = conn_hash(cs->slots[j], cs->cap);
		if (((j - home) & (cs->cap - 1)) >= ((j - i) & (cs->cap - 1))) {
			cs->slots[i] = cs->slots[j];
			cs->slots[j] = NULL;
			i = j;
		}
	}
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

static void
log_flush(struct worker *w)
{
	accesslog_hand(w->log);
}

static void
log_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	log_flush(arg);
}

/* One line per request: time, peer, method, path, status, bytes, µs. */
static void
access_log(struct http_req *hr, int status, size_t bytes)
{
	static const char	*methods[] = { "GET", "POST", "HEAD", "PUT",
	    "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH" };
	struct evhttp_connection *evcon = evhttp_request_get_connection(hr->req);
	const char		*method = "-";
	char			*peer = NULL, when[32];
	ev_uint16_t		 port;
	struct tm		 tm;
	time_t			 now = time(NULL);

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if ((int)hr->method == (1 << i))
			method = methods[i];
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evbuffer_add_printf(hr->w->log, "%s %s %s %s %d %zu %lldus\n", when,
	    peer ? peer : "-", method, hr->log_path, status, bytes,
	    (long long)(timefmt_now_usec() - hr->t0));
	if (evbuffer_get_length(hr->w->log) >= LOG_FLUSH_BYTES)
		log_flush(hr->w);
}

static void
http_req_free(struct http_req *hr)
{
	free(hr->path_buf);
	free(hr);
}

void
http_header(struct http_req *hr, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(hr->req), name,
	    value);
}

static void stop_check(struct worker *);

/* Send status with body (consumed), log it and forget the request. */
void
http_reply_data(struct http_req *hr, int status, const char *type,
    struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(hr->req);
	size_t			 bytes = body ? evbuffer_get_length(body) : 0;
	struct worker		*w = hr->w;

	if (type != NULL)
		evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (w->stopping)
		evhttp_add_header(h, "Connection", "close");
	evhttp_send_reply(hr->req, status, http_status_text(status), body);
	access_log(hr, status, bytes);
	if (body != NULL)
		evbuffer_free(body);
	http_req_free(hr);
	if (w->stopping)
		stop_check(w);
}

void
http_reply_json(struct http_req *hr, int status, json_t *body)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*text = json_dumps(body, JSON_COMPACT);

	if (text != NULL) {
		evbuffer_add_reference(buf, text, strlen(text),
		    (evbuffer_ref_cleanup_cb)(void (*)(void))free, NULL);
	}
	json_decref(body);
	http_header(hr, "Cache-Control", "no-store");
	http_reply_data(hr, status, "application/json; charset=utf-8", buf);
}

void
http_reply_error(struct http_req *hr, int status, const char *code,
    const char *message, json_t *fields)
{
	json_t	*err = json_pack("{s:s, s:s}", "code", code,
	    "message", message);

	if (fields != NULL)
		json_object_set_new(err, "fields", fields);
	http_reply_json(hr, status, json_pack("{s:o}", "error", err));
}

const char *
http_input_header(struct http_req *hr, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    name);
}

/* application/json, with or without parameters such as charset. */
static int
is_json_type(const char *type)
{
	size_t	len = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", len) != 0)
		return 0;
	return type[len] == '\0' || type[len] == ';' || type[len] == ' ';
}

/* The JSON object in the body, or NULL once an error has been sent. */
json_t *
http_body_json(struct http_req *hr, const unsigned char **bytes, size_t *len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(hr->req);
	json_error_t	 jerr;
	json_t		*body;
	char		 msg[200];

	if (!is_json_type(http_input_header(hr, "Content-Type"))) {
		http_reply_error(hr, 415, "unsupported_media_type",
		    "send the body as application/json", NULL);
		return NULL;
	}
	*len = evbuffer_get_length(in);
	if ((long)*len > hr->w->srv->cfg.max_body) {
		http_reply_error(hr, 413, "payload_too_large",
		    "the request body is too large", NULL);
		return NULL;
	}
	*bytes = evbuffer_pullup(in, -1);
	if (*len > 0 && !utf8_valid((const char *)*bytes, *len)) {
		http_reply_error(hr, 422, "invalid_utf8",
		    "the request body is not valid UTF-8", NULL);
		return NULL;
	}
	body = json_loadb((const char *)*bytes, *len, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr);
	if (body == NULL) {
		snprintf(msg, sizeof msg, "malformed JSON: %s (line %d)",
		    jerr.text, jerr.line);
		http_reply_error(hr, 400, "bad_request", msg, NULL);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		http_reply_error(hr, 400, "bad_request",
		    "the body must be a JSON object", NULL);
		return NULL;
	}
	return body;
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct worker	*w = arg;

	conn_set_del(w->conns, evcon);
	if (w->conns->n < (size_t)w->max_conns && !w->stopping)
		evconnlistener_enable(w->listener);
}

/*
 * Count the connection on its first request. At the cap the listener stops
 * accepting until one closes; a connection over the cap is refused.
 */
static int
conn_admit(struct worker *w, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	if (evcon == NULL || conn_set_has(w->conns, evcon))
		return 0;
	if (w->conns->n >= (size_t)w->max_conns) {
		evconnlistener_disable(w->listener);
		return -1;
	}
	conn_set_add(w->conns, evcon);
	evhttp_connection_set_closecb(evcon, conn_closed, w);
	if (w->conns->n >= (size_t)w->max_conns)
		evconnlistener_disable(w->listener);
	return 0;
}

/*
 * Framing evhttp accepts but we refuse: more than one Content-Length, or
 * both Content-Length and Transfer-Encoding (request smuggling shapes).
 */
static int
framing_ok(struct evhttp_request *req)
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

/* The path for the access log, with the manage token masked. */
static const char *
mask_path(const char *path)
{
	static const char	prefix[] = "/api/v1/registrations/";

	if (strncmp(path, prefix, sizeof prefix - 1) == 0 &&
	    path[sizeof prefix - 1] != '\0')
		return "/api/v1/registrations/<token>";
	return path;
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct worker		*w = arg;
	struct http_req		*hr = xcalloc(1, sizeof *hr);
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*raw = uri ? evhttp_uri_get_path(uri) : NULL;
	size_t			 len;

	hr->w = w;
	hr->req = req;
	hr->t0 = timefmt_now_usec();
	hr->method = evhttp_request_get_command(req);
	hr->path = hr->log_path = "-";
	if (raw == NULL || *raw == '\0')
		raw = "/";
	hr->path_buf = evhttp_uridecode(raw, 0, &len);
	if (hr->path_buf == NULL || strlen(hr->path_buf) != len) {
		http_reply_error(hr, 400, "bad_request", "malformed path", NULL);
		return;
	}
	hr->path = hr->path_buf;
	hr->log_path = mask_path(hr->path);
	if (conn_admit(w, req) != 0) {
		http_header(hr, "Connection", "close");
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 503, "busy", "too many connections", NULL);
		return;
	}
	if (!framing_ok(req)) {
		http_header(hr, "Connection", "close");
		http_reply_error(hr, 400, "bad_request",
		    "conflicting message framing headers", NULL);
		return;
	}
	router_dispatch(hr);
}

/* Jobs come back from the writer thread; answer them on their own loop. */
void
http_job_done(struct job *job)
{
	struct worker	*w = job->hr->w;

	pthread_mutex_lock(&w->done_lock);
	*w->done_tail = job;
	w->done_tail = &job->next;
	pthread_mutex_unlock(&w->done_lock);
	event_active(w->done_ev, EV_READ, 0);
}

static void
done_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;
	struct job	*jobs, *next;

	(void)fd;
	(void)ev;
	pthread_mutex_lock(&w->done_lock);
	jobs = w->done_head;
	w->done_head = NULL;
	w->done_tail = &w->done_head;
	pthread_mutex_unlock(&w->done_lock);
	for (struct job *j = jobs; j != NULL; j = next) {
		next = j->next;
		w->pending--;
		j->done(j);
	}
}

static void
exit_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	(void)fd;
	(void)ev;
	event_base_loopexit(w->base, NULL);
}

/* While stopping: leave the loop once nothing waits for the writer. */
static void
stop_check(struct worker *w)
{
	struct timeval	linger = { 0, STOP_LINGER_MS * 1000 };

	if (w->pending == 0 && !evtimer_pending(w->exit_ev, NULL))
		evtimer_add(w->exit_ev, &linger);
}

static void
stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;
	struct timeval	 grace = { w->srv->cfg.shutdown_grace, 0 };

	(void)fd;
	(void)ev;
	if (w->stopping)
		return;
	w->stopping = 1;
	evconnlistener_disable(w->listener);
	stop_check(w);
	/* Hard limit: a client that never reads cannot hold us up. */
	event_base_loopexit(w->base, &grace);
}

static void
signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct server	*srv = arg;

	(void)ev;
	log_info("signal %d: finishing requests in flight, then stopping",
	    (int)sig);
	http_stop(srv);
}

void
http_stop(struct server *srv)
{
	for (int i = 0; i < srv->nworkers; i++)
		event_active(srv->workers[i].stop_ev, EV_READ, 0);
}

/* Bind a socket to host:port (SO_REUSEPORT if shared); -1 with cause. */
static int
bind_socket(const char *host, int port, int shared, int *bound_port,
    char **cause)
{
	struct addrinfo		 hints = { 0 }, *ai = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 portstr[16];
	int			 fd = -1, one = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &ai)) != 0) {
		xasprintf(cause, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    (shared && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one,
	    sizeof one) == -1) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		xasprintf(cause, "cannot listen on %s:%d: %s", host, port,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	*bound_port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/*
 * A listening socket on host:port that the other workers share through
 * SO_REUSEPORT. The first worker first binds without it: SO_REUSEPORT
 * would let a second techtankd of the same user join the port silently,
 * and split the requests between two databases.
 */
static int
listen_socket(const char *host, int port, int first, int *bound_port,
    char **cause)
{
	int	fd;

	if (first) {
		if ((fd = bind_socket(host, port, 0, &port, cause)) == -1)
			return -1;
		close(fd);
	}
	if ((fd = bind_socket(host, port, 1, bound_port, cause)) == -1)
		return -1;
	if (listen(fd, LISTEN_BACKLOG) == -1) {
		xasprintf(cause, "cannot listen on %s:%d: %s", host, port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
worker_init(struct server *srv, struct worker *w, int index, char **cause)
{
	const struct config	*cfg = &srv->cfg;
	int			 fd, port;

	w->index = index;
	w->srv = srv;
	w->done_tail = &w->done_head;
	pthread_mutex_init(&w->done_lock, NULL);
	w->max_conns = cfg->max_connections / srv->nworkers;
	if (w->max_conns < 1)
		w->max_conns = 1;
	w->conns = conn_set_create((size_t)w->max_conns);
	w->log = evbuffer_new();
	if ((w->store = store_open(cfg->db_path, 0, cause)) == NULL)
		return -1;
	if ((w->base = event_base_new()) == NULL) {
		xasprintf(cause, "cannot create an event base");
		return -1;
	}
	w->done_ev = event_new(w->base, -1, EV_PERSIST, done_cb, w);
	w->stop_ev = event_new(w->base, -1, 0, stop_cb, w);
	w->exit_ev = evtimer_new(w->base, exit_cb, w);
	w->log_ev = event_new(w->base, -1, EV_PERSIST, log_flush_cb, w);
	{
		struct timeval	tv = { 0, LOG_FLUSH_MS * 1000 };
		event_add(w->log_ev, &tv);
	}

	w->http = evhttp_new(w->base);
	evhttp_set_max_headers_size(w->http, cfg->max_headers);
	evhttp_set_max_body_size(w->http, cfg->max_body);
	evhttp_set_timeout(w->http, cfg->timeout);
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
	evhttp_set_default_content_type(w->http, "text/html; charset=utf-8");
	evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(w->http, request_cb, w);

	port = srv->port != 0 ? srv->port : cfg->listen_port;
	if ((fd = listen_socket(cfg->listen_host, port, index == 0,
	    &srv->port, cause)) == -1)
		return -1;
	w->listener = evconnlistener_new(w->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (w->listener == NULL ||
	    evhttp_bind_listener(w->http, w->listener) == NULL) {
		xasprintf(cause, "cannot listen on %s:%d", cfg->listen_host,
		    port);
		return -1;
	}
	return 0;
}

int
http_start(struct server *srv, char **cause)
{
	if (evthread_use_pthreads() != 0) {
		xasprintf(cause, "libevent has no thread support");
		return -1;
	}
	srv->workers = xcalloc((size_t)srv->nworkers, sizeof *srv->workers);
	for (int i = 0; i < srv->nworkers; i++)
		if (worker_init(srv, &srv->workers[i], i, cause) != 0)
			return -1;
	srv->sigterm_ev = evsignal_new(srv->workers[0].base, SIGTERM,
	    signal_cb, srv);
	srv->sigint_ev = evsignal_new(srv->workers[0].base, SIGINT,
	    signal_cb, srv);
	event_add(srv->sigterm_ev, NULL);
	event_add(srv->sigint_ev, NULL);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	char		 name[16];

	snprintf(name, sizeof name, "tt-http-%d", w->index);
	pthread_setname_np(pthread_self(), name);
	event_base_dispatch(w->base);
	return NULL;
}

/* Run every worker until stopped; worker 0 runs on the calling thread. */
void
http_run(struct server *srv)
{
	sigset_t	block, old;

	/* Signals go to the main thread's loop only. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (int i = 1; i < srv->nworkers; i++)
		pthread_create(&srv->workers[i].thread, NULL, worker_main,
		    &srv->workers[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	event_base_dispatch(srv->workers[0].base);
	for (int i = 1; i < srv->nworkers; i++)
		pthread_join(srv->workers[i].thread, NULL);
}

void
http_free(struct server *srv)
{
	for (int i = 0; i < srv->nworkers; i++) {
		struct worker	*w = &srv->workers[i];
		struct job	*j, *next;

		/* Jobs the writer finished after a forced stop: unanswered. */
		for (j = w->done_head; j != NULL; j = next) {
			next = j->next;
			free(j->hr->path_buf);
			free(j->hr);
			job_free(j);
		}
		if (w->log != NULL) {
			log_flush(w);
			evbuffer_free(w->log);
		}
		if (w->http != NULL)
			evhttp_free(w->http);
		if (w->done_ev != NULL)
			event_free(w->done_ev);
		if (w->stop_ev != NULL)
			event_free(w->stop_ev);
		if (w->exit_ev != NULL)
			event_free(w->exit_ev);
		if (w->log_ev != NULL)
			event_free(w->log_ev);
		if (i == 0) {
			if (srv->sigterm_ev != NULL)
				event_free(srv->sigterm_ev);
			if (srv->sigint_ev != NULL)
				event_free(srv->sigint_ev);
		}
		if (w->base != NULL)
			event_base_free(w->base);
		store_close(w->store);
		if (w->conns != NULL)
			conn_set_free(w->conns);
		free(w->programme);
		pthread_mutex_destroy(&w->done_lock);
	}
	free(srv->workers);
}
