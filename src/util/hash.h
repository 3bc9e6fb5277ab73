/* Non-cryptographic hashing for fingerprints and tables (FNV-1a, 64-bit). */
#ifndef ENVLINT_HASH_H
#define ENVLINT_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_SEED 0xcbf29ce484222325ULL

/* Continue an FNV-1a hash h over n bytes. */
uint64_t hash_fnv1a(uint64_t h, const void *data, size_t n);
/* Continue h over a string and a separator byte (so "ab","c" != "a","bc"). */
uint64_t hash_str(uint64_t h, const char *s);

#endif
