/*
 * schedule.h: the programme as files that calendars and conference apps
 * read, each made by a pure function from the programme's JSON document
 * (store_programme_json(): event, rooms, speakers, days of sessions, and
 * the release they belong to): iCalendar (schedule-ical.c), the frab
 * schedule.xml (schedule-frab.c) and the c3voc schedule.json
 * (schedule-c3voc.c), over the common readings of schedule.c.
 */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include "techtank.h"

/* A growing string of bytes; never NULL once something is added. */
struct sbuf {
	char	*p;
	size_t	 len, cap;
};
void sbuf_add(struct sbuf *, const char *, size_t);
void sbuf_adds(struct sbuf *, const char *);
void sbuf_printf(struct sbuf *, const char *, ...) TT_PRINTFLIKE(2, 3);
char *sbuf_take(struct sbuf *, size_t *len);

enum schedule_lang { SCHEDULE_SV, SCHEDULE_EN };

/* What a file is made for besides the programme itself. */
struct schedule_opts {
	enum schedule_lang	 lang;
	const char		*base_url;	/* public pages, no '/' at the end */
	const char		*version;	/* of the program making it */
};

/* schedule.c: what every format reads from the document */
#define SCHEDULE_VERSION_NONE	"0"	/* before anything is published */
#define SCHEDULE_UID_SUFFIX	"@techtank-conference"
#define SCHEDULE_UID_MAX	64
int schedule_release(const json_t *doc, int64_t *number, int64_t *published);
const char *schedule_text(const json_t *session, const char *key,
	    enum schedule_lang);
const char *schedule_str(const json_t *, const char *key);
int64_t schedule_int(const json_t *, const char *key, int64_t def);
int schedule_time(const json_t *, const char *key, int64_t *t);
char *schedule_acronym(const json_t *doc);
char *schedule_slug(const char *acronym, int64_t id, const char *title);
void schedule_guid(const char *kind, int64_t event, int64_t id,
	    char out[37]);
int schedule_uid_valid(const char *);
void schedule_speakers(struct sbuf *, const json_t *session);
int64_t schedule_span(const json_t *session, char start[6]);
void schedule_duration(int64_t secs, char out[8]);
int schedule_day_range(const json_t *day, const char **first,
	    const char **last);
const char *schedule_empty_day(const json_t *doc, char date[11],
	    const char **end);
const char *schedule_room_name(const json_t *session);
int schedule_in_room(const json_t *doc, const json_t *session,
	    const json_t *room);

/* schedule-ical.c: RFC 5545; uid NULL: the whole programme */
void ical_text(struct sbuf *, const char *);
void ical_fold(struct sbuf *out, const char *line, size_t len);
char *schedule_ical(const json_t *doc, const struct schedule_opts *,
	    const char *uid, size_t *len);

/* schedule-frab.c: schedule.xml */
void xml_text(struct sbuf *, const char *);
char *schedule_frab(const json_t *doc, const struct schedule_opts *,
	    size_t *len);

/* schedule-c3voc.c: schedule.json */
char *schedule_c3voc(const json_t *doc, const struct schedule_opts *,
	    size_t *len);

#endif
