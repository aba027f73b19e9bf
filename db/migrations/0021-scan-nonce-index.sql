-- 0021-scan-nonce-index.sql: scan nonces found by the nonce alone. A door
-- page that sent a scan online and lost the answer (a time-out) decides
-- it from its copy and queues it with the same nonce; the upload looks
-- the nonce up among its account's online scans, whatever staff session
-- made them, so that the scan the server did apply is a duplicate, not a
-- conflict.
CREATE INDEX scan_nonces_nonce ON scan_nonces(nonce);
