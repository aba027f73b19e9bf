/*
 * badge-tests.c: the badge library's geometry: layouts that fit their
 * sheets, long names that stay inside their tags, whole and at 8 pt or
 * more where they fit (from the tag's plan, pango's measured extents),
 * right-to-left names aligned right, QR codes small enough, dates as
 * printed; invoices refused whole when their document is bad, flowing
 * onto more pages, their text inside its boxes.
 */
#include <math.h>
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

static const struct badge_event	event = { .name = "Techtank Conference 2027" };

/* The plan of one tag on a layout. */
static void
plan(const struct badge_layout *l, const char *first, const char *last,
    const char *company, struct tag_plan *tp)
{
	struct badge_person	p = { .first_name = (char *)first,
	    .last_name = (char *)last, .company = (char *)company,
	    .marks = "DINNER · VISIT", .role = "attendee" };
	double			w, h;

	badge_layout_content(l, &w, &h);
	badge_tag_plan(cr, w, h, &event, &p, tp);
}

/* Every part inside the column, none wider, none below 8 pt. */
static void
assert_inside(const struct badge_layout *l, const struct tag_plan *tp,
    const char *who)
{
	for (int i = 0; i < TAG_PARTS; i++) {
		double	lw, lh;

		if (tp->layout[i] == NULL)
			continue;
		text_extents(tp->layout[i], &lw, &lh);
		ck_assert_msg(tp->y[i] >= tp->top - 0.01 &&
		    tp->y[i] + lh <= tp->bottom + 0.01, "%s, %s: part %d "
		    "from %.1f to %.1f outside %.1f-%.1f", l->name, who, i,
		    tp->y[i], tp->y[i] + lh, tp->top, tp->bottom);
		ck_assert_msg(lw <= tp->w + 0.01, "%s, %s: part %d is %.1f "
		    "wide in %.1f", l->name, who, i, lw, tp->w);
		ck_assert_msg(tp->pt[i] >= 8 - 0.01, "%s, %s: part %d at "
		    "%.1f pt", l->name, who, i, tp->pt[i]);
		if (i > 0 && tp->layout[i - 1] != NULL) {
			double	pw, ph;

			text_extents(tp->layout[i - 1], &pw, &ph);
			ck_assert_msg(i == TAG_EVENT ||
			    tp->y[i] >= tp->y[i - 1] + ph - 0.01,
			    "%s, %s: part %d overlaps the one above", l->name,
			    who, i);
		}
	}
	ck_assert_msg(tp->pt[TAG_FIRST] >= 12 - 0.01, "%s, %s: first name "
	    "at %.1f pt", l->name, who, tp->pt[TAG_FIRST]);
}

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
			struct tag_plan	tp;

			plan(l, names[i], names[i], names[i], &tp);
			assert_inside(l, &tp, names[i]);
			badge_tag_plan_free(&tp);
		}
	}
}
END_TEST

/*
 * Long family names, companies and compound words that fit when wrapped
 * at spaces and hyphens are printed whole on every stock, at 8 pt or more.
 */
START_TEST(long_names_are_whole_where_they_fit)
{
	const char	*people[][3] = {
	    { "Åsa", "Wolfeschlegelsteinhausen-Bergdorff", "Pressverk AB" },
	    { "Maximiliane-Charlotte", "Lindström-Öberg Andersson",
	      "Stiftelsen för strategisk forskning och innovation i "
	      "Norrbotten AB" },
	    { "Björn", "Ek", "Sjukvårdsinformationssystemutvecklare" },
	    { "محمد", "عبد الرحمن الأحمد", "شركة الخليج للصناعات المعدنية" },
	    { "李", "小龍", "上海冲压有限公司" },
	};

	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
			struct tag_plan	tp;

			plan(l, people[i][0], people[i][1], people[i][2], &tp);
			assert_inside(l, &tp, people[i][1]);
			for (int j = 0; j < TAG_PARTS; j++)
				ck_assert_msg(!tp.cut[j], "%s: %s: part %d "
				    "is cut", l->name, people[i][1], j);
			badge_tag_plan_free(&tp);
		}
	}
}
END_TEST

/* A short first name uses the room: large on every stock. */
START_TEST(short_names_are_large)
{
	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		struct tag_plan	tp;
		double		w, h;

		badge_layout_content(l, &w, &h);
		plan(l, "Åsa", "Lindström-Öberg", "Pressverk AB", &tp);
		ck_assert_msg(tp.pt[TAG_FIRST] >= 24 * fmin(w, h) / MM(54) -
		    0.01, "%s: a short first name at %.1f pt", l->name,
		    tp.pt[TAG_FIRST]);
		ck_assert_msg(tp.pt[TAG_FULL] >= 10 * fmin(w, h) / MM(54),
		    "%s: the full name at "
		    "%.1f pt", l->name, tp.pt[TAG_FULL]);
		badge_tag_plan_free(&tp);
	}
}
END_TEST

/* Arabic and Hebrew start at the right edge of the column. */
START_TEST(right_to_left_names_are_right_aligned)
{
	const char	*names[] = { "محمد", "יוסף" };

	for (const struct badge_layout *l = badge_layouts; l->name; l++) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			struct tag_plan	tp;
			PangoRectangle	ink, logical;
			double		right;

			plan(l, names[i], names[i], names[i], &tp);
			pango_layout_get_extents(tp.layout[TAG_FIRST], &ink,
			    &logical);
			right = (double)(logical.x + logical.width) /
			    PANGO_SCALE;
			ck_assert_int_eq(pango_layout_get_direction(
			    tp.layout[TAG_FIRST], 0), PANGO_DIRECTION_RTL);
			ck_assert_msg(right >= tp.w - 1 && logical.x > 0,
			    "%s: %s ends at %.1f of %.1f", l->name, names[i],
			    right, tp.w);
			badge_tag_plan_free(&tp);
		}
	}
}
END_TEST

/* The text without its soft hyphens, and how many there were. */
static char *
unsoft(const char *s, int *n)
{
	char	*out = xstrdup(s), *o = out;

	*n = 0;
	for (; *s != '\0'; s++) {
		if (strncmp(s, "\xc2\xad", 2) == 0) {
			(*n)++;
			s++;
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/*
 * Breaks between syllables come from the Swedish patterns, only in words
 * of Latin letters long enough, and change nothing else.
 */
START_TEST(soft_hyphens_between_syllables_only)
{
	const char	*kept[] = { "", "Ek", "Åsa", "Γιώργος Παπαδόπουλος",
	    "李小龍", "محمد", "12345678 -- ,,;;", "Łukasiewiczowa" };
	char		 huge[600], *soft, *plain;
	int		 n;

	soft = hyphen_soft("Sjukvårdsinformationssystemutvecklare AB");
	plain = unsoft(soft, &n);
	ck_assert_str_eq(plain, "Sjukvårdsinformationssystemutvecklare AB");
	ck_assert_msg(n >= 5, "%d breaks in %s", n, soft);
	ck_assert_msg(strstr(soft, "tions\xc2\xadsys") != NULL,
	    "no break between the parts: %s", soft);
	ck_assert_msg(strncmp(soft, "Sju", 3) == 0 && soft[3] != '\xc2',
	    "a break after fewer than three letters: %s", soft);
	free(plain);
	free(soft);
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
		soft = hyphen_soft(kept[i]);
		ck_assert_str_eq(soft, kept[i]);
		free(soft);
	}
	/* A word too long to look at, and a hostile mix, come out whole. */
	memset(huge, 'a', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	soft = hyphen_soft(huge);
	ck_assert_str_eq(soft, huge);
	free(soft);
	soft = hyphen_soft("Lindström-Öberg\xc2\xad<b>&amp;</b>\t"
	    "Konferensanläggningen");
	plain = unsoft(soft, &n);
	ck_assert_str_eq(plain, "Lindström-Öberg<b>&amp;</b>\t"
	    "Konferensanläggningen");
	ck_assert_int_gt(n, 2);
	free(plain);
	free(soft);
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


START_TEST(date_ranges_as_printed)
{
	char	buf[96];

	badge_date_range_in("2027-11-30", "2027-12-01", "sv", buf, sizeof buf);
	ck_assert_str_eq(buf, "30 november – 1 december 2027");
	badge_date_range_in("2027-11-30", "2027-11-30", "en", buf, sizeof buf);
	ck_assert_str_eq(buf, "30 November 2027");
	badge_date_range_in("2027-12-30", "2028-01-02", "en", buf, sizeof buf);
	ck_assert_str_eq(buf, "30 December 2027 – 2 January 2028");
}
END_TEST

/* A three-line invoice as the store issues it; OCR 100164 for 1001. */
static const char invoice_doc[] =
    "{\"kind\": \"invoice\", \"number\": 1001, \"credits\": null,"
    " \"issued\": \"2027-10-01\", \"due\": \"2027-10-31\","
    " \"currency\": \"SEK\","
    " \"event\": {\"name\": \"Techtank-konferensen 2027\","
    "  \"name_en\": \"Techtank Conference 2027\", \"starts\": \"2027-11-30\","
    "  \"ends\": \"2027-12-01\", \"venue\": \"Ronneby Brunn, Ronneby\"},"
    " \"seller\": {\"name\": \"Techtank Ekonomisk Förening\","
    "  \"org_number\": \"556677-8899\", \"vat_number\": \"SE556677889901\","
    "  \"address\": \"Box 123\\n372 25 Ronneby\", \"bankgiro\": \"5050-1055\","
    "  \"email\": \"faktura@techtank.se\", \"payment_terms_days\": 30},"
    " \"buyer\": {\"name\": \"Pressverk AB\", \"org_number\": \"556016-0680\","
    "  \"vat_number\": \"\", \"address\": \"Industrigatan 4\\n371 34 Karlskrona\","
    "  \"email\": \"ekonomi@pressverk.se\", \"reference\": \"PO-4711\"},"
    " \"reverse_charge\": false,"
    " \"lines\": ["
    "  {\"description\": \"Konferensbiljett\", \"description_en\": \"Ticket\","
    "   \"quantity\": 2, \"unit_ore\": 450000, \"vat_rate\": 25,"
    "   \"net_ore\": 900000, \"vat_ore\": 225000},"
    "  {\"description\": \"Middag\", \"quantity\": 2, \"unit_ore\": 50000,"
    "   \"vat_rate\": 25, \"net_ore\": 100000, \"vat_ore\": 25000},"
    "  {\"description\": \"Studiebesök\", \"quantity\": 1, \"unit_ore\": 0,"
    "   \"vat_rate\": 25, \"net_ore\": 0, \"vat_ore\": 0}],"
    " \"vat\": [{\"rate\": 25, \"net_ore\": 1000000, \"vat_ore\": 250000}],"
    " \"net_ore\": 1000000, \"vat_ore\": 250000, \"total_ore\": 1250000,"
    " \"ocr\": \"100164\"}";

static json_t *
invoice_load(void)
{
	json_error_t	 err;
	json_t		*doc = json_loads(invoice_doc, 0, &err);

	ck_assert_msg(doc != NULL, "%s", err.text);
	return doc;
}

/* The invoice refused, with a cause that names what. */
static void
assert_refused(json_t *doc, const char *names)
{
	struct invoice_measure	 m;
	char			*cause = NULL;

	ck_assert_int_eq(badge_invoice_stream(doc, "sv", discard, NULL,
	    &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, names) != NULL, "\"%s\" does not say %s",
	    cause, names);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(badge_invoice_measure(doc, "en", &m, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	json_decref(doc);
}

START_TEST(bad_invoices_are_refused_with_a_cause)
{
	json_t	*doc;
	char	*cause = NULL;

	doc = invoice_load();
	ck_assert_int_eq(badge_invoice_stream(doc, "sv", discard, NULL,
	    &cause), 0);
	ck_assert_ptr_null(cause);
	json_decref(doc);

	assert_refused(json_string("an invoice"), "not an object");
	doc = invoice_load();
	json_object_del(doc, "number");
	assert_refused(doc, "number is missing");
	doc = invoice_load();
	json_object_set_new(doc, "number", json_string("1001"));
	assert_refused(doc, "number has the wrong type");
	doc = invoice_load();
	json_object_set_new(json_object_get(doc, "buyer"), "name",
	    json_integer(7));
	assert_refused(doc, "buyer.name");
	doc = invoice_load();
	json_object_set_new(json_object_get(doc, "buyer"), "name",
	    json_string("Pressverk \u202e" "BA"));
	assert_refused(doc, "buyer.name must not contain text direction");
	doc = invoice_load();
	json_object_del(json_object_get(doc, "seller"), "vat_number");
	assert_refused(doc, "seller.vat_number");
	doc = invoice_load();
	json_object_set_new(json_array_get(json_object_get(doc, "lines"), 1),
	    "quantity", json_real(1.5));
	assert_refused(doc, "lines[1].quantity");
	doc = invoice_load();
	json_object_set_new(doc, "lines", json_array());
	assert_refused(doc, "lines");
	doc = invoice_load();
	json_object_set_new(doc, "issued", json_string("1 October 2027"));
	assert_refused(doc, "issued");
	doc = invoice_load();
	json_object_set_new(doc, "kind", json_string("receipt"));
	assert_refused(doc, "kind");
	doc = invoice_load();
	json_object_set_new(doc, "total_ore", json_integer(1250001));
	assert_refused(doc, "total_ore");
	doc = invoice_load();
	json_object_set_new(doc, "ocr", json_string("100163"));
	assert_refused(doc, "ocr");
	doc = invoice_load();
	json_object_set_new(doc, "due", json_null());
	assert_refused(doc, "due date");
	doc = invoice_load();
	json_object_set_new(doc, "kind", json_string("credit"));
	assert_refused(doc, "credits");
	/* Reverse charge: no VAT, and the buyer's VAT number printed. */
	doc = invoice_load();
	json_object_set_new(doc, "reverse_charge", json_true());
	json_object_set_new(json_object_get(doc, "buyer"), "vat_number",
	    json_string("DE123456789"));
	assert_refused(doc, "reverse charge");
	doc = invoice_load();
	json_object_set_new(json_array_get(json_object_get(doc, "lines"), 0),
	    "net_ore", json_integer(INT64_MAX));
	assert_refused(doc, "too large");
}
END_TEST

START_TEST(many_lines_flow_onto_more_pages)
{
	json_t			*doc = invoice_load(), *lines, *line;
	struct invoice_measure	 m;
	char			*cause = NULL;
	int			 last = 0;

	ck_assert_int_eq(badge_invoice_measure(doc, "sv", &m, &cause), 0);
	ck_assert_int_eq(m.pages, 1);
	lines = json_object_get(doc, "lines");
	line = json_deep_copy(json_array_get(lines, 2));
	/* Free lines keep the sums; every 20 more need more pages. */
	for (int n = 0; n < 120; n++) {
		json_array_append(lines, line);
		if (n % 20 != 19)
			continue;
		ck_assert_int_eq(badge_invoice_measure(doc, "en", &m, &cause),
		    0);
		ck_assert_int_gt(m.pages, 1);
		ck_assert_int_ge(m.pages, last);
		ck_assert_double_le(m.body_overflow, 0);
		ck_assert_double_le(m.text_overflow, 0.01);
		last = m.pages;
	}
	ck_assert_int_ge(last, 3);
	json_decref(line);
	json_decref(doc);
}
END_TEST

START_TEST(long_buyer_names_wrap_inside_their_box)
{
	static const char *const names[] = {
		"Aktiebolaget Sydsvenska Presshärdnings- och "
		    "Lättviktskonstruktioner i Blekinge med Filialer",
		"Sjukvårdsinformationssystemutvecklingsaktiebolaget"
		    "Sjukvårdsinformationssystemutveckling",
		"شركة الضغط الساخن للصناعات المتقدمة والمواد الخفيفة "
		    "في جنوب السويد المحدودة",
		"<b>Zoë</b> & \"Ødegård-Łukasiewicz\" von Håkansdotter "
		    "Pressteknik Konsult Aktiebolag i likvidation",
	};
	json_t			*doc = invoice_load();
	struct invoice_measure	 m;
	char			*cause = NULL, *huge;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_object_set_new(json_object_get(doc, "buyer"), "name",
		    json_string(names[i]));
		ck_assert_int_eq(badge_invoice_measure(doc, "sv", &m, &cause),
		    0);
		ck_assert_msg(m.buyer_name_lines > 1, "%s on one line",
		    names[i]);
		ck_assert_int_le(m.buyer_name_lines, 3);
		ck_assert_double_le(m.text_overflow, 0.01);
		ck_assert_double_le(m.body_overflow, 0);
		ck_assert_int_eq(m.pages, 1);
	}
	/* Far too long for any box: cut, still inside. */
	huge = xmalloc(100001);
	memset(huge, 'W', 100000);
	huge[100000] = '\0';
	json_object_set_new(json_object_get(doc, "buyer"), "name",
	    json_string(huge));
	json_object_set_new(json_object_get(doc, "buyer"), "address",
	    json_string(huge));
	json_object_set_new(json_array_get(json_object_get(doc, "lines"), 0),
	    "description", json_string(huge));
	ck_assert_int_eq(badge_invoice_measure(doc, "en", &m, &cause), 0);
	ck_assert_int_le(m.buyer_name_lines, 3);
	ck_assert_double_le(m.text_overflow, 0.01);
	ck_assert_double_le(m.body_overflow, 0);
	free(huge);
	json_decref(doc);
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
	tcase_add_test(tc, long_names_are_whole_where_they_fit);
	tcase_add_test(tc, short_names_are_large);
	tcase_add_test(tc, right_to_left_names_are_right_aligned);
	tcase_add_test(tc, soft_hyphens_between_syllables_only);
	tcase_add_test(tc, pass_codes_fit_small_qr_codes);
	tcase_add_test(tc, event_dates_as_printed);
	tcase_add_test(tc, date_ranges_as_printed);
	tcase_add_test(tc, bad_invoices_are_refused_with_a_cause);
	tcase_add_test(tc, many_lines_flow_onto_more_pages);
	tcase_add_test(tc, long_buyer_names_wrap_inside_their_box);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
