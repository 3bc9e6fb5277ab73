/*
 * Source scanning with the bundled packs' real patterns (the loaders pack's
 * loader calls and env reads), then the argument evaluator on what a match
 * captured, as model/detect.c does. Byte 0 picks the language, unless the
 * harness is built with FUZZ_FIXED_LANG (fuzz_prisma: schema.prisma files).
 * The rules folder comes from ENVLINT_FUZZ_RULES or FUZZ_RULES_DIR.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "fuzz.h"
#include "model/loaders.h"
#include "parse/expr.h"
#include "parse/source.h"
#include "util/xalloc.h"

#ifndef FUZZ_RULES_DIR
#define FUZZ_RULES_DIR "rules"
#endif

#ifndef FUZZ_FIXED_LANG
static const enum source_lang langs[] = {
	LANG_JS,   LANG_PYTHON, LANG_GO,   LANG_RUBY, LANG_SHELL, LANG_PRISMA,
	LANG_YAML, LANG_JAVA,   LANG_RUST, LANG_PHP,
};
#endif

static struct packs *packs;
static struct loader_set *loaders;
static struct rx_ctx *ctx;

static void
init(void)
{
	struct el_error err = EL_ERROR_INIT;
	const char *dir = getenv("ENVLINT_FUZZ_RULES");
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	size_t n = 0;

	if (dir == NULL || *dir == '\0')
		dir = FUZZ_RULES_DIR;
	if (packs_load(&packs, &dir, 1, &err) != 0 ||
	    packs_kind_docs(packs, "loaders", &roots, &paths, &n) != 0 ||
	    loaders_load(&loaders, roots, paths, n, &err) != 0) {
		fprintf(stderr, "fuzz_source: cannot load the packs in %s: ", dir);
		el_error_print(stderr, &err);
		exit(1);
	}
	if (loaders->flat.len == 0) {
		fprintf(stderr, "fuzz_source: no source patterns in %s\n", dir);
		exit(1);
	}
	ctx = rx_ctx_new();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	enum source_lang lang;
	const char *text;
	size_t len, i;
	char *copy;

	if (loaders == NULL)
		init();
#ifdef FUZZ_FIXED_LANG
	lang = FUZZ_FIXED_LANG;
	text = (const char *)data;
	len = size;
#else
	if (size < 1)
		return 0;
	lang = langs[data[0] % (sizeof(langs) / sizeof(langs[0]))];
	text = (const char *)data + 1;
	len = size - 1;
#endif
	/* Files come NUL-terminated from file_read; do the same. */
	copy = fuzz_cstr((const uint8_t *)text, len);
	if (source_scan(&ms, ctx, lang, copy, len, loaders->flat.items, loaders->flat.len, &err) !=
	    0) {
		if (err.msg == NULL)
			abort();
	}
	for (i = 0; i < ms.len; i++) {
		const struct source_match *m = &ms.items[i];
		struct expr *e;
		char *after;

		if (m->start > m->end || m->end > len || m->line < 1 || m->col < 1)
			abort();
		(void)source_group(m, "path");
		(void)source_group(m, "key");
		if (m->args != NULL) {
			e = expr_parse_args(lang, m->args, m->args_line, m->args_col, NULL);
			expr_free(e);
		}
		/* What follows the match, as value-after patterns read it. */
		after = xstrndup(copy + m->end, len - m->end < 256 ? len - m->end : 256);
		e = expr_parse(lang, after, m->line, m->col, NULL);
		expr_free(e);
		free(after);
	}
	source_matches_free(&ms);
	el_error_clear(&err);
	free(copy);
	return 0;
}
