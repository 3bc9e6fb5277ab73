#include "util/severity.h"

#include <string.h>

static const char *const severity_names[] = {"info", "warning", "error", "never"};

const char *
severity_name(enum severity s)
{
	if ((unsigned)s > SEV_NEVER)
		return "?";
	return severity_names[s];
}

int
severity_from_name(const char *name, enum severity *out)
{
	unsigned i;

	for (i = 0; i <= SEV_NEVER; i++) {
		if (strcmp(name, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -1;
}
