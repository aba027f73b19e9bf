/*
 * badges.h: the badge library: QR-coded passes, name-tag sheets and the
 * printed programme, drawn with cairo and laid out with pango. Linked by
 * techtankd (passes on demand) and techtank-badges (batch printing).
 * Drawing units are PostScript points; layouts are given in millimetres.
 */
#ifndef BADGES_H
#define BADGES_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "store-badges.h"

#define MM(x) ((x) * 72.0 / 25.4)

/* Fonts in fallback order: Latin, Greek and Cyrillic; Arabic; CJK. */
#define BADGE_FONTS "DejaVu Sans,Noto Sans Arabic,WenQuanYi Micro Hei"

/* layouts.c: real label and insert stock, one entry each. */
struct badge_layout {
	const char	*name;
	const char	*stock;
	double		 page_w, page_h;	/* mm */
	double		 tag_w, tag_h;		/* mm */
	int		 cols, rows;
	double		 left, top;		/* first tag's corner, mm */
	double		 gap_x, gap_y;		/* between tags, mm */
	double		 inset;			/* white border in a tag, mm */
	int		 cut_marks;		/* plain paper: show where to cut */
};
extern const struct badge_layout badge_layouts[];
const struct badge_layout *badge_layout_find(const char *);
int badge_layout_per_page(const struct badge_layout *);
void badge_layout_content(const struct badge_layout *, double *w, double *h);

/* text.c */
PangoLayout *text_fit(cairo_t *, const char *text, int bold, double max_pt,
	    double min_pt, double w, double h, int max_lines);
void text_extents(PangoLayout *, double *w, double *h);
void text_draw(cairo_t *, PangoLayout *, double x, double y, double w,
	    int centre);
enum text_wrap {
	TEXT_WORDS,		/* at spaces and hyphens only */
	TEXT_SYLLABLES,		/* between syllables too, with a hyphen */
	TEXT_CHARS,		/* anywhere in a word, where nothing else fits */
};
PangoLayout *text_block_fit(cairo_t *, const char *text, int bold,
	    double max_pt, double min_pt, double w, double h, int max_lines,
	    enum text_wrap);
PangoLayout *text_block_cut(cairo_t *, const char *text, int bold, double pt,
	    double w, double h, int max_lines);
PangoLayout *text_block_any(cairo_t *, const char *text, int bold,
	    double max_pt, double min_pt, double w, double h, int max_lines,
	    enum text_wrap from);
void text_draw_block(cairo_t *, PangoLayout *, double x, double y, double w);
double text_size(PangoLayout *);

/* hyphen.c */
char *hyphen_soft(const char *);

/* qr.c */
int qr_draw(cairo_t *, const char *code, double x, double y, double size,
	    char **cause);
int qr_version(const char *code);
char *qr_svg(const char *code);

/* tags.c */
const char *badge_role(size_t);
void badge_tag_draw(cairo_t *, double w, double h, const struct badge_event *,
	    const struct badge_person *);
/* A tag's text column as laid out: what badge_tag_draw prints. */
enum tag_part { TAG_FIRST, TAG_FULL, TAG_COMPANY, TAG_MARKS, TAG_EVENT,
	TAG_PARTS };
struct tag_plan {
	PangoLayout	*layout[TAG_PARTS];	/* NULL: nothing to print */
	double		 pt[TAG_PARTS];		/* the size chosen */
	double		 y[TAG_PARTS];		/* its top */
	int		 cut[TAG_PARTS];	/* ends in an ellipsis */
	double		 x, w, top, bottom;	/* the column */
};
void badge_tag_plan(cairo_t *, double w, double h, const struct badge_event *,
	    const struct badge_person *, struct tag_plan *);
void badge_tag_plan_free(struct tag_plan *);
struct badge_sheet;
struct badge_sheet *badge_sheet_create(const struct badge_layout *,
	    const struct badge_event *, double off_x, double off_y,
	    cairo_write_func_t, void *);
void badge_sheet_add(struct badge_sheet *, const struct badge_person *);
int badge_sheet_finish(struct badge_sheet *, char **cause);
cairo_status_t badge_file_write(void *file, const unsigned char *,
	    unsigned int);
int badge_tags_pdf(const struct badge_layout *, const struct badge_event *,
	    const struct badge_people *, double off_x, double off_y,
	    const char *path, char **cause);

/* dates.c */
void badge_event_dates(const struct badge_event *, char *, size_t);
void badge_day_title(const char *iso_date, char *, size_t);
/* The same in a language: "sv", else English. */
void badge_event_dates_in(const struct badge_event *, const char *lang,
	    char *, size_t);
void badge_day_title_in(const char *iso_date, const char *lang, char *,
	    size_t);
void badge_date_in(const char *iso_date, const char *lang, char *, size_t);
void badge_date_range_in(const char *from_iso, const char *to_iso,
	    const char *lang, char *, size_t);

/* pass.c */
enum badge_format { BADGE_PDF, BADGE_PNG };
int badge_pass_stream(const struct badge_event *, const struct badge_person *,
	    enum badge_format, cairo_write_func_t, void *, char **cause);
int badge_pass_file(const struct badge_event *, const struct badge_person *,
	    enum badge_format, const char *path, char **cause);

/* programme.c */
/* A programme in "sv" or "en": the document (store_programme_json) or NULL. */
int badge_programme_pdf(struct store *, const struct badge_event *,
	    json_t *programme, const char *lang, const char *path,
	    char **cause);
int badge_programme_stream(const struct badge_event *, json_t *programme,
	    const char *lang, cairo_write_func_t, void *, char **cause);

/* invoice.c */
/* An invoice or credit note document in "sv" or English, as A4 PDF. */
int badge_invoice_stream(const json_t *invoice, const char *lang,
	    cairo_write_func_t, void *, char **cause);
int badge_invoice_pdf(const json_t *invoice, const char *lang,
	    const char *path, char **cause);
/* What it lays out, for the tests: points past a box or the page. */
struct invoice_measure {
	int	pages;
	double	text_overflow;		/* widest text past its box */
	double	body_overflow;		/* lowest row past the foot */
	int	buyer_name_lines;
	double	buyer_name_pt;
};
int badge_invoice_measure(const json_t *invoice, const char *lang,
	    struct invoice_measure *, char **cause);

/* output.c: write beside the target, rename on success, never leave half */
char *output_begin(const char *path, char **cause);
int output_finish(char *tmp, const char *path, int ok, char **cause);

#endif
