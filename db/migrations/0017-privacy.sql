-- 0017-privacy: personal data as the GDPR expects. An event names who
-- is responsible for its attendees' data (organiser_name beside its
-- contact_email) and how many days after its end their data is erased
-- (erase_after_days; NULL: only by hand). erased_at marks an event, a
-- registration or an attendee whose personal data is gone: the rows stay
-- for the counts and anonymous statistics, their personal fields blank.
ALTER TABLE events ADD COLUMN organiser_name TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN erase_after_days INTEGER
    CHECK (erase_after_days IS NULL OR erase_after_days BETWEEN 1 AND 3650);
ALTER TABLE events ADD COLUMN erased_at INTEGER;
ALTER TABLE registrations ADD COLUMN erased_at INTEGER;
ALTER TABLE attendees ADD COLUMN erased_at INTEGER;
