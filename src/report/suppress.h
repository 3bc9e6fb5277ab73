/*
 * Inline suppressions: comments in env files and source files that silence
 * named rules.
 *
 *   # envlint-disable-next-line RULE[, RULE]   the next line (stacked
 *                                             directive lines are skipped)
 *   # envlint-disable-file RULE[, RULE]        every finding in the file
 *
 * The comment opener depends on the file's language: `#` (env files, shell,
 * Python, Ruby, YAML, TOML, Dockerfile), `//` and `/ * ... * /` (JS/TS, Go, Rust,
 * Java, C, Prisma), `--` (SQL, Lua); files of unknown type accept all four.
 * Rule ids are separated by commas and/or spaces; a ` -- reason` may follow.
 * Each (directive, rule) pair is one struct suppression, so an unused rule in
 * a list is reported on its own.
 */
#ifndef ENVLINT_SUPPRESS_H
#define ENVLINT_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"
#include "util/vec.h"

struct suppression {
	char *file;       /* relative to the repository root */
	int line, col;    /* the rule id in the directive (the directive word when none) */
	int end_col;      /* inclusive end column of that span */
	bool whole_file;  /* envlint-disable-file */
	int target_line;  /* envlint-disable-next-line: the line it covers; 0 = none */
	char *rule;       /* NULL: the directive names no rule */
	bool used;
};

struct suppress_list {
	VEC(struct suppression) items;
};

/* What every directive starts with. */
#define SUPPRESS_DIRECTIVE "envlint-disable-"

/* Whether data may hold a directive (a cheap test before suppress_scan). */
bool suppress_maybe(const char *data, size_t len);

/* Collect the directives of one file (path decides the comment syntax). */
void suppress_scan(struct suppress_list *sl, const char *path, const char *data, size_t len);

/*
 * Mark every finding a directive covers as suppressed (findings already
 * suppressed still mark the directive used). Returns how many it suppressed.
 */
size_t suppress_apply(struct suppress_list *sl, struct finding_list *fl);

void suppress_list_free(struct suppress_list *sl);

#endif
