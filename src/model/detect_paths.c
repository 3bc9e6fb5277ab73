#include "model/detect_int.h"

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/discover.h"
#include "parse/compose.h"
#include "parse/expr.h"
#include "util/buf.h"

/* The first reference of refs that the call's arguments hold, or NULL. */
const struct expr *
detect_arg_find(const void *vec, const struct expr *args, const struct expr *after)
{
	const VEC(struct arg_ref) *refs = vec;
	size_t i, k;

	for (i = 0; i < refs->len; i++) {
		const struct arg_ref *ref = &refs->items[i];

		switch (ref->kind) {
		case ARG_VALUE:
			if (after != NULL)
				return after;
			break;
		case ARG_POS:
			if (args != NULL && (size_t)ref->pos < args->nitems)
				return args->items[ref->pos];
			break;
		case ARG_KW:
			if (args != NULL && expr_prop(args, ref->name) != NULL)
				return expr_prop(args, ref->name);
			break;
		case ARG_PROP:
			/* A property of an object argument (dotenv.config({ path })). */
			for (k = 0; args != NULL && k < args->nitems; k++) {
				if (args->items[k]->type == EXPR_OBJECT &&
				    expr_prop(args->items[k], ref->name) != NULL)
					return expr_prop(args->items[k], ref->name);
			}
			if (args != NULL && expr_prop(args, ref->name) != NULL)
				return expr_prop(args, ref->name);
			break;
		}
	}
	return NULL;
}

/*
 * A JS template literal whose only placeholders read NODE_ENV
 * (`.env.${process.env.NODE_ENV}`, `${process.env.NODE_ENV || 'development'}`):
 * NODE_ENV is taken to be the --env name. NULL for anything else.
 */
static char *
node_env_template(const struct scan *s, const char *text)
{
	const char *env = s->opts.env ? s->opts.env : "development", *p, *close;
	size_t n = strlen(text);
	struct buf b = BUF_INIT;

	if (n < 2 || text[0] != '`' || text[n - 1] != '`')
		return NULL;
	for (p = text + 1; p < text + n - 1; p++) {
		if (p[0] == '$' && p[1] == '{') {
			char *inner;
			bool ok;

			close = memchr(p, '}', (size_t)(text + n - 1 - p));
			if (close == NULL)
				break;
			inner = xstrndup(p + 2, (size_t)(close - p - 2));
			ok = strstr(inner, "NODE_ENV") != NULL && strchr(inner, '`') == NULL &&
			     strchr(inner, '(') == NULL;
			free(inner);
			if (!ok)
				break;
			buf_puts(&b, env);
			p = close;
			continue;
		}
		if (*p == '\\' || *p == '`')
			break;
		buf_add(&b, p, 1);
	}
	if (p < text + n - 1) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* A path expression as a repository path, or NULL (with a note) when unknowable. */
char *
detect_resolve_path_expr(const struct scan *s, struct service *svc, const char *file, const struct expr *e)
{
	char *dir, *out;

	switch (e->type) {
	case EXPR_STRING:
		return path_join(svc->path, e->text);
	case EXPR_PATH:
		if (e->anchor == ANCHOR_ABSOLUTE)
			return xstrdup(e->text);
		if (e->anchor == ANCHOR_FILE_DIR) {
			dir = path_dirname(file);
			out = path_join(dir, e->text);
			free(dir);
			return out;
		}
		return path_join(svc->path, e->text);
	default:
		if (e->type == EXPR_UNKNOWN && e->text != NULL &&
		    (out = node_env_template(s, e->text)) != NULL) {
			dir = path_join(svc->path, out);
			free(out);
			return dir;
		}
		detect_note(svc, file, e->line,
		     "cannot resolve the env file path '%s' statically; pin it with a services "
		     "entry in .envlint.yml",
		     e->text ? e->text : "?");
		return NULL;
	}
}

/* python-dotenv find_dotenv(): the first .env from the calling file's folder upwards. */
static char *
walk_up_dotenv(struct scan *s, const char *file, const char *name)
{
	char *dir = path_dirname(file), *cand;

	for (;;) {
		cand = path_join(dir, name);
		if (scan_find_env_file(s, cand) != NULL) {
			free(dir);
			return cand;
		}
		free(cand);
		if (strcmp(dir, ".") == 0)
			break;
		cand = path_dirname(dir);
		free(dir);
		dir = cand;
	}
	free(dir);
	return NULL;
}

/* The filename (first argument or filename=) and usecwd= of a find_dotenv(...) call text. */
static void
find_dotenv_args(const char *text, const char *fn, char **name, bool *usecwd)
{
	const char *open = strstr(text, fn), *close;
	const struct expr *a;
	struct expr *args;
	char *inner;
	bool v;

	if (open == NULL || (open = strchr(open + strlen(fn), '(')) == NULL ||
	    (close = strrchr(open, ')')) == NULL)
		return;
	inner = xstrndup(open + 1, (size_t)(close - open - 1));
	args = expr_parse_args(LANG_PYTHON, inner, 1, 1, NULL);
	a = args->nitems > 0 ? args->items[0] : expr_prop(args, "filename");
	if (a != NULL && a->type == EXPR_STRING && strchr(a->text, '/') == NULL)
		*name = xstrdup(a->text);
	a = expr_prop(args, "usecwd");
	*usecwd = a != NULL && expr_bool(a, &v) && v;
	expr_free(args);
	free(inner);
}

void
detect_add_path_value(struct scan *s, struct service *svc, struct load_op *op, const char *file,
	       const struct expr *e, const struct loader_pattern *lp)
{
	size_t i;
	char *p;

	if (e->type == EXPR_ARRAY) {
		for (i = 0; i < e->nitems; i++)
			detect_add_path_value(s, svc, op, file, e->items[i], lp);
		return;
	}
	if (e->type == EXPR_UNKNOWN && lp->find_dotenv != NULL && e->text != NULL &&
	    strstr(e->text, lp->find_dotenv) != NULL) {
		char *name = NULL, *start = NULL;
		bool usecwd = false;

		find_dotenv_args(e->text, lp->find_dotenv, &name, &usecwd);
		/* usecwd=True searches from the working directory (the service folder). */
		if (usecwd)
			start = xasprintf("%s/.", svc->path);
		p = walk_up_dotenv(s, start ? start : file, name ? name : ".env");
		if (p != NULL)
			detect_op_add_file(op, p, true);
		free(name);
		free(start);
		return;
	}
	p = detect_resolve_path_expr(s, svc, file, e);
	if (p != NULL)
		detect_op_add_file(op, p, true);
}

void
detect_add_default_files(struct scan *s, struct service *svc, struct load_op *op, const char *file,
		  const struct loader_pattern *lp, const char *dir)
{
	const struct loader_model *lm = lp->loader;
	const void *list = lp->default_files.len ? (const void *)&lp->default_files
						 : (const void *)&lm->files;
	const VEC(char *) *files = list;
	size_t i;

	for (i = 0; i < files->len; i++) {
		char *name = detect_expand_file_name(s, lm, files->items[i], op->mode), *p = NULL, *fdir;

		if (name == NULL)
			continue;
		if (dir != NULL) {
			p = path_join(dir, name);
		} else if (lm->anchor == LOAD_WALK_UP) {
			p = walk_up_dotenv(s, file, name);
		} else if (lm->anchor == LOAD_AT_FILE) {
			fdir = path_dirname(file);
			p = path_join(fdir, name);
			free(fdir);
		} else {
			p = path_join(svc->path, name);
		}
		if (p != NULL)
			detect_op_add_file(op, p, true);
		free(name);
	}
}

bool
detect_arg_true(const void *refs, const struct expr *args, const struct expr *after, bool *known)
{
	const struct expr *e = detect_arg_find(refs, args, after);
	bool v = false;

	*known = true;
	if (e == NULL)
		return false;
	if (!expr_bool(e, &v))
		*known = false;
	return v;
}

/* The text of the expression that follows a value-after match, up to a delimiter at depth 0. */
char *
detect_value_after_text(const char *data, size_t len, size_t off)
{
	size_t i, depth = 0, end = off + VALUE_AFTER_MAX < len ? off + VALUE_AFTER_MAX : len;
	char quote = 0;

	for (i = off; i < end; i++) {
		char c = data[i];

		if (quote) {
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'' || c == '`')
			quote = c;
		else if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth-- == 0)
			break;
		else if ((c == ',' || c == '\n' || c == ';') && depth == 0)
			break;
	}
	return xstrndup(data + off, i - off);
}
