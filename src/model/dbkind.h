/*
 * Which database a service is configured for, from its own settings: the
 * Prisma datasource provider (schema files, schema folders, the package.json
 * "prisma": {"schema"} key, --schema in scripts), Rails database.yml
 * adapter, Django ENGINE. Patterns come from the `databases` section of the
 * connections pack. A service that names only other databases (MySQL,
 * MongoDB, SQLite) gets no Postgres endpoint assembled from component
 * settings (real-world.md §4 trap 4). The set is owned by the caller.
 */
#ifndef ENVLINT_DBKIND_H
#define ENVLINT_DBKIND_H

#include <stdbool.h>

#include "util/error.h"

struct scan;
struct service;
struct dbkind_set;

/* Build the patterns from every connections pack. -1 with err on a bad regex. */
int dbkind_load(struct dbkind_set **out, struct scan *s, struct el_error *err);
void dbkind_free(struct dbkind_set *ds);
/* Whether svc's settings name a database and none of them is Postgres. */
bool dbkind_not_postgres(const struct dbkind_set *ds, struct scan *s, const struct service *svc);

#endif
