#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "report/redact.h"
#include "util/buf.h"
#include "util/timing.h"

/* Longest value quoted in a message before it is cut with an ellipsis. */
#define QUOTE_MAX_BYTES 80

const struct check *const check_table[] = {
	&check_budget,
	&check_envfile,
	&check_files,
	&check_connection,
	&check_ignored,
	&check_shadow,
};

static const size_t check_table_len = sizeof(check_table) / sizeof(check_table[0]);

void
checks_run(struct check_ctx *ctx)
{
	size_t i;

	for (i = 0; i < check_table_len; i++) {
		check_table[i]->run(ctx);
		timing_mark(check_table[i]->family);
	}
}

bool
check_rule_known(const char *id)
{
	size_t i;
	const char *const *r;

	for (i = 0; i < check_table_len; i++) {
		for (r = check_table[i]->rules; *r != NULL; r++) {
			if (strcmp(*r, id) == 0)
				return true;
		}
	}
	return false;
}

enum severity
check_default_severity(const struct check_ctx *ctx, const char *rule)
{
	const struct rule_meta *m = NULL;

	if (ctx->scan->packs != NULL)
		m = packs_rule_find(ctx->scan->packs, rule);
	return m ? m->severity : SEV_WARNING;
}

static bool
key_is_secret(const char *key, void *arg)
{
	const struct check_ctx *ctx = arg;

	return ctx->scan->packs != NULL &&
	       packs_key_is_secret(ctx->scan->packs, ctx->scan->rx, key);
}

char *
check_quote_value(const struct check_ctx *ctx, const char *key, const char *value)
{
	struct buf b = BUF_INIT;
	char *shown;
	size_t len;

	if (value == NULL)
		return xstrdup("(no value)");
	shown = ctx->redact ? redact_value(key, value, key_is_secret, (void *)ctx)
			    : xstrdup(value);
	len = strlen(shown);
	buf_putc(&b, '"');
	if (len > QUOTE_MAX_BYTES) {
		size_t cut = QUOTE_MAX_BYTES;

		while (cut > 0 && ((unsigned char)shown[cut] & 0xc0) == 0x80)
			cut--;
		buf_add(&b, shown, cut);
		buf_puts(&b, "...");
	} else {
		buf_add(&b, shown, len);
	}
	buf_putc(&b, '"');
	free(shown);
	return buf_detach(&b);
}
