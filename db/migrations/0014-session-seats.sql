-- 0014-session-seats.sql: a session's seats and its line. attendee_sessions
-- keeps the seats, and only confirmed attendees hold one; session_waits
-- keeps the rest: a confirmed attendee 'waiting' on a full session's own
-- waitlist, and the 'wanted' sign-ups of a waitlisted attendee, honoured
-- in order when they are confirmed. The id is the order: the lowest
-- waiting row of a session is first in its line, and an attendee's wishes
-- are honoured lowest first. No one is both seated and in line.
CREATE TABLE session_waits (
	id		INTEGER PRIMARY KEY,
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	session_id	INTEGER NOT NULL REFERENCES sessions(id),
	state		TEXT NOT NULL CHECK (state IN ('waiting', 'wanted')),
	created_at	INTEGER NOT NULL,
	UNIQUE (attendee_id, session_id)
);
CREATE INDEX session_waits_line ON session_waits(session_id, state, id);

-- The seats that waitlisted attendees held become their wishes, and the
-- counts count the seats of confirmed attendees alone.
INSERT INTO session_waits (attendee_id, session_id, state, created_at)
    SELECT x.attendee_id, x.session_id, 'wanted', CAST(strftime('%s', 'now')
    AS INTEGER) FROM attendee_sessions x
    JOIN attendees a ON a.id = x.attendee_id
    WHERE a.status = 'waitlisted' ORDER BY x.attendee_id, x.session_id;
DELETE FROM attendee_sessions WHERE attendee_id IN
    (SELECT id FROM attendees WHERE status <> 'confirmed');
UPDATE sessions SET taken = (SELECT count(*) FROM attendee_sessions x
    WHERE x.session_id = sessions.id);
