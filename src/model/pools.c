/* Pool declarations per service, from the `pools` rule pack. */
#include "model/pools.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "parse/expr.h"
#include "parse/manifest.h"
#include "parse/url.h"
#include "util/ascii.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "walk/ignore.h"

/*
 * Pool declarations read per file. Real code has a handful; each may look up
 * constants through the whole file, so a generated file of thousands would
 * cost matches x file size.
 */
#define POOLS_MAX_MATCHES 256

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
pools_formula_eval(const char *formula, const struct pool_vars *vars, long *value, bool *unbounded)
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
	bool *enabled; /* per pattern of ps: its client applies to svc */
	VEC(struct pool_decl) sets;
};

/* Package names compare as Python normalises them: case-blind, - and _ alike. */
static bool
same_package(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = ascii_tolower((unsigned char)*a), y = ascii_tolower((unsigned char)*b);

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
ref_text(const struct pool_ref *r, const struct source_match *m, const struct expr *args, int *line)
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

		if (text != NULL &&
		    rx_match(scan_rx(c->s), pp->unbounded_rx, text, strlen(text), 0, &rm) == RX_MATCH) {
			d.unbounded = true;
			d.assumed = false;
			pool_origin_clear(&d.origin);
			d.origin.file = xstrdup(file);
			d.origin.line = line;
			d.origin.why =
			    xasprintf("%s: no pooling, one connection per checkout", text);
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

/* Pools declared in the file at path (e: its walk entry, or NULL). */
static void
scan_file(struct find_ctx *c, const char *path, const struct walk_entry *e)
{
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	const char *base = strrchr(path, '/');
	enum source_lang lang = source_lang_of(base ? base + 1 : path);
	const char *data;
	const struct pool_pattern *last_once = NULL;
	size_t len = 0, j;
	int rc;

	if (lang == LANG_NONE)
		return;
	data = e != NULL ? scan_entry_source(c->s, e, &len, &err)
	                 : scan_source(c->s, path, &len, &err);
	if (data == NULL)
		goto cleanup;
	/* Read ahead with the service's own pattern mask (scan_prefetch), or scanned here. */
	if (e == NULL || !scan_take_matches(c->s, e, c->ps->set, &ms, &rc, &err))
		rc = source_scan_masked(&ms, scan_rx(c->s), lang, data, len, c->ps->set, c->enabled,
		                        &err);
	if (rc != 0)
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
		size_t idx = (size_t)(ms.items[j].pattern - c->ps->flat.items);
		const struct pool_pattern *pp = c->ps->patterns.items[idx];

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
           const struct pool_set *ps, const struct pool_vars *vars)
{
	struct find_ctx c;
	size_t i, nenabled = 0;
	int pass;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.svc = svc;
	c.ps = ps;
	c.vars = vars;
	c.out = out;
	c.enabled = xcalloc(ps->patterns.len + 1, sizeof(*c.enabled));
	pools_enabled(s, svc, ps, c.enabled);
	for (i = 0; i < ps->patterns.len; i++)
		nenabled += c.enabled[i];
	if (nenabled == 0)
		goto done;
	/* Its source files, then its configuration (YAML, properties, Java). */
	for (pass = 0; pass < 2; pass++) {
		int kind = pass == 0 ? SCAN_FILE_SOURCE : SCAN_FILE_CONFIG;

		for (i = 0; i < svc->files.len; i++) {
			const struct walk_entry *e = &s->walk->entries[svc->files.items[i]];

			if (e->kind == kind &&
			    !scan_entry_globs_match(s, e, ps->non_runtime_paths.items,
			                            ps->non_runtime_paths.len))
				scan_file(&c, e->path, e);
		}
	}
	apply_sets(&c);
done:
	free(c.enabled);
}

void
pools_enabled(const struct scan *s, const struct service *svc, const struct pool_set *ps,
              bool *out)
{
	size_t i, j;

	for (i = 0; i < ps->patterns.len; i++) {
		const struct pool_client *pc = ps->patterns.items[i]->client;

		/* A client has several patterns: judge it once. */
		for (j = 0; j < i && ps->patterns.items[j]->client != pc; j++)
			;
		out[i] = j < i ? out[j] : client_enabled(s, svc, pc);
	}
}

int
pools_prepare(struct scan *s, struct el_error *err)
{
	return s->pools != NULL ? 0 : pools_load(&s->pools, s->packs, err);
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
	vec_free_strs(&sp->notes);
}
