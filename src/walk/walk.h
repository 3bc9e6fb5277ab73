/*
 * The one-pass repository walker. Honours nested .gitignore files and
 * .git/info/exclude, never enters .git or an ignored folder, but still reports
 * env files that are ignored (marked WALK_IGNORED). Symbolic links never cause
 * loops. Entries come back in a deterministic order (byte order of paths).
 * The caller owns the struct walk_result (walk_result_free).
 *
 * Ignore rules follow man gitignore exactly (checked against git itself by
 * tests/scripts/test_walk_gitignore.sh). Precedence, highest first: the
 * walk_options exclude globs (so a "!glob" there re-includes what a
 * .gitignore excludes), then .gitignore files from the deepest folder up, then
 * .git/info/exclude. Not read: core.excludesFile (envlint never depends on who
 * runs it), .gitignore files above the root, and a nested repository's own
 * .git/info/exclude (its .gitignore files do apply). A symlinked .gitignore is
 * not followed, as in git >= 2.32.
 *
 * The walker opens folders and ignore files only. A FIFO, socket or device
 * that would be reported (or a link to one, or to a folder) gets a diag
 * instead of an entry, so no later stage can block on it.
 */
#ifndef ENVLINT_WALK_H
#define ENVLINT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

enum walk_flag {
	WALK_ENV = 1 << 0,      /* .env, .env.*, *.env (not .envrc, not backups) */
	WALK_TEMPLATE = 1 << 1, /* .env.example, .env.sample, .env.template, .env.dist */
	WALK_IGNORED = 1 << 2,  /* matched by an ignore rule (only env files are reported so) */
	WALK_SYMLINK = 1 << 3,  /* the entry is a symbolic link */
	WALK_DANGLING = 1 << 4, /* a symbolic link whose target does not exist */
	WALK_OUTSIDE = 1 << 5,  /* a symbolic link whose target is outside the root */
};

struct walk_entry {
	char *path;        /* relative to the root, '/' separators */
	unsigned flags;    /* enum walk_flag */
	int kind;          /* what opts->classify returned (0 for env files it did not claim) */
	off_t size;        /* env files: the size (of the target for a link); else -1 */
	char *link_target; /* for symlinks: the target as read by readlink, else NULL */
};

struct walk_diag {
	char *path;
	char *message;
};

struct walk_options {
	/* Extra exclude globs (gitignore syntax, relative to the root). */
	const char *const *exclude;
	size_t nexclude;
	/*
	 * Decide which non-env files to report: return a non-zero kind to keep
	 * the file. name is the base name, path the relative path. NULL keeps none.
	 */
	int (*classify)(const char *name, const char *path, void *ctx);
	void *classify_ctx;
	int max_depth; /* 0 = WALK_MAX_DEPTH; larger values are capped to it */
	/*
	 * Threads to walk with: 0 = one per online CPU (at most 8), 1 = only the
	 * caller's. Helpers start only once the tree is more than a few dozen
	 * folders. With more than one, classify may run on several threads at
	 * once: it must not change shared state without its own locking.
	 */
	int threads;
};

struct walk_result {
	struct walk_entry *entries;
	size_t nentries;
	struct walk_diag *diags; /* unreadable folders, loops, limits hit: the scan went on */
	size_t ndiags;
	size_t files_seen;
};

#define WALK_MAX_DEPTH 256

/* Walk root. -1 only when root itself cannot be opened (err says why). */
int walk_repo(struct walk_result **out, const char *root, const struct walk_options *opts,
	      struct el_error *err);
void walk_result_free(struct walk_result *r);
/* The entry at path (entries are sorted by path), or NULL. */
const struct walk_entry *walk_find(const struct walk_result *r, const char *path);

/*
 * Classify a base name as an env file: 0, WALK_ENV or WALK_ENV|WALK_TEMPLATE.
 * Env files: ".env", ".env.<x>" and "<x>.env". Not: ".envrc" (direnv),
 * backups and editor files (suffix .bak .backup .old .orig .rej .save .swp
 * .swo .swx .tmp or ~), and ".env.<x>" code or data files (suffix .js .mjs
 * .cjs .ts .mts .cts .jsx .tsx .json .yml .yaml .toml .py .rb .go .sh .md
 * .lock). Templates: a '.'-separated part (case-insensitive) is example,
 * sample, template, dist, tmpl or tpl (".env.local.example", "example.env").
 * ".env.defaults" is not a template: dotenv-flow loads it.
 */
unsigned walk_env_kind(const char *name);

#endif
