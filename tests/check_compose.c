/*
 * Unit tests for src/parse/compose.c and compose_interp.c: file names,
 * services in every form compose accepts (env_file short and long, environment
 * list and map, anchors and merge keys), malformed and hostile files, and the
 * interpolation operators including nesting and compose's error texts.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/compose.h"
#include "util/buf.h"

struct name_case {
	const char *name;
	bool is_compose;
};

static const struct name_case name_cases[] = {
    {"compose.yaml", true},
    {"compose.yml", true},
    {"docker-compose.yaml", true},
    {"docker-compose.yml", true},
    {"docker-compose.prod.yml", true},
    {"docker-compose.override.yaml", true},
    {"compose.dev.yaml", true},
    {"compose.override.yml", true},
    {"docker-compose..yml", false},
    {"docker-compose.", false},
    {"compose.json", false},
    {"docker-compose.yml.bak", false},
    {"my-compose.yml", false},
    {"composer.json", false},
    {"compose", false},
    {"Compose.yaml", false},
    {"docker-compose-prod.yml", false},
    {"", false},
};

START_TEST(test_compose_is_compose_file)
{
	const struct name_case *c = &name_cases[_i];

	ck_assert_msg(compose_is_compose_file(c->name) == c->is_compose, "%s: expected %d", c->name,
	              c->is_compose);
}
END_TEST

/* ------------------------------------------------------------------------ */

static char *
render(const struct compose_file *cf)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "");
	for (size_t i = 0; i < cf->nservices; i++) {
		const struct compose_service *s = &cf->services[i];

		buf_printf(&b, "service:%s @%d:%d\n", s->name, s->line, s->col);
		if (s->build_context != NULL)
			buf_printf(&b, " build:%s\n", s->build_context);
		if (s->dockerfile != NULL)
			buf_printf(&b, " dockerfile:%s\n", s->dockerfile);
		if (s->working_dir != NULL)
			buf_printf(&b, " working_dir:%s\n", s->working_dir);
		if (s->image != NULL)
			buf_printf(&b, " image:%s\n", s->image);
		if (s->command != NULL)
			buf_printf(&b, " command:%s\n", s->command);
		if (s->entrypoint != NULL)
			buf_printf(&b, " entrypoint:%s\n", s->entrypoint);
		for (size_t k = 0; k < s->nenv_files; k++)
			buf_printf(&b, " env_file:%s%s%s%s @%d:%d\n", s->env_files[k].path,
			           s->env_files[k].required ? "" : " optional",
			           s->env_files[k].format ? " format=" : "",
			           s->env_files[k].format ? s->env_files[k].format : "",
			           s->env_files[k].line, s->env_files[k].col);
		for (size_t k = 0; k < s->nenvironment; k++) {
			if (s->environment[k].value != NULL)
				buf_printf(&b, " env:%s=%s @%d:%d\n", s->environment[k].key,
				           s->environment[k].value, s->environment[k].line,
				           s->environment[k].col);
			else
				buf_printf(&b, " env:%s (inherited) @%d:%d\n",
				           s->environment[k].key, s->environment[k].line,
				           s->environment[k].col);
		}
		if (s->replicas != NULL)
			buf_printf(&b, " replicas:%s @%d\n", s->replicas, s->replicas_line);
		if (s->scale != NULL)
			buf_printf(&b, " scale:%s @%d\n", s->scale, s->scale_line);
		if (s->extends_service != NULL)
			buf_printf(&b, " extends:%s%s%s @%d\n", s->extends_service,
			           s->extends_file ? " file=" : "",
			           s->extends_file ? s->extends_file : "", s->extends_line);
	}
	for (size_t i = 0; i < cf->nincludes; i++) {
		const struct compose_include *in = &cf->includes[i];

		buf_printf(&b, "include:%s @%d:%d\n", in->path, in->line, in->col);
		if (in->project_directory != NULL)
			buf_printf(&b, " project_directory:%s\n", in->project_directory);
		for (size_t k = 0; k < in->nenv_files; k++)
			buf_printf(&b, " env_file:%s\n", in->env_files[k]);
	}
	return buf_detach(&b);
}

struct parse_case {
	const char *in;
	const char *want;
};

static const struct parse_case parse_cases[] = {
    /* build string/mapping, env_file short and list, environment list */
    {"services:\n"
     "  api:\n"
     "    build: ./apps/api\n"
     "    working_dir: /srv\n"
     "    command: [\"node\", \"--env-file=.env\", \"dist/main.js\"]\n"
     "    env_file: .env\n"
     "    environment:\n"
     "      - NODE_ENV=production\n"
     "      - DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD:?set it}@db:5432/app\n"
     "      - FROM_SHELL\n"
     "      - EMPTY=\n"
     "  worker:\n"
     "    build:\n"
     "      context: ./apps/worker\n"
     "      dockerfile: Dockerfile.worker\n"
     "    entrypoint: /entrypoint.sh\n"
     "    command: celery -A app worker\n"
     "    env_file:\n"
     "      - .env\n"
     "      - ./apps/worker/.env.local\n"
     "    scale: 3\n"
     "  db:\n"
     "    image: postgres:16\n"
     "    command: postgres -c 'max_connections=200'\n",
     "service:api @2:3\n"
     " build:./apps/api\n"
     " working_dir:/srv\n"
     " command:node --env-file=.env dist/main.js\n"
     " env_file:.env @6:15\n"
     " env:NODE_ENV=production @8:9\n"
     " env:DATABASE_URL=postgresql://app:${POSTGRES_PASSWORD:?set it}@db:5432/app @9:9\n"
     " env:FROM_SHELL (inherited) @10:9\n"
     " env:EMPTY= @11:9\n"
     "service:worker @12:3\n"
     " build:./apps/worker\n"
     " dockerfile:Dockerfile.worker\n"
     " command:celery -A app worker\n"
     " entrypoint:/entrypoint.sh\n"
     " env_file:.env @19:9\n"
     " env_file:./apps/worker/.env.local @20:9\n"
     " scale:3 @21\n"
     "service:db @22:3\n"
     " image:postgres:16\n"
     " command:postgres -c 'max_connections=200'\n"},
    /* long env_file form, environment map with null/number/boolean/quoted values, deploy */
    {"name: shop\n"
     "services:\n"
     "  web:\n"
     "    build: {dockerfile: web.Dockerfile}\n"
     "    env_file:\n"
     "      - path: ./default.env\n"
     "        required: true\n"
     "      - path: ./override.env\n"
     "        required: false\n"
     "      - path: ./raw.env\n"
     "        format: raw\n"
     "      - ./short.env\n"
     "    environment:\n"
     "      DATABASE_URL: \"postgresql://postgres:postgres@db:5432/shop\"\n"
     "      POOL_SIZE: 10\n"
     "      DEBUG: false\n"
     "      INHERITED:\n"
     "      ALSO_INHERITED: null\n"
     "      TILDE: ~\n"
     "      QUOTED_EMPTY: ''\n"
     "      RATIO: 0.5\n"
     "    deploy:\n"
     "      replicas: ${WEB_REPLICAS:-2}\n"
     "x-unused: &unused\n"
     "  foo: bar\n",
     "service:web @3:3\n"
     " build:.\n"
     " dockerfile:web.Dockerfile\n"
     " env_file:./default.env @6:15\n"
     " env_file:./override.env optional @8:15\n"
     " env_file:./raw.env format=raw @10:15\n"
     " env_file:./short.env @12:9\n"
     " env:DATABASE_URL=postgresql://postgres:postgres@db:5432/shop @14:7\n"
     " env:POOL_SIZE=10 @15:7\n"
     " env:DEBUG=false @16:7\n"
     " env:INHERITED (inherited) @17:7\n"
     " env:ALSO_INHERITED (inherited) @18:7\n"
     " env:TILDE (inherited) @19:7\n"
     " env:QUOTED_EMPTY= @20:7\n"
     " env:RATIO=0.5 @21:7\n"
     " replicas:${WEB_REPLICAS:-2} @23\n"},
    /* anchors, a list merge (earlier maps win, local keys win over all), single merge */
    {"x-db-env: &db-env\n"
     "  DATABASE_URL: ${DATABASE_URL:-postgresql://app:app@db/app}\n"
     "  GUNICORN_WORKERS: 4\n"
     "x-app-env: &app-env\n"
     "  GUNICORN_WORKERS: 1\n"
     "  LOG_LEVEL: info\n"
     "x-base: &base\n"
     "  env_file: .env\n"
     "  working_dir: /app\n"
     "services:\n"
     "  api:\n"
     "    <<: *base\n"
     "    environment:\n"
     "      <<: [*app-env, *db-env]\n"
     "      LOG_LEVEL: debug\n"
     "    deploy: { replicas: \"${API_REPLICAS:-1}\" }\n"
     "  worker:\n"
     "    environment: &worker-env\n"
     "      DATABASE_URL: ${DATABASE_URL:-postgresql://postgres:postgres@postgres:5432/postgres}\n"
     "  web:\n"
     "    <<: *base\n"
     "    working_dir: /web\n"
     "    environment:\n"
     "      <<: *worker-env\n",
     "service:api @11:3\n"
     " working_dir:/app\n"
     " env_file:.env @8:13\n"
     " env:LOG_LEVEL=debug @15:7\n"
     " env:GUNICORN_WORKERS=1 @5:3\n"
     " env:DATABASE_URL=${DATABASE_URL:-postgresql://app:app@db/app} @2:3\n"
     " replicas:${API_REPLICAS:-1} @16\n"
     "service:worker @17:3\n"
     " env:DATABASE_URL=${DATABASE_URL:-postgresql://postgres:postgres@postgres:5432/postgres} "
     "@19:7\n"
     "service:web @20:3\n"
     " working_dir:/web\n"
     " env_file:.env @8:13\n"
     " env:DATABASE_URL=${DATABASE_URL:-postgresql://postgres:postgres@postgres:5432/postgres} "
     "@19:7\n"},
    /* JSON-style flow file, CRLF, a service with nothing set, null services map */
    {"{\"services\": {\"a\": {\"image\": \"x\", \"environment\": [\"K=V=W\"]}, \"b\": {}}}\r\n",
     "service:a @1:15\n"
     " image:x\n"
     " env:K=V=W @1:51\n"
     "service:b @1:62\n"},
    {"version: '3.8'\r\nservices:\r\nvolumes:\r\n  data: {}\r\n", ""},
    {"volumes:\n  data:\n", ""},
    /* extends (short and long) and top-level include (short and long) */
    {"include:\n"
     "  - ./db/compose.yaml\n"
     "  - path: [../shared/a.yaml, ../shared/b.yaml]\n"
     "    project_directory: ../shared\n"
     "    env_file: ../shared/.env\n"
     "  - path: infra.yaml\n"
     "    env_file: [a.env, b.env]\n"
     "services:\n"
     "  base:\n"
     "    env_file: .env\n"
     "  api:\n"
     "    extends: base\n"
     "  worker:\n"
     "    extends:\n"
     "      service: common\n"
     "      file: common.yaml\n",
     "service:base @9:3\n"
     " env_file:.env @10:15\n"
     "service:api @11:3\n"
     " extends:base @12\n"
     "service:worker @13:3\n"
     " extends:common file=common.yaml @15\n"
     "include:./db/compose.yaml @2:5\n"
     "include:../shared/a.yaml @3:12\n"
     " project_directory:../shared\n"
     " env_file:../shared/.env\n"
     "include:../shared/b.yaml @3:30\n"
     " project_directory:../shared\n"
     " env_file:../shared/.env\n"
     "include:infra.yaml @6:11\n"
     " env_file:a.env\n"
     " env_file:b.env\n"},
    /* null values for optional keys */
    {"services:\n  a:\n    env_file:\n    environment:\n    command:\n    deploy:\n",
     "service:a @2:3\n"},
};

START_TEST(test_compose_parse_forms)
{
	const struct parse_case *c = &parse_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct compose_file *cf = NULL;
	int rc = compose_parse(&cf, "compose.yaml", c->in, strlen(c->in), &err);
	char *got;

	ck_assert_msg(rc == 0, "failed: %d:%d: %s\n--- input\n%s", err.line, err.col, err.msg,
	              c->in);
	got = render(cf);
	ck_assert_msg(strcmp(got, c->want) == 0, "--- input\n%s\n--- expected\n%s--- got\n%s",
	              c->in, c->want, got);
	free(got);
	compose_file_free(cf);
	el_error_clear(&err);
}
END_TEST

/* ------------------------------------------------------------------------ */

struct bad_case {
	const char *in;
	int line, col;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"services:\n  api:\n    image: x\n   build: .\n", 4, 4, ""},
    {"services:\n  api: \"just a string\"\n", 2, 8,
     "service \"api\" must be a mapping, not a string"},
    {"services:\n  api:\n", 2, 7, "service \"api\" must be a mapping"},
    {"services:\n  - api\n", 2, 3,
     "services must be a mapping of service names to services, not a list"},
    {"- a\n- b\n", 1, 1, "the top level of a compose file must be a mapping, not a list"},
    {"", 1, 1, "empty compose file"},
    {"# only a comment\n", 1, 1, "empty compose file"},
    {"services:\n  a:\n    image: x\n  a:\n    image: y\n", 4, 3,
     "mapping key \"a\" already defined at line 2"},
    {"services:\n  a:\n    image: x\n    image: y\n", 4, 5,
     "mapping key \"image\" already defined at line 3"},
    {"services:\n  a:\n    environment:\n      A: 1\n      A: 2\n", 5, 7,
     "mapping key \"A\" already defined at line 4"},
    {"services:\n  a:\n    environment:\n      A: [1, 2]\n", 4, 10,
     "environment.A must be a string, number, boolean or null, not a list"},
    {"services:\n  a:\n    environment:\n      - =x\n", 4, 9, "has no variable name"},
    {"services:\n  a:\n    environment: 3\n", 3, 18, "environment must be a mapping or a list"},
    {"services:\n  a:\n    env_file:\n      - required: false\n", 4, 9,
     "env_file entry must have a `path`"},
    {"services:\n  a:\n    env_file:\n      - path: x\n        required: maybe\n", 5, 19,
     "env_file.required must be a boolean"},
    {"services:\n  a:\n    env_file: {path: x}\n", 3, 15, "env_file must be a path or a list"},
    {"services:\n  a:\n    build: [a]\n", 3, 12, "build must be a string or a mapping"},
    {"services:\n  a:\n    command: {a: b}\n", 3, 14, "command must be a string, not a mapping"},
    {"services:\n  a:\n    deploy: {replicas: [1]}\n", 3, 24,
     "deploy.replicas must be a number, not a list"},
    {"services:\n  a:\n    <<: *nothing\n", 3, 9, "alias *nothing refers to no anchor before it"},
    {"x: &a [1]\nservices:\n  a:\n    <<: *a\n", 1, 8,
     "a merge key (<<) takes a mapping or a list of mappings, not a number"},
    {"x: &a 1\nservices:\n  a:\n    <<: *a\n", 4, 5,
     "a merge key (<<) takes a mapping or a list of mappings, not a number"},
    {"services: {a: {image: x}}\n---\nservices: {}\n", 2, 1, "only one YAML document"},
    {"include: a.yaml\n", 1, 10, "include must be a list, not a string"},
    {"include:\n  - project_directory: x\n", 2, 5, "include entry must have a `path`"},
    {"services:\n  a:\n    extends: {file: x.yaml}\n", 3, 14, "extends must name a `service`"},
};

START_TEST(test_compose_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct compose_file *cf = NULL;
	int rc = compose_parse(&cf, "compose.yaml", c->in, strlen(c->in), &err);

	ck_assert_msg(rc == -1, "accepted:\n%s", c->in);
	ck_assert_ptr_null(cf);
	ck_assert_str_eq(err.path, "compose.yaml");
	ck_assert_msg(err.line == c->line && err.col == c->col,
	              "%s: error at %d:%d (%s), expected %d:%d", c->in, err.line, err.col, err.msg,
	              c->line, c->col);
	ck_assert_msg(strstr(err.msg, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->in,
	              err.msg, c->msg);
	el_error_clear(&err);
}
END_TEST

/* An alias bomb (billion laughs) stops at the node budget, quickly. */
START_TEST(test_compose_alias_bomb)
{
	static const char bomb[] =
	    "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "x-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	    "x-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	    "x-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	    "x-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	    "x-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	    "x-h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	    "x-i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	    "services:\n  a:\n    command: *i\n";
	struct el_error err = EL_ERROR_INIT;
	struct compose_file *cf = NULL;

	ck_assert_int_eq(compose_parse(&cf, "compose.yaml", bomb, strlen(bomb), &err), -1);
	ck_assert_ptr_null(cf);
	ck_assert_msg(strstr(err.msg, "nodes") != NULL, "message: %s", err.msg);
	ck_assert_int_gt(err.line, 1);
	el_error_clear(&err);
}
END_TEST

static char *
nested(const char *head, const char *open, size_t depth)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, head);
	for (size_t i = 0; i < depth; i++)
		buf_puts(&b, open);
	return buf_detach(&b);
}

/* 10,000 levels of nesting are an error, not a stack overflow. */
START_TEST(test_compose_deep_nesting)
{
	const char *opens[] = {"[", "{a: ", "- "};
	char *in = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct compose_file *cf = NULL;

	/* flow sequences, flow mappings, compact block sequences (- - - x) */
	in = nested(_i < 2 ? "services: " : "services:\n  ", opens[_i], 10000);
	ck_assert_int_eq(compose_parse(&cf, "compose.yaml", in, strlen(in), &err), -1);
	ck_assert_ptr_null(cf);
	ck_assert_msg(strstr(err.msg, "deeper than") != NULL, "message: %s", err.msg);
	el_error_clear(&err);
	free(in);
}
END_TEST

/* Every prefix of a realistic file parses or fails cleanly (run under ASan). */
START_TEST(test_compose_truncated_input)
{
	for (size_t s = 0; s < 3; s++) {
		const char *in = parse_cases[s].in;
		size_t len = strlen(in);

		for (size_t n = 0; n <= len; n++) {
			char *copy = malloc(n > 0 ? n : 1);
			struct el_error err = EL_ERROR_INIT;
			struct compose_file *cf = NULL;
			int rc;

			memcpy(copy, in, n);
			rc = compose_parse(&cf, "compose.yaml", copy, n, &err);
			ck_assert(rc == 0 ? cf != NULL
			                  : (cf == NULL && err.msg != NULL && err.line > 0));
			compose_file_free(cf);
			el_error_clear(&err);
			free(copy);
		}
	}
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Interpolation */

static const char *const test_env[] = {
    "SET",  "value", "EMPTY", "",  "USER",       "app", "PASS", "s3cret",
    "HOST", "db",    "N",     "3", "lower_case", "lc",  NULL,
};

static const char *
test_lookup(void *ctx, const char *name)
{
	const char *const *env = ctx;

	for (size_t i = 0; env[i] != NULL; i += 2)
		if (strcmp(env[i], name) == 0)
			return env[i + 1];
	return NULL;
}

struct interp_case {
	const char *in;
	const char *out;     /* NULL: an error */
	const char *missing; /* comma-separated names reported unset, or the error substring */
};

static const struct interp_case interp_cases[] = {
    {"plain text", "plain text", ""},
    {"", "", ""},
    {"$$", "$", ""},
    {"pa$$word", "pa$word", ""},
    {"$$SET", "$SET", ""},
    {"$$$SET", "$value", ""},
    {"$SET", "value", ""},
    {"${SET}", "value", ""},
    {"x$SET.y", "xvalue.y", ""},
    {"$SET_SUFFIX", "", "SET_SUFFIX"},
    {"${SET}_SUFFIX", "value_SUFFIX", ""},
    {"$lower_case", "lc", ""},
    {"$UNSET and ${UNSET} and $OTHER", " and  and ", "UNSET,OTHER"},
    {"$EMPTY|${EMPTY}", "|", ""},
    /* :- and - */
    {"${UNSET:-default}", "default", ""},
    {"${EMPTY:-default}", "default", ""},
    {"${SET:-default}", "value", ""},
    {"${UNSET-default}", "default", ""},
    {"${EMPTY-default}", "", ""},
    {"${SET-default}", "value", ""},
    {"${UNSET:-}", "", ""},
    {"${UNSET:-a:b-c}", "a:b-c", ""},
    {"${UNSET:-has spaces and } braces}", "has spaces and  braces}", ""},
    /* :+ and + */
    {"${SET:+alt}", "alt", ""},
    {"${EMPTY:+alt}", "", ""},
    {"${UNSET:+alt}", "", ""},
    {"${SET+alt}", "alt", ""},
    {"${EMPTY+alt}", "alt", ""},
    {"${UNSET+alt}", "", ""},
    /* :? and ? */
    {"${SET:?must be set}", "value", ""},
    {"${SET?must be set}", "value", ""},
    {"${EMPTY?must be set}", "", ""},
    {"${UNSET:?Set UNSET in .env}", NULL,
     "required variable UNSET is missing a value: Set UNSET in .env"},
    {"${EMPTY:?empty}", NULL, "required variable EMPTY is missing a value: empty"},
    {"${UNSET?gone}", NULL, "required variable UNSET is missing a value: gone"},
    {"${UNSET:?}", NULL, "required variable UNSET is missing a value"},
    {"${UNSET:?need $USER}", NULL, "required variable UNSET is missing a value: need app"},
    /* nesting */
    {"${UNSET:-${SET}}", "value", ""},
    {"${UNSET:-${OTHER:-x}}", "x", ""},
    {"${A:-${B:-${C:-deep}}}", "deep", ""},
    /* compose interpolates (and warns about) a default even when it is not used */
    {"${SET:-${OTHER}}", "value", "OTHER"},
    {"${UNSET:-postgresql://postgres:${PASS}@${HOST}:5432/app?schema=public&sslmode=disable}",
     "postgresql://postgres:s3cret@db:5432/app?schema=public&sslmode=disable", ""},
    {"postgresql://${USER}:${PASS:?set PASS}@${HOST:-localhost}:${PORT:-5432}/app",
     "postgresql://app:s3cret@db:5432/app", ""},
    {"${UNSET:-$$literal}", "$literal", ""},
    /* compose-go closes at the first `}` not matched by a `${`: the rest is literal */
    {"${UNSET:-{x}}", "{x}", ""},
    {"${SET}}", "value}", ""},
    {"${SET:-${UNSET:?inner}}", NULL, "required variable UNSET is missing a value: inner"},
    /* malformed */
    {"${", NULL, "invalid interpolation format (at character 1)"},
    {"${SET", NULL, "invalid interpolation format (at character 1)"},
    {"abc ${UNSET:-${SET}", NULL, "invalid interpolation format (at character 5)"},
    {"${}", NULL, "invalid interpolation format (at character 3)"},
    {"${1A}", NULL, "invalid interpolation format"},
    {"${A B}", NULL, "invalid interpolation format (at character 4)"},
    {"${A:x}", NULL, "invalid interpolation format (at character 5)"},
    {"pa$", NULL, "invalid interpolation format (at character 3)"},
    {"$1", NULL, "invalid interpolation format (at character 1)"},
    {"a $ b", NULL, "invalid interpolation format (at character 3)"},
    {"${UNSET:-${}}", NULL, "invalid interpolation format (at character 12)"},
};

static void
join_missing(struct buf *b, char **missing, size_t n)
{
	buf_puts(b, "");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		buf_puts(b, missing[i]);
	}
}

START_TEST(test_compose_interpolate_operators)
{
	const struct interp_case *c = &interp_cases[_i];
	struct compose_lookup lookup = {test_lookup, (void *)test_env};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0;
	char *out = compose_interpolate(c->in, &lookup, &missing, &nmissing, &err);
	struct buf names = BUF_INIT;

	if (c->out == NULL) {
		ck_assert_msg(out == NULL, "%s: expected an error, got \"%s\"", c->in, out);
		ck_assert_msg(err.msg != NULL && strstr(err.msg, c->missing) != NULL,
		              "%s: message \"%s\" lacks \"%s\"", c->in, err.msg, c->missing);
		ck_assert_ptr_null(missing);
	} else {
		ck_assert_msg(out != NULL, "%s: error %s", c->in, err.msg);
		ck_assert_msg(strcmp(out, c->out) == 0, "%s: got \"%s\", expected \"%s\"", c->in,
		              out, c->out);
		join_missing(&names, missing, nmissing);
		ck_assert_msg(strcmp(buf_cstr(&names), c->missing) == 0,
		              "%s: missing \"%s\", expected \"%s\"", c->in, buf_cstr(&names),
		              c->missing);
	}
	free(out);
	compose_missing_free(missing, nmissing);
	buf_free(&names);
	el_error_clear(&err);
}
END_TEST

/* The field names the value in the error; the value itself (maybe a password) is not echoed. */
START_TEST(test_compose_interpolate_field_error)
{
	struct compose_lookup lookup = {test_lookup, (void *)test_env};
	struct el_error err = EL_ERROR_INIT;
	char *out = compose_interpolate_field("postgresql://u:pa$%word@db/app",
	                                      "services.api.environment.DATABASE_URL", &lookup,
	                                      NULL, NULL, &err);

	ck_assert_ptr_null(out);
	ck_assert_str_eq(err.msg,
	                 "invalid interpolation format for services.api.environment.DATABASE_URL "
	                 "(at character 18): you may need to escape any $ with another $");
	ck_assert_ptr_null(strstr(err.msg, "pa"));
	el_error_clear(&err);
	/* no lookup at all: everything is unset */
	out = compose_interpolate("${A:-x}$B", NULL, NULL, NULL, &err);
	ck_assert_str_eq(out, "x");
	free(out);
}
END_TEST

/* Nesting is bounded and the time is linear in the input. */
START_TEST(test_compose_interpolate_bounds)
{
	struct compose_lookup lookup = {test_lookup, (void *)test_env};
	struct el_error err = EL_ERROR_INIT;
	struct buf in = BUF_INIT;
	char *out;

	for (int i = 0; i < 40; i++)
		buf_puts(&in, "${UNSET:-");
	buf_puts(&in, "x");
	for (int i = 0; i < 40; i++)
		buf_putc(&in, '}');
	out = compose_interpolate(buf_cstr(&in), &lookup, NULL, NULL, &err);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err.msg, "nested deeper than 32 levels") != NULL, "%s", err.msg);
	el_error_clear(&err);
	/* 20 levels are fine */
	buf_reset(&in);
	for (int i = 0; i < 20; i++)
		buf_puts(&in, "${UNSET:-");
	buf_puts(&in, "x");
	for (int i = 0; i < 20; i++)
		buf_putc(&in, '}');
	out = compose_interpolate(buf_cstr(&in), &lookup, NULL, NULL, &err);
	ck_assert_str_eq(out, "x");
	free(out);
	/* a megabyte of $SET and $$ */
	buf_reset(&in);
	for (int i = 0; i < 100000; i++)
		buf_puts(&in, "$SET$$ ${N}");
	out = compose_interpolate(buf_cstr(&in), &lookup, NULL, NULL, &err);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), 100000u * strlen("value$ 3"));
	free(out);
	/* many unclosed ${ : one error, not quadratic work */
	buf_reset(&in);
	for (int i = 0; i < 100000; i++)
		buf_puts(&in, "${");
	out = compose_interpolate(buf_cstr(&in), &lookup, NULL, NULL, &err);
	ck_assert_ptr_null(out);
	el_error_clear(&err);
	buf_free(&in);
}
END_TEST

static Suite *
compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_compose_is_compose_file, 0,
	                    sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_loop_test(tc, test_compose_parse_forms, 0,
	                    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_loop_test(tc, test_compose_malformed, 0,
	                    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_compose_alias_bomb);
	tcase_add_loop_test(tc, test_compose_deep_nesting, 0, 3);
	tcase_add_test(tc, test_compose_truncated_input);
	tcase_add_loop_test(tc, test_compose_interpolate_operators, 0,
	                    sizeof(interp_cases) / sizeof(interp_cases[0]));
	tcase_add_test(tc, test_compose_interpolate_field_error);
	tcase_add_test(tc, test_compose_interpolate_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(compose_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
