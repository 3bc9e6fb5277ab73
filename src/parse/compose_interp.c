/*
 * Compose-file interpolation as compose-go's template package does it:
 * `$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+a}`, `${VAR+a}`,
 * `${VAR:?e}`, `${VAR?e}`, with the argument itself interpolated (so
 * `${A:-${B:-x}}` nests). A `$` followed by anything else, or a `${` without
 * its `}`, is compose's "invalid interpolation format" error.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse/compose.h"
#include "util/buf.h"
#include "util/vec.h"

/* Nesting of ${...} inside the arguments of ${...}; deeper is an error. */
#define COMPOSE_MAX_NESTING 32

struct interp {
	const struct compose_lookup *lookup;
	const char *field;
	bool want_missing;
	VEC(char *) missing;
	struct buf name;
	struct el_error *err;
};

static bool
is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *
lookup_name(struct interp *in, const char *name, size_t n)
{
	buf_reset(&in->name);
	buf_add(&in->name, name, n);
	if (in->lookup == NULL || in->lookup->get == NULL)
		return NULL;
	return in->lookup->get(in->lookup->ctx, buf_cstr(&in->name));
}

/* Compose warns "The X variable is not set. Defaulting to a blank string." */
static void
note_missing(struct interp *in)
{
	const char *name = buf_cstr(&in->name);

	if (!in->want_missing)
		return;
	for (size_t i = 0; i < in->missing.len; i++)
		if (strcmp(in->missing.items[i], name) == 0)
			return;
	VEC_PUSH(&in->missing, xstrdup(name));
}

/* The value is not echoed: it may hold a password with a stray `$`. */
static int
invalid_format(struct interp *in, size_t at)
{
	if (in->field != NULL)
		return el_error_set(
		    in->err, NULL, 0, 0,
		    "invalid interpolation format for %s (at character %zu): you may "
		    "need to escape any $ with another $",
		    in->field, at + 1);
	return el_error_set(in->err, NULL, 0, 0,
	                    "invalid interpolation format (at character %zu): you may need to "
	                    "escape any $ with another $",
	                    at + 1);
}

static int substitute(struct interp *in, const char *s, size_t n, size_t base, struct buf *out,
                      int depth);

/* The inside of ${...}: NAME, or NAME then an operator and its argument. */
static int
substitute_braced(struct interp *in, const char *c, size_t m, size_t base, struct buf *out,
                  int depth)
{
	size_t k = 0, name_len;
	bool colon = false;
	char op;
	const char *value;
	struct buf arg = BUF_INIT;
	int rc = -1;

	if (m == 0 || !is_name_start(c[0]))
		return invalid_format(in, base);
	while (k < m && is_name_char(c[k]))
		k++;
	name_len = k;
	if (k == m) {
		value = lookup_name(in, c, name_len);
		if (value == NULL)
			note_missing(in);
		else
			buf_puts(out, value);
		return 0;
	}
	if (c[k] == ':') {
		colon = true;
		k++;
	}
	if (k >= m || (c[k] != '-' && c[k] != '+' && c[k] != '?'))
		return invalid_format(in, base + k);
	op = c[k++];
	if (depth + 1 > COMPOSE_MAX_NESTING)
		return el_error_set(in->err, NULL, 0, 0,
		                    "interpolation is nested deeper than %d levels",
		                    COMPOSE_MAX_NESTING);
	/* compose-go interpolates the argument before it looks at the variable. */
	buf_puts(&arg, "");
	if (substitute(in, c + k, m - k, base + k, &arg, depth + 1) < 0)
		goto cleanup;
	value = lookup_name(in, c, name_len);
	switch (op) {
	case '-':
		buf_puts(out, value == NULL || (colon && *value == '\0') ? buf_cstr(&arg) : value);
		break;
	case '+':
		buf_puts(out, value != NULL && (!colon || *value != '\0') ? buf_cstr(&arg)
		              : value                                     ? value
		                                                          : "");
		break;
	default: /* '?' */
		if (value == NULL || (colon && *value == '\0')) {
			if (arg.len > 0)
				el_error_set(in->err, NULL, 0, 0,
				             "required variable %.*s is missing a value: %s",
				             (int)name_len, c, buf_cstr(&arg));
			else
				el_error_set(in->err, NULL, 0, 0,
				             "required variable %.*s is missing a value",
				             (int)name_len, c);
			goto cleanup;
		}
		buf_puts(out, value);
		break;
	}
	rc = 0;
cleanup:
	buf_free(&arg);
	return rc;
}

/* The `}` that closes the `${` at s[0], counting nested `${` as compose-go does, or n. */
static size_t
closing_brace(const char *s, size_t n)
{
	int open = 0;

	for (size_t j = 0; j < n; j++) {
		if (s[j] == '}' && --open == 0)
			return j;
		if (s[j] == '$' && j + 1 < n && s[j + 1] == '{') {
			open++;
			j++;
		}
	}
	return n;
}

static int
substitute(struct interp *in, const char *s, size_t n, size_t base, struct buf *out, int depth)
{
	size_t i = 0;

	while (i < n) {
		const char *dollar = memchr(s + i, '$', n - i);
		size_t d, close;

		if (dollar == NULL) {
			buf_add(out, s + i, n - i);
			break;
		}
		d = (size_t)(dollar - s);
		buf_add(out, s + i, d - i);
		if (d + 1 < n && s[d + 1] == '$') {
			buf_putc(out, '$');
			i = d + 2;
		} else if (d + 1 < n && is_name_start(s[d + 1])) {
			const char *value;

			i = d + 1;
			while (i < n && is_name_char(s[i]))
				i++;
			value = lookup_name(in, s + d + 1, i - d - 1);
			if (value == NULL)
				note_missing(in);
			else
				buf_puts(out, value);
		} else if (d + 1 < n && s[d + 1] == '{') {
			close = closing_brace(s + d, n - d);
			if (close == n - d)
				return invalid_format(in, base + d);
			if (substitute_braced(in, s + d + 2, close - 2, base + d + 2, out, depth) <
			    0)
				return -1;
			i = d + close + 1;
		} else {
			return invalid_format(in, base + d);
		}
	}
	return 0;
}

void
compose_missing_free(char **missing, size_t nmissing)
{
	for (size_t i = 0; i < nmissing; i++)
		free(missing[i]);
	free(missing);
}

char *
compose_interpolate_field(const char *value, const char *field, const struct compose_lookup *lookup,
                          char ***missing, size_t *nmissing, struct el_error *err)
{
	struct interp in;
	struct buf out = BUF_INIT;

	memset(&in, 0, sizeof(in));
	in.lookup = lookup;
	in.field = field;
	in.want_missing = missing != NULL;
	in.err = err;
	if (value == NULL)
		value = "";
	buf_puts(&out, "");
	if (substitute(&in, value, strlen(value), 0, &out, 0) < 0) {
		for (size_t i = 0; i < in.missing.len; i++)
			free(in.missing.items[i]);
		VEC_FREE(&in.missing);
		buf_free(&in.name);
		buf_free(&out);
		if (missing != NULL) {
			*missing = NULL;
			*nmissing = 0;
		}
		return NULL;
	}
	buf_free(&in.name);
	if (missing != NULL) {
		*missing = in.missing.items;
		*nmissing = in.missing.len;
	}
	return buf_detach(&out);
}

char *
compose_interpolate(const char *value, const struct compose_lookup *lookup, char ***missing,
                    size_t *nmissing, struct el_error *err)
{
	return compose_interpolate_field(value, NULL, lookup, missing, nmissing, err);
}
