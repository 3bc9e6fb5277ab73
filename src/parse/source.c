/*
 * Pattern scanning of source files: comment blanking per language (offsets
 * and line breaks kept, strings intact), a one-pass literal prefilter for all patterns, PCRE2
 * matches with line/col, group texts and the balanced argument text of calls.
 */
#include "parse/source.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/*
 * The longest argument text captured for one call. A call whose closing
 * parenthesis is not found within this many bytes (or never, in a truncated
 * or hostile file) yields args = NULL instead of running to the end of file.
 */
#define SOURCE_ARGS_MAX (64u * 1024u)
/*
 * Bytes looked at while capturing call arguments, per file: a fixed allowance
 * plus a multiple of the file size. Ordinary code spends far less; a file of
 * thousands of nested unclosed calls would otherwise cost matches x 64 KiB.
 * Running out is reported like a regex limit.
 */
#define SOURCE_ARGS_BUDGET_MIN (1024u * 1024u)
#define SOURCE_ARGS_BUDGET_FACTOR 8u
/*
 * Files shorter than this are blanked in a buffer on the stack: most source
 * files are, and a heap copy per file and pattern set fragments the heaps
 * of the read-ahead threads that scan thousands of them.
 */
#define SOURCE_BLANK_STACK (16u * 1024u)
/* Template literals nest (`${`${x}`}`); deeper nesting than this is treated as unbalanced. */
#define SOURCE_NEST_MAX 256

struct lang_ext {
	const char *ext;
	size_t len; /* of ext */
	enum source_lang lang;
};

#define LANG_EXT(e, l) {e, sizeof(e) - 1, l}

static const struct lang_ext lang_exts[] = {
    LANG_EXT(".js", LANG_JS),     LANG_EXT(".mjs", LANG_JS),
    LANG_EXT(".cjs", LANG_JS),    LANG_EXT(".jsx", LANG_JS),
    LANG_EXT(".ts", LANG_JS),     LANG_EXT(".mts", LANG_JS),
    LANG_EXT(".cts", LANG_JS),    LANG_EXT(".tsx", LANG_JS),
    LANG_EXT(".py", LANG_PYTHON), LANG_EXT(".go", LANG_GO),
    LANG_EXT(".rb", LANG_RUBY),   LANG_EXT(".erb", LANG_RUBY),
    LANG_EXT(".sh", LANG_SHELL),  LANG_EXT(".bash", LANG_SHELL),
    LANG_EXT(".prisma", LANG_PRISMA), LANG_EXT(".yml", LANG_YAML),
    LANG_EXT(".yaml", LANG_YAML), LANG_EXT(".java", LANG_JAVA),
    LANG_EXT(".kt", LANG_JAVA),   LANG_EXT(".kts", LANG_JAVA),
    LANG_EXT(".properties", LANG_JAVA), LANG_EXT(".rs", LANG_RUST),
    LANG_EXT(".php", LANG_PHP),   LANG_EXT(".dockerfile", LANG_SHELL),
};

/* Asked for every file by several stages: lengths are compared before bytes. */
enum source_lang
source_lang_of(const char *name)
{
	const char *base, *dot;
	size_t i, n;

	if (name == NULL)
		return LANG_NONE;
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (base[0] == 'G' && strcmp(base, "Gemfile") == 0)
		return LANG_RUBY;
	if ((base[0] == 'P' && strcmp(base, "Procfile") == 0) ||
	    (base[0] == 'D' && strncmp(base, "Dockerfile", 10) == 0))
		return LANG_SHELL;
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return LANG_NONE;
	n = strlen(dot);
	for (i = 0; i < sizeof(lang_exts) / sizeof(lang_exts[0]); i++)
		if (lang_exts[i].len == n && memcmp(dot, lang_exts[i].ext, n) == 0)
			return lang_exts[i].lang;
	return LANG_NONE;
}

/* Languages whose comments are C-like (// and block comments). */
static bool
lang_c_like(enum source_lang lang)
{
	return lang == LANG_JS || lang == LANG_GO || lang == LANG_JAVA || lang == LANG_RUST ||
	       lang == LANG_PHP;
}

static bool
is_line_break(char c)
{
	return c == '\n' || c == '\r';
}

static bool
is_ident_byte(unsigned char c)
{
	return c == '_' || c == '$' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/*
 * End (one past the closing quote) of the quoted string that opens at pos with
 * quote q: backslash escapes, and in single-line mode an unescaped line break
 * ends an unterminated string (so one stray quote cannot swallow the file).
 */
static size_t
skip_quoted(const char *s, size_t len, size_t pos, char q, bool multiline, bool escapes)
{
	size_t i = pos + 1;

	while (i < len) {
		char c = s[i];

		if (escapes && c == '\\') {
			i += 2;
			continue;
		}
		if (c == q)
			return i + 1;
		if (!multiline && is_line_break(c))
			return i;
		i++;
	}
	return len;
}

/*
 * End of the Python string literal (single or triple quoted) opening at pos.
 * Prefixes (r, b, f, u) need no handling: they precede the quote and raw
 * strings lex the same way (a backslash still keeps the quote after it).
 */
static size_t
skip_python_string(const char *s, size_t len, size_t pos)
{
	char q = s[pos];
	size_t i;

	if (pos + 2 < len && s[pos + 1] == q && s[pos + 2] == q) {
		for (i = pos + 3; i < len; i++) {
			if (s[i] == '\\') { /* in raw strings too, \" keeps the quote */
				i++;
				continue;
			}
			if (s[i] == q && i + 2 < len && s[i + 1] == q && s[i + 2] == q)
				return i + 3;
		}
		return len;
	}
	return skip_quoted(s, len, pos, q, false, true);
}

/*
 * JS: whether a '/' at pos starts a regular expression literal rather than a
 * division, judged by the previous significant byte (an operator, an opening
 * bracket or a keyword like return means an operand is expected).
 */
static bool
js_regex_allowed(const char *s, size_t pos, size_t from)
{
	size_t i = pos;
	size_t e;

	while (i > from && (s[i - 1] == ' ' || s[i - 1] == '\t' || is_line_break(s[i - 1])))
		i--;
	if (i == from)
		return true;
	if (strchr("(,=:[!&|?{};+-*%<>~^", s[i - 1]) != NULL)
		return true;
	if (!is_ident_byte((unsigned char)s[i - 1]))
		return false;
	e = i;
	while (i > from && is_ident_byte((unsigned char)s[i - 1]))
		i--;
	{
		static const char *const kw[] = {"return", "typeof",     "case",  "do",     "else",
		                                 "in",     "of",         "new",   "delete", "void",
		                                 "throw",  "instanceof", "yield", "await"};
		size_t k;

		for (k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
			if (strlen(kw[k]) == e - i && memcmp(s + i, kw[k], e - i) == 0)
				return true;
	}
	return false;
}

/*
 * End of the regex literal opening at pos, or 0 when it does not close on its
 * line. *no_regex remembers where a failed attempt stopped: a later '/' before
 * it is taken as division, so a line of "(/(/(/..." stays linear.
 */
static size_t
skip_js_regex(const char *s, size_t len, size_t pos, size_t *no_regex)
{
	size_t i = pos + 1;
	bool in_class = false;

	if (pos < *no_regex)
		return 0;

	while (i < len && !is_line_break(s[i])) {
		char c = s[i];

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
			while (i < len && is_ident_byte((unsigned char)s[i]))
				i++; /* flags */
			return i;
		}
		i++;
	}
	*no_regex = i;
	return 0;
}

/* Replace s[from..to) with spaces, keeping line breaks. */
static void
blank_range(char *s, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (!is_line_break(s[i]))
			s[i] = ' ';
}

/* Rust: a char literal 'x' or '\n' (as opposed to a lifetime 'a) opening at pos. */
static size_t
skip_rust_char(const char *s, size_t len, size_t pos)
{
	size_t i = pos + 1;

	if (i < len && s[i] == '\\') {
		i += 2;
		while (i < len && i < pos + 12 && s[i] != '\'' && !is_line_break(s[i]))
			i++;
		return i < len && s[i] == '\'' ? i + 1 : pos + 1;
	}
	if (i < len) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++; /* rest of a multi-byte character */
		if (i < len && s[i] == '\'')
			return i + 1;
	}
	return pos + 1;
}

/*
 * Template literal body starting after the opening backtick at pos (or inside
 * a ${...} hole). Returns the position after the closing backtick; holes are
 * C-like code, so comments inside them are blanked too.
 */
static size_t blank_c_like(char *s, size_t len, size_t pos, enum source_lang lang, int depth,
                           bool stop_at_brace, size_t *no_regex);

static size_t
skip_template(char *s, size_t len, size_t pos, enum source_lang lang, int depth, size_t *no_regex)
{
	size_t i = pos + 1;

	while (i < len) {
		if (s[i] == '\\') {
			i += 2;
			continue;
		}
		if (s[i] == '`')
			return i + 1;
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			if (depth >= SOURCE_NEST_MAX)
				return len;
			i = blank_c_like(s, len, i + 2, lang, depth + 1, true, no_regex);
			continue;
		}
		i++;
	}
	return len;
}

/*
 * C-like comment blanking from pos. With stop_at_brace, returns after the '}'
 * that closes a template hole.
 */
static size_t
blank_c_like(char *s, size_t len, size_t pos, enum source_lang lang, int depth, bool stop_at_brace,
             size_t *no_regex)
{
	size_t i = pos, j;
	long braces = 0;

	while (i < len) {
		char c = s[i];

		if (c == '/' && i + 1 < len && s[i + 1] == '/') {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *end = NULL;

			for (j = i + 2; j + 1 < len; j++)
				if (s[j] == '*' && s[j + 1] == '/') {
					end = s + j + 2;
					break;
				}
			j = end ? (size_t)(end - s) : len;
			blank_range(s, i, j);
			i = j;
		} else if (c == '#' && lang == LANG_PHP && !(i + 1 < len && s[i + 1] == '[')) {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if (c == '"' || (c == '\'' && lang != LANG_RUST && lang != LANG_GO)) {
			if (lang == LANG_JAVA && c == '"' && i + 2 < len && s[i + 1] == '"' &&
			    s[i + 2] == '"') {
				i = skip_python_string(s, len, i); /* text block */
			} else {
				i = skip_quoted(s, len, i, c, lang == LANG_PHP, true);
			}
		} else if (c == '\'' && lang == LANG_GO) {
			i = skip_quoted(s, len, i, c, false, true);
		} else if (c == '\'' && lang == LANG_RUST) {
			i = skip_rust_char(s, len, i);
		} else if (c == '`' && lang == LANG_JS) {
			i = skip_template(s, len, i, lang, depth, no_regex);
		} else if (c == '`' && lang == LANG_GO) {
			i = skip_quoted(s, len, i, '`', true, false);
		} else if (c == '/' && lang == LANG_JS && js_regex_allowed(s, i, 0) &&
		           (j = skip_js_regex(s, len, i, no_regex)) != 0) {
			i = j;
		} else if (stop_at_brace && c == '{') {
			braces++;
			i++;
		} else if (stop_at_brace && c == '}') {
			i++;
			if (braces-- == 0)
				return i;
		} else {
			i++;
		}
	}
	return len;
}

/* Python: # comments outside strings; all string forms kept. */
static void
blank_python(char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		char c = s[i];

		if (c == '#') {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if (c == '"' || c == '\'') {
			i = skip_python_string(s, len, i);
		} else {
			i++;
		}
	}
}

/*
 * Shell, YAML, Ruby, properties-like: '#' starts a comment at the start of a
 * word (shell ${#x}, $#, a#b and URL fragments are not comments).
 */
static void
blank_hash(char *s, size_t len, enum source_lang lang)
{
	size_t i = 0, j;

	while (i < len) {
		char c = s[i];
		char prev = i > 0 ? s[i - 1] : '\n';
		bool word_start = prev == ' ' || prev == '\t' || is_line_break(prev) ||
		                  (lang == LANG_SHELL && strchr(";|&(", prev) != NULL);

		if (c == '#' && word_start) {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if (c == '#' && lang == LANG_RUBY && prev != '$' && prev != '{') {
			/* Ruby: foo # comment needs no space before it, but "#{...}" is in strings
			 */
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if ((c == '"' || c == '\'') && lang == LANG_YAML) {
			/* a YAML quote opens a scalar only where a scalar can start */
			if (word_start || strchr(":[{,-", prev) != NULL)
				i = skip_quoted(s, len, i, c, false, c == '"');
			else
				i++;
		} else if ((c == '"' || c == '\'') && (lang == LANG_SHELL || lang == LANG_RUBY)) {
			if (lang == LANG_SHELL && c == '\'' && is_ident_byte((unsigned char)prev) &&
			    i + 1 < len && is_ident_byte((unsigned char)s[i + 1]))
				i++; /* an apostrophe inside a word, e.g. in echo text */
			else
				i = skip_quoted(s, len, i, c, true, c == '"' || lang == LANG_RUBY);
		} else {
			i++;
		}
	}
}

/* Java .properties: # and ! comments start a line. */
static void
blank_properties_like(char *s, size_t len)
{
	size_t i = 0, j;
	bool line_start = true;

	while (i < len) {
		if (line_start && (s[i] == ' ' || s[i] == '\t')) {
			i++;
			continue;
		}
		if (line_start && (s[i] == '#' || s[i] == '!')) {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
			continue;
		}
		line_start = is_line_break(s[i]);
		i++;
	}
}

/* Prisma: // comments; strings are double-quoted. */
static void
blank_prisma(char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
			for (j = i; j < len && !is_line_break(s[j]); j++)
				;
			blank_range(s, i, j);
			i = j;
		} else if (s[i] == '"') {
			i = skip_quoted(s, len, i, '"', false, true);
		} else {
			i++;
		}
	}
}

/*
 * Whether a Java-family file looks like a .properties file: Java and Kotlin
 * code always has lines ending in '{' or ';', properties files hardly ever
 * (a value like ${DB_URL} ends in '}', not '{').
 */
static bool
looks_like_properties(const char *s, size_t len)
{
	size_t i;
	char last = '\n';

	for (i = 0; i < len; i++) {
		if (is_line_break(s[i])) {
			if (last == '{' || last == ';')
				return false;
			last = '\n';
		} else if (s[i] != ' ' && s[i] != '\t') {
			last = s[i];
		}
	}
	return last != '{' && last != ';';
}

/* Blank the comments of s in place for lang, keeping every offset and line break. */
static void
blank_comments(char *s, size_t len, enum source_lang lang)
{
	size_t no_regex = 0;

	if (lang == LANG_JAVA && looks_like_properties(s, len))
		blank_properties_like(s, len);
	else if (lang_c_like(lang))
		(void)blank_c_like(s, len, 0, lang, 0, false, &no_regex);
	else if (lang == LANG_PYTHON)
		blank_python(s, len);
	else if (lang == LANG_SHELL || lang == LANG_YAML || lang == LANG_RUBY)
		blank_hash(s, len, lang);
	else if (lang == LANG_PRISMA)
		blank_prisma(s, len);
}

/* Offsets where lines start; a line break is \n, \r\n or a lone \r. */
struct line_index {
	size_t *starts;
	size_t n;
};

static void
line_index_build(struct line_index *li, const char *s, size_t len)
{
	size_t cap = 64, i;

	li->starts = xreallocarray(NULL, cap, sizeof(*li->starts));
	li->n = 0;
	li->starts[li->n++] = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
			if (li->n == cap) {
				cap *= 2;
				li->starts = xreallocarray(li->starts, cap, sizeof(*li->starts));
			}
			li->starts[li->n++] = i + 1;
		}
	}
}

static void
line_index_pos(const struct line_index *li, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = li->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (li->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo + 1 > INT_MAX ? INT_MAX : (int)(lo + 1);
	*col = off - li->starts[lo] + 1 > INT_MAX ? INT_MAX : (int)(off - li->starts[lo] + 1);
}

/*
 * End of the string/template literal that opens at pos inside call arguments
 * (text is already comment-blanked).
 */
static size_t
args_skip_literal(const char *s, size_t len, size_t pos, enum source_lang lang)
{
	char c = s[pos];

	if (lang == LANG_PYTHON)
		return skip_python_string(s, len, pos);
	if (c == '`' && lang == LANG_GO)
		return skip_quoted(s, len, pos, '`', true, false);
	if (c == '\'' && lang == LANG_RUST)
		return skip_rust_char(s, len, pos);
	return skip_quoted(s, len, pos, c,
	                   lang == LANG_SHELL || lang == LANG_RUBY || lang == LANG_PHP, true);
}

/*
 * The position of the ')' matching the '(' at open, or SIZE_MAX when the call
 * is unbalanced or longer than SOURCE_ARGS_MAX. Brackets of all kinds must
 * nest properly; strings, template literals (with ${...} holes, which are
 * themselves bracketed code) and JS regex literals are skipped. The bytes
 * looked at are taken from *budget; when it runs out the call counts as
 * unbalanced and *budget is 0.
 */
static size_t
find_call_close(const char *s, size_t len, size_t open, enum source_lang lang, size_t *budget)
{
	char stack[SOURCE_NEST_MAX]; /* the closer expected; '`' = inside a template body */
	int depth = 0;
	size_t cap = *budget < SOURCE_ARGS_MAX + 2 ? *budget : SOURCE_ARGS_MAX + 2;
	size_t limit = len - open > cap ? open + cap : len;
	size_t i = open, j, no_regex = 0, result = SIZE_MAX;

	while (i < limit) {
		char c = s[i];

		if (depth > 0 && stack[depth - 1] == '`') {
			if (c == '\\') {
				i += 2;
			} else if (c == '`') {
				depth--;
				i++;
			} else if (c == '$' && i + 1 < limit && s[i + 1] == '{') {
				if (depth >= SOURCE_NEST_MAX)
					break;
				stack[depth++] = '}';
				i += 2;
			} else {
				i++;
			}
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (depth >= SOURCE_NEST_MAX)
				break;
			stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
			i++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (depth == 0 || stack[depth - 1] != c)
				break;
			if (--depth == 0) {
				result = i;
				break;
			}
			i++;
		} else if (c == '"' || c == '\'') {
			i = args_skip_literal(s, limit, i, lang);
		} else if (c == '`' && lang == LANG_JS) {
			if (depth >= SOURCE_NEST_MAX)
				break;
			stack[depth++] = '`';
			i++;
		} else if (c == '`' && lang == LANG_GO) {
			i = skip_quoted(s, limit, i, '`', true, false);
		} else if (c == '/' && lang == LANG_JS && js_regex_allowed(s, i, open + 1) &&
		           (j = skip_js_regex(s, limit, i, &no_regex)) != 0) {
			i = j;
		} else {
			i++;
		}
	}
	if (i > limit)
		i = limit;
	if (result == SIZE_MAX && i >= limit && limit - open == *budget)
		*budget = 0; /* stopped by the budget, not by the text */
	else
		*budget -= (i < limit ? i + 1 : limit) - open;
	return result;
}

/*
 * The '(' whose arguments belong to the match [start, end): the one the match
 * ends just after; else the next non-blank byte after the match if it is '(';
 * else the last '(' inside the match that the match leaves open. SIZE_MAX if none.
 */
static size_t
find_call_open(const char *s, size_t len, size_t start, size_t end)
{
	size_t i, open = SIZE_MAX;
	long balance = 0;

	if (end > start && s[end - 1] == '(')
		return end - 1;
	for (i = end; i < len && (s[i] == ' ' || s[i] == '\t' || is_line_break(s[i])); i++)
		;
	if (i < len && s[i] == '(')
		return i;
	/* the match ends inside the call: the innermost unclosed '(' of the match */
	for (i = end; i > start; i--) {
		char c = s[i - 1];

		if (c == ')')
			balance++;
		else if (c == '(') {
			if (balance == 0) {
				open = i - 1;
				break;
			}
			balance--;
		}
	}
	return open;
}

/*
 * The argument text of the call m opens. Returns false when the scan's budget
 * for argument text ran out (a hostile file of nested unclosed calls), which
 * the caller reports like a regex limit.
 */
static bool
match_add_args(struct source_match *m, const char *s, size_t len, enum source_lang lang,
               const struct line_index *li, size_t *budget)
{
	size_t open = find_call_open(s, len, m->start, m->end);
	size_t close;

	if (open == SIZE_MAX)
		return true;
	if (*budget == 0)
		return false;
	close = find_call_close(s, len, open, lang, budget);
	if (close == SIZE_MAX && *budget == 0)
		return false;
	if (close == SIZE_MAX || close - open - 1 > SOURCE_ARGS_MAX)
		return true;
	m->args = xstrndup(s + open + 1, close - open - 1);
	line_index_pos(li, open + 1, &m->args_line, &m->args_col);
	return true;
}

static struct source_match *
matches_push(struct source_matches *out)
{
	if (out->len == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->items = xreallocarray(out->items, out->cap, sizeof(*out->items));
	}
	memset(&out->items[out->len], 0, sizeof(out->items[0]));
	return &out->items[out->len++];
}

/* Buckets of the literals by their first two bytes (a power of two). */
#define SET_BUCKETS 64u
#define SET_NONE SIZE_MAX

struct set_literal {
	const char *s;
	size_t len;
	unsigned pair; /* its first two bytes (two bytes or more) */
	size_t next;   /* the next literal of the same bucket, or SET_NONE */
};

struct source_set {
	const struct source_pattern *patterns;
	size_t npatterns;
	size_t *lit_of; /* per pattern: its literal, or SET_NONE (none, or not applicable) */
	struct set_literal *lits;
	size_t nlits;
	char **derived; /* literals taken from regexes (rx_required_literal), owned */
	size_t nderived;
	size_t head[SET_BUCKETS];   /* first literal of each bucket (two bytes or more) */
	uint64_t pairs[65536 / 64]; /* first two bytes of some literal */
	/*
	 * Second and third bytes of some literal of three bytes or more, and
	 * the first two of the two-byte ones: a position is looked at only when
	 * the pair after it fits too (most first pairs, "re", "se", "on", are
	 * everywhere in code).
	 */
	uint64_t pairs2[65536 / 64];
	uint64_t short_pairs[65536 / 64];
};

static bool
pair_in(const uint64_t *bits, unsigned pair)
{
	return bits[pair >> 6] >> (pair & 63) & 1;
}

static void
pair_add(uint64_t *bits, unsigned pair)
{
	bits[pair >> 6] |= (uint64_t)1 << (pair & 63);
}

static size_t
pair_bucket(unsigned pair)
{
	return (size_t)((pair * 0x9E37u) >> 8) & (SET_BUCKETS - 1);
}

struct source_set *
source_set_new(const struct source_pattern *patterns, size_t npatterns)
{
	struct source_set *set = xcalloc(1, sizeof(*set));
	size_t i, k;

	set->patterns = patterns;
	set->npatterns = npatterns;
	set->lit_of = xreallocarray(NULL, npatterns ? npatterns : 1, sizeof(*set->lit_of));
	set->lits = xreallocarray(NULL, npatterns ? npatterns : 1, sizeof(*set->lits));
	for (k = 0; k < SET_BUCKETS; k++)
		set->head[k] = SET_NONE;
	set->derived = xreallocarray(NULL, npatterns ? npatterns : 1, sizeof(*set->derived));
	for (i = 0; i < npatterns; i++) {
		const char *lit = patterns[i].literal;
		char buf[128];

		set->lit_of[i] = SET_NONE;
		/* A pattern without a literal of its own: one its regex cannot match without. */
		if ((lit == NULL || lit[0] == '\0') && patterns[i].rx != NULL &&
		    rx_required_literal(patterns[i].rx, buf, sizeof(buf)) > 0)
			lit = set->derived[set->nderived++] = xstrdup(buf);
		if (lit == NULL || lit[0] == '\0')
			continue;
		for (k = 0; k < set->nlits && strcmp(set->lits[k].s, lit) != 0; k++)
			;
		if (k == set->nlits) {
			struct set_literal *l = &set->lits[set->nlits++];

			l->s = lit;
			l->len = strlen(lit);
			l->next = SET_NONE;
			if (l->len >= 2) {
				unsigned pair = (unsigned)(unsigned char)lit[0] << 8 |
				                (unsigned char)lit[1];

				l->pair = pair;
				pair_add(set->pairs, pair);
				if (l->len == 2)
					pair_add(set->short_pairs, pair);
				else
					pair_add(set->pairs2, (unsigned)(unsigned char)lit[1] << 8 |
					                          (unsigned char)lit[2]);
				l->next = set->head[pair_bucket(pair)];
				set->head[pair_bucket(pair)] = k;
			}
		}
		set->lit_of[i] = k;
	}
	return set;
}

const struct source_pattern *
source_set_patterns(const struct source_set *set, size_t *n)
{
	*n = set->npatterns;
	return set->patterns;
}

void
source_set_jit(const struct source_set *set)
{
	size_t i;

	for (i = 0; i < set->npatterns; i++)
		if (set->patterns[i].rx != NULL)
			rx_jit((struct rx *)set->patterns[i].rx);
}

void
source_set_free(struct source_set *set)
{
	if (set == NULL)
		return;
	while (set->nderived > 0)
		free(set->derived[--set->nderived]);
	free(set->derived);
	free(set->lit_of);
	free(set->lits);
	free(set);
}

/* Occurrences of literals remembered from the raw text, to check again after blanking. */
#define SET_HITS_MAX 512

struct set_hits {
	size_t n;                     /* SIZE_MAX: more than SET_HITS_MAX, not all kept */
	size_t pos[SET_HITS_MAX];
	size_t lit[SET_HITS_MAX];
};

/*
 * Which of the set's literals occur in s: one pass for all literals of two
 * bytes or more. With hits, every occurrence is also recorded (the pass then
 * cannot stop early), so that set_presence_again can redo the answer for the
 * blanked text without a second pass.
 */
static void
set_presence(const struct source_set *set, const char *s, size_t len, bool *present,
             struct set_hits *hits)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k, found = 0, multi = 0;

	memset(present, 0, set->nlits);
	if (hits != NULL)
		hits->n = 0;
	for (k = 0; k < set->nlits; k++) {
		if (set->lits[k].len >= 2)
			multi++;
		else if ((present[k] = memchr(s, set->lits[k].s[0], len) != NULL))
			found++;
	}
	for (i = 0; multi > 0 && i + 1 < len; i++) {
		unsigned pair = (unsigned)u[i] << 8 | u[i + 1];

		if (!pair_in(set->pairs, pair))
			continue;
		/* Only literals of three bytes or more start here: their next pair must fit. */
		if (i + 2 < len && !pair_in(set->short_pairs, pair) &&
		    !pair_in(set->pairs2, (unsigned)u[i + 1] << 8 | u[i + 2]))
			continue;
		for (k = set->head[pair_bucket(pair)]; k != SET_NONE; k = set->lits[k].next) {
			const struct set_literal *l = &set->lits[k];

			if (l->pair != pair || (present[k] && hits == NULL) || l->len > len - i ||
			    memcmp(s + i, l->s, l->len) != 0)
				continue;
			if (hits != NULL && hits->n != SIZE_MAX) {
				if (hits->n == SET_HITS_MAX) {
					hits->n = SIZE_MAX;
				} else {
					hits->pos[hits->n] = i;
					hits->lit[hits->n++] = k;
				}
			}
			if (!present[k]) {
				present[k] = true;
				if (++found == set->nlits && (hits == NULL || hits->n == SIZE_MAX))
					return;
			}
		}
	}
}

/*
 * The same answer for blanked, the raw text with comments turned to spaces:
 * a literal of two bytes or more is there when one of its raw occurrences
 * survived; one-byte literals and overflowing hit lists are looked up again.
 */
static void
set_presence_again(const struct source_set *set, const char *blanked, size_t len, bool *present,
                   const struct set_hits *hits)
{
	size_t h, k;

	if (hits->n == SIZE_MAX) {
		set_presence(set, blanked, len, present, NULL);
		return;
	}
	memset(present, 0, set->nlits);
	for (k = 0; k < set->nlits; k++) {
		if (set->lits[k].len < 2)
			present[k] = memchr(blanked, set->lits[k].s[0], len) != NULL;
	}
	for (h = 0; h < hits->n; h++) {
		const struct set_literal *l = &set->lits[hits->lit[h]];

		if (!present[hits->lit[h]] && memcmp(blanked + hits->pos[h], l->s, l->len) == 0)
			present[hits->lit[h]] = true;
	}
}

/* Whether pattern i of set applies to lang and passes its literal prefilter (present). */
static bool
pattern_wanted(const struct source_set *set, size_t i, enum source_lang lang, const bool *present)
{
	const struct source_pattern *p = &set->patterns[i];

	if ((p->langs & (unsigned)lang) == 0 || p->rx == NULL)
		return false;
	return set->lit_of[i] == SET_NONE || present[set->lit_of[i]];
}

/* Run one pattern over the blanked text, appending matches. */
static int
scan_pattern(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang, const char *s,
             size_t len, const struct source_pattern *p, struct line_index *li, size_t *args_budget,
             struct el_error *err)
{
	size_t pos = 0;
	struct rx_match rm;
	int g;

	while (pos <= len) {
		enum rx_result r = rx_match(ctx, p->rx, s, len, pos, &rm);
		struct source_match *m;

		if (r == RX_NOMATCH)
			break;
		if (r == RX_LIMIT) {
			out->limit_hit = true;
			out->limit_pattern = p->id;
			break;
		}
		if (r == RX_ERROR)
			return el_error_set(err, NULL, 0, 0, "pattern %s: regex matching failed",
			                    p->id ? p->id : rx_pattern(p->rx));
		if (li->starts == NULL)
			line_index_build(li, s, len);
		m = matches_push(out);
		m->pattern = p;
		m->start = rm.start[0];
		m->end = rm.end[0];
		line_index_pos(li, m->start, &m->line, &m->col);
		for (g = 0; g < RX_MAX_GROUPS; g++)
			if (rm.start[g] != SIZE_MAX)
				m->groups[g] = xstrndup(s + rm.start[g], rm.end[g] - rm.start[g]);
		if (p->call_args && !match_add_args(m, s, len, lang, li, args_budget)) {
			out->limit_hit = true;
			out->limit_pattern = p->id;
		}
		if (rm.end[0] > rm.start[0]) {
			pos = rm.end[0];
		} else {
			/* empty match: step over one whole UTF-8 character */
			pos = rm.end[0] + 1;
			while (pos < len && ((unsigned char)s[pos] & 0xC0) == 0x80)
				pos++;
		}
	}
	return 0;
}

int
source_scan_set(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang,
                const char *data, size_t len, const struct source_set *set, struct el_error *err)
{
	return source_scan_masked(out, ctx, lang, data, len, set, NULL, err);
}

/* Whether pattern i of set is wanted for group g (its range, mask, language, literal). */
static bool
group_wanted(const struct source_set *set, const struct source_group *g, size_t i,
             enum source_lang lang, const bool *present)
{
	return (g->enabled == NULL || g->enabled[i]) && pattern_wanted(set, g->first + i, lang, present);
}

int
source_scan_groups(struct rx_ctx *ctx, enum source_lang lang, const char *data, size_t len,
                   const struct source_set *set, struct source_group *groups, size_t ngroups)
{
	char blanked_small[SOURCE_BLANK_STACK], *blanked = NULL;
	struct line_index li = {NULL, 0};
	bool present_small[64], *present = present_small, any = false;
	struct set_hits hits;
	size_t i, k, start = 0;
	int rc = 0;

	if (set->nlits > sizeof(present_small) / sizeof(present_small[0]))
		present = xmalloc(set->nlits);
	/* Blanking only removes text, so a literal absent from the raw bytes is absent after. */
	set_presence(set, data, len, present, &hits);
	for (k = 0; k < ngroups; k++) {
		groups[k].rc = 0;
		for (i = 0; i < groups[k].count && !any; i++)
			any = group_wanted(set, &groups[k], i, lang, present);
	}
	if (!any)
		goto cleanup;
	blanked = len < sizeof(blanked_small) ? blanked_small : xmalloc(len + 1);
	memcpy(blanked, data, len);
	blanked[len] = '\0';
	blank_comments(blanked, len, lang);
	set_presence_again(set, blanked, len, present, &hits);
	for (k = 0; k < ngroups; k++) {
		struct source_group *g = &groups[k];
		size_t args_budget = len > (SIZE_MAX - SOURCE_ARGS_BUDGET_MIN) /
		                               SOURCE_ARGS_BUDGET_FACTOR
		                         ? SIZE_MAX
		                         : SOURCE_ARGS_BUDGET_MIN + len * SOURCE_ARGS_BUDGET_FACTOR;

		start = g->out->len;
		for (i = 0; i < g->count; i++) {
			if (!group_wanted(set, g, i, lang, present))
				continue;
			if (scan_pattern(g->out, ctx, lang, blanked, len, &set->patterns[g->first + i],
			                 &li, &args_budget, g->err) != 0) {
				g->rc = rc = -1;
				break;
			}
		}
		/* Matches name the group's own copy of their pattern. */
		for (i = start; g->report_as != NULL && i < g->out->len; i++)
			g->out->items[i].pattern =
			    &g->report_as[g->out->items[i].pattern - set->patterns - g->first];
	}
cleanup:
	free(li.starts);
	if (blanked != blanked_small)
		free(blanked);
	if (present != present_small)
		free(present);
	return rc;
}

int
source_scan_masked(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang,
                   const char *data, size_t len, const struct source_set *set,
                   const bool *enabled, struct el_error *err)
{
	struct source_group g = {0, set->npatterns, enabled, NULL, out, 0, err};

	return source_scan_groups(ctx, lang, data, len, set, &g, 1);
}

int
source_scan(struct source_matches *out, struct rx_ctx *ctx, enum source_lang lang, const char *data,
            size_t len, const struct source_pattern *patterns, size_t npatterns,
            struct el_error *err)
{
	struct source_set *set = source_set_new(patterns, npatterns);
	int rc = source_scan_set(out, ctx, lang, data, len, set, err);

	source_set_free(set);
	return rc;
}

const char *
source_group(const struct source_match *m, const char *name)
{
	int n;

	if (m == NULL || m->pattern == NULL || m->pattern->rx == NULL || name == NULL)
		return NULL;
	n = rx_group_number(m->pattern->rx, name);
	if (n < 0 || n >= RX_MAX_GROUPS)
		return NULL;
	return m->groups[n];
}

void
source_matches_free(struct source_matches *ms)
{
	size_t i;
	int g;

	if (ms == NULL)
		return;
	for (i = 0; !ms->borrowed && i < ms->len; i++) {
		for (g = 0; g < RX_MAX_GROUPS; g++)
			free(ms->items[i].groups[g]);
		free(ms->items[i].args);
	}
	if (!ms->borrowed)
		free(ms->items);
	ms->items = NULL;
	ms->len = ms->cap = 0;
	ms->limit_hit = false;
	ms->limit_pattern = NULL;
	ms->borrowed = false;
}

void
source_matches_shrink(struct source_matches *ms)
{
	if (ms->borrowed || ms->cap == ms->len)
		return;
	if (ms->len == 0) {
		free(ms->items);
		ms->items = NULL;
	} else {
		ms->items = xreallocarray(ms->items, ms->len, sizeof(*ms->items));
	}
	ms->cap = ms->len;
}

enum source_lang
source_lang_from_name(const char *name)
{
	static const struct {
		const char *name;
		enum source_lang lang;
	} names[] = {{"js", LANG_JS},     {"python", LANG_PYTHON}, {"go", LANG_GO},
		     {"ruby", LANG_RUBY}, {"shell", LANG_SHELL},   {"prisma", LANG_PRISMA},
		     {"yaml", LANG_YAML}, {"java", LANG_JAVA},     {"rust", LANG_RUST},
		     {"php", LANG_PHP}};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) == 0)
			return names[i].lang;
	}
	return LANG_NONE;
}
