#!/usr/bin/env bash
# tests/bench/billing.sh: the organiser's billing with 10,000 invoices,
# through the daemon. 10,000 confirmed registrations are written straight
# into the file; naming the event's seller then issues their invoices in
# one writer job (reported). Measured, each beside a reference in the same
# run:
#   - the accountant's SIE 4 file of the 10,000 verifications, streamed
#     (GET .../exports/bookkeeping.se; target < 1 s), beside sqlite3
#     reading the same invoices' documents out of the file;
#   - a BgMax file of 2,000 payments read, matched by OCR and booked
#     (POST /api/v1/admin/bank-files; target < 1 s), beside the same file
#     sent again (read and recognised, nothing booked).
# The invoice PDFs are tests/bench/invoices.sh's. Part of make bench.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin billing python3 sqlite3 curl
bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
sqlite3 "$TMP/t.db" <<'SQL'
UPDATE events SET capacity = NULL;
UPDATE ticket_types SET quota = NULL, sale_ends_at = NULL;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10000)
INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,
    contact_first_name, contact_last_name, contact_email, contact_company,
    privacy_accepted_at, created_at, billing_organisation, billing_email)
SELECT 1000 + n, 1, 1, 'confirmed', printf('bench%027d', n), 'Bench', 'Contact',
    printf('c%d@example.se', n), 'Pressverk AB', 1790000000, 1790000000 + n,
    printf('Företag %d AB', n), printf('faktura%d@example.se', n) FROM r;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10000)
INSERT INTO attendees (registration_id, event_id, ticket_type_id, first_name,
    last_name, email, email_norm, company, status, created_at)
SELECT 1000 + n, 1, 1, 'Åsa', printf('Lindström %d', n), printf('a%d@example.se', n),
    printf('a%d@example.se', n), 'Pressverk AB', 'confirmed', 1790000000 + n FROM r;
SQL
echo "bench password" | "$TECHTANKD" --db "$TMP/t.db" user add bench --role organiser >/dev/null
bench_start

python3 - "$BASE" "$TMP/t.db" <<'PY'
import json, os, sqlite3, statistics, subprocess, sys, time, urllib.request

base, db = sys.argv[1], sys.argv[2]


def call(method, path, body=None, headers=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data, method=method,
                                 headers=dict({"Content-Type": ctype}, **(headers or {})))
    return urllib.request.urlopen(req, timeout=120)


res = call("POST", "/api/v1/session", {"username": "bench", "password": "bench password"})
auth = {"Cookie": "tt_session=" + res.headers["Set-Cookie"].split(";")[0].split("=", 1)[1],
        "X-CSRF-Token": json.load(res)["csrf_token"]}
ev = json.load(call("GET", "/api/v1/admin/events/1", headers=auth))
t0 = time.perf_counter()
call("PATCH", "/api/v1/admin/events/1", {
    "version": ev["version"], "seller_name": "Techtank Ideell Förening",
    "seller_org_number": "802456-1238", "seller_vat_number": "SE802456123801",
    "seller_bankgiro": "5050-1055"}, auth)
issued = time.perf_counter() - t0
con = sqlite3.connect(db)
n = con.execute("SELECT count(*) FROM invoices").fetchone()[0]
assert n == 10000, n


def best_of(runs, f):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def sie():
    return call("GET", "/api/v1/admin/events/1/exports/bookkeeping.se", headers=auth).read()


def reference():
    return subprocess.run(["sqlite3", db, "SELECT document FROM invoices ORDER BY number"],
                          capture_output=True, check=True).stdout


sie_s, body = best_of(5, sie)
ref_s, ref = best_of(5, reference)
vers = body.count(b"#VER ")
assert vers == 10000, vers

rows = con.execute("SELECT ocr, total_ore FROM invoices ORDER BY number LIMIT 2000").fetchall()


def rec(*fields):
    return "".join(fields).ljust(80)


lines = [rec("01", "BGMAX".ljust(20), "01", "20271015120000000000", "P"),
         rec("05", "0050501055", " " * 10, "SEK")]
for i, (ocr, total) in enumerate(rows, 1):
    lines.append(rec("20", "0003783511", ocr.rjust(25), f"{total:018d}", "2", "1", f"{i:012d}", "0"))
    lines.append(rec("26", f"Företag {i} AB".ljust(35)))
lines.append(rec("15", "0" * 35, "20271015", "00001", f"{sum(r[1] for r in rows):018d}", "SEK",
                 f"{len(rows):08d}"))
lines.append(rec("70", f"{len(rows):08d}{0:08d}{0:08d}{1:08d}"))
bgmax = ("\r\n".join(lines) + "\r\n").encode("latin-1")
t = time.perf_counter()
booked = json.load(call("POST", "/api/v1/admin/bank-files", raw=bgmax, headers=auth,
                        ctype="text/plain"))
bank_s = time.perf_counter() - t
assert booked["matched"] == 2000 and booked["duplicate"] is False, booked
again_s, again = best_of(5, lambda: json.load(call("POST", "/api/v1/admin/bank-files", raw=bgmax,
                                                    headers=auth, ctype="text/plain")))
assert again["duplicate"] is True


def verdict(ok):
    return "PASS" if ok else "MISS"


print("== billing benchmark: 10,000 invoices, a bank file of 2,000 payments")
print(f"  {'measure':52} {'value':>10}   result")
print(f"  {'10,000 invoices issued (one job, reported)':52} {issued:>8.2f} s")
print(f"  {'sqlite3 reading the 10,000 documents (reference)':52} {ref_s:>8.3f} s")
print(f"  {'SIE 4 of 10,000 verifications, median of 5':52} {sie_s:>8.3f} s   "
      f"{verdict(sie_s < 1)} (< 1 s; {len(body) / 1e6:.2f} MB)")
print(f"  {'the same BgMax file again, recognised (reference)':52} {again_s:>8.3f} s")
print(f"  {'BgMax of 2,000 payments read, matched and booked':52} {bank_s:>8.3f} s   "
      f"{verdict(bank_s < 1)} (< 1 s)")
print(f"  (load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
PY
