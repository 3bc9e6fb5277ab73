// Print what the real Node loaders read from each file given on the command
// line, one JSON object per line: {"file", "node-dotenv": {...}, "node-core": {...}}.
// Each result is {"vars": {...}} or {"error": "message"}. DOTENV_MODULE is the
// path of the npm `dotenv` package; without it only node-core is reported.
'use strict';
const fs = require('fs');
const util = require('util');

let dotenv = null;
if (process.env.DOTENV_MODULE) dotenv = require(process.env.DOTENV_MODULE);

function run(f) {
  try {
    return {vars: {...f()}};
  } catch (e) {
    return {error: String(e && e.message)};
  }
}

for (const file of process.argv.slice(2)) {
  const buf = fs.readFileSync(file);
  const r = {file};
  if (dotenv) r['node-dotenv'] = run(() => dotenv.parse(buf));
  if (typeof util.parseEnv === 'function') r['node-core'] = run(() => util.parseEnv(buf.toString('utf8')));
  process.stdout.write(JSON.stringify(r) + '\n');
}
