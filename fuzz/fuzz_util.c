/* Helpers shared by the harnesses (see fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char *fuzz_dir;

static void
fuzz_cleanup(void)
{
	char cmd[4096];

	if (fuzz_dir == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
	free(fuzz_dir);
	fuzz_dir = NULL;
}

const char *
fuzz_tmpfile(const char *base, const uint8_t *data, size_t size)
{
	static char path[4096];
	FILE *fp;

	if (fuzz_dir == NULL) {
		const char *tmp = getenv("TMPDIR");
		char *tmpl = xasprintf("%s/envlint-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");

		if (mkdtemp(tmpl) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		fuzz_dir = tmpl;
		atexit(fuzz_cleanup);
	}
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, base);
	fp = fopen(path, "wb");
	if (fp == NULL || (size > 0 && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
		perror("fuzz: write");
		abort();
	}
	return path;
}
