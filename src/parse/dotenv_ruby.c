/*
 * bkeepers/dotenv 3.2.0 Dotenv::Parser (lib/dotenv/parser.rb and
 * substitutions/). The file is read as 'rb:bom|utf-8' (BOM dropped; any
 * invalid UTF-8 makes the first gsub raise ArgumentError), CR LF and lone
 * CR become LF, then String#scan with the LINE regex picks statements
 * anywhere a line starts; lines it cannot match vanish silently. The scan
 * is reproduced by hand: Ruby `\s` is ASCII and crosses line breaks, so a
 * separator, a value or the trailing whitespace may reach into later lines
 * exactly as the regex lets them. For a key already in the environment the
 * environment's value is returned (unless overwrite). `export KEY` without
 * a value raises FormatError. Values: strip, drop one pair of surrounding
 * quotes; in double quotes `\n`/`\r` stay literal (DOTENV_LINEBREAK_MODE
 * legacy turns them into LF/CR); outside single quotes `\X` -> X (X != $),
 * then `$(cmd)` (executed by Ruby: never here, the value is unknowable)
 * and `$NAME`/`${NAME}` ([A-Z0-9_]+, case-insensitive) from the file's
 * earlier keys, then the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_shell.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define RB_NONE ((size_t)-1)

/* Escaped quotes after which the rest of LINE matches, per quote char. */
struct rb_quote_set {
	size_t *pos;
	size_t n;
};

struct rb_scan {
	const char *t;
	size_t n;
	struct rb_quote_set ok[2]; /* ' and " */
	/* memo of the first unescaped quote (see rb_first_close) */
	bool memo_valid[2];
	size_t memo_from[2], memo_close[2];
};

static bool
rb_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool
rb_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static size_t
rb_skip_ws(const struct rb_scan *s, size_t i)
{
	while (i < s->n && rb_ws(s->t[i]))
		i++;
	return i;
}

static size_t
rb_eol(const struct rb_scan *s, size_t i)
{
	const char *nl = memchr(s->t + i, '\n', s->n - i);

	return nl ? (size_t)(nl - s->t) : s->n;
}

/* `\s*(?:\#.*)?(?:$|\z)` at pos: the match end, or RB_NONE. */
static size_t
rb_tail(const struct rb_scan *s, size_t pos)
{
	size_t q = rb_skip_ws(s, pos);

	if (q < s->n && s->t[q] == '#')
		return rb_eol(s, q);
	if (q >= s->n)
		return s->n;
	for (size_t i = q; i > pos; i--)
		if (s->t[i - 1] == '\n')
			return i - 1;
	return RB_NONE;
}

/* First unescaped quote q after j (exclusive), or RB_NONE; memoised. */
static size_t
rb_first_close(struct rb_scan *s, size_t from, char q)
{
	int k = q == '"';
	size_t c = RB_NONE;

	if (s->memo_valid[k] && from >= s->memo_from[k] &&
	    (s->memo_close[k] == RB_NONE || from <= s->memo_close[k]))
		return s->memo_close[k];
	for (size_t i = from; i < s->n; i++) {
		if (s->t[i] == q && !(i > from && s->t[i - 1] == '\\')) {
			c = i;
			break;
		}
	}
	s->memo_valid[k] = true;
	s->memo_from[k] = from;
	s->memo_close[k] = c;
	return c;
}

static void
rb_index_quotes(struct rb_scan *s)
{
	for (int k = 0; k < 2; k++) {
		char q = k ? '"' : '\'';
		size_t cap = 0;

		for (size_t i = 1; i < s->n; i++) {
			if (s->t[i] != q || s->t[i - 1] != '\\' || rb_tail(s, i + 1) == RB_NONE)
				continue;
			if (s->ok[k].n == cap) {
				cap = cap ? cap * 2 : 16;
				s->ok[k].pos = xreallocarray(s->ok[k].pos, cap, sizeof(size_t));
			}
			s->ok[k].pos[s->ok[k].n++] = i;
		}
	}
}

/*
 * `q(?:\\q|[^q])*q` at j followed by the tail: the first closing quote in
 * the regex's backtracking order whose tail matches. Returns it or RB_NONE.
 */
static size_t
rb_quoted(struct rb_scan *s, size_t j, size_t *end)
{
	char q = s->t[j];
	const struct rb_quote_set *set = &s->ok[q == '"'];
	size_t c = rb_first_close(s, j + 1, q), lo = 0, hi = set->n, bound;

	if (c != RB_NONE && (*end = rb_tail(s, c + 1)) != RB_NONE)
		return c;
	/* the escaped quotes before c, right to left: the last one in set below bound */
	bound = c != RB_NONE ? c : s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->pos[mid] < bound)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || set->pos[lo - 1] < j + 2)
		return RB_NONE;
	*end = rb_tail(s, set->pos[lo - 1] + 1);
	return set->pos[lo - 1];
}

struct rb_match {
	size_t start, stmt, key, key_end;
	bool export;
	size_t val, val_end; /* val == RB_NONE: no value group */
	size_t end;
};

/* The value group and tail after a separator ending at pos (always matches). */
static void
rb_value(struct rb_scan *s, size_t pos, struct rb_match *m)
{
	size_t j = rb_skip_ws(s, pos), e, c;

	if (j < s->n && (s->t[j] == '\'' || s->t[j] == '"') &&
	    (c = rb_quoted(s, j, &e)) != RB_NONE) {
		m->val = pos;
		m->val_end = c + 1;
		m->end = e;
		return;
	}
	if (pos < s->n && s->t[pos] != '#' && s->t[pos] != '\n') {
		size_t v = pos;

		while (v < s->n && s->t[v] != '#' && s->t[v] != '\n')
			v++;
		m->val = pos;
		m->val_end = v;
		m->end = rb_tail(s, v);
		return;
	}
	m->val = RB_NONE;
	m->end = rb_tail(s, pos);
}

static bool
rb_rest(struct rb_scan *s, size_t ks, struct rb_match *m)
{
	size_t k = ks, j;

	while (k < s->n && rb_key_char(s->t[k]))
		k++;
	m->key = ks;
	m->key_end = k;
	j = rb_skip_ws(s, k);
	if (j < s->n && s->t[j] == '=') {
		rb_value(s, j + 1, m);
		return true;
	}
	if (k + 1 < s->n && s->t[k] == ':' && rb_ws(s->t[k + 1])) {
		rb_value(s, k + 2, m);
		return true;
	}
	m->val = RB_NONE;
	m->end = rb_tail(s, k);
	return m->end != RB_NONE;
}

/* LINE at line start p; false when it does not match there (*next: where to retry). */
static bool
rb_match_at(struct rb_scan *s, size_t p, struct rb_match *m, size_t *next)
{
	size_t st = rb_skip_ws(s, p);

	m->start = p;
	m->stmt = st;
	if (st >= s->n) {
		*next = s->n;
		return false;
	}
	if (s->n - st > 6 && memcmp(s->t + st, "export", 6) == 0 && rb_ws(s->t[st + 6])) {
		size_t ks = rb_skip_ws(s, st + 6);

		m->export = true;
		if (ks < s->n && rb_key_char(s->t[ks]) && rb_rest(s, ks, m))
			return true;
	}
	m->export = false;
	if (rb_key_char(s->t[st]) && rb_rest(s, st, m))
		return true;
	/* Every line start up to st reaches the same st and fails the same way. */
	*next = rb_eol(s, st);
	*next = *next < s->n ? *next + 1 : s->n;
	return false;
}

/* ---- values ------------------------------------------------------------ */

/* Ruby's /i [A-Z0-9_] on a UTF-8 string, including the K and long-s folds. */
static size_t
rb_name_char(const char *p, size_t n)
{
	unsigned char c = n ? (unsigned char)p[0] : 0;

	if (n == 0)
		return 0;
	if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	if (n >= 3 && memcmp(p, "\xE2\x84\xAA", 3) == 0)
		return 3;
	if (n >= 2 && memcmp(p, "\xC5\xBF", 2) == 0)
		return 2;
	return 0;
}

/* End of a balanced `(...)` with no empty pair at i, or RB_NONE. */
static size_t
rb_command_end(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	for (; i < n; i++) {
		if (s[i] == '(') {
			if (i + 1 < n && s[i + 1] == ')')
				return RB_NONE;
			depth++;
		} else if (s[i] == ')') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return RB_NONE;
}

int
dotenv_expand_ruby(const char *raw, size_t n, const struct dotenv_lookup *lookup,
		   struct dotenv_expansion *x)
{
	struct buf cmd = BUF_INIT, out = BUF_INIT;

	/* Substitutions::Command: `\$(...)` loses the backslash; `$(...)` runs. */
	for (size_t i = 0; i < n; i++) {
		size_t e;
		bool esc = raw[i] == '\\' && i + 1 < n && raw[i + 1] == '$';
		size_t d = esc ? i + 1 : i;

		if (raw[d] == '$' && d + 1 < n && raw[d + 1] == '(' &&
		    (e = rb_command_end(raw, n, d + 1)) != RB_NONE) {
			if (esc)
				buf_add(&cmd, raw + d, e - d);
			else
				x->unknowable = true; /* Ruby executes it; its output is unknown */
			i = e - 1;
			continue;
		}
		buf_putc(&cmd, raw[i]);
	}
	/* Substitutions::Variable: (\\)?(\$)(?!\()\{?([A-Z0-9_]+)?\}? /i */
	for (size_t i = 0; i < cmd.len;) {
		const char *s = cmd.data;
		size_t j = i, k, name, w;
		bool esc;

		while (j < cmd.len && !((s[j] == '$' || (s[j] == '\\' && j + 1 < cmd.len &&
							 s[j + 1] == '$')) &&
					!(s[j] == '$' && j + 1 < cmd.len && s[j + 1] == '(') &&
					!(s[j] == '\\' && j + 2 < cmd.len && s[j + 2] == '(')))
			j++;
		buf_add(&out, s + i, j - i);
		if (j >= cmd.len)
			break;
		esc = s[j] == '\\';
		k = j + (esc ? 2 : 1);
		if (k < cmd.len && s[k] == '{')
			k++;
		name = k;
		while (k < cmd.len && (w = rb_name_char(s + k, cmd.len - k)) > 0)
			k += w;
		size_t name_end = k;

		if (k < cmd.len && s[k] == '}')
			k++;
		if (esc) {
			buf_add(&out, s + j + 1, k - j - 1);
		} else if (name_end > name) {
			char *key = xstrndup(s + name, name_end - name);
			const char *v = lookup ? lookup->get(lookup->ctx, key) : NULL;

			dsh_add_ref(x, key, name_end - name, v == NULL);
			if (v != NULL)
				buf_puts(&out, v);
			free(key);
		} else {
			buf_add(&out, s + j, k - j);
		}
		i = k;
	}
	buf_free(&cmd);
	x->value = buf_detach(&out);
	return 0;
}

static bool
rb_strip_char(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* Ruby's String#inspect of the FormatError line. */
static void
rb_inspect(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\v': buf_puts(b, "\\v"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\a': buf_puts(b, "\\a"); break;
		case 0x1b: buf_puts(b, "\\e"); break;
		case '#':
			if (i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '$' || s[i + 1] == '@'))
				buf_putc(b, '\\');
			buf_putc(b, '#');
			break;
		default:
			if (c < 0x20)
				buf_printf(b, "\\u%04X", c);
			else if (c == 0x7f)
				buf_puts(b, "\\x7F");
			else
				buf_putc(b, (char)c);
		}
	}
	buf_putc(b, '"');
}

struct rb_parser {
	struct dotenv_file *f;
	const struct dotenv_pos *pos;
	const struct dotenv_options *o;
	struct dotenv_norm nm;
	struct dsh_scope scope;
	size_t base;
};

static size_t
rb_orig(const struct rb_parser *p, size_t off)
{
	return p->base + dotenv_norm_orig(&p->nm, off);
}

/* parse_value(): bind key to the value text t[a..b). */
static void
rb_bind(struct rb_parser *p, const struct rb_scan *s, const struct rb_match *m, size_t a, size_t b)
{
	struct dotenv_span span;
	struct dotenv_binding *bd;
	struct buf v = BUF_INIT, nl = BUF_INIT;
	char q = '\0';
	char *key = xstrndup(s->t + m->key, m->key_end - m->key);
	const char *envv = NULL;

	while (a < b && rb_strip_char(s->t[a]))
		a++;
	while (b > a && rb_strip_char(s->t[b - 1]))
		b--;
	if (b - a >= 2 && (s->t[a] == '\'' || s->t[a] == '"') && s->t[b - 1] == s->t[a])
		q = s->t[a];
	span.start = rb_orig(p, m->export ? m->stmt : m->key);
	span.value_start = rb_orig(p, a);
	span.end = rb_orig(p, b > a ? b - 1 : m->key_end - 1);
	if (q != '\0')
		buf_add(&v, s->t + a + 1, b - a - 2);
	else
		buf_add(&v, s->t + a, b - a);
	if (q == '"') {
		long i = dotenv_index_find(&p->scope.ix, "DOTENV_LINEBREAK_MODE");
		const char *mode = i >= 0 ? p->f->bindings[i].value
					  : dsh_env_get(p->o->process_env, "DOTENV_LINEBREAK_MODE");
		bool legacy = mode != NULL && strcmp(mode, "legacy") == 0;

		for (size_t k = 0; k < v.len; k++) {
			if (v.data[k] == '\\' && k + 1 < v.len &&
			    (v.data[k + 1] == 'n' || v.data[k + 1] == 'r')) {
				if (legacy)
					buf_putc(&nl, v.data[k + 1] == 'n' ? '\n' : '\r');
				else
					buf_add(&nl, v.data[k + 1] == 'n' ? "\\\\n" : "\\\\r", 3);
				k++;
				continue;
			}
			buf_putc(&nl, v.data[k]);
		}
		buf_reset(&v);
		buf_add(&v, nl.data ? nl.data : "", nl.len);
	}
	if (q != '\'') {
		/* unescape_characters: gsub(/\\([^$])/, '\1') */
		size_t o = 0;

		for (size_t k = 0; k < v.len; k++) {
			if (v.data[k] == '\\' && k + 1 < v.len && v.data[k + 1] != '$')
				k++;
			v.data[o++] = v.data[k];
		}
		v.len = o;
		if (v.data)
			v.data[o] = '\0';
	}
	bd = dotenv_add_binding(p->f, p->pos, &span, key, strlen(key), buf_cstr(&v), v.len,
				q == '"' ? DOTENV_QUOTE_DOUBLE
				: q == '\'' ? DOTENV_QUOTE_SINGLE : DOTENV_QUOTE_NONE);
	if (!p->o->override && strcmp(key, "DOTENV_LINEBREAK_MODE") != 0)
		envv = dsh_env_get(p->o->process_env, key);
	if (envv != NULL) {
		/* existing?: the environment's value, the line is not even parsed */
		dotenv_set_value(bd, xstrdup(envv));
	} else if (q != '\'') {
		struct dotenv_expansion x = {0};
		struct dotenv_lookup l = dsh_scope_lookup(&p->scope);

		dotenv_expand_ruby(bd->raw_value, v.len, &l, &x);
		dsh_expansion_apply(bd, &x);
	}
	dsh_scope_add(&p->scope, p->f->nbindings - 1);
	free(key);
	buf_free(&v);
	buf_free(&nl);
}

int
dotenv_parse_ruby(struct dotenv_file *f, const char *data, size_t len,
		  const struct dotenv_options *o)
{
	struct dotenv_pos pos;
	struct rb_parser p;
	struct rb_scan s;
	size_t at = 0, base = f->had_bom ? 3 : 0;

	dotenv_pos_init(&pos, data, len);
	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	p.f = f;
	p.pos = &pos;
	p.o = o;
	p.base = base;
	if (!utf8_valid(data + base, len - base)) {
		size_t i = base;

		while (i < len) {
			size_t w = utf8_valid_len((const unsigned char *)data + i, len - i);

			if (w == 0)
				break;
			i += w;
		}
		f->failed = true;
		dotenv_add_problem(f, &pos, DOTENV_PROBLEM_FILE_REJECTED, i,
				   "invalid byte sequence in UTF-8");
		dotenv_pos_free(&pos);
		return 0;
	}
	dotenv_norm_crlf(&p.nm, data + base, len - base);
	s.t = p.nm.text;
	s.n = p.nm.len;
	rb_index_quotes(&s);
	/* env[name] || ENV[name]: the file's keys first (existing keys hold ENV values). */
	dsh_scope_init(&p.scope, f, o->process_env, false, true);
	while (at < s.n) {
		struct rb_match m;
		size_t next = s.n;

		memset(&m, 0, sizeof(m));
		if (!rb_match_at(&s, at, &m, &next)) {
			at = next;
			continue;
		}
		bool existing = false;

		if (!o->override) {
			char *key = xstrndup(s.t + m.key, m.key_end - m.key);

			existing = strcmp(key, "DOTENV_LINEBREAK_MODE") != 0 &&
				   dsh_env_get(o->process_env, key) != NULL;
			free(key);
		}
		if (!existing && m.export && m.val == RB_NONE) {
			char *key = xstrndup(s.t + m.key, m.key_end - m.key);
			bool member = dotenv_index_find(&p.scope.ix, key) >= 0;

			free(key);
			if (!member) {
				struct buf msg = BUF_INIT;

				buf_puts(&msg, "Line ");
				rb_inspect(&msg, s.t + m.start, m.end - m.start);
				buf_puts(&msg, " has an unset variable");
				f->failed = true;
				dotenv_add_problem(f, &pos, DOTENV_PROBLEM_FILE_REJECTED,
						   rb_orig(&p, m.stmt), "%s", buf_cstr(&msg));
				buf_free(&msg);
				break;
			}
		} else {
			rb_bind(&p, &s, &m, m.val == RB_NONE ? m.key_end : m.val,
				m.val == RB_NONE ? m.key_end : m.val_end);
		}
		/* scan resumes at the match end; the next candidate is a line start */
		at = m.end;
		if (at < s.n && s.t[at] == '\n')
			at++;
		else if (at < s.n && at > 0 && s.t[at - 1] != '\n')
			at = rb_eol(&s, at) < s.n ? rb_eol(&s, at) + 1 : s.n;
	}
	for (int k = 0; k < 2; k++)
		free(s.ok[k].pos);
	dsh_scope_free(&p.scope);
	dotenv_norm_free(&p.nm);
	dotenv_pos_free(&pos);
	return 0;
}
