/*
 * .envlint.yml: the repository's configuration. Found at the scanned root or
 * given with -c; validated against a schema, so an unknown key or a wrong type
 * is a path:line:col error. Precedence: command line over config over
 * defaults. The caller owns struct config (config_free).
 */
#ifndef ENVLINT_CONFIG_H
#define ENVLINT_CONFIG_H

#include <stdbool.h>

#include "util/error.h"
#include "util/severity.h"
#include "util/vec.h"

struct config_severity {
	char *rule;
	enum severity severity;
	int line, col;
};

struct config_service {
	char *path;                /* service folder relative to the repository root */
	char *loader;              /* loader name; NULL keeps what detection found */
	VEC(char *) env_files;     /* priority order, highest first, relative to the root */
	bool has_env_files;
	int override;              /* -1 unset, 0 false, 1 true */
	int replicas, workers;     /* 0 unset */
	int pool_size;             /* 0 unset */
	int line, col;
};

struct config {
	char *path; /* the file, as given */
	char *dir;  /* its folder: relative paths in `rules` start here */
	char *env;
	char *plan;
	VEC(char *) exclude;
	VEC(char *) rules_dirs; /* resolved against dir */
	VEC(char *) disable;
	VEC(struct config_severity) severity;
	VEC(struct config_service) services;
	int line_of_rules, col_of_rules;
};

/* Load and validate path. */
int config_load(struct config **out, const char *path, struct el_error *err);
/* The config of a scanned root: root/.envlint.yml when it exists; *out = NULL when not. */
int config_find(struct config **out, const char *root, struct el_error *err);
const struct config_service *config_service_find(const struct config *c, const char *path);
void config_free(struct config *c);

#endif
