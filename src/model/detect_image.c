/*
 * The container's own environment, which exists before any in-process
 * loader runs: the ENV of the Dockerfile's final stage (build stages never
 * reach the running container) and the exports of the shell entrypoint
 * that starts the server (real-world.md §2.9). Values are expanded only
 * against what is known at that point; anything else stays unknown.
 */
#include "model/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "model/discover.h"
#include "parse/compose.h"
#include "parse/manifest.h"
#include "parse/shell_env.h"
#include "parse/source.h"
#include "util/buf.h"
#include "util/rx.h"

/* Entrypoint scripts followed per service. */
#define IMAGE_MAX_SCRIPTS 8

/* The environment known so far: NULL value = defined, value unknown. */
struct known {
	VEC(struct inline_var) vars;
};

static struct inline_var *
known_get(struct known *k, const char *key)
{
	size_t i;

	for (i = k->vars.len; i > 0; i--) {
		if (strcmp(k->vars.items[i - 1].key, key) == 0)
			return &k->vars.items[i - 1];
	}
	return NULL;
}

static void
known_set(struct known *k, const char *key, const char *value, bool unknowable)
{
	struct inline_var *v = known_get(k, key);

	if (v == NULL) {
		v = VEC_PUSH_ZERO(&k->vars);
		v->key = xstrdup(key);
	}
	free(v->value);
	v->value = unknowable ? NULL : xstrdup(value);
	v->unknowable = unknowable;
}

static void
known_free(struct known *k)
{
	size_t i;

	for (i = 0; i < k->vars.len; i++) {
		free(k->vars.items[i].key);
		free(k->vars.items[i].value);
	}
	VEC_FREE(&k->vars);
}

static const char *
known_lookup(void *ctx, const char *name)
{
	struct inline_var *v = known_get(ctx, name);

	return v != NULL && !v->unknowable ? v->value : NULL;
}

/*
 * Expand a shell or Dockerfile value against what is known. A reference to
 * something unknown leaves the value unknowable (never a guessed ""). The
 * result is new; *unknowable is set when it cannot be known.
 */
static char *
expand_known(struct known *k, const char *value, bool *unknowable)
{
	struct compose_lookup lookup = {known_lookup, k};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0;
	char *out;

	if (strchr(value, '$') == NULL)
		return xstrdup(value);
	out = compose_interpolate(value, &lookup, &missing, &nmissing, &err);
	if (out == NULL || nmissing > 0) {
		*unknowable = true;
		free(out);
		out = xstrdup(value);
	}
	compose_missing_free(missing, nmissing);
	el_error_clear(&err);
	return out;
}

/* A value that only stands in so a build passes (…/dummy, placeholder). */
bool
detect_is_placeholder(const struct scan *s, const char *value)
{
	struct rx_ctx *ctx;
	bool hit = false;
	size_t i;

	if (value == NULL || s->loaders == NULL || s->loaders->placeholders.len == 0)
		return false;
	ctx = rx_ctx_new();
	for (i = 0; i < s->loaders->placeholders.len && !hit; i++) {
		struct rx_match m;

		hit = rx_match(ctx, s->loaders->placeholders.items[i], value, strlen(value), 0,
			       &m) == RX_MATCH;
	}
	rx_ctx_free(ctx);
	return hit;
}

/* The Dockerfile that builds svc: compose's build.dockerfile, else ./Dockerfile, else any. */
static const struct scan_parsed *
service_dockerfile(const struct scan *s, const struct service *svc)
{
	const struct scan_parsed *any = NULL;
	size_t i;

	for (i = 0; i < svc->own_manifests.len; i++) {
		const struct scan_parsed *p = svc->own_manifests.items[i];
		const char *base = strrchr(p->entry->path, '/');

		if (p->manifest->kind != MANIFEST_DOCKERFILE)
			continue;
		base = base ? base + 1 : p->entry->path;
		if (strcmp(base, "Dockerfile") == 0)
			return p;
		if (any == NULL)
			any = p;
	}
	(void)s;
	return any;
}

static bool
listed(const void *vec, const char *path)
{
	const VEC(char *) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], path) == 0)
			return true;
	}
	return false;
}

/* The file of svc (or of dir) whose base name is base, preferring dir/base. */
static const char *
find_script(const struct scan *s, const struct service *svc, const char *dir, const char *base)
{
	char *p = path_join(dir, base);
	const struct walk_entry *e = walk_find(s->walk, p);
	size_t i, bl = strlen(base);

	free(p);
	if (e != NULL)
		return e->path;
	for (i = 0; i < svc->files.len; i++) {
		const char *path = s->walk->entries[svc->files.items[i]].path;
		size_t pl = strlen(path);

		if (pl >= bl && strcmp(path + pl - bl, base) == 0 &&
		    (pl == bl || path[pl - bl - 1] == '/'))
			return path;
	}
	return NULL;
}

/* Every word of cmd that names a .sh script, looked up by base name. */
static void
scripts_in_command(const struct scan *s, const struct service *svc, const char *dir,
		   const char *cmd, void *out)
{
	VEC(char *) *v = out;
	const char *p = cmd;

	while (p != NULL && *p) {
		const char *w, *end, *base;
		char *name;
		const char *found;

		while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '[' || *p == ',')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '"' && *p != '\'' && *p != ',' &&
		       *p != ']' && *p != ';')
			p++;
		end = p;
		if (*p)
			p++;
		if (end - w < 4 || strncmp(end - 3, ".sh", 3) != 0)
			continue;
		for (base = end; base > w && base[-1] != '/'; base--)
			;
		name = xstrndup(base, (size_t)(end - base));
		found = find_script(s, svc, dir, name);
		if (found != NULL && !listed(v, found) && v->len < IMAGE_MAX_SCRIPTS)
			VEC_PUSH(v, xstrdup(found));
		free(name);
	}
}

/*
 * The shell scripts that start svc's container, in the order they run: those
 * named by the Dockerfile's ENTRYPOINT and CMD or by a compose service built
 * from svc (entrypoint:, command:), found by base name (the Dockerfile
 * usually copies them to /usr/local/bin), then any *entrypoint*.sh beside the
 * Dockerfile. out is a VEC(char *) of repository paths, owned by the caller.
 */
void
detect_entrypoint_scripts(const struct scan *s, const struct service *svc, void *out)
{
	VEC(char *) *v = out;
	const struct scan_parsed *df = service_dockerfile(s, svc);
	char *dir = df != NULL ? path_dirname(df->entry->path) : xstrdup(svc->path);
	size_t i, j;

	if (df != NULL) {
		/* ENTRYPOINT first: it is what runs, CMD its arguments. */
		for (j = 0; j < 2; j++) {
			for (i = 0; i < df->manifest->ncommands; i++) {
				const struct manifest_command *c = &df->manifest->commands[i];

				if (strcmp(c->name, j == 0 ? "ENTRYPOINT" : "CMD") == 0)
					scripts_in_command(s, svc, dir, c->command, v);
			}
		}
	}
	/* The compose services whose build context is this folder, in compose file order. */
	for (i = 0; i < svc->compose_contexts.len; i++) {
		const struct compose_ref *ref = &svc->compose_contexts.items[i];
		const struct scan_parsed *p = &s->composes.items[ref->file];
		const struct compose_service *cs = &p->compose->services[ref->service];
		const char *ctx = p->context_dirs[ref->service];

		if (cs->entrypoint != NULL)
			scripts_in_command(s, svc, ctx, cs->entrypoint, v);
		if (cs->command != NULL)
			scripts_in_command(s, svc, ctx, cs->command, v);
	}
	if (df != NULL) {
		for (i = 0; i < svc->files.len && v->len < IMAGE_MAX_SCRIPTS; i++) {
			const char *path = s->walk->entries[svc->files.items[i]].path;
			char *pdir = path_dirname(path);
			const char *base = strrchr(path, '/');
			size_t bl;

			base = base ? base + 1 : path;
			bl = strlen(base);
			if (strcmp(pdir, dir) == 0 && strstr(base, "entrypoint") != NULL && bl > 3 &&
			    strcmp(base + bl - 3, ".sh") == 0 && !listed(v, path))
				VEC_PUSH(v, xstrdup(path));
			free(pdir);
		}
	}
	free(dir);
}

static struct inline_source *
new_inline(struct detect_result *r, enum inline_kind kind, const char *file, int line)
{
	struct inline_source *in = VEC_PUSH_ZERO(&r->inlines);

	in->kind = kind;
	in->origin_file = xstrdup(file);
	in->origin_line = line;
	return in;
}

static void
add_var(struct inline_source *in, const char *key, char *value, int line, int col,
	bool unknowable, bool placeholder)
{
	struct inline_var *v = NULL;
	size_t i;

	/* The same key set twice in one script or stage: the later one is what runs. */
	for (i = 0; i < in->vars.len; i++) {
		if (strcmp(in->vars.items[i].key, key) == 0) {
			v = &in->vars.items[i];
			free(v->value);
			break;
		}
	}
	if (v == NULL) {
		v = VEC_PUSH_ZERO(&in->vars);
		v->key = xstrdup(key);
	}
	v->value = value;
	v->line = line;
	v->col = col;
	v->unknowable = unknowable;
	v->placeholder = placeholder;
}

/* ENV of the final stage, expanded against earlier ENV (an ARG without a default is unknown). */
static void
image_env(struct scan *s, const struct scan_parsed *df, struct detect_result *r,
	  struct known *k)
{
	struct inline_source *in = NULL;
	size_t i;

	for (i = 0; i < df->manifest->nenv; i++) {
		const struct manifest_env *e = &df->manifest->env[i];
		bool unknowable = false;
		char *v = expand_known(k, e->value ? e->value : "", &unknowable);

		if (in == NULL)
			in = new_inline(r, INLINE_DOCKERFILE, df->entry->path, e->line);
		/* A container value set by compose stays what the server sees. */
		if (known_get(k, e->key) == NULL)
			known_set(k, e->key, v, unknowable);
		add_var(in, e->key, v, e->line, e->col, unknowable, detect_is_placeholder(s, v));
	}
}

static void
entrypoint_exports(struct scan *s, struct service *svc, const char *path, struct detect_result *r,
		   struct known *k)
{
	struct el_error err = EL_ERROR_INIT;
	struct shenv_script sc = {0};
	struct inline_source *set = NULL, *dflt = NULL;
	const char *data;
	size_t len, i, before;

	if ((data = scan_source(s, path, &len, &err)) == NULL) {
		el_error_clear(&err);
		return;
	}
	shenv_parse(&sc, data, len);
	before = k->vars.len;
	for (i = 0; i < sc.nexports; i++) {
		const struct shenv_export *ex = &sc.exports[i];
		const struct inline_var *was = known_get(k, ex->key);
		bool unknowable = ex->unknowable;
		char *v;

		/* Set by the container before the script runs: the default does nothing. */
		if (ex->when == SHENV_UNSET && was != NULL && (size_t)(was - k->vars.items) < before &&
		    (was->unknowable || *was->value))
			continue;
		v = expand_known(k, ex->value, &unknowable);
		/* Under a condition envlint cannot decide, the key may or may not change. */
		if (ex->when == SHENV_UNKNOWN)
			unknowable = true;
		if (ex->when == SHENV_UNSET) {
			if (dflt == NULL)
				dflt = new_inline(r, INLINE_ENTRY_DEFAULT, path, ex->line);
			add_var(dflt, ex->key, v, ex->line, ex->col, unknowable, detect_is_placeholder(s, v));
		} else {
			if (set == NULL)
				set = new_inline(r, INLINE_EXPORT, path, ex->line);
			add_var(set, ex->key, v, ex->line, ex->col, unknowable, detect_is_placeholder(s, v));
		}
		known_set(k, ex->key, v, unknowable);
	}
	shenv_free(&sc);
	(void)svc;
}

/* The image's ENV and its entrypoint's exports, after compose's environment is known. */
void
detect_image(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct scan_parsed *df = service_dockerfile(s, svc);
	VEC(char *) scripts = {0};
	struct known k = {0};
	size_t i, j;

	/* compose environment: is set before the image's ENV could matter. */
	for (i = 0; i < r->inlines.len; i++) {
		const struct inline_source *in = &r->inlines.items[i];

		for (j = 0; in->kind == INLINE_COMPOSE && j < in->vars.len; j++)
			known_set(&k, in->vars.items[j].key,
				  in->vars.items[j].value ? in->vars.items[j].value : "",
				  in->vars.items[j].value == NULL);
	}
	if (df != NULL)
		image_env(s, df, r, &k);
	detect_entrypoint_scripts(s, svc, &scripts);
	for (i = 0; i < scripts.len; i++)
		entrypoint_exports(s, svc, scripts.items[i], r, &k);
	vec_free_strs(&scripts);
	known_free(&k);
}

/*
 * The Dockerfile instruction that creates the env file at path in the image
 * ("apps/web/Dockerfile:12"), or NULL. The build context is the
 * Dockerfile's folder or the repository root (docker build -f
 * apps/web/Dockerfile .): a created path matches under either.
 */
/* Created paths by key, then by the order of the Dockerfile lines that create them. */
static int
created_cmp(const void *a, const void *b)
{
	const struct scan_created *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

void
detect_image_index(struct scan *s)
{
	size_t i, j, order = 0;

	for (i = 0; i < s->manifests.len; i++) {
		const struct scan_parsed *p = &s->manifests.items[i];
		char *dir;

		if (p->manifest->kind != MANIFEST_DOCKERFILE || p->manifest->ncreated == 0)
			continue;
		dir = path_dirname(p->entry->path);
		for (j = 0; j < p->manifest->ncreated; j++, order++) {
			const struct manifest_created *c = &p->manifest->created[j];
			struct scan_created *in_dir = VEC_PUSH_ZERO(&s->created);
			struct scan_created *as_is = VEC_PUSH_ZERO(&s->created);

			in_dir->key = path_join(dir, c->path);
			as_is->key = xstrdup(c->path);
			in_dir->order = as_is->order = order;
			in_dir->file = as_is->file = p->entry->path;
			in_dir->line = as_is->line = c->line;
		}
		free(dir);
	}
	if (s->created.len > 1)
		qsort(s->created.items, s->created.len, sizeof(*s->created.items), created_cmp);
}

char *
detect_image_created(const struct scan *s, const char *path)
{
	size_t lo = 0, hi = s->created.len;

	/* The first entry for path: the earliest Dockerfile line that creates it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->created.items[mid].key, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->created.len || strcmp(s->created.items[lo].key, path) != 0)
		return NULL;
	return xasprintf("%s:%d", s->created.items[lo].file, s->created.items[lo].line);
}

/*
 * zod / t3-env `.default(10)`, envalid `num({ default: 500 })`: the value a
 * key has when nothing else sets it (real-world.md §1.2, trap 10). Quoted
 * defaults lose their quotes; a template literal with ${} is not a value.
 */
void
detect_schema_default(struct service *svc, struct detect_result *r, const char *file,
		      const struct source_match *m)
{
	const char *key = source_group(m, "key"), *def = source_group(m, "default");
	struct inline_source *in = NULL;
	size_t i, n;
	char *v;

	(void)svc;
	if (key == NULL || def == NULL)
		return;
	n = strlen(def);
	if (n >= 2 && (def[0] == '"' || def[0] == '\'' || def[0] == '`') && def[n - 1] == def[0]) {
		if (def[0] == '`' && strstr(def, "${") != NULL)
			return;
		v = xstrndup(def + 1, n - 2);
	} else {
		char *o;

		/* 15_000: JavaScript's numeric separators are not part of the value. */
		v = o = xstrdup(def);
		for (i = 0; i < n; i++) {
			if (def[i] != '_')
				*o++ = def[i];
		}
		*o = '\0';
	}
	for (i = 0; i < r->inlines.len; i++) {
		if (r->inlines.items[i].kind == INLINE_SCHEMA &&
		    strcmp(r->inlines.items[i].origin_file, file) == 0)
			in = &r->inlines.items[i];
	}
	if (in == NULL)
		in = new_inline(r, INLINE_SCHEMA, file, m->line);
	add_var(in, key, v, m->line, m->col, false, false);
}
