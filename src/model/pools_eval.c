/*
 * Reading the numbers of pool declarations from code and configuration:
 * literals, constants bound earlier in the file, and env reads resolved
 * through the service's effective environment (part of model/pools.h).
 */
#include "model/pools.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/resolve.h"
#include "model/service.h"
#include "util/buf.h"

/* Constants are followed through at most this many bindings (A = B, B = 5). */
#define POOLS_EVAL_DEPTH 4
/*
 * Constants are looked up by reading the file line by line; past this size
 * (generated or minified code, not where pools are configured) they are not
 * followed, so a hostile file costs no more than declarations x this.
 */
#define POOLS_CONST_MAX_BYTES (512u * 1024u)

/* Whether constants of data may be followed. */
static bool
constants_searchable(const char *data)
{
	return data != NULL && strnlen(data, POOLS_CONST_MAX_BYTES + 1) <= POOLS_CONST_MAX_BYTES;
}

/* ---- reading numbers from code ---- */

void
pool_origin_clear(struct pool_origin *o)
{
	free(o->file);
	free(o->why);
	memset(o, 0, sizeof(*o));
}

static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 &&
	       (isspace((unsigned char)s[len - 1]) || s[len - 1] == ',' || s[len - 1] == ';'))
		len--;
	return xstrndup(s, len);
}

bool
pools_parse_int(const char *s, long *out)
{
	char *end;
	size_t n = strlen(s);
	long v;

	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		char *inner = xstrndup(s + 1, n - 2);
		bool ok = pools_parse_int(inner, out);

		free(inner);
		return ok;
	}
	if (*s == '\0' || !(isdigit((unsigned char)*s) || *s == '-'))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

static bool
is_identifier(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++) {
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
			return false;
	}
	return true;
}

/*
 * The right-hand side of the last binding of name written before line in data
 * (NAME = 10, const NAME = 10, NAME: int = 10, NAME := 10, final int NAME =
 * 10), with a trailing comment cut off; *bline is its line. NULL if none.
 */
static char *
constant_rhs(const char *data, const char *name, int before_line, int *bline)
{
	const char *p = data, *line_start;
	size_t nlen = strlen(name);
	char *best = NULL;
	int line = 1;

	for (line_start = p; *line_start; line++) {
		const char *eol = strchr(line_start, '\n'), *q = line_start;
		size_t len = eol ? (size_t)(eol - line_start) : strlen(line_start);
		const char *end = line_start + len;

		if (before_line > 0 && line > before_line)
			break;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		/* declaration keywords and types before the name */
		for (;;) {
			static const char *const kws[] = {
			    "export ",  "const ",  "let ",      "var ", "final ", "static ",
			    "private ", "public ", "readonly ", "int ", "long ",  "Integer "};
			size_t k;

			for (k = 0; k < sizeof(kws) / sizeof(kws[0]); k++) {
				size_t kl = strlen(kws[k]);

				if ((size_t)(end - q) > kl && strncmp(q, kws[k], kl) == 0) {
					q += kl;
					while (q < end && *q == ' ')
						q++;
					break;
				}
			}
			if (k == sizeof(kws) / sizeof(kws[0]))
				break;
		}
		if ((size_t)(end - q) > nlen && strncmp(q, name, nlen) == 0 &&
		    !(isalnum((unsigned char)q[nlen]) || q[nlen] == '_')) {
			const char *r = q + nlen;

			while (r < end && (*r == ' ' || *r == '\t'))
				r++;
			if (r < end && *r == ':' && r + 1 < end && r[1] != '=') {
				/* a type annotation: NAME: int = 10 */
				while (r < end && *r != '=')
					r++;
			} else if (r < end && *r == ':') {
				r++;
			}
			if (r < end && *r == '=' && (r + 1 >= end || r[1] != '=')) {
				const char *v = r + 1, *cut = end;
				const char *hash = memchr(v, '#', (size_t)(end - v));
				const char *sl = NULL;

				for (const char *x = v; x + 1 < end; x++) {
					if (x[0] == '/' && x[1] == '/') {
						sl = x;
						break;
					}
				}
				if (hash != NULL && hash < cut)
					cut = hash;
				if (sl != NULL && sl < cut)
					cut = sl;
				free(best);
				best = trimmed(v, (size_t)(cut - v));
				*bline = line;
			}
		}
		if (eol == NULL)
			break;
		line_start = eol + 1;
	}
	return best;
}

/* Match the value patterns of lang against text: the env key and the literal default. */
static bool
match_env_read(const struct pool_set *ps, unsigned lang, const char *text, char **key, char **def)
{
	struct rx_ctx *ctx = rx_ctx_new();
	bool found = false;
	size_t i;

	*key = *def = NULL;
	for (i = 0; i < ps->values.len && !found; i++) {
		const struct pool_value_pattern *vp = &ps->values.items[i];
		struct rx_match m;
		int gk, gk2, gd;

		if (vp->langs != 0 && lang != 0 && !(vp->langs & lang))
			continue;
		if (rx_match(ctx, vp->rx, text, strlen(text), 0, &m) != RX_MATCH)
			continue;
		gk = rx_group_number(vp->rx, "key");
		gk2 = rx_group_number(vp->rx, "key2");
		gd = rx_group_number(vp->rx, "default");
		if (gk >= 0 && gk < m.ngroups && m.start[gk] != (size_t)-1)
			*key = xstrndup(text + m.start[gk], m.end[gk] - m.start[gk]);
		else if (gk2 >= 0 && gk2 < m.ngroups && m.start[gk2] != (size_t)-1)
			*key = xstrndup(text + m.start[gk2], m.end[gk2] - m.start[gk2]);
		if (gd >= 0 && gd < m.ngroups && m.start[gd] != (size_t)-1)
			*def = xstrndup(text + m.start[gd], m.end[gd] - m.start[gd]);
		found = *key != NULL;
		if (!found) {
			free(*def);
			*def = NULL;
		}
	}
	rx_ctx_free(ctx);
	return found;
}

static int eval_number(const struct pool_set *ps, const struct service *svc, unsigned lang,
                       const char *text, const char *data, const char *file, int line,
                       long *value, struct pool_origin *o, int depth);

/*
 * `COND ? A : B` (Rails database.yml: `Sidekiq.server? ? ENV.fetch(
 * 'SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5)`): which
 * branch a process takes is not known statically, so the larger one is the
 * per-process peak. -1 when text is no such expression or a branch is unknown.
 */
static int
eval_ternary(const struct pool_set *ps, const struct service *svc, unsigned lang, const char *t,
             const char *data, const char *file, int line, long *value, struct pool_origin *o,
             int depth)
{
	const char *q = strstr(t, " ? "), *p;
	struct pool_origin oa = {0}, ob = {0};
	char *a, *b;
	long va, vb;
	int par = 0, rc = -1;

	if (q == NULL)
		return -1;
	for (p = q + 3; *p; p++) {
		if (*p == '(' || *p == '[' || *p == '{')
			par++;
		else if ((*p == ')' || *p == ']' || *p == '}') && par > 0)
			par--;
		else if (par == 0 && p[0] == ' ' && p[1] == ':' && p[2] == ' ')
			break;
	}
	if (*p == '\0')
		return -1;
	a = xstrndup(q + 3, (size_t)(p - q - 3));
	b = xstrdup(p + 3);
	if (eval_number(ps, svc, lang, a, data, file, line, &va, &oa, depth + 1) == 0 &&
	    eval_number(ps, svc, lang, b, data, file, line, &vb, &ob, depth + 1) == 0) {
		struct pool_origin *win = va >= vb ? &oa : &ob;

		*value = va >= vb ? va : vb;
		o->file = win->file;
		o->line = win->line;
		o->why = xasprintf("%s; the larger branch of a condition (the other gives %ld)",
		                   win->why ? win->why : "declared", va >= vb ? vb : va);
		win->file = NULL;
		rc = 0;
	}
	pool_origin_clear(&oa);
	pool_origin_clear(&ob);
	free(a);
	free(b);
	return rc;
}

static int
eval_number(const struct pool_set *ps, const struct service *svc, unsigned lang, const char *text,
            const char *data, const char *file, int line, long *value, struct pool_origin *o,
            int depth)
{
	char *t = trimmed(text, strlen(text)), *key = NULL, *def = NULL, *rhs;
	int rc = -1, bline = 0;

	if (pools_parse_int(t, value)) {
		o->file = xstrdup(file);
		o->line = line;
		rc = 0;
		goto cleanup;
	}
	if (depth < POOLS_EVAL_DEPTH && eval_ternary(ps, svc, lang, t, data, file, line, value, o,
						     depth) == 0) {
		rc = 0;
		goto cleanup;
	}
	if (match_env_read(ps, lang, t, &key, &def)) {
		const struct env_entry *e = svc != NULL ? resolve_find(svc, key) : NULL;

		if (e != NULL && e->winner.value != NULL &&
		    pools_parse_int(e->winner.value, value)) {
			o->file = xstrdup(e->winner.file);
			o->line = e->winner.line;
			o->why = xasprintf("%s=%ld, read at %s:%d", key, *value, file, line);
			rc = 0;
		} else if (def != NULL && pools_parse_int(def, value)) {
			o->file = xstrdup(file);
			o->line = line;
			o->why = xasprintf("%s is not set for this service; the code's default %ld",
			                   key, *value);
			rc = 0;
		} else {
			o->why = e != NULL && e->winner.value != NULL
			             ? xasprintf("%s is not a number", key)
			             : xasprintf("%s is not set for this service and the code "
			                         "gives no default",
			                         key);
		}
		goto cleanup;
	}
	if (is_identifier(t) && depth < POOLS_EVAL_DEPTH) {
		const char *last = strrchr(t, '.');
		const char *name = last ? last + 1 : t;
		const struct env_entry *e = NULL;

		/* settings.DB_POOL_SIZE: settings classes read the variable of the same name */
		if (last != NULL && svc != NULL)
			e = resolve_find(svc, name);
		if (e != NULL && e->winner.value != NULL &&
		    pools_parse_int(e->winner.value, value)) {
			o->file = xstrdup(e->winner.file);
			o->line = e->winner.line;
			o->why = xasprintf("%s=%ld, read at %s:%d", name, *value, file, line);
			rc = 0;
			goto cleanup;
		}
		rhs = constants_searchable(data) ? constant_rhs(data, name, last ? 0 : line, &bline)
		                                 : NULL;
		if (rhs != NULL) {
			rc =
			    eval_number(ps, svc, lang, rhs, data, file, bline, value, o, depth + 1);
			free(rhs);
			goto cleanup;
		}
	}
	o->why = xasprintf("cannot read \"%s\" statically", t);
cleanup:
	free(t);
	free(key);
	free(def);
	return rc;
}

int
pools_eval_number(const struct pool_set *ps, const struct service *svc, unsigned lang,
                  const char *text, const char *data, const char *file, int line, long *value,
                  struct pool_origin *origin)
{
	memset(origin, 0, sizeof(*origin));
	return eval_number(ps, svc, lang, text, data, file, line, value, origin, 0);
}

char *
pools_env_key(const struct pool_set *ps, unsigned lang, const char *text, const char *data)
{
	char *t = trimmed(text, strlen(text)), *key = NULL, *def = NULL, *rhs;
	int depth, bline;

	for (depth = 0; depth < POOLS_EVAL_DEPTH; depth++) {
		if (match_env_read(ps, lang, t, &key, &def))
			break;
		rhs = is_identifier(t) && constants_searchable(data)
		          ? constant_rhs(data, t, 0, &bline)
		          : NULL;
		free(t);
		t = rhs;
		if (t == NULL)
			break;
	}
	free(t);
	free(def);
	return key;
}
