/*
 * test-jsonw.c: JSON written as text (jsonw.c) is the text json_dumps()
 * writes with JSON_COMPACT for the same values: escapes, every control
 * character, text in other scripts, the ends of the integers, nesting
 * and the commas between values; text that is not UTF-8 becomes null.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void
same_as_jansson(struct jsonw *w, json_t *v)
{
	char	*mine = jsonw_take(w);
	char	*theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	ck_assert_ptr_nonnull(theirs);
	ck_assert_str_eq(mine, theirs);
	free(mine);
	free(theirs);
	json_decref(v);
}

START_TEST(jsonw_strings_as_jansson)
{
	static const char	*texts[] = {
		"", "plain", "Åsa Lindström-Öberg", "Γιώργος", "Ёжик Иван",
		"Nguyễn Thị Ngọc Ánh", "مُحَمَّد", "a\"b", "back\\slash",
		"/slash", "tab\there", "line\nbreak\r\n", "\b\f", "\x01\x1f",
		"\x7f", "emoji \xf0\x9f\x98\x80", "\xe2\x80\xa8 U+2028",
		"ends with a quote\"", "\"", "\\",
	};
	struct jsonw		 w;
	char			*mine;

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		jsonw_init(&w);
		jsonw_str(&w, texts[i]);
		same_as_jansson(&w, json_string(texts[i]));
	}
	/* Every control character alone. */
	for (int c = 1; c < 0x20; c++) {
		char	s[2] = { (char)c, '\0' };

		jsonw_init(&w);
		jsonw_str(&w, s);
		same_as_jansson(&w, json_string(s));
	}
	jsonw_init(&w);
	jsonw_open(&w, '[');
	jsonw_str(&w, "bad \xff byte");
	jsonw_str(&w, NULL);
	jsonw_close(&w, ']');
	mine = jsonw_take(&w);
	ck_assert_str_eq(mine, "[null,null]");
	free(mine);
}
END_TEST

START_TEST(jsonw_values_and_nesting_as_jansson)
{
	static const int64_t	 ints[] = { 0, 1, -1, 9, 10, 1234567890,
		-987654321, INT64_MAX, INT64_MIN };
	struct jsonw		 w;
	json_t			*v = json_object(), *items = json_array();

	jsonw_init(&w);
	jsonw_open(&w, '{');
	jsonw_key(&w, "items");
	jsonw_open(&w, '[');
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		jsonw_int(&w, ints[i]);
		json_array_append_new(items, json_integer(ints[i]));
	}
	jsonw_open(&w, '{');
	jsonw_close(&w, '}');
	json_array_append_new(items, json_object());
	jsonw_open(&w, '[');
	jsonw_close(&w, ']');
	json_array_append_new(items, json_array());
	jsonw_open(&w, '{');
	jsonw_key(&w, "a_key");
	jsonw_bool(&w, 1);
	jsonw_key(&w, "b");
	jsonw_bool(&w, 0);
	jsonw_key(&w, "c");
	jsonw_null(&w);
	jsonw_close(&w, '}');
	json_array_append_new(items, json_pack("{s:b, s:b, s:n}", "a_key", 1,
	    "b", 0, "c"));
	jsonw_close(&w, ']');
	json_object_set_new(v, "items", items);
	jsonw_key(&w, "total");
	jsonw_int(&w, 42);
	json_object_set_new(v, "total", json_integer(42));
	jsonw_close(&w, '}');
	same_as_jansson(&w, v);
}
END_TEST

START_TEST(jsonw_grows)
{
	struct jsonw	 w;
	json_t		*v = json_array();
	char		 big[10000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	jsonw_init(&w);
	jsonw_open(&w, '[');
	for (int i = 0; i < 5; i++) {
		jsonw_str(&w, big);
		json_array_append_new(v, json_string(big));
	}
	jsonw_close(&w, ']');
	same_as_jansson(&w, v);
	jsonw_init(&w);
	jsonw_free(&w);
}
END_TEST

Suite *
suite_jsonw(void)
{
	Suite	*s = suite_create("jsonw");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, jsonw_strings_as_jansson);
	tcase_add_test(tc, jsonw_values_and_nesting_as_jansson);
	tcase_add_test(tc, jsonw_grows);
	suite_add_tcase(s, tc);
	return s;
}
