/*
 * store-export.c: what each export holds. An export is its columns (the
 * header in Swedish and English, the type of each cell) and one or more
 * segments of rows, each a query over one part: the main entrance and
 * each session with sign-ups for the check-ins, each meal for the
 * caterer. Rows are read in batches of EXPORT_BATCH by key (the last
 * column of every query, never shown): a batch is one short statement,
 * reset before the next, so that an export read while its client is slow
 * keeps no statement open on the worker's connection between batches (a
 * read transaction held that long would show the worker's other requests
 * an old snapshot, and keep the WAL from being checkpointed). Each row is
 * in the export once: keys are ids or need texts, and never change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

#define EXPORT_BATCH		256	/* rows of one statement */
#define FILENAME_TITLE_MAX	40	/* characters of a session's title */

/*
 * Parameters of every query: ?1 event, ?2 part, ?3 key after, ?4 limit,
 * ?5 language. A batch must be a range of its key's index: "+a.event_id"
 * keeps SQLite from reading the event's attendees by another index and
 * sorting them all for each batch of 256.
 */
#define TT_NAME "CASE WHEN ?5 = 'en' AND t.name_en <> '' THEN t.name_en" \
	" ELSE t.name END"

struct export_segment {
	const char	*sql;
	int64_t		 part;
};

struct export_kind {
	const char			*name;		/* in the path */
	const char			*file[EXPORT_LANGS];
	const struct export_column	*columns;
	size_t				 ncolumns;
	int				 per_session;
	int				(*segments)(struct store *,
					    const struct export_of *,
					    struct export_segment **, size_t *);
};

struct export_cursor {
	struct store			*st;
	const struct export_kind	*kind;
	int64_t				 event_id;
	const char			*lang;
	struct export_segment		*segs;
	size_t				 nsegs, seg;
	sqlite3_value			*after;	/* the last key, or NULL */
	sqlite3_stmt			*s;	/* the batch being read */
	int				 n;	/* rows read from s */
	int64_t				 rows;
};

/* Words shown for the codes the store keeps, and for NULL cells. */
static const struct {
	const char	*code;
	const char	*word[EXPORT_LANGS];
} words[] = {
	{ "confirmed", { "bekräftad", "confirmed" } },
	{ "waitlisted", { "väntelista", "waitlisted" } },
	{ "cancelled", { "avbokad", "cancelled" } },
	{ "checked_in", { "incheckad", "checked in" } },
	{ "no_show", { "uteblev", "no-show" } },
	{ "main", { "Huvudentré", "Main entrance" } },
	{ "none", { "Ingen specialkost", "No special diet" } },
	{ "invoice", { "faktura", "invoice" } },
	{ "credit", { "kreditfaktura", "credit note" } },
	{ "yes", { "ja", "yes" } },
	{ "no", { "nej", "no" } },
};

/* ------------------------------------------------------------ attendees */

static const struct export_column attendee_columns[] = {
	{ { "ID", "ID" }, EXPORT_INT, 8, NULL },
	{ { "Anmälan", "Registration" }, EXPORT_INT, 12, NULL },
	{ { "Förnamn", "First name" }, EXPORT_TEXT, 16, NULL },
	{ { "Efternamn", "Last name" }, EXPORT_TEXT, 20, NULL },
	{ { "E-post", "Email" }, EXPORT_TEXT, 30, NULL },
	{ { "Telefon (kontaktperson)", "Phone (contact person)" },
	  EXPORT_TEXT, 18, NULL },
	{ { "Företag", "Company" }, EXPORT_TEXT, 26, NULL },
	{ { "Befattning", "Job title" }, EXPORT_TEXT, 22, NULL },
	{ { "Biljettyp", "Ticket type" }, EXPORT_TEXT, 16, NULL },
	{ { "Status", "Status" }, EXPORT_WORD, 12, NULL },
	{ { "Anmäld", "Registered at" }, EXPORT_TIME, 17, NULL },
	{ { "Specialkost", "Dietary needs" }, EXPORT_TEXT, 20, NULL },
	{ { "Anmäld till", "Signed up for" }, EXPORT_TEXT, 30, NULL },
	{ { "Incheckad", "Checked in at" }, EXPORT_TIME, 17, NULL },
	{ { "Passkod", "Pass code" }, EXPORT_TEXT, 30, NULL },
	{ { "Kontaktperson", "Contact person" }, EXPORT_TEXT, 22, NULL },
};

static const char attendees_sql[] =
    "SELECT a.id, a.registration_id, a.first_name, a.last_name, a.email,"
    " r.contact_phone, a.company, a.job_title, " TT_NAME ", a.status,"
    " a.created_at, a.dietary,"
    " (SELECT group_concat(title, ', ') FROM (SELECT s.title"
    "  FROM attendee_sessions x JOIN sessions s ON s.id = x.session_id"
    "  WHERE x.attendee_id = a.id ORDER BY s.starts_at, s.id)),"
    " (SELECT c.at FROM checkins c WHERE c.attendee_id = a.id"
    "  AND c.checkpoint = 'main' AND c.undone_at IS NULL),"
    " a.pass_code, r.contact_first_name || ' ' || r.contact_last_name, a.id"
    " FROM attendees a JOIN registrations r ON r.id = a.registration_id"
    " JOIN ticket_types t ON t.id = a.ticket_type_id"
    " WHERE +a.event_id = ?1 AND a.id > coalesce(?3, 0)"
    " ORDER BY a.id LIMIT ?4";

static int
one_segment(const char *sql, int64_t part, struct export_segment **segs,
    size_t *n)
{
	*segs = xcalloc(1, sizeof **segs);
	(*segs)[0].sql = sql;
	(*segs)[0].part = part;
	*n = 1;
	return 0;
}

static int
attendee_segments(struct store *st, const struct export_of *of,
    struct export_segment **segs, size_t *n)
{
	(void)st;
	(void)of;
	return one_segment(attendees_sql, 0, segs, n);
}

const struct export_kind export_attendees = {
	.name = "attendees",
	.file = { "deltagare", "attendees" },
	.columns = attendee_columns,
	.ncolumns = sizeof attendee_columns / sizeof attendee_columns[0],
	.segments = attendee_segments,
};

/* ------------------------------------------- sign-ups: the bus list */

static const struct export_column signup_columns[] = {
	{ { "Förnamn", "First name" }, EXPORT_TEXT, 16, NULL },
	{ { "Efternamn", "Last name" }, EXPORT_TEXT, 20, NULL },
	{ { "Företag", "Company" }, EXPORT_TEXT, 26, NULL },
	{ { "Telefon (kontaktperson)", "Phone (contact person)" },
	  EXPORT_TEXT, 18, NULL },
	{ { "E-post", "Email" }, EXPORT_TEXT, 30, NULL },
	{ { "Specialkost", "Dietary needs" }, EXPORT_TEXT, 20, NULL },
};

/* Confirmed attendees only: a waitlisted one has no seat on the bus. */
static const char signups_sql[] =
    "SELECT a.first_name, a.last_name, a.company, r.contact_phone, a.email,"
    " a.dietary, x.attendee_id"
    " FROM attendee_sessions x JOIN attendees a ON a.id = x.attendee_id"
    " JOIN registrations r ON r.id = a.registration_id"
    " WHERE x.session_id = ?2 AND a.event_id = ?1 AND a.status = 'confirmed'"
    " AND x.attendee_id > coalesce(?3, 0)"
    " ORDER BY x.attendee_id LIMIT ?4";

static int
signup_segments(struct store *st, const struct export_of *of,
    struct export_segment **segs, size_t *n)
{
	(void)st;
	return one_segment(signups_sql, of->session_id, segs, n);
}

const struct export_kind export_signups = {
	.name = "signups",
	.file = { "anmälda", "signups" },
	.columns = signup_columns,
	.ncolumns = sizeof signup_columns / sizeof signup_columns[0],
	.per_session = 1,
	.segments = signup_segments,
};

/* ---------------------------------------------- check-ins and no-shows */

static const struct export_column checkin_columns[] = {
	{ { "Kontrollpunkt", "Checkpoint" }, EXPORT_TEXT, 24, "main" },
	{ { "Förnamn", "First name" }, EXPORT_TEXT, 16, NULL },
	{ { "Efternamn", "Last name" }, EXPORT_TEXT, 20, NULL },
	{ { "Företag", "Company" }, EXPORT_TEXT, 26, NULL },
	{ { "Biljettyp", "Ticket type" }, EXPORT_TEXT, 16, NULL },
	{ { "Resultat", "Result" }, EXPORT_WORD, 12, NULL },
	{ { "Incheckad", "Checked in at" }, EXPORT_TIME, 17, NULL },
	{ { "Incheckad av", "Checked in by" }, EXPORT_TEXT, 16, NULL },
};

#define CHECKIN_COLUMNS \
	" a.first_name, a.last_name, a.company, " TT_NAME "," \
	" CASE WHEN c.at IS NULL THEN 'no_show' ELSE 'checked_in' END," \
	" c.at, u.name,"

/* Expected at the entrance: every confirmed attendee; and whoever came. */
static const char checkin_main_sql[] =
    "SELECT NULL," CHECKIN_COLUMNS " a.id"
    " FROM attendees a JOIN ticket_types t ON t.id = a.ticket_type_id"
    " LEFT JOIN checkins c ON c.attendee_id = a.id AND c.checkpoint = 'main'"
    "  AND c.undone_at IS NULL"
    " LEFT JOIN users u ON u.id = c.user_id"
    " WHERE +a.event_id = ?1 AND a.id > coalesce(?3, 0)"
    " AND (a.status = 'confirmed' OR c.id IS NOT NULL)"
    " ORDER BY a.id LIMIT ?4";

/* Expected at a session: those signed up for it. */
static const char checkin_session_sql[] =
    "SELECT s.title," CHECKIN_COLUMNS " x.attendee_id"
    " FROM attendee_sessions x JOIN sessions s ON s.id = x.session_id"
    " JOIN attendees a ON a.id = x.attendee_id"
    " JOIN ticket_types t ON t.id = a.ticket_type_id"
    " LEFT JOIN checkins c ON c.attendee_id = a.id"
    "  AND c.checkpoint = 'session-' || ?2 AND c.undone_at IS NULL"
    " LEFT JOIN users u ON u.id = c.user_id"
    " WHERE x.session_id = ?2 AND x.attendee_id > coalesce(?3, 0)"
    " AND (a.status = 'confirmed' OR c.id IS NOT NULL)"
    " ORDER BY x.attendee_id LIMIT ?4";

/* Checked in at a session and signed up no longer (cancelled since). */
static const char checkin_extra_sql[] =
    "SELECT s.title," CHECKIN_COLUMNS " c.id"
    " FROM checkins c JOIN attendees a ON a.id = c.attendee_id"
    " JOIN sessions s ON s.id = ?2"
    " JOIN ticket_types t ON t.id = a.ticket_type_id"
    " LEFT JOIN users u ON u.id = c.user_id"
    " WHERE c.checkpoint = 'session-' || ?2 AND c.undone_at IS NULL"
    " AND c.id > coalesce(?3, 0) AND NOT EXISTS (SELECT 1"
    "  FROM attendee_sessions x WHERE x.attendee_id = c.attendee_id"
    "  AND x.session_id = ?2)"
    " ORDER BY c.id LIMIT ?4";

/* Add one segment per row of sql (a part id, and a flag picking sql1). */
static int
segments_of(struct store *st, int64_t event_id, const char *parts_sql,
    const char *sql0, const char *sql1, const char *extra,
    struct export_segment **segs, size_t *n)
{
	sqlite3_stmt	*s = store_stmt(st, parts_sql);
	enum store_step	 rc;
	size_t		 per = extra != NULL ? 2 : 1;

	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		*segs = xreallocarray(*segs, *n + per, sizeof **segs);
		(*segs)[*n].part = sqlite3_column_int64(s, 0);
		(*segs)[*n].sql = sqlite3_column_int(s, 1) ? sql1 : sql0;
		if (extra != NULL) {
			(*segs)[*n + 1].part = (*segs)[*n].part;
			(*segs)[*n + 1].sql = extra;
		}
		*n += per;
	}
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : 0;
}

static int
checkin_segments(struct store *st, const struct export_of *of,
    struct export_segment **segs, size_t *n)
{
	static const char	 sql[] = "SELECT id, 0 FROM sessions"
	    " WHERE event_id = ?1 AND signup = 1 ORDER BY starts_at, id";

	one_segment(checkin_main_sql, 0, segs, n);
	return segments_of(st, of->event_id, sql, checkin_session_sql,
	    checkin_session_sql, checkin_extra_sql, segs, n);
}

const struct export_kind export_checkins = {
	.name = "checkins",
	.file = { "incheckning", "checkins" },
	.columns = checkin_columns,
	.ncolumns = sizeof checkin_columns / sizeof checkin_columns[0],
	.segments = checkin_segments,
};

/* ------------------------------------- invoices, for the accountant */

static const struct export_column invoice_columns[] = {
	{ { "Nummer", "Number" }, EXPORT_INT, 10, NULL },
	{ { "Typ", "Kind" }, EXPORT_WORD, 14, NULL },
	{ { "Avser faktura", "Credits invoice" }, EXPORT_INT, 12, NULL },
	{ { "Anmälan", "Registration" }, EXPORT_INT, 12, NULL },
	{ { "Köpare", "Buyer" }, EXPORT_TEXT, 28, NULL },
	{ { "Organisationsnummer", "Organisation number" }, EXPORT_TEXT, 14,
	  NULL },
	{ { "Momsregistreringsnummer", "VAT number" }, EXPORT_TEXT, 16, NULL },
	{ { "Er referens", "Buyer's reference" }, EXPORT_TEXT, 20, NULL },
	{ { "Fakturadatum", "Issued" }, EXPORT_TEXT, 12, NULL },
	{ { "Förfallodatum", "Due" }, EXPORT_TEXT, 12, NULL },
	{ { "OCR", "OCR" }, EXPORT_TEXT, 14, NULL },
	{ { "Netto", "Net" }, EXPORT_MONEY, 12, NULL },
	{ { "Moms", "VAT" }, EXPORT_MONEY, 12, NULL },
	{ { "Summa", "Total" }, EXPORT_MONEY, 12, NULL },
	{ { "Betalt", "Paid" }, EXPORT_MONEY, 12, NULL },
	{ { "Kvar att betala", "Still to pay" }, EXPORT_MONEY, 12, NULL },
	{ { "Omvänd betalningsskyldighet", "Reverse charge" }, EXPORT_WORD, 10,
	  NULL },
};

static const char invoices_sql[] =
    "SELECT i.number, i.kind, c.number, i.registration_id,"
    " json_extract(i.document, '$.buyer.name'),"
    " json_extract(i.document, '$.buyer.org_number'),"
    " json_extract(i.document, '$.buyer.vat_number'),"
    " json_extract(i.document, '$.buyer.reference'),"
    " json_extract(i.document, '$.issued'), json_extract(i.document, '$.due'),"
    " i.ocr, i.net_ore, i.vat_ore, i.total_ore,"
    " coalesce((SELECT sum(p.amount_ore) FROM payments p"
    "  WHERE p.invoice_id = i.id), 0),"
    " CASE WHEN i.kind = 'invoice' THEN " INVOICE_BALANCE("i") " END,"
    " CASE WHEN json_extract(i.document, '$.reverse_charge') THEN 'yes'"
    "  ELSE 'no' END, i.number"
    " FROM invoices i LEFT JOIN invoices c ON c.id = i.credits_id"
    " WHERE i.event_id = ?1 AND i.number > coalesce(?3, 0)"
    " ORDER BY i.number LIMIT ?4";

static int
invoice_segments(struct store *st, const struct export_of *of,
    struct export_segment **segs, size_t *n)
{
	(void)st;
	(void)of;
	return one_segment(invoices_sql, 0, segs, n);
}

const struct export_kind export_invoices = {
	.name = "invoices",
	.file = { "fakturor", "invoices" },
	.columns = invoice_columns,
	.ncolumns = sizeof invoice_columns / sizeof invoice_columns[0],
	.segments = invoice_segments,
};

/* ----------------------------------------- the caterer: needs per meal */

static const struct export_column catering_columns[] = {
	{ { "Måltid", "Meal" }, EXPORT_TEXT, 28, NULL },
	{ { "Tid", "Starts" }, EXPORT_TIME, 17, NULL },
	{ { "Specialkost", "Dietary needs" }, EXPORT_TEXT, 28, "none" },
	{ { "Portioner", "Portions" }, EXPORT_INT, 10, NULL },
};

/*
 * A meal without sign-ups feeds every confirmed attendee: the counts the
 * store keeps for the dashboard (needs folded to lower case), and first
 * those without a need. Keys: '' for them, the need for the others. The
 * ticket types' counts hold every confirmed attendee; the event's leaves
 * out the speakers the capacity does not count.
 */
static const char catering_all_sql[] =
    "SELECT m.title, m.starts_at, NULL, (SELECT coalesce(sum(t.confirmed_count),"
    "  0) FROM ticket_types t WHERE t.event_id = ?1) - coalesce("
    "  (SELECT sum(attendees) FROM event_dietary_counts WHERE event_id = ?1),"
    "  0), '' FROM sessions m JOIN events e ON e.id = m.event_id"
    " WHERE m.id = ?2 AND ?3 IS NULL"
    " UNION ALL"
    " SELECT m.title, m.starts_at, d.dietary, d.attendees, d.dietary"
    " FROM event_dietary_counts d JOIN sessions m ON m.id = ?2"
    " WHERE d.event_id = ?1 AND d.attendees > 0"
    " AND d.dietary > coalesce(?3, '')"
    " ORDER BY 5 LIMIT ?4";

/* A meal with sign-ups (the dinner) feeds the confirmed who signed up. */
static const char catering_signup_sql[] =
    "SELECT m.title, m.starts_at, nullif(g.k, ''), g.n, g.k"
    " FROM (SELECT lower(trim(a.dietary)) AS k, count(*) AS n"
    "  FROM attendee_sessions x JOIN attendees a ON a.id = x.attendee_id"
    "  WHERE x.session_id = ?2 AND a.status = 'confirmed' GROUP BY 1) g"
    " JOIN sessions m ON m.id = ?2"
    " WHERE ?3 IS NULL OR g.k > ?3"
    " ORDER BY g.k LIMIT ?4";

static int
catering_segments(struct store *st, const struct export_of *of,
    struct export_segment **segs, size_t *n)
{
	static const char	 sql[] = "SELECT id, signup FROM sessions"
	    " WHERE event_id = ?1 AND kind = 'meal' ORDER BY starts_at, id";

	return segments_of(st, of->event_id, sql, catering_all_sql,
	    catering_signup_sql, NULL, segs, n);
}

const struct export_kind export_catering = {
	.name = "catering",
	.file = { "måltider", "catering" },
	.columns = catering_columns,
	.ncolumns = sizeof catering_columns / sizeof catering_columns[0],
	.segments = catering_segments,
};

/* ---------------------------------------------------------- the kinds */

const char *
export_name(const struct export_kind *k)
{
	return k->name;
}

/* What the export is, in a word of lang ("deltagare"). */
const char *
export_label(const struct export_kind *k, enum export_lang lang)
{
	return k->file[lang];
}

int
export_per_session(const struct export_kind *k)
{
	return k->per_session;
}

const struct export_column *
export_columns(const struct export_kind *k, size_t *n)
{
	*n = k->ncolumns;
	return k->columns;
}

/* The word for a code in lang; the code itself when it has none. */
const char *
export_word(const char *code, enum export_lang lang)
{
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i].code, code) == 0)
			return words[i].word[lang];
	return code;
}

const char *
export_lang_code(enum export_lang lang)
{
	return lang == EXPORT_EN ? "en" : "sv";
}

/* The first max characters of the UTF-8 text s, in a new string. */
static char *
utf8_prefix(const char *s, size_t max)
{
	size_t	n = 0, chars = 0;

	for (; s[n] != '\0'; n++)
		if (((unsigned char)s[n] & 0xc0) != 0x80 && chars++ == max)
			break;
	return xstrndup(s, n);
}

/*
 * The name of the file an export is downloaded as: the event's slug, what
 * it is, a session's title (its first FILENAME_TITLE_MAX characters), the
 * date, the extension ("techtank-2027-deltagare-2027-11-28.csv"), made by
 * filename_stem() as every download's name is. With ascii, folded first
 * to plain lower-case words (Studiebesök: studiebesok) for the filename=
 * of Content-Disposition; else in UTF-8, for filename*=.
 */
char *
export_filename(const struct export_kind *k, const char *slug,
    const char *session, const char *date, enum export_lang lang,
    const char *ext, int ascii)
{
	char	*title = session != NULL ? utf8_prefix(session,
	    FILENAME_TITLE_MAX) : NULL;
	char	*text, *folded, *stem, *name;

	xasprintf(&text, "%s %s %s %s", slug != NULL ? slug : "",
	    k->file[lang], title != NULL ? title : "",
	    date != NULL ? date : "");
	if (ascii) {
		folded = text_fold(text);
		free(text);
		text = folded;
	}
	stem = filename_stem(text, ascii);
	xasprintf(&name, "%s.%s", stem, ext);
	free(stem);
	free(text);
	free(title);
	return name;
}

/* ------------------------------------------------------ what is exported */

/* 1 with of filled, 0 no such event (or session of it), -1 error. */
int
store_export_of(struct store *st, const struct export_kind *k, int64_t event,
    int64_t session, struct export_of *of)
{
	static const char	 event_sql[] =
	    "SELECT slug, timezone FROM events WHERE id = ?1";
	static const char	 session_sql[] =
	    "SELECT title FROM sessions WHERE id = ?2 AND event_id = ?1"
	    " AND signup = 1";
	sqlite3_stmt		*s = store_stmt(st, event_sql);
	enum store_step		 rc;

	memset(of, 0, sizeof *of);
	of->event_id = event;
	sqlite3_bind_int64(s, 1, event);
	if ((rc = store_step(st, s)) == STORE_ROW) {
		of->slug = xstrdup(COL_TEXT(s, 0));
		of->zone = xstrdup(COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	if (rc != STORE_ROW || !k->per_session)
		return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
	of->session_id = session;
	s = store_stmt(st, session_sql);
	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 2, session);
	if ((rc = store_step(st, s)) == STORE_ROW)
		of->session = xstrdup(COL_TEXT(s, 0));
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : rc == STORE_ROW;
}

void
store_export_of_clear(struct export_of *of)
{
	free(of->slug);
	free(of->zone);
	free(of->session);
	memset(of, 0, sizeof *of);
}

static json_t *
export_item(int64_t event_id, const struct export_kind *k, int64_t session)
{
	char	base[128];

	if (session > 0)
		snprintf(base, sizeof base, "/api/v1/admin/events/%lld/exports/"
		    "sessions/%lld/%s", (long long)event_id,
		    (long long)session, k->name);
	else
		snprintf(base, sizeof base, "/api/v1/admin/events/%lld/"
		    "exports/%s", (long long)event_id, k->name);
	return json_pack("{s:s, s:s+, s:s+}", "export", k->name,
	    "csv", base, ".csv", "xlsx", base, ".xlsx");
}

/*
 * The exports of an event, with their addresses, for the console: each
 * session with sign-ups has its list. NULL: no such event (*found 0), or
 * the database failed (-1).
 */
json_t *
store_exports_json(struct store *st, int64_t event_id, int *found)
{
	static const char	 sql[] = "SELECT e.name, s.id, s.title,"
	    " s.starts_at, e.timezone FROM events e LEFT JOIN sessions s"
	    " ON s.event_id = e.id AND s.signup = 1 WHERE e.id = ?1"
	    " ORDER BY s.starts_at, s.id";
	static const struct export_kind *const whole[] = { &export_attendees,
	    &export_catering, &export_checkins, &export_invoices };
	sqlite3_stmt		*s = store_stmt(st, sql);
	json_t			*list = json_array(), *answer = NULL, *item;
	enum store_step		 rc;
	char			 at[32];

	*found = 0;
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
		json_array_append_new(list, export_item(event_id, whole[i], 0));
	sqlite3_bind_int64(s, 1, event_id);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		if (answer == NULL)
			answer = json_pack("{s:I, s:s}", "event",
			    (json_int_t)event_id, "name", COL_TEXT(s, 0));
		if (sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		timefmt_iso((time_t)sqlite3_column_int64(s, 3), COL_TEXT(s, 4),
		    at);
		item = export_item(event_id, &export_signups,
		    sqlite3_column_int64(s, 1));
		json_object_set_new(item, "session", json_pack("{s:I, s:s,"
		    " s:s}", "id", (json_int_t)sqlite3_column_int64(s, 1),
		    "title", COL_TEXT(s, 2), "starts_at", at));
		json_array_append_new(list, item);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR || answer == NULL) {
		*found = rc == STORE_ERROR ? -1 : 0;
		json_decref(list);
		json_decref(answer);
		return NULL;
	}
	*found = 1;
	json_object_set_new(answer, "exports", list);
	return answer;
}

/* ------------------------------------------------------------- reading */

struct export_cursor *
export_open(struct store *st, const struct export_kind *k,
    const struct export_of *of, enum export_lang lang)
{
	struct export_cursor	*c = xcalloc(1, sizeof *c);

	c->st = st;
	c->kind = k;
	c->event_id = of->event_id;
	c->lang = export_lang_code(lang);
	if (k->segments(st, of, &c->segs, &c->nsegs) != 0) {
		export_close(c);
		return NULL;
	}
	return c;
}

static void
batch_start(struct export_cursor *c)
{
	const struct export_segment	*seg = &c->segs[c->seg];

	c->s = store_stmt(c->st, seg->sql);
	sqlite3_bind_int64(c->s, 1, c->event_id);
	sqlite3_bind_int64(c->s, 2, seg->part);
	if (c->after != NULL)
		sqlite3_bind_value(c->s, 3, c->after);
	sqlite3_bind_int(c->s, 4, EXPORT_BATCH);
	sqlite3_bind_text(c->s, 5, c->lang, -1, SQLITE_STATIC);
	c->n = 0;
}

/*
 * The next row in *row, its cells in the kind's columns (valid until the
 * next call); STORE_DONE after the last, STORE_ERROR when the database
 * failed.
 */
enum store_step
export_next(struct export_cursor *c, sqlite3_stmt **row)
{
	enum store_step	rc;

	while (c->seg < c->nsegs) {
		if (c->s == NULL)
			batch_start(c);
		if ((rc = store_step(c->st, c->s)) == STORE_ROW) {
			c->n++;
			c->rows++;
			sqlite3_value_free(c->after);
			c->after = sqlite3_value_dup(sqlite3_column_value(c->s,
			    (int)c->kind->ncolumns));
			if (c->after == NULL) {
				/* No memory: the next batch would repeat. */
				export_pause(c);
				return STORE_ERROR;
			}
			*row = c->s;
			return STORE_ROW;
		}
		sqlite3_reset(c->s);
		c->s = NULL;
		if (rc == STORE_ERROR)
			return STORE_ERROR;
		if (c->n < EXPORT_BATCH) {
			/* The segment is through. */
			c->seg++;
			sqlite3_value_free(c->after);
			c->after = NULL;
		}
	}
	return STORE_DONE;
}

/* Let go of the statement until the next row is asked for. */
void
export_pause(struct export_cursor *c)
{
	if (c->s != NULL) {
		sqlite3_reset(c->s);
		c->s = NULL;
	}
}

int64_t
export_rows(const struct export_cursor *c)
{
	return c->rows;
}

void
export_close(struct export_cursor *c)
{
	if (c == NULL)
		return;
	export_pause(c);
	sqlite3_value_free(c->after);
	free(c->segs);
	free(c);
}
