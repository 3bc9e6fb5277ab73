#!/usr/bin/env bash
# SARIF output of `envlint check -f sarif` for every fixture, validated:
#   1. against the official SARIF 2.1.0 JSON schema (sarif-2.1.0.json as
#      shipped in Microsoft's @microsoft/sarif-multitool-linux npm package)
#      with ajv (draft 2020-12 + formats);
#   2. by Microsoft's SARIF Multitool `validate` (schema + SARIF rules; any
#      error-level result fails);
#   3. against GitHub code scanning's requirements (non-empty required strings,
#      description and name lengths, at most 10 locations, relative URIs,
#      regions, partialFingerprints.primaryLocationLineHash, category).
# Also: fingerprints survive lines moving, and change when the value changes.
# Tools are installed into <build-dir>/sarif-tools with npm; without a reachable
# registry the test is skipped (exit 77).
# usage: test_sarif.sh <envlint> <source-dir> <build-dir>
set -u
bin=$1
src=$2
build=$3
tools=$(cd "$build" && pwd)/sarif-tools
mt_dir=$tools/node_modules/@microsoft/sarif-multitool-linux
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$mt_dir/sarif-2.1.0.json" ] || [ ! -d "$tools/node_modules/ajv-formats" ]; then
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		echo "SKIP: npm/node not available"
		exit 77
	fi
	mkdir -p "$tools"
	if ! timeout 600 npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
		@microsoft/sarif-multitool-linux@5.7.0 ajv@8 ajv-formats@3 >"$work/npm.log" 2>&1; then
		echo "SKIP: npm registry not reachable:"
		tail -5 "$work/npm.log"
		exit 77
	fi
fi
chmod +x "$mt_dir/Sarif.Multitool" 2>/dev/null
schema=$mt_dir/sarif-2.1.0.json

fail=0
mkdir -p "$work/sarif"
# Every fixture: each folder directly under fixtures/ and one level below.
n=0
while IFS= read -r dir; do
	rel=${dir#"$src"/fixtures/}
	name=$(printf '%s' "$rel" | tr '/' '_')
	"$bin" check "$dir" -f sarif --exit-zero >"$work/sarif/$name.sarif" 2>"$work/$name.err"
	rc=$?
	if [ $rc = 2 ]; then
		# A fixture that is not a scannable repository (e.g. a bad config) is not SARIF's concern.
		rm -f "$work/sarif/$name.sarif"
		continue
	fi
	printf '%s\t%s\n' "$name.sarif" "$dir" >>"$work/index"
	n=$((n + 1))
done < <(find "$src/fixtures" -mindepth 1 -maxdepth 2 -type d | LC_ALL=C sort)
# A run with a category (monorepo upload per service).
"$bin" check "$src/fixtures/example" -f sarif --exit-zero --category services/auth \
	>"$work/sarif/category.sarif"
printf '%s\t%s\n' category.sarif "$src/fixtures/example" >>"$work/index"
echo "checking $((n + 1)) SARIF files"

cat >"$work/check.js" <<'JS'
// Schema validation (ajv, SARIF 2.1.0) and GitHub code scanning requirements.
const fs = require("fs");
const path = require("path");
const [tools, schemaPath, dir, indexPath] = process.argv.slice(2);
const Ajv2020 = require(path.join(tools, "node_modules/ajv/dist/2020")).default;
const addFormats = require(path.join(tools, "node_modules/ajv-formats")).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let failures = 0;
const fail = (file, msg) => { failures++; console.log(`FAIL ${file}: ${msg}`); };
const chars = (s) => [...s].length;
const nonEmpty = (v) => typeof v === "string" && v.length > 0;
const index = fs.readFileSync(indexPath, "utf8").trim().split("\n").map((l) => l.split("\t"));
for (const [file, root] of index) {
  let log;
  try { log = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")); }
  catch (e) { fail(file, "not JSON: " + e.message); continue; }
  if (!validate(log)) {
    for (const e of validate.errors.slice(0, 10)) fail(file, `schema: ${e.instancePath} ${e.message}`);
  }
  if (!nonEmpty(log.$schema)) fail(file, "$schema missing");
  if (log.version !== "2.1.0") fail(file, "version is not 2.1.0");
  if (!Array.isArray(log.runs) || log.runs.length !== 1) { fail(file, "expected one run"); continue; }
  const run = log.runs[0];
  const d = run.tool && run.tool.driver;
  if (!d || !nonEmpty(d.name)) fail(file, "tool.driver.name missing");
  if (!nonEmpty(d.version) || !nonEmpty(d.semanticVersion)) fail(file, "driver version missing");
  if (!Array.isArray(d.rules) || d.rules.length === 0) { fail(file, "driver.rules missing"); continue; }
  const ids = new Map();
  d.rules.forEach((r, i) => {
    const where = `rules[${i}] ${r.id}`;
    if (!nonEmpty(r.id)) fail(file, `${where}: id`);
    if (ids.has(r.id)) fail(file, `${where}: duplicate id`);
    ids.set(r.id, i);
    for (const k of ["shortDescription", "fullDescription"]) {
      if (!r[k] || !nonEmpty(r[k].text)) fail(file, `${where}: ${k}.text empty`);
      else if (chars(r[k].text) > 1024) fail(file, `${where}: ${k}.text longer than 1024`);
    }
    if (!r.help || !nonEmpty(r.help.text)) fail(file, `${where}: help.text empty`);
    if (!r.help || !nonEmpty(r.help.markdown)) fail(file, `${where}: help.markdown empty`);
    if (r.name !== undefined && (!nonEmpty(r.name) || chars(r.name) > 255 || r.name === r.id))
      fail(file, `${where}: name empty, too long or equal to id`);
    const lvl = r.defaultConfiguration && r.defaultConfiguration.level;
    if (!["note", "warning", "error"].includes(lvl)) fail(file, `${where}: defaultConfiguration.level`);
  });
  if (!Array.isArray(run.results)) { fail(file, "results missing"); continue; }
  if (run.results.length > 25000) fail(file, "more than 25000 results");
  const checkLoc = (where, loc, primary) => {
    const pl = loc.physicalLocation;
    if (!pl || !pl.artifactLocation || !nonEmpty(pl.artifactLocation.uri)) { fail(file, `${where}: uri`); return; }
    const uri = pl.artifactLocation.uri;
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith("/") || uri.includes("\\"))
      fail(file, `${where}: uri ${uri} is not relative to the repository root`);
    if (primary && (uri.startsWith("../") || uri.split("/").includes("..")))
      fail(file, `${where}: primary uri ${uri} leaves the repository`);
    const r = pl.region;
    if (!r || !Number.isInteger(r.startLine) || r.startLine < 1) { fail(file, `${where}: region.startLine`); return; }
    if (r.endLine !== undefined && r.endLine < r.startLine) fail(file, `${where}: endLine < startLine`);
    if (r.startColumn !== undefined && r.startColumn < 1) fail(file, `${where}: startColumn`);
    if (r.endColumn !== undefined && (r.endLine === undefined || r.endLine === r.startLine) &&
        r.endColumn <= r.startColumn) fail(file, `${where}: endColumn not after startColumn`);
    return uri;
  };
  const seenFp = new Set();
  run.results.forEach((res, i) => {
    const where = `results[${i}] ${res.ruleId}`;
    if (!nonEmpty(res.ruleId) || !ids.has(res.ruleId)) fail(file, `${where}: ruleId not in driver.rules`);
    if (res.ruleIndex !== undefined && ids.get(res.ruleId) !== res.ruleIndex) fail(file, `${where}: ruleIndex`);
    if (!["note", "warning", "error"].includes(res.level)) fail(file, `${where}: level`);
    if (!res.message || !nonEmpty(res.message.text)) fail(file, `${where}: message.text empty`);
    if (!Array.isArray(res.locations) || res.locations.length < 1 || res.locations.length > 10)
      fail(file, `${where}: locations must hold 1 to 10 entries`);
    else res.locations.forEach((l, j) => checkLoc(`${where} locations[${j}]`, l, true));
    (res.relatedLocations || []).forEach((l, j) => {
      checkLoc(`${where} relatedLocations[${j}]`, l, false);
      if (!l.message || !nonEmpty(l.message.text)) fail(file, `${where} relatedLocations[${j}]: message`);
    });
    if ((res.relatedLocations || []).length > 1000) fail(file, `${where}: more than 1000 related locations`);
    const fp = res.partialFingerprints && res.partialFingerprints.primaryLocationLineHash;
    if (!nonEmpty(fp) || !/^[0-9a-f]{16}:[1-9][0-9]*$/.test(fp)) fail(file, `${where}: primaryLocationLineHash ${fp}`);
    else if (seenFp.has(fp)) fail(file, `${where}: primaryLocationLineHash ${fp} not unique`);
    seenFp.add(fp);
    const uri = res.locations && res.locations[0] && res.locations[0].physicalLocation &&
      res.locations[0].physicalLocation.artifactLocation.uri;
    if (uri && res.ruleId !== "missing-env-file" && !fs.existsSync(path.join(root, decodeURIComponent(uri))))
      fail(file, `${where}: ${uri} does not exist under the scanned root`);
  });
  if (file === "category.sarif") {
    if (!run.automationDetails || run.automationDetails.id !== "services/auth/")
      fail(file, `automationDetails.id is ${JSON.stringify(run.automationDetails)}, want "services/auth/"`);
  } else if (run.automationDetails !== undefined) {
    fail(file, "automationDetails without --category");
  }
}
console.log(failures === 0 ? "schema and GitHub checks: ok" : `${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
JS
node "$work/check.js" "$tools" "$schema" "$work/sarif" "$work/index" || fail=1

# Microsoft's validator: every error-level result (schema JSON1xxx or SARIF rule) fails.
if DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 300 "$mt_dir/Sarif.Multitool" validate \
	"$work/sarif" --rule-kind "Sarif;Gh" -o "$work/validation.sarif" --log ForceOverwrite \
	>"$work/multitool.log" 2>&1; then
	if grep -E ": error [A-Z]+[0-9]+" "$work/multitool.log"; then
		echo "FAIL: SARIF Multitool reported errors"
		fail=1
	else
		echo "SARIF Multitool: no errors ($(grep -c ': warning ' "$work/multitool.log") warnings)"
	fi
else
	echo "FAIL: SARIF Multitool did not run:"
	tail -20 "$work/multitool.log"
	fail=1
fi

# Fingerprints are content-based: moving lines keeps them, changing a value changes them.
fp() { node -e '
const l = JSON.parse(require("fs").readFileSync(0, "utf8"));
for (const r of l.runs[0].results) console.log(r.ruleId, r.partialFingerprints.primaryLocationLineHash);
' | LC_ALL=C sort; }
cp -r "$src/fixtures/example" "$work/moved"
"$bin" check "$work/moved" -f sarif --exit-zero | fp >"$work/fp.before"
{ printf '\n# moved down\n\n'; cat "$work/moved/.env"; } >"$work/moved/.env.new"
mv "$work/moved/.env.new" "$work/moved/.env"
{ printf '# a comment\n\n'; cat "$work/moved/services/auth/.env"; } >"$work/moved/services/auth/.env.new"
mv "$work/moved/services/auth/.env.new" "$work/moved/services/auth/.env"
"$bin" check "$work/moved" -f sarif --exit-zero | fp >"$work/fp.moved"
if [ ! -s "$work/fp.before" ] || ! diff -u "$work/fp.before" "$work/fp.moved"; then
	echo "FAIL: fingerprints changed when lines moved (or no results)"
	fail=1
fi
if ! "$bin" check "$work/moved" -f sarif --exit-zero | grep -q '"startLine": 4,'; then
	echo "FAIL: the moved findings should report their new line numbers"
	fail=1
fi
sed -i 's/aws-0-eu-west-1/aws-0-us-east-1/' "$work/moved/services/auth/.env"
"$bin" check "$work/moved" -f sarif --exit-zero | fp >"$work/fp.changed"
before=$(grep root-value-shadowed "$work/fp.moved")
after=$(grep root-value-shadowed "$work/fp.changed")
if [ -z "$before" ] || [ "$before" = "$after" ]; then
	echo "FAIL: changing the shadowing value should change its fingerprint ($before / $after)"
	fail=1
fi

if [ $fail = 0 ]; then echo "test_sarif: ok"; fi
exit $fail
