/* test-token.c: manage tokens and pass codes. */
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
	tcase_add_test(tc, invitation_code_shape);
	suite_add_tcase(s, tc);
	return s;
}
