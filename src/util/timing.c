#include "util/timing.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static bool enabled;
static struct timespec last;

void
timing_start(void)
{
	const char *v = getenv("ENVLINT_TIMINGS");

	enabled = v != NULL && v[0] != '\0' && v[0] != '0';
	if (enabled)
		clock_gettime(CLOCK_MONOTONIC, &last);
}

void
timing_mark(const char *name)
{
	struct timespec now;
	struct rusage ru;
	double ms;

	if (!enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - last.tv_sec) * 1e3 + (double)(now.tv_nsec - last.tv_nsec) / 1e6;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "envlint: timing: %-14s %8.2f ms  (peak %ld MB)\n", name, ms,
	        ru.ru_maxrss / 1024);
	last = now;
}
