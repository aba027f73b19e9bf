/*
 * text.c: text laid out by pango in a box: the largest size that fits on
 * one line, down to a minimum; below that the text wraps, and whatever
 * still does not fit ends in an ellipsis. Blocks (text_block_fit) wrap at
 * spaces and hyphens first, between syllables (hyphen.c) or anywhere in a
 * word only when asked, with their lines balanced, and start at the side
 * their script reads from: the base direction comes from the text, so
 * Arabic and Hebrew are aligned right. Sizes are absolute points, so they do not depend on pango's idea
 * of the screen's resolution.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"

#define FIT_STEP 0.5	/* points */

static void
layout_font(PangoLayout *layout, int bold, double pt)
{
	PangoFontDescription	*fd = pango_font_description_from_string(
	    BADGE_FONTS);

	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
}

/* Logical width and height in points. */
void
text_extents(PangoLayout *layout, double *w, double *h)
{
	PangoRectangle	logical;

	/* Without the ink rectangle: it costs every glyph's outline. */
	pango_layout_get_extents(layout, NULL, &logical);
	*w = (double)logical.width / PANGO_SCALE;
	*h = (double)logical.height / PANGO_SCALE;
}

PangoLayout *
text_fit(cairo_t *cr, const char *text, int bold, double max_pt,
    double min_pt, double w, double h, int max_lines)
{
	PangoLayout	*layout = pango_cairo_create_layout(cr);
	double		 lw, lh;

	pango_layout_set_text(layout, text, -1);
	for (double pt = max_pt; pt >= min_pt; pt -= FIT_STEP) {
		double	guess;

		layout_font(layout, bold, pt);
		text_extents(layout, &lw, &lh);
		if (lw <= w && lh <= h)
			return layout;
		/* Text scales with its size: jump close to the answer. */
		guess = floor(pt * fmin(w / lw, h / lh) / FIT_STEP) * FIT_STEP;
		if (guess < pt - FIT_STEP)
			pt = fmax(guess, min_pt - FIT_STEP) + FIT_STEP;
	}
	layout_font(layout, bold, min_pt);
	pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	for (int lines = max_lines; lines >= 1; lines--) {
		pango_layout_set_height(layout, -lines);
		text_extents(layout, &lw, &lh);
		if (lh <= h)
			break;
	}
	return layout;
}

/* Draw with its top-left corner at (x, y), or centred in a width w. */
void
text_draw(cairo_t *cr, PangoLayout *layout, double x, double y, double w,
    int centre)
{
	double	lw, lh;

	text_extents(layout, &lw, &lh);
	if (centre && pango_layout_get_width(layout) == -1)
		x += (w - lw) / 2;
	else if (centre)
		pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
}

/* The size a layout's font was set to, in points. */
double
text_size(PangoLayout *layout)
{
	const PangoFontDescription	*fd =
	    pango_layout_get_font_description(layout);

	return (double)pango_font_description_get_size(fd) / PANGO_SCALE;
}

/* The widest line, in points: a word longer than the width sticks out. */
static double
widest_line(PangoLayout *layout)
{
	PangoRectangle	logical;
	double		widest = 0;
	int		n = pango_layout_get_line_count(layout);

	for (int i = 0; i < n; i++) {
		pango_layout_line_get_extents(pango_layout_get_line_readonly(
		    layout, i), NULL, &logical);
		widest = fmax(widest, (double)logical.width / PANGO_SCALE);
	}
	return widest;
}

static void
block_set(PangoLayout *layout, int bold, double pt, double w,
    enum text_wrap wrap)
{
	layout_font(layout, bold, pt);
	pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(layout, wrap == TEXT_CHARS ?
	    PANGO_WRAP_WORD_CHAR : PANGO_WRAP_WORD);
	/* Left for left-to-right text, right for right-to-left. */
	pango_layout_set_auto_dir(layout, TRUE);
	pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
}

/*
 * Whether a line starts inside a word: pango breaks a word too long for
 * the width even when told to wrap at words only.
 */
static int
breaks_words(PangoLayout *layout)
{
	const char		*text = pango_layout_get_text(layout);
	const PangoLogAttr	*attrs;
	int			 nattrs, n;

	n = pango_layout_get_line_count(layout);
	attrs = pango_layout_get_log_attrs_readonly(layout, &nattrs);
	for (int i = 1; i < n; i++) {
		PangoLayoutLine	*line = pango_layout_get_line_readonly(layout,
		    i);
		long		 at = g_utf8_pointer_to_offset(text,
		    text + line->start_index);

		if (at < nattrs && !attrs[at].is_line_break)
			return 1;
	}
	return 0;
}

static int
block_fits(PangoLayout *layout, double w, double h, int max_lines,
    enum text_wrap wrap)
{
	double	lw, lh;

	text_extents(layout, &lw, &lh);
	return pango_layout_get_line_count(layout) <= max_lines &&
	    lh <= h + 0.01 && widest_line(layout) <= w + 0.01 &&
	    (wrap == TEXT_CHARS || !breaks_words(layout));
}

/*
 * Text broken inside a word takes the narrowest width that needs no more
 * lines, so that the pieces are about even ("Sjukvårdsinformations-" and
 * "systemutvecklare", not a last line of one letter).
 */
static void
block_balance(PangoLayout *layout, double w)
{
	int	n = pango_layout_get_line_count(layout);
	double	lo = w / n, hi = w;

	if (n < 2)
		return;
	for (int i = 0; i < 8; i++) {
		double	mid = (lo + hi) / 2;

		pango_layout_set_width(layout, (int)(mid * PANGO_SCALE));
		if (pango_layout_get_line_count(layout) > n)
			lo = mid;
		else
			hi = mid;
	}
	pango_layout_set_width(layout, (int)(hi * PANGO_SCALE));
}

/*
 * Whether the text fits at pt, measured at ref_pt: without hinting, as in
 * PDF, text at pt in a width w breaks as it does at ref_pt in a width
 * w * ref_pt / pt. One size a search keeps pango's fonts and shapes cached.
 */
static int
block_fits_at(PangoLayout *layout, int bold, double ref_pt, double pt,
    double w, double h, int max_lines, enum text_wrap wrap)
{
	double	k = ref_pt / pt;

	block_set(layout, bold, ref_pt, w * k, wrap);
	return block_fits(layout, w * k, h * k, max_lines, wrap);
}

/*
 * The text at the largest size from max_pt down to min_pt (in steps of
 * FIT_STEP) that fits in w x h in at most max_lines lines, wrapped as
 * wrap says; NULL when it does not fit even at min_pt.
 */
PangoLayout *
text_block_fit(cairo_t *cr, const char *text, int bold, double max_pt,
    double min_pt, double w, double h, int max_lines, enum text_wrap wrap)
{
	PangoLayout	*layout;
	char		*soft = NULL;
	int		 lo = 1, hi, last;

	if (wrap == TEXT_SYLLABLES) {
		/* No break between syllables: nothing words did not try. */
		soft = hyphen_soft(text);
		if (strcmp(soft, text) == 0) {
			free(soft);
			return NULL;
		}
		text = soft;
	}
	layout = pango_cairo_create_layout(cr);
	if (max_pt < min_pt)
		max_pt = min_pt;
	hi = last = (int)floor((max_pt - min_pt) / FIT_STEP);
	pango_layout_set_text(layout, text, -1);
	free(soft);
	/* Steps down from max_pt; the last one is min_pt itself. */
#define STEP_PT(i) ((i) == last ? min_pt : max_pt - (i) * FIT_STEP)
	/* Most text fits at its largest size: one try. */
	block_set(layout, bold, max_pt, w, wrap);
	if (block_fits(layout, w, h, max_lines, wrap))
		goto done;
	if (last == 0 || !block_fits_at(layout, bold, max_pt, min_pt, w, h,
	    max_lines, wrap)) {
		g_object_unref(layout);
		return NULL;
	}
	while (lo < hi) {
		int	mid = (lo + hi) / 2;

		if (block_fits_at(layout, bold, max_pt, STEP_PT(mid), w, h,
		    max_lines, wrap))
			hi = mid;
		else
			lo = mid + 1;
	}
	/* At its own size the text may round the other way: a step less. */
	for (;; lo++) {
		block_set(layout, bold, STEP_PT(lo), w, wrap);
		if (lo == last || block_fits(layout, w, h, max_lines, wrap))
			break;
	}
#undef STEP_PT
done:
	if (wrap != TEXT_WORDS)
		block_balance(layout, w);
	return layout;
}

/*
 * The last resort, at pt: broken anywhere, as many lines as fit in h (at
 * least one, at most max_lines), the rest ended in an ellipsis.
 */
PangoLayout *
text_block_cut(cairo_t *cr, const char *text, int bold, double pt, double w,
    double h, int max_lines)
{
	PangoLayout	*layout = pango_cairo_create_layout(cr);
	double		 lw, lh;

	pango_layout_set_text(layout, text, -1);
	block_set(layout, bold, pt, w, TEXT_CHARS);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	for (int lines = max_lines; lines >= 1; lines--) {
		pango_layout_set_height(layout, -lines);
		text_extents(layout, &lw, &lh);
		if (lh <= h)
			break;
	}
	return layout;
}

/*
 * A block that always comes back: the largest size that fits wrapped as
 * from says, then between syllables, then anywhere in a word, and at last
 * cut at min_pt (text_block_cut).
 */
PangoLayout *
text_block_any(cairo_t *cr, const char *text, int bold, double max_pt,
    double min_pt, double w, double h, int max_lines, enum text_wrap from)
{
	PangoLayout	*l = NULL;

	for (int wrap = from; l == NULL && wrap <= TEXT_CHARS; wrap++)
		l = text_block_fit(cr, text, bold, max_pt, min_pt, w, h,
		    max_lines, wrap);
	if (l == NULL)
		l = text_block_cut(cr, text, bold, min_pt, w, h, max_lines);
	return l;
}

/*
 * Draw a block at (x, y) in a column w wide. A balanced block is narrower
 * than the column: right-to-left text still ends at the column's right.
 */
void
text_draw_block(cairo_t *cr, PangoLayout *layout, double x, double y,
    double w)
{
	double	lw = (double)pango_layout_get_width(layout) / PANGO_SCALE;

	if (pango_layout_get_direction(layout, 0) == PANGO_DIRECTION_RTL &&
	    lw > 0 && lw < w)
		x += w - lw;
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
}
