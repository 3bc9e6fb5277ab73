/*
 * A tiny static evaluator for the argument expressions of loader calls in
 * JS/TS and Python: string literals (all quote kinds; template strings with
 * ${...} become partly unknown), numbers, booleans, arrays/lists/tuples,
 * object literals and keyword arguments, and the path idioms
 * path.resolve/path.join(__dirname | process.cwd() | literals ...),
 * new URL('.env', import.meta.url), os.path.join/abspath/dirname(__file__),
 * Path(__file__).resolve().parent / '.env', BASE_DIR-style names bound
 * earlier in the same file (via a caller-supplied resolver). Whatever cannot
 * be known statically is EXPR_UNKNOWN with the text that stopped it.
 * The caller owns every struct expr (expr_free).
 */
#ifndef ENVLINT_EXPR_H
#define ENVLINT_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/source.h"

enum expr_type {
	EXPR_UNKNOWN,
	EXPR_STRING, /* a plain string: for paths, relative to the working directory */
	EXPR_PATH,   /* a path with a known anchor */
	EXPR_NUMBER,
	EXPR_BOOL,
	EXPR_NULL,
	EXPR_ARRAY,
	EXPR_OBJECT, /* JS object literal, or the keyword arguments of a Python call */
};

enum expr_anchor {
	ANCHOR_CWD,      /* process.cwd(), os.getcwd(), or a bare relative string */
	ANCHOR_FILE_DIR, /* __dirname, dirname(__file__), Path(__file__).parent */
	ANCHOR_ABSOLUTE, /* "/etc/app/.env" */
};

struct expr;

struct expr_prop {
	char *key;
	struct expr *value;
};

struct expr {
	enum expr_type type;
	int line, col; /* position in the source file (1-based) */
	char *text;    /* STRING: the value; PATH: the path relative to anchor ('/' joined,
			  normalised, may start with ../); UNKNOWN: the source text */
	enum expr_anchor anchor; /* PATH */
	double number;
	bool boolean;
	struct expr **items; /* ARRAY; positional arguments of a call */
	size_t nitems;
	struct expr_prop *props; /* OBJECT / keyword arguments */
	size_t nprops;
	bool is_file; /* UNKNOWN: the value is the source file itself (__file__, __filename,
			 import.meta.url, Path(__file__).resolve()); its folder is ANCHOR_FILE_DIR */
};

/*
 * Resolves a bare identifier bound earlier in the file (BASE_DIR = ...); NULL
 * if unknown. Dotted names (settings.BASE_DIR) are asked for whole. The
 * returned expr stays owned by the resolver: the evaluator copies it.
 */
struct expr_scope {
	struct expr *(*lookup)(void *ctx, const char *name);
	void *ctx;
};

/*
 * Parse an argument list (the text between a call's parentheses, as
 * source_match.args gives it) into an ARRAY of positional arguments plus
 * keyword arguments / a trailing object in props. line/col is where args
 * starts in the file. Never fails: unknown pieces become EXPR_UNKNOWN.
 */
struct expr *expr_parse_args(enum source_lang lang, const char *args, int line, int col,
			     const struct expr_scope *scope);
/* Parse one expression. */
struct expr *expr_parse(enum source_lang lang, const char *text, int line, int col,
			const struct expr_scope *scope);
/* The property key of an OBJECT (or keyword argument), or NULL. */
const struct expr *expr_prop(const struct expr *obj, const char *key);
/*
 * Whether e has a statically known truthiness (booleans, numbers, null/None,
 * strings: how both JS and Python test an option like override); *value set
 * when it does.
 */
bool expr_bool(const struct expr *e, bool *value);
/* A deep copy of e (NULL for NULL); the caller owns it. */
struct expr *expr_copy(const struct expr *e);
void expr_free(struct expr *e);

#endif
