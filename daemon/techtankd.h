/*
 * techtankd.h: the daemon's internal interfaces, grouped by file. One
 * event loop per worker thread serves HTTP; one writer thread commits all
 * writes in groups (writer.c).
 */
#ifndef TECHTANKD_H
#define TECHTANKD_H

#include <pthread.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "techtank.h"
#include "store-door.h"

/* Every limit and tunable, filled from the command line (techtankd.c). */
struct config {
	char	*listen_host;
	int	 listen_port;		/* 0: pick a free port */
	char	*db_path;
	char	*web_root;
	char	*public_url;		/* base of links sent to attendees */
	char	*access_log;		/* NULL: standard error */
	int	 demo;			/* load the demo into an empty db */
	int	 threads;		/* HTTP worker threads */
	int	 max_connections;	/* over all workers */
	long	 max_body;		/* bytes; larger bodies get 413 */
	long	 max_headers;		/* bytes of request line + headers */
	int	 timeout;		/* seconds of silence before closing */
	int	 batch_max;		/* jobs in one group commit at most */
	int	 checkpoint_ms;		/* WAL checkpoint interval */
	int	 shutdown_grace;	/* seconds to finish work on SIGTERM */
	int	 secure_cookies;	/* served over TLS: cookies get Secure */
	char	*role;			/* user add --role */
	char	**args;			/* a "user" command and its words */
	int	 nargs;
};

struct conn_set;
struct evbuffer;
struct job;

struct worker {
	int			 index;
	pthread_t		 thread;
	struct server		*srv;
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*listener;
	struct store		*store;

	struct event		*done_ev;	/* the writer finished jobs */
	pthread_mutex_t		 done_lock;
	struct job		*done_head;
	struct job		**done_tail;
	int			 pending;	/* jobs at the writer */

	struct event		*stop_ev;
	struct event		*exit_ev;
	int			 stopping;

	struct conn_set		*conns;
	int			 max_conns;

	struct evbuffer		*log;
	struct event		*log_ev;

	char			*programme;	/* cached JSON */
	size_t			 programme_len;
	int64_t			 programme_loaded;
};

struct server {
	struct config		 cfg;
	struct worker		*workers;
	int			 nworkers;
	int			 log_fd;
	struct event		*sigterm_ev;
	struct event		*sigint_ev;
	int			 port;		/* the one bound */
};

/* A request in flight: answered exactly once by one of the http_reply_*. */
struct http_req {
	struct worker		*w;
	struct evhttp_request	*req;
	int64_t			 t0;
	enum evhttp_cmd_type	 method;
	const char		*path;		/* decoded, without query */
	char			*path_buf;
	const char		*log_path;	/* secrets masked */
};

/* http.c */
int http_start(struct server *, char **cause);
void http_run(struct server *);
void http_stop(struct server *);
void http_free(struct server *);
void http_reply_json(struct http_req *, int status, json_t *body);
void http_reply_error(struct http_req *, int status, const char *code,
	    const char *message, json_t *fields);
void http_reply_data(struct http_req *, int status, const char *type,
	    struct evbuffer *body);
void http_header(struct http_req *, const char *, const char *);
json_t *http_body_json(struct http_req *, const unsigned char **, size_t *);
const char *http_input_header(struct http_req *, const char *);
const char *http_status_text(int);

/* accesslog.c */
int accesslog_start(int fd, char **cause);
void accesslog_hand(struct evbuffer *);
void accesslog_stop(void);

/* auth.c */
void auth_address(struct http_req *, char *, size_t);
int auth_staff(struct http_req *, const char *role, struct staff *);
void auth_set_cookie(struct http_req *, const char *token);
void auth_verify(struct job *);
int auth_login_begin(struct store *, const char *user, const char *address);
void auth_login_end(const char *user, const char *address);
int auth_init(char **cause);

/* slow.c */
void slow_submit(struct job *);
int slow_start(char **cause);
void slow_stop(void);

/* api-session.c */
void api_session_login(struct http_req *, const char *);
void api_session_get(struct http_req *, const char *);
void api_session_logout(struct http_req *, const char *);

/* api-checkins.c */
void api_checkpoints(struct http_req *, const char *);
void api_checkin(struct http_req *, const char *);
void api_checkin_undo(struct http_req *, const char *);
void api_checkin_stats(struct http_req *, const char *);
void api_attendee_search(struct http_req *, const char *);

/* router.c */
void router_dispatch(struct http_req *);

/* api-event.c */
void api_healthz(struct http_req *, const char *);
void api_event(struct http_req *, const char *);
void api_programme(struct http_req *, const char *);

/* api-registrations.c */
void api_registration_create(struct http_req *, const char *);
void api_registration_get(struct http_req *, const char *);
void api_registration_cancel(struct http_req *, const char *);

/* api-passes.c */
void api_pass_pdf(struct http_req *, const char *);
void api_pass_png(struct http_req *, const char *);

/* static.c */
int static_open_root(const char *, char **cause);
void static_serve(struct http_req *, const char *);

/* writer.c: work for the writer thread, answered after the commit */
struct job {
	/* On the writer, in the group's transaction: 0, or -1 to undo. */
	int			(*run)(struct store *, struct job *);
	/* On the request's worker, once the group is on disk. */
	void			(*done)(struct job *);
	/* On the slow thread first, when set (slow.c). */
	void			(*slow)(struct job *);
	void			*data;		/* owned, freed by data_free */
	void			(*data_free)(void *);
	struct http_req		*hr;

	struct reg_input	*input;		/* registrations */
	char			*idem_key;
	unsigned char		 idem_hash[32];
	char			*token;

	struct staff		 who;		/* staff requests */
	char			 address[64];
	char			*username;	/* login */
	char			*password;
	char			*hash;
	int			 verified;
	char			 session[STAFF_TOKEN_LEN + 1];
	char			 csrf[STAFF_TOKEN_LEN + 1];
	char			*code;		/* check-ins */
	int64_t			 attendee_id;
	char			*checkpoint;
	char			*nonce;
	int64_t			 checkin_id;

	int64_t			 result;	/* registration id, or -1 */
	int			 replayed;
	json_t			*answer;
	struct store_error	 err;
	struct job		*next;
};
struct job *job_create(struct http_req *,
	    int (*)(struct store *, struct job *), void (*)(struct job *));
int writer_start(const struct config *, char **cause);
void writer_submit(struct job *);
void writer_stop(void);
void job_free(struct job *);

/* http.c, called by writer.c on the writer thread */
void http_job_done(struct job *);

#endif
