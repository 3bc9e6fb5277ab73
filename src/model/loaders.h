/*
 * Loader models (from the `loaders` rule pack) and loader detection: for one
 * service, the load operations its real loaders perform, in execution order.
 * A load operation is one call or one framework convention: the files it
 * reads (resolved to repository paths), how they rank among themselves, and
 * whether they beat what is already in the process environment.
 * A struct loader_set is owned by whoever loads it; load ops by the caller.
 */
#ifndef ENVLINT_LOADERS_H
#define ENVLINT_LOADERS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/yaml.h"
#include "parse/dotenv.h"
#include "parse/source.h"
#include "util/error.h"
#include "util/rx.h"
#include "util/vec.h"

struct scan;
struct service;

enum load_order {
	ORDER_FIRST_WINS,
	ORDER_LAST_WINS,
};

enum load_anchor {
	LOAD_AT_CWD,      /* relative to the working directory (the service folder) */
	LOAD_AT_SERVICE,  /* the framework's project folder */
	LOAD_AT_FILE,     /* the calling source file's folder */
	LOAD_WALK_UP,     /* python-dotenv find_dotenv: from the calling file upwards */
};

enum arg_ref_kind {
	ARG_PROP,  /* property of the call's object argument */
	ARG_KW,    /* keyword argument */
	ARG_POS,   /* positional argument */
	ARG_VALUE, /* the expression after the match (value-after patterns) */
};

struct arg_ref {
	enum arg_ref_kind kind;
	char *name;
	int pos;
};

struct loader_model;

struct loader_pattern {
	struct source_pattern sp;
	const struct loader_model *loader;
	char *requires; /* literal that must also be in the file */
	bool value_after;
	bool group_by_line;
	bool has_order;
	enum load_order order;
	VEC(struct arg_ref) path, dir, override, disable, expand;
	VEC(char *) default_files;
	char *find_dotenv; /* name of the walk-up helper (load_dotenv(find_dotenv())) */
	char *wraps; /* loader whose calls in the same file this one post-processes
			(dotenv-expand's expand(config())): they take this loader's dialect */
	char *file;        /* pack file and line, for messages */
	int line;
};

/*
 * A loader that is a command wrapping another command (dotenv-cli, dotenvx
 * run, env-cmd, infisical run): how its options are parsed and what each
 * option does. Options are grouped by role; C gives the roles meaning.
 */
enum wrap_parser {
	WRAP_MINIMIST,  /* options anywhere before `--`; an unknown option takes the next word */
	WRAP_COMMANDER, /* options up to the first operand, which is the command */
};

struct wrapper_spec {
	VEC(char *) commands; /* program names (base name of argv[0]) */
	char *subcommand;     /* `run` for dotenvx / infisical / op; NULL when none */
	enum wrap_parser parser;
	/* Options by role; each a list of spellings ("-e", "--override"). */
	VEC(char *) file, dir, override, no_override, cascade, var, print, literal, expand,
	    command, value, unmodelled;
	enum dotenv_dialect literal_dialect; /* --no-expand */
	VEC(char *) cascade_env;  /* -c ENV: names with {file} and {env} */
	VEC(char *) cascade_bare; /* -c alone */
	bool secrets;  /* injects values from outside the repository */
	bool required; /* a missing file makes the wrapper fail */
};

struct loader_model {
	char *name;
	enum dotenv_dialect dialect;
	unsigned runtime; /* enum manifest_runtime bits; 0 = any */
	VEC(char *) packages;
	int max_major; /* 0 = any version */
	enum load_order order;
	bool override;
	bool has_override_order; /* overriding calls rank their files differently (dotenv) */
	enum load_order override_order;
	VEC(char *) files;
	VEC(char *) skip_in_test;
	enum load_anchor anchor;
	bool framework;
	bool lowest; /* loaded under everything else (Prisma's own .env loading) */
	char *requires_file;
	struct rx *script;
	bool start_script; /* script must match the command that starts the service for --env
			      (React Router: `react-router dev` loads, `react-router-serve` not) */
	bool dev_not_in_production; /* a dev/test-group dependency is not loaded under
				       --env production (Bundler.require(*Rails.groups)) */
	char *exposes_prefix;
	/* When a required file is missing: what happens, the loader's error ({file} = its
	 * name) and the fix, for missing-env-file. NULL when the pack says nothing. */
	char *missing_effect, *missing_error, *missing_fix;
	struct wrapper_spec *wrapper; /* NULL unless the loader is a command wrapper */
};

/* A value prefix that marks a value as resolved at runtime (op://, encrypted:). */
struct opaque_value {
	char *prefix;
	char *what; /* shown by explain: "a 1Password secret reference" */
};

/* A read of the environment in code: group `key` names one variable, group
 * `keys` a destructuring list ("A, B: b, C = 1"). */
struct read_pattern {
	struct source_pattern sp;
	bool case_insensitive; /* pydantic settings fields */
	bool class_body; /* the match opens a settings class whose annotated fields are reads */
	char *file;
	int line;
};

/* A deploy platform that sets variables absent from the repository (real-world.md §4, trap 5). */
struct platform_addon {
	char *name;       /* e.g. heroku-postgresql (an app.json addon, plan suffix dropped) */
	VEC(char *) keys; /* what it injects */
};

struct platform_model {
	char *name; /* shown to the user: Render, Heroku, Vercel */
	char *file; /* base name of its deploy manifest: render.yaml, app.json, vercel.json */
	VEC(char *) env_var_from; /* envVars items with one of these keys get their value there */
	VEC(struct platform_addon) addons;
	VEC(char *) injects; /* set whenever the manifest exists (integration names) */
};

struct loader_set {
	VEC(struct loader_model *) loaders;
	VEC(struct loader_pattern *) patterns;
	VEC(struct read_pattern *) reads;
	/* Env-schema defaults (zod/t3-env .default(v), envalid { default: v }): groups key, default. */
	VEC(struct read_pattern *) defaults;
	/* Copies of patterns[i]->sp, reads[i]->sp, then defaults[i]->sp, for one source_scan pass. */
	VEC(struct source_pattern) flat;
	struct source_set *flat_set; /* flat prepared for scanning */
	VEC(char *) runtime_scripts[3];  /* development, production, test */
	VEC(char *) non_runtime_paths;
	VEC(char *) test_paths; /* loader calls here run only under --env test */
	VEC(struct rx *) placeholders; /* values that only stand in so a build passes */
	VEC(struct opaque_value) opaque_values;
	VEC(struct platform_model) platforms;
};

/* One load operation of one service. */
struct load_op {
	const struct loader_model *loader;
	enum dotenv_dialect dialect;
	VEC(char *) files;    /* repository-relative, in the order the loader reads them */
	VEC(bool) optional;   /* parallel to files: a missing file is skipped silently */
	enum load_order order;
	bool override;
	bool expands;
	bool lowest;
	bool convention; /* a framework's default files (replaced by an explicit envDir) */
	char *mode;      /* the framework's mode from its command (vite --mode staging); NULL = --env */
	char *origin_file;
	int origin_line;
};


/* Build the loader set from the documents of kind `loaders` (already validated). */
int loaders_load(struct loader_set **out, const struct yml_node *const *docs,
		 const char *const *paths, size_t ndocs, struct el_error *err);
void loaders_free(struct loader_set *ls);
/* The languages a pack entry's `lang:` names (one name or a list), as enum source_lang bits. */
unsigned loaders_langs(const struct yml_node *n);
/* The platform whose deploy manifest has this base name, or NULL. */
const struct platform_model *loaders_platform(const struct loader_set *ls, const char *base);
/* The model of a loader by name, or NULL. */
const struct loader_model *loaders_find(const struct loader_set *ls, const char *name);
/* The opaque-value entry whose prefix value starts with, or NULL. */
const struct opaque_value *loaders_opaque(const struct loader_set *ls, const char *value);
/* Index of an --env name in runtime_scripts (development 0, production 1, test 2). */
int loaders_env_index(const char *env);

#endif
