/*
 * admin-messages.c: an organiser's message to a segment of an event's
 * attendees, written in Swedish and English, previewed, then sent through
 * the outbox (store-messages.c) like every other mail.
 *	GET  /api/v1/admin/events/{id}/messages		the messages sent, newest
 *	     first, paged, without their words (?segment= to filter)
 *	POST /api/v1/admin/events/{id}/messages/preview	whom a message would
 *	     go to (how many, the first few) and how the first of them would
 *	     read it, in their language; nothing is stored
 *	POST /api/v1/admin/events/{id}/messages		send: the message and an
 *	     outbox row per recipient in one transaction (201); with an
 *	     Idempotency-Key, the same request again answers with the message
 *	     it sent (200) and sends nothing, another request with that key
 *	     is refused (409)
 *	GET  /api/v1/admin/messages/{id}		one, with its words
 * A message sent is not edited or taken back: no PATCH, no DELETE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtankd.h"
#include "resource.h"
#include "store-messages.h"

static const char *const segments[] = { "everyone", "ticket_type",
	"session", "not_checked_in", NULL };

static const struct field fields[] = {
	{ .name = "subject", .column = "subject", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = MESSAGE_SUBJECT_MAX },
	{ .name = "subject_en", .column = "subject_en", .type = FIELD_TEXT,
	  .max = MESSAGE_SUBJECT_MAX },
	{ .name = "body", .column = "body", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED | FIELD_LINES | FIELD_DETAIL,
	  .max = MESSAGE_BODY_MAX },
	{ .name = "body_en", .column = "body_en", .type = FIELD_TEXT,
	  .flags = FIELD_LINES | FIELD_DETAIL, .max = MESSAGE_BODY_MAX },
	{ .name = "segment", .column = "segment", .type = FIELD_CHOICE,
	  .flags = FIELD_REQUIRED, .choices = segments },
	{ .name = "ticket_type_id", .column = "ticket_type_id",
	  .type = FIELD_INT, .flags = FIELD_NULL, .min = 1, .max = INT64_MAX },
	{ .name = "session_id", .column = "session_id", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 1, .max = INT64_MAX },
	{ .name = "recipients", .column = "recipients", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = "idempotency_key", .column = "idempotency_key",
	  .type = FIELD_TEXT, .flags = FIELD_HIDDEN },
	{ .name = "request_hash", .column = "request_hash", .type = FIELD_TEXT,
	  .flags = FIELD_HIDDEN },
	{ .name = "created_at", .column = "created_at", .type = FIELD_TIME,
	  .flags = FIELD_CREATED },
	{ .name = NULL }
};

static void
segment_of(const json_t *row, struct message_segment *seg)
{
	const char	*s = json_string_value(json_object_get(row, "segment"));

	seg->segment = s != NULL ? s : "everyone";
	seg->ticket_type_id = resource_int(row, "ticket_type_id", 0);
	seg->session_id = resource_int(row, "session_id", 0);
}

static int
message_check(struct store *st, int64_t parent, json_t *row,
    const json_t *before, struct store_error *err)
{
	struct message_segment	seg;

	(void)before;
	segment_of(row, &seg);
	return store_message_segment_check(st, parent, &seg, err);
}

/* The outbox rows, in the transaction of the message; none is refused. */
static int
message_after(struct store *st, int64_t id, int64_t parent,
    const json_t *row, const json_t *before, struct store_error *err)
{
	struct message_segment	seg;
	int64_t			n;

	(void)before;
	segment_of(row, &seg);
	if ((n = store_message_enqueue(st, id, parent, &seg)) < 0)
		return -1;
	if (n == 0) {
		store_error_set(err, 422, "validation_failed", "nobody is in "
		    "this segment");
		err->fields = json_pack("{s:s}", "segment", "no_recipients");
		return -1;
	}
	return 0;
}

static const struct list_filter filters[] = {
	{ .name = "segment", .type = FILTER_CHOICE, .choices = segments,
	  .where = "organiser_messages.segment = ?" },
	{ .name = NULL }
};

/* Newest first: what was sent last is what is asked about. */
static const struct list_sort sorts[] = {
	{ .name = "created", .order = "organiser_messages.id DESC",
	  .order_desc = "organiser_messages.id" },
	{ .name = NULL }
};

static struct resource messages = {
	.name = "message",
	.table = "organiser_messages",
	.parent = "event_id",
	.fields = fields,
	.order = "id DESC",
	.check = message_check,
	.after = message_after,
	.filters = filters,
	.sorts = sorts,
	.unversioned = 1,
};

/* The checked values of a request's body, or NULL once answered. */
static json_t *
message_values(struct http_req *hr, unsigned char hash[crypto_generichash_BYTES])
{
	const unsigned char	*bytes = NULL;
	size_t			 len = 0;
	json_t			*body, *values, *errors;

	if ((body = http_body_json(hr, &bytes, &len)) == NULL)
		return NULL;
	if (hash != NULL)
		crypto_generichash(hash, crypto_generichash_BYTES, bytes, len,
		    NULL, 0);
	values = resource_parse(&messages, body, 1, &errors);
	json_decref(body);
	if (values == NULL)
		http_reply_error(hr, 422, "validation_failed",
		    "some fields need attention", errors);
	return values;
}

/* A recipient as the preview names them. */
static json_t *
recipient_json(const struct message_recipient *r)
{
	char	*name;
	json_t	*o;

	xasprintf(&name, "%s %s", r->first_name, r->last_name);
	o = json_pack("{s:I, s:s, s:s, s:s}", "attendee_id",
	    (json_int_t)r->attendee_id, "name", name, "email", r->email,
	    "lang", r->lang);
	free(name);
	return o;
}

struct preview {
	json_t				*list;
	struct message_recipient	 first;
	char				*first_name;
};

static int
preview_one(void *arg, const struct message_recipient *r)
{
	struct preview	*p = arg;

	if (json_array_size(p->list) == 0) {
		p->first = *r;
		p->first_name = xstrdup(r->first_name);
		p->first.first_name = p->first_name;
		p->first.last_name = p->first.email = NULL;
	}
	if (json_array_size(p->list) < MESSAGE_PREVIEW_MAX)
		json_array_append_new(p->list, recipient_json(r));
	return 0;
}

/* The first recipient's message, as the mailer will make it. */
static json_t *
preview_sample(struct http_req *hr, const json_t *values,
    const struct preview *p)
{
	const json_t		*first = json_array_get(p->list, 0);
	struct message_text	 msg = {
	    .subject = (char *)json_string_value(json_object_get(values,
	    "subject")),
	    .subject_en = (char *)json_string_value(json_object_get(values,
	    "subject_en")),
	    .body = (char *)json_string_value(json_object_get(values, "body")),
	    .body_en = (char *)json_string_value(json_object_get(values,
	    "body_en")) };
	struct organiser_view	 v = { .lang = p->first.lang,
	    .first_name = p->first.first_name, .msg = &msg };
	struct mail_text	 t;
	char			 token[TOKEN_MANAGE_LEN + 1], *url = NULL;
	int64_t			 event_id;
	json_t			*o;

	if (store_outbox_link(hr->w->store, p->first.registration_id,
	    p->first.is_contact ? 0 : p->first.attendee_id, &event_id,
	    token) == 0) {
		xasprintf(&url, "%s/manage.html#t=%s",
		    hr->w->srv->cfg.public_url, token);
		v.link = url;
	}
	mail_organiser_render(&v, &t);
	o = json_pack("{s:O, s:s, s:s, s:s, s:s}", "to", first, "lang",
	    p->first.lang, "subject", t.subject, "text", t.text, "html",
	    t.html);
	mail_text_clear(&t);
	free(url);
	return o;
}

static void
admin_message_preview(struct http_req *hr)
{
	struct store_error	 err = { 0 };
	struct message_segment	 seg;
	struct preview		 p = { .list = json_array() };
	int64_t			 parent, n;
	json_t			*values = NULL, *answer;

	if (resource_parent(hr, &messages, &parent) != 0 ||
	    (values = message_values(hr, NULL)) == NULL)
		goto out;
	segment_of(values, &seg);
	if (store_message_segment_check(hr->w->store, parent, &seg,
	    &err) != 0) {
		http_reply_store_error(hr, &err);
		goto out;
	}
	if ((n = store_message_recipients(hr->w->store, parent, &seg,
	    preview_one, &p)) < 0) {
		http_reply_read(hr, NULL);
		goto out;
	}
	answer = json_pack("{s:I, s:O}", "count", (json_int_t)n,
	    "recipients", p.list);
	json_object_set_new(answer, "sample", n > 0 ?
	    preview_sample(hr, values, &p) : json_null());
	http_reply_json(hr, 200, answer);
out:
	store_error_clear(&err);
	json_decref(p.list);
	free(p.first_name);
	json_decref(values);
}

/* A send on its way to the writer. */
struct send {
	int64_t		 event;
	json_t		*values;
	char		*key;		/* or NULL */
	char		 hash[crypto_generichash_BYTES * 2 + 1];
	struct staff	 who;
	char		 address[64];
};

static void
send_free(void *arg)
{
	struct send	*s = arg;

	json_decref(s->values);
	free(s->key);
	free(s);
}

static int
send_run(struct store *st, struct job *job)
{
	struct send		*s = job->data;
	struct audit_ctx	 ctx = { .who = &s->who, .address = s->address,
	    .now = (int64_t)time(NULL) };
	char			*hash = NULL;
	int64_t			 id;
	int			 found, rc;

	if (s->key != NULL) {
		rc = store_message_by_key(st, s->event, s->key, &id, &hash);
		if (rc == 1 && strcmp(hash, s->hash) != 0) {
			free(hash);
			store_error_set(&job->err, 409, "idempotency_key_reused",
			    "this Idempotency-Key was used for another message");
			return -1;
		}
		free(hash);
		if (rc < 0) {
			store_error_set(&job->err, 500, "internal", "the message "
			    "could not be sent");
			return -1;
		}
		if (rc == 1) {
			/* Sent already: the same answer, nothing more. */
			if ((job->answer = store_resource_get(st, &messages, id,
			    &found)) == NULL)
				return -1;
			json_object_set_new(job->answer, "replayed",
			    json_true());
			return 0;
		}
		json_object_set_new(s->values, "idempotency_key",
		    json_string(s->key));
		json_object_set_new(s->values, "request_hash",
		    json_string(s->hash));
	}
	if ((id = store_resource_create(st, &messages, s->event, s->values,
	    &ctx, &job->err)) < 0)
		return -1;
	job->status = 201;
	if ((job->answer = store_resource_get(st, &messages, id, &found)) ==
	    NULL)
		return -1;
	json_object_set_new(job->answer, "replayed", json_false());
	return 0;
}

static const struct job_type send_job = {
	.name = "message.send",
	.run = send_run,
};

static void
admin_message_send(struct http_req *hr)
{
	const char		*key = http_input_header(hr, "Idempotency-Key");
	unsigned char		 hash[crypto_generichash_BYTES];
	struct send		*s;
	int64_t			 parent;
	json_t			*values;

	if (key != NULL && !idempotency_key_ok(key)) {
		http_reply_error(hr, 400, "bad_request", "Idempotency-Key must "
		    "be 1 to 128 printable ASCII characters", NULL);
		return;
	}
	if (resource_parent(hr, &messages, &parent) != 0 ||
	    (values = message_values(hr, hash)) == NULL)
		return;
	s = xcalloc(1, sizeof *s);
	s->event = parent;
	s->values = values;
	s->key = key != NULL ? xstrdup(key) : NULL;
	sodium_bin2hex(s->hash, sizeof s->hash, hash, sizeof hash);
	s->who = hr->who;
	http_client_address(hr, s->address, sizeof s->address);
	job_submit(hr, &send_job, s, send_free);
}

const struct route admin_messages_routes[] = {
	{ .path = "/api/v1/admin/events/*/messages", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &messages },
	{ .path = "/api/v1/admin/events/*/messages", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = admin_message_send },
	{ .path = "/api/v1/admin/events/*/messages/preview",
	  .methods = M_POST, .auth = AUTH_ORGANISER,
	  .handler = admin_message_preview },
	{ .path = "/api/v1/admin/messages/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get,
	  .data = &messages },
	{ .path = NULL }
};
