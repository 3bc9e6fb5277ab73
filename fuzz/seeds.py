#!/usr/bin/env python3
"""Build the seed corpora of the fuzz harnesses from the repository.

usage: seeds.py SOURCE_DIR OUT_DIR

Writes OUT_DIR/<harness>/<name> files: .env inputs from fixtures/ and every
case of tests/vectors/loader-matrix.json (one copy per dialect byte), rule
packs and their test packs, manifests, sources and schema.prisma files from
fixtures/, .gitignore files, and a few hand-written inputs for the parsers
whose fixtures are scarce (URLs, compose files, expressions). Harnesses whose
byte 0 selects a mode get each seed once per mode that fits.
"""
import hashlib
import json
import os
import sys

DIALECTS = 10  # DOTENV_DIALECT_COUNT
MANIFEST_KINDS = {  # index in fuzz_manifest.c kinds[]
    "package.json": 0, "pyproject.toml": 1, "requirements.txt": 2, "Pipfile": 3,
    "go.mod": 4, "Cargo.toml": 5, "Gemfile": 6, "composer.json": 7, "pom.xml": 8,
    "build.gradle": 9, "build.gradle.kts": 9, "Dockerfile": 10, "Procfile": 11,
    "pnpm-workspace.yaml": 12,
}
LANGS = {  # index in fuzz_source.c langs[]
    ".js": 0, ".mjs": 0, ".cjs": 0, ".ts": 0, ".tsx": 0, ".jsx": 0, ".py": 1, ".go": 2,
    ".rb": 3, ".sh": 4, ".prisma": 5, ".yml": 6, ".yaml": 6, ".java": 7, ".kt": 7,
    ".rs": 8, ".php": 9,
}
SKIP_DIRS = {".git", "node_modules"}

URLS = [
    "postgresql://user:pa%40ss@db.example.com:5432/app?sslmode=require&application_name=x",
    "postgresql+asyncpg://u:p@[::1]:6543/db?prepared_statement_cache_size=0",
    "jdbc:postgresql://host1:5432,host2:5433/db?user=u&password=p",
    "postgres://${DB_USER}:${DB_PASS}@${DB_HOST:-localhost}:$PORT/db",
    "postgresql:///db?host=/var/run/postgresql",
    "host=localhost port=5432 dbname='my db' user=u password='it\\'s'",
    "mysql://root@127.0.0.1/test",
    "mongodb+srv://u:p@cluster0.example.net/db?retryWrites=true",
    "rediss://:secret@cache:6380/0",
    "postgresql://u:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true",
    "prisma://accelerate.prisma-data.net/?api_key=xyz",
    "file:./dev.db",
]
COMPOSE = [
    """services:
  api:
    build: ./services/api
    env_file:
      - .env
      - path: ./override.env
        required: false
    environment:
      DATABASE_URL: postgres://u:${PG_PASS:?set it}@db:5432/app
      DEBUG:
    deploy:
      replicas: ${REPLICAS:-2}
  db:
    image: postgres:16
    environment:
      - POSTGRES_PASSWORD=secret
      - PGDATA
""",
    """x-env: &env
  env_file: [.env.shared]
  environment: {A: "1", B: $${LITERAL}}
services:
  web:
    <<: *env
    working_dir: /app
    command: ["node", "--env-file=.env", "server.js"]
    scale: 3
  worker:
    extends:
      service: web
      file: base.yml
include:
  - path: [a.yml, b.yml]
    project_directory: ./sub
    env_file: sub.env
""",
]
INTERP = ["${A:-${B:-c}}", "$$HOME", "${X:?missing}", "${SET:+alt}", "$SET/${EMPTY-x}",
          "${}", "${A", "$", "${A:-}${B-}", "pre${SET}post$SET"]
EXPRS = [
    (0, "{ path: path.resolve(__dirname, '../.env'), override: true }"),
    (0, "{ path: ['.env.local', '.env'] }"),
    (0, "`.env.${process.env.NODE_ENV}`"),
    (0, "new URL('.env', import.meta.url)"),
    (0, "path.join(process.cwd(), 'config', '.env')"),
    (1, "os.path.join(os.path.dirname(__file__), '.env'), override=True"),
    (1, "Path(__file__).resolve().parent / '.env'"),
    (1, "find_dotenv(usecwd=True)"),
    (1, "BASE_DIR / '.env', interpolate=False"),
    (1, "f'.env.{env}', verbose=1"),
]
IGNORES = [
    b".env\n.env.*\n!.env.example\n\0.env\n.env.local\n.env.example\nsrc/.env\n",
    b"/build/\n**/secrets/**\n*.env\n\\#x\n[a-c]?.txt\n\0build\nbuild/x\na/secrets/b/c\nb1.txt\n",
    b"**/\n!**/.env\nfoo/**/bar\n[!a-z]\n[[:alpha:]]*\n\0foo/x/y/bar\nq\nabc\n",
]


def git_index(version, paths, hash_len=20):
    """A git index (gitformat-index.txt) listing paths, as git writes it."""
    import struct
    out = b"DIRC" + struct.pack(">II", version, len(paths))
    prev = b""
    for i, p in enumerate(sorted(paths)):
        p = p.encode()
        flags = min(len(p), 0xFFF) | (0x4000 if version == 3 and i == 0 else 0)
        e = bytes(40) + bytes(hash_len) + struct.pack(">H", flags)
        if flags & 0x4000:
            e += struct.pack(">H", 0x2000)  # intent-to-add
        if version == 4:
            common = os.path.commonprefix([prev, p])
            strip, var = len(prev) - len(common), bytearray()
            var.append(strip & 127)
            strip >>= 7
            while strip:
                strip -= 1
                var.insert(0, 128 | (strip & 127))
                strip >>= 7
            e += bytes(var) + p[len(common):] + b"\0"
        else:
            e += p + b"\0" * (8 - (len(e) + len(p)) % 8)
        out += e
        prev = p
    return out + bytes(hash_len)  # stands in for the trailing checksum


def write(out, harness, data, counter):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    d = os.path.join(out, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    counter[harness] = counter.get(harness, 0) + 1


def walk(src, top):
    for root, dirs, files in os.walk(os.path.join(src, top)):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for f in sorted(files):
            yield os.path.join(root, f), f


def read(path, limit=65536):
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return None


def main():
    src, out = sys.argv[1], sys.argv[2]
    n = {}
    envs = []
    for path, name in walk(src, "fixtures"):
        data = read(path)
        if data is None:
            continue
        if name.startswith(".env") or name.endswith(".env"):
            envs.append(data)
        elif name == ".gitignore":
            write(out, "ignore", data + b"\0.env\n.env.local\nsrc/a.env\nnode_modules/x\n", n)
        elif name in MANIFEST_KINDS or name.startswith("requirements") or name.startswith("Dockerfile"):
            kind = MANIFEST_KINDS.get(name, 2 if name.startswith("requirements") else 10)
            write(out, "manifest", bytes([kind]) + data, n)
        elif name == ".envlint.yml":
            write(out, "config", data, n)
            write(out, "yaml", b"\0" + data, n)
        if name.endswith(".prisma"):
            write(out, "prisma", data, n)
        ext = os.path.splitext(name)[1]
        if ext in LANGS:
            write(out, "source", bytes([LANGS[ext]]) + data, n)
        if name.startswith("compose") or name.startswith("docker-compose"):
            write(out, "compose", data, n)
    vectors = os.path.join(src, "tests", "vectors", "loader-matrix.json")
    if os.path.exists(vectors):
        with open(vectors, encoding="utf-8") as f:
            for case in json.load(f).get("cases", []):
                if isinstance(case.get("input"), str):
                    envs.append(case["input"].encode("utf-8", "surrogateescape"))
    for data in envs:
        for d in range(DIALECTS):
            write(out, "dotenv", bytes([d]) + data, n)
        for line in data.splitlines():
            if b"://" in line or b"host=" in line:
                write(out, "url", line.split(b"=", 1)[-1].strip(b"'\" "), n)
    for packdir in ("rules", os.path.join("tests", "packs")):
        for path, name in walk(src, packdir):
            if name.endswith(".yml") or name.endswith(".yaml"):
                data = read(path)
                if data is not None:
                    write(out, "pack", data, n)
                    write(out, "yaml", b"\0" + data, n)
    for u in URLS:
        write(out, "url", u, n)
    for c in COMPOSE:
        write(out, "compose", c, n)
        write(out, "yaml", b"\1" + c.encode(), n)
    for s in INTERP:
        write(out, "interp", s, n)
    for lang, e in EXPRS:
        write(out, "expr", bytes([lang | 2 | 4]) + e.encode(), n)
        write(out, "expr", bytes([lang | 4]) + e.split(",")[0].encode(), n)
    for i in IGNORES:
        write(out, "ignore", i, n)
    tracked = [".env", ".gitignore", "apps/web/.env", "apps/web/package.json", "a", "ab/c"]
    for version in (2, 3, 4):
        write(out, "gitindex", b"\0" + git_index(version, tracked), n)
        write(out, "gitindex", b"\1" + git_index(version, tracked, 32), n)
    write(out, "config", "env: production\nrules: [packs]\nexclude: [vendor/**]\n"
          "severity: {shadowed-key: error}\nservices:\n  - path: services/api\n"
          "    loader: python-dotenv\n    env_files: [.env.local, .env]\n    override: true\n"
          "    replicas: 2\n", n)
    print(" ".join("%s:%d" % kv for kv in sorted(n.items())))


if __name__ == "__main__":
    main()
