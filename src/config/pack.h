/*
 * Rule packs: every `*.yml` in an ordered list of directories (bundled first,
 * then the user's --rules / config `rules:` folders; files in sorted order),
 * each with a top-level `kind:` and `version: 1`, validated against the schema
 * registered for its kind and merged: a later pack overrides a rule's
 * severity/summary/help by id or adds entries. A struct packs owns everything
 * it hands out; pointers stay valid until packs_free.
 */
#ifndef ENVLINT_PACK_H
#define ENVLINT_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/rx.h"
#include "util/severity.h"

/* One rule's documentation (kind `rules`). */
struct rule_meta {
	char *id;
	enum severity severity; /* default severity */
	char *severity_text;    /* e.g. "error for connection keys, else warning"; NULL = name */
	char *summary;          /* one line */
	char *help;             /* Markdown */
	char *file;             /* pack file of the winning definition */
	int line;               /* its line there */
};

struct packs;

/* An empty set of packs. */
struct packs *packs_new(void);
void packs_free(struct packs *p);

/*
 * Load one pack file into p (merging over what p holds). On error p may hold
 * part of that file's overrides: report the error and free p.
 */
int packs_load_file(struct packs *p, const char *path, struct el_error *err);
/* Load every *.yml in dir, in sorted order. A missing or unreadable dir is an error. */
int packs_load_dir(struct packs *p, const char *dir, struct el_error *err);
/* New packs from dirs[0..n) in order (bundled dir first). *out written only on success. */
int packs_load(struct packs **out, const char *const *dirs, size_t n, struct el_error *err);

/*
 * The bundled rules directory: <dir of the executable (/proc/self/exe, else argv0)>
 * /../share/envlint/rules when it holds rules.yml (an installed envlint), else
 * the source tree's rules/ (a build tree), else the install prefix's. Never reads
 * the environment. *out is a new string.
 */
int packs_default_dir(char **out, const char *argv0, struct el_error *err);

/* Rule metadata by id, or NULL. */
const struct rule_meta *packs_rule_find(const struct packs *p, const char *id);
/* Number of rules; packs_rule_at(p, i) for i < count iterates in id order. */
size_t packs_rule_count(const struct packs *p);
const struct rule_meta *packs_rule_at(const struct packs *p, size_t i);

/*
 * Whether the value of env key `key` must be redacted (kind `secrets`): some
 * key pattern matches and no exception does. A regex limit counts as secret.
 */
bool packs_key_is_secret(const struct packs *p, struct rx_ctx *ctx, const char *key);

/*
 * The validated documents of a kind whose structs a later stage builds (kind
 * "loaders" -> model/loaders.c), in load order: *roots and *paths are arrays
 * of *n entries owned by p (NULL when *n is 0). -1 if kind is not such a kind.
 */
struct yml_node;
int packs_kind_docs(const struct packs *p, const char *kind, const struct yml_node *const **roots,
                    const char *const **paths, size_t *n);

/*
 * The regex in scalar n of a document packs_kind_docs returned (path is its
 * file), as a reference the caller frees with rx_free: the one validation
 * compiled when n is a regex field of its kind's schema, else compiled now
 * (errors at n's line and column). p may be NULL.
 */
int packs_regex(const struct packs *p, struct rx **out, const struct yml_node *n, const char *path,
                struct el_error *err);

/* Paths of the pack files loaded, in load order. */
size_t packs_file_count(const struct packs *p);
const char *packs_file_at(const struct packs *p, size_t i);

#endif
