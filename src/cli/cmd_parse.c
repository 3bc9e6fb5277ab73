/* envlint parse FILE: what one loader dialect reads from one env file. */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/pack.h"
#include "parse/dotenv.h"
#include "util/fileio.h"
#include "util/json.h"

/* --set KEY=VALUE pairs as the process environment seen by expansion. */
static const char *
set_lookup(void *ctx, const char *name)
{
	const struct options *o = ctx;
	size_t i, n = strlen(name);

	/* The last --set of a name wins, as a later assignment would in a shell. */
	for (i = o->set.len; i-- > 0;) {
		const char *kv = o->set.items[i];

		if (strncmp(kv, name, n) == 0 && kv[n] == '=')
			return kv + n + 1;
	}
	return NULL;
}

static const char *
problem_label(enum dotenv_problem_kind k)
{
	switch (k) {
	case DOTENV_PROBLEM_SKIPPED: return "line ignored";
	case DOTENV_PROBLEM_SKIPPED_WARN: return "line skipped with a warning";
	case DOTENV_PROBLEM_FILE_REJECTED: return "file rejected";
	case DOTENV_PROBLEM_STOPPED: return "loading stopped";
	case DOTENV_PROBLEM_MISREAD: return "line misread";
	}
	return "problem";
}

/*
 * A loader's error message quotes the text it choked on. When that line
 * holds a secret (a secret-looking key, a URL password), the message is not
 * shown unless --no-redact: masking a fragment out of context is not safe.
 */
static char *
problem_text(struct cli *cli, const char *data, size_t len, const struct dotenv_problem *p)
{
	const char *msg = p->message ? p->message : problem_label(p->kind);
	size_t i, start = 0;
	int line = 1;
	char *text = NULL, *red, *key;
	bool secret = false;

	if (cli->opts.no_redact)
		return xstrdup(msg);
	for (i = 0; i <= len; i++) {
		if (i == len || data[i] == '\n' || data[i] == '\r') {
			if (line == p->line) {
				text = xstrndup(data + start, i - start);
				break;
			}
			if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
				i++;
			line++;
			start = i + 1;
		}
	}
	if (text != NULL) {
		size_t k = strcspn(text, "=:");
		const char *kb = text;

		while (*kb == ' ' || *kb == '\t')
			kb++;
		if (strncmp(kb, "export ", 7) == 0)
			kb += 7;
		key = xstrndup(kb, k > (size_t)(kb - text) ? k - (size_t)(kb - text) : 0);
		while (key[0] && (key[strlen(key) - 1] == ' ' || key[strlen(key) - 1] == '\t'))
			key[strlen(key) - 1] = '\0';
		red = cli_redact_text(cli, NULL, text);
		secret = strcmp(red, text) != 0 ||
			 (key[0] && packs_key_is_secret(cli->packs, cli->rx, key));
		free(red);
		free(key);
		free(text);
	}
	if (secret)
		return xstrdup("the loader's message is hidden: it quotes a secret value "
			       "(--no-redact shows it)");
	return cli_redact_text(cli, NULL, msg);
}

static void
write_json(struct cli *cli, struct buf *out, const char *file, const struct dotenv_file *df,
	   const char *data, size_t len)
{
	struct jw w;
	size_t i;

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_kstr(&w, "file", file);
	jw_kstr(&w, "dialect", dotenv_dialect_name(df->dialect));
	jw_kbool(&w, "failed", df->failed);
	jw_key(&w, "entries");
	jw_arr_begin(&w);
	for (i = 0; i < df->nbindings; i++) {
		const struct dotenv_binding *b = &df->bindings[i];
		char *v = cli_redact_value(cli, b->key, b->value);

		jw_obj_begin(&w);
		jw_kstr(&w, "key", b->key);
		jw_kstr(&w, "value", v);
		jw_kint(&w, "line", b->line);
		jw_obj_end(&w);
		free(v);
	}
	jw_arr_end(&w);
	jw_key(&w, "errors");
	jw_arr_begin(&w);
	for (i = 0; i < df->nproblems; i++) {
		const struct dotenv_problem *p = &df->problems[i];
		char *msg = problem_text(cli, data, len, p);

		jw_obj_begin(&w);
		jw_kint(&w, "line", p->line);
		jw_kstr(&w, "message", msg);
		jw_obj_end(&w);
		free(msg);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

static void
write_text(struct cli *cli, struct buf *out, const char *file, const struct dotenv_file *df,
	   const char *data, size_t len)
{
	size_t i;

	buf_printf(out, "%s (%s): %zu entr%s%s\n", file, dotenv_dialect_name(df->dialect),
		   df->nbindings, df->nbindings == 1 ? "y" : "ies",
		   df->failed ? "; the loader rejects the whole file" : "");
	for (i = 0; i < df->nbindings; i++) {
		const struct dotenv_binding *b = &df->bindings[i];
		char *v = cli_redact_value(cli, b->key, b->value);

		buf_printf(out, "%5d  ", b->line);
		json_escape(out, b->key, strlen(b->key));
		buf_puts(out, " = ");
		if (v == NULL)
			buf_puts(out, "(no value)");
		else
			json_escape(out, v, strlen(v));
		if (b->unknowable)
			buf_puts(out, "  (holds a command substitution: unknown at lint time)");
		buf_putc(out, '\n');
		free(v);
	}
	for (i = 0; i < df->nproblems; i++) {
		const struct dotenv_problem *p = &df->problems[i];
		char *msg = problem_text(cli, data, len, p);

		buf_printf(out, "%5d  %s%s%s\n", p->line, problem_label(p->kind), msg[0] ? ": " : "",
			   msg);
		free(msg);
	}
}

int
cmd_parse(struct cli *cli)
{
	struct el_error err = EL_ERROR_INIT;
	const char *file = cli->opts.args.items[0];
	enum dotenv_dialect d = DOTENV_NODE_DOTENV;
	struct dotenv_lookup lookup = {set_lookup, &cli->opts};
	struct dotenv_options dopts;
	struct dotenv_file *df = NULL;
	struct buf out = BUF_INIT;
	char *data = NULL;
	size_t len;
	int rc = 2;

	if (cli->opts.format != FORMAT_TEXT && cli->opts.format != FORMAT_JSON) {
		fprintf(stderr, "envlint parse: format must be text or json\n");
		return 2;
	}
	if (cli->opts.dialect != NULL && dotenv_dialect_from_name(cli->opts.dialect, &d) != 0) {
		int i;

		fprintf(stderr, "envlint parse: unknown dialect '%s' (", cli->opts.dialect);
		for (i = 0; i < DOTENV_DIALECT_COUNT; i++)
			fprintf(stderr, "%s%s", i ? ", " : "",
				dotenv_dialect_name((enum dotenv_dialect)i));
		fprintf(stderr, ")\n");
		return 2;
	}
	if (cli_load_packs(cli, NULL, 0) != 0)
		return 2;
	if (file_read(file, FILE_MAX_READ, &data, &len, &err) != FILE_READ_OK) {
		cli_error(&err);
		goto cleanup;
	}
	memset(&dopts, 0, sizeof(dopts));
	dopts.process_env = &lookup;
	if (dotenv_parse(&df, data, len, d, &dopts, &err) != 0) {
		cli_error(&err);
		goto cleanup;
	}
	if (cli->opts.format == FORMAT_JSON)
		write_json(cli, &out, file, df, data, len);
	else
		write_text(cli, &out, file, df, data, len);
	rc = cli_write_output(cli, &out) == 0 ? 0 : 2;
cleanup:
	el_error_clear(&err);
	dotenv_file_free(df);
	buf_free(&out);
	free(data);
	return rc;
}
