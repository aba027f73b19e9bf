-- 0004-door-scopes.sql: login failures counted per account and address,
-- scan nonces that belong to one staff session, and one name for each
-- checkpoint.

-- Failures are counted per (account, address) pair as well as per address
-- and per account (store_login_wait).
CREATE INDEX login_failures_pair ON login_failures(username, address, at);

-- A staff session gets a number of its own, for the nonces of its scans to
-- belong to; AUTOINCREMENT, so that a new session never takes the number
-- (and with it the nonces) of one that has ended. Sessions in use stay
-- logged in.
CREATE TABLE staff_sessions_new (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	token_hash	BLOB NOT NULL UNIQUE,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	csrf_token	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
);
INSERT INTO staff_sessions_new (token_hash, user_id, csrf_token, created_at,
	expires_at)
	SELECT token_hash, user_id, csrf_token, created_at, expires_at
	FROM staff_sessions ORDER BY created_at;
DROP TABLE staff_sessions;
ALTER TABLE staff_sessions_new RENAME TO staff_sessions;
CREATE INDEX staff_sessions_user ON staff_sessions(user_id);

-- A nonce was global: another door's scan carrying the same nonce got the
-- first answer, attendee and all. Now a nonce counts only within the
-- session that sent it (staff_sessions.id, not a foreign key: a retry may
-- come in just as its session ends). A nonce guards the retries of one
-- scan, seconds apart; the old ones belong to no session and are dropped.
DROP TABLE scan_nonces;
CREATE TABLE scan_nonces (
	session_id	INTEGER NOT NULL,
	nonce		TEXT NOT NULL,
	user_id		INTEGER NOT NULL,
	answer		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (session_id, nonce)
) WITHOUT ROWID;

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
