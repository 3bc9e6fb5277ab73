/* .envlint.yml: the input is written to a file and loaded with config_load. */
#include "config/config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct config *c = NULL;
	const char *path = fuzz_tmpfile(".envlint.yml", data, size);

	if (config_load(&c, path, &err) == 0) {
		(void)config_service_find(c, "services/api");
		config_free(c);
	}
	el_error_clear(&err);
	return 0;
}
