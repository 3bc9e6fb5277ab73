/*
 * YAML loader tests: positions and scalar styles as a user's message would show
 * them, every error as the exact "path:line:col: message" text, and the limits
 * that keep hostile input (deep nesting, alias bombs) from crashing or hanging.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "config/yaml_int.h"
#include "util/buf.h"
#include "util/fileio.h"

/* "path:line:col: message" as el_error_print writes it. */
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

static struct yml_doc *
load_ok(const char *text, const struct yml_options *opts)
{
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	int rc = yml_load_buffer(&doc, text, strlen(text), "t.yml", opts, &err);

	ck_assert_msg(rc == 0, "unexpected error: %s", err.msg ? err.msg : "?");
	el_error_clear(&err);
	return doc;
}

static char *
load_error(const char *text, size_t len, const struct yml_options *opts)
{
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	char *msg;

	ck_assert_int_eq(yml_load_buffer(&doc, text, len, "t.yml", opts, &err), -1);
	ck_assert_ptr_null(doc);
	msg = error_text(&err);
	el_error_clear(&err);
	return msg;
}

START_TEST(test_yaml_positions)
{
	struct yml_doc *doc = load_ok("# comment\n"
	                              "name: envlint\n"
	                              "nested:\n"
	                              "  list:\n"
	                              "    - one\n"
	                              "    -   two\n"
	                              "  flow: {a: 1, b: [x, y]}\n",
	                              NULL);
	const struct yml_node *root = doc->root, *nested, *list, *flow, *b;
	const struct yml_pair *p;

	ck_assert_int_eq(root->type, YML_MAPPING);
	ck_assert_int_eq(root->count, 2);
	ck_assert_int_eq(root->line, 2);
	ck_assert_int_eq(root->col, 1);
	p = yml_map_pair(root, "name");
	ck_assert_int_eq(p->key->line, 2);
	ck_assert_int_eq(p->key->col, 1);
	ck_assert_int_eq(p->value->line, 2);
	ck_assert_int_eq(p->value->col, 7);
	ck_assert_str_eq(p->value->text, "envlint");
	nested = yml_map_get(root, "nested");
	ck_assert_int_eq(nested->line, 4);
	ck_assert_int_eq(nested->col, 3);
	list = yml_map_get(nested, "list");
	ck_assert_int_eq(list->type, YML_SEQUENCE);
	ck_assert_int_eq(list->count, 2);
	ck_assert_int_eq(list->items[0]->line, 5);
	ck_assert_int_eq(list->items[0]->col, 7);
	ck_assert_int_eq(list->items[1]->line, 6);
	ck_assert_int_eq(list->items[1]->col, 9);
	ck_assert_str_eq(list->items[1]->text, "two");
	flow = yml_map_get(nested, "flow");
	ck_assert(flow->flow);
	ck_assert_int_eq(flow->line, 7);
	ck_assert_int_eq(flow->col, 9);
	b = yml_map_get(flow, "b");
	ck_assert_int_eq(b->col, 19);
	ck_assert_int_eq(b->items[1]->col, 23);
	ck_assert_ptr_null(yml_map_get(root, "missing"));
	ck_assert_ptr_null(yml_map_get(list, "list"));
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_positions_after_multibyte_and_crlf)
{
	/* Columns count characters, as libyaml's marks do; CRLF ends a line once. */
	struct yml_doc *doc = load_ok("\xEF\xBB\xBF"
	                              "a: 1\r\n\xC3\xA9t\xC3\xA9: \xE2\x82\xAC x\r\n",
	                              NULL);
	const struct yml_pair *p = &doc->root->pairs[1];

	ck_assert_int_eq(doc->root->pairs[0].key->line, 1);
	ck_assert_int_eq(doc->root->pairs[0].key->col, 1);
	ck_assert_int_eq(p->key->line, 2);
	ck_assert_int_eq(p->key->col, 1);
	ck_assert_int_eq(p->value->col, 6);
	ck_assert_str_eq(p->value->text, "\xE2\x82\xAC x");
	yml_doc_free(doc);
}
END_TEST

static const struct {
	const char *text;
	enum yml_style style;
	const char *value;
	const char *kind;
} style_cases[] = {
    {"v: true\n", YML_PLAIN, "true", "a boolean"},
    {"v: \"true\"\n", YML_DOUBLE_QUOTED, "true", "a string"},
    {"v: 'true'\n", YML_SINGLE_QUOTED, "true", "a string"},
    {"v: 5432\n", YML_PLAIN, "5432", "a number"},
    {"v: '5432'\n", YML_SINGLE_QUOTED, "5432", "a string"},
    {"v: ~\n", YML_PLAIN, "~", "null"},
    {"v:\n", YML_PLAIN, "", "null"},
    {"v: \"\"\n", YML_DOUBLE_QUOTED, "", "a string"},
    {"v: |\n  a\n  b\n", YML_LITERAL, "a\nb\n", "a string"},
    {"v: >\n  a\n  b\n", YML_FOLDED, "a b\n", "a string"},
    {"v: 'it''s'\n", YML_SINGLE_QUOTED, "it's", "a string"},
    {"v: \"tab\\there\"\n", YML_DOUBLE_QUOTED, "tab\there", "a string"},
    {"v: !!str true\n", YML_PLAIN, "true", "a string"},
};

START_TEST(test_yaml_scalar_styles)
{
	struct yml_doc *doc = load_ok(style_cases[_i].text, NULL);
	const struct yml_node *v = yml_map_get(doc->root, "v");

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, YML_SCALAR);
	ck_assert_int_eq(v->style, style_cases[_i].style);
	ck_assert_str_eq(v->text, style_cases[_i].value);
	ck_assert_str_eq(yml_kind_name(v), style_cases[_i].kind);
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_embedded_nul_keeps_length)
{
	struct yml_doc *doc = load_ok("v: \"a\\0b\"\n", NULL);
	const struct yml_node *v = yml_map_get(doc->root, "v");

	ck_assert_uint_eq(v->len, 3);
	ck_assert_int_eq(v->text[1], '\0');
	ck_assert(!yml_scalar_is(v, "a"));
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_json_document)
{
	struct yml_doc *doc = load_ok("{\n  \"name\": \"api\",\n  \"scripts\": {\"dev\": \"node "
	                              "--env-file=.env main.js\"},\n  \"private\": true,\n"
	                              "  \"workspaces\": [\"apps/*\", \"packages/*\"]\n}\n",
	                              NULL);
	const struct yml_node *scripts = yml_map_get(doc->root, "scripts");
	const struct yml_node *ws = yml_map_get(doc->root, "workspaces");

	ck_assert_str_eq(yml_map_get(scripts, "dev")->text, "node --env-file=.env main.js");
	ck_assert_int_eq(yml_map_get(scripts, "dev")->line, 3);
	ck_assert_int_eq(ws->count, 2);
	ck_assert_str_eq(ws->items[1]->text, "packages/*");
	ck_assert_int_eq(yml_map_get(doc->root, "private")->style, YML_PLAIN);
	ck_assert_int_eq(yml_map_get(doc->root, "name")->style, YML_DOUBLE_QUOTED);
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_empty_input_has_no_root)
{
	static const char *const inputs[] = {"", "\n\n", "# only a comment\n", "\xEF\xBB\xBF"};
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct yml_doc *doc = load_ok(inputs[i], NULL);

		ck_assert_ptr_null(doc->root);
		yml_doc_free(doc);
	}
}
END_TEST

static const struct yml_options packs_opts = {0, 0, 0, false, "rule packs", true};
static const struct yml_options compose_opts = {0, 0, 0, true, NULL, false};
static const struct yml_options small_opts = {3, 10, 64, false, NULL, false};

static const struct {
	const char *text;
	const struct yml_options *opts;
	const char *want;
} error_cases[] = {
    /* libyaml's own problem text, at its (1-based) mark */
    {"a: b: c\n", NULL, "t.yml:1:5: mapping values are not allowed in this context"},
    {"a: [1, 2\nb: 3\n", NULL,
     "t.yml:2:2: did not find expected ',' or ']' (while parsing a flow sequence at line 1, "
     "column 4)"},
    {"a: \"open\n", NULL,
     "t.yml:2:1: found unexpected end of stream (while scanning a quoted scalar at line 1, "
     "column 4)"},
    {"a:\n\t- b\n", NULL,
     "t.yml:2:1: found character that cannot start any token (while scanning for the next "
     "token at line 2, column 1)"},
    /* multiple documents */
    {"a: 1\n---\nb: 2\n", NULL, "t.yml:2:1: only one YAML document is allowed in this file"},
    {"---\na: 1\n...\n---\n", NULL, "t.yml:4:1: only one YAML document is allowed in this file"},
    /* anchors and aliases refused, with the position of the first one */
    {"a: &x 1\nb: *x\n", &packs_opts,
     "t.yml:1:4: anchors and aliases are not allowed in rule packs"},
    {"a: [1]\nb: *x\n", &packs_opts,
     "t.yml:2:4: anchors and aliases are not allowed in rule packs"},
    {"a: &x {k: v}\n", NULL, "t.yml:1:4: anchors and aliases are not allowed in this file"},
    /* aliases in compose mode: undefined, self-referencing, bad merge values */
    {"a: *nope\n", &compose_opts, "t.yml:1:4: alias *nope refers to no anchor before it"},
    {"a: &x [1, *x]\n", &compose_opts, "t.yml:1:11: alias *x refers to no anchor before it"},
    {"a: &x 1\nb:\n  <<: *x\n", &compose_opts,
     "t.yml:3:3: a merge key (<<) takes a mapping or a list of mappings, not a number"},
    {"a: &x {k: v}\nb:\n  <<: [*x, 3]\n", &compose_opts,
     "t.yml:3:12: a merge key (<<) takes a mapping or a list of mappings, not a number"},
    /* limits */
    {"a: [[[[1]]]]\n", &small_opts, "t.yml:1:6: nesting is deeper than 3 levels"},
    {"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", &small_opts,
     "t.yml:1:29: document has more than 10 nodes"},
    {"# a comment that is much longer than the sixty-four bytes allowed here\n", &small_opts,
     "t.yml: file is larger than 64 bytes"},
    /* invalid bytes: libyaml's reader text, position counted by us */
    {"a: caf\xE9\n", NULL, "t.yml:1:7: incomplete UTF-8 octet sequence"},
    {"a: 1\nb: \xFF\n", NULL, "t.yml:2:4: invalid leading UTF-8 octet (byte 0xFF)"},
    {"a: x\x01y\n", NULL, "t.yml:1:5: control characters are not allowed (byte 0x01)"},
};

START_TEST(test_yaml_errors)
{
	char *msg =
	    load_error(error_cases[_i].text, strlen(error_cases[_i].text), error_cases[_i].opts);

	ck_assert_str_eq(msg, error_cases[_i].want);
	free(msg);
}
END_TEST

START_TEST(test_yaml_nul_byte_is_an_error)
{
	char *msg = load_error("a: x\0y\n", 7, NULL);

	ck_assert_str_eq(msg, "t.yml:1:5: control characters are not allowed (byte 0x00)");
	free(msg);
}
END_TEST

/* 10,000 levels of nesting, in each style, with default limits and in both modes. */
START_TEST(test_yaml_depth_limit_on_10000_levels)
{
	static const char *const open[] = {"[", "{a: ", "- "};
	static const char *const close[] = {"]", "}", ""};
	static const char *const want[] = {
	    "t.yml:1:65: nesting is deeper than 64 levels",
	    "t.yml:1:257: nesting is deeper than 64 levels",
	    "t.yml:1:129: nesting is deeper than 64 levels",
	};
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < 10000; i++)
		buf_puts(&b, open[_i]);
	buf_puts(&b, "x");
	for (i = 0; i < 10000; i++)
		buf_puts(&b, close[_i]);
	buf_putc(&b, '\n');
	for (i = 0; i < 2; i++) {
		char *msg = load_error(b.data, b.len, i ? &compose_opts : NULL);

		ck_assert_str_eq(msg, want[_i]);
		free(msg);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_yaml_depth_limit_counts_expanded_aliases)
{
	static const struct yml_options opts = {4, 0, 0, true, NULL, false};
	struct yml_doc *doc = load_ok("a: &x [[1]]\nb: [*x]\n", &opts);
	char *msg;

	yml_doc_free(doc);
	msg = load_error("a: &x [[1]]\nb: [[*x]]\n", 21, &opts);
	ck_assert_str_eq(msg, "t.yml:2:6: nesting is deeper than 4 levels (after expanding *x)");
	free(msg);
}
END_TEST

/* "Billion laughs": 10^9 nodes if expanded; refused after the node budget. */
START_TEST(test_yaml_alias_bomb_is_bounded)
{
	static const char bomb[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	                           "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	                           "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	                           "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	                           "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	                           "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	                           "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	                           "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	char *msg = load_error(bomb, sizeof(bomb) - 1, &compose_opts);

	ck_assert_str_eq(msg, "t.yml:6:36: document has more than 1000000 nodes (after expanding "
	                      "aliases)");
	free(msg);
}
END_TEST

START_TEST(test_yaml_aliases_expand_in_compose_mode)
{
	struct yml_doc *doc = load_ok("x-env: &env\n  DATABASE_URL: postgres://db/app\n"
	                              "services:\n  api:\n    environment: *env\n",
	                              &compose_opts);
	const struct yml_node *env =
	    yml_map_get(yml_map_get(yml_map_get(doc->root, "services"), "api"), "environment");

	ck_assert_int_eq(env->type, YML_MAPPING);
	ck_assert_str_eq(yml_map_get(env, "DATABASE_URL")->text, "postgres://db/app");
	/* the value's position is where it is written, under the anchor */
	ck_assert_int_eq(yml_map_get(env, "DATABASE_URL")->line, 2);
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_merge_keys)
{
	/* The example from real compose files: local keys win, then earlier maps. */
	struct yml_doc *doc = load_ok("x-db: &db\n  DATABASE_URL: from-db\n  SHARED: from-db\n"
	                              "x-app: &app\n  WORKERS: 1\n  SHARED: from-app\n"
	                              "api:\n  <<: [*app, *db]\n  WORKERS: 4\n"
	                              "web:\n  <<: *db\n"
	                              "inline:\n  <<: {A: 1}\n  B: 2\n",
	                              &compose_opts);
	const struct yml_node *api = yml_map_get(doc->root, "api");
	const struct yml_node *web = yml_map_get(doc->root, "web");
	const struct yml_node *inl = yml_map_get(doc->root, "inline");

	ck_assert_int_eq(api->count, 3);
	ck_assert_str_eq(api->pairs[0].key->text, "WORKERS");
	ck_assert_str_eq(yml_map_get(api, "WORKERS")->text, "4");
	ck_assert_str_eq(yml_map_get(api, "SHARED")->text, "from-app");
	ck_assert_str_eq(yml_map_get(api, "DATABASE_URL")->text, "from-db");
	ck_assert_ptr_null(yml_map_get(api, "<<"));
	ck_assert_int_eq(web->count, 2);
	ck_assert_str_eq(yml_map_get(web, "SHARED")->text, "from-db");
	ck_assert_int_eq(inl->count, 2);
	ck_assert_str_eq(yml_map_get(inl, "A")->text, "1");
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_merge_keeps_written_duplicates)
{
	struct yml_doc *doc =
	    load_ok("b: &b {k: 0, m: 1}\na:\n  k: 1\n  <<: *b\n  k: 2\n", &compose_opts);
	const struct yml_node *a = yml_map_get(doc->root, "a");

	ck_assert_int_eq(a->count, 3);
	ck_assert_str_eq(a->pairs[0].value->text, "1");
	ck_assert_str_eq(a->pairs[1].value->text, "2");
	ck_assert_int_eq(a->pairs[1].key->line, 5);
	ck_assert_str_eq(a->pairs[2].key->text, "m");
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_merge_key_is_plain_key_in_packs)
{
	struct yml_doc *doc = load_ok("a:\n  <<: x\n  '<<': y\n", NULL);
	const struct yml_node *a = yml_map_get(doc->root, "a");

	ck_assert_int_eq(a->count, 2);
	ck_assert_str_eq(a->pairs[0].key->text, "<<");
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_duplicate_keys_are_kept_for_the_validator)
{
	struct yml_doc *doc = load_ok("a: 1\na: 2\n", NULL);

	ck_assert_int_eq(doc->root->count, 2);
	ck_assert_str_eq(yml_map_get(doc->root, "a")->text, "1");
	ck_assert_int_eq(doc->root->pairs[1].key->line, 2);
	yml_doc_free(doc);
}
END_TEST

START_TEST(test_yaml_load_file)
{
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	char *msg;

	ck_assert_int_eq(
	    yml_load_file(&doc, TESTS_DIR "/packs/override/10-severity.yml", NULL, &err), 0);
	ck_assert_str_eq(yml_map_get(doc->root, "kind")->text, "rules");
	ck_assert_str_eq(doc->path, TESTS_DIR "/packs/override/10-severity.yml");
	yml_doc_free(doc);
	doc = NULL;

	ck_assert_int_eq(yml_load_file(&doc, TESTS_DIR "/packs/no-such-file.yml", NULL, &err), -1);
	msg = error_text(&err);
	ck_assert_str_eq(msg, TESTS_DIR "/packs/no-such-file.yml: cannot open: No such file or "
	                                "directory");
	free(msg);
	ck_assert_int_eq(yml_load_file(&doc, TESTS_DIR "/packs", NULL, &err), -1);
	ck_assert_str_eq(err.msg, "not a regular file");
	el_error_clear(&err);
}
END_TEST

/*
 * Load text with the direct loader, which must take it when direct is true and
 * leave it to libyaml otherwise, and through libyaml's events: where the direct
 * loader takes a document, the trees must be the same.
 */
static void
check_direct(const char *text, size_t len, bool direct)
{
	struct el_error err = EL_ERROR_INIT;
	struct arena arena = ARENA_INIT;
	struct yml_node *root = NULL;
	struct yml_doc *doc = NULL;
	int rc = yml_direct_load(&arena, text, len, YML_DEFAULT_MAX_DEPTH, YML_DEFAULT_MAX_NODES,
	                         false, &root);

	ck_assert_msg(rc == (direct ? 0 : -1), "direct loader %s: %s", rc == 0 ? "took" : "left",
	              text);
	if (rc == 0) {
		ck_assert_msg(yml_load_events(&doc, text, len, "t.yml", NULL, &err) == 0,
		              "libyaml rejects what the direct loader took: %s", text);
		ck_assert_msg(yml_same_tree(root, doc->root), "trees differ: %s", text);
	}
	yml_doc_free(doc);
	el_error_clear(&err);
	arena_free(&arena);
}

/* Documents in the direct loader's YAML: it must take them and build libyaml's tree. */
static const char *const direct_cases[] = {
    "",
    "# only\n\n  # comments\n",
    "a: 1\nb: two words  \nc: x:y#z # a comment\nd: http://h:5432/db?x=1\n",
    "a:\n  b:\n    c: d\n  e: f\ng: h\n",
    "list:\n  - a\n  - b # c\nnext: 1\n",
    "list:\n- a\n- b\nnext: 1\n",
    "rules:\n  - id: a\n    help: x\n  - id: b\n    list:\n    - 1\n    - 2\n",
    "a:\n  -\n    b: 1\n",
    "a:\n  - k:\n    - v\n    j: w\n",
    "empty:\nalso: # comment\n  # more\nlast:",
    "a: [x, \"y\", 'z', [n, {k: v}], {}, []]\n",
    "a: [x,\n  y, # c\n  z,\n]\nb: {p: 1,\n q: \"2\" }\n",
    "a: [-1, x y, a:b]\n",
    "a: \"esc \\\\ \\\" \\/ \\n \\t \\x41 \\u00e9 \\U0001F600 \\0 \\N \\_ \\L \\P \\e\"\n",
    "'single ''quoted''': 'a \"b\" \\c'\n\"\": ''\n",
    "h: |\n  line 1\n\n    indented\n  line 3\n\n\nnext: 1\n",
    "h: |-\n  a\n  b\n\nk: |+\n  a\n\n\nl: |\n  last",
    "h: | # c\n  \n  x\n     \n",
    "l:\n- h: |\n    a\n  k: 2\n",
    "\xc3\xa9t\xc3\xa9: \xe2\x82\xac x\nk: [\xc3\xa9, \xc3\xa9]\n",
    "a:  \"q\"  # c\nb: -x\nc: <<\n",
    "k: v\n..x: y\n",
};

START_TEST(test_yaml_direct_matches_events)
{
	check_direct(direct_cases[_i], strlen(direct_cases[_i]), true);
}
END_TEST

/* YAML the direct loader leaves to libyaml (which gives the tree or the error). */
static const char *const events_cases[] = {
    "- x\n",
    "a: >\n  folded\n",
    "a: |2\n   x\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: plain\n  continued\n",
    "a: \"two\n  lines\"\n",
    "a:\tb\n",
    "a: b\t\n",
    "a: 1\r\nb: 2\r\n",
    "\357\273\277a: 1\n", /* a BOM */
    "---\na: 1\n",
    "a: 1\n...\n",
    "{\"a\": 1}\n",
    "? a\n: b\n",
    "a:\n  -\n  - b\n",
    "a:\n  - - b\n",
    "a: [b: c]\n",
    "a: {b}\n",
    "a: [b\n  c]\n",
    "a: b: c\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: \"\\q\"\n",
    "a: x\x01y\n",
    "a: caf\xe9\n",
    "a: \xc2\x85\n",
};

START_TEST(test_yaml_direct_leaves_the_rest_to_libyaml)
{
	check_direct(events_cases[_i], strlen(events_cases[_i]), false);
}
END_TEST

/* The bundled rule packs are in the direct loader's YAML: start-up never runs libyaml. */
START_TEST(test_yaml_bundled_packs_load_directly)
{
	static const char *const packs[] = {"clients", "connections", "loaders", "plans",
	                                    "pools",   "providers",   "rules",   "secrets"};
	struct el_error err = EL_ERROR_INIT;
	size_t i;

	for (i = 0; i < sizeof(packs) / sizeof(packs[0]); i++) {
		char *path = xasprintf(TESTS_DIR "/../rules/%s.yml", packs[i]);
		char *data = NULL;
		size_t len = 0;

		ck_assert_int_eq(file_read(path, FILE_MAX_READ, &data, &len, &err), FILE_READ_OK);
		check_direct(data, len, true);
		free(data);
		free(path);
	}
}
END_TEST

static Suite *
yaml_suite(void)
{
	Suite *s = suite_create("yaml");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_yaml_positions);
	tcase_add_test(tc, test_yaml_positions_after_multibyte_and_crlf);
	tcase_add_loop_test(tc, test_yaml_scalar_styles, 0,
	                    (int)(sizeof(style_cases) / sizeof(style_cases[0])));
	tcase_add_test(tc, test_yaml_embedded_nul_keeps_length);
	tcase_add_test(tc, test_yaml_json_document);
	tcase_add_test(tc, test_yaml_empty_input_has_no_root);
	tcase_add_loop_test(tc, test_yaml_errors, 0,
	                    (int)(sizeof(error_cases) / sizeof(error_cases[0])));
	tcase_add_test(tc, test_yaml_nul_byte_is_an_error);
	tcase_add_loop_test(tc, test_yaml_depth_limit_on_10000_levels, 0, 3);
	tcase_add_test(tc, test_yaml_depth_limit_counts_expanded_aliases);
	tcase_add_test(tc, test_yaml_alias_bomb_is_bounded);
	tcase_add_test(tc, test_yaml_aliases_expand_in_compose_mode);
	tcase_add_test(tc, test_yaml_merge_keys);
	tcase_add_test(tc, test_yaml_merge_keeps_written_duplicates);
	tcase_add_test(tc, test_yaml_merge_key_is_plain_key_in_packs);
	tcase_add_test(tc, test_yaml_duplicate_keys_are_kept_for_the_validator);
	tcase_add_test(tc, test_yaml_load_file);
	tcase_add_loop_test(tc, test_yaml_direct_matches_events, 0,
	                    (int)(sizeof(direct_cases) / sizeof(direct_cases[0])));
	tcase_add_loop_test(tc, test_yaml_direct_leaves_the_rest_to_libyaml, 0,
	                    (int)(sizeof(events_cases) / sizeof(events_cases[0])));
	tcase_add_test(tc, test_yaml_bundled_packs_load_directly);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(yaml_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
