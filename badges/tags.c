/*
 * tags.c: name tags. Each tag has a role band (colour and word), the first
 * name large, the full name, the company, what staff must see (the dinner,
 * study visits), the event's name and the QR code of the pass (none for a
 * walk-in, who has no pass). Every tag is clipped to its own rectangle:
 * nothing is drawn outside it. A sheet is drawn a tag at a time, so that
 * the daemon can draw a long one in turns and tell how far it is.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
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

/* The roles a tag knows, in order; NULL past the last. */
const char *
badge_role(size_t i)
{
	return i < sizeof roles / sizeof roles[0] ? roles[i].role : NULL;
}

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

/*
 * Type scales with the stock (54 mm is the short side of the DURABLE
 * insert), and on larger stock the first name's minimum too: a long one
 * on an A6 tag stays large enough to read across a room, and wraps rather
 * than shrinking further. No minimum goes below the one for 54 mm, and no
 * text below TEXT_MIN.
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

#define TEXT_MIN	8.0	/* points: the least anything is printed at */
#define FIRST_MAX	40.0	/* points on the smallest tag */
#define FIRST_MIN	12.0
#define FIRST_LINES	3
#define GAP		0.25	/* space above a part, of its size */

/* What each part of the text column may be: sizes on a 54 mm tag. */
static const struct tag_part_style {
	int	bold;
	double	max_pt;
	int	lines;
} part_styles[TAG_PARTS] = {
	[TAG_FIRST] = { 1, FIRST_MAX, FIRST_LINES },
	[TAG_FULL] = { 0, 12, 3 },
	[TAG_COMPANY] = { 0, 11, 3 },
	[TAG_MARKS] = { 1, 9, 1 },
	[TAG_EVENT] = { 0, 8, 1 },
};

/*
 * The full name, company and marks at their size for a scale (1: as large
 * as they go, 0: TEXT_MIN), never above cap: the largest size at which
 * they fit wrapped at spaces and hyphens, or on one line when that costs
 * little; between syllables, inside words and cut only when even TEXT_MIN
 * does not fit.
 */
#define ONE_LINE	0.85	/* of the wrapped size, for a single line */

static PangoLayout *
part_fit(cairo_t *cr, const char *text, int part, double k, double scale,
    double cap, double w, double max_h)
{
	const struct tag_part_style	*ps = &part_styles[part];
	double				 max_pt = fmax(TEXT_MIN,
	    fmin(cap, ps->max_pt * k * scale));
	PangoLayout			*l, *one;

	l = text_block_fit(cr, text, ps->bold, max_pt, TEXT_MIN, w, max_h,
	    ps->lines, TEXT_WORDS);
	if (l != NULL && pango_layout_get_line_count(l) > 1 &&
	    (one = text_block_fit(cr, text, ps->bold, text_size(l),
	    fmax(TEXT_MIN, text_size(l) * ONE_LINE), w, max_h, 1,
	    TEXT_WORDS)) != NULL) {
		g_object_unref(l);
		l = one;
	}
	if (l == NULL)
		l = text_block_any(cr, text, ps->bold, max_pt, TEXT_MIN, w,
		    max_h, ps->lines, TEXT_SYLLABLES);
	return l;
}

static double
part_height(PangoLayout *l, int first)
{
	double	lw, lh;

	if (l == NULL)
		return 0;
	text_extents(l, &lw, &lh);
	return lh + (first ? 0 : GAP * text_size(l));
}

static void
plan_clear(struct tag_plan *tp, int from, int to)
{
	for (int i = from; i < to; i++) {
		if (tp->layout[i] != NULL)
			g_object_unref(tp->layout[i]);
		tp->layout[i] = NULL;
	}
}

/* The full name, company and marks at a scale; their height. */
static double
plan_middle(cairo_t *cr, struct tag_plan *tp, const char *const *text,
    double k, double scale, double max_h)
{
	double	used = 0, cap = HUGE_VAL;

	plan_clear(tp, TAG_FULL, TAG_EVENT);
	for (int i = TAG_FULL; i < TAG_EVENT; i++) {
		if (*text[i] == '\0')
			continue;
		tp->layout[i] = part_fit(cr, text[i], i, k, scale, cap, tp->w,
		    max_h);
		used += part_height(tp->layout[i], 0);
		/* The company is never larger than the name above it. */
		if (i == TAG_FULL)
			cap = text_size(tp->layout[i]);
	}
	return used;
}

/*
 * The first name stays clearly the largest: before it shrinks to the
 * full name's size, the full name shrinks.
 */
#define FIRST_OVER_FULL	1.3

static double
first_floor(const struct tag_plan *tp, double first_min)
{
	if (tp->layout[TAG_FULL] == NULL)
		return first_min;
	return fmax(first_min, FIRST_OVER_FULL *
	    text_size(tp->layout[TAG_FULL]));
}

/*
 * Lay out a tag's text column: the event's name at its foot, the full
 * name, company and marks under the first name, which takes all the rest
 * of the height. Where it does not fit, the first name shrinks first (to
 * its minimum), then the others (to TEXT_MIN); then the first name breaks
 * between syllables, then anywhere in a word; only then is anything cut.
 */
void
badge_tag_plan(cairo_t *cr, double w, double h, const struct badge_event *ev,
    const struct badge_person *p, struct tag_plan *tp)
{
	static const double	 scales[] = { 1, 0.9, 0.8, 0.7, 0.6, 0.5, 0 };
	const size_t		 nscales = sizeof scales / sizeof scales[0];
	const struct tag_part_style *fs = &part_styles[TAG_FIRST];
	struct tag_geom		 g;
	const char		*text[TAG_PARTS];
	char			*full;
	double			 k, first_min, avail, rem = 0, y;

	memset(tp, 0, sizeof *tp);
	tag_geometry(w, h, &g);
	k = tag_scale(w, h);
	first_min = FIRST_MIN * tag_scale_min(w, h);
	tp->x = g.tx;
	tp->w = g.tw;
	tp->top = g.ty;
	tp->bottom = g.ty + g.th;
	xasprintf(&full, "%s %s", p->first_name, p->last_name);
	text[TAG_FIRST] = p->first_name;
	text[TAG_FULL] = full;
	text[TAG_COMPANY] = p->company;
	text[TAG_MARKS] = p->marks != NULL ? p->marks : "";
	text[TAG_EVENT] = ev->name;

	avail = g.th;
	if (*ev->name != '\0') {
		tp->layout[TAG_EVENT] = part_fit(cr, ev->name, TAG_EVENT, k, 1,
		    HUGE_VAL, g.tw, g.th);
		avail -= part_height(tp->layout[TAG_EVENT], 0);
	}
	for (int wrap = TEXT_WORDS; wrap <= TEXT_CHARS; wrap++) {
		for (size_t i = 0; i < nscales; i++) {
			rem = avail - plan_middle(cr, tp, text, k, scales[i],
			    avail);
			/* A word broken in two beats one in three. */
			for (int n = wrap == TEXT_WORDS ? fs->lines : 2;
			    n <= fs->lines; n++) {
				tp->layout[TAG_FIRST] = text_block_fit(cr,
				    text[TAG_FIRST], fs->bold, fs->max_pt * k,
				    first_floor(tp, first_min), g.tw, rem, n,
				    wrap);
				if (tp->layout[TAG_FIRST] != NULL)
					goto placed;
			}
		}
	}
	/* Nothing fits whole: the smallest of everything, cut. */
	rem = avail - plan_middle(cr, tp, text, k, 0, avail);
	tp->layout[TAG_FIRST] = text_block_cut(cr, text[TAG_FIRST], fs->bold,
	    first_min, g.tw, rem, fs->lines);
placed:
	y = g.ty;
	for (int i = TAG_FIRST; i < TAG_EVENT; i++) {
		if (tp->layout[i] == NULL)
			continue;
		if (i != TAG_FIRST)
			y += GAP * text_size(tp->layout[i]);
		tp->y[i] = y;
		y += part_height(tp->layout[i], 1);
	}
	if (tp->layout[TAG_EVENT] != NULL)
		tp->y[TAG_EVENT] = tp->bottom -
		    part_height(tp->layout[TAG_EVENT], 1);
	for (int i = 0; i < TAG_PARTS; i++) {
		if (tp->layout[i] == NULL)
			continue;
		tp->pt[i] = text_size(tp->layout[i]);
		tp->cut[i] = pango_layout_is_ellipsized(tp->layout[i]);
	}
	free(full);
}

void
badge_tag_plan_free(struct tag_plan *tp)
{
	plan_clear(tp, 0, TAG_PARTS);
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
	struct tag_plan	 tp;

	tag_geometry(w, h, &g);
	cairo_save(cr);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	role_band(cr, w, &g, p->role);

	badge_tag_plan(cr, w, h, ev, p, &tp);
	for (int i = 0; i < TAG_PARTS; i++) {
		if (tp.layout[i] == NULL)
			continue;
		if (i == TAG_EVENT)
			cairo_set_source_rgb(cr, 0.35, 0.38, 0.42);
		else
			cairo_set_source_rgb(cr, 0.08, 0.10, 0.13);
		text_draw_block(cr, tp.layout[i], tp.x, tp.y[i], tp.w);
	}
	badge_tag_plan_free(&tp);

	/* A walk-in's tag has no pass behind it: no code. */
	if (p->pass_code != NULL && *p->pass_code != '\0')
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

/* A sheet of tags being drawn, one tag at a time. */
struct badge_sheet {
	const struct badge_layout	*l;
	const struct badge_event	*ev;
	double				 off_x, off_y;
	double				 w, h;
	cairo_surface_t			*surface;
	cairo_t				*cr;
	size_t				 n;
};

/*
 * Start a sheet written as PDF through write (cairo's stream); off_x and
 * off_y (mm) correct a printer's offset. The layout and event are the
 * caller's and must outlive the sheet.
 */
struct badge_sheet *
badge_sheet_create(const struct badge_layout *l, const struct badge_event *ev,
    double off_x, double off_y, cairo_write_func_t write, void *closure)
{
	struct badge_sheet	*sh = xcalloc(1, sizeof *sh);

	sh->l = l;
	sh->ev = ev;
	sh->off_x = off_x;
	sh->off_y = off_y;
	badge_layout_content(l, &sh->w, &sh->h);
	sh->surface = cairo_pdf_surface_create_for_stream(write, closure,
	    MM(l->page_w), MM(l->page_h));
	sh->cr = cairo_create(sh->surface);
	return sh;
}

/* The next tag, on a new page when the last one is full. */
void
badge_sheet_add(struct badge_sheet *sh, const struct badge_person *p)
{
	const struct badge_layout	*l = sh->l;
	int				 per_page = badge_layout_per_page(l);
	int				 slot = (int)(sh->n % (size_t)per_page);
	int				 col = slot % l->cols;
	int				 row = slot / l->cols;

	if (slot == 0 && sh->n > 0)
		cairo_show_page(sh->cr);
	if (slot == 0 && l->cut_marks)
		cut_marks(sh->cr, l, sh->off_x, sh->off_y);
	cairo_save(sh->cr);
	cairo_translate(sh->cr, MM(sh->off_x + l->left + l->inset +
	    col * (l->tag_w + l->gap_x)), MM(sh->off_y + l->top + l->inset +
	    row * (l->tag_h + l->gap_y)));
	badge_tag_draw(sh->cr, sh->w, sh->h, sh->ev, p);
	cairo_restore(sh->cr);
	sh->n++;
}

/* End the sheet and free it: 0, or -1 with the cause when writing failed. */
int
badge_sheet_finish(struct badge_sheet *sh, char **cause)
{
	cairo_status_t	status;

	cairo_destroy(sh->cr);
	cairo_surface_finish(sh->surface);
	status = cairo_surface_status(sh->surface);
	cairo_surface_destroy(sh->surface);
	free(sh);
	if (status != CAIRO_STATUS_SUCCESS) {
		if (cause != NULL)
			xasprintf(cause, "cannot write the tags: %s",
			    cairo_status_to_string(status));
		return -1;
	}
	return 0;
}

cairo_status_t
badge_file_write(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/* A sheet of tags as a PDF file. */
int
badge_tags_pdf(const struct badge_layout *l, const struct badge_event *ev,
    const struct badge_people *people, double off_x, double off_y,
    const char *path, char **cause)
{
	struct badge_sheet	*sh;
	FILE			*f;
	int			 rc;

	if ((f = fopen(path, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	sh = badge_sheet_create(l, ev, off_x, off_y, badge_file_write, f);
	for (size_t i = 0; i < people->n; i++)
		badge_sheet_add(sh, &people->v[i]);
	rc = badge_sheet_finish(sh, cause);
	if (fclose(f) != 0 && rc == 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}
