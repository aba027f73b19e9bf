/*
 * fold.c: the forms names are searched and sorted in. text_fold() is the
 * one search fold: case, accents and compatibility forms folded in every
 * script, the letters that carry no mark to strip spelt plain (ø, ł, æ,
 * đ, þ, ı, ...), apostrophes dropped and everything that is neither letter
 * nor digit a space, so that "lindstrom" finds "Lindström-Öberg" and
 * "odegard lukasiewicz" finds "Ødegård-Łukasiewicz". The door's search
 * and the organisers' attendee list both match against one key made by
 * it (store-search.c). text_sort_key() orders names as Swedish does: å, ä
 * and ö after z, ü as y, é as e, with the accents only breaking ties.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "techtank.h"

/*
 * Letters that carry no combining mark to strip, spelt as their nearest
 * plain letters, as people type them when they leave out the marks; and
 * the Arabic letters typed one for the other (alef maksura and yeh, teh
 * marbuta and heh, the Persian forms of yeh and kaf). They are the
 * case-folded forms; none is spelt longer than the letter it replaces,
 * so the fold is made in place.
 */
static const struct {
	utf8proc_int32_t	 letter;
	const char		*plain;
} plain_letters[] = {
	{ 0x00e6, "ae" },	/* æ */
	{ 0x00f0, "d" },	/* ð */
	{ 0x00f8, "o" },	/* ø */
	{ 0x00fe, "th" },	/* þ */
	{ 0x0111, "d" },	/* đ */
	{ 0x0127, "h" },	/* ħ */
	{ 0x0131, "i" },	/* ı */
	{ 0x0142, "l" },	/* ł */
	{ 0x014b, "n" },	/* ŋ */
	{ 0x0153, "oe" },	/* œ */
	{ 0x0167, "t" },	/* ŧ */
	{ 0x0259, "e" },	/* ə */
	{ 0x0629, "\xd9\x87" },	/* ة: ه */
	{ 0x0649, "\xd9\x8a" },	/* ى: ي */
	{ 0x06a9, "\xd9\x83" },	/* ک: ك */
	{ 0x06cc, "\xd9\x8a" },	/* ی: ي */
};

/* The plain spelling of a letter, or NULL. */
static const char *
plain_letter(utf8proc_int32_t c)
{
	for (size_t i = 0; i < sizeof plain_letters / sizeof plain_letters[0];
	    i++)
		if (plain_letters[i].letter == c)
			return plain_letters[i].plain;
	return NULL;
}

/*
 * Characters left out of a word rather than ending it: apostrophes
 * ("O'Brien" is "obrien"; U+02BC is the Ukrainian one) and the Arabic
 * tatweel that only stretches a word.
 */
static int
cp_dropped(utf8proc_int32_t c)
{
	return c == '\'' || c == 0x02bc || c == 0x0640;
}

static int
cp_alnum(utf8proc_int32_t c)
{
	utf8proc_category_t	cat = utf8proc_category(c);

	return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
	    (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* A copy of s without its invalid UTF-8: every byte that starts none. */
static char *
utf8_scrub(const char *s)
{
	size_t	 len = strlen(s), n;
	char	*out = xmalloc(len + 1), *o = out;

	while (*s != '\0') {
		unsigned char	c = (unsigned char)*s;

		n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (strnlen(s, n) == n && utf8_valid(s, n)) {
			memcpy(o, s, n);
			o += n;
			s += n;
		} else
			s++;
	}
	*o = '\0';
	return out;
}

/* A key or fold being made, grown as it goes. */
struct textbuf {
	char	*s;
	size_t	 len, size;
};

static void
tb_add(struct textbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->size) {
		b->size = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->size, 1);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/*
 * Adds the letters and digits of s to b, with one space between words;
 * with plain, the letters without marks spelt plain.
 */
static void
fold_words(struct textbuf *b, const char *s, int plain)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 c;
	utf8proc_ssize_t	 n;
	const char		*spelt;
	int			 space = 0, started = 0;

	for (; *p != '\0'; p += n) {
		if ((n = utf8proc_iterate(p, -1, &c)) < 1)
			break;
		if (cp_dropped(c))
			continue;
		if (!cp_alnum(c)) {
			space = started;
			continue;
		}
		if (space)
			tb_add(b, " ", 1);
		space = 0;
		started = 1;
		if (plain && (spelt = plain_letter(c)) != NULL)
			tb_add(b, spelt, strlen(spelt));
		else
			tb_add(b, p, (size_t)n);
	}
}

/*
 * The search form of s: case, accents and compatibility forms folded
 * ("Ｚｏë" is "zoe", "ﬁ" is "fi", ß is "ss", ς is σ, İ is i), letters
 * without a mark to strip spelt plain, invisible characters and
 * apostrophes dropped, and words of letters and digits with one space
 * between them ("Lindström-Öberg, Åsa" is "lindstrom oberg asa"). Invalid
 * UTF-8 is left out, so the fold is always valid text of letters, digits
 * and spaces. The caller frees the result.
 */
char *
text_fold(const char *s)
{
	struct textbuf	 b = { NULL, 0, 0 };
	char		*valid = utf8_scrub(s), *mapped;

	mapped = text_map(valid, UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE |
	    UTF8PROC_LUMP, NULL);
	free(valid);
	tb_add(&b, "", 0);
	fold_words(&b, mapped, 1);
	free(mapped);
	return b.s;
}

/*
 * The fold of one character (len bytes at ch) as text_fold() folds it
 * inside a word: its letters ("Ö" is "o", "ß" is "ss"), "" when it is
 * left out (an apostrophe, a mark), or " " when it ends a word. The door
 * page folds what is typed offline with a table of these (door-sync.c),
 * so that it folds as the server does. The caller frees the result.
 */
char *
text_fold_char(const char *ch, size_t len)
{
	char	*in, *f, *out;
	size_t	 n;

	/* Between two letters, as in a word: "a-a" is "a a", "a'a" "aa". */
	in = xmalloc(len + 3);
	in[0] = 'a';
	memcpy(in + 1, ch, len);
	in[len + 1] = 'a';
	in[len + 2] = '\0';
	f = text_fold(in);
	free(in);
	n = strlen(f);
	if (n < 2 || f[0] != 'a' || f[n - 1] != 'a')
		out = xstrdup(" ");	/* cannot be: invalid UTF-8 */
	else
		out = xstrndup(f + 1, n - 2);
	free(f);
	return out;
}

/*
 * The words of a search: the fold of query split at its spaces, at most
 * max of them, in words (pointers into *buf, which the caller frees).
 * Returns how many, or -1 when there are more than max.
 */
int
text_fold_words(const char *query, char **buf, char **words, int max)
{
	char	*p;
	int	 n = 0;

	*buf = text_fold(query);
	for (p = *buf; *p != '\0';) {
		if (n == max)
			return -1;
		words[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/*
 * Whether every word of words (a search's words, one space between them)
 * starts a word of key (a search key: words of letters and digits, one
 * space between them), as a search finds people: the key begins with
 * the word, or has it after a space.
 */
int
text_key_has_words(const char *key, size_t klen, const char *words,
    size_t wlen)
{
	const char	*w = words, *wend = words + wlen, *end = key + klen;

	while (w < wend) {
		const char	*sp = memchr(w, ' ', (size_t)(wend - w));
		size_t		 n = (size_t)((sp ? sp : wend) - w);
		const char	*k = key;
		int		 found = 0;

		while (!found && k != NULL && (size_t)(end - k) >= n) {
			found = memcmp(k, w, n) == 0;
			if ((k = memchr(k, ' ', (size_t)(end - k))) != NULL)
				k++;
		}
		if (!found)
			return 0;
		w += n + 1;
	}
	return 1;
}

/*
 * Where Swedish puts a letter that the plain Latin alphabet lacks: å, ä
 * and ö after z (as '{', '|' and '}', the bytes after 'z'), æ and ę with
 * ä, ø, ő, œ and ô with ö, ü and ű with y. Other marked letters go with
 * their plain ones. 0: not one of these.
 */
static int
swedish_letter(utf8proc_int32_t c)
{
	switch (c) {
	case 0x00e5:			/* å */
		return '{';
	case 0x00e4: case 0x00e6: case 0x0119:	/* ä æ ę */
		return '|';
	case 0x00f6: case 0x00f8: case 0x0151: case 0x0153: case 0x00f4:
		return '}';		/* ö ø ő œ ô */
	case 0x00fc: case 0x0171:	/* ü ű */
		return 'y';
	default:
		return 0;
	}
}

/* The first level of the sort key of one folded text, added to b. */
static void
sort_primary(struct textbuf *b, const char *folded)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)folded;
	utf8proc_int32_t	 c, parts[8];
	utf8proc_ssize_t	 n, np;
	utf8proc_uint8_t	 enc[4];
	const char		*spelt;
	int			 boundclass, space = 0, started = 0;
	char			 swedish;

	for (; *p != '\0'; p += n) {
		if ((n = utf8proc_iterate(p, -1, &c)) < 1)
			break;
		if (cp_dropped(c))
			continue;
		if (!cp_alnum(c)) {
			space = started;
			continue;
		}
		if (space)
			tb_add(b, " ", 1);
		space = 0;
		started = 1;
		if ((swedish = (char)swedish_letter(c)) != 0) {
			tb_add(b, &swedish, 1);
			continue;
		}
		/* The letter without its marks: é is e, ł (no mark) is l. */
		boundclass = UTF8PROC_BOUNDCLASS_START;
		np = utf8proc_decompose_char(c, parts, 8, UTF8PROC_DECOMPOSE |
		    UTF8PROC_STRIPMARK, &boundclass);
		if (np < 1 || np > 8) {
			parts[0] = c;
			np = 1;
		}
		for (utf8proc_ssize_t i = 0; i < np; i++) {
			if ((spelt = plain_letter(parts[i])) != NULL)
				tb_add(b, spelt, strlen(spelt));
			else
				tb_add(b, enc, (size_t)utf8proc_encode_char(
				    parts[i], enc));
		}
	}
}

/*
 * A key that orders texts as Swedish does when compared byte by byte
 * (SQLite's BINARY): the texts compared by their letters first, case and
 * accents aside (å, ä, ö after z, ü as y, é as e, ł as l), then by the
 * accents, part after part: for a person the family name, then the given
 * name. Parts and levels are separated by \x01, which sorts before every
 * letter, so "Ek" comes before "Eka". Digits come before letters, Latin
 * before other scripts. The caller frees the result.
 */
char *
text_sort_key(const char *const *parts, size_t nparts)
{
	struct textbuf	  b = { NULL, 0, 0 };
	char		**folded = xcalloc(nparts, sizeof *folded);

	for (size_t i = 0; i < nparts; i++) {
		char	*valid = utf8_scrub(parts[i] != NULL ? parts[i] : "");

		folded[i] = text_map(valid, UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP, NULL);
		free(valid);
	}
	tb_add(&b, "", 0);
	for (size_t i = 0; i < nparts; i++) {
		if (i > 0)
			tb_add(&b, "\x01", 1);
		sort_primary(&b, folded[i]);
	}
	for (size_t i = 0; i < nparts; i++) {
		tb_add(&b, "\x01", 1);
		fold_words(&b, folded[i], 0);
		free(folded[i]);
	}
	free(folded);
	return b.s;
}
