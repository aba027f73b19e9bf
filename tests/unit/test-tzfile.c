/*
 * test-tzfile.c: time zones from TZif files. The system's zones at known
 * instants (worked out with TZ=... date -d @SECONDS), their switches to
 * and from summer time, a year past the end of the transition table, which
 * only the TZ string at the end of the file covers, names that are refused,
 * and small files made here: version 1, 64-bit data, POSIX rules of every
 * kind, and damaged files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void
check_iso(const char *zone, time_t t, const char *want)
{
	char	got[32];

	ck_assert_msg(timefmt_iso(t, zone, got) == 0, "%s: unknown", zone);
	ck_assert_msg(strcmp(got, want) == 0, "%s at %lld: %s, not %s", zone,
	    (long long)t, got, want);
}

START_TEST(stockholm_winter_and_summer)
{
	check_iso("Europe/Stockholm", 1800014400, "2027-01-15T13:00:00+01:00");
	check_iso("Europe/Stockholm", 1814443200, "2027-07-01T14:00:00+02:00");
	/* Before the first summer time (1980), and across midnight. */
	check_iso("Europe/Stockholm", -302443200, "1960-06-01T13:00:00+01:00");
	check_iso("Europe/Stockholm", 1827617400, "2027-12-01T00:30:00+01:00");
}
END_TEST

/* 2027-03-28T01:00:00Z and 2027-10-31T01:00:00Z, and the second before. */
START_TEST(stockholm_switches_in_2027)
{
	const struct tzfile	*tz = tzfile_get("Europe/Stockholm");
	long			 off;
	int			 dst;
	char			 date[16];

	check_iso("Europe/Stockholm", 1806195599, "2027-03-28T01:59:59+01:00");
	check_iso("Europe/Stockholm", 1806195600, "2027-03-28T03:00:00+02:00");
	check_iso("Europe/Stockholm", 1824944399, "2027-10-31T02:59:59+02:00");
	check_iso("Europe/Stockholm", 1824944400, "2027-10-31T02:00:00+01:00");
	ck_assert_ptr_nonnull(tz);
	tzfile_local(tz, 1806195600, &off, &dst);
	ck_assert_int_eq(off, 7200);
	ck_assert_int_eq(dst, 1);
	tzfile_local(tz, 1824944400, &off, &dst);
	ck_assert_int_eq(off, 3600);
	ck_assert_int_eq(dst, 0);
	ck_assert_int_eq(timefmt_date(1806195600, "Europe/Stockholm", date), 0);
	ck_assert_str_eq(date, "2027-03-28");
}
END_TEST

/* The file's table ends in 2037: 2045 follows CET-1CEST,M3.5.0,M10.5.0/3. */
START_TEST(stockholm_in_2045_by_the_footer)
{
	check_iso("Europe/Stockholm", 2368094400, "2045-01-15T13:00:00+01:00");
	check_iso("Europe/Stockholm", 2382523200, "2045-07-01T14:00:00+02:00");
	check_iso("Europe/Stockholm", 2374102799, "2045-03-26T01:59:59+01:00");
	check_iso("Europe/Stockholm", 2374102800, "2045-03-26T03:00:00+02:00");
	check_iso("Europe/Stockholm", 2392851599, "2045-10-29T02:59:59+02:00");
	check_iso("Europe/Stockholm", 2392851600, "2045-10-29T02:00:00+01:00");
}
END_TEST

START_TEST(new_york_kolkata_utc)
{
	check_iso("America/New_York", 1800014400, "2027-01-15T07:00:00-05:00");
	check_iso("America/New_York", 1814443200, "2027-07-01T08:00:00-04:00");
	check_iso("America/New_York", 1805007599, "2027-03-14T01:59:59-05:00");
	check_iso("America/New_York", 1805007600, "2027-03-14T03:00:00-04:00");
	check_iso("America/New_York", 1825567199, "2027-11-07T01:59:59-04:00");
	check_iso("America/New_York", 1825567200, "2027-11-07T01:00:00-05:00");
	check_iso("Asia/Kolkata", 1827561600, "2027-11-30T13:30:00+05:30");
	check_iso("UTC", 1827561600, "2027-11-30T08:00:00+00:00");
	check_iso("Etc/UTC", 1827561600, "2027-11-30T08:00:00+00:00");
	/* Loaded once, then the same zone from the cache. */
	ck_assert_ptr_eq(tzfile_get("Asia/Kolkata"), tzfile_get("Asia/Kolkata"));
}
END_TEST

/* Refused or unknown: shown in UTC, and the caller is told. */
START_TEST(bad_names_fall_back_to_utc)
{
	static const char	*bad[] = { "", "Europe/Nowhere", "../etc/passwd",
	    "Europe/../Europe/Stockholm", "/usr/share/zoneinfo/UTC",
	    "Europe/Stock holm", "Europe\\Stockholm", "Europe/Stockholm.bak",
	    "Europe", "Europe/", "right/../../../etc/passwd", "Éurope/Paris" };
	char			 out[32], date[16];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(tzfile_get(bad[i]) == NULL, "%s", bad[i]);
		ck_assert_int_eq(timefmt_iso(1827561600, bad[i], out), -1);
		ck_assert_str_eq(out, "2027-11-30T08:00:00+00:00");
	}
	ck_assert_int_eq(timefmt_iso(1827561600, NULL, out), -1);
	ck_assert_int_eq(timefmt_date(1827617400, "Mars/Olympus", date), -1);
	ck_assert_str_eq(date, "2027-11-30");
}
END_TEST

/* What a small TZif file holds; version 0 writes version 1 data only. */
struct tzif {
	int		 version;
	size_t		 ntrans;
	int64_t		 trans[4];
	uint8_t		 idx[4];
	size_t		 ntypes;
	int32_t		 utoff[4];
	uint8_t		 isdst[4];
	const char	*footer;
};

static unsigned char *
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
	return p + 4;
}

static unsigned char *
tzif_block(unsigned char *p, const struct tzif *z, int version, int tsize,
    size_t ntrans)
{
	memcpy(p, "TZif", 4);
	p[4] = version;
	memset(p + 5, 0, 15);
	p = put32(put32(put32(p + 20, 0), 0), 0);
	p = put32(put32(put32(p, ntrans), z->ntypes), 4);
	for (size_t i = 0; i < ntrans; i++) {
		if (tsize == 8)
			p = put32(p, (uint64_t)z->trans[i] >> 32);
		p = put32(p, (uint32_t)z->trans[i]);
	}
	for (size_t i = 0; i < ntrans; i++)
		*p++ = z->idx[i];
	for (size_t i = 0; i < z->ntypes; i++) {
		p = put32(p, (uint32_t)z->utoff[i]);
		*p++ = z->isdst[i];
		*p++ = 0;
	}
	memcpy(p, "ABC", 4);
	return p + 4;
}

/*
 * The file's bytes in buf. For version 2 and up, the 32-bit block has no
 * transitions, so that only a reader of the 64-bit data gets them.
 */
static size_t
tzif_build(unsigned char *buf, const struct tzif *z)
{
	unsigned char	*p;

	if (z->version == 0)
		return tzif_block(buf, z, 0, 4, z->ntrans) - buf;
	p = tzif_block(buf, z, z->version, 4, 0);
	p = tzif_block(p, z, z->version, 8, z->ntrans);
	p += sprintf((char *)p, "\n%s\n", z->footer ? z->footer : "");
	return p - buf;
}

static struct tzfile *
tzif_parse(const struct tzif *z)
{
	unsigned char	buf[512];

	return tzfile_parse(buf, tzif_build(buf, z));
}

static void
check_local(const struct tzfile *tz, int64_t t, long want, int want_dst)
{
	long	off;
	int	dst;

	tzfile_local(tz, t, &off, &dst);
	ck_assert_msg(off == want && dst == want_dst, "at %lld: %ld %d, not"
	    " %ld %d", (long long)t, off, dst, want, want_dst);
}

/* Version 1: 32-bit transitions; after the last, its type for ever. */
START_TEST(version_1_file)
{
	struct tzif	 z = { .version = 0, .ntrans = 2,
	    .trans = { 1806195600, 1824944400 }, .idx = { 1, 0 },
	    .ntypes = 2, .utoff = { 3600, 7200 }, .isdst = { 0, 1 } };
	struct tzfile	*tz = tzif_parse(&z);

	ck_assert_ptr_nonnull(tz);
	check_local(tz, 1806195599, 3600, 0);
	check_local(tz, 1806195600, 7200, 1);
	check_local(tz, 1824944399, 7200, 1);
	check_local(tz, 1824944400, 3600, 0);
	check_local(tz, 2382523200, 3600, 0);
	tzfile_free(tz);
}
END_TEST

/* Version 2 and 3: the 64-bit data, with a transition past 2038. */
START_TEST(version_2_and_3_use_64_bit_data)
{
	struct tzif	 z = { .version = '2', .ntrans = 1,
	    .trans = { 2208988800 }, .idx = { 1 }, .ntypes = 2,
	    .utoff = { 0, 19800 }, .isdst = { 0, 0 }, .footer = "" };
	struct tzfile	*tz;

	for (int v = '2'; v <= '3'; v++) {
		z.version = v;
		ck_assert_ptr_nonnull(tz = tzif_parse(&z));
		check_local(tz, 2208988799, 0, 0);
		check_local(tz, 2208988800, 19800, 0);
		check_local(tz, 2382523200, 19800, 0);
		tzfile_free(tz);
	}
}
END_TEST

/* A file whose table stops early: the rule decides, both ways round. */
START_TEST(footer_rules)
{
	struct tzif	 z = { .version = '3', .ntrans = 1,
	    .trans = { 0 }, .idx = { 0 }, .ntypes = 1, .utoff = { 3600 },
	    .isdst = { 0 } };
	struct tzfile	*tz;

	/* Stockholm, slim: nothing after 1970 but the rule. */
	z.footer = "CET-1CEST,M3.5.0,M10.5.0/3";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1806195599, 3600, 0);
	check_local(tz, 1806195600, 7200, 1);
	check_local(tz, 1824944399, 7200, 1);
	check_local(tz, 1824944400, 3600, 0);
	tzfile_free(tz);
	/* Nuuk: <...> names, and switch times before midnight (-1). */
	z.footer = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1806195599, -7200, 0);
	check_local(tz, 1806195600, -3600, 1);
	check_local(tz, 1824944399, -3600, 1);
	check_local(tz, 1824944400, -7200, 0);
	tzfile_free(tz);
	/* Sydney: summer time across the new year. */
	z.footer = "AEST-10AEDT,M10.1.0,M4.1.0/3";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1798804800, 39600, 1);
	check_local(tz, 1806767999, 39600, 1);
	check_local(tz, 1806768000, 36000, 0);
	check_local(tz, 1811851200, 36000, 0);
	check_local(tz, 1822492799, 36000, 0);
	check_local(tz, 1822492800, 39600, 1);
	tzfile_free(tz);
	/* Jn never counts 29 February; n does. */
	z.footer = "XXX0YYY,J60/0,J300/0";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1835481599, 0, 0);
	check_local(tz, 1835481600, 3600, 1);
	check_local(tz, 1803859200, 3600, 1);
	tzfile_free(tz);
	z.footer = "XXX0YYY,59/0,299/0";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1835395199, 0, 0);
	check_local(tz, 1835395200, 3600, 1);
	check_local(tz, 1803859199, 0, 0);
	check_local(tz, 1803859200, 3600, 1);
	tzfile_free(tz);
	/* No summer time at all, and minutes in the offset. */
	z.footer = "<+0545>-5:45";
	ck_assert_ptr_nonnull(tz = tzif_parse(&z));
	check_local(tz, 1806195600, 20700, 0);
	tzfile_free(tz);
}
END_TEST

START_TEST(damaged_files_refused)
{
	static const char	*footers[] = { "CET", "CET-1CEST,M3.5.0",
	    "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
	    "CET-25", "<AB>-1", "CET-1CEST,M3.5.0,M10.5.0/3x", "1CET" };
	struct tzif		 z = { .version = '2', .ntrans = 2,
	    .trans = { 100, 200 }, .idx = { 1, 0 }, .ntypes = 2,
	    .utoff = { 3600, 7200 }, .isdst = { 0, 1 },
	    .footer = "CET-1CEST,M3.5.0,M10.5.0/3" };
	unsigned char		 buf[512];
	size_t			 len;
	struct tzfile		*tz;

	len = tzif_build(buf, &z);
	ck_assert_ptr_nonnull(tz = tzfile_parse(buf, len));
	tzfile_free(tz);
	/* Cut short anywhere, the file is refused. */
	for (size_t n = 0; n < len; n++)
		ck_assert_msg(tzfile_parse(buf, n) == NULL, "%zu bytes", n);
	buf[0] = 'X';
	ck_assert_ptr_null(tzfile_parse(buf, len));
	for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
		z.footer = footers[i];
		ck_assert_msg(tzif_parse(&z) == NULL, "%s", footers[i]);
	}
	z.footer = "CET-1CEST,M3.5.0,M10.5.0/3";
	z.idx[1] = 2;		/* no such type */
	ck_assert_ptr_null(tzif_parse(&z));
	z.idx[1] = 0;
	z.trans[1] = 100;	/* not ascending */
	ck_assert_ptr_null(tzif_parse(&z));
	z.trans[1] = 200;
	z.version = '5';
	ck_assert_ptr_null(tzif_parse(&z));
}
END_TEST

Suite *
suite_tzfile(void)
{
	Suite	*s = suite_create("tzfile");
	TCase	*sys = tcase_create("system zones");
	TCase	*files = tcase_create("files");

	tcase_add_test(sys, stockholm_winter_and_summer);
	tcase_add_test(sys, stockholm_switches_in_2027);
	tcase_add_test(sys, stockholm_in_2045_by_the_footer);
	tcase_add_test(sys, new_york_kolkata_utc);
	tcase_add_test(sys, bad_names_fall_back_to_utc);
	tcase_add_test(files, version_1_file);
	tcase_add_test(files, version_2_and_3_use_64_bit_data);
	tcase_add_test(files, footer_rules);
	tcase_add_test(files, damaged_files_refused);
	suite_add_tcase(s, sys);
	suite_add_tcase(s, files);
	return s;
}
