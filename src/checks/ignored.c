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

static void
run_ignored(struct check_ctx *ctx)
{
	struct scan *s = ctx->scan;
	size_t i, j;

	for (i = 0; i < s->env_files.len; i++) {
		struct scan_env_file *ef = &s->env_files.items[i];
		enum dotenv_dialect dialects[DOTENV_DIALECT_COUNT];
		const struct dotenv_file *df;
		const struct dotenv_binding *hit = NULL;
		const char *why = NULL;

		if (ef->entry->flags & (WALK_IGNORED | WALK_TEMPLATE))
			continue;
		scan_env_dialects(ef, dialects);
		df = scan_env_parse(s, ef, dialects[0]);
		if (df == NULL)
			continue;
		for (j = 0; j < df->nbindings && hit == NULL; j++) {
			const struct dotenv_binding *b = &df->bindings[j];

			if (value_has_password(b->raw_value)) {
				hit = b;
				why = "a connection string with a password";
			} else if (value_is_literal(s, b) && s->packs != NULL &&
				   packs_key_is_secret(s->packs, s->rx, b->key)) {
				hit = b;
				why = "a secret value";
			}
		}
		if (hit != NULL) {
			struct finding *f = finding_add(
				ctx->findings, "env-file-not-ignored",
				check_default_severity(ctx, "env-file-not-ignored"), ef->entry->path,
				hit->line, hit->col, hit->line, hit->col + (int)strlen(hit->key) - 1,
				"%s holds %s in %s but no .gitignore rule covers it, so it can be "
				"committed; add it to .gitignore and commit a template instead",
				ef->entry->path, why, hit->key);
			finding_set_subject(f, NULL, hit->key);
		}
	}
}

static const char *const ignored_rules[] = {"env-file-not-ignored", NULL};

const struct check check_ignored = {
	.family = "ignored",
	.rules = ignored_rules,
	.run = run_ignored,
};
