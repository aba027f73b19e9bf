/*
 * store-error.c: the error a store operation hands up: an HTTP status, a
 * code and a message for the JSON error, and the fields at fault.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "techtank.h"

void
store_error_set(struct store_error *e, int status, const char *code,
    const char *fmt, ...)
{
	va_list	ap;

	e->status = status;
	snprintf(e->code, sizeof e->code, "%s", code);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}

void
store_error_clear(struct store_error *e)
{
	json_decref(e->fields);
	json_decref(e->current);
	json_decref(e->params);
	memset(e, 0, sizeof *e);
}
