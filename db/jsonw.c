/*
 * jsonw.c: JSON written straight as text, for the answers that are long
 * lists of rows (a page of the organisers' attendee list): building a
 * jansson tree of every row only to print it costs about as much as
 * reading the rows. The text is what json_dumps(JSON_COMPACT) would give
 * for the same values: strings escaped as jansson escapes them, keys in
 * the order written. Keys are the program's own names (fields'), which
 * have nothing to escape.
 *
 * A comma goes before every value or key but the first of its object or
 * array; jsonw_key() takes the comma for the value that follows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

void
jsonw_init(struct jsonw *w)
{
	w->size = 4096;
	w->buf = xmalloc(w->size);
	w->len = 0;
	w->buf[0] = '\0';
	w->sep = 0;
}

void
jsonw_free(struct jsonw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->size = 0;
}

/* The text, NUL-terminated, for the caller to free; w is left empty. */
char *
jsonw_take(struct jsonw *w)
{
	char	*text = w->buf;

	w->buf = NULL;
	w->len = w->size = 0;
	return text;
}

/* Room for n more bytes and the NUL after them. */
static void
room(struct jsonw *w, size_t n)
{
	if (w->len + n + 1 > w->size) {
		while (w->len + n + 1 > w->size)
			w->size *= 2;
		w->buf = xreallocarray(w->buf, w->size, 1);
	}
}

static void
put(struct jsonw *w, const char *p, size_t n)
{
	room(w, n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* The comma before a value or key that is not its container's first. */
static void
next(struct jsonw *w)
{
	if (w->sep)
		put(w, ",", 1);
	w->sep = 1;
}

void
jsonw_open(struct jsonw *w, char c)
{
	next(w);
	put(w, &c, 1);
	w->sep = 0;
}

void
jsonw_close(struct jsonw *w, char c)
{
	put(w, &c, 1);
	w->sep = 1;
}

/* A string's text between its quotes, escaped as jansson escapes it. */
static void
put_escaped(struct jsonw *w, const char *s)
{
	const char	*run = s;
	char		 esc[8];

	for (;; s++) {
		unsigned char	c = (unsigned char)*s;
		const char	*e;

		/* Most bytes need no escape. */
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (c == '\0')
			break;
		switch (c) {
		case '"':	e = "\\\""; break;
		case '\\':	e = "\\\\"; break;
		case '\b':	e = "\\b"; break;
		case '\f':	e = "\\f"; break;
		case '\n':	e = "\\n"; break;
		case '\r':	e = "\\r"; break;
		case '\t':	e = "\\t"; break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", c);
			e = esc;
		}
		put(w, run, (size_t)(s - run));
		put(w, e, strlen(e));
		run = s + 1;
	}
	put(w, run, (size_t)(s - run));
}

/* A key: a name of the program's own (a field's), with nothing to escape. */
void
jsonw_key(struct jsonw *w, const char *name)
{
	size_t	 n = strlen(name);
	char	*p;

	if (w->sep)
		put(w, ",", 1);
	room(w, n + 3);
	p = w->buf + w->len;
	p[0] = '"';
	memcpy(p + 1, name, n);
	p[n + 1] = '"';
	p[n + 2] = ':';
	p[n + 3] = '\0';
	w->len += n + 3;
	w->sep = 0;
}

/* A string, or null for NULL and for text that is not UTF-8. */
void
jsonw_str(struct jsonw *w, const char *s)
{
	if (s == NULL || !utf8_valid(s, strlen(s))) {
		jsonw_null(w);
		return;
	}
	next(w);
	put(w, "\"", 1);
	put_escaped(w, s);
	put(w, "\"", 1);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char		 n[24], *p = n + sizeof n;
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	/* Written backwards from the last digit; no printf per number. */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	next(w);
	put(w, p, (size_t)(n + sizeof n - p));
}

void
jsonw_bool(struct jsonw *w, int v)
{
	next(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(struct jsonw *w)
{
	next(w);
	put(w, "null", 4);
}
