/*
 * store-privacy.c: personal data as the GDPR expects. A link's holder
 * reads everything stored about what the link opens (the contact's link
 * the whole registration, a personal link its attendee alone) and erases
 * it; an organiser erases an event's personal data, or the daemon does
 * once the event's period after its end is over.
 *
 * Erasure is not deletion: the rows stay, so that counts, the dashboard
 * and anonymous statistics still add up, with every personal field
 * overwritten. What erasure touches is one list of tables (scrubs[]),
 * each with the count its dry run shows and the statement that erases;
 * every statement reads the same scope: ?1 the event, ?2 a registration
 * (0: all of the event's), ?3 an attendee (0: all of the registration's),
 * ?4 the time. A new table holding personal data is one more entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-privacy.h"

/* The attendees and registrations in scope. */
#define ATT_SCOPE "SELECT id FROM attendees WHERE event_id = ?1" \
	" AND (?2 = 0 OR registration_id = ?2) AND (?3 = 0 OR id = ?3)"
#define REG_SCOPE "SELECT id FROM registrations WHERE event_id = ?1" \
	" AND (?2 = 0 OR id = ?2) AND ?3 = 0"

/*
 * The audit rows of changes to the people in scope: the attendee's
 * ("attendee.*", {"id": 12, ...}) and their registration's
 * ("registration.*", {"id": 7, ...}), whose details carry names and
 * free text. The door's rows name an attendee by id alone.
 */
#define AUDIT_CHANGES "((action GLOB 'attendee.*' AND CASE WHEN" \
	" json_valid(detail) THEN json_extract(detail, '$.id') END IN (" \
	ATT_SCOPE ")) OR (action GLOB 'registration.*' AND CASE WHEN" \
	" json_valid(detail) THEN json_extract(detail, '$.id') END IN (" \
	REG_SCOPE ")))"
/* The outbox's messages to the people in scope, the contact's too. */
#define OUTBOX_ABOUT "(attendee_id IN (" ATT_SCOPE ") OR (attendee_id IS" \
	" NULL AND registration_id IN (" REG_SCOPE ")))"
/* and every audit row about them, as the attendee's page lists them. */
#define AUDIT_ABOUT "(" AUDIT_CHANGES " OR (action = 'checkin' AND" \
	" instr(detail, ': attendee ') > 0 AND CAST(substr(detail," \
	" instr(detail, ': attendee ') + 11) AS INTEGER) IN (" ATT_SCOPE "))" \
	" OR (action = 'checkin_undo' AND detail IN (SELECT 'check-in ' || id" \
	" FROM checkins WHERE attendee_id IN (" ATT_SCOPE "))))"

/* What an erased audit row keeps of its detail: that it happened. */
#define AUDIT_ERASED "'{\"erased\":true}'"

struct scrub {
	const char	*table;		/* as the dry run names it */
	const char	*count;		/* rows that would change; NULL: none */
	const char	*erase;
};

static const struct scrub scrubs[] = {
	{ "attendees",
	  "SELECT count(*) FROM attendees WHERE id IN (" ATT_SCOPE ")"
	  " AND erased_at IS NULL",
	  /* The search keys follow the names (store-search.c's triggers). */
	  "UPDATE attendees SET first_name = '', last_name = '', email = '',"
	  " email_norm = 'erased-' || id, company = '', job_title = '',"
	  " dietary = CASE WHEN ?2 = 0 AND status = 'confirmed' AND"
	  " trim(dietary) <> '' THEN '" STORE_DIETARY_ERASED "' ELSE '' END,"
	  " listed = 0, pass_code = NULL, manage_token = NULL,"
	  " version = version + 1, erased_at = ?4"
	  " WHERE id IN (" ATT_SCOPE ") AND erased_at IS NULL" },
	{ "registrations",
	  "SELECT count(*) FROM registrations WHERE id IN (" REG_SCOPE ")"
	  " AND erased_at IS NULL",
	  /* No link has this shape (token_manage_valid()): it opens nothing. */
	  "UPDATE registrations SET contact_first_name = '',"
	  " contact_last_name = '', contact_email = '', contact_company = '',"
	  " contact_phone = '', manage_token = 'erased-' || id,"
	  " billing_organisation = '', billing_org_number = '',"
	  " billing_vat_number = '', billing_address = '', billing_email = '',"
	  " billing_reference = '',"
	  " version = version + 1, erased_at = ?4"
	  " WHERE id IN (" REG_SCOPE ") AND erased_at IS NULL" },
	/* A retried registration's key and the hash of what it sent. */
	{ "idempotency_keys",
	  "SELECT count(*) FROM idempotency_keys WHERE registration_id IN ("
	  REG_SCOPE ")",
	  "DELETE FROM idempotency_keys WHERE registration_id IN ("
	  REG_SCOPE ")" },
	/* A scan's answer kept for its retry names the attendee. */
	{ "scan_nonces",
	  "SELECT count(*) FROM scan_nonces WHERE CASE WHEN json_valid(answer)"
	  " THEN json_extract(answer, '$.attendee.id') END IN (" ATT_SCOPE ")",
	  "DELETE FROM scan_nonces WHERE CASE WHEN json_valid(answer)"
	  " THEN json_extract(answer, '$.attendee.id') END IN (" ATT_SCOPE ")" },
	/*
	 * The mail outbox: the messages to the people in scope keep their
	 * kind, state and times, not whom they went to; one not sent yet
	 * never will be.
	 */
	{ "outbox",
	  "SELECT count(*) FROM outbox WHERE " OUTBOX_ABOUT
	  " AND (recipient <> '' OR params <> '{}')",
	  "UPDATE outbox SET recipient = '', recipient_name = '',"
	  " params = '{}', last_error = CASE WHEN state IN ('queued',"
	  " 'sending') THEN 'erased before it was sent' ELSE '' END,"
	  " state = CASE WHEN state IN ('queued', 'sending') THEN 'failed'"
	  " ELSE state END WHERE " OUTBOX_ABOUT },
	{ "audit_log",
	  "SELECT count(*) FROM audit_log WHERE " AUDIT_CHANGES,
	  "UPDATE audit_log SET detail = " AUDIT_ERASED ", address ="
	  " CASE WHEN user_id IS NULL THEN '' ELSE address END"
	  " WHERE " AUDIT_CHANGES },
	/*
	 * The caterer's counts are keyed by the needs' words: a need no one
	 * confirmed has any more goes, and an event's erasure leaves one
	 * count of the needs it erased (the attendees' rows say the same,
	 * so that store_recount() finds it again).
	 */
	{ "event_dietary_counts",
	  "SELECT count(*) FROM event_dietary_counts WHERE event_id = ?1"
	  " AND (attendees <= 0 OR (?2 = 0 AND ?3 = 0 AND"
	  " dietary <> '" STORE_DIETARY_ERASED "'))",
	  "DELETE FROM event_dietary_counts WHERE event_id = ?1"
	  " AND (attendees <= 0 OR (?2 = 0 AND ?3 = 0 AND"
	  " dietary <> '" STORE_DIETARY_ERASED "'))" },
	{ "event_dietary_counts", NULL,
	  "INSERT INTO event_dietary_counts (event_id, dietary, attendees)"
	  " SELECT ?1, '" STORE_DIETARY_ERASED "', count(*) FROM attendees"
	  " WHERE event_id = ?1 AND ?2 = 0 AND ?3 = 0 AND status = 'confirmed'"
	  " AND dietary = '" STORE_DIETARY_ERASED "' GROUP BY event_id"
	  " ON CONFLICT (event_id, dietary) DO UPDATE"
	  " SET attendees = excluded.attendees" },
};
#define NSCRUBS (sizeof scrubs / sizeof scrubs[0])

static void
scope_bind(sqlite3_stmt *s, int64_t event, int64_t reg, int64_t att,
    int64_t now)
{
	int64_t	v[4] = { event, reg, att, now };
	int	n = sqlite3_bind_parameter_count(s);

	for (int i = 0; i < n && i < 4; i++)
		sqlite3_bind_int64(s, i + 1, v[i]);
}

/*
 * Run every scrub on the scope, or with dry_run only count: the rows
 * per table, or NULL when the database failed.
 */
static json_t *
scrub_all(struct store *st, int64_t event, int64_t reg, int64_t att,
    int64_t now, int dry_run)
{
	json_t		*counts = json_object();
	sqlite3_stmt	*s;
	int64_t		 n;

	for (size_t i = 0; i < NSCRUBS; i++) {
		const struct scrub	*sc = &scrubs[i];

		if (sc->count == NULL) {
			if (dry_run)
				continue;
			n = 0;
		} else {
			s = store_stmt(st, sc->count);
			scope_bind(s, event, reg, att, now);
			n = store_step(st, s) == STORE_ROW ?
			    sqlite3_column_int64(s, 0) : -1;
			sqlite3_reset(s);
			if (n < 0)
				goto fail;
			json_object_set_new(counts, sc->table, json_integer(n +
			    json_integer_value(json_object_get(counts,
			    sc->table))));
		}
		if (dry_run || (n == 0 && sc->count != NULL))
			continue;
		s = store_stmt(st, sc->erase);
		scope_bind(s, event, reg, att, now);
		if (store_step_done(st, s) != 0)
			goto fail;
	}
	return counts;
fail:
	json_decref(counts);
	return NULL;
}

/* One value of a row as JSON: blobs (a hash) as hex. */
static json_t *
value_json(sqlite3_stmt *s, int col)
{
	const unsigned char	*b;
	json_t			*v;
	char			*hex;
	int			 len;

	switch (sqlite3_column_type(s, col)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(s, col));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(s, col));
	case SQLITE_TEXT:
		return json_stringn(COL_TEXT(s, col),
		    (size_t)sqlite3_column_bytes(s, col));
	case SQLITE_BLOB:
		b = sqlite3_column_blob(s, col);
		len = sqlite3_column_bytes(s, col);
		hex = xcalloc((size_t)len * 2 + 1, 1);
		for (int i = 0; i < len; i++)
			snprintf(hex + i * 2, 3, "%02x", b[i]);
		v = json_string(hex);
		free(hex);
		return v;
	default:
		return json_null();
	}
}

/*
 * Every row of sql on the scope, each with every column it has (so that
 * a column added to a table later is in the export without a word
 * here), but those named in skip; NULL when the database failed.
 */
static json_t *
rows_json(struct store *st, const char *sql, int64_t event, int64_t reg,
    int64_t att, const char *const *skip)
{
	sqlite3_stmt	*s = store_stmt(st, sql);
	json_t		*list = json_array(), *row;
	enum store_step	 rc;

	scope_bind(s, event, reg, att, 0);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		row = json_object();
		for (int i = 0; i < sqlite3_column_count(s); i++) {
			const char	*name = sqlite3_column_name(s, i);
			int		 skipped = 0;

			for (size_t k = 0; skip != NULL && skip[k] != NULL; k++)
				if (strcmp(skip[k], name) == 0)
					skipped = 1;
			if (!skipped)
				json_object_set_new(row, name, value_json(s, i));
		}
		json_array_append_new(list, row);
	}
	sqlite3_reset(s);
	return store_list_end(list, rc);
}

/* What the export shows, each part named as its table is. */
static const struct {
	const char	*name;
	const char	*sql;
} parts[] = {
	{ "attendees", "SELECT * FROM attendees WHERE id IN (" ATT_SCOPE ")"
	  " ORDER BY id" },
	{ "attendee_sessions", "SELECT x.*, s.title AS session_title"
	  " FROM attendee_sessions x JOIN sessions s ON s.id = x.session_id"
	  " WHERE x.attendee_id IN (" ATT_SCOPE ") ORDER BY x.attendee_id,"
	  " s.starts_at" },
	{ "session_waits", "SELECT w.*, s.title AS session_title"
	  " FROM session_waits w JOIN sessions s ON s.id = w.session_id"
	  " WHERE w.attendee_id IN (" ATT_SCOPE ") ORDER BY w.id" },
	{ "checkins", "SELECT * FROM checkins WHERE attendee_id IN ("
	  ATT_SCOPE ") ORDER BY id" },
	{ "badge_prints", "SELECT * FROM badge_prints WHERE attendee_id IN ("
	  ATT_SCOPE ") ORDER BY id" },
	{ "speaker_passes", "SELECT * FROM speaker_passes WHERE attendee_id IN"
	  " (" ATT_SCOPE ")" },
	{ "passes", "SELECT id AS attendee_id, pass_code FROM attendees"
	  " WHERE id IN (" ATT_SCOPE ") AND pass_code IS NOT NULL"
	  " AND status = 'confirmed' ORDER BY id" },
	{ "idempotency_keys", "SELECT * FROM idempotency_keys"
	  " WHERE registration_id IN (" REG_SCOPE ")" },
	/* Kept whole after an erasure: the bookkeeping law's, for 7 years. */
	{ "invoices", "SELECT number, kind, issued_at, total_ore, document"
	  " FROM invoices WHERE registration_id IN (" REG_SCOPE ")"
	  " ORDER BY number" },
	{ "outbox", "SELECT id, kind, registration_id, attendee_id, recipient,"
	  " recipient_name, lang, message_id, state, attempts, created_at,"
	  " sent_at FROM outbox WHERE " OUTBOX_ABOUT " ORDER BY id" },
	{ "audit_log", "SELECT * FROM audit_log WHERE " AUDIT_ABOUT
	  " ORDER BY id" },
};

/*
 * The contact's and the payer's fields: not a colleague's to read through
 * their link.
 */
static const char *const contact_columns[] = { "contact_first_name",
	"contact_last_name", "contact_email", "contact_company",
	"contact_phone", "contact_email_norm", "manage_token",
	"billing_organisation", "billing_org_number", "billing_vat_number",
	"billing_address", "billing_email", "billing_reference", NULL };

/* The event of registration reg: > 0, 0 for none, -1 when it failed. */
static int64_t
reg_event(struct store *st, int64_t reg)
{
	static const char	 sql[] =
	    "SELECT event_id FROM registrations WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int64_t			 event = 0;

	sqlite3_bind_int64(s, 1, reg);
	if ((rc = store_step(st, s)) == STORE_ROW)
		event = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : event;
}

/*
 * Everything stored about what link opens, as one document: the
 * registration (a colleague's link: without the contact's details), the
 * event it is for (who is responsible), and each part of parts[]. Times
 * are seconds since 1970 UTC. NULL when there is none or it failed.
 */
json_t *
store_privacy_export(struct store *st, const struct manage_link *link,
    int64_t now)
{
	static const char	 event_sql[] =
	    "SELECT id, slug, name, name_en, organiser_name, contact_email,"
	    " starts_at, ends_at, erase_after_days FROM events WHERE id = ?1";
	int64_t			 event, reg = link->registration;
	int64_t			 att = link->attendee;
	json_t			*doc = NULL, *v, *list;
	char			 iso[32];

	if ((event = reg_event(st, reg)) <= 0)
		return NULL;
	timefmt_iso((time_t)now, "UTC", iso);
	doc = json_pack("{s:s, s:s}", "exported_at", iso, "link",
	    att != 0 ? "attendee" : "registration");
	if ((list = rows_json(st, event_sql, event, 0, 0, NULL)) == NULL ||
	    json_array_size(list) != 1)
		goto fail;
	json_object_set(doc, "event", json_array_get(list, 0));
	json_decref(list);
	list = rows_json(st, "SELECT * FROM registrations WHERE id = ?2",
	    event, reg, att, att != 0 ? contact_columns : NULL);
	if (list == NULL || json_array_size(list) != 1)
		goto fail;
	json_object_set(doc, "registration", json_array_get(list, 0));
	json_decref(list);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if ((v = rows_json(st, parts[i].sql, event, reg, att,
		    NULL)) == NULL)
			goto fail;
		json_object_set_new(doc, parts[i].name, v);
	}
	return doc;
fail:
	json_decref(list);
	json_decref(doc);
	return NULL;
}

/*
 * The holder of link erases what it opens: cancelled as a cancellation
 * is (seats freed, the waitlist promoted), then every personal field
 * overwritten; the audit log keeps that it happened, not who. Inside
 * the writer's transaction: 0, or -1 with err.
 */
int
store_privacy_delete(struct store *st, const struct manage_link *link,
    int64_t now, struct store_error *err)
{
	json_t	*counts;
	int64_t	 event;
	char	 detail[64];

	if ((event = reg_event(st, link->registration)) <= 0 ||
	    store_change_withdraw(st, link, now) != 0 ||
	    (counts = scrub_all(st, event, link->registration,
	    link->attendee, now, 0)) == NULL)
		goto fail;
	snprintf(detail, sizeof detail, "{\"attendees\":%lld}", (long long)
	    json_integer_value(json_object_get(counts, "attendees")));
	json_decref(counts);
	if (store_audit(st, NULL, CHANGE_BY_ATTENDEE, link->attendee != 0 ?
	    "attendee.erase" : "registration.erase", detail, "", now) != 0)
		goto fail;
	return 0;
fail:
	store_error_clear(err);
	store_error_set(err, 500, "internal", "the erasure could not be saved");
	return -1;
}

/*
 * An event's personal data: with dry_run, the rows per table that would
 * change ({"tables": {...}}, nothing written); else erased, the event
 * marked erased and the erasure audited (by who, NULL: techtankd on its
 * own). Again is no error and changes nothing more. NULL with err.
 */
json_t *
store_privacy_event(struct store *st, int64_t event, int dry_run,
    const struct staff *who, const char *address, int64_t now,
    struct store_error *err)
{
	static const char	 find_sql[] =
	    "SELECT erased_at FROM events WHERE id = ?1";
	static const char	 mark_sql[] =
	    "UPDATE events SET erased_at = ?2 WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, find_sql);
	enum store_step		 rc;
	json_t			*counts, *answer;
	char			*detail;
	int64_t			 erased = 0;

	sqlite3_bind_int64(s, 1, event);
	if ((rc = store_step(st, s)) == STORE_ROW)
		erased = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == STORE_DONE) {
		store_error_set(err, 404, "not_found", "no such event");
		return NULL;
	}
	if (rc == STORE_ERROR || (counts = scrub_all(st, event, 0, 0, now,
	    dry_run)) == NULL)
		goto fail;
	answer = json_pack("{s:I, s:b, s:o}", "event_id", (json_int_t)event,
	    "dry_run", dry_run, "tables", counts);
	if (dry_run) {
		json_object_set_new(answer, "erased_at", erased ?
		    json_integer(erased) : json_null());
		return answer;
	}
	s = store_stmt(st, mark_sql);
	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_int64(s, 2, erased ? erased : now);
	detail = json_dumps(json_object_get(answer, "tables"),
	    JSON_COMPACT | JSON_SORT_KEYS);
	if (store_step_done(st, s) != 0 || detail == NULL ||
	    store_audit(st, who, "techtankd", "event.erase", detail,
	    address != NULL ? address : "", now) != 0) {
		free(detail);
		json_decref(answer);
		goto fail;
	}
	free(detail);
	json_object_set_new(answer, "erased_at", json_integer(erased ? erased :
	    now));
	return answer;
fail:
	store_error_clear(err);
	store_error_set(err, 500, "internal", "the erasure could not be saved");
	return NULL;
}

/*
 * The events whose period after their end is over and that are not yet
 * erased, into *events (the caller frees it): 0, or -1 when it failed.
 */
int
store_privacy_due(struct store *st, int64_t now, int64_t **events,
    size_t *n)
{
	static const char	 sql[] =
	    "SELECT id FROM events WHERE erase_after_days IS NOT NULL"
	    " AND erased_at IS NULL AND ends_at + erase_after_days * 86400 <= ?1"
	    " ORDER BY id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;

	*events = NULL;
	*n = 0;
	sqlite3_bind_int64(s, 1, now);
	while ((rc = store_step(st, s)) == STORE_ROW) {
		*events = xreallocarray(*events, *n + 1, sizeof **events);
		(*events)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc == STORE_ERROR) {
		free(*events);
		*events = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}
