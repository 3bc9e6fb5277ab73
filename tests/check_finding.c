/* Unit tests for the finding list (model/finding.c): merging one problem reported twice. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "model/finding.h"

static const char RULE_MIG[] = "migration-url-via-transaction-pooler";
static const char RULE_PGB[] = "stray-pgbouncer-flag";

/* A finding at .env:3:14 for svc/key with class cls, received at use_file:use_line. */
static struct finding *
add(struct finding_list *fl, const char *rule, const char *svc, const char *cls,
    const char *use_file, int use_line, const char *msg)
{
	struct finding *f =
	    finding_add(fl, rule, SEV_WARNING, ".env", 3, 14, 3, 40, "%s", msg);

	finding_set_subject(f, svc, "DATABASE_URL");
	f->value_class = cls ? strdup(cls) : NULL;
	finding_add_related(f, use_file, use_line, 5, "the client receives the value here");
	return f;
}

START_TEST(test_finding_merge_same_value_two_uses)
{
	struct finding_list fl = {0};

	add(&fl, RULE_MIG, ".", "neon/transaction/-/prisma", "prisma.config.ts", 14, "via config");
	add(&fl, RULE_MIG, ".", "neon/transaction/-/prisma", "prisma/schema.prisma", 7,
	    "via schema");
	finding_list_merge_same(&fl, 0);
	ck_assert_uint_eq(fl.items.len, 1);
	ck_assert_str_eq(fl.items.items[0].message, "via config");
	ck_assert_uint_eq(fl.items.items[0].related.len, 2);
	ck_assert_str_eq(fl.items.items[0].related.items[1].file, "prisma/schema.prisma");
	ck_assert_int_eq(fl.items.items[0].related.items[1].line, 7);
	finding_list_free(&fl);
}
END_TEST

/* Different clients, services, rules, or findings before `from` stay apart. */
START_TEST(test_finding_merge_keeps_distinct)
{
	struct finding_list fl = {0};

	add(&fl, RULE_PGB, "api", "supabase/transaction/ref/psycopg", "a.py", 1, "earlier");
	add(&fl, RULE_PGB, "api", "supabase/transaction/ref/psycopg", "b.py", 2, "psycopg");
	add(&fl, RULE_PGB, "api", "supabase/transaction/ref/asyncpg", "c.py", 3, "asyncpg");
	add(&fl, RULE_PGB, "worker", "supabase/transaction/ref/psycopg", "d.py", 4, "worker");
	add(&fl, RULE_MIG, "api", "supabase/transaction/ref/psycopg", "e.py", 5, "other rule");
	add(&fl, RULE_PGB, "api", "supabase/transaction/ref/asyncpg", "c.py", 3, "asyncpg again");
	finding_list_merge_same(&fl, 1);
	ck_assert_uint_eq(fl.items.len, 5);
	ck_assert_str_eq(fl.items.items[0].message, "earlier");
	ck_assert_str_eq(fl.items.items[1].message, "psycopg");
	ck_assert_str_eq(fl.items.items[2].message, "asyncpg");
	/* the same use twice adds no second note */
	ck_assert_uint_eq(fl.items.items[2].related.len, 1);
	ck_assert_str_eq(fl.items.items[3].message, "worker");
	ck_assert_str_eq(fl.items.items[4].message, "other rule");
	finding_list_free(&fl);
}
END_TEST

static Suite *
finding_suite(void)
{
	Suite *s = suite_create("finding");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_finding_merge_same_value_two_uses);
	tcase_add_test(tc, test_finding_merge_keeps_distinct);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(finding_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
