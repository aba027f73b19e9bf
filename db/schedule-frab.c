/*
 * schedule-frab.c: the programme as the frab-compatible schedule.xml that
 * conference apps (Giggity, ConfClerk, EventFahrplan) import, valid
 * against the c3voc schema (tests/interop/c3voc-schedule/): its version
 * is the release number, a day runs from its first session's start to
 * its last one's end, rooms in the organiser's order (sessions held in
 * none under a room without a name), an event's guid is the session's
 * uid (stable across releases and edits) and its duration HH:MM. Text is
 * escaped for XML; characters XML cannot hold are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

/* Character data or an attribute value: & < > " escaped, controls gone. */
void
xml_text(struct sbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	    p++) {
		switch (*p) {
		case '&':
			sbuf_adds(b, "&amp;");
			break;
		case '<':
			sbuf_adds(b, "&lt;");
			break;
		case '>':
			sbuf_adds(b, "&gt;");
			break;
		case '"':
			sbuf_adds(b, "&quot;");
			break;
		case '\t':
		case '\n':
			sbuf_add(b, (const char *)p, 1);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				break;
			/* U+FFFE and U+FFFF are no XML characters. */
			if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe ||
			    p[2] == 0xbf)) {
				p += 2;
				break;
			}
			sbuf_add(b, (const char *)p, 1);
			break;
		}
	}
}

static void
element(struct sbuf *b, const char *indent, const char *name,
    const char *value)
{
	sbuf_printf(b, "%s<%s>", indent, name);
	xml_text(b, value);
	sbuf_printf(b, "</%s>\n", name);
}

static int
http_url(const char *s)
{
	return s != NULL && (strncmp(s, "http://", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0);
}

static void
persons(struct sbuf *b, const json_t *s)
{
	const json_t	*sp;
	size_t		 i;

	sbuf_adds(b, "        <persons>\n");
	json_array_foreach(json_object_get(s, "speakers"), i, sp) {
		sbuf_printf(b, "          <person id=\"%lld\">",
		    (long long)schedule_int(sp, "id", 0));
		xml_text(b, schedule_str(sp, "name"));
		sbuf_adds(b, "</person>\n");
	}
	sbuf_adds(b, "        </persons>\n");
}

static void
event(struct sbuf *b, const char *acronym, const json_t *s,
    const struct schedule_opts *opts)
{
	const char	*title = schedule_text(s, "title", opts->lang);
	const char	*starts = schedule_str(s, "starts_at");
	const char	*kind = schedule_str(s, "kind");
	int64_t		 id = schedule_int(s, "id", 0);
	char		 dur[8], start[6], *slug;

	schedule_duration(schedule_span(s, start), dur);
	sbuf_printf(b, "      <event guid=\"");
	xml_text(b, schedule_str(s, "uid"));
	sbuf_printf(b, "\" id=\"%lld\">\n", (long long)id);
	element(b, "        ", "room", schedule_room_name(s));
	element(b, "        ", "title", title);
	element(b, "        ", "subtitle", "");
	element(b, "        ", "type", kind);
	element(b, "        ", "date", starts);
	element(b, "        ", "start", start);
	element(b, "        ", "duration", dur);
	element(b, "        ", "abstract", schedule_text(s, "abstract",
	    opts->lang));
	slug = schedule_slug(acronym, id, title);
	element(b, "        ", "slug", slug);
	free(slug);
	element(b, "        ", "track", kind);
	persons(b, s);
	element(b, "        ", "language", schedule_str(s, "language"));
	element(b, "        ", "description", "");
	if (http_url(opts->base_url)) {
		sbuf_printf(b, "        <url>");
		xml_text(b, opts->base_url);
		sbuf_adds(b, "/#session-");
		xml_text(b, schedule_str(s, "uid"));
		sbuf_adds(b, "</url>\n");
	}
	sbuf_adds(b, "      </event>\n");
}

/* A room of a day with its sessions; room NULL: those held in none. */
static void
room(struct sbuf *b, const json_t *doc, const json_t *day,
    const json_t *r, const char *acronym, const struct schedule_opts *opts)
{
	const json_t	*s, *ev = json_object_get(doc, "event");
	size_t		 i, n = 0;
	char		 guid[37];

	json_array_foreach(json_object_get(day, "sessions"), i, s)
		n += schedule_in_room(doc, s, r);
	if (r == NULL && n == 0)
		return;
	schedule_guid("room", schedule_int(ev, "id", 0), r != NULL ?
	    schedule_int(r, "id", 0) : 0, guid);
	sbuf_adds(b, "    <room name=\"");
	xml_text(b, r != NULL ? schedule_str(r, "name") : "");
	sbuf_printf(b, "\" guid=\"%s\">\n", guid);
	json_array_foreach(json_object_get(day, "sessions"), i, s)
		if (schedule_in_room(doc, s, r))
			event(b, acronym, s, opts);
	sbuf_adds(b, "    </room>\n");
}

static void
conference(struct sbuf *b, const json_t *doc, const char *acronym,
    const struct schedule_opts *opts)
{
	const json_t	*ev = json_object_get(doc, "event");
	const json_t	*days = json_object_get(doc, "days");
	const char	*first, *last, *end;
	char		 date[11];
	size_t		 n = json_array_size(days);
	int64_t		 t;

	first = schedule_str(ev, "starts_at");
	last = schedule_str(ev, "ends_at");
	if (timefmt_parse_iso(first, &t) != 0 ||
	    timefmt_parse_iso(last, &t) != 0) {
		if (n > 0) {
			first = schedule_str(json_array_get(days, 0), "date");
			last = schedule_str(json_array_get(days, n - 1),
			    "date");
		} else
			first = last = schedule_empty_day(doc, date, &end);
	}
	sbuf_adds(b, "  <conference>\n");
	element(b, "    ", "title", opts->lang == SCHEDULE_EN &&
	    *schedule_str(ev, "name_en") != '\0' ? schedule_str(ev,
	    "name_en") : schedule_str(ev, "name"));
	element(b, "    ", "acronym", acronym);
	element(b, "    ", "start", first);
	element(b, "    ", "end", last);
	sbuf_printf(b, "    <days>%zu</days>\n", n > 0 ? n : 1);
	element(b, "    ", "timeslot_duration", "00:05");
	if (http_url(opts->base_url)) {
		sbuf_adds(b, "    <base_url>");
		xml_text(b, opts->base_url);
		sbuf_adds(b, "/</base_url>\n");
	}
	if (*schedule_str(ev, "timezone") != '\0')
		element(b, "    ", "time_zone_name", schedule_str(ev,
		    "timezone"));
	sbuf_adds(b, "  </conference>\n");
}

/* schedule.xml of the programme: its bytes (the caller's) and length. */
char *
schedule_frab(const json_t *doc, const struct schedule_opts *opts,
    size_t *len)
{
	const json_t	*days = json_object_get(doc, "days"), *day, *r;
	struct sbuf	 b = { 0 };
	int64_t		 number, published;
	const char	*first, *last, *end;
	char		*acronym = schedule_acronym(doc), date[11];
	size_t		 i, j;

	schedule_release(doc, &number, &published);
	sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<schedule>\n  <generator name=\"techtankd\" version=\"");
	xml_text(&b, opts->version != NULL ? opts->version : "");
	sbuf_adds(&b, "\"/>\n");
	if (http_url(opts->base_url)) {
		sbuf_adds(&b, "  <url>");
		xml_text(&b, opts->base_url);
		sbuf_adds(&b, "/api/v1/schedule.xml</url>\n");
	}
	sbuf_printf(&b, "  <version>%lld</version>\n", (long long)number);
	conference(&b, doc, acronym, opts);
	if (json_array_size(days) == 0) {
		first = schedule_empty_day(doc, date, &last);
		sbuf_printf(&b, "  <day index=\"1\" date=\"%s\" start=\"", date);
		xml_text(&b, first);
		sbuf_adds(&b, "\" end=\"");
		xml_text(&b, last);
		sbuf_adds(&b, "\"/>\n");
	}
	json_array_foreach(days, i, day) {
		if (schedule_day_range(day, &first, &last) != 0)
			last = first = schedule_empty_day(doc, date, &end);
		sbuf_printf(&b, "  <day index=\"%zu\" date=\"", i + 1);
		xml_text(&b, schedule_str(day, "date"));
		sbuf_adds(&b, "\" start=\"");
		xml_text(&b, first);
		sbuf_adds(&b, "\" end=\"");
		xml_text(&b, last);
		sbuf_adds(&b, "\">\n");
		json_array_foreach(json_object_get(doc, "rooms"), j, r)
			room(&b, doc, day, r, acronym, opts);
		room(&b, doc, day, NULL, acronym, opts);
		sbuf_adds(&b, "  </day>\n");
	}
	sbuf_adds(&b, "</schedule>\n");
	free(acronym);
	return sbuf_take(&b, len);
}
