/*
 * git index reading. Byte 0 selects the object id length (even: SHA-1, odd:
 * SHA-256); the rest is the index file. A few fixed paths are looked up, so
 * both the entry walk and the matching run.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "walk/gitindex.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {".env", "apps/web/.env", ".env", "a"};
	bool tracked[4];
	struct el_error err = EL_ERROR_INIT;

	if (size == 0)
		return 0;
	(void)gitindex_tracked_in(data + 1, size - 1, (data[0] & 1) ? 32 : 20, "index", paths, 4,
				  tracked, &err);
	el_error_clear(&err);
	return 0;
}
