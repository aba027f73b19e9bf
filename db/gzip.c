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

/*
 * One gzip stream from parts compressed apart, as pigz makes it: each
 * part is raw deflate ended on a byte boundary (Z_SYNC_FLUSH), the last
 * one ended as a stream (Z_FINISH), and the CRC-32s combined. A part that
 * did not change can then be kept compressed and joined again (the door's
 * copy, door-sync.c), and parts can be compressed on several threads.
 */
struct gzip_deflater {
	z_stream	z;
};

struct gzip_deflater *
gzip_deflater_create(void)
{
	struct gzip_deflater	*d = xcalloc(1, sizeof *d);

	/* Level 1, as gzip_compress(), and raw deflate: no header. */
	if (deflateInit2(&d->z, 1, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(d);
		return NULL;
	}
	return d;
}

void
gzip_deflater_free(struct gzip_deflater *d)
{
	if (d == NULL)
		return;
	deflateEnd(&d->z);
	free(d);
}

/*
 * Compress len bytes as one part into p (p->z is the caller's to free);
 * last: the stream's end. 0, or -1 when zlib failed.
 */
int
gzip_part_make(struct gzip_deflater *d, const void *in, size_t len,
    int last, struct gzip_part *p)
{
	uLong	room;
	int	rc;

	memset(p, 0, sizeof *p);
	if (deflateReset(&d->z) != Z_OK)
		return -1;
	room = deflateBound(&d->z, (uLong)len) + 32;
	p->z = xmalloc(room);
	d->z.next_in = (Bytef *)(uintptr_t)in;
	d->z.avail_in = (uInt)len;
	d->z.next_out = p->z;
	d->z.avail_out = (uInt)room;
	rc = deflate(&d->z, last ? Z_FINISH : Z_SYNC_FLUSH);
	if ((last && rc != Z_STREAM_END) || (!last && rc != Z_OK) ||
	    d->z.avail_in != 0) {
		free(p->z);
		p->z = NULL;
		return -1;
	}
	p->zlen = room - d->z.avail_out;
	p->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), in, (uInt)len);
	p->len = len;
	return 0;
}

/*
 * The gzip stream of parts in order, the last made with last set: a
 * buffer the caller frees, its length in *out_len.
 */
unsigned char *
gzip_parts_join(const struct gzip_part *parts, size_t n, size_t *out_len)
{
	static const unsigned char head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0,
	    0, 3 };
	unsigned char	*out, *o;
	size_t		 room = sizeof head + 8, len = 0;
	uLong		 crc = crc32(0L, Z_NULL, 0);

	for (size_t i = 0; i < n; i++)
		room += parts[i].zlen;
	o = out = xmalloc(room);
	memcpy(o, head, sizeof head);
	o += sizeof head;
	for (size_t i = 0; i < n; i++) {
		memcpy(o, parts[i].z, parts[i].zlen);
		o += parts[i].zlen;
		crc = crc32_combine(crc, parts[i].crc, (z_off_t)parts[i].len);
		len += parts[i].len;
	}
	for (int i = 0; i < 4; i++)
		*o++ = (unsigned char)(crc >> (8 * i));
	for (int i = 0; i < 4; i++)	/* the length, modulo 2^32 */
		*o++ = (unsigned char)(len >> (8 * i));
	*out_len = room;
	return out;
}
