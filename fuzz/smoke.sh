#!/usr/bin/env bash
# One harness's smoke run (CTest label `fuzz`): replay the saved regression
# inputs one by one (each must pass), then fuzz from the seeds for SECONDS.
# usage: smoke.sh HARNESS SEEDS_DIR REGRESSIONS_DIR WORK_DIR SECONDS
# New corpus entries go to WORK_DIR/corpus, a crash to WORK_DIR/crash-*.
set -u
harness=$1 seeds=$2 regressions=$3 work=$4 seconds=$5
mkdir -p "$work/corpus" || exit 1
rm -f "$work"/crash-* "$work"/timeout-* "$work"/leak-* "$work"/oom-*
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
limits=(-timeout=10 -rss_limit_mb=2048 -max_len=8192)
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions" 2>/dev/null)" ]; then
	for f in "$regressions"/*; do
		if ! "$harness" "${limits[@]}" "$f" >"$work/regress.log" 2>&1; then
			echo "regression input $f fails again:"
			tail -40 "$work/regress.log"
			exit 1
		fi
	done
	echo "replayed $(ls "$regressions" | wc -l) regression inputs"
fi
dirs=("$work/corpus")
[ -d "$seeds" ] && dirs+=("$seeds")
"$harness" "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
	-artifact_prefix="$work/" "${dirs[@]}" >"$work/fuzz.log" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$work/fuzz.log"
if [ $rc != 0 ]; then
	echo "fuzzing failed (exit $rc); the input is in $work:"
	ls "$work" | grep -E '^(crash|timeout|leak|oom)-' || true
	tail -60 "$work/fuzz.log"
	exit 1
fi
