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
#include "billing-ids.h"

static void person_free(struct reg_person *);

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

static void billing_parse(json_t *, struct reg_billing *, struct errors *);
static void billing_free(struct reg_billing *);

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

/* One field of obj into p, checked; its error under path. */
static void
field_parse(json_t *obj, const struct field_spec *spec, const char *path,
    struct reg_person *p, struct errors *e)
{
	json_t		*v = json_object_get(obj, spec->key);
	char		**dst = (char **)((char *)p + spec->offset);
	const char	*msg;

	if (v == NULL || json_is_null(v)) {
		*dst = xstrdup("");
		if (spec->required)
			field_error(e, path, "required", "required");
		return;
	}
	if (!json_is_string(v)) {
		*dst = xstrdup("");
		field_error(e, path, "invalid", "must be text");
		return;
	}
	msg = text_clean(json_string_value(v), json_string_length(v), dst);
	if (msg != NULL) {
		field_error(e, path, "invalid", msg);
		return;
	}
	if ((spec->required || **dst != '\0') &&
	    (msg = field_check(spec->kind, *dst)) != NULL)
		field_error(e, path, value_code(spec, *dst), msg);
}

/* The fields of spec from obj; paths under prefix (NULL: none). */
static void
person_parse(json_t *obj, const struct field_spec *spec, size_t nspec,
    const char *prefix, struct reg_person *p, struct errors *e)
{
	char	path[64];

	for (size_t i = 0; i < nspec; i++) {
		if (prefix != NULL)
			snprintf(path, sizeof path, "%s.%s", prefix,
			    spec[i].key);
		else
			snprintf(path, sizeof path, "%s", spec[i].key);
		field_parse(obj, &spec[i], path, p, e);
	}
	if (p->email != NULL)
		p->email_norm = email_normalise(p->email);
}

/* The REG_PATCH_* bit of a field's kind. */
static unsigned
kind_bit(enum field_kind kind)
{
	switch (kind) {
	case F_NAME:
		return REG_PATCH_NAMES;
	case F_EMAIL:
		return REG_PATCH_EMAIL;
	case F_PHONE:
		return REG_PATCH_PHONE;
	case F_COMPANY:
		return REG_PATCH_COMPANY;
	case F_JOB:
		return REG_PATCH_JOB;
	case F_DIETARY:
		return REG_PATCH_DIETARY;
	}
	return 0;
}

static const struct field_spec *
spec_find(const struct field_spec *spec, size_t nspec, const char *key)
{
	for (size_t i = 0; i < nspec; i++)
		if (strcmp(spec[i].key, key) == 0)
			return &spec[i];
	return NULL;
}

/*
 * A change to one person (an attendee, or with contact set a
 * registration's contact): only the fields obj gives, each checked as at
 * registration, the others left NULL (listed -1). allowed holds the
 * REG_PATCH_* bits of what may be changed: a known field outside them is
 * "read_only", an unknown key "unknown_field"; "version" is the caller's.
 * Field errors are codes. Returns 0, or -1 with *fields_out (owned by the
 * caller).
 */
int
reg_person_patch(json_t *obj, int contact, unsigned allowed,
    struct reg_person *p, json_t **fields_out)
{
	const struct field_spec	*spec = contact ? contact_fields :
	    attendee_fields, *f;
	size_t			 nspec = contact ? sizeof contact_fields /
	    sizeof contact_fields[0] : sizeof attendee_fields /
	    sizeof attendee_fields[0];
	struct errors		 e = { json_object(), 1 };
	const char		*key;
	json_t			*v;

	memset(p, 0, sizeof *p);
	p->listed = -1;
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "version") == 0)
			continue;
		if (!contact && strcmp(key, "listed") == 0) {
			if (!(allowed & REG_PATCH_LISTED))
				field_error(&e, key, "read_only", "");
			else if (!json_is_boolean(v))
				field_error(&e, key, "invalid", "");
			else
				p->listed = json_is_true(v);
			continue;
		}
		if ((f = spec_find(spec, nspec, key)) == NULL) {
			field_error(&e, key, "unknown_field", "");
			continue;
		}
		if (!(allowed & kind_bit(f->kind))) {
			field_error(&e, key, "read_only", "");
			continue;
		}
		field_parse(obj, f, key, p, &e);
	}
	if (p->email != NULL)
		p->email_norm = email_normalise(p->email);
	if (json_object_size(e.fields) > 0) {
		person_free(p);
		memset(p, 0, sizeof *p);
		*fields_out = e.fields;
		return -1;
	}
	json_decref(e.fields);
	*fields_out = NULL;
	return 0;
}

/*
 * A new attendee of an existing registration (a colleague added): every
 * field as at registration, errors as codes under the fields' own names.
 * Returns 0, or -1 with *fields_out.
 */
int
reg_person_parse(json_t *obj, struct reg_person *p, json_t **fields_out)
{
	struct errors	 e = { json_object(), 1 };
	json_t		*listed = json_object_get(obj, "listed");

	memset(p, 0, sizeof *p);
	person_parse(obj, attendee_fields, sizeof attendee_fields /
	    sizeof attendee_fields[0], NULL, p, &e);
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

/* Optional "sessions": ids of sessions that need a sign-up, no repeats. */
static void
sessions_parse(json_t *list, const char *path, struct reg_person *p,
    struct errors *e)
{
	size_t	 i;
	json_t	*v;

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

/*
 * An attendee's whole choice of sessions, {"sessions": [ids]} (an empty
 * list drops them all), into p->sessions. 0, or -1 with *fields_out
 * set to the per-field codes (owned by the caller).
 */
int
reg_sessions_parse(json_t *obj, struct reg_person *p, json_t **fields_out)
{
	struct errors	 e = { json_object(), 1 };
	json_t		*list = json_object_get(obj, "sessions");

	memset(p, 0, sizeof *p);
	if (!json_is_object(obj))
		field_error(&e, "body", "invalid", "must be an object");
	else if (list == NULL)
		field_error(&e, "sessions", "required", "a list of session ids");
	else if (!json_is_array(list))
		field_error(&e, "sessions", "invalid", "a list of session ids");
	else
		sessions_parse(list, "sessions", p, &e);
	if (json_object_size(e.fields) != 0) {
		*fields_out = e.fields;
		return -1;
	}
	json_decref(e.fields);
	*fields_out = NULL;
	return 0;
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
		snprintf(path, sizeof path, "%s.sessions", prefix);
		sessions_parse(json_object_get(a, "sessions"), path, p, e);
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

	/* Optional: older clients send none, and get Swedish mail. */
	memcpy(in->lang, "sv", 3);
	v = json_object_get(body, "lang");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || (strcmp(json_string_value(v), "sv")
		    != 0 && strcmp(json_string_value(v), "en") != 0))
			field_error(&e, "lang", "not_a_choice", "sv or en");
		else
			memcpy(in->lang, json_string_value(v), 3);
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
	billing_parse(json_object_get(body, "billing"), &in->billing, &e);

	if (json_object_size(e.fields) > 0) {
		reg_input_free(in);
		*fields_out = e.fields;
		return NULL;
	}
	json_decref(e.fields);
	*fields_out = NULL;
	return in;
}

#define BILLING_ORG_MAX_CHARS	150
#define BILLING_ADDRESS_MAX_CHARS	300
#define BILLING_REF_MAX_CHARS	100

/* One text of the billing object: cleaned, "" when left out; 0 or -1. */
static int
billing_text(json_t *obj, const char *key, size_t max, int lines,
    char **dst, struct errors *e)
{
	json_t		*v = json_object_get(obj, key);
	const char	*msg;
	char		 path[32];

	snprintf(path, sizeof path, "billing.%s", key);
	*dst = NULL;
	if (v == NULL || json_is_null(v)) {
		*dst = xstrdup("");
		return 0;
	}
	if (!json_is_string(v)) {
		field_error(e, path, "invalid", "must be text");
		return -1;
	}
	msg = (lines ? text_clean_lines : text_clean)(json_string_value(v),
	    json_string_length(v), dst);
	if (msg == NULL && utf8_count(*dst) > max)
		msg = "too long";
	if (msg != NULL) {
		field_error(e, path, *dst != NULL && utf8_count(*dst) > max ?
		    "too_long" : "invalid", msg);
		free(*dst);
		*dst = xstrdup("");
		return -1;
	}
	return 0;
}

/*
 * The billing object: the paying organisation, its Swedish organisation
 * number or, for a company in another EU country, its VAT number (either
 * or both), an invoice address or an invoice email (one at least), and
 * the buyer's reference. Left out: the contact pays.
 */
static void
billing_parse(json_t *obj, struct reg_billing *b, struct errors *e)
{
	char		 orgno[ORGNO_LEN + 1], vat[VAT_MAX + 1];
	const char	*code;
	int		 bad = 0;

	if (obj == NULL || json_is_null(obj))
		return;
	if (!json_is_object(obj)) {
		field_error(e, "billing", "invalid", "must be an object");
		return;
	}
	bad |= billing_text(obj, "organisation", BILLING_ORG_MAX_CHARS, 0,
	    &b->organisation, e);
	bad |= billing_text(obj, "org_number", 20, 0, &b->org_number, e);
	bad |= billing_text(obj, "vat_number", 20, 0, &b->vat_number, e);
	bad |= billing_text(obj, "address", BILLING_ADDRESS_MAX_CHARS, 1,
	    &b->address, e);
	bad |= billing_text(obj, "email", EMAIL_MAX_BYTES, 0, &b->email, e);
	bad |= billing_text(obj, "reference", BILLING_REF_MAX_CHARS, 0,
	    &b->reference, e);
	if (bad)
		return;
	if (*b->organisation == '\0')
		field_error(e, "billing.organisation", "required", "required");
	if (*b->org_number != '\0') {
		if ((code = orgno_normalise(b->org_number, orgno)) != NULL)
			field_error(e, "billing.org_number", code,
			    "not a valid Swedish organisation number");
		else {
			free(b->org_number);
			b->org_number = xstrdup(orgno);
		}
	}
	if (*b->vat_number != '\0') {
		if ((code = vat_normalise(b->vat_number, vat)) != NULL)
			field_error(e, "billing.vat_number", code,
			    "not a valid EU VAT number");
		else {
			free(b->vat_number);
			b->vat_number = xstrdup(vat);
		}
	}
	if (*b->email != '\0' && validate_email(b->email) != NULL)
		field_error(e, "billing.email", "invalid",
		    validate_email(b->email));
	if (*b->address == '\0' && *b->email == '\0')
		field_error(e, "billing.address", "required",
		    "an invoice address or an invoice email is needed");
}

static void
billing_free(struct reg_billing *b)
{
	free(b->organisation);
	free(b->org_number);
	free(b->vat_number);
	free(b->address);
	free(b->email);
	free(b->reference);
	memset(b, 0, sizeof *b);
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
	billing_free(&in->billing);
	free(in);
}

/* Free what a person's fields hold (not the struct: the caller's). */
void
reg_person_free(struct reg_person *p)
{
	person_free(p);
	memset(p, 0, sizeof *p);
}
