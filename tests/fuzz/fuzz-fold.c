/*
 * fuzz-fold.c: libFuzzer target for the search fold and the sort key
 * (db/fold.c), which every search typed at the door or in the console
 * goes through, on any bytes (a C string: up to the first NUL).
 *
 * The fold must be valid UTF-8 of letters and digits with single spaces
 * between words and none at either end, and fold again to itself; its
 * words are what text_fold_words() gives. The sort key must be valid
 * UTF-8 and the same whatever the case of the input's ASCII letters.
 */
#include <string.h>

#include "fuzz.h"
#include "techtank.h"

#define WORDS_MAX	8

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s = malloc(size + 1), *f, *again, *buf, *words[WORDS_MAX];
	char		*key, *key2, *upper;
	const char	*parts[2];
	int		 n;

	memcpy(s, data, size);
	s[size] = '\0';
	f = text_fold(s);
	CHECK(utf8_valid(f, strlen(f)));
	CHECK(f[0] != ' ');
	CHECK(*f == '\0' || f[strlen(f) - 1] != ' ');
	CHECK(strstr(f, "  ") == NULL);
	again = text_fold(f);
	CHECK(strcmp(again, f) == 0);
	n = text_fold_words(s, &buf, words, WORDS_MAX);
	if (n >= 0) {
		size_t	len = 0;

		for (int i = 0; i < n; i++) {
			CHECK(*words[i] != '\0' && strchr(words[i], ' ') == NULL);
			len += strlen(words[i]) + (i > 0);
		}
		CHECK(len == strlen(f));
	}
	parts[0] = s;
	parts[1] = f;
	key = text_sort_key(parts, 2);
	CHECK(utf8_valid(key, strlen(key)));
	/* ASCII case makes no difference to the key. */
	upper = strdup(s);
	for (char *p = upper; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	parts[0] = upper;
	key2 = text_sort_key(parts, 2);
	CHECK(strcmp(key2, key) == 0);
	free(upper);
	free(key);
	free(key2);
	free(f);
	free(again);
	free(buf);
	free(s);
	return 0;
}
