/*
 * filename.c: the names downloads are saved under, made from people's
 * names ("pass Åsa Lindström-Öberg"): an ASCII one for filename= that
 * every client reads ("pass-Asa-Lindstrom-Oberg"), and a UTF-8 one for
 * filename*= with the real letters ("pass-Åsa-Lindström-Öberg"). In both,
 * whatever could steer a file system or a header (slashes, quotes,
 * controls, bidi overrides) becomes '-', runs of '-' become one, and none
 * leads or trails. The ASCII fold is a small table of the letters our
 * attendees' names have; any other letter becomes '-' too (the search fold
 * is another matter, in the search module).
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "techtank.h"

#define FILENAME_MAX_BYTES	120	/* before the extension */

/* Letters folded to ASCII, lower and upper case. */
static const struct {
	utf8proc_int32_t	 cp;
	const char		*ascii;
} folds[] = {
	{ 0xe0, "a" }, { 0xe1, "a" }, { 0xe2, "a" }, { 0xe3, "a" },
	{ 0xe4, "a" }, { 0xe5, "a" }, { 0xe6, "ae" }, { 0xe7, "c" },
	{ 0xe8, "e" }, { 0xe9, "e" }, { 0xea, "e" }, { 0xeb, "e" },
	{ 0xec, "i" }, { 0xed, "i" }, { 0xee, "i" }, { 0xef, "i" },
	{ 0xf0, "d" }, { 0xf1, "n" }, { 0xf2, "o" }, { 0xf3, "o" },
	{ 0xf4, "o" }, { 0xf5, "o" }, { 0xf6, "o" }, { 0xf8, "o" },
	{ 0xf9, "u" }, { 0xfa, "u" }, { 0xfb, "u" }, { 0xfc, "u" },
	{ 0xfd, "y" }, { 0xfe, "th" }, { 0xff, "y" }, { 0xdf, "ss" },
	{ 0xc0, "A" }, { 0xc1, "A" }, { 0xc2, "A" }, { 0xc3, "A" },
	{ 0xc4, "A" }, { 0xc5, "A" }, { 0xc6, "AE" }, { 0xc7, "C" },
	{ 0xc8, "E" }, { 0xc9, "E" }, { 0xca, "E" }, { 0xcb, "E" },
	{ 0xcc, "I" }, { 0xcd, "I" }, { 0xce, "I" }, { 0xcf, "I" },
	{ 0xd0, "D" }, { 0xd1, "N" }, { 0xd2, "O" }, { 0xd3, "O" },
	{ 0xd4, "O" }, { 0xd5, "O" }, { 0xd6, "O" }, { 0xd8, "O" },
	{ 0xd9, "U" }, { 0xda, "U" }, { 0xdb, "U" }, { 0xdc, "U" },
	{ 0xdd, "Y" }, { 0xde, "TH" },
	/* Polish, Czech and Turkish letters that Latin-1 lacks. */
	{ 0x105, "a" }, { 0x107, "c" }, { 0x10d, "c" }, { 0x119, "e" },
	{ 0x11b, "e" }, { 0x11f, "g" }, { 0x131, "i" }, { 0x142, "l" },
	{ 0x144, "n" }, { 0x148, "n" }, { 0x151, "o" }, { 0x159, "r" },
	{ 0x15b, "s" }, { 0x15f, "s" }, { 0x161, "s" }, { 0x165, "t" },
	{ 0x16f, "u" }, { 0x171, "u" }, { 0x17a, "z" }, { 0x17c, "z" },
	{ 0x17e, "z" }, { 0x104, "A" }, { 0x106, "C" }, { 0x10c, "C" },
	{ 0x118, "E" }, { 0x11a, "E" }, { 0x11e, "G" }, { 0x130, "I" },
	{ 0x141, "L" }, { 0x143, "N" }, { 0x147, "N" }, { 0x150, "O" },
	{ 0x158, "R" }, { 0x15a, "S" }, { 0x15e, "S" }, { 0x160, "S" },
	{ 0x164, "T" }, { 0x16e, "U" }, { 0x170, "U" }, { 0x179, "Z" },
	{ 0x17b, "Z" }, { 0x17d, "Z" },
};

static const char *
fold_ascii(utf8proc_int32_t cp)
{
	for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++)
		if (folds[i].cp == cp)
			return folds[i].ascii;
	return NULL;
}

/* Whether a code point may stand in a UTF-8 file name as it is. */
static int
keeps_utf8(utf8proc_int32_t cp)
{
	const utf8proc_property_t	*p = utf8proc_get_property(cp);

	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z') || cp == '.' || cp == '_';
	switch (p->category) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_SO:	/* emoji */
		return 1;
	default:				/* controls, format (bidi), ... */
		return 0;
	}
}

/* Append len bytes to out (of size FILENAME_MAX_BYTES + 1), or a '-'. */
static void
put(char *out, size_t *n, const char *s, size_t len)
{
	int	dash = len == 1 && s[0] == '-';

	if (dash && (*n == 0 || out[*n - 1] == '-'))
		return;
	if (*n + len > FILENAME_MAX_BYTES)
		return;
	memcpy(out + *n, s, len);
	*n += len;
}

/*
 * The stem of a download's name from text (any UTF-8; invalid bytes are
 * dashes): ASCII only with ascii set, else the letters as they are. Never
 * empty: "download" stands in for a name with nothing left. The caller
 * frees it.
 */
char *
filename_stem(const char *text, int ascii)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t	 len = (utf8proc_ssize_t)strlen(text), step;
	utf8proc_int32_t	 cp;
	char			*out = xmalloc(FILENAME_MAX_BYTES + 1);
	const char		*f;
	size_t			 n = 0;

	while (len > 0) {
		if ((step = utf8proc_iterate(p, len, &cp)) < 0) {
			cp = -1;
			step = 1;
		}
		if (cp >= 0 && cp < 0x80 && keeps_utf8(cp) && cp != '.')
			put(out, &n, (const char *)p, 1);
		else if (ascii && cp >= 0x80 && (f = fold_ascii(cp)) != NULL)
			put(out, &n, f, strlen(f));
		else if (!ascii && cp >= 0x80 && keeps_utf8(cp))
			put(out, &n, (const char *)p, (size_t)step);
		else
			put(out, &n, "-", 1);
		p += step;
		len -= step;
	}
	/* A character cut at the limit is never half there: put() adds whole. */
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n == 0) {
		free(out);
		return xstrdup("download");
	}
	return out;
}
