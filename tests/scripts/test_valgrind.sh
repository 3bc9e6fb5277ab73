#!/usr/bin/env bash
# The end-to-end cases under valgrind (memcheck): every tests/e2e/<case>/cmd
# that runs `envlint check` is run by tests/run-e2e.sh with `envlint` replaced
# by a wrapper that runs the real binary under valgrind. Any memory error or
# definite/indirect leak in any envlint process fails the case (valgrind's
# --error-exitcode is 97, as envlint itself uses 0, 1 and 2, and its logs are
# checked). Output differences are the e2e tests' business: here they are
# only noted. Skipped (77) when valgrind is not installed or the binary is
# built with sanitizers (they cannot run under valgrind).
# usage: bash test_valgrind.sh <envlint-binary> <source-dir> <build-dir> [CASE...]
set -u
bin=${1:?envlint binary}
src=${2:?source dir}
build=${3:?build dir}
shift 3
if ! command -v valgrind >/dev/null 2>&1; then
	echo "skip: valgrind not found"
	exit 77
fi
if grep -qs -- '-fsanitize' "$build/CMakeCache.txt"; then
	echo "skip: $bin is built with sanitizers, which do not run under valgrind"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/envlint-valgrind-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$work/logs"
cat >"$work/envlint" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=97 --leak-check=full \\
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\
	--log-file="$work/logs/%p.log" "$bin" "\$@"
WRAP
chmod +x "$work/envlint"

cases=()
if [ $# -gt 0 ]; then
	for c in "$@"; do cases+=("$src/tests/e2e/$c"); done
else
	# The cases that run `envlint check` (the fixtures' lint runs); name
	# others on the command line to run them too.
	for d in "$src"/tests/e2e/*/; do
		[ -f "$d/cmd" ] && grep -q 'envlint check' "$d/cmd" && cases+=("${d%/}")
	done
fi
fail=0
n=0
for d in "${cases[@]}"; do
	rm -f "$work"/logs/*.log
	n=$((n + 1))
	if ! bash "$src/tests/run-e2e.sh" "$work/envlint" "$d" >"$work/case.log" 2>&1; then
		if grep -q "got 97" "$work/case.log"; then
			echo "FAIL $(basename "$d"): valgrind error exit"
			fail=1
		else
			echo "note $(basename "$d"): output differs under valgrind (see the e2e test)"
		fi
	fi
	for log in "$work"/logs/*.log; do
		[ -s "$log" ] || continue
		echo "FAIL $(basename "$d"): valgrind reported:"
		head -60 "$log"
		fail=1
	done
done
echo "valgrind: $n end-to-end cases run"
exit $fail
