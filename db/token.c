/*
 * token.c: unguessable tokens from libsodium. Manage tokens (the private
 * link) carry 128 random bits; pass codes carry 100 random bits in
 * uppercase base32, which QR alphanumeric mode encodes compactly, plus a
 * Luhn mod 32 check character so that any single altered character is
 * caught before the database is asked. Both begin with the id of their row
 * (see techtank.h). Invitation codes are random lowercase base32 only.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "techtank.h"

static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int
base32_value(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(base32, c)) == NULL)
		return -1;
	return (int)(p - base32);
}

/* Encode the first nchars * 5 bits of buf. */
static void
base32_encode(const unsigned char *buf, size_t nchars, char *out, int lower)
{
	for (size_t i = 0; i < nchars; i++) {
		size_t		bit = i * 5, byte = bit / 8, shift = bit % 8;
		unsigned	v = (unsigned)buf[byte] << 8;

		v |= buf[byte + 1];
		v = (v >> (11 - shift)) & 0x1f;
		out[i] = base32[v];
		if (lower && out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	out[nchars] = '\0';
}

/* The id as TOKEN_ID_CHARS base32 characters, most significant first. */
static void
id_encode(int64_t id, char *out, int lower)
{
	for (int i = TOKEN_ID_CHARS - 1; i >= 0; i--) {
		out[i] = base32[id & 0x1f];
		if (lower && out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
		id >>= 5;
	}
}

void
token_manage(int64_t id, char out[TOKEN_MANAGE_LEN + 1])
{
	unsigned char	buf[18] = { 0 };

	id_encode(id, out, 1);
	randombytes_buf(buf, 16);
	base32_encode(buf, TOKEN_MANAGE_RANDOM, out + TOKEN_ID_CHARS, 1);
}

/* Luhn mod 32 over base32 characters: detects every single substitution. */
char
token_check_char(const char *s, size_t len)
{
	int	factor = 2, sum = 0;

	for (size_t i = len; i > 0; i--) {
		int	v = base32_value(s[i - 1]), addend;

		if (v < 0)
			return '\0';
		addend = factor * v;
		factor = factor == 2 ? 1 : 2;
		sum += addend / 32 + addend % 32;
	}
	return base32[(32 - sum % 32) % 32];
}

/*
 * A new pass code: PREFIX-, the attendee id, 20 random base32 characters,
 * a check character.
 */
char *
token_pass_code(const char *prefix, int64_t id)
{
	unsigned char	 buf[14] = { 0 };
	char		 body[PASS_BODY_CHARS + 2], *code;

	id_encode(id, body, 0);
	randombytes_buf(buf, 13);
	base32_encode(buf, PASS_RANDOM_CHARS, body + TOKEN_ID_CHARS, 0);
	body[PASS_BODY_CHARS] = token_check_char(body, PASS_BODY_CHARS);
	body[PASS_BODY_CHARS + 1] = '\0';
	xasprintf(&code, "%s-%s", prefix, body);
	return code;
}

/* Whether a scanned code has the right shape and check character. */
int
token_pass_code_valid(const char *code)
{
	const char	*dash = strrchr(code, '-');
	size_t		 len;

	if (dash == NULL)
		return 0;
	len = strlen(dash + 1);
	if (len != PASS_BODY_CHARS + 1)
		return 0;
	return token_check_char(dash + 1, PASS_BODY_CHARS) ==
	    dash[1 + PASS_BODY_CHARS];
}

/*
 * The length of a separator people type or copy between a pass code's
 * groups at the start of s, or 0: a blank, a dash, a no-break space, one
 * of the dashes U+2010 to U+2015, or the minus sign U+2212.
 */
static size_t
code_separator(const unsigned char *s)
{
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '-')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95)
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x88 && s[2] == 0x92)
		return 3;
	return 0;
}

/*
 * A pass code as people type it, in the form it was issued: the blanks
 * and dashes of the groups on the pass dropped, lower case raised, and in
 * the part after the prefix (where base32 has neither) 0 read as O and 1
 * as I. The last PASS_BODY_CHARS + 1 characters are the body, the rest
 * the prefix. The check character still rejects any other change, and
 * none of these is another code's: no issued code has a 0 or 1 there.
 * Text that cannot be a code comes back without its separators, to be
 * found by no one. The caller frees the result.
 */
char *
token_pass_code_normalise(const char *typed)
{
	const unsigned char	*s = (const unsigned char *)typed;
	size_t			 len = strlen(typed), n = 0, sep, body;
	char			*plain = xmalloc(len + 1), *out;
	int			 ascii = 1;

	while (*s != '\0') {
		if ((sep = code_separator(s)) > 0) {
			s += sep;
			continue;
		}
		if (*s >= 0x80)
			ascii = 0;
		plain[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' :
		    *s);
		s++;
	}
	plain[n] = '\0';
	/* Other letters are no code's: cut nothing in two. */
	if (n <= PASS_BODY_CHARS + 1 || !ascii)
		return plain;
	body = n - (PASS_BODY_CHARS + 1);
	for (size_t i = body; i < n; i++) {
		if (plain[i] == '0')
			plain[i] = 'O';
		else if (plain[i] == '1')
			plain[i] = 'I';
	}
	xasprintf(&out, "%.*s-%s", (int)body, plain, plain + body);
	free(plain);
	return out;
}

/* Whether the len bytes of s are all lowercase base32. */
static int
base32_lower(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '2' && s[i] <= '7')))
			return 0;
	return 1;
}

/* Whether text has the shape of a manage token (before any lookup). */
int
token_manage_valid(const char *token)
{
	return strlen(token) == TOKEN_MANAGE_LEN &&
	    base32_lower(token, TOKEN_MANAGE_LEN);
}

/*
 * Whether the len bytes of s have the shape of an invitation code, before
 * any lookup: anything longer, shorter or outside the alphabet (a NUL,
 * a control character, a byte of UTF-8) is no code.
 */
int
token_invitation_valid(const char *s, size_t len)
{
	return len == INVITATION_CODE_CHARS && base32_lower(s, len);
}

/* nchars of random lowercase base32 (5 random bits each). */
void
token_random(char *out, size_t nchars)
{
	unsigned char	buf[128] = { 0 };
	size_t		bytes = (nchars * 5 + 7) / 8;

	if (bytes + 2 > sizeof buf)
		fatalx("token_random: %zu characters is too long", nchars);
	randombytes_buf(buf, bytes);
	base32_encode(buf, nchars, out, 1);
}
