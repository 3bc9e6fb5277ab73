#include "util/hash.h"

#include <string.h>

uint64_t
hash_fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
hash_str(uint64_t h, const char *s)
{
	static const unsigned char sep = 0x1f;

	if (s != NULL)
		h = hash_fnv1a(h, s, strlen(s));
	return hash_fnv1a(h, &sep, 1);
}
