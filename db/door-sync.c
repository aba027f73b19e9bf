/*
 * door-sync.c: a door copy (store-door-sync.c) written as the JSON the
 * door page keeps: each pass under its lookup hash, sealed under its key
 * (door-crypto.c), so that neither a code nor a name is in it in the
 * clear; only the names list an organiser enables is. Runs on the slow
 * thread. The passes are written straight into the text (hashes and
 * sealed entries are base64, nothing to escape), since a JSON tree of
 * 10,000 of them costs more than sealing them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "door-sync.h"
#include "schedule.h"

static void
b64_add(struct sbuf *b, const unsigned char *bin, size_t len)
{
	char	*text = door_b64(bin, len);

	sbuf_adds(b, text);
	free(text);
}

static json_t *
b64_json(const unsigned char *bin, size_t len)
{
	char	*text = door_b64(bin, len);
	json_t	*j = json_string(text);

	free(text);
	return j;
}

/* The session ids of "12,14" as a JSON array. */
static json_t *
session_ids(const char *list)
{
	json_t	*a = json_array();

	for (const char *p = list; p != NULL && *p != '\0'; ) {
		char	*end;
		long long id = strtoll(p, &end, 10);

		if (end == p)
			break;
		json_array_append_new(a, json_integer(id));
		p = *end == ',' ? end + 1 : end;
	}
	return a;
}

/*
 * What a pass's entry holds, as compact JSON with one-letter keys (the
 * sealed bytes do not compress): i the attendee id, n the name, c the
 * company, t the ticket type's id, d the dietary needs, s the ids of the
 * sessions signed up for. The caller frees it.
 */
static char *
entry_plain(const struct door_pass *p)
{
	json_t	*e = json_pack("{s:I, s:s, s:I}", "i", (json_int_t)p->id,
	    "n", p->name ? p->name : "", "t", (json_int_t)p->ticket_type);
	char	*text;

	if (p->company != NULL && *p->company != '\0')
		json_object_set_new(e, "c", json_string(p->company));
	if (p->dietary != NULL && *p->dietary != '\0')
		json_object_set_new(e, "d", json_string(p->dietary));
	if (p->sessions != NULL)
		json_object_set_new(e, "s", session_ids(p->sessions));
	text = json_dumps(e, JSON_COMPACT);
	json_decref(e);
	return text;
}

/* {"h": lookup, "e": sealed entry} or {"h": lookup, "s": state}. */
static int
pass_add(struct sbuf *b, const struct door_salt *ds, const unsigned char *iv,
    const struct door_pass *p)
{
	struct door_keys	 k;
	unsigned char		*sealed;
	char			*plain;
	size_t			 len;

	if (p->state != NULL) {
		door_lookup_salted(ds, p->code, k.lookup);
		sbuf_adds(b, "{\"h\":\"");
		b64_add(b, k.lookup, DOOR_LOOKUP_BYTES);
		sbuf_printf(b, "\",\"s\":\"%s\"}", p->state);
		return 0;
	}
	door_derive_salted(ds, p->code, &k);
	if ((plain = entry_plain(p)) == NULL)
		return -1;
	len = strlen(plain);
	sealed = xmalloc(DOOR_IV_BYTES + len + DOOR_TAG_BYTES);
	sbuf_adds(b, "{\"h\":\"");
	b64_add(b, k.lookup, DOOR_LOOKUP_BYTES);
	sbuf_adds(b, "\",\"e\":\"");
	b64_add(b, sealed, door_seal(&k, iv, plain, len, sealed));
	sbuf_adds(b, "\"}");
	sodium_memzero(&k, sizeof k);
	sodium_memzero(plain, len);
	free(plain);
	free(sealed);
	return 0;
}

/*
 * Sealing is most of the work of a copy, and each pass is sealed alone:
 * a large copy is shared between threads, a part each, joined in order.
 */
#define SEAL_PARTS_MAX	4
#define SEAL_PART_MIN	500	/* passes worth a thread */

struct seal_part {
	const struct door_copy	*c;
	const struct door_salt	*ds;
	const unsigned char	*ivs;
	size_t			 from, to;
	struct sbuf		 b;
	int			 rc;
	int			 threaded;
	pthread_t		 thread;
};

static void *
seal_part(void *arg)
{
	struct seal_part	*sp = arg;

	for (size_t i = sp->from; i < sp->to && sp->rc == 0; i++) {
		if (i > 0)
			sbuf_add(&sp->b, ",", 1);
		sp->rc = pass_add(&sp->b, sp->ds, sp->ivs + i * DOOR_IV_BYTES,
		    &sp->c->passes[i]);
	}
	return NULL;
}

/* The passes, sealed, into b: 0, or -1 when one could not be written. */
static int
seal_passes(struct sbuf *b, const struct door_copy *c,
    const struct door_salt *ds, const unsigned char *ivs)
{
	struct seal_part	 parts[SEAL_PARTS_MAX];
	long			 cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t			 n = c->npasses / SEAL_PART_MIN;
	int			 rc = 0;

	if (n > (size_t)(cpus > 0 ? cpus : 1))
		n = cpus > 0 ? (size_t)cpus : 1;
	if (n > SEAL_PARTS_MAX)
		n = SEAL_PARTS_MAX;
	if (n == 0)
		n = 1;
	for (size_t i = 0; i < n; i++) {
		parts[i] = (struct seal_part){ .c = c, .ds = ds, .ivs = ivs,
		    .from = c->npasses * i / n,
		    .to = c->npasses * (i + 1) / n };
		/* The first part is this thread's; so is any part whose
		 * thread cannot be made. */
		parts[i].threaded = i > 0 && pthread_create(&parts[i].thread,
		    NULL, seal_part, &parts[i]) == 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (parts[i].threaded)
			pthread_join(parts[i].thread, NULL);
		else
			seal_part(&parts[i]);
		if (parts[i].rc != 0)
			rc = -1;
		if (parts[i].b.len > 0)
			sbuf_add(b, parts[i].b.p, parts[i].b.len);
		free(parts[i].b.p);
	}
	return rc;
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

static json_t *
seen_json(const struct door_copy *c, const struct door_salt *ds,
    const struct door_seen *v)
{
	unsigned char	 h[DOOR_LOOKUP_BYTES];
	char		 at[32];
	json_t		*j;

	door_lookup_salted(ds, v->code, h);
	j = json_pack("{s:o}", "h", b64_json(h, DOOR_LOOKUP_BYTES));
	if (v->at == 0) {
		json_object_set_new(j, "undone", json_true());
		return j;
	}
	timefmt_iso(v->at, c->zone, at);
	json_object_set_new(j, "at", json_string(at));
	if (v->device != NULL)
		json_object_set_new(j, "device", json_string(v->device));
	return j;
}

/* The head: everything but the passes, which go after it. */
static char *
head_text(struct door_copy *c, const struct door_salt *ds)
{
	json_t	*doc = c->head, *seen = json_array(), *names = NULL;
	json_t	*gone = NULL;

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "delta", json_boolean(c->since > 0));
	json_object_set_new(doc, "since", json_integer(c->since));
	json_object_set_new(doc, "cursor", json_integer(c->cursor));
	json_object_set_new(doc, "crypto", crypto_json(c));
	for (size_t i = 0; i < c->nseen; i++)
		json_array_append_new(seen, seen_json(c, ds, &c->seen[i]));
	json_object_set_new(doc, "checkins", seen);
	if (json_is_true(json_object_get(doc, "names_enabled"))) {
		names = json_array();
		gone = json_array();
		for (size_t i = 0; i < c->npasses; i++) {
			const struct door_pass	*p = &c->passes[i];

			if (p->state == NULL)
				json_array_append_new(names, json_pack(
				    "{s:I, s:s}", "id", (json_int_t)p->id,
				    "name", p->name));
			else
				json_array_append_new(gone,
				    json_integer(p->id));
		}
		json_object_set_new(doc, "names", names);
		/* A delta's passes that left the list. */
		if (c->since > 0)
			json_object_set_new(doc, "names_gone", gone);
		else
			json_decref(gone);
	}
	return json_dumps(doc, JSON_COMPACT);
}

/*
 * The copy as JSON text (the caller frees it, *len its length), or NULL
 * when it could not be written.
 */
char *
door_copy_json(struct door_copy *c, size_t *len)
{
	struct sbuf	 b = { 0 };
	unsigned char	 seed[randombytes_SEEDBYTES], *ivs;
	struct door_salt ds;
	char		*head;
	size_t		 n;

	door_salt_init(c->salt, &ds);
	head = head_text(c, &ds);

	/*
	 * The IVs from one random seed: a system call per entry costs as much
	 * as sealing it. Each key seals one entry, so any IV that is never
	 * reused under it would do; these are random all the same.
	 */
	randombytes_buf(seed, sizeof seed);
	ivs = xreallocarray(NULL, c->npasses + 1, DOOR_IV_BYTES);
	randombytes_buf_deterministic(ivs, (c->npasses + 1) * DOOR_IV_BYTES,
	    seed);
	sodium_memzero(seed, sizeof seed);
	if (head == NULL || (n = strlen(head)) < 2)
		goto fail;
	/* {head..., "passes": [...]} */
	sbuf_add(&b, head, n - 1);
	sbuf_adds(&b, ",\"passes\":[");
	if (seal_passes(&b, c, &ds, ivs) != 0)
		goto fail;
	for (size_t i = 0; i < c->nreplaced; i++) {
		unsigned char	h[DOOR_LOOKUP_BYTES];

		door_lookup_salted(&ds, c->replaced[i], h);
		sbuf_adds(&b, c->npasses + i > 0 ? ",{\"h\":\"" : "{\"h\":\"");
		b64_add(&b, h, DOOR_LOOKUP_BYTES);
		sbuf_adds(&b, "\",\"s\":\"replaced\"}");
	}
	sbuf_adds(&b, "]}");
	free(head);
	free(ivs);
	return sbuf_take(&b, len);
fail:
	free(head);
	free(ivs);
	free(sbuf_take(&b, len));
	return NULL;
}
