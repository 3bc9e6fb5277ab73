#include "config/schema.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/vec.h"

const struct schema_type schema_string = {.kind = SCHEMA_STRING};
const struct schema_type schema_nonempty_string = {.kind = SCHEMA_STRING, .nonempty = true};
const struct schema_type schema_int = {.kind = SCHEMA_INT};
const struct schema_type schema_bool = {.kind = SCHEMA_BOOL};
const struct schema_type schema_regex = {.kind = SCHEMA_REGEX, .nonempty = true};

struct compiled {
	const struct yml_node *node;
	struct rx *rx;
};

struct schema_ctx {
	char *path;
	VEC(struct compiled) regexes;
};

struct schema_ctx *
schema_ctx_new(const char *path)
{
	struct schema_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->path = xstrdup(path);
	return ctx;
}

void
schema_ctx_free(struct schema_ctx *ctx)
{
	size_t i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->regexes.len; i++)
		rx_free(ctx->regexes.items[i].rx);
	VEC_FREE(&ctx->regexes);
	free(ctx->path);
	free(ctx);
}

/* Order of compiled regexes by node address, for schema_regex_of's binary search. */
static int
cmp_compiled(const void *a, const void *b)
{
	uintptr_t na = (uintptr_t)((const struct compiled *)a)->node;
	uintptr_t nb = (uintptr_t)((const struct compiled *)b)->node;

	return (na > nb) - (na < nb);
}

struct rx *
schema_regex_of(const struct schema_ctx *ctx, const struct yml_node *node)
{
	struct compiled key = {node, NULL}, *hit;

	if (ctx->regexes.len == 0)
		return NULL;
	hit = bsearch(&key, ctx->regexes.items, ctx->regexes.len, sizeof(key), cmp_compiled);
	return hit != NULL ? rx_ref(hit->rx) : NULL;
}

int
schema_scalar_long(const struct yml_node *n, long *out)
{
	char *end;
	long v;

	if (n == NULL || n->type != YML_SCALAR || n->style != YML_PLAIN || n->len == 0 ||
	    n->len != strlen(n->text))
		return -1;
	errno = 0;
	v = strtol(n->text, &end, 10);
	if (errno != 0 || *end != '\0' ||
	    (n->text[0] != '-' && n->text[0] != '+' && (n->text[0] < '0' || n->text[0] > '9')))
		return -1;
	*out = v;
	return 0;
}

bool
schema_scalar_true(const struct yml_node *n)
{
	return n != NULL && n->type == YML_SCALAR && n->style == YML_PLAIN &&
	       (yml_scalar_is(n, "true") || yml_scalar_is(n, "True") || yml_scalar_is(n, "TRUE"));
}

static bool
scalar_is_false(const struct yml_node *n)
{
	return n->type == YML_SCALAR && n->style == YML_PLAIN &&
	       (yml_scalar_is(n, "false") || yml_scalar_is(n, "False") ||
	        yml_scalar_is(n, "FALSE"));
}

/* A key or value as it appears in a message: quoted, control bytes escaped, cut at 60 bytes. */
static void
quote_into(struct buf *b, const struct yml_node *n)
{
	size_t i, max = n->len < 60 ? n->len : 60;

	buf_putc(b, '"');
	for (i = 0; i < max; i++) {
		unsigned char c = (unsigned char)n->text[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			buf_printf(b, c == '"' || c == '\\' ? "\\%c" : "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	if (max < n->len)
		buf_puts(b, "...");
	buf_putc(b, '"');
}

/* Edit distance of a and b counting a swap of two neighbours as one edit, or SIZE_MAX when long. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t rows[3][65], *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *tmp;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

/* The candidate closest to word, if close enough to be a likely typo. */
static const char *
closest(const char *word, const char *const *cands, size_t stride, size_t n)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, i, limit = strlen(word) <= 4 ? 1 : 2;

	for (i = 0; i < n; i++) {
		const char *c = *(const char *const *)((const char *)cands + i * stride);
		size_t d = edit_distance(word, c);

		/* An abbreviation ("warn" for "warning") is as likely as a typo. */
		if (strlen(word) >= 3 && strncmp(word, c, strlen(word)) == 0)
			d = 1;

		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	return best_d <= limit ? best : NULL;
}

static int
fail(struct schema_ctx *ctx, const struct yml_node *n, struct buf *msg, struct el_error *err)
{
	el_error_set(err, ctx->path, n->line, n->col, "%s", buf_cstr(msg));
	buf_free(msg);
	return -1;
}

static const char *
expected_name(const struct schema_type *t)
{
	switch (t->kind) {
	case SCHEMA_STRING:
		return "a string";
	case SCHEMA_INT:
		return "an integer";
	case SCHEMA_BOOL:
		return "true or false";
	case SCHEMA_REGEX:
		return "a regular expression (string)";
	case SCHEMA_ENUM:
		return "one of the names listed";
	case SCHEMA_LIST:
		return "a list";
	case SCHEMA_MAP:
	case SCHEMA_OBJECT:
		return "a mapping";
	case SCHEMA_ANY:
		return "a value";
	}
	return "a value";
}

static int
wrong_type(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
           struct el_error *err)
{
	return el_error_set(err, ctx->path, n->line, n->col, "expected %s, got %s",
	                    expected_name(t), yml_kind_name(n));
}

/* Column of the first character of a scalar's text, for regex offsets. */
static int
content_col(const struct yml_node *n)
{
	return n->style == YML_SINGLE_QUOTED || n->style == YML_DOUBLE_QUOTED ? n->col + 1 : n->col;
}

static int
check_regex(struct schema_ctx *ctx, const struct yml_node *n, struct el_error *err)
{
	struct compiled c = {n, NULL};

	if (strlen(n->text) != n->len)
		return el_error_set(err, ctx->path, n->line, n->col,
		                    "a regular expression cannot contain a NUL byte");
	if (rx_compile(&c.rx, n->text, NULL, ctx->path, n->line, content_col(n), err) < 0)
		return -1;
	VEC_PUSH(&ctx->regexes, c);
	return 0;
}

static int
check_enum(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
           struct el_error *err)
{
	struct buf msg = BUF_INIT;
	const char *guess;
	size_t i, count = 0;

	for (i = 0; t->enum_values[i] != NULL; i++)
		if (yml_scalar_is(n, t->enum_values[i]))
			return 0;
	count = i;
	buf_puts(&msg, "unknown value ");
	quote_into(&msg, n);
	guess = closest(n->text, t->enum_values, sizeof(t->enum_values[0]), count);
	if (guess != NULL)
		buf_printf(&msg, " (did you mean \"%s\"?)", guess);
	buf_puts(&msg, "; expected one of: ");
	for (i = 0; i < count; i++)
		buf_printf(&msg, "%s%s", i ? ", " : "", t->enum_values[i]);
	return fail(ctx, n, &msg, err);
}

static int
check_scalar(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
             struct el_error *err)
{
	long v;

	if (n->type != YML_SCALAR || yml_is_null(n))
		return wrong_type(ctx, t, n, err);
	switch (t->kind) {
	case SCHEMA_INT:
		if (schema_scalar_long(n, &v) < 0)
			return wrong_type(ctx, t, n, err);
		if (t->min < t->max && (v < t->min || v > t->max))
			return el_error_set(err, ctx->path, n->line, n->col,
			                    "%ld is out of range (%ld to %ld)", v, t->min, t->max);
		return 0;
	case SCHEMA_BOOL:
		if (!schema_scalar_true(n) && !scalar_is_false(n))
			return wrong_type(ctx, t, n, err);
		return 0;
	case SCHEMA_ENUM:
		return check_enum(ctx, t, n, err);
	default:
		break;
	}
	if (t->nonempty && n->len == 0)
		return el_error_set(err, ctx->path, n->line, n->col, "must not be empty");
	if (t->kind == SCHEMA_REGEX)
		return check_regex(ctx, n, err);
	return 0;
}

static int
cmp_key_ptr(const void *a, const void *b)
{
	const struct yml_pair *pa = *(const struct yml_pair *const *)a;
	const struct yml_pair *pb = *(const struct yml_pair *const *)b;
	size_t n = pa->key->len < pb->key->len ? pa->key->len : pb->key->len;
	int c = memcmp(pa->key->text, pb->key->text, n);

	if (c != 0)
		return c;
	if (pa->key->len != pb->key->len)
		return pa->key->len < pb->key->len ? -1 : 1;
	/* Equal keys: document order, so the later one is reported. */
	return pa < pb ? -1 : (pa > pb);
}

/* Keys must be scalars and unique; reports the second occurrence of a duplicate. */
static int
check_keys(struct schema_ctx *ctx, const struct yml_node *map, struct el_error *err)
{
	const struct yml_pair **sorted;
	const struct yml_pair *dup = NULL, *first = NULL;
	struct buf msg = BUF_INIT;
	size_t i;

	for (i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key;

		if (k->type != YML_SCALAR)
			return el_error_set(err, ctx->path, k->line, k->col,
			                    "a key must be a string, not %s", yml_kind_name(k));
	}
	if (map->count < 2)
		return 0;
	sorted = xcalloc(map->count, sizeof(*sorted));
	for (i = 0; i < map->count; i++)
		sorted[i] = &map->pairs[i];
	qsort(sorted, map->count, sizeof(*sorted), cmp_key_ptr);
	for (i = 1; i < map->count; i++) {
		if (sorted[i - 1]->key->len == sorted[i]->key->len &&
		    memcmp(sorted[i - 1]->key->text, sorted[i]->key->text, sorted[i]->key->len) ==
		        0) {
			/* Report the earliest duplicate in the document, not in sort order. */
			if (dup == NULL || sorted[i] < dup)
				dup = sorted[i];
		}
	}
	free(sorted);
	if (dup == NULL)
		return 0;
	for (i = 0; i < map->count; i++)
		if (map->pairs[i].key->len == dup->key->len &&
		    memcmp(map->pairs[i].key->text, dup->key->text, dup->key->len) == 0) {
			first = &map->pairs[i];
			break;
		}
	buf_puts(&msg, "duplicate key ");
	quote_into(&msg, dup->key);
	buf_printf(&msg, " (first defined at line %d, column %d)", first->key->line,
	           first->key->col);
	return fail(ctx, dup->key, &msg, err);
}

static int check_node(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
                      struct el_error *err);

/* Index of the field named by key k, or -1. */
static int
find_field(const struct schema_type *t, const struct yml_node *k)
{
	const struct schema_field *f;

	for (f = t->fields; f->name != NULL; f++)
		if (k->len > 0 && f->name[0] == k->text[0] && yml_scalar_is(k, f->name))
			return (int)(f - t->fields);
	return -1;
}

/* A mapping with the keys in t's fields: keys, then each value in document order, then required
 * fields. */
static int
check_object_slow(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *map,
                  struct el_error *err)
{
	const struct schema_field *f;
	struct buf msg = BUF_INIT;
	size_t i, nfields = 0;

	if (check_keys(ctx, map, err) < 0)
		return -1;
	for (f = t->fields; f->name != NULL; f++)
		nfields++;
	for (i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key;
		const char *guess;
		int j = find_field(t, k);

		if (j >= 0) {
			if (check_node(ctx, t->fields[j].type, map->pairs[i].value, err) < 0)
				return -1;
			continue;
		}
		buf_puts(&msg, "unknown key ");
		quote_into(&msg, k);
		guess = closest(k->text, &t->fields[0].name, sizeof(t->fields[0]), nfields);
		if (guess != NULL) {
			buf_printf(&msg, " (did you mean \"%s\"?)", guess);
		} else {
			buf_puts(&msg, "; expected one of: ");
			for (f = t->fields; f->name != NULL; f++)
				buf_printf(&msg, "%s%s", f == t->fields ? "" : ", ", f->name);
		}
		return fail(ctx, k, &msg, err);
	}
	for (f = t->fields; f->name != NULL; f++)
		if (f->required && yml_map_pair(map, f->name) == NULL)
			return el_error_set(err, ctx->path, map->line, map->col,
			                    "missing required key \"%s\"", f->name);
	return 0;
}

/* check_object's bit set holds this many fields; objects with more take the slow path. */
#define MAX_FIELDS 64

/*
 * check_object_slow for the usual mapping, whose keys are all distinct
 * fields: their field numbers are looked up once and the duplicate and
 * required checks are a bit set. Anything else takes the slow path, which
 * words every message.
 */
static int
check_object(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *map,
             struct el_error *err)
{
	const struct schema_field *f;
	unsigned char field_of[MAX_FIELDS];
	uint64_t seen = 0;
	size_t i;

	if (map->count > MAX_FIELDS)
		return check_object_slow(ctx, t, map, err);
	for (i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key;
		int j = k->type == YML_SCALAR ? find_field(t, k) : -1;

		if (j < 0 || j >= MAX_FIELDS || (seen & ((uint64_t)1 << j)))
			return check_object_slow(ctx, t, map, err);
		seen |= (uint64_t)1 << j;
		field_of[i] = (unsigned char)j;
	}
	for (i = 0; i < map->count; i++)
		if (check_node(ctx, t->fields[field_of[i]].type, map->pairs[i].value, err) < 0)
			return -1;
	for (f = t->fields; f->name != NULL; f++)
		if (f->required &&
		    (f - t->fields >= MAX_FIELDS ? yml_map_pair(map, f->name) == NULL
		                                 : !(seen & ((uint64_t)1 << (f - t->fields)))))
			return el_error_set(err, ctx->path, map->line, map->col,
			                    "missing required key \"%s\"", f->name);
	return 0;
}

static int
check_node(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
           struct el_error *err)
{
	size_t i;

	/* Recursion follows the schema, whose nesting is fixed and small, not the document. */
	switch (t->kind) {
	case SCHEMA_ANY:
		return 0;
	case SCHEMA_LIST:
		if (n->type != YML_SEQUENCE)
			return wrong_type(ctx, t, n, err);
		if (t->nonempty && n->count == 0)
			return el_error_set(err, ctx->path, n->line, n->col, "must not be empty");
		for (i = 0; i < n->count; i++)
			if (check_node(ctx, t->item, n->items[i], err) < 0)
				return -1;
		return 0;
	case SCHEMA_MAP:
		if (n->type != YML_MAPPING)
			return wrong_type(ctx, t, n, err);
		if (t->nonempty && n->count == 0)
			return el_error_set(err, ctx->path, n->line, n->col, "must not be empty");
		if (check_keys(ctx, n, err) < 0)
			return -1;
		for (i = 0; i < n->count; i++)
			if (check_node(ctx, t->item, n->pairs[i].value, err) < 0)
				return -1;
		return 0;
	case SCHEMA_OBJECT:
		if (n->type != YML_MAPPING)
			return wrong_type(ctx, t, n, err);
		return check_object(ctx, t, n, err);
	default:
		return check_scalar(ctx, t, n, err);
	}
}

int
schema_check(struct schema_ctx *ctx, const struct schema_type *t, const struct yml_node *n,
             struct el_error *err)
{
	if (check_node(ctx, t, n, err) < 0)
		return -1;
	if (ctx->regexes.len > 1)
		qsort(ctx->regexes.items, ctx->regexes.len, sizeof(*ctx->regexes.items),
		      cmp_compiled);
	return 0;
}
