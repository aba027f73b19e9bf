/*
 * programme.c: the printed programme, A4: the event's name and dates in
 * the header of every page, one section per day, a row per session (time,
 * room, title, speakers with their companies; breaks and meals set
 * quieter), page numbers at the foot. Laid out twice: once to count the
 * pages for "page N of M", once to draw.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"

#define PAGE_W		210.0	/* mm */
#define PAGE_H		297.0
#define MARGIN		18.0
#define HEADER_H	22.0
#define FOOTER_H	12.0
#define TIME_W		27.0
#define ROOM_W		33.0

struct prog {
	cairo_t				*cr;
	const struct badge_event	*ev;
	int				 draw;	/* 0: only count pages */
	int				 page, pages;
	double				 y;
};

static void
prog_text(struct prog *p, const char *text, int bold, double pt, double x,
    double y, double w, double *h)
{
	PangoLayout	*l = text_fit(p->cr, text, bold, pt, pt, MM(w), 1e6, 100);
	double		 lw;

	pango_layout_set_width(l, (int)(MM(w) * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (p->draw) {
		cairo_move_to(p->cr, MM(x), y);
		pango_cairo_show_layout(p->cr, l);
	}
	text_extents(l, &lw, h);
	g_object_unref(l);
}

static void
page_start(struct prog *p)
{
	char	dates[96], *line;
	double	h;

	p->page++;
	p->y = MM(MARGIN);
	if (!p->draw)
		goto out;
	cairo_set_source_rgb(p->cr, 0.04, 0.33, 0.40);
	prog_text(p, p->ev->name, 1, 15, MARGIN, p->y, PAGE_W - 2 * MARGIN,
	    &h);
	badge_event_dates(p->ev, dates, sizeof dates);
	xasprintf(&line, "%s · %s", dates, p->ev->venue);
	cairo_set_source_rgb(p->cr, 0.3, 0.33, 0.37);
	prog_text(p, line, 0, 9.5, MARGIN, p->y + h + 2, PAGE_W - 2 * MARGIN,
	    &h);
	free(line);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, MM(MARGIN), MM(MARGIN + HEADER_H - 4));
	cairo_line_to(p->cr, MM(PAGE_W - MARGIN), MM(MARGIN + HEADER_H - 4));
	cairo_stroke(p->cr);
	xasprintf(&line, "Page %d of %d", p->page, p->pages);
	prog_text(p, line, 0, 8.5, MARGIN, MM(PAGE_H - FOOTER_H), PAGE_W -
	    2 * MARGIN, &h);
	free(line);
out:
	p->y = MM(MARGIN + HEADER_H);
}

static void
page_need(struct prog *p, double h)
{
	if (p->y + h <= MM(PAGE_H - MARGIN - FOOTER_H))
		return;
	if (p->draw)
		cairo_show_page(p->cr);
	page_start(p);
}

static char *
speakers_line(json_t *speakers)
{
	char	*out = xstrdup(""), *next;
	size_t	 i;
	json_t	*sp;

	json_array_foreach(speakers, i, sp) {
		const char	*name = json_string_value(json_object_get(sp,
		    "name"));
		const char	*company = json_string_value(json_object_get(sp,
		    "company"));

		xasprintf(&next, "%s%s%s%s%s%s", out, i ? "; " : "",
		    name ? name : "", company && *company ? " (" : "",
		    company ? company : "", company && *company ? ")" : "");
		free(out);
		out = next;
	}
	return out;
}

/* Height of a session row, and draws it when p->draw. */
static double
session_row(struct prog *p, json_t *s, double y)
{
	const char	*kind = json_string_value(json_object_get(s, "kind"));
	const char	*start = json_string_value(json_object_get(s,
	    "starts_at"));
	const char	*end = json_string_value(json_object_get(s, "ends_at"));
	json_t		*room = json_object_get(s, "room");
	int		 quiet = strcmp(kind, "break") == 0 ||
	    strcmp(kind, "meal") == 0;
	char		 when[32], *speakers;
	double		 h1 = 0, h2 = 0, h3 = 0, x = MARGIN + TIME_W + ROOM_W;
	double		 w = PAGE_W - MARGIN - x;

	snprintf(when, sizeof when, "%.5s–%.5s", start + 11, end + 11);
	if (quiet)
		cairo_set_source_rgb(p->cr, 0.38, 0.40, 0.44);
	else
		cairo_set_source_rgb(p->cr, 0.08, 0.10, 0.13);
	prog_text(p, when, !quiet, 10, MARGIN, y, TIME_W - 2, &h1);
	if (json_is_object(room))
		prog_text(p, json_string_value(json_object_get(room, "name")),
		    0, 9.5, MARGIN + TIME_W, y, ROOM_W - 2, &h2);
	prog_text(p, json_string_value(json_object_get(s, "title")), !quiet,
	    quiet ? 10 : 11, x, y, w, &h3);
	speakers = speakers_line(json_object_get(s, "speakers"));
	if (*speakers != '\0') {
		double	hs;

		cairo_set_source_rgb(p->cr, 0.3, 0.33, 0.37);
		prog_text(p, speakers, 0, 9, x, y + h3 + 1, w, &hs);
		h3 += hs + 1;
	}
	free(speakers);
	return fmax(h1, fmax(h2, h3)) + MM(quiet ? 2.5 : 3.5);
}

static void
prog_render(struct prog *p, json_t *programme)
{
	json_t	*day, *s;
	size_t	 i, j;
	char	 title[64];
	double	 h;

	page_start(p);
	json_array_foreach(json_object_get(programme, "days"), i, day) {
		badge_day_title(json_string_value(json_object_get(day, "date")),
		    title, sizeof title);
		page_need(p, MM(20));
		cairo_set_source_rgb(p->cr, 0.04, 0.33, 0.40);
		prog_text(p, title, 1, 13, MARGIN, p->y + (i ? MM(4) : 0),
		    PAGE_W - 2 * MARGIN, &h);
		p->y += h + MM(i ? 7 : 3);
		json_array_foreach(json_object_get(day, "sessions"), j, s) {
			int	draw = p->draw;

			p->draw = 0;
			h = session_row(p, s, p->y);
			p->draw = draw;
			page_need(p, h);
			session_row(p, s, p->y);
			p->y += h;
		}
	}
}

static cairo_status_t
discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* The programme (store_programme_json) as PDF through write. */
int
badge_programme_stream(const struct badge_event *ev, json_t *programme,
    cairo_write_func_t write, void *closure, char **cause)
{
	cairo_surface_t	*surface;
	struct prog	 p = { .ev = ev };
	int		 rc = 0;

	/* Count the pages on a surface that writes nothing. */
	surface = cairo_pdf_surface_create_for_stream(discard, NULL,
	    MM(PAGE_W), MM(PAGE_H));
	p.cr = cairo_create(surface);
	prog_render(&p, programme);
	cairo_destroy(p.cr);
	cairo_surface_destroy(surface);

	surface = cairo_pdf_surface_create_for_stream(write, closure,
	    MM(PAGE_W), MM(PAGE_H));
	p.cr = cairo_create(surface);
	p.pages = p.page;
	p.page = 0;
	p.draw = 1;
	prog_render(&p, programme);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot write the programme: %s",
		    cairo_status_to_string(cairo_surface_status(surface)));
		rc = -1;
	}
	cairo_surface_destroy(surface);
	return rc;
}

int
badge_programme_pdf(struct store *st, const struct badge_event *ev,
    const char *path, char **cause)
{
	json_t	*programme = store_programme_json(st, ev->id);
	FILE	*f;
	int	 rc;

	/* The event was read a moment ago: NULL is a database error. */
	if (programme == NULL) {
		xasprintf(cause, "cannot read the programme");
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		json_decref(programme);
		return -1;
	}
	rc = badge_programme_stream(ev, programme, badge_file_write, f, cause);
	if (fclose(f) != 0 && rc == 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	json_decref(programme);
	return rc;
}
