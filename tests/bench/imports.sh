#!/usr/bin/env bash
# tests/bench/imports.sh: the organisers' CSV import of attendees. A file
# of 2,000 attendees (Swedish names, semicolons, UTF-8 with BOM, a ticket
# type by name and, for every fourth, a session by title) is checked by
# techtankd with ?dry_run=1 (target: < 1 s, the median of five), beside a
# reference measured in the same run: sqlite3 .import of the same file
# into a table of its own (reading and storing it, no checks). Then the
# import itself (one writer job: every row registered, seats and passes),
# and the preview of the largest file taken, 10,000 rows.
# Part of make bench. Results are reported; BENCH_STRICT=1 fails on a miss.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin imports python3 sqlite3 curl
bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
echo "bench password" | "$TECHTANKD" --db "$TMP/t.db" user add boss --role organiser >/dev/null
sqlite3 "$TMP/t.db" "UPDATE events SET capacity = NULL;
    UPDATE ticket_types SET quota = NULL; UPDATE sessions SET seats = NULL;"
bench_start

# The files, and the session's cookie and CSRF token.
python3 - "$BASE" "$TMP" <<'PY'
import json, sys, urllib.request
base, tmp = sys.argv[1], sys.argv[2]
req = urllib.request.Request(base + "/api/v1/session",
                             json.dumps({"username": "boss", "password": "bench password"}).encode(),
                             {"Content-Type": "application/json"})
res = urllib.request.urlopen(req)
open(tmp + "/cookie", "w").write(res.headers["Set-Cookie"].split(";")[0] + "\n")
open(tmp + "/csrf", "w").write(json.loads(res.read())["csrf_token"] + "\n")
for n in (2000, 10000):
    lines = ["Förnamn;Efternamn;E-post;Företag;Befattning;Specialkost;Biljettyp;Programpunkter"]
    for i in range(n):
        lines.append(";".join([
            ("Åsa", "Björn", "Zoë", "Märta")[i % 4], f"Lindström-Öberg {i}",
            f"import{i}@example.se", '"Pressverk i Olofström, Hot forming AB"',
            "Verktygsingenjör", ("", "vegetarisk", "glutenfri")[i % 3],
            ("Member", "Non-member", "Student")[i % 3] if n == 2000 else "Member",
            "Konferensmiddag" if i % 4 == 0 else ""]))
    open(f"{tmp}/import-{n}.csv", "wb").write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode())
PY
COOKIE=$(cat "$TMP/cookie")
CSRF=$(cat "$TMP/csrf")
IMPORTS="$BASE/api/v1/admin/events/1/imports/attendees"

# post URL FILE OUT: seconds of one import request; its answer in OUT.
post() {
	curl -sS -o "$3" -w '%{time_total} %{http_code}\n' -H "Cookie: $COOKIE" \
		-H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/csv' --data-binary "@$2" "$1"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

times=()
for _ in 1 2 3 4 5; do
	read -r secs code < <(post "$IMPORTS?dry_run=1" "$TMP/import-2000.csv" "$TMP/preview.json")
	[ "$code" = 200 ] || { echo "bench: preview: HTTP $code" >&2; cat "$TMP/preview.json" >&2; exit 1; }
	times+=("$secs")
done
dry=$(median "${times[@]}")
[ "$(field "$TMP/preview.json" valid)" = True ] && [ "$(field "$TMP/preview.json" total)" = 2000 ] || {
	echo "bench: the preview of 2,000 rows is not clean" >&2; exit 1; }
echo "dry run, 2,000 rows: runs ${times[*]} s"

# The reference: sqlite3 reading the same file into a table of its own.
ref=()
for _ in 1 2 3 4 5; do
	rm -f "$TMP/ref.db"
	t0=$(date +%s.%N)
	sqlite3 "$TMP/ref.db" ".mode csv" ".separator ;" ".import $TMP/import-2000.csv people"
	ref+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.4f", b - a }')")
done
ref_rows=$(sqlite3 "$TMP/ref.db" "SELECT count(*) FROM people")
ref_med=$(median "${ref[@]}")

read -r imp_secs code < <(post "$IMPORTS" "$TMP/import-2000.csv" "$TMP/import.json")
[ "$code" = 201 ] || { echo "bench: import: HTTP $code" >&2; cat "$TMP/import.json" >&2; exit 1; }
confirmed=$(sqlite3 "$TMP/t.db" "SELECT count(*) FROM attendees WHERE status = 'confirmed'
    AND pass_code IS NOT NULL AND email LIKE 'import%'")

read -r big_secs code < <(post "$IMPORTS?dry_run=1" "$TMP/import-10000.csv" "$TMP/big.json")
[ "$code" = 200 ] || { echo "bench: preview of 10,000: HTTP $code" >&2; exit 1; }
# The 2,000 imported are in the big file too: those rows are taken.
big_taken=$(field "$TMP/big.json" invalid)

strict_fail=0
judge() { # LABEL VALUE OP TARGET
	local verdict
	if python3 -c "import sys; sys.exit(0 if $2 $3 $4 else 1)"; then verdict=PASS
	else verdict=MISS; strict_fail=1; fi
	printf '  %-52s %-16s %-12s %s\n' "$1" "$2" "$3 $4" "$verdict"
}
row() { printf '  %-52s %s\n' "$1" "$2"; }
echo
echo "== summary (attendee import; figures of this run)"
printf '  %-52s %-16s %-12s %s\n' measure figure target result
row "sqlite3 .import of the same file (reference)" "$ref_med s ($ref_rows rows, median of 5)"
judge "techtankd dry run of 2,000 rows, s (median of 5)" "$dry" "<" 1
row "techtankd import of 2,000 rows (one transaction)" "$imp_secs s, $confirmed confirmed with a pass"
row "techtankd dry run of 10,000 rows" "$big_secs s ($big_taken rows already registered)"
[ -z "${BENCH_STRICT:-}" ] || [ "$strict_fail" = 0 ]
