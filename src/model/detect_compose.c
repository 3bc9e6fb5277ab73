#include "model/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/discover.h"
#include "parse/compose.h"
#include "parse/expr.h"
#include "util/buf.h"

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
		   const struct compose_var *v, bool *unknowable)
{
	char *dir = path_dirname(compose_path), *envp = path_join(dir, ".env"), *out;
	struct scan_env_file *ef = scan_find_env_file(s, envp);
	const struct dotenv_file *df = ef ? scan_env_parse(s, ef, DOTENV_COMPOSE) : NULL;
	struct compose_lookup lookup = {project_get, (void *)df};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0, i;

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
	free(envp);
	free(dir);
	return out;
}

/* compose: environment: beats env_file:, later env_file entries win. */
void
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

			if (p->build_dirs[j] == NULL || strcmp(p->build_dirs[j], svc->path) != 0)
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
			for (k = 0; k < cs->nenv_files; k++)
				detect_op_add_file(op, path_join(cdir, cs->env_files[k].path),
					    !cs->env_files[k].required);
		}
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
