/*
 * store-payment.c: what has been paid of the invoices of store-invoice.c.
 * An organiser marks an invoice paid by hand (the amount left, or a part),
 * or uploads the bank's BgMax file: each payment in it is matched by its
 * OCR reference to the invoice that carries it; one that matches nothing
 * (no reference, a mistyped one, a reference of no invoice) is kept
 * unmatched, listed for the organiser. A file is booked whole or not at
 * all, and only once: its identity (bgmax_identity()) is kept, and the
 * same file again books nothing. What an invoice still wants is its total,
 * less the credit notes that refer to it and what was paid of it; below
 * zero it was overpaid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgmax.h"
#include "billing-ids.h"
#include "store-door.h"
#include "techtank.h"

static int
db_failed(struct store_error *err)
{
	store_error_set(err, 500, "internal", "the payment could not be saved");
	return -1;
}

/* An invoice by number: its id and what it still wants. 1, 0 none, -1. */
static int
invoice_balance(struct store *st, int64_t number, int64_t *id,
    int64_t *balance)
{
	static const char	 sql[] =
	    "SELECT i.id, " INVOICE_BALANCE("i") " FROM invoices i"
	    " WHERE i.number = ?1 AND i.kind = 'invoice'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	sqlite3_bind_int64(s, 1, number);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*balance = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static int
payment_insert(struct store *st, int64_t invoice, int64_t amount,
    const char *reference, const char *paid_on, const char *source,
    int64_t file, const char *serial, const char *payer, int64_t now,
    const struct staff *who)
{
	static const char	 sql[] =
	    "INSERT INTO payments (invoice_id, amount_ore, reference, paid_on,"
	    " source, bank_file_id, serial, payer, recorded_at, user_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	if (invoice > 0)
		sqlite3_bind_int64(s, 1, invoice);
	sqlite3_bind_int64(s, 2, amount);
	sqlite3_bind_text(s, 3, reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, paid_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, source, -1, SQLITE_STATIC);
	if (file > 0)
		sqlite3_bind_int64(s, 6, file);
	sqlite3_bind_text(s, 7, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, payer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, now);
	if (who != NULL && who->id > 0)
		sqlite3_bind_int64(s, 10, who->id);
	return store_step_done(st, s);
}

/* 1 when s is a date YYYY-MM-DD that exists. */
static int
date_ok(const char *s)
{
	int	y, m, d, n = 0;
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3
	    || n != 10 || y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 ||
	    d > days[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)));
}

/*
 * An invoice marked paid by an organiser: amount öre (0: what it still
 * wants) paid on paid_on (YYYY-MM-DD; NULL: today in zone). The answer:
 * the invoice's number, what was booked and what it still wants. 0, or
 * -1 with err.
 */
int
store_payment_mark(struct store *st, int64_t number, int64_t amount,
    const char *paid_on, const char *zone, const struct staff *who,
    const char *address, int64_t now, json_t **answer,
    struct store_error *err)
{
	int64_t	 id = 0, balance = 0;
	char	 today[16], detail[96];
	int	 found;

	if ((found = invoice_balance(st, number, &id, &balance)) < 0)
		return db_failed(err);
	if (found == 0) {
		store_error_set(err, 404, "not_found", "no such invoice");
		return -1;
	}
	if (paid_on == NULL) {
		timefmt_date(now, zone, today);
		paid_on = today;
	} else if (!date_ok(paid_on)) {
		store_error_set(err, 422, "validation_failed", "paid_on is a "
		    "date, YYYY-MM-DD");
		err->fields = json_pack("{s:s}", "paid_on", "invalid");
		return -1;
	}
	if (amount == 0)
		amount = balance;
	if (amount <= 0) {
		store_error_set(err, 409, "nothing_to_pay", "the invoice has "
		    "nothing left to pay");
		return -1;
	}
	if (payment_insert(st, id, amount, "", paid_on, "manual", 0, "", "",
	    now, who) != 0)
		return db_failed(err);
	snprintf(detail, sizeof detail, "{\"invoice\": %lld, \"amount_ore\":"
	    " %lld}", (long long)number, (long long)amount);
	if (store_audit(st, who, NULL, "invoice.paid", detail, address,
	    now) != 0)
		return db_failed(err);
	*answer = json_pack("{s:I, s:I, s:I}", "invoice", (json_int_t)number,
	    "amount_ore", (json_int_t)amount, "balance_ore",
	    (json_int_t)(balance - amount));
	return 0;
}

/* The invoice an OCR reference names: its id, or 0 when none; -1. */
static int64_t
invoice_by_ocr(struct store *st, const char *reference)
{
	static const char	 sql[] =
	    "SELECT id FROM invoices WHERE ocr = ?1 AND kind = 'invoice'";
	char			 digits[OCR_MAX + 1];
	size_t			 n = 0;
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 id = 0;

	/* Banks print references with blanks; the digits are the reference. */
	for (const char *p = reference; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == OCR_MAX)
			return 0;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (!ocr_valid(digits))
		return 0;
	s = store_stmt(st, sql);
	sqlite3_bind_text(s, 1, digits, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : id;
}

/* "20271015" as "2027-10-15". */
static void
bgmax_date(const char *in, char out[16])
{
	snprintf(out, 16, "%.4s-%.2s-%.2s", in, in + 4, in + 6);
}

/*
 * A BgMax file read whole (bgmax_parse()), booked: each payment matched
 * by its reference, or kept unmatched. The same file again books nothing
 * and answers {"duplicate": true}. A test file, or a deposit in another
 * currency than SEK, is refused whole (422). The answer counts what was
 * booked and names the unmatched payments and the invoices paid in part
 * or too much. 0, or -1 with err.
 */
int
store_bank_file_book(struct store *st, const struct bgmax_file *f,
    const struct staff *who, const char *address, int64_t now,
    json_t **answer, struct store_error *err)
{
	static const char	 seen_sql[] =
	    "SELECT id FROM bank_files WHERE identity = ?1";
	static const char	 file_sql[] =
	    "INSERT INTO bank_files (identity, created_at, uploaded_at, user_id,"
	    " payments, amount_ore) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " RETURNING id";
	static const char	 state_sql[] =
	    "SELECT i.number, " INVOICE_BALANCE("i") " FROM invoices i"
	    " WHERE i.id IN (SELECT DISTINCT invoice_id FROM payments"
	    " WHERE bank_file_id = ?1 AND invoice_id IS NOT NULL)"
	    " ORDER BY i.number";
	char			 identity[BGMAX_IDENTITY_LEN + 1], date[16];
	char			 detail[160];
	json_t			*unmatched = json_array(), *partial = json_array();
	json_t			*overpaid = json_array();
	sqlite3_stmt		*s;
	enum store_step		 rc;
	int64_t			 file = 0, total = 0, matched = 0;

	if (f->test) {
		store_error_set(err, 422, "bgmax_test_file", "this is a test "
		    "file (T), not the bank's payments (P)");
		goto refuse;
	}
	for (size_t i = 0; i < f->ndeposits; i++)
		if (strcmp(f->deposits[i].currency, "SEK") != 0) {
			store_error_set(err, 422, "bgmax_currency", "a deposit "
			    "in %s: only SEK is booked", f->deposits[i].currency);
			goto refuse;
		}
	bgmax_identity(f, identity);
	s = store_stmt(st, seen_sql);
	sqlite3_bind_text(s, 1, identity, -1, SQLITE_STATIC);
	rc = store_step(st, s);
	if (rc == STORE_ROW)
		file = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		goto failed;
	if (rc == STORE_ROW) {
		*answer = json_pack("{s:b, s:I}", "duplicate", 1, "file",
		    (json_int_t)file);
		json_decref(unmatched);
		json_decref(partial);
		json_decref(overpaid);
		return 0;
	}
	for (size_t i = 0; i < f->npayments; i++)
		total += f->payments[i].amount;
	s = store_stmt(st, file_sql);
	sqlite3_bind_text(s, 1, identity, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->timestamp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (who != NULL && who->id > 0)
		sqlite3_bind_int64(s, 4, who->id);
	sqlite3_bind_int64(s, 5, (int64_t)f->npayments);
	sqlite3_bind_int64(s, 6, total);
	if (store_step(st, s) == STORE_ROW)
		file = sqlite3_column_int64(s, 0);
	if (file <= 0 || store_step(st, s) != STORE_DONE) {
		sqlite3_reset(s);
		goto failed;
	}
	sqlite3_reset(s);
	for (size_t i = 0; i < f->npayments; i++) {
		const struct bgmax_payment	*p = &f->payments[i];
		int64_t				 inv = invoice_by_ocr(st,
		    p->reference);

		if (inv < 0)
			goto failed;
		bgmax_date(p->date, date);
		if (payment_insert(st, inv, p->amount, p->reference, date,
		    "bgmax", file, p->serial, p->name, now, who) != 0)
			goto failed;
		if (inv > 0)
			matched++;
		else
			json_array_append_new(unmatched, json_pack("{s:I, s:s,"
			    " s:s, s:s, s:I}", "line", (json_int_t)p->line,
			    "reference", p->reference, "payer", p->name,
			    "paid_on", date, "amount_ore",
			    (json_int_t)p->amount));
	}
	s = store_stmt(st, state_sql);
	sqlite3_bind_int64(s, 1, file);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		int64_t	 balance = sqlite3_column_int64(s, 1);
		json_t	*one = json_pack("{s:I, s:I}", "invoice", (json_int_t)
		    sqlite3_column_int64(s, 0), "balance_ore",
		    (json_int_t)balance);

		if (balance > 0)
			json_array_append_new(partial, one);
		else if (balance < 0)
			json_array_append_new(overpaid, one);
		else
			json_decref(one);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		goto failed;
	snprintf(detail, sizeof detail, "{\"file\": %lld, \"payments\": %zu,"
	    " \"matched\": %lld}", (long long)file, f->npayments,
	    (long long)matched);
	if (store_audit(st, who, NULL, "bank_file.booked", detail, address,
	    now) != 0)
		goto failed;
	*answer = json_pack("{s:b, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
	    "duplicate", 0, "file", (json_int_t)file, "payments",
	    (json_int_t)f->npayments, "matched", (json_int_t)matched,
	    "amount_ore", (json_int_t)total, "unmatched", unmatched,
	    "partial", partial, "overpaid", overpaid);
	return 0;
failed:
	db_failed(err);
refuse:
	json_decref(unmatched);
	json_decref(partial);
	json_decref(overpaid);
	return -1;
}

/* The payments no invoice matched, newest first: {"items"}. NULL: -1. */
json_t *
store_payments_unmatched(struct store *st)
{
	static const char	 sql[] =
	    "SELECT id, amount_ore, reference, paid_on, payer, bank_file_id"
	    " FROM payments WHERE invoice_id IS NULL ORDER BY id DESC"
	    " LIMIT 500";
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*items = json_array();
	enum store_step		 rc;

	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s,"
		    " s:s, s:I}", "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "amount_ore", (json_int_t)sqlite3_column_int64(s, 1),
		    "reference", COL_TEXT(s, 2), "paid_on", COL_TEXT(s, 3),
		    "payer", COL_TEXT(s, 4), "file",
		    (json_int_t)sqlite3_column_int64(s, 5)));
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o}", "items", items);
}

/*
 * A reminder of an invoice still unpaid after its due date (409 not_due
 * before), through the outbox: to the
 * invoice's email (the payer's), else the registration's contact, in the
 * registration's language, with the invoice attached again and what it
 * still wants. 0 with *answer, or -1 with err (409 when nothing is owed).
 */
int
store_invoice_remind(struct store *st, int64_t number,
    const struct staff *who, const char *address, int64_t now,
    json_t **answer, struct store_error *err)
{
	static const char	 sql[] =
	    "SELECT i.registration_id, " INVOICE_BALANCE("i") ","
	    " json_extract(i.document, '$.buyer.email'),"
	    " json_extract(i.document, '$.buyer.name'),"
	    " json_extract(i.document, '$.due'), i.ocr,"
	    " json_extract(i.document, '$.seller.bankgiro'),"
	    " r.contact_email, r.contact_first_name || ' ' ||"
	    " r.contact_last_name, r.lang, r.erased_at, i.due_at"
	    " FROM invoices i JOIN registrations r ON r.id = i.registration_id"
	    " WHERE i.number = ?1 AND i.kind = 'invoice'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	char			 detail[96], *to = NULL, *to_name = NULL;
	char			 lang[3] = "sv";
	json_t			*params = NULL;
	int64_t			 reg = 0, balance = 0, due = 0;
	int			 erased = 0, ret = -1;

	sqlite3_bind_int64(s, 1, number);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		const char	*billing = COL_TEXT(s, 2);
		int		 own = billing != NULL && *billing != '\0';

		reg = sqlite3_column_int64(s, 0);
		balance = sqlite3_column_int64(s, 1);
		to = xstrdup(own ? billing : COL_TEXT(s, 7));
		to_name = xstrdup(own ? COL_TEXT(s, 3) : COL_TEXT(s, 8));
		snprintf(lang, sizeof lang, "%s", COL_TEXT(s, 9));
		erased = sqlite3_column_type(s, 10) != SQLITE_NULL;
		due = sqlite3_column_int64(s, 11);
		params = json_pack("{s:[I], s:I, s:I, s:s, s:s, s:s}",
		    "invoices", (json_int_t)number, "number",
		    (json_int_t)number, "balance_ore", (json_int_t)balance,
		    "due", COL_TEXT(s, 4) ? COL_TEXT(s, 4) : "", "ocr",
		    COL_TEXT(s, 5) ? COL_TEXT(s, 5) : "", "bankgiro",
		    COL_TEXT(s, 6) ? COL_TEXT(s, 6) : "");
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		goto failed;
	if (rc == STORE_DONE) {
		store_error_set(err, 404, "not_found", "no such invoice");
		goto out;
	}
	if (balance <= 0) {
		store_error_set(err, 409, "nothing_to_pay", "the invoice has "
		    "nothing left to pay");
		goto out;
	}
	if (due >= now) {
		store_error_set(err, 409, "not_due", "the invoice is not due "
		    "yet");
		goto out;
	}
	if (erased || *to == '\0') {
		store_error_set(err, 409, "no_address", "the invoice has no "
		    "address to remind");
		goto out;
	}
	if (store_outbox_add(st, "reminder", reg, 0, to, to_name, lang,
	    params) != 0)
		goto failed;
	snprintf(detail, sizeof detail, "{\"invoice\": %lld}",
	    (long long)number);
	if (store_audit(st, who, NULL, "invoice.reminder", detail, address,
	    now) != 0)
		goto failed;
	*answer = json_pack("{s:I, s:s, s:I}", "invoice", (json_int_t)number,
	    "to", to, "balance_ore", (json_int_t)balance);
	ret = 0;
	goto out;
failed:
	db_failed(err);
out:
	json_decref(params);
	free(to);
	free(to_name);
	return ret;
}
