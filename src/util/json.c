#include "util/json.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

void
jw_init(struct jw *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

static void
jw_newline(struct jw *w)
{
	int i;

	if (w->compact)
		return;
	buf_putc(w->out, '\n');
	for (i = 0; i < w->depth; i++)
		buf_puts(w->out, "  ");
}

/* Comma and indentation before a value or a key. */
static void
jw_before(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		buf_putc(w->out, ',');
	w->first[w->depth] = false;
	jw_newline(w);
}

static void
jw_open(struct jw *w, char c)
{
	jw_before(w);
	buf_putc(w->out, c);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void
jw_close(struct jw *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty)
		jw_newline(w);
	buf_putc(w->out, c);
	if (w->depth == 0)
		buf_putc(w->out, '\n');
}

void jw_obj_begin(struct jw *w) { jw_open(w, '{'); }
void jw_obj_end(struct jw *w) { jw_close(w, '}'); }
void jw_arr_begin(struct jw *w) { jw_open(w, '['); }
void jw_arr_end(struct jw *w) { jw_close(w, ']'); }

void
jw_key(struct jw *w, const char *key)
{
	jw_before(w);
	json_escape(w->out, key, strlen(key));
	buf_puts(w->out, w->compact ? ":" : ": ");
	w->after_key = true;
}

void
json_escape(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_putc(out, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t len;

		if (c < 0x80) {
			switch (c) {
			case '"': buf_puts(out, "\\\""); break;
			case '\\': buf_puts(out, "\\\\"); break;
			case '\n': buf_puts(out, "\\n"); break;
			case '\r': buf_puts(out, "\\r"); break;
			case '\t': buf_puts(out, "\\t"); break;
			case '\b': buf_puts(out, "\\b"); break;
			case '\f': buf_puts(out, "\\f"); break;
			default:
				if (c < 0x20 || c == 0x7f)
					buf_printf(out, "\\u%04x", c);
				else
					buf_putc(out, (char)c);
			}
			i++;
			continue;
		}
		len = utf8_valid_len(p + i, n - i);
		if (len == 0) {
			buf_puts(out, "\\ufffd");
			i++;
		} else {
			buf_add(out, p + i, len);
			i += len;
		}
	}
	buf_putc(out, '"');
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_before(w);
	json_escape(w->out, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void
jw_int(struct jw *w, long long v)
{
	jw_before(w);
	buf_printf(w->out, "%lld", v);
}

void
jw_double(struct jw *w, double v)
{
	jw_before(w);
	buf_printf(w->out, "%.4g", v);
}

void
jw_bool(struct jw *w, bool v)
{
	jw_before(w);
	buf_puts(w->out, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	jw_before(w);
	buf_puts(w->out, "null");
}

void
jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void
jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}
