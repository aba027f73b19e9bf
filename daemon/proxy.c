/*
 * proxy.c: the client's address behind a reverse proxy. Only from a peer
 * named by --trusted-proxy is X-Forwarded-For believed: its addresses are
 * read from the right (the proxy nearest to us appends last), skipping the
 * trusted ones, and the first that is not trusted is the client. Anything
 * in the part read that is not a plain address (garbage, "unknown", a port,
 * brackets, too many trusted hops) makes the header worthless, and the
 * peer's own address is used; what lies left of the client is never read,
 * so a client cannot choose its address by what it sends first.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"

#define FORWARDED_HEADER	"X-Forwarded-For"

/* An address in text, one element of the header or a peer: 0, or -1. */
static int
addr_parse(const char *s, size_t len, struct proxy_addr *a)
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

static int
net_contains(const struct proxy_net *n, const struct proxy_addr *a)
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

static int
trusted(const struct config *cfg, const struct proxy_addr *a)
{
	for (size_t i = 0; i < cfg->ntrusted_proxies; i++)
		if (net_contains(&cfg->trusted_proxies[i], a))
			return 1;
	return 0;
}

/* A prefix length of digits only, at most max: 0, or -1. */
static int
prefix_parse(const char *s, int max, int *bits)
{
	int	v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return -1;
	*bits = v;
	return 0;
}

/* --trusted-proxy ADDR[/PREFIX]: adds a range to cfg, 0, or -1 with cause. */
int
proxy_trust(struct config *cfg, const char *spec, char **cause)
{
	const char		*slash = strchr(spec, '/');
	size_t			 alen = slash ? (size_t)(slash - spec) :
				    strlen(spec);
	struct proxy_net	 n;
	int			 max, full, rest;

	if (addr_parse(spec, alen, &n.addr) != 0) {
		xasprintf(cause, "expected an IPv4 or IPv6 address, optionally "
		    "with /PREFIX, not \"%s\"", spec);
		return -1;
	}
	max = n.addr.family == AF_INET ? 32 : 128;
	n.bits = max;
	if (slash != NULL && n.addr.family == AF_INET &&
	    memchr(spec, ':', alen) != NULL) {
		xasprintf(cause, "\"%s\": write an IPv4 range as IPv4 "
		    "(a.b.c.d/N)", spec);
		return -1;
	}
	if (slash != NULL && prefix_parse(slash + 1, max, &n.bits) != 0) {
		xasprintf(cause, "\"%s\": the prefix must be a number from 0 "
		    "to %d", spec, max);
		return -1;
	}
	full = n.bits / 8;
	rest = n.bits % 8;
	for (int i = full; i < max / 8; i++) {
		unsigned char	host = i == full ?
				    (unsigned char)(0xff >> rest) : 0xff;

		if ((n.addr.b[i] & host) != 0) {
			xasprintf(cause, "\"%s\" has bits set beyond its /%d "
			    "prefix: give the range's first address", spec,
			    n.bits);
			return -1;
		}
	}
	cfg->trusted_proxies = xreallocarray(cfg->trusted_proxies,
	    cfg->ntrusted_proxies + 1, sizeof *cfg->trusted_proxies);
	cfg->trusted_proxies[cfg->ntrusted_proxies++] = n;
	return 0;
}

/*
 * One header's value, walked from its right end: 1 with *client the first
 * address that is not trusted; 0 when all are trusted (*client the
 * left-most); -1 at an element that is not an address or past
 * PROXY_HOPS_MAX elements.
 */
static int
forwarded_walk(const struct config *cfg, const char *value, int *hops,
    struct proxy_addr *client)
{
	const char	*end = value + strlen(value), *start, *s, *e;

	for (;;) {
		for (start = end; start > value && start[-1] != ',';)
			start--;
		for (s = start; s < end && (*s == ' ' || *s == '\t');)
			s++;
		for (e = end; e > s && (e[-1] == ' ' || e[-1] == '\t');)
			e--;
		if (++*hops > PROXY_HOPS_MAX ||
		    addr_parse(s, (size_t)(e - s), client) != 0)
			return -1;
		if (!trusted(cfg, client))
			return 1;
		if (start == value)
			return 0;
		end = start - 1;
	}
}

/*
 * The client behind a trusted peer: 0 with *client, or -1 when there is
 * no header or the part of it read is malformed. Repeated headers are one
 * list in their order (RFC 9110, 5.3), so the last is read first.
 */
static int
forwarded_client(const struct config *cfg, const struct evkeyvalq *headers,
    struct proxy_addr *client)
{
	struct evkeyval	*kv;
	int		 hops = 0, rc;

	TAILQ_FOREACH_REVERSE(kv, headers, evkeyvalq, next) {
		if (strcasecmp(kv->key, FORWARDED_HEADER) != 0)
			continue;
		if ((rc = forwarded_walk(cfg, kv->value, &hops, client)) != 0)
			return rc == 1 ? 0 : -1;
	}
	return hops > 0 ? 0 : -1;
}

/*
 * The address of the client of a request, for the access log, login
 * throttling and the audit log: the peer's, or the forwarded one when the
 * peer is a trusted proxy. headers may be NULL (a request refused before
 * its head was parsed): then it is the peer's.
 */
void
proxy_client_address(const struct config *cfg,
    struct evhttp_connection *evcon, const struct evkeyvalq *headers,
    char *out, size_t len)
{
	struct proxy_addr	 peer_a, client;
	char			*peer = NULL, text[INET6_ADDRSTRLEN];
	ev_uint16_t		 port;

	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	if (peer == NULL) {
		snprintf(out, len, "-");
		return;
	}
	if (cfg->ntrusted_proxies == 0 || headers == NULL ||
	    addr_parse(peer, strlen(peer), &peer_a) != 0 ||
	    !trusted(cfg, &peer_a) ||
	    forwarded_client(cfg, headers, &client) != 0 ||
	    inet_ntop(client.family, client.b, text, sizeof text) == NULL) {
		snprintf(out, len, "%s", peer);
		return;
	}
	snprintf(out, len, "%s", text);
}
