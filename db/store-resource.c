/*
 * store-resource.c: the one implementation behind every resource the
 * organisers edit (resource.h). From a resource's table of fields it
 * builds its SQL once, checks what a client sends (on the worker), and
 * reads, lists, creates, updates and deletes rows (on the writer, in the
 * group's transaction), each change with its audit row. Every row carries
 * a version: an update or delete naming another version is refused with
 * the current copy, so two organisers never overwrite each other. A token
 * field (a code in a link) is made by the server at creation and can be
 * renewed, which makes the old value worthless.
 *
 * Rows move between here and the callers in their stored form, a JSON
 * object by field name (times as UTC seconds); store_resource_view()
 * makes the API's form of one (times in the event's zone).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource.h"

/* The SQL of a resource. Selected columns: id, version, parent, fields. */
struct resource_sql {
	char	*get;
	char	*list;
	char	*count;
	char	*insert;	/* ?1 parent, then ?2... the stored fields */
	char	*update;	/* ?1 id, then ?2... the changeable fields */
	char	*delete;
	char	**unique;	/* per field: another row with the value? */
	char	**renew;	/* per token field: ?1 id, ?2 its new value */
	char	**known;	/* per reference or list: ?1 id, ?2 parent */
	char	**links;	/* per list: its ids in order, of ?1 */
	char	**link_add;	/* ?1 row, ?2 id, ?3 position */
	char	**link_drop;	/* every link of ?1 */
	char	*select;	/* the columns of lists, named in full */
	char	*list_row;	/* ... of the row ?1 */
};

#define COL_FIRST_FIELD	3

static pthread_mutex_t	sql_lock = PTHREAD_MUTEX_INITIALIZER;

/* Append a, b and c to the string *s. */
static void
append(char **s, const char *a, const char *b, const char *c)
{
	char	*next;

	xasprintf(&next, "%s%s%s%s", *s, a, b, c);
	free(*s);
	*s = next;
}

static size_t
field_count(const struct resource *res)
{
	size_t	n = 0;

	while (res->fields[n].name != NULL)
		n++;
	return n;
}

/* The SQL of the references and lists of ids of a resource. */
static void
link_sql(const struct resource *res, struct resource_sql *q)
{
	const char	*parent = res->parent ? res->parent : "NULL";
	size_t		 n = field_count(res);

	q->known = xcalloc(n, sizeof *q->known);
	q->links = xcalloc(n, sizeof *q->links);
	q->link_add = xcalloc(n, sizeof *q->link_add);
	q->link_drop = xcalloc(n, sizeof *q->link_drop);
	for (size_t i = 0; i < n; i++) {
		const struct field	*f = &res->fields[i];
		const struct field_link	*l = f->link;

		if (f->refs != NULL)
			xasprintf(&q->known[i], "SELECT 1 FROM %s WHERE id = ?1"
			    " AND %s = ?2", f->refs, parent);
		if (f->type != FIELD_IDS)
			continue;
		if (l == NULL)
			fatalx("%s.%s: a list without its links", res->name,
			    f->name);
		xasprintf(&q->known[i], "SELECT 1 FROM %s WHERE id = ?1"
		    " AND %s = ?2", l->target, parent);
		xasprintf(&q->links[i], "SELECT %s FROM %s WHERE %s = ?1"
		    " ORDER BY %s, %s", l->other, l->table, l->self, l->order,
		    l->other);
		xasprintf(&q->link_add[i], "INSERT INTO %s (%s, %s, %s)"
		    " VALUES (?1, ?2, ?3)", l->table, l->self, l->other,
		    l->order);
		xasprintf(&q->link_drop[i], "DELETE FROM %s WHERE %s = ?1",
		    l->table, l->self);
	}
}

/* The statements are made once and live as long as the program. */
static const struct resource_sql *
resource_sql(const struct resource *res)
{
	struct resource		*r = (struct resource *)res;
	struct resource_sql	*q;
	char			*cols = xstrdup(""), *ins = xstrdup("");
	char			*vals = xstrdup(""), *set = xstrdup(""), n[16];
	char			*listed = xstrdup("");
	const char		*parent = res->parent ? res->parent : "NULL";
	const char		*version = res->unversioned ? "1" : "version";
	int			 k = 2, u = 2;

	pthread_mutex_lock(&sql_lock);
	if ((q = r->sql) != NULL)
		goto out;
	for (const struct field *f = res->fields; f->name != NULL; f++) {
		if (f->type == FIELD_IDS)
			continue;
		append(&cols, ", ", f->column, "");
		if (!(f->flags & FIELD_DETAIL))
			append(&listed, ", ", f->column, "");
		if (f->flags & FIELD_READONLY)
			continue;
		snprintf(n, sizeof n, "?%d", k++);
		append(&ins, ", ", f->column, "");
		append(&vals, ", ", n, "");
		if (f->flags & FIELD_CREATED)
			continue;
		snprintf(n, sizeof n, "?%d", u++);
		append(&set, f->column, " = ", n);
		append(&set, ", ", "", "");
	}
	q = xcalloc(1, sizeof *q);
	q->unique = xcalloc(field_count(res), sizeof *q->unique);
	q->renew = xcalloc(field_count(res), sizeof *q->renew);
	link_sql(res, q);
	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		if (res->fields[i].flags & FIELD_UNIQUE)
			xasprintf(&q->unique[i], "SELECT 1 FROM %s WHERE %s = ?1"
			    " AND id <> ?2", res->table, res->fields[i].column);
		if (res->fields[i].type == FIELD_TOKEN)
			xasprintf(&q->renew[i], "UPDATE %s SET %s = ?2,"
			    " version = version + 1 WHERE id = ?1", res->table,
			    res->fields[i].column);
	}
	xasprintf(&q->get, "SELECT id, %s, %s%s FROM %s WHERE id = ?1",
	    version, parent, cols, res->table);
	xasprintf(&q->select, "SELECT %s.id, %s%s%s, %s%s%s%s", res->table,
	    res->unversioned ? "1" : res->table, res->unversioned ? "" : ".",
	    res->unversioned ? "" : "version", res->parent ? res->table : "NULL",
	    res->parent ? "." : "", res->parent ? res->parent : "", listed);
	xasprintf(&q->list_row, "%s FROM %s WHERE %s.id = ?1", q->select,
	    res->table, res->table);
	if (res->parent != NULL) {
		xasprintf(&q->list, "SELECT id, %s, %s%s FROM %s"
		    " WHERE %s = ?1 ORDER BY %s LIMIT ?2 OFFSET ?3", version,
		    parent, cols, res->table, res->parent, res->order);
		xasprintf(&q->count, "SELECT count(*) FROM %s WHERE %s = ?1",
		    res->table, res->parent);
		xasprintf(&q->insert, "INSERT INTO %s (%s%s) VALUES (?1%s)",
		    res->table, res->parent, ins, vals);
	} else {
		xasprintf(&q->list, "SELECT id, %s, %s%s FROM %s"
		    " ORDER BY %s LIMIT ?2 OFFSET ?3", version, parent, cols,
		    res->table, res->order);
		xasprintf(&q->count, "SELECT count(*) FROM %s", res->table);
		/* No parent: the field list starts after a comma to drop. */
		xasprintf(&q->insert, "INSERT INTO %s (%s) VALUES (%s)",
		    res->table, ins + 2, vals + 2);
	}
	xasprintf(&q->update, "UPDATE %s SET %sversion = version + 1"
	    " WHERE id = ?1", res->table, set);
	xasprintf(&q->delete, "DELETE FROM %s WHERE id = ?1", res->table);
	r->sql = q;
out:
	pthread_mutex_unlock(&sql_lock);
	free(cols);
	free(listed);
	free(ins);
	free(vals);
	free(set);
	return q;
}

const struct field *
resource_field(const struct resource *res, const char *name)
{
	for (const struct field *f = res->fields; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* The resource's token field, the one a renewal replaces; NULL if none. */
const struct field *
resource_token_field(const struct resource *res)
{
	for (const struct field *f = res->fields; f->name != NULL; f++)
		if (f->type == FIELD_TOKEN)
			return f;
	return NULL;
}

/* A new value for a token field: f->max random characters. */
static json_t *
token_value(const struct field *f)
{
	char	buf[128];
	size_t	n = (size_t)f->max;

	if (n < 1 || n >= sizeof buf)
		fatalx("%s: a token of %zu characters", f->name, n);
	token_random(buf, n);
	return json_string(buf);
}

/* An integer of a stored row, or none when it is null or absent. */
int64_t
resource_int(const json_t *row, const char *name, int64_t none)
{
	json_t	*v = json_object_get(row, name);

	if (json_is_true(v))
		return 1;
	if (json_is_false(v))
		return 0;
	return json_is_integer(v) ? json_integer_value(v) : none;
}

static int
slug_ok(const char *s, int upper)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if ((*s >= '0' && *s <= '9') || (!upper && *s == '-') ||
		    (upper ? (*s >= 'A' && *s <= 'Z') : (*s >= 'a' && *s <= 'z')))
			continue;
		return 0;
	}
	return 1;
}

/* A text value checked for its type: the stored string, or an error code. */
static json_t *
parse_text(const struct field *f, json_t *v, const char **error)
{
	const char	*s, *bad;
	char		*clean = NULL;
	json_t		*out;

	if (!json_is_string(v)) {
		*error = "invalid";
		return NULL;
	}
	s = json_string_value(v);
	bad = (f->flags & FIELD_LINES) ? text_clean_lines(s,
	    json_string_length(v), &clean) : text_clean(s,
	    json_string_length(v), &clean);
	if (bad != NULL &&
	    (json_string_length(v) > 0 || (f->flags & FIELD_REQUIRED))) {
		free(clean);
		*error = "invalid";
		return NULL;
	}
	if (clean == NULL)
		clean = xstrdup("");
	if (f->max > 0 && utf8_count(clean) > (size_t)f->max)
		*error = "too_long";
	else if (f->type == FIELD_EMAIL && *clean != '\0' &&
	    validate_email(clean) != NULL)
		*error = "invalid";
	else if (f->type == FIELD_ZONE && tzfile_get(clean) == NULL)
		*error = "unknown_zone";
	else if ((f->type == FIELD_SLUG || f->type == FIELD_CODE) &&
	    !slug_ok(clean, f->type == FIELD_CODE))
		*error = "invalid";
	else if (f->valid != NULL && !f->valid(clean))
		*error = "invalid";
	else if (f->type == FIELD_CHOICE) {
		*error = "not_a_choice";
		for (const char *const *c = f->choices; *c != NULL; c++)
			if (strcmp(*c, clean) == 0)
				*error = NULL;
	} else if (*clean == '\0' && (f->flags & FIELD_REQUIRED))
		*error = "required";
	out = *error == NULL ? json_string(clean) : NULL;
	free(clean);
	return out;
}

/* A list of ids: each a positive integer, none twice, at most f->max. */
static json_t *
parse_ids(const struct field *f, json_t *v, const char **error)
{
	json_t	*id, *other;
	size_t	 i, j;

	if (!json_is_array(v)) {
		*error = "invalid";
		return NULL;
	}
	if (json_array_size(v) > (size_t)f->max) {
		*error = "too_many";
		return NULL;
	}
	json_array_foreach(v, i, id) {
		if (!json_is_integer(id) || json_integer_value(id) < 1) {
			*error = "invalid";
			return NULL;
		}
		for (j = 0; j < i; j++) {
			other = json_array_get(v, j);
			if (json_integer_value(other) == json_integer_value(id)) {
				*error = "duplicate";
				return NULL;
			}
		}
	}
	return json_deep_copy(v);
}

/* One value from the client, in its stored form; NULL with *error. */
static json_t *
parse_value(const struct field *f, json_t *v, const char **error)
{
	int64_t	t;

	*error = NULL;
	if (json_is_null(v)) {
		if (f->flags & FIELD_NULL)
			return json_null();
		*error = "required";
		return NULL;
	}
	switch (f->type) {
	case FIELD_INT:
		if (!json_is_integer(v))
			*error = "invalid";
		else if (json_integer_value(v) < f->min ||
		    json_integer_value(v) > f->max)
			*error = "out_of_range";
		return *error ? NULL : json_integer(json_integer_value(v));
	case FIELD_BOOL:
		if (!json_is_boolean(v))
			*error = "invalid";
		return *error ? NULL : json_boolean(json_is_true(v));
	case FIELD_IDS:
		return parse_ids(f, v, error);
	case FIELD_TIME:
		if (!json_is_string(v) || timefmt_parse_iso(json_string_value(v),
		    &t) != 0) {
			*error = "invalid_time";
			return NULL;
		}
		return json_integer(t);
	default:
		return parse_text(f, v, error);
	}
}

/*
 * What a client sent for a resource, checked field by field: the stored
 * values of the fields given, or NULL with *errors ({"field": "code"}).
 * "id" and "version" are not fields and are left to the caller.
 */
json_t *
resource_parse(const struct resource *res, json_t *body, int creating,
    json_t **errors)
{
	const struct field	*f;
	const char		*key, *error;
	json_t			*v, *values = json_object(), *value;

	*errors = json_object();
	json_object_foreach(body, key, v) {
		if (strcmp(key, "id") == 0 || strcmp(key, "version") == 0)
			continue;
		if ((f = resource_field(res, key)) == NULL) {
			json_object_set_new(*errors, key,
			    json_string("unknown_field"));
			continue;
		}
		if (f->flags & (FIELD_READONLY | FIELD_HIDDEN |
		    FIELD_CREATED)) {
			json_object_set_new(*errors, key,
			    json_string("read_only"));
			continue;
		}
		if ((value = parse_value(f, v, &error)) == NULL)
			json_object_set_new(*errors, key, json_string(error));
		else
			json_object_set_new(values, key, value);
	}
	for (f = res->fields; creating && f->name != NULL; f++)
		if ((f->flags & FIELD_REQUIRED) &&
		    json_object_get(body, f->name) == NULL)
			json_object_set_new(*errors, f->name,
			    json_string("required"));
	if (json_object_size(*errors) > 0) {
		json_decref(values);
		return NULL;
	}
	json_decref(*errors);
	*errors = NULL;
	return values;
}

/* The stored row at the statement's current result. */
static json_t *
row_from(const struct resource *res, sqlite3_stmt *s)
{
	json_t	*row = json_object();
	int	 col = COL_FIRST_FIELD;

	for (const struct field *f = res->fields; f->name != NULL; f++, col++) {
		json_t	*v;

		if (f->type == FIELD_IDS) {
			col--;
			continue;
		}
		if (sqlite3_column_type(s, col) == SQLITE_NULL)
			v = json_null();
		else if (f->type == FIELD_BOOL)
			v = json_boolean(sqlite3_column_int(s, col));
		else if (f->type == FIELD_INT || f->type == FIELD_TIME)
			v = json_integer(sqlite3_column_int64(s, col));
		else
			v = json_string(COL_TEXT(s, col));
		json_object_set_new(row, f->name, v);
	}
	json_object_set_new(row, "id", json_integer(sqlite3_column_int64(s,
	    0)));
	json_object_set_new(row, "version", json_integer(sqlite3_column_int64(
	    s, 1)));
	return row;
}

/* The lists of ids of a row (its "id"), added to it: 0, or -1. */
static int
row_links(struct store *st, const struct resource *res, json_t *row)
{
	const struct resource_sql	*q = resource_sql(res);
	sqlite3_stmt			*s;
	enum store_step			 rc = STORE_DONE;
	json_t				*ids;

	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		if (q->links[i] == NULL)
			continue;
		ids = json_array();
		s = store_stmt(st, q->links[i]);
		sqlite3_bind_int64(s, 1, resource_int(row, "id", 0));
		while ((rc = store_step(st, s)) == STORE_ROW)
			json_array_append_new(ids, json_integer(
			    sqlite3_column_int64(s, 0)));
		sqlite3_reset(s);
		json_object_set_new(row, res->fields[i].name, ids);
		if (rc == STORE_ERROR)
			return -1;
	}
	return 0;
}

/*
 * One row in its stored form: 1 with *row (and *parent), 0 when there is
 * none, -1 when the database failed.
 */
int
store_resource_read(struct store *st, const struct resource *res, int64_t id,
    json_t **row, int64_t *parent)
{
	sqlite3_stmt	*s = store_stmt(st, resource_sql(res)->get);
	enum store_step	 rc;

	*row = NULL;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		*row = row_from(res, s);
		if (parent != NULL)
			*parent = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc == STORE_ROW && row_links(st, res, *row) != 0) {
		json_decref(*row);
		*row = NULL;
		return -1;
	}
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

/* The zone a resource's times are shown in: its own, its event's, or local. */
static char *
row_zone(struct store *st, const struct resource *res, int64_t parent,
    const json_t *row)
{
	static const char	 sql[] = "SELECT timezone FROM events"
	    " WHERE id = ?1";
	json_t			*z = json_object_get(row, "timezone");
	sqlite3_stmt		*s;
	char			*zone = NULL;

	if (json_is_string(z) && resource_field(res, "timezone") != NULL)
		return xstrdup(json_string_value(z));
	if (res->parent == NULL)
		return store_local_zone(st);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, parent);
	if (store_step(st, s) == STORE_ROW)
		zone = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return zone != NULL ? zone : xstrdup("UTC");
}

/* A stored row as the API shows it: times in ISO 8601 in the zone. */
static json_t *
view_in(const struct resource *res, int64_t parent, const json_t *row,
    const char *zone)
{
	json_t	*view = json_object();
	char	 iso[32];

	json_object_set(view, "id", json_object_get(row, "id"));
	if (!res->unversioned)
		json_object_set(view, "version", json_object_get(row,
		    "version"));
	if (res->parent != NULL)
		json_object_set_new(view, "event_id", json_integer(parent));
	for (const struct field *f = res->fields; f->name != NULL; f++) {
		json_t	*v = json_object_get(row, f->name);

		if (f->flags & FIELD_HIDDEN)
			continue;
		if (f->type == FIELD_TIME && json_is_integer(v)) {
			timefmt_iso((time_t)json_integer_value(v), zone, iso);
			json_object_set_new(view, f->name, json_string(iso));
		} else
			json_object_set(view, f->name, v ? v : json_null());
	}
	return view;
}

json_t *
store_resource_view(struct store *st, const struct resource *res,
    int64_t parent, const json_t *row)
{
	char	*zone = row_zone(st, res, parent, row);
	json_t	*view = view_in(res, parent, row, zone);

	free(zone);
	return view;
}

/* One row as the API shows it; NULL with *found 0 (none) or -1 (error). */
json_t *
store_resource_get(struct store *st, const struct resource *res, int64_t id,
    int *found)
{
	json_t	*row, *view = NULL;
	int64_t	 parent = 0;

	if ((*found = store_resource_read(st, res, id, &row, &parent)) == 1)
		view = store_resource_view(st, res, parent, row);
	json_decref(row);
	return view;
}

/* A page of rows: {"items", "total", "limit", "offset"}; NULL on errors. */
json_t *
store_resource_list(struct store *st, const struct resource *res,
    int64_t parent, int64_t limit, int64_t offset)
{
	const struct resource_sql	*q = resource_sql(res);
	sqlite3_stmt			*s = store_stmt(st, q->list);
	json_t				*items = json_array(), *row;
	enum store_step			 rc;
	int64_t				 total = -1;

	if (res->parent != NULL)
		sqlite3_bind_int64(s, 1, parent);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		row = row_from(res, s);
		if (row_links(st, res, row) != 0) {
			json_decref(row);
			rc = STORE_ERROR;
			break;
		}
		json_array_append_new(items, store_resource_view(st, res,
		    sqlite3_column_int64(s, 2), row));
		json_decref(row);
	}
	sqlite3_reset(s);
	if ((items = store_list_end(items, rc)) == NULL)
		return NULL;
	s = store_stmt(st, q->count);
	if (res->parent != NULL)
		sqlite3_bind_int64(s, 1, parent);
	if (store_step(st, s) == STORE_ROW)
		total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return store_page(items, total, limit, offset);
}

/*
 * A page of a list as every admin list answers it: {"items", "total",
 * "limit", "offset"}; NULL (and items freed) when total is -1, an error.
 */
json_t *
store_page(json_t *items, int64_t total, int64_t limit, int64_t offset)
{
	if (total < 0) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
	    (json_int_t)total, "limit", (json_int_t)limit, "offset",
	    (json_int_t)offset);
}

/* Bind the stored (creating) or changeable fields of a row from ?2 on. */
static void
bind_row(sqlite3_stmt *s, const struct resource *res, const json_t *row,
    int creating)
{
	int	k = 2;

	for (const struct field *f = res->fields; f->name != NULL; f++) {
		json_t	*v;

		if ((f->flags & FIELD_READONLY) || f->type == FIELD_IDS ||
		    (!creating && (f->flags & FIELD_CREATED)))
			continue;
		v = json_object_get(row, f->name);
		if (v == NULL || json_is_null(v))
			sqlite3_bind_null(s, k);
		else if (json_is_boolean(v))
			sqlite3_bind_int(s, k, json_is_true(v));
		else if (json_is_integer(v))
			sqlite3_bind_int64(s, k, json_integer_value(v));
		else
			sqlite3_bind_text(s, k, json_string_value(v), -1,
			    SQLITE_TRANSIENT);
		k++;
	}
}

/* The row a create starts from: every stored field at its default. */
static json_t *
row_defaults(const struct resource *res, int64_t now)
{
	json_t	*row = json_object();

	for (const struct field *f = res->fields; f->name != NULL; f++) {
		json_t	*v;

		if (f->flags & FIELD_READONLY)
			continue;
		if ((f->flags & FIELD_CREATED) && f->type == FIELD_TOKEN)
			v = token_value(f);
		else if (f->flags & FIELD_CREATED)
			v = json_integer(now);
		else if (f->flags & FIELD_NULL)
			v = json_null();
		else if (f->type == FIELD_IDS)
			v = json_array();
		else if (f->type == FIELD_BOOL)
			v = json_boolean(f->def);
		else if (f->type == FIELD_INT || f->type == FIELD_TIME)
			v = json_integer(f->def);
		else if (f->text_def != NULL)
			v = json_string(f->text_def);
		else if (f->type == FIELD_CHOICE)
			v = json_string(f->choices[0]);
		else
			v = json_string("");
		json_object_set_new(row, f->name, v);
	}
	return row;
}

static int
audit(struct store *st, const struct resource *res, const char *verb,
    const struct audit_ctx *ctx, int64_t id, json_t *before, json_t *after)
{
	json_t	*detail = json_pack("{s:I, s:o, s:o}", "id", (json_int_t)id,
	    "before", before ? before : json_null(), "after",
	    after ? after : json_null());
	char	*text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	char	*action;
	int	 rc = -1;

	json_decref(detail);
	xasprintf(&action, "%s.%s", res->name, verb);
	if (text != NULL)
		rc = store_audit(st, ctx->who, NULL, action, text,
		    ctx->address, ctx->now);
	free(action);
	free(text);
	return rc;
}

static int
db_failed(struct store_error *err)
{
	if (err->status == 0)
		store_error_set(err, 500, "internal",
		    "the change could not be saved");
	return -1;
}

/* No other row has the value of a unique field: 0, or -1 with err. */
static int
unique_check(struct store *st, const struct resource *res, const json_t *row,
    struct store_error *err)
{
	const struct resource_sql	*q = resource_sql(res);
	int64_t				 id = resource_int(row, "id", 0);
	sqlite3_stmt			*s;
	enum store_step			 rc;

	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		json_t	*v = json_object_get(row, res->fields[i].name);

		if (q->unique[i] == NULL || !json_is_string(v))
			continue;
		s = store_stmt(st, q->unique[i]);
		sqlite3_bind_text(s, 1, json_string_value(v), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		rc = store_step(st, s);
		sqlite3_reset(s);
		if (rc == STORE_ERROR)
			return db_failed(err);
		if (rc == STORE_ROW) {
			store_error_set(err, 422, "validation_failed",
			    "another %s has this %s", res->name,
			    res->fields[i].name);
			err->fields = json_pack("{s:s}", res->fields[i].name,
			    "taken");
			return -1;
		}
	}
	return 0;
}

/* A row of the same event has the id named: 1, 0 if none, -1 on errors. */
static int
known(struct store *st, const char *sql, int64_t id, int64_t parent)
{
	sqlite3_stmt	*s = store_stmt(st, sql);
	enum store_step	 rc;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, parent);
	rc = store_step(st, s);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

/*
 * Every reference and every id of a list of a row names a row of its
 * event: 0, or -1 with err (422 "unknown" for the field).
 */
static int
refs_check(struct store *st, const struct resource *res, int64_t parent,
    const json_t *row, struct store_error *err)
{
	const struct resource_sql	*q = resource_sql(res);
	json_t				*v, *id;
	size_t				 j;
	int				 rc = 1;

	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		if (q->known[i] == NULL)
			continue;
		v = json_object_get(row, res->fields[i].name);
		if (json_is_integer(v))
			rc = known(st, q->known[i], json_integer_value(v),
			    parent);
		json_array_foreach(v, j, id)
			if ((rc = known(st, q->known[i],
			    json_integer_value(id), parent)) != 1)
				break;
		if (rc < 0)
			return db_failed(err);
		if (rc == 0) {
			store_error_set(err, 422, "validation_failed", "%s "
			    "names nothing of this event", res->fields[i].name);
			err->fields = json_pack("{s:s}", res->fields[i].name,
			    "unknown");
			return -1;
		}
	}
	return 0;
}

/*
 * The links of the lists of ids in values, for row id: each list given
 * replaces the row's, in its order. 0, or -1 when the database failed.
 */
static int
links_write(struct store *st, const struct resource *res, int64_t id,
    const json_t *values)
{
	const struct resource_sql	*q = resource_sql(res);
	sqlite3_stmt			*s;
	json_t				*v, *other;
	size_t				 j;

	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		if (q->links[i] == NULL ||
		    (v = json_object_get(values, res->fields[i].name)) == NULL)
			continue;
		s = store_stmt(st, q->link_drop[i]);
		sqlite3_bind_int64(s, 1, id);
		if (store_step_done(st, s) != 0)
			return -1;
		json_array_foreach(v, j, other) {
			s = store_stmt(st, q->link_add[i]);
			sqlite3_bind_int64(s, 1, id);
			sqlite3_bind_int64(s, 2, json_integer_value(other));
			sqlite3_bind_int64(s, 3, (int64_t)j);
			if (store_step_done(st, s) != 0)
				return -1;
		}
	}
	return 0;
}

/* Every link of row id goes, before the row: 0, or -1. */
static int
links_drop(struct store *st, const struct resource *res, int64_t id)
{
	const struct resource_sql	*q = resource_sql(res);
	sqlite3_stmt			*s;

	for (size_t i = 0; res->fields[i].name != NULL; i++) {
		if (q->link_drop[i] == NULL)
			continue;
		s = store_stmt(st, q->link_drop[i]);
		sqlite3_bind_int64(s, 1, id);
		if (store_step_done(st, s) != 0)
			return -1;
	}
	return 0;
}

/* Create a row under parent from checked values: its id, or -1 with err. */
int64_t
store_resource_create(struct store *st, const struct resource *res,
    int64_t parent, json_t *values, const struct audit_ctx *ctx,
    struct store_error *err)
{
	sqlite3_stmt	*s;
	json_t		*row = row_defaults(res, ctx->now), *made = NULL;
	int64_t		 id = -1;

	json_object_update(row, values);
	if (unique_check(st, res, row, err) != 0 ||
	    refs_check(st, res, parent, row, err) != 0 ||
	    (res->check != NULL && res->check(st, parent, row, NULL, err) != 0))
		goto out;
	s = store_stmt(st, resource_sql(res)->insert);
	sqlite3_bind_int64(s, 1, parent);
	bind_row(s, res, row, 1);
	if (store_step_done(st, s) != 0) {
		db_failed(err);
		goto out;
	}
	id = sqlite3_last_insert_rowid(store_db(st));
	if (links_write(st, res, id, row) != 0 ||
	    store_resource_read(st, res, id, &made, NULL) != 1 ||
	    (res->after != NULL && res->after(st, id, parent, made, NULL,
	    err) != 0) || audit(st, res, "create", ctx, id, NULL,
	    store_resource_view(st, res, parent, made)) != 0) {
		id = db_failed(err);
		goto out;
	}
out:
	json_decref(row);
	json_decref(made);
	return id;
}

/* The row, checked against the version the client read: 0, or -1 with err. */
static int
read_current(struct store *st, const struct resource *res, int64_t id,
    int64_t version, json_t **row, int64_t *parent, struct store_error *err)
{
	switch (store_resource_read(st, res, id, row, parent)) {
	case 1:
		break;
	case 0:
		store_error_set(err, 404, "not_found", "no such %s",
		    res->name);
		return -1;
	default:
		return db_failed(err);
	}
	if (resource_int(*row, "version", -1) != version) {
		store_error_set(err, 409, "conflict", "changed by someone "
		    "else since it was read: here is the current copy");
		err->current = store_resource_view(st, res, *parent, *row);
		return -1;
	}
	return 0;
}

/* Change the fields in values of a row at version: 0, or -1 with err. */
int
store_resource_update(struct store *st, const struct resource *res,
    int64_t id, int64_t version, json_t *values, const struct audit_ctx *ctx,
    struct store_error *err)
{
	sqlite3_stmt	*s;
	json_t		*before = NULL, *row = NULL, *after = NULL;
	int64_t		 parent = 0;
	int		 rc = -1;

	if (read_current(st, res, id, version, &before, &parent, err) != 0)
		goto out;
	row = json_deep_copy(before);
	json_object_update(row, values);
	if (unique_check(st, res, row, err) != 0 ||
	    refs_check(st, res, parent, values, err) != 0 ||
	    (res->check != NULL && res->check(st, parent, row, before,
	    err) != 0))
		goto out;
	s = store_stmt(st, resource_sql(res)->update);
	sqlite3_bind_int64(s, 1, id);
	bind_row(s, res, row, 0);
	if (store_step_done(st, s) != 0 ||
	    links_write(st, res, id, values) != 0 ||
	    store_resource_read(st, res, id, &after, NULL) != 1 ||
	    (res->after != NULL && res->after(st, id, parent, after, before,
	    err) != 0) || audit(st, res, "update", ctx, id,
	    store_resource_view(st, res, parent, before),
	    store_resource_view(st, res, parent, after)) != 0) {
		db_failed(err);
		goto out;
	}
	rc = 0;
out:
	json_decref(before);
	json_decref(row);
	json_decref(after);
	return rc;
}

/*
 * Give the token field f of a row at version a new value: the old one
 * stops working at once. The version moves on, and the change is audited
 * as "NAME.renew" with the row before and after. 0, or -1 with err.
 */
int
store_resource_renew(struct store *st, const struct resource *res,
    int64_t id, int64_t version, const struct field *f,
    const struct audit_ctx *ctx, struct store_error *err)
{
	const struct resource_sql	*q = resource_sql(res);
	sqlite3_stmt			*s;
	json_t				*before = NULL, *after = NULL, *token;
	int64_t				 parent = 0;
	int				 rc = -1;

	if (f == NULL || f->type != FIELD_TOKEN ||
	    q->renew[f - res->fields] == NULL)
		fatalx("%s: no token field to renew", res->name);
	if (read_current(st, res, id, version, &before, &parent, err) != 0)
		goto out;
	token = token_value(f);
	s = store_stmt(st, q->renew[f - res->fields]);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, json_string_value(token), -1,
	    SQLITE_TRANSIENT);
	json_decref(token);
	if (store_step_done(st, s) != 0 ||
	    store_resource_read(st, res, id, &after, NULL) != 1 ||
	    audit(st, res, "renew", ctx, id, store_resource_view(st, res,
	    parent, before), store_resource_view(st, res, parent,
	    after)) != 0) {
		db_failed(err);
		goto out;
	}
	rc = 0;
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

/* Delete a row at version; 409 in_use while other rows refer to it. */
int
store_resource_delete(struct store *st, const struct resource *res,
    int64_t id, int64_t version, const struct audit_ctx *ctx,
    struct store_error *err)
{
	sqlite3_stmt	*s;
	json_t		*before = NULL;
	int64_t		 parent = 0;
	int		 rc = -1;

	if (read_current(st, res, id, version, &before, &parent, err) != 0)
		goto out;
	if (links_drop(st, res, id) != 0) {
		db_failed(err);
		goto out;
	}
	s = store_stmt(st, resource_sql(res)->delete);
	sqlite3_bind_int64(s, 1, id);
	if (store_step_done(st, s) != 0) {
		if (sqlite3_extended_errcode(store_db(st)) ==
		    SQLITE_CONSTRAINT_FOREIGNKEY)
			store_error_set(err, 409, "in_use", "this %s is in "
			    "use and cannot be deleted", res->name);
		db_failed(err);
		goto out;
	}
	rc = audit(st, res, "delete", ctx, id, store_resource_view(st, res,
	    parent, before), NULL) != 0 ? db_failed(err) : 0;
out:
	json_decref(before);
	return rc;
}

void
list_query_free(struct list_query *lq)
{
	for (size_t i = 0; i < lq->n; i++)
		free(lq->values[i].text);
	lq->n = 0;
}

/*
 * The ids a filter value keeps, in ids, when they are few: a list may
 * start from them. 1 when they are, 0 when not (or the filter has none),
 * -1 when the database failed.
 */
static int
list_ids(struct store *st, const struct resource *res, int64_t parent,
    const struct list_value *v, struct search *sr, struct query *ids)
{
	const struct list_filter	*f = v->f;

	if (f->type == FILTER_SEARCH)
		return search_driver(st, sr, parent, res->search_ids, ids);
	if (f->ids == NULL || (f->type == FILTER_BOOL && !v->id))
		return 0;
	query_add(ids, "%s", f->ids);
	if (f->type == FILTER_ID)
		query_int(ids, v->id);
	else if (f->type != FILTER_BOOL)
		query_text(ids, v->text);
	return search_few(st, ids);
}

/* The condition of one filter value, "AND ..." added to q. */
static void
list_where(struct query *q, const struct resource *res,
    const struct list_value *v, const struct search *sr)
{
	const struct list_filter	*f = v->f;

	switch (f->type) {
	case FILTER_SEARCH:
		search_where(q, sr, res->search_key);
		break;
	case FILTER_BOOL:
		query_add(q, " AND %s", v->id ? f->where : f->where_not);
		break;
	case FILTER_ID:
		query_add(q, " AND %s", f->where);
		query_int(q, v->id);
		break;
	default:
		query_add(q, " AND %s", f->where);
		query_text(q, v->text);
		break;
	}
}

void
list_sql_free(struct list_sql *ls)
{
	query_free(&ls->from);
	query_free(&ls->ids);
}

/*
 * The FROM and WHERE of a filtered list, in ls->from: starting from the
 * ids of the first filter that keeps few rows (then in ls->ids, and
 * ls->started set), else from the table (and the order's outer table).
 * ls->none is set when nothing can match (a search without a word). 0,
 * or -1 when the database failed; ls is to be freed either way.
 */
int
store_list_from(struct store *st, const struct resource *res, int64_t parent,
    const struct list_query *lq, struct list_sql *ls)
{
	const struct list_sort	*sort = lq->sort;
	struct search		 sr = { NULL, { NULL }, 0, 0, 0 };
	struct query		 ids, from;
	int			 few = 0, rc = -1;

	memset(ls, 0, sizeof *ls);
	ls->total = -1;
	query_init(&ls->from);
	query_init(&ls->ids);
	for (size_t i = 0; i < lq->n; i++)
		if (lq->values[i].f->type == FILTER_SEARCH &&
		    (search_parse(&sr, lq->values[i].text) != 0 ||
		    sr.nwords == 0))
			ls->none = 1;
	query_init(&from);
	for (size_t i = 0; i < lq->n && !few && !ls->none; i++) {
		query_init(&ids);
		if ((few = list_ids(st, res, parent, &lq->values[i], &sr,
		    &ids)) < 0) {
			query_free(&ids);
			goto out;
		}
		if (few || lq->values[i].f->type == FILTER_SEARCH)
			query_merge(&ls->ids, &ids);
		/* The range of a search of one word, or the ranges of
		 * every word in common, are whom it finds. */
		if (lq->values[i].f->type == FILTER_SEARCH && sr.ids_exact)
			ls->ids_found = 1;
		if (few) {
			ls->started = 1;
			/* The id queries name their column "id". */
			query_add(&from, " FROM (SELECT DISTINCT id AS rid"
			    " FROM (");
			query_merge(&from, &ids);
			query_add(&from, ")) m CROSS JOIN %s ON %s.id = m.rid",
			    res->table, res->table);
			if (sort != NULL && sort->outer != NULL)
				query_add(&from, " JOIN %s ON %s", sort->outer,
				    sort->outer_on);
		}
		query_free(&ids);
	}
	if (!few && sort != NULL && sort->outer != NULL)
		query_add(&from, " FROM %s CROSS JOIN %s ON %s", sort->outer,
		    res->table, sort->outer_on);
	else if (!few)
		query_add(&from, " FROM %s", res->table);
	query_add(&from, " WHERE %s.%s = ?", res->table, res->parent);
	query_int(&from, parent);
	if (!few && sort != NULL && sort->outer != NULL) {
		query_add(&from, " AND %s = ?", sort->outer_parent);
		query_int(&from, parent);
	}
	for (size_t i = 0; i < lq->n; i++)
		list_where(&from, res, &lq->values[i], &sr);
	query_merge(&ls->from, &from);
	rc = 0;
out:
	query_free(&from);
	search_free(&sr);
	return rc;
}

/*
 * The total of a list: counted with its page when every row was read
 * (ls->total), or from the resource's own count when its filters
 * allow; else its rows counted up to LIST_COUNT_MAX, past which *exact
 * is 0: when its one filter is a search for one word, the ids of whom it
 * finds (counted without reading rows), else the rows of its FROM and
 * WHERE.
 * -1 when the database failed.
 */
static int64_t
list_total(struct store *st, const struct resource *res, int64_t parent,
    const struct list_sql *ls, const struct list_query *lq, int *exact)
{
	struct query	 q;
	int64_t		 n;

	query_init(&q);
	if (ls->total >= 0) {
		n = ls->total;
		*exact = 1;
	} else if (res->count != NULL &&
	    (n = res->count(st, parent, lq)) != -2) {
		*exact = 1;
	} else {
		if (lq->n == 1 && ls->ids_found) {
			query_add(&q, "SELECT count(*) FROM (SELECT DISTINCT id"
			    " FROM (");
			query_merge(&q, &ls->ids);
			query_add(&q, ")");
		} else {
			query_add(&q, "SELECT count(*) FROM (SELECT 1");
			query_merge(&q, &ls->from);
		}
		query_add(&q, " LIMIT ?)");
		query_int(&q, LIST_COUNT_MAX + 1);
		n = query_count(st, &q);
		*exact = n <= LIST_COUNT_MAX;
		if (n > LIST_COUNT_MAX)
			n = LIST_COUNT_MAX;
	}
	query_free(&q);
	return n;
}

/*
 * The page around items: {"items", "total", "total_exact", "limit",
 * "offset"}, the total of the rows of ls (NULL: none can match). NULL
 * (items freed) when the database failed.
 */
json_t *
store_list_page(struct store *st, const struct resource *res, int64_t parent,
    const struct list_sql *ls, json_t *items, const struct list_query *lq)
{
	int64_t	 n = 0;
	int	 exact = 1;
	json_t	*page;

	if (ls != NULL)
		n = list_total(st, res, parent, ls, lq, &exact);
	if ((page = store_page(items, n, lq->limit, lq->offset)) != NULL)
		json_object_set_new(page, "total_exact", json_boolean(exact));
	return page;
}

/* A row of a list as the API shows it, from its columns (select). */
static void
list_row(struct jsonw *w, const struct resource *res, sqlite3_stmt *s,
    int64_t parent, const char *zone)
{
	int	 col = COL_FIRST_FIELD;
	char	 iso[32];

	jsonw_open(w, '{');
	jsonw_key(w, "id");
	jsonw_int(w, sqlite3_column_int64(s, 0));
	if (!res->unversioned) {
		jsonw_key(w, "version");
		jsonw_int(w, sqlite3_column_int64(s, 1));
	}
	if (res->parent != NULL) {
		jsonw_key(w, "event_id");
		jsonw_int(w, parent);
	}
	for (const struct field *f = res->fields; f->name != NULL; f++) {
		if ((f->flags & FIELD_DETAIL) || f->type == FIELD_IDS)
			continue;
		if (f->flags & FIELD_HIDDEN) {
			col++;
			continue;
		}
		jsonw_key(w, f->name);
		if (sqlite3_column_type(s, col) == SQLITE_NULL)
			jsonw_null(w);
		else if (f->type == FIELD_BOOL)
			jsonw_bool(w, sqlite3_column_int(s, col));
		else if (f->type == FIELD_TIME) {
			timefmt_iso((time_t)sqlite3_column_int64(s, col), zone,
			    iso);
			jsonw_str(w, iso);
		} else if (f->type == FIELD_INT)
			jsonw_int(w, sqlite3_column_int64(s, col));
		else
			jsonw_str(w, COL_TEXT(s, col));
		col++;
	}
	jsonw_close(w, '}');
}

/*
 * The ids of a list's page, in order, in ids (*n of them). Rows started
 * from few ids are ordered and counted here (ls->total), the others by
 * SQLite. 0, or -1 when the database failed.
 */
static int
page_ids(struct store *st, const struct resource *res,
    const struct list_query *lq, struct list_sql *ls, int64_t *ids,
    size_t *n)
{
	struct query	 q;
	sqlite3_stmt	*s;
	enum store_step	 rc = STORE_DONE;
	int		 owned, few = 1;

	*n = 0;
	if (ls->started) {
		query_init(&q);
		query_add(&q, "SELECT %s.id, %s", res->table, lq->sort->order);
		query_merge(&q, &ls->from);
		few = store_list_few(st, &q, lq->desc, lq->offset, lq->limit,
		    ids, RESOURCE_PAGE_MAX, n, &ls->total);
		query_free(&q);
		if (few <= 0)
			return few;
	}
	query_init(&q);
	query_add(&q, "SELECT %s.id", res->table);
	query_merge(&q, &ls->from);
	query_add(&q, " ORDER BY %s LIMIT ? OFFSET ?", lq->desc ?
	    lq->sort->order_desc : lq->sort->order);
	query_int(&q, lq->limit);
	query_int(&q, lq->offset);
	s = query_prepare(st, &q, &owned);
	while (s != NULL && *n < RESOURCE_PAGE_MAX &&
	    (rc = store_step(st, s)) == STORE_ROW)
		ids[(*n)++] = sqlite3_column_int64(s, 0);
	if (s == NULL)
		rc = STORE_ERROR;
	query_done(s, owned);
	query_free(&q);
	return rc == STORE_ERROR ? -1 : 0;
}

/*
 * A page of a list with filters and an order, as JSON text: {"items",
 * "total", "total_exact", "limit", "offset"}, each row with the fields
 * lists show (not FIELD_DETAIL), times in the parent's zone; NULL when
 * the database failed. The page's ids are found first, in order, and
 * only their rows read: a row's columns (some of them queries of their
 * own) are made for the rows shown, not for every row sorted. The rows
 * are written as text as they are read (jsonw.c).
 */
static char *
resource_query(struct store *st, const struct resource *res,
    int64_t parent, const struct list_query *lq)
{
	const struct resource_sql	*rs = resource_sql(res);
	struct list_sql			 ls;
	struct jsonw			 w;
	sqlite3_stmt			*s;
	enum store_step			 rc = STORE_DONE;
	int64_t				 ids[RESOURCE_PAGE_MAX], total = 0;
	size_t				 n = 0;
	int				 exact = 1;
	char				*zone;

	if (store_list_from(st, res, parent, lq, &ls) != 0) {
		list_sql_free(&ls);
		return NULL;
	}
	jsonw_init(&w);
	jsonw_open(&w, '{');
	jsonw_key(&w, "items");
	jsonw_open(&w, '[');
	if (!ls.none && page_ids(st, res, lq, &ls, ids, &n) != 0)
		rc = STORE_ERROR;
	zone = n > 0 ? row_zone(st, res, parent, NULL) : NULL;
	for (size_t i = 0; i < n && rc != STORE_ERROR; i++) {
		s = store_stmt(st, rs->list_row);
		sqlite3_bind_int64(s, 1, ids[i]);
		if ((rc = store_step(st, s)) == STORE_ROW)
			list_row(&w, res, s, parent, zone);
		sqlite3_reset(s);
	}
	free(zone);
	jsonw_close(&w, ']');
	if (rc != STORE_ERROR && !ls.none)
		total = list_total(st, res, parent, &ls, lq, &exact);
	list_sql_free(&ls);
	if (rc == STORE_ERROR || total < 0) {
		jsonw_free(&w);
		return NULL;
	}
	jsonw_key(&w, "total");
	jsonw_int(&w, total);
	jsonw_key(&w, "limit");
	jsonw_int(&w, lq->limit);
	jsonw_key(&w, "offset");
	jsonw_int(&w, lq->offset);
	jsonw_key(&w, "total_exact");
	jsonw_bool(&w, exact);
	jsonw_close(&w, '}');
	return jsonw_take(&w);
}

/* The page and its total, read in one snapshot. */
char *
store_resource_query(struct store *st, const struct resource *res,
    int64_t parent, const struct list_query *lq)
{
	int	 began = store_read_begin(st);
	char	*page = resource_query(st, res, parent, lq);

	store_read_end(st, began);
	return page;
}

/*
 * For operations on a resource beyond the generic ones (an attendee's
 * move): the row at the version the client read, and the audit row of
 * the change ("NAME.VERB", the view before and after; both taken).
 */
int
store_resource_at_version(struct store *st, const struct resource *res,
    int64_t id, int64_t version, json_t **row, int64_t *parent,
    struct store_error *err)
{
	return read_current(st, res, id, version, row, parent, err);
}

int
store_resource_audit(struct store *st, const struct resource *res,
    const char *verb, const struct audit_ctx *ctx, int64_t id, json_t *before,
    json_t *after)
{
	return audit(st, res, verb, ctx, id, before, after);
}
