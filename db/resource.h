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
};

#define FIELD_REQUIRED	0x01	/* must be given when created */
#define FIELD_NULL	0x02	/* may be null: no limit, no date */
#define FIELD_READONLY	0x04	/* kept by the server: shown, never written */
#define FIELD_HIDDEN	0x08	/* written by the server only, never shown */
#define FIELD_CREATED	0x10	/* set once, at creation, by the server: the
				   time (FIELD_TIME) or a token; shown */
#define FIELD_UNIQUE	0x20	/* no two rows alike: 422 "taken" */

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
};

/* Who makes a change, for the audit log. */
struct audit_ctx {
	const struct staff	*who;
	const char		*address;
	int64_t			 now;
};

struct resource_sql;
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
	struct resource_sql	*sql;		/* made on first use */
};

#define RESOURCE_PAGE_DEFAULT	50
#define RESOURCE_PAGE_MAX	200

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
json_t *store_page(json_t *items, int64_t total, int64_t limit,
	    int64_t offset);
const struct field *resource_field(const struct resource *, const char *);
int64_t resource_int(const json_t *row, const char *name, int64_t none);

#endif
