/*
 * store-reg-json.c: a registration as the API shows it to the holder of
 * its manage link, with its attendees, their seats in sessions and their
 * places in the sessions' lines.
 */
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

static json_t *
attendee_sessions_json(struct store *st, int64_t attendee)
{
	static const char	 sql[] =
	    "SELECT s.id, s.title FROM attendee_sessions x"
	    " JOIN sessions s ON s.id = x.session_id WHERE x.attendee_id = ?1"
	    " ORDER BY s.starts_at";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, attendee);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "title", COL_TEXT(s, 1)));
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

static json_t *
attendees_json(struct store *st, int64_t reg_id)
{
	static const char	 sql[] =
	    "SELECT a.id, a.first_name, a.last_name, a.email, a.company,"
	    " a.job_title, a.dietary, a.listed, a.status, a.pass_code,"
	    " CASE WHEN a.status = 'waitlisted' THEN (SELECT count(*)"
	    "  FROM attendees w WHERE w.ticket_type_id = a.ticket_type_id"
	    "  AND w.status = 'waitlisted' AND w.id <= a.id) END"
	    " FROM attendees a WHERE a.registration_id = ?1 ORDER BY a.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array();
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		int	confirmed = strcmp(COL_TEXT(s, 8), "confirmed") == 0;

		json_array_append_new(list, json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:o, s:o}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "first_name", COL_TEXT(s, 1), "last_name", COL_TEXT(s, 2),
		    "email", COL_TEXT(s, 3), "company", COL_TEXT(s, 4),
		    "job_title", COL_TEXT(s, 5), "dietary", COL_TEXT(s, 6),
		    "listed", sqlite3_column_int(s, 7),
		    "status", COL_TEXT(s, 8),
		    "pass_code", confirmed && COL_TEXT(s, 9) != NULL ?
		    json_string(COL_TEXT(s, 9)) : json_null(),
		    "waitlist_position",
		    sqlite3_column_type(s, 10) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 10))));
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		return store_list_end(list, rc);
	/* Sign-ups after the attendee rows: the statement is shared. */
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t	*a = json_array_get(list, i), *sessions, *waiting;
		int64_t	 id = json_integer_value(json_object_get(a, "id"));

		if ((sessions = attendee_sessions_json(st, id)) == NULL)
			return store_list_end(list, STORE_ERROR);
		json_object_set_new(a, "sessions", sessions);
		/* In line or wanted: no seat, and no entry at the door. */
		if ((waiting = store_signup_json(st, id)) == NULL)
			return store_list_end(list, STORE_ERROR);
		json_object_set_new(a, "sessions_waiting", waiting);
	}
	return list;
}

/*
 * What a registration costs: its confirmed attendees by the ticket each
 * holds now (an organiser may have moved one), a line per ticket type of
 * its price, count, sum and VAT at the type's rate, rounded to the öre
 * half up as the invoice rounds it; the sums of the lines; and the unit
 * price and rate when there is one line (or none confirmed yet: the
 * registration's own ticket's), else null. NULL when the database failed.
 */
static json_t *
price_json(struct store *st, int64_t id, int64_t unit, int64_t vat_rate)
{
	static const char	 sql[] =
	    "SELECT t.id, t.name, t.name_en, t.price_ore, t.vat_rate, count(*)"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE a.registration_id = ?1 AND a.status = 'confirmed'"
	    " GROUP BY t.id ORDER BY t.sort, t.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*lines = json_array(), *p;
	int64_t			 n = 0, subtotal = 0, vat = 0, each, count;
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		unit = sqlite3_column_int64(s, 3);
		vat_rate = sqlite3_column_int64(s, 4);
		count = sqlite3_column_int64(s, 5);
		each = (unit * count * vat_rate + 50) / 100;
		json_array_append_new(lines, json_pack("{s:{s:I, s:s, s:s},"
		    " s:I, s:I, s:I, s:I, s:I}", "ticket_type",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "name", COL_TEXT(s, 1), "name_en", COL_TEXT(s, 2),
		    "unit_ore", (json_int_t)unit, "vat_rate",
		    (json_int_t)vat_rate, "attendees", (json_int_t)count,
		    "subtotal_ore", (json_int_t)(unit * count),
		    "vat_ore", (json_int_t)each));
		n += count;
		subtotal += unit * count;
		vat += each;
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		json_decref(lines);
		return NULL;
	}
	p = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:o}",
	    "currency", "SEK",
	    "vat_included", 0,
	    "attendees", (json_int_t)n,
	    "subtotal_ore", (json_int_t)subtotal,
	    "vat_ore", (json_int_t)vat,
	    "total_ore", (json_int_t)(subtotal + vat),
	    "lines", lines);
	json_object_set_new(p, "unit_ore", json_array_size(lines) <= 1 ?
	    json_integer(unit) : json_null());
	json_object_set_new(p, "vat_rate", json_array_size(lines) <= 1 ?
	    json_integer(vat_rate) : json_null());
	return p;
}

/*
 * The registration as the API shows it to the holder of its manage link;
 * NULL when there is no such registration or the database failed. Where
 * the pages that take the link live is the daemon's business, not ours.
 */
json_t *
store_registration_json(struct store *st, int64_t id)
{
	static const char	 sql[] =
	    "SELECT r.id, r.status, r.manage_token, r.created_at, e.timezone,"
	    " t.id, t.name, r.contact_first_name, r.contact_last_name,"
	    " r.contact_email, r.contact_company, r.contact_phone, e.name,"
	    " e.name_en, t.name_en, t.price_ore, t.vat_rate, NULL,"
	    " e.seller_name <> '' AND t.price_ore > 0, e.cancel_free_until,"
	    " e.cancel_fee_percent"
	    " FROM registrations r JOIN events e ON e.id = r.event_id"
	    " JOIN ticket_types t ON t.id = r.ticket_type_id WHERE r.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*r, *attendees, *invoices, *price;
	char			 created[32];
	int64_t			 unit, vat_rate;

	sqlite3_bind_int64(s, 1, id);
	if (store_step(st, s) != STORE_ROW) {
		sqlite3_reset(s);
		return NULL;
	}
	timefmt_iso(sqlite3_column_int64(s, 3), COL_TEXT(s, 4), created);
	r = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:{s:I, s:s, s:s},"
	    " s:{s:s, s:s, s:s, s:s, s:s}}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "status", COL_TEXT(s, 1),
	    "manage_token", COL_TEXT(s, 2),
	    "created_at", created,
	    "event", COL_TEXT(s, 12),
	    "event_en", COL_TEXT(s, 13),
	    "ticket_type", "id", (json_int_t)sqlite3_column_int64(s, 5),
	    "name", COL_TEXT(s, 6), "name_en", COL_TEXT(s, 14),
	    "contact", "first_name", COL_TEXT(s, 7), "last_name", COL_TEXT(s, 8),
	    "email", COL_TEXT(s, 9), "company", COL_TEXT(s, 10),
	    "phone", COL_TEXT(s, 11));
	unit = sqlite3_column_int64(s, 15);
	vat_rate = sqlite3_column_int64(s, 16);
	/* What cancelling costs, when the registration is invoiced. */
	json_object_set_new(r, "cancellation", sqlite3_column_int(s, 18) ?
	    json_pack("{s:o, s:I}", "free_until", store_time_json(s, 19,
	    COL_TEXT(s, 4)), "fee_percent", (json_int_t)sqlite3_column_int64(s,
	    20)) : json_null());
	sqlite3_reset(s);
	if ((price = price_json(st, id, unit, vat_rate)) == NULL) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "price", price);
	if ((attendees = attendees_json(st, id)) == NULL) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "attendees", attendees);
	if ((invoices = store_invoices_json(st, id)) == NULL) {
		json_decref(r);
		return NULL;
	}
	json_object_set_new(r, "invoices", invoices);
	return r;
}
