#!/usr/bin/env bash
# Baselines (--write-baseline / --baseline) are keyed by content, not lines:
# moving lines keeps findings baselined, changing an offending value
# resurfaces it, deleting a problem reports a stale entry (stderr), a second
# copy of a baselined problem is new, and the baseline file holds no secrets.
# usage: test_baseline.sh <envlint> <source-dir> <build-dir>
set -u
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
repo=$work/repo
cp -r "$src/fixtures/example" "$repo"

bad() { echo "FAIL: $*"; fail=1; }
# Number of reported findings, and the rules reported, from the JSON report.
count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))'; }
rules() { python3 -c 'import json,sys; print(" ".join(sorted(f["rule"] for f in json.load(sys.stdin)["findings"])))'; }

"$bin" check "$repo" -f json >"$work/all.json"
total=$(count <"$work/all.json")
[ "$total" -gt 2 ] || bad "the example should have several findings, has $total"

# 1. Write the baseline: exit 0, nothing reported, a message on stderr.
"$bin" check "$repo" -f json --write-baseline "$work/b.json" >"$work/w.json" 2>"$work/w.err"
rc=$?
[ $rc = 0 ] || bad "--write-baseline exited $rc"
[ "$(count <"$work/w.json")" = 0 ] || bad "--write-baseline still reported findings"
grep -q "wrote .* baseline entr.* to $work/b.json" "$work/w.err" || bad "no message about the baseline written: $(cat "$work/w.err")"
python3 - "$work/b.json" "$total" <<'PY' || fail=1
import json, sys
b = json.load(open(sys.argv[1]))
assert b["version"] == 1 and b["tool"] == "envlint", b
n = sum(e["count"] for e in b["entries"])
if n != int(sys.argv[2]):
    print(f"FAIL: baseline covers {n} findings, the report had {sys.argv[2]}"); sys.exit(1)
for e in b["entries"]:
    if set(e) != {"rule", "file", "service", "key", "value", "count"}:
        print("FAIL: unexpected entry fields", e); sys.exit(1)
    if not (e["value"].startswith("line:") or e["value"].startswith("class:")):
        print("FAIL: value", e); sys.exit(1)
PY
# No secret, no line number, no raw value in the baseline.
for secret in W0rkerPassw0rd "$(sed -n 's|.*://[^:]*:\([^@]*\)@.*|\1|p' "$repo/services/auth/.env" | head -1)"; do
	[ -n "$secret" ] || continue
	if grep -qF -- "$secret" "$work/b.json"; then bad "the baseline holds the secret $secret"; fi
done
grep -q '"line"' "$work/b.json" && bad "the baseline records line numbers"
grep -q 'postgresql://' "$work/b.json" && bad "the baseline records values"

# 2. Same tree with the baseline: nothing new, exit 0, no stale entries.
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/r.json" 2>"$work/r.err"
rc=$?
[ $rc = 0 ] || bad "--baseline on the same tree exited $rc"
[ "$(count <"$work/r.json")" = 0 ] || bad "--baseline on the same tree reported: $(rules <"$work/r.json")"
sup=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["suppressed"])' <"$work/r.json")
[ "$sup" -ge "$total" ] || bad "summary.suppressed is $sup, want at least $total"
grep -q stale "$work/r.err" && bad "stale entries on an unchanged tree: $(cat "$work/r.err")"

# 3. Move lines: blank lines and comments on top, lines reordered.
{ printf '# moved\n\n\n'; cat "$repo/.env"; } >"$work/x" && mv "$work/x" "$repo/.env"
{ printf '\n\n# header\n'; tac "$repo/services/auth/.env"; } >"$work/x" && mv "$work/x" "$repo/services/auth/.env"
{ printf '# header\n'; cat "$repo/services/worker/worker.env"; } >"$work/x" && mv "$work/x" "$repo/services/worker/worker.env"
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/m.json" 2>"$work/m.err"
rc=$?
[ $rc = 0 ] || bad "after moving lines exited $rc: $(rules <"$work/m.json")"
[ "$(count <"$work/m.json")" = 0 ] || bad "after moving lines reported: $(rules <"$work/m.json")"
grep -q stale "$work/m.err" && bad "stale entries after moving lines: $(cat "$work/m.err")"
# ... and without the baseline the findings are really there, at new lines.
[ "$("$bin" check "$repo" -f json | count)" = "$total" ] || bad "moving lines changed the findings"

# 4. Change only a password: still baselined (only redacted text is hashed).
sed -i 's|\(postgresql://[^:]*:\)[^@]*@|\1Rotated-Passw0rd@|' "$repo/services/worker/worker.env"
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/p.json" 2>/dev/null
[ "$(count <"$work/p.json")" = 0 ] || bad "a rotated password resurfaced: $(rules <"$work/p.json")"

# 5. Change the offending value (another pooler host): that finding resurfaces,
#    and the entry recorded for the old value is stale.
sed -i 's/aws-0-eu-west-1/aws-0-us-east-1/' "$repo/services/auth/.env"
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/c.json" 2>"$work/c.err"
rc=$?
grep -q root-value-shadowed <(rules <"$work/c.json") || bad "changing the value did not resurface root-value-shadowed: $(rules <"$work/c.json")"
[ $rc = 1 ] || bad "a resurfaced error should exit 1, got $rc"
grep -q "stale baseline entry: root-value-shadowed in services/auth/.env (service services/auth) for DATABASE_URL" "$work/c.err" ||
	bad "no stale entry for the old value: $(cat "$work/c.err")"
grep -qE "^$work/b.json:[0-9]+:[0-9]+: stale" "$work/c.err" || bad "stale entries should carry the baseline position"
sed -i 's/aws-0-us-east-1/aws-0-eu-west-1/' "$repo/services/auth/.env"

# 6. Delete a problem: exit 0, nothing reported, its entry is stale.
grep -v '^LOG_LEVEL=warn' "$repo/.env" >"$work/x" && mv "$work/x" "$repo/.env"
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/d.json" 2>"$work/d.err"
rc=$?
[ $rc = 0 ] || bad "deleting a problem exited $rc: $(rules <"$work/d.json")"
grep -q "stale baseline entry: duplicate-key in .env for LOG_LEVEL no longer occurs" "$work/d.err" ||
	bad "no stale entry for the deleted duplicate key: $(cat "$work/d.err")"
# A stale entry of a rule this run does not check is not reported.
"$bin" check "$repo" -f json --baseline "$work/b.json" --select root-value-shadowed >/dev/null 2>"$work/s.err"
grep -q "duplicate-key" "$work/s.err" && bad "stale entry reported for a rule that was not selected"

# 7. A second copy of a baselined problem is new (entries are counted).
printf 'LOG_LEVEL=warn\nLOG_LEVEL=debug\n' >>"$repo/.env"
"$bin" check "$repo" -f json --baseline "$work/b.json" >"$work/n.json" 2>/dev/null
n=$(rules <"$work/n.json" | tr ' ' '\n' | grep -c '^duplicate-key$')
[ "$n" -ge 1 ] || bad "a new duplicate key was hidden by the baseline"

# 8. A baseline that does not exist is an error (exit 2).
"$bin" check "$repo" --baseline "$work/nope.json" >/dev/null 2>"$work/e.err"
[ $? = 2 ] || bad "a missing baseline should exit 2"

[ $fail = 0 ] && echo "test_baseline: ok"
exit $fail
