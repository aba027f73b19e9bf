/*
 * export.h: the lists organisers take out of the system (attendees, the
 * caterer's list, each session's sign-ups, check-ins and no-shows), each
 * described once as its columns and the SQL of its rows, and read in
 * batches so that nothing holds all rows at once. The daemon writes them
 * as CSV (csv.c) and as XLSX.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include "techtank.h"

/* The organiser's language: the header row, the words, the file's name. */
enum export_lang { EXPORT_SV, EXPORT_EN, EXPORT_LANGS };

enum export_type {
	EXPORT_TEXT,		/* as typed; NULL is the column's null_word */
	EXPORT_INT,		/* a number */
	EXPORT_TIME,		/* UTC seconds, shown in the event's zone */
	EXPORT_WORD,		/* a code (no_show) shown as a word */
	EXPORT_MONEY,		/* öre, shown as kronor with two decimals */
};

struct export_column {
	const char		*head[EXPORT_LANGS];
	enum export_type	 type;
	int			 width;		/* characters, for XLSX */
	const char		*null_word;	/* TEXT: a code for NULL */
};

struct export_kind;
extern const struct export_kind export_attendees;
extern const struct export_kind export_catering;
extern const struct export_kind export_signups;	/* of one session */
extern const struct export_kind export_checkins;
extern const struct export_kind export_invoices;

/* csv.c */
#define CSV_BOM			"\xef\xbb\xbf"
int text_formula_like(const char *, size_t);
int text_export_clean(const char *, size_t);
size_t utf8_char_len(const char *, size_t left);
char *text_export_repair(const char *, size_t, size_t *);
size_t csv_cell_max(size_t);
size_t csv_cell(char *out, const char *in, size_t len, char sep);

/* store-export.c */
const char *export_name(const struct export_kind *);
const char *export_label(const struct export_kind *, enum export_lang);
int export_per_session(const struct export_kind *);
const struct export_column *export_columns(const struct export_kind *,
	    size_t *);
const char *export_word(const char *code, enum export_lang);
const char *export_lang_code(enum export_lang);
char *export_filename(const struct export_kind *, const char *slug,
	    const char *session, const char *date, enum export_lang,
	    const char *ext, int ascii);

/* What an export is of: the event's address and zone, the session's title. */
struct export_of {
	int64_t	 event_id;
	int64_t	 session_id;	/* 0 unless the kind is per session */
	char	*slug;
	char	*zone;
	char	*session;	/* its title, or NULL */
};
int store_export_of(struct store *, const struct export_kind *, int64_t event,
	    int64_t session, struct export_of *);
void store_export_of_clear(struct export_of *);
json_t *store_exports_json(struct store *, int64_t event_id, int *found);

struct export_cursor;
struct export_cursor *export_open(struct store *, const struct export_kind *,
	    const struct export_of *, enum export_lang);
enum store_step export_next(struct export_cursor *, sqlite3_stmt **row);
void export_pause(struct export_cursor *);
int64_t export_rows(const struct export_cursor *);
void export_close(struct export_cursor *);

#endif
