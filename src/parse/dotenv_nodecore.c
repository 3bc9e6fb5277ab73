/*
 * Node core's .env parser (src/node_dotenv.cc Dotenv::ParseContent of Node
 * v20.20.2: `node --env-file`, process.loadEnvFile, util.parseEnv), and Vite
 * 8, which parses with util.parseEnv and then runs a v12-style dotenv-expand
 * over the whole parsed map.
 *
 * The parser works on string_views over the text with every CR removed:
 * find the next '=', everything before it (trimmed of spaces only) is the
 * key, so a line without '=' is glued to the next key ("A\nB"); `export `
 * is cut from the key without trimming what follows; a value opening with a
 * quote ends at the next same quote (no escapes), and the rest of that line
 * is dropped; an unquoted value ends at the line end and is cut at the first
 * '#'. Its quirks are reported as DOTENV_PROBLEM_MISREAD, dropped text as
 * DOTENV_PROBLEM_SKIPPED.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_int.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xalloc.h"

#define NPOS ((size_t)-1)

/* A string_view: [b, e) of the CR-free text. */
struct sv {
	size_t b, e;
};

struct core_scan {
	const char *t;
	size_t n;
	struct dotenv_file *f;
	const struct dotenv_norm *nm;
	const struct dotenv_pos *pos;
	const char *orig; /* the original bytes (CRs included) */
	size_t orig_len;
};

/* trim_spaces(): only ' ' is trimmed. */
static struct sv
trim_spaces(const struct core_scan *s, struct sv v)
{
	while (v.b < v.e && s->t[v.b] == ' ')
		v.b++;
	while (v.e > v.b && s->t[v.e - 1] == ' ')
		v.e--;
	return v;
}

static size_t
sv_find(const struct core_scan *s, struct sv v, char c, size_t from)
{
	const char *p;

	if (v.b + from >= v.e)
		return NPOS;
	p = memchr(s->t + v.b + from, c, v.e - v.b - from);
	return p ? (size_t)(p - (s->t + v.b)) : NPOS;
}

static size_t
orig_of(const struct core_scan *s, size_t off)
{
	return dotenv_norm_orig(s->nm, off);
}

/* Whether the original bytes between two text offsets held a lone CR (Node drops it). */
static bool
lone_cr_between(const struct core_scan *s, size_t from, size_t to)
{
	size_t a, b;

	if (to <= from)
		return false;
	/* Original bytes from the first to the last byte of the text range. */
	a = orig_of(s, from);
	b = orig_of(s, to - 1) + 1;

	for (size_t i = a; i < b && i < s->orig_len; i++)
		if (s->orig[i] == '\r' && (i + 1 == s->orig_len || s->orig[i + 1] != '\n'))
			return true;
	return false;
}

/* Append the binding for key k with value bytes val (already unescaped). */
static struct dotenv_binding *
core_store(struct core_scan *s, struct sv k, size_t stmt, const char *val, size_t vlen,
	   size_t vstart, size_t vend, enum dotenv_quote quote)
{
	struct dotenv_span span;

	span.start = orig_of(s, stmt);
	/* An empty value sits right after what precedes it (not after a removed CR). */
	span.value_start = vend == vstart && vstart > 0 ? orig_of(s, vstart - 1) + 1
							  : orig_of(s, vstart);
	span.end = vend > stmt ? orig_of(s, vend - 1) : span.start;
	if (span.end < span.start)
		span.end = span.start;
	return dotenv_add_binding(s->f, s->pos, &span, s->t + k.b, k.e - k.b, val, vlen, quote);
}

/* Report what about key k Node reads differently from the file's lines. */
static void
check_key(struct core_scan *s, struct sv k)
{
	struct buf q = BUF_INIT;
	const char *why = NULL;
	size_t at = orig_of(s, k.b);

	/* The key as a JSON string, so that glued line breaks stay visible. */
	json_escape(&q, s->t + k.b, k.e - k.b);
	if (memchr(s->t + k.b, '\n', k.e - k.b) != NULL)
		why = "Node joins this line with the next one into the key %s "
		      "(a line without '=' is glued to the next key)";
	else if (lone_cr_between(s, k.b, k.e))
		why = "Node removes CR characters, so lines separated only by CR form the key %s";
	else if (k.e > k.b && s->t[k.b] == ' ')
		why = "Node reads the key as %s with leading spaces "
		      "(only one space after `export` is removed)";
	else if (k.e - k.b >= 3 && memcmp(s->t + k.b, "\xEF\xBB\xBF", 3) == 0)
		why = "Node keeps the byte order mark in the key %s";
	else if (k.e > k.b && s->t[k.b] == '#')
		why = "Node reads this indented comment as the variable %s";
	if (why != NULL)
		dotenv_add_problem(s->f, s->pos, DOTENV_PROBLEM_MISREAD, at, why, buf_cstr(&q));
	buf_free(&q);
}

static void
core_parse_into(struct dotenv_file *f, const char *data, size_t len)
{
	struct dotenv_norm nm;
	struct dotenv_pos pos;
	struct core_scan s;
	struct sv content;
	/* After an unterminated quote at EOF the same text is read again; one report. */
	bool dropped_at_eof = false;

	dotenv_norm_strip_cr(&nm, data, len);
	dotenv_pos_init(&pos, data, len);
	s.t = nm.text;
	s.n = nm.len;
	s.f = f;
	s.nm = &nm;
	s.pos = &pos;
	s.orig = data;
	s.orig_len = len;
	content.b = 0;
	content.e = nm.len;
	content = trim_spaces(&s, content);
	while (content.b < content.e) {
		struct sv key;
		size_t equal, stmt;
		char front = s.t[content.b];

		/* Skip empty lines and comments. */
		if (front == '\n' || front == '#') {
			size_t nl = sv_find(&s, content, '\n', 0);

			if (nl != NPOS) {
				content.b += nl + 1;
				continue;
			}
		}
		equal = sv_find(&s, content, '=', 0);
		if (equal == NPOS) {
			/* "If there is no equal character, then ignore everything". */
			if (!dropped_at_eof &&
			    !dotenv_line_is_blank_or_comment(s.t + content.b, s.t + content.e))
				dotenv_add_problem(f, &pos, DOTENV_PROBLEM_SKIPPED, orig_of(&s, content.b),
						   "Node ignores the rest of the file from here: no '=' "
						   "follows");
			break;
		}
		key.b = content.b;
		key.e = content.b + equal;
		content.b += equal + 1;
		key = trim_spaces(&s, key);
		if (key.b == key.e) {
			dotenv_add_problem(f, &pos, DOTENV_PROBLEM_SKIPPED, orig_of(&s, key.b),
					   "Node ignores the rest of the file from here: empty key");
			break;
		}
		stmt = key.b;
		if (key.e - key.b >= 7 && memcmp(s.t + key.b, "export ", 7) == 0)
			key.b += 7;
		check_key(&s, key);
		/* The value is trimmed of spaces (not tabs) before its quote is looked at. */
		while (content.b < content.e && s.t[content.b] == ' ')
			content.b++;
		if (content.b == content.e) {
			/* KEY= at the very end of the file. */
			core_store(&s, key, stmt, "", 0, content.b, content.b, DOTENV_QUOTE_NONE);
			break;
		}
		if (s.t[content.b] == '"') {
			size_t close = sv_find(&s, content, '"', 1);

			if (close != NPOS) {
				struct buf v = BUF_INIT;
				size_t nl;

				/* Only \n is expanded, left to right, each once. */
				for (size_t i = content.b + 1; i < content.b + close; i++) {
					if (s.t[i] == '\\' && i + 1 < content.b + close && s.t[i + 1] == 'n') {
						buf_putc(&v, '\n');
						i++;
					} else {
						buf_putc(&v, s.t[i]);
					}
				}
				buf_add(&v, "", 0);
				core_store(&s, key, stmt, v.data, v.len, content.b, content.b + close + 1,
					   DOTENV_QUOTE_DOUBLE);
				buf_free(&v);
				if (s.t[content.b + close - 1] == '\\')
					dotenv_add_problem(f, &pos, DOTENV_PROBLEM_MISREAD,
							   orig_of(&s, content.b + close),
							   "Node ends the value at this escaped quote "
							   "(it has no escapes in quotes)");
				nl = sv_find(&s, content, '\n', close + 1);
				if (!dotenv_line_is_blank_or_comment(
					    s.t + content.b + close + 1,
					    s.t + (nl != NPOS ? content.b + nl : content.e)))
					dotenv_add_problem(f, &pos, DOTENV_PROBLEM_MISREAD,
							   orig_of(&s, content.b + close + 1),
							   "Node drops the text after the closing quote");
				if (nl != NPOS)
					content.b += nl + 1;
				else
					content.b = content.e;
				continue;
			}
		}
		if (s.t[content.b] == '\'' || s.t[content.b] == '"' || s.t[content.b] == '`') {
			char q = s.t[content.b];
			size_t close = sv_find(&s, content, q, 1);
			enum dotenv_quote quote = q == '\'' ? DOTENV_QUOTE_SINGLE
						  : q == '"' ? DOTENV_QUOTE_DOUBLE
							     : DOTENV_QUOTE_BACKTICK;

			if (close == NPOS) {
				size_t nl = sv_find(&s, content, '\n', 0);

				if (nl != NPOS) {
					/* The whole line, opening quote included. */
					core_store(&s, key, stmt, s.t + content.b, nl, content.b,
						   content.b + nl, DOTENV_QUOTE_NONE);
					content.b += nl;
				} else {
					/*
					 * Unterminated at EOF: nothing is stored and the view
					 * is not advanced; the loop then looks for another '='.
					 */
					dotenv_add_problem(f, &pos, DOTENV_PROBLEM_SKIPPED,
							   orig_of(&s, stmt),
							   "Node drops \"%.*s\": its quote is not closed "
							   "before the end of the file",
							   (int)(key.e - key.b), s.t + key.b);
					dropped_at_eof = true;
				}
			} else {
				size_t nl;

				core_store(&s, key, stmt, s.t + content.b + 1, close - 1, content.b,
					   content.b + close + 1, quote);
				if (s.t[content.b + close - 1] == '\\')
					dotenv_add_problem(f, &pos, DOTENV_PROBLEM_MISREAD,
							   orig_of(&s, content.b + close),
							   "Node ends the value at this escaped quote "
							   "(it has no escapes in quotes)");
				nl = sv_find(&s, content, '\n', close + 1);
				if (!dotenv_line_is_blank_or_comment(
					    s.t + content.b + close + 1,
					    s.t + (nl != NPOS ? content.b + nl : content.e)))
					dotenv_add_problem(f, &pos, DOTENV_PROBLEM_MISREAD,
							   orig_of(&s, content.b + close + 1),
							   "Node drops the text after the closing quote");
				if (nl != NPOS)
					content.b += nl;
				else
					content.b = content.e;
			}
		} else {
			size_t nl = sv_find(&s, content, '\n', 0);
			struct sv v = content;

			size_t hash;

			if (nl != NPOS) {
				v.e = content.b + nl;
				content.b += nl;
			}
			hash = sv_find(&s, v, '#', 0);
			if (hash != NPOS)
				v.e = v.b + hash;
			v = trim_spaces(&s, v);
			core_store(&s, key, stmt, s.t + v.b, v.e - v.b, v.b, v.e, DOTENV_QUOTE_NONE);
			if (lone_cr_between(&s, v.b, v.e))
				dotenv_add_problem(f, &pos, DOTENV_PROBLEM_MISREAD, orig_of(&s, v.b),
						   "Node removes CR characters, so lines separated "
						   "only by CR are read as one value");
			if (nl == NPOS)
				break;
		}
	}
	dotenv_pos_free(&pos);
	dotenv_norm_free(&nm);
}

int
dotenv_parse_nodecore(struct dotenv_file *f, const char *data, size_t len,
		      const struct dotenv_options *o)
{
	core_parse_into(f, data, len);
	return 0;
}

int
dotenv_parse_vite(struct dotenv_file *f, const char *data, size_t len,
		  const struct dotenv_options *o)
{
	core_parse_into(f, data, len);
	if (!o->no_expand)
		dotenv_js_expand_file(f, DOTENV_EXP_VITE, o->process_env);
	return 0;
}
