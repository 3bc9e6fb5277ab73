/*
 * Allocation helpers. Out-of-memory is the only fatal error in envlint: these
 * print a message and exit(2) instead of returning NULL. Callers own the result.
 */
#ifndef ENVLINT_XALLOC_H
#define ENVLINT_XALLOC_H

#include <stddef.h>

#if defined(__GNUC__)
#define EL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EL_PRINTF(a, b)
#endif

/* malloc that never returns NULL. */
void *xmalloc(size_t size);
/* calloc that never returns NULL and checks nmemb * size for overflow. */
void *xcalloc(size_t nmemb, size_t size);
/* realloc of nmemb * size bytes that never returns NULL. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
/* strdup that never returns NULL; xstrdup(NULL) is NULL. */
char *xstrdup(const char *s);
/* Copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* Formatted string in freshly allocated memory. */
char *xasprintf(const char *fmt, ...) EL_PRINTF(1, 2);

#endif
