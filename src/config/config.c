#include "config/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/schema.h"
#include "config/yaml.h"

static const char *const env_values[] = {"development", "production", "test", NULL};
static const char *const severity_values[] = {"error", "warning", "info", NULL};

static const struct schema_type env_type = {.kind = SCHEMA_ENUM, .enum_values = env_values};
static const struct schema_type severity_type = {.kind = SCHEMA_ENUM,
						 .enum_values = severity_values};
static const struct schema_type string_list = {.kind = SCHEMA_LIST, .item = &schema_string};
static const struct schema_type severity_map = {.kind = SCHEMA_MAP, .item = &severity_type};
static const struct schema_type count_type = {.kind = SCHEMA_INT, .min = 1, .max = 100000};

static const struct schema_field service_fields[] = {
	{"path", &schema_nonempty_string, true},
	{"loader", &schema_nonempty_string, false},
	{"env_files", &string_list, false},
	{"override", &schema_bool, false},
	{"replicas", &count_type, false},
	{"workers", &count_type, false},
	{"pool_size", &count_type, false},
	{NULL, NULL, false},
};
static const struct schema_type service_type = {.kind = SCHEMA_OBJECT, .fields = service_fields};
static const struct schema_type service_list = {.kind = SCHEMA_LIST, .item = &service_type};

static const struct schema_field config_fields[] = {
	{"plan", &schema_nonempty_string, false},
	{"env", &env_type, false},
	{"exclude", &string_list, false},
	{"rules", &string_list, false},
	{"severity", &severity_map, false},
	{"disable", &string_list, false},
	{"services", &service_list, false},
	{NULL, NULL, false},
};
static const struct schema_type config_type = {.kind = SCHEMA_OBJECT, .fields = config_fields};

static void
strings(const struct yml_node *n, void *vec)
{
	VEC(char *) *v = vec;
	size_t i;

	for (i = 0; n != NULL && n->type == YML_SEQUENCE && i < n->count; i++)
		VEC_PUSH(v, xstrdup(n->items[i]->text));
}

static const char *
text(const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && n->type == YML_SCALAR ? n->text : NULL;
}

static int
intval(const struct yml_node *map, const char *key)
{
	long v;
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && schema_scalar_long(n, &v) == 0 ? (int)v : 0;
}

static char *
strip_slashes(const char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n > 2 && p[0] == '.' && p[1] == '/') {
		p += 2;
		n -= 2;
	}
	return xstrndup(p, n);
}

int
config_load(struct config **out, const char *path, struct el_error *err)
{
	struct yml_options yo = {0};
	struct yml_doc *doc = NULL;
	struct schema_ctx *sc = NULL;
	struct config *c = NULL;
	const struct yml_node *root, *n;
	const char *slash;
	size_t i;
	int rc = -1;

	yo.what = "the configuration";
	yo.direct = true;
	if (yml_load_file(&doc, path, &yo, err) != 0)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	slash = strrchr(path, '/');
	c->dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	root = doc->root;
	if (root == NULL) {
		rc = 0; /* an empty file configures nothing */
		goto done;
	}
	sc = schema_ctx_new(path);
	if (schema_check(sc, &config_type, root, err) != 0)
		goto done;
	c->env = xstrdup(text(root, "env"));
	c->plan = xstrdup(text(root, "plan"));
	strings(yml_map_get(root, "exclude"), &c->exclude);
	strings(yml_map_get(root, "disable"), &c->disable);
	n = yml_map_get(root, "rules");
	for (i = 0; n != NULL && i < n->count; i++) {
		const char *d = n->items[i]->text;

		VEC_PUSH(&c->rules_dirs, d[0] == '/' ? xstrdup(d) : xasprintf("%s/%s", c->dir, d));
	}
	n = yml_map_get(root, "severity");
	for (i = 0; n != NULL && i < n->count; i++) {
		struct config_severity *cs = VEC_PUSH_ZERO(&c->severity);

		cs->rule = xstrdup(n->pairs[i].key->text);
		severity_from_name(n->pairs[i].value->text, &cs->severity);
		cs->line = n->pairs[i].key->line;
		cs->col = n->pairs[i].key->col;
	}
	n = yml_map_get(root, "services");
	for (i = 0; n != NULL && i < n->count; i++) {
		const struct yml_node *sn = n->items[i], *ov;
		struct config_service *s = VEC_PUSH_ZERO(&c->services);

		s->path = strip_slashes(text(sn, "path"));
		s->loader = xstrdup(text(sn, "loader"));
		s->has_env_files = yml_map_get(sn, "env_files") != NULL;
		strings(yml_map_get(sn, "env_files"), &s->env_files);
		ov = yml_map_get(sn, "override");
		s->override = ov == NULL ? -1 : schema_scalar_true(ov);
		s->replicas = intval(sn, "replicas");
		s->workers = intval(sn, "workers");
		s->pool_size = intval(sn, "pool_size");
		s->line = sn->line;
		s->col = sn->col;
	}
	rc = 0;
done:
	schema_ctx_free(sc);
	yml_doc_free(doc);
	if (rc == 0)
		*out = c;
	else
		config_free(c);
	return rc;
}

int
config_find(struct config **out, const char *root, struct el_error *err)
{
	char *path = xasprintf("%s/.envlint.yml", root);
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (stat(path, &st) == 0)
		rc = config_load(out, path, err);
	else if (errno != ENOENT)
		rc = el_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
	free(path);
	return rc;
}

const struct config_service *
config_service_find(const struct config *c, const char *path)
{
	size_t i;

	for (i = 0; c != NULL && i < c->services.len; i++) {
		if (strcmp(c->services.items[i].path, path) == 0)
			return &c->services.items[i];
	}
	return NULL;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->env);
	free(c->plan);
	vec_free_strs(&c->exclude);
	vec_free_strs(&c->rules_dirs);
	vec_free_strs(&c->disable);
	for (i = 0; i < c->severity.len; i++)
		free(c->severity.items[i].rule);
	VEC_FREE(&c->severity);
	for (i = 0; i < c->services.len; i++) {
		free(c->services.items[i].path);
		free(c->services.items[i].loader);
		vec_free_strs(&c->services.items[i].env_files);
	}
	VEC_FREE(&c->services);
	free(c);
}
