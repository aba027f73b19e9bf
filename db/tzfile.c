/*
 * tzfile.c: time zones read from the system's TZif files (RFC 8536), so
 * that showing a time in an event's zone never touches the process-wide
 * TZ: setenv() races with every thread that reads the environment (pango
 * and fontconfig do). A zone is loaded once, cached for the life of the
 * process and never changed after, so any thread may use it unlocked;
 * only the cache lookup takes a mutex. Times after the last transition in
 * a file follow the POSIX TZ string at its end, as the C library does.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "techtank.h"

#define TZ_DIR		"/usr/share/zoneinfo"
#define TZ_NAME_MAX	128		/* the longest in tzdata is 32 */
#define TZ_FILE_MAX	(256 * 1024)	/* zone files are a few KiB */
#define TZ_HEADER	44		/* bytes before each data block */
/* Summer time without dates: POSIX leaves it open; this is tzcode's. */
#define TZ_DEFAULT_RULE	",M3.2.0,M11.1.0"

struct tz_type {
	int32_t	 utoff;		/* seconds east of UTC */
	int	 isdst;
};

/*
 * A day of the year in a POSIX TZ rule, and the local time on it. kind is
 * 'J' for Jn (1 to 365, never counting 29 February), 'D' for n (0 to 365)
 * or 'M' for Mm.w.d (day d of week w of month m, week 5 the last).
 */
struct tz_date {
	char	 kind;
	int	 n, m, w, d;
	int32_t	 secs;		/* -167 to 167 hours */
};

/* The POSIX TZ string at the end of a version 2+ file. */
struct tz_rule {
	int32_t		 std_off, dst_off;	/* seconds east of UTC */
	int		 has_dst;
	char		 std_name[TZFILE_NAME_MAX], dst_name[TZFILE_NAME_MAX];
	struct tz_date	 start, end;	/* start in standard, end in DST time */
};

struct tzfile {
	char		*name;
	size_t		 ntrans;
	int64_t		*trans;		/* ascending UTC times */
	uint8_t		*idx;		/* the type from each transition */
	size_t		 ntypes;
	struct tz_type	*types;
	int		 has_rule;
	struct tz_rule	 rule;
};

struct tz_counts {
	uint32_t	 isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static struct tz_type	 tz_utc_type = { 0, 0 };
static struct tzfile	 tz_utc = { .name = "UTC", .ntypes = 1,
    .types = &tz_utc_type };

static pthread_mutex_t	 tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tzfile	**tz_cache;
static size_t		 tz_ncache;

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
get64(const unsigned char *p)
{
	return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The year a number of seconds since the epoch falls in. */
static int64_t
year_of(int64_t t)
{
	int64_t	z = floor_div(t, 86400) + 719468;
	int64_t	era = floor_div(z, 146097), doe = z - era * 146097;
	int64_t	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t	mp = (5 * doy + 2) / 153;

	return yoe + era * 400 + (mp >= 10);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return days[m - 1] + (m == 2 && is_leap(y));
}

/* A zone name from the database: a relative path of tzdata's characters. */
static int
name_ok(const char *name)
{
	size_t	len = strlen(name);

	if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' ||
	    strstr(name, "..") != NULL)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("_+-/", *p) != NULL))
			return 0;
	return 1;
}

/* [+-]hh[:mm[:ss]] as seconds, hours up to max; NULL if it is not one. */
static const char *
parse_hms(const char *p, int max, int32_t *out)
{
	int	sign = 1, part[3] = { 0, 0, 0 }, n;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		if (i > 0 && *p != ':')
			break;
		if (i > 0)
			p++;
		for (n = 0; *p >= '0' && *p <= '9' && n < 3; n++)
			part[i] = part[i] * 10 + (*p++ - '0');
		if (n == 0 || (i > 0 && (n != 2 || part[i] > 59)))
			return NULL;
	}
	if (part[0] > max)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

/* Keep an abbreviation (shortened to fit) for calendars' TZNAME. */
static void
abbr_copy(char out[TZFILE_NAME_MAX], const char *start, const char *end)
{
	size_t	len = (size_t)(end - start);

	if (len >= TZFILE_NAME_MAX)
		len = TZFILE_NAME_MAX - 1;
	memcpy(out, start, len);
	out[len] = '\0';
}

/*
 * A zone abbreviation: three or more letters, or <...> (<+0530>), kept in
 * name.
 */
static const char *
parse_abbr(const char *p, char name[TZFILE_NAME_MAX])
{
	const char	*start;

	if (*p == '<') {
		for (start = ++p; *p != '>'; p++)
			if (!((*p >= 'A' && *p <= 'Z') ||
			    (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
				return NULL;
		if (p - start < 3)
			return NULL;
		abbr_copy(name, start, p);
		return p + 1;
	}
	for (start = p; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
	    p++)
		;
	if (p - start < 3)
		return NULL;
	abbr_copy(name, start, p);
	return p;
}

static const char *
parse_number(const char *p, int min, int max, int *out)
{
	int	v = 0, n;

	for (n = 0; *p >= '0' && *p <= '9' && n < 4; n++)
		v = v * 10 + (*p++ - '0');
	if (n == 0 || v < min || v > max)
		return NULL;
	*out = v;
	return p;
}

/* ,Jn or ,n or ,Mm.w.d, then an optional /time (02:00 if none). */
static const char *
parse_date(const char *p, struct tz_date *d)
{
	if (*p++ != ',')
		return NULL;
	memset(d, 0, sizeof *d);
	if (*p == 'J') {
		d->kind = 'J';
		p = parse_number(p + 1, 1, 365, &d->n);
	} else if (*p == 'M') {
		d->kind = 'M';
		if ((p = parse_number(p + 1, 1, 12, &d->m)) == NULL ||
		    *p++ != '.' || (p = parse_number(p, 1, 5, &d->w)) == NULL ||
		    *p++ != '.')
			return NULL;
		p = parse_number(p, 0, 6, &d->d);
	} else {
		d->kind = 'D';
		p = parse_number(p, 0, 365, &d->n);
	}
	if (p == NULL)
		return NULL;
	d->secs = 2 * 3600;
	if (*p == '/')
		p = parse_hms(p + 1, 167, &d->secs);
	return p;
}

/* A POSIX TZ string: std offset [dst [offset] [,start[/time],end[/time]]]. */
static int
parse_rule(const char *s, struct tz_rule *r)
{
	const char	*p;
	int32_t		 off;

	memset(r, 0, sizeof *r);
	if ((p = parse_abbr(s, r->std_name)) == NULL ||
	    (p = parse_hms(p, 24, &off)) == NULL)
		return -1;
	/* POSIX counts hours west of Greenwich. */
	r->std_off = -off;
	if (*p == '\0')
		return 0;
	if ((p = parse_abbr(p, r->dst_name)) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = parse_hms(p, 24, &off)) == NULL)
			return -1;
		r->dst_off = -off;
	}
	if (*p == '\0')
		p = TZ_DEFAULT_RULE;
	if ((p = parse_date(p, &r->start)) == NULL ||
	    (p = parse_date(p, &r->end)) == NULL || *p != '\0')
		return -1;
	return 0;
}

/* The UTC time at which a rule date falls in year y, for a zone at off. */
static int64_t
rule_time(int64_t y, const struct tz_date *d, int32_t off)
{
	int64_t	day = days_from_civil(y, 1, 1), first;
	int	n, wday;

	switch (d->kind) {
	case 'J':
		n = d->n - 1 + (is_leap(y) && d->n >= 60);
		day += n;
		break;
	case 'D':
		day += d->n;
		break;
	default:
		first = days_from_civil(y, d->m, 1);
		/* 1970-01-01 was a Thursday (4). */
		wday = (int)(first + 4 - floor_div(first + 4, 7) * 7);
		n = (d->d - wday + 7) % 7 + (d->w - 1) * 7;
		while (n >= month_days(y, d->m))
			n -= 7;
		day = first + n;
		break;
	}
	return day * 86400 + d->secs - off;
}

static void
rule_local(const struct tz_rule *r, int64_t t, int32_t *utoff, int *isdst)
{
	int64_t	y, start, end;

	*utoff = r->std_off;
	*isdst = 0;
	if (!r->has_dst)
		return;
	y = year_of(t + r->std_off);
	start = rule_time(y, &r->start, r->std_off);
	end = rule_time(y, &r->end, r->dst_off);
	/* In the southern hemisphere, DST spans the new year. */
	if (start < end ? (t >= start && t < end) : (t >= start || t < end)) {
		*utoff = r->dst_off;
		*isdst = 1;
	}
}

/*
 * The offset from UTC (seconds east) and whether it is daylight saving
 * time, at UTC time t.
 */
void
tzfile_local(const struct tzfile *tz, int64_t t, long *utoff, int *isdst)
{
	const struct tz_type	*type = &tz->types[0];
	size_t			 lo = 0, hi = tz->ntrans;
	int32_t			 off;

	/* Far enough from the ends of int64_t for the sums below. */
	if (t > INT64_MAX / 2)
		t = INT64_MAX / 2;
	if (t < INT64_MIN / 2)
		t = INT64_MIN / 2;
	if (tz->has_rule && (tz->ntrans == 0 ||
	    t > tz->trans[tz->ntrans - 1])) {
		rule_local(&tz->rule, t, &off, isdst);
		*utoff = off;
		return;
	}
	/* The last transition at or before t; before the first, type 0. */
	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (tz->trans[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)
		type = &tz->types[tz->idx[lo - 1]];
	*utoff = type->utoff;
	*isdst = type->isdst;
}

static int
counts_read(const unsigned char *p, size_t len, int *version,
    struct tz_counts *c)
{
	if (len < TZ_HEADER || memcmp(p, "TZif", 4) != 0)
		return -1;
	if (p[4] == '\0')
		*version = 1;
	else if (p[4] >= '2' && p[4] <= '4')
		*version = p[4] - '0';
	else
		return -1;
	c->isutcnt = get32(p + 20);
	c->isstdcnt = get32(p + 24);
	c->leapcnt = get32(p + 28);
	c->timecnt = get32(p + 32);
	c->typecnt = get32(p + 36);
	c->charcnt = get32(p + 40);
	if (c->typecnt == 0 || c->typecnt > 256 || c->charcnt == 0 ||
	    (c->isutcnt != 0 && c->isutcnt != c->typecnt) ||
	    (c->isstdcnt != 0 && c->isstdcnt != c->typecnt) ||
	    c->timecnt > TZ_FILE_MAX || c->leapcnt > TZ_FILE_MAX ||
	    c->charcnt > TZ_FILE_MAX)
		return -1;
	return 0;
}

/* The length of a data block with times of tsize bytes. */
static size_t
block_len(const struct tz_counts *c, size_t tsize)
{
	return (size_t)c->timecnt * tsize + c->timecnt + c->typecnt * 6 +
	    c->charcnt + (size_t)c->leapcnt * (tsize + 4) + c->isstdcnt +
	    c->isutcnt;
}

/* Transitions and types from a data block that len bytes hold. */
static int
block_read(struct tzfile *tz, const unsigned char *p, size_t len,
    const struct tz_counts *c, size_t tsize)
{
	const unsigned char	*idx, *types;

	if (len < block_len(c, tsize))
		return -1;
	tz->ntrans = c->timecnt;
	tz->ntypes = c->typecnt;
	tz->trans = xreallocarray(NULL, tz->ntrans, sizeof *tz->trans);
	tz->idx = xmalloc(tz->ntrans);
	tz->types = xreallocarray(NULL, tz->ntypes, sizeof *tz->types);
	for (size_t i = 0; i < tz->ntrans; i++) {
		tz->trans[i] = tsize == 8 ? get64(p + i * 8) :
		    (int32_t)get32(p + i * 4);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return -1;
	}
	idx = p + tz->ntrans * tsize;
	for (size_t i = 0; i < tz->ntrans; i++)
		if ((tz->idx[i] = idx[i]) >= tz->ntypes)
			return -1;
	types = idx + tz->ntrans;
	for (size_t i = 0; i < tz->ntypes; i++) {
		const unsigned char	*t = types + i * 6;

		tz->types[i].utoff = (int32_t)get32(t);
		tz->types[i].isdst = t[4];
		if (tz->types[i].utoff == INT32_MIN || t[4] > 1 ||
		    t[5] >= c->charcnt)
			return -1;
	}
	return 0;
}

/* A rule date of the form Mm.w.d as a calendar's yearly rule, or -1. */
static int
rule_change(const struct tz_date *d, int32_t from, int32_t to,
    const char *name, struct tzfile_change *c)
{
	int64_t	t;

	if (d->kind != 'M' || d->secs < 0 || d->secs >= 86400)
		return -1;
	c->month = d->m;
	c->week = d->w == 5 ? -1 : d->w;
	c->wday = d->d;
	/* Its first day in 1970, as a calendar's DTSTART. */
	t = rule_time(1970, d, 0);
	c->mday = (int)(floor_div(t, 86400) - days_from_civil(1970, d->m, 1)) +
	    1;
	c->secs = d->secs;
	c->from = from;
	c->to = to;
	snprintf(c->name, sizeof c->name, "%s", name);
	return 0;
}

/*
 * The yearly rule the zone follows now, as calendars (RFC 5545 VTIMEZONE)
 * describe it: the change to summer time and back, each on a weekday of
 * a week of its month, at a local time. 0 with *r filled, 1 when the zone
 * keeps one offset (r->std only), -1 when its rule is of a kind calendars
 * cannot repeat (Jn or n days, a change outside its day).
 */
int
tzfile_rule(const struct tzfile *tz, struct tzfile_rule *r)
{
	const struct tz_rule	*tr = &tz->rule;
	long			 off;
	int			 isdst;

	memset(r, 0, sizeof *r);
	if (!tz->has_rule || !tr->has_dst) {
		if (tz->has_rule) {
			r->std_off = tr->std_off;
			snprintf(r->std_name, sizeof r->std_name, "%s",
			    tr->std_name);
		} else {
			tzfile_local(tz, INT64_MAX / 4, &off, &isdst);
			r->std_off = off;
		}
		return 1;
	}
	r->std_off = tr->std_off;
	snprintf(r->std_name, sizeof r->std_name, "%s", tr->std_name);
	if (rule_change(&tr->start, tr->std_off, tr->dst_off, tr->dst_name,
	    &r->to_dst) != 0 || rule_change(&tr->end, tr->dst_off, tr->std_off,
	    tr->std_name, &r->to_std) != 0)
		return -1;
	return 0;
}

/*
 * A zone from the bytes of a TZif file (versions 1 to 4; from version 2
 * on, the 64-bit data and the TZ string at the end). NULL if they are not
 * a valid one.
 */
struct tzfile *
tzfile_parse(const unsigned char *p, size_t len)
{
	struct tzfile		*tz = xcalloc(1, sizeof *tz);
	struct tz_counts	 c;
	const unsigned char	*end, *nl;
	char			*footer;
	size_t			 skip;
	int			 version, rc;

	if (len > TZ_FILE_MAX || counts_read(p, len, &version, &c) != 0)
		goto fail;
	if (version == 1) {
		if (block_read(tz, p + TZ_HEADER, len - TZ_HEADER, &c, 4) != 0)
			goto fail;
		return tz;
	}
	/* Skip the 32-bit data that readers of version 1 use. */
	skip = TZ_HEADER + block_len(&c, 4);
	if (skip > len || counts_read(p + skip, len - skip, &version,
	    &c) != 0)
		goto fail;
	p += skip + TZ_HEADER;
	len -= skip + TZ_HEADER;
	if (block_read(tz, p, len, &c, 8) != 0)
		goto fail;
	/* The footer: a newline, the TZ string, a newline. */
	p += block_len(&c, 8);
	len -= block_len(&c, 8);
	end = p + len;
	if (len < 2 || *p != '\n' || (nl = memchr(p + 1, '\n',
	    len - 1)) == NULL || nl + 1 != end)
		goto fail;
	if (nl == p + 1)
		return tz;	/* no rule: the last type holds for ever */
	footer = xstrndup((const char *)p + 1, nl - p - 1);
	rc = parse_rule(footer, &tz->rule);
	free(footer);
	if (rc != 0)
		goto fail;
	tz->has_rule = 1;
	return tz;
fail:
	tzfile_free(tz);
	return NULL;
}

void
tzfile_free(struct tzfile *tz)
{
	if (tz == NULL || tz == &tz_utc)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz->types);
	free(tz);
}

static struct tzfile *
tzfile_load(const char *name)
{
	struct tzfile	*tz = NULL;
	struct stat	 sb;
	unsigned char	*buf = NULL;
	char		*path;
	size_t		 done = 0;
	ssize_t		 n;
	int		 fd;

	xasprintf(&path, "%s/%s", TZ_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > TZ_FILE_MAX)
		goto out;
	buf = xmalloc((size_t)sb.st_size + 1);
	while (done < (size_t)sb.st_size) {
		n = read(fd, buf + done, (size_t)sb.st_size - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if ((tz = tzfile_parse(buf, done)) != NULL)
		tz->name = xstrdup(name);
out:
	free(buf);
	close(fd);
	return tz;
}

/*
 * The zone of that name (Europe/Stockholm), loaded on first use and kept:
 * the caller must not free it. NULL for a name that is not a zone.
 */
const struct tzfile *
tzfile_get(const char *name)
{
	struct tzfile	*tz = NULL;

	if (name == NULL)
		return NULL;
	if (strcmp(name, "UTC") == 0)
		return &tz_utc;
	if (!name_ok(name))
		return NULL;
	pthread_mutex_lock(&tz_lock);
	for (size_t i = 0; i < tz_ncache && tz == NULL; i++)
		if (strcmp(tz_cache[i]->name, name) == 0)
			tz = tz_cache[i];
	if (tz == NULL && (tz = tzfile_load(name)) != NULL) {
		tz_cache = xreallocarray(tz_cache, tz_ncache + 1,
		    sizeof *tz_cache);
		tz_cache[tz_ncache++] = tz;
	}
	pthread_mutex_unlock(&tz_lock);
	return tz;
}
