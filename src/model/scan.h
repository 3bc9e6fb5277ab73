/*
 * One scan of a repository: the walk, the env files with their contents and
 * parses (one per dialect, made on first use and shared by every service
 * that reads the file), and the diagnostics about files that could not be
 * read. The scan owns everything it hands out; scan_free releases it all.
 */
#ifndef ENVLINT_SCAN_H
#define ENVLINT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/dotenv.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/vec.h"
#include "walk/walk.h"

struct packs;
struct rx_ctx;
struct service;
struct loader_set;
struct manifest;
struct compose_file;
struct config;
struct scan_cache;
struct scan_memo;
struct conn_build;
struct pool_set;
struct source_matches;
struct source_set;

/* What the walker keeps besides env files (walk_entry.kind). */
enum scan_file_kind {
	SCAN_FILE_OTHER = 0,
	SCAN_FILE_MANIFEST = 1, /* a runtime manifest (parse/manifest.h) */
	SCAN_FILE_COMPOSE = 2,  /* a docker compose file */
	SCAN_FILE_SOURCE = 3,   /* source code scanned for loader calls and env reads */
	SCAN_FILE_CONFIG = 4,   /* other YAML, .properties and Java (pool settings, Kubernetes) */
	SCAN_FILE_DEPLOY = 5,   /* a platform's deploy manifest that is no other kind (app.json) */
};

/* A parsed manifest or compose file, cached for the scan. */
struct scan_parsed {
	const struct walk_entry *entry;
	struct manifest *manifest;    /* SCAN_FILE_MANIFEST */
	struct compose_file *compose; /* SCAN_FILE_COMPOSE */
	/* Per compose service: the folder it builds (discover_compose_dir), NULL
	 * when none. Computed once after discovery: every service compares its
	 * path against them. */
	char **build_dirs;
	/* Per compose service: its build context joined to the compose file's
	 * folder as written (path_join), NULL when none; computed with build_dirs. */
	char **context_dirs;
};

/* A loader that reads an env file (filled by service resolution). */
struct env_reader {
	enum dotenv_dialect dialect;
	const char *loader;  /* loader name, e.g. "python-dotenv" */
	const char *service; /* service path, "" for the root */
};

struct scan_diag {
	char *path;
	char *message;
	bool verbose_only; /* a documented skip, shown with --verbose */
};

struct scan_env_file {
	const struct walk_entry *entry; /* path and flags from the walk */
	VEC(struct env_reader) readers; /* empty: nobody is known to read it */
	char *data;                     /* contents; NULL when unreadable */
	size_t len;
	bool read_tried;
	/* Diagnostics of the first read, shown when a stage first uses the file (scan_env_data). */
	VEC(struct scan_diag) read_diags;
	bool read_diags_shown;
	char *stub_target; /* a link stored as a file: its target, relative to the root */
	struct dotenv_file *parsed[DOTENV_DIALECT_COUNT];
};

struct scan_options {
	const char *env; /* development, production, test */
	const struct loader_set *loaders; /* loader models from the packs */
	const struct config *config;      /* .envlint.yml, or NULL */
	bool no_templates;
	const char *const *exclude;
	size_t nexclude;
	/* A literal the read-ahead threads look for in each file they read (scan_entry_marked). */
	const char *marker;
};

/*
 * A pattern set the read-ahead threads run over service files (large scans),
 * with the language a file is scanned in, LANG_NONE for files it skips.
 */
struct prescan_set {
	const struct source_set *set;
	enum source_lang (*lang)(const struct walk_entry *e, const char *data, size_t len);
	/* The patterns enabled for the service of index i: masks + i * npatterns; NULL: all. */
	const bool *masks;
	size_t npatterns;
};
#define SCAN_PRESCAN_SETS 4

/* A path a Dockerfile creates (RUN touch, COPY): as written, or joined to its folder. */
struct scan_created {
	char *key;
	size_t order;     /* the Dockerfile line's place among all such lines */
	const char *file; /* the Dockerfile (a walk entry's path) */
	int line;
};

struct scan {
	char *root;
	struct scan_options opts;
	const struct packs *packs;
	struct rx_ctx *rx;
	struct walk_result *walk;
	VEC(struct scan_env_file) env_files;
	VEC(struct scan_diag) diags;
	VEC(struct scan_parsed) manifests; /* every manifest that parsed, by path */
	VEC(struct scan_parsed) composes;
	VEC(struct service *) services;    /* sorted by path */
	VEC(size_t) top_files;             /* walk entries at the root folder itself */
	VEC(struct scan_created) created;  /* paths Dockerfiles create, sorted (detect_image_index) */
	struct prescan_set prescan[SCAN_PRESCAN_SETS];
	struct conn_build *conn_build; /* connections_prepare */
	struct pool_set *pools;        /* pools_prepare */
	bool *prescan_masks;           /* owned by prescan[] */
	/* The prescan sets' patterns one after the other, to scan each file once for all. */
	VEC(struct source_pattern) prescan_patterns;
	struct source_set *prescan_union;
	size_t prescan_first[SCAN_PRESCAN_SETS]; /* where each set's patterns start in it */
	struct scan_cache *cache;          /* file contents shared by the stages */
	struct scan_memo *memo;            /* answers of scan_entry_globs_match */
	const struct loader_set *loaders;
	struct arena arena;
	struct scan_par *par; /* scan_each's state, NULL until it first runs */
};

/*
 * fn(s, i, arg) for every service i of s->services, on two threads when
 * there are many services (ENVLINT_PARALLEL=0: on one). fn may call the
 * scan's functions (scan_source, scan_env_data, scan_env_parse,
 * scan_entry_globs_match, scan_diag, ...), which lock while it runs; it must match
 * patterns with scan_rx(s) and take memory that lives with the scan from
 * scan_arena(s), and must change nothing shared but service i. Diagnostics
 * come out in the order of a run on one thread.
 */
void scan_each_service(struct scan *s, void (*fn)(struct scan *s, size_t i, void *arg), void *arg);
/* The same for items 0 to n - 1 of the caller's (the env files): fn changes nothing shared
 * but what belongs to item i. */
void scan_each(struct scan *s, size_t n, void (*fn)(struct scan *s, size_t i, void *arg),
               void *arg);
/* The regex match context of the calling thread (s->rx outside scan_each). */
struct rx_ctx *scan_rx(const struct scan *s);
/* The arena of the calling thread for memory that lives with the scan (&s->arena outside). */
struct arena *scan_arena(struct scan *s);

/* Walk root and collect its env files. -1 (err set) only when root is unusable. */
int scan_new(struct scan **out, const char *root, const struct scan_options *opts,
	     const struct packs *packs, struct el_error *err);
void scan_free(struct scan *s);

/* The parsed manifest at path (relative to the root), or NULL. */
const struct scan_parsed *scan_manifest_find(const struct scan *s, const char *path);
/* The index of the first env file whose path sorts at or after path. */
size_t scan_env_files_from(const struct scan *s, const char *path);
/* The env file at path (relative to the root), or NULL. */
struct scan_env_file *scan_find_env_file(struct scan *s, const char *path);
/* Contents of an env file, read on first use; NULL (and a diagnostic) when unreadable. */
const char *scan_env_data(struct scan *s, struct scan_env_file *ef, size_t *len);
/* The file parsed in dialect d with no process environment; NULL when unreadable. */
const struct dotenv_file *scan_env_parse(struct scan *s, struct scan_env_file *ef,
					 enum dotenv_dialect d);
/*
 * The distinct dialects an env file is read in, in a stable order: those of
 * its readers, or node-dotenv when no reader is known. Returns the count.
 */
size_t scan_env_dialects(const struct scan_env_file *ef, enum dotenv_dialect *out);
/*
 * The contents of a file of the repository (path relative to the root), read
 * once per scan and shared by every stage that scans it (loaders, reads,
 * connections, pools, suppressions). Owned by the scan; valid until
 * scan_free. Files beyond the cache budget are read again when asked for and
 * kept in a small ring, valid until SCAN_TRANSIENT later calls. NULL (err
 * set) when unreadable.
 */
const char *scan_source(struct scan *s, const char *path, size_t *len, struct el_error *err);
/*
 * scan_source for a file a report shows lines of: an env file already read
 * (scan_env_data) is not read again. The same bytes as scan_source.
 */
const char *scan_report_text(struct scan *s, const char *path, size_t *len,
                             struct el_error *err);
/*
 * The matches set found in walk entry e on the read-ahead threads, lent to
 * out with source_scan_set's return code (*rc) and error: true once per file
 * and set when the scan ran it ahead, else false (the caller scans itself).
 * The matches stay the scan's (out->borrowed): the caller may reorder them,
 * and source_matches_free only forgets them.
 */
bool scan_take_matches(struct scan *s, const struct walk_entry *e, const struct source_set *set,
                       struct source_matches *out, int *rc, struct el_error *err);
/* The language of a source file, for stages that scan every one (LANG_NONE: not source). */
enum source_lang scan_source_lang(const struct walk_entry *e, const char *data, size_t len);
/* Keep data (len bytes, taken over) as the contents of path, within the cache budget. */
void scan_cache_put(struct scan *s, const char *path, char *data, size_t len);
/*
 * Whether e's contents hold scan_options.marker, as found by the read-ahead
 * threads: 1 yes, 0 no, -1 not known (not read ahead, or no marker).
 */
int scan_entry_marked(const struct scan *s, const struct walk_entry *e);
/* scan_source for a walk entry of the scan: read-ahead contents are found by its index. */
const char *scan_entry_source(struct scan *s, const struct walk_entry *e, size_t *len,
                              struct el_error *err);
/*
 * Whether walk entry e's path matches one of the n globs (ignore_wildmatch,
 * pathname mode), remembered per glob list and entry for the scan: several
 * stages classify every file against the same pack lists (non-runtime, test
 * paths). globs must stay valid for the scan (the packs' lists).
 */
bool scan_entry_globs_match(const struct scan *s, const struct walk_entry *e, char *const *globs,
                            size_t n);
/* Bytes of file contents a scan keeps at most (see README "Limits"). */
#define SCAN_CACHE_BYTES (48u * 1024u * 1024u)
#define SCAN_TRANSIENT 8
/* Record a diagnostic about a file of the scanned repository. */
void scan_diag(struct scan *s, const char *path, bool verbose_only, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

#endif
