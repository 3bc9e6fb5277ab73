/*
 * Phase timings for performance work: with ENVLINT_TIMINGS set in the
 * environment, each timing_mark() prints the wall time since the previous
 * mark to stderr ("envlint: timing: walk 12.3 ms (peak 20 MB)", with the
 * process's peak resident memory so far). Off, a mark costs one
 * branch. Used by bench/README.md to attribute time to pipeline stages.
 */
#ifndef ENVLINT_TIMING_H
#define ENVLINT_TIMING_H

/* Start the clock (reads ENVLINT_TIMINGS once). */
void timing_start(void);
/* Print the time since the previous mark under name, when enabled. */
void timing_mark(const char *name);

#endif
