/*
 * timefmt.c: times are stored as UTC seconds and shown in the event's time
 * zone. The C library keeps one process-wide zone (TZ), so conversions are
 * serialised by a mutex and the zone is switched only when it changes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

static pthread_mutex_t	 tz_lock = PTHREAD_MUTEX_INITIALIZER;
static char		 tz_current[64];

static void
local_time(time_t t, const char *zone, struct tm *tm)
{
	pthread_mutex_lock(&tz_lock);
	if (strcmp(zone, tz_current) != 0) {
		snprintf(tz_current, sizeof tz_current, "%s", zone);
		setenv("TZ", zone, 1);
		tzset();
	}
	localtime_r(&t, tm);
	pthread_mutex_unlock(&tz_lock);
}

/* ISO 8601 with the zone's offset: 2027-11-30T09:00:00+01:00. */
void
timefmt_iso(time_t t, const char *zone, char out[32])
{
	struct tm	tm;
	long		off, h, m;
	char		buf[96];

	local_time(t, zone, &tm);
	off = tm.tm_gmtoff;
	h = labs(off) / 3600;
	m = (labs(off) % 3600) / 60;
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', h, m);
	snprintf(out, 32, "%.31s", buf);
}

/* The calendar date in the zone: 2027-11-30. */
void
timefmt_date(time_t t, const char *zone, char out[16])
{
	struct tm	tm;
	char		buf[48];

	local_time(t, zone, &tm);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, 16, "%.15s", buf);
}

int64_t
timefmt_now_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
