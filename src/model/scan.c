#define _GNU_SOURCE 1 /* memmem */
#include "model/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/connection.h"
#include "model/detect.h"
#include "model/discover.h"
#include "model/pools.h"
#include "model/resolve.h"
#include "parse/compose.h"
#include "parse/manifest.h"
#include "parse/source.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/memfind.h"
#include "util/rx.h"
#include "util/timing.h"
#include "util/work.h"
#include "walk/ignore.h"

/*
 * Folders never worth entering even when no .gitignore says so: installed
 * dependencies and virtual environments hold other people's code.
 */
static const char *const default_excludes[] = {
	"node_modules/", ".venv/", "venv/", "__pycache__/", ".tox/", ".mypy_cache/",
};

/*
 * Building services on two threads (scan_each). While it runs, the
 * scan's shared caches lock (scan_lock), each thread matches with its own
 * context and allocates from its own arena, and what would be written to
 * s->diags goes to the log of the service being built instead: replaying the
 * logs in service order gives the diagnostics of a run on one thread, with
 * an env file's read diagnostics at the first service that used it.
 */
#define PAR_THREADS 2
/* Below this many services (or other items), threads cost more than they save. */
#define PAR_MIN_ITEMS 128

struct par_event {
	struct scan_diag diag;     /* a diagnostic, or: */
	struct scan_env_file *ef;  /* the service used this env file (show its read diagnostics) */
};

struct par_log {
	VEC(struct par_event) events;
};

struct scan_worker {
	struct rx_ctx *rx;
	struct arena *arena;
	struct par_log *log; /* of the service being built */
};

struct scan_par {
	pthread_mutex_t mu; /* recursive: scan_env_parse reads through scan_env_data */
	bool on;            /* scan_each is running */
	VEC(struct scan_worker *) workers;
	VEC(struct arena *) arenas; /* the workers', freed with the scan */
};

/* The calling thread's worker while scan_each runs, else NULL. */
static _Thread_local struct scan_worker *worker;

static void
scan_lock(const struct scan *s)
{
	if (s->par != NULL && s->par->on)
		pthread_mutex_lock(&s->par->mu);
}

static void
scan_unlock(const struct scan *s)
{
	if (s->par != NULL && s->par->on)
		pthread_mutex_unlock(&s->par->mu);
}

struct rx_ctx *
scan_rx(const struct scan *s)
{
	return worker != NULL ? worker->rx : s->rx;
}

struct arena *
scan_arena(struct scan *s)
{
	return worker != NULL ? worker->arena : &s->arena;
}

/* What the walker keeps besides env files. */
static int
classify_file(const char *name, const char *path, void *ctx)
{
	enum source_lang lang;

	(void)path;
	if (manifest_kind_of(name) != MANIFEST_NONE)
		return SCAN_FILE_MANIFEST;
	if (compose_is_compose_file(name))
		return SCAN_FILE_COMPOSE;
	lang = source_lang_of(name);
	if (lang == LANG_YAML || lang == LANG_JAVA)
		return SCAN_FILE_CONFIG;
	if (lang != LANG_NONE)
		return SCAN_FILE_SOURCE;
	if (loaders_platform(ctx, name) != NULL)
		return SCAN_FILE_DEPLOY;
	return SCAN_FILE_OTHER;
}

static bool scan_prefetch(struct scan *s);

/* A service's loaders and its effective environment (scan_each_service). */
static void
detect_one(struct scan *s, size_t i, void *arg)
{
	struct detect_result det;

	(void)arg;
	detect_service(s, s->services.items[i], &det);
	resolve_service(s, s->services.items[i], &det);
	detect_result_free(&det);
}

/* Services, their loaders and their effective environments. */
static void
scan_build_model(struct scan *s)
{
	struct service *owner = NULL;
	const char *prev_dir = NULL;
	size_t i, prev_len = 0, owner_len = 0;
	bool owner_whole = false; /* owner owns everything inside its folder */

	discover_services(s);
	detect_image_index(s);
	timing_mark("discover");
	/*
	 * Who owns each file, once: every later stage walks only its service's
	 * files. The owner depends only on the file's folder (services are
	 * folders), and the walk's sorted entries come folder by folder, a
	 * service's files together: while the files stay inside the last
	 * owner's folder and no other service is nested in it, it is theirs.
	 */
	for (i = 0; i < s->walk->nentries; i++) {
		const char *path = s->walk->entries[i].path, *slash = strrchr(path, '/');
		size_t dirlen = slash != NULL ? (size_t)(slash - path) : 0;

		if (i == 0 || dirlen != prev_len || memcmp(path, prev_dir, dirlen) != 0) {
			bool inside = owner_whole && strncmp(path, owner->path, owner_len) == 0 &&
			              path[owner_len] == '/';

			if (!inside) {
				owner = discover_owner(s, path);
				owner_whole = owner != NULL && strcmp(owner->path, ".") != 0 &&
				              !discover_has_nested(s, owner);
				owner_len = owner_whole ? strlen(owner->path) : 0;
			}
			prev_dir = path;
			prev_len = dirlen;
		}
		if (slash == NULL)
			VEC_PUSH(&s->top_files, i);
		if (owner != NULL)
			VEC_PUSH(&owner->files, i);
	}
	for (i = 0; i < s->manifests.len; i++) {
		char *dir = path_dirname(s->manifests.items[i].entry->path);
		struct service *svc = discover_find(s, dir);

		if (svc != NULL)
			VEC_PUSH(&svc->own_manifests, &s->manifests.items[i]);
		free(dir);
	}
	timing_mark("owners");
	/* After own_manifests: which pool patterns apply to a service depends on them. */
	timing_mark(scan_prefetch(s) ? "prefetch+scan" : "prefetch");
	if (s->loaders == NULL)
		return;
	scan_each_service(s, detect_one, NULL);
	for (i = 0; i < s->services.len; i++)
		resolve_note_readers(s->services.items[i]);
	timing_mark("detect+resolve");
}

/* What one prescan set found in one file. */
struct scan_prescanned {
	bool done; /* scanned and not yet taken */
	int rc;
	char *err;
	struct source_matches ms;
};

/* Open-addressing table from path to contents. */
struct scan_cache_slot {
	char *path;
	const char *entry_path; /* the walk entry's own path string, when read ahead */
	size_t hash;            /* path_hash(path) */
	char *data;
	size_t len;
	char *error; /* why it could not be read (data NULL), told to every caller */
};

struct scan_cache {
	struct scan_cache_slot *slots;
	size_t cap, used, bytes;
	struct { /* per walk entry: its contents when read ahead (data NULL: not) */
		const char *data;
		size_t len;
		bool marked; /* the contents hold scan_options.marker */
	} *by_entry;
	/* Prescan results: pre_of[entry] * npre_sets + k is the slot of set k (SIZE_MAX: none). */
	size_t *pre_of;
	struct scan_prescanned *pre;
	size_t npre;
	const struct prescan_set *pre_sets;
	size_t npre_sets;
	char *transient[SCAN_TRANSIENT];
	size_t next_transient;
};

static size_t
path_hash(const char *p)
{
	size_t h = 1469598103934665603ULL;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/*
 * The slot of path (hash h), or the empty slot where it goes. Stages mostly
 * ask with the walk entry's own string, which read-ahead slots remember: a
 * pointer comparison then saves comparing the text (walk entries live as
 * long as the scan, so such a pointer never names another path).
 */
static struct scan_cache_slot *
cache_slot(struct scan_cache *c, const char *path, size_t h)
{
	size_t i = h & (c->cap - 1);

	while (c->slots[i].path != NULL && c->slots[i].entry_path != path &&
	       (c->slots[i].hash != h || strcmp(c->slots[i].path, path) != 0))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static void
cache_grow(struct scan_cache *c)
{
	struct scan_cache_slot *old = c->slots;
	size_t oldcap = c->cap, i;

	c->cap = c->cap ? c->cap * 2 : 1024;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].path != NULL)
			*cache_slot(c, old[i].path, old[i].hash) = old[i];
	}
	free(old);
}

/* The slot of path (hash h) in the scan's cache, made and grown as needed. */
static struct scan_cache_slot *
cache_lookup(struct scan *s, const char *path, size_t h)
{
	if (s->cache == NULL)
		s->cache = xcalloc(1, sizeof(*s->cache));
	if (s->cache->used * 2 >= s->cache->cap)
		cache_grow(s->cache);
	return cache_slot(s->cache, path, h);
}

void
scan_cache_put(struct scan *s, const char *path, char *data, size_t len)
{
	size_t h = path_hash(path);
	struct scan_cache_slot *slot = cache_lookup(s, path, h);
	struct scan_cache *c = s->cache;

	if (slot->path != NULL || c->bytes + len > SCAN_CACHE_BYTES) {
		free(data);
		return;
	}
	slot->path = xstrdup(path);
	slot->hash = h;
	slot->data = data;
	slot->len = len;
	c->used++;
	c->bytes += len;
}

/* A cached file's contents, or NULL with the reason it could not be read. */
static const char *
slot_contents(const struct scan_cache_slot *slot, const char *path, size_t *len,
              struct el_error *err)
{
	if (slot->data == NULL)
		return el_error_set(err, path, 0, 0, "%s", slot->error ? slot->error : "unreadable"),
		       NULL;
	*len = slot->len;
	return slot->data;
}

const char *
scan_source(struct scan *s, const char *path, size_t *len, struct el_error *err)
{
	size_t n = 0, h = path_hash(path);
	struct scan_cache_slot *slot;
	struct scan_cache *c;
	struct el_error rerr = EL_ERROR_INIT;
	char *full, *data = NULL;
	const char *out;
	enum file_read_status st;
	bool parallel = s->par != NULL && s->par->on;

	scan_lock(s);
	slot = cache_lookup(s, path, h);
	if (slot->path != NULL) {
		out = slot_contents(slot, path, len, err);
		scan_unlock(s);
		return out;
	}
	/* On threads, read without the lock (the other thread goes on), then look again. */
	if (parallel)
		scan_unlock(s);
	full = xasprintf("%s/%s", s->root, path);
	st = file_read(full, FILE_MAX_READ, &data, &n, &rerr);
	free(full);
	if (parallel) {
		scan_lock(s);
		slot = cache_lookup(s, path, h);
		if (slot->path != NULL) { /* the other thread read it meanwhile: the first stays */
			out = slot_contents(slot, path, len, err);
			scan_unlock(s);
			free(data);
			el_error_clear(&rerr);
			return out;
		}
	}
	c = s->cache;
	/* Over budget: a transient copy instead of keeping it (one thread: the ring is unshared). */
	if (st == FILE_READ_OK && c->bytes + n > SCAN_CACHE_BYTES && !parallel) {
		free(c->transient[c->next_transient]);
		c->transient[c->next_transient] = data;
		c->next_transient = (c->next_transient + 1) % SCAN_TRANSIENT;
		*len = n;
		scan_unlock(s);
		return data;
	}
	slot->path = xstrdup(path);
	slot->hash = h;
	slot->data = st == FILE_READ_OK ? data : NULL;
	slot->len = n;
	if (st != FILE_READ_OK)
		slot->error = xstrdup(rerr.msg ? rerr.msg : "unreadable");
	c->used++;
	c->bytes += n;
	out = slot_contents(slot, path, len, err);
	scan_unlock(s);
	el_error_clear(&rerr);
	return out;
}

enum source_lang
scan_source_lang(const struct walk_entry *e, const char *data, size_t len)
{
	const char *base = strrchr(e->path, '/');

	(void)data;
	(void)len;
	return e->kind == SCAN_FILE_SOURCE ? source_lang_of(base ? base + 1 : e->path) : LANG_NONE;
}

int
scan_entry_marked(const struct scan *s, const struct walk_entry *e)
{
	size_t idx = (size_t)(e - s->walk->entries);

	if (s->opts.marker == NULL || s->cache == NULL || s->cache->by_entry == NULL ||
	    idx >= s->walk->nentries || s->cache->by_entry[idx].data == NULL)
		return -1;
	return s->cache->by_entry[idx].marked;
}

const char *
scan_entry_source(struct scan *s, const struct walk_entry *e, size_t *len, struct el_error *err)
{
	size_t idx = (size_t)(e - s->walk->entries);

	if (s->cache != NULL && s->cache->by_entry != NULL && idx < s->walk->nentries &&
	    s->cache->by_entry[idx].data != NULL) {
		*len = s->cache->by_entry[idx].len;
		return s->cache->by_entry[idx].data;
	}
	return scan_source(s, e->path, len, err);
}

/*
 * Reading ahead: the files the stages scan (service-owned source and config
 * files) are read on PREFETCH_THREADS threads before the model is built, so
 * that the open/read/close system calls of thousands of small files overlap
 * instead of running one after the other on the main thread. Only files
 * that read cleanly and fit the cache budget are kept; anything else is read
 * again on demand by scan_source, which reports its error as before.
 */
#ifndef O_PATH
#define O_PATH 0 /* a service's folder is then opened for reading, which serves as well */
#endif
#define PREFETCH_THREADS 2
#define PREFETCH_MIN_FILES 64 /* below this, threads cost more than they save */
/*
 * Scanning ahead: on large repositories the read-ahead threads also run
 * pattern sets over what they read (scan_take_matches hands the matches to
 * the stage that asks). Below this many files, compiling every pattern to
 * machine code up front costs more than the threads save.
 */
#define PRESCAN_MIN_FILES 2048
#define PRESCAN_GLOB_LISTS 4

static bool memo_prepare(const struct scan *s, char *const *globs, size_t n);

struct prefetch_item {
	const char *path;
	size_t entry; /* index in the walk */
	size_t svc;   /* index of its service */
	char *data;
	size_t len;
	bool ok;
	bool marked;                 /* data holds scan_options.marker */
	struct scan_prescanned *pre; /* one per prescan set, or NULL */
};

struct prefetch {
	int dirfd;
	const struct scan *s;
	struct prefetch_item *items;
	size_t n;
	size_t *svc_first;   /* per service: its first item (items are in service order) */
	size_t nsvc;
	atomic_size_t next;  /* next service to claim */
	atomic_size_t bytes; /* read so far: workers stop at the cache budget */
	const struct prescan_set *sets;
	size_t nsets;
	const char *marker; /* scan_options.marker */
	size_t marker_len;
	struct { /* glob lists the stages ask about for every file (scan_entry_globs_match) */
		char *const *globs;
		size_t n;
	} globs[PRESCAN_GLOB_LISTS];
	size_t nglobs;
};

/* Run the prescan sets over one file read ahead. */
static void
prescan_item(const struct prefetch *pf, struct prefetch_item *it, struct rx_ctx *ctx)
{
	const struct walk_entry *e = &pf->s->walk->entries[it->entry];
	enum source_lang langs[SCAN_PRESCAN_SETS];
	size_t k;

	for (k = 0; k < pf->nglobs; k++)
		(void)scan_entry_globs_match(pf->s, e, pf->globs[k].globs, pf->globs[k].n);
	it->pre = xcalloc(pf->nsets, sizeof(*it->pre));
	for (k = 0; k < pf->nsets; k++)
		langs[k] = pf->sets[k].lang(e, it->data, it->len);
	/* The sets that read the file in the same language, scanned together. */
	for (k = 0; k < pf->nsets; k++) {
		struct source_group groups[SCAN_PRESCAN_SETS];
		struct el_error errs[SCAN_PRESCAN_SETS];
		size_t which[SCAN_PRESCAN_SETS], ng = 0, j, n;

		if (langs[k] == LANG_NONE || it->pre[k].done)
			continue;
		for (j = k; j < pf->nsets; j++) {
			const struct prescan_set *ps = &pf->sets[j];
			const struct source_pattern *pats = source_set_patterns(ps->set, &n);

			if (langs[j] != langs[k])
				continue;
			memset(&groups[ng], 0, sizeof(groups[ng]));
			memset(&errs[ng], 0, sizeof(errs[ng])); /* EL_ERROR_INIT */
			groups[ng].first = pf->s->prescan_first[j];
			groups[ng].count = n;
			groups[ng].enabled = ps->masks != NULL ? ps->masks + it->svc * ps->npatterns : NULL;
			groups[ng].report_as = pats;
			groups[ng].out = &it->pre[j].ms;
			groups[ng].err = &errs[ng];
			which[ng++] = j;
		}
		(void)source_scan_groups(ctx, langs[k], it->data, it->len, pf->s->prescan_union,
		                         groups, ng);
		for (j = 0; j < ng; j++) {
			struct scan_prescanned *r = &it->pre[which[j]];

			r->rc = groups[j].rc;
			r->err = errs[j].msg != NULL ? xstrdup(errs[j].msg) : NULL;
			r->done = true;
			source_matches_shrink(&r->ms); /* kept until a stage takes it */
			el_error_clear(&errs[j]);
		}
	}
}

static void *
prefetch_run(void *arg)
{
	struct prefetch *pf = arg;
	struct rx_ctx *ctx = pf->nsets > 0 ? rx_ctx_new_shared() : NULL;
	size_t k;

	/*
	 * A service at a time, its files opened from its folder: the kernel
	 * then walks the path from there, not from the root (opening was 40%
	 * of this loop on the large bench tree, most of it looking up the
	 * leading folders again for every file).
	 */
	while ((k = atomic_fetch_add(&pf->next, 1)) < pf->nsvc) {
		const char *dir = pf->s->services.items[k]->path;
		size_t dirlen = strcmp(dir, ".") == 0 ? 0 : strlen(dir), i;
		int dfd = pf->dirfd;

		if (pf->svc_first[k] == pf->svc_first[k + 1])
			continue;
		if (dirlen > 0 &&
		    (dfd = openat(pf->dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			dfd = pf->dirfd;
			dirlen = 0;
		}
		for (i = pf->svc_first[k]; i < pf->svc_first[k + 1]; i++) {
			struct prefetch_item *it = &pf->items[i];
			struct el_error err = EL_ERROR_INIT;
			const char *rel = it->path;

			if (atomic_load(&pf->bytes) >= SCAN_CACHE_BYTES)
				break;
			if (dirlen > 0 && strncmp(rel, dir, dirlen) == 0 && rel[dirlen] == '/')
				rel += dirlen + 1;
			it->ok = file_read_at(rel == it->path ? pf->dirfd : dfd, rel, it->path,
			                      FILE_MAX_READ, &it->data, &it->len, &err) == FILE_READ_OK;
			if (it->ok) {
				atomic_fetch_add(&pf->bytes, it->len);
				it->marked = pf->marker != NULL &&
				             memmem(it->data, it->len, pf->marker, pf->marker_len) !=
				                 NULL;
				if (ctx != NULL)
					prescan_item(pf, it, ctx);
			}
			el_error_clear(&err);
		}
		if (dfd != pf->dirfd)
			close(dfd);
	}
	rx_ctx_free(ctx);
	return NULL;
}

/* ENVLINT_PRESCAN=0 turns scanning ahead off (tests compare both ways). */
static bool
prescan_disabled(void)
{
	const char *v = getenv("ENVLINT_PRESCAN");

	return v != NULL && strcmp(v, "0") == 0;
}

/*
 * The pattern sets the stages will run over every service file: loader
 * detection's, and connection building's when its packs load (when they do
 * not, connections_build reports why later, as without a prescan).
 */
static void
prescan_sets(struct scan *s, struct prefetch *pf)
{
	struct el_error err = EL_ERROR_INIT;
	size_t n = 0, i;

	if (s->loaders != NULL && s->loaders->flat_set != NULL) {
		s->prescan[n].set = s->loaders->flat_set;
		s->prescan[n++].lang = detect_scan_lang;
	}
	if (connections_prepare(s, &err) == 0) {
		s->prescan[n].set = connections_source_set(s);
		s->prescan[n++].lang = scan_source_lang;
	}
	el_error_clear(&err);
	/* Pools: each service's own patterns, those of the clients it depends on. */
	if (pools_prepare(s, &err) == 0 && s->pools->patterns.len > 0) {
		size_t np = s->pools->patterns.len;

		s->prescan_masks = xcalloc(s->services.len * np + 1, sizeof(*s->prescan_masks));
		for (i = 0; i < s->services.len; i++)
			pools_enabled(s, s->services.items[i], s->pools, s->prescan_masks + i * np);
		s->prescan[n].set = s->pools->set;
		s->prescan[n].lang = scan_source_lang;
		s->prescan[n].masks = s->prescan_masks;
		s->prescan[n++].npatterns = np;
	}
	el_error_clear(&err);
	for (i = 0; i < n; i++) {
		size_t np, j;
		const struct source_pattern *pats = source_set_patterns(s->prescan[i].set, &np);

		source_set_jit(s->prescan[i].set);
		s->prescan_first[i] = s->prescan_patterns.len;
		for (j = 0; j < np; j++)
			VEC_PUSH(&s->prescan_patterns, pats[j]);
	}
	s->prescan_union = source_set_new(s->prescan_patterns.items, s->prescan_patterns.len);
	pf->sets = s->prescan;
	pf->nsets = n;
	/* Which files are tests or not runtime code: answered ahead, by walk entry. */
	pf->nglobs = 0;
	if (s->loaders != NULL) {
		pf->globs[pf->nglobs].globs = s->loaders->non_runtime_paths.items;
		pf->globs[pf->nglobs++].n = s->loaders->non_runtime_paths.len;
		pf->globs[pf->nglobs].globs = s->loaders->test_paths.items;
		pf->globs[pf->nglobs++].n = s->loaders->test_paths.len;
	}
	if (s->pools != NULL) {
		pf->globs[pf->nglobs].globs = s->pools->non_runtime_paths.items;
		pf->globs[pf->nglobs++].n = s->pools->non_runtime_paths.len;
	}
	for (i = 0; i < pf->nglobs; i++) {
		if (!memo_prepare(s, pf->globs[i].globs, pf->globs[i].n)) {
			pf->nglobs = 0; /* no room: the stages answer for themselves */
			break;
		}
	}
}

/* Keep the prescan results of the items read, by walk entry. */
static void
prescan_keep(struct scan *s, struct prefetch *pf)
{
	struct scan_cache *c = s->cache;
	size_t i, k;

	c->pre_of = xreallocarray(NULL, s->walk->nentries, sizeof(*c->pre_of));
	for (i = 0; i < s->walk->nentries; i++)
		c->pre_of[i] = SIZE_MAX;
	c->pre = xcalloc(pf->n ? pf->n : 1, pf->nsets * sizeof(*c->pre));
	c->npre = pf->n;
	c->pre_sets = pf->sets;
	c->npre_sets = pf->nsets;
	for (i = 0; i < pf->n; i++) {
		struct prefetch_item *it = &pf->items[i];

		if (it->pre == NULL)
			continue;
		if (c->pre_of[it->entry] != SIZE_MAX) { /* owned by two services: keep the first */
			for (k = 0; k < pf->nsets; k++) {
				source_matches_free(&it->pre[k].ms);
				free(it->pre[k].err);
			}
			free(it->pre);
			it->pre = NULL;
			continue;
		}
		c->pre_of[it->entry] = i;
		for (k = 0; k < pf->nsets; k++)
			c->pre[i * pf->nsets + k] = it->pre[k];
		free(it->pre);
		it->pre = NULL;
	}
}

bool
scan_take_matches(struct scan *s, const struct walk_entry *e, const struct source_set *set,
                  struct source_matches *out, int *rc, struct el_error *err)
{
	const struct scan_cache *c = s->cache;
	size_t idx = (size_t)(e - s->walk->entries), k;
	struct scan_prescanned *r;

	if (c == NULL || c->pre_of == NULL || idx >= s->walk->nentries || c->pre_of[idx] == SIZE_MAX)
		return false;
	for (k = 0; k < c->npre_sets && c->pre_sets[k].set != set; k++)
		;
	if (k == c->npre_sets)
		return false;
	r = &c->pre[c->pre_of[idx] * c->npre_sets + k];
	if (!r->done)
		return false;
	/*
	 * Lent, not given: the matches were allocated on a read-ahead thread,
	 * and freeing them on another one contends for that thread's malloc
	 * arena with whichever thread now allocates from it. They go with the
	 * cache (cache_free).
	 */
	*out = r->ms;
	out->borrowed = true;
	*rc = r->rc;
	if (r->err != NULL)
		el_error_set(err, NULL, 0, 0, "%s", r->err);
	free(r->err);
	r->err = NULL;
	r->done = false; /* taken once */
	return true;
}

/* Read ahead (and scan ahead); whether pattern sets were run ahead. */
static bool
scan_prefetch(struct scan *s)
{
	struct prefetch pf;
	pthread_t threads[PREFETCH_THREADS - 1];
	size_t i, j, h, nthreads = 0, cap = 0;
	struct scan_cache *c;

	memset(&pf, 0, sizeof(pf));
	pf.nsvc = s->services.len;
	pf.svc_first = xcalloc(pf.nsvc + 1, sizeof(*pf.svc_first));
	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];

		pf.svc_first[i] = pf.n;
		for (j = 0; j < svc->files.len; j++) {
			const struct walk_entry *e = &s->walk->entries[svc->files.items[j]];

			if (e->kind != SCAN_FILE_SOURCE && e->kind != SCAN_FILE_CONFIG)
				continue;
			if (pf.n == cap) {
				cap = cap ? cap * 2 : 256;
				pf.items = xreallocarray(pf.items, cap, sizeof(*pf.items));
			}
			memset(&pf.items[pf.n], 0, sizeof(*pf.items));
			pf.items[pf.n].entry = svc->files.items[j];
			pf.items[pf.n].svc = i;
			pf.items[pf.n++].path = e->path;
		}
	}
	pf.svc_first[pf.nsvc] = pf.n;
	if (pf.n < PREFETCH_MIN_FILES ||
	    (pf.dirfd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(pf.items);
		free(pf.svc_first);
		return false;
	}
	atomic_init(&pf.next, 0);
	atomic_init(&pf.bytes, 0);
	pf.s = s;
	if (s->opts.marker != NULL && s->opts.marker[0] != '\0') {
		pf.marker = s->opts.marker;
		pf.marker_len = strlen(pf.marker);
	}
	if (pf.n >= PRESCAN_MIN_FILES && !prescan_disabled())
		prescan_sets(s, &pf);
	for (i = 0; i + 1 < PREFETCH_THREADS; i++) {
		if (pthread_create(&threads[nthreads], NULL, prefetch_run, &pf) == 0)
			nthreads++;
	}
	prefetch_run(&pf);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	close(pf.dirfd);
	if (s->cache == NULL)
		s->cache = xcalloc(1, sizeof(*s->cache));
	c = s->cache;
	if (pf.nsets > 0)
		prescan_keep(s, &pf);
	for (i = 0; i < pf.n; i++) {
		struct prefetch_item *it = &pf.items[i];
		struct scan_cache_slot *slot;

		if (!it->ok || c->bytes + it->len > SCAN_CACHE_BYTES) {
			free(it->data);
			continue;
		}
		if (c->used * 2 >= c->cap)
			cache_grow(c);
		h = path_hash(it->path);
		slot = cache_slot(c, it->path, h);
		if (slot->path != NULL) { /* owned by two services? keep the first */
			free(it->data);
			continue;
		}
		slot->path = xstrdup(it->path);
		slot->entry_path = it->path; /* a walk entry's path: see cache_slot */
		slot->hash = h;
		slot->data = it->data;
		slot->len = it->len;
		if (c->by_entry == NULL)
			c->by_entry = xcalloc(s->walk->nentries, sizeof(*c->by_entry));
		c->by_entry[it->entry].data = slot->data;
		c->by_entry[it->entry].len = slot->len;
		c->by_entry[it->entry].marked = it->marked;
		c->used++;
		c->bytes += it->len;
	}
	free(pf.items);
	free(pf.svc_first);
	return pf.nsets > 0;
}

static void
cache_free(struct scan_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->cap; i++) {
		free(c->slots[i].path);
		free(c->slots[i].data);
		free(c->slots[i].error);
	}
	for (i = 0; i < SCAN_TRANSIENT; i++)
		free(c->transient[i]);
	free(c->slots);
	free(c->by_entry);
	for (i = 0; i < c->npre * c->npre_sets; i++) {
		source_matches_free(&c->pre[i].ms);
		free(c->pre[i].err);
	}
	free(c->pre);
	free(c->pre_of);
	free(c);
}

#define SCAN_GLOB_LISTS 8 /* glob lists whose literals are kept (the packs have 3); <= 8 */

/* Which byte pairs a string holds, hashed to 128 bits: a subset test rules most literals out. */
struct pair_sig {
	uint64_t w[2];
};

/* A glob list with the literal each of its globs needs (see glob_literal). */
struct scan_glob_list {
	char *const *globs;
	size_t n;
	const char **lits; /* in the memo's arena; NULL = no literal run */
	size_t *litlens;
	struct pair_sig *sigs; /* of each literal */
};

static struct pair_sig
pair_sig_of(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct pair_sig sig = {{0, 0}};
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		unsigned h = (((unsigned)u[i] << 8 | u[i + 1]) * 0x9E37u) >> 9 & 127;

		sig.w[h >> 6] |= (uint64_t)1 << (h & 63);
	}
	return sig;
}

/* Whether every pair of the literal may be in the text (false: the literal is not there). */
static bool
pair_sig_covers(const struct pair_sig *text, const struct pair_sig *lit)
{
	return (lit->w[0] & ~text->w[0]) == 0 && (lit->w[1] & ~text->w[1]) == 0;
}

struct scan_memo {
	struct arena arena;
	struct scan_glob_list lists[SCAN_GLOB_LISTS];
	/* Lists ready: a list is filled in before this counts it (threads read it unlocked). */
	atomic_size_t nlists;
	/*
	 * Per walk entry: bit k = answer for lists[k] known, bit k + 8 = it
	 * matched. Atomic: threads answering for different lists may share an
	 * entry (a lost bit would only be computed again, but is still a race).
	 */
	_Atomic uint16_t *entry_bits;
};

/*
 * The longest run of literal characters glob has before any '[', which a
 * path must contain to match: a quick reject before wildmatch. Slashes at a
 * run's ends are left out, since "**" + "/" may match no folder at all
 * ("**" + "/test/" + "**" matches "test/x"); everything else in a run
 * matches text byte for byte. *len is 0 when there is no such run.
 */
static const char *
glob_literal(const char *glob, size_t *len)
{
	const char *p = glob, *run, *best = NULL;
	size_t n, bestn = 0;

	while (*p != '\0' && *p != '[') {
		run = p;
		while (*p != '\0' && strchr("*?[\\", *p) == NULL)
			p++;
		n = (size_t)(p - run);
		while (n > 0 && run[0] == '/')
			run++, n--;
		while (n > 0 && run[n - 1] == '/')
			n--;
		if (n > bestn)
			best = run, bestn = n;
		if (*p == '\\' || *p == '*' || *p == '?')
			p++;
	}
	*len = bestn;
	return best;
}

/* The literals of a glob list, computed on its first use in the scan. */
static const struct scan_glob_list *
find_list(const struct scan_memo *m, char *const *globs, size_t n)
{
	size_t i, have = atomic_load_explicit(&m->nlists, memory_order_acquire);

	for (i = 0; i < have; i++) {
		if (m->lists[i].globs == globs && m->lists[i].n == n)
			return &m->lists[i];
	}
	return NULL;
}

static const struct scan_glob_list *
memo_list(const struct scan *s, char *const *globs, size_t n)
{
	struct scan_memo *m = s->memo;
	const struct scan_glob_list *found = find_list(m, globs, n);
	struct scan_glob_list *gl;
	size_t i, have;

	if (found != NULL)
		return found;
	scan_lock(s);
	have = atomic_load_explicit(&m->nlists, memory_order_relaxed);
	if ((found = find_list(m, globs, n)) != NULL || have == SCAN_GLOB_LISTS) {
		scan_unlock(s);
		return found;
	}
	gl = &m->lists[have];
	gl->globs = globs;
	gl->n = n;
	gl->lits = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*gl->lits));
	gl->litlens = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*gl->litlens));
	gl->sigs = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*gl->sigs));
	for (i = 0; i < n; i++) {
		gl->lits[i] = glob_literal(globs[i], &gl->litlens[i]);
		gl->sigs[i] = pair_sig_of(gl->lits[i], gl->litlens[i]);
	}
	atomic_store_explicit(&m->nlists, have + 1, memory_order_release);
	scan_unlock(s);
	return gl;
}

/* Whether path matches one of the globs of gl (NULL: no literals known). */
static bool
globs_match(const struct scan_glob_list *gl, char *const *globs, size_t n, const char *path)
{
	size_t i, plen = strlen(path);
	struct pair_sig sig = pair_sig_of(path, plen);

	for (i = 0; i < n; i++) {
		if (gl != NULL && gl->litlens[i] > 0 &&
		    (!pair_sig_covers(&sig, &gl->sigs[i]) ||
		     !mem_contains(path, plen, gl->lits[i], gl->litlens[i])))
			continue;
		if (ignore_wildmatch(globs[i], path, true))
			return true;
	}
	return false;
}

/*
 * Ready the memo for the glob list on several threads at once: its literals
 * and the per-entry answers exist, so scan_entry_globs_match only writes the
 * answer of the entry it is asked about. False when the memo has no room.
 */
static bool
memo_prepare(const struct scan *s, char *const *globs, size_t n)
{
	struct scan_memo *m = s->memo;

	if (memo_list(s, globs, n) == NULL)
		return false;
	if (m->entry_bits == NULL)
		m->entry_bits = xcalloc(s->walk->nentries, sizeof(*m->entry_bits));
	return true;
}

bool
scan_entry_globs_match(const struct scan *s, const struct walk_entry *e, char *const *globs,
                       size_t n)
{
	struct scan_memo *m = s->memo;
	const struct scan_glob_list *gl = memo_list(s, globs, n);
	size_t idx = (size_t)(e - s->walk->entries), k;
	unsigned bits;

	if (gl == NULL || idx >= s->walk->nentries) /* no room to remember: answered each time */
		return globs_match(gl, globs, n, e->path);
	if (m->entry_bits == NULL) /* made before any threads run (memo_prepare, scan_each_service) */
		m->entry_bits = xcalloc(s->walk->nentries, sizeof(*m->entry_bits));
	k = (size_t)(gl - m->lists);
	bits = atomic_load_explicit(&m->entry_bits[idx], memory_order_relaxed);
	if ((bits >> k & 1) == 0) {
		bits = 1u << k | (unsigned)globs_match(gl, globs, n, e->path) << (k + 8);
		atomic_fetch_or_explicit(&m->entry_bits[idx], (uint16_t)bits, memory_order_relaxed);
	}
	return bits >> (k + 8) & 1;
}

#define NDEFAULT_EXCLUDES (sizeof(default_excludes) / sizeof(default_excludes[0]))

static void
diag_vset(struct scan_diag *d, const char *path, bool verbose_only, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_vprintf(&b, fmt, ap);
	d->path = xstrdup(path);
	d->message = buf_detach(&b);
	d->verbose_only = verbose_only;
}

void
scan_diag(struct scan *s, const char *path, bool verbose_only, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(worker != NULL ? &VEC_PUSH_ZERO(&worker->log->events)->diag
	                         : VEC_PUSH_ZERO(&s->diags),
	          path, verbose_only, fmt, ap);
	va_end(ap);
}

/* An env file's read diagnostics join s->diags at its first use. */
static void
show_read_diags(struct scan *s, struct scan_env_file *ef)
{
	size_t i;

	if (ef->read_diags_shown)
		return;
	ef->read_diags_shown = true;
	for (i = 0; i < ef->read_diags.len; i++)
		VEC_PUSH(&s->diags, ef->read_diags.items[i]);
	VEC_FREE(&ef->read_diags);
}

/* A read diagnostic of ef, held until the file's first use (show_read_diags). */
static void
read_diag(struct scan_env_file *ef, const char *fmt, ...) EL_PRINTF(2, 3);

static void
read_diag(struct scan_env_file *ef, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(VEC_PUSH_ZERO(&ef->read_diags), ef->entry->path, false, fmt, ap);
	va_end(ap);
}

struct each_job {
	struct scan *s;
	void (*fn)(struct scan *s, size_t i, void *arg);
	void *arg;
	struct par_log *logs;
	size_t n;
	bool reverse; /* claim the items from the last (ENVLINT_PARALLEL=reverse) */
};

static void
each_one(size_t k, void *p)
{
	struct each_job *j = p;
	struct scan_par *par = j->s->par;
	size_t i = j->reverse ? j->n - 1 - k : k;

	if (worker == NULL) { /* this thread's first service */
		struct scan_worker *w = xcalloc(1, sizeof(*w));

		w->rx = rx_ctx_new();
		w->arena = xcalloc(1, sizeof(*w->arena));
		pthread_mutex_lock(&par->mu);
		VEC_PUSH(&par->workers, w);
		VEC_PUSH(&par->arenas, w->arena);
		pthread_mutex_unlock(&par->mu);
		worker = w;
	}
	worker->log = &j->logs[i];
	j->fn(j->s, i, j->arg);
	worker->log = NULL;
}

/*
 * ENVLINT_PARALLEL=0 builds services on one thread, in order; =reverse
 * builds them on the threads from the last one, whatever their number, so
 * that tests can show the output does not depend on the order (the threads'
 * order varies from run to run).
 */
static const char *
parallel_mode(void)
{
	const char *v = getenv("ENVLINT_PARALLEL");

	return v != NULL ? v : "";
}

void
scan_each_service(struct scan *s, void (*fn)(struct scan *s, size_t i, void *arg), void *arg)
{
	scan_each(s, s->services.len, fn, arg);
}

void
scan_each(struct scan *s, size_t n, void (*fn)(struct scan *s, size_t i, void *arg), void *arg)
{
	struct each_job job = {s, fn, arg, NULL, n, strcmp(parallel_mode(), "reverse") == 0};
	size_t i, k;

	if ((n < PAR_MIN_ITEMS && !job.reverse) || worker != NULL ||
	    strcmp(parallel_mode(), "0") == 0 || n == 0) {
		for (i = 0; i < n; i++)
			fn(s, i, arg);
		return;
	}
	if (s->par == NULL) {
		pthread_mutexattr_t ma;

		s->par = xcalloc(1, sizeof(*s->par));
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&s->par->mu, &ma);
		pthread_mutexattr_destroy(&ma);
	}
	job.logs = xcalloc(n, sizeof(*job.logs));
	if (s->memo->entry_bits == NULL && s->walk->nentries > 0)
		s->memo->entry_bits = xcalloc(s->walk->nentries, sizeof(*s->memo->entry_bits));
	/* Patterns shared by the threads must not be compiled while they match. */
	rx_jit_pause();
	s->par->on = true;
	work_for(n, PAR_THREADS, each_one, &job);
	s->par->on = false;
	rx_jit_resume();
	worker = NULL; /* the calling thread's; the others' ended with them */
	for (i = 0; i < s->par->workers.len; i++) {
		rx_ctx_free(s->par->workers.items[i]->rx);
		free(s->par->workers.items[i]);
	}
	s->par->workers.len = 0;
	for (i = 0; i < n; i++) {
		for (k = 0; k < job.logs[i].events.len; k++) {
			struct par_event *ev = &job.logs[i].events.items[k];

			if (ev->ef != NULL)
				show_read_diags(s, ev->ef);
			else
				VEC_PUSH(&s->diags, ev->diag);
		}
		VEC_FREE(&job.logs[i].events);
	}
	free(job.logs);
}

/* Longest file taken for a link stored as a file (a relative path). */
#define LINK_STUB_MAX 1024

/*
 * A checkout with core.symlinks=false (Windows, some CI caches) stores a
 * committed symbolic link as a plain file holding the target path
 * (real-world.md §2.4). An env file whose whole text is one relative path to
 * another env file, with no '=' and no blank, is such a stub: it is read as a
 * link to that file, not parsed as a malformed env file.
 */
static void
link_stub(struct scan *s, struct walk_entry *e, struct scan_env_file *ef)
{
	char *full = xasprintf("%s/%s", s->root, e->path), *data = NULL, *line = NULL, *dir,
	     *slash;
	size_t len, n;
	struct stat st;

	if (file_read(full, LINK_STUB_MAX, &data, &len, NULL) != FILE_READ_OK)
		goto out;
	for (n = len; n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'); n--)
		;
	line = xstrndup(data, n);
	if (n == 0 || line[0] == '/' || line[0] == '#' || (slash = strrchr(line, '/')) == NULL ||
	    strcspn(line, "= \t\r\n\\\"'$") != n || !(walk_env_kind(slash + 1) & WALK_ENV)) {
		/* an ordinary env file: the scan keeps what was read, so it is read once */
		ef->data = data;
		ef->len = len;
		data = NULL;
		goto out;
	}
	dir = path_dirname(e->path);
	ef->stub_target = path_join(dir, line);
	free(dir);
	e->flags |= WALK_SYMLINK;
	e->link_target = line;
	line = NULL;
	if (strncmp(ef->stub_target, "../", 3) == 0 || strcmp(ef->stub_target, "..") == 0)
		e->flags |= WALK_OUTSIDE;
	free(full);
	full = xasprintf("%s/%s", s->root, ef->stub_target);
	if (stat(full, &st) != 0)
		e->flags |= WALK_DANGLING;
	else
		e->size = st.st_size;
	scan_diag(s, e->path, true,
		  "holds only the path '%s': a symbolic link checked out as a file "
		  "(core.symlinks=false); read as a link to it",
		  e->link_target);
out:
	free(line);
	free(data);
	free(full);
}

/* Env file i, when it may be a link stored as a file (scan_each). */
static void
stub_one(struct scan *s, size_t i, void *arg)
{
	struct scan_env_file *ef = &s->env_files.items[i];
	struct walk_entry *e = &s->walk->entries[ef->entry - s->walk->entries];

	(void)arg;
	if (!(e->flags & WALK_SYMLINK) && e->size > 0 && e->size <= LINK_STUB_MAX)
		link_stub(s, e, ef);
}

int
scan_new(struct scan **out, const char *root, const struct scan_options *opts,
	 const struct packs *packs, struct el_error *err)
{
	struct scan *s;
	struct walk_options wo;
	struct stat st;
	const char **excludes;
	size_t i;
	int rc;

	if (stat(root, &st) != 0)
		return el_error_set(err, root, 0, 0, "cannot scan: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return el_error_set(err, root, 0, 0, "cannot scan: not a directory");
	s = xcalloc(1, sizeof(*s));
	s->root = xstrdup(root);
	s->opts = *opts;
	s->packs = packs;
	s->rx = rx_ctx_new();
	s->memo = xcalloc(1, sizeof(*s->memo));
	s->loaders = opts->loaders;
	memset(&wo, 0, sizeof(wo));
	excludes = xcalloc(opts->nexclude + NDEFAULT_EXCLUDES, sizeof(*excludes));
	for (i = 0; i < NDEFAULT_EXCLUDES; i++)
		excludes[i] = default_excludes[i];
	for (i = 0; i < opts->nexclude; i++)
		excludes[NDEFAULT_EXCLUDES + i] = opts->exclude[i];
	wo.exclude = excludes;
	wo.nexclude = opts->nexclude + NDEFAULT_EXCLUDES;
	wo.classify = classify_file;
	wo.classify_ctx = (void *)opts->loaders;
	timing_mark("start");
	rc = walk_repo(&s->walk, root, &wo, err);
	timing_mark("walk");
	free(excludes);
	if (rc != 0) {
		scan_free(s);
		return -1;
	}
	for (i = 0; i < s->walk->ndiags; i++)
		scan_diag(s, s->walk->diags[i].path, false, "%s", s->walk->diags[i].message);
	for (i = 0; i < s->walk->nentries; i++) {
		const struct walk_entry *e = &s->walk->entries[i];
		struct scan_env_file *ef;

		if (!(e->flags & WALK_ENV))
			continue;
		ef = VEC_PUSH_ZERO(&s->env_files);
		ef->entry = e;
	}
	scan_each(s, s->env_files.len, stub_one, NULL);
	scan_build_model(s);
	*out = s;
	return 0;
}

void
scan_free(struct scan *s)
{
	size_t i, j;
	int d;

	if (s == NULL)
		return;
	connections_release(s->conn_build);
	pools_free(s->pools);
	free(s->prescan_masks);
	source_set_free(s->prescan_union);
	VEC_FREE(&s->prescan_patterns);
	for (i = 0; i < s->env_files.len; i++) {
		struct scan_env_file *ef = &s->env_files.items[i];

		free(ef->data);
		free(ef->stub_target);
		VEC_FREE(&ef->readers);
		for (j = 0; j < ef->read_diags.len; j++) {
			free(ef->read_diags.items[j].path);
			free(ef->read_diags.items[j].message);
		}
		VEC_FREE(&ef->read_diags);
		for (d = 0; d < DOTENV_DIALECT_COUNT; d++)
			dotenv_file_free(ef->parsed[d]);
	}
	VEC_FREE(&s->env_files);
	for (i = 0; i < s->diags.len; i++) {
		free(s->diags.items[i].path);
		free(s->diags.items[i].message);
	}
	VEC_FREE(&s->diags);
	for (i = 0; i < s->services.len; i++)
		service_free(s->services.items[i]);
	VEC_FREE(&s->services);
	VEC_FREE(&s->top_files);
	for (i = 0; i < s->created.len; i++)
		free(s->created.items[i].key);
	VEC_FREE(&s->created);
	for (i = 0; i < s->manifests.len; i++)
		manifest_free(s->manifests.items[i].manifest);
	VEC_FREE(&s->manifests);
	for (i = 0; i < s->composes.len; i++) {
		struct scan_parsed *p = &s->composes.items[i];

		for (j = 0; p->build_dirs != NULL && j < p->compose->nservices; j++) {
			free(p->build_dirs[j]);
			free(p->context_dirs[j]);
		}
		free(p->build_dirs);
		free(p->context_dirs);
		compose_file_free(p->compose);
	}
	VEC_FREE(&s->composes);
	cache_free(s->cache);
	if (s->memo != NULL) {
		free(s->memo->entry_bits);
		arena_free(&s->memo->arena);
		free(s->memo);
	}
	walk_result_free(s->walk);
	rx_ctx_free(s->rx);
	arena_free(&s->arena);
	if (s->par != NULL) {
		for (i = 0; i < s->par->arenas.len; i++) {
			arena_free(s->par->arenas.items[i]);
			free(s->par->arenas.items[i]);
		}
		VEC_FREE(&s->par->arenas);
		VEC_FREE(&s->par->workers);
		pthread_mutex_destroy(&s->par->mu);
		free(s->par);
	}
	free(s->root);
	free(s);
}

const struct scan_parsed *
scan_manifest_find(const struct scan *s, const char *path)
{
	size_t lo = 0, hi = s->manifests.len;

	/* Manifests are kept in walk order, which is sorted by path. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->manifests.items[mid].entry->path, path);

		if (c == 0)
			return &s->manifests.items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
scan_env_files_from(const struct scan *s, const char *path)
{
	size_t lo = 0, hi = s->env_files.len;

	/* The walk returns entries sorted by path, so env_files are sorted too. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->env_files.items[mid].entry->path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct scan_env_file *
scan_find_env_file(struct scan *s, const char *path)
{
	size_t i = scan_env_files_from(s, path);

	return i < s->env_files.len && strcmp(s->env_files.items[i].entry->path, path) == 0
	           ? &s->env_files.items[i]
	           : NULL;
}

const char *
scan_report_text(struct scan *s, const char *path, size_t *len, struct el_error *err)
{
	const struct scan_env_file *ef = scan_find_env_file(s, path);

	/* Not a link stored as a file: its data are the target's, not its own text. */
	if (ef != NULL && ef->read_tried && ef->data != NULL && ef->stub_target == NULL) {
		*len = ef->len;
		return ef->data;
	}
	return scan_source(s, path, len, err);
}

const char *
scan_env_data(struct scan *s, struct scan_env_file *ef, size_t *len)
{
	struct el_error err = EL_ERROR_INIT;
	enum file_read_status st = FILE_READ_ERROR;
	char *full, *data = NULL;
	size_t n = 0;
	bool fresh;

	scan_lock(s);
	/* A file to read: on threads, read without the lock; the first read stays. */
	fresh = !ef->read_tried && ef->data == NULL && !(ef->entry->flags & WALK_DANGLING);
	if (fresh) {
		bool parallel = s->par != NULL && s->par->on;

		if (parallel)
			scan_unlock(s);
		full = xasprintf("%s/%s", s->root,
				 ef->stub_target ? ef->stub_target : ef->entry->path);
		st = file_read(full, FILE_MAX_READ, &data, &n, &err);
		free(full);
		if (parallel)
			scan_lock(s);
	}
	if (!ef->read_tried) {
		ef->read_tried = true;
		if (ef->entry->flags & WALK_DANGLING) {
			read_diag(ef, "symbolic link to '%s' whose target does not exist",
				  ef->entry->link_target ? ef->entry->link_target : "?");
		} else if (fresh && st != FILE_READ_OK) {
			read_diag(ef, "%s", err.msg);
		} else {
			if (fresh) {
				ef->data = data;
				ef->len = n;
				data = NULL;
			}
			if (memchr(ef->data, '\0', ef->len) != NULL) {
				/* No loader reads a NUL byte the same way (C strings end there,
				 * Node keeps it): a binary file, not configuration. Skipped, and
				 * said so. */
				const char *nul = memchr(ef->data, '\0', ef->len), *p;
				int line = 1;

				for (p = ef->data; p < nul; p++)
					line += *p == '\n';
				read_diag(ef, "NUL byte at line %d: not a text env file, skipped",
					  line);
				free(ef->data);
				ef->data = NULL;
				ef->len = 0;
			}
		}
	}
	free(data); /* read by the other thread first */
	el_error_clear(&err);
	/* The diagnostics come out where a run on one thread would first use the file. */
	if (worker != NULL)
		VEC_PUSH_ZERO(&worker->log->events)->ef = ef;
	else
		show_read_diags(s, ef);
	scan_unlock(s);
	*len = ef->len;
	return ef->data;
}

const struct dotenv_file *
scan_env_parse(struct scan *s, struct scan_env_file *ef, enum dotenv_dialect d)
{
	const char *data;
	size_t len;
	struct dotenv_options o;

	struct dotenv_file *df = NULL, *mine = NULL;
	bool parsed;

	/* scan_env_data first, for its diagnostics' place even when parsed before. */
	data = scan_env_data(s, ef, &len);
	if (data == NULL)
		return NULL;
	scan_lock(s);
	parsed = ef->parsed[d] != NULL;
	scan_unlock(s);
	if (!parsed) { /* parsed without the lock; on threads, the first parse stays */
		memset(&o, 0, sizeof(o));
		if (dotenv_parse(&mine, data, len, d, &o, NULL) != 0)
			mine = NULL;
	}
	scan_lock(s);
	if (ef->parsed[d] == NULL)
		ef->parsed[d] = mine;
	else
		dotenv_file_free(mine);
	df = ef->parsed[d];
	scan_unlock(s);
	return df;
}

size_t
scan_env_dialects(const struct scan_env_file *ef, enum dotenv_dialect *out)
{
	bool seen[DOTENV_DIALECT_COUNT] = {false};
	size_t i, n = 0;
	int d;

	for (i = 0; i < ef->readers.len; i++)
		seen[ef->readers.items[i].dialect] = true;
	for (d = 0; d < DOTENV_DIALECT_COUNT; d++) {
		if (seen[d])
			out[n++] = (enum dotenv_dialect)d;
	}
	if (n == 0)
		out[n++] = DOTENV_NODE_DOTENV;
	return n;
}
