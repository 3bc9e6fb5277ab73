#include "model/connection.h"
#include "model/dbkind.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/pack.h"
#include "config/schema.h"
#include "config/yaml.h"
#include "model/discover.h"
#include "model/loaders.h"
#include "model/service.h"
#include "parse/manifest.h"
#include "parse/source.h"
#include "report/redact.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/vec.h"
#include "walk/ignore.h"

/* How deep names bound earlier in a file are followed (url -> directUrl -> process.env.X). */
#define BINDING_DEPTH 3
/* Names looked up per client call, and how much of an argument text is searched for them:
 * each look-up scans the file up to the call, so both bound the work on hostile input. */
#define BINDING_LOOKUPS 16
#define BINDING_TEXT_MAX 4096

struct name_role {
	const char *glob;
	enum conn_role role;
};

struct name_pair {
	const char *pooled, *direct;
};

/* user and database may name several variables (POSTGRES_USER or Rails'
 * POSTGRES_USERNAME): the first one the service defines is taken. */
struct component {
	const char *id, *host, *port, *password;
	const char *const *users, *const *databases; /* NULL-terminated */
	enum conn_role role;
};

/* What the packs say, in the scan's arena (lives as long as the connections). */
struct conn_knowledge {
	struct client_info *clients;
	size_t nclients;
	struct provider_set *providers;
	const char **url_keys;
	size_t nurl_keys;
	struct name_role *roles;
	size_t nroles;
	struct name_pair *pairs;
	size_t npairs;
	struct component *components;
	size_t ncomponents;
};

struct role_vec {
	struct name_role *items;
	size_t len, cap;
};
struct pair_vec {
	struct name_pair *items;
	size_t len, cap;
};
struct component_vec {
	struct component *items;
	size_t len, cap;
};
struct cstr_vec {
	const char **items;
	size_t len, cap;
};
struct client_vec {
	const struct client_info **items;
	size_t len, cap;
};

/* A code pattern from the clients pack, with its compiled regex (build time only). */
struct use_pattern {
	const char *id;
	const struct client_info *client;
	enum conn_role role;
	const char *adapter, *default_key;
	const char **files;
	size_t nfiles;
};

enum pat_kind { PAT_USE, PAT_ENV_READ, PAT_SETS_PGBOUNCER, PAT_PREPARED_OFF };

struct pat_meta {
	enum pat_kind kind;
	struct use_pattern use;           /* PAT_USE */
	const struct client_info *client; /* PAT_PREPARED_OFF */
};

/* What connections are built from: the scan's pack knowledge, kept for the scan. */
struct conn_build {
	struct scan *s;
	struct arena *a;
	struct conn_knowledge *k;
	VEC(struct source_pattern) pats; /* flat, for one source_scan pass */
	VEC(struct pat_meta) meta;       /* parallel to pats */
	VEC(struct rx *) rxs;            /* owned */
	VEC(struct source_pattern) env_reads;
	struct source_set *pats_set, *env_reads_set; /* pats and env_reads prepared for scanning */
	struct dbkind_set *dbkinds; /* owned */
};

/* A client found in a service's manifests. */
struct dep_client {
	const struct client_info *ci;
	int major;
	const char *adapter; /* Prisma adapter package among the deps */
};

/* A key handed to a client somewhere in the service's code. */
struct use_rec {
	char *key;
	const struct use_pattern *up;
	const char *file; /* arena */
	int line, col;
	bool runtime_file;
	bool alternative; /* one of several `A || B` keys */
	int group;        /* fallback group id (alternatives share it) */
	char *adapter;    /* adapter seen in code (arena), NULL if none */
	bool prepared_off_in_file;
};

struct svc_build {
	struct conn_build *b;
	struct arena *a; /* the building thread's (scan_arena): what the service keeps */
	struct service *svc;
	VEC(struct dep_client) deps;
	VEC(struct use_rec) uses;
	VEC(struct connection) out;
	bool sets_pgbouncer;
	bool prisma_url_in_code; /* PrismaClient / adapter given a URL in code */
	char *code_adapter;      /* a Prisma adapter constructed in code */
	int next_group;
};

/* ---- small helpers ---- */

static const char *
astr(struct arena *a, const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && n->type == YML_SCALAR ? arena_strdup(a, n->text) : NULL;
}

static const char **
astrs(struct arena *a, const struct yml_node *map, const char *key, size_t *n)
{
	const struct yml_node *l = yml_map_get(map, key);
	const char **v;
	size_t i;

	*n = 0;
	if (l == NULL || l->type != YML_SEQUENCE)
		return NULL;
	v = arena_alloc(a, (l->count + 1) * sizeof(*v));
	for (i = 0; i < l->count; i++)
		v[i] = arena_strdup(a, l->items[i]->text);
	*n = l->count;
	return v;
}

static enum param_effect
effect_of(const struct yml_node *n)
{
	if (n == NULL)
		return PARAM_UNKNOWN;
	if (yml_scalar_is(n, "accepted"))
		return PARAM_ACCEPTED;
	if (yml_scalar_is(n, "ignored"))
		return PARAM_IGNORED;
	if (yml_scalar_is(n, "rejected"))
		return PARAM_REJECTED;
	return PARAM_UNKNOWN;
}

static enum conn_role
role_of(const struct yml_node *n)
{
	if (n != NULL && yml_scalar_is(n, "migration"))
		return CONN_ROLE_MIGRATION;
	if (n != NULL && yml_scalar_is(n, "shadow"))
		return CONN_ROLE_SHADOW;
	return CONN_ROLE_RUNTIME;
}

/*
 * Glob with `*` (any run), case-sensitive, iterative (bounded by
 * len(glob) x len(s)). When the glob has exactly one `*`, *star gets what it
 * matched.
 */
static bool
glob_name(const char *g, const char *s, const char **star, size_t *starlen)
{
	const char *g0 = g, *s0 = s, *star_g = NULL, *star_s = NULL, *first;
	size_t slen, pre, post;

	while (*s || *g) {
		if (*g == '*') {
			star_g = ++g;
			star_s = s;
			continue;
		}
		if (*g && *s && *g == *s) {
			g++;
			s++;
			continue;
		}
		if (star_g == NULL || *star_s == '\0')
			return false;
		g = star_g;
		s = ++star_s;
	}
	first = strchr(g0, '*');
	if (star != NULL && first != NULL && strchr(first + 1, '*') == NULL) {
		slen = strlen(s0);
		pre = (size_t)(first - g0);
		post = strlen(first + 1);
		*star = s0 + pre;
		*starlen = slen - pre - post;
	}
	return true;
}

static bool
name_in(const char *const *globs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (glob_name(globs[i], name, NULL, NULL))
			return true;
	return false;
}

/* Normalised package name: lower case, '_' and '.' as '-', extras and spaces cut. */
static void
norm_pkg(const char *in, char *out, size_t cap)
{
	size_t i = 0;

	for (; *in && i + 1 < cap; in++) {
		char c = *in;

		if (c == '[' || c == ' ' || c == ';')
			break;
		if (c == '_' || c == '.')
			c = '-';
		out[i++] = (char)tolower((unsigned char)c);
	}
	out[i] = '\0';
}

/* Normalised copies of n package names, in the arena. */
static const char **
norm_pkgs(struct arena *a, const char *const *names, size_t n)
{
	const char **v = arena_alloc(a, (n + 1) * sizeof(*v));
	char buf[256];
	size_t i;

	for (i = 0; i < n; i++) {
		norm_pkg(names[i], buf, sizeof(buf));
		v[i] = arena_strdup(a, buf);
	}
	return v;
}

/* Major version from a spec such as "^5.22.0", ">=2.0,<3", "v5.10.0", "~> 7.1"; 0 if none. */
static int
major_of(const char *v)
{
	long m;

	if (v == NULL)
		return 0;
	while (*v && !isdigit((unsigned char)*v)) {
		if (*v == ':' || *v == '*') /* workspace:*, file:, npm: aliases */
			return 0;
		v++;
	}
	if (!isdigit((unsigned char)*v))
		return 0;
	m = strtol(v, NULL, 10);
	return m > 0 && m < 100000 ? (int)m : 0;
}

/* ---- knowledge from the packs ---- */

static const struct client_info *
client_find(const struct conn_knowledge *k, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < k->nclients; i++)
		if (strcmp(k->clients[i].id, id) == 0)
			return &k->clients[i];
	return NULL;
}

static const char *const *
astrs_z(struct arena *a, const struct yml_node *map, const char *key)
{
	size_t n;
	const char **v = astrs(a, map, key, &n);

	if (v != NULL)
		v[n] = NULL;
	return v;
}

/* A pack field that is one name or a list of names, as a NULL-terminated list. */
static const char *const *
name_or_names(struct arena *a, const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);
	const char **v;

	if (n != NULL && n->type == YML_SCALAR) {
		v = arena_alloc(a, 2 * sizeof(*v));
		v[0] = arena_strdup(a, n->text);
		v[1] = NULL;
		return v;
	}
	return astrs_z(a, map, key);
}

static void
load_client(struct client_info *ci, const struct yml_node *e, struct arena *a)
{
	const struct yml_node *params = yml_map_get(e, "params"), *kinds = yml_map_get(e, "kinds");
	const struct yml_node *mm = yml_map_get(e, "max-major-engine");
	size_t i, j, n = 0, k = 0;
	long v;

	ci->id = astr(a, e, "id");
	ci->name = astr(a, e, "name");
	ci->langs = loaders_langs(yml_map_get(e, "lang"));
	ci->packages = astrs(a, e, "packages", &ci->npackages);
	ci->drivers = astrs(a, e, "drivers", &ci->ndrivers);
	ci->default_driver = astr(a, e, "default-driver");
	ci->adapters = astrs(a, e, "adapters", &ci->nadapters);
	ci->norm_packages = norm_pkgs(a, ci->packages, ci->npackages);
	ci->norm_adapters = norm_pkgs(a, ci->adapters, ci->nadapters);
	ci->adapter_client = astr(a, e, "adapter-client");
	ci->max_major_engine = mm != NULL && schema_scalar_long(mm, &v) == 0 ? (int)v : -1;
	ci->driver_clients = astrs(a, e, "driver-clients", &ci->ndriver_clients);
	ci->implicit_keys = astrs(a, e, "implicit-keys", &ci->nimplicit_keys);
	ci->config_files = astrs(a, e, "config-files", &ci->nconfig_files);
	ci->prepares = schema_scalar_true(yml_map_get(e, "prepares"));
	ci->off_params = astrs(a, e, "prepared-off-params", &ci->noff_params);
	ci->off_hint = astr(a, e, "prepared-off-hint");
	ci->prepared_errors = astrs_z(a, e, "prepared-errors");
	ci->migrate_errors = astrs_z(a, e, "migrate-errors");
	ci->other = effect_of(yml_map_get(e, "other-params"));
	ci->other_error = astr(a, e, "other-error");
	ci->postgres = kinds == NULL;
	for (i = 0; kinds != NULL && i < kinds->count; i++)
		if (yml_scalar_is(kinds->items[i], "postgres"))
			ci->postgres = true;
	for (i = 0; params != NULL && i < params->count; i++)
		n += yml_map_get(params->items[i], "names")->count;
	ci->params = arena_alloc(a, (n + 1) * sizeof(*ci->params));
	for (i = 0; params != NULL && i < params->count; i++) {
		const struct yml_node *row = params->items[i];
		const struct yml_node *names = yml_map_get(row, "names");

		for (j = 0; j < names->count; j++) {
			struct client_param *p = &ci->params[k++];

			p->name = arena_strdup(a, names->items[j]->text);
			p->effect = effect_of(yml_map_get(row, "effect"));
			p->error = astr(a, row, "error");
			p->fix = astr(a, row, "fix");
		}
	}
	ci->nparams = k;
}

static int
add_pattern(struct conn_build *b, const struct yml_node *e, const char *path, enum pat_kind kind,
            struct pat_meta *meta, struct el_error *err)
{
	const struct yml_node *re = yml_map_get(e, "regex"), *lit = yml_map_get(e, "literal");
	struct source_pattern sp;
	struct rx *rx;

	if (packs_regex(b->s->packs, &rx, re, path, err) != 0)
		return -1;
	VEC_PUSH(&b->rxs, rx);
	memset(&sp, 0, sizeof(sp));
	sp.id = astr(b->a, e, "id");
	sp.langs = loaders_langs(yml_map_get(e, "lang"));
	if (sp.langs == 0)
		sp.langs = ~0u;
	sp.literal = lit != NULL && lit->text[0] != '\0' ? arena_strdup(b->a, lit->text) : NULL;
	sp.rx = rx;
	sp.call_args = schema_scalar_true(yml_map_get(e, "call-args"));
	if (kind == PAT_ENV_READ) {
		VEC_PUSH(&b->env_reads, sp);
		return 0;
	}
	meta->kind = kind;
	VEC_PUSH(&b->pats, sp);
	VEC_PUSH(&b->meta, *meta);
	return 0;
}

static int
load_clients_doc(struct conn_build *b, const struct yml_node *root, const char *path,
                 struct el_error *err)
{
	const struct yml_node *uses = yml_map_get(root, "uses");
	const struct yml_node *reads = yml_map_get(root, "env-reads");
	const struct yml_node *pgb = yml_map_get(root, "sets-pgbouncer");
	const struct yml_node *clients = yml_map_get(root, "clients");
	size_t i, j;

	for (i = 0; clients != NULL && i < clients->count; i++) {
		const struct yml_node *off = yml_map_get(clients->items[i], "prepared-off");
		const struct client_info *ci =
		    client_find(b->k, astr(b->a, clients->items[i], "id"));

		for (j = 0; off != NULL && j < off->count; j++) {
			struct pat_meta m;
			struct rx *rx;
			struct source_pattern sp;

			memset(&m, 0, sizeof(m));
			m.kind = PAT_PREPARED_OFF;
			m.client = ci;
			if (packs_regex(b->s->packs, &rx, off->items[j], path, err) != 0)
				return -1;
			VEC_PUSH(&b->rxs, rx);
			memset(&sp, 0, sizeof(sp));
			sp.id = ci->id;
			sp.langs = ci->langs ? ci->langs : ~0u;
			sp.rx = rx;
			VEC_PUSH(&b->pats, sp);
			VEC_PUSH(&b->meta, m);
		}
	}
	for (i = 0; uses != NULL && i < uses->count; i++) {
		const struct yml_node *e = uses->items[i];
		struct pat_meta m;

		memset(&m, 0, sizeof(m));
		m.use.id = astr(b->a, e, "id");
		m.use.client = client_find(b->k, astr(b->a, e, "client"));
		if (m.use.client == NULL) {
			const struct yml_node *c = yml_map_get(e, "client");

			return el_error_set(err, path, c->line, c->col,
			                    "unknown client \"%s\" (not in any clients pack)",
			                    c->text);
		}
		m.use.role = role_of(yml_map_get(e, "role"));
		m.use.adapter = astr(b->a, e, "adapter");
		m.use.default_key = astr(b->a, e, "default-key");
		m.use.files = astrs(b->a, e, "files", &m.use.nfiles);
		if (add_pattern(b, e, path, PAT_USE, &m, err) != 0)
			return -1;
	}
	for (i = 0; reads != NULL && i < reads->count; i++)
		if (add_pattern(b, reads->items[i], path, PAT_ENV_READ, NULL, err) != 0)
			return -1;
	for (i = 0; pgb != NULL && i < pgb->count; i++) {
		struct pat_meta m;

		memset(&m, 0, sizeof(m));
		if (add_pattern(b, pgb->items[i], path, PAT_SETS_PGBOUNCER, &m, err) != 0)
			return -1;
	}
	return 0;
}

static void
load_connections_doc(struct conn_knowledge *k, const struct yml_node *root, struct arena *a,
                     struct role_vec *roles, struct pair_vec *pairs, struct component_vec *comps,
                     struct cstr_vec *keys)
{
	const struct yml_node *l;
	size_t i, j;

	(void)k;
	l = yml_map_get(root, "url-keys");
	for (i = 0; l != NULL && i < l->count; i++)
		VEC_PUSH(keys, arena_strdup(a, l->items[i]->text));
	l = yml_map_get(root, "roles");
	for (i = 0; l != NULL && i < l->count; i++) {
		const struct yml_node *names = yml_map_get(l->items[i], "names");
		enum conn_role r = role_of(yml_map_get(l->items[i], "role"));

		for (j = 0; j < names->count; j++) {
			struct name_role nr = {arena_strdup(a, names->items[j]->text), r};

			VEC_PUSH(roles, nr);
		}
	}
	l = yml_map_get(root, "pairs");
	for (i = 0; l != NULL && i < l->count; i++) {
		struct name_pair p = {astr(a, l->items[i], "pooled"),
		                      astr(a, l->items[i], "direct")};

		VEC_PUSH(pairs, p);
	}
	l = yml_map_get(root, "components");
	for (i = 0; l != NULL && i < l->count; i++) {
		const struct yml_node *e = l->items[i];
		struct component c = {astr(a, e, "id"),
		                      astr(a, e, "host"),
		                      astr(a, e, "port"),
		                      astr(a, e, "password"),
		                      name_or_names(a, e, "user"),
		                      name_or_names(a, e, "database"),
		                      role_of(yml_map_get(e, "role"))};

		VEC_PUSH(comps, c);
	}
}

#define ARENA_COPY(a, v, out, n)                                                                   \
	do {                                                                                       \
		(n) = (v).len;                                                                     \
		(out) = arena_alloc((a), ((v).len + 1) * sizeof(*(v).items));                      \
		if ((v).len > 0)                                                                   \
			memcpy((out), (v).items, (v).len * sizeof(*(v).items));                    \
		VEC_FREE(&(v));                                                                    \
	} while (0)

static int
knowledge_build(struct conn_build *b, struct el_error *err)
{
	const struct packs *p = b->s->packs;
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	struct conn_knowledge *k = arena_alloc(b->a, sizeof(*k));
	VEC(struct client_info) clients = {0};
	struct role_vec roles = {0};
	struct pair_vec pairs = {0};
	struct component_vec comps = {0};
	struct cstr_vec keys = {0};
	size_t n = 0, d, i;
	int rc = 0;

	b->k = k;
	if (provider_set_build(&k->providers, p, b->a, err) != 0)
		return -1;
	if (p == NULL)
		return 0;
	/* Clients: a later pack's entry replaces an earlier one with the same id. */
	if (packs_kind_docs(p, "clients", &roots, &paths, &n) != 0)
		n = 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *l = yml_map_get(roots[d], "clients");

		for (i = 0; l != NULL && i < l->count; i++) {
			struct client_info ci;
			size_t j;

			memset(&ci, 0, sizeof(ci));
			load_client(&ci, l->items[i], b->a);
			for (j = 0; j < clients.len; j++)
				if (strcmp(clients.items[j].id, ci.id) == 0)
					break;
			if (j < clients.len)
				clients.items[j] = ci;
			else
				VEC_PUSH(&clients, ci);
		}
	}
	ARENA_COPY(b->a, clients, k->clients, k->nclients);
	/* Patterns: later packs first, so a user's patterns are tried first. */
	for (d = n; d-- > 0 && rc == 0;)
		rc = load_clients_doc(b, roots[d], paths[d], err);
	if (rc != 0)
		return -1;
	if (packs_kind_docs(p, "connections", &roots, &paths, &n) != 0)
		n = 0;
	for (d = n; d-- > 0;)
		load_connections_doc(k, roots[d], b->a, &roles, &pairs, &comps, &keys);
	ARENA_COPY(b->a, roles, k->roles, k->nroles);
	ARENA_COPY(b->a, pairs, k->pairs, k->npairs);
	ARENA_COPY(b->a, comps, k->components, k->ncomponents);
	ARENA_COPY(b->a, keys, k->url_keys, k->nurl_keys);
	return 0;
}

/* ---- naming ---- */

static bool
is_url_key(const struct conn_knowledge *k, const char *key)
{
	return name_in(k->url_keys, k->nurl_keys, key);
}

/* The role the naming convention gives key; runtime when it says nothing. */
static enum conn_role
name_role(const struct conn_knowledge *k, const char *key)
{
	size_t i;

	for (i = 0; i < k->nroles; i++)
		if (glob_name(k->roles[i].glob, key, NULL, NULL))
			return k->roles[i].role;
	return CONN_ROLE_RUNTIME;
}

/* The pooled name paired with a direct name ("X_DIRECT_DATABASE_URL" -> "X_DATABASE_URL"). */
static const char *
pooled_counterpart(const struct conn_knowledge *k, const char *key, struct arena *a)
{
	size_t i;

	for (i = 0; i < k->npairs; i++) {
		const char *star = NULL, *ps;
		size_t starlen = 0;

		if (!glob_name(k->pairs[i].direct, key, &star, &starlen))
			continue;
		ps = strchr(k->pairs[i].pooled, '*');
		if (ps == NULL)
			return k->pairs[i].pooled;
		if (star == NULL)
			continue;
		return arena_printf(a, "%.*s%.*s%s", (int)(ps - k->pairs[i].pooled),
		                    k->pairs[i].pooled, (int)starlen, star, ps + 1);
	}
	return NULL;
}

/* ---- the service's environment ---- */

static const struct env_entry *
env_find(const struct service *svc, const char *key)
{
	size_t lo = 0, hi = svc->env.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(svc->env.items[mid].key, key);

		if (c == 0)
			return &svc->env.items[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool
env_has_value(const struct service *svc, const char *key)
{
	const struct env_entry *e = env_find(svc, key);

	return e != NULL && e->winner.value != NULL;
}

/* ---- clients from manifests ---- */

static const struct manifest *
manifest_at(const struct scan *s, const char *path)
{
	const struct scan_parsed *p = scan_manifest_find(s, path);

	return p != NULL ? p->manifest : NULL;
}

/* The languages whose packages a manifest lists (0: any). */
static unsigned
manifest_langs(enum manifest_kind k)
{
	switch (k) {
	case MANIFEST_PACKAGE_JSON:
		return LANG_JS;
	case MANIFEST_PYPROJECT:
	case MANIFEST_REQUIREMENTS:
	case MANIFEST_PIPFILE:
		return LANG_PYTHON;
	case MANIFEST_GO_MOD:
		return LANG_GO;
	case MANIFEST_GEMFILE:
		return LANG_RUBY;
	case MANIFEST_POM:
	case MANIFEST_GRADLE:
		return LANG_JAVA;
	case MANIFEST_CARGO:
		return LANG_RUST;
	case MANIFEST_COMPOSER:
		return LANG_PHP;
	default:
		return 0;
	}
}

static void
deps_of(struct svc_build *sb, const struct service *svc)
{
	const struct conn_knowledge *k = sb->b->k;
	size_t m, d, c, p;

	for (m = 0; m < svc->manifests.len; m++) {
		const struct manifest *mf = manifest_at(sb->b->s, svc->manifests.items[m]);
		const unsigned eco = mf ? manifest_langs(mf->kind) : 0;

		for (d = 0; mf != NULL && d < mf->ndeps; d++) {
			const struct manifest_dep *dep = &mf->deps[d];
			char name[256];

			norm_pkg(dep->name, name, sizeof(name));
			for (c = 0; c < k->nclients; c++) {
				const struct client_info *ci = &k->clients[c];
				struct dep_client *dc = NULL;
				size_t j;

				/* npm "pg" is not the Ruby gem "pg". */
				if (ci->langs != 0 && eco != 0 && (ci->langs & eco) == 0)
					continue;

				for (p = 0; p < ci->nadapters; p++) {
					if (ci->norm_adapters[p][0] != name[0] ||
					    strcmp(ci->norm_adapters[p], name) != 0)
						continue;
					for (j = 0; j < sb->deps.len; j++)
						if (sb->deps.items[j].ci == ci)
							dc = &sb->deps.items[j];
					if (dc == NULL) {
						dc = VEC_PUSH_ZERO(&sb->deps);
						dc->ci = ci;
					}
					dc->adapter = ci->adapters[p];
				}
				for (p = 0; p < ci->npackages; p++) {
					if (ci->norm_packages[p][0] != name[0] ||
					    strcmp(ci->norm_packages[p], name) != 0)
						continue;
					dc = NULL;
					for (j = 0; j < sb->deps.len; j++)
						if (sb->deps.items[j].ci == ci)
							dc = &sb->deps.items[j];
					if (dc == NULL) {
						dc = VEC_PUSH_ZERO(&sb->deps);
						dc->ci = ci;
					}
					/* The first package listed (e.g. @prisma/client) gives the
					 * version. */
					if (dc->major == 0 || p == 0) {
						int mj = major_of(dep->version);

						if (mj > 0)
							dc->major = mj;
					}
				}
			}
		}
	}
}

static const struct dep_client *
dep_find(const struct svc_build *sb, const struct client_info *ci)
{
	size_t i;

	for (i = 0; i < sb->deps.len; i++)
		if (sb->deps.items[i].ci == ci)
			return &sb->deps.items[i];
	return NULL;
}

/* Whether svc (or the repository root, where hoisted deps live) depends on the client. */
static bool
has_client(const struct svc_build *sb, const struct client_info *ci)
{
	return ci->npackages == 0 || dep_find(sb, ci) != NULL;
}

/* ---- keys in an expression ---- */

struct key_hit {
	char *key;
	size_t pos;
};

struct key_vec {
	struct key_hit *items;
	size_t len, cap;
};

static bool
is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static void
upper_key(char *k)
{
	for (; *k; k++)
		*k = (char)toupper((unsigned char)*k);
}

/*
 * The right-hand side of the last binding of name before limit in data
 * (`const name = ...;`, `name = ...`, `name: T = ...`), up to the end of the
 * statement; NULL if none. A new string.
 */
static char *
binding_of(const char *data, size_t limit, const char *name, int *line_out)
{
	size_t nlen = strlen(name), i;
	char *found = NULL;

	for (i = 0; i + nlen <= limit; i++) {
		const char *p = data + i, *q, *end;

		if (memcmp(p, name, nlen) != 0 ||
		    (i > 0 && (is_ident_char(p[-1]) || p[-1] == '.')) || is_ident_char(p[nlen]))
			continue;
		q = p + nlen;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == ':') { /* Python annotation; a JS object key is rejected below */
			q++;
			while (*q && *q != '=' && *q != '\n' && *q != ',' && *q != '}')
				q++;
		}
		if (*q != '=' || q[1] == '=' || q[1] == '>')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		end = q;
		{
			int depth = 0;

			while (*end) {
				if (*end == '(' || *end == '[' || *end == '{')
					depth++;
				else if ((*end == ')' || *end == ']' || *end == '}') && depth > 0)
					depth--;
				else if (depth == 0 && (*end == ';' || *end == '\n'))
					break;
				end++;
			}
		}
		free(found);
		found = xstrndup(q, (size_t)(end - q));
		if (line_out != NULL) {
			int ln = 1;
			const char *r;

			for (r = data; r < p; r++)
				ln += *r == '\n';
			*line_out = ln;
		}
	}
	return found;
}

static void collect_keys(struct svc_build *sb, enum source_lang lang, const char *text,
                         const char *data, size_t limit, int depth, int *budget,
                         struct key_vec *out);

static void
add_key(struct key_vec *out, const char *key, size_t pos)
{
	struct key_hit h;
	size_t i;

	for (i = 0; i < out->len; i++)
		if (strcmp(out->items[i].key, key) == 0)
			return;
	h.key = xstrdup(key);
	h.pos = pos;
	VEC_PUSH(out, h);
}

static void
collect_keys(struct svc_build *sb, enum source_lang lang, const char *text, const char *data,
             size_t limit, int depth, int *budget, struct key_vec *out)
{
	struct conn_build *b = sb->b;
	struct source_matches ms = {0};
	struct el_error err = EL_ERROR_INIT;
	const char *p;
	size_t i;

	if (source_scan_set(&ms, scan_rx(b->s), lang, text, strlen(text), b->env_reads_set, &err) ==
	    0) {
		for (i = 0; i < ms.len; i++) {
			const char *key = source_group(&ms.items[i], "key");
			const char *attr = source_group(&ms.items[i], "attr");

			if (key != NULL) {
				add_key(out, key, ms.items[i].start);
			} else if (attr != NULL) {
				char *up = xstrdup(attr);

				upper_key(up);
				if (env_find(sb->svc, up) != NULL || is_url_key(b->k, up))
					add_key(out, up, ms.items[i].start);
				free(up);
			}
		}
	}
	source_matches_free(&ms);
	el_error_clear(&err);
	if (depth >= BINDING_DEPTH || data == NULL)
		return;
	/* Names bound earlier in the file, within a budget of look-ups per call. */
	for (p = text; *p && *budget > 0 && (size_t)(p - text) < BINDING_TEXT_MAX;) {
		const char *start;
		char *name, *rhs;
		const char *q;

		if (!(isalpha((unsigned char)*p) || *p == '_' || *p == '$') ||
		    (p > text && (is_ident_char(p[-1]) || p[-1] == '.'))) {
			p++;
			continue;
		}
		start = p;
		while (is_ident_char(*p))
			p++;
		q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		/* an object key or keyword argument name, or a member access */
		if ((*q == ':' && q[1] != ':') || (*q == '=' && q[1] != '=') || *q == '.' ||
		    *q == '(')
			continue;
		if (start > text && start[-1] == '.')
			continue;
		name = xstrndup(start, (size_t)(p - start));
		(*budget)--;
		rhs = binding_of(data, limit, name, NULL);
		if (rhs != NULL) {
			struct key_vec sub = {0};

			collect_keys(sb, lang, rhs, data, limit, depth + 1, budget, &sub);
			for (i = 0; i < sub.len; i++) {
				add_key(out, sub.items[i].key, (size_t)(start - text));
				free(sub.items[i].key);
			}
			VEC_FREE(&sub);
			free(rhs);
		}
		free(name);
	}
}

/* Whether text chains alternatives (`A || B`, `A ?? B`, `A or B`). */
static bool
has_fallback(const char *text)
{
	return strstr(text, "||") != NULL || strstr(text, "??") != NULL ||
	       strstr(text, " or ") != NULL;
}

/* The same, following the bindings one level: `url: directUrl` where directUrl = A || B. */
static bool
text_or_binding_has_fallback(const char *text, const char *data, size_t limit)
{
	const char *p;
	int budget = BINDING_LOOKUPS;

	if (has_fallback(text))
		return true;
	for (p = text; data != NULL && *p && budget > 0 && (size_t)(p - text) < BINDING_TEXT_MAX;) {
		const char *start = p;
		char *name, *rhs;
		bool fb = false;

		if (!(isalpha((unsigned char)*p) || *p == '_') ||
		    (p > text && is_ident_char(p[-1]))) {
			p++;
			continue;
		}
		while (is_ident_char(*p))
			p++;
		name = xstrndup(start, (size_t)(p - start));
		budget--;
		rhs = binding_of(data, limit, name, NULL);
		fb = rhs != NULL && has_fallback(rhs);
		free(rhs);
		free(name);
		if (fb)
			return true;
	}
	return false;
}

/* ---- scanning the service's files ---- */

static bool
is_non_runtime(const struct scan *s, const struct walk_entry *e)
{
	if (s->loaders == NULL)
		return false;
	return scan_entry_globs_match(s, e, s->loaders->non_runtime_paths.items,
	                              s->loaders->non_runtime_paths.len);
}

static bool
file_matches(const struct use_pattern *up, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	if (up->nfiles == 0)
		return true;
	base = base ? base + 1 : path;
	for (i = 0; i < up->nfiles; i++)
		if (ignore_wildmatch(up->files[i], base, false))
			return true;
	return false;
}

static void
record_use(struct svc_build *sb, const struct use_pattern *up, const char *file,
           const struct source_match *m, enum source_lang lang, const char *data, size_t len,
           bool runtime_file)
{
	struct arena *a = sb->a;
	const char *key = source_group(m, "key");
	const char *text = source_group(m, "expr");
	struct key_vec keys = {0};
	bool fallback = false;
	size_t i;
	int group;

	if (!has_client(sb, up->client) && up->client->npackages > 0) {
		/* A pattern of a client the service does not depend on (new Pool of another lib).
		 */
		return;
	}
	(void)len;
	if (up->adapter != NULL && sb->code_adapter == NULL)
		sb->code_adapter = arena_strdup(a, up->adapter);
	if (key != NULL) {
		add_key(&keys, key, 0);
	} else {
		if (text == NULL)
			text = m->args;
		if (text != NULL) {
			int budget = BINDING_LOOKUPS;

			collect_keys(sb, lang, text, data, m->start, 0, &budget, &keys);
			fallback =
			    keys.len > 1 && text_or_binding_has_fallback(text, data, m->start);
		}
		if (keys.len == 0 && up->default_key != NULL)
			add_key(&keys, up->default_key, 0);
	}
	if (keys.len > 0 && strcmp(up->client->id, "prisma") == 0 &&
	    up->role == CONN_ROLE_RUNTIME && strncmp(up->id, "prisma-schema", 13) != 0)
		sb->prisma_url_in_code = true;
	group = ++sb->next_group;
	for (i = 0; i < keys.len; i++) {
		struct use_rec *u = VEC_PUSH_ZERO(&sb->uses);

		u->key = keys.items[i].key;
		u->up = up;
		u->file = arena_strdup(a, file);
		u->line = m->line;
		u->col = m->col;
		u->runtime_file = runtime_file;
		u->alternative = fallback;
		u->group = group;
		u->adapter = up->adapter ? arena_strdup(a, up->adapter) : NULL;
	}
	VEC_FREE(&keys);
}

static void
scan_file(struct svc_build *sb, const struct walk_entry *e, struct cstr_vec *off_files,
          struct client_vec *off_clients)
{
	struct conn_build *b = sb->b;
	struct scan *s = b->s;
	struct el_error err = EL_ERROR_INIT;
	struct source_matches ms = {0};
	const char *base = strrchr(e->path, '/');
	enum source_lang lang = source_lang_of(base ? base + 1 : e->path);
	bool runtime_file = !is_non_runtime(s, e);
	const char *data;
	size_t len = 0, j;
	int rc;

	if (lang == LANG_NONE)
		return;
	if ((data = scan_entry_source(s, e, &len, &err)) == NULL)
		goto done;
	if (!scan_take_matches(s, e, b->pats_set, &ms, &rc, &err))
		rc = source_scan_set(&ms, scan_rx(s), lang, data, len, b->pats_set, &err);
	if (rc != 0)
		goto done;
	for (j = 0; j < ms.len; j++) {
		const struct source_match *m = &ms.items[j];
		const struct pat_meta *pm = &b->meta.items[m->pattern - b->pats.items];

		switch (pm->kind) {
		case PAT_USE:
			if (file_matches(&pm->use, e->path))
				record_use(sb, &pm->use, e->path, m, lang, data, len, runtime_file);
			break;
		case PAT_SETS_PGBOUNCER:
			if (runtime_file)
				sb->sets_pgbouncer = true;
			break;
		case PAT_PREPARED_OFF:
			VEC_PUSH(off_files, arena_strdup(sb->a, e->path));
			VEC_PUSH(off_clients, pm->client);
			break;
		case PAT_ENV_READ:
			break;
		}
	}
done:
	source_matches_free(&ms);
	el_error_clear(&err);
}

/*
 * Frameworks that read a variable with no code (Rails: DATABASE_URL; Spring
 * Boot: SPRING_DATASOURCE_URL): a runtime use located at the first of the
 * client's config files that exists (else its manifest), whose text is also
 * searched for the switches that turn prepared statements off.
 */
static void
implicit_uses(struct svc_build *sb, struct cstr_vec *off_files, struct client_vec *off_clients)
{
	struct conn_build *b = sb->b;
	struct arena *a = sb->a;
	size_t d, i, j;

	for (d = 0; d < sb->deps.len; d++) {
		const struct client_info *ci = sb->deps.items[d].ci;
		struct use_pattern *up;
		const char *where = NULL;

		if (ci->nimplicit_keys == 0)
			continue;
		for (i = 0; i < ci->nconfig_files && where == NULL; i++) {
			char *rel = path_join(sb->svc->path, ci->config_files[i]);
			char *full = xasprintf("%s/%s", b->s->root, rel), *data = NULL;
			struct el_error err = EL_ERROR_INIT;
			size_t len = 0;

			if (file_read(full, FILE_MAX_READ, &data, &len, &err) == FILE_READ_OK) {
				struct source_matches ms = {0};

				where = arena_strdup(a, rel);
				/* The config file is searched with the client's own switches only.
				 */
				if (ci->langs != 0 &&
				    source_scan_set(&ms, scan_rx(b->s),
				                    (enum source_lang)(ci->langs & -ci->langs), data,
				                    len, b->pats_set, &err) == 0) {
					for (j = 0; j < ms.len; j++) {
						const struct pat_meta *pm =
						    &b->meta.items[ms.items[j].pattern -
						                   b->pats.items];

						if (pm->kind == PAT_PREPARED_OFF &&
						    pm->client == ci) {
							VEC_PUSH(off_files, where);
							VEC_PUSH(off_clients, ci);
						}
					}
				}
				source_matches_free(&ms);
			}
			el_error_clear(&err);
			free(data);
			free(full);
			free(rel);
		}
		if (where == NULL && sb->svc->manifests.len > 0)
			where = arena_strdup(a, sb->svc->manifests.items[0]);
		up = arena_alloc(a, sizeof(*up));
		up->id = "implicit";
		up->client = ci;
		up->role = CONN_ROLE_RUNTIME;
		for (i = 0; i < ci->nimplicit_keys; i++) {
			struct use_rec *u = VEC_PUSH_ZERO(&sb->uses);

			u->key = xstrdup(ci->implicit_keys[i]);
			u->up = up;
			u->file = where;
			u->line = 1;
			u->col = 1;
			u->runtime_file = true;
			u->group = ++sb->next_group;
		}
	}
}

/* ---- building connections ---- */

/* Deep copy of a parsed URL into the arena. */
static void
part_copy(struct arena *a, struct url_part *dst, const struct url_part *src)
{
	*dst = *src;
	dst->raw = arena_strdup(a, src->raw);
	dst->value = arena_strdup(a, src->value);
}

static struct url *
url_to_arena(struct arena *a, const struct url *u)
{
	struct url *c = arena_alloc(a, sizeof(*c));
	size_t i;

	*c = *u;
	part_copy(a, &c->scheme, &u->scheme);
	c->scheme_name = arena_strdup(a, u->scheme_name);
	c->driver = arena_strdup(a, u->driver);
	part_copy(a, &c->user, &u->user);
	part_copy(a, &c->password, &u->password);
	part_copy(a, &c->database, &u->database);
	c->hosts = arena_alloc(a, (u->nhosts + 1) * sizeof(*c->hosts));
	for (i = 0; i < u->nhosts; i++) {
		c->hosts[i] = u->hosts[i];
		part_copy(a, &c->hosts[i].name, &u->hosts[i].name);
		part_copy(a, &c->hosts[i].port, &u->hosts[i].port);
	}
	c->params = arena_alloc(a, (u->nparams + 1) * sizeof(*c->params));
	for (i = 0; i < u->nparams; i++) {
		c->params[i] = u->params[i];
		part_copy(a, &c->params[i].key, &u->params[i].key);
		part_copy(a, &c->params[i].value, &u->params[i].value);
	}
	return c;
}

static void
set_value(struct svc_build *sb, struct connection *c, const struct env_entry *e)
{
	struct arena *a = sb->a;
	struct url *u = NULL;
	struct el_error err = EL_ERROR_INIT;

	c->entry = e;
	if (e == NULL || e->winner.value == NULL)
		return;
	c->value = e->winner.value;
	c->file = e->winner.file;
	c->line = e->winner.line;
	c->col = e->winner.col;
	/* A value that depends on the container's environment, a build-time
	 * stand-in (…/dummy), or a secret reference resolved at runtime (op://,
	 * encrypted:): no endpoint to judge (real-world.md §4, traps 3, 7, 11). */
	if (e->winner.unknowable || e->winner.placeholder || e->winner.opaque != NULL)
		return;
	if (!url_looks_like_dsn(c->value) && !is_url_key(sb->b->k, c->key))
		return;
	if (url_parse(&u, c->value, strlen(c->value), &err) != 0) {
		c->parse_error = arena_strdup(a, err.msg);
		el_error_clear(&err);
		return;
	}
	c->url = url_to_arena(a, u);
	{
		char *r = redact_parsed_value(c->value, u, NULL, NULL);

		c->value_redacted = arena_strdup(a, r);
		free(r);
	}
	url_free(u);
	endpoint_classify(sb->b->k->providers, c->url, a, &c->ep);
}

/*
 * The driver behind a URL without one (postgresql://): the default when the
 * service has it installed. Without it SQLAlchemy fails to import the default,
 * so a service that installs only another driver must be rewriting the scheme
 * to that one (postgresql+psycopg://) before the engine sees it.
 */
static const char *
installed_driver(const struct svc_build *sb, const struct client_info *ci)
{
	const struct conn_knowledge *k = sb->b->k;
	const struct client_info *d = client_find(k, ci->default_driver);
	size_t i;

	if (d == NULL || dep_find(sb, d) != NULL)
		return ci->default_driver;
	for (i = 0; i < ci->ndrivers; i++) {
		d = client_find(k, ci->drivers[i]);
		if (d != NULL && d->npackages > 0 && dep_find(sb, d) != NULL)
			return ci->drivers[i];
	}
	return ci->default_driver;
}

/* The client variant for the URL (sqlalchemy -> sqlalchemy+asyncpg). */
static const struct client_info *
client_variant(const struct svc_build *sb, const struct client_info *ci, const struct url *u,
               const char **driver)
{
	const char *drv = NULL;
	const struct client_info *v;
	size_t i;

	if (ci->ndrivers == 0)
		return ci;
	if (u == NULL)
		return ci; /* the value is unknown: so is the driver */
	if (u->driver != NULL) {
		for (i = 0; i < ci->ndrivers; i++)
			if (strcmp(ci->drivers[i], u->driver) == 0)
				drv = ci->drivers[i];
	} else {
		drv = installed_driver(sb, ci);
	}
	if (drv == NULL)
		return ci;
	*driver = drv;
	v = client_find(sb->b->k, arena_printf(sb->a, "%s+%s", ci->id, drv));
	return v ? v : ci;
}

static bool
url_has_param(const struct url *u, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t i;

	if (u == NULL || eq == NULL)
		return false;
	for (i = 0; i < u->nparams; i++) {
		const struct url_param *p = &u->params[i];

		if (p->key.value == NULL || strlen(p->key.value) != (size_t)(eq - kv) ||
		    strncmp(p->key.value, kv, (size_t)(eq - kv)) != 0)
			continue;
		if (p->value.value != NULL && strcasecmp(p->value.value, eq + 1) == 0)
			return true;
	}
	return false;
}

static void
set_client(struct svc_build *sb, struct connection *c, const struct client_info *ci,
           const char *code_adapter)
{
	const struct conn_knowledge *k = sb->b->k;
	const struct dep_client *dc = dep_find(sb, ci);
	const char *driver = NULL;
	const struct client_info *v;
	size_t i;

	c->client = ci->id;
	c->client_name = ci->name;
	c->client_major = dc ? dc->major : 0;
	c->adapter = code_adapter ? code_adapter : dc ? dc->adapter : NULL;
	v = client_variant(sb, ci, c->url, &driver);
	c->client_info = v;
	c->param_client = v;
	if (driver != NULL) {
		c->driver = driver;
		c->client = v->id;
		c->client_name = v->name;
	}
	/* Drizzle and the like: the driver package the service depends on decides. */
	for (i = 0; i < ci->ndriver_clients; i++) {
		const struct client_info *under = client_find(k, ci->driver_clients[i]);

		if (under != NULL && dep_find(sb, under) != NULL) {
			c->client_info = under;
			c->param_client = under;
			c->driver = under->id;
			c->client_name =
			    arena_printf(sb->a, "%s with %s", ci->name, under->name);
			return;
		}
	}
	if (ci->adapter_client != NULL &&
	    (ci->nadapters == 0 || c->adapter != NULL ||
	     (ci->max_major_engine >= 0 && c->client_major > ci->max_major_engine))) {
		const struct client_info *ac = client_find(k, ci->adapter_client);

		if (ac != NULL) {
			c->param_client = ac;
			if (ci->nadapters > 0)
				c->driver = ac->id;
		}
	}
}

static void
set_prepared_off(struct connection *c, struct cstr_vec *off_files, struct client_vec *off_clients)
{
	/* Under a driver adapter the driver's own rules decide. */
	const struct client_info *ci = c->param_client ? c->param_client : c->client_info;
	size_t i;

	if (ci == NULL)
		return;
	for (i = 0; i < ci->noff_params; i++)
		if (url_has_param(c->url, ci->off_params[i]))
			c->prepared_off = true;
	for (i = 0; i < off_files->len && c->use_file != NULL; i++)
		if (off_clients->items[i] == ci && strcmp(off_files->items[i], c->use_file) == 0)
			c->prepared_off = true;
}

/*
 * The service's client for a URL of kind postgres when no code names one: the
 * first in pack order it depends on (frameworks and ORMs come before drivers).
 */
static const struct client_info *
default_client(const struct svc_build *sb)
{
	const struct conn_knowledge *k = sb->b->k;
	size_t i;

	for (i = 0; i < k->nclients; i++)
		if (k->clients[i].postgres && dep_find(sb, &k->clients[i]) != NULL)
			return &k->clients[i];
	return NULL;
}

/* The connection already built for the same key, client, runtime flag, role and use. */
static struct connection *
conn_same(struct svc_build *sb, const struct connection *n)
{
	size_t i;

	for (i = 0; i < sb->out.len; i++) {
		struct connection *c = &sb->out.items[i];

		/* Drizzle over postgres.js and postgres.js itself are one client of the value. */
		if (strcmp(c->key, n->key) == 0 && c->runtime == n->runtime && c->role == n->role &&
		    c->used == n->used && (c->note == NULL) == (n->note == NULL) &&
		    ((c->client_info != NULL && c->client_info == n->client_info) ||
		     (c->client == NULL && n->client == NULL) ||
		     (c->client && n->client && strcmp(c->client, n->client) == 0)))
			return c;
	}
	return NULL;
}

static bool
conn_key_used(const struct svc_build *sb, const char *key)
{
	size_t i;

	for (i = 0; i < sb->out.len; i++)
		if (strcmp(sb->out.items[i].key, key) == 0)
			return true;
	return false;
}

/* Whether the service's code or schema has a use of the pattern with this id. */
static bool
has_use(const struct svc_build *sb, const char *id)
{
	size_t i;

	for (i = 0; i < sb->uses.len; i++)
		if (strcmp(sb->uses.items[i].up->id, id) == 0)
			return true;
	return false;
}

/* The earlier defined key of its group that alternative use idx loses to, or NULL. */
static const char *
alternative_loses(const struct svc_build *sb, size_t idx)
{
	const struct use_rec *u = &sb->uses.items[idx];
	size_t i;

	if (!u->alternative)
		return NULL;
	for (i = 0; i < idx; i++) {
		const struct use_rec *o = &sb->uses.items[i];

		if (o->group == u->group && env_has_value(sb->svc, o->key))
			return o->key;
	}
	return NULL;
}

static void
build_from_uses(struct svc_build *sb, struct cstr_vec *off_files, struct client_vec *off_clients)
{
	struct arena *a = sb->a;
	size_t i;

	for (i = 0; i < sb->uses.len; i++) {
		const struct use_rec *u = &sb->uses.items[i];
		const bool schema = strncmp(u->up->id, "prisma-schema", 13) == 0;
		struct connection c;
		const char *lost_to;
		bool runtime, loses;

		memset(&c, 0, sizeof(c));
		c.key = arena_strdup(a, u->key);
		c.name_role = name_role(sb->b->k, c.key);
		c.role = u->up->role;
		runtime = c.role == CONN_ROLE_RUNTIME && (u->runtime_file || schema);
		/* `A || B` with A defined: B is never used. */
		lost_to = alternative_loses(sb, i);
		loses = lost_to != NULL;
		if (loses)
			runtime = false;
		if (schema && c.role == CONN_ROLE_RUNTIME && sb->prisma_url_in_code) {
			/* A schema url that code replaces (datasources / adapter) is the CLI's
			 * only. */
			runtime = false;
			if (has_use(sb, "prisma-schema-direct-url")) {
				c.note = "Prisma Client gets its URL in code and migrations use "
				         "directUrl, "
				         "so the schema url is not used";
			} else {
				c.role = CONN_ROLE_MIGRATION;
				c.note = "Prisma Client gets its URL in code, so the schema url "
				         "serves the "
				         "Prisma CLI only";
			}
		} else if (c.role == CONN_ROLE_RUNTIME && !runtime && !loses) {
			/* Tooling, tests, scripts: what the name says (a migration script's
			 * DIRECT_URL). */
			c.role = name_role(sb->b->k, c.key);
		}
		c.runtime = runtime;
		c.role_from_code = !schema;
		c.used = !loses;
		c.lost_to = lost_to ? arena_strdup(a, lost_to) : NULL;
		c.use_file = u->file;
		c.use_line = u->line;
		c.use_col = u->col;
		c.use_kind = u->up->id;
		set_value(sb, &c, env_find(sb->svc, c.key));
		set_client(sb, &c, u->up->client,
		           u->adapter ? u->adapter
		                      : (strcmp(u->up->client->id, "prisma") == 0 ? sb->code_adapter
		                                                                  : NULL));
		{
			struct connection *same = conn_same(sb, &c);

			/* One value reaches the client once; the adapter call is where it is handed
			 * over. */
			if (same != NULL) {
				if (u->adapter != NULL) {
					same->use_file = c.use_file;
					same->use_line = c.use_line;
					same->use_col = c.use_col;
					same->use_kind = c.use_kind;
					set_prepared_off(same, off_files, off_clients);
				}
				continue;
			}
		}
		if (name_role(sb->b->k, c.key) != CONN_ROLE_RUNTIME)
			c.pooled_counterpart = pooled_counterpart(sb->b->k, c.key, a);
		c.code_sets_pgbouncer = sb->sets_pgbouncer;
		set_prepared_off(&c, off_files, off_clients);
		VEC_PUSH(&sb->out, c);
		/* Without directUrl the Prisma CLI migrates through the schema url too. */
		if (schema && c.role == CONN_ROLE_RUNTIME && c.runtime &&
		    !has_use(sb, "prisma-schema-direct-url")) {
			c.runtime = false;
			c.role = CONN_ROLE_MIGRATION;
			c.note =
			    "without directUrl the Prisma CLI (migrate) uses the schema url too";
			if (conn_same(sb, &c) == NULL)
				VEC_PUSH(&sb->out, c);
		}
	}
}

/* Keys with connection values that no client call consumes: reads in code, or only defined. */
static void
build_from_env(struct svc_build *sb)
{
	const struct service *svc = sb->svc;
	struct arena *a = sb->a;
	const struct client_info *dflt = default_client(sb);
	size_t i, j;

	for (i = 0; i < svc->env.len; i++) {
		const struct env_entry *e = &svc->env.items[i];
		const struct env_read *rd = NULL;
		struct connection c;

		if (conn_key_used(sb, e->key))
			continue;
		if (!is_url_key(sb->b->k, e->key) &&
		    (e->winner.value == NULL || !url_looks_like_dsn(e->winner.value)))
			continue;
		for (j = 0; j < svc->reads.len; j++) {
			const struct env_read *r = &svc->reads.items[j];

			if (strcmp(r->key, e->key) == 0 && strcmp(r->kind, "shell-var") != 0 &&
			    (rd == NULL || (r->runtime && !rd->runtime)))
				rd = r;
		}
		memset(&c, 0, sizeof(c));
		c.key = e->key;
		c.role = name_role(sb->b->k, e->key);
		c.name_role = c.role;
		set_value(sb, &c, e);
		if (c.url == NULL && c.value != NULL && !url_looks_like_dsn(c.value))
			continue;
		c.used = rd != NULL;
		c.runtime = rd != NULL && rd->runtime && c.role == CONN_ROLE_RUNTIME;
		if (rd != NULL) {
			c.use_file = arena_strdup(a, rd->file);
			c.use_line = rd->line;
			c.use_col = rd->col;
			c.use_kind = rd->kind;
		}
		if (dflt != NULL && (c.url == NULL || c.url->kind == URL_KIND_POSTGRES))
			set_client(sb, &c, dflt, NULL);
		if (c.role != CONN_ROLE_RUNTIME)
			c.pooled_counterpart = pooled_counterpart(sb->b->k, c.key, a);
		c.code_sets_pgbouncer = sb->sets_pgbouncer;
		VEC_PUSH(&sb->out, c);
	}
}

/* The entry of the first of names (NULL-terminated) that svc defines, or NULL. */
static const struct env_entry *
first_defined(const struct service *svc, const char *const *names)
{
	const struct env_entry *e;

	for (; names != NULL && *names != NULL; names++) {
		if ((e = env_find(svc, *names)) != NULL && e->winner.value != NULL)
			return e;
	}
	return NULL;
}

/* POSTGRES_HOST/PORT/USER... and PG*: one endpoint per group the service defines. */
static void
build_from_components(struct svc_build *sb)
{
	const struct conn_knowledge *k = sb->b->k;
	struct arena *a = sb->a;
	size_t i, j, nnames;

	for (i = 0; i < k->ncomponents; i++) {
		const struct component *cp = &k->components[i];
		const struct env_entry *host = env_find(sb->svc, cp->host);
		const struct env_entry *port = cp->port ? env_find(sb->svc, cp->port) : NULL;
		const struct env_entry *user = first_defined(sb->svc, cp->users);
		const char *names[10] = {cp->host, cp->port};
		const struct client_info *dflt = default_client(sb);
		struct connection c;
		int portno = URL_POSTGRES_DEFAULT_PORT;

		if (host == NULL || host->winner.value == NULL || conn_key_used(sb, cp->id) ||
		    dflt == NULL)
			continue;
		nnames = 2;
		for (j = 0; cp->users != NULL && cp->users[j] != NULL && nnames < 6; j++)
			names[nnames++] = cp->users[j];
		for (j = 0; cp->databases != NULL && cp->databases[j] != NULL && nnames < 10; j++)
			names[nnames++] = cp->databases[j];
		if (port != NULL && port->winner.value != NULL) {
			char *end;
			long v = strtol(port->winner.value, &end, 10);

			if (*end != '\0' || v < 1 || v > 65535)
				continue;
			portno = (int)v;
		}
		memset(&c, 0, sizeof(c));
		c.key = cp->id;
		c.role = cp->role;
		c.name_role = cp->role;
		c.from_components = true;
		c.component_user = user && user->winner.value ? user->winner.value : NULL;
		c.file = host->winner.file;
		c.line = host->winner.line;
		c.col = host->winner.col;
		c.value_redacted = arena_printf(a, "%s=%s %s=%d", cp->host, host->winner.value,
		                                cp->port ? cp->port : "port", portno);
		endpoint_classify_parts(k->providers, arena_strdup(a, host->winner.value), portno,
		                        user && user->winner.value ? user->winner.value : NULL, a,
		                        &c.ep);
		for (j = 0; j < sb->svc->reads.len && !c.used; j++) {
			const struct env_read *r = &sb->svc->reads.items[j];
			size_t n;

			for (n = 0; n < nnames; n++) {
				if (names[n] == NULL || strcmp(r->key, names[n]) != 0 ||
				    strcmp(r->kind, "shell-var") == 0)
					continue;
				c.used = true;
				c.runtime = r->runtime && c.role == CONN_ROLE_RUNTIME;
				c.use_file = arena_strdup(a, r->file);
				c.use_line = r->line;
				c.use_col = r->col;
				c.use_kind = r->kind;
				break;
			}
		}
		set_client(sb, &c, dflt, NULL);
		c.code_sets_pgbouncer = sb->sets_pgbouncer;
		VEC_PUSH(&sb->out, c);
	}
}

static int
cmp_conn(const void *x, const void *y)
{
	const struct connection *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c != 0)
		return c;
	if (a->runtime != b->runtime)
		return a->runtime ? -1 : 1;
	return strcmp(a->client ? a->client : "", b->client ? b->client : "");
}

static void
build_service(struct conn_build *b, struct service *svc)
{
	struct svc_build sb;
	struct arena *a = scan_arena(b->s);
	struct service_conns *sc = arena_alloc(a, sizeof(*sc));
	struct cstr_vec off_files = {0};
	struct client_vec off_clients = {0};
	const struct service *root = discover_find(b->s, ".");
	size_t i;

	memset(&sb, 0, sizeof(sb));
	sb.b = b;
	sb.a = a;
	sb.svc = svc;
	deps_of(&sb, svc);
	if (root != NULL && root != svc)
		deps_of(&sb, root); /* hoisted dependencies of the workspace root */
	for (i = 0; i < svc->files.len; i++) {
		const struct walk_entry *e = &b->s->walk->entries[svc->files.items[i]];

		if (e->kind != SCAN_FILE_SOURCE)
			continue;
		scan_file(&sb, e, &off_files, &off_clients);
	}
	implicit_uses(&sb, &off_files, &off_clients);
	build_from_uses(&sb, &off_files, &off_clients);
	build_from_env(&sb);
	/* A MySQL or MongoDB service's DB_HOST/DB_PORT are not a Postgres endpoint. */
	if (!dbkind_not_postgres(b->dbkinds, b->s, svc))
		build_from_components(&sb);
	if (sb.out.len > 1)
		qsort(sb.out.items, sb.out.len, sizeof(*sb.out.items), cmp_conn);
	sc->svc = svc;
	sc->k = b->k;
	ARENA_COPY(a, sb.out, sc->items, sc->len);
	sc->clients = arena_alloc(a, (sb.deps.len + 1) * sizeof(*sc->clients));
	for (i = 0; i < sb.deps.len; i++)
		sc->clients[i] = sb.deps.items[i].ci->id;
	sc->nclients = sb.deps.len;
	svc->conns = sc;
	for (i = 0; i < sb.uses.len; i++)
		free(sb.uses.items[i].key);
	VEC_FREE(&sb.uses);
	VEC_FREE(&sb.deps);
	VEC_FREE(&off_files);
	VEC_FREE(&off_clients);
}

/* scan_each_service: the connections of service i. */
static void
build_one(struct scan *s, size_t i, void *b)
{
	build_service(b, s->services.items[i]);
}

void
connections_release(struct conn_build *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->rxs.len; i++)
		rx_free(b->rxs.items[i]);
	VEC_FREE(&b->rxs);
	source_set_free(b->pats_set);
	source_set_free(b->env_reads_set);
	VEC_FREE(&b->pats);
	VEC_FREE(&b->meta);
	VEC_FREE(&b->env_reads);
	dbkind_free(b->dbkinds);
	free(b);
}

int
connections_prepare(struct scan *s, struct el_error *err)
{
	struct conn_build *b;

	if (s->conn_build != NULL)
		return 0;
	b = xcalloc(1, sizeof(*b));
	b->s = s;
	b->a = &s->arena;
	if (knowledge_build(b, err) != 0 || dbkind_load(&b->dbkinds, s, err) != 0) {
		connections_release(b);
		return -1;
	}
	b->pats_set = source_set_new(b->pats.items, b->pats.len);
	b->env_reads_set = source_set_new(b->env_reads.items, b->env_reads.len);
	s->conn_build = b;
	return 0;
}

const struct source_set *
connections_source_set(const struct scan *s)
{
	return s->conn_build != NULL ? s->conn_build->pats_set : NULL;
}

int
connections_build(struct scan *s, struct el_error *err)
{
	size_t i;

	for (i = 0; i < s->services.len; i++)
		if (s->services.items[i]->conns != NULL)
			return 0;
	if (connections_prepare(s, err) != 0)
		return -1;
	scan_each_service(s, build_one, s->conn_build);
	return 0;
}

const struct service_conns *
connections_of(const struct service *svc)
{
	return svc->conns;
}

enum param_effect
connection_param_effect(const struct connection *c, const char *name, const char **error_template,
                        const char **fix)
{
	const struct client_info *ci = c->param_client ? c->param_client : c->client_info;
	size_t i;

	if (error_template != NULL)
		*error_template = NULL;
	if (fix != NULL)
		*fix = NULL;
	if (ci == NULL)
		return PARAM_UNKNOWN;
	for (i = 0; i < ci->nparams; i++) {
		if (strcmp(ci->params[i].name, name) != 0)
			continue;
		if (error_template != NULL)
			*error_template = ci->params[i].error;
		if (fix != NULL)
			*fix = ci->params[i].fix;
		return ci->params[i].effect;
	}
	if (error_template != NULL)
		*error_template = ci->other_error;
	return ci->other;
}

char *
client_error_text(const char *tpl, const char *name)
{
	struct buf b = BUF_INIT;
	const char *p;

	if (tpl == NULL)
		return NULL;
	while ((p = strstr(tpl, "{param}")) != NULL) {
		buf_add(&b, tpl, (size_t)(p - tpl));
		buf_puts(&b, name);
		tpl = p + 7;
	}
	buf_puts(&b, tpl);
	return buf_detach(&b);
}

const char *
conn_role_name(enum conn_role r)
{
	switch (r) {
	case CONN_ROLE_MIGRATION:
		return "migration";
	case CONN_ROLE_SHADOW:
		return "shadow";
	case CONN_ROLE_RUNTIME:
		break;
	}
	return "runtime";
}
