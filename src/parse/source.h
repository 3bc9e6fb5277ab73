/*
 * Pattern scanning of source files (JS/TS, Python, Go, Ruby, shell, ...):
 * each pattern has a literal prefilter (memmem before any regex), a PCRE2
 * regex with named groups, and optionally asks for the balanced argument text
 * of the call the match opens. Comments are blanked out first (offsets kept)
 * so commented-out code never matches. Patterns come from rule packs; this
 * module knows syntax, not loaders. Results are owned by the caller.
 */
#ifndef ENVLINT_SOURCE_H
#define ENVLINT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/rx.h"

enum source_lang {
	LANG_NONE = 0,
	LANG_JS = 1 << 0,     /* .js .mjs .cjs .jsx .ts .mts .cts .tsx */
	LANG_PYTHON = 1 << 1, /* .py */
	LANG_GO = 1 << 2,
	LANG_RUBY = 1 << 3,   /* .rb, Gemfile, .erb */
	LANG_SHELL = 1 << 4,  /* .sh, entrypoints, Procfile, Dockerfile RUN/CMD lines */
	LANG_PRISMA = 1 << 5, /* schema.prisma */
	LANG_YAML = 1 << 6,   /* compose, k8s, database.yml (read as text here) */
	LANG_JAVA = 1 << 7,   /* .java .kt, .properties */
	LANG_RUST = 1 << 8,
	LANG_PHP = 1 << 9,
};

/* The language named in a rule pack ("js", "python", ...), or LANG_NONE. */
enum source_lang source_lang_from_name(const char *name);
/* The language of a file by its name, or LANG_NONE. */
enum source_lang source_lang_of(const char *name);

struct source_pattern {
	const char *id;
	unsigned langs;      /* enum source_lang bits */
	const char *literal; /* must occur in the file for the regex to run; NULL = none */
	const struct rx *rx;
	bool call_args;      /* capture the balanced (...) text that the match ends inside or before */
};

struct source_match {
	const struct source_pattern *pattern;
	size_t start, end;  /* byte offsets of the regex match */
	int line, col;      /* 1-based position of the match start */
	char *groups[RX_MAX_GROUPS]; /* group texts, NULL when unset */
	char *args;         /* the call's argument text without the parentheses, NULL when none */
	int args_line, args_col;
};

struct source_matches {
	struct source_match *items;
	size_t len, cap;
	bool limit_hit;     /* a regex hit its match or heap limit: reported, not silent */
	const char *limit_pattern;
	bool borrowed;      /* items belong to another owner: source_matches_free forgets them */
};

/*
 * Run every pattern whose langs include lang over data. Matches are appended
 * in pattern order, then by position. Returns 0; -1 only on a PCRE2 error.
 */
int source_scan(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang,
		const char *data, size_t len, const struct source_pattern *patterns,
		size_t npatterns, struct el_error *err);

/*
 * A pattern array prepared for scanning many files: the literal prefilters of
 * all its patterns are looked for in one pass over a file (a table of the
 * literals' first two bytes) instead of one memmem per pattern, which on
 * small source files costs more in set-up than in searching. The patterns
 * must outlive the set and stay unchanged.
 */
struct source_set;

struct source_set *source_set_new(const struct source_pattern *patterns, size_t npatterns);
void source_set_free(struct source_set *set);
/* The set's patterns (*n of them). */
const struct source_pattern *source_set_patterns(const struct source_set *set, size_t *n);
/* rx_jit every pattern of the set: before scanning with it on several threads. */
void source_set_jit(const struct source_set *set);
/* source_scan over the set's patterns; the same matches in the same order. */
int source_scan_set(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang,
		    const char *data, size_t len, const struct source_set *set,
		    struct el_error *err);
/* A range of a set's patterns whose matches go to a list of their own. */
struct source_group {
	size_t first, count;  /* patterns [first, first + count) of the set */
	const bool *enabled;  /* per pattern of the range (NULL: all) */
	const struct source_pattern *report_as; /* matches point here (count entries); NULL: the set */
	struct source_matches *out;
	int rc;               /* set by the scan: -1 when a regex failed (err says why) */
	struct el_error *err;
};

/*
 * Several pattern sets over one file in one go: the set holds their patterns
 * one after the other, and each group gets exactly what source_scan_masked
 * over its own patterns would give (the same matches, limits and argument
 * budget), while the literal prefilter and comment blanking run once.
 * Returns -1 when some group's rc is.
 */
int source_scan_groups(struct rx_ctx *ctx, enum source_lang lang, const char *data, size_t len,
		       const struct source_set *set, struct source_group *groups,
		       size_t ngroups);
/*
 * source_scan_set with only the patterns i where enabled[i] (NULL: all): the
 * same as scanning with a set of just those patterns, in their order.
 */
int source_scan_masked(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang,
		       const char *data, size_t len, const struct source_set *set,
		       const bool *enabled, struct el_error *err);
/* The text of the named group of m, or NULL when unset or unknown. */
const char *source_group(const struct source_match *m, const char *name);
void source_matches_free(struct source_matches *ms);
/* Give back the room kept for more matches (for matches kept a long time). */
void source_matches_shrink(struct source_matches *ms);

#endif
