#include "model/detect.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/bindings.h"
#include "model/discover.h"
#include "model/reads.h"
#include "parse/compose.h"
#include "parse/expr.h"
#include "parse/manifest.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "walk/ignore.h"

/* Longest expression taken after a value-after match (env_file = ...). */
#define VALUE_AFTER_MAX 4096

static void
note(struct service *svc, const char *file, int line, const char *fmt, ...)
{
	struct service_note *n = VEC_PUSH_ZERO(&svc->notes);
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	n->file = xstrdup(file);
	n->line = line;
	n->message = buf_detach(&b);
}

/* The manifests that belong to svc's own folder. */
static bool
manifest_in_service(const struct scan_parsed *p, const struct service *svc)
{
	char *dir = path_dirname(p->entry->path);
	bool in = strcmp(dir, svc->path) == 0;

	free(dir);
	return in;
}

/* The version spec of a dependency of svc, "" when listed without one, NULL when absent. */
static const char *
dep_version(const struct scan *s, const struct service *svc, const char *name)
{
	size_t i, j;

	for (i = 0; i < s->manifests.len; i++) {
		const struct manifest *m = s->manifests.items[i].manifest;

		if (!manifest_in_service(&s->manifests.items[i], svc))
			continue;
		for (j = 0; j < m->ndeps; j++) {
			if (strcmp(m->deps[j].name, name) == 0)
				return m->deps[j].version ? m->deps[j].version : "";
		}
	}
	return NULL;
}

/* The first major version number in a spec like "^5.22.0", or -1. */
static int
spec_major(const char *spec)
{
	while (*spec && !isdigit((unsigned char)*spec))
		spec++;
	return *spec ? atoi(spec) : -1;
}

static bool
has_package(const struct scan *s, const struct service *svc, const struct loader_model *lm)
{
	size_t i;

	for (i = 0; i < lm->packages.len; i++) {
		const char *v = dep_version(s, svc, lm->packages.items[i]);
		int major;

		if (v == NULL)
			continue;
		major = spec_major(v);
		if (lm->max_major > 0 && major > lm->max_major)
			continue;
		return true;
	}
	return false;
}

static bool
service_has_file(const struct scan *s, const struct service *svc, const char *name)
{
	size_t i;

	for (i = 0; i < s->walk->nentries; i++) {
		const char *p = s->walk->entries[i].path, *base = strrchr(p, '/');

		base = base ? base + 1 : p;
		if (strcmp(base, name) == 0 && path_inside(p, svc->path) &&
		    discover_owner(s, p) == svc)
			return true;
	}
	return false;
}

/* The commands that start svc for the selected --env, as (text, manifest path, line). */
struct start_command {
	const char *text;
	const char *file;
	int line;
};

static size_t
start_commands(const struct scan *s, const struct service *svc, struct start_command *out,
	       size_t max)
{
	const struct loader_set *ls = s->loaders;
	int e = loaders_env_index(s->opts.env);
	size_t i, j, k, n = 0;

	for (i = 0; i < s->manifests.len && n < max; i++) {
		const struct scan_parsed *p = &s->manifests.items[i];
		const struct manifest *m = p->manifest;

		if (!manifest_in_service(p, svc))
			continue;
		if (m->kind == MANIFEST_PACKAGE_JSON) {
			/* The first runtime script of the list that the package defines. */
			for (k = 0; k < ls->runtime_scripts[e].len; k++) {
				for (j = 0; j < m->ncommands; j++) {
					if (strcmp(m->commands[j].name,
						   ls->runtime_scripts[e].items[k]) == 0)
						break;
				}
				if (j < m->ncommands) {
					out[n].text = m->commands[j].command;
					out[n].file = p->entry->path;
					out[n].line = m->commands[j].line;
					n++;
					break;
				}
			}
		} else if (m->kind == MANIFEST_DOCKERFILE || m->kind == MANIFEST_PROCFILE) {
			for (j = 0; j < m->ncommands && n < max; j++) {
				out[n].text = m->commands[j].command;
				out[n].file = p->entry->path;
				out[n].line = m->commands[j].line;
				n++;
			}
		}
	}
	return n;
}

static bool
any_script_matches(struct scan *s, const struct service *svc, const struct rx *rx)
{
	size_t i, j;

	for (i = 0; i < s->manifests.len; i++) {
		const struct scan_parsed *p = &s->manifests.items[i];
		const struct manifest *m = p->manifest;

		if (!manifest_in_service(p, svc))
			continue;
		for (j = 0; j < m->ncommands; j++) {
			if (rx_match(s->rx, rx, m->commands[j].command,
				     strlen(m->commands[j].command), 0, NULL) == RX_MATCH)
				return true;
		}
	}
	return false;
}

/* Replace {env} in a framework file name; NULL when the file is skipped in this env. */
static char *
expand_file_name(const struct scan *s, const struct loader_model *lm, const char *name)
{
	const char *env = s->opts.env ? s->opts.env : "development";
	struct buf b = BUF_INIT;
	const char *p, *hit;
	size_t i;

	if (strcmp(env, "test") == 0) {
		for (i = 0; i < lm->skip_in_test.len; i++) {
			if (strcmp(lm->skip_in_test.items[i], name) == 0)
				return NULL;
		}
	}
	for (p = name; (hit = strstr(p, "{env}")) != NULL; p = hit + 5) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_puts(&b, env);
	}
	buf_puts(&b, p);
	return buf_detach(&b);
}

static struct load_op *
new_op(struct detect_result *r, const struct loader_model *lm, const char *origin, int line)
{
	struct load_op *op = VEC_PUSH_ZERO(&r->ops);

	op->loader = lm;
	op->dialect = lm->dialect;
	op->order = lm->order;
	op->override = lm->override;
	op->expands = dotenv_dialect_expands(lm->dialect);
	op->lowest = lm->lowest;
	op->origin_file = xstrdup(origin);
	op->origin_line = line;
	return op;
}

static void
op_add_file(struct load_op *op, char *path, bool optional)
{
	size_t i;

	for (i = 0; i < op->files.len; i++) {
		if (strcmp(op->files.items[i], path) == 0) {
			free(path);
			return;
		}
	}
	VEC_PUSH(&op->files, path);
	VEC_PUSH(&op->optional, optional);
}

/* Framework conventions: Next.js, Vite, Prisma ≤ 6 — triggered by packages. */
static void
detect_frameworks(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	size_t i, j;

	for (i = 0; i < ls->loaders.len; i++) {
		const struct loader_model *lm = ls->loaders.items[i];
		struct load_op *op;

		if (!lm->framework || lm->name[0] == '\0' || !has_package(s, svc, lm))
			continue;
		if (lm->requires_file != NULL && !service_has_file(s, svc, lm->requires_file))
			continue;
		if (lm->script != NULL && !any_script_matches(s, svc, lm->script))
			continue;
		op = new_op(r, lm, svc->manifests.len ? svc->manifests.items[0] : svc->path, 0);
		op->convention = true;
		for (j = 0; j < lm->files.len; j++) {
			char *name = expand_file_name(s, lm, lm->files.items[j]);

			if (name == NULL)
				continue;
			op_add_file(op, path_join(svc->path, name), true);
			free(name);
		}
	}
}

/* The first reference of refs that the call's arguments hold, or NULL. */
static const struct expr *
arg_find(const void *vec, const struct expr *args, const struct expr *after)
{
	const VEC(struct arg_ref) *refs = vec;
	size_t i, k;

	for (i = 0; i < refs->len; i++) {
		const struct arg_ref *ref = &refs->items[i];

		switch (ref->kind) {
		case ARG_VALUE:
			if (after != NULL)
				return after;
			break;
		case ARG_POS:
			if (args != NULL && (size_t)ref->pos < args->nitems)
				return args->items[ref->pos];
			break;
		case ARG_KW:
			if (args != NULL && expr_prop(args, ref->name) != NULL)
				return expr_prop(args, ref->name);
			break;
		case ARG_PROP:
			/* A property of an object argument (dotenv.config({ path })). */
			for (k = 0; args != NULL && k < args->nitems; k++) {
				if (args->items[k]->type == EXPR_OBJECT &&
				    expr_prop(args->items[k], ref->name) != NULL)
					return expr_prop(args->items[k], ref->name);
			}
			if (args != NULL && expr_prop(args, ref->name) != NULL)
				return expr_prop(args, ref->name);
			break;
		}
	}
	return NULL;
}

/* A path expression as a repository path, or NULL (with a note) when unknowable. */
static char *
resolve_path_expr(struct service *svc, const char *file, const struct expr *e)
{
	char *dir, *out;

	switch (e->type) {
	case EXPR_STRING:
		return path_join(svc->path, e->text);
	case EXPR_PATH:
		if (e->anchor == ANCHOR_ABSOLUTE)
			return xstrdup(e->text);
		if (e->anchor == ANCHOR_FILE_DIR) {
			dir = path_dirname(file);
			out = path_join(dir, e->text);
			free(dir);
			return out;
		}
		return path_join(svc->path, e->text);
	default:
		note(svc, file, e->line,
		     "cannot resolve the env file path '%s' statically; pin it with a services "
		     "entry in .envlint.yml",
		     e->text ? e->text : "?");
		return NULL;
	}
}

/* python-dotenv find_dotenv(): the first .env from the calling file's folder upwards. */
static char *
walk_up_dotenv(struct scan *s, const char *file, const char *name)
{
	char *dir = path_dirname(file), *cand;

	for (;;) {
		cand = path_join(dir, name);
		if (scan_find_env_file(s, cand) != NULL) {
			free(dir);
			return cand;
		}
		free(cand);
		if (strcmp(dir, ".") == 0)
			break;
		cand = path_dirname(dir);
		free(dir);
		dir = cand;
	}
	free(dir);
	return NULL;
}

static void
add_path_value(struct scan *s, struct service *svc, struct load_op *op, const char *file,
	       const struct expr *e, const struct loader_pattern *lp)
{
	size_t i;
	char *p;

	if (e->type == EXPR_ARRAY) {
		for (i = 0; i < e->nitems; i++)
			add_path_value(s, svc, op, file, e->items[i], lp);
		return;
	}
	if (e->type == EXPR_UNKNOWN && lp->find_dotenv != NULL && e->text != NULL &&
	    strstr(e->text, lp->find_dotenv) != NULL) {
		p = walk_up_dotenv(s, file, ".env");
		if (p != NULL)
			op_add_file(op, p, true);
		return;
	}
	p = resolve_path_expr(svc, file, e);
	if (p != NULL)
		op_add_file(op, p, true);
}

static void
add_default_files(struct scan *s, struct service *svc, struct load_op *op, const char *file,
		  const struct loader_pattern *lp, const char *dir)
{
	const struct loader_model *lm = lp->loader;
	const void *list = lp->default_files.len ? (const void *)&lp->default_files
						 : (const void *)&lm->files;
	const VEC(char *) *files = list;
	size_t i;

	for (i = 0; i < files->len; i++) {
		char *name = expand_file_name(s, lm, files->items[i]), *p = NULL, *fdir;

		if (name == NULL)
			continue;
		if (dir != NULL) {
			p = path_join(dir, name);
		} else if (lm->anchor == LOAD_WALK_UP) {
			p = walk_up_dotenv(s, file, name);
		} else if (lm->anchor == LOAD_AT_FILE) {
			fdir = path_dirname(file);
			p = path_join(fdir, name);
			free(fdir);
		} else {
			p = path_join(svc->path, name);
		}
		if (p != NULL)
			op_add_file(op, p, true);
		free(name);
	}
}

static bool
arg_true(const void *refs, const struct expr *args, const struct expr *after, bool *known)
{
	const struct expr *e = arg_find(refs, args, after);
	bool v = false;

	*known = true;
	if (e == NULL)
		return false;
	if (!expr_bool(e, &v))
		*known = false;
	return v;
}

/* The text of the expression that follows a value-after match, up to a delimiter at depth 0. */
static char *
value_after_text(const char *data, size_t len, size_t off)
{
	size_t i, depth = 0, end = off + VALUE_AFTER_MAX < len ? off + VALUE_AFTER_MAX : len;
	char quote = 0;

	for (i = off; i < end; i++) {
		char c = data[i];

		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'' || c == '`')
			quote = c;
		else if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth-- == 0)
			break;
		else if ((c == ',' || c == '\n' || c == ';') && depth == 0)
			break;
	}
	return xstrndup(data + off, i - off);
}

/*
 * An explicit configuration of a framework loader (envDir) replaces the
 * operation its conventions produced: drop op (just made) and empty the
 * convention operation of the same loader, returning it instead.
 */
static struct load_op *
reuse_convention(struct detect_result *r, struct load_op *op)
{
	struct load_op *conv = NULL;
	size_t i;

	for (i = 0; i + 1 < r->ops.len; i++) {
		if (r->ops.items[i].convention && r->ops.items[i].loader == op->loader)
			conv = &r->ops.items[i];
	}
	if (conv == NULL)
		return op;
	for (i = 0; i < conv->files.len; i++)
		free(conv->files.items[i]);
	conv->files.len = 0;
	conv->optional.len = 0;
	free(conv->origin_file);
	conv->origin_file = op->origin_file;
	conv->origin_line = op->origin_line;
	conv->convention = false;
	r->ops.len--; /* op was the last one pushed */
	return conv;
}

static void
detect_match(struct scan *s, struct service *svc, struct detect_result *r, const char *file,
	     enum source_lang lang, const char *data, size_t len, const struct source_match *m,
	     const struct loader_pattern *lp)
{
	struct expr *args = NULL, *after = NULL;
	const struct expr *pathe, *dire;
	struct bindings bd;
	struct load_op *op;
	bool known, v;
	char *text;

	if (lp->requires != NULL && strstr(data, lp->requires) == NULL)
		return;
	if (lp->wraps != NULL)
		return; /* applied to the file's other operations by detect_sources */
	bindings_init(&bd, lang, data, len);
	bd.before = m->start;
	if (m->args != NULL)
		args = expr_parse_args(lang, m->args, m->args_line, m->args_col, &bd.scope);
	if (lp->value_after) {
		text = value_after_text(data, len, m->end);
		after = expr_parse(lang, text, m->line, m->col, &bd.scope);
		free(text);
	}
	if (arg_true(&lp->disable, args, after, &known))
		goto cleanup;
	op = new_op(r, lp->loader, file, m->line);
	if (lp->has_order)
		op->order = lp->order;
	v = arg_true(&lp->override, args, after, &known);
	if (!known)
		note(svc, file, m->line,
		     "cannot tell statically whether this %s call overrides; assuming %s",
		     lp->loader->name, lp->loader->override ? "it does" : "it does not");
	else if (arg_find(&lp->override, args, after) != NULL)
		op->override = v;
	/* dotenv: with override the last file of a path array wins (§1). */
	if (op->override && lp->loader->has_override_order && !lp->has_order)
		op->order = lp->loader->override_order;
	if (arg_true(&lp->expand, args, after, &known)) {
		op->dialect = DOTENV_DOTENV_EXPAND;
		op->expands = true;
	}
	pathe = arg_find(&lp->path, args, after);
	dire = arg_find(&lp->dir, args, after);
	if (lp->loader->framework && dire != NULL) {
		/* Vite's envDir replaces the framework's default folder; false disables it. */
		op = reuse_convention(r, op);
		if (dire->type == EXPR_BOOL && !dire->boolean)
			goto cleanup;
	}
	if (pathe != NULL) {
		add_path_value(s, svc, op, file, pathe, lp);
	} else if (dire != NULL) {
		char *dir = resolve_path_expr(svc, file, dire);

		if (dir != NULL)
			add_default_files(s, svc, op, file, lp, dir);
		free(dir);
	} else {
		add_default_files(s, svc, op, file, lp, NULL);
	}
cleanup:
	expr_free(args);
	expr_free(after);
	bindings_free(&bd);
}

/* Flags in start commands (node --env-file): every match of one command is one operation. */
static void
detect_commands(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	struct start_command cmds[16];
	size_t n = start_commands(s, svc, cmds, 16), i, j;

	for (i = 0; i < n; i++) {
		struct source_matches ms = {0};
		struct load_op *op = NULL;

		if (source_scan(&ms, s->rx, LANG_SHELL, cmds[i].text, strlen(cmds[i].text),
				ls->flat.items, ls->flat.len, NULL) != 0) {
			source_matches_free(&ms);
			continue;
		}
		for (j = 0; j < ms.len; j++) {
			const struct source_match *m = &ms.items[j];
			const struct loader_pattern *lp =
				ls->patterns.items[m->pattern - ls->flat.items];
			const char *path = source_group(m, "path");
			char *clean;
			size_t plen;

			if (path == NULL)
				continue;
			if (op == NULL || op->loader != lp->loader || !lp->group_by_line)
				op = new_op(r, lp->loader, cmds[i].file, cmds[i].line);
			plen = strlen(path);
			if (plen >= 2 && (path[0] == '"' || path[0] == '\''))
				clean = xstrndup(path + 1, plen - 2);
			else
				clean = xstrdup(path);
			op_add_file(op, path_join(svc->path, clean),
				    source_group(m, "optional") != NULL);
			free(clean);
		}
		source_matches_free(&ms);
	}
}

static void
detect_sources(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	const char *env = s->opts.env ? s->opts.env : "development";
	size_t i, j;

	for (i = 0; i < s->walk->nentries; i++) {
		const struct walk_entry *e = &s->walk->entries[i];
		struct el_error err = EL_ERROR_INIT;
		struct source_matches ms = {0};
		enum source_lang lang;
		const char *base;
		char *full, *data = NULL;
		size_t len, first_op;
		bool test_code;
		const struct loader_pattern *wrap;

		if (e->kind != SCAN_FILE_SOURCE || discover_owner(s, e->path) != svc)
			continue;
		/* Loader calls in test code (a jest setup file) run only under --env test. */
		test_code = reads_test_path(s, e->path);
		base = strrchr(e->path, '/');
		lang = source_lang_of(base ? base + 1 : e->path);
		full = xasprintf("%s/%s", s->root, e->path);
		if (file_read(full, FILE_MAX_READ, &data, &len, &err) != FILE_READ_OK) {
			scan_diag(s, e->path, false, "%s", err.msg);
			goto next;
		}
		if (source_scan(&ms, s->rx, lang, data, len, ls->flat.items, ls->flat.len, &err) !=
		    0) {
			scan_diag(s, e->path, false, "%s", err.msg ? err.msg : "pattern error");
			goto next;
		}
		if (ms.limit_hit)
			scan_diag(s, e->path, false,
				  "pattern '%s' hit its regex match limit; the file may be "
				  "incompletely analysed",
				  ms.limit_pattern ? ms.limit_pattern : "?");
		first_op = r->ops.len;
		wrap = NULL;
		for (j = 0; j < ms.len; j++) {
			const struct source_match *m = &ms.items[j];
			size_t idx = (size_t)(m->pattern - ls->flat.items);

			if (idx < ls->patterns.len && ls->patterns.items[idx]->wraps != NULL &&
			    (ls->patterns.items[idx]->requires == NULL ||
			     strstr(data, ls->patterns.items[idx]->requires) != NULL))
				wrap = ls->patterns.items[idx];

			if (idx >= ls->patterns.len)
				reads_add_match(s, svc, e->path, data, len, m,
						idx - ls->patterns.len);
			else if ((!test_code || strcmp(env, "test") == 0) &&
				 !bindings_in_string(lang, data, len, m->start))
				detect_match(s, svc, r, e->path, lang, data, len, m,
					     ls->patterns.items[idx]);
		}
		/* expand(config()) / expand(env): dotenv's calls in this file expand. */
		for (j = first_op; wrap != NULL && j < r->ops.len; j++) {
			struct load_op *op = &r->ops.items[j];

			if (strcmp(op->loader->name, wrap->wraps) != 0)
				continue;
			op->loader = wrap->loader;
			op->dialect = wrap->loader->dialect;
			op->expands = dotenv_dialect_expands(op->dialect);
		}
	next:
		source_matches_free(&ms);
		el_error_clear(&err);
		free(data);
		free(full);
	}
}

/* The project .env of a compose file (its folder), for interpolation: last definition wins. */
static const char *
project_get(void *ctx, const char *name)
{
	const struct dotenv_file *df = ctx;
	size_t i;

	for (i = df != NULL ? df->nbindings : 0; i > 0; i--) {
		if (strcmp(df->bindings[i - 1].key, name) == 0)
			return df->bindings[i - 1].value;
	}
	return NULL;
}

/* A compose environment: value interpolated with the project .env (not with env_file:). */
static char *
interpolate_inline(struct scan *s, struct service *svc, const char *compose_path,
		   const struct compose_var *v)
{
	char *dir = path_dirname(compose_path), *envp = path_join(dir, ".env"), *out;
	struct scan_env_file *ef = scan_find_env_file(s, envp);
	const struct dotenv_file *df = ef ? scan_env_parse(s, ef, DOTENV_COMPOSE) : NULL;
	struct compose_lookup lookup = {project_get, (void *)df};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0, i;

	out = compose_interpolate(v->value, &lookup, &missing, &nmissing, &err);
	if (out == NULL)
		out = xstrdup(v->value);
	for (i = 0; i < nmissing; i++)
		note(svc, compose_path, v->line,
		     "${%s} in %s is set neither in the shell (unknown here) nor in %s; compose "
		     "substitutes an empty string when it is unset",
		     missing[i], v->key, envp);
	compose_missing_free(missing, nmissing);
	el_error_clear(&err);
	free(envp);
	free(dir);
	return out;
}

/* compose: environment: beats env_file:, later env_file entries win. */
static void
detect_compose(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_model *lm = loaders_find(s->loaders, "compose");
	size_t i, j, k;

	for (i = 0; i < s->composes.len && lm != NULL; i++) {
		const struct scan_parsed *p = &s->composes.items[i];
		char *cdir = path_dirname(p->entry->path);

		for (j = 0; j < p->compose->nservices; j++) {
			const struct compose_service *cs = &p->compose->services[j];
			struct load_op *op;
			char *dir;
			bool mine;

			if (cs->build_context == NULL)
				continue;
			dir = path_join(cdir, cs->build_context);
			mine = strcmp(dir, svc->path) == 0;
			free(dir);
			if (!mine)
				continue;
			if (cs->nenvironment > 0) {
				struct inline_source *in = VEC_PUSH_ZERO(&r->inlines);

				in->origin_file = xstrdup(p->entry->path);
				in->origin_line = cs->line;
				for (k = 0; k < cs->nenvironment; k++) {
					struct inline_var *v = VEC_PUSH_ZERO(&in->vars);

					v->key = xstrdup(cs->environment[k].key);
					v->value = cs->environment[k].value == NULL
							   ? NULL
							   : interpolate_inline(s, svc, p->entry->path,
										&cs->environment[k]);
					v->line = cs->environment[k].line;
					v->col = cs->environment[k].col;
				}
			}
			if (cs->nenv_files == 0)
				continue;
			op = new_op(r, lm, p->entry->path, cs->line);
			op->override = true; /* the container's environment is built from them */
			for (k = 0; k < cs->nenv_files; k++)
				op_add_file(op, path_join(cdir, cs->env_files[k].path),
					    !cs->env_files[k].required);
		}
		free(cdir);
	}
}

static int
op_cmp_lowest(const void *a, const void *b)
{
	const struct load_op *x = a, *y = b;

	return (int)x->lowest - (int)y->lowest;
}

/*
 * A services entry of .envlint.yml pins what detection cannot see: the
 * loader, the env files in priority order (highest first), the override flag.
 */
static bool
detect_pinned(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct config_service *cs = config_service_find(s->opts.config, svc->path);
	const struct loader_model *lm = NULL;
	const char *config_rel;
	struct load_op *op;
	size_t i, rootlen;

	if (cs == NULL || (cs->loader == NULL && !cs->has_env_files))
		return false;
	config_rel = s->opts.config->path;
	if (cs->loader != NULL)
		lm = loaders_find(s->loaders, cs->loader);
	if (lm == NULL) {
		if (cs->loader != NULL)
			note(svc, s->opts.config->path, cs->line,
			     "unknown loader '%s' in the configuration; using dotenv", cs->loader);
		lm = loaders_find(s->loaders, "dotenv");
	}
	if (lm == NULL)
		return false;
	/* Origins are shown relative to the scanned root, like every other path. */
	rootlen = strlen(s->root);
	if (strncmp(config_rel, s->root, rootlen) == 0 && config_rel[rootlen] == '/')
		config_rel += rootlen + 1;
	op = new_op(r, lm, config_rel, cs->line);
	op->order = ORDER_FIRST_WINS; /* the configuration lists files highest first */
	if (cs->override >= 0)
		op->override = cs->override == 1;
	if (cs->has_env_files) {
		for (i = 0; i < cs->env_files.len; i++)
			op_add_file(op, path_join(".", cs->env_files.items[i]), true);
	} else {
		for (i = 0; i < lm->files.len; i++) {
			char *name = expand_file_name(s, lm, lm->files.items[i]);

			if (name == NULL)
				continue;
			op_add_file(op, path_join(svc->path, name), true);
			free(name);
		}
		op->order = lm->order;
	}
	return true;
}

void
detect_service(struct scan *s, struct service *svc, struct detect_result *out)
{
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (detect_pinned(s, svc, out)) {
		size_t nnotes = svc->notes.len;

		/* Reads are still collected; pattern matches for loaders are ignored,
		 * and so are their notes (the pin answers them). */
		detect_sources(s, svc, out);
		for (i = nnotes; i < svc->notes.len; i++) {
			free(svc->notes.items[i].file);
			free(svc->notes.items[i].message);
		}
		svc->notes.len = nnotes;
		for (i = 0; i < out->ops.len; i++) {
			if (i > 0) {
				struct load_op *op = &out->ops.items[i];
				size_t j;

				for (j = 0; j < op->files.len; j++)
					free(op->files.items[j]);
				VEC_FREE(&op->files);
				VEC_FREE(&op->optional);
				free(op->origin_file);
			}
		}
		out->ops.len = out->ops.len ? 1 : 0;
		return;
	}
	/* Outer layers first: compose builds the container's environment, a start
	 * command's flags load before any code runs, the framework before the app. */
	detect_compose(s, svc, out);
	detect_commands(s, svc, out);
	detect_frameworks(s, svc, out);
	detect_sources(s, svc, out);
	/* Lowest-priority loaders (Prisma's own .env loading) run last; stable order. */
	n = out->ops.len;
	for (i = 1; i < n; i++) {
		size_t j = i;

		while (j > 0 && op_cmp_lowest(&out->ops.items[j - 1], &out->ops.items[j]) > 0) {
			struct load_op t = out->ops.items[j - 1];

			out->ops.items[j - 1] = out->ops.items[j];
			out->ops.items[j] = t;
			j--;
		}
	}
}

void
detect_result_free(struct detect_result *r)
{
	size_t i, j;

	for (i = 0; i < r->ops.len; i++) {
		struct load_op *op = &r->ops.items[i];

		for (j = 0; j < op->files.len; j++)
			free(op->files.items[j]);
		VEC_FREE(&op->files);
		VEC_FREE(&op->optional);
		free(op->origin_file);
	}
	VEC_FREE(&r->ops);
	for (i = 0; i < r->inlines.len; i++) {
		struct inline_source *in = &r->inlines.items[i];

		free(in->origin_file);
		for (j = 0; j < in->vars.len; j++) {
			free(in->vars.items[j].key);
			free(in->vars.items[j].value);
		}
		VEC_FREE(&in->vars);
	}
	VEC_FREE(&r->inlines);
}
