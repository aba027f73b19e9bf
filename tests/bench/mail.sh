#!/usr/bin/env bash
# tests/bench/mail.sh: the outbox under load. 2,000 registrations are made
# with no mail server, so 2,000 confirmations (each with its pass as a PDF
# and the programme as .ics) wait in the outbox. The daemon is then started
# again with --smtp-url pointing at a local SMTP sink (aiosmtpd, in this
# script), and at once a registration rush (wrk, 16 connections) runs
# against it. Measured:
#   - the time from the start until the sink holds all 2,000 confirmations
#     (target: <= 60 s), each checked for its PDF attachment;
#   - the rush's registrations/s while mailing, beside the same rush on a
#     copy of the same database with no mail server, in the same run
#     (target: >= 90 % of it).
# Part of make bench. Results are reported; BENCH_STRICT=1 fails on a miss.
set -euo pipefail

# Debian's python3, which has python3-aiosmtpd (sh .ci/install-deps bench).
PATH=/usr/bin:$PATH
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin mail wrk python3 sqlite3 curl
python3 -c 'import aiosmtpd' 2>/dev/null || { echo "bench: python3-aiosmtpd is not installed" >&2; exit 2; }
bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
sqlite3 "$TMP/t.db" "UPDATE events SET capacity = NULL; UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL;"
bench_start

# The 2,000 registrations, 16 at a time; their confirmations wait.
python3 - "$BASE" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor

base = sys.argv[1]


def register(i):
    p = {"first_name": "Åsa", "last_name": f"Lindström-Öberg {i}",
         "email": f"queued.{i}@example.se", "company": "Pressverk AB"}
    body = json.dumps({"ticket_type": 1, "privacy_accepted": True, "language": "sv",
                       "contact": p, "attendees": [p]}).encode()
    req = urllib.request.Request(base + "/api/v1/registrations", body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status


with ThreadPoolExecutor(16) as pool:
    list(pool.map(register, range(2000)))
PY
kill -TERM "$PID"; wait "$PID" || true; PID=
queued=$(sqlite3 "$TMP/t.db" "SELECT count(*) FROM outbox WHERE state = 'queued' AND kind = 'confirmation'")
[ "$queued" = 2000 ] || { echo "bench: $queued confirmations queued, not 2000" >&2; exit 1; }
cp "$TMP/t.db" "$TMP/baseline.db"

# rush DB OUT [OPTION...]: start the daemon on DB with OPTIONs, run the
# registration rush against it, write wrk's BENCH line to OUT.
rush() {
	local db=$1 out=$2
	shift 2
	"$TECHTANKD" --listen "127.0.0.1:$port" --db "$db" --web-root "$ROOT/web" "$@" \
		2>>"$TMP/techtankd.err" &
	PID=$!
	for _ in $(seq 300); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
	date +%s.%N >"$out.start"
	wrk -t2 -c16 -d15s -s "$HERE/register.lua" "$BASE" -- "$(basename "$out")" >"$out" 2>"$out.err"
	grep -q '^BENCH ' "$out" || { cat "$out" "$out.err" >&2; echo "bench: wrk printed no result" >&2; exit 1; }
}

rush "$TMP/baseline.db" "$TMP/rush-alone"
kill -TERM "$PID"; wait "$PID" || true; PID=

# The sink: counts the queued confirmations (and the rush's own mail),
# checks each for a PDF part, and writes when the 2,000th arrived.
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$smtp_port" "$TMP/sink" <<'PY' &
import sys, time
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
seen, others, no_pdf = set(), 0, 0


class Handler:
    async def handle_DATA(self, server, session, envelope):
        global others, no_pdf
        rcpt = envelope.rcpt_tos[0]
        if rcpt.startswith("queued."):
            if b"application/pdf" not in envelope.content:
                no_pdf += 1
            seen.add(rcpt)
            if len(seen) == 2000:
                with open(out + ".done", "w") as f:
                    f.write(f"{time.time()} {no_pdf}\n")
        else:
            others += 1
        with open(out + ".count.tmp", "w") as f:
            f.write(f"{len(seen)} {others} {no_pdf}\n")
        return "250 OK"


c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
deadline = time.time() + 180
while time.time() < deadline:
    time.sleep(0.5)
    try:
        import os
        os.replace(out + ".count.tmp", out + ".count")
    except FileNotFoundError:
        pass
c.stop()
PY
SINK=$!
trap 'kill $SINK 2>/dev/null; bench_cleanup' EXIT
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port)).close()" 2>/dev/null && break
	sleep 0.1
done

rush "$TMP/t.db" "$TMP/rush-mailing" --smtp-url "smtp://127.0.0.1:$smtp_port" \
	--mail-from "Techtank <noreply@techtank.example>" --mail-rate 100000
for _ in $(seq 900); do [ -f "$TMP/sink.done" ] && break; sleep 0.1; done
kill -TERM "$PID"; wait "$PID" || true; PID=
kill "$SINK" 2>/dev/null || true

python3 - "$TMP" <<'PY'
import os, re, sys

tmp = sys.argv[1]


def rps(name):
    line = open(os.path.join(tmp, name)).read()
    return float(re.search(r"rps=([0-9.]+)", line).group(1))


start = float(open(os.path.join(tmp, "rush-mailing.start")).read())
done = os.path.join(tmp, "sink.done")
count = open(os.path.join(tmp, "sink.count")).read().split() if os.path.exists(
    os.path.join(tmp, "sink.count")) else ["0", "0", "0"]
alone, mailing = rps("rush-alone"), rps("rush-mailing")
print("== mail benchmark: 2,000 queued confirmations with their pass (PDF) and calendar")
print(f"  {'measure':44} {'value':>12}   result")
if os.path.exists(done):
    at, no_pdf = open(done).read().split()
    secs = float(at) - start
    ok = secs <= 60 and int(no_pdf) == 0
    print(f"  {'2,000 delivered to the sink after':44} {secs:>10.1f} s   "
          f"{'PASS' if ok else 'MISS'} (<= 60 s; {no_pdf} without a PDF)")
    if secs < 15:
        print("  (the mail was all out before the 15 s rush ended: part of the rush ran without it)")
else:
    print(f"  {'2,000 delivered to the sink after':44} {'-':>12}   MISS "
          f"(only {count[0]} in 90 s)")
print(f"  {'rush alone, registrations/s':44} {alone:>12.1f}")
print(f"  {'rush while mailing, registrations/s':44} {mailing:>12.1f}   "
      f"{'PASS' if mailing >= 0.9 * alone else 'MISS'} (>= 90 %: {100 * mailing / alone:.0f} %)")
print(f"  (the rush's own mail delivered meanwhile: {count[1]}; "
      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
PY
