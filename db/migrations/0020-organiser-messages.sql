-- 0020-organiser-messages.sql: an organiser's message to a segment of an
-- event's attendees (everyone, a ticket type, a session's sign-ups, those
-- not yet checked in), in Swedish and English. Sending it writes one
-- outbox row ('organiser') per recipient in the same transaction; the
-- mailer renders each from this row in the recipient's language. An
-- Idempotency-Key, with the hash of the request it came with, makes a
-- repeated send answer with the first one instead of sending again.
CREATE TABLE organiser_messages (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id)
			    ON DELETE CASCADE,
	subject		TEXT NOT NULL,
	subject_en	TEXT NOT NULL DEFAULT '',
	body		TEXT NOT NULL,
	body_en		TEXT NOT NULL DEFAULT '',
	segment		TEXT NOT NULL CHECK (segment IN ('everyone',
			    'ticket_type', 'session', 'not_checked_in')),
	ticket_type_id	INTEGER REFERENCES ticket_types(id)
			    ON DELETE SET NULL,
	session_id	INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
	recipients	INTEGER NOT NULL DEFAULT 0,
	idempotency_key	TEXT NOT NULL DEFAULT '',
	request_hash	TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);
CREATE INDEX organiser_messages_event ON organiser_messages(event_id, id);
CREATE UNIQUE INDEX organiser_messages_key
	ON organiser_messages(event_id, idempotency_key)
	WHERE idempotency_key <> '';

CREATE TABLE outbox_new (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('confirmation',
			    'waitlisted', 'promoted', 'cancelled', 'link',
			    'changed', 'session_moved', 'organiser')),
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
