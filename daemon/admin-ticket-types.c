/*
 * admin-ticket-types.c: the ticket types of an event, for organisers. A
 * quota may not drop below the seats already confirmed (409, naming both
 * numbers); raising it, or opening the waitlist, gives the freed seats to
 * the waitlist at once, in order. Each has an invitation code, made at
 * creation: the link with it books the type even when it is hidden, and
 * POST .../invitation replaces it, so a link that got out stops working.
 */
#include <stdio.h>

#include "techtankd.h"
#include "resource.h"

static const char *const roles[] = { "attendee", "speaker", "staff",
	"organiser", "exhibitor", NULL };

static const struct field fields[] = {
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 100 },
	{ .name = "name_en", .column = "name_en", .type = FIELD_TEXT,
	  .max = 100 },
	{ .name = "description", .column = "description", .type = FIELD_TEXT,
	  .max = 2000 },
	{ .name = "description_en", .column = "description_en",
	  .type = FIELD_TEXT, .max = 2000 },
	{ .name = "role", .column = "role", .type = FIELD_CHOICE,
	  .choices = roles },
	{ .name = "price_ore", .column = "price_ore", .type = FIELD_INT,
	  .min = 0, .max = 100000000 },
	{ .name = "vat_rate", .column = "vat_rate", .type = FIELD_INT,
	  .min = 0, .max = 25, .def = 25 },
	{ .name = "quota", .column = "quota", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 0, .max = 1000000 },
	{ .name = "sale_starts_at", .column = "sale_starts_at",
	  .type = FIELD_TIME, .flags = FIELD_NULL },
	{ .name = "sale_ends_at", .column = "sale_ends_at", .type = FIELD_TIME,
	  .flags = FIELD_NULL },
	{ .name = "hidden", .column = "hidden", .type = FIELD_BOOL },
	{ .name = "waitlist", .column = "waitlist", .type = FIELD_BOOL,
	  .def = 1 },
	{ .name = "sort", .column = "sort", .type = FIELD_INT,
	  .min = -1000000, .max = 1000000 },
	{ .name = "confirmed", .column = "confirmed_count", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = "invitation_code", .column = "invitation_code",
	  .type = FIELD_TOKEN, .flags = FIELD_CREATED,
	  .max = INVITATION_CODE_CHARS },
	{ .name = NULL }
};

static int
ticket_type_check(struct store *st, int64_t parent, json_t *row,
    const json_t *before, struct store_error *err)
{
	int64_t	quota = resource_int(row, "quota", -1);
	int64_t	confirmed = resource_int(before, "confirmed", 0);
	int64_t	vat = resource_int(row, "vat_rate", -1);
	int64_t	from = resource_int(row, "sale_starts_at", -1);
	int64_t	to = resource_int(row, "sale_ends_at", -1);

	(void)st;
	(void)parent;
	if (vat != 0 && vat != 6 && vat != 12 && vat != 25) {
		store_error_set(err, 422, "validation_failed", "VAT is 0, 6, "
		    "12 or 25 %%");
		err->fields = json_pack("{s:s}", "vat_rate", "not_a_choice");
		return -1;
	}
	if (from >= 0 && to >= 0 && to < from) {
		store_error_set(err, 422, "validation_failed", "the sale ends "
		    "before it starts");
		err->fields = json_pack("{s:s}", "sale_ends_at", "before_start");
		return -1;
	}
	if (quota >= 0 && quota < confirmed) {
		store_error_set(err, 409, "quota_below_confirmed", "a quota of "
		    "%lld is below the %lld seats already confirmed",
		    (long long)quota, (long long)confirmed);
		err->fields = json_pack("{s:I, s:I}", "quota", (json_int_t)quota,
		    "confirmed", (json_int_t)confirmed);
		return -1;
	}
	return 0;
}

/*
 * More seats, or a waitlist opened: promote at once, in order. A type
 * made a speaker type or no longer one moves its seats out of the event's
 * capacity or into it (STORE_IN_CAPACITY): the event is counted again.
 */
static int
ticket_type_after(struct store *st, int64_t id, int64_t parent,
    const json_t *row, const json_t *before, struct store_error *err)
{
	(void)id;
	(void)err;
	if (before != NULL && !json_equal(json_object_get(row, "role"),
	    json_object_get(before, "role")))
		return store_event_recount(st, parent);
	return store_promote_waitlist(st, parent) < 0 ? -1 : 0;
}

static struct resource ticket_types = {
	.name = "ticket_type",
	.table = "ticket_types",
	.parent = "event_id",
	.fields = fields,
	.order = "sort, id",
	.check = ticket_type_check,
	.after = ticket_type_after,
};

const struct route admin_ticket_types_routes[] = {
	{ .path = "/api/v1/admin/events/*/ticket-types", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &ticket_types },
	{ .path = "/api/v1/admin/events/*/ticket-types", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create,
	  .data = &ticket_types },
	{ .path = "/api/v1/admin/ticket-types/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get,
	  .data = &ticket_types },
	{ .path = "/api/v1/admin/ticket-types/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update,
	  .data = &ticket_types },
	{ .path = "/api/v1/admin/ticket-types/*", .methods = M_DELETE,
	  .auth = AUTH_ORGANISER, .handler = resource_delete,
	  .data = &ticket_types },
	{ .path = "/api/v1/admin/ticket-types/*/invitation", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_renew,
	  .data = &ticket_types },
	{ .path = NULL }
};
