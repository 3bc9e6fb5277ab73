/* Unit tests for src/report/redact.c: URL passwords, secret keys and free text. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/redact.h"

/* Stands in for rules/secrets.yml: names holding one of the words in ctx, except *_FILE. */
static bool
key_is_secret(const char *key, void *ctx)
{
	const char *const *words = ctx;
	size_t n = strlen(key);

	if (n >= 5 && strcasecmp(key + n - 5, "_FILE") == 0)
		return false;

	for (; *words != NULL; words++) {
		size_t m = strlen(*words);

		for (size_t i = 0; i + m <= n; i++)
			if (strncasecmp(key + i, *words, m) == 0)
				return true;
	}
	return false;
}

static const char *const secret_words[] = {"PASSWORD", "SECRET",  "TOKEN",
                                           "API_KEY",  "PRIVATE", NULL};

struct value_case {
	const char *key;
	const char *value;
	const char *want;
};

static const struct value_case value_cases[] = {
    {"DATABASE_URL", "postgresql://postgres:hunter2@db.abc.supabase.co:5432/postgres",
     "postgresql://postgres:****@db.abc.supabase.co:5432/postgres"},
    {"DATABASE_URL",
     "postgresql://postgres.abc:p%40ss%3Aw0rd@aws-1-eu-west-1.pooler.supabase.com:6543/"
     "postgres?pgbouncer=true&connection_limit=1",
     "postgresql://postgres.abc:****@aws-1-eu-west-1.pooler.supabase.com:6543/"
     "postgres?pgbouncer=true&connection_limit=1"},
    {"DATABASE_URL", "postgresql://u:pa%2Fss@h/db", "postgresql://u:****@h/db"},
    /* an unencoded '/', '?' or '@' in the password: the parser rejects it, the mask still holds */
    {"DATABASE_URL", "postgresql://u:pa/ss@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql://u:pa?ss@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql://u:p@ss@h:5432/db", "postgresql://u:****@h:5432/db"},
    {"DATABASE_URL", "postgresql://u:a:b@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql://u:@h/db", "postgresql://u:@h/db"},
    {"DATABASE_URL", "postgresql://u@h/db", "postgresql://u@h/db"},
    {"DATABASE_URL", "postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:6543/postgres",
     "postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:6543/postgres"},
    /* A default inside a reference is a literal that may be the password itself. */
    {"DATABASE_URL", "postgresql://u:${DB_PASS:-fallback/x}@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql://u:${DB_PASS}@h/db", "postgresql://u:${DB_PASS}@h/db"},
    {"DATABASE_URL", "postgresql://u:$PASS@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql://u:pre${X}@h/db", "postgresql://u:****@h/db"},
    {"DATABASE_URL", "postgresql+asyncpg://app:pw@db:5433/main?ssl=require",
     "postgresql+asyncpg://app:****@db:5433/main?ssl=require"},
    {"DATABASE_URL", "postgresql://u:pw@h1:5432,h2:5433/db",
     "postgresql://u:****@h1:5432,h2:5433/db"},
    {"DATABASE_URL", "postgresql://u:pw@[::1]:5432/db", "postgresql://u:****@[::1]:5432/db"},
    {"JDBC_URL", "jdbc:postgresql://h:5432/app?user=fred&password=secret&ssl=true",
     "jdbc:postgresql://h:5432/app?user=fred&password=****&ssl=true"},
    {"JDBC_URL", "jdbc:mysql://h/app?password=x%26y&user=root",
     "jdbc:mysql://h/app?password=****&user=root"},
    {"PG_DSN", "host=db port=5432 user=me password='it\\'s secret' sslmode=require",
     "host=db port=5432 user=me password=**** sslmode=require"},
    {"PG_DSN", "host=db password=s3cret", "host=db password=****"},
    {"PG_DSN", "host=db password=''", "host=db password=''"},
    {"DATABASE_URL", "postgresql://u@h/db?sslpassword=abc&api_token=xyz&sslmode=require",
     "postgresql://u@h/db?sslpassword=****&api_token=****&sslmode=require"},
    {"REDIS_URL", "redis://:hunter2@cache:6379/0", "redis://:****@cache:6379/0"},
    {"MONGO_URL", "mongodb+srv://u:p4ss@c0.abc.mongodb.net/app?retryWrites=true",
     "mongodb+srv://u:****@c0.abc.mongodb.net/app?retryWrites=true"},
    {"MYSQL_URL", "mysql+pymysql://root:pw@db:3306/shop", "mysql+pymysql://root:****@db:3306/shop"},
    {"API_TOKEN", "abc123", "****"},
    {"STRIPE_SECRET_KEY", "sk_live_abc", "****"},
    {"DB_PASSWORD", "hunter2", "****"},
    {"API_TOKEN", "", ""},
    {"DB_PASSWORD", "${PASS}", "${PASS}"},
    {"DB_PASSWORD", "$PASS", "****"},
    {"DATABASE_SECRET_URL", "postgresql://u:p@h/db", "****"},
    {"POSTGRES_PASSWORD_FILE", "/run/secrets/db", "/run/secrets/db"},
    {"PORT", "5432", "5432"},
    {"APP_NAME", "password", "password"},
    {"CALLBACKS", "a https://u:tok@github.com/x b", "a https://u:****@github.com/x b"},
    {NULL, "postgresql://u:pw@h/db", "postgresql://u:****@h/db"},
};

START_TEST(test_redact_value_cases)
{
	const struct value_case *c = &value_cases[_i];
	char *got = redact_value(c->key, c->value, key_is_secret, (void *)secret_words);

	ck_assert_msg(strcmp(got, c->want) == 0, "%s=%s: got \"%s\", want \"%s\"",
	              c->key ? c->key : "(null)", c->value, got, c->want);
	free(got);
}
END_TEST

START_TEST(test_redact_value_without_predicate)
{
	char *got = redact_value("API_TOKEN", "abc", NULL, NULL);

	ck_assert_str_eq(got, "abc"); /* no rule pack: only password keys are known secret */
	free(got);
	got = redact_value("PGPASSWORD", "abc", NULL, NULL);
	ck_assert_str_eq(got, "****");
	free(got);
	got = redact_value("URL", "postgresql://u:pw@h/db?password=x", NULL, NULL);
	ck_assert_str_eq(got, "postgresql://u:****@h/db?password=****");
	free(got);
	ck_assert_ptr_null(redact_value("K", NULL, NULL, NULL));
}
END_TEST

struct text_case {
	const char *text;
	const char *want;
};

static const struct text_case text_cases[] = {
    {"could not connect to postgresql://u:hunter2@h:6543/db (timeout)",
     "could not connect to postgresql://u:****@h:6543/db (timeout)"},
    {"a=postgres://a:x@h1/d, b=mysql://b:y@h2/d",
     "a=postgres://a:****@h1/d, b=mysql://b:****@h2/d"},
    {"{\"url\": \"postgres://u:p@h/db\"}", "{\"url\": \"postgres://u:****@h/db\"}"},
    {"DATABASE_URL=postgresql://u:p%40ss%3A@h/db", "DATABASE_URL=postgresql://u:****@h/db"},
    {"DATABASE_URL='postgresql://u:pa/ss@h/db'", "DATABASE_URL='postgresql://u:****@h/db'"},
    {"jdbc:postgresql://h/db?user=a&password=s3cret&ssl=true",
     "jdbc:postgresql://h/db?user=a&password=****&ssl=true"},
    {"jdbc:sqlserver://h:1433;databaseName=d;password=s3cret;encrypt=true",
     "jdbc:sqlserver://h:1433;databaseName=d;password=****;encrypt=true"},
    {"DB_PASSWORD=hunter2", "DB_PASSWORD=****"},
    {"POSTGRES_PASSWORD_FILE=/run/secrets/db", "POSTGRES_PASSWORD_FILE=/run/secrets/db"},
    {"host=db sslpassword=k3y", "host=db sslpassword=****"},
    {"export API_TOKEN=\"abc def\"", "export API_TOKEN=\"****\""},
    {"API_KEY=abc def # rotated monthly", "API_KEY=**** # rotated monthly"},
    {"    POSTGRES_PASSWORD: hunter2", "    POSTGRES_PASSWORD: ****"},
    {"      - POSTGRES_PASSWORD=hunter2", "      - POSTGRES_PASSWORD=****"},
    {"{\"password\": \"hun\\\"ter2\", \"user\": \"me\"}",
     "{\"password\": \"****\", \"user\": \"me\"}"},
    {"password=s3cret host=db user=me", "password=**** host=db user=me"},
    {"dsn is host=db password=s3cret user=me", "dsn is host=db password=**** user=me"},
    {"line1\nDB_PASSWORD=x y\nother", "line1\nDB_PASSWORD=****\nother"},
    {"DB_PASSWORD=${PASS}", "DB_PASSWORD=${PASS}"},
    {"DB_PASSWORD=", "DB_PASSWORD="},
    {"postgresql://u:@h/db", "postgresql://u:@h/db"},
    {"postgresql://${U}:${P}@${H}:6543/postgres", "postgresql://${U}:${P}@${H}:6543/postgres"},
    {"services/auth/.env:2:1: SECRET_KEY is set twice",
     "services/auth/.env:2:1: SECRET_KEY is set twice"},
    {"see https://example.com:8080/docs and db:5432",
     "see https://example.com:8080/docs and db:5432"},
    {"postgresql://postgres.ref@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
     "postgresql://postgres.ref@aws-0-eu-central-1.pooler.supabase.com:5432/postgres"},
    {"plain text, no secrets: 100%", "plain text, no secrets: 100%"},
    {"const apiToken = process.env.API_TOKEN;", "const apiToken = process.env.API_TOKEN;"},
    {"db = connect(password=os.getenv(\"PW\"))", "db = connect(password=os.getenv(\"PW\"))"},
    {"const token = \"abc123\";", "const token = \"****\";"},
    {"", ""},
};

START_TEST(test_redact_text_cases)
{
	const struct text_case *c = &text_cases[_i];
	char *got = redact_text(c->text, key_is_secret, (void *)secret_words);

	ck_assert_msg(strcmp(got, c->want) == 0, "\"%s\": got \"%s\", want \"%s\"", c->text, got,
	              c->want);
	free(got);
}
END_TEST

/* A planted password must not survive anywhere in a long text, whatever form carries it. */
START_TEST(test_redact_text_planted_password_never_survives)
{
	static const char *const forms[] = {
	    "postgresql://u:Pl4nted-S3cret@h:6543/db",
	    "postgresql://u:Pl4nted%40S3cret@h/db",
	    "postgres://user.ref:Pl4nted:S3cret@h/db?sslmode=require",
	    "mysql://root:Pl4nted/S3cret@db/x",
	    "redis://:Pl4nted?S3cret@cache:6379",
	    "postgresql+asyncpg://u:Pl4nted@S3cret@h/db",
	    "jdbc:postgresql://h/db?user=a&password=Pl4nted-S3cret",
	    "DB_PASSWORD=Pl4nted-S3cret",
	    "export API_TOKEN='Pl4nted S3cret'",
	    "{\"password\": \"Pl4nted-S3cret\"}",
	    "host=db password='Pl4nted \\' S3cret' dbname=x",
	    "  POSTGRES_PASSWORD: Pl4nted-S3cret",
	    "(see postgresql://u:Pl4nted-S3cret@h/db)",
	};
	static const char *const filler[] = {
	    "connection refused at https://example.com/docs ",
	    "pool_size=5 max_overflow=10\n",
	    "user@example.com wrote: port 5432 ",
	    "\n",
	    "postgresql://u@h/db?sslmode=require ",
	    "KEY=value\n",
	};
	size_t nf = sizeof(forms) / sizeof(forms[0]), nfill = sizeof(filler) / sizeof(filler[0]);
	char *text = NULL, *got;
	size_t len = 0, cap = 0, i, kept = 0;
	unsigned seed = 12345;

	for (i = 0; i < 6000; i++) {
		const char *piece;
		size_t n;

		seed = seed * 1103515245u + 12345u;
		piece =
		    (seed >> 16) % 3 == 0 ? forms[(seed >> 8) % nf] : filler[(seed >> 8) % nfill];
		if (i % 97 == 0)
			piece = "\n";
		n = strlen(piece);
		if (len + n + 2 > cap) {
			cap = (len + n + 2) * 2;
			text = realloc(text, cap);
		}
		memcpy(text + len, piece, n);
		len += n;
		text[len++] =
		    (seed >> 4) % 5 == 0 ? '\n' : ' '; /* words are separated in real text */
		text[len] = '\0';
	}
	got = redact_text(text, key_is_secret, (void *)secret_words);
	ck_assert_msg(
	    strstr(got, "Pl4nted") == NULL && strstr(got, "S3cret") == NULL, "leaked near: %.160s",
	    (strstr(got, "Pl4nted") ? strstr(got, "Pl4nted") : strstr(got, "S3cret")) - 80);
	for (const char *p = got; (p = strstr(p, "https://example.com/docs")) != NULL; p++)
		kept++;
	ck_assert_msg(kept > 0, "filler URLs were lost");
	ck_assert_ptr_nonnull(strstr(got, "postgresql://u@h/db?sslmode=require"));
	ck_assert_ptr_nonnull(strstr(got, "pool_size=5 max_overflow=10"));
	free(got);
	free(text);
}
END_TEST

/* Hostile lines (nested "://", thousands of keys, '@' runs) take linear time, not quadratic. */
START_TEST(test_redact_text_hostile_input_is_linear)
{
	static const char *const units[] = {"a://",   "password=a ", "x:@",
	                                    "u:p@h/", "\"k\": \"",   "DB_PASSWORD: a "};
	size_t n = 2 * 1024 * 1024;
	char *text = malloc(n + 1), *got;

	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		size_t m = strlen(units[u]);
		clock_t t0 = clock();

		for (size_t i = 0; i < n; i++)
			text[i] = units[u][i % m];
		text[n] = '\0';
		got = redact_text(text, key_is_secret, (void *)secret_words);
		ck_assert_ptr_nonnull(got);
		ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0,
		              "unit \"%s\" too slow", units[u]);
		free(got);
	}
	free(text);
}
END_TEST

static Suite *
redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_redact_value_cases, 0,
	                    (int)(sizeof(value_cases) / sizeof(value_cases[0])));
	tcase_add_test(tc, test_redact_value_without_predicate);
	tcase_add_loop_test(tc, test_redact_text_cases, 0,
	                    (int)(sizeof(text_cases) / sizeof(text_cases[0])));
	tcase_add_test(tc, test_redact_text_planted_password_never_survives);
	tcase_add_test(tc, test_redact_text_hostile_input_is_linear);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(redact_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
