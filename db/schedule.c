/*
 * schedule.c: what the calendar and schedule files read from the
 * programme's JSON document, read once here: the release and its number,
 * a session's text in a language, times, the short names (acronym, slugs)
 * and stable ids (GUIDs) the schedule formats ask for, and a growing
 * buffer to write them into. A key that is absent or of another type
 * reads as empty, zero or "no time": the files are made whatever the
 * document holds.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "schedule.h"

#define SBUF_MIN		4096
#define ACRONYM_MAX		32	/* bytes of the conference's short name */
#define SLUG_TITLE_MAX		40	/* bytes of a title in a slug */

void
sbuf_add(struct sbuf *b, const char *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t	cap = b->cap < SBUF_MIN ? SBUF_MIN : b->cap;

		while (cap < b->len + len + 1)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	sbuf_add(b, s, (size_t)n);
	free(s);
}

/* The bytes, now the caller's, and their length; the buffer is empty. */
char *
sbuf_take(struct sbuf *b, size_t *len)
{
	char	*p;

	if (b->p == NULL)
		sbuf_add(b, "", 0);
	p = b->p;
	*len = b->len;
	memset(b, 0, sizeof *b);
	return p;
}

const char *
schedule_str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

int64_t
schedule_int(const json_t *o, const char *key, int64_t def)
{
	json_t	*v = json_object_get(o, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

/* An ISO 8601 time of the document as UTC seconds: 0, or -1. */
int
schedule_time(const json_t *o, const char *key, int64_t *t)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? timefmt_parse_iso(s, t) : -1;
}

/*
 * The release the document is (number 0 and no time before the first is
 * published): 1 when there is one, else 0.
 */
int
schedule_release(const json_t *doc, int64_t *number, int64_t *published)
{
	json_t	*r = json_object_get(doc, "release");

	*number = 0;
	*published = 0;
	if (!json_is_object(r))
		return 0;
	*number = schedule_int(r, "number", 0);
	if (schedule_time(r, "published_at", published) != 0)
		*published = 0;
	return 1;
}

/* A session's title or abstract in English, when it has one there. */
const char *
schedule_text(const json_t *session, const char *key, enum schedule_lang lang)
{
	const char	*s;
	char		 en[32];

	if (lang == SCHEDULE_EN) {
		snprintf(en, sizeof en, "%s_en", key);
		if (*(s = schedule_str(session, en)) != '\0')
			return s;
	}
	return schedule_str(session, key);
}

/* Lower-case ASCII letters and digits of s, other runs as sep, trimmed. */
static char *
ascii_word(const char *s, char sep, size_t max)
{
	char	*stem = filename_stem(s, 1), *out = xmalloc(strlen(stem) + 1);
	size_t	 n = 0;

	for (const char *p = stem; *p != '\0' && n < max; p++) {
		if (isalnum((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
		else if (n > 0 && out[n - 1] != sep)
			out[n++] = sep;
	}
	while (n > 0 && out[n - 1] == sep)
		n--;
	out[n] = '\0';
	free(stem);
	return out;
}

/*
 * The conference's short name: "techtank_conference_2027", letters,
 * digits and '_' as both schemas allow; from its id when the name has too
 * few of them.
 */
char *
schedule_acronym(const json_t *doc)
{
	const json_t	*ev = json_object_get(doc, "event");
	char		*a = ascii_word(schedule_str(ev, "name"), '_',
	    ACRONYM_MAX);

	if (strlen(a) < 4) {
		free(a);
		xasprintf(&a, "techtank_%lld",
		    (long long)schedule_int(ev, "id", 0));
	}
	return a;
}

/* A session's slug: "techtank_2027-12-press-hardening". */
char *
schedule_slug(const char *acronym, int64_t id, const char *title)
{
	char	*t = ascii_word(title, '-', SLUG_TITLE_MAX), *s;

	xasprintf(&s, "%s-%lld-%s", acronym, (long long)id,
	    *t != '\0' ? t : "session");
	free(t);
	return s;
}

/*
 * A UUID that stays the same for the same thing (a room) of the same
 * event: BLAKE2b of its kind and ids, as an RFC 9562 version 8 UUID.
 */
void
schedule_guid(const char *kind, int64_t event, int64_t id, char out[37])
{
	unsigned char	 h[16];
	char		*in;
	size_t		 o = 0;

	xasprintf(&in, "techtank:%s:%lld:%lld", kind, (long long)event,
	    (long long)id);
	crypto_generichash(h, sizeof h, (const unsigned char *)in, strlen(in),
	    NULL, 0);
	free(in);
	h[6] = (h[6] & 0x0f) | 0x80;
	h[8] = (h[8] & 0x3f) | 0x80;
	for (size_t i = 0; i < sizeof h; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", h[i]);
		o += 2;
	}
	out[o] = '\0';
}

/* A session uid as the database makes them: 8-4-4-4-12 lower-case hex. */
int
schedule_uid_valid(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return i == 36;
}

/* The speakers of a session: "Åsa Lindström (Nordpress AB), Björn". */
void
schedule_speakers(struct sbuf *b, const json_t *session)
{
	const json_t	*sp;
	size_t		 i;

	json_array_foreach(json_object_get(session, "speakers"), i, sp) {
		const char	*company = schedule_str(sp, "company");

		if (i > 0)
			sbuf_adds(b, ", ");
		sbuf_adds(b, schedule_str(sp, "name"));
		if (*company != '\0')
			sbuf_printf(b, " (%s)", company);
	}
}

/*
 * A session's length in seconds and its start as HH:MM on the clock its
 * starts_at is written in; 0 and 00:00 for times that are not ISO 8601.
 */
int64_t
schedule_span(const json_t *s, char start[6])
{
	int64_t	a, z;

	if (schedule_time(s, "starts_at", &a) != 0 ||
	    schedule_time(s, "ends_at", &z) != 0) {
		snprintf(start, 6, "00:00");
		return 0;
	}
	/* timefmt_parse_iso() took digits there: HH:MM. */
	snprintf(start, 6, "%.5s", schedule_str(s, "starts_at") + 11);
	return z - a;
}

/* HH:MM, from 00:00 to 23:59 as the schedule formats allow. */
void
schedule_duration(int64_t secs, char out[8])
{
	int64_t	min = secs / 60;

	if (min < 0)
		min = 0;
	if (min > 23 * 60 + 59)
		min = 23 * 60 + 59;
	snprintf(out, 8, "%02d:%02d", (int)(min / 60), (int)(min % 60));
}

/*
 * The earliest start and the latest end of a day's sessions, as the
 * document writes them: 0, or -1 when the day has no session with times.
 */
int
schedule_day_range(const json_t *day, const char **first, const char **last)
{
	const json_t	*s;
	int64_t		 lo = 0, hi = 0, a, b;
	size_t		 i;
	int		 found = 0;

	json_array_foreach(json_object_get(day, "sessions"), i, s) {
		if (schedule_time(s, "starts_at", &a) != 0 ||
		    schedule_time(s, "ends_at", &b) != 0)
			continue;
		if (!found || a < lo) {
			lo = a;
			*first = schedule_str(s, "starts_at");
		}
		if (!found || b > hi) {
			hi = b;
			*last = schedule_str(s, "ends_at");
		}
		found = 1;
	}
	return found ? 0 : -1;
}

/*
 * The one day a programme without sessions is shown as (the formats want
 * at least one): the event's first, from its start to its end. Its start.
 */
const char *
schedule_empty_day(const json_t *doc, char date[11], const char **end)
{
	const json_t	*ev = json_object_get(doc, "event");
	const char	*start = schedule_str(ev, "starts_at");
	int64_t		 t;

	if (timefmt_parse_iso(start, &t) != 0)
		start = "1970-01-01T00:00:00+00:00";
	*end = schedule_str(ev, "ends_at");
	if (timefmt_parse_iso(*end, &t) != 0 || strncmp(*end, start, 10) != 0)
		*end = start;
	snprintf(date, 11, "%.10s", start);
	return start;
}

/* The name of a session's room; "" for one held in none. */
const char *
schedule_room_name(const json_t *session)
{
	return schedule_str(json_object_get(session, "room"), "name");
}

/*
 * Whether a session is held in that room of the document; with room NULL,
 * whether it is held in none of them (no room, or one not listed).
 */
int
schedule_in_room(const json_t *doc, const json_t *session,
    const json_t *room)
{
	const json_t	*r = json_object_get(session, "room"), *each;
	size_t		 i;

	if (room != NULL)
		return json_is_object(r) && schedule_int(r, "id", -1) ==
		    schedule_int(room, "id", -2);
	json_array_foreach(json_object_get(doc, "rooms"), i, each)
		if (schedule_in_room(doc, session, each))
			return 0;
	return 1;
}
