/* test-reg-input.c: parsing a registration body into fields and errors. */
#include <string.h>

#include "unit.h"

static const char good[] =
    "{\"ticket_type\": 1, \"privacy_accepted\": true,"
    " \"contact\": {\"first_name\": \" Åsa \", \"last_name\": \"Lindström-Öberg\","
    "  \"email\": \"asa@example.se\", \"company\": \"Pressverk AB\"},"
    " \"attendees\": [{\"first_name\": \"Åsa\", \"last_name\": \"Lindström-Öberg\","
    "  \"email\": \"asa@example.se\", \"listed\": true},"
    "  {\"first_name\": \"Björn\", \"last_name\": \"Håkansdotter\","
    "  \"email\": \"bjorn@example.se\", \"dietary\": \"vegan\"}]}";

static struct reg_input *
parse(const char *text, json_t **fields)
{
	json_t			*body = json_loads(text, 0, NULL);
	struct reg_input	*in;

	ck_assert_ptr_nonnull(body);
	in = reg_input_parse(body, fields);
	json_decref(body);
	return in;
}

static void
assert_field(const char *text, const char *field)
{
	json_t	*fields = NULL;

	ck_assert_ptr_null(parse(text, &fields));
	ck_assert_msg(json_object_get(fields, field) != NULL,
	    "no error for %s", field);
	json_decref(fields);
}

START_TEST(parses_a_good_body)
{
	json_t			*fields = NULL;
	struct reg_input	*in = parse(good, &fields);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_null(fields);
	ck_assert_int_eq(in->ticket_type, 1);
	ck_assert_str_eq(in->contact.first_name, "Åsa");	/* trimmed */
	ck_assert_uint_eq(in->nattendees, 2);
	ck_assert_int_eq(in->attendees[0].listed, 1);
	ck_assert_int_eq(in->attendees[1].listed, 0);
	ck_assert_str_eq(in->attendees[1].dietary, "vegan");
	ck_assert_str_eq(in->attendees[1].company, "");
	reg_input_free(in);
}
END_TEST

START_TEST(reports_each_field)
{
	assert_field("{}", "ticket_type");
	assert_field("{}", "privacy_accepted");
	assert_field("{}", "contact");
	assert_field("{}", "attendees");
	assert_field("{\"attendees\": []}", "attendees");
	assert_field("{\"contact\": {\"first_name\": \"\"}}",
	    "contact.first_name");
	assert_field("{\"contact\": {\"email\": \"nope\"}}", "contact.email");
	assert_field("{\"contact\": {\"phone\": \"call me\"}}",
	    "contact.phone");
	assert_field("{\"attendees\": [{\"first_name\": 7}]}",
	    "attendees.0.first_name");
	assert_field("{\"attendees\": [{\"listed\": \"yes\"}]}",
	    "attendees.0.listed");
	assert_field("{\"attendees\": [1]}", "attendees.0");
	assert_field("{\"ticket_type\": \"1\"}", "ticket_type");
	assert_field("{\"privacy_accepted\": \"true\"}", "privacy_accepted");
}
END_TEST

START_TEST(rejects_eleven_attendees)
{
	char	body[4096] = "{\"attendees\": [";

	for (int i = 0; i < 11; i++)
		strcat(body, i ? ", {}" : "{}");
	strcat(body, "]}");
	assert_field(body, "attendees");
}
END_TEST

START_TEST(rejects_duplicate_addresses)
{
	assert_field("{\"attendees\": [{\"email\": \"a@b.se\"},"
	    " {\"email\": \"A@B.SE\"}]}", "attendees.1.email");
}
END_TEST

Suite *
suite_reg_input(void)
{
	Suite	*s = suite_create("reg-input");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, parses_a_good_body);
	tcase_add_test(tc, reports_each_field);
	tcase_add_test(tc, rejects_eleven_attendees);
	tcase_add_test(tc, rejects_duplicate_addresses);
	suite_add_tcase(s, tc);
	return s;
}
