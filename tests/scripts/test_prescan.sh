#!/usr/bin/env bash
# Scanning ahead: on a repository with enough service files, the read-ahead
# threads run the loader and connection pattern sets over each file and the
# stages take their matches (src/model/scan.c). The output must be the same
# byte for byte as when every stage scans for itself (ENVLINT_PRESCAN=0), in
# every format and command; and the scan must really have run ahead
# (ENVLINT_TIMINGS names the stage "prefetch+scan").
# usage: test_prescan.sh <envlint> <source-dir> <build-dir>
set -u
bin=$1 src=$2
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

tree=$work/medium
python3 "$src/bench/gen.py" --size medium --seed 7 --out "$tree" >/dev/null || { echo "gen.py failed"; exit 1; }

ENVLINT_TIMINGS=1 "$bin" check -q --exit-zero "$tree" 2>"$work/timings" >/dev/null
grep -q 'timing: prefetch+scan' "$work/timings" || bad "no scan ahead on $(find "$tree" -type f | wc -l) files"
ENVLINT_PRESCAN=0 ENVLINT_TIMINGS=1 "$bin" check -q --exit-zero "$tree" 2>"$work/timings" >/dev/null
grep -q 'timing: prefetch+scan' "$work/timings" && bad "ENVLINT_PRESCAN=0 still scanned ahead"

run() { # $1: label, then the envlint arguments
	local label=$1
	shift
	"$bin" "$@" >"$work/ahead.out" 2>"$work/ahead.err"
	echo $? >>"$work/ahead.out"
	ENVLINT_PRESCAN=0 "$bin" "$@" >"$work/own.out" 2>"$work/own.err"
	echo $? >>"$work/own.out"
	cmp -s "$work/ahead.out" "$work/own.out" || { bad "$label: stdout differs"; diff "$work/own.out" "$work/ahead.out" | head -5; }
	cmp -s "$work/ahead.err" "$work/own.err" || { bad "$label: stderr differs"; diff "$work/own.err" "$work/ahead.err" | head -5; }
	[ -s "$work/ahead.out" ] || bad "$label: no output"
}
for f in text json sarif github; do
	run "check --format $f" check --format "$f" --no-color "$tree"
done
run "check --env test" check --format json --env test "$tree"
run services services "$tree"
run budget budget "$tree"
svc=$("$bin" services "$tree" 2>/dev/null | awk 'NR>1 && $1 ~ /^services\// {print $1; exit}')
[ -n "$svc" ] && run explain explain --service "$svc" "$tree"
grep -q '"rule"' "$work/ahead.out" 2>/dev/null || true
"$bin" check --format json "$tree" | grep -q '"rule": *"' || bad "the medium tree has no findings to compare"
exit $fail
