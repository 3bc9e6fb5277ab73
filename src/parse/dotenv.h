/*
 * .env parsing in the dialect of each real loader. One shared scanner plus a
 * table of dialect behaviours (see dotenv_*.c). A parse returns every binding
 * in file order (duplicates included) with its exact source span, and every
 * line the loader would drop, reject or misread, mirroring that loader's error
 * policy. Nothing is ever executed: `$(cmd)` is modelled as unknowable.
 * The caller owns the returned struct dotenv_file (dotenv_file_free).
 */
#ifndef ENVLINT_DOTENV_H
#define ENVLINT_DOTENV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum dotenv_dialect {
	DOTENV_NODE_DOTENV,   /* npm dotenv 16-18 parse()            */
	DOTENV_DOTENV_EXPAND, /* dotenv + dotenv-expand 1000         */
	DOTENV_NODE_CORE,     /* node --env-file / util.parseEnv     */
	DOTENV_NEXTJS,        /* @next/env (bundled dotenv + expand) */
	DOTENV_VITE,          /* vite loadEnv (parseEnv + v12 expand) */
	DOTENV_PYTHON_DOTENV, /* python-dotenv dotenv_values         */
	DOTENV_COMPOSE,       /* compose-go env_file parser          */
	DOTENV_GODOTENV,      /* joho/godotenv 1.5.1                 */
	DOTENV_RUBY_DOTENV,   /* bkeepers/dotenv 3.x                 */
	DOTENV_DOTENVY,       /* Rust dotenvy 0.15                   */
	DOTENV_DIALECT_COUNT
};

enum dotenv_quote {
	DOTENV_QUOTE_NONE,
	DOTENV_QUOTE_SINGLE,
	DOTENV_QUOTE_DOUBLE,
	DOTENV_QUOTE_BACKTICK,
};

/* What the real loader does with a line it cannot read as written. */
enum dotenv_problem_kind {
	DOTENV_PROBLEM_SKIPPED,       /* dropped silently (node dotenv, ruby)          */
	DOTENV_PROBLEM_SKIPPED_WARN,  /* dropped with a warning (python-dotenv)        */
	DOTENV_PROBLEM_FILE_REJECTED, /* whole file rejected (compose, godotenv, next) */
	DOTENV_PROBLEM_STOPPED,       /* loading stops here, earlier lines kept (dotenvy) */
	DOTENV_PROBLEM_MISREAD,       /* read, but not as written (node-core glue)     */
};

struct dotenv_binding {
	char *key;
	char *value;      /* final value (unescaped, expanded); NULL = key without value */
	char *raw_value;  /* value after unquoting/unescaping, before expansion; NULL likewise */
	int line, col;    /* 1-based start of the statement (key, or `export`) */
	int end_line, end_col; /* 1-based position of the statement's last byte */
	int value_line, value_col; /* 1-based start of the value text (opening quote included) */
	enum dotenv_quote quote;
	bool expanded;    /* expansion changed the value */
	bool unknowable;  /* holds $(cmd) or similar: the real value cannot be known statically */
	char **refs;      /* names referenced by expansion, in order of appearance */
	size_t nrefs;
	char **undefined_refs; /* referenced names that resolved to nothing */
	size_t nundefined_refs;
};

struct dotenv_problem {
	enum dotenv_problem_kind kind;
	int line, col;
	char *message; /* the loader's own wording where it has one */
};

struct dotenv_file {
	enum dotenv_dialect dialect;
	struct dotenv_binding *bindings; /* file order, duplicates included */
	size_t nbindings;
	struct dotenv_problem *problems;
	size_t nproblems;
	bool failed; /* the real loader rejects the whole file; bindings = what came before */
	bool had_bom;
};

/* Variable lookup used by expansion: returns NULL when name is unset. */
struct dotenv_lookup {
	const char *(*get)(void *ctx, const char *name);
	void *ctx;
};

struct dotenv_options {
	/* Pre-existing process environment (--set, outer wrapper layers). May be NULL. */
	const struct dotenv_lookup *process_env;
	/* python-dotenv load_dotenv(override=True) changes the expansion lookup order. */
	bool override;
	/* Turn expansion off where the loader makes it optional (python interpolate=False). */
	bool no_expand;
};

/* Name of a dialect ("node-dotenv", ...). */
const char *dotenv_dialect_name(enum dotenv_dialect d);
/* Parse a dialect name; -1 if unknown. */
int dotenv_dialect_from_name(const char *name, enum dotenv_dialect *out);
/* Whether the dialect expands ${VAR} references at all. */
bool dotenv_dialect_expands(enum dotenv_dialect d);
/* Which duplicate wins inside one file: true = the first (dotenvy), false = the last. */
bool dotenv_dialect_first_duplicate_wins(enum dotenv_dialect d);

/*
 * Parse len bytes of an env file. Never fails on file content (content
 * problems are in ->problems and ->failed); -1 only for impossible options.
 */
int dotenv_parse(struct dotenv_file **out, const char *data, size_t len, enum dotenv_dialect d,
		 const struct dotenv_options *opts, struct el_error *err);

/*
 * Expand one raw value as dialect d would, resolving names through lookup
 * (which the caller orders as the loader does: process env, other files, ...).
 * Returns a new string; sets *unknowable for $(cmd); appends referenced and
 * undefined names to the binding-style arrays when refs/undef are non-NULL.
 */
char *dotenv_expand_value(enum dotenv_dialect d, const char *raw, enum dotenv_quote quote,
			  const struct dotenv_lookup *lookup, bool *unknowable);

void dotenv_file_free(struct dotenv_file *f);

#endif
