/*
 * bgmax.h: Bankgirot's BgMax file (Bankgiro Inbetalningar, the payments
 * a bankgiro received, 80-character records), read whole or refused whole.
 *
 * How it is meant to be used (the upload of issue 13):
 *
 *	struct bgmax_error	 err;
 *	struct bgmax_file	*f = bgmax_parse(body, len, &err);
 *
 *	if (f == NULL)
 *		-> 422 { code: err.code, line: err.line, field: err.field }
 *	bgmax_identity(f, id);		-> refuse when id is already booked
 *	for each f->payments[i]:	-> match .reference (ocr_valid() first,
 *					   billing-ids.h) against the invoices;
 *					   .amount is negative for a deduction
 *	bgmax_free(f);
 *
 * Nothing of a file is booked unless all of it parses: a truncated file,
 * counts in a deposit (15) or end record (70) that do not match what the
 * file holds, a deposit amount that is not the sum of its payments, an
 * unknown record type, a letter where a digit belongs or a record longer
 * than 80 characters each refuse it, naming the line and the field.
 *
 * Where this parser departs from the letter of the technical manual,
 * because Bankgirot's own example files do: a record shorter than 80
 * characters is read as if padded with blanks (trailing blanks are lost
 * in transfer), and a tab stands for blanks up to the next column of
 * eight (an editor's tabs). Lines end in LF or CR LF.
 * Text (names, addresses, information) is ISO 8859-1 in the file and is
 * handed out as UTF-8, trailing blanks cut; control characters become '?'.
 * The currency is read, not judged: Bankgirot has reported only SEK since
 * October 2016, so the matcher should set aside a deposit in any other.
 * A deposit's type (position 80 of its 15 record) is not read.
 */
#ifndef BGMAX_H
#define BGMAX_H

#include <stddef.h>
#include <stdint.h>

#define BGMAX_RECORD_LEN	80
#define BGMAX_FILE_MAX		(16 * 1024 * 1024)	/* bytes */
#define BGMAX_IDENTITY_LEN	64			/* hex SHA-256 */

/* Where a refused file went wrong: the API's 422 as code, line, field. */
struct bgmax_error {
	size_t		 line;		/* from 1; 0 for the file as a whole */
	const char	*code;		/* bgmax_* (bgmax.c lists them) */
	const char	*field;		/* the record's field, or NULL */
};

enum bgmax_kind {
	BGMAX_PAYMENT = 20,		/* Betalningspost */
	BGMAX_DEDUCTION = 21,		/* Avdragspost: the amount is negative */
};

/* One deposit (section 05 ... 15) into the payee's bank account. */
struct bgmax_deposit {
	char	 payee_bankgiro[11];	/* leading zeros kept, digits */
	char	 payee_plusgiro[11];	/* digits, or empty */
	char	 currency[4];		/* SEK; older files also EUR */
	char	 account[36];		/* the payee's bank account, digits */
	char	 date[9];		/* the payment date, YYYYMMDD */
	char	 serial[6];		/* Bankgirot's deposit serial number */
	int64_t	 amount;		/* öre; the sum of its payments */
	size_t	 npayments;		/* its 20 and 21 records */
};

/* A 22 (positive) or 23 (negative) record: one more reference paid. */
struct bgmax_extra_ref {
	char		 reference[51];	/* UTF-8, blanks cut */
	int64_t		 amount;	/* öre, below zero for 23; often 0 */
};

struct bgmax_payment {
	enum bgmax_kind	 kind;
	size_t		 line;		/* of its 20 or 21 record */
	size_t		 deposit;	/* index into bgmax_file.deposits */
	int64_t		 amount;	/* öre; below zero for a deduction */
	char		 reference[51];	/* UTF-8, blanks cut; may be empty */
	int		 reference_code; /* 0-5: 2 OCR checked, 3 several... */
	int		 channel;	/* 1 bank, 2 LB, 3 paper, 4 autogiro */
	char		 serial[13];	/* Bankgirot's serial number */
	int		 image;		/* 1 when a slip image exists */
	int		 deduction_code; /* 21 only */
	char		 payer_bankgiro[11];	/* digits, "0000000000" if none */
	/* From the records after it (22, 23, 25-29): UTF-8, never NULL. */
	struct bgmax_extra_ref	*extra_refs;	/* its 22 and 23 records */
	size_t		 nextra_refs;
	char		*information;	/* 25 records, joined by '\n' */
	char		*name;		/* 26 */
	char		*address;	/* 27 */
	char		*postcode;	/* 27 */
	char		*town;		/* 28 */
	char		*country;	/* 28 */
	char		 country_code[3];	/* 28, two letters or empty */
	char		 payer_orgno[13];	/* 29, digits, or empty */
	/* The deposit's, for convenience. */
	char		 date[9];
};

struct bgmax_file {
	int			 version;	/* 01 */
	char			 timestamp[21];	/* YYYYMMDDhhmmssuuuuuu */
	int			 test;		/* 1: a test file (T), not P */
	struct bgmax_deposit	*deposits;
	size_t			 ndeposits;
	struct bgmax_payment	*payments;	/* in file order */
	size_t			 npayments;
	size_t			 nextra_refs;	/* in the whole file */
	/* SHA-256 of the records as read (LF-joined, blank-padded). */
	unsigned char		 digest[32];
};

struct bgmax_file *bgmax_parse(const void *buf, size_t len,
	    struct bgmax_error *err);
void bgmax_free(struct bgmax_file *);
/*
 * A file's identity, the same for the same file uploaded again even if
 * its line ends or trailing blanks changed on the way: the hex SHA-256 of
 * its records. Bankgirot's timestamp alone is not enough: test files and
 * files made by hand repeat it.
 */
void bgmax_identity(const struct bgmax_file *,
	    char out[BGMAX_IDENTITY_LEN + 1]);

#endif
