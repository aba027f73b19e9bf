#!/usr/bin/env bash
# tests/bench/releases.sh: publishing a release of a programme of 200
# sessions in 8 rooms over two days, each with one or two of 60 speakers
# (target: < 100 ms from the request to the answer, the release on disk).
# Measured on loopback, in one run:
#   - the reference: an organiser's edit of one session (PATCH), the
#     smallest round trip through the writer, which a publish makes too;
#   - the first release (200 new sessions), then 20 releases each after
#     one edit, and one after every session moved (200 moved): each is
#     the whole programme read, compared with the release before and
#     written;
#   - the public programme read once after each release (the workers'
#     copy is made again).
# Part of make bench. Results are reported; BENCH_STRICT=1 fails on a miss.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin releases python3 sqlite3 curl
bench_start --no-demo
kill -TERM "$PID"; wait "$PID" || true; PID=
# The event, its rooms and speakers, and 200 sessions of 45 minutes, 25
# a room over two days, written straight into the file.
sqlite3 "$TMP/t.db" <<'SQL'
INSERT INTO events (id, slug, name, starts_at, ends_at)
    VALUES (1, 'bench-2027', 'Bench 2027', 1827993600, 1828116000);
INSERT INTO settings (key, value) VALUES ('current_event', 1);
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 8)
INSERT INTO rooms (id, event_id, name, capacity, sort)
    SELECT n, 1, 'Sal ' || n, 100, n FROM r;
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 60)
INSERT INTO speakers (id, event_id, name, company, title)
    SELECT n, 1, 'Talare ' || n, 'Företag ' || (n % 17) || ' AB', 'Ingenjör' FROM p;
WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 199)
INSERT INTO sessions (id, event_id, room_id, kind, title, title_en, abstract,
    starts_at, ends_at)
    SELECT n + 1, 1, 1 + n % 8, 'talk', 'Pass ' || n || ': presshärdning & <formning>',
    'Session ' || n, printf('%.1000c', 'x'),
    1827993600 + (n / 8 % 13) * 3000 + (n / 104) * 86400,
    1827993600 + (n / 8 % 13) * 3000 + (n / 104) * 86400 + 2700 FROM s;
INSERT INTO session_speakers (session_id, speaker_id, sort)
    SELECT id, 1 + id % 60, 0 FROM sessions;
INSERT INTO session_speakers (session_id, speaker_id, sort)
    SELECT id, 1 + (id + 30) % 60, 1 FROM sessions WHERE id % 2 = 0;
SQL
echo "bench password" | "$TECHTANKD" --db "$TMP/t.db" user add boss --role organiser >/dev/null
bench_start --no-demo
python3 - "$BASE" "$TMP/t.db" "${BENCH_STRICT:-}" <<'PY'
import json, sqlite3, statistics, sys, time, urllib.error, urllib.request

base, db, strict = sys.argv[1], sys.argv[2], sys.argv[3]
TARGET_MS = 100

def call(method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    h = {"Content-Type": "application/json"} if data else {}
    h.update(headers or {})
    req = urllib.request.Request(base + path, data, h, method=method)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as r:
            out = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        out = e.code, e.read(), e.headers
    return out + ((time.perf_counter() - t) * 1000,)

status, body, headers, _ = call("POST", "/api/v1/session", {"username": "boss", "password": "bench password"})
assert status == 200, body
auth = {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRF-Token": json.loads(body)["csrf_token"]}

def publish():
    status, body, _, ms = call("POST", "/api/v1/admin/events/1/releases", headers=auth)
    assert status == 201, body
    rel = json.loads(body)
    return ms, rel["counts"]

def public_ms():
    status, body, _, ms = call("GET", "/api/v1/programme")
    assert status == 200 and json.loads(body)["release"], body[:200]
    return ms

def edit(sid, n):
    status, body, _, _ = call("GET", f"/api/v1/admin/sessions/{sid}", headers=auth)
    version = json.loads(body)["version"]
    status, body, _, ms = call("PATCH", f"/api/v1/admin/sessions/{sid}",
                               {"version": version, "title": f"Pass {sid}, utgåva {n}"}, auth)
    assert status == 200, body
    return ms

first, counts = publish()
assert counts["new"] == 200, counts
reads = [public_ms()]
edits, publishes = [], []
for n in range(20):
    edits.append(edit(1 + n * 9 % 200, n))
    ms, counts = publish()
    assert counts["changed"] == 1, counts
    publishes.append(ms)
    reads.append(public_ms())
con = sqlite3.connect(db, timeout=10)
con.execute("UPDATE sessions SET starts_at = starts_at + 600, ends_at = ends_at + 600")
con.commit()
con.close()
moved, counts = publish()
assert counts["moved"] == 200, counts
reads.append(public_ms())

def row(label, figure, target="", verdict=""):
    print(f"  {label:<46} {figure:<14} {target:<12} {verdict}")

worst = max([first, moved] + publishes)
ok = worst < TARGET_MS
print()
print("== summary (publishing 200 sessions, 8 rooms, 60 speakers)")
row("measure", "figure", "target", "result")
row("reference: one session edit, median ms", f"{statistics.median(edits):.1f}", "(reference)")
row("first release (200 new), ms", f"{first:.1f}", f"< {TARGET_MS}", "PASS" if first < TARGET_MS else "MISS")
row("release after one edit, median ms", f"{statistics.median(publishes):.1f}", f"< {TARGET_MS}",
    "PASS" if statistics.median(publishes) < TARGET_MS else "MISS")
row("release after one edit, worst of 20, ms", f"{max(publishes):.1f}", f"< {TARGET_MS}",
    "PASS" if max(publishes) < TARGET_MS else "MISS")
row("release of 200 moved sessions, ms", f"{moved:.1f}", f"< {TARGET_MS}", "PASS" if moved < TARGET_MS else "MISS")
row("  (publish less the reference edit, median)", f"{statistics.median(publishes) - statistics.median(edits):.1f}")
row("public programme, first read after, worst ms", f"{max(reads):.1f}", "(reported)")
sys.exit(0 if ok or not strict else 1)
PY
