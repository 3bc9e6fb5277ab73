/* Schemas of the `pools` and `plans` pack kinds (see rules/pools.yml, rules/plans.yml). */
#include "config/pack_budget.h"

#include <stddef.h>

static const char *const kind_pools_name[] = {"pools", NULL};
static const char *const kind_plans_name[] = {"plans", NULL};
static const char *const role_names[] = {"create", "set", NULL};

static const struct schema_type version_type = {.kind = SCHEMA_INT};
static const struct schema_type any_type = {.kind = SCHEMA_ANY};
static const struct schema_type string_list = {.kind = SCHEMA_LIST, .item = &schema_string};
static const struct schema_type regex_list = {.kind = SCHEMA_LIST, .item = &schema_regex};
static const struct schema_type count_type = {.kind = SCHEMA_INT, .min = 1, .max = 1000000};
static const struct schema_type limit_type = {.kind = SCHEMA_INT, .min = 0, .max = 100000000};
static const struct schema_type major_type = {.kind = SCHEMA_INT, .min = 0, .max = 1000};
static const struct schema_type role_type = {.kind = SCHEMA_ENUM, .enum_values = role_names};

/* ---- kind: pools ---- */

static const struct schema_type kind_pools_type = {.kind = SCHEMA_ENUM,
                                                   .enum_values = kind_pools_name};

static const struct schema_field machine_fields[] = {
    {"cpus", &count_type, false},
    {"physical-cpus", &count_type, false},
    {NULL, NULL, false},
};
static const struct schema_type machine_type = {.kind = SCHEMA_OBJECT, .fields = machine_fields};

static const struct schema_field value_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"lang", &any_type, false}, /* a name or a list of names */
    {"regex", &schema_regex, true},
    {NULL, NULL, false},
};
static const struct schema_type value_type = {.kind = SCHEMA_OBJECT, .fields = value_fields};
static const struct schema_type value_list = {.kind = SCHEMA_LIST, .item = &value_type};

static const struct schema_field term_fields[] = {
    {"from", &string_list, true},
    {"default", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type term_type = {.kind = SCHEMA_OBJECT, .fields = term_fields};
static const struct schema_type term_list = {
    .kind = SCHEMA_LIST, .item = &term_type, .nonempty = true};

static const struct schema_field unbounded_fields[] = {
    {"from", &string_list, true},
    {"regex", &schema_regex, true},
    {NULL, NULL, false},
};
static const struct schema_type unbounded_type = {.kind = SCHEMA_OBJECT,
                                                  .fields = unbounded_fields};

static const struct schema_field pool_pattern_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"lang", &any_type, true},
    {"literal", &schema_string, false},
    {"requires", &schema_string, false},
    {"regex", &schema_regex, true},
    {"call-args", &schema_bool, false},
    {"role", &role_type, false},
    {"url", &string_list, false},
    {"url-key", &schema_nonempty_string, false},
    {"size", &term_list, false},
    {"unbounded-when", &unbounded_type, false},
    {"zero-unbounded", &schema_bool, false},
    {"files", &string_list, false},
    {"once-per-file", &schema_bool, false},
    {NULL, NULL, false},
};
static const struct schema_type pool_pattern_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = pool_pattern_fields};
static const struct schema_type pool_pattern_list = {.kind = SCHEMA_LIST,
                                                     .item = &pool_pattern_type};

static const struct schema_field pool_client_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"label", &schema_nonempty_string, false},
    {"connections", &string_list, false},
    {"packages", &string_list, false},
    {"max-major", &major_type, false},
    {"unless-packages", &string_list, false},
    {"default", &schema_nonempty_string, false},
    {"default-why", &schema_nonempty_string, false},
    {"no-pool", &schema_bool, false},
    {"detect", &pool_pattern_list, false},
    {NULL, NULL, false},
};
static const struct schema_type pool_client_type = {.kind = SCHEMA_OBJECT,
                                                    .fields = pool_client_fields};
static const struct schema_type pool_client_list = {.kind = SCHEMA_LIST, .item = &pool_client_type};

static const struct schema_field server_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"command", &schema_regex, true},
    {"workers", &schema_regex, false},
    {"threads", &schema_regex, false},
    {"default-workers", &schema_nonempty_string, false},
    {"default-threads", &schema_nonempty_string, false},
    {"workers-env", &schema_nonempty_string, false},
    {"all-cpus", &schema_regex, false},
    {"config-file", &schema_nonempty_string, false},
    {"threads-directive", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type server_type = {.kind = SCHEMA_OBJECT, .fields = server_fields};
static const struct schema_type server_list = {.kind = SCHEMA_LIST, .item = &server_type};

static const struct schema_field pools_pack_fields[] = {
    {"kind", &kind_pools_type, true},           {"version", &version_type, true},
    {"machine", &machine_type, false},          {"values", &value_list, false},
    {"non-runtime-paths", &string_list, false}, {"clients", &pool_client_list, false},
    {"servers", &server_list, false},           {NULL, NULL, false},
};
const struct schema_type pack_budget_pools_type = {.kind = SCHEMA_OBJECT,
                                                   .fields = pools_pack_fields};

/* ---- kind: plans ---- */

static const struct schema_type kind_plans_type = {.kind = SCHEMA_ENUM,
                                                   .enum_values = kind_plans_name};

static const struct schema_field family_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"label", &schema_nonempty_string, false},
    {"providers", &regex_list, false},
    {"smallest", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type family_type = {.kind = SCHEMA_OBJECT, .fields = family_fields};
static const struct schema_type family_list = {.kind = SCHEMA_LIST, .item = &family_type};

static const struct schema_field plan_fields[] = {
    {"name", &schema_nonempty_string, true},
    {"family", &schema_nonempty_string, false},
    {"label", &schema_nonempty_string, false},
    {"aliases", &string_list, false},
    {"max-connections", &limit_type, false},
    {"reserved", &limit_type, false},
    {"pooler-max-clients", &limit_type, false},
    {"pool-size", &limit_type, false},
    {NULL, NULL, false},
};
static const struct schema_type plan_type = {.kind = SCHEMA_OBJECT, .fields = plan_fields};
static const struct schema_type plan_list = {.kind = SCHEMA_LIST, .item = &plan_type};

static const struct schema_field plans_pack_fields[] = {
    {"kind", &kind_plans_type, true},
    {"version", &version_type, true},
    {"families", &family_list, false},
    {"plans", &plan_list, false},
    {NULL, NULL, false},
};
const struct schema_type pack_budget_plans_type = {.kind = SCHEMA_OBJECT,
                                                   .fields = plans_pack_fields};
