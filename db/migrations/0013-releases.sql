-- 0013-releases.sql: numbered releases of the programme. Organisers edit
-- the live tables (the draft); publishing copies the programme document
-- into a release, which is all the public sees. Each release keeps that
-- document as it was (the snapshot, JSON text, without its own "release"
-- entry, which is added from number and published_at when it is read),
-- what the next release is compared with (sessions: each session's time,
-- room, title, speakers, cancelled and sequence, without the abstracts),
-- and the list of what it changed against the one before, all made once,
-- when published. The uid names a release in the Atom feed, whatever its
-- number or host.
CREATE TABLE releases (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	number		INTEGER NOT NULL CHECK (number >= 1),
	uid		TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(4)))
			    || '-' || lower(hex(randomblob(2))) || '-4' ||
			    substr(lower(hex(randomblob(2))), 2) || '-' ||
			    substr('89ab', 1 + abs(random() % 4), 1) ||
			    substr(lower(hex(randomblob(2))), 2) || '-' ||
			    lower(hex(randomblob(6)))),
	published_at	INTEGER NOT NULL,
	who		TEXT NOT NULL DEFAULT '',	-- '': techtankd itself
	snapshot	TEXT,		-- NULL until techtankd makes release 1
	sessions	TEXT NOT NULL DEFAULT '[]',
	changes		TEXT NOT NULL DEFAULT '[]',
	UNIQUE (event_id, number)
);

-- A cancelled session stays in the programme, shown as cancelled. The
-- sequence is raised by each release that moved it or changed its room
-- (calendars see it as SEQUENCE); published says it is in the latest
-- release and not cancelled there: the sessions the public can sign up to.
ALTER TABLE sessions ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0
    CHECK (cancelled IN (0, 1));
ALTER TABLE sessions ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN published INTEGER NOT NULL DEFAULT 0
    CHECK (published IN (0, 1));

-- The public keeps seeing the programme it saw before releases existed:
-- every event with sessions gets release 1 of them, whose snapshot
-- techtankd writes right after the migrations, in their transaction (a
-- document SQL cannot make).
INSERT INTO releases (event_id, number, published_at)
    SELECT e.id, 1, CAST(strftime('%s', 'now') AS INTEGER) FROM events e
    WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.event_id = e.id);
