#!/usr/bin/env bash
# Run one end-to-end case: tests/e2e/<case>/cmd is a shell snippet run from the
# source root with `envlint` on PATH (the binary under test) and NO_COLOR unset.
# Its stdout, stderr and exit code are compared with the files `stdout`,
# `stderr` (optional: when absent, stderr is not compared) and `exit` (default 0)
# beside it. UPDATE=1 rewrites the expected files from the actual output.
set -u
bin=$1
dir=$2
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bindir=$(mkdir -p "$tmp/bin" && cd "$tmp/bin" && pwd)
ln -s "$bin" "$bindir/envlint"
cd "$src" || exit 2
env -u NO_COLOR PATH="$bindir:$PATH" TMPDIR="$tmp" E2E_TMP="$tmp" LC_ALL=C \
	timeout 60 bash "$dir/cmd" >"$tmp/stdout" 2>"$tmp/stderr"
code=$?

if [ "${UPDATE:-}" = 1 ]; then
	cp "$tmp/stdout" "$dir/stdout"
	[ -s "$tmp/stderr" ] && cp "$tmp/stderr" "$dir/stderr" || rm -f "$dir/stderr"
	if [ "$code" = 0 ]; then rm -f "$dir/exit"; else echo "$code" >"$dir/exit"; fi
	echo "updated $dir"
	exit 0
fi

fail=0
want=0
[ -f "$dir/exit" ] && want=$(cat "$dir/exit")
if [ "$code" != "$want" ]; then
	echo "exit code: got $code, want $want"
	fail=1
fi
if ! diff -u "$dir/stdout" "$tmp/stdout"; then
	echo "stdout differs (above: expected vs actual)"
	fail=1
fi
if [ -f "$dir/stderr" ] && ! diff -u "$dir/stderr" "$tmp/stderr"; then
	echo "stderr differs"
	fail=1
fi
if [ $fail = 1 ] && [ -s "$tmp/stderr" ] && [ ! -f "$dir/stderr" ]; then
	echo "--- stderr:"; head -50 "$tmp/stderr"
fi
exit $fail
