/* test-reg-input.c: parsing a registration body into fields and errors. */
#include <stdio.h>
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
	/* As http_body_json() reads a body: NULs in strings reach us. */
	json_t			*body = json_loads(text, JSON_ALLOW_NUL, NULL);
	struct reg_input	*in;

	ck_assert_ptr_nonnull(body);
	in = reg_input_parse(body, 0, fields);
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

/* A body whose one attendee has key set to the JSON text value. */
static void
attendee_body(char *body, size_t size, const char *key, const char *value)
{
	snprintf(body, size, "{\"ticket_type\": 1, \"privacy_accepted\": true,"
	    " \"contact\": {\"first_name\": \"Åsa\", \"last_name\": \"Öberg\","
	    " \"email\": \"asa@example.se\"}, \"attendees\": [{"
	    "\"first_name\": \"Åsa\", \"last_name\": \"Öberg\","
	    " \"email\": \"asa@example.se\", \"%s\": \"%s\"}]}", key, value);
}

static void
assert_attendee_refused(const char *key, const char *value)
{
	char	body[1024], path[64];

	attendee_body(body, sizeof body, key, value);
	snprintf(path, sizeof path, "attendees.0.%s", key);
	assert_field(body, path);
}

START_TEST(refuses_invisible_and_bidi_text)
{
	const char	*keys[] = { "first_name", "last_name", "company",
	    "job_title", "dietary" };
	const char	*values[] = { "\\u200b", "\\u200c\\u200d", "\\u2060",
	    "\\ufeff", "\\u00a0", "\\u3000", "\\u00ad", "\\u180e", "\\u3164",
	    "\\u115f\\u1160", "\\u0301", "Åsa\\u202eÖberg", "Åsa\\u2067",
	    "\\u200fÅsa", "Öberg\\u061c", "Åsa\\u0000" };

	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
			assert_attendee_refused(keys[k], values[v]);
}
END_TEST

START_TEST(stores_text_in_nfc)
{
	char			 body[1024];
	json_t			*fields = NULL, *json;
	struct reg_input	*in;

	/* "Åsa" and "Pressverk Skåne" typed with U+030A COMBINING RING. */
	attendee_body(body, sizeof body, "company",
	    "Pressverk Ska\\u030ane");
	json = json_loads(body, 0, NULL);
	json_object_set_new(json_object_get(json, "contact"), "first_name",
	    json_string("A\u030asa"));
	in = reg_input_parse(json, 0, &fields);
	json_decref(json);
	ck_assert_ptr_nonnull(in);
	ck_assert_str_eq(in->contact.first_name, "\u00c5sa");
	ck_assert_str_eq(in->attendees[0].company, "Pressverk Sk\u00e5ne");
	reg_input_free(in);
}
END_TEST

START_TEST(rejects_duplicate_addresses)
{
	assert_field("{\"attendees\": [{\"email\": \"a@b.se\"},"
	    " {\"email\": \"A@B.SE\"}]}", "attendees.1.email");
	assert_field("{\"attendees\": [{\"email\": \"x@BÜCHER.de\"},"
	    " {\"email\": \"x@bu\\u0308cher.de\"}]}", "attendees.1.email");
	assert_field("{\"attendees\": [{\"email\": \"a\\u030asa@b.se\"},"
	    " {\"email\": \"åsa@B.SE\"}]}", "attendees.1.email");
}
END_TEST

START_TEST(keeps_the_address_as_typed)
{
	json_t			*fields = NULL;
	struct reg_input	*in;

	/* The contact's address, typed with capitals and a decomposed Ü. */
	in = parse("{\"ticket_type\": 1, \"privacy_accepted\": true,"
	    " \"contact\": {\"first_name\": \"Åsa\", \"last_name\": \"Öberg\","
	    " \"email\": \"Asa@BU\\u0308CHER.de\"}, \"attendees\": [{"
	    "\"first_name\": \"Åsa\", \"last_name\": \"Öberg\","
	    " \"email\": \"asa@bücher.de\"}]}", &fields);
	ck_assert_ptr_nonnull(in);
	ck_assert_str_eq(in->contact.email, "Asa@B\u00dcCHER.de");
	ck_assert_str_eq(in->contact.email_norm, "asa@b\u00fccher.de");
	ck_assert_str_eq(in->attendees[0].email_norm, in->contact.email_norm);
	reg_input_free(in);
}
END_TEST

/* The code an organiser's body gets for field, or NULL when it passes. */
static const char *
code_of(const char *text, const char *field)
{
	static char		 code[32];
	json_t			*body = json_loads(text, JSON_ALLOW_NUL, NULL);
	json_t			*fields = NULL;
	struct reg_input	*in;

	ck_assert_ptr_nonnull(body);
	in = reg_input_parse(body, REG_CODES, &fields);
	json_decref(body);
	reg_input_free(in);
	if (json_string_value(json_object_get(fields, field)) == NULL) {
		json_decref(fields);
		return NULL;
	}
	snprintf(code, sizeof code, "%s",
	    json_string_value(json_object_get(fields, field)));
	json_decref(fields);
	return code;
}

START_TEST(names_errors_by_code_for_organisers)
{
	char	 body[1024], name[200];
	json_t	*fields = NULL;

	ck_assert_str_eq(code_of("{}", "ticket_type"), "required");
	ck_assert_str_eq(code_of("{\"ticket_type\": \"1\"}", "ticket_type"),
	    "invalid");
	ck_assert_str_eq(code_of("{}", "privacy_accepted"), "required");
	ck_assert_str_eq(code_of("{}", "attendees"), "required");
	attendee_body(body, sizeof body, "first_name", "   ");
	ck_assert_str_eq(code_of(body, "attendees.0.first_name"), "required");
	memset(name, 'x', 101);
	name[101] = '\0';
	attendee_body(body, sizeof body, "last_name", name);
	ck_assert_str_eq(code_of(body, "attendees.0.last_name"), "too_long");
	attendee_body(body, sizeof body, "email", "not an address");
	ck_assert_str_eq(code_of(body, "attendees.0.email"), "invalid");
	attendee_body(body, sizeof body, "company", "Press\\u0007verk");
	ck_assert_str_eq(code_of(body, "attendees.0.company"), "invalid");
	ck_assert_str_eq(code_of("{\"attendees\": [{\"email\": \"a@b.se\"},"
	    " {\"email\": \"A@B.SE\"}]}", "attendees.1.email"), "taken");
	ck_assert_ptr_null(code_of(good, "attendees.0.email"));
	/* The public API keeps its sentences. */
	ck_assert_ptr_null(parse(body, &fields));
	ck_assert_str_eq(json_string_value(json_object_get(fields,
	    "attendees.0.company")), "must not contain control characters");
	json_decref(fields);
}
END_TEST

/* The code reg_person_patch() gives field, or NULL (accepted: *p set). */
static const char *
patch_code(const char *text, int contact, unsigned allowed,
    const char *field, struct reg_person *p)
{
	static char	 code[32];
	json_t		*body = json_loads(text, JSON_ALLOW_NUL, NULL);
	json_t		*fields = NULL;
	const char	*rc = NULL;

	ck_assert_ptr_nonnull(body);
	if (reg_person_patch(body, contact, allowed, p, &fields) != 0 &&
	    json_string_value(json_object_get(fields, field)) != NULL) {
		snprintf(code, sizeof code, "%s",
		    json_string_value(json_object_get(fields, field)));
		rc = code;
	}
	json_decref(fields);
	json_decref(body);
	return rc;
}

START_TEST(checks_a_change_as_a_registration)
{
	const unsigned		 self = REG_PATCH_NAMES | REG_PATCH_COMPANY |
	    REG_PATCH_JOB | REG_PATCH_DIETARY;
	struct reg_person	 p;

	/* Only what is given, cleaned as at registration. */
	ck_assert_ptr_null(patch_code("{\"version\": 3, \"last_name\":"
	    " \"  Lindstro\\u0308m \"}", 0, self, "last_name", &p));
	ck_assert_str_eq(p.last_name, "Lindstr\xc3\xb6m");
	ck_assert_ptr_null(p.first_name);
	ck_assert_ptr_null(p.email);
	ck_assert_int_eq(p.listed, -1);
	reg_person_free(&p);
	/* A company may be emptied; a name may not. */
	ck_assert_ptr_null(patch_code("{\"company\": \"\"}", 0, self,
	    "company", &p));
	ck_assert_str_eq(p.company, "");
	reg_person_free(&p);
	ck_assert_str_eq(patch_code("{\"first_name\": \"\"}", 0, self,
	    "first_name", &p), "required");
	ck_assert_str_eq(patch_code("{\"first_name\": null}", 0, self,
	    "first_name", &p), "required");
	ck_assert_str_eq(patch_code("{\"first_name\": 7}", 0, self,
	    "first_name", &p), "invalid");
	ck_assert_str_eq(patch_code("{\"dietary\": \"a\\u0000b\"}", 0,
	    self, "dietary", &p), "invalid");
	/* What the attendee may not touch, and what does not exist. */
	ck_assert_str_eq(patch_code("{\"email\": \"a@b.se\"}", 0, self,
	    "email", &p), "read_only");
	ck_assert_str_eq(patch_code("{\"listed\": true}", 0, self, "listed",
	    &p), "read_only");
	ck_assert_str_eq(patch_code("{\"status\": \"confirmed\"}", 0, 0x7f,
	    "status", &p), "unknown_field");
	ck_assert_str_eq(patch_code("{\"job_title\": \"x\"}", 1, 0x7f,
	    "job_title", &p), "unknown_field");
	/* The organiser's: the address normalised, the consent a boolean. */
	ck_assert_ptr_null(patch_code("{\"email\": \"Asa@Example.SE\","
	    " \"listed\": false}", 0, 0x7f, "email", &p));
	ck_assert_str_eq(p.email_norm, "asa@example.se");
	ck_assert_int_eq(p.listed, 0);
	reg_person_free(&p);
	ck_assert_str_eq(patch_code("{\"listed\": 1}", 0, 0x7f, "listed",
	    &p), "invalid");
	ck_assert_str_eq(patch_code("{\"phone\": \"call me\"}", 1, 0x7f,
	    "phone", &p), "invalid");
}
END_TEST

/* One person alone (a ticket handed on): bare field names, codes. */
START_TEST(parses_one_person_with_codes)
{
	json_t			*body = json_loads("{\"first_name\": \" Zoë \","
	    " \"last_name\": \"\", \"email\": \"zoe@\", \"dietary\": 5}", 0,
	    NULL), *fields = NULL;
	struct reg_person	 p;

	ck_assert_int_eq(reg_person_parse(body, &p, &fields), -1);
	ck_assert_str_eq(p.first_name, "Zoë");
	ck_assert_str_eq(json_string_value(json_object_get(fields,
	    "last_name")), "required");
	ck_assert_str_eq(json_string_value(json_object_get(fields, "email")),
	    "invalid");
	ck_assert_str_eq(json_string_value(json_object_get(fields,
	    "dietary")), "invalid");
	ck_assert_ptr_null(json_object_get(fields, "first_name"));
	reg_person_free(&p);
	json_decref(body);
	json_decref(fields);

	body = json_loads("{\"first_name\": \"Zoë\", \"last_name\":"
	    " \"Ødegård\", \"email\": \"Zoe@Example.se\"}", 0, NULL);
	ck_assert_int_eq(reg_person_parse(body, &p, &fields), 0);
	ck_assert_ptr_null(fields);
	ck_assert_str_eq(p.email_norm, "zoe@example.se");
	ck_assert_str_eq(p.company, "");
	reg_person_free(&p);
	json_decref(body);
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
	tcase_add_test(tc, refuses_invisible_and_bidi_text);
	tcase_add_test(tc, stores_text_in_nfc);
	tcase_add_test(tc, keeps_the_address_as_typed);
	tcase_add_test(tc, names_errors_by_code_for_organisers);
	tcase_add_test(tc, checks_a_change_as_a_registration);
	tcase_add_test(tc, parses_one_person_with_codes);
	suite_add_tcase(s, tc);
	return s;
}
