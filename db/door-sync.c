/*
 * door-sync.c: a door copy (store-door-sync.c) written as the JSON the
 * door page keeps: each pass under its lookup hash, sealed under its key
 * (door-crypto.c), so that neither a code nor a name is in it in the
 * clear; only the names list an organiser enables is. Runs on the slow
 * thread. The text is written directly (a JSON tree of 10,000 passes
 * costs more than sealing them).
 *
 * The passes go in parts by attendee id (DOOR_PART_IDS ids a part), each
 * sealed, and compressed as a part of one gzip stream (gzip.c), on a
 * thread per processor. A whole copy's compressed parts are kept in a
 * door_cache under a digest of everything their text is made from (the
 * event's salt, and each pass's id, code, state and entry), so that a
 * part none of whose passes changed is neither sealed nor compressed
 * again: a reissue, a substitution, a cancellation or an edited name
 * changes the digest, and the part is made afresh. A kept part is a
 * sealing of the same entries under the same keys, with other IVs than a
 * new one would have; each key still seals one entry only.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "door-sync.h"
#include "schedule.h"

#define SEAL_THREADS_MAX	4
#define SEAL_PART_MIN		500	/* passes worth a thread */
#define CACHE_BUCKETS		1024
#define DIGEST_BYTES		crypto_generichash_BYTES

/* ------------------------------------------------------------- writing */

/* Room for n more bytes at b->p + b->len. */
static char *
sbuf_room(struct sbuf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t	cap = b->cap < 4096 ? 4096 : b->cap;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = xreallocarray(b->p, cap, 1);
		b->cap = cap;
	}
	return b->p + b->len;
}

static void
b64_add(struct sbuf *b, const unsigned char *bin, size_t len)
{
	size_t	n = sodium_base64_encoded_len(len,
	    sodium_base64_VARIANT_ORIGINAL);

	sodium_bin2base64(sbuf_room(b, n), n, bin, len,
	    sodium_base64_VARIANT_ORIGINAL);
	b->len += n - 1;
}

static void
int_add(struct sbuf *b, long long v)
{
	char	n[24];

	sbuf_add(b, n, (size_t)snprintf(n, sizeof n, "%lld", v));
}

/* s as a JSON string: quotes, backslashes and controls escaped. */
static void
str_add(struct sbuf *b, const char *s)
{
	static const char	 hexd[] = "0123456789abcdef";
	const char		*run = s;

	sbuf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sbuf_add(b, run, (size_t)(s - run));
		if (c == '"' || c == '\\') {
			char	e[2] = { '\\', (char)c };

			sbuf_add(b, e, sizeof e);
		} else {
			char	e[6] = { '\\', 'u', '0', '0', hexd[c >> 4],
			    hexd[c & 15] };

			sbuf_add(b, e, sizeof e);
		}
		run = s + 1;
	}
	sbuf_add(b, run, (size_t)(s - run));
	sbuf_add(b, "\"", 1);
}

static json_t *
b64_json(const unsigned char *bin, size_t len)
{
	char	*text = door_b64(bin, len);
	json_t	*j = json_string(text);

	free(text);
	return j;
}

/*
 * What a pass's entry holds, as compact JSON with one-letter keys (the
 * sealed bytes do not compress): i the attendee id, n the name, c the
 * company, t the ticket type's id, d the dietary needs, s the ids of the
 * sessions signed up for.
 */
static void
entry_plain(struct sbuf *b, const struct door_pass *p)
{
	sbuf_adds(b, "{\"i\":");
	int_add(b, (long long)p->id);
	sbuf_adds(b, ",\"n\":");
	str_add(b, p->name ? p->name : "");
	sbuf_adds(b, ",\"t\":");
	int_add(b, (long long)p->ticket_type);
	if (p->company != NULL && *p->company != '\0') {
		sbuf_adds(b, ",\"c\":");
		str_add(b, p->company);
	}
	if (p->dietary != NULL && *p->dietary != '\0') {
		sbuf_adds(b, ",\"d\":");
		str_add(b, p->dietary);
	}
	if (p->sessions != NULL) {
		int	first = 1;

		sbuf_adds(b, ",\"s\":[");
		for (const char *s = p->sessions; *s != '\0'; ) {
			char		*end;
			long long	 id = strtoll(s, &end, 10);

			if (end == s)
				break;
			if (!first)
				sbuf_add(b, ",", 1);
			int_add(b, id);
			first = 0;
			s = *end == ',' ? end + 1 : end;
		}
		sbuf_add(b, "]", 1);
	}
	sbuf_add(b, "}", 1);
}

/* What one thread needs to seal passes, kept from pass to pass. */
struct sealer {
	const struct door_salt	*ds;
	struct sbuf		 plain;
	unsigned char		*sealed;
	size_t			 room;
};

/* {"h": lookup, "e": sealed entry} or {"h": lookup, "s": state}. */
static void
pass_add(struct sbuf *b, struct sealer *s, const unsigned char *iv,
    const struct door_pass *p)
{
	struct door_keys	k;

	sbuf_adds(b, "{\"h\":\"");
	if (p->state != NULL) {
		door_lookup_salted(s->ds, p->code, k.lookup);
		b64_add(b, k.lookup, DOOR_LOOKUP_BYTES);
		sbuf_adds(b, "\",\"s\":\"");
		sbuf_adds(b, p->state);
		sbuf_adds(b, "\"}");
		return;
	}
	door_derive_salted(s->ds, p->code, &k);
	s->plain.len = 0;
	entry_plain(&s->plain, p);
	if (s->room < DOOR_IV_BYTES + s->plain.len + DOOR_TAG_BYTES) {
		s->room = DOOR_IV_BYTES + s->plain.len + DOOR_TAG_BYTES + 256;
		free(s->sealed);
		s->sealed = xmalloc(s->room);
	}
	b64_add(b, k.lookup, DOOR_LOOKUP_BYTES);
	sbuf_adds(b, "\",\"e\":\"");
	b64_add(b, s->sealed, door_seal(&k, iv, s->plain.p, s->plain.len,
	    s->sealed));
	sbuf_adds(b, "\"}");
	sodium_memzero(&k, sizeof k);
}

static void
sealer_clear(struct sealer *s)
{
	if (s->plain.p != NULL)
		sodium_memzero(s->plain.p, s->plain.cap);
	free(s->plain.p);
	if (s->sealed != NULL)
		sodium_memzero(s->sealed, s->room);
	free(s->sealed);
}

/* -------------------------------------------------------------- cache */

struct cached {
	unsigned char	 digest[DIGEST_BYTES];
	struct gzip_part gz;
	uint64_t	 used;		/* the build that last took it */
	struct cached	*next;		/* in its bucket */
};

struct door_cache {
	pthread_mutex_t	 lock;
	struct cached	*buckets[CACHE_BUCKETS];
	size_t		 bytes, count;
	uint64_t	 builds;
};

struct door_cache *
door_cache_create(void)
{
	struct door_cache	*dc = xcalloc(1, sizeof *dc);

	pthread_mutex_init(&dc->lock, NULL);
	return dc;
}

static void
cached_free(struct cached *e)
{
	free(e->gz.z);
	free(e);
}

void
door_cache_free(struct door_cache *dc)
{
	if (dc == NULL)
		return;
	for (size_t i = 0; i < CACHE_BUCKETS; i++)
		while (dc->buckets[i] != NULL) {
			struct cached	*e = dc->buckets[i];

			dc->buckets[i] = e->next;
			cached_free(e);
		}
	pthread_mutex_destroy(&dc->lock);
	free(dc);
}

static size_t
bucket_of(const unsigned char *digest)
{
	return ((size_t)digest[0] | (size_t)digest[1] << 8) % CACHE_BUCKETS;
}

/* A copy of the part kept under digest into gz: 1, or 0 when none is. */
static int
cache_get(struct door_cache *dc, uint64_t build, const unsigned char *digest,
    struct gzip_part *gz)
{
	struct cached	*e;

	pthread_mutex_lock(&dc->lock);
	for (e = dc->buckets[bucket_of(digest)]; e != NULL; e = e->next)
		if (memcmp(e->digest, digest, DIGEST_BYTES) == 0)
			break;
	if (e != NULL) {
		*gz = e->gz;
		gz->z = xmalloc(e->gz.zlen);
		memcpy(gz->z, e->gz.z, e->gz.zlen);
		e->used = build;
	}
	pthread_mutex_unlock(&dc->lock);
	return e != NULL;
}

/* Drop the parts least recently taken until the cache is in its bounds. */
static void
cache_trim(struct door_cache *dc)
{
	while (dc->bytes > DOOR_CACHE_BYTES && dc->count > 0) {
		uint64_t	oldest = UINT64_MAX;

		for (size_t i = 0; i < CACHE_BUCKETS; i++)
			for (struct cached *e = dc->buckets[i]; e; e = e->next)
				if (e->used < oldest)
					oldest = e->used;
		for (size_t i = 0; i < CACHE_BUCKETS; i++)
			for (struct cached **ep = &dc->buckets[i]; *ep; ) {
				struct cached	*e = *ep;

				if (e->used != oldest) {
					ep = &e->next;
					continue;
				}
				*ep = e->next;
				dc->bytes -= e->gz.zlen;
				dc->count--;
				cached_free(e);
			}
	}
}

/* Keep a copy of the part just made under its digest. */
static void
cache_put(struct door_cache *dc, uint64_t build, const unsigned char *digest,
    const struct gzip_part *gz)
{
	struct cached	*e = xcalloc(1, sizeof *e);
	size_t		 b = bucket_of(digest);

	memcpy(e->digest, digest, DIGEST_BYTES);
	e->gz = *gz;
	e->gz.z = xmalloc(gz->zlen);
	memcpy(e->gz.z, gz->z, gz->zlen);
	e->used = build;
	pthread_mutex_lock(&dc->lock);
	e->next = dc->buckets[b];
	dc->buckets[b] = e;
	dc->bytes += gz->zlen;
	dc->count++;
	cache_trim(dc);
	pthread_mutex_unlock(&dc->lock);
}

static void
digest_str(crypto_generichash_state *h, const char *s)
{
	uint32_t	n = s != NULL ? (uint32_t)strlen(s) + 1 : 0;

	/* Its length first (0: none), so that no two lists read alike. */
	crypto_generichash_update(h, (const unsigned char *)&n, sizeof n);
	if (s != NULL)
		crypto_generichash_update(h, (const unsigned char *)s, n - 1);
}

/*
 * The digest of everything a part's text is made from, keyed with the
 * event's salt: whether it opens the list, and each pass's id, code,
 * state and entry. The layout's version goes first.
 */
static void
part_digest(const struct door_copy *c, int first, size_t from, size_t to,
    unsigned char out[DIGEST_BYTES])
{
	static const char		version[] = "door part v1";
	crypto_generichash_state	h;
	unsigned char			f = (unsigned char)first;

	crypto_generichash_init(&h, c->salt, DOOR_SALT_BYTES, DIGEST_BYTES);
	crypto_generichash_update(&h, (const unsigned char *)version,
	    sizeof version);
	crypto_generichash_update(&h, &f, 1);
	for (size_t i = from; i < to; i++) {
		const struct door_pass	*p = &c->passes[i];
		int64_t			 n[2] = { p->id, p->ticket_type };

		crypto_generichash_update(&h, (const unsigned char *)n,
		    sizeof n);
		digest_str(&h, p->code);
		digest_str(&h, p->state);
		digest_str(&h, p->name);
		digest_str(&h, p->company);
		digest_str(&h, p->dietary);
		digest_str(&h, p->sessions);
	}
	crypto_generichash_final(&h, out, DIGEST_BYTES);
}

/* ------------------------------------------------------------- parts */

/* The passes [from, to) of the copy: a part of the list. */
struct part {
	size_t			 from, to;
	struct sbuf		 text;	/* unless compressed */
	struct gzip_part	 gz;	/* when compressed */
};

struct build {
	const struct door_copy	*c;
	const struct door_salt	*ds;
	struct door_cache	*cache;		/* NULL: nothing kept */
	uint64_t		 build;
	int			 gzip;
	struct part		*parts;
	size_t			 nparts;
	atomic_size_t		 next;		/* the part to take next */
	atomic_int		 failed;
};

/* The part's text: its passes, sealed, after a comma unless the first. */
static void
part_text(struct build *bd, struct sealer *s, struct part *pt,
    struct sbuf *out)
{
	unsigned char	*ivs;
	size_t		 n = pt->to - pt->from;

	/* One system call for the part's IVs: one per entry would cost as
	 * much as sealing it. */
	ivs = xreallocarray(NULL, n, DOOR_IV_BYTES);
	randombytes_buf(ivs, n * DOOR_IV_BYTES);
	for (size_t i = pt->from; i < pt->to; i++) {
		if (i > 0)
			sbuf_add(out, ",", 1);
		pass_add(out, s, ivs + (i - pt->from) * DOOR_IV_BYTES,
		    &bd->c->passes[i]);
	}
	free(ivs);
}

static void *
build_parts(void *arg)
{
	struct build		*bd = arg;
	struct sealer		 s = { .ds = bd->ds };
	struct gzip_deflater	*d = NULL;
	struct sbuf		 text = { 0 };
	size_t			 i;

	while (!bd->failed && (i = atomic_fetch_add(&bd->next, 1)) <
	    bd->nparts) {
		struct part	*pt = &bd->parts[i];
		unsigned char	 digest[DIGEST_BYTES];

		if (!bd->gzip) {
			part_text(bd, &s, pt, &pt->text);
			continue;
		}
		if (bd->cache != NULL) {
			part_digest(bd->c, pt->from == 0, pt->from, pt->to,
			    digest);
			if (cache_get(bd->cache, bd->build, digest, &pt->gz))
				continue;
		}
		if (d == NULL && (d = gzip_deflater_create()) == NULL) {
			bd->failed = 1;
			break;
		}
		text.len = 0;
		part_text(bd, &s, pt, &text);
		if (gzip_part_make(d, text.p, text.len, 0, &pt->gz) != 0) {
			bd->failed = 1;
			break;
		}
		if (bd->cache != NULL)
			cache_put(bd->cache, bd->build, digest, &pt->gz);
	}
	gzip_deflater_free(d);
	free(text.p);
	sealer_clear(&s);
	return NULL;
}

/* Split the passes at each DOOR_PART_IDS attendee ids (they come by id). */
static void
split_parts(struct build *bd)
{
	const struct door_copy	*c = bd->c;
	size_t			 room = 0;

	for (size_t i = 0; i < c->npasses; ) {
		int64_t	span = c->passes[i].id / DOOR_PART_IDS;
		size_t	j = i + 1;

		while (j < c->npasses && c->passes[j].id / DOOR_PART_IDS ==
		    span && j - i < DOOR_PART_IDS)
			j++;
		if (bd->nparts == room) {
			room = room ? room * 2 : 64;
			bd->parts = xreallocarray(bd->parts, room,
			    sizeof *bd->parts);
		}
		bd->parts[bd->nparts++] = (struct part){ .from = i, .to = j };
		i = j;
	}
}

/* Every part, on a thread per processor when there are many passes. */
static int
run_parts(struct build *bd)
{
	pthread_t	 threads[SEAL_THREADS_MAX];
	int		 made[SEAL_THREADS_MAX] = { 0 };
	long		 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 n = bd->c->npasses / SEAL_PART_MIN;

	if (n > (size_t)(cpus > 0 ? cpus : 1))
		n = cpus > 0 ? (size_t)cpus : 1;
	if (n > SEAL_THREADS_MAX)
		n = SEAL_THREADS_MAX;
	/* This thread works too; a thread that cannot be made is not needed. */
	for (size_t i = 1; i < n; i++)
		made[i] = pthread_create(&threads[i], NULL, build_parts,
		    bd) == 0;
	build_parts(bd);
	for (size_t i = 1; i < n; i++)
		if (made[i])
			pthread_join(threads[i], NULL);
	return bd->failed ? -1 : 0;
}

static void
parts_free(struct build *bd)
{
	for (size_t i = 0; i < bd->nparts; i++) {
		free(bd->parts[i].text.p);
		free(bd->parts[i].gz.z);
	}
	free(bd->parts);
}

/* --------------------------------------------------------------- head */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The fold table of the names list: each character of printable ASCII
 * and each other one in a name, with its fold (text_fold_char()), so
 * that the page folds names and what is typed as the server does. A
 * character is its UTF-8 bytes packed from the top of 32 bits.
 */
static void
fold_table_add(struct sbuf *b, const struct door_copy *c)
{
	uint32_t	*chars = NULL;
	size_t		 n = 0, room = 0, kept = 0;
	int		 first = 1;

	for (uint32_t a = 0x20; a < 0x7f; a++) {
		if (n == room) {
			room = room ? room * 2 : 256;
			chars = xreallocarray(chars, room, sizeof *chars);
		}
		chars[n++] = a << 24;
	}
	for (size_t i = 0; i < c->npasses; i++) {
		const unsigned char	*p;

		if (c->passes[i].state != NULL || c->passes[i].name == NULL)
			continue;
		for (p = (const unsigned char *)c->passes[i].name; *p; ) {
			size_t		len = *p < 0xc0 ? 1 : *p < 0xe0 ? 2 :
			    *p < 0xf0 ? 3 : 4, j;
			uint32_t	ch = 0;

			if (*p < 0x80) {
				p++;
				continue;	/* all of ASCII is there */
			}
			for (j = 0; j < len && p[j] != '\0'; j++)
				ch |= (uint32_t)p[j] << (24 - 8 * j);
			p += j;
			if (n == room) {
				room *= 2;
				chars = xreallocarray(chars, room,
				    sizeof *chars);
			}
			chars[n++] = ch;
		}
	}
	qsort(chars, n, sizeof *chars, cmp_u32);
	sbuf_adds(b, ",\"fold\":{");
	for (size_t i = 0; i < n; i++) {
		char	 ch[5], *f;
		size_t	 len = 0;

		if (kept > 0 && chars[i] == chars[kept - 1])
			continue;
		chars[kept++] = chars[i];
		while (len < 4 && (chars[i] >> (24 - 8 * len) & 0xff) != 0) {
			ch[len] = (char)(chars[i] >> (24 - 8 * len));
			len++;
		}
		ch[len] = '\0';
		f = text_fold_char(ch, len);
		if (!first)
			sbuf_add(b, ",", 1);
		str_add(b, ch);
		sbuf_add(b, ":", 1);
		str_add(b, f);
		free(f);
		first = 0;
	}
	sbuf_add(b, "}", 1);
	free(chars);
}

static json_t *
crypto_json(const struct door_copy *c)
{
	return json_pack("{s:s, s:o, s:s, s:i, s:s, s:s, s:i, s:i}",
	    "kdf", "HKDF-SHA256", "salt", b64_json(c->salt, DOOR_SALT_BYTES),
	    "lookup_info", DOOR_LOOKUP_INFO, "lookup_bits",
	    DOOR_LOOKUP_BYTES * 8, "key_info", DOOR_KEY_INFO,
	    "cipher", "AES-256-GCM", "iv_bytes", DOOR_IV_BYTES,
	    "tag_bits", DOOR_TAG_BYTES * 8);
}

static void
seen_add(struct sbuf *b, const struct door_copy *c,
    const struct door_salt *ds, const struct door_seen *v)
{
	unsigned char	 h[DOOR_LOOKUP_BYTES];
	char		 at[32];

	door_lookup_salted(ds, v->code, h);
	sbuf_adds(b, "{\"h\":\"");
	b64_add(b, h, DOOR_LOOKUP_BYTES);
	if (v->at == 0) {
		sbuf_adds(b, "\",\"undone\":true}");
		return;
	}
	timefmt_iso(v->at, c->zone, at);
	sbuf_adds(b, "\",\"at\":");
	str_add(b, at);
	if (v->device != NULL) {
		sbuf_adds(b, ",\"device\":");
		str_add(b, v->device);
	}
	sbuf_add(b, "}", 1);
}

/*
 * The head into b: everything but the passes, then the passes' opening,
 * which the parts follow. 0, or -1 when it could not be written.
 */
static int
head_add(struct sbuf *b, struct door_copy *c, const struct door_salt *ds)
{
	json_t	*doc = c->head;
	char	*text;
	size_t	 n;
	int	 names = json_is_true(json_object_get(doc, "names_enabled"));

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "delta", json_boolean(c->since > 0));
	json_object_set_new(doc, "since", json_integer(c->since));
	json_object_set_new(doc, "cursor", json_integer(c->cursor));
	json_object_set_new(doc, "crypto", crypto_json(c));
	if ((text = json_dumps(doc, JSON_COMPACT)) == NULL ||
	    (n = strlen(text)) < 2) {
		free(text);
		return -1;
	}
	sbuf_add(b, text, n - 1);	/* {head... */
	free(text);
	sbuf_adds(b, ",\"checkins\":[");
	for (size_t i = 0; i < c->nseen; i++) {
		if (i > 0)
			sbuf_add(b, ",", 1);
		seen_add(b, c, ds, &c->seen[i]);
	}
	sbuf_add(b, "]", 1);
	if (names) {
		int	first = 1;

		sbuf_adds(b, ",\"names\":[");
		for (size_t i = 0; i < c->npasses; i++) {
			const struct door_pass	*p = &c->passes[i];

			if (p->state != NULL)
				continue;
			sbuf_adds(b, first ? "{\"id\":" : ",{\"id\":");
			int_add(b, (long long)p->id);
			sbuf_adds(b, ",\"name\":");
			str_add(b, p->name ? p->name : "");
			sbuf_add(b, "}", 1);
			first = 0;
		}
		sbuf_add(b, "]", 1);
		fold_table_add(b, c);
		/* A delta's passes that left the list. */
		if (c->since > 0) {
			first = 1;
			sbuf_adds(b, ",\"names_gone\":[");
			for (size_t i = 0; i < c->npasses; i++) {
				if (c->passes[i].state == NULL)
					continue;
				if (!first)
					sbuf_add(b, ",", 1);
				int_add(b, (long long)c->passes[i].id);
				first = 0;
			}
			sbuf_add(b, "]", 1);
		}
	}
	sbuf_adds(b, ",\"passes\":[");
	return 0;
}

/* After the parts: the old codes, "replaced", and the end. */
static void
tail_add(struct sbuf *b, const struct door_copy *c, const struct door_salt *ds)
{
	for (size_t i = 0; i < c->nreplaced; i++) {
		unsigned char	h[DOOR_LOOKUP_BYTES];

		door_lookup_salted(ds, c->replaced[i], h);
		sbuf_adds(b, c->npasses + i > 0 ? ",{\"h\":\"" : "{\"h\":\"");
		b64_add(b, h, DOOR_LOOKUP_BYTES);
		sbuf_adds(b, "\",\"s\":\"replaced\"}");
	}
	sbuf_adds(b, "]}");
}

/*
 * The copy, as JSON text (gzip 0) or as its gzip (gzip 1), with the
 * parts a whole copy's cache holds taken from it (cache NULL: none):
 * a buffer the caller frees, *len its length, or NULL when it could not
 * be written.
 */
static unsigned char *
copy_make(struct door_copy *c, struct door_cache *cache, int gzip,
    size_t *len)
{
	struct build		 bd = { .c = c, .gzip = gzip };
	struct door_salt	 ds;
	struct sbuf		 head = { 0 }, tail = { 0 };
	struct gzip_part	*gz = NULL;
	struct gzip_deflater	*d = NULL;
	unsigned char		*out = NULL;

	door_salt_init(c->salt, &ds);
	bd.ds = &ds;
	/* A delta is small and never the same twice: nothing to keep. */
	if (gzip && c->since == 0 && cache != NULL) {
		bd.cache = cache;
		pthread_mutex_lock(&cache->lock);
		bd.build = ++cache->builds;
		pthread_mutex_unlock(&cache->lock);
	}
	if (head_add(&head, c, &ds) != 0)
		goto out;
	tail_add(&tail, c, &ds);
	split_parts(&bd);
	if (run_parts(&bd) != 0)
		goto out;
	if (!gzip) {
		for (size_t i = 0; i < bd.nparts; i++)
			sbuf_add(&head, bd.parts[i].text.p,
			    bd.parts[i].text.len);
		sbuf_add(&head, tail.p, tail.len);
		out = (unsigned char *)sbuf_take(&head, len);
		goto out;
	}
	/* The head, the parts and the tail: one gzip stream. */
	gz = xcalloc(bd.nparts + 2, sizeof *gz);
	if ((d = gzip_deflater_create()) == NULL ||
	    gzip_part_make(d, head.p, head.len, 0, &gz[0]) != 0 ||
	    gzip_part_make(d, tail.p, tail.len, 1, &gz[bd.nparts + 1]) != 0)
		goto out;
	for (size_t i = 0; i < bd.nparts; i++)
		gz[i + 1] = bd.parts[i].gz;
	out = gzip_parts_join(gz, bd.nparts + 2, len);
out:
	if (gz != NULL) {
		free(gz[0].z);
		free(gz[bd.nparts + 1].z);
		free(gz);
	}
	gzip_deflater_free(d);
	parts_free(&bd);
	free(head.p);
	free(tail.p);
	sodium_memzero(&ds, sizeof ds);
	return out;
}

/*
 * The copy as JSON text (the caller frees it, *len its length), or NULL
 * when it could not be written.
 */
char *
door_copy_json(struct door_copy *c, size_t *len)
{
	return (char *)copy_make(c, NULL, 0, len);
}

/*
 * The copy's gzip (the caller frees it, *len its length), a whole copy's
 * unchanged parts taken from cache (NULL: none), or NULL when it could
 * not be written.
 */
unsigned char *
door_copy_gzip(struct door_copy *c, struct door_cache *cache, size_t *len)
{
	return copy_make(c, cache, 1, len);
}
