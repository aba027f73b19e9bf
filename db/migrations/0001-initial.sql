-- 0001-initial.sql: events, ticket types, registrations, attendees and the
-- programme. Times are UTC seconds since the epoch; money is in öre.

CREATE TABLE events (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	code_prefix	TEXT NOT NULL DEFAULT 'TT',
	timezone	TEXT NOT NULL DEFAULT 'Europe/Stockholm',
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER NOT NULL,
	venue_name	TEXT NOT NULL DEFAULT '',
	venue_address	TEXT NOT NULL DEFAULT '',
	venue_city	TEXT NOT NULL DEFAULT '',
	capacity	INTEGER CHECK (capacity IS NULL OR capacity >= 0),
	confirmed_count	INTEGER NOT NULL DEFAULT 0,	-- kept by the store
	created_at	INTEGER NOT NULL DEFAULT (unixepoch()),
	CHECK (ends_at >= starts_at)
);

CREATE TABLE ticket_types (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	name		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	role		TEXT NOT NULL DEFAULT 'attendee'
			CHECK (role IN ('attendee', 'speaker', 'staff',
			    'organiser', 'exhibitor')),
	price_ore	INTEGER NOT NULL DEFAULT 0 CHECK (price_ore >= 0),
	quota		INTEGER CHECK (quota IS NULL OR quota >= 0),
	confirmed_count	INTEGER NOT NULL DEFAULT 0,	-- kept by the store
	sale_starts_at	INTEGER,
	sale_ends_at	INTEGER,
	hidden		INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
	waitlist	INTEGER NOT NULL DEFAULT 1 CHECK (waitlist IN (0, 1)),
	sort		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_types_event ON ticket_types(event_id, sort);

CREATE TABLE registrations (
	id			INTEGER PRIMARY KEY,
	event_id		INTEGER NOT NULL REFERENCES events(id),
	ticket_type_id		INTEGER NOT NULL REFERENCES ticket_types(id),
	status			TEXT NOT NULL CHECK (status IN ('confirmed',
				    'waitlisted', 'partial', 'cancelled')),
	manage_token		TEXT NOT NULL UNIQUE,
	contact_first_name	TEXT NOT NULL,
	contact_last_name	TEXT NOT NULL,
	contact_email		TEXT NOT NULL,
	contact_company		TEXT NOT NULL DEFAULT '',
	contact_phone		TEXT NOT NULL DEFAULT '',
	privacy_accepted_at	INTEGER NOT NULL,
	created_at		INTEGER NOT NULL,
	cancelled_at		INTEGER
);
CREATE INDEX registrations_event ON registrations(event_id);

CREATE TABLE attendees (
	id		INTEGER PRIMARY KEY,
	registration_id	INTEGER NOT NULL REFERENCES registrations(id),
	event_id	INTEGER NOT NULL REFERENCES events(id),
	ticket_type_id	INTEGER NOT NULL REFERENCES ticket_types(id),
	first_name	TEXT NOT NULL,
	last_name	TEXT NOT NULL,
	email		TEXT NOT NULL,
	email_norm	TEXT NOT NULL,
	company		TEXT NOT NULL DEFAULT '',
	job_title	TEXT NOT NULL DEFAULT '',
	dietary		TEXT NOT NULL DEFAULT '',
	listed		INTEGER NOT NULL DEFAULT 0 CHECK (listed IN (0, 1)),
	status		TEXT NOT NULL CHECK (status IN ('confirmed',
			    'waitlisted', 'cancelled')),
	pass_code	TEXT UNIQUE,
	created_at	INTEGER NOT NULL,
	confirmed_at	INTEGER,
	cancelled_at	INTEGER
);
CREATE INDEX attendees_registration ON attendees(registration_id);
CREATE UNIQUE INDEX attendees_active_email
	ON attendees(event_id, email_norm) WHERE status <> 'cancelled';
CREATE INDEX attendees_waitlist
	ON attendees(ticket_type_id, id) WHERE status = 'waitlisted';
CREATE INDEX attendees_waitlist_event
	ON attendees(event_id, id) WHERE status = 'waitlisted';

CREATE TABLE idempotency_keys (
	key		TEXT PRIMARY KEY,
	request_hash	BLOB NOT NULL,
	registration_id	INTEGER NOT NULL REFERENCES registrations(id),
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rooms (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	name		TEXT NOT NULL,
	capacity	INTEGER,
	sort		INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE speakers (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	name		TEXT NOT NULL,
	company		TEXT NOT NULL DEFAULT '',
	title		TEXT NOT NULL DEFAULT '',
	bio		TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	event_id	INTEGER NOT NULL REFERENCES events(id),
	room_id		INTEGER REFERENCES rooms(id),
	kind		TEXT NOT NULL DEFAULT 'talk' CHECK (kind IN ('talk',
			    'keynote', 'panel', 'break', 'meal', 'visit')),
	title		TEXT NOT NULL,
	abstract	TEXT NOT NULL DEFAULT '',
	starts_at	INTEGER NOT NULL,
	ends_at		INTEGER NOT NULL,
	seats		INTEGER CHECK (seats IS NULL OR seats >= 0),
	signup		INTEGER NOT NULL DEFAULT 0 CHECK (signup IN (0, 1)),
	taken		INTEGER NOT NULL DEFAULT 0,	-- kept by the store
	CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_event ON sessions(event_id, starts_at);

CREATE TABLE session_speakers (
	session_id	INTEGER NOT NULL REFERENCES sessions(id),
	speaker_id	INTEGER NOT NULL REFERENCES speakers(id),
	sort		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (session_id, speaker_id)
) WITHOUT ROWID;

-- What an attendee has signed up for among the sessions that need it (the
-- dinner, study visits). Seats are counted in sessions.taken.
CREATE TABLE attendee_sessions (
	attendee_id	INTEGER NOT NULL REFERENCES attendees(id),
	session_id	INTEGER NOT NULL REFERENCES sessions(id),
	PRIMARY KEY (attendee_id, session_id)
) WITHOUT ROWID;
CREATE INDEX attendee_sessions_session ON attendee_sessions(session_id);
