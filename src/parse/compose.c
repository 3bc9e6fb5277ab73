/*
 * docker compose files: the services and, per service, what decides its
 * runtime environment (build, working_dir, image, command, entrypoint,
 * env_file, environment) and its process count (deploy.replicas, scale).
 * The YAML loader expands anchors, aliases and merge keys under a node
 * budget; values are kept as written (see compose_interp.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/yaml.h"
#include "parse/compose.h"
#include "parse/shcmd.h"
#include "util/buf.h"
#include "util/vec.h"

/* Compose files are small; these bound what an alias bomb or a deep file costs. */
#define COMPOSE_MAX_NODES 200000u
#define COMPOSE_MAX_DEPTH 64

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool
compose_is_compose_file(const char *name)
{
	static const char *const prefixes[] = {"docker-compose", "compose"};

	if (name == NULL)
		return false;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t p = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], p) != 0)
			continue;
		/* compose.yaml, docker-compose.yml, docker-compose.prod.yml, compose.override.yaml
		 */
		if (strcmp(name + p, ".yaml") == 0 || strcmp(name + p, ".yml") == 0)
			return true;
		if (name[p] == '.' && (has_suffix(name, ".yaml") || has_suffix(name, ".yml"))) {
			size_t n = strlen(name), ext = has_suffix(name, ".yaml") ? 5 : 4;

			/* a non-empty middle part: docker-compose..yml is not one */
			if (n > p + 1 + ext && name[n - ext - 1] != '.')
				return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------------ */

struct env_file_vec {
	struct compose_env_file *items;
	size_t len, cap;
};

struct var_vec {
	struct compose_var *items;
	size_t len, cap;
};

struct compose_parser {
	const char *path;
	struct el_error *err;
	VEC(struct compose_service) services;
	VEC(struct compose_include) includes;
};

static void
service_free(struct compose_service *s)
{
	free(s->name);
	free(s->build_context);
	free(s->dockerfile);
	free(s->working_dir);
	free(s->image);
	free(s->command);
	free(s->entrypoint);
	for (size_t i = 0; i < s->nenv_files; i++) {
		free(s->env_files[i].path);
		free(s->env_files[i].format);
	}
	free(s->env_files);
	for (size_t i = 0; i < s->nenvironment; i++) {
		free(s->environment[i].key);
		free(s->environment[i].value);
	}
	free(s->environment);
	free(s->replicas);
	free(s->scale);
	free(s->extends_service);
	free(s->extends_file);
}

static void
include_free(struct compose_include *in)
{
	free(in->path);
	free(in->project_directory);
	for (size_t i = 0; i < in->nenv_files; i++)
		free(in->env_files[i]);
	free(in->env_files);
}

void
compose_file_free(struct compose_file *cf)
{
	if (cf == NULL)
		return;
	for (size_t i = 0; i < cf->nservices; i++)
		service_free(&cf->services[i]);
	free(cf->services);
	for (size_t i = 0; i < cf->nincludes; i++)
		include_free(&cf->includes[i]);
	free(cf->includes);
	free(cf);
}

static int
type_error(struct compose_parser *cp, const struct yml_node *n, const char *what,
           const char *expected)
{
	return el_error_set(cp->err, cp->path, n->line, n->col, "%s must be %s, not %s", what,
	                    expected, yml_kind_name(n));
}

static int
compare_keys(const void *a, const void *b)
{
	const struct yml_node *x = *(const struct yml_node *const *)a;
	const struct yml_node *y = *(const struct yml_node *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* go-yaml (what compose uses) refuses a key written twice in one mapping
 * (the loader has already resolved keys brought in by merge keys). */
static int
check_duplicate_keys(struct compose_parser *cp, const struct yml_node *map)
{
	const struct yml_node **keys, *dup = NULL, *first = NULL;
	size_t n = 0;

	if (map->count < 2)
		return 0;
	keys = xcalloc(map->count, sizeof(*keys));
	for (size_t i = 0; i < map->count; i++)
		if (map->pairs[i].key->type == YML_SCALAR)
			keys[n++] = map->pairs[i].key;
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (size_t i = 0; i + 1 < n; i++) {
		size_t j = i;

		while (j + 1 < n && keys[j + 1]->len == keys[i]->len &&
		       memcmp(keys[j + 1]->text, keys[i]->text, keys[i]->len) == 0)
			j++;
		/* report the duplicate that comes first in the file */
		if (j > i && (dup == NULL || keys[i + 1]->line < dup->line ||
		              (keys[i + 1]->line == dup->line && keys[i + 1]->col < dup->col))) {
			dup = keys[i + 1];
			first = keys[i];
		}
		i = j;
	}
	free(keys);
	if (dup != NULL)
		return el_error_set(cp->err, cp->path, dup->line, dup->col,
		                    "mapping key \"%s\" already defined at line %d", dup->text,
		                    first->line);
	return 0;
}

/* A scalar, or null: *out is a copy of the text (NULL for null). */
static int
scalar_value(struct compose_parser *cp, const struct yml_node *n, const char *what, char **out)
{
	if (yml_is_null(n)) {
		*out = NULL;
		return 0;
	}
	if (n->type != YML_SCALAR)
		return type_error(cp, n, what, "a string");
	*out = xstrdup(n->text);
	return 0;
}

/* command / entrypoint: a string, or a list joined into a command line (words quoted for sh). */
static int
command_value(struct compose_parser *cp, const struct yml_node *n, const char *what, char **out)
{
	struct buf b = BUF_INIT;

	if (n->type != YML_SEQUENCE)
		return scalar_value(cp, n, what, out);
	buf_puts(&b, "");
	for (size_t i = 0; i < n->count; i++) {
		if (n->items[i]->type != YML_SCALAR) {
			buf_free(&b);
			return type_error(cp, n->items[i], what, "a string or a list of strings");
		}
		if (i > 0)
			buf_putc(&b, ' ');
		shcmd_quote_word(&b, n->items[i]->text);
	}
	*out = buf_detach(&b);
	return 0;
}

static int
parse_build(struct compose_parser *cp, struct compose_service *s, const struct yml_node *n)
{
	const struct yml_node *v;

	if (n->type == YML_SCALAR)
		return scalar_value(cp, n, "build", &s->build_context);
	if (n->type != YML_MAPPING)
		return type_error(cp, n, "build", "a string or a mapping");
	if ((v = yml_map_get(n, "context")) != NULL) {
		if (scalar_value(cp, v, "build.context", &s->build_context) < 0)
			return -1;
	}
	/* compose's default context is the compose file's folder */
	if (s->build_context == NULL)
		s->build_context = xstrdup(".");
	if ((v = yml_map_get(n, "dockerfile")) != NULL &&
	    scalar_value(cp, v, "build.dockerfile", &s->dockerfile) < 0)
		return -1;
	return 0;
}

static bool
parse_bool(const char *text, bool *out)
{
	if (strcasecmp(text, "true") == 0) {
		*out = true;
		return true;
	}
	if (strcasecmp(text, "false") == 0) {
		*out = false;
		return true;
	}
	return false;
}

static int
parse_env_file_entry(struct compose_parser *cp, struct env_file_vec *out, const struct yml_node *n)
{
	struct compose_env_file ef;

	memset(&ef, 0, sizeof(ef));
	ef.required = true;
	ef.line = n->line;
	ef.col = n->col;
	if (n->type == YML_SCALAR && !yml_is_null(n)) {
		ef.path = xstrdup(n->text);
	} else if (n->type == YML_MAPPING) {
		const struct yml_node *path = yml_map_get(n, "path");
		const struct yml_node *req = yml_map_get(n, "required");
		const struct yml_node *fmt = yml_map_get(n, "format");

		if (path == NULL || path->type != YML_SCALAR || yml_is_null(path))
			return el_error_set(cp->err, cp->path, n->line, n->col,
			                    "env_file entry must have a `path`");
		if (req != NULL && !yml_is_null(req)) {
			/* required: ${OPTIONAL:-false} is only known after interpolation;
			 * until then the file counts as required, as compose's default. */
			if (req->type != YML_SCALAR || (!parse_bool(req->text, &ef.required) &&
			                                strchr(req->text, '$') == NULL))
				return el_error_set(cp->err, cp->path, req->line, req->col,
				                    "env_file.required must be a boolean");
		}
		if (fmt != NULL && scalar_value(cp, fmt, "env_file.format", &ef.format) < 0)
			return -1;
		ef.path = xstrdup(path->text);
		ef.line = path->line;
		ef.col = path->col;
	} else {
		return type_error(cp, n, "env_file entry", "a path or a mapping with `path`");
	}
	VEC_PUSH(out, ef);
	return 0;
}

static int
parse_env_files(struct compose_parser *cp, struct compose_service *s, const struct yml_node *n)
{
	struct env_file_vec files = {0};
	int rc = 0;

	if (yml_is_null(n))
		return 0;
	if (n->type == YML_SEQUENCE) {
		for (size_t i = 0; i < n->count && rc == 0; i++)
			rc = parse_env_file_entry(cp, &files, n->items[i]);
	} else if (n->type == YML_SCALAR) {
		rc = parse_env_file_entry(cp, &files, n);
	} else {
		rc = type_error(cp, n, "env_file", "a path or a list");
	}
	s->env_files = files.items;
	s->nenv_files = files.len;
	return rc;
}

static void
push_var(struct var_vec *vars, const char *key, size_t klen, const char *value, int line, int col)
{
	struct compose_var v;

	v.key = xstrndup(key, klen);
	v.value = xstrdup(value);
	v.line = line;
	v.col = col;
	VEC_PUSH(vars, v);
}

static int
parse_environment(struct compose_parser *cp, struct compose_service *s, const struct yml_node *n)
{
	struct var_vec vars = {0};
	int rc = 0;

	if (yml_is_null(n))
		return 0;
	if (n->type == YML_SEQUENCE) {
		/* - KEY=VALUE, - KEY (inherited from the shell) */
		for (size_t i = 0; i < n->count; i++) {
			const struct yml_node *it = n->items[i];
			const char *eq;

			if (it->type != YML_SCALAR || yml_is_null(it)) {
				rc =
				    type_error(cp, it, "environment entry", "a `NAME=value` string");
				break;
			}
			eq = strchr(it->text, '=');
			if (eq == it->text) {
				rc = el_error_set(cp->err, cp->path, it->line, it->col,
				                  "environment entry \"%s\" has no variable name",
				                  it->text);
				break;
			}
			push_var(&vars, it->text, eq ? (size_t)(eq - it->text) : strlen(it->text),
			         eq ? eq + 1 : NULL, it->line, it->col);
		}
	} else if (n->type == YML_MAPPING) {
		/* KEY: VALUE; numbers and booleans as written; KEY: / KEY: null inherit */
		rc = check_duplicate_keys(cp, n);
		for (size_t i = 0; i < n->count && rc == 0; i++) {
			const struct yml_node *k = n->pairs[i].key, *v = n->pairs[i].value;

			if (k->type != YML_SCALAR) {
				rc = type_error(cp, k, "environment key", "a string");
				break;
			}
			if (!yml_is_null(v) && v->type != YML_SCALAR) {
				rc = el_error_set(
				    cp->err, cp->path, v->line, v->col,
				    "environment.%s must be a string, number, boolean or "
				    "null, not %s",
				    k->text, yml_kind_name(v));
				break;
			}
			push_var(&vars, k->text, strlen(k->text), yml_is_null(v) ? NULL : v->text,
			         k->line, k->col);
		}
	} else {
		rc = type_error(cp, n, "environment", "a mapping or a list");
	}
	s->environment = vars.items;
	s->nenvironment = vars.len;
	return rc;
}

/* deploy.replicas and scale: kept as written (they may be ${N:-2}). */
static int
count_value(struct compose_parser *cp, const struct yml_node *n, const char *what, char **out,
            int *line)
{
	if (n->type != YML_SCALAR || yml_is_null(n))
		return yml_is_null(n) ? 0 : type_error(cp, n, what, "a number");
	free(*out);
	*out = xstrdup(n->text);
	*line = n->line;
	return 0;
}

static int
parse_extends(struct compose_parser *cp, struct compose_service *s, const struct yml_node *n)
{
	const struct yml_node *v;

	s->extends_line = n->line;
	if (n->type == YML_SCALAR && !yml_is_null(n)) {
		s->extends_service = xstrdup(n->text);
		return 0;
	}
	if (n->type != YML_MAPPING)
		return type_error(cp, n, "extends", "a service name or a mapping");
	v = yml_map_get(n, "service");
	if (v == NULL || v->type != YML_SCALAR || yml_is_null(v))
		return el_error_set(cp->err, cp->path, n->line, n->col,
		                    "extends must name a `service`");
	s->extends_service = xstrdup(v->text);
	if ((v = yml_map_get(n, "file")) != NULL &&
	    scalar_value(cp, v, "extends.file", &s->extends_file) < 0)
		return -1;
	return 0;
}

static int
parse_service(struct compose_parser *cp, struct compose_service *s, const struct yml_node *map)
{
	if (check_duplicate_keys(cp, map) < 0)
		return -1;
	for (size_t i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key, *v = map->pairs[i].value;
		const char *key;
		int rc = 0;

		if (k->type != YML_SCALAR)
			return type_error(cp, k, "a service key", "a string");
		key = k->text;
		if (strcmp(key, "build") == 0)
			rc = parse_build(cp, s, v);
		else if (strcmp(key, "working_dir") == 0)
			rc = scalar_value(cp, v, "working_dir", &s->working_dir);
		else if (strcmp(key, "image") == 0)
			rc = scalar_value(cp, v, "image", &s->image);
		else if (strcmp(key, "command") == 0)
			rc = command_value(cp, v, "command", &s->command);
		else if (strcmp(key, "entrypoint") == 0)
			rc = command_value(cp, v, "entrypoint", &s->entrypoint);
		else if (strcmp(key, "env_file") == 0)
			rc = parse_env_files(cp, s, v);
		else if (strcmp(key, "environment") == 0)
			rc = parse_environment(cp, s, v);
		else if (strcmp(key, "scale") == 0)
			rc = count_value(cp, v, "scale", &s->scale, &s->scale_line);
		else if (strcmp(key, "deploy") == 0) {
			const struct yml_node *r;

			if (!yml_is_null(v) && v->type != YML_MAPPING)
				rc = type_error(cp, v, "deploy", "a mapping");
			else if ((r = yml_map_get(v, "replicas")) != NULL)
				rc = count_value(cp, r, "deploy.replicas", &s->replicas,
				                 &s->replicas_line);
		} else if (strcmp(key, "extends") == 0)
			rc = parse_extends(cp, s, v);
		/* x-* extensions and every other key do not matter here */
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
parse_services(struct compose_parser *cp, const struct yml_node *services)
{
	if (yml_is_null(services))
		return 0;
	if (services->type != YML_MAPPING)
		return type_error(cp, services, "services",
		                  "a mapping of service names to services");
	if (check_duplicate_keys(cp, services) < 0)
		return -1;
	for (size_t i = 0; i < services->count; i++) {
		const struct yml_node *k = services->pairs[i].key, *v = services->pairs[i].value;
		struct compose_service *s;

		if (k->type != YML_SCALAR || k->len == 0)
			return type_error(cp, k, "a service name", "a string");
		if (v->type != YML_MAPPING)
			return el_error_set(cp->err, cp->path, v->line, v->col,
			                    "service \"%s\" must be a mapping, not %s", k->text,
			                    yml_kind_name(v));
		s = VEC_PUSH_ZERO(&cp->services);
		s->name = xstrdup(k->text);
		s->line = k->line;
		s->col = k->col;
		if (parse_service(cp, s, v) < 0)
			return -1;
	}
	return 0;
}

/* One path of an include entry, with the entry's project_directory and env_file. */
static void
push_include(struct compose_parser *cp, const struct yml_node *path, const struct yml_node *dir,
             const struct yml_node *env)
{
	struct compose_include *in = VEC_PUSH_ZERO(&cp->includes);

	in->path = xstrdup(path->text);
	in->line = path->line;
	in->col = path->col;
	if (dir != NULL && dir->type == YML_SCALAR && !yml_is_null(dir))
		in->project_directory = xstrdup(dir->text);
	if (env != NULL && env->type == YML_SCALAR && !yml_is_null(env)) {
		in->env_files = xcalloc(1, sizeof(char *));
		in->env_files[in->nenv_files++] = xstrdup(env->text);
	} else if (env != NULL && env->type == YML_SEQUENCE) {
		in->env_files = xcalloc(env->count ? env->count : 1, sizeof(char *));
		for (size_t i = 0; i < env->count; i++)
			if (env->items[i]->type == YML_SCALAR)
				in->env_files[in->nenv_files++] = xstrdup(env->items[i]->text);
	}
}

static int
parse_includes(struct compose_parser *cp, const struct yml_node *list)
{
	if (yml_is_null(list))
		return 0;
	if (list->type != YML_SEQUENCE)
		return type_error(cp, list, "include", "a list");
	for (size_t i = 0; i < list->count; i++) {
		const struct yml_node *it = list->items[i], *path, *dir, *env;

		if (it->type == YML_SCALAR && !yml_is_null(it)) {
			push_include(cp, it, NULL, NULL);
			continue;
		}
		if (it->type != YML_MAPPING)
			return type_error(cp, it, "include entry",
			                  "a path or a mapping with `path`");
		path = yml_map_get(it, "path");
		dir = yml_map_get(it, "project_directory");
		env = yml_map_get(it, "env_file");
		if (path != NULL && path->type == YML_SCALAR && !yml_is_null(path)) {
			push_include(cp, path, dir, env);
		} else if (path != NULL && path->type == YML_SEQUENCE && path->count > 0) {
			for (size_t k = 0; k < path->count; k++) {
				if (path->items[k]->type != YML_SCALAR)
					return type_error(cp, path->items[k], "include path",
					                  "a string");
				push_include(cp, path->items[k], dir, env);
			}
		} else {
			return el_error_set(cp->err, cp->path, it->line, it->col,
			                    "include entry must have a `path`");
		}
	}
	return 0;
}

int
compose_parse(struct compose_file **out, const char *path, const char *data, size_t len,
              struct el_error *err)
{
	struct yml_options opts = {0};
	struct yml_doc *doc = NULL;
	struct compose_parser cp;
	struct compose_file *cf;
	int rc = -1;

	memset(&cp, 0, sizeof(cp));
	cp.path = path;
	cp.err = err;
	opts.allow_aliases = true;
	opts.max_nodes = COMPOSE_MAX_NODES;
	opts.max_depth = COMPOSE_MAX_DEPTH;
	opts.what = "a compose file";
	if (yml_load_buffer(&doc, data, len, path, &opts, err) < 0)
		goto cleanup;
	if (doc->root == NULL || yml_is_null(doc->root)) {
		el_error_set(err, path, 1, 1, "empty compose file");
		goto cleanup;
	}
	if (doc->root->type != YML_MAPPING) {
		type_error(&cp, doc->root, "the top level of a compose file", "a mapping");
		goto cleanup;
	}
	if (check_duplicate_keys(&cp, doc->root) < 0)
		goto cleanup;
	if (yml_map_get(doc->root, "include") != NULL &&
	    parse_includes(&cp, yml_map_get(doc->root, "include")) < 0)
		goto cleanup;
	if (yml_map_get(doc->root, "services") != NULL &&
	    parse_services(&cp, yml_map_get(doc->root, "services")) < 0)
		goto cleanup;
	cf = xcalloc(1, sizeof(*cf));
	cf->services = cp.services.items;
	cf->nservices = cp.services.len;
	cf->includes = cp.includes.items;
	cf->nincludes = cp.includes.len;
	memset(&cp.services, 0, sizeof(cp.services));
	memset(&cp.includes, 0, sizeof(cp.includes));
	*out = cf;
	rc = 0;
cleanup:
	for (size_t i = 0; i < cp.services.len; i++)
		service_free(&cp.services.items[i]);
	VEC_FREE(&cp.services);
	for (size_t i = 0; i < cp.includes.len; i++)
		include_free(&cp.includes.items[i]);
	VEC_FREE(&cp.includes);
	yml_doc_free(doc);
	return rc;
}
