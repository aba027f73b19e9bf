#!/usr/bin/env bash
# tests/bench/invoices.sh: 1,000 invoice PDFs (a three-line invoice, each
# its own file) rendered by `techtank-badges invoice --repeat`, target
# < 2 s wall time, shared among --jobs processes (default: one per core);
# and in the same run, as the reference, 1,000 attendee passes the same way
# (`techtank-badges pass --repeat`), each PDF also with its fonts embedded.
# Both are timed again in one process for the CPU time a document costs,
# which is the figure to trust on a loaded machine. Part of make bench.
#
#   TECHTANKD=./techtankd TECHTANK_BADGES=./techtank-badges bash tests/bench/invoices.sh
#
# INVOICE_COUNT (default 1000) and BENCH_JOBS (default nproc) change the
# run; BENCH_KEEP=1 keeps the temporary folder.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_begin invoices sqlite3 curl python3 pdfinfo pdftotext /usr/bin/time
BADGES=$(realpath "${TECHTANK_BADGES:-./techtank-badges}")
N=${INVOICE_COUNT:-1000}
JOBS=${BENCH_JOBS:-$(nproc)}

# A database with the demo event, made by the daemon itself, and one
# confirmed attendee for the passes.
bench_start
kill -TERM "$PID"; wait "$PID" || true; PID=
sqlite3 "$TMP/t.db" <<SQL
INSERT INTO registrations (id, event_id, ticket_type_id, status, manage_token,
    contact_first_name, contact_last_name, contact_email, privacy_accepted_at, created_at)
VALUES (1, 1, 1, 'confirmed', 'bench1', 'Åsa', 'Lindström-Öberg', 'asa@example.se',
    unixepoch(), unixepoch());
INSERT INTO attendees (id, registration_id, event_id, ticket_type_id, first_name,
    last_name, email, email_norm, company, status, pass_code, created_at)
VALUES (1, 1, 1, 1, 'Åsa', 'Lindström-Öberg', 'asa@example.se', 'asa@example.se',
    'Pressverk AB', 'confirmed', 'TT-' || upper(substr(hex(randomblob(16)), 1, 27)),
    unixepoch());
SQL

# A realistic invoice: two tickets and the dinner for a member company.
cat >"$TMP/invoice.json" <<'JSON'
{"kind": "invoice", "number": 1001, "credits": null, "issued": "2027-10-01",
 "due": "2027-10-31", "currency": "SEK",
 "event": {"name": "Techtank-konferensen 2027", "name_en": "Techtank Conference 2027",
  "starts": "2027-11-30", "ends": "2027-12-01", "venue": "Ronneby Brunn, Ronneby"},
 "seller": {"name": "Techtank Ekonomisk Förening", "org_number": "556677-8899",
  "vat_number": "SE556677889901", "address": "Box 123\n372 25 Ronneby",
  "bankgiro": "5050-1055", "email": "faktura@techtank.se", "payment_terms_days": 30},
 "buyer": {"name": "Pressverk Lindström-Öberg AB", "org_number": "556016-0680",
  "vat_number": "", "address": "Industrigatan 4\n371 34 Karlskrona",
  "email": "ekonomi@pressverk.se", "reference": "PO-4711 Björn Håkansdotter"},
 "reverse_charge": false,
 "lines": [
  {"description": "Konferensbiljett, medlem – Åsa Lindström-Öberg",
   "description_en": "Conference ticket, member – Åsa Lindström-Öberg",
   "quantity": 1, "unit_ore": 450000, "vat_rate": 25, "net_ore": 450000, "vat_ore": 112500},
  {"description": "Konferensbiljett, medlem – Björn Håkansdotter",
   "description_en": "Conference ticket, member – Björn Håkansdotter",
   "quantity": 1, "unit_ore": 450000, "vat_rate": 25, "net_ore": 450000, "vat_ore": 112500},
  {"description": "Konferensmiddag", "description_en": "Conference dinner",
   "quantity": 2, "unit_ore": 50000, "vat_rate": 25, "net_ore": 100000, "vat_ore": 25000}],
 "vat": [{"rate": 25, "net_ore": 1000000, "vat_ore": 250000}],
 "net_ore": 1000000, "vat_ore": 250000, "total_ore": 1250000, "ocr": "100164"}
JSON

# run NAME JOBS COMMAND...: into a fresh folder; sets wall, cpu (user +
# system, the jobs' included) and dir.
run() {
	local name=$1 jobs=$2 t
	shift 2
	dir="$TMP/$name-$jobs"
	mkdir "$dir"
	/usr/bin/time -f "%e %U %S" -o "$TMP/time" nice -n -20 "$@" --repeat "$N" --jobs "$jobs" \
		>/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
	t=$(tail -1 "$TMP/time")
	wall=${t%% *}
	cpu=$(python3 -c "import sys; print(round(float(sys.argv[1]) + float(sys.argv[2]), 2))" ${t#* })
	[ "$(ls "$dir" | wc -l)" -eq "$N" ] || { echo "bench: $name wrote $(ls "$dir" | wc -l) files, not $N" >&2; exit 1; }
}
verdict() { python3 -c "import sys; print('PASS' if float(sys.argv[1]) < float(sys.argv[2]) else 'MISS')" "$1" "$2"; }
per() { python3 -c "import sys; print(round(float(sys.argv[1]) * 1000 / int(sys.argv[2]), 2))" "$1" "$N"; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
run invoices "$JOBS" "$BADGES" invoice --lang sv "$TMP/invoice.json" "$TMP/invoices-$JOBS/inv.pdf"
inv_wall=$wall inv_cpu_j=$cpu
pdftotext -layout "$dir/inv-$N.pdf" - | grep -q "100164" || { echo "bench: the OCR reference is not in the invoice" >&2; exit 1; }
inv_size=$(stat -c %s "$dir/inv-1.pdf")
run invoices 1 "$BADGES" invoice --lang sv "$TMP/invoice.json" "$TMP/invoices-1/inv.pdf"
inv_wall1=$wall inv_cpu=$cpu
run passes "$JOBS" "$BADGES" pass --db "$TMP/t.db" --attendee 1 -o "$TMP/passes-$JOBS/pass.pdf"
pass_wall=$wall
pass_size=$(stat -c %s "$dir/pass-1.pdf")
run passes 1 "$BADGES" pass --db "$TMP/t.db" --attendee 1 -o "$TMP/passes-1/pass.pdf"
pass_wall1=$wall pass_cpu=$cpu

echo "== invoices: $N invoice PDFs, each its own file (techtank-badges invoice --repeat $N), load average $load"
printf '  %-44s %-22s %-10s %s\n' measure figure target result
printf '  %-44s %-22s %-10s %s\n' "$N invoices, $JOBS processes, wall / CPU" "${inv_wall} s / ${inv_cpu_j} s" "< 2 s" "$(verdict "$inv_wall" 2)"
printf '  %-44s %-22s\n' "$N invoices, 1 process, wall / CPU" "${inv_wall1} s / ${inv_cpu} s"
printf '  %-44s %-22s\n' "CPU per invoice (1 process)" "$(per "$inv_cpu") ms"
printf '  %-44s %-22s\n' "reference: $N passes, $JOBS processes, wall" "${pass_wall} s"
printf '  %-44s %-22s\n' "reference: $N passes, 1 process, wall / CPU" "${pass_wall1} s / ${pass_cpu} s"
printf '  %-44s %-22s\n' "reference: CPU per pass (1 process)" "$(per "$pass_cpu") ms"
printf '  %-44s %-22s\n' "PDF size: invoice / pass" "$((inv_size / 1024)) KiB / $((pass_size / 1024)) KiB"
