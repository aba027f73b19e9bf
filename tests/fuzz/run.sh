#!/bin/sh
# run.sh SECONDS SRCDIR FUZZER...: runs each libFuzzer target for SECONDS,
# from a copy of its seed corpus (SRCDIR/corpus-NAME) that it grows in
# tests/fuzz/work/fuzz-NAME, with SRCDIR/fuzz-NAME.dict and the max_len of
# SRCDIR/fuzz-NAME.options when they exist. Prints one line per target,
# "fuzz: fuzz-NAME: ok ..." or "fuzz: fuzz-NAME: FAILED ...", keeps the
# input that broke it under tests/fuzz/crashes/, and exits 1 if any failed.
set -u

seconds=$1 src=$2
shift 2
fuzzers=$*
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export UBSAN_OPTIONS
mkdir -p tests/fuzz/work tests/fuzz/crashes || exit 1

bad=0
for prog in $fuzzers; do
	name=$(basename "$prog")
	work=tests/fuzz/work/$name
	log=tests/fuzz/work/$name.log
	mkdir -p "$work" || exit 1
	cp "$src/corpus-${name#fuzz-}"/* "$work/" || exit 1
	set -- -max_total_time="$seconds" -print_final_stats=1 \
	    -artifact_prefix="tests/fuzz/crashes/$name-"
	[ -f "$src/$name.dict" ] && set -- "$@" -dict="$src/$name.dict"
	len=$(sed -n 's/^max_len *= *\([0-9][0-9]*\)$/\1/p' \
	    "$src/$name.options" 2>/dev/null)
	[ -n "$len" ] && set -- "$@" -max_len="$len"
	before=$(ls tests/fuzz/crashes | grep -c "^$name-")
	if "$prog" "$@" "$work" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: $name: ok, ${runs:-?} runs in ${seconds}s," \
		    "corpus $(ls "$work" | wc -l) inputs"
	else
		bad=$((bad + 1))
		echo "fuzz: $name: FAILED (log $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*check failed)' \
		    "$log" | head -n 5
		if [ "$(ls tests/fuzz/crashes | grep -c "^$name-")" -gt "$before" ]
		then
			crash=$(ls -t tests/fuzz/crashes | grep "^$name-" | head -n 1)
			echo "fuzz: $name: input kept as tests/fuzz/crashes/$crash;" \
			    "replay it with $prog tests/fuzz/crashes/$crash"
		fi
	fi
done
[ "$bad" -eq 0 ]
