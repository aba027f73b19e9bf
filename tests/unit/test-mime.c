/*
 * test-mime.c: the encodings of mail (daemon/mime.c) and the words of the
 * messages (daemon/mail-messages.c): base64 and quoted-printable decoded
 * back, encoded-words within 75 characters, lines within 78, CRLF only,
 * no header made from a field, user text escaped in the HTML.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "techtankd.h"
#include "schedule.h"

static char *
built(void (*f)(struct sbuf *, const char *), const char *in)
{
	struct sbuf	 b = { 0 };
	size_t		 len;

	f(&b, in);
	return sbuf_take(&b, &len);
}

static char *
header(const char *name, const char *value)
{
	struct sbuf	 b = { 0 };
	size_t		 len;

	mime_header(&b, name, value);
	return sbuf_take(&b, &len);
}

static int
b64_value(char c)
{
	const char	*a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char	*p = strchr(a, c);

	return c != '\0' && p != NULL ? (int)(p - a) : -1;
}

/* Base64 decoded, CRLF skipped; its length in *n. */
static char *
b64_decode(const char *s, size_t len, size_t *n)
{
	char		*out = xmalloc(len + 1);
	unsigned	 acc = 0;
	int		 bits = 0, v;

	*n = 0;
	for (size_t i = 0; i < len; i++) {
		if ((v = b64_value(s[i])) < 0)
			continue;
		acc = acc << 6 | (unsigned)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[(*n)++] = (char)(acc >> bits & 0xff);
		}
	}
	out[*n] = '\0';
	return out;
}

/* Quoted-printable decoded, soft breaks joined, CRLF as LF. */
static char *
qp_decode(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n')
			s += 3;
		else if (s[0] == '=') {
			char	hex[3] = { s[1], s[2], '\0' };

			*o++ = (char)strtol(hex, NULL, 16);
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			*o++ = '\n';
			s += 2;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* Every line ends in CRLF, no CR or LF alone, none longer than max. */
static void
check_lines(const char *s, size_t max)
{
	const char	*line = s;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\r') {
			ck_assert_msg(p[1] == '\n', "a CR alone in %s", s);
			ck_assert_msg((size_t)(p - line) <= max,
			    "a line of %zu: %.*s", (size_t)(p - line),
			    (int)(p - line), line);
			line = p + 2;
		} else
			ck_assert_msg(*p != '\n' || (p > s && p[-1] == '\r'),
			    "a LF alone");
	}
	ck_assert_msg(*line == '\0', "the last line has no CRLF");
}

/* The text of a header's encoded-words and plain words, unfolded. */
static char *
header_text(const char *h)
{
	struct sbuf	 out = { 0 };
	const char	*p = strchr(h, ':') + 1, *end;
	size_t		 n, len;
	char		*d;
	int		 last_word = 0;

	while (*p != '\0') {
		if (*p == '\r' || *p == '\n' || *p == ' ') {
			p++;
			continue;
		}
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			end = strstr(p + 10, "?=");
			ck_assert_ptr_nonnull(end);
			ck_assert_int_le(end + 2 - p, 75);
			d = b64_decode(p + 10, (size_t)(end - p - 10), &n);
			sbuf_add(&out, d, n);
			free(d);
			p = end + 2;
			last_word = 1;
		} else {
			n = strcspn(p, " \r\n");
			if (out.len > 0)
				sbuf_add(&out, " ", 1);
			sbuf_add(&out, p, n);
			p += n;
			last_word = 0;
		}
	}
	(void)last_word;
	return sbuf_take(&out, &len);
}

START_TEST(base64_vectors)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const out[] = { "\r\n", "Zg==\r\n", "Zm8=\r\n",
	    "Zm9v\r\n", "Zm9vYg==\r\n", "Zm9vYmE=\r\n", "Zm9vYmFy\r\n" };
	unsigned char	 bytes[1000];
	struct sbuf	 b = { 0 };
	char		*d;
	size_t		 n;

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		b.len = 0;
		mime_base64(&b, in[i], strlen(in[i]));
		sbuf_add(&b, "", 1);
		ck_assert_str_eq(b.p, out[i]);
	}
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (unsigned char)(i * 7);
	b.len = 0;
	mime_base64(&b, bytes, sizeof bytes);
	sbuf_add(&b, "", 1);
	check_lines(b.p, 76);
	ck_assert_int_eq(strcspn(b.p, "\r"), 76);
	d = b64_decode(b.p, b.len - 1, &n);
	ck_assert_uint_eq(n, sizeof bytes);
	ck_assert_mem_eq(d, bytes, n);
	free(d);
	free(b.p);
}
END_TEST

START_TEST(qp_round_trip)
{
	static const char *const texts[] = {
	    "Hej Åsa Lindström-Öberg!\n\nVälkommen.",
	    "a=b and = at the end=",
	    "trailing space \nand tab\t\n",
	    ".a dot first\n.\n..",
	    "Zoë Ødegård-Łukasiewicz ", "",
	    "ååååååååååååååååååååååååååååååååååååååååååååååååååååååååååååå"
	    "åååååååååååååå and so on, a long line of many many words that "
	    "goes on and on well past seventy-six characters. x",
	    "CR\rLF\nCRLF\r\nend",
	};
	static const char *const want[] = {
	    "Hej Åsa Lindström-Öberg!\n\nVälkommen.\n",
	    "a=b and = at the end=\n",
	    "trailing space \nand tab\t\n",
	    ".a dot first\n.\n..\n",
	    "Zoë Ødegård-Łukasiewicz \n", "",
	    NULL,
	    "CR\nLF\nCRLF\nend\n",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char	*q = built(mime_qp, texts[i]), *d;

		check_lines(q, 76);
		/* No line starts with a dot; none ends in a blank. */
		ck_assert_msg(q[0] != '.' && strstr(q, "\n.") == NULL, "%s", q);
		ck_assert_msg(strstr(q, " \r\n") == NULL &&
		    strstr(q, "\t\r\n") == NULL, "%s", q);
		for (const char *p = q; *p != '\0'; p++)
			ck_assert((unsigned char)*p < 0x80);
		d = qp_decode(q);
		if (want[i] != NULL)
			ck_assert_str_eq(d, want[i]);
		else {
			ck_assert_uint_eq(strlen(d), strlen(texts[i]) + 1);
			ck_assert(strncmp(d, texts[i], strlen(texts[i])) == 0);
		}
		free(d);
		free(q);
	}
}
END_TEST

START_TEST(header_words)
{
	char	*h, *t;

	h = header("Subject", "Plain ASCII subject");
	ck_assert_str_eq(h, "Subject: Plain ASCII subject\r\n");
	free(h);

	h = header("Subject", "Bekräftelse: Åsa Lindström-Öberg – Techtank "
	    "Conference 2026, Olofström, två dagar om presshärdning och "
	    "lättviktsmaterial");
	check_lines(h, 78);
	t = header_text(h);
	ck_assert_str_eq(t, "Bekräftelse: Åsa Lindström-Öberg – Techtank "
	    "Conference 2026, Olofström, två dagar om presshärdning och "
	    "lättviktsmaterial");
	free(t);
	free(h);

	/* A word longer than a line is encoded in pieces. */
	h = header("Subject", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	check_lines(h, 78);
	free(h);
}
END_TEST

START_TEST(header_injection)
{
	static const char *const bad[] = {
	    "Hi\r\nBcc: victim@example.se", "Hi\nBcc: v@e.se", "Hi\rTo: x",
	    "Åsa\r\nBcc: v@e.se", "a\r\n\r\nbody",
	};
	struct sbuf	 b = { 0 };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char	*h = header("Subject", bad[i]), *p;

		check_lines(h, 78);
		/* One header: any further line is a fold, starting blank. */
		for (p = strstr(h, "\r\n"); p != NULL && p[2] != '\0';
		    p = strstr(p + 2, "\r\n"))
			ck_assert_msg(p[2] == ' ', "a new header in %s", h);
		free(h);
		b.len = 0;
		ck_assert_int_eq(mime_address_header(&b, "To", bad[i],
		    "a@example.se"), 0);
		sbuf_add(&b, "", 1);
		for (p = strstr(b.p, "\r\n"); p != NULL && p[2] != '\0';
		    p = strstr(p + 2, "\r\n"))
			ck_assert_msg(p[2] == ' ', "a new header in %s", b.p);
	}
	free(b.p);
}
END_TEST

START_TEST(addresses)
{
	static const char *const good[] = { "a@example.se",
	    "first.last+tag@sub.example.co.uk", "x@y" };
	static const char *const bad[] = { "", "a", "@example.se", "a@",
	    "a@b@c", "a b@c.se", "a@c.se\r\nBcc: x@y", "<a@b.se>", "a@b.se,c@d",
	    "\"a\"@b.se", "åsa@example.se", "a@b.se;", "a@b.se\n" };
	struct sbuf	 b = { 0 };

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(mime_address_ok(good[i]), "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!mime_address_ok(bad[i]), "%s", bad[i]);
		ck_assert_int_eq(mime_address_header(&b, "To", "x", bad[i]),
		    -1);
	}
	ck_assert_uint_eq(b.len, 0);
	mime_address_header(&b, "From", "Tech \"tank\" \\ AB", "a@b.se");
	sbuf_add(&b, "", 1);
	ck_assert_str_eq(b.p, "From: \"Tech \\\"tank\\\" \\\\ AB\" <a@b.se>\r\n");
	b.len = 0;
	mime_address_header(&b, "To", "Zoë Ødegård-Łukasiewicz", "z@b.se");
	sbuf_add(&b, "", 1);
	check_lines(b.p, 78);
	ck_assert_ptr_nonnull(strstr(b.p, "=?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(b.p, " <z@b.se>\r\n"));
	free(b.p);
}
END_TEST

START_TEST(date)
{
	char	out[40];

	mime_date(0, out);
	ck_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 +0000");
	mime_date(1796217909, out);
	ck_assert_str_eq(out, "Wed, 02 Dec 2026 13:25:09 +0000");
}
END_TEST

START_TEST(message)
{
	struct mime_attachment	 att[2] = {
	    { "pass-Åsa Lindström.pdf", "application/pdf", "%PDF-1.5 xyz", 12 },
	    { "program.ics\r\nX: y", "text/calendar", "BEGIN:VCALENDAR", 15 },
	};
	struct mime_message	 m = {
	    .from_name = "Techtank", .from_addr = "konferens@techtank.se",
	    .to_name = "Åsa Lindström-Öberg", .to_addr = "asa@example.se",
	    .subject = "Bekräftelse: Åsa Lindström-Öberg\r\nBcc: x@y.se",
	    .message_id = "<outbox-1-abc@techtank-conference>", .lang = "sv",
	    .date = 1796217909, .text = "Hej Åsa!\n\nVälkommen.",
	    .html = "<p>Hej &lt;Åsa&gt;</p>", .attachments = att,
	    .nattachments = 2 };
	char			*msg, *cause = NULL, *head;
	size_t			 len;

	msg = mime_build(&m, &len, &cause);
	ck_assert_ptr_nonnull(msg);
	ck_assert_uint_eq(strlen(msg), len);
	check_lines(msg, 78);
	head = xstrndup(msg, (size_t)(strstr(msg, "\r\n\r\n") - msg));
	ck_assert_ptr_null(strstr(head, "\r\nBcc"));
	ck_assert_ptr_nonnull(strstr(head, "Message-ID: "
	    "<outbox-1-abc@techtank-conference>"));
	ck_assert_ptr_nonnull(strstr(head, "Date: Wed, 02 Dec 2026"));
	ck_assert_ptr_nonnull(strstr(head, "MIME-Version: 1.0"));
	ck_assert_ptr_nonnull(strstr(head, "Content-Language: sv"));
	ck_assert_ptr_nonnull(strstr(head, "multipart/mixed"));
	ck_assert_ptr_nonnull(strstr(msg, "multipart/alternative"));
	ck_assert_ptr_nonnull(strstr(msg, "filename=\"pass-__sa_Lindstr__m.pdf\""));
	ck_assert_ptr_nonnull(strstr(msg, "filename=\"program.ics__X__y\""));
	ck_assert_ptr_null(strstr(msg, "\r\nX: y"));
	free(head);
	free(msg);

	m.to_addr = "asa@example.se\r\nBcc: x@y.se";
	ck_assert_ptr_null(mime_build(&m, &len, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "recipient"));
	free(cause);
}
END_TEST

static json_t *
sample_registration(const char *first)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s},"
	    " s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:[{s:I, s:s, s:s, s:s, s:s},"
	    " {s:I, s:s, s:s, s:s, s:s}]}",
	    "event", "Techtank-konferensen 2026", "event_en",
	    "Techtank Conference 2026",
	    "ticket_type", "name", "Konferens", "name_en", "Conference",
	    "contact", "first_name", first, "last_name", "Lindström-Öberg",
	    "email", "asa@example.se",
	    "price", "unit_ore", (json_int_t)123450, "vat_rate", (json_int_t)25,
	    "attendees", (json_int_t)2, "subtotal_ore", (json_int_t)246900,
	    "vat_ore", (json_int_t)61725, "total_ore", (json_int_t)308625,
	    "attendees",
	    "id", (json_int_t)1, "first_name", first, "last_name",
	    "Lindström-Öberg", "email", "asa@example.se", "status", "confirmed",
	    "id", (json_int_t)2, "first_name", "Björn", "last_name",
	    "<b>Håkansdotter</b>", "email", "b@example.se", "status",
	    "waitlisted");
}

START_TEST(messages_in_both_languages)
{
	json_t			*reg = sample_registration("Åsa");
	struct mail_view	 v = { .kind = "confirmation", .lang = "sv",
	    .reg = reg, .link = "https://x.se/manage.html#t=ABC&x=\"y\"",
	    .dates = "9–10 juni 2026", .passes = 2, .calendar = 1 };
	struct mail_text	 t;

	mail_render(&v, &t);
	ck_assert_str_eq(t.subject, "Bekräftelse: Åsa Lindström-Öberg – "
	    "Techtank-konferensen 2026");
	ck_assert_ptr_nonnull(strstr(t.text, "Hej Åsa!"));
	ck_assert_ptr_nonnull(strstr(t.text, "Björn <b>Håkansdotter</b> "
	    "(på väntelistan)"));
	ck_assert_ptr_nonnull(strstr(t.text, "1 234,50 kr per deltagare, "
	    "2 469,00 kr exkl. moms"));
	ck_assert_ptr_nonnull(strstr(t.text, "Att betala: 3 086,25 kr"));
	ck_assert_ptr_nonnull(strstr(t.text, "Passerkorten"));
	ck_assert_ptr_nonnull(strstr(t.text, ".ics"));
	/* The HTML: every text escaped, the link's quote too. */
	ck_assert_ptr_null(strstr(t.html, "<b>"));
	ck_assert_ptr_nonnull(strstr(t.html, "&lt;b&gt;Håkansdotter"));
	ck_assert_ptr_nonnull(strstr(t.html, "href=\"https://x.se/manage.html"
	    "#t=ABC&amp;x=&quot;y&quot;\""));
	ck_assert_ptr_nonnull(strstr(t.html, "<html lang=\"sv\">"));
	mail_text_clear(&t);

	v.lang = "en";
	mail_render(&v, &t);
	ck_assert_str_eq(t.subject, "Confirmation: Åsa Lindström-Öberg – "
	    "Techtank Conference 2026");
	ck_assert_ptr_nonnull(strstr(t.text, "SEK 1,234.50 per attendee"));
	ck_assert_ptr_nonnull(strstr(t.text, "Ticket: Conference"));
	mail_text_clear(&t);

	/* A colleague's own message: their name, no price. */
	v.lang = "sv";
	v.attendee = 2;
	v.to_is_attendee = 1;
	v.kind = "waitlisted";
	v.passes = 0;
	mail_render(&v, &t);
	ck_assert_str_eq(t.subject, "Väntelista: Björn <b>Håkansdotter</b> – "
	    "Techtank-konferensen 2026");
	ck_assert_ptr_null(strstr(t.text, "kr"));
	ck_assert_ptr_nonnull(strstr(t.text, "Hej Björn!"));
	mail_text_clear(&t);

	v.kind = "cancelled";
	v.attendee = 0;
	mail_render(&v, &t);
	ck_assert(strncmp(t.subject, "Avbokad: Åsa", 13) == 0);
	ck_assert_ptr_nonnull(strstr(t.text, "kvitto"));
	ck_assert_ptr_null(strstr(t.text, "https://"));
	mail_text_clear(&t);
	json_decref(reg);
}
END_TEST

START_TEST(changes_and_moves)
{
	json_t			*reg = sample_registration("Åsa"), *params;
	struct mail_view	 v = { .kind = "changed", .lang = "sv",
	    .reg = reg, .attendee = 2, .to_is_attendee = 1,
	    .link = "https://x.se/manage.html#t=B" };
	struct mail_text	 t;

	params = json_pack("{s:[s, s, s, i]}", "changed", "name", "sessions",
	    "<script>", 7);
	v.params = params;
	mail_render(&v, &t);
	ck_assert_str_eq(t.subject, "Ändrad anmälan: Björn <b>Håkansdotter</b>"
	    " – Techtank-konferensen 2026");
	/* Only the fields it knows, in its words. */
	ck_assert_ptr_nonnull(strstr(t.text, "Det som har ändrats: namn, "
	    "programpunkter.\n"));
	ck_assert_ptr_null(strstr(t.text, "script"));
	ck_assert_ptr_nonnull(strstr(t.text, "Inte anmäld till någon "));
	ck_assert_ptr_null(strstr(t.text, "kr"));
	mail_text_clear(&t);
	json_decref(params);

	/* Params that are not what they should be: no list, no words. */
	params = json_pack("{s:s}", "changed", "name");
	v.params = params;
	mail_render(&v, &t);
	ck_assert_ptr_null(strstr(t.text, "Det som har ändrats"));
	mail_text_clear(&t);
	json_decref(params);
	v.params = NULL;
	mail_render(&v, &t);
	ck_assert_ptr_nonnull(strstr(t.text, "har ändrats."));
	mail_text_clear(&t);

	v.kind = "session_moved";
	v.lang = "en";
	params = json_pack("{s:[{s:s, s:s, s:[s], s:{s:s, s:s, s:{s:s}},"
	    " s:{s:s, s:s, s:n}}, {s:s, s:[s], s:o, s:n}, {s:i}, {s:s, s:[s],"
	    " s:{s:s}, s:{s:s}}]}", "sessions",
	    "title", "Studiebesök <i>", "title_en", "Study <visit>",
	    "kinds", "moved",
	    "before", "starts_at", "2027-11-30T13:00:00+01:00",
	    "ends_at", "2027-11-30T16:00:00+01:00", "room", "name", "Sal & B",
	    "after", "starts_at", "2027-11-30T14:00:00+01:00",
	    "ends_at", "2027-11-30T17:00:00+01:00", "room",
	    "title", "Middag", "kinds", "cancelled", "before", json_object(),
	    "after",
	    "title", 5,
	    "title", "Kort", "kinds", "moved", "before", "starts_at", "x",
	    "after", "starts_at", "2027");
	v.params = params;
	mail_render(&v, &t);
	ck_assert_str_eq(t.subject, "Programme change: Björn "
	    "<b>Håkansdotter</b> – Techtank Conference 2026");
	ck_assert_ptr_nonnull(strstr(t.text, "- Study <visit>: now 2027-11-30 "
	    "14:00–17:00 (was 2027-11-30 13:00–16:00, Sal & B)\n"));
	ck_assert_ptr_nonnull(strstr(t.text, "- Middag: cancelled\n"));
	ck_assert_ptr_nonnull(strstr(t.html, "Study &lt;visit&gt;"));
	ck_assert_ptr_nonnull(strstr(t.html, "Sal &amp; B"));
	ck_assert_ptr_null(strstr(t.html, "<visit>"));
	/* A time cut short is left out rather than read past its end. */
	ck_assert_ptr_nonnull(strstr(t.text, "- Kort: now  (was )\n"));
	mail_text_clear(&t);
	json_decref(params);
	json_decref(reg);
}
END_TEST

Suite *
suite_mime(void)
{
	Suite	*s = suite_create("mime");
	TCase	*tc = tcase_create("mime");

	tcase_add_test(tc, base64_vectors);
	tcase_add_test(tc, qp_round_trip);
	tcase_add_test(tc, header_words);
	tcase_add_test(tc, header_injection);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, date);
	tcase_add_test(tc, message);
	tcase_add_test(tc, messages_in_both_languages);
	tcase_add_test(tc, changes_and_moves);
	suite_add_tcase(s, tc);
	return s;
}
