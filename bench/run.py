#!/usr/bin/env python3
"""Benchmark envlint against ripgrep and git on generated monorepos.

  bench/run.py [--envlint PATH] [--sizes typical,large] [--runs N]

Generates the trees with bench/gen.py under bench/out/ (once; reused while
the generator and seed are unchanged), warms the page cache, then runs, in
alternation so that drift hits every command alike:

  envlint check -q --exit-zero TREE
  rg --hidden -g '!.git' -l 'DATABASE_URL|dotenv|pool_size|connection_limit'
  git ls-files -co --exclude-standard

and prints, per tree, each command's median wall time, envlint's ratio to the
rg search, and envlint's peak resident memory (from wait4's rusage).
A benchmark, not a test: it never fails on a number.
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
PATTERN = "DATABASE_URL|dotenv|pool_size|connection_limit"


def tree(size, seed):
    gen = os.path.join(HERE, "gen.py")
    digest = hashlib.sha256(open(gen, "rb").read()).hexdigest()[:12]
    out = os.path.join(HERE, "out", "%s-%d-%s" % (size, seed, digest))
    if not os.path.isdir(out):
        subprocess.run([sys.executable, gen, "--size", size, "--seed", str(seed), "--out", out, "--git"],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def run_once(cmd, cwd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, _ = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit("%s exited %d in %s" % (" ".join(cmd), code, cwd))
    return elapsed


def peak_rss(cmd, cwd):
    """Peak resident memory in KiB, measured by GNU time (wait4's figure for a
    child forked from Python includes the interpreter's pages before exec)."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    try:
        return int(r.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return 0


def count_files(root):
    n = 0
    for _, dirs, files in os.walk(root):
        if ".git" in dirs:
            dirs.remove(".git")
        n += len(files)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--envlint", default=os.path.join(SRC, "build", "release", "envlint"))
    ap.add_argument("--sizes", default="typical,large")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not os.access(a.envlint, os.X_OK):
        raise SystemExit("build envlint first: cmake --preset release && cmake --build --preset release")
    commands = {
        "envlint check": [a.envlint, "check", "-q", "--exit-zero", "."],
        "rg -l": ["rg", "--hidden", "-g", "!.git", "-l", PATTERN],
        "git ls-files": ["git", "ls-files", "-co", "--exclude-standard"],
    }
    print("%-8s %8s %8s  %-14s %9s %9s %9s  %s" % ("tree", "files", "visible", "command", "median", "min",
                                                  "max", "peak RSS"))
    for size in a.sizes.split(","):
        root = tree(size, a.seed)
        visible = len(subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=root,
                                     capture_output=True, check=True).stdout.splitlines())
        total = count_files(root)
        times = {name: [] for name in commands}
        rss = {name: 0 for name in commands}
        for name, cmd in commands.items():  # warm the page cache
            run_once(cmd, root)
            if os.access("/usr/bin/time", os.X_OK):
                rss[name] = peak_rss(cmd, root)
        for _ in range(a.runs):
            for name, cmd in commands.items():
                times[name].append(run_once(cmd, root))
        for name in commands:
            ts = times[name]
            print("%-8s %8d %8d  %-14s %7.1fms %7.1fms %7.1fms  %6.1f MB"
                  % (size, total, visible, name, 1000 * statistics.median(ts), 1000 * min(ts),
                     1000 * max(ts), rss[name] / 1024))
        ratio = statistics.median(times["envlint check"]) / statistics.median(times["rg -l"])
        print("%-8s envlint / rg -l = %.2f   envlint / git ls-files = %.2f" % (
            size, ratio, statistics.median(times["envlint check"]) / statistics.median(times["git ls-files"])))


if __name__ == "__main__":
    main()
