/*
 * Internals of the YAML loader (src/config/yaml*.c): the direct loader that
 * yml_load_buffer tries first, and the libyaml event loader it falls back to.
 * Not for use outside src/config/ and the tests that compare the two.
 */
#ifndef ENVLINT_YAML_INT_H
#define ENVLINT_YAML_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/yaml.h"
#include "util/arena.h"

/*
 * Build the tree of buf[0..len) in arena when the document keeps to the YAML
 * that configuration is written in (block mappings and lists, flow lists and
 * mappings, one-line plain and quoted scalars, literal blocks, comments) and
 * stays within max_depth collections and max_nodes nodes. 0 and *root (NULL
 * for an empty document) on success: the same tree libyaml's events give.
 * -1 for anything else, including every document libyaml rejects: the caller
 * then loads it through libyaml. merge_keys: a plain `<<` key means a merge
 * (aliases allowed), so a document with one is left to libyaml.
 * Whatever was allocated in arena stays there either way.
 */
int yml_direct_load(struct arena *arena, const char *buf, size_t len, int max_depth,
                    size_t max_nodes, bool merge_keys, struct yml_node **root);

/* yml_load_buffer without the direct loader: every document through libyaml's events. */
int yml_load_events(struct yml_doc **out, const char *buf, size_t len, const char *path,
                    const struct yml_options *opts, struct el_error *err);

/* Whether trees a and b are the same node for node: kinds, styles, positions, tags and text. */
bool yml_same_tree(const struct yml_node *a, const struct yml_node *b);

#endif
