/*
 * What the commands share (struct cli: parsed options, loaded packs) and one
 * entry point per command, each in its own cmd_<name>.c.
 */
#ifndef ENVLINT_COMMANDS_H
#define ENVLINT_COMMANDS_H

#include <stdbool.h>

#include "cli/options.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/rx.h"

struct packs;
struct cli;
struct scan;
struct loader_set;
struct config;

struct command {
	const char *name;
	const char *usage;
	const char *summary;
	unsigned options; /* enum option_id bits it accepts */
	int min_args, max_args;
	int (*run)(struct cli *cli);
};

struct cli {
	const char *argv0;
	const struct command *cmd;
	struct options opts;
	struct packs *packs; /* after cli_load_packs */
	struct rx_ctx *rx;
	struct loader_set *loaders; /* after cli_scan */
	struct config *config;      /* .envlint.yml, after cli_scan; NULL when none */
};

int cmd_budget(struct cli *cli);
int cmd_check(struct cli *cli);
int cmd_parse(struct cli *cli);
int cmd_rules(struct cli *cli);
int cmd_services(struct cli *cli);
int cmd_explain(struct cli *cli);

/* Load packs and scan the repository at root: services, loaders, environments. */
int cli_scan(struct cli *cli, const char *root, struct scan **out);
/* Print the scan's diagnostics about unreadable or skipped files, then free it. */
void cli_scan_done(const struct cli *cli, struct scan *s);
/* --service must name a service of the scan; prints the error and returns -1. */
int cli_check_service(const struct cli *cli, const struct scan *s);

/* Load the bundled packs, then extra (config `rules:`), then --rules. Prints the error. */
int cli_load_packs(struct cli *cli, const char *const *extra, size_t nextra);
/* Print err as path:line:col: message and return 2. */
int cli_error(const struct el_error *err);
bool cli_use_color(const struct cli *cli);
/* A value redacted for its key unless --no-redact (new string; NULL stays NULL). */
char *cli_redact_value(const struct cli *cli, const char *key, const char *value);
/* The report redaction hook: URL passwords in free text (ctx is the struct cli). */
char *cli_redact_text(void *ctx, const char *file, const char *text);
/* Write out to -o or stdout; prints the error and returns -1 on failure. */
int cli_write_output(const struct cli *cli, const struct buf *out);
void cli_cleanup(struct cli *cli);

#endif
