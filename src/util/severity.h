/* Finding severities, ordered so that a larger value is more severe. */
#ifndef ENVLINT_SEVERITY_H
#define ENVLINT_SEVERITY_H

enum severity {
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_ERROR = 2,
	SEV_NEVER = 3, /* only as a --fail-on threshold */
};

/* "info", "warning", "error", "never". */
const char *severity_name(enum severity s);
/* Parse a severity name; -1 if unknown. */
int severity_from_name(const char *name, enum severity *out);

#endif
