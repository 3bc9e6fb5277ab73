#include "util/timing.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
	double ms;

	if (!enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - last.tv_sec) * 1e3 + (double)(now.tv_nsec - last.tv_nsec) / 1e6;
	fprintf(stderr, "envlint: timing: %-14s %8.2f ms\n", name, ms);
	last = now;
}
