/*
 * fuzz-bgmax.c: libFuzzer target for the BgMax reader (db/bgmax.c), on
 * any bytes an organiser could upload as Bankgirot's payment file.
 *
 * A file is read whole or refused with a code and a line inside it (or
 * just after it). What is read holds: payments in their deposits, each
 * deposit's amount the sum of its payments and its count theirs, every
 * text valid UTF-8 without control characters, references and digits of
 * their sizes; and the same file with CR LF line ends reads the same,
 * with the same identity.
 */
#include <string.h>

#include <sodium.h>

#include "fuzz.h"
#include "techtank.h"
#include "bgmax.h"

/* Valid UTF-8 without control characters but, when lines, LF. */
static void
text_check_lines(const char *s, int lines)
{
	CHECK(s != NULL);
	CHECK(utf8_valid(s, strlen(s)));
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		CHECK((*p >= 0x20 && *p != 0x7f) || (lines && *p == '\n'));
		CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
	}
}

static void
text_check(const char *s)
{
	text_check_lines(s, 0);
}

static void
digits_check(const char *s, size_t len)
{
	CHECK(strlen(s) == len);
	for (size_t i = 0; i < len; i++)
		CHECK(s[i] >= '0' && s[i] <= '9');
}

static void
file_check(const struct bgmax_file *f)
{
	size_t	extra = 0, done = 0;

	CHECK(f->version == 1);
	digits_check(f->timestamp, 20);
	for (size_t d = 0; d < f->ndeposits; d++) {
		const struct bgmax_deposit	*dep = &f->deposits[d];
		int64_t				 sum = 0;
		size_t				 n = 0;

		digits_check(dep->payee_bankgiro, 10);
		digits_check(dep->account, 35);
		digits_check(dep->date, 8);
		for (size_t i = done; i < f->npayments &&
		    f->payments[i].deposit == d; i++, n++)
			sum += f->payments[i].amount;
		CHECK(n == dep->npayments);
		CHECK(sum == dep->amount);
		done += n;
	}
	CHECK(done == f->npayments);
	for (size_t i = 0; i < f->npayments; i++) {
		const struct bgmax_payment	*p = &f->payments[i];

		CHECK(p->kind == BGMAX_PAYMENT || p->kind == BGMAX_DEDUCTION);
		CHECK(p->kind == BGMAX_PAYMENT ? p->amount >= 0 :
		    p->amount <= 0);
		CHECK(p->deposit < f->ndeposits);
		CHECK(strcmp(p->date, f->deposits[p->deposit].date) == 0);
		CHECK(strlen(p->reference) <= 50);
		text_check(p->reference);
		digits_check(p->payer_bankgiro, 10);
		digits_check(p->serial, 12);
		CHECK(p->reference_code >= 0 && p->reference_code <= 9);
		for (size_t j = 0; j < p->nextra_refs; j++)
			text_check(p->extra_refs[j].reference);
		extra += p->nextra_refs;
		text_check_lines(p->information, 1);
		text_check(p->name);
		text_check(p->address);
		text_check(p->postcode);
		text_check(p->town);
		text_check(p->country);
		CHECK(strlen(p->country_code) == 0 ||
		    strlen(p->country_code) == 2);
		CHECK(strlen(p->payer_orgno) == 0 ||
		    strlen(p->payer_orgno) == 12);
	}
	CHECK(extra == f->nextra_refs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 init;
	struct bgmax_error	 err;
	struct bgmax_file	*f, *g;
	char			 id[BGMAX_IDENTITY_LEN + 1];
	char			 id2[BGMAX_IDENTITY_LEN + 1];
	size_t			 lines = 1, n = 0;
	unsigned char		*crlf;

	if (!init) {
		CHECK(sodium_init() >= 0);
		init = 1;
	}
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	if ((f = bgmax_parse(data, size, &err)) == NULL) {
		CHECK(err.code != NULL);
		CHECK(strncmp(err.code, "bgmax_", 6) == 0);
		CHECK(err.line <= lines + 1);
		return 0;
	}
	file_check(f);
	bgmax_identity(f, id);
	CHECK(strlen(id) == BGMAX_IDENTITY_LEN);
	/* The same with CR LF: each LF not already after a CR gets one. */
	crlf = xmalloc(2 * size + 1);
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			crlf[n++] = '\r';
		crlf[n++] = data[i];
	}
	g = bgmax_parse(crlf, n, &err);
	CHECK(g != NULL);
	CHECK(g->npayments == f->npayments && g->ndeposits == f->ndeposits);
	bgmax_identity(g, id2);
	CHECK(strcmp(id, id2) == 0);
	bgmax_free(g);
	free(crlf);
	bgmax_free(f);
	return 0;
}
