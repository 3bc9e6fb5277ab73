/*
 * The `pools` rule pack as typed structs: clients, their detect patterns
 * (compiled here), env-read value patterns and the machine's CPU counts
 * (part of model/pools.h).
 */
#include "model/pools.h"

#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "model/loaders.h"

/* ---- loading the pack ---- */

static int
parse_refs(const struct yml_node *n, void *vec, const char *path, struct el_error *err)
{
	VEC(struct pool_ref) *v = vec;
	static const struct {
		const char *prefix;
		enum pool_ref_kind kind;
	} kinds[] = {{"prop:", POOL_REF_PROP},
	             {"kw:", POOL_REF_KW},
	             {"pos:", POOL_REF_POS},
	             {"group:", POOL_REF_GROUP},
	             {"url:", POOL_REF_URL}};
	size_t i, k;

	for (i = 0; n != NULL && n->type == YML_SEQUENCE && i < n->count; i++) {
		const struct yml_node *item = n->items[i];
		struct pool_ref r = {0};

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			size_t len = strlen(kinds[k].prefix);

			if (strncmp(item->text, kinds[k].prefix, len) == 0 && item->text[len]) {
				r.kind = kinds[k].kind;
				if (r.kind == POOL_REF_POS)
					r.pos = atoi(item->text + len);
				else
					r.name = xstrdup(item->text + len);
				break;
			}
		}
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return el_error_set(err, path, item->line, item->col,
			                    "unknown value reference \"%s\" (expected prop:NAME, "
			                    "kw:NAME, pos:N, group:NAME or url:PARAM)",
			                    item->text);
		VEC_PUSH(v, r);
	}
	return 0;
}

static void
free_refs(void *vec)
{
	VEC(struct pool_ref) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++)
		free(v->items[i].name);
	VEC_FREE(v);
}

static int
check_formula(const char *f, const struct yml_node *n, const char *path, struct el_error *err)
{
	struct pool_vars vars = {1, 1, 1};
	long v;
	bool unb;

	if (f != NULL && pools_formula_eval(f, &vars, &v, &unb) != 0)
		return el_error_set(err, path, n->line, n->col,
		                    "cannot read default \"%s\" (expected an integer, cpus, "
		                    "physical_cpus, threads, + * max(a, b), or unbounded)",
		                    f);
	return 0;
}

static int
load_pattern(struct pool_set *ps, const struct packs *packs, const struct pool_client *pc,
             const struct yml_node *n, const char *path, struct el_error *err)
{
	struct pool_pattern *pp = xcalloc(1, sizeof(*pp));
	const struct yml_node *size, *unb, *role;
	struct rx *rx = NULL;
	size_t i;

	VEC_PUSH(&ps->patterns, pp);
	pp->client = pc;
	pp->file = xstrdup(path);
	pp->line = n->line;
	pp->sp.id = xstrdup(yml_map_text(n, "id"));
	pp->sp.langs = loaders_langs(yml_map_get(n, "lang"));
	pp->sp.literal = xstrdup(yml_map_text(n, "literal"));
	pp->sp.call_args = yml_map_true(n, "call-args");
	role = yml_map_get(n, "role");
	pp->set = role != NULL && strcmp(role->text, "set") == 0;
	pp->requires = xstrdup(yml_map_text(n, "requires"));
	pp->url_key_group = xstrdup(yml_map_text(n, "url-key"));
	pp->zero_unbounded = yml_map_true(n, "zero-unbounded");
	pp->once_per_file = yml_map_true(n, "once-per-file");
	yml_strings(yml_map_get(n, "files"), &pp->files);
	if (packs_regex(packs, &rx, yml_map_get(n, "regex"), path, err) != 0)
		return -1;
	pp->sp.rx = rx;
	if (pp->url_key_group != NULL && rx_group_number(rx, pp->url_key_group) < 0)
		return el_error_set(err, path, n->line, n->col,
		                    "url-key names group \"%s\", which the regex does not have",
		                    pp->url_key_group);
	if (parse_refs(yml_map_get(n, "url"), &pp->url, path, err) != 0)
		return -1;
	size = yml_map_get(n, "size");
	for (i = 0; size != NULL && i < size->count; i++) {
		const struct yml_node *t = size->items[i];
		struct pool_term *term = VEC_PUSH_ZERO(&pp->size);

		if (parse_refs(yml_map_get(t, "from"), &term->from, path, err) != 0)
			return -1;
		term->default_formula = xstrdup(yml_map_text(t, "default"));
		if (check_formula(term->default_formula, t, path, err) != 0)
			return -1;
	}
	unb = yml_map_get(n, "unbounded-when");
	if (unb != NULL) {
		if (parse_refs(yml_map_get(unb, "from"), &pp->unbounded_from, path, err) != 0 ||
		    packs_regex(packs, &pp->unbounded_rx, yml_map_get(unb, "regex"), path, err) != 0)
			return -1;
	}
	return 0;
}

static int
load_client(struct pool_set *ps, const struct packs *packs, const struct yml_node *n,
            const char *path, struct el_error *err)
{
	struct pool_client *pc = xcalloc(1, sizeof(*pc));
	const struct yml_node *detect;
	const char *s;
	size_t i;

	/* A later pack replaces a client of the same name: the old one stops matching. */
	for (i = 0; i < ps->clients.len; i++) {
		if (strcmp(ps->clients.items[i]->name, yml_map_text(n, "name")) == 0)
			ps->clients.items[i]->name[0] = '\0';
	}
	VEC_PUSH(&ps->clients, pc);
	pc->name = xstrdup(yml_map_text(n, "name"));
	pc->label = xstrdup(yml_map_text(n, "label") ? yml_map_text(n, "label") : pc->name);
	yml_strings(yml_map_get(n, "connections"), &pc->connections);
	if (pc->connections.len == 0)
		VEC_PUSH(&pc->connections, xstrdup(pc->name));
	yml_strings(yml_map_get(n, "packages"), &pc->packages);
	yml_strings(yml_map_get(n, "unless-packages"), &pc->unless_packages);
	if ((s = yml_map_text(n, "max-major")) != NULL)
		pc->max_major = atoi(s);
	pc->default_formula = xstrdup(yml_map_text(n, "default"));
	if (check_formula(pc->default_formula, n, path, err) != 0)
		return -1;
	pc->default_why = xstrdup(yml_map_text(n, "default-why"));
	pc->no_pool = yml_map_true(n, "no-pool");
	detect = yml_map_get(n, "detect");
	for (i = 0; detect != NULL && i < detect->count; i++) {
		if (load_pattern(ps, packs, pc, detect->items[i], path, err) != 0)
			return -1;
	}
	return 0;
}

int
pools_load(struct pool_set **out, const struct packs *packs, struct el_error *err)
{
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct pool_set *ps = xcalloc(1, sizeof(*ps));
	size_t n = 0, d, i;

	ps->cpus = 4;
	ps->physical_cpus = 2;
	if (packs != NULL && packs_kind_docs(packs, "pools", &docs, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *root = docs[d], *m, *list;
		const char *s;

		if ((m = yml_map_get(root, "machine")) != NULL) {
			if ((s = yml_map_text(m, "cpus")) != NULL)
				ps->cpus = atoi(s);
			if ((s = yml_map_text(m, "physical-cpus")) != NULL)
				ps->physical_cpus = atoi(s);
		}
		yml_strings(yml_map_get(root, "non-runtime-paths"), &ps->non_runtime_paths);
		list = yml_map_get(root, "values");
		for (i = 0; list != NULL && i < list->count; i++) {
			struct pool_value_pattern *vp = VEC_PUSH_ZERO(&ps->values);

			vp->id = xstrdup(yml_map_text(list->items[i], "id"));
			vp->langs = loaders_langs(yml_map_get(list->items[i], "lang"));
			if (packs_regex(packs, &vp->rx, yml_map_get(list->items[i], "regex"),
			                paths[d], err) != 0)
				goto fail;
			if (rx_group_number(vp->rx, "key") < 0) {
				el_error_set(err, paths[d], list->items[i]->line,
				             list->items[i]->col,
				             "a value pattern needs a group (?<key>...)");
				goto fail;
			}
		}
		list = yml_map_get(root, "clients");
		for (i = 0; list != NULL && i < list->count; i++) {
			if (load_client(ps, packs, list->items[i], paths[d], err) != 0)
				goto fail;
		}
	}
	for (i = 0; i < ps->patterns.len; i++)
		VEC_PUSH(&ps->flat, ps->patterns.items[i]->sp);
	ps->set = source_set_new(ps->flat.items, ps->flat.len);
	*out = ps;
	return 0;
fail:
	pools_free(ps);
	return -1;
}

void
pools_free(struct pool_set *ps)
{
	size_t i, j;

	if (ps == NULL)
		return;
	source_set_free(ps->set);
	VEC_FREE(&ps->flat);
	for (i = 0; i < ps->patterns.len; i++) {
		struct pool_pattern *pp = ps->patterns.items[i];

		free((char *)pp->sp.id);
		free((char *)pp->sp.literal);
		rx_free((struct rx *)pp->sp.rx);
		free(pp->requires);
		free_refs(&pp->url);
		free(pp->url_key_group);
		for (j = 0; j < pp->size.len; j++) {
			free_refs(&pp->size.items[j].from);
			free(pp->size.items[j].default_formula);
		}
		VEC_FREE(&pp->size);
		free_refs(&pp->unbounded_from);
		rx_free(pp->unbounded_rx);
		vec_free_strs(&pp->files);
		free(pp->file);
		free(pp);
	}
	VEC_FREE(&ps->patterns);
	for (i = 0; i < ps->clients.len; i++) {
		struct pool_client *pc = ps->clients.items[i];

		free(pc->name);
		free(pc->label);
		vec_free_strs(&pc->connections);
		vec_free_strs(&pc->packages);
		vec_free_strs(&pc->unless_packages);
		free(pc->default_formula);
		free(pc->default_why);
		free(pc);
	}
	VEC_FREE(&ps->clients);
	for (i = 0; i < ps->values.len; i++) {
		free(ps->values.items[i].id);
		rx_free(ps->values.items[i].rx);
	}
	VEC_FREE(&ps->values);
	vec_free_strs(&ps->non_runtime_paths);
	free(ps);
}

const struct pool_client *
pools_client_find(const struct pool_set *ps, const char *name)
{
	size_t i;

	for (i = 0; ps != NULL && i < ps->clients.len; i++) {
		if (strcmp(ps->clients.items[i]->name, name) == 0)
			return ps->clients.items[i];
	}
	return NULL;
}

const struct pool_client *
pools_client_for(const struct pool_set *ps, const char *conn_client)
{
	size_t i, j;

	if (conn_client == NULL)
		return NULL;
	for (i = 0; ps != NULL && i < ps->clients.len; i++) {
		const struct pool_client *pc = ps->clients.items[i];

		if (pc->name[0] == '\0')
			continue;
		for (j = 0; j < pc->connections.len; j++) {
			if (strcmp(pc->connections.items[j], conn_client) == 0)
				return pc;
		}
	}
	return NULL;
}
