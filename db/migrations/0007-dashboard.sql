-- 0007-dashboard.sql: counters the store keeps for the organisers'
-- dashboard, so that it never counts over every attendee: registrations
-- made per calendar day (in the event's zone) and confirmed attendees per
-- dietary need (folded to lower case). Filled at start-up by the recount.
CREATE TABLE event_day_counts (
	event_id	INTEGER NOT NULL REFERENCES events(id),
	day		TEXT NOT NULL,
	registrations	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, day)
) WITHOUT ROWID;

CREATE TABLE event_dietary_counts (
	event_id	INTEGER NOT NULL REFERENCES events(id),
	dietary		TEXT NOT NULL,
	attendees	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, dietary)
) WITHOUT ROWID;
