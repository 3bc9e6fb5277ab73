/*
 * d_type and the DT_* names are not POSIX, nor is getdents64; they spare a
 * stat per file and the fstat/fcntl calls of fdopendir per folder.
 */
#define _GNU_SOURCE 1

#include "walk/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/vec.h"
#include "walk/gitindex.h"
#include "walk/ignore.h"

#if defined(__linux__) && defined(__GLIBC__) &&                                                   \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
#define WALK_GETDENTS 1
#endif

/* git refuses ignore files above 100 MB (dir.c PATTERN_MAX_FILE_SIZE); so do we. */
#define IGNORE_FILE_MAX (100L * 1024 * 1024)
/* Helper threads start only once the tree has this many folders (a thread costs ~0.1 ms). */
#define WALK_SPAWN_AFTER 256
#define WALK_MAX_THREADS 8
/* Longer folder paths are walked by the thread that found them, opened one component at a time. */
#define WALK_TASK_PATH_MAX 1024
/*
 * Wildcard matching steps per thread, about a second of work. A 200,000-file
 * monorepo with common rules takes under 1% of it; hostile patterns such as
 * "*a*a*a*a*a*a*a*a*b*" against long names get there.
 */
#define WALK_MATCH_WORK 1000000000L

/*
 * One .gitignore in effect, chained to the ones of the parent folders. Nodes
 * are immutable once made, so a folder handed to another thread keeps its
 * chain; they all live until the end of the walk.
 */
struct walk_layer {
	struct ignore_list *list;
	size_t baselen; /* length of "<folder>/" in the relative path, 0 at the root */
	const struct walk_layer *parent;
};

struct walk_dirent {
	size_t off;         /* of the name in walk_level.names */
	unsigned char type; /* d_type */
	bool handed_off;    /* given to another thread */
};

/* One folder's entries, read in full before any is looked at (its .gitignore comes first). */
struct walk_level {
	struct buf names; /* NUL-separated */
	VEC(struct walk_dirent) ents;
	size_t cur;                      /* the entry being looked at */
	size_t scan;                     /* entries before this one hold no folder to hand off */
	size_t pathlen;                  /* length of the folder's path in walk_ctx.path */
	const struct walk_layer *layers; /* in effect inside the folder */
};

/* A folder waiting for a thread: its path, its rules, its depth. */
struct walk_task {
	char *path;
	const struct walk_layer *layers;
	int depth;
};

/* What the threads of one walk share; everything mutable is under mu. */
struct walk_shared {
	const struct walk_options *opts;
	struct ignore_list *excludes; /* walk_options.exclude: highest precedence */
	struct ignore_list *info;     /* .git/info/exclude: lowest precedence */
	char *root_real;              /* realpath of the root, for WALK_OUTSIDE */
	int rootfd;
	int max_depth;
	int max_threads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	VEC(struct walk_task) queue;
	int active;       /* threads walking something */
	atomic_int idle;   /* threads waiting for work (read without the lock as a hint) */
	atomic_int queued; /* queue.len, readable without the lock */
	bool done;
};

/* One thread's walk: its results, scratch and position. */
struct walk_ctx {
	struct walk_shared *sh;
	const struct walk_options *opts;
	const struct walk_layer *layers;    /* in effect for c->path's folder */
	VEC(struct walk_layer *) own_layers; /* made by this thread, freed at the end */
	VEC(struct walk_level *) levels;     /* scratch per depth, reused across folders */
	int base_depth, top_depth;           /* levels in use by the current task */
	VEC(struct walk_entry) entries;
	VEC(struct walk_diag) diags;
	struct buf path; /* relative path of the folder or file being looked at */
	size_t files_seen, dirs_seen;
	long match_work; /* wildcard matching steps left (hostile ignore files) */
	bool work_spent; /* some thread ran out of match_work */
	bool is_main;
	int nspawned;
	pthread_t threads[WALK_MAX_THREADS];
	struct walk_ctx *helpers[WALK_MAX_THREADS];
#ifdef WALK_GETDENTS
	char *dents; /* getdents64 buffer */
#endif
};

static const char *const backup_suffixes[] = {
	".bak", ".backup", ".old", ".orig", ".rej", ".save", ".swp", ".swo", ".swx", ".tmp", "~",
};

/*
 * ".env.<x>" names that are code or data next to an env file, not dotenv text
 * (config modules such as ".env.ts", schema files such as ".env.json").
 */
static const char *const non_env_suffixes[] = {
	".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".json", ".yml",
	".yaml", ".toml", ".py", ".rb", ".go", ".sh", ".md", ".lock",
};

/* Parts that mark a committed template; ".env.defaults" is not one (dotenv-flow loads it). */
static const char *const template_words[] = {
	"example", "sample", "template", "dist", "tmpl", "tpl",
};

static bool
has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static bool
word_ieq(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

/* Does any '.'-separated part of s[0..n) name a template? */
static bool
has_template_part(const char *s, size_t n)
{
	size_t i = 0, j, k;

	while (i <= n) {
		for (j = i; j < n && s[j] != '.'; j++)
			;
		for (k = 0; k < sizeof(template_words) / sizeof(template_words[0]); k++)
			if (word_ieq(s + i, j - i, template_words[k]))
				return true;
		i = j + 1;
	}
	return false;
}

unsigned
walk_env_kind(const char *name)
{
	size_t len = strlen(name), k;

	if (len == 4 && memcmp(name, ".env", 4) == 0)
		return WALK_ENV;
	if (len > 5 && memcmp(name, ".env.", 5) == 0) {
		for (k = 0; k < sizeof(backup_suffixes) / sizeof(backup_suffixes[0]); k++)
			if (has_suffix(name, len, backup_suffixes[k]))
				return 0;
		for (k = 0; k < sizeof(non_env_suffixes) / sizeof(non_env_suffixes[0]); k++)
			if (has_suffix(name, len, non_env_suffixes[k]))
				return 0;
		if (has_template_part(name + 5, len - 5))
			return WALK_ENV | WALK_TEMPLATE;
		return WALK_ENV;
	}
	if (len > 4 && has_suffix(name, len, ".env")) {
		if (has_template_part(name, len - 4))
			return WALK_ENV | WALK_TEMPLATE;
		return WALK_ENV;
	}
	return 0;
}

static void
add_diag(struct walk_ctx *c, const char *path, const char *fmt, const char *arg)
{
	struct walk_diag *d = VEC_PUSH_ZERO(&c->diags);
	struct buf b = BUF_INIT;

	d->path = xstrdup(*path ? path : ".");
	buf_printf(&b, fmt, arg);
	d->message = buf_detach(&b);
}

/* Is the path in c->path (a folder when is_dir) ignored? Highest precedence first, as git. */
static bool
is_ignored(struct walk_ctx *c, bool is_dir)
{
	const char *path = c->path.data;
	size_t len = c->path.len;
	const struct walk_layer *ly;
	enum ignore_result r;

	if (c->sh->excludes != NULL) {
		r = ignore_list_match_counted(c->sh->excludes, path, len, is_dir, &c->match_work);
		if (r != IGNORE_NONE)
			return r == IGNORE_EXCLUDED;
	}
	for (ly = c->layers; ly != NULL; ly = ly->parent) {
		r = ignore_list_match_counted(ly->list, path + ly->baselen, len - ly->baselen,
					      is_dir, &c->match_work);
		if (r != IGNORE_NONE)
			return r == IGNORE_EXCLUDED;
	}
	if (c->sh->info != NULL) {
		r = ignore_list_match_counted(c->sh->info, path, len, is_dir, &c->match_work);
		if (r != IGNORE_NONE)
			return r == IGNORE_EXCLUDED;
	}
	return false;
}

/*
 * Read an ignore file without following a symbolic link (git >= 2.32 does not
 * follow them either) and without blocking on a FIFO. NULL when absent or
 * unusable; a diag says why when the file exists.
 */
static struct ignore_list *
load_ignore_file(struct walk_ctx *c, int dfd, const char *name, const char *shown)
{
	struct ignore_list *l = NULL;
	struct buf text = BUF_INIT;
	struct stat st;
	int fd;

	/* look before opening: opening a device can have effects */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			add_diag(c, shown, "ignore file not read: %s", strerror(errno));
		return NULL;
	}
	if (S_ISLNK(st.st_mode)) {
		add_diag(c, shown, "%s", "ignore file is a symbolic link; not followed (as git)");
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		if (!S_ISDIR(st.st_mode))
			add_diag(c, shown, "%s", "ignore file is not a regular file; not read");
		return NULL;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		add_diag(c, shown, "ignore file not read: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		add_diag(c, shown, "%s", "ignore file changed while read; not read");
		goto cleanup;
	}
	if (st.st_size > IGNORE_FILE_MAX) {
		add_diag(c, shown, "%s", "ignore file over 100 MB; not read (as git)");
		goto cleanup;
	}
	for (;;) {
		ssize_t n;

		buf_grow(&text, 65536);
		n = read(fd, text.data + text.len, text.cap - text.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			add_diag(c, shown, "ignore file not read: %s", strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		text.len += (size_t)n;
		if (text.len > IGNORE_FILE_MAX) {
			add_diag(c, shown, "%s", "ignore file over 100 MB; not read (as git)");
			goto cleanup;
		}
	}
	l = ignore_list_new();
	ignore_list_add_text(l, text.data ? text.data : "", text.len);
	if (ignore_list_dropped(l) > 0)
		add_diag(c, shown, "%s", "ignore file has over 100000 patterns; the rest not used");
cleanup:
	close(fd);
	buf_free(&text);
	return l;
}

/* .git/info/exclude, also when .git is a "gitdir: <path>" file (submodules, worktrees). */
static void
load_info_exclude(struct walk_ctx *c, int rootfd)
{
	struct buf gitdir = BUF_INIT, common = BUF_INIT, p = BUF_INIT;

	if (git_dirs(c->sh->root_real, &gitdir, &common)) {
		buf_printf(&p, "%s/info/exclude", common.data);
		c->sh->info = load_ignore_file(c, rootfd, p.data, ".git/info/exclude");
	}
	buf_free(&gitdir);
	buf_free(&common);
	buf_free(&p);
}

/* Is the absolute path p the root or below it? */
static bool
path_within(const char *p, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return p[0] == '/';
	return strncmp(p, root, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* Where does the link at c->path point? Sets WALK_DANGLING / WALK_OUTSIDE. */
static unsigned
link_flags(struct walk_ctx *c, int dfd, const char *name, const char *target, struct stat *st,
	   bool *exists)
{
	unsigned flags = 0;
	struct buf full = BUF_INIT, norm = BUF_INIT;
	char *real = NULL;

	*exists = fstatat(dfd, name, st, 0) == 0;
	if (!*exists) {
		flags |= WALK_DANGLING;
		if (errno == ELOOP)
			add_diag(c, c->path.data, "%s", "symbolic link loop; not followed");
	}
	if (*exists) {
		buf_printf(&full, "%s/%s", c->sh->root_real, c->path.data);
		real = realpath(full.data, NULL);
	}
	if (real != NULL) {
		if (!path_within(real, c->sh->root_real))
			flags |= WALK_OUTSIDE;
		free(real);
	} else {
		/* dangling: decide lexically from the folder of the link */
		const char *s;
		size_t depth = 0;
		bool outside = false;

		if (target[0] == '/') {
			outside = !path_within(target, c->sh->root_real);
		} else {
			const char *slash = strrchr(c->path.data, '/');

			if (slash != NULL)
				buf_add(&norm, c->path.data, (size_t)(slash - c->path.data) + 1);
			buf_puts(&norm, target);
			for (s = norm.data; *s != '\0' && !outside;) {
				size_t n = strcspn(s, "/");

				if (n == 2 && s[0] == '.' && s[1] == '.') {
					if (depth == 0)
						outside = true;
					else
						depth--;
				} else if (n > 0 && !(n == 1 && s[0] == '.')) {
					depth++;
				}
				s += n;
				while (*s == '/')
					s++;
			}
		}
		if (outside)
			flags |= WALK_OUTSIDE;
	}
	buf_free(&full);
	buf_free(&norm);
	return flags;
}

static char *
read_link(int dfd, const char *name)
{
	size_t cap = 256;

	for (;;) {
		char *t = xmalloc(cap);
		ssize_t n = readlinkat(dfd, name, t, cap);

		if (n < 0) {
			free(t);
			return xstrdup("");
		}
		if ((size_t)n < cap) {
			t[n] = '\0';
			return t;
		}
		free(t);
		if (cap > 1u << 20)
			return xstrdup("");
		cap *= 2;
	}
}

static const char *
type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISDIR(m))
		return "a folder";
	return "not a regular file";
}

/* Report the file at c->path. Never opens it: a FIFO named .env must not block the scan. */
static void
add_file(struct walk_ctx *c, int dfd, const char *name, unsigned char type, unsigned flags,
	 int kind)
{
	struct walk_entry e = {NULL, flags, kind, -1, NULL};
	struct stat st;

	if (type == DT_LNK) {
		bool exists;

		e.flags |= WALK_SYMLINK;
		e.link_target = read_link(dfd, name);
		e.flags |= link_flags(c, dfd, name, e.link_target, &st, &exists);
		if (exists && !S_ISREG(st.st_mode)) {
			add_diag(c, c->path.data, "symbolic link to %s; not read",
				 type_name(st.st_mode));
			free(e.link_target);
			return;
		}
		if (exists)
			e.size = st.st_size;
	} else if (type != DT_REG) {
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
			add_diag(c, c->path.data, "%s; not read", type_name(st.st_mode));
			return;
		}
	} else if ((flags & WALK_ENV) && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		e.size = st.st_size;
	}
	e.path = xstrdup(c->path.data);
	VEC_PUSH(&c->entries, e);
}

static unsigned char
mode_to_type(mode_t m)
{
	if (S_ISDIR(m))
		return DT_DIR;
	if (S_ISREG(m))
		return DT_REG;
	if (S_ISLNK(m))
		return DT_LNK;
	if (S_ISFIFO(m))
		return DT_FIFO;
	if (S_ISSOCK(m))
		return DT_SOCK;
	if (S_ISCHR(m))
		return DT_CHR;
	if (S_ISBLK(m))
		return DT_BLK;
	return DT_UNKNOWN;
}


static struct walk_level *
get_level(struct walk_ctx *c, int depth)
{
	while (c->levels.len <= (size_t)depth) {
		struct walk_level *lv = xcalloc(1, sizeof(*lv));

		VEC_PUSH(&c->levels, lv);
	}
	return c->levels.items[depth];
}

static void
post_task(struct walk_shared *sh, char *path, const struct walk_layer *layers, int depth)
{
	pthread_mutex_lock(&sh->mu);
	VEC_PUSH(&sh->queue, ((struct walk_task){path, layers, depth}));
	atomic_fetch_add(&sh->queued, 1);
	pthread_cond_signal(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

/*
 * A thread waits for work: give it the shallowest folder this thread has yet
 * to walk, likely the biggest piece left, so hand-offs stay rare.
 */
static void
hand_off(struct walk_ctx *c)
{
	int d;

	for (d = c->base_depth; d <= c->top_depth; d++) {
		struct walk_level *lv = c->levels.items[d];
		size_t j = lv->scan > lv->cur + 1 ? lv->scan : lv->cur + 1;

		for (; j < lv->ents.len; j++) {
			struct walk_dirent *de = &lv->ents.items[j];
			struct buf p = BUF_INIT;

			if (de->type != DT_DIR || de->handed_off)
				continue;
			/* a task is opened by its path from the root, which must stay short */
			if (lv->pathlen + strlen(lv->names.data + de->off) + 2 > WALK_TASK_PATH_MAX)
				continue;
			buf_add(&p, c->path.data, lv->pathlen);
			if (lv->pathlen > 0)
				buf_putc(&p, '/');
			buf_puts(&p, lv->names.data + de->off);
			de->handed_off = true;
			lv->scan = j + 1;
			post_task(c->sh, buf_detach(&p), lv->layers, d + 1);
			return;
		}
		lv->scan = j;
	}
}

static void walk_dir(struct walk_ctx *c, int dfd, int depth);

/* Enter the folder at c->path (openname relative to atfd) unless it is ignored or too deep. */
static void
enter_dir(struct walk_ctx *c, int atfd, const char *openname, int depth)
{
	int fd;

	if (is_ignored(c, true))
		return;
	if (depth > c->sh->max_depth) {
		char lim[32];

		snprintf(lim, sizeof(lim), "%d", c->sh->max_depth);
		add_diag(c, c->path.data, "folder depth limit (%s) reached; not entered", lim);
		return;
	}
	fd = openat(atfd, openname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			add_diag(c, c->path.data, "folder not read: %s", strerror(errno));
		return;
	}
	walk_dir(c, fd, depth);
}

/* Look at one entry of the folder open as dfd (at depth), c->path being that folder. */
static void
walk_entry(struct walk_ctx *c, int dfd, const char *name, unsigned char type, int depth)
{
	size_t saved = c->path.len;
	unsigned env;
	int kind = 0;

	if (type == DT_UNKNOWN) {
		struct stat st;

		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return; /* gone since the folder was read */
		type = mode_to_type(st.st_mode);
	}
	if (saved > 0)
		buf_putc(&c->path, '/');
	buf_puts(&c->path, name);
	if (type == DT_DIR) {
		enter_dir(c, dfd, name, depth + 1);
		goto done;
	}
	c->files_seen++;
	env = walk_env_kind(name);
	if (env != 0) {
		if (c->opts->classify != NULL)
			kind = c->opts->classify(name, c->path.data, c->opts->classify_ctx);
		if (is_ignored(c, false))
			env |= WALK_IGNORED;
		add_file(c, dfd, name, type, env, kind);
		goto done;
	}
	if (c->opts->classify == NULL)
		goto done;
	kind = c->opts->classify(name, c->path.data, c->opts->classify_ctx);
	if (kind != 0 && !is_ignored(c, false))
		add_file(c, dfd, name, type, 0, kind);
done:
	c->path.len = saved;
	c->path.data[saved] = '\0';
}

static void
level_add(struct walk_level *lv, const char *n, unsigned char type, bool *has_ignore)
{
	if (n[0] == '.') {
		if (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))
			return;
		if (strcmp(n, ".git") == 0)
			return; /* never enter a repository's own data, nor list a gitlink file */
		if (strcmp(n, ".gitignore") == 0 && type != DT_DIR)
			*has_ignore = true;
	}
	VEC_PUSH(&lv->ents, ((struct walk_dirent){lv->names.len, type, false}));
	buf_add(&lv->names, n, strlen(n) + 1);
}

#define WALK_DENTS_SIZE 65536

/* Read every entry of the folder open as fd into lv. 0 or an errno value. */
static int
read_dir(struct walk_ctx *c, int fd, struct walk_level *lv, bool *has_ignore)
{
#ifdef WALK_GETDENTS
	if (c->dents == NULL)
		c->dents = xmalloc(WALK_DENTS_SIZE);
	for (;;) {
		ssize_t n = getdents64(fd, c->dents, WALK_DENTS_SIZE);
		ssize_t off;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return 0;
		for (off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(c->dents + off);

			level_add(lv, de->d_name, de->d_type, has_ignore);
			off += de->d_reclen;
		}
	}
#else
	struct dirent *de;
	int dfd = dup(fd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int ret = 0;

	if (d == NULL) {
		ret = errno;
		if (dfd >= 0)
			close(dfd);
		return ret;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			ret = errno;
			break;
		}
		level_add(lv, de->d_name, de->d_type, has_ignore);
	}
	closedir(d);
	return ret;
#endif
}

static void spawn_helpers(struct walk_ctx *c);

/* Walk the folder open as dfd (c->path, at depth), consuming dfd. */
static void
walk_dir(struct walk_ctx *c, int dfd, int depth)
{
	const struct walk_layer *saved_layers = c->layers;
	int saved_top = c->top_depth;
	struct walk_level *lv = get_level(c, depth);
	bool has_ignore = false;
	int e;

	buf_reset(&lv->names);
	lv->ents.len = 0;
	e = read_dir(c, dfd, lv, &has_ignore);
	if (e != 0)
		add_diag(c, c->path.data, "folder not fully read: %s", strerror(e));
	if (c->is_main && ++c->dirs_seen == WALK_SPAWN_AFTER)
		spawn_helpers(c);
	if (has_ignore) {
		struct buf shown = BUF_INIT;
		struct ignore_list *l;

		buf_printf(&shown, "%s%s.gitignore", c->path.data, c->path.len ? "/" : "");
		l = load_ignore_file(c, dfd, ".gitignore", shown.data);
		buf_free(&shown);
		if (l != NULL) {
			struct walk_layer *ly = xmalloc(sizeof(*ly));

			ly->list = l;
			ly->baselen = c->path.len ? c->path.len + 1 : 0;
			ly->parent = c->layers;
			VEC_PUSH(&c->own_layers, ly);
			c->layers = ly;
		}
	}
	lv->pathlen = c->path.len;
	lv->layers = c->layers;
	lv->scan = 0;
	c->top_depth = depth;
	for (lv->cur = 0; lv->cur < lv->ents.len; lv->cur++) {
		const struct walk_dirent *de = &lv->ents.items[lv->cur];

		if (de->handed_off)
			continue;
		if (atomic_load_explicit(&c->sh->idle, memory_order_relaxed) >
		    atomic_load_explicit(&c->sh->queued, memory_order_relaxed))
			hand_off(c);
		/* lv stays valid: deeper folders use deeper levels */
		walk_entry(c, dfd, lv->names.data + de->off, de->type, depth);
	}
	c->top_depth = saved_top;
	c->layers = saved_layers;
	close(dfd);
}

/* Take folders from the queue until there are none and no thread can make more. */
static void
run_tasks(struct walk_ctx *c)
{
	struct walk_shared *sh = c->sh;

	pthread_mutex_lock(&sh->mu);
	for (;;) {
		if (sh->queue.len > 0) {
			struct walk_task t = sh->queue.items[--sh->queue.len];

			atomic_fetch_sub(&sh->queued, 1);
			sh->active++;
			pthread_mutex_unlock(&sh->mu);
			buf_reset(&c->path);
			buf_puts(&c->path, t.path);
			c->layers = t.layers;
			c->base_depth = t.depth;
			c->top_depth = t.depth - 1;
			enter_dir(c, sh->rootfd, t.path, t.depth);
			free(t.path);
			pthread_mutex_lock(&sh->mu);
			sh->active--;
			continue;
		}
		if (sh->active == 0 || sh->done) {
			sh->done = true;
			pthread_cond_broadcast(&sh->cv);
			break;
		}
		atomic_fetch_add(&sh->idle, 1);
		pthread_cond_wait(&sh->cv, &sh->mu);
		atomic_fetch_sub(&sh->idle, 1);
	}
	pthread_mutex_unlock(&sh->mu);
}

static void *
helper_main(void *arg)
{
	run_tasks(arg);
	return NULL;
}

static struct walk_ctx *
ctx_new(struct walk_shared *sh)
{
	struct walk_ctx *c = xcalloc(1, sizeof(*c));

	c->sh = sh;
	c->opts = sh->opts;
	c->top_depth = -1;
	c->match_work = WALK_MATCH_WORK;
	buf_puts(&c->path, "");
	return c;
}

/* The tree is not tiny: start the other threads. */
static void
spawn_helpers(struct walk_ctx *c)
{
	while (c->nspawned + 1 < c->sh->max_threads) {
		struct walk_ctx *h = ctx_new(c->sh);

		if (pthread_create(&c->threads[c->nspawned], NULL, helper_main, h) != 0) {
			free(h->path.data);
			free(h);
			break;
		}
		c->helpers[c->nspawned++] = h;
	}
}

/* Move another thread's results into c and free the rest of it. */
static void
ctx_merge_free(struct walk_ctx *c, struct walk_ctx *h)
{
	size_t i;

	for (i = 0; h != c && i < h->entries.len; i++)
		VEC_PUSH(&c->entries, h->entries.items[i]);
	for (i = 0; h != c && i < h->diags.len; i++)
		VEC_PUSH(&c->diags, h->diags.items[i]);
	if (h->match_work <= 0)
		c->work_spent = true;
	if (h != c) {
		c->files_seen += h->files_seen;
		VEC_FREE(&h->entries);
		VEC_FREE(&h->diags);
	}
	for (i = 0; i < h->own_layers.len; i++) {
		ignore_list_free(h->own_layers.items[i]->list);
		free(h->own_layers.items[i]);
	}
	VEC_FREE(&h->own_layers);
	for (i = 0; i < h->levels.len; i++) {
		buf_free(&h->levels.items[i]->names);
		VEC_FREE(&h->levels.items[i]->ents);
		free(h->levels.items[i]);
	}
	VEC_FREE(&h->levels);
	buf_free(&h->path);
#ifdef WALK_GETDENTS
	free(h->dents);
#endif
	if (h != c)
		free(h);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct walk_entry *)a)->path, ((const struct walk_entry *)b)->path);
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct walk_diag *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	return r != 0 ? r : strcmp(x->message, y->message);
}

static int
thread_count(const struct walk_options *opts)
{
	long n = opts->threads;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > WALK_MAX_THREADS ? WALK_MAX_THREADS : (int)n;
}

int
walk_repo(struct walk_result **out, const char *root, const struct walk_options *opts,
	  struct el_error *err)
{
	static const struct walk_options no_opts;
	struct walk_shared sh = {0};
	struct walk_ctx *c = NULL;
	struct walk_result *r;
	size_t i;
	int fd = -1, ret = -1;

	if (opts == NULL)
		opts = &no_opts;
	sh.opts = opts;
	sh.rootfd = -1;
	sh.max_depth = opts->max_depth > 0 && opts->max_depth < WALK_MAX_DEPTH ? opts->max_depth
										: WALK_MAX_DEPTH;
	sh.max_threads = thread_count(opts);
	pthread_mutex_init(&sh.mu, NULL);
	pthread_cond_init(&sh.cv, NULL);
	sh.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sh.rootfd < 0) {
		el_error_set(err, root, 0, 0, "cannot open folder: %s", strerror(errno));
		goto cleanup;
	}
	sh.root_real = realpath(root, NULL);
	fd = openat(sh.rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sh.root_real == NULL || fd < 0) {
		el_error_set(err, root, 0, 0, "cannot open folder: %s", strerror(errno));
		goto cleanup;
	}
	if (opts->nexclude > 0) {
		sh.excludes = ignore_list_new();
		for (i = 0; i < opts->nexclude; i++)
			if (opts->exclude[i] != NULL)
				ignore_list_add_line(sh.excludes, opts->exclude[i],
						     strlen(opts->exclude[i]));
		ignore_list_compile(sh.excludes);
	}
	c = ctx_new(&sh);
	c->is_main = true;
	load_info_exclude(c, sh.rootfd);
	sh.active = 1;
	c->base_depth = 0;
	walk_dir(c, fd, 0);
	fd = -1;
	pthread_mutex_lock(&sh.mu);
	sh.active--;
	pthread_mutex_unlock(&sh.mu);
	run_tasks(c);
	for (i = 0; i < (size_t)c->nspawned; i++) {
		pthread_join(c->threads[i], NULL);
		ctx_merge_free(c, c->helpers[i]);
	}
	if (c->work_spent || c->match_work <= 0)
		add_diag(c, "", "%s",
			 "ignore patterns too costly to match; past the limit, wildcard patterns "
			 "were not applied and some ignored paths may be listed");
	if (c->entries.len > 1)
		qsort(c->entries.items, c->entries.len, sizeof(*c->entries.items), entry_cmp);
	if (c->diags.len > 1)
		qsort(c->diags.items, c->diags.len, sizeof(*c->diags.items), diag_cmp);
	r = xcalloc(1, sizeof(*r));
	r->entries = c->entries.items;
	r->nentries = c->entries.len;
	r->diags = c->diags.items;
	r->ndiags = c->diags.len;
	r->files_seen = c->files_seen;
	c->entries.items = NULL;
	c->diags.items = NULL;
	*out = r;
	ret = 0;
cleanup:
	if (c != NULL) {
		ctx_merge_free(c, c);
		free(c);
	}
	if (fd >= 0)
		close(fd);
	if (sh.rootfd >= 0)
		close(sh.rootfd);
	VEC_FREE(&sh.queue);
	ignore_list_free(sh.excludes);
	ignore_list_free(sh.info);
	free(sh.root_real);
	pthread_cond_destroy(&sh.cv);
	pthread_mutex_destroy(&sh.mu);
	return ret;
}

void
walk_result_free(struct walk_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nentries; i++) {
		free(r->entries[i].path);
		free(r->entries[i].link_target);
	}
	for (i = 0; i < r->ndiags; i++) {
		free(r->diags[i].path);
		free(r->diags[i].message);
	}
	free(r->entries);
	free(r->diags);
	free(r);
}

const struct walk_entry *
walk_find(const struct walk_result *r, const char *path)
{
	size_t lo = 0, hi = r->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->entries[mid].path, path);

		if (c == 0)
			return &r->entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
