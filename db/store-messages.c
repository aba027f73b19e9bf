/*
 * store-messages.c: an organiser's message to a segment of an event's
 * attendees. A segment is everyone with a seat, those of one ticket type,
 * those signed up for one session, or those not yet checked in at the
 * main entrance; always confirmed attendees with an address, in the
 * order they registered. Sending a message writes an 'organiser' outbox
 * row per recipient in the transaction that stores the message
 * (store_message_enqueue), so that the outbox's sender delivers them as
 * it does every other mail, each in the language the recipient
 * registered in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"
#include "store-messages.h"

#define RECIPIENT_COLUMNS \
	"SELECT a.id, a.registration_id, a.first_name, a.last_name, a.email," \
	" r.lang, a.email_norm, r.contact_email FROM attendees a" \
	" JOIN registrations r" \
	" ON r.id = a.registration_id WHERE a.event_id = ?1" \
	" AND a.status = 'confirmed' AND a.erased_at IS NULL" \
	" AND a.email <> ''"

static const char everyone_sql[] = RECIPIENT_COLUMNS " ORDER BY a.id";
static const char ticket_type_sql[] = RECIPIENT_COLUMNS
    " AND a.ticket_type_id = ?2 ORDER BY a.id";
static const char session_sql[] = RECIPIENT_COLUMNS
    " AND a.id IN (SELECT attendee_id FROM attendee_sessions"
    " WHERE session_id = ?2) ORDER BY a.id";
static const char not_checked_in_sql[] = RECIPIENT_COLUMNS
    " AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.attendee_id = a.id"
    " AND c.checkpoint = 'main' AND c.undone_at IS NULL) ORDER BY a.id";

/* Whether a row of table with this id belongs to event: 1, 0, or -1. */
static int
of_event(struct store *st, const char *sql, int64_t id, int64_t event)
{
	sqlite3_stmt	*s = store_stmt(st, sql);
	enum store_step	 step;

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, event);
	step = store_step(st, s);
	sqlite3_reset(s);
	return step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : -1;
}

static int
segment_error(struct store_error *err, const char *field, const char *code)
{
	store_error_set(err, 422, "validation_failed", "%s: %s", field, code);
	err->fields = json_pack("{s:s}", field, code);
	return -1;
}

/*
 * A segment names what it needs and nothing else: a ticket type of the
 * event for "ticket_type", a session of it for "session". 0, or -1 with
 * err (422 naming the field, or 500).
 */
int
store_message_segment_check(struct store *st, int64_t event,
    const struct message_segment *seg, struct store_error *err)
{
	static const char	 tt_sql[] =
	    "SELECT 1 FROM ticket_types WHERE id = ?1 AND event_id = ?2";
	static const char	 session_sql_known[] =
	    "SELECT 1 FROM sessions WHERE id = ?1 AND event_id = ?2";
	int			 by_tt = strcmp(seg->segment, "ticket_type") == 0;
	int			 by_session = strcmp(seg->segment, "session") == 0;
	int			 rc;

	if (by_tt && seg->ticket_type_id <= 0)
		return segment_error(err, "ticket_type_id", "required");
	if (!by_tt && seg->ticket_type_id > 0)
		return segment_error(err, "ticket_type_id", "not_allowed");
	if (by_session && seg->session_id <= 0)
		return segment_error(err, "session_id", "required");
	if (!by_session && seg->session_id > 0)
		return segment_error(err, "session_id", "not_allowed");
	rc = 1;
	if (by_tt)
		rc = of_event(st, tt_sql, seg->ticket_type_id, event);
	else if (by_session)
		rc = of_event(st, session_sql_known, seg->session_id, event);
	if (rc < 0) {
		store_error_set(err, 500, "internal", "the database failed");
		return -1;
	}
	if (rc == 0)
		return segment_error(err, by_tt ? "ticket_type_id" :
		    "session_id", "unknown");
	return 0;
}

/*
 * Each recipient of a segment (checked) of event, in order, given to fn,
 * which returns 0 to go on or -1 to stop: how many there are, or -1 when
 * the database failed or fn stopped.
 */
int64_t
store_message_recipients(struct store *st, int64_t event,
    const struct message_segment *seg,
    int (*fn)(void *, const struct message_recipient *), void *arg)
{
	const char		*sql = everyone_sql;
	sqlite3_stmt		*s;
	struct message_recipient r;
	enum store_step		 step;
	int64_t			 n = 0;
	char			*norm;

	if (strcmp(seg->segment, "ticket_type") == 0)
		sql = ticket_type_sql;
	else if (strcmp(seg->segment, "session") == 0)
		sql = session_sql;
	else if (strcmp(seg->segment, "not_checked_in") == 0)
		sql = not_checked_in_sql;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, event);
	if (sql == ticket_type_sql)
		sqlite3_bind_int64(s, 2, seg->ticket_type_id);
	else if (sql == session_sql)
		sqlite3_bind_int64(s, 2, seg->session_id);
	while ((step = store_step(st, s)) == STORE_ROW) {
		r.attendee_id = sqlite3_column_int64(s, 0);
		r.registration_id = sqlite3_column_int64(s, 1);
		r.first_name = COL_TEXT(s, 2);
		r.last_name = COL_TEXT(s, 3);
		r.email = COL_TEXT(s, 4);
		r.lang = strcmp(COL_TEXT(s, 5), "en") == 0 ? "en" : "sv";
		/* contact_email is kept as typed: compare normalised. */
		norm = email_normalise(COL_TEXT(s, 7));
		r.is_contact = norm != NULL && strcmp(norm, COL_TEXT(s, 6)) == 0;
		free(norm);
		if (fn != NULL && fn(arg, &r) != 0) {
			step = STORE_ERROR;
			break;
		}
		n++;
	}
	sqlite3_reset(s);
	return step == STORE_ERROR ? -1 : n;
}

struct enqueue {
	struct store	*st;
	int64_t		 message;
};

static int
enqueue_one(void *arg, const struct message_recipient *r)
{
	struct enqueue	*q = arg;
	char		*name;
	json_t		*params;
	int		 rc;

	xasprintf(&name, "%s %s", r->first_name, r->last_name);
	params = json_pack("{s:I, s:b}", "message", (json_int_t)q->message,
	    "contact", r->is_contact);
	rc = store_outbox_add(q->st, "organiser", r->registration_id,
	    r->attendee_id, r->email, name, r->lang, params);
	json_decref(params);
	free(name);
	return rc;
}

/*
 * The outbox rows of message_id, one per recipient of its segment, and
 * the count kept with the message; in the caller's transaction. The
 * count, or -1 when the database failed.
 */
int64_t
store_message_enqueue(struct store *st, int64_t message_id, int64_t event,
    const struct message_segment *seg)
{
	static const char	 sql[] =
	    "UPDATE organiser_messages SET recipients = ?2 WHERE id = ?1";
	struct enqueue		 q = { st, message_id };
	sqlite3_stmt		*s;
	int64_t			 n;

	if ((n = store_message_recipients(st, event, seg, enqueue_one,
	    &q)) < 0)
		return -1;
	s = store_stmt(st, sql);
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_int64(s, 2, n);
	return store_step_done(st, s) == 0 ? n : -1;
}

/* The words of a message: 1 with *t filled in, 0 when it is gone, -1. */
int
store_message_text(struct store *st, int64_t message_id,
    struct message_text *t)
{
	static const char	 sql[] =
	    "SELECT event_id, subject, subject_en, body, body_en"
	    " FROM organiser_messages WHERE id = ?1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;

	memset(t, 0, sizeof *t);
	sqlite3_bind_int64(s, 1, message_id);
	if ((step = store_step(st, s)) == STORE_ROW) {
		t->event_id = sqlite3_column_int64(s, 0);
		t->subject = xstrdup(COL_TEXT(s, 1));
		t->subject_en = xstrdup(COL_TEXT(s, 2));
		t->body = xstrdup(COL_TEXT(s, 3));
		t->body_en = xstrdup(COL_TEXT(s, 4));
	}
	sqlite3_reset(s);
	return step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : -1;
}

void
store_message_text_clear(struct message_text *t)
{
	free(t->subject);
	free(t->subject_en);
	free(t->body);
	free(t->body_en);
	memset(t, 0, sizeof *t);
}

/*
 * The message an Idempotency-Key of event was first used for: 1 with its
 * id and the hash of that request (the caller frees), 0 for a new key,
 * -1 when the database failed.
 */
int
store_message_by_key(struct store *st, int64_t event, const char *key,
    int64_t *id, char **hash)
{
	static const char	 sql[] =
	    "SELECT id, request_hash FROM organiser_messages"
	    " WHERE event_id = ?1 AND idempotency_key = ?2";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 step;

	*hash = NULL;
	sqlite3_bind_int64(s, 1, event);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if ((step = store_step(st, s)) == STORE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		*hash = xstrdup(COL_TEXT(s, 1));
	}
	sqlite3_reset(s);
	return step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : -1;
}
