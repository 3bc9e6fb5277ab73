#include "model/reads.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model/loaders.h"
#include "util/buf.h"

bool
reads_non_runtime(const struct scan *s, const struct walk_entry *e)
{
	return scan_entry_globs_match(s, e, s->loaders->non_runtime_paths.items,
	                              s->loaders->non_runtime_paths.len);
}

bool
reads_test_entry(const struct scan *s, const struct walk_entry *e)
{
	return scan_entry_globs_match(s, e, s->loaders->test_paths.items,
	                              s->loaders->test_paths.len);
}

bool
reads_case_insensitive(const struct scan *s, const char *kind)
{
	size_t i;

	for (i = 0; kind != NULL && i < s->loaders->reads.len; i++) {
		const struct read_pattern *rp = s->loaders->reads.items[i];

		if (strcmp(rp->sp.id, kind) == 0)
			return rp->case_insensitive;
	}
	return false;
}

static void
add_read(struct service *svc, const char *file, const char *key, size_t klen, int line, int col,
	 const char *kind, bool runtime)
{
	struct env_read *rd;
	size_t i;

	if (klen == 0)
		return;
	for (i = 0; i < klen; i++) {
		if (!(isalnum((unsigned char)key[i]) || key[i] == '_'))
			return;
	}
	rd = VEC_PUSH_ZERO(&svc->reads);
	rd->key = xstrndup(key, klen);
	rd->file = xstrdup(file);
	rd->line = line;
	rd->col = col;
	rd->kind = kind;
	rd->runtime = runtime;
}

/* { A, B: b, C = 1, ...rest } */
static void
add_destructured(struct service *svc, const char *file, const char *keys,
		 const struct source_match *m, const char *kind, bool runtime)
{
	const char *p = keys, *start;

	while (*p) {
		while (*p && !(isalnum((unsigned char)*p) || *p == '_' || *p == '.'))
			p++;
		if (*p == '.') {
			while (*p == '.')
				p++;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			continue;
		}
		start = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		add_read(svc, file, start, (size_t)(p - start), m->line, m->col, kind, runtime);
		while (*p && *p != ',')
			p++;
	}
}

/* One physical line of a class body. */
struct body_line {
	const char *text; /* first non-blank character */
	size_t len;       /* up to the end of the line */
	int indent, line;
};

static bool
next_line(const char *data, size_t len, size_t *off, int *line, struct body_line *out)
{
	size_t i = *off, start;
	int indent = 0;

	if (i >= len)
		return false;
	start = i;
	while (i < len && (data[i] == ' ' || data[i] == '\t')) {
		indent += data[i] == '\t' ? 8 : 1;
		i++;
	}
	out->text = data + i;
	while (i < len && data[i] != '\n')
		i++;
	out->len = (size_t)(data + i - out->text);
	while (out->len > 0 && isspace((unsigned char)out->text[out->len - 1]))
		out->len--;
	out->indent = indent;
	out->line = *line;
	*off = i < len ? i + 1 : i;
	(*line)++;
	(void)start;
	return true;
}

/* The string literal after `name` = / : in text (env_prefix='APP_'), or NULL. */
static char *
string_setting(const char *text, size_t len, const char *name)
{
	size_t n = strlen(name), i, j;

	for (i = 0; i + n < len; i++) {
		if (strncmp(text + i, name, n) != 0 || (i > 0 && (isalnum((unsigned char)text[i - 1]) ||
								text[i - 1] == '_')))
			continue;
		j = i + n;
		while (j < len && isspace((unsigned char)text[j]))
			j++;
		if (j >= len || (text[j] != '=' && text[j] != ':'))
			continue;
		j++;
		while (j < len && isspace((unsigned char)text[j]))
			j++;
		if (j < len && (text[j] == '"' || text[j] == '\'')) {
			char q = text[j];
			size_t k = j + 1;

			while (k < len && text[k] != q && text[k] != '\n')
				k++;
			if (k < len && text[k] == q)
				return xstrndup(text + j + 1, k - j - 1);
		}
	}
	return NULL;
}

/*
 * A pydantic settings class: `class Settings(BaseSettings):` followed by an
 * indented body. Every annotated field at the body's indentation
 * (`database_url: str`, `db_url: PostgresDsn = ...`) is a read of
 * env_prefix + name (alias= / validation_alias= name it instead); names
 * starting with `_` and model_config are not fields.
 */
static void
add_class_fields(struct service *svc, const char *file, const char *data, size_t len,
		 const struct source_match *m, const char *kind, bool runtime)
{
	size_t off = m->end, body_start;
	int line = m->line, class_indent = m->col - 1, body_indent = -1;
	struct body_line bl;
	char *prefix;
	struct {
		size_t start, len;
		int line, col;
		char *alias;
	} fields[256];
	size_t nfields = 0, i;

	/* Count the lines of the class header (it may span lines). */
	for (i = m->start; i < m->end && i < len; i++)
		if (data[i] == '\n')
			line++;
	/* The rest of the header line. */
	while (off < len && data[off] != '\n')
		off++;
	if (off < len)
		off++;
	line++;
	body_start = off;
	while (next_line(data, len, &off, &line, &bl)) {
		if (bl.len == 0 || bl.text[0] == '#')
			continue;
		if (bl.indent <= class_indent)
			break;
		if (body_indent < 0)
			body_indent = bl.indent;
		if (bl.indent != body_indent || nfields == sizeof(fields) / sizeof(fields[0]))
			continue;
		{
			size_t n = 0;

			while (n < bl.len && (isalnum((unsigned char)bl.text[n]) || bl.text[n] == '_'))
				n++;
			if (n == 0 || bl.text[0] == '_' || isdigit((unsigned char)bl.text[0]) ||
			    n >= bl.len || bl.text[n] != ':' ||
			    (n == 12 && strncmp(bl.text, "model_config", 12) == 0))
				continue;
			fields[nfields].start = (size_t)(bl.text - data);
			fields[nfields].len = n;
			fields[nfields].line = bl.line;
			fields[nfields].col = bl.indent + 1;
			fields[nfields].alias = string_setting(bl.text + n, bl.len - n, "validation_alias");
			if (fields[nfields].alias == NULL)
				fields[nfields].alias = string_setting(bl.text + n, bl.len - n, "alias");
			nfields++;
		}
	}
	prefix = string_setting(data + body_start, off - body_start, "env_prefix");
	for (i = 0; i < nfields; i++) {
		struct buf key = BUF_INIT;
		size_t k;

		if (fields[i].alias != NULL) {
			buf_puts(&key, fields[i].alias);
		} else {
			if (prefix != NULL)
				buf_puts(&key, prefix);
			buf_add(&key, data + fields[i].start, fields[i].len);
		}
		/* Case-insensitive: shown upper-case, as env files usually spell it. */
		for (k = 0; k < key.len; k++)
			key.data[k] = (char)toupper((unsigned char)key.data[k]);
		add_read(svc, file, buf_cstr(&key), key.len, fields[i].line, fields[i].col, kind,
			 runtime);
		buf_free(&key);
		free(fields[i].alias);
	}
	free(prefix);
}

void
reads_add_match(struct scan *s, struct service *svc, const struct walk_entry *e,
		const char *data, size_t len, const struct source_match *m, size_t idx)
{
	const struct read_pattern *rp = s->loaders->reads.items[idx];
	const char *file = e->path;
	bool runtime = !reads_non_runtime(s, e);
	const char *key, *keys;

	if (rp->class_body) {
		add_class_fields(svc, file, data, len, m, rp->sp.id, runtime);
		return;
	}
	key = source_group(m, "key");
	if (key != NULL) {
		add_read(svc, file, key, strlen(key), m->line, m->col, rp->sp.id, runtime);
		return;
	}
	keys = source_group(m, "keys");
	if (keys != NULL)
		add_destructured(svc, file, keys, m, rp->sp.id, runtime);
}
