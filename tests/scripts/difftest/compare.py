#!/usr/bin/env python3
"""Compare the real loaders' results with `envlint parse`.

usage: compare.py ENVLINT REAL.jsonl... -- DIALECT...

For every file of the JSON lines and every dialect present there, runs
`ENVLINT parse FILE --dialect D --format json --no-redact` and compares the
variables (last duplicate wins, as in node dotenv.parse, util.parseEnv and
python-dotenv dotenv_values). Prints each disagreement, then the summary line
`differential: D n/N agree, ...`; exits 1 if any file disagrees.
"""
import json
import subprocess
import sys


def envlint_vars(envlint, path, dialect):
    out = subprocess.run([envlint, "parse", path, "--dialect", dialect, "--format", "json",
                          "--no-redact"], capture_output=True, check=False)
    if out.returncode != 0:
        return {"error": "envlint exit %d: %s" % (out.returncode,
                                                  out.stderr.decode("utf-8", "replace").strip())}
    doc = json.loads(out.stdout.decode("utf-8"))
    got = {}
    for e in doc["entries"]:
        got[e["key"]] = e["value"]
    if doc["failed"]:
        return {"error": "failed", "vars_before_error": got}
    return {"vars": got}


def main():
    args = sys.argv[1:]
    envlint = args[0]
    sep = args.index("--")
    reals, dialects = args[1:sep], args[sep + 1:]
    stats = {d: [0, 0] for d in dialects}
    shown = 0
    for real in reals:
        with open(real, encoding="utf-8") as fp:
            for line in fp:
                r = json.loads(line)
                for d in dialects:
                    if d not in r:
                        continue
                    want = r[d]
                    got = envlint_vars(envlint, r["file"], d)
                    if "error" in want:
                        ok = "error" in got
                    else:
                        ok = got.get("vars") == want["vars"] and "error" not in got
                    stats[d][1] += 1
                    if ok:
                        stats[d][0] += 1
                    elif shown < 20:
                        shown += 1
                        with open(r["file"], "rb") as f:
                            text = f.read()
                        print("DIFF %s %s\n  input: %r\n  real:    %s\n  envlint: %s"
                              % (d, r["file"], text, json.dumps(want, ensure_ascii=False),
                                 json.dumps(got, ensure_ascii=False)))
    parts = ["%s %d/%d agree" % (d, s[0], s[1]) for d, s in stats.items() if s[1]]
    print("differential: " + (", ".join(parts) if parts else "nothing compared"))
    return 0 if all(s[0] == s[1] for s in stats.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
