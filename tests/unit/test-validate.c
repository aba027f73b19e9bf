/*
 * test-validate.c: UTF-8, names, email addresses, phone numbers, lengths,
 * the clean form of typed text (NFC, no bidi controls, not invisible). The
 * search fold is tested in test-fold.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

START_TEST(utf8_accepts_valid)
{
	const char	*ok[] = { "", "plain", "Åsa Lindström-Öberg",
	    "Zoë Ødegård-Łukasiewicz", "Ömer Çelik", "Γιώργος", "李小龍",
	    "\xf0\x9f\x98\x80" };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		ck_assert_msg(utf8_valid(ok[i], strlen(ok[i])), "%s", ok[i]);
}
END_TEST

START_TEST(utf8_rejects_invalid)
{
	const char	*bad[] = {
		"\xc3",			/* truncated */
		"\xc0\xaf",		/* overlong '/' */
		"\xe0\x80\xaf",		/* overlong */
		"\xed\xa0\x80",		/* surrogate U+D800 */
		"\xf4\x90\x80\x80",	/* above U+10FFFF */
		"\xff",
		"a\x80z",		/* lone continuation */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!utf8_valid(bad[i], strlen(bad[i])), "case %zu",
		    i);
}
END_TEST

START_TEST(utf8_counts_code_points)
{
	ck_assert_uint_eq(utf8_count("Åsa"), 3);
	ck_assert_uint_eq(utf8_count("李小龍"), 3);
	ck_assert_uint_eq(utf8_count(""), 0);
}
END_TEST

START_TEST(names)
{
	char	long_name[202];

	ck_assert_ptr_null(validate_name("Åsa"));
	ck_assert_str_eq(validate_name(""), "required");
	ck_assert_ptr_nonnull(validate_name("Tab\there"));
	ck_assert_ptr_nonnull(validate_name("C1\xc2\x85" "control"));
	/* 100 two-byte characters are fine, 101 are not. */
	for (int i = 0; i < 100; i++)
		memcpy(long_name + 2 * i, "\xc3\xa5", 2);
	long_name[200] = '\0';
	ck_assert_ptr_null(validate_name(long_name));
	memcpy(long_name + 200, "a", 2);
	ck_assert_ptr_nonnull(validate_name(long_name));
}
END_TEST

/* Real names in the scripts people register in. */
static const char *const world_names[] = {
	"Åsa Lindström-Öberg", "Björn Håkansdotter", "Zoë Ødegård-Łukasiewicz",
	"Ömer Çelik", "Işıl Ağaoğlu", "Grzegorz Brzęczyszczykiewicz",
	"Γιώργος Παπαδόπουλος", "Дмитрий Шостакович", "محمد عبد الله",
	"李小龍", "山田 太郎", "김민준", "Nguyễn Thị Minh Khai", "O'Brien",
	"María-José Núñez", "ज्योति", "Guðrún Þórðardóttir",
};

START_TEST(accepts_names_in_every_script)
{
	for (size_t i = 0; i < sizeof world_names / sizeof world_names[0];
	    i++) {
		char		*out;
		const char	*msg = text_clean(world_names[i],
		    strlen(world_names[i]), &out);

		ck_assert_msg(msg == NULL, "%s: %s", world_names[i], msg);
		ck_assert_str_eq(out, world_names[i]);
		ck_assert_msg(validate_name(out) == NULL, "%s", out);
		ck_assert_msg(validate_optional(out, 150) == NULL, "%s", out);
		free(out);
	}
}
END_TEST

START_TEST(refuses_invisible_only_names)
{
	const char	*invisible[] = {
		"\u200b",		/* ZERO WIDTH SPACE */
		"\u200c\u200d",		/* ZERO WIDTH NON-JOINER, JOINER */
		"\u2060",		/* WORD JOINER */
		"\ufeff",		/* BOM */
		"\u00a0",		/* NO-BREAK SPACE */
		"\u2003\u3000\u202f",	/* EM, IDEOGRAPHIC, NARROW NBSP */
		"\u00ad",		/* SOFT HYPHEN */
		"\u180e",		/* MONGOLIAN VOWEL SEPARATOR */
		"\u3164",		/* HANGUL FILLER */
		"\u115f\u1160",		/* HANGUL CHOSEONG/JUNGSEONG FILLER */
		"\uffa0",		/* HALFWIDTH HANGUL FILLER */
		"\u0301\u0308",		/* combining marks alone */
		" \u200b\u00a0 ",	/* mixed, with ASCII spaces */
	};

	for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++) {
		char	*out;

		ck_assert_msg(validate_name(invisible[i]) != NULL, "case %zu",
		    i);
		ck_assert_msg(validate_optional(invisible[i], 150) != NULL,
		    "case %zu", i);
		ck_assert_msg(text_clean(invisible[i], strlen(invisible[i]),
		    &out) != NULL, "case %zu", i);
		ck_assert_str_eq(out, "");
		free(out);
	}
	/* Beside visible letters they are text like any other. */
	ck_assert_ptr_null(validate_name("Anna\u00a0Maria"));
	ck_assert_ptr_null(validate_name("\u0645\u06cc\u200c\u0634\u0648\u062f"));
}
END_TEST

START_TEST(refuses_bidi_controls)
{
	const char	*bidi[] = {
		"\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
		"\u2066", "\u2067", "\u2068", "\u2069",
		"\u200e", "\u200f", "\u061c",
	};
	char		 text[64];

	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
		char	*out;

		/* Anywhere in the text: "Åsa <RLO>grebÖ". */
		snprintf(text, sizeof text, "Åsa %sgrebÖ", bidi[i]);
		ck_assert_msg(validate_name(text) != NULL, "case %zu", i);
		ck_assert_msg(validate_optional(text, 150) != NULL, "case %zu",
		    i);
		ck_assert_msg(text_clean(text, strlen(text), &out) != NULL,
		    "case %zu", i);
		free(out);
	}
}
END_TEST

START_TEST(refuses_line_breaks_and_nul)
{
	static const char	 nul[] = "Åsa\0Öberg";
	char			*out;

	ck_assert_ptr_nonnull(validate_name("Åsa\u2028Öberg"));
	ck_assert_ptr_nonnull(validate_name("Åsa\u2029Öberg"));
	ck_assert_ptr_nonnull(text_clean(nul, sizeof nul - 1, &out));
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_ptr_nonnull(text_clean("\xc3", 1, &out));
	free(out);
}
END_TEST

START_TEST(clean_text_is_nfc_and_trimmed)
{
	/* "Åsa" with U+030A COMBINING RING ABOVE, and precomposed. */
	const char	*decomposed = " A\u030asa Lindstro\u0308m ";
	char		*a, *b;

	ck_assert_ptr_null(text_clean(decomposed, strlen(decomposed), &a));
	ck_assert_ptr_null(text_clean("Åsa Lindström", strlen("Åsa Lindström"),
	    &b));
	ck_assert_str_eq(a, "\u00c5sa Lindstr\u00f6m");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* Already NFC: unchanged, whatever the script. */
	ck_assert_ptr_null(text_clean("Nguyễn", strlen("Nguyễn"), &a));
	ck_assert_str_eq(a, "Nguy\u1ec5n");
	free(a);
	/* Hangul from its jamo, and the Angstrom sign as the letter. */
	ck_assert_ptr_null(text_clean("\u1100\u1161", 6, &a));
	ck_assert_str_eq(a, "\uac00");
	free(a);
	ck_assert_ptr_null(text_clean("\u212b", 3, &a));
	ck_assert_str_eq(a, "\u00c5");
	free(a);
	/* A length limit counts characters after NFC. */
	ck_assert_uint_eq(utf8_count("A\u030a"), 2);
	ck_assert_ptr_null(text_clean("A\u030a", 3, &a));
	ck_assert_uint_eq(utf8_count(a), 1);
	free(a);
}
END_TEST

START_TEST(emails)
{
	const char	*ok[] = { "a@b.se", "asa.lindstrom@pressverk.example",
	    "first+tag@sub.example.com", "åsa@exempel.se", "x@bücher.de",
	    "θ@παράδειγμα.δοκιμή", "иван@пример.рф", "用户@例子.广告",
	    "a@xn--bcher-kva.de" };
	const char	*bad[] = { "", "plain", "@example.se", "a@", "a@b",
	    "a b@c.se", "a@b..se", "a@.b.se", "a@b.se.", "a@@b.se",
	    "a@b@c.se", ".a@b.se", "a.@b.se", "a..b@c.se", "a@-b.se",
	    "a@b-.se", "a@b_c.se", "<a>@b.se",
	    "asa\u200b@pressverk.se",		/* ZERO WIDTH SPACE */
	    "asa\u00ad@pressverk.se",		/* SOFT HYPHEN */
	    "asa@press\u00a0verk.se",		/* NO-BREAK SPACE */
	    "asa@\u202epressverk.se",		/* RIGHT-TO-LEFT OVERRIDE */
	    "asa@pressverk\u3002se",		/* IDEOGRAPHIC FULL STOP */
	    "asa@pressverk\uff0ese",		/* FULLWIDTH FULL STOP */
	    "asa@pressverk\u2024se",		/* ONE DOT LEADER */
	    "asa@\ufeffpressverk.se",		/* BOM */
	    "\u3164@pressverk.se" };		/* HANGUL FILLER */
	char		 addr[300];

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		ck_assert_msg(validate_email(ok[i]) == NULL, "%s", ok[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(validate_email(bad[i]) != NULL, "%s", bad[i]);
	/* 64 + 1 + 189 = 254 bytes: the longest address allowed. */
	memset(addr, 'a', 64);
	addr[64] = '@';
	memset(addr + 65, 'b', 63);
	addr[128] = '.';
	memset(addr + 129, 'c', 63);
	addr[192] = '.';
	memset(addr + 193, 'd', 58);
	memcpy(addr + 251, ".se", 4);
	ck_assert_uint_eq(strlen(addr), 254);
	ck_assert_ptr_null(validate_email(addr));
	memcpy(addr + 251, "d.se", 5);
	ck_assert_ptr_nonnull(validate_email(addr));
	/* A local part over 64 bytes. */
	memset(addr, 'a', 65);
	memcpy(addr + 65, "@example.se", 12);
	ck_assert_ptr_nonnull(validate_email(addr));
}
END_TEST

START_TEST(phones)
{
	ck_assert_ptr_null(validate_phone(""));
	ck_assert_ptr_null(validate_phone("+46 (0)70-123 45 67"));
	ck_assert_ptr_nonnull(validate_phone("070-CALL-ME"));
	ck_assert_ptr_nonnull(validate_phone("12"));
}
END_TEST

START_TEST(optional_lengths)
{
	char	text[502];

	memset(text, 'x', 500);
	text[500] = '\0';
	ck_assert_ptr_null(validate_optional(text, 500));
	text[500] = 'x';
	text[501] = '\0';
	ck_assert_ptr_nonnull(validate_optional(text, 500));
}
END_TEST

START_TEST(trim_and_normalise)
{
	char	*t = text_trim("  Åsa \t\n");
	char	*n = email_normalise("Asa.Lindstrom@Example.SE");

	ck_assert_str_eq(t, "Åsa");
	ck_assert_str_eq(n, "asa.lindstrom@example.se");
	free(t);
	free(n);
}
END_TEST

/* Two addresses are one for the uniqueness check. */
static void
assert_same_address(const char *a, const char *b)
{
	char	*na = email_normalise(a), *nb = email_normalise(b);

	ck_assert_msg(strcmp(na, nb) == 0, "%s (%s) and %s (%s)", a, na, b,
	    nb);
	free(na);
	free(nb);
}

static void
assert_other_address(const char *a, const char *b)
{
	char	*na = email_normalise(a), *nb = email_normalise(b);

	ck_assert_msg(strcmp(na, nb) != 0, "%s and %s", a, b);
	free(na);
	free(nb);
}

START_TEST(email_case_folding)
{
	char	*n;

	assert_same_address("asa@PRESSVERK.SE", "asa@pressverk.se");
	assert_same_address("ASA@Pressverk.Se", "asa@pressverk.se");
	assert_same_address("x@BÜCHER.de", "x@bücher.de");
	assert_same_address("x@BU\u0308CHER.DE", "x@bücher.de");
	assert_same_address("x@ΠΑΡΆΔΕΙΓΜΑ.ΔΟΚΙΜΉ", "x@παράδειγμα.δοκιμή");
	assert_same_address("x@ПРИМЕР.РФ", "x@пример.рф");
	assert_same_address("x@ŁÓDŹ.PL", "x@łódź.pl");
	/* The Kelvin sign is K in NFC. */
	assert_same_address("x@\u212aarlskrona.se", "x@karlskrona.se");
	/* NFC in the local part, whichever way "å" was typed. */
	assert_same_address("a\u030asa@exempel.se", "åsa@exempel.se");
	/* ASCII I is i, never dotless ı, whatever the locale. */
	assert_same_address("x@IZMIR.example", "x@izmir.example");
	assert_other_address("x@IZMIR.example", "x@\u0131zm\u0131r.example");
	/* IDNA2008 keeps ß: straße.de and strasse.de are two domains. */
	assert_other_address("x@straße.de", "x@strasse.de");
	assert_same_address("x@STRAẞE.DE", "x@straße.de");
	/* Beyond ASCII the local part is the receiving server's to read. */
	assert_other_address("Åsa@exempel.se", "åsa@exempel.se");
	n = email_normalise("Åsa.Lindström@PRESSVERK.SE");
	ck_assert_str_eq(n, "Åsa.lindström@pressverk.se");
	free(n);
	n = email_normalise("NO-AT-SIGN");
	ck_assert_str_eq(n, "no-at-sign");
	free(n);
}
END_TEST

Suite *
suite_validate(void)
{
	Suite	*s = suite_create("validate");
	TCase	*tc = tcase_create("text");

	tcase_add_test(tc, utf8_accepts_valid);
	tcase_add_test(tc, utf8_rejects_invalid);
	tcase_add_test(tc, utf8_counts_code_points);
	tcase_add_test(tc, names);
	tcase_add_test(tc, accepts_names_in_every_script);
	tcase_add_test(tc, refuses_invisible_only_names);
	tcase_add_test(tc, refuses_bidi_controls);
	tcase_add_test(tc, refuses_line_breaks_and_nul);
	tcase_add_test(tc, clean_text_is_nfc_and_trimmed);
	tcase_add_test(tc, emails);
	tcase_add_test(tc, phones);
	tcase_add_test(tc, optional_lengths);
	tcase_add_test(tc, trim_and_normalise);
	tcase_add_test(tc, email_case_folding);
	suite_add_tcase(s, tc);
	return s;
}
