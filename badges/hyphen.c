/*
 * hyphen.c: where a word may break between syllables, from the Swedish
 * hyphenation patterns of LibreOffice (Debian's hyphen-sv) read by
 * libhyphen. A name tag breaks a word only when it does not fit a line
 * even at the smallest size; then "Sjukvårds-", "informations-" reads
 * better than a break wherever the line ends. The patterns are ISO 8859-1,
 * so only words wholly in Latin-1 are hyphenated (every Swedish word and
 * most European names); others are left to pango's breaks.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <hyphen.h>
#include <utf8proc.h>

#include "config.h"
#include "badges.h"

#define HYPHEN_MIN	3	/* letters kept on each side of a break */
#define WORD_MAX	128	/* longer words are not hyphenated */
#define SHY		"\xc2\xad"	/* U+00AD SOFT HYPHEN */

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static HyphenDict	*dict;

/* Loaded once, kept for the life of the process; NULL without patterns. */
static void
load(void)
{
	dict = hnj_hyphen_load(HYPHEN_DICT);
}

/* The break points of one word of n code points in cps[]; 1: any. */
static int
word_breaks(const utf8proc_int32_t *cps, size_t n, char *hyphens)
{
	char	 latin[WORD_MAX + 1];
	char	**rep = NULL;
	int	*pos = NULL, *cut = NULL, found = 0;

	if (n < 2 * HYPHEN_MIN || n > WORD_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		utf8proc_int32_t	lc = utf8proc_tolower(cps[i]);

		if (lc > 0xff)
			return 0;
		latin[i] = (char)lc;
	}
	latin[n] = '\0';
	if (hnj_hyphen_hyphenate3(dict, latin, (int)n, hyphens, NULL, &rep,
	    &pos, &cut, HYPHEN_MIN, HYPHEN_MIN, HYPHEN_MIN, HYPHEN_MIN) != 0)
		return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		/* A break that changes the spelling is not taken. */
		if ((hyphens[i] & 1) && (rep == NULL || rep[i] == NULL))
			found = 1;
		else
			hyphens[i] = 0;
	}
	if (rep != NULL) {
		for (size_t i = 0; i < n; i++)
			free(rep[i]);
		free(rep);
	}
	free(pos);
	free(cut);
	return found;
}

/*
 * The text with a soft hyphen at every break between syllables, which
 * pango breaks at (showing a hyphen) and otherwise leaves unseen; the
 * caller frees it. Text without any is copied as it is.
 */
char *
hyphen_soft(const char *text)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)text;
	utf8proc_int32_t	 cps[WORD_MAX + 1];
	const char		*start[WORD_MAX + 1];
	char			 hyphens[WORD_MAX + 5];
	char			*out;
	size_t			 n = 0, len = strlen(text), o = 0;
	utf8proc_ssize_t	 step;

	pthread_once(&once, load);
	out = xmalloc(len * 3 + 1);	/* at most a hyphen a letter */
	if (dict == NULL) {
		memcpy(out, text, len + 1);
		return out;
	}
	for (;;) {
		utf8proc_int32_t	c = 0;
		int			letter;

		step = *p == '\0' ? 0 : utf8proc_iterate(p, -1, &c);
		letter = step > 0 && (utf8proc_category(c) <=
		    UTF8PROC_CATEGORY_LO);
		if (letter && n < WORD_MAX + 1) {
			start[n] = (const char *)p;
			cps[n++] = c;
		} else if (letter)
			n = WORD_MAX + 1;	/* too long: left whole */
		if (!letter && n > 0) {
			/* The word ends here: copy it with its breaks. */
			const char	*end = (const char *)p;
			int		 any = n <= WORD_MAX &&
			    word_breaks(cps, n, hyphens);

			for (size_t i = 0; n <= WORD_MAX && i < n; i++) {
				const char	*next = i + 1 < n ?
				    start[i + 1] : end;

				memcpy(out + o, start[i], (size_t)(next -
				    start[i]));
				o += (size_t)(next - start[i]);
				if (any && i + 1 < n && hyphens[i]) {
					memcpy(out + o, SHY, 2);
					o += 2;
				}
			}
			if (n > WORD_MAX) {
				/* start[] did not keep up: copy the run. */
				const char	*from = start[0];

				memcpy(out + o, from, (size_t)(end - from));
				o += (size_t)(end - from);
			}
			n = 0;
		}
		if (step <= 0)
			break;
		if (!letter) {
			memcpy(out + o, p, (size_t)step);
			o += (size_t)step;
		}
		p += step;
	}
	/* Whatever did not decode is left off: the text was checked before. */
	out[o] = '\0';
	return out;
}
