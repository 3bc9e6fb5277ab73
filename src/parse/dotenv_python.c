/*
 * python-dotenv 1.2.2 dotenv_values()/load_dotenv() (src/dotenv/parser.py,
 * variables.py, main.py). The file is decoded as UTF-8 (a decode error
 * raises, so nothing loads) and read in universal-newline mode (CRLF and
 * lone CR become LF); a BOM is not stripped and ends up in the first key.
 * parse_binding() is a chain of anchored regexes over code points, with
 * Python's Unicode `\s`; a statement that fails is skipped up to the end of
 * the line where the failure happened, with the warning
 * "python-dotenv could not parse statement starting at line N" (N is the
 * line where the statement's reader mark was set, i.e. before any blank
 * lines it skipped). Then resolve_variables() expands ${NAME} and
 * ${NAME:-default} in every value, single-quoted ones included.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_shell.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define PY_NONE ((size_t)-1)

/* Memo of the closing-quote search of one quote character (see find_close). */
struct py_close_memo {
	bool valid;
	size_t from;  /* first byte after the opening quote of the computed scan */
	size_t close; /* first unescaped quote at/after from, or PY_NONE */
	size_t pair;  /* quote of the last `\q` pair before close (or before EOF), or PY_NONE */
};

struct py_scan {
	const char *t; /* universal-newline text */
	size_t n;
	struct py_close_memo memo[2]; /* ' and " */
};

/* Length of the Python whitespace character at i (0 if none); nl: LF counts. */
static size_t
py_space(const struct py_scan *s, size_t i, bool nl)
{
	uint32_t cp;
	size_t w;

	if (i >= s->n)
		return 0;
	if (s->t[i] == '\n')
		return nl ? 1 : 0;
	w = dsh_decode(s->t + i, s->n - i, &cp);
	return dsh_is_py_space(cp) ? w : 0;
}

static size_t
py_skip_space(const struct py_scan *s, size_t i, bool nl)
{
	size_t w;

	while ((w = py_space(s, i, nl)) > 0)
		i += w;
	return i;
}

static size_t
py_eol(const struct py_scan *s, size_t i)
{
	const char *nl = memchr(s->t + i, '\n', s->n - i);

	return nl ? (size_t)(nl - s->t) : s->n;
}

/*
 * The match of `q((?:\\q|[^q])*)q` at from - 1: the first unescaped quote
 * closes; when there is none, backtracking makes the quote of the last
 * `\q` pair close instead. A quote at x is escaped iff t[x-1] is a
 * backslash, so the answer for a later start inside the same span is the
 * memoised one. Returns the closing quote's offset or PY_NONE.
 */
static size_t
find_close(struct py_scan *s, size_t from, char q)
{
	struct py_close_memo *m = &s->memo[q == '"'];
	size_t pair = PY_NONE, close = PY_NONE;

	if (m->valid && from >= m->from && (m->close == PY_NONE || from <= m->close)) {
		close = m->close;
		pair = m->pair != PY_NONE && m->pair >= from + 1 ? m->pair : PY_NONE;
	} else {
		for (size_t i = from; i < s->n; i++) {
			if (s->t[i] == '\\' && i + 1 < s->n && s->t[i + 1] == q) {
				pair = ++i;
			} else if (s->t[i] == q) {
				close = i;
				break;
			}
		}
		m->valid = true;
		m->from = from;
		m->close = close;
		m->pair = pair;
	}
	return close != PY_NONE ? close : pair;
}

/* decode_escapes(): `\\[\\']` (single) or `\\[\\'"abfnrtv]` (double). */
static void
py_unescape(struct buf *out, const char *v, size_t n, char q)
{
	static const char from[] = "\\'\"abfnrtv", to[] = "\\'\"\a\b\f\n\r\t\v";

	for (size_t i = 0; i < n; i++) {
		const char *hit = NULL;

		if (v[i] == '\\' && i + 1 < n && v[i + 1] != '\0') {
			hit = strchr(from, v[i + 1]);
			if (hit != NULL && q != '"' && hit - from > 1)
				hit = NULL;
		}
		if (hit != NULL) {
			buf_putc(out, to[hit - from]);
			i++;
		} else {
			buf_putc(out, v[i]);
		}
	}
}

/* The 'utf-8' codec error Python raises for the first invalid byte, or false. */
static bool
py_decode_error(const char *d, size_t n, struct buf *msg, size_t *at)
{
	const unsigned char *u = (const unsigned char *)d;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		size_t need, k;
		unsigned char lo = 0x80, hi = 0xBF;
		const char *why = NULL;

		if (c < 0x80)
			continue;
		if (c < 0xC2 || c > 0xF4) {
			buf_printf(msg, "'utf-8' codec can't decode byte 0x%02x in position %zu: "
					"invalid start byte", c, i);
			*at = i;
			return true;
		}
		need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		for (k = 1; k <= need; k++) {
			if (i + k >= n) {
				why = "unexpected end of data";
				break;
			}
			if (u[i + k] < lo || u[i + k] > hi) {
				why = "invalid continuation byte";
				break;
			}
			lo = 0x80;
			hi = 0xBF;
		}
		if (why == NULL) {
			i += need;
			continue;
		}
		if (k == 1)
			buf_printf(msg, "'utf-8' codec can't decode byte 0x%02x in position %zu: %s",
				   c, i, why);
		else
			buf_printf(msg, "'utf-8' codec can't decode bytes in position %zu-%zu: %s",
				   i, i + k - 1, why);
		*at = i;
		return true;
	}
	return false;
}

/* One statement as parse_binding() read it. Offsets into the normalised text. */
struct py_stmt {
	size_t mark, start;
	size_t key, key_len, key_end; /* key_end: one past the key as written */
	bool has_key;
	bool has_value;
	size_t eq, val, val_end; /* val_end: one past the value as written */
	enum dotenv_quote quote;
	struct buf value;
	size_t err; /* where parsing failed, or PY_NONE */
	size_t next;
};

static void
py_parse_value(struct py_scan *s, struct py_stmt *st, size_t p)
{
	char q = p < s->n ? s->t[p] : '\0';

	st->val = p;
	st->has_value = true;
	if (q == '\'' || q == '"') {
		size_t close = find_close(s, p + 1, q);

		if (close == PY_NONE) {
			st->err = p;
			return;
		}
		py_unescape(&st->value, s->t + p + 1, close - p - 1, q);
		st->quote = q == '"' ? DOTENV_QUOTE_DOUBLE : DOTENV_QUOTE_SINGLE;
		st->val_end = close + 1;
		return;
	}
	if (p >= s->n || q == '\n') {
		st->val_end = p;
		return;
	}
	/* re.sub(r"\s+#.*", "", part).rstrip() */
	size_t eol = py_eol(s, p), cut = eol;

	for (size_t i = p + 1; i < eol; i++) {
		uint32_t cp;

		if (s->t[i] != '#')
			continue;
		dsh_decode_last(s->t + p, i - p, &cp);
		if (dsh_is_py_space(cp)) {
			cut = i;
			break;
		}
	}
	while (cut > p) {
		uint32_t cp;
		size_t w = dsh_decode_last(s->t + p, cut - p, &cp);

		if (!dsh_is_py_space(cp))
			break;
		cut -= w;
	}
	buf_add(&st->value, s->t + p, cut - p);
	st->val_end = cut;
	/* The regex consumed the whole line; comment and end-of-line follow. */
	st->next = eol;
}

/* parse_binding(): fills st; st->err != PY_NONE when the statement failed. */
static void
py_parse_binding(struct py_scan *s, size_t at, struct py_stmt *st)
{
	size_t p, w;

	memset(st, 0, sizeof(*st));
	st->err = st->next = PY_NONE;
	st->mark = at;
	p = py_skip_space(s, at, true);
	st->start = p;
	if (p >= s->n) {
		st->next = p;
		return;
	}
	/* _export: (?:export[^\S\r\n]+)? */
	if (s->n - p > 6 && memcmp(s->t + p, "export", 6) == 0 && py_space(s, p + 6, false) > 0)
		p = py_skip_space(s, p + 6, false);
	/* parse_key */
	if (s->t[p] == '\'') {
		const char *q = memchr(s->t + p + 1, '\'', s->n - p - 1);

		if (q == NULL || q == s->t + p + 1) {
			st->err = p;
			goto fail;
		}
		st->has_key = true;
		st->key = p + 1;
		st->key_len = (size_t)(q - s->t) - p - 1;
		p = (size_t)(q - s->t) + 1;
		st->key_end = p;
	} else if (s->t[p] != '#') {
		size_t k = p;

		while (k < s->n && s->t[k] != '=' && s->t[k] != '#' && py_space(s, k, true) == 0) {
			uint32_t cp;

			k += dsh_decode(s->t + k, s->n - k, &cp);
		}
		if (k == p) {
			st->err = p;
			goto fail;
		}
		st->has_key = true;
		st->key = p;
		st->key_len = k - p;
		p = k;
		st->key_end = p;
	}
	st->eq = p;
	p = py_skip_space(s, p, false);
	if (p < s->n && s->t[p] == '=') {
		st->eq = p;
		p = py_skip_space(s, p + 1, false);
		py_parse_value(s, st, p);
		if (st->err != PY_NONE)
			goto fail;
		p = st->next != PY_NONE ? st->next : st->val_end;
		st->next = PY_NONE;
	}
	/* _comment: (?:[^\S\r\n]*#[^\r\n]*)? */
	w = py_skip_space(s, p, false);
	if (w < s->n && s->t[w] == '#')
		p = py_eol(s, w);
	/* _end_of_line */
	p = py_skip_space(s, p, false);
	if (p < s->n && s->t[p] != '\n') {
		st->err = p;
		goto fail;
	}
	st->next = p < s->n ? p + 1 : p;
	return;
fail:
	/* _rest_of_line from where the failing regex stood */
	p = py_eol(s, st->err);
	st->next = p < s->n ? p + 1 : p;
}

int
dotenv_expand_python(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		     struct dotenv_expansion *x)
{
	struct buf out = BUF_INIT;
	size_t i = 0;

	/* \$\{(?P<name>[^\}:]*)(?::-(?P<default>[^\}]*))?\} via finditer */
	while (i < n) {
		const char *d = memchr(raw + i, '$', n - i);
		size_t j, name, name_end, def = PY_NONE, def_end = PY_NONE;

		if (d == NULL)
			break;
		j = (size_t)(d - raw);
		buf_add(&out, raw + i, j - i);
		i = j + 1;
		if (j + 1 >= n || raw[j + 1] != '{') {
			buf_putc(&out, '$');
			continue;
		}
		name = j + 2;
		name_end = name;
		while (name_end < n && raw[name_end] != '}' && raw[name_end] != ':')
			name_end++;
		if (name_end + 1 < n && raw[name_end] == ':' && raw[name_end + 1] == '-') {
			def = name_end + 2;
			def_end = def;
			while (def_end < n && raw[def_end] != '}')
				def_end++;
		}
		size_t close = def != PY_NONE ? def_end : name_end;

		if (close >= n || raw[close] != '}') {
			buf_putc(&out, '$');
			continue;
		}
		char *key = xstrndup(raw + name, name_end - name);
		const char *v = lookup ? lookup->get(lookup->ctx, key) : NULL;

		dsh_add_ref(x, key, name_end - name, v == NULL);
		if (v != NULL)
			buf_puts(&out, v);
		else if (def != PY_NONE)
			buf_add(&out, raw + def, def_end - def);
		free(key);
		i = close + 1;
	}
	if (i < n)
		buf_add(&out, raw + i, n - i);
	x->value = buf_detach(&out);
	return 0;
}

static void
py_add(struct dotenv_file *f, const struct dotenv_pos *pos, const struct dotenv_norm *nm,
       struct py_scan *s, struct py_stmt *st, struct dsh_scope *scope, const struct dotenv_options *o)
{
	struct dotenv_span span;
	struct dotenv_binding *b;
	size_t end;

	if (st->has_value)
		end = st->val_end > st->val ? st->val_end - 1 : st->eq;
	else
		end = st->key_end - 1;
	span.start = dotenv_norm_orig(nm, st->start);
	span.end = dotenv_norm_orig(nm, end);
	span.value_start = dotenv_norm_orig(nm, st->has_value ? st->val : st->key_end);
	b = dotenv_add_binding(f, pos, &span, s->t + st->key, st->key_len,
			       st->has_value ? buf_cstr(&st->value) : NULL, st->value.len,
			       st->quote);
	if (st->has_value && !o->no_expand) {
		struct dotenv_expansion x = {0};
		struct dotenv_lookup l = dsh_scope_lookup(scope);

		dotenv_expand_python(b->raw_value, strlen(b->raw_value), &l, &x);
		dsh_expansion_apply(b, &x);
	}
	dsh_scope_add(scope, f->nbindings - 1);
}

int
dotenv_parse_python(struct dotenv_file *f, const char *data, size_t len,
		    const struct dotenv_options *o)
{
	struct dotenv_pos pos;
	struct dotenv_norm nm;
	struct py_scan s;
	struct dsh_scope scope;
	struct buf msg = BUF_INIT;
	size_t at = 0;

	dotenv_pos_init(&pos, data, len);
	if (py_decode_error(data, len, &msg, &at)) {
		/* open(..., encoding="utf-8").read() raises: nothing is loaded. */
		f->failed = true;
		dotenv_add_problem(f, &pos, DOTENV_PROBLEM_FILE_REJECTED, at, "%s", buf_cstr(&msg));
		buf_free(&msg);
		dotenv_pos_free(&pos);
		return 0;
	}
	dotenv_norm_crlf(&nm, data, len);
	memset(&s, 0, sizeof(s));
	s.t = nm.text;
	s.n = nm.len;
	/* dotenv_values() and load_dotenv(override=True) read the file first. */
	dsh_scope_init(&scope, f, o->process_env, !o->override, true);
	at = 0;
	while (at < s.n) {
		struct py_stmt st;

		py_parse_binding(&s, at, &st);
		if (st.err != PY_NONE) {
			int line, col;

			dotenv_pos_get(&pos, dotenv_norm_orig(&nm, st.mark), &line, &col);
			dotenv_add_problem(f, &pos, DOTENV_PROBLEM_SKIPPED_WARN,
					   dotenv_norm_orig(&nm, st.start),
					   "python-dotenv could not parse statement starting at line %d",
					   line);
		} else if (st.has_key) {
			py_add(f, &pos, &nm, &s, &st, &scope, o);
		}
		buf_free(&st.value);
		at = st.next > at ? st.next : at + 1;
	}
	dsh_scope_free(&scope);
	dotenv_norm_free(&nm);
	dotenv_pos_free(&pos);
	return 0;
}
