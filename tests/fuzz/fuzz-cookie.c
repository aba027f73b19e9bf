/*
 * fuzz-cookie.c: libFuzzer target for cookie_get() (daemon/parse.c), which
 * reads the session out of any Cookie header a client sends. The first
 * byte is the size of the output buffer, the second picks the cookie's
 * name (the daemon's own, or one of up to 15 bytes that follow); the rest
 * is the header. The answer must agree with a plain reading of RFC 6265
 * done here segment by segment, and a value must fit its buffer.
 */
#include <string.h>

#include "fuzz.h"
#include "parse.h"

#define DAEMON_COOKIE	"tt_session"	/* COOKIE_NAME in auth.c */

/*
 * What cookie_get() should answer: the segments between semicolons, each
 * without its leading blanks; exactly one of them "name=value", with a
 * value, less its trailing blanks, that is not empty and shorter than len.
 */
static int
expected(const char *header, const char *name, size_t len, char **value)
{
	char	*copy = strdup(header), *seg, *next, *v = NULL, *end;
	size_t	 nlen = strlen(name);
	int	 found = 0;

	CHECK(copy != NULL);
	for (seg = copy; seg != NULL; seg = next) {
		if ((next = strchr(seg, ';')) != NULL)
			*next++ = '\0';
		seg += strspn(seg, " \t");
		if (strncmp(seg, name, nlen) != 0 || seg[nlen] != '=')
			continue;
		if (found++ == 0)
			v = seg + nlen + 1;
	}
	*value = NULL;
	if (found != 1) {
		free(copy);
		return -1;
	}
	for (end = v + strlen(v); end > v && (end[-1] == ' ' ||
	    end[-1] == '\t'); end--)
		;
	*end = '\0';
	if (*v == '\0' || strlen(v) >= len) {
		free(copy);
		return -1;
	}
	*value = strdup(v);
	free(copy);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 name[16], *header, *out, *want;
	size_t	 len, nlen, n;
	int	 r, e;

	if (size < 2) {
		char	 buf[8];

		/* A request without the header. */
		CHECK(cookie_get(NULL, DAEMON_COOKIE, buf, sizeof buf) == -1);
		return 0;
	}
	len = data[0];
	if (data[1] & 0x80) {
		strcpy(name, DAEMON_COOKIE);
		data += 2;
		size -= 2;
	} else {
		nlen = data[1] % sizeof name;
		if (nlen > size - 2)
			nlen = size - 2;
		memcpy(name, data + 2, nlen);
		name[nlen] = '\0';
		data += 2 + nlen;
		size -= 2 + nlen;
	}
	if ((header = malloc(size + 1)) == NULL)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	/* Exactly len bytes, so that ASan sees a byte written past them. */
	if ((out = malloc(len)) == NULL && len > 0) {
		free(header);
		return 0;
	}

	r = cookie_get(header, name, out, len);
	e = expected(header, name, len, &want);
	CHECK(r == e);
	if (r == 0) {
		CHECK(memchr(out, '\0', len) != NULL);
		n = strlen(out);
		CHECK(n > 0 && n < len);
		CHECK(strchr(out, ';') == NULL);
		CHECK(out[n - 1] != ' ' && out[n - 1] != '\t');
		CHECK(strcmp(out, want) == 0);
	}
	free(want);
	free(out);
	free(header);
	return 0;
}
