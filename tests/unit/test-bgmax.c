/*
 * test-bgmax.c: the BgMax reader (db/bgmax.c) on Bankgirot's example file
 * and on files broken in each way the reader must refuse.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "bgmax.h"

/*
 * Bankgirot's example file "Avtal om OCR-kontroll: Checksiffra och
 * längd" (bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_
 * checksiffra_langd_sv.txt), ISO 8859-1, its trailing blanks cut here
 * (build() puts them back). Two of its records are as Bankgirot ships
 * them: one shorter than 80 characters, one with tabs for blanks.
 */
static const char *const example[] = {
	"01BGMAX               0120040525173035010331P",
	"050009912346          SEK",
	"200003783511                   655969000000000000100000220000000000100",
	"26Kalles Pl\xe5t AB",
	"27Storgatan 2                        12345",
	"28Stor\xe5ker",
	"29005500001234",
	"21000378351189853                    000"
	    "0000000000500003200023000011100",
	"26Kalles Pl\xe5t AB",
	"27Storgatan 2                        12345",
	"28Stor\xe5ker",
	"29005500001234",
	"200003783511657866 658765 657767     000000000000140000320000000000140",
	"220003783511                   657866000000000000000000220000000000140",
	"220003783511                   658765000000000000000000220000000000140",
	"220003783511                   657767000000000000000000220000000000140",
	"220003783511\t\t       657965000000000000000000220000000000140",
	"25Betalning med extra refnr 657965",
	"26Kalles Pl\xe5t AB",
	"27Storgatan 2                        12345",
	"28Stor\xe5ker",
	"29005500001234",
	"1500000000000000000005841000001009823200"
	    "4052500074000000000000190000SEK00000003",
	"050009912346          SEK",
	"200009701233                   650861000000000000110000210000000000120",
	"26Olles f\xe4rg AB",
	"27Lillagatan 3                       12345",
	"28Stor\xe5ker",
	"29005500004322",
	"200001234567                         000000000000120000130000000000131",
	"26Berits Garn",
	"27Storgatan 10                       12345",
	"28Stor\xe5ker",
	"29005500002222",
	"200001234567                   659763000000000000070000230000000000161",
	"26Berits Garn",
	"27Storgatan 10                       12345",
	"28Stor\xe5ker",
	"29005500002222",
	"200003783511                   658260000000000000500000220000000000160",
	"220003783511                   658369000000000000000000220000000000160",
	"220003783511                   658468000000000000000000220000000000160",
	"25 Faktura 658369",
	"25 Faktura 658468",
	"26Kalles Pl\xe5t AB",
	"27Storgatan 2                        12345",
	"28Stor\xe5ker",
	"29005500001234",
	"1500000000000000000005841000001009823200"
	    "4052500075000000000000800000SEK00000004",
	"050009912346          EUR",
	"200009701233801266,801365,801464     000000000000300000320000000000180",
	"220009701233                   801266000000000000000000220000000000180",
	"220009701233                   801365000000000000000000220000000000180",
	"220009701233                   801464000000000000000000220000000000180",
	"25 Faktura801465",
	"26Olles f\xe4rg AB",
	"27Lillagatan 3                       12345",
	"28Stor\xe5ker",
	"29005500004322",
	"200001234567                   659763000000000000100000210000000000190",
	"26Berits Garn",
	"27Storgatan 10                       12345",
	"28Stor\xe5ker",
	"29005500002222",
	"1500000000000000000005841000001009823200"
	    "4052500076000000000000400000EUR00000002",
	"7000000008000000010000000900000003",
};
#define NEXAMPLE (sizeof example / sizeof example[0])

/*
 * The file from n lines, each ended by eol, each padded to 80 characters
 * when pad and it has no tab. Caller frees.
 */
static char *
build(const char *const *lines, size_t n, const char *eol, int pad,
    size_t *len)
{
	char	*buf = xmalloc(n * (BGMAX_RECORD_LEN + 2) + 1), *p = buf;

	for (size_t i = 0; i < n; i++) {
		size_t	k = strlen(lines[i]);

		memcpy(p, lines[i], k);
		p += k;
		if (pad && strchr(lines[i], '\t') == NULL)
			for (; k < BGMAX_RECORD_LEN; k++)
				*p++ = ' ';
		memcpy(p, eol, strlen(eol));
		p += strlen(eol);
	}
	*p = '\0';
	*len = (size_t)(p - buf);
	return buf;
}

/* The example with line `at` (from 1) replaced by `with` (NULL: dropped). */
static struct bgmax_file *
parse_changed(size_t at, const char *with, struct bgmax_error *err)
{
	const char		*lines[NEXAMPLE];
	size_t			 n = 0, len;
	char			*buf;
	struct bgmax_file	*f;

	for (size_t i = 0; i < NEXAMPLE; i++) {
		if (i + 1 == at) {
			if (with != NULL)
				lines[n++] = with;
		} else
			lines[n++] = example[i];
	}
	buf = build(lines, n, "\r\n", 1, &len);
	f = bgmax_parse(buf, len, err);
	free(buf);
	return f;
}

static void
refused(size_t at, const char *with, size_t line, const char *code,
    const char *field)
{
	struct bgmax_error	 err;
	struct bgmax_file	*f = parse_changed(at, with, &err);

	ck_assert_msg(f == NULL, "line %zu changed: accepted", at);
	ck_assert_msg(strcmp(err.code, code) == 0, "line %zu: %s, not %s", at,
	    err.code, code);
	ck_assert_uint_eq(err.line, line);
	if (field == NULL)
		ck_assert_ptr_null(err.field);
	else
		ck_assert_msg(err.field != NULL && strcmp(err.field, field) == 0,
		    "line %zu: field %s, not %s", at, err.field ? err.field :
		    "none", field);
}

START_TEST(example_file)
{
	struct bgmax_error	 err;
	struct bgmax_file	*f;
	struct bgmax_payment	*p;
	size_t			 len;
	char			*buf = build(example, NEXAMPLE, "\r\n", 1, &len);

	f = bgmax_parse(buf, len, &err);
	ck_assert_msg(f != NULL, "line %zu: %s %s", err.line, err.code,
	    err.field ? err.field : "");
	ck_assert_int_eq(f->version, 1);
	ck_assert_str_eq(f->timestamp, "20040525173035010331");
	ck_assert_int_eq(f->test, 0);
	ck_assert_uint_eq(f->ndeposits, 3);
	ck_assert_uint_eq(f->npayments, 9);	/* 8 payments, 1 deduction */
	ck_assert_uint_eq(f->nextra_refs, 9);

	ck_assert_str_eq(f->deposits[0].payee_bankgiro, "0009912346");
	ck_assert_str_eq(f->deposits[0].payee_plusgiro, "");
	ck_assert_str_eq(f->deposits[0].currency, "SEK");
	ck_assert_str_eq(f->deposits[0].account,
	    "00000000000000000005841000001009823");
	ck_assert_str_eq(f->deposits[0].date, "20040525");
	ck_assert_str_eq(f->deposits[0].serial, "00074");
	ck_assert_int_eq(f->deposits[0].amount, 190000);
	ck_assert_uint_eq(f->deposits[0].npayments, 3);
	ck_assert_int_eq(f->deposits[1].amount, 800000);
	ck_assert_str_eq(f->deposits[2].currency, "EUR");
	ck_assert_int_eq(f->deposits[2].amount, 400000);

	p = &f->payments[0];
	ck_assert_int_eq(p->kind, BGMAX_PAYMENT);
	ck_assert_uint_eq(p->line, 3);
	ck_assert_uint_eq(p->deposit, 0);
	ck_assert_int_eq(p->amount, 100000);		/* 1,000.00 kr */
	ck_assert_str_eq(p->reference, "655969");
	ck_assert_int_eq(p->reference_code, 2);
	ck_assert_int_eq(p->channel, 2);
	ck_assert_str_eq(p->serial, "000000000010");
	ck_assert_int_eq(p->image, 0);
	ck_assert_str_eq(p->payer_bankgiro, "0003783511");
	ck_assert_str_eq(p->name, "Kalles Pl\xc3\xa5t AB");	/* UTF-8 */
	ck_assert_str_eq(p->address, "Storgatan 2");
	ck_assert_str_eq(p->postcode, "12345");
	ck_assert_str_eq(p->town, "Stor\xc3\xa5ker");
	ck_assert_str_eq(p->country, "");
	ck_assert_str_eq(p->country_code, "");
	ck_assert_str_eq(p->payer_orgno, "005500001234");
	ck_assert_str_eq(p->date, "20040525");
	ck_assert_str_eq(p->information, "");
	ck_assert_uint_eq(p->nextra_refs, 0);

	p = &f->payments[1];
	ck_assert_int_eq(p->kind, BGMAX_DEDUCTION);
	ck_assert_int_eq(p->amount, -50000);
	ck_assert_str_eq(p->reference, "89853");
	ck_assert_int_eq(p->reference_code, 3);
	ck_assert_int_eq(p->deduction_code, 0);
	ck_assert_str_eq(p->serial, "000230000111");

	/* Several references: the short record and the tabbed one too. */
	p = &f->payments[2];
	ck_assert_str_eq(p->reference, "657866 658765 657767");
	ck_assert_uint_eq(p->nextra_refs, 4);
	ck_assert_str_eq(p->extra_refs[0].reference, "657866");
	ck_assert_int_eq(p->extra_refs[0].amount, 0);
	ck_assert_str_eq(p->extra_refs[2].reference, "657767");
	ck_assert_str_eq(p->extra_refs[3].reference, "657965");
	ck_assert_str_eq(p->information, "Betalning med extra refnr 657965");

	p = &f->payments[3];
	ck_assert_uint_eq(p->deposit, 1);
	ck_assert_str_eq(p->name, "Olles f\xc3\xa4rg AB");
	p = &f->payments[4];
	ck_assert_str_eq(p->reference, "");		/* no reference */
	ck_assert_int_eq(p->reference_code, 1);
	ck_assert_int_eq(p->channel, 3);
	ck_assert_int_eq(p->image, 1);
	p = &f->payments[6];
	ck_assert_str_eq(p->information, "Faktura 658369\nFaktura 658468");
	p = &f->payments[7];
	ck_assert_uint_eq(p->deposit, 2);
	ck_assert_str_eq(p->reference, "801266,801365,801464");
	bgmax_free(f);
	free(buf);
}
END_TEST

START_TEST(line_ends_and_identity)
{
	struct bgmax_error	 err;
	struct bgmax_file	*a, *b, *c, *d;
	char			 ia[BGMAX_IDENTITY_LEN + 1];
	char			 ib[BGMAX_IDENTITY_LEN + 1];
	char			 ic[BGMAX_IDENTITY_LEN + 1];
	size_t			 la, lb;
	char			*fa = build(example, NEXAMPLE, "\r\n", 1, &la);
	char			*fb = build(example, NEXAMPLE, "\n", 0, &lb);
	char			*fc;

	a = bgmax_parse(fa, la, &err);
	/* LF, trailing blanks cut, no line end after the last record. */
	b = bgmax_parse(fb, lb - 1, &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->npayments, b->npayments);
	bgmax_identity(a, ia);
	bgmax_identity(b, ib);
	ck_assert_uint_eq(strlen(ia), BGMAX_IDENTITY_LEN);
	ck_assert_str_eq(ia, ib);
	/* Blank lines after the end record change nothing either. */
	fc = xmalloc(la + 8);
	memcpy(fc, fa, la);
	memcpy(fc + la, "\r\n  \r\n\n", 7);
	d = bgmax_parse(fc, la + 7, &err);
	ck_assert_ptr_nonnull(d);
	bgmax_identity(d, ic);
	ck_assert_str_eq(ia, ic);
	bgmax_free(d);
	free(fc);
	/* One payer's name changed: another file. */
	c = parse_changed(4, "26Kalles Plat AB", &err);
	ck_assert_ptr_nonnull(c);
	bgmax_identity(c, ic);
	ck_assert_str_ne(ia, ic);
	bgmax_free(a);
	bgmax_free(b);
	bgmax_free(c);
	free(fa);
	free(fb);
}
END_TEST

START_TEST(truncated)
{
	struct bgmax_error	 err;
	size_t			 len;
	char			*buf = build(example, NEXAMPLE, "\n", 1, &len);

	/* No end record. */
	refused(NEXAMPLE, NULL, NEXAMPLE, "bgmax_truncated", NULL);
	/* Cut anywhere before the end record's last count: refused. */
	for (size_t cut = 0; cut < len - BGMAX_RECORD_LEN - 1 + 34;
	    cut += 37) {
		ck_assert_msg(bgmax_parse(buf, cut, &err) == NULL, "cut %zu",
		    cut);
		ck_assert_ptr_nonnull(err.code);
	}
	ck_assert_ptr_null(bgmax_parse(buf, 0, &err));
	ck_assert_str_eq(err.code, "bgmax_empty");
	ck_assert_uint_eq(err.line, 0);
	/* Cut in the middle of the end record. */
	ck_assert_ptr_null(bgmax_parse(buf, len - 60, &err));
	ck_assert_str_eq(err.code, "bgmax_digits");
	ck_assert_uint_eq(err.line, NEXAMPLE);
	free(buf);
}
END_TEST

START_TEST(counts)
{
	/* The end record: payments, deductions, references, deposits. */
	refused(NEXAMPLE, "7000000007000000010000000900000003", NEXAMPLE,
	    "bgmax_end_count", "payments");
	refused(NEXAMPLE, "7000000008000000000000000900000003", NEXAMPLE,
	    "bgmax_end_count", "deductions");
	refused(NEXAMPLE, "7000000008000000010000001000000003", NEXAMPLE,
	    "bgmax_end_count", "extra_references");
	refused(NEXAMPLE, "7000000008000000010000000900000002", NEXAMPLE,
	    "bgmax_end_count", "deposits");
	/* A deposit: its number of payments, and its amount. */
	refused(23, "150000000000000000000584100000100982320040525"
	    "00074000000000000190000SEK00000002", 23, "bgmax_deposit_count",
	    "npayments");
	refused(23, "150000000000000000000584100000100982320040525"
	    "00074000000000000190001SEK00000003", 23, "bgmax_deposit_amount",
	    "amount");
	refused(23, "150000000000000000000584100000100982320040525"
	    "00074000000000000190000EUR00000003", 23, "bgmax_currency",
	    "currency");
	/* A deposit record lost: the section never ends. */
	refused(23, NULL, 23, "bgmax_order", NULL);
	/* The deduction read as a payment: the deposit's sum is off. */
	refused(8, "20000378351189853                    00000000000005"
	    "00003200023000011100", 23, "bgmax_deposit_amount", "amount");
	/* An extra reference lost. */
	refused(14, NULL, NEXAMPLE - 1, "bgmax_end_count",
	    "extra_references");
}
END_TEST

START_TEST(bad_records)
{
	refused(5, "30Storgatan 2", 5, "bgmax_unknown_record",
	    "transaction_code");
	refused(5, "X7Storgatan 2", 5, "bgmax_unknown_record",
	    "transaction_code");
	refused(5, "\xe5" "7Storgatan 2", 5, "bgmax_unknown_record",
	    "transaction_code");
	/* Letters, blanks or a sign where digits belong. */
	refused(3, "200003783511                   655969000000000000"
	    "1000O0220000000000100", 3, "bgmax_digits", "amount");
	refused(3, "200003783511                   655969-00000000000"
	    "100000220000000000100", 3, "bgmax_digits", "amount");
	refused(3, "20000378351                    655969000000000000"
	    "100000220000000000100", 3, "bgmax_digits", "payer_bankgiro");
	refused(3, "200003783511                   655969000000000000"
	    "100000 20000000000100", 3, "bgmax_digits", "reference_code");
	refused(3, "200003783511                   655969000000000000"
	    "10000022000000000010x", 3, "bgmax_digits", "image");
	refused(3, "200003783511                   655969000000000000"
	    "1000002200000000001", 3, "bgmax_digits", "serial");
	refused(8, "21000378351189853                    00000000000005"
	    "0000320002300001110x", 8, "bgmax_digits", "deduction_code");
	refused(7, "2900550000123X", 7, "bgmax_digits", "payer_orgno");
	refused(23, "150000000000000000000584100000100982320041325"
	    "00074000000000000190000SEK00000003", 23, "bgmax_field", "date");
}
END_TEST

START_TEST(bad_lengths_and_order)
{
	char	rec[90];

	/* A record of 81 characters. */
	memset(rec, ' ', sizeof rec);
	memcpy(rec, "26Kalles Plat AB", 16);
	rec[81] = '\0';
	rec[80] = 'x';
	refused(4, rec, 4, "bgmax_record_length", NULL);
	/* Tabs that reach past column 80. */
	refused(4, "26Kalles\t\t\t\t\t\t\t\t\t\tAB", 4, "bgmax_record_length",
	    NULL);
	refused(4, "", 4, "bgmax_unknown_record", "transaction_code");
	{
		const char		*lines[NEXAMPLE];
		struct bgmax_error	 err;
		size_t			 len;
		char			*buf;

		memcpy(lines, example, sizeof lines);
		lines[3] = "";
		buf = build(lines, NEXAMPLE, "\r\n", 0, &len);
		ck_assert_ptr_null(bgmax_parse(buf, len, &err));
		ck_assert_str_eq(err.code, "bgmax_empty_record");
		ck_assert_uint_eq(err.line, 4);
		free(buf);
	}
	/* Records where they cannot be. */
	refused(2, "200003783511                   655969000000000000"
	    "100000220000000000100", 2, "bgmax_order", NULL);
	refused(3, "26Kalles Plat AB", 3, "bgmax_order", NULL);
	refused(5, "050009912346          SEK", 5, "bgmax_order", NULL);
	refused(5, "01BGMAX               0120040525173035010331P", 5,
	    "bgmax_order", NULL);
	refused(5, "7000000008000000010000000900000003", 5, "bgmax_order",
	    NULL);
	/* The start record. */
	refused(1, "01BGMIN               0120040525173035010331P", 1,
	    "bgmax_start", "layout");
	refused(1, "050009912346          SEK", 1, "bgmax_start", NULL);
	refused(1, "01BGMAX               0220040525173035010331P", 1,
	    "bgmax_version", "version");
	refused(1, "01BGMAX               0120041325173035010331P", 1,
	    "bgmax_field", "timestamp");
	refused(1, "01BGMAX               0120040525173035010331X", 1,
	    "bgmax_field", "test");
	refused(2, "050009912346          sek", 2, "bgmax_field",
	    "currency");
	refused(28, "28Stor\xe5ker" "                               "
	    "                               S1", 28, "bgmax_field",
	    "country_code");
}
END_TEST

START_TEST(after_the_end)
{
	struct bgmax_error	 err;
	size_t			 len;
	char			*buf = build(example, NEXAMPLE, "\n", 1, &len);
	char			*more = xmalloc(len + 100);

	memcpy(more, buf, len);
	memcpy(more + len, "\n050009912346          SEK\n", 28);
	ck_assert_ptr_null(bgmax_parse(more, len + 28, &err));
	ck_assert_str_eq(err.code, "bgmax_after_end");
	ck_assert_uint_eq(err.line, NEXAMPLE + 2);
	free(more);
	free(buf);
}
END_TEST

START_TEST(text_bytes)
{
	struct bgmax_error	 err;
	struct bgmax_file	*f;

	/* Latin-1 letters become UTF-8; C0 and C1 controls '?'. */
	f = parse_changed(4, "26\xc5sa \xd6" "berg \x01\x7f\x85 \xff\xa0x", &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->payments[0].name,
	    "\xc3\x85sa \xc3\x96" "berg ??? \xc3\xbf\xc2\xa0x");
	ck_assert(utf8_valid(f->payments[0].name,
	    strlen(f->payments[0].name)));
	bgmax_free(f);
	/* A NUL in a name is a '?', not the end of it. */
	{
		const char	*lines[NEXAMPLE];
		size_t		 len;
		char		*buf, *nul;

		memcpy(lines, example, sizeof lines);
		lines[3] = "26Kalles@Plat AB";
		buf = build(lines, NEXAMPLE, "\n", 1, &len);
		nul = strchr(buf, '@');
		*nul = '\0';
		f = bgmax_parse(buf, len, &err);
		ck_assert_ptr_nonnull(f);
		ck_assert_str_eq(f->payments[0].name, "Kalles?Plat AB");
		bgmax_free(f);
		free(buf);
	}
	/* The name's second field, the country and its code. */
	f = parse_changed(28, "28Oslo                               Norge"
	    "                              NO", &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->payments[3].town, "Oslo");
	ck_assert_str_eq(f->payments[3].country, "Norge");
	ck_assert_str_eq(f->payments[3].country_code, "NO");
	bgmax_free(f);
}
END_TEST

START_TEST(test_file_and_sums)
{
	static const char *const lines[] = {
		"01BGMAX               0120251201120000000000T",
		"050009912346          SEK",
		"200000000000                   655969999999999999999999"
		"210000000000010",
		"200000000000                   655969999999999999999999"
		"210000000000020",
		"150000000000000000000000000000000000020251201"
		"00001999999999999999998SEK00000002",
		"7000000002000000000000000000000001",
	};
	struct bgmax_error	 err;
	size_t			 len;
	char			*buf = build(lines, 6, "\n", 1, &len);
	struct bgmax_file	*f = bgmax_parse(buf, len, &err);

	/* Amounts near the field's limit: no overflow, the sum checked. */
	ck_assert_msg(f == NULL, "a sum of 2 x 10^18 - 2 is not 10^18 - 2");
	ck_assert_str_eq(err.code, "bgmax_deposit_amount");
	free(buf);
	{
		static const char *const ok[] = {
			"01BGMAX               0120251201120000000000T",
			"050009912346          SEK",
			"7000000000000000000000000000000000",
		};

		buf = build(ok, 3, "\n", 1, &len);
		ck_assert_ptr_null(bgmax_parse(buf, len, &err));
		ck_assert_str_eq(err.code, "bgmax_order");	/* no 15 */
		free(buf);
		buf = build((const char *const[]){ ok[0], ok[2] }, 2, "\n", 1,
		    &len);
		f = bgmax_parse(buf, len, &err);
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->test, 1);
		ck_assert_uint_eq(f->npayments, 0);
		bgmax_free(f);
		free(buf);
	}
}
END_TEST

START_TEST(negative_extra_reference)
{
	struct bgmax_error	 err;
	struct bgmax_file	*f;

	/* A 23 record: a reference with a negative amount (a deduction). */
	f = parse_changed(14, "230003783511                   65786600000000"
	    "0000000100220000000000140", &err);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->payments[2].nextra_refs, 4);
	ck_assert_str_eq(f->payments[2].extra_refs[0].reference, "657866");
	ck_assert_int_eq(f->payments[2].extra_refs[0].amount, -100);
	ck_assert_int_eq(f->payments[2].extra_refs[1].amount, 0);
	/* Its amount is not a payment's: the deposit's sum is unchanged. */
	ck_assert_int_eq(f->deposits[0].amount, 190000);
	bgmax_free(f);
}
END_TEST

Suite *
suite_bgmax(void)
{
	Suite	*s = suite_create("bgmax");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, example_file);
	tcase_add_test(tc, line_ends_and_identity);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, counts);
	tcase_add_test(tc, bad_records);
	tcase_add_test(tc, bad_lengths_and_order);
	tcase_add_test(tc, after_the_end);
	tcase_add_test(tc, text_bytes);
	tcase_add_test(tc, test_file_and_sums);
	tcase_add_test(tc, negative_extra_reference);
	suite_add_tcase(s, tc);
	return s;
}
