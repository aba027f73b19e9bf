/*
 * gzip.c: answers compressed on the wire (RFC 9110 content codings): does
 * a request's Accept-Encoding take gzip, and the gzip of a buffer. The
 * door's offline copy is the answer that needs it: 10,000 passes are
 * megabytes of JSON, mostly base64, which gzip brings back near its bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "techtank.h"

/*
 * Whether an Accept-Encoding value takes gzip: a "gzip" (or "x-gzip")
 * or "*" coding not refused with q=0. Anything unreadable is no.
 */
int
gzip_accepted(const char *value)
{
	const char	*p = value;
	int		 gzip = -1, star = -1;

	if (value == NULL)
		return 0;
	while (*p != '\0') {
		const char	*tok, *end;
		size_t		 len;
		int		 q = 1;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		tok = p;
		while (*p != '\0' && *p != ',' && *p != ';' && *p != ' ' &&
		    *p != '\t')
			p++;
		len = (size_t)(p - tok);
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		/* Parameters: only q matters; q=0 (0.0, 0.000) refuses. */
		for (const char *a = p; a < end; a++)
			if ((*a == 'q' || *a == 'Q') && a[1] == '=') {
				q = strtod(a + 2, NULL) > 0;
				break;
			}
		if ((len == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (len == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			gzip = q;
		else if (len == 1 && *tok == '*')
			star = q;
		p = end;
	}
	return gzip >= 0 ? gzip : star > 0;
}

/*
 * The gzip of len bytes at in: a buffer the caller frees, its length in
 * *out_len; NULL when zlib failed. Level 1: the copy is mostly random
 * base64, which higher levels shrink by 2 % at twice the time; Huffman
 * codes alone would be faster still, but 7 % larger.
 */
unsigned char *
gzip_compress(const void *in, size_t len, size_t *out_len)
{
	z_stream	 z;
	unsigned char	*out;
	uLong		 room;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	room = deflateBound(&z, (uLong)len) + 32;
	out = xmalloc(room);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)room;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}
