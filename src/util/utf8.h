/* UTF-8 validation helpers for untrusted bytes, and the encoder of escapes. */
#ifndef ENVLINT_UTF8_H
#define ENVLINT_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Length (1-4) of the valid UTF-8 sequence at p, or 0 if it is not valid. */
size_t utf8_valid_len(const unsigned char *p, size_t n);
/* Whether all n bytes at p are valid UTF-8. */
bool utf8_valid(const char *p, size_t n);
/* Append code point cp as UTF-8 (a surrogate as it is); past U+10FFFF, U+FFFD. */
void utf8_put(struct buf *b, unsigned long cp);
/* Display width in columns of the n bytes at p (code points; invalid bytes count 1). */
int utf8_columns(const char *p, size_t n);

#endif
