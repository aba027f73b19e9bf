/*
 * resource.c: the HTTP side of every organiser resource. A route row names
 * one of these handlers and, in .data, the resource it serves (described
 * in its admin-*.c file); the handlers parse and check on the worker, and
 * send changes to the writer, which answers with the row as now stored.
 *
 *	GET	/api/v1/admin/{parents}/{id}/{name}	list (?limit, ?offset)
 *	POST	/api/v1/admin/{parents}/{id}/{name}	create
 *	GET	/api/v1/admin/{name}/{id}		read
 *	PATCH	/api/v1/admin/{name}/{id}		change, naming "version"
 *	DELETE	/api/v1/admin/{name}/{id}?version=N	delete
 *	POST	/api/v1/admin/{name}/{id}/{token}	renew the token field,
 *							naming "version"
 *
 * A resource without a parent is listed and created at /api/v1/admin/{name}.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"
#include "resource.h"

/* A change on its way to the writer. */
struct change {
	const struct resource	*res;
	int64_t			 id;		/* or the parent, to create */
	int64_t			 version;
	json_t			*values;
	json_t			*shown_once;	/* added to the answer */
	struct staff		 who;
	char			 address[64];
};

static void
change_free(void *arg)
{
	struct change	*c = arg;

	json_decref(c->values);
	json_decref(c->shown_once);
	free(c);
}

/* On the slow thread: what a create of this resource costs (a hash). */
static void
change_prepare(struct job *job)
{
	struct change	*c = job->data;

	if (c->res->prepare(c->values, &c->shown_once) != 0)
		store_error_set(&job->err, 503, "unavailable", "this could "
		    "not be prepared just now; please try again");
}

static const struct resource *
route_resource(struct http_req *hr)
{
	return hr->route->data;
}

/* A positive id from a path segment or a query value; -1 if it is not. */
int64_t
resource_id(const char *s)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 && errno != ERANGE ? v : -1;
}

static void
not_found(struct http_req *hr, const struct resource *res)
{
	char	msg[80];

	snprintf(msg, sizeof msg, "no such %s", res->name);
	http_reply_error(hr, 404, "not_found", msg, NULL);
}

/* The event a nested list or create is under exists: 0, or -1 answered. */
int
resource_parent(struct http_req *hr, const struct resource *res,
    int64_t *parent)
{
	static const char	 sql[] = "SELECT 1 FROM events WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;

	*parent = 0;
	if (res->parent == NULL)
		return 0;
	if ((*parent = resource_id(hr->args[0])) < 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return -1;
	}
	s = store_stmt(hr->w->store, sql);
	sqlite3_bind_int64(s, 1, *parent);
	rc = store_step(hr->w->store, s);
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (rc == STORE_DONE) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return -1;
	}
	return 0;
}

/* The filter of a list named name, or NULL. */
static const struct list_filter *
list_filter(const struct resource *res, const char *name)
{
	for (const struct list_filter *f = res->filters; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static const struct list_sort *
list_sort(const struct list_sort *sorts, const char *name)
{
	for (const struct list_sort *o = sorts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* A filter's value checked: NULL, or the error code for its field. */
static const char *
list_value(const struct list_filter *f, const char *v, struct list_value *out)
{
	struct search	sr;
	int		rc;

	out->f = f;
	switch (f->type) {
	case FILTER_ID:
		return (out->id = resource_id(v)) < 0 ? "invalid" : NULL;
	case FILTER_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return "invalid";
		out->id = strcmp(v, "true") == 0;
		return NULL;
	case FILTER_CHOICE:
		for (const char *const *c = f->choices; *c != NULL; c++)
			if (strcmp(*c, v) == 0) {
				out->text = xstrdup(v);
				return NULL;
			}
		return "not_a_choice";
	case FILTER_SEARCH:
		if (strlen(v) > f->max)
			return "too_long";
		rc = search_parse(&sr, v);
		search_free(&sr);
		if (rc != 0)
			return "too_long";
		out->text = xstrdup(v);
		return NULL;
	default:
		if (strlen(v) > f->max)
			return "too_long";
		if (text_has_control(v))
			return "invalid";
		out->text = xstrdup(v);
		return NULL;
	}
}

/* One parameter of a list's query: NULL, or the error code for it. */
static const char *
list_param(const struct resource *res, const struct list_sort *sorts,
    const char *k, const char *v, struct list_query *lq)
{
	const struct list_filter	*f;
	char				*end;
	long long			 n;

	if (strcmp(k, "limit") == 0 || strcmp(k, "offset") == 0) {
		n = strtoll(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' ||
		    n < (*k == 'l' ? 1 : 0) ||
		    n > (*k == 'l' ? RESOURCE_PAGE_MAX : INT32_MAX))
			return "out_of_range";
		*(*k == 'l' ? &lq->limit : &lq->offset) = n;
		return NULL;
	}
	if (strcmp(k, "sort") == 0)
		return (lq->sort = list_sort(sorts, v)) == NULL ?
		    "not_a_choice" : NULL;
	if (strcmp(k, "order") == 0) {
		if (strcmp(v, "asc") != 0 && strcmp(v, "desc") != 0)
			return "not_a_choice";
		lq->desc = strcmp(v, "desc") == 0;
		return NULL;
	}
	if ((f = list_filter(res, k)) == NULL)
		return "unknown_field";
	/* An empty search box is no search. */
	if (f->type == FILTER_SEARCH && *v == '\0')
		return NULL;
	if (lq->n == LIST_FILTERS_MAX)
		return "invalid";
	return list_value(f, v, &lq->values[lq->n++]);
}

/* The parameters that name a row the parent must have, checked. */
static void
list_known(struct http_req *hr, int64_t parent, const struct list_query *lq,
    json_t *errors)
{
	sqlite3_stmt	*s;
	enum store_step	 rc;

	for (size_t i = 0; i < lq->n; i++) {
		if (lq->values[i].f->known == NULL)
			continue;
		s = store_stmt(hr->w->store, lq->values[i].f->known);
		sqlite3_bind_int64(s, 1, lq->values[i].id);
		sqlite3_bind_int64(s, 2, parent);
		rc = store_step(hr->w->store, s);
		sqlite3_reset(s);
		if (rc != STORE_ROW)
			json_object_set_new(errors, lq->values[i].f->name,
			    json_string("not_a_choice"));
	}
}

/*
 * The query of a list with filters, sorts its orders, checked in full:
 * every parameter known, valid UTF-8 without NUL, given once, and each
 * value right for its filter. 0, or -1 once answered (422 naming each
 * parameter, or the store's error).
 */
int
resource_list_query(struct http_req *hr, const struct resource *res,
    const struct list_sort *sorts, int64_t parent, struct list_query *lq)
{
	const char	*query = evhttp_uri_get_query(
	    evhttp_request_get_evhttp_uri(hr->req));
	char		*copy = xstrdup(query ? query : ""), *next = copy, *part;
	char		*k, *v, *eq;
	size_t		 klen, vlen;
	json_t		*errors = json_object(), *seen = json_object();
	const char	*error;

	memset(lq, 0, sizeof *lq);
	lq->limit = RESOURCE_PAGE_DEFAULT;
	lq->sort = sorts;
	while ((part = strsep(&next, "&")) != NULL) {
		if (*part == '\0')
			continue;
		if ((eq = strchr(part, '=')) != NULL)
			*eq = '\0';
		k = evhttp_uridecode(part, 1, &klen);
		v = evhttp_uridecode(eq != NULL ? eq + 1 : "", 1, &vlen);
		if (k == NULL || v == NULL || strlen(k) != klen ||
		    !utf8_valid(k, klen)) {
			/* A name that cannot be given back as a field. */
			json_object_set_new(errors, "query",
			    json_string("invalid"));
		} else {
			if (json_object_get(seen, k) != NULL)
				error = "invalid";
			else if (strlen(v) != vlen || !utf8_valid(v, vlen))
				error = "invalid";
			else
				error = list_param(res, sorts, k, v, lq);
			json_object_set_new(seen, k, json_true());
			if (error != NULL)
				json_object_set_new(errors, k,
				    json_string(error));
		}
		free(k);
		free(v);
	}
	free(copy);
	json_decref(seen);
	if (json_object_size(errors) == 0)
		list_known(hr, parent, lq, errors);
	if (json_object_size(errors) > 0) {
		list_query_free(lq);
		http_reply_error(hr, 422, "validation_failed", "some parameters "
		    "need attention", errors);
		return -1;
	}
	json_decref(errors);
	return 0;
}

void
resource_list(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	struct list_query	 lq;
	int64_t			 parent, limit, offset;

	if (resource_parent(hr, res, &parent) != 0)
		return;
	if (res->filters != NULL) {
		if (resource_list_query(hr, res, res->sorts, parent, &lq) != 0)
			return;
		http_reply_read_text(hr, store_resource_query(hr->w->store,
		    res, parent, &lq));
		list_query_free(&lq);
		return;
	}
	limit = http_query_int(hr, "limit", RESOURCE_PAGE_DEFAULT,
	    RESOURCE_PAGE_MAX);
	offset = http_query_int(hr, "offset", 0, INT32_MAX);
	if (limit < 1 || offset < 0) {
		http_reply_error(hr, 422, "validation_failed", "limit is 1 to "
		    "200 and offset 0 or more", json_pack("{s:s}", limit < 1 ?
		    "limit" : "offset", "out_of_range"));
		return;
	}
	http_reply_read(hr, store_resource_list(hr->w->store, res, parent,
	    limit, offset));
}

/*
 * A row with its warnings, when the resource has them (a session outside
 * the event's days, a speaker in no session): 0, or -1 when the database
 * failed.
 */
static int
with_warnings(struct store *st, const struct resource *res, int64_t id,
    json_t *row)
{
	json_t	*warnings;

	if (res->warnings == NULL)
		return 0;
	if ((warnings = res->warnings(st, id, resource_int(row, "event_id",
	    0))) == NULL)
		return -1;
	json_object_set_new(row, "warnings", warnings);
	return 0;
}

void
resource_get(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 id = resource_id(hr->args[0]);
	json_t			*view = NULL;
	int			 found = 0;

	if (id > 0)
		view = store_resource_get(hr->w->store, res, id, &found);
	if (found == 0) {
		not_found(hr, res);
		return;
	}
	/* Read as it was saved: with what is worth a look. */
	if (view != NULL && with_warnings(hr->w->store, res, id, view) != 0) {
		json_decref(view);
		view = NULL;
	}
	http_reply_read(hr, view);
}

static void
change_audit(struct change *c, struct audit_ctx *ctx)
{
	ctx->who = &c->who;
	ctx->address = c->address;
	ctx->now = (int64_t)time(NULL);
}

/*
 * The answer of a change: the row as now stored, with its warnings. 0, or
 * -1 when the database failed.
 */
static int
change_answer(struct store *st, struct job *job, const struct resource *res,
    int64_t id)
{
	int	found;

	if ((job->answer = store_resource_get(st, res, id, &found)) == NULL)
		return -1;
	return with_warnings(st, res, id, job->answer);
}

/* On the writer: create, then read back what is stored as the answer. */
static int
create_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;
	int64_t			 id;

	change_audit(c, &ctx);
	if ((id = store_resource_create(st, c->res, c->id, c->values, &ctx,
	    &job->err)) < 0)
		return -1;
	job->status = 201;
	if (change_answer(st, job, c->res, id) != 0)
		return -1;
	if (c->shown_once != NULL)
		json_object_update(job->answer, c->shown_once);
	return 0;
}

static int
update_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;

	change_audit(c, &ctx);
	if (store_resource_update(st, c->res, c->id, c->version, c->values,
	    &ctx, &job->err) != 0)
		return -1;
	return change_answer(st, job, c->res, c->id);
}

static int
delete_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;

	change_audit(c, &ctx);
	if (store_resource_delete(st, c->res, c->id, c->version, &ctx,
	    &job->err) != 0)
		return -1;
	job->answer = json_pack("{s:I}", "deleted", (json_int_t)c->id);
	return 0;
}

static int
renew_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;
	int			 found;

	change_audit(c, &ctx);
	if (store_resource_renew(st, c->res, c->id, c->version,
	    resource_token_field(c->res), &ctx, &job->err) != 0)
		return -1;
	job->answer = store_resource_get(st, c->res, c->id, &found);
	return job->answer != NULL ? 0 : -1;
}

/* A change to seats or ticket types shows on the public pages. */
static const struct job_type create_job = {
	.name = "resource_create",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = create_run,
};
static const struct job_type create_prepared_job = {
	.name = "resource_create",
	.slow = change_prepare,
	.run = create_run,
};
static const struct job_type update_job = {
	.name = "resource_update",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = update_run,
};
static const struct job_type delete_job = {
	.name = "resource_delete",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = delete_run,
};
/* A token is never on the public pages. */
static const struct job_type renew_job = {
	.name = "resource_renew",
	.run = renew_run,
};

static struct change *
change_new(struct http_req *hr, const struct resource *res, int64_t id,
    int64_t version, json_t *values)
{
	struct change	*c = xcalloc(1, sizeof *c);

	c->res = res;
	c->id = id;
	c->version = version;
	c->values = values;
	c->who = hr->who;
	http_client_address(hr, c->address, sizeof c->address);
	return c;
}

/* The checked values of a body, or NULL once an error is sent. */
static json_t *
body_values(struct http_req *hr, const struct resource *res, int creating,
    json_t **body)
{
	const unsigned char	*bytes;
	size_t			 len;
	json_t			*values, *errors;

	if ((*body = http_body_json(hr, &bytes, &len)) == NULL)
		return NULL;
	if ((values = resource_parse(res, *body, creating, &errors)) == NULL) {
		json_decref(*body);
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", errors);
	}
	return values;
}

void
resource_create(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	json_t			*body, *values;
	int64_t			 parent;

	if (resource_parent(hr, res, &parent) != 0 ||
	    (values = body_values(hr, res, 1, &body)) == NULL)
		return;
	json_decref(body);
	job_submit(hr, res->prepare != NULL ? &create_prepared_job : &create_job,
	    change_new(hr, res, parent, 0, values), change_free);
}

/* The version a body names, the only field it may have; -1 answered. */
static int64_t
body_version_only(struct http_req *hr)
{
	const unsigned char	*bytes;
	const char		*key;
	size_t			 len;
	json_t			*body, *v, *errors;
	int64_t			 version = -1;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return -1;
	errors = json_object();
	json_object_foreach(body, key, v)
		if (strcmp(key, "version") != 0)
			json_object_set_new(errors, key,
			    json_string("unknown_field"));
	v = json_object_get(body, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		json_object_set_new(errors, "version", json_string("required"));
	else
		version = json_integer_value(v);
	json_decref(body);
	if (json_object_size(errors) > 0) {
		http_reply_error(hr, 422, "validation_failed", "name the "
		    "version you renew, and nothing else", errors);
		return -1;
	}
	json_decref(errors);
	return version;
}

/*
 * POST .../{id}/{token}: a new value for the resource's token field (a
 * code in a link), so that a link that got out can be revoked.
 */
void
resource_renew(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 id = resource_id(hr->args[0]), version;

	if (id < 0) {
		not_found(hr, res);
		return;
	}
	if ((version = body_version_only(hr)) < 0)
		return;
	job_submit(hr, &renew_job, change_new(hr, res, id, version, NULL),
	    change_free);
}

void
resource_update(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 id = resource_id(hr->args[0]);
	json_t			*body, *values, *version;

	if (id < 0) {
		not_found(hr, res);
		return;
	}
	if ((values = body_values(hr, res, 0, &body)) == NULL)
		return;
	version = json_object_get(body, "version");
	if (!json_is_integer(version) || json_integer_value(version) < 1) {
		json_decref(body);
		json_decref(values);
		http_reply_error(hr, 422, "validation_failed", "name the "
		    "version you changed", json_pack("{s:s}", "version",
		    "required"));
		return;
	}
	job_submit(hr, &update_job, change_new(hr, res, id,
	    json_integer_value(version), values), change_free);
	json_decref(body);
}

void
resource_delete(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 id = resource_id(hr->args[0]), version;
	char			 buf[24];

	if (id < 0) {
		not_found(hr, res);
		return;
	}
	if ((version = resource_id(http_query_value(hr, "version", buf,
	    sizeof buf))) < 0) {
		http_reply_error(hr, 422, "validation_failed", "name the "
		    "version you delete: ?version=N", json_pack("{s:s}",
		    "version", "required"));
		return;
	}
	job_submit(hr, &delete_job, change_new(hr, res, id, version, NULL),
	    change_free);
}
