#include "cli/options.h"

#include <stdio.h>
#include <string.h>

#include "util/severity.h"

enum arg_kind { ARG_NONE, ARG_REQUIRED };

struct option_spec {
	enum option_id id;
	char short_name;
	const char *long_name;
	enum arg_kind arg;
	const char *metavar;
	const char *help;
};

static const struct option_spec option_specs[] = {
	{OPT_FORMAT, 'f', "format", ARG_REQUIRED, "FMT",
	 "output format: text, json (sarif, github for check)"},
	{OPT_OUTPUT, 'o', "output", ARG_REQUIRED, "FILE", "write the report to FILE"},
	{OPT_CONFIG, 'c', "config", ARG_REQUIRED, "FILE",
	 "configuration file (default: PATH/.envlint.yml)"},
	{OPT_RULES, 0, "rules", ARG_REQUIRED, "DIR", "load extra rule packs from DIR (repeatable)"},
	{OPT_PLAN, 0, "plan", ARG_REQUIRED, "NAME", "database plan for budget limits"},
	{OPT_ENV, 0, "env", ARG_REQUIRED, "ENV",
	 "development, production or test (default development)"},
	{OPT_SERVICE, 0, "service", ARG_REQUIRED, "PATH", "only the service at PATH"},
	{OPT_SELECT, 0, "select", ARG_REQUIRED, "IDS", "only these rules (comma-separated)"},
	{OPT_IGNORE, 0, "ignore", ARG_REQUIRED, "IDS", "skip these rules (comma-separated)"},
	{OPT_FAIL_ON, 0, "fail-on", ARG_REQUIRED, "LEVEL",
	 "exit 1 on findings at or above error, warning (default), info, or never"},
	{OPT_EXIT_ZERO, 0, "exit-zero", ARG_NONE, NULL, "exit 0 even when there are findings"},
	{OPT_BASELINE, 0, "baseline", ARG_REQUIRED, "FILE", "hide findings recorded in FILE"},
	{OPT_WRITE_BASELINE, 0, "write-baseline", ARG_REQUIRED, "FILE",
	 "record the current findings in FILE"},
	{OPT_COLOR, 0, "color", ARG_REQUIRED, "WHEN", "auto (default), always or never"},
	{OPT_QUIET, 'q', "quiet", ARG_NONE, NULL, "print findings only, no summary"},
	{OPT_NO_REDACT, 0, "no-redact", ARG_NONE, NULL, "show passwords and secret values"},
	{OPT_DIALECT, 0, "dialect", ARG_REQUIRED, "NAME", "loader dialect (default node-dotenv)"},
	{OPT_SET, 0, "set", ARG_REQUIRED, "KEY=VALUE",
	 "a process variable visible to expansion (repeatable)"},
	{OPT_NO_TEMPLATES, 0, "no-templates", ARG_NONE, NULL,
	 "never let a template stand in for a missing env file"},
	{OPT_CATEGORY, 0, "category", ARG_REQUIRED, "ID", "SARIF runAutomationDetails.id"},
	{OPT_VERBOSE, 'v', "verbose", ARG_NONE, NULL, "also print skipped files and their reasons"},
	{OPT_HELP, 'h', "help", ARG_NONE, NULL, "show this help"},
};

#define NSPECS (sizeof(option_specs) / sizeof(option_specs[0]))

static int
usage_error(const char *cmd, const char *fmt, const char *what)
{
	fprintf(stderr, "envlint %s: ", cmd);
	fprintf(stderr, fmt, what);
	fprintf(stderr, " (see 'envlint %s --help')\n", cmd);
	return -1;
}

static int
option_set(struct options *o, const char *cmd, const struct option_spec *s, const char *val)
{
	o->given |= s->id;
	switch (s->id) {
	case OPT_FORMAT:
		if (strcmp(val, "text") == 0)
			o->format = FORMAT_TEXT;
		else if (strcmp(val, "json") == 0)
			o->format = FORMAT_JSON;
		else if (strcmp(val, "sarif") == 0)
			o->format = FORMAT_SARIF;
		else if (strcmp(val, "github") == 0)
			o->format = FORMAT_GITHUB;
		else
			return usage_error(cmd, "unknown format '%s'", val);
		break;
	case OPT_OUTPUT: o->output = val; break;
	case OPT_CONFIG: o->config = val; break;
	case OPT_RULES: VEC_PUSH(&o->rules_dirs, val); break;
	case OPT_PLAN: o->plan = val; break;
	case OPT_ENV:
		if (strcmp(val, "development") != 0 && strcmp(val, "production") != 0 &&
		    strcmp(val, "test") != 0)
			return usage_error(cmd, "unknown env '%s' (development, production, test)",
					   val);
		o->env = val;
		break;
	case OPT_SERVICE: o->service = val; break;
	case OPT_SELECT: VEC_PUSH(&o->select, val); break;
	case OPT_IGNORE: VEC_PUSH(&o->ignore, val); break;
	case OPT_FAIL_ON:
		if (severity_from_name(val, &o->fail_on) != 0)
			return usage_error(cmd, "unknown level '%s' (error, warning, info, never)",
					   val);
		break;
	case OPT_EXIT_ZERO: o->exit_zero = true; break;
	case OPT_BASELINE: o->baseline = val; break;
	case OPT_WRITE_BASELINE: o->write_baseline = val; break;
	case OPT_COLOR:
		if (strcmp(val, "auto") == 0)
			o->color = COLOR_AUTO;
		else if (strcmp(val, "always") == 0)
			o->color = COLOR_ALWAYS;
		else if (strcmp(val, "never") == 0)
			o->color = COLOR_NEVER;
		else
			return usage_error(cmd, "unknown color mode '%s' (auto, always, never)",
					   val);
		break;
	case OPT_QUIET: o->quiet = true; break;
	case OPT_NO_REDACT: o->no_redact = true; break;
	case OPT_DIALECT: o->dialect = val; break;
	case OPT_SET:
		if (strchr(val, '=') == NULL || val[0] == '=')
			return usage_error(cmd, "--set expects KEY=VALUE, got '%s'", val);
		VEC_PUSH(&o->set, val);
		break;
	case OPT_NO_TEMPLATES: o->no_templates = true; break;
	case OPT_CATEGORY: o->category = val; break;
	case OPT_VERBOSE: o->verbose = true; break;
	case OPT_HELP: o->help = true; break;
	}
	return 0;
}

static const struct option_spec *
find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		if (strlen(option_specs[i].long_name) == len &&
		    strncmp(option_specs[i].long_name, name, len) == 0)
			return &option_specs[i];
	}
	return NULL;
}

static const struct option_spec *
find_short(char c)
{
	size_t i;

	for (i = 0; i < NSPECS; i++) {
		if (option_specs[i].short_name == c)
			return &option_specs[i];
	}
	return NULL;
}

int
options_parse(struct options *o, const char *cmd, const char *usage, unsigned allowed,
	      int min_args, int max_args, int argc, char **argv, int first)
{
	int i;
	bool only_args = false;

	memset(o, 0, sizeof(*o));
	o->usage = usage;
	o->fail_on = SEV_WARNING;
	allowed |= OPT_HELP;
	for (i = first; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct option_spec *s;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			VEC_PUSH(&o->args, a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

			s = find_long(a + 2, len);
			if (s == NULL || !(s->id & allowed))
				return usage_error(cmd, "unknown option '%s'", a);
			if (eq != NULL) {
				if (s->arg == ARG_NONE)
					return usage_error(cmd, "option '--%s' takes no value",
							   s->long_name);
				val = eq + 1;
			}
		} else {
			s = find_short(a[1]);
			if (s == NULL || !(s->id & allowed))
				return usage_error(cmd, "unknown option '%s'", a);
			if (a[2] != '\0') {
				if (s->arg == ARG_NONE)
					return usage_error(cmd, "unknown option '%s'", a);
				val = a + 2;
			}
		}
		if (s->arg == ARG_REQUIRED && val == NULL) {
			if (i + 1 >= argc)
				return usage_error(cmd, "option '--%s' needs a value",
						   s->long_name);
			val = argv[++i];
		}
		if (option_set(o, cmd, s, val) != 0)
			return -1;
	}
	if (o->help)
		return 0;
	if ((int)o->args.len < min_args)
		return usage_error(cmd, "missing argument (usage: %s)", o->usage ? o->usage : cmd);
	if (max_args >= 0 && (int)o->args.len > max_args)
		return usage_error(cmd, "unexpected argument '%s'", o->args.items[max_args]);
	return 0;
}

void
options_free(struct options *o)
{
	VEC_FREE(&o->rules_dirs);
	VEC_FREE(&o->select);
	VEC_FREE(&o->ignore);
	VEC_FREE(&o->set);
	VEC_FREE(&o->args);
}

void
options_print_help(FILE *fp, unsigned allowed)
{
	size_t i;

	fputs("\nOptions:\n", fp);
	for (i = 0; i < NSPECS; i++) {
		const struct option_spec *s = &option_specs[i];
		char left[48];

		if (!(s->id & (allowed | OPT_HELP)))
			continue;
		if (s->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", s->short_name, s->long_name,
				 s->metavar ? " " : "", s->metavar ? s->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", s->long_name,
				 s->metavar ? " " : "", s->metavar ? s->metavar : "");
		fprintf(fp, "  %-26s %s\n", left, s->help);
	}
}
