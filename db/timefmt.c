/*
 * timefmt.c: times are stored as UTC seconds and shown in the event's time
 * zone, through tzfile.c: no process-wide TZ is switched, so any thread
 * may format times at once. A zone that cannot be found is shown as UTC,
 * and the caller is told.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

#define TIMEFMT_MAX	((time_t)1 << 55)

/* The broken-down local time and its offset; -1 if shown in UTC instead. */
static int
local_time(time_t t, const char *zone, struct tm *tm, long *off)
{
	const struct tzfile	*tz = tzfile_get(zone);
	time_t			 local;
	int			 isdst;

	*off = 0;
	/* A billion years and more: beyond what struct tm holds. */
	if (t > TIMEFMT_MAX || t < -TIMEFMT_MAX) {
		local = 0;
		gmtime_r(&local, tm);
		return -1;
	}
	if (tz != NULL)
		tzfile_local(tz, t, off, &isdst);
	local = t + *off;
	gmtime_r(&local, tm);
	return tz != NULL ? 0 : -1;
}

/* ISO 8601 with the zone's offset: 2027-11-30T09:00:00+01:00. */
int
timefmt_iso(time_t t, const char *zone, char out[32])
{
	struct tm	tm;
	long		off, h, m;
	char		buf[96];
	int		rc = local_time(t, zone, &tm, &off);

	h = labs(off) / 3600;
	m = (labs(off) % 3600) / 60;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', h, m);
	snprintf(out, 32, "%.31s", buf);
	return rc;
}

/* The calendar date in the zone: 2027-11-30. */
int
timefmt_date(time_t t, const char *zone, char out[16])
{
	struct tm	tm;
	long		off;
	char		buf[48];
	int		rc = local_time(t, zone, &tm, &off);

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, 16, "%.15s", buf);
	return rc;
}

int64_t
timefmt_now_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
