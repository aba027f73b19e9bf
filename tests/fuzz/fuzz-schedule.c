/*
 * fuzz-schedule.c: libFuzzer target for the calendar and schedule files
 * (db/schedule-*.c) on any programme document: the bytes as JSON, when
 * they are, handed to each converter in both languages and for each
 * session's uid. The store validates what a document holds; the files
 * must come out whole whatever it holds.
 *
 * The calendar: CRLF lines of at most 75 octets, valid UTF-8, starting
 * BEGIN:VCALENDAR and ending END:VCALENDAR. schedule.xml: valid UTF-8
 * with no control character but tab and newline, and no '<' or '&' of
 * the document's text left unescaped (every '&' starts an entity).
 * schedule.json: JSON that jansson reads back.
 */
#include <string.h>

#include "fuzz.h"
#include "schedule.h"

static void
check_ical(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *nl;

	CHECK(strncmp(s, "BEGIN:VCALENDAR\r\n", 17) == 0);
	CHECK(len >= 15 && strcmp(end - 15, "END:VCALENDAR\r\n") == 0);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		CHECK(nl != NULL && nl > p && nl[-1] == '\r');
		CHECK(nl - 1 - p <= 75);
		CHECK(memchr(p, '\r', (size_t)(nl - 1 - p)) == NULL);
		CHECK(utf8_valid(p, (size_t)(nl - 1 - p)));
		p = nl + 1;
	}
}

static void
check_xml(const char *s, size_t len)
{
	CHECK(strlen(s) == len && utf8_valid(s, len));
	for (const char *p = s; *p != '\0'; p++) {
		CHECK((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n');
		if (*p == '&')
			CHECK(strncmp(p, "&amp;", 5) == 0 ||
			    strncmp(p, "&lt;", 4) == 0 ||
			    strncmp(p, "&gt;", 4) == 0 ||
			    strncmp(p, "&quot;", 6) == 0);
	}
}

static void
run(const json_t *doc, enum schedule_lang lang, const char *uid)
{
	struct schedule_opts	 opts = { .lang = lang,
	    .base_url = "http://127.0.0.1:8080", .version = "fuzz" };
	json_t			*back;
	char			*out;
	size_t			 len;

	if ((out = schedule_ical(doc, &opts, uid, &len)) != NULL) {
		check_ical(out, len);
		free(out);
	}
	if (uid != NULL)
		return;
	out = schedule_frab(doc, &opts, &len);
	check_xml(out, len);
	free(out);
	out = schedule_c3voc(doc, &opts, &len);
	CHECK((back = json_loads(out, 0, NULL)) != NULL);
	json_decref(back);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t		*doc = json_loadb((const char *)data, size, 0, NULL);
	const json_t	*day, *s;
	size_t		 i, j;

	if (doc == NULL)
		return 0;
	run(doc, SCHEDULE_SV, NULL);
	run(doc, SCHEDULE_EN, NULL);
	json_array_foreach(json_object_get(doc, "days"), i, day)
		json_array_foreach(json_object_get(day, "sessions"), j, s)
			run(doc, SCHEDULE_EN, schedule_str(s, "uid"));
	json_decref(doc);
	return 0;
}
