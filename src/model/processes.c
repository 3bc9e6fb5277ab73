/* Processes per service: parts, replicas and workers, with provenance. */
#include "model/processes.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/pack.h"
#include "model/discover.h"
#include "model/resolve.h"
#include "model/scan.h"
#include "model/service.h"
#include "parse/compose.h"
#include "parse/manifest.h"
#include "util/buf.h"
#include "util/fileio.h"

/* ---- server models from the pools pack ---- */

static int
compile_opt(struct rx **out, const struct packs *packs, const struct yml_node *map,
            const char *key, const char *path, struct el_error *err)
{
	const struct yml_node *n = yml_map_get(map, key);

	*out = NULL;
	if (n == NULL)
		return 0;
	return packs_regex(packs, out, n, path, err);
}

static void
server_clear(struct proc_server *sv)
{
	free(sv->name);
	rx_free(sv->command);
	rx_free(sv->workers);
	rx_free(sv->threads);
	rx_free(sv->all_cpus);
	free(sv->default_workers);
	free(sv->default_threads);
	free(sv->workers_env);
	free(sv->config_file);
	free(sv->threads_directive);
}

int
processes_load(struct proc_server_set **out, const struct packs *packs, struct el_error *err)
{
	const struct yml_node *const *docs = NULL;
	const char *const *paths = NULL;
	struct proc_server_set *ss = xcalloc(1, sizeof(*ss));
	size_t n = 0, d, i, j;

	if (packs != NULL && packs_kind_docs(packs, "pools", &docs, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *list = yml_map_get(docs[d], "servers");

		for (i = 0; list != NULL && i < list->count; i++) {
			const struct yml_node *e = list->items[i];
			struct proc_server sv;

			memset(&sv, 0, sizeof(sv));
			sv.name = xstrdup(yml_map_text(e, "name"));
			sv.default_workers = xstrdup(yml_map_text(e, "default-workers"));
			sv.default_threads = xstrdup(yml_map_text(e, "default-threads"));
			sv.workers_env = xstrdup(yml_map_text(e, "workers-env"));
			sv.config_file = xstrdup(yml_map_text(e, "config-file"));
			sv.threads_directive = xstrdup(yml_map_text(e, "threads-directive"));
			if (compile_opt(&sv.command, packs, e, "command", paths[d], err) != 0 ||
			    compile_opt(&sv.workers, packs, e, "workers", paths[d], err) != 0 ||
			    compile_opt(&sv.threads, packs, e, "threads", paths[d], err) != 0 ||
			    compile_opt(&sv.all_cpus, packs, e, "all-cpus", paths[d], err) != 0) {
				server_clear(&sv);
				processes_free_servers(ss);
				return -1;
			}
			/* A later pack replaces a server of the same name. */
			for (j = 0; j < ss->servers.len; j++) {
				if (strcmp(ss->servers.items[j].name, sv.name) == 0)
					break;
			}
			if (j < ss->servers.len) {
				server_clear(&ss->servers.items[j]);
				ss->servers.items[j] = sv;
			} else {
				VEC_PUSH(&ss->servers, sv);
			}
		}
	}
	*out = ss;
	return 0;
}

void
processes_free_servers(struct proc_server_set *ss)
{
	size_t i;

	if (ss == NULL)
		return;
	for (i = 0; i < ss->servers.len; i++)
		server_clear(&ss->servers.items[i]);
	VEC_FREE(&ss->servers);
	free(ss);
}

/* ---- counting ---- */

struct procs_ctx {
	struct scan *s;
	const struct service *svc;
	const struct proc_server_set *ss;
	const struct pool_set *ps;
	struct service_procs *out;
};

static void
number_set(struct proc_number *n, long v, const char *file, int line, char *why)
{
	pool_origin_clear(&n->origin);
	n->value = v;
	n->origin.file = file ? xstrdup(file) : NULL;
	n->origin.line = line;
	n->origin.why = why;
}

/* The text of group `value` of rx in s, or NULL. */
static char *
group_value(struct rx_ctx *ctx, const struct rx *rx, const char *s)
{
	struct rx_match m;
	int g;

	if (rx == NULL || rx_match(ctx, rx, s, strlen(s), 0, &m) != RX_MATCH)
		return NULL;
	g = rx_group_number(rx, "value");
	if (g < 0 || g >= m.ngroups || m.start[g] == (size_t)-1)
		return NULL;
	return xstrndup(s + m.start[g], m.end[g] - m.start[g]);
}

static bool
eval_into(struct procs_ctx *c, struct proc_number *n, unsigned lang, const char *text,
          const char *data, const char *file, int line)
{
	struct pool_origin o;
	long v;

	if (pools_eval_number(c->ps, c->svc, lang, text, data, file, line, &v, &o) != 0 || v < 1) {
		pool_origin_clear(&o);
		return false;
	}
	pool_origin_clear(&n->origin);
	n->value = v;
	n->origin = o;
	return true;
}

static bool
eval_formula_into(struct procs_ctx *c, struct proc_number *n, const char *formula, const char *why)
{
	struct pool_vars vars = {c->ps->cpus, c->ps->physical_cpus, 1};
	bool unb;
	long v;

	if (formula == NULL || pools_formula_eval(formula, &vars, &v, &unb) != 0 || unb)
		return false;
	number_set(n, v, NULL, 0, xstrdup(why));
	return true;
}

/* `workers N` / `threads MIN, MAX` in a server's config file (config/puma.rb). */
static bool
config_file_value(struct procs_ctx *c, struct proc_number *n, const struct proc_server *sv,
                  const char *directive)
{
	char *rel, *full, *data = NULL, *line_text = NULL;
	struct el_error err = EL_ERROR_INIT;
	const char *p;
	size_t len, dl = strlen(directive);
	bool ok = false;
	int line = 1;

	if (sv->config_file == NULL)
		return false;
	rel = path_join(c->svc->path, sv->config_file);
	full = xasprintf("%s/%s", c->s->root, rel);
	if (file_read(full, FILE_MAX_READ, &data, &len, &err) != FILE_READ_OK)
		goto cleanup;
	for (p = data; p != NULL && *p && !ok; line++) {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, directive, dl) == 0 && (q[dl] == ' ' || q[dl] == '(')) {
			const char *v = q + dl + 1, *comma;

			line_text = xstrndup(v, ll - (size_t)(v - p));
			/* threads MIN, MAX: the maximum counts */
			comma = strrchr(line_text, ',');
			ok = eval_into(c, n, LANG_RUBY, comma ? comma + 1 : line_text, data, rel,
			               line);
			free(line_text);
			line_text = NULL;
		}
		p = eol ? eol + 1 : NULL;
	}
cleanup:
	el_error_clear(&err);
	free(data);
	free(full);
	free(rel);
	return ok;
}

/* Workers and threads of one part from its start command. */
static void
part_workers(struct procs_ctx *c, struct proc_part *part, const char *file, int line)
{
	const struct proc_server *sv = NULL;
	struct rx_match m;
	char *v;
	size_t i;

	number_set(&part->workers, 1, NULL, 0, xstrdup("no process server recognised: 1 process"));
	number_set(&part->threads, 1, NULL, 0, NULL);
	for (i = 0; part->command != NULL && i < c->ss->servers.len && sv == NULL; i++) {
		if (rx_match(scan_rx(c->s), c->ss->servers.items[i].command, part->command,
		             strlen(part->command), 0, &m) == RX_MATCH)
			sv = &c->ss->servers.items[i];
	}
	if (sv == NULL)
		return;
	part->server = sv->name;
	v = group_value(scan_rx(c->s), sv->workers, part->command);
	if (v != NULL && sv->all_cpus != NULL &&
	    rx_match(scan_rx(c->s), sv->all_cpus, v, strlen(v), 0, &m) == RX_MATCH) {
		number_set(&part->workers, c->ps->cpus, file, line,
		           xasprintf("%s: one per CPU (%d CPUs assumed by the pools pack)",
		                     sv->name, c->ps->cpus));
	} else if (v == NULL || !eval_into(c, &part->workers, LANG_SHELL, v, NULL, file, line)) {
		const struct env_entry *e =
		    sv->workers_env ? resolve_find(c->svc, sv->workers_env) : NULL;
		struct pool_origin o;
		long n;

		if (e != NULL && e->winner.value != NULL &&
		    pools_eval_number(c->ps, NULL, LANG_SHELL, e->winner.value, NULL,
		                      e->winner.file, e->winner.line, &n, &o) == 0 &&
		    n > 0) {
			pool_origin_clear(&o);
			number_set(&part->workers, n, e->winner.file, e->winner.line,
			           xasprintf("%s=%ld, read by %s", sv->workers_env, n, sv->name));
		} else {
			if (e == NULL)
				memset(&o, 0, sizeof(o));
			pool_origin_clear(&o);
			if (!config_file_value(c, &part->workers, sv, "workers"))
				eval_formula_into(c, &part->workers, sv->default_workers,
				                  "the server's default");
			if (part->workers.origin.file == NULL) {
				free(part->workers.origin.why);
				part->workers.origin.why =
				    xasprintf("%s default: %ld", sv->name, part->workers.value);
			}
		}
	}
	free(v);
	v = group_value(scan_rx(c->s), sv->threads, part->command);
	if (v == NULL || !eval_into(c, &part->threads, LANG_SHELL, v, NULL, file, line)) {
		if (!config_file_value(c, &part->threads, sv,
				       sv->threads_directive ? sv->threads_directive : "threads"))
			eval_formula_into(c, &part->threads, sv->default_threads, "default");
	}
	free(v);
}

static struct proc_part *
new_part(struct procs_ctx *c, char *name, const char *command)
{
	struct proc_part *p = VEC_PUSH_ZERO(&c->out->parts);

	p->name = name;
	p->command = command ? xstrdup(command) : NULL;
	number_set(&p->replicas, 1, NULL, 0, xstrdup("1 replica assumed"));
	return p;
}

/* The service's own manifests of one kind (Dockerfile, Procfile, package.json). */
static const struct scan_parsed *
own_manifest(const struct scan *s, const struct service *svc, enum manifest_kind kind)
{
	size_t i;

	(void)s;
	for (i = 0; i < svc->own_manifests.len; i++) {
		if (svc->own_manifests.items[i]->manifest->kind == kind)
			return svc->own_manifests.items[i];
	}
	return NULL;
}

/* ENTRYPOINT and CMD of a Dockerfile as one command line, and the line of the last. */
static char *
docker_command(const struct scan_parsed *p, int *line)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; p != NULL && i < p->manifest->ncommands; i++) {
		const struct manifest_command *mc = &p->manifest->commands[i];

		if (strcmp(mc->name, "ENTRYPOINT") == 0 || strcmp(mc->name, "CMD") == 0) {
			buf_printf(&b, "%s%s", b.len ? " " : "", mc->command);
			*line = mc->line;
		}
	}
	return b.len ? buf_detach(&b) : NULL;
}

/* Compose interpolation for replicas: the project's .env beside the compose file. */
struct compose_env {
	struct procs_ctx *c;
	const struct dotenv_file *df;
	const char *file;
	const char *used_key;
	int used_line;
};

static const char *
compose_env_get(void *arg, const char *name)
{
	struct compose_env *ce = arg;
	size_t i;

	for (i = 0; ce->df != NULL && i < ce->df->nbindings; i++) {
		const struct dotenv_binding *b = &ce->df->bindings[ce->df->nbindings - 1 - i];

		if (strcmp(b->key, name) == 0 && b->value != NULL) {
			ce->used_key = b->key;
			ce->used_line = b->line;
			return b->value;
		}
	}
	return NULL;
}

static void
compose_replicas(struct procs_ctx *c, struct proc_part *part, const char *cfile, const char *text,
                 int line)
{
	struct el_error err = EL_ERROR_INIT;
	struct compose_env ce = {c, NULL, NULL, NULL, 0};
	struct compose_lookup lk = {compose_env_get, &ce};
	char *dir = path_dirname(cfile), *envpath = path_join(dir, ".env"), *v;
	struct scan_env_file *ef = scan_find_env_file(c->s, envpath);
	long n;

	if (ef != NULL)
		ce.df = scan_env_parse(c->s, ef, DOTENV_COMPOSE);
	v = compose_interpolate(text, &lk, NULL, NULL, &err);
	if (v != NULL && *v && strspn(v, "0123456789") == strlen(v) && (n = atol(v)) >= 0) {
		if (ce.used_key != NULL)
			number_set(&part->replicas, n, envpath, ce.used_line,
			           xasprintf("%s=%ld, interpolated into %s:%d", ce.used_key, n,
			                     cfile, line));
		else
			number_set(&part->replicas, n, cfile, line, NULL);
	}
	free(v);
	el_error_clear(&err);
	free(envpath);
	free(dir);
}

static size_t
indent_of(const char *p)
{
	size_t n = 0;

	while (p[n] == ' ' || p[n] == '\t')
		n++;
	return n;
}

/*
 * The line of `key:` inside the compose service whose name is on svc_line
 * (the parser keeps the service's line, not the command's); svc_line when
 * not found.
 */
static int
compose_key_line(const struct scan *s, const char *path, int svc_line, const char *key)
{
	struct el_error err = EL_ERROR_INIT;
	char *full = xasprintf("%s/%s", s->root, path), *data = NULL;
	const char *p;
	size_t len, klen = strlen(key), base = 0;
	int line = 1, found = svc_line;

	if (file_read(full, FILE_MAX_READ, &data, &len, &err) != FILE_READ_OK)
		goto cleanup;
	for (p = data; p != NULL && *p; line++) {
		const char *eol = strchr(p, '\n');
		size_t ind = indent_of(p);

		if (line == svc_line) {
			base = ind;
		} else if (line > svc_line && p[ind] != '\n' && p[ind] != '\0' && p[ind] != '#') {
			if (ind <= base)
				break;
			if (strncmp(p + ind, key, klen) == 0 && p[ind + klen] == ':') {
				found = line;
				break;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
cleanup:
	el_error_clear(&err);
	free(data);
	free(full);
	return found;
}

/*
 * Which pass a compose file is read in: the default file names first, then
 * variants (docker-compose.prod.yml: a service they define again is the same
 * service, counted once), then overrides, whose replicas and command replace
 * the base's as `docker compose` merges docker-compose.override.yml.
 */
static int
compose_pass(const char *path)
{
	static const char *const defaults[] = {"compose.yaml", "compose.yml", "docker-compose.yaml",
	                                       "docker-compose.yml"};
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		if (strcmp(base, defaults[i]) == 0)
			return 0;
	}
	return strstr(base, ".override.") != NULL ? 2 : 1;
}

/* Apply one compose service definition to a part (new, or merged from an override). */
static void
compose_apply(struct procs_ctx *c, struct proc_part *part, const struct scan_parsed *p,
              const struct compose_service *cs, const char *docker_file, int docker_line,
              bool fresh)
{
	if (cs->replicas != NULL)
		compose_replicas(c, part, p->entry->path, cs->replicas, cs->replicas_line);
	else if (cs->scale != NULL)
		compose_replicas(c, part, p->entry->path, cs->scale, cs->scale_line);
	if (cs->command != NULL) {
		free(part->command);
		part->command = xstrdup(cs->command);
		part_workers(c, part, p->entry->path,
		             compose_key_line(c->s, p->entry->path, cs->line, "command"));
	} else if (fresh) {
		part_workers(c, part, docker_file, docker_line);
	}
}

/* A compose service already made a part: its compose folder and its name. */
struct compose_key {
	char *dir;
	const char *name;
};

static void
find_compose_parts(struct procs_ctx *c, const char *docker_cmd, const char *docker_file,
                   int docker_line)
{
	VEC(struct compose_key) keys = {0}; /* parallel to parts */
	size_t i, j, k;
	int pass;

	if (c->svc->compose_builds.len == 0)
		return; /* no compose service builds this folder */

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < c->s->composes.len; i++) {
			const struct scan_parsed *p = &c->s->composes.items[i];
			char *cdir;

			if (compose_pass(p->entry->path) != pass)
				continue;
			cdir = path_dirname(p->entry->path);
			for (j = 0; j < p->compose->nservices; j++) {
				const struct compose_service *cs = &p->compose->services[j];
				bool mine = p->build_dirs[j] != NULL &&
				            strcmp(p->build_dirs[j], c->svc->path) == 0;

				if (!mine && keys.len == 0)
					continue; /* the common case */
				for (k = 0; k < keys.len && (strcmp(keys.items[k].name, cs->name) != 0 ||
				                             strcmp(keys.items[k].dir, cdir) != 0);
				     k++)
					;
				if (k < keys.len) {
					if (pass == 2)
						compose_apply(c, &c->out->parts.items[k], p, cs,
						              docker_file, docker_line, false);
					continue;
				}
				if (!mine)
					continue;
				VEC_PUSH(&keys, ((struct compose_key){xstrdup(cdir), cs->name}));
				compose_apply(c,
				              new_part(c, xasprintf("compose service %s", cs->name),
				                       cs->command ? cs->command : docker_cmd),
				              p, cs, docker_file, docker_line, true);
			}
			free(cdir);
		}
	}
	for (k = 0; k < keys.len; k++)
		free(keys.items[k].dir);
	VEC_FREE(&keys);
}

/* The Kubernetes kinds whose `replicas:` count processes. */
static bool
is_workload(const char *doc, const char *end)
{
	const char *kind = strstr(doc, "kind:");

	return kind != NULL && kind < end &&
	       (strncmp(kind + 5, " Deployment", 11) == 0 ||
	        strncmp(kind + 5, " StatefulSet", 12) == 0);
}

void
processes_k8s_load(struct proc_k8s *out, const struct scan *s, const char *const *extra,
                   size_t nextra)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nextra; i++) {
		struct el_error err = EL_ERROR_INIT;
		char *full = xasprintf("%s/%s", s->root, extra[i]), *data = NULL;
		const char *doc, *next;
		bool keep = false;
		size_t len;

		if (file_read(full, FILE_MAX_READ, &data, &len, &err) == FILE_READ_OK &&
		    strlen(data) == len && strstr(data, "replicas:") != NULL) {
			for (doc = data; doc != NULL && !keep; doc = next) {
				next = strstr(doc, "\n---");
				keep = is_workload(doc, next ? next : doc + len);
				if (next)
					next += 4;
			}
		}
		if (keep) {
			VEC_PUSH(&out->paths, xstrdup(extra[i]));
			VEC_PUSH(&out->data, data);
			data = NULL;
		}
		el_error_clear(&err);
		free(data);
		free(full);
	}
}

void
processes_k8s_free(struct proc_k8s *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->paths.len; i++) {
		free(k->paths.items[i]);
		free(k->data.items[i]);
	}
	VEC_FREE(&k->paths);
	VEC_FREE(&k->data);
}

/*
 * Kubernetes Deployments and StatefulSets: `replicas: N` of a manifest whose
 * metadata name or container image names the service.
 */
static void
find_kubernetes_replicas(struct procs_ctx *c, const struct proc_k8s *k8s)
{
	size_t i, k;

	for (i = 0; k8s != NULL && i < k8s->paths.len; i++) {
		const char *data = k8s->data.items[i], *doc, *next;

		for (doc = data; doc != NULL; doc = next) {
			const char *end, *r;
			char *name_pat;
			bool names_it;
			int line = 1;

			next = strstr(doc, "\n---");
			end = next ? next : doc + strlen(doc);
			if (next)
				next += 4;
			if (!is_workload(doc, end))
				continue;
			name_pat = xasprintf("name: %s\n", c->svc->name);
			r = strstr(doc, name_pat);
			names_it = r != NULL && r < end;
			free(name_pat);
			name_pat = xasprintf("/%s:", c->svc->name);
			r = strstr(doc, name_pat);
			names_it |= r != NULL && r < end;
			free(name_pat);
			r = strstr(doc, "replicas:");
			if (!names_it || r == NULL || r > end)
				continue;
			for (const char *q = data; q < r; q++)
				line += *q == '\n';
			for (k = 0; k < c->out->parts.len; k++) {
				struct proc_part *part = &c->out->parts.items[k];
				char *v = xstrndup(r + 9, strcspn(r + 9, "\n"));

				if (part->replicas.origin.file == NULL)
					eval_into(c, &part->replicas, LANG_YAML, v, data,
					          k8s->paths.items[i], line);
				free(v);
			}
		}
	}
}

/* .envlint.yml `replicas:` / `workers:` pin every part of the service. */
static void
apply_config(struct procs_ctx *c)
{
	const struct config *cfg = c->s->opts.config;
	const struct config_service *cs = cfg ? config_service_find(cfg, c->svc->path) : NULL;
	size_t i;

	for (i = 0; cs != NULL && i < c->out->parts.len; i++) {
		struct proc_part *p = &c->out->parts.items[i];

		if (cs->replicas > 0)
			number_set(&p->replicas, cs->replicas, cfg->path, cs->line,
			           xstrdup("replicas pinned in the configuration"));
		if (cs->workers > 0)
			number_set(&p->workers, cs->workers, cfg->path, cs->line,
			           xstrdup("workers pinned in the configuration"));
	}
}

void
processes_find(struct service_procs *out, struct scan *s, const struct service *svc,
               const struct proc_server_set *ss, const struct pool_set *ps,
               const struct proc_k8s *k8s)
{
	struct procs_ctx c = {s, svc, ss, ps, out};
	const struct scan_parsed *docker = own_manifest(s, svc, MANIFEST_DOCKERFILE);
	const struct scan_parsed *procfile = own_manifest(s, svc, MANIFEST_PROCFILE);
	const struct scan_parsed *pkg = own_manifest(s, svc, MANIFEST_PACKAGE_JSON);
	int docker_line = 0;
	char *docker_cmd = docker_command(docker, &docker_line);
	size_t i;

	memset(out, 0, sizeof(*out));
	find_compose_parts(&c, docker_cmd, docker ? docker->entry->path : NULL, docker_line);
	if (out->parts.len == 0 && procfile != NULL) {
		for (i = 0; i < procfile->manifest->ncommands; i++) {
			const struct manifest_command *mc = &procfile->manifest->commands[i];
			struct proc_part *p =
			    new_part(&c, xasprintf("Procfile %s", mc->name), mc->command);

			part_workers(&c, p, procfile->entry->path, mc->line);
		}
	}
	if (out->parts.len == 0 && docker_cmd != NULL) {
		struct proc_part *p = new_part(&c, xstrdup("Dockerfile"), docker_cmd);

		part_workers(&c, p, docker->entry->path, docker_line);
	}
	if (out->parts.len == 0 && pkg != NULL) {
		for (i = 0; i < pkg->manifest->ncommands; i++) {
			const struct manifest_command *mc = &pkg->manifest->commands[i];

			if (strcmp(mc->name, "start") == 0) {
				struct proc_part *p =
				    new_part(&c, xstrdup("package.json start"), mc->command);

				part_workers(&c, p, pkg->entry->path, mc->line);
				break;
			}
		}
	}
	if (out->parts.len == 0) {
		struct proc_part *p = new_part(&c, xstrdup("service"), NULL);

		part_workers(&c, p, NULL, 0);
	}
	find_kubernetes_replicas(&c, k8s);
	apply_config(&c);
	out->threads = 1;
	for (i = 0; i < out->parts.len; i++) {
		const struct proc_part *p = &out->parts.items[i];

		out->total += p->replicas.value * p->workers.value;
		if (p->threads.value > out->threads)
			out->threads = p->threads.value;
	}
	free(docker_cmd);
}

void
processes_service_free(struct service_procs *sp)
{
	size_t i;

	if (sp == NULL)
		return;
	for (i = 0; i < sp->parts.len; i++) {
		struct proc_part *p = &sp->parts.items[i];

		free(p->name);
		free(p->command);
		pool_origin_clear(&p->replicas.origin);
		pool_origin_clear(&p->workers.origin);
		pool_origin_clear(&p->threads.origin);
	}
	VEC_FREE(&sp->parts);
}
