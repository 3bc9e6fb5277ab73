#include "model/detect.h"
#include "model/detect_int.h"
#include "model/platforms.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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


void
detect_note(struct service *svc, const char *file, int line, const char *fmt, ...)
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

/* The version spec of a dependency of svc, "" when listed without one, NULL when absent. */
static const char *
dep_version(const struct scan *s, const struct service *svc, const char *name)
{
	size_t i, j;

	(void)s;
	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct manifest *m = svc->own_manifests.items[i]->manifest;

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

/* Whether a dependency of svc is listed only in a development or test group. */
static bool
dep_dev_only(const struct service *svc, const char *name)
{
	size_t i, j;
	bool seen = false;

	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct manifest *m = svc->own_manifests.items[i]->manifest;

		for (j = 0; j < m->ndeps; j++) {
			if (strcmp(m->deps[j].name, name) != 0)
				continue;
			if (!m->deps[j].dev)
				return false;
			seen = true;
		}
	}
	return seen;
}

/* Whether svc depends on one of the loader's packages (any service when it names none). */
static bool
has_package(const struct scan *s, const struct service *svc, const struct loader_model *lm)
{
	const char *env = s->opts.env ? s->opts.env : "development";
	size_t i;

	if (lm->packages.len == 0)
		return true;
	for (i = 0; i < lm->packages.len; i++) {
		const char *v = dep_version(s, svc, lm->packages.items[i]);
		int major;

		if (v == NULL)
			continue;
		major = spec_major(v);
		if (lm->max_major > 0 && major > lm->max_major)
			continue;
		if (lm->dev_not_in_production && strcmp(env, "production") == 0 &&
		    dep_dev_only(svc, lm->packages.items[i]))
			continue;
		return true;
	}
	return false;
}

static bool
service_has_file(const struct scan *s, const struct service *svc, const char *name)
{
	size_t i;

	for (i = 0; i < svc->files.len; i++) {
		const char *p = s->walk->entries[svc->files.items[i]].path, *base = strrchr(p, '/');

		base = base ? base + 1 : p;
		if (strcmp(base, name) == 0)
			return true;
	}
	return false;
}

/* The service's own manifest of a kind, or NULL. */
static const struct scan_parsed *
own_manifest(const struct service *svc, enum manifest_kind kind)
{
	size_t i;

	for (i = 0; i < svc->own_manifests.len; i++) {
		if (svc->own_manifests.items[i]->manifest->kind == kind)
			return svc->own_manifests.items[i];
	}
	return NULL;
}

static const struct manifest_command *
find_command(const struct manifest *m, const char *name)
{
	size_t i;

	for (i = 0; m != NULL && i < m->ncommands; i++) {
		if (strcmp(m->commands[i].name, name) == 0)
			return &m->commands[i];
	}
	return NULL;
}

/*
 * What a container runs, as Docker composes it: an exec-form ENTRYPOINT
 * takes CMD as its arguments, a shell-form one ignores CMD; compose's
 * entrypoint: replaces the image's and drops its CMD, command: replaces CMD.
 */
static char *
container_command(const struct manifest *df, const char *c_entrypoint, const char *c_command)
{
	const struct manifest_command *ep = find_command(df, "ENTRYPOINT");
	const struct manifest_command *cmd = find_command(df, "CMD");
	const char *e = c_entrypoint ? c_entrypoint : ep ? ep->command : NULL;
	const char *a = c_command ? c_command : c_entrypoint ? NULL : cmd ? cmd->command : NULL;

	if (e != NULL && c_entrypoint == NULL && ep != NULL && !ep->exec_form)
		a = NULL;
	if (e != NULL && a != NULL)
		return xasprintf("%s %s", e, a);
	return xstrdup(e != NULL ? e : a != NULL ? a : "");
}

static void
add_start(struct start_command *out, size_t *n, const char *text, char *owned, const char *file,
	  int line, const char *workdir, const struct manifest *scripts)
{
	out[*n].text = owned ? owned : text;
	out[*n].owned = owned;
	out[*n].file = file;
	out[*n].line = line;
	out[*n].workdir = workdir;
	out[*n].scripts = scripts;
	out[*n].cwd = NULL;
	(*n)++;
}

size_t
detect_start_commands(const struct scan *s, const struct service *svc, struct start_command *out,
		      size_t max)
{
	const struct loader_set *ls = s->loaders;
	const struct scan_parsed *pkg = own_manifest(svc, MANIFEST_PACKAGE_JSON);
	const struct manifest *scripts = pkg ? pkg->manifest : NULL;
	int e = loaders_env_index(s->opts.env);
	size_t i, j, k, n = 0;

	for (i = 0; i < svc->own_manifests.len && n < max; i++) {
		const struct scan_parsed *p = svc->own_manifests.items[i];
		const struct manifest *m = p->manifest;

		if (m->kind == MANIFEST_PACKAGE_JSON) {
			/* The first runtime script of the list that the package defines. */
			for (k = 0; k < ls->runtime_scripts[e].len; k++) {
				const struct manifest_command *c =
				    find_command(m, ls->runtime_scripts[e].items[k]);

				if (c != NULL) {
					add_start(out, &n, c->command, NULL, p->entry->path, c->line,
						  NULL, m);
					break;
				}
			}
		} else if (m->kind == MANIFEST_PROCFILE) {
			for (j = 0; j < m->ncommands && n < max; j++)
				add_start(out, &n, m->commands[j].command, NULL, p->entry->path,
					  m->commands[j].line, NULL, scripts);
		} else if (m->kind == MANIFEST_DOCKERFILE && m->ncommands > 0) {
			const struct manifest_command *ep = find_command(m, "ENTRYPOINT");

			add_start(out, &n, NULL, container_command(m, NULL, NULL), p->entry->path,
				  ep ? ep->line : m->commands[0].line, m->workdir, scripts);
		}
	}
	/* compose command: / entrypoint: of the services built from this folder */
	for (i = 0; i < s->composes.len && n < max; i++) {
		const struct scan_parsed *p = &s->composes.items[i];
		const struct scan_parsed *df = own_manifest(svc, MANIFEST_DOCKERFILE);
		char *cdir = path_dirname(p->entry->path);

		for (j = 0; j < p->compose->nservices && n < max; j++) {
			const struct compose_service *cs = &p->compose->services[j];
			char *dir;
			bool mine;

			if (cs->build_context == NULL || (cs->command == NULL && cs->entrypoint == NULL))
				continue;
			dir = path_join(cdir, cs->build_context);
			mine = strcmp(dir, svc->path) == 0;
			free(dir);
			if (mine)
				add_start(out, &n, NULL,
					  container_command(df ? df->manifest : NULL, cs->entrypoint,
							    cs->command),
					  p->entry->path, cs->line, df ? df->manifest->workdir : NULL,
					  scripts);
		}
		free(cdir);
	}
	return n;
}

void
detect_start_commands_free(struct start_command *cmds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cmds[i].owned);
}

static bool
any_script_matches(struct scan *s, const struct service *svc, const struct rx *rx)
{
	size_t i, j;

	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct manifest *m = svc->own_manifests.items[i]->manifest;

		for (j = 0; j < m->ncommands; j++) {
			if (rx_match(scan_rx(s), rx, m->commands[j].command,
				     strlen(m->commands[j].command), 0, NULL) == RX_MATCH)
				return true;
		}
	}
	return false;
}

/* Whether a command that starts svc for --env matches rx. */
static bool
start_script_matches(struct scan *s, const struct service *svc, const struct rx *rx)
{
	struct start_command cmds[DETECT_MAX_COMMANDS];
	size_t n = detect_start_commands(s, svc, cmds, DETECT_MAX_COMMANDS), i;
	bool found = false;

	for (i = 0; i < n && !found; i++)
		found = rx_match(scan_rx(s), rx, cmds[i].text, strlen(cmds[i].text), 0, NULL) ==
			RX_MATCH;
	detect_start_commands_free(cmds, n);
	return found;
}

/* Replace {env} in a framework file name; NULL when the file is skipped in this env. */
char *
detect_expand_file_name(const struct scan *s, const struct loader_model *lm, const char *name,
			const char *mode)
{
	const char *env = mode ? mode : s->opts.env ? s->opts.env : "development";
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

struct load_op *
detect_new_op(struct detect_result *r, const struct loader_model *lm, const char *origin, int line)
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

void
detect_inline_free(struct inline_source *in)
{
	size_t j;

	free(in->origin_file);
	for (j = 0; j < in->vars.len; j++) {
		free(in->vars.items[j].key);
		free(in->vars.items[j].value);
	}
	VEC_FREE(&in->vars);
}

void
detect_op_free(struct load_op *op)
{
	size_t j;

	for (j = 0; j < op->files.len; j++)
		free(op->files.items[j]);
	VEC_FREE(&op->files);
	VEC_FREE(&op->optional);
	free(op->origin_file);
	free(op->mode);
}

void
detect_op_add_file(struct load_op *op, char *path, bool optional)
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

/* `--mode X` in the command that starts a framework for --env (Vite), or NULL. */
static char *
framework_mode(const struct scan *s, const struct service *svc, const struct loader_model *lm)
{
	struct start_command cmds[DETECT_MAX_COMMANDS];
	size_t n = detect_start_commands(s, svc, cmds, DETECT_MAX_COMMANDS), i, len;
	const char *p, *v;
	char *mode = NULL;

	for (i = 0; i < n && lm->script != NULL && mode == NULL; i++) {
		if (rx_match(scan_rx(s), lm->script, cmds[i].text, strlen(cmds[i].text), 0, NULL) !=
		    RX_MATCH)
			continue;
		/* vite preview serves what `vite build` inlined: its mode is not the env's. */
		if (strstr(cmds[i].text, " preview") != NULL)
			continue;
		for (p = strstr(cmds[i].text, "--mode"); p != NULL; p = strstr(p + 6, "--mode")) {
			if (p[6] != '=' && p[6] != ' ')
				continue;
			for (v = p + 7; *v == ' '; v++)
				;
			for (len = 0; v[len] && !isspace((unsigned char)v[len]) && v[len] != ';' &&
				      v[len] != '&' && v[len] != '"' && v[len] != '\'';
			     len++)
				;
			if (len > 0) {
				mode = xstrndup(v, len);
				break;
			}
		}
	}
	detect_start_commands_free(cmds, n);
	return mode;
}

/* The manifest that lists one of lm's packages: the origin of its conventions. */
static const char *
package_manifest(const struct service *svc, const struct loader_model *lm)
{
	size_t i, j, k;

	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct scan_parsed *p = svc->own_manifests.items[i];

		for (j = 0; j < p->manifest->ndeps; j++)
			for (k = 0; k < lm->packages.len; k++)
				if (strcmp(p->manifest->deps[j].name, lm->packages.items[k]) == 0)
					return p->entry->path;
	}
	return svc->manifests.len ? svc->manifests.items[0] : svc->path;
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
		if (lm->script != NULL && !(lm->start_script ? start_script_matches(s, svc, lm->script)
							     : any_script_matches(s, svc, lm->script)))
			continue;
		op = detect_new_op(r, lm, package_manifest(svc, lm), 0);
		op->convention = true;
		op->mode = framework_mode(s, svc, lm);
		for (j = 0; j < lm->files.len; j++) {
			char *name = detect_expand_file_name(s, lm, lm->files.items[j], op->mode);

			if (name == NULL)
				continue;
			detect_op_add_file(op, path_join(svc->path, name), true);
			free(name);
		}
	}
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
		text = detect_value_after_text(data, len, m->end);
		after = expr_parse(lang, text, m->line, m->col, &bd.scope);
		free(text);
	}
	if (detect_arg_true(&lp->disable, args, after, &known))
		goto cleanup;
	op = detect_new_op(r, lp->loader, file, m->line);
	if (lp->has_order)
		op->order = lp->order;
	v = detect_arg_true(&lp->override, args, after, &known);
	if (!known)
		detect_note(svc, file, m->line,
		     "cannot tell statically whether this %s call overrides; assuming %s",
		     lp->loader->name, lp->loader->override ? "it does" : "it does not");
	else if (detect_arg_find(&lp->override, args, after) != NULL)
		op->override = v;
	/* dotenv: with override the last file of a path array wins (§1). */
	if (op->override && lp->loader->has_override_order && !lp->has_order)
		op->order = lp->loader->override_order;
	if (detect_arg_true(&lp->expand, args, after, &known)) {
		op->dialect = DOTENV_DOTENV_EXPAND;
		op->expands = true;
	}
	pathe = detect_arg_find(&lp->path, args, after);
	dire = detect_arg_find(&lp->dir, args, after);
	if (lp->loader->framework && dire != NULL) {
		/* Vite's envDir replaces the framework's default folder; false disables it.
		 * Without the framework running for --env (vite.config.ts of an app
		 * whose server is react-router-serve) it loads nothing. */
		struct load_op *conv = reuse_convention(r, op);

		if (conv == op) {
			r->ops.len--;
			detect_op_free(op);
			goto cleanup;
		}
		op = conv;
		if (dire->type == EXPR_BOOL && !dire->boolean)
			goto cleanup;
	}
	if (pathe != NULL) {
		detect_add_path_value(s, svc, op, file, pathe, lp);
	} else if (dire != NULL) {
		char *dir = detect_resolve_path_expr(s, svc, file, dire);

		if (dir != NULL)
			detect_add_default_files(s, svc, op, file, lp, dir);
		free(dir);
	} else {
		detect_add_default_files(s, svc, op, file, lp, NULL);
	}
cleanup:
	expr_free(args);
	expr_free(after);
	bindings_free(&bd);
}

/*
 * A path in a start command: relative to the service folder; in a Dockerfile
 * an absolute path under WORKDIR is taken as the build context copied there
 * (COPY . /app), so /app/.env is the service's .env.
 */
char *
detect_command_path(const struct service *svc, const struct start_command *c, const char *path)
{
	size_t n = c->workdir ? strlen(c->workdir) : 0;
	const char *cwd = c->cwd ? c->cwd : svc->path;

	while (n > 1 && c->workdir[n - 1] == '/')
		n--;
	if (path[0] == '/' && n > 0 && strncmp(path, c->workdir, n) == 0 && path[n] == '/')
		return path_join(cwd, path + n + 1);
	return path_join(cwd, path);
}

/*
 * dotenv's preload options in a command: `DOTENV_CONFIG_PATH=x node -r
 * dotenv/config app.js` or `... app.js dotenv_config_path=x` (either case);
 * the value without quotes, or NULL.
 */
static char *
preload_option(const char *cmd, const char *name)
{
	size_t n = strlen(name), vlen;
	const char *p, *v;

	for (p = cmd; *p; p++) {
		if ((p != cmd && !isspace((unsigned char)p[-1])) || strncasecmp(p, name, n) != 0 ||
		    p[n] != '=')
			continue;
		v = p + n + 1;
		if (*v == '"' || *v == '\'') {
			const char *e = strchr(v + 1, *v);

			if (e == NULL)
				return NULL;
			return xstrndup(v + 1, (size_t)(e - v - 1));
		}
		for (vlen = 0; v[vlen] && !isspace((unsigned char)v[vlen]) && v[vlen] != ';' &&
			       v[vlen] != '&';
		     vlen++)
			;
		return vlen ? xstrndup(v, vlen) : NULL;
	}
	return NULL;
}

/*
 * Start commands: first the wrappers around the program (detect_wrap.c),
 * outer layers first, then the loader flags of the program itself (node
 * --env-file, -r dotenv/config): every match of one command is one
 * operation. Only the program's own words are scanned, so `op run
 * --env-file=.env -- node app.js` is not node's --env-file.
 */
static void
detect_commands(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	struct start_command cmds[DETECT_MAX_COMMANDS];
	size_t n = detect_start_commands(s, svc, cmds, DETECT_MAX_COMMANDS), i, j;

	detect_root_layers(s, svc, r);
	for (i = 0; i < n; i++) {
		struct source_matches ms = {0};
		struct load_op *op = NULL;
		char *text = detect_wrap_command(s, svc, r, &cmds[i]);

		if (text == NULL)
			continue;
		if (source_scan_set(&ms, scan_rx(s), LANG_SHELL, text, strlen(text), ls->flat_set,
				    NULL) != 0) {
			source_matches_free(&ms);
			free(text);
			continue;
		}
		for (j = 0; j < ms.len; j++) {
			const struct source_match *m = &ms.items[j];
			size_t idx = (size_t)(m->pattern - ls->flat.items);
			const struct loader_pattern *lp;
			const char *path = source_group(m, "path");
			char *clean;
			size_t plen;

			if (idx >= ls->patterns.len)
				continue; /* a read pattern ($VAR in the command) */
			lp = ls->patterns.items[idx];
			if (path == NULL) {
				/* node -r dotenv/config: the loader's default files, or
				 * DOTENV_CONFIG_PATH=... / dotenv_config_path=... */
				char *cfg = preload_option(cmds[i].text, "dotenv_config_path");
				char *ov = preload_option(cmds[i].text, "dotenv_config_override");

				op = detect_new_op(r, lp->loader, cmds[i].file, cmds[i].line);
				if (ov != NULL)
					op->override = strcmp(ov, "true") == 0;
				if (cfg != NULL)
					detect_op_add_file(op, detect_command_path(svc, &cmds[i], cfg), true);
				else
					detect_add_default_files(s, svc, op, cmds[i].file, lp, NULL);
				free(cfg);
				free(ov);
				op = NULL;
				continue;
			}
			if (op == NULL || op->loader != lp->loader || !lp->group_by_line)
				op = detect_new_op(r, lp->loader, cmds[i].file, cmds[i].line);
			plen = strlen(path);
			if (plen >= 2 && (path[0] == '"' || path[0] == '\''))
				clean = xstrndup(path + 1, plen - 2);
			else
				clean = xstrdup(path);
			detect_op_add_file(op, detect_command_path(svc, &cmds[i], clean),
					   source_group(m, "optional") != NULL);
			free(clean);
		}
		source_matches_free(&ms);
		free(text);
	}
	detect_start_commands_free(cmds, n);
}

/* Whether YAML text holds an ERB output tag (Rails config/NAME.yml). */
static bool
erb_yaml(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++) {
		if (data[i] == '<' && data[i + 1] == '%' && data[i + 2] == '=')
			return true;
	}
	return false;
}

static int
match_cmp(const void *a, const void *b)
{
	const struct source_match *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
}

enum source_lang
detect_scan_lang(const struct walk_entry *e, const char *data, size_t len)
{
	const char *base = strrchr(e->path, '/');
	enum source_lang lang = source_lang_of(base ? base + 1 : e->path);

	if (e->kind == SCAN_FILE_SOURCE)
		return lang;
	/* Rails renders config/NAME.yml through ERB first: the code in <%= %> is
	 * Ruby that runs in the app (database.yml's ENV.fetch). Other YAML is
	 * data, not code that reads the environment. */
	if (e->kind == SCAN_FILE_CONFIG && lang == LANG_YAML && erb_yaml(data, len))
		return LANG_RUBY;
	return LANG_NONE;
}

static void
detect_sources(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	const char *env = s->opts.env ? s->opts.env : "development";
	size_t i, j;

	for (i = 0; i < svc->files.len; i++) {
		const struct walk_entry *e = &s->walk->entries[svc->files.items[i]];
		struct el_error err = EL_ERROR_INIT;
		struct source_matches ms = {0};
		enum source_lang lang;
		const char *base;
		const char *data;
		size_t len, first_op;
		bool test_code;
		int rc;
		const struct loader_pattern *wrap;

		if (e->kind != SCAN_FILE_SOURCE && e->kind != SCAN_FILE_CONFIG)
			continue;
		/* Loader calls in test code (a jest setup file) run only under --env test. */
		test_code = reads_test_entry(s, e);
		base = strrchr(e->path, '/');
		lang = source_lang_of(base ? base + 1 : e->path);
		if (e->kind == SCAN_FILE_CONFIG && lang != LANG_YAML)
			continue;
		if ((data = scan_entry_source(s, e, &len, &err)) == NULL) {
			scan_diag(s, e->path, false, "%s", err.msg ? err.msg : "unreadable");
			goto next;
		}
		if ((lang = detect_scan_lang(e, data, len)) == LANG_NONE)
			goto next;
		if (!scan_take_matches(s, e, ls->flat_set, &ms, &rc, &err))
			rc = source_scan_set(&ms, scan_rx(s), lang, data, len, ls->flat_set, &err);
		if (rc != 0) {
			scan_diag(s, e->path, false, "%s", err.msg ? err.msg : "pattern error");
			goto next;
		}
		if (ms.limit_hit)
			scan_diag(s, e->path, false,
				  "pattern '%s' hit its regex match limit; the file may be "
				  "incompletely analysed",
				  ms.limit_pattern ? ms.limit_pattern : "?");
		/* Calls run in source order, whichever loader they belong to. */
		if (ms.len > 1)
			qsort(ms.items, ms.len, sizeof(ms.items[0]), match_cmp);
		first_op = r->ops.len;
		wrap = NULL;
		for (j = 0; j < ms.len; j++) {
			const struct source_match *m = &ms.items[j];
			size_t idx = (size_t)(m->pattern - ls->flat.items);

			if (idx < ls->patterns.len && ls->patterns.items[idx]->wraps != NULL &&
			    (ls->patterns.items[idx]->requires == NULL ||
			     strstr(data, ls->patterns.items[idx]->requires) != NULL))
				wrap = ls->patterns.items[idx];

			if (idx >= ls->patterns.len + ls->reads.len) {
				if (!test_code)
					detect_schema_default(svc, r, e->path, m);
			} else if (idx >= ls->patterns.len)
				reads_add_match(s, svc, e, data, len, m, idx - ls->patterns.len);
			else if ((!test_code || strcmp(env, "test") == 0) &&
				 !bindings_in_string(lang, data, len, m->start) &&
				 !bindings_guarded_out(lang, data, m->start, env))
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
	}
}

static int
op_cmp_lowest(const void *a, const void *b)
{
	const struct load_op *x = a, *y = b;

	return (int)x->lowest - (int)y->lowest;
}

void
detect_service(struct scan *s, struct service *svc, struct detect_result *out)
{
	size_t i, n;

	memset(out, 0, sizeof(*out));
	platforms_detect(s, svc);
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
			if (i > 0)
				detect_op_free(&out->ops.items[i]);
		}
		out->ops.len = out->ops.len ? 1 : 0;
		return;
	}
	/* Outer layers first: compose builds the container's environment, a start
	 * command's flags load before any code runs, the framework before the app. */
	detect_compose(s, svc, out);
	detect_image(s, svc, out);
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
	size_t i;

	for (i = 0; i < r->ops.len; i++)
		detect_op_free(&r->ops.items[i]);
	VEC_FREE(&r->ops);
	for (i = 0; i < r->inlines.len; i++)
		detect_inline_free(&r->inlines.items[i]);
	VEC_FREE(&r->inlines);
}
