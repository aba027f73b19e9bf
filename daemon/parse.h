/*
 * parse.h: the pure parsers of client input (parse.c), shared by the
 * daemon and its fuzzers.
 */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#define ROUTE_ARGS_MAX		4	/* "*" segments in a route */
#define FORWARDED_HOPS_MAX	16	/* X-Forwarded-For addresses read */
#define FORWARDED_HEADERS_MAX	16	/* X-Forwarded-For fields read */

/* An IP address, IPv4-mapped IPv6 taken as IPv4; a range of them. */
struct net_addr {
	int		 family;	/* AF_INET or AF_INET6 */
	unsigned char	 b[16];
};
struct net_range {
	struct net_addr	 addr;
	int		 bits;		/* prefix length */
};

int cookie_get(const char *header, const char *name, char *out, size_t len);
size_t route_split(char *path);
int route_match(const char *pattern, char *segs, size_t nsegs,
	    const char **args);
int static_path_safe(const char *);
int64_t route_id(const char *);
int net_addr_parse(const char *, size_t, struct net_addr *);
int net_range_parse(const char *, size_t, struct net_range *);
int net_range_contains(const struct net_range *, const struct net_addr *);
/* The head of a plain GET that quick.c may answer (quick_head_parse()). */
#define QUICK_TARGET_MAX	40	/* longer targets are evhttp's */
#define QUICK_FORWARDED_MAX	255	/* bytes of an X-Forwarded-For, ditto */
struct quick_head {
	const char	*target;	/* in the head, not terminated */
	size_t		 target_len;
	int		 close;		/* Connection: close */
	size_t		 nforwarded;	/* X-Forwarded-For fields */
	const char	*forwarded[FORWARDED_HEADERS_MAX + 1];	/* in the head */
	size_t		 forwarded_len[FORWARDED_HEADERS_MAX + 1];
};
extern const char *const quick_harmless[];	/* NULL-terminated */
int quick_head_parse(const char *head, size_t len, struct quick_head *);
int forwarded_client(const char *const *values, size_t nvalues,
	    const struct net_range *trusted, size_t ntrusted,
	    struct net_addr *client);

#endif
