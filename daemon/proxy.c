/*
 * proxy.c: the client's address behind a reverse proxy. Only from a peer
 * named by --trusted-proxy is X-Forwarded-For believed; forwarded_client()
 * (parse.c) reads it from the right to the first address that is not a
 * trusted proxy. A header that cannot be read there (garbage, "unknown",
 * a port, brackets, too many hops) is worthless, and the peer's own
 * address is used.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/keyvalq_struct.h>

#include "techtankd.h"

#define FORWARDED_HEADER	"X-Forwarded-For"

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
	struct net_range	 n;
	int			 max, full, rest;

	if (net_addr_parse(spec, alen, &n.addr) != 0) {
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

/* The client behind a trusted peer from the request's fields: 0, or -1. */
static int
proxy_forwarded(const struct config *cfg, const struct evkeyvalq *headers,
    struct net_addr *client)
{
	const char	*values[FORWARDED_HEADERS_MAX + 1];
	struct evkeyval	*kv;
	size_t		 n = 0;

	TAILQ_FOREACH(kv, headers, next) {
		if (strcasecmp(kv->key, FORWARDED_HEADER) != 0)
			continue;
		if (n == FORWARDED_HEADERS_MAX + 1)
			return -1;
		values[n++] = kv->value;
	}
	return forwarded_client(values, n, cfg->trusted_proxies,
	    cfg->ntrusted_proxies, client);
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
	struct net_addr	 peer_a, client;
	char		*peer = NULL, text[INET6_ADDRSTRLEN];
	ev_uint16_t	 port;
	size_t		 i;

	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	if (peer == NULL) {
		snprintf(out, len, "-");
		return;
	}
	snprintf(out, len, "%s", peer);
	if (cfg->ntrusted_proxies == 0 || headers == NULL ||
	    net_addr_parse(peer, strlen(peer), &peer_a) != 0)
		return;
	for (i = 0; i < cfg->ntrusted_proxies; i++)
		if (net_range_contains(&cfg->trusted_proxies[i], &peer_a))
			break;
	if (i == cfg->ntrusted_proxies ||
	    proxy_forwarded(cfg, headers, &client) != 0 ||
	    inet_ntop(client.family, client.b, text, sizeof text) == NULL)
		return;
	snprintf(out, len, "%s", text);
}
