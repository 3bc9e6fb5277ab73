/*
 * Unit tests for src/parse/manifest*.c: kind detection, every manifest kind in
 * several writing styles, Dockerfile stages and forms, and malformed input.
 * Each parse is rendered to text (one item per line) and compared whole, so a
 * failure shows exactly what a consumer would see.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/manifest.h"
#include "util/buf.h"

/* ------------------------------------------------------------------------ */
/* Kind detection */

struct kind_case {
	const char *name;
	enum manifest_kind kind;
};

static const struct kind_case kind_cases[] = {
    {"package.json", MANIFEST_PACKAGE_JSON},
    {"pyproject.toml", MANIFEST_PYPROJECT},
    {"requirements.txt", MANIFEST_REQUIREMENTS},
    {"requirements-dev.txt", MANIFEST_REQUIREMENTS},
    {"requirements_test.txt", MANIFEST_REQUIREMENTS},
    {"requirements.in", MANIFEST_NONE},
    {"dev-requirements.txt", MANIFEST_NONE},
    {"Pipfile", MANIFEST_PIPFILE},
    {"Pipfile.lock", MANIFEST_NONE},
    {"go.mod", MANIFEST_GO_MOD},
    {"go.sum", MANIFEST_NONE},
    {"Cargo.toml", MANIFEST_CARGO},
    {"cargo.toml", MANIFEST_NONE},
    {"Gemfile", MANIFEST_GEMFILE},
    {"Gemfile.lock", MANIFEST_NONE},
    {"composer.json", MANIFEST_COMPOSER},
    {"pom.xml", MANIFEST_POM},
    {"build.gradle", MANIFEST_GRADLE},
    {"build.gradle.kts", MANIFEST_GRADLE},
    {"settings.gradle", MANIFEST_NONE},
    {"Dockerfile", MANIFEST_DOCKERFILE},
    {"Dockerfile.prod", MANIFEST_DOCKERFILE},
    {"api.Dockerfile", MANIFEST_DOCKERFILE},
    {"Dockerfile.", MANIFEST_NONE},
    {".Dockerfile", MANIFEST_NONE},
    {"Dockerfiles", MANIFEST_NONE},
    {"Procfile", MANIFEST_PROCFILE},
    {"pnpm-workspace.yaml", MANIFEST_PNPM_WORKSPACE},
    {"package-lock.json", MANIFEST_NONE},
    {"", MANIFEST_NONE},
};

START_TEST(test_manifest_kind_of)
{
	const struct kind_case *c = &kind_cases[_i];

	ck_assert_msg(manifest_kind_of(c->name) == c->kind, "%s: kind %d, expected %d", c->name,
	              (int)manifest_kind_of(c->name), (int)c->kind);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Parse results rendered as text */

static char *
render(const struct manifest *m)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	if (m->name != NULL)
		buf_printf(&b, "name:%s\n", m->name);
	for (size_t i = 0; i < m->ndeps; i++)
		buf_printf(&b, "dep:%s %s%s @%d:%d\n", m->deps[i].name,
		           m->deps[i].version ? m->deps[i].version : "-",
		           m->deps[i].dev ? " dev" : "", m->deps[i].line, m->deps[i].col);
	for (size_t i = 0; i < m->ncommands; i++)
		buf_printf(&b, "cmd:%s%s=%s @%d:%d\n", m->commands[i].name,
		           m->commands[i].exec_form ? "(exec)" : "", m->commands[i].command,
		           m->commands[i].line, m->commands[i].col);
	for (size_t i = 0; i < m->nenv; i++)
		buf_printf(&b, "env:%s=%s @%d:%d\n", m->env[i].key, m->env[i].value, m->env[i].line,
		           m->env[i].col);
	for (size_t i = 0; i < m->nworkspaces; i++)
		buf_printf(&b, "ws:%s\n", m->workspaces[i]);
	for (size_t i = 0; i < m->nincludes; i++)
		buf_printf(&b, "include:%s%s @%d:%d\n", m->includes[i].path,
		           m->includes[i].constraint ? " constraint" : "", m->includes[i].line,
		           m->includes[i].col);
	if (m->workdir != NULL)
		buf_printf(&b, "workdir:%s\n", m->workdir);
	if (m->prisma_schema != NULL)
		buf_printf(&b, "prisma:%s\n", m->prisma_schema);
	return buf_detach(&b);
}

struct parse_case {
	const char *file; /* base name: gives the kind */
	const char *in;
	const char *want; /* render() of the result */
};

static void
check_parse_case(const struct parse_case *c)
{
	struct el_error err = EL_ERROR_INIT;
	struct manifest *m = NULL;
	enum manifest_kind kind = manifest_kind_of(c->file);
	int rc = manifest_parse(&m, kind, c->file, c->in, strlen(c->in), &err);
	char *got;

	ck_assert_msg(rc == 0, "%s: failed: %s:%d:%d: %s\n--- input\n%s", c->file, err.path,
	              err.line, err.col, err.msg, c->in);
	ck_assert_int_eq(m->kind, kind);
	got = render(m);
	ck_assert_msg(strcmp(got, c->want) == 0, "%s\n--- input\n%s\n--- expected\n%s--- got\n%s",
	              c->file, c->in, c->want, got);
	free(got);
	manifest_free(m);
	el_error_clear(&err);
}

/* ------------------------------------------------------------------------ */
/* package.json, composer.json, pnpm-workspace.yaml */

static const struct parse_case json_cases[] = {
    {"package.json",
     "{\n"
     "  \"name\": \"@acme/api\",\n"
     "  \"scripts\": {\n"
     "    \"dev\": \"dotenv -e ../../.env -- next dev\",\n"
     "    \"start\": \"node --env-file=.env dist/main.js\"\n"
     "  },\n"
     "  \"dependencies\": {\"@prisma/client\": \"^5.10.0\", \"pg\": \"8.11.3\"},\n"
     "  \"devDependencies\": {\n"
     "    \"prisma\": \"^5.10.0\"\n"
     "  },\n"
     "  \"peerDependencies\": {\"react\": \">=18\"},\n"
     "  \"optionalDependencies\": {\"pg-native\": \"*\"},\n"
     "  \"prisma\": {\"schema\": \"db/schema.prisma\"}\n"
     "}\n",
     "name:@acme/api\n"
     "dep:@prisma/client ^5.10.0 @7:20\n"
     "dep:pg 8.11.3 @7:49\n"
     "dep:prisma ^5.10.0 dev @9:5\n"
     "dep:react >=18 @11:24\n"
     "dep:pg-native * @12:28\n"
     "cmd:dev=dotenv -e ../../.env -- next dev @4:5\n"
     "cmd:start=node --env-file=.env dist/main.js @5:5\n"
     "prisma:db/schema.prisma\n"},
    /* workspaces as an array; tabs, CRLF, a BOM and escapes */
    {"package.json",
     "\xEF\xBB\xBF{\r\n\t\"name\": \"root\",\r\n\t\"private\": true,\r\n"
     "\t\"workspaces\": [\"apps/*\", \"packages/*\"],\r\n"
     "\t\"scripts\": {\"db\": \"prisma \\\"migrate\\\" dev \\u00e9\\/x\"}\r\n}\r\n",
     "name:root\n"
     "cmd:db=prisma \"migrate\" dev \xC3\xA9/x @5:14\n"
     "ws:apps/*\n"
     "ws:packages/*\n"},
    /* workspaces as {"packages": [...]} (yarn classic) */
    {"package.json",
     "{\"name\":\"mono\",\"workspaces\":{\"packages\":[\"services/*\"],\"nohoist\":[\"**/x\"]}}",
     "name:mono\n"
     "ws:services/*\n"},
    /* fields of the wrong type are skipped, not fatal */
    {"package.json",
     "{\"name\": 3, \"dependencies\": [\"pg\"], \"scripts\": {\"x\": {\"y\": 1}}, "
     "\"workspaces\": \"apps/*\", \"prisma\": \"schema.prisma\"}",
     "name:3\n"},
    {"package.json", "{}", ""},
    {"composer.json",
     "{\n"
     "    \"name\": \"acme/shop\",\n"
     "    \"require\": {\n"
     "        \"php\": \"^8.2\",\n"
     "        \"ext-pdo_pgsql\": \"*\",\n"
     "        \"doctrine/dbal\": \"^3.8\"\n"
     "    },\n"
     "    \"require-dev\": {\"phpunit/phpunit\": \"^10\"}\n"
     "}\n",
     "name:acme/shop\n"
     "dep:php ^8.2 @4:9\n"
     "dep:ext-pdo_pgsql * @5:9\n"
     "dep:doctrine/dbal ^3.8 @6:9\n"
     "dep:phpunit/phpunit ^10 dev @8:21\n"},
    {"pnpm-workspace.yaml",
     "# monorepo\npackages:\n  - 'apps/*'\n  - \"packages/**\"\n  - '!**/test/**'\n"
     "catalog:\n  pg: ^8\n",
     "ws:apps/*\n"
     "ws:packages/**\n"
     "ws:!**/test/**\n"},
    {"pnpm-workspace.yaml", "packages: [apps/*, libs/*]\n", "ws:apps/*\nws:libs/*\n"},
    {"pnpm-workspace.yaml", "", ""},
    {"pnpm-workspace.yaml",
     "packages:\n  - &apps apps/*\n  - *apps\ncatalog: &c {pg: ^8}\ncatalogs: {default: *c}\n",
     "ws:apps/*\nws:apps/*\n"},
};

START_TEST(test_manifest_json_forms)
{
	check_parse_case(&json_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* pyproject.toml, Pipfile, Cargo.toml */

static const struct parse_case toml_cases[] = {
    /* PEP 621 with a multi-line array, comments, extras and markers */
    {"pyproject.toml",
     "[build-system]\n"
     "requires = [\"hatchling\"]\n"
     "\n"
     "[project]\n"
     "name = \"acme-api\"  # the service\n"
     "version = \"0.1.0\"\n"
     "dependencies = [\n"
     "    \"uvicorn[standard]>=0.29\",   # server\n"
     "    'SQLAlchemy[asyncio] >= 2.0 ; python_version >= \"3.9\"',\n"
     "    \"psycopg[binary,pool]\",\n"
     "    # \"commented==1\",\n"
     "    \"Flask_SQLAlchemy\",\n"
     "    \"\"\"zope.interface\"\"\",\n"
     "]\n"
     "\n"
     "[project.optional-dependencies]\n"
     "postgres = [\"asyncpg>=0.29\"]\n"
     "\n"
     "[project.scripts]\n"
     "acme-api = \"acme.main:run\"\n"
     "\n"
     "[dependency-groups]\n"
     "dev = [\"pytest>=8\", {include-group = \"lint\"}]\n"
     "lint = [\"ruff\"]\n",
     "name:acme-api\n"
     "dep:uvicorn >=0.29 @8:5\n"
     "dep:sqlalchemy >= 2.0 @9:5\n"
     "dep:psycopg - @10:5\n"
     "dep:flask-sqlalchemy - @12:5\n"
     "dep:zope-interface - @13:5\n"
     "dep:asyncpg >=0.29 @17:13\n"
     "dep:pytest >=8 dev @23:8\n"
     "dep:ruff - dev @24:9\n"
     "cmd:acme-api=acme.main:run @20:1\n"},
    /* Poetry: main table, groups, inline tables, dotted keys, CRLF */
    {"pyproject.toml",
     "[tool.poetry]\r\n"
     "name = \"worker\"\r\n"
     "\r\n"
     "[tool.poetry.dependencies]\r\n"
     "python = \"^3.11\"\r\n"
     "Django = {version = \"^5.0\", extras = [\"argon2\"]}\r\n"
     "psycopg2-binary = \"2.9.9\"\r\n"
     "celery = { version = \"^5.3\", optional = true }\r\n"
     "\r\n"
     "[tool.poetry.group.dev.dependencies]\r\n"
     "pytest = \"^8.0\"\r\n"
     "\r\n"
     "[tool.poetry.group.main.dependencies]\r\n"
     "redis = \"*\"\r\n"
     "\r\n"
     "[tool.poetry.dev-dependencies]\r\n"
     "black = \"*\"\r\n"
     "[tool.poetry.scripts]\r\n"
     "worker = 'worker.cli:main'\r\n",
     "name:worker\n"
     "dep:python ^3.11 @5:1\n"
     "dep:django ^5.0 @6:1\n"
     "dep:psycopg2-binary 2.9.9 @7:1\n"
     "dep:celery ^5.3 @8:1\n"
     "dep:black * dev @17:1\n"
     "dep:pytest ^8.0 dev @11:1\n"
     "dep:redis * @14:1\n"
     "cmd:worker=worker.cli:main @19:1\n"},
    /* uv and PDM dev groups; dotted keys at top level */
    {"pyproject.toml",
     "project.name = \"svc\"\n"
     "project.dependencies = [\"fastapi\"]\n"
     "[tool.uv]\n"
     "dev-dependencies = [\n  \"mypy\",\n]\n"
     "[tool.pdm.dev-dependencies]\n"
     "test = [\"pytest-asyncio\"]\n",
     "name:svc\n"
     "dep:fastapi - @2:25\n"
     "dep:mypy - dev @5:3\n"
     "dep:pytest-asyncio - dev @8:9\n"},
    /* a uv workspace root without [project] is virtual: its members are recorded */
    {"pyproject.toml",
     "[dependency-groups]\n"
     "dev = [\"ruff\"]\n"
     "\n"
     "[tool.uv.workspace]\n"
     "members = [\"services/api\", 'libs/*']\n",
     "dep:ruff - dev @2:8\n"
     "ws:services/api\n"
     "ws:libs/*\n"},
    /* a root with [project] is a package of the workspace itself: no members */
    {"pyproject.toml",
     "[project]\n"
     "name = \"root-app\"\n"
     "dependencies = [\"fastapi\"]\n"
     "[tool.uv.workspace]\n"
     "members = [\"libs/*\"]\n",
     "name:root-app\n"
     "dep:fastapi - @3:17\n"},
    /* other value kinds are skipped: numbers, booleans, dates, arrays of tables */
    {"pyproject.toml",
     "[project]\n"
     "name = 'x'\n"
     "requires-python = \">=3.10\"\n"
     "readme = {file = \"README.md\", content-type = \"text/markdown\"}\n"
     "authors = [{name = \"A\", email = \"a@example.com\"}]\n"
     "dynamic = []\n"
     "[tool.x]\n"
     "n = 1_000\nb = true\nd = 1979-05-27T07:32:00Z\nf = -3.5e2\n"
     "[[tool.x.items]]\nk = 'v'\n[[tool.x.items]]\nk = '''multi\nline'''\n",
     "name:x\n"},
    {"Pipfile",
     "[[source]]\n"
     "url = \"https://pypi.org/simple\"\n"
     "verify_ssl = true\n"
     "\n"
     "[packages]\n"
     "django = \"*\"\n"
     "\"psycopg2\" = \"==2.9.9\"\n"
     "gunicorn = {version = \">=21\", markers = \"sys_platform != 'win32'\"}\n"
     "\n"
     "[dev-packages]\n"
     "pytest_django = \"*\"\n"
     "\n"
     "[requires]\n"
     "python_version = \"3.12\"\n",
     "dep:django * @6:1\n"
     "dep:psycopg2 ==2.9.9 @7:1\n"
     "dep:gunicorn >=21 @8:1\n"
     "dep:pytest-django * dev @11:1\n"},
    {"Cargo.toml",
     "[package]\n"
     "name = \"api\"\n"
     "edition = \"2021\"\n"
     "\n"
     "[dependencies]\n"
     "sqlx = { version = \"0.7\", features = [\"runtime-tokio\", \"postgres\"] }\n"
     "tokio-postgres = \"0.7\"\n"
     "pg = { package = \"tokio-postgres\", version = \"0.7\" }\n"
     "local = { path = \"../local\" }\n"
     "\n"
     "[dependencies.diesel]\n"
     "version = \"2.1\"\n"
     "features = [\"postgres\"]\n"
     "\n"
     "[dev-dependencies]\n"
     "mockall = \"0.12\"\n"
     "\n"
     "[target.'cfg(unix)'.dependencies]\n"
     "nix = \"0.27\"\n",
     "name:api\n"
     "dep:sqlx 0.7 @6:1\n"
     "dep:tokio-postgres 0.7 @7:1\n"
     "dep:tokio-postgres 0.7 @8:1\n"
     "dep:local - @9:1\n"
     "dep:diesel 2.1 @11:15\n"
     "dep:mockall 0.12 dev @16:1\n"
     "dep:nix 0.27 @19:1\n"},
    {"Cargo.toml",
     "[workspace]\n"
     "resolver = \"2\"\n"
     "members = [\n"
     "  \"crates/*\",\n"
     "  \"services/api\", # the API\n"
     "]\n"
     "[workspace.dependencies]\n"
     "serde = \"1\"\n",
     "ws:crates/*\n"
     "ws:services/api\n"},
};

START_TEST(test_manifest_toml_forms)
{
	check_parse_case(&toml_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* requirements*.txt */

static const struct parse_case requirements_cases[] = {
    {"requirements.txt",
     "# production\n"
     "Django>=4.2,<5  # web\n"
     "psycopg2-binary==2.9.9\n"
     "uvicorn[standard]>=0.29 ; python_version >= \"3.8\"\n"
     "SQLAlchemy \\\n"
     "    >=2.0\n"
     "  gunicorn\n"
     "-r base.txt\n"
     "--requirement=common.txt\n"
     "-c constraints.txt\n"
     "-e git+https://github.com/acme/lib.git@main#egg=Acme_Lib\n"
     "-e ./local-pkg\n"
     "--index-url https://pypi.example.com/simple\n"
     "requests==2.31.0 \\\n"
     "    --hash=sha256:abc \\\n"
     "    --hash=sha256:def\n"
     "https://example.com/pkgs/foo-1.0.tar.gz#egg=foo_pkg\n"
     "./downloads/bar.whl\n"
     "celery @ https://example.com/celery.zip\n",
     "dep:django >=4.2,<5 @2:1\n"
     "dep:psycopg2-binary ==2.9.9 @3:1\n"
     "dep:uvicorn >=0.29 @4:1\n"
     "dep:sqlalchemy >=2.0 @5:1\n"
     "dep:gunicorn - @7:3\n"
     "dep:acme-lib - @11:1\n"
     "dep:requests ==2.31.0 @14:1\n"
     "dep:foo-pkg - @17:1\n"
     "dep:celery @ https://example.com/celery.zip @19:1\n"
     "include:base.txt @8:4\n"
     "include:common.txt @9:15\n"
     "include:constraints.txt constraint @10:4\n"},
    /* CRLF and CR-only line endings, a trailing continuation */
    {"requirements-dev.txt", "pytest\r\nblack==24.1\r\n",
     "dep:pytest - @1:1\ndep:black ==24.1 @2:1\n"},
    {"requirements-dev.txt", "a\rb\r", "dep:a - @1:1\ndep:b - @2:1\n"},
    {"requirements-dev.txt", "ruff \\", "dep:ruff - @1:1\n"},
    {"requirements-dev.txt", "\n\n   \n#only comments\n", ""},
};

START_TEST(test_manifest_requirements)
{
	check_parse_case(&requirements_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* go.mod, Gemfile, pom.xml, build.gradle(.kts), Procfile */

static const struct parse_case line_cases[] = {
    {"go.mod",
     "module github.com/acme/api // the API\n"
     "\n"
     "go 1.22\n"
     "\n"
     "require github.com/lib/pq v1.10.9\n"
     "require (\n"
     "\tgithub.com/jackc/pgx/v5 v5.5.5\n"
     "\tgorm.io/gorm v1.25.7 // indirect\n"
     "\t// a comment\n"
     ")\n"
     "replace (\n"
     "\tgithub.com/x/y => ../y\n"
     ")\n"
     "exclude github.com/old/thing v0.1.0\n",
     "name:github.com/acme/api\n"
     "dep:github.com/lib/pq v1.10.9 @5:9\n"
     "dep:github.com/jackc/pgx/v5 v5.5.5 @7:2\n"
     "dep:gorm.io/gorm v1.25.7 @8:2\n"},
    {"Gemfile",
     "source 'https://rubygems.org'\n"
     "ruby '3.3.0'\n"
     "\n"
     "gem 'rails', '~> 7.1', '>= 7.1.3'\n"
     "gem \"pg\", \"~> 1.5\" # postgres\n"
     "gem 'puma', require: false\n"
     "gem('sidekiq')\n"
     "gem 'rubocop', group: :development\n"
     "\n"
     "group :development, :test do\n"
     "  gem 'rspec-rails'\n"
     "  platforms :mri do\n"
     "    gem 'byebug'\n"
     "  end\n"
     "end\n"
     "\n"
     "group :production do\n"
     "  gem 'lograge'\n"
     "end\n"
     "if ENV['EXTRA']\n"
     "  gem 'extra'\n"
     "end\n"
     "gem 'dotenv-rails'\n",
     "dep:rails ~> 7.1, >= 7.1.3 @4:6\n"
     "dep:pg ~> 1.5 @5:6\n"
     "dep:puma - @6:6\n"
     "dep:sidekiq - @7:6\n"
     "dep:rubocop - dev @8:6\n"
     "dep:rspec-rails - dev @11:8\n"
     "dep:byebug - dev @13:10\n"
     "dep:lograge - @18:8\n"
     "dep:extra - @21:8\n"
     "dep:dotenv-rails - @23:6\n"},
    {"pom.xml",
     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
     "  "
     "<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</"
     "artifactId></parent>\n"
     "  <artifactId>orders</artifactId>\n"
     "  <dependencyManagement><dependencies><dependency>\n"
     "    <groupId>managed</groupId><artifactId>bom</artifactId>\n"
     "  </dependency></dependencies></dependencyManagement>\n"
     "  <dependencies>\n"
     "    <!-- <dependency><groupId>x</groupId><artifactId>commented</artifactId></dependency> "
     "-->\n"
     "    <dependency>\n"
     "      <groupId>org.postgresql</groupId>\n"
     "      <artifactId>postgresql</artifactId>\n"
     "      <version>${pg.version}</version>\n"
     "    </dependency>\n"
     "    <dependency><groupId>com.zaxxer</groupId><artifactId>HikariCP</artifactId></dependency>\n"
     "    <dependency>\n"
     "      <groupId>org.junit.jupiter</groupId>\n"
     "      <artifactId>junit-jupiter</artifactId>\n"
     "      <scope>test</scope>\n"
     "    </dependency>\n"
     "  </dependencies>\n"
     "  <build><plugins><plugin><artifactId>p</artifactId><dependencies><dependency>\n"
     "    <groupId>plug</groupId><artifactId>in</artifactId></dependency></dependencies>\n"
     "  </plugin></plugins></build>\n"
     "</project>\n",
     "name:orders\n"
     "dep:org.postgresql:postgresql ${pg.version} @10:5\n"
     "dep:com.zaxxer:HikariCP - @15:5\n"
     "dep:org.junit.jupiter:junit-jupiter - dev @16:5\n"},
    {"build.gradle",
     "plugins { id 'java' }\n"
     "dependencies {\n"
     "    implementation 'org.springframework.boot:spring-boot-starter-data-jpa'\n"
     "    runtimeOnly \"org.postgresql:postgresql:42.7.3\"\n"
     "    implementation group: 'com.zaxxer', name: 'HikariCP', version: '5.1.0'\n"
     "    // implementation 'commented:out:1'\n"
     "    /* api 'also:commented:1' */\n"
     "    testImplementation 'org.testcontainers:postgresql:1.19.7'\n"
     "    implementation platform('org.springframework.boot:spring-boot-dependencies:3.2.0')\n"
     "    implementation project(':core')\n"
     "    implementation libs.flyway\n"
     "}\n",
     "dep:org.springframework.boot:spring-boot-starter-data-jpa - @3:20\n"
     "dep:org.postgresql:postgresql 42.7.3 @4:17\n"
     "dep:com.zaxxer:HikariCP 5.1.0 @5:20\n"
     "dep:org.testcontainers:postgresql 1.19.7 dev @8:24\n"
     "dep:org.springframework.boot:spring-boot-dependencies 3.2.0 @9:29\n"},
    {"build.gradle.kts",
     "dependencies {\n"
     "    implementation(\"org.jetbrains.exposed:exposed-jdbc:0.49.0\")\n"
     "    runtimeOnly(\"org.postgresql:postgresql:$pgVersion\")\n"
     "    api(group = \"io.r2dbc\", name = \"r2dbc-postgresql\", version = \"1.0.5.RELEASE\")\n"
     "    testRuntimeOnly(\"com.h2database:h2:2.2.224:tests\")\n"
     "    val x = \"implementation not:a:dep\"\n"
     "}\n",
     "dep:org.jetbrains.exposed:exposed-jdbc 0.49.0 @2:20\n"
     "dep:org.postgresql:postgresql $pgVersion @3:17\n"
     "dep:io.r2dbc:r2dbc-postgresql 1.0.5.RELEASE @4:9\n"
     "dep:com.h2database:h2 2.2.224 dev @5:21\n"},
    {"Procfile",
     "web: gunicorn app.wsgi --workers ${WEB_CONCURRENCY:-2}\n"
     "# release phase\n"
     "release:   python manage.py migrate\r\n"
     "worker_1: celery -A app worker\n"
     "not a process line\n"
     ": empty name\n",
     "cmd:web=gunicorn app.wsgi --workers ${WEB_CONCURRENCY:-2} @1:1\n"
     "cmd:release=python manage.py migrate @3:1\n"
     "cmd:worker_1=celery -A app worker @4:1\n"},
};

START_TEST(test_manifest_line_formats)
{
	check_parse_case(&line_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Dockerfiles */

static const struct parse_case docker_cases[] = {
    /* multi-stage: only the last stage counts */
    {"Dockerfile",
     "FROM node:20 AS build\n"
     "WORKDIR /src\n"
     "ENV NODE_ENV=development\n"
     "CMD [\"npm\", \"run\", \"build\"]\n"
     "\n"
     "FROM node:20-slim\n"
     "ARG VERSION=1\n"
     "WORKDIR /app\n"
     "ENV NODE_ENV=production PORT=3000 GREETING=\"hello world\"\n"
     "ENV LEGACY_KEY some value here\n"
     "CMD [\"node\", \"--env-file=.env\", \"dist/main.js\"]\n",
     "cmd:CMD=node --env-file=.env dist/main.js @11:1\n"
     "env:NODE_ENV=production @9:5\n"
     "env:PORT=3000 @9:25\n"
     "env:GREETING=hello world @9:35\n"
     "env:LEGACY_KEY=some value here @10:5\n"
     "workdir:/app\n"},
    /* shell form with continuations and a comment line inside; entrypoint */
    {"Dockerfile.prod",
     "# syntax=docker/dockerfile:1\n"
     "FROM python:3.12\n"
     "workdir /srv\n"
     "workdir api\n"
     "entrypoint [\"/entrypoint.sh\"]\n"
     "CMD gunicorn app:app \\\n"
     "# a comment inside the continuation\n"
     "    --workers 4 \\\n"
     "\n"
     "    --bind 0.0.0.0:8000\n",
     "cmd:ENTRYPOINT(exec)=/entrypoint.sh @5:1\n"
     "cmd:CMD=gunicorn app:app     --workers 4     --bind 0.0.0.0:8000 @6:1\n"
     "workdir:/srv/api\n"},
    /* a stage FROM an earlier stage inherits its settings */
    {"api.Dockerfile",
     "FROM node:20 AS base\n"
     "ENV DATABASE_URL=postgres://db/app\n"
     "CMD [\"node\", \"server.js\"]\n"
     "FROM base AS dev\n"
     "ENV DEBUG=1\n"
     "FROM base AS prod\n"
     "ENV DATABASE_URL=postgres://prod/app\n",
     "cmd:CMD=node server.js @3:1\n"
     "env:DATABASE_URL=postgres://prod/app @7:5\n"},
    /* exec-form words that sh would split are quoted; an exec-form ENTRYPOINT is marked */
    {"Dockerfile",
     "FROM node:20\n"
     "ENTRYPOINT [\"dotenv\", \"-e\", \"/app/my env\", \"--\"]\n"
     "CMD [\"sh\", \"-c\", \"node migrate.js && exec node server.js\"]\n",
     "cmd:ENTRYPOINT(exec)=dotenv -e '/app/my env' -- @2:1\n"
     "cmd:CMD=sh -c 'node migrate.js && exec node server.js' @3:1\n"},
    /* ENTRYPOINT resets an inherited CMD; exec form that is not JSON is shell form */
    {"Dockerfile",
     "FROM alpine AS a\n"
     "CMD [\"sh\"]\n"
     "FROM a\n"
     "ENTRYPOINT ['node', 'x.js']\n",
     "cmd:ENTRYPOINT=['node', 'x.js'] @4:1\n"},
    /* heredocs are skipped; escape directive; CRLF */
    {"Dockerfile",
     "# escape=`\r\n"
     "FROM mcr.microsoft.com/windows\r\n"
     "RUN <<EOF\r\n"
     "CMD not-an-instruction\r\n"
     "EOF\r\n"
     "COPY <<-\"END\" /app/start.sh\r\n"
     "\tCMD also-not\r\n"
     "\tEND\r\n"
     "ENV A=\"x y\" `\r\n"
     "    B=2\r\n"
     "CMD [\"C:\\\\app\\\\run.exe\", \"--port\", \"80\"]\r\n",
     "cmd:CMD='C:\\app\\run.exe' --port 80 @11:1\n"
     "env:A=x y @9:5\n"
     "env:B=2 @10:5\n"},
    /* a later ENV of the same key replaces the earlier one; quotes and escapes */
    {"Dockerfile",
     "FROM scratch\n"
     "ENV A=1\n"
     "ENV A=2 B='single $X' C=a\\ b\n"
     "ENV D=\"${HOME}/x\"\n",
     "env:A=2 @3:5\n"
     "env:B=single $X @3:9\n"
     "env:C=a b @3:23\n"
     "env:D=${HOME}/x @4:5\n"},
    /* an unterminated continuation at the end of the file, no FROM */
    {"Dockerfile", "CMD echo \\", "cmd:CMD=echo @1:1\n"},
    {"Dockerfile", "", ""},
    {"Dockerfile", "FROM x\nCMD []\n", "cmd:CMD= @2:1\n"},
};

START_TEST(test_manifest_dockerfile)
{
	check_parse_case(&docker_cases[_i]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Malformed input: an error at path:line:col */

struct bad_case {
	const char *file;
	const char *in;
	int line, col;
	const char *msg; /* substring of the message */
};

static const struct bad_case bad_cases[] = {
    {"package.json", "{\"name\": \"x\",\n  \"dependencies\": {\"pg\": \"8\"\n}\n", 4, 1,
     "did not find expected ',' or '}'"},
    {"package.json", "", 1, 1, "package.json is empty"},
    {"package.json", "[1, 2]", 1, 1, "expected a JSON object at the top level, not a list"},
    {"package.json", "{\"a\": \"unterminated}\n", 2, 1, ""},
    {"composer.json", "\"just a string\"", 1, 1, "expected a JSON object"},
    {"pnpm-workspace.yaml", "packages: apps/*\n", 1, 11, "must be a list of globs"},
    {"pnpm-workspace.yaml", "packages:\n  - a\n - b\n", 3, 2, ""},
    {"pyproject.toml", "[project]\nname = \"x\ndependencies = []\n", 2, 8, "unterminated string"},
    {"pyproject.toml", "[project]\ndependencies = [\n  \"a\",\n", 2, 16, "unterminated array"},
    {"pyproject.toml", "[project\n", 1, 9, "expected `]` after a table name"},
    {"pyproject.toml", "name \"x\"\n", 1, 6, "expected `=` after a key"},
    {"pyproject.toml", "a = \"x\" b = 1\n", 1, 9, "expected the end of the line"},
    {"pyproject.toml", "a = \n", 1, 5, "expected a value"},
    {"pyproject.toml", "a = [1 2]\n", 1, 8, "expected `,` or `]` in an array"},
    {"pyproject.toml", "a = \"\\q\"\n", 1, 7, "invalid escape sequence"},
    {"pyproject.toml", "a = 1\n[a.b]\n", 2, 2, "key `a` is not a table"},
    {"Pipfile", "[packages]\ndjango = {version = \"*\"\n", 2, 10, "unterminated inline table"},
    {"Cargo.toml", "[dependencies]\nserde = { version = \"1\" x }\n", 2, 25,
     "expected `,` or `}` in an inline table"},
    {"Cargo.toml", "[[bin]\n", 1, 7, "expected `]]` after a table name"},
};

START_TEST(test_manifest_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct manifest *m = NULL;
	int rc = manifest_parse(&m, manifest_kind_of(c->file), c->file, c->in, strlen(c->in), &err);

	ck_assert_msg(rc == -1, "%s: accepted:\n%s", c->file, c->in);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(err.path, c->file);
	ck_assert_msg(err.line == c->line && err.col == c->col,
	              "%s: error at %d:%d (%s), expected %d:%d", c->in, err.line, err.col, err.msg,
	              c->line, c->col);
	ck_assert_msg(strstr(err.msg, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->in,
	              err.msg, c->msg);
	el_error_clear(&err);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Hostile input never crashes and stays bounded */

static char *
repeat(const char *head, const char *unit, size_t times, const char *tail)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, head);
	for (size_t i = 0; i < times; i++)
		buf_puts(&b, unit);
	buf_puts(&b, tail);
	return buf_detach(&b);
}

struct hostile_case {
	const char *file;
	const char *head, *unit, *tail;
	size_t times;
	int rc;
	const char *kind_msg; /* substring of the error message, or NULL */
};

static const struct hostile_case hostile_cases[] = {
    /* deep nesting is an error, not a stack overflow */
    {"pyproject.toml", "a = ", "[", "", 10000, -1, "nested too deeply"},
    {"Cargo.toml", "a = ", "{b = ", "", 10000, -1, "nested too deeply"},
    {"package.json", "", "[", "", 10000, -1, "deeper than"},
    {"composer.json", "{\"a\":", "{\"a\":", "", 10000, -1, "deeper than"},
    /* an alias bomb in pnpm-workspace.yaml stops at the node budget */
    {"pnpm-workspace.yaml", "packages:\n  - &a [x, x, x, x, x, x, x, x, x, x]\n",
     "  - &a [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n", "", 8, -1, "more than 100000 nodes"},
    /* long lines and many lines are fine */
    {"requirements.txt", "", "x", "\n", 1000000, 0, NULL},
    {"requirements.txt", "", "a\\\n", "", 100000, 0, NULL},
    {"Dockerfile", "FROM x\nCMD ", "a \\\n", "", 100000, 0, NULL},
    {"Dockerfile", "", "FROM x AS y\n", "", 5000, 0, NULL},
    {"Gemfile", "", "group :test do\n", "", 5000, 0, NULL},
    {"Gemfile", "", "end\n", "gem 'a'\n", 5000, 0, NULL},
    {"pom.xml", "", "<a>", "", 100000, 0, NULL},
    {"pom.xml", "", "</dependency>", "<!--", 1000, 0, NULL},
    {"build.gradle", "", "implementation(", "'", 100000, 0, NULL},
    {"go.mod", "require (\n", "x v1\n", "", 10000, 0, NULL},
    {"Procfile", "", ":::", "", 10000, 0, NULL},
};

START_TEST(test_manifest_hostile_input)
{
	const struct hostile_case *c = &hostile_cases[_i];
	char *in = repeat(c->head, c->unit, c->times, c->tail);
	struct el_error err = EL_ERROR_INIT;
	struct manifest *m = NULL;
	int rc = manifest_parse(&m, manifest_kind_of(c->file), c->file, in, strlen(in), &err);

	ck_assert_msg(rc == c->rc, "%s: %s x %zu: rc %d (%s)", c->file, c->unit, c->times, rc,
	              err.msg ? err.msg : "");
	if (rc < 0)
		ck_assert_msg(err.msg != NULL && err.line > 0, "%s: error without position",
		              c->file);
	if (rc < 0 && c->kind_msg != NULL)
		ck_assert_msg(strstr(err.msg, c->kind_msg) != NULL,
		              "%s: message \"%s\" lacks \"%s\"", c->file, err.msg, c->kind_msg);
	manifest_free(m);
	el_error_clear(&err);
	free(in);
}
END_TEST

/* Every prefix of every sample parses or fails cleanly (run under ASan in CI). */
START_TEST(test_manifest_truncated_input)
{
	const struct parse_case *sets[] = {
	    &json_cases[0],         &toml_cases[0], &toml_cases[1],   &toml_cases[5],
	    &requirements_cases[0], &line_cases[0], &line_cases[1],   &line_cases[2],
	    &line_cases[3],         &line_cases[4], &docker_cases[0], &docker_cases[4]};

	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		const struct parse_case *c = sets[s];
		size_t len = strlen(c->in);

		for (size_t n = 0; n <= len; n++) {
			char *copy = malloc(n > 0 ? n : 1);
			struct el_error err = EL_ERROR_INIT;
			struct manifest *m = NULL;
			int rc;

			memcpy(copy, c->in, n);
			rc = manifest_parse(&m, manifest_kind_of(c->file), c->file, copy, n, &err);
			ck_assert(rc == 0 || rc == -1);
			ck_assert(rc == 0 ? m != NULL : (m == NULL && err.msg != NULL));
			manifest_free(m);
			el_error_clear(&err);
			free(copy);
		}
	}
}
END_TEST

/* Env files a Dockerfile creates: RUN touch, COPY of .env files, under WORKDIR. */
START_TEST(test_manifest_dockerfile_created)
{
	static const char *in =
	    "FROM node:20 AS build\n"
	    "WORKDIR /app\n"
	    "RUN npm ci && touch apps/web/.env apps/api/.env.local && npm run build\n"
	    "FROM node:20-slim\n"
	    "WORKDIR /usr/src/app\n"
	    "COPY .env .\n"
	    "COPY config/.env.production ./.env\n"
	    "COPY .env.example ./\n"
	    "COPY --from=build /app/dist ./dist\n"
	    "RUN touch /usr/src/app/worker/.env /etc/app.env README.md\n";
	static const char *const want[] = {"apps/web/.env", "apps/api/.env.local", ".env", ".env",
					   "worker/.env"};
	static const int lines[] = {3, 3, 6, 7, 10};
	struct manifest *m = NULL;
	struct el_error err = EL_ERROR_INIT;
	size_t i;

	ck_assert_int_eq(manifest_parse(&m, MANIFEST_DOCKERFILE, "Dockerfile", in, strlen(in), &err),
			 0);
	ck_assert_uint_eq(m->ncreated, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < m->ncreated; i++) {
		ck_assert_str_eq(m->created[i].path, want[i]);
		ck_assert_int_eq(m->created[i].line, lines[i]);
	}
	manifest_free(m);
}
END_TEST

static Suite *
manifest_suite(void)
{
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_manifest_dockerfile_created);
	tcase_add_loop_test(tc, test_manifest_kind_of, 0,
	                    sizeof(kind_cases) / sizeof(kind_cases[0]));
	tcase_add_loop_test(tc, test_manifest_json_forms, 0,
	                    sizeof(json_cases) / sizeof(json_cases[0]));
	tcase_add_loop_test(tc, test_manifest_toml_forms, 0,
	                    sizeof(toml_cases) / sizeof(toml_cases[0]));
	tcase_add_loop_test(tc, test_manifest_requirements, 0,
	                    sizeof(requirements_cases) / sizeof(requirements_cases[0]));
	tcase_add_loop_test(tc, test_manifest_line_formats, 0,
	                    sizeof(line_cases) / sizeof(line_cases[0]));
	tcase_add_loop_test(tc, test_manifest_dockerfile, 0,
	                    sizeof(docker_cases) / sizeof(docker_cases[0]));
	tcase_add_loop_test(tc, test_manifest_malformed, 0,
	                    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_loop_test(tc, test_manifest_hostile_input, 0,
	                    sizeof(hostile_cases) / sizeof(hostile_cases[0]));
	tcase_add_test(tc, test_manifest_truncated_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(manifest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
