/*
 * joho/godotenv v1.5.1 UnmarshalBytes (parser.go). CRLF becomes LF first
 * (a lone CR stays, and ends an unquoted value). The key loop walks BYTES,
 * so each byte of a multi-byte character is judged as the Latin-1 code
 * point of the same value (`É` fails on its second byte, U+0089). Unquoted
 * values end at CR/LF, are cut at the LAST `#` preceded by a space, and are
 * expanded; a quoted value ends at the first quote not preceded by a
 * backslash, loses every leading/trailing quote character, and only double
 * quotes get escapes (`\n`, `\r`, then `\X` -> X) and expansion. Expansion
 * knows only `$NAME`/`${NAME}` with NAME in [A-Z0-9_], reads only the keys
 * parsed so far (no OS environment in 1.5.1) and `\$` escapes. The first
 * error fails the file; what was parsed before it stays in f->bindings.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_shell.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define GO_NONE ((size_t)-1)

/* parser.go isSpace on a rune. */
static bool
go_is_space(uint32_t cp)
{
	return cp == '\t' || cp == '\v' || cp == '\f' || cp == '\r' || cp == ' ' || cp == 0x85 ||
	       cp == 0xA0;
}

static size_t
go_trim_left(const char *t, size_t n, size_t i)
{
	while (i < n) {
		uint32_t cp;
		size_t w = dsh_decode(t + i, n - i, &cp);

		if (!go_is_space(cp))
			break;
		i += w;
	}
	return i;
}

/* New end after TrimRightFunc(t[from..end), f) with f = unicode.IsSpace or isSpace. */
static size_t
go_trim_right(const char *t, size_t from, size_t end, bool unicode_space)
{
	while (end > from) {
		uint32_t cp;
		size_t w = dsh_decode_last(t + from, end - from, &cp);

		if (cp == 0xFFFD && w == 1)
			break;
		if (!(unicode_space ? dsh_is_white_space(cp) : go_is_space(cp)))
			break;
		end -= w;
	}
	return end;
}

int
dotenv_expand_godotenv(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		       struct dotenv_expansion *x)
{
	struct buf out = BUF_INIT;
	size_t i = 0;

	/* (\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}? with ReplaceAllStringFunc */
	while (i < n) {
		size_t j = i, k, name, name_end;
		bool esc;

		while (j < n && raw[j] != '$' && !(raw[j] == '\\' && j + 1 < n && raw[j + 1] == '$'))
			j++;
		buf_add(&out, raw + i, j - i);
		if (j >= n) {
			i = j;
			break;
		}
		esc = raw[j] == '\\';
		k = j + (esc ? 2 : 1);
		if (k < n && raw[k] == '(')
			k++;
		if (k < n && raw[k] == '{')
			k++;
		name = k;
		while (k < n && ((raw[k] >= 'A' && raw[k] <= 'Z') || (raw[k] >= '0' && raw[k] <= '9') ||
				 raw[k] == '_'))
			k++;
		name_end = k;
		if (k < n && raw[k] == '}')
			k++;
		if (esc) {
			buf_add(&out, raw + j + 1, k - j - 1);
		} else if (name_end > name) {
			char *key = xstrndup(raw + name, name_end - name);
			const char *v = lookup ? lookup->get(lookup->ctx, key) : NULL;

			dsh_add_ref(x, key, name_end - name, v == NULL);
			if (v != NULL)
				buf_puts(&out, v);
			free(key);
		} else {
			buf_add(&out, raw + j, k - j);
		}
		i = k;
	}
	x->value = buf_detach(&out);
	return 0;
}

/* expandEscapes(): `\\.` with \n, \r -> LF, CR, then `\\([^$])` -> $1. */
static void
go_expand_escapes(struct buf *out, const char *v, size_t n)
{
	struct buf mid = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\' && i + 1 < n && v[i + 1] != '\n') {
			if (v[i + 1] == 'n')
				buf_putc(&mid, '\n');
			else if (v[i + 1] == 'r')
				buf_putc(&mid, '\r');
			else
				buf_add(&mid, v + i, 2);
			i++;
			continue;
		}
		buf_putc(&mid, v[i]);
	}
	for (size_t i = 0; i < mid.len; i++) {
		if (mid.data[i] == '\\' && i + 1 < mid.len && mid.data[i + 1] != '$') {
			buf_putc(out, mid.data[i + 1]);
			i++;
			continue;
		}
		buf_putc(out, mid.data[i]);
	}
	buf_free(&mid);
}

struct go_parser {
	struct dotenv_file *f;
	const struct dotenv_pos *pos;
	struct dotenv_norm nm; /* CRLF -> LF */
	struct dsh_scope scope;
	const char *t;
	size_t n;
};

static void
go_fail(struct go_parser *p, size_t at, const char *msg)
{
	p->f->failed = true;
	dotenv_add_problem(p->f, p->pos, DOTENV_PROBLEM_FILE_REJECTED, dotenv_norm_orig(&p->nm, at),
			   "%s", msg);
}

static void
go_bind(struct go_parser *p, size_t start, size_t end, size_t vstart, size_t key, size_t keylen,
	const char *raw, size_t rawlen, enum dotenv_quote quote, bool expand)
{
	struct dotenv_span span = {dotenv_norm_orig(&p->nm, start), dotenv_norm_orig(&p->nm, end),
				   dotenv_norm_orig(&p->nm, vstart)};
	struct dotenv_binding *b = dotenv_add_binding(p->f, p->pos, &span, p->t + key, keylen, raw,
						      rawlen, quote);

	if (expand) {
		struct dotenv_expansion x = {0};
		struct dotenv_lookup l = dsh_scope_lookup(&p->scope);

		dotenv_expand_godotenv(b->raw_value, rawlen, &l, &x);
		dsh_expansion_apply(b, &x);
	}
	dsh_scope_add(&p->scope, p->f->nbindings - 1);
}

/* getStatementStart(): next statement offset, or n at the end. */
static size_t
go_statement_start(const struct go_parser *p, size_t i)
{
	for (;;) {
		while (i < p->n) {
			uint32_t cp;
			size_t w = dsh_decode(p->t + i, p->n - i, &cp);

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

/* extractVarValue(); the offset to go on from, GO_NONE on error, n at the end. */
static size_t
go_value(struct go_parser *p, size_t start, size_t key, size_t keylen, size_t v)
{
	char q = v < p->n ? p->t[v] : '\0';

	if (q != '"' && q != '\'') {
		size_t eol = v, end;

		while (eol < p->n && p->t[eol] != '\n' && p->t[eol] != '\r')
			eol++;
		if (eol == p->n && eol == v) {
			go_bind(p, start, v - 1, v, key, keylen, "", 0, DOTENV_QUOTE_NONE, false);
			return p->n;
		}
		/* The last `#` whose previous rune is isSpace, counted in runes. */
		end = eol;
		for (size_t i = eol; i > v; i--) {
			uint32_t cp;

			if (p->t[i - 1] != '#' || i - 1 == v)
				continue;
			dsh_decode_last(p->t + v, i - 1 - v, &cp);
			if (go_is_space(cp)) {
				end = i - 1;
				break;
			}
		}
		/* []rune(...) then string(...): each invalid byte becomes U+FFFD. */
		struct buf val = BUF_INIT;
		size_t a = go_trim_left(p->t, end, v), b = go_trim_right(p->t, a, end, false);

		for (size_t i = a; i < b;) {
			uint32_t cp;
			size_t w = dsh_decode(p->t + i, b - i, &cp);

			if (cp == 0xFFFD && w == 1)
				buf_puts(&val, "\xEF\xBF\xBD");
			else
				buf_add(&val, p->t + i, w);
			i += w;
		}
		go_bind(p, start, b > v ? b - 1 : v - 1, v, key, keylen, buf_cstr(&val), val.len,
			DOTENV_QUOTE_NONE, true);
		buf_free(&val);
		return eol;
	}
	for (size_t i = v + 1; i < p->n; i++) {
		size_t a = v, b = i;

		if (p->t[i] != q || p->t[i - 1] == '\\')
			continue;
		while (b > a && p->t[b - 1] == q)
			b--;
		while (a < b && p->t[a] == q)
			a++;
		if (q == '"') {
			struct buf val = BUF_INIT;

			go_expand_escapes(&val, p->t + a, b - a);
			go_bind(p, start, i, v, key, keylen, buf_cstr(&val), val.len,
				DOTENV_QUOTE_DOUBLE, true);
			buf_free(&val);
		} else {
			go_bind(p, start, i, v, key, keylen, p->t + a, b - a, DOTENV_QUOTE_SINGLE,
				false);
		}
		return i + 1;
	}
	const char *nl = memchr(p->t + v, '\n', p->n - v);
	size_t e = nl ? (size_t)(nl - p->t) : p->n;
	struct buf msg = BUF_INIT;

	buf_puts(&msg, "unterminated quoted value ");
	buf_add(&msg, p->t + v, e - v);
	go_fail(p, v, buf_cstr(&msg));
	buf_free(&msg);
	return GO_NONE;
}

/* locateKeyName() and the value after it; GO_NONE on error. */
static size_t
go_statement(struct go_parser *p, size_t start)
{
	size_t i = go_trim_left(p->t, p->n, start), j, key_end = 0, after;
	bool found = false;

	if (p->n - i >= 6 && memcmp(p->t + i, "export", 6) == 0) {
		uint32_t cp;

		if (i + 6 < p->n && (dsh_decode(p->t + i + 6, p->n - i - 6, &cp), go_is_space(cp)))
			i = go_trim_left(p->t, p->n, i + 6);
	}
	for (j = i; j < p->n; j++) {
		unsigned char c = (unsigned char)p->t[j];

		if (go_is_space(c) || c == '_' || c == '.')
			continue;
		if (c == '=' || c == ':') {
			key_end = j;
			found = true;
			break;
		}
		if (dsh_is_letter_number(c))
			continue;
		struct buf msg = BUF_INIT;
		char ch[2];

		/* string(char) of a byte is the UTF-8 form of the Latin-1 code point. */
		ch[0] = (char)(0xC0 | (c >> 6));
		ch[1] = (char)(0x80 | (c & 0x3F));
		buf_puts(&msg, "unexpected character ");
		if (c < 0x80)
			dsh_go_quote(&msg, (const char *)&p->t[j], 1);
		else
			dsh_go_quote(&msg, ch, 2);
		buf_puts(&msg, " in variable name near ");
		dsh_go_quote(&msg, p->t + i, p->n - i);
		go_fail(p, j, buf_cstr(&msg));
		buf_free(&msg);
		return GO_NONE;
	}
	if (i >= p->n) {
		go_fail(p, start, "zero length string");
		return GO_NONE;
	}
	if (!found) {
		key_end = i;
		after = i;
	} else {
		after = key_end + 1;
	}
	key_end = go_trim_right(p->t, i, key_end, true);
	return go_value(p, start, i, key_end - i, go_trim_left(p->t, p->n, after));
}

int
dotenv_parse_go(struct dotenv_file *f, const char *data, size_t len, const struct dotenv_options *o)
{
	struct dotenv_pos pos;
	struct go_parser p;
	size_t i = 0, cap = 0;

	dotenv_pos_init(&pos, data, len);
	memset(&p, 0, sizeof(p));
	p.f = f;
	p.pos = &pos;
	/* bytes.Replace(src, "\r\n", "\n"): only CR before LF goes. */
	p.nm.text = xmalloc(len + 1);
	for (size_t k = 0; k < len; k++) {
		if (data[k] == '\r' && k + 1 < len && data[k + 1] == '\n') {
			if (p.nm.nremoved == cap) {
				cap = cap ? cap * 2 : 16;
				p.nm.removed = xreallocarray(p.nm.removed, cap, sizeof(size_t));
			}
			p.nm.removed[p.nm.nremoved++] = p.nm.len;
			continue;
		}
		p.nm.text[p.nm.len++] = data[k];
	}
	p.nm.text[p.nm.len] = '\0';
	p.t = p.nm.text;
	p.n = p.nm.len;
	/* godotenv 1.5.1 expands from the keys parsed so far only (c42). */
	dsh_scope_init(&p.scope, f, o->process_env, false, false);
	for (;;) {
		i = go_statement_start(&p, i);
		if (i >= p.n)
			break;
		i = go_statement(&p, i);
		if (i == GO_NONE)
			break;
	}
	dsh_scope_free(&p.scope);
	dotenv_norm_free(&p.nm);
	dotenv_pos_free(&pos);
	return 0;
}
