/*
 * door-sync.c: a door copy (store-door-sync.c) written as the JSON the
 * door page keeps: each pass under its lookup hash, sealed under its key
 * (door-crypto.c), so that neither a code nor a name is in it in the
 * clear; only the names list an organiser enables is. Runs on the slow
 * thread: 10,000 passes take tens of milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "door-sync.h"

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

/* What a pass's entry holds, as compact JSON; the caller frees it. */
static char *
entry_plain(const struct door_pass *p)
{
	json_t	*e = json_pack("{s:I, s:s, s:s, s:s}", "i", (json_int_t)p->id,
	    "n", p->name ? p->name : "", "r", p->role ? p->role : "",
	    "t", p->ticket_type ? p->ticket_type : "");
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

static json_t *
pass_json(const unsigned char salt[DOOR_SALT_BYTES], const struct door_pass *p)
{
	struct door_keys	 k;
	unsigned char		*sealed;
	char			*plain;
	size_t			 len;
	json_t			*j;

	if (p->state != NULL) {
		door_lookup(salt, p->code, k.lookup);
		return json_pack("{s:o, s:s}", "h", b64_json(k.lookup,
		    DOOR_LOOKUP_BYTES), "s", p->state);
	}
	door_derive(salt, p->code, &k);
	if ((plain = entry_plain(p)) == NULL)
		return NULL;
	len = strlen(plain);
	sealed = xmalloc(DOOR_IV_BYTES + len + DOOR_TAG_BYTES);
	len = door_seal(&k, plain, len, sealed);
	j = json_pack("{s:o, s:o}", "h", b64_json(k.lookup, DOOR_LOOKUP_BYTES),
	    "e", b64_json(sealed, len));
	free(sealed);
	sodium_memzero(&k, sizeof k);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	return j;
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
seen_json(const struct door_copy *c, const struct door_seen *v)
{
	unsigned char	 h[DOOR_LOOKUP_BYTES];
	char		 at[32];
	json_t		*j;

	door_lookup(c->salt, v->code, h);
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

/*
 * The copy as JSON text (the caller frees it, *len its length), or NULL
 * when it could not be written.
 */
char *
door_copy_json(struct door_copy *c, size_t *len)
{
	json_t	*doc = c->head, *passes = json_array(), *seen = json_array();
	json_t	*names = NULL, *gone = NULL;
	int	 with_names = json_is_true(json_object_get(doc,
	    "names_enabled"));
	char	*text;

	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "delta", json_boolean(c->since > 0));
	json_object_set_new(doc, "since", json_integer(c->since));
	json_object_set_new(doc, "cursor", json_integer(c->cursor));
	json_object_set_new(doc, "crypto", crypto_json(c));
	if (with_names) {
		names = json_array();
		gone = json_array();
	}
	for (size_t i = 0; i < c->npasses; i++) {
		const struct door_pass	*p = &c->passes[i];
		json_t			*j = pass_json(c->salt, p);

		if (j == NULL)
			goto fail;
		json_array_append_new(passes, j);
		if (names != NULL && p->state == NULL)
			json_array_append_new(names, json_pack("{s:I, s:s}",
			    "id", (json_int_t)p->id, "name", p->name));
		else if (gone != NULL && c->since > 0)
			json_array_append_new(gone, json_integer(p->id));
	}
	for (size_t i = 0; i < c->nreplaced; i++) {
		unsigned char	h[DOOR_LOOKUP_BYTES];

		door_lookup(c->salt, c->replaced[i], h);
		json_array_append_new(passes, json_pack("{s:o, s:s}", "h",
		    b64_json(h, DOOR_LOOKUP_BYTES), "s", "replaced"));
	}
	for (size_t i = 0; i < c->nseen; i++)
		json_array_append_new(seen, seen_json(c, &c->seen[i]));
	json_object_set_new(doc, "passes", passes);
	json_object_set_new(doc, "checkins", seen);
	if (names != NULL) {
		json_object_set_new(doc, "names", names);
		if (c->since > 0)
			json_object_set_new(doc, "names_gone", gone);
		else
			json_decref(gone);
	}
	text = json_dumps(doc, JSON_COMPACT);
	if (text != NULL)
		*len = strlen(text);
	return text;
fail:
	json_decref(passes);
	json_decref(seen);
	json_decref(names);
	json_decref(gone);
	return NULL;
}
