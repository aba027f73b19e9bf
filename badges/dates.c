/*
 * dates.c: dates as printed, in English or Swedish, in the event's time
 * zone: "30 November – 1 December 2027", "Tuesday 30 November 2027";
 * "30 november–1 december 2027", "Tisdag 30 november 2027".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"

static const char *const months_en[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const months_sv[] = { "januari", "februari", "mars",
    "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december" };
static const char *const days_en[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const days_sv[] = { "Söndag", "Måndag", "Tisdag",
    "Onsdag", "Torsdag", "Fredag", "Lördag" };

static int
is_sv(const char *lang)
{
	return lang != NULL && strcmp(lang, "sv") == 0;
}

static void
parse_date(const char *iso, int *y, int *m, int *d)
{
	*y = atoi(iso);
	*m = strlen(iso) >= 7 ? atoi(iso + 5) : 1;
	*d = strlen(iso) >= 10 ? atoi(iso + 8) : 1;
	if (*m < 1 || *m > 12)
		*m = 1;
}

/*
 * Two ISO dates ("2027-11-30", "2027-12-01", or times that start so) as a
 * range: one day, days of a month, or across months or years.
 */
void
badge_date_range_in(const char *from, const char *to, const char *lang,
    char *out, size_t len)
{
	const char *const	*months = is_sv(lang) ? months_sv : months_en;
	int			 y1, m1, d1, y2, m2, d2;

	parse_date(from, &y1, &m1, &d1);
	parse_date(to, &y2, &m2, &d2);
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

void
badge_event_dates_in(const struct badge_event *ev, const char *lang,
    char *out, size_t len)
{
	char	a[16], b[16];

	timefmt_date(ev->starts_at, ev->timezone, a);
	timefmt_date(ev->ends_at, ev->timezone, b);
	badge_date_range_in(a, b, lang, out, len);
}

void
badge_event_dates(const struct badge_event *ev, char *out, size_t len)
{
	badge_event_dates_in(ev, "en", out, len);
}

/* "2026-12-01" (or a time that starts so) as "1 December 2026". */
void
badge_date_in(const char *iso, const char *lang, char *out, size_t len)
{
	const char *const	*months = is_sv(lang) ? months_sv : months_en;
	int			 y, m, d;

	parse_date(iso, &y, &m, &d);
	snprintf(out, len, "%d %s %d", d, months[m - 1], y);
}

/* "2027-11-30" as "Tuesday 30 November 2027". */
void
badge_day_title_in(const char *iso, const char *lang, char *out, size_t len)
{
	const char *const	*days = is_sv(lang) ? days_sv : days_en;
	const char *const	*months = is_sv(lang) ? months_sv : months_en;
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
	snprintf(out, len, "%s %d %s %d", days[(unsigned)tm.tm_wday % 7], d,
	    months[(unsigned)(m - 1) % 12], y);
}

void
badge_day_title(const char *iso, char *out, size_t len)
{
	badge_day_title_in(iso, "en", out, len);
}
