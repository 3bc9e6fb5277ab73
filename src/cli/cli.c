/*
 * The command table and what every command shares: loading rule packs,
 * redaction, colour, writing the report to stdout or -o.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "config/config.h"
#include "config/pack.h"
#include "model/loaders.h"
#include "model/scan.h"
#include "model/service.h"
#include "report/redact.h"
#include "report/suppress.h"
#include "util/fileio.h"
#include "util/timing.h"

#ifndef ENVLINT_VERSION
#define ENVLINT_VERSION "0.0.0"
#endif

#define COMMON_OPTS (OPT_COLOR | OPT_QUIET)

static const struct command command_table[] = {
	{"check", "check [PATH]", "lint the repository at PATH (default .)",
	 OPT_FORMAT | OPT_OUTPUT | OPT_CONFIG | OPT_RULES | OPT_PLAN | OPT_ENV | OPT_SERVICE |
		 OPT_SELECT | OPT_IGNORE | OPT_FAIL_ON | OPT_EXIT_ZERO | OPT_BASELINE |
		 OPT_WRITE_BASELINE | OPT_NO_REDACT | OPT_NO_TEMPLATES | OPT_CATEGORY |
		 OPT_VERBOSE | COMMON_OPTS,
	 0, 1, cmd_check},
	{"services", "services [PATH]",
	 "services, their loader, dialect and env sources in priority order",
	 OPT_FORMAT | OPT_OUTPUT | OPT_CONFIG | OPT_RULES | OPT_ENV | OPT_SERVICE |
		 OPT_NO_TEMPLATES | OPT_VERBOSE | COMMON_OPTS,
	 0, 1, cmd_services},
	{"explain", "explain KEY [PATH]",
	 "where KEY's effective value comes from in each service, and what it shadows",
	 OPT_FORMAT | OPT_OUTPUT | OPT_CONFIG | OPT_RULES | OPT_ENV | OPT_SERVICE |
		 OPT_NO_TEMPLATES | OPT_NO_REDACT | OPT_VERBOSE | COMMON_OPTS,
	 1, 2, cmd_explain},
	{"budget", "budget [PATH]",
	 "connection demand per database endpoint against the plan's limits",
	 OPT_FORMAT | OPT_OUTPUT | OPT_CONFIG | OPT_RULES | OPT_PLAN | OPT_ENV | OPT_SERVICE |
		 OPT_NO_TEMPLATES | OPT_VERBOSE | COMMON_OPTS,
	 0, 1, cmd_budget},
	{"parse", "parse FILE", "what a loader dialect parses from one env file",
	 OPT_FORMAT | OPT_OUTPUT | OPT_RULES | OPT_DIALECT | OPT_SET | OPT_NO_REDACT | COMMON_OPTS,
	 1, 1, cmd_parse},
	{"rules", "rules [ID]", "list the rules, or print one rule's documentation",
	 OPT_FORMAT | OPT_OUTPUT | OPT_RULES | OPT_CONFIG | COMMON_OPTS, 0, 1, cmd_rules},
};

#define NCOMMANDS (sizeof(command_table) / sizeof(command_table[0]))

static void
print_usage(FILE *fp)
{
	size_t i;

	fputs("usage: envlint COMMAND [OPTIONS] [ARGS]\n\n"
	      "envlint finds the database connection and .env loading mistakes of a monorepo:\n"
	      "which env files each service really loads, in which order, and what breaks.\n\n"
	      "Commands:\n",
	      fp);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  envlint %-18s %s\n", command_table[i].usage, command_table[i].summary);
	fputs("  envlint --version | --help\n\n"
	      "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
	      "2 usage, configuration, rule-pack or I/O error.\n"
	      "Run 'envlint COMMAND --help' for a command's options.\n",
	      fp);
}

static void
print_command_help(const struct command *c)
{
	printf("usage: envlint %s [OPTIONS]\n\n%c%s.\n", c->usage, c->summary[0] - 32,
	       c->summary + 1);
	options_print_help(stdout, c->options);
}

int
cli_main(int argc, char **argv)
{
	const struct command *c = NULL;
	struct cli cli;
	char usage[128];
	size_t i;
	int rc;

	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("envlint %s\n", ENVLINT_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_usage(stdout);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], command_table[i].name) == 0)
			c = &command_table[i];
	}
	if (c == NULL) {
		fprintf(stderr, "envlint: unknown command '%s' (see 'envlint --help')\n", argv[1]);
		return 2;
	}
	memset(&cli, 0, sizeof(cli));
	cli.argv0 = argv[0];
	cli.cmd = c;
	snprintf(usage, sizeof(usage), "envlint %s", c->usage);
	if (options_parse(&cli.opts, c->name, usage, c->options, c->min_args, c->max_args, argc,
			  argv, 2) != 0) {
		options_free(&cli.opts);
		return 2;
	}
	if (cli.opts.help) {
		print_command_help(c);
		options_free(&cli.opts);
		return 0;
	}
	if ((cli.opts.format == FORMAT_SARIF || cli.opts.format == FORMAT_GITHUB) &&
	    strcmp(c->name, "check") != 0) {
		fprintf(stderr, "envlint %s: format '%s' is only for check (see 'envlint %s --help')\n",
			c->name, cli.opts.format == FORMAT_SARIF ? "sarif" : "github", c->name);
		options_free(&cli.opts);
		return 2;
	}
	rc = c->run(&cli);
	cli_cleanup(&cli);
	return rc;
}

void
cli_cleanup(struct cli *cli)
{
	loaders_free(cli->loaders);
	cli->loaders = NULL;
	config_free(cli->config);
	cli->config = NULL;
	packs_free(cli->packs);
	rx_ctx_free(cli->rx);
	options_free(&cli->opts);
	cli->packs = NULL;
	cli->rx = NULL;
}

int
cli_error(const struct el_error *err)
{
	el_error_print(stderr, err);
	return 2;
}

int
cli_load_packs(struct cli *cli, const char *const *extra, size_t nextra)
{
	struct el_error err = EL_ERROR_INIT;
	VEC(const char *) dirs = {0};
	char *bundled = NULL;
	size_t i;
	int rc = -1;

	if (packs_default_dir(&bundled, cli->argv0, &err) != 0)
		goto cleanup;
	VEC_PUSH(&dirs, bundled);
	for (i = 0; i < nextra; i++)
		VEC_PUSH(&dirs, extra[i]);
	for (i = 0; i < cli->opts.rules_dirs.len; i++)
		VEC_PUSH(&dirs, cli->opts.rules_dirs.items[i]);
	if (packs_load(&cli->packs, dirs.items, dirs.len, &err) != 0)
		goto cleanup;
	cli->rx = rx_ctx_new();
	rc = 0;
cleanup:
	if (rc != 0)
		cli_error(&err);
	el_error_clear(&err);
	VEC_FREE(&dirs);
	free(bundled);
	return rc;
}

bool
cli_use_color(const struct cli *cli)
{
	const char *no_color;

	if (cli->opts.color == COLOR_ALWAYS)
		return true;
	if (cli->opts.color == COLOR_NEVER)
		return false;
	/* https://no-color.org: a non-empty NO_COLOR turns colour off. */
	no_color = getenv("NO_COLOR");
	if (no_color != NULL && no_color[0] != '\0')
		return false;
	if (cli->opts.output != NULL && strcmp(cli->opts.output, "-") != 0)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

static bool
cli_key_is_secret(const char *key, void *arg)
{
	const struct cli *cli = arg;

	return cli->packs != NULL && packs_key_is_secret(cli->packs, cli->rx, key);
}

char *
cli_redact_value(const struct cli *cli, const char *key, const char *value)
{
	if (value == NULL)
		return NULL;
	if (cli->opts.no_redact)
		return xstrdup(value);
	return redact_value(key, value, cli_key_is_secret, (void *)cli);
}

char *
cli_redact_text(void *arg, const char *file, const char *text)
{
	const struct cli *cli = arg;

	(void)file;
	if (cli->opts.no_redact)
		return xstrdup(text);
	return redact_text(text, cli_key_is_secret, (void *)cli);
}

int
cli_write_output(const struct cli *cli, const struct buf *out)
{
	struct el_error err = EL_ERROR_INIT;
	const char *path = cli->opts.output ? cli->opts.output : "-";

	if (file_write(path, out->data ? out->data : "", out->len, &err) != 0) {
		cli_error(&err);
		el_error_clear(&err);
		return -1;
	}
	return 0;
}

/* Rule ids named in `severity:` and `disable:` must exist. */
static int
validate_config_rules(const struct cli *cli, struct el_error *err)
{
	const struct config *c = cli->config;
	size_t i;

	for (i = 0; i < c->severity.len; i++) {
		if (packs_rule_find(cli->packs, c->severity.items[i].rule) == NULL)
			return el_error_set(err, c->path, c->severity.items[i].line,
					    c->severity.items[i].col, "unknown rule \"%s\"",
					    c->severity.items[i].rule);
	}
	for (i = 0; i < c->disable.len; i++) {
		if (packs_rule_find(cli->packs, c->disable.items[i]) == NULL)
			return el_error_set(err, c->path, 0, 0, "unknown rule \"%s\" in disable",
					    c->disable.items[i]);
	}
	return 0;
}

int
cli_scan(struct cli *cli, const char *root, struct scan **out)
{
	struct el_error err = EL_ERROR_INIT;
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct scan_options so;
	size_t n = 0;

	if (cli->opts.config != NULL) {
		if (config_load(&cli->config, cli->opts.config, &err) != 0)
			goto fail;
	} else if (config_find(&cli->config, root, &err) != 0) {
		goto fail;
	}
	if (cli->packs == NULL &&
	    cli_load_packs(cli,
			   cli->config ? (const char *const *)cli->config->rules_dirs.items : NULL,
			   cli->config ? cli->config->rules_dirs.len : 0) != 0)
		return -1;
	timing_mark("packs");
	if (cli->config != NULL && validate_config_rules(cli, &err) != 0)
		goto fail;
	if (packs_kind_docs(cli->packs, "loaders", &docs, &paths, &n) != 0)
		n = 0;
	if (loaders_load(&cli->loaders, docs, paths, n, &err) != 0)
		goto fail;
	memset(&so, 0, sizeof(so));
	/* Command line over configuration over defaults. */
	so.env = cli->opts.env             ? cli->opts.env
		 : cli->config && cli->config->env ? cli->config->env
						   : "development";
	so.no_templates = cli->opts.no_templates;
	so.loaders = cli->loaders;
	so.config = cli->config;
	so.marker = SUPPRESS_DIRECTIVE; /* collect_suppressions skips files without one */
	if (cli->config != NULL) {
		so.exclude = (const char *const *)cli->config->exclude.items;
		so.nexclude = cli->config->exclude.len;
	}
	if (scan_new(out, root, &so, cli->packs, &err) != 0)
		goto fail;
	return 0;
fail:
	cli_error(&err);
	el_error_clear(&err);
	return -1;
}

int
cli_check_service(const struct cli *cli, const struct scan *s)
{
	size_t i;

	for (i = 0; i < s->services.len; i++) {
		if (strcmp(s->services.items[i]->path, cli->opts.service) == 0)
			return 0;
	}
	fprintf(stderr, "envlint %s: no service at '%s' (see 'envlint services')\n",
		cli->cmd->name, cli->opts.service);
	return -1;
}

/* A repository's file names are untrusted: control bytes never reach the terminal raw. */
static void
put_escaped(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define ENVLINT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ENVLINT_SANITIZED 1
#endif
#endif
#ifndef ENVLINT_SANITIZED
#define ENVLINT_SANITIZED 0
#endif

void
cli_scan_done(const struct cli *cli, struct scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* Diagnostics come last: checks read files too and may add some. */
	for (i = 0; i < s->diags.len; i++) {
		const struct scan_diag *d = &s->diags.items[i];

		if (d->verbose_only && !cli->opts.verbose)
			continue;
		fputs("envlint: ", stderr);
		put_escaped(stderr, d->path);
		fputs(": ", stderr);
		put_escaped(stderr, d->message);
		fputc('\n', stderr);
	}
	/*
	 * Every command ends here just before the process exits. A release build
	 * leaves the scan's memory to the system: freeing its hundreds of
	 * thousands of blocks one by one took 20 ms, a twentieth of a run, on the
	 * large bench tree. Debug and sanitizer builds (the test suite's leak
	 * checks, valgrind) free everything.
	 */
#if !defined(NDEBUG) || ENVLINT_SANITIZED
	scan_free(s);
#endif
}
