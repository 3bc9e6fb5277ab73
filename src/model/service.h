/*
 * Services and their environments. A service is a folder with its own
 * runtime (a manifest, a workspace member, or a compose build context); every
 * file belongs to the nearest enclosing service. For each service, loader
 * detection (model/loaders.c) produces load operations; resolution
 * (model/resolve.c) turns them into sources in priority order and an
 * effective environment in which every key knows the file:line that won and
 * every definition it shadowed. Everything here is owned by the scan.
 */
#ifndef ENVLINT_SERVICE_H
#define ENVLINT_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/scan.h"
#include "parse/dotenv.h"
#include "util/vec.h"

struct service_conns;

enum env_source_kind {
	SOURCE_ENV_FILE, /* an env file read by a loader */
	SOURCE_INLINE,   /* variables given in place: compose environment:, config pins */
};

/*
 * Where inline variables come from, which also fixes their rank: compose
 * environment: and unconditional entrypoint exports are the container's
 * process environment; the image's ENV and an entrypoint's defaults
 * (${X:-...}) sit under compose; env-schema defaults apply only when
 * nothing else defines the key.
 */
enum inline_kind {
	INLINE_COMPOSE,      /* compose environment: */
	INLINE_EXPORT,       /* export X=... in a shell entrypoint */
	INLINE_DOCKERFILE,   /* ENV of the Dockerfile's final stage */
	INLINE_ENTRY_DEFAULT, /* export X="${X:-...}" or inside if [ -z "$X" ] */
	INLINE_SCHEMA,       /* t3-env / zod / envalid .default(...) */
	INLINE_COMMAND,      /* FOO=1 cmd, cross-env, dotenv-cli -v: set by a start command */
	INLINE_SECRETS,      /* infisical run, op run: a secret manager's values, unknown here */
};

/* How each inline kind is named in outputs: loader, JSON kind, text label, explain wording. */
struct inline_info {
	const char *loader, *json_kind, *label, *how;
};
const struct inline_info *service_inline_info(enum inline_kind k);

struct inline_var {
	char *key;
	char *value; /* NULL: inherited from the outer environment */
	int line, col;
	bool unknowable;  /* depends on values that cannot be known statically */
	bool placeholder; /* a stand-in so a build passes (…/dummy), not a real value */
};

struct env_source {
	enum env_source_kind kind;
	enum inline_kind inline_kind; /* SOURCE_INLINE */
	char *file;     /* relative to the root ('/' separators; "../" when outside) */
	bool exists;
	bool outside;   /* resolves outside the scanned repository */
	bool template;  /* a template standing in for the missing file */
	char *standin_for; /* the missing file a template stands in for */
	char *created_by;  /* missing here, but the image creates it ("Dockerfile:7") */
	bool required;  /* the loader fails when the file is missing */
	enum dotenv_dialect dialect;
	const char *loader; /* loader name (static string from the loader model) */
	char *origin_file;  /* where the loader was configured */
	int origin_line;
	bool override;      /* beats the pre-existing process environment */
	bool expands;       /* the loader expands ${VAR} in this file */
	const char *how;    /* INLINE_COMMAND, INLINE_SECRETS: how it was set (static) */
	bool secrets;       /* INLINE_SECRETS */
	struct scan_env_file *ef; /* the scanned file, when it is one */
	VEC(struct inline_var) vars; /* SOURCE_INLINE */
};

/* One definition of a key in one source. */
struct env_def {
	const struct env_source *source;
	const struct dotenv_binding *binding; /* env files; NULL for inline variables */
	const char *file;
	int line, col, end_line, end_col;
	char *value; /* after the loader's expansion; NULL = no value */
	char *raw;   /* before expansion, when expansion changed it; else NULL */
	VEC(char *) undefined; /* names the expansion found defined nowhere */
	bool unknowable;
	bool unexpanded; /* holds ${VAR} that this loader does not expand */
	bool placeholder; /* a build-time stand-in, not a real endpoint (inline_var) */
	const char *opaque; /* what an opaque value (op://, encrypted:) is; NULL otherwise */
};

struct env_entry {
	char *key;
	struct env_def winner;
	VEC(struct env_def) shadowed; /* lower-priority definitions, highest first */
};

/* A read of the environment in code or configuration. */
struct env_read {
	char *key;
	char *file;
	int line, col;
	const char *kind; /* pattern id from the pack */
	bool runtime;     /* runtime code, not build or migration tooling */
};

struct service_note {
	char *file;
	int line;
	char *message; /* e.g. a loader path that cannot be resolved statically */
};

/* A variable a deploy platform sets (render.yaml fromDatabase, Heroku add-on, ...). */
struct injected_var {
	char *key;
	const char *platform; /* owned by the platform table (model/platforms.c) */
	char *file;
	int line;
};

/* A compose service: its compose file's index in scan->composes and its index in that file. */
struct compose_ref {
	size_t file, service;
};

struct service {
	char *path; /* relative to the root; "." for the root */
	char *name; /* base name of the folder (the repository folder's for ".") */
	unsigned runtime; /* enum manifest_runtime bits */
	VEC(char *) manifests;
	VEC(char *) deps; /* dependency names from every manifest */
	const char *loader; /* the innermost loader's name */
	enum dotenv_dialect dialect;
	VEC(struct env_source) sources; /* priority order, highest first */
	VEC(struct env_entry) env;      /* sorted by key */
	VEC(struct env_read) reads;
	VEC(struct service_note) notes;
	VEC(struct injected_var) injected; /* set by a platform, absent from the repository */
	VEC(size_t) files; /* indices into scan->walk->entries of the files it owns */
	VEC(const struct scan_parsed *) own_manifests; /* parsed manifests in its own folder */
	/* Compose services that build this folder (build_dirs), and those whose
	 * build context is it as written (context_dirs); in compose file order. */
	VEC(struct compose_ref) compose_builds, compose_contexts;
	int replicas, workers; /* 0 = unknown (1 assumed) */
	bool pinned; /* the configuration pins its loader and files */
	const struct env_source *secrets; /* the highest-ranked secret-manager layer, or NULL */
	struct service_conns *conns; /* model/connection.h; arena-owned, NULL until built */
};

#endif
