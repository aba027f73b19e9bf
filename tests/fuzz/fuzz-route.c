/*
 * fuzz-route.c: libFuzzer target for route_split() and route_match()
 * (daemon/parse.c), which the router runs on every request path against
 * every route the daemon serves. The patterns are the .path strings of
 * the route tables in daemon/api-*.c, which make copies into
 * route-patterns.h when the fuzzer is built.
 *
 * The split must keep the path's segments, the matcher must agree with a
 * plain segment-by-segment comparison of the unsplit path, must not
 * change the split buffer, and a match's arguments, at most
 * ROUTE_ARGS_MAX, must be the non-empty segments inside that buffer that
 * put back into the pattern give the path again.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

static const char *const patterns[] = {
#include "route-patterns.h"
};
#define NPATTERNS (sizeof patterns / sizeof patterns[0])

/* The "*" segments of a pattern. */
static size_t
stars(const char *pattern)
{
	size_t	 n = 0;

	for (const char *p = pattern; (p = strstr(p, "/*")) != NULL; p++)
		if (p[2] == '/' || p[2] == '\0')
			n++;
	return n;
}

/* Whether path matches pattern, read segment by segment as they are. */
static int
expected(const char *pattern, const char *path)
{
	const char	*p = pattern, *s = path;
	size_t		 plen, slen;

	if (*p++ != '/' || *s++ != '/' || stars(pattern) > ROUTE_ARGS_MAX)
		return 0;
	for (;;) {
		plen = strcspn(p, "/");
		slen = strcspn(s, "/");
		if (plen == 1 && *p == '*') {
			if (slen == 0)
				return 0;
		} else if (plen != slen || memcmp(p, s, plen) != 0)
			return 0;
		p += plen;
		s += slen;
		if (*p == '\0' || *s == '\0')
			return *p == '\0' && *s == '\0';
		p++;
		s++;
	}
}

/* The pattern with each "*" replaced by its argument into out. */
static void
fill(const char *pattern, const char **args, char *out)
{
	size_t	 i = 0;

	*out = '\0';
	for (const char *p = pattern; *p != '\0'; p++) {
		if (p > pattern && p[-1] == '/' && p[0] == '*' &&
		    (p[1] == '/' || p[1] == '\0'))
			strcat(out, args[i++]);
		else
			strncat(out, p, 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	**args;
	char		 *path, *segs, *saved, *out, *seg;
	size_t		  len, nsegs, slashes = 0, longest = 0, i, j, n;

	if ((path = malloc(size + 1)) == NULL)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	len = strlen(path);
	segs = strdup(path);
	for (i = 0; i < NPATTERNS; i++)
		if (strlen(patterns[i]) > longest)
			longest = strlen(patterns[i]);
	saved = malloc(len + 1);
	out = malloc(len + longest + 1);
	/* Exactly as many as the router has, so ASan sees one more. */
	args = malloc(ROUTE_ARGS_MAX * sizeof *args);
	CHECK(segs != NULL && saved != NULL && out != NULL && args != NULL);

	nsegs = route_split(segs);
	for (i = 1; i < len; i++)
		slashes += path[i] == '/';
	if (path[0] != '/')
		CHECK(nsegs == 0);
	else {
		/* The segments, joined by '/' again, are the path. */
		CHECK(nsegs == slashes + 1);
		for (i = 0, seg = segs, *out = '\0'; i < nsegs; i++) {
			strcat(out, "/");
			strcat(out, seg);
			seg += strlen(seg) + 1;
		}
		CHECK(strcmp(out, path) == 0);
	}
	memcpy(saved, segs, len + 1);

	for (i = 0; i < NPATTERNS; i++) {
		n = stars(patterns[i]);
		CHECK(n <= ROUTE_ARGS_MAX);
		for (j = 0; j < ROUTE_ARGS_MAX; j++)
			args[j] = NULL;
		if (!route_match(patterns[i], segs, nsegs, args)) {
			CHECK(!expected(patterns[i], path));
			CHECK(memcmp(segs, saved, len + 1) == 0);
			continue;
		}
		CHECK(expected(patterns[i], path));
		CHECK(memcmp(segs, saved, len + 1) == 0);
		for (j = 0; j < n; j++) {
			CHECK(args[j] != NULL);
			/* The split path is the len - 1 bytes after the
			 * first '/' and a NUL. */
			CHECK(args[j] >= segs && args[j] < segs + len - 1);
			CHECK(args[j] == segs || args[j][-1] == '\0');
			CHECK(args[j][0] != '\0');
			CHECK(args[j] + strlen(args[j]) < segs + len);
		}
		for (; j < ROUTE_ARGS_MAX; j++)
			CHECK(args[j] == NULL);
		fill(patterns[i], args, out);
		CHECK(strcmp(out, path) == 0);
	}
	free(args);
	free(out);
	free(saved);
	free(segs);
	free(path);
	return 0;
}
