-- 0005-admin.sql: what organisers set up in the console. Events and ticket
-- types get their texts in English beside Swedish, a version for
-- optimistic concurrency (an edit names the version it read), and the
-- settings the console edits; one installation remembers which event the
-- public pages show.

ALTER TABLE events ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN registration_opens_at INTEGER;
ALTER TABLE events ADD COLUMN registration_closes_at INTEGER;
ALTER TABLE events ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN privacy_notice TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN privacy_notice_en TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN archived INTEGER NOT NULL DEFAULT 0
	CHECK (archived IN (0, 1));
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE ticket_types ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_types ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
ALTER TABLE ticket_types ADD COLUMN vat_rate INTEGER NOT NULL DEFAULT 25
	CHECK (vat_rate IN (0, 6, 12, 25));
ALTER TABLE ticket_types ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- One row per setting; current_event: the event the public pages show.
CREATE TABLE settings (
	key	TEXT PRIMARY KEY,
	value	INTEGER
) WITHOUT ROWID;
