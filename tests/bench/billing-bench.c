/*
 * billing-bench.c: the CPU time of issue 13's pure parts, without the
 * daemon: reading a BgMax file of 2,000 payments (target of the whole
 * match: < 1 s), writing a SIE export of 10,000 verifications (target:
 * < 1 s) and making and checking OCR references. Each figure is the
 * median of several runs of CLOCK_PROCESS_CPUTIME_ID, so other work on
 * the machine counts little. Part of make bench; BENCH_STRICT=1 fails on
 * a miss.
 *
 *	tests/bench/billing-bench [payments [verifications]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "techtank.h"
#include "billing-ids.h"
#include "bgmax.h"
#include "sie.h"

#define RUNS	9

static double
cpu_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

/* A BgMax file of n payments, each with a name and an org. number. */
static char *
bgmax_file(size_t n, size_t *len)
{
	char	*buf = xmalloc((n * 3 + 4) * 82), *p = buf;
	char	 ocr[OCR_MAX + 1];
	int64_t	 sum = 0;

	p += sprintf(p, "%-80s\n", "01BGMAX               0120261203120000000000P");
	p += sprintf(p, "%-80s\n", "050009912346          SEK");
	for (size_t i = 0; i < n; i++) {
		int64_t	amount = 50000 + (int64_t)(i % 400) * 1000;

		ocr_make_u64(1000 + i, ocr);
		sum += amount;
		p += sprintf(p, "20%010zu%25s%018lld21%012zu0%10s\n", i, ocr,
		    (long long)amount, i + 1, "");
		p += sprintf(p, "%-80s\n", "26F\xf6retaget i Stor\xe5ker AB");
		p += sprintf(p, "%-80s\n", "29165560160680");
	}
	p += sprintf(p, "15%035d20261203%05d%018lldSEK%08zu \n", 0, 1,
	    (long long)sum, n);
	p += sprintf(p, "70%08zu%08d%08d%08d%46s\n", n, 0, 0, 1, "");
	*len = (size_t)(p - buf);
	return buf;
}

static int
count_write(void *arg, const void *buf, size_t len)
{
	(void)buf;
	*(size_t *)arg += len;
	return 0;
}

static double
sie_run(size_t n, size_t *bytes)
{
	static const struct sie_account	 accounts[] = {
		{ "1510", "Kundfordringar" }, { "1930", "F\xc3\xb6retagskonto" },
		{ "2611", "Utg\xc3\xa5" "ende moms 25 %" },
		{ "3001", "F\xc3\xb6rs\xc3\xa4ljning 25 %" },
	};
	struct sie_header	 h = { .program = "Techtank", .version = "1",
		.generated = "20261203", .company = "Techtank AB",
		.orgno = "556016-0680", .year_start = "20260101",
		.year_end = "20261231", .accounts = accounts, .naccounts = 4 };
	struct sie_writer	*w;
	double			 t0 = cpu_ms();

	*bytes = 0;
	w = sie_writer_create(count_write, bytes);
	if (sie_header(w, &h) == -1)
		fatalx("sie_header: %s", sie_error(w));
	for (size_t i = 1; i <= n; i++) {
		int64_t			net = 100000 + (int64_t)i;
		struct sie_trans	t[3] = { { "1510", net + net / 4, NULL },
			{ "3001", -net, NULL }, { "2611", -(net / 4), NULL } };
		struct sie_ver		v = { .series = "A", .number =
			(int64_t)i, .date = "20261203", .text =
			"Faktura \xc3\x85sa \xc3\x96" "berg, Konferens 2026",
			.trans = t, .ntrans = 3 };

		if (sie_ver(w, &v) == -1)
			fatalx("sie_ver: %s", sie_error(w));
	}
	if (sie_writer_finish(w) == -1)
		fatalx("sie_writer_finish");
	sie_writer_free(w);
	return cpu_ms() - t0;
}

int
main(int argc, char **argv)
{
	size_t			 npay = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
	size_t			 nver = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
	int			 strict = getenv("BENCH_STRICT") != NULL, miss = 0;
	double			 t[RUNS], t0, bg, sie, ocr;
	size_t			 len, bytes = 0;
	char			*file, ref[OCR_MAX + 1];
	struct bgmax_error	 err;
	struct bgmax_file	*f;
	unsigned		 ok = 0;

	if (sodium_init() < 0)
		return 1;
	log_init("billing-bench");
	file = bgmax_file(npay, &len);
	for (int r = 0; r < RUNS; r++) {
		t0 = cpu_ms();
		if ((f = bgmax_parse(file, len, &err)) == NULL)
			fatalx("bgmax: line %zu: %s", err.line, err.code);
		for (size_t i = 0; i < f->npayments; i++)
			ok += ocr_valid(f->payments[i].reference);
		bgmax_free(f);
		t[r] = cpu_ms() - t0;
	}
	bg = median(t, RUNS);
	if (ok != RUNS * npay)
		fatalx("bgmax: %u of %zu references valid", ok, RUNS * npay);
	for (int r = 0; r < RUNS; r++)
		t[r] = sie_run(nver, &bytes);
	sie = median(t, RUNS);
	for (int r = 0; r < RUNS; r++) {
		t0 = cpu_ms();
		for (uint64_t i = 1; i <= 100000; i++) {
			ocr_make_u64(i * 7919, ref);
			ok += ocr_valid(ref);
		}
		t[r] = cpu_ms() - t0;
	}
	ocr = median(t, RUNS);
	printf("billing: BgMax of %zu payments (%zu bytes) read and its "
	    "references checked: %.2f ms CPU (target < 1000, median of %d)\n",
	    npay, len, bg, RUNS);
	printf("billing: SIE 4 of %zu verifications (%zu bytes) written: "
	    "%.2f ms CPU (target < 1000, median of %d)\n", nver, bytes, sie,
	    RUNS);
	printf("billing: 100,000 OCR references made and checked: %.2f ms "
	    "CPU (median of %d)\n", ocr, RUNS);
	if (bg >= 1000 || sie >= 1000)
		miss = 1;
	free(file);
	return strict && miss ? 1 : 0;
}
