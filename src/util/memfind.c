#include "util/memfind.h"

#include <string.h>

bool
mem_contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char *p = hay, *last;

	if (nlen == 0)
		return true;
	if (nlen > hlen)
		return false;
	last = hay + (hlen - nlen); /* the last place a match can start */
	while (p <= last && (p = memchr(p, needle[0], (size_t)(last - p) + 1)) != NULL) {
		if (memcmp(p + 1, needle + 1, nlen - 1) == 0)
			return true;
		p++;
	}
	return false;
}
