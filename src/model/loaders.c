/* The loader models of the `loaders` rule pack, as typed structs. */
#include "model/loaders.h"

#include <stdlib.h>
#include <string.h>

#include "parse/manifest.h"

static const char *const env_names[3] = {"development", "production", "test"};

int
loaders_env_index(const char *env)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (env != NULL && strcmp(env, env_names[i]) == 0)
			return i;
	}
	return 0;
}

static int
parse_order(const char *s, enum load_order *out)
{
	if (s == NULL || strcmp(s, "first-wins") == 0)
		*out = ORDER_FIRST_WINS;
	else if (strcmp(s, "last-wins") == 0)
		*out = ORDER_LAST_WINS;
	else
		return -1;
	return 0;
}

static unsigned
parse_runtime(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "node") == 0)
		return RUNTIME_NODE;
	if (strcmp(s, "python") == 0)
		return RUNTIME_PYTHON;
	if (strcmp(s, "go") == 0)
		return RUNTIME_GO;
	if (strcmp(s, "ruby") == 0)
		return RUNTIME_RUBY;
	if (strcmp(s, "rust") == 0)
		return RUNTIME_RUST;
	return 0;
}

/* "prop:path", "kw:override", "pos:0", "value" */
static int
parse_arg_refs(const struct yml_node *n, void *vec, const char *path, struct el_error *err)
{
	VEC(struct arg_ref) *v = vec;
	size_t i;

	if (n == NULL)
		return 0;
	for (i = 0; i < (n->type == YML_SEQUENCE ? n->count : 0); i++) {
		const struct yml_node *item = n->items[i];
		struct arg_ref r;

		memset(&r, 0, sizeof(r));
		if (item->type != YML_SCALAR)
			continue;
		if (strncmp(item->text, "prop:", 5) == 0) {
			r.kind = ARG_PROP;
			r.name = xstrdup(item->text + 5);
		} else if (strncmp(item->text, "kw:", 3) == 0) {
			r.kind = ARG_KW;
			r.name = xstrdup(item->text + 3);
		} else if (strncmp(item->text, "pos:", 4) == 0) {
			r.kind = ARG_POS;
			r.pos = atoi(item->text + 4);
		} else if (strcmp(item->text, "value") == 0) {
			r.kind = ARG_VALUE;
		} else {
			return el_error_set(err, path, item->line, item->col,
					    "unknown argument reference \"%s\" (expected prop:NAME, "
					    "kw:NAME, pos:N or value)",
					    item->text);
		}
		VEC_PUSH(v, r);
	}
	return 0;
}

static int
load_pattern(struct loader_set *ls, struct loader_model *lm, const struct yml_node *n,
	     const char *path, struct el_error *err)
{
	struct loader_pattern *lp = xcalloc(1, sizeof(*lp));
	const struct yml_node *rxn = yml_map_get(n, "regex");
	struct rx *rx = NULL;
	const char *s;

	VEC_PUSH(&ls->patterns, lp);
	lp->loader = lm;
	lp->file = xstrdup(path);
	lp->line = n->line;
	lp->sp.id = xstrdup(yml_map_text(n, "id") ? yml_map_text(n, "id") : lm->name);
	lp->sp.langs = loaders_langs(yml_map_get(n, "lang"));
	lp->sp.literal = xstrdup(yml_map_text(n, "literal"));
	lp->sp.call_args = yml_map_true(n, "call-args");
	lp->requires = xstrdup(yml_map_text(n, "requires"));
	lp->value_after = yml_map_true(n, "value-after");
	lp->group_by_line = yml_map_true(n, "group-by-line");
	lp->find_dotenv = xstrdup(yml_map_text(n, "find-dotenv"));
	lp->wraps = xstrdup(yml_map_text(n, "wraps"));
	if ((s = yml_map_text(n, "order")) != NULL) {
		lp->has_order = true;
		if (parse_order(s, &lp->order) != 0)
			return el_error_set(err, path, n->line, n->col, "unknown order \"%s\"", s);
	}
	yml_strings(yml_map_get(n, "default-files"), &lp->default_files);
	if (rxn == NULL || rxn->type != YML_SCALAR)
		return el_error_set(err, path, n->line, n->col, "pattern needs a regex");
	if (rx_compile(&rx, rxn->text, NULL, path, rxn->line, rxn->col, err) != 0)
		return -1;
	lp->sp.rx = rx;
	if (parse_arg_refs(yml_map_get(n, "path"), &lp->path, path, err) != 0 ||
	    parse_arg_refs(yml_map_get(n, "dir"), &lp->dir, path, err) != 0 ||
	    parse_arg_refs(yml_map_get(n, "override"), &lp->override, path, err) != 0 ||
	    parse_arg_refs(yml_map_get(n, "disable"), &lp->disable, path, err) != 0 ||
	    parse_arg_refs(yml_map_get(n, "expand"), &lp->expand, path, err) != 0)
		return -1;
	return 0;
}

static int
load_wrapper(struct loader_model *lm, const struct yml_node *n, const char *path,
	     struct el_error *err)
{
	struct wrapper_spec *w = xcalloc(1, sizeof(*w));
	const struct yml_node *o = yml_map_get(n, "options");
	const char *s;

	lm->wrapper = w;
	yml_strings(yml_map_get(n, "commands"), &w->commands);
	w->subcommand = xstrdup(yml_map_text(n, "subcommand"));
	s = yml_map_text(n, "parser");
	if (s == NULL || strcmp(s, "minimist") == 0)
		w->parser = WRAP_MINIMIST;
	else if (strcmp(s, "commander") == 0)
		w->parser = WRAP_COMMANDER;
	else
		return el_error_set(err, path, n->line, n->col, "unknown wrapper parser \"%s\"", s);
	w->literal_dialect = lm->dialect;
	if ((s = yml_map_text(n, "literal-dialect")) != NULL &&
	    dotenv_dialect_from_name(s, &w->literal_dialect) != 0)
		return el_error_set(err, path, n->line, n->col, "unknown dialect \"%s\"", s);
	yml_strings(yml_map_get(n, "cascade-env"), &w->cascade_env);
	yml_strings(yml_map_get(n, "cascade-bare"), &w->cascade_bare);
	w->secrets = yml_map_true(n, "secrets");
	w->required = yml_map_true(n, "required");
	if (o != NULL) {
		yml_strings(yml_map_get(o, "file"), &w->file);
		yml_strings(yml_map_get(o, "dir"), &w->dir);
		yml_strings(yml_map_get(o, "override"), &w->override);
		yml_strings(yml_map_get(o, "no-override"), &w->no_override);
		yml_strings(yml_map_get(o, "cascade"), &w->cascade);
		yml_strings(yml_map_get(o, "var"), &w->var);
		yml_strings(yml_map_get(o, "print"), &w->print);
		yml_strings(yml_map_get(o, "literal"), &w->literal);
		yml_strings(yml_map_get(o, "expand"), &w->expand);
		yml_strings(yml_map_get(o, "command"), &w->command);
		yml_strings(yml_map_get(o, "value"), &w->value);
		yml_strings(yml_map_get(o, "unmodelled"), &w->unmodelled);
	}
	return 0;
}

static void
free_wrapper(struct wrapper_spec *w)
{
	if (w == NULL)
		return;
	vec_free_strs(&w->commands);
	free(w->subcommand);
	vec_free_strs(&w->file);
	vec_free_strs(&w->dir);
	vec_free_strs(&w->override);
	vec_free_strs(&w->no_override);
	vec_free_strs(&w->cascade);
	vec_free_strs(&w->var);
	vec_free_strs(&w->print);
	vec_free_strs(&w->literal);
	vec_free_strs(&w->expand);
	vec_free_strs(&w->command);
	vec_free_strs(&w->value);
	vec_free_strs(&w->unmodelled);
	vec_free_strs(&w->cascade_env);
	vec_free_strs(&w->cascade_bare);
	free(w);
}

const struct opaque_value *
loaders_opaque(const struct loader_set *ls, const char *value)
{
	size_t i;

	for (i = 0; value != NULL && i < ls->opaque_values.len; i++) {
		const struct opaque_value *o = &ls->opaque_values.items[i];

		if (strncmp(value, o->prefix, strlen(o->prefix)) == 0)
			return o;
	}
	return NULL;
}

static int
load_loader(struct loader_set *ls, const struct yml_node *n, const char *path,
	    struct el_error *err)
{
	struct loader_model *lm;
	const struct yml_node *detect, *script;
	const char *s;
	size_t i;

	if (n->type != YML_MAPPING || yml_map_text(n, "name") == NULL)
		return el_error_set(err, path, n->line, n->col, "a loader needs a name");
	/* A later pack replaces a loader of the same name. */
	for (i = 0; i < ls->loaders.len; i++) {
		if (strcmp(ls->loaders.items[i]->name, yml_map_text(n, "name")) == 0) {
			ls->loaders.items[i]->name[0] = '\0';
			break;
		}
	}
	lm = xcalloc(1, sizeof(*lm));
	VEC_PUSH(&ls->loaders, lm);
	lm->name = xstrdup(yml_map_text(n, "name"));
	lm->dialect = DOTENV_NODE_DOTENV;
	if ((s = yml_map_text(n, "dialect")) != NULL && dotenv_dialect_from_name(s, &lm->dialect) != 0) {
		const struct yml_node *d = yml_map_get(n, "dialect");

		return el_error_set(err, path, d->line, d->col, "unknown dialect \"%s\"", s);
	}
	lm->runtime = parse_runtime(yml_map_text(n, "runtime"));
	yml_strings(yml_map_get(n, "packages"), &lm->packages);
	if ((s = yml_map_text(n, "max-major")) != NULL)
		lm->max_major = atoi(s);
	if (parse_order(yml_map_text(n, "order"), &lm->order) != 0)
		return el_error_set(err, path, n->line, n->col, "unknown order \"%s\"",
				    yml_map_text(n, "order"));
	lm->override = yml_map_true(n, "override");
	if ((s = yml_map_text(n, "override-order")) != NULL) {
		lm->has_override_order = true;
		if (parse_order(s, &lm->override_order) != 0)
			return el_error_set(err, path, n->line, n->col, "unknown order \"%s\"", s);
	}
	yml_strings(yml_map_get(n, "files"), &lm->files);
	yml_strings(yml_map_get(n, "skip-in-test"), &lm->skip_in_test);
	s = yml_map_text(n, "anchor");
	if (s == NULL || strcmp(s, "cwd") == 0)
		lm->anchor = LOAD_AT_CWD;
	else if (strcmp(s, "service") == 0)
		lm->anchor = LOAD_AT_SERVICE;
	else if (strcmp(s, "file") == 0)
		lm->anchor = LOAD_AT_FILE;
	else if (strcmp(s, "walk-up-from-file") == 0)
		lm->anchor = LOAD_WALK_UP;
	else
		return el_error_set(err, path, n->line, n->col, "unknown anchor \"%s\"", s);
	lm->framework = yml_map_true(n, "framework");
	lm->lowest = yml_map_true(n, "lowest");
	lm->start_script = yml_map_true(n, "start-script");
	lm->dev_not_in_production = yml_map_true(n, "dev-group-not-in-production");
	lm->requires_file = xstrdup(yml_map_text(n, "requires-file"));
	lm->exposes_prefix = xstrdup(yml_map_text(n, "exposes-prefix"));
	lm->missing_effect = xstrdup(yml_map_text(n, "missing-effect"));
	lm->missing_error = xstrdup(yml_map_text(n, "missing-error"));
	lm->missing_fix = xstrdup(yml_map_text(n, "missing-fix"));
	script = yml_map_get(n, "script");
	if (script != NULL && script->type == YML_SCALAR &&
	    rx_compile(&lm->script, script->text, NULL, path, script->line, script->col, err) != 0)
		return -1;
	if (yml_map_get(n, "wrapper") != NULL &&
	    load_wrapper(lm, yml_map_get(n, "wrapper"), path, err) != 0)
		return -1;
	detect = yml_map_get(n, "detect");
	for (i = 0; detect != NULL && detect->type == YML_SEQUENCE && i < detect->count; i++) {
		if (load_pattern(ls, lm, detect->items[i], path, err) != 0)
			return -1;
	}
	return 0;
}

/* A read pattern (reads:), or with defaults a schema default (defaults:). */
static int
load_read(struct loader_set *ls, const struct yml_node *n, const char *path, bool defaults,
	  struct el_error *err)
{
	struct read_pattern *rp = xcalloc(1, sizeof(*rp));
	const struct yml_node *rxn = yml_map_get(n, "regex");
	struct rx *rx = NULL;

	if (defaults)
		VEC_PUSH(&ls->defaults, rp);
	else
		VEC_PUSH(&ls->reads, rp);
	rp->file = xstrdup(path);
	rp->line = n->line;
	rp->sp.id = xstrdup(yml_map_text(n, "id") ? yml_map_text(n, "id") : "env-read");
	rp->sp.langs = loaders_langs(yml_map_get(n, "lang"));
	rp->sp.literal = xstrdup(yml_map_text(n, "literal"));
	rp->case_insensitive = yml_map_true(n, "case-insensitive");
	rp->class_body = yml_map_true(n, "class-body");
	if (rxn == NULL || rxn->type != YML_SCALAR)
		return el_error_set(err, path, n->line, n->col, "a read pattern needs a regex");
	if (rx_compile(&rx, rxn->text, NULL, path, rxn->line, rxn->col, err) != 0)
		return -1;
	rp->sp.rx = rx;
	if (defaults && (rx_group_number(rx, "key") < 0 || rx_group_number(rx, "default") < 0))
		return el_error_set(err, path, rxn->line, rxn->col,
				    "a default pattern needs named groups (?<key>...) and "
				    "(?<default>...)");
	if (!rp->class_body && rx_group_number(rx, "key") < 0 && rx_group_number(rx, "keys") < 0)
		return el_error_set(err, path, rxn->line, rxn->col,
				    "a read pattern needs a named group (?<key>...) or (?<keys>...)");
	return 0;
}

static void
load_platform(struct loader_set *ls, const struct yml_node *n)
{
	struct platform_model *pm = VEC_PUSH_ZERO(&ls->platforms);
	const struct yml_node *addons = yml_map_get(n, "addons");
	size_t i;

	pm->name = xstrdup(yml_map_text(n, "name"));
	pm->file = xstrdup(yml_map_text(n, "file"));
	yml_strings(yml_map_get(n, "env-var-from"), &pm->env_var_from);
	yml_strings(yml_map_get(n, "injects"), &pm->injects);
	for (i = 0; addons != NULL && addons->type == YML_MAPPING && i < addons->count; i++) {
		struct platform_addon *a = VEC_PUSH_ZERO(&pm->addons);

		a->name = xstrdup(addons->pairs[i].key->text);
		yml_strings(addons->pairs[i].value, &a->keys);
	}
}

const struct platform_model *
loaders_platform(const struct loader_set *ls, const char *base)
{
	size_t i;

	for (i = 0; ls != NULL && i < ls->platforms.len; i++) {
		if (ls->platforms.items[i].file != NULL && strcmp(ls->platforms.items[i].file, base) == 0)
			return &ls->platforms.items[i];
	}
	return NULL;
}

int
loaders_load(struct loader_set **out, const struct yml_node *const *docs,
	     const char *const *paths, size_t ndocs, struct el_error *err)
{
	struct loader_set *ls = xcalloc(1, sizeof(*ls));
	size_t d, i;
	int e;

	for (d = 0; d < ndocs; d++) {
		const struct yml_node *root = docs[d], *list, *rs;

		list = yml_map_get(root, "loaders");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
			if (load_loader(ls, list->items[i], paths[d], err) != 0)
				goto fail;
		}
		rs = yml_map_get(root, "runtime-scripts");
		for (e = 0; rs != NULL && e < 3; e++) {
			const struct yml_node *l = yml_map_get(rs, env_names[e]);

			if (l == NULL)
				continue;
			for (i = 0; i < ls->runtime_scripts[e].len; i++)
				free(ls->runtime_scripts[e].items[i]);
			ls->runtime_scripts[e].len = 0;
			yml_strings(l, &ls->runtime_scripts[e]);
		}
		yml_strings(yml_map_get(root, "non-runtime-paths"), &ls->non_runtime_paths);
		yml_strings(yml_map_get(root, "test-paths"), &ls->test_paths);
		list = yml_map_get(root, "opaque-values");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
			struct opaque_value *o = VEC_PUSH_ZERO(&ls->opaque_values);

			o->prefix = xstrdup(yml_map_text(list->items[i], "prefix"));
			o->what = xstrdup(yml_map_text(list->items[i], "what"));
			if (o->prefix == NULL || o->what == NULL) {
				el_error_set(err, paths[d], list->items[i]->line,
					     list->items[i]->col,
					     "an opaque value needs a prefix and a what");
				goto fail;
			}
		}
		list = yml_map_get(root, "reads");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
			if (load_read(ls, list->items[i], paths[d], false, err) != 0)
				goto fail;
		}
		list = yml_map_get(root, "defaults");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
			if (load_read(ls, list->items[i], paths[d], true, err) != 0)
				goto fail;
		}
		list = yml_map_get(root, "platforms");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++)
			load_platform(ls, list->items[i]);
		list = yml_map_get(root, "placeholder-values");
		for (i = 0; list != NULL && list->type == YML_SEQUENCE && i < list->count; i++) {
			const struct yml_node *n = list->items[i];
			struct rx *rx = NULL;

			if (n->type != YML_SCALAR ||
			    rx_compile(&rx, n->text, NULL, paths[d], n->line, n->col, err) != 0)
				goto fail;
			VEC_PUSH(&ls->placeholders, rx);
		}
	}
	for (i = 0; i < ls->patterns.len; i++)
		VEC_PUSH(&ls->flat, ls->patterns.items[i]->sp);
	for (i = 0; i < ls->reads.len; i++)
		VEC_PUSH(&ls->flat, ls->reads.items[i]->sp);
	for (i = 0; i < ls->defaults.len; i++)
		VEC_PUSH(&ls->flat, ls->defaults.items[i]->sp);
	ls->flat_set = source_set_new(ls->flat.items, ls->flat.len);
	*out = ls;
	return 0;
fail:
	loaders_free(ls);
	return -1;
}

static void
free_refs(void *vec)
{
	VEC(struct arg_ref) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++)
		free(v->items[i].name);
	VEC_FREE(v);
}

static void
free_read_patterns(void *vec)
{
	VEC(struct read_pattern *) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++) {
		struct read_pattern *rp = v->items[i];

		free((char *)rp->sp.id);
		free((char *)rp->sp.literal);
		rx_free((struct rx *)rp->sp.rx);
		free(rp->file);
		free(rp);
	}
	VEC_FREE(v);
}

void
loaders_free(struct loader_set *ls)
{
	size_t i;
	int e;

	if (ls == NULL)
		return;
	for (i = 0; i < ls->patterns.len; i++) {
		struct loader_pattern *lp = ls->patterns.items[i];

		free((char *)lp->sp.id);
		free((char *)lp->sp.literal);
		rx_free((struct rx *)lp->sp.rx);
		free(lp->requires);
		free(lp->find_dotenv);
		free(lp->wraps);
		free(lp->file);
		free_refs(&lp->path);
		free_refs(&lp->dir);
		free_refs(&lp->override);
		free_refs(&lp->disable);
		free_refs(&lp->expand);
		vec_free_strs(&lp->default_files);
		free(lp);
	}
	VEC_FREE(&ls->patterns);
	free_read_patterns(&ls->reads);
	free_read_patterns(&ls->defaults);
	for (i = 0; i < ls->placeholders.len; i++)
		rx_free(ls->placeholders.items[i]);
	for (i = 0; i < ls->platforms.len; i++) {
		struct platform_model *pm = &ls->platforms.items[i];
		size_t j;

		free(pm->name);
		free(pm->file);
		vec_free_strs(&pm->env_var_from);
		vec_free_strs(&pm->injects);
		for (j = 0; j < pm->addons.len; j++) {
			free(pm->addons.items[j].name);
			vec_free_strs(&pm->addons.items[j].keys);
		}
		VEC_FREE(&pm->addons);
	}
	VEC_FREE(&ls->platforms);
	VEC_FREE(&ls->placeholders);
	source_set_free(ls->flat_set);
	VEC_FREE(&ls->flat);
	for (i = 0; i < ls->loaders.len; i++) {
		struct loader_model *lm = ls->loaders.items[i];

		free(lm->name);
		free_wrapper(lm->wrapper);
		vec_free_strs(&lm->packages);
		vec_free_strs(&lm->files);
		vec_free_strs(&lm->skip_in_test);
		free(lm->requires_file);
		free(lm->exposes_prefix);
		free(lm->missing_effect);
		free(lm->missing_error);
		free(lm->missing_fix);
		rx_free(lm->script);
		free(lm);
	}
	VEC_FREE(&ls->loaders);
	for (e = 0; e < 3; e++)
		vec_free_strs(&ls->runtime_scripts[e]);
	vec_free_strs(&ls->non_runtime_paths);
	vec_free_strs(&ls->test_paths);
	for (i = 0; i < ls->opaque_values.len; i++) {
		free(ls->opaque_values.items[i].prefix);
		free(ls->opaque_values.items[i].what);
	}
	VEC_FREE(&ls->opaque_values);
	free(ls);
}

const struct loader_model *
loaders_find(const struct loader_set *ls, const char *name)
{
	size_t i;

	for (i = 0; i < ls->loaders.len; i++) {
		if (strcmp(ls->loaders.items[i]->name, name) == 0)
			return ls->loaders.items[i];
	}
	return NULL;
}

unsigned
loaders_langs(const struct yml_node *n)
{
	unsigned langs = 0;
	size_t i;

	if (n == NULL)
		return 0;
	if (n->type == YML_SCALAR)
		return source_lang_from_name(n->text);
	for (i = 0; n->type == YML_SEQUENCE && i < n->count; i++) {
		if (n->items[i]->type == YML_SCALAR)
			langs |= source_lang_from_name(n->items[i]->text);
	}
	return langs;
}
