/*
 * billing-ids.h: the numbers an invoice carries and a payment is matched
 * by, checked and made without any storage: the Swedish organisation
 * number, EU VAT numbers, and Bankgirot's OCR reference.
 *
 * How it is meant to be used:
 *
 *  - Billing details at registration: orgno_normalise() the organisation
 *    number the buyer typed, or vat_normalise() the VAT number of a
 *    company in another EU country; on NULL keep the normalised form,
 *    otherwise answer 422 with the returned code beside the field.
 *  - Issuing an invoice: ocr_make() the OCR reference from the invoice
 *    number once, keep it with the invoice, print it on the PDF.
 *  - Matching a payment (bgmax.h): ocr_valid() the reference a payment
 *    carries before looking it up; an invalid one matches nothing.
 *
 * Every function is pure: no allocation, no global state.
 */
#ifndef BILLING_IDS_H
#define BILLING_IDS_H

#include <stddef.h>
#include <stdint.h>

/* The Luhn (mod 10) check digit of n digits, as a digit 0-9. */
int luhn_digit(const char *digits, size_t n);
/* 1 when the last of n digits is the Luhn check digit of those before. */
int luhn_valid(const char *digits, size_t n);

/*
 * Organisation numbers: NNNNNN-NNNN, NNNNNNNNNN, or with the century
 * digits of the twelve-digit form (16 for legal entities; 19 or 20 for a
 * sole trader's personal identity number), surrounding blanks allowed.
 * The last digit is the Luhn digit of the ten. The normalised form is
 * NNNNNN-NNNN.
 */
#define ORGNO_LEN	11	/* NNNNNN-NNNN */
const char *orgno_normalise(const char *in, char out[ORGNO_LEN + 1]);

/*
 * EU VAT numbers: the country's prefix (EL for Greece; GR is taken as
 * EL) and the pattern that country publishes (VIES), blanks, dots and
 * dashes ignored, letters folded to upper case. SE numbers must carry a
 * valid organisation number (Luhn) before their 01. The normalised form
 * is the prefix and the number without separators, as VIES prints it.
 * A country outside the EU (NO, GB, CH, ...) is refused with its own code.
 */
#define VAT_MAX		16	/* the longest normalised number, with prefix */
const char *vat_normalise(const char *in, char out[VAT_MAX + 1]);
/* 1 when the two letters name an EU member state's VAT prefix. */
int vat_country_eu(const char *prefix);

/*
 * OCR references per Bankgirot's OCR control with check digit and length
 * digit ("OCR 3"): the number, then a length digit (the length of the whole
 * reference, check and length digits included, modulo 10), then the Luhn
 * digit over everything before it. Bankgirot takes references of 2 to 25
 * digits; with the two control digits the number is 1 to 23 digits.
 */
#define OCR_MIN		3
#define OCR_MAX		25
#define OCR_NUMBER_MAX	(OCR_MAX - 2)
/* 0, or -1 when the number is not 1 to OCR_NUMBER_MAX digits. */
int ocr_make(const char *number, char out[OCR_MAX + 1]);
int ocr_make_u64(uint64_t number, char out[OCR_MAX + 1]);
/* 1 when ref (digits only) has a valid length digit and Luhn digit. */
int ocr_valid(const char *ref);

/*
 * Bankgiro numbers: 7 or 8 digits, the last the Luhn digit of those
 * before, written NNN-NNNN or NNNN-NNNN (the dash may be left out). The
 * normalised form has the dash.
 */
#define BANKGIRO_LEN	9	/* NNNN-NNNN */
const char *bankgiro_normalise(const char *in, char out[BANKGIRO_LEN + 1]);

#endif
