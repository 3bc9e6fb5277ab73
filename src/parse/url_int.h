/*
 * Internals shared by url.c (URIs, JDBC) and url_keyvalue.c (libpq key=value
 * strings and host/port lists): the parser state, the ${VAR} mask, and the
 * helpers that fill parts. Not for use outside src/parse/.
 */
#ifndef ENVLINT_URL_INT_H
#define ENVLINT_URL_INT_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse/url.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* mask values: where expansion left a reference */
#define URL_REF_NONE 0
#define URL_REF_BRACED 1 /* ${...} */
#define URL_REF_NAME 2   /* $NAME */

struct url_parser {
	const char *s;
	size_t len;
	unsigned char *mask; /* one URL_REF_* per input byte */
	struct el_error *err;
	struct url *u;
	VEC(struct url_host) hosts;
	VEC(struct url_param) params;
};

static inline bool
url_is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static inline bool
url_is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static inline bool
url_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Fill p->err for byte offset off (err->col = off + 1); returns -1. */
int url_fail(struct url_parser *p, size_t off, const char *fmt, ...) EL_PRINTF(3, 4);
/* Fill part from [off, off + n); value is percent-decoded when decode, else a copy. */
int url_set_part(struct url_parser *p, struct url_part *part, size_t off, size_t n, bool decode);
void url_part_clear(struct url_part *part);
void url_copy_part(struct url_part *dst, const struct url_part *src);
/* Check a port's text and fill h (default 5432 for Postgres when text is empty). */
int url_parse_port(struct url_parser *p, struct url_host *h, const char *text, size_t off,
                   bool unresolved);
/* The last parameter named name, or NULL. */
const struct url_param *url_last_param(const struct url_parser *p, const char *name);
/* user=, password=, dbname= parameters override the URI's own parts, as in libpq. */
void url_apply_overrides(struct url_parser *p);

/* url_keyvalue.c */
int url_keyvalue_parse(struct url_parser *p);
bool url_keyvalue_looks_like(const char *s);
int url_hosts_from_lists(struct url_parser *p, const struct url_part *host,
                         const struct url_part *port);

#endif
