/*
 * schedule-c3voc.c: the programme as the c3voc schedule.json, the JSON
 * twin of schedule.xml (schedule-frab.c) that the same apps read, valid
 * against its schema (tests/interop/c3voc-schedule/): the version is the
 * release number as text, the rooms with their seats in the conference,
 * each day's rooms by name, events with only the fields the schema
 * knows, speakers in frab's style (id, public_name). Written by jansson,
 * so any text comes out as valid JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

#define C3VOC_SCHEMA	"https://c3voc.de/schedule/schema.json"

static json_t *
persons(const json_t *s)
{
	json_t		*list = json_array();
	const json_t	*sp;
	size_t		 i;

	json_array_foreach(json_object_get(s, "speakers"), i, sp)
		json_array_append_new(list, json_pack("{s:I, s:s}",
		    "id", (json_int_t)schedule_int(sp, "id", 0),
		    "public_name", schedule_str(sp, "name")));
	return list;
}

static json_t *
event(const json_t *s, const char *acronym, const struct schedule_opts *opts)
{
	const char	*title = schedule_text(s, "title", opts->lang);
	const char	*starts = schedule_str(s, "starts_at");
	const char	*kind = schedule_str(s, "kind");
	int64_t		 id = schedule_int(s, "id", 0);
	char		 dur[8], start[6], *slug, *url;
	json_t		*e;

	schedule_duration(schedule_span(s, start), dur);
	slug = schedule_slug(acronym, id, title);
	xasprintf(&url, "%s/#session-%s", opts->base_url != NULL ?
	    opts->base_url : "", schedule_str(s, "uid"));
	e = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:s, s:s, s:s, s:s, s:s, s:s}",
	    "guid", schedule_str(s, "uid"),
	    "id", (json_int_t)id,
	    "date", starts,
	    "start", start,
	    "end", schedule_str(s, "ends_at"),
	    "duration", dur,
	    "room", schedule_room_name(s),
	    "slug", slug,
	    "url", url,
	    "title", title,
	    "subtitle", "",
	    "track", kind,
	    "type", kind,
	    "language", schedule_str(s, "language"),
	    "abstract", schedule_text(s, "abstract", opts->lang),
	    "description", "");
	free(slug);
	free(url);
	if (e == NULL)	/* a key of the document was not text */
		return NULL;
	json_object_set_new(e, "persons", persons(s));
	json_object_set_new(e, "links", json_array());
	return e;
}

/* The events of a day in a room (NULL: in none), or NULL for none. */
static json_t *
room_events(const json_t *doc, const json_t *day, const json_t *r,
    const char *acronym, const struct schedule_opts *opts)
{
	json_t		*list = json_array(), *e;
	const json_t	*s;
	size_t		 i;

	json_array_foreach(json_object_get(day, "sessions"), i, s)
		if (schedule_in_room(doc, s, r) && (e = event(s, acronym,
		    opts)) != NULL)
			json_array_append_new(list, e);
	if (r == NULL && json_array_size(list) == 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

static json_t *
day_json(const json_t *doc, const json_t *day, size_t index,
    const char *acronym, const struct schedule_opts *opts, int *unroomed)
{
	const json_t	*r;
	const char	*first, *last, *end;
	json_t		*rooms = json_object(), *list;
	char		 date[11];
	size_t		 i;

	if (day == NULL || schedule_day_range(day, &first, &last) != 0)
		last = first = schedule_empty_day(doc, date, &end);
	if (day != NULL)
		snprintf(date, sizeof date, "%s", schedule_str(day, "date"));
	json_array_foreach(json_object_get(doc, "rooms"), i, r)
		json_object_set_new(rooms, schedule_str(r, "name"),
		    room_events(doc, day, r, acronym, opts));
	if ((list = room_events(doc, day, NULL, acronym, opts)) != NULL) {
		json_object_set_new(rooms, "", list);
		*unroomed = 1;
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:o}", "index",
	    (json_int_t)index, "date", date, "day_start", first, "day_end",
	    last, "rooms", rooms);
}

static json_t *
rooms_json(const json_t *doc, int unroomed)
{
	const json_t	*ev = json_object_get(doc, "event"), *r;
	json_t		*list = json_array(), *cap;
	char		 guid[37];
	size_t		 i;

	json_array_foreach(json_object_get(doc, "rooms"), i, r) {
		schedule_guid("room", schedule_int(ev, "id", 0),
		    schedule_int(r, "id", 0), guid);
		cap = json_object_get(r, "capacity");
		json_array_append_new(list, json_pack("{s:s, s:s, s:O}",
		    "name", schedule_str(r, "name"), "guid", guid,
		    "capacity", json_is_integer(cap) ? cap : json_null()));
	}
	if (unroomed) {
		schedule_guid("room", schedule_int(ev, "id", 0), 0, guid);
		json_array_append_new(list, json_pack("{s:s, s:s, s:n}",
		    "name", "", "guid", guid, "capacity"));
	}
	return list;
}

static json_t *
conference(const json_t *doc, const char *acronym,
    const struct schedule_opts *opts)
{
	const json_t	*ev = json_object_get(doc, "event"), *day;
	const json_t	*days = json_object_get(doc, "days");
	const char	*first = schedule_str(ev, "starts_at");
	const char	*last = schedule_str(ev, "ends_at"), *end;
	json_t		*c, *list = json_array(), *d;
	char		 date[11];
	size_t		 i, n = json_array_size(days);
	int64_t		 t;
	int		 unroomed = 0;

	json_array_foreach(days, i, day)
		if ((d = day_json(doc, day, i + 1, acronym, opts, &unroomed)) !=
		    NULL)
			json_array_append_new(list, d);
	if (n == 0 && (d = day_json(doc, NULL, 1, acronym, opts,
	    &unroomed)) != NULL)
		json_array_append_new(list, d);
	if (timefmt_parse_iso(first, &t) != 0 ||
	    timefmt_parse_iso(last, &t) != 0) {
		if (n > 0) {
			first = schedule_str(json_array_get(days, 0), "date");
			last = schedule_str(json_array_get(days, n - 1),
			    "date");
		} else
			last = first = schedule_empty_day(doc, date, &end);
	}
	c = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}",
	    "acronym", acronym,
	    "title", opts->lang == SCHEDULE_EN &&
	    *schedule_str(ev, "name_en") != '\0' ? schedule_str(ev,
	    "name_en") : schedule_str(ev, "name"),
	    "start", first, "end", last,
	    "daysCount", (json_int_t)json_array_size(list),
	    "timeslot_duration", "00:05");
	if (*schedule_str(ev, "timezone") != '\0')
		json_object_set_new(c, "time_zone_name",
		    json_string(schedule_str(ev, "timezone")));
	if (opts->base_url != NULL && *opts->base_url != '\0')
		json_object_set_new(c, "url", json_string(opts->base_url));
	json_object_set_new(c, "rooms", rooms_json(doc, unroomed));
	json_object_set_new(c, "days", list);
	return c;
}

/* schedule.json of the programme: its bytes (the caller's) and length. */
char *
schedule_c3voc(const json_t *doc, const struct schedule_opts *opts,
    size_t *len)
{
	char		*acronym = schedule_acronym(doc), *text, *base = NULL;
	char		 version[24];
	int64_t		 number, published;
	json_t		*sched, *top;
	struct sbuf	 b = { 0 };

	schedule_release(doc, &number, &published);
	snprintf(version, sizeof version, "%lld", (long long)number);
	sched = json_pack("{s:s, s:o}", "version", version, "conference",
	    conference(doc, acronym, opts));
	if (opts->base_url != NULL && *opts->base_url != '\0') {
		xasprintf(&base, "%s/", opts->base_url);
		json_object_set_new(sched, "base_url", json_string(base));
		free(base);
	}
	top = json_pack("{s:s, s:{s:s, s:s}, s:o}", "$schema", C3VOC_SCHEMA,
	    "generator", "name", "techtankd", "version", opts->version != NULL ?
	    opts->version : "", "schedule", sched);
	free(acronym);
	text = json_dumps(top, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(top);
	if (text == NULL)
		fatalx("json_dumps");
	sbuf_adds(&b, text);
	sbuf_add(&b, "\n", 1);
	free(text);
	return sbuf_take(&b, len);
}
