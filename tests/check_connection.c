/*
 * Unit tests for src/model/connection.c and the connection rules over the
 * bundled packs: every case is a tiny repository written to a temporary
 * folder and scanned for real, so client detection is shown to hold across
 * code styles (a call with the env read inline, a name bound earlier, object
 * shorthand, `A || B` fallbacks, pydantic settings attributes, the Prisma
 * schema and prisma.config.ts, Go), and the rules are shown to fire on the
 * incidents and to stay silent on the traps.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/checks.h"
#include "config/pack.h"
#include "model/connection.h"
#include "model/discover.h"
#include "model/loaders.h"
#include "model/scan.h"
#include "model/service.h"

#define RULES TESTS_DIR "/../rules"

struct repo_file {
	const char *path;
	const char *text;
};

struct fixture {
	char dir[64];
	struct packs *packs;
	struct loader_set *loaders;
	struct scan *scan;
	struct finding_list findings;
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
fixture_open(struct fixture *f, const struct repo_file *files, size_t n)
{
	struct el_error err = EL_ERROR_INIT;
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	const char *dirs[1] = {RULES};
	struct scan_options so;
	size_t nd = 0, i;

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/envlint-conn-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	for (i = 0; i < n && files[i].path != NULL; i++)
		write_file(f->dir, files[i].path, files[i].text);
	ck_assert_msg(packs_load(&f->packs, dirs, 1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(packs_kind_docs(f->packs, "loaders", &docs, &paths, &nd), 0);
	ck_assert_msg(loaders_load(&f->loaders, docs, paths, nd, &err) == 0, "%s", err.msg);
	memset(&so, 0, sizeof(so));
	so.env = "development";
	so.loaders = f->loaders;
	ck_assert_msg(scan_new(&f->scan, f->dir, &so, f->packs, &err) == 0, "%s", err.msg);
	ck_assert_msg(connections_build(f->scan, &err) == 0, "%s", err.msg);
	/* Idempotent: a second call changes nothing. */
	ck_assert_int_eq(connections_build(f->scan, &err), 0);
	el_error_clear(&err);
}

static void
fixture_close(struct fixture *f)
{
	char cmd[128];

	finding_list_free(&f->findings);
	scan_free(f->scan);
	loaders_free(f->loaders);
	packs_free(f->packs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The connection of key in the service at path that is runtime (or not), or NULL. */
static const struct connection *
find_conn(const struct fixture *f, const char *path, const char *key, int runtime)
{
	const struct service *svc = discover_find(f->scan, path);
	const struct service_conns *sc;
	size_t i;

	ck_assert_msg(svc != NULL, "no service at %s", path);
	sc = connections_of(svc);
	ck_assert_ptr_nonnull(sc);
	for (i = 0; i < sc->len; i++) {
		const struct connection *c = &sc->items[i];

		if (strcmp(c->key, key) == 0 && (runtime < 0 || c->runtime == (runtime != 0)))
			return c;
	}
	return NULL;
}

static void
run_checks(struct fixture *f)
{
	struct check_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.scan = f->scan;
	ctx.findings = &f->findings;
	ctx.redact = true;

	checks_run(&ctx);
}

static int
count_rule(const struct fixture *f, const char *rule)
{
	size_t i;
	int n = 0;

	for (i = 0; i < f->findings.items.len; i++)
		if (strcmp(f->findings.items.items[i].rule, rule) == 0)
			n++;
	return n;
}

static const struct finding *
first_rule(const struct fixture *f, const char *rule)
{
	size_t i;

	for (i = 0; i < f->findings.items.len; i++)
		if (strcmp(f->findings.items.items[i].rule, rule) == 0)
			return &f->findings.items.items[i];
	return NULL;
}

static const char *const connection_rules[] = {
    "runtime-uses-direct-url",
    "session-mode-at-runtime",
    "migration-url-via-transaction-pooler",
    "stray-pgbouncer-flag",
    "unsupported-url-param",
    "missing-pgbouncer-flag",
    "prepared-statements-in-transaction-mode",
    "pooler-username",
    "direct-connection-ipv6",
};

static int
count_connection_findings(const struct fixture *f)
{
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(connection_rules) / sizeof(connection_rules[0]); i++)
		n += count_rule(f, connection_rules[i]);
	return n;
}

/* ---- client detection across code styles ---- */

#define POOLER_6543 "postgresql://postgres.abc:pw@aws-0-eu-west-3.pooler.supabase.com:6543/postgres"
#define POOLER_5432 "postgresql://postgres.abc:pw@aws-0-eu-west-3.pooler.supabase.com:5432/postgres"
/* Every JS case depends on dotenv and imports dotenv/config, so .env is loaded. */
#define PKG(deps)                                                                                  \
	{                                                                                          \
		"package.json",                                                                    \
		    "{\"name\":\"svc\",\"dependencies\":{\"dotenv\":\"^16.4.5\"," deps "}}\n"      \
	}
#define JS_ENV "import 'dotenv/config';\n"
#define PY_ENV "from dotenv import load_dotenv\nload_dotenv()\n"

struct client_case {
	const char *what;
	struct repo_file files[5];
	const char *key;
	const char *client; /* client id; NULL: no connection expected */
	int major;
	const char *driver;  /* NULL: none */
	const char *adapter; /* NULL: none */
	bool runtime;
	enum conn_role role;
	const char *use_kind; /* NULL: read in code without a client call, or none */
	bool prepared_off;
};

static const struct client_case client_cases[] = {
    {"pydantic settings attribute bound to a name, then create_async_engine",
     {{"requirements.txt", "SQLAlchemy[asyncio]==2.0.35\nasyncpg==0.29.0\npython-dotenv\n"},
      {".env",
       "DATABASE_URL=postgresql+asyncpg://postgres.abc:pw@aws-0-eu-west-3.pooler.supabase.com"
       ":5432/postgres\n"},
      {"app/config.py",
       PY_ENV "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n"
              "    DATABASE_URL: str\n\nsettings = Settings()\n"},
      {"app/db.py",
       PY_ENV "from app.config import settings\nfrom sqlalchemy.ext.asyncio import "
              "create_async_engine\n\ndatabase_url = settings.DATABASE_URL\n"
              "engine = create_async_engine(\n    database_url,\n    pool_size=10,\n)\n"}},
     "DATABASE_URL",
     "sqlalchemy+asyncpg",
     2,
     "asyncpg",
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "sqlalchemy-engine",
     false},
    {"lower-case settings field (pydantic is case-insensitive)",
     {{"requirements.txt", "sqlalchemy>=2.0\npython-dotenv\n"},
      {".env", "DATABASE_URL=postgresql://app:pw@db.example.com:5432/app\n"},
      {"db.py", PY_ENV "from sqlalchemy import create_engine\nfrom config import settings\n"
                       "engine = create_engine(str(settings.database_url))\n"}},
     "DATABASE_URL",
     "sqlalchemy+psycopg2",
     2,
     "psycopg2",
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "sqlalchemy-engine",
     false},
    {"os.environ index inline, NullPool, prepared statements off in the URL",
     {{"requirements.txt", "sqlalchemy[asyncio]\nasyncpg\npython-dotenv\n"},
      {".env",
       "DATABASE_URL=postgresql+asyncpg://postgres.abc:pw@aws-0-eu-west-3.pooler.supabase.com"
       ":6543/postgres?prepared_statement_cache_size=0\n"},
      {"db.py",
       PY_ENV "import os\nfrom sqlalchemy.ext.asyncio import create_async_engine\n"
              "from sqlalchemy.pool import NullPool\n"
              "engine = create_async_engine(os.environ[\"DATABASE_URL\"], poolclass=NullPool)\n"}},
     "DATABASE_URL",
     "sqlalchemy+asyncpg",
     0,
     "asyncpg",
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "sqlalchemy-engine",
     true},
    {"node-postgres with the env read inside the options object",
     {PKG("\"pg\":\"^8.11.3\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"src/db.ts",
       JS_ENV "import { Pool } from 'pg';\n"
              "export const pool = new Pool({ connectionString: process.env.DATABASE_URL, "
              "max: 5 });\n"}},
     "DATABASE_URL",
     "pg",
     8,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "pg-pool",
     false},
    {"node-postgres with object shorthand of a name bound earlier",
     {PKG("\"pg\":\"8.12.0\""),
      {".env", "PG_URL=" POOLER_6543 "\n"},
      {"src/db.js", JS_ENV "const { Pool } = require('pg');\n"
                           "const connectionString = process.env['PG_URL'];\n"
                           "module.exports = new Pool({\n  connectionString,\n});\n"}},
     "PG_URL",
     "pg",
     8,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "pg-pool",
     false},
    {"postgres.js with prepare: false in the call",
     {PKG("\"postgres\":\"^3.4.4\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"src/db.ts",
       JS_ENV "import postgres from 'postgres';\n"
              "export const sql = postgres(process.env.DATABASE_URL!, { prepare: false });\n"}},
     "DATABASE_URL",
     "postgres-js",
     3,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "postgres-js",
     true},
    {"Prisma schema url is the runtime URL when code does not replace it",
     {PKG("\"@prisma/client\":\"^5.22.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
                               "  url      = env(\"DATABASE_URL\")\n}\n"},
      {"src/db.ts", JS_ENV "import { PrismaClient } from '@prisma/client';\n"
                           "export const prisma = new PrismaClient();\n"}},
     "DATABASE_URL",
     "prisma",
     5,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "prisma-schema-url",
     false},
    {"Prisma schema directUrl is a migration URL",
     {PKG("\"@prisma/client\":\"5.22.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\nDIRECT_URL=" POOLER_5432 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider  = \"postgresql\"\n"
                               "  url       = env(\"DATABASE_URL\")\n"
                               "  directUrl = env(\"DIRECT_URL\")\n}\n"}},
     "DIRECT_URL",
     "prisma",
     5,
     NULL,
     NULL,
     false,
     CONN_ROLE_MIGRATION,
     "prisma-schema-direct-url",
     false},
    {"Prisma 7 with the pg driver adapter: node-postgres decides the parameters",
     {PKG("\"@prisma/client\":\"^7.1.0\",\"@prisma/adapter-pg\":\"^7.1.0\",\"pg\":\"^8.13.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\nDIRECT_URL=" POOLER_5432 "\n"},
      {"src/db.ts",
       JS_ENV "import { PrismaClient } from './generated/prisma/client';\n"
              "import { PrismaPg } from '@prisma/adapter-pg';\n"
              "const adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL });\n"
              "export const prisma = new PrismaClient({ adapter });\n"},
      {"prisma.config.ts",
       JS_ENV "import 'dotenv/config';\nimport { defineConfig, env } from "
              "'prisma/config';\nexport default defineConfig({\n  schema: "
              "'prisma/schema.prisma',\n  datasource: { url: env('DIRECT_URL') },\n"
              "});\n"}},
     "DATABASE_URL",
     "prisma",
     7,
     "pg",
     "@prisma/adapter-pg",
     true,
     CONN_ROLE_RUNTIME,
     "prisma-adapter-pg",
     false},
    {"Prisma 7 prisma.config.ts url is the migration URL",
     {PKG("\"@prisma/client\":\"^7.1.0\",\"@prisma/adapter-pg\":\"^7.1.0\""),
      {".env", "DIRECT_URL=" POOLER_5432 "\n"},
      {"prisma.config.ts", JS_ENV "import 'dotenv/config';\nimport { defineConfig, env } from "
                                  "'prisma/config';\nexport default defineConfig({\n"
                                  "  datasource: {\n    url: env('DIRECT_URL'),\n  },\n});\n"}},
     "DIRECT_URL",
     "prisma",
     7,
     "pg",
     "@prisma/adapter-pg",
     false,
     CONN_ROLE_MIGRATION,
     "prisma-config-url",
     false},
    {"seed 2: DIRECT_URL || DATABASE_URL handed to PrismaClient at runtime",
     {PKG("\"@prisma/client\":\"^5.22.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\nDIRECT_URL=" POOLER_5432 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider  = \"postgresql\"\n"
                               "  url       = env(\"DATABASE_URL\")\n"
                               "  directUrl = env(\"DIRECT_URL\")\n}\n"},
      {"src/config/database.ts",
       JS_ENV "import { PrismaClient } from '@prisma/client';\n"
              "const directUrl = process.env.DIRECT_URL || process.env.DATABASE_URL;\n"
              "export const prisma = new PrismaClient({\n"
              "  datasources: { db: { url: `${directUrl}?connection_limit=2` } },\n});\n"}},
     "DIRECT_URL",
     "prisma",
     5,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "prisma-client",
     false},
    {"asyncpg create_pool with statement_cache_size=0",
     {{"requirements.txt", "asyncpg==0.29.0\npython-dotenv\n"},
      {".env", "WORKER_DB_URL=" POOLER_6543 "\n"},
      {"worker.py",
       PY_ENV "import os\nimport asyncpg\n\nasync def main():\n"
              "    pool = await asyncpg.create_pool(\n        os.getenv('WORKER_DB_URL'),\n"
              "        statement_cache_size=0,\n    )\n"}},
     "WORKER_DB_URL",
     "asyncpg",
     0,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "asyncpg-connect",
     true},
    {"Go pgxpool with os.Getenv",
     {{"go.mod", "module example.com/api\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.5.0\n"},
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"main.go", "package main\n\nimport (\n\t\"context\"\n\t\"os\"\n\n"
                  "\t\"github.com/jackc/pgx/v5/pgxpool\"\n)\n\nfunc main() {\n"
                  "\tpool, _ := pgxpool.New(context.Background(), os.Getenv(\"DATABASE_URL\"))\n"
                  "\tdefer pool.Close()\n}\n"}},
     "DATABASE_URL",
     "pgx",
     5,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "pgxpool",
     false},
    {"Go database/sql with lib/pq",
     {{"go.mod", "module example.com/api\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n"},
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"main.go", "package main\n\nimport (\n\t\"database/sql\"\n\t\"os\"\n\n"
                  "\t_ \"github.com/lib/pq\"\n)\n\nfunc main() {\n"
                  "\tdb, _ := sql.Open(\"postgres\", os.Getenv(\"DATABASE_URL\"))\n"
                  "\tdefer db.Close()\n}\n"}},
     "DATABASE_URL",
     "lib-pq",
     1,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "sql-open-pq",
     false},
    {"a read in code with no client call: the service's client, runtime by name",
     {PKG("\"pg\":\"^8.11.3\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"src/config.ts", JS_ENV "export const config = { db: process.env.DATABASE_URL };\n"}},
     "DATABASE_URL",
     "pg",
     8,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "process-env-member",
     false},
    {"a migration name read in code with no client call is not a runtime URL",
     {PKG("\"pg\":\"^8.11.3\""),
      {".env", "DIRECT_URL=" POOLER_5432 "\n"},
      {"src/config.ts", JS_ENV "export const config = { direct: process.env.DIRECT_URL };\n"}},
     "DIRECT_URL",
     "pg",
     8,
     NULL,
     NULL,
     false,
     CONN_ROLE_MIGRATION,
     "process-env-member",
     false},
    {"Drizzle shorthand over postgres.js",
     {PKG("\"drizzle-orm\":\"^0.36.0\",\"postgres\":\"^3.4.4\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"src/db.ts", JS_ENV "import { drizzle } from 'drizzle-orm/postgres-js';\n"
                           "export const db = drizzle(process.env.DATABASE_URL!);\n"}},
     "DATABASE_URL",
     "drizzle",
     0,
     "postgres-js",
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "drizzle",
     false},
    {"Drizzle over a postgres.js client made earlier: one consumer, prepare: false seen",
     {PKG("\"drizzle-orm\":\"^0.36.0\",\"postgres\":\"^3.4.4\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"src/db.ts",
       JS_ENV "import { drizzle } from 'drizzle-orm/postgres-js';\n"
              "import postgres from 'postgres';\n"
              "const client = postgres(process.env.DATABASE_URL!, { prepare: false });\n"
              "export const db = drizzle(client);\n"}},
     "DATABASE_URL",
     "postgres-js",
     3,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "postgres-js",
     true},
    {"Rails reads DATABASE_URL with no code; database.yml turns prepared statements off",
     {{"Gemfile", "source 'https://rubygems.org'\ngem 'rails', '~> 7.1.3'\ngem 'pg', '~> 1.5'\n"},
      {"config/database.yml", "production:\n  adapter: postgresql\n"
                              "  url: <%= ENV['DATABASE_URL'] %>\n  prepared_statements: false\n"}},
     "DATABASE_URL",
     "rails",
     7,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "implicit",
     true},
    {"Rails without prepared_statements: false prepares statements",
     {{"Gemfile", "source 'https://rubygems.org'\ngem \"rails\", \"8.0.1\"\ngem 'pg'\n"},
      {"config/database.yml", "production:\n  adapter: postgresql\n"
                              "  url: <%= ENV['DATABASE_URL'] %>\n"
                              "  # prepared_statements: false\n"}},
     "DATABASE_URL",
     "rails",
     8,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "implicit",
     false},
    {"new Pool of a library the service does not depend on is not node-postgres",
     {PKG("\"mysql2\":\"^3.9.0\""),
      {".env", "DATABASE_URL=mysql://u:pw@db:3306/app\n"},
      {"src/db.js", JS_ENV "const mysql = require('mysql2');\n"
                           "const pool = new Pool({ uri: process.env.DATABASE_URL });\n"}},
     "DATABASE_URL",
     NULL,
     0,
     NULL,
     NULL,
     true,
     CONN_ROLE_RUNTIME,
     "process-env-member",
     false},
};

START_TEST(test_client_detection)
{
	const struct client_case *cc = &client_cases[_i];
	struct fixture f;
	const struct connection *c;

	fixture_open(&f, cc->files, 5);
	c = find_conn(&f, ".", cc->key, cc->runtime);
	ck_assert_msg(c != NULL, "%s: no %s connection of %s", cc->what,
	              cc->runtime ? "runtime" : "non-runtime", cc->key);
	if (cc->client == NULL)
		ck_assert_msg(c->client == NULL, "%s: client %s, want none", cc->what, c->client);
	else
		ck_assert_msg(c->client != NULL && strcmp(c->client, cc->client) == 0,
		              "%s: client %s, want %s", cc->what, c->client ? c->client : "(none)",
		              cc->client);
	ck_assert_msg(c->client_major == cc->major, "%s: major %d, want %d", cc->what,
	              c->client_major, cc->major);
	ck_assert_msg((c->driver == NULL && cc->driver == NULL) ||
	                  (c->driver && cc->driver && strcmp(c->driver, cc->driver) == 0),
	              "%s: driver %s, want %s", cc->what, c->driver ? c->driver : "(none)",
	              cc->driver ? cc->driver : "(none)");
	ck_assert_msg((c->adapter == NULL && cc->adapter == NULL) ||
	                  (c->adapter && cc->adapter && strcmp(c->adapter, cc->adapter) == 0),
	              "%s: adapter %s", cc->what, c->adapter ? c->adapter : "(none)");
	ck_assert_msg(c->role == cc->role, "%s: role %s, want %s", cc->what,
	              conn_role_name(c->role), conn_role_name(cc->role));
	ck_assert_msg((c->use_kind == NULL && cc->use_kind == NULL) ||
	                  (c->use_kind && cc->use_kind && strcmp(c->use_kind, cc->use_kind) == 0),
	              "%s: used via %s, want %s", cc->what, c->use_kind ? c->use_kind : "(none)",
	              cc->use_kind ? cc->use_kind : "(none)");
	ck_assert_msg(c->prepared_off == cc->prepared_off, "%s: prepared_off", cc->what);
	ck_assert(c->used);
	if (strcmp(cc->what, "Rails reads DATABASE_URL with no code; database.yml turns prepared "
	                     "statements off") == 0)
		ck_assert_str_eq(c->use_file, "config/database.yml");
	fixture_close(&f);
}
END_TEST

START_TEST(test_fallback_loses)
{
	const struct client_case *cc = &client_cases[10];
	struct fixture f;
	const struct connection *c;

	fixture_open(&f, cc->files, 5);
	/* DATABASE_URL is only a fallback behind the defined DIRECT_URL: never used at runtime */
	c = find_conn(&f, ".", "DATABASE_URL", 1);
	ck_assert_ptr_null(c);
	c = find_conn(&f, ".", "DATABASE_URL", 0);
	ck_assert_ptr_nonnull(c);
	/* the schema url, which code replaces, and the losing fallback */
	{
		const struct service_conns *sc = connections_of(discover_find(f.scan, "."));
		size_t i;
		int lost = 0, cli_only = 0;

		for (i = 0; i < sc->len; i++) {
			if (strcmp(sc->items[i].key, "DATABASE_URL") != 0)
				continue;
			if (sc->items[i].lost_to != NULL) {
				ck_assert_str_eq(sc->items[i].lost_to, "DIRECT_URL");
				ck_assert(!sc->items[i].used);
				lost++;
			}
			if (sc->items[i].note != NULL)
				cli_only++;
		}
		ck_assert_int_eq(lost, 1);
		ck_assert_int_eq(cli_only, 1);
	}
	/* endpoint and redaction */
	c = find_conn(&f, ".", "DIRECT_URL", 1);
	ck_assert_str_eq(c->ep.provider, "supabase-pooler");
	ck_assert_int_eq(c->ep.mode, EP_MODE_SESSION);
	ck_assert_str_eq(c->ep.project, "abc");
	ck_assert_ptr_null(strstr(c->value_redacted, ":pw@"));
	ck_assert_ptr_nonnull(strstr(c->value_redacted, "postgres.abc:****@"));
	ck_assert_str_eq(c->pooled_counterpart, "DATABASE_URL");
	ck_assert_str_eq(c->use_file, "src/config/database.ts");
	ck_assert_int_eq(c->use_line, 4);
	fixture_close(&f);
}
END_TEST

/* ---- parameter tables ---- */

START_TEST(test_param_effects)
{
	struct fixture f;
	const struct repo_file files[] = {
	    {"requirements.txt", "sqlalchemy\nasyncpg\npython-dotenv\n"},
	    {".env", "A=postgresql+asyncpg://u:pw@h:5432/d?sslmode=require\n"
	             "B=postgresql://u:pw@h:5432/d\n"},
	    {"db.py", PY_ENV "import os\nimport asyncpg\nfrom sqlalchemy import create_engine\n"
	                     "e = create_engine(os.environ['A'])\n"
	                     "p = asyncpg.connect(os.environ['B'])\n"},
	};
	const struct connection *a, *b;
	const char *tpl, *fix;
	char *text;

	fixture_open(&f, files, 3);
	a = find_conn(&f, ".", "A", 1);
	b = find_conn(&f, ".", "B", 1);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(connection_param_effect(a, "sslmode", &tpl, &fix), PARAM_REJECTED);
	ck_assert_ptr_nonnull(strstr(fix, "ssl=require"));
	ck_assert_int_eq(connection_param_effect(a, "ssl", &tpl, &fix), PARAM_ACCEPTED);
	ck_assert_int_eq(connection_param_effect(a, "pgbouncer", &tpl, &fix), PARAM_REJECTED);
	text = client_error_text(tpl, "pgbouncer");
	ck_assert_str_eq(text,
	                 "TypeError: connect() got an unexpected keyword argument 'pgbouncer'");
	free(text);
	/* asyncpg: Prisma parameters become server settings; unknown others are not judged */
	ck_assert_int_eq(connection_param_effect(b, "connection_limit", &tpl, &fix),
	                 PARAM_REJECTED);
	text = client_error_text(tpl, "connection_limit");
	ck_assert_ptr_nonnull(
	    strstr(text, "unrecognized configuration parameter \"connection_limit\""));
	free(text);
	ck_assert_int_eq(connection_param_effect(b, "search_path", &tpl, &fix), PARAM_ACCEPTED);
	ck_assert_int_eq(connection_param_effect(b, "whatever", &tpl, &fix), PARAM_UNKNOWN);
	fixture_close(&f);
}
END_TEST

/* ---- rules: incidents fire, traps stay silent ---- */

START_TEST(test_seed1_rules)
{
	struct fixture f;
	const struct repo_file files[] = {
	    {"backend/requirements.txt",
	     "SQLAlchemy[asyncio]==2.0.35\nasyncpg==0.29.0\npython-dotenv\n"},
	    {"backend/.env",
	     "DATABASE_URL=postgresql+asyncpg://postgres.abc:pw@aws-0-eu-west-3.pooler"
	     ".supabase.com:5432/postgres?pgbouncer=true\n"},
	    {"backend/app/database.py",
	     PY_ENV "import os\nfrom sqlalchemy.ext.asyncio import "
	            "create_async_engine\n"
	            "engine = create_async_engine(os.environ['DATABASE_URL'])\n"},
	};
	const struct finding *fd;

	fixture_open(&f, files, 3);
	run_checks(&f);
	ck_assert_int_eq(count_rule(&f, "stray-pgbouncer-flag"), 1);
	ck_assert_int_eq(count_rule(&f, "session-mode-at-runtime"), 1);
	ck_assert_int_eq(count_connection_findings(&f), 2);
	fd = first_rule(&f, "stray-pgbouncer-flag");
	ck_assert_int_eq(fd->severity, SEV_ERROR);
	ck_assert_ptr_nonnull(strstr(fd->message, "unexpected keyword argument 'pgbouncer'"));
	ck_assert_str_eq(fd->loc.file, "backend/.env");
	/* the column of "pgbouncer=true" in the file */
	ck_assert_int_eq(fd->loc.col, 101);
	ck_assert_int_eq(fd->loc.end_col, 114);
	ck_assert_str_eq(fd->value_class,
	                 "supabase-pooler/session/abc/sqlalchemy+asyncpg/pgbouncer");
	fd = first_rule(&f, "session-mode-at-runtime");
	ck_assert_ptr_nonnull(strstr(fd->message, "(EMAXCONNSESSION)"));
	ck_assert_ptr_nonnull(strstr(fd->message, "MaxClientsInSessionMode"));
	ck_assert_ptr_nonnull(strstr(fd->message, "port 6543"));
	fixture_close(&f);
}
END_TEST

START_TEST(test_seed2_rules)
{
	struct fixture f;
	const struct client_case *cc = &client_cases[10];
	const struct finding *fd;

	fixture_open(&f, cc->files, 5);
	run_checks(&f);
	ck_assert_int_eq(count_rule(&f, "runtime-uses-direct-url"), 1);
	ck_assert_int_eq(count_rule(&f, "session-mode-at-runtime"), 1);
	/* DATABASE_URL (6543, pgbouncer=true) is a losing fallback: nothing about it */
	ck_assert_int_eq(count_connection_findings(&f), 2);
	fd = first_rule(&f, "runtime-uses-direct-url");
	ck_assert_str_eq(fd->loc.file, "src/config/database.ts");
	ck_assert_ptr_nonnull(strstr(fd->message, "Prisma 5 reads DIRECT_URL at runtime"));
	ck_assert_ptr_nonnull(strstr(fd->message, "(DATABASE_URL)"));
	fixture_close(&f);
}
END_TEST

struct silent_case {
	const char *what;
	struct repo_file files[5];
};

static const struct silent_case silent_cases[] = {
    {"Prisma 5 with pgbouncer=true on 6543 and directUrl on 5432",
     {PKG("\"@prisma/client\":\"5.22.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\nDIRECT_URL=" POOLER_5432 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider  = \"postgresql\"\n"
                               "  url       = env(\"DATABASE_URL\")\n"
                               "  directUrl = env(\"DIRECT_URL\")\n}\n"},
      {"src/db.ts", JS_ENV "import { PrismaClient } from '@prisma/client';\n"
                           "export const prisma = new PrismaClient();\n"}}},
    {"code appends pgbouncer=true at runtime",
     {PKG("\"@prisma/client\":\"6.1.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "\nDIRECT_URL=" POOLER_5432 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
                               "  url      = env(\"DATABASE_URL\")\n"
                               "  directUrl = env(\"DIRECT_URL\")\n}\n"},
      {"src/db.ts",
       JS_ENV "import { PrismaClient } from '@prisma/client';\n"
              "const u = new URL(process.env.DATABASE_URL ?? '');\n"
              "u.searchParams.set('pgbouncer', 'true');\n"
              "export const prisma = new PrismaClient({ datasourceUrl: u.toString() });\n"}}},
    {"an entrypoint defaults DIRECT_URL to DATABASE_URL",
     {PKG("\"@prisma/client\":\"5.22.0\""),
      {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\nDIRECT_URL=" POOLER_5432 "\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider  = \"postgresql\"\n"
                               "  url       = env(\"DATABASE_URL\")\n"
                               "  directUrl = env(\"DIRECT_URL\")\n}\n"},
      {"docker-entrypoint.sh", "#!/bin/sh\nexport DIRECT_URL=\"${DIRECT_URL:-$DATABASE_URL}\"\n"
                               "npx prisma migrate deploy\nexec \"$@\"\n"}}},
    {"Prisma on MySQL with Prisma-only parameters",
     {PKG("\"@prisma/client\":\"5.22.0\""),
      {".env", "DATABASE_URL=mysql://u:pw@aws.connect.psdb.cloud:6543/shop?connection_limit=5\n"},
      {"prisma/schema.prisma", "datasource db {\n  provider = \"mysql\"\n"
                               "  url      = env(\"DATABASE_URL\")\n}\n"}}},
    {"SQLAlchemy NullPool on 6543 with prepared_statement_cache_size=0",
     {{"requirements.txt", "sqlalchemy[asyncio]\nasyncpg\npython-dotenv\n"},
      {".env",
       "DATABASE_URL=postgresql+asyncpg://postgres.abc:pw@aws-0-eu-west-3.pooler.supabase.com"
       ":6543/postgres?prepared_statement_cache_size=0\n"},
      {"db.py",
       PY_ENV "import os\nfrom sqlalchemy.ext.asyncio import create_async_engine\n"
              "from sqlalchemy.pool import NullPool\n"
              "engine = create_async_engine(os.environ['DATABASE_URL'], poolclass=NullPool)\n"}}},
    {"node-postgres on a direct connection",
     {PKG("\"pg\":\"^8.12.0\""),
      {".env",
       "DATABASE_URL=postgresql://billing:pw@billing.abc.eu-west-1.rds.amazonaws.com:5432/b\n"},
      {"src/db.js",
       JS_ENV "import pg from 'pg';\n"
              "export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL "
              "});\n"}}},
    {"Neon's pooler supports protocol-level prepared statements",
     {{"requirements.txt", "asyncpg\npython-dotenv\n"},
      {".env", "DATABASE_URL=postgresql://app:pw@ep-x-1-pooler.us-east-2.aws.neon.tech/db\n"},
      {"w.py",
       PY_ENV "import os, asyncpg\npool = asyncpg.create_pool(os.environ['DATABASE_URL'])\n"}}},
    {"Django with psycopg 3: the URL is used through Django, which does not prepare",
     {{"requirements.txt", "Django>=5.0\npsycopg[binary]>=3.1\npython-dotenv\n"},
      {".env", "DATABASE_URL=" POOLER_6543 "\n"},
      {"mysite/settings.py", PY_ENV "import os\nDATABASE_URL = os.environ['DATABASE_URL']\n"}}},
    {"a migration name used by a migration script only",
     {PKG("\"pg\":\"^8.12.0\""),
      {".env", "DIRECT_URL=" POOLER_5432 "\n"},
      {"scripts/migrate.ts",
       JS_ENV "import { Client } from 'pg';\n"
              "const c = new Client({ connectionString: process.env.DIRECT_URL });\n"}}},
};

START_TEST(test_traps_stay_silent)
{
	const struct silent_case *sc = &silent_cases[_i];
	struct fixture f;
	size_t i;

	fixture_open(&f, sc->files, 5);
	run_checks(&f);
	for (i = 0; i < f.findings.items.len; i++) {
		const struct finding *fd = &f.findings.items.items[i];
		size_t r;

		for (r = 0; r < sizeof(connection_rules) / sizeof(connection_rules[0]); r++)
			ck_assert_msg(strcmp(fd->rule, connection_rules[r]) != 0, "%s: %s: %s",
			              sc->what, fd->rule, fd->message);
	}
	fixture_close(&f);
}
END_TEST

START_TEST(test_trap_guard_is_what_silences)
{
	/* The same repository as the "code appends" trap without the searchParams line fires. */
	struct fixture f;
	const struct repo_file files[] = {
	    PKG("\"@prisma/client\":\"6.1.0\""),
	    {".env", "DATABASE_URL=" POOLER_6543 "\n"},
	    {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
	                             "  url      = env(\"DATABASE_URL\")\n}\n"},
	    {"src/db.ts", JS_ENV "import { PrismaClient } from '@prisma/client';\n"
	                         "export const prisma = new PrismaClient();\n"},
	};

	fixture_open(&f, files, 4);
	run_checks(&f);
	ck_assert_int_eq(count_rule(&f, "missing-pgbouncer-flag"), 1);
	ck_assert_ptr_nonnull(
	    strstr(first_rule(&f, "missing-pgbouncer-flag")->message, "Prisma 6"));
	fixture_close(&f);
}
END_TEST

START_TEST(test_schema_url_without_direct_url_migrates_through_the_pooler)
{
	struct fixture f;
	const struct repo_file files[] = {
	    PKG("\"@prisma/client\":\"5.22.0\""),
	    {".env", "DATABASE_URL=" POOLER_6543 "?pgbouncer=true\n"},
	    {"prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n"
	                             "  url      = env(\"DATABASE_URL\")\n}\n"},
	};
	const struct finding *fd;

	fixture_open(&f, files, 3);
	run_checks(&f);
	ck_assert_int_eq(count_connection_findings(&f), 1);
	fd = first_rule(&f, "migration-url-via-transaction-pooler");
	ck_assert_ptr_nonnull(fd);
	ck_assert_ptr_nonnull(strstr(fd->message, "prepared statement \"s0\" already exists"));
	ck_assert_ptr_nonnull(strstr(fd->message, "port 5432"));
	fixture_close(&f);
}
END_TEST

START_TEST(test_components_assemble_an_endpoint)
{
	struct fixture f;
	const struct repo_file files[] = {
	    {"requirements.txt", "psycopg[binary]\npython-dotenv\n"},
	    {".env", "POSTGRES_HOST=aws-0-eu-west-3.pooler.supabase.com\nPOSTGRES_PORT=6543\n"
	             "POSTGRES_USER=postgres\nPOSTGRES_DB=postgres\n"},
	    {"app.py", PY_ENV "import os\nhost = os.environ['POSTGRES_HOST']\n"},
	};
	const struct connection *c;

	fixture_open(&f, files, 3);
	c = find_conn(&f, ".", "POSTGRES_*", 1);
	ck_assert_ptr_nonnull(c);
	ck_assert(c->from_components);
	ck_assert_str_eq(c->ep.provider, "supabase-pooler");
	ck_assert_int_eq(c->ep.mode, EP_MODE_TRANSACTION);
	ck_assert_str_eq(c->client, "psycopg");
	run_checks(&f);
	/* psycopg 3 prepares statements by default; POSTGRES_USER lacks the project ref */
	ck_assert_int_eq(count_rule(&f, "prepared-statements-in-transaction-mode"), 1);
	ck_assert_int_eq(count_rule(&f, "pooler-username"), 1);
	ck_assert_str_eq(first_rule(&f, "pooler-username")->key, "POSTGRES_*");
	fixture_close(&f);
}
END_TEST

/*
 * Every file is listed under the service discover_owner names for it, with
 * nested services and siblings whose names extend a service's ("web-admin",
 * "web.old" sort between "web" and "web/..."): the scan assigns owners folder
 * by folder and reuses the last owner while files stay inside it.
 */
START_TEST(test_file_owners)
{
	static const struct repo_file files[] = {
	    {"package.json", "{\"name\": \"root\"}\n"},
	    {"tools/gen.ts", "export {};\n"},
	    {"apps/web/package.json", "{\"name\": \"web\"}\n"},
	    {"apps/web/src/a.ts", "export {};\n"},
	    {"apps/web/src/deep/b.ts", "export {};\n"},
	    {"apps/web/functions/package.json", "{\"name\": \"fn\"}\n"},
	    {"apps/web/functions/src/c.ts", "export {};\n"},
	    {"apps/web/functions-old/d.ts", "export {};\n"},
	    {"apps/web/z.ts", "export {};\n"},
	    {"apps/web-admin/package.json", "{\"name\": \"admin\"}\n"},
	    {"apps/web-admin/src/e.ts", "export {};\n"},
	    {"apps/web.old/f.ts", "export {};\n"},
	    {"apps/webz/g.ts", "export {};\n"},
	    {"services/api/requirements.txt", "psycopg\n"},
	    {"services/api/app/h.py", "x = 1\n"},
	    {"services/api2/i.py", "x = 1\n"},
	};
	struct fixture f;
	size_t i, j, listed = 0, owned = 0;

	fixture_open(&f, files, sizeof(files) / sizeof(files[0]));
	for (i = 0; i < f.scan->walk->nentries; i++) {
		const char *path = f.scan->walk->entries[i].path;
		const struct service *want = discover_owner(f.scan, path);
		bool found = false;

		if (want == NULL)
			continue;
		owned++;
		for (j = 0; j < want->files.len && !found; j++)
			found = want->files.items[j] == i;
		ck_assert_msg(found, "%s is not listed under %s", path, want->path);
	}
	for (i = 0; i < f.scan->services.len; i++)
		listed += f.scan->services.items[i]->files.len;
	ck_assert_uint_eq(listed, owned);
	ck_assert_str_eq(discover_owner(f.scan, "apps/web/functions/src/c.ts")->path,
	                 "apps/web/functions");
	ck_assert_str_eq(discover_owner(f.scan, "apps/web/z.ts")->path, "apps/web");
	ck_assert_str_eq(discover_owner(f.scan, "apps/web.old/f.ts")->path, ".");
	ck_assert(discover_has_nested(f.scan, discover_find(f.scan, "apps/web")));
	ck_assert(!discover_has_nested(f.scan, discover_find(f.scan, "apps/web-admin")));
	ck_assert(!discover_has_nested(f.scan, discover_find(f.scan, "apps/web/functions")));
	ck_assert(!discover_has_nested(f.scan, discover_find(f.scan, "services/api")));
	fixture_close(&f);
}
END_TEST

static Suite *
connection_suite(void)
{
	Suite *s = suite_create("connection");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_client_detection, 0,
	                    (int)(sizeof(client_cases) / sizeof(client_cases[0])));
	tcase_add_test(tc, test_fallback_loses);
	tcase_add_test(tc, test_file_owners);
	tcase_add_test(tc, test_param_effects);
	tcase_add_test(tc, test_seed1_rules);
	tcase_add_test(tc, test_seed2_rules);
	tcase_add_loop_test(tc, test_traps_stay_silent, 0,
	                    (int)(sizeof(silent_cases) / sizeof(silent_cases[0])));
	tcase_add_test(tc, test_trap_guard_is_what_silences);
	tcase_add_test(tc, test_schema_url_without_direct_url_migrates_through_the_pooler);
	tcase_add_test(tc, test_components_assemble_an_endpoint);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(connection_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
