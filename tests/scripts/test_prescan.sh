#!/usr/bin/env bash
# Work on two threads: on a repository with enough service files, the
# read-ahead threads run the loader and connection pattern sets over each
# file and the stages take their matches, and with enough services, loader
# detection, environments, connections, pools and processes are built for
# two services at a time (src/model/scan.c). The output must be the same
# byte for byte, diagnostics and their order included, as when every stage
# scans for itself (ENVLINT_PRESCAN=0) and services are built one by one
# (ENVLINT_PARALLEL=0), in every format and command; and the scan must really
# have run ahead (ENVLINT_TIMINGS names the stage "prefetch+scan").
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
# Env files whose first read reports something (a NUL byte, a dangling link),
# in services built by either thread: the diagnostics' order must not change.
n=0
for d in "$tree"/services/*/ "$tree"/apps/*/; do
	n=$((n + 1))
	case $((n % 37)) in
	3 | 4) printf 'A=1\nB=\000x\n' >"$d/.env.local" ;;
	11 | 12) ln -sf ../missing/.env "$d/.env.production" ;;
	esac
done

ENVLINT_TIMINGS=1 "$bin" check -q --exit-zero "$tree" 2>"$work/timings" >/dev/null
grep -q 'timing: prefetch+scan' "$work/timings" || bad "no scan ahead on $(find "$tree" -type f | wc -l) files"
ENVLINT_PRESCAN=0 ENVLINT_TIMINGS=1 "$bin" check -q --exit-zero "$tree" 2>"$work/timings" >/dev/null
grep -q 'timing: prefetch+scan' "$work/timings" && bad "ENVLINT_PRESCAN=0 still scanned ahead"

run() { # $1: label, then the envlint arguments
	local label=$1 way
	shift
	"$bin" "$@" >"$work/ahead.out" 2>"$work/ahead.err"
	echo $? >>"$work/ahead.out"
	for way in "ENVLINT_PRESCAN=0" "ENVLINT_PARALLEL=0" "ENVLINT_PARALLEL=reverse" \
		"ENVLINT_PRESCAN=0 ENVLINT_PARALLEL=0"; do
		env $way "$bin" "$@" >"$work/own.out" 2>"$work/own.err"
		echo $? >>"$work/own.out"
		cmp -s "$work/ahead.out" "$work/own.out" || { bad "$label ($way): stdout differs"; diff "$work/own.out" "$work/ahead.out" | head -5; }
		cmp -s "$work/ahead.err" "$work/own.err" || { bad "$label ($way): stderr differs"; diff "$work/own.err" "$work/ahead.err" | head -5; }
	done
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
"$bin" check -q --exit-zero "$tree" 2>&1 >/dev/null | grep -q 'NUL byte' || bad "no read diagnostics to compare"
[ "$("$bin" services "$tree" 2>/dev/null | grep -c '^services/\|^apps/')" -ge 128 ] ||
	bad "too few services to build on two threads"
exit $fail
