/*
 * Schema validator and rule-pack tests: every bad pack under tests/packs/ gives
 * the exact "path:line:col: message" a user sees, packs merge in order, the
 * bundled rules.yml documents every rule id of the design, and the bundled
 * secrets.yml redacts the keys it should.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/pack.h"
#include "config/schema.h"
#include "config/yaml.h"
#include "util/xalloc.h"

#define BUNDLED_DIR TESTS_DIR "/../rules"
#define PACKS_DIR TESTS_DIR "/packs"

static char *
error_text(const struct el_error *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	el_error_print(fp, e);
	fclose(fp);
	if (len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

/* ---- the schema validator, with a table like the ones later config kinds use ---- */

static const char *const mode_values[] = {"session", "transaction", "direct", NULL};
static const struct schema_type mode_type = {.kind = SCHEMA_ENUM, .enum_values = mode_values};
static const struct schema_type port_type = {.kind = SCHEMA_INT, .min = 1, .max = 65535};
static const struct schema_type string_list = {.kind = SCHEMA_LIST, .item = &schema_string};
static const struct schema_type int_map = {.kind = SCHEMA_MAP, .item = &schema_int};
static const struct schema_field endpoint_fields[] = {
    {"host", &schema_regex, true},
    {"port", &port_type, true},
    {"mode", &mode_type, false},
    {NULL, NULL, false},
};
static const struct schema_type endpoint_type = {.kind = SCHEMA_OBJECT, .fields = endpoint_fields};
static const struct schema_type endpoint_list = {.kind = SCHEMA_LIST, .item = &endpoint_type};
static const struct schema_field top_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"enabled", &schema_bool, false},
    {"tags", &string_list, false},
    {"limits", &int_map, false},
    {"endpoints", &endpoint_list, false},
    {"extra", &(const struct schema_type){.kind = SCHEMA_ANY}, false},
    {NULL, NULL, false},
};
static const struct schema_type top_type = {.kind = SCHEMA_OBJECT, .fields = top_fields};

static const struct {
	const char *text;
	const char *want; /* NULL = valid */
} schema_cases[] = {
    {"name: x\n", NULL},
    {"name: x\nenabled: false\ntags: [a, 'b', \"c\"]\nlimits: {nano: 60, micro: 60}\n"
     "endpoints:\n  - host: '\\.pooler\\.supabase\\.com$'\n    port: 6543\n    mode: transaction\n"
     "extra: {anything: [1, {2: 3}]}\n",
     NULL},
    /* unknown keys, with a suggestion when one is close */
    {"name: x\nenabeld: true\n", "t.yml:2:1: unknown key \"enabeld\" (did you mean \"enabled\"?)"},
    {"nmae: x\n", "t.yml:1:1: unknown key \"nmae\" (did you mean \"name\"?)"},
    {"name: x\ncolour: red\n",
     "t.yml:2:1: unknown key \"colour\"; expected one of: name, enabled, tags, limits, "
     "endpoints, extra"},
    {"name: x\nendpoints:\n  - host: a\n    prot: 1\n",
     "t.yml:4:5: unknown key \"prot\" (did you mean \"port\"?)"},
    {"name: x\nendpoints:\n  - host: a\n    port: 1\n    pooler: true\n",
     "t.yml:5:5: unknown key \"pooler\"; expected one of: host, port, mode"},
    /* wrong types name both sides */
    {"name: {a: 1}\n", "t.yml:1:7: expected a string, got a mapping"},
    {"name: [a]\n", "t.yml:1:7: expected a string, got a list"},
    {"name:\n", "t.yml:1:6: expected a string, got null"},
    {"name: ''\n", "t.yml:1:7: must not be empty"},
    {"name: x\nenabled: \"true\"\n", "t.yml:2:10: expected true or false, got a string"},
    {"name: x\nenabled: yes\n", "t.yml:2:10: expected true or false, got a string"},
    {"name: x\ntags: a\n", "t.yml:2:7: expected a list, got a string"},
    {"name: x\ntags: [a, [b]]\n", "t.yml:2:11: expected a string, got a list"},
    {"name: x\nlimits: {nano: sixty}\n", "t.yml:2:16: expected an integer, got a string"},
    {"name: x\nlimits: {nano: '60'}\n", "t.yml:2:16: expected an integer, got a string"},
    {"name: x\nlimits: [60]\n", "t.yml:2:9: expected a mapping, got a list"},
    {"name: x\nendpoints:\n  - host: a\n    port: 70000\n",
     "t.yml:4:11: 70000 is out of range (1 to 65535)"},
    {"- name: x\n", "t.yml:1:1: expected a mapping, got a list"},
    /* required keys are reported at the enclosing mapping */
    {"enabled: true\n", "t.yml:1:1: missing required key \"name\""},
    {"name: x\nendpoints:\n  - port: 5432\n", "t.yml:3:5: missing required key \"host\""},
    /* enums */
    {"name: x\nendpoints:\n  - host: a\n    port: 1\n    mode: sesion\n",
     "t.yml:5:11: unknown value \"sesion\" (did you mean \"session\"?); expected one of: "
     "session, transaction, direct"},
    {"name: x\nendpoints:\n  - host: a\n    port: 1\n    mode: pooled\n",
     "t.yml:5:11: unknown value \"pooled\"; expected one of: session, transaction, direct"},
    /* duplicate keys, in objects and in free maps */
    {"name: x\nname: y\n", "t.yml:2:1: duplicate key \"name\" (first defined at line 1, column 1)"},
    {"name: x\nlimits:\n  nano: 1\n  micro: 2\n  nano: 3\n  micro: 4\n",
     "t.yml:5:3: duplicate key \"nano\" (first defined at line 3, column 3)"},
    {"name: x\nlimits: {? [a] : 1}\n", "t.yml:2:12: a key must be a string, not a list"},
    /* several problems in one mapping: key errors first, then values and unknown keys
     * in document order, then required keys */
    {"name: [a]\nname: y\n",
     "t.yml:2:1: duplicate key \"name\" (first defined at line 1, column 1)"},
    {"name: [a]\ncolour: red\n", "t.yml:1:7: expected a string, got a list"},
    {"colour: red\nname: [a]\n",
     "t.yml:1:1: unknown key \"colour\"; expected one of: name, enabled, tags, limits, "
     "endpoints, extra"},
    {"tags: a\n", "t.yml:1:7: expected a list, got a string"},
    {"name: x\nendpoints:\n  - port: 5432\n    port: 5433\n",
     "t.yml:4:5: duplicate key \"port\" (first defined at line 3, column 5)"},
    /* regexes: the pack's position plus the offset inside the pattern */
    {"name: x\nendpoints:\n  - host: a(b\n    port: 1\n",
     "t.yml:3:14: invalid regex at offset 3: missing closing parenthesis"},
    {"name: x\nendpoints:\n  - host: 'a[b'\n    port: 1\n",
     "t.yml:3:15: invalid regex at offset 3: missing terminating ] for character class"},
    {"name: x\nendpoints:\n  - host: \"x{2,1}\"\n    port: 1\n",
     "t.yml:3:17: invalid regex at offset 5: numbers out of order in {} quantifier"},
    {"name: x\nendpoints:\n  - host: \"a\\0b\"\n    port: 1\n",
     "t.yml:3:11: a regular expression cannot contain a NUL byte"},
    /* control characters in keys are escaped in messages */
    {"name: x\n\"a\\x01b\": 1\n", "t.yml:2:1: unknown key \"a\\x01b\"; expected one of: name, "
                                  "enabled, tags, limits, endpoints, extra"},
};

START_TEST(test_schema_check)
{
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	struct schema_ctx *ctx = schema_ctx_new("t.yml");
	const char *text = schema_cases[_i].text;
	int rc;

	ck_assert_int_eq(yml_load_buffer(&doc, text, strlen(text), "t.yml", NULL, &err), 0);
	rc = schema_check(ctx, &top_type, doc->root, &err);
	if (schema_cases[_i].want == NULL) {
		ck_assert_msg(rc == 0, "unexpected error: %s", err.msg ? err.msg : "?");
	} else {
		char *msg = error_text(&err);

		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(msg, schema_cases[_i].want);
		free(msg);
	}
	el_error_clear(&err);
	schema_ctx_free(ctx);
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_schema_regex_compiled_once_and_shared)
{
	static const char text[] = "name: x\nendpoints:\n  - host: '^db\\.'\n    port: 5432\n";
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	struct schema_ctx *ctx = schema_ctx_new("t.yml");
	const struct yml_node *host;
	struct rx_ctx *rctx = rx_ctx_new();
	struct rx *rx;

	ck_assert_int_eq(yml_load_buffer(&doc, text, strlen(text), "t.yml", NULL, &err), 0);
	ck_assert_int_eq(schema_check(ctx, &top_type, doc->root, &err), 0);
	host = yml_map_get(yml_map_get(doc->root, "endpoints")->items[0], "host");
	rx = schema_regex_of(ctx, host);
	ck_assert_ptr_nonnull(rx);
	ck_assert_ptr_eq(schema_regex_of(ctx, host), rx); /* the same pattern, shared */
	rx_free(rx);
	ck_assert_str_eq(rx_pattern(rx), "^db\\.");
	ck_assert_int_eq(rx_match(rctx, rx, "db.x", 4, 0, NULL), RX_MATCH);
	ck_assert_int_eq(rx_match(rctx, rx, "dbx", 3, 0, NULL), RX_NOMATCH);
	rx_free(rx);
	rx_ctx_free(rctx);
	schema_ctx_free(ctx);
	yml_doc_free(doc);
}
END_TEST

/* ---- rule packs ---- */

static const struct {
	const char *dir;
	const char *want; /* after PACKS_DIR "/" */
} bad_packs[] = {
    {"syntax-error", "syntax-error/rules.yml:6:7: did not find expected ',' or ']' (while "
                     "parsing a flow sequence at line 5, column 14)"},
    {"regex-error", "regex-error/secrets.yml:5:16: invalid regex at offset 10: missing "
                    "closing parenthesis"},
    {"alias", "alias/rules.yml:4:5: anchors and aliases are not allowed in rule packs"},
    {"unknown-key", "unknown-key/rules.yml:5:5: unknown key \"sevrity\" (did you mean "
                    "\"severity\"?)"},
    {"wrong-type", "wrong-type/rules.yml:6:7: expected a string, got a mapping"},
    {"missing-id", "missing-id/rules.yml:4:5: missing required key \"id\""},
    {"bad-severity", "bad-severity/rules.yml:5:15: unknown value \"warn\" (did you mean "
                     "\"warning\"?); expected one of: info, warning, error"},
    {"duplicate-key", "duplicate-key/rules.yml:6:5: duplicate key \"severity\" (first "
                      "defined at line 5, column 5)"},
    {"duplicate-id", "duplicate-id/rules.yml:8:5: rule \"duplicate-key\" appears twice in "
                     "this pack (first at line 4)"},
    {"multi-doc", "multi-doc/rules.yml:4:1: only one YAML document is allowed in this file"},
    {"empty", "empty/rules.yml:1:1: empty rule pack (expected a mapping with kind: and "
              "version:)"},
    {"invalid-utf8", "invalid-utf8/rules.yml:5:17: incomplete UTF-8 octet sequence"},
    {"unknown-kind", "unknown-kind/pack.yml:1:7: unknown pack kind \"rulez\" (known kinds: "
                     "rules, secrets, loaders, providers, clients, connections, pools, plans)"},
    {"bad-version", "bad-version/rules.yml:2:10: unsupported pack version 2 (this envlint "
                    "reads version 1)"},
    {"new-rule-incomplete", "new-rule-incomplete/rules.yml:4:5: rule \"my-own-rule\" is not "
                            "defined by an earlier pack, so it needs severity and summary"},
    {"not-a-list", "not-a-list/rules.yml:4:3: expected a list, got a mapping"},
    {"no-such-dir", "no-such-dir: cannot open rules directory: No such file or directory"},
    {"loaders-bad", "loaders-bad/loaders.yml:5:12: unknown value \"latest-wins\" (did you mean "
                    "\"last-wins\"?); expected one of: first-wins, last-wins"},
};

START_TEST(test_pack_bad_packs)
{
	char *dir = NULL, *want = NULL, *msg;
	const char *dirs[2] = {BUNDLED_DIR, NULL};
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = (struct packs *)&err; /* must stay untouched on error */

	dir = xasprintf("%s/%s", PACKS_DIR, bad_packs[_i].dir);
	want = xasprintf("%s/%s", PACKS_DIR, bad_packs[_i].want);
	dirs[1] = dir;
	ck_assert_int_eq(packs_load(&p, dirs, 2, &err), -1);
	ck_assert_ptr_eq(p, (struct packs *)&err);
	msg = error_text(&err);
	ck_assert_str_eq(msg, want);
	free(msg);
	free(want);
	free(dir);
	el_error_clear(&err);
}
END_TEST

/* Every rule id of DESIGN.md's table, with its default severity. */
static const struct {
	const char *id;
	enum severity severity;
	bool has_severity_text;
} design_rules[] = {
    {"root-value-shadowed", SEV_ERROR, true},
    {"service-value-ignored", SEV_WARNING, false},
    {"root-env-not-loaded", SEV_WARNING, false},
    {"duplicate-key", SEV_WARNING, false},
    {"invalid-line", SEV_ERROR, false},
    {"ambiguous-value", SEV_WARNING, false},
    {"unexpanded-reference", SEV_WARNING, false},
    {"undefined-reference", SEV_WARNING, false},
    {"missing-env-file", SEV_ERROR, true},
    {"env-file-outside-repo", SEV_WARNING, false},
    {"env-file-not-ignored", SEV_ERROR, false},
    {"runtime-uses-direct-url", SEV_ERROR, false},
    {"session-mode-at-runtime", SEV_WARNING, false},
    {"migration-url-via-transaction-pooler", SEV_WARNING, false},
    {"stray-pgbouncer-flag", SEV_ERROR, true},
    {"unsupported-url-param", SEV_ERROR, false},
    {"missing-pgbouncer-flag", SEV_WARNING, false},
    {"prepared-statements-in-transaction-mode", SEV_WARNING, false},
    {"pooler-username", SEV_ERROR, false},
    {"direct-connection-ipv6", SEV_INFO, false},
    {"pool-budget-exceeded", SEV_ERROR, false},
    {"pool-budget-headroom", SEV_WARNING, false},
    {"pool-size-undeclared", SEV_INFO, true},
    {"unused-suppression", SEV_INFO, false},
};

#define N_DESIGN_RULES (sizeof(design_rules) / sizeof(design_rules[0]))

static struct packs *
load_bundled(void)
{
	const char *dirs[] = {BUNDLED_DIR};
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = NULL;

	ck_assert_msg(packs_load(&p, dirs, 1, &err) == 0, "bundled packs: %s:%d:%d: %s",
	              err.path ? err.path : "", err.line, err.col, err.msg ? err.msg : "");
	return p;
}

START_TEST(test_pack_bundled_rules_document_every_rule)
{
	struct packs *p = load_bundled();
	const struct rule_meta *m = packs_rule_find(p, design_rules[_i].id);

	ck_assert_msg(m != NULL, "rules.yml lacks %s", design_rules[_i].id);
	ck_assert_int_eq(m->severity, design_rules[_i].severity);
	ck_assert_int_eq(m->severity_text != NULL, design_rules[_i].has_severity_text);
	ck_assert(m->summary != NULL && strlen(m->summary) > 20);
	ck_assert_ptr_null(strchr(m->summary, '\n'));
	/* the help has the sections the docs promise, and a before/after example */
	ck_assert_ptr_nonnull(strstr(m->help, "## What it catches\n"));
	ck_assert_ptr_nonnull(strstr(m->help, "## Why it matters\n"));
	ck_assert_ptr_nonnull(strstr(m->help, "## How to fix\n"));
	ck_assert_ptr_nonnull(strstr(m->help, "## Sources\n"));
	ck_assert_ptr_nonnull(strstr(m->help, "Before"));
	ck_assert_ptr_nonnull(strstr(m->help, "After"));
	ck_assert_ptr_nonnull(strstr(m->help, "```"));
	ck_assert(strstr(m->file, "rules.yml") != NULL);
	ck_assert_int_gt(m->line, 3);
	packs_free(p);
}
END_TEST

START_TEST(test_pack_bundled_rules_are_exactly_the_design_table_in_id_order)
{
	struct packs *p = load_bundled();
	size_t i, j;

	ck_assert_uint_eq(packs_rule_count(p), N_DESIGN_RULES);
	for (i = 0; i < packs_rule_count(p); i++) {
		const struct rule_meta *m = packs_rule_at(p, i);

		if (i > 0)
			ck_assert_int_lt(strcmp(packs_rule_at(p, i - 1)->id, m->id), 0);
		for (j = 0; j < N_DESIGN_RULES; j++)
			if (strcmp(design_rules[j].id, m->id) == 0)
				break;
		ck_assert_msg(j < N_DESIGN_RULES, "%s is not in DESIGN.md", m->id);
	}
	ck_assert_ptr_null(packs_rule_at(p, N_DESIGN_RULES));
	ck_assert_ptr_null(packs_rule_find(p, "no-such-rule"));
	/* every *.yml of the folder, in sorted order */
	for (i = j = 0; i < packs_file_count(p); i++) {
		if (i > 0)
			ck_assert_int_lt(strcmp(packs_file_at(p, i - 1), packs_file_at(p, i)), 0);
		if (strcmp(packs_file_at(p, i), BUNDLED_DIR "/rules.yml") == 0 ||
		    strcmp(packs_file_at(p, i), BUNDLED_DIR "/secrets.yml") == 0)
			j++;
	}
	ck_assert_uint_eq(j, 2);
	ck_assert_ptr_null(packs_file_at(p, packs_file_count(p)));
	packs_free(p);
}
END_TEST

/* The facts pooling.md says must not be replaced by folklore. */
START_TEST(test_pack_bundled_help_keeps_the_checked_facts)
{
	struct packs *p = load_bundled();
	const char *h;

	h = packs_rule_find(p, "session-mode-at-runtime")->help;
	ck_assert_ptr_nonnull(strstr(h, "(EMAXCONNSESSION) max clients reached in session mode"));
	ck_assert_ptr_nonnull(strstr(h, "MaxClientsInSessionMode: max clients reached"));
	ck_assert_ptr_nonnull(strstr(h, "pool size"));
	h = packs_rule_find(p, "pooler-username")->help;
	ck_assert_ptr_nonnull(strstr(h, "Tenant or user not found"));
	ck_assert_ptr_nonnull(strstr(h, "(ENOTFOUND) tenant/user postgres.<ref> not found"));
	h = packs_rule_find(p, "missing-pgbouncer-flag")->help;
	ck_assert_ptr_nonnull(strstr(h, "?pgbouncer=true"));
	h = packs_rule_find(p, "pool-budget-exceeded")->help;
	ck_assert_ptr_nonnull(strstr(h, "(EMAXCONN) max client connections reached, limit: N"));
	ck_assert_ptr_null(strstr(h, "MaxClientsInTransactionMode"));
	h = packs_rule_find(p, "stray-pgbouncer-flag")->help;
	ck_assert_ptr_nonnull(strstr(h, "invalid URI query parameter: \"pgbouncer\""));
	packs_free(p);
}
END_TEST

START_TEST(test_pack_later_packs_override_and_add)
{
	const char *dirs[] = {BUNDLED_DIR, PACKS_DIR "/override"};
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = NULL;
	const struct rule_meta *m;
	struct rx_ctx *rctx = rx_ctx_new();

	ck_assert_int_eq(packs_load(&p, dirs, 2, &err), 0);
	/* severity from 10-severity.yml, summary from 20-new.yml, help from the bundle */
	m = packs_rule_find(p, "duplicate-key");
	ck_assert_int_eq(m->severity, SEV_ERROR);
	ck_assert_str_eq(m->summary, "Overridden by the second file.");
	ck_assert_ptr_nonnull(strstr(m->help, "## How to fix"));
	ck_assert_str_eq(m->file, PACKS_DIR "/override/20-new.yml");
	ck_assert_int_eq(m->line, 4);
	/* a new severity drops the bundled wording that no longer applies */
	m = packs_rule_find(p, "root-value-shadowed");
	ck_assert_int_eq(m->severity, SEV_WARNING);
	ck_assert_ptr_null(m->severity_text);
	/* a new rule, sorted among the others */
	m = packs_rule_find(p, "team-custom-rule");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->severity, SEV_INFO);
	ck_assert_str_eq(m->help, "## What it catches\nSomething local.\n");
	ck_assert_uint_eq(packs_rule_count(p), N_DESIGN_RULES + 1);
	ck_assert_str_eq(packs_rule_at(p, N_DESIGN_RULES)->id, "unused-suppression");
	/* secrets lists grow */
	ck_assert(packs_key_is_secret(p, rctx, "INTERNAL_HOST"));
	ck_assert(!packs_key_is_secret(p, rctx, "INTERNAL_PUBLIC_HOST"));
	ck_assert(packs_key_is_secret(p, rctx, "DB_PASSWORD"));
	rx_ctx_free(rctx);
	packs_free(p);
}
END_TEST

/* Kinds whose structs a later stage builds keep their validated documents, in load order. */
START_TEST(test_pack_kept_documents_for_later_stages)
{
	const char *dirs[] = {PACKS_DIR "/loaders-kind"};
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = NULL;
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	const struct yml_node *loader;
	size_t n = 99;

	p = packs_new();
	ck_assert_int_eq(packs_kind_docs(p, "loaders", &roots, &paths, &n), 0);
	ck_assert_uint_eq(n, 0);
	packs_free(p);

	ck_assert_int_eq(packs_load(&p, dirs, 1, &err), 0);
	ck_assert_int_eq(packs_kind_docs(p, "loaders", &roots, &paths, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(paths[0], PACKS_DIR "/loaders-kind/loaders.yml");
	loader = yml_map_get(roots[0], "loaders")->items[0];
	ck_assert_str_eq(yml_map_get(loader, "name")->text, "team-loader");
	ck_assert_int_eq(yml_map_get(loader, "detect")->items[0]->line, 9);
	/* kinds that packs builds itself have no documents to hand out */
	ck_assert_int_eq(packs_kind_docs(p, "rules", &roots, &paths, &n), -1);
	ck_assert_int_eq(packs_kind_docs(p, "no-such-kind", &roots, &paths, &n), -1);
	packs_free(p);
}
END_TEST

static const struct {
	const char *key;
	bool secret;
} secret_cases[] = {
    {"DB_PASSWORD", true},
    {"POSTGRES_PASSWORD", true},
    {"password", true},
    {"DBPASSWORD", true},
    {"DB_PASS", true},
    {"MYSQL_PWD", true},
    {"GPG_PASSPHRASE", true},
    {"JWT_SECRET", true},
    {"NEXTAUTH_SECRET", true},
    {"client_secret", true},
    {"GITHUB_TOKEN", true},
    {"SLACK_BOT_TOKEN", true},
    {"PRIVATE_KEY", true},
    {"STRIPE_API_KEY", true},
    {"OPENAI_APIKEY", true},
    {"AWS_ACCESS_KEY_ID", true},
    {"SUPABASE_SERVICE_ROLE_KEY", true},
    {"GOOGLE_APPLICATION_CREDENTIALS", true},
    {"SESSION_KEY", true},
    {"SENTRY_DSN", true},
    {"REDIS_AUTH", true},
    /* not secret */
    {"DATABASE_URL", false}, /* its password is redacted inside the URL instead */
    {"PORT", false},
    {"HOST", false},
    {"NODE_ENV", false},
    {"PWD", false},
    {"BYPASS_CACHE", false},
    {"COMPASS_URL", false},
    {"AUTH_URL", false},
    {"KEYBOARD_LAYOUT", false},
    {"POSTGRES_PASSWORD_FILE", false},
    {"PASSWORD_MIN_LENGTH", false},
    {"TOKEN_TTL", false},
    {"JWT_EXPIRES_IN", false},
    {"", false},
};

START_TEST(test_pack_bundled_secret_keys)
{
	struct packs *p = load_bundled();
	struct rx_ctx *rctx = rx_ctx_new();

	ck_assert_msg(packs_key_is_secret(p, rctx, secret_cases[_i].key) == secret_cases[_i].secret,
	              "%s should %sbe secret", secret_cases[_i].key,
	              secret_cases[_i].secret ? "" : "not ");
	rx_ctx_free(rctx);
	packs_free(p);
}
END_TEST

START_TEST(test_pack_no_secrets_pack_means_nothing_is_secret)
{
	struct packs *p = packs_new();
	struct rx_ctx *rctx = rx_ctx_new();
	struct el_error err = EL_ERROR_INIT;

	ck_assert(!packs_key_is_secret(p, rctx, "DB_PASSWORD"));
	ck_assert_int_eq(packs_load_file(p, BUNDLED_DIR "/rules.yml", &err), 0);
	ck_assert(!packs_key_is_secret(p, rctx, "DB_PASSWORD"));
	ck_assert_uint_eq(packs_rule_count(p), N_DESIGN_RULES);
	rx_ctx_free(rctx);
	packs_free(p);
}
END_TEST

START_TEST(test_pack_default_dir_finds_the_bundled_rules)
{
	struct el_error err = EL_ERROR_INIT;
	char *dir = NULL, *probe = NULL;
	const char *dirs[1];
	struct packs *p = NULL;

	/* The test binary lives in a build tree: the source tree's rules/ is found. */
	ck_assert_int_eq(packs_default_dir(&dir, NULL, &err), 0);
	probe = xasprintf("%s/rules.yml", dir);
	ck_assert_int_eq(access(probe, R_OK), 0);
	dirs[0] = dir;
	ck_assert_int_eq(packs_load(&p, dirs, 1, &err), 0);
	ck_assert_uint_eq(packs_rule_count(p), N_DESIGN_RULES);
	packs_free(p);
	free(probe);
	free(dir);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* An installed layout, <prefix>/bin/envlint and <prefix>/share/envlint/rules, found from argv0. */
START_TEST(test_pack_default_dir_installed_layout)
{
	char tmpl[] = "/tmp/envlint-packs-XXXXXX";
	char *prefix = mkdtemp(tmpl), *path = NULL, *dir = NULL, *want = NULL;
	struct el_error err = EL_ERROR_INIT;
	static const char *const sub[] = {"bin", "share", "share/envlint", "share/envlint/rules"};
	size_t i;

	ck_assert_ptr_nonnull(prefix);
	for (i = 0; i < 4; i++) {
		path = xasprintf("%s/%s", prefix, sub[i]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
		free(path);
	}
	path = xasprintf("%s/share/envlint/rules/rules.yml", prefix);
	write_file(path, "kind: rules\nversion: 1\nrules: []\n");
	free(path);
	path = xasprintf("%s/bin/envlint", prefix);
	write_file(path, "");
	want = xasprintf("%s/share/envlint/rules", prefix);

	ck_assert_int_eq(packs_default_dir(&dir, path, &err), 0);
	ck_assert_str_eq(dir, want);

	free(dir);
	free(want);
	unlink(path);
	free(path);
	path = xasprintf("%s/share/envlint/rules/rules.yml", prefix);
	unlink(path);
	free(path);
	for (i = 4; i-- > 0;) {
		path = xasprintf("%s/%s", prefix, sub[i]);
		rmdir(path);
		free(path);
	}
	rmdir(prefix);
}
END_TEST

static Suite *
pack_suite(void)
{
	Suite *s = suite_create("pack");
	TCase *schema = tcase_create("schema");
	TCase *packs = tcase_create("packs");

	tcase_add_loop_test(schema, test_schema_check, 0,
	                    (int)(sizeof(schema_cases) / sizeof(schema_cases[0])));
	tcase_add_test(schema, test_schema_regex_compiled_once_and_shared);
	suite_add_tcase(s, schema);

	tcase_add_loop_test(packs, test_pack_bad_packs, 0,
	                    (int)(sizeof(bad_packs) / sizeof(bad_packs[0])));
	tcase_add_loop_test(packs, test_pack_bundled_rules_document_every_rule, 0,
	                    (int)N_DESIGN_RULES);
	tcase_add_test(packs, test_pack_bundled_rules_are_exactly_the_design_table_in_id_order);
	tcase_add_test(packs, test_pack_bundled_help_keeps_the_checked_facts);
	tcase_add_test(packs, test_pack_later_packs_override_and_add);
	tcase_add_test(packs, test_pack_kept_documents_for_later_stages);
	tcase_add_loop_test(packs, test_pack_bundled_secret_keys, 0,
	                    (int)(sizeof(secret_cases) / sizeof(secret_cases[0])));
	tcase_add_test(packs, test_pack_no_secrets_pack_means_nothing_is_secret);
	tcase_add_test(packs, test_pack_default_dir_finds_the_bundled_rules);
	tcase_add_test(packs, test_pack_default_dir_installed_layout);
	suite_add_tcase(s, packs);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(pack_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
