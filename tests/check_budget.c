/*
 * Unit tests for src/model/budget.c: the plans pack (every Supabase compute
 * size as documented, aliases, overrides by a later pack, bad entries), and
 * the budget of the fixtures under fixtures/budget: demand, limit per mode,
 * the direct limit minus the pooler's pool of the same database, unknown
 * limits, and what the configuration pins.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/pack.h"
#include "model/budget.h"
#include "model/connection.h"
#include "model/loaders.h"
#include "model/scan.h"
#include "model/service.h"
#include "config/config.h"

#define RULES TESTS_DIR "/../rules"
#define BUDGET_FIXTURES FIXTURES_DIR "/budget"

static struct packs *
bundled_packs(void)
{
	struct el_error err = EL_ERROR_INIT;
	const char *dirs[] = {RULES};
	struct packs *p = NULL;

	ck_assert_msg(packs_load(&p, dirs, 1, &err) == 0, "%s", err.msg ? err.msg : "");
	return p;
}

/* ---- plans ---- */

struct plan_case {
	const char *name;
	long max_connections, pooler_max_clients, pool_size;
};

/* pooling.md §1.3: compute-and-disk.mdx, pool sizes from supabase/supabase#50521. */
static const struct plan_case plan_cases[] = {
    {"supabase-nano", 60, 200, 15},    {"supabase-micro", 60, 200, 15},
    {"supabase-small", 90, 400, 15},   {"supabase-medium", 120, 600, 15},
    {"supabase-large", 160, 800, 20},  {"supabase-xl", 240, 1000, 20},
    {"supabase-2xl", 380, 1500, 25},   {"supabase-4xl", 480, 3000, -1},
    {"supabase-8xl", 490, 6000, -1},   {"supabase-12xl", 500, 9000, -1},
    {"supabase-16xl", 500, 12000, -1}, {"neon-0.25cu", 104, 10000, 93},
    {"neon-1cu", 419, 10000, 377},     {"pgbouncer-default", -1, 100, 20},
    {"postgres-default", 100, -1, -1},
};

START_TEST(test_budget_plans_bundled)
{
	const struct plan_case *c = &plan_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = bundled_packs();
	struct plan_set *ps = NULL;
	const struct plan *pl;

	ck_assert_int_eq(budget_plans_load(&ps, p, &err), 0);
	pl = budget_plan_find(ps, c->name);
	ck_assert_msg(pl != NULL, "%s missing", c->name);
	ck_assert_msg(pl->max_connections == c->max_connections, "%s: max_connections %ld", c->name,
	              pl->max_connections);
	ck_assert_msg(pl->pooler_max_clients == c->pooler_max_clients, "%s: max clients %ld",
	              c->name, pl->pooler_max_clients);
	ck_assert_msg(pl->pool_size == c->pool_size, "%s: pool size %ld", c->name, pl->pool_size);
	budget_plans_free(ps);
	packs_free(p);
}
END_TEST

START_TEST(test_budget_plans_alias_and_smallest)
{
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = bundled_packs();
	struct plan_set *ps = NULL;
	size_t i;

	ck_assert_int_eq(budget_plans_load(&ps, p, &err), 0);
	ck_assert_ptr_eq(budget_plan_find(ps, "supabase-free"),
	                 budget_plan_find(ps, "supabase-nano"));
	ck_assert_ptr_null(budget_plan_find(ps, "supabase-huge"));
	/* every family's smallest plan exists and belongs to it */
	for (i = 0; i < ps->families.len; i++) {
		const struct plan *pl = budget_plan_find(ps, ps->families.items[i].smallest);

		ck_assert_msg(pl != NULL, "family %s: smallest plan missing",
		              ps->families.items[i].name);
		ck_assert_str_eq(pl->family, ps->families.items[i].name);
	}
	budget_plans_free(ps);
	packs_free(p);
}
END_TEST

static char *
write_pack(const char *text)
{
	char *path = strdup("/tmp/envlint-plans-XXXXXX.yml");
	int fd = mkstemps(path, 4);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(test_budget_plans_override)
{
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = bundled_packs();
	struct plan_set *ps = NULL;
	char *path = write_pack("kind: plans\nversion: 1\nplans:\n"
	                        "  - name: supabase-4xl\n    pool-size: 40\n"
	                        "  - {name: our-pg, family: postgres, max-connections: 300}\n");
	const struct plan *pl;

	ck_assert_msg(packs_load_file(p, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(budget_plans_load(&ps, p, &err), 0);
	pl = budget_plan_find(ps, "supabase-4xl");
	ck_assert_int_eq(pl->pool_size, 40);
	ck_assert_int_eq(pl->max_connections, 480); /* kept from the bundled pack */
	ck_assert_str_eq(pl->file, path);
	ck_assert_int_eq(budget_plan_find(ps, "our-pg")->max_connections, 300);
	budget_plans_free(ps);
	packs_free(p);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_budget_plans_new_plan_needs_family)
{
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = bundled_packs();
	struct plan_set *ps = NULL;
	char *path = write_pack("kind: plans\nversion: 1\nplans:\n  - name: mystery\n"
	                        "    max-connections: 10\n");

	ck_assert_int_eq(packs_load_file(p, path, &err), 0);
	ck_assert_int_eq(budget_plans_load(&ps, p, &err), -1);
	ck_assert_str_eq(err.path, path);
	ck_assert_int_eq(err.line, 4);
	ck_assert_int_eq(err.col, 5);
	ck_assert_ptr_nonnull(strstr(err.msg, "needs a family"));
	el_error_clear(&err);
	packs_free(p);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_budget_plans_bad_limit)
{
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = bundled_packs();
	char *path = write_pack("kind: plans\nversion: 1\nplans:\n"
	                        "  - {name: supabase-nano, pool-size: -3}\n");

	ck_assert_int_eq(packs_load_file(p, path, &err), -1);
	ck_assert_int_eq(err.line, 4);
	el_error_clear(&err);
	packs_free(p);
	unlink(path);
	free(path);
}
END_TEST

/* ---- the budget of the fixtures ---- */

struct scanned {
	struct packs *packs;
	struct loader_set *loaders;
	struct config *config;
	struct scan *scan;
	struct budget *budget;
};

static int
scanned_open(struct scanned *x, const char *fixture, const char *plan, const char *config,
             struct el_error *err)
{
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct scan_options so;
	char root[512];
	size_t n = 0;

	memset(x, 0, sizeof(*x));
	snprintf(root, sizeof(root), "%s/%s", BUDGET_FIXTURES, fixture);
	x->packs = bundled_packs();
	ck_assert_int_eq(packs_kind_docs(x->packs, "loaders", &docs, &paths, &n), 0);
	ck_assert_int_eq(loaders_load(&x->loaders, docs, paths, n, err), 0);
	if (config != NULL) {
		char cpath[600];

		snprintf(cpath, sizeof(cpath), "%s/%s", root, config);
		ck_assert_int_eq(config_load(&x->config, cpath, err), 0);
	}
	memset(&so, 0, sizeof(so));
	so.env = "development";
	so.loaders = x->loaders;
	so.config = x->config;
	ck_assert_int_eq(scan_new(&x->scan, root, &so, x->packs, err), 0);
	return budget_build(&x->budget, x->scan, plan, err);
}

static void
scanned_close(struct scanned *x)
{
	budget_free(x->budget);
	scan_free(x->scan);
	config_free(x->config);
	loaders_free(x->loaders);
	packs_free(x->packs);
}

struct budget_case {
	const char *fixture;
	const char *plan;
	const char *config;
	const char *host;
	int port;
	const char *mode;
	long limit; /* -1 unknown */
	long demand;
	bool unbounded;
	bool plan_assumed;
	const char *service;
	long per_process; /* of that service's consumer; -1 unbounded */
	long processes;
	bool assumed;
};

static const struct budget_case budget_cases[] = {
    /* seed 1: 15 per process x 2 uvicorn workers on the free plan's session pooler */
    {"seed1", NULL, NULL, "aws-0-eu-west-3.pooler.supabase.com", 5432, "session", 15, 30, false,
     true, "backend", 15, 2, false},
    /* a plan whose pool size the docs do not give: the limit is unknown, not guessed */
    {"seed1", "supabase-4xl", NULL, "aws-0-eu-west-3.pooler.supabase.com", 5432, "session", -1, 30,
     false, false, "backend", 15, 2, false},
    /* a plan of another provider leaves this endpoint on Supabase's smallest */
    {"seed1", "neon-1cu", NULL, "aws-0-eu-west-3.pooler.supabase.com", 5432, "session", 15, 30,
     false, true, "backend", 15, 2, false},
    {"compose-direct", NULL, NULL, "db.abcdefghijklmnopqrst.supabase.co", 5432, "direct", 60, 80,
     false, true, "api", 5, 16, false},
    {"compose-direct", "supabase-small", NULL, "db.abcdefghijklmnopqrst.supabase.co", 5432,
     "direct", 90, 80, false, false, "api", 5, 16, false},
    /* .envlint.yml: plan, and a service pinned to 2 replicas x 1 worker and pool size 3 */
    {"compose-direct", NULL, "pinned.envlint.yml", "db.abcdefghijklmnopqrst.supabase.co", 5432,
     "direct", 120, 12, false, false, "api", 3, 4, false},
    {"nextjs-prisma", NULL, NULL, "aws-1-us-east-1.pooler.supabase.com", 6543, "transaction", 200,
     5, false, true, ".", 5, 1, true},
    {"go-unbounded", NULL, NULL, "db", 5432, "direct", 97, 0, true, true, "orders", -1, 2, true},
    {"fits", NULL, NULL, "aws-0-eu-central-1.pooler.supabase.com", 6543, "transaction", 200, 10,
     false, true, "api", 5, 2, false},
};

START_TEST(test_budget_fixtures)
{
	const struct budget_case *c = &budget_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	const struct budget_endpoint *e = NULL;
	const struct budget_consumer *k = NULL;
	struct scanned x;
	size_t i;

	ck_assert_msg(scanned_open(&x, c->fixture, c->plan, c->config, &err) == 0, "%s: %s",
	              c->fixture, err.msg);
	for (i = 0; i < x.budget->endpoints.len; i++) {
		const struct budget_endpoint *ei = &x.budget->endpoints.items[i];

		if (ei->ep.host != NULL && strcmp(ei->ep.host, c->host) == 0 &&
		    ei->ep.port == c->port)
			e = ei;
	}
	ck_assert_msg(e != NULL, "%s: no endpoint %s:%d", c->fixture, c->host, c->port);
	ck_assert_str_eq(endpoint_mode_name(e->ep.mode), c->mode);
	ck_assert_msg(e->limit == c->limit, "%s %s: limit %ld, want %ld (%s)", c->fixture,
	              c->plan ? c->plan : "", e->limit, c->limit, e->limit_why ? e->limit_why : "");
	ck_assert_msg(e->demand == c->demand, "%s: demand %ld, want %ld", c->fixture, e->demand,
	              c->demand);
	ck_assert(e->unbounded == c->unbounded);
	ck_assert_msg(e->plan_assumed == c->plan_assumed, "%s: plan_assumed %d", c->fixture,
	              e->plan_assumed);
	for (i = 0; i < e->consumers.len; i++) {
		if (strcmp(e->consumers.items[i].svc->path, c->service) == 0)
			k = &e->consumers.items[i];
	}
	ck_assert_msg(k != NULL, "%s: no consumer %s", c->fixture, c->service);
	if (c->per_process < 0)
		ck_assert(k->unbounded);
	else
		ck_assert_msg(k->per_process == c->per_process, "%s: per process %ld", c->fixture,
		              k->per_process);
	ck_assert_msg(k->processes == c->processes, "%s: processes %ld", c->fixture, k->processes);
	ck_assert(k->assumed == c->assumed);
	scanned_close(&x);
}
END_TEST

/* The direct host's limit loses the Supavisor pool when the same project uses the pooler. */
START_TEST(test_budget_direct_minus_pooler)
{
	struct el_error err = EL_ERROR_INIT;
	struct scanned x;
	size_t i, found = 0;

	ck_assert_msg(scanned_open(&x, "shared-project", NULL, NULL, &err) == 0, "%s", err.msg);
	for (i = 0; i < x.budget->endpoints.len; i++) {
		const struct budget_endpoint *e = &x.budget->endpoints.items[i];

		if (e->ep.mode == EP_MODE_DIRECT && e->ep.project != NULL &&
		    strcmp(e->ep.project, "abcdefghijklmnopqrst") == 0) {
			ck_assert_int_eq(e->limit, 60 - 15);
			ck_assert_ptr_nonnull(strstr(e->limit_why, "15 for the supavisor pool"));
			found++;
		}
	}
	ck_assert_uint_eq(found, 1);
	ck_assert_uint_eq(x.budget->endpoints.len, 2);
	scanned_close(&x);
}
END_TEST

START_TEST(test_budget_unknown_plan)
{
	struct el_error err = EL_ERROR_INIT;
	struct scanned x;

	ck_assert_int_eq(scanned_open(&x, "fits", "supabase-huge", NULL, &err), -1);
	ck_assert_ptr_null(x.budget);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown plan 'supabase-huge'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "supabase-nano"));
	el_error_clear(&err);
	scanned_close(&x);
}
END_TEST

static Suite *
budget_suite(void)
{
	Suite *s = suite_create("budget");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_budget_plans_bundled, 0,
	                    (int)(sizeof(plan_cases) / sizeof(plan_cases[0])));
	tcase_add_test(tc, test_budget_plans_alias_and_smallest);
	tcase_add_test(tc, test_budget_plans_override);
	tcase_add_test(tc, test_budget_plans_new_plan_needs_family);
	tcase_add_test(tc, test_budget_plans_bad_limit);
	tcase_add_loop_test(tc, test_budget_fixtures, 0,
	                    (int)(sizeof(budget_cases) / sizeof(budget_cases[0])));
	tcase_add_test(tc, test_budget_direct_minus_pooler);
	tcase_add_test(tc, test_budget_unknown_plan);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(budget_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
