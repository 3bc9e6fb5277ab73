#!/usr/bin/env python3
"""Deterministic monorepo generator for envlint's benchmark.

  bench/gen.py --size typical|large --out DIR [--seed N]

typical: 30 services, about 2,500 files. large: 2,000 services, about 200,000
files of which about 25,000 are not ignored. medium (200 services, few
dependencies) is for tests of what only large scans do. Each service is a Node
(dotenv, Next.js, NestJS, node --env-file), Python (python-dotenv,
pydantic-settings) or Go service with its manifest, env files that sometimes
shadow the root DATABASE_URL, database code declaring pools, tests, and
ignored build output and installed dependencies (node_modules, dist,
.next, __pycache__, .venv) that a good walker never enters. The same seed
gives a byte-identical tree. Standard library only.
"""
import argparse
import os
import random
import shutil
import subprocess

SIZES = {
    # services, source files per service, files per node_modules, ignored output files
    "typical": (30, 10, 60, 10),
    "medium": (200, 10, 2, 2),  # tests: enough service files for the read-ahead threads to scan
    "large": (2000, 10, 125, 12),
}

WORDS = ("account audit billing cart catalog checkout event feed geo identity "
         "inventory invoice ledger mail media notify order payment pricing "
         "profile queue rating report search session shipping stock tenant "
         "upload user webhook").split()
REGIONS = ("us-east-1", "eu-west-2", "ap-south-1", "sa-east-1")


class Tree:
    def __init__(self, root):
        self.root = root
        self.count = 0

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        self.count += 1


def pooler_url(r, ref, port, extra=""):
    return ("postgresql://postgres.%s:%s@aws-%d-%s.pooler.supabase.com:%d/postgres%s"
            % (ref, "".join(r.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(20)),
               r.randrange(3), r.choice(REGIONS), port, extra))


def filler_js(r, name):
    fns = []
    for i in range(r.randrange(3, 9)):
        fns.append("export function %s%d(items) {\n  return items.filter((x) => x.%s > %d)"
                   ".map((x) => ({ ...x, seen: true }));\n}\n"
                   % (name, i, r.choice(WORDS), r.randrange(100)))
    return "// %s helpers\n\n%s" % (name, "\n".join(fns))


def filler_py(r, name):
    fns = []
    for i in range(r.randrange(3, 9)):
        fns.append("def %s_%d(items, limit=%d):\n    return [x for x in items if x.get(%r, 0) < limit]\n"
                   % (name, i, r.randrange(100), r.choice(WORDS)))
    return '"""%s helpers."""\n\n\n%s' % (name, "\n\n".join(fns))


def filler_go(r, pkg, name):
    return ("package %s\n\n// %s filters values above a threshold.\nfunc %s(xs []int) []int {\n"
            "\tout := xs[:0]\n\tfor _, x := range xs {\n\t\tif x > %d {\n\t\t\tout = append(out, x)\n"
            "\t\t}\n\t}\n\treturn out\n}\n" % (pkg, name.capitalize(), name.capitalize(), r.randrange(100)))


def node_service(t, r, rel, name, ref, nsrc, nmods, nout):
    kind = r.choice(("dotenv", "dotenv", "next", "nest", "envfile"))
    deps = {"pg": "^8.11.0"}
    scripts = {"start": "node dist/index.js", "dev": "tsx watch src/index.ts"}
    if kind == "dotenv":
        deps["dotenv"] = "^16.4.0"
        override = r.random() < 0.5
        t.write(rel + "/src/config.ts",
                "import path from 'path';\nimport dotenv from 'dotenv';\n\n"
                "dotenv.config({ path: path.resolve(__dirname, '../../../.env') });\n"
                "dotenv.config({ path: path.resolve(__dirname, '../.env')%s });\n\n"
                "export const port = Number(process.env.PORT ?? 3000);\n"
                % (", override: true" if override else ""))
    elif kind == "next":
        deps.update({"next": "^15.0.0", "react": "^19.0.0"})
        scripts = {"dev": "next dev", "build": "next build", "start": "next start"}
    elif kind == "nest":
        deps.update({"@nestjs/core": "^10.0.0", "@nestjs/config": "^3.2.0"})
        t.write(rel + "/src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';\n\n"
                "@Module({\n  imports: [ConfigModule.forRoot({ envFilePath: ['.env.local', '.env'] })],\n})\n"
                "export class AppModule {}\n")
    else:
        scripts["start"] = "node --env-file=.env --env-file-if-exists=../../.env dist/index.js"
    t.write(rel + "/package.json",
            '{\n  "name": "@bench/%s",\n  "private": true,\n  "scripts": {\n%s\n  },\n'
            '  "dependencies": {\n%s\n  }\n}\n'
            % (name, ",\n".join('    "%s": "%s"' % kv for kv in sorted(scripts.items())),
               ",\n".join('    "%s": "%s"' % kv for kv in sorted(deps.items()))))
    t.write(rel + "/src/db.ts",
            "import { Pool } from 'pg';\n\nexport const pool = new Pool({\n"
            "  connectionString: process.env.DATABASE_URL,\n  max: Number(process.env.DB_POOL_MAX ?? %d),\n});\n"
            % r.randrange(2, 20))
    for i in range(nsrc):
        t.write("%s/src/%s/%s.ts" % (rel, r.choice(WORDS), "%s_%d" % (name, i)), filler_js(r, name))
    t.write(rel + "/test/%s.test.ts" % name,
            "import { expect, test } from 'vitest';\n\ntest('%s', () => expect(1).toBe(1));\n" % name)
    for i in range(nmods):
        pkg = r.choice(("pg", "dotenv", "lodash", "express", "zod", "debug", "tslib"))
        t.write("%s/node_modules/%s/lib/f%d.js" % (rel, pkg, i),
                "module.exports = function f%d(x) { return process.env.NODE_ENV === 'x' ? x : %d; };\n"
                % (i, i))
    out = ".next" if kind == "next" else "dist"
    for i in range(nout):
        t.write("%s/%s/chunk%d.js" % (rel, out, i),
                "\"use strict\";var a=process.env.DATABASE_URL;module.exports=%d;\n" % i)


def python_service(t, r, rel, name, ref, nsrc, nout):
    kind = r.choice(("dotenv", "pydantic"))
    deps = ["fastapi>=0.110", "sqlalchemy[asyncio]>=2.0", "asyncpg>=0.29"]
    if kind == "dotenv":
        deps.append("python-dotenv>=1.0")
        t.write(rel + "/app/config.py",
                "from pathlib import Path\n\nfrom dotenv import load_dotenv\n\n"
                "load_dotenv(Path(__file__).resolve().parent.parent / '.env'%s)\n"
                % (", override=True" if r.random() < 0.5 else ""))
    else:
        deps.append("pydantic-settings>=2.2")
        t.write(rel + "/app/config.py",
                "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
                "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file=('.env', '.env.local'))\n\n"
                "    database_url: str\n    pool_size: int = %d\n\n\nsettings = Settings()\n" % r.randrange(2, 12))
    t.write(rel + "/pyproject.toml",
            '[project]\nname = "%s"\nversion = "0.1.0"\ndependencies = [\n%s\n]\n'
            % (name, "\n".join('  "%s",' % d for d in deps)))
    t.write(rel + "/app/database.py",
            "import os\n\nfrom sqlalchemy.ext.asyncio import create_async_engine\n\n"
            "engine = create_async_engine(\n    os.environ['DATABASE_URL'],\n    pool_size=%d,\n    max_overflow=%d,\n)\n"
            % (r.randrange(2, 12), r.randrange(0, 10)))
    t.write(rel + "/Dockerfile",
            'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uvicorn", "app.main:app", "--workers", "%d"]\n'
            % r.randrange(1, 5))
    for i in range(nsrc):
        t.write("%s/app/%s_%d.py" % (rel, r.choice(WORDS), i), filler_py(r, name))
    t.write(rel + "/tests/test_%s.py" % name, "def test_%s():\n    assert True\n" % name)
    for i in range(nout):
        t.write("%s/app/__pycache__/m%d.cpython-312.pyc" % (rel, i), "\x00bytecode %d\n" % i)
        t.write("%s/.venv/lib/python3.12/site-packages/pkg%d/__init__.py" % (rel, i),
                "import os\nURL = os.getenv('DATABASE_URL')\n")


def go_service(t, r, rel, name, ref, nsrc):
    t.write(rel + "/go.mod", "module example.com/%s\n\ngo 1.22\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.6.0\n"
            "\tgithub.com/joho/godotenv v1.5.1\n)\n" % name)
    t.write(rel + "/main.go",
            "package main\n\nimport (\n\t\"os\"\n\n\t\"github.com/joho/godotenv\"\n)\n\n"
            "func main() {\n\t_ = godotenv.Load()\n\t_ = os.Getenv(\"DATABASE_URL\")\n}\n")
    for i in range(nsrc):
        t.write("%s/internal/%s/f%d.go" % (rel, r.choice(WORDS), i), filler_go(r, "internal", "f%d" % i))


def generate(out, size, seed):
    services, nsrc, nmods, nout = SIZES[size]
    r = random.Random(seed)
    if os.path.exists(out):
        shutil.rmtree(out)
    t = Tree(out)
    ref = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20))
    t.write(".gitignore", "node_modules/\ndist/\n.next/\n__pycache__/\n.venv/\n.env\n.env.local\n*.log\n")
    t.write(".env", "DATABASE_URL=%s\nDIRECT_URL=%s\nJWT_SECRET=%s\n"
            % (pooler_url(r, ref, 6543, "?pgbouncer=true"), pooler_url(r, ref, 5432), "x" * 32))
    t.write(".env.example", "DATABASE_URL=\nDIRECT_URL=\nJWT_SECRET=\n")
    t.write("package.json", '{\n  "name": "bench",\n  "private": true,\n  "workspaces": ["apps/*", "services/*"]\n}\n')
    compose = ["services:"]
    for i in range(services):
        name = "%s-%d" % (r.choice(WORDS), i)
        rel = "%s/%s" % ("apps" if i % 3 == 0 else "services", name)
        lang = r.random()
        if lang < 0.6:
            node_service(t, r, rel, name, ref, nsrc, nmods, nout)
        elif lang < 0.9:
            python_service(t, r, rel, name, ref, nsrc, nout)
        else:
            go_service(t, r, rel, name, ref, nsrc)
        if r.random() < 0.4:
            t.write(rel + "/.env", "DATABASE_URL=%s\nPORT=%d\n" % (pooler_url(r, ref, r.choice((5432, 6543))),
                                                                  3000 + i))
        if r.random() < 0.3:
            t.write(rel + "/.env.example", "DATABASE_URL=\nPORT=\n")
        if i % 10 == 0:
            compose.append("  %s:\n    build: ./%s\n    env_file:\n      - ./%s/.env\n    deploy:\n      replicas: %d"
                           % (name, rel, rel, r.randrange(1, 4)))
    t.write("docker-compose.yml", "\n".join(compose) + "\n")
    return t.count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="typical")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--git", action="store_true",
                    help="git init the tree (ripgrep honours .gitignore only inside a repository)")
    a = ap.parse_args()
    n = generate(a.out, a.size, a.seed)
    if a.git:
        subprocess.run(["git", "init", "-q", a.out], check=True)
    print("%s: %d files" % (a.out, n))


if __name__ == "__main__":
    main()
