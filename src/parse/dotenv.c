/*
 * The dotenv module's front: the dialect table, dispatch to the per-dialect
 * parsers (dotenv_*.c), and the helpers every dialect uses to record bindings,
 * problems and positions (dotenv_int.h).
 */
#include "parse/dotenv.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_int.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct dotenv_dialect_info {
	const char *name;
	dotenv_parse_fn parse;
	bool first_duplicate_wins;
};

/* Indexed by enum dotenv_dialect. */
static const struct dotenv_dialect_info dotenv_dialects[DOTENV_DIALECT_COUNT] = {
	[DOTENV_NODE_DOTENV] = {"node-dotenv", dotenv_parse_node, false},
	[DOTENV_DOTENV_EXPAND] = {"dotenv-expand", dotenv_parse_expand, false},
	[DOTENV_NODE_CORE] = {"node-core", dotenv_parse_nodecore, false},
	[DOTENV_NEXTJS] = {"nextjs", dotenv_parse_nextjs, false},
	[DOTENV_VITE] = {"vite", dotenv_parse_vite, false},
	[DOTENV_PYTHON_DOTENV] = {"python-dotenv", dotenv_parse_python, false},
	[DOTENV_COMPOSE] = {"compose", dotenv_parse_compose, false},
	[DOTENV_GODOTENV] = {"godotenv", dotenv_parse_go, false},
	[DOTENV_RUBY_DOTENV] = {"ruby-dotenv", dotenv_parse_ruby, false},
	/* dotenvy's from_path never overrides a set variable: the first one stays (§6.3). */
	[DOTENV_DOTENVY] = {"dotenvy", dotenv_parse_rust, true},
};

const char *
dotenv_dialect_name(enum dotenv_dialect d)
{
	if ((unsigned)d >= DOTENV_DIALECT_COUNT)
		return "unknown";
	return dotenv_dialects[d].name;
}

int
dotenv_dialect_from_name(const char *name, enum dotenv_dialect *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < DOTENV_DIALECT_COUNT; i++) {
		if (strcmp(name, dotenv_dialects[i].name) == 0) {
			*out = (enum dotenv_dialect)i;
			return 0;
		}
	}
	return -1;
}

bool
dotenv_dialect_expands(enum dotenv_dialect d)
{
	return dotenv_dialect_expander(d) != DOTENV_EXP_NONE;
}

bool
dotenv_dialect_first_duplicate_wins(enum dotenv_dialect d)
{
	if ((unsigned)d >= DOTENV_DIALECT_COUNT)
		return false;
	return dotenv_dialects[d].first_duplicate_wins;
}

enum dotenv_expander
dotenv_dialect_expander(enum dotenv_dialect d)
{
	switch (d) {
	case DOTENV_DOTENV_EXPAND:
		return DOTENV_EXP_DOTENV_EXPAND;
	case DOTENV_NEXTJS:
		return DOTENV_EXP_NEXT_OLD;
	case DOTENV_VITE:
		return DOTENV_EXP_VITE;
	case DOTENV_PYTHON_DOTENV:
		return DOTENV_EXP_PYTHON;
	case DOTENV_COMPOSE:
		return DOTENV_EXP_COMPOSE;
	case DOTENV_GODOTENV:
		return DOTENV_EXP_GODOTENV;
	case DOTENV_RUBY_DOTENV:
		return DOTENV_EXP_RUBY;
	case DOTENV_DOTENVY:
		return DOTENV_EXP_DOTENVY;
	case DOTENV_NODE_DOTENV:
	case DOTENV_NODE_CORE:
	case DOTENV_DIALECT_COUNT:
		break;
	}
	return DOTENV_EXP_NONE;
}

int
dotenv_parse(struct dotenv_file **out, const char *data, size_t len, enum dotenv_dialect d,
	     const struct dotenv_options *opts, struct el_error *err)
{
	static const struct dotenv_options no_opts = {NULL, false, false};
	struct dotenv_file *f;

	if ((unsigned)d >= DOTENV_DIALECT_COUNT)
		return el_error_set(err, NULL, 0, 0, "unknown .env dialect %d", (int)d);
	if (data == NULL && len > 0)
		return el_error_set(err, NULL, 0, 0, "no data to parse");
	if (data == NULL)
		data = "";
	f = xcalloc(1, sizeof(*f));
	f->dialect = d;
	f->had_bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
	dotenv_dialects[d].parse(f, data, len, opts ? opts : &no_opts);
	*out = f;
	return 0;
}

char *
dotenv_expand_value(enum dotenv_dialect d, const char *raw, enum dotenv_quote quote,
		    const struct dotenv_lookup *lookup, bool *unknowable)
{
	struct dotenv_expansion x = {0};
	enum dotenv_expander e = dotenv_dialect_expander(d);
	char *v;

	if (unknowable)
		*unknowable = false;
	if (raw == NULL)
		return NULL;
	/*
	 * Single-quoted values stay literal in compose, godotenv, ruby and dotenvy;
	 * python-dotenv and the JavaScript expanders (which only see the parsed
	 * map) expand them too (env-loading.md c41, c76).
	 */
	if (e == DOTENV_EXP_NONE ||
	    (quote == DOTENV_QUOTE_SINGLE && (e == DOTENV_EXP_COMPOSE || e == DOTENV_EXP_GODOTENV ||
					      e == DOTENV_EXP_RUBY || e == DOTENV_EXP_DOTENVY)))
		return xstrdup(raw);
	dotenv_expand_run(e, raw, NULL, lookup, &x);
	if (unknowable)
		*unknowable = x.unknowable;
	v = x.value;
	x.value = NULL;
	dotenv_expansion_clear(&x);
	return v;
}

void
dotenv_binding_clear(struct dotenv_binding *b)
{
	free(b->key);
	free(b->value);
	free(b->raw_value);
	for (size_t i = 0; i < b->nrefs; i++)
		free(b->refs[i]);
	free(b->refs);
	for (size_t i = 0; i < b->nundefined_refs; i++)
		free(b->undefined_refs[i]);
	free(b->undefined_refs);
	memset(b, 0, sizeof(*b));
}

void
dotenv_truncate_bindings(struct dotenv_file *f, size_t n)
{
	while (f->nbindings > n)
		dotenv_binding_clear(&f->bindings[--f->nbindings]);
}

void
dotenv_file_free(struct dotenv_file *f)
{
	if (f == NULL)
		return;
	dotenv_truncate_bindings(f, 0);
	free(f->bindings);
	for (size_t i = 0; i < f->nproblems; i++)
		free(f->problems[i].message);
	free(f->problems);
	free(f);
}

/* ---- positions ---------------------------------------------------------- */

/* Whether a line starts at offset p (1 <= p <= len): after LF, or after a CR not followed by LF. */
static bool
pos_is_line_start(const char *d, size_t len, size_t p)
{
	if (d[p - 1] == '\n')
		return true;
	return d[p - 1] == '\r' && (p == len || d[p] != '\n');
}

void
dotenv_pos_init(struct dotenv_pos *p, const char *data, size_t len)
{
	size_t lines = 0, start = 0;

	p->data = data;
	p->len = len;
	p->nblocks = len / DOTENV_POS_BLOCK + 1;
	p->lines_before = xreallocarray(NULL, p->nblocks, sizeof(size_t));
	p->line_start = xreallocarray(NULL, p->nblocks, sizeof(size_t));
	p->lines_before[0] = 0;
	p->line_start[0] = 0;
	p->cursor = xcalloc(1, sizeof(*p->cursor));
	for (size_t i = 1; i <= len; i++) {
		if (pos_is_line_start(data, len, i)) {
			lines++;
			start = i;
		}
		if (i % DOTENV_POS_BLOCK == 0) {
			p->lines_before[i / DOTENV_POS_BLOCK] = lines;
			p->line_start[i / DOTENV_POS_BLOCK] = start;
		}
	}
}

void
dotenv_pos_free(struct dotenv_pos *p)
{
	free(p->lines_before);
	free(p->line_start);
	free(p->cursor);
	p->cursor = NULL;
	p->lines_before = p->line_start = NULL;
	p->nblocks = 0;
}

void
dotenv_pos_get(const struct dotenv_pos *p, size_t off, int *line, int *col)
{
	size_t k, lines, start;

	struct dotenv_pos_cursor *c = p->cursor;
	size_t from;

	if (off > p->len)
		off = p->len;
	if (off >= c->off && off - c->off <= 2 * DOTENV_POS_BLOCK) {
		/* Forward from the last answer. */
		lines = c->lines;
		start = c->start;
		from = c->off + 1;
	} else if (off < c->off && off >= c->start) {
		/* Back, but on the same line. */
		lines = c->lines;
		start = c->start;
		from = off + 1;
	} else {
		k = off / DOTENV_POS_BLOCK;
		lines = p->lines_before[k];
		start = p->line_start[k];
		from = k * DOTENV_POS_BLOCK + 1;
	}
	for (size_t i = from; i <= off; i++) {
		if (pos_is_line_start(p->data, p->len, i)) {
			lines++;
			start = i;
		}
	}
	c->off = off;
	c->lines = lines;
	c->start = start;
	*line = lines + 1 > INT32_MAX ? INT32_MAX : (int)(lines + 1);
	*col = off - start + 1 > INT32_MAX ? INT32_MAX : (int)(off - start + 1);
}

/* ---- building the result ------------------------------------------------ */

/* Grow an array whose capacity is implied by its length (powers of two). */
static void *
grow_implied(void *items, size_t n, size_t elem)
{
	if (n == 0)
		return xreallocarray(items, 8, elem);
	if (n >= 8 && (n & (n - 1)) == 0)
		return xreallocarray(items, n * 2, elem);
	return items;
}

struct dotenv_binding *
dotenv_add_binding(struct dotenv_file *f, const struct dotenv_pos *pos,
		   const struct dotenv_span *span, const char *key, size_t keylen, const char *raw,
		   size_t rawlen, enum dotenv_quote quote)
{
	struct dotenv_binding *b;

	f->bindings = grow_implied(f->bindings, f->nbindings, sizeof(*f->bindings));
	b = &f->bindings[f->nbindings++];
	memset(b, 0, sizeof(*b));
	b->key = xstrndup(key, keylen);
	if (raw != NULL) {
		b->raw_value = xstrndup(raw, rawlen);
		b->value = xstrndup(raw, rawlen);
	}
	dotenv_pos_get(pos, span->start, &b->line, &b->col);
	dotenv_pos_get(pos, span->value_start, &b->value_line, &b->value_col);
	dotenv_pos_get(pos, span->end, &b->end_line, &b->end_col);
	b->quote = quote;
	return b;
}

static void
add_problem_v(struct dotenv_file *f, enum dotenv_problem_kind kind, int line, int col,
	      const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	struct dotenv_problem *p;

	buf_vprintf(&msg, fmt, ap);
	f->problems = grow_implied(f->problems, f->nproblems, sizeof(*f->problems));
	p = &f->problems[f->nproblems++];
	p->kind = kind;
	p->line = line;
	p->col = col;
	p->message = buf_detach(&msg);
}

void
dotenv_add_problem(struct dotenv_file *f, const struct dotenv_pos *pos,
		   enum dotenv_problem_kind kind, size_t off, const char *fmt, ...)
{
	va_list ap;
	int line, col;

	dotenv_pos_get(pos, off, &line, &col);
	va_start(ap, fmt);
	add_problem_v(f, kind, line, col, fmt, ap);
	va_end(ap);
}

void
dotenv_add_problem_at(struct dotenv_file *f, enum dotenv_problem_kind kind, int line, int col,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_problem_v(f, kind, line, col, fmt, ap);
	va_end(ap);
}

void
dotenv_set_value(struct dotenv_binding *b, char *v)
{
	free(b->value);
	b->value = v;
	b->expanded = !(v == NULL && b->raw_value == NULL) &&
		      (v == NULL || b->raw_value == NULL || strcmp(v, b->raw_value) != 0);
}

bool
dotenv_line_is_blank_or_comment(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' ||
			 *s == '\f'))
		s++;
	return s == e || *s == '#';
}

/* ---- name index --------------------------------------------------------- */

static size_t
index_hash(const char *s)
{
	size_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

void
dotenv_index_init(struct dotenv_index *ix, const struct dotenv_file *f)
{
	ix->cap = 64;
	ix->count = 0;
	ix->slots = xcalloc(ix->cap, sizeof(size_t));
	ix->f = f;
}

void
dotenv_index_free(struct dotenv_index *ix)
{
	free(ix->slots);
	ix->slots = NULL;
	ix->cap = ix->count = 0;
}

static size_t *
index_slot(const struct dotenv_index *ix, const char *name)
{
	size_t i = index_hash(name) & (ix->cap - 1);

	for (;;) {
		size_t *s = &ix->slots[i];

		if (*s == 0 || strcmp(ix->f->bindings[*s - 1].key, name) == 0)
			return s;
		i = (i + 1) & (ix->cap - 1);
	}
}

void
dotenv_index_put(struct dotenv_index *ix, size_t binding, bool first_wins)
{
	size_t *s;

	if ((ix->count + 1) * 2 > ix->cap) {
		size_t *old = ix->slots, oldcap = ix->cap;

		ix->cap *= 2;
		ix->slots = xcalloc(ix->cap, sizeof(size_t));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i] != 0)
				*index_slot(ix, ix->f->bindings[old[i] - 1].key) = old[i];
		free(old);
	}
	s = index_slot(ix, ix->f->bindings[binding].key);
	if (*s == 0)
		ix->count++;
	else if (first_wins)
		return;
	*s = binding + 1;
}

long
dotenv_index_find(const struct dotenv_index *ix, const char *name)
{
	size_t *s = index_slot(ix, name);

	return *s == 0 ? -1 : (long)(*s - 1);
}

/* ---- normalised copies -------------------------------------------------- */

static void
norm_build(struct dotenv_norm *n, const char *data, size_t len, bool strip_all_cr)
{
	size_t cap = 0;

	n->text = xmalloc(len + 1);
	n->len = 0;
	n->removed = NULL;
	n->nremoved = 0;
	for (size_t i = 0; i < len; i++) {
		bool remove;

		if (data[i] != '\r') {
			n->text[n->len++] = data[i];
			continue;
		}
		remove = strip_all_cr || (i + 1 < len && data[i + 1] == '\n');
		if (!remove) {
			n->text[n->len++] = '\n';
			continue;
		}
		if (n->nremoved == cap) {
			cap = cap ? cap * 2 : 16;
			n->removed = xreallocarray(n->removed, cap, sizeof(size_t));
		}
		n->removed[n->nremoved++] = n->len;
	}
	n->text[n->len] = '\0';
}

void
dotenv_norm_crlf(struct dotenv_norm *n, const char *data, size_t len)
{
	norm_build(n, data, len, false);
}

void
dotenv_norm_strip_cr(struct dotenv_norm *n, const char *data, size_t len)
{
	norm_build(n, data, len, true);
}

size_t
dotenv_norm_orig(const struct dotenv_norm *n, size_t off)
{
	size_t lo = 0, hi = n->nremoved;

	/* Count removals recorded at offsets <= off: bytes removed before the byte at off. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->removed[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return off + lo;
}

void
dotenv_norm_free(struct dotenv_norm *n)
{
	free(n->text);
	free(n->removed);
	memset(n, 0, sizeof(*n));
}
