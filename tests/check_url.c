/* Unit tests for src/parse/url.c: every connection-string form, spans, and malformed input. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse/url.h"

/* NULL in an expectation means "absent". */
struct parse_case {
	const char *in;
	enum url_form form;
	enum url_kind kind;
	const char *scheme_name;
	const char *driver;
	const char *user;
	const char *password;
	const char *database;
	size_t nhosts;
	const char *host0;
	int port0;
	bool defaulted0;
	const char *host1;
	int port1;
	bool unresolved;
};

static const struct parse_case parse_cases[] = {
    {"postgresql://postgres:secret@db.abc.supabase.co:5432/postgres", URL_FORM_URI,
     URL_KIND_POSTGRES, "postgresql", NULL, "postgres", "secret", "postgres", 1,
     "db.abc.supabase.co", 5432, false, NULL, 0, false},
    {"postgres://u@localhost/app", URL_FORM_URI, URL_KIND_POSTGRES, "postgres", NULL, "u", NULL,
     "app", 1, "localhost", 5432, true, NULL, 0, false},
    {"postgresql://postgres.ref:p%40ss@aws-1-eu-west-1.pooler.supabase.com:6543/"
     "postgres?pgbouncer=true",
     URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "postgres.ref", "p@ss", "postgres", 1,
     "aws-1-eu-west-1.pooler.supabase.com", 6543, false, NULL, 0, false},
    {"postgresql+asyncpg://app:pw@db:5433/main", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql",
     "asyncpg", "app", "pw", "main", 1, "db", 5433, false, NULL, 0, false},
    {"postgresql+psycopg2://app@db/main", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", "psycopg2",
     "app", NULL, "main", 1, "db", 5432, true, NULL, 0, false},
    {"POSTGRESQL+PG8000://app@db/main", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", "pg8000",
     "app", NULL, "main", 1, "db", 5432, true, NULL, 0, false},
    {"postgresql://u:p@host1:5432,host2:5433/db?target_session_attrs=read-write", URL_FORM_URI,
     URL_KIND_POSTGRES, "postgresql", NULL, "u", "p", "db", 2, "host1", 5432, false, "host2", 5433,
     false},
    {"postgresql://host1,host2:5433/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL,
     NULL, "db", 2, "host1", 5432, true, "host2", 5433, false},
    {"postgresql://u@[::1]:5432/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "u", NULL,
     "db", 1, "::1", 5432, false, NULL, 0, false},
    {"postgresql://[2001:db8::7]/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL,
     NULL, "db", 1, "2001:db8::7", 5432, true, NULL, 0, false},
    {"postgresql://[fe80::1%25eth0]:6543,[::1]/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql",
     NULL, NULL, NULL, "db", 2, "fe80::1%eth0", 6543, false, "::1", 5432, false},
    {"postgresql:///mydb", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, "mydb",
     0, NULL, 0, false, NULL, 0, false},
    {"postgresql:///mydb?host=%2Fvar%2Frun%2Fpostgresql&port=5433", URL_FORM_URI, URL_KIND_POSTGRES,
     "postgresql", NULL, NULL, NULL, "mydb", 1, "/var/run/postgresql", 5433, false, NULL, 0, false},
    {"postgresql://other@localhost/otherdb?user=me&password=s3cret&dbname=real", URL_FORM_URI,
     URL_KIND_POSTGRES, "postgresql", NULL, "me", "s3cret", "real", 1, "localhost", 5432, true,
     NULL, 0, false},
    {"postgresql://%2Fvar%2Flib%2Fpostgresql/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql",
     NULL, NULL, NULL, "db", 1, "/var/lib/postgresql", 5432, true, NULL, 0, false},
    {"postgresql://u:@h/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "u", "", "db", 1,
     "h", 5432, true, NULL, 0, false},
    {"postgresql://h:/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, "db", 1,
     "h", 5432, true, NULL, 0, false},
    {"postgresql://", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, NULL, 0,
     NULL, 0, false, NULL, 0, false},
    {"postgresql://h", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, NULL, 1,
     "h", 5432, true, NULL, 0, false},
    /* a password with percent-encoded ':', '@' and '/' */
    {"postgresql://u:a%3Ab%40c%2Fd@h/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "u",
     "a:b@c/d", "db", 1, "h", 5432, true, NULL, 0, false},
    /* an unencoded '@' in the password: the last '@' ends the user info */
    {"postgresql://u:p@ss@h:5432/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "u",
     "p@ss", "db", 1, "h", 5432, false, NULL, 0, false},
    {"jdbc:postgresql://db.example.com:5432/app?user=fred&password=se%26cret&ssl=true",
     URL_FORM_JDBC, URL_KIND_POSTGRES, "postgresql", NULL, "fred", "se&cret", "app", 1,
     "db.example.com", 5432, false, NULL, 0, false},
    {"jdbc:postgresql://h1:5432,h2:5433/app", URL_FORM_JDBC, URL_KIND_POSTGRES, "postgresql", NULL,
     NULL, NULL, "app", 2, "h1", 5432, false, "h2", 5433, false},
    {"jdbc:postgresql:app", URL_FORM_JDBC, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, "app",
     0, NULL, 0, false, NULL, 0, false},
    {"jdbc:mysql://db:3306/shop?user=root&password=x", URL_FORM_JDBC, URL_KIND_MYSQL, "mysql", NULL,
     "root", "x", "shop", 1, "db", 3306, false, NULL, 0, false},
    {"mysql://root:pw@db/shop", URL_FORM_URI, URL_KIND_MYSQL, "mysql", NULL, "root", "pw", "shop",
     1, "db", 0, false, NULL, 0, false},
    {"mysql+pymysql://root:pw@db:3306/shop", URL_FORM_URI, URL_KIND_MYSQL, "mysql", "pymysql",
     "root", "pw", "shop", 1, "db", 3306, false, NULL, 0, false},
    {"mongodb://u:p@m1:27017,m2:27018/app?replicaSet=rs0", URL_FORM_URI, URL_KIND_MONGODB,
     "mongodb", NULL, "u", "p", "app", 2, "m1", 27017, false, "m2", 27018, false},
    {"mongodb+srv://u:p@cluster0.abc.mongodb.net/app", URL_FORM_URI, URL_KIND_MONGODB,
     "mongodb+srv", NULL, "u", "p", "app", 1, "cluster0.abc.mongodb.net", 0, false, NULL, 0, false},
    {"redis://:hunter2@cache:6379/0", URL_FORM_URI, URL_KIND_REDIS, "redis", NULL, "", "hunter2",
     "0", 1, "cache", 6379, false, NULL, 0, false},
    {"rediss://default:pw@db-redis.ondigitalocean.com:25061", URL_FORM_URI, URL_KIND_REDIS,
     "rediss", NULL, "default", "pw", NULL, 1, "db-redis.ondigitalocean.com", 25061, false, NULL, 0,
     false},
    {"https://user:tok@github.com/org/repo", URL_FORM_URI, URL_KIND_OTHER, "https", NULL, "user",
     "tok", "org/repo", 1, "github.com", 0, false, NULL, 0, false},
    {"postgresql://h/db@x", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, NULL, NULL, "db@x",
     1, "h", 5432, true, NULL, 0, false},
    /* Supabase's copy-paste placeholder keeps its brackets in the password */
    {"postgresql://postgres:[YOUR-PASSWORD]@db.abcdefghijklmnopqrst.supabase.co:5432/postgres",
     URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "postgres", "[YOUR-PASSWORD]", "postgres",
     1, "db.abcdefghijklmnopqrst.supabase.co", 5432, false, NULL, 0, false},
    {"postgresql+psycopg://u@h/db?prepare_threshold=", URL_FORM_URI, URL_KIND_POSTGRES,
     "postgresql", "psycopg", "u", NULL, "db", 1, "h", 5432, true, NULL, 0, false},
    /* pieces left by expansion */
    {"postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:6543/postgres", URL_FORM_URI, URL_KIND_POSTGRES,
     "postgresql", NULL, "${DB_USER}", "${DB_PASS}", "postgres", 1, "${DB_HOST}", 6543, false, NULL,
     0, true},
    {"postgresql://u:p@${DB_HOST:-localhost:5433}/db", URL_FORM_URI, URL_KIND_POSTGRES,
     "postgresql", NULL, "u", "p", "db", 1, "${DB_HOST:-localhost:5433}", 5432, true, NULL, 0,
     true},
    {"postgresql://u:p@db:${DB_PORT}/${DB_NAME}", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql",
     NULL, "u", "p", "${DB_NAME}", 1, "db", 0, false, NULL, 0, true},
    {"postgresql://$USER:$PASS@$HOST/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL,
     "$USER", "$PASS", "db", 1, "$HOST", 5432, true, NULL, 0, true},
    {"postgresql://u:${A:-x/y@z}@h/db", URL_FORM_URI, URL_KIND_POSTGRES, "postgresql", NULL, "u",
     "${A:-x/y@z}", "db", 1, "h", 5432, true, NULL, 0, true},
    /* libpq key=value */
    {"host=localhost port=5433 dbname=app user=me password=secret sslmode=require",
     URL_FORM_KEYVALUE, URL_KIND_POSTGRES, NULL, NULL, "me", "secret", "app", 1, "localhost", 5433,
     false, NULL, 0, false},
    {"host = db  dbname = 'my app' password='it\\'s a \\\\ secret'", URL_FORM_KEYVALUE,
     URL_KIND_POSTGRES, NULL, NULL, NULL, "it's a \\ secret", "my app", 1, "db", 5432, true, NULL,
     0, false},
    {"host=h1,h2 port=5432,5433 dbname=x", URL_FORM_KEYVALUE, URL_KIND_POSTGRES, NULL, NULL, NULL,
     NULL, "x", 2, "h1", 5432, false, "h2", 5433, false},
    {"host=h1,h2 port=6543", URL_FORM_KEYVALUE, URL_KIND_POSTGRES, NULL, NULL, NULL, NULL, NULL, 2,
     "h1", 6543, false, "h2", 6543, false},
    {"dbname=app password=''", URL_FORM_KEYVALUE, URL_KIND_POSTGRES, NULL, NULL, NULL, "", "app", 0,
     NULL, 0, false, NULL, 0, false},
    {"password=p\\ q host=${PGHOST}", URL_FORM_KEYVALUE, URL_KIND_POSTGRES, NULL, NULL, NULL, "p q",
     NULL, 1, "${PGHOST}", 5432, true, NULL, 0, true},
};

static void
assert_str(const char *what, const char *got, const char *want, const char *in)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: %s: expected absent, got \"%s\"", in, what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		              "%s: %s: expected \"%s\", got \"%s\"", in, what, want,
		              got ? got : "(absent)");
}

START_TEST(test_url_parse_forms)
{
	const struct parse_case *c = &parse_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	int rc = url_parse(&u, c->in, strlen(c->in), &err);

	ck_assert_msg(rc == 0, "%s: failed: %s (col %d)", c->in, err.msg, err.col);
	ck_assert_int_eq(u->form, c->form);
	ck_assert_msg(u->kind == c->kind, "%s: kind %s", c->in, url_kind_name(u->kind));
	assert_str("scheme", u->scheme_name, c->scheme_name, c->in);
	assert_str("driver", u->driver, c->driver, c->in);
	assert_str("user", u->user.present ? u->user.value : NULL, c->user, c->in);
	assert_str("password", u->password.present ? u->password.value : NULL, c->password, c->in);
	assert_str("database", u->database.present ? u->database.value : NULL, c->database, c->in);
	ck_assert_msg(u->nhosts == c->nhosts, "%s: %zu hosts", c->in, u->nhosts);
	if (c->nhosts > 0) {
		assert_str("host0", u->hosts[0].name.present ? u->hosts[0].name.value : NULL,
		           c->host0, c->in);
		ck_assert_msg(u->hosts[0].port_number == c->port0, "%s: port0 %d", c->in,
		              u->hosts[0].port_number);
		ck_assert_int_eq(u->hosts[0].port_defaulted, c->defaulted0);
	}
	if (c->nhosts > 1) {
		assert_str("host1", u->hosts[1].name.value, c->host1, c->in);
		ck_assert_msg(u->hosts[1].port_number == c->port1, "%s: port1 %d", c->in,
		              u->hosts[1].port_number);
	}
	ck_assert_msg(u->unresolved == c->unresolved, "%s: unresolved %d", c->in, u->unresolved);
	url_free(u);
	el_error_clear(&err);
}
END_TEST

struct bad_case {
	const char *in;
	int col; /* 1-based byte offset of the offending character */
	const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"postgresql://u:p@h/db%zz", 22, "invalid percent-encoding \"%zz\""},
    {"postgresql://u:p%4@h/db", 17, "invalid percent-encoding"},
    {"postgresql://u:p@h/db%", 22, "invalid percent-encoding \"%\""},
    {"postgresql://u:p%00@h/db", 17, "%00"},
    {"postgresql://h:99999/db", 16, "port 99999 is out of range (1-65535)"},
    {"postgresql://h:0/db", 16, "port 0 is out of range"},
    {"postgresql://h:123456789012345678901234567890/db", 16, "out of range"},
    {"postgresql://h:54x2/db", 16, "port \"54x2\" is not a number"},
    {"postgresql://h1:5432,h2:abc/db", 25, "port \"abc\" is not a number"},
    {"postgresql://[::1:5432/db", 14, "unterminated '['"},
    {"postgresql://[::1]x/db", 19, "unexpected 'x' after ']'"},
    {"postgresql://[zz]/db", 15, "invalid IPv6 address"},
    {"postgresql://::1:5432/db", 14, "IPv6 address must be in brackets"},
    {"postgresql://u:p@/db", 18, "empty host"},
    {"postgresql://:5432/db", 14, "empty host"},
    {"postgresql://h1,,h2/db", 17, "empty host"},
    {"postgresql://h1,/db", 17, "empty host"},
    {"postgresql://u:pa/ss@h/db", 18, "must be percent-encoded as %2F"},
    {"postgresql://u:pa/ss@h:5432/db", 18, "must be percent-encoded as %2F"},
    {"postgresql://u:p@h/db ", 22, "unexpected whitespace"},
    {"postgresql://u:p@h o/db", 19, "unexpected whitespace"},
    {"postgresql:/h/db", 12, "expected \"//\""},
    {"postgresql://h/db?=x", 19, "query parameter without a name"},
    {"postgresql://h<x>/db", 15, "unexpected '<' in host"},
    {"jdbc:", 6, "expected \"jdbc:<subprotocol>:\""},
    {"host='abc port=5432", 6, "unterminated quoted value for \"host\""},
    {"host=h port", 12, "missing '=' after \"port\""},
    {"host=h =x", 8, "'=' without a key name"},
    {"host=h1,h2,h3 port=1,2", 20, "2 port numbers for 3 hosts"},
    {"port=70000", 6, "out of range"},
    {"hello world", 1, "not a connection string"},
    {"", 1, "empty connection string"},
    {"   ", 1, "not a connection string"},
    {"${DATABASE_URL}", 1, "not a connection string"},
    {"localhost:5432", 11, "expected \"//\""},
};

START_TEST(test_url_parse_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;

	ck_assert_msg(url_parse(&u, c->in, strlen(c->in), &err) == -1, "%s: parsed", c->in);
	ck_assert_ptr_null(u);
	ck_assert_ptr_nonnull(err.msg);
	ck_assert_msg(strstr(err.msg, c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"", c->in,
	              err.msg, c->msg);
	ck_assert_msg(err.col == c->col, "%s: col %d, expected %d (%s)", c->in, err.col, c->col,
	              err.msg);
	el_error_clear(&err);
}
END_TEST

/* The parser never reads past len: the bytes after it are not part of the string. */
START_TEST(test_url_parse_bounded_by_len)
{
	const char *s = "postgresql://u:p@h:5432/dbEXTRA";
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	char *copy = malloc(26);

	memcpy(copy, s, 26); /* no terminating NUL: ASan catches any read past the end */
	ck_assert_int_eq(url_parse(&u, copy, 26, &err), 0);
	ck_assert_str_eq(u->database.value, "db");
	url_free(u);
	memcpy(copy, "postgresql://u:p@h:5432/%4", 26);
	ck_assert_int_eq(url_parse(&u, copy, 26, &err), -1);
	ck_assert_int_eq(err.col, 25);
	el_error_clear(&err);
	free(copy);
	ck_assert_int_eq(url_parse(&u, "host=a\0b", 8, &err), -1);
	ck_assert_int_eq(err.col, 7);
	el_error_clear(&err);
	/* callers that only want a yes/no pass no error record; *out is untouched on failure */
	u = NULL;
	ck_assert_int_eq(url_parse(&u, "postgresql://h:x/db", 19, NULL), -1);
	ck_assert_ptr_null(u);
}
END_TEST

/* Spans point at exactly the written text, so findings can underline the port or one parameter. */
struct span_case {
	const char *in;
	const char *what; /* "port0", "port1", "host1", "password", "user", "database",
	                     "param:<key>", "value:<key>" */
	const char *text;
};

static const struct span_case span_cases[] = {
    {"postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres", "port0",
     "5432"},
    {"postgresql://u:pw@h:6543/db?pgbouncer=true&connection_limit=1", "param:pgbouncer",
     "pgbouncer=true"},
    {"postgresql://u:pw@h:6543/db?pgbouncer=true&connection_limit=1", "value:connection_limit",
     "1"},
    {"postgresql://u:p%40ss@h/db", "password", "p%40ss"},
    {"postgresql://a:1,b:6543/db", "port1", "6543"},
    {"postgresql://a:1,[::1]:6543/db", "host1", "[::1]"},
    {"postgresql+asyncpg://u@h/db?prepared_statement_cache_size=0&ssl=require",
     "param:prepared_statement_cache_size", "prepared_statement_cache_size=0"},
    {"jdbc:postgresql://h/db?user=fred&password=secret", "password", "secret"},
    {"postgresql://u@h:6543/db?connection_limit=1&pool_timeout=20&statement_cache_size=0",
     "param:pool_timeout", "pool_timeout=20"},
    {"postgresql://u@h:6543/db?connection_limit=1&pool_timeout=20&statement_cache_size=0",
     "value:statement_cache_size", "0"},
    {"jdbc:postgresql://h/db?user=fred&password=secret", "user", "fred"},
    {"host=db port=6543 dbname=app sslmode=require", "port0", "6543"},
    {"host=db port=6543 dbname=app sslmode=require", "param:sslmode", "sslmode=require"},
    {"host=h1,h2 port=5432,6543", "port1", "6543"},
    {"host=h1,h2 port=5432,6543", "host1", "h2"},
    {"host=db password='a b'", "password", "'a b'"},
    {"postgresql://${U}:${P}@${H}:6543/postgres", "port0", "6543"},
    {"postgresql://u@h/${DB}", "database", "${DB}"},
};

START_TEST(test_url_spans)
{
	const struct span_case *c = &span_cases[_i];
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	const struct url_part *part = NULL;
	struct url_span sp;

	ck_assert_msg(url_parse(&u, c->in, strlen(c->in), &err) == 0, "%s: %s", c->in, err.msg);
	if (strcmp(c->what, "port0") == 0)
		part = &u->hosts[0].port;
	else if (strcmp(c->what, "port1") == 0)
		part = &u->hosts[1].port;
	else if (strcmp(c->what, "host1") == 0)
		part = &u->hosts[1].name;
	else if (strcmp(c->what, "password") == 0)
		part = &u->password;
	else if (strcmp(c->what, "user") == 0)
		part = &u->user;
	else if (strcmp(c->what, "database") == 0)
		part = &u->database;
	if (part != NULL) {
		ck_assert(part->present);
		sp = part->span;
		ck_assert_str_eq(part->raw, c->text);
	} else {
		const struct url_param *pr = url_find_param(u, strchr(c->what, ':') + 1);

		ck_assert_ptr_nonnull(pr);
		sp = strncmp(c->what, "param:", 6) == 0 ? pr->span : pr->value.span;
	}
	ck_assert_msg(sp.len == strlen(c->text) && strncmp(c->in + sp.off, c->text, sp.len) == 0,
	              "%s: %s span [%zu,+%zu) is \"%.*s\", expected \"%s\"", c->in, c->what, sp.off,
	              sp.len, (int)sp.len, c->in + sp.off, c->text);
	url_free(u);
}
END_TEST

START_TEST(test_url_params_in_order_with_duplicates)
{
	const char *s = "postgresql://h/db?sslmode=disable&a%20b=c%2Bd&flag&sslmode=require&&x=";
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;

	ck_assert_int_eq(url_parse(&u, s, strlen(s), &err), 0);
	ck_assert_uint_eq(u->nparams, 5);
	ck_assert_str_eq(u->params[0].key.value, "sslmode");
	ck_assert_str_eq(u->params[0].value.value, "disable");
	ck_assert_str_eq(u->params[1].key.value, "a b");
	ck_assert_str_eq(u->params[1].key.raw, "a%20b");
	ck_assert_str_eq(u->params[1].value.value, "c+d");
	ck_assert_str_eq(u->params[2].key.value, "flag");
	ck_assert(!u->params[2].value.present);
	ck_assert_str_eq(u->params[3].value.value, "require");
	ck_assert(u->params[4].value.present);
	ck_assert_str_eq(u->params[4].value.value, "");
	/* the last duplicate is the one libpq uses */
	ck_assert_str_eq(url_find_param(u, "sslmode")->value.value, "require");
	ck_assert_ptr_null(url_find_param(u, "pgbouncer"));
	url_free(u);
}
END_TEST

START_TEST(test_url_unresolved_parts)
{
	const char *s =
	    "postgresql://${DB_USER}:${DB_PASS}@${DB_HOST}:6543/postgres?sslmode=${MODE}";
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;

	ck_assert_int_eq(url_parse(&u, s, strlen(s), &err), 0);
	ck_assert(u->user.unresolved);
	ck_assert(u->password.unresolved);
	ck_assert(u->hosts[0].name.unresolved);
	ck_assert(!u->hosts[0].port.unresolved);
	ck_assert_int_eq(u->hosts[0].port_number, 6543);
	ck_assert(!u->database.unresolved);
	ck_assert(u->params[0].value.unresolved);
	ck_assert(!u->params[0].key.unresolved);
	url_free(u);
}
END_TEST

/* Hostile input: unbalanced ${, long runs of delimiters; must finish quickly and not crash. */
START_TEST(test_url_parse_hostile_input_is_linear)
{
	size_t n = 2 * 1024 * 1024, i;
	char *s = malloc(n);
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	const char *prefix = "postgresql://u:p@h/";

	memcpy(s, prefix, strlen(prefix));
	for (i = strlen(prefix); i < n; i++)
		s[i] = (i - strlen(prefix)) % 2 ? '{' : '$';
	if (url_parse(&u, s, n, &err) == 0)
		url_free(u);
	el_error_clear(&err);
	for (i = strlen(prefix); i < n; i++)
		s[i] = i % 3 == 0 ? '&' : (i % 3 == 1 ? '=' : '@');
	s[strlen(prefix) - 1] = '?';
	if (url_parse(&u, s, n, &err) == 0)
		url_free(u);
	el_error_clear(&err);
	memcpy(s, "a='", 3);
	for (i = 3; i < n; i++)
		s[i] = i % 2 ? '\\' : 'x';
	ck_assert_int_eq(url_parse(&u, s, n, &err), -1);
	ck_assert_str_eq(err.msg, "unterminated quoted value for \"a\"");
	el_error_clear(&err);
	free(s);
}
END_TEST

struct dsn_case {
	const char *in;
	bool dsn;
};

static const struct dsn_case dsn_cases[] = {
    {"postgresql://u:p@h/db", true},
    {"postgres://h", true},
    {"postgresql+asyncpg://h/db", true},
    {"POSTGRESQL+PSYCOPG://h/db", true},
    {"jdbc:postgresql://h/db", true},
    {"jdbc:postgresql:db", true},
    {"mysql://h/db", true},
    {"mysql+pymysql://h/db", true},
    {"mongodb+srv://c.example.net/app", true},
    {"redis://cache:6379", true},
    {"rediss://cache:6379", true},
    {"host=localhost", true},
    {"host=localhost port=5432 dbname=app", true},
    {"dbname=app", true},
    {"user=me password='x y'", true},
    {"https://example.com", false},
    {"postgresql:db", false},
    {"user=me", false},
    {"hello", false},
    {"", false},
    {"${DATABASE_URL}", false},
    {"foo=bar baz=qux", false},
    {"true", false},
};

START_TEST(test_url_looks_like_dsn)
{
	const struct dsn_case *c = &dsn_cases[_i];

	ck_assert_msg(url_looks_like_dsn(c->in) == c->dsn, "\"%s\": expected %d", c->in, c->dsn);
}
END_TEST

static Suite *
url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_url_parse_forms, 0,
	                    (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
	tcase_add_loop_test(tc, test_url_parse_malformed, 0,
	                    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_url_parse_bounded_by_len);
	tcase_add_loop_test(tc, test_url_spans, 0,
	                    (int)(sizeof(span_cases) / sizeof(span_cases[0])));
	tcase_add_test(tc, test_url_params_in_order_with_duplicates);
	tcase_add_test(tc, test_url_unresolved_parts);
	tcase_add_test(tc, test_url_parse_hostile_input_is_linear);
	tcase_add_loop_test(tc, test_url_looks_like_dsn, 0,
	                    (int)(sizeof(dsn_cases) / sizeof(dsn_cases[0])));
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(url_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
