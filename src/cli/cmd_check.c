/* envlint check [PATH]: scan, run every check, filter, report, exit code. */
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "cli/commands.h"
#include "config/config.h"
#include "config/pack.h"
#include "model/scan.h"
#include "report/report.h"
#include "util/hash.h"

/* Whether id appears in a list of comma-separated id lists. */
static bool
id_in_lists(const char *id, const char *const *lists, size_t n)
{
	size_t i, len = strlen(id);

	for (i = 0; i < n; i++) {
		const char *p = lists[i];

		while (*p) {
			const char *comma = strchr(p, ',');
			size_t plen = comma ? (size_t)(comma - p) : strlen(p);

			while (plen > 0 && p[0] == ' ') {
				p++;
				plen--;
			}
			while (plen > 0 && p[plen - 1] == ' ')
				plen--;
			if (plen == len && strncmp(p, id, len) == 0)
				return true;
			if (comma == NULL)
				break;
			p = comma + 1;
		}
	}
	return false;
}

/* Every id named in --select/--ignore must be a known rule. */
static int
validate_rule_lists(const struct cli *cli, const char *opt, const char *const *lists, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *copy = xstrdup(lists[i]), *save = NULL, *tok;

		for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
			if (packs_rule_find(cli->packs, tok) == NULL) {
				fprintf(stderr, "envlint check: unknown rule '%s' in %s (see "
						"'envlint rules')\n",
					tok, opt);
				free(copy);
				return -1;
			}
		}
		free(copy);
	}
	return 0;
}

/*
 * A fingerprint that survives lines moving: the rule, the file, the service,
 * the key and the trimmed text of the reported line, not its number.
 */
static void
set_fingerprints(struct finding_list *fl, const char *root)
{
	size_t i;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];
		char *line = report_read_line(root, f->loc.file, f->loc.line);
		uint64_t h = HASH_FNV_SEED;
		const char *p = line ? line : "";
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		h = hash_str(h, f->rule);
		h = hash_str(h, f->loc.file);
		h = hash_str(h, f->service);
		h = hash_str(h, f->key);
		h = hash_fnv1a(h, p, len);
		free(f->fingerprint);
		f->fingerprint = xasprintf("%016llx", (unsigned long long)h);
		free(line);
	}
}

static void
filter_findings(const struct cli *cli, struct finding_list *fl)
{
	const struct config *c = cli->config;
	size_t i, j;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		for (j = 0; c != NULL && j < c->severity.len; j++) {
			if (strcmp(c->severity.items[j].rule, f->rule) == 0)
				f->severity = c->severity.items[j].severity;
		}
		for (j = 0; c != NULL && j < c->disable.len; j++) {
			if (strcmp(c->disable.items[j], f->rule) == 0)
				f->suppressed = true;
		}
		if (cli->opts.select.len > 0 &&
		    !id_in_lists(f->rule, cli->opts.select.items, cli->opts.select.len))
			f->suppressed = true;
		if (id_in_lists(f->rule, cli->opts.ignore.items, cli->opts.ignore.len))
			f->suppressed = true;
	}
}

static int
exit_code(const struct cli *cli, const struct finding_list *fl)
{
	size_t i;

	if (cli->opts.exit_zero || cli->opts.fail_on == SEV_NEVER)
		return 0;
	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];

		if (!f->suppressed && f->severity >= cli->opts.fail_on)
			return 1;
	}
	return 0;
}

int
cmd_check(struct cli *cli)
{
	struct el_error err = EL_ERROR_INIT;
	const char *root = cli->opts.args.len ? cli->opts.args.items[0] : ".";
	struct scan_options so;
	struct scan *scan = NULL;
	struct finding_list fl = {0};
	struct check_ctx ctx;
	struct report_opts ro;
	struct buf out = BUF_INIT;
	size_t i;
	int rc = 2;

	if (cli_scan(cli, root, &scan) != 0)
		goto cleanup;
	if (validate_rule_lists(cli, "--select", cli->opts.select.items, cli->opts.select.len) != 0 ||
	    validate_rule_lists(cli, "--ignore", cli->opts.ignore.items, cli->opts.ignore.len) != 0)
		goto cleanup;
	if (cli->opts.service != NULL && cli_check_service(cli, scan) != 0)
		goto cleanup;
	so = scan->opts;
	memset(&ctx, 0, sizeof(ctx));
	ctx.scan = scan;
	ctx.findings = &fl;
	ctx.redact = !cli->opts.no_redact;
	checks_run(&ctx);
	finding_list_sort(&fl);
	filter_findings(cli, &fl);
	set_fingerprints(&fl, scan->root);

	memset(&ro, 0, sizeof(ro));
	ro.root = scan->root;
	ro.color = cli_use_color(cli);
	ro.quiet = cli->opts.quiet;
	ro.env = so.env;
	ro.plan = cli->opts.plan ? cli->opts.plan : cli->config ? cli->config->plan : NULL;
	ro.category = cli->opts.category;
	ro.packs = cli->packs;
	ro.redact = cli_redact_text;
	ro.redact_ctx = cli;
	ro.summary.files = scan->env_files.len;
	ro.summary.services = scan->services.len;
	for (i = 0; i < fl.items.len; i++)
		ro.summary.suppressed += fl.items.items[i].suppressed;
	switch (cli->opts.format) {
	case FORMAT_TEXT: report_text(&out, &fl, &ro); break;
	case FORMAT_JSON: report_json(&out, &fl, &ro); break;
	case FORMAT_SARIF: report_sarif(&out, &fl, &ro); break;
	case FORMAT_GITHUB: report_github(&out, &fl, &ro); break;
	}
	if (cli_write_output(cli, &out) != 0)
		goto cleanup;
	rc = exit_code(cli, &fl);
cleanup:
	el_error_clear(&err);
	buf_free(&out);
	finding_list_free(&fl);
	scan_free(scan);
	return rc;
}
