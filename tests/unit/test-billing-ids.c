/*
 * test-billing-ids.c: the Luhn digit, Swedish organisation numbers, EU
 * VAT number formats and Bankgirot's OCR references (db/billing-ids.c).
 */
#include <string.h>

#include "unit.h"
#include "billing-ids.h"

static void
orgno_is(const char *in, const char *want)
{
	char		 out[ORGNO_LEN + 1];
	const char	*err = orgno_normalise(in, out);

	ck_assert_msg(err == NULL, "%s: %s", in, err ? err : "");
	ck_assert_str_eq(out, want);
}

static void
orgno_bad(const char *in, const char *code)
{
	char		 out[ORGNO_LEN + 1];
	const char	*err = orgno_normalise(in, out);

	ck_assert_msg(err != NULL && strcmp(err, code) == 0, "%s: %s, not %s",
	    in, err ? err : "accepted", code);
}

START_TEST(luhn_known_numbers)
{
	ck_assert(luhn_valid("5560160680", 10));	/* Ericsson */
	ck_assert(luhn_valid("2021005489", 10));
	ck_assert(luhn_valid("5560125790", 10));	/* AB Volvo */
	ck_assert(luhn_valid("79927398713", 11));	/* the textbook one */
	ck_assert_int_eq(luhn_digit("556016068", 9), 0);
	ck_assert_int_eq(luhn_digit("202100548", 9), 9);
	ck_assert_int_eq(luhn_digit("7992739871", 10), 3);
	ck_assert(!luhn_valid("5560160681", 10));
	ck_assert(!luhn_valid("5560160608", 10));	/* two swapped */
	ck_assert(!luhn_valid("556016068a", 10));
	ck_assert(!luhn_valid("5", 1));
}
END_TEST

START_TEST(orgno_forms)
{
	orgno_is("556016-0680", "556016-0680");
	orgno_is("5560160680", "556016-0680");
	orgno_is(" 556016-0680 ", "556016-0680");
	orgno_is("16556016-0680", "556016-0680");
	orgno_is("165560160680", "556016-0680");
	orgno_is("202100-5489", "202100-5489");
	/* A sole trader's personal identity number, with its century. */
	orgno_is("19811218-9876", "811218-9876");
	orgno_is("198112189876", "811218-9876");
}
END_TEST

START_TEST(orgno_refused)
{
	orgno_bad("556016-0681", "orgno_check_digit");
	orgno_bad("556061-0680", "orgno_check_digit");
	orgno_bad("202100-5488", "orgno_check_digit");
	orgno_bad("18556016-0680", "orgno_format");	/* no such century */
	orgno_bad("556016-068", "orgno_format");
	orgno_bad("556016-06800", "orgno_format");
	orgno_bad("5560-160680", "orgno_format");
	orgno_bad("556016 0680", "orgno_format");
	orgno_bad("55601a-0680", "orgno_format");
	orgno_bad("", "orgno_format");
	orgno_bad("５５６０１６-０６８０", "orgno_format");	/* fullwidth */
}
END_TEST

static void
vat_is(const char *in, const char *want)
{
	char		 out[VAT_MAX + 1];
	const char	*err = vat_normalise(in, out);

	ck_assert_msg(err == NULL, "%s: %s", in, err ? err : "");
	ck_assert_str_eq(out, want);
}

static void
vat_bad(const char *in, const char *code)
{
	char		 out[VAT_MAX + 1];
	const char	*err = vat_normalise(in, out);

	ck_assert_msg(err != NULL && strcmp(err, code) == 0, "%s: %s, not %s",
	    in, err ? err : "accepted", code);
}

START_TEST(vat_member_states)
{
	/* One well-formed number per member state (the VIES patterns). */
	static const char *const good[] = {
		"ATU12345678", "BE0123456789", "BE1123456789", "BG123456789",
		"BG1234567890", "CY12345678X", "CZ12345678", "CZ123456789",
		"CZ1234567890", "DE123456789", "DK12345678", "EE123456789",
		"EL123456789", "ESX1234567X", "ES12345678Z", "ESA12345678",
		"FI12345678", "FRXX123456789", "FR12345678901",
		"HR12345678901", "HU12345678", "IE1234567X", "IE1234567WA",
		"IE1X23456X", "IE1+23456X", "IT12345678901", "LT123456789",
		"LT123456789012", "LU12345678", "LV12345678901", "MT12345678",
		"NL123456789B01", "PL1234567890", "PT123456789", "RO12",
		"RO1234567890", "SE556016068001", "SI12345678", "SK1234567890",
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		vat_is(good[i], good[i]);
}
END_TEST

START_TEST(vat_normal_form)
{
	vat_is("se 556016-0680 01", "SE556016068001");
	vat_is("DE 123.456.789", "DE123456789");
	vat_is("nl123456789b01", "NL123456789B01");
	vat_is("GR123456789", "EL123456789");	/* Greece is EL in VIES */
	vat_is("  FI 1234 5678 ", "FI12345678");
}
END_TEST

START_TEST(vat_refused)
{
	vat_bad("DE12345678", "vat_format");		/* DE has 9 digits */
	vat_bad("DE1234567890", "vat_format");
	vat_bad("FI1234567", "vat_format");
	vat_bad("DK123456789", "vat_format");
	vat_bad("AT12345678", "vat_format");		/* no U */
	vat_bad("BE2123456789", "vat_format");		/* 0 or 1 first */
	vat_bad("FRIO123456789", "vat_format");		/* no I, no O */
	vat_bad("NL123456789A01", "vat_format");
	vat_bad("RO0123", "vat_format");
	vat_bad("RO12345678901", "vat_format");
	vat_bad("SE556016068002", "vat_format");	/* ends in 01 */
	vat_bad("SE55601606800", "vat_format");
	vat_bad("SE556016068101", "vat_check_digit");	/* org no. Luhn */
	vat_bad("NO123456789MVA", "vat_not_eu");
	vat_bad("GB123456789", "vat_not_eu");
	vat_bad("XI123456789", "vat_not_eu");
	vat_bad("CH123456789", "vat_not_eu");
	vat_bad("US123456789", "vat_country");
	vat_bad("123456789", "vat_country");
	vat_bad("", "vat_country");
	vat_bad("DE12345678901234567890", "vat_format");	/* too long */
	vat_bad("DE12345678\xc3\xa9", "vat_format");
	ck_assert(vat_country_eu("SE"));
	ck_assert(vat_country_eu("EL"));
	ck_assert(!vat_country_eu("GR"));
	ck_assert(!vat_country_eu("NO"));
	ck_assert(!vat_country_eu("S"));
}
END_TEST

START_TEST(ocr_known_references)
{
	/* From Bankgirot's example file for OCR control with check digit
	 * and length digit (bankgiroinbetalningar_exempelfil_avtal-om-
	 * ocr-kontroll_checksiffra_langd). */
	static const char *const good[] = { "655969", "657866", "658765",
		"650861", "657767", "657965", "659763", "658260", "658369",
		"658468", "801266", "801365", "801464" };
	char	out[OCR_MAX + 1];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char	number[8];

		ck_assert_msg(ocr_valid(good[i]), "%s", good[i]);
		/* Made from its number, it is the same reference. */
		memcpy(number, good[i], 4);
		number[4] = '\0';
		ck_assert_int_eq(ocr_make(number, out), 0);
		ck_assert_str_eq(out, good[i]);
	}
	ck_assert(!ocr_valid("801465"));	/* the example's typed text */
	ck_assert(!ocr_valid("655968"));	/* check digit */
	ck_assert(!ocr_valid("655979"));	/* length digit */
	ck_assert(!ocr_valid("6559"));
	ck_assert(!ocr_valid("65596 9"));
	ck_assert(!ocr_valid(""));
	ck_assert(!ocr_valid("38"));
}
END_TEST

START_TEST(bankgiro_forms)
{
	/* 5050-1055 is Bankgirot's own number as printed on its forms. */
	static const char *const in[][2] = {
		{ "5050-1055", "5050-1055" }, { "50501055", "5050-1055" },
		{ " 991-2346 ", "991-2346" }, { "9912346", "991-2346" },
	};
	char	out[BANKGIRO_LEN + 1];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		ck_assert_msg(bankgiro_normalise(in[i][0], out) == NULL, "%s",
		    in[i][0]);
		ck_assert_str_eq(out, in[i][1]);
	}
	ck_assert_str_eq(bankgiro_normalise("5050-1056", out),
	    "bankgiro_check_digit");
	ck_assert_str_eq(bankgiro_normalise("505-01055", out),
	    "bankgiro_format");
	ck_assert_str_eq(bankgiro_normalise("123456", out), "bankgiro_format");
	ck_assert_str_eq(bankgiro_normalise("123456789", out),
	    "bankgiro_format");
	ck_assert_str_eq(bankgiro_normalise("5050 1055", out),
	    "bankgiro_format");
	ck_assert_str_eq(bankgiro_normalise("", out), "bankgiro_format");
}
END_TEST

START_TEST(ocr_lengths)
{
	char	out[OCR_MAX + 1], number[OCR_NUMBER_MAX + 2];

	ck_assert_int_eq(ocr_make("1", out), 0);
	ck_assert_str_eq(out, "133");		/* 1, length 3, Luhn 3 */
	ck_assert(ocr_valid(out));
	ck_assert_int_eq(ocr_make_u64(12345678, out), 0);
	ck_assert_str_eq(out, "1234567806");	/* length 10 -> 0 */
	ck_assert(ocr_valid(out));
	ck_assert_int_eq(ocr_make_u64(1000000000000000000ULL, out), 0);
	ck_assert_uint_eq(strlen(out), 21);
	ck_assert_int_eq(out[19], '1');
	ck_assert(ocr_valid(out));
	/* Every length from 1 to 23 digits makes a valid reference. */
	for (size_t n = 1; n <= OCR_NUMBER_MAX; n++) {
		memset(number, '7', n);
		number[n] = '\0';
		ck_assert_int_eq(ocr_make(number, out), 0);
		ck_assert_uint_eq(strlen(out), n + 2);
		ck_assert_int_eq(out[n] - '0', (int)((n + 2) % 10));
		ck_assert(ocr_valid(out));
		/* Any one digit changed is caught. */
		for (size_t i = 0; i < n + 2; i++) {
			char	save = out[i];

			out[i] = save == '9' ? '0' : (char)(save + 1);
			ck_assert_msg(!ocr_valid(out), "%s", out);
			out[i] = save;
		}
	}
	memset(number, '1', OCR_NUMBER_MAX + 1);
	number[OCR_NUMBER_MAX + 1] = '\0';
	ck_assert_int_eq(ocr_make(number, out), -1);
	ck_assert_int_eq(ocr_make("", out), -1);
	ck_assert_int_eq(ocr_make("12a", out), -1);
}
END_TEST

Suite *
suite_billing_ids(void)
{
	Suite	*s = suite_create("billing-ids");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, luhn_known_numbers);
	tcase_add_test(tc, orgno_forms);
	tcase_add_test(tc, orgno_refused);
	tcase_add_test(tc, vat_member_states);
	tcase_add_test(tc, vat_normal_form);
	tcase_add_test(tc, vat_refused);
	tcase_add_test(tc, ocr_known_references);
	tcase_add_test(tc, ocr_lengths);
	tcase_add_test(tc, bankgiro_forms);
	suite_add_tcase(s, tc);
	return s;
}
