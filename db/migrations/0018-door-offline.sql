-- 0018-door-offline.sql: the door works on when the network fails. A door
-- page keeps a copy of its checkpoint (GET /api/v1/checkpoints/{id}/sync)
-- and uploads the scans it made offline (POST /api/v1/checkins/batch).
--   door_keys		 the random salt of an event's door copies: the
--			 lookup hashes and entry keys derive from it and the
--			 pass code (door-crypto.c); made with every event
--   door_changes	 what a door copy must learn since a cursor (its id):
--			 a pass changed (made, reissued, substituted,
--			 cancelled, its person or sign-ups edited; old_code:
--			 the code it had) or a check-in made or undone
--   door_hashes	 the lookup hash of each code, to find the pass of a
--			 scan uploaded by hash; filled by the writer
--   offline_scans	 each uploaded scan by its nonce, so that an upload
--			 sent again changes nothing
--   door_conflicts	 a person let in twice at one checkpoint while
--			 offline: the check-in that was not kept
--   checkins.device	 the device of an offline scan (NULL: online)
--   checkins.recorded_at when the server learned of it (NULL: at once)
--   events.door_offline_names  the door copy carries the names (only) of
--			 the confirmed, for a name search offline
CREATE TABLE door_keys (
	event_id	INTEGER PRIMARY KEY REFERENCES events(id),
	salt		BLOB NOT NULL
);
INSERT INTO door_keys (event_id, salt) SELECT id, randomblob(32) FROM events;
CREATE TRIGGER door_keys_made AFTER INSERT ON events BEGIN
	INSERT INTO door_keys (event_id, salt) VALUES (NEW.id, randomblob(32));
END;

ALTER TABLE events ADD COLUMN door_offline_names INTEGER NOT NULL DEFAULT 0
    CHECK (door_offline_names IN (0, 1));
ALTER TABLE checkins ADD COLUMN device TEXT;
ALTER TABLE checkins ADD COLUMN recorded_at INTEGER;

CREATE TABLE door_changes (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id	INTEGER NOT NULL,
	attendee_id	INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('pass', 'checkin')),
	old_code	TEXT,
	checkpoint	TEXT
);
CREATE INDEX door_changes_event ON door_changes(event_id, id);

CREATE TRIGGER door_pass_made AFTER INSERT ON attendees BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind)
	VALUES (NEW.event_id, NEW.id, 'pass');
END;
CREATE TRIGGER door_pass_changed AFTER UPDATE OF first_name, last_name,
    company, dietary, status, pass_code, ticket_type_id ON attendees
    WHEN OLD.first_name IS NOT NEW.first_name
      OR OLD.last_name IS NOT NEW.last_name OR OLD.company IS NOT NEW.company
      OR OLD.dietary IS NOT NEW.dietary OR OLD.status IS NOT NEW.status
      OR OLD.pass_code IS NOT NEW.pass_code
      OR OLD.ticket_type_id IS NOT NEW.ticket_type_id BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind, old_code)
	VALUES (NEW.event_id, NEW.id, 'pass', CASE WHEN OLD.pass_code IS NOT
	    NEW.pass_code THEN OLD.pass_code END);
END;
CREATE TRIGGER door_pass_gone AFTER DELETE ON attendees BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind, old_code)
	VALUES (OLD.event_id, OLD.id, 'pass', OLD.pass_code);
END;
CREATE TRIGGER door_signup_made AFTER INSERT ON attendee_sessions BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind)
	SELECT event_id, id, 'pass' FROM attendees WHERE id = NEW.attendee_id;
END;
CREATE TRIGGER door_signup_gone AFTER DELETE ON attendee_sessions BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind)
	SELECT event_id, id, 'pass' FROM attendees WHERE id = OLD.attendee_id;
END;
CREATE TRIGGER door_checkin_made AFTER INSERT ON checkins BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind, checkpoint)
	SELECT event_id, id, 'checkin', NEW.checkpoint FROM attendees
	 WHERE id = NEW.attendee_id;
END;
CREATE TRIGGER door_checkin_undone AFTER UPDATE OF undone_at ON checkins
    WHEN OLD.undone_at IS NOT NEW.undone_at BEGIN
	INSERT INTO door_changes (event_id, attendee_id, kind, checkpoint)
	SELECT event_id, id, 'checkin', NEW.checkpoint FROM attendees
	 WHERE id = NEW.attendee_id;
END;

CREATE TABLE door_hashes (
	event_id	INTEGER NOT NULL,
	hash		BLOB NOT NULL,
	code		TEXT NOT NULL,
	PRIMARY KEY (event_id, hash)
) WITHOUT ROWID;
CREATE UNIQUE INDEX door_hashes_code ON door_hashes(code);

CREATE TABLE offline_scans (
	nonce		TEXT PRIMARY KEY,
	event_id	INTEGER NOT NULL,
	user_id		INTEGER NOT NULL,
	device		TEXT NOT NULL,
	checkpoint	TEXT NOT NULL,
	at		INTEGER NOT NULL,
	attendee_id	INTEGER,
	result		TEXT NOT NULL,
	checkin_id	INTEGER,
	received_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE door_conflicts (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	checkpoint	TEXT NOT NULL,
	kept_checkin_id	INTEGER NOT NULL REFERENCES checkins(id),
	at		INTEGER NOT NULL,	-- of the admission not kept
	device		TEXT,			-- its device; NULL: online
	user_id		INTEGER NOT NULL REFERENCES users(id),
	nonce		TEXT,
	recorded_at	INTEGER NOT NULL
);
CREATE INDEX door_conflicts_event ON door_conflicts(event_id, checkpoint);
