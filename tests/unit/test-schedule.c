/*
 * test-schedule.c: the schedule files' text rules. iCalendar TEXT
 * escaping and line folding (75 octets, never inside a UTF-8 character,
 * unfolding gives the line back), XML escaping, Stockholm's yearly rule
 * as a VTIMEZONE reads it, the repeated hour written in UTC, and whole
 * files made from hostile documents: every line short enough, nothing
 * but escaped text.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "schedule.h"

static char *
escaped(const char *s)
{
	struct sbuf	b = { 0 };
	size_t		len;

	ical_text(&b, s);
	return sbuf_take(&b, &len);
}

START_TEST(ical_text_escapes_the_four)
{
	char	*e = escaped("a\\b;c,d\ne\r\nf\rg<&>\"\x01\x7f\th");

	ck_assert_str_eq(e, "a\\\\b\\;c\\,d\\ne\\nf\\ng<&>\"\th");
	free(e);
	e = escaped("");
	ck_assert_str_eq(e, "");
	free(e);
}
END_TEST

/* Unfold (RFC 5545 3.1): drop every CRLF followed by one space. */
static char *
unfold(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 2 < len && s[i + 1] == '\n' &&
		    s[i + 2] == ' ') {
			i += 2;
			continue;
		}
		out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
}

/* Every line of a file at most 75 octets, CRLF ended, valid UTF-8. */
static void
check_lines(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *nl;

	ck_assert_int_gt(len, 1);
	ck_assert(s[len - 2] == '\r' && s[len - 1] == '\n');
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl > p && nl[-1] == '\r', "a bare LF");
		ck_assert_msg(nl - 1 - p <= 75, "a line of %d octets",
		    (int)(nl - 1 - p));
		ck_assert_msg(utf8_valid(p, (size_t)(nl - 1 - p)),
		    "a character split at a fold");
		p = nl + 1;
	}
}

static void
check_fold(const char *line)
{
	struct sbuf	 b = { 0 };
	char		*out, *back;
	size_t		 len;

	ical_fold(&b, line, strlen(line));
	out = sbuf_take(&b, &len);
	check_lines(out, len);
	back = unfold(out, len);
	ck_assert_uint_eq(strlen(back), strlen(line) + 2);
	ck_assert(memcmp(back, line, strlen(line)) == 0);
	free(back);
	free(out);
}

START_TEST(ical_fold_at_75_octets_between_characters)
{
	char	 buf[4096];
	size_t	 n;

	check_fold("SUMMARY:short");
	/* Exactly 75, 76, and a long run of å (two octets each). */
	memset(buf, 'x', 75);
	buf[75] = '\0';
	check_fold(buf);
	memset(buf, 'x', 76);
	buf[76] = '\0';
	check_fold(buf);
	for (size_t shift = 0; shift < 4; shift++) {
		n = 0;
		memcpy(buf, "DESCRIPTION:", 12);
		n = 12 + shift;
		memset(buf + 12, 'a', shift);
		while (n < 3000) {
			/* å, €, 😀: two, three and four octets. */
			memcpy(buf + n, "\xc3\xa5\xe2\x82\xac\xf0\x9f\x98\x80",
			    9);
			n += 9;
		}
		buf[n] = '\0';
		check_fold(buf);
	}
}
END_TEST

START_TEST(ical_fold_short_line_untouched)
{
	struct sbuf	 b = { 0 };
	char		*out;
	size_t		 len;

	ical_fold(&b, "VERSION:2.0", 11);
	out = sbuf_take(&b, &len);
	ck_assert_str_eq(out, "VERSION:2.0\r\n");
	free(out);
}
END_TEST

START_TEST(xml_text_escapes_and_drops_controls)
{
	struct sbuf	 b = { 0 };
	char		*out;
	size_t		 len;

	xml_text(&b, "<a href=\"x\">&amp;</a>\x01\x1f\x7f\t\nÅ\xef\xbf\xbe.");
	out = sbuf_take(&b, &len);
	ck_assert_str_eq(out, "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;"
	    "\t\nÅ.");
	free(out);
}
END_TEST

START_TEST(stockholm_rule_for_calendars)
{
	const struct tzfile	*tz = tzfile_get("Europe/Stockholm");
	struct tzfile_rule	 r;

	ck_assert_ptr_nonnull(tz);
	ck_assert_int_eq(tzfile_rule(tz, &r), 0);
	ck_assert_int_eq(r.std_off, 3600);
	ck_assert_str_eq(r.std_name, "CET");
	ck_assert_int_eq(r.to_dst.month, 3);
	ck_assert_int_eq(r.to_dst.week, -1);
	ck_assert_int_eq(r.to_dst.wday, 0);
	ck_assert_int_eq(r.to_dst.mday, 29);	/* 1970-03-29, a Sunday */
	ck_assert_int_eq(r.to_dst.secs, 7200);
	ck_assert_int_eq(r.to_dst.from, 3600);
	ck_assert_int_eq(r.to_dst.to, 7200);
	ck_assert_str_eq(r.to_dst.name, "CEST");
	ck_assert_int_eq(r.to_std.month, 10);
	ck_assert_int_eq(r.to_std.week, -1);
	ck_assert_int_eq(r.to_std.mday, 25);	/* 1970-10-25 */
	ck_assert_int_eq(r.to_std.secs, 3 * 3600);
	ck_assert_int_eq(r.to_std.from, 7200);
	ck_assert_int_eq(r.to_std.to, 3600);
	ck_assert_str_eq(r.to_std.name, "CET");
	ck_assert_int_eq(tzfile_rule(tzfile_get("UTC"), &r), 1);
	ck_assert_int_eq(r.std_off, 0);
}
END_TEST

/* A programme with one session of the given text and times. */
static json_t *
document(const char *title, const char *abstract, const char *starts,
    const char *ends)
{
	return json_pack("{s:{s:i, s:s, s:s, s:s, s:s}, s:[{s:i, s:s, s:i}],"
	    " s:[], s:[{s:s, s:[{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
	    " s:s, s:{s:i, s:s}, s:[{s:i, s:s, s:s}]}]}], s:n}",
	    "event", "id", 1, "name", "Techtank; Conference, 2027",
	    "timezone", "Europe/Stockholm",
	    "starts_at", "2027-10-30T08:00:00+02:00",
	    "ends_at", "2027-10-31T17:00:00+01:00",
	    "rooms", "id", 1, "name", "Sal <A> & \"B\"", "capacity", 40,
	    "speakers",
	    "days", "date", "2027-10-31", "sessions", "id", 7,
	    "uid", "0b9e8c4a-1f2d-4c3b-9a8e-7d6c5b4a3f21",
	    "kind", "talk", "title", title, "title_en", "",
	    "abstract", abstract, "language", "sv",
	    "starts_at", starts, "ends_at", ends,
	    "room", "id", 1, "name", "Sal <A> & \"B\"",
	    "speakers", "id", 3, "name", "Åsa Lindström-Öberg",
	    "company", "Nordpress; AB",
	    "release");
}

START_TEST(hostile_text_makes_whole_files)
{
	struct schedule_opts	 opts = { .lang = SCHEDULE_SV,
	    .base_url = "http://127.0.0.1:1", .version = "test" };
	char			*abstract = xmalloc(10001), *out;
	json_t			*doc;
	size_t			 len;

	for (int i = 0; i < 10000; i++)
		abstract[i] = "a,;\\\nå<&"[i % 9];
	abstract[10000] = '\0';
	/* 01:30 CEST to 04:00 CET: across the clocks going back. */
	doc = document("<b>Press & form</b>; \"hot\", cold\nnext",
	    abstract, "2027-10-31T01:30:00+02:00", "2027-10-31T04:00:00+01:00");
	ck_assert_ptr_nonnull(doc);

	out = schedule_ical(doc, &opts, NULL, &len);
	check_lines(out, len);
	ck_assert_ptr_nonnull(strstr(out, "SUMMARY:<b>Press & form</b>\\; "
	    "\"hot\"\\, cold\\nnext\r\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "DTSTART;TZID=Europe/Stockholm:20271031T013000\r\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "DTEND;TZID=Europe/Stockholm:20271031T040000\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "X-WR-CALNAME:Techtank\\; "
	    "Conference\\, 2027\r\n"));
	free(out);
	ck_assert_ptr_null(schedule_ical(doc, &opts,
	    "00000000-0000-4000-8000-000000000000", &len));
	out = schedule_ical(doc, &opts, "0b9e8c4a-1f2d-4c3b-9a8e-7d6c5b4a3f21",
	    &len);
	ck_assert_ptr_nonnull(out);
	check_lines(out, len);
	free(out);

	out = schedule_frab(doc, &opts, &len);
	ck_assert_ptr_nonnull(strstr(out, "<title>&lt;b&gt;Press &amp; form"
	    "&lt;/b&gt;; &quot;hot&quot;, cold\nnext</title>"));
	ck_assert_ptr_nonnull(strstr(out, "<room name=\"Sal &lt;A&gt; &amp; "
	    "&quot;B&quot;\""));
	ck_assert_ptr_nonnull(strstr(out, "<duration>03:30</duration>"));
	ck_assert_ptr_null(strchr(out, '\x01'));
	free(out);

	out = schedule_c3voc(doc, &opts, &len);
	json_decref(doc);
	doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    doc, "schedule"), "version")), "0");
	json_decref(doc);
	free(out);
	free(abstract);
}
END_TEST

/* 02:30 CET on 2027-10-31 came after 02:30 CEST: only UTC names it. */
START_TEST(repeated_hour_in_utc)
{
	struct schedule_opts	 opts = { .lang = SCHEDULE_SV };
	json_t			*doc = document("Late", "",
	    "2027-10-31T02:30:00+01:00", "2027-10-31T03:30:00+01:00");
	char			*out;
	size_t			 len;

	out = schedule_ical(doc, &opts, NULL, &len);
	ck_assert_ptr_nonnull(strstr(out, "DTSTART:20271031T013000Z\r\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "DTEND;TZID=Europe/Stockholm:20271031T033000\r\n"));
	free(out);
	json_decref(doc);
}
END_TEST

/* What the releases add: number, publication, sequence, cancelled. */
START_TEST(release_keys_read)
{
	struct schedule_opts	 opts = { .lang = SCHEDULE_SV };
	json_t			*doc = document("Flyttad", "",
	    "2027-10-30T10:00:00+02:00", "2027-10-30T11:00:00+02:00"), *s;
	char			*out;
	size_t			 len;

	json_object_set_new(doc, "release", json_pack("{s:i, s:s}", "number",
	    3, "published_at", "2027-10-01T12:00:00+02:00"));
	s = json_array_get(json_object_get(json_array_get(json_object_get(doc,
	    "days"), 0), "sessions"), 0);
	json_object_set_new(s, "sequence", json_integer(2));
	json_object_set_new(s, "cancelled", json_true());
	out = schedule_ical(doc, &opts, NULL, &len);
	ck_assert_ptr_nonnull(strstr(out, "DTSTAMP:20271001T100000Z\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "SEQUENCE:2\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "STATUS:CANCELLED\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "X-TECHTANK-RELEASE:3\r\n"));
	free(out);
	out = schedule_frab(doc, &opts, &len);
	ck_assert_ptr_nonnull(strstr(out, "<version>3</version>"));
	free(out);
	out = schedule_c3voc(doc, &opts, &len);
	ck_assert_ptr_nonnull(strstr(out, "\"version\": \"3\""));
	free(out);
	json_decref(doc);
}
END_TEST

/* Times in another form, or none at all, still make whole files. */
START_TEST(odd_times_still_files)
{
	struct schedule_opts	 opts = { .lang = SCHEDULE_EN };
	json_t			*doc = document("Udda", "",
	    "2027-10-30T08:00Z", "yesterday");
	char			*out;
	size_t			 len;

	out = schedule_ical(doc, &opts, NULL, &len);
	check_lines(out, len);
	ck_assert_ptr_nonnull(strstr(out,
	    "DTSTART;TZID=Europe/Stockholm:20271030T100000\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "DTEND:19700101T000000Z\r\n"));
	free(out);
	out = schedule_frab(doc, &opts, &len);
	ck_assert_ptr_nonnull(strstr(out, "<duration>00:00</duration>"));
	free(out);
	out = schedule_c3voc(doc, &opts, &len);
	json_decref(doc);
	ck_assert_ptr_nonnull(doc = json_loads(out, 0, NULL));
	json_decref(doc);
	free(out);
	/* No event, no days, nothing of the kind expected. */
	doc = json_pack("{s:s, s:i, s:[i]}", "event", "x", "rooms", 3, "days",
	    4);
	out = schedule_ical(doc, &opts, NULL, &len);
	check_lines(out, len);
	free(out);
	free(schedule_frab(doc, &opts, &len));
	free(schedule_c3voc(doc, &opts, &len));
	json_decref(doc);
}
END_TEST

START_TEST(uids_and_durations)
{
	char	d[8];

	ck_assert(schedule_uid_valid("0b9e8c4a-1f2d-4c3b-9a8e-7d6c5b4a3f21"));
	ck_assert(!schedule_uid_valid("0B9E8C4A-1F2D-4C3B-9A8E-7D6C5B4A3F21"));
	ck_assert(!schedule_uid_valid("0b9e8c4a-1f2d-4c3b-9a8e-7d6c5b4a3f2"));
	ck_assert(!schedule_uid_valid("0b9e8c4a-1f2d-4c3b-9a8e-7d6c5b4a3f211"));
	ck_assert(!schedule_uid_valid("../../../../etc/passwd"));
	ck_assert(!schedule_uid_valid(""));
	schedule_duration(45 * 60, d);
	ck_assert_str_eq(d, "00:45");
	schedule_duration(30 * 3600, d);
	ck_assert_str_eq(d, "23:59");
	schedule_duration(-60, d);
	ck_assert_str_eq(d, "00:00");
}
END_TEST

Suite *
suite_schedule(void)
{
	Suite	*s = suite_create("schedule");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, ical_text_escapes_the_four);
	tcase_add_test(tc, ical_fold_at_75_octets_between_characters);
	tcase_add_test(tc, ical_fold_short_line_untouched);
	tcase_add_test(tc, xml_text_escapes_and_drops_controls);
	tcase_add_test(tc, stockholm_rule_for_calendars);
	tcase_add_test(tc, hostile_text_makes_whole_files);
	tcase_add_test(tc, repeated_hour_in_utc);
	tcase_add_test(tc, release_keys_read);
	tcase_add_test(tc, odd_times_still_files);
	tcase_add_test(tc, uids_and_durations);
	suite_add_tcase(s, tc);
	return s;
}
