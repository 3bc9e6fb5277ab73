/*
 * Runtime manifests: kind detection, the JSON/YAML manifests (package.json,
 * composer.json, pnpm-workspace.yaml, read with the YAML loader) and the line
 * scanners (requirements*.txt, go.mod, Gemfile, pom.xml, build.gradle,
 * Procfile). TOML manifests live in manifest_toml.c, Dockerfiles in
 * manifest_docker.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "parse/manifest.h"
#include "parse/manifest_int.h"
#include "util/buf.h"

/* Nesting of pom.xml elements that is tracked; deeper elements are skipped. */
#define POM_MAX_DEPTH 128
/* Nodes of a pnpm-workspace.yaml after alias expansion. */
#define PNPM_MAX_NODES 100000u
/* Nesting of Gemfile blocks (group/do/if ... end) that is tracked. */
#define GEMFILE_MAX_BLOCKS 64

/* ------------------------------------------------------------------------ */
/* Kind detection */

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const struct {
	const char *name;
	enum manifest_kind kind;
} manifest_names[] = {
    {"package.json", MANIFEST_PACKAGE_JSON}, {"pyproject.toml", MANIFEST_PYPROJECT},
    {"Pipfile", MANIFEST_PIPFILE},           {"go.mod", MANIFEST_GO_MOD},
    {"Cargo.toml", MANIFEST_CARGO},          {"Gemfile", MANIFEST_GEMFILE},
    {"composer.json", MANIFEST_COMPOSER},    {"pom.xml", MANIFEST_POM},
    {"build.gradle", MANIFEST_GRADLE},       {"build.gradle.kts", MANIFEST_GRADLE},
    {"Dockerfile", MANIFEST_DOCKERFILE},     {"dockerfile", MANIFEST_DOCKERFILE},
    {"Procfile", MANIFEST_PROCFILE},         {"pnpm-workspace.yaml", MANIFEST_PNPM_WORKSPACE},
};

enum manifest_kind
manifest_kind_of(const char *name)
{
	size_t i, n;

	if (name == NULL)
		return MANIFEST_NONE;
	for (i = 0; i < sizeof(manifest_names) / sizeof(manifest_names[0]); i++)
		if (strcmp(name, manifest_names[i].name) == 0)
			return manifest_names[i].kind;
	n = strlen(name);
	/* requirements.txt, requirements-dev.txt, requirements_test.txt, ... */
	if (has_prefix(name, "requirements") && has_suffix(name, ".txt"))
		return MANIFEST_REQUIREMENTS;
	/* Dockerfile.prod, Dockerfile.worker; api.Dockerfile */
	if ((has_prefix(name, "Dockerfile.") || has_prefix(name, "dockerfile.")) && n > 11)
		return MANIFEST_DOCKERFILE;
	if ((has_suffix(name, ".Dockerfile") || has_suffix(name, ".dockerfile")) && n > 11)
		return MANIFEST_DOCKERFILE;
	return MANIFEST_NONE;
}

static unsigned
runtime_of(enum manifest_kind kind)
{
	switch (kind) {
	case MANIFEST_PACKAGE_JSON:
		return RUNTIME_NODE;
	case MANIFEST_PYPROJECT:
	case MANIFEST_REQUIREMENTS:
	case MANIFEST_PIPFILE:
		return RUNTIME_PYTHON;
	case MANIFEST_GO_MOD:
		return RUNTIME_GO;
	case MANIFEST_CARGO:
		return RUNTIME_RUST;
	case MANIFEST_GEMFILE:
		return RUNTIME_RUBY;
	case MANIFEST_COMPOSER:
		return RUNTIME_PHP;
	case MANIFEST_POM:
	case MANIFEST_GRADLE:
		return RUNTIME_JAVA;
	case MANIFEST_DOCKERFILE:
		return RUNTIME_CONTAINER;
	case MANIFEST_PROCFILE:
	case MANIFEST_PNPM_WORKSPACE:
	case MANIFEST_NONE:
		break;
	}
	return RUNTIME_NONE;
}

/* ------------------------------------------------------------------------ */
/* Builder */

void
mf_add_dep(struct mf_builder *b, const char *name, const char *version, bool dev, int line, int col)
{
	struct manifest_dep *d = VEC_PUSH_ZERO(&b->deps);

	d->name = xstrdup(name);
	d->version = xstrdup(version);
	d->dev = dev;
	d->line = line;
	d->col = col;
}

void
mf_add_command(struct mf_builder *b, const char *name, const char *command, int line, int col)
{
	struct manifest_command *c = VEC_PUSH_ZERO(&b->commands);

	c->name = xstrdup(name);
	c->command = xstrdup(command);
	c->line = line;
	c->col = col;
}

void
mf_add_env(struct mf_builder *b, const char *key, const char *value, int line, int col)
{
	struct manifest_env *e = VEC_PUSH_ZERO(&b->env);

	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->line = line;
	e->col = col;
}

void
mf_add_workspace(struct mf_builder *b, const char *glob)
{
	VEC_PUSH(&b->workspaces, xstrdup(glob));
}

void
mf_add_include(struct mf_builder *b, const char *path, bool constraint, int line, int col)
{
	struct manifest_include *in = VEC_PUSH_ZERO(&b->includes);

	in->path = xstrdup(path);
	in->constraint = constraint;
	in->line = line;
	in->col = col;
}

void
mf_set_string(char **slot, const char *s)
{
	free(*slot);
	*slot = xstrdup(s);
}

static void
free_deps(struct manifest_dep *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].version);
	}
	free(d);
}

static void
free_commands(struct manifest_command *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].command);
	}
	free(c);
}

static void
free_env(struct manifest_env *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].value);
	}
	free(e);
}

static void
free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void
free_includes(struct manifest_include *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(in[i].path);
	free(in);
}

static void
free_created(struct manifest_created *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].path);
	free(c);
}

void
mf_builder_free(struct mf_builder *b)
{
	free(b->name);
	free_deps(b->deps.items, b->deps.len);
	free_commands(b->commands.items, b->commands.len);
	free_env(b->env.items, b->env.len);
	free_strings(b->workspaces.items, b->workspaces.len);
	free_includes(b->includes.items, b->includes.len);
	free_created(b->created.items, b->created.len);
	free(b->workdir);
	free(b->prisma_schema);
	memset(b, 0, sizeof(*b));
}

static struct manifest *
builder_finish(struct mf_builder *b, enum manifest_kind kind)
{
	struct manifest *m = xcalloc(1, sizeof(*m));

	m->kind = kind;
	m->runtime = runtime_of(kind);
	m->name = b->name;
	m->deps = b->deps.items;
	m->ndeps = b->deps.len;
	m->commands = b->commands.items;
	m->ncommands = b->commands.len;
	m->env = b->env.items;
	m->nenv = b->env.len;
	m->workspaces = b->workspaces.items;
	m->nworkspaces = b->workspaces.len;
	m->includes = b->includes.items;
	m->nincludes = b->includes.len;
	m->created = b->created.items;
	m->ncreated = b->created.len;
	m->workdir = b->workdir;
	m->prisma_schema = b->prisma_schema;
	memset(b, 0, sizeof(*b));
	return m;
}

void
manifest_free(struct manifest *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free_deps(m->deps, m->ndeps);
	free_commands(m->commands, m->ncommands);
	free_env(m->env, m->nenv);
	free_strings(m->workspaces, m->nworkspaces);
	free_includes(m->includes, m->nincludes);
	free_created(m->created, m->ncreated);
	free(m->workdir);
	free(m->prisma_schema);
	free(m);
}

/* ------------------------------------------------------------------------ */
/* Lines and small text helpers */

void
mf_lines_init(struct mf_lines *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 0;
	/* A UTF-8 byte order mark is not part of the first line. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

bool
mf_lines_next(struct mf_lines *r, const char **s, size_t *n)
{
	const char *q;

	if (r->p >= r->end)
		return false;
	q = r->p;
	while (q < r->end && *q != '\n' && *q != '\r')
		q++;
	*s = r->p;
	*n = (size_t)(q - r->p);
	if (q < r->end && *q == '\r')
		q++;
	if (q < r->end && *q == '\n' && (q == r->p || q[-1] != '\n'))
		q++;
	r->p = q;
	r->line++;
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks on both ends of s[0..*n), returning the new start. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (is_blank(*s) || *s == '\f' || *s == '\v')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (is_blank(s[*n - 1]) || s[*n - 1] == '\f' || s[*n - 1] == '\v'))
		(*n)--;
	return s;
}

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

char *
mf_pep503_name(const char *name, size_t len)
{
	struct buf b = BUF_INIT;
	bool sep = false;

	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '-' || c == '_' || c == '.') {
			sep = true;
			continue;
		}
		if (sep && b.len > 0)
			buf_putc(&b, '-');
		sep = false;
		buf_putc(&b, (char)tolower((unsigned char)c));
	}
	return buf_detach(&b);
}

bool
mf_parse_pep508(const char *req, size_t len, char **name, char **version)
{
	size_t i = 0, start, nend;
	const char *v;
	size_t vlen;

	while (i < len && isspace((unsigned char)req[i]))
		i++;
	start = i;
	if (i >= len || !isalnum((unsigned char)req[i]))
		return false;
	while (i < len && is_name_char(req[i]))
		i++;
	nend = i;
	while (nend > start && !isalnum((unsigned char)req[nend - 1]))
		nend--;
	while (i < len && isspace((unsigned char)req[i]))
		i++;
	if (i < len && req[i] == '[') {
		/* extras: uvicorn[standard] */
		while (i < len && req[i] != ']')
			i++;
		if (i < len)
			i++;
		while (i < len && isspace((unsigned char)req[i]))
			i++;
	}
	if (i < len && strchr(";<>=!~(@,", req[i]) == NULL)
		return false;
	v = req + i;
	vlen = len - i;
	for (size_t k = 0; k < vlen; k++)
		if (v[k] == ';') {
			vlen = k;
			break;
		}
	v = trim(v, &vlen);
	*name = mf_pep503_name(req + start, nend - start);
	*version = vlen > 0 ? xstrndup(v, vlen) : NULL;
	return true;
}

/* ------------------------------------------------------------------------ */
/* JSON manifests and pnpm-workspace.yaml (the YAML loader reads JSON) */

static int
load_json_object(struct yml_doc **out, const char *what, const char *path, const char *data,
                 size_t len, struct el_error *err)
{
	struct yml_options opts = {0};
	struct yml_doc *doc = NULL;

	opts.what = what;
	if (yml_load_buffer(&doc, data, len, path, &opts, err) < 0)
		return -1;
	if (doc->root == NULL) {
		yml_doc_free(doc);
		return el_error_set(err, path, 1, 1, "%s is empty: expected a JSON object", what);
	}
	if (doc->root->type != YML_MAPPING) {
		int line = doc->root->line, col = doc->root->col;
		const char *kind = yml_kind_name(doc->root);

		el_error_set(err, path, line, col,
		             "%s: expected a JSON object at the top level, not %s", what, kind);
		yml_doc_free(doc);
		return -1;
	}
	*out = doc;
	return 0;
}

/* "name": "version" pairs of a dependency object. */
static void
add_json_deps(struct mf_builder *b, const struct yml_node *map, bool dev)
{
	if (map == NULL || map->type != YML_MAPPING)
		return;
	for (size_t i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key, *v = map->pairs[i].value;

		if (k->type != YML_SCALAR || k->len == 0)
			continue;
		mf_add_dep(b, k->text, v->type == YML_SCALAR ? v->text : NULL, dev, k->line,
		           k->col);
	}
}

static void
add_json_strings(struct mf_builder *b, const struct yml_node *seq)
{
	if (seq == NULL || seq->type != YML_SEQUENCE)
		return;
	for (size_t i = 0; i < seq->count; i++)
		if (seq->items[i]->type == YML_SCALAR)
			mf_add_workspace(b, seq->items[i]->text);
}

static int
parse_package_json(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	static const struct {
		const char *key;
		bool dev;
	} dep_keys[] = {
	    {"dependencies", false},
	    {"devDependencies", true},
	    {"peerDependencies", false},
	    {"optionalDependencies", false},
	};
	struct yml_doc *doc = NULL;
	const struct yml_node *root, *n;

	if (load_json_object(&doc, "package.json", b->path, data, len, err) < 0)
		return -1;
	root = doc->root;
	n = yml_map_get(root, "name");
	if (n != NULL && n->type == YML_SCALAR)
		mf_set_string(&b->name, n->text);
	for (size_t i = 0; i < sizeof(dep_keys) / sizeof(dep_keys[0]); i++)
		add_json_deps(b, yml_map_get(root, dep_keys[i].key), dep_keys[i].dev);
	n = yml_map_get(root, "scripts");
	if (n != NULL && n->type == YML_MAPPING)
		for (size_t i = 0; i < n->count; i++) {
			const struct yml_node *k = n->pairs[i].key, *v = n->pairs[i].value;

			if (k->type == YML_SCALAR && v->type == YML_SCALAR)
				mf_add_command(b, k->text, v->text, k->line, k->col);
		}
	n = yml_map_get(root, "workspaces");
	if (n != NULL && n->type == YML_MAPPING)
		n = yml_map_get(n, "packages");
	add_json_strings(b, n);
	n = yml_map_get(yml_map_get(root, "prisma"), "schema");
	if (n != NULL && n->type == YML_SCALAR)
		mf_set_string(&b->prisma_schema, n->text);
	yml_doc_free(doc);
	return 0;
}

static int
parse_composer_json(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct yml_doc *doc = NULL;
	const struct yml_node *n;

	if (load_json_object(&doc, "composer.json", b->path, data, len, err) < 0)
		return -1;
	n = yml_map_get(doc->root, "name");
	if (n != NULL && n->type == YML_SCALAR)
		mf_set_string(&b->name, n->text);
	add_json_deps(b, yml_map_get(doc->root, "require"), false);
	add_json_deps(b, yml_map_get(doc->root, "require-dev"), true);
	yml_doc_free(doc);
	return 0;
}

static int
parse_pnpm_workspace(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct yml_options opts = {0};
	struct yml_doc *doc = NULL;
	const struct yml_node *pkgs;

	opts.what = "pnpm-workspace.yaml";
	/* Anchors are legitimate YAML here (catalogs repeat versions); budget them. */
	opts.allow_aliases = true;
	opts.max_nodes = PNPM_MAX_NODES;
	if (yml_load_buffer(&doc, data, len, b->path, &opts, err) < 0)
		return -1;
	if (doc->root != NULL && doc->root->type != YML_MAPPING && !yml_is_null(doc->root)) {
		el_error_set(err, b->path, doc->root->line, doc->root->col,
		             "pnpm-workspace.yaml: expected a mapping with `packages:`, not %s",
		             yml_kind_name(doc->root));
		yml_doc_free(doc);
		return -1;
	}
	pkgs = yml_map_get(doc->root, "packages");
	if (pkgs != NULL && pkgs->type != YML_SEQUENCE && !yml_is_null(pkgs)) {
		el_error_set(err, b->path, pkgs->line, pkgs->col,
		             "pnpm-workspace.yaml: `packages` must be a list of globs, not %s",
		             yml_kind_name(pkgs));
		yml_doc_free(doc);
		return -1;
	}
	add_json_strings(b, pkgs);
	yml_doc_free(doc);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* requirements*.txt (pip's requirements file format) */

/* pip: a comment starts at '#' at the line start or after whitespace. */
static size_t
strip_hash_comment(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '#' && (i == 0 || isspace((unsigned char)s[i - 1])))
			return i;
	return n;
}

/* The distribution named by a URL's #egg=name fragment, or NULL. */
static char *
egg_name(const char *s, size_t n)
{
	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(s + i, "#egg=", 5) == 0 || memcmp(s + i, "&egg=", 5) == 0) {
			size_t k = i + 5, e = k;

			while (e < n && is_name_char(s[e]))
				e++;
			if (e > k)
				return mf_pep503_name(s + k, e - k);
		}
	return NULL;
}

/* The option at s (e.g. "-r", "--requirement") when s starts with it, followed by
 * '=', whitespace or (short form) the value itself; returns the value offset or 0. */
static size_t
match_option(const char *s, size_t n, const char *shrt, const char *lng)
{
	size_t m = strlen(lng);

	if (n > m && memcmp(s, lng, m) == 0 && (s[m] == '=' || isspace((unsigned char)s[m])))
		return m + 1;
	m = strlen(shrt);
	if (n > m && memcmp(s, shrt, m) == 0 && s[m] != '-')
		return m;
	return 0;
}

static void
requirements_line(struct mf_builder *b, const char *s, size_t n, int line, const char *line_start)
{
	size_t off;
	char *name = NULL, *version = NULL;
	int col;

	n = strip_hash_comment(s, n);
	s = trim(s, &n);
	if (n == 0)
		return;
	col = (int)(s - line_start) + 1;
	if (s[0] == '-') {
		bool constraint = false;

		off = match_option(s, n, "-r", "--requirement");
		if (off == 0) {
			off = match_option(s, n, "-c", "--constraint");
			constraint = off > 0;
		}
		if (off > 0) {
			const char *p = s + off;
			size_t pn = n - off;
			char *path;

			while (pn > 0 && (isspace((unsigned char)*p) || *p == '=')) {
				p++;
				pn--;
			}
			p = trim(p, &pn);
			if (pn == 0)
				return;
			path = xstrndup(p, pn);
			mf_add_include(b, path, constraint, line, (int)(p - line_start) + 1);
			free(path);
			return;
		}
		off = match_option(s, n, "-e", "--editable");
		if (off > 0 && (name = egg_name(s, n)) != NULL) {
			mf_add_dep(b, name, NULL, false, line, col);
			free(name);
		}
		/* Other options (--index-url, --hash on its own line, ...) name nothing. */
		return;
	}
	/* Per-requirement options (--hash=..., --config-settings) follow whitespace. */
	for (size_t i = 1; i < n; i++)
		if (i + 1 < n && s[i] == '-' && s[i + 1] == '-' &&
		    isspace((unsigned char)s[i - 1])) {
			n = i;
			break;
		}
	s = trim(s, &n);
	if (mf_parse_pep508(s, n, &name, &version)) {
		mf_add_dep(b, name, version, false, line, col);
	} else if ((name = egg_name(s, n)) != NULL) {
		mf_add_dep(b, name, NULL, false, line, col);
	}
	free(name);
	free(version);
}

static int
parse_requirements(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct mf_lines r;
	const char *s;
	size_t n;
	struct buf joined = BUF_INIT;
	int first_line = 0;
	bool pending = false;

	(void)err;
	mf_lines_init(&r, data, len);
	while (mf_lines_next(&r, &s, &n)) {
		/* A trailing backslash joins the next line (pip's line continuation). */
		bool cont = n > 0 && s[n - 1] == '\\';

		if (!pending) {
			first_line = r.line;
			pending = true;
		}
		buf_add(&joined, s, cont ? n - 1 : n);
		if (cont)
			continue;
		requirements_line(b, buf_cstr(&joined), joined.len, first_line, buf_cstr(&joined));
		buf_reset(&joined);
		pending = false;
	}
	if (pending)
		requirements_line(b, buf_cstr(&joined), joined.len, first_line, buf_cstr(&joined));
	buf_free(&joined);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* go.mod */

/* Next whitespace-separated token of s[*i..n), unquoted ("..." or `...`). */
static bool
next_token(const char *s, size_t n, size_t *i, const char **tok, size_t *tlen)
{
	size_t k = *i;

	while (k < n && isspace((unsigned char)s[k]))
		k++;
	if (k >= n)
		return false;
	if (s[k] == '"' || s[k] == '`') {
		char q = s[k];
		size_t e = k + 1;

		while (e < n && s[e] != q)
			e++;
		*tok = s + k + 1;
		*tlen = e - k - 1;
		*i = e < n ? e + 1 : e;
		return true;
	}
	*tok = s + k;
	while (k < n && !isspace((unsigned char)s[k]))
		k++;
	*tlen = (size_t)(k - (size_t)(*tok - s));
	*i = k;
	return true;
}

static bool
token_is(const char *tok, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(tok, word, n) == 0;
}

static void
gomod_require(struct mf_builder *b, const char *s, size_t n, size_t i, int line)
{
	const char *path, *ver;
	size_t plen, vlen;
	char *p, *v = NULL;

	if (!next_token(s, n, &i, &path, &plen) || plen == 0)
		return;
	p = xstrndup(path, plen);
	if (next_token(s, n, &i, &ver, &vlen))
		v = xstrndup(ver, vlen);
	mf_add_dep(b, p, v, false, line, (int)(path - s) + 1);
	free(p);
	free(v);
}

static int
parse_go_mod(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct mf_lines r;
	const char *s, *tok;
	size_t n, tlen, i;
	enum { OUTSIDE, IN_REQUIRE, IN_OTHER } block = OUTSIDE;

	(void)err;
	mf_lines_init(&r, data, len);
	while (mf_lines_next(&r, &s, &n)) {
		for (size_t k = 0; k + 1 < n; k++)
			if (s[k] == '/' && s[k + 1] == '/') {
				n = k;
				break;
			}
		i = 0;
		if (!next_token(s, n, &i, &tok, &tlen))
			continue;
		if (block != OUTSIDE) {
			if (token_is(tok, tlen, ")"))
				block = OUTSIDE;
			else if (block == IN_REQUIRE)
				gomod_require(b, s, n, 0, r.line);
			continue;
		}
		if (token_is(tok, tlen, "module")) {
			if (next_token(s, n, &i, &tok, &tlen)) {
				free(b->name);
				b->name = xstrndup(tok, tlen);
			}
		} else {
			size_t j = i;
			const char *t2;
			size_t t2len;
			bool opens = next_token(s, n, &j, &t2, &t2len) && token_is(t2, t2len, "(");

			if (opens)
				block = token_is(tok, tlen, "require") ? IN_REQUIRE : IN_OTHER;
			else if (token_is(tok, tlen, "require"))
				gomod_require(b, s, n, i, r.line);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Gemfile */

/* The Ruby string literal starting at s[*i] ('...' or "..."), or false. */
static bool
ruby_string(const char *s, size_t n, size_t *i, const char **str, size_t *slen)
{
	char q;
	size_t k = *i;

	if (k >= n || (s[k] != '\'' && s[k] != '"'))
		return false;
	q = s[k++];
	*str = s + k;
	while (k < n && s[k] != q) {
		if (s[k] == '\\' && k + 1 < n)
			k++;
		k++;
	}
	*slen = (size_t)(s + k - *str);
	*i = k < n ? k + 1 : k;
	return true;
}

/* Length of s up to a '#' comment that is outside string literals. */
static size_t
ruby_code_len(const char *s, size_t n)
{
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		if (q != 0) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == q)
				q = 0;
		} else if (s[i] == '\'' || s[i] == '"') {
			q = s[i];
		} else if (s[i] == '#') {
			return i;
		}
	}
	return n;
}

static bool
mentions_dev_group(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((n - i >= 11 && memcmp(s + i, "development", 11) == 0) ||
		    (n - i >= 4 && memcmp(s + i, "test", 4) == 0))
			return true;
	return false;
}

static bool
word_at(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);

	return n >= m && memcmp(s, w, m) == 0 &&
	       (n == m || !(isalnum((unsigned char)s[m]) || s[m] == '_'));
}

/* Whether a Ruby line opens a block closed by `end` (`... do`, `do |x|`, if/unless/case/begin). */
static bool
opens_ruby_block(const char *s, size_t n)
{
	static const char *const openers[] = {"if",    "unless", "case",  "begin", "while",
	                                      "until", "def",    "class", "module"};

	for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (word_at(s, n, openers[i]))
			return true;
	if (n > 0 && s[n - 1] == '|') {
		/* do |x| */
		size_t k = n - 1;

		while (k > 0 && s[k - 1] != '|')
			k--;
		if (k == 0)
			return false;
		n = k - 1;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	return n >= 2 && memcmp(s + n - 2, "do", 2) == 0 &&
	       (n == 2 || !(isalnum((unsigned char)s[n - 3]) || s[n - 3] == '_'));
}

static void
gemfile_gem(struct mf_builder *b, const char *s, size_t n, const char *line_start, int line,
            bool dev)
{
	size_t i = 3;
	const char *str;
	size_t slen;
	char *name;
	struct buf ver = BUF_INIT;

	while (i < n && (isspace((unsigned char)s[i]) || s[i] == '('))
		i++;
	if (!ruby_string(s, n, &i, &str, &slen) || slen == 0)
		return;
	name = xstrndup(str, slen);
	/* Further string arguments that look like requirements: '~> 1.0', '>= 2'. */
	for (;;) {
		const char *v;
		size_t vlen;

		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != ',')
			break;
		i++;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (!ruby_string(s, n, &i, &v, &vlen))
			break;
		if (vlen > 0 && (isdigit((unsigned char)v[0]) || strchr("~<>=!", v[0]) != NULL)) {
			if (ver.len > 0)
				buf_puts(&ver, ", ");
			buf_add(&ver, v, vlen);
		}
	}
	/* group: :development / groups: [:development, :test] / :group => :test */
	for (size_t k = i; k + 5 <= n; k++)
		if (memcmp(s + k, "group", 5) == 0 && mentions_dev_group(s + k, n - k)) {
			dev = true;
			break;
		}
	mf_add_dep(b, name, ver.len > 0 ? buf_cstr(&ver) : NULL, dev, line,
	           (int)(str - line_start) + 1);
	free(name);
	buf_free(&ver);
}

static int
parse_gemfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct mf_lines r;
	const char *line, *s;
	size_t n;
	bool dev_stack[GEMFILE_MAX_BLOCKS];
	size_t depth = 0, overflow = 0;

	(void)err;
	mf_lines_init(&r, data, len);
	while (mf_lines_next(&r, &line, &n)) {
		bool dev = depth > 0 && dev_stack[depth - 1];

		n = ruby_code_len(line, n);
		s = trim(line, &n);
		if (n == 0)
			continue;
		if (word_at(s, n, "end")) {
			if (overflow > 0)
				overflow--;
			else if (depth > 0)
				depth--;
			continue;
		}
		if (word_at(s, n, "gem")) {
			gemfile_gem(b, s, n, line, r.line, dev);
			continue;
		}
		if (opens_ruby_block(s, n)) {
			bool group_dev = dev;

			if (word_at(s, n, "group"))
				group_dev = mentions_dev_group(s, n);
			if (depth < GEMFILE_MAX_BLOCKS)
				dev_stack[depth++] = group_dev;
			else
				overflow++;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* pom.xml: a tag scanner that tracks the element path */

struct pom_dep {
	char *group, *artifact, *version, *scope;
	int line, col;
};

struct pom_scan {
	const char *p, *end, *line_start;
	int line;
	const char *names[POM_MAX_DEPTH];
	size_t name_len[POM_MAX_DEPTH];
	const char *content[POM_MAX_DEPTH]; /* where the element's content starts */
	size_t depth;
	size_t overflow;
	struct pom_dep dep;
	bool in_dep;
};

static void
pom_advance(struct pom_scan *ps, const char *to)
{
	while (ps->p < to) {
		if (*ps->p == '\n') {
			ps->line++;
			ps->line_start = ps->p + 1;
		}
		ps->p++;
	}
}

/* Skip to just past the terminator, or to the end. */
static void
pom_skip_past(struct pom_scan *ps, const char *term)
{
	size_t m = strlen(term);
	const char *q = ps->p;

	while (q + m <= ps->end && memcmp(q, term, m) != 0)
		q++;
	pom_advance(ps, q + m <= ps->end ? q + m : ps->end);
}

static bool
pom_at(const struct pom_scan *ps, size_t from_top, const char *name)
{
	size_t k;

	if (from_top >= ps->depth)
		return false;
	k = ps->depth - 1 - from_top;
	return token_is(ps->names[k], ps->name_len[k], name);
}

static bool
pom_inside(const struct pom_scan *ps, const char *name)
{
	for (size_t k = 0; k < ps->depth; k++)
		if (token_is(ps->names[k], ps->name_len[k], name))
			return true;
	return false;
}

static void
pom_dep_clear(struct pom_dep *d)
{
	free(d->group);
	free(d->artifact);
	free(d->version);
	free(d->scope);
	memset(d, 0, sizeof(*d));
}

/* An element of the project's runtime dependency list (not dependencyManagement or a plugin's). */
static bool
pom_is_dependency(const struct pom_scan *ps)
{
	return pom_at(ps, 0, "dependency") && pom_at(ps, 1, "dependencies") &&
	       (pom_at(ps, 2, "project") || pom_at(ps, 2, "profile")) &&
	       !pom_inside(ps, "dependencyManagement") && !pom_inside(ps, "plugin");
}

static void
pom_close(struct mf_builder *b, struct pom_scan *ps, const char *tag_start)
{
	const char *c;
	size_t cn;
	char *text;

	if (ps->depth == 0)
		return;
	c = ps->content[ps->depth - 1];
	cn = (size_t)(tag_start - c);
	/* element text may span lines: trim newlines too */
	while (cn > 0 && isspace((unsigned char)c[cn - 1]))
		cn--;
	while (cn > 0 && isspace((unsigned char)*c)) {
		c++;
		cn--;
	}
	if (ps->in_dep && ps->depth >= 2 && pom_at(ps, 1, "dependency")) {
		char **slot = NULL;

		if (pom_at(ps, 0, "groupId"))
			slot = &ps->dep.group;
		else if (pom_at(ps, 0, "artifactId"))
			slot = &ps->dep.artifact;
		else if (pom_at(ps, 0, "version"))
			slot = &ps->dep.version;
		else if (pom_at(ps, 0, "scope"))
			slot = &ps->dep.scope;
		if (slot != NULL) {
			free(*slot);
			*slot = xstrndup(c, cn);
		}
	} else if (ps->depth == 2 && pom_at(ps, 0, "artifactId") && pom_at(ps, 1, "project")) {
		text = xstrndup(c, cn);
		mf_set_string(&b->name, text);
		free(text);
	}
	if (ps->in_dep && pom_is_dependency(ps)) {
		if (ps->dep.artifact != NULL) {
			char *name = xasprintf("%s:%s", ps->dep.group ? ps->dep.group : "",
			                       ps->dep.artifact);
			bool dev = ps->dep.scope != NULL && strcmp(ps->dep.scope, "test") == 0;

			mf_add_dep(b, name, ps->dep.version, dev, ps->dep.line, ps->dep.col);
			free(name);
		}
		pom_dep_clear(&ps->dep);
		ps->in_dep = false;
	}
	ps->depth--;
}

static int
parse_pom(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct pom_scan ps;

	(void)err;
	memset(&ps, 0, sizeof(ps));
	ps.p = data;
	ps.end = data + len;
	ps.line = 1;
	ps.line_start = data;
	while (ps.p < ps.end) {
		const char *lt = memchr(ps.p, '<', (size_t)(ps.end - ps.p));
		const char *name, *q;
		size_t nlen;
		bool closing, self_closing;

		if (lt == NULL)
			break;
		pom_advance(&ps, lt);
		if (ps.end - ps.p >= 4 && memcmp(ps.p, "<!--", 4) == 0) {
			pom_skip_past(&ps, "-->");
			continue;
		}
		if (ps.end - ps.p >= 9 && memcmp(ps.p, "<![CDATA[", 9) == 0) {
			pom_skip_past(&ps, "]]>");
			continue;
		}
		if (ps.end - ps.p >= 2 && (ps.p[1] == '?' || ps.p[1] == '!')) {
			pom_skip_past(&ps, ">");
			continue;
		}
		q = ps.p + 1;
		closing = q < ps.end && *q == '/';
		if (closing)
			q++;
		name = q;
		while (q < ps.end && !isspace((unsigned char)*q) && *q != '>' && *q != '/')
			q++;
		nlen = (size_t)(q - name);
		while (q < ps.end && *q != '>')
			q++;
		self_closing = q > ps.p && q < ps.end && q[-1] == '/';
		if (closing) {
			if (ps.overflow > 0)
				ps.overflow--;
			else
				pom_close(b, &ps, lt);
		} else if (!self_closing && nlen > 0) {
			if (ps.depth >= POM_MAX_DEPTH) {
				ps.overflow++;
			} else {
				ps.names[ps.depth] = name;
				ps.name_len[ps.depth] = nlen;
				ps.content[ps.depth] = q < ps.end ? q + 1 : q;
				ps.depth++;
				if (pom_is_dependency(&ps)) {
					pom_dep_clear(&ps.dep);
					ps.in_dep = true;
					ps.dep.line = ps.line;
					ps.dep.col = (int)(lt - ps.line_start) + 1;
				}
			}
		}
		pom_advance(&ps, q < ps.end ? q + 1 : q);
	}
	pom_dep_clear(&ps.dep);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* build.gradle / build.gradle.kts */

static const char *const gradle_configs[] = {
    "implementation",
    "api",
    "compileOnly",
    "runtimeOnly",
    "compile",
    "runtime",
    "developmentOnly",
    "annotationProcessor",
    "kapt",
    "ksp",
    "testImplementation",
    "testRuntimeOnly",
    "testCompileOnly",
    "testCompile",
    "testRuntime",
    "androidTestImplementation",
    "testFixturesImplementation",
    "testFixturesApi",
    "integrationTestImplementation",
};

struct gradle_scan {
	const char *s, *end, *line_start;
	int line;
};

static void
gradle_advance(struct gradle_scan *g, const char *to)
{
	while (g->s < to) {
		if (*g->s == '\n') {
			g->line++;
			g->line_start = g->s + 1;
		}
		g->s++;
	}
}

static bool
is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static void
gradle_skip_blanks(struct gradle_scan *g)
{
	while (g->s < g->end && is_blank(*g->s))
		g->s++;
}

/* A quoted literal at g->s; str and slen are its contents. */
static bool
gradle_string(struct gradle_scan *g, const char **str, size_t *slen)
{
	char q;
	const char *p = g->s;

	if (p >= g->end || (*p != '\'' && *p != '"'))
		return false;
	q = *p++;
	*str = p;
	while (p < g->end && *p != q && *p != '\n') {
		if (*p == '\\' && p + 1 < g->end)
			p++;
		p++;
	}
	if (p >= g->end || *p != q)
		return false;
	*slen = (size_t)(p - *str);
	gradle_advance(g, p + 1);
	return true;
}

static void
gradle_add(struct mf_builder *b, const char *group, size_t glen, const char *artifact, size_t alen,
           const char *version, size_t vlen, bool dev, int line, int col)
{
	char *name = xasprintf("%.*s:%.*s", (int)glen, group, (int)alen, artifact);
	char *ver = version != NULL && vlen > 0 ? xstrndup(version, vlen) : NULL;

	mf_add_dep(b, name, ver, dev, line, col);
	free(name);
	free(ver);
}

/* After a configuration name: ("g:a:v"), 'g:a:v', platform("g:a:v"), group: 'g', name: 'a', ... */
static void
gradle_dependency(struct mf_builder *b, struct gradle_scan *g, bool dev)
{
	const char *str, *ident;
	size_t slen, ilen;

	gradle_skip_blanks(g);
	if (g->s < g->end && *g->s == '(') {
		g->s++;
		gradle_skip_blanks(g);
	}
	ident = g->s;
	while (g->s < g->end && is_ident_char(*g->s))
		g->s++;
	ilen = (size_t)(g->s - ident);
	if (ilen > 0) {
		gradle_skip_blanks(g);
		if (g->s < g->end && *g->s == '(' &&
		    (token_is(ident, ilen, "platform") ||
		     token_is(ident, ilen, "enforcedPlatform") ||
		     token_is(ident, ilen, "testFixtures"))) {
			g->s++;
			gradle_skip_blanks(g);
			ilen = 0;
		}
	}
	if (ilen == 0) {
		int line = g->line, col = (int)(g->s - g->line_start) + 1;
		const char *c1, *c2;

		if (!gradle_string(g, &str, &slen))
			return;
		c1 = memchr(str, ':', slen);
		if (c1 == NULL)
			return; /* project(':x') or files(...) take other shapes */
		c2 = memchr(c1 + 1, ':', slen - (size_t)(c1 + 1 - str));
		if (c2 == NULL)
			gradle_add(b, str, (size_t)(c1 - str), c1 + 1,
			           slen - (size_t)(c1 + 1 - str), NULL, 0, dev, line, col);
		else {
			const char *c3 = memchr(c2 + 1, ':', slen - (size_t)(c2 + 1 - str));
			size_t vlen = (size_t)((c3 ? c3 : str + slen) - (c2 + 1));

			gradle_add(b, str, (size_t)(c1 - str), c1 + 1, (size_t)(c2 - c1 - 1),
			           c2 + 1, vlen, dev, line, col);
		}
		return;
	}
	if (token_is(ident, ilen, "group")) {
		/* Map notation: group: 'g', name: 'a', version: 'v' (or `=` in Kotlin). */
		const char *grp = NULL, *art = NULL, *ver = NULL;
		size_t gl = 0, al = 0, vl = 0;
		int line = g->line, col = (int)(ident - g->line_start) + 1;

		for (;;) {
			gradle_skip_blanks(g);
			if (g->s < g->end && (*g->s == ':' || *g->s == '='))
				g->s++;
			gradle_skip_blanks(g);
			if (!gradle_string(g, &str, &slen))
				break;
			if (token_is(ident, ilen, "group")) {
				grp = str;
				gl = slen;
			} else if (token_is(ident, ilen, "name")) {
				art = str;
				al = slen;
			} else if (token_is(ident, ilen, "version")) {
				ver = str;
				vl = slen;
			}
			gradle_skip_blanks(g);
			if (g->s >= g->end || *g->s != ',')
				break;
			g->s++;
			gradle_skip_blanks(g);
			ident = g->s;
			while (g->s < g->end && is_ident_char(*g->s))
				g->s++;
			ilen = (size_t)(g->s - ident);
			if (ilen == 0)
				break;
		}
		if (art != NULL)
			gradle_add(b, grp ? grp : "", gl, art, al, ver, vl, dev, line, col);
	}
}

static int
parse_gradle(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct gradle_scan g;

	(void)err;
	g.s = data;
	g.end = data + len;
	g.line = 1;
	g.line_start = data;
	while (g.s < g.end) {
		char c = *g.s;

		if (c == '/' && g.s + 1 < g.end && g.s[1] == '/') {
			const char *nl = memchr(g.s, '\n', (size_t)(g.end - g.s));

			gradle_advance(&g, nl ? nl : g.end);
		} else if (c == '/' && g.s + 1 < g.end && g.s[1] == '*') {
			const char *q = g.s + 2;

			while (q + 1 < g.end && !(q[0] == '*' && q[1] == '/'))
				q++;
			gradle_advance(&g, q + 1 < g.end ? q + 2 : g.end);
		} else if (c == '"' || c == '\'') {
			const char *str;
			size_t slen;

			if (!gradle_string(&g, &str, &slen))
				gradle_advance(&g, g.s + 1);
		} else if (is_ident_char(c) &&
		           (g.s == data || (!is_ident_char(g.s[-1]) && g.s[-1] != '.'))) {
			const char *id = g.s;
			size_t idlen;
			bool matched = false;

			while (g.s < g.end && is_ident_char(*g.s))
				g.s++;
			idlen = (size_t)(g.s - id);
			for (size_t i = 0; i < sizeof(gradle_configs) / sizeof(gradle_configs[0]);
			     i++)
				if (token_is(id, idlen, gradle_configs[i])) {
					matched = true;
					break;
				}
			if (matched) {
				bool dev = (idlen >= 4 && memcmp(id, "test", 4) == 0) ||
				           (idlen >= 11 && memcmp(id, "androidTest", 11) == 0) ||
				           (idlen >= 15 && memcmp(id, "integrationTest", 15) == 0);

				gradle_dependency(b, &g, dev);
			}
		} else {
			gradle_advance(&g, g.s + 1);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Procfile */

static int
parse_procfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct mf_lines r;
	const char *line, *s;
	size_t n, k;

	(void)err;
	mf_lines_init(&r, data, len);
	while (mf_lines_next(&r, &line, &n)) {
		s = trim(line, &n);
		if (n == 0 || s[0] == '#')
			continue;
		k = 0;
		while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
			k++;
		if (k == 0 || k >= n || s[k] != ':')
			continue;
		{
			const char *cmd = s + k + 1;
			size_t cn = n - k - 1;
			char *name = xstrndup(s, k), *command;

			cmd = trim(cmd, &cn);
			command = xstrndup(cmd, cn);
			mf_add_command(b, name, command, r.line, (int)(s - line) + 1);
			free(name);
			free(command);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

int
manifest_parse(struct manifest **out, enum manifest_kind kind, const char *path, const char *data,
               size_t len, struct el_error *err)
{
	struct mf_builder b;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	b.path = path;
	switch (kind) {
	case MANIFEST_PACKAGE_JSON:
		rc = parse_package_json(&b, data, len, err);
		break;
	case MANIFEST_COMPOSER:
		rc = parse_composer_json(&b, data, len, err);
		break;
	case MANIFEST_PNPM_WORKSPACE:
		rc = parse_pnpm_workspace(&b, data, len, err);
		break;
	case MANIFEST_PYPROJECT:
		rc = mf_parse_pyproject(&b, data, len, err);
		break;
	case MANIFEST_PIPFILE:
		rc = mf_parse_pipfile(&b, data, len, err);
		break;
	case MANIFEST_CARGO:
		rc = mf_parse_cargo(&b, data, len, err);
		break;
	case MANIFEST_REQUIREMENTS:
		rc = parse_requirements(&b, data, len, err);
		break;
	case MANIFEST_GO_MOD:
		rc = parse_go_mod(&b, data, len, err);
		break;
	case MANIFEST_GEMFILE:
		rc = parse_gemfile(&b, data, len, err);
		break;
	case MANIFEST_POM:
		rc = parse_pom(&b, data, len, err);
		break;
	case MANIFEST_GRADLE:
		rc = parse_gradle(&b, data, len, err);
		break;
	case MANIFEST_DOCKERFILE:
		rc = mf_parse_dockerfile(&b, data, len, err);
		break;
	case MANIFEST_PROCFILE:
		rc = parse_procfile(&b, data, len, err);
		break;
	case MANIFEST_NONE:
		rc = el_error_set(err, path, 0, 0, "not a manifest envlint reads");
		break;
	}
	if (rc < 0) {
		mf_builder_free(&b);
		return -1;
	}
	*out = builder_finish(&b, kind);
	return 0;
}
