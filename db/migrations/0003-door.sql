-- 0003-door.sql: staff accounts and their sessions, login throttling, the
-- audit log of staff actions, and check-ins at the door.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('door', 'organiser')),
	password_hash	TEXT NOT NULL,			-- argon2id, libsodium
	disabled	INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at	INTEGER NOT NULL
);

-- A login: the cookie's token is kept only as a hash.
CREATE TABLE staff_sessions (
	token_hash	BLOB PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	csrf_token	TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX staff_sessions_user ON staff_sessions(user_id);

CREATE TABLE login_failures (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL,
	address		TEXT NOT NULL,
	at		INTEGER NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	user_id		INTEGER REFERENCES users(id),
	username	TEXT NOT NULL,
	action		TEXT NOT NULL,
	detail		TEXT NOT NULL DEFAULT '',
	address		TEXT NOT NULL DEFAULT ''
);

-- checkpoint: 'main' (the entrance) or 'session-N' (a session with sign-ups).
CREATE TABLE checkins (
	id		INTEGER PRIMARY KEY,
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	checkpoint	TEXT NOT NULL,
	at		INTEGER NOT NULL,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	undone_at	INTEGER,
	undone_by	INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX checkins_once
	ON checkins(attendee_id, checkpoint) WHERE undone_at IS NULL;
CREATE INDEX checkins_checkpoint ON checkins(checkpoint) WHERE undone_at IS NULL;

-- The first answer to a scan carrying a client nonce, for its retries.
CREATE TABLE scan_nonces (
	nonce		TEXT PRIMARY KEY,
	user_id		INTEGER NOT NULL,
	answer		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX attendees_name ON attendees(event_id, last_name COLLATE NOCASE);
