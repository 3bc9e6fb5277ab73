/*
 * The loader-argument evaluator on its own. Byte 0 picks JS or Python and
 * whether the rest is an argument list or one expression; names resolve
 * through a scope that knows BASE_DIR.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "parse/expr.h"

static struct expr *base_dir;

static struct expr *
lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (base_dir == NULL)
		base_dir = expr_parse(LANG_PYTHON, "Path(__file__).resolve().parent.parent", 1, 1,
				      NULL);
	return name[0] == 'B' ? base_dir : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr_scope scope = {lookup, NULL};
	enum source_lang lang;
	struct expr *e, *copy;
	char *s;
	bool v;

	if (size < 1)
		return 0;
	lang = (data[0] & 1) ? LANG_PYTHON : LANG_JS;
	s = fuzz_cstr(data + 1, size - 1);
	if (data[0] & 2)
		e = expr_parse_args(lang, s, 1, 1, (data[0] & 4) ? &scope : NULL);
	else
		e = expr_parse(lang, s, 1, 1, (data[0] & 4) ? &scope : NULL);
	if (e == NULL)
		abort(); /* never fails */
	(void)expr_bool(e, &v);
	(void)expr_prop(e, "path");
	(void)expr_prop(e, "override");
	copy = expr_copy(e);
	expr_free(copy);
	expr_free(e);
	free(s);
	return 0;
}
