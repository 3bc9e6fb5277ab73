#include "model/finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

struct finding *
finding_add(struct finding_list *fl, const char *rule, enum severity sev, const char *file,
	    int line, int col, int end_line, int end_col, const char *fmt, ...)
{
	struct finding *f = VEC_PUSH_ZERO(&fl->items);
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	f->rule = rule;
	f->severity = sev;
	f->message = buf_detach(&b);
	f->loc.file = xstrdup(file);
	f->loc.line = line;
	f->loc.col = col;
	f->loc.end_line = end_line ? end_line : line;
	f->loc.end_col = end_col;
	return f;
}

void
finding_add_related(struct finding *f, const char *file, int line, int col, const char *message)
{
	struct location *l = VEC_PUSH_ZERO(&f->related);

	l->file = xstrdup(file);
	l->line = line;
	l->col = col;
	l->end_line = line;
	l->message = xstrdup(message);
}

void
finding_set_subject(struct finding *f, const char *service, const char *key)
{
	free(f->service);
	free(f->key);
	f->service = xstrdup(service);
	f->key = xstrdup(key);
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
finding_cmp(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if ((c = strcmp_null(a->loc.file, b->loc.file)) != 0)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)) != 0)
		return c;
	if ((c = strcmp_null(a->service, b->service)) != 0)
		return c;
	return strcmp_null(a->message, b->message);
}

static void
location_free(struct location *l)
{
	free(l->file);
	free(l->message);
}

static void
finding_free(struct finding *f)
{
	size_t i;

	free(f->message);
	location_free(&f->loc);
	for (i = 0; i < f->related.len; i++)
		location_free(&f->related.items[i]);
	VEC_FREE(&f->related);
	free(f->service);
	free(f->key);
	free(f->value_class);
	free(f->fingerprint);
}

static bool
same_problem(const struct finding *a, const struct finding *b)
{
	return a->rule == b->rule && a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
	       strcmp(a->loc.file, b->loc.file) == 0 && strcmp_null(a->service, b->service) == 0 &&
	       strcmp_null(a->key, b->key) == 0 && strcmp_null(a->value_class, b->value_class) == 0;
}

static bool
has_related(const struct finding *f, const struct location *l)
{
	size_t i;

	for (i = 0; i < f->related.len; i++) {
		const struct location *r = &f->related.items[i];

		if (r->line == l->line && r->col == l->col && strcmp(r->file, l->file) == 0 &&
		    strcmp_null(r->message, l->message) == 0)
			return true;
	}
	return false;
}

void
finding_list_merge_same(struct finding_list *fl, size_t from)
{
	size_t i, j, n = from;

	for (i = from; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		for (j = from; j < n && !same_problem(&fl->items.items[j], f); j++)
			;
		if (j == n) {
			fl->items.items[n++] = *f;
			continue;
		}
		for (size_t k = 0; k < f->related.len; k++)
			if (!has_related(&fl->items.items[j], &f->related.items[k]))
				finding_add_related(&fl->items.items[j], f->related.items[k].file,
				                    f->related.items[k].line,
				                    f->related.items[k].col,
				                    f->related.items[k].message);
		finding_free(f);
	}
	fl->items.len = n;
}

void
finding_list_sort(struct finding_list *fl)
{
	size_t i, n = 0;

	if (fl->items.len == 0)
		return;
	qsort(fl->items.items, fl->items.len, sizeof(struct finding), finding_cmp);
	for (i = 0; i < fl->items.len; i++) {
		if (n > 0 && finding_cmp(&fl->items.items[n - 1], &fl->items.items[i]) == 0) {
			finding_free(&fl->items.items[i]);
			continue;
		}
		fl->items.items[n++] = fl->items.items[i];
	}
	fl->items.len = n;
}

void
finding_list_free(struct finding_list *fl)
{
	size_t i;

	for (i = 0; i < fl->items.len; i++)
		finding_free(&fl->items.items[i]);
	VEC_FREE(&fl->items);
}
