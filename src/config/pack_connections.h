/*
 * Schemas of the pack kinds that describe database connections:
 * `providers` (hosts, ports and pooling modes), `clients` (client libraries:
 * manifest packages, the code that hands a URL to them, how they treat URL
 * parameters and prepared statements) and `connections` (variable naming:
 * migration-only names, pooled/direct pairs, component-style settings).
 * The documents are kept by config/pack.c and given meaning by
 * model/endpoint.c and model/connection.c.
 */
#ifndef ENVLINT_PACK_CONNECTIONS_H
#define ENVLINT_PACK_CONNECTIONS_H

#include "config/schema.h"

extern const struct schema_type pack_providers_schema;
extern const struct schema_type pack_clients_schema;
extern const struct schema_type pack_connections_schema;

#endif
