/*
 * PCRE2 with envlint's safety rules: patterns compiled once with
 * PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (arbitrary bytes match safely), JIT when
 * available, and every match bounded by match and heap limits. A limit hit is
 * reported as RX_LIMIT, never as a silent non-match. A struct rx owns its
 * compiled code and is shared by counting its holders (rx_ref, rx_free); a
 * struct rx_ctx (one per scan) owns match data.
 */
#ifndef ENVLINT_RX_H
#define ENVLINT_RX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Limits; see README "Limits". */
#define RX_MATCH_LIMIT 1000000u
#define RX_HEAP_LIMIT_KIB 20480u
#define RX_MAX_GROUPS 16

struct rx;
struct rx_ctx;

enum rx_result {
	RX_NOMATCH = 0,
	RX_MATCH = 1,
	RX_LIMIT = -1, /* match or heap limit hit: the caller reports it */
	RX_ERROR = -2,
};

struct rx_match {
	size_t start[RX_MAX_GROUPS]; /* byte offsets; SIZE_MAX = group unset */
	size_t end[RX_MAX_GROUPS];
	int ngroups; /* groups set including group 0 */
};

/*
 * Compile pattern. flags: "i" (caseless), "m" (multiline), "s" (dotall), "x".
 * On error fills err with path:line and col = line_col + pattern offset.
 */
int rx_compile(struct rx **out, const char *pattern, const char *flags, const char *path,
	       int line, int col, struct el_error *err);
/* Another holder of rx: the same pattern, freed when every holder has called rx_free. */
struct rx *rx_ref(struct rx *rx);
void rx_free(struct rx *rx);
/* Number of the named group, or -1. */
int rx_group_number(const struct rx *rx, const char *name);
/* The pattern text. */
const char *rx_pattern(const struct rx *rx);
/*
 * A run of bytes that every match of rx contains, for a prefilter: the
 * longest run of plain characters in the pattern's top-level sequence
 * (nothing optional, repeated, inside a group or class, or escaped as a
 * character type). Writes it NUL-terminated to out and returns its length;
 * 0 when there is none of at least 3 bytes, or when the pattern has a
 * top-level alternative or is caseless or extended.
 */
size_t rx_required_literal(const struct rx *rx, char *out, size_t cap);

struct rx_ctx *rx_ctx_new(void);
/*
 * A context for matching on a thread besides the main one. It never
 * triggers JIT compilation (the patterns it runs must have been through
 * rx_jit, or run interpreted): compiling changes the pattern in place.
 */
struct rx_ctx *rx_ctx_new_shared(void);
/* Compile rx to machine code now, once; before matching it on several threads. */
void rx_jit(struct rx *rx);
/*
 * While paused (calls nest), no context counts bytes or compiles to machine
 * code: for stages that match the same patterns on several threads with
 * contexts of their own.
 */
void rx_jit_pause(void);
void rx_jit_resume(void);
void rx_ctx_free(struct rx_ctx *ctx);

/* Match rx against subject[start..len). m may be NULL. */
enum rx_result rx_match(struct rx_ctx *ctx, const struct rx *rx, const char *subject, size_t len,
			size_t start, struct rx_match *m);

#endif
