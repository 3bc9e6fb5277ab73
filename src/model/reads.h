/*
 * Reads of the environment in code, from the `reads` patterns of the
 * loaders pack: one variable per match (group `key`), a destructuring list
 * (group `keys`), or the annotated fields of a pydantic settings class
 * (class-body patterns: env_prefix applies, names are case-insensitive).
 * Reads are added to svc->reads (owned by the service).
 */
#ifndef ENVLINT_READS_H
#define ENVLINT_READS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/scan.h"
#include "model/service.h"
#include "parse/source.h"

/* Whether the code of walk entry e does not run in the service's runtime process. */
bool reads_non_runtime(const struct scan *s, const struct walk_entry *e);
/* Whether walk entry e is test code (loader calls there run only under --env test). */
bool reads_test_entry(const struct scan *s, const struct walk_entry *e);
/* Add the reads of match m of read pattern idx in walk entry e (data/len its contents). */
void reads_add_match(struct scan *s, struct service *svc, const struct walk_entry *e,
		     const char *data, size_t len, const struct source_match *m, size_t idx);
/* Whether a read of this kind (pattern id) names its variable case-insensitively. */
bool reads_case_insensitive(const struct scan *s, const char *kind);

#endif
