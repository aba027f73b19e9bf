/*
 * admin-attendees.c: the attendees of an event, for organisers. The list
 * is searched (every word typed starts a word of the name, email or
 * company, accents and case aside), filtered, ordered (names in Swedish
 * order) and paged on the server by the generic resource code; grouped
 * by company; and each attendee's page adds their registration, sessions,
 * check-ins, pass and history.
 *
 *	GET /api/v1/admin/events/{id}/attendees?q=&ticket_type=&status=
 *	    &company=&checked_in=&session=&printed=&sort=&order=&limit=&offset=
 *	GET /api/v1/admin/events/{id}/attendees/companies?(the same filters)
 *	GET /api/v1/admin/attendees/{id}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "resource.h"

static const char *const statuses[] = { "confirmed", "waitlisted",
	"cancelled", NULL };

static const struct field fields[] = {
	{ .name = "first_name", .column = "first_name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 100 },
	{ .name = "last_name", .column = "last_name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 100 },
	{ .name = "email", .column = "email", .type = FIELD_EMAIL,
	  .flags = FIELD_REQUIRED, .max = 254 },
	{ .name = "company", .column = "company", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "job_title", .column = "job_title", .type = FIELD_TEXT,
	  .flags = FIELD_DETAIL, .max = 150 },
	{ .name = "dietary", .column = "dietary", .type = FIELD_TEXT,
	  .flags = FIELD_DETAIL, .max = 500 },
	{ .name = "listed", .column = "listed", .type = FIELD_BOOL,
	  .flags = FIELD_DETAIL },
	{ .name = "status", .column = "status", .type = FIELD_CHOICE,
	  .flags = FIELD_READONLY, .choices = statuses },
	{ .name = "ticket_type", .column = "ticket_type_id", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = "ticket_type_name", .column = "(SELECT name FROM"
	  " ticket_types WHERE id = attendees.ticket_type_id)",
	  .type = FIELD_TEXT, .flags = FIELD_READONLY },
	{ .name = "registration", .column = "registration_id",
	  .type = FIELD_INT, .flags = FIELD_READONLY },
	{ .name = "registered_at", .column = "created_at", .type = FIELD_TIME,
	  .flags = FIELD_READONLY },
	{ .name = "checked_in_at", .column = "(SELECT min(at) FROM checkins"
	  " WHERE attendee_id = attendees.id AND checkpoint = 'main'"
	  " AND undone_at IS NULL)", .type = FIELD_TIME,
	  .flags = FIELD_READONLY },
	{ .name = "printed_at", .column = "(SELECT max(printed_at) FROM"
	  " badge_prints WHERE attendee_id = attendees.id)",
	  .type = FIELD_TIME, .flags = FIELD_READONLY },
	{ .name = NULL }
};

#define CHECKED_IN "EXISTS (SELECT 1 FROM checkins c" \
	" WHERE c.attendee_id = attendees.id AND c.checkpoint = 'main'" \
	" AND c.undone_at IS NULL)"
#define PRINTED "EXISTS (SELECT 1 FROM badge_prints p" \
	" WHERE p.attendee_id = attendees.id)"

/* Id queries name their column "id"; they may span events. */
static const struct list_filter filters[] = {
	{ .name = "q", .type = FILTER_SEARCH, .max = SEARCH_QUERY_MAX },
	{ .name = "ticket_type", .type = FILTER_ID,
	  .where = "attendees.ticket_type_id = ?",
	  .known = "SELECT 1 FROM ticket_types WHERE id = ? AND event_id = ?" },
	/* "+?": the value is not compared with the partial indexes' "status
	 * = 'waitlisted'", which would prepare the statement again at every
	 * value bound. */
	{ .name = "status", .type = FILTER_CHOICE, .choices = statuses,
	  .where = "attendees.status = +?" },
	/* One company however its case is typed; "" is no company. */
	{ .name = "company", .type = FILTER_TEXT, .max = 600,
	  .where = "attendees.company_key = tt_sort_key(?)" },
	{ .name = "checked_in", .type = FILTER_BOOL, .where = CHECKED_IN,
	  .where_not = "NOT " CHECKED_IN,
	  .ids = "SELECT attendee_id AS id FROM checkins"
	  " WHERE checkpoint = 'main' AND undone_at IS NULL" },
	{ .name = "session", .type = FILTER_ID,
	  .where = "EXISTS (SELECT 1 FROM attendee_sessions x"
	  " WHERE x.attendee_id = attendees.id AND x.session_id = ?)",
	  .ids = "SELECT attendee_id AS id FROM attendee_sessions"
	  " WHERE session_id = ?",
	  .known = "SELECT 1 FROM sessions WHERE id = ? AND event_id = ?" },
	{ .name = "printed", .type = FILTER_BOOL, .where = PRINTED,
	  .where_not = "NOT " PRINTED,
	  .ids = "SELECT attendee_id AS id FROM badge_prints" },
	{ .name = NULL }
};

/* Each order is an index's (0010-search.sql, 0025-company-order.sql),
 * ending in the id. */
static const struct list_sort sorts[] = {
	{ .name = "name", .order = "attendees.name_key, attendees.id",
	  .order_desc = "attendees.name_key DESC, attendees.id DESC" },
	{ .name = "company", .order = "attendees.company_key,"
	  " attendees.name_key, attendees.id",
	  .order_desc = "attendees.company_key DESC, attendees.name_key DESC,"
	  " attendees.id DESC" },
	/* Ticket types in their own order, read first. */
	{ .name = "ticket_type", .order = "t.sort, t.id, attendees.name_key,"
	  " attendees.id", .order_desc = "t.sort DESC, t.id DESC,"
	  " attendees.name_key DESC, attendees.id DESC",
	  .outer = "ticket_types t",
	  .outer_on = "attendees.ticket_type_id = t.id"
	  " AND attendees.event_id = t.event_id",
	  .outer_parent = "t.event_id" },
	/* Registered in the order of the ids. */
	{ .name = "registered_at", .order = "attendees.id",
	  .order_desc = "attendees.id DESC" },
	{ .name = "status", .order = "attendees.status, attendees.name_key,"
	  " attendees.id", .order_desc = "attendees.status DESC,"
	  " attendees.name_key DESC, attendees.id DESC" },
	{ .name = NULL }
};

/*
 * The grouped view: companies in Swedish order, or the largest first (k
 * and n: each company's key and count, store_attendee_companies()).
 */
static const struct list_sort company_sorts[] = {
	{ .name = "company", .order = "k", .order_desc = "k DESC" },
	{ .name = "count", .order = "n, k", .order_desc = "n DESC, k" },
	{ .name = NULL }
};

static struct resource attendees = {
	.name = "attendee",
	.table = "attendees",
	.parent = "event_id",
	.fields = fields,
	.order = "name_key, id",
	.filters = filters,
	.sorts = sorts,
	.search_key = "attendees.search_key",
	.search_ids = "SELECT attendee_id AS id FROM attendee_words"
	    " WHERE event_id = ? AND word >= ? AND word < ?",
	.count = store_attendee_count,
};
const struct resource *const admin_attendees = &attendees;

static void
admin_companies(struct http_req *hr)
{
	struct list_query	lq;
	int64_t			parent;

	if (resource_parent(hr, &attendees, &parent) != 0 ||
	    resource_list_query(hr, &attendees, company_sorts, parent,
	    &lq) != 0)
		return;
	http_reply_read(hr, store_attendee_companies(hr->w->store, &attendees,
	    parent, &lq));
	list_query_free(&lq);
}

/*
 * The links of an attendee's page: their registration's manage page and,
 * while they have one, their pass (the addresses api-passes.c serves).
 */
static void
attendee_links(json_t *a, const char *public_url)
{
	json_t		*reg = json_object_get(a, "registration");
	const char	*token = json_string_value(json_object_get(reg,
	    "manage_token"));
	char		*url;

	if (token == NULL)
		return;
	if (json_is_string(json_object_get(a, "pass_code"))) {
		xasprintf(&url, "%s/api/v1/registrations/%s/attendees/%lld/"
		    "pass.pdf", public_url, token, (long long)json_integer_value(
		    json_object_get(a, "id")));
		json_object_set_new(a, "pass_url", json_string(url));
		free(url);
	} else
		json_object_set_new(a, "pass_url", json_null());
	json_object_set_new(a, "registration", registration_manage_url(
	    json_incref(reg), public_url));
}

static void
admin_attendee_get(struct http_req *hr)
{
	int64_t	 id = resource_id(hr->args[0]);
	json_t	*a = NULL;
	int	 found = 0;

	if (id > 0)
		a = store_attendee_json(hr->w->store, &attendees, id, &found);
	if (found == 0) {
		http_reply_error(hr, 404, "not_found", "no such attendee",
		    NULL);
		return;
	}
	if (a != NULL)
		attendee_links(a, hr->w->srv->cfg.public_url);
	http_reply_read(hr, a);
}

const struct route admin_attendees_routes[] = {
	{ .path = "/api/v1/admin/events/*/attendees", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &attendees },
	{ .path = "/api/v1/admin/events/*/attendees/companies",
	  .methods = M_GET, .auth = AUTH_ORGANISER,
	  .handler = admin_companies },
	{ .path = "/api/v1/admin/attendees/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = admin_attendee_get },
	{ .path = NULL }
};
