#include "model/bindings.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* How deep one binding may refer to another (A = B / 'x'; B = Path(...)). */
#define BINDINGS_DEPTH 4
/* Longest value text taken for a binding. */
#define BINDINGS_VALUE_MAX 2048

static bool
ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* The offset of the value after `name =` when the line at off binds name, else 0. */
static size_t
binding_at(const struct bindings *b, size_t off, const char *name)
{
	size_t n = strlen(name), i = off;
	static const char *const decl[] = {"const ", "let ", "var ", "export const "};
	size_t k;

	while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\t'))
		i++;
	if (b->lang == LANG_JS) {
		for (k = 0; k < sizeof(decl) / sizeof(decl[0]); k++) {
			size_t dl = strlen(decl[k]);

			if (i + dl <= b->len && strncmp(b->data + i, decl[k], dl) == 0) {
				i += dl;
				while (i < b->len && b->data[i] == ' ')
					i++;
				break;
			}
		}
	}
	if (i + n > b->len || strncmp(b->data + i, name, n) != 0 ||
	    (i + n < b->len && ident_char(b->data[i + n])))
		return 0;
	i += n;
	/* Python annotation: BASE_DIR: Path = ...; TS: const x: string = ... */
	if (i < b->len && b->data[i] == ':') {
		while (i < b->len && b->data[i] != '=' && b->data[i] != '\n')
			i++;
	}
	while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\t'))
		i++;
	if (i >= b->len || b->data[i] != '=' || (i + 1 < b->len && b->data[i + 1] == '='))
		return 0;
	i++;
	while (i < b->len && (b->data[i] == ' ' || b->data[i] == '\t'))
		i++;
	return i;
}

/* The value text from off to the end of the statement (a newline or ; at depth 0). */
static size_t
value_end(const struct bindings *b, size_t off)
{
	size_t i, depth = 0, end = off + BINDINGS_VALUE_MAX < b->len ? off + BINDINGS_VALUE_MAX
								      : b->len;
	char quote = 0;

	for (i = off; i < end; i++) {
		char c = b->data[i];

		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'' || c == '`')
			quote = c;
		else if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		else if ((c == '\n' || c == ';') && depth == 0)
			break;
		else if (c == '#' && b->lang == LANG_PYTHON)
			break;
	}
	return i;
}

static struct expr *
lookup(void *ctx, const char *name)
{
	struct bindings *b = ctx;
	size_t off = 0, found = 0, vend, i;
	int line = 1, found_line = 0;
	struct expr *e;
	char *text;

	if (b->depth >= BINDINGS_DEPTH || strchr(name, '.') != NULL)
		return NULL;
	/* The last binding that starts before the call. */
	for (off = 0; off < b->before && off < b->len;) {
		size_t v = binding_at(b, off, name);

		if (v != 0) {
			found = v;
			found_line = line;
		}
		while (off < b->len && b->data[off] != '\n')
			off++;
		off++;
		line++;
	}
	if (found == 0)
		return NULL;
	vend = value_end(b, found);
	text = xstrndup(b->data + found, vend - found);
	for (i = found; i > 0 && b->data[i - 1] != '\n'; i--)
		;
	b->depth++;
	e = expr_parse(b->lang, text, found_line, (int)(found - i) + 1, &b->scope);
	b->depth--;
	free(text);
	if (e != NULL)
		VEC_PUSH(&b->made, e);
	return e;
}

void
bindings_init(struct bindings *b, enum source_lang lang, const char *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->lang = lang;
	b->data = data;
	b->len = len;
	b->before = len;
	b->scope.lookup = lookup;
	b->scope.ctx = b;
}

void
bindings_free(struct bindings *b)
{
	size_t i;

	for (i = 0; i < b->made.len; i++)
		expr_free(b->made.items[i]);
	VEC_FREE(&b->made);
}

bool
bindings_in_string(enum source_lang lang, const char *data, size_t len, size_t off)
{
	size_t i = 0;
	bool py = lang == LANG_PYTHON, js = lang == LANG_JS;

	if (!py && !js)
		return false;
	while (i < off && i < len) {
		char c = data[i];

		if ((js && c == '/' && i + 1 < len && data[i + 1] == '/') || (py && c == '#')) {
			while (i < len && data[i] != '\n')
				i++;
			continue;
		}
		if (js && c == '/' && i + 1 < len && data[i + 1] == '*') {
			const char *end = i + 2 < len ? strstr(data + i + 2, "*/") : NULL;

			i = end ? (size_t)(end - data) + 2 : len;
			continue;
		}
		if (c == '"' || c == '\'' || (js && c == '`')) {
			bool triple = py && i + 2 < len && data[i + 1] == c && data[i + 2] == c;
			size_t j = i + (triple ? 3 : 1);

			for (; j < len; j++) {
				if (data[j] == '\\') {
					j++;
					continue;
				}
				if (!triple && data[j] == '\n' && c != '`')
					break; /* unterminated: ends at the line */
				if (data[j] == c &&
				    (!triple || (j + 2 < len && data[j + 1] == c && data[j + 2] == c)))
					break;
			}
			if (off < j)
				return true;
			i = j + (triple ? 3 : 1);
			continue;
		}
		i++;
	}
	return false;
}

/* Skip spaces, tabs and newlines backwards from p (exclusive) down to lo. */
static const char *
back_space(const char *p, const char *lo)
{
	while (p > lo && isspace((unsigned char)p[-1]))
		p--;
	return p;
}

bool
bindings_guarded_out(enum source_lang lang, const char *data, size_t off, const char *env)
{
	const char *lo = data + (off > 400 ? off - 400 : 0), *p = data + off, *close, *open;
	const char *q, *val, *val_end;
	char quote;
	bool neg;
	size_t vlen;
	int depth = 0;

	if (lang != LANG_JS)
		return false;
	p = back_space(p, lo);
	if (p > lo && p[-1] == '{')
		p = back_space(p - 1, lo);
	if (p <= lo || p[-1] != ')')
		return false;
	close = p - 1;
	/* The matching '(' of the condition. */
	for (open = close; open >= lo; open--) {
		if (*open == ')')
			depth++;
		else if (*open == '(' && --depth == 0)
			break;
	}
	if (open < lo)
		return false;
	q = back_space(open, lo);
	if (q - lo < 2 || q[-1] != 'f' || q[-2] != 'i' ||
	    (q - lo > 2 && (isalnum((unsigned char)q[-3]) || q[-3] == '_' || q[-3] == '.')))
		return false;
	/* process.env.NODE_ENV !== 'production' (either side, ==/!=, 2 or 3 chars). */
	q = open + 1;
	{
		const char *ne = NULL, *s;

		for (s = q; s + 8 <= close; s++) {
			if (strncmp(s, "NODE_ENV", 8) == 0) {
				ne = s;
				break;
			}
		}
		if (ne == NULL)
			return false;
		for (s = q; s < close && *s != '!' && *s != '='; s++)
			;
		if (s >= close || s[1] != '=')
			return false;
		neg = *s == '!';
		for (s = q; s < close && *s != '\'' && *s != '"'; s++)
			;
		if (s >= close)
			return false;
		quote = *s;
		val = s + 1;
		for (val_end = val; val_end < close && *val_end != quote; val_end++)
			;
		if (val_end >= close)
			return false;
		/* Only one comparison: no && / || in the condition. */
		for (s = q; s < close; s++) {
			if ((s[0] == '&' && s[1] == '&') || (s[0] == '|' && s[1] == '|'))
				return false;
		}
	}
	vlen = (size_t)(val_end - val);
	return (strlen(env) == vlen && strncmp(env, val, vlen) == 0) == neg;
}
