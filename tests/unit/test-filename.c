/*
 * test-filename.c: the names downloads are saved under (filename.c) and
 * the Swedish order of names (text_sort_key(), db/fold.c).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void
stem_is(const char *name, int ascii, const char *want)
{
	char	*got = filename_stem(name, ascii);

	ck_assert_msg(strcmp(got, want) == 0, "%s -> %s, not %s", name, got,
	    want);
	free(got);
}

START_TEST(ascii_names_fold_swedish_letters)
{
	stem_is("pass Åsa Lindström-Öberg", 1, "pass-Asa-Lindstrom-Oberg");
	stem_is("pass Åsa Lindström-Öberg", 0, "pass-Åsa-Lindström-Öberg");
	stem_is("Zoë Ødegård-Łukasiewicz", 1, "Zoe-Odegard-Lukasiewicz");
	stem_is("Straße Æbelø", 1, "Strasse-AEbelo");
}
END_TEST

START_TEST(hostile_names_become_dashes)
{
	stem_is("a\"b\r\nc/d\\e", 1, "a-b-c-d-e");
	stem_is("../../etc/passwd", 0, "etc-passwd");
	stem_is("x\xe2\x80\xaey", 0, "x-y");		/* U+202E */
	stem_is("a\xff\xfe" "b", 0, "a-b");		/* not UTF-8 */
	stem_is("---", 1, "download");
	stem_is("", 0, "download");
	stem_is("علي", 1, "download");
	stem_is("علي", 0, "علي");
}
END_TEST

START_TEST(long_names_are_cut_whole)
{
	char	 name[400], *got;

	memset(name, 0, sizeof name);
	for (size_t i = 0; i + 2 < sizeof name; i += 2)
		memcpy(name + i, "\xc3\xa5", 2);	/* å */
	got = filename_stem(name, 0);
	ck_assert_uint_le(strlen(got), 120);
	ck_assert(utf8_valid(got, strlen(got)));
	free(got);
}
END_TEST

/* The order of two names by the one Swedish sort key (db/fold.c). */
static int
sv(const char *a, const char *b)
{
	char	*ka = text_sort_key(&a, 1), *kb = text_sort_key(&b, 1);
	int	 c = strcmp(ka, kb);

	free(ka);
	free(kb);
	return c;
}

START_TEST(swedish_order)
{
	static const char *const order[] = { "Adam", "ek", "Eriksson", "Über",
		"Zetterlund", "Åberg", "Ärlig", "Æsop", "Ødegård", "Öst" };
	size_t	n = sizeof order / sizeof order[0];

	for (size_t i = 0; i + 1 < n; i++) {
		ck_assert_msg(sv(order[i], order[i + 1]) < 0, "%s < %s",
		    order[i], order[i + 1]);
		ck_assert_msg(sv(order[i + 1], order[i]) > 0, "%s > %s",
		    order[i + 1], order[i]);
	}
	/* Case and accents count only between names otherwise equal. */
	ck_assert_int_lt(sv("eriksson", "Erikssonn"), 0);
	ck_assert_int_lt(sv("Émile", "Emilf"), 0);
	ck_assert_int_ne(sv("Emile", "Émile"), 0);
	ck_assert_int_eq(sv("Åsa", "Åsa"), 0);
	/* Marks between letters are passed over. */
	ck_assert_int_lt(sv("Lindström-Berg", "Lindströmc"), 0);
	ck_assert_int_lt(sv("", "a"), 0);
	ck_assert_int_lt(sv("a\xff", "b"), 0);	/* not UTF-8: still an order */
}
END_TEST

Suite *
suite_filename(void)
{
	Suite	*s = suite_create("filename");
	TCase	*tc = tcase_create("names");

	tcase_add_test(tc, ascii_names_fold_swedish_letters);
	tcase_add_test(tc, hostile_names_become_dashes);
	tcase_add_test(tc, long_names_are_cut_whole);
	tcase_add_test(tc, swedish_order);
	suite_add_tcase(s, tc);
	return s;
}
