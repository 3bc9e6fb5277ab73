/*
 * Baselines: a file that records the findings a repository already has, so
 * that CI fails only on new ones. Entries are keyed by content, never by line
 * number: rule, file, service, key and "value" (the finding's value class,
 * else a hash of its primary line with secrets masked and blanks trimmed).
 * Moving a line keeps it baselined; changing the offending value gives a new
 * key, so the finding resurfaces. Identical keys are counted, so a second
 * copy of a baselined problem is still reported. The file holds no values:
 * only ids, paths, key names and hashes of redacted text.
 *
 *   {"version": 1, "tool": "envlint",
 *    "entries": [{"rule": "...", "file": "...", "service": "..." | null,
 *                 "key": "..." | null, "value": "...", "count": 1}]}
 */
#ifndef ENVLINT_BASELINE_H
#define ENVLINT_BASELINE_H

#include <stddef.h>

#include "model/finding.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/vec.h"

struct baseline_entry {
	char *rule, *file, *service, *key, *value;
	int count;     /* how many findings it stands for */
	int remaining; /* count minus the findings matched by baseline_apply */
	int line, col; /* position in the baseline file */
};

struct baseline {
	char *path;
	VEC(struct baseline_entry) entries;
};

/* Load and validate a baseline file (errors carry path:line:col). */
int baseline_load(struct baseline **out, const char *path, struct el_error *err);
void baseline_free(struct baseline *b);

/*
 * Mark the findings the baseline covers as suppressed. values[i] is the
 * content key of fl->items[i] (see baseline_value). Returns how many.
 */
size_t baseline_apply(struct baseline *b, struct finding_list *fl, char *const *values);

/* Write the findings that are not suppressed as a baseline file. Returns the entry count. */
size_t baseline_write(struct buf *out, const struct finding_list *fl, char *const *values);

/*
 * The content key of a finding: "class:<value_class>" when the check set one,
 * else "line:<16 hex digits>", a hash of line_text (the primary line) with
 * surrounding blanks removed. The caller passes both already redacted.
 * New string.
 */
char *baseline_value(const char *value_class, const char *line_text);

#endif
