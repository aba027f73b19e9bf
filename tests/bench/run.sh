#!/usr/bin/env bash
# tests/bench/run.sh: the techtankd benchmark (`make bench`).
#
#   TECHTANKD=./techtankd bash tests/bench/run.sh
#
# Measures, with wrk against 127.0.0.1 only:
#   a. GET /api/v1/programme req/s against nginx serving the same bytes as a
#      static file (target: techtankd >= 80 % of nginx);
#   b. durable POST /api/v1/registrations/s at 1, 16 and 64 connections
#      (target at 64: >= 10,000/s with p99 <= 20 ms);
#   c. the programme's p99 while a 64-connection registration rush runs
#      (target: <= 10 ms);
#   d. the schedule files (programme.ics, schedule.xml, schedule.json) and
#      the programme at 16 connections while a 64-connection registration
#      rush runs, each against nginx serving the same bytes during the same
#      rush (targets: >= 80 % of nginx, p99 <= 10 ms);
# and afterwards checks that every registration answered 2xx is in the
# database. A MISS is reported, not fatal: the exit status is non-zero only
# when a server failed to start or stop, or wrk failed. BENCH_STRICT=1 also
# fails on a MISS; BENCH_KEEP=1 keeps the temporary folder (logs, database).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

TECHTANKD=${TECHTANKD:-./techtankd}
case $TECHTANKD in
*/*) ;;
*) TECHTANKD=$(command -v "$TECHTANKD" || echo "./$TECHTANKD") ;;
esac
[ -x "$TECHTANKD" ] || { echo "bench: no executable techtankd at '$TECHTANKD' (set TECHTANKD)" >&2; exit 2; }
TECHTANKD=$(cd "$(dirname "$TECHTANKD")" && pwd)/$(basename "$TECHTANKD")

for tool in wrk nginx sqlite3 curl python3; do
	command -v "$tool" >/dev/null || { echo "bench: '$tool' is not installed" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/techtank-bench.XXXXXX")
TPID= NPID= RUSHPID=

# stop PID NAME: SIGTERM, then SIGKILL after 15 s; returns the exit status
# (or 124 if it had to be killed).
stop() {
	local pid=$1 name=$2 i rc=0
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || rc=$?; return $rc; }
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "bench: $name (pid $pid) did not stop within 15 s of SIGTERM; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 124
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return $rc
}

cleanup() {
	local rc=$?
	set +e
	[ -n "$RUSHPID" ] && kill -TERM "$RUSHPID" 2>/dev/null && wait "$RUSHPID" 2>/dev/null
	stop "$NPID" nginx
	stop "$TPID" techtankd
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $TMP"
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo >&2
	echo "bench: FAILED: $*" >&2
	if [ -s "$TMP/techtankd.out" ]; then
		echo "---- last lines of techtankd's output ----" >&2
		tail -n 20 "$TMP/techtankd.out" >&2
	fi
	if [ -s "$TMP/nginx-error.log" ]; then
		echo "---- last lines of nginx's error log ----" >&2
		tail -n 10 "$TMP/nginx-error.log" >&2
	fi
	exit 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL PID NAME: until URL answers 2xx, for at most 15 s.
wait_http() {
	local url=$1 pid=$2 name=$3 i
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
		curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	die "$name did not answer $url within 15 s"
}

start_techtankd() {
	"$TECHTANKD" --listen "127.0.0.1:$TPORT" --db "$DB" --web-root "$ROOT/web" \
		--access-log "$TMP/access.log" >>"$TMP/techtankd.out" 2>&1 &
	TPID=$!
	wait_http "$TBASE/healthz" "$TPID" techtankd
}

stop_techtankd() {
	local rc=0
	stop "$TPID" techtankd || rc=$?
	TPID=
	[ $rc = 0 ] || die "techtankd did not stop cleanly on SIGTERM (status $rc)"
}

# field FILE KEY: the value of KEY=... on the BENCH line of FILE.
field() {
	sed -n 's/^BENCH .*\<'"$2"'=\([^ ]*\).*$/\1/p' "$1" | tail -n 1
}

# check_wrk FILE RC LABEL: wrk must have exited 0 and printed a BENCH line
# with requests > 0; non-2xx answers and socket errors are flagged loudly.
check_wrk() {
	local out=$1 rc=$2 label=$3 req bad sock codes
	[ "$rc" = 0 ] || { cat "$out" >&2; die "wrk ($label) exited with status $rc"; }
	grep -q '^BENCH ' "$out" || { cat "$out" >&2; die "wrk ($label) printed no result line"; }
	req=$(field "$out" requests)
	[ "${req:-0}" -gt 0 ] || { cat "$out" >&2; die "wrk ($label) completed no requests"; }
	bad=$(field "$out" non2xx)
	sock=$(field "$out" sock_errors)
	if [ "${bad:-0}" != 0 ]; then
		echo
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
		codes=$(field "$out" codes)
		echo "!!! $label: $bad of $req answers were NOT 2xx (status:count ${codes:--})"
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
		echo
	fi
	if [ "${sock:-0}" != 0 ] || [ "$(field "$out" timeouts)" != 0 ]; then
		echo "!!! $label: $sock socket errors (connect/read/write), $(field "$out" timeouts) time-outs (> 2 s)"
	fi
	return 0
}

# run_wrk LABEL OUTFILE wrk-args...: run wrk in the foreground, show its
# output, check it.
run_wrk() {
	local label=$1 out=$2 rc=0
	shift 2
	echo "---- $label: wrk $*"
	wrk "$@" >"$out" 2>"$out.err" || rc=$?
	sed 's/^/    /' "$out"
	[ -s "$out.err" ] && sed 's/^/    (stderr) /' "$out.err" | head -n 12
	check_wrk "$out" $rc "$label"
}

warm_up() {
	local rc=0
	wrk -t2 -c64 -d2s "$1" >"$TMP/warm-up" 2>&1 || rc=$?
	[ $rc = 0 ] || { cat "$TMP/warm-up" >&2; die "wrk warm-up against $2 exited with status $rc"; }
}

summarise() {
	printf '    => %s: %s req/s, p50 %s ms, p99 %s ms, %s requests, non-2xx %s, socket errors %s\n' \
		"$1" "$(field "$2" rps)" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)" \
		"$(field "$2" requests)" "$(field "$2" non2xx)" "$(field "$2" sock_errors)"
}

ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# ---------------------------------------------------------------------------

NPORT=$(free_port)
TPORT=$(free_port)
while [ "$TPORT" = "$NPORT" ]; do TPORT=$(free_port); done
NBASE=http://127.0.0.1:$NPORT
TBASE=http://127.0.0.1:$TPORT
DB=$TMP/bench.db
RUNID=$(date +%s)

echo "== techtankd benchmark"
echo "   techtankd: $TECHTANKD ($("$TECHTANKD" --version 2>&1 | head -n 1 || true))"
echo "   $(nginx -v 2>&1); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "   $(nproc) CPUs; nginx on $NBASE, techtankd on $TBASE; temporary folder $TMP"

# -- techtankd: create the demo database, grab the programme, lift the quotas
echo
echo "== starting techtankd (first start: migrations and demo data)"
start_techtankd
mkdir -p "$TMP/www"
curl -fsS --max-time 5 -o "$TMP/www/programme.json" "$TBASE/api/v1/programme" ||
	die "GET /api/v1/programme failed"
PROG_BYTES=$(wc -c <"$TMP/www/programme.json")
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/www/programme.json" ||
	die "GET /api/v1/programme did not answer JSON"
echo "   programme body: $PROG_BYTES bytes (copied for nginx)"
# The schedule files as nginx will serve them (part d).
EXPORTS="programme.ics schedule.xml schedule.json"
for f in $EXPORTS; do
	curl -fsS --max-time 5 -o "$TMP/www/$f" "$TBASE/api/v1/$f" ||
		die "GET /api/v1/$f failed"
	echo "   $f: $(wc -c <"$TMP/www/$f") bytes (copied for nginx)"
done
stop_techtankd

echo "   lifting the demo's capacity, quotas and sale window in $DB"
sqlite3 -cmd '.timeout 5000' "$DB" \
	"UPDATE events SET capacity = NULL;
	 UPDATE ticket_types SET quota = NULL;
	 UPDATE ticket_types SET sale_starts_at = NULL, sale_ends_at = NULL WHERE id = 1;" ||
	die "could not update the database with sqlite3"
BASE_ATTENDEES=$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM attendees WHERE email LIKE 'bench-%';")

echo "== starting techtankd again"
start_techtankd
EVENT=$(curl -fsS --max-time 5 "$TBASE/api/v1/event") || die "GET /api/v1/event failed"
python3 - "$EVENT" <<'EOF' || die "ticket type 1 is not open and unlimited after the update"
import json, sys
ev = json.loads(sys.argv[1])
tt = [t for t in ev.get("ticket_types", []) if t.get("id") == 1]
print("   event capacity/remaining: %s/%s; ticket type 1: %s" % (
    ev.get("capacity"), ev.get("remaining"),
    tt and {k: tt[0].get(k) for k in ("name", "remaining", "waitlist_open")}))
sys.exit(0 if tt and tt[0].get("remaining") is None else 1)
EOF

# -- nginx, the reference
echo "== starting nginx (reference)"
if [ "$(id -u)" = 0 ]; then USERLINE='user root;'; else USERLINE='# not root: nginx runs as the current user'; fi
sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$NPORT|g" -e "s|@USER@|$USERLINE|" \
	"$HERE/nginx.conf.in" >"$TMP/nginx.conf"
nginx -t -q -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" ||
	die "nginx -t rejected $TMP/nginx.conf"
nginx -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" &
NPID=$!
wait_http "$NBASE/healthz" "$NPID" nginx
NG_BYTES=$(curl -fsS --max-time 5 "$NBASE/api/v1/programme" | wc -c)
[ "$NG_BYTES" = "$PROG_BYTES" ] || die "nginx serves $NG_BYTES bytes, techtankd $PROG_BYTES"
for f in $EXPORTS; do
	cmp -s <(curl -fsS --max-time 5 "$NBASE/api/v1/$f") <(curl -fsS --max-time 5 "$TBASE/api/v1/$f") ||
		die "nginx and techtankd serve different bytes for /api/v1/$f"
done

# -- a. programme vs nginx ---------------------------------------------------
echo
echo "== a. GET /api/v1/programme, 64 connections, 10 s (2 s warm-up each)"
warm_up "$NBASE/api/v1/programme" nginx
run_wrk "nginx static file" "$TMP/a-nginx" -t2 -c64 -d10s --latency -s "$HERE/get.lua" "$NBASE/api/v1/programme"
warm_up "$TBASE/api/v1/programme" techtankd
run_wrk "techtankd programme" "$TMP/a-tt" -t2 -c64 -d10s --latency -s "$HERE/get.lua" "$TBASE/api/v1/programme"
NG_RPS=$(field "$TMP/a-nginx" rps)
TT_RPS=$(field "$TMP/a-tt" rps)
RATIO=$(awk -v a="$TT_RPS" -v b="$NG_RPS" 'BEGIN { printf "%.1f", 100 * a / b }')
summarise "nginx     " "$TMP/a-nginx"
summarise "techtankd " "$TMP/a-tt"
echo "    => techtankd/nginx = $RATIO % (target >= 80 %)"

# -- b. durable registrations ------------------------------------------------
# Flush the dirty pages left by part a (the access log alone is tens of MB)
# first, or the kernel's writeback competes with the daemon's fsyncs.
settle() { sync; sleep 1; }
echo
settle
echo "== b. POST /api/v1/registrations (unique attendee each), ~8 s per run"
OK_TOTAL=0 CONN_TOTAL=0 TIMEOUTS_TOTAL=0
count_ok() {
	OK_TOTAL=$((OK_TOTAL + $(field "$1" ok2xx)))
	TIMEOUTS_TOTAL=$((TIMEOUTS_TOTAL + $(field "$1" timeouts) + $(field "$1" sock_errors)))
	CONN_TOTAL=$((CONN_TOTAL + $2))
}
run_wrk "registrations, 1 connection" "$TMP/b-1" -t1 -c1 -d8s --latency \
	-s "$HERE/register.lua" "$TBASE" -- "$RUNID-c1"
count_ok "$TMP/b-1" 1
settle
run_wrk "registrations, 16 connections" "$TMP/b-16" -t2 -c16 -d8s --latency \
	-s "$HERE/register.lua" "$TBASE" -- "$RUNID-c16"
count_ok "$TMP/b-16" 16
settle
run_wrk "registrations, 64 connections" "$TMP/b-64" -t2 -c64 -d8s --latency \
	-s "$HERE/register.lua" "$TBASE" -- "$RUNID-c64"
count_ok "$TMP/b-64" 64
summarise "c=1 " "$TMP/b-1"
summarise "c=16" "$TMP/b-16"
summarise "c=64" "$TMP/b-64"

# -- c. programme during a registration rush ---------------------------------
echo
echo "== c. GET /api/v1/programme (16 connections, 6 s) during a 64-connection registration rush (8 s)"
RUSHRC=0
settle
wrk -t2 -c64 -d8s --latency -s "$HERE/register.lua" "$TBASE" -- "$RUNID-rush" \
	>"$TMP/c-rush" 2>"$TMP/c-rush.err" &
RUSHPID=$!
sleep 1
run_wrk "programme during the rush" "$TMP/c-prog" -t1 -c16 -d6s --latency \
	-s "$HERE/get.lua" "$TBASE/api/v1/programme"
wait "$RUSHPID" || RUSHRC=$?
RUSHPID=
echo "---- the rush itself: wrk -t2 -c64 -d8s (registrations)"
sed 's/^/    /' "$TMP/c-rush"
[ -s "$TMP/c-rush.err" ] && sed 's/^/    (stderr) /' "$TMP/c-rush.err" | head -n 12
check_wrk "$TMP/c-rush" $RUSHRC "registration rush"
count_ok "$TMP/c-rush" 64
summarise "programme during rush" "$TMP/c-prog"
summarise "rush registrations   " "$TMP/c-rush"

# -- d. schedule files and the programme during a rush, beside nginx -------
# One rush per file: nginx is measured first, then techtankd, for
# EXPORT_SECS each, both while the rush posts registrations to techtankd.
EXPORT_SECS=${BENCH_EXPORT_SECS:-4}
echo
echo "== d. schedule files and the programme (16 connections, ${EXPORT_SECS} s each) during a 64-connection registration rush, against nginx in the same rush"
D_PATHS="programme.ics schedule.xml schedule.json programme"
for f in $D_PATHS; do
	settle
	wrk -t1 -c64 -d$((2 * EXPORT_SECS + 3))s --latency -s "$HERE/register.lua" "$TBASE" -- "$RUNID-d-$f" \
		>"$TMP/d-rush-$f" 2>"$TMP/d-rush-$f.err" &
	RUSHPID=$!
	sleep 1
	run_wrk "nginx $f during the rush" "$TMP/d-ng-$f" -t1 -c16 -d${EXPORT_SECS}s --latency \
		-s "$HERE/get.lua" "$NBASE/api/v1/$f"
	run_wrk "techtankd $f during the rush" "$TMP/d-tt-$f" -t1 -c16 -d${EXPORT_SECS}s --latency \
		-s "$HERE/get.lua" "$TBASE/api/v1/$f"
	RUSHRC=0
	wait "$RUSHPID" || RUSHRC=$?
	RUSHPID=
	check_wrk "$TMP/d-rush-$f" $RUSHRC "registration rush ($f)"
	count_ok "$TMP/d-rush-$f" 64
	summarise "nginx     $f" "$TMP/d-ng-$f"
	summarise "techtankd $f" "$TMP/d-tt-$f"
	summarise "rush      " "$TMP/d-rush-$f"
done

# -- durability --------------------------------------------------------------
echo
echo "== durability: SIGTERM techtankd, then count the bench attendees with sqlite3"
stop_techtankd
DB_ATTENDEES=$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM attendees WHERE email LIKE 'bench-%';")
DB_ATTENDEES=$((DB_ATTENDEES - BASE_ATTENDEES))
DB_REGS=$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM registrations WHERE contact_email LIKE 'bench-%';")
DB_STATUS=$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT status || ':' || count(*) FROM attendees WHERE email LIKE 'bench-%' GROUP BY status;" | tr '\n' ' ')
INTEGRITY=$(sqlite3 -cmd '.timeout 5000' "$DB" "PRAGMA integrity_check;" | head -n 3 | tr '\n' ' ')
echo "    2xx answers reported by wrk (all runs): $OK_TOTAL"
echo "    bench attendees in the database:        $DB_ATTENDEES (registrations: $DB_REGS; by status: ${DB_STATUS:-none})"
echo "    integrity_check: $INTEGRITY"
EXTRA=$((DB_ATTENDEES - OK_TOTAL))
SLACK=$((CONN_TOTAL + TIMEOUTS_TOTAL))
if [ "$DB_ATTENDEES" -lt "$OK_TOTAL" ]; then
	DURABLE="FAIL"
	DURABLE_NOTE="$((OK_TOTAL - DB_ATTENDEES)) acknowledged registrations are MISSING"
	echo "!!! $DURABLE_NOTE"
elif [ "$EXTRA" -gt "$SLACK" ]; then
	DURABLE="PASS?"
	DURABLE_NOTE="$EXTRA more rows than 2xx answers; at most $SLACK can be requests in flight when wrk stopped or timed out"
	echo "!!! $DURABLE_NOTE"
else
	DURABLE="PASS"
	DURABLE_NOTE="$EXTRA extra rows = requests still in flight when wrk stopped (at most $SLACK)"
	echo "    $DURABLE_NOTE"
fi
[ "$INTEGRITY" = "ok " ] || { DURABLE="FAIL"; echo "!!! PRAGMA integrity_check: $INTEGRITY"; }

# -- summary -----------------------------------------------------------------
MISSES=0
verdict() { if "$@"; then echo PASS; else echo MISS; fi; }
row() { printf '  %-40s %-42s %-16s %s\n' "$@"; }
ok_run() { [ "$(field "$1" non2xx)" = 0 ] && [ "$(field "$1" sock_errors)" = 0 ] && [ "$(field "$1" timeouts)" = 0 ]; }

V_A=$(verdict ge "$RATIO" 80)
V_B=$(verdict eval 'ge "$(field "$TMP/b-64" rps)" 10000 && le "$(field "$TMP/b-64" p99_ms)" 20 && ok_run "$TMP/b-64"')
V_C=$(verdict eval 'le "$(field "$TMP/c-prog" p99_ms)" 10 && ok_run "$TMP/c-prog"')
for v in "$V_A" "$V_B" "$V_C"; do [ "$v" = PASS ] || MISSES=$((MISSES + 1)); done
V_D=
for f in $D_PATHS; do
	r=$(awk -v a="$(field "$TMP/d-tt-$f" rps)" -v b="$(field "$TMP/d-ng-$f" rps)" \
		'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')
	v1=$(verdict ge "$r" 80)
	v2=$(verdict eval 'le "$(field "$TMP/d-tt-$f" p99_ms)" 10 && ok_run "$TMP/d-tt-$f"')
	for v in "$v1" "$v2"; do [ "$v" = PASS ] || MISSES=$((MISSES + 1)); done
	V_D="$V_D $f:$r:$v1:$v2"
done
[ "$DURABLE" != FAIL ] || MISSES=$((MISSES + 1))

errs() {
	local n t s out=
	n=$(field "$1" non2xx) t=$(field "$1" timeouts) s=$(field "$1" sock_errors)
	[ "$n" = 0 ] || out="$out, NON-2xx $n"
	[ "$s" = 0 ] || out="$out, sock err $s"
	[ "$t" = 0 ] || out="$out, timeouts $t"
	echo "$out"
}
echo
echo "== summary"
row "measure" "figure" "target" "result"
row "-------" "------" "------" "------"
row "nginx static, 64 conn" "$(field "$TMP/a-nginx" rps) req/s" "(reference)" ""
row "techtankd GET programme, 64 conn" "$(field "$TMP/a-tt" rps) req/s$(errs "$TMP/a-tt")" "" ""
row "  programme / nginx" "$RATIO %" ">= 80 %" "$V_A"
for c in 1 16; do
	row "registrations/s, $c conn" "$(field "$TMP/b-$c" rps)/s$(errs "$TMP/b-$c")" "(no target)" ""
	row "  p50 / p99" "$(field "$TMP/b-$c" p50_ms) / $(field "$TMP/b-$c" p99_ms) ms" "" ""
done
row "registrations/s, 64 conn" "$(field "$TMP/b-64" rps)/s$(errs "$TMP/b-64")" ">= 10000/s" ""
row "  p50 / p99" "$(field "$TMP/b-64" p50_ms) / $(field "$TMP/b-64" p99_ms) ms" "p99 <= 20 ms" "$V_B"
row "programme p99 during rush, 16 conn" "$(field "$TMP/c-prog" p99_ms) ms$(errs "$TMP/c-prog")" "<= 10 ms" "$V_C"
row "  (rush: registrations/s, 64 conn)" "$(field "$TMP/c-rush" rps)/s$(errs "$TMP/c-rush")" "" ""
for item in $V_D; do
	IFS=: read -r f r v1 v2 <<<"$item"
	row "$f during rush, 16 conn" "$(field "$TMP/d-tt-$f" rps) req/s$(errs "$TMP/d-tt-$f")" "" ""
	row "  nginx, same rush" "$(field "$TMP/d-ng-$f" rps) req/s" "(reference)" ""
	row "  $f / nginx" "$r %" ">= 80 %" "$v1"
	row "  p99 (nginx $(field "$TMP/d-ng-$f" p99_ms) ms)" "$(field "$TMP/d-tt-$f" p99_ms) ms" "<= 10 ms" "$v2"
done
row "durable: 2xx vs rows after SIGTERM" "$OK_TOTAL vs $DB_ATTENDEES" "rows >= 2xx" "$DURABLE"
echo
if [ $MISSES = 0 ]; then
	echo "bench: every target met"
else
	echo "bench: $MISSES target(s) missed (reported only; BENCH_STRICT=1 makes this fail)"
	[ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
