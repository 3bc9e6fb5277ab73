/*
 * The connection budget: for every database endpoint the repository's
 * services connect to at runtime, the peak connections they may open
 * (per-process pool x processes, summed over consumers) against the limit of
 * the plan for that endpoint's mode:
 *
 *   session mode      the pooler's pool size (one backend per client)
 *   transaction mode  the pooler's max clients
 *   direct            max_connections - reserved - the pool size of every
 *                     pooler of the same database the repository uses
 *
 * Plans come from the `plans` pack (rules/plans.yml); the selected plan
 * (--plan, `plan:` in .envlint.yml) applies to endpoints of its family, and
 * every other endpoint gets its family's smallest plan, marked assumed.
 * Every number carries where it was declared or that it was assumed.
 * struct budget is owned by the caller (budget_free); it points into the scan,
 * which must outlive it.
 */
#ifndef ENVLINT_BUDGET_H
#define ENVLINT_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/endpoint.h"
#include "model/pools.h"
#include "model/processes.h"
#include "util/error.h"
#include "util/rx.h"
#include "util/vec.h"

struct scan;
struct service;
struct packs;
struct connection;

struct plan_family {
	char *name, *label;
	VEC(struct rx *) providers; /* regexes over endpoint provider ids */
	char *smallest;
};

/* A limit of -1 is unknown (not in the pack). */
struct plan {
	char *name, *family, *label;
	VEC(char *) aliases;
	long max_connections, reserved, pooler_max_clients, pool_size;
	char *file; /* the pack entry that last set it */
	int line;
};

struct plan_set {
	VEC(struct plan_family) families;
	VEC(struct plan) plans;
};

/* Build plans from every `plans` pack; later packs change plans by name. */
int budget_plans_load(struct plan_set **out, const struct packs *packs, struct el_error *err);
void budget_plans_free(struct plan_set *ps);
/* A plan by name or alias, or NULL. */
const struct plan *budget_plan_find(const struct plan_set *ps, const char *name);

struct budget_consumer {
	const struct service *svc;
	const struct connection *conn; /* the runtime connection it uses */
	const char *client;            /* display name of the pool's library */
	char *file;                    /* where the pool (or the client's use) is; may be NULL */
	int line, col;
	bool unbounded; /* the pool has no cap: demand cannot be bounded */
	bool unknown;   /* no pool model for this client */
	bool assumed;   /* a library default stands in for an undeclared size */
	long per_process;
	struct pool_origin per_origin; /* declared_at (file NULL when assumed) */
	long processes;
	const struct service_procs *procs; /* how processes was counted */
	long connections;                  /* per_process x processes */
};

struct budget_endpoint {
	struct endpoint ep;   /* provider, mode, host, port, project */
	const char *database; /* database id: the project, else the host */
	const struct plan_family *family;
	const struct plan *plan; /* NULL: no plan family matches the provider */
	bool plan_assumed;       /* not given: the family's smallest plan */
	long limit;              /* -1 unknown */
	const char *limit_kind;  /* "pool_size", "max_clients", "max_connections" */
	char *limit_why;         /* how the limit was computed */
	long demand;             /* sum over bounded consumers */
	bool unbounded;          /* some consumer has no cap */
	VEC(struct budget_consumer) consumers;
};

struct budget {
	const char *plan_name;                 /* as selected (NULL: none given) */
	VEC(struct budget_endpoint) endpoints; /* sorted by provider, host, port */
	VEC(char *) notes;                     /* what could not be read, and why */
	size_t notes_dropped;                  /* notes past the cap, counted only */
	/* per service, parallel to scan->services */
	struct service_pools *pools;
	struct service_procs *procs;
	size_t nservices;
	const struct pool_set *pool_set; /* the scan's (pools_prepare) */
	struct proc_server_set *servers;
	struct plan_set *plans;
};

/*
 * Build the budget of scan s for plan (NULL: the configuration's `plan:`, if
 * any). -1 with err when a
 * pack is invalid or plan names no known plan.
 */
int budget_build(struct budget **out, struct scan *s, const char *plan, struct el_error *err);
void budget_free(struct budget *b);

#endif
