#!/usr/bin/env bash
# env-file-not-ignored against git's own index: a secret-holding .env that
# .gitignore covers but git already tracks is reported (ignoring does not
# untrack), one git does not track is not, in every index format git writes
# (versions 2, 3 with extended flags, 4 with prefix-compressed paths), in a
# SHA-256 repository, in a linked worktree (.git is a "gitdir:" file) and in a
# repository with many files; a corrupt index is a diagnostic, not a crash or
# a silent pass of what the walker can still tell.
# usage: test_gitindex.sh <envlint> <source-dir> <build-dir>
set -u
bin=$1
command -v git >/dev/null || { echo "git not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
g() { git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main "$@"; }
secret='postgresql://app:Pl4nted-Index-Secret@db.internal.example:5432/app'

# A repository whose root .env is ignored but tracked, and whose apps/web/.env
# is ignored and untracked. $1: extra `git init` options.
make_repo() {
	local r=$1
	shift
	g init -q "$@" "$r" || return 1
	mkdir -p "$r/apps/web"
	printf '.env\n' >"$r/.gitignore"
	printf 'DATABASE_URL=%s\n' "$secret" >"$r/.env"
	printf 'DATABASE_URL=%s\n' "$secret" >"$r/apps/web/.env"
	printf '{"name":"web","dependencies":{"dotenv":"16.4.5"}}\n' >"$r/apps/web/package.json"
	printf 'require("dotenv").config();\n' >"$r/apps/web/index.js"
	(cd "$r" && g add .gitignore apps/web/package.json apps/web/index.js &&
		g add -f .env && g commit -qm init) || return 1
}

# $1 repo, $2 label: exactly the root .env is reported as tracked.
expect_tracked() {
	local out
	out=$("$bin" check "$1" -f json 2>"$work/err")
	local got
	got=$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(" ".join(sorted(f["file"] for f in r["findings"] if f["rule"] == "env-file-not-ignored" and "git tracks it" in f["message"])))')
	[ "$got" = ".env" ] || bad "$2: tracked-and-ignored findings: '$got' (stderr: $(cat "$work/err"))"
	if printf '%s' "$out" | grep -q "Pl4nted-Index-Secret"; then bad "$2: secret in output"; fi
}

make_repo "$work/v2" || { echo "git init failed"; exit 77; }
expect_tracked "$work/v2" "index v2"

cp -r "$work/v2" "$work/v3"
printf 'X=1\n' >"$work/v3/later.txt"
(cd "$work/v3" && g add -N later.txt) # intent-to-add: an extended-flag entry, version 3
[ "$(head -c 8 "$work/v3/.git/index" | tail -c 1 | od -An -tu1 | tr -d ' ')" = 3 ] ||
	bad "git did not write a version 3 index"
expect_tracked "$work/v3" "index v3"

cp -r "$work/v2" "$work/v4"
for i in $(seq 1 300); do printf 'x\n' >"$work/v4/apps/web/file-$i.txt"; done
(cd "$work/v4" && g add apps && g update-index --index-version 4)
expect_tracked "$work/v4" "index v4"

if make_repo "$work/sha256" --object-format=sha256 2>/dev/null; then
	expect_tracked "$work/sha256" "SHA-256 repository"
else
	echo "note: this git cannot make SHA-256 repositories; that case skipped"
fi

(cd "$work/v2" && g worktree add -q "$work/linked" 2>/dev/null) || bad "git worktree add failed"
[ -f "$work/linked/.git" ] || bad "a linked worktree should have a .git file"
printf 'DATABASE_URL=%s\n' "$secret" >"$work/linked/.env"
expect_tracked "$work/linked" "linked worktree"

# Untracking makes the finding go (the file is ignored and no longer in the index).
(cd "$work/v4" && g rm -q --cached .env)
out=$("$bin" check "$work/v4" -f json)
if printf '%s' "$out" | grep -q "env-file-not-ignored"; then bad "untracked ignored .env still reported"; fi

# A corrupt index: a diagnostic on stderr, the walker's findings still reported.
cp -r "$work/v2" "$work/corrupt"
head -c 40 "$work/v2/.git/index" >"$work/corrupt/.git/index"
rm -f "$work/corrupt/.gitignore"
"$bin" check "$work/corrupt" -f json >"$work/c.json" 2>"$work/c.err"
rc=$?
[ $rc = 1 ] || bad "corrupt index: exit $rc, want 1 (the unignored .env is still an error)"
grep -q "git index truncated" "$work/c.err" || bad "corrupt index: no diagnostic: $(cat "$work/c.err")"
grep -q '"env-file-not-ignored"' "$work/c.json" || bad "corrupt index: the unignored .env is no longer reported"

[ $fail = 0 ] && echo "git index: all cases pass"
exit $fail
