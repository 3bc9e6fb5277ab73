/*
 * Substring search without set-up cost (paths, small files): glibc's memmem
 * prepares a shift table on every call, which costs more than searching a
 * string of a few dozen bytes. This looks for the first byte with memchr and
 * compares the rest.
 */
#ifndef ENVLINT_MEMFIND_H
#define ENVLINT_MEMFIND_H

#include <stdbool.h>
#include <stddef.h>

/* Whether needle (nlen bytes) occurs in hay (hlen bytes); an empty needle always does. */
bool mem_contains(const char *hay, size_t hlen, const char *needle, size_t nlen);

#endif
