/*
 * libpq key=value connection strings (host=db port=5432 password='it\'s')
 * and the host=/port= lists they share with URI query strings. See url.c.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/url_int.h"
#include "util/buf.h"

/* libpq's connection keywords (PostgreSQL 17 fe-connect.c PQconninfoOptions), blank-separated. */
static const char libpq_keywords[] =
    " "
    "host hostaddr port dbname user password passfile require_auth channel_binding "
    "connect_timeout client_encoding options application_name "
    "fallback_application_name keepalives keepalives_idle keepalives_interval "
    "keepalives_count tcp_user_timeout replication gssencmode sslmode sslnegotiation "
    "sslcompression sslcert sslkey sslpassword sslcertmode sslrootcert sslcrl "
    "sslcrldir sslsni requirepeer ssl_min_protocol_version ssl_max_protocol_version "
    "krbsrvname gsslib gssdelegation service target_session_attrs load_balance_hosts ";

/* Element [start, start + n) of a host= or port= list; its span is exact where no escape or
 * percent-encoding shifted it, else the span of the whole list. */
static void
set_list_elem(struct url_parser *p, struct url_part *dst, const struct url_part *list, size_t start,
              size_t n)
{
	size_t shift = list->raw[0] == '\'' ? 1 : 0, vlen = strlen(list->value);
	bool exact = strlen(list->raw) == vlen + 2 * shift &&
	             strncmp(list->raw + shift, list->value, vlen) == 0;

	url_part_clear(dst);
	dst->present = true;
	dst->value = xstrndup(list->value + start, n);
	dst->unresolved = list->unresolved && strchr(dst->value, '$') != NULL;
	dst->span.off = exact ? list->span.off + shift + start : list->span.off;
	dst->span.len = exact ? n : list->span.len;
	dst->raw = exact ? xstrndup(p->s + dst->span.off, n) : xstrdup(dst->value);
}

static size_t
count_elems(const char *v)
{
	size_t n = 1;

	for (; *v; v++)
		n += *v == ',';
	return n;
}

/*
 * Host and port lists given as values (libpq key=value host=a,b port=1,2, or a
 * URI's ?host=&port=). libpq pairs them by position; one port serves all hosts.
 */
int
url_hosts_from_lists(struct url_parser *p, const struct url_part *host, const struct url_part *port)
{
	const struct url_part *hl = host && host->present && *host->value ? host : NULL;
	const struct url_part *pl = port && port->present && *port->value ? port : NULL;
	size_t nh, np, base = p->hosts.len, i, k, start;

	if (hl == NULL && pl == NULL)
		return 0;
	nh = hl ? count_elems(hl->value) : 1; /* a port alone goes with the default host */
	np = pl ? count_elems(pl->value) : 0;
	if (np > 1 && np != nh)
		return url_fail(p, pl->span.off, "%zu port numbers for %zu hosts", np, nh);
	for (i = 0; i < nh; i++)
		(void)VEC_PUSH_ZERO(&p->hosts);
	for (i = 0, k = 0, start = 0; hl != NULL && i < nh; k++) {
		struct url_host *h = &p->hosts.items[base + i];
		char *v;

		if (hl->value[k] != ',' && hl->value[k] != '\0')
			continue;
		set_list_elem(p, &h->name, hl, start, k - start);
		v = h->name.value;
		h->ipv6 = strchr(v, ':') != NULL;
		if (v[0] == '[' && k - start >= 2 && v[k - start - 1] == ']') {
			memmove(v, v + 1, k - start - 2);
			v[k - start - 2] = '\0';
		}
		start = k + 1;
		i++;
	}
	for (i = 0, k = 0, start = 0; pl != NULL && i < np; k++) {
		if (pl->value[k] != ',' && pl->value[k] != '\0')
			continue;
		set_list_elem(p, &p->hosts.items[base + i].port, pl, start, k - start);
		start = k + 1;
		i++;
	}
	for (i = 1; np == 1 && i < nh; i++)
		url_copy_part(&p->hosts.items[base + i].port, &p->hosts.items[base].port);
	for (i = base; i < p->hosts.len; i++) {
		struct url_host *h = &p->hosts.items[i];

		if (url_parse_port(p, h, h->port.present ? h->port.value : "", h->port.span.off,
		                   h->port.unresolved) != 0)
			return -1;
	}
	return 0;
}

/* libpq key = value [...]; values may be 'single quoted' with \' and \\ escapes. */
int
url_keyvalue_parse(struct url_parser *p)
{
	struct url *u = p->u;
	const struct url_param *host, *port;
	size_t i = 0;

	u->form = URL_FORM_KEYVALUE;
	u->kind = URL_KIND_POSTGRES;
	for (;;) {
		size_t k, ke, vs;
		struct url_param *par;
		struct buf val = BUF_INIT;

		while (i < p->len && url_is_space((unsigned char)p->s[i]))
			i++;
		if (i >= p->len)
			break;
		k = i;
		while (i < p->len && !url_is_space((unsigned char)p->s[i]) && p->s[i] != '=')
			i++;
		ke = i;
		if (ke == k)
			return url_fail(p, k, "'=' without a key name");
		while (i < p->len && url_is_space((unsigned char)p->s[i]))
			i++;
		if (i >= p->len || p->s[i] != '=')
			return url_fail(p, i, "missing '=' after \"%.*s\"",
			                (int)(ke - k < 64 ? ke - k : 64), p->s + k);
		i++;
		while (i < p->len && url_is_space((unsigned char)p->s[i]))
			i++;
		vs = i;
		if (i < p->len && p->s[i] == '\'') {
			for (i++; i < p->len && p->s[i] != '\''; i++) {
				if (p->s[i] == '\\' && i + 1 < p->len)
					i++;
				buf_putc(&val, p->s[i]);
			}
			if (i >= p->len) {
				buf_free(&val);
				return url_fail(p, vs, "unterminated quoted value for \"%.*s\"",
				                (int)(ke - k < 64 ? ke - k : 64), p->s + k);
			}
			i++;
		} else {
			for (; i < p->len && (p->mask[i] != URL_REF_NONE ||
			                      !url_is_space((unsigned char)p->s[i]));
			     i++) {
				if (p->s[i] == '\\' && p->mask[i] == URL_REF_NONE && i + 1 < p->len)
					i++;
				buf_putc(&val, p->s[i]);
			}
		}
		par = VEC_PUSH_ZERO(&p->params);
		par->span.off = k;
		par->span.len = i - k;
		url_set_part(p, &par->key, k, ke - k, false);
		url_set_part(p, &par->value, vs, i - vs, false);
		free(par->value.value);
		par->value.value = buf_detach(&val);
	}
	if (p->params.len == 0)
		return url_fail(p, 0, "empty connection string");
	url_apply_overrides(p);
	host = url_last_param(p, "host");
	if (host == NULL)
		host = url_last_param(p, "hostaddr");
	port = url_last_param(p, "port");
	return url_hosts_from_lists(p, host ? &host->value : NULL, port ? &port->value : NULL);
}

static bool
is_libpq_keyword(const char *s, size_t n)
{
	const char *w = libpq_keywords;

	while ((w = strchr(w, ' ')) != NULL && w[1] != '\0') {
		const char *end = strchr(++w, ' ');

		if ((size_t)(end - w) == n && strncmp(w, s, n) == 0)
			return true;
	}
	return false;
}

/* A known keyword first, and a host or dbname, or two known keys. */
bool
url_keyvalue_looks_like(const char *s)
{
	size_t i, n;
	int known = 0;
	bool first_is_host = false;

	for (i = 0; s[i];) {
		size_t k;

		while (url_is_space((unsigned char)s[i]))
			i++;
		k = i;
		while (url_is_ident((unsigned char)s[i]))
			i++;
		n = i - k;
		while (url_is_space((unsigned char)s[i]))
			i++;
		if (s[i] != '=' || n == 0 || !is_libpq_keyword(s + k, n))
			return known >= 2 || (known == 1 && first_is_host);
		if (known == 0)
			first_is_host = (n == 4 && strncmp(s + k, "host", 4) == 0) ||
			                (n == 6 && strncmp(s + k, "dbname", 6) == 0);
		known++;
		for (i++; url_is_space((unsigned char)s[i]); i++)
			;
		if (s[i] == '\'') {
			for (i++; s[i] && s[i] != '\''; i++)
				if (s[i] == '\\' && s[i + 1])
					i++;
			if (s[i] == '\'')
				i++;
		} else {
			while (s[i] && !url_is_space((unsigned char)s[i]))
				i++;
		}
	}
	return known >= 2 || (known == 1 && first_is_host);
}
