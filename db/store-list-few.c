/*
 * store-list-few.c: a page of a list that starts from few ids (a search
 * of uncommon words, a filter that keeps few rows). Every such row is
 * read to be ordered anyway; SQLite would put each in a temporary b-tree
 * for the ORDER BY, then read them all again to count them for the
 * total. Here each row's order terms are read once into one byte string
 * that memcmp() orders as SQLite orders the terms, the strings sorted,
 * and the rows counted as they are read.
 *
 * The order terms are integers, texts and blobs of the BINARY collation
 * (the sort keys, a ticket type's position, ids); a row with any other
 * value (a real) leaves the page to SQLite.
 */
#include <stdlib.h>
#include <string.h>

#include "resource.h"

struct few_row {
	size_t	 at, len;	/* its key in the arena */
	int64_t	 id;
};

struct few {
	unsigned char	*arena;
	size_t		 used, size;
	struct few_row	*rows;
	size_t		 n, cap;
	int		 desc;
};

static void
few_put(struct few *f, const void *p, size_t len)
{
	while (f->used + len > f->size) {
		f->size = f->size ? 2 * f->size : 4096;
		f->arena = xreallocarray(f->arena, f->size, 1);
	}
	memcpy(f->arena + f->used, p, len);
	f->used += len;
}

/* Bytes that sort as they are, then an end: 0 is written 0 0xff, the end
 * 0 0, so that a shorter string sorts before the ones it begins. */
static void
few_put_bytes(struct few *f, const unsigned char *p, int len)
{
	static const unsigned char	 zero[2] = { 0, 0xff }, end[2] = { 0, 0 };
	const unsigned char		*nul;
	size_t				 left = len > 0 ? (size_t)len : 0;

	while (left > 0 && (nul = memchr(p, 0, left)) != NULL) {
		few_put(f, p, (size_t)(nul - p));
		few_put(f, zero, 2);
		left -= (size_t)(nul - p) + 1;
		p = nul + 1;
	}
	if (left > 0)
		few_put(f, p, left);
	few_put(f, end, 2);
}

/*
 * One value as ordered bytes: a type tag in SQLite's order of types
 * (null, number, text, blob), then the value. 0, or -1 for a real.
 */
static int
few_key_value(struct few *f, sqlite3_value *v)
{
	unsigned char	 tag, be[8];
	uint64_t	 u;

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		tag = 1;
		few_put(f, &tag, 1);
		return 0;
	case SQLITE_INTEGER:
		tag = 2;
		/* Two's complement with its sign bit flipped: unsigned order. */
		u = (uint64_t)sqlite3_value_int64(v) ^ ((uint64_t)1 << 63);
		for (int i = 7; i >= 0; i--, u >>= 8)
			be[i] = u & 0xff;
		few_put(f, &tag, 1);
		few_put(f, be, 8);
		return 0;
	case SQLITE_TEXT:
		tag = 3;
		few_put(f, &tag, 1);
		few_put_bytes(f, sqlite3_value_text(v), sqlite3_value_bytes(v));
		return 0;
	case SQLITE_BLOB:
		tag = 4;
		few_put(f, &tag, 1);
		few_put_bytes(f, sqlite3_value_blob(v), sqlite3_value_bytes(v));
		return 0;
	default:
		return -1;
	}
}

static int
few_cmp(const void *a, const void *b, void *arg)
{
	const struct few	*f = arg;
	const struct few_row	*x = a, *y = b;
	size_t			 len = x->len < y->len ? x->len : y->len;
	int			 c;

	c = memcmp(f->arena + x->at, f->arena + y->at, len);
	if (c == 0)
		c = (x->len > y->len) - (x->len < y->len);
	return f->desc ? -c : c;
}

/*
 * Read the rows of q (SELECT the id, then the order terms, FROM and
 * WHERE, no ORDER BY), order them by the terms (all descending with
 * desc), and give the ids of the page [offset, offset + limit) in ids
 * (*n of them, at most max) and the count of every row in *total. 0,
 * 1 when a term is not one this orders (SQLite is to), -1 when the
 * database failed.
 */
int
store_list_few(struct store *st, const struct query *q, int desc,
    int64_t offset, int64_t limit, int64_t *ids, size_t max, size_t *n,
    int64_t *total)
{
	struct few		 f = { .desc = desc };
	sqlite3_stmt		*s;
	enum store_step		 rc = STORE_DONE;
	int			 owned, cols, odd = 0;

	*n = 0;
	if ((s = query_prepare(st, q, &owned)) == NULL)
		return -1;
	cols = sqlite3_column_count(s);
	while (!odd && (rc = store_step(st, s)) == STORE_ROW) {
		if (f.n == f.cap) {
			f.cap = f.cap ? 2 * f.cap : 256;
			f.rows = xreallocarray(f.rows, f.cap, sizeof *f.rows);
		}
		f.rows[f.n].id = sqlite3_column_int64(s, 0);
		f.rows[f.n].at = f.used;
		for (int i = 1; i < cols && !odd; i++)
			odd = few_key_value(&f, sqlite3_column_value(s, i)) != 0;
		f.rows[f.n].len = f.used - f.rows[f.n].at;
		f.n++;
	}
	query_done(s, owned);
	if (!odd && rc != STORE_ERROR) {
		if (f.n > 1)
			qsort_r(f.rows, f.n, sizeof *f.rows, few_cmp, &f);
		for (size_t i = (size_t)offset; i < f.n &&
		    i < (size_t)(offset + limit) && *n < max; i++)
			ids[(*n)++] = f.rows[i].id;
		*total = (int64_t)f.n;
	}
	free(f.rows);
	free(f.arena);
	return rc == STORE_ERROR ? -1 : odd;
}
