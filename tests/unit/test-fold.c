/*
 * test-fold.c: the search fold and the Swedish sort key (fold.c), with
 * names in the scripts and languages people register with: Swedish,
 * Norwegian and Danish, German, Polish, Turkish, Greek, Cyrillic,
 * Vietnamese, Arabic, Chinese and Korean; and empty, overlong and invalid
 * UTF-8 input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define WORDS_MAX	8

static void
assert_fold(const char *in, const char *want)
{
	char	*f = text_fold(in);

	ck_assert_msg(strcmp(f, want) == 0, "fold(\"%s\") is \"%s\", not \"%s\"",
	    in, f, want);
	free(f);
}

START_TEST(fold_in_every_script)
{
	static const char	*cases[][2] = {
		/* Swedish, typed composed or decomposed. */
		{ "Åsa Lindström-Öberg", "asa lindstrom oberg" },
		{ "A\u030asa Lindstro\u0308m-O\u0308berg", "asa lindstrom oberg" },
		{ "Björn Håkansdotter", "bjorn hakansdotter" },
		{ "ÅSA ÄNGSTRÖM", "asa angstrom" },
		/* Norwegian and Danish: ø and æ have no mark to strip. */
		{ "Zoë Ødegård-Łukasiewicz", "zoe odegard lukasiewicz" },
		{ "ZOË ØDEGÅRD-ŁUKASIEWICZ", "zoe odegard lukasiewicz" },
		{ "Søren Kierkegaard", "soren kierkegaard" },
		{ "Ærø Œuvre Þór Guðrún", "aero oeuvre thor gudrun" },
		/* German: ß and ẞ are ss. */
		{ "Jürgen Müller-Straße", "jurgen muller strasse" },
		{ "STRAẞE", "strasse" },
		/* Polish. */
		{ "Łucja Wiśniewska-Żółć", "lucja wisniewska zolc" },
		/* Turkish: dotted İ and dotless ı are both i. */
		{ "İsmail Işık Çelik Şahin Ğ", "ismail isik celik sahin g" },
		{ "ISPARTA ıspart", "isparta ispart" },
		/* Greek: accents go, the final sigma is a sigma. */
		{ "Γιώργος Παπαδόπουλος", "γιωργοσ παπαδοπουλοσ" },
		{ "ΟΔΥΣΣΕΑΣ Ελένη", "οδυσσεασ ελενη" },
		/* Cyrillic: ё is е, й is и; the Ukrainian apostrophe goes. */
		{ "ИВАН ЁЖИК Йоргов", "иван ежик иоргов" },
		{ "Пʼятниця Сергій", "пятниця сергіи" },
		/* Vietnamese: tones and the horn go, đ is d. */
		{ "Nguyễn Thị Ngọc Ánh", "nguyen thi ngoc anh" },
		{ "Đặng Phương Trương Thơ", "dang phuong truong tho" },
		/* Arabic: the vowel marks and the tatweel go; letters typed
		 * one for the other are one. */
		{ "مُحَمَّد", "محمد" },
		{ "أحمد إبراهيم", "احمد ابراهيم" },
		{ "فاطمة مصطفى", "فاطمه مصطفي" },
		{ "عبـــدالله", "عبدالله" },
		/* Scripts without case are kept. */
		{ "李小龍", "李小龍" },
		{ "김민준", "김민준" },
		/* Compatibility forms and ligatures. */
		{ "Ｚｏë ﬁne", "zoe fine" },
		/* Apostrophes are dropped, other punctuation ends a word. */
		{ "O\u2019Brien\u00a0Smith", "obrien smith" },
		{ "d'Artagnan", "dartagnan" },
		{ "  Lindström,  Åsa  ", "lindstrom asa" },
		{ "Asa.Lindstrom+konf@Pressverk.SE", "asa lindstrom konf pressverk se" },
		/* Invisible characters are nothing. */
		{ "Å\u200bsa", "asa" },
		/* SQL's wildcards are no letters. */
		{ "100%_sure", "100 sure" },
		{ "%", "" },
		{ "_", "" },
		{ "' OR 1=1 --", "or 1 1" },
		{ "plain", "plain" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_fold(cases[i][0], cases[i][1]);
}
END_TEST

START_TEST(fold_drops_invalid_utf8)
{
	assert_fold("a\xff" "b", "ab");
	assert_fold("\xc3", "");
	assert_fold("\xc0\xaf" "x", "x");		/* overlong '/' */
	assert_fold("\xed\xa0\x80" "z", "z");		/* surrogate */
	assert_fold("\xf4\x90\x80\x80" "q", "q");	/* above U+10FFFF */
	assert_fold("Åsa\xff Lind\x80", "asa lind");
	assert_fold("\xe2\x82", "");			/* cut short */
}
END_TEST

START_TEST(fold_overlong_input)
{
	size_t	 n = 100000;
	char	*in = xmalloc(n * 3 + 1), *f;

	/* 100,000 "Å-": every letter plain, every dash one space. */
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 3, "\xc3\x85-", 3);
	in[n * 3] = '\0';
	f = text_fold(in);
	ck_assert_uint_eq(strlen(f), n * 2 - 1);
	for (size_t i = 0; i < n * 2 - 1; i++)
		ck_assert_int_eq(f[i], i % 2 == 0 ? 'a' : ' ');
	free(f);
	free(in);
}
END_TEST

/* Every word of query starts a word of text, both folded. */
static int
finds(const char *query, const char *text)
{
	char	*qbuf, *words[WORDS_MAX], *key, *spaced;
	int	 n, found = 1;

	n = text_fold_words(query, &qbuf, words, WORDS_MAX);
	key = text_fold(text);
	xasprintf(&spaced, " %s", key);
	for (int i = 0; i < n; i++) {
		char	*w;

		xasprintf(&w, " %s", words[i]);
		if (strstr(spaced, w) == NULL)
			found = 0;
		free(w);
	}
	free(qbuf);
	/* The lists' check in C (tt_has_words) says the same. */
	qbuf = text_fold(query);
	if (n > 0)
		ck_assert_int_eq(text_key_has_words(key, strlen(key), qbuf,
		    strlen(qbuf)), found);
	free(qbuf);
	free(key);
	free(spaced);
	return n > 0 && found;
}

START_TEST(key_has_words_edges)
{
	static const char	key[] = "asa lindstrom oberg pressverk ab";
	static const struct {
		const char	*words;
		int		 found;
	} cases[] = {
		{ "asa", 1 }, { "a", 1 }, { "ab", 1 }, { "oberg", 1 },
		{ "lind oberg", 1 }, { "oberg asa ab", 1 }, { "pressverk", 1 },
		{ "sa", 0 }, { "abc", 0 }, { "obergs", 0 }, { "strom", 0 },
		{ "asa lindstromx", 0 }, { "asa lindstrom oberg pressverk ab x", 0 },
		{ "g", 0 }, { "b", 0 }, { "", 1 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(text_key_has_words(key, strlen(key),
		    cases[i].words, strlen(cases[i].words)) == cases[i].found,
		    "\"%s\" in \"%s\"", cases[i].words, key);
	ck_assert_int_eq(text_key_has_words("", 0, "a", 1), 0);
	ck_assert_int_eq(text_key_has_words("ab", 1, "ab", 2), 0);
}
END_TEST

START_TEST(fold_finds_people)
{
	/* What door staff and organisers type, and whom it must find. */
	static const char	*yes[][2] = {
		{ "lindstrom", "Åsa Lindström-Öberg" },
		{ "Lindström Åsa", "Åsa Lindström-Öberg" },
		{ "Asa Lind", "Åsa Lindström-Öberg" },
		{ "oberg", "Åsa Lindström-Öberg" },
		{ "ÅSA", "Åsa Lindström-Öberg" },
		{ "zoe", "Zoë Ødegård-Łukasiewicz" },
		{ "lukasiewicz", "Zoë Ødegård-Łukasiewicz" },
		{ "odegard zoe", "Zoë Ødegård-Łukasiewicz" },
		{ "Bjorn", "Björn Håkansdotter" },
		{ "HAKANSDOTTER", "Björn Håkansdotter" },
		{ "wisniewska", "Łucja Wiśniewska-Żółć" },
		{ "isik", "İsmail Işık" },
		{ "IŞIK", "İsmail Işık" },
		{ "γιωργος", "Γιώργος Παπαδόπουλος" },
		{ "ΠΑΠΑΔΟΠΟΥΛΟΣ", "Γιώργος Παπαδόπουλος" },
		{ "ежик", "Ёжик Иван" },
		{ "nguyen anh", "Nguyễn Thị Ngọc Ánh" },
		{ "dang", "Đặng Phương" },
		{ "احمد", "أحمد إبراهيم" },
		{ "محمد", "مُحَمَّد" },
		{ "pressverk", "asa@pressverk.se" },
		{ "obrien", "O’Brien" },
		{ "O'Brien", "O’Brien" },
	};
	static const char	*no[][2] = {
		{ "lindberg", "Åsa Lindström-Öberg" },
		{ "asa lindberg", "Åsa Lindström-Öberg" },
		{ "strom", "Åsa Lindström-Öberg" },	/* words start */
		{ "%", "Åsa Lindström-Öberg" },
		{ "_", "Åsa Lindström-Öberg" },
		{ "", "Åsa Lindström-Öberg" },
		{ "mueller", "Jürgen Müller" },	/* ü is u, not ue */
	};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_msg(finds(yes[i][0], yes[i][1]), "\"%s\" finds \"%s\"",
		    yes[i][0], yes[i][1]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ck_assert_msg(!finds(no[i][0], no[i][1]), "\"%s\" misses \"%s\"",
		    no[i][0], no[i][1]);
}
END_TEST

START_TEST(fold_words_counted)
{
	char	*buf, *words[WORDS_MAX];

	ck_assert_int_eq(text_fold_words("Åsa  Lindström-Öberg", &buf, words,
	    WORDS_MAX), 3);
	ck_assert_str_eq(words[0], "asa");
	ck_assert_str_eq(words[1], "lindstrom");
	ck_assert_str_eq(words[2], "oberg");
	free(buf);
	ck_assert_int_eq(text_fold_words(" %% ", &buf, words, WORDS_MAX), 0);
	free(buf);
	ck_assert_int_eq(text_fold_words("a b c d e f g h", &buf, words,
	    WORDS_MAX), 8);
	free(buf);
	ck_assert_int_eq(text_fold_words("a b c d e f g h i", &buf, words,
	    WORDS_MAX), -1);
	free(buf);
}
END_TEST

static int
by_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One character folded alone as within a word: the door page's table. */
START_TEST(fold_one_character)
{
	static const struct {
		const char	*ch, *fold;
	} cases[] = {
		{ "\xc3\x96", "o" },		/* Ö */
		{ "\xc3\xa5", "a" },		/* å */
		{ "\xc3\x98", "o" },		/* Ø */
		{ "\xc5\x81", "l" },		/* Ł */
		{ "\xc3\x9f", "ss" },		/* ß */
		{ "\xc3\xb0", "d" },		/* ð */
		{ "\xef\xbc\xba", "z" },	/* Ｚ */
		{ "\xce\x8e", "\xcf\x85" },	/* Ύ: υ */
		{ "A", "a" },
		{ "7", "7" },
		{ "-", " " },
		{ " ", " " },
		{ ",", " " },
		{ "'", "" },			/* O'Brien is obrien */
		{ "\xcc\x88", "" },		/* a combining diaeresis */
		{ "\xd9\x80", "" },		/* tatweel */
	};
	char	*f;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = text_fold_char(cases[i].ch, strlen(cases[i].ch));
		ck_assert_msg(strcmp(f, cases[i].fold) == 0, "%s: \"%s\"",
		    cases[i].ch, f);
		free(f);
	}
	/* Folding each character of a name alone is folding the name. */
	{
		const char	*name = "Lindstr\xc3\xb6m-\xc3\x96" "berg, \xc3\x85" "sa";
		char		 out[64] = "";
		char		*whole = text_fold(name);

		for (const char *p = name; *p != '\0'; ) {
			size_t	n = (unsigned char)*p < 0x80 ? 1 : 2;

			f = text_fold_char(p, n);
			strcat(out, f);
			free(f);
			p += n;
		}
		ck_assert_str_eq(out, "lindstrom oberg  asa");
		ck_assert_str_eq(whole, "lindstrom oberg asa");
		free(whole);
	}
}
END_TEST

START_TEST(sort_key_is_swedish)
{
	/* Family name, given name: in the order a Swedish list has them. */
	static const char	*people[][2] = {
		{ "3M", "" },
		{ "Andersson", "Anna" },
		{ "Ek", "Eva" },
		{ "ek", "éva" },
		{ "Eka", "Bo" },
		{ "Ekström", "Carl" },
		{ "Eriksson", "Élise" },
		{ "Lindqvist", "Per" },
		{ "Lindström", "Åsa" },
		{ "Lindström-Öberg", "Åsa" },
		{ "Łukasiewicz", "Zoë" },
		{ "Mueller", "Jan" },
		{ "Myhr", "Kari" },
		{ "Müller", "Jürgen" },
		{ "Nowak", "Łucja" },
		{ "Zander", "Zoë" },
		{ "Åberg", "Olof" },
		{ "ÅBERG", "Sven" },
		{ "Ängström", "Karin" },
		{ "Ärlig", "Nils" },
		{ "Ærø", "Ægir" },
		{ "Öberg", "Lena" },
		{ "Ødegård", "Zoë" },
		{ "Østergaard", "Søren" },
		{ "Γεωργίου", "Ελένη" },
		{ "Иванов", "Иван" },
		{ "مصطفى", "أحمد" },
	};
	size_t		 n = sizeof people / sizeof people[0];
	char		**keys = xcalloc(n, sizeof *keys);
	char		**sorted = xcalloc(n, sizeof *sorted);

	for (size_t i = 0; i < n; i++)
		sorted[i] = keys[i] = text_sort_key(people[i], 2);
	qsort(sorted, n, sizeof *sorted, by_key);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(sorted[i] == keys[i], "%s %s is not at %zu",
		    people[i][1], people[i][0], i);
	/* Case alone makes no difference; accents only break ties. */
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	free(sorted);
}
END_TEST

START_TEST(sort_key_ties_and_bad_input)
{
	const char	*a[] = { "ÅBERG", "OLOF" }, *b[] = { "åberg", "olof" };
	const char	*c[] = { "Ek\xff", "Eva" }, *d[] = { "Ek", "Eva" };
	const char	*e[] = { "", "" }, *nul[] = { NULL, "x" };
	char		*ka = text_sort_key(a, 2), *kb = text_sort_key(b, 2);
	char		*kc = text_sort_key(c, 2), *kd = text_sort_key(d, 2);
	char		*ke = text_sort_key(e, 2), *kn = text_sort_key(nul, 2);

	ck_assert_str_eq(ka, kb);
	ck_assert_str_eq(kc, kd);
	ck_assert_str_eq(ke, "\x01\x01\x01");
	ck_assert_str_eq(kn, "\x01x\x01\x01x");
	ck_assert(utf8_valid(kc, strlen(kc)));
	free(ka);
	free(kb);
	free(kc);
	free(kd);
	free(ke);
	free(kn);
}
END_TEST

Suite *
suite_fold(void)
{
	Suite	*s = suite_create("fold");
	TCase	*tc = tcase_create("fold");

	tcase_add_test(tc, fold_in_every_script);
	tcase_add_test(tc, fold_drops_invalid_utf8);
	tcase_add_test(tc, fold_overlong_input);
	tcase_add_test(tc, fold_finds_people);
	tcase_add_test(tc, fold_words_counted);
	tcase_add_test(tc, fold_one_character);
	tcase_add_test(tc, key_has_words_edges);
	tcase_add_test(tc, sort_key_is_swedish);
	tcase_add_test(tc, sort_key_ties_and_bad_input);
	suite_add_tcase(s, tc);
	return s;
}
