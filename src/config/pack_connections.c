#include "config/pack_connections.h"

#include <stddef.h>

static const struct schema_type version_type = {.kind = SCHEMA_INT, .min = 1, .max = 1};
static const struct schema_type string_list = {.kind = SCHEMA_LIST, .item = &schema_string};
static const struct schema_type nonempty_string_list = {
    .kind = SCHEMA_LIST, .item = &schema_nonempty_string, .nonempty = true};
static const struct schema_type any_type = {.kind = SCHEMA_ANY};
static const struct schema_type port_type = {.kind = SCHEMA_INT, .min = 1, .max = 65535};

/* ---- kind: providers ---- */

static const char *const mode_names[] = {"session", "transaction", "direct", "unknown", NULL};
static const char *const project_names[] = {"host", "user-suffix", NULL};
static const char *const kind_providers_name[] = {"providers", NULL};
static const struct schema_type mode_type = {.kind = SCHEMA_ENUM, .enum_values = mode_names};
static const struct schema_type project_type = {.kind = SCHEMA_ENUM, .enum_values = project_names};
static const struct schema_type kind_providers_type = {.kind = SCHEMA_ENUM,
                                                       .enum_values = kind_providers_name};

static const struct schema_field provider_port_fields[] = {
    {"port", &port_type, true},
    {"mode", &mode_type, true},
    {"name", &schema_nonempty_string, false},
    {"pooler", &schema_nonempty_string, false},
    {"user", &schema_nonempty_string, false},
    {"ipv6-only", &schema_bool, false},
    {"prepared-statements", &schema_bool, false},
    {"note", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type provider_port_type = {.kind = SCHEMA_OBJECT,
                                                      .fields = provider_port_fields};
static const struct schema_type provider_port_list = {.kind = SCHEMA_LIST,
                                                      .item = &provider_port_type};
static const struct schema_field provider_errors_fields[] = {
    {"session-limit", &nonempty_string_list, false},
    {"transaction-limit", &nonempty_string_list, false},
    {"tenant-not-found", &nonempty_string_list, false},
    {NULL, NULL, false},
};
static const struct schema_type provider_errors_type = {.kind = SCHEMA_OBJECT,
                                                        .fields = provider_errors_fields};
static const struct schema_field provider_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"name", &schema_nonempty_string, true},
    {"hosts", &nonempty_string_list, true},
    {"ports", &provider_port_list, false},
    {"mode", &mode_type, false},
    {"pooler", &schema_nonempty_string, false},
    {"user", &schema_nonempty_string, false},
    {"project", &project_type, false},
    {"ipv6-only", &schema_bool, false},
    {"prepared-statements", &schema_bool, false},
    {"assumed", &schema_bool, false},
    {"errors", &provider_errors_type, false},
    {"note", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type provider_type = {.kind = SCHEMA_OBJECT, .fields = provider_fields};
static const struct schema_type provider_list = {.kind = SCHEMA_LIST, .item = &provider_type};
static const struct schema_field providers_pack_fields[] = {
    {"kind", &kind_providers_type, true},
    {"version", &version_type, true},
    {"providers", &provider_list, true},
    {NULL, NULL, false},
};
const struct schema_type pack_providers_schema = {.kind = SCHEMA_OBJECT,
                                                  .fields = providers_pack_fields};

/* ---- kind: clients ---- */

static const char *const effect_names[] = {"accepted", "ignored", "rejected", "unknown", NULL};
static const char *const role_names[] = {"runtime", "migration", "shadow", NULL};
static const char *const kind_clients_name[] = {"clients", NULL};
static const struct schema_type effect_type = {.kind = SCHEMA_ENUM, .enum_values = effect_names};
static const struct schema_type role_type = {.kind = SCHEMA_ENUM, .enum_values = role_names};
static const struct schema_type kind_clients_type = {.kind = SCHEMA_ENUM,
                                                     .enum_values = kind_clients_name};
static const struct schema_type regex_list = {.kind = SCHEMA_LIST, .item = &schema_regex};

static const struct schema_field param_fields[] = {
    {"names", &nonempty_string_list, true},
    {"effect", &effect_type, true},
    {"error", &schema_nonempty_string, false},
    {"fix", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type param_type = {.kind = SCHEMA_OBJECT, .fields = param_fields};
static const struct schema_type param_list = {.kind = SCHEMA_LIST, .item = &param_type};
static const struct schema_field client_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"name", &schema_nonempty_string, true},
    {"lang", &any_type, false},
    {"packages", &string_list, false},
    {"kinds", &string_list, false},
    {"driver", &schema_nonempty_string, false},
    {"drivers", &string_list, false},
    {"default-driver", &schema_nonempty_string, false},
    {"adapters", &string_list, false},
    {"adapter-client", &schema_nonempty_string, false},
    {"max-major-engine", &schema_int, false},
    {"driver-clients", &string_list, false},
    {"implicit-keys", &string_list, false},
    {"config-files", &string_list, false},
    {"prepares", &schema_bool, false},
    {"prepared-off-params", &string_list, false},
    {"prepared-off", &regex_list, false},
    {"prepared-off-hint", &schema_nonempty_string, false},
    {"prepared-errors", &nonempty_string_list, false},
    {"migrate-errors", &nonempty_string_list, false},
    {"params", &param_list, false},
    {"other-params", &effect_type, false},
    {"other-error", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type client_type = {.kind = SCHEMA_OBJECT, .fields = client_fields};
static const struct schema_type client_list = {.kind = SCHEMA_LIST, .item = &client_type};
static const struct schema_field use_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"client", &schema_nonempty_string, true},
    {"lang", &any_type, false},
    {"files", &string_list, false},
    {"literal", &schema_string, false},
    {"regex", &schema_regex, true},
    {"call-args", &schema_bool, false},
    {"role", &role_type, false},
    {"adapter", &schema_nonempty_string, false},
    {"default-key", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type use_type = {.kind = SCHEMA_OBJECT, .fields = use_fields};
static const struct schema_type use_list = {.kind = SCHEMA_LIST, .item = &use_type};
static const struct schema_field code_pattern_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"lang", &any_type, false},
    {"literal", &schema_string, false},
    {"regex", &schema_regex, true},
    {NULL, NULL, false},
};
static const struct schema_type code_pattern_type = {.kind = SCHEMA_OBJECT,
                                                     .fields = code_pattern_fields};
static const struct schema_type code_pattern_list = {.kind = SCHEMA_LIST,
                                                     .item = &code_pattern_type};
static const struct schema_field clients_pack_fields[] = {
    {"kind", &kind_clients_type, true},
    {"version", &version_type, true},
    {"clients", &client_list, false},
    {"uses", &use_list, false},
    {"env-reads", &code_pattern_list, false},
    {"sets-pgbouncer", &code_pattern_list, false},
    {NULL, NULL, false},
};
const struct schema_type pack_clients_schema = {.kind = SCHEMA_OBJECT,
                                                .fields = clients_pack_fields};

/* ---- kind: connections (variable naming) ---- */

static const char *const kind_connections_name[] = {"connections", NULL};
static const struct schema_type kind_connections_type = {.kind = SCHEMA_ENUM,
                                                         .enum_values = kind_connections_name};
static const struct schema_field name_role_fields[] = {
    {"role", &role_type, true},
    {"names", &nonempty_string_list, true},
    {NULL, NULL, false},
};
static const struct schema_type name_role_type = {.kind = SCHEMA_OBJECT,
                                                  .fields = name_role_fields};
static const struct schema_type name_role_list = {.kind = SCHEMA_LIST, .item = &name_role_type};
static const struct schema_field pair_fields[] = {
    {"pooled", &schema_nonempty_string, true},
    {"direct", &schema_nonempty_string, true},
    {NULL, NULL, false},
};
static const struct schema_type pair_type = {.kind = SCHEMA_OBJECT, .fields = pair_fields};
static const struct schema_type pair_list = {.kind = SCHEMA_LIST, .item = &pair_type};
static const struct schema_field component_fields[] = {
    {"id", &schema_nonempty_string, true},
    {"host", &schema_nonempty_string, true},
    {"port", &schema_nonempty_string, false},
    {"user", &any_type, false},     /* a name or a list of names, first defined wins */
    {"password", &schema_nonempty_string, false},
    {"database", &any_type, false}, /* likewise */
    {"role", &role_type, false},
    {NULL, NULL, false},
};
static const struct schema_type component_type = {.kind = SCHEMA_OBJECT,
                                                  .fields = component_fields};
static const struct schema_type component_list = {.kind = SCHEMA_LIST, .item = &component_type};
static const struct schema_field database_fields[] = {
    {"files", &nonempty_string_list, true},
    {"regex", &schema_nonempty_string, true}, /* compiled by model/dbkind.c */
    {"literal", &schema_nonempty_string, false},
    {NULL, NULL, false},
};
static const struct schema_type database_type = {.kind = SCHEMA_OBJECT, .fields = database_fields};
static const struct schema_type database_list = {.kind = SCHEMA_LIST, .item = &database_type};
static const struct schema_field connections_pack_fields[] = {
    {"kind", &kind_connections_type, true},
    {"version", &version_type, true},
    {"url-keys", &string_list, false},
    {"roles", &name_role_list, false},
    {"pairs", &pair_list, false},
    {"components", &component_list, false},
    {"postgres-kinds", &string_list, false},
    {"databases", &database_list, false},
    {NULL, NULL, false},
};
const struct schema_type pack_connections_schema = {.kind = SCHEMA_OBJECT,
                                                    .fields = connections_pack_fields};
