/*
 * Connection-string parser. One pass marks the ${VAR} / $VAR pieces (so that
 * delimiters inside them, as in ${HOST:-a:b}, are not taken as syntax), then
 * the URI grammar (here) or the key=value grammar (url_keyvalue.c) is read
 * with every part's span recorded.
 * Everything is bounded by len and runs in time linear in it.
 */
#include "parse/url.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/url_int.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* A matched ${ ... } pair: end is the index of the closing brace. */
struct pair {
	size_t start, end;
};

static const struct {
	const char *name;
	enum url_kind kind;
} scheme_kinds[] = {
    {"postgres", URL_KIND_POSTGRES}, {"postgresql", URL_KIND_POSTGRES},
    {"mysql", URL_KIND_MYSQL},       {"mariadb", URL_KIND_MYSQL},
    {"mongodb", URL_KIND_MONGODB},   {"mongodb+srv", URL_KIND_MONGODB},
    {"redis", URL_KIND_REDIS},       {"rediss", URL_KIND_REDIS},
};

int
url_fail(struct url_parser *p, size_t off, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	el_error_set(p->err, NULL, 0, (int)(off < (size_t)0x7fffffff ? off + 1 : 0x7fffffff), "%s",
	             buf_cstr(&b));
	buf_free(&b);
	return -1;
}

static bool
is_scheme_char(int c)
{
	return isalnum(c) || c == '+' || c == '.' || c == '-';
}

/*
 * Mark ${...} (outermost, nesting allowed) and $NAME. Braces are matched with
 * a stack so that an unterminated "${" costs nothing extra: linear overall.
 */
static void
mark_refs(struct url_parser *p)
{
	VEC(size_t) stack = {0};
	VEC(struct pair) pairs = {0};
	size_t i, k, outer_start = (size_t)-1;

	for (i = 0; i < p->len; i++) {
		if (p->s[i] == '$' && i + 1 < p->len && p->s[i + 1] == '{') {
			VEC_PUSH(&stack, i);
			i++;
		} else if (p->s[i] == '}' && stack.len > 0) {
			struct pair pr = {stack.items[--stack.len], i};

			VEC_PUSH(&pairs, pr);
		}
	}
	/* Pairs come in order of their end; one inside a later pair is not outermost. */
	for (k = pairs.len; k-- > 0;) {
		if (outer_start != (size_t)-1 && pairs.items[k].start > outer_start)
			continue;
		outer_start = pairs.items[k].start;
		memset(p->mask + pairs.items[k].start, URL_REF_BRACED,
		       pairs.items[k].end - pairs.items[k].start + 1);
	}
	for (i = 0; i + 1 < p->len; i++) {
		if (p->mask[i] == URL_REF_NONE && p->s[i] == '$' &&
		    url_is_ident_start((unsigned char)p->s[i + 1])) {
			p->mask[i++] = URL_REF_NAME;
			while (i < p->len && url_is_ident((unsigned char)p->s[i]))
				p->mask[i++] = URL_REF_NAME;
			i--;
		}
	}
	VEC_FREE(&stack);
	VEC_FREE(&pairs);
}

static bool
has_ref(const struct url_parser *p, size_t off, size_t n)
{
	for (size_t i = off; i < off + n; i++)
		if (p->mask[i] != URL_REF_NONE)
			return true;
	return false;
}

/* First index in [from, to) holding one of chars outside a reference; to if none. */
static size_t
find_any(const struct url_parser *p, size_t from, size_t to, const char *chars)
{
	for (size_t i = from; i < to; i++) {
		if (p->mask[i] != URL_REF_NONE || p->s[i] == '\0')
			continue;
		for (const char *c = chars; *c != '\0'; c++) /* a few characters: no strchr call */
			if (*c == p->s[i])
				return i;
	}
	return to;
}

/* Last such index in [from, to); to if none. */
static size_t
find_last(const struct url_parser *p, size_t from, size_t to, char c)
{
	for (size_t i = to; i > from; i--)
		if (p->mask[i - 1] == URL_REF_NONE && p->s[i - 1] == c)
			return i - 1;
	return to;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [off, off + n); references are copied as written. */
static int
decode_percent(struct url_parser *p, size_t off, size_t n, char **out)
{
	struct buf b = BUF_INIT;
	size_t i, end = off + n;

	buf_add(&b, "", 0); /* NUL-terminated even when empty */
	buf_grow(&b, n);
	for (i = off; i < end; i++) {
		int hi, lo;

		if (p->s[i] != '%' || p->mask[i] != URL_REF_NONE) {
			buf_putc(&b, p->s[i]);
			continue;
		}
		hi = i + 1 < end && p->mask[i + 1] == URL_REF_NONE
		         ? hexval((unsigned char)p->s[i + 1])
		         : -1;
		lo = i + 2 < end && p->mask[i + 2] == URL_REF_NONE
		         ? hexval((unsigned char)p->s[i + 2])
		         : -1;
		if (hi < 0 || lo < 0) {
			size_t shown = end - i < 3 ? end - i : 3;

			buf_free(&b);
			return url_fail(
			    p, i,
			    "invalid percent-encoding \"%.*s\": '%%' must be followed by "
			    "two hex digits",
			    (int)shown, p->s + i);
		}
		if (hi == 0 && lo == 0) {
			buf_free(&b);
			return url_fail(p, i, "percent-encoded NUL byte \"%%00\" is not allowed");
		}
		buf_putc(&b, (char)(hi * 16 + lo));
		i += 2;
	}
	*out = buf_detach(&b);
	return 0;
}

void
url_part_clear(struct url_part *part)
{
	free(part->raw);
	free(part->value);
	memset(part, 0, sizeof(*part));
}

/* Fill part from [off, off + n); value is decoded when decode, else a copy of raw. */
int
url_set_part(struct url_parser *p, struct url_part *part, size_t off, size_t n, bool decode)
{
	char *value = NULL;

	if (decode && decode_percent(p, off, n, &value) != 0)
		return -1;
	url_part_clear(part);
	part->present = true;
	part->span.off = off;
	part->span.len = n;
	part->raw = xstrndup(p->s + off, n);
	part->value = value ? value : xstrndup(p->s + off, n);
	part->unresolved = has_ref(p, off, n);
	if (part->unresolved)
		p->u->unresolved = true;
	return 0;
}

void
url_copy_part(struct url_part *dst, const struct url_part *src)
{
	url_part_clear(dst);
	*dst = *src;
	dst->raw = xstrdup(src->raw);
	dst->value = xstrdup(src->value);
}

/* Check a port's text (already decoded) and fill h. off points at it in the input. */
int
url_parse_port(struct url_parser *p, struct url_host *h, const char *text, size_t off,
               bool unresolved)
{
	long v = 0;
	size_t i, n = strlen(text);

	if (n == 0) {
		if (p->u->kind == URL_KIND_POSTGRES) {
			h->port_number = URL_POSTGRES_DEFAULT_PORT;
			h->port_defaulted = true;
		}
		return 0;
	}
	if (unresolved) {
		h->port_number = 0;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)text[i]))
			return url_fail(p, off, "port \"%.32s\" is not a number", text);
	for (i = 0; i < n && v <= 65535; i++)
		v = v * 10 + (text[i] - '0');
	if (v < 1 || v > 65535)
		return url_fail(p, off, "port %.32s is out of range (1-65535)", text);
	h->port_number = (int)v;
	return 0;
}

static bool
valid_ipv6(const char *s, size_t n)
{
	size_t i, colons = 0;

	for (i = 0; i < n && s[i] != '%'; i++) {
		if (s[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	}
	if (i < n && i + 1 == n)
		return false; /* '%' with no zone */
	return colons >= 2;
}

/* One element of the URI host list: host, host:port, [v6], [v6]:port. */
static int
parse_host_elem(struct url_parser *p, size_t b, size_t c)
{
	struct url_host *h;
	size_t name_end, port_off = 0;
	bool have_port = false;

	if (b == c)
		return url_fail(p, b, "empty host");
	h = VEC_PUSH_ZERO(&p->hosts);
	if (p->s[b] == '[' && p->mask[b] == URL_REF_NONE) {
		size_t rb = find_any(p, b + 1, c, "]");
		char *addr = NULL;

		if (rb == c)
			return url_fail(
			    p, b,
			    "unterminated '[' in host (IPv6 addresses are written [::1]:5432)");
		if (decode_percent(p, b + 1, rb - b - 1, &addr) != 0)
			return -1;
		if (!has_ref(p, b + 1, rb - b - 1) && !valid_ipv6(addr, strlen(addr))) {
			free(addr);
			return url_fail(p, b + 1, "invalid IPv6 address \"%.*s\"",
			                (int)(rb - b - 1 < 64 ? rb - b - 1 : 64), p->s + b + 1);
		}
		h->ipv6 = true;
		h->name.present = true;
		h->name.span.off = b;
		h->name.span.len = rb + 1 - b;
		h->name.raw = xstrndup(p->s + b, rb + 1 - b);
		h->name.value = addr;
		h->name.unresolved = has_ref(p, b, rb + 1 - b);
		if (h->name.unresolved)
			p->u->unresolved = true;
		if (rb + 1 < c) {
			if (p->s[rb + 1] != ':')
				return url_fail(p, rb + 1, "unexpected '%c' after ']' in host",
				                p->s[rb + 1]);
			have_port = true;
			port_off = rb + 2;
		}
	} else {
		size_t colon = find_any(p, b, c, ":"), i;

		if (colon < c && find_any(p, colon + 1, c, ":") < c)
			return url_fail(p, b, "IPv6 address must be in brackets, as in [::1]:5432");
		for (i = b; i < c; i++) {
			unsigned char ch = (unsigned char)p->s[i];

			if (p->mask[i] == URL_REF_NONE && ch != 0 &&
			    strchr("[]\"<>\\^`{|}", ch) != NULL)
				return url_fail(p, i, "unexpected '%c' in host", ch);
		}
		name_end = colon;
		if (name_end == b)
			return url_fail(p, b, "empty host");
		if (url_set_part(p, &h->name, b, name_end - b, true) != 0)
			return -1;
		if (colon < c) {
			have_port = true;
			port_off = colon + 1;
		}
	}
	if (have_port && port_off < c) {
		if (url_set_part(p, &h->port, port_off, c - port_off, true) != 0)
			return -1;
		return url_parse_port(p, h, h->port.value, port_off, h->port.unresolved);
	}
	return url_parse_port(p, h, "", c, false);
}

static int
parse_query(struct url_parser *p, size_t from, size_t to)
{
	size_t b = from;

	while (b <= to) {
		size_t c = find_any(p, b, to, "&"), eq;
		struct url_param *pr;

		if (c == b) { /* empty segment: "?&a=1", trailing "&" */
			b = c + 1;
			continue;
		}
		eq = find_any(p, b, c, "=");
		if (eq == b)
			return url_fail(p, b, "query parameter without a name");
		pr = VEC_PUSH_ZERO(&p->params);
		pr->span.off = b;
		pr->span.len = c - b;
		if (url_set_part(p, &pr->key, b, eq - b, true) != 0)
			return -1;
		if (eq < c && url_set_part(p, &pr->value, eq + 1, c - eq - 1, true) != 0)
			return -1;
		b = c + 1;
	}
	return 0;
}

/* Last parameter or key named name, or NULL. */
const struct url_param *
url_last_param(const struct url_parser *p, const char *name)
{
	for (size_t i = p->params.len; i-- > 0;)
		if (p->params.items[i].key.value && strcmp(p->params.items[i].key.value, name) == 0)
			return &p->params.items[i];
	return NULL;
}

static enum url_kind
kind_of(const char *name)
{
	for (size_t i = 0; i < sizeof(scheme_kinds) / sizeof(scheme_kinds[0]); i++)
		if (strcmp(scheme_kinds[i].name, name) == 0)
			return scheme_kinds[i].kind;
	return URL_KIND_OTHER;
}

/* Split "postgresql+asyncpg" into name "postgresql" and driver "asyncpg"; set the kind. */
static void
set_scheme_name(struct url *u, const char *s, size_t n)
{
	char *lower = xstrndup(s, n), *plus;

	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	u->kind = kind_of(lower);
	if (u->kind == URL_KIND_OTHER && (plus = strchr(lower, '+')) != NULL) {
		*plus = '\0';
		u->kind = kind_of(lower);
		if (u->kind != URL_KIND_OTHER)
			u->driver = xstrdup(plus + 1);
		else
			*plus = '+';
	}
	u->scheme_name = lower;
}

/* user=, password=, dbname= in the parameters override the URI's own parts, as in libpq. */
void
url_apply_overrides(struct url_parser *p)
{
	const struct url_param *pr;

	if ((pr = url_last_param(p, "user")) != NULL && pr->value.present)
		url_copy_part(&p->u->user, &pr->value);
	if ((pr = url_last_param(p, "password")) != NULL && pr->value.present)
		url_copy_part(&p->u->password, &pr->value);
	if ((pr = url_last_param(p, "dbname")) != NULL && pr->value.present)
		url_copy_part(&p->u->database, &pr->value);
}

/* From s[a] (just after "//", or after "jdbc:sub:" when slashes is false). */
static int
parse_after_scheme(struct url_parser *p, size_t a, bool slashes)
{
	size_t e, q, at, hs;
	struct url *u = p->u;

	for (size_t i = a; i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];

		if (p->mask[i] == URL_REF_NONE && (url_is_space(c) || c < 0x20 || c == 0x7f))
			return url_fail(p, i, "unexpected %s in a connection URI",
			                url_is_space(c) ? "whitespace" : "control character");
	}
	if (slashes) {
		e = find_any(p, a, p->len, "/?");
		at = find_last(p, a, e, '@');
		/* "u:pa/ss@h": the authority ends at the '/', so the '@' lands in the path. */
		if (at == e && e < p->len && p->s[e] == '/' && find_any(p, a, e, ":") < e) {
			size_t qq = find_any(p, e, p->len, "?");

			if (find_any(p, e, qq, "@") < qq)
				return url_fail(p, e,
				                "'@' after the host: a '/' in the user name or "
				                "password must be percent-encoded as %%2F");
		}
		hs = a;
		if (at < e) {
			size_t colon = find_any(p, a, at, ":");

			if (url_set_part(p, &u->user, a, colon - a, true) != 0)
				return -1;
			if (colon < at &&
			    url_set_part(p, &u->password, colon + 1, at - colon - 1, true) != 0)
				return -1;
			hs = at + 1;
		}
		/* "user@/db" lacks a host; "postgresql:///db" (no authority) is the local socket.
		 */
		if (hs == e) {
			if (at < e)
				return url_fail(p, hs, "empty host");
		} else {
			size_t b = hs;

			for (;;) {
				size_t c = find_any(p, b, e, ",");

				if (parse_host_elem(p, b, c) != 0)
					return -1;
				if (c == e)
					break;
				b = c + 1;
			}
		}
	} else {
		e = a;
	}
	q = find_any(p, e, p->len, "?");
	if (e < q) {
		size_t d = p->s[e] == '/' ? e + 1 : e;

		if (url_set_part(p, &u->database, d, q - d, true) != 0)
			return -1;
	}
	if (q < p->len && parse_query(p, q + 1, p->len) != 0)
		return -1;
	if (u->kind == URL_KIND_POSTGRES || u->form == URL_FORM_JDBC)
		url_apply_overrides(p);
	if (u->kind == URL_KIND_POSTGRES && p->hosts.len == 0) {
		const struct url_param *h = url_last_param(p, "host"),
		                       *pt = url_last_param(p, "port");

		if (url_hosts_from_lists(p, h ? &h->value : NULL, pt ? &pt->value : NULL) != 0)
			return -1;
	}
	return 0;
}

static int
parse_uri(struct url_parser *p, size_t colon)
{
	struct url *u = p->u;
	size_t a = colon + 1;

	if (colon == 4 && strncasecmp(p->s, "jdbc", 4) == 0) {
		size_t j = a;

		while (j < p->len && is_scheme_char((unsigned char)p->s[j]))
			j++;
		if (j == a || j >= p->len || p->s[j] != ':')
			return url_fail(p, a, "expected \"jdbc:<subprotocol>:\"");
		u->form = URL_FORM_JDBC;
		url_set_part(p, &u->scheme, 0, j, false);
		set_scheme_name(u, p->s + a, j - a);
		a = j + 1;
		if (a + 1 < p->len && p->s[a] == '/' && p->s[a + 1] == '/')
			return parse_after_scheme(p, a + 2, true);
		return parse_after_scheme(p, a, false);
	}
	u->form = URL_FORM_URI;
	url_set_part(p, &u->scheme, 0, colon, false);
	set_scheme_name(u, p->s, colon);
	if (a + 2 > p->len || p->s[a] != '/' || p->s[a + 1] != '/')
		return url_fail(p, a, "expected \"//\" after \"%.*s:\"",
		                (int)(colon < 32 ? colon : 32), p->s);
	return parse_after_scheme(p, a + 2, true);
}

static void
host_clear(struct url_host *h)
{
	url_part_clear(&h->name);
	url_part_clear(&h->port);
}

static void
param_clear(struct url_param *pr)
{
	url_part_clear(&pr->key);
	url_part_clear(&pr->value);
}

int
url_parse(struct url **out, const char *s, size_t len, struct el_error *err)
{
	struct url_parser p = {0};
	const char *nul;
	size_t i;
	int rc = -1;

	p.s = s;
	p.len = len;
	p.err = err;
	p.u = xcalloc(1, sizeof(*p.u));
	p.mask = xcalloc(len ? len : 1, 1);
	if (s == NULL || len == 0) {
		url_fail(&p, 0, "empty connection string");
		goto cleanup;
	}
	if ((nul = memchr(s, '\0', len)) != NULL) {
		url_fail(&p, (size_t)(nul - s), "NUL byte in connection string");
		goto cleanup;
	}
	mark_refs(&p);

	for (i = 0; i < len && is_scheme_char((unsigned char)s[i]); i++)
		;
	if (i > 0 && i < len && s[i] == ':' && isalpha((unsigned char)s[0])) {
		if (parse_uri(&p, i) != 0)
			goto cleanup;
	} else {
		size_t k = 0, name;

		while (k < len && url_is_space((unsigned char)s[k]))
			k++;
		name = k;
		while (k < len && url_is_ident((unsigned char)s[k]))
			k++;
		while (k < len && url_is_space((unsigned char)s[k]))
			k++;
		if (k == len || s[k] != '=' || name == len ||
		    !url_is_ident_start((unsigned char)s[name])) {
			url_fail(
			    &p, 0,
			    "not a connection string (expected \"scheme://...\" or \"key=value "
			    "...\")");
			goto cleanup;
		}
		if (url_keyvalue_parse(&p) != 0)
			goto cleanup;
	}
	p.u->hosts = p.hosts.items;
	p.u->nhosts = p.hosts.len;
	p.u->params = p.params.items;
	p.u->nparams = p.params.len;
	p.hosts.items = NULL;
	p.params.items = NULL;
	*out = p.u;
	p.u = NULL;
	rc = 0;
cleanup:
	for (i = 0; i < p.hosts.len && p.hosts.items; i++)
		host_clear(&p.hosts.items[i]);
	for (i = 0; i < p.params.len && p.params.items; i++)
		param_clear(&p.params.items[i]);
	VEC_FREE(&p.hosts);
	VEC_FREE(&p.params);
	url_free(p.u);
	free(p.mask);
	return rc;
}

bool
url_looks_like_dsn(const char *s)
{
	size_t i;
	char name[32];

	if (s == NULL)
		return false;
	for (i = 0; s[i] && is_scheme_char((unsigned char)s[i]) && i < sizeof(name) - 1; i++)
		name[i] = (char)tolower((unsigned char)s[i]);
	name[i] = '\0';
	if (i > 0 && s[i] == ':') {
		char *plus;

		if (strcmp(name, "jdbc") == 0) {
			size_t j = i + 1;

			while (isalnum((unsigned char)s[j]))
				j++;
			return j > i + 1 && s[j] == ':';
		}
		if (s[i + 1] != '/' || s[i + 2] != '/')
			return false;
		if (kind_of(name) != URL_KIND_OTHER)
			return true;
		plus = strchr(name, '+');
		if (plus != NULL)
			*plus = '\0';
		return plus != NULL && kind_of(name) != URL_KIND_OTHER;
	}
	return url_keyvalue_looks_like(s);
}

const struct url_param *
url_find_param(const struct url *u, const char *key)
{
	for (size_t i = u->nparams; i-- > 0;)
		if (u->params[i].key.value && strcmp(u->params[i].key.value, key) == 0)
			return &u->params[i];
	return NULL;
}

const char *
url_kind_name(enum url_kind k)
{
	switch (k) {
	case URL_KIND_POSTGRES:
		return "postgres";
	case URL_KIND_MYSQL:
		return "mysql";
	case URL_KIND_MONGODB:
		return "mongodb";
	case URL_KIND_REDIS:
		return "redis";
	case URL_KIND_OTHER:
		break;
	}
	return "other";
}

void
url_free(struct url *u)
{
	size_t i;

	if (u == NULL)
		return;
	url_part_clear(&u->scheme);
	url_part_clear(&u->user);
	url_part_clear(&u->password);
	url_part_clear(&u->database);
	for (i = 0; i < u->nhosts; i++)
		host_clear(&u->hosts[i]);
	for (i = 0; i < u->nparams; i++)
		param_clear(&u->params[i]);
	free(u->hosts);
	free(u->params);
	free(u->scheme_name);
	free(u->driver);
	free(u);
}
