/*
 * Replay driver: runs LLVMFuzzerTestOneInput once on each file named on the
 * command line (folders: every file in them, sorted), as libFuzzer does when
 * given files. Used where libFuzzer is not available (gcc builds, valgrind) to
 * replay fuzz/regressions and seed corpora. Exit 0 when every input ran.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util/fileio.h"

static int
run_file(const char *path)
{
	struct el_error err = EL_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;

	if (file_read(path, 64u * 1024u * 1024u, &data, &len, &err) != FILE_READ_OK) {
		el_error_print(stderr, &err);
		el_error_clear(&err);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	free(data);
	printf("ran %s (%zu bytes)\n", path, len);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_path(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		rc |= run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		rc |= run_path(argv[i]);
	return rc;
}
