/*
 * store-listed.c: the public attendee list that the "list me" consent at
 * registration (attendees.listed) promises: the confirmed attendees of an
 * event who ticked it, with their name and company and nothing else, in
 * Swedish order of family name, then given name (their name_key, from
 * text_sort_key()), a page at a time.
 */
#include "techtank.h"

static int64_t
listed_count(struct store *st, int64_t event_id)
{
	static const char	 sql[] =
	    "SELECT count(*) FROM attendees WHERE event_id = ?1"
	    " AND status = 'confirmed' AND listed = 1";
	sqlite3_stmt		*s = store_stmt(st, sql);
	int64_t			 n = -1;

	sqlite3_bind_int64(s, 1, event_id);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return n;
}

/*
 * {"attendees": [{first_name, last_name, company}], "total", "offset",
 * "limit"}, or NULL when the database failed.
 */
json_t *
store_listed_json(struct store *st, int64_t event_id, int64_t offset,
    int64_t limit)
{
	static const char	 sql[] =
	    "SELECT first_name, last_name, company FROM attendees"
	    " WHERE event_id = ?1 AND status = 'confirmed' AND listed = 1"
	    " ORDER BY name_key, id"
	    " LIMIT ?2 OFFSET ?3";
	sqlite3_stmt		*s;
	json_t			*list;
	enum store_step		 rc;
	int64_t			 total;

	if ((total = listed_count(st, event_id)) < 0)
		return NULL;
	s = store_stmt(st, sql);
	list = json_array();
	sqlite3_bind_int64(s, 1, event_id);
	sqlite3_bind_int64(s, 2, limit);
	sqlite3_bind_int64(s, 3, offset);
	while ((rc = store_step(st, s)) == STORE_ROW)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "first_name", COL_TEXT(s, 0), "last_name", COL_TEXT(s, 1),
		    "company", COL_TEXT(s, 2)));
	sqlite3_reset(s);
	if ((list = store_list_end(list, rc)) == NULL)
		return NULL;
	return json_pack("{s:o, s:I, s:I, s:I}", "attendees", list,
	    "total", (json_int_t)total, "offset", (json_int_t)offset,
	    "limit", (json_int_t)limit);
}
