-- 0016-outbox.sql: the mail outbox. A message is a row written in the same
-- transaction as the change that causes it (store-outbox.c), and sent by
-- the daemon's mailer thread, which renders it when it sends it. The
-- Message-ID is made with the row, so that a retry is the same mail.
-- Registrations keep the language they were made in: their mail is in it.
ALTER TABLE registrations ADD COLUMN lang TEXT NOT NULL DEFAULT 'sv'
    CHECK (lang IN ('sv', 'en'));

CREATE TABLE outbox (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('confirmation',
			    'waitlisted', 'promoted', 'cancelled')),
	registration_id	INTEGER REFERENCES registrations(id)
			    ON DELETE SET NULL,
	attendee_id	INTEGER REFERENCES attendees(id) ON DELETE SET NULL,
	recipient	TEXT NOT NULL,
	recipient_name	TEXT NOT NULL DEFAULT '',
	lang		TEXT NOT NULL DEFAULT 'sv' CHECK (lang IN ('sv', 'en')),
	params		TEXT NOT NULL DEFAULT '{}',	-- JSON, per kind
	message_id	TEXT NOT NULL UNIQUE,
	state		TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
			    ('queued', 'sending', 'sent', 'failed')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL,
	sending_since	INTEGER,
	last_error	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL,
	sent_at		INTEGER
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_sending ON outbox(sending_since) WHERE state = 'sending';
CREATE INDEX outbox_registration ON outbox(registration_id);
CREATE INDEX outbox_attendee ON outbox(attendee_id);
