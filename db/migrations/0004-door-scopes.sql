-- 0004-door-scopes.sql: one name for each checkpoint.

-- Checkpoints used to be accepted under several names for one session
-- (session-09, session-+9, session- 9), each admitting the badge again.
-- Where one attendee has live check-ins under several names of the same
-- session, the first stays and the later ones are undone; then every
-- check-in takes the one name, session-<id> without leading zeros.
UPDATE checkins SET undone_at = CAST(strftime('%s', 'now') AS INTEGER)
 WHERE undone_at IS NULL AND substr(checkpoint, 1, 8) = 'session-'
   AND EXISTS (SELECT 1 FROM checkins o
	WHERE o.attendee_id = checkins.attendee_id AND o.undone_at IS NULL
	  AND substr(o.checkpoint, 1, 8) = 'session-'
	  AND CAST(substr(o.checkpoint, 9) AS INTEGER) =
	      CAST(substr(checkins.checkpoint, 9) AS INTEGER)
	  AND (o.at < checkins.at OR (o.at = checkins.at AND o.id < checkins.id)));
UPDATE checkins
   SET checkpoint = 'session-' || CAST(substr(checkpoint, 9) AS INTEGER)
 WHERE substr(checkpoint, 1, 8) = 'session-'
   AND checkpoint <> 'session-' || CAST(substr(checkpoint, 9) AS INTEGER);
