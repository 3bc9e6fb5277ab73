/*
 * Unit tests for loader detection and resolution (src/model/detect*.c,
 * resolve.c, reads.c, bindings.c) on the fixture repositories: the
 * env-loading.md §6.1 precedence table for every loader model, the seed-2
 * override layout, Vite's envDir, pydantic settings fields as reads, and
 * the string-literal test that keeps quoted "calls" from counting.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "model/bindings.h"
#include "model/loaders.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/xalloc.h"

struct ctx {
	struct packs *packs;
	struct loader_set *loaders;
	struct scan *scan;
};

static void
open_fixture(struct ctx *c, const char *rel, const char *env)
{
	const char *dirs[] = {TESTS_DIR "/../rules"};
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct scan_options so;
	size_t n = 0;
	char *root = xasprintf("%s/%s", FIXTURES_DIR, rel);

	memset(c, 0, sizeof(*c));
	ck_assert_msg(packs_load(&c->packs, dirs, 1, &err) == 0, "packs: %s", err.msg);
	if (packs_kind_docs(c->packs, "loaders", &docs, &paths, &n) != 0)
		n = 0;
	ck_assert_msg(loaders_load(&c->loaders, docs, paths, n, &err) == 0, "loaders: %s",
		      err.msg);
	memset(&so, 0, sizeof(so));
	so.env = env;
	so.loaders = c->loaders;
	ck_assert_msg(scan_new(&c->scan, root, &so, c->packs, &err) == 0, "scan: %s", err.msg);
	free(root);
}

static void
close_fixture(struct ctx *c)
{
	scan_free(c->scan);
	loaders_free(c->loaders);
	packs_free(c->packs);
}

static const struct service *
service_at(const struct ctx *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->scan->services.len; i++) {
		if (strcmp(c->scan->services.items[i]->path, path) == 0)
			return c->scan->services.items[i];
	}
	ck_abort_msg("no service %s", path);
	return NULL;
}

/* The effective value of key in the service at path and the file it comes from. */
static void
assert_value(const struct ctx *c, const char *svc, const char *key, const char *value,
	     const char *file)
{
	const struct env_entry *e = resolve_find(service_at(c, svc), key);

	ck_assert_msg(e != NULL, "%s: %s undefined", svc, key);
	ck_assert_msg(e->winner.value != NULL && strcmp(e->winner.value, value) == 0,
		      "%s: %s=%s, want %s", svc, key, e->winner.value ? e->winner.value : "(null)",
		      value);
	ck_assert_msg(strcmp(e->winner.file, file) == 0, "%s: %s from %s, want %s", svc, key,
		      e->winner.file, file);
}

/* env-loading.md §6.1: a.env then b.env, PRESET=from_env from compose environment:. */
struct precedence_case {
	const char *fixture;
	const char *dup, *preset, *ref;
};

static const struct precedence_case precedence_cases[] = {
    {"dotenv-array", "a", "from_env", "${DUP}"},
    {"dotenv-array-override", "b", "b", "${DUP}"},
    {"node-env-file", "b", "from_env", "${DUP}"},
    {"load-env-file", "a", "from_env", "${DUP}"},
    {"python-dotenv", "a", "from_env", "a"},
    {"python-dotenv-override", "b", "b", "a"},
    {"pydantic-settings", "b", "from_env", "a"},
    {"compose-env-file", "b", "b", "a"},
    {"nestjs", "a", "from_env", "${DUP}"},
    {"nestjs-override", "a", "a", "${DUP}"},
    {"dotenv-flow-load", "b", "from_env", "${DUP}"},
};

static const char *
value_file(const char *v)
{
	return strcmp(v, "from_env") == 0 ? "compose.yaml" : strcmp(v, "a") == 0 ? "a.env" : "b.env";
}

START_TEST(test_precedence_table)
{
	const struct precedence_case *pc = &precedence_cases[_i];
	char *rel = xasprintf("precedence/%s", pc->fixture);
	struct ctx c;

	open_fixture(&c, rel, "development");
	assert_value(&c, ".", "DUP", pc->dup, value_file(pc->dup));
	assert_value(&c, ".", "PRESET", pc->preset, value_file(pc->preset));
	assert_value(&c, ".", "REF", pc->ref, "a.env");
	assert_value(&c, ".", "ONLY_A", "1", "a.env");
	assert_value(&c, ".", "ONLY_B", "1", "b.env");
	close_fixture(&c);
	free(rel);
}
END_TEST

/* §6.2 with Next.js: test mode skips .env.local; .env.local feeds ${HOST} in .env. */
START_TEST(test_next_modes)
{
	struct ctx c;

	open_fixture(&c, "precedence/files-next", "development");
	assert_value(&c, ".", "DUP", ".env.development.local", ".env.development.local");
	assert_value(&c, ".", "URL", "http://local-host", ".env");
	close_fixture(&c);
	open_fixture(&c, "precedence/files-next", "test");
	assert_value(&c, ".", "DUP", ".env.test", ".env.test");
	assert_value(&c, ".", "HOST", "env-host", ".env");
	assert_value(&c, ".", "URL", "http://env-host", ".env");
	close_fixture(&c);
}
END_TEST

/* Seed 2: root .env first, the service's .env second with override: true. */
START_TEST(test_seed_override_layout)
{
	const struct env_entry *e;
	struct ctx c;

	open_fixture(&c, "loaders/seed-override", "development");
	e = resolve_find(service_at(&c, "services/auth-service"), "DATABASE_URL");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->winner.file, "services/auth-service/.env");
	ck_assert_uint_eq(e->shadowed.len, 1);
	ck_assert_str_eq(e->shadowed.items[0].file, ".env");
	e = resolve_find(service_at(&c, "services/client-service"), "DATABASE_URL");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->winner.file, ".env");
	ck_assert_uint_eq(e->shadowed.len, 0);
	close_fixture(&c);
}
END_TEST

/* Vite's envDir replaces the project folder: only the root files are read. */
START_TEST(test_vite_env_dir)
{
	const struct service *svc;
	size_t i;
	struct ctx c;

	open_fixture(&c, "loaders/vite", "production");
	svc = service_at(&c, "apps/dashboard");
	ck_assert_uint_eq(svc->sources.len, 4);
	for (i = 0; i < svc->sources.len; i++)
		ck_assert_msg(strchr(svc->sources.items[i].file, '/') == NULL, "%s",
			      svc->sources.items[i].file);
	ck_assert_str_eq(svc->sources.items[0].file, ".env.production.local");
	ck_assert_str_eq(svc->sources.items[3].file, ".env");
	close_fixture(&c);
}
END_TEST

static bool
reads_key(const struct service *svc, const char *key)
{
	size_t i;

	for (i = 0; i < svc->reads.len; i++) {
		if (strcmp(svc->reads.items[i].key, key) == 0)
			return true;
	}
	return false;
}

/* pydantic settings fields: env_prefix, alias=, no private or nested names. */
START_TEST(test_pydantic_fields)
{
	const struct service *svc;
	struct ctx c;

	open_fixture(&c, "loaders/pydantic", "development");
	svc = service_at(&c, "services/api");
	ck_assert(reads_key(svc, "APP_DATABASE_URL"));
	ck_assert(reads_key(svc, "APP_SENTRY_DSN"));
	ck_assert(reads_key(svc, "APP_DEBUG"));
	ck_assert(reads_key(svc, "REDIS_URL"));
	ck_assert(!reads_key(svc, "APP_REDIS"));
	ck_assert(!reads_key(svc, "APP__CACHE"));
	ck_assert(!reads_key(svc, "APP_MODEL_CONFIG"));
	ck_assert(!reads_key(svc, "APP_VALUE"));
	svc = service_at(&c, "services/billing");
	ck_assert(reads_key(svc, "DATABASE_URL"));
	ck_assert(!reads_key(svc, "ENV_FILE"));
	close_fixture(&c);
}
END_TEST

/* A=${B}x and B=${A}y in two files of one dotenv-expand load: the real loader
 * never finishes; resolution must stop, leaving no reference in the value. */
START_TEST(test_expansion_cycle)
{
	const struct env_entry *e;
	struct ctx c;

	open_fixture(&c, "precedence/expansion-cycle", "development");
	e = resolve_find(service_at(&c, "."), "A");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(e->winner.value);
	ck_assert_msg(strstr(e->winner.value, "${") == NULL, "%s", e->winner.value);
	ck_assert(e->winner.unknowable);
	close_fixture(&c);
}
END_TEST

struct string_case {
	enum source_lang lang;
	const char *text; /* '@' marks the offset asked about (removed before the call) */
	bool in_string;
};

static const struct string_case string_cases[] = {
    {LANG_JS, "@dotenv.config()", false},
    {LANG_JS, "const s = \"@dotenv.config()\";", true},
    {LANG_JS, "const s = 'it\\'s @x';", true},
    {LANG_JS, "const s = `a\n@b`;", true},
    {LANG_JS, "const s = \"a\"; @x", false},
    {LANG_JS, "// \"\n@x", false},
    {LANG_JS, "/* ' */ @x", false},
    {LANG_PYTHON, "\"\"\"\nload_dotenv() @x\n\"\"\"", true},
    {LANG_PYTHON, "\"\"\"doc\"\"\"\n@load_dotenv()", false},
    {LANG_PYTHON, "# it's\n@load_dotenv()", false},
    {LANG_PYTHON, "x = 'a' + \"@b\"", true},
};

START_TEST(test_in_string)
{
	const struct string_case *sc = &string_cases[_i];
	const char *at = strchr(sc->text, '@');
	size_t off = (size_t)(at - sc->text);
	char *text = xasprintf("%.*s%s", (int)off, sc->text, at + 1);

	ck_assert_msg(bindings_in_string(sc->lang, text, strlen(text), off) == sc->in_string,
		      "%s", sc->text);
	free(text);
}
END_TEST

struct guard_case {
	const char *text; /* '@' marks the call */
	const char *env;
	bool out;
};

static const struct guard_case guard_cases[] = {
    {"if (process.env.NODE_ENV !== 'production') {\n  @x()", "production", true},
    {"if (process.env.NODE_ENV !== 'production') {\n  @x()", "development", false},
    {"if (process.env.NODE_ENV != \"production\") @x()", "production", true},
    {"if ('production' !== process.env.NODE_ENV) @x()", "test", false},
    {"if (process.env.NODE_ENV === 'test') @x()", "development", true},
    {"if (process.env.NODE_ENV === 'test') @x()", "test", false},
    {"if (process.env.NODE_ENV !== 'production' && !ci) @x()", "production", false},
    {"if (process.env.NODE_ENV !== 'production') {\n  a();\n  @x()", "production", false},
    {"notif (process.env.NODE_ENV !== 'production') @x()", "production", false},
    {"if (debug) @x()", "production", false},
    {"@x()", "production", false},
};

START_TEST(test_guarded_out)
{
	const struct guard_case *gc = &guard_cases[_i];
	const char *at = strchr(gc->text, '@');
	size_t off = (size_t)(at - gc->text);
	char *text = xasprintf("%.*s%s", (int)off, gc->text, at + 1);

	ck_assert_msg(bindings_guarded_out(LANG_JS, text, off, gc->env) == gc->out, "%s (%s)",
		      gc->text, gc->env);
	free(text);
}
END_TEST

static Suite *
resolve_suite(void)
{
	Suite *s = suite_create("resolve");
	TCase *tc = tcase_create("resolve");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_precedence_table, 0,
			    (int)(sizeof(precedence_cases) / sizeof(precedence_cases[0])));
	tcase_add_test(tc, test_next_modes);
	tcase_add_test(tc, test_seed_override_layout);
	tcase_add_test(tc, test_vite_env_dir);
	tcase_add_test(tc, test_pydantic_fields);
	tcase_add_test(tc, test_expansion_cycle);
	tcase_add_loop_test(tc, test_in_string, 0,
			    (int)(sizeof(string_cases) / sizeof(string_cases[0])));
	tcase_add_loop_test(tc, test_guarded_out, 0,
			    (int)(sizeof(guard_cases) / sizeof(guard_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(resolve_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
