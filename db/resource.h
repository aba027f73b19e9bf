/*
 * resource.h: a resource the organisers edit (an event, a ticket type, ...)
 * described once, as a table of its fields, and the one piece of code that
 * validates, creates, updates with a version check, lists and deletes
 * every resource from that table (store-resource.c). A new field is one
 * line in its resource's table; a new resource is one file in daemon/.
 */
#ifndef RESOURCE_H
#define RESOURCE_H

#include "techtank.h"
#include "store-door.h"

enum field_type {
	FIELD_TEXT,		/* clean text of at most max characters */
	FIELD_INT,		/* an integer from min to max */
	FIELD_BOOL,
	FIELD_TIME,		/* ISO 8601 with offset; stored in UTC seconds */
	FIELD_ZONE,		/* a time zone the system knows */
	FIELD_EMAIL,
	FIELD_CHOICE,		/* one of choices */
	FIELD_SLUG,		/* a-z, 0-9 and '-', for addresses */
	FIELD_CODE,		/* A-Z and 0-9: the pass-code prefix */
	FIELD_TOKEN,		/* max random characters the server makes */
	FIELD_IDS,		/* a list of ids of rows of the same event, at
				   most max, kept in a table of links */
};

/*
 * The table of a FIELD_IDS field: a row (self, other, order) per id
 * listed, the list's order kept in order. The ids name rows of target
 * that belong to the same event as the row listing them.
 */
struct field_link {
	const char	*table;		/* "session_speakers" */
	const char	*self;		/* "session_id" */
	const char	*other;		/* "speaker_id" */
	const char	*order;		/* "sort" */
	const char	*target;	/* "speakers" */
};

#define FIELD_REQUIRED	0x01	/* must be given when created */
#define FIELD_NULL	0x02	/* may be null: no limit, no date */
#define FIELD_READONLY	0x04	/* kept by the server: shown, never written */
#define FIELD_HIDDEN	0x08	/* written by the server only, never shown */
#define FIELD_CREATED	0x10	/* set once, at creation, by the server: the
				   time (FIELD_TIME) or a token; shown */
#define FIELD_UNIQUE	0x20	/* no two rows alike: 422 "taken" */
#define FIELD_DETAIL	0x40	/* shown with a row, not in lists */
#define FIELD_LINES	0x80	/* text: lines, "\n" between them */

struct field {
	const char		*name;		/* in JSON */
	const char		*column;
	enum field_type		 type;
	int			 flags;
	int64_t			 min, max;	/* numbers; text: characters */
	const char *const	*choices;	/* FIELD_CHOICE: NULL-ended */
	int64_t			 def;		/* numbers and bools left out */
	const char		*text_def;	/* text left out; NULL: "" */
	int			(*valid)(const char *);	/* text: 1 if fine */
	/* FIELD_INT: a table whose row of the same event the id names. */
	const char		*refs;
	const struct field_link	*link;		/* FIELD_IDS */
};

/* Who makes a change, for the audit log. */
struct audit_ctx {
	const struct staff	*who;
	const char		*address;
	int64_t			 now;
};

/*
 * A filter of a list: ?name=value keeps the rows its SQL condition holds
 * for. Conditions and id queries name the resource's table in full.
 */
enum filter_type {
	FILTER_ID,		/* a row id */
	FILTER_BOOL,		/* true or false */
	FILTER_CHOICE,		/* one of choices */
	FILTER_TEXT,		/* clean text of at most max bytes */
	FILTER_SEARCH,		/* words, each starting a word of the key */
};
struct list_filter {
	const char		*name;
	enum filter_type	 type;
	const char		*where;		/* one "?", none for bools */
	const char		*where_not;	/* FILTER_BOOL, false */
	/*
	 * The ids of the rows kept (one "?", none for bools: true), when
	 * they may be few: the list then starts from them.
	 */
	const char		*ids;
	/* An id the event must have: SQL with "?" for it and the parent. */
	const char		*known;
	const char *const	*choices;	/* NULL-ended */
	size_t			 max;		/* bytes */
};
/*
 * An order of a list (?sort=name&order=desc). With outer, a table whose
 * index gives the order's start is read first, the rows joined to it.
 */
struct list_sort {
	const char	*name;
	const char	*order;		/* ORDER BY, ending in the id */
	const char	*order_desc;	/* the same, each term DESC */
	const char	*outer;		/* "ticket_types t" */
	const char	*outer_on;	/* how a row joins it */
	const char	*outer_parent;	/* its column of the parent */
};

struct resource_sql;
struct list_query;
struct resource {
	const char		*name;		/* "events": paths and the log */
	const char		*table;
	const char		*parent;	/* column of the owning event */
	const struct field	*fields;	/* ended by a NULL name */
	const char		*order;		/* ORDER BY of a list */
	/*
	 * Rules across fields and rows, on the writer before a write: row is
	 * the whole new row (stored form), before the old one or NULL. 0, or
	 * -1 with err set (422 with fields, or 409).
	 */
	int			(*check)(struct store *, int64_t parent,
				    json_t *row, const json_t *before,
				    struct store_error *);
	/* After a write, in the same transaction (e.g. the waitlist). */
	int			(*after)(struct store *, int64_t id,
				    int64_t parent, const json_t *row,
				    const json_t *before, struct store_error *);
	/*
	 * On the slow thread before a create, when set: add what costs
	 * time to the values (a password hash), and in *shown_once what the
	 * answer carries this once (the password). 0, or -1 (503).
	 */
	int			(*prepare)(json_t *values, json_t **shown_once);
	/* Lists with filters and orders; NULL: pages in order alone. */
	const struct list_filter *filters;
	const struct list_sort	*sorts;		/* the first by default */
	/*
	 * FILTER_SEARCH: the column of the search key, and the ids of the
	 * rows with a word in a range (three "?": parent, from, to).
	 */
	const char		*search_key;
	const char		*search_ids;
	/*
	 * The total of a list without counting its rows, when its filters
	 * allow: the total, -1 when the database failed, -2 when it cannot.
	 */
	int64_t			(*count)(struct store *, int64_t parent,
				    const struct list_query *);
	/*
	 * After a create or an update, on the writer: what is worth a look
	 * but not refused (an array of {"code", "params"}), for the answer's
	 * "warnings"; NULL when the database failed.
	 */
	json_t			*(*warnings)(struct store *, int64_t id,
				    int64_t parent);
	int			 unversioned;	/* no version column */
	struct resource_sql	*sql;		/* made on first use */
};

#define RESOURCE_PAGE_DEFAULT	50
#define RESOURCE_PAGE_MAX	200
/*
 * Rows a filtered list counts at most; past it, "total_exact" is false.
 * Counting costs a step per row: 1,000 keeps a page of a list of 100,000
 * fast, and an event's lists below it are exact.
 */
#define LIST_COUNT_MAX		1000
#define LIST_FILTERS_MAX	16

/* A list as asked for: its page, order and the filters given. */
struct list_query {
	int64_t			 limit, offset;
	const struct list_sort	*sort;
	int			 desc;
	size_t			 n;
	struct list_value {
		const struct list_filter *f;
		int64_t		 id;	/* FILTER_ID; FILTER_BOOL: 0 or 1 */
		char		*text;	/* the others */
	} values[LIST_FILTERS_MAX];
};
void list_query_free(struct list_query *);

/* store-query.c: SQL made for one request, with its values in order */
#define QUERY_ARGS_MAX		48
struct query {
	char		*sql;
	int		 nargs;
	struct query_arg {
		char	*text;		/* or */
		int64_t	 i;
	} args[QUERY_ARGS_MAX];
};
void query_init(struct query *);
void query_free(struct query *);
void query_add(struct query *, const char *, ...) TT_PRINTFLIKE(2, 3);
void query_int(struct query *, int64_t);
void query_text(struct query *, const char *);
void query_merge(struct query *, const struct query *);
sqlite3_stmt *query_prepare(struct store *, const struct query *,
	    int *owned);
void query_done(sqlite3_stmt *, int owned);
int64_t query_count(struct store *, const struct query *);

/* store-search.c: searching by the folded key */
#define SEARCH_WORDS_MAX	8
#define SEARCH_FEW_MAX		2000	/* rows a list sorts by itself */
#define SEARCH_QUERY_MAX	200	/* bytes of what is typed */
struct search {
	char	*buf;
	char	*words[SEARCH_WORDS_MAX];
	int	 nwords;
	unsigned in_ids;	/* the words the ids keep already (bits) */
	int	 ids_exact;	/* the ids are whom it finds, no more */
};
int search_parse(struct search *, const char *);
void search_free(struct search *);
void search_where(struct query *, const struct search *, const char *key);
int search_few(struct store *, const struct query *ids);
int search_driver(struct store *, struct search *, int64_t parent,
	    const char *ids_sql, struct query *ids);

/* store-resource.c */
json_t *resource_parse(const struct resource *, json_t *body, int creating,
	    json_t **errors);
int store_resource_read(struct store *, const struct resource *, int64_t id,
	    json_t **row, int64_t *parent);
json_t *store_resource_view(struct store *, const struct resource *,
	    int64_t parent, const json_t *row);
json_t *store_resource_get(struct store *, const struct resource *,
	    int64_t id, int *found);
json_t *store_resource_list(struct store *, const struct resource *,
	    int64_t parent, int64_t limit, int64_t offset);
int64_t store_resource_create(struct store *, const struct resource *,
	    int64_t parent, json_t *values, const struct audit_ctx *,
	    struct store_error *);
int store_resource_update(struct store *, const struct resource *,
	    int64_t id, int64_t version, json_t *values,
	    const struct audit_ctx *, struct store_error *);
int store_resource_delete(struct store *, const struct resource *,
	    int64_t id, int64_t version, const struct audit_ctx *,
	    struct store_error *);
int store_resource_renew(struct store *, const struct resource *,
	    int64_t id, int64_t version, const struct field *,
	    const struct audit_ctx *, struct store_error *);
const struct field *resource_token_field(const struct resource *);
int store_resource_at_version(struct store *, const struct resource *,
	    int64_t id, int64_t version, json_t **row, int64_t *parent,
	    struct store_error *);
int store_resource_audit(struct store *, const struct resource *,
	    const char *verb, const struct audit_ctx *, int64_t id,
	    json_t *before, json_t *after);
json_t *store_page(json_t *items, int64_t total, int64_t limit,
	    int64_t offset);
/* A filtered list's SQL: its FROM and WHERE, and the ids it starts from. */
struct list_sql {
	struct query	from;
	struct query	ids;		/* or a search's, to count */
	int		started;	/* from ids */
	int		ids_found;	/* ids are whom the search finds */
	int		none;		/* nothing can match */
	int64_t		total;		/* counted with the page, or -1 */
};
void list_sql_free(struct list_sql *);
int store_list_from(struct store *, const struct resource *, int64_t parent,
	    const struct list_query *, struct list_sql *);
json_t *store_list_page(struct store *, const struct resource *,
	    int64_t parent, const struct list_sql *, json_t *items,
	    const struct list_query *);
char *store_resource_query(struct store *, const struct resource *,
	    int64_t parent, const struct list_query *);
/* store-list-few.c */
int store_list_few(struct store *, const struct query *, int desc,
	    int64_t offset, int64_t limit, int64_t *ids, size_t max,
	    size_t *n, int64_t *total);
const struct field *resource_field(const struct resource *, const char *);
int64_t resource_int(const json_t *row, const char *name, int64_t none);

/* store-attendees.c */
int64_t store_attendee_count(struct store *, int64_t parent,
	    const struct list_query *);
json_t *store_attendee_json(struct store *, const struct resource *,
	    int64_t id, int *found);
json_t *store_attendee_companies(struct store *, const struct resource *,
	    int64_t parent, const struct list_query *);

/* store-schedule.c: clashes and warnings of a programme */
int store_schedule_clash(struct store *, int64_t event, int64_t id,
	    const json_t *row, struct store_error *);
json_t *store_session_warnings(struct store *, int64_t id, int64_t event);
json_t *store_speaker_warnings(struct store *, int64_t id, int64_t event);
json_t *store_schedule_issues(struct store *, int64_t event);

#endif
