/* envlint explain KEY [PATH]: where KEY's effective value comes from in each service. */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "model/connection.h"
#include "model/platforms.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/json.h"

static const char *
def_how(const struct env_def *d)
{
	if (d->source->kind == SOURCE_INLINE && d->source->how != NULL)
		return d->source->how; /* a command's own wording (cross-env, dotenv-cli -v) */
	if (d->source->kind == SOURCE_INLINE)
		return service_inline_info(d->source->inline_kind)->how;
	if (d->source->template)
		return "template standing in for a missing file";
	return d->source->override ? "loaded with override" : "loaded without override";
}

/* What the shown value is not: known statically, or a real endpoint. */
static const char *
def_caveat(const struct env_def *d)
{
	if (d->unknowable)
		return " (not known statically: depends on the environment when it is set)";
	if (d->placeholder)
		return " (a build-time placeholder, not a real endpoint)";
	return "";
}

/* Whether a secret manager's injected environment ranks above the winning definition. */
static bool
secrets_above(const struct service *svc, const struct env_entry *e)
{
	size_t i;

	for (i = 0; svc->secrets != NULL && i < svc->sources.len; i++) {
		const struct env_source *src = &svc->sources.items[i];

		if (e != NULL && src == e->winner.source)
			return false;
		if (src->secrets)
			return true;
	}
	return false;
}

/* The connections of svc whose value comes from key (endpoint and consumer). */
static void
write_connections_json(struct jw *w, const struct service *svc, const char *key)
{
	const struct service_conns *sc = connections_of(svc);
	size_t i;

	jw_key(w, "connections");
	jw_arr_begin(w);
	for (i = 0; sc != NULL && i < sc->len; i++) {
		const struct connection *c = &sc->items[i];

		if (strcmp(c->key, key) != 0)
			continue;
		jw_obj_begin(w);
		jw_kstr(w, "parse_error", c->parse_error);
		jw_key(w, "endpoint");
		jw_obj_begin(w);
		jw_kstr(w, "provider", c->ep.provider);
		jw_kstr(w, "name", c->ep.provider_name);
		jw_kstr(w, "mode", endpoint_mode_name(c->ep.mode));
		jw_kstr(w, "host", c->ep.host);
		jw_kint(w, "port", c->ep.port);
		jw_kstr(w, "project", c->ep.project);
		jw_kstr(w, "pooler", c->ep.pooler);
		jw_obj_end(w);
		jw_key(w, "consumer");
		jw_obj_begin(w);
		jw_kstr(w, "client", c->client);
		jw_kstr(w, "name", c->client_name);
		jw_kint(w, "major", c->client_major);
		jw_kstr(w, "driver", c->driver);
		jw_kstr(w, "adapter", c->adapter);
		jw_kstr(w, "role", conn_role_name(c->role));
		jw_kbool(w, "runtime", c->runtime);
		jw_kbool(w, "used", c->used);
		jw_kstr(w, "fallback_behind", c->lost_to);
		jw_kstr(w, "note", c->note);
		jw_kstr(w, "via", c->use_kind);
		jw_kstr(w, "file", c->use_file);
		jw_kint(w, "line", c->use_line);
		jw_obj_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void
write_connections_text(struct buf *out, const struct service *svc, const char *key)
{
	const struct service_conns *sc = connections_of(svc);
	struct buf ep = BUF_INIT, last = BUF_INIT;
	size_t i;

	for (i = 0; sc != NULL && i < sc->len; i++) {
		const struct connection *c = &sc->items[i];

		if (strcmp(c->key, key) != 0)
			continue;
		buf_reset(&ep);
		if (c->parse_error != NULL)
			buf_printf(&ep, "  endpoint unknown: the value is not a valid connection string (%s)\n",
			           c->parse_error);
		else if (c->ep.provider_name != NULL || c->ep.host != NULL) {
			buf_printf(&ep, "  endpoint %s", c->ep.provider_name ? c->ep.provider_name
			                                                     : "unclassified host");
			if (c->ep.mode != EP_MODE_UNKNOWN)
				buf_printf(&ep, ", %s mode", endpoint_mode_name(c->ep.mode));
			else if (c->ep.provider != NULL)
				buf_puts(&ep, ", mode unknown");
			if (c->ep.project != NULL)
				buf_printf(&ep, ", project %s", c->ep.project);
			if (c->ep.host != NULL)
				buf_printf(&ep, " (%s:%d)", c->ep.host, c->ep.port);
			if (c->ep.user_declared)
				buf_printf(&ep, " [%s]", c->ep.source);
			buf_putc(&ep, '\n');
		}
		/* One value read by several consumers: its endpoint once, then each consumer. */
		if (ep.len > 0 && (last.len != ep.len || memcmp(last.data, ep.data, ep.len) != 0)) {
			buf_add(out, ep.data, ep.len);
			buf_reset(&last);
			buf_add(&last, ep.data, ep.len);
		}
		{
			const char *name = c->client_name ? c->client_name : "unknown client";
			const char *with = strstr(name, " with ");

			if (c->client_major > 0 && with != NULL)
				buf_printf(out, "  consumer %.*s %d%s", (int)(with - name), name,
				           c->client_major, with);
			else if (c->client_major > 0)
				buf_printf(out, "  consumer %s %d", name, c->client_major);
			else
				buf_printf(out, "  consumer %s", name);
		}
		if (c->adapter != NULL)
			buf_printf(out, " with %s", c->adapter);
		if (c->runtime)
			buf_puts(out, ", at runtime");
		else if (c->lost_to != NULL)
			buf_printf(out, ", not used: a fallback behind %s, which is defined", c->lost_to);
		else if (!c->used)
			buf_puts(out, ", not read by this service's code");
		else if (c->role == CONN_ROLE_MIGRATION)
			buf_puts(out, ", migrations");
		else if (c->role == CONN_ROLE_SHADOW)
			buf_puts(out, ", shadow database");
		else if (c->note != NULL)
			buf_puts(out, ", not used");
		else
			buf_puts(out, ", tooling (not runtime code)");
		if (c->use_file != NULL)
			buf_printf(out, " (%s:%d, %s)", c->use_file, c->use_line, c->use_kind);
		buf_putc(out, '\n');
		if (c->note != NULL)
			buf_printf(out, "           %s\n", c->note);
	}
	buf_free(&ep);
	buf_free(&last);
}

static void
write_json(struct cli *cli, struct buf *out, const struct scan *s, const char *key)
{
	struct jw w;
	size_t i, j;

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_kstr(&w, "key", key);
	jw_kstr(&w, "env", s->opts.env);
	jw_key(&w, "services");
	jw_arr_begin(&w);
	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];
		const struct env_entry *e = resolve_find(svc, key);
		const struct injected_var *inj;
		char *v;

		if (cli->opts.service != NULL && strcmp(cli->opts.service, svc->path) != 0)
			continue;
		jw_obj_begin(&w);
		jw_kstr(&w, "service", svc->path);
		jw_kstr(&w, "loader", svc->loader);
		if (e == NULL) {
			jw_key(&w, "value");
			jw_null(&w);
			jw_key(&w, "from");
			jw_null(&w);
			jw_key(&w, "shadowed");
			jw_arr_begin(&w);
			jw_arr_end(&w);
			if ((inj = platforms_find(svc, key)) != NULL) {
				char *note = xasprintf("not defined in the repository; injected by %s "
						       "(%s:%d)",
						       inj->platform, inj->file, inj->line);

				jw_kstr(&w, "note", note);
				free(note);
				jw_key(&w, "injected");
				jw_obj_begin(&w);
				jw_kstr(&w, "platform", inj->platform);
				jw_kstr(&w, "file", inj->file);
				jw_kint(&w, "line", inj->line);
				jw_obj_end(&w);
			} else {
				jw_kstr(&w, "note", "not defined in the repository for this service");
			}
			if (svc->secrets != NULL)
				jw_kstr(&w, "secrets", svc->secrets->loader);
			write_connections_json(&w, svc, key);
			jw_obj_end(&w);
			continue;
		}
		v = cli_redact_value(cli, key, e->winner.value);
		jw_kstr(&w, "value", v);
		free(v);
		jw_key(&w, "from");
		jw_obj_begin(&w);
		jw_kstr(&w, "file", e->winner.file);
		jw_kint(&w, "line", e->winner.line);
		jw_kstr(&w, "loader", e->winner.source->loader);
		jw_kbool(&w, "template", e->winner.source->template);
		if (e->winner.unknowable)
			jw_kbool(&w, "unknowable", true);
		if (e->winner.placeholder)
			jw_kbool(&w, "placeholder", true);
		if (e->winner.opaque != NULL)
			jw_kstr(&w, "opaque", e->winner.opaque);
		if (e->winner.raw != NULL) {
			v = cli_redact_value(cli, key, e->winner.raw);
			jw_kstr(&w, "raw", v);
			free(v);
		}
		jw_obj_end(&w);
		jw_key(&w, "shadowed");
		jw_arr_begin(&w);
		for (j = 0; j < e->shadowed.len; j++) {
			const struct env_def *d = &e->shadowed.items[j];

			jw_obj_begin(&w);
			jw_kstr(&w, "file", d->file);
			jw_kint(&w, "line", d->line);
			v = cli_redact_value(cli, key, d->value);
			jw_kstr(&w, "value", v);
			free(v);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		if (secrets_above(svc, e))
			jw_kstr(&w, "secrets", svc->secrets->loader);
		write_connections_json(&w, svc, key);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void
write_text(struct cli *cli, struct buf *out, const struct scan *s, const char *key)
{
	size_t i, j, shown = 0;

	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];
		const struct env_entry *e = resolve_find(svc, key);
		const struct injected_var *inj;
		char *v;

		if (cli->opts.service != NULL && strcmp(cli->opts.service, svc->path) != 0)
			continue;
		if (shown++)
			buf_putc(out, '\n');
		buf_printf(out, "%s (%s): ", svc->path, svc->loader);
		if (e == NULL && (inj = platforms_find(svc, key)) != NULL) {
			buf_printf(out, "%s is not defined in the repository; injected by %s (%s:%d)\n",
				   key, inj->platform, inj->file, inj->line);
			write_connections_text(out, svc, key);
			continue;
		}
		if (e == NULL) {
			buf_printf(out, "%s is not defined in the repository for this service\n", key);
			if (svc->secrets != NULL)
				buf_printf(out, "  may come from %s (%s:%d), which injects values from outside the repository\n",
					   svc->secrets->loader, svc->secrets->origin_file,
					   svc->secrets->origin_line);
			write_connections_text(out, svc, key);
			continue;
		}
		v = cli_redact_value(cli, key, e->winner.value);
		buf_printf(out, "%s=%s%s\n", key, v ? v : "", def_caveat(&e->winner));
		free(v);
		buf_printf(out, "  from     %s:%d (%s, %s)\n", e->winner.file, e->winner.line,
			   e->winner.source->loader, def_how(&e->winner));
		if (e->winner.source->ef != NULL &&
		    (e->winner.source->ef->entry->flags & WALK_SYMLINK) &&
		    e->winner.source->ef->entry->link_target != NULL)
			buf_printf(out, "  via      %s, a symbolic link to %s\n", e->winner.file,
				   e->winner.source->ef->entry->link_target);
		if (e->winner.raw != NULL) {
			v = cli_redact_value(cli, key, e->winner.raw);
			buf_printf(out, "  expanded from %s\n", v);
			free(v);
		}
		if (e->winner.opaque != NULL)
			buf_printf(out, "  opaque   %s\n", e->winner.opaque);
		if (secrets_above(svc, e))
			buf_printf(out, "  may be replaced by %s (%s:%d), which injects values from outside the repository\n",
				   svc->secrets->loader, svc->secrets->origin_file,
				   svc->secrets->origin_line);
		for (j = 0; j < e->shadowed.len; j++) {
			const struct env_def *d = &e->shadowed.items[j];

			v = cli_redact_value(cli, key, d->value);
			buf_printf(out, "  shadows  %s:%d %s=%s\n", d->file, d->line, key, v ? v : "");
			free(v);
		}
		write_connections_text(out, svc, key);
	}
	if (shown == 0)
		buf_puts(out, "no services found\n");
}

int
cmd_explain(struct cli *cli)
{
	struct scan *s = NULL;
	struct buf out = BUF_INIT;
	const char *key = cli->opts.args.items[0];
	int rc = 2;

	if (cli->opts.format != FORMAT_TEXT && cli->opts.format != FORMAT_JSON) {
		fprintf(stderr, "envlint explain: format must be text or json\n");
		return 2;
	}
	if (cli_scan(cli, cli->opts.args.len > 1 ? cli->opts.args.items[1] : ".", &s) != 0)
		return 2;
	if (cli->opts.service != NULL && cli_check_service(cli, s) != 0)
		goto cleanup;
	{
		struct el_error err = EL_ERROR_INIT;

		/* Endpoints and consumers are extra information: a pack error is reported, not fatal. */
		if (connections_build(s, &err) != 0) {
			fprintf(stderr, "envlint: %s:%d:%d: %s\n", err.path ? err.path : "(packs)", err.line,
			        err.col, err.msg ? err.msg : "invalid pack");
			el_error_clear(&err);
		}
	}
	if (cli->opts.format == FORMAT_JSON)
		write_json(cli, &out, s, key);
	else
		write_text(cli, &out, s, key);
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	buf_free(&out);
	cli_scan_done(cli, s);
	return rc;
}
