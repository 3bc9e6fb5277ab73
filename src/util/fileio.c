#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

enum file_read_status
file_read_at(int dirfd, const char *path, const char *display, size_t max, char **data,
	     size_t *len, struct el_error *err)
{
	int fd;
	struct stat st;
	char *buf = NULL;
	size_t cap, n = 0;
	ssize_t r;
	enum file_read_status status = FILE_READ_ERROR;

	if (display == NULL)
		display = path;
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		el_error_set(err, display, 0, 0, "cannot open: %s", strerror(errno));
		return FILE_READ_ERROR;
	}
	if (fstat(fd, &st) != 0) {
		el_error_set(err, display, 0, 0, "cannot stat: %s", strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		el_error_set(err, display, 0, 0, "not a regular file (%s)",
			     S_ISDIR(st.st_mode)    ? "a directory"
			     : S_ISFIFO(st.st_mode) ? "a FIFO"
			     : S_ISSOCK(st.st_mode) ? "a socket"
						    : "a device");
		status = FILE_READ_NOT_FILE;
		goto cleanup;
	}
	if ((size_t)st.st_size > max) {
		el_error_set(err, display, 0, 0,
			     "file is %lld bytes, larger than the %zu-byte limit; skipped",
			     (long long)st.st_size, max);
		status = FILE_READ_TOO_BIG;
		goto cleanup;
	}
	/* The size can change while we read; read until EOF but never past max. */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				el_error_set(err, display, 0, 0,
					     "file grew past the %zu-byte limit while being read; "
					     "skipped",
					     max);
				status = FILE_READ_TOO_BIG;
				goto cleanup;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			el_error_set(err, display, 0, 0, "read error: %s", strerror(errno));
			goto cleanup;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/*
		 * All the bytes fstat promised, in a read that asked for one
		 * more and got less: the end, without a second read() to see
		 * EOF (one system call in five when reading thousands of small
		 * files). A file that grew fills the byte more and is read on;
		 * a short read before the promised size (some FUSE file
		 * systems) is read on too.
		 */
		if (n == (size_t)st.st_size && n < cap)
			break;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	buf = NULL;
	status = FILE_READ_OK;
cleanup:
	free(buf);
	close(fd);
	return status;
}

enum file_read_status
file_read(const char *path, size_t max, char **data, size_t *len, struct el_error *err)
{
	return file_read_at(AT_FDCWD, path, path, max, data, len, err);
}

int
file_write(const char *path, const char *data, size_t len, struct el_error *err)
{
	FILE *fp;
	int rc = 0;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
			return el_error_set(err, "<stdout>", 0, 0, "write error: %s",
					    strerror(errno));
		return 0;
	}
	fp = fopen(path, "w");
	if (fp == NULL)
		return el_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
	if (fwrite(data, 1, len, fp) != len)
		rc = el_error_set(err, path, 0, 0, "write error: %s", strerror(errno));
	if (fclose(fp) != 0 && rc == 0)
		rc = el_error_set(err, path, 0, 0, "write error: %s", strerror(errno));
	return rc;
}
