/* Unit tests for src/parse/shcmd.c: start scripts split the way sh splits them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/shcmd.h"
#include "util/buf.h"

/*
 * Rendering: commands separated by their operator (" ; ", " && ", " || ",
 * " | ", " & "), words in brackets, an assignment marked with "=" before the
 * bracket: [node] =[FOO=1].
 */
static char *
render(const char *text)
{
	static const char *const seps[] = {" ; ", " && ", " || ", " | ", " & "};
	struct shcmd_list l;
	struct buf b = BUF_INIT;
	size_t i, j;

	shcmd_parse(&l, text, strlen(text));
	buf_puts(&b, "");
	for (i = 0; i < l.cmds.len; i++) {
		const struct shcmd_simple *c = &l.cmds.items[i];

		if (i > 0)
			buf_puts(&b, seps[c->sep]);
		for (j = 0; j < c->words.len; j++)
			buf_printf(&b, "%s%s[%s]", j ? " " : "",
				   c->words.items[j].assignment ? "=" : "", c->words.items[j].text);
	}
	shcmd_list_free(&l);
	return buf_detach(&b);
}

static const struct {
	const char *in, *want;
} split_cases[] = {
    {"dotenv -e ../../.env -- next dev", "[dotenv] [-e] [../../.env] [--] [next] [dev]"},
    {"FOO=1 BAR='a b' node x.js", "=[FOO=1] =[BAR=a b] [node] [x.js]"},
    /* a quoted name is not an assignment */
    {"'FOO'=1 node", "[FOO=1] [node]"},
    {"\"FOO=1\" node", "[FOO=1] [node]"},
    {"pnpm build && dotenv -e ../../.env -- sh -c \"pnpm generate && node dist/migrate.js\"",
     "[pnpm] [build] && [dotenv] [-e] [../../.env] [--] [sh] [-c] [pnpm generate && node "
     "dist/migrate.js]"},
    {"a || b; c | d & e", "[a] || [b] ; [c] | [d] & [e]"},
    /* redirections are dropped, 2>&1 included */
    {"node server.js > out.log 2>&1", "[node] [server.js]"},
    {"node server.js &>/dev/null", "[node] [server.js]"},
    /* escapes, $(...) and `...` kept as written */
    {"echo \\\"hi\\\" $(cat \"a b\") `id`", "[echo] [\"hi\"] [$(cat \"a b\")] [`id`]"},
    {"echo \"x $(printf ')') y\"", "[echo] [x $(printf ')') y]"},
    /* comments, line continuations, subshells */
    {"node a.js # run it\nnode b.js", "[node] [a.js] ; [node] [b.js]"},
    {"node \\\n  server.js", "[node] [server.js]"},
    {"(cd api && node x)", "[cd] [api] && [node] [x]"},
    {"exec \"$@\"", "[exec] [$@]"},
    /* unterminated quotes end at the end of the text */
    {"node 'x", "[node] [x]"},
    {"", ""},
    {";;&&", ""},
};

START_TEST(test_shcmd_split_table)
{
	char *got = render(split_cases[_i].in);

	ck_assert_msg(strcmp(got, split_cases[_i].want) == 0, "%s\n got: %s\nwant: %s",
		      split_cases[_i].in, got, split_cases[_i].want);
	free(got);
}
END_TEST

/* shcmd_join quotes what sh would split and keeps an option's name outside the quotes. */
START_TEST(test_shcmd_join_round_trip)
{
	static const char *const texts[] = {
	    "node --env-file='config/prod env.env' server.js",
	    "sh -c 'a && b'",
	    "echo 'it'\\''s'",
	    "node x.js",
	};
	size_t k;

	for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		struct shcmd_list l;
		char *joined;

		shcmd_parse(&l, texts[k], strlen(texts[k]));
		ck_assert_int_eq(l.cmds.len, 1);
		joined = shcmd_join(&l.cmds.items[0], 0);
		ck_assert_str_eq(joined, texts[k]);
		free(joined);
		shcmd_list_free(&l);
	}
}
END_TEST

/* Hostile input: bounded work, no crash; at most SHCMD_MAX words kept. */
START_TEST(test_shcmd_hostile_input)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n + 1);
	struct shcmd_list l;

	for (i = 0; i < n; i++)
		big[i] = "a ;$(\"'`\\|&<>"[i % 14];
	big[n] = '\0';
	shcmd_parse(&l, big, n);
	ck_assert(l.cmds.len <= 256);
	shcmd_list_free(&l);
	memset(big, 'x', n);
	for (i = 1; i < n; i += 2)
		big[i] = ' ';
	shcmd_parse(&l, big, n);
	ck_assert_int_eq(l.cmds.len, 1);
	ck_assert(l.truncated);
	shcmd_list_free(&l);
	free(big);
}
END_TEST

static Suite *
shcmd_suite(void)
{
	Suite *s = suite_create("shcmd");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_shcmd_split_table, 0,
			    (int)(sizeof(split_cases) / sizeof(split_cases[0])));
	tcase_add_test(tc, test_shcmd_join_round_trip);
	tcase_add_test(tc, test_shcmd_hostile_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(shcmd_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
