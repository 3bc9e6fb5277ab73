/*
 * envlint budget [PATH]: per database endpoint, the peak connections every
 * service may open against the plan's limit for the endpoint's mode, with
 * where each number was declared or that it was assumed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/config.h"
#include "model/budget.h"
#include "model/connection.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/json.h"

/*
 * A pack file as shown: bundled packs by their base name (they live at a
 * machine-dependent path), a user's pack as its path was given.
 */
static const char *
pack_base(const struct cli *cli, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t i;

	for (i = 0; i < cli->opts.rules_dirs.len; i++) {
		size_t n = strlen(cli->opts.rules_dirs.items[i]);

		if (strncmp(path, cli->opts.rules_dirs.items[i], n) == 0)
			return path;
	}
	for (i = 0; cli->config != NULL && i < cli->config->rules_dirs.len; i++) {
		size_t n = strlen(cli->config->rules_dirs.items[i]);

		if (strncmp(path, cli->config->rules_dirs.items[i], n) == 0)
			return path;
	}
	return slash ? slash + 1 : path;
}

static bool
consumer_shown(const struct cli *cli, const struct budget_consumer *k)
{
	return cli->opts.service == NULL || strcmp(cli->opts.service, k->svc->path) == 0;
}

static bool
endpoint_shown(const struct cli *cli, const struct budget_endpoint *e)
{
	size_t i;

	for (i = 0; i < e->consumers.len; i++) {
		if (consumer_shown(cli, &e->consumers.items[i]))
			return true;
	}
	return false;
}

static void
json_at(struct jw *w, const char *key, const char *file, int line)
{
	jw_key(w, key);
	if (file == NULL) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kstr(w, "file", file);
	jw_kint(w, "line", line);
	jw_obj_end(w);
}

static void
json_parts(struct jw *w, const struct service_procs *sp)
{
	size_t i;

	jw_key(w, "processes_from");
	jw_arr_begin(w);
	for (i = 0; i < sp->parts.len; i++) {
		const struct proc_part *p = &sp->parts.items[i];

		jw_obj_begin(w);
		jw_kstr(w, "part", p->name);
		jw_kstr(w, "server", p->server);
		jw_kint(w, "replicas", p->replicas.value);
		json_at(w, "replicas_declared_at", p->replicas.origin.file,
		        p->replicas.origin.line);
		jw_kint(w, "workers", p->workers.value);
		json_at(w, "workers_declared_at", p->workers.origin.file, p->workers.origin.line);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void
write_json(struct buf *out, const struct cli *cli, const struct budget *b)
{
	struct jw w;
	size_t i, j;

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_kstr(&w, "plan", b->plan_name);
	jw_key(&w, "endpoints");
	jw_arr_begin(&w);
	for (i = 0; i < b->endpoints.len; i++) {
		const struct budget_endpoint *e = &b->endpoints.items[i];

		if (!endpoint_shown(cli, e))
			continue;
		jw_obj_begin(&w);
		jw_kstr(&w, "provider", e->ep.provider);
		jw_kstr(&w, "host", e->ep.host);
		jw_kint(&w, "port", e->ep.port);
		jw_kstr(&w, "mode", endpoint_mode_name(e->ep.mode));
		jw_kstr(&w, "project", e->ep.project);
		jw_key(&w, "limit");
		if (e->limit >= 0)
			jw_int(&w, e->limit);
		else
			jw_null(&w);
		jw_kstr(&w, "limit_kind", e->limit_kind);
		jw_kstr(&w, "limit_from", e->limit_why);
		jw_kstr(&w, "plan", e->plan ? e->plan->name : NULL);
		jw_kbool(&w, "plan_assumed", e->plan_assumed);
		json_at(&w, "plan_declared_at", e->plan ? pack_base(cli, e->plan->file) : NULL,
		        e->plan ? e->plan->line : 0);
		jw_kint(&w, "demand", e->demand);
		jw_kbool(&w, "unbounded", e->unbounded);
		jw_key(&w, "consumers");
		jw_arr_begin(&w);
		for (j = 0; j < e->consumers.len; j++) {
			const struct budget_consumer *k = &e->consumers.items[j];

			if (!consumer_shown(cli, k))
				continue;
			jw_obj_begin(&w);
			jw_kstr(&w, "service", k->svc->path);
			jw_kstr(&w, "client", k->client);
			jw_kstr(&w, "key", k->conn->key);
			jw_key(&w, "per_process");
			if (k->unbounded || k->unknown)
				jw_null(&w);
			else
				jw_int(&w, k->per_process);
			jw_kint(&w, "processes", k->processes);
			jw_key(&w, "connections");
			if (k->unbounded || k->unknown)
				jw_null(&w);
			else
				jw_int(&w, k->connections);
			json_at(&w, "declared_at", k->per_origin.file, k->per_origin.line);
			jw_kbool(&w, "assumed", k->assumed);
			jw_kbool(&w, "unbounded", k->unbounded);
			jw_kstr(&w, "per_process_from", k->per_origin.why);
			json_at(&w, "pool_at", k->file, k->line);
			json_parts(&w, k->procs);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "notes");
	jw_arr_begin(&w);
	for (i = 0; i < b->notes.len; i++)
		jw_str(&w, b->notes.items[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void
text_origin(struct buf *out, const struct pool_origin *o)
{
	if (o->file == NULL)
		buf_printf(out, "assumed: %s", o->why ? o->why : "library default");
	else if (o->why != NULL)
		buf_printf(out, "%s (%s:%d)", o->why, o->file, o->line);
	else
		buf_printf(out, "declared at %s:%d", o->file, o->line);
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

static void
text_consumer(struct buf *out, const struct budget_consumer *k)
{
	size_t i;

	buf_printf(out, "  %s  %s", k->svc->path, k->client ? k->client : "?");
	if (k->conn->key != NULL)
		buf_printf(out, " (%s)", k->conn->key);
	if (k->unknown)
		buf_printf(out, ": pool size unknown x %ld process%s\n", k->processes,
		           k->processes == 1 ? "" : "es");
	else if (k->unbounded)
		buf_printf(out, ": unbounded x %ld process%s = unbounded\n", k->processes,
		           k->processes == 1 ? "" : "es");
	else
		buf_printf(out, ": %ld per process x %ld process%s = %ld connection%s\n",
		           k->per_process, k->processes, k->processes == 1 ? "" : "es",
		           k->connections, plural(k->connections));
	buf_puts(out, "    per process: ");
	text_origin(out, &k->per_origin);
	buf_putc(out, '\n');
	for (i = 0; i < k->procs->parts.len; i++) {
		const struct proc_part *p = &k->procs->parts.items[i];

		buf_printf(out, "    processes: %s: %ld replica%s", p->name, p->replicas.value,
		           plural(p->replicas.value));
		if (p->replicas.origin.file != NULL)
			buf_printf(out, " (%s:%d)", p->replicas.origin.file,
			           p->replicas.origin.line);
		else
			buf_puts(out, " (assumed)");
		if (p->server != NULL)
			buf_printf(out, " x %ld %s worker%s", p->workers.value, p->server,
			           plural(p->workers.value));
		else
			buf_printf(out, " x %ld process%s", p->workers.value,
			           p->workers.value == 1 ? "" : "es");
		if (p->workers.origin.file != NULL)
			buf_printf(out, " (%s:%d)", p->workers.origin.file, p->workers.origin.line);
		else if (p->workers.origin.why != NULL)
			buf_printf(out, " (assumed: %s)", p->workers.origin.why);
		else
			buf_puts(out, " (assumed)");
		buf_putc(out, '\n');
	}
}

/* Where the selected plan was named. */
static const char *
plan_given_where(const struct cli *cli)
{
	if (cli->opts.plan != NULL)
		return "given with --plan";
	return "from the configuration's plan:";
}

static void
write_text(struct buf *out, const struct cli *cli, const struct budget *b)
{
	size_t i, j, shown = 0;

	for (i = 0; i < b->endpoints.len; i++) {
		const struct budget_endpoint *e = &b->endpoints.items[i];

		if (!endpoint_shown(cli, e))
			continue;
		if (shown++)
			buf_putc(out, '\n');
		buf_printf(out, "%s:%d  %s  %s", e->ep.host ? e->ep.host : "(no host)", e->ep.port,
		           e->ep.provider_name ? e->ep.provider_name : e->ep.provider,
		           endpoint_mode_name(e->ep.mode));
		if (e->ep.project != NULL)
			buf_printf(out, "  project %s", e->ep.project);
		buf_putc(out, '\n');
		if (e->plan != NULL)
			buf_printf(out, "  plan: %s, %s (%s:%d)\n", e->plan->name,
			           e->plan_assumed
			               ? b->plan_name == NULL
			                     ? "assumed: no plan given, the smallest plan"
			                     : "assumed: the plan given is for another provider"
			               : plan_given_where(cli),
			           pack_base(cli, e->plan->file), e->plan->line);
		else
			buf_puts(out, "  plan: none known for this provider\n");
		if (e->limit >= 0)
			buf_printf(out, "  limit: %ld (%s)\n", e->limit, e->limit_why);
		else
			buf_printf(out, "  limit: unknown%s%s%s\n", e->limit_why ? " (" : "",
			           e->limit_why ? e->limit_why : "", e->limit_why ? ")" : "");
		if (e->unbounded)
			buf_printf(out, "  demand: unbounded (%ld from pools with a limit)",
			           e->demand);
		else
			buf_printf(out, "  demand: %ld", e->demand);
		if (e->limit > 0 && !e->unbounded)
			buf_printf(out, " of %ld (%ld%%)%s", e->limit, e->demand * 100 / e->limit,
			           e->demand > e->limit            ? "  EXCEEDED"
			           : e->demand * 10 > e->limit * 8 ? "  over 80%"
			                                           : "");
		else if (e->limit >= 0)
			buf_printf(out, " against %ld", e->limit);
		buf_putc(out, '\n');
		for (j = 0; j < e->consumers.len; j++) {
			if (consumer_shown(cli, &e->consumers.items[j]))
				text_consumer(out, &e->consumers.items[j]);
		}
	}
	if (shown == 0)
		buf_puts(out, "no runtime database connections found\n");
	for (i = 0; i < b->notes.len; i++)
		buf_printf(out, "note: %s\n", b->notes.items[i]);
}

int
cmd_budget(struct cli *cli)
{
	struct el_error err = EL_ERROR_INIT;
	struct scan *s = NULL;
	struct budget *b = NULL;
	struct buf out = BUF_INIT;
	const char *plan;
	int rc = 2;

	if (cli->opts.format != FORMAT_TEXT && cli->opts.format != FORMAT_JSON) {
		fprintf(stderr, "envlint budget: format must be text or json\n");
		return 2;
	}
	if (cli_scan(cli, cli->opts.args.len ? cli->opts.args.items[0] : ".", &s) != 0)
		return 2;
	if (cli->opts.service != NULL && cli_check_service(cli, s) != 0)
		goto cleanup;
	/* Command line over configuration. */
	plan = cli->opts.plan ? cli->opts.plan : cli->config ? cli->config->plan : NULL;
	if (budget_build(&b, s, plan, &err) != 0) {
		if (err.path == NULL)
			fprintf(stderr, "envlint budget: %s\n", err.msg);
		else
			cli_error(&err);
		goto cleanup;
	}
	if (cli->opts.format == FORMAT_JSON)
		write_json(&out, cli, b);
	else
		write_text(&out, cli, b);
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	el_error_clear(&err);
	budget_free(b);
	buf_free(&out);
	cli_scan_done(cli, s);
	return rc;
}
