/*
 * pass.c: the attendee's pass, A6 portrait: the event, a large QR code with
 * the pass code spelled out beneath it, the name, company and ticket type.
 * As PDF (prints on A6 or A4, shows on a phone) and PNG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"

#define PASS_W		105.0	/* mm: A6 */
#define PASS_H		148.0
#define PASS_PNG_DPI	150.0

/* The English text when the pass is in English and there is one. */
static const char *
in_lang(int en, const char *sv, const char *english)
{
	return en && english != NULL && *english != '\0' ? english : sv;
}

/*
 * The pass in its holder's language (their registration's): the event's
 * and the ticket's names as the organiser gave them in it, the dates in
 * its words.
 */
static void
pass_draw(cairo_t *cr, const struct badge_event *ev,
    const struct badge_person *p, int *qr_ok, char **cause)
{
	int		 en = p->lang != NULL && strcmp(p->lang, "en") == 0;
	double		 w = MM(PASS_W), h = MM(PASS_H), pad = MM(7);
	double		 band = MM(26), q = MM(62), y, lw, lh;
	char		 dates[96], *full, *sub;
	PangoLayout	*l;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.04, 0.33, 0.40);
	cairo_rectangle(cr, 0, 0, w, band);
	cairo_fill(cr);

	cairo_set_source_rgb(cr, 1, 1, 1);
	l = text_fit(cr, in_lang(en, ev->name, ev->name_en), 1, 18, 9,
	    w - 2 * pad, MM(10), 2);
	text_draw(cr, l, pad, MM(5), w - 2 * pad, 0);
	g_object_unref(l);
	badge_event_dates_in(ev, en ? "en" : "sv", dates, sizeof dates);
	xasprintf(&sub, "%s · %s", dates, ev->venue);
	l = text_fit(cr, sub, 0, 10, 6.5, w - 2 * pad, MM(9), 2);
	text_draw(cr, l, pad, MM(16), w - 2 * pad, 0);
	g_object_unref(l);
	free(sub);

	*qr_ok = qr_draw(cr, p->pass_code, (w - q) / 2, band + MM(4), q,
	    cause) == 0;
	y = band + MM(4) + q;
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	l = text_fit(cr, p->pass_code, 0, 10, 6, w - 2 * pad, MM(5), 1);
	text_draw(cr, l, pad, y, w - 2 * pad, 1);
	text_extents(l, &lw, &lh);
	g_object_unref(l);
	y += lh + MM(5);

	cairo_set_source_rgb(cr, 0.08, 0.10, 0.13);
	xasprintf(&full, "%s %s", p->first_name, p->last_name);
	l = text_fit(cr, full, 1, 22, 11, w - 2 * pad, MM(18), 3);
	text_draw(cr, l, pad, y, w - 2 * pad, 1);
	text_extents(l, &lw, &lh);
	g_object_unref(l);
	free(full);
	y += lh + MM(2);
	if (*p->company != '\0') {
		l = text_fit(cr, p->company, 0, 14, 8, w - 2 * pad, MM(12), 2);
		text_draw(cr, l, pad, y, w - 2 * pad, 1);
		text_extents(l, &lw, &lh);
		g_object_unref(l);
		y += lh + MM(2);
	}
	cairo_set_source_rgb(cr, 0.04, 0.33, 0.40);
	l = text_fit(cr, in_lang(en, p->ticket_type, p->ticket_type_en), 1,
	    12, 7, w - 2 * pad, h - y - pad, 1);
	text_draw(cr, l, pad, y, w - 2 * pad, 1);
	g_object_unref(l);
}

/* The pass as PDF or PNG, written through write_func. */
int
badge_pass_stream(const struct badge_event *ev, const struct badge_person *p,
    enum badge_format fmt, cairo_write_func_t write_func, void *closure,
    char **cause)
{
	cairo_surface_t	*surface;
	cairo_t		*cr;
	cairo_status_t	 status;
	double		 scale = PASS_PNG_DPI / 72.0;
	int		 qr_ok = 0;

	if (fmt == BADGE_PDF)
		surface = cairo_pdf_surface_create_for_stream(write_func,
		    closure, MM(PASS_W), MM(PASS_H));
	else
		surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
		    (int)(MM(PASS_W) * scale + 0.5),
		    (int)(MM(PASS_H) * scale + 0.5));
	cr = cairo_create(surface);
	if (fmt == BADGE_PNG)
		cairo_scale(cr, scale, scale);
	pass_draw(cr, ev, p, &qr_ok, cause);
	cairo_destroy(cr);
	if (fmt == BADGE_PNG)
		status = cairo_surface_write_to_png_stream(surface, write_func,
		    closure);
	else {
		cairo_surface_finish(surface);
		status = cairo_surface_status(surface);
	}
	cairo_surface_destroy(surface);
	if (!qr_ok)
		return -1;
	if (status != CAIRO_STATUS_SUCCESS) {
		xasprintf(cause, "cannot draw the pass: %s",
		    cairo_status_to_string(status));
		return -1;
	}
	return 0;
}

static cairo_status_t
file_write(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

int
badge_pass_file(const struct badge_event *ev, const struct badge_person *p,
    enum badge_format fmt, const char *path, char **cause)
{
	FILE	*f = fopen(path, "wb");
	int	 rc;

	if (f == NULL) {
		xasprintf(cause, "cannot write %s", path);
		return -1;
	}
	rc = badge_pass_stream(ev, p, fmt, file_write, f, cause);
	if (fclose(f) != 0 && rc == 0) {
		xasprintf(cause, "cannot write %s", path);
		rc = -1;
	}
	return rc;
}
