/*
 * Reading git's index (Documentation/gitformat-index.txt) for the paths it
 * lists. Only the paths are looked at; stat data, object ids and extensions
 * are skipped.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fileio.h"
#include "util/xalloc.h"
#include "walk/gitindex.h"

/* ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each). */
#define STAT_BYTES 40
#define FLAG_EXTENDED 0x4000u

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct wanted {
	const char *path;
	size_t idx; /* into the caller's paths */
};

static int
wanted_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wanted *)a)->path, ((const struct wanted *)b)->path);
}

/* Mark every wanted path equal to name (the caller may list one path twice). */
static void
mark(const struct wanted *w, size_t n, const char *name, bool *tracked)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, w[mid].path);

		if (c == 0) {
			while (mid > 0 && strcmp(w[mid - 1].path, name) == 0)
				mid--;
			for (; mid < n && strcmp(w[mid].path, name) == 0; mid++)
				tracked[w[mid].idx] = true;
			return;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
}

/* git's varint for version 4 path prefixes (varint.c decode_varint); -1 when malformed. */
static int
get_varint(const unsigned char **p, const unsigned char *end, size_t *out)
{
	const unsigned char *q = *p;
	size_t val;

	if (q >= end)
		return -1;
	val = *q & 127;
	while (*q++ & 128) {
		if (q >= end || val > (SIZE_MAX >> 8))
			return -1;
		val = ((val + 1) << 7) + (*q & 127);
	}
	*p = q;
	*out = val;
	return 0;
}

int
gitindex_tracked_in(const unsigned char *data, size_t len, size_t hash_len, const char *display,
		    const char *const *paths, size_t n, bool *tracked, struct el_error *err)
{
	const unsigned char *p, *end = data + len;
	struct wanted *w;
	struct buf name = BUF_INIT;
	uint32_t version, count, i;
	size_t j;
	int rc = -1;

	memset(tracked, 0, n * sizeof(*tracked));
	if (len < 12 || memcmp(data, "DIRC", 4) != 0)
		return el_error_set(err, display, 0, 0, "not a git index (no DIRC signature)");
	version = get_be32(data + 4);
	count = get_be32(data + 8);
	if (version < 2 || version > 4)
		return el_error_set(err, display, 0, 0, "git index version %u not supported",
				    (unsigned)version);
	if (n == 0)
		return 0;
	w = xcalloc(n, sizeof(*w));
	for (j = 0; j < n; j++) {
		w[j].path = paths[j];
		w[j].idx = j;
	}
	qsort(w, n, sizeof(*w), wanted_cmp);

	p = data + 12;
	for (i = 0; i < count; i++) {
		const unsigned char *start = p, *nul;
		size_t fixed = STAT_BYTES + hash_len + 2;
		unsigned flags;

		if ((size_t)(end - p) < fixed) {
			el_error_set(err, display, 0, 0, "git index truncated in entry %u", (unsigned)i);
			goto done;
		}
		flags = (unsigned)p[fixed - 2] << 8 | p[fixed - 1];
		if (flags & FLAG_EXTENDED) {
			if (version < 3 || (size_t)(end - p) < fixed + 2) {
				el_error_set(err, display, 0, 0,
					     "git index entry %u has bad extended flags", (unsigned)i);
				goto done;
			}
			fixed += 2;
		}
		p += fixed;
		if (version == 4) {
			size_t strip;

			if (get_varint(&p, end, &strip) != 0 || strip > name.len) {
				el_error_set(err, display, 0, 0,
					     "git index entry %u has a bad path prefix", (unsigned)i);
				goto done;
			}
			name.len -= strip;
		} else {
			buf_reset(&name);
		}
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL) {
			el_error_set(err, display, 0, 0, "git index entry %u has no path end",
				     (unsigned)i);
			goto done;
		}
		buf_add(&name, p, (size_t)(nul - p));
		mark(w, n, buf_cstr(&name), tracked);
		if (version == 4) {
			p = nul + 1;
		} else {
			/* 1-8 NULs pad the entry to a multiple of eight bytes */
			size_t size = ((fixed + (size_t)(nul - p)) + 8) & ~(size_t)7;

			if ((size_t)(end - start) < size) {
				el_error_set(err, display, 0, 0, "git index truncated in entry %u",
					     (unsigned)i);
				goto done;
			}
			p = start + size;
		}
	}
	rc = 0;
done:
	if (rc != 0)
		memset(tracked, 0, n * sizeof(*tracked));
	buf_free(&name);
	free(w);
	return rc;
}

/* First line of a small file, without its newline; NULL when unreadable. */
static char *
first_line(const char *path)
{
	char *data = NULL;
	size_t len;

	if (file_read(path, 4096, &data, &len, NULL) != FILE_READ_OK)
		return NULL;
	data[strcspn(data, "\r\n")] = '\0';
	return data;
}

/* dir/rel, or rel alone when it is absolute. */
static void
resolve(struct buf *out, const char *dir, const char *rel)
{
	buf_reset(out);
	if (rel[0] != '/')
		buf_printf(out, "%s/", dir);
	buf_puts(out, rel);
}

bool
git_dirs(const char *root, struct buf *gitdir, struct buf *common)
{
	struct buf p = BUF_INIT;
	struct stat st;
	char *line;
	bool ok = false;

	buf_printf(&p, "%s/.git", root);
	if (lstat(p.data, &st) != 0)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		buf_puts(gitdir, p.data);
		buf_puts(common, p.data);
		ok = true;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (line = first_line(p.data)) == NULL)
		goto out;
	if (strncmp(line, "gitdir: ", 8) == 0) {
		resolve(gitdir, root, line + 8);
		buf_puts(common, gitdir->data);
		ok = true;
	}
	free(line);
	if (!ok)
		goto out;
	buf_reset(&p);
	buf_printf(&p, "%s/commondir", gitdir->data);
	if ((line = first_line(p.data)) != NULL) {
		resolve(common, gitdir->data, line);
		free(line);
	}
out:
	buf_free(&p);
	return ok;
}

/* SHA-256 repositories say so in config: [extensions] objectFormat = sha256. */
static size_t
hash_len(const char *common)
{
	struct buf p = BUF_INIT;
	char *data = NULL, *line, *save = NULL;
	size_t len, n = 20;

	buf_printf(&p, "%s/config", common);
	if (file_read(p.data, FILE_MAX_READ, &data, &len, NULL) == FILE_READ_OK) {
		for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			line += strspn(line, " \t");
			if (strncasecmp(line, "objectformat", 12) == 0 && strstr(line, "sha256"))
				n = 32;
		}
	}
	free(data);
	buf_free(&p);
	return n;
}

int
gitindex_tracked(const char *root, const char *const *paths, size_t n, bool *tracked,
		 struct el_error *err)
{
	struct buf gitdir = BUF_INIT, common = BUF_INIT, index = BUF_INIT;
	char *data = NULL;
	size_t len;
	int rc = 0;

	memset(tracked, 0, n * sizeof(*tracked));
	if (n == 0 || !git_dirs(root, &gitdir, &common))
		goto out;
	buf_printf(&index, "%s/index", gitdir.data);
	if (access(index.data, F_OK) != 0)
		goto out; /* a repository with nothing added yet */
	switch (file_read(index.data, GITINDEX_MAX_READ, &data, &len, err)) {
	case FILE_READ_OK:
		rc = gitindex_tracked_in((const unsigned char *)data, len, hash_len(common.data),
					 ".git/index", paths, n, tracked, err);
		break;
	case FILE_READ_NOT_FILE:
		rc = el_error_set(err, ".git/index", 0, 0, "not a regular file");
		break;
	default:
		rc = -1;
		break;
	}
out:
	free(data);
	buf_free(&gitdir);
	buf_free(&common);
	buf_free(&index);
	return rc;
}
