/*
 * Resolution: from a service's load operations to its sources in priority
 * order (highest first) and its effective environment with provenance. Every
 * file is parsed in the dialect of the loader that reads it; expansion
 * follows the loader (cross-file where the loader merges before expanding).
 */
#ifndef ENVLINT_RESOLVE_H
#define ENVLINT_RESOLVE_H

#include "model/detect.h"
#include "model/scan.h"
#include "model/service.h"

/* Fill svc->sources, svc->env, svc->loader and svc->dialect from det. */
void resolve_service(struct scan *s, struct service *svc, const struct detect_result *det);
/*
 * Tell every env file svc reads which loader reads it, for the per-file
 * rules (the file's readers, in the order of the services called).
 */
void resolve_note_readers(struct service *svc);
/* The effective entry of key in svc, or NULL. */
const struct env_entry *resolve_find(const struct service *svc, const char *key);
/* The template that stands in for a missing env file (same folder), or NULL. */
struct scan_env_file *resolve_template_for(struct scan *s, const char *path);

#endif
