/*
 * Unit tests for src/model/pools.c and src/model/processes.c over the bundled
 * pools pack: every case is a tiny repository (a manifest, one source file,
 * optionally a .env) written to a temporary folder and scanned for real, so
 * the patterns are shown to hold across keyword order, line breaks,
 * constants, comments and values read from the environment.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/pack.h"
#include "model/discover.h"
#include "model/loaders.h"
#include "model/pools.h"
#include "model/processes.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/buf.h"

#define RULES TESTS_DIR "/../rules"

struct repo_file {
	const char *path;
	const char *text;
};

struct fixture {
	char dir[64];
	struct packs *packs;
	struct loader_set *loaders;
	struct pool_set *pools;
	struct proc_server_set *servers;
	struct scan *scan;
};

static void
write_file(const char *dir, const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
rm_rf(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
fixture_open(struct fixture *f, const struct repo_file *files, size_t n)
{
	struct el_error err = EL_ERROR_INIT;
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct scan_options so;
	size_t nd = 0, i;

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/envlint-pools-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	for (i = 0; i < n && files[i].path != NULL; i++)
		write_file(f->dir, files[i].path, files[i].text);
	f->packs = packs_new();
	ck_assert_msg(packs_load_file(f->packs, RULES "/rules.yml", &err) == 0, "%s", err.msg);
	ck_assert_msg(packs_load_file(f->packs, RULES "/loaders.yml", &err) == 0, "%s", err.msg);
	ck_assert_msg(packs_load_file(f->packs, RULES "/pools.yml", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(packs_kind_docs(f->packs, "loaders", &docs, &paths, &nd), 0);
	ck_assert_msg(loaders_load(&f->loaders, docs, paths, nd, &err) == 0, "%s", err.msg);
	ck_assert_msg(pools_load(&f->pools, f->packs, &err) == 0, "%s", err.msg);
	ck_assert_msg(processes_load(&f->servers, f->packs, &err) == 0, "%s", err.msg);
	memset(&so, 0, sizeof(so));
	so.env = "development";
	so.loaders = f->loaders;
	ck_assert_msg(scan_new(&f->scan, f->dir, &so, f->packs, &err) == 0, "%s", err.msg);
	el_error_clear(&err);
}

static void
fixture_close(struct fixture *f)
{
	scan_free(f->scan);
	processes_free_servers(f->servers);
	pools_free(f->pools);
	loaders_free(f->loaders);
	packs_free(f->packs);
	rm_rf(f->dir);
}

static const struct service *
root_service(const struct fixture *f)
{
	const struct service *svc = discover_find(f->scan, ".");

	ck_assert_ptr_nonnull(svc);
	return svc;
}

/* ------------------------------------------------------------------------ */

#define REQ_SA                                                                                     \
	{                                                                                          \
		"requirements.txt", "sqlalchemy>=2\nfastapi\n"                                     \
	}
#define PKG_PG                                                                                     \
	{                                                                                          \
		"package.json", "{\"name\":\"api\",\"dependencies\":{\"pg\":\"^8.11.0\"}}\n"       \
	}
#define GO_MOD                                                                                     \
	{                                                                                          \
		"go.mod", "module example.com/api\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 "  \
		          "v5.5.0\n"                                                               \
	}

struct pool_case {
	const char *what;
	struct repo_file files[4];
	const char *extra; /* a configuration file (YAML, properties) the pool is in, or NULL */
	const char *client;
	long per_process; /* -1: unbounded */
	bool assumed;
	const char *origin_file; /* NULL: no declaration */
	int origin_line;
	const char *why_has; /* substring of the explanation, or NULL */
};

static const struct pool_case pool_cases[] = {
    {"sqlalchemy keywords in order",
     {REQ_SA,
      {"app/db.py", "import os\nfrom sqlalchemy import create_engine\n"
                    "engine = create_engine(os.environ[\"DATABASE_URL\"], pool_size=10, "
                    "max_overflow=5)\n"}},
     NULL,
     "sqlalchemy",
     15,
     false,
     "app/db.py",
     3,
     "pool_size=10 + max_overflow=5"},
    {"sqlalchemy keywords swapped over lines with comments",
     {REQ_SA,
      {"app/db.py", "from sqlalchemy.ext.asyncio import create_async_engine\n\n"
                    "engine = create_async_engine(\n"
                    "    settings.database_url,  # from pydantic\n"
                    "    max_overflow=5,  # burst\n"
                    "    pool_pre_ping=True,\n"
                    "    pool_size=10,\n"
                    ")\n"}},
     NULL,
     "sqlalchemy",
     15,
     false,
     "app/db.py",
     7,
     "pool_size=10 + max_overflow=5"},
    {"sqlalchemy constants bound earlier",
     {REQ_SA,
      {"app/db.py",
       "POOL_SIZE = 8\nMAX_OVERFLOW: int = 2  # keep it small\n\n"
       "engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)\n"}},
     NULL,
     "sqlalchemy",
     10,
     false,
     "app/db.py",
     1,
     "pool_size=8"},
    {"sqlalchemy pool_size only: max_overflow keeps its default",
     {REQ_SA, {"app/db.py", "engine = create_engine(url, pool_size=10)\n"}},
     NULL,
     "sqlalchemy",
     20,
     false,
     "app/db.py",
     1,
     "max_overflow default 10"},
    {"sqlalchemy commented-out call is not a declaration",
     {REQ_SA,
      {"app/db.py", "# engine = create_engine(url, pool_size=50, max_overflow=50)\n"
                    "engine = create_engine(url)\n"}},
     NULL,
     "sqlalchemy",
     15,
     true,
     NULL,
     0,
     "pool_size 5 + max_overflow 10"},
    {"sqlalchemy size from the service's environment",
     {{"requirements.txt", "sqlalchemy\npython-dotenv\n"},
      {"app/db.py", "import os\nfrom dotenv import load_dotenv\nload_dotenv()\n"
                    "engine = create_engine(url,\n"
                    "    pool_size=int(os.getenv(\"DB_POOL\", 5)), max_overflow=0)\n"},
      {".env", "DATABASE_URL=postgresql://u:p@localhost:5432/app\nDB_POOL=20\n"}},
     NULL,
     "sqlalchemy",
     20,
     false,
     ".env",
     2,
     "DB_POOL=20, read at app/db.py:5"},
    {"sqlalchemy env variable unset: the code's literal default",
     {REQ_SA,
      {"app/db.py", "import os\nengine = create_engine(url, pool_size=int(os.getenv(\"DB_POOL\", "
                    "3)), max_overflow=0)\n"}},
     NULL,
     "sqlalchemy",
     3,
     false,
     "app/db.py",
     2,
     "the code's default 3"},
    {"sqlalchemy NullPool has no cap",
     {REQ_SA,
      {"app/db.py", "from sqlalchemy.pool import NullPool\n"
                    "engine = create_engine(url, poolclass=NullPool)\n"}},
     NULL,
     "sqlalchemy",
     -1,
     false,
     "app/db.py",
     2,
     "NullPool"},
    {"node-postgres max",
     {PKG_PG,
      {"src/db.ts", "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: "
                    "process.env.DATABASE_URL, max: 5 });\n"}},
     NULL,
     "pg",
     5,
     false,
     "src/db.ts",
     2,
     "max=5"},
    {"node-postgres max from env with ?? default, multi-line",
     {PKG_PG,
      {"src/db.ts", "import pg from 'pg';\nexport const pool = new pg.Pool({\n"
                    "  connectionString: process.env.DATABASE_URL,\n"
                    "  max: Number(process.env.DB_POOL_SIZE ?? 2),\n});\n"}},
     NULL,
     "pg",
     2,
     false,
     "src/db.ts",
     4,
     "DB_POOL_SIZE is not set"},
    {"node-postgres max from env set in .env",
     {{"package.json", "{\"dependencies\":{\"pg\":\"^8\",\"dotenv\":\"^16\"}}\n"},
      {"src/db.js",
       "require('dotenv').config()\nconst { Pool } = require('pg')\n"
       "const pool = new Pool({ max: parseInt(process.env.DB_POOL_SIZE || '2', 10) })\n"},
      {".env", "# pool\nDB_POOL_SIZE=7\n"}},
     NULL,
     "pg",
     7,
     false,
     ".env",
     2,
     "DB_POOL_SIZE=7"},
    {"node-postgres constant, comment with a bigger pool",
     {PKG_PG,
      {"src/db.js", "const MAX = 4; // keep below the plan\n"
                    "/* const pool = new Pool({ max: 100 }) */\n"
                    "const pool = new Pool({ max: MAX })\n"}},
     NULL,
     "pg",
     4,
     false,
     "src/db.js",
     1,
     "max=4"},
    {"node-postgres without max",
     {PKG_PG, {"src/db.js", "const pool = new Pool({ connectionString })\n"}},
     NULL,
     "pg",
     10,
     true,
     NULL,
     0,
     "default max 10"},
    {"postgres.js options object",
     {{"package.json", "{\"dependencies\":{\"postgres\":\"^3.4.0\"}}\n"},
      {"db.js", "import postgres from 'postgres'\n"
                "const sql = postgres(process.env.DATABASE_URL, { max: 3, prepare: false })\n"}},
     NULL,
     "postgres-js",
     3,
     false,
     "db.js",
     2,
     "max=3"},
    {"postgres.js max in the URL",
     {{"package.json", "{\"dependencies\":{\"postgres\":\"^3.4.0\",\"dotenv\":\"^16\"}}\n"},
      {"db.js", "import 'dotenv/config'\nimport postgres from 'postgres'\n"
                "const url = process.env.DATABASE_URL\nconst sql = postgres(url)\n"},
      {".env", "DATABASE_URL=postgres://u:p@db.example.com:5432/app?max=4\n"}},
     NULL,
     "postgres-js",
     4,
     false,
     ".env",
     1,
     "max=4 in DATABASE_URL"},
    {"knex pool.max",
     {{"package.json", "{\"dependencies\":{\"knex\":\"^3.0.0\",\"pg\":\"^8\"}}\n"},
      {"knexfile.js",
       "module.exports = knex({\n  client: 'pg',\n"
       "  connection: process.env.DATABASE_URL,\n  pool: { min: 0, max: 7 },\n})\n"}},
     NULL,
     "knex",
     7,
     false,
     "knexfile.js",
     4,
     "pool.max=7"},
    {"sequelize pool.max",
     {{"package.json", "{\"dependencies\":{\"sequelize\":\"^6\"}}\n"},
      {"db.js", "const s = new Sequelize(process.env.DATABASE_URL, {\n"
                "  pool: { idle: 10000, max: 9 },\n})\n"}},
     NULL,
     "sequelize",
     9,
     false,
     "db.js",
     2,
     "pool.max=9"},
    {"typeorm extra.max wins over poolSize",
     {{"package.json", "{\"dependencies\":{\"typeorm\":\"^0.3\"}}\n"},
      {"src/data-source.ts", "export const ds = new DataSource({ type: 'postgres', poolSize: 12,\n"
                             "  extra: { max: 6 } })\n"}},
     NULL,
     "typeorm",
     6,
     false,
     "src/data-source.ts",
     2,
     "extra.max=6"},
    {"asyncpg create_pool max_size",
     {{"requirements.txt", "asyncpg==0.29\n"},
      {"db.py", "pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)\n"}},
     NULL,
     "asyncpg",
     4,
     false,
     "db.py",
     1,
     "max_size=4"},
    {"psycopg_pool max_size",
     {{"requirements.txt", "psycopg_pool\n"},
      {"db.py", "pool = ConnectionPool(conninfo, max_size=6, open=True)\n"}},
     NULL,
     "psycopg_pool",
     6,
     false,
     "db.py",
     1,
     "max_size=6"},
    {"prisma 6 connection_limit in the URL",
     {{"package.json", "{\"dependencies\":{\"@prisma/client\":\"^6.2.0\"}}\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
                               "  url      = env(\"DATABASE_URL\")\n}\n"},
      {".env", "DATABASE_URL=postgresql://u:p@h:5432/db?connection_limit=3\n"}},
     NULL,
     "prisma",
     3,
     false,
     ".env",
     1,
     "connection_limit=3"},
    {"prisma 6 default: 2 x physical CPUs + 1",
     {{"package.json", "{\"dependencies\":{\"@prisma/client\":\"5.22.0\"}}\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
                               "  url = env(\"DATABASE_URL\")\n}\n"}},
     NULL,
     "prisma",
     5,
     true,
     NULL,
     0,
     "2 x physical CPUs + 1"},
    {"prisma 7 with adapter-pg: the pg pool's max",
     {{"package.json", "{\"dependencies\":{\"@prisma/client\":\"^7.0.0\","
                       "\"@prisma/adapter-pg\":\"^7.0.0\"}}\n"},
      {"src/db.ts", "const adapter = new PrismaPg({\n"
                    "  connectionString: process.env.DATABASE_URL,\n  max: 8,\n})\n"}},
     NULL,
     "prisma-adapter-pg",
     8,
     false,
     "src/db.ts",
     3,
     "max=8"},
    {"go database/sql without SetMaxOpenConns is unbounded",
     {GO_MOD,
      {"main.go", "package main\n\nfunc main() {\n"
                  "\tdb, _ := sql.Open(\"pgx\", os.Getenv(\"DATABASE_URL\"))\n\t_ = db\n}\n"}},
     NULL,
     "database-sql",
     -1,
     true,
     NULL,
     0,
     "no limit until SetMaxOpenConns"},
    {"go SetMaxOpenConns after sql.Open",
     {GO_MOD,
      {"main.go", "package main\n\nconst maxConns = 25\n\nfunc main() {\n"
                  "\tdb, _ := sql.Open(\"pgx\", os.Getenv(\"DATABASE_URL\"))\n"
                  "\tdb.SetMaxOpenConns(maxConns)\n}\n"}},
     NULL,
     "database-sql",
     25,
     false,
     "main.go",
     3,
     NULL},
    {"go SetMaxOpenConns(0) means no limit",
     {GO_MOD,
      {"main.go", "package main\nfunc main() {\n\tdb, _ := sql.Open(\"postgres\", dsn)\n"
                  "\tdb.SetMaxOpenConns(0)\n}\n"}},
     NULL,
     "database-sql",
     -1,
     false,
     "main.go",
     4,
     NULL},
    {"pgxpool default max(4, CPUs)",
     {GO_MOD,
      {"db.go", "package db\nfunc Open() {\n"
                "\tpool, _ := pgxpool.New(ctx, os.Getenv(\"DATABASE_URL\"))\n\t_ = pool\n}\n"}},
     NULL,
     "pgxpool",
     4,
     true,
     NULL,
     0,
     "max(4, runtime.NumCPU())"},
    {"pgxpool MaxConns on the config",
     {GO_MOD,
      {"db.go", "package db\nfunc Open() {\n"
                "\tcfg, _ := pgxpool.ParseConfig(os.Getenv(\"DATABASE_URL\"))\n"
                "\tcfg.MaxConns = 12\n\tpool, _ := pgxpool.NewWithConfig(ctx, cfg)\n}\n"}},
     NULL,
     "pgxpool",
     12,
     false,
     "db.go",
     4,
     NULL},
    {"spring hikari in application.properties",
     {{"pom.xml", "<project><dependencies><dependency><groupId>com.zaxxer</groupId>"
                  "<artifactId>HikariCP</artifactId></dependency></dependencies></project>\n"},
      {"src/main/resources/application.properties",
       "spring.datasource.url=${DATABASE_URL}\n"
       "spring.datasource.hikari.maximum-pool-size=${DB_POOL:20}\n"}},
     "src/main/resources/application.properties",
     "hikaricp",
     20,
     false,
     "src/main/resources/application.properties",
     2,
     NULL},
    {"spring hikari in application.yml",
     {{"build.gradle", "dependencies {\n  implementation 'com.zaxxer:HikariCP:5.1.0'\n}\n"},
      {"src/main/resources/application.yml",
       "spring:\n  datasource:\n    url: ${DATABASE_URL}\n    hikari:\n"
       "      maximum-pool-size: 15 # per instance\n"}},
     "src/main/resources/application.yml",
     "hikaricp",
     15,
     false,
     "src/main/resources/application.yml",
     5,
     NULL},
    {"typeorm poolSize",
     {{"package.json", "{\"dependencies\":{\"typeorm\":\"^0.3\"}}\n"},
      {"src/data-source.ts", "export const ds = new DataSource({\n  type: 'postgres',\n"
                             "  url: process.env.DATABASE_URL,\n  poolSize: 12,\n})\n"}},
     NULL,
     "typeorm",
     12,
     false,
     "src/data-source.ts",
     4,
     "poolSize=12"},
    {"pgxpool pool_max_conns in the URL",
     {GO_MOD,
      {"main.go", "package main\n\nfunc main() {\n"
                  "\tpool, _ := pgxpool.New(ctx, os.Getenv(\"DATABASE_URL\"))\n\t_ = pool\n}\n"},
      {"compose.yaml", "services:\n  app:\n    build: .\n    environment:\n"
                       "      DATABASE_URL: postgres://u:p@db:5432/app?pool_max_conns=6\n"}},
     NULL,
     "pgxpool",
     6,
     false,
     "compose.yaml",
     5,
     "pool_max_conns=6 in DATABASE_URL"},
    {"rails database.yml pool from RAILS_MAX_THREADS",
     {{"Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\n"},
      {"config/database.yml", "default: &default\n  adapter: postgresql\n"
                              "  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>\n"
                              "production:\n  <<: *default\n  pool: 40\n"}},
     "config/database.yml",
     "activerecord",
     5,
     false,
     "config/database.yml",
     3,
     "RAILS_MAX_THREADS is not set"},
    {"rails pool chosen by Sidekiq.server?: the larger branch",
     {{"Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\n"},
      {"config/database.yml",
       "default: &default\n  adapter: postgresql\n"
       "  pool: <%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : "
       "ENV.fetch('RAILS_MAX_THREADS', 25) %>\n"}},
     "config/database.yml",
     "activerecord",
     25,
     false,
     "config/database.yml",
     3,
     "the larger branch of a condition (the other gives 10)"},
    {"a condition in node code: the larger branch",
     {{"package.json", "{\"dependencies\":{\"pg\":\"^8\"}}\n"},
      {"src/db.js", "const pool = new Pool({ connectionString: process.env.DATABASE_URL,\n"
                    "  max: isWorker ? 4 : 12 })\n"}},
     NULL,
     "pg",
     12,
     false,
     "src/db.js",
     2,
     "larger branch"},
};

START_TEST(test_pools_pattern_styles)
{
	const struct pool_case *c = &pool_cases[_i];
	struct pool_vars vars = {4, 2, 1};
	struct service_pools sp;
	const struct pool_decl *d = NULL;
	struct fixture f;
	size_t i;

	fixture_open(&f, c->files, 4);
	if (c->extra != NULL) { /* found among the service's own files, as configuration */
		const struct walk_entry *e = walk_find(f.scan->walk, c->extra);
		const struct service *svc = root_service(&f);
		bool owned = false;

		ck_assert_msg(e != NULL && e->kind == SCAN_FILE_CONFIG, "%s: %s not kept as config",
		              c->what, c->extra);
		for (i = 0; i < svc->files.len; i++)
			owned |= &f.scan->walk->entries[svc->files.items[i]] == e;
		ck_assert_msg(owned, "%s: %s not among the service's files", c->what, c->extra);
	}
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	for (i = 0; i < sp.decls.len; i++) {
		if (strcmp(sp.decls.items[i].client->name, c->client) == 0)
			d = &sp.decls.items[i];
	}
	ck_assert_msg(d != NULL, "%s: no %s pool found (%zu pools)", c->what, c->client,
	              sp.decls.len);
	if (c->per_process < 0) {
		ck_assert_msg(d->unbounded, "%s: expected unbounded, got %ld", c->what,
		              d->per_process);
	} else {
		ck_assert_msg(!d->unbounded, "%s: unexpectedly unbounded", c->what);
		ck_assert_msg(d->per_process == c->per_process,
		              "%s: per-process %ld, want %ld (%s)", c->what, d->per_process,
		              c->per_process, d->origin.why ? d->origin.why : "");
	}
	ck_assert_msg(d->assumed == c->assumed, "%s: assumed %d", c->what, d->assumed);
	if (c->origin_file == NULL) {
		ck_assert_msg(d->origin.file == NULL, "%s: declared at %s:%d", c->what,
		              d->origin.file, d->origin.line);
	} else {
		ck_assert_msg(d->origin.file != NULL &&
		                  strcmp(d->origin.file, c->origin_file) == 0 &&
		                  d->origin.line == c->origin_line,
		              "%s: declared at %s:%d, want %s:%d", c->what,
		              d->origin.file ? d->origin.file : "(none)", d->origin.line,
		              c->origin_file, c->origin_line);
	}
	if (c->why_has != NULL)
		ck_assert_msg(d->origin.why != NULL && strstr(d->origin.why, c->why_has) != NULL,
		              "%s: why \"%s\" lacks \"%s\"", c->what,
		              d->origin.why ? d->origin.why : "", c->why_has);
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

/* Prisma 7 with an adapter: the query engine's pool is not counted at all. */
START_TEST(test_pools_prisma_adapter_replaces_engine)
{
	static const struct repo_file files[] = {
	    {"package.json", "{\"dependencies\":{\"@prisma/client\":\"^6.10.0\","
	                     "\"@prisma/adapter-pg\":\"^6.10.0\"}}\n"},
	    {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
	                             "  url = env(\"DATABASE_URL\")\n}\n"},
	    {"src/db.ts",
	     "const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL })\n"},
	};
	struct pool_vars vars = {4, 2, 1};
	struct service_pools sp;
	struct fixture f;

	fixture_open(&f, files, 3);
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	ck_assert_uint_eq(sp.decls.len, 1);
	ck_assert_str_eq(sp.decls.items[0].client->name, "prisma-adapter-pg");
	ck_assert_int_eq(sp.decls.items[0].per_process, 10);
	ck_assert(sp.decls.items[0].assumed);
	ck_assert_str_eq(sp.decls.items[0].url_key, "DATABASE_URL");
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

/* Pools in migrations, seed scripts and tests do not run in the service's processes. */
START_TEST(test_pools_non_runtime_paths_skipped)
{
	static const struct repo_file files[] = {
	    {"requirements.txt", "sqlalchemy\nalembic\n"},
	    {"app/db.py", "engine = create_engine(url, pool_size=3, max_overflow=0)\n"},
	    {"alembic/env.py", "connectable = create_engine(url, pool_size=50)\n"},
	    {"tests/test_db.py", "engine = create_engine(url, pool_size=40)\n"},
	};
	struct pool_vars vars = {4, 2, 1};
	struct service_pools sp;
	struct fixture f;

	fixture_open(&f, files, 4);
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	ck_assert_uint_eq(sp.decls.len, 1);
	ck_assert_str_eq(sp.decls.items[0].file, "app/db.py");
	ck_assert_int_eq(sp.decls.items[0].per_process, 3);
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

/* A package the service does not depend on enables no pattern. */
START_TEST(test_pools_needs_the_package)
{
	static const struct repo_file files[] = {
	    {"package.json", "{\"dependencies\":{\"express\":\"^4\"}}\n"},
	    {"src/db.js", "const pool = new Pool({ max: 5 })\n"},
	};
	struct pool_vars vars = {4, 2, 1};
	struct service_pools sp;
	struct fixture f;

	fixture_open(&f, files, 2);
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	ck_assert_uint_eq(sp.decls.len, 0);
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

/* Django holds one connection per worker thread. */
START_TEST(test_pools_django_threads)
{
	static const struct repo_file files[] = {
	    {"requirements.txt", "Django==5.0\npsycopg2-binary\n"},
	    {"mysite/settings.py", "DATABASES = {\n    'default': {\n"
	                           "        'ENGINE': 'django.db.backends.postgresql',\n"
	                           "        'NAME': 'app',\n    }\n}\n"},
	};
	struct pool_vars vars = {4, 2, 8};
	struct service_pools sp;
	struct fixture f;

	fixture_open(&f, files, 2);
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	ck_assert_uint_eq(sp.decls.len, 1);
	ck_assert_str_eq(sp.decls.items[0].client->name, "django");
	ck_assert_int_eq(sp.decls.items[0].per_process, 8);
	ck_assert(sp.decls.items[0].assumed);
	ck_assert_int_eq(sp.decls.items[0].line, 3);
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

/* A value envlint cannot read falls back to the default and says why. */
START_TEST(test_pools_unreadable_value_noted)
{
	static const struct repo_file files[] = {
	    {"requirements.txt", "sqlalchemy\n"},
	    {"db.py",
	     "engine = create_engine(url, pool_size=compute_pool_size(), max_overflow=0)\n"},
	};
	struct pool_vars vars = {4, 2, 1};
	struct service_pools sp;
	struct fixture f;

	fixture_open(&f, files, 2);
	pools_find(&sp, f.scan, root_service(&f), f.pools, &vars);
	ck_assert_uint_eq(sp.decls.len, 1);
	ck_assert_int_eq(sp.decls.items[0].per_process, 5); /* pool_size default 5 + 0 */
	ck_assert(!sp.decls.items[0].assumed);
	ck_assert_uint_eq(sp.notes.len, 1);
	ck_assert_str_eq(
	    sp.notes.items[0],
	    "db.py:1: cannot read \"compute_pool_size()\" statically; using the default");
	pools_service_free(&sp);
	fixture_close(&f);
}
END_TEST

struct formula_case {
	const char *formula;
	long value;
	bool unbounded;
	int rc;
};

static const struct formula_case formula_cases[] = {
    {"10", 10, false, 0},          {"2 * physical_cpus + 1", 7, false, 0},
    {"max(4, cpus)", 8, false, 0}, {"max(16, cpus)", 16, false, 0},
    {"threads", 3, false, 0},      {"(1 + 2) * 3", 9, false, 0},
    {"unbounded", 0, true, 0},     {"2 *", 0, false, -1},
    {"cpu", 0, false, -1},         {"max(1 2)", 0, false, -1},
};

START_TEST(test_pools_formula)
{
	const struct formula_case *c = &formula_cases[_i];
	struct pool_vars vars = {8, 3, 3};
	long v = -99;
	bool unb = false;
	int rc = pools_formula_eval(c->formula, &vars, &v, &unb);

	ck_assert_msg(rc == c->rc, "%s: rc %d", c->formula, rc);
	if (rc == 0) {
		ck_assert_msg(v == c->value, "%s: %ld, want %ld", c->formula, v, c->value);
		ck_assert(unb == c->unbounded);
	}
}
END_TEST

/* ---- processes ---- */

struct procs_case {
	const char *what;
	struct repo_file files[4];
	const char *extra; /* a YAML file the scan does not keep (Kubernetes), or NULL */
	long total;
	long threads;
	const char *workers_file; /* where the workers number of the first part was declared */
	int workers_line;
};

static const struct procs_case procs_cases[] = {
    {"uvicorn --workers in a Dockerfile CMD",
     {REQ_SA,
      {"Dockerfile", "FROM python:3.12\nCOPY . .\n"
                     "CMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\", \"--workers\", "
                     "\"2\"]\n"}},
     NULL,
     2,
     1,
     "Dockerfile",
     3},
    {"gunicorn -w with threads in a Procfile, plus a celery worker",
     {REQ_SA,
      {"Procfile", "web: gunicorn app:app -w 3 --threads 4\n"
                   "worker: celery -A app worker --concurrency=2\n"}},
     NULL,
     5,
     4,
     "Procfile",
     1},
    {"gunicorn without -w reads WEB_CONCURRENCY",
     {{"requirements.txt", "flask\npython-dotenv\n"},
      {"Procfile", "web: gunicorn app:app\n"},
      {"app.py", "from dotenv import load_dotenv\nload_dotenv()\n"},
      {".env", "WEB_CONCURRENCY=6\n"}},
     NULL,
     6,
     1,
     ".env",
     1},
    {"celery without --concurrency: one per CPU",
     {REQ_SA, {"Procfile", "worker: celery -A app worker -l info\n"}},
     NULL,
     4,
     1,
     NULL,
     0},
    {"compose replicas with gunicorn workers",
     {{"api/requirements.txt", "sqlalchemy\n"},
      {"docker-compose.yml", "services:\n  api:\n    build: ./api\n"
                             "    command: gunicorn app:app --workers 4\n"
                             "    deploy:\n      replicas: ${API_REPLICAS:-3}\n"}},
     NULL,
     12,
     1,
     "docker-compose.yml",
     4},
    {"compose override replaces replicas; a variant file does not add a second part",
     {{"api/requirements.txt", "sqlalchemy\n"},
      {"docker-compose.yml", "services:\n  api:\n    build: ./api\n"
                             "    command: gunicorn app:app -w 2\n"},
      {"docker-compose.override.yml", "services:\n  api:\n    deploy:\n      replicas: 5\n"},
      {"docker-compose.prod.yml", "services:\n  api:\n    build: ./api\n"
                                  "    command: gunicorn app:app -w 8\n"}},
     NULL,
     10,
     1,
     "docker-compose.yml",
     4},
    {"pm2 -i max",
     {{"package.json", "{\"scripts\":{\"start\":\"pm2-runtime start server.js -i max\"}}\n"}},
     NULL,
     4,
     1,
     "package.json",
     1},
    {"puma workers and threads from config/puma.rb",
     {{"Gemfile", "gem 'rails'\ngem 'puma'\n"},
      {"Procfile", "web: bundle exec puma -C config/puma.rb\n"},
      {"config/puma.rb", "max_threads_count = ENV.fetch(\"RAILS_MAX_THREADS\") { 5 }\n"
                         "threads max_threads_count, max_threads_count\n"
                         "workers ENV.fetch(\"WEB_CONCURRENCY\") { 3 }\n"}},
     NULL,
     3,
     5,
     "config/puma.rb",
     3},
    {"a Kubernetes Deployment's replicas",
     {{"api/package.json", "{\"name\":\"api\",\"scripts\":{\"start\":\"node server.js\"}}\n"},
      {"deploy/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
                          "spec:\n  replicas: 4\n  template:\n    spec:\n      containers:\n"
                          "        - name: api\n          image: ghcr.io/acme/api:1.2\n"}},
     "deploy/api.yaml",
     4,
     1,
     NULL,
     0},
};

START_TEST(test_processes_count)
{
	const struct procs_case *c = &procs_cases[_i];
	const struct service *svc;
	struct service_procs sp;
	struct fixture f;
	const char *extra[1] = {c->extra};
	struct proc_k8s k8s;

	fixture_open(&f, c->files, 4);
	svc = discover_find(f.scan, "api") ? discover_find(f.scan, "api")
	                                   : discover_find(f.scan, ".");
	ck_assert_ptr_nonnull(svc);
	processes_k8s_load(&k8s, f.scan, extra, c->extra ? 1 : 0);
	processes_find(&sp, f.scan, svc, f.servers, f.pools, &k8s);
	ck_assert_msg(sp.total == c->total, "%s: %ld processes, want %ld", c->what, sp.total,
	              c->total);
	ck_assert_msg(sp.threads == c->threads, "%s: %ld threads", c->what, sp.threads);
	ck_assert_uint_ge(sp.parts.len, 1);
	if (c->workers_file == NULL)
		ck_assert_msg(sp.parts.items[0].workers.origin.file == NULL, "%s: declared at %s",
		              c->what, sp.parts.items[0].workers.origin.file);
	else
		ck_assert_msg(
		    sp.parts.items[0].workers.origin.file != NULL &&
		        strcmp(sp.parts.items[0].workers.origin.file, c->workers_file) == 0 &&
		        sp.parts.items[0].workers.origin.line == c->workers_line,
		    "%s: workers declared at %s:%d", c->what,
		    sp.parts.items[0].workers.origin.file ? sp.parts.items[0].workers.origin.file
		                                          : "(assumed)",
		    sp.parts.items[0].workers.origin.line);
	processes_service_free(&sp);
	processes_k8s_free(&k8s);
	fixture_close(&f);
}
END_TEST

static Suite *
pools_suite(void)
{
	Suite *s = suite_create("pools");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_pools_pattern_styles, 0,
	                    (int)(sizeof(pool_cases) / sizeof(pool_cases[0])));
	tcase_add_test(tc, test_pools_prisma_adapter_replaces_engine);
	tcase_add_test(tc, test_pools_needs_the_package);
	tcase_add_test(tc, test_pools_non_runtime_paths_skipped);
	tcase_add_test(tc, test_pools_django_threads);
	tcase_add_test(tc, test_pools_unreadable_value_noted);
	tcase_add_loop_test(tc, test_pools_formula, 0,
	                    (int)(sizeof(formula_cases) / sizeof(formula_cases[0])));
	tcase_add_loop_test(tc, test_processes_count, 0,
	                    (int)(sizeof(procs_cases) / sizeof(procs_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pools_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
