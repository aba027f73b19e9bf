/*
 * csv.c: text cells for the exports. A CSV cell is written as RFC 4180
 * has it: in double quotes when it holds the separator, a quote, CR or
 * LF, with its quotes doubled. Text that a spreadsheet would take for a
 * formula (it begins with = + - @, a tab or a CR: "=HYPERLINK(...)",
 * "@SUM(...)", "+46 70" alike) gets a leading apostrophe, which Excel and
 * LibreOffice read as "this is text". And text that is not UTF-8, or
 * holds a NUL, is repaired before any spreadsheet sees it: the store only
 * holds what validation let in, but an export must not break on what
 * another program wrote into the file.
 */
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

/* The cell would be read as a formula (or a DDE call) by a spreadsheet. */
int
text_formula_like(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	switch (s[0]) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return 1;
	default:
		return 0;
	}
}

/* Valid UTF-8 without a NUL: fit for a cell as it is. */
int
text_export_clean(const char *s, size_t len)
{
	return memchr(s, '\0', len) == NULL && utf8_valid(s, len);
}

/* The length of the valid UTF-8 character at s, or 0 (a NUL is not one). */
size_t
utf8_char_len(const char *s, size_t left)
{
	unsigned char	c = (unsigned char)s[0];
	size_t		n;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	if (n > left || !utf8_valid(s, n))
		return 0;
	return n;
}

/*
 * A copy of s with each byte that starts no valid character (and each
 * NUL) replaced by U+FFFD, and its length in *outlen; NUL-terminated.
 */
char *
text_export_repair(const char *s, size_t len, size_t *outlen)
{
	char	*out = xreallocarray(NULL, len + 1, 3), *o = out;
	size_t	 i = 0, n;

	while (i < len) {
		if ((n = utf8_char_len(s + i, len - i)) == 0) {
			memcpy(o, REPLACEMENT, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/* The most bytes csv_cell() writes for len bytes of text. */
size_t
csv_cell_max(size_t len)
{
	return 2 * len + 3;	/* every byte a quote; the quotes; ' */
}

/* Write the text in as one CSV cell at out; the bytes written. */
size_t
csv_cell(char *out, const char *in, size_t len, char sep)
{
	char	*o = out;
	int	 quote = 0;

	for (size_t i = 0; i < len && !quote; i++)
		quote = in[i] == sep || in[i] == '"' || in[i] == '\r' ||
		    in[i] == '\n';
	if (quote)
		*o++ = '"';
	if (text_formula_like(in, len))
		*o++ = '\'';
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '"')
			*o++ = '"';
		*o++ = in[i];
	}
	if (quote)
		*o++ = '"';
	return (size_t)(o - out);
}
