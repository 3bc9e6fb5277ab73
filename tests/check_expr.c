/* Unit tests for src/parse/expr.c: argument lists as loaders see them, path folding, unknowns,
 * hostile input. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse/expr.h"
#include "util/buf.h"

/*
 * A compact rendering of an expression so that table rows read like the value:
 *   s:TEXT  p:file:TEXT  p:cwd:TEXT  p:abs:TEXT  n:NUM  b:true  null  ?:SOURCE  ?file
 *   [item, item]{key=value}   (ARRAY; props only when present)   {key=value} (OBJECT)
 */
static void render(struct buf *b, const struct expr *e);

static void
render_props(struct buf *b, const struct expr *e)
{
	buf_putc(b, '{');
	for (size_t i = 0; i < e->nprops; i++) {
		if (i > 0)
			buf_puts(b, ", ");
		buf_printf(b, "%s=", e->props[i].key);
		render(b, e->props[i].value);
	}
	buf_putc(b, '}');
}

static void
render(struct buf *b, const struct expr *e)
{
	static const char *const anchors[] = {"cwd", "file", "abs"};

	switch (e->type) {
	case EXPR_UNKNOWN:
		if (e->is_file)
			buf_puts(b, "?file");
		else
			buf_printf(b, "?:%s", e->text ? e->text : "(null)");
		break;
	case EXPR_STRING:
		buf_printf(b, "s:%s", e->text);
		break;
	case EXPR_PATH:
		buf_printf(b, "p:%s:%s", anchors[e->anchor], e->text);
		break;
	case EXPR_NUMBER:
		buf_printf(b, "n:%g", e->number);
		break;
	case EXPR_BOOL:
		buf_puts(b, e->boolean ? "b:true" : "b:false");
		break;
	case EXPR_NULL:
		buf_puts(b, "null");
		break;
	case EXPR_ARRAY:
		buf_putc(b, '[');
		for (size_t i = 0; i < e->nitems; i++) {
			if (i > 0)
				buf_puts(b, ", ");
			render(b, e->items[i]);
		}
		buf_putc(b, ']');
		if (e->nprops > 0)
			render_props(b, e);
		break;
	case EXPR_OBJECT:
		render_props(b, e);
		break;
	}
}

static char *
render_str(const struct expr *e)
{
	struct buf b = BUF_INIT;

	render(&b, e);
	return buf_detach(&b);
}

/* The test scope: names bound earlier in a file, built with the evaluator itself. */
struct test_scope {
	struct expr *base_dir; /* BASE_DIR = Path(__file__).resolve().parent.parent */
	struct expr *env_path; /* ENV_PATH = ".env.test" */
	struct expr *root;     /* const ROOT = path.resolve(__dirname, '..') */
	struct expr *path;     /* const path = './config/.env' (for { path }) */
	struct expr *settings; /* settings.ENV_FILE = BASE_DIR / "deploy" / ".env" */
};

static struct expr *
test_lookup(void *ctx, const char *name)
{
	struct test_scope *ts = ctx;

	if (strcmp(name, "BASE_DIR") == 0)
		return ts->base_dir;
	if (strcmp(name, "ENV_PATH") == 0)
		return ts->env_path;
	if (strcmp(name, "ROOT") == 0)
		return ts->root;
	if (strcmp(name, "path") == 0)
		return ts->path;
	if (strcmp(name, "settings.ENV_FILE") == 0)
		return ts->settings;
	return NULL;
}

static struct test_scope ts;
static struct expr_scope scope = {test_lookup, &ts};

static void
scope_setup(void)
{
	ts.base_dir =
	    expr_parse(LANG_PYTHON, "Path(__file__).resolve().parent.parent", 3, 12, NULL);
	ts.env_path = expr_parse(LANG_PYTHON, "\".env.test\"", 4, 12, NULL);
	ts.root = expr_parse(LANG_JS, "path.resolve(__dirname, '..')", 2, 14, NULL);
	ts.path = expr_parse(LANG_JS, "'./config/.env'", 3, 14, NULL);
	ts.settings = expr_parse(LANG_PYTHON, "BASE_DIR / \"deploy\" / \".env\"", 9, 12, &scope);
}

static void
scope_teardown(void)
{
	expr_free(ts.base_dir);
	expr_free(ts.env_path);
	expr_free(ts.root);
	expr_free(ts.path);
	expr_free(ts.settings);
	memset(&ts, 0, sizeof(ts));
}

struct args_case {
	enum source_lang lang;
	const char *args;
	const char *want;
};

#define JS LANG_JS
#define PY LANG_PYTHON

static const struct args_case args_cases[] = {
    /* ---- JS: dotenv.config(...) in its many spellings ---- */
    {JS, "", "[]"},
    {JS, "{ path: '.env.local' }", "[{path=s:.env.local}]{path=s:.env.local}"},
    {JS, "{path:\".env\"}", "[{path=s:.env}]{path=s:.env}"},
    {JS, "{ path: `.env.production` }", "[{path=s:.env.production}]{path=s:.env.production}"},
    {JS, "{ path: path.resolve(__dirname, '../../.env') }",
     "[{path=p:file:../../.env}]{path=p:file:../../.env}"},
    {JS, "{\n  path: path.resolve(process.cwd(), '.env.local'),\n  override: true,\n}",
     "[{path=p:cwd:.env.local, override=b:true}]{path=p:cwd:.env.local, override=b:true}"},
    {JS, "{path: [\".env.local\", \".env\"], override: true}",
     "[{path=[s:.env.local, s:.env], override=b:true}]{path=[s:.env.local, s:.env], "
     "override=b:true}"},
    {JS, "{ envFilePath: ['.env.development.local', '.env'] }",
     "[{envFilePath=[s:.env.development.local, s:.env]}]{envFilePath=[s:.env.development.local, "
     "s:.env]}"},
    {JS, "{ isGlobal: true, envFilePath: '.env', ignoreEnvFile: false, }",
     "[{isGlobal=b:true, envFilePath=s:.env, ignoreEnvFile=b:false}]{isGlobal=b:true, "
     "envFilePath=s:.env, ignoreEnvFile=b:false}"},
    {JS, "{ path: path.join(__dirname, '..', '.env') }",
     "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{ path: join(__dirname, \"../.env\") /* monorepo root */ }",
     "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{\n  // the service's own file\n  path: resolve(__dirname, './.env'),\n}",
     "[{path=p:file:.env}]{path=p:file:.env}"},
    {JS, "{ path: new URL('../.env', import.meta.url) }",
     "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{ path: fileURLToPath(new URL(\"../../.env\", import.meta.url)) }",
     "[{path=p:file:../../.env}]{path=p:file:../../.env}"},
    {JS, "{ path: path.join(path.dirname(fileURLToPath(import.meta.url)), '.env') }",
     "[{path=p:file:.env}]{path=p:file:.env}"},
    {JS, "{ path: path.resolve(import.meta.dirname, '../.env') }",
     "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{ path: '/etc/app/.env' }", "[{path=s:/etc/app/.env}]{path=s:/etc/app/.env}"},
    {JS, "{ path: path.resolve('/srv/app', 'config', '../.env') }",
     "[{path=p:abs:/srv/app/.env}]{path=p:abs:/srv/app/.env}"},
    {JS, "{ path: path.resolve(__dirname, '/etc/.env') }",
     "[{path=p:abs:/etc/.env}]{path=p:abs:/etc/.env}"},
    {JS, "{ path: path.resolve('.env') }", "[{path=p:cwd:.env}]{path=p:cwd:.env}"},
    {JS, "{ path: path.join('config', './env/../.env') }",
     "[{path=s:config/.env}]{path=s:config/.env}"},
    {JS, "{ path: __dirname + '/../.env' }", "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{ path }", "[{path=s:./config/.env}]{path=s:./config/.env}"},
    {JS, "{ path: path.resolve(ROOT, '.env') }", "[{path=p:file:../.env}]{path=p:file:../.env}"},
    {JS, "{ ...defaults, path: '.env', quiet: true }",
     "[{path=s:.env, quiet=b:true}]{path=s:.env, quiet=b:true}"},
    {JS, "{ path: '.env' } as const", "[{path=s:.env}]{path=s:.env}"},
    {JS, "{ 'path': \"a\\u002e\\x65nv\", \"debug\": 0 }",
     "[{path=s:a.env, debug=n:0}]{path=s:a.env, debug=n:0}"},
    {JS, "{ path: `.env.${process.env.NODE_ENV}` }",
     "[{path=?:`.env.${process.env.NODE_ENV}`}]{path=?:`.env.${process.env.NODE_ENV}`}"},
    {JS, "{ path: process.env.DOTENV_PATH ?? '.env' }",
     "[{path=?:process.env.DOTENV_PATH ?? '.env'}]{path=?:process.env.DOTENV_PATH ?? '.env'}"},
    {JS, "{ path: getEnvPath(), override: !!process.env.CI }",
     "[{path=?:getEnvPath(), override=?:!!process.env.CI}]{path=?:getEnvPath(), "
     "override=?:!!process.env.CI}"},
    {JS, "{ path: isProd ? '.env.prod' : '.env' }",
     "[{path=?:isProd ? '.env.prod' : '.env'}]{path=?:isProd ? '.env.prod' : '.env'}"},
    {JS, "{ path: '.env.' + process.env.NODE_ENV }",
     "[{path=?:'.env.' + process.env.NODE_ENV}]{path=?:'.env.' + process.env.NODE_ENV}"},
    {JS, "'.env.local', { override: true }", "[s:.env.local, {override=b:true}]{override=b:true}"},
    {JS, "[path.join(__dirname, '.env.local'), path.join(__dirname, '.env')]",
     "[[p:file:.env.local, p:file:.env]]"},
    {JS, "process.cwd(), '../../'", "[p:cwd:., s:../../]"},
    {JS, "{ path: require('path').resolve(__dirname, '.env') }",
     "[{path=?:require('path').resolve(__dirname, '.env')}]{path=?:require('path').resolve(__"
     "dirname, '.env')}"},
    {JS, "{ path: config.envPath!, encoding: 'utf8', debug: -1 }",
     "[{path=?:config.envPath!, encoding=s:utf8, debug=n:-1}]{path=?:config.envPath!, "
     "encoding=s:utf8, debug=n:-1}"},
    {JS, "{ [key]: '.env', get path() { return '.env' }, path2: '.env' }",
     "[{path2=s:.env}]{path2=s:.env}"},
    /* ---- Python: load_dotenv / Settings / environ ---- */
    {PY, "", "[]"},
    {PY, "override=True", "[]{override=b:true}"},
    {PY, "\".env.local\", override=True", "[s:.env.local]{override=b:true}"},
    {PY, "dotenv_path=Path(__file__).resolve().parent.parent / \".env\", override=True",
     "[]{dotenv_path=p:file:../.env, override=b:true}"},
    {PY, "os.path.join(BASE_DIR, \".env\")", "[p:file:../.env]"},
    {PY, "os.path.join(os.path.dirname(__file__), '.env')", "[p:file:.env]"},
    {PY,
     "dotenv_path=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "
     "'.env')",
     "[]{dotenv_path=p:file:../.env}"},
    {PY, "BASE_DIR / '.env'", "[p:file:../.env]"},
    {PY, "BASE_DIR.parent / 'shared' / '.env'", "[p:file:../../shared/.env]"},
    {PY, "Path(__file__).parents[2] / \".env\"", "[p:file:../../.env]"},
    {PY, "Path(__file__).parent.joinpath('config', '.env')", "[p:file:config/.env]"},
    {PY, "str(Path(__file__).with_name('.env'))", "[?:str(Path(__file__).with_name('.env'))]"},
    {PY, "Path.cwd() / '.env', verbose=True", "[p:cwd:.env]{verbose=b:true}"},
    {PY, "os.path.join(os.getcwd(), \".env\")", "[p:cwd:.env]"},
    {PY, "Path('.env').resolve()", "[p:cwd:.env]"},
    {PY, "Path(\"/etc/app\") / \".env\"", "[p:abs:/etc/app/.env]"},
    {PY, "os.path.join(BASE_DIR, \"/etc/.env\")", "[p:abs:/etc/.env]"},
    {PY, "env_file=(\".env\", \".env.prod\")", "[]{env_file=[s:.env, s:.env.prod]}"},
    {PY, "env_file=('.env',)", "[]{env_file=[s:.env]}"},
    {PY, "env_file=('.env')", "[]{env_file=s:.env}"},
    {PY, "_env_file=ENV_PATH", "[]{_env_file=s:.env.test}"},
    {PY, "_env_file=settings.ENV_FILE", "[]{_env_file=p:file:../deploy/.env}"},
    {PY, "\n    dotenv_path=find_dotenv(),  # walks up from the caller\n    override=False,\n",
     "[]{dotenv_path=?:find_dotenv(), override=b:false}"},
    {PY, "r'C:\\app\\.env', encoding='utf-8'", "[s:C:\\app\\.env]{encoding=s:utf-8}"},
    {PY, "'''.env''', interpolate=False", "[s:.env]{interpolate=b:false}"},
    {PY, "f\".env.{ENVIRONMENT}\"", "[?:f\".env.{ENVIRONMENT}\"]"},
    {PY, "f\".env.{{literal}}\"", "[s:.env.{literal}]"},
    {PY, "\".env\" \".local\"", "[s:.env.local]"},
    {PY, "os.environ.get('ENV_FILE', '.env')", "[?:os.environ.get('ENV_FILE', '.env')]"},
    {PY, "BASE_DIR / ENV_NAME", "[?:BASE_DIR / ENV_NAME]"},
    {PY, "'.env' if DEBUG else '.env.prod'", "[?:'.env' if DEBUG else '.env.prod']"},
    {PY, "*paths, override=None", "[?:*paths]{override=null}"},
    {PY, "**kwargs, override=1", "[]{override=n:1}"},
    {PY, "stream=StringIO(\"A=1\"), verbose=True",
     "[]{stream=?:StringIO(\"A=1\"), verbose=b:true}"},
    {PY, "dotenv_path=\"\\x2eenv\", x=0x1F, y=1_000, z=2.5e3",
     "[]{dotenv_path=s:.env, x=n:31, y=n:1000, z=n:2500}"},
    /* ---- unbalanced and malformed ---- */
    {JS, "{ path: '.env'", "[?:{ path: '.env']"},
    {JS, "{ path: '.env' ]", "[?:{ path: '.env']"},
    /* the call is cut short by the object's brace: the call is unknown, the object survives */
    {JS, "{ path: path.resolve(__dirname, '.env' }",
     "[{path=?:path.resolve(__dirname, '.env'}]{path=?:path.resolve(__dirname, '.env'}"},
    {PY, "dotenv_path='.env", "[]{dotenv_path=?:'.env}"},
    {JS, "'a', , 'b'", "[s:a, ?:, s:b]"},
};

START_TEST(test_expr_args_table)
{
	const struct args_case *c = &args_cases[_i];
	struct expr *e;
	char *got;

	scope_setup();
	e = expr_parse_args(c->lang, c->args, 10, 5, &scope);
	got = render_str(e);
	ck_assert_msg(strcmp(got, c->want) == 0, "case %d (%s):\n  got  %s\n  want %s", _i, c->args,
	              got, c->want);
	free(got);
	expr_free(e);
	scope_teardown();
}
END_TEST

struct one_case {
	enum source_lang lang;
	const char *text;
	const char *want;
};

static const struct one_case one_cases[] = {
    {JS, "__dirname", "p:file:."},
    {JS, "__filename", "?file"},
    {JS, "path.dirname(__filename)", "p:file:."},
    {JS, "path.resolve(__filename, '..', '..')", "p:file:.."},
    {JS, "path.normalize('./a/b/../../../.env')", "s:../.env"},
    {JS, "path.join('/srv', '..', '..', 'x')", "p:abs:/x"},
    {JS, "path.join(__dirname, '/config/.env')", "p:file:config/.env"},
    {JS, "new URL('./', import.meta.url).pathname", "p:file:."},
    {JS, "new URL('https://example.com/.env')", "?:new URL('https://example.com/.env')"},
    {JS, "new URL('file:///etc/.env')", "p:abs:/etc/.env"},
    {JS, "new Foo('.env')", "?:new Foo('.env')"},
    {JS, "`plain`", "s:plain"},
    {JS, "'it\\'s'", "s:it's"},
    {JS, "\"\\u{1F600}\"", "s:\xF0\x9F\x98\x80"},
    {JS, "\"\\uD83D\\uDE00\"", "s:\xF0\x9F\x98\x80"},
    {JS, "0x10", "n:16"},
    {JS, "null", "null"},
    {JS, "undefined", "null"},
    {JS, "false", "b:false"},
    {JS, "typeof x", "?:typeof x"},
    {JS, "'a' + 'b' + 'c'", "s:abc"},
    {JS, "/\\.env$/", "?:/\\.env$/"},
    {JS, "a, b", "?:a, b"},
    {JS, "x)", "?:x)"},
    {JS, "", "?:"},
    {PY, "__file__", "?file"},
    {PY, "Path(__file__)", "?file"},
    {PY, "Path(__file__).resolve()", "?file"},
    {PY, "os.path.abspath(__file__)", "?file"},
    {PY, "os.path.dirname(os.path.abspath(__file__))", "p:file:."},
    {PY, "Path(__file__).parent.parent.parent", "p:file:../.."},
    {PY, "Path(__file__).resolve().parents[0]", "p:file:."},
    {PY, "Path(__file__).parents[x]", "?:Path(__file__).parents[x]"},
    {PY, "Path(__file__) / 'x'", "?:Path(__file__) / 'x'"},
    {PY, "Path()", "s:."},
    {PY, "os.path.normpath('a/./b/../../..')", "s:.."},
    {PY, "Path('/').parent", "p:abs:/"},
    {PY, "os.getcwd()", "p:cwd:."},
    {PY, "os.path.abspath('.env')", "p:cwd:.env"},
    {PY, "BASE_DIR", "p:file:.."},
    {PY, "UNBOUND / '.env'", "?:UNBOUND / '.env'"},
    {PY, "True", "b:true"},
    {PY, "None", "null"},
    {PY, "'\\N{BULLET}'", "?:'\\N{BULLET}'"},
    {PY, "'a\\d'", "s:a\\d"},
    {PY, "b'.env'", "s:.env"},
    {PY, "{'path': '.env', \"override\": True}", "{path=s:.env, override=b:true}"},
    {PY, "lambda: '.env'", "?:lambda: '.env'"},
    {PY, "not x", "?:not x"},
    {PY, "[]", "[]"},
    {PY, "()", "[]"},
};

START_TEST(test_expr_parse_one)
{
	const struct one_case *c = &one_cases[_i];
	struct expr *e;
	char *got;

	scope_setup();
	e = expr_parse(c->lang, c->text, 1, 1, &scope);
	got = render_str(e);
	ck_assert_msg(strcmp(got, c->want) == 0, "case %d (%s):\n  got  %s\n  want %s", _i, c->text,
	              got, c->want);
	free(got);
	expr_free(e);
	scope_teardown();
}
END_TEST

START_TEST(test_expr_positions)
{
	/* args start at line 7, col 20 of the file; positions count from there */
	struct expr *e =
	    expr_parse_args(LANG_JS, "{\r\n  path: '.env',\n\toverride: x }", 7, 20, NULL);
	const struct expr *obj, *path, *ov;

	ck_assert_int_eq(e->nitems, 1);
	obj = e->items[0];
	ck_assert_int_eq(obj->line, 7);
	ck_assert_int_eq(obj->col, 20);
	path = expr_prop(obj, "path");
	ck_assert_ptr_nonnull(path);
	ck_assert_int_eq(path->line, 8);
	ck_assert_int_eq(path->col, 9);
	ov = expr_prop(e, "override");
	ck_assert_int_eq(ov->type, EXPR_UNKNOWN);
	ck_assert_str_eq(ov->text, "x");
	ck_assert_int_eq(ov->line, 9);
	ck_assert_int_eq(ov->col, 12);
	expr_free(e);
	/* Python keyword value after a triple-quoted string spanning lines */
	e = expr_parse_args(LANG_PYTHON, "'''a\nb''', dotenv_path=Path(__file__).parent", 3, 13,
	                    NULL);
	path = expr_prop(e, "dotenv_path");
	ck_assert_int_eq(path->type, EXPR_PATH);
	ck_assert_int_eq(path->line, 4);
	ck_assert_int_eq(path->col, 19);
	expr_free(e);
}
END_TEST

struct bool_case {
	enum source_lang lang;
	const char *text;
	bool known, value;
};

static const struct bool_case bool_cases[] = {
    {JS, "true", true, true},
    {JS, "false", true, false},
    {JS, "0", true, false},
    {JS, "1", true, true},
    {JS, "null", true, false},
    {JS, "''", true, false},
    {JS, "'false'", true, true},
    {JS, "x", false, false},
    {JS, "!x", false, false},
    {PY, "True", true, true},
    {PY, "False", true, false},
    {PY, "None", true, false},
    {PY, "os.getenv('X')", false, false},
};

START_TEST(test_expr_bool)
{
	const struct bool_case *c = &bool_cases[_i];
	struct expr *e = expr_parse(c->lang, c->text, 1, 1, NULL);
	bool v = !c->value;

	ck_assert_msg(expr_bool(e, &v) == c->known, "%s", c->text);
	if (c->known)
		ck_assert_msg(v == c->value, "%s", c->text);
	expr_free(e);
}
END_TEST

START_TEST(test_expr_prop_and_copy)
{
	struct expr *e =
	    expr_parse_args(LANG_JS, "{ path: 'a', path: 'b', x: [1, {y: 2}] }", 1, 1, NULL);
	struct expr *c = expr_copy(e);
	char *a = render_str(e), *b = render_str(c);

	/* a later duplicate key wins, as in JS */
	ck_assert_str_eq(expr_prop(e, "path")->text, "b");
	ck_assert_ptr_null(expr_prop(e, "nope"));
	ck_assert_ptr_null(expr_prop(NULL, "path"));
	ck_assert_str_eq(a, b);
	ck_assert_ptr_ne(e->items[0], c->items[0]);
	free(a);
	free(b);
	expr_free(e);
	expr_free(c);
	ck_assert_ptr_null(expr_copy(NULL));
	expr_free(NULL);
}
END_TEST

/* Seconds spent in expr_parse_args over text. */
static double
time_parse(enum source_lang lang, const char *text, char **rendered)
{
	struct timespec t0, t1;
	struct expr *e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = expr_parse_args(lang, text, 1, 1, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*rendered = render_str(e);
	expr_free(e);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

struct hostile_case {
	enum source_lang lang;
	const char *unit; /* repeated */
	const char *tail;
	size_t times;
	const char *want_prefix; /* rendering starts with this */
};

static const struct hostile_case hostile_cases[] = {
    /* deep nesting → UNKNOWN, no stack overflow */
    {JS, "[", "", 100000, "[?:"},
    {JS, "{a:", "", 100000, "[?:"},
    {PY, "(", "", 100000, "[?:"},
    {JS, "f(", "", 100000, "[?:"},
    {JS, "`${", "", 50000, "[?:"},
    {JS, "new ", "x", 50000, "[?:"},
    {JS, "- ", "1", 50000, "[?:"},
    {PY, "not ", "x", 50000, "[?:"},
    /* long chains stay linear */
    {PY, ".parent", "", 60000, "[?:Path(__file__)"},
    {PY, ".resolve()", "", 30000, "[?file"},
    {PY, " / 'a'", "", 30000, "[?:Path(__file__)"},
    {JS, " + 'a'", "", 30000, "[?:'x' + 'a' + "},
    {JS, "'a', ", "", 50000, "[s:a, s:a"},
    {PY, "x.", "y", 50000, "[?:x.x."},
    {JS, "/* ", "", 50000, "[]"},
    {PY, "\"\"\"", "", 1, "[?:\"\"\"]"},
};

START_TEST(test_expr_hostile_input)
{
	const struct hostile_case *c = &hostile_cases[_i];
	struct buf b = BUF_INIT;
	char *got;
	double secs;

	if (strcmp(c->unit, ".parent") == 0 || strcmp(c->unit, ".resolve()") == 0 ||
	    strcmp(c->unit, " / 'a'") == 0)
		buf_puts(&b, "Path(__file__)");
	else if (strcmp(c->unit, " + 'a'") == 0)
		buf_puts(&b, "'x'");
	for (size_t i = 0; i < c->times; i++)
		buf_puts(&b, c->unit);
	buf_puts(&b, c->tail);
	secs = time_parse(c->lang, buf_cstr(&b), &got);
	ck_assert_msg(strncmp(got, c->want_prefix, strlen(c->want_prefix)) == 0,
	              "case %d: got %.60s", _i, got);
	ck_assert_msg(secs < 2.0, "case %d took %.2fs", _i, secs);
	free(got);
	buf_free(&b);
}
END_TEST

START_TEST(test_expr_invalid_bytes)
{
	static const char *const texts[] = {
	    "\xff\xfe{ path: '\xc3' }",
	    "'\\",
	    "`\\",
	    "\"\\u{110000}\"",
	    "'\\x'",
	    "{ path: `${'",
	    "f'{'",
	    "1e",
	    "0x",
	    "\\",
	    "@#!",
	    "{,,,}",
	    "[,,]",
	    "(((",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int lang = 0; lang < 2; lang++) {
			struct expr *e =
			    expr_parse_args(lang ? LANG_PYTHON : LANG_JS, texts[i], 1, 1, NULL);
			struct expr *one =
			    expr_parse(lang ? LANG_PYTHON : LANG_JS, texts[i], 1, 1, NULL);

			ck_assert_ptr_nonnull(e);
			ck_assert_int_eq(e->type, EXPR_ARRAY);
			ck_assert_ptr_nonnull(one);
			expr_free(e);
			expr_free(one);
		}
	}
	/* NULL text is an empty argument list */
	{
		struct expr *e = expr_parse_args(LANG_JS, NULL, 1, 1, NULL);

		ck_assert_int_eq(e->nitems, 0);
		expr_free(e);
	}
}
END_TEST

static Suite *
expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_expr_args_table, 0,
	                    (int)(sizeof(args_cases) / sizeof(args_cases[0])));
	tcase_add_loop_test(tc, test_expr_parse_one, 0,
	                    (int)(sizeof(one_cases) / sizeof(one_cases[0])));
	tcase_add_test(tc, test_expr_positions);
	tcase_add_loop_test(tc, test_expr_bool, 0,
	                    (int)(sizeof(bool_cases) / sizeof(bool_cases[0])));
	tcase_add_test(tc, test_expr_prop_and_copy);
	tcase_add_loop_test(tc, test_expr_hostile_input, 0,
	                    (int)(sizeof(hostile_cases) / sizeof(hostile_cases[0])));
	tcase_add_test(tc, test_expr_invalid_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(expr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
