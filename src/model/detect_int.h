/*
 * Internals shared by the parts of loader detection: detect.c (frameworks,
 * start commands, calls in source code), detect_paths.c (static resolution
 * of path arguments), detect_compose.c (compose environment/env_file and
 * .envlint.yml pins). Not for use outside model/detect*.c.
 */
#ifndef ENVLINT_DETECT_INT_H
#define ENVLINT_DETECT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/detect.h"
#include "parse/expr.h"

struct source_match;

/* Longest expression taken after a value-after match (env_file = ...). */
#define VALUE_AFTER_MAX 4096

/* A command that starts a service for the selected --env. */
struct start_command {
	const char *text;
	const char *file; /* the manifest (package.json, Procfile, Dockerfile, compose file) */
	int line;
	const char *workdir;           /* Dockerfile WORKDIR, NULL elsewhere */
	const struct manifest *scripts; /* package.json whose scripts `npm run X` runs, or NULL */
	char *owned; /* text when it was composed here (ENTRYPOINT + CMD); freed with the list */
	const char *cwd; /* the folder it runs in when not the service's ("." for the root's) */
};

#define DETECT_MAX_COMMANDS 16
/*
 * The commands that start svc: its runtime package.json script, each Procfile
 * line, its Dockerfile's ENTRYPOINT + CMD as Docker runs them, and compose
 * command:/entrypoint: of the compose services built from it.
 */
size_t detect_start_commands(const struct scan *s, const struct service *svc,
			     struct start_command *out, size_t max);
void detect_start_commands_free(struct start_command *cmds, size_t n);

void detect_note(struct service *svc, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
struct load_op *detect_new_op(struct detect_result *r, const struct loader_model *lm,
			      const char *origin, int line);
/* Free what op owns (not op itself). */
void detect_op_free(struct load_op *op);
/* Free what an inline source owns (not the source itself). */
void detect_inline_free(struct inline_source *in);
/* Append path (taken) unless the operation already reads it. */
void detect_op_add_file(struct load_op *op, char *path, bool optional);
/* Replace {env} in a framework file name with mode (NULL: the --env name); NULL when
 * the file is skipped in this env. */
char *detect_expand_file_name(const struct scan *s, const struct loader_model *lm,
			      const char *name, const char *mode);

/* The first reference of refs (a VEC(struct arg_ref)) that the call's arguments hold. */
const struct expr *detect_arg_find(const void *refs, const struct expr *args,
				   const struct expr *after);
/* Whether that argument is true; *known = false when it cannot be told statically. */
bool detect_arg_true(const void *refs, const struct expr *args, const struct expr *after,
		     bool *known);
/* A path expression as a repository path, or NULL (with a note) when unknowable. */
char *detect_resolve_path_expr(const struct scan *s, struct service *svc, const char *file, const struct expr *e);
/* Add the file(s) a path argument names (arrays, find_dotenv(...) walk-ups). */
void detect_add_path_value(struct scan *s, struct service *svc, struct load_op *op,
			   const char *file, const struct expr *e, const struct loader_pattern *lp);
/* Add the loader's default files, in dir when given, else at the loader's anchor. */
void detect_add_default_files(struct scan *s, struct service *svc, struct load_op *op,
			      const char *file, const struct loader_pattern *lp, const char *dir);
/* The expression text after a value-after match, up to a delimiter at depth 0. */
char *detect_value_after_text(const char *data, size_t len, size_t off);

/*
 * Peel the wrappers off a start command (FOO=1, cross-env, sh -c, npm run X
 * of the same package.json, dotenv-cli, dotenvx run, env-cmd, infisical run,
 * op run ...), adding their layers to r in execution order, and return the
 * command they finally run (caller frees), or NULL when it runs nothing that
 * starts the service (dotenv -p VAR, echo ...).
 */
char *detect_wrap_command(struct scan *s, struct service *svc, struct detect_result *r,
			  const struct start_command *c);
/*
 * The root package.json's start script when it wraps a task runner
 * (`infisical run -- turbo run dev`, `dotenv -e .env -- pnpm -r dev`): its
 * layers, outermost, for a workspace member that defines the task.
 */
void detect_root_layers(struct scan *s, struct service *svc, struct detect_result *r);
/* A path in a start command as a repository path (Dockerfile WORKDIR aware). */
char *detect_command_path(const struct service *svc, const struct start_command *c,
			  const char *path);

/* compose: environment: (interpolated with the project .env) beats env_file:. */
void detect_compose(struct scan *s, struct service *svc, struct detect_result *r);
/*
 * The shell scripts that start svc's container (Dockerfile ENTRYPOINT/CMD,
 * compose entrypoint:/command:, *entrypoint*.sh beside the Dockerfile), in
 * run order. out is a VEC(char *) of repository paths the caller frees.
 */
void detect_entrypoint_scripts(const struct scan *s, const struct service *svc, void *out);
/* A value matching placeholder-values (…/dummy, placeholder): a build-time stand-in. */
bool detect_is_placeholder(const struct scan *s, const char *value);
/* The final stage's ENV and the entrypoint's exports, as inline sources. */
void detect_image(struct scan *s, struct service *svc, struct detect_result *r);
/* A default an env schema gives a key (match of a `defaults:` pattern), as an inline source. */
void detect_schema_default(struct service *svc, struct detect_result *r, const char *file,
			   const struct source_match *m);
/* A services entry of .envlint.yml: true when it pins the service's loader or files. */
bool detect_pinned(struct scan *s, struct service *svc, struct detect_result *r);

#endif
