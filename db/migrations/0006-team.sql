-- 0006-team.sql: staff accounts are edited in the console too, so they
-- carry a version like every resource organisers change.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
