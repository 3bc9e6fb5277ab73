/*
 * A parallel loop: fn(i, arg) for every i below n, on up to nthreads threads
 * (the calling thread is one of them), each claiming the next index in turn.
 * Returns when every call has returned. fn must only touch what index i owns
 * (plus read-only shared state). Falls back to fewer threads, down to the
 * caller's alone, when threads cannot be created.
 */
#ifndef ENVLINT_WORK_H
#define ENVLINT_WORK_H

#include <stddef.h>

void work_for(size_t n, unsigned nthreads, void (*fn)(size_t i, void *arg), void *arg);

#endif
