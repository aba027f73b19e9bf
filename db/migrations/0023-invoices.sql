-- 0023-invoices.sql: billing. The seller's details and the cancellation
-- policy per event; the buyer's billing details per registration; and the
-- invoices and credit notes (store-invoice.c), numbered without gaps in
-- one series per installation, each kept as the document it was issued as
-- and never changed.

ALTER TABLE events ADD COLUMN seller_name TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_org_number TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_vat_number TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_address TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_bankgiro TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_email TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN seller_f_tax INTEGER NOT NULL DEFAULT 0
	CHECK (seller_f_tax IN (0, 1));
ALTER TABLE events ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 30;
-- Cancelling is free until then (null: always); after it, fee_percent of
-- the price stays owed.
ALTER TABLE events ADD COLUMN cancel_free_until INTEGER;
ALTER TABLE events ADD COLUMN cancel_fee_percent INTEGER NOT NULL DEFAULT 0
	CHECK (cancel_fee_percent BETWEEN 0 AND 100);
-- The accountant's accounts (BAS): receivables, revenue, output VAT, bank.
ALTER TABLE events ADD COLUMN account_receivable INTEGER NOT NULL DEFAULT 1510;
ALTER TABLE events ADD COLUMN account_revenue INTEGER NOT NULL DEFAULT 3001;
ALTER TABLE events ADD COLUMN account_vat INTEGER NOT NULL DEFAULT 2611;
ALTER TABLE events ADD COLUMN account_bank INTEGER NOT NULL DEFAULT 1930;

-- Who pays: all empty when the registration gave none (the contact pays).
ALTER TABLE registrations ADD COLUMN billing_organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN billing_org_number TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN billing_vat_number TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN billing_address TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN billing_email TEXT NOT NULL DEFAULT '';
ALTER TABLE registrations ADD COLUMN billing_reference TEXT NOT NULL DEFAULT '';

-- The next number of the one series; taken in the transaction that issues
-- the document, so a rolled-back or crashed issue leaves no gap.
CREATE TABLE invoice_series (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	next_number	INTEGER NOT NULL CHECK (next_number >= 1)
);
INSERT INTO invoice_series (id, next_number) VALUES (1, 1);

CREATE TABLE invoices (
	id		INTEGER PRIMARY KEY,
	number		INTEGER NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('invoice', 'credit')),
	event_id	INTEGER NOT NULL REFERENCES events(id),
	registration_id	INTEGER NOT NULL REFERENCES registrations(id),
	credits_id	INTEGER REFERENCES invoices(id),	-- a credit note's
	issued_at	INTEGER NOT NULL,
	due_at		INTEGER,			-- an invoice's
	ocr		TEXT UNIQUE,			-- an invoice's
	net_ore		INTEGER NOT NULL,		-- negative: credit
	vat_ore		INTEGER NOT NULL,
	total_ore	INTEGER NOT NULL,
	document	TEXT NOT NULL			-- JSON, as issued
);
CREATE INDEX invoices_registration ON invoices(registration_id);
CREATE INDEX invoices_event ON invoices(event_id, number);

-- What each document charged each attendee (net, without VAT).
CREATE TABLE invoice_lines (
	invoice_id	INTEGER NOT NULL REFERENCES invoices(id),
	line		INTEGER NOT NULL,
	attendee_id	INTEGER REFERENCES attendees(id),
	ticket_type_id	INTEGER,
	net_ore		INTEGER NOT NULL,
	vat_rate	INTEGER NOT NULL,
	PRIMARY KEY (invoice_id, line)
) WITHOUT ROWID;
CREATE INDEX invoice_lines_attendee ON invoice_lines(attendee_id);

-- Each attendee's billing as last settled: the status and ticket type it
-- was settled for, and the net amount owed after it.
CREATE TABLE invoice_state (
	attendee_id	INTEGER PRIMARY KEY REFERENCES attendees(id),
	status		TEXT NOT NULL,
	ticket_type_id	INTEGER NOT NULL,
	owed_ore	INTEGER NOT NULL
);

-- Issued is issued.
CREATE TRIGGER invoices_never_changed BEFORE UPDATE ON invoices
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never changed'); END;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;
CREATE TRIGGER invoice_lines_never_changed BEFORE UPDATE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never changed'); END;
CREATE TRIGGER invoice_lines_never_deleted BEFORE DELETE ON invoice_lines
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;
