/*
 * Masking of secrets on output. A connection string that parses is masked
 * through its exact spans; anything else (free text, malformed URLs) goes
 * through a lenient scanner that prefers masking too much over leaking: when
 * the end of a URL password is ambiguous (an unencoded '/', '?' or '@' in
 * it), the mask runs to the last '@' of the URL.
 */
#include "report/redact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/url.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

typedef bool (*key_pred)(const char *key, void *ctx);

struct redactor {
	key_pred key_is_secret;
	void *ctx;
};

struct span {
	size_t off, len;
};

static bool
contains_nocase(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return true;
	return false;
}

/*
 * Whether a key or parameter name is secret. The libpq/JDBC parameters
 * password= and sslpassword= always are; otherwise the rule pack's predicate
 * decides (it knows exceptions such as POSTGRES_PASSWORD_FILE), and without
 * one any name holding "password" or "passwd" is taken as secret.
 */
static bool
names_secret_n(const struct redactor *r, const char *key, size_t n)
{
	char small[128];
	char *k;
	bool secret;

	if ((n == 8 && strncasecmp(key, "password", 8) == 0) ||
	    (n == 11 && strncasecmp(key, "sslpassword", 11) == 0))
		return true;
	if (r->key_is_secret == NULL)
		return contains_nocase(key, n, "password") || contains_nocase(key, n, "passwd");
	if (n == 0)
		return false;
	k = n < sizeof(small) ? small : xmalloc(n + 1);
	memcpy(k, key, n);
	k[n] = '\0';
	secret = r->key_is_secret(k, r->ctx);
	if (k != small)
		free(k);
	return secret;
}

/*
 * Whether a secret's text may be shown as is: empty, already masked, or made
 * only of plain ${VAR} references (unresolved, so not a secret). $VAR without
 * braces is not trusted: "$ecret" may well be a literal password.
 */
static bool
stays_visible(const char *s, size_t n)
{
	size_t i = 0, start;

	if (n == 0 || (n == strlen(REDACT_MASK) && strncmp(s, REDACT_MASK, n) == 0))
		return true;
	/* Only plain ${NAME} pieces: ${NAME:-default} carries a literal that may be the secret. */
	while (i < n) {
		if (i + 1 >= n || s[i] != '$' || s[i + 1] != '{')
			return false;
		i += 2;
		start = i;
		while (i < n && (ascii_isalnum((unsigned char)s[i]) || s[i] == '_'))
			i++;
		if (i == start || i >= n || s[i] != '}')
			return false;
		i++;
	}
	return true;
}

static void
add_mask(struct buf *out, const char *s, size_t n)
{
	if (stays_visible(s, n))
		buf_add(out, s, n);
	else
		buf_puts(out, REDACT_MASK);
}

/* Character classes of the scanner, one table lookup per byte. */
enum {
	CH_SCHEME = 1, /* alnum + . - */
	CH_WORD = 2,   /* alnum _ . - + */
	CH_IDENT = 4,  /* alnum _ . - */
};

static const unsigned char char_class[256] = {
    ['+'] = CH_SCHEME | CH_WORD,
    ['.'] = CH_SCHEME | CH_WORD | CH_IDENT,
    ['-'] = CH_SCHEME | CH_WORD | CH_IDENT,
    ['_'] = CH_WORD | CH_IDENT,
#define ALNUM(c) [c] = CH_SCHEME | CH_WORD | CH_IDENT
    ALNUM('0'), ALNUM('1'), ALNUM('2'), ALNUM('3'), ALNUM('4'), ALNUM('5'), ALNUM('6'),
    ALNUM('7'), ALNUM('8'), ALNUM('9'), ALNUM('a'), ALNUM('b'), ALNUM('c'), ALNUM('d'),
    ALNUM('e'), ALNUM('f'), ALNUM('g'), ALNUM('h'), ALNUM('i'), ALNUM('j'), ALNUM('k'),
    ALNUM('l'), ALNUM('m'), ALNUM('n'), ALNUM('o'), ALNUM('p'), ALNUM('q'), ALNUM('r'),
    ALNUM('s'), ALNUM('t'), ALNUM('u'), ALNUM('v'), ALNUM('w'), ALNUM('x'), ALNUM('y'),
    ALNUM('z'), ALNUM('A'), ALNUM('B'), ALNUM('C'), ALNUM('D'), ALNUM('E'), ALNUM('F'),
    ALNUM('G'), ALNUM('H'), ALNUM('I'), ALNUM('J'), ALNUM('K'), ALNUM('L'), ALNUM('M'),
    ALNUM('N'), ALNUM('O'), ALNUM('P'), ALNUM('Q'), ALNUM('R'), ALNUM('S'), ALNUM('T'),
    ALNUM('U'), ALNUM('V'), ALNUM('W'), ALNUM('X'), ALNUM('Y'), ALNUM('Z'),
#undef ALNUM
};

static bool
is_scheme_char(int c)
{
	return char_class[(unsigned char)c] & CH_SCHEME;
}

static bool
is_word_char(int c)
{
	return char_class[(unsigned char)c] & CH_WORD;
}

static bool
is_ident_char(int c)
{
	return char_class[(unsigned char)c] & CH_IDENT;
}

static bool
ends_url(int c)
{
	return c == '\0' || ascii_isspace(c) || c == '"' || c == '\'' || c == '`' || c == '<' ||
	       c == '>' || c < 0x20 || c == 0x7f;
}

/* The end of the line at or after from: a '\n' or '\r', or to. */
static size_t
find_eol(const char *s, size_t from, size_t to)
{
	const char *lf = memchr(s + from, '\n', to - from);
	const char *cr = memchr(s + from, '\r', (lf ? (size_t)(lf - s) : to) - from);

	return cr != NULL ? (size_t)(cr - s) : lf != NULL ? (size_t)(lf - s) : to;
}

/* First index in [from, to) holding a byte of set; to if none. */
static size_t
find_char(const char *s, size_t from, size_t to, const char *set)
{
	uint64_t bits[4] = {0, 0, 0, 0}; /* the set as a bitmap: one test per byte */

	for (const unsigned char *c = (const unsigned char *)set; *c != '\0'; c++)
		bits[*c >> 6] |= UINT64_C(1) << (*c & 63);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)s[i];

		if (bits[c >> 6] >> (c & 63) & 1)
			return i;
	}
	return to;
}

static size_t
find_last_char(const char *s, size_t from, size_t to, char c)
{
	for (size_t i = to; i > from; i--)
		if (s[i - 1] == c)
			return i - 1;
	return to;
}

/*
 * Where the free-text scanner is. Line and URL-token ends are cached so that
 * no byte is rescanned per key or per nested "://": linear on hostile lines.
 */
struct scan {
	const struct redactor *r;
	const char *t;
	size_t n;
	size_t line_start, line_end;
	size_t tok_from, tok_end,
	    tok_last_at; /* a URL token [tok_from, tok_end) and its last '@' */
};

/*
 * A URL whose scheme starts at s0 and whose "://" is at k: write the scheme
 * and the user info with its password masked; return where the rest (host,
 * path, query) starts, which the caller scans like any text so secret
 * parameters and glued KEY=VALUE pairs are masked too.
 */
static size_t
mask_url_userinfo(struct scan *sc, struct buf *out, size_t s0, size_t k)
{
	const char *t = sc->t;
	size_t p0 = k + 3, end, auth_end, at, colon;

	if (!(p0 >= sc->tok_from && p0 <= sc->tok_end)) {
		sc->tok_from = p0;
		for (end = p0; end < sc->n && !ends_url((unsigned char)t[end]); end++)
			;
		sc->tok_end = end;
		sc->tok_last_at = find_last_char(t, p0, end, '@');
	}
	end = sc->tok_end;
	auth_end = find_char(t, p0, end, "/?#");
	at = find_last_char(t, p0, auth_end, '@');
	if (at == auth_end)
		at = end;
	colon = find_char(t, p0, auth_end, ":");
	/*
	 * An '@' further on means a '/', '?' or '@' may sit unencoded in the
	 * password: when the user info has user:password shape, mask to the last '@'.
	 */
	if (colon < auth_end && find_char(t, p0, colon, "@") == colon && sc->tok_last_at < end &&
	    sc->tok_last_at >= auth_end)
		at = sc->tok_last_at;
	if (at >= end) {
		buf_add(out, t + s0, p0 - s0);
		return p0;
	}
	colon = find_char(t, p0, at, ":");
	buf_add(out, t + s0, (colon < at ? colon + 1 : at) - s0);
	if (colon < at)
		add_mask(out, t + colon + 1, at - colon - 1);
	buf_putc(out, '@');
	return at + 1;
}

/*
 * Code that reads a secret is not the secret: `const token = process.env.TOKEN`
 * or `password=os.getenv("PW")` in a code frame stays readable.
 */
static bool
is_code_reference(const char *s, size_t n)
{
	static const char *const prefixes[] = {
	    "process.env.",   "process.env[", "import.meta.env.", "os.environ",
	    "os.getenv(",     "getenv(",      "System.getenv(",   "ENV[",
	    "ENV.fetch(",     "env(",         "Deno.env.get(",    "env::var(",
	    "std::env::var(", "config(",      "settings.",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t m = strlen(prefixes[i]);

		if (n >= m && strncmp(s, prefixes[i], m) == 0)
			return true;
	}
	return false;
}

/* DB_PASSWORD, API_TOKEN: a name with '_' or in capitals, unlike a word of prose. */
static bool
looks_like_env_name(const char *s, size_t n)
{
	bool lower = false;

	if (contains_nocase(s, n, "password") || memchr(s, '_', n) != NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		lower |= ascii_islower((unsigned char)s[i]) != 0;
	return !lower && n > 1;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether t[i] starts its line, ignoring indentation, "- " (YAML lists) and "export ". */
static bool
at_line_start(const struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t j = i, ls = sc->line_start;

	while (j > ls && is_blank(t[j - 1]))
		j--;
	if (j < i && j >= ls + 6 && strncmp(t + j - 6, "export", 6) == 0 &&
	    (j == ls + 6 || is_blank(t[j - 7]))) {
		j -= 6;
		while (j > ls && is_blank(t[j - 1]))
			j--;
	}
	if (j < i && j > ls && t[j - 1] == '-') {
		j--;
		while (j > ls && is_blank(t[j - 1]))
			j--;
	}
	return j == ls;
}

/*
 * At t[i] (a word start or a quote), a secret KEY=VALUE, KEY: VALUE or
 * "key": "value"? If so, write it masked and return the index after it;
 * otherwise return i. Values never run past the end of the line.
 */
static size_t
mask_key_value(struct scan *sc, struct buf *out, size_t i)
{
	const char *t = sc->t;
	size_t k = i, ke, j, vs, ve, eol = sc->line_end;
	char quote = 0;

	if (t[k] == '"' || t[k] == '\'') {
		quote = t[k];
		k++;
	}
	for (ke = k; ke < eol && is_ident_char((unsigned char)t[ke]); ke++)
		;
	if (ke == k || !(ascii_isalpha((unsigned char)t[k]) || t[k] == '_'))
		return i;
	j = ke;
	if (quote) {
		if (j >= eol || t[j] != quote)
			return i;
		j++;
	}
	while (j < eol && is_blank(t[j]))
		j++;
	if (j >= eol || (t[j] != '=' && t[j] != ':'))
		return i;
	/*
	 * The colon form is YAML (KEY: value at the start of a line or an
	 * env-style name) or JSON ("key": "value"); "secrets: 3" or "host:5432"
	 * in prose is not.
	 */
	if (t[j] == ':' && !(quote || looks_like_env_name(t + k, ke - k) || at_line_start(sc, i)))
		return i;
	if (t[j] == ':' &&
	    !(j + 1 < eol && (is_blank(t[j + 1]) || t[j + 1] == '"' || t[j + 1] == '\'')))
		return i;
	if (!names_secret_n(sc->r, t + k, ke - k))
		return i;
	for (j++; j < eol && is_blank(t[j]); j++)
		;
	buf_add(out, t + i, j - i);
	if (j < eol && (t[j] == '"' || t[j] == '\'' || t[j] == '`')) {
		char q = t[j];

		for (ve = j + 1; ve < eol && t[ve] != q; ve++)
			if (t[ve] == '\\' && q != '`' && ve + 1 < eol)
				ve++;
		buf_putc(out, q);
		add_mask(out, t + j + 1, ve - j - 1);
		if (ve < eol) {
			buf_putc(out, q);
			ve++;
		}
		return ve;
	}
	vs = ve = j;
	if (is_code_reference(t + vs, eol - vs))
		return vs; /* `token = process.env.TOKEN` in a code frame: shown as is */
	if (at_line_start(sc, i)) {
		/* An env or YAML line: the value runs to the end of the line (dotenv keeps inner
		 * blanks), unless another key=value or a comment follows (libpq strings). */
		while (ve < eol) {
			size_t x = find_char(t, ve, eol, " \t"), y;

			ve = x;
			while (x < eol && is_blank(t[x]))
				x++;
			if (x >= eol || t[x] == '#')
				break;
			for (y = x; y < eol && is_ident_char((unsigned char)t[y]); y++)
				;
			if (y > x && y < eol && t[y] == '=')
				break;
			ve = y > x ? y : x + 1;
		}
	} else {
		ve = find_char(t, vs, eol, " \t,;&");
	}
	add_mask(out, t + vs, ve - vs);
	return ve;
}

static char *
redact_text_r(const struct redactor *r, const char *text)
{
	struct buf out = BUF_INIT;
	struct scan sc = {r, text, strlen(text), 0, 0, 0, 0, 0};
	size_t i = 0, copied = 0; /* text[copied, i) is still to be copied to out */

	/* Whatever is masked follows a '=' or a ':' (KEY=VALUE, KEY: VALUE, scheme://). */
	if (memchr(text, '=', sc.n) == NULL && memchr(text, ':', sc.n) == NULL)
		return xstrdup(text);

	sc.line_end = find_eol(text, 0, sc.n);
	buf_add(&out, "", 0);
	buf_grow(&out, sc.n);
	while (i < sc.n) {
		unsigned char c = (unsigned char)text[i];
		bool word_start = i == 0 || !is_word_char((unsigned char)text[i - 1]);

		if (c == '\n' || c == '\r') {
			sc.line_start = i + 1;
			sc.line_end = find_eol(text, i + 1, sc.n);
		}
		if (word_start && ascii_isalpha(c)) {
			size_t j = i;

			while (j < sc.line_end && is_scheme_char((unsigned char)text[j]))
				j++;
			if (j + 2 < sc.n && text[j] == ':' && text[j + 1] == '/' &&
			    text[j + 2] == '/') {
				buf_add(&out, text + copied, i - copied);
				copied = i = mask_url_userinfo(&sc, &out, i, j);
				continue;
			}
		}
		if (word_start && (ascii_isalpha(c) || c == '_' || c == '"' || c == '\'')) {
			size_t next;

			buf_add(&out, text + copied, i - copied);
			copied = i;
			if ((next = mask_key_value(&sc, &out, i)) != i) {
				copied = i = next;
				continue;
			}
		}
		i++;
	}
	buf_add(&out, text + copied, i - copied);
	return buf_detach(&out);
}

char *
redact_text(const char *text, bool (*key_is_secret)(const char *key, void *ctx), void *ctx)
{
	struct redactor r = {key_is_secret, ctx};

	if (text == NULL)
		return NULL;
	return redact_text_r(&r, text);
}

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static bool
part_visible(const struct url_part *p)
{
	return p->value[0] == '\0' || stays_visible(p->raw, strlen(p->raw));
}

/* A parsed connection string with its password and secret parameters masked through their spans. */
static char *
mask_parsed(const struct redactor *r, const char *value, const struct url *u)
{
	VEC(struct span) spans = {0};
	struct buf out = BUF_INIT;
	size_t i, pos = 0;

	if (u->password.present && !part_visible(&u->password)) {
		struct span sp = {u->password.span.off, u->password.span.len};

		VEC_PUSH(&spans, sp);
	}
	/* With ?password= the parser reports that one; the user info may hold another. */
	if (u->form != URL_FORM_KEYVALUE && u->scheme.present && u->nhosts > 0) {
		size_t a = u->scheme.span.off + u->scheme.span.len + 3,
		       h = u->hosts[0].name.span.off;

		if (h > a && value[h - 1] == '@' && strncmp(value + a - 3, "://", 3) == 0) {
			const char *colon = memchr(value + a, ':', h - 1 - a);

			if (colon != NULL &&
			    !stays_visible(colon + 1, (size_t)(value + h - 1 - colon - 1))) {
				struct span sp = {(size_t)(colon + 1 - value),
				                  (size_t)(value + h - 1 - colon - 1)};

				VEC_PUSH(&spans, sp);
			}
		}
	}
	for (i = 0; i < u->nparams; i++) {
		const struct url_param *pr = &u->params[i];
		struct span sp = {pr->value.span.off, pr->value.span.len};

		if (pr->value.present && !part_visible(&pr->value) &&
		    names_secret_n(r, pr->key.value, strlen(pr->key.value)))
			VEC_PUSH(&spans, sp);
	}
	if (spans.len > 1)
		qsort(spans.items, spans.len, sizeof(spans.items[0]), span_cmp);
	buf_add(&out, "", 0);
	for (i = 0; i < spans.len; i++) {
		if (spans.items[i].off < pos)
			continue; /* the same text reached twice (JDBC password= is also the
			             password) */
		buf_add(&out, value + pos, spans.items[i].off - pos);
		buf_puts(&out, REDACT_MASK);
		pos = spans.items[i].off + spans.items[i].len;
	}
	buf_puts(&out, value + pos);
	VEC_FREE(&spans);
	return buf_detach(&out);
}

char *
redact_value(const char *key, const char *value, bool (*key_is_secret)(const char *key, void *ctx),
             void *ctx)
{
	struct redactor r = {key_is_secret, ctx};
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	char *shown;

	if (value == NULL)
		return NULL;
	if (key != NULL && names_secret_n(&r, key, strlen(key)))
		return xstrdup(stays_visible(value, strlen(value)) ? value : REDACT_MASK);
	if (url_looks_like_dsn(value) && url_parse(&u, value, strlen(value), &err) == 0) {
		shown = mask_parsed(&r, value, u);
		url_free(u);
		return shown;
	}
	el_error_clear(&err);
	return redact_text_r(&r, value);
}

char *
redact_parsed_value(const char *value, const struct url *u,
                    bool (*key_is_secret)(const char *key, void *ctx), void *ctx)
{
	struct redactor r = {key_is_secret, ctx};

	if (value == NULL)
		return NULL;
	/* What redact_value does, without parsing the value again. */
	return url_looks_like_dsn(value) ? mask_parsed(&r, value, u) : redact_text_r(&r, value);
}
