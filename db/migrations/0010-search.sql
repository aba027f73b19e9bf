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
-- rather than reading every attendee, and to check their other words on
-- the key kept here, without reading their rows. Kept from search_key by
-- the triggers below, in every program that writes the file: a search
-- key holds only letters, digits and single spaces, so it splits in SQL.
CREATE TABLE attendee_words (
	event_id	INTEGER NOT NULL,
	word		TEXT NOT NULL,
	attendee_id	INTEGER NOT NULL,
	search_key	TEXT NOT NULL,
	PRIMARY KEY (event_id, word, attendee_id)
) WITHOUT ROWID;

CREATE TRIGGER attendee_words_made AFTER INSERT ON attendees
WHEN new.search_key <> ''
BEGIN
	INSERT OR IGNORE INTO attendee_words (event_id, word, attendee_id,
	    search_key)
	SELECT new.event_id, value, new.id, new.search_key
	FROM json_each('["' || replace(new.search_key, ' ', '","') || '"]');
END;

CREATE TRIGGER attendee_words_changed
AFTER UPDATE OF search_key, event_id ON attendees
BEGIN
	DELETE FROM attendee_words
	WHERE event_id = old.event_id AND attendee_id = old.id AND word IN
	    (SELECT value FROM json_each('["' ||
	     replace(old.search_key, ' ', '","') || '"]'));
	INSERT OR IGNORE INTO attendee_words (event_id, word, attendee_id,
	    search_key)
	SELECT new.event_id, value, new.id, new.search_key
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

-- How many attendees each ticket type has in each status at each company
-- (company_key; '' until it is made), kept by the triggers below in every
-- program that writes the file: the totals of the organisers' list by
-- ticket type, status and company, and its company view, without
-- counting rows. A change only adds to counts (-1 here, +1 there), so
-- the counts come out right in whatever order the triggers of an insert
-- run, the one that makes the keys included.
CREATE TABLE attendee_counts (
	ticket_type_id	INTEGER NOT NULL,
	status		TEXT NOT NULL,
	company_key	TEXT NOT NULL,
	event_id	INTEGER NOT NULL,
	attendees	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ticket_type_id, status, company_key)
) WITHOUT ROWID;
CREATE INDEX attendee_counts_event ON attendee_counts(event_id, company_key);
INSERT INTO attendee_counts (ticket_type_id, status, company_key, event_id,
    attendees)
SELECT ticket_type_id, status, '', event_id, count(*) FROM attendees
GROUP BY ticket_type_id, status;

CREATE TRIGGER attendee_counts_made AFTER INSERT ON attendees
BEGIN
	INSERT INTO attendee_counts (ticket_type_id, status, company_key,
	    event_id, attendees)
	VALUES (new.ticket_type_id, new.status, coalesce(new.company_key, ''),
	    new.event_id, 1)
	ON CONFLICT (ticket_type_id, status, company_key)
	DO UPDATE SET attendees = attendees + 1;
END;

CREATE TRIGGER attendee_counts_changed
AFTER UPDATE OF ticket_type_id, status, company_key ON attendees
WHEN old.ticket_type_id IS NOT new.ticket_type_id
    OR old.status IS NOT new.status OR old.company_key IS NOT new.company_key
BEGIN
	INSERT INTO attendee_counts (ticket_type_id, status, company_key,
	    event_id, attendees)
	VALUES (old.ticket_type_id, old.status, coalesce(old.company_key, ''),
	    old.event_id, -1)
	ON CONFLICT (ticket_type_id, status, company_key)
	DO UPDATE SET attendees = attendees - 1;
	INSERT INTO attendee_counts (ticket_type_id, status, company_key,
	    event_id, attendees)
	VALUES (new.ticket_type_id, new.status, coalesce(new.company_key, ''),
	    new.event_id, 1)
	ON CONFLICT (ticket_type_id, status, company_key)
	DO UPDATE SET attendees = attendees + 1;
END;

CREATE TRIGGER attendee_counts_gone AFTER DELETE ON attendees
BEGIN
	UPDATE attendee_counts SET attendees = attendees - 1
	WHERE ticket_type_id = old.ticket_type_id AND status = old.status
	    AND company_key = coalesce(old.company_key, '');
END;

-- The orders of the organisers' attendee list, each read from an index
-- a page at a time (and the filters on ticket type and status). The
-- order by name has the search key too: a search for a common word reads
-- the list in this order, and checks each key without reading the row.
CREATE INDEX attendees_by_name ON attendees(event_id, name_key, search_key);
CREATE INDEX attendees_by_company
	ON attendees(event_id, company_key, name_key, status);
CREATE INDEX attendees_by_status ON attendees(event_id, status, name_key);
CREATE INDEX attendees_by_ticket_type
	ON attendees(event_id, ticket_type_id, name_key);
CREATE INDEX attendees_by_created ON attendees(event_id, created_at);
