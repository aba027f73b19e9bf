/*
 * store-speaker-pass.c: passes for speakers, who never register. Each
 * speaker of a session of an event gets an attendee row of their own (a
 * registration of its own) on the event's speaker ticket type, confirmed
 * with a pass code as every attendee gets one (store_attendee_set_status):
 * the door lets them in as anyone, their tag says SPEAKER. Their name,
 * company and title follow the speaker's when the speaker is edited. A
 * speaker who leaves every session keeps the row: the organiser cancels
 * it by hand, as any attendee's. Runs inside the writer's transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techtank.h"

/* What a pass is made from: one speaker's fields. */
struct speaker_row {
	int64_t	 id;
	char	*name, *company, *title, *email;
};

/* The length of a run of spaces at s (ASCII space, tab, U+3000); 0: none. */
static size_t
space_len(const char *s)
{
	size_t	n = 0;

	for (;;) {
		if (s[n] == ' ' || s[n] == '\t')
			n++;
		else if (strncmp(s + n, "\xe3\x80\x80", 3) == 0)
			n += 3;
		else
			return n;
	}
}

/*
 * A one-field name as first and last name: the first word, and the rest
 * as written ("Jan van der Berg": "Jan", "van der Berg"), so that the two
 * read back as the name. A name of one word ("Madonna", "山田太郎", written
 * without spaces) is all first name. The words are never reordered: the
 * store cannot know which is the family name ("Nguyễn Văn An"). A
 * no-break space binds, as its writer meant. Both are the caller's.
 */
void
store_speaker_name_split(const char *name, char **first, char **last)
{
	const char	*p, *end;
	size_t		 n;

	name += space_len(name);
	/* end: past the last byte that is no space. */
	for (end = p = name; *p != '\0';) {
		if ((n = space_len(p)) != 0)
			p += n;
		else
			end = ++p;
	}
	for (p = name; p < end && space_len(p) == 0; p++)
		;
	*first = xstrndup(name, (size_t)(p - name));
	if (p < end)
		p += space_len(p);
	*last = xstrndup(p, p < end ? (size_t)(end - p) : 0);
}

/*
 * The event's speaker ticket type: the first with role speaker, else a
 * hidden one made now ("Talare", "Speaker"), free, without quota or
 * waitlist. Its id, or -1.
 */
static int64_t
speaker_ticket_type(struct store *st, int64_t event_id)
{
	static const char	 get_sql[] =
	    "SELECT id FROM ticket_types WHERE event_id = ?1"
	    " AND role = 'speaker' ORDER BY sort, id LIMIT 1";
	static const char	 add_sql[] =
	    "INSERT INTO ticket_types (event_id, name, name_en, description,"
	    " description_en, role, price_ore, quota, hidden, waitlist, sort,"
	    " invitation_code) VALUES (?1, 'Talare', 'Speaker',"
	    " 'Talare i programmet: passet kommer utan anmälan',"
	    " 'Speakers in the programme: their passes come without"
	    " registering', 'speaker', 0, NULL, 1, 0,"
	    " (SELECT coalesce(max(sort), 0) + 1 FROM ticket_types"
	    "  WHERE event_id = ?1), tt_token(24)) RETURNING id";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	enum store_step		 rc;
	int64_t			 id = -1;

	sqlite3_bind_int64(s, 1, event_id);
	if ((rc = store_step(st, s)) == STORE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != STORE_DONE)
		return id;
	s = store_stmt(st, add_sql);
	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

/* The attendee of the event holding this address now: its id, 0, or -1. */
static int64_t
address_holder(struct store *st, int64_t event_id, const char *email_norm)
{
	static const char	 sql[] =
	    "SELECT id FROM attendees WHERE event_id = ?1 AND email_norm = ?2"
	    " AND status <> 'cancelled'";
	sqlite3_stmt		*s = store_stmt(st, sql);
	enum store_step		 rc;
	int64_t			 id = 0;

	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_text(s, 2, email_norm, -1, SQLITE_STATIC);
	if ((rc = store_step(st, s)) == STORE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == STORE_ERROR ? -1 : id;
}

static int
pass_link(struct store *st, int64_t speaker, int64_t attendee)
{
	static const char	 sql[] =
	    "INSERT INTO speaker_passes (speaker_id, attendee_id)"
	    " VALUES (?1, ?2)";
	sqlite3_stmt		*s = store_stmt(st, sql);

	sqlite3_bind_int64(s, 1, speaker);
	sqlite3_bind_int64(s, 2, attendee);
	return store_step_done(st, s);
}

/*
 * A registration and a confirmed attendee for one speaker. An address an
 * attendee of the event already holds (a speaker who registered) gives
 * no second pass: the speaker is linked to that attendee. A speaker
 * without an address gets a comparison key no address has, so that such
 * speakers never clash with each other. 0, or -1.
 */
static int
pass_make(struct store *st, int64_t event_id, int64_t type,
    const struct speaker_row *sp, int64_t now)
{
	struct reg_input	 in;
	struct reg_person	*p = &in.contact;
	int64_t			 reg_id, id;
	int			 rc = -1;

	memset(&in, 0, sizeof in);
	in.ticket_type = type;
	store_speaker_name_split(sp->name, &p->first_name, &p->last_name);
	p->email = sp->email;
	if (*sp->email != '\0')
		p->email_norm = email_normalise(sp->email);
	else
		xasprintf(&p->email_norm, "speaker:%lld", (long long)sp->id);
	p->company = sp->company;
	p->job_title = sp->title;
	p->phone = p->dietary = (char *)"";

	if ((id = address_holder(st, event_id, p->email_norm)) < 0)
		goto out;
	if (id > 0) {
		rc = pass_link(st, sp->id, id);
		goto out;
	}
	if ((reg_id = store_registration_insert(st, &in, event_id, now)) < 0 ||
	    (id = store_attendee_insert(st, p, reg_id, event_id, type,
	    now)) < 0 ||
	    store_attendee_set_status(st, id, "confirmed", now) != 0 ||
	    store_registration_refresh(st, reg_id, 0, now) != 0)
		goto out;
	rc = pass_link(st, sp->id, id);
out:
	free(p->first_name);
	free(p->last_name);
	free(p->email_norm);
	return rc;
}

static void
speaker_rows_free(struct speaker_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].company);
		free(rows[i].title);
		free(rows[i].email);
	}
	free(rows);
}

/*
 * Give every speaker of a session of the event's latest release (not
 * cancelled) who has no pass one: again is no change. Called as a release
 * is published, in its transaction. 0, or -1 when the database failed.
 */
int
store_speaker_passes(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT DISTINCT sp.id, sp.name, sp.company, sp.title, sp.email"
	    " FROM sessions se"
	    " JOIN session_speakers ss ON ss.session_id = se.id"
	    " JOIN speakers sp ON sp.id = ss.speaker_id"
	    " WHERE se.event_id = ?1 AND se.published = 1"
	    " AND NOT EXISTS (SELECT 1"
	    "  FROM speaker_passes p WHERE p.speaker_id = sp.id)"
	    " ORDER BY sp.id";
	sqlite3_stmt		*s = store_stmt(st, sql);
	struct speaker_row	*rows = NULL;
	enum store_step		 step;
	int64_t			 type, now = (int64_t)time(NULL);
	size_t			 n = 0;
	int			 rc = -1;

	/* Collect first: making a pass reuses the connection's statements. */
	sqlite3_bind_int64(s, 1, event_id);
	while ((step = store_step(st, s)) == STORE_ROW) {
		rows = xreallocarray(rows, n + 1, sizeof *rows);
		rows[n].id = sqlite3_column_int64(s, 0);
		rows[n].name = xstrdup(COL_TEXT(s, 1));
		rows[n].company = xstrdup(COL_TEXT(s, 2));
		rows[n].title = xstrdup(COL_TEXT(s, 3));
		rows[n].email = xstrdup(COL_TEXT(s, 4));
		n++;
	}
	sqlite3_reset(s);
	if (step == STORE_ERROR)
		goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if ((type = speaker_ticket_type(st, event_id)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (pass_make(st, event_id, type, &rows[i], now) != 0)
			goto out;
	rc = 0;
out:
	speaker_rows_free(rows, n);
	return rc;
}

/*
 * A speaker edited: the name, company and title of the pass made for
 * them follow (only a pass on a speaker ticket type: an attendee who
 * registered keeps what they wrote). 0, or -1.
 */
int
store_speaker_pass_update(struct store *st, int64_t speaker_id)
{
	static const char	 get_sql[] =
	    "SELECT sp.name, sp.company, sp.title, a.id FROM speakers sp"
	    " JOIN speaker_passes p ON p.speaker_id = sp.id"
	    " JOIN attendees a ON a.id = p.attendee_id"
	    " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " WHERE sp.id = ?1 AND t.role = 'speaker'";
	static const char	 set_sql[] =
	    "UPDATE attendees SET first_name = ?2, last_name = ?3,"
	    " company = ?4, job_title = ?5, version = version + 1,"
	    " search_key = " STORE_SEARCH_KEY("?2", "?3", "email", "?4") ","
	    " name_key = " STORE_NAME_KEY("?2", "?3") ","
	    " company_key = " STORE_COMPANY_KEY("?4")
	    " WHERE id = ?1 AND (first_name, last_name, company, job_title)"
	    " IS NOT (?2, ?3, ?4, ?5)";
	sqlite3_stmt		*s = store_stmt(st, get_sql);
	enum store_step		 step;
	char			*first = NULL, *last = NULL, *company = NULL;
	char			*title = NULL;
	int64_t			 id = 0;
	int			 rc;

	sqlite3_bind_int64(s, 1, speaker_id);
	if ((step = store_step(st, s)) == STORE_ROW) {
		store_speaker_name_split(COL_TEXT(s, 0), &first, &last);
		company = xstrdup(COL_TEXT(s, 1));
		title = xstrdup(COL_TEXT(s, 2));
		id = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (step != STORE_ROW)
		return step == STORE_DONE ? 0 : -1;
	s = store_stmt(st, set_sql);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, last, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, company, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, title, -1, SQLITE_STATIC);
	rc = store_step_done(st, s);
	free(first);
	free(last);
	free(company);
	free(title);
	return rc;
}
