/*
 * Internals shared by the dialect files of the dotenv module (dotenv_*.c):
 * the per-dialect entry points, helpers that append bindings and problems to
 * a struct dotenv_file, a byte-offset -> line/column tracker, a name index over
 * parsed bindings, and the expansion engines. Not for use outside src/parse/.
 *
 * Positions: lines and columns are 1-based; columns count BYTES from the start
 * of the line. A line ends at LF, CRLF or a lone CR (what an editor shows),
 * whatever the dialect itself treats as a line break, so spans point at the
 * same place in every dialect.
 */
#ifndef ENVLINT_DOTENV_INT_H
#define ENVLINT_DOTENV_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/dotenv.h"

/* Expansion never nests deeper than this (default values inside defaults, ...). */
#define DOTENV_EXPAND_MAX_DEPTH 16
/*
 * The JavaScript expanders rescan the whole value after every replacement
 * (as the real code does). Their work on one file is bounded by this many
 * bytes scanned; past it values are marked unknowable (gave_up).
 */
#define DOTENV_EXPAND_WORK_LIMIT ((size_t)256 * 1024 * 1024)
/*
 * Next's old expand recurses once per replacement; V8's default stack holds
 * about ten thousand such frames. A value needing more (a self-reference such
 * as A=${A}x never ends) is what @next/env reports as "Maximum call stack size
 * exceeded" (env-loading.md c80, c82).
 */
#define DOTENV_NEXT_MAX_RECURSION 10000
/*
 * Work allowed per file (bytes scanned) to reach that depth. A value that
 * runs out of it after a tenth of the depth counts as endless too (its value
 * grows fast); before that it is only marked unknowable (gave_up).
 */
#define DOTENV_NEXT_WORK_LIMIT ((size_t)1 << 29)

/*
 * One dialect entry point. f is zeroed except f->dialect and f->had_bom
 * (set by dotenv_parse when data starts with EF BB BF; data still holds
 * the BOM). Returns 0; content problems go to f->problems / f->failed.
 */
typedef int (*dotenv_parse_fn)(struct dotenv_file *f, const char *data, size_t len,
			       const struct dotenv_options *o);

int dotenv_parse_node(struct dotenv_file *f, const char *data, size_t len,
		      const struct dotenv_options *o);   /* dotenv_node.c */
int dotenv_parse_expand(struct dotenv_file *f, const char *data, size_t len,
			const struct dotenv_options *o); /* dotenv_node.c */
int dotenv_parse_nextjs(struct dotenv_file *f, const char *data, size_t len,
			const struct dotenv_options *o); /* dotenv_node.c */
int dotenv_parse_nodecore(struct dotenv_file *f, const char *data, size_t len,
			  const struct dotenv_options *o); /* dotenv_nodecore.c */
int dotenv_parse_vite(struct dotenv_file *f, const char *data, size_t len,
		      const struct dotenv_options *o); /* dotenv_nodecore.c */
int dotenv_parse_python(struct dotenv_file *f, const char *data, size_t len,
			const struct dotenv_options *o); /* dotenv_python.c */
int dotenv_parse_compose(struct dotenv_file *f, const char *data, size_t len,
			 const struct dotenv_options *o); /* dotenv_compose.c */
int dotenv_parse_go(struct dotenv_file *f, const char *data, size_t len,
		    const struct dotenv_options *o); /* dotenv_go.c */
int dotenv_parse_ruby(struct dotenv_file *f, const char *data, size_t len,
		      const struct dotenv_options *o); /* dotenv_ruby.c */
int dotenv_parse_rust(struct dotenv_file *f, const char *data, size_t len,
		      const struct dotenv_options *o); /* dotenv_rust.c */

/* ---- positions ---------------------------------------------------------- */

/*
 * Maps byte offsets of one input to 1-based line/column (see top of file).
 * Memory stays small on huge inputs: one checkpoint per DOTENV_POS_BLOCK
 * bytes (lines before the block, start of the line the block begins in);
 * a lookup scans at most one block.
 */
#define DOTENV_POS_BLOCK 4096
/* The last answer, so that lookups in file order cost O(distance). */
struct dotenv_pos_cursor {
	size_t off, lines, start;
};
struct dotenv_pos {
	const char *data;
	size_t len;
	size_t *lines_before; /* per block: line starts in [1, block start] */
	size_t *line_start;   /* per block: start of the line holding the block start */
	size_t nblocks;
	struct dotenv_pos_cursor *cursor;
};

/* Index data (O(len)); data must outlive p. */
void dotenv_pos_init(struct dotenv_pos *p, const char *data, size_t len);
void dotenv_pos_free(struct dotenv_pos *p);
/* Line and column of byte offset off (off == len is the position after the last byte). */
void dotenv_pos_get(const struct dotenv_pos *p, size_t off, int *line, int *col);

/*
 * A copy of the input with line endings rewritten the way a loader does
 * before parsing, plus what is needed to map offsets back to the original.
 * Only removals change offsets; removed[] holds, in increasing order, the
 * offset in text at which each removed byte would have been.
 */
struct dotenv_norm {
	char *text;
	size_t len;
	size_t *removed;
	size_t nremoved;
};

/* CRLF -> LF and lone CR -> LF (JavaScript `replace(/\r\n?/g, '\n')`). */
void dotenv_norm_crlf(struct dotenv_norm *n, const char *data, size_t len);
/* Every CR removed (Node core's `erase(remove(..., '\r'))`). */
void dotenv_norm_strip_cr(struct dotenv_norm *n, const char *data, size_t len);
/* Offset in the original input of offset off of n->text. */
size_t dotenv_norm_orig(const struct dotenv_norm *n, size_t off);
void dotenv_norm_free(struct dotenv_norm *n);

/* ---- building the result ------------------------------------------------ */

/* Where one binding sits in the input, as byte offsets. */
struct dotenv_span {
	size_t start;     /* first byte of the statement (key, or `export`) */
	size_t end;       /* last byte of the statement (inclusive) */
	size_t value_start; /* first byte of the value text (opening quote included) */
};

/*
 * Append a binding; key/raw are copied (keylen/rawlen bytes). raw == NULL
 * means "key without value" (value and raw_value stay NULL). value starts as
 * a copy of raw. Returns the new binding (valid until the next append).
 */
struct dotenv_binding *dotenv_add_binding(struct dotenv_file *f, const struct dotenv_pos *pos,
					  const struct dotenv_span *span, const char *key,
					  size_t keylen, const char *raw, size_t rawlen,
					  enum dotenv_quote quote);
/* Append a problem at byte offset off; message is formatted. */
void dotenv_add_problem(struct dotenv_file *f, const struct dotenv_pos *pos,
			enum dotenv_problem_kind kind, size_t off, const char *fmt, ...)
	EL_PRINTF(5, 6);
/* Append a problem at a known line/column. */
void dotenv_add_problem_at(struct dotenv_file *f, enum dotenv_problem_kind kind, int line,
			   int col, const char *fmt, ...) EL_PRINTF(5, 6);
/* Free the contents of one binding (not the binding itself). */
void dotenv_binding_clear(struct dotenv_binding *b);
/* Drop every binding from index n on (used when a loader rejects what follows). */
void dotenv_truncate_bindings(struct dotenv_file *f, size_t n);
/* Replace b->value with v (taken over); sets b->expanded when it differs from raw_value. */
void dotenv_set_value(struct dotenv_binding *b, char *v);

/*
 * Whether a line holding bytes [s, e) is only blank (spaces, tabs, CR, LF,
 * VT, FF) or a comment (first non-blank byte is '#'). Such lines are never
 * problems in any dialect.
 */
bool dotenv_line_is_blank_or_comment(const char *s, const char *e);

/* ---- name index --------------------------------------------------------- */

/*
 * Open-addressing hash from key to binding index, so that expansion over a
 * file with many keys stays linear. Later dotenv_index_put for the same key
 * replaces the earlier index (last wins) unless first_wins.
 */
struct dotenv_index {
	size_t *slots; /* binding index + 1; 0 = empty */
	size_t cap;
	size_t count;
	const struct dotenv_file *f;
};

void dotenv_index_init(struct dotenv_index *ix, const struct dotenv_file *f);
void dotenv_index_free(struct dotenv_index *ix);
void dotenv_index_put(struct dotenv_index *ix, size_t binding, bool first_wins);
/* Binding index for name, or -1. */
long dotenv_index_find(const struct dotenv_index *ix, const char *name);

/* ---- expansion ---------------------------------------------------------- */

/* The expansion grammars (engines) in dotenv_expand.c. */
enum dotenv_expander {
	DOTENV_EXP_NONE,
	DOTENV_EXP_DOTENV_EXPAND, /* dotenv-expand 1000: $V ${V} ${V:-d} ${V-d} ${V:+a} ${V+a} \$ $(cmd) */
	DOTENV_EXP_NEXT_OLD,      /* Next's bundled old expand: $V ${V} ${V:-d} only, \$ */
	DOTENV_EXP_VITE,          /* vite's v12-style expand */
	DOTENV_EXP_PYTHON,        /* ${V} ${V:-d} (dotenv-b) */
	DOTENV_EXP_COMPOSE,       /* compose-go template (dotenv-b) */
	DOTENV_EXP_GODOTENV,      /* godotenv 1.5.1 (dotenv-b) */
	DOTENV_EXP_RUBY,          /* ruby dotenv 3 (dotenv-b) */
	DOTENV_EXP_DOTENVY,       /* dotenvy 0.15 (dotenv-b) */
};

/* Outcome of expanding one value. */
struct dotenv_expansion {
	char *value;        /* new string (caller owns), never NULL on success */
	bool unknowable;    /* held $(cmd): value has the command text removed */
	bool self_ref;      /* never ends: Next's recursion ("Maximum call stack size
			     * exceeded"), dotenv-expand's loop (the process hangs) */
	bool gave_up;       /* work limit hit: value is what was computed so far */
	size_t work;        /* in: work already spent on this file; out: plus this value's */
	char *error;        /* engine-specific fatal error (compose `:?`); caller owns */
	char **refs;        /* names referenced, in order (caller owns) */
	size_t nrefs;
	char **undefined;   /* names that resolved to nothing (caller owns) */
	size_t nundefined;
};

/*
 * Expand raw with engine e. self_key (may be NULL) is the key being
 * defined, for engines that treat a self-reference specially. Returns 0,
 * or -1 when the engine fails hard (x->error says why; x->value still set).
 */
int dotenv_expand_run(enum dotenv_expander e, const char *raw, const char *self_key,
		      const struct dotenv_lookup *lookup, struct dotenv_expansion *x);
/*
 * The other dialects' engines (dotenv_python.c, dotenv_compose.c, dotenv_go.c,
 * dotenv_ruby.c, dotenv_rust.c; see dotenv_shell.h), reached through
 * dotenv_expand_run. They fill x and return 0, or -1 with x->error set.
 */
int dotenv_expand_python(const char *raw, size_t n, const struct dotenv_lookup *lookup,
			 struct dotenv_expansion *x);
int dotenv_expand_compose(const char *raw, size_t n, const struct dotenv_lookup *lookup,
			  struct dotenv_expansion *x);
int dotenv_expand_godotenv(const char *raw, size_t n, const struct dotenv_lookup *lookup,
			   struct dotenv_expansion *x);
int dotenv_expand_ruby(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		       struct dotenv_expansion *x);
int dotenv_expand_dotenvy(const char *raw, size_t n, const struct dotenv_lookup *lookup,
			  struct dotenv_expansion *x);
/* Free the arrays and strings of x. */
void dotenv_expansion_clear(struct dotenv_expansion *x);
/* Move x's value/refs/undefined/unknowable into b (x is cleared). */
void dotenv_expansion_apply(struct dotenv_binding *b, struct dotenv_expansion *x);
/* Which engine a dialect uses (DOTENV_EXP_NONE when it does not expand). */
enum dotenv_expander dotenv_dialect_expander(enum dotenv_dialect d);

/*
 * The JavaScript engines with the lookups their loaders really use
 * (dotenv_expand_run passes its one lookup for all of them):
 * - dotenv-expand 1000: env = {...runningParsed, ...processEnv}, then $(cmd).
 * - vite (v12 code): env = {...parsed, ...processEnv}; parsed = the whole map
 *   being expanded (its break test compares with parsed[key]).
 * - Next's old expand: processEnv[v] || default || parsed[v] || "".
 * None of them unescapes `\$`; the caller does (dotenv_js_unescape).
 */
int dotenv_expand_dotenv1000(const char *raw, const struct dotenv_lookup *env,
			     struct dotenv_expansion *x);
int dotenv_expand_vite(const char *raw, const struct dotenv_lookup *env,
		       const struct dotenv_lookup *parsed, struct dotenv_expansion *x);
int dotenv_expand_next(const char *raw, const struct dotenv_lookup *env,
		       const struct dotenv_lookup *parsed, struct dotenv_expansion *x);
/* value.replace(/\\\$/g, "$") in place. */
void dotenv_js_unescape(char *value);

/*
 * The order in which JavaScript's `for (key in obj)` visits the keys of an
 * object built from f's bindings: canonical array-index keys ("0", "17")
 * first in numeric order, then the others in first-insertion order, or in
 * byte order when sorted (Node core returns a std::map). One entry per key:
 * the index of the key's LAST binding (the value the object holds).
 * Returns a new array of *n indices.
 */
size_t *dotenv_js_key_order(const struct dotenv_file *f, bool sorted, size_t *n);

/*
 * Run a JavaScript loader's expand() over the parsed file f, as the loader
 * does: DOTENV_EXP_DOTENV_EXPAND (dotenv-expand 1000 expand()),
 * DOTENV_EXP_NEXT_OLD (@next/env) or DOTENV_EXP_VITE (vite loadEnv). penv is
 * the process environment (may be NULL). Sets each key's effective (last)
 * binding's value; for Next a never-ending expansion rejects the whole file
 * (f->failed, a FILE_REJECTED problem, bindings dropped).
 */
void dotenv_js_expand_file(struct dotenv_file *f, enum dotenv_expander e,
			   const struct dotenv_lookup *penv);

#endif
