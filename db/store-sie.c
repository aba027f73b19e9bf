/*
 * store-sie.c: an event's bookkeeping as SIE 4 verifications (sie.c), one
 * per invoice, credit note and matched payment, read in batches so that
 * the export (daemon/export-sie.c) never holds them all:
 *   - an invoice (series F, its number): receivables debited with the
 *     total, revenue credited with the net, output VAT with the VAT;
 *   - a credit note (series F): the same, negative;
 *   - a payment matched to an invoice (series B, its id): the bank
 *     debited, receivables credited.
 * On the accounts the event names (account_receivable, _revenue, _vat,
 * _bank; BAS 1510, 3001, 2611, 1930 by default). Every VAT rate books on
 * the one revenue and the one VAT account. Payments that matched no
 * invoice are not booked: the organiser places them first. The file's
 * year (#RAR 0) is the calendar years its verifications fall in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sie.h"
#include "techtank.h"

/* The accounts and the company of an event's file: 0, 1 none, -1. */
int
store_sie_company(struct store *st, int64_t event, struct sie_company *c)
{
	static const char	 sql[] =
	    "SELECT seller_name, seller_org_number, account_receivable,"
	    " account_revenue, account_vat, account_bank,"
	    " coalesce((SELECT min(d) FROM (SELECT json_extract(document,"
	    "  '$.issued') AS d FROM invoices WHERE event_id = ?1"
	    "  UNION ALL SELECT p.paid_on FROM payments p JOIN invoices i"
	    "  ON i.id = p.invoice_id WHERE i.event_id = ?1)), date('now')),"
	    " coalesce((SELECT max(d) FROM (SELECT json_extract(document,"
	    "  '$.issued') AS d FROM invoices WHERE event_id = ?1"
	    "  UNION ALL SELECT p.paid_on FROM payments p JOIN invoices i"
	    "  ON i.id = p.invoice_id WHERE i.event_id = ?1)), date('now'))"
	    " FROM events WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	memset(c, 0, sizeof *c);
	sqlite3_bind_int64(s, 1, event);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		snprintf(c->name, sizeof c->name, "%s", COL_TEXT(s, 0));
		snprintf(c->orgno, sizeof c->orgno, "%s", COL_TEXT(s, 1));
		for (int i = 0; i < SIE_ACCOUNTS; i++)
			snprintf(c->account[i], sizeof c->account[i], "%lld",
			    sqlite3_column_int64(s, 2 + i));
		/* The calendar years the verifications fall in. */
		snprintf(c->year_start, sizeof c->year_start, "%.4s0101",
		    COL_TEXT(s, 6));
		snprintf(c->year_end, sizeof c->year_end, "%.4s1231",
		    COL_TEXT(s, 7));
	}
	sqlite3_reset(s);
	return rc == STORE_ROW ? 0 : rc == STORE_DONE ? 1 : -1;
}

/*
 * The next verifications after *key (zeroed: from the first), in the
 * order of their dates (on one day the invoices, "F", before the
 * payments, "P", which go in series B), at most
 * limit, each handed to each(arg, v); *key moves past them. The number
 * handed on (0: the end), or -1 when the database or each() failed.
 */
int
store_sie_batch(struct store *st, int64_t event, const struct sie_company *c,
    struct sie_key *key, int limit,
    int (*each)(void *, const struct sie_ver *), void *arg)
{
	static const char	 sql[] =
	    "SELECT * FROM ("
	    " SELECT json_extract(document, '$.issued') AS d, 'F' AS series,"
	    "  number AS n, kind, total_ore, net_ore, vat_ore,"
	    "  json_extract(document, '$.buyer.name') AS who"
	    "  FROM invoices WHERE event_id = ?1"
	    " UNION ALL"
	    " SELECT p.paid_on, 'P', p.id, 'payment', p.amount_ore, 0, 0,"
	    "  'faktura ' || i.number"
	    "  FROM payments p JOIN invoices i ON i.id = p.invoice_id"
	    "  WHERE i.event_id = ?1)"
	    " WHERE (d, series, n) > (?2, ?3, ?4)"
	    " ORDER BY d, series, n LIMIT ?5";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int			 n = 0;

	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_text(s, 2, key->date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, key->series, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, key->number);
	sqlite3_bind_int(s, 5, limit);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		struct sie_trans	 t[3];
		struct sie_ver		 v = { 0 };
		char			 date[9], text[200];
		const char		*d = COL_TEXT(s, 0);
		const char		*kind = COL_TEXT(s, 3);
		int			 payment = strcmp(kind, "payment") == 0;

		/* YYYY-MM-DD as YYYYMMDD. */
		snprintf(date, sizeof date, "%.4s%.2s%.2s", d, d + 5, d + 8);
		if (payment)
			snprintf(text, sizeof text, "Betalning, %s",
			    COL_TEXT(s, 7));
		else
			snprintf(text, sizeof text, "%s %lld, %s",
			    strcmp(kind, "credit") == 0 ? "Kreditfaktura" :
			    "Faktura", sqlite3_column_int64(s, 2),
			    COL_TEXT(s, 7) ? COL_TEXT(s, 7) : "");
		v.series = payment ? "B" : "F";
		v.number = sqlite3_column_int64(s, 2);
		v.date = date;
		v.text = text;
		v.trans = t;
		if (payment) {
			t[0] = (struct sie_trans){ c->account[SIE_BANK],
			    sqlite3_column_int64(s, 4), NULL };
			t[1] = (struct sie_trans){ c->account[SIE_RECEIVABLE],
			    -sqlite3_column_int64(s, 4), NULL };
			v.ntrans = 2;
		} else {
			t[0] = (struct sie_trans){ c->account[SIE_RECEIVABLE],
			    sqlite3_column_int64(s, 4), NULL };
			t[1] = (struct sie_trans){ c->account[SIE_REVENUE],
			    -sqlite3_column_int64(s, 5), NULL };
			t[2] = (struct sie_trans){ c->account[SIE_VAT],
			    -sqlite3_column_int64(s, 6), NULL };
			/* No VAT (reverse charge): no VAT row. */
			v.ntrans = sqlite3_column_int64(s, 6) != 0 ? 3 : 2;
		}
		snprintf(key->date, sizeof key->date, "%s", d);
		snprintf(key->series, sizeof key->series, "%s",
		    payment ? "P" : "F");
		key->number = sqlite3_column_int64(s, 2);
		if (each(arg, &v) != 0) {
			rc = STORE_ERROR;
			break;
		}
		n++;
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : n;
}
