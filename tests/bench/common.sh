# tests/bench/common.sh: the set-up every single-daemon benchmark script
# shares, sourced after `set -euo pipefail`:
#   bench_begin NAME TOOL...
# checks that each TOOL is installed (exit 2 if not), and sets HERE, ROOT,
# TECHTANKD (absolute), TMP (a fresh folder, removed at exit unless
# BENCH_KEEP is set), PID (the script's daemon, stopped with SIGTERM at
# exit once the script sets it), port (a free loopback port) and BASE.
#   bench_start [OPTION...]
# starts $TECHTANKD on $port with the database $TMP/t.db, an access log and
# OPTIONs, sets PID, and waits until it answers (exit 1 if it does not).

bench_cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$TMP"
}

bench_begin() {
	local name=$1 tool
	shift
	HERE=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
	ROOT=$(cd "$HERE/../.." && pwd)
	TECHTANKD=$(realpath "${TECHTANKD:-./techtankd}")
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "bench: '$tool' is not installed" >&2; exit 2; }
	done
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/techtank-$name-bench.XXXXXX")
	PID=
	trap bench_cleanup EXIT
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	BASE="http://127.0.0.1:$port"
}

bench_start() {
	"$TECHTANKD" --listen "127.0.0.1:$port" --db "$TMP/t.db" --web-root "$ROOT/web" \
		--access-log "$TMP/access.log" "$@" 2>>"$TMP/techtankd.err" &
	PID=$!
	for _ in $(seq 300); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
	echo "bench: techtankd did not start" >&2; cat "$TMP/techtankd.err" >&2; exit 1
}
