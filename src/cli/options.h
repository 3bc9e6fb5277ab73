/*
 * Command-line options shared by every command, filled once by
 * options_parse and read-only afterwards. Strings point into argv.
 */
#ifndef ENVLINT_OPTIONS_H
#define ENVLINT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/severity.h"
#include "util/vec.h"

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_SARIF,
	FORMAT_GITHUB,
};

enum color_mode {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

/* Bit per option, so a command's table entry can say which options it takes. */
enum option_id {
	OPT_FORMAT = 1u << 0,
	OPT_OUTPUT = 1u << 1,
	OPT_CONFIG = 1u << 2,
	OPT_RULES = 1u << 3,
	OPT_PLAN = 1u << 4,
	OPT_ENV = 1u << 5,
	OPT_SERVICE = 1u << 6,
	OPT_SELECT = 1u << 7,
	OPT_IGNORE = 1u << 8,
	OPT_FAIL_ON = 1u << 9,
	OPT_EXIT_ZERO = 1u << 10,
	OPT_BASELINE = 1u << 11,
	OPT_WRITE_BASELINE = 1u << 12,
	OPT_COLOR = 1u << 13,
	OPT_QUIET = 1u << 14,
	OPT_NO_REDACT = 1u << 15,
	OPT_DIALECT = 1u << 16,
	OPT_SET = 1u << 17,
	OPT_NO_TEMPLATES = 1u << 18,
	OPT_CATEGORY = 1u << 19,
	OPT_VERBOSE = 1u << 20,
	OPT_HELP = 1u << 21,
};

struct options {
	unsigned given; /* enum option_id bits seen on the command line */
	enum output_format format;
	const char *output;
	const char *config;
	VEC(const char *) rules_dirs;
	const char *plan;
	const char *env;
	const char *service;
	VEC(const char *) select;
	VEC(const char *) ignore;
	enum severity fail_on;
	bool exit_zero;
	const char *baseline;
	const char *write_baseline;
	enum color_mode color;
	bool quiet;
	bool no_redact;
	const char *dialect;
	VEC(const char *) set; /* KEY=VALUE */
	bool no_templates;
	const char *category;
	bool verbose;
	bool help;
	VEC(const char *) args; /* positional arguments */
	const char *usage;      /* "envlint explain KEY [PATH]", for messages */
};

/*
 * Parse argv[first..argc) for a command that accepts the options in allowed
 * and takes between min_args and max_args positional arguments. On a usage
 * error prints one line "envlint CMD: ..." to stderr and returns -1.
 */
int options_parse(struct options *o, const char *cmd, const char *usage, unsigned allowed,
		  int min_args, int max_args, int argc, char **argv, int first);
void options_free(struct options *o);
/* Print the help lines of the options in allowed. */
void options_print_help(FILE *fp, unsigned allowed);

#endif
