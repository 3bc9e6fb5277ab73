/*
 * Per-file rules, run in the dialect of every loader that reads the file:
 * duplicate-key, invalid-line and ambiguous-value.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "util/buf.h"

/*
 * The loaders whose readings of a line are compared for ambiguous-value: the
 * ones a line is most often shared between in a monorepo (a Node service, a
 * Python service and docker compose reading one root .env).
 */
static const enum dotenv_dialect ambiguity_dialects[] = {
	DOTENV_NODE_DOTENV,
	DOTENV_NODE_CORE,
	DOTENV_PYTHON_DOTENV,
	DOTENV_COMPOSE,
};
#define NAMBIGUITY (sizeof(ambiguity_dialects) / sizeof(ambiguity_dialects[0]))

static const char *
problem_policy(enum dotenv_problem_kind k)
{
	switch (k) {
	case DOTENV_PROBLEM_SKIPPED: return "silently ignores this line";
	case DOTENV_PROBLEM_SKIPPED_WARN: return "skips this line with a warning";
	case DOTENV_PROBLEM_FILE_REJECTED: return "rejects the whole file because of this line";
	case DOTENV_PROBLEM_STOPPED: return "stops loading at this line, keeping only the lines above";
	case DOTENV_PROBLEM_MISREAD: return "misreads this line";
	}
	return "cannot read this line";
}

static void
check_duplicates(struct check_ctx *ctx, const char *path, const struct dotenv_file *df)
{
	const char *dname = dotenv_dialect_name(df->dialect);
	bool first_wins = dotenv_dialect_first_duplicate_wins(df->dialect);
	size_t i, j;

	for (i = 0; i < df->nbindings; i++) {
		const struct dotenv_binding *b = &df->bindings[i];
		const struct dotenv_binding *prev = NULL, *winner;
		struct finding *f;

		for (j = i; j-- > 0;) {
			if (strcmp(df->bindings[j].key, b->key) == 0) {
				prev = &df->bindings[j];
				break;
			}
		}
		if (prev == NULL)
			continue;
		/* Report each repeat once, against the definition just before it. */
		winner = b;
		if (first_wins) {
			for (j = 0; j < i; j++) {
				if (strcmp(df->bindings[j].key, b->key) == 0) {
					winner = &df->bindings[j];
					break;
				}
			}
		} else {
			for (j = df->nbindings; j-- > i;) {
				if (strcmp(df->bindings[j].key, b->key) == 0) {
					winner = &df->bindings[j];
					break;
				}
			}
		}
		f = finding_add(ctx->findings, "duplicate-key",
				check_default_severity(ctx, "duplicate-key"), path, b->line, b->col,
				b->line, b->col + (int)strlen(b->key) - 1,
				"%s is already set on line %d; %s uses the %s definition (line %d)",
				b->key, prev->line, dname, first_wins ? "first" : "last",
				winner->line);
		finding_set_subject(f, NULL, b->key);
		finding_add_related(f, path, prev->line, prev->col, "previous definition");
	}
}

static void
check_problems(struct check_ctx *ctx, const char *path, const struct dotenv_file *df)
{
	const char *dname = dotenv_dialect_name(df->dialect);
	size_t i;

	for (i = 0; i < df->nproblems; i++) {
		const struct dotenv_problem *p = &df->problems[i];
		struct finding *f;

		f = finding_add(ctx->findings, "invalid-line",
				check_default_severity(ctx, "invalid-line"), path, p->line,
				p->col > 0 ? p->col : 1, p->line, 0, "%s %s%s%s", dname,
				problem_policy(p->kind), p->message ? ": " : "",
				p->message ? p->message : "");
		finding_set_subject(f, NULL, NULL);
	}
}

static const struct dotenv_binding *
binding_on_line(const struct dotenv_file *df, int line, const char *key)
{
	size_t i;

	for (i = 0; i < df->nbindings; i++) {
		if (df->bindings[i].line == line && strcmp(df->bindings[i].key, key) == 0)
			return &df->bindings[i];
	}
	return NULL;
}

static bool
line_has_problem(const struct dotenv_file *df, int line)
{
	size_t i;

	for (i = 0; i < df->nproblems; i++) {
		if (df->problems[i].line == line)
			return true;
	}
	return false;
}

static bool
same_value(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * A line is ambiguous when the loaders in ambiguity_dialects read a different
 * value from it than the file's own loader does (before expansion, which
 * unexpanded-reference covers), or drop it while the file's loader keeps it.
 */
static void
check_ambiguity(struct check_ctx *ctx, struct scan_env_file *ef, const struct dotenv_file *df)
{
	const struct dotenv_file *others[NAMBIGUITY];
	size_t i, k;

	for (k = 0; k < NAMBIGUITY; k++)
		others[k] = scan_env_parse(ctx->scan, ef, ambiguity_dialects[k]);
	for (i = 0; i < df->nbindings; i++) {
		const struct dotenv_binding *b = &df->bindings[i];
		struct buf readings = BUF_INIT;
		char *mine;
		size_t ndiffer = 0;
		struct finding *f;

		if (b->value == NULL || line_has_problem(df, b->line))
			continue;
		for (k = 0; k < NAMBIGUITY; k++) {
			const struct dotenv_binding *o;
			char *theirs;

			if (others[k] == NULL || ambiguity_dialects[k] == df->dialect)
				continue;
			o = binding_on_line(others[k], b->line, b->key);
			if (o == NULL && !line_has_problem(others[k], b->line))
				continue; /* a different statement shape, not a different reading */
			if (o != NULL && same_value(o->raw_value, b->raw_value))
				continue;
			buf_puts(&readings, ndiffer++ ? ", " : "");
			if (o == NULL || o->raw_value == NULL) {
				buf_printf(&readings, "%s drops it",
					   dotenv_dialect_name(ambiguity_dialects[k]));
				continue;
			}
			theirs = check_quote_value(ctx, b->key, o->raw_value);
			buf_printf(&readings, "%s reads %s",
				   dotenv_dialect_name(ambiguity_dialects[k]), theirs);
			free(theirs);
		}
		if (ndiffer > 0) {
			mine = check_quote_value(ctx, b->key, b->raw_value);
			f = finding_add(ctx->findings, "ambiguous-value",
					check_default_severity(ctx, "ambiguous-value"),
					ef->entry->path, b->value_line, b->value_col, b->end_line,
					b->end_line == b->value_line ? b->end_col : 0,
					"loaders read %s differently. %s reads %s, but %s; quote the value "
					"so every loader reads the same text",
					b->key, dotenv_dialect_name(df->dialect), mine,
					buf_cstr(&readings));
			finding_set_subject(f, NULL, b->key);
			free(mine);
		}
		buf_free(&readings);
	}
}

static void
run_envfile(struct check_ctx *ctx)
{
	size_t i, n, d;
	enum dotenv_dialect dialects[DOTENV_DIALECT_COUNT];

	for (i = 0; i < ctx->scan->env_files.len; i++) {
		struct scan_env_file *ef = &ctx->scan->env_files.items[i];

		n = scan_env_dialects(ef, dialects);
		for (d = 0; d < n; d++) {
			const struct dotenv_file *df = scan_env_parse(ctx->scan, ef, dialects[d]);

			if (df == NULL)
				continue;
			check_duplicates(ctx, ef->entry->path, df);
			check_problems(ctx, ef->entry->path, df);
			check_ambiguity(ctx, ef, df);
		}
	}
}

static const char *const envfile_rules[] = {"duplicate-key", "invalid-line", "ambiguous-value",
					    NULL};

const struct check check_envfile = {
	.family = "envfile",
	.rules = envfile_rules,
	.run = run_envfile,
};
