/*
 * Schemas of the two pack kinds the connection budget reads: `pools` (pool
 * declaration patterns and client defaults, rules/pools.yml) and `plans`
 * (database plan limits, rules/plans.yml). Their documents are validated
 * here and turned into structs by model/pools.c and model/budget.c.
 */
#ifndef ENVLINT_PACK_BUDGET_H
#define ENVLINT_PACK_BUDGET_H

#include "config/schema.h"

extern const struct schema_type pack_budget_pools_type;
extern const struct schema_type pack_budget_plans_type;

#endif
