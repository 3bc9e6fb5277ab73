#include "model/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/discover.h"
#include "parse/compose.h"
#include "parse/expr.h"
#include "parse/manifest.h"
#include "util/buf.h"

/* Shell scripts read when looking for `docker compose --env-file` commands. */
#define COMPOSE_MAX_SCRIPTS 64

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

/* The next blank-separated word of cmd from *p (quotes dropped), or NULL at a separator. */
static char *
next_word(const char **p)
{
	const char *s = *p;
	struct buf b = BUF_INIT;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n' || *s == ';' || *s == '&' || *s == '|') {
		*p = s;
		return NULL;
	}
	buf_puts(&b, "");
	while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != ';' && *s != '&' &&
	       *s != '|') {
		if (*s != '"' && *s != '\'')
			buf_putc(&b, *s);
		s++;
	}
	*p = s;
	return buf_detach(&b);
}

/*
 * `docker compose [-f F] --env-file E ... up` in text run from dir: when the
 * command names compose_path (or names no -f and compose_path is dir's
 * compose file), its --env-file files (repository paths) go to out, in
 * order. real-world.md §2.7: they replace the project .env for interpolation.
 */
static void
env_files_in_command(const char *text, const char *dir, const char *compose_path, void *out)
{
	VEC(char *) *v = out;
	const char *p = text;

	while ((p = strstr(p, "compose")) != NULL) {
		const char *q = p + 7;
		VEC(char *) files = {0};
		bool named = false, mine = false;
		char *w;

		if (!(p >= text + 7 && strncmp(p - 7, "docker ", 7) == 0) &&
		    !(p >= text + 7 && strncmp(p - 7, "docker-", 7) == 0)) {
			p = q;
			continue;
		}
		while ((w = next_word(&q)) != NULL) {
			const char *val = NULL;
			char *nextw = NULL;

			if (strcmp(w, "--env-file") == 0 || strcmp(w, "-f") == 0 ||
			    strcmp(w, "--file") == 0)
				val = nextw = next_word(&q);
			else if (strncmp(w, "--env-file=", 11) == 0)
				val = w + 11;
			else if (strncmp(w, "--file=", 7) == 0)
				val = w + 7;
			if (val != NULL && w[2] == 'e') { /* --env-file */
				VEC_PUSH(&files, path_join(dir, val));
			} else if (val != NULL) {
				char *f = path_join(dir, val);

				named = true;
				mine = mine || strcmp(f, compose_path) == 0;
				free(f);
			}
			free(nextw);
			free(w);
		}
		if (!named) {
			char *cdir = path_dirname(compose_path);

			mine = strcmp(cdir, dir) == 0;
			free(cdir);
		}
		for (size_t i = 0; i < files.len; i++) {
			if (mine)
				VEC_PUSH(v, files.items[i]);
			else
				free(files.items[i]);
		}
		VEC_FREE(&files);
		p = q;
	}
}

void
detect_compose_env_files(struct scan *s, const char *compose_path, void *out)
{
	VEC(char *) *v = out;
	size_t i, j, nscripts = 0;

	for (i = 0; i < s->manifests.len; i++) {
		const struct scan_parsed *p = &s->manifests.items[i];
		char *dir;

		if (p->manifest->kind != MANIFEST_PACKAGE_JSON)
			continue;
		dir = path_dirname(p->entry->path);
		for (j = 0; j < p->manifest->ncommands; j++)
			env_files_in_command(p->manifest->commands[j].command, dir, compose_path, v);
		free(dir);
	}
	for (i = 0; i < s->walk->nentries && nscripts < COMPOSE_MAX_SCRIPTS; i++) {
		const struct walk_entry *e = &s->walk->entries[i];
		size_t n = strlen(e->path), len;
		struct el_error err = EL_ERROR_INIT;
		const char *data;

		if (e->kind != SCAN_FILE_SOURCE || n < 3 || strcmp(e->path + n - 3, ".sh") != 0)
			continue;
		nscripts++;
		if ((data = scan_source(s, e->path, &len, &err)) == NULL ||
		    memchr(data, '\0', len) != NULL) {
			el_error_clear(&err);
			continue;
		}
		/* Install scripts are run from the repository root (./scripts/up.sh). */
		env_files_in_command(data, ".", compose_path, v);
	}
}

/* The interpolation env of a compose file: its --env-file files, or the project .env. */
static const char *
interp_get(void *ctx, const char *name)
{
	const VEC(const struct dotenv_file *) *files = ctx;
	size_t i;
	const char *v;

	/* Later --env-file files win. */
	for (i = files->len; i > 0; i--) {
		if ((v = project_get((void *)files->items[i - 1], name)) != NULL)
			return v;
	}
	return NULL;
}

/* A compose environment: value interpolated with the project .env (not with env_file:). */
static char *
interpolate_inline(struct scan *s, struct service *svc, const char *compose_path,
		   const struct compose_var *v, bool *unknowable)
{
	char *dir = path_dirname(compose_path), *envp, *out;
	VEC(char *) names = {0};
	VEC(const struct dotenv_file *) files = {0};
	struct compose_lookup lookup = {interp_get, &files};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0, i;

	detect_compose_env_files(s, compose_path, &names);
	if (names.len == 0)
		VEC_PUSH(&names, path_join(dir, ".env"));
	for (i = 0; i < names.len; i++) {
		struct scan_env_file *ef = scan_find_env_file(s, names.items[i]);
		const struct dotenv_file *df = ef ? scan_env_parse(s, ef, DOTENV_COMPOSE) : NULL;

		if (df != NULL)
			VEC_PUSH(&files, df);
	}
	envp = xstrdup(names.items[names.len - 1]);
	vec_free_strs(&names);

	out = compose_interpolate(v->value, &lookup, &missing, &nmissing, &err);
	if (out == NULL) {
		/* ${VAR:?message} with VAR in neither the project .env nor (as far as
		 * is known) the shell: compose up stops here unless the shell sets it. */
		detect_note(svc, compose_path, v->line,
			    "%s: compose up fails unless the shell sets what %s lacks: %s", v->key,
			    envp, err.msg ? err.msg : "a required variable is unset");
		out = xstrdup(v->value);
		*unknowable = true;
	}
	for (i = 0; i < nmissing; i++)
		detect_note(svc, compose_path, v->line,
		     "${%s} in %s is set neither in the shell (unknown here) nor in %s; compose "
		     "substitutes an empty string when it is unset",
		     missing[i], v->key, envp);
	compose_missing_free(missing, nmissing);
	el_error_clear(&err);
	VEC_FREE(&files);
	free(envp);
	free(dir);
	return out;
}

/* compose: environment: beats env_file:, later env_file entries win. */
void
detect_compose(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_model *lm = loaders_find(s->loaders, "compose");
	size_t i, k;

	/* The compose services that build this folder, in compose file order. */
	for (i = 0; i < svc->compose_builds.len && lm != NULL; i++) {
		const struct compose_ref *ref = &svc->compose_builds.items[i];
		const struct scan_parsed *p = &s->composes.items[ref->file];
		const struct compose_service *cs = &p->compose->services[ref->service];
		struct load_op *op;
		char *cdir;

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
									&cs->environment[k],
									&v->unknowable);
				v->line = cs->environment[k].line;
				v->col = cs->environment[k].col;
			}
		}
		if (cs->nenv_files == 0)
			continue;
		op = detect_new_op(r, lm, p->entry->path, cs->line);
		op->override = true; /* the container's environment is built from them */
		cdir = path_dirname(p->entry->path);
		for (k = 0; k < cs->nenv_files; k++)
			detect_op_add_file(op, path_join(cdir, cs->env_files[k].path),
				    !cs->env_files[k].required);
		free(cdir);
	}
}

/*
 * A services entry of .envlint.yml pins what detection cannot see: the
 * loader, the env files in priority order (highest first), the override flag.
 */
bool
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
			detect_note(svc, s->opts.config->path, cs->line,
			     "unknown loader '%s' in the configuration; using dotenv", cs->loader);
		lm = loaders_find(s->loaders, "dotenv");
	}
	if (lm == NULL)
		return false;
	/* Origins are shown relative to the scanned root, like every other path. */
	rootlen = strlen(s->root);
	if (strncmp(config_rel, s->root, rootlen) == 0 && config_rel[rootlen] == '/')
		config_rel += rootlen + 1;
	op = detect_new_op(r, lm, config_rel, cs->line);
	op->order = ORDER_FIRST_WINS; /* the configuration lists files highest first */
	if (cs->override >= 0)
		op->override = cs->override == 1;
	if (cs->has_env_files) {
		for (i = 0; i < cs->env_files.len; i++)
			detect_op_add_file(op, path_join(".", cs->env_files.items[i]), true);
	} else {
		for (i = 0; i < lm->files.len; i++) {
			char *name = detect_expand_file_name(s, lm, lm->files.items[i], NULL);

			if (name == NULL)
				continue;
			detect_op_add_file(op, path_join(svc->path, name), true);
			free(name);
		}
		op->order = lm->order;
	}
	return true;
}
