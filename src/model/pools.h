/*
 * Pool declarations: for every service, the connection pools its code and
 * configuration create, and the most connections each may open in one
 * process, with where that number was declared (a literal in a call, an env
 * variable in the service's effective environment, a URL parameter) or that
 * a library default was assumed. Patterns and defaults come from the `pools`
 * rule pack (rules/pools.yml); nothing about a library lives in C.
 * A struct pool_set is owned by whoever loads it; struct service_pools by the
 * caller (pools_service_free).
 */
#ifndef ENVLINT_POOLS_H
#define ENVLINT_POOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/yaml.h"
#include "parse/source.h"
#include "util/error.h"
#include "util/rx.h"
#include "util/vec.h"

struct scan;
struct service;
struct packs;

enum pool_ref_kind {
	POOL_REF_PROP,  /* prop:a.b: a property of the call's options object */
	POOL_REF_KW,    /* kw:name: a keyword argument */
	POOL_REF_POS,   /* pos:N: a positional argument */
	POOL_REF_GROUP, /* group:name: a named group of the pattern's regex */
	POOL_REF_URL,   /* url:param: a parameter of the pool's connection string */
};

struct pool_ref {
	enum pool_ref_kind kind;
	char *name;
	int pos;
};

/* One addend of a per-process maximum (SQLAlchemy: pool_size + max_overflow). */
struct pool_term {
	VEC(struct pool_ref) from; /* the first one present wins */
	char *default_formula;     /* NULL: the term has no default */
};

struct pool_client {
	char *name;
	char *label;
	VEC(char *) connections; /* client ids of connections this pool serves */
	VEC(char *) packages;
	VEC(char *) unless_packages;
	int max_major;         /* 0 = any */
	char *default_formula; /* "10", "2 * physical_cpus + 1", "unbounded", ... */
	char *default_why;
	bool no_pool; /* a plain connection, not a pool: nothing to declare */
};

struct pool_pattern {
	struct source_pattern sp;
	const struct pool_client *client;
	bool set; /* role: set the size of a pool created elsewhere */
	char *requires;
	VEC(struct pool_ref) url;
	char *url_key_group;
	VEC(struct pool_term) size;
	VEC(struct pool_ref) unbounded_from;
	struct rx *unbounded_rx;
	bool zero_unbounded;
	bool once_per_file;
	VEC(char *) files; /* path globs; empty = any file of the languages */
	char *file;        /* pack file and line, for messages */
	int line;
};

/* How code reads a number from the environment (group key, optional default). */
struct pool_value_pattern {
	char *id;
	unsigned langs;
	struct rx *rx;
};

struct pool_set {
	int cpus, physical_cpus;
	VEC(struct pool_client *) clients;
	VEC(struct pool_pattern *) patterns;
	VEC(struct pool_value_pattern) values;
	VEC(char *) non_runtime_paths; /* globs of code that is not the service's runtime */
	VEC(struct source_pattern) flat; /* copies of patterns[i]->sp, for one scan pass */
	struct source_set *set;          /* flat prepared for scanning */
};

/* Build the pool set from every `pools` pack. -1 with err on a bad entry. */
int pools_load(struct pool_set **out, const struct packs *packs, struct el_error *err);
/* pools_load into s->pools, once per scan (the scan owns it). */
int pools_prepare(struct scan *s, struct el_error *err);
/* Which patterns of ps apply to svc (its dependencies enable their clients): out[i] for patterns[i]. */
void pools_enabled(const struct scan *s, const struct service *svc, const struct pool_set *ps,
                   bool *out);
void pools_free(struct pool_set *ps);
/* The pool client by name, or NULL. */
const struct pool_client *pools_client_find(const struct pool_set *ps, const char *name);
/* The pool client that serves connections of client id conn_client, or NULL. */
const struct pool_client *pools_client_for(const struct pool_set *ps, const char *conn_client);

/* Why a client's default applies, with the CPU counts it assumed; a new string. */
char *pools_default_why(const struct pool_set *ps, const struct pool_client *pc);

/* Variables a default formula may use. */
struct pool_vars {
	int cpus, physical_cpus;
	int threads; /* threads per process (1 when unknown) */
};

/*
 * Evaluate a default formula: integers, cpus, physical_cpus, threads, + and *,
 * max(a, b), parentheses, or "unbounded". Returns 0 and sets *value (and
 * *unbounded), -1 when the formula is malformed.
 */
int pools_formula_eval(const char *formula, const struct pool_vars *vars, long *value,
                       bool *unbounded);

/* A number and where it was declared. */
struct pool_origin {
	char *file; /* NULL: assumed (library default) */
	int line;
	char *why; /* "pool_size=10 + max_overflow=5", "DB_POOL_SIZE=8", "library default ..." */
};

struct pool_decl {
	const struct pool_client *client;
	const char *pattern_id; /* the create pattern, or the set pattern when none */
	char *file;             /* where the pool is created (or configured) */
	int line, col;
	char *url_key;    /* env variable of its connection string; NULL when unknown */
	bool unbounded;   /* no cap (database/sql default, NullPool, SetMaxOpenConns(0)) */
	long per_process; /* the most connections one process opens (when bounded) */
	bool assumed;     /* no term was declared: the library default stands in */
	struct pool_origin origin;
	bool implied; /* only a `set` pattern or configuration names it */
};

struct service_pools {
	VEC(struct pool_decl) decls; /* file order */
	VEC(char *) notes;           /* values envlint could not read, and why */
};

/*
 * Find the pool declarations of svc in its source files and its YAML,
 * properties and Java configuration (walk entries it owns). Per-process
 * maxima are evaluated with vars.
 */
void pools_find(struct service_pools *out, struct scan *s, const struct service *svc,
                const struct pool_set *ps, const struct pool_vars *vars);
void pools_service_free(struct service_pools *sp);

/*
 * Read a number from a value as written in code or configuration: a literal,
 * a constant bound earlier in the file, or an env read resolved through svc's
 * effective environment (falling back to the read's literal default). data is
 * the file's contents (for constants; may be NULL). On success fills *value
 * and *origin (file/line of the declaration) and returns 0; -1 when the value
 * cannot be known statically (origin->why says why).
 */
int pools_eval_number(const struct pool_set *ps, const struct service *svc, unsigned lang,
                      const char *text, const char *data, const char *file, int line, long *value,
                      struct pool_origin *origin);
/* The env variable an expression reads (process.env.X, os.getenv("X"), a constant bound to
 * one), or NULL; a new string. */
char *pools_env_key(const struct pool_set *ps, unsigned lang, const char *text, const char *data);
void pool_origin_clear(struct pool_origin *o);
/* A plain integer literal, quotes allowed ("10" in YAML or properties). */
bool pools_parse_int(const char *s, long *out);

#endif
