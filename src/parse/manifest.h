/*
 * Runtime manifests: what makes a folder a service, which libraries it
 * depends on, and which commands start it. package.json and composer.json are
 * read with libyaml (JSON is YAML); the others with small line scanners.
 * Syntax only: what a dependency or a command means is decided in model/.
 * The caller owns the returned struct manifest (manifest_free).
 */
#ifndef ENVLINT_MANIFEST_H
#define ENVLINT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum manifest_kind {
	MANIFEST_NONE = 0,
	MANIFEST_PACKAGE_JSON,
	MANIFEST_PYPROJECT,
	MANIFEST_REQUIREMENTS, /* requirements*.txt */
	MANIFEST_PIPFILE,
	MANIFEST_GO_MOD,
	MANIFEST_CARGO,
	MANIFEST_GEMFILE,
	MANIFEST_COMPOSER,
	MANIFEST_POM,
	MANIFEST_GRADLE,     /* build.gradle, build.gradle.kts */
	MANIFEST_DOCKERFILE, /* Dockerfile, Dockerfile.*, *.Dockerfile */
	MANIFEST_PROCFILE,
	MANIFEST_PNPM_WORKSPACE, /* pnpm-workspace.yaml: members only, not a runtime */
};

enum manifest_runtime {
	RUNTIME_NONE = 0,
	RUNTIME_NODE = 1 << 0,
	RUNTIME_PYTHON = 1 << 1,
	RUNTIME_GO = 1 << 2,
	RUNTIME_RUST = 1 << 3,
	RUNTIME_RUBY = 1 << 4,
	RUNTIME_PHP = 1 << 5,
	RUNTIME_JAVA = 1 << 6,
	RUNTIME_CONTAINER = 1 << 7, /* Dockerfile */
};

struct manifest_dep {
	char *name; /* as written, e.g. "@prisma/client", "sqlalchemy", "github.com/jackc/pgx/v5" */
	char *version; /* version spec as written, NULL when none */
	bool dev;      /* devDependencies / dev groups */
	int line, col;
};

/* A command that starts or drives the service: a package.json script, a
 * Procfile entry, a Dockerfile CMD/ENTRYPOINT (exec form joined with spaces). */
struct manifest_command {
	char *name;    /* script or process name; "CMD"/"ENTRYPOINT" for Dockerfiles */
	char *command; /* the command line; exec-form words quoted for sh where needed */
	int line, col;
	bool exec_form; /* a Dockerfile ENTRYPOINT in exec form (CMD is its arguments) */
};

/* A requirements file's `-r other.txt` / `-c constraints.txt` line: noted, not followed. */
struct manifest_include {
	char *path;      /* as written, relative to the requirements file's folder */
	bool constraint; /* -c / --constraint rather than -r / --requirement */
	int line, col;
};

/* A Dockerfile ENV instruction (value as written, unexpanded). */
struct manifest_env {
	char *key;
	char *value;
	int line, col;
};

/* An env file a Dockerfile creates in the image (RUN touch F, COPY .env DEST):
 * the path under WORKDIR, which is the build context's root by convention
 * (COPY . .); an absolute path outside WORKDIR is left out. */
struct manifest_created {
	char *path;
	int line, col;
};

struct manifest {
	enum manifest_kind kind;
	unsigned runtime; /* enum manifest_runtime bits */
	char *name;       /* package name when the manifest has one */
	struct manifest_dep *deps;
	size_t ndeps;
	struct manifest_command *commands;
	size_t ncommands;
	struct manifest_env *env; /* Dockerfile ENV */
	size_t nenv;
	char *
	    *workspaces; /* workspace member globs (package.json workspaces, pnpm-workspace.yaml) */
	size_t nworkspaces;
	char *workdir;                     /* Dockerfile WORKDIR (last), NULL when none */
	char *prisma_schema;               /* package.json "prisma": {"schema": ...} */
	struct manifest_include *includes; /* requirements*.txt -r/-c lines */
	size_t nincludes;
	struct manifest_created *created; /* Dockerfile: env files made at build time */
	size_t ncreated;
};

/* The kind of manifest a base name is, or MANIFEST_NONE. */
enum manifest_kind manifest_kind_of(const char *name);
/*
 * Parse len bytes of a manifest of the given kind. path is used in messages.
 * Malformed content is -1 with err at path:line:col; the scan reports it and
 * goes on.
 */
int manifest_parse(struct manifest **out, enum manifest_kind kind, const char *path,
                   const char *data, size_t len, struct el_error *err);
void manifest_free(struct manifest *m);

#endif
