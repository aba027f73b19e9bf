/*
 * text.c: text laid out by pango in a box: the largest size that fits on
 * one line, down to a minimum; below that the text wraps, and whatever
 * still does not fit ends in an ellipsis. Sizes are absolute points, so
 * they do not depend on pango's idea of the screen's resolution.
 */
#include <math.h>

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
	PangoRectangle	ink, logical;

	pango_layout_get_extents(layout, &ink, &logical);
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
