/*
 * tags.c: name tags. Each tag has a role band (colour and word), the first
 * name large, the full name, the company, what staff must see (the dinner,
 * study visits), the event's name and the QR code of the pass. Every tag
 * is clipped to its own rectangle: nothing is drawn outside it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"

struct role_style {
	const char	*role;
	const char	*word;
	double		 r, g, b;	/* white text on it stays readable */
};

static const struct role_style roles[] = {
	{ "attendee", "ATTENDEE", 0.10, 0.33, 0.60 },
	{ "speaker", "SPEAKER", 0.72, 0.23, 0.04 },
	{ "staff", "STAFF", 0.07, 0.45, 0.22 },
	{ "organiser", "ORGANISER", 0.66, 0.09, 0.11 },
	{ "exhibitor", "EXHIBITOR", 0.40, 0.15, 0.62 },
};

static const struct role_style *
role_style(const char *role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].role, role) == 0)
			return &roles[i];
	return &roles[0];
}

/* Where things go on a tag of w x h points. */
struct tag_geom {
	double	pad, band_h;
	double	qx, qy, q;		/* the QR code's square */
	double	tx, ty, tw, th;		/* the text column */
};

static void
tag_geometry(double w, double h, struct tag_geom *g)
{
	g->pad = fmin(MM(4), fmin(w, h) * 0.07);
	g->band_h = fmax(MM(7), h * 0.14);
	if (w >= h) {
		/* Landscape: text on the left, the code on the right. */
		g->q = fmin(h - g->band_h - 2 * g->pad, w * 0.36);
		g->qx = w - g->pad - g->q;
		g->qy = h - g->pad - g->q;
		g->tx = g->pad;
		g->ty = g->band_h + g->pad;
		g->tw = g->qx - 2 * g->pad;
		g->th = h - g->ty - g->pad;
	} else {
		/* Portrait: text on top, the code centred below. */
		g->q = fmin(w * 0.5, h * 0.33);
		g->qx = (w - g->q) / 2;
		g->qy = h - g->pad - g->q;
		g->tx = g->pad;
		g->ty = g->band_h + g->pad;
		g->tw = w - 2 * g->pad;
		g->th = g->qy - g->ty - g->pad;
	}
}

/* Shares of the text column's height, top to bottom. */
#define SHARE_FIRST	0.36
#define SHARE_FULL	0.19
#define SHARE_COMPANY	0.17
#define SHARE_MARKS	0.11
#define SHARE_EVENT	0.11

static double
line(cairo_t *cr, const struct tag_geom *g, double y, const char *text,
    int bold, double share, double max_pt, double min_pt, int lines)
{
	PangoLayout	*layout;
	double		 box = g->th * share, lw, lh;

	if (*text == '\0')
		return y + box;
	layout = text_fit(cr, text, bold, fmin(max_pt, box), min_pt, g->tw,
	    box, lines);
	text_extents(layout, &lw, &lh);
	text_draw(cr, layout, g->tx, y, g->tw, 0);
	g_object_unref(layout);
	return y + fmax(lh, box * 0.6);
}

/*
 * Type scales with the stock (54 mm is the short side of the DURABLE
 * insert), and on larger stock the first name's minimum too: a long one
 * on an A6 tag stays large enough to read across a room, and wraps rather
 * than shrinking further. No minimum goes below the one for 54 mm.
 */
static double
tag_scale(double w, double h)
{
	return fmin(w, h) / MM(54);
}

static double
tag_scale_min(double w, double h)
{
	return fmax(1, tag_scale(w, h));
}

#define FIRST_MAX	40.0	/* points on the smallest tag */
#define FIRST_MIN	12.0
#define FIRST_LINES	3	/* at most, where the box is tall enough */

/*
 * Fit a first name in its box on a w x h tag, as badge_tag_draw does,
 * and report the extents and the box, for the tests. Returns the size.
 */
double
badge_name_fit(cairo_t *cr, const char *name, double w, double h,
    double *lw, double *lh, double *box_w, double *box_h)
{
	struct tag_geom	 g;
	PangoLayout	*layout;
	PangoFontDescription const *fd;
	double		 pt, k = tag_scale(w, h), km = tag_scale_min(w, h);

	tag_geometry(w, h, &g);
	*box_w = g.tw;
	*box_h = g.th * SHARE_FIRST;
	layout = text_fit(cr, name, 1, fmin(FIRST_MAX * k, *box_h),
	    FIRST_MIN * km, *box_w, *box_h, FIRST_LINES);
	text_extents(layout, lw, lh);
	fd = pango_layout_get_font_description(layout);
	pt = (double)pango_font_description_get_size(fd) / PANGO_SCALE;
	g_object_unref(layout);
	return pt;
}

static void
role_band(cairo_t *cr, double w, const struct tag_geom *g, const char *role)
{
	const struct role_style	*rs = role_style(role);
	PangoLayout		*layout;
	double			 lw, lh;

	cairo_set_source_rgb(cr, rs->r, rs->g, rs->b);
	cairo_rectangle(cr, 0, 0, w, g->band_h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	layout = text_fit(cr, rs->word, 1, g->band_h * 0.62, 5, w - 2 * g->pad,
	    g->band_h, 1);
	text_extents(layout, &lw, &lh);
	text_draw(cr, layout, g->pad, (g->band_h - lh) / 2, w - 2 * g->pad, 1);
	g_object_unref(layout);
}

void
badge_tag_draw(cairo_t *cr, double w, double h, const struct badge_event *ev,
    const struct badge_person *p)
{
	struct tag_geom	 g;
	char		*full;
	double		 y, k, km;

	tag_geometry(w, h, &g);
	k = tag_scale(w, h);
	km = tag_scale_min(w, h);
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	role_band(cr, w, &g, p->role);

	cairo_set_source_rgb(cr, 0.08, 0.10, 0.13);
	xasprintf(&full, "%s %s", p->first_name, p->last_name);
	y = g.ty;
	y = line(cr, &g, y, p->first_name, 1, SHARE_FIRST, FIRST_MAX * k,
	    FIRST_MIN * km, FIRST_LINES);
	/* The full name and company may go small rather than lose words. */
	y = line(cr, &g, y, full, 0, SHARE_FULL, 12 * k, 6.5, 2);
	y = line(cr, &g, y, p->company, 0, SHARE_COMPANY, 11 * k, 6.5, 2);
	y = line(cr, &g, y, p->marks, 1, SHARE_MARKS, 9 * k, 6 * km, 1);
	cairo_set_source_rgb(cr, 0.35, 0.38, 0.42);
	line(cr, &g, fmax(y, g.ty + g.th * (1 - SHARE_EVENT)), ev->name, 0,
	    SHARE_EVENT, 8 * k, 5, 1);
	free(full);

	qr_draw(cr, p->pass_code, g.qx, g.qy, g.q, NULL);
	cairo_restore(cr);
}

/* One cut mark from (x1, y1) to (x2, y2), in millimetres. */
static void
mark(cairo_t *cr, double x1, double y1, double x2, double y2)
{
	cairo_move_to(cr, MM(x1), MM(y1));
	cairo_line_to(cr, MM(x2), MM(y2));
}

/*
 * Cut marks on plain paper: a short line at both ends of every cut that
 * is not the paper's own edge, starting CUT_EDGE in from it where every
 * office printer prints, and a cross where two cuts meet. They lie in the
 * tags' white borders, never on a design, and move with the offsets.
 */
#define CUT_EDGE	5.0	/* mm */
#define CUT_LEN		7.0

static void
cut_marks(cairo_t *cr, const struct badge_layout *l, double ox, double oy)
{
	double	arm = fmin(4, l->inset - 1);

	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 0.5);
	for (int i = 0; i < 2 * l->cols; i++) {
		double	x = ox + l->left + (i / 2) * (l->tag_w + l->gap_x) +
		    (i % 2) * l->tag_w;

		if (x < 1 || x > l->page_w - 1)
			continue;
		mark(cr, x, CUT_EDGE, x, CUT_EDGE + CUT_LEN);
		mark(cr, x, l->page_h - CUT_EDGE - CUT_LEN, x,
		    l->page_h - CUT_EDGE);
		for (int j = 0; arm > 0 && j < 2 * l->rows; j++) {
			double	y = oy + l->top + (j / 2) * (l->tag_h +
			    l->gap_y) + (j % 2) * l->tag_h;

			if (y >= 1 && y <= l->page_h - 1) {
				mark(cr, x - arm, y, x + arm, y);
				mark(cr, x, y - arm, x, y + arm);
			}
		}
	}
	for (int j = 0; j < 2 * l->rows; j++) {
		double	y = oy + l->top + (j / 2) * (l->tag_h + l->gap_y) +
		    (j % 2) * l->tag_h;

		if (y < 1 || y > l->page_h - 1)
			continue;
		mark(cr, CUT_EDGE, y, CUT_EDGE + CUT_LEN, y);
		mark(cr, l->page_w - CUT_EDGE - CUT_LEN, y,
		    l->page_w - CUT_EDGE, y);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* A sheet of tags as PDF; off_x/off_y (mm) correct a printer's offset. */
int
badge_tags_pdf(const struct badge_layout *l, const struct badge_event *ev,
    const struct badge_people *people, double off_x, double off_y,
    const char *path, char **cause)
{
	cairo_surface_t	*surface;
	cairo_t		*cr;
	double		 w, h;
	int		 per_page = badge_layout_per_page(l), rc = 0;

	badge_layout_content(l, &w, &h);
	surface = cairo_pdf_surface_create(path, MM(l->page_w), MM(l->page_h));
	cr = cairo_create(surface);
	for (size_t i = 0; i < people->n; i++) {
		int	slot = (int)(i % (size_t)per_page);
		int	col = slot % l->cols, row = slot / l->cols;

		if (slot == 0 && i > 0)
			cairo_show_page(cr);
		if (slot == 0 && l->cut_marks)
			cut_marks(cr, l, off_x, off_y);
		cairo_save(cr);
		cairo_translate(cr, MM(off_x + l->left + l->inset +
		    col * (l->tag_w + l->gap_x)), MM(off_y + l->top + l->inset +
		    row * (l->tag_h + l->gap_y)));
		badge_tag_draw(cr, w, h, ev, &people->v[i]);
		cairo_restore(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(surface);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot write %s: %s", path,
		    cairo_status_to_string(cairo_surface_status(surface)));
		rc = -1;
	}
	cairo_surface_destroy(surface);
	return rc;
}
