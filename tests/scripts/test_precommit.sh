#!/usr/bin/env bash
# The real pre-commit (Debian package) runs the hook from .pre-commit-hooks.yaml
# in a temporary git repository holding fixtures/ci/precommit: a commit that
# adds a real env file with a password, or a duplicate key, is blocked; the
# fixed commits pass. Offline: the hook repository is a local git copy of this
# repository's .pre-commit-hooks.yaml, and envlint comes from PATH
# (language: system).
# usage: test_precommit.sh <envlint> <source-dir> <build-dir>
set -u
bin=$1
src=$2
if ! command -v pre-commit >/dev/null 2>&1 || ! command -v git >/dev/null 2>&1; then
	echo "SKIP: pre-commit or git not installed"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$work/bin/envlint"
export PATH="$work/bin:$PATH"
export PRE_COMMIT_HOME="$work/cache" GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name envlint-test
git config --global user.email envlint-test@example.invalid
git config --global init.defaultBranch main
git config --global protocol.file.allow always

# The hook repository: this repository's hook definitions, committed.
hooks=$work/hooks
mkdir -p "$hooks"
cp "$src/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add . && git -C "$hooks" commit -qm hooks
rev=$(git -C "$hooks" rev-parse HEAD)

# The repository under test.
repo=$work/repo
cp -r "$src/fixtures/ci/precommit" "$repo"
cat >"$repo/.pre-commit-config.yaml" <<EOF
repos:
  - repo: file://$hooks
    rev: $rev
    hooks:
      - id: envlint
EOF
cd "$repo" || exit 2
git init -q
pre-commit install >"$work/install.log" 2>&1 || { cat "$work/install.log"; bad "pre-commit install failed"; exit 1; }

commit() { # commit MESSAGE: git commit through the installed hook; output in $work/last
	git commit -m "$1" >"$work/last" 2>&1
}

# 1. The clean fixture commits.
git add -A
if ! commit "initial"; then bad "the clean fixture was blocked:"; cat "$work/last"; fi
grep -q "^envlint\.*Passed" "$work/last" || bad "the hook did not run on the initial commit: $(cat "$work/last")"

# 2. A real env file with a password, not ignored: blocked (env-file-not-ignored, error).
printf 'DATABASE_URL=postgresql://app:Hunter2Secret@db.example.com:5432/app\n' >.env.staging
git add .env.staging
if commit "add staging env"; then bad "a commit adding an unignored .env.staging with a password passed"; fi
grep -q "^envlint\.*Failed" "$work/last" || bad "the hook did not report Failed: $(cat "$work/last")"
grep -q "env-file-not-ignored" "$work/last" || bad "the blocked commit does not say why: $(cat "$work/last")"
grep -q "Hunter2Secret" "$work/last" && bad "the hook output shows the password"
[ "$(git rev-list --count HEAD)" = 1 ] || bad "the blocked commit was recorded"

# 3. Fix it (ignore the file, keep it out of git): the commit passes.
git rm -q --cached .env.staging
printf '.env.staging\n' >>.gitignore
git add .gitignore
if ! commit "ignore staging env"; then bad "the fixed commit was blocked:"; cat "$work/last"; fi
[ "$(git rev-list --count HEAD)" = 2 ] || bad "the fixed commit was not recorded"

# 4. A duplicate key in the template (warning; default --fail-on warning): blocked.
printf 'LOG_LEVEL=debug\n' >>.env.example
git add .env.example
if commit "duplicate key"; then bad "a duplicate key passed the hook"; fi
grep -q "duplicate-key" "$work/last" || bad "no duplicate-key in the hook output: $(cat "$work/last")"
# 5. The hook scans the whole repository even when the commit stages no env file.
printf '// touch\n' >>src/index.js
git add src/index.js
if commit "unrelated change"; then bad "the hook ignored the staged duplicate key when another file was committed"; fi
# 6. Suppress it inline: passes.
sed -i 's/^LOG_LEVEL=debug$/# envlint-disable-next-line duplicate-key\nLOG_LEVEL=debug/' .env.example
git add .env.example
if ! commit "suppress"; then bad "the suppressed duplicate key was blocked:"; cat "$work/last"; fi
[ "$(git rev-list --count HEAD)" = 3 ] || bad "expected 3 commits, got $(git rev-list --count HEAD)"

# 7. `pre-commit run --all-files` (the CI form) passes on the final tree.
pre-commit run --all-files >"$work/all" 2>&1 || { bad "pre-commit run --all-files failed"; cat "$work/all"; }

[ $fail = 0 ] && echo "test_precommit: ok"
exit $fail
