/*
 * billing-ids.c: the Luhn digit, Swedish organisation numbers, EU VAT
 * number formats (one table row per member state), and Bankgirot's OCR
 * reference with length digit and check digit. See billing-ids.h.
 *
 * The VAT patterns are those the European Commission's VIES service
 * documents per member state; they check the form, not that the number
 * is registered (only VIES can say that, and we ask no network service).
 * Each returns NULL when fine, or a code the API hands back beside the
 * field and the pages word in both languages.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "billing-ids.h"

int
luhn_digit(const char *digits, size_t n)
{
	int	sum = 0, dbl = 1;

	/* From the right, the digit next to the check digit is doubled. */
	for (size_t i = n; i-- > 0;) {
		int	d = digits[i] - '0';

		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return (10 - sum % 10) % 10;
}

int
luhn_valid(const char *digits, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)digits[i]))
			return 0;
	return n >= 2 && luhn_digit(digits, n - 1) == digits[n - 1] - '0';
}

/* in without surrounding blanks: its start and length. */
static const char *
trimmed(const char *in, size_t *len)
{
	size_t	n;

	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	*len = n;
	return in;
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *
orgno_normalise(const char *in, char out[ORGNO_LEN + 1])
{
	char		 d[10];
	size_t		 n;
	const char	*s = trimmed(in, &n);

	/* The twelve-digit forms start with the century digits. */
	if (n == 12 || (n == 13 && s[8] == '-')) {
		if (strncmp(s, "16", 2) != 0 && strncmp(s, "19", 2) != 0 &&
		    strncmp(s, "20", 2) != 0)
			return "orgno_format";
		s += 2;
		n -= 2;
	}
	if (n == 11 && s[6] == '-') {
		memcpy(d, s, 6);
		memcpy(d + 6, s + 7, 4);
	} else if (n == 10)
		memcpy(d, s, 10);
	else
		return "orgno_format";
	if (!all_digits(d, 10))
		return "orgno_format";
	if (!luhn_valid(d, 10))
		return "orgno_check_digit";
	memcpy(out, d, 6);
	out[6] = '-';
	memcpy(out + 7, d + 6, 4);
	out[ORGNO_LEN] = '\0';
	return NULL;
}

/*
 * A VAT pattern: '#' a digit, '!' a digit 1-9, '@' a letter, '?' a
 * letter or a digit, '$' a letter other than I and O or a digit; any other
 * character stands for itself. Alternatives are separated by '|'.
 */
struct vat_country {
	const char	*prefix;
	const char	*pattern;
	const char	*(*check)(const char *number);
};

static const char *vat_check_se(const char *);

/* The member states, by prefix. */
static const struct vat_country vat_countries[] = {
	{ .prefix = "AT", .pattern = "U########" },
	{ .prefix = "BE", .pattern = "0#########|1#########" },
	{ .prefix = "BG", .pattern = "#########|##########" },
	{ .prefix = "CY", .pattern = "########@" },
	{ .prefix = "CZ", .pattern = "########|#########|##########" },
	{ .prefix = "DE", .pattern = "#########" },
	{ .prefix = "DK", .pattern = "########" },
	{ .prefix = "EE", .pattern = "#########" },
	{ .prefix = "EL", .pattern = "#########" },
	{ .prefix = "ES", .pattern = "?#######?" },
	{ .prefix = "FI", .pattern = "########" },
	{ .prefix = "FR", .pattern = "$$#########" },
	{ .prefix = "HR", .pattern = "###########" },
	{ .prefix = "HU", .pattern = "########" },
	{ .prefix = "IE",
	  .pattern = "#######@|#######@@|#@#####@|#+#####@|#*#####@" },
	{ .prefix = "IT", .pattern = "###########" },
	{ .prefix = "LT", .pattern = "#########|############" },
	{ .prefix = "LU", .pattern = "########" },
	{ .prefix = "LV", .pattern = "###########" },
	{ .prefix = "MT", .pattern = "########" },
	{ .prefix = "NL", .pattern = "#########B##" },
	{ .prefix = "PL", .pattern = "##########" },
	{ .prefix = "PT", .pattern = "#########" },
	{ .prefix = "RO", .pattern = "!#|!##|!###|!####|!#####|!######|"
	    "!#######|!########|!#########" },
	{ .prefix = "SE", .pattern = "##########01", .check = vat_check_se },
	{ .prefix = "SI", .pattern = "########" },
	{ .prefix = "SK", .pattern = "##########" },
};

/* Prefixes people type for countries outside the EU VAT area. */
static const char *const vat_not_eu[] = { "NO", "GB", "XI", "CH", "IS",
	"LI", "UK" };

static const char *
vat_check_se(const char *number)
{
	return luhn_valid(number, 10) ? NULL : "vat_check_digit";
}

static int
pattern_char(char p, char c)
{
	switch (p) {
	case '#':
		return isdigit((unsigned char)c);
	case '!':
		return c >= '1' && c <= '9';
	case '@':
		return c >= 'A' && c <= 'Z';
	case '?':
		return isdigit((unsigned char)c) || (c >= 'A' && c <= 'Z');
	case '$':
		return isdigit((unsigned char)c) ||
		    (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O');
	default:
		return p == c;
	}
}

static int
pattern_match(const char *pattern, const char *s, size_t n)
{
	const char	*alt = pattern;

	for (;;) {
		size_t	len = strcspn(alt, "|"), i;

		if (len == n) {
			for (i = 0; i < n && pattern_char(alt[i], s[i]); i++)
				;
			if (i == n)
				return 1;
		}
		if (alt[len] == '\0')
			return 0;
		alt += len + 1;
	}
}

static const struct vat_country *
vat_find(const char *prefix)
{
	for (size_t i = 0; i < sizeof vat_countries / sizeof vat_countries[0];
	    i++)
		if (strncmp(vat_countries[i].prefix, prefix, 2) == 0)
			return &vat_countries[i];
	return NULL;
}

int
vat_country_eu(const char *prefix)
{
	return strlen(prefix) >= 2 && vat_find(prefix) != NULL;
}

const char *
vat_normalise(const char *in, char out[VAT_MAX + 1])
{
	char				 s[VAT_MAX + 1];
	size_t				 n = 0;
	const struct vat_country	*c;
	const char			*err;

	for (const char *p = in; *p != '\0'; p++) {
		unsigned char	ch = (unsigned char)*p;

		if (ch == ' ' || ch == '\t' || ch == '.' || ch == '-')
			continue;
		if (n == VAT_MAX)
			return "vat_format";
		if (ch >= 0x80 || iscntrl(ch))
			return "vat_format";
		s[n++] = (char)toupper(ch);
	}
	s[n] = '\0';
	if (n < 2 || !isupper((unsigned char)s[0]) ||
	    !isupper((unsigned char)s[1]))
		return "vat_country";
	if (strncmp(s, "GR", 2) == 0)
		memcpy(s, "EL", 2);	/* Greece's VAT prefix is not its ISO code */
	if ((c = vat_find(s)) == NULL) {
		for (size_t i = 0; i < sizeof vat_not_eu / sizeof vat_not_eu[0];
		    i++)
			if (strncmp(s, vat_not_eu[i], 2) == 0)
				return "vat_not_eu";
		return "vat_country";
	}
	if (!pattern_match(c->pattern, s + 2, n - 2))
		return "vat_format";
	if (c->check != NULL && (err = c->check(s + 2)) != NULL)
		return err;
	memcpy(out, s, n + 1);
	return NULL;
}

int
ocr_make(const char *number, char out[OCR_MAX + 1])
{
	size_t	n = strlen(number);

	if (n < 1 || n > OCR_NUMBER_MAX || !all_digits(number, n))
		return -1;
	memcpy(out, number, n);
	out[n] = (char)('0' + (n + 2) % 10);
	out[n + 1] = (char)('0' + luhn_digit(out, n + 1));
	out[n + 2] = '\0';
	return 0;
}

int
ocr_make_u64(uint64_t number, char out[OCR_MAX + 1])
{
	char	digits[24];

	snprintf(digits, sizeof digits, "%" PRIu64, number);
	return ocr_make(digits, out);
}

int
ocr_valid(const char *ref)
{
	size_t	n = strlen(ref);

	if (n < OCR_MIN || n > OCR_MAX || !luhn_valid(ref, n))
		return 0;
	return ref[n - 2] - '0' == (int)(n % 10);
}

const char *
bankgiro_normalise(const char *in, char out[BANKGIRO_LEN + 1])
{
	char		 d[8];
	size_t		 n, k = 0;
	const char	*s = trimmed(in, &n);

	/* NNN-NNNN or NNNN-NNNN, or the digits alone. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && (i == n - 5) && k >= 3)
			continue;
		if (!isdigit((unsigned char)s[i]) || k == sizeof d)
			return "bankgiro_format";
		d[k++] = s[i];
	}
	if (k < 7)
		return "bankgiro_format";
	if (!luhn_valid(d, k))
		return "bankgiro_check_digit";
	memcpy(out, d, k - 4);
	out[k - 4] = '-';
	memcpy(out + k - 3, d + k - 4, 4);
	out[k + 1] = '\0';
	return NULL;
}
