/*
 * fuzz-registration.c: libFuzzer target for the parser of registration
 * bodies, the outside input techtankd trusts least: UTF-8 check, JSON
 * parse, field validation, exactly as api-registrations.c chains them;
 * both ways of naming the errors (sentences and codes).
 */
#include <stddef.h>
#include <stdint.h>

#include "techtank.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
		json_decref(fields);
		reg_input_free(in);
	}
	json_decref(body);
	return 0;
}
