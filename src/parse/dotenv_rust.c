/*
 * dotenvy 0.15.7 (iter.rs QuotedLines + parse.rs LineParser), as
 * Iter::load runs it: a leading BOM is skipped, lines are read up to LF
 * (a lone CR is an ordinary character; CR LF loses both), a line whose
 * quotes are still open pulls in the next one, a line whose text after
 * leading whitespace starts with `#` is skipped, and `<space>#` outside
 * quotes cuts a comment. Keys are [A-Za-z_][A-Za-z0-9_.]*; unquoted values
 * stop at whitespace (anything but a comment after it is an error); `\`
 * escapes only \\ \' \" \$ space and n; `$NAME` takes alphanumerics (no `_`),
 * `${...}` takes everything up to `}` as a name, looked up in the process
 * environment first, then in the file's earlier keys. The first bad line
 * stops loading; pairs before it were already applied.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_shell.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

enum rs_state {
	RS_COMPLETE,
	RS_ESCAPE,
	RS_STRONG,
	RS_STRONG_ESCAPE,
	RS_WEAK,
	RS_WEAK_ESCAPE,
	RS_COMMENT,
	RS_WHITESPACE,
};

enum rs_subst { RS_SUB_NONE, RS_SUB_BLOCK, RS_SUB_ESCAPED_BLOCK };

struct rs_value {
	struct buf out, raw;
	size_t err;      /* byte offset of the failing char in the input, or RS_OK */
	size_t err_index; /* what dotenvy prints as the line index */
	size_t last;     /* one past the last byte of the value text */
	bool unterminated;
};

#define RS_OK ((size_t)-1)

static bool
rs_space(uint32_t cp)
{
	return dsh_is_white_space(cp);
}

/* Byte offset of the first non-whitespace char of s[i..n), or n. */
static size_t
rs_skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n) {
		uint32_t cp;
		size_t w = dsh_decode(s + i, n - i, &cp);

		if (!rs_space(cp))
			break;
		i += w;
	}
	return i;
}

static void
rs_apply(struct rs_value *v, struct dotenv_expansion *x, const struct dotenv_lookup *lookup,
	 const char *name, size_t n)
{
	char *key;
	const char *val;

	if (n == 0)
		return; /* env::var("") fails and no key is empty */
	key = xstrndup(name, n);
	val = lookup ? lookup->get(lookup->ctx, key) : NULL;
	dsh_add_ref(x, key, n, val == NULL);
	if (val != NULL)
		buf_puts(&v->out, val);
	free(key);
}

/*
 * parse_value(): quotes, escapes and substitution in one pass. With
 * quoting false the input is taken as an already unquoted value and only
 * substitution runs (dotenv_expand_dotenvy).
 */
static void
rs_parse_value(struct rs_value *v, const char *in, size_t n, const struct dotenv_lookup *lookup,
	       struct dotenv_expansion *x, bool quoting)
{
	bool strong = false, weak = false, escaped = false, expecting_end = false;
	enum rs_subst mode = RS_SUB_NONE;
	struct buf name = BUF_INIT;
	size_t index = 0, i = 0;

	v->err = RS_OK;
	v->last = 0;
	for (; i < n; index++) {
		uint32_t c;
		size_t at = i, w = dsh_decode(in + i, n - i, &c);

		i += w;
		if (!quoting) {
			/* substitution only */
		} else if (expecting_end) {
			if (c == ' ' || c == '\t')
				continue;
			if (c == '#')
				break;
			v->err = at;
			v->err_index = index;
			goto done;
		} else if (escaped) {
			if (c == '\\' || c == '\'' || c == '"' || c == '$' || c == ' ')
				buf_add(&v->out, in + at, w);
			else if (c == 'n')
				buf_putc(&v->out, '\n');
			else {
				v->err = at;
				v->err_index = index;
				goto done;
			}
			buf_add(&v->raw, v->out.data + v->out.len - 1, 1);
			escaped = false;
			v->last = i;
			continue;
		} else if (strong) {
			if (c == '\'') {
				strong = false;
			} else {
				buf_add(&v->out, in + at, w);
				buf_add(&v->raw, in + at, w);
			}
			v->last = i;
			continue;
		}
		if (mode != RS_SUB_NONE) {
			v->last = i;
			if (dsh_is_letter_number(c) && !(c == 0xFFFD && w == 1)) {
				buf_add(&name, in + at, w);
				buf_add(&v->raw, in + at, w);
				continue;
			}
			if (mode == RS_SUB_BLOCK) {
				if (c == '{' && name.len == 0) {
					mode = RS_SUB_ESCAPED_BLOCK;
					buf_putc(&v->raw, '{');
					continue;
				}
				rs_apply(v, x, lookup, name.data, name.len);
				buf_reset(&name);
				buf_add(&v->raw, in + at, w);
				if (c == '$')
					continue; /* a new Block */
				mode = RS_SUB_NONE;
				buf_add(&v->out, in + at, w);
				continue;
			}
			buf_add(&v->raw, in + at, w);
			if (c == '}') {
				mode = RS_SUB_NONE;
				rs_apply(v, x, lookup, name.data, name.len);
				buf_reset(&name);
			} else {
				buf_add(&name, in + at, w);
			}
			continue;
		}
		if (c == '$') {
			mode = RS_SUB_BLOCK;
			buf_putc(&v->raw, '$');
			v->last = i;
			continue;
		}
		if (!quoting) {
			buf_add(&v->out, in + at, w);
			buf_add(&v->raw, in + at, w);
			continue;
		}
		if (weak) {
			if (c == '"')
				weak = false;
			else if (c == '\\')
				escaped = true;
			else {
				buf_add(&v->out, in + at, w);
				buf_add(&v->raw, in + at, w);
			}
			v->last = i;
			continue;
		}
		if (c == '\'') {
			strong = true;
		} else if (c == '"') {
			weak = true;
		} else if (c == '\\') {
			escaped = true;
		} else if (c == ' ' || c == '\t') {
			expecting_end = true;
			continue;
		} else {
			buf_add(&v->out, in + at, w);
			buf_add(&v->raw, in + at, w);
		}
		v->last = i;
	}
	if (mode == RS_SUB_ESCAPED_BLOCK || strong || weak) {
		v->unterminated = true;
		v->err = n ? n - 1 : 0;
		v->err_index = n ? n - 1 : 0;
		goto done;
	}
	rs_apply(v, x, lookup, name.data, name.len);
done:
	buf_free(&name);
}

int
dotenv_expand_dotenvy(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		      struct dotenv_expansion *x)
{
	struct rs_value v;

	memset(&v, 0, sizeof(v));
	rs_parse_value(&v, raw, n, lookup, x, false);
	x->value = buf_detach(&v.out);
	buf_free(&v.raw);
	return 0;
}

struct rs_parser {
	struct dotenv_file *f;
	const struct dotenv_pos *pos;
	struct dsh_scope scope;
	const char *t;
	size_t n, base;
};

static void
rs_stop(struct rs_parser *p, size_t at, const char *line, size_t len, size_t index)
{
	p->f->failed = true;
	dotenv_add_problem(p->f, p->pos, DOTENV_PROBLEM_STOPPED, p->base + at,
			   "Error parsing line: '%.*s', error at line index: %zu",
			   (int)(len > 0x7fffffff ? 0x7fffffff : len), line, index);
}

/*
 * QuotedLines::next(): the logical line starting at *at. Returns false at
 * the end of input. ls and le delimit the line's text; *skip is set for a
 * comment line; *bad is set (with the error already recorded) on failure.
 */
static bool
rs_next_line(struct rs_parser *p, size_t *at, size_t *ls, size_t *le, bool *skip, bool *bad)
{
	enum rs_state st = RS_COMPLETE;
	size_t start = *at, cur = *at;

	*skip = *bad = false;
	*ls = start;
	for (;;) {
		const char *nl;
		size_t part, end;

		if (cur >= p->n) {
			if (st == RS_COMPLETE)
				return false;
			rs_stop(p, start, p->t + start, cur - start, cur - start);
			*bad = true;
			return true;
		}
		nl = memchr(p->t + cur, '\n', p->n - cur);
		end = nl ? (size_t)(nl - p->t) + 1 : p->n;
		if (!utf8_valid(p->t + cur, end - cur)) {
			p->f->failed = true;
			dotenv_add_problem(p->f, p->pos, DOTENV_PROBLEM_STOPPED, p->base + cur,
					   "stream did not contain valid UTF-8");
			*bad = true;
			return true;
		}
		part = cur;
		cur = end;
		*at = end;
		if (rs_skip_ws(p->t, end, start) < end && p->t[rs_skip_ws(p->t, end, start)] == '#') {
			*skip = true;
			*le = end;
			return true;
		}
		for (size_t i = part; i < end;) {
			uint32_t c;
			size_t w = dsh_decode(p->t + i, end - i, &c);

			switch (st) {
			case RS_WHITESPACE:
				if (c == '#') {
					*le = i;
					return true;
				}
				st = c == '\\' ? RS_ESCAPE : c == '"' ? RS_WEAK
					   : c == '\'' ? RS_STRONG : RS_COMPLETE;
				break;
			case RS_ESCAPE:
				st = RS_COMPLETE;
				break;
			case RS_COMPLETE:
				if (rs_space(c) && c != '\n' && c != '\r')
					st = RS_WHITESPACE;
				else if (c == '\\')
					st = RS_ESCAPE;
				else if (c == '"')
					st = RS_WEAK;
				else if (c == '\'')
					st = RS_STRONG;
				break;
			case RS_WEAK:
				st = c == '\\' ? RS_WEAK_ESCAPE : c == '"' ? RS_COMPLETE : RS_WEAK;
				break;
			case RS_WEAK_ESCAPE:
				st = RS_WEAK;
				break;
			case RS_STRONG:
				st = c == '\\' ? RS_STRONG_ESCAPE : c == '\'' ? RS_COMPLETE : RS_STRONG;
				break;
			case RS_STRONG_ESCAPE:
				st = RS_STRONG;
				break;
			case RS_COMMENT:
				break;
			}
			i += w;
		}
		if (st == RS_COMPLETE) {
			*le = end;
			if (*le > start && p->t[*le - 1] == '\n') {
				(*le)--;
				if (*le > start && p->t[*le - 1] == '\r')
					(*le)--;
			}
			return true;
		}
	}
}

/* LineParser::parse_line() over t[ls..le); false when loading stops. */
static bool
rs_parse_line(struct rs_parser *p, size_t ls, size_t le)
{
	const char *t = p->t;
	size_t e = le, i, key, key_end, v;
	struct rs_value val;
	struct dotenv_expansion x = {0};
	struct dotenv_lookup l = dsh_scope_lookup(&p->scope);
	struct dotenv_binding *b;
	struct dotenv_span span;

	/* trim_end() */
	while (e > ls) {
		uint32_t cp;
		size_t w = dsh_decode_last(t + ls, e - ls, &cp);

		if (!rs_space(cp))
			break;
		e -= w;
	}
	i = rs_skip_ws(t, e, ls);
	if (i >= e || t[i] == '#')
		return true;
	for (;;) {
		/* parse_key */
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_')) {
			rs_stop(p, i, t + ls, le - ls, i - ls);
			return false;
		}
		key = i;
		while (i < e && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
				 (t[i] >= '0' && t[i] <= '9') || t[i] == '_' || t[i] == '.'))
			i++;
		key_end = i;
		i = rs_skip_ws(t, e, i);
		if (i < e && t[i] == '=')
			break;
		/* export is an optional prefix: `export KEY=` */
		if (key_end - key == 6 && memcmp(t + key, "export", 6) == 0 && key == rs_skip_ws(t, e, ls) &&
		    i < e) {
			if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') || t[i] == '_')) {
				rs_stop(p, i, t + ls, le - ls, i - ls);
				return false;
			}
			size_t k2 = i;

			while (k2 < e && ((t[k2] >= 'a' && t[k2] <= 'z') || (t[k2] >= 'A' && t[k2] <= 'Z') ||
					  (t[k2] >= '0' && t[k2] <= '9') || t[k2] == '_' || t[k2] == '.'))
				k2++;
			size_t after = rs_skip_ws(t, e, k2);

			if (after < e && t[after] == '=') {
				key = i;
				key_end = k2;
				i = after;
				break;
			}
			rs_stop(p, after, t + ls, le - ls, after - ls);
			return false;
		}
		rs_stop(p, i, t + ls, le - ls, i - ls);
		return false;
	}
	span.start = p->base + rs_skip_ws(t, e, ls);
	v = rs_skip_ws(t, e, i + 1);
	span.value_start = p->base + v;
	memset(&val, 0, sizeof(val));
	if (v >= e || t[v] == '#') {
		span.end = p->base + i;
		b = dotenv_add_binding(p->f, p->pos, &span, t + key, key_end - key, "", 0,
				       DOTENV_QUOTE_NONE);
		dsh_scope_add(&p->scope, p->f->nbindings - 1);
		return true;
	}
	rs_parse_value(&val, t + v, e - v, &l, &x, true);
	if (val.err != RS_OK) {
		rs_stop(p, v + val.err, t + v, e - v, val.err_index);
		buf_free(&val.out);
		buf_free(&val.raw);
		dsh_expansion_clear(&x);
		return false;
	}
	span.end = p->base + v + (val.last ? val.last - 1 : 0);
	b = dotenv_add_binding(p->f, p->pos, &span, t + key, key_end - key, buf_cstr(&val.raw),
			       val.raw.len,
			       t[v] == '\'' ? DOTENV_QUOTE_SINGLE
			       : t[v] == '"' ? DOTENV_QUOTE_DOUBLE : DOTENV_QUOTE_NONE);
	x.value = buf_detach(&val.out);
	dsh_expansion_apply(b, &x);
	buf_free(&val.raw);
	dsh_scope_add(&p->scope, p->f->nbindings - 1);
	return true;
}

int
dotenv_parse_rust(struct dotenv_file *f, const char *data, size_t len,
		  const struct dotenv_options *o)
{
	struct dotenv_pos pos;
	struct rs_parser p;
	size_t at = 0;

	dotenv_pos_init(&pos, data, len);
	memset(&p, 0, sizeof(p));
	p.f = f;
	p.pos = &pos;
	p.base = f->had_bom ? 3 : 0;
	p.t = data + p.base;
	p.n = len - p.base;
	/* apply_substitution: env::var first, then the file's earlier keys. */
	dsh_scope_init(&p.scope, f, o->process_env, true, true);
	for (;;) {
		size_t ls, le;
		bool skip, bad;

		if (!rs_next_line(&p, &at, &ls, &le, &skip, &bad) || bad)
			break;
		if (!skip && !rs_parse_line(&p, ls, le))
			break;
	}
	dsh_scope_free(&p.scope);
	dotenv_pos_free(&pos);
	return 0;
}
