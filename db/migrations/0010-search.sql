-- 0010-search.sql: finding and ordering attendees among many. Each attendee
-- keeps three keys made by the C code in db/fold.c (so made only by the
-- programs of this system, which store-search.c sets up to keep them):
--   search_key	 name, email and company folded for searching: words of
--		 plain letters and digits, one space between them
--   name_key	 family name, then given name, in Swedish order
--   company_key the company in Swedish order; equal for the spellings of
--		 one company that differ only in case
-- They are NULL until techtankd starts: it fills every key that is NULL
-- (rows written by other programs) and remakes them all when the fold
-- changes (FOLD_VERSION).
ALTER TABLE attendees ADD COLUMN search_key TEXT;
ALTER TABLE attendees ADD COLUMN name_key TEXT;
ALTER TABLE attendees ADD COLUMN company_key TEXT;

-- Every word of each search key, for a search to start from the people
-- whose words begin with the one it looks for (a range of this key)
-- rather than reading every attendee. Kept from search_key by the
-- triggers below, in every program that writes the file: a search key
-- holds only letters, digits and single spaces, so it splits in SQL.
-- (An FTS5 index costs twice as much to keep: it writes its pending
-- words out at every savepoint, and the writer makes one per request.)
CREATE TABLE attendee_words (
	event_id	INTEGER NOT NULL,
	word		TEXT NOT NULL,
	attendee_id	INTEGER NOT NULL,
	PRIMARY KEY (event_id, word, attendee_id)
) WITHOUT ROWID;

CREATE TRIGGER attendee_words_made AFTER INSERT ON attendees
WHEN new.search_key <> ''
BEGIN
	INSERT OR IGNORE INTO attendee_words (event_id, word, attendee_id)
	SELECT new.event_id, value, new.id
	FROM json_each('["' || replace(new.search_key, ' ', '","') || '"]');
END;

CREATE TRIGGER attendee_words_changed
AFTER UPDATE OF search_key, event_id ON attendees
BEGIN
	DELETE FROM attendee_words
	WHERE event_id = old.event_id AND attendee_id = old.id AND word IN
	    (SELECT value FROM json_each('["' ||
	     replace(old.search_key, ' ', '","') || '"]'));
	INSERT OR IGNORE INTO attendee_words (event_id, word, attendee_id)
	SELECT new.event_id, value, new.id
	FROM json_each('["' || replace(new.search_key, ' ', '","') || '"]')
	WHERE new.search_key <> '';
END;

CREATE TRIGGER attendee_words_gone AFTER DELETE ON attendees
BEGIN
	DELETE FROM attendee_words
	WHERE event_id = old.event_id AND attendee_id = old.id AND word IN
	    (SELECT value FROM json_each('["' ||
	     replace(old.search_key, ' ', '","') || '"]'));
END;

-- The cancelled, for the totals of the organisers' list: the confirmed
-- are counted in ticket_types, the waitlisted have their index already.
CREATE INDEX attendees_cancelled ON attendees(event_id, ticket_type_id)
	WHERE status = 'cancelled';

-- The orders of the organisers' attendee list, each read from an index
-- a page at a time (and the filters on ticket type and status); the
-- order of registration is that of the ids. The company index has the
-- status too, for the company view to count each company's from it.
CREATE INDEX attendees_by_name ON attendees(event_id, name_key);
CREATE INDEX attendees_by_company ON attendees(event_id, company_key, status);
CREATE INDEX attendees_by_status ON attendees(event_id, status, name_key);
CREATE INDEX attendees_by_ticket_type
	ON attendees(event_id, ticket_type_id, name_key);
