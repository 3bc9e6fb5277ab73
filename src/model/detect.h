/*
 * Loader detection for one service: the load operations its loaders perform
 * (framework conventions, calls found in its source code, flags in its start
 * scripts, compose env_file/environment), and the reads of the environment
 * in its code. Owned by the caller (detect_ops_free).
 */
#ifndef ENVLINT_DETECT_H
#define ENVLINT_DETECT_H

#include "model/loaders.h"
#include "model/scan.h"
#include "model/service.h"

/*
 * Variables given in place (see enum inline_kind for their ranks). Those a
 * start command sets (INLINE_COMMAND) and a secret manager's injected
 * environment (INLINE_SECRETS) are process environment from the point where
 * they are set: they rank above the operations before them (ops[0,
 * after_ops)) and every later operation that does not override.
 */
struct inline_source {
	enum inline_kind kind;
	char *origin_file;
	int origin_line;
	VEC(struct inline_var) vars;
	size_t after_ops;    /* INLINE_COMMAND, INLINE_SECRETS */
	const char *loader;  /* static: "shell", "cross-env", a wrapper's name; NULL: the kind's */
	const char *how;     /* static: how explain says it was set; NULL: the kind's */
};

struct detect_result {
	VEC(struct load_op) ops;        /* execution order: outer layers first, lowest last */
	VEC(struct inline_source) inlines; /* compose environment:, image, entrypoint, schema */
};

/*
 * The shell scripts of the repository that svc's start commands run
 * (ENTRYPOINT ["./docker-entrypoint.sh"], `sh scripts/start.sh`, a Procfile
 * line), as repository paths added to paths, a VEC(char *) the caller owns.
 */
void detect_start_scripts(struct scan *s, struct service *svc, void *paths);
/* Detect the loaders of svc and fill svc->reads and svc->notes. */
void detect_service(struct scan *s, struct service *svc, struct detect_result *out);
void detect_result_free(struct detect_result *r);
/*
 * The --env-file files of `docker compose` commands in package.json scripts and
 * shell scripts that run compose_path: they replace its project .env for
 * interpolation. out is a VEC(char *) of repository paths, in order (later
 * wins); empty when no command passes one.
 */
void detect_compose_env_files(struct scan *s, const char *compose_path, void *out);
/* The Dockerfile line that creates the env file path in the image (RUN touch, COPY), or NULL. */
char *detect_image_created(const struct scan *s, const char *path);
/* The language detect scans a service file in (LANG_NONE: not scanned for loaders). */
enum source_lang detect_scan_lang(const struct walk_entry *e, const char *data, size_t len);
/* Index the paths every Dockerfile creates, for detect_image_created (once manifests are parsed). */
void detect_image_index(struct scan *s);

#endif
