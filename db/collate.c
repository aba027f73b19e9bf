/*
 * collate.c: the SQLite collation "sv", names in Swedish order: case and
 * accents do not count first (é as e, ü as y), but å, ä and ö are letters
 * of their own after z, in that order (æ as ä, ø as ö, as Swedish
 * dictionaries have them); spaces, hyphens and other marks are passed
 * over; digits come before letters, other scripts after ö. Names equal so
 * far are told apart by their bytes, so the order is total and stable.
 */
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "techtank.h"

#define W_AA	((int32_t)'z' + 1)	/* å */
#define W_AE	((int32_t)'z' + 2)	/* ä */
#define W_OE	((int32_t)'z' + 3)	/* ö */
#define W_OTHER	0x200			/* added to letters of other scripts */

/* Where one string is in its reading: its bytes and the weights pending. */
struct sv_reader {
	const uint8_t	*p;
	utf8proc_ssize_t len;
	int32_t		 pending[4];
	int		 npending;
};

/* The weights of one code point into r->pending (none for a mark). */
static void
sv_weigh(struct sv_reader *r, utf8proc_int32_t cp)
{
	utf8proc_int32_t	 out[4];
	utf8proc_ssize_t	 n;
	int			 last = 0;

	r->npending = 0;
	switch (cp) {
	case 0xe5: case 0xc5:
		r->pending[r->npending++] = W_AA;
		return;
	case 0xe4: case 0xc4: case 0xe6: case 0xc6:
		r->pending[r->npending++] = W_AE;
		return;
	case 0xf6: case 0xd6: case 0xf8: case 0xd8:
		r->pending[r->npending++] = W_OE;
		return;
	case 0xfc: case 0xdc:
		r->pending[r->npending++] = 'y';
		return;
	}
	n = utf8proc_decompose_char(cp, out, 4, UTF8PROC_DECOMPOSE |
	    UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, &last);
	for (utf8proc_ssize_t i = 0; i < n && i < 4; i++) {
		utf8proc_category_t	c = utf8proc_category(out[i]);

		if (out[i] >= '0' && out[i] <= '9')
			r->pending[r->npending++] = out[i];
		else if (out[i] >= 'a' && out[i] <= 'z')
			r->pending[r->npending++] = out[i];
		else if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO)
			r->pending[r->npending++] = out[i] + W_OTHER;
		else if (c == UTF8PROC_CATEGORY_ND)
			r->pending[r->npending++] = out[i] + W_OTHER;
	}
}

/* The next primary weight, or -1 at the end. */
static int32_t
sv_next(struct sv_reader *r)
{
	utf8proc_int32_t	cp;
	utf8proc_ssize_t	step;
	int32_t			w;

	while (r->npending == 0) {
		if (r->len <= 0)
			return -1;
		if ((step = utf8proc_iterate(r->p, r->len, &cp)) < 0) {
			step = 1;
			cp = 0xfffd;
		}
		r->p += step;
		r->len -= step;
		sv_weigh(r, cp);
	}
	w = r->pending[0];
	memmove(r->pending, r->pending + 1, (size_t)--r->npending *
	    sizeof r->pending[0]);
	return w;
}

int
collate_sv(void *arg, int alen, const void *a, int blen, const void *b)
{
	struct sv_reader	ra = { a, alen, { 0 }, 0 };
	struct sv_reader	rb = { b, blen, { 0 }, 0 };
	int32_t			wa, wb;
	int			c;

	(void)arg;
	do {
		wa = sv_next(&ra);
		wb = sv_next(&rb);
		if (wa != wb)
			return wa < wb ? -1 : 1;
	} while (wa != -1);
	c = memcmp(a, b, (size_t)(alen < blen ? alen : blen));
	if (c != 0)
		return c < 0 ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}
