/*
 * Unit tests of the python-dotenv, compose, godotenv, ruby-dotenv and
 * dotenvy dialects beyond the 82 shared vectors (check_dotenv.c): spans,
 * error policies and the loaders' own messages, expansion operators and
 * lookup orders, on inputs that are not in the matrix.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv.h"

/* A fixed process environment: NAME=value pairs. */
struct fake_env {
	const char *const *pairs;
};

static const char *
fake_get(void *ctx, const char *name)
{
	const struct fake_env *e = ctx;

	for (size_t i = 0; e->pairs && e->pairs[i]; i += 2)
		if (strcmp(e->pairs[i], name) == 0)
			return e->pairs[i + 1];
	return NULL;
}

static const char *const shell_env[] = {"SHELL_VAR", "from_shell", "HOME_DIR", "/home/u",
					"EMPTY", "", NULL};

static struct dotenv_file *
parse_with(enum dotenv_dialect d, const char *text, size_t len, bool override)
{
	static struct fake_env env = {shell_env};
	struct dotenv_lookup l = {fake_get, &env};
	struct dotenv_options o = {&l, override, false};
	struct dotenv_file *f = NULL;
	struct el_error err = EL_ERROR_INIT;

	ck_assert_int_eq(dotenv_parse(&f, text, len, d, &o, &err), 0);
	ck_assert_ptr_nonnull(f);
	return f;
}

static struct dotenv_file *
parse(enum dotenv_dialect d, const char *text)
{
	return parse_with(d, text, strlen(text), false);
}

/* The last binding of key (what the loader ends up with), or NULL. */
static const struct dotenv_binding *
find(const struct dotenv_file *f, const char *key)
{
	for (size_t i = f->nbindings; i > 0; i--)
		if (strcmp(f->bindings[i - 1].key, key) == 0)
			return &f->bindings[i - 1];
	return NULL;
}

static void
assert_value(const struct dotenv_file *f, const char *key, const char *value)
{
	const struct dotenv_binding *b = find(f, key);

	ck_assert_msg(b != NULL, "no binding for %s", key);
	if (value == NULL)
		ck_assert_ptr_null(b->value);
	else
		ck_assert_msg(b->value && strcmp(b->value, value) == 0, "%s: got '%s', want '%s'",
			      key, b->value ? b->value : "(null)", value);
}

static void
assert_problem(const struct dotenv_file *f, size_t i, enum dotenv_problem_kind kind, int line,
	       int col, const char *msg)
{
	ck_assert_uint_gt(f->nproblems, i);
	ck_assert_int_eq(f->problems[i].kind, kind);
	ck_assert_int_eq(f->problems[i].line, line);
	ck_assert_int_eq(f->problems[i].col, col);
	ck_assert_str_eq(f->problems[i].message, msg);
}

/* ---- python-dotenv ----------------------------------------------------- */

START_TEST(test_dotenv_dialects_python_spans)
{
	struct dotenv_file *f = parse(DOTENV_PYTHON_DOTENV,
				      "# header\n"
				      "  export DB_URL = \"postgres://h/db\"  # primary\n"
				      "TOKEN='abc'\n");
	const struct dotenv_binding *b = find(f, "DB_URL");

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->line, 2);
	ck_assert_int_eq(b->col, 3);
	ck_assert_int_eq(b->value_line, 2);
	ck_assert_int_eq(b->value_col, 19);
	ck_assert_int_eq(b->end_line, 2);
	ck_assert_int_eq(b->end_col, 35);
	ck_assert_int_eq(b->quote, DOTENV_QUOTE_DOUBLE);
	b = find(f, "TOKEN");
	ck_assert_int_eq(b->line, 3);
	ck_assert_int_eq(b->col, 1);
	ck_assert_int_eq(b->quote, DOTENV_QUOTE_SINGLE);
	ck_assert_str_eq(b->value, "abc");
	ck_assert_uint_eq(f->nproblems, 0);
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_python_skip_warns_with_mark_line)
{
	/* The warning names the line where the reader mark was set: before the blank lines. */
	struct dotenv_file *f = parse(DOTENV_PYTHON_DOTENV, "OK=1\n\n\nBAD='open\nNEXT=2\n");

	ck_assert(!f->failed);
	ck_assert_ptr_null(find(f, "BAD"));
	assert_value(f, "OK", "1");
	assert_value(f, "NEXT", "2");
	ck_assert_uint_eq(f->nproblems, 1);
	assert_problem(f, 0, DOTENV_PROBLEM_SKIPPED_WARN, 4, 1,
		       "python-dotenv could not parse statement starting at line 2");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_python_bare_key_is_null)
{
	struct dotenv_file *f = parse(DOTENV_PYTHON_DOTENV, "FEATURE_FLAG\nport: 80\nX=${FEATURE_FLAG:-on}\n");

	assert_value(f, "FEATURE_FLAG", NULL);
	ck_assert_ptr_null(find(f, "FEATURE_FLAG")->raw_value);
	/* `port: 80` is not a statement python-dotenv can read */
	ck_assert_ptr_null(find(f, "port:"));
	ck_assert_int_eq(f->problems[0].kind, DOTENV_PROBLEM_SKIPPED_WARN);
	/* a key bound without value resolves to "" (env.get returns None), not to the default */
	assert_value(f, "X", "");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_python_expansion)
{
	const char *text = "HOME_DIR=/srv\n"
			   "P1=${HOME_DIR}/x\n"
			   "P2='${HOME_DIR}'\n"
			   "P3=${NOPE:-fallback}\n"
			   "P4=${NOPE:+alt}\n"
			   "P5=$HOME_DIR\n"
			   "P6=\\${HOME_DIR}\n";
	/* dotenv_values / load_dotenv(override=True): the file's value first */
	struct dotenv_file *f = parse_with(DOTENV_PYTHON_DOTENV, text, strlen(text), true);

	assert_value(f, "P1", "/srv/x");
	assert_value(f, "P2", "/srv");
	assert_value(f, "P3", "fallback");
	assert_value(f, "P4", "${NOPE:+alt}");
	assert_value(f, "P5", "$HOME_DIR");
	assert_value(f, "P6", "\\/srv");
	ck_assert(find(f, "P1")->expanded);
	ck_assert_str_eq(find(f, "P1")->raw_value, "${HOME_DIR}/x");
	ck_assert_uint_eq(find(f, "P3")->nundefined_refs, 1);
	ck_assert_str_eq(find(f, "P3")->undefined_refs[0], "NOPE");
	dotenv_file_free(f);
	/* load_dotenv(override=False): the environment first */
	f = parse_with(DOTENV_PYTHON_DOTENV, text, strlen(text), false);
	assert_value(f, "P1", "/home/u/x");
	assert_value(f, "HOME_DIR", "/srv");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_python_escapes_and_comments)
{
	struct dotenv_file *f = parse(DOTENV_PYTHON_DOTENV,
				      "B='it\\'s \\n'\nC=x#y\nD=x\t#y\nA=\"tab\\there\\\\\"\n");

	assert_value(f, "A", "tab\there\\");
	assert_value(f, "B", "it's \\n");
	assert_value(f, "C", "x#y");
	assert_value(f, "D", "x");
	dotenv_file_free(f);
	/*
	 * `\\"` ends in `\"`, which the value regex takes as an escaped quote: the
	 * value runs on to the next quote, `q" junk` then fails the statement,
	 * and python-dotenv 1.2.2 loads only F (checked against the real loader).
	 */
	f = parse(DOTENV_PYTHON_DOTENV, "A=\"tab\\there\\\\\"\nB=1\nE=\"q\" junk\nF=2\n");
	ck_assert_uint_eq(f->nbindings, 1);
	assert_value(f, "F", "2");
	assert_problem(f, 0, DOTENV_PROBLEM_SKIPPED_WARN, 1, 1,
		       "python-dotenv could not parse statement starting at line 1");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_python_invalid_utf8_rejects_file)
{
	struct dotenv_file *f = parse(DOTENV_PYTHON_DOTENV, "A=1\nB=\xff\n");

	ck_assert(f->failed);
	ck_assert_uint_eq(f->nbindings, 0);
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 2, 3,
		       "'utf-8' codec can't decode byte 0xff in position 6: invalid start byte");
	dotenv_file_free(f);
}
END_TEST

/* ---- compose ----------------------------------------------------------- */

START_TEST(test_dotenv_dialects_compose_operators)
{
	struct dotenv_file *f = parse(DOTENV_COMPOSE,
				      "SET=v\n"
				      "O1=${UNSET:-d1}\n"
				      "O2=${EMPTY-d2}\n"
				      "O3=${EMPTY:-d3}\n"
				      "O4=${SET:+alt}\n"
				      "O5=${UNSET+alt}\n"
				      "O6=${UNSET:-${SET}x}y\n"
				      "O7=cost$$5\n"
				      "O8=\"a\\$SET\"\n"
				      "O9=${SET?must}\n"
				      "O10='${SET}'\n"
				      "O11=x #c\tx\n");

	assert_value(f, "O1", "d1");
	assert_value(f, "O2", "");
	assert_value(f, "O3", "d3");
	assert_value(f, "O4", "alt");
	assert_value(f, "O5", "");
	assert_value(f, "O6", "vxy");
	assert_value(f, "O7", "cost$5");
	assert_value(f, "O8", "a$SET");
	assert_value(f, "O9", "v");
	assert_value(f, "O10", "${SET}");
	assert_value(f, "O11", "x");
	ck_assert(!f->failed);
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_compose_required_fails_file)
{
	struct dotenv_file *f = parse(DOTENV_COMPOSE, "A=1\nDB=${DB_PASSWORD:?set the password}\nB=2\n");

	ck_assert(f->failed);
	assert_value(f, "A", "1");
	ck_assert_ptr_null(find(f, "DB"));
	ck_assert_ptr_null(find(f, "B"));
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 2, 4,
		       "required variable DB_PASSWORD is missing a value: set the password");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_compose_env_before_file)
{
	/* env_file interpolation asks the shell before the file's own earlier keys */
	struct dotenv_file *f = parse(DOTENV_COMPOSE, "HOME_DIR=/srv\nDATA=${HOME_DIR}/data\nINHERIT\nSHELL_VAR\n");

	assert_value(f, "HOME_DIR", "/srv");
	assert_value(f, "DATA", "/home/u/data");
	ck_assert_ptr_null(find(f, "INHERIT")); /* bare key not in the environment: dropped */
	assert_value(f, "SHELL_VAR", "from_shell");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_compose_messages)
{
	struct dotenv_file *f = parse(DOTENV_COMPOSE, "# c\nGOOD=1\nMY KEY=2\n");

	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 3, 1, "line 3: key cannot contain a space");
	assert_value(f, "GOOD", "1");
	dotenv_file_free(f);
	f = parse(DOTENV_COMPOSE, "X=\"open\n\nY=1\n");
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 1, 3, "line 4: unterminated quoted value \"open");
	dotenv_file_free(f);
	f = parse(DOTENV_COMPOSE, "K=${not valid}\n");
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 1, 3,
		       "Invalid template: \"${not valid}\"");
	dotenv_file_free(f);
	f = parse(DOTENV_COMPOSE, "\xEF\xBB\xBFK@=1\n");
	ck_assert(f->had_bom);
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 1, 5,
		       "line 1: unexpected character \"@\" in variable name \"K@=1\"");
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_compose_spans)
{
	struct dotenv_file *f = parse(DOTENV_COMPOSE, "\xEF\xBB\xBF" "A=1\r\nexport  B = 'two'\r\n");
	const struct dotenv_binding *b = find(f, "B");

	assert_value(f, "A", "1");
	ck_assert_int_eq(b->line, 2);
	ck_assert_int_eq(b->col, 1);
	ck_assert_int_eq(b->value_col, 13);
	ck_assert_int_eq(b->end_col, 17);
	ck_assert_int_eq(find(f, "A")->col, 4);
	dotenv_file_free(f);
}
END_TEST

/* ---- godotenv ---------------------------------------------------------- */

START_TEST(test_dotenv_dialects_godotenv)
{
	struct dotenv_file *f = parse(DOTENV_GODOTENV,
				      "HOST=db\n"
				      "URL=\"pg://$HOST/${HOST}\"\n"
				      "LOWER=${host}\n"
				      "DEF=${HOST:-x}\n"
				      "SHELL=${SHELL_VAR}\n"
				      "NOTE=a # b # c\n"
				      "ESC=\"a\\tb\"\n");

	assert_value(f, "URL", "pg://db/db");
	assert_value(f, "LOWER", "${host}");
	assert_value(f, "DEF", "db:-x}");
	assert_value(f, "SHELL", ""); /* 1.5.1 reads no OS environment */
	assert_value(f, "NOTE", "a # b");
	assert_value(f, "ESC", "atb");
	ck_assert(!f->failed);
	dotenv_file_free(f);
	f = parse(DOTENV_GODOTENV, "A=1\nMY-KEY=2\nB=3\n");
	ck_assert(f->failed);
	assert_value(f, "A", "1");
	ck_assert_ptr_null(find(f, "B"));
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 2, 3,
		       "unexpected character \"-\" in variable name near \"MY-KEY=2\\nB=3\\n\"");
	dotenv_file_free(f);
}
END_TEST

/* ---- ruby dotenv ------------------------------------------------------- */

START_TEST(test_dotenv_dialects_ruby)
{
	struct dotenv_file *f = parse(DOTENV_RUBY_DOTENV,
				      "SHELL_VAR=mine\n"
				      "NAME=app\n"
				      "GREETING=\"hi $name ${NAME}\\n\"\n"
				      "BAD-KEY=1\n"
				      "REV=$(git rev-parse HEAD)\n"
				      "KEEP=\\$(not run)\n"
				      "RAW='$NAME'\n");

	assert_value(f, "SHELL_VAR", "from_shell"); /* the environment keeps its value */
	assert_value(f, "GREETING", "hi  app\\n");
	ck_assert_ptr_null(find(f, "BAD-KEY"));
	ck_assert_ptr_null(find(f, "BAD"));
	ck_assert(find(f, "REV")->unknowable);
	assert_value(f, "REV", "");
	assert_value(f, "KEEP", "$(not run)");
	ck_assert(!find(f, "KEEP")->unknowable);
	assert_value(f, "RAW", "$NAME");
	ck_assert_uint_eq(f->nproblems, 0);
	dotenv_file_free(f);
	f = parse(DOTENV_RUBY_DOTENV, "A=1\nexport TOKEN\n");
	ck_assert(f->failed);
	assert_value(f, "A", "1");
	assert_problem(f, 0, DOTENV_PROBLEM_FILE_REJECTED, 2, 1,
		       "Line \"export TOKEN\\n\" has an unset variable");
	dotenv_file_free(f);
	/* `KEY:` then a line break: the value is taken from the next line */
	f = parse(DOTENV_RUBY_DOTENV, "KEY:\nOTHER=1\n");
	assert_value(f, "KEY", "OTHER=1");
	ck_assert_ptr_null(find(f, "OTHER"));
	dotenv_file_free(f);
}
END_TEST

/* ---- dotenvy ----------------------------------------------------------- */

START_TEST(test_dotenv_dialects_dotenvy)
{
	struct dotenv_file *f = parse(DOTENV_DOTENVY,
				      "PORT=8080\n"
				      "PORT=9090\n"
				      "U=$PORT_X\n"
				      "V=${PORT}\n"
				      "W=${PORT:-1}\n"
				      "S=\"a b\"\n"
				      "T=a\\ b\n"
				      "BROKEN=two words\n"
				      "AFTER=1\n");

	ck_assert(dotenv_dialect_first_duplicate_wins(DOTENV_DOTENVY));
	ck_assert(!dotenv_dialect_first_duplicate_wins(DOTENV_PYTHON_DOTENV));
	ck_assert_str_eq(f->bindings[0].value, "8080");
	ck_assert_str_eq(f->bindings[1].value, "9090");
	assert_value(f, "U", "9090_X");
	assert_value(f, "V", "9090");
	assert_value(f, "W", "");
	assert_value(f, "S", "a b");
	assert_value(f, "T", "a b");
	ck_assert(f->failed);
	ck_assert_ptr_null(find(f, "BROKEN"));
	ck_assert_ptr_null(find(f, "AFTER"));
	assert_problem(f, 0, DOTENV_PROBLEM_STOPPED, 8, 12,
		       "Error parsing line: 'two words', error at line index: 4");
	dotenv_file_free(f);
	f = parse(DOTENV_DOTENVY, "A=${SHELL_VAR}\nB=1 \n9=x\n");
	assert_value(f, "A", "from_shell");
	assert_value(f, "B", "1");
	assert_problem(f, 0, DOTENV_PROBLEM_STOPPED, 3, 1,
		       "Error parsing line: '9=x', error at line index: 0");
	dotenv_file_free(f);
}
END_TEST

/* ---- all five: hostile bytes ------------------------------------------- */

static const enum dotenv_dialect mine[] = {DOTENV_PYTHON_DOTENV, DOTENV_COMPOSE, DOTENV_GODOTENV,
					   DOTENV_RUBY_DOTENV, DOTENV_DOTENVY};

START_TEST(test_dotenv_dialects_hostile_bytes)
{
	static const char *const inputs[] = {
		"A=\"\\", "'", "export", "export ", "=", "A=${", "A=${B:-${C:-${D", "\r\r\n\n",
		"A=\xC3\n\xE2\x82", "\xEF\xBB\xBF", "A='\\'", "A=$(", "K\xC3\x89Y=\xF0\x9F\x98\x80\n",
	};
	enum dotenv_dialect d = mine[_i];

	for (size_t k = 0; k < sizeof(inputs) / sizeof(inputs[0]); k++) {
		struct dotenv_file *f = parse_with(d, inputs[k], strlen(inputs[k]), false);

		for (size_t i = 0; i < f->nbindings; i++) {
			ck_assert_ptr_nonnull(f->bindings[i].key);
			ck_assert_int_ge(f->bindings[i].line, 1);
			ck_assert_int_ge(f->bindings[i].end_line, f->bindings[i].line);
		}
		for (size_t i = 0; i < f->nproblems; i++)
			ck_assert_ptr_nonnull(f->problems[i].message);
		dotenv_file_free(f);
	}
	/* embedded NUL: parsing goes on past it */
	struct dotenv_file *f = parse_with(d, "A=x\0y\nB=2\n", 10, false);

	ck_assert_ptr_nonnull(find(f, "A"));
	dotenv_file_free(f);
}
END_TEST

START_TEST(test_dotenv_dialects_deep_nesting_bounded)
{
	enum dotenv_dialect d = mine[_i];
	size_t depth = 200000, n = 0;
	char *text = malloc(depth * 8 + 16);

	memcpy(text, "A=", 2);
	n = 2;
	for (size_t i = 0; i < depth; i++) {
		memcpy(text + n, "${X:-", 5);
		n += 5;
	}
	for (size_t i = 0; i < depth; i++)
		text[n++] = '}';
	text[n++] = '\n';
	struct dotenv_file *f = parse_with(d, text, n, false);

	ck_assert_uint_le(f->nbindings, 1);
	dotenv_file_free(f);
	free(text);
}
END_TEST

static Suite *
dotenv_dialects_suite(void)
{
	Suite *s = suite_create("dotenv_dialects");
	TCase *tc = tcase_create("unit");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dotenv_dialects_python_spans);
	tcase_add_test(tc, test_dotenv_dialects_python_skip_warns_with_mark_line);
	tcase_add_test(tc, test_dotenv_dialects_python_bare_key_is_null);
	tcase_add_test(tc, test_dotenv_dialects_python_expansion);
	tcase_add_test(tc, test_dotenv_dialects_python_escapes_and_comments);
	tcase_add_test(tc, test_dotenv_dialects_python_invalid_utf8_rejects_file);
	tcase_add_test(tc, test_dotenv_dialects_compose_operators);
	tcase_add_test(tc, test_dotenv_dialects_compose_required_fails_file);
	tcase_add_test(tc, test_dotenv_dialects_compose_env_before_file);
	tcase_add_test(tc, test_dotenv_dialects_compose_messages);
	tcase_add_test(tc, test_dotenv_dialects_compose_spans);
	tcase_add_test(tc, test_dotenv_dialects_godotenv);
	tcase_add_test(tc, test_dotenv_dialects_ruby);
	tcase_add_test(tc, test_dotenv_dialects_dotenvy);
	tcase_add_loop_test(tc, test_dotenv_dialects_hostile_bytes, 0, 5);
	tcase_add_loop_test(tc, test_dotenv_dialects_deep_nesting_bounded, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dotenv_dialects_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
