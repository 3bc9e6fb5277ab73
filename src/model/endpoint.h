/*
 * Endpoints: what a parsed database URL really points at. The provider pack
 * (kind `providers`, rules/providers.yml plus any user pack) lists hosts and
 * ports with their pooling mode: Supabase's shared pooler is session mode on
 * 5432 and transaction mode on 6543, its direct host is direct on 5432 and a
 * dedicated PgBouncer on 6543, a Neon `-pooler` host is transaction mode, and
 * so on. Classification keys on host and port together; no provider
 * knowledge lives in C. Later packs win: a user's entry for their own
 * PgBouncer host is tried before the bundled ones.
 *
 * A struct provider_set is built from the packs into an arena (the scan's),
 * so everything it and the endpoints hand out lives until that arena is freed.
 */
#ifndef ENVLINT_ENDPOINT_H
#define ENVLINT_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "parse/url.h"
#include "util/arena.h"
#include "util/error.h"

struct packs;

enum endpoint_mode {
	EP_MODE_UNKNOWN = 0,
	EP_MODE_SESSION,     /* a pooler in session mode: one backend per client */
	EP_MODE_TRANSACTION, /* a pooler in transaction (or statement) mode */
	EP_MODE_DIRECT,      /* the database server itself */
};

struct endpoint {
	const char *provider; /* provider id ("supabase-pooler", "postgres", ...); NULL = none */
	const char *provider_name; /* display name ("Supabase shared pooler (Supavisor)") */
	const char *pooler;        /* pooler software ("supavisor", "pgbouncer"); NULL for direct */
	enum endpoint_mode mode;
	const char *host;         /* first host as written (decoded), NULL when none */
	int port;                 /* 0 when unknown */
	const char *project;      /* project ref / tenant from host or user name; NULL if none */
	const char *user_format;  /* required user shape, e.g. "<role>.<ref>"; NULL = any */
	bool ipv6_only;           /* reachable over IPv6 only (without a paid add-on) */
	bool prepared_statements; /* the pooler supports named prepared statements */
	bool assumed;             /* no specific entry matched: plain Postgres assumed */
	bool user_declared;       /* the entry came from a user pack, not the bundled one */
	const char *note;         /* the matched entry's note, NULL if none */
	int session_port, transaction_port; /* the provider's ports in those modes; 0 = none */
	/* What users see from this provider (providers pack `errors:`), NULL-terminated or NULL. */
	const char *const *session_limit_errors;
	const char *const *transaction_limit_errors;
	const char *const *tenant_errors;
	const char *source; /* pack file:line of the matched entry */
};

struct provider_set;

/*
 * Build the provider set from every `providers` pack in packs, allocating
 * into a. -1 with err on an invalid entry (bad host pattern).
 */
int provider_set_build(struct provider_set **out, const struct packs *packs, struct arena *a,
                       struct el_error *err);

/*
 * Classify u (any kind; only Postgres URLs get a provider and a mode, others
 * get host/port only and mode unknown). Strings point into u, a or the set.
 */
void endpoint_classify(const struct provider_set *ps, const struct url *u, struct arena *a,
                       struct endpoint *out);

/* Classify from components (host, port; user may be NULL), for PG* / POSTGRES_HOST style settings.
 */
void endpoint_classify_parts(const struct provider_set *ps, const char *host, int port,
                             const char *user, struct arena *a, struct endpoint *out);

/* "session", "transaction", "direct", "unknown". */
const char *endpoint_mode_name(enum endpoint_mode m);

/* Whether the endpoint is a pooler that multiplexes backends (transaction mode). */
bool endpoint_is_transaction(const struct endpoint *ep);

#endif
