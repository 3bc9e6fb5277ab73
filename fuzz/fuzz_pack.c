/*
 * Rule packs: the input is written to a pack file and loaded into a fresh set
 * of packs; a loaders pack is then built into loader models (model/loaders.c)
 * and a secrets pack asked about a few keys, as a scan would.
 */
#include "config/pack.h"
#include "fuzz.h"
#include "model/loaders.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"DATABASE_URL", "PASSWORD", "A", ""};
	struct el_error err = EL_ERROR_INIT;
	struct packs *p = packs_new();
	const char *path = fuzz_tmpfile("pack.yml", data, size);
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	struct loader_set *ls = NULL;
	struct rx_ctx *ctx;
	size_t n = 0, i;

	if (packs_load_file(p, path, &err) == 0) {
		for (i = 0; i < packs_rule_count(p); i++)
			(void)packs_rule_find(p, packs_rule_at(p, i)->id);
		ctx = rx_ctx_new();
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			(void)packs_key_is_secret(p, ctx, keys[i]);
		rx_ctx_free(ctx);
		if (packs_kind_docs(p, "loaders", &roots, &paths, &n) == 0 && n > 0) {
			if (loaders_load(&ls, roots, paths, n, &err) == 0)
				loaders_free(ls);
		}
	}
	el_error_clear(&err);
	packs_free(p);
	return 0;
}
