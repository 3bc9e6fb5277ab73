/* Content-keyed baselines: load, apply, write (see baseline.h). */
#include "report/baseline.h"

#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/xalloc.h"

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

char *
baseline_value(const char *value_class, const char *line_text)
{
	const char *p = line_text ? line_text : "";
	size_t len;

	if (value_class != NULL && value_class[0] != '\0')
		return xasprintf("class:%s", value_class);
	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return xasprintf("line:%016llx",
			 (unsigned long long)hash_fnv1a(HASH_FNV_SEED, p, len));
}

/* A string field: required ones must be non-empty scalars; optional ones may be null. */
static int
get_string(const struct yml_node *map, const char *name, bool required, char **out,
	   const char *path, struct el_error *err)
{
	const struct yml_node *n = yml_map_get(map, name);

	*out = NULL;
	if (n == NULL || (n->type == YML_SCALAR && n->style == YML_PLAIN && yml_is_null(n))) {
		if (!required)
			return 0;
		return el_error_set(err, path, map->line, map->col,
				    "baseline entry without \"%s\"", name);
	}
	if (n->type != YML_SCALAR || strlen(n->text) != n->len)
		return el_error_set(err, path, n->line, n->col, "\"%s\" must be a string, not %s",
				    name, yml_kind_name(n));
	if (n->len == 0)
		return el_error_set(err, path, n->line, n->col, "\"%s\" must not be empty", name);
	*out = xstrdup(n->text);
	return 0;
}

static void
entry_free(struct baseline_entry *e)
{
	free(e->rule);
	free(e->file);
	free(e->service);
	free(e->key);
	free(e->value);
}

int
baseline_load(struct baseline **out, const char *path, struct el_error *err)
{
	struct yml_doc *doc = NULL;
	struct baseline *b = xcalloc(1, sizeof(*b));
	const struct yml_node *root, *v, *entries;
	size_t i;
	int rc = -1;

	b->path = xstrdup(path);
	if (yml_load_file(&doc, path, NULL, err) != 0)
		goto cleanup;
	root = doc->root;
	if (root == NULL || root->type != YML_MAPPING) {
		el_error_set(err, path, root ? root->line : 1, root ? root->col : 1,
			     "a baseline must be a JSON object (write one with --write-baseline)");
		goto cleanup;
	}
	v = yml_map_get(root, "version");
	if (v == NULL || !yml_scalar_is(v, "1")) {
		el_error_set(err, path, v ? v->line : root->line, v ? v->col : root->col,
			     "unsupported baseline version (expected 1)");
		goto cleanup;
	}
	entries = yml_map_get(root, "entries");
	if (entries == NULL || entries->type != YML_SEQUENCE) {
		el_error_set(err, path, entries ? entries->line : root->line,
			     entries ? entries->col : root->col,
			     "\"entries\" must be a list");
		goto cleanup;
	}
	for (i = 0; i < entries->count; i++) {
		const struct yml_node *e = entries->items[i], *c;
		struct baseline_entry *be;
		char *end = NULL;
		long count = 1;

		if (e->type != YML_MAPPING) {
			el_error_set(err, path, e->line, e->col,
				     "a baseline entry must be an object, not %s", yml_kind_name(e));
			goto cleanup;
		}
		be = VEC_PUSH_ZERO(&b->entries);
		be->line = e->line;
		be->col = e->col;
		if (get_string(e, "rule", true, &be->rule, path, err) != 0 ||
		    get_string(e, "file", true, &be->file, path, err) != 0 ||
		    get_string(e, "service", false, &be->service, path, err) != 0 ||
		    get_string(e, "key", false, &be->key, path, err) != 0 ||
		    get_string(e, "value", true, &be->value, path, err) != 0)
			goto cleanup;
		c = yml_map_get(e, "count");
		if (c != NULL) {
			if (c->type == YML_SCALAR && c->style == YML_PLAIN)
				count = strtol(c->text, &end, 10);
			if (c->type != YML_SCALAR || c->style != YML_PLAIN || end == c->text ||
			    *end != '\0' || count < 1 || count > 1000000) {
				el_error_set(err, path, c->line, c->col,
					     "\"count\" must be a positive integer");
				goto cleanup;
			}
		}
		be->count = be->remaining = (int)count;
	}
	*out = b;
	b = NULL;
	rc = 0;
cleanup:
	yml_doc_free(doc);
	baseline_free(b);
	return rc;
}

void
baseline_free(struct baseline *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->entries.len; i++)
		entry_free(&b->entries.items[i]);
	VEC_FREE(&b->entries);
	free(b->path);
	free(b);
}

static bool
entry_matches(const struct baseline_entry *e, const struct finding *f, const char *value)
{
	return strcmp(e->rule, f->rule) == 0 && streq_null(e->file, f->loc.file) &&
	       streq_null(e->service, f->service) && streq_null(e->key, f->key) &&
	       streq_null(e->value, value);
}

size_t
baseline_apply(struct baseline *b, struct finding_list *fl, char *const *values)
{
	size_t i, j, n = 0;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		if (f->suppressed)
			continue;
		for (j = 0; j < b->entries.len; j++) {
			struct baseline_entry *e = &b->entries.items[j];

			if (e->remaining > 0 && entry_matches(e, f, values[i])) {
				e->remaining--;
				f->suppressed = true;
				n++;
				break;
			}
		}
	}
	return n;
}

size_t
baseline_write(struct buf *out, const struct finding_list *fl, char *const *values)
{
	VEC(struct baseline_entry) es = {0};
	struct jw w;
	size_t i, j;

	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		struct baseline_entry *e = NULL;

		if (f->suppressed)
			continue;
		for (j = 0; j < es.len; j++) {
			if (entry_matches(&es.items[j], f, values[i])) {
				e = &es.items[j];
				break;
			}
		}
		if (e == NULL) {
			e = VEC_PUSH_ZERO(&es);
			e->rule = xstrdup(f->rule);
			e->file = xstrdup(f->loc.file);
			e->service = f->service ? xstrdup(f->service) : NULL;
			e->key = f->key ? xstrdup(f->key) : NULL;
			e->value = xstrdup(values[i]);
		}
		e->count++;
	}
	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_kstr(&w, "tool", "envlint");
	jw_key(&w, "entries");
	jw_arr_begin(&w);
	for (i = 0; i < es.len; i++) {
		const struct baseline_entry *e = &es.items[i];

		jw_obj_begin(&w);
		jw_kstr(&w, "rule", e->rule);
		jw_kstr(&w, "file", e->file);
		jw_kstr(&w, "service", e->service);
		jw_kstr(&w, "key", e->key);
		jw_kstr(&w, "value", e->value);
		jw_kint(&w, "count", e->count);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	buf_putc(out, '\n');
	i = es.len;
	for (j = 0; j < es.len; j++)
		entry_free(&es.items[j]);
	VEC_FREE(&es);
	return i;
}
