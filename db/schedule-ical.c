/*
 * schedule-ical.c: the programme, or one of its sessions, as an iCalendar
 * file (RFC 5545) that calendars import and subscribe to. Times are the
 * event's wall clock with its zone (TZID), described by a VTIMEZONE made
 * from the zone's own rules (tzfile.c: the POSIX rule at the end of the
 * system's TZif file, CET-1CEST,M3.5.0,M10.5.0/3 for Europe/Stockholm);
 * UTC where the zone is unknown, its rule cannot be repeated yearly, or a
 * wall time occurs twice (the hour the clocks go back) and would be read
 * as its first occurrence. A session's UID is its uid with a fixed suffix,
 * the same on every host and in every release; DTSTAMP is the release's
 * publication, so the same programme gives the same bytes. Text is escaped
 * (\ ; , and newlines), controls are dropped, and lines are folded at 75
 * octets, never inside a UTF-8 character.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

#define ICAL_LINE_MAX	75	/* octets of a line, CRLF not counted */

/* TEXT of RFC 5545 3.3.11: \ ; , escaped, newlines as \n, controls gone. */
void
ical_text(struct sbuf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0';
	    p++) {
		switch (*p) {
		case '\\':
			sbuf_add(b, "\\\\", 2);
			break;
		case ';':
			sbuf_add(b, "\\;", 2);
			break;
		case ',':
			sbuf_add(b, "\\,", 2);
			break;
		case '\r':
			if (p[1] != '\n')
				sbuf_add(b, "\\n", 2);
			break;
		case '\n':
			sbuf_add(b, "\\n", 2);
			break;
		default:
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				break;
			sbuf_add(b, (const char *)p, 1);
			break;
		}
	}
}

/*
 * One content line, folded (RFC 5545 3.1): at most 75 octets a line, the
 * space that starts a continuation counted, each ended by CRLF. A fold
 * never falls before a UTF-8 continuation byte.
 */
void
ical_fold(struct sbuf *out, const char *line, size_t len)
{
	size_t	at = 0, room = ICAL_LINE_MAX, n;

	do {
		n = len - at < room ? len - at : room;
		if (at + n < len) {
			while (n > 0 && ((unsigned char)line[at + n] & 0xc0) ==
			    0x80)
				n--;
			if (n == 0)	/* not UTF-8: cut where it fits */
				n = room;
		}
		if (at > 0)
			sbuf_add(out, " ", 1);
		sbuf_add(out, line + at, n);
		sbuf_add(out, "\r\n", 2);
		at += n;
		room = ICAL_LINE_MAX - 1;
	} while (at < len);
}

/* The state of one file being written. */
struct ical {
	struct sbuf			 out;
	struct sbuf			 line;
	const struct schedule_opts	*opts;
	const char			*zone;
	const struct tzfile		*tz;	/* NULL: times in UTC */
	struct tzfile_rule		 rule;
	int				 rule_rc;	/* of tzfile_rule() */
	char				 stamp[20];
};

static void
line_end(struct ical *ic)
{
	ical_fold(&ic->out, ic->line.p, ic->line.len);
	ic->line.len = 0;
}

static void
raw(struct ical *ic, const char *s)
{
	sbuf_adds(&ic->line, s);
	line_end(ic);
}

/* NAME:TEXT, escaped. */
static void
text(struct ical *ic, const char *name, const char *value)
{
	sbuf_printf(&ic->line, "%s:", name);
	ical_text(&ic->line, value);
	line_end(ic);
}

/* +0100, or +053045 with seconds. */
static void
offset(struct sbuf *b, long off)
{
	long	a = off < 0 ? -off : off;

	sbuf_printf(b, "%c%02ld%02ld", off < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
	if (a % 60 != 0)
		sbuf_printf(b, "%02ld", a % 60);
}

static void
change(struct ical *ic, const char *kind, const struct tzfile_change *c)
{
	static const char	*days[] = { "SU", "MO", "TU", "WE", "TH", "FR",
	    "SA" };

	sbuf_printf(&ic->line, "BEGIN:%s", kind);
	line_end(ic);
	sbuf_adds(&ic->line, "TZOFFSETFROM:");
	offset(&ic->line, c->from);
	line_end(ic);
	sbuf_adds(&ic->line, "TZOFFSETTO:");
	offset(&ic->line, c->to);
	line_end(ic);
	if (c->name[0] != '\0')
		text(ic, "TZNAME", c->name);
	sbuf_printf(&ic->line, "DTSTART:1970%02d%02dT%02d%02d%02d", c->month,
	    c->mday, c->secs / 3600, c->secs / 60 % 60, c->secs % 60);
	line_end(ic);
	sbuf_printf(&ic->line, "RRULE:FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s",
	    c->month, c->week, days[c->wday]);
	line_end(ic);
	sbuf_printf(&ic->line, "END:%s", kind);
	line_end(ic);
}

/* The VTIMEZONE of the event's zone, or none: its times go in UTC. */
static void
vtimezone(struct ical *ic)
{
	struct tzfile_change	 fixed;

	if (ic->tz == NULL)
		return;
	raw(ic, "BEGIN:VTIMEZONE");
	text(ic, "TZID", ic->zone);
	if (ic->rule_rc == 0) {
		change(ic, "DAYLIGHT", &ic->rule.to_dst);
		change(ic, "STANDARD", &ic->rule.to_std);
	} else {
		memset(&fixed, 0, sizeof fixed);
		fixed.from = fixed.to = ic->rule.std_off;
		snprintf(fixed.name, sizeof fixed.name, "%s",
		    ic->rule.std_name);
		raw(ic, "BEGIN:STANDARD");
		sbuf_adds(&ic->line, "TZOFFSETFROM:");
		offset(&ic->line, fixed.from);
		line_end(ic);
		sbuf_adds(&ic->line, "TZOFFSETTO:");
		offset(&ic->line, fixed.to);
		line_end(ic);
		if (fixed.name[0] != '\0')
			text(ic, "TZNAME", fixed.name);
		raw(ic, "DTSTART:19700101T000000");
		raw(ic, "END:STANDARD");
	}
	raw(ic, "END:VTIMEZONE");
}

/*
 * Whether the wall time of t came before, at an earlier instant: the hour
 * repeated when the clocks go back. A TZID time names the first.
 */
static int
repeated(const struct ical *ic, int64_t t)
{
	long	off, other, o;
	int	dst;

	if (ic->rule_rc != 0)
		return 0;
	tzfile_local(ic->tz, t, &off, &dst);
	other = dst ? ic->rule.std_off : ic->rule.to_dst.to;
	if (other <= off)
		return 0;
	tzfile_local(ic->tz, t + off - other, &o, &dst);
	return o == other;
}

/* YYYYMMDDTHHMMSS of UTC seconds, with Z when utc. */
static void
stamp(int64_t t, int utc_form, char out[20])
{
	time_t		tt = (time_t)t;
	struct tm	tm;
	char		buf[80];

	if (gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02d%s",
	    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, utc_form ? "Z" : "");
	snprintf(out, 20, "%.19s", buf);
}

/*
 * DTSTART or DTEND: the wall time in the zone, or UTC. A time the
 * document does not write as ISO 8601 is 1970 in UTC.
 */
static void
when(struct ical *ic, const char *name, const json_t *s, const char *key)
{
	int64_t	 t;
	long	 off;
	int	 dst, bad;
	char	 z[20];

	if ((bad = schedule_time(s, key, &t) != 0))
		t = 0;
	if (bad || ic->tz == NULL || repeated(ic, t)) {
		stamp(t, 1, z);
		sbuf_printf(&ic->line, "%s:%s", name, z);
	} else {
		tzfile_local(ic->tz, t, &off, &dst);
		stamp(t + off, 0, z);
		sbuf_printf(&ic->line, "%s;TZID=%s:%s", name, ic->zone, z);
	}
	line_end(ic);
}

static void
vevent(struct ical *ic, const json_t *s)
{
	enum schedule_lang	 lang = ic->opts->lang;
	const char		*uid = schedule_str(s, "uid");
	const char		*abstract = schedule_text(s, "abstract", lang);
	const json_t		*room = json_object_get(s, "room");
	struct sbuf		 d = { 0 };

	raw(ic, "BEGIN:VEVENT");
	sbuf_adds(&ic->line, "UID:");
	if (*uid != '\0')
		ical_text(&ic->line, uid);
	else
		sbuf_printf(&ic->line, "session-%lld",
		    (long long)schedule_int(s, "id", 0));
	sbuf_adds(&ic->line, SCHEDULE_UID_SUFFIX);
	line_end(ic);
	sbuf_printf(&ic->line, "DTSTAMP:%s", ic->stamp);
	line_end(ic);
	when(ic, "DTSTART", s, "starts_at");
	when(ic, "DTEND", s, "ends_at");
	sbuf_printf(&ic->line, "SEQUENCE:%lld",
	    (long long)schedule_int(s, "sequence", 0));
	line_end(ic);
	text(ic, "SUMMARY", schedule_text(s, "title", lang));
	sbuf_adds(&d, abstract);
	if (json_array_size(json_object_get(s, "speakers")) > 0) {
		if (*abstract != '\0')
			sbuf_adds(&d, "\n\n");
		schedule_speakers(&d, s);
	}
	if (d.len > 0)
		text(ic, "DESCRIPTION", d.p);
	free(d.p);
	if (json_is_object(room))
		text(ic, "LOCATION", schedule_str(room, "name"));
	if (*schedule_str(s, "kind") != '\0')
		text(ic, "CATEGORIES", schedule_str(s, "kind"));
	raw(ic, json_is_true(json_object_get(s, "cancelled")) ?
	    "STATUS:CANCELLED" : "STATUS:CONFIRMED");
	if (ic->opts->base_url != NULL && *uid != '\0') {
		sbuf_printf(&ic->line, "URL:%s/#session-", ic->opts->base_url);
		ical_text(&ic->line, uid);
		line_end(ic);
	}
	raw(ic, "END:VEVENT");
}

/*
 * The calendar of the programme, or of the one session with that uid:
 * its bytes (the caller's) and their length, or NULL when no session has
 * the uid.
 */
char *
schedule_ical(const json_t *doc, const struct schedule_opts *opts,
    const char *uid, size_t *len)
{
	const json_t	*ev = json_object_get(doc, "event"), *day, *s;
	struct ical	 ic;
	int64_t		 number, published;
	const char	*name;
	size_t		 i, j, n = 0;

	memset(&ic, 0, sizeof ic);
	ic.opts = opts;
	ic.zone = schedule_str(ev, "timezone");
	ic.tz = *ic.zone != '\0' ? tzfile_get(ic.zone) : NULL;
	/* A zone whose rule calendars cannot repeat: its times in UTC. */
	if (ic.tz != NULL && (ic.rule_rc = tzfile_rule(ic.tz, &ic.rule)) < 0)
		ic.tz = NULL;
	schedule_release(doc, &number, &published);
	stamp(published, 1, ic.stamp);
	name = opts->lang == SCHEDULE_EN &&
	    *schedule_str(ev, "name_en") != '\0' ? schedule_str(ev, "name_en") :
	    schedule_str(ev, "name");

	raw(&ic, "BEGIN:VCALENDAR");
	sbuf_adds(&ic.line, "PRODID:-//Techtank//techtankd ");
	ical_text(&ic.line, opts->version != NULL ? opts->version : "");
	sbuf_adds(&ic.line, "//EN");
	line_end(&ic);
	raw(&ic, "VERSION:2.0");
	raw(&ic, "CALSCALE:GREGORIAN");
	raw(&ic, "METHOD:PUBLISH");
	text(&ic, "X-WR-CALNAME", name);
	if (ic.tz != NULL)
		text(&ic, "X-WR-TIMEZONE", ic.zone);
	sbuf_printf(&ic.line, "X-TECHTANK-RELEASE:%lld", (long long)number);
	line_end(&ic);
	vtimezone(&ic);
	json_array_foreach(json_object_get(doc, "days"), i, day) {
		json_array_foreach(json_object_get(day, "sessions"), j, s) {
			if (uid != NULL && strcmp(schedule_str(s, "uid"),
			    uid) != 0)
				continue;
			vevent(&ic, s);
			n++;
		}
	}
	raw(&ic, "END:VCALENDAR");
	free(ic.line.p);
	if (uid != NULL && n == 0) {
		free(ic.out.p);
		return NULL;
	}
	return sbuf_take(&ic.out, len);
}
