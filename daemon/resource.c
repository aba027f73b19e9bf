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
static int64_t
id_arg(const char *s)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

static void
not_found(struct http_req *hr, const struct resource *res)
{
	char	msg[80];

	snprintf(msg, sizeof msg, "no such %s", res->name);
	http_reply_error(hr, 404, "not_found", msg, NULL);
}

/* The event a nested list or create is under exists: 0, or -1 answered. */
static int
parent_ok(struct http_req *hr, const struct resource *res, int64_t *parent)
{
	static const char	 sql[] = "SELECT 1 FROM events WHERE id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;

	*parent = 0;
	if (res->parent == NULL)
		return 0;
	if ((*parent = id_arg(hr->args[0])) < 0) {
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

void
resource_list(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 parent, limit, offset;

	if (parent_ok(hr, res, &parent) != 0)
		return;
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

void
resource_get(struct http_req *hr)
{
	const struct resource	*res = route_resource(hr);
	int64_t			 id = id_arg(hr->args[0]);
	json_t			*view = NULL;
	int			 found = 0;

	if (id > 0)
		view = store_resource_get(hr->w->store, res, id, &found);
	if (found == 0) {
		not_found(hr, res);
		return;
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

/* On the writer: create, then read back what is stored as the answer. */
static int
create_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;
	int64_t			 id;
	int			 found;

	change_audit(c, &ctx);
	if ((id = store_resource_create(st, c->res, c->id, c->values, &ctx,
	    &job->err)) < 0)
		return -1;
	job->status = 201;
	job->answer = store_resource_get(st, c->res, id, &found);
	if (job->answer != NULL && c->shown_once != NULL)
		json_object_update(job->answer, c->shown_once);
	return job->answer != NULL ? 0 : -1;
}

static int
update_run(struct store *st, struct job *job)
{
	struct change		*c = job->data;
	struct audit_ctx	 ctx;
	int			 found;

	change_audit(c, &ctx);
	if (store_resource_update(st, c->res, c->id, c->version, c->values,
	    &ctx, &job->err) != 0)
		return -1;
	job->answer = store_resource_get(st, c->res, c->id, &found);
	return job->answer != NULL ? 0 : -1;
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

	if (parent_ok(hr, res, &parent) != 0 ||
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
	int64_t			 id = id_arg(hr->args[0]), version;

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
	int64_t			 id = id_arg(hr->args[0]);
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
	int64_t			 id = id_arg(hr->args[0]), version;
	char			 buf[24];

	if (id < 0) {
		not_found(hr, res);
		return;
	}
	if ((version = id_arg(http_query_value(hr, "version", buf,
	    sizeof buf))) < 0) {
		http_reply_error(hr, 422, "validation_failed", "name the "
		    "version you delete: ?version=N", json_pack("{s:s}",
		    "version", "required"));
		return;
	}
	job_submit(hr, &delete_job, change_new(hr, res, id, version, NULL),
	    change_free);
}
