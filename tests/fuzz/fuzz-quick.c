/*
 * fuzz-quick.c: libFuzzer target for quick_head_parse() (daemon/parse.c),
 * which decides from a request's raw head whether daemon/quick.c may
 * answer it without evhttp. The input is the head. Whenever the parser
 * says yes, a plain reading done here must agree: "GET " target
 * " HTTP/1.1" CRLF, then field lines of a name, a colon and a value, each
 * ending in CRLF, then an empty line at the very end; exactly one Host;
 * no control but HTAB; every field in the parser's short list; and what the
 * parser hands on (the target, each X-Forwarded-For value) inside the
 * head and equal to what this reading found.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "parse.h"

/* The list is the parser's (quick_harmless[]); the reading is ours. */
static int
is_allowed(const char *name, size_t len)
{
	if (len > 4 && strncasecmp(name, "sec-", 4) == 0)
		return 1;
	for (size_t i = 0; quick_harmless[i] != NULL; i++)
		if (strlen(quick_harmless[i]) == len &&
		    strncasecmp(quick_harmless[i], name, len) == 0)
			return 1;
	return 0;
}

static int
inside(const char *p, size_t n, const char *head, size_t len)
{
	return p >= head && p + n <= head + len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*head = (const char *)data, *end = head + size;
	const char		*p, *eol, *colon, *v, *ve;
	struct quick_head	 q;
	size_t			 hosts = 0, fwd = 0, tlen;
	int			 close = 0;

	if (quick_head_parse(head, size, &q) != 0)
		return 0;
	/* The request line. */
	CHECK(size > 4 && memcmp(head, "GET ", 4) == 0);
	eol = memchr(head, '\n', size);
	CHECK(eol != NULL && eol > head + 13 && eol[-1] == '\r');
	CHECK(memcmp(eol - 10, " HTTP/1.1\r", 10) == 0);
	tlen = (size_t)(eol - 10 - (head + 4));
	CHECK(q.target == head + 4 && q.target_len == tlen);
	CHECK(tlen > 0 && tlen <= QUICK_TARGET_MAX);
	for (size_t i = 0; i < tlen; i++)
		CHECK(q.target[i] > 0x20 && q.target[i] < 0x7f);
	/* The field lines, then the empty line, which ends the input. */
	for (p = eol + 1;; p = eol + 1) {
		CHECK(p < end);
		eol = memchr(p, '\n', (size_t)(end - p));
		CHECK(eol != NULL && eol > p && eol[-1] == '\r');
		if (eol == p + 1) {
			CHECK(eol + 1 == end);
			break;
		}
		colon = memchr(p, ':', (size_t)(eol - p));
		CHECK(colon != NULL && colon > p);
		for (const char *c = p; c < colon; c++)
			CHECK(isalnum((unsigned char)*c) ||
			    strchr("!#$%&'*+-.^_`|~", *c) != NULL);
		CHECK(is_allowed(p, (size_t)(colon - p)));
		for (const char *c = colon + 1; c < eol - 1; c++)
			CHECK(((unsigned char)*c >= 0x20 || *c == '\t') &&
			    *c != 0x7f);
		for (v = colon + 1; v < eol - 1 && (*v == ' ' || *v == '\t');
		    v++)
			;
		for (ve = eol - 1; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		if ((size_t)(colon - p) == 4 && strncasecmp(p, "host", 4) == 0)
			hosts++;
		if ((size_t)(colon - p) == 10 &&
		    strncasecmp(p, "connection", 10) == 0) {
			CHECK(((size_t)(ve - v) == 5 &&
			    strncasecmp(v, "close", 5) == 0) ||
			    ((size_t)(ve - v) == 10 &&
			    strncasecmp(v, "keep-alive", 10) == 0));
			close |= (size_t)(ve - v) == 5;
		}
		if ((size_t)(colon - p) == 15 &&
		    strncasecmp(p, "x-forwarded-for", 15) == 0) {
			CHECK(fwd < q.nforwarded);
			CHECK(q.forwarded[fwd] == v &&
			    q.forwarded_len[fwd] == (size_t)(ve - v));
			CHECK(inside(v, (size_t)(ve - v), head, size));
			CHECK((size_t)(ve - v) <= QUICK_FORWARDED_MAX);
			fwd++;
		}
	}
	CHECK(hosts == 1);
	CHECK(fwd == q.nforwarded && fwd <= FORWARDED_HEADERS_MAX + 1);
	CHECK(close == q.close);
	return 0;
}
