#include "model/platforms.h"

#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "model/discover.h"
#include "model/loaders.h"

/* Nesting followed when looking for envVars lists in a deploy manifest. */
#define PLATFORMS_MAX_DEPTH 16

static void
inject(struct service *svc, const struct platform_model *pm, const char *key, const char *file,
       int line)
{
	struct injected_var *v;

	if (key == NULL || *key == '\0' || platforms_find(svc, key) != NULL)
		return;
	v = VEC_PUSH_ZERO(&svc->injected);
	v->key = xstrdup(key);
	v->platform = pm->name;
	v->file = xstrdup(file);
	v->line = line;
}

static bool
has_any_key(const struct yml_node *item, const void *vec)
{
	const VEC(char *) *keys = vec;
	size_t i;

	for (i = 0; i < keys->len; i++) {
		if (yml_map_get(item, keys->items[i]) != NULL)
			return true;
	}
	return false;
}

/* envVars: [{key: X, fromDatabase: {...}}] anywhere in the document (services, groups). */
static void
env_vars(struct service *svc, const struct platform_model *pm, const char *file,
	 const struct yml_node *n, int depth)
{
	size_t i, j;

	if (n == NULL || depth > PLATFORMS_MAX_DEPTH)
		return;
	if (n->type == YML_SEQUENCE) {
		for (i = 0; i < n->count; i++)
			env_vars(svc, pm, file, n->items[i], depth + 1);
		return;
	}
	if (n->type != YML_MAPPING)
		return;
	/* A Render service with rootDir: its variables belong to that folder's service. */
	if (yml_map_text(n, "rootDir") != NULL) {
		char *dir = path_dirname(file), *root = path_join(dir, yml_map_text(n, "rootDir"));
		bool other = strcmp(root, svc->path) != 0;

		free(root);
		free(dir);
		if (other)
			return;
	}
	for (i = 0; i < n->count; i++) {
		const struct yml_node *k = n->pairs[i].key, *v = n->pairs[i].value;

		if (yml_scalar_is(k, "envVars") && v->type == YML_SEQUENCE) {
			for (j = 0; j < v->count; j++) {
				const struct yml_node *item = v->items[j];

				if (item->type == YML_MAPPING && has_any_key(item, &pm->env_var_from))
					inject(svc, pm, yml_map_text(item, "key"), file, item->line);
			}
		} else {
			env_vars(svc, pm, file, v, depth + 1);
		}
	}
}

/* app.json "addons": ["heroku-postgresql", {"plan": "heroku-postgresql:essential-0"}]. */
static void
addons(struct service *svc, const struct platform_model *pm, const char *file,
       const struct yml_node *root)
{
	const struct yml_node *list = yml_map_get(root, "addons");
	size_t i, j, k;

	for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
		const struct yml_node *item = list->items[i];
		const char *name = item->type == YML_SCALAR ? item->text : yml_map_text(item, "plan");
		size_t n;

		if (name == NULL)
			continue;
		n = strcspn(name, ":");
		for (j = 0; j < pm->addons.len; j++) {
			const struct platform_addon *a = &pm->addons.items[j];

			if (strlen(a->name) != n || strncmp(a->name, name, n) != 0)
				continue;
			for (k = 0; k < a->keys.len; k++)
				inject(svc, pm, a->keys.items[k], file, item->line);
		}
	}
}

static void
read_manifest(struct scan *s, struct service *svc, const struct platform_model *pm,
	      const char *path)
{
	struct yml_options opts;
	struct el_error err = EL_ERROR_INIT;
	struct yml_doc *doc = NULL;
	const char *data;
	size_t len, i;

	if ((data = scan_source(s, path, &len, &err)) == NULL)
		goto cleanup;
	memset(&opts, 0, sizeof(opts));
	opts.allow_aliases = true; /* render.yaml shares blocks through anchors; budgeted */
	opts.what = path;
	if (yml_load_buffer(&doc, data, len, path, &opts, &err) < 0) {
		scan_diag(s, path, false, "%d:%d: %s", err.line, err.col,
			  err.msg ? err.msg : "unreadable");
		goto cleanup;
	}
	if (doc->root == NULL)
		goto cleanup;
	if (pm->env_var_from.len > 0)
		env_vars(svc, pm, path, doc->root, 0);
	if (pm->addons.len > 0)
		addons(svc, pm, path, doc->root);
	for (i = 0; i < pm->injects.len; i++)
		inject(svc, pm, pm->injects.items[i], path, 1);
cleanup:
	yml_doc_free(doc);
	el_error_clear(&err);
}

void
platforms_detect(struct scan *s, struct service *svc)
{
	size_t i = 0, j = 0;

	if (s->loaders == NULL || s->loaders->platforms.len == 0)
		return;
	/*
	 * A manifest at the root deploys every service; elsewhere, its own: the
	 * root's files and the service's, merged in walk order (both are sorted).
	 */
	while (i < s->top_files.len || j < svc->files.len) {
		size_t k;
		const struct walk_entry *e;
		const char *base;
		const struct platform_model *pm;

		if (j == svc->files.len ||
		    (i < s->top_files.len && s->top_files.items[i] <= svc->files.items[j])) {
			k = s->top_files.items[i++];
			if (j < svc->files.len && svc->files.items[j] == k)
				j++;
		} else {
			k = svc->files.items[j++];
		}
		e = &s->walk->entries[k];
		if (e->kind != SCAN_FILE_DEPLOY && e->kind != SCAN_FILE_CONFIG)
			continue;
		base = strrchr(e->path, '/');
		base = base ? base + 1 : e->path;
		if ((pm = loaders_platform(s->loaders, base)) != NULL)
			read_manifest(s, svc, pm, e->path);
	}
}

const struct injected_var *
platforms_find(const struct service *svc, const char *key)
{
	size_t i;

	for (i = 0; i < svc->injected.len; i++) {
		if (strcmp(svc->injected.items[i].key, key) == 0)
			return &svc->injected.items[i];
	}
	return NULL;
}
