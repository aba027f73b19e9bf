/*
 * fuzz-path.c: libFuzzer target for static_path_safe() (daemon/parse.c),
 * the check that a web file's path (the decoded request path less its
 * first '/') stays inside the web root before static.c opens it there.
 * It must accept exactly the paths whose segments are all non-empty and
 * none starts with '.', with no backslash: so none is "..", none is
 * absolute, none is empty.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

/* Whether every '/'-separated segment of path is a plain name. */
static int
expected(const char *path)
{
	const char	*seg = path;
	size_t		 len;

	if (strchr(path, '\\') != NULL)
		return 0;
	for (;;) {
		len = strcspn(seg, "/");
		if (len == 0 || seg[0] == '.')
			return 0;
		if (seg[len] == '\0')
			return 1;
		seg += len + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*path;
	int	 safe;

	if ((path = malloc(size + 1)) == NULL)
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	safe = static_path_safe(path);
	CHECK(safe == expected(path));
	if (safe) {
		CHECK(path[0] != '\0' && path[0] != '/' && path[0] != '.');
		CHECK(strstr(path, "/.") == NULL);
		CHECK(strstr(path, "//") == NULL);
		CHECK(path[strlen(path) - 1] != '/');
		CHECK(strchr(path, '\\') == NULL);
	}
	free(path);
	return 0;
}
