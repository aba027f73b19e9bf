/*
 * admin-events.c: events, for organisers. One installation holds many
 * (the conference, seminars, the Member Day); one of them is the current
 * event the public pages show, chosen here. An event is archived, never
 * deleted. "Copy" starts next year's event from this one: its settings,
 * ticket types and rooms, a year later, and never its people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "techtankd.h"
#include "billing-ids.h"
#include "resource.h"

/* The seller's numbers: empty (not set yet), or well formed. */
static int
orgno_ok(const char *s)
{
	char	out[ORGNO_LEN + 1];

	return *s == '\0' || orgno_normalise(s, out) == NULL;
}

static int
vat_ok(const char *s)
{
	char	out[VAT_MAX + 1];

	return *s == '\0' || vat_normalise(s, out) == NULL;
}

static int
bankgiro_ok(const char *s)
{
	char	out[BANKGIRO_LEN + 1];

	return *s == '\0' || bankgiro_normalise(s, out) == NULL;
}

static const struct field fields[] = {
	{ .name = "slug", .column = "slug", .type = FIELD_SLUG,
	  .flags = FIELD_REQUIRED | FIELD_UNIQUE, .max = 60 },
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 150 },
	{ .name = "name_en", .column = "name_en", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "description", .column = "description", .type = FIELD_TEXT,
	  .max = 5000 },
	{ .name = "description_en", .column = "description_en",
	  .type = FIELD_TEXT, .max = 5000 },
	{ .name = "timezone", .column = "timezone", .type = FIELD_ZONE,
	  .max = 64, .text_def = "Europe/Stockholm" },
	{ .name = "starts_at", .column = "starts_at", .type = FIELD_TIME,
	  .flags = FIELD_REQUIRED },
	{ .name = "ends_at", .column = "ends_at", .type = FIELD_TIME,
	  .flags = FIELD_REQUIRED },
	{ .name = "venue_name", .column = "venue_name", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "venue_address", .column = "venue_address",
	  .type = FIELD_TEXT, .max = 200 },
	{ .name = "venue_city", .column = "venue_city", .type = FIELD_TEXT,
	  .max = 100 },
	{ .name = "capacity", .column = "capacity", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 0, .max = 1000000 },
	{ .name = "registration_opens_at", .column = "registration_opens_at",
	  .type = FIELD_TIME, .flags = FIELD_NULL },
	{ .name = "registration_closes_at",
	  .column = "registration_closes_at", .type = FIELD_TIME,
	  .flags = FIELD_NULL },
	/* Attendees change their registrations until then (null: the start). */
	{ .name = "changes_until", .column = "changes_until",
	  .type = FIELD_TIME, .flags = FIELD_NULL },
	{ .name = "code_prefix", .column = "code_prefix", .type = FIELD_CODE,
	  .max = 6, .text_def = "TT" },
	{ .name = "contact_email", .column = "contact_email",
	  .type = FIELD_EMAIL, .max = 254 },
	/* Who is responsible for the attendees' personal data. */
	{ .name = "organiser_name", .column = "organiser_name",
	  .type = FIELD_TEXT, .max = 150 },
	/* Days after the end that its personal data is erased; null: never. */
	{ .name = "erase_after_days", .column = "erase_after_days",
	  .type = FIELD_INT, .flags = FIELD_NULL, .min = 1, .max = 3650 },
	{ .name = "erased_at", .column = "erased_at", .type = FIELD_TIME,
	  .flags = FIELD_READONLY | FIELD_NULL },
	{ .name = "privacy_notice", .column = "privacy_notice",
	  .type = FIELD_TEXT, .max = 10000 },
	{ .name = "privacy_notice_en", .column = "privacy_notice_en",
	  .type = FIELD_TEXT, .max = 10000 },
	{ .name = "archived", .column = "archived", .type = FIELD_BOOL },
	/* The least time a speaker needs between rooms: a warning below. */
	{ .name = "changeover_minutes", .column = "changeover_minutes",
	  .type = FIELD_INT, .min = 0, .max = 240, .def = 10 },
	/* Whether speakers' passes take seats of the capacity. */
	{ .name = "speakers_in_capacity", .column = "speakers_in_capacity",
	  .type = FIELD_BOOL },
	/* The door's offline copy carries the names of the confirmed. */
	{ .name = "door_offline_names", .column = "door_offline_names",
	  .type = FIELD_BOOL },
	/* The seller on the invoices (store-invoice.c); none until named. */
	{ .name = "seller_name", .column = "seller_name", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "seller_org_number", .column = "seller_org_number",
	  .type = FIELD_TEXT, .max = 20, .valid = orgno_ok },
	{ .name = "seller_vat_number", .column = "seller_vat_number",
	  .type = FIELD_TEXT, .max = 20, .valid = vat_ok },
	{ .name = "seller_address", .column = "seller_address",
	  .type = FIELD_TEXT, .flags = FIELD_LINES, .max = 300 },
	{ .name = "seller_bankgiro", .column = "seller_bankgiro",
	  .type = FIELD_TEXT, .max = 12, .valid = bankgiro_ok },
	{ .name = "seller_email", .column = "seller_email",
	  .type = FIELD_EMAIL, .max = 254 },
	{ .name = "seller_f_tax", .column = "seller_f_tax", .type = FIELD_BOOL },
	/* Off: admission is taxed where the event is (VAT Directive art. 53). */
	{ .name = "reverse_charge_eu", .column = "reverse_charge_eu",
	  .type = FIELD_BOOL },
	{ .name = "payment_terms_days", .column = "payment_terms_days",
	  .type = FIELD_INT, .min = 0, .max = 365, .def = 30 },
	/* Cancelling is free until then (null: always), then costs a share. */
	{ .name = "cancel_free_until", .column = "cancel_free_until",
	  .type = FIELD_TIME, .flags = FIELD_NULL },
	{ .name = "cancel_fee_percent", .column = "cancel_fee_percent",
	  .type = FIELD_INT, .min = 0, .max = 100 },
	{ .name = "account_receivable", .column = "account_receivable",
	  .type = FIELD_INT, .min = 1000, .max = 9999, .def = 1510 },
	{ .name = "account_revenue", .column = "account_revenue",
	  .type = FIELD_INT, .min = 1000, .max = 9999, .def = 3001 },
	{ .name = "account_vat", .column = "account_vat", .type = FIELD_INT,
	  .min = 1000, .max = 9999, .def = 2611 },
	{ .name = "account_bank", .column = "account_bank", .type = FIELD_INT,
	  .min = 1000, .max = 9999, .def = 1930 },
	{ .name = "confirmed", .column = "confirmed_count", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = NULL }
};

static int
field_error(struct store_error *err, const char *field, const char *code,
    const char *message)
{
	store_error_set(err, 422, "validation_failed", "%s", message);
	err->fields = json_pack("{s:s}", field, code);
	return -1;
}

/* A text field of a row; "" when it has none. */
static const char *
str(const json_t *row, const char *name)
{
	const char	*v = json_string_value(json_object_get(row, name));

	return v != NULL ? v : "";
}

/*
 * A Swedish seller's VAT number is SE, its organisation number and 01:
 * 1 when they agree or either is not set (or the VAT number is not SE).
 */
static int
seller_numbers_agree(const char *orgno, const char *vat)
{
	char	o[ORGNO_LEN + 1], v[VAT_MAX + 1];

	if (*orgno == '\0' || *vat == '\0' || orgno_normalise(orgno, o) != NULL ||
	    vat_normalise(vat, v) != NULL || strncmp(v, "SE", 2) != 0)
		return 1;
	return strncmp(v + 2, o, 6) == 0 && strncmp(v + 8, o + 7, 4) == 0;
}

static int
event_check(struct store *st, int64_t parent, json_t *row,
    const json_t *before, struct store_error *err)
{
	int64_t	capacity = resource_int(row, "capacity", -1);
	int64_t	confirmed = resource_int(before, "confirmed", 0);
	int64_t	opens = resource_int(row, "registration_opens_at", -1);
	int64_t	closes = resource_int(row, "registration_closes_at", -1);

	(void)st;
	(void)parent;
	if (resource_int(row, "ends_at", 0) < resource_int(row, "starts_at", 0))
		return field_error(err, "ends_at", "before_start",
		    "the event ends before it starts");
	if (opens >= 0 && closes >= 0 && closes < opens)
		return field_error(err, "registration_closes_at",
		    "before_open", "registration closes before it opens");
	if (!seller_numbers_agree(str(row, "seller_org_number"),
	    str(row, "seller_vat_number")))
		return field_error(err, "seller_vat_number", "not_the_org_number",
		    "a Swedish VAT number is the organisation number and 01");
	if (capacity >= 0 && capacity < confirmed) {
		store_error_set(err, 409, "capacity_below_confirmed", "a "
		    "capacity of %lld is below the %lld seats already "
		    "confirmed", (long long)capacity, (long long)confirmed);
		err->fields = json_pack("{s:I, s:I}", "capacity",
		    (json_int_t)capacity, "confirmed", (json_int_t)confirmed);
		return -1;
	}
	return 0;
}

static int
event_after(struct store *st, int64_t id, int64_t parent, const json_t *row,
    const json_t *before, struct store_error *err)
{
	(void)parent;
	(void)err;
	/*
	 * A period or an end that may be over already: techtankd looks after
	 * this commit, in a job of its own (admin-privacy.c), not in this one.
	 */
	if (before == NULL || resource_int(row, "erase_after_days", 0) !=
	    resource_int(before, "erase_after_days", 0) ||
	    resource_int(row, "ends_at", 0) != resource_int(before, "ends_at", 0))
		privacy_submit_due();
	/* A seller named at last: the event's registrations are billed. */
	if (*str(row, "seller_name") != '\0' && (before == NULL ||
	    *str(before, "seller_name") == '\0') &&
	    store_invoice_mark_event(st, id) != 0)
		return -1;
	/* Speakers in or out of the capacity: the seats are counted again. */
	if (before != NULL && resource_int(row, "speakers_in_capacity", 0) !=
	    resource_int(before, "speakers_in_capacity", 0))
		return store_event_recount(st, id);
	return store_promote_waitlist(st, id) < 0 ? -1 : 0;
}

static struct resource events = {
	.name = "event",
	.table = "events",
	.fields = fields,
	.order = "starts_at DESC, id DESC",
	.check = event_check,
	.after = event_after,
};

/* An event chosen or copied: the event's id and who asked. */
struct event_op {
	int64_t		 id;
	struct staff	 who;
	char		 address[64];
	json_t		*values;	/* copy: slug and name, if given */
};

static void
event_op_free(void *arg)
{
	struct event_op	*op = arg;

	json_decref(op->values);
	free(op);
}

static struct event_op *
event_op_new(struct http_req *hr, int64_t id)
{
	struct event_op	*op = xcalloc(1, sizeof *op);

	op->id = id;
	op->who = hr->who;
	http_client_address(hr, op->address, sizeof op->address);
	return op;
}

static int64_t
event_arg(struct http_req *hr)
{
	char		*end;
	long long	 id = strtoll(hr->args[0], &end, 10);

	if (*hr->args[0] < '1' || *hr->args[0] > '9' || *end != '\0') {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return -1;
	}
	return id;
}

/* The event's stored row on the writer, or NULL with the job's error. */
static json_t *
event_row(struct store *st, struct job *job, int64_t id)
{
	json_t	*row;
	int	 found;

	if ((found = store_resource_read(st, &events, id, &row, NULL)) != 1) {
		if (found == 0)
			store_error_set(&job->err, 404, "not_found",
			    "no such event");
		return NULL;
	}
	return row;
}

static int
current_run(struct store *st, struct job *job)
{
	struct event_op	*op = job->data;
	json_t		*row;
	char		 detail[64];
	int		 archived;

	if ((row = event_row(st, job, op->id)) == NULL)
		return -1;
	archived = resource_int(row, "archived", 0);
	json_decref(row);
	if (archived) {
		store_error_set(&job->err, 409, "archived", "an archived event "
		    "cannot be the current one");
		return -1;
	}
	snprintf(detail, sizeof detail, "{\"id\":%lld}", (long long)op->id);
	if (store_set_current_event(st, op->id) != 0 ||
	    store_audit(st, &op->who, NULL, "event.current", detail,
	    op->address, (int64_t)time(NULL)) != 0)
		return -1;
	job->answer = json_pack("{s:I}", "current_event", (json_int_t)op->id);
	return 0;
}

static const struct job_type current_job = {
	.name = "event_current",
	.flags = JOB_CHANGES_PROGRAMME,
	.run = current_run,
};

static void
api_event_current(struct http_req *hr)
{
	int64_t	id = event_arg(hr);

	if (id > 0)
		job_submit(hr, &current_job, event_op_new(hr, id),
		    event_op_free);
}

/*
 * GET /api/v1/admin/current-event: which event the public pages show
 * (null: none is published, every event is a draft).
 */
static void
api_current_get(struct http_req *hr)
{
	int64_t	id = store_current_event(hr->w->store);

	if (id == -2) {
		http_reply_read(hr, NULL);
		return;
	}
	http_reply_json(hr, 200, json_pack("{s:o}", "current_event",
	    id > 0 ? json_integer(id) : json_null()));
}

/* The same moment a year later (29 February becomes 1 March). */
static int64_t
next_year(int64_t t)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	gmtime_r(&tt, &tm);
	tm.tm_year++;
	return (int64_t)timegm(&tm);
}

/* "Techtank Conference 2027" becomes "... 2028"; else it is kept. */
static char *
bump_year(const char *s, int sep)
{
	const char	*p;
	char		*out;

	for (p = s + strlen(s); p - s >= 4; p--) {
		const char *y = p - 4;

		if (y[0] == '2' && y[1] >= '0' && y[1] <= '9' &&
		    y[2] >= '0' && y[2] <= '9' && y[3] >= '0' && y[3] <= '9' &&
		    (y == s || !(y[-1] >= '0' && y[-1] <= '9')) &&
		    !(*p >= '0' && *p <= '9')) {
			xasprintf(&out, "%.*s%d%s", (int)(y - s), s,
			    atoi(y) + 1, p);
			return out;
		}
	}
	xasprintf(&out, "%s%cnext", s, sep);
	return out;
}

/* The ticket types and rooms of from, into to; each type a new code. */
static int
copy_children(struct store *st, int64_t from, int64_t to)
{
	static const char	 types_sql[] =
	    "INSERT INTO ticket_types (event_id, name, name_en, description,"
	    " description_en, role, price_ore, vat_rate, quota,"
	    " sale_starts_at, sale_ends_at, hidden, waitlist, sort,"
	    " invitation_code)"
	    " SELECT ?2, name, name_en, description, description_en, role,"
	    " price_ore, vat_rate, quota,"
	    " unixepoch(sale_starts_at, 'unixepoch', '+1 year'),"
	    " unixepoch(sale_ends_at, 'unixepoch', '+1 year'),"
	    " hidden, waitlist, sort, tt_token(?3) FROM ticket_types"
	    " WHERE event_id = ?1 ORDER BY sort, id";
	static const char	 rooms_sql[] =
	    "INSERT INTO rooms (event_id, name, capacity, sort)"
	    " SELECT ?2, name, capacity, sort FROM rooms WHERE event_id = ?1"
	    " ORDER BY sort, id";
	sqlite3_stmt		*s = store_stmt(st, types_sql);

	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int(s, 3, INVITATION_CODE_CHARS);
	if (store_step_done(st, s) != 0)
		return -1;
	s = store_stmt(st, rooms_sql);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	return store_step_done(st, s);
}

static int
copy_run(struct store *st, struct job *job)
{
	static const char *const times[] = { "starts_at", "ends_at",
	    "registration_opens_at", "registration_closes_at", "changes_until",
	    NULL };
	struct event_op		*op = job->data;
	struct audit_ctx	 ctx = { &op->who, op->address, time(NULL) };
	json_t			*row, *values;
	char			*slug, *name;
	int64_t			 id;
	int			 found;

	if ((row = event_row(st, job, op->id)) == NULL)
		return -1;
	values = json_deep_copy(row);
	json_object_del(values, "id");
	json_object_del(values, "version");
	json_object_del(values, "confirmed");
	json_object_del(values, "erased_at");
	json_object_set_new(values, "archived", json_false());
	for (const char *const *t = times; *t != NULL; t++)
		if (json_is_integer(json_object_get(row, *t)))
			json_object_set_new(values, *t, json_integer(next_year(
			    json_integer_value(json_object_get(row, *t)))));
	slug = bump_year(json_string_value(json_object_get(row, "slug")), '-');
	json_object_set_new(values, "slug", json_string(slug));
	free(slug);
	/* The year in the name, in both languages (an empty one stays). */
	name = bump_year(json_string_value(json_object_get(row, "name")), ' ');
	json_object_set_new(values, "name", json_string(name));
	free(name);
	if (*json_string_value(json_object_get(row, "name_en")) != '\0') {
		name = bump_year(json_string_value(json_object_get(row,
		    "name_en")), ' ');
		json_object_set_new(values, "name_en", json_string(name));
		free(name);
	}
	json_object_update(values, op->values);
	json_decref(row);
	id = store_resource_create(st, &events, 0, values, &ctx, &job->err);
	json_decref(values);
	if (id < 0 || copy_children(st, op->id, id) != 0)
		return -1;
	job->status = 201;
	job->answer = store_resource_get(st, &events, id, &found);
	return job->answer != NULL ? 0 : -1;
}

static const struct job_type copy_job = {
	.name = "event_copy",
	.run = copy_run,
};

/* POST /api/v1/admin/events/{id}/copy, optionally {"slug", "name"}. */
static void
api_event_copy(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct event_op		*op;
	json_t			*body, *only, *values = NULL, *errors;
	int64_t			 id;
	size_t			 len;

	if ((id = event_arg(hr)) < 0)
		return;
	if (evbuffer_get_length(evhttp_request_get_input_buffer(hr->req)) > 0) {
		if ((body = http_body_json(hr, &bytes, &len)) == NULL)
			return;
		/* Only the new address and name can be chosen. */
		only = json_object();
		if (json_object_get(body, "slug") != NULL)
			json_object_set(only, "slug", json_object_get(body,
			    "slug"));
		if (json_object_get(body, "name") != NULL)
			json_object_set(only, "name", json_object_get(body,
			    "name"));
		values = resource_parse(&events, only, 0, &errors);
		json_decref(only);
		json_decref(body);
		if (values == NULL) {
			http_reply_error(hr, 422, "validation_failed",
			    "some fields need attention", errors);
			return;
		}
	}
	op = event_op_new(hr, id);
	op->values = values ? values : json_object();
	job_submit(hr, &copy_job, op, event_op_free);
}

const struct route admin_events_routes[] = {
	{ .path = "/api/v1/admin/events", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list, .data = &events },
	{ .path = "/api/v1/admin/events", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create, .data = &events },
	{ .path = "/api/v1/admin/events/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get, .data = &events },
	{ .path = "/api/v1/admin/events/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update, .data = &events },
	{ .path = "/api/v1/admin/events/*/current", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = api_event_current },
	{ .path = "/api/v1/admin/events/*/copy", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = api_event_copy },
	{ .path = "/api/v1/admin/current-event", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_current_get },
	{ .path = NULL }
};
