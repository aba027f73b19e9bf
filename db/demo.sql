-- demo.sql: the demo Techtank Conference, 30 November - 1 December 2027 in
-- Olofström (CET, UTC+1; times below are UTC). Every person and company is
-- invented.

INSERT INTO events (id, slug, name, code_prefix, timezone, starts_at, ends_at,
    venue_name, venue_address, venue_city, capacity) VALUES
  (1, 'techtank-2027', 'Techtank Conference 2027', 'TT', 'Europe/Stockholm',
   unixepoch('2027-11-30 07:30'), unixepoch('2027-12-01 12:30'),
   'Pressverkstaden konferens', 'Verkstadsgatan 4', 'Olofström', 120);

INSERT INTO ticket_types (id, event_id, name, description, role, price_ore,
    quota, sale_ends_at, hidden, waitlist, sort) VALUES
  (1, 1, 'Member', 'Employees of Techtank member companies', 'attendee',
   250000, 60, unixepoch('2027-11-23 23:00'), 0, 1, 1),
  (2, 1, 'Non-member', 'Industry, institutes and other guests', 'attendee',
   450000, 40, unixepoch('2027-11-23 23:00'), 0, 1, 2),
  (3, 1, 'Student', 'Students with a valid student ID', 'attendee',
   50000, 10, unixepoch('2027-11-23 23:00'), 0, 0, 3),
  (4, 1, 'Speaker', 'Invited speakers (by invitation only)', 'speaker',
   0, 15, NULL, 1, 0, 4);
-- Invitation codes are made for each database: never one every demo shares.
UPDATE ticket_types SET invitation_code = tt_token(24);

INSERT INTO rooms (id, event_id, name, capacity, sort) VALUES
  (1, 1, 'Stora salen', 150, 1),
  (2, 1, 'Sal Ronneby', 60, 2),
  (3, 1, 'Sal Karlshamn', 40, 3);

INSERT INTO speakers (id, event_id, name, company, title) VALUES
  (1, 1, 'Karin Bergqvist', 'Techtank', 'Cluster manager'),
  (2, 1, 'Mikael Åhlén', 'Nordpress Formning AB', 'CTO'),
  (3, 1, 'Sofia Nyström', 'Listerlandets tekniska institut', 'Researcher, hot stamping'),
  (4, 1, 'Jonas Lindqvist', 'Blekinge Verktyg AB', 'Tooling manager'),
  (5, 1, 'Anna Wiśniewska', 'Sydkustens Lättmetall AB', 'Materials engineer'),
  (6, 1, 'Erik Håkansson', 'Pressverk Olofström AB', 'Production manager'),
  (7, 1, 'Leila Haddad', 'Formtech Research Institute', 'Senior scientist'),
  (8, 1, 'Tobias Grönberg', 'Digital Press Systems AB', 'Founder');

-- Titles and abstracts in Swedish, with the English beside them (_en).
INSERT INTO sessions (id, event_id, room_id, kind, title, title_en, abstract,
    abstract_en, starts_at, ends_at, seats) VALUES
  (1, 1, NULL, 'break', 'Registrering och kaffe',
   'Registration and coffee',
   '',
   '',
   unixepoch('2027-11-30 07:30'), unixepoch('2027-11-30 08:00'), NULL),
  (2, 1, 1, 'talk', 'Välkommen till Techtankkonferensen 2027',
   'Welcome to Techtank Conference 2027',
   'Året som gått i klustret och de två dagarna framför oss.',
   'The year in the cluster and the two days ahead.',
   unixepoch('2027-11-30 08:00'), unixepoch('2027-11-30 08:20'), NULL),
  (3, 1, 1, 'keynote', 'Presshärdning i stor skala: där nästa kilo försvinner',
   'Press hardening at scale: where the next kilo comes off',
   'Ultrahöghållfasta detaljer och vad de kräver av presslinjen.',
   'Ultra-high-strength parts and what they demand of the press line.',
   unixepoch('2027-11-30 08:20'), unixepoch('2027-11-30 09:05'), NULL),
  (4, 1, NULL, 'break', 'Kaffe',
   'Coffee',
   '',
   '',
   unixepoch('2027-11-30 09:05'), unixepoch('2027-11-30 09:30'), NULL),
  (5, 1, 2, 'talk', 'Varmformning av 7xxx-aluminium',
   'Hot forming of 7xxx aluminium',
   'Resultat från tre års försök, från ugn till kylning.',
   'Results from three years of trials, from furnace to quench.',
   unixepoch('2027-11-30 09:30'), unixepoch('2027-11-30 10:15'), NULL),
  (6, 1, 3, 'talk', 'Verktygsslitage vid presshärdning',
   'Tool wear in press hardening',
   'Beläggningar, kylkanaler och vad som faktiskt håller.',
   'Coatings, cooling channels and what actually lasts.',
   unixepoch('2027-11-30 09:30'), unixepoch('2027-11-30 10:15'), NULL),
  (7, 1, 2, 'talk', 'Digitala tvillingar för presslinjen',
   'Digital twins for the stamping line',
   'Simulering som operatörerna litar på.',
   'Simulation that the operators trust.',
   unixepoch('2027-11-30 10:15'), unixepoch('2027-11-30 11:00'), NULL),
  (8, 1, NULL, 'meal', 'Lunch',
   'Lunch',
   '',
   '',
   unixepoch('2027-11-30 11:00'), unixepoch('2027-11-30 12:00'), NULL),
  (9, 1, NULL, 'visit', 'Studiebesök: presslinjen hos Pressverk Olofström',
   'Study visit: the press line at Pressverk Olofström',
   'Buss från konferenslokalen. Begränsat antal platser; skyddsskor finns att låna.',
   'Bus from the venue. Limited seats; protective shoes are provided.',
   unixepoch('2027-11-30 12:00'), unixepoch('2027-11-30 14:30'), 30),
  (10, 1, 1, 'panel', 'Lättviktsmaterial: hype och verklighet',
   'Lightweight materials: hype and reality',
   'Industri och akademi om vad nästa modellår behöver.',
   'Industry and academia on what the next model year needs.',
   unixepoch('2027-11-30 14:45'), unixepoch('2027-11-30 15:30'), NULL),
  (11, 1, NULL, 'meal', 'Konferensmiddag',
   'Conference dinner',
   'I konferenslokalen.',
   'At the venue.',
   unixepoch('2027-11-30 18:00'), unixepoch('2027-11-30 21:00'), NULL),
  (12, 1, 1, 'keynote', 'Hållbar pressning: energin per detalj',
   'Sustainable stamping: energy per part',
   'Att mäta och minska energin för varje formad detalj.',
   'Measuring and cutting the energy of each formed part.',
   unixepoch('2027-12-01 08:00'), unixepoch('2027-12-01 08:45'), NULL),
  (13, 1, NULL, 'break', 'Kaffe',
   'Coffee',
   '',
   '',
   unixepoch('2027-12-01 08:45'), unixepoch('2027-12-01 09:15'), NULL),
  (14, 1, 2, 'talk', 'Kvalitetskontroll med maskinseende',
   'Quality inspection with machine vision',
   'Att hitta sprickor och veck innan detaljen lämnar pressen.',
   'Finding splits and wrinkles before the part leaves the press.',
   unixepoch('2027-12-01 09:15'), unixepoch('2027-12-01 10:00'), NULL),
  (15, 1, 3, 'talk', 'Skräddarsydda ämnen och lappade detaljer',
   'Tailored blanks and patchwork parts',
   'Fogning före formning: försök och lärdomar.',
   'Joining before forming: trials and lessons.',
   unixepoch('2027-12-01 09:15'), unixepoch('2027-12-01 10:00'), NULL),
  (16, 1, 1, 'panel', 'Avslutning: det här tar vi med oss hem',
   'Closing: what we take home',
   'Sammanfattning av konferensen och nästa års teman.',
   'Summary of the conference and next years themes.',
   unixepoch('2027-12-01 10:15'), unixepoch('2027-12-01 11:00'), NULL),
  (17, 1, NULL, 'meal', 'Lunch',
   'Lunch',
   '',
   '',
   unixepoch('2027-12-01 11:00'), unixepoch('2027-12-01 12:00'), NULL);

UPDATE sessions SET signup = 1 WHERE id IN (9, 11);
UPDATE sessions SET seats = 100 WHERE id = 11;

INSERT INTO session_speakers (session_id, speaker_id, sort) VALUES
  (2, 1, 0), (3, 2, 0), (5, 5, 0), (5, 3, 1), (6, 4, 0), (7, 8, 0),
  (9, 6, 0), (10, 7, 0), (10, 3, 1), (10, 2, 2), (12, 7, 0), (14, 8, 0),
  (15, 4, 0), (16, 1, 0);

-- Published: the event the public pages show.
INSERT INTO settings (key, value) VALUES ('current_event', 1);
