/*
 * test-sie.c: the SIE 4 writer (db/sie.c), read back by a small reader of
 * its own here that knows nothing of the writer: every verification
 * balances, every account is declared, the totals per account are those
 * written, and the text is CP437 as the format prescribes.
 */
#include <iconv.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sie.h"

/* Output kept in memory, or only counted. */
struct sink {
	char	*buf;
	size_t	 len, cap, calls, largest;
	int	 keep, fail_after;	/* fail_after: calls, 0 never */
};

static int
sink_write(void *arg, const void *buf, size_t len)
{
	struct sink	*s = arg;

	s->calls++;
	if (s->fail_after != 0 && s->calls >= (size_t)s->fail_after)
		return -1;
	if (len > s->largest)
		s->largest = len;
	if (s->keep) {
		if (s->len + len + 1 > s->cap) {
			s->cap = (s->len + len + 1) * 2;
			s->buf = realloc(s->buf, s->cap);
		}
		memcpy(s->buf + s->len, buf, len);
		s->buf[s->len + len] = '\0';
	}
	s->len += len;
	return 0;
}

/* The reader: fields of one line, quotes undone, { ... } one field. */
#define FIELDS_MAX	16
struct line {
	char	*f[FIELDS_MAX];
	int	 n;
};

static void
split(char *s, struct line *l)
{
	l->n = 0;
	while (*s != '\0') {
		char	*out;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		ck_assert_int_lt(l->n, FIELDS_MAX);
		out = l->f[l->n++] = s;
		if (*s == '"') {
			s++;
			while (*s != '"') {
				ck_assert_msg(*s != '\0', "unclosed quote");
				if (*s == '\\' && s[1] == '"')
					s++;
				*out++ = *s++;
			}
			s++;
		} else if (*s == '{' && s[1] != '\0') {
			while (*s != '}') {
				ck_assert_msg(*s != '\0', "unclosed {");
				*out++ = *s++;
			}
			*out++ = *s++;
		} else
			while (*s != '\0' && *s != ' ' && *s != '\t')
				*out++ = *s++;
		if (*s != '\0')
			s++;
		*out = '\0';
	}
}

/* "-1234.50" in öre; the format's amounts have at most two decimals. */
static int64_t
amount(const char *s)
{
	int64_t	 v = 0, sign = 1;
	int	 decimals = -1;

	if (*s == '-') {
		sign = -1;
		s++;
	}
	ck_assert(*s >= '0' && *s <= '9');
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			ck_assert_int_eq(decimals, -1);
			decimals = 0;
			continue;
		}
		ck_assert(*s >= '0' && *s <= '9');
		v = v * 10 + (*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	ck_assert_int_le(decimals, 2);
	for (; decimals < 2; decimals++)
		v *= 10;
	return sign * v;
}

struct read {
	int		 flagga, program, format, sietyp, gen, rar, fnamn;
	int		 orgno;
	char		 company[200];
	char		 accounts[16][12];
	int		 naccounts;
	int64_t		 totals[16];
	size_t		 nver, ntrans;
	char		 last_text[200];	/* of the last #VER */
};

static int
account_index(struct read *r, const char *number)
{
	for (int i = 0; i < r->naccounts; i++)
		if (strcmp(r->accounts[i], number) == 0)
			return i;
	return -1;
}

/* Reads buf (CP437, CR LF) as an accountant's program would. */
static void
sie_read(char *buf, struct read *r)
{
	char		*line = buf, *nl;
	int		 in_ver = 0, open = 0;
	int64_t		 sum = 0;
	struct line	 l;

	memset(r, 0, sizeof *r);
	for (; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_msg(nl != NULL && nl > line && nl[-1] == '\r',
		    "lines end in CR LF");
		nl[-1] = '\0';
		split(line, &l);
		ck_assert_int_ge(l.n, 1);
		if (strcmp(l.f[0], "#FLAGGA") == 0)
			r->flagga = l.n == 2 && strcmp(l.f[1], "0") == 0;
		else if (strcmp(l.f[0], "#FORMAT") == 0)
			r->format = l.n == 2 && strcmp(l.f[1], "PC8") == 0;
		else if (strcmp(l.f[0], "#SIETYP") == 0)
			r->sietyp = l.n == 2 && strcmp(l.f[1], "4") == 0;
		else if (strcmp(l.f[0], "#PROGRAM") == 0)
			r->program = l.n == 3;
		else if (strcmp(l.f[0], "#ORGNR") == 0)
			r->orgno = l.n == 2 && strlen(l.f[1]) == 11;
		else if (strcmp(l.f[0], "#GEN") == 0)
			r->gen = l.n >= 2 && strlen(l.f[1]) == 8;
		else if (strcmp(l.f[0], "#RAR") == 0)
			r->rar = l.n == 4 && strcmp(l.f[1], "0") == 0;
		else if (strcmp(l.f[0], "#FNAMN") == 0) {
			r->fnamn = l.n == 2;
			snprintf(r->company, sizeof r->company, "%s", l.f[1]);
		} else if (strcmp(l.f[0], "#KONTO") == 0) {
			ck_assert_int_eq(l.n, 3);
			ck_assert_int_lt(r->naccounts, 16);
			ck_assert_int_eq(in_ver, 0);
			snprintf(r->accounts[r->naccounts++], 12, "%s", l.f[1]);
		} else if (strcmp(l.f[0], "#VER") == 0) {
			ck_assert_int_eq(in_ver, 0);
			ck_assert_int_ge(l.n, 4);
			ck_assert_uint_eq(strlen(l.f[3]), 8);
			snprintf(r->last_text, sizeof r->last_text, "%s",
			    l.n >= 5 ? l.f[4] : "");
			in_ver = 1;
			sum = 0;
			r->nver++;
		} else if (strcmp(l.f[0], "{") == 0) {
			ck_assert_int_eq(in_ver, 1);
			ck_assert_int_eq(open, 0);
			open = 1;
		} else if (strcmp(l.f[0], "#TRANS") == 0) {
			int	i;

			ck_assert_int_eq(open, 1);
			ck_assert_int_ge(l.n, 4);
			ck_assert_str_eq(l.f[2], "{}");
			i = account_index(r, l.f[1]);
			ck_assert_msg(i >= 0, "account %s not declared",
			    l.f[1]);
			sum += amount(l.f[3]);
			r->totals[i] += amount(l.f[3]);
			r->ntrans++;
		} else if (strcmp(l.f[0], "}") == 0) {
			ck_assert_int_eq(open, 1);
			ck_assert_msg(sum == 0, "verification %zu sums to %"
			    PRId64, r->nver, sum);
			open = in_ver = 0;
		} else
			ck_abort_msg("unknown label %s", l.f[0]);
	}
	ck_assert_int_eq(in_ver, 0);
}

static const struct sie_account accounts[] = {
	{ "1510", "Kundfordringar" },
	{ "1930", "F\xc3\xb6retagskonto" },
	{ "2611", "Utg\xc3\xa5" "ende moms p\xc3\xa5 f\xc3\xb6rs\xc3\xa4ljning "
	    "inom Sverige, 25 %" },
	{ "3001", "F\xc3\xb6rs\xc3\xa4ljning inom Sverige, 25 % moms" },
};

static const struct sie_header header = {
	.program = "Techtank Conference", .version = "1.0",
	.generated = "20261203", .company = "Techtank AB",
	.orgno = "556016-0680", .year_start = "20260101",
	.year_end = "20261231", .accounts = accounts, .naccounts = 4,
};

/* An invoice of `net` öre with 25 % VAT, as verification `n`. */
static int
invoice(struct sie_writer *w, int64_t n, int64_t net, const char *text)
{
	struct sie_trans	t[3] = {
		{ "1510", net + net / 4, NULL },
		{ "3001", -net, NULL },
		{ "2611", -(net / 4), "Moms" },
	};
	struct sie_ver		v = { .series = "A", .number = n,
		.date = "20261203", .text = text, .trans = t, .ntrans = 3 };

	return sie_ver(w, &v);
}

START_TEST(read_back_balances)
{
	struct sink		 s = { .keep = 1 };
	struct sie_writer	*w = sie_writer_create(sink_write, &s);
	struct read		 r;
	struct sie_trans	 pay[2] = { { "1930", 125000, NULL },
		{ "1510", -125000, NULL } };
	struct sie_ver		 payment = { .series = "B", .number = 1,
		.date = "20261210", .text = "Betalning 655969", .trans = pay,
		.ntrans = 2 };

	ck_assert_int_eq(sie_header(w, &header), 0);
	for (int64_t i = 1; i <= 100; i++)
		ck_assert_int_eq(invoice(w, i, 100000 + i, "Faktura"), 0);
	ck_assert_int_eq(sie_ver(w, &payment), 0);
	ck_assert_int_eq(sie_writer_finish(w), 0);
	sie_writer_free(w);

	ck_assert(strncmp(s.buf, "#FLAGGA 0\r\n", 11) == 0);
	ck_assert_ptr_nonnull(strstr(s.buf, "\r\n#ORGNR 556016-0680\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf,
	    "#VER \"B\" 1 20261210 \"Betalning 655969\"\r\n{\r\n"
	    "   #TRANS 1930 {} 1250.00\r\n   #TRANS 1510 {} -1250.00\r\n"
	    "}\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf,
	    "#TRANS 2611 {} -250.00 20261203 \"Moms\"\r\n"));
	/* sie_read() cuts the lines where they end. */
	sie_read(s.buf, &r);
	ck_assert(r.flagga && r.program && r.format && r.sietyp && r.gen &&
	    r.rar && r.fnamn && r.orgno);
	ck_assert_str_eq(r.company, "Techtank AB");
	ck_assert_int_eq(r.naccounts, 4);
	ck_assert_uint_eq(r.nver, 101);
	ck_assert_uint_eq(r.ntrans, 302);
	/* Totals per account: what the invoices and the payment hold. */
	{
		int64_t	net = 0, vat = 0;

		for (int64_t i = 1; i <= 100; i++) {
			net += 100000 + i;
			vat += (100000 + i) / 4;
		}
		ck_assert_int_eq(r.totals[account_index(&r, "3001")], -net);
		ck_assert_int_eq(r.totals[account_index(&r, "2611")], -vat);
		ck_assert_int_eq(r.totals[account_index(&r, "1510")],
		    net + vat - 125000);
		ck_assert_int_eq(r.totals[account_index(&r, "1930")], 125000);
	}
	ck_assert_str_eq(r.last_text, "Betalning 655969");
	free(s.buf);
}
END_TEST

START_TEST(amounts)
{
	struct sink		 s = { .keep = 1 };
	struct sie_writer	*w = sie_writer_create(sink_write, &s);
	struct sie_trans	 t[4] = { { "1510", 1, NULL },
		{ "1510", -100050, NULL }, { "1930", INT64_MAX, NULL },
		{ "1930", -INT64_MAX + 100049, NULL } };
	struct sie_ver		 v = { .series = "A", .number = 7,
		.date = "20260101", .trans = t, .ntrans = 4 };

	ck_assert_int_eq(sie_header(w, &header), 0);
	ck_assert_int_eq(sie_ver(w, &v), 0);
	sie_writer_finish(w);
	ck_assert_ptr_nonnull(strstr(s.buf, " {} 0.01\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf, " {} -1000.50\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf, " {} 92233720368547758.07\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf, " {} -92233720368546757.58\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf, "#VER \"A\" 7 20260101 \"\"\r\n"));
	sie_writer_free(w);
	free(s.buf);
}
END_TEST

START_TEST(refusals)
{
	struct sink		 s = { .keep = 1 };
	struct sie_writer	*w = sie_writer_create(sink_write, &s);
	struct sie_trans	 t[2] = { { "1510", 100, NULL },
		{ "3001", -99, NULL } };
	struct sie_ver		 v = { .series = "A", .number = 1,
		.date = "20260101", .trans = t, .ntrans = 2 };
	struct sie_trans	 big[2] = { { "1510", INT64_MAX, NULL },
		{ "1510", 1, NULL } };
	size_t			 len;
	struct read		 r;

	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_no_header");
	ck_assert_int_eq(sie_header(w, &header), 0);
	sie_writer_finish(w);
	len = s.len;
	/* Unbalanced by one öre. */
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_unbalanced");
	/* Balanced only by overflowing. */
	v.trans = big;
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_unbalanced");
	/* An account the header did not declare. */
	t[1].account = "3002";
	t[1].amount = -100;
	v.trans = t;
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_account_unknown");
	t[1].account = "3001";
	v.ntrans = 0;
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_empty");
	v.ntrans = 2;
	v.date = "2026-01-01";
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_date");
	v.date = "20260101";
	v.series = "A B";
	ck_assert_int_eq(sie_ver(w, &v), -1);
	ck_assert_str_eq(sie_error(w), "sie_ver_number");
	v.series = "A";
	v.number = 0;
	ck_assert_int_eq(sie_ver(w, &v), -1);
	v.number = 1;
	sie_writer_finish(w);
	ck_assert_uint_eq(s.len, len);		/* nothing written */
	/* The writer still works. */
	ck_assert_int_eq(sie_ver(w, &v), 0);
	ck_assert_int_eq(sie_writer_finish(w), 0);
	ck_assert_int_eq(sie_header(w, &header), -1);
	ck_assert_str_eq(sie_error(w), "sie_header_twice");
	sie_read(s.buf, &r);
	ck_assert_uint_eq(r.nver, 1);
	sie_writer_free(w);
	free(s.buf);
}
END_TEST

START_TEST(cp437_text)
{
	struct sink		 s = { .keep = 1 };
	struct sie_writer	*w = sie_writer_create(sink_write, &s);
	struct sie_header	 h = header;
	struct sie_trans	 t[2] = { { "1510", 100, NULL },
		{ "3001", -100, "\xe2\x80\x9cQuoted\xe2\x80\x9d and \"plain\""
		  " C:\\dir\\ tab\there" } };
	struct sie_ver		 v = { .series = "A", .number = 1,
		.date = "20260101", .text = "\xc3\x98" "deg\xc3\xa5rd \xc5\x81\xc3\xb3"
		    "d\xc5\xba \xe2\x82\xac \xe6\x97\xa5 \xc5\x91 \xff!",
		.trans = t, .ntrans = 2 };
	struct read		 r;

	/* å ä ö Å Ä Ö é ü */
	h.company = "\xc3\xa5\xc3\xa4\xc3\xb6\xc3\x85\xc3\x84\xc3\x96"
	    "\xc3\xa9\xc3\xbc";
	ck_assert_int_eq(sie_header(w, &h), 0);
	ck_assert_int_eq(sie_ver(w, &v), 0);
	sie_writer_finish(w);
	ck_assert_ptr_nonnull(strstr(s.buf,
	    "#FNAMN \"\x86\x84\x94\x8f\x8e\x99\x82\x81\"\r\n"));
	/* Ø has no CP437 byte: O; Ł: L; ó has one; ź: z; € EUR; 日 ?;
	 * ő: o; a byte that is not UTF-8: ?. */
	ck_assert_ptr_nonnull(strstr(s.buf,
	    "\"Odeg\x86rd L\xa2" "dz EUR ? o ?!\""));
	/* Quotes escaped, typographic ones too; backslash '/'; tab ' '. */
	ck_assert_ptr_nonnull(strstr(s.buf,
	    "\"\\\"Quoted\\\" and \\\"plain\\\" C:/dir/ tab here\"\r\n"));
	ck_assert_ptr_nonnull(strstr(s.buf, "#KONTO 1930 \"F\x94retagskonto\""));
	/* Nothing but printable CP437 and CR LF in the file. */
	for (size_t i = 0; i < s.len; i++) {
		unsigned char	c = (unsigned char)s.buf[i];

		ck_assert(c >= 0x20 || c == '\r' || c == '\n');
		ck_assert(c != 0x7f);
	}
	sie_read(s.buf, &r);
	ck_assert_str_eq(r.company, "\x86\x84\x94\x8f\x8e\x99\x82\x81");
	sie_writer_free(w);
	free(s.buf);
}
END_TEST

/* The table against the C library's own CP437 (iconv). */
START_TEST(cp437_table)
{
	iconv_t	cd = iconv_open("UTF-32LE", "CP437");

	if (cd == (iconv_t)-1) {
		/* No gconv modules here: check the letters by hand. */
		ck_assert_int_eq(sie_cp437(0xe5), 0x86);
		ck_assert_int_eq(sie_cp437(0xd6), 0x99);
		return;
	}
	for (int b = 0x80; b <= 0xff; b++) {
		char		 in = (char)b, *ip = &in;
		unsigned char	 out[4], *op = out;
		size_t		 il = 1, ol = 4;
		uint32_t	 cp;

		ck_assert(iconv(cd, &ip, &il, (char **)&op, &ol) != (size_t)-1);
		cp = out[0] | out[1] << 8 | out[2] << 16 | (uint32_t)out[3] << 24;
		ck_assert_msg(sie_cp437((int32_t)cp) == b, "%02x: U+%04x", b,
		    cp);
	}
	iconv_close(cd);
	ck_assert_int_eq(sie_cp437('A'), 'A');
	ck_assert_int_eq(sie_cp437(0x00d8), 0);		/* Ø */
	ck_assert_int_eq(sie_cp437(0x20ac), 0);		/* € */
	ck_assert_int_eq(sie_cp437(0x0a), 0);
}
END_TEST

START_TEST(streams)
{
	struct sink		 s = { .keep = 0 };
	struct sie_writer	*w = sie_writer_create(sink_write, &s);

	ck_assert_int_eq(sie_header(w, &header), 0);
	for (int64_t i = 1; i <= 20000; i++)
		ck_assert_int_eq(invoice(w, i, 50000, "Faktura"), 0);
	/* Written as it goes, in pieces of the writer's buffer at most. */
	ck_assert_uint_gt(s.calls, 10);
	ck_assert_uint_le(s.largest, 64 * 1024);
	ck_assert_int_eq(sie_writer_finish(w), 0);
	ck_assert_uint_gt(s.len, 20000 * 100);
	sie_writer_free(w);

	/* A write that fails fails every call after it. */
	memset(&s, 0, sizeof s);
	s.fail_after = 1;
	w = sie_writer_create(sink_write, &s);
	ck_assert_int_eq(sie_header(w, &header), 0);	/* buffered */
	ck_assert_int_eq(sie_writer_finish(w), -1);
	ck_assert_str_eq(sie_error(w), "sie_write");
	ck_assert_int_eq(invoice(w, 1, 100, NULL), -1);
	ck_assert_int_eq(sie_writer_finish(w), -1);
	sie_writer_free(w);
}
END_TEST

START_TEST(stdio)
{
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp = open_memstream(&buf, &len);
	struct sie_writer	*w = sie_writer_create(sie_write_stdio, fp);
	struct read		 r;

	ck_assert_int_eq(sie_header(w, &header), 0);
	ck_assert_int_eq(invoice(w, 1, 80000, "Faktura 1"), 0);
	ck_assert_int_eq(sie_writer_finish(w), 0);
	sie_writer_free(w);
	fclose(fp);
	sie_read(buf, &r);
	ck_assert_uint_eq(r.nver, 1);
	ck_assert_str_eq(r.last_text, "Faktura 1");
	free(buf);
}
END_TEST

Suite *
suite_sie(void)
{
	Suite	*s = suite_create("sie");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, read_back_balances);
	tcase_add_test(tc, amounts);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, cp437_text);
	tcase_add_test(tc, cp437_table);
	tcase_add_test(tc, streams);
	tcase_add_test(tc, stdio);
	suite_add_tcase(s, tc);
	return s;
}
