/*
 * parse.c: the parsers of what a client sends that need nothing but the
 * bytes: the Cookie header, request paths split and matched against route
 * patterns, and paths of web files. Kept apart so that the fuzzers
 * (tests/fuzz/) link exactly the code the daemon runs.
 */
#include <string.h>

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
	char		*seg = segs;
	size_t		 i, len, nargs = 0;

	if (*p++ != '/')
		return 0;
	for (i = 0; i < nsegs; i++) {
		len = strcspn(p, "/");
		if (len == 1 && *p == '*') {
			if (*seg == '\0' || nargs == ROUTE_ARGS_MAX)
				return 0;
			args[nargs++] = seg;
		} else if (strlen(seg) != len || strncmp(p, seg, len) != 0)
			return 0;
		p += len;
		seg += strlen(seg) + 1;
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

