/*
 * What git already tracks. An ignore rule does not untrack a file that was
 * added before the rule (or with `git add -f`): such a file is committed with
 * every change, whatever .gitignore says. The walker answers "is it ignored";
 * this answers "is it in the index", read from <root>/.git (a folder, or a
 * "gitdir:" file for worktrees and submodules) without running git.
 *
 * The index format is git's own (Documentation/gitformat-index.txt): versions
 * 2, 3 and 4 (prefix-compressed paths), SHA-1 and SHA-256 object ids. Every
 * offset is checked against the file's length: a truncated or hostile index is
 * an error, never a read past the end.
 */
#ifndef ENVLINT_GITINDEX_H
#define ENVLINT_GITINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/error.h"

/* Largest index read (a 2-million-file repository's index is about 200 MB). */
#define GITINDEX_MAX_READ (256u * 1024u * 1024u)

/*
 * The git folder of the repository at root (where its index is: .git, or what
 * a "gitdir:" file names for worktrees and submodules) and its common folder
 * (config, info/exclude: shared by linked worktrees); appended to the two
 * buffers. False when root has no .git.
 */
bool git_dirs(const char *root, struct buf *gitdir, struct buf *common);

/*
 * Set tracked[i] for each of the n paths (relative to root, '/' separators)
 * that the index of the repository at root lists. Returns 0, with every
 * tracked[i] false when root has no .git or no index; -1 (err set, naming the
 * index file) when the index is unreadable or malformed.
 */
int gitindex_tracked(const char *root, const char *const *paths, size_t n, bool *tracked,
		     struct el_error *err);

/*
 * The same over an index already in memory (hash_len 20 for SHA-1, 32 for
 * SHA-256); display names the file in err. For tests and fuzzing.
 */
int gitindex_tracked_in(const unsigned char *data, size_t len, size_t hash_len,
			const char *display, const char *const *paths, size_t n, bool *tracked,
			struct el_error *err);

#endif
