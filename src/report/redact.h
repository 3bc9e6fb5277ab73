/*
 * Secret masking for everything envlint prints: connection-string passwords
 * become "****" while scheme, user, host, port, database and parameters stay
 * readable; values of secret-looking keys become "****" entirely. Which key
 * names look secret is the caller's predicate (rules/secrets.yml). Both
 * functions return a new string that the caller frees.
 */
#ifndef ENVLINT_REDACT_H
#define ENVLINT_REDACT_H

#include <stdbool.h>

struct url;

#define REDACT_MASK "****"

/* Whether a key or parameter name looks secret; ctx is passed through. */
typedef bool (*redact_key_fn)(const char *key, void *ctx);

/*
 * The value of env key `key` as it may be shown: "****" when key_is_secret(key)
 * holds, a connection string with its password and secret parameters masked
 * (password= and sslpassword= always count as secret), otherwise the value
 * with any URL password or secret KEY=VALUE inside it masked. Empty values
 * and values that are only ${VAR} references stay as they are. key may be
 * NULL; without key_is_secret, names holding "password"/"passwd" are secret.
 * value NULL gives NULL.
 */
char *redact_value(const char *key, const char *value,
                   bool (*key_is_secret)(const char *key, void *ctx), void *ctx);
/* redact_value without a key for a value the caller already parsed (url_parse gave u). */
char *redact_parsed_value(const char *value, const struct url *u,
                          bool (*key_is_secret)(const char *key, void *ctx), void *ctx);

/*
 * Free text (a message, a code-frame line) with every URL password masked,
 * and the values of secret-looking KEY=VALUE / KEY: VALUE / "key": "value"
 * pairs and password= parameters masked. The last line of defence on output.
 */
char *redact_text(const char *text, bool (*key_is_secret)(const char *key, void *ctx), void *ctx);

#endif
