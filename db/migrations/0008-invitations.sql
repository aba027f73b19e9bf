-- 0008-invitations.sql: every ticket type gets an invitation code, the
-- unguessable part of the link that lets someone book a hidden ticket type
-- (speakers, staff, exhibitors, guests) without an organiser. Codes are
-- random only (tt_token(): libsodium's random base32, store.c), never made
-- from the id, and unique; an organiser can replace one, and the old one
-- then opens nothing.
ALTER TABLE ticket_types ADD COLUMN invitation_code TEXT;
UPDATE ticket_types SET invitation_code = tt_token(24);
CREATE UNIQUE INDEX ticket_types_invitation ON ticket_types(invitation_code);
