/*
 * Runtime manifests (package.json, pyproject.toml, requirements.txt, Pipfile,
 * go.mod, Cargo.toml, Gemfile, composer.json, pom.xml, build.gradle,
 * Dockerfile, Procfile, pnpm-workspace.yaml). Byte 0 picks the kind.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "parse/manifest.h"

static const enum manifest_kind kinds[] = {
	MANIFEST_PACKAGE_JSON, MANIFEST_PYPROJECT, MANIFEST_REQUIREMENTS, MANIFEST_PIPFILE,
	MANIFEST_GO_MOD,       MANIFEST_CARGO,     MANIFEST_GEMFILE,      MANIFEST_COMPOSER,
	MANIFEST_POM,          MANIFEST_GRADLE,    MANIFEST_DOCKERFILE,   MANIFEST_PROCFILE,
	MANIFEST_PNPM_WORKSPACE,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct manifest *m = NULL;
	enum manifest_kind kind;

	if (size < 1)
		return 0;
	kind = kinds[data[0] % (sizeof(kinds) / sizeof(kinds[0]))];
	if (manifest_parse(&m, kind, "manifest", (const char *)data + 1, size - 1, &err) == 0)
		manifest_free(m);
	else if (err.msg == NULL)
		abort();
	el_error_clear(&err);
	return 0;
}
