/* envlint services [PATH]: each service, its loader, dialect and sources in priority order. */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "model/scan.h"
#include "model/service.h"
#include "util/buf.h"
#include "util/json.h"

/* The file, the variables a command sets, a secret manager, or the inline kind's label. */
static char *
source_label(const struct env_source *src)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (src->kind != SOURCE_INLINE)
		return xstrdup(src->file);
	if (src->inline_kind == INLINE_SECRETS)
		return xasprintf("(%s secrets)", src->loader);
	if (src->inline_kind != INLINE_COMMAND)
		return xstrdup(service_inline_info(src->inline_kind)->label);
	buf_puts(&b, "command: ");
	for (i = 0; i < src->vars.len; i++)
		buf_printf(&b, "%s%s", i ? "," : "", src->vars.items[i].key);
	return buf_detach(&b);
}

static void
write_json(struct buf *out, const struct scan *s, const char *only)
{
	struct jw w;
	size_t i, j;

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_kstr(&w, "env", s->opts.env);
	jw_key(&w, "services");
	jw_arr_begin(&w);
	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];

		if (only != NULL && strcmp(only, svc->path) != 0)
			continue;
		jw_obj_begin(&w);
		jw_kstr(&w, "path", svc->path);
		jw_kstr(&w, "name", svc->name);
		jw_kstr(&w, "loader", svc->loader);
		jw_kstr(&w, "dialect", dotenv_dialect_name(svc->dialect));
		jw_key(&w, "sources");
		jw_arr_begin(&w);
		for (j = 0; j < svc->sources.len; j++) {
			const struct env_source *src = &svc->sources.items[j];

			jw_obj_begin(&w);
			jw_kstr(&w, "file", src->kind == SOURCE_INLINE ? src->origin_file : src->file);
			jw_kbool(&w, "exists", src->exists);
			jw_kbool(&w, "template", src->template);
			if (src->template)
				jw_kstr(&w, "standin", src->ef ? src->ef->entry->path : NULL);
			if (src->created_by != NULL)
				jw_kstr(&w, "created_by", src->created_by);
			if (src->ef != NULL && (src->ef->entry->flags & WALK_SYMLINK))
				jw_kstr(&w, "link_target", src->ef->entry->link_target);
			jw_kstr(&w, "kind", src->kind == SOURCE_INLINE
						   ? service_inline_info(src->inline_kind)->json_kind
						   : "env_file");
			jw_kstr(&w, "loader", src->loader);
			/* A command's variables and a secret manager's values are parsed by no dialect. */
			jw_kstr(&w, "dialect",
				src->kind == SOURCE_INLINE && (src->inline_kind == INLINE_COMMAND ||
							       src->inline_kind == INLINE_SECRETS)
				    ? NULL
				    : dotenv_dialect_name(src->dialect));
			jw_kbool(&w, "override", src->override);
			jw_kbool(&w, "required", src->required);
			jw_key(&w, "origin");
			jw_obj_begin(&w);
			jw_kstr(&w, "file", src->origin_file);
			jw_kint(&w, "line", src->origin_line);
			jw_obj_end(&w);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_kint(&w, "replicas", svc->replicas ? svc->replicas : 1);
		jw_kint(&w, "workers", svc->workers ? svc->workers : 1);
		jw_key(&w, "notes");
		jw_arr_begin(&w);
		for (j = 0; j < svc->notes.len; j++) {
			jw_obj_begin(&w);
			jw_kstr(&w, "file", svc->notes.items[j].file);
			jw_kint(&w, "line", svc->notes.items[j].line);
			jw_kstr(&w, "message", svc->notes.items[j].message);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void
write_text(struct buf *out, const struct scan *s, const char *only)
{
	size_t i, j, shown = 0;

	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];

		if (only != NULL && strcmp(only, svc->path) != 0)
			continue;
		if (shown++)
			buf_putc(out, '\n');
		buf_printf(out, "%s  loader: %s  dialect: %s", svc->path, svc->loader,
			   dotenv_dialect_name(svc->dialect));
		if (svc->replicas > 1 || svc->workers > 1)
			buf_printf(out, "  processes: %d x %d", svc->replicas ? svc->replicas : 1,
				   svc->workers ? svc->workers : 1);
		buf_putc(out, '\n');
		if (svc->sources.len == 0)
			buf_puts(out, "  (no env files: the process environment only)\n");
		for (j = 0; j < svc->sources.len; j++) {
			const struct env_source *src = &svc->sources.items[j];
			char *label = source_label(src);

			buf_printf(out, "  %zu. %-32s %s%s", j + 1, label, src->loader,
				   src->override ? ", override" : "");
			free(label);
			if (src->ef != NULL && (src->ef->entry->flags & WALK_SYMLINK) &&
			    src->ef->entry->link_target != NULL)
				buf_printf(out, ", symbolic link to %s", src->ef->entry->link_target);
			if (src->template)
				buf_printf(out, ", missing: template %s stands in",
					   src->ef->entry->path);
			else if (!src->exists && src->created_by != NULL)
				buf_printf(out, ", missing here; created in the image (%s)",
					   src->created_by);
			else if (!src->exists)
				buf_puts(out, src->required ? ", missing (required)" : ", missing");
			if (src->origin_file != NULL && src->origin_line > 0)
				buf_printf(out, "  (%s:%d)", src->origin_file, src->origin_line);
			else if (src->origin_file != NULL)
				buf_printf(out, "  (%s)", src->origin_file);
			buf_putc(out, '\n');
		}
		for (j = 0; j < svc->notes.len; j++)
			buf_printf(out, "  note: %s:%d: %s\n", svc->notes.items[j].file,
				   svc->notes.items[j].line, svc->notes.items[j].message);
	}
	if (shown == 0)
		buf_puts(out, "no services found\n");
}

int
cmd_services(struct cli *cli)
{
	struct scan *s = NULL;
	struct buf out = BUF_INIT;
	int rc = 2;

	if (cli->opts.format != FORMAT_TEXT && cli->opts.format != FORMAT_JSON) {
		fprintf(stderr, "envlint services: format must be text or json\n");
		return 2;
	}
	if (cli_scan(cli, cli->opts.args.len ? cli->opts.args.items[0] : ".", &s) != 0)
		return 2;
	if (cli->opts.service != NULL && cli_check_service(cli, s) != 0)
		goto cleanup;
	if (cli->opts.format == FORMAT_JSON)
		write_json(&out, s, cli->opts.service);
	else
		write_text(&out, s, cli->opts.service);
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	buf_free(&out);
	cli_scan_done(cli, s);
	return rc;
}
