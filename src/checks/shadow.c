/*
 * Load-order rules over each service's effective environment:
 * root-value-shadowed, service-value-ignored, root-env-not-loaded,
 * unexpanded-reference and undefined-reference.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "model/discover.h"
#include "model/platforms.h"
#include "model/reads.h"
#include "model/resolve.h"
#include "model/service.h"
#include "parse/url.h"
#include "util/buf.h"
#include "util/vec.h"

static bool
is_root_file(const char *file)
{
	return strchr(file, '/') == NULL && strncmp(file, "..", 2) != 0;
}

static bool
is_own_file(const struct service *svc, const struct env_def *d)
{
	return d->source->kind == SOURCE_ENV_FILE && strcmp(svc->path, ".") != 0 &&
	       path_inside(d->file, svc->path);
}

static bool
same_value(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
is_connection(const struct env_def *a, const struct env_def *b)
{
	return (a->value && url_looks_like_dsn(a->value)) ||
	       (b->value && url_looks_like_dsn(b->value));
}

static const char *
loader_phrase(const struct env_def *d)
{
	return d->source->override ? "with override" : "ahead of the root file";
}

static struct finding *
add_at_def(struct check_ctx *ctx, const char *rule, enum severity sev, const struct service *svc,
	   const char *key, const struct env_def *d, const char *fmt, const char *a,
	   const char *b, const char *c)
{
	struct finding *f = finding_add(ctx->findings, rule, sev, d->file, d->line, d->col,
					d->end_line, d->end_line == d->line ? d->end_col : 0, fmt,
					a, b, c);

	finding_set_subject(f, svc->path, key);
	f->template = d->source->template;
	return f;
}

/*
 * A value that only the container sees wins only inside it: the image's ENV,
 * the entrypoint's exports, and a compose `environment:` entry. The service's
 * own file still takes effect when it runs on the host (`vite dev`, local
 * development), so it is not "ignored" (explain shows the shadowing). A file
 * that compose itself reads through env_file is, since compose reads it only
 * for the container.
 */
static bool
container_only(const struct env_def *w, const struct env_def *d)
{
	if (w->source->kind != SOURCE_INLINE)
		return false;
	if (w->source->inline_kind == INLINE_DOCKERFILE || w->source->inline_kind == INLINE_EXPORT ||
	    w->source->inline_kind == INLINE_ENTRY_DEFAULT)
		return true;
	return w->source->inline_kind == INLINE_COMPOSE && w->source->loader != NULL &&
	       strcmp(w->source->loader, "compose") == 0 && d->source->loader != NULL &&
	       strcmp(d->source->loader, "compose") != 0;
}

static void
check_shadowing(struct check_ctx *ctx, const struct service *svc, const struct env_entry *e)
{
	const struct env_def *w = &e->winner;
	size_t i;

	for (i = 0; i < e->shadowed.len; i++) {
		const struct env_def *d = &e->shadowed.items[i];
		struct finding *f;
		char *loc;

		if (same_value(d->value, w->value))
			continue;
		if (is_own_file(svc, w) && is_root_file(d->file)) {
			f = add_at_def(ctx, "root-value-shadowed",
				       is_connection(w, d) ? SEV_ERROR : SEV_WARNING, svc, e->key, w,
				       "%s sets %s, so the root .env value never reaches %s",
				       w->file, e->key, svc->path);
			loc = xasprintf("root definition (%s reads %s %s)", w->source->loader,
					w->source->template && w->source->standin_for
						? w->source->standin_for
						: w->file,
					loader_phrase(w));
			finding_add_related(f, d->file, d->line, d->col, loc);
			free(loc);
		} else if (is_own_file(svc, d) && !is_own_file(svc, w) && !container_only(w, d)) {
			char *where = xasprintf("%s:%d", w->file, w->line);

			f = add_at_def(ctx, "service-value-ignored",
				       check_default_severity(ctx, "service-value-ignored"), svc,
				       e->key, d,
				       "%s sets %s, but %s takes precedence, so this value never "
				       "takes effect",
				       d->file, e->key, where);
			finding_add_related(f, w->file, w->line, w->col, "the definition that wins");
			free(where);
		}
	}
}

/* Whether a location was already reported for another service; if so, note the service. */
static bool
already_reported(struct check_ctx *ctx, const char *rule, const struct env_def *d,
		 const char *key)
{
	size_t i;

	for (i = 0; i < ctx->findings->items.len; i++) {
		const struct finding *f = &ctx->findings->items.items[i];

		if (strcmp(f->rule, rule) == 0 && f->loc.line == d->line &&
		    strcmp(f->loc.file, d->file) == 0 && f->key && strcmp(f->key, key) == 0)
			return true;
	}
	return false;
}

/* Every name the expansion missed is set by the deploy platform: defined where it runs. */
static bool
all_injected(const struct service *svc, const struct env_def *d)
{
	size_t i;

	for (i = 0; i < d->undefined.len; i++) {
		if (platforms_find(svc, d->undefined.items[i]) == NULL)
			return false;
	}
	return true;
}

static void
check_references(struct check_ctx *ctx, const struct service *svc, const struct env_entry *e)
{
	const struct env_def *w = &e->winner;
	struct buf names = BUF_INIT;
	size_t i;

	if (w->unexpanded && !already_reported(ctx, "unexpanded-reference", w, e->key)) {
		add_at_def(ctx, "unexpanded-reference",
			   check_default_severity(ctx, "unexpanded-reference"), svc, e->key, w,
			   "%s holds a ${...} reference, but %s does not expand references, so "
			   "%s sees the literal text",
			   e->key, w->source->loader, svc->path);
	}
	if (w->undefined.len > 0 && !already_reported(ctx, "undefined-reference", w, e->key) &&
	    !all_injected(svc, w)) {
		const struct env_entry *later = NULL;
		struct finding *f;

		for (i = 0; i < w->undefined.len; i++) {
			buf_printf(&names, "%s${%s}", i ? ", " : "", w->undefined.items[i]);
			if (later == NULL)
				later = resolve_find(svc, w->undefined.items[i]);
		}
		if (later != NULL && later->winner.value != NULL) {
			/* Defined, but not where this loader looks when it expands. */
			f = add_at_def(ctx, "undefined-reference",
				       check_default_severity(ctx, "undefined-reference"), svc, e->key,
				       w,
				       "%s references %s, which is not set yet when %s expands this "
				       "file, so it expands to an empty string",
				       e->key, buf_cstr(&names), w->source->loader);
			finding_add_related(f, later->winner.file, later->winner.line,
					    later->winner.col,
					    "defined here, but loaded later or at a lower priority");
			buf_free(&names);
			return;
		}
		/* A secret manager's environment is unknown here: it may define them (§2.11). */
		if (svc->secrets != NULL) {
			buf_free(&names);
			return;
		}
		add_at_def(ctx, "undefined-reference",
			   check_default_severity(ctx, "undefined-reference"), svc, e->key, w,
			   "%s references %s, defined nowhere %s can see, so it expands to an "
			   "empty string",
			   e->key, buf_cstr(&names), svc->path);
	}
	buf_free(&names);
}

/* The repository's root env files, not templates, in walk order. */
typedef VEC(struct scan_env_file *) root_files;

static void
collect_root_files(struct scan *s, root_files *out)
{
	size_t i;

	for (i = 0; i < s->env_files.len; i++) {
		struct scan_env_file *ef = &s->env_files.items[i];

		if (is_root_file(ef->entry->path) && !(ef->entry->flags & WALK_TEMPLATE))
			VEC_PUSH(out, ef);
	}
}

/* Root env files that define key, as the first such definition. */
static const struct dotenv_binding *
root_definition(struct scan *s, const root_files *roots, const char *key, bool ci,
		const char **file)
{
	size_t i, j;

	for (i = 0; i < roots->len; i++) {
		struct scan_env_file *ef = roots->items[i];
		const struct dotenv_file *df = scan_env_parse(s, ef, DOTENV_NODE_DOTENV);

		for (j = 0; df != NULL && j < df->nbindings; j++) {
			if ((ci ? strcasecmp(df->bindings[j].key, key)
				: strcmp(df->bindings[j].key, key)) == 0) {
				*file = ef->entry->path;
				return &df->bindings[j];
			}
		}
	}
	return NULL;
}

static bool
reads_root_file(const struct service *svc)
{
	size_t i;

	for (i = 0; i < svc->sources.len; i++) {
		const struct env_source *src = &svc->sources.items[i];

		if (src->kind == SOURCE_ENV_FILE && is_root_file(src->file))
			return true;
	}
	return false;
}

/* The service defines key (case-insensitively for pydantic settings fields). */
static bool
defines(const struct service *svc, const char *key, bool ci)
{
	size_t i;

	if (!ci)
		return resolve_find(svc, key) != NULL;
	for (i = 0; i < svc->env.len; i++) {
		if (strcasecmp(svc->env.items[i].key, key) == 0)
			return true;
	}
	return false;
}

static bool
inherits(const struct service *svc, const char *key)
{
	size_t i, j;

	for (i = 0; i < svc->sources.len; i++) {
		const struct env_source *src = &svc->sources.items[i];

		for (j = 0; j < src->vars.len; j++) {
			if (strcmp(src->vars.items[j].key, key) == 0)
				return true;
		}
	}
	return false;
}

static void
check_root_not_loaded(struct check_ctx *ctx, const root_files *roots, struct service *svc)
{
	size_t i, j;

	/* With a secret manager around the command, the value may come from it (§2.11). */
	if (strcmp(svc->path, ".") == 0 || reads_root_file(svc) || svc->secrets != NULL)
		return;
	for (i = 0; i < svc->reads.len; i++) {
		const struct env_read *rd = &svc->reads.items[i];
		const struct dotenv_binding *b;
		const char *file = NULL;
		struct finding *f;
		char *note;
		bool dup = false;

		bool ci = reads_case_insensitive(ctx->scan, rd->kind);

		if (!rd->runtime || defines(svc, rd->key, ci) || inherits(svc, rd->key) ||
		    platforms_find(svc, rd->key) != NULL)
			continue;
		for (j = 0; j < i && !dup; j++)
			dup = strcmp(svc->reads.items[j].key, rd->key) == 0;
		if (dup || (b = root_definition(ctx->scan, roots, rd->key, ci, &file)) == NULL)
			continue;
		f = finding_add(ctx->findings, "root-env-not-loaded",
				check_default_severity(ctx, "root-env-not-loaded"), rd->file,
				rd->line, rd->col, rd->line, 0,
				"%s reads %s, which only the root %s defines, but %s never reads the "
				"root file (loader: %s)",
				svc->path, rd->key, file, svc->path, svc->loader);
		finding_set_subject(f, svc->path, rd->key);
		note = xasprintf("%s is defined here", rd->key);
		finding_add_related(f, file, b->line, b->col, note);
		free(note);
	}
}

static void
run_shadow(struct check_ctx *ctx)
{
	struct scan *s = ctx->scan;
	root_files roots = {0};
	size_t i, j;

	collect_root_files(s, &roots);
	for (i = 0; i < s->services.len; i++) {
		struct service *svc = s->services.items[i];

		for (j = 0; j < svc->env.len; j++) {
			check_shadowing(ctx, svc, &svc->env.items[j]);
			check_references(ctx, svc, &svc->env.items[j]);
		}
		check_root_not_loaded(ctx, &roots, svc);
	}
	VEC_FREE(&roots);
}

static const char *const shadow_rules[] = {"root-value-shadowed", "service-value-ignored",
					   "root-env-not-loaded", "unexpanded-reference",
					   "undefined-reference", NULL};

const struct check check_shadow = {
	.family = "shadow",
	.rules = shadow_rules,
	.run = run_shadow,
};
