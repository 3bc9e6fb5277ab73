/*
 * The YAML loader all configuration goes through. Byte 0 picks the options
 * (aliases allowed or not, a small or the default depth and node budget);
 * the rest is the document. Every node of a loaded tree is visited, and a
 * document the direct loader takes must give libyaml's tree, node for node.
 */
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "config/yaml_int.h"
#include "fuzz.h"

/* Visit every node; abort when the tree holds more than *budget nodes. */
static void
visit(const struct yml_node *n, int depth, size_t *budget)
{
	size_t i;

	if (n == NULL || depth > 10000 || *budget == 0)
		abort();
	--*budget;
	switch (n->type) {
	case YML_SCALAR:
		if (n->text == NULL)
			abort();
		(void)yml_is_null(n);
		break;
	case YML_SEQUENCE:
		for (i = 0; i < n->count; i++)
			visit(n->items[i], depth + 1, budget);
		break;
	case YML_MAPPING:
		for (i = 0; i < n->count; i++) {
			visit(n->pairs[i].key, depth + 1, budget);
			visit(n->pairs[i].value, depth + 1, budget);
		}
		(void)yml_map_get(n, "services");
		break;
	}
	(void)yml_kind_name(n);
}

/* Abort when the direct loader takes the document and libyaml disagrees. */
static void
compare_loaders(const char *text, size_t len, const struct yml_options *opts)
{
	struct el_error err = EL_ERROR_INIT;
	struct arena arena = ARENA_INIT;
	struct yml_node *root = NULL;
	struct yml_doc *doc = NULL;

	if (yml_direct_load(&arena, text, len,
	                    opts->max_depth ? opts->max_depth : YML_DEFAULT_MAX_DEPTH,
	                    opts->max_nodes ? opts->max_nodes : YML_DEFAULT_MAX_NODES,
	                    opts->allow_aliases, &root) == 0) {
		if (yml_load_events(&doc, text, len, "fuzz.yml", opts, &err) != 0 ||
		    !yml_same_tree(root, doc->root))
			abort();
	}
	yml_doc_free(doc);
	el_error_clear(&err);
	arena_free(&arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct yml_options opts = {0};
	struct yml_doc *doc = NULL;

	if (size < 1)
		return 0;
	opts.allow_aliases = (data[0] & 1) != 0;
	if (data[0] & 2) {
		opts.max_depth = 8;
		opts.max_nodes = 200;
	}
	opts.what = "fuzz input";
	compare_loaders((const char *)data + 1, size - 1, &opts);
	if (yml_load_buffer(&doc, (const char *)data + 1, size - 1, "fuzz.yml", &opts, &err) == 0) {
		/* Keys count too, so allow twice the budget; more means it was not kept. */
		size_t budget = (opts.max_nodes ? opts.max_nodes : YML_DEFAULT_MAX_NODES) * 2 + 2;

		if (doc->root != NULL)
			visit(doc->root, 0, &budget);
		yml_doc_free(doc);
	} else if (err.msg == NULL) {
		abort();
	}
	el_error_clear(&err);
	return 0;
}
