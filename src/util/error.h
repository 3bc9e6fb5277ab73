/*
 * The caller-owned error record that fallible functions fill: a position and a
 * message, printed as "path:line:col: message" (1-based; 0 = unknown).
 */
#ifndef ENVLINT_ERROR_H
#define ENVLINT_ERROR_H

#include <stdio.h>

#include "util/xalloc.h"

struct el_error {
	char *path;
	int line;
	int col;
	char *msg;
};

#define EL_ERROR_INIT {NULL, 0, 0, NULL}

/* Replace the contents of e (if e is not NULL). Returns -1 for "return el_error_set(...)". */
int el_error_set(struct el_error *e, const char *path, int line, int col, const char *fmt, ...)
	EL_PRINTF(5, 6);
/* Free the contents and reset. */
void el_error_clear(struct el_error *e);
/* Print "path:line:col: message" (the parts that are known) and a newline. */
void el_error_print(FILE *fp, const struct el_error *e);

#endif
