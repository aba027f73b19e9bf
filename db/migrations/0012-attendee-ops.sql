-- 0012-attendee-ops.sql: a version on each attendee, so that two
-- organisers changing one attendee (a move, a new pass, another person
-- taking the ticket) never overwrite each other.

ALTER TABLE attendees ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
