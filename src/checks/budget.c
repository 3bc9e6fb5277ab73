/*
 * pool-budget-exceeded, pool-budget-headroom, pool-size-undeclared: the
 * connection budget (model/budget.c) turned into findings. An exceeded or
 * tight endpoint is reported at its largest contributor, with every other
 * consumer and the declarations behind each number as related locations.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "config/config.h"
#include "model/budget.h"
#include "model/connection.h"
#include "model/service.h"
#include "util/buf.h"

/* Above this share of the limit an endpoint has too little headroom (rules.yml). */
#define HEADROOM_PERCENT 80

static const char *const budget_rules[] = {
    "pool-budget-exceeded",
    "pool-budget-headroom",
    "pool-size-undeclared",
    NULL,
};

/* How a message names a service: its path, or "the root service". */
static const char *
service_label(const struct service *svc)
{
	return strcmp(svc->path, ".") == 0 ? "the root service" : svc->path;
}

static const char *
endpoint_label(const struct budget_endpoint *e, struct buf *b)
{
	buf_reset(b);
	buf_printf(b, "%s:%d (%s, %s mode)", e->ep.host ? e->ep.host : "?", e->ep.port,
	           e->ep.provider_name ? e->ep.provider_name : e->ep.provider,
	           endpoint_mode_name(e->ep.mode));
	return buf_cstr(b);
}

/*
 * value_class for baselines: "<provider>/<mode>/<database>/<what>", so a
 * baselined finding stays baselined while its numbers move and comes back
 * when it concerns another endpoint, plan or client.
 */
static void
set_class(struct finding *f, const struct budget_endpoint *e, const char *what)
{
	free(f->value_class);
	f->value_class = xasprintf("%s/%s/%s/%s", e->ep.provider, endpoint_mode_name(e->ep.mode),
	                           e->database ? e->database : "-", what ? what : "-");
}

static void
related_numbers(struct finding *f, const struct budget_consumer *k)
{
	size_t i;
	char *msg;

	if (k->per_origin.file != NULL) {
		msg = xasprintf("%s: %ld per process (%s)", service_label(k->svc), k->per_process,
		                k->per_origin.why ? k->per_origin.why : "declared");
		finding_add_related(f, k->per_origin.file, k->per_origin.line, 1, msg);
		free(msg);
	}
	for (i = 0; i < k->procs->parts.len; i++) {
		const struct proc_part *p = &k->procs->parts.items[i];

		if (p->replicas.origin.file != NULL) {
			msg = xasprintf("%s: %ld replicas (%s)", service_label(k->svc),
			                p->replicas.value, p->name);
			finding_add_related(f, p->replicas.origin.file, p->replicas.origin.line, 1,
			                    msg);
			free(msg);
		}
		if (p->workers.origin.file != NULL) {
			msg = xasprintf("%s: %ld %s workers (%s)", service_label(k->svc),
			                p->workers.value, p->server ? p->server : "", p->name);
			finding_add_related(f, p->workers.origin.file, p->workers.origin.line, 1,
			                    msg);
			free(msg);
		}
	}
}

static void
report_over(struct check_ctx *ctx, const struct budget_endpoint *e, const char *rule)
{
	const struct budget_consumer *top = NULL;
	struct buf label = BUF_INIT;
	struct finding *f;
	size_t i;
	char *msg;

	for (i = 0; i < e->consumers.len; i++) {
		const struct budget_consumer *k = &e->consumers.items[i];

		if (k->file != NULL && !k->unbounded && !k->unknown &&
		    (top == NULL || k->connections > top->connections))
			top = k;
	}
	if (top == NULL)
		return;
	f = finding_add(ctx->findings, rule, check_default_severity(ctx, rule), top->file,
	                top->line, top->col > 0 ? top->col : 1, 0, 0,
	                "%s: peak demand %ld connections %s the limit of %ld (%s; plan %s%s); "
	                "largest: %s, %ld per process x %ld processes = %ld",
	                endpoint_label(e, &label), e->demand,
	                e->demand > e->limit ? "exceeds" : "is over 80% of", e->limit,
	                e->limit_why ? e->limit_why : e->limit_kind, e->plan->name,
	                e->plan_assumed ? ", assumed: see --plan" : "", service_label(top->svc),
	                top->per_process, top->processes, top->connections);
	finding_set_subject(f, top->svc->path, top->conn->key);
	set_class(f, e, e->plan->name);
	related_numbers(f, top);
	for (i = 0; i < e->consumers.len; i++) {
		const struct budget_consumer *k = &e->consumers.items[i];

		if (k == top || k->file == NULL)
			continue;
		msg =
		    xasprintf("%s: %ld connections (%ld per process x %ld processes)",
		              service_label(k->svc), k->connections, k->per_process, k->processes);
		finding_add_related(f, k->file, k->line, k->col > 0 ? k->col : 1, msg);
		free(msg);
		related_numbers(f, k);
	}
	buf_free(&label);
}

static void
report_undeclared(struct check_ctx *ctx, const struct budget_endpoint *e,
                  const struct budget_consumer *k)
{
	struct buf label = BUF_INIT;
	struct finding *f;

	if (k->file == NULL || k->unknown)
		return;
	if (k->unbounded)
		f = finding_add(ctx->findings, "pool-size-undeclared", SEV_WARNING, k->file,
		                k->line, k->col > 0 ? k->col : 1, 0, 0,
		                "%s opens %s connections to %s with no limit (%s): the budget "
		                "cannot be bounded",
		                service_label(k->svc), k->client ? k->client : "its",
		                endpoint_label(e, &label),
		                k->per_origin.why ? k->per_origin.why : "unbounded by default");
	else
		f = finding_add(ctx->findings, "pool-size-undeclared",
		                check_default_severity(ctx, "pool-size-undeclared"), k->file,
		                k->line, k->col > 0 ? k->col : 1, 0, 0,
		                "%s declares no pool size for %s; assuming %ld per process (%s)",
		                service_label(k->svc), k->client ? k->client : "its client",
		                k->per_process,
		                k->per_origin.why ? k->per_origin.why : "library default");
	finding_set_subject(f, k->svc->path, k->conn->key);
	set_class(f, e, k->client);
	buf_free(&label);
}

static void
run_budget(struct check_ctx *ctx)
{
	struct el_error err = EL_ERROR_INIT;
	const struct config *cfg = ctx->scan->opts.config;
	const char *plan = ctx->plan ? ctx->plan : cfg ? cfg->plan : NULL;
	struct budget *b = NULL;
	size_t i, j;

	/* Pack and plan errors are reported by the commands that load them (envlint budget). */
	if (budget_build(&b, ctx->scan, plan, &err) != 0) {
		el_error_clear(&err);
		return;
	}
	for (i = 0; i < b->endpoints.len; i++) {
		const struct budget_endpoint *e = &b->endpoints.items[i];

		for (j = 0; j < e->consumers.len; j++) {
			if (e->consumers.items[j].assumed)
				report_undeclared(ctx, e, &e->consumers.items[j]);
		}
		if (e->plan == NULL || e->limit < 0)
			continue;
		if (e->demand > e->limit)
			report_over(ctx, e, "pool-budget-exceeded");
		else if (e->demand * 100 > e->limit * HEADROOM_PERCENT)
			report_over(ctx, e, "pool-budget-headroom");
	}
	budget_free(b);
}

const struct check check_budget = {
    "budget",
    budget_rules,
    run_budget,
};
