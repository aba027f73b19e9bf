/*
 * door-crypto.c: the keys of a door copy (door-sync.h). A pass code is
 * the only secret: HKDF-SHA256 (RFC 5869) of the code with the event's
 * salt gives the lookup hash that finds an entry and the AES-256-GCM key
 * that opens it, so a copy on a lost phone tells nothing without the
 * badges. libsodium 1.0.18 has HMAC-SHA256 but no HKDF, so HKDF is its
 * two HMAC steps here; the browser does the same with crypto.subtle.
 */
#include <string.h>

#include <sodium.h>

#include "door-sync.h"

/* 1 when this CPU has the AES instructions libsodium's AES-GCM needs. */
int
door_crypto_available(void)
{
	return sodium_init() >= 0 && crypto_aead_aes256gcm_is_available();
}

/*
 * The HMAC states keyed with the salt and with a PRK are made once and
 * copied for each use: keying costs two SHA-256 blocks, as much as the
 * message, and a copy of 10,000 passes keys thousands of times.
 */

/* HKDF-Expand of one block from the PRK's keyed state: len bytes. */
static void
hkdf_expand(const crypto_auth_hmacsha256_state *prk, const char *info,
    unsigned char *out, size_t len)
{
	crypto_auth_hmacsha256_state	 h = *prk;
	unsigned char			 t[crypto_auth_hmacsha256_BYTES];
	const unsigned char		 one = 1;

	crypto_auth_hmacsha256_update(&h, (const unsigned char *)info,
	    strlen(info));
	crypto_auth_hmacsha256_update(&h, &one, 1);
	crypto_auth_hmacsha256_final(&h, t);
	memcpy(out, t, len);
	sodium_memzero(t, sizeof t);
	sodium_memzero(&h, sizeof h);
}

/* HKDF-Extract, HMAC(salt, code), as the PRK's keyed state. */
static void
hkdf_extract(const struct door_salt *ds, const char *code,
    crypto_auth_hmacsha256_state *prk_state)
{
	crypto_auth_hmacsha256_state	h = ds->keyed;
	unsigned char			prk[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_update(&h, (const unsigned char *)code,
	    strlen(code));
	crypto_auth_hmacsha256_final(&h, prk);
	crypto_auth_hmacsha256_init(prk_state, prk, sizeof prk);
	sodium_memzero(prk, sizeof prk);
	sodium_memzero(&h, sizeof h);
}

void
door_salt_init(const unsigned char salt[DOOR_SALT_BYTES], struct door_salt *ds)
{
	crypto_auth_hmacsha256_init(&ds->keyed, salt, DOOR_SALT_BYTES);
}

void
door_derive_salted(const struct door_salt *ds, const char *code,
    struct door_keys *k)
{
	crypto_auth_hmacsha256_state	prk;

	hkdf_extract(ds, code, &prk);
	hkdf_expand(&prk, DOOR_LOOKUP_INFO, k->lookup, DOOR_LOOKUP_BYTES);
	hkdf_expand(&prk, DOOR_KEY_INFO, k->key, DOOR_KEY_BYTES);
	sodium_memzero(&prk, sizeof prk);
}

void
door_lookup_salted(const struct door_salt *ds, const char *code,
    unsigned char out[DOOR_LOOKUP_BYTES])
{
	crypto_auth_hmacsha256_state	prk;

	hkdf_extract(ds, code, &prk);
	hkdf_expand(&prk, DOOR_LOOKUP_INFO, out, DOOR_LOOKUP_BYTES);
	sodium_memzero(&prk, sizeof prk);
}

void
door_derive(const unsigned char salt[DOOR_SALT_BYTES], const char *code,
    struct door_keys *k)
{
	struct door_salt	ds;

	door_salt_init(salt, &ds);
	door_derive_salted(&ds, code, k);
	sodium_memzero(&ds, sizeof ds);
}

/* The lookup hash alone (a check-in, an uploaded scan). */
void
door_lookup(const unsigned char salt[DOOR_SALT_BYTES], const char *code,
    unsigned char out[DOOR_LOOKUP_BYTES])
{
	struct door_salt	ds;

	door_salt_init(salt, &ds);
	door_lookup_salted(&ds, code, out);
	sodium_memzero(&ds, sizeof ds);
}

/*
 * Seal len bytes of plain text into out (room for DOOR_IV_BYTES + len +
 * DOOR_TAG_BYTES): the IV (random; NULL: made here), then the ciphertext
 * with its tag, as WebCrypto's AES-GCM decrypt takes them. Returns the
 * bytes written; the caller has checked door_crypto_available().
 */
size_t
door_seal(const struct door_keys *k, const unsigned char *iv,
    const char *plain, size_t len, unsigned char *out)
{
	unsigned long long	clen;

	if (iv != NULL)
		memcpy(out, iv, DOOR_IV_BYTES);
	else
		randombytes_buf(out, DOOR_IV_BYTES);
	crypto_aead_aes256gcm_encrypt(out + DOOR_IV_BYTES, &clen,
	    (const unsigned char *)plain, len, NULL, 0, NULL, out, k->key);
	return DOOR_IV_BYTES + (size_t)clen;
}

/* Standard base64 with padding (what atob() reads); the caller frees it. */
char *
door_b64(const unsigned char *bin, size_t len)
{
	size_t	 n = sodium_base64_encoded_len(len,
	    sodium_base64_VARIANT_ORIGINAL);
	char	*out = xmalloc(n);

	sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

/* Exactly len bytes from base64 text: 0, or -1 for anything else. */
int
door_b64_decode(const char *text, unsigned char *out, size_t len)
{
	size_t	got;

	if (sodium_base642bin(out, len, text, strlen(text), NULL, &got, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || got != len)
		return -1;
	return 0;
}
