/*
 * fuzz-registration.c: libFuzzer target for the parser of registration
 * bodies, the outside input techtankd trusts least: UTF-8 check, JSON
 * parse, field validation, exactly as api-registrations.c chains them;
 * both ways of naming the errors (sentences and codes). The same body, and
 * each of its attendees, as a change (reg_person_patch(), as api-manage.c
 * and admin-changes.c read theirs), as a colleague added
 * (reg_person_parse()) and as a choice of sessions (reg_sessions_parse()):
 * what they accept is clean text, the sessions at most REG_MAX_SESSIONS
 * distinct positive ids; the payer's details accepted are clean text, the
 * organisation and VAT numbers in their normal forms.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "billing-ids.h"
#include "techtank.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a parser accepted: every field set is valid UTF-8, no control. */
static void
person_check(const struct reg_person *p)
{
	const char	*v[] = { p->first_name, p->last_name, p->email,
	    p->email_norm, p->company, p->phone, p->job_title, p->dietary };

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] != NULL && (!utf8_valid(v[i], strlen(v[i])) ||
		    text_has_control(v[i])))
			abort();
}

/* What the sessions parser accepted: few, positive, none twice. */
static void
sessions_check(const struct reg_person *p)
{
	if (p->nsessions > REG_MAX_SESSIONS)
		abort();
	for (size_t i = 0; i < p->nsessions; i++) {
		if (p->sessions[i] <= 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (p->sessions[i] == p->sessions[j])
				abort();
	}
}

/* The billing object accepted: clean, the numbers normal (or none). */
static void
billing_check(const struct reg_billing *b)
{
	const char	*v[] = { b->organisation, b->org_number, b->vat_number,
	    b->email, b->reference };
	char		 orgno[ORGNO_LEN + 1], vat[VAT_MAX + 1];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] != NULL && (!utf8_valid(v[i], strlen(v[i])) ||
		    text_has_control(v[i])))
			abort();
	if (b->address != NULL && !utf8_valid(b->address, strlen(b->address)))
		abort();
	if (b->org_number != NULL && *b->org_number != '\0' &&
	    (orgno_normalise(b->org_number, orgno) != NULL ||
	    strcmp(orgno, b->org_number) != 0))
		abort();
	if (b->vat_number != NULL && *b->vat_number != '\0' &&
	    (vat_normalise(b->vat_number, vat) != NULL ||
	    strcmp(vat, b->vat_number) != 0))
		abort();
}

static void
person_parsers(json_t *obj)
{
	static const unsigned	 allowed[] = { 0x7f, REG_PATCH_NAMES |
	    REG_PATCH_COMPANY | REG_PATCH_JOB | REG_PATCH_DIETARY };
	struct reg_person	 p;
	json_t			*fields;

	for (int contact = 0; contact <= 1; contact++)
		for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
			if (reg_person_patch(obj, contact, allowed[i], &p,
			    &fields) == 0)
				person_check(&p);
			json_decref(fields);
			reg_person_free(&p);
		}
	if (reg_person_parse(obj, &p, &fields) == 0)
		person_check(&p);
	json_decref(fields);
	reg_person_free(&p);
	if (reg_sessions_parse(obj, &p, &fields) == 0)
		sessions_check(&p);
	json_decref(fields);
	reg_person_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reg_input	*in;
	json_t			*body, *fields = NULL;

	if (!utf8_valid((const char *)data, size))
		return 0;
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, NULL);
	if (body == NULL || !json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	for (int flags = 0; flags <= REG_CODES; flags += REG_CODES) {
		in = reg_input_parse(body, flags, &fields);
		if (in != NULL)
			billing_check(&in->billing);
		json_decref(fields);
		reg_input_free(in);
	}
	person_parsers(body);
	for (size_t i = 0; i < json_array_size(json_object_get(body,
	    "attendees")); i++)
		if (json_is_object(json_array_get(json_object_get(body,
		    "attendees"), i)))
			person_parsers(json_array_get(json_object_get(body,
			    "attendees"), i));
	json_decref(body);
	return 0;
}
