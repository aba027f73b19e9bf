/*
 * store-import.c: importing attendees (with their ticket type and
 * sessions) and speakers from a CSV file. The header row names the
 * columns in Swedish or English, in any case and with or without accents
 * ("Förnamn", "first_name", "E-post"). Each row is checked where it is
 * read, by the rules that check everything else of its kind: an attendee
 * becomes the body of a registration of one and goes through
 * reg_input_parse(), a speaker through resource_parse(). Ticket types and
 * sessions are named by id or by name; addresses used twice in the file
 * or already registered, and seats that would run out, are found before
 * anything is written. Every problem is a code with parameters on its
 * row and column, which the console words. The write runs on the writer,
 * in one job: every row is registered by store_register() exactly as
 * online, and a row that cannot be (full, taken meanwhile) undoes them
 * all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "resource.h"

/* A column the file may have, and the names it may go by. */
struct import_column {
	const char	*name;
	int		 required;
	const char	*aliases[8];
};

static const struct import_column attendee_columns[] = {
	{ "first_name", 1, { "förnamn", "first name", "firstname",
	    "given name", "tilltalsnamn" } },
	{ "last_name", 1, { "efternamn", "last name", "surname",
	    "family name" } },
	{ "email", 1, { "e-post", "epost", "e-mail", "mail", "mejl",
	    "e-postadress", "email address" } },
	{ "company", 0, { "företag", "organisation", "organization",
	    "arbetsgivare" } },
	{ "job_title", 0, { "titel", "title", "befattning", "job title",
	    "roll" } },
	{ "phone", 0, { "telefon", "mobil", "mobile", "telephone",
	    "telefonnummer" } },
	{ "dietary", 0, { "specialkost", "kost", "allergier", "allergies",
	    "dietary needs", "diet" } },
	{ "ticket_type", 1, { "biljettyp", "biljett", "ticket",
	    "ticket type" } },
	{ "sessions", 0, { "sessioner", "programpunkter", "aktiviteter",
	    "anmälningar", "sign-ups", "signups" } },
	{ NULL, 0, { NULL } }
};

static const struct import_column speaker_columns[] = {
	{ "name", 1, { "namn", "full name", "fullständigt namn",
	    "talare", "speaker" } },
	{ "company", 0, { "företag", "organisation", "organization" } },
	{ "title", 0, { "titel", "befattning", "job title", "roll" } },
	{ "bio", 0, { "biografi", "presentation", "om", "about",
	    "biography" } },
	{ NULL, 0, { NULL } }
};

static int
speaker_name_ok(const char *s)
{
	return validate_name(s) == NULL;
}

/* A speaker as the programme has one: the rules of every speaker. */
static const struct field speaker_fields[] = {
	{ .name = "name", .column = "name", .type = FIELD_TEXT,
	  .flags = FIELD_REQUIRED, .max = 200, .valid = speaker_name_ok },
	{ .name = "company", .column = "company", .type = FIELD_TEXT,
	  .max = 150 },
	{ .name = "title", .column = "title", .type = FIELD_TEXT, .max = 150 },
	{ .name = "bio", .column = "bio", .type = FIELD_TEXT, .max = 4000 },
	{ .name = NULL }
};
static struct resource speakers = {
	.name = "speaker",
	.table = "speakers",
	.parent = "event_id",
	.fields = speaker_fields,
	.order = "name, id",
	.unversioned = 1,
};

/* A ticket type or session a row can name, and its seats. */
struct import_choice {
	int64_t	 id;
	char	*fold;
	char	*fold_en;
	char	*title;
	int64_t	 left;		/* -1: no limit */
	int	 waitlist;
	int64_t	 used;		/* by the rows so far */
};

struct import_row {
	const struct csv_row	*src;
	json_t			*values;	/* column: text as in the file */
	json_t			*errors;	/* column (or "row"): error */
	const char		*status;	/* confirmed, waitlisted */
	struct reg_input	*input;		/* an attendee, once valid */
	json_t			*speaker;	/* a speaker, once valid */
	char			*key;		/* address, or folded name */
};

struct import {
	enum import_kind		 kind;
	int64_t				 event;
	const struct import_column	*columns;
	struct csv			*csv;
	int				 col[CSV_COLS_MAX];
	json_t				*file_errors;
	json_t				*header;
	json_t				*unknown;
	size_t				 nrows, ninvalid;
	struct import_row		*rows;
	struct import_choice		*types, *sessions;
	size_t				 ntypes, nsessions;
	char				**speaker_keys;
	size_t				 nspeaker_keys;
	/* What the write did. */
	int64_t				 first_id, last_id;
	int64_t				 confirmed, waitlisted;
};

/* A header or a name as compared: folded, without spaces. */
static char *
name_key(const char *s)
{
	char	*f = text_fold(s), *o = f;

	for (char *p = f; *p != '\0'; p++)
		if (*p != ' ')
			*o++ = *p;
	*o = '\0';
	return f;
}

static int
column_named(const struct import_column *c, const char *key)
{
	char	*k = name_key(c->name);
	int	 same = strcmp(k, key) == 0;

	free(k);
	for (size_t i = 0; !same && c->aliases[i] != NULL; i++) {
		k = name_key(c->aliases[i]);
		same = strcmp(k, key) == 0;
		free(k);
	}
	return same;
}

static void
file_error(struct import *imp, const char *code, json_t *params)
{
	json_array_append_new(imp->file_errors, json_pack("{s:s, s:o}",
	    "code", code, "params", params != NULL ? params : json_object()));
}

/* Which column each header cell is; unknown and missing ones reported. */
static void
header_map(struct import *imp)
{
	const struct csv_row	*h = &imp->csv->header;
	int			 seen[16] = { 0 };
	char			*key;

	for (size_t i = 0; i < h->ncells; i++) {
		const char	*text = h->cells[i].text;
		int		 found = -1;

		key = name_key(text);
		for (int c = 0; *key != '\0' && imp->columns[c].name != NULL;
		    c++)
			if (column_named(&imp->columns[c], key))
				found = c;
		free(key);
		imp->col[i] = found;
		json_array_append_new(imp->header, json_pack("{s:s, s:o}",
		    "header", text, "column", found < 0 ? json_null() :
		    json_string(imp->columns[found].name)));
		if (found < 0) {
			if (*text != '\0')
				json_array_append_new(imp->unknown,
				    json_string(text));
			continue;
		}
		if (seen[found]++ > 0) {
			file_error(imp, "duplicate_column", json_pack("{s:s}",
			    "column", imp->columns[found].name));
			imp->col[i] = -1;
		}
	}
	for (int c = 0; imp->columns[c].name != NULL; c++)
		if (imp->columns[c].required && !seen[c])
			file_error(imp, "missing_column", json_pack("{s:s}",
			    "column", imp->columns[c].name));
}

/* The first error of a column (or of the "row") is the one it shows. */
static void
row_error(struct import_row *r, const char *col, const char *code,
    json_t *params)
{
	if (json_object_get(r->errors, col) != NULL) {
		json_decref(params);
		return;
	}
	json_object_set_new(r->errors, col, json_pack("{s:s, s:o}", "code",
	    code, "params", params != NULL ? params : json_object()));
}

/* The cell of a column in a row, "" when the row has none. */
static const char *
cell(const struct import_row *r, const char *col)
{
	json_t	*v = json_object_get(r->values, col);

	return v != NULL ? json_string_value(v) : "";
}

/* The row's cells by column, and what the reader found wrong in them. */
static void
row_read(struct import *imp, struct import_row *r)
{
	const struct csv_row	*src = r->src;
	size_t			 want = imp->csv->header.ncells;

	r->values = json_object();
	r->errors = json_object();
	if (src->unclosed)
		row_error(r, "row", "unclosed_quote", NULL);
	else if (src->ncells != want)
		row_error(r, "row", "ragged", json_pack("{s:I, s:I}", "cells",
		    (json_int_t)src->ncells, "expected", (json_int_t)want));
	for (size_t i = 0; i < src->ncells && i < want; i++) {
		const char	*name, *code;

		if (imp->col[i] < 0)
			continue;
		name = imp->columns[imp->col[i]].name;
		json_object_set_new(r->values, name,
		    json_string(src->cells[i].text));
		if ((code = csv_cell_error_code(src->cells[i].error)) == NULL)
			continue;
		row_error(r, name, code, src->cells[i].error ==
		    CSV_CELL_TOO_LONG ? json_pack("{s:i}", "max",
		    CSV_CELL_MAX) : NULL);
	}
}

/* The ticket type or session a cell names: by id, or by its name. */
static struct import_choice *
choice_find(struct import_choice *list, size_t n, const char *text)
{
	char	*end, *key;
	long long id;

	while (*text == ' ')
		text++;
	id = strtoll(text, &end, 10);
	if (end != text && strspn(end, " ") == strlen(end)) {
		for (size_t i = 0; i < n; i++)
			if (list[i].id == id)
				return &list[i];
		return NULL;
	}
	key = name_key(text);
	for (size_t i = 0; i < n && *key != '\0'; i++)
		if (strcmp(list[i].fold, key) == 0 ||
		    (list[i].fold_en != NULL && *list[i].fold_en != '\0' &&
		    strcmp(list[i].fold_en, key) == 0)) {
			free(key);
			return &list[i];
		}
	free(key);
	return NULL;
}

/*
 * The sessions a cell names, as ids in a JSON array: the whole cell as
 * one title first, else its parts between commas, semicolons or bars.
 */
static json_t *
sessions_of(struct import *imp, struct import_row *r, const char *text)
{
	json_t			*ids = json_array();
	struct import_choice	*c;
	char			*copy, *part, *rest;

	if (text[strspn(text, " ")] == '\0')
		return ids;
	if ((c = choice_find(imp->sessions, imp->nsessions, text)) != NULL) {
		json_array_append_new(ids, json_integer(c->id));
		return ids;
	}
	copy = xstrdup(text);
	for (rest = copy; (part = strsep(&rest, ",;|\n")) != NULL;) {
		if (part[strspn(part, " \r")] == '\0')
			continue;
		if ((c = choice_find(imp->sessions, imp->nsessions,
		    part)) == NULL) {
			row_error(r, "sessions", "not_a_choice",
			    json_pack("{s:s}", "value", part));
			break;
		}
		json_array_append_new(ids, json_integer(c->id));
	}
	free(copy);
	return ids;
}

/* A field error of the registration, on the column it came from. */
static const char *
path_column(const char *path)
{
	const char	*dot;

	if (strncmp(path, "attendees.", 10) == 0 &&
	    (dot = strchr(path + 10, '.')) != NULL)
		return dot + 1;
	if (strncmp(path, "contact.", 8) == 0)
		return path + 8;
	return path;
}

static void
errors_from_fields(struct import *imp, struct import_row *r, json_t *fields)
{
	const char	*path;
	json_t		*code;

	json_object_foreach(fields, path, code) {
		const char	*col = path_column(path);
		int		 known = 0;

		for (size_t c = 0; imp->columns[c].name != NULL; c++)
			known |= strcmp(imp->columns[c].name, col) == 0;
		row_error(r, known ? col : "row", json_is_string(code) ?
		    json_string_value(code) : "invalid", NULL);
	}
}

/* The registration of one the row would be, checked as any other. */
static void
attendee_check(struct import *imp, struct import_row *r)
{
	struct import_choice	*type = NULL;
	json_t			*body, *person, *fields = NULL;
	const char		*text;

	text = cell(r, "ticket_type");
	if (text[strspn(text, " ")] != '\0' && (type = choice_find(imp->types,
	    imp->ntypes, text)) == NULL)
		row_error(r, "ticket_type", "not_a_choice", json_pack("{s:s}",
		    "value", text));
	person = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "first_name", cell(r, "first_name"),
	    "last_name", cell(r, "last_name"), "email", cell(r, "email"),
	    "company", cell(r, "company"), "job_title", cell(r, "job_title"),
	    "dietary", cell(r, "dietary"));
	json_object_set_new(person, "sessions", sessions_of(imp, r,
	    cell(r, "sessions")));
	body = json_pack("{s:b, s:{s:s, s:s, s:s, s:s, s:s}, s:[o]}",
	    "privacy_accepted", 1, "contact",
	    "first_name", cell(r, "first_name"),
	    "last_name", cell(r, "last_name"), "email", cell(r, "email"),
	    "company", cell(r, "company"), "phone", cell(r, "phone"),
	    "attendees", person);
	if (type != NULL)
		json_object_set_new(body, "ticket_type", json_integer(type->id));
	r->input = reg_input_parse(body, REG_CODES, &fields);
	json_decref(body);
	if (fields != NULL) {
		errors_from_fields(imp, r, fields);
		json_decref(fields);
	}
	if (r->input != NULL) {
		r->input->on_behalf = 1;
		r->key = xstrdup(r->input->attendees[0].email_norm);
	} else if (*(text = cell(r, "email")) != '\0')
		r->key = email_normalise(text);
}

static void
speaker_check(struct import *imp, struct import_row *r)
{
	json_t		*body = json_object(), *errors = NULL, *code;
	const char	*col;

	/* An empty cell is a value left out: "required" if it must be. */
	for (size_t c = 0; imp->columns[c].name != NULL; c++)
		if (*cell(r, imp->columns[c].name) != '\0')
			json_object_set_new(body, imp->columns[c].name,
			    json_string(cell(r, imp->columns[c].name)));
	r->speaker = resource_parse(&speakers, body, 1, &errors);
	json_decref(body);
	json_object_foreach(errors, col, code)
		row_error(r, col, json_string_value(code), NULL);
	json_decref(errors);
	if (r->speaker != NULL)
		r->key = name_key(json_string_value(json_object_get(r->speaker,
		    "name")));
}

static int
key_cmp(const void *a, const void *b)
{
	const struct import_row	*ra = *(const struct import_row *const *)a;
	const struct import_row	*rb = *(const struct import_row *const *)b;
	int			 c = strcmp(ra->key, rb->key);

	if (c != 0)
		return c;
	return ra->src->line < rb->src->line ? -1 : 1;
}

/* The same address (or speaker) twice in the file: the later rows. */
static void
duplicates_mark(struct import *imp)
{
	struct import_row	**by = xreallocarray(NULL, imp->nrows + 1,
	    sizeof *by);
	const char		*col = imp->kind == IMPORT_SPEAKERS ? "name" :
	    "email";
	size_t			 n = 0;

	for (size_t i = 0; i < imp->nrows; i++)
		if (imp->rows[i].key != NULL && imp->rows[i].key[0] != '\0')
			by[n++] = &imp->rows[i];
	qsort(by, n, sizeof *by, key_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(by[i]->key, by[first]->key) != 0) {
			first = i;
			continue;
		}
		row_error(by[i], col, "duplicate", json_pack("{s:I}", "line",
		    (json_int_t)by[first]->src->line));
	}
	free(by);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The event's speakers' names as compared, sorted, to look rows up in. */
static int
speaker_keys_load(struct store *st, struct import *imp)
{
	static const char	 sql[] =
	    "SELECT name FROM speakers WHERE event_id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;

	sqlite3_bind_int64(s, 1, imp->event);
	while ((step = store_step(st, s)) == STORE_ROW) {
		imp->speaker_keys = xreallocarray(imp->speaker_keys,
		    imp->nspeaker_keys + 1, sizeof *imp->speaker_keys);
		imp->speaker_keys[imp->nspeaker_keys++] =
		    name_key(COL_TEXT(s, 0));
	}
	sqlite3_reset(s);
	if (imp->nspeaker_keys > 0)
		qsort(imp->speaker_keys, imp->nspeaker_keys,
		    sizeof *imp->speaker_keys, str_cmp);
	return step == STORE_ERROR ? -1 : 0;
}

/* Already in the event: an address registered, a speaker of that name. */
static int
taken_mark(struct store *st, struct import *imp, struct import_row *r)
{
	enum store_step	step;

	if (imp->kind == IMPORT_ATTENDEES) {
		if ((step = store_email_taken(st, imp->event,
		    r->key)) == STORE_ROW)
			row_error(r, "email", "taken", NULL);
		return step == STORE_ERROR ? -1 : 0;
	}
	if (imp->nspeaker_keys > 0 && bsearch(&r->key, imp->speaker_keys,
	    imp->nspeaker_keys, sizeof *imp->speaker_keys, str_cmp) != NULL)
		row_error(r, "name", "taken", NULL);
	return 0;
}

/*
 * Seats, in the order of the rows, as store_register() will take them: a
 * type with seats left confirms, one without waitlists or, with no
 * waitlist, refuses the row; a full session refuses it.
 */
static void
seats_mark(struct import *imp, struct import_row *r)
{
	struct import_choice	*t = NULL;
	const struct reg_person	*p = &r->input->attendees[0];

	for (size_t i = 0; i < imp->ntypes; i++)
		if (imp->types[i].id == r->input->ticket_type)
			t = &imp->types[i];
	for (size_t i = 0; i < p->nsessions; i++)
		for (size_t j = 0; j < imp->nsessions; j++) {
			struct import_choice *s = &imp->sessions[j];

			if (s->id != p->sessions[i])
				continue;
			if (s->left >= 0 && s->used >= s->left)
				row_error(r, "sessions", "full", json_pack(
				    "{s:s}", "session", s->title));
			s->used++;
		}
	if (t == NULL)
		return;
	if (t->left < 0 || t->used < t->left)
		r->status = "confirmed";
	else if (t->waitlist)
		r->status = "waitlisted";
	else
		row_error(r, "ticket_type", "full", json_pack("{s:I}", "left",
		    (json_int_t)t->left));
	t->used++;
}

static void
choices_free(struct import_choice *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].fold);
		free(list[i].fold_en);
		free(list[i].title);
	}
	free(list);
}

/* The event's ticket types and the sessions that take sign-ups. */
static int
choices_load(struct store *st, struct import *imp)
{
	static const char	 types_sql[] =
	    "SELECT id, name, name_en FROM ticket_types WHERE event_id = ?1"
	    " ORDER BY sort, id";
	static const char	 sessions_sql[] =
	    "SELECT id, title, CASE WHEN seats IS NULL THEN -1"
	    " ELSE max(seats - taken, 0) END FROM sessions"
	    " WHERE event_id = ?1 AND signup = 1 AND published = 1"
	    " AND cancelled = 0 ORDER BY starts_at, id";
	struct store_seats	 seats;
	struct import_choice	*c;
	sqlite3_stmt		*s;
	enum store_step		 step;

	s = store_stmt(st, types_sql);
	sqlite3_bind_int64(s, 1, imp->event);
	while ((step = store_step(st, s)) == STORE_ROW) {
		imp->types = xreallocarray(imp->types, imp->ntypes + 1,
		    sizeof *imp->types);
		c = &imp->types[imp->ntypes++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(s, 0);
		c->fold = name_key(COL_TEXT(s, 1));
		c->fold_en = name_key(COL_TEXT(s, 2));
		c->title = xstrdup(COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	if (step == STORE_ERROR)
		return -1;
	for (size_t i = 0; i < imp->ntypes; i++) {
		c = &imp->types[i];
		if (store_seats_get(st, c->id, NULL, (int64_t)time(NULL),
		    &seats) != STORE_ROW)
			return -1;
		c->left = seats.left;
		c->waitlist = seats.waitlist;
	}
	s = store_stmt(st, sessions_sql);
	sqlite3_bind_int64(s, 1, imp->event);
	while ((step = store_step(st, s)) == STORE_ROW) {
		imp->sessions = xreallocarray(imp->sessions,
		    imp->nsessions + 1, sizeof *imp->sessions);
		c = &imp->sessions[imp->nsessions++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(s, 0);
		c->title = xstrdup(COL_TEXT(s, 1));
		c->fold = name_key(c->title);
		c->left = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	return step == STORE_ERROR ? -1 : 0;
}

static enum store_step
event_exists(struct store *st, int64_t event)
{
	sqlite3_stmt	*s = store_stmt(st, "SELECT 1 FROM events WHERE id = ?1");
	enum store_step	 step;

	sqlite3_bind_int64(s, 1, event);
	step = store_step(st, s);
	sqlite3_reset(s);
	return step;
}

static int
rows_check(struct store *st, struct import *imp)
{
	imp->nrows = imp->csv->nrows;
	imp->rows = xcalloc(imp->nrows + 1, sizeof *imp->rows);
	for (size_t i = 0; i < imp->nrows; i++) {
		struct import_row	*r = &imp->rows[i];

		r->src = &imp->csv->rows[i];
		row_read(imp, r);
		if (json_object_get(r->errors, "row") != NULL)
			continue;
		if (imp->kind == IMPORT_ATTENDEES)
			attendee_check(imp, r);
		else
			speaker_check(imp, r);
	}
	duplicates_mark(imp);
	for (size_t i = 0; i < imp->nrows; i++) {
		struct import_row	*r = &imp->rows[i];

		if (r->key != NULL && taken_mark(st, imp, r) != 0)
			return -1;
		if (r->input != NULL && json_object_size(r->errors) == 0)
			seats_mark(imp, r);
		if (json_object_size(r->errors) > 0)
			imp->ninvalid++;
	}
	if (imp->nrows == 0)
		file_error(imp, "no_rows", NULL);
	return 0;
}

/*
 * Read and check a file for event. Returns the import, with every
 * problem on its row (import_valid() says whether there is any), or NULL
 * with err set: 404 no such event, 422 a file that cannot be read at all,
 * 500 the database failed.
 */
struct import *
import_parse(struct store *st, enum import_kind kind, int64_t event,
    const char *data, size_t len, struct store_error *err)
{
	struct import	*imp;
	const char	*error;
	enum store_step	 step;

	if ((step = event_exists(st, event)) != STORE_ROW) {
		if (step == STORE_ERROR)
			store_error_set(err, 500, "internal",
			    "the database could not be read");
		else
			store_error_set(err, 404, "not_found", "no such event");
		return NULL;
	}
	imp = xcalloc(1, sizeof *imp);
	imp->kind = kind;
	imp->event = event;
	imp->columns = kind == IMPORT_SPEAKERS ? speaker_columns :
	    attendee_columns;
	imp->file_errors = json_array();
	imp->header = json_array();
	imp->unknown = json_array();
	if ((imp->csv = csv_read(data, len, &error)) == NULL) {
		store_error_set(err, len > CSV_FILE_MAX ? 413 : 422, error,
		    "the file cannot be read as CSV");
		import_free(imp);
		return NULL;
	}
	header_map(imp);
	if ((kind == IMPORT_ATTENDEES && choices_load(st, imp) != 0) ||
	    (kind == IMPORT_SPEAKERS && speaker_keys_load(st, imp) != 0) ||
	    rows_check(st, imp) != 0) {
		store_error_set(err, 500, "internal",
		    "the database could not be read");
		import_free(imp);
		return NULL;
	}
	return imp;
}

int
import_valid(const struct import *imp)
{
	return imp->ninvalid == 0 && json_array_size(imp->file_errors) == 0;
}

size_t
import_rows(const struct import *imp)
{
	return imp->nrows;
}

static json_t *
row_json(const struct import_row *r)
{
	json_t	*o = json_pack("{s:I, s:O, s:O}", "line",
	    (json_int_t)r->src->line, "values", r->values, "errors",
	    r->errors);

	if (r->status != NULL && json_object_size(r->errors) == 0)
		json_object_set_new(o, "status", json_string(r->status));
	return o;
}

/* Every row with its values and errors, for the preview. */
json_t *
import_preview_json(const struct import *imp)
{
	json_t	*rows = json_array();
	char	 sep[2] = { imp->csv->sep, '\0' };

	for (size_t i = 0; i < imp->nrows; i++)
		json_array_append_new(rows, row_json(&imp->rows[i]));
	return json_pack("{s:s, s:I, s:s, s:s, s:O, s:O, s:O, s:o, s:I,"
	    " s:I, s:b}",
	    "kind", imp->kind == IMPORT_SPEAKERS ? "speakers" : "attendees",
	    "event", (json_int_t)imp->event,
	    "encoding", csv_encoding_name(imp->csv->encoding),
	    "separator", sep,
	    "columns", imp->header, "unknown_columns", imp->unknown,
	    "errors", imp->file_errors, "rows", rows,
	    "total", (json_int_t)imp->nrows,
	    "invalid", (json_int_t)imp->ninvalid, "valid", import_valid(imp));
}

/* The problems alone, as the fields of a refused import. */
static json_t *
problems_json(const struct import *imp)
{
	json_t	*rows = json_array();

	for (size_t i = 0; i < imp->nrows; i++)
		if (json_object_size(imp->rows[i].errors) > 0)
			json_array_append_new(rows, row_json(&imp->rows[i]));
	return json_pack("{s:O, s:o}", "file", imp->file_errors, "rows", rows);
}

/* Every problem is seats that ran out: a conflict, not bad input. */
static int
only_full(const struct import *imp)
{
	const char	*col;
	json_t		*e;

	if (json_array_size(imp->file_errors) > 0)
		return 0;
	for (size_t i = 0; i < imp->nrows; i++)
		json_object_foreach(imp->rows[i].errors, col, e)
			if (strcmp(json_string_value(json_object_get(e,
			    "code")), "full") != 0)
				return 0;
	return 1;
}

/*
 * A refused import's error, with every row's problems: 409 "full" when
 * seats are all that is wrong, else 422.
 */
void
import_error(const struct import *imp, struct store_error *err)
{
	if (only_full(imp))
		store_error_set(err, 409, "full", "%zu of %zu rows find no "
		    "seat", imp->ninvalid, imp->nrows);
	else
		store_error_set(err, 422, "import_invalid", "%zu of %zu rows "
		    "need attention", imp->ninvalid, imp->nrows);
	err->fields = problems_json(imp);
}

/* A row the writer could not register, as its error, all else undone. */
static void
row_refused(struct import *imp, struct import_row *r,
    struct store_error *row_err, struct store_error *err)
{
	json_decref(r->errors);
	r->errors = json_object();
	r->status = NULL;
	if (row_err->fields != NULL)
		errors_from_fields(imp, r, row_err->fields);
	else
		row_error(r, row_err->status == 409 ? "ticket_type" : "row",
		    row_err->code, NULL);
	store_error_set(err, row_err->status, row_err->code, "line %zu: %s",
	    r->src->line, row_err->message);
	err->fields = json_pack("{s:[], s:[o]}", "file", "rows", row_json(r));
}

static int
speaker_insert(struct store *st, int64_t event, const json_t *v)
{
	static const char	 sql[] =
	    "INSERT INTO speakers (event_id, name, company, title, bio)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt		*s = store_stmt(st, sql);
	const char		*cols[] = { "name", "company", "title", "bio" };

	sqlite3_bind_int64(s, 1, event);
	for (int i = 0; i < 4; i++) {
		json_t	*t = json_object_get(v, cols[i]);

		sqlite3_bind_text(s, i + 2, t ? json_string_value(t) : "", -1,
		    SQLITE_STATIC);
	}
	return store_step_done(st, s);
}

static int
counts_read(struct store *st, struct import *imp)
{
	static const char	 sql[] =
	    "SELECT coalesce(sum(status = 'confirmed'), 0),"
	    " coalesce(sum(status = 'waitlisted'), 0) FROM attendees"
	    " WHERE registration_id BETWEEN ?1 AND ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int			 rc = -1;

	sqlite3_bind_int64(s, 1, imp->first_id);
	sqlite3_bind_int64(s, 2, imp->last_id);
	if (store_step(st, s) == STORE_ROW) {
		imp->confirmed = sqlite3_column_int64(s, 0);
		imp->waitlisted = sqlite3_column_int64(s, 1);
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

static int
import_audit(struct store *st, const struct import *imp,
    const struct staff *who, const char *address)
{
	json_t	*d = json_pack("{s:I, s:I}", "event", (json_int_t)imp->event,
	    "rows", (json_int_t)imp->nrows);
	char	*text;
	int	 rc = -1;

	if (imp->kind == IMPORT_ATTENDEES) {
		json_object_set_new(d, "confirmed",
		    json_integer(imp->confirmed));
		json_object_set_new(d, "waitlisted",
		    json_integer(imp->waitlisted));
	}
	if ((text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS)) != NULL)
		rc = store_audit(st, who, NULL, imp->kind == IMPORT_SPEAKERS ?
		    "import.speakers" : "import.attendees", text, address,
		    (int64_t)time(NULL));
	free(text);
	json_decref(d);
	return rc;
}

/*
 * On the writer, inside the job's savepoint: every row, or -1 with err
 * set (the row that did not fit: 409 full, 422 taken; 500) so that the
 * writer undoes the rows before it. Audited once, with the counts.
 */
int
store_import_write(struct store *st, struct import *imp,
    const struct staff *who, const char *address, struct store_error *err)
{
	struct store_error	 row_err;
	int64_t			 id;
	int			 replayed;

	for (size_t i = 0; i < imp->nrows; i++) {
		struct import_row	*r = &imp->rows[i];

		if (imp->kind == IMPORT_SPEAKERS) {
			if (speaker_insert(st, imp->event, r->speaker) != 0)
				goto fail;
			continue;
		}
		memset(&row_err, 0, sizeof row_err);
		if ((id = store_register(st, r->input, NULL, NULL, &replayed,
		    &row_err)) < 0) {
			if (row_err.status == 500) {
				store_error_clear(&row_err);
				goto fail;
			}
			row_refused(imp, r, &row_err, err);
			store_error_clear(&row_err);
			return -1;
		}
		if (i == 0)
			imp->first_id = id;
		imp->last_id = id;
	}
	if ((imp->kind == IMPORT_ATTENDEES && imp->nrows > 0 &&
	    counts_read(st, imp) != 0) || import_audit(st, imp, who,
	    address) != 0)
		goto fail;
	return 0;
fail:
	store_error_set(err, 500, "internal", "the import could not be saved");
	return -1;
}

/* What was written, for the answer. */
json_t *
import_result_json(const struct import *imp)
{
	json_t	*o = json_pack("{s:s, s:I, s:I}", "kind",
	    imp->kind == IMPORT_SPEAKERS ? "speakers" : "attendees",
	    "event", (json_int_t)imp->event,
	    "imported", (json_int_t)imp->nrows);

	if (imp->kind == IMPORT_ATTENDEES) {
		json_object_set_new(o, "confirmed",
		    json_integer(imp->confirmed));
		json_object_set_new(o, "waitlisted",
		    json_integer(imp->waitlisted));
	}
	return o;
}

/* Whether a written row signed anyone up: the programme's seats moved. */
int
import_has_signups(const struct import *imp)
{
	for (size_t i = 0; i < imp->nrows; i++)
		if (imp->rows[i].input != NULL &&
		    imp->rows[i].input->attendees[0].nsessions > 0)
			return 1;
	return 0;
}

void
import_free(struct import *imp)
{
	if (imp == NULL)
		return;
	for (size_t i = 0; i < imp->nrows; i++) {
		json_decref(imp->rows[i].values);
		json_decref(imp->rows[i].errors);
		reg_input_free(imp->rows[i].input);
		json_decref(imp->rows[i].speaker);
		free(imp->rows[i].key);
	}
	free(imp->rows);
	choices_free(imp->types, imp->ntypes);
	choices_free(imp->sessions, imp->nsessions);
	for (size_t i = 0; i < imp->nspeaker_keys; i++)
		free(imp->speaker_keys[i]);
	free(imp->speaker_keys);
	json_decref(imp->file_errors);
	json_decref(imp->header);
	json_decref(imp->unknown);
	csv_free(imp->csv);
	free(imp);
}
