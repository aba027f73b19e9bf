/*
 * admin-programme.c: the programme of an event, for organisers: its rooms,
 * speakers and sessions, each a table of fields for the generic resource
 * code, and the list of what is wrong with it. A session that would put a
 * speaker in two sessions at once, or two sessions in one room at once, is
 * refused (409 "clash", naming the session it clashes with); what is worth
 * a look but allowed comes back as the saved row's "warnings" and in
 * GET .../schedule/issues (store-schedule.c). A room or speaker that a
 * session names, or a session with sign-ups, cannot be deleted (409
 * "in_use"). Times are ISO 8601 with an offset, shown in the event's zone.
 * A speaker named by a session gets a pass (store-speaker-pass.c).
 */
#include <stdio.h>
#include <string.h>

#include "techtankd.h"
#include "resource.h"

#define ROOM_SEATS_MAX		100000
#define SESSION_SPEAKERS_MAX	20

static const struct field room_fields[] = {
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 100 },
	{ .name = "seats", .column = "capacity", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 0, .max = ROOM_SEATS_MAX },
	{ .name = "sort", .column = "sort", .type = FIELD_INT,
	  .min = -1000000, .max = 1000000 },
	{ .name = NULL }
};

/* A photo is the address of one on the web: https, no spaces or quotes. */
static int
photo_ok(const char *s)
{
	if (*s == '\0')
		return 1;
	if (strncmp(s, "https://", 8) != 0 || s[8] == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '<' ||
		    *s == '>' || *s == '\\' || *s == '`')
			return 0;
	return 1;
}

static const struct field speaker_fields[] = {
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 150 },
	{ .name = "company", .column = "company", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "title", .column = "title", .type = FIELD_TEXT, .max = 150 },
	{ .name = "bio", .column = "bio", .type = FIELD_TEXT, .max = 2000 },
	{ .name = "bio_en", .column = "bio_en", .type = FIELD_TEXT,
	  .max = 2000 },
	{ .name = "email", .column = "email", .type = FIELD_EMAIL,
	  .max = 254 },
	{ .name = "photo_url", .column = "photo_url", .type = FIELD_TEXT,
	  .max = 500, .valid = photo_ok },
	{ .name = NULL }
};

/* The first is the default. */
static const char *const kinds[] = { "talk", "keynote", "panel", "workshop",
	"visit", "break", "meal", NULL };
static const char *const languages[] = { "sv", "en", NULL };

static const struct field_link session_speakers = {
	.table = "session_speakers",
	.self = "session_id",
	.other = "speaker_id",
	.order = "sort",
	.target = "speakers",
};

static const struct field session_fields[] = {
	{ .name = "title", .column = "title", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 200 },
	{ .name = "title_en", .column = "title_en", .type = FIELD_TEXT,
	  .max = 200 },
	{ .name = "kind", .column = "kind", .type = FIELD_CHOICE,
	  .choices = kinds },
	{ .name = "language", .column = "language", .type = FIELD_CHOICE,
	  .choices = languages },
	{ .name = "room_id", .column = "room_id", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 1, .max = INT64_MAX, .refs = "rooms" },
	{ .name = "starts_at", .column = "starts_at", .type = FIELD_TIME,
	  .flags = FIELD_REQUIRED },
	{ .name = "ends_at", .column = "ends_at", .type = FIELD_TIME,
	  .flags = FIELD_REQUIRED },
	{ .name = "speakers", .type = FIELD_IDS,
	  .max = SESSION_SPEAKERS_MAX, .link = &session_speakers },
	{ .name = "seats", .column = "seats", .type = FIELD_INT,
	  .flags = FIELD_NULL, .min = 0, .max = ROOM_SEATS_MAX },
	{ .name = "signup", .column = "signup", .type = FIELD_BOOL },
	{ .name = "waitlist", .column = "waitlist", .type = FIELD_BOOL },
	{ .name = "taken", .column = "taken", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = "uid", .column = "uid", .type = FIELD_TEXT,
	  .flags = FIELD_READONLY },
	{ .name = "cancelled", .column = "cancelled", .type = FIELD_BOOL },
	{ .name = "sequence", .column = "sequence", .type = FIELD_INT,
	  .flags = FIELD_READONLY },
	{ .name = "published", .column = "published", .type = FIELD_BOOL,
	  .flags = FIELD_READONLY },
	{ .name = "abstract", .column = "abstract", .type = FIELD_TEXT,
	  .flags = FIELD_DETAIL, .max = 10000 },
	{ .name = "abstract_en", .column = "abstract_en", .type = FIELD_TEXT,
	  .flags = FIELD_DETAIL, .max = 10000 },
	{ .name = NULL }
};

/* The session ends after it starts, and clashes with none. */
static int
session_check(struct store *st, int64_t parent, json_t *row,
    const json_t *before, struct store_error *err)
{
	if (resource_int(row, "ends_at", 0) <= resource_int(row, "starts_at",
	    0)) {
		store_error_set(err, 422, "validation_failed", "the session "
		    "ends before it starts");
		err->fields = json_pack("{s:s}", "ends_at", "before_start");
		return -1;
	}
	return store_schedule_clash(st, parent, resource_int(before, "id", 0),
	    row, err);
}

/* More seats: the session's line takes them at once, in order. */
static int
session_after(struct store *st, int64_t id, int64_t parent,
    const json_t *row, const json_t *before, struct store_error *err)
{
	(void)parent;
	(void)row;
	(void)before;
	(void)err;
	return store_signup_promote(st, id) < 0 ? -1 : 0;
}

/*
 * A speaker edited: the name on their pass follows. (Their pass itself
 * comes with the first release that has them in a session.)
 */
static int
speaker_after(struct store *st, int64_t id, int64_t parent,
    const json_t *row, const json_t *before, struct store_error *err)
{
	(void)parent;
	(void)row;
	(void)before;
	(void)err;
	return store_speaker_pass_update(st, id);
}

static struct resource rooms = {
	.name = "room",
	.table = "rooms",
	.parent = "event_id",
	.fields = room_fields,
	.order = "sort, id",
};

static struct resource speakers = {
	.name = "speaker",
	.table = "speakers",
	.parent = "event_id",
	.fields = speaker_fields,
	.order = "name, id",
	.after = speaker_after,
	.warnings = store_speaker_warnings,
};

static struct resource sessions = {
	.name = "session",
	.table = "sessions",
	.parent = "event_id",
	.fields = session_fields,
	.order = "starts_at, room_id, id",
	.check = session_check,
	.after = session_after,
	.warnings = store_session_warnings,
};

/* GET /api/v1/admin/events/{id}/schedule/issues */
static void
api_schedule_issues(struct http_req *hr)
{
	int64_t	event;

	if (resource_parent(hr, &sessions, &event) != 0)
		return;
	http_reply_read(hr, store_schedule_issues(hr->w->store, event));
}

const struct route admin_programme_routes[] = {
	{ .path = "/api/v1/admin/events/*/rooms", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &rooms },
	{ .path = "/api/v1/admin/events/*/rooms", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create,
	  .data = &rooms },
	{ .path = "/api/v1/admin/rooms/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get,
	  .data = &rooms },
	{ .path = "/api/v1/admin/rooms/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update,
	  .data = &rooms },
	{ .path = "/api/v1/admin/rooms/*", .methods = M_DELETE,
	  .auth = AUTH_ORGANISER, .handler = resource_delete,
	  .data = &rooms },
	{ .path = "/api/v1/admin/events/*/speakers", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &speakers },
	{ .path = "/api/v1/admin/events/*/speakers", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create,
	  .data = &speakers },
	{ .path = "/api/v1/admin/speakers/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get,
	  .data = &speakers },
	{ .path = "/api/v1/admin/speakers/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update,
	  .data = &speakers },
	{ .path = "/api/v1/admin/speakers/*", .methods = M_DELETE,
	  .auth = AUTH_ORGANISER, .handler = resource_delete,
	  .data = &speakers },
	{ .path = "/api/v1/admin/events/*/sessions", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_list,
	  .data = &sessions },
	{ .path = "/api/v1/admin/events/*/sessions", .methods = M_POST,
	  .auth = AUTH_ORGANISER, .handler = resource_create,
	  .data = &sessions },
	{ .path = "/api/v1/admin/sessions/*", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = resource_get,
	  .data = &sessions },
	{ .path = "/api/v1/admin/sessions/*", .methods = M_PATCH,
	  .auth = AUTH_ORGANISER, .handler = resource_update,
	  .data = &sessions },
	{ .path = "/api/v1/admin/sessions/*", .methods = M_DELETE,
	  .auth = AUTH_ORGANISER, .handler = resource_delete,
	  .data = &sessions },
	{ .path = "/api/v1/admin/events/*/schedule/issues", .methods = M_GET,
	  .auth = AUTH_ORGANISER, .handler = api_schedule_issues },
	{ .path = NULL }
};
