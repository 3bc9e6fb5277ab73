/*
 * Start commands as layers: what runs before the service's program and puts
 * values into its process environment. A package script such as
 *
 *   "db:migrate": "pnpm build && FLAG=1 dotenv -e ../../.env -- sh -c 'node dist/migrate.js'"
 *
 * runs `node dist/migrate.js` (the last command of the chain: only it gets
 * the files) under two layers, outer first: FLAG=1 (process environment),
 * then dotenv-cli with ../../.env. Wrapper loaders and their options come
 * from the loaders pack (`wrapper:`); the shell forms (assignments,
 * cross-env, env, sh -c, npm/pnpm/yarn run of another script of the same
 * package.json) are the shell's and the package managers' own semantics.
 */
#include "model/detect_int.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "model/discover.h"
#include "parse/manifest.h"
#include "parse/shcmd.h"
#include "util/buf.h"

/* How many `npm run X` / `sh -c` levels are followed (scripts can call each other in a cycle). */
#define WRAP_DEPTH 8

struct wrap_ctx {
	struct scan *s;
	struct service *svc;
	struct detect_result *r;
	const struct start_command *c;
	int depth;
	char *node_env; /* NODE_ENV set by an assignment in the command, or NULL */
	bool in_script; /* walking a shell script file (its exports are value sources, not ours) */
};

static char *walk_text(struct wrap_ctx *x, const char *text);
static void truncate_layers(struct detect_result *r, size_t nops, size_t ninlines);

static const char *
base_name(const char *w)
{
	const char *b = strrchr(w, '/');

	return b ? b + 1 : w;
}

static bool
in_list(const void *vec, const char *w)
{
	const VEC(char *) *v = vec;
	size_t i;

	for (i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], w) == 0)
			return true;
	}
	return false;
}

static bool
word_in(const char *const *names, const char *w)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(names[i], w) == 0)
			return true;
	}
	return false;
}

/* Commands that never start a service: a chain's last real command is found past them. */
static bool
trivial_program(const char *w)
{
	static const char *const names[] = {
	    "echo",  "printf", "true",  "false", "exit", ":",     "wait",  "sleep", "set",
	    "cd",    "export", "unset", "trap",  "test", "[",     "shift", "mkdir", "rm",
	    "cp",    "mv",     "touch", "chmod", "chown", "ln",   "cat",   "ls",    "kill",
	    NULL,
	};

	return word_in(names, w);
}

/* Shell keywords that open a compound command: the command proper follows them. */
static bool
shell_keyword(const char *w)
{
	static const char *const names[] = {"if", "then", "else", "elif", "do", "while",
					    "until", "!", "{", NULL};

	return word_in(names, w);
}

/* Words that close one: no command at all. */
static bool
shell_closer(const char *w)
{
	static const char *const names[] = {"fi", "done", "esac", "}", ";;", NULL};

	return word_in(names, w);
}

/* A variables layer (FOO=1 before a command, cross-env, dotenv-cli -v) at this point. */
static struct inline_source *
vars_layer(struct wrap_ctx *x, const char *loader, const char *how)
{
	struct inline_source *in = VEC_PUSH_ZERO(&x->r->inlines);

	in->kind = INLINE_COMMAND;
	in->origin_file = xstrdup(x->c->file);
	in->origin_line = x->c->line;
	in->after_ops = x->r->ops.len;
	in->loader = loader;
	in->how = how;
	return in;
}

static void
add_var(struct wrap_ctx *x, struct inline_source *in, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	struct inline_var *v;

	if (eq == NULL || eq == assignment)
		return;
	v = VEC_PUSH_ZERO(&in->vars);
	v->key = xstrndup(assignment, (size_t)(eq - assignment));
	v->value = xstrdup(eq + 1);
	v->line = x->c->line;
	v->col = 1;
	/* FOO=$BAR: whatever the shell has in BAR, unknown here */
	v->unknowable = strchr(v->value, '$') != NULL || strchr(v->value, '`') != NULL;
	/* cross-env DATABASE_URL=placeholder prisma generate: no endpoint (trap 7) */
	v->placeholder = detect_is_placeholder(x->s, v->value);
	if (strcmp(v->key, "NODE_ENV") == 0 && strchr(v->value, '$') == NULL) {
		free(x->node_env);
		x->node_env = xstrdup(v->value);
	}
}

/* Leading NAME=value words from i: one layer; returns the index after them. */
static size_t
take_assignments(struct wrap_ctx *x, const struct shcmd_simple *cmd, size_t i, const char *loader,
		 const char *how, bool all_with_eq)
{
	struct inline_source *in = NULL;

	for (; i < cmd->words.len; i++) {
		const struct shcmd_word *w = &cmd->words.items[i];

		if (!w->assignment && !(all_with_eq && strchr(w->text, '=') != NULL &&
					w->text[0] != '-' && w->text[0] != '='))
			break;
		if (in == NULL)
			in = vars_layer(x, loader, how);
		add_var(x, in, w->text);
	}
	return i;
}

/* The loader whose wrapper command is at word i (and its subcommand), or NULL. */
static const struct loader_model *
find_wrapper(const struct wrap_ctx *x, const struct shcmd_simple *cmd, size_t i)
{
	const struct loader_set *ls = x->s->loaders;
	const char *name = base_name(cmd->words.items[i].text);
	size_t k;

	for (k = 0; k < ls->loaders.len; k++) {
		const struct loader_model *lm = ls->loaders.items[k];
		const struct wrapper_spec *w = lm->wrapper;

		if (w == NULL || lm->name[0] == '\0' || !in_list(&w->commands, name))
			continue;
		if (w->subcommand != NULL &&
		    (i + 1 >= cmd->words.len || strcmp(cmd->words.items[i + 1].text, w->subcommand) != 0))
			continue;
		return lm;
	}
	return NULL;
}

/* What one wrapper invocation asks for, after its options are parsed. */
struct wrap_call {
	VEC(char *) files;
	VEC(char *) vars;
	char *dir;
	char *cascade; /* "" for -c alone */
	int override;  /* -1 = the loader's default */
	bool literal, expand, print, has_cascade;
	char *command; /* --command "..." */
	struct shcmd_simple rest; /* the wrapped command's words (borrowed texts) */
};

/* Apply one option (its spelling and value, NULL when none) to the call. */
static void
apply_option(struct wrap_ctx *x, const struct loader_model *lm, struct wrap_call *call,
	     const char *name, const char *value)
{
	const struct wrapper_spec *w = lm->wrapper;

	if (in_list(&w->file, name) && value != NULL) {
		VEC_PUSH(&call->files, xstrdup(value));
	} else if (in_list(&w->dir, name) && value != NULL) {
		free(call->dir);
		call->dir = xstrdup(value);
	} else if (in_list(&w->override, name)) {
		call->override = 1;
	} else if (in_list(&w->no_override, name)) {
		call->override = 0;
	} else if (in_list(&w->cascade, name)) {
		call->has_cascade = true;
		free(call->cascade);
		call->cascade = xstrdup(value ? value : "");
	} else if (in_list(&w->var, name) && value != NULL) {
		VEC_PUSH(&call->vars, xstrdup(value));
	} else if (in_list(&w->print, name)) {
		call->print = true;
	} else if (in_list(&w->literal, name)) {
		call->literal = true;
	} else if (in_list(&w->expand, name)) {
		call->expand = true;
	} else if (in_list(&w->command, name) && value != NULL) {
		free(call->command);
		call->command = xstrdup(value);
	} else if (in_list(&w->unmodelled, name)) {
		detect_note(x->svc, x->c->file, x->c->line,
			    "%s %s is not modelled; its values are not part of this analysis",
			    lm->name, name);
	}
}

/* Whether an option of this role takes a value (commander: required or optional argument). */
static bool
takes_value(const struct wrapper_spec *w, const char *name)
{
	return in_list(&w->file, name) || in_list(&w->dir, name) || in_list(&w->var, name) ||
	       in_list(&w->print, name) || in_list(&w->command, name) ||
	       in_list(&w->value, name) || in_list(&w->unmodelled, name) ||
	       in_list(&w->cascade, name);
}

static bool
is_option(const char *t)
{
	return t[0] == '-' && t[1] != '\0' && !isdigit((unsigned char)t[1]);
}

/*
 * minimist (dotenv-cli, dotenv-flow-cli): every word before `--` is parsed;
 * `--no-x` is false; `--x=v`; an option followed by a word that is not an
 * option takes it as its value (`dotenv -o next dev` runs `dev`); `-abc`
 * sets a and b and gives c the value. Words that are not options, and all
 * words after `--`, are the command and its arguments.
 */
static void
parse_minimist(struct wrap_ctx *x, const struct loader_model *lm, const struct shcmd_simple *cmd,
	       size_t i, struct wrap_call *call)
{
	for (; i < cmd->words.len; i++) {
		const char *t = cmd->words.items[i].text;
		const char *next = i + 1 < cmd->words.len ? cmd->words.items[i + 1].text : NULL;
		const char *eq;

		if (strcmp(t, "--") == 0) {
			for (i++; i < cmd->words.len; i++)
				VEC_PUSH(&call->rest.words, cmd->words.items[i]);
			return;
		}
		if (!is_option(t)) {
			VEC_PUSH(&call->rest.words, cmd->words.items[i]);
			continue;
		}
		if (t[1] == '-') {
			char *name;

			if ((eq = strchr(t, '=')) != NULL) {
				name = xstrndup(t, (size_t)(eq - t));
				apply_option(x, lm, call, name, eq + 1);
			} else if (strncmp(t, "--no-", 5) == 0) {
				name = xstrdup(t);
				apply_option(x, lm, call, name, NULL);
			} else {
				name = xstrdup(t);
				if (next != NULL && !is_option(next) && strcmp(next, "--") != 0) {
					apply_option(x, lm, call, name, next);
					i++;
				} else {
					apply_option(x, lm, call, name, NULL);
				}
			}
			free(name);
			continue;
		}
		/* -abc: a and b are flags, c takes =value or the next word */
		{
			size_t n = strlen(t), k;
			char flag[3] = {'-', 0, 0};

			for (k = 1; k < n; k++) {
				flag[1] = t[k];
				if (t[k + 1] == '=') {
					apply_option(x, lm, call, flag, t + k + 2);
					break;
				}
				if (k + 1 < n) {
					apply_option(x, lm, call, flag, NULL);
					continue;
				}
				if (next != NULL && !is_option(next) && strcmp(next, "--") != 0) {
					apply_option(x, lm, call, flag, next);
					i++;
				} else {
					apply_option(x, lm, call, flag, NULL);
				}
			}
		}
	}
}

/*
 * commander / cobra style (dotenvx, env-cmd, infisical, op): options up to
 * `--` or the first operand, which starts the command; an option of a role
 * with a value takes `=v` or the next word.
 */
static void
parse_commander(struct wrap_ctx *x, const struct loader_model *lm, const struct shcmd_simple *cmd,
		size_t i, struct wrap_call *call)
{
	const struct wrapper_spec *w = lm->wrapper;

	for (; i < cmd->words.len; i++) {
		const char *t = cmd->words.items[i].text;
		const char *eq = strchr(t, '=');
		char *name;

		if (strcmp(t, "--") == 0) {
			i++;
			break;
		}
		if (!is_option(t))
			break;
		name = eq ? xstrndup(t, (size_t)(eq - t)) : xstrdup(t);
		if (eq != NULL) {
			apply_option(x, lm, call, name, eq + 1);
		} else if (takes_value(w, name) && i + 1 < cmd->words.len &&
			   strcmp(cmd->words.items[i + 1].text, "--") != 0 &&
			   (!is_option(cmd->words.items[i + 1].text) || !in_list(&w->cascade, name))) {
			apply_option(x, lm, call, name, cmd->words.items[i + 1].text);
			i++;
		} else {
			apply_option(x, lm, call, name, NULL);
		}
		free(name);
	}
	for (; i < cmd->words.len; i++)
		VEC_PUSH(&call->rest.words, cmd->words.items[i]);
}

/* {file} and {env} in a cascade name. */
static char *
cascade_name(const char *pattern, const char *file, const char *env)
{
	struct buf b = BUF_INIT;
	const char *p;

	buf_puts(&b, "");
	for (p = pattern; *p; p++) {
		if (strncmp(p, "{file}", 6) == 0) {
			buf_puts(&b, file);
			p += 5;
		} else if (strncmp(p, "{env}", 5) == 0) {
			buf_puts(&b, env);
			p += 4;
		} else {
			buf_putc(&b, *p);
		}
	}
	return buf_detach(&b);
}

/* The --env name for `-c $NODE_ENV`-like values: the command's NODE_ENV, else envlint's --env. */
static const char *
env_name(const struct wrap_ctx *x, const char *value)
{
	if (value != NULL && value[0] != '\0' && strchr(value, '$') == NULL)
		return value;
	if (x->node_env != NULL)
		return x->node_env;
	return x->s->opts.env ? x->s->opts.env : "development";
}

static void
add_call_file(struct wrap_ctx *x, const struct loader_model *lm, struct load_op *op,
	      const char *name)
{
	detect_op_add_file(op, detect_command_path(x->svc, x->c, name), !lm->wrapper->required);
}

/* The layers of one wrapper call: secrets, its files, then its -v variables. */
static void
add_wrapper_layers(struct wrap_ctx *x, const struct loader_model *lm, struct wrap_call *call)
{
	const struct wrapper_spec *w = lm->wrapper;
	struct load_op *op = NULL;
	size_t i, k;

	if (w->secrets) {
		struct inline_source *in = vars_layer(x, lm->name, "injected by the secret manager");

		in->kind = INLINE_SECRETS;
	}
	if (call->files.len > 0 || lm->files.len > 0) {
		op = detect_new_op(x->r, lm, x->c->file, x->c->line);
		if (call->override >= 0)
			op->override = call->override == 1;
		op->order = op->override && lm->has_override_order ? lm->override_order : lm->order;
		if (call->literal) {
			op->dialect = w->literal_dialect;
		} else if (call->expand) {
			op->dialect = DOTENV_DOTENV_EXPAND;
		}
		op->expands = dotenv_dialect_expands(op->dialect);
	}
	if (op != NULL && call->files.len == 0) {
		/* The loader's own file names, in -p DIR or the working directory. */
		for (i = 0; i < lm->files.len; i++) {
			char *name = detect_expand_file_name(x->s, lm, lm->files.items[i], x->node_env);
			char *path;

			if (name == NULL)
				continue;
			path = call->dir ? path_join(call->dir, name) : xstrdup(name);
			if (call->has_cascade)
				VEC_PUSH(&call->files, path);
			else {
				add_call_file(x, lm, op, path);
				free(path);
			}
			free(name);
		}
	}
	if (op != NULL && call->has_cascade) {
		bool bare = call->cascade[0] == '\0';
		char *const *pat = bare ? w->cascade_bare.items : w->cascade_env.items;
		size_t npat = bare ? w->cascade_bare.len : w->cascade_env.len;
		const char *env = env_name(x, call->cascade);

		for (i = 0; i < call->files.len; i++) {
			for (k = 0; k < npat; k++) {
				char *name = cascade_name(pat[k], call->files.items[i], env);

				add_call_file(x, lm, op, name);
				free(name);
			}
		}
	} else if (op != NULL) {
		for (i = 0; i < call->files.len; i++)
			add_call_file(x, lm, op, call->files.items[i]);
	}
	if (call->vars.len > 0) {
		struct inline_source *in = vars_layer(x, lm->name, "set on the command line");

		for (i = 0; i < call->vars.len; i++)
			add_var(x, in, call->vars.items[i]);
	}
}

static void
wrap_call_free(struct wrap_call *call)
{
	vec_free_strs(&call->files);
	vec_free_strs(&call->vars);
	free(call->dir);
	free(call->cascade);
	free(call->command);
	VEC_FREE(&call->rest.words);
}

static char *walk_words(struct wrap_ctx *x, const struct shcmd_simple *cmd, size_t i);

/* The text of a package.json script, or NULL. */
static const char *
script_text(const struct wrap_ctx *x, const char *name)
{
	const struct manifest *m = x->c->scripts;
	size_t i;

	for (i = 0; m != NULL && i < m->ncommands; i++) {
		if (strcmp(m->commands[i].name, name) == 0)
			return m->commands[i].command;
	}
	return NULL;
}

/* Run script `name` of the same package.json with extra arguments: its text, the arguments appended. */
static char *
run_script(struct wrap_ctx *x, const char *name, const struct shcmd_simple *cmd, size_t args)
{
	const char *text = script_text(x, name);
	struct buf b = BUF_INIT;
	char *tail, *inner;

	if (text == NULL)
		return NULL;
	if (x->depth >= WRAP_DEPTH) {
		detect_note(x->svc, x->c->file, x->c->line,
			    "scripts call each other more than %d levels deep (a cycle?); "
			    "`%s` is not followed", WRAP_DEPTH, name);
		return NULL;
	}
	if (args < cmd->words.len && strcmp(cmd->words.items[args].text, "--") == 0)
		args++;
	tail = shcmd_join(cmd, args);
	buf_printf(&b, "%s%s%s", text, tail[0] ? " " : "", tail);
	free(tail);
	x->depth++;
	inner = walk_text(x, buf_cstr(&b));
	x->depth--;
	buf_free(&b);
	return inner;
}

/* Options of a package manager that make it run another package's script: not followed. */
static bool
other_package_option(const char *t)
{
	static const char *const opts[] = {"--filter", "-F", "-C", "--dir", "--prefix",
					   "-w", "--workspace", "--workspaces", "-r",
					   "--recursive", "--cwd", NULL};
	size_t i, n;

	for (i = 0; opts[i] != NULL; i++) {
		n = strlen(opts[i]);
		if (strncmp(t, opts[i], n) == 0 && (t[n] == '\0' || t[n] == '='))
			return true;
	}
	return false;
}

/*
 * npm run X / npm start / pnpm [run] X / yarn [run] X: the script X of the
 * same package.json; pnpm and yarn run a binary when X is not a script.
 * *done is set when the words were handled here (the result is final).
 */
static char *
package_manager(struct wrap_ctx *x, const struct shcmd_simple *cmd, size_t i, bool *done)
{
	const char *pm = base_name(cmd->words.items[i].text);
	size_t j = i + 1, k;
	const char *sub;

	*done = false;
	if (strcmp(pm, "npm") != 0 && strcmp(pm, "pnpm") != 0 && strcmp(pm, "yarn") != 0)
		return NULL;
	for (; j < cmd->words.len && is_option(cmd->words.items[j].text); j++) {
		if (other_package_option(cmd->words.items[j].text)) {
			*done = true;
			return shcmd_join(cmd, i);
		}
	}
	if (j >= cmd->words.len)
		return NULL;
	sub = cmd->words.items[j].text;
	if (strcmp(sub, "exec") == 0 || strcmp(sub, "dlx") == 0 || strcmp(sub, "x") == 0) {
		/* pnpm exec / yarn dlx / npm exec: the binary after the options */
		*done = true;
		for (j++; j < cmd->words.len && is_option(cmd->words.items[j].text); j++)
			if (strcmp(cmd->words.items[j].text, "--") == 0) {
				j++;
				break;
			}
		return j < cmd->words.len ? walk_words(x, cmd, j) : NULL;
	}
	*done = true;
	/* npm takes its options anywhere before `--`: `npm run dev -w web` is web's dev. */
	for (k = j; k < cmd->words.len && strcmp(cmd->words.items[k].text, "--") != 0; k++) {
		if (other_package_option(cmd->words.items[k].text) ||
		    (k == j && (strcmp(sub, "workspace") == 0 || strcmp(sub, "workspaces") == 0)))
			return shcmd_join(cmd, i);
	}
	if (strcmp(sub, "run") == 0 || strcmp(sub, "run-script") == 0) {
		for (j++; j < cmd->words.len && is_option(cmd->words.items[j].text); j++)
			if (other_package_option(cmd->words.items[j].text))
				return shcmd_join(cmd, i);
		if (j >= cmd->words.len)
			return NULL;
		return run_script(x, cmd->words.items[j].text, cmd, j + 1);
	}
	if (strcmp(pm, "npm") == 0) {
		if (strcmp(sub, "start") == 0 || strcmp(sub, "test") == 0 || strcmp(sub, "t") == 0)
			return run_script(x, strcmp(sub, "t") == 0 ? "test" : sub, cmd, j + 1);
		return shcmd_join(cmd, i); /* npm install, npm ci ...: runs no script here */
	}
	if (script_text(x, sub) != NULL)
		return run_script(x, sub, cmd, j + 1);
	/* pnpm X / yarn X where X is no script: the binary X. */
	return walk_words(x, cmd, j);
}

/* Whether path names a file of the repository (relative to the root, inside it). */
static bool
repo_file(const struct scan *s, const char *path)
{
	size_t i;

	if (strncmp(path, "../", 3) == 0 || strcmp(path, "..") == 0 || path[0] == '/')
		return false;
	for (i = 0; i < s->walk->nentries; i++) {
		if (strcmp(s->walk->entries[i].path, path) == 0)
			return true;
	}
	return false;
}

/*
 * The repository file a script word of a start command names: the path as
 * written (relative to the service folder; under WORKDIR in a Dockerfile),
 * else the one file of the service with that base name (a Dockerfile COPYs
 * docker-entrypoint.sh to /usr/local/bin/). NULL when it is no shell script.
 */
static char *
script_file(struct scan *s, const struct service *svc, const struct start_command *c,
	    const char *word)
{
	const char *base = base_name(word);
	size_t n = strlen(word), i;
	char *path, *found = NULL;

	if (n < 4 || strcmp(word + n - 3, ".sh") != 0)
		return NULL;
	path = detect_command_path(svc, c, word);
	if (repo_file(s, path))
		return path;
	free(path);
	for (i = 0; i < svc->files.len; i++) {
		const char *p = s->walk->entries[svc->files.items[i]].path;

		if (strcmp(base_name(p), base) != 0)
			continue;
		if (found != NULL)
			return NULL; /* two candidates: no guess */
		found = (char *)p;
	}
	return found ? xstrdup(found) : NULL;
}

/* The script's text with "$@" / $* replaced by its arguments, as sh would pass them. */
static char *
script_text_with_args(const char *data, size_t len, const char *args)
{
	static const char *const forms[] = {"\"$@\"", "\"${@}\"", "$@", "\"$*\"", "$*", NULL};
	struct buf b = BUF_INIT;
	size_t i = 0, k;

	buf_puts(&b, "");
	while (i < len) {
		for (k = 0; forms[k] != NULL; k++) {
			size_t fl = strlen(forms[k]);

			if (i + fl <= len && memcmp(data + i, forms[k], fl) == 0)
				break;
		}
		if (forms[k] != NULL) {
			buf_puts(&b, args);
			i += strlen(forms[k]);
			continue;
		}
		buf_putc(&b, data[i] == '\0' ? ' ' : data[i]);
		i++;
	}
	return buf_detach(&b);
}

/* Run a shell script of the repository with arguments (from i + 1): what it finally runs. */
static char *
follow_script(struct wrap_ctx *x, const char *path, const struct shcmd_simple *cmd, size_t args)
{
	struct el_error err = EL_ERROR_INIT;
	const char *data;
	char *tail, *text, *out;
	size_t len;
	bool was;

	if (x->depth >= WRAP_DEPTH)
		return NULL;
	data = scan_source(x->s, path, &len, &err);
	el_error_clear(&err);
	if (data == NULL)
		return NULL;
	tail = shcmd_join(cmd, args);
	text = script_text_with_args(data, len, tail);
	free(tail);
	was = x->in_script;
	x->in_script = true;
	x->depth++;
	out = walk_text(x, text);
	x->depth--;
	x->in_script = was;
	free(text);
	return out;
}

/* The words of one simple command from i: peel layers, return the program's command line. */
static char *
walk_words(struct wrap_ctx *x, const struct shcmd_simple *cmd, size_t i)
{
	while (i < cmd->words.len) {
		const char *w, *name;
		const struct loader_model *lm;
		bool done;
		char *out;

		while (i < cmd->words.len && shell_keyword(cmd->words.items[i].text))
			i++;
		i = take_assignments(x, cmd, i, "shell", "assigned before the command", false);
		if (i >= cmd->words.len)
			return NULL;
		w = cmd->words.items[i].text;
		name = base_name(w);
		if (strcmp(name, "exec") == 0 || strcmp(name, "nohup") == 0 ||
		    strcmp(name, "time") == 0 || strcmp(name, "command") == 0) {
			i++;
			continue;
		}
		if (strcmp(name, "env") == 0) {
			/* env [-i] [-u NAME] NAME=value ... cmd */
			for (i++; i < cmd->words.len && is_option(cmd->words.items[i].text); i++)
				if (strcmp(cmd->words.items[i].text, "-u") == 0)
					i++;
			i = take_assignments(x, cmd, i, "env", "assigned by env", true);
			continue;
		}
		if (strcmp(name, "cross-env") == 0 || strcmp(name, "cross-env-shell") == 0) {
			i = take_assignments(x, cmd, i + 1, "cross-env", "set by cross-env", true);
			if (strcmp(name, "cross-env-shell") == 0 && i < cmd->words.len) {
				char *text;

				if (x->depth >= WRAP_DEPTH)
					return NULL;
				text = shcmd_join(cmd, i);
				x->depth++;
				out = walk_text(x, text);
				x->depth--;
				free(text);
				return out;
			}
			continue;
		}
		if (strcmp(name, "npx") == 0 || strcmp(name, "pnpx") == 0) {
			for (i++; i < cmd->words.len && is_option(cmd->words.items[i].text); i++) {
				const char *o = cmd->words.items[i].text;

				if (strcmp(o, "--") == 0) {
					i++;
					break;
				}
				if (strcmp(o, "-p") == 0 || strcmp(o, "--package") == 0)
					i++;
			}
			continue;
		}
		if ((strcmp(name, "sh") == 0 || strcmp(name, "bash") == 0 ||
		     strcmp(name, "dash") == 0 || strcmp(name, "zsh") == 0 ||
		     strcmp(name, "ash") == 0) &&
		    i + 2 < cmd->words.len && cmd->words.items[i + 1].text[0] == '-' &&
		    strchr(cmd->words.items[i + 1].text, 'c') != NULL &&
		    cmd->words.items[i + 1].text[1] != '-') {
			if (x->depth >= WRAP_DEPTH)
				return NULL;
			x->depth++;
			out = walk_text(x, cmd->words.items[i + 2].text);
			x->depth--;
			return out;
		}
		if ((strcmp(name, "sh") == 0 || strcmp(name, "bash") == 0 ||
		     strcmp(name, "dash") == 0 || strcmp(name, "ash") == 0) &&
		    i + 1 < cmd->words.len && !is_option(cmd->words.items[i + 1].text)) {
			/* sh ./start.sh args */
			char *path = script_file(x->s, x->svc, x->c, cmd->words.items[i + 1].text);

			if (path != NULL) {
				out = follow_script(x, path, cmd, i + 2);
				free(path);
				return out;
			}
		}
		{
			char *path = script_file(x->s, x->svc, x->c, w);

			if (path != NULL) {
				out = follow_script(x, path, cmd, i + 1);
				free(path);
				return out;
			}
		}
		out = package_manager(x, cmd, i, &done);
		if (done)
			return out;
		free(out);
		if ((lm = find_wrapper(x, cmd, i)) != NULL) {
			struct wrap_call call;
			size_t first = i + 1 + (lm->wrapper->subcommand != NULL);

			memset(&call, 0, sizeof(call));
			call.override = -1;
			if (lm->wrapper->parser == WRAP_MINIMIST)
				parse_minimist(x, lm, cmd, first, &call);
			else
				parse_commander(x, lm, cmd, first, &call);
			if (call.print) {
				/* dotenv -p VAR prints a value and runs nothing. */
				wrap_call_free(&call);
				return NULL;
			}
			if (call.has_cascade && call.override == 1) {
				/* dotenv-cli exits: "Cascading env variables conflicts with overrides." */
				detect_note(x->svc, x->c->file, x->c->line,
					    "%s rejects a cascade together with override and exits "
					    "without running the command",
					    lm->name);
				wrap_call_free(&call);
				return NULL;
			}
			add_wrapper_layers(x, lm, &call);
			out = NULL;
			if (call.command != NULL && call.rest.words.len == 0) {
				/* infisical run --command "..." */
				if (x->depth < WRAP_DEPTH) {
					x->depth++;
					out = walk_text(x, call.command);
					x->depth--;
				}
			} else if (call.rest.words.len > 0) {
				out = walk_words(x, &call.rest, 0);
			}
			wrap_call_free(&call);
			return out;
		}
		return shcmd_join(cmd, i);
	}
	return NULL;
}

/* export NAME=value before the command: process environment for what follows. */
static void
take_exports(struct wrap_ctx *x, const struct shcmd_simple *cmd)
{
	size_t i = 1;

	/* A script file's exports are the shell-entrypoint value source's to model. */
	if (x->in_script || cmd->words.len < 2 || strcmp(cmd->words.items[0].text, "export") != 0)
		return;
	while (i < cmd->words.len && is_option(cmd->words.items[i].text))
		i++;
	take_assignments(x, cmd, i, "shell", "exported before the command", true);
}

/*
 * A command list: the program that starts the service is the last command
 * of the chain that is not trivial (echo, cd, ...) and not the tail of a
 * pipe (`node server.js | pino-pretty`); in a script, the last `exec` line
 * when there is one. Only its layers count: in `prisma migrate deploy &&
 * dotenv -e .env -- node server.js` the files reach node, and in `dotenv -e
 * .env -- prisma migrate deploy && node server.js` they do not. `export`
 * before it sets process environment.
 */
static char *
walk_text(struct wrap_ctx *x, const char *text)
{
	struct shcmd_list l;
	size_t i, pick = (size_t)-1, exec_pick = (size_t)-1;
	char *out = NULL;

	shcmd_parse(&l, text, strlen(text));
	for (i = 0; i < l.cmds.len; i++) {
		const struct shcmd_simple *c = &l.cmds.items[i];
		size_t k = 0;

		if (c->sep == SHCMD_PIPE)
			continue;
		while (k < c->words.len && shell_keyword(c->words.items[k].text))
			k++;
		while (k < c->words.len && c->words.items[k].assignment)
			k++;
		if (k == c->words.len)
			continue; /* FOO=1 alone: a shell variable, not exported */
		if (trivial_program(base_name(c->words.items[k].text)) ||
		    shell_closer(c->words.items[k].text))
			continue;
		if (strcmp(c->words.items[k].text, "exec") == 0) {
			if (k + 1 == c->words.len)
				continue; /* exec "$@" without arguments */
			exec_pick = i;
		}
		pick = i;
	}
	if (exec_pick != (size_t)-1)
		pick = exec_pick;
	for (i = 0; pick != (size_t)-1 && i < pick; i++) {
		if (l.cmds.items[i].sep != SHCMD_PIPE)
			take_exports(x, &l.cmds.items[i]);
	}
	if (pick != (size_t)-1)
		out = walk_words(x, &l.cmds.items[pick], 0);
	shcmd_list_free(&l);
	return out;
}

/* Options of task runners that take a value (the word after them is not the task). */
static bool
runner_value_option(const char *t)
{
	static const char *const opts[] = {"--filter", "-F", "--concurrency", "--cache-dir",
					   "--output-logs", "--log-order", "--env-mode", "--scope",
					   "--ui", "-C", "--dir", "--workspace", "-w", NULL};
	size_t i;

	for (i = 0; opts[i] != NULL; i++) {
		if (strcmp(t, opts[i]) == 0)
			return true;
	}
	return false;
}

/*
 * The task a monorepo task runner runs in every workspace member that
 * defines it: `turbo run dev`, `turbo dev`, `pnpm -r dev`, `pnpm --filter
 * web dev`, `npm run dev --workspaces`, `lerna run dev`, `nx
 * run-many -t dev`; NULL for anything else.
 */
static char *
runner_task(const char *text, void *filters_vec)
{
	VEC(char *) *filters = filters_vec;
	struct shcmd_list l;
	const struct shcmd_simple *c;
	const char *prog, *task = NULL;
	bool fans_out = false;
	size_t i;
	char *out = NULL;

	shcmd_parse(&l, text, strlen(text));
	if (l.cmds.len == 0 || l.cmds.items[0].words.len < 2)
		goto done;
	c = &l.cmds.items[0];
	prog = base_name(c->words.items[0].text);
	fans_out = strcmp(prog, "turbo") == 0 || strcmp(prog, "lerna") == 0 ||
		   strcmp(prog, "nx") == 0;
	if (!fans_out && strcmp(prog, "pnpm") != 0 && strcmp(prog, "npm") != 0)
		goto done;
	for (i = 1; i < c->words.len; i++) {
		const char *t = c->words.items[i].text;

		if (strcmp(t, "--") == 0)
			break;
		if (strcmp(t, "-r") == 0 || strcmp(t, "--recursive") == 0 ||
		    strncmp(t, "--filter", 8) == 0 || strcmp(t, "-F") == 0 ||
		    strcmp(t, "--workspaces") == 0 || strcmp(t, "-ws") == 0)
			fans_out = true;
		if (strcmp(t, "-t") == 0 || strcmp(t, "--target") == 0 || strcmp(t, "--targets") == 0) {
			if (i + 1 < c->words.len && task == NULL)
				task = c->words.items[i + 1].text;
			i++;
			continue;
		}
		if (strncmp(t, "--target=", 9) == 0 || strncmp(t, "--targets=", 10) == 0) {
			if (task == NULL)
				task = strchr(t, '=') + 1;
			continue;
		}
		/* --filter=web / --filter web / -F web / --scope web: which members run it */
		if (strncmp(t, "--filter=", 9) == 0 || strncmp(t, "--scope=", 8) == 0) {
			VEC_PUSH(filters, xstrdup(strchr(t, '=') + 1));
			continue;
		}
		if ((strcmp(t, "--filter") == 0 || strcmp(t, "-F") == 0 || strcmp(t, "--scope") == 0) &&
		    i + 1 < c->words.len) {
			VEC_PUSH(filters, xstrdup(c->words.items[++i].text));
			continue;
		}
		if (is_option(t)) {
			if (runner_value_option(t))
				i++;
			continue;
		}
		if (strcmp(t, "run") == 0 || strcmp(t, "run-many") == 0 || strcmp(t, "run-script") == 0)
			continue;
		if (task == NULL)
			task = t;
	}
	if (fans_out && task != NULL) {
		size_t n = strcspn(task, ",");

		out = xstrndup(task, n);
	}
done:
	shcmd_list_free(&l);
	return out;
}

/*
 * Whether a member passes the runner's filters (pnpm / turbo --filter, lerna
 * --scope): a package name or a ./path glob, `!` excludes, `...` and `^`
 * (dependencies, dependents) are dropped; no positive filter means every
 * member.
 */
static bool
member_selected(const struct service *svc, const struct manifest *own, const void *filters_vec)
{
	const VEC(char *) *filters = filters_vec;
	bool positive = false, hit = false;
	size_t i;

	for (i = 0; i < filters->len; i++) {
		const char *f = filters->items[i];
		bool neg = f[0] == '!';
		char *pat;
		bool match;
		size_t n;

		if (neg)
			f++;
		while (*f == '.' && strncmp(f, "...", 3) == 0)
			f += 3;
		if (*f == '^')
			f++;
		pat = xstrdup(*f == '{' ? f + 1 : f);
		n = strlen(pat);
		while (n > 0 && (pat[n - 1] == '.' || pat[n - 1] == '}' || pat[n - 1] == '^'))
			pat[--n] = '\0';
		if (strncmp(pat, "./", 2) == 0) {
			char *path = xasprintf("./%s", svc->path);

			match = fnmatch(pat, path, 0) == 0;
			free(path);
		} else {
			match = own->name != NULL && fnmatch(pat, own->name, 0) == 0;
		}
		free(pat);
		if (neg && match)
			return false;
		if (!neg) {
			positive = true;
			hit = hit || match;
		}
	}
	return !positive || hit;
}

void
detect_root_layers(struct scan *s, struct service *svc, struct detect_result *r)
{
	const struct loader_set *ls = s->loaders;
	const struct scan_parsed *rootp = scan_manifest_find(s, "package.json");
	const struct manifest *root = NULL, *own = NULL;
	const struct manifest_command *script = NULL;
	struct start_command c;
	struct wrap_ctx x;
	size_t i, k, nops = r->ops.len, ninlines = r->inlines.len;
	int e = loaders_env_index(s->opts.env);
	char *inner, *task = NULL;
	VEC(char *) filters = {0};

	if (strcmp(svc->path, ".") == 0)
		return;
	if (rootp != NULL && rootp->manifest->kind == MANIFEST_PACKAGE_JSON)
		root = rootp->manifest;
	for (i = 0; i < svc->own_manifests.len; i++) {
		if (svc->own_manifests.items[i]->manifest->kind == MANIFEST_PACKAGE_JSON)
			own = svc->own_manifests.items[i]->manifest;
	}
	if (root == NULL || own == NULL)
		return;
	for (k = 0; k < ls->runtime_scripts[e].len && script == NULL; k++) {
		for (i = 0; i < root->ncommands && script == NULL; i++) {
			if (strcmp(root->commands[i].name, ls->runtime_scripts[e].items[k]) == 0)
				script = &root->commands[i];
		}
	}
	if (script == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.text = script->command;
	c.file = "package.json";
	c.line = script->line;
	c.scripts = root;
	c.cwd = ".";
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.svc = svc;
	x.r = r;
	x.c = &c;
	inner = walk_text(&x, c.text);
	if (inner != NULL)
		task = runner_task(inner, &filters);
	for (i = 0; task != NULL && i < own->ncommands; i++) {
		if (strcmp(own->commands[i].name, task) == 0)
			break;
	}
	if (task == NULL || i == own->ncommands || !member_selected(svc, own, &filters) ||
	    (r->ops.len == nops && r->inlines.len == ninlines))
		truncate_layers(r, nops, ninlines);
	vec_free_strs(&filters);
	free(task);
	free(inner);
	free(x.node_env);
}

void
detect_start_scripts(struct scan *s, struct service *svc, void *paths)
{
	VEC(char *) *out = paths;
	struct start_command cmds[DETECT_MAX_COMMANDS];
	size_t n = detect_start_commands(s, svc, cmds, DETECT_MAX_COMMANDS), i, j, k;

	for (i = 0; i < n; i++) {
		struct shcmd_list l;

		shcmd_parse(&l, cmds[i].text, strlen(cmds[i].text));
		for (j = 0; j < l.cmds.len; j++) {
			for (k = 0; k < l.cmds.items[j].words.len; k++) {
				char *p = script_file(s, svc, &cmds[i], l.cmds.items[j].words.items[k].text);

				if (p != NULL && !in_list(out, p))
					VEC_PUSH(out, p);
				else
					free(p);
			}
		}
		shcmd_list_free(&l);
	}
	detect_start_commands_free(cmds, n);
}

/* Drop the layers added since (nops, ninlines): the command runs nothing after all. */
static void
truncate_layers(struct detect_result *r, size_t nops, size_t ninlines)
{
	size_t i;

	for (i = nops; i < r->ops.len; i++)
		detect_op_free(&r->ops.items[i]);
	r->ops.len = nops;
	for (i = ninlines; i < r->inlines.len; i++)
		detect_inline_free(&r->inlines.items[i]);
	r->inlines.len = ninlines;
}

char *
detect_wrap_command(struct scan *s, struct service *svc, struct detect_result *r,
		    const struct start_command *c)
{
	struct wrap_ctx x;
	size_t nops = r->ops.len, ninlines = r->inlines.len;
	char *out;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.svc = svc;
	x.r = r;
	x.c = c;
	out = walk_text(&x, c->text);
	if (out == NULL)
		truncate_layers(r, nops, ninlines);
	free(x.node_env);
	return out;
}
