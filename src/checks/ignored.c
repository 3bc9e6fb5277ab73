/*
 * env-file-not-ignored: a real (non-template) env file that holds a secret —
 * a connection string with a password, or a non-empty value under a
 * secret-looking key — and that no ignore rule covers, so `git add .` commits it.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "config/pack.h"
#include "model/loaders.h"
#include "parse/url.h"
#include "util/xalloc.h"
#include "walk/gitindex.h"

/* Whether a value is a connection string carrying a literal password. */
static bool
value_has_password(const char *value)
{
	struct url *u = NULL;
	bool has;

	if (value == NULL || !url_looks_like_dsn(value))
		return false;
	if (url_parse(&u, value, strlen(value), NULL) != 0)
		return false;
	has = u->password.present && u->password.value != NULL && u->password.value[0] != '\0' &&
	      !u->password.unresolved;
	url_free(u);
	return has;
}

static bool
value_is_literal(const struct scan *s, const struct dotenv_binding *b)
{
	/* "${SECRET}" alone, an op:// reference or a dotenvx encrypted: value stand
	 * for a secret kept elsewhere (real-world.md §2.11): not a secret. */
	return b->raw_value != NULL && b->raw_value[0] != '\0' && b->raw_value[0] != '$' &&
	       (s->loaders == NULL || loaders_opaque(s->loaders, b->raw_value) == NULL);
}

/* The first binding of an env file that holds a secret, and why; NULL when none. */
static const struct dotenv_binding *
secret_binding(struct scan *s, struct scan_env_file *ef, const char **why)
{
	enum dotenv_dialect dialects[DOTENV_DIALECT_COUNT];
	const struct dotenv_file *df;
	size_t j;

	scan_env_dialects(ef, dialects);
	df = scan_env_parse(s, ef, dialects[0]);
	if (df == NULL)
		return NULL;
	for (j = 0; j < df->nbindings; j++) {
		const struct dotenv_binding *b = &df->bindings[j];

		if (value_has_password(b->raw_value)) {
			*why = "a connection string with a password";
			return b;
		}
		if (value_is_literal(s, b) && s->packs != NULL &&
		    packs_key_is_secret(s->packs, s->rx, b->key)) {
			*why = "a secret value";
			return b;
		}
	}
	return NULL;
}

struct candidate {
	const struct scan_env_file *ef;
	const struct dotenv_binding *hit;
	const char *why;
};

/*
 * Env files with a secret that git will commit: not ignored, or ignored but
 * already in the index (an ignore rule does not untrack a file). A symbolic
 * link is skipped: git stores the link's target path, not the secret, and the
 * target is judged where it lies.
 */
static void
run_ignored(struct check_ctx *ctx)
{
	struct scan *s = ctx->scan;
	VEC(struct candidate) cands = {0};
	const char **paths;
	bool *tracked;
	struct el_error err = EL_ERROR_INIT;
	size_t i;

	for (i = 0; i < s->env_files.len; i++) {
		struct scan_env_file *ef = &s->env_files.items[i];
		const struct dotenv_binding *hit;
		const char *why = NULL;

		if (ef->entry->flags & (WALK_TEMPLATE | WALK_SYMLINK))
			continue;
		if ((hit = secret_binding(s, ef, &why)) != NULL)
			VEC_PUSH(&cands, ((struct candidate){ef, hit, why}));
	}
	if (cands.len == 0)
		return;
	paths = xcalloc(cands.len, sizeof(*paths));
	tracked = xcalloc(cands.len, sizeof(*tracked));
	for (i = 0; i < cands.len; i++)
		paths[i] = cands.items[i].ef->entry->path;
	if (gitindex_tracked(s->root, paths, cands.len, tracked, &err) != 0) {
		scan_diag(s, err.path ? err.path : ".git/index", false,
			  "%s; env files that git tracks although ignored are not reported",
			  err.msg);
		el_error_clear(&err);
	}
	for (i = 0; i < cands.len; i++) {
		const struct candidate *c = &cands.items[i];
		const char *path = c->ef->entry->path;
		bool ignored = (c->ef->entry->flags & WALK_IGNORED) != 0;
		struct finding *f;
		enum severity sev = check_default_severity(ctx, "env-file-not-ignored");
		int l = c->hit->line, col = c->hit->col, ecol = col + (int)strlen(c->hit->key) - 1;

		if (tracked[i] && ignored)
			f = finding_add(ctx->findings, "env-file-not-ignored", sev, path, l, col, l,
					ecol,
					"%s holds %s in %s and git tracks it although .gitignore "
					"covers it (ignoring does not untrack a file), so every "
					"commit includes it; untrack it with `git rm --cached %s` "
					"and rotate the secret",
					path, c->why, c->hit->key, path);
		else if (tracked[i])
			f = finding_add(ctx->findings, "env-file-not-ignored", sev, path, l, col, l,
					ecol,
					"%s holds %s in %s and git tracks it, so every commit "
					"includes it; add it to .gitignore, untrack it with `git rm "
					"--cached %s`, commit a template instead and rotate the secret",
					path, c->why, c->hit->key, path);
		else if (!ignored)
			f = finding_add(ctx->findings, "env-file-not-ignored", sev, path, l, col, l,
					ecol,
					"%s holds %s in %s but no .gitignore rule covers it, so it "
					"can be committed; add it to .gitignore and commit a template "
					"instead",
					path, c->why, c->hit->key);
		else
			continue;
		finding_set_subject(f, NULL, c->hit->key);
	}
	free(paths);
	free(tracked);
	VEC_FREE(&cands);
}

static const char *const ignored_rules[] = {"env-file-not-ignored", NULL};

const struct check check_ignored = {
	.family = "ignored",
	.rules = ignored_rules,
	.run = run_ignored,
};
