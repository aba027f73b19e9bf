/*
 * parse.h: the pure parsers of client input (parse.c), shared by the
 * daemon and its fuzzers.
 */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>

#define ROUTE_ARGS_MAX		4	/* "*" segments in a route */

int cookie_get(const char *header, const char *name, char *out, size_t len);
size_t route_split(char *path);
int route_match(const char *pattern, char *segs, size_t nsegs,
	    const char **args);
int static_path_safe(const char *);

#endif
