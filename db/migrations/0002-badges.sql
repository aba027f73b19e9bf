-- 0002-badges.sql: which name tags were printed, so that a later run can
-- print only those added since.

CREATE TABLE badge_prints (
	id		INTEGER PRIMARY KEY,
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	layout		TEXT NOT NULL,
	printed_at	INTEGER NOT NULL
);
CREATE INDEX badge_prints_attendee ON badge_prints(attendee_id);
