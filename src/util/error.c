#include "util/error.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/buf.h"

int
el_error_set(struct el_error *e, const char *path, int line, int col, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	el_error_clear(e);
	e->path = xstrdup(path);
	e->line = line;
	e->col = col;
	e->msg = buf_detach(&b);
	return -1;
}

void
el_error_clear(struct el_error *e)
{
	if (e == NULL)
		return;
	free(e->path);
	free(e->msg);
	e->path = e->msg = NULL;
	e->line = e->col = 0;
}

void
el_error_print(FILE *fp, const struct el_error *e)
{
	if (e->path != NULL) {
		fputs(e->path, fp);
		if (e->line > 0) {
			fprintf(fp, ":%d", e->line);
			if (e->col > 0)
				fprintf(fp, ":%d", e->col);
		}
		fputs(": ", fp);
	} else {
		fputs("envlint: ", fp);
	}
	fprintf(fp, "%s\n", e->msg ? e->msg : "unknown error");
}
