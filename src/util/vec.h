/*
 * Typed growable arrays as macros: VEC(struct x) v = {0}; VEC_PUSH(&v, item);
 * The vector owns its array, not what the elements point to.
 */
#ifndef ENVLINT_VEC_H
#define ENVLINT_VEC_H

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define VEC(type)                                                                                  \
	struct {                                                                                   \
		type *items;                                                                       \
		size_t len;                                                                        \
		size_t cap;                                                                        \
	}

/* Grow *items (of *cap elements of elem bytes) to hold at least need elements. */
static inline void *
vec_grow_(void *items, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return items;
	while (c < need)
		c *= 2;
	*cap = c;
	return xreallocarray(items, c, elem);
}

#define VEC_RESERVE(v, n)                                                                          \
	((v)->items = vec_grow_((v)->items, &(v)->cap, (v)->len + (n), sizeof(*(v)->items)))

#define VEC_PUSH(v, item)                                                                          \
	do {                                                                                       \
		VEC_RESERVE(v, 1);                                                                 \
		(v)->items[(v)->len++] = (item);                                                   \
	} while (0)

/* Pointer to a new zeroed element at the end. */
#define VEC_PUSH_ZERO(v)                                                                           \
	(VEC_RESERVE(v, 1), memset(&(v)->items[(v)->len], 0, sizeof(*(v)->items)),                 \
	 &(v)->items[(v)->len++])

#define VEC_FREE(v)                                                                                \
	do {                                                                                       \
		free((v)->items);                                                                  \
		(v)->items = NULL;                                                                 \
		(v)->len = (v)->cap = 0;                                                           \
	} while (0)

/* Free the strings a VEC(char *) owns, then the vector itself. */
static inline void
vec_free_strs(void *vec)
{
	VEC(char *) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++)
		free(v->items[i]);
	VEC_FREE(v);
}

#endif
