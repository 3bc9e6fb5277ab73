/*
 * PLACEHOLDER owned by dotenv-b (who replaces this whole file with the real
 * dialect); it exists only so that the dialect table in dotenv.c links.
 * Until then the dialect reports every file as not understood.
 */
#include "parse/dotenv_int.h"
#include "util/xalloc.h"

int
dotenv_parse_rust(struct dotenv_file *f, const char *data, size_t len,
		const struct dotenv_options *o)
{
	(void)data;
	(void)len;
	(void)o;
	dotenv_add_problem_at(f, DOTENV_PROBLEM_FILE_REJECTED, 1, 1,
			      "the %s dialect is not implemented yet", dotenv_dialect_name(f->dialect));
	f->failed = true;
	return 0;
}

int
dotenv_expand_dotenvy(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		struct dotenv_expansion *x)
{
	(void)lookup;
	x->value = xstrndup(raw, n);
	return 0;
}
