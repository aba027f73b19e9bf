/*
 * dates.c: the event's dates as printed: "30 November – 1 December 2027",
 * in the event's time zone.
 */
#include <stdio.h>
#include <stdlib.h>

#include "badges.h"

static const char *months[] = { "January", "February", "March", "April",
    "May", "June", "July", "August", "September", "October", "November",
    "December" };

static void
parse_date(const char *iso, int *y, int *m, int *d)
{
	*y = atoi(iso);
	*m = atoi(iso + 5);
	*d = atoi(iso + 8);
	if (*m < 1 || *m > 12)
		*m = 1;
}

void
badge_event_dates(const struct badge_event *ev, char *out, size_t len)
{
	char	a[16], b[16];
	int	y1, m1, d1, y2, m2, d2;

	timefmt_date(ev->starts_at, ev->timezone, a);
	timefmt_date(ev->ends_at, ev->timezone, b);
	parse_date(a, &y1, &m1, &d1);
	parse_date(b, &y2, &m2, &d2);
	if (y1 == y2 && m1 == m2 && d1 == d2)
		snprintf(out, len, "%d %s %d", d1, months[m1 - 1], y1);
	else if (y1 == y2 && m1 == m2)
		snprintf(out, len, "%d–%d %s %d", d1, d2, months[m1 - 1], y1);
	else if (y1 == y2)
		snprintf(out, len, "%d %s – %d %s %d", d1, months[m1 - 1], d2,
		    months[m2 - 1], y1);
	else
		snprintf(out, len, "%d %s %d – %d %s %d", d1, months[m1 - 1],
		    y1, d2, months[m2 - 1], y2);
}

/* "2027-11-30" as "Tuesday 30 November 2027". */
void
badge_day_title(const char *iso, char *out, size_t len)
{
	static const char	*days[] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };
	struct tm		 tm = { 0 };
	time_t			 t;
	int			 y, m, d;

	parse_date(iso, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	snprintf(out, len, "%s %d %s %d", days[tm.tm_wday], d, months[m - 1],
	    y);
}
