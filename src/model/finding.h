/*
 * The one finding model every check produces and every writer consumes: a
 * rule, a severity, a message, a primary location, related locations, and the
 * service and key it concerns. A finding_list owns its findings and every
 * string in them.
 */
#ifndef ENVLINT_FINDING_H
#define ENVLINT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/severity.h"
#include "util/vec.h"

struct location {
	char *file; /* relative to the repository root, '/' separators */
	int line, col;
	int end_line, end_col; /* inclusive end column; 0 = unknown */
	char *message;         /* for related locations */
};

struct finding {
	const char *rule; /* static id from the rule table */
	enum severity severity;
	char *message;
	struct location loc;
	VEC(struct location) related;
	char *service; /* NULL when not tied to a service */
	char *key;     /* NULL when not tied to a key */
	char *value_class; /* what the value is (endpoint, mode, parameter), for baselines */
	bool template;     /* reported from a template standing in for a missing file */
	bool suppressed;
	char *fingerprint;
	int occurrence; /* 1 + earlier findings with the same fingerprint (SARIF "hash:N") */
};

struct finding_list {
	VEC(struct finding) items;
};

/* Add a finding; strings are copied. Returns it so related locations can be added. */
struct finding *finding_add(struct finding_list *fl, const char *rule, enum severity sev,
			    const char *file, int line, int col, int end_line, int end_col,
			    const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 9, 10)))
#endif
	;
/* Add a related location to f. */
void finding_add_related(struct finding *f, const char *file, int line, int col,
			 const char *message);
/* Set service and key (copied; either may be NULL). */
void finding_set_subject(struct finding *f, const char *service, const char *key);
/*
 * Merge the findings from index from on that report one problem twice: same
 * rule, location, service, key and value class. The first keeps its message
 * and gains the related locations the others add (a second use of the value).
 */
void finding_list_merge_same(struct finding_list *fl, size_t from);
/* Sort by file, line, column, rule, message; drop exact duplicates. */
void finding_list_sort(struct finding_list *fl);
void finding_list_free(struct finding_list *fl);

#endif
