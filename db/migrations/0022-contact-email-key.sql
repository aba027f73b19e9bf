-- 0022-contact-email-key.sql: each registration's contact address as it is
-- compared (NFC, the local part's ASCII letters and the domain in lower
-- case), made by techtankd (store-email-key.c) and indexed, for "send me
-- my link". Existing rows get theirs when techtankd starts.
ALTER TABLE registrations ADD COLUMN contact_email_norm TEXT;
CREATE INDEX registrations_contact_email
	ON registrations(event_id, contact_email_norm);
