/*
 * gitignore rules, matched the way git does (man gitignore; git's dir.c and
 * wildmatch.c): one compiled list per source (a .gitignore file,
 * .git/info/exclude, the configured exclude globs). The caller owns a list
 * (ignore_list_free); the walker stacks lists itself.
 */
#ifndef ENVLINT_IGNORE_H
#define ENVLINT_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

struct ignore_list;

enum ignore_result {
	IGNORE_NONE = 0,     /* no pattern of the list matched */
	IGNORE_EXCLUDED = 1, /* the last matching pattern excludes the path */
	IGNORE_INCLUDED = 2, /* the last matching pattern is a negation ("!pattern") */
};

/* A new, empty list. */
struct ignore_list *ignore_list_new(void);
/* Add the lines of a whole file (split on '\n', a UTF-8 BOM skipped) and compile the list. */
void ignore_list_add_text(struct ignore_list *l, const char *text, size_t len);
/* Add one line (without its '\n'): comments, blank lines and trailing spaces as git does. */
void ignore_list_add_line(struct ignore_list *l, const char *line, size_t len);
/* Build the lookup index after ignore_list_add_line calls (matching works without it, slower). */
void ignore_list_compile(struct ignore_list *l);
/* Number of patterns kept. */
size_t ignore_list_count(const struct ignore_list *l);
/* Patterns not kept because the list already held 100000 (a hostile file). */
size_t ignore_list_dropped(const struct ignore_list *l);
/*
 * Match path (relative to the folder that holds the list, '/' separators, no
 * leading or trailing '/', NUL-terminated at path[len]) against the list; the
 * last matching pattern decides. is_dir selects directory-only patterns.
 */
enum ignore_result ignore_list_match(const struct ignore_list *l, const char *path, size_t len,
				     bool is_dir);
/*
 * The same, charging wildcard matching steps to *work: once it is spent,
 * patterns with wildcards stop matching (literal ones still do). A walk over a
 * hostile tree stays bounded this way.
 */
enum ignore_result ignore_list_match_counted(const struct ignore_list *l, const char *path,
					     size_t len, bool is_dir, long *work);
/* Free the list (NULL is a no-op). */
void ignore_list_free(struct ignore_list *l);

/*
 * git's wildmatch: '*', '?', '[...]' (ranges, '!' or '^' negation, [:class:]),
 * '\' escapes, and with pathname set '*' stops at '/' while '**' between
 * slashes spans folders. Bounded work: a pathological pattern is a non-match.
 */
bool ignore_wildmatch(const char *pattern, const char *text, bool pathname);

#endif
