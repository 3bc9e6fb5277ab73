/* compose interpolation on its own: the whole input is one value. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse/compose.h"

static const char *
lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "SET") == 0)
		return "value";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compose_lookup l = {lookup, NULL};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0;
	char *s = fuzz_cstr(data, size), *out;

	out = compose_interpolate(s, &l, &missing, &nmissing, &err);
	if (out == NULL && err.msg == NULL)
		abort();
	free(out);
	compose_missing_free(missing, nmissing);
	el_error_clear(&err);
	free(s);
	return 0;
}
