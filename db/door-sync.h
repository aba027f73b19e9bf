/*
 * door-sync.h: the door's offline copy of a checkpoint and the upload of
 * the scans made offline. door-crypto.c derives the lookup hash and the
 * entry key of a pass code and seals an entry; store-door-sync.c reads
 * what a copy (or a delta) holds and door-sync.c writes it as JSON;
 * store-door-upload.c applies uploaded scans and keeps the conflicts.
 */
#ifndef DOOR_SYNC_H
#define DOOR_SYNC_H

#include <sodium.h>

#include "techtank.h"
#include "store-door.h"

/*
 * The construction, all of it in WebCrypto: HKDF-SHA256 of the pass code
 * (UTF-8, as printed) with the event's salt gives, under two infos, the
 * lookup hash (16 bytes) and the AES-256-GCM key of the entry. The IV is
 * random per entry, stored in front of the ciphertext and its tag.
 */
#define DOOR_SALT_BYTES		32
#define DOOR_LOOKUP_BYTES	16
#define DOOR_KEY_BYTES		32
#define DOOR_IV_BYTES		12
#define DOOR_TAG_BYTES		16
#define DOOR_LOOKUP_INFO	"techtank door lookup v1"
#define DOOR_KEY_INFO		"techtank door key v1"

#define DOOR_BATCH_MAX		200	/* scans in one upload: ~30 KB, in max-body */
#define DOOR_DEVICE_MAX		64	/* characters of a device's name */
#define DOOR_NONCE_MIN		16	/* characters: 96 random bits, base64 */
#define DOOR_FUTURE_MAX		300	/* seconds a device's clock may be ahead */
#define DOOR_PAST_MAX		(7 * 86400)	/* an offline scan older: refused */
#define DOOR_CONFLICTS_PAGE	200	/* conflicts listed at most at once */
#define DOOR_PART_IDS		256	/* attendee ids a part of the passes spans */
#define DOOR_CACHE_BYTES	(32 * 1024 * 1024)	/* compressed parts kept:
				   a copy of 10,000 passes is 1.4 MB */

/* door-crypto.c */
struct door_keys {
	unsigned char	lookup[DOOR_LOOKUP_BYTES];
	unsigned char	key[DOOR_KEY_BYTES];
};
/* The salt's keyed HMAC state, made once for many codes. */
struct door_salt {
	crypto_auth_hmacsha256_state	keyed;
};
int door_crypto_available(void);
void door_salt_init(const unsigned char salt[DOOR_SALT_BYTES],
	    struct door_salt *);
void door_derive_salted(const struct door_salt *, const char *code,
	    struct door_keys *);
void door_lookup_salted(const struct door_salt *, const char *code,
	    unsigned char out[DOOR_LOOKUP_BYTES]);
void door_derive(const unsigned char salt[DOOR_SALT_BYTES], const char *code,
	    struct door_keys *);
void door_lookup(const unsigned char salt[DOOR_SALT_BYTES], const char *code,
	    unsigned char out[DOOR_LOOKUP_BYTES]);
size_t door_seal(const struct door_keys *, const unsigned char *iv,
	    const char *plain, size_t len, unsigned char *out);
char *door_b64(const unsigned char *, size_t);
int door_b64_decode(const char *, unsigned char *out, size_t len);

/* store-door-sync.c: what a copy holds, read on a worker */
struct door_pass {
	int64_t		 id;
	char		*code;
	const char	*state;		/* NULL: may enter; or why not */
	int64_t		 ticket_type;	/* id: the copy lists their names */
	char		*name, *company, *dietary;
	char		*sessions;	/* "12,14" or NULL */
};
struct door_seen {
	char		*code;
	int64_t		 at;		/* 0: undone since the cursor */
	char		*device;	/* NULL: online */
};
struct door_copy {
	int64_t		 event_id;
	int64_t		 since;		/* 0: the whole copy */
	int64_t		 cursor;
	char		*zone;		/* the event's, for the times */
	unsigned char	 salt[DOOR_SALT_BYTES];
	json_t		*head;		/* event, checkpoint, sessions, names */
	struct door_pass *passes;
	size_t		 npasses;
	char		**replaced;	/* old codes */
	size_t		 nreplaced;
	struct door_seen *seen;
	size_t		 nseen;
};
struct door_copy *store_door_copy(struct store *, int64_t event_id,
	    const char *checkpoint, int64_t since, struct store_error *);
void door_copy_free(struct door_copy *);

/* door-sync.c: the copy as JSON, sealed (on the slow thread) */
struct door_cache;
struct door_cache *door_cache_create(void);
void door_cache_free(struct door_cache *);
char *door_copy_json(struct door_copy *, size_t *len);
unsigned char *door_copy_gzip(struct door_copy *, struct door_cache *,
	    size_t *len);

/* store-door-upload.c */
struct door_scan {
	char		*nonce;
	int64_t		 at;
	char		*code;		/* one of these three */
	unsigned char	 hash[DOOR_LOOKUP_BYTES];
	int		 has_hash;
	int64_t		 attendee_id;
};
struct door_upload {
	char		*checkpoint;
	char		*device;
	struct door_scan *scans;
	size_t		 nscans;
};
int door_upload_parse(json_t *body, int64_t now, struct door_upload *,
	    json_t **fields);
void door_upload_clear(struct door_upload *);
json_t *store_door_upload(struct store *, const struct staff *, int64_t event,
	    const struct door_upload *, const char *address, int64_t now);
json_t *store_door_conflicts(struct store *, int64_t event_id,
	    int64_t offset, int64_t limit);
int64_t store_door_conflict_count(struct store *, int64_t event_id,
	    const char *checkpoint);

#endif
