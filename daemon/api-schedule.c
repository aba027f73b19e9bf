/*
 * api-schedule.c: the public programme as files for calendars and
 * conference apps: the whole programme and each session as iCalendar,
 * the frab schedule.xml and the c3voc schedule.json (db/schedule-*.c
 * make them), each in Swedish or English (?lang=en). Each worker makes a
 * file the first time it is asked for after the programme changed
 * (writer_programme_generation(), as api-event.c keeps the programme's
 * JSON) and keeps it with its ETag and file name, so a request only
 * hands the kept bytes to evhttp by reference (counted: a file replaced
 * meanwhile lives until its last answer is sent). If-None-Match with the
 * ETag gets 304.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <sodium.h>

#include "config.h"
#include "techtankd.h"
#include "schedule.h"
#include "store-release.h"

#define SCHEDULE_LANGS	2
#define ETAG_MAX	40	/* "<32 hex digits>" */

enum schedule_kind { FILE_ICS = SCHEDULE_FILE_ICS,
	FILE_XML = SCHEDULE_FILE_XML, FILE_JSON = SCHEDULE_FILE_JSON,
	FILE_KINDS };

static const struct {
	const char	*type;
	const char	*ext;
	const char	*disposition;
} kinds[FILE_KINDS] = {
	[FILE_ICS] = { "text/calendar; charset=utf-8", "ics", "attachment" },
	[FILE_XML] = { "application/xml; charset=utf-8", "xml", "inline" },
	[FILE_JSON] = { "application/json; charset=utf-8", "json", "inline" },
};

/* A file made for the current programme. */
struct schedule_file {
	char			*body;
	size_t			 len;
	char			 etag[ETAG_MAX];
	char			*disposition;	/* the header's value */
	char			*head;		/* its fields, for quick.c */
	size_t			 head_len;
	char			 uid[SCHEDULE_UID_MAX];	/* one session's */
	enum schedule_lang	 lang;
	int			 refs;		/* the cache's, answers' */
	struct schedule_file	*next;
};

/* A worker's files, for one generation of the programme. */
struct schedule_cache {
	uint64_t		 generation;
	int			 loaded;
	struct release_cache	*release;	/* the document's, kept */
	const json_t		*doc;		/* NULL: no event is set up */
	struct schedule_file	*files[FILE_KINDS][SCHEDULE_LANGS];
	struct schedule_file	*sessions;	/* per session, as asked for */
};

/* Drop a hold on a file; the last frees it. Only its worker holds it. */
static void
file_unref(struct schedule_file *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	free(f->body);
	free(f->disposition);
	free(f->head);
	free(f);
}

/* An answer's body was sent or dropped. */
static void
body_done(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	file_unref(arg);
}

static void
cache_clear(struct schedule_cache *c)
{
	struct schedule_file	*f, *next;

	for (int k = 0; k < FILE_KINDS; k++)
		for (int l = 0; l < SCHEDULE_LANGS; l++) {
			file_unref(c->files[k][l]);
			c->files[k][l] = NULL;
		}
	for (f = c->sessions; f != NULL; f = next) {
		next = f->next;
		file_unref(f);
	}
	c->sessions = NULL;
	c->doc = NULL;		/* the release cache's */
	c->loaded = 0;
}

void
schedule_cache_free(struct schedule_cache *c)
{
	if (c == NULL)
		return;
	cache_clear(c);
	store_release_cache_free(c->release);
	free(c);
}

/*
 * The programme as the public sees it (the latest release's document, as
 * GET /api/v1/programme answers it, seats left aside), looked at again
 * when the generation changed and made into files again only when the
 * release did: 0, -1 when no event is set up, -2 when the database
 * failed. The generation is taken before the read, so a change committed
 * meanwhile makes the next request look once more.
 */
static int
cache_load(struct worker *w)
{
	struct schedule_cache	*c = w->schedule;
	uint64_t		 generation = writer_programme_generation();
	const json_t		*doc;
	int64_t			 id;
	int			 same;

	if (c == NULL) {
		c = w->schedule = xcalloc(1, sizeof *c);
		c->release = store_release_cache_create();
	}
	if (c->loaded && c->generation == generation)
		return c->doc != NULL ? 0 : -1;
	if ((id = store_current_event(w->store)) == -2)
		return -2;
	if (id <= 0) {
		cache_clear(c);
		c->generation = generation;
		c->loaded = 1;
		return -1;
	}
	if ((doc = store_release_document_cached(w->store, id, c->release,
	    &same)) == NULL) {
		cache_clear(c);
		return -2;
	}
	/* A seat taken is a new generation, not a new release: files stand. */
	if (!same || !c->loaded || c->doc != doc)
		cache_clear(c);
	c->doc = doc;
	c->generation = generation;
	c->loaded = 1;
	return 0;
}

/* The name a file is saved under: the event's, or the session's title. */
static const char *
file_name(const json_t *doc, enum schedule_kind kind, const char *uid,
    enum schedule_lang lang)
{
	const json_t	*ev = json_object_get(doc, "event"), *day, *s;
	size_t		 i, j;

	if (kind != FILE_ICS)
		return "schedule";
	if (uid != NULL)
		json_array_foreach(json_object_get(doc, "days"), i, day)
			json_array_foreach(json_object_get(day, "sessions"), j,
			    s)
				if (strcmp(schedule_str(s, "uid"), uid) == 0)
					return schedule_text(s, "title", lang);
	if (lang == SCHEDULE_EN && *schedule_str(ev, "name_en") != '\0')
		return schedule_str(ev, "name_en");
	return schedule_str(ev, "name");
}

/* The fields of a file's answer, as file_reply() has evhttp send them. */
static void
file_head(struct schedule_file *f, enum schedule_kind kind)
{
	const char *const	fields[][2] = {
		{ "Cache-Control", "no-cache" },
		{ "ETag", f->etag },
		{ "Content-Disposition", f->disposition },
	};

	f->head = http_kept_head(fields, sizeof fields / sizeof fields[0],
	    kinds[kind].type, f->len, &f->head_len);
}

/* Make a file of the programme; NULL when no session has the uid. */
static struct schedule_file *
file_make(struct worker *w, enum schedule_kind kind, const char *uid,
    enum schedule_lang lang)
{
	const json_t		*doc = w->schedule->doc;
	struct schedule_opts	 opts = { .lang = lang,
	    .base_url = w->srv->cfg.public_url, .version = PACKAGE_VERSION };
	struct schedule_file	*f = xcalloc(1, sizeof *f);
	unsigned char		 h[16];
	char			 hex[2 * sizeof h + 1];

	switch (kind) {
	case FILE_ICS:
		f->body = schedule_ical(doc, &opts, uid, &f->len);
		break;
	case FILE_XML:
		f->body = schedule_frab(doc, &opts, &f->len);
		break;
	default:
		f->body = schedule_c3voc(doc, &opts, &f->len);
		break;
	}
	if (f->body == NULL) {
		free(f);
		return NULL;
	}
	crypto_generichash(h, sizeof h, (const unsigned char *)f->body,
	    f->len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
	f->disposition = http_disposition_value(kinds[kind].disposition,
	    file_name(doc, kind, uid, lang), kinds[kind].ext);
	file_head(f, kind);
	f->lang = lang;
	f->refs = 1;
	if (uid != NULL)
		snprintf(f->uid, sizeof f->uid, "%s", uid);
	return f;
}

/* The file, made now if this worker has not made it since the change. */
static struct schedule_file *
file_get(struct worker *w, enum schedule_kind kind, const char *uid,
    enum schedule_lang lang)
{
	struct schedule_cache	*c = w->schedule;
	struct schedule_file	*f;

	if (uid == NULL) {
		if (c->files[kind][lang] == NULL)
			c->files[kind][lang] = file_make(w, kind, NULL, lang);
		return c->files[kind][lang];
	}
	for (f = c->sessions; f != NULL; f = f->next)
		if (f->lang == lang && strcmp(f->uid, uid) == 0)
			return f;
	if ((f = file_make(w, kind, uid, lang)) != NULL) {
		f->next = c->sessions;
		c->sessions = f;
	}
	return f;
}

/*
 * The whole programme as a file, for quick.c: 0, or -1 to leave the
 * request to evhttp (no event, a database error: file_reply() answers).
 */
int
schedule_quick(struct worker *w, enum schedule_file_kind kind, int lang,
    struct quick_file *qf)
{
	struct schedule_file	*f;

	if (cache_load(w) != 0 ||
	    (f = file_get(w, (enum schedule_kind)kind, NULL,
	    lang ? SCHEDULE_EN : SCHEDULE_SV)) == NULL)
		return -1;
	qf->head = f->head;
	qf->head_len = f->head_len;
	qf->body = f->body;
	qf->len = f->len;
	return 0;
}

/* ?lang=sv|en: 0, or -1 with the answer sent. */
static int
lang_param(struct http_req *hr, enum schedule_lang *lang)
{
	char		 buf[8];
	const char	*v = http_query_value(hr, "lang", buf, sizeof buf);

	*lang = SCHEDULE_SV;
	if (v == NULL || strcmp(v, "sv") == 0)
		return 0;
	if (strcmp(v, "en") == 0) {
		*lang = SCHEDULE_EN;
		return 0;
	}
	http_reply_error(hr, 422, "validation_failed",
	    "some parameters need attention", json_pack("{s:s}", "lang",
	    "not_a_choice"));
	return -1;
}

/* Whether If-None-Match names the file's ETag (or any, "*"). */
static int
not_modified(struct http_req *hr, const struct schedule_file *f)
{
	const char	*v = http_input_header(hr, "If-None-Match");

	return v != NULL && (strcmp(v, "*") == 0 || strstr(v, f->etag) !=
	    NULL);
}

static void
file_reply(struct http_req *hr, enum schedule_kind kind, const char *uid)
{
	struct schedule_file	*f;
	struct evbuffer		*buf;
	enum schedule_lang	 lang;
	int			 rc;

	if (lang_param(hr, &lang) != 0)
		return;
	if ((rc = cache_load(hr->w)) == -1) {
		http_reply_error(hr, 404, "not_found", "no event is set up",
		    NULL);
		return;
	}
	if (rc != 0) {
		http_reply_read(hr, NULL);
		return;
	}
	if ((f = file_get(hr->w, kind, uid, lang)) == NULL) {
		http_reply_error(hr, 404, "not_found", "no such session",
		    NULL);
		return;
	}
	http_header(hr, "Cache-Control", "no-cache");
	http_header(hr, "ETag", f->etag);
	if (not_modified(hr, f)) {
		http_reply_data(hr, 304, NULL, NULL);
		return;
	}
	http_header(hr, "Content-Disposition", f->disposition);
	buf = evbuffer_new();
	f->refs++;
	if (evbuffer_add_reference(buf, f->body, f->len, body_done, f) != 0) {
		f->refs--;
		evbuffer_add(buf, f->body, f->len);
	}
	http_reply_data(hr, 200, kinds[kind].type, buf);
}

static void
api_programme_ics(struct http_req *hr)
{
	file_reply(hr, FILE_ICS, NULL);
}

/* /api/v1/sessions/{uid}.ics */
static void
api_session_ics(struct http_req *hr)
{
	const char	*arg = hr->args[0];
	size_t		 len = strlen(arg);
	char		 uid[SCHEDULE_UID_MAX];

	if (len <= 4 || len - 4 >= sizeof uid ||
	    strcmp(arg + len - 4, ".ics") != 0) {
		http_reply_error(hr, 404, "not_found", "no such session",
		    NULL);
		return;
	}
	memcpy(uid, arg, len - 4);
	uid[len - 4] = '\0';
	if (!schedule_uid_valid(uid)) {
		http_reply_error(hr, 404, "not_found", "no such session",
		    NULL);
		return;
	}
	file_reply(hr, FILE_ICS, uid);
}

static void
api_schedule_xml(struct http_req *hr)
{
	file_reply(hr, FILE_XML, NULL);
}

static void
api_schedule_json(struct http_req *hr)
{
	file_reply(hr, FILE_JSON, NULL);
}

const struct route api_schedule_routes[] = {
	{ .path = "/api/v1/programme.ics", .methods = M_GET,
	  .handler = api_programme_ics },
	{ .path = "/api/v1/sessions/*", .methods = M_GET,
	  .handler = api_session_ics },
	{ .path = "/api/v1/schedule.xml", .methods = M_GET,
	  .handler = api_schedule_xml },
	{ .path = "/api/v1/schedule.json", .methods = M_GET,
	  .handler = api_schedule_json },
	{ .path = NULL }
};
