/*
 * fuzz-forwarded.c: libFuzzer target for forwarded_client()
 * (daemon/parse.c), which finds the client behind trusted proxies in the
 * X-Forwarded-For fields a request brings. The first byte picks a set of
 * trusted ranges; the rest is the fields' values, one a line. The answer
 * must agree with a plain reading done here: every element of every field
 * in order, each without its blanks, walked from the last while trusted.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <string.h>

#include "fuzz.h"
#include "parse.h"

#define RANGE(fam, bits, ...) { { fam, { __VA_ARGS__ } }, bits }

static const struct net_range sets[][3] = {
	{ RANGE(AF_INET, 32, 127, 0, 0, 1) },
	{ RANGE(AF_INET, 8, 10), RANGE(AF_INET, 12, 172, 16),
	  RANGE(AF_INET6, 128, [15] = 1) },
	{ RANGE(AF_INET, 0, 0), RANGE(AF_INET6, 0, 0) },	/* all */
	{ RANGE(AF_INET6, 32, 0x20, 0x01, 0x0d, 0xb8),
	  RANGE(AF_INET6, 10, 0xfe, 0x80), RANGE(AF_INET, 23, 192, 168, 2) },
};
static const size_t set_sizes[] = { 1, 3, 2, 3 };

static int
in_set(const struct net_range *set, size_t n, const struct net_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (net_range_contains(&set[i], a))
			return 1;
	return 0;
}

/* The elements of all values, in order, each with its blanks trimmed. */
static size_t
elements(char *const *values, size_t nvalues, char **out, size_t max)
{
	size_t	 n = 0;
	char	*copy, *e;

	for (size_t i = 0; i < nvalues; i++) {
		copy = values[i];
		while ((e = strsep(&copy, ",")) != NULL) {
			while (*e == ' ' || *e == '\t')
				e++;
			for (size_t l = strlen(e); l > 0 && (e[l - 1] == ' ' ||
			    e[l - 1] == '\t'); l--)
				e[l - 1] = '\0';
			CHECK(n < max);
			out[n++] = e;
		}
	}
	return n;
}

static int
expected(char *const *values, size_t nvalues, const struct net_range *set,
    size_t nset, struct net_addr *client)
{
	char	**el;
	size_t	  n, hops = 0, max = 0;
	int	  rc = 0;

	if (nvalues == 0 || nvalues > FORWARDED_HEADERS_MAX)
		return -1;
	for (size_t i = 0; i < nvalues; i++)
		max += strlen(values[i]) + 1;
	if ((el = calloc(max, sizeof *el)) == NULL)
		abort();
	n = elements(values, nvalues, el, max);
	while (n-- > 0) {
		if (++hops > FORWARDED_HOPS_MAX ||
		    net_addr_parse(el[n], strlen(el[n]), client) != 0) {
			rc = -1;
			break;
		}
		if (!in_set(set, nset, client))
			break;
	}
	free(el);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			*buf, *copy, *p, *values[64], *copies[64];
	const struct net_range	*set;
	size_t			 nset, n = 0;
	struct net_addr		 got, want, again;
	char			 text[INET6_ADDRSTRLEN];
	int			 rc, wrc;

	if (size < 1)
		return 0;
	set = sets[data[0] % 4];
	nset = set_sizes[data[0] % 4];
	if ((buf = malloc(size)) == NULL || (copy = malloc(size)) == NULL)
		abort();
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	memcpy(copy, buf, size);
	for (p = buf; n < 64; n++) {
		values[n] = p;
		copies[n] = copy + (p - buf);
		if ((p = strchr(p, '\n')) == NULL) {
			n++;
			break;
		}
		copies[n][p - values[n]] = '\0';
		*p++ = '\0';
	}
	rc = forwarded_client((const char *const *)values, n, set, nset, &got);
	wrc = expected(copies, n, set, nset, &want);
	CHECK(rc == wrc);
	if (rc == 0) {
		CHECK(memcmp(&got, &want, sizeof got) == 0);
		CHECK(inet_ntop(got.family, got.b, text, sizeof text) != NULL);
		CHECK(net_addr_parse(text, strlen(text), &again) == 0);
		CHECK(memcmp(&got, &again, sizeof got) == 0);
	}
	free(copy);
	free(buf);
	return 0;
}
