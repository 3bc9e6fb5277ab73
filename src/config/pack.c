#include "config/pack.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/pack_budget.h"
#include "config/pack_connections.h"
#include "config/schema.h"
#include "config/yaml.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/vec.h"

/* Packs are small and hand-written: these bounds only stop hostile input. */
#define PACK_MAX_DEPTH 16
#define PACK_MAX_NODES 200000u
#define PACK_MAX_BYTES (4u * 1024u * 1024u)
#define PACK_VERSION 1

/*
 * The validated documents of one kind that a later stage turns into structs,
 * with the regexes validation compiled from each (packs_regex hands them out).
 */
struct kept_docs {
	VEC(struct yml_doc *) docs;
	VEC(const struct yml_node *) roots;
	VEC(const char *) paths;
	VEC(struct schema_ctx *) regexes;
};

struct packs {
	VEC(struct rule_meta) rules; /* sorted by id between loads */
	VEC(struct rx *) secret_keys;
	VEC(struct rx *) secret_except;
	VEC(char *) files;
	struct kept_docs *kept; /* one per entry of pack_kinds[] */
	struct secret_memo *secret_memo; /* answers of packs_key_is_secret, by key */
};

/*
 * packs_key_is_secret's answers: reports ask about the same few keys
 * thousands of times on a large repository, and each answer runs every
 * secret-key regex. Open addressing; a pure cache of the packs' answer.
 */
struct secret_memo {
	struct secret_memo_slot {
		char *key;
		bool secret;
	} *slots;
	size_t cap, used;
};

static struct secret_memo_slot *
secret_memo_slot(struct secret_memo *m, const char *key)
{
	size_t i = (size_t)hash_str(HASH_FNV_SEED, key) & (m->cap - 1);

	while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static void
secret_memo_free(struct secret_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

/*
 * One pack kind: the schema of its files and the function that merges a
 * validated tree into p. A kind without a load function keeps its validated
 * documents for the stage that owns their meaning (packs_kind_docs), so that
 * config/ never depends on model/.
 */
struct pack_kind {
	const char *name;
	const struct schema_type *schema;
	int (*load)(struct packs *p, const struct yml_node *root, const char *path,
	            struct schema_ctx *sc, struct el_error *err);
};

/* ---- kind: rules (rule metadata shown by `envlint rules ID` and in SARIF) ---- */

static const char *const severity_names[] = {"info", "warning", "error", NULL};
static const char *const kind_rules_name[] = {"rules", NULL};
static const char *const kind_secrets_name[] = {"secrets", NULL};
static const struct schema_type severity_type = {.kind = SCHEMA_ENUM,
                                                 .enum_values = severity_names};
static const struct schema_type version_type = {.kind = SCHEMA_INT};

static const struct schema_field rule_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"severity", &severity_type, false},
    {"severity_text", &schema_nonempty_string, false},
    {"summary", &schema_nonempty_string, false},
    {"help", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type rule_type = {.kind = SCHEMA_OBJECT, .fields = rule_fields};
static const struct schema_type rule_list_type = {.kind = SCHEMA_LIST, .item = &rule_type};
static const struct schema_type kind_rules_type = {.kind = SCHEMA_ENUM,
                                                   .enum_values = kind_rules_name};
static const struct schema_field rules_pack_fields[] = {
    {"kind", &kind_rules_type, true},
    {"version", &version_type, true},
    {"rules", &rule_list_type, true},
    {NULL, NULL, false},
};
static const struct schema_type rules_pack_type = {.kind = SCHEMA_OBJECT,
                                                   .fields = rules_pack_fields};

static int
cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct rule_meta *)a)->id, ((const struct rule_meta *)b)->id);
}

static struct rule_meta *
find_rule(const struct packs *p, size_t n, const char *id)
{
	struct rule_meta key = {.id = (char *)id};

	if (n == 0)
		return NULL;
	return bsearch(&key, p->rules.items, n, sizeof(key), cmp_rule);
}

static void
replace_str(char **dst, const struct yml_node *n)
{
	if (n == NULL)
		return;
	free(*dst);
	*dst = xstrdup(n->text);
}

static void
rule_meta_clear(struct rule_meta *r)
{
	free(r->id);
	free(r->severity_text);
	free(r->summary);
	free(r->help);
	free(r->file);
}

/* Set r's fields from entry e, which schema_check has validated. */
static void
rule_meta_set(struct rule_meta *r, const struct yml_node *e, const char *path)
{
	const struct yml_node *sev = yml_map_get(e, "severity");
	enum severity s;

	if (sev != NULL && severity_from_name(sev->text, &s) == 0) {
		r->severity = s;
		/* A new default severity makes the old wording ("error for connection
		 * keys, else warning") wrong unless the pack restates it. */
		free(r->severity_text);
		r->severity_text = NULL;
	}
	replace_str(&r->severity_text, yml_map_get(e, "severity_text"));
	replace_str(&r->summary, yml_map_get(e, "summary"));
	replace_str(&r->help, yml_map_get(e, "help"));
	free(r->file);
	r->file = xstrdup(path);
	r->line = e->line;
}

static int
cmp_entry_id(const void *a, const void *b)
{
	const struct yml_node *ea = *(const struct yml_node *const *)a;
	const struct yml_node *eb = *(const struct yml_node *const *)b;
	int c = strcmp(yml_map_get(ea, "id")->text, yml_map_get(eb, "id")->text);

	return c != 0 ? c : (ea->line > eb->line) - (ea->line < eb->line);
}

/* An id listed twice in one pack is a mistake, not an override: report the second. */
static int
check_unique_ids(const struct yml_node *list, const char *path, struct el_error *err)
{
	const struct yml_node **sorted, *dup = NULL, *first = NULL;
	size_t i;

	if (list->count < 2)
		return 0;
	sorted = xcalloc(list->count, sizeof(*sorted));
	for (i = 0; i < list->count; i++)
		sorted[i] = list->items[i];
	qsort(sorted, list->count, sizeof(*sorted), cmp_entry_id);
	for (i = 1; i < list->count; i++) {
		if (strcmp(yml_map_get(sorted[i - 1], "id")->text,
		           yml_map_get(sorted[i], "id")->text) == 0 &&
		    (dup == NULL || sorted[i]->line < dup->line)) {
			dup = sorted[i];
			first = sorted[i - 1];
		}
	}
	free(sorted);
	if (dup == NULL)
		return 0;
	/* sorted[i - 1] may be a second copy itself when an id appears three times. */
	for (i = 0; i < list->count; i++)
		if (strcmp(yml_map_get(list->items[i], "id")->text, yml_map_get(dup, "id")->text) ==
		    0) {
			first = list->items[i];
			break;
		}
	return el_error_set(err, path, dup->line, dup->col,
	                    "rule \"%s\" appears twice in this pack (first at line %d)",
	                    yml_map_get(dup, "id")->text, first->line);
}

static int
load_rules(struct packs *p, const struct yml_node *root, const char *path, struct schema_ctx *sc,
           struct el_error *err)
{
	const struct yml_node *list = yml_map_get(root, "rules");
	size_t old = p->rules.len, i;

	if (check_unique_ids(list, path, err) < 0)
		return -1;
	/* New rules need their documentation; overrides may change any part. */
	for (i = 0; i < list->count; i++) {
		const struct yml_node *e = list->items[i];
		const char *id = yml_map_get(e, "id")->text;

		if (find_rule(p, old, id) == NULL &&
		    (yml_map_get(e, "severity") == NULL || yml_map_get(e, "summary") == NULL))
			return el_error_set(err, path, e->line, e->col,
			                    "rule \"%s\" is not defined by an earlier pack, so it "
			                    "needs severity and summary",
			                    id);
	}
	for (i = 0; i < list->count; i++) {
		const struct yml_node *e = list->items[i];
		const char *id = yml_map_get(e, "id")->text;
		struct rule_meta *r = find_rule(p, old, id);

		if (r == NULL) {
			r = VEC_PUSH_ZERO(&p->rules);
			r->id = xstrdup(id);
		}
		rule_meta_set(r, e, path);
		if (r->help == NULL)
			r->help = xstrdup("");
	}
	if (p->rules.len > 1) /* items is NULL while empty: qsort(NULL, 0) is undefined */
		qsort(p->rules.items, p->rules.len, sizeof(*p->rules.items), cmp_rule);
	return 0;
}

/* ---- kind: secrets (key names whose values are redacted) ---- */

static const struct schema_type regex_list_type = {.kind = SCHEMA_LIST, .item = &schema_regex};
static const struct schema_type nonempty_regex_list_type = {
    .kind = SCHEMA_LIST, .item = &schema_regex, .nonempty = true};
static const struct schema_type kind_secrets_type = {.kind = SCHEMA_ENUM,
                                                     .enum_values = kind_secrets_name};
static const struct schema_field secrets_pack_fields[] = {
    {"kind", &kind_secrets_type, true},
    {"version", &version_type, true},
    {"keys", &nonempty_regex_list_type, true},
    {"except", &regex_list_type, false},
    {NULL, NULL, false},
};
static const struct schema_type secrets_pack_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = secrets_pack_fields};

static int
load_secrets(struct packs *p, const struct yml_node *root, const char *path, struct schema_ctx *sc,
             struct el_error *err)
{
	const struct yml_node *keys = yml_map_get(root, "keys");
	const struct yml_node *except = yml_map_get(root, "except");
	size_t i;

	/* New patterns: answers given so far may change. */
	secret_memo_free(p->secret_memo);
	p->secret_memo = NULL;
	for (i = 0; i < keys->count; i++)
		VEC_PUSH(&p->secret_keys, schema_regex_of(sc, keys->items[i]));
	for (i = 0; except != NULL && i < except->count; i++)
		VEC_PUSH(&p->secret_except, schema_regex_of(sc, except->items[i]));
	return 0;
}

/* ---- kind: loaders (env loader models; built into structs by model/loaders.c) ---- */

static const char *const order_names[] = {"first-wins", "last-wins", NULL};
static const char *const anchor_names[] = {"cwd", "service", "file", "walk-up-from-file", NULL};
static const char *const kind_loaders_name[] = {"loaders", NULL};
static const struct schema_type order_type = {.kind = SCHEMA_ENUM, .enum_values = order_names};
static const struct schema_type anchor_type = {.kind = SCHEMA_ENUM, .enum_values = anchor_names};
static const struct schema_type string_list_type = {.kind = SCHEMA_LIST, .item = &schema_string};
static const struct schema_type any_type = {.kind = SCHEMA_ANY};
static const struct schema_type major_type = {.kind = SCHEMA_INT, .min = 0, .max = 1000};

static const struct schema_field loader_pattern_fields[] = {
    {"id", &schema_nonempty_string, false},
    {"lang", &any_type, false}, /* a name or a list of names */
    {"literal", &schema_string, false},
    {"regex", &schema_nonempty_string, true}, /* compiled by model/loaders.c */
    {"requires", &schema_string, false},
    {"call-args", &schema_bool, false},
    {"value-after", &schema_bool, false},
    {"group-by-line", &schema_bool, false},
    {"find-dotenv", &schema_string, false},
    {"wraps", &schema_nonempty_string, false},
    {"order", &order_type, false},
    {"default-files", &string_list_type, false},
    {"path", &string_list_type, false},
    {"dir", &string_list_type, false},
    {"override", &string_list_type, false},
    {"disable", &string_list_type, false},
    {"expand", &string_list_type, false},
    {NULL, NULL, false},
};
static const struct schema_type loader_pattern_type = {.kind = SCHEMA_OBJECT,
                                                       .fields = loader_pattern_fields};
static const struct schema_type loader_pattern_list = {.kind = SCHEMA_LIST,
                                                       .item = &loader_pattern_type};
static const char *const wrap_parser_names[] = {"minimist", "commander", NULL};
static const struct schema_type wrap_parser_type = {.kind = SCHEMA_ENUM,
                                                    .enum_values = wrap_parser_names};
static const struct schema_field wrapper_option_fields[] = {
    {"file", &string_list_type, false},     {"dir", &string_list_type, false},
    {"override", &string_list_type, false}, {"no-override", &string_list_type, false},
    {"cascade", &string_list_type, false},  {"var", &string_list_type, false},
    {"print", &string_list_type, false},    {"literal", &string_list_type, false},
    {"expand", &string_list_type, false},   {"command", &string_list_type, false},
    {"value", &string_list_type, false},    {"unmodelled", &string_list_type, false},
    {NULL, NULL, false},
};
static const struct schema_type wrapper_option_type = {.kind = SCHEMA_OBJECT,
                                                       .fields = wrapper_option_fields};
static const struct schema_field wrapper_fields[] = {
    {"commands", &string_list_type, true},
    {"subcommand", &schema_nonempty_string, false},
    {"parser", &wrap_parser_type, false},
    {"options", &wrapper_option_type, false},
    {"literal-dialect", &schema_nonempty_string, false},
    {"cascade-env", &string_list_type, false},
    {"cascade-bare", &string_list_type, false},
    {"secrets", &schema_bool, false},
    {"required", &schema_bool, false},
    {NULL, NULL, false},
};
static const struct schema_type wrapper_type = {.kind = SCHEMA_OBJECT, .fields = wrapper_fields};
static const struct schema_field opaque_value_fields[] = {
    {"prefix", &schema_nonempty_string, true},
    {"what", &schema_nonempty_string, true},
    {NULL, NULL, false},
};
static const struct schema_type opaque_value_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = opaque_value_fields};
static const struct schema_type opaque_value_list = {.kind = SCHEMA_LIST,
                                                     .item = &opaque_value_type};
static const struct schema_field loader_fields[] = {
    {"name", &schema_nonempty_string, true},     {"dialect", &schema_nonempty_string, false},
    {"runtime", &schema_nonempty_string, false}, {"packages", &string_list_type, false},
    {"max-major", &major_type, false},           {"order", &order_type, false},
    {"override", &schema_bool, false},           {"files", &string_list_type, false},
    {"skip-in-test", &string_list_type, false},  {"anchor", &anchor_type, false},
    {"override-order", &order_type, false},
    {"framework", &schema_bool, false},          {"lowest", &schema_bool, false},
    {"requires-file", &schema_string, false},    {"exposes-prefix", &schema_string, false},
    {"missing-effect", &schema_string, false}, {"missing-error", &schema_string, false},
    {"missing-fix", &schema_string, false},
    {"script", &schema_nonempty_string, false}, /* a regex, compiled by model/loaders.c */
    {"wrapper", &wrapper_type, false},
    {"start-script", &schema_bool, false},
    {"dev-group-not-in-production", &schema_bool, false},
    {"detect", &loader_pattern_list, false},     {NULL, NULL, false},
};
static const struct schema_type loader_type = {.kind = SCHEMA_OBJECT, .fields = loader_fields};
static const struct schema_type loader_list = {.kind = SCHEMA_LIST, .item = &loader_type};
static const struct schema_field read_pattern_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"lang", &any_type, false},
    {"literal", &schema_string, false},
    {"regex", &schema_nonempty_string, true}, /* compiled by model/loaders.c */
    {"case-insensitive", &schema_bool, false},
    {"class-body", &schema_bool, false},
    {NULL, NULL, false},
};
static const struct schema_type read_pattern_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = read_pattern_fields};
static const struct schema_type read_pattern_list = {.kind = SCHEMA_LIST,
                                                     .item = &read_pattern_type};
static const struct schema_field runtime_scripts_fields[] = {
    {"development", &string_list_type, false},
    {"production", &string_list_type, false},
    {"test", &string_list_type, false},
    {NULL, NULL, false},
};
static const struct schema_type runtime_scripts_type = {.kind = SCHEMA_OBJECT,
                                                        .fields = runtime_scripts_fields};
static const struct schema_type addons_type = {.kind = SCHEMA_MAP, .item = &string_list_type};
static const struct schema_field platform_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"file", &schema_nonempty_string, true},
    {"env-var-from", &string_list_type, false},
    {"addons", &addons_type, false},
    {"injects", &string_list_type, false},
    {NULL, NULL, false},
};
static const struct schema_type platform_type = {.kind = SCHEMA_OBJECT, .fields = platform_fields};
static const struct schema_type platform_list = {.kind = SCHEMA_LIST, .item = &platform_type};
static const struct schema_type kind_loaders_type = {.kind = SCHEMA_ENUM,
                                                     .enum_values = kind_loaders_name};
static const struct schema_field loaders_pack_fields[] = {
    {"kind", &kind_loaders_type, true},
    {"version", &version_type, true},
    {"runtime-scripts", &runtime_scripts_type, false},
    {"non-runtime-paths", &string_list_type, false},
    {"test-paths", &string_list_type, false},
    {"opaque-values", &opaque_value_list, false},
    {"loaders", &loader_list, false},
    {"reads", &read_pattern_list, false},
    {"defaults", &read_pattern_list, false},
    {"platforms", &platform_list, false},
    {"placeholder-values", &string_list_type, false}, /* regexes, compiled by model/loaders.c */
    {NULL, NULL, false},
};
static const struct schema_type loaders_pack_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = loaders_pack_fields};

/* ---- the registry: adding a pack kind is adding a row ---- */

static const struct pack_kind pack_kinds[] = {
    {"rules", &rules_pack_type, load_rules},
    {"secrets", &secrets_pack_type, load_secrets},
    {"loaders", &loaders_pack_type, NULL},
    {"providers", &pack_providers_schema, NULL},
    {"clients", &pack_clients_schema, NULL},
    {"connections", &pack_connections_schema, NULL},
    {"pools", &pack_budget_pools_type, NULL},
    {"plans", &pack_budget_plans_type, NULL},
};

#define N_PACK_KINDS (sizeof(pack_kinds) / sizeof(pack_kinds[0]))

struct packs *
packs_new(void)
{
	struct packs *p = xcalloc(1, sizeof(*p));

	p->kept = xcalloc(N_PACK_KINDS, sizeof(*p->kept));
	return p;
}

void
packs_free(struct packs *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->rules.len; i++)
		rule_meta_clear(&p->rules.items[i]);
	VEC_FREE(&p->rules);
	for (i = 0; i < p->secret_keys.len; i++)
		rx_free(p->secret_keys.items[i]);
	VEC_FREE(&p->secret_keys);
	for (i = 0; i < p->secret_except.len; i++)
		rx_free(p->secret_except.items[i]);
	VEC_FREE(&p->secret_except);
	secret_memo_free(p->secret_memo);
	for (i = 0; i < p->files.len; i++)
		free(p->files.items[i]);
	VEC_FREE(&p->files);
	for (i = 0; i < N_PACK_KINDS; i++) {
		size_t j;

		for (j = 0; j < p->kept[i].docs.len; j++) {
			yml_doc_free(p->kept[i].docs.items[j]);
			schema_ctx_free(p->kept[i].regexes.items[j]);
		}
		VEC_FREE(&p->kept[i].docs);
		VEC_FREE(&p->kept[i].regexes);
		VEC_FREE(&p->kept[i].roots);
		VEC_FREE(&p->kept[i].paths);
	}
	free(p->kept);
	free(p);
}

static const struct pack_kind *
find_kind(const struct yml_node *kind)
{
	size_t i;

	for (i = 0; i < N_PACK_KINDS; i++)
		if (yml_scalar_is(kind, pack_kinds[i].name))
			return &pack_kinds[i];
	return NULL;
}

/* The kind and version header every pack starts with. */
static int
check_header(const struct yml_node *root, const char *path, const struct pack_kind **out,
             struct el_error *err)
{
	const struct yml_node *kind, *version;
	struct buf known = BUF_INIT;
	long v;
	size_t i;

	if (root == NULL || yml_is_null(root))
		return el_error_set(err, path, 1, 1,
		                    "empty rule pack (expected a mapping with kind: and version:)");
	if (root->type != YML_MAPPING)
		return el_error_set(err, path, root->line, root->col,
		                    "expected a mapping with kind: and version:, got %s",
		                    yml_kind_name(root));
	kind = yml_map_get(root, "kind");
	if (kind == NULL)
		return el_error_set(err, path, root->line, root->col,
		                    "missing required key \"kind\"");
	*out = find_kind(kind);
	if (*out == NULL) {
		for (i = 0; i < N_PACK_KINDS; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", pack_kinds[i].name);
		el_error_set(
		    err, path, kind->line, kind->col, "unknown pack kind \"%s\" (known kinds: %s)",
		    kind->type == YML_SCALAR ? kind->text : yml_kind_name(kind), buf_cstr(&known));
		buf_free(&known);
		return -1;
	}
	version = yml_map_get(root, "version");
	if (version == NULL)
		return el_error_set(err, path, root->line, root->col,
		                    "missing required key \"version\"");
	if (schema_scalar_long(version, &v) < 0)
		return el_error_set(err, path, version->line, version->col,
		                    "expected version: %d, got %s", PACK_VERSION,
		                    yml_kind_name(version));
	if (v != PACK_VERSION)
		return el_error_set(err, path, version->line, version->col,
		                    "unsupported pack version %ld (this envlint reads version %d)",
		                    v, PACK_VERSION);
	return 0;
}

int
packs_load_file(struct packs *p, const char *path, struct el_error *err)
{
	struct yml_options opts = {PACK_MAX_DEPTH, PACK_MAX_NODES, PACK_MAX_BYTES, false,
	                           "rule packs", true};
	const struct pack_kind *kind = NULL;
	struct yml_doc *doc = NULL;
	struct schema_ctx *sc = NULL;
	int rc = -1;

	if (yml_load_file(&doc, path, &opts, err) < 0)
		goto cleanup;
	if (check_header(doc->root, path, &kind, err) < 0)
		goto cleanup;
	sc = schema_ctx_new(path);
	if (schema_check(sc, kind->schema, doc->root, err) < 0)
		goto cleanup;
	if (kind->load != NULL) {
		if (kind->load(p, doc->root, path, sc, err) < 0)
			goto cleanup;
	} else {
		struct kept_docs *k = &p->kept[kind - pack_kinds];

		VEC_PUSH(&k->docs, doc);
		VEC_PUSH(&k->roots, doc->root);
		VEC_PUSH(&k->paths, doc->path);
		VEC_PUSH(&k->regexes, sc);
		doc = NULL;
		sc = NULL;
	}
	VEC_PUSH(&p->files, xstrdup(path));
	rc = 0;
cleanup:
	schema_ctx_free(sc);
	yml_doc_free(doc);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static char *
join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	return xasprintf("%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
}

int
packs_load_dir(struct packs *p, const char *dir, struct el_error *err)
{
	VEC(char *) names = {0};
	struct dirent *de;
	DIR *d;
	size_t i;
	int rc = -1;

	d = opendir(dir);
	if (d == NULL)
		return el_error_set(err, dir, 0, 0, "cannot open rules directory: %s",
		                    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".yml"))
			continue;
		path = join_path(dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			free(path);
		else
			VEC_PUSH(&names, path);
	}
	closedir(d);
	if (names.len > 0)
		qsort(names.items, names.len, sizeof(*names.items), cmp_str);
	for (i = 0; i < names.len; i++)
		if (packs_load_file(p, names.items[i], err) < 0)
			goto cleanup;
	rc = 0;
cleanup:
	for (i = 0; i < names.len; i++)
		free(names.items[i]);
	VEC_FREE(&names);
	return rc;
}

int
packs_load(struct packs **out, const char *const *dirs, size_t n, struct el_error *err)
{
	struct packs *p = packs_new();
	size_t i;

	for (i = 0; i < n; i++) {
		if (packs_load_dir(p, dirs[i], err) < 0) {
			packs_free(p);
			return -1;
		}
	}
	*out = p;
	return 0;
}

static bool holds_rules(const char *dir);

/*
 * <exe's folder>/../share/envlint/rules when it holds rules.yml. The ".." is
 * resolved by text (/usr/bin/envlint -> /usr/share/envlint/rules) so messages
 * show a clean path; "." and ".." folders keep a literal "/..".
 */
static char *
installed_rules_dir(const char *exe)
{
	char *dir = xstrdup(exe), *slash, *cand = NULL, *base;

	slash = strrchr(dir, '/');
	if (slash == NULL)
		goto cleanup;
	*slash = '\0';
	base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || base == dir) {
		cand = xasprintf("%s/../share/envlint/rules", dir[0] ? dir : "");
	} else {
		base[0] = '\0';
		cand = xasprintf("%sshare/envlint/rules", dir);
	}
	if (!holds_rules(cand)) {
		free(cand);
		cand = NULL;
	}
cleanup:
	free(dir);
	return cand;
}

static bool
holds_rules(const char *dir)
{
	char *probe = join_path(dir, "rules.yml");
	bool ok = access(probe, R_OK) == 0;

	free(probe);
	return ok;
}

int
packs_default_dir(char **out, const char *argv0, struct el_error *err)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *dir;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((dir = installed_rules_dir(exe)) != NULL)
			goto found;
	}
	/* No /proc: argv0 names the binary when it holds a slash (a PATH lookup
	 * would read the environment, which envlint never does). */
	if (argv0 != NULL && strchr(argv0, '/') != NULL &&
	    (dir = installed_rules_dir(argv0)) != NULL)
		goto found;
#ifdef ENVLINT_SOURCE_RULES_DIR
	if (holds_rules(ENVLINT_SOURCE_RULES_DIR)) {
		dir = xstrdup(ENVLINT_SOURCE_RULES_DIR);
		goto found;
	}
#endif
#ifdef ENVLINT_INSTALL_RULES_DIR
	if (holds_rules(ENVLINT_INSTALL_RULES_DIR)) {
		dir = xstrdup(ENVLINT_INSTALL_RULES_DIR);
		goto found;
	}
#endif
	return el_error_set(err, NULL, 0, 0,
	                    "cannot find the bundled rules (share/envlint/rules next to the "
	                    "executable, or the install prefix); pass --rules DIR");
found:
	*out = dir;
	return 0;
}

const struct rule_meta *
packs_rule_find(const struct packs *p, const char *id)
{
	return find_rule(p, p->rules.len, id);
}

size_t
packs_rule_count(const struct packs *p)
{
	return p->rules.len;
}

const struct rule_meta *
packs_rule_at(const struct packs *p, size_t i)
{
	return i < p->rules.len ? &p->rules.items[i] : NULL;
}

bool
packs_key_is_secret(const struct packs *p, struct rx_ctx *ctx, const char *key)
{
	size_t i, len = strlen(key);
	struct secret_memo *m = p->secret_memo;
	struct secret_memo_slot *slot;
	bool secret = false;

	if (m == NULL)
		m = ((struct packs *)p)->secret_memo = xcalloc(1, sizeof(*m));
	if (m->used * 2 >= m->cap) {
		struct secret_memo_slot *old = m->slots;
		size_t oldcap = m->cap;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		for (i = 0; i < oldcap; i++)
			if (old[i].key != NULL)
				*secret_memo_slot(m, old[i].key) = old[i];
		free(old);
	}
	slot = secret_memo_slot(m, key);
	if (slot->key != NULL)
		return slot->secret;
	for (i = 0; i < p->secret_keys.len && !secret; i++)
		/* A limit hit is treated as a match: redacting too much is the safe side. */
		secret = rx_match(ctx, p->secret_keys.items[i], key, len, 0, NULL) != RX_NOMATCH;
	for (i = 0; i < p->secret_except.len && secret; i++)
		if (rx_match(ctx, p->secret_except.items[i], key, len, 0, NULL) == RX_MATCH)
			secret = false;
	slot->key = xstrdup(key);
	slot->secret = secret;
	m->used++;
	return secret;
}

size_t
packs_file_count(const struct packs *p)
{
	return p->files.len;
}

const char *
packs_file_at(const struct packs *p, size_t i)
{
	return i < p->files.len ? p->files.items[i] : NULL;
}

int
packs_kind_docs(const struct packs *p, const char *kind, const struct yml_node *const **roots,
                const char *const **paths, size_t *n)
{
	size_t i;

	for (i = 0; i < N_PACK_KINDS; i++) {
		if (strcmp(pack_kinds[i].name, kind) == 0 && pack_kinds[i].load == NULL) {
			*roots = p->kept[i].roots.items;
			*paths = p->kept[i].paths.items;
			*n = p->kept[i].roots.len;
			return 0;
		}
	}
	return -1;
}

int
packs_regex(const struct packs *p, struct rx **out, const struct yml_node *n, const char *path,
            struct el_error *err)
{
	size_t i, j;

	for (i = 0; p != NULL && i < N_PACK_KINDS; i++) {
		for (j = 0; j < p->kept[i].regexes.len; j++) {
			if ((*out = schema_regex_of(p->kept[i].regexes.items[j], n)) != NULL)
				return 0;
		}
	}
	return rx_compile(out, n->text, NULL, path, n->line, n->col, err);
}
