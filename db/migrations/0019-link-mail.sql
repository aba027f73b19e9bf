-- 0019-link-mail.sql: the outbox takes a "send me my link" message
-- ('link'), a registration changed ('changed') and a session moved or
-- cancelled ('session_moved'). SQLite cannot widen a CHECK in place: the
-- table is made again with its rows and indexes.
CREATE TABLE outbox_new (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('confirmation',
			    'waitlisted', 'promoted', 'cancelled', 'link',
			    'changed', 'session_moved')),
	registration_id	INTEGER REFERENCES registrations(id)
			    ON DELETE SET NULL,
	attendee_id	INTEGER REFERENCES attendees(id) ON DELETE SET NULL,
	recipient	TEXT NOT NULL,
	recipient_name	TEXT NOT NULL DEFAULT '',
	lang		TEXT NOT NULL DEFAULT 'sv' CHECK (lang IN ('sv', 'en')),
	params		TEXT NOT NULL DEFAULT '{}',
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
INSERT INTO outbox_new SELECT id, kind, registration_id, attendee_id,
    recipient, recipient_name, lang, params, message_id, state, attempts,
    next_attempt_at, sending_since, last_error, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_sending ON outbox(sending_since) WHERE state = 'sending';
CREATE INDEX outbox_registration ON outbox(registration_id);
CREATE INDEX outbox_attendee ON outbox(attendee_id);
