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

/* n as width digits at p (n >= 0, fewer digits than width+1). */
static char *
put_digits(char *p, long n, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = '0' + n % 10;
		n /= 10;
	}
	return p + width;
}

/*
 * ISO 8601 with the zone's offset: 2027-11-30T09:00:00+01:00. Written
 * digit by digit: lists show several times on each of their rows.
 */
int
timefmt_iso(time_t t, const char *zone, char out[32])
{
	struct tm	tm;
	long		off, year;
	int		rc = local_time(t, zone, &tm, &off);
	char		*p = out;

	year = (long)tm.tm_year + 1900;
	if (year < 0 || year > 9999) {
		char	buf[96];

		snprintf(buf, sizeof buf, "%04ld-%02d-%02dT%02d:%02d:%02d"
		    "%c%02ld:%02ld", year, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
		    labs(off) / 3600, (labs(off) % 3600) / 60);
		snprintf(out, 32, "%.31s", buf);
		return rc;
	}
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = off < 0 ? '-' : '+';
	p = put_digits(p, labs(off) / 3600 % 100, 2);
	*p++ = ':';
	p = put_digits(p, (labs(off) % 3600) / 60, 2);
	*p = '\0';
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

/* The wall clock in the zone, broken down (for spreadsheets' cells). */
int
timefmt_local(time_t t, const char *zone, struct tm *tm)
{
	long	off;

	return local_time(t, zone, tm, &off);
}

int64_t
timefmt_now_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char **p, int n, int *out)
{
	int	v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/*
 * An ISO 8601 time with its offset, as the API sends them:
 * 2027-11-30T09:00:00+01:00, 2027-11-30T08:00Z (seconds optional). The
 * offset is required: a time without one means nothing in UTC. 0 with
 * *out, or -1.
 */
int
timefmt_parse_iso(const char *s, int64_t *out)
{
	static const int	 mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	const char		*p = s;
	int			 y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != ' ') ||
	    (p++, digits(&p, 2, &h)) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':' && (p++, digits(&p, 2, &sec)))
		return -1;
	if (*p == 'Z') {
		sign = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 14 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12 ||
	    d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0))) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
}
