#!/bin/bash
# The walker against git on random trees: for every file, ignored or not.
# usage: bash test_walk_gitignore.sh <envlint-binary> <source-dir> <build-dir>
# The walker's view comes from the check_walk unit-test program, which prints it
# when ENVLINT_WALKDUMP names a folder (no extra build rule needed).
set -u
src=${2:?source dir}
build=${3:?build dir}
dump=$build/tests/check_walk
if [ ! -x "$dump" ]; then
	echo "skip: $dump not built"
	exit 77
fi
for tool in git python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool not found"
		exit 77
	fi
done
# Tens of thousands of small files: prefer memory when TMPDIR does not say otherwise.
base=${TMPDIR:-}
if [ -z "$base" ]; then
	base=/tmp
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		base=/dev/shm
	fi
fi
work=$(mktemp -d "$base/envlint-walkgen-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# Only the rules in the trees count: no global or system excludes, no user config.
mkdir -p "$work/home"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
mkdir "$work/trees"
python3 "$src/tests/scripts/walkgen/walkgen.py" "$dump" "$work/trees" \
	--seed "${WALKGEN_SEED:-20261123}" --trees "${WALKGEN_TREES:-200}"
