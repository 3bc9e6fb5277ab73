/*
 * Connection rules: what each service's database URLs point at (provider,
 * pooling mode) checked against the client that consumes them and whether
 * they are used while serving or by migrations. Knowledge (hosts, modes,
 * error texts, parameter tables) comes from the packs through
 * model/connection.h; this file only combines it. Postgres rules stay silent
 * for other databases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "model/connection.h"
#include "model/service.h"
#include "util/buf.h"

static const char *const connection_rules[] = {
    "runtime-uses-direct-url",
    "session-mode-at-runtime",
    "migration-url-via-transaction-pooler",
    "stray-pgbouncer-flag",
    "unsupported-url-param",
    "missing-pgbouncer-flag",
    "prepared-statements-in-transaction-mode",
    "pooler-username",
    "direct-connection-ipv6",
    NULL,
};

static bool
is_postgres(const struct connection *c)
{
	if (c->url != NULL)
		return c->url->kind == URL_KIND_POSTGRES;
	return c->from_components;
}

/* "the Supabase shared pooler (Supavisor) in session mode (host:5432)" */
static void
describe_endpoint(struct buf *b, const struct connection *c)
{
	const struct endpoint *ep = &c->ep;

	if (ep->provider_name != NULL)
		buf_printf(b, "%s", ep->provider_name);
	else
		buf_puts(b, "a Postgres server");
	if (ep->mode == EP_MODE_SESSION || ep->mode == EP_MODE_TRANSACTION)
		buf_printf(b, " in %s mode", endpoint_mode_name(ep->mode));
	if (ep->host != NULL)
		buf_printf(b, " (%s:%d)", ep->host, ep->port);
}

/* `"a" (newer) or "b"` from a NULL-terminated list; user substituted for <user>. */
static void
quote_errors(struct buf *b, const char *const *errs, const char *user)
{
	size_t i;

	for (i = 0; errs != NULL && errs[i] != NULL; i++) {
		const char *p = strstr(errs[i], "<user>");
		/* A text that holds double quotes itself is quoted with single ones. */
		const char q = strchr(errs[i], '"') != NULL ? '\'' : '"';

		if (i > 0)
			buf_puts(b, " or ");
		buf_putc(b, q);
		if (p != NULL && user != NULL) {
			buf_add(b, errs[i], (size_t)(p - errs[i]));
			buf_puts(b, user);
			buf_puts(b, p + 6);
		} else {
			buf_puts(b, errs[i]);
		}
		buf_putc(b, q);
	}
}

static const char *
client_label(const struct connection *c)
{
	return c->client_name ? c->client_name : "the client";
}

static char *
client_with_version(const struct connection *c)
{
	const char *name = client_label(c), *with = strstr(name, " with ");

	size_t base = with ? (size_t)(with - name) : strlen(name);
	char num[16];
	int nlen = snprintf(num, sizeof(num), " %d", c->client_major);

	if (c->client_major <= 0)
		return xstrdup(name);
	/* The name may carry its major version already ("psycopg 3"). */
	if (base >= (size_t)nlen && strncmp(name + base - (size_t)nlen, num, (size_t)nlen) == 0)
		return xstrdup(name);
	/* "SQLAlchemy with asyncpg" -> "SQLAlchemy 2 with asyncpg" */
	if (with != NULL)
		return xasprintf("%.*s %d%s", (int)(with - name), name, c->client_major, with);
	return xasprintf("%s %d", name, c->client_major);
}

/*
 * Where part sp of the value sits in its env file, when the value is written
 * there as it is (unquoted or single-quoted, on one line, not expanded).
 */
static bool
span_position(const struct connection *c, const struct url_span *sp, int *line, int *col,
              int *end_col)
{
	const struct dotenv_binding *b = c->entry ? c->entry->winner.binding : NULL;
	int q;

	if (b == NULL || sp == NULL || sp->len == 0 || c->entry->winner.raw != NULL ||
	    b->expanded || (b->quote != DOTENV_QUOTE_NONE && b->quote != DOTENV_QUOTE_SINGLE) ||
	    strchr(c->value, '\n') != NULL || b->value_col <= 0)
		return false;
	q = b->quote == DOTENV_QUOTE_SINGLE ? 1 : 0;
	*line = b->value_line;
	*col = b->value_col + q + (int)sp->off;
	*end_col = *col + (int)sp->len - 1;
	return true;
}

/*
 * value_class for baselines and the JSON report:
 * "<provider>/<mode>/<project>/<client>[/<parameter>]", "-" for an unknown part.
 */
static void
set_class(struct finding *f, const struct connection *c, const char *detail)
{
	if (f == NULL)
		return;
	free(f->value_class);
	f->value_class =
	    xasprintf("%s/%s/%s/%s%s%s", c->ep.provider ? c->ep.provider : "-",
	              endpoint_mode_name(c->ep.mode), c->ep.project ? c->ep.project : "-",
	              c->client ? c->client : "-", detail ? "/" : "", detail ? detail : "");
}

/* Location of the value's definition (of part sp when known), else of its use. */
static struct finding *
add_at_span(struct check_ctx *ctx, const struct service *svc, const struct connection *c,
            const struct url_span *sp, const char *rule, enum severity sev, const char *msg)
{
	struct finding *f;
	int line, col, end_col;

	if (c->file != NULL) {
		if (span_position(c, sp, &line, &col, &end_col))
			f = finding_add(ctx->findings, rule, sev, c->file, line, col, line, end_col,
			                "%s", msg);
		else
			f = finding_add(ctx->findings, rule, sev, c->file, c->line, c->col, 0, 0,
			                "%s", msg);
		if (c->use_file != NULL)
			finding_add_related(f, c->use_file, c->use_line, c->use_col,
			                    "the client receives the value here");
	} else if (c->use_file != NULL) {
		f = finding_add(ctx->findings, rule, sev, c->use_file, c->use_line, c->use_col, 0,
		                0, "%s", msg);
	} else {
		return NULL;
	}
	finding_set_subject(f, svc->path, c->key);
	if (c->entry != NULL && c->entry->winner.source != NULL &&
	    c->entry->winner.source->template)
		f->template = true;
	set_class(f, c, NULL);
	return f;
}

static struct finding *
add_at_value(struct check_ctx *ctx, const struct service *svc, const struct connection *c,
             const char *rule, enum severity sev, const char *msg)
{
	return add_at_span(ctx, svc, c, NULL, rule, sev, msg);
}

static const struct url_span *
port_span(const struct connection *c)
{
	if (c->url == NULL || c->url->nhosts == 0 || !c->url->hosts[0].port.present)
		return NULL;
	return &c->url->hosts[0].port.span;
}

static struct finding *
add_at_use(struct check_ctx *ctx, const struct service *svc, const struct connection *c,
           const char *rule, enum severity sev, const char *msg)
{
	struct finding *f;

	if (c->use_file == NULL)
		return add_at_value(ctx, svc, c, rule, sev, msg);
	f = finding_add(ctx->findings, rule, sev, c->use_file, c->use_line, c->use_col, 0, 0, "%s",
	                msg);
	if (c->file != NULL)
		finding_add_related(f, c->file, c->line, c->col, "the value is defined here");
	finding_set_subject(f, svc->path, c->key);
	set_class(f, c, NULL);
	return f;
}

/* Whether the service uses key as a migration URL somewhere (schema directUrl, config url). */
static const struct connection *
migration_use(const struct service_conns *sc, const char *key)
{
	size_t i;

	for (i = 0; i < sc->len; i++) {
		const struct connection *o = &sc->items[i];

		if (strcmp(o->key, key) == 0 && o->role != CONN_ROLE_RUNTIME &&
		    o->use_kind != NULL && !o->runtime && !o->role_from_code)
			return o;
	}
	return NULL;
}

static void
check_direct_at_runtime(struct check_ctx *ctx, const struct service *svc,
                        const struct service_conns *sc, const struct connection *c)
{
	const struct connection *mig = migration_use(sc, c->key);
	struct buf b = BUF_INIT;
	char *who;

	if (!c->runtime || !c->role_from_code || c->use_file == NULL)
		return;
	if (c->name_role == CONN_ROLE_RUNTIME && mig == NULL)
		return;
	who = client_with_version(c);
	buf_printf(&b, "%s reads %s at runtime, but %s is the migration-only URL", who, c->key,
	           c->key);
	if (mig != NULL && mig->use_file != NULL)
		buf_printf(&b, " (%s at %s:%d)", mig->use_kind, mig->use_file, mig->use_line);
	if (c->url != NULL && c->ep.host != NULL) {
		buf_puts(&b, "; it points at ");
		describe_endpoint(&b, c);
	}
	buf_printf(&b, ". Pass the pooled URL%s%s%s to the client and keep %s for migrations",
	           c->pooled_counterpart ? " (" : "",
	           c->pooled_counterpart ? c->pooled_counterpart : "",
	           c->pooled_counterpart ? ")" : "", c->key);
	add_at_use(ctx, svc, c, "runtime-uses-direct-url",
	           check_default_severity(ctx, "runtime-uses-direct-url"), buf_cstr(&b));
	buf_free(&b);
	free(who);
}

static void
check_session_mode(struct check_ctx *ctx, const struct service *svc, const struct connection *c)
{
	struct buf b = BUF_INIT;
	char *who;

	if (!c->runtime || c->ep.mode != EP_MODE_SESSION)
		return;
	buf_printf(&b, "%s points at ", c->key);
	describe_endpoint(&b, c);
	who = client_with_version(c);
	buf_printf(&b, " and %s uses it at runtime", who);
	free(who);
	if (c->use_file != NULL)
		buf_printf(&b, " (%s:%d)", c->use_file, c->use_line);
	buf_puts(&b, ": every client holds a backend connection for its whole session, so clients "
	             "are capped at the pool size");
	if (c->ep.session_limit_errors != NULL) {
		buf_puts(&b, " and the next one waits, then fails with ");
		quote_errors(&b, c->ep.session_limit_errors, NULL);
	}
	if (c->ep.transaction_port != 0)
		buf_printf(&b,
		           ". Use the transaction pooler (port %d) for runtime traffic and keep "
		           "port %d for migrations",
		           c->ep.transaction_port, c->ep.port);
	else
		buf_puts(&b, ". Use a transaction-mode pooler for runtime traffic");
	add_at_span(ctx, svc, c, port_span(c), "session-mode-at-runtime",
	            check_default_severity(ctx, "session-mode-at-runtime"), buf_cstr(&b));
	buf_free(&b);
}

static void
check_migration_via_transaction(struct check_ctx *ctx, const struct service *svc,
                                const struct connection *c)
{
	struct buf b = BUF_INIT;
	const struct client_info *ci = c->client_info;

	if (c->runtime || c->role != CONN_ROLE_MIGRATION || !c->used ||
	    c->ep.mode != EP_MODE_TRANSACTION)
		return;
	buf_printf(&b, "%s is the migration URL", c->key);
	if (c->use_kind != NULL && c->use_file != NULL)
		buf_printf(&b, " of %s (%s at %s:%d)", client_label(c), c->use_kind, c->use_file,
		           c->use_line);
	buf_puts(&b, " but points at ");
	describe_endpoint(&b, c);
	buf_puts(&b, ": consecutive statements may run on different backends");
	if (ci != NULL && ci->migrate_errors != NULL) {
		buf_puts(&b, ", and migrations fail with ");
		quote_errors(&b, ci->migrate_errors, NULL);
	}
	if (c->ep.session_port != 0)
		buf_printf(&b, ". Point it at the session pooler (port %d) or the direct host",
		           c->ep.session_port);
	else
		buf_puts(&b, ". Point it at the direct host or a session-mode pooler");
	add_at_span(ctx, svc, c, port_span(c), "migration-url-via-transaction-pooler",
	            check_default_severity(ctx, "migration-url-via-transaction-pooler"),
	            buf_cstr(&b));
	buf_free(&b);
}

static bool
param_true(const struct url_param *p)
{
	return p->value.present && p->value.value != NULL &&
	       strcasecmp(p->value.value, "true") == 0;
}

static void
check_params(struct check_ctx *ctx, const struct service *svc, const struct connection *c)
{
	size_t i;

	if (c->url == NULL || !c->used || c->client_info == NULL)
		return;
	for (i = 0; i < c->url->nparams; i++) {
		const struct url_param *p = &c->url->params[i];
		const char *tpl = NULL, *fix = NULL, *name = p->key.value;
		const bool pgb = name != NULL && strcmp(name, "pgbouncer") == 0;
		const char *rule = pgb ? "stray-pgbouncer-flag" : "unsupported-url-param";
		enum param_effect eff;
		struct buf b = BUF_INIT;
		char *err, *who;

		if (name == NULL || p->key.unresolved)
			continue;
		eff = connection_param_effect(c, name, &tpl, &fix);
		err = client_error_text(tpl, name);
		who = client_with_version(c);
		if (c->adapter != NULL)
			buf_printf(&b, "%s with %s", who, c->adapter);
		else
			buf_puts(&b, who);
		if (eff == PARAM_REJECTED) {
			if (pgb)
				buf_printf(&b,
				           " reads %s, which has ?pgbouncer=true, a Prisma-only "
				           "parameter that it rejects",
				           c->key);
			else
				buf_printf(&b, " reads %s and rejects its parameter ?%s", c->key,
				           name);
			if (err != NULL) {
				const char *one[2] = {err, NULL};

				buf_puts(&b, ": ");
				quote_errors(&b, one, NULL);
			}
			if (fix != NULL)
				buf_printf(&b, ". Fix: %s", fix);
			else if (pgb)
				buf_printf(
				    &b, ". Remove it from the URL this service reads and keep it "
				        "only in the URL that Prisma 6 or earlier reads");
			else
				buf_printf(&b, ". Remove ?%s from the URL this service reads",
				           name);
			set_class(add_at_span(ctx, svc, c, &p->span, rule, SEV_ERROR, buf_cstr(&b)),
			          c, name);
		} else if (eff == PARAM_IGNORED) {
			buf_printf(&b, " reads %s and silently ignores ?%s: it has no effect there",
			           c->key, name);
			if (strcmp(name, "connection_limit") == 0 ||
			    strcmp(name, "pool_timeout") == 0)
				buf_puts(&b, " (the pool size comes from the driver's own options, "
				             "such as node-postgres max)");
			set_class(add_at_span(ctx, svc, c, &p->span, rule, SEV_INFO, buf_cstr(&b)),
			          c, name);
		} else if (pgb && eff == PARAM_ACCEPTED && param_true(p) && !c->ep.assumed &&
		           (c->ep.mode == EP_MODE_SESSION || c->ep.mode == EP_MODE_DIRECT)) {
			buf_printf(&b, " reads %s with ?pgbouncer=true, but it points at ", c->key);
			describe_endpoint(&b, c);
			if (c->ep.mode == EP_MODE_DIRECT)
				buf_puts(&b, " directly");
			buf_puts(&b,
			         ", not at a transaction pooler: the flag only turns off prepared "
			         "statements there. Remove it, or point the URL at the transaction "
			         "pooler");
			if (c->ep.transaction_port != 0)
				buf_printf(&b, " (port %d)", c->ep.transaction_port);
			set_class(
			    add_at_span(ctx, svc, c, &p->span, rule, SEV_WARNING, buf_cstr(&b)), c,
			    name);
		}
		buf_free(&b);
		free(err);
		free(who);
	}
}

static bool
off_by_pgbouncer(const struct client_info *ci)
{
	size_t i;

	for (i = 0; ci != NULL && i < ci->noff_params; i++)
		if (strcmp(ci->off_params[i], "pgbouncer=true") == 0)
			return true;
	return false;
}

static void
check_prepared(struct check_ctx *ctx, const struct service *svc, const struct connection *c)
{
	const struct client_info *ci = c->client_info;
	const bool pgb = off_by_pgbouncer(ci);
	const char *rule =
	    pgb ? "missing-pgbouncer-flag" : "prepared-statements-in-transaction-mode";
	struct buf b = BUF_INIT;
	char *who;

	if (!c->runtime || ci == NULL || !ci->prepares || c->prepared_off ||
	    c->ep.mode != EP_MODE_TRANSACTION || c->ep.prepared_statements)
		return;
	/* A driver adapter or wrapper decides prepared statements, not this client. */
	if (c->param_client != NULL && c->param_client != ci)
		return;
	if (pgb && c->code_sets_pgbouncer)
		return;
	who = client_with_version(c);
	buf_printf(&b, "%s reads %s at runtime", who, c->key);
	if (c->use_file != NULL)
		buf_printf(&b, " (%s:%d)", c->use_file, c->use_line);
	buf_puts(&b, " through ");
	describe_endpoint(&b, c);
	if (pgb)
		buf_puts(&b, " without ?pgbouncer=true: its query engine uses named prepared "
		             "statements, which collide on shared backends");
	else
		buf_puts(&b,
		         " and prepares statements by default, which collide on shared backends");
	if (ci->prepared_errors != NULL) {
		buf_puts(&b, " (");
		quote_errors(&b, ci->prepared_errors, NULL);
		buf_puts(&b, ")");
	}
	if (ci->off_hint != NULL)
		buf_printf(&b, ". Fix: %s", ci->off_hint);
	add_at_value(ctx, svc, c, rule, check_default_severity(ctx, rule), buf_cstr(&b));
	buf_free(&b);
	free(who);
}

static void
check_pooler_user(struct check_ctx *ctx, const struct service *svc, const struct connection *c)
{
	const char *user = NULL;
	struct buf b = BUF_INIT;

	if (c->ep.user_format == NULL || strchr(c->ep.user_format, '.') == NULL)
		return;
	if (c->url != NULL && c->url->user.present && !c->url->user.unresolved)
		user = c->url->user.value;
	else if (c->from_components)
		user = c->component_user;
	if (user == NULL || *user == '\0' || strchr(user, '.') != NULL)
		return;
	buf_printf(&b, "%s connects to ", c->key);
	describe_endpoint(&b, c);
	buf_printf(&b, " as \"%s\", but this pooler needs a user of the form %s", user,
	           c->ep.user_format);
	if (c->ep.tenant_errors != NULL) {
		buf_puts(&b, "; the connection fails with ");
		quote_errors(&b, c->ep.tenant_errors, NULL);
	}
	buf_printf(&b, ". Use \"%s.<project-ref>\" (copy the connection string from the dashboard)",
	           user);
	add_at_span(ctx, svc, c, c->url ? &c->url->user.span : NULL, "pooler-username",
	            check_default_severity(ctx, "pooler-username"), buf_cstr(&b));
	buf_free(&b);
}

static void
check_ipv6(struct check_ctx *ctx, const struct service *svc, const struct connection *c)
{
	struct buf b = BUF_INIT;
	char *who;

	if (!c->runtime || !c->ep.ipv6_only)
		return;
	who = client_with_version(c);
	buf_printf(&b, "%s uses %s at runtime, which points at ", who, c->key);
	free(who);
	describe_endpoint(&b, c);
	buf_puts(&b, ", reachable over IPv6 only unless the paid IPv4 add-on is enabled; a runtime "
	             "without IPv6 cannot connect. Use the shared pooler (IPv4) or enable the "
	             "add-on");
	add_at_value(ctx, svc, c, "direct-connection-ipv6",
	             check_default_severity(ctx, "direct-connection-ipv6"), buf_cstr(&b));
	buf_free(&b);
}

static void
run(struct check_ctx *ctx)
{
	struct el_error err = EL_ERROR_INIT;
	size_t i, j;

	if (connections_build(ctx->scan, &err) != 0) {
		scan_diag(ctx->scan, err.path ? err.path : "(packs)", false, "%d:%d: %s", err.line,
		          err.col, err.msg ? err.msg : "invalid pack");
		el_error_clear(&err);
		return;
	}
	for (i = 0; i < ctx->scan->services.len; i++) {
		const struct service *svc = ctx->scan->services.items[i];
		const struct service_conns *sc = connections_of(svc);
		const size_t first = ctx->findings->items.len;

		for (j = 0; sc != NULL && j < sc->len; j++) {
			const struct connection *c = &sc->items[j];

			if (!is_postgres(c))
				continue;
			check_pooler_user(ctx, svc, c);
			if (!c->used)
				continue;
			check_direct_at_runtime(ctx, svc, sc, c);
			check_session_mode(ctx, svc, c);
			check_migration_via_transaction(ctx, svc, c);
			check_params(ctx, svc, c);
			check_prepared(ctx, svc, c);
			check_ipv6(ctx, svc, c);
		}
		/* One value used twice (schema url and prisma.config.ts) is one problem. */
		finding_list_merge_same(ctx->findings, first);
	}
}

const struct check check_connection = {
    .family = "connection",
    .rules = connection_rules,
    .run = run,
};
