/*
 * reg-input.c: turns the JSON body of a registration into a reg_input,
 * collecting one message per invalid field ("contact.email",
 * "attendees.2.first_name", ...): a sentence for the public API, or with
 * REG_CODES a code ("required", "too_long", "invalid", "taken") for the
 * organiser API, whose pages word it. Every text field goes through
 * text_clean() here, once: checked, trimmed and in NFC; the store trusts
 * what it is given. An invitation code is checked for its shape only.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

#define COMPANY_MAX_CHARS	150
#define JOB_TITLE_MAX_CHARS	150
#define DIETARY_MAX_CHARS	500

enum field_kind { F_NAME, F_EMAIL, F_PHONE, F_COMPANY, F_JOB, F_DIETARY };

struct field_spec {
	const char	*key;
	enum field_kind	 kind;
	int		 required;
	size_t		 max;		/* characters; bytes for an email */
	size_t		 offset;
};

#define P(m) offsetof(struct reg_person, m)
static const struct field_spec contact_fields[] = {
	{ "first_name", F_NAME, 1, NAME_MAX_CHARS, P(first_name) },
	{ "last_name", F_NAME, 1, NAME_MAX_CHARS, P(last_name) },
	{ "email", F_EMAIL, 1, EMAIL_MAX_BYTES, P(email) },
	{ "company", F_COMPANY, 0, COMPANY_MAX_CHARS, P(company) },
	{ "phone", F_PHONE, 0, PHONE_MAX_CHARS, P(phone) },
};
static const struct field_spec attendee_fields[] = {
	{ "first_name", F_NAME, 1, NAME_MAX_CHARS, P(first_name) },
	{ "last_name", F_NAME, 1, NAME_MAX_CHARS, P(last_name) },
	{ "email", F_EMAIL, 1, EMAIL_MAX_BYTES, P(email) },
	{ "company", F_COMPANY, 0, COMPANY_MAX_CHARS, P(company) },
	{ "job_title", F_JOB, 0, JOB_TITLE_MAX_CHARS, P(job_title) },
	{ "dietary", F_DIETARY, 0, DIETARY_MAX_CHARS, P(dietary) },
};
#undef P

/* The per-field errors of one body, as codes or as sentences. */
struct errors {
	json_t	*fields;
	int	 codes;
};

static void
field_error(struct errors *e, const char *path, const char *code,
    const char *msg)
{
	if (json_object_get(e->fields, path) == NULL)
		json_object_set_new(e->fields, path,
		    json_string(e->codes ? code : msg));
}

/* The code for a cleaned value its check refused. */
static const char *
value_code(const struct field_spec *spec, const char *v)
{
	size_t	len = spec->kind == F_EMAIL ? strlen(v) : utf8_count(v);

	if (*v == '\0')
		return "required";
	return len > spec->max ? "too_long" : "invalid";
}

static const char *
field_check(enum field_kind kind, const char *v)
{
	switch (kind) {
	case F_NAME:
		return validate_name(v);
	case F_EMAIL:
		return validate_email(v);
	case F_PHONE:
		if (validate_optional(v, PHONE_MAX_CHARS) != NULL)
			return validate_optional(v, PHONE_MAX_CHARS);
		return validate_phone(v);
	case F_COMPANY:
		return validate_optional(v, COMPANY_MAX_CHARS);
	case F_JOB:
		return validate_optional(v, JOB_TITLE_MAX_CHARS);
	case F_DIETARY:
		return validate_optional(v, DIETARY_MAX_CHARS);
	}
	return "unknown field";
}

static void
person_parse(json_t *obj, const struct field_spec *spec, size_t nspec,
    const char *prefix, struct reg_person *p, struct errors *e)
{
	char	path[64];

	for (size_t i = 0; i < nspec; i++) {
		json_t		*v = json_object_get(obj, spec[i].key);
		char		**dst = (char **)((char *)p + spec[i].offset);
		const char	*msg;

		snprintf(path, sizeof path, "%s%s%s", prefix,
		    *prefix != '\0' ? "." : "", spec[i].key);
		if (v == NULL || json_is_null(v)) {
			*dst = xstrdup("");
			if (spec[i].required)
				field_error(e, path, "required", "required");
			continue;
		}
		if (!json_is_string(v)) {
			*dst = xstrdup("");
			field_error(e, path, "invalid", "must be text");
			continue;
		}
		msg = text_clean(json_string_value(v), json_string_length(v),
		    dst);
		if (msg != NULL) {
			field_error(e, path, "invalid", msg);
			continue;
		}
		if ((spec[i].required || **dst != '\0') &&
		    (msg = field_check(spec[i].kind, *dst)) != NULL)
			field_error(e, path, value_code(&spec[i], *dst), msg);
	}
	if (p->email != NULL)
		p->email_norm = email_normalise(p->email);
}

/* Optional "sessions": ids of sessions that need a sign-up, no repeats. */
static void
sessions_parse(json_t *list, const char *prefix, struct reg_person *p,
    struct errors *e)
{
	char	 path[64];
	size_t	 i;
	json_t	*v;

	snprintf(path, sizeof path, "%s.sessions", prefix);
	if (list == NULL || json_is_null(list))
		return;
	if (!json_is_array(list) || json_array_size(list) > REG_MAX_SESSIONS) {
		field_error(e, path, "invalid",
		    "a list of at most 8 session ids");
		return;
	}
	json_array_foreach(list, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0) {
			field_error(e, path, "invalid", "a list of session ids");
			return;
		}
		for (size_t j = 0; j < p->nsessions; j++)
			if (p->sessions[j] == json_integer_value(v)) {
				field_error(e, path, "invalid",
				    "a session is listed twice");
				return;
			}
		p->sessions[p->nsessions++] = json_integer_value(v);
	}
}

static void
attendees_parse(json_t *list, struct reg_input *in, struct errors *e)
{
	char	 prefix[32], path[64];
	size_t	 i;
	json_t	*a;

	if (!json_is_array(list) || json_array_size(list) == 0) {
		field_error(e, "attendees", "required",
		    "at least one attendee");
		return;
	}
	if (json_array_size(list) > REG_MAX_ATTENDEES) {
		field_error(e, "attendees", "out_of_range",
		    "at most 10 attendees");
		return;
	}
	json_array_foreach(list, i, a) {
		struct reg_person	*p = &in->attendees[i];
		json_t			*listed;

		snprintf(prefix, sizeof prefix, "attendees.%zu", i);
		in->nattendees = i + 1;
		if (!json_is_object(a)) {
			field_error(e, prefix, "invalid", "must be an object");
			continue;
		}
		person_parse(a, attendee_fields, sizeof attendee_fields /
		    sizeof attendee_fields[0], prefix, p, e);
		listed = json_object_get(a, "listed");
		snprintf(path, sizeof path, "%s.listed", prefix);
		if (listed != NULL && !json_is_boolean(listed) &&
		    !json_is_null(listed))
			field_error(e, path, "invalid",
			    "must be true or false");
		p->listed = json_is_true(listed);
		sessions_parse(json_object_get(a, "sessions"), prefix, p, e);
		for (size_t j = 0; j < i; j++) {
			snprintf(path, sizeof path, "%s.email", prefix);
			if (in->attendees[j].email_norm != NULL &&
			    p->email_norm[0] != '\0' &&
			    strcmp(in->attendees[j].email_norm,
			    p->email_norm) == 0)
				field_error(e, path, "taken",
				    "same address as another attendee");
		}
	}
}

/*
 * Parse and validate. Returns the input, or NULL with *fields set to an
 * object of per-field errors (owned by the caller): codes with
 * REG_CODES, else sentences.
 */
struct reg_input *
reg_input_parse(json_t *body, int flags, json_t **fields_out)
{
	struct reg_input	*in = xcalloc(1, sizeof *in);
	struct errors		 e = { json_object(), flags & REG_CODES };
	json_t			*v;

	in->codes = e.codes;
	v = json_object_get(body, "ticket_type");
	if (v == NULL || json_is_null(v))
		field_error(&e, "ticket_type", "required",
		    "choose a ticket type");
	else if (!json_is_integer(v) || json_integer_value(v) <= 0)
		field_error(&e, "ticket_type", "invalid",
		    "choose a ticket type");
	else
		in->ticket_type = json_integer_value(v);

	/* Only the shape here: whether it opens the type is the store's. */
	v = json_object_get(body, "invitation");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || !token_invitation_valid(
		    json_string_value(v), json_string_length(v)))
			field_error(&e, "invitation", "invalid", "invalid");
		else
			memcpy(in->invitation, json_string_value(v),
			    INVITATION_CODE_CHARS + 1);
	}

	if (!json_is_true(json_object_get(body, "privacy_accepted")))
		field_error(&e, "privacy_accepted", "required",
		    "the privacy notice must be accepted");

	v = json_object_get(body, "contact");
	if (!json_is_object(v)) {
		field_error(&e, "contact", "required", "required");
		v = NULL;
	}
	person_parse(v, contact_fields, sizeof contact_fields /
	    sizeof contact_fields[0], "contact", &in->contact, &e);
	if (v == NULL) {
		json_object_del(e.fields, "contact.first_name");
		json_object_del(e.fields, "contact.last_name");
		json_object_del(e.fields, "contact.email");
	}

	attendees_parse(json_object_get(body, "attendees"), in, &e);

	if (json_object_size(e.fields) > 0) {
		reg_input_free(in);
		*fields_out = e.fields;
		return NULL;
	}
	json_decref(e.fields);
	*fields_out = NULL;
	return in;
}

static void
person_free(struct reg_person *p)
{
	free(p->first_name);
	free(p->last_name);
	free(p->email);
	free(p->email_norm);
	free(p->company);
	free(p->phone);
	free(p->job_title);
	free(p->dietary);
}

void
reg_input_free(struct reg_input *in)
{
	if (in == NULL)
		return;
	person_free(&in->contact);
	for (size_t i = 0; i < REG_MAX_ATTENDEES; i++)
		person_free(&in->attendees[i]);
	free(in);
}

/*
 * One attendee's details alone (a ticket handed on): every field as at
 * registration, errors as codes under the fields' own names. Returns 0,
 * or -1 with *fields_out (owned by the caller). reg_person_free() frees
 * what p holds.
 */
int
reg_person_parse(json_t *obj, struct reg_person *p, json_t **fields_out)
{
	struct errors	 e = { json_object(), 1 };
	json_t		*listed = json_object_get(obj, "listed");

	memset(p, 0, sizeof *p);
	person_parse(obj, attendee_fields, sizeof attendee_fields /
	    sizeof attendee_fields[0], "", p, &e);
	if (listed != NULL && !json_is_boolean(listed) && !json_is_null(listed))
		field_error(&e, "listed", "invalid", "");
	p->listed = json_is_true(listed);
	if (json_object_size(e.fields) > 0) {
		*fields_out = e.fields;
		return -1;
	}
	json_decref(e.fields);
	*fields_out = NULL;
	return 0;
}

/* Free what a person's fields hold (not the struct: the caller's). */
void
reg_person_free(struct reg_person *p)
{
	person_free(p);
	memset(p, 0, sizeof *p);
}
