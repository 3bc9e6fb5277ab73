/* Pool declarations per service, from the `pools` rule pack. */
#include "model/pools.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "model/discover.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "parse/expr.h"
#include "parse/manifest.h"
#include "parse/url.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "walk/ignore.h"

/*
 * Pool declarations read per file. Real code has a handful; each may look up
 * constants through the whole file, so a generated file of thousands would
 * cost matches x file size.
 */
#define POOLS_MAX_MATCHES 256

/* ---- loading the pack ---- */

static const char *
scalar(const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && n->type == YML_SCALAR && !yml_is_null(n) ? n->text : NULL;
}

static bool
flag(const struct yml_node *map, const char *key)
{
	const char *s = scalar(map, key);

	return s != NULL && strcmp(s, "true") == 0;
}

static void
str_list(const struct yml_node *n, void *vec)
{
	VEC(char *) *v = vec;
	size_t i;

	for (i = 0; n != NULL && n->type == YML_SEQUENCE && i < n->count; i++) {
		if (n->items[i]->type == YML_SCALAR)
			VEC_PUSH(v, xstrdup(n->items[i]->text));
	}
}

static void
free_strs(void *vec)
{
	VEC(char *) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++)
		free(v->items[i]);
	VEC_FREE(v);
}

static unsigned
parse_langs(const struct yml_node *n)
{
	static const struct {
		const char *name;
		unsigned lang;
	} names[] = {{"js", LANG_JS},         {"python", LANG_PYTHON}, {"go", LANG_GO},
		     {"ruby", LANG_RUBY},     {"shell", LANG_SHELL},   {"prisma", LANG_PRISMA},
		     {"yaml", LANG_YAML},     {"java", LANG_JAVA},     {"rust", LANG_RUST},
		     {"php", LANG_PHP}};
	unsigned langs = 0;
	size_t i, j, count = 1;

	if (n == NULL)
		return 0;
	if (n->type == YML_SEQUENCE)
		count = n->count;
	for (i = 0; i < count; i++) {
		const struct yml_node *item = n->type == YML_SEQUENCE ? n->items[i] : n;

		if (item->type != YML_SCALAR)
			continue;
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			if (strcmp(item->text, names[j].name) == 0)
				langs |= names[j].lang;
		}
	}
	return langs;
}

static int
parse_refs(const struct yml_node *n, void *vec, const char *path, struct el_error *err)
{
	VEC(struct pool_ref) *v = vec;
	static const struct {
		const char *prefix;
		enum pool_ref_kind kind;
	} kinds[] = {{"prop:", POOL_REF_PROP},
		     {"kw:", POOL_REF_KW},
		     {"pos:", POOL_REF_POS},
		     {"group:", POOL_REF_GROUP},
		     {"url:", POOL_REF_URL}};
	size_t i, k;

	for (i = 0; n != NULL && n->type == YML_SEQUENCE && i < n->count; i++) {
		const struct yml_node *item = n->items[i];
		struct pool_ref r = {0};

		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			size_t len = strlen(kinds[k].prefix);

			if (strncmp(item->text, kinds[k].prefix, len) == 0 && item->text[len]) {
				r.kind = kinds[k].kind;
				if (r.kind == POOL_REF_POS)
					r.pos = atoi(item->text + len);
				else
					r.name = xstrdup(item->text + len);
				break;
			}
		}
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return el_error_set(err, path, item->line, item->col,
					    "unknown value reference \"%s\" (expected prop:NAME, "
					    "kw:NAME, pos:N, group:NAME or url:PARAM)",
					    item->text);
		VEC_PUSH(v, r);
	}
	return 0;
}

static void
free_refs(void *vec)
{
	VEC(struct pool_ref) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++)
		free(v->items[i].name);
	VEC_FREE(v);
}

static int
check_formula(const char *f, const struct yml_node *n, const char *path, struct el_error *err)
{
	struct pool_vars vars = {1, 1, 1};
	long v;
	bool unb;

	if (f != NULL && pools_formula_eval(f, &vars, &v, &unb) != 0)
		return el_error_set(err, path, n->line, n->col,
				    "cannot read default \"%s\" (expected an integer, cpus, "
				    "physical_cpus, threads, + * max(a, b), or unbounded)",
				    f);
	return 0;
}

static int
compile_at(struct rx **out, const struct yml_node *n, const char *path, struct el_error *err)
{
	return rx_compile(out, n->text, NULL, path, n->line, n->col, err);
}

static int
load_pattern(struct pool_set *ps, const struct pool_client *pc, const struct yml_node *n,
	     const char *path, struct el_error *err)
{
	struct pool_pattern *pp = xcalloc(1, sizeof(*pp));
	const struct yml_node *size, *unb, *role;
	struct rx *rx = NULL;
	size_t i;

	VEC_PUSH(&ps->patterns, pp);
	pp->client = pc;
	pp->file = xstrdup(path);
	pp->line = n->line;
	pp->sp.id = xstrdup(scalar(n, "id"));
	pp->sp.langs = parse_langs(yml_map_get(n, "lang"));
	pp->sp.literal = xstrdup(scalar(n, "literal"));
	pp->sp.call_args = flag(n, "call-args");
	role = yml_map_get(n, "role");
	pp->set = role != NULL && strcmp(role->text, "set") == 0;
	pp->requires = xstrdup(scalar(n, "requires"));
	pp->url_key_group = xstrdup(scalar(n, "url-key"));
	pp->zero_unbounded = flag(n, "zero-unbounded");
	pp->once_per_file = flag(n, "once-per-file");
	str_list(yml_map_get(n, "files"), &pp->files);
	if (compile_at(&rx, yml_map_get(n, "regex"), path, err) != 0)
		return -1;
	pp->sp.rx = rx;
	if (pp->url_key_group != NULL && rx_group_number(rx, pp->url_key_group) < 0)
		return el_error_set(err, path, n->line, n->col,
				    "url-key names group \"%s\", which the regex does not have",
				    pp->url_key_group);
	if (parse_refs(yml_map_get(n, "url"), &pp->url, path, err) != 0)
		return -1;
	size = yml_map_get(n, "size");
	for (i = 0; size != NULL && i < size->count; i++) {
		const struct yml_node *t = size->items[i];
		struct pool_term *term = VEC_PUSH_ZERO(&pp->size);

		if (parse_refs(yml_map_get(t, "from"), &term->from, path, err) != 0)
			return -1;
		term->default_formula = xstrdup(scalar(t, "default"));
		if (check_formula(term->default_formula, t, path, err) != 0)
			return -1;
	}
	unb = yml_map_get(n, "unbounded-when");
	if (unb != NULL) {
		if (parse_refs(yml_map_get(unb, "from"), &pp->unbounded_from, path, err) != 0 ||
		    compile_at(&pp->unbounded_rx, yml_map_get(unb, "regex"), path, err) != 0)
			return -1;
	}
	return 0;
}

static int
load_client(struct pool_set *ps, const struct yml_node *n, const char *path, struct el_error *err)
{
	struct pool_client *pc = xcalloc(1, sizeof(*pc));
	const struct yml_node *detect;
	const char *s;
	size_t i;

	/* A later pack replaces a client of the same name: the old one stops matching. */
	for (i = 0; i < ps->clients.len; i++) {
		if (strcmp(ps->clients.items[i]->name, scalar(n, "name")) == 0)
			ps->clients.items[i]->name[0] = '\0';
	}
	VEC_PUSH(&ps->clients, pc);
	pc->name = xstrdup(scalar(n, "name"));
	pc->label = xstrdup(scalar(n, "label") ? scalar(n, "label") : pc->name);
	str_list(yml_map_get(n, "connections"), &pc->connections);
	if (pc->connections.len == 0)
		VEC_PUSH(&pc->connections, xstrdup(pc->name));
	str_list(yml_map_get(n, "packages"), &pc->packages);
	str_list(yml_map_get(n, "unless-packages"), &pc->unless_packages);
	if ((s = scalar(n, "max-major")) != NULL)
		pc->max_major = atoi(s);
	pc->default_formula = xstrdup(scalar(n, "default"));
	if (check_formula(pc->default_formula, n, path, err) != 0)
		return -1;
	pc->default_why = xstrdup(scalar(n, "default-why"));
	pc->no_pool = flag(n, "no-pool");
	detect = yml_map_get(n, "detect");
	for (i = 0; detect != NULL && i < detect->count; i++) {
		if (load_pattern(ps, pc, detect->items[i], path, err) != 0)
			return -1;
	}
	return 0;
}

int
pools_load(struct pool_set **out, const struct packs *packs, struct el_error *err)
{
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct pool_set *ps = xcalloc(1, sizeof(*ps));
	size_t n = 0, d, i;

	ps->cpus = 4;
	ps->physical_cpus = 2;
	if (packs != NULL && packs_kind_docs(packs, "pools", &docs, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *root = docs[d], *m, *list;
		const char *s;

		if ((m = yml_map_get(root, "machine")) != NULL) {
			if ((s = scalar(m, "cpus")) != NULL)
				ps->cpus = atoi(s);
			if ((s = scalar(m, "physical-cpus")) != NULL)
				ps->physical_cpus = atoi(s);
		}
		str_list(yml_map_get(root, "non-runtime-paths"), &ps->non_runtime_paths);
		list = yml_map_get(root, "values");
		for (i = 0; list != NULL && i < list->count; i++) {
			struct pool_value_pattern *vp = VEC_PUSH_ZERO(&ps->values);

			vp->id = xstrdup(scalar(list->items[i], "id"));
			vp->langs = parse_langs(yml_map_get(list->items[i], "lang"));
			if (compile_at(&vp->rx, yml_map_get(list->items[i], "regex"), paths[d],
				       err) != 0)
				goto fail;
			if (rx_group_number(vp->rx, "key") < 0) {
				el_error_set(err, paths[d], list->items[i]->line,
					     list->items[i]->col,
					     "a value pattern needs a group (?<key>...)");
				goto fail;
			}
		}
		list = yml_map_get(root, "clients");
		for (i = 0; list != NULL && i < list->count; i++) {
			if (load_client(ps, list->items[i], paths[d], err) != 0)
				goto fail;
		}
	}
	*out = ps;
	return 0;
fail:
	pools_free(ps);
	return -1;
}

void
pools_free(struct pool_set *ps)
{
	size_t i, j;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->patterns.len; i++) {
		struct pool_pattern *pp = ps->patterns.items[i];

		free((char *)pp->sp.id);
		free((char *)pp->sp.literal);
		rx_free((struct rx *)pp->sp.rx);
		free(pp->requires);
		free_refs(&pp->url);
		free(pp->url_key_group);
		for (j = 0; j < pp->size.len; j++) {
			free_refs(&pp->size.items[j].from);
			free(pp->size.items[j].default_formula);
		}
		VEC_FREE(&pp->size);
		free_refs(&pp->unbounded_from);
		rx_free(pp->unbounded_rx);
		free_strs(&pp->files);
		free(pp->file);
		free(pp);
	}
	VEC_FREE(&ps->patterns);
	for (i = 0; i < ps->clients.len; i++) {
		struct pool_client *pc = ps->clients.items[i];

		free(pc->name);
		free(pc->label);
		free_strs(&pc->connections);
		free_strs(&pc->packages);
		free_strs(&pc->unless_packages);
		free(pc->default_formula);
		free(pc->default_why);
		free(pc);
	}
	VEC_FREE(&ps->clients);
	for (i = 0; i < ps->values.len; i++) {
		free(ps->values.items[i].id);
		rx_free(ps->values.items[i].rx);
	}
	VEC_FREE(&ps->values);
	free_strs(&ps->non_runtime_paths);
	free(ps);
}

const struct pool_client *
pools_client_find(const struct pool_set *ps, const char *name)
{
	size_t i;

	for (i = 0; ps != NULL && i < ps->clients.len; i++) {
		if (strcmp(ps->clients.items[i]->name, name) == 0)
			return ps->clients.items[i];
	}
	return NULL;
}

const struct pool_client *
pools_client_for(const struct pool_set *ps, const char *conn_client)
{
	size_t i, j;

	if (conn_client == NULL)
		return NULL;
	for (i = 0; ps != NULL && i < ps->clients.len; i++) {
		const struct pool_client *pc = ps->clients.items[i];

		if (pc->name[0] == '\0')
			continue;
		for (j = 0; j < pc->connections.len; j++) {
			if (strcmp(pc->connections.items[j], conn_client) == 0)
				return pc;
		}
	}
	return NULL;
}

/* ---- default formulas ---- */

#define POOLS_FORMULA_MAX 200

struct formula {
	const char *p;
	const struct pool_vars *vars;
	bool bad;
};

static void
skip_space(struct formula *f)
{
	while (*f->p == ' ' || *f->p == '\t')
		f->p++;
}

static long formula_sum(struct formula *f);

static long
formula_atom(struct formula *f)
{
	long v = 0;

	skip_space(f);
	if (isdigit((unsigned char)*f->p)) {
		while (isdigit((unsigned char)*f->p) && v < 100000000)
			v = v * 10 + (*f->p++ - '0');
		return v;
	}
	if (*f->p == '(') {
		f->p++;
		v = formula_sum(f);
		skip_space(f);
		if (*f->p++ != ')')
			f->bad = true;
		return v;
	}
	if (strncmp(f->p, "max(", 4) == 0) {
		long a, b;

		f->p += 4;
		a = formula_sum(f);
		skip_space(f);
		if (*f->p++ != ',') {
			f->bad = true;
			return 0;
		}
		b = formula_sum(f);
		skip_space(f);
		if (*f->p++ != ')')
			f->bad = true;
		return a > b ? a : b;
	}
	if (strncmp(f->p, "physical_cpus", 13) == 0) {
		f->p += 13;
		return f->vars->physical_cpus;
	}
	if (strncmp(f->p, "cpus", 4) == 0) {
		f->p += 4;
		return f->vars->cpus;
	}
	if (strncmp(f->p, "threads", 7) == 0) {
		f->p += 7;
		return f->vars->threads > 0 ? f->vars->threads : 1;
	}
	f->bad = true;
	return 0;
}

static long
formula_product(struct formula *f)
{
	long v = formula_atom(f);

	for (;;) {
		skip_space(f);
		if (*f->p != '*' || f->bad)
			return v;
		f->p++;
		v *= formula_atom(f);
	}
}

static long
formula_sum(struct formula *f)
{
	long v = formula_product(f);

	for (;;) {
		skip_space(f);
		if (*f->p != '+' || f->bad)
			return v;
		f->p++;
		v += formula_product(f);
	}
}

int
pools_formula_eval(const char *formula, const struct pool_vars *vars, long *value,
		   bool *unbounded)
{
	struct formula f = {formula, vars, false};
	long v;

	*unbounded = false;
	/* Formulas are short; the cap bounds the parser's recursion on a hostile pack. */
	if (strlen(formula) > POOLS_FORMULA_MAX)
		return -1;
	if (strcmp(formula, "unbounded") == 0) {
		*unbounded = true;
		*value = 0;
		return 0;
	}
	v = formula_sum(&f);
	skip_space(&f);
	if (f.bad || *f.p != '\0')
		return -1;
	*value = v;
	return 0;
}

/* ---- finding declarations in a service ---- */

struct find_ctx {
	struct scan *s;
	const struct service *svc;
	const struct pool_set *ps;
	const struct pool_vars *vars;
	struct service_pools *out;
	VEC(struct source_pattern) flat;
	VEC(const struct pool_pattern *) map;
	VEC(struct pool_decl) sets;
};

/* Code that does not run in the service's processes (migrations, scripts, tests). */
static bool
non_runtime(const struct pool_set *ps, const char *path)
{
	size_t i;

	for (i = 0; i < ps->non_runtime_paths.len; i++) {
		if (ignore_wildmatch(ps->non_runtime_paths.items[i], path, true))
			return true;
	}
	return false;
}

/* Package names compare as Python normalises them: case-blind, - and _ alike. */
static bool
same_package(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);

		if (x == '_')
			x = '-';
		if (y == '_')
			y = '-';
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* The version spec of a dependency of svc ("" when none), or NULL when absent. */
static const char *
dep_version(const struct scan *s, const struct service *svc, const char *name)
{
	size_t i, j;

	(void)s;
	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct manifest *m = svc->own_manifests.items[i]->manifest;

		for (j = 0; j < m->ndeps; j++) {
			if (same_package(m->deps[j].name, name))
				return m->deps[j].version ? m->deps[j].version : "";
		}
	}
	return NULL;
}

static bool
client_enabled(const struct scan *s, const struct service *svc, const struct pool_client *pc)
{
	size_t i;
	bool any = pc->packages.len == 0;

	if (pc->name[0] == '\0')
		return false;
	for (i = 0; i < pc->packages.len && !any; i++) {
		const char *v = dep_version(s, svc, pc->packages.items[i]);
		const char *d = v;

		if (v == NULL)
			continue;
		while (*d && !isdigit((unsigned char)*d))
			d++;
		any = pc->max_major == 0 || *d == '\0' || atoi(d) <= pc->max_major;
	}
	for (i = 0; i < pc->unless_packages.len && any; i++) {
		if (dep_version(s, svc, pc->unless_packages.items[i]) != NULL)
			any = false;
	}
	return any;
}

/* prop:a.b: the property of the options object, following nested objects. */
static const struct expr *
prop_path(const struct expr *obj, const char *path)
{
	char *copy = xstrdup(path), *save = NULL, *tok;
	const struct expr *e = obj;

	for (tok = strtok_r(copy, ".", &save); tok != NULL && e != NULL;
	     tok = strtok_r(NULL, ".", &save)) {
		if (e->type != EXPR_OBJECT && e != obj)
			e = NULL;
		else
			e = expr_prop(e, tok);
	}
	free(copy);
	return e;
}

/* The text and position of a reference in a match, or NULL when absent. */
static char *
ref_text(const struct pool_ref *r, const struct source_match *m, const struct expr *args,
	 int *line)
{
	const struct expr *e = NULL;
	const char *g;

	*line = m->line;
	switch (r->kind) {
	case POOL_REF_PROP:
	case POOL_REF_KW:
		e = args != NULL ? prop_path(args, r->name) : NULL;
		break;
	case POOL_REF_POS:
		e = args != NULL && r->pos >= 0 && (size_t)r->pos < args->nitems
			    ? args->items[r->pos]
			    : NULL;
		if (e != NULL && e->type == EXPR_OBJECT)
			e = NULL;
		break;
	case POOL_REF_GROUP:
		g = source_group(m, r->name);
		return g != NULL && *g ? xstrdup(g) : NULL;
	case POOL_REF_URL:
		return NULL;
	}
	if (e == NULL)
		return NULL;
	*line = e->line;
	if (e->type == EXPR_NUMBER)
		return xasprintf("%.0f", e->number);
	if (e->type == EXPR_STRING && e->text != NULL)
		return xasprintf("\"%s\"", e->text);
	if (e->type == EXPR_BOOL)
		return xstrdup(e->boolean ? "true" : "false");
	return e->text != NULL ? xstrdup(e->text) : NULL;
}

/* A URL parameter of the pool's connection string, resolved through the service's env. */
static bool
url_param_value(struct find_ctx *c, const char *url_key, const char *param, long *v,
		struct pool_origin *o)
{
	const struct env_entry *e = url_key ? resolve_find(c->svc, url_key) : NULL;
	struct el_error err = EL_ERROR_INIT;
	const struct url_param *p;
	struct url *u = NULL;
	bool ok = false;

	if (e == NULL || e->winner.value == NULL)
		return false;
	if (url_parse(&u, e->winner.value, strlen(e->winner.value), &err) == 0 &&
	    (p = url_find_param(u, param)) != NULL && p->value.present &&
	    pools_parse_int(p->value.value, v)) {
		o->file = xstrdup(e->winner.file);
		o->line = e->winner.line;
		o->why = xasprintf("%s=%ld in %s", param, *v, url_key);
		ok = true;
	}
	el_error_clear(&err);
	url_free(u);
	return ok;
}

static const char *
ref_label(const struct pool_ref *r)
{
	return r->kind == POOL_REF_GROUP ? NULL : r->name;
}

/* Evaluate the size terms of a pattern into d. */
static void
eval_size(struct find_ctx *c, struct pool_decl *d, const struct pool_pattern *pp,
	  const struct source_match *m, const struct expr *args, unsigned lang, const char *data)
{
	struct buf why = BUF_INIT;
	bool any_declared = false;
	long total = 0;
	size_t t, k;

	for (t = 0; t < pp->size.len; t++) {
		const struct pool_term *term = &pp->size.items[t];
		struct pool_origin o = {0};
		bool found = false;
		long v = 0;

		for (k = 0; k < term->from.len && !found; k++) {
			const struct pool_ref *r = &term->from.items[k];
			int line;
			char *text;

			if (r->kind == POOL_REF_URL) {
				found = url_param_value(c, d->url_key, r->name, &v, &o);
				if (found)
					buf_printf(&why, "%s%s", why.len ? " + " : "", o.why);
				continue;
			}
			text = ref_text(r, m, args, &line);
			if (text == NULL)
				continue;
			if (pools_eval_number(c->ps, c->svc, lang, text, data, d->file, line, &v,
					      &o) == 0) {
				found = true;
				if (ref_label(r) != NULL)
					buf_printf(&why, "%s%s=%ld", why.len ? " + " : "",
						   ref_label(r), v);
				else
					buf_printf(&why, "%s%ld", why.len ? " + " : "", v);
				if (o.why != NULL)
					buf_printf(&why, " (%s)", o.why);
			} else {
				VEC_PUSH(&c->out->notes,
					 xasprintf("%s:%d: %s; using the default", d->file, line,
						   o.why ? o.why : "value unknown"));
				pool_origin_clear(&o);
			}
			free(text);
		}
		if (found) {
			if (pp->zero_unbounded && v <= 0)
				d->unbounded = true;
			if (!any_declared) {
				d->origin.file = o.file;
				d->origin.line = o.line;
				o.file = NULL;
			}
			any_declared = true;
			total += v;
		} else if (term->default_formula != NULL) {
			bool unb = false;

			if (pools_formula_eval(term->default_formula, c->vars, &v, &unb) == 0) {
				total += v;
				d->unbounded |= unb;
			}
			buf_printf(&why, "%s%s default %ld", why.len ? " + " : "",
				   term->from.len && ref_label(&term->from.items[0])
					   ? ref_label(&term->from.items[0])
					   : "library",
				   v);
		}
		pool_origin_clear(&o);
	}
	d->per_process = total;
	d->assumed = !any_declared;
	if (any_declared) {
		d->origin.why = buf_detach(&why);
	} else {
		buf_free(&why);
		free(d->origin.file);
		d->origin.file = NULL;
	}
}

char *
pools_default_why(const struct pool_set *ps, const struct pool_client *pc)
{
	const char *why = pc->default_why ? pc->default_why : "library default";

	if (pc->default_formula != NULL && strstr(pc->default_formula, "cpus") != NULL)
		return xasprintf("%s, with %d CPUs (%d physical) assumed by the pools pack", why,
				 ps->cpus, ps->physical_cpus);
	return xstrdup(why);
}

/* The client's default for a pool with nothing declared. */
static void
set_default(struct find_ctx *c, struct pool_decl *d)
{
	bool unb = false;
	long v = 0;

	d->assumed = true;
	if (d->client->default_formula != NULL &&
	    pools_formula_eval(d->client->default_formula, c->vars, &v, &unb) == 0) {
		d->per_process = v;
		d->unbounded = unb;
	}
	free(d->origin.why);
	d->origin.why = pools_default_why(c->ps, d->client);
}

static void
decl_clear(struct pool_decl *d)
{
	free(d->file);
	free(d->url_key);
	pool_origin_clear(&d->origin);
}

static void
handle_match(struct find_ctx *c, const char *file, unsigned lang, const char *data,
	     const struct source_match *m, const struct pool_pattern *pp)
{
	struct expr *args = NULL;
	struct pool_decl d;
	size_t k;

	memset(&d, 0, sizeof(d));
	if (m->args != NULL)
		args = expr_parse_args((enum source_lang)lang, m->args, m->args_line, m->args_col,
				       NULL);
	d.client = pp->client;
	d.pattern_id = pp->sp.id;
	d.file = xstrdup(file);
	d.line = m->line;
	d.col = m->col;
	if (pp->url_key_group != NULL) {
		const char *g = source_group(m, pp->url_key_group);

		d.url_key = g != NULL && *g ? xstrdup(g) : NULL;
	}
	for (k = 0; k < pp->url.len && d.url_key == NULL; k++) {
		int line;
		char *text = ref_text(&pp->url.items[k], m, args, &line);

		if (text != NULL)
			d.url_key = pools_env_key(c->ps, lang, text, data);
		free(text);
	}
	if (pp->size.len > 0)
		eval_size(c, &d, pp, m, args, lang, data);
	else
		set_default(c, &d);
	if (d.assumed && !pp->set)
		set_default(c, &d);
	for (k = 0; k < pp->unbounded_from.len; k++) {
		int line;
		char *text = ref_text(&pp->unbounded_from.items[k], m, args, &line);
		struct rx_match rm;

		if (text != NULL && rx_match(c->s->rx, pp->unbounded_rx, text, strlen(text), 0,
					     &rm) == RX_MATCH) {
			d.unbounded = true;
			d.assumed = false;
			pool_origin_clear(&d.origin);
			d.origin.file = xstrdup(file);
			d.origin.line = line;
			d.origin.why = xasprintf("%s: no pooling, one connection per checkout",
						 text);
		}
		free(text);
	}
	expr_free(args);
	if (pp->set) {
		if (d.assumed) { /* a setter whose value could not be read sets nothing */
			decl_clear(&d);
			return;
		}
		VEC_PUSH(&c->sets, d);
	} else {
		VEC_PUSH(&c->out->decls, d);
	}
}

static bool
pattern_applies(const struct pool_pattern *pp, const char *path, const char *data)
{
	size_t i;

	if (pp->requires != NULL && strstr(data, pp->requires) == NULL)
		return false;
	if (pp->files.len == 0)
		return true;
	for (i = 0; i < pp->files.len; i++) {
		if (ignore_wildmatch(pp->files.items[i], path, true))
			return true;
	}
	return false;
}

static void
scan_file(struct find_ctx *c, const char *path)
{
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	const char *base = strrchr(path, '/');
	enum source_lang lang = source_lang_of(base ? base + 1 : path);
	const char *data;
	const struct pool_pattern *last_once = NULL;
	size_t len = 0, j;

	if (lang == LANG_NONE)
		return;
	if ((data = scan_source(c->s, path, &len, &err)) == NULL)
		goto cleanup;
	if (source_scan(&ms, c->s->rx, lang, data, len, c->flat.items, c->flat.len, &err) != 0)
		goto cleanup;
	if (ms.limit_hit)
		VEC_PUSH(&c->out->notes,
			 xasprintf("%s: pattern '%s' hit its regex match limit; pools in this "
				   "file may be missed",
				   path, ms.limit_pattern ? ms.limit_pattern : "?"));
	if (ms.len > POOLS_MAX_MATCHES)
		VEC_PUSH(&c->out->notes,
			 xasprintf("%s: more than %d pool declarations; only the first %d are read",
				   path, POOLS_MAX_MATCHES, POOLS_MAX_MATCHES));
	for (j = 0; j < ms.len && j < POOLS_MAX_MATCHES; j++) {
		size_t idx = (size_t)(ms.items[j].pattern - c->flat.items);
		const struct pool_pattern *pp = c->map.items[idx];

		if (!pattern_applies(pp, path, data))
			continue;
		if (pp->once_per_file) {
			if (pp == last_once)
				continue;
			last_once = pp;
		}
		handle_match(c, path, (unsigned)lang, data, &ms.items[j], pp);
	}
cleanup:
	source_matches_free(&ms);
	el_error_clear(&err);
}

/* A `set` applies to the last pool of its client created before it in the same file,
 * else to the service's last pool of that client, else it stands for the pool itself. */
static void
apply_sets(struct find_ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->sets.len; i++) {
		struct pool_decl *set = &c->sets.items[i], *target = NULL;

		for (j = 0; j < c->out->decls.len; j++) {
			struct pool_decl *d = &c->out->decls.items[j];

			if (d->client != set->client)
				continue;
			if (strcmp(d->file, set->file) == 0 && d->line <= set->line)
				target = d;
			else if (target == NULL || strcmp(target->file, set->file) != 0)
				target = d;
		}
		if (target == NULL) {
			set->implied = true;
			VEC_PUSH(&c->out->decls, *set);
			continue;
		}
		pool_origin_clear(&target->origin);
		target->origin = set->origin;
		target->per_process = set->per_process;
		target->unbounded = set->unbounded;
		target->assumed = false;
		memset(&set->origin, 0, sizeof(set->origin));
		decl_clear(set);
	}
	VEC_FREE(&c->sets);
}

void
pools_find(struct service_pools *out, struct scan *s, const struct service *svc,
	   const struct pool_set *ps, const char *const *extra, size_t nextra,
	   const struct pool_vars *vars)
{
	struct find_ctx c;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.svc = svc;
	c.ps = ps;
	c.vars = vars;
	c.out = out;
	for (i = 0; i < ps->patterns.len; i++) {
		const struct pool_pattern *pp = ps->patterns.items[i];

		if (!client_enabled(s, svc, pp->client))
			continue;
		VEC_PUSH(&c.flat, pp->sp);
		VEC_PUSH(&c.map, pp);
	}
	if (c.flat.len == 0)
		goto done;
	for (i = 0; i < svc->files.len; i++) {
		const struct walk_entry *e = &s->walk->entries[svc->files.items[i]];

		if (e->kind == SCAN_FILE_SOURCE && !non_runtime(ps, e->path))
			scan_file(&c, e->path);
	}
	for (i = 0; i < nextra; i++) {
		if (discover_owner(s, extra[i]) == svc && !non_runtime(ps, extra[i]))
			scan_file(&c, extra[i]);
	}
	apply_sets(&c);
done:
	VEC_FREE(&c.flat);
	VEC_FREE(&c.map);
}

void
pools_service_free(struct service_pools *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->decls.len; i++)
		decl_clear(&sp->decls.items[i]);
	VEC_FREE(&sp->decls);
	free_strs(&sp->notes);
}
