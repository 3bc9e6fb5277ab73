#!/usr/bin/env python3
"""Differential test of envlint's walker against git.

Builds many random trees (fixed seed) with random nested .gitignore files and
.git/info/exclude rules (negation, anchors, '**', directory-only patterns,
escapes, character classes, trailing spaces, CRLF, comments), asks git which
files are untracked and not ignored (git ls-files -z -o --exclude-standard),
and compares that with the walker's view printed by the dump driver
(check_walk with ENVLINT_WALKDUMP=<root>): every file the walker reports as
not ignored must be exactly the set git lists, and every env file it reports
as ignored must be one git ignores.

usage: walkgen.py DUMP_PROGRAM WORK_DIR [--seed N] [--trees N] [--keep]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

DIR_NAMES = ["a", "b", "src", "build", "node_modules", "lib", "x y", "deep", "a.d",
             "ab", "c[1]", "logs", "#h", "!b", "sp "]
FILE_NAMES = ["a", "b", "ab", "a.log", "b.log", "x.txt", "b.txt", "main.c", "util.h",
              ".env", ".env.local", ".env.example", "prod.env", ".envrc", "keep.log",
              "x y.txt", "#h", "!b", "st*r", "q?", "br[a]", "sp ", "back\\slash",
              "f1", "f2", "f9", "Ab", "README.md", "caf\udce9", "nl\nx", "a.d"]

GLOBS = ["*.log", "*.txt", "a*", "?b", "[ab]*", "[!a]*", "[a-c].txt", "*[0-9]", "*",
         "*.env", ".env*", "*.[ch]", "[[:digit:]]*", "f[!1]", "?", "*b", "b*g",
         "[[:upper:]]*", "*.d", "x*"]
ESCAPED = ["\\#h", "\\!b", "sp\\ ", "st\\*r", "q\\?", "br\\[a]", "back\\\\slash", "\\a",
           "x\\ y.txt", "*\\ ", "[\\]]"]


NAME_SOUP = "ab-]![^\\ :"
CLASSES = ["[^a]", "[!a-]", "[a-]", "[]a]", "[!]]", "[\\]a]", "[a-c-e]", "[[:alpha:]]",
           "[[:digit:]-]", "[-a]", "[^]]", "[]-a]", "[!^]", "[\\-]", "[a\\-c]", "[[:foo:]]",
           "[[:alpha:]", "[[]", "[!]", "[b-a]", "[1-3]"]
CLASS_CHARS = "ab-]^!ce1[\\:"
PATTERN_SOUP = NAME_SOUP + "*?[["


def soup(rng, alphabet, n):
    """Random text from glob metacharacters, to stress bracket and escape parsing."""
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, n)))


def near_name(rng, pat):
    """A name that the soup pattern (last component) may or may not match."""
    out = []
    pat = pat.rstrip("/").split("/")[-1].lstrip("!")
    i = 0
    while i < len(pat):
        ch = pat[i]
        if ch == "*":
            out.append(soup(rng, NAME_SOUP, 2) if rng.random() < 0.7 else "")
        elif ch == "?":
            out.append(rng.choice(NAME_SOUP))
        elif ch == "[":
            # skip the class (']' right after '[' or '[!' is a member) and pick a character
            j = i + 1
            if j < len(pat) and pat[j] in "!^":
                j += 1
            if j < len(pat) and pat[j] == "]":
                j += 1
            while j < len(pat) and pat[j] != "]":
                j += 1
            out.append(rng.choice(CLASS_CHARS))
            i = j
        elif ch == "\\" and i + 1 < len(pat):
            i += 1
            out.append(pat[i])
        else:
            out.append(ch)
        i += 1
    name = "".join(out)
    return name if name not in ("", ".", "..", ".git", ".gitignore") else None


def pick_name(rng, tree):
    if tree and rng.random() < 0.7:
        path = rng.choice(tree)
        return rng.choice(path.split("/"))
    return rng.choice(DIR_NAMES + FILE_NAMES)


def escape_literal(name):
    out = []
    for i, ch in enumerate(name):
        if ch in "*?[\\":
            out.append("\\" + ch)
        elif ch in "#!" and i == 0:
            out.append("\\" + ch)
        else:
            out.append(ch)
    s = "".join(out)
    if s.endswith(" "):
        s = s[:-1] + "\\ "
    return s


def make_pattern(rng, tree, here):
    """One random gitignore line for a .gitignore in folder 'here'."""
    below = [p[len(here) + 1:] if here else p for p in tree
             if not here or p.startswith(here + "/")]
    kind = rng.random()
    if kind < 0.02:
        pat = rng.choice(["*", "**"])
    elif kind < 0.17:
        pat = soup(rng, NAME_SOUP, 2) * (rng.random() < 0.5) + rng.choice(CLASSES) + \
            soup(rng, NAME_SOUP, 2) * (rng.random() < 0.5)
    elif kind < 0.27:
        pat = soup(rng, PATTERN_SOUP, 7)
        if rng.random() < 0.2:
            pat = soup(rng, PATTERN_SOUP, 3) + "/" + pat
    elif kind < 0.25:
        pat = escape_literal(pick_name(rng, below))
    elif kind < 0.45:
        pat = rng.choice(GLOBS)
    elif kind < 0.55:
        pat = rng.choice(ESCAPED)
    elif kind < 0.80 and below:
        # an anchored path taken from the tree, maybe with wildcards swapped in
        parts = rng.choice(below).split("/")
        parts = parts[:rng.randint(1, len(parts))]
        parts = [escape_literal(p) for p in parts]
        for i in range(len(parts)):
            r = rng.random()
            if r < 0.15:
                parts[i] = "*"
            elif r < 0.25:
                parts[i] = "**"
            elif r < 0.30:
                parts[i] = parts[i][:1] + "*"
            elif r < 0.33 and len(parts[i]) > 1 and parts[i][0] not in "\\[":
                parts[i] = "?" + parts[i][1:]
        pat = "/".join(parts)
        r = rng.random()
        if r < 0.3:
            pat = "/" + pat
        elif r < 0.45:
            pat = "**/" + pat
    else:
        pat = rng.choice(["**/" + rng.choice(GLOBS), rng.choice(DIR_NAMES) + "/**",
                          "a/**/b", "**/a.log", "*/b", "/*", "/*/", "**/", "a/**/*.txt",
                          "src/**/", "deep/**/x.txt", "**/deep/**"])
    if rng.random() < 0.2:
        pat += "/"
    if rng.random() < 0.4:
        pat = "!" + pat
    r = rng.random()
    if r < 0.05:
        pat += "   "
    elif r < 0.08:
        pat = "# " + pat
    elif r < 0.10:
        pat = ""
    return pat


def make_tree(rng):
    files = []
    dirs = [""]
    for _ in range(rng.randint(3, 30)):
        parent = rng.choice(dirs)
        if parent.count("/") >= 4:
            continue
        d = (parent + "/" if parent else "") + rng.choice(DIR_NAMES)
        if d not in dirs:
            dirs.append(d)
    for _ in range(rng.randint(10, 300)):
        d = rng.choice(dirs)
        name = rng.choice(FILE_NAMES) if rng.random() < 0.85 else soup(rng, NAME_SOUP, 3)
        if name in (".", "..", ".git"):
            continue
        f = (d + "/" if d else "") + name
        if f not in files and f not in dirs:
            files.append(f)
    return dirs, files


def write_tree(rng, root, dirs, files):
    os.makedirs(root)
    for d in dirs:
        if d:
            os.makedirs(os.path.join(root, d), exist_ok=True)
    for f in files:
        # a file may clash with a folder of the same name: skip it
        p = os.path.join(root, f)
        if os.path.isdir(p):
            continue
        with open(p, "w", encoding="utf-8", errors="surrogateescape") as fp:
            fp.write("K=V\n")
    tree = [f for f in files if os.path.isfile(os.path.join(root, f))]
    ignores = [""] + [d for d in dirs if d and rng.random() < 0.4]
    for here in ignores:
        lines = [make_pattern(rng, tree, here) for _ in range(rng.randint(1, 7))]
        for line in lines:
            # files named almost like the pattern, below its folder
            if not any(c in line for c in "[]\\^-:?*"):
                continue
            for _ in range(6):
                name = near_name(rng, line)
                below = [d for d in dirs if d == here or d.startswith(here + "/") or not here]
                if name is None or not below:
                    continue
                p = os.path.join(root, rng.choice(below), name)
                if not os.path.exists(p):
                    with open(p, "w", encoding="utf-8", errors="surrogateescape") as fp:
                        fp.write("K=V\n")
        eol = "\r\n" if rng.random() < 0.1 else "\n"
        text = eol.join(lines) + (eol if rng.random() < 0.9 else "")
        path = os.path.join(root, here, ".gitignore")
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as fp:
            fp.write(text)
    return ignores


def run_git(root, *args):
    return subprocess.run(["git", "-C", root] + list(args), check=True,
                          stdout=subprocess.PIPE).stdout


def split_z(data):
    return [p for p in data.split(b"\0") if p]


def all_files(root):
    out = []
    for d, subdirs, names in os.walk(root.encode()):
        if b".git" in subdirs and d == root.encode():
            subdirs.remove(b".git")
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), root.encode()))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("work")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--trees", type=int, default=200)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    npaths = 0
    nignored = 0
    ndiff = 0
    for t in range(args.trees):
        root = os.path.join(args.work, "t%03d" % t)
        dirs, files = make_tree(rng)
        write_tree(rng, root, dirs, files)
        subprocess.run(["git", "init", "-q", root], check=True)
        if rng.random() < 0.3:
            lines = [make_pattern(rng, files, "") for _ in range(rng.randint(1, 4))]
            with open(os.path.join(root, ".git", "info", "exclude"), "a",
                      encoding="utf-8", errors="surrogateescape") as fp:
                fp.write("\n".join(lines) + "\n")
        git_kept = set(split_z(run_git(root, "ls-files", "-z", "-o", "--exclude-standard")))
        env = dict(os.environ, ENVLINT_WALKDUMP=root)
        dump = subprocess.run([args.dump], env=env, check=True, stdout=subprocess.PIPE).stdout
        walk_kept, walk_ignored = set(), set()
        for rec in split_z(dump):
            flags, _, path = rec.partition(b" ")
            (walk_ignored if b"I" in flags else walk_kept).add(path)
        everything = all_files(root)
        npaths += len(everything)
        nignored += len(everything) - len(git_kept)
        diffs = []
        for p in sorted(git_kept - walk_kept):
            diffs.append("git keeps, walker does not: %r" % p)
        for p in sorted(walk_kept - git_kept):
            diffs.append("walker keeps, git ignores: %r" % p)
        for p in sorted(walk_ignored & git_kept):
            diffs.append("walker marks ignored, git keeps: %r" % p)
        if diffs:
            ndiff += len(diffs)
            print("tree %s:" % root)
            for d in diffs:
                print("  " + d)
            for here, _, names in os.walk(root):
                if ".gitignore" in names:
                    with open(os.path.join(here, ".gitignore"), "rb") as fp:
                        print("  %s/.gitignore: %r" % (os.path.relpath(here, root), fp.read()))
        elif not args.keep:
            shutil.rmtree(root)
    print("walk vs git: %d trees, %d paths (%d ignored by git), %d differences"
          % (args.trees, npaths, nignored, ndiff))
    return 1 if ndiff else 0


if __name__ == "__main__":
    sys.exit(main())
