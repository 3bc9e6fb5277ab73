/* Unit tests for inline suppressions (report/suppress.c) and baselines (report/baseline.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/baseline.h"
#include "report/suppress.h"

static void
scan_str(struct suppress_list *sl, const char *path, const char *text)
{
	suppress_scan(sl, path, text, strlen(text));
}

/* The suppression for rule (NULL: none named) at index i, checked field by field. */
static void
expect(const struct suppress_list *sl, size_t i, const char *rule, int line, int col,
       bool whole, int target)
{
	const struct suppression *s;

	ck_assert_uint_gt(sl->items.len, i);
	s = &sl->items.items[i];
	if (rule == NULL)
		ck_assert_ptr_null(s->rule);
	else
		ck_assert_str_eq(s->rule, rule);
	ck_assert_int_eq(s->line, line);
	ck_assert_int_eq(s->col, col);
	ck_assert_int_eq(s->whole_file, whole);
	if (!whole)
		ck_assert_int_eq(s->target_line, target);
}

START_TEST(test_env_next_line_list)
{
	struct suppress_list sl = {0};

	scan_str(&sl, ".env",
		 "A=1\n# envlint-disable-next-line duplicate-key, ambiguous-value -- reason here\nA=2\n");
	ck_assert_uint_eq(sl.items.len, 2);
	expect(&sl, 0, "duplicate-key", 2, 29, false, 3);
	expect(&sl, 1, "ambiguous-value", 2, 44, false, 3);
	ck_assert_int_eq(sl.items.items[0].end_col, 41);
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_stacked_directives_share_target)
{
	struct suppress_list sl = {0};

	scan_str(&sl, "services/api/.env.local",
		 "#envlint-disable-next-line a\n  # envlint-disable-next-line b c\nKEY=v\n");
	ck_assert_uint_eq(sl.items.len, 3);
	expect(&sl, 0, "a", 1, 28, false, 3);
	expect(&sl, 1, "b", 2, 31, false, 3);
	expect(&sl, 2, "c", 2, 33, false, 3);
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_next_line_at_end_of_file)
{
	struct suppress_list sl = {0};

	scan_str(&sl, "x.env", "A=1\n# envlint-disable-next-line duplicate-key");
	ck_assert_uint_eq(sl.items.len, 1);
	expect(&sl, 0, "duplicate-key", 2, 29, false, 0);
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_comment_syntax_by_language)
{
	struct suppress_list sl = {0};

	/* JavaScript: // and block comments count, # does not. */
	scan_str(&sl, "src/a.js",
		 "// envlint-disable-next-line r1\nx();\n/* envlint-disable-file r2 */\n"
		 "# envlint-disable-file r3\nconst s = \"envlint-disable-file r4\";\n");
	ck_assert_uint_eq(sl.items.len, 2);
	expect(&sl, 0, "r1", 1, 30, false, 2);
	expect(&sl, 1, "r2", 3, 25, true, 0);
	suppress_list_free(&sl);

	/* Python: # counts, // does not. */
	memset(&sl, 0, sizeof(sl));
	scan_str(&sl, "app/main.py",
		 "x = 1  # envlint-disable-next-line r1\ny = 2\n// envlint-disable-file r2\n");
	ck_assert_uint_eq(sl.items.len, 1);
	expect(&sl, 0, "r1", 1, 36, false, 2);
	suppress_list_free(&sl);

	/* SQL: -- only. */
	memset(&sl, 0, sizeof(sl));
	scan_str(&sl, "db/init.sql", "-- envlint-disable-file r1\n# envlint-disable-file r2\n");
	ck_assert_uint_eq(sl.items.len, 1);
	expect(&sl, 0, "r1", 1, 25, true, 0);
	suppress_list_free(&sl);

	/* JSON has no comments. */
	memset(&sl, 0, sizeof(sl));
	scan_str(&sl, "package.json", "{\"a\": \"# envlint-disable-file r1\"}\n");
	ck_assert_uint_eq(sl.items.len, 0);
	suppress_list_free(&sl);

	/* Unknown types accept every opener. */
	memset(&sl, 0, sizeof(sl));
	scan_str(&sl, "notes.unknownext",
		 "# envlint-disable-file a\n// envlint-disable-file b\n-- envlint-disable-file c\n");
	ck_assert_uint_eq(sl.items.len, 3);
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_not_directives)
{
	struct suppress_list sl = {0};

	/* Not in a comment, a longer word, another verb. */
	scan_str(&sl, ".env",
		 "A=envlint-disable-file x\n# envlint-disable-filex y\n# envlint-disable-line z\n"
		 "# see envlint-disable-file w\n");
	ck_assert_uint_eq(sl.items.len, 0);
	ck_assert(!suppress_maybe("nothing here", 12));
	ck_assert(suppress_maybe("# envlint-disable-file a", 24));
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_directive_without_rule)
{
	struct suppress_list sl = {0};

	scan_str(&sl, ".env", "# envlint-disable-next-line\nA=1\n");
	ck_assert_uint_eq(sl.items.len, 1);
	expect(&sl, 0, NULL, 1, 3, false, 2);
	suppress_list_free(&sl);
}
END_TEST

START_TEST(test_crlf_and_cr_lines)
{
	struct suppress_list sl = {0};

	scan_str(&sl, ".env", "A=1\r\n# envlint-disable-next-line r\r\nA=2\r\n");
	expect(&sl, 0, "r", 2, 29, false, 3);
	suppress_list_free(&sl);
	memset(&sl, 0, sizeof(sl));
	scan_str(&sl, ".env", "A=1\r# envlint-disable-next-line r\rA=2\r");
	expect(&sl, 0, "r", 2, 29, false, 3);
	suppress_list_free(&sl);
}
END_TEST

static struct finding *
add(struct finding_list *fl, const char *rule, const char *file, int line)
{
	return finding_add(fl, rule, SEV_WARNING, file, line, 1, line, 2, "message");
}

START_TEST(test_apply)
{
	struct suppress_list sl = {0};
	struct finding_list fl = {0};

	scan_str(&sl, ".env",
		 "# envlint-disable-next-line dup\nA=1\n# envlint-disable-next-line dup\nB=1\n"
		 "# envlint-disable-file amb\n");
	scan_str(&sl, "b.env", "# envlint-disable-file dup\n");
	add(&fl, "dup", ".env", 2);  /* suppressed by the first */
	add(&fl, "dup", ".env", 5);  /* not the target line */
	add(&fl, "amb", ".env", 9);  /* whole file */
	add(&fl, "dup", "c.env", 2); /* another file */
	ck_assert_uint_eq(suppress_apply(&sl, &fl), 2);
	ck_assert(fl.items.items[0].suppressed);
	ck_assert(!fl.items.items[1].suppressed);
	ck_assert(fl.items.items[2].suppressed);
	ck_assert(!fl.items.items[3].suppressed);
	ck_assert(sl.items.items[0].used);
	ck_assert(!sl.items.items[1].used); /* targets line 4 */
	ck_assert(sl.items.items[2].used);
	ck_assert(!sl.items.items[3].used); /* b.env has no finding */
	suppress_list_free(&sl);
	finding_list_free(&fl);
}
END_TEST

START_TEST(test_baseline_value)
{
	char *a = baseline_value(NULL, "  KEY=value\t"), *b = baseline_value(NULL, "KEY=value");
	char *c = baseline_value(NULL, "KEY=other"), *d = baseline_value("endpoint", "KEY=value");

	ck_assert_str_eq(a, b); /* blanks do not matter */
	ck_assert_str_ne(a, c); /* the value does */
	ck_assert_str_eq(d, "class:endpoint");
	ck_assert_int_eq((int)strlen(a), 5 + 16);
	ck_assert(strncmp(a, "line:", 5) == 0);
	free(a);
	free(b);
	free(c);
	free(d);
}
END_TEST

static char *
write_temp(const char *text)
{
	char tmpl[] = "/tmp/envlint-baseline-XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return strdup(tmpl);
}

START_TEST(test_baseline_roundtrip_counts)
{
	struct finding_list fl = {0};
	struct buf out = BUF_INIT;
	struct baseline *b = NULL;
	struct el_error err = EL_ERROR_INIT;
	char *values[4], *path;
	size_t i;

	finding_set_subject(add(&fl, "dup", ".env", 2), NULL, "A");
	finding_set_subject(add(&fl, "dup", ".env", 7), NULL, "A");
	finding_set_subject(add(&fl, "shadow", "s/.env", 1), "s", "DATABASE_URL");
	finding_set_subject(add(&fl, "dup", ".env", 9), NULL, "B");
	values[0] = baseline_value(NULL, "A=2");
	values[1] = baseline_value(NULL, "A=2");
	values[2] = baseline_value(NULL, "DATABASE_URL=postgres://u:****@h/db");
	values[3] = baseline_value(NULL, "B=1");
	fl.items.items[3].suppressed = true; /* suppressed findings are not recorded */
	ck_assert_uint_eq(baseline_write(&out, &fl, values), 2);
	ck_assert_ptr_null(strstr(buf_cstr(&out), "\"line\""));
	path = write_temp(buf_cstr(&out));
	ck_assert_int_eq(baseline_load(&b, path, &err), 0);
	ck_assert_uint_eq(b->entries.len, 2);
	ck_assert_int_eq(b->entries.items[0].count, 2);
	/* A third copy of the A=2 duplicate is new; the recorded ones are matched. */
	finding_set_subject(add(&fl, "dup", ".env", 12), NULL, "A");
	fl.items.items[3].suppressed = false;
	for (i = 0; i < 4; i++)
		free(values[i]);
	{
		char *v2[5];

		v2[0] = baseline_value(NULL, "A=2");
		v2[1] = baseline_value(NULL, "A=2");
		v2[2] = baseline_value(NULL, "DATABASE_URL=postgres://u:****@h/other");
		v2[3] = baseline_value(NULL, "B=1");
		v2[4] = baseline_value(NULL, "A=2");
		ck_assert_uint_eq(baseline_apply(b, &fl, v2), 2);
		ck_assert(fl.items.items[0].suppressed);
		ck_assert(fl.items.items[1].suppressed);
		ck_assert(!fl.items.items[2].suppressed); /* value changed */
		ck_assert(!fl.items.items[3].suppressed); /* never recorded */
		ck_assert(!fl.items.items[4].suppressed); /* the third copy */
		ck_assert_int_eq(b->entries.items[0].remaining, 0);
		ck_assert_int_eq(b->entries.items[1].remaining, 1); /* stale */
		for (i = 0; i < 5; i++)
			free(v2[i]);
	}
	unlink(path);
	free(path);
	baseline_free(b);
	buf_free(&out);
	finding_list_free(&fl);
	el_error_clear(&err);
}
END_TEST

static const struct {
	const char *text;
	const char *message;
} bad_baselines[] = {
    {"[]\n", "a baseline must be a JSON object"},
    {"{\"version\": 2, \"entries\": []}\n", "unsupported baseline version"},
    {"{\"version\": 1}\n", "\"entries\" must be a list"},
    {"{\"version\": 1, \"entries\": [1]}\n", "a baseline entry must be an object"},
    {"{\"version\": 1, \"entries\": [{\"file\": \"a\", \"value\": \"v\"}]}\n",
     "baseline entry without \"rule\""},
    {"{\"version\": 1, \"entries\": [{\"rule\": \"r\", \"file\": \"a\", \"value\": \"v\", "
     "\"count\": 0}]}\n",
     "\"count\" must be a positive integer"},
    {"{\"version\": 1, \"entries\": [{\"rule\": \"r\", \"file\": [], \"value\": \"v\"}]}\n",
     "\"file\" must be a string"},
    {"{\"version\": 1, \"entries\": [{\"rule\": \"r\", \"file\": \"\", \"value\": \"v\"}]}\n",
     "\"file\" must not be empty"},
};

START_TEST(test_baseline_bad)
{
	struct baseline *b = NULL;
	struct el_error err = EL_ERROR_INIT;
	char *path = write_temp(bad_baselines[_i].text);

	ck_assert_int_ne(baseline_load(&b, path, &err), 0);
	ck_assert_ptr_null(b);
	ck_assert_msg(strstr(err.msg, bad_baselines[_i].message) != NULL, "got: %s",
		      err.msg);
	ck_assert_int_ge(err.line, 1);
	unlink(path);
	free(path);
	el_error_clear(&err);
}
END_TEST

static Suite *
suppress_suite(void)
{
	Suite *s = suite_create("suppress");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_env_next_line_list);
	tcase_add_test(tc, test_stacked_directives_share_target);
	tcase_add_test(tc, test_next_line_at_end_of_file);
	tcase_add_test(tc, test_comment_syntax_by_language);
	tcase_add_test(tc, test_not_directives);
	tcase_add_test(tc, test_directive_without_rule);
	tcase_add_test(tc, test_crlf_and_cr_lines);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_baseline_value);
	tcase_add_test(tc, test_baseline_roundtrip_counts);
	tcase_add_loop_test(tc, test_baseline_bad, 0,
			    (int)(sizeof(bad_baselines) / sizeof(bad_baselines[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suppress_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
