-- 0015-speaker-passes.sql: speakers get a pass without registering. A
-- speaker in a session gets an attendee row of their own on the event's
-- speaker ticket type (store-speaker-pass.c), named here once made: the
-- link outlives the speaker's sessions (the organiser cancels the pass by
-- hand) and goes with the speaker or the attendee row.
CREATE TABLE speaker_passes (
	speaker_id	INTEGER PRIMARY KEY REFERENCES speakers(id)
			    ON DELETE CASCADE,
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id)
			    ON DELETE CASCADE
);
CREATE INDEX speaker_passes_attendee ON speaker_passes(attendee_id);

-- Whether confirmed attendees on a speaker ticket type take seats of the
-- event's capacity, which the public books against: by default they do
-- not. The event's count is made again under that rule.
ALTER TABLE events ADD COLUMN speakers_in_capacity INTEGER NOT NULL
    DEFAULT 0 CHECK (speakers_in_capacity IN (0, 1));
UPDATE events SET confirmed_count = (SELECT count(*) FROM attendees a
    JOIN ticket_types t ON t.id = a.ticket_type_id
    WHERE a.event_id = events.id AND a.status = 'confirmed'
    AND t.role <> 'speaker');
