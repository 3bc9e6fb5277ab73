/*
 * npm dotenv's parse() (16.x-18.x; Next.js bundles 16.3 with the same
 * grammar), and the two loaders built on it: dotenv + dotenv-expand 1000 and
 * @next/env. dotenv parses with one regular expression (lib/main.js):
 *
 *   /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|
 *    \s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg
 *
 * applied with exec() over the text after `\r\n?` -> `\n`. The scanner below
 * reproduces that regex's backtracking result by hand, in linear time: JS
 * `\s` (incl. U+FEFF, U+00A0, U+2028 ...), `^`/`$` at \n, U+2028, U+2029,
 * and the closing-quote search of the quoted branches memoised per quote
 * character (see find_close). Values: trim(), strip one pair of surrounding
 * quotes, and in double quotes `\n`/`\r` -> LF/CR; nothing else is unescaped.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_int.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define NO_POS ((size_t)-1)

/* The closing-quote memo of one quote character (see find_close). */
struct close_memo {
	bool valid;
	size_t start; /* the scan began here */
	size_t stop;  /* first unescaped quote at/after start, or len */
	bool stop_ok; /* stop is a quote and the rest of the regex matches after it */
	size_t best;  /* last escaped quote after which the rest matches, or NO_POS */
};

struct node_scan {
	const char *t;
	size_t n;
	struct close_memo memo[3]; /* ' " ` */
};

/* One regex match. Offsets into the normalised text. */
struct node_match {
	size_t stmt;       /* `export` or key */
	size_t key, key_end;
	size_t sep_end;    /* just after `=` or the `:` + one space */
	size_t val, val_end; /* capture group 2, or NO_POS */
	size_t end;        /* match end */
};

/* Length of the JavaScript `\s` character at i, or 0. */
static size_t
js_space(const struct node_scan *s, size_t i)
{
	const unsigned char *p = (const unsigned char *)s->t + i;
	size_t left = s->n - i;

	if (i >= s->n)
		return 0;
	switch (p[0]) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
		return 1;
	case 0xC2:
		return left >= 2 && p[1] == 0xA0 ? 2 : 0;
	case 0xE1:
		return left >= 3 && p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
	case 0xE2:
		if (left < 3)
			return 0;
		if (p[1] == 0x80 && (p[2] <= 0x8A && p[2] >= 0x80))
			return 3;
		if (p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
			return 3;
		return p[1] == 0x81 && p[2] == 0x9F ? 3 : 0;
	case 0xE3:
		return left >= 3 && p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
	case 0xEF:
		return left >= 3 && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
	default:
		return 0;
	}
}

/* Length of the JavaScript line terminator at i (\n, \r, U+2028, U+2029), or 0. */
static size_t
js_newline_in(const char *t, size_t n, size_t i)
{
	const unsigned char *p = (const unsigned char *)t + i;

	if (i >= n)
		return 0;
	if (p[0] == '\n' || p[0] == '\r')
		return 1;
	if (p[0] == 0xE2 && n - i >= 3 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return 3;
	return 0;
}

static size_t
js_newline(const struct node_scan *s, size_t i)
{
	return js_newline_in(s->t, s->n, i);
}

static size_t
skip_space(const struct node_scan *s, size_t i)
{
	size_t w;

	while ((w = js_space(s, i)) > 0)
		i += w;
	return i;
}

/*
 * The regex tail `\s*(?:#.*)?(?:$|$)` from p: where the match ends, or
 * NO_POS when it cannot match. \s* is greedy and may cross lines; it backs off
 * to the last line terminator when no comment follows.
 */
static size_t
tail_end(const struct node_scan *s, size_t p)
{
	size_t last_nl = NO_POS, w;

	while ((w = js_space(s, p)) > 0) {
		if (js_newline(s, p))
			last_nl = p;
		p += w;
	}
	if (p < s->n && s->t[p] == '#') {
		while (p < s->n && !js_newline(s, p))
			p++;
		return p;
	}
	if (p >= s->n)
		return s->n;
	return last_nl;
}

/*
 * The closing quote for a quoted branch whose content starts at i, quote q:
 * `q(?:\\q|[^q])*q` followed by the tail. The greedy star stops at the first q
 * not consumed as `\q`; on backtracking each q of a consumed `\q` (last first)
 * becomes a candidate. A later scan that starts inside an earlier scan's range
 * shares its item boundaries (its opening quote was consumed as `\q`), so the
 * earlier result answers it: the scans never overlap and stay linear.
 */
static size_t
find_close(struct node_scan *s, int qi, char q, size_t i)
{
	struct close_memo *m = &s->memo[qi];

	if (!m->valid || i < m->start || i > m->stop) {
		size_t j = i;

		m->valid = true;
		m->start = i;
		m->best = NO_POS;
		while (j < s->n) {
			if (s->t[j] == '\\' && j + 1 < s->n && s->t[j + 1] == q) {
				if (tail_end(s, j + 2) != NO_POS)
					m->best = j + 1;
				j += 2;
			} else if (s->t[j] == q) {
				break;
			} else {
				j++;
			}
		}
		m->stop = j;
		m->stop_ok = j < s->n && tail_end(s, j + 1) != NO_POS;
	}
	if (m->stop_ok)
		return m->stop;
	if (m->best != NO_POS && m->best >= i)
		return m->best;
	return NO_POS;
}

/* The value group and tail from p (just after the separator). Always matches. */
static void
match_value(struct node_scan *s, size_t p, struct node_match *m)
{
	static const char quotes[3] = {'\'', '"', '`'};
	size_t k = skip_space(s, p);

	for (int qi = 0; qi < 3; qi++) {
		size_t close;

		if (k >= s->n || s->t[k] != quotes[qi])
			continue;
		close = find_close(s, qi, quotes[qi], k + 1);
		if (close == NO_POS)
			continue;
		m->val = p;
		m->val_end = close + 1;
		m->end = tail_end(s, close + 1);
		return;
	}
	if (p < s->n && s->t[p] != '#' && s->t[p] != '\r' && s->t[p] != '\n') {
		size_t e = p;

		while (e < s->n && s->t[e] != '#' && s->t[e] != '\r' && s->t[e] != '\n')
			e++;
		m->val = p;
		m->val_end = e;
		m->end = tail_end(s, e);
		return;
	}
	m->val = m->val_end = NO_POS;
	m->end = tail_end(s, p);
}

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

/* `([\w.-]+)(?:\s*=\s*?|:\s+?)` + value from k. */
static bool
match_rest(struct node_scan *s, size_t k, struct node_match *m)
{
	size_t j = k, e;
	size_t w;

	while (j < s->n && is_key_char(s->t[j]))
		j++;
	if (j == k)
		return false;
	m->key = k;
	m->key_end = j;
	e = skip_space(s, j);
	if (e < s->n && s->t[e] == '=') {
		m->sep_end = e + 1;
	} else if (j < s->n && s->t[j] == ':' && (w = js_space(s, j + 1)) > 0) {
		/* `:\s+?` is lazy: one whitespace character, then the value. */
		m->sep_end = j + 1 + w;
	} else {
		return false;
	}
	match_value(s, m->sep_end, m);
	return m->end != NO_POS;
}

/*
 * Try the regex at line start p. On failure *first is the first non-space
 * position (every attempt from a line start up to it fails the same way).
 */
static bool
match_at(struct node_scan *s, size_t p, struct node_match *m, size_t *first)
{
	size_t q = skip_space(s, p);

	*first = q;
	if (q >= s->n)
		return false;
	m->stmt = q;
	if (s->n - q > 6 && memcmp(s->t + q, "export", 6) == 0 && js_space(s, q + 6) > 0 &&
	    match_rest(s, skip_space(s, q + 6), m))
		return true;
	return match_rest(s, q, m);
}

/* The first line start (0 or just after a terminator) at or after i, or NO_POS. */
static size_t
next_line_start(const struct node_scan *s, size_t i)
{
	if (i == 0)
		return 0;
	for (;;) {
		size_t w;

		if (i > s->n)
			return NO_POS;
		if (s->t[i - 1] == '\n' || s->t[i - 1] == '\r')
			return i;
		if (i >= 3 && js_newline(s, i - 3) == 3)
			return i;
		if (i == s->n)
			return NO_POS;
		w = js_newline(s, i);
		i += w ? w : 1;
		if (w)
			return i;
	}
}

/*
 * The value as dotenv computes it from capture group 2:
 * trim(); replace(/^(['"`])([\s\S]*)\1$/mg, '$2'); in double quotes \n, \r.
 */
static char *
node_value(const char *g, size_t glen, size_t *lead, size_t *tlen, enum dotenv_quote *quote,
	   size_t *outlen)
{
	struct node_scan v = {g, glen, {{0}}};
	size_t a = 0, b = glen, last[3] = {NO_POS, NO_POS, NO_POS};
	static const char quotes[3] = {'\'', '"', '`'};
	struct buf out = BUF_INIT;
	bool dq;

	a = skip_space(&v, 0);
	/* Trim the end: walk forward remembering the last non-space end. */
	{
		size_t i = a, e = a, w;

		while (i < glen) {
			if ((w = js_space(&v, i)) > 0) {
				i += w;
			} else {
				i++;
				e = i;
			}
		}
		b = e;
	}
	*lead = a;
	*tlen = b - a;
	*quote = DOTENV_QUOTE_NONE;
	dq = b > a && g[a] == '"';
	/* The last position of each quote that ends a "line" of the trimmed value. */
	for (size_t i = a; i < b; i++) {
		for (int qi = 0; qi < 3; qi++)
			if (g[i] == quotes[qi] && (i + 1 == b || js_newline_in(g, b, i + 1)))
				last[qi] = i;
	}
	buf_add(&out, "", 0);
	for (size_t i = a; i < b;) {
		bool line_start = i == a || (g[i - 1] == '\n' || g[i - 1] == '\r') ||
				  (i >= a + 3 && js_newline_in(g, b, i - 3) == 3);
		int qi = -1;

		for (int k = 0; k < 3; k++)
			if (g[i] == quotes[k])
				qi = k;
		if (line_start && qi >= 0 && last[qi] != NO_POS && last[qi] > i) {
			if (i == a)
				*quote = qi == 0 ? DOTENV_QUOTE_SINGLE
					 : qi == 1 ? DOTENV_QUOTE_DOUBLE
						   : DOTENV_QUOTE_BACKTICK;
			buf_add(&out, g + i + 1, last[qi] - i - 1);
			i = last[qi] + 1;
			continue;
		}
		buf_putc(&out, g[i]);
		i++;
	}
	if (dq) {
		size_t w = 0;

		for (size_t r = 0; r < out.len; r++) {
			if (out.data[r] == '\\' && r + 1 < out.len &&
			    (out.data[r + 1] == 'n' || out.data[r + 1] == 'r')) {
				out.data[w++] = out.data[r + 1] == 'n' ? '\n' : '\r';
				r++;
			} else {
				out.data[w++] = out.data[r];
			}
		}
		out.len = w;
		out.data[w] = '\0';
	}
	*outlen = out.len;
	return buf_detach(&out);
}

/* A line the regex never matched and that is not blank or a comment. */
static void
report_skipped(struct dotenv_file *f, const struct dotenv_pos *pos, const struct dotenv_norm *nm,
	       const struct node_scan *s, size_t from, size_t to)
{
	size_t i = from;

	while (i < to) {
		size_t q = i, e;

		while (q < to && s->t[q] != '\n' && js_space(s, q) > 0)
			q += js_space(s, q);
		e = q;
		while (e < to && s->t[e] != '\n')
			e++;
		if (q < e && s->t[q] != '#')
			dotenv_add_problem(f, pos, DOTENV_PROBLEM_SKIPPED, dotenv_norm_orig(nm, q),
					   "dotenv ignores this line: it is not NAME=value");
		i = e < to ? e + 1 : e;
	}
}

/* Append the binding of one regex match, with its span in the original bytes. */
static void
node_add_match(struct dotenv_file *f, const struct dotenv_pos *pos, const struct dotenv_norm *nm,
	       const struct node_scan *s, const struct node_match *m)
{
	struct dotenv_span span;
	struct dotenv_binding *b;
	enum dotenv_quote quote = DOTENV_QUOTE_NONE;
	size_t lead = 0, tlen = 0, vlen = 0;
	char *v;

	if (m->val != NO_POS)
		v = node_value(s->t + m->val, m->val_end - m->val, &lead, &tlen, &quote, &vlen);
	else
		v = xstrdup("");
	span.start = dotenv_norm_orig(nm, m->stmt);
	if (tlen > 0) {
		/* The trimmed value text, quotes included. */
		span.value_start = dotenv_norm_orig(nm, m->val + lead);
		span.end = dotenv_norm_orig(nm, m->val + lead + tlen - 1);
	} else {
		/* No value: it would start right after the separator. */
		span.value_start = dotenv_norm_orig(nm, m->sep_end - 1) + 1;
		span.end = dotenv_norm_orig(nm, m->sep_end - 1);
	}
	if (span.end < span.start)
		span.end = span.start;
	b = dotenv_add_binding(f, pos, &span, s->t + m->key, m->key_end - m->key, v, vlen, quote);
	/*
	 * `\s*` around the separator and before a quote crosses lines:
	 * `A:\nB=1` gives A="B=1" (and no B), `A=\n"x"` gives A="x".
	 */
	if (tlen > 0 && b->value_line != b->line)
		dotenv_add_problem(f, pos, DOTENV_PROBLEM_MISREAD, span.value_start,
				   "dotenv reads this line as the value of %s, whose line ends "
				   "without one",
				   b->key);
	free(v);
}

/* Run the dotenv regex over data, appending bindings (no expansion). */
static void
node_parse_into(struct dotenv_file *f, const char *data, size_t len)
{
	struct dotenv_norm nm;
	struct dotenv_pos pos;
	struct node_scan s;
	size_t at = 0, covered = 0;

	dotenv_norm_crlf(&nm, data, len);
	dotenv_pos_init(&pos, data, len);
	memset(&s, 0, sizeof(s));
	s.t = nm.text;
	s.n = nm.len;
	for (;;) {
		struct node_match m;
		size_t p = next_line_start(&s, at), first;

		if (p == NO_POS || p >= s.n)
			break;
		if (!match_at(&s, p, &m, &first)) {
			if (first >= s.n)
				break;
			at = first + 1;
			continue;
		}
		report_skipped(f, &pos, &nm, &s, covered, m.stmt);
		node_add_match(f, &pos, &nm, &s, &m);
		covered = m.end;
		at = m.end;
		if (at >= s.n)
			break;
	}
	report_skipped(f, &pos, &nm, &s, covered, s.n);
	dotenv_pos_free(&pos);
	dotenv_norm_free(&nm);
}

int
dotenv_parse_node(struct dotenv_file *f, const char *data, size_t len,
		  const struct dotenv_options *o)
{
	node_parse_into(f, data, len);
	return 0;
}

int
dotenv_parse_expand(struct dotenv_file *f, const char *data, size_t len,
		    const struct dotenv_options *o)
{
	node_parse_into(f, data, len);
	if (!o->no_expand)
		dotenv_js_expand_file(f, DOTENV_EXP_DOTENV_EXPAND, o->process_env);
	return 0;
}

int
dotenv_parse_nextjs(struct dotenv_file *f, const char *data, size_t len,
		    const struct dotenv_options *o)
{
	node_parse_into(f, data, len);
	if (!o->no_expand)
		dotenv_js_expand_file(f, DOTENV_EXP_NEXT_OLD, o->process_env);
	return 0;
}
