/*
 * validate.c: checks for the text people type in: UTF-8 validity, control
 * characters, lengths, names, email addresses and phone numbers. Each
 * validate_* returns NULL when the text is fine, or a short message that the
 * API hands back beside the field.
 */
#include <ctype.h>
#include <string.h>

#include "techtank.h"

#define NAME_MAX_CHARS	100
#define EMAIL_MAX_BYTES	254
#define EMAIL_LOCAL_MAX	64
#define PHONE_MAX_CHARS	40

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

const char *
validate_name(const char *s)
{
	if (*s == '\0')
		return "required";
	if (!utf8_valid(s, strlen(s)))
		return "not valid UTF-8";
	if (text_has_control(s))
		return "must not contain control characters";
	if (utf8_count(s) > NAME_MAX_CHARS)
		return "at most 100 characters";
	return NULL;
}

const char *
validate_optional(const char *s, size_t max_chars)
{
	if (!utf8_valid(s, strlen(s)))
		return "not valid UTF-8";
	if (text_has_control(s))
		return "must not contain control characters";
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
		if (c < 0x80 && !isalnum(c) && c != '-')
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
	if (!email_domain_ok(at + 1))
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

/* The form an address is compared in: ASCII letters folded to lower case. */
char *
email_normalise(const char *s)
{
	char	*n = xstrdup(s);

	for (char *p = n; *p != '\0'; p++)
		if ((unsigned char)*p < 0x80)
			*p = (char)tolower((unsigned char)*p);
	return n;
}

/* The lower-case form of a code point, for the scripts names come in. */
static uint32_t
fold_cp(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c == 0x178)
		return 0xff;
	/* Greek capitals with tonos, and the final sigma as sigma. */
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 0x25;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 0x3f;
	if (c == 0x3c2)
		return 0x3c3;
	/* Latin Extended-A pairs: upper case first, then lower. */
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	return c;
}

static size_t
utf8_put(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * A copy with Latin, Greek and Cyrillic letters in lower case, so that a
 * search for "åsa" finds "Åsa". Invalid UTF-8 is copied as it is.
 */
char *
text_fold(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out = xmalloc(strlen(s) + 1), *o = out;

	while (*p != '\0') {
		uint32_t	c;
		size_t		n;

		if (*p < 0x80) {
			c = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			c = ((uint32_t)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			n = 2;
		} else if ((*p & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 &&
		    (p[2] & 0xc0) == 0x80) {
			c = ((uint32_t)(*p & 0x0f) << 12) |
			    ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
			n = 3;
		} else {
			*o++ = (char)*p++;
			continue;
		}
		p += n;
		o += utf8_put(fold_cp(c), o);
	}
	*o = '\0';
	return out;
}
