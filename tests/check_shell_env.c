/* Unit tests for src/parse/shell_env.c: exports of shell entrypoints and their conditions. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/shell_env.h"

/* One script and the exports expected from it, "KEY|value|when|unknowable" each. */
struct script_case {
	const char *script;
	const char *want[6];
};

static const struct script_case cases[] = {
    /* The trap-3 entrypoint: a default for DIRECT_URL. */
    {"#!/bin/sh\nset -e\nexport DIRECT_URL=\"${DIRECT_URL:-$DATABASE_URL}\"\nexec \"$@\"\n",
     {"DIRECT_URL|$DATABASE_URL|unset|0", NULL}},
    /* Assembled inside if [ -z ], then a conditional suffix, then a default. */
    {"if [ -z \"$DATABASE_URL\" ]; then\n"
     "  export DATABASE_URL=\"postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/${DB_NAME}\"\n"
     "  [ -n \"$DB_PARAMS\" ] && export DATABASE_URL=\"${DATABASE_URL}?${DB_PARAMS}\"\n"
     "fi\n"
     "export DIRECT_URL=\"${DIRECT_URL:-$DATABASE_URL}\"\n"
     "exec node server.js\n"
     "export AFTER_EXEC=1\n",
     {"DATABASE_URL|postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/${DB_NAME}|unset|0",
      "DATABASE_URL|${DATABASE_URL}?${DB_PARAMS}|unset|1", "DIRECT_URL|$DATABASE_URL|unset|0",
      NULL}},
    /* Unconditional, single quotes keep $ literal, several per export, one-line if. */
    {"export NODE_ENV=production PORT=3000\nexport PW='a$b'\n"
     "if [ -z \"${REDIS_URL}\" ]; then export REDIS_URL=redis://redis:6379; fi\n",
     {"NODE_ENV|production|always|0", "PORT|3000|always|0", "PW|a$$b|always|0",
      "REDIS_URL|redis://redis:6379|unset|0", NULL}},
    /* Command substitution is unknowable; an else branch and a function body are unknown. */
    {"export HOST=$(hostname)\nif [ -z \"$A\" ]; then\n  export A=1\nelse\n  export A=2\nfi\n"
     "setup() {\n  export B=1\n}\n[ -z \"$C\" ] && export C=3\n",
     {"HOST|$(hostname)|always|1", "A|1|unset|0", "A|2|unknown|0", "B|1|unknown|0",
      "C|3|unset|0", NULL}},
    /* Comments, continuation lines and a case block. */
    {"# export NOPE=1\nexport LONG=\"a\\\n b\"  # trailing\ncase \"$1\" in\n  web) export ROLE=web;;\n"
     "esac\n",
     {"LONG|a b|always|0", "ROLE|web|unknown|0", NULL}},
};

static const char *
when_name(enum shenv_when w)
{
	return w == SHENV_ALWAYS ? "always" : w == SHENV_UNSET ? "unset" : "unknown";
}

START_TEST(test_shell_env_exports)
{
	const struct script_case *c = &cases[_i];
	struct shenv_script sc = {0};
	size_t n = 0, i;
	char got[512];

	shenv_parse(&sc, c->script, strlen(c->script));
	while (c->want[n] != NULL)
		n++;
	for (i = 0; i < sc.nexports && i < n; i++) {
		snprintf(got, sizeof(got), "%s|%s|%s|%d", sc.exports[i].key, sc.exports[i].value,
			 when_name(sc.exports[i].when), sc.exports[i].unknowable);
		ck_assert_str_eq(got, c->want[i]);
	}
	ck_assert_uint_eq(sc.nexports, n);
	shenv_free(&sc);
}
END_TEST

/* Lines and columns point at the key. */
START_TEST(test_shell_env_positions)
{
	const char *s = "#!/bin/sh\n\n  export   KEY=v\n";
	struct shenv_script sc = {0};

	shenv_parse(&sc, s, strlen(s));
	ck_assert_uint_eq(sc.nexports, 1);
	ck_assert_int_eq(sc.exports[0].line, 3);
	ck_assert_int_eq(sc.exports[0].col, 12);
	shenv_free(&sc);
}
END_TEST

/* Hostile input: unterminated quotes and braces, deep nesting, NUL bytes. */
START_TEST(test_shell_env_hostile)
{
	static const char *const inputs[] = {
	    "export A=\"unterminated\n", "export B=${X:-${Y\n", "export C='\n",
	    "if [ -z \"$X\" ]; then if a; then if b; then if c; then export X=1; fi fi fi fi\n",
	};
	struct shenv_script sc = {0};
	char deep[4096];
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		shenv_parse(&sc, inputs[i], strlen(inputs[i]));
		shenv_free(&sc);
	}
	for (i = 0; i + 8 < sizeof(deep); i += 7)
		memcpy(deep + i, "if a\nx\n", 7);
	deep[i] = '\0';
	shenv_parse(&sc, deep, strlen(deep));
	shenv_free(&sc);
	shenv_parse(&sc, "export A=1\0export B=2\n", 22);
	ck_assert_uint_ge(sc.nexports, 1);
	shenv_free(&sc);
}
END_TEST

static Suite *
shell_env_suite(void)
{
	Suite *s = suite_create("shell_env");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_shell_env_exports, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_shell_env_positions);
	tcase_add_test(tc, test_shell_env_hostile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(shell_env_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
