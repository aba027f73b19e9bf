/*
 * sie.h: a streaming writer of SIE 4 files (the Swedish standard for
 * moving bookkeeping between programs), in CP437 (#FORMAT PC8) as the
 * format prescribes, to a callback so that memory does not grow with the
 * number of verifications.
 *
 * How it is meant to be used (the accountant's export of issue 13):
 *
 *	struct sie_writer *w = sie_writer_create(write_cb, arg);
 *
 *	sie_header(w, &hdr);		   every account any #TRANS will use
 *	for each invoice, credit note, payment:
 *		sie_ver(w, &ver);	   -1: unbalanced, unknown account...
 *	sie_writer_finish(w);		   flushes; -1 if a write failed
 *	sie_writer_free(w);
 *
 * sie_ver() refuses, and writes nothing of, a verification whose rows do
 * not sum to zero (debits positive, credits negative, in öre), one with
 * no rows, or one naming an account the header did not declare; after
 * a refusal the writer still works. After a failed write every call
 * fails. sie_error() says why in a code (sie_*).
 *
 * Text is UTF-8 in and CP437 out; a character CP437 lacks becomes its
 * base letter when it has one (ő -> o, Č -> C) or a close ASCII stand-in
 * (Ø -> O, “ -> ", – -> -), else '?'. Strings are always quoted; a quote
 * inside is written \" as the SIE specification says; a backslash, which
 * readers take two ways, is written '/'; control characters become
 * blanks. Lines end in CR LF.
 */
#ifndef SIE_H
#define SIE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* 0, or -1 when the bytes could not be written. */
typedef int (*sie_write_fn)(void *arg, const void *buf, size_t len);

struct sie_account {
	const char	*number;	/* digits, as "1510" */
	const char	*name;		/* UTF-8 */
};

struct sie_header {
	const char			*program;	/* #PROGRAM */
	const char			*version;
	const char			*generated;	/* #GEN, YYYYMMDD */
	const char			*company;	/* #FNAMN */
	const char			*orgno;		/* #ORGNR; NULL: none */
	const char			*year_start;	/* #RAR 0, YYYYMMDD */
	const char			*year_end;
	const struct sie_account	*accounts;	/* #KONTO, copied */
	size_t				 naccounts;
};

struct sie_trans {
	const char	*account;
	int64_t		 amount;	/* öre: debit > 0, credit < 0 */
	const char	*text;		/* NULL: none */
};

struct sie_ver {
	const char		*series;	/* "A" */
	int64_t			 number;	/* > 0 */
	const char		*date;		/* YYYYMMDD */
	const char		*text;		/* NULL: none */
	const struct sie_trans	*trans;
	size_t			 ntrans;
};

struct sie_writer *sie_writer_create(sie_write_fn, void *arg);
int sie_header(struct sie_writer *, const struct sie_header *);
int sie_ver(struct sie_writer *, const struct sie_ver *);
int sie_writer_finish(struct sie_writer *);
void sie_writer_free(struct sie_writer *);
const char *sie_error(const struct sie_writer *);
/* A sie_write_fn for a stdio stream (arg is the FILE *). */
int sie_write_stdio(void *arg, const void *buf, size_t len);

/* The CP437 byte of a code point, or 0 when CP437 has none. */
unsigned char sie_cp437(int32_t cp);

#endif
