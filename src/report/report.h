/*
 * Report writers: one finding list, several formats. Writers append to a
 * struct buf owned by the caller and never print directly. Every text that
 * could carry a secret (messages, code frames) passes through the caller's
 * redaction hook before it is written.
 */
#ifndef ENVLINT_REPORT_H
#define ENVLINT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"
#include "util/buf.h"

struct packs;

struct report_summary {
	size_t files;    /* env files examined */
	size_t services;
	size_t suppressed;
};

struct report_opts {
	const char *root; /* repository root, to read code frames from */
	bool color;
	bool quiet;
	const char *env;
	const char *plan;
	const char *category;   /* SARIF runAutomationDetails.id */
	const struct packs *packs; /* rule metadata (SARIF rules, help) */
	/* Returns a newly allocated copy of text with secrets masked. file is the
	 * file the text comes from (a code frame) or NULL (a message). */
	char *(*redact)(void *ctx, const char *file, const char *text);
	void *redact_ctx;
	/* The contents of a repository file (the scan's, read once), or NULL:
	 * then code frames are read from root. */
	const char *(*source)(void *ctx, const char *file, size_t *len);
	void *source_ctx;
	struct report_summary summary;
};

void report_text(struct buf *out, const struct finding_list *fl, const struct report_opts *o);
void report_json(struct buf *out, const struct finding_list *fl, const struct report_opts *o);
void report_sarif(struct buf *out, const struct finding_list *fl, const struct report_opts *o);
void report_github(struct buf *out, const struct finding_list *fl, const struct report_opts *o);

/* Shared helpers for writers. */
char *report_redact(const struct report_opts *o, const char *file, const char *text);
/* Line lineno (1-based) of root/file without its newline, or NULL. Caller frees. */
char *report_read_line(const char *root, const char *file, int lineno);
/* Line lineno (1-based) of data without its newline, or NULL. Caller frees. */
char *report_line_of(const char *data, size_t len, int lineno);
/* Line lineno of file through o->source when set, else from o->root. Caller frees. */
char *report_line(const struct report_opts *o, const char *file, int lineno);

#endif
