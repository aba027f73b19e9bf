#!/usr/bin/env bash
# tests/bench/exports.sh: the organisers' exports with 100,000 attendees
# (each in a registration of ten, every other one at the dinner, every
# fiftieth on the study visit, every third checked in). Measures, in one
# run and on loopback:
#   - the full attendee CSV streamed by techtankd: rows/s (target: >=
#     50,000) and the daemon's peak memory while exporting (VmHWM from
#     /proc, reset just before through /proc/PID/clear_refs; target:
#     < 30 MB), beside two references measured on the same rows: sqlite3
#     writing them as CSV, and nginx serving the finished file;
#   - the same export as XLSX (written on the slow thread), and the other
#     lists;
#   - a client reading slowly: the daemon's memory while it reads;
#   - ten attendee CSVs at once.
# Part of make bench. Results are reported; BENCH_STRICT=1 fails on a miss.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TECHTANKD=$(realpath "${TECHTANKD:-./techtankd}")
for tool in python3 sqlite3 curl nginx; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is not installed" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/techtank-exports-bench.XXXXXX")
PID= NPID=
cleanup() {
	[ -n "$NPID" ] && kill -TERM "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
BASE="http://127.0.0.1:$port"
status() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$PID/status"; }
reset_peak() { echo 5 >"/proc/$PID/clear_refs"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
echo "bench password" | "$TECHTANKD" --db "$TMP/t.db" user add boss --role organiser >/dev/null
sqlite3 "$TMP/t.db" <<'SQL'
UPDATE events SET capacity = NULL;
UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL;
UPDATE sessions SET seats = NULL;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10000)
INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,
    contact_first_name, contact_last_name, contact_email, contact_phone,
    privacy_accepted_at, created_at)
SELECT n, 1, 1 + n % 3, 'confirmed', printf('bench%027d', n), 'Karin', 'Bergqvist',
    printf('c%d@example.se', n), '+46 70 123 45 67', 1790000000, 1790000000 + n * 60 FROM r;
WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < 100000)
INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name,
    last_name, email, email_norm, company, job_title, dietary, status, pass_code,
    created_at, confirmed_at)
SELECT 1 + (n - 1) / 10, 1, 1 + ((1 + (n - 1) / 10) % 3), 'Åsa', printf('Lindström-Öberg %d', n),
    printf('a%d@example.se', n), printf('a%d@example.se', n), 'Pressverk Olofström AB',
    'Verktygsingenjör', CASE n % 7 WHEN 0 THEN 'vegetarisk' WHEN 3 THEN 'glutenfri' ELSE '' END,
    'confirmed', printf('TT-BENCH%020d', n), 1790000000 + n, 1790000000 + n FROM a;
INSERT INTO attendee_sessions SELECT id, 11 FROM attendees WHERE id % 2 = 0;
INSERT INTO attendee_sessions SELECT id, 9 FROM attendees WHERE id % 50 = 0;
INSERT INTO checkins (attendee_id, checkpoint, at, user_id)
    SELECT id, 'main', 1795000000 + id, 1 FROM attendees WHERE id % 3 = 0;
SQL
bench_start
started_peak=$(status VmHWM)
python3 - "$BASE" "$TMP" <<'PY'
import json, sys, urllib.request
base, tmp = sys.argv[1], sys.argv[2]
req = urllib.request.Request(base + "/api/v1/session",
                             json.dumps({"username": "boss", "password": "bench password"}).encode(),
                             {"Content-Type": "application/json"})
res = urllib.request.urlopen(req)
open(tmp + "/cookie", "w").write(res.headers["Set-Cookie"].split(";")[0] + "\n")
PY
COOKIE=$(cat "$TMP/cookie")
EXPORTS="$BASE/api/v1/admin/events/1/exports"
login_peak=$(status VmHWM)

# fetch URL FILE: seconds and bytes of one download.
fetch() { curl -fsS -o "$2" -w '%{time_total} %{size_download}\n' -H "Cookie: $COOKIE" "$1"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

# -- the attendee CSV: three runs, the median reported
idle=$(status VmRSS)
reset_peak
times=()
for i in 1 2 3; do
	read -r secs bytes < <(fetch "$EXPORTS/attendees.csv" "$TMP/attendees.csv")
	times+=("$secs")
done
csv_peak=$(status VmHWM)
rows=$(($(wc -l <"$TMP/attendees.csv") - 1))
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
csv_rate=$(rate "$rows" "$median")
echo "attendees.csv: $rows rows, $bytes bytes; runs ${times[*]} s"

# -- references on the same rows
ref_sql="SELECT a.id, a.registration_id, a.first_name, a.last_name, a.email,
    r.contact_phone, a.company, a.job_title, t.name, a.status,
    datetime(a.created_at, 'unixepoch', 'localtime'), a.dietary,
    (SELECT group_concat(s.title, ', ') FROM attendee_sessions x
     JOIN sessions s ON s.id = x.session_id WHERE x.attendee_id = a.id),
    (SELECT c.at FROM checkins c WHERE c.attendee_id = a.id AND c.checkpoint = 'main'
     AND c.undone_at IS NULL), a.pass_code, r.contact_first_name || ' ' || r.contact_last_name
    FROM attendees a JOIN registrations r ON r.id = a.registration_id
    JOIN ticket_types t ON t.id = a.ticket_type_id WHERE a.event_id = 1 ORDER BY a.id;"
t0=$(date +%s.%N)
sqlite3 -csv -separator ';' "$TMP/t.db" "$ref_sql" >"$TMP/sqlite.csv"
sql_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
sql_rate=$(rate "$(wc -l <"$TMP/sqlite.csv")" "$sql_secs")

nport=$(free_port)
mkdir -p "$TMP/www"
cp "$TMP/attendees.csv" "$TMP/www/attendees.csv"
if [ "$(id -u)" = 0 ]; then userline='user root;'; else userline='# not root'; fi
sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$nport|g" -e "s|@USER@|$userline|" \
	"$HERE/nginx.conf.in" >"$TMP/nginx.conf"
nginx -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" &
NPID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$nport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ng_times=()
for i in 1 2 3; do
	read -r secs _ < <(curl -fsS -o /dev/null -w '%{time_total} %{size_download}\n' \
		"http://127.0.0.1:$nport/attendees.csv")
	ng_times+=("$secs")
done
ng_median=$(printf '%s\n' "${ng_times[@]}" | sort -n | sed -n 2p)
ng_rate=$(rate "$rows" "$ng_median")
kill -TERM "$NPID"; wait "$NPID" 2>/dev/null || true; NPID=

# -- XLSX and the other lists
reset_peak
read -r xlsx_secs xlsx_bytes < <(fetch "$EXPORTS/attendees.xlsx" "$TMP/attendees.xlsx")
xlsx_peak=$(status VmHWM)
others=()
for what in checkins.csv checkins.xlsx catering.csv sessions/11/signups.csv sessions/11/signups.xlsx; do
	read -r secs bytes < <(fetch "$EXPORTS/$what" "$TMP/out")
	others+=("$(printf '%-26s %6.2f s %10s bytes' "$what" "$secs" "$bytes")")
done

# -- a slow client: 2 KB every 20 ms for 5 seconds
reset_peak
slow=$(python3 - "$port" "$COOKIE" "$PID" <<'PY'
import socket, sys, time
port, cookie, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss()
s = socket.create_connection(("127.0.0.1", port))
s.sendall(f"GET /api/v1/admin/events/1/exports/attendees.csv HTTP/1.1\r\nHost: b\r\n"
          f"Cookie: {cookie}\r\n\r\n".encode())
got, peak, t0 = 0, before, time.time()
while time.time() - t0 < 5:
    got += len(s.recv(2048))
    peak = max(peak, rss())
    time.sleep(0.02)
s.close()
print(before, peak, got)
PY
)
read -r slow_before slow_peak slow_got <<<"$slow"

# -- ten at once
reset_peak
t0=$(date +%s.%N)
pids=()
for i in $(seq 10); do
	curl -fsS -o "$TMP/par$i.csv" -H "Cookie: $COOKIE" "$EXPORTS/attendees.csv" &
	pids+=($!)
done
wait "${pids[@]}"
par_secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
par_peak=$(status VmHWM)
par_rows=$(cat "$TMP"/par*.csv | wc -l)
par_rows=$((par_rows - 10))

strict_fail=0
judge() { # LABEL VALUE OP TARGET
	local verdict
	if python3 -c "import sys; sys.exit(0 if $2 $3 $4 else 1)"; then verdict=PASS
	else verdict=MISS; strict_fail=1; fi
	printf '  %-52s %-16s %-12s %s\n' "$1" "$2" "$3 $4" "$verdict"
}
row() { printf '  %-52s %s\n' "$1" "$2"; }
echo
echo "== summary (100,000 attendees; figures of this run)"
printf '  %-52s %-16s %-12s %s\n' measure figure target result
row "sqlite3 -csv, the same rows (reference)" "$sql_rate rows/s ($sql_secs s)"
row "nginx, the finished file (reference)" "$ng_rate rows/s ($ng_median s)"
judge "techtankd attendees.csv, rows/s (median of 3)" "$csv_rate" ">=" 50000
judge "  peak memory while exporting, MB (VmHWM)" "$(mb "$csv_peak")" "<" 30
row "  memory before: idle RSS / VmHWM since start, MB" "$(mb "$idle") / $(mb "$login_peak")"
row "  (VmHWM after start-up, before any login, MB)" "$(mb "$started_peak")"
row "techtankd attendees.xlsx" "$xlsx_secs s, $xlsx_bytes bytes, peak $(mb "$xlsx_peak") MB"
for o in "${others[@]}"; do row "  $o" ""; done
row "slow client (2 KB / 20 ms, 5 s): read, RSS" "$slow_got bytes, $(mb "$slow_before") -> $(mb "$slow_peak") MB"
row "ten attendee CSVs at once" "$par_rows rows in $par_secs s, peak $(mb "$par_peak") MB"
echo
echo "  VmHWM since start includes argon2id (19 MiB for each password checked,"
echo "  one at start-up and one at the login), not the export."
[ -z "${BENCH_STRICT:-}" ] || [ "$strict_fail" = 0 ]
