/*
 * invoice.c: an invoice or a credit note as an A4 PDF, in Swedish or
 * English, drawn from the immutable document the store issued. It carries
 * what mervärdesskattelagen 17 kap. 24 § asks of an invoice: the date of
 * issue, the number, the seller's VAT registration number (and the
 * buyer's under reverse charge, with "Omvänd betalningsskyldighet"), both
 * parties' names and addresses, what was sold (quantity and kind) and
 * when (the event's dates), the net amount, rate and VAT per rate, and the
 * total; and the payment box: due date, bankgiro, OCR reference, amount.
 *
 * Every piece of text is laid out once into rows (a row: layouts at
 * places, and a height); the rows are then flowed onto pages twice, once
 * to count the pages for "Sida 1 av 2" and once to draw, the coloured head
 * and the table's column heads repeated on every page.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"
#include "billing-ids.h"

#define PAGE_W		210.0	/* mm */
#define PAGE_H		297.0
#define MARGIN		18.0
#define CONTENT_W	(PAGE_W - 2 * MARGIN)
#define BAND_H		26.0	/* the coloured head of every page */
#define BODY_TOP	(BAND_H + 8.0)
#define FOOT_TOP	(PAGE_H - 22.0)	/* the rule above the seller's foot */
#define BODY_BOTTOM	(FOOT_TOP - 3.0)
#define TEXT_MIN	6.0	/* points: nothing is set smaller */
#define TEXT_CUT	2000	/* bytes of one field laid out; no box holds more */
#define LINES_MAX	10000	/* invoice lines in one document */
#define VAT_ROWS_MAX	8	/* VAT rates; Sweden has four */
#define DESC_LINES	6	/* a line's description, at most */

/* The table's columns, mm from the left margin: description, quantity,
 * unit price, VAT rate, net amount. */
#define COL_DESC_W	82.0
#define COL_QTY_X	84.0
#define COL_QTY_W	16.0
#define COL_UNIT_X	100.0
#define COL_UNIT_W	28.0
#define COL_RATE_X	128.0
#define COL_RATE_W	14.0
#define COL_NET_X	142.0
#define COL_NET_W	32.0

/* Every word the invoice prints, in each language. */
struct inv_words {
	const char	*lang;
	const char	*invoice, *credit;	/* the titles */
	const char	*page, *of;
	const char	*number, *credit_number;	/* of an invoice, a credit note */
	const char	*issued, *due, *supplied, *terms, *days;
	const char	*credits;		/* "Avser faktura 1000" */
	const char	*reference, *seller, *buyer, *org, *vat_no, *email;
	const char	*f_tax, *event;
	const char	*desc, *qty, *unit, *rate, *amount;
	const char	*vat_rate, *basis, *vat, *net_total, *vat_total;
	const char	*total_invoice, *total_credit;
	const char	*reverse, *reverse_note, *buyer_vat;
	const char	*pay, *bankgiro, *ocr, *pay_note;
	const char	*credit_note;
	const char	*decimal, *thousands;
};

static const struct inv_words words[] = {
	{ "en", "Invoice", "Credit note", "Page", "of",
	  "Invoice number", "Credit note number", "Invoice date", "Due date",
	  "Date of supply",
	  "Payment terms", "days", "Credits invoice",
	  "Your reference", "Seller", "Buyer", "Org. no.", "VAT reg. no.",
	  "Email", "Approved for F-tax", "Event",
	  "Description", "Qty", "Unit price", "VAT", "Amount",
	  "VAT rate", "Net amount", "VAT", "Total excl. VAT", "Total VAT",
	  "Total amount due", "Total credited",
	  "Reverse charge\nOmvänd betalningsskyldighet",
	  "VAT to be accounted for by the buyer (Article 196, Council "
	  "Directive 2006/112/EC).", "Buyer's VAT reg. no.",
	  "Amount to pay", "Bankgiro", "OCR reference",
	  "Quote the OCR reference when you pay.",
	  "This credit note reduces the amount owed on the invoice it "
	  "credits; nothing is to be paid.",
	  ".", "," },
	{ "sv", "Faktura", "Kreditfaktura", "Sida", "av",
	  "Fakturanummer", "Kreditfakturanummer", "Fakturadatum",
	  "Förfallodatum", "Leveransdatum",
	  "Betalningsvillkor", "dagar", "Avser faktura",
	  "Er referens", "Säljare", "Köpare", "Org.nr", "Momsreg.nr",
	  "E-post", "Godkänd för F-skatt", "Evenemang",
	  "Beskrivning", "Antal", "À-pris", "Moms", "Belopp",
	  "Momssats", "Underlag", "Moms", "Summa exkl. moms", "Summa moms",
	  "Att betala", "Att kreditera",
	  "Omvänd betalningsskyldighet",
	  "Köparen redovisar mervärdesskatten (artikel 196, rådets "
	  "direktiv 2006/112/EG).", "Köparens momsreg.nr",
	  "Att betala", "Bankgiro", "OCR-nummer",
	  "Ange OCR-numret när du betalar.",
	  "Kreditfakturan minskar det belopp som ska betalas för fakturan "
	  "den avser; inget ska betalas.",
	  ",", " " },
};

static const struct inv_words *
inv_words(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (lang != NULL && strcmp(words[i].lang, lang) == 0)
			return &words[i];
	return &words[0];
}

/*
 * The document's shape, one table per object: each field's name, type
 * and whether it may be absent or null. Checked before anything is drawn.
 */
enum field_type { F_STRING, F_INTEGER, F_BOOLEAN, F_OBJECT, F_ARRAY, F_DATE };
#define F_OPTIONAL	0x1	/* may be absent */
#define F_NULLABLE	0x2	/* may be null */

struct field {
	const char	*name;
	enum field_type	 type;
	int		 flags;
};

static const struct field doc_fields[] = {
	{ "kind", F_STRING, 0 },
	{ "number", F_INTEGER, 0 },
	{ "credits", F_INTEGER, F_OPTIONAL | F_NULLABLE },
	{ "issued", F_DATE, 0 },
	{ "due", F_DATE, F_OPTIONAL | F_NULLABLE },
	{ "currency", F_STRING, 0 },
	{ "event", F_OBJECT, 0 },
	{ "seller", F_OBJECT, 0 },
	{ "buyer", F_OBJECT, 0 },
	{ "reverse_charge", F_BOOLEAN, 0 },
	{ "f_tax", F_BOOLEAN, F_OPTIONAL },
	{ "lines", F_ARRAY, 0 },
	{ "vat", F_ARRAY, 0 },
	{ "net_ore", F_INTEGER, 0 },
	{ "vat_ore", F_INTEGER, 0 },
	{ "total_ore", F_INTEGER, 0 },
	{ "ocr", F_STRING, F_OPTIONAL | F_NULLABLE },
	{ NULL, 0, 0 }
};
static const struct field event_fields[] = {
	{ "name", F_STRING, 0 },
	{ "name_en", F_STRING, F_OPTIONAL | F_NULLABLE },
	{ "starts", F_DATE, 0 },
	{ "ends", F_DATE, 0 },
	{ "venue", F_STRING, 0 },
	{ NULL, 0, 0 }
};
static const struct field seller_fields[] = {
	{ "name", F_STRING, 0 },
	{ "org_number", F_STRING, 0 },
	{ "vat_number", F_STRING, 0 },
	{ "address", F_STRING, 0 },
	{ "bankgiro", F_STRING, 0 },
	{ "email", F_STRING, 0 },
	{ "payment_terms_days", F_INTEGER, 0 },
	{ NULL, 0, 0 }
};
static const struct field buyer_fields[] = {
	{ "name", F_STRING, 0 },
	{ "org_number", F_STRING, 0 },
	{ "vat_number", F_STRING, 0 },
	{ "address", F_STRING, 0 },
	{ "email", F_STRING, 0 },
	{ "reference", F_STRING, 0 },
	{ NULL, 0, 0 }
};
static const struct field line_fields[] = {
	{ "description", F_STRING, 0 },
	{ "description_en", F_STRING, F_OPTIONAL | F_NULLABLE },
	{ "quantity", F_INTEGER, 0 },
	{ "unit_ore", F_INTEGER, 0 },
	{ "vat_rate", F_INTEGER, 0 },
	{ "net_ore", F_INTEGER, 0 },
	{ "vat_ore", F_INTEGER, 0 },
	{ NULL, 0, 0 }
};
static const struct field vat_fields[] = {
	{ "rate", F_INTEGER, 0 },
	{ "net_ore", F_INTEGER, 0 },
	{ "vat_ore", F_INTEGER, 0 },
	{ NULL, 0, 0 }
};

static const char *const type_names[] = {
	[F_STRING] = "a string", [F_INTEGER] = "an integer",
	[F_BOOLEAN] = "true or false", [F_OBJECT] = "an object",
	[F_ARRAY] = "a list", [F_DATE] = "a date YYYY-MM-DD",
};

/* "2027-10-01": the shape only; months 1-12, days 1-31. */
static int
iso_date(const char *s)
{
	int	m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	m = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int
field_ok(json_t *v, enum field_type type)
{
	switch (type) {
	case F_STRING:
		return json_is_string(v);
	case F_INTEGER:
		return json_is_integer(v);
	case F_BOOLEAN:
		return json_is_boolean(v);
	case F_OBJECT:
		return json_is_object(v);
	case F_ARRAY:
		return json_is_array(v);
	case F_DATE:
		return json_is_string(v) && iso_date(json_string_value(v));
	}
	return 0;
}

/*
 * Whether obj has every field of its table, each of its type, and text as
 * the store takes it (text_clean_lines): no controls but line breaks, no
 * bidi controls that would make a name read otherwise than it is.
 */
static int
check_fields(const json_t *obj, const char *where, const struct field *f,
    char **cause)
{
	const char	*msg;
	char		*clean = NULL;

	if (!json_is_object(obj)) {
		xasprintf(cause, "invoice: %s is not an object", *where ?
		    where : "the document");
		return -1;
	}
	for (; f->name != NULL; f++) {
		json_t	*v = json_object_get(obj, f->name);

		if (v == NULL && (f->flags & F_OPTIONAL))
			continue;
		if (json_is_null(v) && (f->flags & F_NULLABLE))
			continue;
		if (v == NULL || !field_ok(v, f->type)) {
			xasprintf(cause, "invoice: %s%s%s %s, expected %s",
			    where, *where ? "." : "", f->name, v == NULL ?
			    "is missing" : "has the wrong type",
			    type_names[f->type]);
			return -1;
		}
		if (f->type == F_STRING && (msg = text_clean_lines(
		    json_string_value(v), json_string_length(v), &clean)) !=
		    NULL) {
			xasprintf(cause, "invoice: %s%s%s %s", where, *where ?
			    "." : "", f->name, msg);
			free(clean);
			return -1;
		}
		free(clean);
		clean = NULL;
	}
	return 0;
}

static json_int_t
int_of(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static const char *
str_of(const json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/* Adds v to *sum; -1 when it overflows. */
static int
add_to(json_int_t *sum, json_int_t v)
{
	long long	r;

	if (__builtin_add_overflow((long long)*sum, (long long)v, &r))
		return -1;
	*sum = r;
	return 0;
}

/*
 * The document checked whole: its shape, and that what it says adds up,
 * since the PDF is what the buyer books: the rates' amounts sum to the
 * net and VAT, net and VAT to the total, and reverse charge carries no
 * VAT and names the buyer's VAT number.
 */
static int
invoice_check(const json_t *doc, char **cause)
{
	const char	*kind, *ocr;
	json_t		*v, *lines, *vat;
	json_int_t	 net = 0, tax = 0, lines_net = 0, sum = 0;
	size_t		 i;
	char		 where[64];
	int		 credit;

	if (check_fields(doc, "", doc_fields, cause) != 0 ||
	    check_fields(json_object_get(doc, "event"), "event", event_fields,
	    cause) != 0 ||
	    check_fields(json_object_get(doc, "seller"), "seller",
	    seller_fields, cause) != 0 ||
	    check_fields(json_object_get(doc, "buyer"), "buyer", buyer_fields,
	    cause) != 0)
		return -1;
	kind = str_of(doc, "kind");
	if (strcmp(kind, "invoice") != 0 && strcmp(kind, "credit") != 0) {
		xasprintf(cause, "invoice: kind is neither \"invoice\" nor "
		    "\"credit\"");
		return -1;
	}
	credit = strcmp(kind, "credit") == 0;
	if (int_of(doc, "number") <= 0) {
		xasprintf(cause, "invoice: number is not a positive integer");
		return -1;
	}
	if (credit && int_of(doc, "credits") <= 0) {
		xasprintf(cause, "invoice: a credit note needs credits, the "
		    "number of the invoice it credits");
		return -1;
	}
	if (!credit && !json_is_string(json_object_get(doc, "due"))) {
		xasprintf(cause, "invoice: an invoice needs its due date");
		return -1;
	}
	ocr = json_string_value(json_object_get(doc, "ocr"));
	if ((!credit || (ocr != NULL && *ocr != '\0')) && (ocr == NULL ||
	    strlen(ocr) > OCR_MAX || strspn(ocr, "0123456789") !=
	    strlen(ocr) || !ocr_valid(ocr))) {
		xasprintf(cause, "invoice: ocr is not a valid OCR reference");
		return -1;
	}
	if (strlen(str_of(doc, "currency")) != 3 || strspn(str_of(doc,
	    "currency"), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
		xasprintf(cause, "invoice: currency is not a currency code");
		return -1;
	}
	lines = json_object_get(doc, "lines");
	if (json_array_size(lines) == 0 || json_array_size(lines) >
	    LINES_MAX) {
		xasprintf(cause, "invoice: lines must hold 1 to %d lines",
		    LINES_MAX);
		return -1;
	}
	json_array_foreach(lines, i, v) {
		snprintf(where, sizeof where, "lines[%zu]", i);
		if (check_fields(v, where, line_fields, cause) != 0)
			return -1;
		if (add_to(&lines_net, int_of(v, "net_ore")) != 0)
			goto overflow;
	}
	vat = json_object_get(doc, "vat");
	if (json_array_size(vat) == 0 || json_array_size(vat) >
	    VAT_ROWS_MAX) {
		xasprintf(cause, "invoice: vat must hold a row per VAT rate, "
		    "1 to %d", VAT_ROWS_MAX);
		return -1;
	}
	json_array_foreach(vat, i, v) {
		snprintf(where, sizeof where, "vat[%zu]", i);
		if (check_fields(v, where, vat_fields, cause) != 0)
			return -1;
		if (add_to(&net, int_of(v, "net_ore")) != 0 ||
		    add_to(&tax, int_of(v, "vat_ore")) != 0)
			goto overflow;
	}
	if (net != int_of(doc, "net_ore") || lines_net != net ||
	    tax != int_of(doc, "vat_ore")) {
		xasprintf(cause, "invoice: the lines and the VAT rows do not "
		    "add up to net_ore and vat_ore");
		return -1;
	}
	sum = net;
	if (add_to(&sum, tax) != 0)
		goto overflow;
	if (sum != int_of(doc, "total_ore")) {
		xasprintf(cause, "invoice: total_ore is not net_ore + vat_ore");
		return -1;
	}
	if (json_is_true(json_object_get(doc, "reverse_charge")) && (tax != 0 ||
	    *str_of(json_object_get(doc, "buyer"), "vat_number") == '\0')) {
		xasprintf(cause, "invoice: reverse charge needs the buyer's "
		    "VAT number and no VAT");
		return -1;
	}
	return 0;
overflow:
	xasprintf(cause, "invoice: the amounts are too large");
	return -1;
}

/*
 * An amount in öre as printed: "4 500,00 kr" in Swedish, "SEK 4,500.00"
 * in English; another currency than SEK by its code. Plain spaces, so
 * that the text can be searched for as it reads.
 */
static void
money(const struct inv_words *w, const char *currency, json_int_t ore,
    char *out, size_t len)
{
	unsigned long long	 mag = ore < 0 ? -(unsigned long long)ore :
	    (unsigned long long)ore;
	unsigned long long	 units = mag / 100;
	char			 digits[32], grouped[40];
	size_t			 n, j = 0;
	int			 sv = strcmp(w->lang, "sv") == 0;

	n = (size_t)snprintf(digits, sizeof digits, "%llu", units);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[j++] = *w->thousands;
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	if (sv)
		snprintf(out, len, "%s%s%s%02llu %s", ore < 0 ? "-" : "",
		    grouped, w->decimal, mag % 100, strcmp(currency, "SEK") ==
		    0 ? "kr" : currency);
	else
		snprintf(out, len, "%s %s%s%s%02llu", currency, ore < 0 ? "-" :
		    "", grouped, w->decimal, mag % 100);
}

/* A text field's value, cut to what any box could hold. */
static char *
field_text(const char *s)
{
	size_t	n = strlen(s);

	if (n <= TEXT_CUT)
		return xstrdup(s);
	for (n = TEXT_CUT; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
		;
	return xstrndup(s, n);
}

/* One piece of text placed in a row. */
struct cell {
	PangoLayout	*l;
	double		 x, y, w;	/* points, y from the row's top */
	int		 right;		/* aligned to the right of x + w */
	const double	*rgb;
};

enum row_kind {
	ROW_BLOCK,	/* the parties and the dates: the first page only */
	ROW_HEAD,	/* the table's column heads, on every page of lines */
	ROW_LINE,	/* one invoice line */
	ROW_TOTALS,	/* VAT per rate and the totals, kept together */
	ROW_PAY,	/* the payment box */
};

struct row {
	enum row_kind	 kind;
	struct cell	*cells;
	size_t		 n;
	double		 h;	/* points */
	int		 box;	/* a light box behind it */
};

struct inv {
	cairo_t			*cr;
	const struct inv_words	*w;
	const json_t		*doc;
	const char		*currency;
	int			 credit;
	struct row		*rows;
	size_t			 nrows;
	struct row		 head;	/* the table's heads, repeated */
	struct row		 band;	/* the coloured head's fixed part */
	struct row		 foot;	/* the seller on every page */
	int			 page, pages;
	double			 lowest;	/* the lowest row's foot */
	PangoLayout		*buyer_name;
};

static const double teal[] = { 0.04, 0.33, 0.40 };
static const double ink[] = { 0.08, 0.10, 0.13 };
static const double grey[] = { 0.30, 0.33, 0.37 };
static const double white[] = { 1, 1, 1 };

static struct row *
row_add(struct inv *p, enum row_kind kind)
{
	struct row	*r;

	p->rows = xreallocarray(p->rows, p->nrows + 1, sizeof *p->rows);
	r = &p->rows[p->nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	return r;
}

static double
cell_add(struct row *r, PangoLayout *l, double x, double y, double w,
    int right, const double *rgb)
{
	double	lw, lh;

	r->cells = xreallocarray(r->cells, r->n + 1, sizeof *r->cells);
	r->cells[r->n++] = (struct cell){ l, x, y, w, right, rgb };
	text_extents(l, &lw, &lh);
	if (y + lh > r->h)
		r->h = y + lh;
	return lh;
}

/*
 * Text that wraps (names, addresses, descriptions), x and w in mm, y in
 * points from the row's top: as large as pt, down to TEXT_MIN, in at most
 * lines lines, cut after that. Its height in points.
 */
static double
put_block(struct inv *p, struct row *r, const char *text, int bold,
    double pt, double x, double y, double w, int lines, const double *rgb)
{
	char		*t = field_text(text);
	PangoLayout	*l = text_block_any(p->cr, t, bold, pt, TEXT_MIN, MM(w),
	    lines * pt * 1.5, lines, TEXT_WORDS);

	free(t);
	return cell_add(r, l, MM(x), y, MM(w), 0, rgb);
}

/* A single line (numbers, labels), shrunk to fit w mm; placed as above. */
static double
put_line(struct inv *p, struct row *r, const char *text, int bold,
    double pt, double x, double y, double w, int right, const double *rgb)
{
	char		*t = field_text(text);
	PangoLayout	*l = text_fit(p->cr, t, bold, pt, TEXT_MIN, MM(w),
	    pt * 1.6, 1);

	free(t);
	return cell_add(r, l, MM(x), y, MM(w), right, rgb);
}

static void
row_clear(struct row *r)
{
	for (size_t i = 0; i < r->n; i++)
		g_object_unref(r->cells[i].l);
	free(r->cells);
}

/* In English a key's _en twin when that is set, else the key. */
static const char *
text_in(const struct inv *p, const json_t *obj, const char *key)
{
	char		 name[32];
	const char	*en;

	if (strcmp(p->w->lang, "en") == 0) {
		snprintf(name, sizeof name, "%s_en", key);
		en = json_string_value(json_object_get(obj, name));
		if (en != NULL && *en != '\0')
			return en;
	}
	return str_of(obj, key);
}

/* A label and its value beneath it; the height of both. */
static double
put_labelled(struct inv *p, struct row *r, const char *label,
    const char *value, int bold, double pt, double x, double y, double w,
    int lines)
{
	double	h = put_line(p, r, label, 0, 7.5, x, y, w, 0, grey);

	return h + put_block(p, r, value, bold, pt, x, y + h, w, lines, ink);
}

/* A party's name, address and numbers under a heading: its height. */
static double
put_party(struct inv *p, struct row *r, const char *heading,
    const json_t *party, int f_tax, double x, double y, double w)
{
	const char	*org = str_of(party, "org_number");
	const char	*vat = str_of(party, "vat_number");
	const char	*email = str_of(party, "email");
	char		*line;
	double		 top = y;

	y += put_line(p, r, heading, 1, 8, x, y, w, 0, teal);
	y += put_block(p, r, str_of(party, "name"), 1, 11, x, y, w, 3, ink);
	if (heading == p->w->buyer)
		p->buyer_name = r->cells[r->n - 1].l;
	y += put_block(p, r, str_of(party, "address"), 0, 9.5, x, y, w, 6, ink);
	if (*org != '\0') {
		xasprintf(&line, "%s %s", p->w->org, org);
		y += put_block(p, r, line, 0, 9, x, y + MM(1), w, 2, ink) +
		    MM(1);
		free(line);
	}
	if (*vat != '\0') {
		xasprintf(&line, "%s %s", p->w->vat_no, vat);
		y += put_block(p, r, line, 0, 9, x, y, w, 2, ink);
		free(line);
	}
	if (f_tax)
		y += put_line(p, r, p->w->f_tax, 0, 9, x, y, w, 0, ink);
	if (*email != '\0') {
		xasprintf(&line, "%s %s", p->w->email, email);
		y += put_block(p, r, line, 0, 9, x, y, w, 2, ink);
		free(line);
	}
	return y - top;
}

/* The buyer and seller, the dates and the event: the first page's top. */
static void
plan_parties(struct inv *p)
{
	const json_t	*doc = p->doc, *ev = json_object_get(doc, "event");
	const json_t	*buyer = json_object_get(doc, "buyer");
	struct row	*r = row_add(p, ROW_BLOCK);
	const double	 half = (CONTENT_W - 8) / 2, right = MARGIN + half + 8;
	char		 num[32], supply[96], *s;
	double		 y = 0, ry, h;

	if (p->credit) {
		snprintf(num, sizeof num, "%s %lld", p->w->credits,
		    (long long)int_of(doc, "credits"));
		y += put_line(p, r, num, 1, 12, MARGIN, y, CONTENT_W, 0, teal) +
		    MM(3);
	}
	/* Left: the buyer, where a window envelope shows it; right: the
	 * invoice's number and dates. */
	h = put_party(p, r, p->w->buyer, buyer, 0, MARGIN, y, half);
	snprintf(num, sizeof num, "%lld", (long long)int_of(doc, "number"));
	ry = y;
	ry += put_labelled(p, r, p->credit ? p->w->credit_number :
	    p->w->number, num, 1, 11, right, ry, half, 1) + MM(1.5);
	ry += put_labelled(p, r, p->w->issued, str_of(doc, "issued"), 0, 10,
	    right, ry, half, 1) + MM(1.5);
	if (!p->credit) {
		ry += put_labelled(p, r, p->w->due, str_of(doc, "due"), 1, 10,
		    right, ry, half, 1) + MM(1.5);
		xasprintf(&s, "%lld %s", (long long)int_of(json_object_get(doc,
		    "seller"), "payment_terms_days"), p->w->days);
		ry += put_labelled(p, r, p->w->terms, s, 0, 10, right, ry,
		    half, 1) + MM(1.5);
		free(s);
	}
	badge_date_range_in(str_of(ev, "starts"), str_of(ev, "ends"),
	    p->w->lang, supply, sizeof supply);
	ry += put_labelled(p, r, p->w->supplied, supply, 0, 10, right, ry,
	    half, 1) + MM(1.5);
	if (*str_of(buyer, "reference") != '\0')
		ry += put_labelled(p, r, p->w->reference, str_of(buyer,
		    "reference"), 0, 10, right, ry, half, 3);
	h = fmax(h, ry - y);
	y += h + MM(6);
	h = put_party(p, r, p->w->seller, json_object_get(doc, "seller"),
	    json_is_true(json_object_get(doc, "f_tax")), MARGIN, y, half);
	xasprintf(&s, "%s\n%s\n%s", text_in(p, ev, "name"), supply,
	    str_of(ev, "venue"));
	h = fmax(h, put_labelled(p, r, p->w->event, s, 0, 9.5, right, y, half,
	    6));
	free(s);
	r->h = y + h + MM(7);
}

static void
rate_text(const struct inv *p, json_int_t rate, char *out, size_t len)
{
	snprintf(out, len, strcmp(p->w->lang, "sv") == 0 ? "%lld %%" :
	    "%lld%%", (long long)rate);
}

static void
plan_head(struct inv *p)
{
	struct row	*r = &p->head;

	r->kind = ROW_HEAD;
	put_line(p, r, p->w->desc, 1, 8, MARGIN, 0, COL_DESC_W, 0, grey);
	put_line(p, r, p->w->qty, 1, 8, MARGIN + COL_QTY_X, 0, COL_QTY_W, 1,
	    grey);
	put_line(p, r, p->w->unit, 1, 8, MARGIN + COL_UNIT_X, 0, COL_UNIT_W,
	    1, grey);
	put_line(p, r, p->w->rate, 1, 8, MARGIN + COL_RATE_X, 0, COL_RATE_W,
	    1, grey);
	put_line(p, r, p->w->amount, 1, 8, MARGIN + COL_NET_X, 0, COL_NET_W,
	    1, grey);
	r->h += MM(2.5);
}

static void
plan_lines(struct inv *p)
{
	json_t	*line;
	size_t	 i;
	char	 buf[96];

	json_array_foreach(json_object_get(p->doc, "lines"), i, line) {
		struct row	*r = row_add(p, ROW_LINE);
		const double	 top = MM(1.5);

		put_block(p, r, text_in(p, line, "description"), 0, 9.5,
		    MARGIN, top, COL_DESC_W - 2, DESC_LINES, ink);
		snprintf(buf, sizeof buf, "%lld", (long long)int_of(line,
		    "quantity"));
		put_line(p, r, buf, 0, 9.5, MARGIN + COL_QTY_X, top, COL_QTY_W,
		    1, ink);
		money(p->w, p->currency, int_of(line, "unit_ore"), buf,
		    sizeof buf);
		put_line(p, r, buf, 0, 9.5, MARGIN + COL_UNIT_X, top,
		    COL_UNIT_W, 1, ink);
		rate_text(p, int_of(line, "vat_rate"), buf, sizeof buf);
		put_line(p, r, buf, 0, 9.5, MARGIN + COL_RATE_X, top,
		    COL_RATE_W, 1, ink);
		money(p->w, p->currency, int_of(line, "net_ore"), buf,
		    sizeof buf);
		put_line(p, r, buf, 0, 9.5, MARGIN + COL_NET_X, top, COL_NET_W,
		    1, ink);
		r->h += MM(1.5);
	}
}

/* A label on the left of the totals column, its amount on the right. */
static double
put_sum(struct inv *p, struct row *r, const char *label, json_int_t ore,
    int bold, double pt, double y)
{
	const double	x = MARGIN + COL_UNIT_X - 10;
	char		buf[96];
	double		h;

	h = put_line(p, r, label, bold, pt, x, y, COL_NET_X - COL_UNIT_X + 8,
	    0, ink);
	money(p->w, p->currency, ore, buf, sizeof buf);
	return fmax(h, put_line(p, r, buf, bold, pt, MARGIN + COL_NET_X, y,
	    COL_NET_W, 1, ink));
}

/* VAT per rate, the totals, and reverse charge beside them. */
static void
plan_totals(struct inv *p)
{
	const json_t	*doc = p->doc;
	struct row	*r = row_add(p, ROW_TOTALS);
	json_t		*v;
	size_t		 i;
	char		 buf[96], *s;
	double		 y = MM(4), h, x = MARGIN + COL_UNIT_X - 10;

	put_line(p, r, p->w->vat_rate, 1, 8, x, y, 14, 0, grey);
	put_line(p, r, p->w->basis, 1, 8, MARGIN + COL_UNIT_X + 4, y,
	    COL_NET_X - COL_UNIT_X - 6, 1, grey);
	y += put_line(p, r, p->w->vat, 1, 8, MARGIN + COL_NET_X, y, COL_NET_W,
	    1, grey) + MM(1);
	json_array_foreach(json_object_get(doc, "vat"), i, v) {
		rate_text(p, int_of(v, "rate"), buf, sizeof buf);
		h = put_line(p, r, buf, 0, 9.5, x, y, 14, 0, ink);
		money(p->w, p->currency, int_of(v, "net_ore"), buf, sizeof buf);
		put_line(p, r, buf, 0, 9.5, MARGIN + COL_UNIT_X + 4, y,
		    COL_NET_X - COL_UNIT_X - 6, 1, ink);
		money(p->w, p->currency, int_of(v, "vat_ore"), buf, sizeof buf);
		y += fmax(h, put_line(p, r, buf, 0, 9.5, MARGIN + COL_NET_X, y,
		    COL_NET_W, 1, ink)) + MM(0.5);
	}
	y += MM(3);
	y += put_sum(p, r, p->w->net_total, int_of(doc, "net_ore"), 0, 9.5, y) +
	    MM(0.5);
	y += put_sum(p, r, p->w->vat_total, int_of(doc, "vat_ore"), 0, 9.5, y) +
	    MM(1.5);
	y += put_sum(p, r, p->credit ? p->w->total_credit :
	    p->w->total_invoice, int_of(doc, "total_ore"), 1, 12, y);
	r->h = y + MM(5);

	if (json_is_true(json_object_get(doc, "reverse_charge"))) {
		const double	w = COL_UNIT_X - 16;

		y = MM(4);
		y += put_block(p, r, p->w->reverse, 1, 11, MARGIN, y, w, 2,
		    teal);
		y += put_block(p, r, p->w->reverse_note, 0, 8.5, MARGIN, y +
		    MM(1), w, 3, ink) + MM(1);
		xasprintf(&s, "%s %s", p->w->buyer_vat, str_of(json_object_get(
		    doc, "buyer"), "vat_number"));
		y += put_block(p, r, s, 0, 9.5, MARGIN, y + MM(1), w, 2, ink);
		free(s);
		r->h = fmax(r->h, y + MM(5));
	}
}

/* Due date, bankgiro, OCR reference and amount, in a box. */
static void
plan_pay(struct inv *p)
{
	const json_t	*doc = p->doc;
	struct row	*r = row_add(p, ROW_PAY);
	const double	 pad = MM(4);
	char		 buf[96];
	double		 h = 0, x = MARGIN + 4;

	r->box = 1;
	if (p->credit) {
		put_block(p, r, p->w->credit_note, 0, 9.5, x, pad, CONTENT_W -
		    8, 3, ink);
		r->h += pad;
		return;
	}
	/* Amount, due date, bankgiro and the OCR reference, largest. */
	money(p->w, p->currency, int_of(doc, "total_ore"), buf, sizeof buf);
	h = fmax(h, put_labelled(p, r, p->w->pay, buf, 1, 14, x, pad, 46, 1));
	h = fmax(h, put_labelled(p, r, p->w->due, str_of(doc, "due"), 1, 14,
	    x + 50, pad, 36, 1));
	h = fmax(h, put_labelled(p, r, p->w->bankgiro, str_of(json_object_get(
	    doc, "seller"), "bankgiro"), 1, 14, x + 90, pad, 32, 1));
	h = fmax(h, put_labelled(p, r, p->w->ocr, str_of(doc, "ocr"), 1, 16,
	    x + 126, pad, CONTENT_W - 8 - 126, 1));
	put_line(p, r, p->w->pay_note, 0, 8.5, x, pad + h + MM(2),
	    CONTENT_W - 8, 0, grey);
	r->h += pad;
}

/* Lines of an address as one: "Box 123, 372 25 Ronneby". */
static char *
one_line(const char *text)
{
	char	*out = xmalloc(2 * strlen(text) + 1), *o = out;

	for (; *text != '\0'; text++) {
		if (*text == '\n') {
			*o++ = ',';
			*o++ = ' ';
		} else if (*text != '\r')
			*o++ = *text;
	}
	*o = '\0';
	return out;
}

/* The coloured head's seller name, and the seller's foot. */
static void
plan_band_foot(struct inv *p)
{
	const json_t	*seller = json_object_get(p->doc, "seller");
	char		*s, *addr;

	put_block(p, &p->band, str_of(seller, "name"), 1, 15, MARGIN, MM(6),
	    100, 2, white);
	addr = one_line(str_of(seller, "address"));
	xasprintf(&s, "%s · %s · %s %s · %s %s%s%s · %s", str_of(seller,
	    "name"), addr, p->w->org, str_of(seller, "org_number"),
	    p->w->vat_no, str_of(seller, "vat_number"),
	    json_is_true(json_object_get(p->doc, "f_tax")) ? " · " : "",
	    json_is_true(json_object_get(p->doc, "f_tax")) ? p->w->f_tax : "",
	    str_of(seller, "email"));
	put_block(p, &p->foot, s, 0, 7.5, MARGIN, MM(FOOT_TOP + 1.5),
	    CONTENT_W, 3, grey);
	free(s);
	free(addr);
}

static void
cell_draw(cairo_t *cr, const struct cell *c, double top)
{
	double	lw, lh;

	cairo_set_source_rgb(cr, c->rgb[0], c->rgb[1], c->rgb[2]);
	if (!c->right) {
		text_draw_block(cr, c->l, c->x, top + c->y, c->w);
		return;
	}
	if (pango_layout_get_width(c->l) != -1) {
		pango_layout_set_alignment(c->l, PANGO_ALIGN_RIGHT);
		lw = c->w;
	} else
		text_extents(c->l, &lw, &lh);
	cairo_move_to(cr, c->x + c->w - lw, top + c->y);
	pango_cairo_show_layout(cr, c->l);
}

static void
row_draw(struct inv *p, const struct row *r, double top)
{
	cairo_t	*cr = p->cr;

	if (r->box) {
		cairo_set_source_rgb(cr, 0.90, 0.95, 0.96);
		cairo_rectangle(cr, MM(MARGIN), top, MM(CONTENT_W), r->h);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, teal[0], teal[1], teal[2]);
		cairo_rectangle(cr, MM(MARGIN), top, MM(1.2), r->h);
		cairo_fill(cr);
	}
	for (size_t i = 0; i < r->n; i++)
		cell_draw(cr, &r->cells[i], top);
	if (r->kind == ROW_HEAD || r->kind == ROW_LINE) {
		if (r->kind == ROW_HEAD)
			cairo_set_source_rgb(cr, teal[0], teal[1], teal[2]);
		else
			cairo_set_source_rgb(cr, 0.80, 0.82, 0.84);
		cairo_set_line_width(cr, r->kind == ROW_HEAD ? 0.8 : 0.4);
		cairo_move_to(cr, MM(MARGIN), top + r->h - MM(0.5));
		cairo_line_to(cr, MM(PAGE_W - MARGIN), top + r->h - MM(0.5));
		cairo_stroke(cr);
	}
}

/* A new page: the band with the title and page number, and the foot. */
static void
page_start(struct inv *p, int draw)
{
	char		 title[96], page[64];
	struct row	 r = { 0 };
	cairo_t		*cr = p->cr;

	p->page++;
	if (!draw)
		return;
	if (p->page > 1)
		cairo_show_page(cr);
	cairo_set_source_rgb(cr, teal[0], teal[1], teal[2]);
	cairo_rectangle(cr, 0, 0, MM(PAGE_W), MM(BAND_H));
	cairo_fill(cr);
	snprintf(title, sizeof title, "%s %lld", p->credit ? p->w->credit :
	    p->w->invoice, (long long)int_of(p->doc, "number"));
	snprintf(page, sizeof page, "%s %d %s %d", p->w->page, p->page,
	    p->w->of, p->pages);
	put_line(p, &r, title, 1, 17, MARGIN + 104, MM(5.5), CONTENT_W - 104,
	    1, white);
	put_line(p, &r, page, 0, 9, MARGIN + 104, MM(15), CONTENT_W - 104, 1,
	    white);
	row_draw(p, &r, 0);
	row_clear(&r);
	row_draw(p, &p->band, 0);
	cairo_set_source_rgb(cr, 0.80, 0.82, 0.84);
	cairo_set_line_width(cr, 0.6);
	cairo_move_to(cr, MM(MARGIN), MM(FOOT_TOP));
	cairo_line_to(cr, MM(PAGE_W - MARGIN), MM(FOOT_TOP));
	cairo_stroke(cr);
	row_draw(p, &p->foot, 0);
}

/*
 * The rows onto pages: a row that does not fit starts a page; lines on a
 * new page get the column heads again, the heads never stand alone at a
 * page's foot, and the totals never part from the payment box. Draws
 * when draw is set; counts the pages either way.
 */
static void
flow(struct inv *p, int draw)
{
	double	y = MM(BODY_TOP), bottom = MM(BODY_BOTTOM);

	p->page = 0;
	page_start(p, draw);
	for (size_t i = 0; i < p->nrows; i++) {
		const struct row	*r = &p->rows[i];
		int			 first_line = r->kind == ROW_LINE &&
		    (i == 0 || p->rows[i - 1].kind != ROW_LINE);
		double			 need = r->h + (first_line ?
		    p->head.h : 0);

		/* The totals stay with the payment box that follows. */
		if (r->kind == ROW_TOTALS && i + 1 < p->nrows)
			need += p->rows[i + 1].h;

		if (y + need > bottom && y > MM(BODY_TOP)) {
			page_start(p, draw);
			y = MM(BODY_TOP);
			if (r->kind == ROW_LINE)
				first_line = 1;
		}
		if (first_line) {
			if (draw)
				row_draw(p, &p->head, y);
			y += p->head.h;
		}
		if (draw)
			row_draw(p, r, y);
		y += r->h;
		p->lowest = fmax(p->lowest, y);
	}
}

static void
inv_clear(struct inv *p)
{
	for (size_t i = 0; i < p->nrows; i++)
		row_clear(&p->rows[i]);
	free(p->rows);
	row_clear(&p->head);
	row_clear(&p->band);
	row_clear(&p->foot);
}

/*
 * A checked document laid out for a surface, and its pages counted.
 */
static void
inv_plan(struct inv *p, const json_t *invoice, const char *lang,
    cairo_surface_t *surface)
{
	memset(p, 0, sizeof *p);
	p->w = inv_words(lang);
	p->doc = invoice;
	p->currency = str_of(invoice, "currency");
	p->credit = strcmp(str_of(invoice, "kind"), "credit") == 0;
	p->cr = cairo_create(surface);
	plan_band_foot(p);
	plan_parties(p);
	plan_head(p);
	plan_lines(p);
	plan_totals(p);
	plan_pay(p);
	flow(p, 0);
	p->pages = p->page;
}

static void
inv_free(struct inv *p)
{
	inv_clear(p);
	cairo_destroy(p->cr);
}

/*
 * The invoice or credit note in lang ("sv", else English) as PDF through
 * write. -1 with *cause when the document is not one the store issues.
 */
int
badge_invoice_stream(const json_t *invoice, const char *lang,
    cairo_write_func_t write, void *closure, char **cause)
{
	cairo_surface_t	*surface;
	struct inv	 p;
	int		 rc = 0;

	if (invoice_check(invoice, cause) != 0)
		return -1;
	surface = cairo_pdf_surface_create_for_stream(write, closure,
	    MM(PAGE_W), MM(PAGE_H));
	inv_plan(&p, invoice, lang, surface);
	flow(&p, 1);
	inv_free(&p);
	cairo_surface_finish(surface);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot write the invoice: %s",
		    cairo_status_to_string(cairo_surface_status(surface)));
		rc = -1;
	}
	cairo_surface_destroy(surface);
	return rc;
}

static cairo_status_t
discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* How far a cell's text reaches past its box or the margins, in points. */
static double
cell_overflow(const struct cell *c)
{
	PangoRectangle	logical;
	double		right;

	pango_layout_get_extents(c->l, NULL, &logical);
	right = (double)(logical.x + logical.width) / PANGO_SCALE;
	if (pango_layout_get_width(c->l) != -1)
		right = fmax(right, (double)pango_layout_get_width(c->l) /
		    PANGO_SCALE);
	return fmax(0, fmax(right - c->w, c->x + right - MM(PAGE_W -
	    MARGIN)));
}

/* What badge_invoice_stream would lay out, measured (for the tests). */
int
badge_invoice_measure(const json_t *invoice, const char *lang,
    struct invoice_measure *m, char **cause)
{
	cairo_surface_t	*surface;
	struct inv	 p;

	memset(m, 0, sizeof *m);
	if (invoice_check(invoice, cause) != 0)
		return -1;
	surface = cairo_pdf_surface_create_for_stream(discard, NULL,
	    MM(PAGE_W), MM(PAGE_H));
	inv_plan(&p, invoice, lang, surface);
	m->pages = p.pages;
	m->body_overflow = fmax(0, p.lowest - MM(BODY_BOTTOM));
	for (size_t i = 0; i < p.nrows; i++)
		for (size_t j = 0; j < p.rows[i].n; j++)
			m->text_overflow = fmax(m->text_overflow,
			    cell_overflow(&p.rows[i].cells[j]));
	for (size_t j = 0; j < p.foot.n; j++)
		m->text_overflow = fmax(m->text_overflow,
		    cell_overflow(&p.foot.cells[j]));
	m->buyer_name_lines = pango_layout_get_line_count(
	    p.buyer_name);
	m->buyer_name_pt = text_size(p.buyer_name);
	inv_free(&p);
	cairo_surface_destroy(surface);
	return 0;
}

/* The invoice into path, written beside it and renamed when whole. */
int
badge_invoice_pdf(const json_t *invoice, const char *lang, const char *path,
    char **cause)
{
	char	*tmp;
	FILE	*f;
	int	 ok;

	if ((tmp = output_begin(path, cause)) == NULL)
		return -1;
	if ((f = fopen(tmp, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		return output_finish(tmp, path, 0, cause);
	}
	ok = badge_invoice_stream(invoice, lang, badge_file_write, f,
	    cause) == 0;
	if (fclose(f) != 0 && ok) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		ok = 0;
	}
	return output_finish(tmp, path, ok, cause);
}
