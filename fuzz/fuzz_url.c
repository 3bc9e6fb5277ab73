/*
 * Connection strings: url_parse on the raw bytes (not NUL-terminated: the
 * parser must never read past len), url_looks_like_dsn on a C string, and
 * every span checked against the input.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse/url.h"

static void
check_part(const struct url_part *p, size_t size)
{
	if (!p->present)
		return;
	if (p->span.off > size || p->span.len > size - p->span.off)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct el_error err = EL_ERROR_INIT;
	struct url *u = NULL;
	char *s, *exact;
	size_t i;

	/* An exact-size heap copy so ASan sees any read past the end. */
	exact = malloc(size ? size : 1);
	if (size)
		memcpy(exact, data, size);
	if (url_parse(&u, exact, size, &err) == 0) {
		check_part(&u->scheme, size);
		check_part(&u->user, size);
		check_part(&u->password, size);
		check_part(&u->database, size);
		for (i = 0; i < u->nhosts; i++) {
			check_part(&u->hosts[i].name, size);
			check_part(&u->hosts[i].port, size);
			if (u->hosts[i].port_number < 0 || u->hosts[i].port_number > 65535)
				abort();
		}
		for (i = 0; i < u->nparams; i++) {
			check_part(&u->params[i].key, size);
			check_part(&u->params[i].value, size);
			if (u->params[i].key.value != NULL)
				(void)url_find_param(u, u->params[i].key.value);
		}
		(void)url_kind_name(u->kind);
		url_free(u);
	} else if (err.msg == NULL) {
		abort(); /* a failure always says why */
	}
	el_error_clear(&err);
	free(exact);
	s = fuzz_cstr(data, size);
	(void)url_looks_like_dsn(s);
	free(s);
	return 0;
}
