/*
 * http.c: requests and replies. Every request enters through
 * http_request(), which has guard.c refuse what evhttp lets through,
 * and leaves through exactly one of the http_reply_* functions, which
 * log it and forget it. Bodies are read as JSON objects here.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>

#include "techtankd.h"
#include "resource.h"

const char *
http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Status";
	}
}

const char *
http_method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	default: return "-";
	}
}

/*
 * The address of the client of this request (proxy.c): for the access log,
 * login throttling and the audit log.
 */
void
http_client_address(struct http_req *hr, char *out, size_t len)
{
	proxy_client_address(&hr->w->srv->cfg,
	    evhttp_request_get_connection(hr->req),
	    evhttp_request_get_input_headers(hr->req), out, len);
}

/* A job's request on row id by the signed-in staff (free it with free()). */
struct staff_op *
staff_op_new(struct http_req *hr, int64_t id)
{
	struct staff_op	*op = xcalloc(1, sizeof *op);

	op->id = id;
	op->who = hr->who;
	http_client_address(hr, op->address, sizeof op->address);
	return op;
}

static void
access_log(struct http_req *hr, int status, size_t bytes)
{
	char	client[64];

	http_client_address(hr, client, sizeof client);
	worker_log_line(hr->w, client, http_method_name(hr->method),
	    hr->log_path, status, bytes, hr->t0);
}

void
http_req_free(struct http_req *hr)
{
	free(hr->path_buf);
	free(hr->segs);
	free(hr);
}

void
http_header(struct http_req *hr, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(hr->req), name,
	    value);
}

/*
 * evhttp 2.1 writes the head of an answer to a CONNECT but never its body
 * (it takes a 2xx to open a tunnel): the body goes to the connection's
 * output right after the head, before anything is sent.
 */
static void
send_after_headers(struct evhttp_request *req, int status,
    struct evbuffer *body)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct evbuffer		 *out;

	out = bufferevent_get_output(evhttp_connection_get_bufferevent(evcon));
	evhttp_send_reply(req, status, http_status_text(status), NULL);
	if (body != NULL)
		evbuffer_add_buffer(out, body);
}

/*
 * The headers of every answer; with hr->close (or while stopping) the
 * connection ends once the answer has left.
 */
/* The fields every answer carries, after its Content-Type. */
static const char *const every_answer[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
};

void
http_reply_headers(struct http_req *hr, const char *type)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(hr->req);

	if (type != NULL)
		evhttp_add_header(h, "Content-Type", type);
	for (size_t i = 0; i < sizeof every_answer / sizeof every_answer[0];
	    i++)
		evhttp_add_header(h, every_answer[i][0], every_answer[i][1]);
	if (hr->w->stopping || hr->close)
		evhttp_add_header(h, "Connection", "close");
	if (hr->close)
		conn_close_after(hr->w, hr->req);
}

/*
 * The field lines of a kept 200 answer (quick.c sends them without
 * evhttp), in the order http_reply_data() has evhttp write them: the
 * handler's fields, the type, the fields of every answer, then the
 * length and the empty line; the Date goes before them all. The text is
 * the caller's to free; *len its length.
 */
char *
http_kept_head(const char *const fields[][2], size_t nfields,
    const char *type, size_t body_len, size_t *len)
{
	struct evbuffer	*b = evbuffer_new();
	char		*text;

	for (size_t i = 0; i < nfields; i++)
		evbuffer_add_printf(b, "%s: %s\r\n", fields[i][0],
		    fields[i][1]);
	evbuffer_add_printf(b, "Content-Type: %s\r\n", type);
	for (size_t i = 0; i < sizeof every_answer / sizeof every_answer[0];
	    i++)
		evbuffer_add_printf(b, "%s: %s\r\n", every_answer[i][0],
		    every_answer[i][1]);
	evbuffer_add_printf(b, "Content-Length: %zu\r\n\r\n", body_len);
	*len = evbuffer_get_length(b);
	text = xmalloc(*len + 1);
	evbuffer_remove(b, text, *len);
	text[*len] = '\0';
	evbuffer_free(b);
	return text;
}

/*
 * The answer is handed to evhttp: log it and forget the request. Call it
 * while hr->req is still evhttp's (the log reads the peer from it).
 */
void
http_reply_done(struct http_req *hr, int status, size_t bytes)
{
	struct worker	*w = hr->w;

	access_log(hr, status, bytes);
	http_req_free(hr);
	if (w->stopping)
		worker_stop_check(w);
}

/*
 * Send status with body (consumed), log it and forget the request. A HEAD
 * answer carries the Content-Length the GET would have, and no body;
 * evhttp writes neither for a CONNECT, so it gets its length here too.
 */
void
http_reply_data(struct http_req *hr, int status, const char *type,
    struct evbuffer *body)
{
	struct evhttp_request	*req = hr->req;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	size_t			 bytes = body ? evbuffer_get_length(body) : 0;
	int			 connect = hr->method == EVHTTP_REQ_CONNECT;
	char			 len[32];

	http_reply_headers(hr, type);
	if (hr->method == EVHTTP_REQ_HEAD || connect) {
		snprintf(len, sizeof len, "%zu", bytes);
		evhttp_remove_header(h, "Content-Length");
		evhttp_add_header(h, "Content-Length", len);
		if (body != NULL && hr->method == EVHTTP_REQ_HEAD)
			evbuffer_drain(body, bytes);
	}
	/*
	 * Logged first: when the client went away while the answer was
	 * being made, evhttp frees the request as soon as it is sent.
	 */
	http_reply_done(hr, status, bytes);
	if (connect)
		send_after_headers(req, status, body);
	else
		evhttp_send_reply(req, status, http_status_text(status), body);
	if (body != NULL)
		evbuffer_free(body);
}

/* Send status with JSON text (taken; NULL: it could not be written). */
void
http_reply_json_text(struct http_req *hr, int status, char *text)
{
	struct evbuffer	*buf = evbuffer_new();

	if (text == NULL) {
		/* Out of memory, or a value jansson cannot write. */
		log_warnx("%s: the answer could not be written as JSON",
		    hr->log_path);
		status = 500;
		text = xstrdup("{\"error\":{\"code\":\"internal\",\"message\":"
		    "\"the answer could not be written\"}}");
	}
	evbuffer_add_reference(buf, text, strlen(text),
	    (evbuffer_ref_cleanup_cb)(void (*)(void))free, NULL);
	http_header(hr, "Cache-Control", "no-store");
	http_reply_data(hr, status, "application/json; charset=utf-8", buf);
}

void
http_reply_json(struct http_req *hr, int status, json_t *body)
{
	char	*text = json_dumps(body, JSON_COMPACT);

	json_decref(body);
	http_reply_json_text(hr, status, text);
}

void
http_reply_error(struct http_req *hr, int status, const char *code,
    const char *message, json_t *fields)
{
	json_t	*err = json_pack("{s:s, s:s}", "code", code,
	    "message", message);

	if (fields != NULL)
		json_object_set_new(err, "fields", fields);
	http_reply_json(hr, status, json_pack("{s:o}", "error", err));
}

static void
read_failed(struct http_req *hr)
{
	http_reply_error(hr, 500, "internal", "the database could not be read;"
	    " please try again", NULL);
}

/* 200 with what the store read, or 500 when it could not be read (NULL). */
void
http_reply_read(struct http_req *hr, json_t *body)
{
	if (body == NULL) {
		read_failed(hr);
		return;
	}
	http_reply_json(hr, 200, body);
}

/* The same for JSON text the store wrote (taken). */
void
http_reply_read_text(struct http_req *hr, char *text)
{
	if (text == NULL) {
		read_failed(hr);
		return;
	}
	http_reply_json_text(hr, 200, text);
}

/* The one way a store error becomes an answer; takes its fields. */
void
http_reply_store_error(struct http_req *hr, struct store_error *err)
{
	json_t	*fields = err->fields, *body, *current = err->current;
	json_t	*params = err->params;

	err->fields = NULL;
	err->current = NULL;
	err->params = NULL;
	if (err->status == 503)
		http_header(hr, "Retry-After", "1");
	if (err->retry_after > 0) {
		char	retry[16];

		snprintf(retry, sizeof retry, "%d", err->retry_after);
		http_header(hr, "Retry-After", retry);
	}
	body = json_pack("{s:s, s:s}", "code", err->code, "message",
	    err->message);
	if (params != NULL)
		json_object_set_new(body, "params", params);
	if (fields != NULL)
		json_object_set_new(body, "fields", fields);
	if (current != NULL)
		json_object_set_new(body, "current", current);
	http_reply_json(hr, err->status, json_pack("{s:o}", "error", body));
}

/*
 * Content-Disposition naming a download after name (a person's, say):
 * filename= in ASCII for every client, filename*= (RFC 8187) with the real
 * letters, percent-encoded, so nothing in a name reaches the header as it
 * is. ext: "pdf". The header's value, the caller's to free.
 */
char *
http_disposition_value(const char *disposition, const char *name,
    const char *ext)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*ascii = filename_stem(name, 1);
	char			*utf8 = filename_stem(name, 0);
	struct evbuffer		*b = evbuffer_new();
	char			*value;
	size_t			 len;

	evbuffer_add_printf(b, "%s; filename=\"%s.%s\"; filename*=UTF-8''",
	    disposition, ascii, ext);
	for (const unsigned char *p = (const unsigned char *)utf8; *p != '\0';
	    p++) {
		/* attr-char of RFC 8187 as it is, every other byte escaped. */
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || strchr("-._~", *p) != NULL)
			evbuffer_add(b, p, 1);
		else
			evbuffer_add_printf(b, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]);
	}
	evbuffer_add_printf(b, ".%s", ext);
	len = evbuffer_get_length(b);
	value = xmalloc(len + 1);
	evbuffer_remove(b, value, len);
	value[len] = '\0';
	evbuffer_free(b);
	free(ascii);
	free(utf8);
	return value;
}

/* The same as a header of the answer. */
void
http_disposition(struct http_req *hr, const char *disposition,
    const char *name, const char *ext)
{
	char	*value = http_disposition_value(disposition, name, ext);

	http_header(hr, "Content-Disposition", value);
	free(value);
}

/*
 * The value of a query parameter (copied into buf), or NULL when it is not
 * there; "" when it is too long for buf, which is no value we take.
 */
const char *
http_query_value(struct http_req *hr, const char *name, char *buf, size_t len)
{
	const char	*q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(
	    hr->req)), *v;
	struct evkeyvalq params;

	TAILQ_INIT(&params);
	if (q == NULL || evhttp_parse_query_str(q, &params) != 0 ||
	    (v = evhttp_find_header(&params, name)) == NULL) {
		evhttp_clear_headers(&params);
		return NULL;
	}
	if (strlen(v) >= len)
		v = "";
	memcpy(buf, v, strlen(v) + 1);
	evhttp_clear_headers(&params);
	return buf;
}

/* A number in the query (paging): its value, def when absent, -1 if bad. */
int64_t
http_query_int(struct http_req *hr, const char *name, int64_t def, int64_t max)
{
	char	buf[24], *end;
	long long v;

	if (http_query_value(hr, name, buf, sizeof buf) == NULL)
		return def;
	v = strtoll(buf, &end, 10);
	if (*buf == '\0' || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

/*
 * A list's paging (limit, offset) and its filter, one of choices (absent:
 * q->choice NULL), checked together: 0, or -1 with the 422 sent that
 * names each bad parameter.
 */
int
http_list_query(struct http_req *hr, const char *filter,
    const char *const *choices, struct http_list *q)
{
	json_t	*errors = json_object();
	size_t	 i;

	q->limit = http_query_int(hr, "limit", RESOURCE_PAGE_DEFAULT,
	    RESOURCE_PAGE_MAX);
	q->offset = http_query_int(hr, "offset", 0, INT32_MAX);
	q->choice = http_query_value(hr, filter, q->buf, sizeof q->buf);
	if (q->limit <= 0)
		json_object_set_new(errors, "limit", json_string("out_of_range"));
	if (q->offset < 0)
		json_object_set_new(errors, "offset",
		    json_string("out_of_range"));
	if (q->choice != NULL) {
		for (i = 0; choices[i] != NULL; i++)
			if (strcmp(choices[i], q->choice) == 0)
				break;
		if (choices[i] == NULL)
			json_object_set_new(errors, filter,
			    json_string("not_a_choice"));
	}
	if (json_object_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	http_reply_error(hr, 422, "validation_failed", "some filters need "
	    "attention", errors);
	return -1;
}

const char *
http_input_header(struct http_req *hr, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(hr->req),
	    name);
}

/* application/json, with or without parameters such as charset. */
static int
is_json_type(const char *type)
{
	size_t	len = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", len) != 0)
		return 0;
	return type[len] == '\0' || type[len] == ';' || type[len] == ' ';
}

/* The JSON object in the body, or NULL once an error has been sent. */
json_t *
http_body_json(struct http_req *hr, const unsigned char **bytes, size_t *len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(hr->req);
	json_error_t	 jerr;
	json_t		*body;
	char		 msg[200];

	if (!is_json_type(http_input_header(hr, "Content-Type"))) {
		http_reply_error(hr, 415, "unsupported_media_type",
		    "send the body as application/json", NULL);
		return NULL;
	}
	*len = evbuffer_get_length(in);
	if ((long)*len > hr->w->srv->cfg.max_body) {
		http_reply_error(hr, 413, "payload_too_large",
		    "the request body is too large", NULL);
		return NULL;
	}
	*bytes = evbuffer_pullup(in, -1);
	if (*len > 0 && !utf8_valid((const char *)*bytes, *len)) {
		http_reply_error(hr, 422, "invalid_utf8",
		    "the request body is not valid UTF-8", NULL);
		return NULL;
	}
	body = json_loadb((const char *)*bytes, *len, JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &jerr);
	if (body == NULL) {
		snprintf(msg, sizeof msg, "malformed JSON: %s (line %d)",
		    jerr.text, jerr.line);
		http_reply_error(hr, 400, "bad_request", msg, NULL);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		http_reply_error(hr, 400, "bad_request",
		    "the body must be a JSON object", NULL);
		return NULL;
	}
	return body;
}

/*
 * Refuse a request guard.c found wrong, and close. The log shows its
 * target up to the first byte a target may not have (the access log
 * escapes nothing more, then), so that the request can still be found.
 */
static void
refused(struct http_req *hr, struct guard_verdict *v)
{
	const char	*target = evhttp_request_get_uri(hr->req);
	size_t		 n = 0;

	if (target != NULL) {
		while ((unsigned char)target[n] > 0x20 &&
		    (unsigned char)target[n] < 0x7f)
			n++;
		/* Room for the mask, which can be longer than a short secret. */
		hr->path_buf = xmalloc(n + sizeof "<token>");
		memcpy(hr->path_buf, target, n);
		hr->path_buf[n] = '\0';
		accesslog_mask(hr->path_buf, n + sizeof "<token>");
		hr->log_path = hr->path_buf;
	}
	hr->close = 1;
	http_reply_error(hr, v->status, v->code, v->message, NULL);
}

/*
 * evhttp's callback for every complete request. What evhttp let through
 * but RFC 9112 forbids is refused first (guard.c), and the connection
 * closed with the answer: after a framing error no byte can be trusted.
 */
void
http_request(struct evhttp_request *req, void *arg)
{
	struct worker		*w = arg;
	struct http_req		*hr = xcalloc(1, sizeof *hr);
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*raw = uri ? evhttp_uri_get_path(uri) : NULL;
	struct guard_verdict	 v;
	size_t			 len;

	hr->w = w;
	hr->req = req;
	hr->t0 = timefmt_now_usec();
	hr->method = evhttp_request_get_command(req);
	hr->path = hr->log_path = "-";
	conn_admit(w, req);
	if (guard_request(req, &v) != 0) {
		refused(hr, &v);
		return;
	}
	hr->close = guard_body_unread(req);
	if (hr->method == EVHTTP_REQ_CONNECT) {
		/* Its target is a host and port, not a path: we are no proxy. */
		hr->close = 1;
		http_reply_error(hr, 501, "not_implemented",
		    "this server is not a proxy", NULL);
		return;
	}
	if (raw == NULL || *raw == '\0')
		raw = "/";
	hr->path_buf = evhttp_uridecode(raw, 0, &len);
	if (hr->path_buf == NULL || strlen(hr->path_buf) != len) {
		http_reply_error(hr, 400, "bad_request", "malformed path", NULL);
		return;
	}
	hr->path = hr->log_path = hr->path_buf;
	router_dispatch(hr);
}
