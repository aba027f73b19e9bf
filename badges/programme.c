/*
 * programme.c: the printed programme, A4, in Swedish or English, read from
 * the one document that describes a programme (store_programme_json, or
 * a release's copy of it): the event's name and dates in the header of
 * every page, one section per day, a row per session (time, room, the
 * kind of session with a sign-up and its seats, or "cancelled"; title,
 * speakers with their companies, the start of the abstract; breaks and
 * meals set quieter), the release and page numbers at the foot ("Draft"
 * before the first release). Laid out twice: once to count the pages for
 * "page N of M", once to draw.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badges.h"
#include "store-release.h"

#define PAGE_W		210.0	/* mm */
#define PAGE_H		297.0
#define MARGIN		18.0
#define HEADER_H	22.0
#define FOOTER_H	12.0
#define TIME_W		27.0
#define ROOM_W		33.0
#define ABSTRACT_CHARS	360	/* bytes; the rest of an abstract is cut: "…" */

/* Every word the programme prints, in each language. */
struct prog_words {
	const char	*lang;
	const char	*page, *of;	/* "Page 1 of 2" */
	const char	*release;	/* "Release 3, 1 December 2026" */
	const char	*draft;
	const char	*signup;
	const char	*seat, *seats;	/* "1 seat", "40 seats" */
	const char	*cancelled;
	const char	*kinds[7][2];	/* kind, word */
};

static const struct prog_words words[] = {
	{ "en", "Page", "of", "Release", "Draft", "sign-up required", "seat",
	  "seats", "CANCELLED",
	  { { "talk", "Talk" }, { "keynote", "Keynote" },
	    { "panel", "Panel discussion" }, { "workshop", "Workshop" },
	    { "visit", "Study visit" }, { "break", "Break" },
	    { "meal", "Meal" } } },
	{ "sv", "Sida", "av", "Version", "Utkast", "anmälan krävs", "plats",
	  "platser", "INSTÄLLT",
	  { { "talk", "Föredrag" }, { "keynote", "Huvudtalare" },
	    { "panel", "Paneldiskussion" }, { "workshop", "Workshop" },
	    { "visit", "Studiebesök" }, { "break", "Paus" },
	    { "meal", "Måltid" } } },
};

struct prog {
	cairo_t				*cr;
	const struct badge_event	*ev;
	const struct prog_words		*w;
	char				 release[96];	/* the foot's line */
	int				 draw;	/* 0: only count pages */
	int				 page, pages;
	double				 y;
};

/* The words of lang: Swedish for "sv", else English. */
static const struct prog_words *
prog_words(const char *lang)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (lang != NULL && strcmp(words[i].lang, lang) == 0)
			return &words[i];
	return &words[0];
}

static const char *
kind_word(const struct prog_words *w, const char *kind)
{
	for (size_t i = 0; i < sizeof w->kinds / sizeof w->kinds[0]; i++)
		if (kind != NULL && strcmp(w->kinds[i][0], kind) == 0)
			return w->kinds[i][1];
	return "";
}

/* A key's text of a session, in English its _en twin when that is set. */
static const char *
session_text(const struct prog *p, json_t *s, const char *key)
{
	const char	*v, *en;
	char		 name[32];

	v = json_string_value(json_object_get(s, key));
	if (strcmp(p->w->lang, "en") == 0) {
		snprintf(name, sizeof name, "%s_en", key);
		en = json_string_value(json_object_get(s, name));
		if (en != NULL && *en != '\0')
			return en;
	}
	return v != NULL ? v : "";
}

/* "Release 3, 1 December 2026", or "Draft" with no release. */
static void
release_line(struct prog *p, json_t *programme)
{
	json_t		*r = json_object_get(programme, "release");
	json_int_t	 n = json_integer_value(json_object_get(r, "number"));
	const char	*at = json_string_value(json_object_get(r,
	    "published_at"));
	char		 date[64];

	if (!json_is_object(r) || n <= 0 || at == NULL) {
		snprintf(p->release, sizeof p->release, "%s", p->w->draft);
		return;
	}
	badge_date_in(at, p->w->lang, date, sizeof date);
	snprintf(p->release, sizeof p->release, "%s %lld, %s", p->w->release,
	    (long long)n, date);
}

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
	badge_event_dates_in(p->ev, p->w->lang, dates, sizeof dates);
	xasprintf(&line, "%s · %s", dates, p->ev->venue);
	cairo_set_source_rgb(p->cr, 0.3, 0.33, 0.37);
	prog_text(p, line, 0, 9.5, MARGIN, p->y + h + 2, PAGE_W - 2 * MARGIN,
	    &h);
	free(line);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, MM(MARGIN), MM(MARGIN + HEADER_H - 4));
	cairo_line_to(p->cr, MM(PAGE_W - MARGIN), MM(MARGIN + HEADER_H - 4));
	cairo_stroke(p->cr);
	xasprintf(&line, "%s · %s %d %s %d", p->release, p->w->page, p->page,
	    p->w->of, p->pages);
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

/* "09:30" of an ISO 8601 time, or "" for what is none. */
static void
clock_of(json_t *s, const char *key, char out[6])
{
	const char	*iso = json_string_value(json_object_get(s, key));

	if (iso == NULL || strlen(iso) < 16)
		*out = '\0';
	else
		snprintf(out, 6, "%.5s", iso + 11);
}

/*
 * What kind of session it is, and whether it needs a sign-up and how many
 * seats it has: "Study visit · sign-up required, 40 seats"; a cancelled
 * one starts "CANCELLED".
 */
static char *
kind_line(const struct prog *p, json_t *s)
{
	json_t		*seats = json_object_get(s, "seats");
	const char	*kind = kind_word(p->w, json_string_value(
	    json_object_get(s, "kind")));
	char		 n[64] = "";
	char		*out;

	if (json_is_integer(seats))
		snprintf(n, sizeof n, ", %lld %s",
		    (long long)json_integer_value(seats),
		    json_integer_value(seats) == 1 ? p->w->seat : p->w->seats);
	xasprintf(&out, "%s%s%s%s%s%s",
	    json_is_true(json_object_get(s, "cancelled")) ? p->w->cancelled :
	    "", json_is_true(json_object_get(s, "cancelled")) ? " · " : "",
	    kind, json_is_true(json_object_get(s, "signup")) ? " · " : "",
	    json_is_true(json_object_get(s, "signup")) ? p->w->signup : "",
	    json_is_true(json_object_get(s, "signup")) ? n : "");
	return out;
}

/*
 * The start of an abstract, at most ABSTRACT_CHARS bytes cut after a
 * word (or a whole character), "…" after it: its height.
 */
static double
abstract_text(struct prog *p, const char *text, double x, double y, double w)
{
	size_t	 n = strlen(text), cut;
	char	*start;
	double	 h;

	if (n == 0)
		return 0;
	if (n <= ABSTRACT_CHARS)
		start = xstrdup(text);
	else {
		for (cut = ABSTRACT_CHARS; cut > 0 &&
		    ((unsigned char)text[cut] & 0xc0) == 0x80; cut--)
			;
		for (n = cut; n > ABSTRACT_CHARS / 2 && text[n] != ' '; n--)
			;
		if (text[n] != ' ')
			n = cut;
		xasprintf(&start, "%.*s…", (int)n, text);
	}
	prog_text(p, start, 0, 8.5, x, y, w, &h);
	free(start);
	return h;
}

/* Height of a session row, and draws it when p->draw. */
static double
session_row(struct prog *p, json_t *s, double y)
{
	const char	*kind = json_string_value(json_object_get(s, "kind"));
	json_t		*room = json_object_get(s, "room");
	int		 quiet = kind == NULL || strcmp(kind, "break") == 0 ||
	    strcmp(kind, "meal") == 0;
	int		 cancelled = json_is_true(json_object_get(s,
	    "cancelled"));
	const char	*room_name = json_string_value(json_object_get(room,
	    "name"));
	char		 when[32], start[6], end[6], *line, *speakers;
	double		 h1 = 0, h2 = 0, h3 = 0, hs, x = MARGIN + TIME_W + ROOM_W;
	double		 w = PAGE_W - MARGIN - x;

	clock_of(s, "starts_at", start);
	clock_of(s, "ends_at", end);
	snprintf(when, sizeof when, "%s–%s", start, end);
	if (quiet || cancelled)
		cairo_set_source_rgb(p->cr, 0.38, 0.40, 0.44);
	else
		cairo_set_source_rgb(p->cr, 0.08, 0.10, 0.13);
	prog_text(p, when, !quiet, 10, MARGIN, y, TIME_W - 2, &h1);
	if (room_name != NULL)
		prog_text(p, room_name, 0, 9.5, MARGIN + TIME_W, y, ROOM_W - 2,
		    &h2);

	line = kind_line(p, s);
	cairo_set_source_rgb(p->cr, cancelled ? 0.66 : 0.04, cancelled ? 0.09 :
	    0.33, cancelled ? 0.11 : 0.40);
	prog_text(p, line, 1, 7.5, x, y, w, &hs);
	free(line);
	h3 = hs + 0.5;
	if (quiet || cancelled)
		cairo_set_source_rgb(p->cr, 0.38, 0.40, 0.44);
	else
		cairo_set_source_rgb(p->cr, 0.08, 0.10, 0.13);
	prog_text(p, session_text(p, s, "title"), !quiet, quiet ? 10 : 11, x,
	    y + h3, w, &hs);
	h3 += hs;
	speakers = speakers_line(json_object_get(s, "speakers"));
	cairo_set_source_rgb(p->cr, 0.3, 0.33, 0.37);
	if (*speakers != '\0') {
		prog_text(p, speakers, 0, 9, x, y + h3 + 1, w, &hs);
		h3 += hs + 1;
	}
	free(speakers);
	if ((hs = abstract_text(p, session_text(p, s, "abstract"), x,
	    y + h3 + 1, w)) > 0)
		h3 += hs + 1;
	return fmax(h1, fmax(h2, h3)) + MM(quiet ? 2.5 : 3.5);
}

/* A session's row, measured without drawing it. */
static double
row_height(struct prog *p, json_t *s)
{
	int	draw = p->draw;
	double	h;

	p->draw = 0;
	h = session_row(p, s, p->y);
	p->draw = draw;
	return h;
}

/* The first session of a day, which its heading must not be parted from. */
static json_t *
first_session(json_t *day)
{
	json_t	*s;
	size_t	 j;

	json_array_foreach(json_object_get(day, "sessions"), j, s)
		if (json_is_object(s))
			return s;
	return NULL;
}

static void
prog_render(struct prog *p, json_t *programme)
{
	json_t		*day, *s;
	size_t		 i, j;
	char		 title[64];
	const char	*date;
	double		 h, gap_above, gap_below;
	int		 draw;

	release_line(p, programme);
	page_start(p);
	json_array_foreach(json_object_get(programme, "days"), i, day) {
		if ((date = json_string_value(json_object_get(day, "date"))) ==
		    NULL)
			continue;
		badge_day_title_in(date, p->w->lang, title, sizeof title);
		gap_above = i ? MM(4) : 0;
		gap_below = MM(i ? 7 : 3);
		/* The heading goes to the next page with its first session
		 * rather than stay alone at the foot of this one. */
		draw = p->draw;
		p->draw = 0;
		prog_text(p, title, 1, 13, MARGIN, p->y, PAGE_W - 2 * MARGIN,
		    &h);
		p->draw = draw;
		s = first_session(day);
		page_need(p, h + gap_below + (s != NULL ? row_height(p, s) :
		    0));
		cairo_set_source_rgb(p->cr, 0.04, 0.33, 0.40);
		prog_text(p, title, 1, 13, MARGIN, p->y + gap_above,
		    PAGE_W - 2 * MARGIN, &h);
		p->y += h + gap_below;
		json_array_foreach(json_object_get(day, "sessions"), j, s) {
			if (!json_is_object(s))
				continue;
			h = row_height(p, s);
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

/* The programme (store_programme_json) in lang as PDF through write. */
int
badge_programme_stream(const struct badge_event *ev, json_t *programme,
    const char *lang, cairo_write_func_t write, void *closure, char **cause)
{
	cairo_surface_t	*surface;
	struct prog	 p = { .ev = ev, .w = prog_words(lang) };
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

/*
 * The programme in lang into path: the document given, or with NULL the
 * event's programme as the public sees it (the draft before the first
 * release).
 */
int
badge_programme_pdf(struct store *st, const struct badge_event *ev,
    json_t *doc, const char *lang, const char *path, char **cause)
{
	json_t	*programme = doc != NULL ? json_incref(doc) :
	    store_release_printed(st, ev->id);
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
	rc = badge_programme_stream(ev, programme, lang, badge_file_write, f,
	    cause);
	if (fclose(f) != 0 && rc == 0) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	json_decref(programme);
	return rc;
}
