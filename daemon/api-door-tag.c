/*
 * api-door-tag.c: a name tag printed at the door. Door staff who looked a
 * person up (by a scan or by name) print that person's 4 x 3 inch tag
 * from web/door-tag.html, through the browser's print dialog:
 * GET /api/v1/door/attendees/{id}/tag is what the tag says (as the
 * badges' tags do: name, company, role, sign-ups, the event), and
 * .../qr.svg the pass code's QR code for it. Only confirmed attendees of
 * the current event have a tag. Printing changes nothing: it is no
 * check-in and no print run.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "badges.h"
#include "techtankd.h"

/*
 * The confirmed attendee of the current event that hr->args[0] names, in
 * *people; -1 once an error has been answered: 404 for no such attendee
 * here, 409 for one who has no pass (waitlisted, cancelled).
 */
static int
tag_person(struct http_req *hr, struct badge_people *people,
    int64_t *event_id)
{
	struct store	*st = hr->w->store;
	int64_t		 current = store_current_event(st), id, reg;
	char		*end, *cause = NULL;

	id = strtoll(hr->args[0], &end, 10);
	if (*end != '\0' || id <= 0 || hr->args[0][0] < '1' ||
	    hr->args[0][0] > '9')
		goto missing;
	*event_id = -1;
	if ((reg = store_attendee_registration(st, id, event_id)) == -2) {
		http_reply_read(hr, NULL);
		return -1;
	}
	if (reg < 0 || *event_id != current)
		goto missing;
	if (store_badge_people(st, current, BADGE_IDS, &id, 1, people,
	    &cause) != 0 || people->n != 1 || people->v[0].pass_code == NULL) {
		free(cause);
		store_badge_people_clear(people);
		http_reply_error(hr, 409, "no_pass", "only confirmed attendees "
		    "have a tag", NULL);
		return -1;
	}
	return 0;
missing:
	http_reply_error(hr, 404, "not_found", "no such attendee", NULL);
	return -1;
}

static void
api_door_tag(struct http_req *hr)
{
	struct badge_people	 people = { 0 };
	struct badge_event	 ev = { 0 };
	struct badge_person	*p;
	int64_t			 event_id;

	if (tag_person(hr, &people, &event_id) != 0)
		return;
	if (store_badge_event(hr->w->store, event_id, &ev) != 0) {
		store_badge_people_clear(&people);
		http_reply_read(hr, NULL);
		return;
	}
	p = &people.v[0];
	http_header(hr, "Cache-Control", "no-store");
	http_reply_json(hr, 200, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s,"
	    " s:s, s:{s:s}}", "id", (json_int_t)p->id,
	    "first_name", p->first_name, "last_name", p->last_name,
	    "company", p->company, "ticket_type", p->ticket_type,
	    "role", p->role, "marks", p->marks ? p->marks : "",
	    "event", "name", ev.name));
	store_badge_event_clear(&ev);
	store_badge_people_clear(&people);
}

static void
api_door_tag_qr(struct http_req *hr)
{
	struct badge_people	 people = { 0 };
	int64_t			 event_id;

	if (tag_person(hr, &people, &event_id) != 0)
		return;
	http_reply_qr_svg(hr, people.v[0].pass_code);
	store_badge_people_clear(&people);
}

const struct route api_door_tag_routes[] = {
	{ .path = "/api/v1/door/attendees/*/tag", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_door_tag },
	{ .path = "/api/v1/door/attendees/*/qr.svg", .methods = M_GET,
	  .auth = AUTH_DOOR, .handler = api_door_tag_qr },
	{ .path = NULL }
};
