#include "model/dbkind.h"

#include <string.h>

#include "config/pack.h"
#include "config/yaml.h"
#include "model/discover.h"
#include "model/reads.h"
#include "model/scan.h"
#include "model/service.h"
#include "parse/manifest.h"
#include "util/buf.h"
#include "util/memfind.h"
#include "util/rx.h"
#include "util/vec.h"
#include "util/xalloc.h"
#include "walk/ignore.h"

struct dbkind_pattern {
	VEC(char *) files; /* globs on the base name */
	char *literal;     /* text the regex needs in a file, or NULL */
	struct rx *rx;     /* group `kind` names the database */
};

struct dbkind_set {
	VEC(struct dbkind_pattern) pats;
	VEC(char *) postgres; /* kinds that mean Postgres */
};

struct verdict {
	bool postgres, other;
};

int
dbkind_load(struct dbkind_set **out, struct scan *s, struct el_error *err)
{
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	struct dbkind_set *ds = xcalloc(1, sizeof(*ds));
	size_t n = 0, d, i;

	if (s->packs != NULL && packs_kind_docs(s->packs, "connections", &roots, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *l = yml_map_get(roots[d], "databases");

		yml_strings(yml_map_get(roots[d], "postgres-kinds"), &ds->postgres);
		for (i = 0; l != NULL && i < l->count; i++) {
			const struct yml_node *re = yml_map_get(l->items[i], "regex");
			struct dbkind_pattern p;

			memset(&p, 0, sizeof(p));
			if (re == NULL || packs_regex(s->packs, &p.rx, re, paths[d], err) != 0) {
				dbkind_free(ds);
				return -1;
			}
			yml_strings(yml_map_get(l->items[i], "files"), &p.files);
			if (yml_map_text(l->items[i], "literal") != NULL)
				p.literal = xstrdup(yml_map_text(l->items[i], "literal"));
			VEC_PUSH(&ds->pats, p);
		}
	}
	*out = ds;
	return 0;
}

void
dbkind_free(struct dbkind_set *ds)
{
	size_t i, j;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->pats.len; i++) {
		for (j = 0; j < ds->pats.items[i].files.len; j++)
			free(ds->pats.items[i].files.items[j]);
		VEC_FREE(&ds->pats.items[i].files);
		free(ds->pats.items[i].literal);
		rx_free(ds->pats.items[i].rx);
	}
	VEC_FREE(&ds->pats);
	for (i = 0; i < ds->postgres.len; i++)
		free(ds->postgres.items[i]);
	VEC_FREE(&ds->postgres);
	free(ds);
}

/* Whether a base name matches a files glob; "*.ext" and plain names without wildmatch. */
static bool
name_matches(const char *glob, const char *base)
{
	const char *rest = glob[0] == '*' ? glob + 1 : glob;
	size_t n, m;

	if (strpbrk(rest, "*?[\\") != NULL)
		return ignore_wildmatch(glob, base, false);
	if (rest == glob)
		return strcmp(glob, base) == 0;
	n = strlen(rest);
	m = strlen(base);
	return m >= n && memcmp(base + m - n, rest, n) == 0;
}

/*
 * Every `kind` the patterns whose files match path find in it; none when
 * skip_tests and path is test code (checked only for a file a pattern names).
 */
static void
judge_file(const struct dbkind_set *ds, struct scan *s, const struct walk_entry *e,
           bool skip_tests, struct verdict *v)
{
	const char *path = e->path, *base = strrchr(path, '/'), *data;
	struct el_error err = EL_ERROR_INIT;
	size_t i, j, len, off;
	int g;

	base = base ? base + 1 : path;
	for (i = 0; i < ds->pats.len; i++) {
		const struct dbkind_pattern *p = &ds->pats.items[i];
		bool named = false;

		for (j = 0; j < p->files.len && !named; j++)
			named = name_matches(p->files.items[j], base);
		if (!named || (g = rx_group_number(p->rx, "kind")) < 0)
			continue;
		if (skip_tests && reads_test_entry(s, e))
			break;
		if ((data = scan_entry_source(s, e, &len, &err)) == NULL ||
		    (p->literal != NULL && !mem_contains(data, len, p->literal, strlen(p->literal))))
			continue;
		for (off = 0; off < len;) {
			struct rx_match m;
			bool pg = false;

			if (rx_match(scan_rx(s), p->rx, data, len, off, &m) != RX_MATCH || g >= m.ngroups ||
			    m.start[g] == (size_t)-1 || m.end[0] <= off)
				break;
			for (j = 0; j < ds->postgres.len && !pg; j++)
				pg = strlen(ds->postgres.items[j]) == m.end[g] - m.start[g] &&
				     strncmp(ds->postgres.items[j], data + m.start[g],
				             m.end[g] - m.start[g]) == 0;
			if (pg)
				v->postgres = true;
			else
				v->other = true;
			off = m.end[0];
		}
	}
	el_error_clear(&err);
}

/* Every walked file under dir (a schema folder), or dir itself when it is a file. */
static void
judge_tree(const struct dbkind_set *ds, struct scan *s, const char *dir, struct verdict *v)
{
	size_t i, n = strlen(dir);

	for (i = 0; i < s->walk->nentries; i++) {
		const char *p = s->walk->entries[i].path;

		if (strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/'))
			judge_file(ds, s, &s->walk->entries[i], false, v);
	}
}

/* `--schema=PATH` / `--schema PATH` in a command, or NULL. */
static char *
schema_flag(const char *cmd)
{
	const char *p = strstr(cmd, "--schema");
	size_t len;

	if (p == NULL || (p[8] != '=' && p[8] != ' '))
		return NULL;
	for (p += 9; *p == ' '; p++)
		;
	if (*p == '"' || *p == '\'')
		p++;
	for (len = 0; p[len] && p[len] != ' ' && p[len] != '"' && p[len] != '\'' &&
	              p[len] != ';' && p[len] != '&';
	     len++)
		;
	return len ? xstrndup(p, len) : NULL;
}

bool
dbkind_not_postgres(const struct dbkind_set *ds, struct scan *s, const struct service *svc)
{
	struct verdict v = {false, false};
	size_t i, j;

	if (ds == NULL || ds->pats.len == 0)
		return false;
	/* Test settings (an SQLite ENGINE for the test run) say nothing about production. */
	for (i = 0; i < svc->files.len; i++) {
		judge_file(ds, s, &s->walk->entries[svc->files.items[i]], true, &v);
	}
	/* A schema kept elsewhere: "prisma": {"schema": ...}, prisma --schema=... */
	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct scan_parsed *p = svc->own_manifests.items[i];
		const struct manifest *m = p->manifest;
		char *dir = path_dirname(p->entry->path);

		if (m->prisma_schema != NULL) {
			char *at = path_join(dir, m->prisma_schema);

			judge_tree(ds, s, at, &v);
			free(at);
		}
		for (j = 0; j < m->ncommands; j++) {
			char *f = schema_flag(m->commands[j].command), *at;

			if (f == NULL)
				continue;
			at = path_join(dir, f);
			judge_tree(ds, s, at, &v);
			free(at);
			free(f);
		}
		free(dir);
	}
	return v.other && !v.postgres;
}
