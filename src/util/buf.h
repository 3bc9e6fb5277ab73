/*
 * A growable byte string. The buffer owns its data; buf_detach hands ownership
 * to the caller. data is always NUL-terminated once anything has been added.
 */
#ifndef ENVLINT_BUF_H
#define ENVLINT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/xalloc.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* Make room for at least extra more bytes plus the terminating NUL. */
void buf_grow(struct buf *b, size_t extra);
/* Append n bytes. */
void buf_add(struct buf *b, const void *data, size_t n);
/* Append a NUL-terminated string. */
void buf_puts(struct buf *b, const char *s);
/* Append one byte (inline: byte loops of the parsers and reports call it most). */
static inline void
buf_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* Append formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...) EL_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Forget the contents, keep the memory. */
void buf_reset(struct buf *b);
/* The contents as a string ("" when empty); still owned by b. */
const char *buf_cstr(struct buf *b);
/* Hand the contents to the caller (never NULL) and reset b. */
char *buf_detach(struct buf *b);
/* Free the contents. */
void buf_free(struct buf *b);

#endif
