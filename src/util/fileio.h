/*
 * Reading untrusted files safely: never blocks on a FIFO or device (opens with
 * O_NONBLOCK and accepts regular files only), never reads more than a limit.
 * The caller owns the returned buffer (NUL-terminated for convenience).
 */
#ifndef ENVLINT_FILEIO_H
#define ENVLINT_FILEIO_H

#include <stddef.h>

#include "util/error.h"

/* Largest file envlint reads whole (see README "Limits"). */
#define FILE_MAX_READ (16u * 1024u * 1024u)

enum file_read_status {
	FILE_READ_OK = 0,
	FILE_READ_ERROR = -1,    /* could not open or read: err says why */
	FILE_READ_TOO_BIG = -2,  /* larger than max: err says so */
	FILE_READ_NOT_FILE = -3, /* a FIFO, socket, device or directory */
};

/* Read path (relative to dirfd, or AT_FDCWD) into *data and *len; display names it in err. */
enum file_read_status file_read_at(int dirfd, const char *path, const char *display, size_t max,
				   char **data, size_t *len, struct el_error *err);
/* file_read_at(AT_FDCWD, ...). */
enum file_read_status file_read(const char *path, size_t max, char **data, size_t *len,
				struct el_error *err);
/* Write data to path atomically enough for reports ("-" = stdout). */
int file_write(const char *path, const char *data, size_t len, struct el_error *err);

#endif
