/*
 * Connections: for every service, the database connection values it uses,
 * what each one points at (endpoint: provider, pooling mode, project), which
 * client library consumes it (from the service's manifests and from code
 * that hands the env variable to a client), and whether it is used while
 * serving (runtime) or by migration tooling. Knowledge lives in packs:
 * providers (model/endpoint.h), clients (rules/clients.yml: packages, the
 * code patterns that hand a value to a client, URL parameters accepted /
 * ignored / rejected) and connections (rules/connections.yml: variable naming
 * such as pooled/direct pairs and component-style settings).
 *
 * connections_build computes everything once per scan (later calls return
 * at once) and hangs a struct service_conns off every service
 * (svc->conns). All of it is allocated in the scan's arena: it stays valid
 * until scan_free and nobody frees it individually; struct url values here
 * must not be passed to url_free.
 */
#ifndef ENVLINT_CONNECTION_H
#define ENVLINT_CONNECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "model/endpoint.h"
#include "model/scan.h"
#include "parse/url.h"
#include "util/error.h"

struct service;
struct env_entry;
struct client_info;
struct conn_knowledge;

enum conn_role {
	CONN_ROLE_RUNTIME = 0, /* the URL a client uses while serving */
	CONN_ROLE_MIGRATION,   /* directUrl, DIRECT_URL, *_UNPOOLED, prisma.config.ts url, ... */
	CONN_ROLE_SHADOW,      /* Prisma's shadow database */
};

/* A URL parameter as one client treats it (from clients.yml). */
enum param_effect {
	PARAM_UNKNOWN = 0,
	PARAM_ACCEPTED, /* understood and honoured */
	PARAM_IGNORED,  /* silently dropped: dead configuration */
	PARAM_REJECTED, /* the client (or the server, via startup parameters) fails */
};

/* One row of a client's parameter table. */
struct client_param {
	const char *name;
	enum param_effect effect;
	const char *error; /* what the user sees, {param} standing for the name; NULL if none */
	const char *fix;   /* how to fix it, NULL if none */
};

/* A client library as the clients pack describes it. */
struct client_info {
	const char *id, *name;
	unsigned langs; /* enum source_lang bits; 0 = any */
	const char **packages;
	size_t npackages;
	const char **drivers; /* SQLAlchemy-style variants <id>+<driver> */
	size_t ndrivers;
	const char *default_driver;
	const char **adapters; /* Prisma driver adapters */
	size_t nadapters;
	const char **norm_packages, **norm_adapters; /* the same, normalised (see pkg_eq) */
	const char *adapter_client; /* whose parameter table applies with an adapter / wrapper */
	int max_major_engine;       /* above it an adapter is implied; -1 = none */
	const char *
	    *driver_clients; /* Drizzle: the first of these the service depends on drives it */
	size_t ndriver_clients;
	const char *
	    *implicit_keys; /* variables the framework reads with no code (Rails DATABASE_URL) */
	size_t nimplicit_keys;
	const char **config_files; /* service files that configure it (config/database.yml) */
	size_t nconfig_files;
	bool prepares;           /* named prepared statements by default */
	const char **off_params; /* "name=value" URL parameters that turn them off */
	size_t noff_params;
	const char *off_hint;
	const char *const *prepared_errors; /* NULL-terminated or NULL */
	const char *const *migrate_errors;
	struct client_param *params;
	size_t nparams;
	enum param_effect other; /* effect of parameters not listed */
	const char *other_error;
	bool postgres; /* kinds includes postgres (or no kinds given) */
};

struct connection {
	const char *key;      /* env variable ("DATABASE_URL"); component group id for PG* style */
	const char *value;    /* effective value (unredacted); NULL when not defined in the repo */
	char *value_redacted; /* every part but the password; NULL when value is NULL */
	struct url *url;      /* parsed value (Postgres, MySQL, ...); NULL when none / unparsable */
	char *parse_error;    /* why value did not parse as a URL, NULL when it did or was none */
	struct endpoint ep;   /* provider, mode, host, port, project (mode unknown without url) */

	/* The consuming client. */
	const char *client; /* client id from clients.yml ("prisma", "pg", "sqlalchemy", ...) */
	const char *client_name; /* display name ("Prisma", "node-postgres", ...) */
	int client_major;        /* major version from the manifest; 0 = unknown */
	const char *driver;  /* DBAPI / wire driver: "asyncpg", "psycopg2", "pg" (adapter) ... */
	const char *adapter; /* Prisma driver adapter package ("@prisma/adapter-pg"), or NULL */
	const struct client_info *client_info; /* the client's pack entry, NULL when unknown */

	bool runtime;        /* used while serving (false: migration / shadow / tooling) */
	enum conn_role role; /* why: runtime, migration, shadow */
	bool role_from_code; /* a runtime client was seen reading this key in code */

	/* Where the value is defined (the winning definition), NULL when undefined. */
	const char *file;
	int line, col;
	const struct env_entry *entry; /* NULL for component-style or undefined values */
	bool from_components;          /* assembled from POSTGRES_HOST/PORT/... or PG* */
	const char *component_user;    /* the user setting's value (components only), or NULL */

	/* Code that hands the value to the client (NULL when only the manifest says so). */
	const char *use_file;
	int use_line, use_col;
	const char *use_kind; /* pattern id from clients.yml ("prisma-datasource-url", ...) */

	bool used;                /* a client or runtime code reads it (false: only defined) */
	const char *lost_to;      /* `A || B`: the defined key this fallback loses to, else NULL */
	const char *note;         /* why the role is what it is, when not obvious; NULL otherwise */
	enum conn_role name_role; /* what the variable's name says (connections pack) */
	bool prepared_off;        /* the URL or the code turns named prepared statements off */
	const char *pooled_counterpart; /* for a migration name: the pooled name of its pair */
	const struct client_info
	    *param_client; /* whose parameter table applies (adapter, wrapper) */

	/* Facts about code around this value (real-world.md §4 traps). */
	bool code_sets_pgbouncer; /* code appends pgbouncer=true before handing it over */
	bool defaulted_in_code;   /* an entrypoint defaults it (${DIRECT_URL:-$DATABASE_URL}) */
	bool placeholder;         /* a dummy/placeholder URL (localhost placeholder, ...) */
};

struct service_conns {
	const struct service *svc;
	struct connection *items; /* in key order, runtime before migration for one key */
	size_t len;
	/* Clients found in the service's manifests (ids), in pack order. */
	const char **clients;
	size_t nclients;
	const struct conn_knowledge *k; /* the packs' knowledge this was built with */
};

/*
 * Compute the connections of every service of s and set svc->conns. Returns
 * 0, or -1 with err when a connections/providers/clients pack entry is
 * invalid (the services then have no connections). Idempotent.
 */
int connections_build(struct scan *s, struct el_error *err);
/*
 * Load what connections_build needs from the packs (clients, their patterns)
 * into s->conn_build, once per scan; -1 (err set) when a pack is unusable.
 */
int connections_prepare(struct scan *s, struct el_error *err);
void connections_release(struct conn_build *b);
/* The pattern set connections_build runs over service files (NULL before connections_prepare). */
const struct source_set *connections_source_set(const struct scan *s);


/* The connections of svc (NULL before connections_build or when it has none). */
const struct service_conns *connections_of(const struct service *svc);

/*
 * How the client consuming c treats URL parameter name: its effect (PARAM_UNKNOWN
 * when the pack does not say) and, when row is not NULL, the pack row (NULL for
 * "other" parameters; then the client's other_error applies).
 */
enum param_effect connection_param_effect(const struct connection *c, const char *name,
                                          const char **error_template, const char **fix);

/* A pack error template with {param} replaced by name; the caller frees it. */
char *client_error_text(const char *error_template, const char *name);

/* "runtime", "migration", "shadow". */
const char *conn_role_name(enum conn_role r);

#endif
