/*
 * Database connection strings: URIs (postgresql://, postgresql+asyncpg://,
 * jdbc:postgresql://, mysql://, mongodb+srv://, redis://, ...) and libpq
 * key=value strings. Syntax only: every part keeps its byte span in the input
 * so a finding can point at the port or at one parameter; ${VAR} / $VAR pieces
 * left by expansion are kept and mark their part "unresolved". No provider
 * knowledge lives here. The caller owns the returned struct url (url_free).
 */
#ifndef ENVLINT_URL_H
#define ENVLINT_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum url_form {
	URL_FORM_URI,      /* scheme://user:password@host:port/database?params */
	URL_FORM_JDBC,     /* jdbc:subprotocol://host:port/database?user=..&password=.. */
	URL_FORM_KEYVALUE, /* libpq: host=... port=... dbname=... */
};

/* Which database family the scheme names; only POSTGRES gets Postgres rules. */
enum url_kind {
	URL_KIND_POSTGRES, /* postgres, postgresql, postgresql+<driver>, jdbc:postgresql, key=value
	                    */
	URL_KIND_MYSQL,    /* mysql, mysql+<driver>, mariadb, jdbc:mysql */
	URL_KIND_MONGODB,  /* mongodb, mongodb+srv */
	URL_KIND_REDIS,    /* redis, rediss */
	URL_KIND_OTHER,
};

#define URL_POSTGRES_DEFAULT_PORT 5432

/* Byte range [off, off + len) of the input string. */
struct url_span {
	size_t off;
	size_t len;
};

struct url_part {
	bool present;
	bool unresolved;      /* holds ${VAR} or $VAR left by expansion */
	struct url_span span; /* the text as written (quotes of a key=value value included) */
	char *raw;            /* the text as written, NULL when absent */
	char *value;          /* percent-decoded (URI) or unquoted/unescaped (key=value) */
};

struct url_host {
	struct url_part name; /* value of an IPv6 host is without brackets; span covers them */
	struct url_part port; /* absent when no port was written */
	int port_number;      /* 1-65535; 0 when unknown (unresolved, or absent and not Postgres) */
	bool port_defaulted;  /* no port written: Postgres' 5432 was filled in */
	bool ipv6;
};

struct url_param {
	struct url_span span; /* key=value as a whole */
	struct url_part key;
	struct url_part value; /* not present for a bare "?flag" */
};

struct url {
	enum url_form form;
	enum url_kind kind;
	struct url_part scheme; /* "postgresql+asyncpg", "jdbc:postgresql"; absent for key=value */
	char *scheme_name;    /* lower-case base: "postgresql", "mongodb+srv"; NULL for key=value */
	char *driver;         /* SQLAlchemy driver after '+' ("asyncpg"), NULL when none */
	struct url_part user; /* userinfo, or the user= parameter / key (last one wins) */
	struct url_part password; /* userinfo, or the password= parameter / key (last one wins) */
	struct url_part database; /* path after the authority, or dbname= */
	/*
	 * In order, from the authority; from the host= / port= keys for key=value
	 * and for "postgresql:///db?host=..."; empty for "postgresql:///db" (the
	 * local socket). host= in a query next to an authority host is only a param.
	 */
	struct url_host *hosts;
	size_t nhosts;
	struct url_param *params; /* query parameters, or every key=value pair, in order */
	size_t nparams;
	bool unresolved; /* some part holds ${VAR} / $VAR */
};

/*
 * Parse len bytes of s as a connection string. On malformed input returns -1
 * and fills err with the message; err->col is the 1-based byte offset in s of
 * the offending character (err->line stays 0: the caller knows where the value
 * sits in its file). Never reads past s + len.
 */
int url_parse(struct url **out, const char *s, size_t len, struct el_error *err);

/* Cheap test whether a value is a database connection string worth parsing. */
bool url_looks_like_dsn(const char *s);

/* The last parameter named key (decoded, case-sensitive): the one libpq uses. NULL if none. */
const struct url_param *url_find_param(const struct url *u, const char *key);

/* Name of a kind: "postgres", "mysql", "mongodb", "redis", "other". */
const char *url_kind_name(enum url_kind k);

void url_free(struct url *u);

#endif
