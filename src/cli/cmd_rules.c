/* envlint rules [ID]: the rule list, or one rule's documentation. */
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "cli/commands.h"
#include "config/pack.h"
#include "util/json.h"

static void
write_rule_json(struct jw *w, const struct rule_meta *m, bool with_help)
{
	jw_obj_begin(w);
	jw_kstr(w, "id", m->id);
	jw_kstr(w, "severity", severity_name(m->severity));
	if (m->severity_text != NULL)
		jw_kstr(w, "severity_text", m->severity_text);
	jw_kstr(w, "summary", m->summary);
	if (with_help)
		jw_kstr(w, "help", m->help);
	jw_obj_end(w);
}

int
cmd_rules(struct cli *cli)
{
	struct buf out = BUF_INIT;
	const struct rule_meta *m;
	size_t i, n;
	int rc = 2;

	if (cli->opts.format != FORMAT_TEXT && cli->opts.format != FORMAT_JSON) {
		fprintf(stderr, "envlint rules: format must be text or json\n");
		return 2;
	}
	if (cli_load_packs(cli, NULL, 0) != 0)
		return 2;
	if (cli->opts.args.len == 1) {
		m = packs_rule_find(cli->packs, cli->opts.args.items[0]);
		if (m == NULL) {
			fprintf(stderr, "envlint rules: unknown rule '%s' (see 'envlint rules')\n",
				cli->opts.args.items[0]);
			goto cleanup;
		}
		if (cli->opts.format == FORMAT_JSON) {
			struct jw w;

			jw_init(&w, &out);
			jw_obj_begin(&w);
			jw_kint(&w, "version", 1);
			jw_key(&w, "rule");
			write_rule_json(&w, m, true);
			jw_obj_end(&w);
		} else {
			buf_printf(&out, "%s (%s)\n\n%s\n\n%s", m->id,
				   m->severity_text ? m->severity_text : severity_name(m->severity),
				   m->summary, m->help);
			if (out.len > 0 && out.data[out.len - 1] != '\n')
				buf_putc(&out, '\n');
		}
	} else if (cli->opts.format == FORMAT_JSON) {
		struct jw w;

		jw_init(&w, &out);
		jw_obj_begin(&w);
		jw_kint(&w, "version", 1);
		jw_key(&w, "rules");
		jw_arr_begin(&w);
		n = packs_rule_count(cli->packs);
		for (i = 0; i < n; i++)
			write_rule_json(&w, packs_rule_at(cli->packs, i), false);
		jw_arr_end(&w);
		jw_obj_end(&w);
	} else {
		n = packs_rule_count(cli->packs);
		for (i = 0; i < n; i++) {
			m = packs_rule_at(cli->packs, i);
			buf_printf(&out, "%-40s %-8s %s\n", m->id, severity_name(m->severity),
				   m->summary);
		}
	}
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	buf_free(&out);
	return rc;
}
