/*
 * store-email-key.c: each registration's contact address in the form it
 * is compared in (email_normalise()), kept in contact_email_norm and
 * indexed, so that "send me my link" finds a contact by an index look-up
 * instead of normalising every contact address of the event.
 *
 * As with the search keys (store-search.c), the key is made in C: the
 * writer's connection gets temporary triggers that make it whenever a
 * contact address is written, wherever in the code that happens; rows
 * written by other programs (the sqlite3 shell) get theirs when techtankd
 * starts.
 */
#include "techtank.h"

int
store_email_keys_open(struct store *st)
{
	static const char	 sql[] =
	    "CREATE TEMP TRIGGER IF NOT EXISTS contact_email_key_made"
	    " AFTER INSERT ON main.registrations"
	    " BEGIN UPDATE registrations SET contact_email_norm ="
	    "  tt_email_norm(new.contact_email) WHERE id = new.id; END;"
	    "CREATE TEMP TRIGGER IF NOT EXISTS contact_email_key_changed"
	    " AFTER UPDATE OF contact_email ON main.registrations"
	    " BEGIN UPDATE registrations SET contact_email_norm ="
	    "  tt_email_norm(new.contact_email) WHERE id = new.id; END;";

	return store_exec(st, sql);
}

/* At start-up, in the writer's transaction: the keys of rows without. */
int
store_email_keys_refresh(struct store *st)
{
	return store_run(st, "UPDATE registrations SET contact_email_norm ="
	    " tt_email_norm(contact_email) WHERE contact_email_norm IS NULL");
}
