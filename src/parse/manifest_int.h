/*
 * Internal to the manifest module (manifest.c, manifest_toml.c,
 * manifest_docker.c): a builder that collects what a scanner finds and hands it
 * to a struct manifest, and a line reader that accepts LF, CRLF and CR.
 */
#ifndef ENVLINT_MANIFEST_INT_H
#define ENVLINT_MANIFEST_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/manifest.h"
#include "util/error.h"
#include "util/vec.h"

struct mf_builder {
	const char *path;
	char *name;
	VEC(struct manifest_dep) deps;
	VEC(struct manifest_command) commands;
	VEC(struct manifest_env) env;
	VEC(char *) workspaces;
	VEC(struct manifest_include) includes;
	VEC(struct manifest_created) created;
	char *workdir;
	char *prisma_schema;
};

/* Copies of the strings are stored; version may be NULL. */
void mf_add_dep(struct mf_builder *b, const char *name, const char *version, bool dev, int line,
                int col);
void mf_add_command(struct mf_builder *b, const char *name, const char *command, int line, int col);
void mf_add_env(struct mf_builder *b, const char *key, const char *value, int line, int col);
void mf_add_workspace(struct mf_builder *b, const char *glob);
void mf_add_include(struct mf_builder *b, const char *path, bool constraint, int line, int col);
/* Replace *slot with a copy of s. */
void mf_set_string(char **slot, const char *s);
/* Free what the builder holds (after a failure). */
void mf_builder_free(struct mf_builder *b);

/* PEP 503 name: lowercase, runs of '-', '_' and '.' become one '-'. New string. */
char *mf_pep503_name(const char *name, size_t len);
/*
 * Split a PEP 508 requirement ("uvicorn[standard]>=0.29; python_version>'3.8'")
 * into its normalised name and the version spec as written (NULL when none).
 * Returns false when the text does not start with a distribution name.
 */
bool mf_parse_pep508(const char *req, size_t len, char **name, char **version);

/* Lines of a buffer: LF, CRLF and lone CR all end a line. */
struct mf_lines {
	const char *p;
	const char *end;
	int line; /* number of the line last returned */
};

void mf_lines_init(struct mf_lines *r, const char *data, size_t len);
/* The next line (without its terminator) in s and n; false at the end. */
bool mf_lines_next(struct mf_lines *r, const char **s, size_t *n);

/* TOML-based manifests (manifest_toml.c). */
int mf_parse_pyproject(struct mf_builder *b, const char *data, size_t len, struct el_error *err);
int mf_parse_pipfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err);
int mf_parse_cargo(struct mf_builder *b, const char *data, size_t len, struct el_error *err);
/* Dockerfiles (manifest_docker.c). */
int mf_parse_dockerfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err);

#endif
