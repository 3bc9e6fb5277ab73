#!/usr/bin/env bash
# Hostile repositories, end to end with the real binary (issue 7): every case
# runs under a timeout, must finish within its time bound, exit with the
# expected code, print the expected diagnostic, and still report the finding
# planted in good/.env (the rest of the scan completed). Big or special files
# (100 MB line, FIFO, symlinks, deep and wide trees, unreadable files) are made
# at test time in a temporary folder; small fixed inputs live in tests/hostile/.
# usage: bash test_hostile.sh <envlint-binary> <source-dir> <build-dir> [CASE...]
set -u
bin=${1:?envlint binary}
src=${2:?source dir}
build=${3:?build dir}
shift 3
only=("$@")
hostile=$src/tests/hostile

# Sanitizer builds run several times slower: scale the time bounds.
scale=1
if grep -qs -- '-fsanitize' "$build/CMakeCache.txt"; then
	scale=6
fi
if [ -n "${HOSTILE_TIME_SCALE:-}" ]; then
	scale=$HOSTILE_TIME_SCALE
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/envlint-hostile-XXXXXX") || exit 1
chmod 755 "$work"
bgpid=
cleanup() {
	[ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null && wait "$bgpid" 2>/dev/null
	chmod -R u+rwX "$work" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
export LC_ALL=C NO_COLOR=1

failures=0
passed=0
skipped=0
GOOD_FINDING='good/.env:1:1: error [env-file-not-ignored]'

# A fresh repository folder holding good/.env, whose finding proves the scan completed.
repo() {
	local r=$work/$1
	rm -rf "$r"
	mkdir -p "$r/good"
	printf 'DATABASE_URL=postgres://u:p@h:5432/d\n' >"$r/good/.env"
	echo "$r"
}

want_case() {
	local c
	[ ${#only[@]} = 0 ] && return 0
	for c in "${only[@]}"; do [ "$c" = "$1" ] && return 0; done
	return 1
}

# run NAME BOUND_MS WANT_EXIT CMD...: runs CMD (envlint or a wrapper) with stdout
# in $out and stderr in $err; checks exit code and time. Then use expect_*.
name=
out=
err=
case_failed=0
run() {
	name=$1
	local bound=$(($2 * scale)) want=$3 start end ms code
	shift 3
	case_failed=0
	out=$work/$name.out
	err=$work/$name.err
	start=$(date +%s%N)
	timeout -k 5 $(((bound + 999) / 1000 + 20)) "$@" >"$out" 2>"$err"
	code=$?
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	if [ "$code" = 124 ] || [ "$code" = 137 ]; then
		fail "timed out (hang?)"
		return
	fi
	if [ "$code" -ge 128 ] || grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer' "$err"; then
		fail "crashed (exit $code)"
		return
	fi
	if [ "$code" != "$want" ]; then
		fail "exit code $code, want $want"
	fi
	if [ "$ms" -gt "$bound" ]; then
		fail "took ${ms} ms, bound ${bound} ms"
	fi
	elapsed=$ms
}

fail() {
	echo "FAIL $name: $*"
	case_failed=1
}

expect_err() {
	grep -qF -- "$1" "$err" || fail "stderr lacks: $1"
}
expect_out() {
	grep -qF -- "$1" "$out" || fail "stdout lacks: $1"
}
expect_no_out() {
	if grep -qF -- "$1" "$out"; then fail "stdout has: $1"; fi
}
expect_good() {
	expect_out "$GOOD_FINDING"
}

done_case() {
	if [ "$case_failed" = 1 ]; then
		failures=$((failures + 1))
		echo "--- stdout of $name:"
		head -c 3000 "$out"
		echo "--- stderr of $name:"
		head -c 3000 "$err"
	else
		passed=$((passed + 1))
		echo "ok   $name (${elapsed} ms)"
	fi
}

skip() {
	skipped=$((skipped + 1))
	echo "skip $1: $2"
}

# ---------------------------------------------------------------------------
if want_case binary_env; then
	r=$(repo binary_env)
	# 4 KiB of fixed pseudo-random bytes (NULs, control bytes, invalid UTF-8).
	python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(4096)))" >"$r/.env"
	run binary_env 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: "
	expect_err "NUL byte"
	expect_no_out ".env:1:1: error [invalid-line]"
	expect_good
	done_case
fi

if want_case nul_bytes; then
	r=$(repo nul_bytes)
	printf 'A=1\0B=2\nC=3\n' >"$r/.env"
	run nul_bytes 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: "
	expect_err "NUL byte at line 1"
	expect_good
	done_case
fi

if want_case big_line; then
	r=$(repo big_line)
	{
		printf 'DATABASE_URL=postgres://u:p@h:5432/'
		head -c 100000000 /dev/zero | tr '\0' a
		echo
	} >"$r/.env"
	run big_line 3000 1 "$bin" check "$r"
	expect_err "envlint: .env: file is 100000036 bytes, larger than the 16777216-byte limit; skipped"
	expect_good
	done_case
	rm -f "$r/.env"
fi

if want_case long_line_under_limit; then
	# 15 MB on one line: read and parsed, within a bound.
	r=$(repo long_line_under_limit)
	{
		printf 'SECRET_TOKEN="'
		head -c 15000000 /dev/zero | tr '\0' a
		printf '"\nDATABASE_URL=postgres://u:p@h:5432/'
		head -c 1000 /dev/zero | tr '\0' b
		echo
	} >"$r/.env"
	run long_line_under_limit 10000 1 "$bin" check "$r" -q
	expect_out ".env:1:1: error [env-file-not-ignored] .env holds a secret value in SECRET_TOKEN"
	expect_good
	done_case
	rm -f "$r/.env"
fi

if want_case invalid_utf8; then
	r=$(repo invalid_utf8)
	printf 'K\xff\xfeY=1\nVALUE=ok\xc3\x28\xa0end\nDATABASE_URL=postgres://u\xe2\x82:p@h:5432/d\n' >"$r/.env"
	run invalid_utf8 1000 1 "$bin" check "$r"
	expect_out ".env:1:1: error [invalid-line]"
	expect_good
	done_case
	# The JSON report stays valid JSON (invalid bytes escaped or replaced).
	run invalid_utf8_json 1000 1 "$bin" check "$r" --format json
	if ! python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$out" 2>>"$err"; then
		fail "--format json is not valid UTF-8 JSON"
	fi
	done_case
fi

if want_case cr_only; then
	r=$(repo cr_only)
	printf 'A=1\rB=2\rC=3\r' >"$r/.env"
	run cr_only 1000 1 "$bin" check "$r"
	# Loaders disagree on a CR-only file (node's dotenv splits on \r, node --env-file does not).
	expect_out ".env:1:3: warning [ambiguous-value] loaders read A differently"
	expect_good
	done_case
fi

if want_case mixed_line_endings; then
	r=$(repo mixed_line_endings)
	printf 'A=1\r\nB=2\nC=3\r' >"$r/.env"
	run mixed_line_endings 1000 0 "$bin" parse "$r/.env" --dialect python-dotenv
	expect_out '"A" = "1"'
	expect_out '"B" = "2"'
	expect_out '"C" = "3"'
	done_case
fi

if want_case bom; then
	r=$(repo bom)
	printf '\xef\xbb\xbfDATABASE_URL=postgres://u:p@h:5432/d\n' >"$r/.env"
	run bom 1000 1 "$bin" check "$r"
	# The BOM is not part of the key: the finding names DATABASE_URL.
	expect_out ".env holds a connection string with a password in DATABASE_URL"
	expect_good
	done_case
fi

if want_case control_chars_in_names; then
	# File names are repository content too: an escape sequence or a newline in
	# a name must not reach the terminal raw (text output replaces control bytes).
	r=$(repo control_chars_in_names)
	printf 'DATABASE_URL=postgres://u:p@h:5432/d\n' >"$r/$(printf '.env.\033[31mred')"
	mkfifo "$r/$(printf '.env.\033]0;title\007')"
	mkdir "$r/$(printf 'a\nb')"
	printf 'DATABASE_URL=postgres://u:p@h:5432/d\n' >"$r/$(printf 'a\nb')/.env"
	run control_chars_in_names 1000 1 "$bin" check "$r" --color never
	for f in "$out" "$err"; do
		if LC_ALL=C grep -q "$(printf '[\033\007]')" "$f"; then
			fail "$(basename "$f"): raw escape or bell byte from a file name"
		fi
	done
	if grep -q '^b/\.env' "$out" || grep -q '^b/\.env' "$err"; then
		fail "a newline in a file name split a diagnostic line"
	fi
	expect_err "a FIFO; not read"
	expect_out "red:1:1: error [env-file-not-ignored]"
	expect_good
	done_case
fi

if want_case fifo; then
	r=$(repo fifo)
	mkfifo "$r/.env"
	run fifo 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: a FIFO; not read"
	expect_good
	done_case
fi

if want_case symlink_loop; then
	r=$(repo symlink_loop)
	ln -s .env.b "$r/.env"
	ln -s .env "$r/.env.b"
	mkdir -p "$r/dir"
	ln -s .. "$r/dir/up"
	ln -s ../dir "$r/dir/self"
	run symlink_loop 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: symbolic link loop; not followed"
	expect_good
	done_case
fi

if want_case dangling_link; then
	r=$(repo dangling_link)
	ln -s does-not-exist "$r/.env"
	run dangling_link 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: symbolic link to 'does-not-exist' whose target does not exist"
	expect_good
	done_case
fi

if want_case dev_zero; then
	r=$(repo dev_zero)
	ln -s /dev/zero "$r/.env"
	ln -s /dev/zero "$r/package.json"
	run dev_zero 1000 1 "$bin" check "$r"
	expect_err "envlint: .env: symbolic link to a device; not read"
	expect_good
	done_case
fi

if want_case deep_tree; then
	r=$(repo deep_tree)
	(
		cd "$r" || exit 1
		for _ in $(seq 2000); do mkdir d && cd d || exit 1; done
		printf 'A=1\n' >.env
	) || fail "could not build the tree"
	run deep_tree 1000 1 "$bin" check "$r"
	expect_err ": folder depth limit (256) reached; not entered"
	expect_good
	done_case
	rm -rf "$r"
fi

if want_case wide_tree; then
	r=$(repo wide_tree)
	mkdir "$r/many"
	(cd "$r/many" && seq -f 'f%06g.txt' 1 100000 | xargs touch) || fail "could not build the tree"
	printf 'DATABASE_URL=postgres://u:p@h:5432/d\n' >"$r/many/.env"
	run wide_tree 2000 1 "$bin" check "$r" -q
	expect_out "many/.env:1:1: error [env-file-not-ignored]"
	expect_good
	done_case
	rm -rf "$r"
fi

for c in config-alias-bomb config-deep; do
	want_case "${c//-/_}" || continue
	r=$(repo "${c//-/_}")
	cp -r "$hostile/$c/." "$r/"
	run "${c//-/_}" 1000 2 "$bin" check "$r"
	if [ "$c" = config-alias-bomb ]; then
		expect_err "/.envlint.yml:2:4: anchors and aliases are not allowed in the configuration"
	else
		expect_err "/.envlint.yml:1:73: nesting is deeper than 64 levels"
	fi
	done_case
done

for c in compose-alias-bomb compose-deep; do
	want_case "${c//-/_}" || continue
	r=$(repo "${c//-/_}")
	cp -r "$hostile/$c/." "$r/"
	run "${c//-/_}" 1000 1 "$bin" check "$r"
	if [ "$c" = compose-alias-bomb ]; then
		expect_err "envlint: compose.yaml: 10:16: document has more than 200000 nodes (after expanding aliases)"
	else
		expect_err "envlint: compose.yaml: 4:79: nesting is deeper than 64 levels"
	fi
	expect_good
	done_case
done

if want_case catastrophic_regex; then
	r=$(repo catastrophic_regex)
	cp -r "$hostile/catastrophic-pack/repo/." "$r/"
	run catastrophic_regex 1000 1 "$bin" check --rules "$hostile/catastrophic-pack/rules" "$r"
	expect_err "envlint: svc/index.js: pattern 'catastrophic-read' hit its regex match limit"
	expect_out "svc/.env:1:1: error [env-file-not-ignored]"
	expect_good
	done_case
fi

if want_case expansion_cycle_across_files; then
	# Two env files of one dotenv-expand load that reference each other
	# (A=${B}x in one, B=${A}y in the other): the real loader never finishes;
	# envlint must stop within its expansion limits, not hang.
	r=$(repo expansion_cycle_across_files)
	mkdir -p "$r/svc/src"
	printf '{"name":"svc","dependencies":{"dotenv":"^16.4.5","dotenv-expand":"^11.0.6"}}\n' \
		>"$r/svc/package.json"
	cat >"$r/svc/src/index.js" <<'JS'
const dotenv = require('dotenv');
const dotenvExpand = require('dotenv-expand');
dotenvExpand.expand(dotenv.config({ path: ['.env.local', '.env'] }));
console.log(process.env.A, process.env.B);
JS
	printf 'A=${B}x\n' >"$r/svc/.env.local"
	printf 'B=${A}y\n' >"$r/svc/.env"
	run expansion_cycle_across_files 2000 1 "$bin" check "$r" -q
	expect_good
	done_case
fi

if want_case changing_files; then
	# Files removed, recreated, grown and turned into folders while scans run.
	r=$(repo changing_files)
	mkdir -p "$r/svc"
	printf '{"name":"svc","dependencies":{"dotenv":"16"}}\n' >"$r/svc/package.json"
	(
		i=0
		while :; do
			i=$((i + 1))
			for n in 1 2 3 4 5 6 7 8; do
				printf 'A%s=%s\n' "$n" "$i" >"$r/svc/.env.$n"
				rm -f "$r/svc/.env.$((9 - n))"
				head -c $((i % 200000)) /dev/zero | tr '\0' x >>"$r/svc/.env.$n"
			done
			rm -rf "$r/svc/sub"
			mkdir -p "$r/svc/sub"
			printf 'B=%s\n' "$i" >"$r/svc/sub/.env"
			rm -f "$r/svc/.env"
			mkdir -p "$r/svc/.env"
			rmdir "$r/svc/.env"
			printf 'C=1\n' >"$r/svc/.env"
		done
	) 2>/dev/null &
	bgpid=$!
	sleep 0.2
	bad=0
	for k in $(seq 30); do
		run "changing_files_$k" 1000 1 "$bin" check "$r" -q
		expect_good
		[ "$case_failed" = 1 ] && bad=1 && break
	done
	kill "$bgpid" 2>/dev/null
	wait "$bgpid" 2>/dev/null
	bgpid=
	name=changing_files
	[ "$bad" = 1 ] && case_failed=1
	done_case
fi

if want_case unreadable; then
	# Permission bits do not stop root: switch to an unprivileged user. The
	# binary and its bundled packs are copied where that user can reach them
	# (an installed layout: bin/envlint finds ../share/envlint/rules).
	runas=()
	if [ "$(id -u)" = 0 ]; then
		if command -v setpriv >/dev/null 2>&1 &&
			setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
			runas=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		elif command -v runuser >/dev/null 2>&1 && runuser -u nobody -- true 2>/dev/null; then
			runas=(runuser -u nobody --)
		fi
	fi
	inst=$work/inst
	mkdir -p "$inst/bin" "$inst/share/envlint/rules"
	cp "$bin" "$inst/bin/envlint"
	cp "$src"/rules/*.yml "$inst/share/envlint/rules/"
	chmod -R a+rX "$inst"
	if [ "$(id -u)" = 0 ] && [ ${#runas[@]} = 0 ]; then
		skip unreadable "running as root and cannot switch to an unprivileged user (setpriv, runuser)"
	elif ! "${runas[@]}" test -x "$inst/bin/envlint"; then
		skip unreadable "the unprivileged user cannot reach $inst (a parent folder is not searchable)"
	else
		r=$(repo unreadable)
		printf 'A=1\n' >"$r/.env"
		mkdir -p "$r/locked"
		printf 'B=1\n' >"$r/locked/.env"
		chmod 000 "$r/.env" "$r/locked"
		chmod -R a+rX "$r/good"
		run unreadable 1000 1 "${runas[@]}" "$inst/bin/envlint" check "$r"
		expect_err "envlint: .env: cannot open: Permission denied"
		expect_err "envlint: locked: folder not read: Permission denied"
		expect_good
		done_case
		chmod 755 "$r/locked"
		chmod 644 "$r/.env"
	fi
fi

echo "hostile: $passed passed, $failures failed, $skipped skipped"
[ "$failures" = 0 ] || exit 1
[ "$passed" = 0 ] && [ "$skipped" -gt 0 ] && exit 77
exit 0
