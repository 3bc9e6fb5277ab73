#!/usr/bin/env python3
"""Write N random .env files built from tricky tokens (fixed seed).

usage: gen_env.py OUTDIR N SEED [--no-cmd]

The grammar mixes what real loaders disagree on: quotes of all kinds,
inline '#', backslash escapes, `export`, spaces and tabs, multi-line quoted
values, CRLF / CR-only line ends, duplicate keys, a BOM, lines without '=',
and ${} / $VAR references. --no-cmd never emits `$(`, so that no loader
(dotenv-expand 1000 runs `$(cmd)`) executes anything.
"""
import os
import random
import sys

KEYS = ["A", "B", "C", "A_B", "B_C", "a.b", "A-B", "1A", "export", "KÉY", "'A'", "A B",
        "SHELL_VAR", "nullable", "X"]
SEPS = ["=", "=", "=", " = ", "  =", "= ", ": ", ":", "=\t"]
ATOMS = ["foo", "bar", "x", " ", "  ", "\t", "#", " #c", "#c", "'", '"', "`", "\\", "\\n",
         "\\t", '\\"', "\\'", "\\\\", "$", "$$", "${B}", "$B", "${A}", "${B:-d}", "${B-d}",
         "${B:+a}", "${B+a}", "${X:?m}", "\\${B}", "$B_C", "${SHELL_VAR}", "=", ":", "é",
         "\u00a0", "{", "}", "null", "${nullable}"]
ENDS = ["\n", "\n", "\n", "\n", "\r\n", "\r"]


def value(rng, nl):
    kind = rng.random()
    body = "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 4)))
    if kind < 0.45:
        return body
    q = rng.choice(["'", '"', "`"])
    if rng.random() < 0.2:
        body += nl + "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, 3)))
    tail = rng.choice(["", "", "", " ", " # c", "#c", " tail", q])
    close = q if rng.random() < 0.9 else ""
    return q + body + close + tail


def line(rng, nl):
    r = rng.random()
    if r < 0.06:
        return ""
    if r < 0.12:
        return rng.choice(["# comment", "   # A=1", "#", "  "])
    if r < 0.17:
        return rng.choice(["A", "export A", "!!!", "A:1", "KEY WITHOUT", "=x"])
    lead = rng.choice(["", "", "", " ", "\t", "export ", "export  "])
    return lead + rng.choice(KEYS) + rng.choice(SEPS) + value(rng, nl)


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    no_cmd = "--no-cmd" in sys.argv[4:]
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        nl = rng.choice(ENDS)
        text = "".join(line(rng, nl) + nl for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.15:
            text = text.rstrip("\r\n")
        if rng.random() < 0.05:
            text = "\ufeff" + text
        if no_cmd:
            text = text.replace("$(", "$ (")
        with open(os.path.join(out, "case%04d.env" % i), "wb") as fp:
            fp.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
