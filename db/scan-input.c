/*
 * scan-input.c: a scan from the door (POST /api/v1/checkins), parsed and
 * checked before it goes to the writer: a pass code or an attendee id,
 * the checkpoint, and the nonce that makes a retry safe. Errors are a
 * code per field ("required", "invalid", "not_a_choice"), as everywhere.
 */
#include <string.h>

#include "techtank.h"
#include "store-door.h"

static int
printable(const char *s, size_t max)
{
	size_t	len = strlen(s);

	if (len == 0 || len > max)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

/*
 * Parse a scan body into in (pointing into body); returns the field errors (an empty object
 * when it is fine). The checkpoint's existence is checked by the caller.
 */
json_t *
scan_parse(json_t *body, struct scan_input *in)
{
	json_t	*code = json_object_get(body, "code");
	json_t	*id = json_object_get(body, "attendee_id");
	json_t	*cp = json_object_get(body, "checkpoint");
	json_t	*nonce = json_object_get(body, "nonce");
	json_t	*fields = json_object();

	memset(in, 0, sizeof *in);
	if ((code == NULL) == (id == NULL))
		json_object_set_new(fields, "code", json_string("required"));
	else if (code != NULL && (!json_is_string(code) ||
	    json_string_length(code) == 0 ||
	    json_string_length(code) > SCAN_CODE_MAX ||
	    strlen(json_string_value(code)) != json_string_length(code) ||
	    !utf8_valid(json_string_value(code), json_string_length(code)) ||
	    text_has_control(json_string_value(code))))
		json_object_set_new(fields, "code", json_string("invalid"));
	else if (id != NULL && (!json_is_integer(id) ||
	    json_integer_value(id) <= 0))
		json_object_set_new(fields, "attendee_id", json_string(
		    "invalid"));
	if (cp != NULL && !json_is_null(cp) && (!json_is_string(cp) ||
	    strlen(json_string_value(cp)) != json_string_length(cp)))
		json_object_set_new(fields, "checkpoint", json_string(
		    "not_a_choice"));
	if (nonce != NULL && (!json_is_string(nonce) ||
	    strlen(json_string_value(nonce)) != json_string_length(nonce) ||
	    !printable(json_string_value(nonce), SCAN_NONCE_MAX)))
		json_object_set_new(fields, "nonce", json_string("invalid"));
	if (json_object_size(fields) > 0)
		return fields;
	in->code = code ? json_string_value(code) : NULL;
	in->attendee_id = id ? json_integer_value(id) : 0;
	in->checkpoint = json_is_string(cp) ? json_string_value(cp) : "main";
	in->nonce = nonce ? json_string_value(nonce) : NULL;
	return fields;
}

