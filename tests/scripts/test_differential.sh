#!/usr/bin/env bash
# Differential test: random .env files (fixed seed) parsed by the real loaders
# (npm dotenv.parse, Node's util.parseEnv, python-dotenv dotenv_values) and by
# `envlint parse --dialect node-dotenv|node-core|python-dotenv`; every file must
# give the same variables. Skips (77) when neither Node nor python-dotenv is
# usable, or when `envlint parse` is missing. npm dotenv is installed into the
# build directory when the registry is reachable.
# usage: test_differential.sh ENVLINT SOURCE_DIR BUILD_DIR
set -u

envlint=$1
src=$2
build=$3
here="$src/tests/scripts/difftest"
work="$build/difftest"
count=${DIFFTEST_COUNT:-300}
seed=${DIFFTEST_SEED:-20261123}

if ! "$envlint" parse --help >/dev/null 2>&1; then
	echo "skip: envlint parse is not available"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip: python3 is needed to generate and compare the files"
	exit 77
fi

mkdir -p "$work"
printf 'A=1\n' >"$work/preflight.env"
if ! "$envlint" parse "$work/preflight.env" --dialect node-dotenv --format json >"$work/preflight.json" 2>&1; then
	echo "envlint parse fails on a one-line file:"
	cat "$work/preflight.json"
	exit 1
fi
rm -rf "$work/cases"
python3 "$here/gen_env.py" "$work/cases" "$count" "$seed" --no-cmd || exit 1
files=("$work"/cases/*.env)
reals=()
dialects=()

# Node: util.parseEnv always; npm dotenv when it is (or can be) installed.
if command -v node >/dev/null 2>&1; then
	mod="$work/node_modules/dotenv"
	if [ ! -f "$mod/package.json" ] && command -v npm >/dev/null 2>&1; then
		timeout 180 npm install --prefix "$work" --no-audit --no-fund --silent \
			dotenv@18 >"$work/npm.log" 2>&1 || echo "note: npm install dotenv failed (see $work/npm.log)"
	fi
	if [ -f "$mod/package.json" ]; then
		export DOTENV_MODULE="$mod"
		dialects+=(node-dotenv)
	else
		unset DOTENV_MODULE
		echo "note: npm dotenv not available; node-dotenv not compared"
	fi
	if node -e 'process.exit(typeof require("util").parseEnv === "function" ? 0 : 1)'; then
		dialects+=(node-core)
	fi
	if node "$here/real_node.js" "${files[@]}" >"$work/real_node.jsonl"; then
		reals+=("$work/real_node.jsonl")
	else
		echo "note: node could not run the loaders"
	fi
fi

# python-dotenv, in an environment that holds none of the generated names.
if python3 -c 'import dotenv' >/dev/null 2>&1; then
	if env -i PATH="$PATH" python3 "$here/real_python.py" "${files[@]}" >"$work/real_python.jsonl"; then
		reals+=("$work/real_python.jsonl")
		dialects+=(python-dotenv)
	fi
fi

if [ ${#reals[@]} -eq 0 ] || [ ${#dialects[@]} -eq 0 ]; then
	echo "skip: neither Node's loaders nor python-dotenv can be run here"
	exit 77
fi
python3 "$here/compare.py" "$envlint" "${reals[@]}" -- "${dialects[@]}"
