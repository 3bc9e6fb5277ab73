/*
 * The expansion engines of the JavaScript loaders, reproduced operation by
 * operation from their sources (quirks included), and the dispatch to the
 * other dialects' engines (dotenv_shell.h). Nothing is ever executed: a
 * `$(cmd)` that dotenv-expand 1000 would run is removed and the value marked
 * unknowable.
 *
 * Sources: dotenv-expand 1000.0.0 dist/lib/main.js (expand() + the bundled
 * @dotenvx/primitives expand/evaluate); vite 8.3.8 dist/node/chunks/node.js
 * (a v12-style expandValue); @next/env 16.4.6 dist/index.js (_interpolate).
 * All three restart their search from the start of the value after every
 * replacement and replace the FIRST occurrence of the matched text with
 * String.prototype.replace, whose `$$`, `$&`, `` $` `` and `$'` patterns apply
 * to the substituted value.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/dotenv_int.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* ---- shared pieces ------------------------------------------------------ */

static void
push_name(char ***arr, size_t *n, const char *name, size_t len)
{
	*arr = xreallocarray(*arr, *n + 1, sizeof(char *));
	(*arr)[(*n)++] = xstrndup(name, len);
}

/* Record a looked-up name; unset (NULL) counts as undefined. */
static void
note_ref(struct dotenv_expansion *x, const char *name, size_t len, const char *found)
{
	push_name(&x->refs, &x->nrefs, name, len);
	if (found == NULL)
		push_name(&x->undefined, &x->nundefined, name, len);
}

static const char *
look(const struct dotenv_lookup *l, const char *name)
{
	if (l == NULL || l->get == NULL)
		return NULL;
	return l->get(l->ctx, name);
}

void
dotenv_expansion_clear(struct dotenv_expansion *x)
{
	free(x->value);
	free(x->error);
	for (size_t i = 0; i < x->nrefs; i++)
		free(x->refs[i]);
	free(x->refs);
	for (size_t i = 0; i < x->nundefined; i++)
		free(x->undefined[i]);
	free(x->undefined);
	memset(x, 0, sizeof(*x));
}

void
dotenv_expansion_apply(struct dotenv_binding *b, struct dotenv_expansion *x)
{
	for (size_t i = 0; i < b->nrefs; i++)
		free(b->refs[i]);
	free(b->refs);
	for (size_t i = 0; i < b->nundefined_refs; i++)
		free(b->undefined_refs[i]);
	free(b->undefined_refs);
	b->refs = x->refs;
	b->nrefs = x->nrefs;
	b->undefined_refs = x->undefined;
	b->nundefined_refs = x->nundefined;
	b->unknowable = x->unknowable || x->gave_up;
	dotenv_set_value(b, x->value);
	x->value = NULL;
	x->refs = x->undefined = NULL;
	x->nrefs = x->nundefined = 0;
	dotenv_expansion_clear(x);
}

void
dotenv_js_unescape(char *value)
{
	size_t w = 0;

	if (value == NULL)
		return;
	for (size_t r = 0; value[r]; r++) {
		if (value[r] == '\\' && value[r + 1] == '$')
			r++;
		value[w++] = value[r];
	}
	value[w] = '\0';
}

/*
 * s.replace(pattern, repl) with a string pattern: the first occurrence of
 * pattern is replaced by repl with its `$` patterns expanded. Returns a new
 * string, or NULL when pattern does not occur. *work grows by the bytes scanned.
 */
static char *
js_replace_first(const char *s, const char *pattern, const char *repl, size_t *work)
{
	const char *at = strstr(s, pattern);
	size_t plen = strlen(pattern), pos;
	struct buf out = BUF_INIT;

	*work += strlen(s) + strlen(repl);
	if (at == NULL)
		return NULL;
	pos = (size_t)(at - s);
	buf_add(&out, s, pos);
	for (const char *r = repl; *r; r++) {
		if (*r != '$' || r[1] == '\0') {
			buf_putc(&out, *r);
			continue;
		}
		switch (r[1]) {
		case '$':
			buf_putc(&out, '$');
			r++;
			break;
		case '&':
			buf_add(&out, at, plen);
			r++;
			break;
		case '`':
			buf_add(&out, s, pos);
			r++;
			break;
		case '\'':
			buf_puts(&out, at + plen);
			r++;
			break;
		default:
			buf_putc(&out, '$');
			break;
		}
	}
	buf_puts(&out, at + plen);
	return buf_detach(&out);
}

/*
 * The first match in s of the regex
 *   (?<!\\)\${([^{}]+)}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)
 * (a `$` not after a backslash, then `{name}` or a bare name): start and
 * len give the whole match, name and nlen the group.
 */
static bool
v12_find(const char *s, size_t *start, size_t *len, size_t *name, size_t *nlen)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] != '$' || (i > 0 && s[i - 1] == '\\'))
			continue;
		if (s[i + 1] == '{') {
			size_t j = i + 2;

			while (s[j] && s[j] != '{' && s[j] != '}')
				j++;
			if (s[j] == '}' && j > i + 2) {
				*start = i;
				*len = j + 1 - i;
				*name = i + 2;
				*nlen = j - i - 2;
				return true;
			}
		}
		if ((s[i + 1] >= 'A' && s[i + 1] <= 'Z') || (s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
		    s[i + 1] == '_') {
			size_t j = i + 2;

			while ((s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= 'a' && s[j] <= 'z') ||
			       (s[j] >= '0' && s[j] <= '9') || s[j] == '_')
				j++;
			*start = i;
			*len = j - i;
			*name = i + 1;
			*nlen = j - i - 1;
			return true;
		}
	}
	return false;
}

/* An expression split as `expr.match(/(:\+|\+|:-|-)/)` + `expr.split(op)` do it. */
struct v12_expr {
	char *key;   /* parts.shift() */
	char *alt;   /* parts.join(op) */
	const char *op; /* ":+", "+", ":-", "-" or NULL */
};

static void
v12_split(const char *e, size_t n, struct v12_expr *x)
{
	const char *sep = NULL;
	size_t p = 0;

	x->op = NULL;
	for (size_t i = 0; i < n && x->op == NULL; i++) {
		if (e[i] == ':' && i + 1 < n && e[i + 1] == '+')
			x->op = ":+";
		else if (e[i] == '+')
			x->op = "+";
		else if (e[i] == ':' && i + 1 < n && e[i + 1] == '-')
			x->op = ":-";
		else if (e[i] == '-')
			x->op = "-";
		p = i;
	}
	/* split(null) splits on the string "null" (JavaScript coerces the separator). */
	sep = x->op ? x->op : "null";
	if (x->op == NULL) {
		const char *at = NULL;

		for (size_t i = 0; i + 4 <= n; i++)
			if (memcmp(e + i, "null", 4) == 0) {
				at = e + i;
				break;
			}
		if (at == NULL) {
			x->key = xstrndup(e, n);
			x->alt = xstrdup("");
			return;
		}
		p = (size_t)(at - e);
	}
	x->key = xstrndup(e, p);
	x->alt = xstrndup(e + p + strlen(sep), n - p - strlen(sep));
}

static void
v12_free(struct v12_expr *x)
{
	free(x->key);
	free(x->alt);
}

/* ---- dotenv-expand 1000 -------------------------------------------------- */

/*
 * @dotenvx/primitives evaluate(): the `$(...)` commands it would run, found
 * with its own quote- and paren-aware scanner. Each is removed (replaced by
 * "" with replace(), first occurrence) instead of being executed.
 */
static char *
evaluate_commands(char *v, struct dotenv_expansion *x, size_t *work)
{
	const char *u = strstr(v, "$(");
	VEC(char *) cmds = {0};

	while (u != NULL && *work < DOTENV_EXPAND_WORK_LIMIT) {
		/* Stack of open parens, each with its quote state. */
		VEC(char) st = {0};
		size_t m = (size_t)(u - v) + 2, len = strlen(v), end = 0;

		VEC_PUSH(&st, 0);
		while (m < len) {
			char *q = &st.items[st.len - 1];
			char d = v[m];

			if (*q == '\'') {
				if (d == '\'')
					*q = 0;
				m++;
				continue;
			}
			if (*q) {
				if (d == '\\') {
					m += 2;
				} else if (d == *q) {
					*q = 0;
					m++;
				} else if (d == '$' && v[m + 1] == '(') {
					VEC_PUSH(&st, 0);
					m += 2;
				} else {
					m++;
				}
				continue;
			}
			if (d == '\\') {
				m += 2;
			} else if (d == '\'' || d == '"' || d == '`') {
				*q = d;
				m++;
			} else if (d == '(') {
				VEC_PUSH(&st, 0);
				m++;
			} else if (d == ')') {
				st.len--;
				m++;
				if (st.len == 0) {
					end = m;
					break;
				}
			} else {
				m++;
			}
		}
		*work += m - (size_t)(u - v);
		VEC_FREE(&st);
		if (end) {
			VEC_PUSH(&cmds, xstrndup(u, end - (size_t)(u - v)));
			u = strstr(v + end, "$(");
		} else {
			u = strstr(u + 2, "$(");
		}
	}
	for (size_t i = 0; i < cmds.len; i++) {
		char *nv = js_replace_first(v, cmds.items[i], "", work);

		if (nv != NULL) {
			free(v);
			v = nv;
		}
		x->unknowable = true;
		free(cmds.items[i]);
	}
	VEC_FREE(&cmds);
	return v;
}

int
dotenv_expand_dotenv1000(const char *raw, const struct dotenv_lookup *env,
			 struct dotenv_expansion *x)
{
	char *result = xstrdup(raw);
	size_t work = x->work, start, len, name, nlen;

	while (v12_find(result, &start, &len, &name, &nlen)) {
		struct v12_expr e;
		const char *val, *r;
		char *tmpl, *nv;
		bool stop;

		if (work > DOTENV_EXPAND_WORK_LIMIT) {
			x->gave_up = true;
			break;
		}
		v12_split(result + name, nlen, &e);
		val = look(env, e.key);
		note_ref(x, e.key, strlen(e.key), val);
		if (e.op && strcmp(e.op, ":-") == 0)
			r = val && *val ? val : e.alt;
		else if (e.op && strcmp(e.op, "-") == 0)
			r = val ? val : e.alt;
		else if (e.op && strcmp(e.op, ":+") == 0)
			r = val && *val ? e.alt : "";
		else if (e.op)
			r = val ? e.alt : "";
		else
			r = val ? val : "";
		tmpl = xstrndup(result + start, len);
		nv = js_replace_first(result, tmpl, r, &work);
		free(tmpl);
		/* The same text again: the real loop never ends (B=\${B} then A=${B}x). */
		if (strcmp(nv, result) == 0 && !(val != NULL && strcmp(nv, val) == 0)) {
			x->gave_up = true;
			x->self_ref = true;
			free(nv);
			v12_free(&e);
			break;
		}
		free(result);
		result = nv;
		/* `if (N === A[f] || literals...) break` (no literals are passed). */
		stop = val != NULL && strcmp(result, val) == 0;
		v12_free(&e);
		if (stop)
			break;
	}
	x->value = evaluate_commands(result, x, &work);
	if (work > DOTENV_EXPAND_WORK_LIMIT)
		x->gave_up = true;
	x->work = work;
	return 0;
}

/* ---- vite (dotenv-expand v12 code) --------------------------------------- */

int
dotenv_expand_vite(const char *raw, const struct dotenv_lookup *env,
		   const struct dotenv_lookup *parsed, struct dotenv_expansion *x)
{
	char *result = xstrdup(raw);
	VEC(char *) seen = {0};
	size_t work = x->work, start, len, name, nlen;

	while (v12_find(result, &start, &len, &name, &nlen)) {
		struct v12_expr e;
		const char *val, *def, *r, *running;
		char *tmpl, *nv, *deflt = NULL;
		bool in_seen = false, stop;

		if (work > DOTENV_EXPAND_WORK_LIMIT) {
			x->gave_up = true;
			break;
		}
		VEC_PUSH(&seen, xstrdup(result));
		work += strlen(result);
		v12_split(result + name, nlen, &e);
		val = look(env, e.key);
		note_ref(x, e.key, strlen(e.key), val);
		if (e.op && (strcmp(e.op, ":+") == 0 || strcmp(e.op, "+") == 0)) {
			def = val && *val ? e.alt : "";
			val = NULL;
		} else {
			def = e.alt;
		}
		if (val && *val) {
			for (size_t i = 0; i < seen.len && !in_seen; i++)
				in_seen = strcmp(seen.items[i], val) == 0;
			work += seen.len * strlen(val);
			r = in_seen ? def : val;
		} else {
			r = def;
		}
		deflt = xstrdup(r);
		tmpl = xstrndup(result + start, len);
		nv = js_replace_first(result, tmpl, deflt, &work);
		free(tmpl);
		free(deflt);
		free(result);
		result = nv;
		running = look(parsed, e.key);
		stop = running != NULL && strcmp(result, running) == 0;
		v12_free(&e);
		if (stop)
			break;
	}
	for (size_t i = 0; i < seen.len; i++)
		free(seen.items[i]);
	VEC_FREE(&seen);
	x->value = result;
	x->work = work;
	return 0;
}

/* ---- Next's bundled old dotenv-expand ------------------------------------ */

static bool
is_word(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

int
dotenv_expand_next(const char *raw, const struct dotenv_lookup *env,
		   const struct dotenv_lookup *parsed, struct dotenv_expansion *x)
{
	char *v = xstrdup(raw);
	size_t work = x->work;

	for (int depth = 0;; depth++) {
		long last = -1;
		size_t i, j, len, name, nlen, dstart = 0, dlen = 0;
		bool has_default = false;
		char *group, *key, *def = NULL, *nv;
		const char *r, *e, *p;

		/*
		 * Out of work after a thousand steps or more: only an expansion
		 * that keeps feeding itself gets here; call it what Next hits.
		 */
		if (depth >= DOTENV_NEXT_MAX_RECURSION ||
		    (work > DOTENV_NEXT_WORK_LIMIT && depth >= DOTENV_NEXT_MAX_RECURSION / 10)) {
			x->self_ref = true;
			x->error = xstrdup("Maximum call stack size exceeded");
			x->value = v;
			x->work = work;
			return -1;
		}
		/* An endless recursion grows the value at every step (A=${A}x), so
		 * reaching the depth V8 allows costs ~ depth^2 * growth / 2. */
		if (work > DOTENV_NEXT_WORK_LIMIT) {
			x->gave_up = true;
			break;
		}
		/* _searchLast(value, /(?!(?<=\\))\$/g): the last `$` not after a backslash. */
		len = strlen(v);
		work += len;
		for (size_t end = len; end > 0;) {
			char saved;
			const char *d;

			saved = v[end];
			v[end] = '\0';
			d = strrchr(v, '$');
			v[end] = saved;
			if (d == NULL)
				break;
			if (d == v || d[-1] != '\\') {
				last = (long)(d - v);
				break;
			}
			end = (size_t)(d - v);
		}
		if (last < 0)
			break;
		/*
		 * /((?!(?<=\\))\${?([\w]+)(?::-([^}\\]*))?}?)/ on value.slice(last): the
		 * slice starts with an unescaped `$` and holds no other, so only a
		 * match at its start is possible.
		 */
		i = (size_t)last + 1;
		if (v[i] == '{' && is_word(v[i + 1]))
			i++;
		name = i;
		while (is_word(v[i]))
			i++;
		nlen = i - name;
		if (nlen == 0)
			break;
		j = i;
		if (v[j] == ':' && v[j + 1] == '-') {
			j += 2;
			dstart = j;
			while (v[j] && v[j] != '}' && v[j] != '\\')
				j++;
			dlen = j - dstart;
			has_default = true;
		}
		if (v[j] == '}')
			j++;
		group = xstrndup(v + last, j - (size_t)last);
		key = xstrndup(v + name, nlen);
		if (has_default)
			def = xstrndup(v + dstart, dlen);
		/* environment[name] || defaultValue || config.parsed[name] || '' */
		e = look(env, key);
		p = look(parsed, key);
		note_ref(x, key, nlen, e ? e : p);
		if (e && *e)
			r = e;
		else if (def && *def)
			r = def;
		else if (p && *p)
			r = p;
		else
			r = "";
		nv = js_replace_first(v, group, r, &work);
		free(group);
		free(key);
		free(def);
		free(v);
		v = nv;
	}
	x->value = v;
	x->work = work;
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

int
dotenv_expand_run(enum dotenv_expander e, const char *raw, const char *self_key,
		  const struct dotenv_lookup *lookup, struct dotenv_expansion *x)
{
	int rc = 0;

	memset(x, 0, sizeof(*x));
	switch (e) {
	case DOTENV_EXP_NONE:
		x->value = xstrdup(raw);
		return 0;
	case DOTENV_EXP_DOTENV_EXPAND:
		rc = dotenv_expand_dotenv1000(raw, lookup, x);
		dotenv_js_unescape(x->value);
		return rc;
	case DOTENV_EXP_NEXT_OLD:
		rc = dotenv_expand_next(raw, lookup, lookup, x);
		dotenv_js_unescape(x->value);
		return rc;
	case DOTENV_EXP_VITE:
		rc = dotenv_expand_vite(raw, lookup, lookup, x);
		dotenv_js_unescape(x->value);
		return rc;
	case DOTENV_EXP_PYTHON:
		return dotenv_expand_python(raw, strlen(raw), lookup, x);
	case DOTENV_EXP_COMPOSE:
		return dotenv_expand_compose(raw, strlen(raw), lookup, x);
	case DOTENV_EXP_GODOTENV:
		return dotenv_expand_godotenv(raw, strlen(raw), lookup, x);
	case DOTENV_EXP_RUBY:
		return dotenv_expand_ruby(raw, strlen(raw), lookup, x);
	case DOTENV_EXP_DOTENVY:
		return dotenv_expand_dotenvy(raw, strlen(raw), lookup, x);
	}
	(void)self_key;
	x->value = xstrdup(raw);
	return 0;
}

/* ---- JavaScript property order ------------------------------------------ */

/* A canonical array index: "0" or [1-9][0-9]* below 2^32 - 1. */
static bool
js_array_index(const char *k, unsigned long long *v)
{
	unsigned long long n = 0;

	if (k[0] == '\0' || (k[0] == '0' && k[1] != '\0'))
		return false;
	for (const char *p = k; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (unsigned)(*p - '0');
		if (n >= 4294967295ull)
			return false;
	}
	*v = n;
	return true;
}

struct key_sort {
	const struct dotenv_file *f;
	size_t idx;   /* last binding of the key */
	size_t first; /* first binding of the key (insertion position) */
	bool is_index;
	unsigned long long num;
	bool sorted;
};

static int
key_sort_cmp(const void *a, const void *b)
{
	const struct key_sort *x = a, *y = b;

	if (x->is_index != y->is_index)
		return x->is_index ? -1 : 1;
	if (x->is_index)
		return x->num < y->num ? -1 : x->num > y->num;
	if (x->sorted)
		return strcmp(x->f->bindings[x->idx].key, y->f->bindings[y->idx].key);
	return x->first < y->first ? -1 : x->first > y->first;
}

size_t *
dotenv_js_key_order(const struct dotenv_file *f, bool sorted, size_t *n)
{
	struct dotenv_index ix;
	struct key_sort *ks = xcalloc(f->nbindings ? f->nbindings : 1, sizeof(*ks));
	size_t *out, count = 0;
	long *slot_of = xcalloc(f->nbindings ? f->nbindings : 1, sizeof(long));

	dotenv_index_init(&ix, f);
	for (size_t i = 0; i < f->nbindings; i++) {
		long at = dotenv_index_find(&ix, f->bindings[i].key);

		if (at < 0) {
			struct key_sort *k = &ks[count];

			k->f = f;
			k->idx = k->first = i;
			k->sorted = sorted;
			k->is_index = js_array_index(f->bindings[i].key, &k->num);
			slot_of[i] = (long)count++;
			dotenv_index_put(&ix, i, true);
		} else {
			ks[slot_of[at]].idx = i;
		}
	}
	qsort(ks, count, sizeof(*ks), key_sort_cmp);
	out = xcalloc(count ? count : 1, sizeof(size_t));
	for (size_t i = 0; i < count; i++)
		out[i] = ks[i].idx;
	*n = count;
	dotenv_index_free(&ix);
	free(ks);
	free(slot_of);
	return out;
}

/* ---- whole-file expansion of the JavaScript loaders ---------------------- */

/* The JavaScript object `parsed` while expand() walks it. */
struct js_expand_state {
	const struct dotenv_file *f;
	struct dotenv_index ix; /* key -> its last binding */
	char **cur;             /* parsed[key] now (by binding index; last bindings only) */
	bool *done;             /* key already in runningParsed */
	const struct dotenv_lookup *penv;
};

static long
js_slot(const struct js_expand_state *st, const char *name)
{
	return dotenv_index_find(&st->ix, name);
}

/* parsed[name]: the current value of the object being expanded. */
static const char *
js_parsed_get(void *ctx, const char *name)
{
	const struct js_expand_state *st = ctx;
	long i = js_slot(st, name);

	return i < 0 ? NULL : st->cur[i];
}

/* dotenv-expand 1000: {...runningParsed, ...env}, env = processEnv minus
 * the keys already expanded whose process value equals their file value. */
static const char *
js_dotenv1000_get(void *ctx, const char *name)
{
	const struct js_expand_state *st = ctx;
	const char *pe = look(st->penv, name);
	long i = js_slot(st, name);

	if (pe != NULL && !(i >= 0 && st->done[i] && strcmp(pe, st->f->bindings[i].raw_value
								    ? st->f->bindings[i].raw_value
								    : "") == 0))
		return pe;
	return i >= 0 && st->done[i] ? st->cur[i] : NULL;
}

/* vite: {...parsed, ...processEnv}. */
static const char *
js_vite_get(void *ctx, const char *name)
{
	const struct js_expand_state *st = ctx;
	const char *pe = look(st->penv, name);

	return pe != NULL ? pe : js_parsed_get(ctx, name);
}

void
dotenv_js_expand_file(struct dotenv_file *f, enum dotenv_expander e,
		      const struct dotenv_lookup *penv)
{
	struct js_expand_state st;
	struct dotenv_lookup parsed_l, env_l;
	size_t n, *order, work = 0;
	bool limit_reported = false;
	size_t nb = f->nbindings ? f->nbindings : 1;

	st.f = f;
	st.penv = penv;
	st.cur = xcalloc(nb, sizeof(char *));
	st.done = xcalloc(nb, sizeof(bool));
	dotenv_index_init(&st.ix, f);
	for (size_t i = 0; i < f->nbindings; i++) {
		dotenv_index_put(&st.ix, i, false);
		st.cur[i] = xstrdup(f->bindings[i].raw_value ? f->bindings[i].raw_value : "");
	}
	parsed_l.get = js_parsed_get;
	parsed_l.ctx = &st;
	env_l.ctx = &st;
	env_l.get = e == DOTENV_EXP_DOTENV_EXPAND ? js_dotenv1000_get : js_vite_get;
	/* Vite's parsed object comes from Node's parseEnv, a std::map: keys sorted. */
	order = dotenv_js_key_order(f, e == DOTENV_EXP_VITE, &n);
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		struct dotenv_binding *b = &f->bindings[i];
		struct dotenv_expansion x = {0};
		const char *pe = look(penv, b->key);
		int rc = 0;

		/* The work limits hold for the whole file, not per value. */
		x.work = work;
		if (e == DOTENV_EXP_NEXT_OLD) {
			/* has(process.env, key) ? process.env[key] : parsed[key], then expand. */
			rc = dotenv_expand_next(pe ? pe : st.cur[i], penv, &parsed_l, &x);
		} else if (pe != NULL && *pe && strcmp(pe, st.cur[i]) != 0) {
			/* "process.env was already set prior to the file value": kept as is. */
			x.value = xstrdup(pe);
		} else if (e == DOTENV_EXP_DOTENV_EXPAND) {
			rc = dotenv_expand_dotenv1000(st.cur[i], &env_l, &x);
		} else {
			rc = dotenv_expand_vite(st.cur[i], &env_l, &parsed_l, &x);
		}
		if (rc < 0) {
			int line = b->line, col = b->col;

			dotenv_add_problem_at(f, DOTENV_PROBLEM_FILE_REJECTED, line, col,
					      "@next/env: Failed to load env from this file: %s "
					      "(expanding %s never ends)",
					      x.error ? x.error : "expansion failed", b->key);
			dotenv_expansion_clear(&x);
			f->failed = true;
			dotenv_truncate_bindings(f, 0);
			break;
		}
		work = x.work;
		if (x.gave_up && !x.self_ref && !limit_reported) {
			/* Once per file: later values run out of the same budget. */
			limit_reported = true;
			dotenv_add_problem_at(f, DOTENV_PROBLEM_STOPPED, b->line, b->col,
					      "envlint stopped expanding %s: its value keeps growing "
					      "as %s rescans it, so the loader would not finish or "
					      "would run out of memory",
					      b->key,
					      e == DOTENV_EXP_VITE ? "vite"
					      : e == DOTENV_EXP_NEXT_OLD ? "@next/env"
									 : "dotenv-expand");
		}
		if (x.self_ref)
			dotenv_add_problem_at(f, DOTENV_PROBLEM_STOPPED, b->line, b->col,
					      "dotenv-expand never finishes expanding %s: the same "
					      "text comes back at every step (the process hangs here)",
					      b->key);
		dotenv_js_unescape(x.value);
		free(st.cur[i]);
		st.cur[i] = xstrdup(x.value);
		st.done[i] = true;
		dotenv_expansion_apply(b, &x);
	}
	for (size_t i = 0; i < nb; i++)
		free(st.cur[i]);
	free(st.cur);
	free(st.done);
	free(order);
	dotenv_index_free(&st.ix);
}
