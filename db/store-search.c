/*
 * store-search.c: finding attendees by what people type. Each attendee
 * keeps a search key (name, email and company through text_fold()) and
 * sort keys (text_sort_key()); the words of the search keys are listed
 * in attendee_words (0010-search.sql). A search matches the attendees in
 * whose key every word typed starts a word, in any order: "asa lind"
 * finds "Lindström-Öberg, Åsa". It starts from the attendees that the
 * ranges of attendee_words of the words typed have in common, taking
 * each word that few words begin with (an index range of a few thousand
 * entries at most), and checks the other words on their keys; when every
 * word is common it reads the list in its order and checks each key,
 * which soon fills a page.
 *
 * The keys are made in C, so SQLite cannot make them by itself: every
 * connection that writes gets temporary triggers that make them whenever
 * a name, email or company is written, wherever in the code that happens.
 * Other programs (the sqlite3 shell) write rows without keys; techtankd
 * fills those when it starts, and remakes every key when the fold changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resource.h"

#define SEARCH_DOOR_MAX	20	/* people the door is shown */

/* The keys of the attendee row r ("new", "attendees"), as SQL SET terms. */
#define SEARCH_KEYS(r) \
	"search_key = " STORE_SEARCH_KEY(r ".first_name", r ".last_name", \
	r ".email", r ".company") "," \
	" name_key = " STORE_NAME_KEY(r ".first_name", r ".last_name") "," \
	" company_key = " STORE_COMPANY_KEY(r ".company")
#define SEARCH_KEYS_STALE \
	"search_key IS NOT " STORE_SEARCH_KEY("first_name", "last_name", \
	"email", "company") \
	" OR name_key IS NOT " STORE_NAME_KEY("first_name", "last_name") \
	" OR company_key IS NOT " STORE_COMPANY_KEY("company")

/*
 * The triggers of one writing connection. Temporary, so that they exist
 * only where tt_fold() and tt_sort_key() do: the shell can still write.
 */
int
store_search_open(struct store *st)
{
	static const char	 sql[] =
	    "CREATE TEMP TRIGGER IF NOT EXISTS attendee_keys_made"
	    " AFTER INSERT ON main.attendees"
	    " WHEN new.search_key IS NULL OR new.name_key IS NULL"
	    "  OR new.company_key IS NULL"
	    " BEGIN UPDATE attendees SET " SEARCH_KEYS("new")
	    "  WHERE id = new.id; END;"
	    "CREATE TEMP TRIGGER IF NOT EXISTS attendee_keys_changed"
	    " AFTER UPDATE OF first_name, last_name, email, company"
	    " ON main.attendees"
	    " BEGIN UPDATE attendees SET " SEARCH_KEYS("new")
	    "  WHERE id = new.id; END;";

	return store_exec(st, sql);
}

/*
 * At start-up, in the writer's transaction: the keys of rows written
 * without them, or every key when this program folds otherwise than the
 * one that made them.
 */
int
store_search_refresh(struct store *st)
{
	static const char	 version_sql[] = "SELECT value FROM settings"
	    " WHERE key = 'search_fold_version'";
	static const char	 missing_sql[] = "UPDATE attendees SET "
	    SEARCH_KEYS("attendees") " WHERE search_key IS NULL"
	    " OR name_key IS NULL OR company_key IS NULL";
	static const char	 all_sql[] = "UPDATE attendees SET "
	    SEARCH_KEYS("attendees") " WHERE " SEARCH_KEYS_STALE;
	static const char	 set_sql[] = "INSERT INTO settings (key, value)"
	    " VALUES ('search_fold_version', ?1)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt		*s = store_stmt(st, version_sql);
	enum store_step		 rc;
	int64_t			 version = 0;

	if ((rc = store_step(st, s)) == STORE_ROW)
		version = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == STORE_ERROR)
		return -1;
	if (version == FOLD_VERSION)
		return store_run(st, missing_sql);
	if (store_run(st, all_sql) != 0)
		return -1;
	s = store_stmt(st, set_sql);
	sqlite3_bind_int(s, 1, FOLD_VERSION);
	if (store_step_done(st, s) != 0)
		return -1;
	log_info("made the search keys (fold version %d)", FOLD_VERSION);
	return 0;
}

/* The words of a search; -1 when there are too many. */
int
search_parse(struct search *sr, const char *query)
{
	sr->in_ids = 0;
	sr->ids_exact = 0;
	sr->nwords = text_fold_words(query, &sr->buf, sr->words,
	    SEARCH_WORDS_MAX);
	return sr->nwords < 0 ? -1 : 0;
}

void
search_free(struct search *sr)
{
	free(sr->buf);
	sr->buf = NULL;
}

/*
 * The condition that every word starts a word of the key column (a
 * search key, whose words are separated by single spaces), all but the
 * words whose ranges the rows came from, which their words begin with:
 * one call of tt_has_words() with those words.
 */
void
search_where(struct query *q, const struct search *sr, const char *key)
{
	char	*words = xstrdup(""), *next;

	for (int i = 0; i < sr->nwords; i++) {
		if (sr->in_ids & (1u << i))
			continue;
		xasprintf(&next, "%s%s%s", words, *words ? " " : "",
		    sr->words[i]);
		free(words);
		words = next;
	}
	if (*words != '\0') {
		query_add(q, " AND tt_has_words(%s, ?)", key);
		query_text(q, words);
	}
	free(words);
}

/* The ids of the rows under parent with a word that begins with w. */
static void
search_range(struct query *q, const char *w, int64_t parent,
    const char *ids_sql)
{
	char	*high = xstrdup(w);

	/* The words that begin with w are those from w up to its next. */
	high[strlen(high) - 1]++;
	query_add(q, "%s", ids_sql);
	query_int(q, parent);
	query_text(q, w);
	query_text(q, high);
	free(high);
}

/*
 * Whether the rows that ids (a query of ids) gives are few enough for a
 * list to start from them and sort them: 1, 0, or -1 on errors.
 */
int
search_few(struct store *st, const struct query *ids)
{
	struct query	count;
	int64_t		n;

	query_init(&count);
	query_add(&count, "SELECT count(*) FROM (");
	query_merge(&count, ids);
	query_add(&count, " LIMIT ?)");
	query_int(&count, SEARCH_FEW_MAX + 1);
	n = query_count(st, &count);
	query_free(&count);
	return n < 0 ? -1 : n <= SEARCH_FEW_MAX;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The ids of the rows under parent with a word that begins with w (few):
 * sorted, each once, in *ids (*n of them; the caller frees it). 0, or -1
 * on errors.
 */
static int
search_range_ids(struct store *st, const char *w, int64_t parent,
    const char *ids_sql, int64_t **ids, size_t *n)
{
	struct query	 q;
	sqlite3_stmt	*s;
	enum store_step	 rc = STORE_DONE;
	size_t		 k = 0;
	int		 owned;

	*ids = xreallocarray(NULL, SEARCH_FEW_MAX, sizeof **ids);
	*n = 0;
	query_init(&q);
	search_range(&q, w, parent, ids_sql);
	query_add(&q, " LIMIT ?");
	query_int(&q, SEARCH_FEW_MAX);
	if ((s = query_prepare(st, &q, &owned)) == NULL)
		rc = STORE_ERROR;
	while (s != NULL && (rc = store_step(st, s)) == STORE_ROW)
		(*ids)[k++] = sqlite3_column_int64(s, 0);
	if (s != NULL)
		query_done(s, owned);
	query_free(&q);
	if (rc == STORE_ERROR) {
		free(*ids);
		*ids = NULL;
		return -1;
	}
	/* A row has a word twice in the range ("lind", "lindstrom"). */
	qsort(*ids, k, sizeof **ids, id_cmp);
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || (*ids)[*n - 1] != (*ids)[i])
			(*ids)[(*n)++] = (*ids)[i];
	return 0;
}

/* Whether few words begin with w: 1, 0, or -1 on errors. */
static int
search_range_few(struct store *st, const char *w, int64_t parent,
    const char *ids_sql)
{
	struct query	 range;
	int64_t		 n;

	query_init(&range);
	query_add(&range, "SELECT count(*) FROM (");
	search_range(&range, w, parent, ids_sql);
	query_add(&range, " LIMIT ?)");
	query_int(&range, SEARCH_FEW_MAX + 1);
	n = query_count(st, &range);
	query_free(&range);
	return n < 0 ? -1 : n <= SEARCH_FEW_MAX;
}

/* The ids in both a and b (sorted, each once), kept in a. */
static size_t
ids_intersect(int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	size_t	i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			a[n++] = a[i++];
			j++;
		}
	}
	return n;
}

/*
 * Where a search starts: in ids, the rows under parent that have, for
 * each word of the search that few words begin with, a word beginning
 * with it (ids_sql: SQL with three "?", the parent and the range of
 * words), so that only the rows that match those words are read; the
 * caller checks the other words on the rows (sr->in_ids says which the
 * ids keep). One such range is given as it is; the ranges of several
 * are read and intersected here, and ids gives the ids left, a JSON
 * array of them (SQLite's INTERSECT would copy every range into a
 * b-tree first). 1 when it starts from ids, 0 when every word is common
 * (ids then has, for a search of one word, whom it finds all the same,
 * to count), -1 on errors. sr->ids_exact is set when ids are whom the
 * search finds, no more.
 */
int
search_driver(struct store *st, struct search *sr, int64_t parent,
    const char *ids_sql, struct query *ids)
{
	struct jsonw	 w;
	int64_t		*found = NULL, *more;
	size_t		 n = 0, nmore;
	int		 taken = 0, few, first = 0, rc = -1;

	sr->in_ids = 0;
	for (int i = 0; i < sr->nwords; i++) {
		if ((few = search_range_few(st, sr->words[i], parent,
		    ids_sql)) < 0)
			return -1;
		if (few && taken++ == 0)
			first = i;
		if (few)
			sr->in_ids |= 1u << i;
	}
	sr->ids_exact = sr->nwords == 1 || taken == sr->nwords;
	if (taken == 0) {
		if (sr->nwords == 1)
			search_range(ids, sr->words[0], parent, ids_sql);
		return 0;
	}
	if (taken == 1) {
		search_range(ids, sr->words[first], parent, ids_sql);
		return 1;
	}
	for (int i = 0; i < sr->nwords; i++) {
		if (!(sr->in_ids & (1u << i)))
			continue;
		if (search_range_ids(st, sr->words[i], parent, ids_sql, &more,
		    &nmore) != 0)
			goto out;
		if (found == NULL) {
			found = more;
			n = nmore;
		} else {
			n = ids_intersect(found, n, more, nmore);
			free(more);
		}
	}
	jsonw_init(&w);
	jsonw_open(&w, '[');
	for (size_t i = 0; i < n; i++)
		jsonw_int(&w, found[i]);
	jsonw_close(&w, ']');
	query_add(ids, "SELECT value AS id FROM json_each(?)");
	query_text(ids, w.buf);
	jsonw_free(&w);
	rc = 1;
out:
	free(found);
	return rc;
}

/* A time column of s as ISO 8601 in the zone of column zone, or null. */
static json_t *
search_time(sqlite3_stmt *s, int col, int zone)
{
	char	at[32];

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	timefmt_iso(sqlite3_column_int64(s, col), COL_TEXT(s, zone), at);
	return json_string(at);
}

/* One person the door's search found, from its row. */
static json_t *
search_hit(sqlite3_stmt *s)
{
	int	cancelled = strcmp(COL_TEXT(s, 4), "cancelled") == 0;

	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:s}",
	    "id", (json_int_t)sqlite3_column_int64(s, 0),
	    "name", COL_TEXT(s, 1), "company", COL_TEXT(s, 2),
	    "ticket_type", COL_TEXT(s, 3), "status", COL_TEXT(s, 4),
	    "checked_in_at", search_time(s, 5, 6),
	    "cancelled_at", cancelled ? search_time(s, 7, 6) : json_null(),
	    "cancel_reason", !cancelled ? json_null() : json_string(
	    sqlite3_column_int(s, 8) ? "registration" : "attendee"),
	    "signed_up", sqlite3_column_int(s, 9) != 0, "ticket_type_en",
	    COL_TEXT(s, 10));
}

/*
 * The door's search: up to SEARCH_DOOR_MAX attendees of the event whose
 * name, email or company has every word of query, in the order of their
 * names, with what the door needs to say before it offers a check-in at
 * checkpoint (one store_checkpoint_valid() accepted): the status, when
 * and why a cancelled one was cancelled (the whole registration, or the
 * person alone), whether they are signed up where a session is the
 * checkpoint, and when they were checked in there. NULL when the
 * database failed.
 */
json_t *
store_attendee_search(struct store *st, int64_t event_id, const char *query,
    const char *checkpoint)
{
	static const char	 ids_sql[] = "SELECT attendee_id AS id FROM"
	    " attendee_words WHERE event_id = ? AND word >= ? AND word < ?";
	struct search		 sr;
	struct query		 q, ids;
	sqlite3_stmt		*s;
	json_t			*list = json_array();
	enum store_step		 rc = STORE_DONE;
	int64_t			 session = store_checkpoint_parse(checkpoint);
	int			 owned, few = 0;

	if (search_parse(&sr, query) != 0 || sr.nwords == 0 || session < 0) {
		search_free(&sr);
		return list;
	}
	query_init(&ids);
	if ((few = search_driver(st, &sr, event_id, ids_sql, &ids)) < 0)
		rc = STORE_ERROR;
	query_init(&q);
	query_add(&q, "SELECT a.id, a.first_name || ' ' || a.last_name,"
	    " a.company, t.name, a.status, c.at, e.timezone, a.cancelled_at,"
	    " r.cancelled_at IS NOT NULL AND r.cancelled_at = a.cancelled_at,"
	    " ? = 0 OR EXISTS (SELECT 1 FROM attendee_sessions x"
	    "  WHERE x.attendee_id = a.id AND x.session_id = ?), t.name_en"
	    " FROM ");
	query_int(&q, session);
	query_int(&q, session);
	if (few) {
		query_add(&q, "(SELECT DISTINCT id AS rid FROM (");
		query_merge(&q, &ids);
		query_add(&q, ")) m CROSS JOIN attendees a ON a.id = m.rid");
	} else
		query_add(&q, "attendees a");
	query_add(&q, " JOIN ticket_types t ON t.id = a.ticket_type_id"
	    " JOIN events e ON e.id = a.event_id"
	    " JOIN registrations r ON r.id = a.registration_id"
	    " LEFT JOIN checkins c ON c.attendee_id = a.id"
	    "  AND c.checkpoint = ? AND c.undone_at IS NULL"
	    " WHERE a.event_id = ?");
	query_text(&q, checkpoint);
	query_int(&q, event_id);
	search_where(&q, &sr, "a.search_key");
	query_add(&q, " ORDER BY a.name_key, a.id LIMIT ?");
	query_int(&q, SEARCH_DOOR_MAX);
	s = rc == STORE_ERROR ? NULL : query_prepare(st, &q, &owned);
	while (s != NULL && (rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, search_hit(s));
	if (s == NULL)
		rc = STORE_ERROR;
	else
		query_done(s, owned);
	query_free(&q);
	query_free(&ids);
	search_free(&sr);
	return store_list_end(list, rc);
}
