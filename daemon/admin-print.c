/*
 * admin-print.c: printing from the console, for organisers:
 *
 *   GET  /api/v1/admin/events/{id}/print	the layouts and roles there are,
 *						how many tags there are to print
 *   POST /api/v1/admin/events/{id}/print-jobs	a print job (202): {"kind":
 *	"tags", "layout", "select": "all" | "not_printed" | "ids", "ids"},
 *	{"kind": "walk_in", "layout", "first_name", "last_name", "company",
 *	"role"} (a tag for someone not registered: no pass, no QR code),
 *	{"kind": "pass", "attendee_id"}, {"kind": "programme", "lang": "sv" |
 *	"en"} (Swedish unless "en")
 *   GET  /api/v1/admin/print-jobs/{id}		its state: done of total
 *   GET  /api/v1/admin/print-jobs/{id}/pdf	the PDF once done; the
 *						attendees on its tags are
 *						recorded as printed
 *
 * A job is its maker's: another organiser gets 404. Making one and
 * fetching its PDF are written to the audit log. The drawing is print.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"
#include "techtankd.h"

#define WALK_IN_COMPANY_MAX	200	/* characters */
#define DEFAULT_LAYOUT		"durable-1445-02"

static json_t *
layouts_json(void)
{
	json_t	*list = json_array();

	for (const struct badge_layout *l = badge_layouts; l->name != NULL;
	    l++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:i}", "name",
		    l->name, "stock", l->stock, "per_page",
		    badge_layout_per_page(l)));
	return list;
}

static json_t *
roles_json(void)
{
	json_t		*list = json_array();
	const char	*role;

	for (size_t i = 0; (role = badge_role(i)) != NULL; i++)
		json_array_append_new(list, json_string(role));
	return list;
}

/* The event of the path: 1, 0 answered 404, -1 answered a read error. */
static int
event_exists(struct http_req *hr, int64_t id)
{
	struct badge_event	ev = { 0 };
	int			rc = -1;

	if (id > 0)
		rc = store_badge_event(hr->w->store, id, &ev);

	store_badge_event_clear(&ev);
	if (rc == -2) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (rc != 0) {
		http_reply_error(hr, 404, "not_found", "no such event", NULL);
		return 0;
	}
	return 1;
}

static void
api_print_info(struct http_req *hr)
{
	int64_t	event = route_id(hr->args[0]), confirmed, not_printed;

	if (event_exists(hr, event) != 1)
		return;
	if (store_badge_counts(hr->w->store, event, &confirmed,
	    &not_printed) != 0) {
		http_reply_read(hr, NULL);
		return;
	}
	http_reply_json(hr, 200, json_pack("{s:I, s:I, s:I, s:o, s:o, s:s,"
	    " s:i}", "event_id", (json_int_t)event, "confirmed",
	    (json_int_t)confirmed, "not_printed", (json_int_t)not_printed,
	    "layouts", layouts_json(), "roles", roles_json(), "default_layout",
	    DEFAULT_LAYOUT, "max_ids", PRINT_IDS_MAX));
}

/* A typed text field: the cleaned text in *out, or the error's code. */
static const char *
text_field(json_t *body, const char *name, int required, size_t max,
    char **out)
{
	json_t		*v = json_object_get(body, name);
	const char	*msg;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		*out = xstrdup("");
		return required ? "required" : NULL;
	}
	if (!json_is_string(v))
		return "not_text";
	if (text_clean(json_string_value(v), json_string_length(v), out) !=
	    NULL)
		return "invalid_text";
	if (required && (msg = validate_name(*out)) != NULL)
		return strcmp(msg, "required") == 0 ? "required" :
		    utf8_count(*out) > max ? "too_long" : "invalid_text";
	if (utf8_count(*out) > max)
		return "too_long";
	return NULL;
}

static void
field_error(json_t *fields, const char *name, const char *code)
{
	if (code != NULL && json_object_get(fields, name) == NULL)
		json_object_set_new(fields, name, json_string(code));
}

/* "ids": 1 to PRINT_IDS_MAX distinct positive integers. */
static const char *
ids_field(json_t *v, struct print_order *o)
{
	size_t	n;

	if (v == NULL)
		return "required";
	if (!json_is_array(v))
		return "not_a_list";
	if ((n = json_array_size(v)) == 0)
		return "required";
	if (n > PRINT_IDS_MAX)
		return "too_many";
	o->ids = xreallocarray(NULL, n, sizeof *o->ids);
	for (size_t i = 0; i < n; i++) {
		json_t	*id = json_array_get(v, i);

		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return "not_an_id";
		o->ids[i] = json_integer_value(id);
		for (size_t j = 0; j < i; j++)
			if (o->ids[j] == o->ids[i])
				return "duplicate";
	}
	o->nids = n;
	return NULL;
}

static const char *
layout_field(json_t *v, struct print_order *o)
{
	if (v == NULL || json_is_null(v)) {
		o->layout = badge_layout_find(DEFAULT_LAYOUT);
		return NULL;
	}
	if (!json_is_string(v))
		return "not_text";
	if ((o->layout = badge_layout_find(json_string_value(v))) == NULL)
		return "unknown_layout";
	return NULL;
}

static const char *
select_field(json_t *body, struct print_order *o, json_t *fields)
{
	const char	*v = json_string_value(json_object_get(body, "select"));

	if (v == NULL)
		return "required";
	if (strcmp(v, "all") == 0)
		o->select = BADGE_ALL;
	else if (strcmp(v, "not_printed") == 0)
		o->select = BADGE_ONLY_NEW;
	else if (strcmp(v, "ids") == 0) {
		o->select = BADGE_IDS;
		field_error(fields, "ids", ids_field(json_object_get(body,
		    "ids"), o));
	} else
		return "not_a_choice";
	return NULL;
}

static const char *
role_field(json_t *body, struct print_order *o)
{
	json_t		*v = json_object_get(body, "role");
	const char	*role;

	if (v == NULL || json_is_null(v)) {
		o->role = xstrdup("attendee");
		return NULL;
	}
	if (!json_is_string(v))
		return "not_text";
	for (size_t i = 0; (role = badge_role(i)) != NULL; i++)
		if (strcmp(role, json_string_value(v)) == 0) {
			o->role = xstrdup(role);
			return NULL;
		}
	return "not_a_choice";
}

/* The programme's language: "sv" (the default) or "en". */
static const char *
lang_field(json_t *v, struct print_order *o)
{
	snprintf(o->lang, sizeof o->lang, "sv");
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		return "not_text";
	if (strcmp(json_string_value(v), "sv") != 0 &&
	    strcmp(json_string_value(v), "en") != 0)
		return "not_a_choice";
	snprintf(o->lang, sizeof o->lang, "%s", json_string_value(v));
	return NULL;
}

static const char *
attendee_field(json_t *v, struct print_order *o)
{
	if (v == NULL)
		return "required";
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return "not_an_id";
	o->ids = xmalloc(sizeof *o->ids);
	o->ids[0] = json_integer_value(v);
	o->nids = 1;
	return NULL;
}

/* The order a body describes; the field errors, empty when none. */
static json_t *
order_parse(json_t *body, struct print_order *o)
{
	json_t		*fields = json_object();
	const char	*kind;

	kind = json_string_value(json_object_get(body, "kind"));
	if (kind == NULL) {
		field_error(fields, "kind", "required");
		return fields;
	}
	if (strcmp(kind, "tags") == 0) {
		o->kind = PRINT_TAGS;
		field_error(fields, "layout", layout_field(json_object_get(body,
		    "layout"), o));
		field_error(fields, "select", select_field(body, o, fields));
	} else if (strcmp(kind, "walk_in") == 0) {
		o->kind = PRINT_WALK_IN;
		field_error(fields, "layout", layout_field(json_object_get(body,
		    "layout"), o));
		field_error(fields, "first_name", text_field(body,
		    "first_name", 1, NAME_MAX_CHARS, &o->first_name));
		field_error(fields, "last_name", text_field(body, "last_name",
		    0, NAME_MAX_CHARS, &o->last_name));
		field_error(fields, "company", text_field(body, "company", 0,
		    WALK_IN_COMPANY_MAX, &o->company));
		field_error(fields, "role", role_field(body, o));
	} else if (strcmp(kind, "pass") == 0) {
		o->kind = PRINT_PASS;
		field_error(fields, "attendee_id", attendee_field(
		    json_object_get(body, "attendee_id"), o));
	} else if (strcmp(kind, "programme") == 0) {
		o->kind = PRINT_PROGRAMME;
		field_error(fields, "lang", lang_field(json_object_get(body,
		    "lang"), o));
	} else
		field_error(fields, "kind", "not_a_choice");
	return fields;
}

/*
 * What the database says of the order: the attendees chosen are
 * confirmed attendees of the event, and there is something to print.
 * 0, or -1 once answered.
 */
static int
order_check(struct http_req *hr, struct print_order *o)
{
	struct store	*st = hr->w->store;
	int64_t		 confirmed, not_printed, bad = 0;
	const char	*field = o->kind == PRINT_PASS ? "attendee_id" : "ids";
	int		 rc = 0;
	char		 msg[96];

	if (o->nids > 0 && (rc = store_badge_ids_check(st, o->event_id,
	    o->ids, o->nids, &bad)) > 0) {
		snprintf(msg, sizeof msg, "attendee %lld is %s",
		    (long long)bad, rc == BADGE_ID_UNKNOWN ? "not in this "
		    "event" : "not confirmed");
		http_reply_error(hr, 422, "validation_failed", msg, json_pack(
		    "{s:s}", field, rc == BADGE_ID_UNKNOWN ?
		    "unknown_attendee" : "not_confirmed"));
		return -1;
	}
	if (rc < 0 || store_badge_counts(st, o->event_id, &confirmed,
	    &not_printed) != 0) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (o->kind == PRINT_TAGS)
		o->total = o->select == BADGE_IDS ? o->nids : (size_t)(
		    o->select == BADGE_ALL ? confirmed : not_printed);
	else
		o->total = 1;
	if (o->total == 0) {
		http_reply_error(hr, 409, "nothing_to_print", o->select ==
		    BADGE_ONLY_NEW ? "every confirmed attendee's tag has "
		    "been printed" : "no confirmed attendees", NULL);
		return -1;
	}
	if (o->total > PRINT_TAGS_MAX) {
		http_reply_error(hr, 422, "validation_failed", "too many tags "
		    "for one job: print them with techtank-badges",
		    json_pack("{s:s}", "select", "too_many"));
		return -1;
	}
	return 0;
}

/* A print order on its way through the writer, for the audit log. */
struct print_create {
	struct print_order	 o;
	struct staff		 who;
	char			 address[64];
};

static void
print_create_free(void *arg)
{
	struct print_create	*pc = arg;

	print_order_clear(&pc->o);
	free(pc);
}

static int
print_create_run(struct store *st, struct job *job)
{
	struct print_create	*pc = job->data;
	json_t			*detail;
	char			*text;
	int			 rc;

	detail = json_pack("{s:I, s:s, s:I}", "event_id",
	    (json_int_t)pc->o.event_id, "kind", print_kind_name(pc->o.kind),
	    "tags", (json_int_t)pc->o.total);
	if (pc->o.layout != NULL)
		json_object_set_new(detail, "layout",
		    json_string(pc->o.layout->name));
	if (pc->o.nids > 0)
		json_object_set_new(detail, "attendees",
		    json_integer((json_int_t)pc->o.nids));
	text = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	rc = store_audit(st, &pc->who, NULL, "print.create", text,
	    pc->address, (int64_t)time(NULL));
	free(text);
	return rc;
}

/* On the worker, once audited: queue the drawing and answer 202. */
static void
print_create_done(struct job *job)
{
	struct print_create	*pc = job->data;
	struct http_req		*hr = job->hr;
	int64_t			 id;
	json_t			*status;

	if ((id = print_submit(&pc->o)) < 0) {
		http_header(hr, "Retry-After", "5");
		http_reply_error(hr, 429, "busy", "other print jobs are being "
		    "drawn: try again in a moment", NULL);
		return;
	}
	if ((status = print_status(id, hr->who.id)) == NULL) {
		http_reply_error(hr, 500, "internal", "the print job was lost",
		    NULL);
		return;
	}
	http_reply_json(hr, 202, status);
}

static const struct job_type print_create_job = {
	.name = "print_create",
	.run = print_create_run,
	.done = print_create_done,
};

static void
api_print_create(struct http_req *hr)
{
	const unsigned char	*bytes;
	struct print_create	*pc;
	json_t			*body, *fields;
	size_t			 len;
	int64_t			 event = route_id(hr->args[0]);

	if (event_exists(hr, event) != 1)
		return;
	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return;
	if (!json_is_object(body)) {
		json_decref(body);
		http_reply_error(hr, 400, "bad_request", "the body must be a "
		    "JSON object", NULL);
		return;
	}
	pc = xcalloc(1, sizeof *pc);
	fields = order_parse(body, &pc->o);
	json_decref(body);
	if (json_object_size(fields) > 0) {
		http_reply_error(hr, 422, "validation_failed", "the print job "
		    "needs attention", fields);
		goto fail;
	}
	json_decref(fields);
	pc->o.event_id = event;
	pc->o.owner = hr->who.id;
	pc->o.db_path = xstrdup(hr->w->srv->cfg.db_path);
	if (order_check(hr, &pc->o) != 0)
		goto fail;
	pc->who = hr->who;
	http_client_address(hr, pc->address, sizeof pc->address);
	job_submit(hr, &print_create_job, pc, print_create_free);
	return;
fail:
	print_create_free(pc);
}

static void
api_print_status(struct http_req *hr)
{
	int64_t	 id = route_id(hr->args[0]);
	json_t	*status = id > 0 ? print_status(id, hr->who.id) : NULL;

	if (status == NULL) {
		http_reply_error(hr, 404, "not_found", "no such print job",
		    NULL);
		return;
	}
	http_header(hr, "Cache-Control", "no-store");
	http_reply_json(hr, 200, status);
}

/* A finished job's PDF on its way through the writer: printed, audited. */
struct print_download {
	int64_t			 id;
	struct print_fetch	 f;
	struct staff		 who;
	char			 address[64];
};

static void
print_download_free(void *arg)
{
	struct print_download	*pd = arg;

	print_fetch_clear(&pd->f);
	free(pd);
}

static int
print_download_run(struct store *st, struct job *job)
{
	struct print_download	*pd = job->data;
	int64_t			 now = (int64_t)time(NULL);
	char			*text;
	int			 rc;

	if (store_badge_prints_add(st, pd->f.ids, pd->f.nids, pd->f.layout,
	    now) != 0) {
		store_error_set(&job->err, 500, "internal", "the print could "
		    "not be recorded");
		return -1;
	}
	xasprintf(&text, "{\"job\":%lld,\"event_id\":%lld,\"kind\":\"%s\","
	    "\"tags\":%zu}", (long long)pd->id, (long long)pd->f.event_id,
	    print_kind_name(pd->f.kind), pd->f.nids);
	rc = store_audit(st, &pd->who, NULL, "print.download", text,
	    pd->address, now);
	free(text);
	return rc;
}

/* The PDF, named after what it holds. */
static void
pdf_reply(struct http_req *hr, struct print_download *pd)
{
	char	disposition[96];

	switch (pd->f.kind) {
	case PRINT_TAGS:
		snprintf(disposition, sizeof disposition, "attachment; "
		    "filename=\"tags-%s.pdf\"", pd->f.layout);
		break;
	case PRINT_WALK_IN:
		snprintf(disposition, sizeof disposition, "attachment; "
		    "filename=\"tag-%s.pdf\"", pd->f.layout);
		break;
	case PRINT_PASS:
		snprintf(disposition, sizeof disposition, "attachment; "
		    "filename=\"pass.pdf\"");
		break;
	case PRINT_PROGRAMME:
		snprintf(disposition, sizeof disposition, "attachment; "
		    "filename=\"programme.pdf\"");
		break;
	}
	http_header(hr, "Cache-Control", "no-store");
	http_header(hr, "Content-Disposition", disposition);
	http_reply_data(hr, 200, "application/pdf", pd->f.pdf);
	pd->f.pdf = NULL;
}

static void
print_download_done(struct job *job)
{
	pdf_reply(job->hr, job->data);
}

static const struct job_type print_download_job = {
	.name = "print_download",
	.run = print_download_run,
	.done = print_download_done,
};

static void
api_print_pdf(struct http_req *hr)
{
	struct print_download	*pd = xcalloc(1, sizeof *pd);
	int			 state = -1;

	if ((pd->id = route_id(hr->args[0])) > 0)
		state = print_result(pd->id, hr->who.id, &pd->f);
	switch (state) {
	case PRINT_DONE:
		/* HEAD fetches nothing: nothing is recorded. */
		if (hr->method == EVHTTP_REQ_HEAD) {
			pdf_reply(hr, pd);
			break;
		}
		pd->who = hr->who;
		http_client_address(hr, pd->address, sizeof pd->address);
		job_submit(hr, &print_download_job, pd, print_download_free);
		return;
	case PRINT_QUEUED:
	case PRINT_RUNNING:
		http_header(hr, "Retry-After", "1");
		http_reply_error(hr, 409, "not_ready", "the PDF is still being "
		    "drawn", NULL);
		break;
	case PRINT_FAILED:
		http_reply_error(hr, 409, "print_failed", pd->f.error ?
		    pd->f.error : "the PDF could not be drawn", NULL);
		break;
	default:
		http_reply_error(hr, 404, "not_found", "no such print job",
		    NULL);
	}
	print_download_free(pd);
}

const struct route admin_print_routes[] = {
	{ .path = "/api/v1/admin/events/*/print", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_print_info },
	{ .path = "/api/v1/admin/events/*/print-jobs", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = api_print_create },
	{ .path = "/api/v1/admin/print-jobs/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_print_status },
	{ .path = "/api/v1/admin/print-jobs/*/pdf", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_print_pdf },
	{ .path = NULL }
};
