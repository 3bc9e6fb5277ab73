#include "model/endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config/pack.h"
#include "config/schema.h"
#include "config/yaml.h"
#include "util/vec.h"

struct provider_port {
	int port;
	enum endpoint_mode mode;
	const char *name, *pooler, *user, *note;
	int ipv6_only;           /* -1 = as the provider says */
	int prepared_statements; /* -1 = as the provider says */
};

struct provider {
	const char *id, *name, *pooler, *user, *note, *source;
	const char **hosts;
	size_t nhosts;
	struct provider_port *ports;
	size_t nports;
	enum endpoint_mode mode;
	bool project_from_user;
	bool ipv6_only, prepared_statements, assumed, user_declared;
	const char **session_errors, **transaction_errors, **tenant_errors;
};

struct provider_set {
	struct provider *items; /* in the order tried: later packs first */
	size_t len;
};

static enum endpoint_mode
mode_of(const struct yml_node *n)
{
	if (n == NULL)
		return EP_MODE_UNKNOWN;
	if (yml_scalar_is(n, "session"))
		return EP_MODE_SESSION;
	if (yml_scalar_is(n, "transaction"))
		return EP_MODE_TRANSACTION;
	if (yml_scalar_is(n, "direct"))
		return EP_MODE_DIRECT;
	return EP_MODE_UNKNOWN;
}

static const char *
str_of(struct arena *a, const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && n->type == YML_SCALAR ? arena_strdup(a, n->text) : NULL;
}

static int
tri_of(const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	if (n == NULL)
		return -1;
	return schema_scalar_true(n) ? 1 : 0;
}

/* Whether a host glob is well formed: `*` anywhere, at most one {project} label. */
static int
check_glob(const char *g, const char *path, const struct yml_node *n, struct el_error *err)
{
	const char *p = strchr(g, '{');

	if (p == NULL)
		return strchr(g, '}') ? el_error_set(err, path, n->line, n->col,
		                                     "unbalanced '}' in host pattern \"%s\"", g)
		                      : 0;
	if (strncmp(p, "{project}", 9) != 0)
		return el_error_set(err, path, n->line, n->col,
		                    "unknown placeholder in host pattern \"%s\" (only {project})",
		                    g);
	if (strchr(p + 9, '{') != NULL)
		return el_error_set(err, path, n->line, n->col,
		                    "host pattern \"%s\" has more than one {project}", g);
	return 0;
}

static const char **
errors_of(struct arena *a, const struct yml_node *e, const char *key)
{
	const struct yml_node *l = yml_map_get(yml_map_get(e, "errors"), key);
	const char **v;
	size_t i;

	if (l == NULL)
		return NULL;
	v = arena_alloc(a, (l->count + 1) * sizeof(*v));
	for (i = 0; i < l->count; i++)
		v[i] = arena_strdup(a, l->items[i]->text);
	return v;
}

static int
load_provider(struct provider *pv, const struct yml_node *e, const char *path, bool user,
              struct arena *a, struct el_error *err)
{
	const struct yml_node *hosts = yml_map_get(e, "hosts"), *ports = yml_map_get(e, "ports");
	const struct yml_node *project = yml_map_get(e, "project");
	size_t i;

	pv->id = str_of(a, e, "id");
	pv->name = str_of(a, e, "name");
	pv->pooler = str_of(a, e, "pooler");
	pv->user = str_of(a, e, "user");
	pv->note = str_of(a, e, "note");
	pv->source = arena_printf(a, "%s:%d", path, e->line);
	pv->mode = mode_of(yml_map_get(e, "mode"));
	pv->project_from_user = project != NULL && yml_scalar_is(project, "user-suffix");
	pv->ipv6_only = tri_of(e, "ipv6-only") == 1;
	pv->prepared_statements = tri_of(e, "prepared-statements") == 1;
	pv->assumed = tri_of(e, "assumed") == 1;
	pv->user_declared = user;
	pv->session_errors = errors_of(a, e, "session-limit");
	pv->transaction_errors = errors_of(a, e, "transaction-limit");
	pv->tenant_errors = errors_of(a, e, "tenant-not-found");
	pv->nhosts = hosts->count;
	pv->hosts = arena_alloc(a, hosts->count * sizeof(*pv->hosts));
	for (i = 0; i < hosts->count; i++) {
		if (check_glob(hosts->items[i]->text, path, hosts->items[i], err) != 0)
			return -1;
		pv->hosts[i] = arena_strdup(a, hosts->items[i]->text);
	}
	if (ports == NULL)
		return 0;
	pv->nports = ports->count;
	pv->ports = arena_alloc(a, ports->count * sizeof(*pv->ports) + 1);
	for (i = 0; i < ports->count; i++) {
		const struct yml_node *p = ports->items[i];
		struct provider_port *pp = &pv->ports[i];
		long port = 0;

		schema_scalar_long(yml_map_get(p, "port"), &port);
		pp->port = (int)port;
		pp->mode = mode_of(yml_map_get(p, "mode"));
		pp->name = str_of(a, p, "name");
		pp->pooler = str_of(a, p, "pooler");
		pp->user = str_of(a, p, "user");
		pp->note = str_of(a, p, "note");
		pp->ipv6_only = tri_of(p, "ipv6-only");
		pp->prepared_statements = tri_of(p, "prepared-statements");
	}
	return 0;
}

int
provider_set_build(struct provider_set **out, const struct packs *packs, struct arena *a,
                   struct el_error *err)
{
	const struct yml_node *const *roots = NULL;
	const char *const *paths = NULL;
	struct provider_set *ps = arena_alloc(a, sizeof(*ps));
	size_t n = 0, total = 0, d, i, k = 0;

	*out = ps;
	if (packs == NULL || packs_kind_docs(packs, "providers", &roots, &paths, &n) != 0)
		return 0;
	for (d = 0; d < n; d++) {
		const struct yml_node *list = yml_map_get(roots[d], "providers");

		total += list ? list->count : 0;
	}
	ps->items = arena_alloc(a, total * sizeof(*ps->items) + 1);
	/* Later packs are tried first; within a pack, in written order. */
	for (d = n; d-- > 0;) {
		const struct yml_node *list = yml_map_get(roots[d], "providers");

		for (i = 0; list != NULL && i < list->count; i++) {
			if (load_provider(&ps->items[k], list->items[i], paths[d], d > 0, a, err) !=
			    0) {
				ps->len = 0;
				return -1;
			}
			k++;
		}
	}
	ps->len = k;
	return 0;
}

/*
 * Match host against glob case-insensitively: `*` any run, `{project}` one
 * whole label (captured into cap/caplen). Iterative, backtracking only to the
 * last `*`, so the time is bounded by len(glob) x len(host) whatever the input.
 */
static bool
glob_host(const char *g, const char *h, const char **cap, size_t *caplen)
{
	const char *star_g = NULL, *star_h = NULL;
	const char *c = NULL;
	size_t clen = 0;

	while (*h || *g) {
		if (*g == '*') {
			star_g = ++g;
			star_h = h;
			continue;
		}
		if (strncmp(g, "{project}", 9) == 0) {
			size_t len = 0;

			while (h[len] && h[len] != '.')
				len++;
			if (len > 0) {
				c = h;
				clen = len;
				g += 9;
				h += len;
				continue;
			}
		} else if (*g && *h && tolower((unsigned char)*g) == tolower((unsigned char)*h)) {
			g++;
			h++;
			continue;
		}
		if (star_g == NULL || *star_h == '\0')
			return false;
		g = star_g;
		h = ++star_h;
		c = NULL;
	}
	*cap = c;
	*caplen = clen;
	return true;
}

const char *
endpoint_mode_name(enum endpoint_mode m)
{
	switch (m) {
	case EP_MODE_SESSION:
		return "session";
	case EP_MODE_TRANSACTION:
		return "transaction";
	case EP_MODE_DIRECT:
		return "direct";
	case EP_MODE_UNKNOWN:
		break;
	}
	return "unknown";
}

bool
endpoint_is_transaction(const struct endpoint *ep)
{
	return ep->mode == EP_MODE_TRANSACTION;
}

void
endpoint_classify_parts(const struct provider_set *ps, const char *host, int port, const char *user,
                        struct arena *a, struct endpoint *out)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	out->host = host;
	out->port = port;
	/* 253 bytes is the longest DNS name: anything longer is no known provider's. */
	if (ps == NULL || host == NULL || *host == '\0' || strlen(host) > 253)
		return;
	for (i = 0; i < ps->len; i++) {
		const struct provider *pv = &ps->items[i];
		const struct provider_port *pp = NULL;
		const char *cap = NULL;
		size_t caplen = 0;
		bool hit = false;

		for (j = 0; j < pv->nhosts && !hit; j++) {
			cap = NULL;
			hit = glob_host(pv->hosts[j], host, &cap, &caplen);
		}
		if (!hit)
			continue;
		if (pv->nports > 0) {
			for (j = 0; j < pv->nports; j++) {
				if (pv->ports[j].port == port)
					pp = &pv->ports[j];
			}
			if (pp == NULL)
				continue;
		}
		out->provider = pv->id;
		out->provider_name = pp && pp->name ? pp->name : pv->name;
		out->pooler = pp && pp->pooler ? pp->pooler : pv->pooler;
		out->mode = pp ? pp->mode : pv->mode;
		out->user_format = pp && pp->user ? pp->user : pv->user;
		out->ipv6_only = pp && pp->ipv6_only >= 0 ? pp->ipv6_only == 1 : pv->ipv6_only;
		out->prepared_statements = pp && pp->prepared_statements >= 0
		                               ? pp->prepared_statements == 1
		                               : pv->prepared_statements;
		out->assumed = pv->assumed;
		out->user_declared = pv->user_declared;
		out->note = pp && pp->note ? pp->note : pv->note;
		out->source = pv->source;
		out->session_limit_errors = pv->session_errors;
		out->transaction_limit_errors = pv->transaction_errors;
		out->tenant_errors = pv->tenant_errors;
		for (j = 0; j < pv->nports; j++) {
			if (pv->ports[j].mode == EP_MODE_SESSION && out->session_port == 0)
				out->session_port = pv->ports[j].port;
			if (pv->ports[j].mode == EP_MODE_TRANSACTION &&
			    out->transaction_port == 0 &&
			    (pv->ports[j].pooler == NULL) == (pp == NULL || pp->pooler == NULL))
				out->transaction_port = pv->ports[j].port;
		}
		if (cap != NULL) {
			out->project = arena_strndup(a, cap, caplen);
		} else if (pv->project_from_user && user != NULL) {
			const char *dot = strrchr(user, '.');

			if (dot != NULL && dot[1] != '\0')
				out->project = arena_strdup(a, dot + 1);
		}
		return;
	}
}

void
endpoint_classify(const struct provider_set *ps, const struct url *u, struct arena *a,
                  struct endpoint *out)
{
	const char *host = NULL, *user = NULL;
	int port = 0;

	memset(out, 0, sizeof(*out));
	if (u == NULL)
		return;
	if (u->nhosts > 0 && u->hosts[0].name.present && !u->hosts[0].name.unresolved) {
		host = arena_strdup(a, u->hosts[0].name.value);
		port = u->hosts[0].port_number;
	}
	if (u->user.present && !u->user.unresolved)
		user = u->user.value;
	if (u->kind != URL_KIND_POSTGRES || host == NULL) {
		out->host = host;
		out->port = port;
		return;
	}
	endpoint_classify_parts(ps, host, port, user, a, out);
}
