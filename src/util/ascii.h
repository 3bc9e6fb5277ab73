#ifndef ENVLINT_ASCII_H
#define ENVLINT_ASCII_H

#include <stdbool.h>

/*
 * Character classes of the C locale, which envlint always runs in, without
 * <ctype.h>'s call per character: for loops that look at every byte of the
 * text they redact or scan.
 */

static inline bool
ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_islower(int c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool
ascii_isalpha(int c)
{
	return ascii_islower(c | 0x20);
}

static inline bool
ascii_isalnum(int c)
{
	return ascii_isalpha(c) || ascii_isdigit(c);
}

static inline int
ascii_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static inline bool
ascii_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

#endif
