/*
 * Shared helpers for the libFuzzer harnesses in fuzz/. Each harness defines
 * LLVMFuzzerTestOneInput; the same file links either with libFuzzer
 * (-fsanitize=fuzzer) or with replay.c (runs saved inputs once, for the
 * regression tests of tests/scripts/test_hostile_regressions.sh).
 */
#ifndef ENVLINT_FUZZ_H
#define ENVLINT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[0..size) (the caller frees it). */
char *fuzz_cstr(const uint8_t *data, size_t size);
/* Write data to a private temporary file named base (same path for every call
 * of one process) and return its path; the file lives until the process ends. */
const char *fuzz_tmpfile(const char *base, const uint8_t *data, size_t size);

#endif
