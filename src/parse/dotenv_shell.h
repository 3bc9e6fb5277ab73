/*
 * Helpers shared by the five non-Node dialects (python-dotenv, compose,
 * godotenv, ruby dotenv, dotenvy): Unicode classes as those runtimes define
 * them, Go's strconv.Quote for error texts, the lookups each loader uses
 * during expansion, and the expansion engines themselves. Not for use
 * outside src/parse/. Returned strings belong to the caller.
 */
#ifndef ENVLINT_DOTENV_SHELL_H
#define ENVLINT_DOTENV_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/dotenv_int.h"
#include "util/buf.h"

/* Decode one UTF-8 sequence the way Go does: invalid -> U+FFFD, width 1. */
size_t dsh_decode(const char *p, size_t n, uint32_t *cp);
/* Width of the valid UTF-8 sequence ending at p[n-1] (Go DecodeLastRune), cp set. */
size_t dsh_decode_last(const char *p, size_t n, uint32_t *cp);
/* Unicode letter or number (Go unicode.IsLetter || IsNumber; Rust is_alphanumeric). */
bool dsh_is_letter_number(uint32_t cp);
/* White_Space property (Go unicode.IsSpace, Rust char::is_whitespace). */
bool dsh_is_white_space(uint32_t cp);
/* Python str.isspace() / re `\s`: White_Space plus U+001C..U+001F. */
bool dsh_is_py_space(uint32_t cp);
/* Append s[0..n) quoted as Go's strconv.Quote (and %q, %#v) would print it. */
void dsh_go_quote(struct buf *b, const char *s, size_t n);

/* Record a reference (and whether it resolved to nothing) in x. */
void dsh_add_ref(struct dotenv_expansion *x, const char *name, size_t n, bool undefined);
/* Free what x holds and zero it. */
void dsh_expansion_clear(struct dotenv_expansion *x);
/* Move x's value, refs and flags into b; x is left empty. */
void dsh_expansion_apply(struct dotenv_binding *b, struct dotenv_expansion *x);

/*
 * The lookup a loader uses while it expands one file: the values bound so
 * far in the file (last one wins; a key without value reads as "") and the
 * process environment, in the order the loader consults them.
 */
struct dsh_scope {
	const struct dotenv_file *f;
	struct dotenv_index ix;
	const struct dotenv_lookup *env; /* may be NULL */
	bool env_first;
	bool use_env; /* godotenv 1.5.1 never reads the environment */
};

void dsh_scope_init(struct dsh_scope *s, const struct dotenv_file *f,
		    const struct dotenv_lookup *env, bool env_first, bool use_env);
/* Make binding i (just appended) visible to later lookups. */
void dsh_scope_add(struct dsh_scope *s, size_t i);
void dsh_scope_free(struct dsh_scope *s);
/* A struct dotenv_lookup over s (valid while s lives). */
struct dotenv_lookup dsh_scope_lookup(struct dsh_scope *s);
/* Process environment value of name, or NULL. */
const char *dsh_env_get(const struct dotenv_lookup *env, const char *name);

/*
 * The expansion engines, one per loader, over a single lookup. They fill
 * x (x->value never NULL) and return 0, or -1 with x->error set when the
 * loader fails hard on the value (compose `${V:?msg}`, invalid template).
 * dotenv_expand_run dispatches DOTENV_EXP_PYTHON .. DOTENV_EXP_DOTENVY here.
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

#endif
