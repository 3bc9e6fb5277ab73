/*
 * docker compose files: compose_parse, then every value a scan interpolates
 * (environment values, env_file paths, replicas, include entries) through
 * compose_interpolate_field with a small lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse/compose.h"

static const char *
lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "SET") == 0)
		return "value";
	if (strcmp(name, "EMPTY") == 0)
		return "";
	if (strcmp(name, "NEST") == 0)
		return "${SET}";
	return NULL;
}

static void
interp(const char *value, const char *field)
{
	struct compose_lookup l = {lookup, NULL};
	struct el_error err = EL_ERROR_INIT;
	char **missing = NULL;
	size_t nmissing = 0;
	char *out;

	if (value == NULL)
		return;
	out = compose_interpolate_field(value, field, &l, &missing, &nmissing, &err);
	if (out == NULL && err.msg == NULL)
		abort(); /* a failure always says why */
	free(out);
	compose_missing_free(missing, nmissing);
	el_error_clear(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct compose_file *cf = NULL;
	size_t i, j;

	if (compose_parse(&cf, "compose.yaml", (const char *)data, size, &err) == 0) {
		for (i = 0; i < cf->nservices; i++) {
			const struct compose_service *s = &cf->services[i];

			for (j = 0; j < s->nenvironment; j++)
				interp(s->environment[j].value, "services.x.environment");
			for (j = 0; j < s->nenv_files; j++)
				interp(s->env_files[j].path, NULL);
			interp(s->replicas, "services.x.deploy.replicas");
			interp(s->scale, NULL);
			interp(s->working_dir, NULL);
			interp(s->build_context, NULL);
		}
		for (i = 0; i < cf->nincludes; i++) {
			interp(cf->includes[i].path, NULL);
			for (j = 0; j < cf->includes[i].nenv_files; j++)
				interp(cf->includes[i].env_files[j], NULL);
		}
		compose_file_free(cf);
	} else if (err.msg == NULL) {
		abort();
	}
	el_error_clear(&err);
	return 0;
}
