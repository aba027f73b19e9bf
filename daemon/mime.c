/*
 * mime.c: mail as RFC 5322 and MIME want it, from texts and files: the
 * headers (UTF-8 in RFC 2047 encoded-words of at most 75 characters,
 * folded), quoted-printable bodies, base64 attachments, and the message
 * around them: multipart/mixed holding multipart/alternative (text and
 * HTML) and the attachments. Every line ends in CRLF and is at most 78
 * characters. No field can add a header: control characters in a header
 * value become spaces, and an address that is not plain is refused.
 * Pure functions, tested in tests/unit/test-mime.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtankd.h"
#include "schedule.h"

#define LINE_MAX_CHARS	78	/* RFC 5322's "SHOULD" */
#define QP_LINE_MAX	76	/* RFC 2045 */
#define B64_LINE_MAX	76
#define WORD_MAX	75	/* an encoded-word, RFC 2047 */
#define WORD_OVERHEAD	12	/* "=?UTF-8?B?" and "?=" */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* n bytes (1 to 3) as four base64 characters. */
static void
b64_quad(struct sbuf *out, const unsigned char *p, size_t n)
{
	char	q[4];
	unsigned v = (unsigned)p[0] << 16 | (n > 1 ? (unsigned)p[1] << 8 : 0) |
	    (n > 2 ? p[2] : 0);

	q[0] = b64[v >> 18 & 63];
	q[1] = b64[v >> 12 & 63];
	q[2] = n > 1 ? b64[v >> 6 & 63] : '=';
	q[3] = n > 2 ? b64[v & 63] : '=';
	sbuf_add(out, q, 4);
}

/* Bytes as base64 in lines of 76, each ended by CRLF. */
void
mime_base64(struct sbuf *out, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 col = 0;

	for (size_t i = 0; i < len; i += 3) {
		b64_quad(out, p + i, len - i < 3 ? len - i : 3);
		if ((col += 4) == B64_LINE_MAX) {
			sbuf_add(out, "\r\n", 2);
			col = 0;
		}
	}
	if (col > 0 || len == 0)
		sbuf_add(out, "\r\n", 2);
}

/*
 * A UTF-8 text (lines ended by LF, CRLF or CR) as quoted-printable, lines
 * of at most 76 ended by CRLF. A dot or a space at the start of a line is
 * encoded too, so that no relay can take a line for the end of the data.
 */
void
mime_qp(struct sbuf *out, const char *text)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 col = 0, need;
	char			 enc[3];
	int			 plain;

	for (; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			sbuf_add(out, "\r\n", 2);
			col = 0;
			continue;
		}
		plain = *p >= 0x21 && *p <= 0x7e && *p != '=' &&
		    !(*p == '.' && col == 0);
		/* Blanks only where something follows on the line. */
		if ((*p == ' ' || *p == '\t') && col > 0 && p[1] != '\0' &&
		    p[1] != '\r' && p[1] != '\n')
			plain = 1;
		need = plain ? 1 : 3;
		/* Room for the character and a soft break's '='. */
		if (col + need > QP_LINE_MAX - 1) {
			sbuf_add(out, "=\r\n", 3);
			col = 0;
			if (*p == '.' || *p == ' ' || *p == '\t')
				plain = 0, need = 3;
		}
		if (plain)
			sbuf_add(out, (const char *)p, 1);
		else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			sbuf_add(out, enc, 3);
		}
		col += need;
	}
	if (col > 0)
		sbuf_add(out, "\r\n", 2);
}

/* Printable ASCII and spaces only: a header may hold it as it is. */
static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* A header value with every control character (CR, LF, tab...) a space. */
static char *
header_clean(const char *value)
{
	char	*v = xstrdup(value);

	for (char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return v;
}

/* Where a header's line is: its text and the length of its last line. */
struct hline {
	struct sbuf	*out;
	size_t		 col;
};

/* Add a word to the header, folding first when it would pass 78. */
static void
hline_word(struct hline *h, const char *w, size_t len, int space)
{
	if (h->col + (space ? 1 : 0) + len > LINE_MAX_CHARS) {
		sbuf_add(h->out, "\r\n ", 3);
		h->col = 1;
	} else if (space) {
		sbuf_add(h->out, " ", 1);
		h->col++;
	}
	sbuf_add(h->out, w, len);
	h->col += len;
}

/* Bytes of s from its start that end on a whole UTF-8 character, ≤ max. */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t	n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n > 0 ? n : max;	/* a broken text: cut it anywhere */
}

/*
 * s as encoded-words ("=?UTF-8?B?...?="), each at most 75 characters and
 * of whole characters, as many on a line as fit.
 */
static void
hline_encoded(struct hline *h, const char *s, int space)
{
	size_t		 len = strlen(s), room, bytes;
	struct sbuf	 w = { 0 };

	while (len > 0) {
		room = LINE_MAX_CHARS - h->col - (space ? 1 : 0);
		if (room > WORD_MAX)
			room = WORD_MAX;
		/* Too little room for a word of a few characters: fold. */
		if (room < WORD_OVERHEAD + 8) {
			sbuf_add(h->out, "\r\n", 2);
			h->col = 0;
			space = 1;
			room = WORD_MAX;
		}
		bytes = utf8_cut(s, len, (room - WORD_OVERHEAD) / 4 * 3);
		w.len = 0;
		sbuf_adds(&w, "=?UTF-8?B?");
		for (size_t i = 0; i < bytes; i += 3)
			b64_quad(&w, (const unsigned char *)s + i,
			    bytes - i < 3 ? bytes - i : 3);
		sbuf_adds(&w, "?=");
		hline_word(h, w.p, w.len, space);
		space = 1;
		s += bytes;
		len -= bytes;
	}
	free(w.p);
}

/* "Name: value" with its CRLF; value in encoded-words unless plain. */
void
mime_header(struct sbuf *out, const char *name, const char *value)
{
	struct hline	 h = { out, 0 };
	char		*v = header_clean(value), *p, *word;
	size_t		 n;

	sbuf_adds(out, name);
	sbuf_add(out, ":", 1);
	h.col = strlen(name) + 1;
	if (!plain_ascii(v))
		hline_encoded(&h, v, 1);
	else
		for (p = v; *p != '\0'; p += n) {
			while (*p == ' ')
				p++;
			if ((n = strcspn(p, " ")) == 0)
				break;
			word = p;
			/* A word longer than a line is encoded in pieces. */
			if (n > LINE_MAX_CHARS - 1) {
				char	*piece = xstrndup(word, n);

				hline_encoded(&h, piece, 1);
				free(piece);
			} else
				hline_word(&h, word, n, 1);
		}
	sbuf_add(out, "\r\n", 2);
	free(v);
}

/*
 * Whether an address can go into a header and an SMTP command as it is:
 * printable ASCII without blanks, quotes, brackets, commas or
 * semicolons, one '@' with something on both sides, at most 254 bytes.
 */
int
mime_address_ok(const char *a)
{
	const char	*at = strchr(a, '@');
	size_t		 len = strlen(a);

	if (len == 0 || len > EMAIL_MAX_BYTES || at == NULL || at == a ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a >= 0x7f ||
		    strchr("\"<>(),;:\\[]", *a) != NULL)
			return 0;
	return 1;
}

/*
 * "Name: display <addr>" with its CRLF. The name is a quoted string when
 * plain ASCII, else encoded-words. 0, or -1 when addr is not plain.
 */
int
mime_address_header(struct sbuf *out, const char *name, const char *display,
    const char *addr)
{
	struct hline	 h = { out, 0 };
	struct sbuf	 q = { 0 };
	char		*d, *a;

	if (!mime_address_ok(addr))
		return -1;
	d = header_clean(display != NULL ? display : "");
	sbuf_adds(out, name);
	sbuf_add(out, ":", 1);
	h.col = strlen(name) + 1;
	if (*d == '\0')
		;
	else if (plain_ascii(d) && strlen(d) < LINE_MAX_CHARS - 10) {
		sbuf_add(&q, "\"", 1);
		for (const char *p = d; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_add(&q, "\\", 1);
			sbuf_add(&q, p, 1);
		}
		sbuf_add(&q, "\"", 1);
		hline_word(&h, q.p, q.len, 1);
	} else
		hline_encoded(&h, d, 1);
	xasprintf(&a, "<%s>", addr);
	hline_word(&h, a, strlen(a), 1);
	sbuf_add(out, "\r\n", 2);
	free(a);
	free(q.p);
	free(d);
	return 0;
}

/* An RFC 5322 date in UTC: "Wed, 02 Dec 2026 13:05:09 +0000". */
void
mime_date(time_t t, char out[40])
{
	static const char	 days[] = "SunMonTueWedThuFriSat";
	static const char	 months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm		 tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000",
	    days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A file name as a header parameter may hold it: [A-Za-z0-9._-] only. */
static char *
file_param(const char *name)
{
	char	*n = xstrdup(name != NULL && *name != '\0' ? name : "file");

	for (char *p = n; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			*p = '_';
	if (strlen(n) > 60)
		memmove(n, n + strlen(n) - 60, 61);	/* keep the extension */
	return n;
}

/* A text part, UTF-8 in quoted-printable. */
static void
text_part(struct sbuf *out, const char *boundary, const char *type,
    const char *text)
{
	sbuf_printf(out, "--%s\r\n", boundary);
	sbuf_printf(out, "Content-Type: %s; charset=UTF-8\r\n", type);
	sbuf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	mime_qp(out, text);
}

/*
 * The whole message, headers and body, CRLF throughout: NULL with *cause
 * when an address cannot be used. The caller frees it.
 */
char *
mime_build(const struct mime_message *m, size_t *len, char **cause)
{
	struct sbuf	 out = { 0 };
	char		 date[40], mixed[48], alt[48], rnd[17], *name;
	const char	*lang = m->lang != NULL && strcmp(m->lang, "en") == 0 ?
	    "en" : "sv";

	if (!mime_address_ok(m->from_addr)) {
		xasprintf(cause, "the sender's address cannot be used");
		return NULL;
	}
	if (!mime_address_ok(m->to_addr)) {
		xasprintf(cause, "the recipient's address cannot be used");
		return NULL;
	}
	token_random(rnd, 16);
	rnd[16] = '\0';
	snprintf(mixed, sizeof mixed, "=_tt_mixed_%s", rnd);
	snprintf(alt, sizeof alt, "=_tt_alt_%s", rnd);
	mime_date(m->date, date);

	mime_address_header(&out, "From", m->from_name, m->from_addr);
	mime_address_header(&out, "To", m->to_name, m->to_addr);
	mime_header(&out, "Subject", m->subject);
	mime_header(&out, "Date", date);
	mime_header(&out, "Message-ID", m->message_id);
	sbuf_adds(&out, "MIME-Version: 1.0\r\n");
	sbuf_printf(&out, "Content-Language: %s\r\n", lang);
	sbuf_printf(&out, "Content-Type: multipart/mixed;\r\n"
	    " boundary=\"%s\"\r\n\r\n", mixed);

	sbuf_printf(&out, "--%s\r\n", mixed);
	sbuf_printf(&out, "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"%s\"\r\n\r\n", alt);
	text_part(&out, alt, "text/plain", m->text);
	text_part(&out, alt, "text/html", m->html);
	sbuf_printf(&out, "--%s--\r\n", alt);

	for (size_t i = 0; i < m->nattachments; i++) {
		const struct mime_attachment *a = &m->attachments[i];

		name = file_param(a->name);
		sbuf_printf(&out, "--%s\r\n", mixed);
		sbuf_printf(&out, "Content-Type: %s;\r\n name=\"%s\"\r\n",
		    a->type, name);
		sbuf_printf(&out, "Content-Disposition: attachment;\r\n"
		    " filename=\"%s\"\r\n", name);
		sbuf_adds(&out, "Content-Transfer-Encoding: base64\r\n\r\n");
		mime_base64(&out, a->data, a->len);
		free(name);
	}
	sbuf_printf(&out, "--%s--\r\n", mixed);
	return sbuf_take(&out, len);
}
