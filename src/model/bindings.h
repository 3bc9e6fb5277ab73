/*
 * Names bound earlier in a source file (BASE_DIR = Path(__file__).parent,
 * const envDir = path.resolve(__dirname, '..')), for the expression
 * evaluator that resolves loader path arguments. A binding is a line that
 * starts with the name (JS: after const/let/var) followed by `=`; the last
 * one before the call wins. Values are parsed on demand, with the same
 * scope, a few levels deep. The caller owns struct bindings (bindings_free).
 */
#ifndef ENVLINT_BINDINGS_H
#define ENVLINT_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/expr.h"
#include "util/vec.h"

struct bindings {
	enum source_lang lang;
	const char *data;
	size_t len;
	size_t before; /* only bindings that start before this offset count */
	int depth;
	VEC(struct expr *) made;
	struct expr_scope scope; /* hand &scope to expr_parse / expr_parse_args */
};

/* Whether offset off of a JS/TS or Python file lies inside a string literal
 * ("run dotenv.config() first", a docstring): a loader call there is text. */
bool bindings_in_string(enum source_lang lang, const char *data, size_t len, size_t off);

/*
 * Whether the call at offset off of a JS/TS file sits directly under
 * `if (process.env.NODE_ENV !== 'production')` (or `=== 'development'`, ...)
 * whose condition is false when NODE_ENV is env: then it does not run.
 */
bool bindings_guarded_out(enum source_lang lang, const char *data, size_t off, const char *env);

void bindings_init(struct bindings *b, enum source_lang lang, const char *data, size_t len);
void bindings_free(struct bindings *b);

#endif
