/* The connection budget: demand per database endpoint against the plan's limit. */
#include "model/budget.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/pack.h"
#include "model/connection.h"
#include "model/scan.h"
#include "model/service.h"
#include "parse/source.h"
#include "util/buf.h"
#include "walk/walk.h"

/* ---- plans ---- */

static void
set_str(char **dst, const char *s)
{
	if (s == NULL)
		return;
	free(*dst);
	*dst = xstrdup(s);
}

static void
set_limit(long *dst, const struct yml_node *map, const char *key)
{
	const char *s = yml_map_text(map, key);

	if (s != NULL)
		*dst = atol(s);
}

static void
family_clear(struct plan_family *f)
{
	size_t i;

	free(f->name);
	free(f->label);
	free(f->smallest);
	for (i = 0; i < f->providers.len; i++)
		rx_free(f->providers.items[i]);
	VEC_FREE(&f->providers);
}

static void
plan_clear(struct plan *p)
{
	size_t i;

	free(p->name);
	free(p->family);
	free(p->label);
	free(p->file);
	for (i = 0; i < p->aliases.len; i++)
		free(p->aliases.items[i]);
	VEC_FREE(&p->aliases);
}

static int
load_family(struct plan_set *ps, const struct packs *packs, const struct yml_node *n,
            const char *path, struct el_error *err)
{
	const struct yml_node *list = yml_map_get(n, "providers");
	struct plan_family *f = NULL;
	size_t i;

	for (i = 0; i < ps->families.len; i++) {
		if (strcmp(ps->families.items[i].name, yml_map_text(n, "name")) == 0)
			f = &ps->families.items[i];
	}
	if (f == NULL) {
		f = VEC_PUSH_ZERO(&ps->families);
		f->name = xstrdup(yml_map_text(n, "name"));
	}
	set_str(&f->label, yml_map_text(n, "label"));
	set_str(&f->smallest, yml_map_text(n, "smallest"));
	if (list != NULL) {
		for (i = 0; i < f->providers.len; i++)
			rx_free(f->providers.items[i]);
		f->providers.len = 0;
	}
	for (i = 0; list != NULL && i < list->count; i++) {
		struct rx *rx = NULL;

		if (packs_regex(packs, &rx, list->items[i], path, err) != 0)
			return -1;
		VEC_PUSH(&f->providers, rx);
	}
	return 0;
}

static int
load_plan(struct plan_set *ps, const struct yml_node *n, const char *path, struct el_error *err)
{
	const struct yml_node *aliases = yml_map_get(n, "aliases");
	struct plan *p = NULL;
	size_t i;

	for (i = 0; i < ps->plans.len; i++) {
		if (strcmp(ps->plans.items[i].name, yml_map_text(n, "name")) == 0)
			p = &ps->plans.items[i];
	}
	if (p == NULL) {
		if (yml_map_text(n, "family") == NULL)
			return el_error_set(err, path, n->line, n->col,
			                    "plan \"%s\" is not defined by an earlier pack, so it "
			                    "needs a family",
			                    yml_map_text(n, "name"));
		p = VEC_PUSH_ZERO(&ps->plans);
		p->name = xstrdup(yml_map_text(n, "name"));
		p->max_connections = p->reserved = p->pooler_max_clients = p->pool_size = -1;
	}
	set_str(&p->family, yml_map_text(n, "family"));
	set_str(&p->label, yml_map_text(n, "label"));
	set_limit(&p->max_connections, n, "max-connections");
	set_limit(&p->reserved, n, "reserved");
	set_limit(&p->pooler_max_clients, n, "pooler-max-clients");
	set_limit(&p->pool_size, n, "pool-size");
	for (i = 0; aliases != NULL && i < aliases->count; i++)
		VEC_PUSH(&p->aliases, xstrdup(aliases->items[i]->text));
	free(p->file);
	p->file = xstrdup(path);
	p->line = n->line;
	return 0;
}

int
budget_plans_load(struct plan_set **out, const struct packs *packs, struct el_error *err)
{
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct plan_set *ps = xcalloc(1, sizeof(*ps));
	size_t n = 0, d, i;

	if (packs != NULL && packs_kind_docs(packs, "plans", &docs, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *list = yml_map_get(docs[d], "families");

		for (i = 0; list != NULL && i < list->count; i++) {
			if (load_family(ps, packs, list->items[i], paths[d], err) != 0)
				goto fail;
		}
		list = yml_map_get(docs[d], "plans");
		for (i = 0; list != NULL && i < list->count; i++) {
			if (load_plan(ps, list->items[i], paths[d], err) != 0)
				goto fail;
		}
	}
	*out = ps;
	return 0;
fail:
	budget_plans_free(ps);
	return -1;
}

void
budget_plans_free(struct plan_set *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->families.len; i++)
		family_clear(&ps->families.items[i]);
	VEC_FREE(&ps->families);
	for (i = 0; i < ps->plans.len; i++)
		plan_clear(&ps->plans.items[i]);
	VEC_FREE(&ps->plans);
	free(ps);
}

const struct plan *
budget_plan_find(const struct plan_set *ps, const char *name)
{
	size_t i, j;

	for (i = 0; name != NULL && i < ps->plans.len; i++) {
		const struct plan *p = &ps->plans.items[i];

		if (strcmp(p->name, name) == 0)
			return p;
		for (j = 0; j < p->aliases.len; j++) {
			if (strcmp(p->aliases.items[j], name) == 0)
				return p;
		}
	}
	return NULL;
}

static const struct plan_family *
family_of(const struct plan_set *ps, struct rx_ctx *ctx, const char *provider)
{
	size_t i, j;

	for (i = 0; provider != NULL && i < ps->families.len; i++) {
		const struct plan_family *f = &ps->families.items[i];

		for (j = 0; j < f->providers.len; j++) {
			if (rx_match(ctx, f->providers.items[j], provider, strlen(provider), 0,
			             NULL) == RX_MATCH)
				return f;
		}
	}
	return NULL;
}

/* ---- files the scan does not keep: YAML and properties for pools and replicas ---- */

/* ---- consumers ---- */

/* Notes past this many are counted, not kept: generated code can yield thousands. */
#define BUDGET_MAX_NOTES 50

/* Keep a note (takes ownership of text). */
static void
add_note(struct budget *b, char *text)
{
	if (b->notes.len < BUDGET_MAX_NOTES) {
		VEC_PUSH(&b->notes, text);
		return;
	}
	free(text);
	b->notes_dropped++;
}

static bool
is_postgres_runtime(const struct connection *c)
{
	return c->runtime && c->role == CONN_ROLE_RUNTIME && c->ep.provider != NULL &&
	       (c->url == NULL || c->url->kind == URL_KIND_POSTGRES) && !c->placeholder;
}

static bool
client_serves(const struct pool_client *pc, const char *conn_client)
{
	size_t i;

	for (i = 0; conn_client != NULL && i < pc->connections.len; i++) {
		if (strcmp(pc->connections.items[i], conn_client) == 0)
			return true;
	}
	return false;
}

/* The pool client for a connection: its adapter's pool where it has one. */
static const struct pool_client *
pool_client_of(const struct pool_set *ps, const struct connection *c)
{
	size_t i, j;

	if (c->adapter != NULL) {
		for (i = 0; i < ps->clients.len; i++) {
			const struct pool_client *pc = ps->clients.items[i];

			for (j = 0; j < pc->packages.len && pc->name[0]; j++) {
				if (strcmp(pc->packages.items[j], c->adapter) == 0)
					return pc;
			}
		}
	}
	return pools_client_for(ps, c->client);
}

static struct budget_endpoint *
endpoint_get(struct budget *b, const struct connection *c)
{
	size_t i;

	for (i = 0; i < b->endpoints.len; i++) {
		struct budget_endpoint *e = &b->endpoints.items[i];

		if (strcmp(e->ep.provider, c->ep.provider) == 0 &&
		    ((e->ep.host == NULL && c->ep.host == NULL) ||
		     (e->ep.host != NULL && c->ep.host != NULL &&
		      strcmp(e->ep.host, c->ep.host) == 0)) &&
		    e->ep.port == c->ep.port && e->ep.mode == c->ep.mode &&
		    ((e->ep.project == NULL) == (c->ep.project == NULL)) &&
		    (e->ep.project == NULL || strcmp(e->ep.project, c->ep.project) == 0))
			return e;
	}
	i = b->endpoints.len;
	VEC_PUSH_ZERO(&b->endpoints);
	b->endpoints.items[i].ep = c->ep;
	b->endpoints.items[i].limit = -1;
	b->endpoints.items[i].database = c->ep.project ? c->ep.project : c->ep.host;
	return &b->endpoints.items[i];
}

static void
add_consumer(struct budget *b, const struct service *svc, const struct connection *c,
             const struct pool_decl *d, const struct pool_client *pc,
             const struct service_procs *procs, const struct config_service *pin,
             const char *config_path)
{
	struct budget_endpoint *e = endpoint_get(b, c);
	struct budget_consumer *k = VEC_PUSH_ZERO(&e->consumers);

	k->svc = svc;
	k->conn = c;
	k->client = pc ? pc->label : c->client_name ? c->client_name : c->client;
	k->procs = procs;
	k->processes = procs->total;
	if (d != NULL) {
		k->file = xstrdup(d->file);
		k->line = d->line;
		k->col = d->col;
		k->unbounded = d->unbounded;
		k->assumed = d->assumed;
		k->per_process = d->per_process;
		k->per_origin.file = d->origin.file ? xstrdup(d->origin.file) : NULL;
		k->per_origin.line = d->origin.line;
		k->per_origin.why = d->origin.why ? xstrdup(d->origin.why) : NULL;
	} else {
		struct pool_vars vars = {b->pool_set->cpus, b->pool_set->physical_cpus,
		                         (int)procs->threads};
		const char *f = c->use_file ? c->use_file : c->file;

		k->file = f ? xstrdup(f) : NULL;
		k->line = c->use_file ? c->use_line : c->line;
		k->col = c->use_file ? c->use_col : c->col;
		k->assumed = pc == NULL || !pc->no_pool;
		if (pc == NULL || pc->default_formula == NULL ||
		    pools_formula_eval(pc->default_formula, &vars, &k->per_process,
		                       &k->unbounded) != 0) {
			k->unknown = true;
			k->per_origin.why = xasprintf("no pool model for client %s",
			                              c->client ? c->client : "(unknown)");
		} else {
			k->per_origin.why = pools_default_why(b->pool_set, pc);
		}
	}
	if (pin != NULL && pin->pool_size > 0) {
		pool_origin_clear(&k->per_origin);
		k->per_process = pin->pool_size;
		k->unbounded = k->unknown = k->assumed = false;
		k->per_origin.file = xstrdup(config_path);
		k->per_origin.line = pin->line;
		k->per_origin.why = xstrdup("pool size pinned in the configuration");
	}
	k->connections = k->per_process * k->processes;
}

/* Match a service's pool declarations to its runtime connections. */
static void
service_consumers(struct budget *b, struct scan *s, const struct service *svc,
                  const struct service_pools *sp, const struct service_procs *procs)
{
	const struct service_conns *sc = connections_of(svc);
	const struct config *cfg = s->opts.config;
	const struct config_service *pin = cfg ? config_service_find(cfg, svc->path) : NULL;
	bool *used = NULL;
	size_t i, j;

	if (sc == NULL)
		return;
	used = xcalloc(sp->decls.len + 1, sizeof(*used));
	/* Declarations first: by the variable of their connection string, else by client. */
	for (j = 0; j < sp->decls.len; j++) {
		const struct pool_decl *d = &sp->decls.items[j];
		const struct connection *match = NULL;

		for (i = 0; i < sc->len && match == NULL; i++) {
			const struct connection *c = &sc->items[i];

			if (is_postgres_runtime(c) && d->url_key != NULL &&
			    strcmp(d->url_key, c->key) == 0)
				match = c;
		}
		for (i = 0; i < sc->len && match == NULL; i++) {
			const struct connection *c = &sc->items[i];

			/* also when the variable the pool names is not the one used at
			 * runtime (code passing another URL to the same client) */
			if (is_postgres_runtime(c) && client_serves(d->client, c->client))
				match = c;
		}
		/* A pool whose client and variable are not known uses the service's only
		 * runtime database connection, when it has exactly one. */
		for (i = 0; i < sc->len && match == NULL && d->url_key == NULL; i++) {
			const struct connection *c = &sc->items[i];
			size_t n = 0, m;

			for (m = 0; m < sc->len; m++)
				n += is_postgres_runtime(&sc->items[m]);
			if (n == 1 && is_postgres_runtime(c) && c->client == NULL)
				match = c;
		}
		if (match == NULL) {
			add_note(b, xasprintf("%s:%d: %s pool of %s: no runtime database "
			                      "connection of the service matches it; not counted",
			                      d->file, d->line, d->client->label, svc->path));
			continue;
		}
		used[j] = true;
		add_consumer(b, svc, match, d, d->client, procs, pin, cfg ? cfg->path : NULL);
	}
	/* Connections whose client has no pool in code: the library default. */
	for (i = 0; i < sc->len; i++) {
		const struct connection *c = &sc->items[i];
		const struct pool_client *pc;
		bool served = false;

		if (!is_postgres_runtime(c) || c->client == NULL)
			continue;
		pc = pool_client_of(b->pool_set, c);
		for (j = 0; j < sp->decls.len && !served; j++) {
			const struct pool_decl *d = &sp->decls.items[j];

			served =
			    used[j] && (client_serves(d->client, c->client) ||
			                (d->url_key != NULL && strcmp(d->url_key, c->key) == 0));
		}
		if (!served)
			add_consumer(b, svc, c, NULL, pc, procs, pin, cfg ? cfg->path : NULL);
	}
	free(used);
}

/* ---- limits ---- */

static bool
database_uses_pooler(const struct budget *b, const char *database, const char *pooler)
{
	size_t i;

	for (i = 0; i < b->endpoints.len; i++) {
		const struct budget_endpoint *e = &b->endpoints.items[i];

		if (e->ep.pooler != NULL && strcmp(e->ep.pooler, pooler) == 0 &&
		    e->database != NULL && database != NULL && strcmp(e->database, database) == 0)
			return true;
	}
	return false;
}

static void
compute_limit(struct budget *b, struct budget_endpoint *e)
{
	const struct plan *p = e->plan;
	struct buf why = BUF_INIT;

	if (p == NULL)
		return;
	switch (e->ep.mode) {
	case EP_MODE_SESSION:
		e->limit_kind = "pool_size";
		e->limit = p->pool_size;
		if (p->pool_size >= 0)
			buf_printf(&why, "session mode: clients are capped by the pool size %ld",
			           p->pool_size);
		break;
	case EP_MODE_TRANSACTION:
		e->limit_kind = "max_clients";
		e->limit = p->pooler_max_clients;
		if (p->pooler_max_clients >= 0)
			buf_printf(&why, "transaction mode: the pooler accepts %ld clients",
			           p->pooler_max_clients);
		break;
	case EP_MODE_DIRECT: {
		static const char *const poolers[] = {"supavisor", "pgbouncer"};
		long limit = p->max_connections;
		size_t i;

		e->limit_kind = "max_connections";
		if (limit < 0)
			break;
		buf_printf(&why, "max_connections %ld", limit);
		if (p->reserved > 0) {
			limit -= p->reserved;
			buf_printf(&why, " - %ld reserved", p->reserved);
		}
		for (i = 0; i < 2 && p->pool_size > 0; i++) {
			if (database_uses_pooler(b, e->database, poolers[i])) {
				limit -= p->pool_size;
				buf_printf(&why, " - %ld for the %s pool", p->pool_size,
				           poolers[i]);
			}
		}
		e->limit = limit > 0 ? limit : 0;
		break;
	}
	case EP_MODE_UNKNOWN:
		buf_puts(&why, "the pooling mode of this endpoint is unknown");
		break;
	}
	if (e->limit < 0 && why.len == 0)
		buf_printf(&why, "plan %s has no limit for this mode in the plans pack", p->name);
	e->limit_why = buf_detach(&why);
}

static int
cmp_endpoint(const void *a, const void *b)
{
	const struct budget_endpoint *x = a, *y = b;
	int c = strcmp(x->ep.provider, y->ep.provider);

	if (c != 0)
		return c;
	c = strcmp(x->ep.host ? x->ep.host : "", y->ep.host ? y->ep.host : "");
	if (c != 0)
		return c;
	return x->ep.port - y->ep.port;
}

/* What every service's processes and pools need (scan_each_service). */
struct demand_job {
	struct budget *b;
	const struct proc_k8s *k8s;
};

/* The processes and pools of service i, into b->procs[i] and b->pools[i]. */
static void
service_demand(struct scan *s, size_t i, void *arg)
{
	const struct demand_job *job = arg;
	struct budget *b = job->b;
	const struct service *svc = s->services.items[i];
	struct pool_vars vars;

	processes_find(&b->procs[i], s, svc, b->servers, b->pool_set, job->k8s);
	vars.cpus = b->pool_set->cpus;
	vars.physical_cpus = b->pool_set->physical_cpus;
	vars.threads = (int)b->procs[i].threads;
	pools_find(&b->pools[i], s, svc, b->pool_set, &vars);
}

int
budget_build(struct budget **out, struct scan *s, const char *plan, struct el_error *err)
{
	struct demand_job job;
	struct budget *b = xcalloc(1, sizeof(*b));
	VEC(const char *) extra = {0};
	struct proc_k8s k8s = {0};
	const struct plan *chosen = NULL;
	size_t i, j;

	/* The command line's plan over the configuration's. */
	if (plan == NULL && s->opts.config != NULL)
		plan = s->opts.config->plan;
	b->plan_name = plan;
	b->nservices = s->services.len;
	b->pools = xcalloc(s->services.len + 1, sizeof(*b->pools));
	b->procs = xcalloc(s->services.len + 1, sizeof(*b->procs));
	if (pools_prepare(s, err) != 0 ||
	    processes_load(&b->servers, s->packs, err) != 0 ||
	    budget_plans_load(&b->plans, s->packs, err) != 0 || connections_build(s, err) != 0)
		goto fail;
	b->pool_set = s->pools;
	if (plan != NULL && (chosen = budget_plan_find(b->plans, plan)) == NULL) {
		struct buf known = BUF_INIT;

		for (i = 0; i < b->plans->plans.len; i++)
			buf_printf(&known, "%s%s", i ? ", " : "", b->plans->plans.items[i].name);
		el_error_set(err, NULL, 0, 0, "unknown plan '%s' (known plans: %s)", plan,
		             buf_cstr(&known));
		buf_free(&known);
		goto fail;
	}
	/* YAML, .properties and Java files: the walk kept them for this. */
	for (i = 0; i < s->walk->nentries; i++) {
		if (s->walk->entries[i].kind == SCAN_FILE_CONFIG)
			VEC_PUSH(&extra, s->walk->entries[i].path);
	}
	processes_k8s_load(&k8s, s, extra.items, extra.len);
	job.b = b;
	job.k8s = &k8s;
	scan_each_service(s, service_demand, &job);
	for (i = 0; i < s->services.len; i++) {
		for (j = 0; j < b->pools[i].notes.len; j++)
			add_note(b, xstrdup(b->pools[i].notes.items[j]));
		service_consumers(b, s, s->services.items[i], &b->pools[i], &b->procs[i]);
	}
	for (i = 0; i < b->endpoints.len; i++) {
		struct budget_endpoint *e = &b->endpoints.items[i];

		e->family = family_of(b->plans, s->rx, e->ep.provider);
		if (e->family == NULL)
			continue;
		if (chosen != NULL && strcmp(chosen->family, e->family->name) == 0) {
			e->plan = chosen;
		} else {
			e->plan = budget_plan_find(b->plans, e->family->smallest);
			e->plan_assumed = true;
		}
	}
	for (i = 0; i < b->endpoints.len; i++) {
		struct budget_endpoint *e = &b->endpoints.items[i];

		compute_limit(b, e);
		for (j = 0; j < e->consumers.len; j++) {
			const struct budget_consumer *k = &e->consumers.items[j];

			if (k->unbounded)
				e->unbounded = true;
			else if (!k->unknown)
				e->demand += k->connections;
		}
	}
	if (b->notes_dropped > 0)
		VEC_PUSH(&b->notes, xasprintf("%zu more notes not shown", b->notes_dropped));
	if (b->endpoints.len > 1)
		qsort(b->endpoints.items, b->endpoints.len, sizeof(*b->endpoints.items),
		      cmp_endpoint);
	VEC_FREE(&extra);
	processes_k8s_free(&k8s);
	*out = b;
	return 0;
fail:
	processes_k8s_free(&k8s);
	VEC_FREE(&extra);
	budget_free(b);
	return -1;
}

void
budget_free(struct budget *b)
{
	size_t i, j;

	if (b == NULL)
		return;
	for (i = 0; i < b->endpoints.len; i++) {
		struct budget_endpoint *e = &b->endpoints.items[i];

		for (j = 0; j < e->consumers.len; j++) {
			free(e->consumers.items[j].file);
			pool_origin_clear(&e->consumers.items[j].per_origin);
		}
		VEC_FREE(&e->consumers);
		free(e->limit_why);
	}
	VEC_FREE(&b->endpoints);
	for (i = 0; i < b->notes.len; i++)
		free(b->notes.items[i]);
	VEC_FREE(&b->notes);
	for (i = 0; i < b->nservices; i++) {
		pools_service_free(&b->pools[i]);
		processes_service_free(&b->procs[i]);
	}
	free(b->pools);
	free(b->procs);
	processes_free_servers(b->servers);
	budget_plans_free(b->plans);
	free(b);
}
