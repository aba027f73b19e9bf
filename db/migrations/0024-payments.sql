-- 0024-payments.sql: payments of invoices, marked by an organiser or read
-- from the bank's BgMax file (store-payment.c), and the files booked, by
-- their identity, so that the same file uploaded twice books nothing the
-- second time. A payment whose reference matches no invoice is kept
-- unmatched, for the organiser. The outbox takes a payment reminder.
--
-- Admission to a conference is taxed where it takes place, for businesses
-- from other EU countries too (VAT Directive art. 53): Swedish VAT, no
-- reverse charge. An event whose services are taxed where the buyer is
-- (art. 44: an event followed online) turns reverse charge on.
ALTER TABLE events ADD COLUMN reverse_charge_eu INTEGER NOT NULL DEFAULT 0
	CHECK (reverse_charge_eu IN (0, 1));

CREATE TABLE bank_files (
	id		INTEGER PRIMARY KEY,
	identity	TEXT NOT NULL UNIQUE,	-- bgmax_identity()
	created_at	TEXT NOT NULL,		-- the file's own timestamp
	uploaded_at	INTEGER NOT NULL,
	user_id		INTEGER REFERENCES users(id),
	payments	INTEGER NOT NULL,
	amount_ore	INTEGER NOT NULL
);

CREATE TABLE payments (
	id		INTEGER PRIMARY KEY,
	invoice_id	INTEGER REFERENCES invoices(id),	-- NULL: unmatched
	amount_ore	INTEGER NOT NULL,	-- below zero: a deduction
	reference	TEXT NOT NULL DEFAULT '',
	paid_on		TEXT NOT NULL,		-- YYYY-MM-DD
	source		TEXT NOT NULL CHECK (source IN ('manual', 'bgmax')),
	bank_file_id	INTEGER REFERENCES bank_files(id),
	serial		TEXT NOT NULL DEFAULT '',
	payer		TEXT NOT NULL DEFAULT '',
	recorded_at	INTEGER NOT NULL,
	user_id		INTEGER REFERENCES users(id)
);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX payments_file ON payments(bank_file_id);
-- What an invoice still wants counts the credit notes referring to it.
CREATE INDEX invoices_credits ON invoices(credits_id)
	WHERE credits_id IS NOT NULL;
CREATE INDEX payments_unmatched ON payments(id) WHERE invoice_id IS NULL;

CREATE TABLE outbox_new (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL CHECK (kind IN ('confirmation',
			    'waitlisted', 'promoted', 'cancelled', 'link',
			    'changed', 'session_moved', 'organiser',
			    'reminder')),
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
