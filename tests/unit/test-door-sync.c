/*
 * test-door-sync.c: the door copy's keys (against values from Python's
 * cryptography, as a browser's WebCrypto computes them), sealing, base64
 * read back strictly, gzip and Accept-Encoding, and the times and nonces
 * of an upload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "unit.h"
#include "door-sync.h"

static void
hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* HKDF-SHA256 of the code with salt 00..1f, as Python's HKDF derives it. */
START_TEST(keys_match_hkdf_sha256)
{
	unsigned char		salt[DOOR_SALT_BYTES], only[DOOR_LOOKUP_BYTES];
	struct door_keys	k;
	char			out[2 * DOOR_KEY_BYTES + 1];

	for (int i = 0; i < DOOR_SALT_BYTES; i++)
		salt[i] = (unsigned char)i;
	door_derive(salt, "TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5", &k);
	hex(k.lookup, sizeof k.lookup, out);
	ck_assert_str_eq(out, "ad4c11740e926a27e7d04c99f90cca3a");
	hex(k.key, sizeof k.key, out);
	ck_assert_str_eq(out, "b8978f2360969cfa38cc2b3cf79e168a"
	    "fa56e055415894c3ae0e9e8796b9c520");
	door_lookup(salt, "TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5", only);
	ck_assert_mem_eq(only, k.lookup, sizeof only);
	/* Another salt (another event), another hash. */
	salt[0] ^= 1;
	door_lookup(salt, "TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5", only);
	ck_assert(memcmp(only, k.lookup, sizeof only) != 0);
}
END_TEST

START_TEST(sealed_entries_open_with_their_key_only)
{
	static const char	 plain[] = "{\"n\":\"Åsa Lindström-Öberg\"}";
	unsigned char		 salt[DOOR_SALT_BYTES] = { 7 };
	unsigned char		 out[DOOR_IV_BYTES + sizeof plain + DOOR_TAG_BYTES];
	unsigned char		 back[sizeof plain];
	unsigned long long	 blen;
	struct door_keys	 k, other;
	size_t			 n;

	if (!door_crypto_available())
		return;		/* no AES instructions: the server answers 501 */
	door_derive(salt, "TT-AAAABBX7KQ2M4N5P6R7S2T3V4W5", &k);
	door_derive(salt, "TT-AAAABBX7KQ2M4N5P6R7S2T3V4W4", &other);
	n = door_seal(&k, NULL, plain, strlen(plain), out);
	ck_assert_uint_eq(n, DOOR_IV_BYTES + strlen(plain) + DOOR_TAG_BYTES);
	ck_assert(memmem(out, n, "Lindstr", 7) == NULL);
	ck_assert_int_eq(crypto_aead_aes256gcm_decrypt(back, &blen, NULL,
	    out + DOOR_IV_BYTES, n - DOOR_IV_BYTES, NULL, 0, out, k.key), 0);
	ck_assert_uint_eq(blen, strlen(plain));
	ck_assert(memcmp(back, plain, blen) == 0);
	ck_assert_int_ne(crypto_aead_aes256gcm_decrypt(back, &blen, NULL,
	    out + DOOR_IV_BYTES, n - DOOR_IV_BYTES, NULL, 0, out, other.key),
	    0);
	out[n - 1] ^= 1;	/* an altered entry does not open */
	ck_assert_int_ne(crypto_aead_aes256gcm_decrypt(back, &blen, NULL,
	    out + DOOR_IV_BYTES, n - DOOR_IV_BYTES, NULL, 0, out, k.key), 0);
}
END_TEST

START_TEST(base64_is_read_back_exactly)
{
	unsigned char	in[DOOR_LOOKUP_BYTES], out[DOOR_LOOKUP_BYTES];
	char		*text, bad[64];

	for (int i = 0; i < DOOR_LOOKUP_BYTES; i++)
		in[i] = (unsigned char)(i * 37);
	text = door_b64(in, sizeof in);
	ck_assert_int_eq(door_b64_decode(text, out, sizeof out), 0);
	ck_assert_mem_eq(in, out, sizeof in);
	snprintf(bad, sizeof bad, "%sAAAA", text);	/* too long */
	ck_assert_int_eq(door_b64_decode(bad, out, sizeof out), -1);
	snprintf(bad, sizeof bad, "%.16s", text);	/* too short */
	ck_assert_int_eq(door_b64_decode(bad, out, sizeof out), -1);
	snprintf(bad, sizeof bad, "%s ", text);		/* a blank after */
	ck_assert_int_eq(door_b64_decode(bad, out, sizeof out), -1);
	ck_assert_int_eq(door_b64_decode("", out, sizeof out), -1);
	ck_assert_int_eq(door_b64_decode("'; DROP TABLE x;--=====", out,
	    sizeof out), -1);
	free(text);
}
END_TEST

START_TEST(accept_encoding)
{
	ck_assert(gzip_accepted("gzip"));
	ck_assert(gzip_accepted("gzip, deflate, br"));
	ck_assert(gzip_accepted("br;q=1.0, GZIP;q=0.5"));
	ck_assert(gzip_accepted("x-gzip"));
	ck_assert(gzip_accepted("*"));
	ck_assert(!gzip_accepted(NULL));
	ck_assert(!gzip_accepted(""));
	ck_assert(!gzip_accepted("identity"));
	ck_assert(!gzip_accepted("gzip;q=0"));
	ck_assert(!gzip_accepted("gzip; q=0.000, identity"));
	ck_assert(!gzip_accepted("*, gzip;q=0"));
	ck_assert(!gzip_accepted("gzipped"));
	ck_assert(!gzip_accepted("br, deflate"));
}
END_TEST

START_TEST(gzip_round_trip)
{
	static const char	 text[] = "{\"passes\":[\"Åsa\",\"Zoë\"]}";
	unsigned char		*z, back[256];
	size_t			 n;
	z_stream		 s;

	z = gzip_compress(text, strlen(text), &n);
	ck_assert_ptr_nonnull(z);
	ck_assert(n > 18 && z[0] == 0x1f && z[1] == 0x8b);
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = z;
	s.avail_in = (uInt)n;
	s.next_out = back;
	s.avail_out = sizeof back;
	ck_assert_int_eq(inflate(&s, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(s.total_out, strlen(text));
	ck_assert(memcmp(back, text, strlen(text)) == 0);
	inflateEnd(&s);
	free(z);
}
END_TEST

/* Parts compressed apart and joined are one gzip stream of their texts. */
START_TEST(gzip_parts_join_as_one_stream)
{
	static const char	*texts[] = { "{\"passes\":[", "",
	    "\"Åsa\",\"Zoë\",", "\"Björn\"]}" };
	struct gzip_part	 parts[4];
	struct gzip_deflater	*d = gzip_deflater_create();
	unsigned char		*z, back[256];
	size_t			 n;
	z_stream		 s;

	ck_assert_ptr_nonnull(d);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(gzip_part_make(d, texts[i], strlen(texts[i]),
		    i == 3, &parts[i]), 0);
	z = gzip_parts_join(parts, 4, &n);
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = z;
	s.avail_in = (uInt)n;
	s.next_out = back;
	s.avail_out = sizeof back;
	/* The CRC and length at the end are checked too. */
	ck_assert_int_eq(inflate(&s, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(s.avail_in, 0);
	back[s.total_out] = '\0';
	ck_assert_str_eq((char *)back,
	    "{\"passes\":[\"Åsa\",\"Zoë\",\"Björn\"]}");
	inflateEnd(&s);
	z[n - 8] ^= 1;		/* a CRC off: refused */
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = z;
	s.avail_in = (uInt)n;
	s.next_out = back;
	s.avail_out = sizeof back;
	ck_assert_int_eq(inflate(&s, Z_FINISH), Z_DATA_ERROR);
	inflateEnd(&s);
	for (int i = 0; i < 4; i++)
		free(parts[i].z);
	free(z);
	gzip_deflater_free(d);
}
END_TEST

static int
parse(const char *json, int64_t now, struct door_upload *u, json_t **fields)
{
	json_t	*body = json_loads(json, JSON_ALLOW_NUL, NULL);
	int	 rc;

	ck_assert_ptr_nonnull(body);
	rc = door_upload_parse(body, now, u, fields);
	json_decref(body);
	return rc;
}

START_TEST(upload_times_and_nonces)
{
	struct door_upload	 u;
	json_t			*f;
	int64_t			 t = 1796205600;	/* 2026-12-02T10:00:00Z */

	ck_assert_int_eq(parse("{\"checkpoint\":\"main\",\"device\":\" Dörr 2 \","
	    "\"scans\":[{\"nonce\":\"0123456789abcdef\",\"at\":"
	    "\"2026-12-02T10:00:00.5Z\",\"code\":\" tt-abc \"},"
	    "{\"nonce\":\"0123456789abcdeg\",\"at\":"
	    "\"2026-12-02T11:00:00.123+01:00\",\"attendee_id\":7}]}", t, &u,
	    &f), 0);
	ck_assert_str_eq(u.device, "Dörr 2");
	ck_assert_uint_eq(u.nscans, 2);
	ck_assert_int_eq(u.scans[0].at, t);
	ck_assert_str_eq(u.scans[0].code, "TT-ABC");
	ck_assert_int_eq(u.scans[1].at, t);
	ck_assert_int_eq(u.scans[1].attendee_id, 7);
	json_decref(f);
	door_upload_clear(&u);

	ck_assert_int_eq(parse("{\"checkpoint\":\"main\",\"device\":\"d\","
	    "\"scans\":[{\"nonce\":\"0123456789abcdef\",\"at\":"
	    "\"2026-12-02T10:00:00.Z\",\"code\":\"x\"},"
	    "{\"nonce\":\"0123456789abcde\",\"at\":\"2026-12-02T10:06:00Z\","
	    "\"code\":\"x\"}]}", t, &u, &f), -1);
	ck_assert_str_eq(json_string_value(json_object_get(f, "scans.0.at")),
	    "invalid");
	ck_assert_str_eq(json_string_value(json_object_get(f,
	    "scans.1.nonce")), "invalid");
	ck_assert_str_eq(json_string_value(json_object_get(f, "scans.1.at")),
	    "in_the_future");
	json_decref(f);
	door_upload_clear(&u);
}
END_TEST

Suite *
suite_door_sync(void)
{
	Suite	*s = suite_create("door_sync");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, keys_match_hkdf_sha256);
	tcase_add_test(tc, sealed_entries_open_with_their_key_only);
	tcase_add_test(tc, base64_is_read_back_exactly);
	tcase_add_test(tc, accept_encoding);
	tcase_add_test(tc, gzip_round_trip);
	tcase_add_test(tc, gzip_parts_join_as_one_stream);
	tcase_add_test(tc, upload_times_and_nonces);
	suite_add_tcase(s, tc);
	return s;
}
