/*
 * store-invoice.c: invoices and credit notes, issued by the writer as the
 * registrations change, so that what the documents of a registration add
 * up to (invoices minus credit notes) is always what it owes.
 *
 * Each attendee's billing is settled in invoice_state: the status and
 * ticket type it was last settled for and the net amount owed since. Any
 * write to an attendee's status or ticket type (wherever in the code it
 * happens: a registration, a promotion, a cancellation, a move, an
 * import) marks their registration through temporary triggers; at the end
 * of each writer job, in the job's savepoint, store_invoice_settle()
 * settles the marked registrations:
 *   - newly confirmed: the ticket type's price is invoiced;
 *   - moved to another type: the difference is invoiced (a dearer type)
 *     or credited (a cheaper one, as a cancellation of the difference);
 *   - cancelled, or back on the waitlist: what was owed is credited,
 *     all of it until the event's cancel_free_until, after it all but
 *     cancel_fee_percent of it.
 * One registration's increases make one invoice, its decreases one credit
 * note referring to its first invoice; the messages the job queued about
 * the registration (its confirmation, a receipt) name them, and carry
 * them to whoever pays. Nothing is issued for an event
 * whose seller has no name yet; naming the seller settles the event's
 * registrations then (store_invoice_mark_event()).
 *
 * Numbers come from the one series (invoice_series) in the same
 * transaction as the document, so a document rolled back or lost in a
 * crash takes its number with it: no gaps. A document is stored as the
 * JSON it was issued as (what badges/invoice.c draws) and never changed
 * (the schema's triggers refuse it). Amounts are in öre, without VAT;
 * the VAT is worked out per rate on each document's total, rounded to
 * the öre, half away from zero. A buyer with an EU VAT number outside
 * Sweden pays Swedish VAT all the same (admission to an event is taxed
 * where it takes place), unless the event turns on reverse charge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing-ids.h"
#include "techtank.h"

/* The attendees of one registration settled at once, at most. */
#define INVOICE_LINES_MAX	(REG_MAX_ATTENDEES * 4)

/* The temporary marks of one writing connection (see above). */
int
store_invoice_open(struct store *st)
{
	static const char	 sql[] =
	    "CREATE TEMP TABLE IF NOT EXISTS invoice_marks"
	    " (registration_id INTEGER PRIMARY KEY);"
	    "CREATE TEMP TRIGGER IF NOT EXISTS invoice_mark_new"
	    " AFTER INSERT ON main.attendees"
	    " BEGIN INSERT OR IGNORE INTO invoice_marks"
	    "  VALUES (new.registration_id); END;"
	    "CREATE TEMP TRIGGER IF NOT EXISTS invoice_mark_changed"
	    " AFTER UPDATE OF status, ticket_type_id ON main.attendees"
	    " BEGIN INSERT OR IGNORE INTO invoice_marks"
	    "  VALUES (new.registration_id); END;"
	    /* The job's messages that may carry what it issued. */
	    "CREATE TEMP TABLE IF NOT EXISTS invoice_mail"
	    " (outbox_id INTEGER PRIMARY KEY);"
	    "CREATE TEMP TRIGGER IF NOT EXISTS invoice_mail_queued"
	    " AFTER INSERT ON main.outbox WHEN new.registration_id IS NOT NULL"
	    "  AND new.kind IN ('confirmation', 'promoted', 'cancelled',"
	    "  'changed')"
	    " BEGIN INSERT OR IGNORE INTO invoice_mail VALUES (new.id); END;";

	return store_exec(st, sql);
}

/*
 * Whether a registration on ticket_type is invoiced (it costs something
 * and its event names the seller), so must say who pays: 1, 0, or -1.
 */
int
store_invoicing(struct store *st, int64_t ticket_type)
{
	static const char	 sql[] =
	    "SELECT t.price_ore > 0 AND e.seller_name <> '' FROM ticket_types t"
	    " JOIN events e ON e.id = t.event_id WHERE t.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int			 yes = 0;

	sqlite3_bind_int64(s, 1, ticket_type);
	if ((rc = store_step(st, s)) == STORE_ROW)
		yes = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : yes;
}

/* Every registration of an event, to settle at the job's end: 0, -1. */
int
store_invoice_mark_event(struct store *st, int64_t event)
{
	static const char	 sql[] =
	    "INSERT OR IGNORE INTO invoice_marks"
	    " SELECT id FROM registrations WHERE event_id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, event);
	return store_step_done(st, s);
}

/* What the registration's event says of billing. */
struct seller {
	int64_t	 event;
	char	*json;		/* the seller object, as issued */
	char	 zone[64];
	int64_t	 terms_days;
	int64_t	 free_until;	/* -1: cancelling is always free */
	int64_t	 fee_percent;
	int	 reverse_eu;	/* EU businesses abroad: reverse charge */
	char	*event_json;	/* the event object, as issued */
};

/* One change of one attendee's billing. */
struct line {
	int64_t		 attendee;
	int64_t		 type;
	int64_t		 net;
	int64_t		 vat_rate;
	json_t		*desc;		/* {sv, en} */
};

static int64_t
round_div(int64_t num, int64_t den)
{
	return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

static void
seller_free(struct seller *s)
{
	free(s->json);
	free(s->event_json);
}

/* The seller of the registration's event; 1 when none is named yet. */
static int
seller_read(struct store *st, int64_t reg, struct seller *out)
{
	static const char	 sql[] =
	    "SELECT e.id, e.seller_name, e.seller_org_number,"
	    " e.seller_vat_number, e.seller_address, e.seller_bankgiro,"
	    " e.seller_email, e.seller_f_tax, e.payment_terms_days,"
	    " e.cancel_free_until, e.cancel_fee_percent, e.timezone, e.name,"
	    " e.name_en, e.starts_at, e.ends_at,"
	    " trim(e.venue_name || ', ' || e.venue_city, ', '),"
	    " e.reverse_charge_eu"
	    " FROM registrations r JOIN events e ON e.id = r.event_id"
	    " WHERE r.id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			 orgno[ORGNO_LEN + 1], vat[VAT_MAX + 1];
	char			 bg[BANKGIRO_LEN + 1], starts[16], ends[16];
	json_t			*j;
	int			 rc;

	memset(out, 0, sizeof *out);
	sqlite3_bind_int64(s, 1, reg);
	if ((rc = store_step(st, s)) != STORE_ROW) {
		sqlite3_reset(s);
		return rc == STORE_DONE ? 1 : -1;
	}
	if (*COL_TEXT(s, 1) == '\0') {
		sqlite3_reset(s);
		return 1;
	}
	out->event = sqlite3_column_int64(s, 0);
	snprintf(out->zone, sizeof out->zone, "%s", COL_TEXT(s, 11));
	out->terms_days = sqlite3_column_int64(s, 8);
	out->free_until = sqlite3_column_type(s, 9) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(s, 9);
	out->fee_percent = sqlite3_column_int64(s, 10);
	out->reverse_eu = sqlite3_column_int(s, 17);
	/* Stored as typed (checked when saved): printed in normal form. */
	if (orgno_normalise(COL_TEXT(s, 2), orgno) != NULL)
		snprintf(orgno, sizeof orgno, "%s", COL_TEXT(s, 2));
	if (vat_normalise(COL_TEXT(s, 3), vat) != NULL)
		snprintf(vat, sizeof vat, "%s", COL_TEXT(s, 3));
	if (bankgiro_normalise(COL_TEXT(s, 5), bg) != NULL)
		snprintf(bg, sizeof bg, "%s", COL_TEXT(s, 5));
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}",
	    "name", COL_TEXT(s, 1), "org_number", orgno, "vat_number", vat,
	    "address", COL_TEXT(s, 4), "bankgiro", bg, "email",
	    COL_TEXT(s, 6), "f_tax", sqlite3_column_int(s, 7),
	    "payment_terms_days", (json_int_t)out->terms_days);
	out->json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	timefmt_date(sqlite3_column_int64(s, 14), out->zone, starts);
	timefmt_date(sqlite3_column_int64(s, 15), out->zone, ends);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", COL_TEXT(s, 12),
	    "name_en", COL_TEXT(s, 13), "starts", starts, "ends", ends,
	    "venue", COL_TEXT(s, 16));
	out->event_json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	sqlite3_reset(s);
	return out->json != NULL && out->event_json != NULL ? 0 : -1;
}

/* "Konferensavgift: Member" and its English, for a line. */
static json_t *
describe(const char *sv, const char *en, const char *type_sv,
    const char *type_en, const char *was_sv, const char *was_en)
{
	char	*a, *b;
	json_t	*j;

	if (was_sv != NULL) {
		xasprintf(&a, "%s: %s → %s", sv, was_sv, type_sv);
		xasprintf(&b, "%s: %s → %s", en, *was_en ? was_en : was_sv,
		    *type_en ? type_en : type_sv);
	} else {
		xasprintf(&a, "%s: %s", sv, type_sv);
		xasprintf(&b, "%s: %s", en, *type_en ? type_en : type_sv);
	}
	j = json_pack("{s:s, s:s}", "sv", a, "en", b);
	free(a);
	free(b);
	return j;
}

/*
 * The changes of one registration's attendees since they were last
 * settled, into lines[]; their new states written. The number of lines,
 * or -1.
 */
static int
changes_find(struct store *st, int64_t reg, const struct seller *sel,
    int64_t now, struct line *lines)
{
	static const char	 sql[] =
	    "SELECT a.id, a.status, a.ticket_type_id, t.price_ore, t.vat_rate,"
	    " t.name, t.name_en, s.status, s.ticket_type_id, s.owed_ore,"
	    " o.name, o.name_en"
	    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " LEFT JOIN invoice_state s ON s.attendee_id = a.id"
	    " LEFT JOIN ticket_types o ON o.id = s.ticket_type_id"
	    " WHERE a.registration_id = ?1 ORDER BY a.id";
	static const char	 state_sql[] =
	    "INSERT INTO invoice_state (attendee_id, status, ticket_type_id,"
	    " owed_ore) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (attendee_id)"
	    " DO UPDATE SET status = excluded.status,"
	    " ticket_type_id = excluded.ticket_type_id,"
	    " owed_ore = excluded.owed_ore";
	struct { int64_t id, type, owed; char status[16]; } todo[
	    INVOICE_LINES_MAX];
	sqlite3_stmt		*s = store_stmt(st, sql);
	size_t			 ntodo = 0;
	int			 n = 0, free_now = sel->free_until < 0 ||
	    now < sel->free_until;
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg);
	while ((rc = store_step(st, s)) == STORE_ROW &&
	    ntodo < sizeof todo / sizeof todo[0]) {
		int64_t		 id = sqlite3_column_int64(s, 0);
		const char	*status = COL_TEXT(s, 1);
		int64_t		 type = sqlite3_column_int64(s, 2);
		int64_t		 price = sqlite3_column_int64(s, 3);
		int		 had = sqlite3_column_type(s, 7) != SQLITE_NULL;
		int		 was_in = had && strcmp(COL_TEXT(s, 7),
		    "confirmed") == 0;
		int		 is_in = strcmp(status, "confirmed") == 0;
		int64_t		 owed = had ? sqlite3_column_int64(s, 9) : 0;
		int64_t		 was_type = had ? sqlite3_column_int64(s, 8) : 0;
		int64_t		 target = owed;
		struct line	*l = &lines[n];

		if (!had && !is_in)
			continue;	/* never billed, nothing to bill */
		if (had && strcmp(COL_TEXT(s, 7), status) == 0 &&
		    was_type == type)
			continue;	/* settled as it is */
		memset(l, 0, sizeof *l);
		if (is_in && !was_in) {
			target = owed + price;
			l->desc = describe("Konferensavgift", "Conference fee",
			    COL_TEXT(s, 5), COL_TEXT(s, 6), NULL, NULL);
		} else if (is_in && was_type != type) {
			target = price;
			/* A cheaper type is a cancellation of the difference. */
			if (target < owed && !free_now)
				target = owed - round_div((owed - target) *
				    (100 - sel->fee_percent), 100);
			l->desc = describe("Byte av biljett", "Change of ticket",
			    COL_TEXT(s, 5), COL_TEXT(s, 6), COL_TEXT(s, 10),
			    COL_TEXT(s, 11));
		} else if (!is_in && was_in) {
			target = free_now ? 0 : round_div(owed *
			    sel->fee_percent, 100);
			l->desc = describe("Avbokning", "Cancellation",
			    COL_TEXT(s, 10), COL_TEXT(s, 11), NULL, NULL);
		}
		if (target != owed) {
			l->attendee = id;
			l->type = type;
			l->net = target - owed;
			l->vat_rate = sqlite3_column_int64(s, 4);
			n++;
		} else
			json_decref(l->desc);
		todo[ntodo].id = id;
		todo[ntodo].type = type;
		todo[ntodo].owed = target;
		snprintf(todo[ntodo].status, sizeof todo[ntodo].status, "%s",
		    status);
		ntodo++;
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		goto fail;
	for (size_t i = 0; i < ntodo; i++) {
		s = store_stmt(st, state_sql);
		sqlite3_bind_int64(s, 1, todo[i].id);
		sqlite3_bind_text(s, 2, todo[i].status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, todo[i].type);
		sqlite3_bind_int64(s, 4, todo[i].owed);
		if (store_step_done(st, s) != 0)
			goto fail;
	}
	return n;
fail:
	for (int i = 0; i < n; i++)
		json_decref(lines[i].desc);
	return -1;
}

/* Who pays: the billing details given, else the contact. */
static json_t *
buyer_json(struct store *st, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT billing_organisation, billing_org_number,"
	    " billing_vat_number, billing_address, billing_email,"
	    " billing_reference, contact_first_name, contact_last_name,"
	    " contact_company, contact_email FROM registrations WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*j = NULL;
	char			*name;

	sqlite3_bind_int64(s, 1, reg);
	if (store_step(st, s) == STORE_ROW) {
		if (*COL_TEXT(s, 0) != '\0')
			j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
			    "name", COL_TEXT(s, 0), "org_number",
			    COL_TEXT(s, 1), "vat_number", COL_TEXT(s, 2),
			    "address", COL_TEXT(s, 3), "email",
			    COL_TEXT(s, 4), "reference", COL_TEXT(s, 5));
		else {
			xasprintf(&name, "%s %s", COL_TEXT(s, 6),
			    COL_TEXT(s, 7));
			j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
			    "name", *COL_TEXT(s, 8) ? COL_TEXT(s, 8) : name,
			    "org_number", "", "vat_number", "", "address", "",
			    "email", COL_TEXT(s, 9), "reference",
			    *COL_TEXT(s, 8) ? name : "");
			free(name);
		}
	}
	sqlite3_reset(s);
	return j;
}

/* An EU VAT number of another country than Sweden: reverse charge. */
static int
reverse_charge(const json_t *buyer)
{
	const char	*vat = json_string_value(json_object_get(buyer,
	    "vat_number"));

	return vat != NULL && strlen(vat) > 2 && strncmp(vat, "SE", 2) != 0;
}

/* The first invoice of the registration, that a credit note refers to. */
static enum store_step
first_invoice(struct store *st, int64_t reg, int64_t *id, int64_t *number)
{
	static const char	 sql[] =
	    "SELECT id, number FROM invoices WHERE registration_id = ?1"
	    " AND kind = 'invoice' ORDER BY number LIMIT 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*number = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc;
}

/* The next number of the series, taken: > 0, or -1. */
static int64_t
number_take(struct store *st)
{
	static const char	 sql[] =
	    "UPDATE invoice_series SET next_number = next_number + 1"
	    " WHERE id = 1 RETURNING next_number - 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 n = -1;

	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	/* RETURNING: the statement must run to its end to take effect. */
	if (n > 0 && store_step(st, s) != STORE_DONE)
		n = -1;
	sqlite3_reset(s);
	return n;
}

/* The lines of one document and its totals per VAT rate, into doc. */
static void
totals(json_t *doc, const struct line *l, int n, int reverse,
    int64_t *net, int64_t *vat)
{
	static const int	 rates[] = { 25, 12, 6, 0 };
	json_t			*lines = json_array(), *per = json_array();

	*net = *vat = 0;
	/* Attendees charged alike are one line, of their number. */
	for (int i = 0; i < n; i++) {
		int64_t	 rate = reverse ? 0 : l[i].vat_rate, qty = 0;
		int	 first = 1;

		for (int j = 0; j < n; j++) {
			if (l[j].net != l[i].net || l[j].vat_rate !=
			    l[i].vat_rate || !json_equal(l[j].desc, l[i].desc))
				continue;
			if (j < i)
				first = 0;
			qty++;
		}
		if (!first)
			continue;
		json_array_append_new(lines, json_pack("{s:O, s:O, s:I, s:I,"
		    " s:I, s:I, s:I}", "description", json_object_get(l[i].desc,
		    "sv"), "description_en", json_object_get(l[i].desc, "en"),
		    "quantity", (json_int_t)qty, "unit_ore", (json_int_t)l[i].net,
		    "vat_rate", (json_int_t)rate, "net_ore",
		    (json_int_t)(l[i].net * qty), "vat_ore", (json_int_t)round_div(
		    l[i].net * qty * rate, 100)));
	}
	for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		int64_t	 sum = 0, tax;
		int	 any = 0;

		for (int i = 0; i < n; i++)
			if ((reverse ? 0 : l[i].vat_rate) == rates[r]) {
				sum += l[i].net;
				any = 1;
			}
		if (!any)
			continue;
		tax = round_div(sum * rates[r], 100);
		json_array_append_new(per, json_pack("{s:i, s:I, s:I}", "rate",
		    rates[r], "net_ore", (json_int_t)sum, "vat_ore",
		    (json_int_t)tax));
		*net += sum;
		*vat += tax;
	}
	json_object_set_new(doc, "lines", lines);
	json_object_set_new(doc, "vat", per);
	json_object_set_new(doc, "net_ore", json_integer(*net));
	json_object_set_new(doc, "vat_ore", json_integer(*vat));
	json_object_set_new(doc, "total_ore", json_integer(*net + *vat));
}

/* Issue one document of n lines for the registration: 0, or -1. */
static int
issue(struct store *st, int64_t reg, const struct seller *sel,
    int credit, const struct line *l, int n, int64_t now, json_t *issued_nos)
{
	static const char	 sql[] =
	    "INSERT INTO invoices (number, kind, event_id, registration_id,"
	    " credits_id, issued_at, due_at, ocr, net_ore, vat_ore, total_ore,"
	    " document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12) RETURNING id";
	static const char	 line_sql[] =
	    "INSERT INTO invoice_lines (invoice_id, line, attendee_id,"
	    " ticket_type_id, net_ore, vat_rate) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6)";
	int64_t			 number, due = now + sel->terms_days * 86400;
	int64_t			 credits = 0, credits_no = 0, net, vat, id = 0;
	char			 ocr[OCR_MAX + 1], issued[16], due_s[16];
	char			*text;
	json_t			*doc, *buyer;
	sqlite3_stmt		*s;
	int			 reverse, rc = -1;

	if (credit && first_invoice(st, reg, &credits, &credits_no) ==
	    STORE_ERROR)
		return -1;
	if ((buyer = buyer_json(st, reg)) == NULL ||
	    (number = number_take(st)) < 0) {
		json_decref(buyer);
		return -1;
	}
	reverse = sel->reverse_eu && reverse_charge(buyer);
	ocr_make_u64((uint64_t)number, ocr);
	timefmt_date(now, sel->zone, issued);
	timefmt_date(due, sel->zone, due_s);
	doc = json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:I}",
	    "kind", credit ? "credit" : "invoice", "number", (json_int_t)number,
	    "issued", issued, "currency", "SEK",
	    "event", json_loads(sel->event_json, 0, NULL),
	    "seller", json_loads(sel->json, 0, NULL), "buyer", buyer,
	    "reverse_charge", reverse, "registration", (json_int_t)reg);
	json_object_set_new(doc, "credits", credits_no > 0 ?
	    json_integer(credits_no) : json_null());
	json_object_set_new(doc, "due", credit ? json_null() :
	    json_string(due_s));
	json_object_set_new(doc, "ocr", credit ? json_null() :
	    json_string(ocr));
	if (doc == NULL)
		return -1;
	json_object_set_new(doc, "f_tax", json_boolean(json_is_true(
	    json_object_get(json_object_get(doc, "seller"), "f_tax"))));
	totals(doc, l, n, reverse, &net, &vat);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, number);
	sqlite3_bind_text(s, 2, credit ? "credit" : "invoice", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, sel->event);
	sqlite3_bind_int64(s, 4, reg);
	if (credits > 0)
		sqlite3_bind_int64(s, 5, credits);
	sqlite3_bind_int64(s, 6, now);
	if (!credit) {
		sqlite3_bind_int64(s, 7, due);
		sqlite3_bind_text(s, 8, ocr, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(s, 9, net);
	sqlite3_bind_int64(s, 10, vat);
	sqlite3_bind_int64(s, 11, net + vat);
	sqlite3_bind_text(s, 12, text, -1, free);
	if (store_step(st, s) == STORE_ROW)
		id = sqlite3_column_int64(s, 0);
	if (id <= 0 || store_step(st, s) != STORE_DONE) {
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	for (int i = 0; i < n; i++) {
		s = store_stmt(st, line_sql);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, i + 1);
		sqlite3_bind_int64(s, 3, l[i].attendee);
		sqlite3_bind_int64(s, 4, l[i].type);
		sqlite3_bind_int64(s, 5, l[i].net);
		sqlite3_bind_int64(s, 6, reverse ? 0 : l[i].vat_rate);
		if (store_step_done(st, s) != 0)
			goto out;
	}
	json_array_append_new(issued_nos, json_integer(number));
	rc = 0;
out:
	return rc;
}

/*
 * The documents just issued, named in the params of the messages the job
 * queued about the registration, for the mailer to attach (to the mail
 * that goes to whoever pays: mailer.c). 0, or -1.
 */
static int
mail_with(struct store *st, int64_t reg, const json_t *numbers)
{
	static const char	 sql[] =
	    "UPDATE outbox SET params = json_set(params, '$.invoices',"
	    " json(?2)) WHERE registration_id = ?1"
	    " AND id IN (SELECT outbox_id FROM invoice_mail)";
	sqlite3_stmt		*s = store_stmt(st, sql);
	char			*text = json_dumps(numbers, JSON_COMPACT);

	if (text == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, reg);
	sqlite3_bind_text(s, 2, text, -1, free);
	return store_step_done(st, s);
}

/* Settle one registration: 0, or -1. */
static int
settle(struct store *st, int64_t reg, int64_t now)
{
	struct line	 lines[INVOICE_LINES_MAX], up[INVOICE_LINES_MAX];
	struct line	 down[INVOICE_LINES_MAX];
	struct seller	 sel;
	json_t		*numbers = json_array();
	int		 n, nup = 0, ndown = 0, rc;

	if ((rc = seller_read(st, reg, &sel)) != 0) {
		json_decref(numbers);
		return rc < 0 ? -1 : 0;
	}
	n = changes_find(st, reg, &sel, now, lines);
	rc = n < 0 ? -1 : 0;
	for (int i = 0; i < n; i++) {
		if (lines[i].net > 0)
			up[nup++] = lines[i];
		else
			down[ndown++] = lines[i];
	}
	/* An invoice first: a credit note refers to it. */
	if (rc == 0 && nup > 0)
		rc = issue(st, reg, &sel, 0, up, nup, now, numbers);
	if (rc == 0 && ndown > 0)
		rc = issue(st, reg, &sel, 1, down, ndown, now, numbers);
	if (rc == 0 && json_array_size(numbers) > 0)
		rc = mail_with(st, reg, numbers);
	for (int i = 0; i < n; i++)
		json_decref(lines[i].desc);
	json_decref(numbers);
	seller_free(&sel);
	return rc;
}

/*
 * At the end of a writer job, in its savepoint: settle the registrations
 * it marked. 0, or -1 (the job is undone then).
 */
int
store_invoice_settle(struct store *st, int64_t now)
{
	static const char	 sql[] =
	    "SELECT registration_id FROM invoice_marks"
	    " ORDER BY registration_id LIMIT 1";
	static const char	 done_sql[] =
	    "DELETE FROM invoice_marks WHERE registration_id = ?1";
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 reg;

	for (;;) {
		s = store_stmt(st, sql);
		if ((rc = store_step(st, s)) == STORE_ROW)
			reg = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc == STORE_DONE)
			return store_run(st, "DELETE FROM invoice_mail");
		if (rc != STORE_ROW)
			return -1;
		if (settle(st, reg, now) != 0)
			return -1;
		s = store_stmt(st, done_sql);
		sqlite3_bind_int64(s, 1, reg);
		if (store_step_done(st, s) != 0)
			return -1;
	}
}

/* A registration's documents, for its page and the console; NULL: -1. */
json_t *
store_invoices_json(struct store *st, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT i.number, i.kind, json_extract(i.document, '$.issued'),"
	    " json_extract(i.document, '$.due'), i.ocr, i.net_ore, i.vat_ore,"
	    " i.total_ore, c.number FROM invoices i"
	    " LEFT JOIN invoices c ON c.id = i.credits_id"
	    " WHERE i.registration_id = ?1 ORDER BY i.number";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array(), *one;
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, reg);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		one = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "number",
		    (json_int_t)sqlite3_column_int64(s, 0), "kind",
		    COL_TEXT(s, 1), "issued", COL_TEXT(s, 2), "net_ore",
		    (json_int_t)sqlite3_column_int64(s, 5), "vat_ore",
		    (json_int_t)sqlite3_column_int64(s, 6), "total_ore",
		    (json_int_t)sqlite3_column_int64(s, 7));
		json_object_set_new(one, "due", sqlite3_column_type(s, 3) ==
		    SQLITE_NULL ? json_null() : json_string(COL_TEXT(s, 3)));
		json_object_set_new(one, "ocr", sqlite3_column_type(s, 4) ==
		    SQLITE_NULL ? json_null() : json_string(COL_TEXT(s, 4)));
		json_object_set_new(one, "credits", sqlite3_column_type(s, 8)
		    == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 8)));
		json_array_append_new(list, one);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/*
 * The document of invoice number, as issued, and its registration: 1
 * found, 0 none (or of another registration than reg > 0), -1.
 */
int
store_invoice_document(struct store *st, int64_t number, int64_t reg,
    json_t **doc)
{
	static const char	 sql[] =
	    "SELECT document FROM invoices WHERE number = ?1"
	    " AND (?2 = 0 OR registration_id = ?2)";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	*doc = NULL;
	sqlite3_bind_int64(s, 1, number);
	sqlite3_bind_int64(s, 2, reg > 0 ? reg : 0);
	if ((rc = store_step(st, s)) == STORE_ROW)
		*doc = json_loads(COL_TEXT(s, 0), 0, NULL);
	sqlite3_reset(s);
	if (rc == STORE_ROW)
		return *doc != NULL ? 1 : -1;
	return rc == STORE_DONE ? 0 : -1;
}

/*
 * An event's documents for organisers, newest first, paged: each with its
 * registration, buyer, dates, amounts, what was paid and what it still
 * wants, and its state: "paid", "unpaid", "partly_paid" (some paid, some
 * still owed), "overdue" (owed after its due date, paid in part or not),
 * "overpaid", or "credit" for a credit note; only those of state (unpaid:
 * overdue and partly paid ones too) when it is not NULL. {"items", "total"}, or
 * NULL when the database failed.
 */
json_t *
store_invoices_event_json(struct store *st, int64_t event, const char *state,
    int64_t now, int64_t limit, int64_t offset)
{
#define INVOICES_OF_STATE \
	    "SELECT number, kind, registration_id, buyer, issued, due, ocr," \
	    " net_ore, vat_ore, total_ore, credits, paid, balance, state" \
	    " FROM (SELECT *, CASE WHEN kind = 'credit' THEN 'credit'" \
	    "  WHEN balance < 0 THEN 'overpaid'" \
	    "  WHEN balance = 0 THEN 'paid'" \
	    "  WHEN due_at < ?4 THEN 'overdue'" \
	    "  WHEN paid > 0 THEN 'partly_paid' ELSE 'unpaid' END AS state" \
	    " FROM (SELECT i.number, i.kind, i.registration_id," \
	    " json_extract(i.document, '$.buyer.name') AS buyer," \
	    " json_extract(i.document, '$.issued') AS issued," \
	    " json_extract(i.document, '$.due') AS due, i.ocr, i.net_ore," \
	    " i.vat_ore, i.total_ore, c.number AS credits, i.due_at," \
	    " coalesce((SELECT sum(p.amount_ore) FROM payments p" \
	    "  WHERE p.invoice_id = i.id), 0) AS paid," \
	    " " INVOICE_BALANCE("i") " AS balance" \
	    " FROM invoices i LEFT JOIN invoices c ON c.id = i.credits_id" \
	    " WHERE i.event_id = ?1))" \
	    " WHERE ?5 IS NULL OR state = ?5 OR (?5 = 'unpaid' AND" \
	    " state IN ('overdue', 'partly_paid'))"
	static const char	 sql[] = INVOICES_OF_STATE
	    " ORDER BY number DESC LIMIT ?2 OFFSET ?3";
	static const char	 count_sql[] = "SELECT count(*) FROM ("
	    INVOICES_OF_STATE ")";
#undef INVOICES_OF_STATE
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*items = json_array(), *one;
	enum store_step		 rc;
	int64_t			 total = 0;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	sqlite3_bind_int64(s, 4, now);
	if (state != NULL)
		sqlite3_bind_text(s, 5, state, -1, SQLITE_STATIC);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		one = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I,"
		    " s:I, s:s}",
		    "number", (json_int_t)sqlite3_column_int64(s, 0),
		    "kind", COL_TEXT(s, 1), "registration",
		    (json_int_t)sqlite3_column_int64(s, 2), "buyer",
		    COL_TEXT(s, 3) ? COL_TEXT(s, 3) : "", "issued",
		    COL_TEXT(s, 4) ? COL_TEXT(s, 4) : "", "net_ore",
		    (json_int_t)sqlite3_column_int64(s, 7), "vat_ore",
		    (json_int_t)sqlite3_column_int64(s, 8), "total_ore",
		    (json_int_t)sqlite3_column_int64(s, 9), "paid_ore",
		    (json_int_t)sqlite3_column_int64(s, 11), "balance_ore",
		    (json_int_t)sqlite3_column_int64(s, 12), "state",
		    COL_TEXT(s, 13));
		json_object_set_new(one, "due", sqlite3_column_type(s, 5) ==
		    SQLITE_NULL ? json_null() : json_string(COL_TEXT(s, 5)));
		json_object_set_new(one, "ocr", sqlite3_column_type(s, 6) ==
		    SQLITE_NULL ? json_null() : json_string(COL_TEXT(s, 6)));
		json_object_set_new(one, "credits", sqlite3_column_type(s, 10)
		    == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(s, 10)));
		json_array_append_new(items, one);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		json_decref(items);
		return NULL;
	}
	s = store_stmt(st, count_sql);
	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 4, now);
	if (state != NULL)
		sqlite3_bind_text(s, 5, state, -1, SQLITE_STATIC);
	if (store_step(st, s) == STORE_ROW)
		total = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)total);
}

/* The language a registration was made in, into lang: 0, or -1. */
int
store_registration_lang(struct store *st, int64_t reg, char lang[3])
{
	sqlite3_stmt	*s = store_stmt(st, "SELECT lang FROM registrations"
	    " WHERE id = ?1");
	enum store_step	 rc;

	sqlite3_bind_int64(s, 1, reg);
	if ((rc = store_step(st, s)) == STORE_ROW)
		snprintf(lang, 3, "%s", COL_TEXT(s, 0));
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}
