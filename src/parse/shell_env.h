/*
 * What a shell entrypoint puts into the environment before it execs the
 * server: `export K=V` lines, in order, with the condition they run under
 * (`if [ -z "$K" ]` or `${K:-...}` make a default; any other `if`, `case`
 * or `cond &&` an unknown condition). Values are shell words with their
 * quotes removed and their `$` references kept, in the syntax that
 * compose_interpolate expands. Nothing is executed. The caller owns the
 * result (shenv_free).
 */
#ifndef ENVLINT_SHELL_ENV_H
#define ENVLINT_SHELL_ENV_H

#include <stdbool.h>
#include <stddef.h>

enum shenv_when {
	SHENV_ALWAYS,  /* runs unconditionally */
	SHENV_UNSET,   /* runs only when the key is unset or empty: a default */
	SHENV_UNKNOWN, /* runs under a condition envlint cannot decide */
};

struct shenv_export {
	char *key;
	char *value; /* template; for SHENV_UNSET from ${K:-d}, just d */
	int line, col;
	enum shenv_when when;
	bool unknowable; /* $(cmd), backticks or an unterminated quote */
};

struct shenv_script {
	struct shenv_export *exports;
	size_t nexports;
};

/* Parse len bytes of a POSIX shell script; never fails (unknown lines are skipped). */
void shenv_parse(struct shenv_script *out, const char *data, size_t len);
void shenv_free(struct shenv_script *sc);

#endif
