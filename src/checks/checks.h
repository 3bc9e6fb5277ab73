/*
 * Checks are data: one const struct check per rule family, collected in
 * check_table[] and run in order over a scan. Each appends findings to the
 * context's list; selection, severity overrides and suppression happen after.
 */
#ifndef ENVLINT_CHECKS_H
#define ENVLINT_CHECKS_H

#include <stdbool.h>

#include "model/finding.h"
#include "model/scan.h"

struct check_ctx {
	struct scan *scan;
	struct finding_list *findings;
	bool redact; /* mask secrets in the values that messages quote */
	const char *plan; /* --plan; NULL: the configuration's `plan:` applies */
};

struct check {
	const char *family;
	const char *const *rules; /* ids this family can report, NULL-terminated */
	void (*run)(struct check_ctx *ctx);
};

extern const struct check *const check_table[];

/* Run every check family over ctx->scan. */
void checks_run(struct check_ctx *ctx);
/* The default severity of a rule from the metadata pack (warning if unknown). */
enum severity check_default_severity(const struct check_ctx *ctx, const char *rule);
/* A value as a message may quote it: redacted as the key's value would be, and shortened. */
char *check_quote_value(const struct check_ctx *ctx, const char *key, const char *value);
/* Whether the id names a rule some check family reports. */
bool check_rule_known(const char *id);

/* Families (one file each). */
extern const struct check check_budget;
extern const struct check check_envfile;
extern const struct check check_connection;
extern const struct check check_ignored;
extern const struct check check_shadow;
extern const struct check check_files;

#endif
