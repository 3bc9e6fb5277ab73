/*
 * The compose-go v2.13.0 env_file parser (dotenv/parser.go, godotenv.go)
 * with its interpolation (template/template.go). One leading BOM is
 * skipped; no line-ending normalisation (a lone CR is not a line break, a
 * CR before LF is trimmed from unquoted values and kept in quoted ones).
 * Unquoted values end at LF, lose everything from the first " #" and are
 * right-trimmed; quoted values may span lines, `\q` keeps the quote, other
 * escapes are kept for expandEscapes (double quotes: \a \b \f \n \r \t \v
 * \\ \" \$ and \0ooo). Unquoted and double-quoted values are interpolated
 * with the process environment first, then the file's earlier keys. A line
 * holding only a key inherits the environment's value or is dropped. Any
 * error (bad key character, space in a key, unterminated quote, `:?` on a
 * missing variable, invalid `${`) fails the whole file.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_shell.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define CM_NONE ((size_t)-1)

/* ---- interpolation (template.Substitute) -------------------------------- */

struct cm_ctx {
	const struct dotenv_lookup *lookup;
	struct dotenv_expansion *x;
};

/* Length of a `[_a-z]` (case-insensitive, Unicode folding) character at p. */
static size_t
cm_name_char(const char *p, size_t n, bool first)
{
	unsigned char c = n ? (unsigned char)p[0] : 0;

	if (n == 0)
		return 0;
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && c >= '0' && c <= '9'))
		return 1;
	/* Go's (?i) folds k to U+212A KELVIN SIGN and s to U+017F LONG S. */
	if (n >= 3 && memcmp(p, "\xE2\x84\xAA", 3) == 0)
		return 3;
	if (n >= 2 && memcmp(p, "\xC5\xBF", 2) == 0)
		return 2;
	return 0;
}

static size_t
cm_name_end(const char *s, size_t n, size_t i)
{
	size_t w = cm_name_char(s + i, n - i, true);

	if (w == 0)
		return i;
	i += w;
	while (i < n && (w = cm_name_char(s + i, n - i, false)) > 0)
		i += w;
	return i;
}

static const char *
cm_lookup(struct cm_ctx *c, const char *name, size_t n)
{
	char *key = xstrndup(name, n);
	const char *v = c->lookup ? c->lookup->get(c->lookup->ctx, key) : NULL;

	dsh_add_ref(c->x, name, n, v == NULL);
	free(key);
	return v;
}

static int cm_subst(struct cm_ctx *c, const char *s, size_t n, int depth, struct buf *out);

static int
cm_invalid(struct cm_ctx *c, const char *tmpl, size_t n)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "Invalid template: ");
	dsh_go_quote(&b, tmpl, n);
	if (c->x->error == NULL)
		c->x->error = buf_detach(&b);
	buf_free(&b);
	return -1;
}

/* One `${name<op>arg}` match: sub = the text between `${` and its closing brace. */
static int
cm_apply_op(struct cm_ctx *c, const char *name, size_t name_n, const char *op, const char *arg,
	    size_t arg_n, int depth, struct buf *out)
{
	const char *v = cm_lookup(c, name, name_n);
	bool found = v != NULL, empty = v == NULL || *v == '\0';
	bool colon = op[0] == ':';
	char kind = colon ? op[1] : op[0];

	if (depth >= DOTENV_EXPAND_MAX_DEPTH) {
		c->x->unknowable = true;
		return 0;
	}
	switch (kind) {
	case '-':
		if (!found || (colon && empty))
			return cm_subst(c, arg, arg_n, depth + 1, out);
		break;
	case '+':
		if (found && (!colon || !empty))
			return cm_subst(c, arg, arg_n, depth + 1, out);
		break;
	default: /* '?' */
		if (!found || (colon && empty)) {
			struct buf msg = BUF_INIT;
			char *nm = xstrndup(name, name_n);

			if (cm_subst(c, arg, arg_n, depth + 1, &msg) == 0 && c->x->error == NULL) {
				if (msg.len > 0)
					c->x->error = xasprintf("required variable %s is missing a "
								"value: %s", nm, buf_cstr(&msg));
				else
					c->x->error = xasprintf("required variable %s is missing a "
								"value", nm);
			}
			free(nm);
			buf_free(&msg);
			return -1;
		}
		break;
	}
	if (v != NULL)
		buf_puts(out, v);
	return 0;
}

/*
 * template.Substitute over s[0..n). A braced match with an operator runs to
 * the last `}` of the line (greedy `.*`); compose then cuts it at the brace
 * that balances the opening one and substitutes the remainder as a template
 * of its own, which is the same as scanning on, except that an invalid `${`
 * in it names that remainder as the template. Defaults nest by recursion,
 * bounded by DOTENV_EXPAND_MAX_DEPTH.
 */
static int
cm_subst(struct cm_ctx *c, const char *s, size_t n, int depth, struct buf *out)
{
	size_t i = 0, chain = CM_NONE, chain_end = 0;
	size_t line_from = CM_NONE, eol = 0, last_brace = CM_NONE;

	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);
		size_t j, k, q, r, cl;
		char op[3] = {0};

		if (d == NULL)
			break;
		j = (size_t)(d - s);
		buf_add(out, s + i, j - i);
		if (chain != CM_NONE && j >= chain_end)
			chain = CM_NONE;
		if (j + 1 < n && s[j + 1] == '$') {
			buf_putc(out, '$');
			i = j + 2;
			continue;
		}
		k = cm_name_end(s, n, j + 1);
		if (k > j + 1) {
			const char *v = cm_lookup(c, s + j + 1, k - j - 1);

			if (v != NULL)
				buf_puts(out, v);
			i = k;
			continue;
		}
		if (j + 1 >= n || s[j + 1] != '{') {
			buf_putc(out, '$');
			i = j + 1;
			continue;
		}
		k = cm_name_end(s, n, j + 2);
		if (k == j + 2)
			goto invalid;
		q = CM_NONE;
		if (k + 1 < n && s[k] == ':' && strchr("-+?", s[k + 1]) != NULL && s[k + 1]) {
			op[0] = ':';
			op[1] = s[k + 1];
			q = k + 2;
		} else if (k < n && s[k] != '\0' && strchr("-+?", s[k]) != NULL) {
			op[0] = s[k];
			q = k + 1;
		}
		r = CM_NONE;
		if (q != CM_NONE) {
			if (line_from == CM_NONE || q < line_from || q > eol) {
				const char *nl = memchr(s + q, '\n', n - q);

				line_from = q;
				eol = nl ? (size_t)(nl - s) : n;
				last_brace = CM_NONE;
				for (size_t b = eol; b > q; b--) {
					if (s[b - 1] == '}') {
						last_brace = b - 1;
						break;
					}
				}
			}
			if (last_brace != CM_NONE && last_brace >= q)
				r = last_brace;
		}
		if (r == CM_NONE) {
			if (k < n && s[k] == '}') {
				const char *v = cm_lookup(c, s + j + 2, k - j - 2);

				if (v != NULL)
					buf_puts(out, v);
				i = k + 1;
				continue;
			}
			goto invalid;
		}
		/* getFirstBraceClosingIndex over s[j..r] */
		cl = CM_NONE;
		for (size_t x = j, open = 0; x <= r; x++) {
			if (s[x] == '}' && --open == 0) {
				cl = x;
				break;
			}
			if (s[x] == '{') {
				open++;
				x++;
			}
		}
		if (cm_apply_op(c, s + j + 2, k - j - 2, op, s + q, (cl != CM_NONE ? cl : r) - q,
				depth, out) != 0)
			return -1;
		if (cl != CM_NONE && cl < r) {
			chain = cl + 1;
			chain_end = r + 1;
			i = cl + 1;
		} else {
			i = r + 1;
		}
		continue;
invalid:
		if (chain != CM_NONE)
			return cm_invalid(c, s + chain, chain_end - chain);
		return cm_invalid(c, s, n);
	}
	if (i < n)
		buf_add(out, s + i, n - i);
	return 0;
}

int
dotenv_expand_compose(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		      struct dotenv_expansion *x)
{
	struct cm_ctx c = {lookup, x};
	struct buf out = BUF_INIT;
	int rc = cm_subst(&c, raw, n, 0, &out);

	if (rc != 0) {
		/* expandVariables returns the value unchanged with the error. */
		buf_reset(&out);
		buf_add(&out, raw, n);
	}
	x->value = buf_detach(&out);
	return rc;
}

/* ---- the parser (dotenv/parser.go) ------------------------------------- */

/* parser.go isSpace: a space character that is not a line break. */
static bool
cm_is_space(uint32_t cp)
{
	return cp == '\t' || cp == '\v' || cp == '\f' || cp == '\r' || cp == ' ' || cp == 0x85 ||
	       cp == 0xA0;
}

static size_t
cm_trim_left(const char *t, size_t n, size_t i)
{
	while (i < n) {
		uint32_t cp;
		size_t w = dsh_decode(t + i, n - i, &cp);

		if (!cm_is_space(cp))
			break;
		i += w;
	}
	return i;
}

/* strings.TrimRightFunc(s, unicode.IsSpace): new end of t[from..end). */
static size_t
cm_trim_right(const char *t, size_t from, size_t end)
{
	while (end > from) {
		uint32_t cp;
		size_t w = dsh_decode_last(t + from, end - from, &cp);

		if (!dsh_is_white_space(cp) || (cp == 0xFFFD && w == 1))
			break;
		end -= w;
	}
	return end;
}

/* expandEscapes(): Go escape sequences of a double-quoted value. */
static void
cm_expand_escapes(struct buf *out, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *hit;
		char c = i + 1 < n ? v[i + 1] : '\0';

		if (v[i] != '\\' || c == '\0') {
			buf_putc(out, v[i]);
			continue;
		}
		if (c == '0') {
			size_t m = 0;

			while (m < 3 && i + 2 + m < n && v[i + 2 + m] >= '0' && v[i + 2 + m] <= '9')
				m++;
			/* `\0ddd` -> `\ddd` -> strconv.UnquoteChar, or the rewritten text. */
			if (m == 3 && v[i + 2] <= '7' && v[i + 3] <= '7' && v[i + 4] <= '7' &&
			    (v[i + 2] - '0') * 64 + (v[i + 3] - '0') * 8 + (v[i + 4] - '0') <= 255) {
				unsigned r = (unsigned)((v[i + 2] - '0') * 64 + (v[i + 3] - '0') * 8 +
							(v[i + 4] - '0'));

				if (r < 0x80) {
					buf_putc(out, (char)r);
				} else {
					buf_putc(out, (char)(0xC0 | (r >> 6)));
					buf_putc(out, (char)(0x80 | (r & 0x3F)));
				}
			} else {
				buf_putc(out, '\\');
				buf_add(out, v + i + 2, m);
			}
			i += 1 + m;
			continue;
		}
		hit = strchr("abcfnrtv$\"\\", c);
		if (hit == NULL) {
			buf_putc(out, '\\');
			continue;
		}
		switch (c) {
		case 'a': buf_putc(out, '\a'); break;
		case 'b': buf_putc(out, '\b'); break;
		case 'c': buf_puts(out, "\\c"); break;
		case 'f': buf_putc(out, '\f'); break;
		case 'n': buf_putc(out, '\n'); break;
		case 'r': buf_putc(out, '\r'); break;
		case 't': buf_putc(out, '\t'); break;
		case 'v': buf_putc(out, '\v'); break;
		case '$': buf_puts(out, "$$"); break;
		default: buf_putc(out, c); break;
		}
		i++;
	}
}

struct cm_parser {
	struct dotenv_file *f;
	const struct dotenv_pos *pos;
	const struct dotenv_options *o;
	struct dsh_scope scope;
	const char *t; /* after the BOM */
	size_t n, base;
	int line;
};

static void
cm_fail(struct cm_parser *p, size_t at, const char *msg)
{
	p->f->failed = true;
	dotenv_add_problem(p->f, p->pos, DOTENV_PROBLEM_FILE_REJECTED, p->base + at, "%s", msg);
}

/* getStatementStart(): offset of the next statement, or n. */
static size_t
cm_statement_start(struct cm_parser *p, size_t i)
{
	for (;;) {
		while (i < p->n) {
			uint32_t cp;
			size_t w = dsh_decode(p->t + i, p->n - i, &cp);

			if (cp == '\n')
				p->line++;
			if (!dsh_is_white_space(cp) || (cp == 0xFFFD && w == 1))
				break;
			i += w;
		}
		if (i >= p->n || p->t[i] != '#')
			return i;
		const char *nl = memchr(p->t + i, '\n', p->n - i);

		if (nl == NULL)
			return p->n;
		i = (size_t)(nl - p->t);
	}
}

static struct dotenv_binding *
cm_bind(struct cm_parser *p, size_t start, size_t end, size_t vstart, const char *key,
	size_t keylen, const char *raw, size_t rawlen, enum dotenv_quote quote)
{
	struct dotenv_span span = {p->base + start, p->base + end, p->base + vstart};

	return dotenv_add_binding(p->f, p->pos, &span, key, keylen, raw, rawlen, quote);
}

/* Expand and bind; false when interpolation failed the file. */
static bool
cm_bind_value(struct cm_parser *p, size_t start, size_t end, size_t vstart, size_t key,
	      size_t keylen, const char *raw, size_t rawlen, enum dotenv_quote quote)
{
	struct dotenv_expansion x = {0};
	struct dotenv_lookup l = dsh_scope_lookup(&p->scope);
	struct dotenv_binding *b;

	if (quote != DOTENV_QUOTE_SINGLE && dotenv_expand_compose(raw, rawlen, &l, &x) != 0) {
		cm_fail(p, vstart, x.error);
		dsh_expansion_clear(&x);
		return false;
	}
	b = cm_bind(p, start, end, vstart, p->t + key, keylen, raw, rawlen, quote);
	if (quote != DOTENV_QUOTE_SINGLE)
		dsh_expansion_apply(b, &x);
	dsh_scope_add(&p->scope, p->f->nbindings - 1);
	return true;
}

/* extractVarValue(); returns the offset after the value, or CM_NONE on failure. */
static size_t
cm_value(struct cm_parser *p, size_t start, size_t key, size_t keylen, size_t v)
{
	struct buf chars = BUF_INIT, esc = BUF_INIT;
	char q = v < p->n ? p->t[v] : '\0';
	size_t ret = CM_NONE;

	if (q != '"' && q != '\'') {
		const char *nl = memchr(p->t + v, '\n', p->n - v);
		size_t eol = nl ? (size_t)(nl - p->t) : p->n, end = eol;

		p->line++;
		for (size_t i = v; i + 1 < eol; i++) {
			if (p->t[i] == ' ' && p->t[i + 1] == '#') {
				end = i;
				break;
			}
		}
		end = cm_trim_right(p->t, v, end);
		if (cm_bind_value(p, start, end > v ? end - 1 : v - 1, v, key, keylen, p->t + v,
				  end - v, DOTENV_QUOTE_NONE))
			ret = nl ? eol + 1 : p->n;
		goto cleanup;
	}
	bool escape = false;

	for (size_t i = v + 1; i < p->n; i++) {
		char ch = p->t[i];

		if (ch == '\n')
			p->line++;
		if (ch != q) {
			if (!escape && ch == '\\') {
				escape = true;
				continue;
			}
			if (escape) {
				escape = false;
				buf_putc(&chars, '\\');
			}
			buf_putc(&chars, ch);
			continue;
		}
		if (escape) {
			escape = false;
			buf_putc(&chars, ch);
			continue;
		}
		if (q == '"') {
			cm_expand_escapes(&esc, chars.data ? chars.data : "", chars.len);
			if (cm_bind_value(p, start, i, v, key, keylen, buf_cstr(&esc), esc.len,
					  DOTENV_QUOTE_DOUBLE))
				ret = i + 1;
		} else if (cm_bind_value(p, start, i, v, key, keylen, buf_cstr(&chars), chars.len,
					 DOTENV_QUOTE_SINGLE)) {
			ret = i + 1;
		}
		goto cleanup;
	}
	{
		const char *nl = memchr(p->t + v, '\n', p->n - v);
		size_t e = nl ? (size_t)(nl - p->t) : p->n;
		char *msg = xasprintf("line %d: unterminated quoted value %.*s", p->line,
				      (int)(e - v > 0x7fffffff ? 0x7fffffff : e - v), p->t + v);

		cm_fail(p, v, msg);
		free(msg);
	}
cleanup:
	buf_free(&chars);
	buf_free(&esc);
	return ret;
}

/* One statement at i; returns the offset to continue from, or CM_NONE to stop. */
static size_t
cm_statement(struct cm_parser *p, size_t start)
{
	size_t i = start, ks, j, key_end = 0, after = 0;
	bool found = false, inherited = false;

	if (p->n - i > 6 && memcmp(p->t + i, "export", 6) == 0 &&
	    strchr("\t\n\f\r ", p->t[i + 6]) != NULL && p->t[i + 6] != '\0')
		i = cm_trim_left(p->t, p->n, i + 6);
	if (i >= p->n) {
		cm_fail(p, start, "zero length string");
		return CM_NONE;
	}
	ks = i;
	for (j = ks; j < p->n;) {
		uint32_t cp;
		size_t w = dsh_decode(p->t + j, p->n - j, &cp);

		if (cm_is_space(cp)) {
			j += w;
			continue;
		}
		if (cp == '=' || cp == ':' || cp == '\n') {
			key_end = j;
			after = j + 1;
			inherited = cp == '\n';
			found = true;
			break;
		}
		if (cp == '_' || cp == '.' || cp == '-' || cp == '[' || cp == ']' ||
		    (dsh_is_letter_number(cp) && !(cp == 0xFFFD && w == 1))) {
			j += w;
			continue;
		}
		struct buf msg = BUF_INIT;
		const char *nl = memchr(p->t + ks, '\n', p->n - ks);

		buf_printf(&msg, "line %d: unexpected character ", p->line);
		if (cp == 0xFFFD && w == 1)
			dsh_go_quote(&msg, "\xEF\xBF\xBD", 3);
		else
			dsh_go_quote(&msg, p->t + j, w);
		buf_puts(&msg, " in variable name ");
		dsh_go_quote(&msg, p->t + ks, (nl ? (size_t)(nl - p->t) : p->n) - ks);
		cm_fail(p, j, buf_cstr(&msg));
		buf_free(&msg);
		return CM_NONE;
	}
	if (!found) {
		/* No separator before EOF: the key is "" and the text is the value. */
		key_end = ks;
		after = ks;
	}
	size_t kt = cm_trim_right(p->t, ks, key_end);

	if (inherited && memchr(p->t + ks, ' ', key_end - ks) == NULL)
		p->line++;
	if (memchr(p->t + ks, ' ', kt - ks) != NULL) {
		char *msg = xasprintf("line %d: key cannot contain a space", p->line);

		cm_fail(p, start, msg);
		free(msg);
		return CM_NONE;
	}
	if (inherited) {
		char *key = xstrndup(p->t + ks, kt - ks);
		const char *v = dsh_env_get(p->o->process_env, key);

		if (v != NULL) {
			struct dotenv_binding *b = cm_bind(p, start, kt > ks ? kt - 1 : ks, kt,
							   key, kt - ks, NULL, 0,
							   DOTENV_QUOTE_NONE);

			dotenv_set_value(b, xstrdup(v));
			b->refs = xmalloc(sizeof(char *));
			b->refs[0] = xstrdup(key);
			b->nrefs = 1;
			dsh_scope_add(&p->scope, p->f->nbindings - 1);
		}
		free(key);
		return after;
	}
	return cm_value(p, start, ks, kt - ks, cm_trim_left(p->t, p->n, after));
}

int
dotenv_parse_compose(struct dotenv_file *f, const char *data, size_t len,
		     const struct dotenv_options *o)
{
	struct dotenv_pos pos;
	struct cm_parser p;
	size_t i = 0;

	dotenv_pos_init(&pos, data, len);
	memset(&p, 0, sizeof(p));
	p.f = f;
	p.pos = &pos;
	p.o = o;
	p.base = f->had_bom ? 3 : 0;
	p.t = data + p.base;
	p.n = len - p.base;
	p.line = 1;
	/* expandVariables: the lookup (process environment) first, then the file so far. */
	dsh_scope_init(&p.scope, f, o->process_env, true, true);
	for (;;) {
		i = cm_statement_start(&p, i);
		if (i >= p.n)
			break;
		i = cm_statement(&p, i);
		if (i == CM_NONE)
			break;
	}
	dsh_scope_free(&p.scope);
	dotenv_pos_free(&pos);
	return 0;
}
