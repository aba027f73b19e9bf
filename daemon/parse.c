/*
 * parse.c: the parsers of what a client sends that need nothing but the
 * bytes: the Cookie header, request paths split and matched against route
 * patterns, paths of web files, the addresses of X-Forwarded-For, and
 * the head of a GET quick.c answers. Kept apart so that the fuzzers
 * (tests/fuzz/) link exactly the code the daemon runs.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>
#include <strings.h>

#include "parse.h"

/*
 * The value of cookie name in a Cookie header (RFC 6265: "a=1; b=2") into
 * out; 0, or -1 when it is absent, empty, too long for out or given twice
 * (two values for a session are one too many to trust).
 */
int
cookie_get(const char *header, const char *name, char *out, size_t len)
{
	const char	*p, *v;
	size_t		 nlen = strlen(name), n;
	int		 found = 0;

	for (p = header; p != NULL && *p != '\0'; ) {
		p += strspn(p, " \t");
		n = strcspn(p, ";");
		if (n > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			v = p + nlen + 1;
			n -= nlen + 1;
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			if (found++ || n == 0 || n >= len)
				return -1;
			memcpy(out, v, n);
			out[n] = '\0';
			p = v + n;
		} else
			p += n;
		p += strspn(p, "; \t");
	}
	return found ? 0 : -1;
}

/*
 * Split a path ("/a/b") in place into NUL-separated segments ("a\0b");
 * the number of segments, or 0 for a path that is not absolute.
 */
size_t
route_split(char *path)
{
	size_t	 n = 1;
	char	*src = path, *dst = path;

	if (*src++ != '/')
		return 0;
	for (; *src != '\0'; src++)
		if (*src == '/') {
			*dst++ = '\0';
			n++;
		} else
			*dst++ = *src;
	*dst = '\0';
	return n;
}

/*
 * Whether the segments of a split path match a route's pattern; each
 * segment matched by a "*" (which never matches an empty one) goes to
 * args, at most ROUTE_ARGS_MAX of them.
 */
int
route_match(const char *pattern, char *segs, size_t nsegs, const char **args)
{
	const char	*p = pattern;
	const char	*seg = segs;
	size_t		 i, nargs = 0;

	/* Character by character: most routes differ from the path early,
	 * and every request tries them in turn. */
	if (*p++ != '/')
		return 0;
	for (i = 0; i < nsegs; i++) {
		if (p[0] == '*' && (p[1] == '/' || p[1] == '\0')) {
			if (*seg == '\0' || nargs == ROUTE_ARGS_MAX)
				return 0;
			args[nargs++] = seg;
			p++;
			seg += strlen(seg);
		} else {
			while (*seg != '\0' && *p == *seg) {
				p++;
				seg++;
			}
			if (*seg != '\0' || (*p != '/' && *p != '\0'))
				return 0;
		}
		seg++;
		if (i + 1 < nsegs && *p++ != '/')
			return 0;
	}
	return *p == '\0';
}

/* A path inside the root: no empty, dot-leading or parent segments. */
int
static_path_safe(const char *path)
{
	const char	*seg = path;

	if (strchr(path, '\\') != NULL)
		return 0;
	for (const char *p = path; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p == seg || *seg == '.')
			return 0;
		if (*p == '\0')
			return 1;
		seg = p + 1;
	}
}


/*
 * An IP address in text (no brackets, port, prefix or zone) into *a, an
 * IPv4-mapped IPv6 address as the IPv4 one: 0, or -1.
 */
int
net_addr_parse(const char *s, size_t len, struct net_addr *a)
{
	static const unsigned char	 mapped[12] = { [10] = 0xff, 0xff };
	char				 buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof buf || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, buf, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->b) != 1)
		return -1;
	a->family = AF_INET6;
	/* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
	if (memcmp(a->b, mapped, sizeof mapped) == 0) {
		memmove(a->b, a->b + 12, 4);
		memset(a->b + 4, 0, 12);
		a->family = AF_INET;
	}
	return 0;
}

int
net_range_contains(const struct net_range *n, const struct net_addr *a)
{
	int		full = n->bits / 8, rest = n->bits % 8;
	unsigned char	mask;

	if (n->addr.family != a->family ||
	    memcmp(n->addr.b, a->b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (n->addr.b[full] & mask) == (a->b[full] & mask);
}

/*
 * "ADDR" or "ADDR/N" into *n (a whole address when no prefix is given); N
 * is decimal, at most 32 or 128, and no bits may be set beyond it (the
 * range is written by its first address): 0, or -1.
 */
int
net_range_parse(const char *s, size_t len, struct net_range *n)
{
	const char	*slash = memchr(s, '/', len);
	size_t		 alen = slash != NULL ? (size_t)(slash - s) : len;
	int		 max, full, rest, bits = 0;

	if (net_addr_parse(s, alen, &n->addr) != 0)
		return -1;
	max = n->addr.family == AF_INET ? 32 : 128;
	n->bits = max;
	if (slash == NULL)
		return 0;
	/* An IPv4-mapped IPv6 range would count its prefix in 128 bits. */
	if (n->addr.family == AF_INET && memchr(s, ':', alen) != NULL)
		return -1;
	if (len - alen < 2 || len - alen > 4)
		return -1;
	for (const char *d = slash + 1; d < s + len; d++) {
		if (*d < '0' || *d > '9')
			return -1;
		bits = bits * 10 + (*d - '0');
	}
	if (bits > max)
		return -1;
	n->bits = bits;
	full = bits / 8;
	rest = bits % 8;
	for (int i = full; i < max / 8; i++) {
		unsigned char	host = i == full ?
				    (unsigned char)(0xff >> rest) : 0xff;

		if ((n->addr.b[i] & host) != 0)
			return -1;
	}
	return 0;
}

static int
net_trusted(const struct net_range *trusted, size_t ntrusted,
    const struct net_addr *a)
{
	for (size_t i = 0; i < ntrusted; i++)
		if (net_range_contains(&trusted[i], a))
			return 1;
	return 0;
}

/*
 * The client behind trusted proxies, from the values of the X-Forwarded-For
 * fields in their order (repeated fields are one list: RFC 9110, 5.3). The
 * list is read from its right end, where the nearest proxy appended, past
 * the trusted addresses to the first that is not: 0 with *client, which is
 * the left-most when all are trusted. -1 when there is no value, more than
 * FORWARDED_HEADERS_MAX of them, or an element read is not a plain address
 * or beyond FORWARDED_HOPS_MAX. What lies left of the client is never read.
 */
int
forwarded_client(const char *const *values, size_t nvalues,
    const struct net_range *trusted, size_t ntrusted,
    struct net_addr *client)
{
	const char	*v, *end, *start, *s, *e;
	int		 hops = 0;

	if (nvalues == 0 || nvalues > FORWARDED_HEADERS_MAX)
		return -1;
	for (size_t i = nvalues; i-- > 0;) {
		v = values[i];
		for (end = v + strlen(v);; end = start - 1) {
			for (start = end; start > v && start[-1] != ',';)
				start--;
			for (s = start; s < end && (*s == ' ' || *s == '\t');)
				s++;
			for (e = end; e > s && (e[-1] == ' ' || e[-1] == '\t');)
				e--;
			if (++hops > FORWARDED_HOPS_MAX ||
			    net_addr_parse(s, (size_t)(e - s), client) != 0)
				return -1;
			if (!net_trusted(trusted, ntrusted, client))
				return 0;
			if (start == v)
				break;
		}
	}
	return 0;
}

/* An id in a path: decimal, no sign, no leading zero; -1 otherwise. */
int64_t
route_id(const char *s)
{
	int64_t	id = 0;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || id > (INT64_MAX - 9) / 10)
			return -1;
		id = id * 10 + (*s - '0');
	}
	return id;
}

/*
 * The fields a browser, a calendar or a proxy sends that change nothing
 * about the answers quick.c gives. Connection and X-Forwarded-For are read
 * below.
 */
const char *const quick_harmless[] = {
	"accept", "accept-encoding", "accept-language", "cache-control",
	"connection", "cookie", "dnt", "host", "origin", "pragma", "priority",
	"referer", "upgrade-insecure-requests", "user-agent",
	"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
	"x-real-ip", NULL
};

static int
name_is(const char *name, size_t len, const char *known)
{
	return strlen(known) == len && strncasecmp(name, known, len) == 0;
}

static int
is_harmless(const char *name, size_t len)
{
	if (len > 4 && strncasecmp(name, "sec-", 4) == 0)
		return 1;	/* Sec-Fetch-*, Sec-CH-UA*: the browser's */
	for (size_t i = 0; quick_harmless[i] != NULL; i++)
		if (name_is(name, len, quick_harmless[i]))
			return 1;
	return 0;
}

/* A token (RFC 9110 5.6.2), as a field name must be. */
static int
is_token_n(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c)))
			return 0;
	}
	return 1;
}

/* "GET " target " HTTP/1.1": 0 with the target in q, or -1. */
static int
request_line(const char *line, size_t len, struct quick_head *q)
{
	static const char	 get[] = "GET ", version[] = " HTTP/1.1";

	if (len <= sizeof get - 1 + sizeof version - 1 ||
	    memcmp(line, get, sizeof get - 1) != 0 ||
	    memcmp(line + len - (sizeof version - 1), version,
	    sizeof version - 1) != 0)
		return -1;
	q->target = line + sizeof get - 1;
	q->target_len = len - (sizeof get - 1) - (sizeof version - 1);
	if (q->target_len > QUICK_TARGET_MAX)
		return -1;
	for (size_t i = 0; i < q->target_len; i++)
		if ((unsigned char)q->target[i] <= 0x20 ||
		    (unsigned char)q->target[i] >= 0x7f)
			return -1;
	return 0;
}

/* A field's value: no control but HTAB (headscan.c refused them too). */
static int
is_value(const char *v, const char *end)
{
	for (; v < end; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return 0;
	return 1;
}

/* Connection: keep-alive or close (1), anything else -1. */
static int
connection_value(const char *v, size_t len)
{
	if (name_is(v, len, "keep-alive"))
		return 0;
	if (name_is(v, len, "close"))
		return 1;
	return -1;
}

/*
 * Whether the head of a request (len bytes, its empty line included, as
 * headscan.c passed it) is a plain GET that quick.c may answer: 0 with q
 * filled in (its target to look up), or -1 for evhttp. Its bytes are not
 * trusted here: any line that does not end in CRLF, a control in a value,
 * a field name that is not a token or not in the list above, no Host or
 * a second one, an odd Connection: -1.
 */
int
quick_head_parse(const char *head, size_t len, struct quick_head *q)
{
	const char	*p = head, *end = head + len, *eol, *colon, *v, *ve;
	int		 hosts = 0, c;

	memset(q, 0, sizeof *q);
	if ((eol = memchr(p, '\r', (size_t)(end - p))) == NULL ||
	    eol + 1 >= end || eol[1] != '\n' ||
	    request_line(p, (size_t)(eol - p), q) != 0)
		return -1;
	for (p = eol + 2; p < end; p = eol + 2) {
		if ((eol = memchr(p, '\r', (size_t)(end - p))) == NULL ||
		    eol + 1 >= end || eol[1] != '\n')
			return -1;
		if (eol == p)
			return p + 2 == end && hosts == 1 ? 0 : -1;
		if ((colon = memchr(p, ':', (size_t)(eol - p))) == NULL ||
		    !is_token_n(p, (size_t)(colon - p)) ||
		    !is_harmless(p, (size_t)(colon - p)) ||
		    !is_value(colon + 1, eol))
			return -1;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		if (name_is(p, (size_t)(colon - p), "host"))
			hosts++;
		else if (name_is(p, (size_t)(colon - p), "connection")) {
			if ((c = connection_value(v, (size_t)(ve - v))) < 0)
				return -1;
			q->close |= c;
		} else if (name_is(p, (size_t)(colon - p),
		    "x-forwarded-for")) {
			if (q->nforwarded == FORWARDED_HEADERS_MAX + 1 ||
			    ve - v > QUICK_FORWARDED_MAX)
				return -1;
			q->forwarded[q->nforwarded] = v;
			q->forwarded_len[q->nforwarded++] = (size_t)(ve - v);
		}
	}
	return -1;
}
