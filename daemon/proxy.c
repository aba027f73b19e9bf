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
	return forwarded_client(values, n, cfg->trusted_proxies.v,
	    cfg->trusted_proxies.n, client);
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
	if (cfg->trusted_proxies.n == 0 || headers == NULL ||
	    net_addr_parse(peer, strlen(peer), &peer_a) != 0)
		return;
	for (i = 0; i < cfg->trusted_proxies.n; i++)
		if (net_range_contains(&cfg->trusted_proxies.v[i], &peer_a))
			break;
	if (i == cfg->trusted_proxies.n ||
	    proxy_forwarded(cfg, headers, &client) != 0 ||
	    inet_ntop(client.family, client.b, text, sizeof text) == NULL)
		return;
	snprintf(out, len, "%s", text);
}
