/*
 * A bump allocator for the many small strings of one scan (keys, values,
 * paths) that all die together. Everything allocated from an arena is freed by
 * arena_free; nothing is freed individually.
 */
#ifndef ENVLINT_ARENA_H
#define ENVLINT_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total;
};

#define ARENA_INIT {NULL, 0}

/* size bytes, aligned for any type, zeroed. */
void *arena_alloc(struct arena *a, size_t size);
/* Copy of s (NULL stays NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Copy of n bytes of s, NUL-terminated. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Formatted string in the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Free every block. */
void arena_free(struct arena *a);

#endif
