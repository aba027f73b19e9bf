/*
 * worker.c: the HTTP worker threads. Each runs its own event_base and
 * evhttp on its own socket, with its own read-only database connection;
 * jobs it sent to other threads come back through its done queue and are
 * answered on its loop. SIGTERM stops accepting, answers what is in
 * flight, and leaves the loops.
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/thread.h>

#include "techtankd.h"
#include "store-release.h"

/* On any thread: wake the worker's loop to answer what came back. */
static void
done_wake(void *arg)
{
	struct worker	*w = arg;

	event_active(w->done_ev, EV_READ, 0);
}

void
worker_hand_back(struct worker *w, struct job *job)
{
	queue_push(&w->done, &job->item);
}

/*
 * Answer what came back, a few at a time. One group commit hands back
 * dozens of registrations at once, and each answer reads the registration
 * again: answering them all in one callback kept every request that had
 * arrived meanwhile (a programme read, a scan at the door) waiting for
 * milliseconds. After a few, the rest wait for a timer of no delay, which
 * runs after the loop has looked for new input and served it.
 */
#define DONE_PER_TURN	4

static void
done_cb(evutil_socket_t fd, short ev, void *arg)
{
	static const struct timeval	 now = { 0, 0 };
	struct worker			*w = arg;
	struct queue_item		*items, *next;
	size_t				 n = 0;

	(void)fd;
	(void)ev;
	for (items = queue_take(&w->done, DONE_PER_TURN, 0); items != NULL;
	    items = next) {
		next = items->next;
		job_finish((struct job *)items);
		n++;
	}
	if (n == DONE_PER_TURN)
		event_add(w->done_more_ev, &now);
}

void
worker_log_flush(struct worker *w)
{
	accesslog_hand(w->log);
}

/* A request's line of the access log; handed on once enough has gathered. */
void
worker_log_line(struct worker *w, const char *client, const char *method,
    const char *path, int status, size_t bytes, int64_t t0)
{
	accesslog_line(w->log, client, method, path, status, bytes,
	    timefmt_now_usec() - t0);
	if (evbuffer_get_length(w->log) >= LOG_FLUSH_BYTES)
		worker_log_flush(w);
}

static void
log_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	worker_log_flush(arg);
}

static void
exit_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;

	(void)fd;
	(void)ev;
	event_base_loopexit(w->base, NULL);
}

/* While stopping: leave the loop once nothing waits for another thread. */
void
worker_stop_check(struct worker *w)
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
	worker_stop_check(w);
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
	notify("STOPPING=1\nSTATUS=finishing the requests in flight");
	worker_stop_all(srv);
}

/* SIGHUP: logrotate has moved the access log away. */
static void
sighup_cb(evutil_socket_t sig, short ev, void *arg)
{
	(void)sig;
	(void)ev;
	(void)arg;
	accesslog_reopen();
	log_info("SIGHUP: reopening the access log");
}

/*
 * Each loop notes that it turns; worker 0 tells systemd's watchdog only
 * while every loop has turned within the watchdog's interval, so that one
 * stuck loop (a 1/N share of the connections left unanswered) gets the
 * daemon restarted too.
 */
static void
watchdog_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct worker	*w = arg;
	struct server	*srv = w->srv;
	int64_t		 now = timefmt_now_usec();
	int64_t		 limit = (int64_t)notify_watchdog_usec();

	(void)fd;
	(void)ev;
	atomic_store(&w->beat, now);
	if (w->index != 0)
		return;
	for (int i = 0; i < srv->nworkers; i++)
		if (now - atomic_load(&srv->workers[i].beat) > limit)
			return;
	notify_watchdog();
}

/* Ping at half the interval systemd expects, as sd_watchdog_enabled(3)
 * advises. */
static void
watchdog_setup(struct worker *w)
{
	uint64_t	usec = notify_watchdog_usec() / 2;
	struct timeval	tv = { (time_t)(usec / 1000000),
	    (suseconds_t)(usec % 1000000) };

	atomic_store(&w->beat, timefmt_now_usec());
	if (usec == 0)
		return;
	w->watchdog_ev = event_new(w->base, -1, EV_PERSIST, watchdog_cb, w);
	event_add(w->watchdog_ev, &tv);
}

void
worker_stop_all(struct server *srv)
{
	for (int i = 0; i < srv->nworkers; i++)
		event_active(srv->workers[i].stop_ev, EV_READ, 0);
}

/*
 * A worker's loop. With the changelist, the epoll_ctl calls a turn asks
 * for are made once, merged, before the loop polls again: answering a
 * request turns reading off and writing on, and sending it the other way
 * round, which would be four system calls a request, and are two.
 */
static struct event_base *
loop_new(void)
{
	struct event_config	*ec = event_config_new();
	struct event_base	*base;

	if (ec == NULL)
		return NULL;
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	return base;
}

static int
worker_init(struct server *srv, struct worker *w, int index, char **cause)
{
	const struct config	*cfg = &srv->cfg;
	struct timeval		 flush = { 0, LOG_FLUSH_MS * 1000 };
	int			 fd, port;

	w->index = index;
	w->srv = srv;
	w->max_conns = cfg->max_connections / srv->nworkers;
	if (w->max_conns < 1)
		w->max_conns = 1;
	w->log = evbuffer_new();
	if ((w->store = store_open(cfg->db_path, 0, cause)) == NULL)
		return -1;
	if ((w->base = loop_new()) == NULL) {
		xasprintf(cause, "cannot create an event base");
		return -1;
	}
	queue_init(&w->done, done_wake, w);
	w->done_ev = event_new(w->base, -1, EV_PERSIST, done_cb, w);
	w->done_more_ev = evtimer_new(w->base, done_cb, w);
	w->stop_ev = event_new(w->base, -1, 0, stop_cb, w);
	w->exit_ev = evtimer_new(w->base, exit_cb, w);
	w->log_ev = event_new(w->base, -1, EV_PERSIST, log_flush_cb, w);
	event_add(w->log_ev, &flush);
	watchdog_setup(w);

	w->http = evhttp_new(w->base);
	evhttp_set_max_headers_size(w->http, cfg->max_headers);
	evhttp_set_max_body_size(w->http, cfg->max_body);
	evhttp_set_timeout(w->http, cfg->timeout);
	/*
	 * Every method, known or not (an unknown one arrives as a bit of its
	 * own), reaches http_request(): evhttp would answer the rest with its
	 * own HTML 501, the router answers with the JSON 405 or 501 and the
	 * Allow of the path.
	 */
	evhttp_set_allowed_methods(w->http, 0xffff);
	evhttp_set_default_content_type(w->http, "text/plain; charset=utf-8");
	/*
	 * No EVHTTP_SERVER_LINGERING_CLOSE: with it evhttp answers a body
	 * over --max-body (or an Expect: 100-continue announcing one) only
	 * once it has read and dropped the whole body, so a client that
	 * waits for the answer before sending waits for ever, and one that
	 * sends 10 MB has them all read for nothing. Without it the 413
	 * leaves at once and the connection closes. The cost is that bytes
	 * still arriving after the close draw a reset, which a client on a
	 * lossy network may see before the answer; on loopback 60 of 60
	 * bodies of 100 KB to 20 MB sent whole still got their 413.
	 */
	evhttp_set_gencb(w->http, http_request, w);

	port = srv->port != 0 ? srv->port : cfg->listen.port;
	if ((fd = listen_socket(cfg->listen.host, port, index == 0,
	    &srv->port, cause)) == -1)
		return -1;
	w->listener = evconnlistener_new(w->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (w->listener == NULL ||
	    evhttp_bind_listener(w->http, w->listener) == NULL) {
		xasprintf(cause, "cannot listen on %s:%d", cfg->listen.host,
		    port);
		return -1;
	}
	conn_setup(w);
	return 0;
}

/*
 * Raise the descriptor limit to its hard maximum, and keep the connection
 * cap below it with a reserve for the database, the log and the pages.
 */
static void
fit_fd_limit(struct config *cfg, int nworkers)
{
	struct rlimit	rl;
	long		room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return;
	room = (long)rl.rlim_cur - FD_RESERVE - 8L * nworkers;
	if (room < nworkers)
		room = nworkers;
	if (cfg->max_connections > room) {
		log_info("at most %ld open files: serving %ld connections "
		    "at once, not %d", (long)rl.rlim_cur, room,
		    cfg->max_connections);
		cfg->max_connections = (int)room;
	}
}

int
worker_start_all(struct server *srv, char **cause)
{
	if (evthread_use_pthreads() != 0) {
		xasprintf(cause, "libevent has no thread support");
		return -1;
	}
	fit_fd_limit(&srv->cfg, srv->nworkers);
	srv->workers = xcalloc((size_t)srv->nworkers, sizeof *srv->workers);
	for (int i = 0; i < srv->nworkers; i++)
		if (worker_init(srv, &srv->workers[i], i, cause) != 0)
			return -1;
	srv->sigterm_ev = evsignal_new(srv->workers[0].base, SIGTERM,
	    signal_cb, srv);
	srv->sigint_ev = evsignal_new(srv->workers[0].base, SIGINT,
	    signal_cb, srv);
	srv->sighup_ev = evsignal_new(srv->workers[0].base, SIGHUP,
	    sighup_cb, srv);
	event_add(srv->sigterm_ev, NULL);
	event_add(srv->sigint_ev, NULL);
	event_add(srv->sighup_ev, NULL);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	conn_thread(w);
	event_base_dispatch(w->base);
	return NULL;
}

/* Run every worker until stopped; worker 0 runs on the calling thread. */
void
worker_run_all(struct server *srv)
{
	sigset_t	 block, old;
	char		 name[16], *cause = NULL;
	int		 started = 1;

	/* Signals go to the main thread's loop only. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (int i = 1; i < srv->nworkers; i++, started++) {
		snprintf(name, sizeof name, "http-%d", i);
		if (thread_start(&srv->workers[i].thread, worker_main,
		    &srv->workers[i], name, &cause) != 0)
			fatalx("%s", cause);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_setname_np(pthread_self(), "tt-http-0");
	conn_thread(&srv->workers[0]);
	event_base_dispatch(srv->workers[0].base);
	for (int i = 1; i < started; i++)
		pthread_join(srv->workers[i].thread, NULL);
}

void
worker_free_all(struct server *srv)
{
	for (int i = 0; i < srv->nworkers; i++) {
		struct worker		*w = &srv->workers[i];
		struct queue_item	*j, *next;

		/* Jobs finished after a forced stop: never answered. */
		if (w->base != NULL)
			for (j = queue_take(&w->done, 0, 0); j != NULL;
			    j = next) {
				next = j->next;
				job_abandon((struct job *)j);
			}
		w->stopping = 1;	/* conn_gone() must not resume */
		/* Answers still streaming end here, and are logged. */
		if (w->http != NULL)
			evhttp_free(w->http);
		if (w->log != NULL) {
			worker_log_flush(w);
			evbuffer_free(w->log);
		}
		if (w->done_ev != NULL)
			event_free(w->done_ev);
		if (w->done_more_ev != NULL)
			event_free(w->done_more_ev);
		if (w->stop_ev != NULL)
			event_free(w->stop_ev);
		if (w->exit_ev != NULL)
			event_free(w->exit_ev);
		if (w->log_ev != NULL)
			event_free(w->log_ev);
		if (w->watchdog_ev != NULL)
			event_free(w->watchdog_ev);
		if (w->accept_ev != NULL)
			event_free(w->accept_ev);
		if (i == 0) {
			if (srv->sigterm_ev != NULL)
				event_free(srv->sigterm_ev);
			if (srv->sigint_ev != NULL)
				event_free(srv->sigint_ev);
			if (srv->sighup_ev != NULL)
				event_free(srv->sighup_ev);
		}
		/* The connections' events are on the base: freed before it. */
		conn_set_free(w->conns);
		if (w->base != NULL) {
			event_base_free(w->base);
			queue_destroy(&w->done);
		}
		store_close(w->store);
		free(w->programme);
		free(w->programme_head);
		store_release_cache_free(w->release);
		schedule_cache_free(w->schedule);
	}
	free(srv->workers);
}
