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
	size_t len, i, start = 0;
	int cur = 1;

	if (lineno < 1)
		return NULL;
	path = xasprintf("%s/%s", root, file);
	if (file_read(path, FILE_MAX_READ, &data, &len, &err) != FILE_READ_OK)
		goto cleanup;
	/* Lines end at LF, CRLF or a lone CR, as the dotenv scanners count them. */
	for (i = 0; i <= len; i++) {
		if (i == len || data[i] == '\n' || data[i] == '\r') {
			if (cur == lineno) {
				line = xstrndup(data + start, i - start);
				break;
			}
			if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
				i++;
			cur++;
			start = i + 1;
		}
	}
cleanup:
	el_error_clear(&err);
	free(data);
	free(path);
	return line;
}
