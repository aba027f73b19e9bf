/*
 * bgmax.c: the BgMax reader (see bgmax.h). Positions below are 1-based
 * and inclusive, as in Bankgirot's technical manual ("Bankgiro
 * Inbetalningar, Teknisk manual", record descriptions TK01-TK70).
 *
 * The codes a refused file gets, in err->code:
 *	bgmax_too_large		over BGMAX_FILE_MAX (line 0)
 *	bgmax_empty		no records at all (line 0)
 *	bgmax_record_length	a record over 80 characters
 *	bgmax_empty_record	an empty line before the end record
 *	bgmax_start		the first record is not a BGMAX 01 start record
 *	bgmax_version		a layout version other than 01
 *	bgmax_unknown_record	a transaction code BgMax does not have
 *	bgmax_order		a known record where it cannot be
 *	bgmax_digits		a field that must be digits is not
 *	bgmax_field		another field out of its range (err->field)
 *	bgmax_deposit_count	a 15's number of payments is not the section's
 *	bgmax_deposit_amount	a 15's amount is not its payments' sum
 *	bgmax_currency		a 15's currency is not its 05's
 *	bgmax_end_count		a 70's count is not the file's (err->field)
 *	bgmax_after_end		a record after the end record
 *	bgmax_truncated		no end record (line: after the last one)
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtank.h"
#include "bgmax.h"

struct parser {
	struct bgmax_file	*f;
	struct bgmax_error	*err;
	size_t			 line;
	unsigned char		 rec[BGMAX_RECORD_LEN + 1];
	size_t			 cap_payments, cap_deposits;
	/* The section being read. */
	int			 in_section;
	char			 currency[4];
	size_t			 section_first;	/* its first payment */
	int64_t			 section_sum;
	/* The payment the follow-up records belong to, or NULL. */
	struct bgmax_payment	*cur;
	size_t			 cap_refs;
	size_t			 n20, n21;
	crypto_hash_sha256_state sha;
};

static int
fail(struct parser *p, const char *code, const char *field)
{
	p->err->line = p->line;
	p->err->code = code;
	p->err->field = field;
	return -1;
}

/* Positions from-to (1-based, inclusive) are all digits. */
static int
digits(struct parser *p, int from, int to, const char *field)
{
	for (int i = from - 1; i < to; i++)
		if (p->rec[i] < '0' || p->rec[i] > '9')
			return fail(p, "bgmax_digits", field);
	return 0;
}

static int
copy_digits(struct parser *p, int from, int to, char *out, const char *field)
{
	if (digits(p, from, to, field) == -1)
		return -1;
	memcpy(out, p->rec + from - 1, (size_t)(to - from + 1));
	out[to - from + 1] = '\0';
	return 0;
}

/* Up to 18 digits fit an int64_t. */
static int
number(struct parser *p, int from, int to, int64_t *out, const char *field)
{
	int64_t	v = 0;

	if (digits(p, from, to, field) == -1)
		return -1;
	for (int i = from - 1; i < to; i++)
		v = v * 10 + (p->rec[i] - '0');
	*out = v;
	return 0;
}

static int
digit(struct parser *p, int at, int *out, const char *field)
{
	if (digits(p, at, at, field) == -1)
		return -1;
	*out = p->rec[at - 1] - '0';
	return 0;
}

/* Blank, or digits. */
static int
blank_or_digits(struct parser *p, int from, int to, char *out,
    const char *field)
{
	int	blank = 1;

	for (int i = from - 1; i < to; i++)
		if (p->rec[i] != ' ')
			blank = 0;
	if (blank) {
		*out = '\0';
		return 0;
	}
	return copy_digits(p, from, to, out, field);
}

/*
 * Positions from-to as UTF-8 from ISO 8859-1, blanks around cut, control
 * characters (C0 and C1) as '?'; out holds at least 2 * (to - from + 1) + 1.
 */
static void
text_into(struct parser *p, int from, int to, char *out)
{
	int	 a = from - 1, b = to;
	char	*o = out;

	while (a < b && p->rec[a] == ' ')
		a++;
	while (b > a && p->rec[b - 1] == ' ')
		b--;
	for (int i = a; i < b; i++) {
		unsigned char	c = p->rec[i];

		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			*o++ = '?';
		else if (c < 0x80)
			*o++ = (char)c;
		else {
			*o++ = (char)(0xc0 | c >> 6);
			*o++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
}

static char *
text(struct parser *p, int from, int to)
{
	char	*out = xmalloc(2 * (size_t)(to - from + 1) + 1);

	text_into(p, from, to, out);
	return out;
}

/* A second record of one kind for a payment joins the first. */
static void
text_join(char **into, char *more, const char *sep)
{
	char	*both;

	if (*more == '\0') {
		free(more);
		return;
	}
	if (*into == NULL || **into == '\0') {
		free(*into);
		*into = more;
		return;
	}
	xasprintf(&both, "%s%s%s", *into, sep, more);
	free(*into);
	free(more);
	*into = both;
}

static int
valid_date(const char *d)
{
	int	m = (d[4] - '0') * 10 + (d[5] - '0');
	int	day = (d[6] - '0') * 10 + (d[7] - '0');

	return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static int
rec_start(struct parser *p)
{
	struct bgmax_file	*f = p->f;
	int64_t			 version;

	if (memcmp(p->rec, "01BGMAX               ", 22) != 0)
		return fail(p, "bgmax_start", "layout");
	if (number(p, 23, 24, &version, "version") == -1)
		return -1;
	if (version != 1)
		return fail(p, "bgmax_version", "version");
	f->version = (int)version;
	if (copy_digits(p, 25, 44, f->timestamp, "timestamp") == -1)
		return -1;
	if (!valid_date(f->timestamp))
		return fail(p, "bgmax_field", "timestamp");
	if (p->rec[44] != 'T' && p->rec[44] != 'P')
		return fail(p, "bgmax_field", "test");
	f->test = p->rec[44] == 'T';
	return 0;
}

static int
rec_opening(struct parser *p)
{
	struct bgmax_deposit	*d;

	if (p->f->ndeposits == p->cap_deposits) {
		p->cap_deposits = p->cap_deposits ? 2 * p->cap_deposits : 4;
		p->f->deposits = xreallocarray(p->f->deposits, p->cap_deposits,
		    sizeof *p->f->deposits);
	}
	d = &p->f->deposits[p->f->ndeposits];
	memset(d, 0, sizeof *d);
	if (copy_digits(p, 3, 12, d->payee_bankgiro, "payee_bankgiro") == -1 ||
	    blank_or_digits(p, 13, 22, d->payee_plusgiro,
	    "payee_plusgiro") == -1)
		return -1;
	for (int i = 22; i < 25; i++)
		if (p->rec[i] < 'A' || p->rec[i] > 'Z')
			return fail(p, "bgmax_field", "currency");
	memcpy(p->currency, p->rec + 22, 3);
	p->currency[3] = '\0';
	p->in_section = 1;
	p->section_first = p->f->npayments;
	p->section_sum = 0;
	p->cur = NULL;
	return 0;
}

static int
rec_payment(struct parser *p, int code)
{
	struct bgmax_file	*f = p->f;
	struct bgmax_payment	*pay;
	int64_t			 amount;

	if (f->npayments == p->cap_payments) {
		p->cap_payments = p->cap_payments ? 2 * p->cap_payments : 16;
		f->payments = xreallocarray(f->payments, p->cap_payments,
		    sizeof *f->payments);
	}
	pay = &f->payments[f->npayments];
	memset(pay, 0, sizeof *pay);
	f->npayments++;		/* so that bgmax_free() frees what it holds */
	pay->kind = code == 20 ? BGMAX_PAYMENT : BGMAX_DEDUCTION;
	pay->line = p->line;
	pay->deposit = f->ndeposits;
	p->cur = pay;
	p->cap_refs = 0;
	if (copy_digits(p, 3, 12, pay->payer_bankgiro, "payer_bankgiro") == -1)
		return -1;
	text_into(p, 13, 37, pay->reference);
	if (number(p, 38, 55, &amount, "amount") == -1 ||
	    digit(p, 56, &pay->reference_code, "reference_code") == -1 ||
	    digit(p, 57, &pay->channel, "channel") == -1 ||
	    copy_digits(p, 58, 69, pay->serial, "serial") == -1 ||
	    digit(p, 70, &pay->image, "image") == -1)
		return -1;
	if (code == 21 && digit(p, 71, &pay->deduction_code,
	    "deduction_code") == -1)
		return -1;
	pay->amount = code == 20 ? amount : -amount;
	/* Each amount is below 10^18; only their sum can overflow. */
	if (__builtin_add_overflow(p->section_sum, pay->amount,
	    &p->section_sum))
		return fail(p, "bgmax_field", "amount");
	if (code == 20)
		p->n20++;
	else
		p->n21++;
	return 0;
}

static int
rec_extra_ref(struct parser *p, int code)
{
	struct bgmax_payment	*pay = p->cur;
	char			 bg[11], serial[13];
	int64_t			 amount;
	int			 d;

	if (copy_digits(p, 3, 12, bg, "payer_bankgiro") == -1 ||
	    number(p, 38, 55, &amount, "amount") == -1 ||
	    digit(p, 56, &d, "reference_code") == -1 ||
	    digit(p, 57, &d, "channel") == -1 ||
	    copy_digits(p, 58, 69, serial, "serial") == -1 ||
	    digit(p, 70, &d, "image") == -1)
		return -1;
	if (pay->nextra_refs == p->cap_refs) {
		p->cap_refs = p->cap_refs ? 2 * p->cap_refs : 4;
		pay->extra_refs = xreallocarray(pay->extra_refs, p->cap_refs,
		    sizeof *pay->extra_refs);
	}
	text_into(p, 13, 37, pay->extra_refs[pay->nextra_refs].reference);
	pay->extra_refs[pay->nextra_refs++].amount = code == 22 ? amount :
	    -amount;
	p->f->nextra_refs++;
	return 0;
}

static int
rec_deposit(struct parser *p)
{
	struct bgmax_file	*f = p->f;
	struct bgmax_deposit	*d = &f->deposits[f->ndeposits];
	int64_t			 count;

	if (copy_digits(p, 3, 37, d->account, "account") == -1 ||
	    copy_digits(p, 38, 45, d->date, "date") == -1)
		return -1;
	if (!valid_date(d->date))
		return fail(p, "bgmax_field", "date");
	if (copy_digits(p, 46, 50, d->serial, "deposit_serial") == -1 ||
	    number(p, 51, 68, &d->amount, "amount") == -1)
		return -1;
	memcpy(d->currency, p->rec + 68, 3);
	d->currency[3] = '\0';
	if (strcmp(d->currency, p->currency) != 0)
		return fail(p, "bgmax_currency", "currency");
	if (number(p, 72, 79, &count, "npayments") == -1)
		return -1;
	d->npayments = f->npayments - p->section_first;
	if ((uint64_t)count != d->npayments)
		return fail(p, "bgmax_deposit_count", "npayments");
	if (d->amount != p->section_sum)
		return fail(p, "bgmax_deposit_amount", "amount");
	for (size_t i = p->section_first; i < f->npayments; i++)
		memcpy(f->payments[i].date, d->date, sizeof d->date);
	f->ndeposits++;
	p->in_section = 0;
	p->cur = NULL;
	return 0;
}

static int
rec_end(struct parser *p)
{
	struct bgmax_file	*f = p->f;
	int64_t			 n;

	if (number(p, 3, 10, &n, "payments") == -1)
		return -1;
	if ((uint64_t)n != p->n20)
		return fail(p, "bgmax_end_count", "payments");
	if (number(p, 11, 18, &n, "deductions") == -1)
		return -1;
	if ((uint64_t)n != p->n21)
		return fail(p, "bgmax_end_count", "deductions");
	if (number(p, 19, 26, &n, "extra_references") == -1)
		return -1;
	if ((uint64_t)n != f->nextra_refs)
		return fail(p, "bgmax_end_count", "extra_references");
	if (number(p, 27, 34, &n, "deposits") == -1)
		return -1;
	if ((uint64_t)n != f->ndeposits)
		return fail(p, "bgmax_end_count", "deposits");
	return 0;
}

/* The records that follow a payment and tell more about it. */
static int
rec_about(struct parser *p, int code)
{
	struct bgmax_payment	*pay = p->cur;
	char			*more;

	switch (code) {
	case 22:
	case 23:
		return rec_extra_ref(p, code);
	case 25:
		text_join(&pay->information, text(p, 3, 52), "\n");
		break;
	case 26:
		more = text(p, 3, 37);
		text_join(&more, text(p, 38, 72), " ");
		text_join(&pay->name, more, " ");
		break;
	case 27:
		text_join(&pay->address, text(p, 3, 37), " ");
		text_join(&pay->postcode, text(p, 38, 46), " ");
		break;
	case 28:
		text_join(&pay->town, text(p, 3, 37), " ");
		text_join(&pay->country, text(p, 38, 72), " ");
		if (p->rec[72] == ' ' && p->rec[73] == ' ')
			break;
		for (int i = 72; i < 74; i++)
			if (p->rec[i] < 'A' || p->rec[i] > 'Z')
				return fail(p, "bgmax_field", "country_code");
		memcpy(pay->country_code, p->rec + 72, 2);
		pay->country_code[2] = '\0';
		break;
	case 29:
		return copy_digits(p, 3, 14, pay->payer_orgno, "payer_orgno");
	}
	return 0;
}

/*
 * The n bytes of a line as the record, blank-padded to 80 characters; a
 * tab stands for blanks to the next column of eight, as in Bankgirot's
 * own example file where an editor's tabs replaced blanks.
 */
static int
expand(struct parser *p, const unsigned char *s, size_t n)
{
	size_t	col = 0;

	memset(p->rec, ' ', BGMAX_RECORD_LEN);
	p->rec[BGMAX_RECORD_LEN] = '\n';
	for (size_t i = 0; i < n; i++) {
		size_t	to = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;

		if (to > BGMAX_RECORD_LEN)
			return fail(p, "bgmax_record_length", NULL);
		if (s[i] != '\t')
			p->rec[col] = s[i];
		col = to;
	}
	return 0;
}

/* One record, in rec; 1 after the end record. */
static int
record(struct parser *p)
{
	int	code;

	if (p->rec[0] < '0' || p->rec[0] > '9' || p->rec[1] < '0' ||
	    p->rec[1] > '9')
		return fail(p, "bgmax_unknown_record", "transaction_code");
	code = (p->rec[0] - '0') * 10 + (p->rec[1] - '0');
	if (p->line == 1)
		return code == 1 ? rec_start(p) : fail(p, "bgmax_start", NULL);
	switch (code) {
	case 5:
		if (p->in_section)
			return fail(p, "bgmax_order", NULL);
		return rec_opening(p);
	case 20:
	case 21:
		if (!p->in_section)
			return fail(p, "bgmax_order", NULL);
		return rec_payment(p, code);
	case 22: case 23: case 25: case 26: case 27: case 28: case 29:
		if (p->cur == NULL)
			return fail(p, "bgmax_order", NULL);
		return rec_about(p, code);
	case 15:
		if (!p->in_section)
			return fail(p, "bgmax_order", NULL);
		return rec_deposit(p);
	case 70:
		if (p->in_section)
			return fail(p, "bgmax_order", NULL);
		return rec_end(p) == -1 ? -1 : 1;
	case 1:
		return fail(p, "bgmax_order", NULL);
	default:
		return fail(p, "bgmax_unknown_record", "transaction_code");
	}
}

struct bgmax_file *
bgmax_parse(const void *buf, size_t len, struct bgmax_error *err)
{
	struct parser		 p;
	const unsigned char	*s = buf, *end = s + len;
	int			 done = 0;

	memset(&p, 0, sizeof p);
	memset(err, 0, sizeof *err);
	p.err = err;
	if (len > BGMAX_FILE_MAX) {
		fail(&p, "bgmax_too_large", NULL);
		return NULL;
	}
	p.f = xcalloc(1, sizeof *p.f);
	crypto_hash_sha256_init(&p.sha);
	while (s < end) {
		const unsigned char	*nl = memchr(s, '\n', (size_t)(end - s));
		size_t			 n = (nl ? nl : end) - s;

		if (n > 0 && s[n - 1] == '\r')
			n--;
		p.line++;
		if (done) {
			/* After the end record: blank lines only. */
			for (size_t i = 0; i < n; i++)
				if (s[i] != ' ' && s[i] != '\t') {
					fail(&p, "bgmax_after_end", NULL);
					goto fail;
				}
		} else if (n == 0) {
			fail(&p, "bgmax_empty_record", NULL);
			goto fail;
		} else {
			if (expand(&p, s, n) == -1)
				goto fail;
			crypto_hash_sha256_update(&p.sha, p.rec,
			    BGMAX_RECORD_LEN + 1);
			switch (record(&p)) {
			case -1:
				goto fail;
			case 1:
				done = 1;
				break;
			}
		}
		s = nl ? nl + 1 : end;
	}
	if (!done) {
		p.line++;
		fail(&p, p.line == 1 ? "bgmax_empty" : "bgmax_truncated", NULL);
		if (p.line == 1)
			err->line = 0;
		goto fail;
	}
	crypto_hash_sha256_final(&p.sha, p.f->digest);
	for (size_t i = 0; i < p.f->npayments; i++) {
		struct bgmax_payment	*pay = &p.f->payments[i];
		char			**t[] = { &pay->information, &pay->name,
			&pay->address, &pay->postcode, &pay->town,
			&pay->country };

		for (size_t j = 0; j < sizeof t / sizeof t[0]; j++)
			if (*t[j] == NULL)
				*t[j] = xstrdup("");
	}
	return p.f;
fail:
	bgmax_free(p.f);
	return NULL;
}

void
bgmax_free(struct bgmax_file *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->npayments; i++) {
		struct bgmax_payment	*pay = &f->payments[i];

		free(pay->extra_refs);
		free(pay->information);
		free(pay->name);
		free(pay->address);
		free(pay->postcode);
		free(pay->town);
		free(pay->country);
	}
	free(f->payments);
	free(f->deposits);
	free(f);
}

void
bgmax_identity(const struct bgmax_file *f, char out[BGMAX_IDENTITY_LEN + 1])
{
	sodium_bin2hex(out, BGMAX_IDENTITY_LEN + 1, f->digest,
	    sizeof f->digest);
}
