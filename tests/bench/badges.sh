#!/usr/bin/env bash
# tests/bench/badges.sh: 1,000 name tags into one PDF, wall time and peak
# memory of techtank-badges (targets: < 2 s, < 100 MB). Part of make bench.
#
#   TECHTANKD=./techtankd TECHTANK_BADGES=./techtank-badges bash tests/bench/badges.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TECHTANKD=$(realpath "${TECHTANKD:-./techtankd}")
BADGES=$(realpath "${TECHTANK_BADGES:-./techtank-badges}")
N=${BADGE_COUNT:-1000}

for tool in sqlite3 /usr/bin/time pdfinfo python3; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is not installed" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/techtank-badges-bench.XXXXXX")
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$TMP"' EXIT

# A database with the demo event, made by the daemon itself.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TECHTANKD" --listen "127.0.0.1:$port" --db "$TMP/t.db" --web-root "$ROOT/web" \
	--access-log /dev/null 2>"$TMP/techtankd.err" &
pid=$!
for _ in $(seq 100); do [ -s "$TMP/t.db" ] && grep -q serving "$TMP/techtankd.err" && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid" || true

# N confirmed attendees with names of varying length and script, and
# pass codes of the real shape; about a third signed up for the dinner.
sqlite3 "$TMP/t.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,
    contact_first_name, contact_last_name, contact_email, privacy_accepted_at, created_at)
SELECT i, 1, 1 + i % 3, 'confirmed', 'bench' || i, 'Contact', 'Person',
    'c' || i || '@example.se', unixepoch(), unixepoch() FROM n;
INSERT INTO attendees (id, registration_id, event_id, ticket_type_id, first_name,
    last_name, email, email_norm, company, status, pass_code, created_at)
SELECT id, id, 1, ticket_type_id,
    CASE id % 5 WHEN 0 THEN 'Åsa' WHEN 1 THEN 'Zoë' WHEN 2 THEN 'Maximiliane-Charlotte'
        WHEN 3 THEN 'Γιώργος' ELSE '李' END,
    CASE id % 4 WHEN 0 THEN 'Lindström-Öberg' WHEN 1 THEN 'Ødegård-Łukasiewicz von Håkansdotter'
        WHEN 2 THEN 'Παπαδόπουλος' ELSE 'Nowak' END || ' ' || id,
    'a' || id || '@example.se', 'a' || id || '@example.se',
    'Company ' || (id % 37) || ' Pressteknik AB', 'confirmed',
    'TT-' || upper(substr(hex(randomblob(16)), 1, 27)), unixepoch()
FROM registrations;
INSERT INTO attendee_sessions (attendee_id, session_id) SELECT id, 11 FROM attendees WHERE id % 3 = 0;
SQL

/usr/bin/time -v "$BADGES" tags --db "$TMP/t.db" -o "$TMP/tags.pdf" >"$TMP/out" 2>"$TMP/time"
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
pages=$(pdfinfo "$TMP/tags.pdf" | sed -n 's/^Pages: *//p')
size=$(stat -c %s "$TMP/tags.pdf")
secs=$(python3 -c "import sys; p=sys.argv[1].split(':'); print(round(float(p[-1]) + 60*float(p[-2]), 2))" "$wall")
mb=$(python3 -c "print(round($rss_kb / 1024, 1))")
verdict() { python3 -c "import sys; print('PASS' if float(sys.argv[1]) < float(sys.argv[2]) else 'MISS')" "$1" "$2"; }

echo "== badges: $N name tags into one PDF (techtank-badges tags, durable-1445-02)"
echo "  $(cat "$TMP/out")"
printf '  %-28s %-12s %-10s %s\n' measure figure target result
printf '  %-28s %-12s %-10s %s\n' "wall time" "${secs} s" "< 2 s" "$(verdict "$secs" 2)"
printf '  %-28s %-12s %-10s %s\n' "peak memory (max RSS)" "${mb} MB" "< 100 MB" "$(verdict "$mb" 100)"
printf '  %-28s %-12s\n' "pages" "$pages (expected $(( (N + 9) / 10 )))"
printf '  %-28s %-12s\n' "PDF size" "$((size / 1024)) KiB"
[ "$pages" -eq $(( (N + 9) / 10 )) ] || { echo "bench: wrong page count" >&2; exit 1; }
