/*
 * A small declarative schema for YAML trees (rule packs, .envlint.yml): C tables of
 * fields with a type, and a validator that reports the first problem as
 * path:line:col (unknown key with a "did you mean", wrong type, missing required
 * key, bad enum value, duplicate key, invalid regex). Regex fields are compiled
 * during validation, once; the caller gets the compiled patterns it keeps with
 * schema_regex_of and schema_ctx_free drops the context's own references.
 */
#ifndef ENVLINT_SCHEMA_H
#define ENVLINT_SCHEMA_H

#include <stdbool.h>

#include "config/yaml.h"
#include "util/error.h"
#include "util/rx.h"

enum schema_kind {
	SCHEMA_STRING, /* any scalar except a plain null; plain true/false/numbers are accepted */
	SCHEMA_INT,    /* plain integer scalar within [min, max] */
	SCHEMA_BOOL,   /* plain true / false */
	SCHEMA_REGEX,  /* string compiled with rx_compile */
	SCHEMA_ENUM,   /* string among enum_values */
	SCHEMA_LIST,   /* sequence of item */
	SCHEMA_MAP,    /* mapping from any string key to item */
	SCHEMA_OBJECT, /* mapping with the keys in fields */
	SCHEMA_ANY,    /* anything (not looked into) */
};

struct schema_field;

struct schema_type {
	enum schema_kind kind;
	const char *const *enum_values;    /* SCHEMA_ENUM: NULL-terminated */
	const struct schema_type *item;    /* SCHEMA_LIST, SCHEMA_MAP */
	const struct schema_field *fields; /* SCHEMA_OBJECT: terminated by {NULL} */
	long min, max;                     /* SCHEMA_INT when min < max */
	bool nonempty;                     /* SCHEMA_STRING/REGEX/LIST/MAP: reject empty */
};

struct schema_field {
	const char *name;
	const struct schema_type *type;
	bool required;
};

/* Ready-made scalar types. */
extern const struct schema_type schema_string;
extern const struct schema_type schema_nonempty_string;
extern const struct schema_type schema_int;
extern const struct schema_type schema_bool;
extern const struct schema_type schema_regex;

/* Validation state for one file: the path for messages and the compiled regexes. */
struct schema_ctx;

struct schema_ctx *schema_ctx_new(const char *path);
void schema_ctx_free(struct schema_ctx *ctx);

/*
 * Check node against type. On the first problem fills err with the file's
 * path and the node's position and returns -1.
 */
int schema_check(struct schema_ctx *ctx, const struct schema_type *type,
                 const struct yml_node *node, struct el_error *err);

/*
 * The regex compiled from node during schema_check, as a reference the caller
 * frees with rx_free; NULL if node is not a regex field.
 */
struct rx *schema_regex_of(const struct schema_ctx *ctx, const struct yml_node *node);

/* Parse a plain integer scalar; -1 if it is not one. */
int schema_scalar_long(const struct yml_node *n, long *out);
/* Whether n is plain `true` (false for anything else). */
bool schema_scalar_true(const struct yml_node *n);

#endif
