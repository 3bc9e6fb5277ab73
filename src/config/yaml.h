/*
 * YAML (and JSON) documents loaded into a small read-only tree of scalars,
 * sequences and mappings, each node carrying its 1-based line and column:
 * directly from the bytes when written in the YAML configuration uses
 * (config/yaml_direct.c), else with libyaml's event API, to the same tree. Input is untrusted: depth, node count and size are
 * bounded, and anchors/aliases are refused unless the caller allows them (then
 * expansion is budgeted so an alias bomb is an error, not a hang).
 * A struct yml_doc owns every node and string reachable from its root.
 */
#ifndef ENVLINT_YAML_H
#define ENVLINT_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum yml_type {
	YML_SCALAR,
	YML_SEQUENCE,
	YML_MAPPING,
};

/* How a scalar was written: `true` (plain) and "true" (quoted) differ in meaning. */
enum yml_style {
	YML_PLAIN,
	YML_SINGLE_QUOTED,
	YML_DOUBLE_QUOTED,
	YML_LITERAL, /* | */
	YML_FOLDED,  /* > */
};

struct yml_node;

struct yml_pair {
	struct yml_node *key;
	struct yml_node *value;
};

struct yml_node {
	enum yml_type type;
	enum yml_style style; /* scalars; YML_PLAIN for collections */
	bool flow;            /* collections written as [..] or {..} */
	int line;             /* 1-based position of the node's first character */
	int col;
	const char *tag; /* explicit tag such as "!!str", or NULL */
	/* Scalars: text (NUL-terminated; len counts embedded NULs from escapes). */
	const char *text;
	size_t len;
	/* Sequences: items. Mappings: pairs in document order (duplicates kept). */
	struct yml_node **items;
	struct yml_pair *pairs;
	size_t count;
};

struct yml_options {
	int max_depth;      /* nesting of collections; 0 = YML_DEFAULT_MAX_DEPTH */
	size_t max_nodes;   /* nodes after alias/merge expansion; 0 = YML_DEFAULT_MAX_NODES */
	size_t max_bytes;   /* input size; 0 = YML_DEFAULT_MAX_BYTES */
	bool allow_aliases; /* expand anchors/aliases and `<<` merge keys (compose files) */
	const char
	    *what; /* for "anchors and aliases are not allowed in <what>"; NULL = "this file" */
	/*
	 * envlint's own files (rule packs, .envlint.yml): loaded straight from the
	 * bytes when they keep to the YAML those are written in (yaml_direct.c).
	 * Repository files (package.json, compose, manifests) always go through
	 * libyaml.
	 */
	bool direct;
};

#define YML_DEFAULT_MAX_DEPTH 64
#define YML_DEFAULT_MAX_NODES 1000000u
#define YML_DEFAULT_MAX_BYTES (16u * 1024u * 1024u)

struct yml_doc {
	struct yml_node *root; /* NULL for an empty stream (no document) */
	char *path;
	void *priv_;
};

/*
 * Load the single document in buf (len bytes; path is used in messages).
 * opts may be NULL (defaults, aliases refused). A second document, a syntax
 * error, invalid UTF-8 or a limit is an error with path:line:col.
 * On success *out is a new document the caller frees with yml_doc_free.
 */
int yml_load_buffer(struct yml_doc **out, const char *buf, size_t len, const char *path,
                    const struct yml_options *opts, struct el_error *err);
/* Read path (at most max_bytes) and load it as yml_load_buffer does. */
int yml_load_file(struct yml_doc **out, const char *path, const struct yml_options *opts,
                  struct el_error *err);
void yml_doc_free(struct yml_doc *doc);

/* The value of the first pair whose key is the scalar key, or NULL (also for non-mappings). */
const struct yml_node *yml_map_get(const struct yml_node *map, const char *key);
/* The first pair whose key is the scalar key, or NULL. */
const struct yml_pair *yml_map_pair(const struct yml_node *map, const char *key);
/* Whether n is a scalar whose text equals s. */
bool yml_scalar_is(const struct yml_node *n, const char *s);
/* "a string" / "a mapping" / "a list" ...: the node's kind for messages. */
const char *yml_kind_name(const struct yml_node *n);
/* "scalar", "sequence", "mapping". */
const char *yml_type_name(enum yml_type t);
/* The text of the scalar under key in map; NULL when absent, null or not a scalar. */
const char *yml_map_text(const struct yml_node *map, const char *key);
/* Whether the value under key is the scalar `true`. */
bool yml_map_true(const struct yml_node *map, const char *key);
/*
 * Append copies of the scalars of a sequence (or of a lone scalar) to vec, a
 * VEC(char *) from util/vec.h; the caller owns the copies.
 */
void yml_strings(const struct yml_node *n, void *vec);
/* Whether a plain scalar is YAML's null (`~`, `null`, empty). */
bool yml_is_null(const struct yml_node *n);

#endif
