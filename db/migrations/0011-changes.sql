-- 0011-changes.sql: attendees change their own registration, until a
-- deadline the organiser sets, and organisers change anyone's.
--   events.changes_until	 after it the attendees' changes are refused
--				 (NULL: until the event starts); organisers
--				 may still change
--   attendees.manage_token	 a personal link, so that a colleague manages
--				 themselves only; the registration's own link
--				 (the contact's) still manages everyone in it.
--				 Random, unique, made by tt_token() for the
--				 rows already there (store.c), by the writer
--				 for new ones
--   attendees.version,
--   registrations.version	 raised by every change, so that a change
--				 made from a stale copy is refused (409)
ALTER TABLE events ADD COLUMN changes_until INTEGER;
ALTER TABLE attendees ADD COLUMN manage_token TEXT;
ALTER TABLE attendees ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE registrations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
UPDATE attendees SET manage_token = tt_token(32);
CREATE UNIQUE INDEX attendees_manage_token ON attendees(manage_token);
