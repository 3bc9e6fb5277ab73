/*
 * envlint check [PATH]: scan, run every check, then in this order:
 *   1. config `severity:` overrides;
 *   2. inline suppressions (envlint-disable-next-line / -file), and an
 *      unused-suppression finding for each directive that silenced nothing
 *      for a rule this run checks;
 *   3. selection: config `disable:`, --select, --ignore;
 *   4. fingerprints for the JSON and SARIF reports (content-based, see
 *      set_fingerprints);
 *   5. --write-baseline (records what is left), --baseline (silences what it
 *      records; stale entries are reported on stderr);
 *   6. the report and the exit code (--fail-on, --exit-zero).
 * Suppressed findings are counted in the summary and never printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "cli/commands.h"
#include "config/config.h"
#include "config/pack.h"
#include "model/discover.h"
#include "model/budget.h"
#include "model/scan.h"
#include "report/baseline.h"
#include "report/report.h"
#include "report/suppress.h"
#include "util/fileio.h"
#include "util/timing.h"
#include "util/hash.h"

#define RULE_UNUSED_SUPPRESSION "unused-suppression"

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

/* Whether this run reports rule id at all: not disabled, selected, not ignored. */
static bool
rule_enabled(const struct cli *cli, const char *id)
{
	const struct config *c = cli->config;
	size_t j;

	for (j = 0; c != NULL && j < c->disable.len; j++) {
		if (strcmp(c->disable.items[j], id) == 0)
			return false;
	}
	if (cli->opts.select.len > 0 &&
	    !id_in_lists(id, cli->opts.select.items, cli->opts.select.len))
		return false;
	return !id_in_lists(id, cli->opts.ignore.items, cli->opts.ignore.len);
}

/* The severity of a rule in this run: config override, else the pack default. */
static enum severity
rule_severity(const struct cli *cli, const char *id)
{
	const struct config *c = cli->config;
	const struct rule_meta *m = packs_rule_find(cli->packs, id);
	enum severity s = m ? m->severity : SEV_WARNING;
	size_t j;

	for (j = 0; c != NULL && j < c->severity.len; j++) {
		if (strcmp(c->severity.items[j].rule, id) == 0)
			s = c->severity.items[j].severity;
	}
	return s;
}

static void
apply_severity(const struct cli *cli, struct finding_list *fl)
{
	const struct config *c = cli->config;
	size_t i, j;

	for (i = 0; c != NULL && i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		for (j = 0; j < c->severity.len; j++) {
			if (strcmp(c->severity.items[j].rule, f->rule) == 0)
				f->severity = c->severity.items[j].severity;
		}
	}
}

/*
 * With --service, what belongs to that service: findings about it, and
 * findings tied to no service whose file lies inside its folder.
 */
static bool
in_scope(const struct cli *cli, const char *service, const char *file)
{
	const char *want = cli->opts.service;

	if (want == NULL)
		return true;
	if (service != NULL)
		return strcmp(service, want) == 0;
	return file != NULL && path_inside(file, want);
}

static void
filter_findings(const struct cli *cli, struct finding_list *fl)
{
	size_t i;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		if (!rule_enabled(cli, f->rule) || !in_scope(cli, f->service, f->loc.file))
			f->suppressed = true;
	}
}

static bool
seen_path(const char *const *seen, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(seen[i], path) == 0)
			return true;
	}
	return false;
}

static void
scan_file_at(struct suppress_list *sl, struct scan *scan, const char *path)
{
	struct el_error err = EL_ERROR_INIT;
	size_t len = 0;
	const char *data = scan_source(scan, path, &len, &err);

	if (data != NULL)
		suppress_scan(sl, path, data, len);
	el_error_clear(&err);
}

/*
 * Collect the directives of every env file, every source, compose and
 * manifest file of the scan, and every other file a finding points at.
 */
static void
collect_suppressions(struct scan *scan, const struct finding_list *fl, struct suppress_list *sl)
{
	VEC(const char *) seen = {0}; /* files outside the walk already scanned */
	size_t i;

	for (i = 0; i < scan->env_files.len; i++) {
		struct scan_env_file *ef = &scan->env_files.items[i];
		size_t len = 0;
		const char *data = scan_env_data(scan, ef, &len);

		if (data != NULL)
			suppress_scan(sl, ef->entry->path, data, len);
	}
	/* Walk entries are unique paths: each is scanned once, no lookup needed. */
	for (i = 0; scan->walk != NULL && i < scan->walk->nentries; i++) {
		const struct walk_entry *e = &scan->walk->entries[i];

		if ((e->flags & WALK_ENV) || e->kind == SCAN_FILE_OTHER ||
		    scan_entry_marked(scan, e) == 0) /* read ahead, and holds no directive */
			continue;
		scan_file_at(sl, scan, e->path);
	}
	for (i = 0; i < fl->items.len; i++) {
		const char *p = fl->items.items[i].loc.file;
		const struct walk_entry *e;

		if (p == NULL || p[0] == '\0' || p[0] == '/' || strncmp(p, "../", 3) == 0)
			continue;
		e = scan->walk ? walk_find(scan->walk, p) : NULL;
		if ((e != NULL && ((e->flags & WALK_ENV) || e->kind != SCAN_FILE_OTHER)) ||
		    seen_path(seen.items, seen.len, p))
			continue;
		scan_file_at(sl, scan, p);
		VEC_PUSH(&seen, p);
	}
	VEC_FREE(&seen);
}

/* Apply inline suppressions and report the directives that silenced nothing. */
static void
apply_suppressions(const struct cli *cli, struct scan *scan, struct finding_list *fl)
{
	struct suppress_list sl = {0};
	enum severity sev = rule_severity(cli, RULE_UNUSED_SUPPRESSION);
	size_t i;

	collect_suppressions(scan, fl, &sl);
	suppress_apply(&sl, fl);
	for (i = 0; i < sl.items.len; i++) {
		const struct suppression *s = &sl.items.items[i];
		const char *what = s->whole_file ? "envlint-disable-file" : "envlint-disable-next-line";
		struct finding *f;

		if (s->used)
			continue;
		if (s->rule == NULL) {
			f = finding_add(fl, RULE_UNUSED_SUPPRESSION, sev, s->file, s->line, s->col,
					s->line, s->end_col, "%s names no rule, so it suppresses "
					"nothing; name the rule ids it is for", what);
		} else if (packs_rule_find(cli->packs, s->rule) == NULL) {
			f = finding_add(fl, RULE_UNUSED_SUPPRESSION, sev, s->file, s->line, s->col,
					s->line, s->end_col, "%s names unknown rule '%s' (see "
					"'envlint rules')", what, s->rule);
		} else if (!rule_enabled(cli, s->rule)) {
			continue; /* not checked in this run: unknowable */
		} else if (!s->whole_file && s->target_line == 0) {
			f = finding_add(fl, RULE_UNUSED_SUPPRESSION, sev, s->file, s->line, s->col,
					s->line, s->end_col, "%s %s is at the end of the file, so "
					"there is no line for it to suppress", what, s->rule);
		} else if (s->whole_file) {
			f = finding_add(fl, RULE_UNUSED_SUPPRESSION, sev, s->file, s->line, s->col,
					s->line, s->end_col, "%s %s suppresses nothing: %s reports "
					"nothing in %s; remove it", what, s->rule, s->rule, s->file);
		} else {
			f = finding_add(fl, RULE_UNUSED_SUPPRESSION, sev, s->file, s->line, s->col,
					s->line, s->end_col, "%s %s suppresses nothing: %s reports "
					"nothing on line %d; remove it", what, s->rule, s->rule,
					s->target_line);
		}
		finding_set_subject(f, NULL, NULL);
	}
	suppress_list_free(&sl);
	finding_list_sort(fl);
}

/* The contents of file, read once per scan (report_opts.source). */
static const char *
scan_file_text(void *arg, const char *file, size_t *len)
{
	struct el_error err = EL_ERROR_INIT;
	const char *data = scan_report_text(arg, file, len, &err);

	el_error_clear(&err);
	return data;
}

/* The primary line of a finding with secrets masked (new string, "" when none). */
static char *
redacted_line(struct cli *cli, struct scan *scan, const struct finding *f)
{
	size_t len = 0;
	const char *data = f->loc.line > 0 ? scan_file_text(scan, f->loc.file, &len) : NULL;
	char *line = report_line_of(data, len, f->loc.line), *r;

	if (line == NULL)
		return xstrdup("");
	r = cli_redact_text(cli, f->loc.file, line);
	free(line);
	return r;
}

/*
 * Fingerprints that survive lines moving: the rule, file, service and key and
 * the trimmed, redacted text of the reported line (never its number, never a
 * secret). The occurrence counts identical hashes in sorted order, for
 * GitHub's primaryLocationLineHash "hash:N".
 */
static void
set_fingerprints(struct cli *cli, struct finding_list *fl, struct scan *scan)
{
	VEC(uint64_t) hashes = {0};
	size_t i, j;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];
		char *line = redacted_line(cli, scan, f);
		uint64_t h = HASH_FNV_SEED;
		const char *p = line;
		size_t len, occurrence = 1;

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
		for (j = 0; j < hashes.len; j++)
			occurrence += hashes.items[j] == h;
		VEC_PUSH(&hashes, h);
		free(f->fingerprint);
		f->fingerprint = xasprintf("%016llx", (unsigned long long)h);
		f->occurrence = (int)occurrence;
		free(line);
	}
	VEC_FREE(&hashes);
}

/* The baseline content key of every finding, aligned with fl->items. */
static char **
baseline_values(struct cli *cli, const struct finding_list *fl, struct scan *scan)
{
	char **v = xcalloc(fl->items.len + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		char *line = redacted_line(cli, scan, f);
		char *cls = f->value_class ? cli_redact_text(cli, NULL, f->value_class) : NULL;

		v[i] = baseline_value(cls, line);
		free(cls);
		free(line);
	}
	return v;
}

static void
free_values(char **v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

/* Append s with control characters shown as \xHH (a hostile path never reaches the terminal raw). */
static void
put_printable(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_printf(b, "\\x%02x", (unsigned char)*s);
		else
			buf_putc(b, *s);
	}
}

/* --write-baseline and --baseline. -1 (message printed) on an I/O or format error. */
static int
apply_baseline(struct cli *cli, struct finding_list *fl, struct scan *scan)
{
	struct el_error err = EL_ERROR_INIT;
	struct baseline *b = NULL;
	char **values;
	size_t i;
	int rc = -1;

	if (cli->opts.baseline == NULL && cli->opts.write_baseline == NULL)
		return 0;
	values = baseline_values(cli, fl, scan);
	if (cli->opts.baseline != NULL && baseline_load(&b, cli->opts.baseline, &err) != 0)
		goto cleanup;
	if (cli->opts.write_baseline != NULL) {
		struct buf out = BUF_INIT;
		size_t n = baseline_write(&out, fl, values);

		if (file_write(cli->opts.write_baseline, out.data, out.len, &err) != 0) {
			buf_free(&out);
			goto cleanup;
		}
		buf_free(&out);
		if (!cli->opts.quiet)
			fprintf(stderr, "envlint: wrote %zu baseline %s to %s\n", n,
				n == 1 ? "entry" : "entries", cli->opts.write_baseline);
		/* What was just recorded is the baseline of this run. */
		for (i = 0; i < fl->items.len; i++)
			fl->items.items[i].suppressed = true;
	} else {
		baseline_apply(b, fl, values);
		for (i = 0; i < b->entries.len; i++) {
			const struct baseline_entry *e = &b->entries.items[i];

			if (e->remaining == 0 || !rule_enabled(cli, e->rule) ||
			    !in_scope(cli, e->service, e->file))
				continue;
			struct buf what = BUF_INIT;

			put_printable(&what, e->rule);
			buf_puts(&what, " in ");
			put_printable(&what, e->file);
			if (e->service != NULL) {
				buf_puts(&what, " (service ");
				put_printable(&what, e->service);
				buf_putc(&what, ')');
			}
			if (e->key != NULL) {
				buf_puts(&what, " for ");
				put_printable(&what, e->key);
			}
			fprintf(stderr,
				"%s:%d:%d: stale baseline entry: %s no longer occurs%s; rewrite "
				"the baseline with --write-baseline\n",
				b->path, e->line, e->col, buf_cstr(&what),
				e->remaining < e->count ? " as often as recorded" : "");
			buf_free(&what);
		}
	}
	rc = 0;
cleanup:
	if (rc != 0)
		cli_error(&err);
	el_error_clear(&err);
	baseline_free(b);
	free_values(values, fl->items.len);
	return rc;
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

/* --plan (or the configuration's plan:) must name a plan of the plans pack. */
static int
check_plan_known(const struct cli *cli)
{
	const char *plan = cli->opts.plan ? cli->opts.plan : cli->config ? cli->config->plan : NULL;
	struct el_error err = EL_ERROR_INIT;
	struct plan_set *ps = NULL;
	int rc = 0;

	if (plan == NULL)
		return 0;
	if (budget_plans_load(&ps, cli->packs, &err) != 0) {
		cli_error(&err);
		rc = -1;
	} else if (budget_plan_find(ps, plan) == NULL) {
		fprintf(stderr, "envlint check: unknown plan '%s' (see 'envlint budget --help' and "
				"rules/plans.yml)\n",
			plan);
		rc = -1;
	}
	budget_plans_free(ps);
	el_error_clear(&err);
	return rc;
}

int
cmd_check(struct cli *cli)
{
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
	if (check_plan_known(cli) != 0)
		goto cleanup;
	memset(&ctx, 0, sizeof(ctx));
	ctx.scan = scan;
	ctx.findings = &fl;
	ctx.redact = !cli->opts.no_redact;
	ctx.plan = cli->opts.plan;
	checks_run(&ctx);
	finding_list_sort(&fl);
	apply_severity(cli, &fl);
	apply_suppressions(cli, scan, &fl);
	filter_findings(cli, &fl);
	/* Only JSON and SARIF print fingerprints (baselines key on their own values). */
	if (cli->opts.format == FORMAT_JSON || cli->opts.format == FORMAT_SARIF)
		set_fingerprints(cli, &fl, scan);
	if (apply_baseline(cli, &fl, scan) != 0)
		goto cleanup;

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
	ro.source = scan_file_text;
	ro.source_ctx = scan;
	ro.summary.files = scan->env_files.len;
	ro.summary.services = scan->services.len;
	/* Suppressed: silenced inline, by selection or by the baseline; not out of --service scope. */
	for (i = 0; i < fl.items.len; i++) {
		const struct finding *f = &fl.items.items[i];

		ro.summary.suppressed += f->suppressed && in_scope(cli, f->service, f->loc.file);
	}
	switch (cli->opts.format) {
	case FORMAT_TEXT: report_text(&out, &fl, &ro); break;
	case FORMAT_JSON: report_json(&out, &fl, &ro); break;
	case FORMAT_SARIF: report_sarif(&out, &fl, &ro); break;
	case FORMAT_GITHUB: report_github(&out, &fl, &ro); break;
	}
	timing_mark("report");
	if (cli_write_output(cli, &out) != 0)
		goto cleanup;
	rc = exit_code(cli, &fl);
cleanup:
	buf_free(&out);
	finding_list_free(&fl);
	cli_scan_done(cli, scan);
	timing_mark("output+free");
	return rc;
}
