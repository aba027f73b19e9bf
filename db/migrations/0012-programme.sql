-- 0012-programme.sql: the programme as organisers build it in the console.
-- Rooms and speakers get a version (an edit names the version it read);
-- speakers a bio in English beside the Swedish one, an email and a photo
-- (the address of one: the system stores no images); events the changeover
-- time a speaker needs between sessions in different rooms.
ALTER TABLE rooms ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE speakers ADD COLUMN bio_en TEXT NOT NULL DEFAULT '';
ALTER TABLE speakers ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE speakers ADD COLUMN photo_url TEXT NOT NULL DEFAULT '';
ALTER TABLE speakers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN changeover_minutes INTEGER NOT NULL DEFAULT 10
    CHECK (changeover_minutes BETWEEN 0 AND 240);

-- Sessions are rebuilt, keeping every id: the kind's CHECK gains
-- 'workshop', and a CHECK cannot be altered. Relaxing it would have meant
-- a rebuild too, and the database keeps guarding what programs other than
-- techtankd write (demo.sql, an organiser's SQL). Each session also gets
-- its title and abstract in English, the language it is held in, whether
-- its sign-up keeps a waitlist, a version, and a uid: a random UUID made
-- once, which calendar and schedule exports name it by whatever changes.
-- The tables that refer to sessions are rebuilt with it, so that no row
-- ever points at a dropped table (foreign keys stay on in a migration).
CREATE TABLE sessions_new (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	room_id		INTEGER REFERENCES rooms(id),
	kind		TEXT NOT NULL DEFAULT 'talk' CHECK (kind IN ('talk',
			    'keynote', 'panel', 'workshop', 'break', 'meal',
			    'visit')),
	title		TEXT NOT NULL,
	title_en	TEXT NOT NULL DEFAULT '',
	abstract	TEXT NOT NULL DEFAULT '',
	abstract_en	TEXT NOT NULL DEFAULT '',
	language	TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv',
			    'en')),
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER NOT NULL,
	seats		INTEGER CHECK (seats IS NULL OR seats >= 0),
	signup		INTEGER NOT NULL DEFAULT 0 CHECK (signup IN (0, 1)),
	waitlist	INTEGER NOT NULL DEFAULT 0 CHECK (waitlist IN (0, 1)),
	taken		INTEGER NOT NULL DEFAULT 0,	-- kept by the store
	uid		TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(4)))
			    || '-' || lower(hex(randomblob(2))) || '-4' ||
			    substr(lower(hex(randomblob(2))), 2) || '-' ||
			    substr('89ab', 1 + abs(random() % 4), 1) ||
			    substr(lower(hex(randomblob(2))), 2) || '-' ||
			    lower(hex(randomblob(6)))),
	version		INTEGER NOT NULL DEFAULT 1,
	CHECK (ends_at > starts_at)
);
INSERT INTO sessions_new (id, event_id, room_id, kind, title, abstract,
    starts_at, ends_at, seats, signup, taken)
    SELECT id, event_id, room_id, kind, title, abstract, starts_at, ends_at,
    seats, signup, taken FROM sessions ORDER BY id;

CREATE TABLE session_speakers_new (
	session_id	INTEGER NOT NULL REFERENCES sessions_new(id),
	speaker_id	INTEGER NOT NULL REFERENCES speakers(id),
	sort		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, speaker_id)
) WITHOUT ROWID;
INSERT INTO session_speakers_new SELECT session_id, speaker_id, sort
    FROM session_speakers;

CREATE TABLE attendee_sessions_new (
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	session_id	INTEGER NOT NULL REFERENCES sessions_new(id),
	PRIMARY KEY (attendee_id, session_id)
) WITHOUT ROWID;
INSERT INTO attendee_sessions_new SELECT attendee_id, session_id
    FROM attendee_sessions;

DROP TABLE attendee_sessions;
DROP TABLE session_speakers;
DROP TABLE sessions;
-- Renaming the new table rewrites its children's references to it.
ALTER TABLE sessions_new RENAME TO sessions;
ALTER TABLE session_speakers_new RENAME TO session_speakers;
ALTER TABLE attendee_sessions_new RENAME TO attendee_sessions;

CREATE INDEX sessions_event ON sessions(event_id, starts_at);
CREATE INDEX attendee_sessions_session ON attendee_sessions(session_id);
-- The clash checks: the sessions of a room by time, and of a speaker.
CREATE INDEX sessions_room_time ON sessions(room_id, starts_at);
CREATE INDEX session_speakers_speaker ON session_speakers(speaker_id,
    session_id);
