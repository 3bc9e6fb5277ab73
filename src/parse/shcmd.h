/*
 * Shell command lines as start scripts write them (package.json scripts,
 * Procfile entries, Dockerfile shell forms, `sh -c` strings): split into
 * simple commands and words, with quotes removed, the way POSIX sh splits
 * them before running anything. Syntax only: which word is a wrapper or a
 * loader flag is decided in model/. Expansions ($VAR, $(...)) are kept as
 * written; redirections are dropped. The caller owns struct shcmd_list.
 */
#ifndef ENVLINT_SHCMD_H
#define ENVLINT_SHCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/vec.h"

/* What joins a simple command to the one before it. */
enum shcmd_sep {
	SHCMD_SEQ,  /* start, `;` or a newline */
	SHCMD_AND,  /* && */
	SHCMD_OR,   /* || */
	SHCMD_PIPE, /* | */
	SHCMD_BG,   /* the previous command ended with & */
};

struct shcmd_word {
	char *text;      /* quotes removed */
	bool assignment; /* NAME=value with an unquoted NAME= */
	bool quoted;     /* some part was quoted */
};

struct shcmd_simple {
	enum shcmd_sep sep;
	VEC(struct shcmd_word) words;
};

struct shcmd_list {
	VEC(struct shcmd_simple) cmds;
	bool truncated; /* more words or commands than we keep */
};

/* Split len bytes of a command line. Never fails; stops at the limits. */
void shcmd_parse(struct shcmd_list *out, const char *text, size_t len);
void shcmd_list_free(struct shcmd_list *l);
/* Words [from, n) joined with spaces, each quoted for sh when it needs it. */
char *shcmd_join(const struct shcmd_simple *c, size_t from);
/* Append one argv word to b, quoted for sh when it needs it (exec-form lists as a command line). */
void shcmd_quote_word(struct buf *b, const char *word);

#endif
