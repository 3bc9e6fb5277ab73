/*
 * A small streaming JSON writer into a struct buf, pretty-printed with two
 * spaces so that outputs diff well. The writer tracks commas; callers only
 * say what comes next. Strings are escaped (control bytes, quotes, and
 * invalid UTF-8 as U+FFFD) so the output is always valid JSON.
 */
#ifndef ENVLINT_JSON_H
#define ENVLINT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define JSON_MAX_DEPTH 32

struct jw {
	struct buf *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool after_key;
	bool compact;
};

void jw_init(struct jw *w, struct buf *out);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_double(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Shorthands for a key followed by a value. */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_kbool(struct jw *w, const char *key, bool v);
/* Append s as a quoted, escaped JSON string (no comma handling). */
void json_escape(struct buf *out, const char *s, size_t n);

#endif
