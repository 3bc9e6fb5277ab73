#include "model/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "model/discover.h"
#include "util/buf.h"

/* How deep a ${A} -> ${B} -> ... chain is followed across files. */
#define RESOLVE_EXPAND_DEPTH 8
/* How many nested values one expansion may compute. */
#define RESOLVE_EXPAND_VALUES 4096

/*
 * The template beside a missing file: a file of the same folder named
 * "<name>.<more>" that the walker marked as a template (.env.example,
 * .env.sample, ...; the walker owns what counts as one). The first in path
 * order wins.
 */
struct scan_env_file *
resolve_template_for(struct scan *s, const char *path)
{
	size_t i, n = strlen(path);

	/* env_files are sorted by path: those starting with path come first from there. */
	for (i = scan_env_files_from(s, path); i < s->env_files.len; i++) {
		struct scan_env_file *ef = &s->env_files.items[i];
		const char *p = ef->entry->path;

		if (strncmp(p, path, n) != 0)
			break;
		if ((ef->entry->flags & WALK_TEMPLATE) && p[n] == '.' && strchr(p + n, '/') == NULL)
			return ef;
	}
	return NULL;
}

static bool
source_listed(const struct service *svc, const char *file, enum dotenv_dialect d)
{
	size_t i;

	for (i = 0; i < svc->sources.len; i++) {
		const struct env_source *src = &svc->sources.items[i];

		if (src->kind == SOURCE_ENV_FILE && strcmp(src->file, file) == 0 &&
		    src->dialect == d)
			return true;
	}
	return false;
}

static struct env_source
make_file_source(struct scan *s, const struct load_op *op, size_t k)
{
	struct env_source src;
	const char *file = op->files.items[k];

	memset(&src, 0, sizeof(src));
	src.kind = SOURCE_ENV_FILE;
	src.file = xstrdup(file);
	src.outside = strncmp(file, "..", 2) == 0 || file[0] == '/';
	src.required = !op->optional.items[k];
	src.dialect = op->dialect;
	src.loader = op->loader->name;
	src.origin_file = xstrdup(op->origin_file);
	src.origin_line = op->origin_line;
	src.override = op->override;
	src.expands = op->expands;
	if (!src.outside)
		src.ef = scan_find_env_file(s, file);
	src.exists = src.ef != NULL && !(src.ef->entry->flags & WALK_DANGLING);
	if (!src.exists && !src.outside && !s->opts.no_templates) {
		struct scan_env_file *t = resolve_template_for(s, file);

		if (t != NULL) {
			src.template = true;
			src.standin_for = xstrdup(file);
			src.ef = t;
		}
	}
	if (!src.exists && !src.template)
		src.ef = NULL;
	if (!src.exists && !src.outside)
		src.created_by = detect_image_created(s, file);
	return src;
}

/*
 * The priority list follows from the operations in execution order: an
 * operation that does not override puts its files under everything already
 * loaded (the process environment and earlier files win); one that
 * overrides puts them on top. Within one operation, first-wins keeps the
 * given order and last-wins reverses it.
 */
static const struct inline_info inline_infos[] = {
    [INLINE_COMPOSE] = {"compose", "environment", "environment:", "compose environment:"},
    [INLINE_EXPORT] = {"entrypoint", "entrypoint", "export", "exported before the server starts"},
    [INLINE_DOCKERFILE] = {"dockerfile", "dockerfile-env", "ENV", "final stage ENV: the container's environment"},
    [INLINE_ENTRY_DEFAULT] = {"entrypoint", "entrypoint-default", "export (default)",
                              "default when the container does not set it"},
    [INLINE_SCHEMA] = {"env-schema", "schema-default", "schema default",
                       "default used when nothing sets it"},
    [INLINE_COMMAND] = {"shell", "command", "command", "assigned before the command"},
    [INLINE_SECRETS] = {"secrets", "secrets", "secrets", "injected by the secret manager"},
};

const struct inline_info *
service_inline_info(enum inline_kind k)
{
	return &inline_infos[k];
}

static struct env_source
make_inline_source(const struct inline_source *in)
{
	struct env_source src;
	size_t k;

	memset(&src, 0, sizeof(src));
	src.kind = SOURCE_INLINE;
	src.inline_kind = in->kind;
	src.file = xstrdup(in->origin_file);
	src.exists = true;
	src.loader = in->loader != NULL ? in->loader : inline_infos[in->kind].loader;
	src.dialect = DOTENV_COMPOSE;
	src.origin_file = xstrdup(in->origin_file);
	src.origin_line = in->origin_line;
	/* A command's variables and a secret manager's values are the process environment. */
	src.override = in->kind != INLINE_SCHEMA && in->kind != INLINE_COMMAND &&
		       in->kind != INLINE_SECRETS;
	src.how = in->how;
	src.secrets = in->kind == INLINE_SECRETS;
	for (k = 0; k < in->vars.len; k++) {
		struct inline_var v = in->vars.items[k];

		v.key = xstrdup(v.key);
		v.value = xstrdup(v.value);
		VEC_PUSH(&src.vars, v);
	}
	return src;
}

/* Push the inline sources of det whose kind is one of kinds[0..n). */
static size_t
push_inlines(void *vec, const struct detect_result *det, const enum inline_kind *kinds, size_t n)
{
	VEC(struct env_source) *list = vec;
	size_t i, k, pushed = 0;

	for (k = 0; k < n; k++) {
		for (i = 0; i < det->inlines.len; i++) {
			if (det->inlines.items[i].kind != kinds[k])
				continue;
			VEC_PUSH(list, make_inline_source(&det->inlines.items[i]));
			pushed++;
		}
	}
	return pushed;
}

/*
 * Variables a start command sets and a secret manager's values, at this
 * point of execution (after_ops == at): on top of everything so far.
 * Returns how many were put on top.
 */
static size_t
add_command_inlines(void *vec, const struct detect_result *det, size_t at)
{
	VEC(struct env_source) *list = vec;
	size_t i, n = 0;

	for (i = 0; i < det->inlines.len; i++) {
		const struct inline_source *in = &det->inlines.items[i];
		struct env_source src;

		if ((in->kind != INLINE_COMMAND && in->kind != INLINE_SECRETS) || in->after_ops != at)
			continue;
		src = make_inline_source(in);
		VEC_RESERVE(list, 1);
		memmove(&list->items[1], &list->items[0], list->len * sizeof(list->items[0]));
		list->items[0] = src;
		list->len++;
		n++;
	}
	return n;
}

/*
 * The priority list follows from the operations in execution order: an
 * operation that does not override puts its files under everything already
 * loaded (the process environment and earlier files win); one that
 * overrides puts them on top. Within one operation, first-wins keeps the
 * given order and last-wins reverses it. The container's environment comes
 * first: entrypoint exports, compose environment:, compose env_file:, the
 * image's ENV, entrypoint defaults; env-schema defaults come last of all.
 * Variables a start command sets are process environment from where they
 * are set: on top at that point.
 */
static void
build_sources(struct scan *s, struct service *svc, const struct detect_result *det)
{
	static const enum inline_kind container[] = {INLINE_EXPORT, INLINE_COMPOSE};
	static const enum inline_kind image[] = {INLINE_DOCKERFILE, INLINE_ENTRY_DEFAULT};
	static const enum inline_kind lowest[] = {INLINE_SCHEMA};
	VEC(struct env_source) list = {0};
	size_t i, k, top;
	bool image_done = false;

	top = push_inlines(&list, det, container, 2);
	for (i = 0; i <= det->ops.len; i++) {
		const struct load_op *op = i < det->ops.len ? &det->ops.items[i] : NULL;
		VEC(struct env_source) group = {0};
		size_t n, j;

		top += add_command_inlines(&list, det, i);
		/* The image's environment sits under compose's env_file: and above
		 * everything the program loads itself without override. */
		if (!image_done && (op == NULL || strcmp(op->loader->name, "compose") != 0)) {
			push_inlines(&list, det, image, 2);
			image_done = true;
		}
		if (op == NULL)
			break;
		n = op->files.len;
		for (k = 0; k < n; k++) {
			size_t idx = op->order == ORDER_LAST_WINS ? n - 1 - k : k;

			VEC_PUSH(&group, make_file_source(s, op, idx));
		}
		if (op->override) {
			/* On top. compose's own env_file: stays under its environment:
			 * (which beats env_file); an in-process loader that overrides
			 * (dotenv override: true) beats the container's environment too. */
			size_t at = strcmp(op->loader->name, "compose") == 0 ? top : 0;

			VEC_RESERVE(&list, group.len);
			memmove(&list.items[at + group.len], &list.items[at],
				(list.len - at) * sizeof(list.items[0]));
			memcpy(&list.items[at], group.items, group.len * sizeof(group.items[0]));
			list.len += group.len;
		} else {
			for (j = 0; j < group.len; j++)
				VEC_PUSH(&list, group.items[j]);
		}
		VEC_FREE(&group);
	}
	push_inlines(&list, det, lowest, 1);
	/* A file loaded twice in the same dialect counts once, at its highest rank. */
	for (i = 0; i < list.len; i++) {
		struct env_source *src = &list.items[i];

		if (src->kind == SOURCE_ENV_FILE && source_listed(svc, src->file, src->dialect)) {
			free(src->file);
			free(src->standin_for);
			free(src->created_by);
			free(src->origin_file);
			continue;
		}
		VEC_PUSH(&svc->sources, *src);
	}
	VEC_FREE(&list);
	/* The highest-ranked secret manager: what explain and the not-defined rules consult. */
	for (i = svc->sources.len; i > 0; i--) {
		if (svc->sources.items[i - 1].secrets)
			svc->secrets = &svc->sources.items[i - 1];
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct env_entry *)a)->key, ((const struct env_entry *)b)->key);
}

const struct env_entry *
resolve_find(const struct service *svc, const char *key)
{
	struct env_entry probe;

	probe.key = (char *)key;
	if (svc->env.len == 0)
		return NULL;
	return bsearch(&probe, svc->env.items, svc->env.len, sizeof(struct env_entry), entry_cmp);
}

/* Linear lookup while the list is still being built. */
static struct env_entry *
entry_get(struct service *svc, const char *key, bool create)
{
	size_t i;
	struct env_entry *e;

	for (i = 0; i < svc->env.len; i++) {
		if (strcmp(svc->env.items[i].key, key) == 0)
			return &svc->env.items[i];
	}
	if (!create)
		return NULL;
	e = VEC_PUSH_ZERO(&svc->env);
	e->key = xstrdup(key);
	return e;
}

static bool
same_place(const struct env_def *a, const struct env_def *b)
{
	return a->line == b->line && a->col == b->col && strcmp(a->file, b->file) == 0;
}

static void
add_def(struct service *svc, struct env_def *d, const char *key)
{
	struct env_entry *e = entry_get(svc, key, true);
	size_t i;

	/* One line read by two loaders (dotenv and Prisma's own loading) is one definition. */
	if (e->winner.source != NULL) {
		bool dup = same_place(&e->winner, d);

		for (i = 0; i < e->shadowed.len && !dup; i++)
			dup = same_place(&e->shadowed.items[i], d);
		if (dup) {
			free(d->value);
			return;
		}
	}

	if (e->winner.source == NULL)
		e->winner = *d;
	else
		VEC_PUSH(&e->shadowed, *d);
}

static bool
has_reference(const char *v)
{
	const char *p = v ? strchr(v, '$') : NULL;

	for (; p != NULL; p = strchr(p + 1, '$')) {
		if (p[1] == '{' || p[1] == '_' || (p[1] >= 'A' && p[1] <= 'Z') ||
		    (p[1] >= 'a' && p[1] <= 'z'))
			return true;
	}
	return false;
}

/* The definition a file gives a key: the last one, or the first for dotenvy. */
static bool
binding_is_effective(const struct dotenv_file *df, size_t i)
{
	size_t j;
	bool first = dotenv_dialect_first_duplicate_wins(df->dialect);

	for (j = 0; j < df->nbindings; j++) {
		if (j == i || strcmp(df->bindings[j].key, df->bindings[i].key) != 0)
			continue;
		if ((first && j < i) || (!first && j > i))
			return false;
	}
	return true;
}

/* What an opaque value (op://..., encrypted:...) stands for, or NULL. */
static const char *
opaque_what(const struct scan *s, const char *value)
{
	const struct opaque_value *o = s->loaders ? loaders_opaque(s->loaders, value) : NULL;

	return o ? o->what : NULL;
}

static void
collect_defs(struct scan *s, struct service *svc)
{
	size_t i, j;

	for (i = 0; i < svc->sources.len; i++) {
		const struct env_source *src = &svc->sources.items[i];
		const struct dotenv_file *df;

		if (src->kind == SOURCE_INLINE) {
			for (j = 0; j < src->vars.len; j++) {
				const struct inline_var *v = &src->vars.items[j];
				struct env_def d;

				if (v->value == NULL)
					continue; /* `- KEY`: inherited, defines nothing here */
				memset(&d, 0, sizeof(d));
				d.source = src;
				d.file = src->file;
				d.line = v->line;
				d.col = v->col;
				d.end_line = v->line;
				d.value = xstrdup(v->value);
				d.unknowable = v->unknowable;
				d.placeholder = v->placeholder;
				d.opaque = opaque_what(s, d.value);
				add_def(svc, &d, v->key);
			}
			continue;
		}
		if (src->ef == NULL)
			continue;
		df = scan_env_parse(s, src->ef, src->dialect);
		/* A file the loader rejects as a whole contributes nothing. */
		if (df == NULL || df->failed)
			continue;
		for (j = 0; j < df->nbindings; j++) {
			const struct dotenv_binding *b = &df->bindings[j];
			struct env_def d;

			if (!binding_is_effective(df, j))
				continue;
			/* python-dotenv's bare KEY defines nothing for load_dotenv. */
			if (b->value == NULL)
				continue;
			memset(&d, 0, sizeof(d));
			d.source = src;
			d.binding = b;
			d.file = src->ef->entry->path;
			d.line = b->line;
			d.col = b->col;
			d.end_line = b->end_line;
			d.end_col = b->end_col;
			d.value = xstrdup(src->expands ? b->raw_value : b->value);
			d.unknowable = b->unknowable;
			d.unexpanded = !src->expands && has_reference(b->raw_value);
			d.opaque = opaque_what(s, d.value);
			add_def(svc, &d, b->key);
		}
	}
}

struct expand_ctx {
	struct service *svc;
	int depth;
	struct env_def *def; /* whose undefined names are collected */
	const struct dotenv_file *own; /* the definition's own file (parsed as its loader reads it) */
	bool file_first;               /* own earlier keys before the environment */
	const struct dotenv_file *project; /* compose env_file: the project .env, looked up first */
	const struct detect_result *det; /* execution order of the load operations */
	bool load_time;                  /* only what earlier loads put in the environment */
	VEC(char *) scratch; /* expanded values handed out; alive until the expansion ends */
	const char *chain[RESOLVE_EXPAND_DEPTH + 2]; /* keys being expanded, outermost first */
	size_t nchain;
};

static char *expand_def(struct expand_ctx *x, const struct env_def *d);
static bool has_reference(const char *v);

/* The position in execution order of the operation that loaded src; -1 for outer layers. */
static long
exec_rank(const struct detect_result *det, const struct env_source *src)
{
	size_t i, j;

	if (src->kind != SOURCE_ENV_FILE)
		return -1;
	for (i = 0; i < det->ops.len; i++) {
		const struct load_op *op = &det->ops.items[i];

		if (op->loader->name != src->loader || op->origin_line != src->origin_line ||
		    strcmp(op->origin_file, src->origin_file) != 0)
			continue;
		for (j = 0; j < op->files.len; j++) {
			if (strcmp(op->files.items[j], src->standin_for ? src->standin_for
									 : src->file) == 0)
				return (long)i;
		}
	}
	return -1;
}

/* The last definition of name before the definition being expanded, in its own file. */
static const char *
own_earlier(const struct expand_ctx *x, const char *name)
{
	const struct dotenv_binding *b = x->def->binding;

	if (x->own == NULL || b == NULL || b < x->own->bindings ||
	    b >= x->own->bindings + x->own->nbindings)
		return NULL;
	while (b > x->own->bindings) {
		b--;
		if (strcmp(b->key, name) == 0 && b->value != NULL)
			return b->value;
	}
	return NULL;
}

/* Lookup for cross-file expansion: the effective value of name in the service. */
static const char *
service_lookup(void *arg, const char *name)
{
	struct expand_ctx *x = arg;
	const struct env_entry *e;
	const char *v;
	size_t c;

	/* compose env_file: the project .env (shell + .env) has precedence (§4, c47). */
	if (x->depth == 1 && x->project != NULL) {
		const struct dotenv_file *pf = x->project;
		size_t k;

		for (k = pf->nbindings; k > 0; k--) {
			if (strcmp(pf->bindings[k - 1].key, name) == 0 && pf->bindings[k - 1].value)
				return pf->bindings[k - 1].value;
		}
	}
	/* File first: an earlier definition in the same file, already expanded. */
	if (x->depth == 1 && x->file_first && (v = own_earlier(x, name)) != NULL)
		return v;
	e = resolve_find(x->svc, name);
	/*
	 * The winner is a later line of this very file: only Next.js and Vite
	 * (which expand the merged map) see forward references; the others see
	 * what the file defined so far (c36: A=${B} before B=x gives "").
	 */
	/*
	 * python-dotenv without override expands while loading: the environment
	 * then holds only what earlier loads (and outer layers) put there.
	 */
	if (x->depth == 1 && x->load_time && e != NULL &&
	    e->winner.source->ef != x->def->source->ef) {
		long mine = exec_rank(x->det, x->def->source);
		size_t k;

		if (exec_rank(x->det, e->winner.source) > mine) {
			const struct env_def *earlier = NULL;

			for (k = 0; k < e->shadowed.len && earlier == NULL; k++) {
				if (exec_rank(x->det, e->shadowed.items[k].source) < mine)
					earlier = &e->shadowed.items[k];
			}
			if (earlier != NULL && earlier->value != NULL)
				return earlier->value;
			if ((v = own_earlier(x, name)) != NULL)
				return v;
			e = NULL;
		}
	}
	if (x->depth == 1 && e != NULL && e->winner.binding != NULL && x->own != NULL &&
	    e->winner.source->ef == x->def->source->ef && e->winner.binding > x->def->binding &&
	    x->def->source->dialect != DOTENV_NEXTJS && x->def->source->dialect != DOTENV_VITE) {
		if ((v = own_earlier(x, name)) != NULL)
			return v;
		e = NULL;
	}

	if (e == NULL || e->winner.value == NULL) {
		/* Only the names this definition itself references, not deeper ones. */
		if (x->depth == 1) {
			size_t i;

			for (i = 0; i < x->def->undefined.len; i++) {
				if (strcmp(x->def->undefined.items[i], name) == 0)
					return NULL;
			}
			VEC_PUSH(&x->def->undefined, xstrdup(name));
		}
		return NULL;
	}
	if (!e->winner.source->expands)
		return e->winner.value;
	/*
	 * A cycle (A=${B}x, B=${A}y across files), a chain deeper than we follow
	 * or more work than we allow: the real loader never finishes or the
	 * value cannot be known. Expand it to nothing rather than hand back text
	 * with references in it (which a re-expanding dialect would grow forever).
	 */
	for (c = 0; c < x->nchain; c++) {
		if (strcmp(x->chain[c], name) == 0) {
			x->def->unknowable = true;
			return NULL;
		}
	}
	if (x->depth >= RESOLVE_EXPAND_DEPTH || x->scratch.len >= RESOLVE_EXPAND_VALUES) {
		x->def->unknowable = true;
		return NULL;
	}
	x->chain[x->nchain++] = e->key;
	VEC_PUSH(&x->scratch, expand_def(x, &e->winner));
	x->nchain--;
	return x->scratch.items[x->scratch.len - 1];
}

static char *
expand_def(struct expand_ctx *x, const struct env_def *d)
{
	struct dotenv_lookup lookup = {service_lookup, x};
	char *v;
	bool unknowable = false;

	x->depth++;
	v = dotenv_expand_value(d->source->dialect, d->value,
				d->binding ? d->binding->quote : DOTENV_QUOTE_NONE, &lookup,
				&unknowable);
	x->depth--;
	return v;
}

/*
 * Loaders that resolve ${X} from the file being read before the environment:
 * python-dotenv with override=True and dotenv_values (pydantic-settings),
 * where the same file's earlier value wins (env-loading.md §3, §6.1: REF=a
 * although DUP ends as b), and compose env_file, whose files are parsed in
 * order into one map (§4, §6.1). Everything else looks up the effective
 * environment (Next.js and Vite merge first; python-dotenv without override
 * sees what earlier loads put in the environment).
 */
static bool
file_first(const struct env_source *src)
{
	if (src->kind != SOURCE_ENV_FILE)
		return false;
	if (src->dialect == DOTENV_COMPOSE)
		return true;
	return src->dialect == DOTENV_PYTHON_DOTENV &&
	       (src->override || strcmp(src->loader, "pydantic-settings") == 0);
}

/* The project .env beside the compose file that configured src, parsed as compose reads it. */
static const struct dotenv_file *
compose_project_env(struct scan *s, const struct env_source *src)
{
	VEC(char *) names = {0};
	char *dir = path_dirname(src->origin_file), *path;
	struct scan_env_file *ef;
	const struct dotenv_file *df = NULL;

	/* `docker compose --env-file X` in a script replaces the project .env
	 * (the last file stands for them all here). */
	detect_compose_env_files(s, src->origin_file, &names);
	path = names.len > 0 ? xstrdup(names.items[names.len - 1]) : path_join(dir, ".env");
	vec_free_strs(&names);
	ef = scan_find_env_file(s, path);

	/* The project .env itself as an env_file: its own keys come first anyway. */
	if (ef != NULL && ef != src->ef)
		df = scan_env_parse(s, ef, DOTENV_COMPOSE);
	free(path);
	free(dir);
	return df;
}

static void
expand_all(struct scan *s, struct service *svc, const struct detect_result *det)
{
	size_t i, j;

	/* Expand every definition that its loader expands, against the effective
	 * environment (the process environment wins inside expansions, §2). */
	for (i = 0; i < svc->env.len; i++) {
		struct env_entry *e = &svc->env.items[i];
		struct env_def *defs[1];

		defs[0] = &e->winner;
		for (j = 0; j <= e->shadowed.len; j++) {
			struct env_def *d = j == 0 ? defs[0] : &e->shadowed.items[j - 1];
			struct expand_ctx x;
			char *v;
			int k;

			if (!d->source->expands || d->value == NULL || !has_reference(d->value))
				continue;
			memset(&x, 0, sizeof(x));
			x.svc = svc;
			x.def = d;
			x.chain[x.nchain++] = e->key;
			x.file_first = file_first(d->source);
			x.det = det;
			x.load_time = d->source->kind == SOURCE_ENV_FILE &&
				      d->source->dialect == DOTENV_PYTHON_DOTENV && !x.file_first;
			if (d->source->kind == SOURCE_ENV_FILE && d->source->ef != NULL)
				x.own = scan_env_parse(s, d->source->ef, d->source->dialect);
			if (d->source->kind == SOURCE_ENV_FILE && d->source->dialect == DOTENV_COMPOSE)
				x.project = compose_project_env(s, d->source);
			v = expand_def(&x, d);
			for (k = 0; k < (int)x.scratch.len; k++)
				free(x.scratch.items[k]);
			VEC_FREE(&x.scratch);
			if (v != NULL && strcmp(v, d->value) != 0) {
				d->raw = d->value;
				d->value = v;
			} else {
				free(v);
			}
			/* ${X} defined nowhere here may be set by the secret manager (§2.11). */
			if (svc->secrets != NULL && d->undefined.len > 0)
				d->unknowable = true;
		}
	}
}

/* The innermost loader: the first non-compose operation that read something. */
static void
pick_loader(struct service *svc, const struct detect_result *det)
{
	size_t i;

	svc->loader = "none";
	for (i = 0; i < det->ops.len; i++) {
		const struct load_op *op = &det->ops.items[i];

		if (strcmp(op->loader->name, "compose") == 0 && i + 1 < det->ops.len)
			continue;
		if (op->lowest && strcmp(svc->loader, "none") != 0)
			continue;
		svc->loader = op->loader->name;
		svc->dialect = op->dialect;
		if (!op->lowest)
			return;
	}
	for (i = 0; strcmp(svc->loader, "none") == 0 && i < det->inlines.len; i++) {
		if (det->inlines.items[i].kind == INLINE_COMMAND ||
		    det->inlines.items[i].kind == INLINE_SECRETS)
			continue; /* a command's variables are no loader */
		svc->loader = "compose";
		svc->dialect = DOTENV_COMPOSE;
	}
}

void
resolve_service(struct scan *s, struct service *svc, const struct detect_result *det)
{
	build_sources(s, svc, det);
	pick_loader(svc, det);
	collect_defs(s, svc);
	if (svc->env.len > 1)
		qsort(svc->env.items, svc->env.len, sizeof(struct env_entry), entry_cmp);
	expand_all(s, svc, det);
}

void
resolve_note_readers(struct service *svc)
{
	size_t i;

	for (i = 0; i < svc->sources.len; i++) {
		struct env_source *src = &svc->sources.items[i];
		struct env_reader r;

		if (src->ef == NULL || src->kind != SOURCE_ENV_FILE)
			continue;
		r.dialect = src->dialect;
		r.loader = src->loader;
		r.service = svc->path;
		VEC_PUSH(&src->ef->readers, r);
	}
}
