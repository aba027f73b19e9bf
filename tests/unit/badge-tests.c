/*
 * badge-tests.c: the badge library's geometry: layouts that fit their
 * sheets, long names that stay inside their tags (from pango's measured
 * extents), QR codes small enough, dates as printed.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "badges.h"

static cairo_status_t
discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t	*surface;
static cairo_t		*cr;

static void
setup(void)
{
	surface = cairo_pdf_surface_create_for_stream(discard, NULL, 595, 842);
	cr = cairo_create(surface);
}

static void
teardown(void)
{
	cairo_destroy(cr);
	cairo_surface_destroy(surface);
}

START_TEST(layouts_fit_their_sheets)
{
	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		double	right = l->left + l->cols * l->tag_w +
		    (l->cols - 1) * l->gap_x;
		double	bottom = l->top + l->rows * l->tag_h +
		    (l->rows - 1) * l->gap_y;

		ck_assert_msg(right <= l->page_w + 0.01, "%s too wide", l->name);
		ck_assert_msg(bottom <= l->page_h + 0.01, "%s too tall",
		    l->name);
		ck_assert_ptr_eq(badge_layout_find(l->name), l);
	}
	ck_assert_int_eq(badge_layout_per_page(
	    badge_layout_find("durable-1445-02")), 10);
	ck_assert_ptr_null(badge_layout_find("nope"));
}
END_TEST

/*
 * Plain paper goes through office printers, which leave 4-5 mm at the
 * paper's edge blank: the tags' designs keep clear of it.
 */
START_TEST(plain_paper_tags_keep_clear_of_the_edge)
{
	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		double	left = l->left + l->inset;
		double	top = l->top + l->inset;
		double	right = l->left + l->cols * l->tag_w +
		    (l->cols - 1) * l->gap_x - l->inset;
		double	bottom = l->top + l->rows * l->tag_h +
		    (l->rows - 1) * l->gap_y - l->inset;

		if (!l->cut_marks)
			continue;
		ck_assert_msg(left >= 5 && top >= 5 && right <= l->page_w - 5 &&
		    bottom <= l->page_h - 5, "%s prints at the edge", l->name);
	}
}
END_TEST

/* Sixty characters, wide ones: they shrink, wrap, and stay in the box. */
START_TEST(long_names_stay_inside_every_tag)
{
	const char	*names[] = {
	    "Wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww",
	    "Maximiliane-Åsa Lindström-Öberg von Håkansdotter-Łukasiewicz",
	    "李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍李小龍",
	};

	ck_assert_uint_eq(utf8_count(names[0]), 60);
	ck_assert_uint_eq(utf8_count(names[1]), 60);
	ck_assert_uint_eq(utf8_count(names[2]), 60);
	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			double	w, h, bw, bh, pt;

			double	tw, th;

			badge_layout_content(l, &tw, &th);
			pt = badge_name_fit(cr, names[i], tw, th, &w, &h, &bw,
			    &bh);
			ck_assert_msg(w <= bw + 0.01 && h <= bh + 0.01,
			    "%s: name %zu is %.1f x %.1f in a %.1f x %.1f box",
			    l->name, i, w, h, bw, bh);
			ck_assert_msg(bw < tw && bh < th,
			    "%s: the box is larger than the tag", l->name);
			ck_assert_msg(pt >= 12 - 0.01, "%s: %.1f pt is below "
			    "the minimum", l->name, pt);
		}
	}
}
END_TEST

START_TEST(short_names_are_large)
{
	double	w, h, bw, bh;
	double	pt = badge_name_fit(cr, "Åsa", MM(90), MM(54), &w, &h, &bw,
	    &bh);

	ck_assert_msg(pt >= 24, "a short first name at %.1f pt", pt);
}
END_TEST

START_TEST(pass_codes_fit_small_qr_codes)
{
	for (int64_t id = 1; id < 1000000000; id *= 7) {
		char	*code = token_pass_code("TT", id);
		int	 v = qr_version(code);

		ck_assert_msg(v >= 1 && v <= 4, "%s needs version %d", code, v);
		free(code);
	}
}
END_TEST

START_TEST(event_dates_as_printed)
{
	struct badge_event	ev = { .timezone = "Europe/Stockholm" };
	char			buf[96];

	ev.starts_at = 1827559800;	/* 2027-11-30 08:30 +01:00 */
	ev.ends_at = 1827659400;	/* 2027-12-01 12:10 +01:00 */
	badge_event_dates(&ev, buf, sizeof buf);
	ck_assert_str_eq(buf, "30 November – 1 December 2027");
	ev.ends_at = ev.starts_at + 3600;
	badge_event_dates(&ev, buf, sizeof buf);
	ck_assert_str_eq(buf, "30 November 2027");
	badge_day_title("2027-12-01", buf, sizeof buf);
	ck_assert_str_eq(buf, "Wednesday 1 December 2027");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("badges");
	TCase	*tc = tcase_create("geometry");
	SRunner	*sr;
	int	 failed;

	if (sodium_init() < 0)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, layouts_fit_their_sheets);
	tcase_add_test(tc, plain_paper_tags_keep_clear_of_the_edge);
	tcase_add_test(tc, long_names_stay_inside_every_tag);
	tcase_add_test(tc, short_names_are_large);
	tcase_add_test(tc, pass_codes_fit_small_qr_codes);
	tcase_add_test(tc, event_dates_as_printed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
