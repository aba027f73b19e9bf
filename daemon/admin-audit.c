/*
 * admin-audit.c: GET /api/v1/admin/audit, the audit log for organisers:
 * every staff action and every admin change with its values before and
 * after, newest first, paged on the server and filtered by who, what
 * (an action or the start of one: "event." for every change to events)
 * and when.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"
#include "resource.h"

#define AUDIT_FILTER_MAX	100	/* bytes of a user or action filter */

struct audit_query {
	const char	*user;		/* or NULL */
	char		*action;	/* a LIKE pattern, or NULL */
	int64_t		 from, to;	/* UTC seconds; -1: open */
	int64_t		 limit, offset;
};

/* A LIKE pattern for an action or its start, with % and _ escaped. */
static char *
action_pattern(const char *s)
{
	char	*out = xmalloc(strlen(s) * 2 + 2), *o = out;

	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	if (o > out && o[-1] == '.')
		*o++ = '%';
	*o = '\0';
	return out;
}

static int
number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The query's filters, or the field errors. */
static json_t *
audit_parse(struct evkeyvalq *params, struct audit_query *q)
{
	json_t		*errors = json_object();
	const char	*v;

	q->user = evhttp_find_header(params, "user");
	if (q->user != NULL && (strlen(q->user) > AUDIT_FILTER_MAX ||
	    !utf8_valid(q->user, strlen(q->user))))
		json_object_set_new(errors, "user", json_string("invalid"));
	if ((v = evhttp_find_header(params, "action")) != NULL) {
		if (strlen(v) > AUDIT_FILTER_MAX || !utf8_valid(v, strlen(v)))
			json_object_set_new(errors, "action",
			    json_string("invalid"));
		else
			q->action = action_pattern(v);
	}
	q->from = q->to = -1;
	if ((v = evhttp_find_header(params, "from")) != NULL &&
	    timefmt_parse_iso(v, &q->from) != 0)
		json_object_set_new(errors, "from", json_string("invalid_time"));
	if ((v = evhttp_find_header(params, "to")) != NULL &&
	    timefmt_parse_iso(v, &q->to) != 0)
		json_object_set_new(errors, "to", json_string("invalid_time"));
	q->limit = RESOURCE_PAGE_DEFAULT;
	q->offset = 0;
	if (number(evhttp_find_header(params, "limit"), 1, RESOURCE_PAGE_MAX,
	    &q->limit) != 0)
		json_object_set_new(errors, "limit", json_string("out_of_range"));
	if (number(evhttp_find_header(params, "offset"), 0, INT32_MAX,
	    &q->offset) != 0)
		json_object_set_new(errors, "offset",
		    json_string("out_of_range"));
	return errors;
}

#define AUDIT_WHERE \
	" WHERE (?1 IS NULL OR username = ?1)" \
	" AND (?2 IS NULL OR action LIKE ?2 ESCAPE '\\')" \
	" AND (?3 < 0 OR at >= ?3) AND (?4 < 0 OR at < ?4)"

static void
bind_filters(sqlite3_stmt *s, const struct audit_query *q)
{
	if (q->user != NULL)
		sqlite3_bind_text(s, 1, q->user, -1, SQLITE_STATIC);
	if (q->action != NULL)
		sqlite3_bind_text(s, 2, q->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, q->from);
	sqlite3_bind_int64(s, 4, q->to);
}

/* The page of the log, with times in the current event's zone. */
static json_t *
audit_page(struct store *st, const struct audit_query *q, const char *zone)
{
	static const char	 sql[] = "SELECT id, at, username, action,"
	    " detail, address FROM audit_log" AUDIT_WHERE
	    " ORDER BY id DESC LIMIT ?5 OFFSET ?6";
	static const char	 count_sql[] = "SELECT count(*) FROM audit_log"
	    AUDIT_WHERE;
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*items = json_array(), *detail;
	enum store_step		 rc;
	int64_t			 total = -1;
	char			 at[32];

	bind_filters(s, q);
	sqlite3_bind_int64(s, 5, q->limit);
	sqlite3_bind_int64(s, 6, q->offset);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		timefmt_iso((time_t)sqlite3_column_int64(s, 1), zone, at);
		/* Changes keep JSON; older rows plain text. */
		if ((detail = json_loads(COL_TEXT(s, 4), 0, NULL)) == NULL)
			detail = json_string(COL_TEXT(s, 4));
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s,"
		    " s:o, s:s}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "at", at, "user", COL_TEXT(s, 2), "action", COL_TEXT(s, 3),
		    "detail", detail, "address", COL_TEXT(s, 5)));
	}
	sqlite3_reset(s);
	if ((items = store_list_end(items, rc)) == NULL)
		return NULL;
	s = store_stmt(st, count_sql);
	bind_filters(s, q);
	if (store_step(st, s) == STORE_ROW)
		total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return store_page(items, total, q->limit, q->offset);
}

static void
api_audit(struct http_req *hr)
{
	const char		*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(hr->req));
	struct evkeyvalq	 params;
	struct audit_query	 q = { 0 };
	json_t			*errors;
	char			*zone;

	TAILQ_INIT(&params);
	if (evhttp_parse_query_str(query ? query : "", &params) != 0) {
		http_reply_error(hr, 400, "bad_request", "malformed query",
		    NULL);
		return;
	}
	errors = audit_parse(&params, &q);
	if (json_object_size(errors) > 0) {
		http_reply_error(hr, 422, "validation_failed", "some filters "
		    "need attention", errors);
	} else {
		json_decref(errors);
		zone = store_local_zone(hr->w->store);
		http_reply_read(hr, audit_page(hr->w->store, &q, zone));
		free(zone);
	}
	free(q.action);
	evhttp_clear_headers(&params);
}

const struct route admin_audit_routes[] = {
	{ .path = "/api/v1/admin/audit", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_audit },
	{ .path = NULL }
};
