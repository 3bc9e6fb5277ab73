/*
 * docker compose files (compose.yaml, compose.yml, docker-compose.yaml,
 * docker-compose.yml and docker-compose.*.yml overrides): per service the
 * build context, working_dir, env_file entries (short and long form with
 * `required`), environment (list and map forms), command, and process counts
 * (deploy.replicas, scale), `extends`, and the top-level `include:` list.
 * YAML anchors, aliases and merge keys are allowed
 * (they are legitimate in compose) under a node budget. Values are kept as
 * written; interpolation (${VAR:-default}, ...) is done by compose_interpolate
 * with a lookup the caller supplies. The caller owns struct compose_file.
 */
#ifndef ENVLINT_COMPOSE_H
#define ENVLINT_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct compose_env_file {
	char *path;    /* as written, relative to the compose file's folder */
	bool required; /* false only for the long form with required: false */
	char *format;  /* long form `format:` as written (e.g. "raw"); NULL when none */
	int line, col;
};

struct compose_var {
	char *key;
	char *value; /* NULL for a bare `KEY` (list form) or `KEY:` / null (map form): inherited */
	int line, col;
};

struct compose_service {
	char *name;
	int line, col;
	char *build_context; /* build: DIR or build.context, as written; NULL when none */
	char *dockerfile;    /* build.dockerfile */
	char *working_dir;
	char *image;
	char *command; /* string form, or list joined with spaces */
	char *entrypoint;
	struct compose_env_file *env_files;
	size_t nenv_files;
	struct compose_var *environment;
	size_t nenvironment;
	char *replicas; /* deploy.replicas as written (may be "${N:-2}"); NULL when none */
	int replicas_line;
	char *scale;
	int scale_line;
	/* extends: NAME or extends: {service: NAME, file: F}; NULL when none */
	char *extends_service;
	char *extends_file; /* NULL: the same compose file */
	int extends_line;
};

/* A top-level `include:` entry (Compose >= 2.20): another compose file loaded
 * with its own project directory and interpolation env files. */
struct compose_include {
	char *path;              /* as written; a list-form `path:` gives one entry per file */
	char *project_directory; /* NULL when not written */
	char **env_files;        /* `env_file:` (string or list), as written */
	size_t nenv_files;
	int line, col;
};

struct compose_file {
	struct compose_service *services;
	size_t nservices;
	struct compose_include *includes;
	size_t nincludes;
};

/* Whether a base name is a compose file envlint reads. */
bool compose_is_compose_file(const char *name);
int compose_parse(struct compose_file **out, const char *path, const char *data, size_t len,
                  struct el_error *err);
void compose_file_free(struct compose_file *cf);

/* Interpolation lookup: NULL when the variable is unset. */
struct compose_lookup {
	const char *(*get)(void *ctx, const char *name);
	void *ctx;
};

/*
 * Interpolate a compose value: $$, $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:+a},
 * ${VAR+a}, ${VAR:?err}, ${VAR?err}, nested defaults. Returns a new string, or
 * NULL with err set for `:?`/`?` on a missing variable (compose's own message)
 * or malformed syntax. Unset variables without a default become "" and are
 * appended to *missing (a newly allocated array of names) when missing != NULL.
 */
char *compose_interpolate(const char *value, const struct compose_lookup *lookup, char ***missing,
                          size_t *nmissing, struct el_error *err);
/*
 * compose_interpolate for the value at field (e.g. "services.api.environment.DB"),
 * which names the value in a syntax error the way compose does; field may be NULL.
 */
char *compose_interpolate_field(const char *value, const char *field,
                                const struct compose_lookup *lookup, char ***missing,
                                size_t *nmissing, struct el_error *err);
/* Free an array of names that compose_interpolate returned in *missing. */
void compose_missing_free(char **missing, size_t nmissing);

#endif
