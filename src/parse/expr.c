/*
 * A tiny static evaluator for loader-call arguments in JS/TS and Python: a
 * tokeniser for both languages, a recursive-descent parser bounded in depth,
 * and the path idioms (path.resolve/join, __dirname, new URL(.., import.meta.url),
 * os.path.*, pathlib) folded into EXPR_PATH values. Whatever cannot be known
 * becomes EXPR_UNKNOWN carrying its source text; nothing here fails.
 */
#include "parse/expr.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* Nesting of brackets and operands; deeper input becomes EXPR_UNKNOWN (stack safety). */
#define EXPR_DEPTH_MAX 64
/* Nesting of template literals / f-string holes inside one string token. */
#define EXPR_HOLE_DEPTH_MAX 16
/* Longest path text folded; longer results are EXPR_UNKNOWN (keeps path ops linear). */
#define EXPR_PATH_MAX 4096
/* Longest dotted name (os.path.join, settings.BASE_DIR) followed through member access. */
#define EXPR_NAME_MAX 256
/* Scope lookups per parse: bounds the work a hostile chain of names can cause. */
#define EXPR_LOOKUPS_MAX 256
/* Path segment that stands for the source file itself ("\x01"): `..` after it is its folder. */
#define FILE_SEGMENT "\x01"

enum tok_type {
	TOK_EOF,
	TOK_IDENT,
	TOK_STRING,
	TOK_NUMBER,
	TOK_PUNCT,
	TOK_OTHER, /* a regex literal or a byte no rule knows */
};

struct tok {
	enum tok_type type;
	size_t start, end; /* byte offsets in the text */
	int line, col;
	char *str;    /* STRING: the decoded value; NULL when unknown */
	bool unknown; /* STRING: has ${}/{} holes or is unterminated; NUMBER: unparsable */
	double number;
	char punct[4];
};

struct lexer {
	const char *s;
	size_t len, pos;
	int line, col;
	enum source_lang lang;
	bool prev_operand; /* JS: whether a '/' now is division (else a regex literal) */
};

struct parser {
	struct lexer lx;
	struct tok cur;
	size_t prev_end; /* end of the last consumed token */
	const struct expr_scope *scope;
	int depth;
	int lookups;
};

/* ---------------------------------------------------------------- lexer */

static bool
is_py(const struct lexer *lx)
{
	return lx->lang == LANG_PYTHON;
}

static void
lx_adv(struct lexer *lx)
{
	char c = lx->s[lx->pos++];

	if (c == '\n' || (c == '\r' && (lx->pos >= lx->len || lx->s[lx->pos] != '\n'))) {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
}

static char
lx_peek(const struct lexer *lx, size_t k)
{
	return lx->pos + k < lx->len ? lx->s[lx->pos + k] : '\0';
}

static bool
is_ident_start(unsigned char c, bool py)
{
	return c == '_' || (!py && c == '$') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

static bool
is_ident_char(unsigned char c, bool py)
{
	return is_ident_start(c, py) || (c >= '0' && c <= '9');
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	utf8_put(b, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp); /* lone surrogate */
}

/* Read up to n hex digits (exactly n when exact); -1 when too few. */
static long
lx_hex(struct lexer *lx, int n, bool exact)
{
	long v = 0;
	int i, d;

	for (i = 0; i < n && (d = hex_val(lx_peek(lx, 0))) >= 0; i++) {
		v = v * 16 + d;
		lx_adv(lx);
	}
	return (i == 0 || (exact && i < n)) ? -1 : v;
}

/*
 * Decode one escape (the backslash is consumed) into b. Returns false when the
 * value cannot be represented (a NUL byte, \N{name}, a malformed escape).
 */
static bool
lx_escape(struct lexer *lx, struct buf *b)
{
	char c;
	long v;

	if (lx->pos >= lx->len)
		return false;
	c = lx_peek(lx, 0);
	lx_adv(lx);
	switch (c) {
	case 'n':
		buf_putc(b, '\n');
		return true;
	case 't':
		buf_putc(b, '\t');
		return true;
	case 'r':
		buf_putc(b, '\r');
		return true;
	case 'b':
		buf_putc(b, '\b');
		return true;
	case 'f':
		buf_putc(b, '\f');
		return true;
	case 'v':
		buf_putc(b, '\v');
		return true;
	case 'a':
		if (is_py(lx)) {
			buf_putc(b, '\a');
			return true;
		}
		buf_putc(b, 'a');
		return true;
	case '\r':
		if (lx_peek(lx, 0) == '\n')
			lx_adv(lx);
		return true; /* line continuation */
	case '\n':
		return true;
	case 'x':
		v = lx_hex(lx, 2, true);
		if (v <= 0)
			return false;
		put_utf8(b, (unsigned long)v);
		return true;
	case 'u':
		if (!is_py(lx) && lx_peek(lx, 0) == '{') {
			lx_adv(lx);
			v = lx_hex(lx, 6, false);
			if (v <= 0 || lx_peek(lx, 0) != '}')
				return false;
			lx_adv(lx);
			put_utf8(b, (unsigned long)v);
			return true;
		}
		v = lx_hex(lx, 4, true);
		if (v <= 0)
			return false;
		if (v >= 0xD800 && v <= 0xDBFF && lx_peek(lx, 0) == '\\' && lx_peek(lx, 1) == 'u') {
			struct lexer save = *lx;
			long lo;

			lx_adv(lx);
			lx_adv(lx);
			lo = lx_hex(lx, 4, true);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				put_utf8(b, 0x10000 + (((unsigned long)v - 0xD800) << 10) +
				                ((unsigned long)lo - 0xDC00));
				return true;
			}
			*lx = save;
		}
		put_utf8(b, (unsigned long)v);
		return true;
	case 'U':
		if (!is_py(lx))
			break;
		v = lx_hex(lx, 8, true);
		if (v <= 0)
			return false;
		put_utf8(b, (unsigned long)v);
		return true;
	case 'N':
		if (is_py(lx))
			return false; /* \N{NAME}: not worth a Unicode name table */
		break;
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
		if (is_py(lx)) {
			v = c - '0';
			for (int k = 0; k < 2 && lx_peek(lx, 0) >= '0' && lx_peek(lx, 0) <= '7';
			     k++) {
				v = v * 8 + (lx_peek(lx, 0) - '0');
				lx_adv(lx);
			}
			if (v == 0)
				return false;
			put_utf8(b, (unsigned long)v);
			return true;
		}
		if (c == '0' && !(lx_peek(lx, 0) >= '0' && lx_peek(lx, 0) <= '9'))
			return false; /* \0: a NUL byte cannot live in a C string */
		buf_putc(b, c);
		return true;
	default:
		break;
	}
	if (is_py(lx) && c != '\\' && c != '\'' && c != '"')
		buf_putc(b, '\\'); /* Python keeps unknown escapes as written */
	buf_putc(b, c);
	return true;
}

static void lx_skip_js_hole(struct lexer *lx, int depth);

/* A JS '...' / "..." string or a `template` (opening quote at pos). */
static void
lx_js_string(struct lexer *lx, struct tok *t, int depth)
{
	char q = lx_peek(lx, 0);
	struct buf b = BUF_INIT;
	bool done = false;

	lx_adv(lx);
	while (lx->pos < lx->len) {
		char c = lx_peek(lx, 0);

		if (c == q) {
			lx_adv(lx);
			done = true;
			break;
		}
		if (q != '`' && (c == '\n' || c == '\r'))
			break;
		if (c == '\\') {
			lx_adv(lx);
			if (!lx_escape(lx, &b))
				t->unknown = true;
			continue;
		}
		if (q == '`' && c == '$' && lx_peek(lx, 1) == '{') {
			lx_adv(lx);
			lx_adv(lx);
			t->unknown = true;
			lx_skip_js_hole(lx, depth + 1);
			continue;
		}
		buf_putc(&b, c);
		lx_adv(lx);
	}
	if (!done)
		t->unknown = true;
	t->str = buf_detach(&b);
}

/* Skip a ${...} hole body through its closing brace, nested strings included. */
static void
lx_skip_js_hole(struct lexer *lx, int depth)
{
	long braces = 0;

	if (depth > EXPR_HOLE_DEPTH_MAX) {
		while (lx->pos < lx->len)
			lx_adv(lx);
		return;
	}
	while (lx->pos < lx->len) {
		char c = lx_peek(lx, 0);

		if (c == '\'' || c == '"' || c == '`') {
			struct tok tmp = {0};

			lx_js_string(lx, &tmp, depth);
			free(tmp.str);
		} else if (c == '{') {
			braces++;
			lx_adv(lx);
		} else if (c == '}') {
			lx_adv(lx);
			if (braces-- == 0)
				return;
		} else {
			lx_adv(lx);
		}
	}
}

/* A Python string literal; prefix letters already consumed, quote at pos. */
static void
lx_py_string(struct lexer *lx, struct tok *t, bool raw, bool fstr)
{
	char q = lx_peek(lx, 0);
	bool triple = lx_peek(lx, 1) == q && lx_peek(lx, 2) == q;
	struct buf b = BUF_INIT;
	bool done = false;

	lx_adv(lx);
	if (triple) {
		lx_adv(lx);
		lx_adv(lx);
	}
	while (lx->pos < lx->len) {
		char c = lx_peek(lx, 0);

		if (c == q && (!triple || (lx_peek(lx, 1) == q && lx_peek(lx, 2) == q))) {
			lx_adv(lx);
			if (triple) {
				lx_adv(lx);
				lx_adv(lx);
			}
			done = true;
			break;
		}
		if (!triple && (c == '\n' || c == '\r'))
			break;
		if (c == '\\') {
			lx_adv(lx);
			if (raw) {
				buf_putc(&b, '\\');
				if (lx->pos < lx->len) {
					buf_putc(&b, lx_peek(lx, 0));
					lx_adv(lx);
				}
			} else if (!lx_escape(lx, &b)) {
				t->unknown = true;
			}
			continue;
		}
		if (fstr && (c == '{' || c == '}')) {
			if (lx_peek(lx, 1) == c) { /* {{ and }} are literal braces */
				buf_putc(&b, c);
				lx_adv(lx);
				lx_adv(lx);
				continue;
			}
			if (c == '{') {
				long braces = 0;

				t->unknown = true;
				lx_adv(lx);
				while (lx->pos < lx->len) {
					char h = lx_peek(lx, 0);

					if (h == q || (!triple && (h == '\n' || h == '\r')))
						break; /* the string ends first: malformed */
					if (h == '\'' || h == '"') {
						char hq = h;

						lx_adv(lx);
						while (lx->pos < lx->len && lx_peek(lx, 0) != hq &&
						       lx_peek(lx, 0) != '\n')
							lx_adv(lx);
						if (lx->pos < lx->len && lx_peek(lx, 0) == hq)
							lx_adv(lx);
						continue;
					}
					lx_adv(lx);
					if (h == '{')
						braces++;
					else if (h == '}' && braces-- == 0)
						break;
				}
				continue;
			}
		}
		buf_putc(&b, c);
		lx_adv(lx);
	}
	if (!done)
		t->unknown = true;
	t->str = buf_detach(&b);
}

static void
lx_number(struct lexer *lx, struct tok *t)
{
	size_t start = lx->pos, i, n = 0;
	char tmp[128];
	char *end;
	bool hex = lx_peek(lx, 0) == '0' && (lx_peek(lx, 1) == 'x' || lx_peek(lx, 1) == 'X');

	while (lx->pos < lx->len) {
		char c = lx_peek(lx, 0);
		char prev = lx->pos > start ? lx->s[lx->pos - 1] : '\0';

		if (is_ident_char((unsigned char)c, true) || c == '.' ||
		    ((c == '+' || c == '-') && !hex && (prev == 'e' || prev == 'E')))
			lx_adv(lx);
		else
			break;
	}
	for (i = start; i < lx->pos && n + 1 < sizeof(tmp); i++)
		if (lx->s[i] != '_')
			tmp[n++] = lx->s[i];
	tmp[n] = '\0';
	if (n > 0 && tmp[n - 1] == 'n' && !is_py(lx) && !hex)
		tmp[--n] = '\0'; /* BigInt */
	errno = 0;
	if (n > 2 && tmp[0] == '0' && strchr("xXoObB", tmp[1]) != NULL) {
		int base = (tmp[1] == 'x' || tmp[1] == 'X')   ? 16
		           : (tmp[1] == 'o' || tmp[1] == 'O') ? 8
		                                              : 2;
		unsigned long long v = strtoull(tmp + 2, &end, base);

		t->number = (double)v;
	} else {
		t->number = strtod(tmp, &end);
	}
	t->unknown = n == 0 || *end != '\0' || errno != 0 || lx->pos - start >= sizeof(tmp);
}

/* JS: a regex literal from the '/' at pos; false (nothing consumed) when it does not close on its
 * line. */
static bool
lx_js_regex(struct lexer *lx)
{
	size_t i = lx->pos + 1;
	bool in_class = false;

	while (i < lx->len && lx->s[i] != '\n' && lx->s[i] != '\r') {
		char c = lx->s[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '[')
			in_class = true;
		else if (c == ']')
			in_class = false;
		else if (c == '/' && !in_class) {
			i++;
			while (i < lx->len && is_ident_char((unsigned char)lx->s[i], false))
				i++;
			while (lx->pos < i)
				lx_adv(lx);
			return true;
		}
		i++;
	}
	return false;
}

static void
lx_skip_space(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx_peek(lx, 0);

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			lx_adv(lx);
		} else if (c == '\\' && is_py(lx) &&
		           (lx_peek(lx, 1) == '\n' || lx_peek(lx, 1) == '\r')) {
			lx_adv(lx); /* explicit line joining */
		} else if (c == '#' && is_py(lx)) {
			while (lx->pos < lx->len && lx_peek(lx, 0) != '\n' &&
			       lx_peek(lx, 0) != '\r')
				lx_adv(lx);
		} else if (c == '/' && !is_py(lx) && lx_peek(lx, 1) == '/') {
			while (lx->pos < lx->len && lx_peek(lx, 0) != '\n' &&
			       lx_peek(lx, 0) != '\r')
				lx_adv(lx);
		} else if (c == '/' && !is_py(lx) && lx_peek(lx, 1) == '*') {
			lx_adv(lx);
			lx_adv(lx);
			while (lx->pos < lx->len &&
			       !(lx_peek(lx, 0) == '*' && lx_peek(lx, 1) == '/'))
				lx_adv(lx);
			if (lx->pos < lx->len) {
				lx_adv(lx);
				lx_adv(lx);
			}
		} else {
			break;
		}
	}
}

/* Python string prefixes (case-insensitive): which letters make it raw / an f-string. */
static bool
py_string_prefix(const char *s, size_t n, bool *raw, bool *fstr)
{
	size_t i;

	*raw = *fstr = false;
	if (n == 0 || n > 2)
		return false;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'r':
		case 'R':
			*raw = true;
			break;
		case 'f':
		case 'F':
			*fstr = true;
			break;
		case 'b':
		case 'B':
		case 'u':
		case 'U':
			break;
		default:
			return false;
		}
	}
	return true;
}

static const char *const punct3[] = {"...", "===", "!==", "**="};
static const char *const punct2[] = {"?.", "**", "=>", "==", "!=", "<=", ">=", "&&",
                                     "||", "??", "//", ":=", "->", "+=", "-="};

static void
lx_next(struct lexer *lx, struct tok *t)
{
	char c;
	size_t k;

	memset(t, 0, sizeof(*t));
	lx_skip_space(lx);
	t->start = lx->pos;
	t->line = lx->line;
	t->col = lx->col;
	if (lx->pos >= lx->len) {
		t->type = TOK_EOF;
		t->end = lx->pos;
		return;
	}
	c = lx_peek(lx, 0);
	if (is_ident_start((unsigned char)c, is_py(lx))) {
		bool raw, fstr;

		while (lx->pos < lx->len && is_ident_char((unsigned char)lx_peek(lx, 0), is_py(lx)))
			lx_adv(lx);
		if (is_py(lx) && (lx_peek(lx, 0) == '\'' || lx_peek(lx, 0) == '"') &&
		    py_string_prefix(lx->s + t->start, lx->pos - t->start, &raw, &fstr)) {
			t->type = TOK_STRING;
			lx_py_string(lx, t, raw, fstr);
		} else {
			t->type = TOK_IDENT;
		}
	} else if ((c >= '0' && c <= '9') ||
	           (c == '.' && lx_peek(lx, 1) >= '0' && lx_peek(lx, 1) <= '9')) {
		t->type = TOK_NUMBER;
		lx_number(lx, t);
	} else if (c == '\'' || c == '"' || (c == '`' && !is_py(lx))) {
		t->type = TOK_STRING;
		if (is_py(lx))
			lx_py_string(lx, t, false, false);
		else
			lx_js_string(lx, t, 0);
	} else if (c == '/' && !is_py(lx) && !lx->prev_operand && lx_js_regex(lx)) {
		t->type = TOK_OTHER;
	} else {
		t->type = TOK_PUNCT;
		for (k = 0; k < sizeof(punct3) / sizeof(punct3[0]); k++)
			if (lx->pos + 3 <= lx->len && memcmp(lx->s + lx->pos, punct3[k], 3) == 0)
				break;
		if (k < sizeof(punct3) / sizeof(punct3[0])) {
			memcpy(t->punct, punct3[k], 3);
		} else {
			for (k = 0; k < sizeof(punct2) / sizeof(punct2[0]); k++)
				if (lx->pos + 2 <= lx->len &&
				    memcmp(lx->s + lx->pos, punct2[k], 2) == 0)
					break;
			if (k < sizeof(punct2) / sizeof(punct2[0]))
				memcpy(t->punct, punct2[k], 2);
			else
				t->punct[0] = c;
		}
		for (k = strlen(t->punct); k > 0; k--)
			lx_adv(lx);
	}
	t->end = lx->pos;
	lx->prev_operand = t->type == TOK_IDENT || t->type == TOK_NUMBER || t->type == TOK_STRING ||
	                   (t->type == TOK_PUNCT && strchr(")]}", t->punct[0]) != NULL);
}

/* ---------------------------------------------------------------- expr nodes */

static struct expr *
expr_new(enum expr_type type, int line, int col)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->type = type;
	e->line = line;
	e->col = col;
	return e;
}

struct expr *
expr_copy(const struct expr *e)
{
	struct expr *c;
	size_t i;

	if (e == NULL)
		return NULL;
	c = expr_new(e->type, e->line, e->col);
	c->text = xstrdup(e->text);
	c->anchor = e->anchor;
	c->number = e->number;
	c->boolean = e->boolean;
	c->is_file = e->is_file;
	if (e->nitems > 0) {
		c->items = xcalloc(e->nitems, sizeof(*c->items));
		for (i = 0; i < e->nitems; i++)
			c->items[i] = expr_copy(e->items[i]);
		c->nitems = e->nitems;
	}
	if (e->nprops > 0) {
		c->props = xcalloc(e->nprops, sizeof(*c->props));
		for (i = 0; i < e->nprops; i++) {
			c->props[i].key = xstrdup(e->props[i].key);
			c->props[i].value = expr_copy(e->props[i].value);
		}
		c->nprops = e->nprops;
	}
	return c;
}

void
expr_free(struct expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nitems; i++)
		expr_free(e->items[i]);
	free(e->items);
	for (i = 0; i < e->nprops; i++) {
		free(e->props[i].key);
		expr_free(e->props[i].value);
	}
	free(e->props);
	free(e->text);
	free(e);
}

const struct expr *
expr_prop(const struct expr *obj, const char *key)
{
	size_t i;

	if (obj == NULL || key == NULL)
		return NULL;
	for (i = obj->nprops; i > 0; i--) /* a later duplicate key wins, as in JS */
		if (obj->props[i - 1].key != NULL && strcmp(obj->props[i - 1].key, key) == 0)
			return obj->props[i - 1].value;
	return NULL;
}

bool
expr_bool(const struct expr *e, bool *value)
{
	bool v;

	if (e == NULL)
		return false;
	switch (e->type) {
	case EXPR_BOOL:
		v = e->boolean;
		break;
	case EXPR_NUMBER:
		v = e->number != 0 && e->number == e->number;
		break;
	case EXPR_NULL:
		v = false;
		break;
	case EXPR_STRING:
		v = e->text != NULL && e->text[0] != '\0';
		break;
	default:
		return false;
	}
	if (value != NULL)
		*value = v;
	return true;
}

/* ---------------------------------------------------------------- paths */

/* A path-like view of a value: a relative string, or a text under an anchor. */
enum pv_kind { PV_NONE, PV_REL, PV_ANCHORED };

struct pv {
	enum pv_kind kind;
	enum expr_anchor anchor;
	const char *text;
};

static struct pv
pv_of(const struct expr *e)
{
	struct pv v = {PV_NONE, ANCHOR_CWD, NULL};

	if (e == NULL)
		return v;
	if (e->type == EXPR_STRING && e->text != NULL) {
		v.kind = e->text[0] == '/' ? PV_ANCHORED : PV_REL;
		v.anchor = ANCHOR_ABSOLUTE;
		v.text = e->text;
	} else if (e->type == EXPR_PATH && e->text != NULL) {
		v.kind = PV_ANCHORED;
		v.anchor = e->anchor;
		v.text = e->text;
	} else if (e->type == EXPR_UNKNOWN && e->is_file) {
		v.kind = PV_ANCHORED;
		v.anchor = ANCHOR_FILE_DIR;
		v.text = FILE_SEGMENT;
	}
	return v;
}

/* A path being built by a path operation. */
struct pb {
	enum pv_kind kind; /* PV_NONE = nothing yet */
	enum expr_anchor anchor;
	struct buf text;
	bool bad;
};

static void
pb_set(struct pb *pb, struct pv v)
{
	buf_reset(&pb->text);
	pb->kind = v.kind;
	pb->anchor = v.anchor;
	buf_puts(&pb->text, v.text);
}

static void
pb_append(struct pb *pb, const char *text)
{
	if (pb->kind == PV_NONE)
		pb->kind = PV_REL;
	if (pb->text.len > 0)
		buf_putc(&pb->text, '/');
	buf_puts(&pb->text, text);
	if (pb->text.len > EXPR_PATH_MAX)
		pb->bad = true;
}

/*
 * Normalise a '/'-separated path: drop "." and empty segments, fold "a/..",
 * keep leading ".." of relative paths, drop ".." at the root of absolute ones.
 * Relative results are "." when empty; absolute ones start with '/'.
 */
static char *
path_normalise(const char *in, bool absolute)
{
	size_t n = strlen(in), i = 0, nseg = 0, k;
	size_t *seg_start = xcalloc(n / 2 + 2, sizeof(size_t));
	size_t *seg_len = xcalloc(n / 2 + 2, sizeof(size_t));
	struct buf out = BUF_INIT;

	while (i <= n) {
		size_t start = i, len;

		while (i < n && in[i] != '/')
			i++;
		len = i - start;
		i++; /* past the '/' (or the end) */
		if (len == 0 || (len == 1 && in[start] == '.'))
			continue;
		if (len == 2 && in[start] == '.' && in[start + 1] == '.') {
			if (nseg > 0 && !(seg_len[nseg - 1] == 2 &&
			                  memcmp(in + seg_start[nseg - 1], "..", 2) == 0)) {
				nseg--;
				continue;
			}
			if (absolute)
				continue; /* "/.." is "/" */
		}
		seg_start[nseg] = start;
		seg_len[nseg] = len;
		nseg++;
	}
	if (absolute)
		buf_putc(&out, '/');
	for (k = 0; k < nseg; k++) {
		if (k > 0)
			buf_putc(&out, '/');
		buf_add(&out, in + seg_start[k], seg_len[k]);
	}
	if (!absolute && nseg == 0)
		buf_putc(&out, '.');
	free(seg_start);
	free(seg_len);
	return buf_detach(&out);
}

/*
 * The value a finished path build stands for. A build that stands for nothing
 * knowable is UNKNOWN with text NULL: the parser fills in the source text once,
 * for the whole expression.
 */
static struct expr *
pb_result(struct pb *pb, int line, int col)
{
	struct expr *e;
	char *norm;

	if (pb->bad || pb->kind == PV_NONE) {
		buf_free(&pb->text);
		return expr_new(EXPR_UNKNOWN, line, col);
	}
	norm = path_normalise(buf_cstr(&pb->text),
	                      pb->kind == PV_ANCHORED && pb->anchor == ANCHOR_ABSOLUTE);
	buf_free(&pb->text);
	if (strstr(norm, FILE_SEGMENT) != NULL) {
		/* only the file itself is meaningful: dirname/parent of it is ANCHOR_FILE_DIR */
		e = expr_new(EXPR_UNKNOWN, line, col);
		e->is_file = pb->kind == PV_ANCHORED && pb->anchor == ANCHOR_FILE_DIR &&
		             strcmp(norm, FILE_SEGMENT) == 0;
		if (e->is_file)
			e->text = xstrdup("__file__");
		free(norm);
		return e;
	}
	e = expr_new(pb->kind == PV_REL ? EXPR_STRING : EXPR_PATH, line, col);
	e->anchor = pb->kind == PV_REL ? ANCHOR_CWD : pb->anchor;
	e->text = norm;
	return e;
}

/* ---------------------------------------------------------------- parser */

static void
p_next(struct parser *p)
{
	p->prev_end = p->cur.end;
	free(p->cur.str);
	lx_next(&p->lx, &p->cur);
}

static bool
is_punct(const struct parser *p, const char *s)
{
	return p->cur.type == TOK_PUNCT && strcmp(p->cur.punct, s) == 0;
}

static bool
is_ident(const struct parser *p, const char *s)
{
	return p->cur.type == TOK_IDENT && p->cur.end - p->cur.start == strlen(s) &&
	       memcmp(p->lx.s + p->cur.start, s, p->cur.end - p->cur.start) == 0;
}

static bool
is_closer(const struct parser *p)
{
	return is_punct(p, ")") || is_punct(p, "]") || is_punct(p, "}");
}

static bool
is_terminator(const struct parser *p)
{
	return p->cur.type == TOK_EOF || is_punct(p, ",") || is_closer(p);
}

/* The kind of the token after the current one (one token of lookahead). */
static bool
peek_is_punct(const struct parser *p, const char *s)
{
	struct lexer lx = p->lx;
	struct tok t;
	bool r;

	lx_next(&lx, &t);
	r = t.type == TOK_PUNCT && strcmp(t.punct, s) == 0;
	free(t.str);
	return r;
}

static bool
peek_is_ident(const struct parser *p)
{
	struct lexer lx = p->lx;
	struct tok t;

	lx_next(&lx, &t);
	free(t.str);
	return t.type == TOK_IDENT;
}

static char *
cur_text(const struct parser *p)
{
	return xstrndup(p->lx.s + p->cur.start, p->cur.end - p->cur.start);
}

/* UNKNOWN carrying the source text from start to the end of the last consumed token. */
static struct expr *
unknown_from(const struct parser *p, size_t start, int line, int col)
{
	struct expr *e = expr_new(EXPR_UNKNOWN, line, col);

	e->text = xstrndup(p->lx.s + start, p->prev_end > start ? p->prev_end - start : 0);
	return e;
}

/* Consume tokens through the end of the current expression (a ',' or closer at depth 0). */
static void
skip_to_terminator(struct parser *p)
{
	long depth = 0;

	while (p->cur.type != TOK_EOF) {
		if (depth == 0 && is_terminator(p))
			break;
		if (is_punct(p, "(") || is_punct(p, "[") || is_punct(p, "{"))
			depth++;
		else if (is_closer(p))
			depth--;
		p_next(p);
	}
}

typedef VEC(struct expr *) expr_vec;
typedef VEC(struct expr_prop) prop_vec;

static void
exprs_free(expr_vec *items, prop_vec *props)
{
	size_t i;

	for (i = 0; items != NULL && i < items->len; i++)
		expr_free(items->items[i]);
	if (items != NULL)
		VEC_FREE(items);
	for (i = 0; props != NULL && i < props->len; i++) {
		free(props->items[i].key);
		expr_free(props->items[i].value);
	}
	if (props != NULL)
		VEC_FREE(props);
}

static struct expr *parse_expr(struct parser *p);
static struct expr *parse_postfix(struct parser *p);

/*
 * Items up to closer (NULL = end of input): positional values into items and,
 * when kwargs, Python name=value into props. Returns false when the brackets
 * do not match. *ncommas counts separators (a Python 1-tuple has one).
 */
static bool
parse_list(struct parser *p, const char *closer, bool kwargs, expr_vec *items, prop_vec *props,
           size_t *ncommas)
{
	for (;;) {
		struct expr *e;
		size_t start = p->cur.start;
		int line = p->cur.line, col = p->cur.col;

		if (closer != NULL ? is_punct(p, closer) : p->cur.type == TOK_EOF) {
			if (closer != NULL)
				p_next(p);
			return true;
		}
		if (p->cur.type == TOK_EOF)
			return false;
		if (is_closer(p)) {
			if (closer != NULL)
				return false;
			p_next(p); /* a stray closer at the top level */
			continue;
		}
		if (is_punct(p, "...") || (p->lx.lang == LANG_PYTHON && is_punct(p, "*"))) {
			p_next(p);
			expr_free(parse_expr(p));
			VEC_PUSH(items, unknown_from(p, start, line, col));
		} else if (p->lx.lang == LANG_PYTHON && is_punct(p, "**")) {
			p_next(p); /* **kwargs: unknowable keys, ignored */
			expr_free(parse_expr(p));
		} else if (kwargs && p->cur.type == TOK_IDENT && peek_is_punct(p, "=")) {
			struct expr_prop prop;

			prop.key = cur_text(p);
			p_next(p);
			p_next(p);
			prop.value = parse_expr(p);
			VEC_PUSH(props, prop);
		} else {
			e = parse_expr(p);
			VEC_PUSH(items, e);
		}
		if (is_punct(p, ",")) {
			p_next(p);
			if (ncommas != NULL)
				(*ncommas)++;
		} else if (!is_terminator(p)) {
			skip_to_terminator(p);
		}
	}
}

static struct expr *
array_of(expr_vec *items, prop_vec *props, int line, int col)
{
	struct expr *e = expr_new(EXPR_ARRAY, line, col);

	e->items = items->items;
	e->nitems = items->len;
	if (props != NULL) {
		e->props = props->items;
		e->nprops = props->len;
	}
	return e;
}

/* The value the scope binds a shorthand property { path } to, or UNKNOWN naming it. */
static struct expr *resolve_name(struct parser *p, const char *name, int line, int col);

/* A JS object literal or Python dict; the '{' is current. */
static struct expr *
parse_object(struct parser *p)
{
	size_t start = p->cur.start;
	int line = p->cur.line, col = p->cur.col;
	prop_vec props = {0};
	struct expr *e;

	p_next(p);
	for (;;) {
		struct expr_prop prop = {NULL, NULL};
		bool py = p->lx.lang == LANG_PYTHON;

		if (is_punct(p, "}")) {
			p_next(p);
			break;
		}
		if (is_punct(p, "...") || is_punct(p, "**")) {
			p_next(p); /* spread: its keys are unknowable, ignored */
			expr_free(parse_expr(p));
		} else if (p->cur.type == TOK_IDENT || p->cur.type == TOK_STRING ||
		           p->cur.type == TOK_NUMBER) {
			int kline = p->cur.line, kcol = p->cur.col;
			bool accessor =
			    p->cur.type == TOK_IDENT && !py &&
			    (is_ident(p, "get") || is_ident(p, "set") || is_ident(p, "async")) &&
			    peek_is_ident(p);

			if (p->cur.type == TOK_STRING)
				prop.key = p->cur.unknown ? NULL : xstrdup(p->cur.str);
			else if (!accessor)
				prop.key = cur_text(p);
			p_next(p);
			if (is_punct(p, ":")) {
				p_next(p);
				prop.value = parse_expr(p);
			} else if (prop.key != NULL && !py &&
			           (is_punct(p, ",") || is_punct(p, "}"))) {
				/* shorthand { path }: the value bound to that name */
				prop.value = resolve_name(p, prop.key, kline, kcol);
				if (prop.value == NULL) {
					prop.value = expr_new(EXPR_UNKNOWN, kline, kcol);
					prop.value->text = xstrdup(prop.key);
				}
			} else {
				skip_to_terminator(p); /* a method, an accessor, ... */
			}
		} else if (!is_terminator(p)) {
			skip_to_terminator(p); /* computed key [k]: v and the like */
		}
		if (prop.key != NULL && prop.value != NULL) {
			VEC_PUSH(&props, prop);
		} else {
			free(prop.key);
			expr_free(prop.value);
		}
		if (is_punct(p, ",")) {
			p_next(p);
		} else if (!is_punct(p, "}")) {
			/* the end of input or another bracket's closer: unbalanced */
			exprs_free(NULL, &props);
			return unknown_from(p, start, line, col);
		}
	}
	e = expr_new(EXPR_OBJECT, line, col);
	e->props = props.items;
	e->nprops = props.len;
	return e;
}

/* Builtin names: the file and its folder. NULL when not a builtin. */
static struct expr *
builtin_name(const struct parser *p, const char *name, int line, int col)
{
	struct expr *e = NULL;

	if (p->lx.lang == LANG_PYTHON) {
		if (strcmp(name, "__file__") == 0) {
			e = expr_new(EXPR_UNKNOWN, line, col);
			e->is_file = true;
		}
	} else if (strcmp(name, "__dirname") == 0 || strcmp(name, "import.meta.dirname") == 0) {
		e = expr_new(EXPR_PATH, line, col);
		e->anchor = ANCHOR_FILE_DIR;
		e->text = xstrdup(".");
		return e;
	} else if (strcmp(name, "__filename") == 0 || strcmp(name, "import.meta.url") == 0 ||
	           strcmp(name, "import.meta.filename") == 0) {
		e = expr_new(EXPR_UNKNOWN, line, col);
		e->is_file = true;
	}
	if (e != NULL)
		e->text = xstrdup(name);
	return e;
}

/* The value of a name: a builtin, or what the caller's scope binds it to; NULL if unknown. */
static struct expr *
resolve_name(struct parser *p, const char *name, int line, int col)
{
	struct expr *e = builtin_name(p, name, line, col);

	if (e != NULL)
		return e;
	if (p->scope == NULL || p->scope->lookup == NULL || p->lookups >= EXPR_LOOKUPS_MAX)
		return NULL;
	p->lookups++;
	return expr_copy(p->scope->lookup(p->scope->ctx, name));
}

enum path_fn {
	FN_NONE,
	FN_RESOLVE,   /* node path.resolve: right to left until absolute, then the cwd */
	FN_JOIN_NODE, /* node path.join: concatenate and normalise, no reset */
	FN_JOIN_PY,   /* os.path.join, Path(...): an absolute piece resets */
	FN_NORMALIZE,
	FN_DIRNAME,
	FN_ABSPATH,
	FN_CWD,
	FN_IDENTITY, /* str(), String(), fileURLToPath(), os.fspath() */
	FN_URL,      /* new URL(rel, base) */
};

struct fn_name {
	unsigned langs;
	const char *name;
	enum path_fn fn;
};

static const struct fn_name fn_names[] = {
    {LANG_JS, "path.resolve", FN_RESOLVE},
    {LANG_JS, "resolve", FN_RESOLVE},
    {LANG_JS, "path.posix.resolve", FN_RESOLVE},
    {LANG_JS, "path.join", FN_JOIN_NODE},
    {LANG_JS, "join", FN_JOIN_NODE},
    {LANG_JS, "path.posix.join", FN_JOIN_NODE},
    {LANG_JS, "path.normalize", FN_NORMALIZE},
    {LANG_JS, "normalize", FN_NORMALIZE},
    {LANG_JS, "path.dirname", FN_DIRNAME},
    {LANG_JS, "dirname", FN_DIRNAME},
    {LANG_JS, "process.cwd", FN_CWD},
    {LANG_JS, "fileURLToPath", FN_IDENTITY},
    {LANG_JS, "url.fileURLToPath", FN_IDENTITY},
    {LANG_JS, "String", FN_IDENTITY},
    {LANG_JS, "new URL", FN_URL},
    {LANG_PYTHON, "os.path.join", FN_JOIN_PY},
    {LANG_PYTHON, "path.join", FN_JOIN_PY},
    {LANG_PYTHON, "join", FN_JOIN_PY},
    {LANG_PYTHON, "Path", FN_JOIN_PY},
    {LANG_PYTHON, "pathlib.Path", FN_JOIN_PY},
    {LANG_PYTHON, "PurePath", FN_JOIN_PY},
    {LANG_PYTHON, "pathlib.PurePath", FN_JOIN_PY},
    {LANG_PYTHON, "PosixPath", FN_JOIN_PY},
    {LANG_PYTHON, "os.path.dirname", FN_DIRNAME},
    {LANG_PYTHON, "path.dirname", FN_DIRNAME},
    {LANG_PYTHON, "dirname", FN_DIRNAME},
    {LANG_PYTHON, "os.path.abspath", FN_ABSPATH},
    {LANG_PYTHON, "path.abspath", FN_ABSPATH},
    {LANG_PYTHON, "abspath", FN_ABSPATH},
    {LANG_PYTHON, "os.path.realpath", FN_ABSPATH},
    {LANG_PYTHON, "realpath", FN_ABSPATH},
    {LANG_PYTHON, "os.path.normpath", FN_NORMALIZE},
    {LANG_PYTHON, "normpath", FN_NORMALIZE},
    {LANG_PYTHON, "os.getcwd", FN_CWD},
    {LANG_PYTHON, "getcwd", FN_CWD},
    {LANG_PYTHON, "Path.cwd", FN_CWD},
    {LANG_PYTHON, "pathlib.Path.cwd", FN_CWD},
    {LANG_PYTHON, "str", FN_IDENTITY},
    {LANG_PYTHON, "os.fspath", FN_IDENTITY},
};

static enum path_fn
fn_lookup(enum source_lang lang, const char *name)
{
	size_t i;
	unsigned l = lang == LANG_PYTHON ? LANG_PYTHON : LANG_JS;

	for (i = 0; i < sizeof(fn_names) / sizeof(fn_names[0]); i++)
		if ((fn_names[i].langs & l) && strcmp(fn_names[i].name, name) == 0)
			return fn_names[i].fn;
	return FN_NONE;
}

/* Apply a path function to evaluated arguments. */
static struct expr *
apply_fn(enum path_fn fn, expr_vec *args, int line, int col)
{
	struct pb pb = {PV_NONE, ANCHOR_CWD, BUF_INIT, false};
	struct pv v;
	size_t i, n = args->len;

	for (i = 0; i < n; i++)
		if (pv_of(args->items[i]).kind == PV_NONE && fn != FN_IDENTITY)
			pb.bad = true;
	switch (fn) {
	case FN_RESOLVE:
		pb.kind = PV_ANCHORED;
		pb.anchor = ANCHOR_CWD;
		for (i = 0; i < n && !pb.bad; i++) {
			v = pv_of(args->items[i]);
			if (v.kind == PV_ANCHORED)
				pb_set(&pb, v);
			else
				pb_append(&pb, v.text);
		}
		break;
	case FN_JOIN_NODE:
		for (i = 0; i < n && !pb.bad; i++) {
			v = pv_of(args->items[i]);
			if (i == 0)
				pb_set(&pb, v);
			else if (args->items[i]->type == EXPR_STRING)
				pb_append(&pb, v.text); /* node joins even "/x" as a segment */
			else
				pb.bad = true;
		}
		if (n == 0)
			pb_append(&pb, ".");
		break;
	case FN_JOIN_PY:
		for (i = 0; i < n && !pb.bad; i++) {
			v = pv_of(args->items[i]);
			if (v.kind == PV_ANCHORED)
				pb_set(&pb, v);
			else
				pb_append(&pb, v.text);
		}
		if (n == 0)
			pb_append(&pb, ".");
		break;
	case FN_NORMALIZE:
	case FN_DIRNAME:
	case FN_ABSPATH:
		if (n != 1) {
			pb.bad = true;
			break;
		}
		v = pv_of(args->items[0]);
		if (v.kind == PV_NONE)
			break;
		if (fn == FN_ABSPATH && v.kind == PV_REL) {
			pb.kind = PV_ANCHORED;
			pb.anchor = ANCHOR_CWD;
			pb_append(&pb, v.text);
		} else {
			pb_set(&pb, v);
		}
		if (fn == FN_DIRNAME)
			pb_append(&pb, "..");
		break;
	case FN_CWD:
		if (n != 0) {
			pb.bad = true;
			break;
		}
		pb.kind = PV_ANCHORED;
		pb.anchor = ANCHOR_CWD;
		break;
	case FN_IDENTITY:
		if (n == 1) {
			struct expr *e = expr_copy(args->items[0]);

			e->line = line;
			e->col = col;
			return e;
		}
		pb.bad = true;
		break;
	case FN_URL:
		/* new URL(rel, import.meta.url): rel against the file's folder */
		if (n == 2 && args->items[1]->type == EXPR_UNKNOWN && args->items[1]->is_file &&
		    args->items[0]->type == EXPR_STRING) {
			const char *rel = args->items[0]->text;

			if (strncmp(rel, "file://", 7) == 0) {
				pb_set(&pb, (struct pv){PV_ANCHORED, ANCHOR_ABSOLUTE, rel + 7});
			} else if (rel[0] == '/') {
				pb_set(&pb, (struct pv){PV_ANCHORED, ANCHOR_ABSOLUTE, rel});
			} else if (strchr(rel, ':') != NULL || strchr(rel, '?') != NULL ||
			           strchr(rel, '#') != NULL || strchr(rel, '%') != NULL) {
				pb.bad =
				    true; /* another scheme, a query or escapes: not a plain path */
			} else {
				pb.kind = PV_ANCHORED;
				pb.anchor = ANCHOR_FILE_DIR;
				pb_append(&pb, rel);
			}
		} else if (n == 1 && args->items[0]->type == EXPR_STRING &&
		           strncmp(args->items[0]->text, "file:///", 8) == 0) {
			pb_set(&pb,
			       (struct pv){PV_ANCHORED, ANCHOR_ABSOLUTE, args->items[0]->text + 7});
		} else {
			pb.bad = true;
		}
		break;
	case FN_NONE:
		pb.bad = true;
		break;
	}
	return pb_result(&pb, line, col);
}

/* Python attribute on a path value: .parent. */
static struct expr *
path_parent(const struct expr *val, int times, int line, int col)
{
	struct pb pb = {PV_NONE, ANCHOR_CWD, BUF_INIT, false};
	struct pv v = pv_of(val);
	int i;

	if (v.kind != PV_NONE) {
		pb_set(&pb, v);
		for (i = 0; i < times && !pb.bad; i++)
			pb_append(&pb, "..");
	}
	return pb_result(&pb, line, col);
}

/* Python: left / right on paths (pathlib's operator); JS/Python: left + right on strings. */
static struct expr *
binary_op(const struct parser *p, char op, const struct expr *l, const struct expr *r, int line,
          int col)
{
	struct pb pb = {PV_NONE, ANCHOR_CWD, BUF_INIT, false};
	struct pv lv = pv_of(l), rv = pv_of(r);
	struct expr *e;

	if (op == '+' && l->type == EXPR_STRING && r->type == EXPR_STRING) {
		if (strlen(l->text) + strlen(r->text) > EXPR_PATH_MAX)
			return expr_new(EXPR_UNKNOWN, line, col); /* keeps a + b + ... linear */
		e = expr_new(EXPR_STRING, line, col);
		e->text = xasprintf("%s%s", l->text, r->text);
		return e;
	}
	if (op == '+' && l->type == EXPR_PATH && r->type == EXPR_STRING && r->text[0] == '/') {
		pb_set(&pb, lv); /* __dirname + '/../.env' */
		pb_append(&pb, r->text);
	} else if (op == '/' && p->lx.lang == LANG_PYTHON && lv.kind != PV_NONE &&
	           rv.kind != PV_NONE) {
		if (rv.kind == PV_ANCHORED)
			pb_set(&pb, rv);
		else {
			pb_set(&pb, lv);
			pb_append(&pb, rv.text);
		}
	}
	return pb_result(&pb, line, col);
}

/* Python methods and attributes on path values. */
static bool
is_path_method(const struct parser *p, const char *name)
{
	return p->lx.lang == LANG_PYTHON &&
	       (strcmp(name, "resolve") == 0 || strcmp(name, "absolute") == 0 ||
	        strcmp(name, "joinpath") == 0 || strcmp(name, "as_posix") == 0 ||
	        strcmp(name, "expanduser") == 0);
}

static bool
is_path_attr(const struct parser *p, const char *name)
{
	if (p->lx.lang == LANG_PYTHON)
		return strcmp(name, "parent") == 0 || strcmp(name, "parents") == 0;
	return strcmp(name, "pathname") == 0; /* new URL(...).pathname */
}

static struct expr *
apply_method(const char *method, const struct expr *val, expr_vec *args, prop_vec *props, int line,
             int col)
{
	struct pb pb = {PV_NONE, ANCHOR_CWD, BUF_INIT, false};
	struct pv v = pv_of(val);
	size_t i;

	if (v.kind == PV_NONE)
		return pb_result(&pb, line, col);
	if (strcmp(method, "joinpath") == 0) {
		pb_set(&pb, v);
		for (i = 0; i < args->len && !pb.bad; i++) {
			struct pv a = pv_of(args->items[i]);

			if (a.kind == PV_ANCHORED)
				pb_set(&pb, a);
			else if (a.kind == PV_REL)
				pb_append(&pb, a.text);
			else
				pb.bad = true;
		}
		return pb_result(&pb, line, col);
	}
	if (args->len != 0 || (strcmp(method, "resolve") != 0 && props->len != 0) ||
	    strcmp(method, "expanduser") == 0) {
		pb.bad = true;
		return pb_result(&pb, line, col);
	}
	if (v.kind == PV_REL && strcmp(method, "as_posix") != 0) {
		pb.kind = PV_ANCHORED; /* resolve()/absolute(): against the cwd */
		pb.anchor = ANCHOR_CWD;
		pb_append(&pb, v.text);
	} else {
		pb_set(&pb, v);
	}
	return pb_result(&pb, line, col);
}

static bool
is_keyword_operand(const struct parser *p)
{
	static const char *const js[] = {"typeof", "await", "void",  "delete", "function",
	                                 "async",  "class", "yield", "this",   "super"};
	static const char *const py[] = {"not", "lambda", "await", "yield"};
	const char *const *list = p->lx.lang == LANG_PYTHON ? py : js;
	size_t n =
	    p->lx.lang == LANG_PYTHON ? sizeof(py) / sizeof(py[0]) : sizeof(js) / sizeof(js[0]);
	size_t i;

	for (i = 0; i < n; i++)
		if (is_ident(p, list[i]))
			return true;
	return false;
}

/* Literal names: true/false/null and Python's spellings. */
static struct expr *
literal_name(const struct parser *p, int line, int col)
{
	bool py = p->lx.lang == LANG_PYTHON;
	struct expr *e = NULL;

	if (is_ident(p, py ? "True" : "true") || is_ident(p, py ? "False" : "false")) {
		e = expr_new(EXPR_BOOL, line, col);
		e->boolean = is_ident(p, py ? "True" : "true");
	} else if (is_ident(p, py ? "None" : "null") || (!py && is_ident(p, "undefined"))) {
		e = expr_new(EXPR_NULL, line, col);
	}
	return e;
}

/* A primary that is not a name: literals, brackets, unary minus. */
static struct expr *
parse_primary(struct parser *p)
{
	size_t start = p->cur.start;
	int line = p->cur.line, col = p->cur.col;
	struct expr *e;

	switch (p->cur.type) {
	case TOK_STRING: {
		bool unknown = p->cur.unknown;
		struct buf b = BUF_INIT;

		buf_puts(&b, p->cur.str ? p->cur.str : "");
		p_next(p);
		/* Python joins adjacent literals: "a" "b" */
		while (p->lx.lang == LANG_PYTHON && p->cur.type == TOK_STRING) {
			unknown = unknown || p->cur.unknown;
			buf_puts(&b, p->cur.str ? p->cur.str : "");
			p_next(p);
		}
		if (unknown) {
			buf_free(&b);
			return unknown_from(p, start, line, col);
		}
		e = expr_new(EXPR_STRING, line, col);
		e->text = buf_detach(&b);
		return e;
	}
	case TOK_NUMBER:
		if (p->cur.unknown) {
			p_next(p);
			return unknown_from(p, start, line, col);
		}
		e = expr_new(EXPR_NUMBER, line, col);
		e->number = p->cur.number;
		p_next(p);
		return e;
	case TOK_PUNCT:
		if (is_punct(p, "[") || is_punct(p, "(")) {
			bool paren = is_punct(p, "(");
			expr_vec items = {0};
			prop_vec props = {0};
			size_t ncommas = 0;

			p_next(p);
			if (!parse_list(p, paren ? ")" : "]", false, &items, &props, &ncommas)) {
				exprs_free(&items, &props);
				return unknown_from(p, start, line, col);
			}
			exprs_free(NULL, &props);
			if (paren && items.len == 1 && ncommas == 0) {
				e = items.items[0]; /* (expr) */
				VEC_FREE(&items);
				return e;
			}
			if (paren && p->lx.lang != LANG_PYTHON) {
				exprs_free(&items,
				           NULL); /* (a, b): arrow parameters or a comma operator */
				return unknown_from(p, start, line, col);
			}
			return array_of(&items, NULL, line, col);
		}
		if (is_punct(p, "{"))
			return parse_object(p);
		if (is_punct(p, "-") || is_punct(p, "+")) {
			bool neg = is_punct(p, "-");

			p_next(p);
			if (p->cur.type == TOK_NUMBER && !p->cur.unknown) {
				e = expr_new(EXPR_NUMBER, line, col);
				e->number = neg ? -p->cur.number : p->cur.number;
				p_next(p);
				return e;
			}
			skip_to_terminator(p);
			return unknown_from(p, start, line, col);
		}
		if (!is_terminator(p))
			p_next(p);
		return unknown_from(p, start, line, col);
	case TOK_EOF:
		return unknown_from(p, start, line, col);
	default:
		p_next(p);
		return unknown_from(p, start, line, col);
	}
}

/* Append ".ident" to a dotted name. */
static char *
name_extend(char *name, const char *ident)
{
	char *n = xasprintf("%s.%s", name, ident);

	free(name);
	return n;
}

/*
 * Replace *val by next; a plain UNKNOWN ends the folding of the chain (the
 * chain's own text is filled in once, at its end).
 */
static bool
chain_set(struct expr **val, struct expr *next)
{
	expr_free(*val);
	*val = next;
	return next == NULL || (next->type == EXPR_UNKNOWN && !next->is_file);
}

/* A member access .ident on the chain (val/name/method); returns true when the chain dies. */
static bool
chain_member(struct parser *p, struct expr **val, char **name, char **method, const char *ident,
             bool is_new, int line, int col)
{
	if (*method != NULL)
		return true; /* an attribute of a bound method */
	if (*val == NULL) {
		struct expr *v = NULL;

		if (!is_new && (is_path_attr(p, ident) || is_path_method(p, ident)))
			v = resolve_name(p, *name, line, col);
		if (v == NULL || pv_of(v).kind == PV_NONE) {
			expr_free(v);
			if (strlen(*name) > EXPR_NAME_MAX)
				return true; /* no real name is this long; keeps a.b.c... linear */
			*name = name_extend(*name, ident);
			return false;
		}
		free(*name);
		*name = NULL;
		*val = v;
	}
	if (is_path_method(p, ident) || (is_path_attr(p, ident) && strcmp(ident, "parents") == 0)) {
		*method = xstrdup(ident); /* completed by (...) or, for parents, [N] */
		return false;
	}
	if (strcmp(ident, "parent") == 0 && p->lx.lang == LANG_PYTHON)
		return chain_set(val, path_parent(*val, 1, line, col));
	if (is_path_attr(p, ident)) /* URL .pathname */
		return chain_set(val, apply_fn(FN_IDENTITY, &(expr_vec){val, 1, 1}, line, col));
	return true;
}

/* A call (...) on the chain, the '(' is current; returns true when the chain dies. */
static bool
chain_call(struct parser *p, struct expr **val, char **name, char **method, bool *is_new, int line,
           int col, bool *broken)
{
	expr_vec items = {0};
	prop_vec props = {0};
	bool dead = false;

	p_next(p);
	*broken = !parse_list(p, ")", p->lx.lang == LANG_PYTHON, &items, &props, NULL);
	if (*broken) {
		dead = true;
	} else if (*method != NULL && *val != NULL && strcmp(*method, "parents") != 0) {
		dead = chain_set(val, apply_method(*method, *val, &items, &props, line, col));
		free(*method);
		*method = NULL;
	} else if (*val == NULL && *name != NULL && *method == NULL) {
		char *callee = *is_new ? xasprintf("new %s", *name) : xstrdup(*name);
		enum path_fn fn = fn_lookup(p->lx.lang, callee);

		free(callee);
		if (fn == FN_NONE || props.len > 0)
			dead = true;
		else
			dead = chain_set(val, apply_fn(fn, &items, line, col));
		free(*name);
		*name = NULL;
		*is_new = false;
	} else {
		dead = true;
	}
	exprs_free(&items, &props);
	return dead;
}

/*
 * A name chain or primary with its postfix operations: member access, calls,
 * indexing, TS non-null '!'. Known path functions and Python path methods fold
 * into values; anything else turns the whole chain into UNKNOWN.
 */
static struct expr *
parse_postfix(struct parser *p)
{
	size_t start = p->cur.start;
	int line = p->cur.line, col = p->cur.col;
	char *name = NULL, *method = NULL;
	struct expr *val = NULL;
	bool dead = false, is_new = false;

	if (p->cur.type == TOK_IDENT && p->lx.lang != LANG_PYTHON && is_ident(p, "new")) {
		is_new = true;
		p_next(p);
		if (p->cur.type != TOK_IDENT) {
			skip_to_terminator(p);
			return unknown_from(p, start, line, col);
		}
	}
	if (p->cur.type == TOK_IDENT && is_keyword_operand(p)) {
		/* typeof x, await f(), not x, lambda: ...: nothing statically known */
		p_next(p);
		skip_to_terminator(p);
		return unknown_from(p, start, line, col);
	}
	if (p->cur.type == TOK_IDENT) {
		val = is_new ? NULL : literal_name(p, line, col);
		if (val == NULL)
			name = cur_text(p);
		p_next(p);
	} else {
		val = parse_primary(p);
		dead = val->type == EXPR_UNKNOWN && !val->is_file;
	}
	for (;;) {
		if ((is_punct(p, ".") || is_punct(p, "?.")) && peek_is_ident(p)) {
			char *ident;

			p_next(p);
			ident = cur_text(p);
			p_next(p);
			if (!dead)
				dead =
				    chain_member(p, &val, &name, &method, ident, is_new, line, col);
			free(ident);
		} else if (is_punct(p, "(")) {
			bool broken = false;

			if (dead) {
				expr_vec items = {0};
				prop_vec props = {0};

				p_next(p);
				broken = !parse_list(p, ")", false, &items, &props, NULL);
				exprs_free(&items, &props);
			} else {
				dead = chain_call(p, &val, &name, &method, &is_new, line, col,
				                  &broken);
			}
			if (broken) {
				dead = true;
				break;
			}
		} else if (is_punct(p, "[")) {
			struct expr *idx;

			p_next(p);
			idx = parse_expr(p);
			if (!is_punct(p, "]")) {
				expr_free(idx);
				dead = true;
				break;
			}
			p_next(p);
			if (!dead && method != NULL && strcmp(method, "parents") == 0 &&
			    idx->type == EXPR_NUMBER && idx->number >= 0 && idx->number < 1024 &&
			    idx->number == (double)(int)idx->number) {
				dead = chain_set(&val,
				                 path_parent(val, (int)idx->number + 1, line, col));
				free(method);
				method = NULL;
			} else {
				dead = true;
			}
			expr_free(idx);
		} else if (p->lx.lang != LANG_PYTHON && is_punct(p, "!")) {
			p_next(p); /* TS non-null assertion */
		} else {
			break;
		}
	}
	if (!dead && method != NULL)
		dead = true;
	if (!dead && val == NULL && name != NULL && !is_new)
		val = resolve_name(p, name, line, col);
	free(name);
	free(method);
	if (dead || val == NULL) {
		expr_free(val);
		return unknown_from(p, start, line, col);
	}
	return val;
}

/* Whether the current token starts a TS type annotation that does not change the value. */
static bool
is_type_suffix(const struct parser *p)
{
	return p->lx.lang != LANG_PYTHON && (is_ident(p, "as") || is_ident(p, "satisfies"));
}

/* One expression up to a ',' or closing bracket at its level. */
static struct expr *
parse_expr(struct parser *p)
{
	size_t start = p->cur.start;
	int line = p->cur.line, col = p->cur.col;
	struct expr *left;
	bool dead;

	if (p->depth >= EXPR_DEPTH_MAX) {
		skip_to_terminator(p);
		return unknown_from(p, start, line, col);
	}
	p->depth++;
	left = parse_postfix(p);
	dead = left->type == EXPR_UNKNOWN && !left->is_file;
	for (;;) {
		if (!dead &&
		    (is_punct(p, "+") || (p->lx.lang == LANG_PYTHON && is_punct(p, "/")))) {
			char op = p->cur.punct[0];
			struct expr *right;

			p_next(p);
			right = parse_postfix(p);
			dead = chain_set(&left, binary_op(p, op, left, right, line, col));
			expr_free(right);
		} else if (is_type_suffix(p)) {
			skip_to_terminator(p); /* { path: x } as const */
		} else {
			break;
		}
	}
	if (!is_terminator(p) || dead) {
		skip_to_terminator(p);
		expr_free(left);
		left = unknown_from(p, start, line, col);
	}
	p->depth--;
	return left;
}

static void
parser_init(struct parser *p, enum source_lang lang, const char *text, int line, int col,
            const struct expr_scope *scope)
{
	memset(p, 0, sizeof(*p));
	p->lx.s = text != NULL ? text : "";
	p->lx.len = strlen(p->lx.s);
	p->lx.line = line > 0 ? line : 1;
	p->lx.col = col > 0 ? col : 1;
	p->lx.lang = lang;
	p->scope = scope;
	lx_next(&p->lx, &p->cur);
}

struct expr *
expr_parse_args(enum source_lang lang, const char *args, int line, int col,
                const struct expr_scope *scope)
{
	struct parser p;
	expr_vec items = {0};
	prop_vec props = {0};
	struct expr *e;
	size_t i;

	parser_init(&p, lang, args, line, col, scope);
	(void)parse_list(&p, NULL, lang == LANG_PYTHON, &items, &props, NULL);
	free(p.cur.str);
	/* a trailing options object is what JS loaders read their options from */
	if (lang != LANG_PYTHON && items.len > 0 &&
	    items.items[items.len - 1]->type == EXPR_OBJECT) {
		const struct expr *obj = items.items[items.len - 1];

		for (i = 0; i < obj->nprops; i++) {
			struct expr_prop prop = {xstrdup(obj->props[i].key),
			                         expr_copy(obj->props[i].value)};

			VEC_PUSH(&props, prop);
		}
	}
	e = array_of(&items, &props, line > 0 ? line : 1, col > 0 ? col : 1);
	return e;
}

struct expr *
expr_parse(enum source_lang lang, const char *text, int line, int col,
           const struct expr_scope *scope)
{
	struct parser p;
	struct expr *e;
	size_t start;

	parser_init(&p, lang, text, line, col, scope);
	start = p.cur.start;
	e = parse_expr(&p);
	if (p.cur.type != TOK_EOF) {
		/* trailing text (a stray closer, a second expression): not one value */
		while (p.cur.type != TOK_EOF)
			p_next(&p);
		expr_free(e);
		e = unknown_from(&p, start, p.lx.line, p.lx.col);
		e->line = line > 0 ? line : 1;
		e->col = col > 0 ? col : 1;
	}
	free(p.cur.str);
	return e;
}
