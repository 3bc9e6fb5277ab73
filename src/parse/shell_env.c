#include "parse/shell_env.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* Nesting of if/case/loops/functions followed; deeper blocks count as unknown. */
#define SHENV_MAX_DEPTH 32
/* A variable name followed in a condition or a default. */
#define SHENV_MAX_NAME 128

/* One open block: the key it tests for being unset, or "" for any other condition. */
struct block {
	char key[SHENV_MAX_NAME];
	char closer[8]; /* fi, esac, done, } */
};

struct parser {
	VEC(struct shenv_export) out;
	struct block stack[SHENV_MAX_DEPTH];
	size_t depth, overflow;
	bool stopped; /* exec replaced the shell: nothing after it runs */
};

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Length of the variable name at s, 0 when none. */
static size_t
name_len(const char *s, size_t n)
{
	size_t k = 0;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	while (k < n && is_name_char(s[k]))
		k++;
	return k < SHENV_MAX_NAME ? k : 0;
}

/*
 * The variable a test command checks for being unset or empty:
 * `[ -z "$K" ]`, `[ -z "${K}" ]`, `[ -z "${K:-}" ]`, `test -z "$K"`,
 * `[[ -z $K ]]`. Writes it to key and returns true.
 */
static bool
unset_test(const char *s, size_t n, char *key)
{
	size_t i = 0, k;

	while (i < n && (s[i] == '[' || s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i + 4 <= n && strncmp(s + i, "test", 4) == 0)
		i += 4;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i + 2 > n || strncmp(s + i, "-z", 2) != 0)
		return false;
	i += 2;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '"'))
		i++;
	if (i >= n || s[i] != '$')
		return false;
	i++;
	if (i < n && s[i] == '{')
		i++;
	k = name_len(s + i, n - i);
	if (k == 0)
		return false;
	memcpy(key, s + i, k);
	key[k] = '\0';
	i += k;
	if (i < n && s[i] == ':' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '}')
		i += 2;
	if (i < n && s[i] == '}')
		i++;
	while (i < n && (s[i] == '"' || s[i] == ' ' || s[i] == '\t' || s[i] == ']'))
		i++;
	return i == n;
}

/*
 * One shell word starting at s[*i] (quotes removed, references kept in the
 * compose_interpolate syntax, a single-quoted `$` escaped as `$$`). Sets
 * *unknowable for command substitutions and unterminated quotes.
 */
static void
read_word(const char *s, size_t n, size_t *i, struct buf *w, bool *unknowable)
{
	size_t k = *i;

	while (k < n && !isspace((unsigned char)s[k]) && s[k] != ';' && s[k] != '&' &&
	       s[k] != '|') {
		char c = s[k];

		if (c == '\'') {
			k++;
			while (k < n && s[k] != '\'') {
				if (s[k] == '$')
					buf_putc(w, '$');
				buf_putc(w, s[k++]);
			}
			if (k >= n)
				*unknowable = true;
			else
				k++;
		} else if (c == '"') {
			k++;
			while (k < n && s[k] != '"') {
				if (s[k] == '\\' && k + 1 < n && strchr("\"$`\\", s[k + 1]) != NULL) {
					if (s[k + 1] == '$')
						buf_putc(w, '$');
					buf_putc(w, s[k + 1]);
					k += 2;
					continue;
				}
				if (s[k] == '`' || (s[k] == '$' && k + 1 < n && s[k + 1] == '('))
					*unknowable = true;
				buf_putc(w, s[k++]);
			}
			if (k >= n)
				*unknowable = true;
			else
				k++;
		} else if (c == '\\' && k + 1 < n) {
			buf_putc(w, s[k + 1]);
			k += 2;
		} else if (c == '$' && k + 1 < n && s[k + 1] == '{') {
			/* ${...} may hold blanks and quotes (${X:-"a b"}): copy to the brace. */
			int braces = 0;

			do {
				if (s[k] == '{')
					braces++;
				else if (s[k] == '}')
					braces--;
				buf_putc(w, s[k++]);
			} while (k < n && braces > 0);
			if (braces > 0)
				*unknowable = true;
		} else {
			if (c == '`' || (c == '$' && k + 1 < n && s[k + 1] == '('))
				*unknowable = true;
			buf_putc(w, c);
			k++;
		}
	}
	*i = k;
}

/* ${K:-d}, ${K-d}, ${K:=d}, ${K=d} around the whole value: a default for K; d into out. */
static bool
self_default(const char *key, const char *v, struct buf *out)
{
	size_t kl = strlen(key), n = strlen(v);
	const char *p;

	if (n < kl + 4 || strncmp(v, "${", 2) != 0 || strncmp(v + 2, key, kl) != 0 ||
	    v[n - 1] != '}')
		return false;
	p = v + 2 + kl;
	if (*p == ':')
		p++;
	if (*p != '-' && *p != '=')
		return false;
	p++;
	/* The braces must close only at the end (not ${K:-a}${B}). */
	{
		int depth = 1;

		for (const char *q = p; q < v + n - 1; q++) {
			if (*q == '{')
				depth++;
			else if (*q == '}' && --depth == 0)
				return false;
		}
	}
	buf_add(out, p, (size_t)(v + n - 1 - p));
	return true;
}

static bool
word_is(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w);

	return n >= l && strncmp(s, w, l) == 0 && (n == l || isspace((unsigned char)s[l]));
}

static void
push_block(struct parser *p, const char *key, const char *closer)
{
	if (p->depth >= SHENV_MAX_DEPTH) {
		p->overflow++;
		return;
	}
	snprintf(p->stack[p->depth].key, sizeof(p->stack[0].key), "%s", key);
	snprintf(p->stack[p->depth].closer, sizeof(p->stack[0].closer), "%s", closer);
	p->depth++;
}

static void
pop_block(struct parser *p, const char *closer)
{
	if (p->overflow > 0) {
		p->overflow--;
		return;
	}
	if (p->depth > 0 && strcmp(p->stack[p->depth - 1].closer, closer) == 0)
		p->depth--;
}

/* `export K=V [K2=V2...]` (the text after `export`). */
static void
add_exports(struct parser *p, const char *s, size_t n, int line, int col0, const char *cond_key,
	    bool cond_unknown)
{
	size_t i = 0;

	while (i < n) {
		struct shenv_export ex;
		struct buf w = BUF_INIT, d = BUF_INIT;
		size_t k, start;
		bool unknowable = false;
		size_t b;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		start = i;
		k = name_len(s + i, n - i);
		if (k == 0 || i + k >= n || s[i + k] != '=') {
			/* `export K` or an option: skip the word */
			while (i < n && !isspace((unsigned char)s[i]))
				i++;
			if (i == start)
				break;
			continue;
		}
		memset(&ex, 0, sizeof(ex));
		ex.key = xstrndup(s + i, k);
		ex.line = line;
		ex.col = col0 + (int)i;
		i += k + 1;
		buf_puts(&w, "");
		read_word(s, n, &i, &w, &unknowable);
		ex.unknowable = unknowable;
		ex.when = SHENV_ALWAYS;
		buf_puts(&d, "");
		if (self_default(ex.key, buf_cstr(&w), &d)) {
			ex.when = SHENV_UNSET;
			ex.value = buf_detach(&d);
		} else {
			ex.value = buf_detach(&w);
			if (cond_key != NULL && strcmp(cond_key, ex.key) == 0)
				ex.when = SHENV_UNSET;
		}
		/* Enclosing blocks: one that tests this key for being unset makes a
		 * default; any other condition leaves it undecided. Inside a default
		 * an undecided condition leaves a default whose value is unknown. */
		{
			bool in_unset = ex.when == SHENV_UNSET, unknown = cond_unknown ||
			                                                  p->overflow > 0;

			if (cond_key != NULL && strcmp(cond_key, ex.key) != 0)
				unknown = true;
			for (b = 0; b < p->depth; b++) {
				if (strcmp(p->stack[b].key, ex.key) == 0)
					in_unset = true;
				else
					unknown = true;
			}
			if (in_unset) {
				ex.when = SHENV_UNSET;
				ex.unknowable = ex.unknowable || unknown;
			} else if (unknown) {
				ex.when = SHENV_UNKNOWN;
			}
		}
		VEC_PUSH(&p->out, ex);
		buf_free(&w);
		buf_free(&d);
	}
}

/*
 * One simple command of a list (s[0..n)), after `prev` (';', '&' for &&,
 * '|' for ||) and the command before it, which may be a test.
 */
static void
command(struct parser *p, const char *s, size_t n, int line, int col0, char prev,
	const char *prev_test)
{
	size_t i = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	s += i;
	n -= i;
	col0 += (int)i;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	/* then/else/do/{ open a body whose first command follows on the same line. */
	for (;;) {
		if (word_is(s, n, "then") || word_is(s, n, "else") || word_is(s, n, "do")) {
			size_t k = s[0] == 'e' ? 4 : s[0] == 't' ? 4 : 2;

			if (s[0] == 'e' && p->depth > 0 && p->overflow == 0)
				p->stack[p->depth - 1].key[0] = '\0';
			s += k;
			n -= k;
			col0 += (int)k;
			while (n > 0 && isspace((unsigned char)*s)) {
				s++;
				n--;
				col0++;
			}
			continue;
		}
		break;
	}
	/* A case pattern (`web)`) before the command of its branch. */
	if (p->depth > 0 && strcmp(p->stack[p->depth - 1].closer, "esac") == 0) {
		size_t k = 0;

		while (k < n && !isspace((unsigned char)s[k]) && s[k] != ')')
			k++;
		if (k < n && s[k] == ')') {
			k++;
			while (k < n && isspace((unsigned char)s[k]))
				k++;
			s += k;
			n -= k;
			col0 += (int)k;
		}
	}
	if (n == 0)
		return;
	if (word_is(s, n, "if") || word_is(s, n, "elif")) {
		char key[SHENV_MAX_NAME];
		size_t k = s[0] == 'i' ? 2 : 4;
		bool unset = unset_test(s + k, n - k, key);

		if (s[0] == 'e')
			pop_block(p, "fi");
		push_block(p, unset && s[0] == 'i' ? key : "", "fi");
		return;
	}
	if (word_is(s, n, "fi") || word_is(s, n, "esac") || word_is(s, n, "done") ||
	    (n == 1 && s[0] == '}')) {
		pop_block(p, s[0] == 'f' ? "fi" : s[0] == 'e' ? "esac" : s[0] == 'd' ? "done" : "}");
		return;
	}
	if (word_is(s, n, "case")) {
		push_block(p, "", "esac");
		return;
	}
	if (word_is(s, n, "while") || word_is(s, n, "until") || word_is(s, n, "for")) {
		push_block(p, "", "done");
		return;
	}
	/* name() { or function name { : the body runs only when called. */
	if (n >= 1 && s[n - 1] == '{' && (memchr(s, '(', n) != NULL || word_is(s, n, "function"))) {
		push_block(p, "", "}");
		return;
	}
	if (word_is(s, n, "exec") && p->depth == 0 && prev == ';') {
		p->stopped = true;
		return;
	}
	if (word_is(s, n, "export")) {
		const char *cond = prev == '&' ? prev_test : NULL;
		bool unknown = prev == '|' || (prev == '&' && prev_test == NULL);

		add_exports(p, s + 6, n - 6, line, col0 + 6, cond, unknown);
	}
}

/* Split a logical line into simple commands at ; && || and newlines, outside quotes. */
static void
line_commands(struct parser *p, const char *s, size_t n, int line)
{
	size_t i = 0, start = 0;
	char q = 0, prev = ';';
	int braces = 0;
	char test_key[SHENV_MAX_NAME];
	bool have_test = false;

	while (i <= n && !p->stopped) {
		char c = i < n ? s[i] : '\0';
		bool sep = false;
		char kind = ';';
		size_t skip = 1;

		if (i < n && q != 0) {
			if (c == '\\' && q == '"' && i + 1 < n)
				i++;
			else if (c == q)
				q = 0;
			i++;
			continue;
		}
		if (i < n && (c == '"' || c == '\'')) {
			q = c;
			i++;
			continue;
		}
		if (i < n && c == '$' && i + 1 < n && s[i + 1] == '{') {
			braces++;
			i += 2;
			continue;
		}
		if (i < n && c == '}' && braces > 0) {
			braces--;
			i++;
			continue;
		}
		if (i < n && c == '#' && braces == 0 && (i == 0 || isspace((unsigned char)s[i - 1]))) {
			n = i; /* a comment to the end of the line */
			continue;
		}
		if (i == n)
			sep = true;
		else if (braces == 0 && c == ';')
			sep = true;
		else if (braces == 0 && i + 1 < n && (c == '&' || c == '|') && s[i + 1] == c) {
			sep = true;
			kind = c;
			skip = 2;
		}
		if (!sep) {
			i++;
			continue;
		}
		{
			const char *cmd = s + start;
			size_t cn = i - start;

			command(p, cmd, cn, line, (int)start + 1, prev, have_test ? test_key : NULL);
			while (cn > 0 && isspace((unsigned char)*cmd)) {
				cmd++;
				cn--;
			}
			while (cn > 0 && isspace((unsigned char)cmd[cn - 1]))
				cn--;
			have_test = unset_test(cmd, cn, test_key);
		}
		prev = kind;
		i += skip;
		start = i;
	}
}

void
shenv_parse(struct shenv_script *out, const char *data, size_t len)
{
	struct parser p;
	struct buf logical = BUF_INIT;
	size_t i = 0;
	int line = 0, first = 0;

	memset(&p, 0, sizeof(p));
	while (i < len && !p.stopped) {
		size_t e = i;

		while (e < len && data[e] != '\n')
			e++;
		line++;
		if (logical.len == 0)
			first = line;
		/* A trailing backslash continues the command on the next line. */
		if (e > i && data[e - 1] == '\\') {
			buf_add(&logical, data + i, e - i - 1);
		} else {
			size_t n = e - i;

			if (n > 0 && data[i + n - 1] == '\r')
				n--;
			buf_add(&logical, data + i, n);
			line_commands(&p, logical.data ? logical.data : "", logical.len, first);
			buf_reset(&logical);
		}
		i = e + 1;
	}
	buf_free(&logical);
	out->exports = p.out.items;
	out->nexports = p.out.len;
}

void
shenv_free(struct shenv_script *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nexports; i++) {
		free(sc->exports[i].key);
		free(sc->exports[i].value);
	}
	free(sc->exports);
	sc->exports = NULL;
	sc->nexports = 0;
}
