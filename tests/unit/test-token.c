/* test-token.c: manage tokens and pass codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

START_TEST(manage_tokens_are_distinct_base32)
{
	char	a[TOKEN_MANAGE_LEN + 1], b[TOKEN_MANAGE_LEN + 1];

	token_manage(7, a);
	token_manage(7, b);
	ck_assert_uint_eq(strlen(a), TOKEN_MANAGE_LEN);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strspn(a, "abcdefghijklmnopqrstuvwxyz234567"),
	    TOKEN_MANAGE_LEN);
	/* The id leads, the random part follows. */
	ck_assert(strncmp(a, "aaaaah", TOKEN_ID_CHARS) == 0);
	ck_assert(strncmp(a + TOKEN_ID_CHARS, b + TOKEN_ID_CHARS,
	    TOKEN_MANAGE_RANDOM) != 0);
}
END_TEST

START_TEST(pass_code_shape)
{
	char	*code = token_pass_code("TT", 33);

	ck_assert_uint_eq(strlen(code), 3 + PASS_BODY_CHARS + 1);
	ck_assert(strncmp(code, "TT-AAAABB", 9) == 0);
	ck_assert_uint_eq(strspn(code + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
	    PASS_BODY_CHARS + 1);
	ck_assert(token_pass_code_valid(code));
	free(code);
}
END_TEST

/* Every single-character change of a code fails its check character. */
START_TEST(pass_code_detects_any_single_change)
{
	static const char	 alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char			*code = token_pass_code("TT", 1234);
	size_t			 len = strlen(code);

	for (size_t i = 3; i < len; i++) {
		char	saved = code[i];

		for (const char *c = alphabet; *c != '\0'; c++) {
			if (*c == saved)
				continue;
			code[i] = *c;
			ck_assert_msg(!token_pass_code_valid(code),
			    "change at %zu to %c passed", i, *c);
		}
		code[i] = saved;
	}
	ck_assert(token_pass_code_valid(code));
	free(code);
}
END_TEST

START_TEST(pass_codes_differ)
{
	char	*a = token_pass_code("TT", 5), *b = token_pass_code("TT", 5);

	ck_assert_str_ne(a, b);
	free(a);
	free(b);
}
END_TEST

/* A code typed as printed, in lower case, with 0/O and 1/I confused. */
START_TEST(pass_code_typed_forms_are_the_code)
{
	char	*code = token_pass_code("TT", 1234), *typed, *got;
	size_t	 len = strlen(code);
	char	 spaced[128], *p = spaced;

	/* Groups of three, as the pass and the confirmation page show it. */
	p += sprintf(p, "TT - ");
	for (size_t i = 3; i < len; i++) {
		*p++ = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
		    code[i] - 'A' + 'a' : code[i]);
		if ((i - 3) % 3 == 2 && i + 1 < len)
			*p++ = (i % 2) ? ' ' : '-';
	}
	*p = '\0';
	got = token_pass_code_normalise(spaced);
	ck_assert_str_eq(got, code);
	ck_assert(token_pass_code_valid(got));
	free(got);

	/* No-break spaces and typographic dashes copied from a page. */
	xasprintf(&typed, "TT\xe2\x80\x93%.9s\xc2\xa0%s", code + 3, code + 12);
	got = token_pass_code_normalise(typed);
	ck_assert_str_eq(got, code);
	free(got);
	free(typed);

	/* Every O and I of the body typed as 0 and 1. */
	typed = xstrdup(code);
	for (size_t i = 3; i < len; i++)
		if (typed[i] == 'O')
			typed[i] = '0';
		else if (typed[i] == 'I')
			typed[i] = '1';
	got = token_pass_code_normalise(typed);
	ck_assert_str_eq(got, code);
	free(got);
	free(typed);

	/* A prefix of digits keeps them: 0 and 1 are read only in the body. */
	free(code);
	code = token_pass_code("T01", 77);
	got = token_pass_code_normalise(code);
	ck_assert_str_eq(got, code);
	free(got);
	free(code);
}
END_TEST

/*
 * After the forgiving reading, the check character still rejects every
 * other single change, and 0 or 1 only ever stand for O or I.
 */
START_TEST(pass_code_typed_forms_still_reject_changes)
{
	static const char	 alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567018";
	char			*code = token_pass_code("TT", 99), *got;
	size_t			 len = strlen(code);

	for (size_t i = 3; i < len; i++) {
		char	saved = code[i];

		for (const char *c = alphabet; *c != '\0'; c++) {
			int	same = *c == saved ||
			    (*c == '0' && saved == 'O') ||
			    (*c == '1' && saved == 'I');

			code[i] = *c;
			got = token_pass_code_normalise(code);
			ck_assert_msg(token_pass_code_valid(got) == same,
			    "change at %zu to %c: %s", i, *c, got);
			free(got);
		}
		code[i] = saved;
	}
	free(code);
}
END_TEST

/* What cannot be a code stays nobody's, and nothing is read past it. */
START_TEST(pass_code_normalise_hostile)
{
	static const char	*bad[] = { "", " ", "-", "---", "TT-", "TT",
	    "' OR 1=1 --", "\xe2\x80", "\xe2", "\xc2", "TT-\xc3\xa5\xc3\xa5",
	    "tt-aaaaaaaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAAAAAAAAA" };
	char			*got;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		got = token_pass_code_normalise(bad[i]);
		ck_assert_msg(!token_pass_code_valid(got), "%s", bad[i]);
		free(got);
	}
	got = token_pass_code_normalise("  - -");
	ck_assert_str_eq(got, "");
	free(got);
	/* Letters of two bytes where a code's body would be: not cut in two. */
	got = token_pass_code_normalise("TT-\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5"
	    "\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5\xc3\xa5"
	    "\xc3\xa5\xc3\xa5");
	ck_assert(utf8_valid(got, strlen(got)));
	ck_assert_ptr_null(strchr(got, '-'));
	free(got);
}
END_TEST

/* An invitation code is its shape exactly: nothing longer, shorter or else. */
START_TEST(invitation_code_shape)
{
	static const char	*bad[] = { "", "abcdefghijklmnopqrstuvw",
	    "abcdefghijklmnopqrstuvwxy", "ABCDEFGHIJKLMNOPQRSTUVWX",
	    "abcdefghijklmnopqrstuvw1", "abcdefghijklmnopqrstuvw\t",
	    "abcdefghijklmnopqrstuv\xc3\xa5", "' OR 1=1 --aaaaaaaaaaaaaa" };
	char			 code[INVITATION_CODE_CHARS + 1];

	token_random(code, INVITATION_CODE_CHARS);
	ck_assert(token_invitation_valid(code, strlen(code)));
	ck_assert(token_invitation_valid("abcdefghijklmnopqrstuvwx", 24));
	/* A NUL inside: the length says what the client sent. */
	ck_assert(!token_invitation_valid("abcdefghijkl\0nopqrstuvwx", 24));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!token_invitation_valid(bad[i], strlen(bad[i])),
		    "%s", bad[i]);
}
END_TEST

Suite *
suite_token(void)
{
	Suite	*s = suite_create("token");
	TCase	*tc = tcase_create("tokens");

	tcase_add_test(tc, manage_tokens_are_distinct_base32);
	tcase_add_test(tc, pass_code_shape);
	tcase_add_test(tc, pass_code_detects_any_single_change);
	tcase_add_test(tc, pass_codes_differ);
	tcase_add_test(tc, pass_code_typed_forms_are_the_code);
	tcase_add_test(tc, pass_code_typed_forms_still_reject_changes);
	tcase_add_test(tc, pass_code_normalise_hostile);
	tcase_add_test(tc, invitation_code_shape);
	suite_add_tcase(s, tc);
	return s;
}
