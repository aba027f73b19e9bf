/*
 * sie.c: the SIE 4 writer (see sie.h), after "SIE filformat, utgåva 4B"
 * (SIE-gruppen): labels one a line, fields separated by blanks, strings in
 * quotes, amounts with a point and two decimals, dates YYYYMMDD, and the
 * IBM PC character set, code page 437.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "techtank.h"
#include "sie.h"

#define SIE_BUF		(64 * 1024)

struct sie_writer {
	sie_write_fn	 write;
	void		*arg;
	char		*buf;
	size_t		 len;
	const char	*error;
	int		 broken;	/* a write failed: every call fails */
	int		 header_done;
	char		**accounts;	/* the declared numbers, owned */
	size_t		 naccounts;
};

/* Unicode for CP437's bytes 0x80-0xff. */
static const uint16_t cp437_high[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,	/* 80 */
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,	/* 88 */
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,	/* 90 */
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,	/* 98 */
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,	/* a0 */
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,	/* a8 */
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,	/* b0 */
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,	/* b8 */
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,	/* c0 */
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,	/* c8 */
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,	/* d0 */
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,	/* d8 */
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,	/* e0 */
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,	/* e8 */
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,	/* f0 */
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,	/* f8 */
};

/* Stand-ins for characters CP437 lacks and that do not decompose. */
static const struct {
	int32_t		 cp;
	const char	*ascii;
} stand_ins[] = {
	{ 0x00d8, "O" }, { 0x00f8, "o" },	/* Ø ø */
	{ 0x0141, "L" }, { 0x0142, "l" },	/* Ł ł */
	{ 0x0110, "D" }, { 0x0111, "d" },	/* Đ đ */
	{ 0x00d0, "D" }, { 0x00f0, "d" },	/* Ð ð */
	{ 0x00de, "Th" }, { 0x00fe, "th" },	/* Þ þ */
	{ 0x0152, "OE" }, { 0x0153, "oe" },	/* Œ œ */
	{ 0x2018, "'" }, { 0x2019, "'" }, { 0x201a, "'" },
	{ 0x201c, "\"" }, { 0x201d, "\"" }, { 0x201e, "\"" },
	{ 0x2013, "-" }, { 0x2014, "-" }, { 0x2212, "-" },
	{ 0x2026, "..." }, { 0x20ac, "EUR" }, { 0x00a9, "(c)" },
};

unsigned char
sie_cp437(int32_t cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return (unsigned char)cp;
	for (int i = 0; i < 128; i++)
		if (cp437_high[i] == cp)
			return (unsigned char)(0x80 + i);
	return 0;
}

struct sie_writer *
sie_writer_create(sie_write_fn write, void *arg)
{
	struct sie_writer	*w = xcalloc(1, sizeof *w);

	w->write = write;
	w->arg = arg;
	w->buf = xmalloc(SIE_BUF);
	return w;
}

void
sie_writer_free(struct sie_writer *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->naccounts; i++)
		free(w->accounts[i]);
	free(w->accounts);
	free(w->buf);
	free(w);
}

const char *
sie_error(const struct sie_writer *w)
{
	return w->error;
}

int
sie_write_stdio(void *arg, const void *buf, size_t len)
{
	return fwrite(buf, 1, len, arg) == len ? 0 : -1;
}

static int
flush(struct sie_writer *w)
{
	if (w->broken)
		return -1;
	if (w->len > 0 && w->write(w->arg, w->buf, w->len) == -1) {
		w->broken = 1;
		w->error = "sie_write";
		return -1;
	}
	w->len = 0;
	return 0;
}

static void
put(struct sie_writer *w, const char *s, size_t n)
{
	while (n > 0 && !w->broken) {
		size_t	room = SIE_BUF - w->len, k = n < room ? n : room;

		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == SIE_BUF)
			flush(w);
	}
}

static void
puts_(struct sie_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* One character of a quoted string, as CP437. */
static void
put_char(struct sie_writer *w, int32_t cp)
{
	utf8proc_int32_t	 base[4];
	utf8proc_ssize_t	 n;
	unsigned char		 b;
	int			 last;

	if (cp == '"') {
		put(w, "\\\"", 2);
		return;
	}
	if (cp == '\\') {
		put(w, "/", 1);
		return;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 ||
	    cp == 0x2029) {
		put(w, " ", 1);
		return;
	}
	if ((b = sie_cp437(cp)) != 0) {
		put(w, (const char *)&b, 1);
		return;
	}
	for (size_t i = 0; i < sizeof stand_ins / sizeof stand_ins[0]; i++)
		if (stand_ins[i].cp == cp) {
			for (const char *a = stand_ins[i].ascii; *a != '\0'; a++)
				put_char(w, *a);
			return;
		}
	/* A letter with marks CP437 has not: its base letter. */
	n = utf8proc_decompose_char(cp, base, 4, UTF8PROC_DECOMPOSE |
	    UTF8PROC_STRIPMARK, &last);
	if (n >= 1 && n <= 4 && base[0] != cp && base[0] != '"' &&
	    base[0] != '\\' && (b = sie_cp437(base[0])) != 0) {
		put(w, (const char *)&b, 1);
		return;
	}
	put(w, "?", 1);
}

static void
put_string(struct sie_writer *w, const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 cp;

	put(w, "\"", 1);
	while (*p != '\0') {
		utf8proc_ssize_t	n = utf8proc_iterate(p, -1, &cp);

		if (n < 0) {
			put(w, "?", 1);
			p++;
			continue;
		}
		put_char(w, cp);
		p += n;
	}
	put(w, "\"", 1);
}

static void
put_amount(struct sie_writer *w, int64_t ore)
{
	char		b[32];
	uint64_t	m = ore < 0 ? -(uint64_t)ore : (uint64_t)ore;

	snprintf(b, sizeof b, "%s%" PRIu64 ".%02" PRIu64, ore < 0 ? "-" : "",
	    m / 100, m % 100);
	puts_(w, b);
}

static int
is_digits(const char *s, size_t min, size_t max)
{
	size_t	n = s == NULL ? 0 : strlen(s);

	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
is_date(const char *s)
{
	return is_digits(s, 8, 8);
}

/* The series: a short word of letters and digits, as programs take it. */
static int
is_series(const char *s)
{
	size_t	n = s == NULL ? 0 : strlen(s);

	if (n < 1 || n > 10)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int
refuse(struct sie_writer *w, const char *code)
{
	w->error = code;
	return -1;
}

int
sie_header(struct sie_writer *w, const struct sie_header *h)
{
	if (w->broken)
		return -1;
	if (w->header_done)
		return refuse(w, "sie_header_twice");
	if (!is_date(h->generated) || !is_date(h->year_start) ||
	    !is_date(h->year_end))
		return refuse(w, "sie_date");
	if (h->orgno != NULL && !(strlen(h->orgno) == 11 &&
	    strspn(h->orgno, "0123456789") == 6 && h->orgno[6] == '-' &&
	    is_digits(h->orgno + 7, 4, 4)))
		return refuse(w, "sie_orgno");
	for (size_t i = 0; i < h->naccounts; i++)
		if (!is_digits(h->accounts[i].number, 1, 10))
			return refuse(w, "sie_account");
	puts_(w, "#FLAGGA 0\r\n#PROGRAM ");
	put_string(w, h->program != NULL ? h->program : "");
	puts_(w, " ");
	put_string(w, h->version != NULL ? h->version : "");
	puts_(w, "\r\n#FORMAT PC8\r\n#GEN ");
	puts_(w, h->generated);
	puts_(w, "\r\n#SIETYP 4\r\n");
	if (h->orgno != NULL) {
		puts_(w, "#ORGNR ");
		puts_(w, h->orgno);
		puts_(w, "\r\n");
	}
	puts_(w, "#FNAMN ");
	put_string(w, h->company != NULL ? h->company : "");
	puts_(w, "\r\n#RAR 0 ");
	puts_(w, h->year_start);
	puts_(w, " ");
	puts_(w, h->year_end);
	puts_(w, "\r\n");
	w->accounts = xreallocarray(NULL, h->naccounts + 1, sizeof *w->accounts);
	for (size_t i = 0; i < h->naccounts; i++) {
		w->accounts[w->naccounts++] = xstrdup(h->accounts[i].number);
		puts_(w, "#KONTO ");
		puts_(w, h->accounts[i].number);
		puts_(w, " ");
		put_string(w, h->accounts[i].name != NULL ?
		    h->accounts[i].name : "");
		puts_(w, "\r\n");
	}
	w->header_done = 1;
	return w->broken ? -1 : 0;
}

static int
declared(const struct sie_writer *w, const char *account)
{
	if (account == NULL)
		return 0;
	for (size_t i = 0; i < w->naccounts; i++)
		if (strcmp(w->accounts[i], account) == 0)
			return 1;
	return 0;
}

int
sie_ver(struct sie_writer *w, const struct sie_ver *v)
{
	int64_t	sum = 0;
	char	num[24];

	if (w->broken)
		return -1;
	if (!w->header_done)
		return refuse(w, "sie_no_header");
	if (!is_series(v->series) || v->number <= 0)
		return refuse(w, "sie_ver_number");
	if (!is_date(v->date))
		return refuse(w, "sie_date");
	if (v->ntrans == 0)
		return refuse(w, "sie_empty");
	for (size_t i = 0; i < v->ntrans; i++) {
		if (!declared(w, v->trans[i].account))
			return refuse(w, "sie_account_unknown");
		if (__builtin_add_overflow(sum, v->trans[i].amount, &sum))
			return refuse(w, "sie_unbalanced");
	}
	if (sum != 0)
		return refuse(w, "sie_unbalanced");
	puts_(w, "#VER ");
	put_string(w, v->series);
	snprintf(num, sizeof num, " %" PRId64 " ", v->number);
	puts_(w, num);
	puts_(w, v->date);
	puts_(w, " ");
	put_string(w, v->text != NULL ? v->text : "");
	puts_(w, "\r\n{\r\n");
	for (size_t i = 0; i < v->ntrans; i++) {
		const struct sie_trans	*t = &v->trans[i];

		puts_(w, "   #TRANS ");
		puts_(w, t->account);
		puts_(w, " {} ");
		put_amount(w, t->amount);
		if (t->text != NULL) {
			puts_(w, " ");
			puts_(w, v->date);
			puts_(w, " ");
			put_string(w, t->text);
		}
		puts_(w, "\r\n");
	}
	puts_(w, "}\r\n");
	return w->broken ? -1 : 0;
}

int
sie_writer_finish(struct sie_writer *w)
{
	return flush(w);
}
