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

struct inline_source {
	enum inline_kind kind;
	char *origin_file;
	int origin_line;
	VEC(struct inline_var) vars;
};

struct detect_result {
	VEC(struct load_op) ops;        /* execution order: outer layers first, lowest last */
	VEC(struct inline_source) inlines; /* compose environment:, image, entrypoint, schema */
};

/* Detect the loaders of svc and fill svc->reads and svc->notes. */
void detect_service(struct scan *s, struct service *svc, struct detect_result *out);
void detect_result_free(struct detect_result *r);
/* The Dockerfile line that creates the env file path in the image (RUN touch, COPY), or NULL. */
char *detect_image_created(const struct scan *s, const char *path);

#endif
