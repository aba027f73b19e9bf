/*
 * store-attendees.c: what the organisers see of attendees beyond the rows
 * of their list (store-resource.c lists them): one attendee's page, with
 * the registration they came in, the others in it, their sessions (seats
 * and places in line), check-ins, pass and history from the audit log;
 * and the list grouped by company, with the count in each status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource.h"

#define HISTORY_MAX	200	/* audit rows on an attendee's page */

static json_t *
text_json(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? json_null() :
	    json_string(COL_TEXT(s, col));
}

/* The registration an attendee came in: contact, link, the others. */
static json_t *
registration_json(struct store *st, int64_t reg, int64_t attendee,
    const char *zone)
{
	static const char	 sql[] =
	    "SELECT r.id, r.status, r.created_at, r.manage_token,"
	    " r.contact_first_name, r.contact_last_name, r.contact_email,"
	    " r.contact_company, r.contact_phone, r.version FROM registrations r"
	    " WHERE r.id = ?1";
	static const char	 others_sql[] =
	    "SELECT id, first_name, last_name, status FROM attendees"
	    " WHERE registration_id = ?1 AND id <> ?2 ORDER BY id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*r = NULL, *others;
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg);
	if (store_step(st, s) == STORE_ROW)
		r = json_pack("{s:I, s:I, s:s, s:o, s:s, s:{s:s, s:s, s:s,"
		    " s:s, s:s}}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "version", (json_int_t)sqlite3_column_int64(s, 9),
		    "status", COL_TEXT(s, 1),
		    "created_at", store_time_json(s, 2, zone),
		    "manage_token", COL_TEXT(s, 3), "contact",
		    "first_name", COL_TEXT(s, 4), "last_name", COL_TEXT(s, 5),
		    "email", COL_TEXT(s, 6), "company", COL_TEXT(s, 7),
		    "phone", COL_TEXT(s, 8));
	sqlite3_reset(s);
	if (r == NULL)
		return NULL;
	others = json_array();
	s = store_stmt(st, others_sql);
	sqlite3_bind_int64(s, 1, reg);
	sqlite3_bind_int64(s, 2, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(others, json_pack("{s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "first_name", COL_TEXT(s, 1), "last_name", COL_TEXT(s, 2),
		    "status", COL_TEXT(s, 3)));
	sqlite3_reset(s);
	if ((others = store_list_end(others, rc)) == NULL) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "attendees", others);
	return r;
}

static json_t *
sessions_json(struct store *st, int64_t attendee, const char *zone)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title, s.starts_at FROM attendee_sessions x"
	    " JOIN sessions s ON s.id = x.session_id"
	    " WHERE x.attendee_id = ?1 ORDER BY s.starts_at, s.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1),
		    "starts_at", store_time_json(s, 2, zone)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/* Every check-in, undone ones too, with who did it and who undid it. */
static json_t *
checkins_json(struct store *st, int64_t attendee, const char *zone)
{
	static const char	 sql[] =
	    "SELECT c.id, c.checkpoint, c.at, u.name, c.undone_at, v.name"
	    " FROM checkins c LEFT JOIN users u ON u.id = c.user_id"
	    " LEFT JOIN users v ON v.id = c.undone_by"
	    " WHERE c.attendee_id = ?1 ORDER BY c.at, c.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:o, s:o,"
		    " s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "checkpoint", COL_TEXT(s, 1),
		    "at", store_time_json(s, 2, zone), "by", text_json(s, 3),
		    "undone_at", store_time_json(s, 4, zone),
		    "undone_by", text_json(s, 5)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/*
 * The audit rows about an attendee, newest first: scans at the door
 * ("ok: attendee 12 at main"), the undoing of their check-ins, changes to
 * the attendee ("attendee.*", {"id": 12}) and to their registration
 * ("registration.*", {"id": 7}).
 */
static json_t *
history_json(struct store *st, int64_t attendee, int64_t reg,
    const char *zone)
{
	static const char	 sql[] =
	    "SELECT id, at, username, action, detail FROM audit_log"
	    " WHERE (action = 'checkin' AND detail LIKE ?1)"
	    " OR (action = 'checkin_undo' AND detail IN (SELECT 'check-in ' ||"
	    "  id FROM checkins WHERE attendee_id = ?2))"
	    " OR (action GLOB 'attendee.*' AND CASE WHEN json_valid(detail)"
	    "  THEN json_extract(detail, '$.id') END = ?2)"
	    " OR (action GLOB 'registration.*' AND CASE WHEN json_valid(detail)"
	    "  THEN json_extract(detail, '$.id') END = ?3)"
	    " ORDER BY id DESC LIMIT ?4";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array(), *detail;
	enum store_step		 rc;
	char			 scan[64];

	snprintf(scan, sizeof scan, "%%: attendee %lld at %%",
	    (long long)attendee);
	sqlite3_bind_text(s, 1, scan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, attendee);
	sqlite3_bind_int64(s, 3, reg);
	sqlite3_bind_int(s, 4, HISTORY_MAX);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		/* Changes keep JSON; the door's rows are plain text. */
		if ((detail = json_loads(COL_TEXT(s, 4), 0, NULL)) == NULL)
			detail = json_string(COL_TEXT(s, 4));
		json_array_append_new(list, json_pack("{s:I, s:o, s:s, s:s,"
		    " s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "at", store_time_json(s, 1, zone), "user", COL_TEXT(s, 2),
		    "action", COL_TEXT(s, 3), "detail", detail));
	}
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/*
 * One attendee's page: their row as the list shows it, their pass code
 * (while confirmed), "registration" (with its manage_token, for the
 * caller to make links of), "sessions", "checkins" and "history". NULL
 * with *found 0 when there is none, -1 when the database failed.
 */
json_t *
store_attendee_json(struct store *st, const struct resource *res, int64_t id,
    int *found)
{
	static const char	 sql[] =
	    "SELECT a.registration_id, a.status, a.pass_code, e.timezone"
	    " FROM attendees a JOIN events e ON e.id = a.event_id"
	    " WHERE a.id = ?1";
	sqlite3_stmt		*s;
	json_t			*view, *parts[5];
	int64_t			 reg = 0;
	char			*zone = NULL, *code = NULL;

	if ((view = store_resource_get(st, res, id, found)) == NULL)
		return NULL;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) == STORE_ROW) {
		reg = sqlite3_column_int64(s, 0);
		if (strcmp(COL_TEXT(s, 1), "confirmed") == 0 &&
		    COL_TEXT(s, 2) != NULL)
			code = xstrdup(COL_TEXT(s, 2));
		zone = xstrdup(COL_TEXT(s, 3));
	}
	sqlite3_reset(s);
	if (zone == NULL) {
		*found = -1;
		json_decref(view);
		return NULL;
	}
	json_object_set_new(view, "pass_code", code ? json_string(code) :
	    json_null());
	parts[0] = registration_json(st, reg, id, zone);
	parts[1] = sessions_json(st, id, zone);
	parts[2] = checkins_json(st, id, zone);
	parts[3] = history_json(st, id, reg, zone);
	parts[4] = store_signup_json(st, id);
	free(code);
	free(zone);
	for (int i = 0; i < 5; i++)
		if (parts[i] == NULL) {
			for (int j = 0; j < 5; j++)
				json_decref(parts[j]);
			json_decref(view);
			*found = -1;
			return NULL;
		}
	json_object_set_new(view, "registration", parts[0]);
	json_object_set_new(view, "sessions", parts[1]);
	json_object_set_new(view, "checkins", parts[2]);
	json_object_set_new(view, "history", parts[3]);
	json_object_set_new(view, "sessions_waiting", parts[4]);
	return view;
}

/*
 * The total of an event's attendees, of a ticket type and in a status
 * when the list asks for these alone, without counting every row: the
 * confirmed from the counters the store keeps (ticket_types), the
 * waitlisted and the cancelled (few) from their indexes. -2 for other
 * filters, -1 when the database failed.
 */
int64_t
store_attendee_count(struct store *st, int64_t parent,
    const struct list_query *lq)
{
	static const char	 sql[] =
	    "SELECT (SELECT coalesce(sum(confirmed_count), 0) FROM ticket_types"
	    "  WHERE event_id = ?1 AND (?2 IS NULL OR id = ?2)"
	    "  AND coalesce(?3, 'confirmed') = 'confirmed')"
	    " + (SELECT count(*) FROM attendees WHERE event_id = ?1"
	    "  AND status = 'waitlisted' AND (?2 IS NULL OR ticket_type_id = ?2)"
	    "  AND coalesce(?3, 'waitlisted') = 'waitlisted')"
	    " + (SELECT count(*) FROM attendees WHERE event_id = ?1"
	    "  AND status = 'cancelled' AND (?2 IS NULL OR ticket_type_id = ?2)"
	    "  AND coalesce(?3, 'cancelled') = 'cancelled')";
	sqlite3_stmt		*s;
	int64_t			 n = -1;

	for (size_t i = 0; i < lq->n; i++)
		if (strcmp(lq->values[i].f->name, "ticket_type") != 0 &&
		    strcmp(lq->values[i].f->name, "status") != 0)
			return -2;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, parent);
	for (size_t i = 0; i < lq->n; i++) {
		if (strcmp(lq->values[i].f->name, "ticket_type") == 0)
			sqlite3_bind_int64(s, 2, lq->values[i].id);
		else
			sqlite3_bind_text(s, 3, lq->values[i].text, -1,
			    SQLITE_STATIC);
	}
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

/*
 * The company view from the rows of the list: from is its FROM and WHERE,
 * started from few rows or not; the total counted to LIST_COUNT_MAX.
 */
static void
companies_of_rows(const struct query *from, int few, struct query *q,
    struct query *count)
{
	query_add(q, ", attendees.company_key AS k, count(*) AS n,"
	    " sum(attendees.status = 'confirmed'),"
	    " sum(attendees.status = 'waitlisted'),"
	    " sum(attendees.status = 'cancelled'),"
	    " count(DISTINCT attendees.registration_id)");
	query_merge(q, from);
	query_add(q, " GROUP BY attendees.company_key");
	if (few) {
		query_add(count, "SELECT count(*) FROM (SELECT 1");
		query_merge(count, from);
		query_add(count, " GROUP BY attendees.company_key LIMIT ?)");
	} else {
		/* One step of the company index to each next company. */
		query_add(count, "WITH RECURSIVE g(k) AS (SELECT (SELECT"
		    " min(attendees.company_key)");
		query_merge(count, from);
		query_add(count, ") UNION ALL SELECT (SELECT"
		    " min(attendees.company_key)");
		query_merge(count, from);
		query_add(count, " AND attendees.company_key > g.k) FROM g"
		    " WHERE g.k IS NOT NULL LIMIT ?)"
		    " SELECT count(*) FROM g WHERE k IS NOT NULL");
	}
	query_int(count, LIST_COUNT_MAX + 1);
}

/*
 * The list grouped by company (equal when they differ only in case):
 * {"items": [{"company", "attendees", "confirmed", "waitlisted",
 * "cancelled", "registrations"}], "total", "total_exact", "limit", "offset"}, in the order
 * asked for (its SQL names the key k and the count n), counted from the
 * company index (its status beside each key). NULL when the database
 * failed.
 */
json_t *
store_attendee_companies(struct store *st, const struct resource *res,
    int64_t parent, const struct list_query *lq)
{
	struct list_sql	 ls;
	struct query	 q, count;
	sqlite3_stmt	*s = NULL;
	json_t		*items = json_array(), *page = NULL;
	enum store_step	 rc = STORE_ERROR;
	int64_t		 n = 0;
	int		 owned;

	query_init(&q);
	query_init(&count);
	if (store_list_from(st, res, parent, lq, &ls) != 0)
		goto out;
	if (ls.none) {
		page = store_list_page(st, res, parent, NULL, items, lq);
		items = NULL;
		goto out;
	}
	/* A name for each company: the spelling of one of its rows. */
	query_add(&q, "SELECT (SELECT c.company FROM attendees c"
	    " WHERE c.event_id = ? AND c.company_key = attendees.company_key"
	    " LIMIT 1)");
	query_int(&q, parent);
	companies_of_rows(&ls.from, ls.started, &q, &count);
	query_add(&q, " ORDER BY %s LIMIT ? OFFSET ?", lq->desc ?
	    lq->sort->order_desc : lq->sort->order);
	query_int(&q, lq->limit);
	query_int(&q, lq->offset);
	s = query_prepare(st, &q, &owned);
	while (s != NULL && (rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:I,"
		    " s:I, s:I}", "company", COL_TEXT(s, 0) ? COL_TEXT(s, 0) :
		    "", "attendees", (json_int_t)sqlite3_column_int64(s, 2),
		    "confirmed", (json_int_t)sqlite3_column_int64(s, 3),
		    "waitlisted", (json_int_t)sqlite3_column_int64(s, 4),
		    "cancelled", (json_int_t)sqlite3_column_int64(s, 5),
		    "registrations", (json_int_t)sqlite3_column_int64(s, 6)));
	if (s != NULL)
		query_done(s, owned);
	if (rc == STORE_ERROR || (n = query_count(st, &count)) < 0)
		goto out;
	page = store_page(items, n > LIST_COUNT_MAX ? LIST_COUNT_MAX : n,
	    lq->limit, lq->offset);
	items = NULL;
	if (page != NULL)
		json_object_set_new(page, "total_exact",
		    json_boolean(n <= LIST_COUNT_MAX));
out:
	list_sql_free(&ls);
	query_free(&q);
	query_free(&count);
	json_decref(items);
	return page;
}
