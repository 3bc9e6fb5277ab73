/*
 * A small TOML reader for manifests (pyproject.toml, Pipfile, Cargo.toml):
 * tables, arrays of tables, dotted and quoted keys, basic/literal/multi-line
 * strings, arrays over lines, inline tables and comments, into a tree of
 * nodes in an arena. Other scalars (numbers, booleans, dates) are kept as
 * text. It is enough to find dependency names; input is untrusted, so nesting
 * and node count are bounded and every error has a position.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse/manifest_int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/utf8.h"

/* Nesting of arrays and inline tables inside one value. */
#define TOML_MAX_DEPTH 64
/* Nodes (tables, values, array items) in one document. */
#define TOML_MAX_NODES 500000u

enum toml_type {
	TOML_STRING,
	TOML_OTHER, /* number, boolean, date: text as written */
	TOML_ARRAY,
	TOML_TABLE,
};

struct toml_node {
	enum toml_type type;
	char *key; /* member of a table: its key */
	int kline, kcol;
	char *text; /* strings and other scalars */
	int line, col;
	bool array_of_tables;
	struct toml_node *first, *last, *next;
};

struct toml_parser {
	const char *p, *end, *line_start;
	int line;
	const char *path;
	struct arena arena;
	struct buf scratch;
	size_t nodes;
	struct toml_node *root;
	struct el_error *err;
};

static int
toml_col(const struct toml_parser *tp)
{
	return (int)(tp->p - tp->line_start) + 1;
}

static int
toml_error(struct toml_parser *tp, const char *msg)
{
	return el_error_set(tp->err, tp->path, tp->line, toml_col(tp), "%s", msg);
}

static struct toml_node *
toml_new(struct toml_parser *tp, enum toml_type type)
{
	struct toml_node *n;

	if (++tp->nodes > TOML_MAX_NODES) {
		toml_error(tp, "too many values in one TOML document");
		return NULL;
	}
	n = arena_alloc(&tp->arena, sizeof(*n));
	n->type = type;
	n->line = tp->line;
	n->col = toml_col(tp);
	return n;
}

static void
toml_append(struct toml_node *parent, struct toml_node *child)
{
	if (parent->last != NULL)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
}

static struct toml_node *
toml_child(const struct toml_node *t, const char *key)
{
	if (t == NULL || t->type != TOML_TABLE)
		return NULL;
	for (struct toml_node *c = t->first; c != NULL; c = c->next)
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

/* The node at a dotted path of bare keys ("tool.poetry.dependencies"), or NULL. */
static const struct toml_node *
toml_get(const struct toml_node *t, const char *dotted)
{
	char key[128];

	while (t != NULL && *dotted != '\0') {
		size_t n = strcspn(dotted, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		t = toml_child(t, key);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	return t;
}

static bool
toml_at_end(const struct toml_parser *tp)
{
	return tp->p >= tp->end;
}

static void
toml_newline(struct toml_parser *tp)
{
	if (*tp->p == '\r' && tp->p + 1 < tp->end && tp->p[1] == '\n')
		tp->p++;
	tp->p++;
	tp->line++;
	tp->line_start = tp->p;
}

static void
toml_skip_blanks(struct toml_parser *tp)
{
	while (!toml_at_end(tp) && (*tp->p == ' ' || *tp->p == '\t'))
		tp->p++;
}

static void
toml_skip_comment(struct toml_parser *tp)
{
	if (!toml_at_end(tp) && *tp->p == '#')
		while (!toml_at_end(tp) && *tp->p != '\n' && *tp->p != '\r')
			tp->p++;
}

/* Blanks, comments and newlines (inside arrays and inline tables). */
static void
toml_skip_space(struct toml_parser *tp)
{
	for (;;) {
		toml_skip_blanks(tp);
		toml_skip_comment(tp);
		if (toml_at_end(tp) || (*tp->p != '\n' && *tp->p != '\r'))
			return;
		toml_newline(tp);
	}
}

/* After a key/value or a table header: only a comment may follow on the line. */
static int
toml_end_of_line(struct toml_parser *tp)
{
	toml_skip_blanks(tp);
	toml_skip_comment(tp);
	if (toml_at_end(tp))
		return 0;
	if (*tp->p != '\n' && *tp->p != '\r')
		return toml_error(tp, "expected the end of the line");
	toml_newline(tp);
	return 0;
}

/* The escape after a backslash in a basic string (tp->p at the char after '\'). */
static int
toml_escape(struct toml_parser *tp, struct buf *out)
{
	static const char from[] = "btnfr\"\\e", to[] = "\b\t\n\f\r\"\\\x1b";
	const char *hit;
	int digits = 0;
	unsigned long cp = 0;

	if (toml_at_end(tp))
		return toml_error(tp, "unterminated string");
	hit = strchr(from, *tp->p);
	if (hit != NULL && *tp->p != '\0') {
		buf_putc(out, to[hit - from]);
		tp->p++;
		return 0;
	}
	if (*tp->p == 'u')
		digits = 4;
	else if (*tp->p == 'U')
		digits = 8;
	else if (*tp->p == 'x')
		digits = 2;
	else
		return toml_error(tp, "invalid escape sequence in a string");
	tp->p++;
	for (int i = 0; i < digits; i++, tp->p++) {
		if (toml_at_end(tp) || !isxdigit((unsigned char)*tp->p))
			return toml_error(tp, "invalid escape sequence in a string");
		cp = cp * 16 + (unsigned long)(isdigit((unsigned char)*tp->p)
		                                   ? *tp->p - '0'
		                                   : tolower((unsigned char)*tp->p) - 'a' + 10);
	}
	utf8_put(out, cp);
	return 0;
}

/* A string of any of the four kinds at tp->p; the text is left in tp->scratch. */
static int
toml_string(struct toml_parser *tp)
{
	char q = *tp->p;
	bool multi = tp->end - tp->p >= 3 && tp->p[1] == q && tp->p[2] == q;
	int line = tp->line, col = toml_col(tp);

	buf_reset(&tp->scratch);
	tp->p += multi ? 3 : 1;
	if (multi && !toml_at_end(tp) && (*tp->p == '\n' || *tp->p == '\r'))
		toml_newline(tp); /* a newline right after the opening quotes is trimmed */
	for (;;) {
		if (toml_at_end(tp) || (!multi && (*tp->p == '\n' || *tp->p == '\r')))
			return el_error_set(tp->err, tp->path, line, col, "unterminated string");
		if (*tp->p == q) {
			if (!multi) {
				tp->p++;
				return 0;
			}
			if (tp->end - tp->p >= 3 && tp->p[1] == q && tp->p[2] == q) {
				/* Up to two more quotes belong to the content: """a""""" */
				int extra = 0;

				while (extra < 2 && tp->end - tp->p >= 4 && tp->p[3] == q) {
					buf_putc(&tp->scratch, q);
					tp->p++;
					extra++;
				}
				tp->p += 3;
				return 0;
			}
			buf_putc(&tp->scratch, q);
			tp->p++;
			continue;
		}
		if (*tp->p == '\n' || *tp->p == '\r') {
			buf_putc(&tp->scratch, '\n');
			toml_newline(tp);
			continue;
		}
		if (q == '"' && *tp->p == '\\') {
			tp->p++;
			if (multi && !toml_at_end(tp) &&
			    (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')) {
				/* line-ending backslash: trim the newline and leading blanks */
				toml_skip_space(tp);
				continue;
			}
			if (toml_escape(tp, &tp->scratch) < 0)
				return -1;
			continue;
		}
		buf_putc(&tp->scratch, *tp->p);
		tp->p++;
	}
}

static bool
is_bare_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* One key of a dotted key; the text is returned in the arena. */
static char *
toml_simple_key(struct toml_parser *tp)
{
	const char *s = tp->p;

	if (toml_at_end(tp)) {
		toml_error(tp, "expected a key");
		return NULL;
	}
	if (*tp->p == '"' || *tp->p == '\'') {
		if (tp->end - tp->p >= 3 && tp->p[1] == *tp->p && tp->p[2] == *tp->p) {
			toml_error(tp, "a key cannot be a multi-line string");
			return NULL;
		}
		if (toml_string(tp) < 0)
			return NULL;
		return arena_strndup(&tp->arena, buf_cstr(&tp->scratch), tp->scratch.len);
	}
	while (!toml_at_end(tp) && is_bare_key_char(*tp->p))
		tp->p++;
	if (tp->p == s) {
		toml_error(tp, "expected a key");
		return NULL;
	}
	return arena_strndup(&tp->arena, s, (size_t)(tp->p - s));
}

#define TOML_MAX_KEY_PARTS 32

/* A dotted key: a.b."c.d"; parts and their columns are stored in keys[] and cols[]
 * (a key is on one line). Returns the count or -1. */
static int
toml_key(struct toml_parser *tp, char **keys, int *cols, int *line)
{
	int n = 0;

	*line = tp->line;
	for (;;) {
		toml_skip_blanks(tp);
		if (n == TOML_MAX_KEY_PARTS)
			return toml_error(tp, "too many parts in a dotted key");
		cols[n] = toml_col(tp);
		if ((keys[n++] = toml_simple_key(tp)) == NULL)
			return -1;
		toml_skip_blanks(tp);
		if (toml_at_end(tp) || *tp->p != '.')
			return n;
		tp->p++;
	}
}

/* The sub-table key of t, created when absent; arrays of tables give their last table. */
static struct toml_node *
toml_descend(struct toml_parser *tp, struct toml_node *t, const char *key, int line, int col)
{
	struct toml_node *c = toml_child(t, key);

	if (c == NULL) {
		if ((c = toml_new(tp, TOML_TABLE)) == NULL)
			return NULL;
		c->key = (char *)key;
		c->kline = c->line = line;
		c->kcol = c->col = col;
		toml_append(t, c);
		return c;
	}
	if (c->type == TOML_ARRAY && c->array_of_tables && c->last != NULL)
		return c->last;
	if (c->type != TOML_TABLE) {
		el_error_set(tp->err, tp->path, line, col, "key `%s` is not a table", key);
		return NULL;
	}
	return c;
}

static int toml_value(struct toml_parser *tp, struct toml_node **out, int depth);

/* Parse `key = value` into table t. */
static int
toml_keyval(struct toml_parser *tp, struct toml_node *t, int depth)
{
	char *keys[TOML_MAX_KEY_PARTS];
	int cols[TOML_MAX_KEY_PARTS];
	int n, line;
	struct toml_node *v = NULL;

	if ((n = toml_key(tp, keys, cols, &line)) < 0)
		return -1;
	if (toml_at_end(tp) || *tp->p != '=')
		return toml_error(tp, "expected `=` after a key");
	tp->p++;
	toml_skip_blanks(tp);
	for (int i = 0; i < n - 1; i++)
		if ((t = toml_descend(tp, t, keys[i], line, cols[i])) == NULL)
			return -1;
	if (toml_value(tp, &v, depth) < 0)
		return -1;
	v->key = keys[n - 1];
	v->kline = line;
	v->kcol = cols[n - 1];
	toml_append(t, v);
	return 0;
}

static int
toml_value(struct toml_parser *tp, struct toml_node **out, int depth)
{
	struct toml_node *v;

	if (depth >= TOML_MAX_DEPTH)
		return toml_error(tp, "arrays and inline tables are nested too deeply");
	if (toml_at_end(tp) || *tp->p == '\n' || *tp->p == '\r' || *tp->p == '#')
		return toml_error(tp, "expected a value");
	if (*tp->p == '"' || *tp->p == '\'') {
		if ((v = toml_new(tp, TOML_STRING)) == NULL || toml_string(tp) < 0)
			return -1;
		v->text = arena_strndup(&tp->arena, buf_cstr(&tp->scratch), tp->scratch.len);
	} else if (*tp->p == '[') {
		if ((v = toml_new(tp, TOML_ARRAY)) == NULL)
			return -1;
		tp->p++;
		for (;;) {
			struct toml_node *item = NULL;

			toml_skip_space(tp);
			if (toml_at_end(tp))
				return el_error_set(tp->err, tp->path, v->line, v->col,
				                    "unterminated array");
			if (*tp->p == ']') {
				tp->p++;
				break;
			}
			if (toml_value(tp, &item, depth + 1) < 0)
				return -1;
			toml_append(v, item);
			toml_skip_space(tp);
			if (!toml_at_end(tp) && *tp->p == ',')
				tp->p++;
			else if (!toml_at_end(tp) && *tp->p != ']')
				return toml_error(tp, "expected `,` or `]` in an array");
		}
	} else if (*tp->p == '{') {
		if ((v = toml_new(tp, TOML_TABLE)) == NULL)
			return -1;
		tp->p++;
		for (;;) {
			/* TOML 1.1 allows newlines and a trailing comma here; accept them. */
			toml_skip_space(tp);
			if (toml_at_end(tp))
				return el_error_set(tp->err, tp->path, v->line, v->col,
				                    "unterminated inline table");
			if (*tp->p == '}') {
				tp->p++;
				break;
			}
			if (toml_keyval(tp, v, depth + 1) < 0)
				return -1;
			toml_skip_space(tp);
			if (!toml_at_end(tp) && *tp->p == ',')
				tp->p++;
			else if (!toml_at_end(tp) && *tp->p != '}')
				return toml_error(tp, "expected `,` or `}` in an inline table");
		}
	} else {
		const char *s = tp->p;
		size_t n;

		if ((v = toml_new(tp, TOML_OTHER)) == NULL)
			return -1;
		for (;;) {
			while (!toml_at_end(tp) && strchr(",]}# \t\r\n", *tp->p) == NULL &&
			       *tp->p != '\0')
				tp->p++;
			/* 1979-05-27 07:32:00: a date and a time separated by one space */
			if (tp->p - s == 10 && s[4] == '-' && s[7] == '-' && tp->end - tp->p >= 2 &&
			    tp->p[0] == ' ' && isdigit((unsigned char)tp->p[1])) {
				tp->p++;
				continue;
			}
			break;
		}
		n = (size_t)(tp->p - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0)
			return toml_error(tp, "expected a value");
		v->text = arena_strndup(&tp->arena, s, n);
	}
	*out = v;
	return 0;
}

/* [a.b] or [[a.b]]: make the current table. */
static int
toml_header(struct toml_parser *tp, struct toml_node **cur)
{
	char *keys[TOML_MAX_KEY_PARTS];
	int cols[TOML_MAX_KEY_PARTS];
	bool array = tp->end - tp->p >= 2 && tp->p[1] == '[';
	int n, line, col;
	struct toml_node *t = tp->root;

	tp->p += array ? 2 : 1;
	if ((n = toml_key(tp, keys, cols, &line)) < 0)
		return -1;
	col = cols[n - 1];
	if (toml_at_end(tp) || *tp->p != ']' ||
	    (array && (tp->end - tp->p < 2 || tp->p[1] != ']'))) {
		if (array && !toml_at_end(tp) && *tp->p == ']')
			tp->p++; /* point where the second `]` is missing */
		return toml_error(tp, array ? "expected `]]` after a table name"
		                            : "expected `]` after a table name");
	}
	tp->p += array ? 2 : 1;
	for (int i = 0; i < n - 1; i++)
		if ((t = toml_descend(tp, t, keys[i], line, cols[i])) == NULL)
			return -1;
	if (array) {
		struct toml_node *arr = toml_child(t, keys[n - 1]), *item;

		if (arr == NULL) {
			if ((arr = toml_new(tp, TOML_ARRAY)) == NULL)
				return -1;
			arr->key = keys[n - 1];
			arr->kline = arr->line = line;
			arr->kcol = arr->col = col;
			arr->array_of_tables = true;
			toml_append(t, arr);
		} else if (arr->type != TOML_ARRAY || !arr->array_of_tables) {
			return el_error_set(tp->err, tp->path, line, col,
			                    "key `%s` is not an array of tables", keys[n - 1]);
		}
		if ((item = toml_new(tp, TOML_TABLE)) == NULL)
			return -1;
		item->line = line;
		item->col = col;
		toml_append(arr, item);
		*cur = item;
	} else if ((*cur = toml_descend(tp, t, keys[n - 1], line, col)) == NULL) {
		return -1;
	}
	return toml_end_of_line(tp);
}

/* Parse a whole document; *tp->root is the top table. */
static int
toml_parse(struct toml_parser *tp, const char *data, size_t len)
{
	struct toml_node *cur;

	tp->p = data;
	tp->end = data + len;
	tp->line = 1;
	tp->line_start = data;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		tp->p += 3;
	if ((tp->root = toml_new(tp, TOML_TABLE)) == NULL)
		return -1;
	cur = tp->root;
	for (;;) {
		toml_skip_space(tp);
		if (toml_at_end(tp))
			return 0;
		if (*tp->p == '[') {
			if (toml_header(tp, &cur) < 0)
				return -1;
		} else {
			if (toml_keyval(tp, cur, 0) < 0 || toml_end_of_line(tp) < 0)
				return -1;
		}
	}
}

static void
toml_parser_free(struct toml_parser *tp)
{
	arena_free(&tp->arena);
	buf_free(&tp->scratch);
}

static int
toml_load(struct toml_parser *tp, struct mf_builder *b, const char *data, size_t len,
          struct el_error *err)
{
	memset(tp, 0, sizeof(*tp));
	tp->path = b->path;
	tp->err = err;
	if (toml_parse(tp, data, len) < 0) {
		toml_parser_free(tp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Walking the tree */

static const char *
toml_string_of(const struct toml_node *n)
{
	return n != NULL && n->type == TOML_STRING ? n->text : NULL;
}

/* PEP 508 strings of an array: ["sqlalchemy>=2", "psycopg[binary]"] */
static void
add_pep508_array(struct mf_builder *b, const struct toml_node *arr, bool dev)
{
	if (arr == NULL || arr->type != TOML_ARRAY)
		return;
	for (const struct toml_node *it = arr->first; it != NULL; it = it->next) {
		char *name = NULL, *version = NULL;

		if (it->type != TOML_STRING)
			continue; /* {include-group = "..."} in dependency-groups */
		if (mf_parse_pep508(it->text, strlen(it->text), &name, &version))
			mf_add_dep(b, name, version, dev, it->line, it->col);
		free(name);
		free(version);
	}
}

/* Every array of a table of groups: {dev = [...], test = [...]} */
static void
add_pep508_groups(struct mf_builder *b, const struct toml_node *groups, bool dev)
{
	if (groups == NULL || groups->type != TOML_TABLE)
		return;
	for (const struct toml_node *g = groups->first; g != NULL; g = g->next)
		add_pep508_array(b, g, dev);
}

/*
 * A table of name = spec pairs (Poetry, Pipfile, Cargo): the spec is a
 * version string or a table with `version` (and, for Cargo, `package`, the
 * real crate name). python names are normalised.
 */
static void
add_name_table(struct mf_builder *b, const struct toml_node *t, bool dev, bool python)
{
	if (t == NULL || t->type != TOML_TABLE)
		return;
	for (const struct toml_node *d = t->first; d != NULL; d = d->next) {
		const char *version = NULL, *real = d->key;
		char *name;

		if (d->key == NULL)
			continue;
		if (d->type == TOML_STRING || d->type == TOML_OTHER) {
			version = d->text;
		} else if (d->type == TOML_TABLE) {
			version = toml_string_of(toml_child(d, "version"));
			if (!python && toml_string_of(toml_child(d, "package")) != NULL)
				real = toml_string_of(toml_child(d, "package"));
		} else if (d->type == TOML_ARRAY && d->first != NULL &&
		           d->first->type == TOML_TABLE) {
			/* Poetry multiple constraints: [{version = ..., python = ...}, ...] */
			version = toml_string_of(toml_child(d->first, "version"));
		}
		name = python ? mf_pep503_name(real, strlen(real)) : xstrdup(real);
		mf_add_dep(b, name, version, dev, d->kline, d->kcol);
		free(name);
	}
}

/* [project.scripts]-like tables: name = "module:function" */
static void
add_script_table(struct mf_builder *b, const struct toml_node *t)
{
	if (t == NULL || t->type != TOML_TABLE)
		return;
	for (const struct toml_node *s = t->first; s != NULL; s = s->next)
		if (s->key != NULL && s->type == TOML_STRING)
			mf_add_command(b, s->key, s->text, s->kline, s->kcol);
}

int
mf_parse_pyproject(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct toml_parser tp;
	const struct toml_node *root, *groups, *members;
	const char *name;

	if (toml_load(&tp, b, data, len, err) < 0)
		return -1;
	root = tp.root;
	name = toml_string_of(toml_get(root, "project.name"));
	if (name == NULL)
		name = toml_string_of(toml_get(root, "tool.poetry.name"));
	if (name != NULL)
		mf_set_string(&b->name, name);
	/* PEP 621 */
	add_pep508_array(b, toml_get(root, "project.dependencies"), false);
	add_pep508_groups(b, toml_get(root, "project.optional-dependencies"), false);
	add_script_table(b, toml_get(root, "project.scripts"));
	/* PEP 735 dependency groups (uv's dev group among them) */
	add_pep508_groups(b, toml_get(root, "dependency-groups"), true);
	add_pep508_array(b, toml_get(root, "tool.uv.dev-dependencies"), true);
	add_pep508_groups(b, toml_get(root, "tool.pdm.dev-dependencies"), true);
	/* Poetry */
	add_name_table(b, toml_get(root, "tool.poetry.dependencies"), false, true);
	add_name_table(b, toml_get(root, "tool.poetry.dev-dependencies"), true, true);
	groups = toml_get(root, "tool.poetry.group");
	if (groups != NULL && groups->type == TOML_TABLE)
		for (const struct toml_node *g = groups->first; g != NULL; g = g->next)
			add_name_table(b, toml_child(g, "dependencies"),
			               g->key == NULL || strcmp(g->key, "main") != 0, true);
	add_script_table(b, toml_get(root, "tool.poetry.scripts"));
	/* A uv workspace root without [project] is virtual: it only lists members. */
	members = toml_get(root, "tool.uv.workspace.members");
	if (toml_get(root, "project") == NULL && members != NULL && members->type == TOML_ARRAY)
		for (const struct toml_node *m = members->first; m != NULL; m = m->next)
			if (m->type == TOML_STRING)
				mf_add_workspace(b, m->text);
	toml_parser_free(&tp);
	return 0;
}

int
mf_parse_pipfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct toml_parser tp;

	if (toml_load(&tp, b, data, len, err) < 0)
		return -1;
	add_name_table(b, toml_get(tp.root, "packages"), false, true);
	add_name_table(b, toml_get(tp.root, "dev-packages"), true, true);
	add_script_table(b, toml_get(tp.root, "scripts"));
	toml_parser_free(&tp);
	return 0;
}

int
mf_parse_cargo(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct toml_parser tp;
	const struct toml_node *members, *target;
	const char *name;

	if (toml_load(&tp, b, data, len, err) < 0)
		return -1;
	name = toml_string_of(toml_get(tp.root, "package.name"));
	if (name != NULL)
		mf_set_string(&b->name, name);
	add_name_table(b, toml_get(tp.root, "dependencies"), false, false);
	add_name_table(b, toml_get(tp.root, "dev-dependencies"), true, false);
	add_name_table(b, toml_get(tp.root, "build-dependencies"), true, false);
	/* [target.'cfg(unix)'.dependencies] */
	target = toml_get(tp.root, "target");
	if (target != NULL && target->type == TOML_TABLE)
		for (const struct toml_node *t = target->first; t != NULL; t = t->next) {
			add_name_table(b, toml_child(t, "dependencies"), false, false);
			add_name_table(b, toml_child(t, "dev-dependencies"), true, false);
		}
	members = toml_get(tp.root, "workspace.members");
	if (members != NULL && members->type == TOML_ARRAY)
		for (const struct toml_node *m = members->first; m != NULL; m = m->next)
			if (m->type == TOML_STRING)
				mf_add_workspace(b, m->text);
	toml_parser_free(&tp);
	return 0;
}
