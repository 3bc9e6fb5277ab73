/*
 * .env parsing in every dialect, with expansion. Byte 0 picks the dialect
 * (modulo the count) and the option bits (override, no_expand, a process env);
 * the rest is the file. Each binding's raw value is expanded again through
 * dotenv_expand_value with the file's own bindings as the lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse/dotenv.h"

static const char *
lookup_process(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "HOME") == 0)
		return "/home/fuzz";
	if (strcmp(name, "A") == 0)
		return "${A}";
	return NULL;
}

static const char *
lookup_file(void *ctx, const char *name)
{
	const struct dotenv_file *f = ctx;
	size_t i;

	for (i = f->nbindings; i-- > 0;) {
		if (strcmp(f->bindings[i].key, name) == 0)
			return f->bindings[i].raw_value;
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dotenv_lookup penv = {lookup_process, NULL};
	struct dotenv_options opts;
	struct dotenv_file *f = NULL;
	struct dotenv_lookup fl;
	enum dotenv_dialect d;
	size_t i;

	if (size < 1)
		return 0;
	d = (enum dotenv_dialect)(data[0] % DOTENV_DIALECT_COUNT);
	memset(&opts, 0, sizeof(opts));
	opts.override = (data[0] & 0x10) != 0;
	opts.no_expand = (data[0] & 0x20) != 0;
	opts.process_env = (data[0] & 0x40) ? &penv : NULL;
	if (dotenv_parse(&f, (const char *)data + 1, size - 1, d, &opts, NULL) != 0)
		abort(); /* never fails on content */
	fl.get = lookup_file;
	fl.ctx = f;
	for (i = 0; i < f->nbindings && i < 64; i++) {
		const struct dotenv_binding *b = &f->bindings[i];
		bool unknowable = false;
		char *v;

		if (b->key == NULL)
			abort();
		if (b->raw_value == NULL)
			continue;
		v = dotenv_expand_value(d, b->raw_value, b->quote, &fl, &unknowable);
		free(v);
	}
	dotenv_file_free(f);
	return 0;
}
