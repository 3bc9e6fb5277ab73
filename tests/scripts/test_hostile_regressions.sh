#!/usr/bin/env bash
# Replays every saved fuzz input (fuzz/regressions/<harness>/) and every seed
# of the fuzz corpora through the harnesses, built here without libFuzzer:
# each fuzz/fuzz_<harness>.c is compiled with fuzz/replay.c against the
# build's libenvlint_core.a using the build's compiler and flags, so under the
# asan preset the replay runs with ASan+UBSan+LeakSanitizer. A crash, a
# sanitizer report or a hang (10 s per harness) fails the test.
# usage: bash test_hostile_regressions.sh <envlint-binary> <source-dir> <build-dir>
set -u
src=${2:?source dir}
build=${3:?build dir}
lib=$build/libenvlint_core.a
cache=$build/CMakeCache.txt
if [ ! -f "$lib" ] || [ ! -f "$cache" ]; then
	echo "skip: $lib or $cache not found"
	exit 77
fi
for tool in pkg-config python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool not found"
		exit 77
	fi
done
cacheval() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
cc=$(cacheval CMAKE_C_COMPILER)
cflags=$(cacheval CMAKE_C_FLAGS)
ldflags=$(cacheval CMAKE_EXE_LINKER_FLAGS)
[ -n "$cc" ] || cc=cc
work=$(mktemp -d "${TMPDIR:-/tmp}/envlint-regress-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

python3 "$src/fuzz/seeds.py" "$src" "$work/seeds" >/dev/null || exit 1
# shellcheck disable=SC2086 # flags are word lists
common=(-std=c11 -g -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE
	-DPCRE2_CODE_UNIT_WIDTH=8 -I"$src/src" -I"$src/fuzz" "-DFUZZ_RULES_DIR=\"$src/rules\"")
libs=$(pkg-config --libs yaml-0.1 libpcre2-8)
fail=0
for h in dotenv url ignore yaml config pack compose interp manifest source prisma expr; do
	hsrc=$src/fuzz/fuzz_$h.c
	extra=()
	if [ "$h" = prisma ]; then
		hsrc=$src/fuzz/fuzz_source.c
		extra=(-DFUZZ_FIXED_LANG=LANG_PRISMA)
	fi
	# shellcheck disable=SC2086
	if ! $cc $cflags "${common[@]}" "${extra[@]}" -o "$work/replay_$h" "$hsrc" \
		"$src/fuzz/replay.c" "$src/fuzz/fuzz_util.c" "$lib" $ldflags $libs 2>"$work/cc_$h.log"; then
		echo "FAIL $h: does not build"
		cat "$work/cc_$h.log"
		fail=1
		continue
	fi
	inputs=()
	[ -d "$src/fuzz/regressions/$h" ] && inputs+=("$src/fuzz/regressions/$h")
	[ -d "$work/seeds/$h" ] && inputs+=("$work/seeds/$h")
	if [ ${#inputs[@]} = 0 ]; then
		echo "FAIL $h: no inputs to replay"
		fail=1
		continue
	fi
	timeout -k 5 "${REPLAY_TIMEOUT:-60}" "$work/replay_$h" "${inputs[@]}" >"$work/run_$h.log" 2>&1
	code=$?
	nreg=$(find "$src/fuzz/regressions/$h" -type f 2>/dev/null | wc -l)
	nran=$(grep -c '^ran ' "$work/run_$h.log")
	if [ $code != 0 ]; then
		echo "FAIL $h: exit $code after $nran inputs; last lines:"
		tail -40 "$work/run_$h.log"
		fail=1
	else
		echo "ok   $h: $nran inputs ($nreg regressions)"
	fi
done
exit $fail
