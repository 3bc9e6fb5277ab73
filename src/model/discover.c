#include "model/discover.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "parse/compose.h"
#include "parse/manifest.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/work.h"

char *
path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	return xstrndup(path, (size_t)(slash - path));
}

char *
path_join(const char *dir, const char *rel)
{
	VEC(char *) parts = {0};
	struct buf b = BUF_INIT;
	char *copy, *tok, *save = NULL;
	size_t i, up = 0;

	if (rel[0] == '/')
		return xstrdup(rel);
	copy = xasprintf("%s/%s", strcmp(dir, ".") == 0 ? "" : dir, rel);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (parts.len > 0)
				parts.len--;
			else
				up++;
			continue;
		}
		VEC_PUSH(&parts, tok);
	}
	for (i = 0; i < up; i++)
		buf_puts(&b, i ? "/.." : "..");
	for (i = 0; i < parts.len; i++) {
		if (b.len > 0)
			buf_putc(&b, '/');
		buf_puts(&b, parts.items[i]);
	}
	VEC_FREE(&parts);
	free(copy);
	if (b.len == 0)
		buf_putc(&b, '.');
	return buf_detach(&b);
}

bool
path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strncmp(path, "../", 3) == 0 || strcmp(path, "..") == 0)
		return false;
	if (strcmp(dir, ".") == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Where the service at dir is, or would go, in the list sorted by path. */
static size_t
service_pos(const struct scan *s, const char *dir, bool *found)
{
	size_t lo = 0, hi = s->services.len;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->services.items[mid]->path, dir);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct service *
discover_find(const struct scan *s, const char *dir)
{
	bool found;
	size_t i = service_pos(s, dir, &found);

	return found ? s->services.items[i] : NULL;
}

bool
discover_has_nested(const struct scan *s, const struct service *svc)
{
	size_t n = strlen(svc->path), lo = 0, hi = s->services.len;

	if (strcmp(svc->path, ".") == 0)
		return s->services.len > 1;
	/* The first service at or after "<path>/": those inside sort together from there. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = s->services.items[mid]->path;
		int c = strncmp(p, svc->path, n);

		if (c == 0)
			c = p[n] == '\0' ? -1 : (unsigned char)p[n] - '/';
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->services.len && strncmp(s->services.items[lo]->path, svc->path, n) == 0 &&
	       s->services.items[lo]->path[n] == '/';
}

/* The service whose folder is the first n bytes of dir, or NULL (services are sorted). */
static struct service *
find_prefix(const struct scan *s, const char *dir, size_t n)
{
	size_t lo = 0, hi = s->services.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = s->services.items[mid]->path;
		int c = strncmp(p, dir, n);

		if (c == 0 && p[n] == '\0')
			return s->services.items[mid];
		if (c < 0) /* c == 0 here: dir's n bytes are a proper prefix of p, which sorts after */
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct service *
discover_owner(const struct scan *s, const char *path)
{
	size_t n = strlen(path);
	struct service *svc;

	/* path itself, then each folder above it, then the root */
	for (;;) {
		if ((svc = find_prefix(s, path, n)) != NULL)
			return svc;
		while (n > 0 && path[n - 1] != '/')
			n--;
		if (n == 0)
			return discover_find(s, ".");
		n--; /* drop the slash */
	}
}

/* The service at dir, created (in path order) when there is none yet. */
static struct service *
service_get(struct scan *s, const char *dir)
{
	struct service *svc;
	bool found;
	size_t i = service_pos(s, dir, &found);
	const char *base;

	if (found)
		return s->services.items[i];
	svc = xcalloc(1, sizeof(*svc));
	svc->path = xstrdup(dir);
	if (strcmp(dir, ".") == 0) {
		char *abs = realpath(s->root, NULL);

		base = abs ? strrchr(abs, '/') : NULL;
		svc->name = xstrdup(base && base[1] ? base + 1 : ".");
		free(abs);
	} else {
		base = strrchr(dir, '/');
		svc->name = xstrdup(base ? base + 1 : dir);
	}
	svc->dialect = DOTENV_NODE_DOTENV;
	VEC_PUSH(&s->services, svc);
	memmove(&s->services.items[i + 1], &s->services.items[i],
	        (s->services.len - 1 - i) * sizeof(*s->services.items));
	s->services.items[i] = svc;
	return svc;
}

static void
add_manifest(struct service *svc, const struct scan_parsed *p)
{
	const struct manifest *m = p->manifest;
	size_t i;

	svc->runtime |= m->runtime;
	VEC_PUSH(&svc->manifests, xstrdup(p->entry->path));
	for (i = 0; i < m->ndeps; i++)
		VEC_PUSH(&svc->deps, xstrdup(m->deps[i].name));
}

/* A manifest or compose file, read and parsed on one of parse_files' threads. */
struct parse_job {
	struct scan_parsed p; /* p.manifest or p.compose set when it parsed */
	char *data;           /* its contents, for the scan's cache */
	size_t len;
	char *diag;           /* why it could not be read or parsed, else NULL */
};

struct parse_jobs {
	int dirfd; /* the root's, or -1: read by full name */
	const char *root;
	struct parse_job *items;
};

/* Manifests parse in parallel above this many; below, a thread costs more than it saves. */
#define PARSE_THREADS_MIN 64

static void
parse_one(size_t i, void *arg)
{
	struct parse_jobs *pj = arg;
	struct parse_job *j = &pj->items[i];
	const struct walk_entry *e = j->p.entry;
	struct el_error err = EL_ERROR_INIT;
	const char *name = strrchr(e->path, '/');

	char *full = pj->dirfd < 0 ? xasprintf("%s/%s", pj->root, e->path) : NULL;
	enum file_read_status st;

	name = name ? name + 1 : e->path;
	st = full != NULL ? file_read(full, FILE_MAX_READ, &j->data, &j->len, &err)
	                  : file_read_at(pj->dirfd, e->path, e->path, FILE_MAX_READ, &j->data,
	                                 &j->len, &err);
	free(full);
	if (st != FILE_READ_OK)
		j->diag = xstrdup(err.msg);
	else if (e->kind == SCAN_FILE_MANIFEST &&
	         manifest_parse(&j->p.manifest, manifest_kind_of(name), e->path, j->data, j->len,
	                        &err) != 0)
		j->diag = xasprintf("%d:%d: %s", err.line, err.col, err.msg);
	else if (e->kind == SCAN_FILE_COMPOSE &&
	         compose_parse(&j->p.compose, e->path, j->data, j->len, &err) != 0)
		j->diag = xasprintf("%d:%d: %s", err.line, err.col, err.msg);
	el_error_clear(&err);
}

/*
 * Read and parse every manifest and compose file of the walk (in parallel
 * on large repositories); keep them in walk order, with a diagnostic for
 * each that could not be read or parsed, and their contents in the cache.
 */
static void
parse_files(struct scan *s)
{
	struct parse_jobs pj;
	VEC(struct parse_job) jobs = {0};
	size_t i;

	for (i = 0; i < s->walk->nentries; i++) {
		const struct walk_entry *e = &s->walk->entries[i];

		if (e->kind == SCAN_FILE_MANIFEST || e->kind == SCAN_FILE_COMPOSE)
			VEC_PUSH_ZERO(&jobs)->p.entry = e;
	}
	if (jobs.len == 0)
		return;
	pj.items = jobs.items;
	pj.root = s->root;
	pj.dirfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	work_for(jobs.len, jobs.len >= PARSE_THREADS_MIN ? 2 : 1, parse_one, &pj);
	if (pj.dirfd >= 0)
		close(pj.dirfd);
	for (i = 0; i < jobs.len; i++) {
		struct parse_job *j = &jobs.items[i];

		if (j->diag != NULL)
			scan_diag(s, j->p.entry->path, false, "%s", j->diag);
		else if (j->p.entry->kind == SCAN_FILE_MANIFEST)
			VEC_PUSH(&s->manifests, j->p);
		else
			VEC_PUSH(&s->composes, j->p);
		if (j->data != NULL)
			scan_cache_put(s, j->p.entry->path, j->data, j->len);
		free(j->diag);
	}
	VEC_FREE(&jobs);
}


/*
 * `build: {context: ., dockerfile: backend/Dockerfile}` builds the backend
 * from the repository root, so that the image may copy shared files: the code
 * it runs is the Dockerfile's folder when that folder is a package of its own.
 * A folder that only collects Dockerfiles is not, and the context stays.
 */
char *
discover_compose_dir(const struct scan *s, const char *compose_path,
                     const struct compose_service *cs)
{
	char *cdir, *dir, *df, *dfdir;
	const struct service *owner;

	if (cs->build_context == NULL || strstr(cs->build_context, "://") != NULL ||
	    strchr(cs->build_context, '$') != NULL)
		return NULL;
	cdir = path_dirname(compose_path);
	dir = path_join(cdir, cs->build_context);
	free(cdir);
	if (cs->dockerfile == NULL || strchr(cs->dockerfile, '$') != NULL ||
	    cs->dockerfile[0] == '/')
		return dir;
	df = path_join(dir, cs->dockerfile);
	dfdir = path_dirname(df);
	free(df);
	owner = discover_find(s, dfdir);
	if (strcmp(dfdir, dir) != 0 && path_inside(dfdir, dir) && owner != NULL &&
	    (owner->runtime & ~(unsigned)RUNTIME_CONTAINER) != 0) {
		free(dir);
		return dfdir;
	}
	free(dfdir);
	return dir;
}

/*
 * A build context folder is a service when it holds a manifest or the
 * Dockerfile the compose service names. Without either the image cannot be
 * built, and making the folder a service would only take its files (a
 * prisma/ schema beside a migration service) away from the package that
 * really uses them.
 */
static bool
builds_something(struct scan *s, const char *compose_path, const struct compose_service *cs,
                 const char *dir)
{
	const char *name = cs->dockerfile != NULL ? cs->dockerfile : "Dockerfile";
	char *df;
	bool found;

	if (discover_find(s, dir) != NULL || strchr(name, '$') != NULL || name[0] == '/')
		return true;
	df = path_join(dir, name);
	found = walk_find(s->walk, df) != NULL;
	if (!found)
		scan_diag(s, compose_path, false,
		          "%d:%d: compose service %s builds from %s, which holds neither %s nor a "
		          "manifest; %s is not taken as a service",
		          cs->line, cs->col, cs->name, dir, df, dir);
	free(df);
	return found;
}

/*
 * A root manifest that only declares workspaces does not make the root a
 * service: a package.json with `workspaces`, or beside a pnpm-workspace.yaml
 * (pnpm keeps the member list there), and a uv workspace's virtual root (the
 * manifest parser records members only for a pyproject without [project]).
 */
static bool
is_workspace_root_only(const struct scan_parsed *p, bool pnpm_root)
{
	const struct manifest *m = p->manifest;

	switch (m->kind) {
	case MANIFEST_PNPM_WORKSPACE:
		return true;
	case MANIFEST_PACKAGE_JSON:
		return m->nworkspaces > 0 || pnpm_root;
	case MANIFEST_PYPROJECT:
		return m->nworkspaces > 0;
	default:
		return false;
	}
}

void
discover_services(struct scan *s)
{
	struct service *svc;
	size_t i, j;
	bool root_runtime = false, root_any = false, pnpm_root = false;

	parse_files(s);
	for (i = 0; i < s->manifests.len; i++)
		if (strcmp(s->manifests.items[i].entry->path, "pnpm-workspace.yaml") == 0)
			pnpm_root = true;
	for (i = 0; i < s->manifests.len; i++) {
		const struct scan_parsed *p = &s->manifests.items[i];
		char *dir = path_dirname(p->entry->path);

		if (strcmp(dir, ".") == 0) {
			root_any = true;
			if (!is_workspace_root_only(p, pnpm_root) && p->manifest->runtime != 0)
				root_runtime = true;
		} else if (p->manifest->kind != MANIFEST_PNPM_WORKSPACE) {
			add_manifest(service_get(s, dir), p);
		}
		free(dir);
	}
	/* Compose services built from a folder are services of that folder. */
	for (i = 0; i < s->composes.len; i++) {
		const struct scan_parsed *p = &s->composes.items[i];

		for (j = 0; j < p->compose->nservices; j++) {
			const struct compose_service *cs = &p->compose->services[j];
			char *dir = discover_compose_dir(s, p->entry->path, cs);

			if (dir == NULL)
				continue;
			if (strncmp(dir, "..", 2) != 0 && strcmp(dir, ".") != 0) {
				if (builds_something(s, p->entry->path, cs, dir))
					service_get(s, dir);
			} else if (strcmp(dir, ".") == 0)
				root_runtime = true;
			free(dir);
		}
	}
	/* The configuration can add services detection missed. */
	for (i = 0; s->opts.config != NULL && i < s->opts.config->services.len; i++) {
		const struct config_service *cs = &s->opts.config->services.items[i];

		if (strcmp(cs->path, ".") == 0)
			root_runtime = true;
		else
			service_get(s, cs->path)->pinned = true;
	}
	/* The root is a service when it has a runtime of its own, or when nothing else is. */
	if (root_runtime || s->services.len == 0) {
		struct service *root = service_get(s, ".");

		for (i = 0; i < s->manifests.len; i++) {
			const struct scan_parsed *p = &s->manifests.items[i];

			if (strchr(p->entry->path, '/') == NULL &&
			    p->manifest->kind != MANIFEST_PNPM_WORKSPACE)
				add_manifest(root, p);
		}
		(void)root_any;
	}
	for (i = 0; i < s->services.len; i++) {
		const struct config_service *cs =
			config_service_find(s->opts.config, s->services.items[i]->path);

		if (cs == NULL)
			continue;
		s->services.items[i]->pinned = cs->loader != NULL || cs->has_env_files;
		if (cs->replicas)
			s->services.items[i]->replicas = cs->replicas;
		if (cs->workers)
			s->services.items[i]->workers = cs->workers;
	}
	/* Every service compares its folder with these: computed once, services final. */
	for (i = 0; i < s->composes.len; i++) {
		struct scan_parsed *p = &s->composes.items[i];
		char *cdir = path_dirname(p->entry->path);

		p->build_dirs = xcalloc(p->compose->nservices + 1, sizeof(*p->build_dirs));
		p->context_dirs = xcalloc(p->compose->nservices + 1, sizeof(*p->context_dirs));
		for (j = 0; j < p->compose->nservices; j++) {
			const struct compose_service *cs = &p->compose->services[j];

			p->build_dirs[j] = discover_compose_dir(s, p->entry->path, cs);
			if (cs->build_context != NULL)
				p->context_dirs[j] = path_join(cdir, cs->build_context);
			if (p->build_dirs[j] != NULL && (svc = discover_find(s, p->build_dirs[j])))
				VEC_PUSH(&svc->compose_builds, ((struct compose_ref){i, j}));
			if (p->context_dirs[j] != NULL &&
			    (svc = discover_find(s, p->context_dirs[j])))
				VEC_PUSH(&svc->compose_contexts, ((struct compose_ref){i, j}));
		}
		free(cdir);
	}
}

static void
env_def_clear(struct env_def *d)
{
	size_t i;

	free(d->value);
	free(d->raw);
	for (i = 0; i < d->undefined.len; i++)
		free(d->undefined.items[i]);
	VEC_FREE(&d->undefined);
}

void
service_free(struct service *svc)
{
	size_t i, j;

	if (svc == NULL)
		return;
	free(svc->path);
	free(svc->name);
	for (i = 0; i < svc->manifests.len; i++)
		free(svc->manifests.items[i]);
	VEC_FREE(&svc->manifests);
	for (i = 0; i < svc->deps.len; i++)
		free(svc->deps.items[i]);
	VEC_FREE(&svc->deps);
	for (i = 0; i < svc->sources.len; i++) {
		struct env_source *src = &svc->sources.items[i];

		free(src->file);
		free(src->standin_for);
		free(src->created_by);
		free(src->origin_file);
		for (j = 0; j < src->vars.len; j++) {
			free(src->vars.items[j].key);
			free(src->vars.items[j].value);
		}
		VEC_FREE(&src->vars);
	}
	VEC_FREE(&svc->sources);
	for (i = 0; i < svc->env.len; i++) {
		struct env_entry *e = &svc->env.items[i];

		free(e->key);
		env_def_clear(&e->winner);
		for (j = 0; j < e->shadowed.len; j++)
			env_def_clear(&e->shadowed.items[j]);
		VEC_FREE(&e->shadowed);
	}
	VEC_FREE(&svc->env);
	for (i = 0; i < svc->reads.len; i++) {
		free(svc->reads.items[i].key);
		free(svc->reads.items[i].file);
	}
	VEC_FREE(&svc->reads);
	for (i = 0; i < svc->notes.len; i++) {
		free(svc->notes.items[i].file);
		free(svc->notes.items[i].message);
	}
	VEC_FREE(&svc->notes);
	for (i = 0; i < svc->injected.len; i++) {
		free(svc->injected.items[i].key);
		free(svc->injected.items[i].file);
	}
	VEC_FREE(&svc->injected);
	VEC_FREE(&svc->files);
	VEC_FREE(&svc->own_manifests);
	VEC_FREE(&svc->compose_builds);
	VEC_FREE(&svc->compose_contexts);
	free(svc);
}
