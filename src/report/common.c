#include "report/report.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fileio.h"
#include "util/xalloc.h"

char *
report_redact(const struct report_opts *o, const char *file, const char *text)
{
	if (text == NULL)
		return NULL;
	if (o->redact == NULL)
		return xstrdup(text);
	return o->redact(o->redact_ctx, file, text);
}

char *
report_read_line(const char *root, const char *file, int lineno)
{
	struct el_error err = EL_ERROR_INIT;
	char *path, *data = NULL, *line = NULL;
	size_t len;

	if (lineno < 1)
		return NULL;
	path = xasprintf("%s/%s", root, file);
	if (file_read(path, FILE_MAX_READ, &data, &len, &err) == FILE_READ_OK)
		line = report_line_of(data, len, lineno);
	el_error_clear(&err);
	free(data);
	free(path);
	return line;
}

char *
report_line_of(const char *data, size_t len, int lineno)
{
	size_t i, start = 0;
	int cur = 1;

	if (lineno < 1 || data == NULL)
		return NULL;
	/* Lines end at LF, CRLF or a lone CR, as the dotenv scanners count them. */
	for (i = 0; i <= len; i++) {
		if (i == len || data[i] == '\n' || data[i] == '\r') {
			if (cur == lineno)
				return xstrndup(data + start, i - start);
			if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
				i++;
			cur++;
			start = i + 1;
		}
	}
	return NULL;
}

char *
report_line(const struct report_opts *o, const char *file, int lineno)
{
	const char *data;
	size_t len = 0;

	if (o->source == NULL)
		return report_read_line(o->root, file, lineno);
	if (lineno < 1 || (data = o->source(o->source_ctx, file, &len)) == NULL)
		return NULL;
	return report_line_of(data, len, lineno);
}
