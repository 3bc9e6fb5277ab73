/*
 * gitignore matcher tests: one table row per rule of man gitignore, each
 * checked against what git itself answers (git check-ignore) for the same
 * .gitignore text and path.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walk/ignore.h"

#define N IGNORE_NONE
#define X IGNORE_EXCLUDED
#define I IGNORE_INCLUDED
#define DIR true
#define FILE_ false

static const struct {
	const char *rules; /* the text of one .gitignore */
	const char *path;  /* relative to that .gitignore's folder */
	bool is_dir;
	enum ignore_result want;
} cases[] = {
	/* blank lines and comments */
	{"", "a", FILE_, N},
	{"\n\n", "a", FILE_, N},
	{"#a\n", "#a", FILE_, N},
	{"# a\n", "a", FILE_, N},
	{"\\#a\n", "#a", FILE_, X},
	{"a#b\n", "a#b", FILE_, X},
	/* literal base names match at any depth */
	{"foo\n", "foo", FILE_, X},
	{"foo\n", "x/y/foo", FILE_, X},
	{"foo\n", "x/foo", DIR, X},
	{"foo\n", "foobar", FILE_, N},
	{"foo\n", "xfoo", FILE_, N},
	{"Foo\n", "foo", FILE_, N},     /* case-sensitive (core.ignoreCase=false) */
	/* negation: the last matching pattern wins */
	{"*.log\n!keep.log\n", "keep.log", FILE_, I},
	{"*.log\n!keep.log\n", "other.log", FILE_, X},
	{"!keep.log\n*.log\n", "keep.log", FILE_, X},
	{"\\!bang\n", "!bang", FILE_, X},
	{"\\!bang\n", "bang", FILE_, N},
	{"!\n", "a", FILE_, N},
	/* trailing spaces are dropped unless escaped; CR LF line ends */
	{"foo   \n", "foo", FILE_, X},
	{"foo\\ \n", "foo ", FILE_, X},
	{"foo\\ \n", "foo", FILE_, N},
	{"foo\\  \n", "foo ", FILE_, X},
	{"foo \\ \n", "foo  ", FILE_, X},
	{"foo\t\n", "foo\t", FILE_, X}, /* only spaces are trimmed */
	{"foo\r\n", "foo", FILE_, X},
	{"\xEF\xBB\xBF" "bom\n", "bom", FILE_, X},
	{"last", "last", FILE_, X}, /* no final newline */
	/* directory-only patterns */
	{"build/\n", "build", DIR, X},
	{"build/\n", "build", FILE_, N},
	{"build/\n", "a/build", DIR, X},
	{"a/build/\n", "a/build", DIR, X},
	{"a/build/\n", "x/a/build", DIR, N},
	{"*.d/\n", "x.d", DIR, X},
	{"*.d/\n", "x.d", FILE_, N},
	/* a leading or middle slash anchors to the .gitignore's folder */
	{"/top\n", "top", FILE_, X},
	{"/top\n", "a/top", FILE_, N},
	{"a/b\n", "a/b", FILE_, X},
	{"a/b\n", "x/a/b", FILE_, N},
	{"/a/b\n", "a/b", FILE_, X},
	{"doc/frotz/\n", "doc/frotz", DIR, X},
	{"doc/frotz/\n", "a/doc/frotz", DIR, N},
	{"/*.c\n", "x.c", FILE_, X},
	{"/*.c\n", "a/x.c", FILE_, N},
	/* '*' and '?' never match '/' in anchored patterns */
	{"a/*\n", "a/b", FILE_, X},
	{"a/*.c\n", "a/b/x.c", FILE_, N},
	{"a/*/c\n", "a/b/c", FILE_, X},
	{"a/*/c\n", "a/b/x/c", FILE_, N},
	{"a/*/c\n", "a/c", FILE_, N},
	{"a?c/d\n", "abc/d", FILE_, X},
	{"a?c/d\n", "a/c/d", FILE_, N},
	{"*.txt\n", "a/b.txt", FILE_, X},
	{"*\n", "anything", FILE_, X},
	{"*\n", "a/b", DIR, X},
	{"f*o\n", "foo", FILE_, X},
	{"f*o\n", "fo", FILE_, X},
	{"f*o\n", "fox", FILE_, N},
	{"?\n", "a", FILE_, X},
	{"?\n", "ab", FILE_, N},
	{"a/*b\n", "a/xb", FILE_, X},
	{"a/*b\n", "a/x/b", FILE_, N},
	/* "**" in every position */
	{"**/foo\n", "foo", FILE_, X},
	{"**/foo\n", "a/b/foo", FILE_, X},
	{"**/foo/bar\n", "foo/bar", FILE_, X},
	{"**/foo/bar\n", "x/foo/bar", FILE_, X},
	{"**/foo/bar\n", "x/foo/y/bar", FILE_, N},
	{"abc/**\n", "abc/x", FILE_, X},
	{"abc/**\n", "abc/x/y", FILE_, X},
	{"abc/**\n", "abc", DIR, N},
	{"a/**/b\n", "a/b", FILE_, X},
	{"a/**/b\n", "a/x/b", FILE_, X},
	{"a/**/b\n", "a/x/y/b", FILE_, X},
	{"a/**/b\n", "a/xb", FILE_, N},
	{"a/**b\n", "a/xb", FILE_, X},    /* not a whole component: like '*' */
	{"a/**b\n", "a/x/b", FILE_, N},
	{"a**/b\n", "ax/b", FILE_, X},
	{"a**/b\n", "a/x/b", FILE_, X}, /* git matches the literal "a" first, then "**" leads */
	{"x/a**/b\n", "x/a/y/b", FILE_, X},
	{"x*a**/b\n", "xa/y/b", FILE_, N},
	{"**\n", "a/b/c", FILE_, X},
	{"/**/x\n", "x", FILE_, X},
	{"/**/x\n", "p/q/x", FILE_, X},
	{"**/\n", "d", DIR, X},
	{"**/\n", "f", FILE_, N},
	{"***/x\n", "a/b/x", FILE_, X},
	{"a/**/**/b\n", "a/b", FILE_, X},
	{"a/\\**/b\n", "a/*x/b", FILE_, X}, /* "\*" is a literal star */
	{"a/\\**/b\n", "a/x/b", FILE_, N},
	/* character classes */
	{"[abc].txt\n", "b.txt", FILE_, X},
	{"[abc].txt\n", "d.txt", FILE_, N},
	{"[a-c]x\n", "bx", FILE_, X},
	{"[a-c]x\n", "dx", FILE_, N},
	{"[!a-c]x\n", "dx", FILE_, X},
	{"[!a-c]x\n", "ax", FILE_, N},
	{"[^a]x\n", "bx", FILE_, X},
	{"[]a]x\n", "]x", FILE_, X},
	{"[!]a]x\n", "]x", FILE_, N},
	{"[a-]x\n", "-x", FILE_, X},
	{"[\\]]x\n", "]x", FILE_, X},
	{"[[:digit:]]x\n", "7x", FILE_, X},
	{"[[:digit:]]x\n", "ax", FILE_, N},
	{"[[:alpha:][:digit:]]\n", "Q", FILE_, X},
	{"[[:upper:]]\n", "q", FILE_, N},
	{"[[:space:]]\n", " ", FILE_, X},
	{"[[:bogus:]]\n", "b", FILE_, N},   /* an unknown class matches nothing */
	{"[abc\n", "[abc", FILE_, N},        /* an unterminated class matches nothing */
	{"a[/]b\n", "a/b", FILE_, N},        /* a class never matches '/' */
	{"x[.]y\n", "x.y", FILE_, X},
	/* escapes */
	{"\\*\n", "*", FILE_, X},
	{"\\*\n", "a", FILE_, N},
	{"a\\?\n", "a?", FILE_, X},
	{"a\\?\n", "ab", FILE_, N},
	{"\\[x]\n", "[x]", FILE_, X},
	{"trail\\\n", "trail", FILE_, N}, /* a trailing backslash matches nothing */
	{"\\a\n", "a", FILE_, X},
	/* the last pattern that matches decides, dir-only or not */
	{"x/\n!x\n", "x", DIR, I},
	{"!x\nx/\n", "x", DIR, X},
	{"!x\nx/\n", "x", FILE_, I},
	{"*.env\n!.env.example\n.env*\n", ".env.example", FILE_, X},
	/* non-ASCII bytes are ordinary characters */
	{"caf\xC3\xA9\n", "caf\xC3\xA9", FILE_, X},
	{"caf?\n", "caf\xC3\xA9", FILE_, N}, /* '?' is one byte, as in git */
	{"caf??\n", "caf\xC3\xA9", FILE_, X},
	{"*\xff\n", "bad\xff", FILE_, X},
};

START_TEST(test_ignore_rules)
{
	struct ignore_list *l = ignore_list_new();
	const char *path = cases[_i].path;
	enum ignore_result got;

	ignore_list_add_text(l, cases[_i].rules, strlen(cases[_i].rules));
	got = ignore_list_match(l, path, strlen(path), cases[_i].is_dir);
	ck_assert_msg(got == cases[_i].want, "rules \"%s\" path \"%s\"%s: got %d, want %d",
		      cases[_i].rules, path, cases[_i].is_dir ? " (folder)" : "", (int)got,
		      (int)cases[_i].want);
	ignore_list_free(l);
}
END_TEST

/* Lines added one by one and uncompiled lists answer like compiled ones. */
START_TEST(test_ignore_add_line_uncompiled)
{
	struct ignore_list *l = ignore_list_new();
	const char *path = cases[_i].path, *s = cases[_i].rules;

	while (*s != '\0') {
		size_t n = strcspn(s, "\n");

		ignore_list_add_line(l, s, n);
		s += n;
		if (*s == '\n')
			s++;
	}
	/* the BOM is only skipped for whole files */
	if (strncmp(cases[_i].rules, "\xEF\xBB\xBF", 3) != 0)
		ck_assert_int_eq(ignore_list_match(l, path, strlen(path), cases[_i].is_dir),
				 cases[_i].want);
	ignore_list_compile(l);
	if (strncmp(cases[_i].rules, "\xEF\xBB\xBF", 3) != 0)
		ck_assert_int_eq(ignore_list_match(l, path, strlen(path), cases[_i].is_dir),
				 cases[_i].want);
	ignore_list_free(l);
}
END_TEST

START_TEST(test_ignore_count)
{
	struct ignore_list *l = ignore_list_new();
	const char *text = "# comment\n\n  \n!\n/\na\n!b/\n\\#c\n";

	ignore_list_add_text(l, text, strlen(text));
	ck_assert_uint_eq(ignore_list_count(l), 3);
	ignore_list_free(l);
	ignore_list_free(NULL);
}
END_TEST

/* git keeps patterns as C strings: a NUL byte ends the pattern (checked with git 2.39). */
START_TEST(test_ignore_nul_ends_pattern)
{
	static const char text[] = "foo\0bar\n*.x  \0 \nzz\\\0q\n\0all\n";
	struct ignore_list *l = ignore_list_new();

	ignore_list_add_text(l, text, sizeof(text) - 1);
	ck_assert_uint_eq(ignore_list_count(l), 3);
	ck_assert_int_eq(ignore_list_match(l, "foo", 3, false), IGNORE_EXCLUDED);
	ck_assert_int_eq(ignore_list_match(l, "foobar", 6, false), IGNORE_NONE);
	ck_assert_int_eq(ignore_list_match(l, "a.x", 3, false), IGNORE_EXCLUDED);
	ck_assert_int_eq(ignore_list_match(l, "zz", 2, false), IGNORE_NONE);
	ck_assert_int_eq(ignore_list_match(l, "zz\\", 3, false), IGNORE_NONE);
	ck_assert_int_eq(ignore_list_match(l, "all", 3, false), IGNORE_NONE);
	ignore_list_free(l);
}
END_TEST

/* A hostile ignore file keeps the first 100000 patterns and says so. */
START_TEST(test_ignore_pattern_limit)
{
	struct ignore_list *l = ignore_list_new();
	char line[32];
	int i;

	for (i = 0; i < 100005; i++) {
		snprintf(line, sizeof(line), "p%d", i);
		ignore_list_add_line(l, line, strlen(line));
	}
	ignore_list_compile(l);
	ck_assert_uint_eq(ignore_list_count(l), 100000);
	ck_assert_uint_eq(ignore_list_dropped(l), 5);
	ck_assert_int_eq(ignore_list_match(l, "p99999", 6, false), IGNORE_EXCLUDED);
	ck_assert_int_eq(ignore_list_match(l, "p100000", 7, false), IGNORE_NONE);
	ignore_list_free(l);
}
END_TEST

/* A hostile pattern costs bounded work and simply does not match. */
START_TEST(test_ignore_wildmatch_bounded)
{
	char text[256];

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	ck_assert(!ignore_wildmatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text, false));
	ck_assert(ignore_wildmatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", text, false));
	ck_assert(ignore_wildmatch("a/**/c", "a/b/c", true));
	ck_assert(!ignore_wildmatch("a/*/c", "a/b/x/c", true));
	ck_assert(ignore_wildmatch("a/*/c", "a/b/x/c", false));
	ck_assert(ignore_wildmatch("a*c", "a/b/c", false));
}
END_TEST

static Suite *
ignore_suite(void)
{
	Suite *s = suite_create("ignore");
	TCase *tc = tcase_create("ignore");

	tcase_add_loop_test(tc, test_ignore_rules, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_ignore_add_line_uncompiled, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_ignore_count);
	tcase_add_test(tc, test_ignore_wildmatch_bounded);
	tcase_add_test(tc, test_ignore_nul_ends_pattern);
	tcase_add_test(tc, test_ignore_pattern_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ignore_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
