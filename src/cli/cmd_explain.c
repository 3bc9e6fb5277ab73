/* envlint explain KEY [PATH]: where KEY's effective value comes from in each service. */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/json.h"

static const char *
def_how(const struct env_def *d)
{
	if (d->source->kind == SOURCE_INLINE)
		return "compose environment:";
	if (d->source->template)
		return "template standing in for a missing file";
	return d->source->override ? "loaded with override" : "loaded without override";
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
			jw_kstr(&w, "note", "not defined in the repository for this service");
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
		char *v;

		if (cli->opts.service != NULL && strcmp(cli->opts.service, svc->path) != 0)
			continue;
		if (shown++)
			buf_putc(out, '\n');
		buf_printf(out, "%s (%s): ", svc->path, svc->loader);
		if (e == NULL) {
			buf_printf(out, "%s is not defined in the repository for this service\n", key);
			continue;
		}
		v = cli_redact_value(cli, key, e->winner.value);
		buf_printf(out, "%s=%s\n", key, v ? v : "");
		free(v);
		buf_printf(out, "  from     %s:%d (%s, %s)\n", e->winner.file, e->winner.line,
			   e->winner.source->loader, def_how(&e->winner));
		if (e->winner.raw != NULL) {
			v = cli_redact_value(cli, key, e->winner.raw);
			buf_printf(out, "  expanded from %s\n", v);
			free(v);
		}
		for (j = 0; j < e->shadowed.len; j++) {
			const struct env_def *d = &e->shadowed.items[j];

			v = cli_redact_value(cli, key, d->value);
			buf_printf(out, "  shadows  %s:%d %s=%s\n", d->file, d->line, key, v ? v : "");
			free(v);
		}
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
	if (cli->opts.format == FORMAT_JSON)
		write_json(cli, &out, s, key);
	else
		write_text(cli, &out, s, key);
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	buf_free(&out);
	scan_free(s);
	return rc;
}
