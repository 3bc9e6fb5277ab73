/*
 * gitignore rules and wildmatch. The input up to the first NUL is a
 * .gitignore file; the rest holds paths, one a line, each matched as a file
 * and as a folder. Every line of the rules is also run through
 * ignore_wildmatch against every path, with and without pathname semantics.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "walk/ignore.h"

#define MAX_PATHS 32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *rest = nul ? fuzz_cstr(nul + 1, size - tlen - 1) : fuzz_cstr(data, 0);
	char *rules = fuzz_cstr(data, tlen);
	char *paths[MAX_PATHS];
	size_t npaths = 0, i;
	struct ignore_list *l;
	char *p, *line, *save = NULL;

	for (p = strtok_r(rest, "\n", &save); p != NULL && npaths < MAX_PATHS;
	     p = strtok_r(NULL, "\n", &save))
		paths[npaths++] = p;
	l = ignore_list_new();
	ignore_list_add_text(l, text, tlen);
	for (i = 0; i < npaths; i++) {
		(void)ignore_list_match(l, paths[i], strlen(paths[i]), false);
		(void)ignore_list_match(l, paths[i], strlen(paths[i]), true);
	}
	ignore_list_free(l);
	save = NULL;
	for (line = strtok_r(rules, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < npaths; i++) {
			(void)ignore_wildmatch(line, paths[i], true);
			(void)ignore_wildmatch(line, paths[i], false);
		}
	}
	free(rules);
	free(rest);
	return 0;
}
