/*
 * techtankd.h: the daemon's internal interfaces, grouped by file. One
 * event loop per worker thread serves HTTP; one writer thread commits all
 * writes in groups (writer.c).
 */
#ifndef TECHTANKD_H
#define TECHTANKD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "techtank.h"
#include "store-door.h"
#include "export.h"
#include "parse.h"

/*
 * Every limit and tunable of the daemon, named here. The ones a site may
 * want to change are options: struct config holds them, and the table in
 * config-table.c describes each (its name, kind, default and the reason
 * for it, help text); the rest are fixed.
 */
#define THREADS_MAX		8	/* HTTP workers at most */
#define LISTEN_BACKLOG		1024
#define FD_RESERVE		32	/* descriptors kept for files, the db */
#define ACCEPT_BACKOFF_MS	250	/* pause accepting after EMFILE */
#define EVICT_CHECK_MS		250	/* at the cap: look for room this often */
#define EVICT_IDLE_MS		500	/* idle this long may make room */
#define STOP_LINGER_MS		100	/* let the last replies leave */
#define LOG_FLUSH_BYTES		16384	/* a worker hands its lines over */
#define LOG_FLUSH_MS		250	/* ... or this often */
#define ACCESSLOG_MAX_PENDING	(16 * 1024 * 1024)	/* then drop */
#define ACCESSLOG_INTERVAL_MS	1000	/* one write a second at most */
#define STATIC_MAX_BYTES	(8 * 1024 * 1024)	/* largest web file */
#define IDEMPOTENCY_KEY_MAX	128
#define PASSWORD_MAX		1024
#define USERNAME_MAX		63
#define SEARCH_MAX_BYTES	100
#define CONFIG_PATH_DEFAULT	"/etc/techtank/techtankd.conf"
#define CONFIG_FILE_MAX		(1024 * 1024)	/* bytes of the config file */
#define CONFIG_LINE_MAX		1024	/* bytes of one of its lines */
#define MAIL_RETRY_CAP		3600	/* back-off doubles up to an hour */
#define MAIL_ATTEMPTS_MAX	12	/* then "failed", until retried by hand */
#define MAIL_PASSWORD_MAX	1024	/* bytes of the SMTP password */
#define MAIL_IDLE_MS		30000	/* look at the outbox this often at least */

struct config_address {
	char	*host;
	int	 port;			/* 0: pick a free port */
};
struct config_ranges {
	struct net_range	*v;
	size_t			 n;
};
#define STREAM_LOW_MARK		(64 * 1024)	/* output below: the next piece */
#define PRINT_JOBS_ACTIVE	4	/* print jobs waiting or drawn at once */
#define PRINT_JOBS_MAX		16	/* kept, finished ones included */
#define PRINT_JOB_TTL		600	/* seconds a finished job is kept */
#define PRINT_IDS_MAX		1000	/* attendees chosen by id in one job */
#define PRINT_TAGS_MAX		5000	/* tags in one job (larger: the CLI) */
#define PRINT_SLICE		25	/* tags drawn in a slow thread's turn */
#define PRINT_PDF_MAX		(64 * 1024 * 1024)	/* bytes of one PDF */
#define CSV_FILL_ROWS		256	/* rows of an export per piece */
#define XLSX_SLICE_ROWS		5000	/* rows of a slow thread's turn */

struct config {
	char	*config_path;		/* NULL: CONFIG_PATH_DEFAULT, if any */
	int	 check_config;		/* print the settings and exit */
	int	 help;
	int	 version;
	struct config_address listen;
	char	*db_path;
	char	*web_root;
	char	*public_url;		/* base of links sent to attendees */
	char	*access_log;		/* NULL: standard error */
	int	 demo;			/* load the demo into an empty db */
	int	 threads;		/* HTTP worker threads */
	int	 max_connections;	/* over all workers, counted at accept */
	int	 max_body;		/* bytes; larger bodies get 413 */
	long	 max_headers;		/* bytes of request line + headers */
	int	 timeout;		/* seconds of silence before closing */
	int	 header_timeout;	/* seconds for a request's head to arrive */
	int	 body_timeout;		/* ... then for its body */
	int	 batch_max;		/* jobs in one group commit at most */
	int	 checkpoint_ms;		/* WAL checkpoint interval */
	int	 erase_check_ms;	/* looks for events to erase */
	int	 shutdown_grace;	/* seconds to finish work on SIGTERM */
	int	 secure_cookies;	/* served over TLS: cookies get Secure */
	struct config_ranges trusted_proxies; /* believed in X-Forwarded-For */
	char	*smtp_url;		/* NULL: mail stays in the outbox */
	char	*smtp_user;
	char	*smtp_password_file;	/* else TECHTANK_SMTP_PASSWORD */
	char	*smtp_ca_file;		/* NULL: the system's CAs */
	char	*mail_from;
	int	 smtp_timeout;		/* seconds of one attempt at most */
	int	 mail_rate;		/* messages a minute at most */
	int	 mail_retry;		/* seconds before the first retry */
	char	*role;			/* user add --role */
	char	**args;			/* a "user" command and its words */
	int	 nargs;
};

/*
 * config.c, config-table.c: the options, described once in config_options[]
 * and read from the command line and the configuration file by the same
 * code. The command line overrides the file, the file the defaults. A new
 * option is a field here and a row in the table; a new kind of value a
 * case in config_set() and in config_value().
 */
enum config_type {
	CONFIG_STRING,		/* char *, never empty; NULL until set */
	CONFIG_FLAG,		/* int, 0 or 1: --name[=false], name = true */
	CONFIG_NUMBER,		/* int from min to max */
	CONFIG_ADDRESS,		/* struct config_address, from ADDR:PORT */
	CONFIG_RANGES,		/* struct config_ranges: ADDR[/N], ... added */
};
#define CONFIG_CMDLINE	0x1	/* on the command line only, not in the file */
#define CONFIG_SECRET	0x2	/* never shown: --check-config masks it */
#define CONFIG_NEGATE	0x4	/* a flag kept as its opposite (no-demo) */
struct config_option {
	const char	*name;		/* --name, and the file's key */
	enum config_type type;
	size_t		 offset;	/* of the value in struct config */
	const char	*arg;		/* the value's name in --help: "SECS" */
	const char	*def;		/* default, read as a value is; or NULL */
	const char	*def_text;	/* the default in words, instead of def */
	int		 min, max;	/* of a number */
	int		 flags;
	const char	*help;
};
extern const struct config_option config_options[];	/* NULL name ends */
void config_tunables(struct config *);
struct config_args;
void config_defaults(struct config *);
void config_free(struct config *);
const struct config_option *config_find(const char *);
int config_set(struct config *, const struct config_option *,
	    const char *value, char **cause);
char *config_value(const struct config *, const struct config_option *);
struct config_args *config_args(struct config *, int argc, char **argv);
int config_args_apply(struct config *, struct config_args *, char **cause);
int config_parse(struct config *, const char *name, const char *buf,
	    size_t len, char **cause);
int config_read(struct config *, char **cause);
void config_usage(FILE *);
void config_print(FILE *, const struct config *);

struct conn;
struct conn_set;
struct evbuffer;
struct job;

/* queue.c: the one thread-safe FIFO; items link through queue_item. */
struct queue_item {
	struct queue_item	*next;
};
struct queue {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct queue_item	*head;
	struct queue_item	**tail;
	size_t			 n;
	int			 closed;
	void			(*wake)(void *);	/* or NULL */
	void			*wake_arg;
};
void queue_init(struct queue *, void (*wake)(void *), void *);
void queue_destroy(struct queue *);
void queue_push(struct queue *, struct queue_item *);
struct queue_item *queue_take(struct queue *, size_t max, int wait_ms);
void queue_close(struct queue *);
int queue_closed(struct queue *);
int thread_start(pthread_t *, void *(*)(void *), void *, const char *,
	    char **cause);

struct worker {
	int			 index;
	pthread_t		 thread;
	struct server		*srv;
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*listener;
	struct store		*store;

	struct queue		 done;		/* jobs back to be answered */
	struct event		*done_ev;
	struct event		*done_more_ev;	/* the rest, after new input */
	int			 pending;	/* jobs out on other threads */

	struct event		*stop_ev;
	struct event		*exit_ev;
	int			 stopping;

	struct conn_set		*conns;
	int			 max_conns;
	struct event		*accept_ev;	/* resumes after EMFILE */
	int			 emfile_logged;

	struct evbuffer		*log;
	struct event		*log_ev;

	struct event		*watchdog_ev;	/* with systemd's watchdog */
	_Atomic int64_t		 beat;		/* µs: the loop last turned */

	char			*programme;	/* cached JSON */
	size_t			 programme_len;
	char			*programme_head;	/* its fields, kept */
	size_t			 programme_head_len;
	uint64_t		 programme_generation;
	struct release_cache	*release;	/* the release it was made of */
	struct schedule_cache	*schedule;	/* api-schedule.c's files */
};

struct server {
	struct config		 cfg;
	struct worker		*workers;
	int			 nworkers;
	struct event		*sigterm_ev;
	struct event		*sigint_ev;
	struct event		*sighup_ev;
	int			 port;		/* the one bound */
	struct door_cache	*door_cache;	/* the door copies' parts */
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
	int			 close;		/* end the connection after */
	char			*segs;		/* path split at '/' */
	const char		*args[ROUTE_ARGS_MAX];	/* the "*" segments */
	struct staff		 who;		/* routes for staff */
	const struct route	*route;		/* the one being served */
};

/* http.c */
void http_request(struct evhttp_request *, void *worker);
void http_req_free(struct http_req *);
void http_reply_headers(struct http_req *, const char *type);
char *http_kept_head(const char *const fields[][2], size_t nfields,
	    const char *type, size_t body_len, size_t *len);
void http_reply_done(struct http_req *, int status, size_t bytes);
void http_reply_json(struct http_req *, int status, json_t *body);
void http_reply_json_text(struct http_req *, int status, char *text);
void http_reply_error(struct http_req *, int status, const char *code,
	    const char *message, json_t *fields);
void http_reply_store_error(struct http_req *, struct store_error *);
void http_reply_read(struct http_req *, json_t *);
void http_reply_read_text(struct http_req *, char *);
void http_reply_qr_svg(struct http_req *, const char *code); /* api-passes.c */
void http_reply_data(struct http_req *, int status, const char *type,
	    struct evbuffer *body);
void http_header(struct http_req *, const char *, const char *);
const char *http_query_value(struct http_req *, const char *, char *, size_t);
struct http_list {
	int64_t		 limit;
	int64_t		 offset;
	const char	*choice;	/* the filter's value, in buf; NULL */
	char		 buf[32];
};
int http_list_query(struct http_req *, const char *filter,
	    const char *const *choices, struct http_list *);
int64_t http_query_int(struct http_req *, const char *, int64_t def,
	    int64_t max);
void http_disposition(struct http_req *, const char *disposition,
	    const char *name, const char *ext);
char *http_disposition_value(const char *disposition, const char *name,
	    const char *ext);
json_t *http_body_json(struct http_req *, const unsigned char **, size_t *);
const char *http_input_header(struct http_req *, const char *);
void http_client_address(struct http_req *, char *, size_t);
/* What a writer job on one row needs of its request: the row, who, where. */
struct staff_op {
	int64_t		 id;
	struct staff	 who;
	char		 address[64];
};
struct staff_op *staff_op_new(struct http_req *, int64_t id);
const char *http_status_text(int);
const char *http_method_name(enum evhttp_cmd_type);

/* guard.c */
struct guard_verdict {
	int		 status;
	const char	*code;
	const char	*message;
};
int guard_request(struct evhttp_request *, struct guard_verdict *);
int guard_body_unread(struct evhttp_request *);

/* conn.c */
struct conn_set *conn_set_create(size_t);
void conn_set_free(struct conn_set *);
void conn_admit(struct worker *, struct evhttp_request *);
void conn_close_after(struct worker *, struct evhttp_request *);
int conn_watch(struct worker *, struct evhttp_request *, void (*)(void *),
	    void *);
void conn_refused(struct conn *, int status, size_t bytes);

/* errpage.c */
void errpage_watch(struct evbuffer *, struct conn *);
void errpage_unwatch(struct evbuffer *, struct conn *);

/* headscan.c: a request's head checked before evhttp parses it */
struct headscan {
	size_t	 checked;	/* bytes from the input's start */
	int	 active;	/* in a head */
	int	 line_start;
	int	 first_line;
	int	 prev_cr;
	int	 busy;		/* our own changes to the buffer */
	int	 dropped;	/* empty lines before the request */
	char	 tail[9];	/* the request line's last bytes: " HTTP/1.1" */
	size_t	 tail_len;
	char	 line[96];	/* its start, for the log of a refusal */
	size_t	 line_len;
	int	 taken;		/* evhttp has read part of this head */
	int	(*arrived)(void *);	/* the head is complete: 1 when it
					 * was answered and taken away */
	void	(*refuse)(void *);	/* a chunked body broke its framing */
	void	*arrived_arg;		/* for both */
	char	 field[32];		/* the field line's start, lower case */
	size_t	 field_len;
	int	 chunked;		/* Transfer-Encoding: chunked */
	int	 phase;			/* in the head, or where in the body */
	int64_t	 chunk_left;		/* of the chunk's size or data */
	int	 digits;
};
void headscan_start(struct headscan *);
void headscan_watch(struct evbuffer *, struct headscan *,
	    int (*arrived)(void *), void (*refuse)(void *), void *);
void headscan_next(struct evbuffer *, struct headscan *);
void headscan_unwatch(struct evbuffer *, struct headscan *);
void conn_setup(struct worker *);
void conn_thread(struct worker *);

/* proxy.c */
struct evkeyvalq;
void proxy_client_address(const struct config *, struct evhttp_connection *,
	    const struct evkeyvalq *headers, char *, size_t);

/* backup.c */
int backup_command(int argc, char **argv);

/* listen.c */
int listen_socket(const char *host, int port, int first, int *bound_port,
	    char **cause);

/* admin-imports.c */
int import_path(const char *target);
int bank_file_path(const char *target);

/* worker.c */
int worker_start_all(struct server *, char **cause);
void worker_run_all(struct server *);
void worker_stop_all(struct server *);
void worker_free_all(struct server *);
void worker_hand_back(struct worker *, struct job *);
void worker_stop_check(struct worker *);
void worker_log_flush(struct worker *);
void worker_log_line(struct worker *, const char *client, const char *method,
	    const char *path, int status, size_t bytes, int64_t t0);

/* notify.c: sd_notify(3)'s protocol */
void notify_init(void);
uint64_t notify_watchdog_usec(void);
void notify(const char *, ...) TT_PRINTFLIKE(1, 2);
void notify_watchdog(void);
void notify_close(void);

/* accesslog.c */
int accesslog_start(const char *path, char **cause);
void accesslog_hand(struct evbuffer *);
void accesslog_line(struct evbuffer *, const char *peer, const char *method,
	    const char *path, int status, size_t bytes, int64_t usec);
void accesslog_reopen(void);
void accesslog_stop(void);
void accesslog_mask(char *, size_t);

/* auth.c */
int auth_staff(struct http_req *, const char *role, struct staff *);
int auth_session_who(struct http_req *, struct staff *);
const char *auth_session_token(struct http_req *, char *, size_t);
void auth_set_cookie(struct http_req *, const char *token);
int auth_verify(const char *hash, const char *password);
int auth_login_begin(struct store *, const char *user, const char *address);
void auth_login_end(const char *user, const char *address);
int auth_init(char **cause);

/* router.c: each api-*.c exports a table of its routes, ended by a row
 * without a path; ROUTE_TABLES lists them all. */
enum route_auth { AUTH_PUBLIC, AUTH_DOOR, AUTH_ORGANISER };
struct route {
	const char	*path;		/* "*" matches one segment: hr->args */
	int		 methods;	/* EVHTTP_REQ_* bits */
	enum route_auth	 auth;		/* checked before the handler */
	int		 secret;	/* log the pattern, not the path */
	void		(*handler)(struct http_req *);
	const void	*data;		/* for the handler: e.g. its resource */
};
#define M_GET		(EVHTTP_REQ_GET | EVHTTP_REQ_HEAD)
#define M_POST		EVHTTP_REQ_POST
#define M_PUT		EVHTTP_REQ_PUT
#define M_PATCH		EVHTTP_REQ_PATCH
#define M_DELETE	EVHTTP_REQ_DELETE
#define ROUTE_TABLES(X) X(api_event) X(api_registrations) X(api_passes) \
	X(api_session) X(api_checkins) X(api_search) X(admin_events) \
	X(admin_ticket_types) X(admin_users) X(admin_audit) X(admin_dashboard) \
	X(api_invitations) X(admin_exports) X(admin_attendees) X(api_attendees) \
	X(admin_print) X(api_manage) X(admin_changes) \
	X(admin_attendee_ops) X(admin_imports) \
	X(admin_programme) X(admin_releases) X(api_changes) X(api_schedule) \
	X(api_privacy) X(admin_privacy) X(api_door) X(admin_outbox) \
	X(api_door_tag) X(api_link) X(admin_messages) X(api_invoices) \
	X(export_sie)
#define ROUTE_TABLE_DECLARE(name) extern const struct route name##_routes[];
ROUTE_TABLES(ROUTE_TABLE_DECLARE)
void router_dispatch(struct http_req *);

/* api-schedule.c */
struct schedule_cache;
void schedule_cache_free(struct schedule_cache *);

/*
 * quick.c: the public files a worker keeps (the programme, the schedule
 * files) answered from the head as it arrives, without evhttp; any
 * request it is not sure of goes to evhttp as before. A kept answer is
 * its fields (http_kept_head()) and its body, both the worker's.
 */
struct quick_file {
	const char	*head;		/* field lines, Content-Length, CRLF */
	size_t		 head_len;
	const char	*body;
	size_t		 len;
};
enum schedule_file_kind { SCHEDULE_FILE_ICS, SCHEDULE_FILE_XML,
	SCHEDULE_FILE_JSON };
int programme_quick(struct worker *, struct quick_file *);
int schedule_quick(struct worker *, enum schedule_file_kind, int lang,
	    struct quick_file *);
struct quick_req {
	int			 route;		/* in quick.c's table */
	struct quick_head	 head;
};
int quick_parse(const struct config *, const char *head, size_t len,
	    struct quick_req *);
int quick_file_for(struct worker *, const struct quick_req *,
	    struct quick_file *);
#define QUICK_IOV	4
size_t quick_iov(const struct quick_file *, struct iovec *);
void quick_log(struct worker *, struct evhttp_connection *,
	    const struct quick_req *, size_t bytes, int64_t t0);

/* admin-privacy.c */
void privacy_submit_due(void);

/* api-registrations.c */
json_t *registration_manage_url(json_t *, const char *public_url);
int idempotency_key_ok(const char *);
void registration_reply(struct http_req *, int status, int64_t id,
	    int64_t attendee);

/* resource.c: handlers for the organiser resources (resource.h) */
struct resource;

/* admin-attendees.c: the attendees, for admin-attendee-ops.c */
extern const struct resource *const admin_attendees;
struct list_sort;
struct list_query;
int resource_parent(struct http_req *, const struct resource *, int64_t *);
int resource_list_query(struct http_req *, const struct resource *,
	    const struct list_sort *, int64_t parent, struct list_query *);
int64_t resource_id(const char *);
void resource_list(struct http_req *);
void resource_get(struct http_req *);
void resource_create(struct http_req *);
void resource_update(struct http_req *);
void resource_delete(struct http_req *);
void resource_renew(struct http_req *);

/* stream.c: answers whose body is made while it is sent */
struct stream_source {
	/* Add the next piece to the buffer: 1 more to come, 0 the end,
	 * -1 failed. */
	int	(*fill)(void *, struct evbuffer *);
	void	(*free)(void *);
};
void stream_reply(struct http_req *, int status, const char *type,
	    int64_t length, const struct stream_source *, void *);

/* admin-exports.c, export-csv.c, export-xlsx.c: the organisers' exports */
struct export_req {
	const struct export_kind	*kind;
	struct export_of		 of;
	enum export_lang		 lang;
	char				 sep;		/* CSV: ';' or ',' */
};
void export_req_free(struct export_req *);
void export_headers(struct http_req *, const struct export_req *,
	    const char *ext);
void export_csv_reply(struct http_req *, struct export_req *);
void export_xlsx_reply(struct http_req *, struct export_req *);

/* atom.c: the Atom feed of the programme's releases */
int atom_lang_ok(const char *);
struct evbuffer *atom_feed(const json_t *history, const char *base,
	    const char *lang);

/* static.c */
int static_open_root(const char *, char **cause);
void static_serve(struct http_req *);

/* slow.c */
void slow_submit(struct job *);
int slow_start(char **cause);
void slow_stop(void);

/* job.c: the envelope of work that leaves a worker's loop */
#define JOB_CHANGES_PROGRAMME	0x1	/* always changes what the programme shows */
struct job_type {
	const char	*name;
	int		 flags;
	/* On the slow thread first, when set. */
	void		(*slow)(struct job *);
	/* On the writer, in the group's transaction: 0, or -1 to undo. */
	int		(*run)(struct store *, struct job *);
	/* On the request's worker once on disk; NULL: reply job->answer. */
	void		(*done)(struct job *);
};
struct job {
	struct queue_item	 item;		/* first: queues link through it */
	const struct job_type	*type;
	int			 stage;
	struct http_req		*hr;
	void			*data;		/* the endpoint's own */
	void			(*data_free)(void *);
	int			 status;	/* of answer; 0 is 200 */
	json_t			*answer;
	struct store_error	 err;		/* set: the answer is this error */
	int			 changed_programme; /* set by run: seats shown */
	int			 again;		/* set by slow: run it once more,
						 * after the jobs waiting */
};
void job_submit(struct http_req *, const struct job_type *, void *data,
	    void (*data_free)(void *));
void job_submit_detached(const struct job_type *, void *data,
	    void (*data_free)(void *));
void job_next(struct job *);
void job_finish(struct job *);
void job_abandon(struct job *);
void job_free(struct job *);

/* print.c: print jobs drawn on the slow thread, polled by the console */
struct badge_layout;
enum print_kind { PRINT_TAGS, PRINT_WALK_IN, PRINT_PASS, PRINT_PROGRAMME };
enum print_state { PRINT_QUEUED, PRINT_RUNNING, PRINT_DONE, PRINT_FAILED };
struct print_order {
	enum print_kind			 kind;
	int64_t				 owner;		/* staff user id */
	int64_t				 event_id;
	const struct badge_layout	*layout;	/* tags, walk-in */
	int				 select;	/* enum badge_select */
	int64_t				*ids;		/* BADGE_IDS, a pass */
	size_t				 nids;
	size_t				 total;		/* expected, until read */
	char				*first_name;	/* a walk-in's */
	char				*last_name;
	char				*company;
	char				*role;
	char				 lang[3];	/* the programme's */
	char				*db_path;
};
struct print_fetch {
	enum print_kind	 kind;
	int64_t		 event_id;
	char		 layout[32];
	const char	*error;
	struct evbuffer	*pdf;		/* PRINT_DONE: the file */
	int64_t		*ids;		/* on its tags, to record */
	size_t		 nids;
};
const char *print_kind_name(enum print_kind);
void print_order_clear(struct print_order *);
int64_t print_submit(struct print_order *);
json_t *print_status(int64_t id, int64_t owner);
int print_result(int64_t id, int64_t owner, struct print_fetch *);
void print_fetch_clear(struct print_fetch *);
void print_stop(void);

/* mime.c: mail as RFC 5322 and MIME want it */
struct sbuf;
struct mime_attachment {
	const char	*name;		/* file name; made ASCII */
	const char	*type;		/* "application/pdf" */
	const void	*data;
	size_t		 len;
};
struct mime_message {
	const char			*from_name, *from_addr;
	const char			*to_name, *to_addr;
	const char			*subject;
	const char			*message_id;	/* "<...>" */
	const char			*lang;		/* Content-Language */
	time_t				 date;
	const char			*text, *html;	/* UTF-8 */
	const struct mime_attachment	*attachments;
	size_t				 nattachments;
};
void mime_base64(struct sbuf *, const void *, size_t);
void mime_qp(struct sbuf *, const char *);
void mime_header(struct sbuf *, const char *name, const char *value);
int mime_address_ok(const char *);
int mime_address_header(struct sbuf *, const char *name,
	    const char *display, const char *addr);
void mime_date(time_t, char out[40]);
char *mime_build(const struct mime_message *, size_t *len, char **cause);

/* mail-messages.c: the words of each message */
struct mail_view {
	const char	*kind;		/* confirmation, waitlisted, ... */
	const char	*lang;		/* "sv" or "en" */
	const json_t	*reg;		/* store_registration_json() */
	int64_t		 attendee;	/* 0: about the whole registration */
	int		 to_is_attendee; /* to that attendee, not the contact */
	const char	*link;		/* the manage page, or NULL */
	const char	*dates;		/* the event's days in lang, or NULL */
	int		 passes;	/* passes attached */
	int		 calendar;	/* the programme attached */
	int		 invoices;	/* invoices attached */
	int		 credits;	/* credit notes attached */
	const json_t	*bills;		/* the invoices attached: {"number",
					 * "total_ore", "due", "ocr",
					 * "bankgiro"}, or NULL */
	const json_t	*params;	/* the outbox row's, per kind, or NULL */
};
struct mail_text {
	char	*subject, *text, *html;
};
void mail_render(const struct mail_view *, struct mail_text *);
void mail_text_clear(struct mail_text *);
void mail_html_text(struct sbuf *, const char *);

/* mail-organiser.c: an organiser's message to one recipient */
struct message_text;
struct organiser_view {
	const char			*lang;		/* "sv" or "en" */
	const char			*first_name;	/* of the recipient */
	const struct message_text	*msg;
	const char			*link;		/* theirs, or NULL */
};
void mail_organiser_render(const struct organiser_view *,
	    struct mail_text *);

/* mailer.c: the thread that sends the outbox */
int mailer_start(const struct config *, char **cause);
void mailer_wake(void);
void mailer_stop(void);

/* writer.c */
int writer_start(const struct config *, char **cause);
void writer_submit(struct job *);
uint64_t writer_programme_generation(void);
uint64_t writer_commit_generation(void);
void writer_stop(void);

#endif
