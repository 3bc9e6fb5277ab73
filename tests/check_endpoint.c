/*
 * Unit tests for src/model/endpoint.c over the bundled providers pack:
 * host AND port decide the mode (Supabase's 5432 is session mode on the
 * pooler host and direct on the database host), the project comes from the
 * host or the user name, non-Postgres URLs get no provider, and a user's
 * pack is tried before the bundled one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/pack.h"
#include "model/endpoint.h"
#include "parse/url.h"

#define RULES TESTS_DIR "/../rules"

struct ep_case {
	const char *url;
	const char *provider; /* NULL: none */
	enum endpoint_mode mode;
	const char *project; /* NULL: none */
	int port;
	bool ipv6_only;
	const char *user_format;
	bool prepared_statements;
	int transaction_port;
};

static const struct ep_case ep_cases[] = {
    /* Supabase shared pooler: the port decides the mode, the user carries the project. */
    {"postgresql://postgres.apbkobhfnmcqqzqeeqss:pw@aws-0-eu-west-3.pooler.supabase.com:5432/"
     "postgres",
     "supabase-pooler", EP_MODE_SESSION, "apbkobhfnmcqqzqeeqss", 5432, false,
     "<role>.<project-ref>", false, 6543},
    {"postgresql://prisma.apbkobhfnmcqqzqeeqss:pw@aws-1-us-east-1.pooler.supabase.com:6543/postgres"
     "?pgbouncer=true",
     "supabase-pooler", EP_MODE_TRANSACTION, "apbkobhfnmcqqzqeeqss", 6543, false,
     "<role>.<project-ref>", false, 6543},
    /* case-insensitive host, SQLAlchemy scheme with a driver */
    {"postgresql+asyncpg://postgres.ref:pw@AWS-2-AP-SOUTHEAST-1.POOLER.SUPABASE.COM:6543/postgres",
     "supabase-pooler", EP_MODE_TRANSACTION, "ref", 6543, false, "<role>.<project-ref>", false,
     6543},
    /* a user without the ref: no project, the user format still says what is needed */
    {"postgres://postgres:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres", "supabase-pooler",
     EP_MODE_TRANSACTION, NULL, 6543, false, "<role>.<project-ref>", false, 6543},
    /* Supabase direct host: 5432 is direct and IPv6-only, 6543 the dedicated PgBouncer */
    {"postgresql://postgres:pw@db.apbkobhfnmcqqzqeeqss.supabase.co:5432/postgres",
     "supabase-direct", EP_MODE_DIRECT, "apbkobhfnmcqqzqeeqss", 5432, true, NULL, false, 0},
    {"postgresql://postgres:pw@db.apbkobhfnmcqqzqeeqss.supabase.co/postgres", "supabase-direct",
     EP_MODE_DIRECT, "apbkobhfnmcqqzqeeqss", 5432, true, NULL, false, 0},
    {"postgresql://postgres:pw@db.apbkobhfnmcqqzqeeqss.supabase.co:6543/postgres",
     "supabase-direct", EP_MODE_TRANSACTION, "apbkobhfnmcqqzqeeqss", 6543, true, NULL, false, 6543},
    /* an unknown port on a known host falls through to the generic entries */
    {"postgresql://postgres:pw@db.apbkobhfnmcqqzqeeqss.supabase.co:5433/postgres", "postgres",
     EP_MODE_DIRECT, NULL, 5433, false, NULL, false, 0},
    /* Neon: -pooler host is transaction mode with protocol-level prepared statements */
    {"postgresql://app:pw@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb"
     "?sslmode=require",
     "neon-pooler", EP_MODE_TRANSACTION, NULL, 5432, false, NULL, true, 0},
    {"postgresql://app:pw@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb", "neon",
     EP_MODE_DIRECT, NULL, 5432, false, NULL, false, 0},
    /* pools whose mode is set elsewhere: pooler known, mode unknown */
    {"postgresql://u:pw@pg.example.com:6432/app", "pgbouncer", EP_MODE_UNKNOWN, NULL, 6432, false,
     NULL, false, 0},
    {"postgresql://u:pw@myserver.postgres.database.azure.com:6432/app", "azure-flexible",
     EP_MODE_UNKNOWN, NULL, 6432, false, NULL, false, 0},
    {"postgresql://doadmin:pw@db-pg-nyc1-1234.b.db.ondigitalocean.com:25061/backend-pool"
     "?sslmode=require",
     "digitalocean", EP_MODE_UNKNOWN, NULL, 25061, false, NULL, false, 0},
    {"postgresql://app:pw@p.abcdefg.db.postgresbridge.com:5431/postgres", "crunchy-bridge",
     EP_MODE_UNKNOWN, NULL, 5431, false, NULL, false, 0},
    {"postgres://u:pw@pooled.db.prisma.io:5432/postgres", "prisma-postgres-pooled",
     EP_MODE_TRANSACTION, NULL, 5432, false, NULL, false, 0},
    /* everything else: plain Postgres, direct */
    {"postgresql://app:pw@localhost:5432/app", "postgres", EP_MODE_DIRECT, NULL, 5432, false, NULL,
     false, 0},
    {"jdbc:postgresql://db.internal:5432/app?user=app&password=pw", "postgres", EP_MODE_DIRECT,
     NULL, 5432, false, NULL, false, 0},
    {"host=aws-0-eu-west-3.pooler.supabase.com port=6543 user=postgres.abc dbname=postgres",
     "supabase-pooler", EP_MODE_TRANSACTION, "abc", 6543, false, "<role>.<project-ref>", false,
     6543},
    {"postgresql://app:pw@[2001:db8::1]:5432/app", "postgres", EP_MODE_DIRECT, NULL, 5432, false,
     NULL, false, 0},
    /* not Postgres: no provider, no mode, even on a pooler-looking port */
    {"rediss://default:pw@db-redis-nyc1-1234.b.db.ondigitalocean.com:25061", NULL, EP_MODE_UNKNOWN,
     NULL, 25061, false, NULL, false, 0},
    {"mysql://u:pw@aws.connect.psdb.cloud:6543/shop", NULL, EP_MODE_UNKNOWN, NULL, 6543, false,
     NULL, false, 0},
    {"mongodb+srv://u:pw@cluster0.abcde.mongodb.net/events", NULL, EP_MODE_UNKNOWN, NULL, 0, false,
     NULL, false, 0},
    /* an unresolved host: nothing to classify */
    {"postgresql://app:pw@${DB_HOST}:6543/app", NULL, EP_MODE_UNKNOWN, NULL, 0, false, NULL, false,
     0},
};

static struct packs *
bundled(void)
{
	struct packs *p = packs_new();
	struct el_error err = EL_ERROR_INIT;

	ck_assert_msg(packs_load_file(p, RULES "/providers.yml", &err) == 0, "%s", err.msg);
	return p;
}

static void
classify(const struct provider_set *ps, struct arena *a, const char *s, struct endpoint *ep)
{
	struct url *u = NULL;
	struct el_error err = EL_ERROR_INIT;

	ck_assert_msg(url_parse(&u, s, strlen(s), &err) == 0, "%s: %s", s, err.msg);
	endpoint_classify(ps, u, a, ep);
	/* Strings must not point into the URL, which is freed here. */
	if (ep->host != NULL)
		ep->host = arena_strdup(a, ep->host);
	url_free(u);
}

static void
str_eq(const char *what, const char *got, const char *want, const char *url)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s is \"%s\", want none", url, what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		              "%s: %s is \"%s\", want \"%s\"", url, what, got ? got : "(null)",
		              want);
}

START_TEST(test_classify_table)
{
	const struct ep_case *c = &ep_cases[_i];
	struct packs *p = bundled();
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct endpoint ep;

	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), 0);
	classify(ps, &a, c->url, &ep);
	str_eq("provider", ep.provider, c->provider, c->url);
	ck_assert_msg(ep.mode == c->mode, "%s: mode %s, want %s", c->url,
	              endpoint_mode_name(ep.mode), endpoint_mode_name(c->mode));
	str_eq("project", ep.project, c->project, c->url);
	ck_assert_msg(ep.port == c->port, "%s: port %d, want %d", c->url, ep.port, c->port);
	ck_assert_msg(ep.ipv6_only == c->ipv6_only, "%s: ipv6_only", c->url);
	str_eq("user format", ep.user_format, c->user_format, c->url);
	ck_assert_msg(ep.prepared_statements == c->prepared_statements, "%s: prepared statements",
	              c->url);
	ck_assert_msg(ep.transaction_port == c->transaction_port,
	              "%s: transaction port %d, want %d", c->url, ep.transaction_port,
	              c->transaction_port);
	ck_assert(!ep.user_declared);
	arena_free(&a);
	packs_free(p);
}
END_TEST

START_TEST(test_supabase_errors_come_from_the_pack)
{
	struct packs *p = bundled();
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct endpoint ep;

	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), 0);
	classify(ps, &a,
	         "postgresql://postgres.ref:pw@aws-0-eu-west-3.pooler.supabase.com:5432/postgres",
	         &ep);
	/* newest wording first, then the wording before Supavisor 2.9 */
	ck_assert_ptr_nonnull(ep.session_limit_errors);
	ck_assert_ptr_nonnull(strstr(ep.session_limit_errors[0], "(EMAXCONNSESSION)"));
	ck_assert_ptr_nonnull(strstr(ep.session_limit_errors[1], "MaxClientsInSessionMode"));
	ck_assert_ptr_null(ep.session_limit_errors[2]);
	ck_assert_ptr_nonnull(strstr(ep.tenant_errors[0], "(ENOTFOUND)"));
	ck_assert_str_eq(ep.tenant_errors[1], "Tenant or user not found");
	ck_assert_int_eq(ep.session_port, 5432);
	ck_assert_str_eq(endpoint_mode_name(ep.mode), "session");
	ck_assert(!endpoint_is_transaction(&ep));
	arena_free(&a);
	packs_free(p);
}
END_TEST

static char *
write_pack(const char *text)
{
	char *dir = xstrdup("/tmp/envlint-endpoint-XXXXXX"), path[128];
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/providers.yml", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return dir;
}

static void
remove_pack(char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/providers.yml", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

START_TEST(test_user_pack_is_tried_first)
{
	char *dir =
	    write_pack("kind: providers\nversion: 1\nproviders:\n"
	               "  - id: acme-pgbouncer\n    name: ACME PgBouncer\n"
	               "    pooler: pgbouncer\n"
	               "    hosts: [\"pgbouncer.acme.internal\", \"*.bouncer.acme.internal\"]\n"
	               "    ports:\n      - {port: 6432, mode: transaction}\n"
	               "      - {port: 5432, mode: session}\n"
	               "    prepared-statements: true\n"
	               "  - id: acme-supabase\n    name: Supabase seen through our proxy\n"
	               "    hosts: [\"aws-0-eu-west-3.pooler.supabase.com\"]\n"
	               "    mode: session\n");
	const char *dirs[2] = {RULES, dir};
	struct packs *p = NULL;
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct endpoint ep;

	ck_assert_msg(packs_load(&p, dirs, 2, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), 0);

	classify(ps, &a, "postgresql://app:pw@pgbouncer.acme.internal:6432/app", &ep);
	ck_assert_str_eq(ep.provider, "acme-pgbouncer");
	ck_assert_int_eq(ep.mode, EP_MODE_TRANSACTION);
	ck_assert(ep.prepared_statements);
	ck_assert(ep.user_declared);
	ck_assert_ptr_nonnull(strstr(ep.source, "providers.yml:4"));

	classify(ps, &a, "postgresql://app:pw@eu.bouncer.acme.internal:5432/app", &ep);
	ck_assert_str_eq(ep.provider, "acme-pgbouncer");
	ck_assert_int_eq(ep.mode, EP_MODE_SESSION);

	/* an override of a bundled host wins, for every port */
	classify(ps, &a, "postgresql://postgres.r:pw@aws-0-eu-west-3.pooler.supabase.com:6543/x",
	         &ep);
	ck_assert_str_eq(ep.provider, "acme-supabase");
	ck_assert_int_eq(ep.mode, EP_MODE_SESSION);

	/* other hosts still get the bundled entries */
	classify(ps, &a, "postgresql://postgres.r:pw@aws-1-eu-west-3.pooler.supabase.com:6543/x",
	         &ep);
	ck_assert_str_eq(ep.provider, "supabase-pooler");
	ck_assert(!ep.user_declared);
	classify(ps, &a, "postgresql://app:pw@other.internal:6432/app", &ep);
	ck_assert_str_eq(ep.provider, "pgbouncer");
	ck_assert_int_eq(ep.mode, EP_MODE_UNKNOWN);

	arena_free(&a);
	packs_free(p);
	remove_pack(dir);
}
END_TEST

START_TEST(test_bad_host_pattern_is_a_diagnostic)
{
	char *dir = write_pack("kind: providers\nversion: 1\nproviders:\n"
	                       "  - id: x\n    name: X\n    hosts: [\"db.{ref}.example.com\"]\n"
	                       "    mode: direct\n");
	const char *dirs[1] = {dir};
	struct packs *p = NULL;
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;

	ck_assert_msg(packs_load(&p, dirs, 1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "only {project}"));
	ck_assert_int_eq(err.line, 6);
	el_error_clear(&err);
	arena_free(&a);
	packs_free(p);
	remove_pack(dir);
}
END_TEST

START_TEST(test_schema_rejects_unknown_mode)
{
	char *dir = write_pack("kind: providers\nversion: 1\nproviders:\n"
	                       "  - id: x\n    name: X\n    hosts: [\"*.x\"]\n"
	                       "    ports:\n      - {port: 6432, mode: statement}\n");
	const char *dirs[1] = {dir};
	struct packs *p = NULL;
	struct el_error err = EL_ERROR_INIT;

	ck_assert_int_eq(packs_load(&p, dirs, 1, &err), -1);
	ck_assert_int_eq(err.line, 8);
	ck_assert_ptr_nonnull(strstr(err.msg, "statement"));
	el_error_clear(&err);
	remove_pack(dir);
}
END_TEST

START_TEST(test_components)
{
	struct packs *p = bundled();
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct endpoint ep;

	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), 0);
	endpoint_classify_parts(ps, "aws-0-eu-west-3.pooler.supabase.com", 6543, "postgres.abc", &a,
	                        &ep);
	ck_assert_str_eq(ep.provider, "supabase-pooler");
	ck_assert_int_eq(ep.mode, EP_MODE_TRANSACTION);
	ck_assert_str_eq(ep.project, "abc");
	endpoint_classify_parts(ps, "", 5432, NULL, &a, &ep);
	ck_assert_ptr_null(ep.provider);
	/* no packs at all: nothing is classified, nothing crashes */
	endpoint_classify_parts(NULL, "db.abc.supabase.co", 5432, NULL, &a, &ep);
	ck_assert_ptr_null(ep.provider);
	arena_free(&a);
	packs_free(p);
}
END_TEST

START_TEST(test_pathological_patterns_are_linear)
{
	/* Backtracking globs would take (n^k) steps here; the matcher must stay bounded. */
	char *dir =
	    write_pack("kind: providers\nversion: 1\nproviders:\n"
	               "  - id: x\n    name: X\n"
	               "    hosts: [\"*a*a*a*a*a*a*a*a*a*a*a*a*b\", \"*{project}*.*.*.*.*.z\"]\n"
	               "    mode: transaction\n");
	const char *dirs[1] = {dir};
	struct packs *p = NULL;
	struct arena a = ARENA_INIT;
	struct provider_set *ps = NULL;
	struct el_error err = EL_ERROR_INIT;
	struct endpoint ep;
	char host[254];

	ck_assert_msg(packs_load(&p, dirs, 1, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(provider_set_build(&ps, p, &a, &err), 0);
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	endpoint_classify_parts(ps, host, 5432, NULL, &a, &ep);
	ck_assert_ptr_null(ep.provider);
	host[sizeof(host) - 2] = 'b';
	endpoint_classify_parts(ps, host, 5432, NULL, &a, &ep);
	ck_assert_str_eq(ep.provider, "x");
	memset(host, '.', sizeof(host) - 1);
	endpoint_classify_parts(ps, host, 5432, NULL, &a, &ep);
	ck_assert_ptr_null(ep.provider);
	arena_free(&a);
	packs_free(p);
	remove_pack(dir);
}
END_TEST

static Suite *
endpoint_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_classify_table, 0,
	                    (int)(sizeof(ep_cases) / sizeof(ep_cases[0])));
	tcase_add_test(tc, test_supabase_errors_come_from_the_pack);
	tcase_add_test(tc, test_user_pack_is_tried_first);
	tcase_add_test(tc, test_bad_host_pattern_is_a_diagnostic);
	tcase_add_test(tc, test_schema_rejects_unknown_mode);
	tcase_add_test(tc, test_components);
	tcase_add_test(tc, test_pathological_patterns_are_linear);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(endpoint_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
