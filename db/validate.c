/*
 * validate.c: checks for the text people type in: UTF-8 validity, control
 * and bidi characters, invisible-only text, lengths, names, email addresses
 * and phone numbers; and the forms text is kept and compared in (NFC, email
 * case folding; the search fold is in fold.c). Each validate_* returns NULL when the
 * text is fine, or a short message that the API hands back beside the
 * field. Unicode properties, normalisation and case folding come from
 * utf8proc, so that every script is handled alike.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "techtank.h"

#define EMAIL_LOCAL_MAX	64

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char	c = *p;
		size_t		n;
		uint32_t	cp;

		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return 0;
		if ((size_t)(end - p) <= n)
			return 0;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Code points in valid UTF-8. */
size_t
utf8_count(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* C0 controls, DEL and the C1 controls U+0080..U+009F. */
int
text_has_control(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

/* A copy without leading and trailing ASCII white space. */
char *
text_trim(const char *s)
{
	size_t	len;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return xstrndup(s, len);
}

/*
 * The bidi controls: embeddings, overrides, isolates and the direction
 * marks. They reorder what is shown around them, so a name or address
 * could read differently from what is stored.
 */
static int
cp_bidi_control(utf8proc_int32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0x200e || c == 0x200f || c == 0x061c;
}

/*
 * A character that shows by itself: a letter, digit, punctuation or symbol
 * that Unicode does not allow to be drawn as nothing (U+3164 HANGUL FILLER
 * is a letter, but default ignorable). Spaces, format characters and
 * combining marks alone do not show.
 */
static int
cp_visible(utf8proc_int32_t c)
{
	utf8proc_category_t	cat = utf8proc_category(c);

	if ((cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO) &&
	    (cat < UTF8PROC_CATEGORY_ND || cat > UTF8PROC_CATEGORY_SO))
		return 0;
	return !utf8proc_get_property(c)->ignorable;
}

/*
 * utf8proc_map_custom() on a C string with our options added, into a new
 * string the caller frees; invalid UTF-8 comes back as a copy.
 */
char *
text_map(const char *s, int options, int32_t (*fn)(int32_t, void *))
{
	utf8proc_uint8_t	*out;
	utf8proc_ssize_t	 n;

	n = utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out,
	    (utf8proc_option_t)(UTF8PROC_NULLTERM | UTF8PROC_STABLE | options),
	    fn, NULL);
	if (n == UTF8PROC_ERROR_NOMEM)
		fatalx("utf8proc: %s", utf8proc_errmsg(n));
	if (n < 0)
		return xstrdup(s);
	return (char *)out;
}

/*
 * What is wrong with a text in any field: invalid UTF-8, a control or bidi
 * character anywhere, or nothing visible at all. Empty text passes; the
 * caller says whether it is required.
 */
static const char *
text_check(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;
	int			 visible = 0;

	if (!utf8_valid(s, strlen(s)))
		return "not valid UTF-8";
	for (; *p != '\0'; p += n) {
		utf8proc_category_t	cat;

		if ((n = utf8proc_iterate(p, -1, &c)) < 0)
			return "not valid UTF-8";
		cat = utf8proc_category(c);
		/* U+2028 and U+2029 break lines as \n does. */
		if (cat == UTF8PROC_CATEGORY_CC ||
		    cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP)
			return "must not contain control characters";
		if (cp_bidi_control(c))
			return "must not contain text direction controls";
		if (cp_visible(c))
			visible = 1;
	}
	if (*s != '\0' && !visible)
		return "must contain visible characters";
	return NULL;
}

/*
 * The one gate for a typed field: s is a JSON string of len bytes, which
 * may hold a NUL. Sets *out to the text trimmed and in NFC, so that "å"
 * typed as U+00E5 or as "a" + U+030A is stored alike, and returns NULL;
 * or sets *out to "" and returns what is wrong.
 */
const char *
text_clean(const char *s, size_t len, char **out)
{
	const char	*msg;
	char		*nfc;

	*out = NULL;
	if (strlen(s) != len) {
		msg = "must not contain control characters";
		goto fail;
	}
	if (!utf8_valid(s, len)) {
		msg = "not valid UTF-8";
		goto fail;
	}
	nfc = text_map(s, UTF8PROC_COMPOSE, NULL);
	*out = text_trim(nfc);
	free(nfc);
	if ((msg = text_check(*out)) != NULL)
		goto fail;
	return NULL;

fail:
	free(*out);
	*out = xstrdup("");
	return msg;
}

/*
 * text_clean() for text of several lines (a message's body): CR LF and a
 * lone CR become LF, a tab a space; each line is checked as a field is,
 * in NFC, its trailing blanks dropped, and blank lines before and after
 * the text go. Sets *out and returns NULL, or sets *out to "" and
 * returns what is wrong.
 */
const char *
text_clean_lines(const char *s, size_t len, char **out)
{
	struct { char *p; size_t n; } b = { NULL, 0 };
	const char	*msg = NULL;
	char		*nfc, *line, *next, *trimmed;
	size_t		 n;

	*out = NULL;
	if (strlen(s) != len) {
		msg = "must not contain control characters";
		goto fail;
	}
	if (!utf8_valid(s, len)) {
		msg = "not valid UTF-8";
		goto fail;
	}
	b.p = xmalloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && s[i + 1] == '\n')
			continue;
		b.p[b.n++] = s[i] == '\r' ? '\n' : s[i] == '\t' ? ' ' : s[i];
	}
	b.p[b.n] = '\0';
	nfc = text_map(b.p, UTF8PROC_COMPOSE, NULL);
	free(b.p);
	/* NFC may be longer than what was typed. */
	b.p = xmalloc(strlen(nfc) + 1);
	b.n = 0;
	for (next = nfc; (line = strsep(&next, "\n")) != NULL;) {
		n = strlen(line);
		while (n > 0 && line[n - 1] == ' ')
			n--;
		line[n] = '\0';
		if (msg == NULL)
			msg = text_check(line);
		memcpy(b.p + b.n, line, n);
		b.n += n;
		if (next != NULL)
			b.p[b.n++] = '\n';
	}
	b.p[b.n] = '\0';
	free(nfc);
	trimmed = text_trim(b.p);
	free(b.p);
	if (msg != NULL) {
		free(trimmed);
		goto fail;
	}
	*out = trimmed;
	return NULL;

fail:
	*out = xstrdup("");
	return msg;
}


const char *
validate_name(const char *s)
{
	const char	*msg;

	if (*s == '\0')
		return "required";
	if ((msg = text_check(s)) != NULL)
		return msg;
	if (utf8_count(s) > NAME_MAX_CHARS)
		return "at most 100 characters";
	return NULL;
}

const char *
validate_optional(const char *s, size_t max_chars)
{
	const char	*msg;

	if ((msg = text_check(s)) != NULL)
		return msg;
	if (utf8_count(s) > max_chars)
		return "too long";
	return NULL;
}

static int
email_local_char(unsigned char c)
{
	if (c >= 0x80)
		return 1;
	if (c <= ' ' || c == 0x7f)
		return 0;
	return strchr("\"(),:;<>@[\\]", c) == NULL;
}

/*
 * Beyond ASCII an address may hold only letters, marks and digits, as
 * IDNA2008 allows in domains: no spaces, invisible or bidi characters and
 * no look-alike dots (U+3002, U+FF0E), which would make two addresses
 * that read the same.
 */
static int
email_unicode_ok(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;

	for (; *p != '\0'; p += n) {
		utf8proc_category_t	cat;

		if ((n = utf8proc_iterate(p, -1, &c)) < 0)
			return 0;
		if (c < 0x80)
			continue;
		cat = utf8proc_category(c);
		if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO)
			return 0;
		if (utf8proc_get_property(c)->ignorable)
			return 0;
	}
	return 1;
}

static int
ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static int
email_domain_ok(const char *d)
{
	const char	*label = d;
	int		 dots = 0;

	if (*d == '\0' || *d == '.' || *d == '-')
		return 0;
	for (const char *p = d; ; p++) {
		unsigned char	c = *p;

		if (c == '.' || c == '\0') {
			if (p == label || p[-1] == '-')
				return 0;
			if (c == '\0')
				break;
			dots++;
			label = p + 1;
			continue;
		}
		if (c < 0x80 && !ascii_alnum(c) && c != '-')
			return 0;
	}
	return dots > 0;
}

const char *
validate_email(const char *s)
{
	const char	*at;
	size_t		 len = strlen(s);

	if (len == 0)
		return "required";
	if (!utf8_valid(s, len))
		return "not valid UTF-8";
	if (len > EMAIL_MAX_BYTES)
		return "at most 254 characters";
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return "not an email address";
	if (at == s || (size_t)(at - s) > EMAIL_LOCAL_MAX)
		return "not an email address";
	for (const char *p = s; p < at; p++)
		if (!email_local_char((unsigned char)*p))
			return "not an email address";
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return "not an email address";
	if (!email_domain_ok(at + 1) || !email_unicode_ok(s))
		return "not an email address";
	return NULL;
}

const char *
validate_phone(const char *s)
{
	int	digits = 0;

	for (const char *p = s; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strchr("+-() ", *p) == NULL)
			return "only digits, spaces and + - ( )";
	}
	if (strlen(s) > PHONE_MAX_CHARS)
		return "at most 40 characters";
	if (*s != '\0' && digits < 5)
		return "too short for a phone number";
	return NULL;
}

static utf8proc_int32_t
cp_lower(utf8proc_int32_t c, void *arg)
{
	(void)arg;
	return utf8proc_tolower(c);
}

/*
 * The form an address is compared in, to find one person registered twice:
 * NFC; the local part with its ASCII letters in lower case, as the mail
 * systems people use treat it; the domain in lower case in every script
 * ("x@BÜCHER.de" is "x@bücher.de"). The domain is lowered letter by letter
 * rather than fully case folded: IDNA2008 keeps ß and ς as letters of
 * their own, so "straße.de" is not "strasse.de".
 */
char *
email_normalise(const char *s)
{
	char	*nfc = text_map(s, UTF8PROC_COMPOSE, NULL), *at, *domain;
	char	*out;

	if ((at = strrchr(nfc, '@')) == NULL)
		at = nfc + strlen(nfc);
	for (char *p = nfc; p < at; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (*at == '\0')
		return nfc;
	domain = text_map(at + 1, UTF8PROC_COMPOSE, cp_lower);
	xasprintf(&out, "%.*s@%s", (int)(at - nfc), nfc, domain);
	free(domain);
	free(nfc);
	return out;
}
