-- The public pages show only the event organisers chose; every other event
-- is a draft. A database made before keeps showing what it showed: the
-- next event not yet over, else the last one.
INSERT INTO settings (key, value)
SELECT 'current_event', id FROM events
WHERE archived = 0
  AND NOT EXISTS (SELECT 1 FROM settings s JOIN events e ON e.id = s.value
                  WHERE s.key = 'current_event' AND e.archived = 0)
ORDER BY ends_at < unixepoch(),
  CASE WHEN ends_at < unixepoch() THEN -starts_at ELSE starts_at END
LIMIT 1
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
