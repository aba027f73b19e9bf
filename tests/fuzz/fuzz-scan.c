/*
 * fuzz-scan.c: libFuzzer target for scan_parse() (db/scan-input.c), the
 * parser of what a door device posts to /api/v1/checkins, on any body the
 * daemon would hand it: valid UTF-8, loaded by jansson with the flags of
 * http_body_json() in daemon/http.c, a JSON object.
 *
 * Without field errors the scan must name exactly one of a pass code
 * (1 to SCAN_CODE_MAX bytes of text) or a positive attendee id, a
 * checkpoint ("main" when none is given), and a nonce only when one was
 * sent (1 to SCAN_NONCE_MAX printable characters); each string must be
 * all of the one the client sent, not the part before a NUL. With field
 * errors nothing is set and each error is a message on a field of the
 * scan. The body must come back unchanged either way.
 *
 * A code is then read as people type it (token_pass_code_normalise()):
 * the result is valid UTF-8 without blanks, at most one byte longer,
 * with one dash at most, and reading it again changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "techtank.h"
#include "store-door.h"

/* Whether s is the whole of the JSON string member key of body. */
static int
whole(json_t *body, const char *key, const char *s)
{
	json_t	*j = json_object_get(body, key);

	return json_is_string(j) && s == json_string_value(j) &&
	    strlen(s) == json_string_length(j);
}

static void
typed_code(const char *code)
{
	char	*once = token_pass_code_normalise(code), *twice;
	size_t	 len = strlen(once);

	CHECK(len <= strlen(code) + 1);
	CHECK(utf8_valid(once, len));
	CHECK(strchr(once, ' ') == NULL && strchr(once, '\t') == NULL);
	CHECK(strchr(once, '-') == strrchr(once, '-'));
	twice = token_pass_code_normalise(once);
	CHECK(strcmp(once, twice) == 0);
	free(twice);
	free(once);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_input	 in;
	json_t			*body, *copy, *fields, *v, *cp;
	const char		*key;
	size_t			 len;

	if (!utf8_valid((const char *)data, size))
		return 0;
	body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, NULL);
	if (body == NULL || !json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	copy = json_deep_copy(body);
	CHECK(copy != NULL);

	fields = scan_parse(body, &in);
	CHECK(json_is_object(fields));
	CHECK(json_equal(body, copy));
	if (json_object_size(fields) > 0) {
		CHECK(in.code == NULL && in.attendee_id == 0 &&
		    in.checkpoint == NULL && in.nonce == NULL);
		json_object_foreach(fields, key, v) {
			CHECK(strcmp(key, "code") == 0 ||
			    strcmp(key, "attendee_id") == 0 ||
			    strcmp(key, "checkpoint") == 0 ||
			    strcmp(key, "nonce") == 0);
			CHECK(json_is_string(v) && json_string_length(v) > 0);
		}
		goto done;
	}

	CHECK((in.code != NULL) != (in.attendee_id != 0));
	if (in.code != NULL) {
		CHECK(whole(body, "code", in.code));
		len = strlen(in.code);
		CHECK(len > 0 && len <= SCAN_CODE_MAX);
		CHECK(utf8_valid(in.code, len) && !text_has_control(in.code));
		CHECK(json_object_get(body, "attendee_id") == NULL);
		typed_code(in.code);
	} else {
		CHECK(in.attendee_id > 0);
		CHECK(json_integer_value(json_object_get(body,
		    "attendee_id")) == in.attendee_id);
		CHECK(json_object_get(body, "code") == NULL);
	}

	CHECK(in.checkpoint != NULL);
	cp = json_object_get(body, "checkpoint");
	if (cp == NULL || json_is_null(cp))
		CHECK(strcmp(in.checkpoint, "main") == 0);
	else
		CHECK(whole(body, "checkpoint", in.checkpoint));

	if (json_object_get(body, "nonce") == NULL)
		CHECK(in.nonce == NULL);
	else {
		CHECK(in.nonce != NULL && whole(body, "nonce", in.nonce));
		len = strlen(in.nonce);
		CHECK(len > 0 && len <= SCAN_NONCE_MAX);
		for (const char *p = in.nonce; *p != '\0'; p++)
			CHECK(*p >= 0x21 && *p <= 0x7e);
	}

done:
	json_decref(fields);
	json_decref(copy);
	json_decref(body);
	return 0;
}
