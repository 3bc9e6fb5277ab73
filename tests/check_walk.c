/*
 * Walker tests on temporary trees. With ENVLINT_WALKDUMP=<root> in the
 * environment this program instead prints the walker's view of <root> (used by
 * tests/scripts/test_walk_gitignore.sh): one record per entry, NUL-terminated,
 * "<flags> <path>" where flags are letters E T I L D O (or '-'), diagnostics on
 * stderr. ENVLINT_WALKDUMP_CLASSIFY=none keeps only env files,
 * ENVLINT_WALKDUMP_THREADS=n sets walk_options.threads, ENVLINT_WALKDUMP_TIME=1
 * prints the time taken (for measuring).
 */
#define _DEFAULT_SOURCE 1

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "walk/walk.h"

static int
keep_all(const char *name, const char *path, void *ctx)
{
	return 1;
}

static int
keep_ts(const char *name, const char *path, void *ctx)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".ts") == 0 ? 7 : 0;
}

static void
flags_text(unsigned f, char *out)
{
	char *p = out;

	if (f & WALK_ENV)
		*p++ = 'E';
	if (f & WALK_TEMPLATE)
		*p++ = 'T';
	if (f & WALK_IGNORED)
		*p++ = 'I';
	if (f & WALK_SYMLINK)
		*p++ = 'L';
	if (f & WALK_DANGLING)
		*p++ = 'D';
	if (f & WALK_OUTSIDE)
		*p++ = 'O';
	if (p == out)
		*p++ = '-';
	*p = '\0';
}

static int
walkdump(const char *root)
{
	struct walk_options o = {0};
	struct el_error err = EL_ERROR_INIT;
	struct walk_result *r = NULL;
	struct timespec t0, t1;
	const char *mode = getenv("ENVLINT_WALKDUMP_CLASSIFY");
	size_t i;
	char fl[8];

	if (mode == NULL || strcmp(mode, "none") != 0)
		o.classify = keep_all;
	if (getenv("ENVLINT_WALKDUMP_THREADS") != NULL)
		o.threads = atoi(getenv("ENVLINT_WALKDUMP_THREADS"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (walk_repo(&r, root, &o, &err) != 0) {
		el_error_print(stderr, &err);
		el_error_clear(&err);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < r->nentries; i++) {
		flags_text(r->entries[i].flags, fl);
		printf("%s %s%c", fl, r->entries[i].path, '\0');
	}
	for (i = 0; i < r->ndiags; i++)
		fprintf(stderr, "%s: %s\n", r->diags[i].path, r->diags[i].message);
	if (getenv("ENVLINT_WALKDUMP_TIME") != NULL)
		fprintf(stderr, "walk: %zu files seen, %zu entries, %.2f ms\n", r->files_seen,
			r->nentries,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	walk_result_free(r);
	return 0;
}

/* --- temporary trees -------------------------------------------------- */

static char tmproot[4096];

static void
make_tmp(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmproot, sizeof(tmproot), "%s/envlint-walk-XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmproot));
}

static void
remove_tree_at(int dfd, const char *name)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if (unlinkat(dfd, name, 0) == 0)
		return;
	fchmodat(dfd, name, 0700, 0);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		remove_tree_at(dirfd(d), de->d_name);
	}
	closedir(d);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

static void
remove_tmp(void)
{
	if (tmproot[0] != '\0')
		remove_tree_at(AT_FDCWD, tmproot);
	tmproot[0] = '\0';
}

/* Create root/rel with content (parents as needed). */
static void
put(const char *rel, const char *content)
{
	char path[8192], *s;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	for (s = path + strlen(tmproot) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "cannot create %s", path);
	fputs(content, fp);
	fclose(fp);
}

static void
put_link(const char *rel, const char *target)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", tmproot, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

static struct walk_result *
walk_tmp(const struct walk_options *o)
{
	struct el_error err = EL_ERROR_INIT;
	struct walk_result *r = NULL;

	ck_assert_msg(walk_repo(&r, tmproot, o, &err) == 0, "walk failed: %s", err.msg);
	return r;
}

/* "flags path" lines of all entries, for whole-view assertions. */
static char *
view(const struct walk_result *r)
{
	struct buf b = BUF_INIT;
	size_t i;
	char fl[8];

	for (i = 0; i < r->nentries; i++) {
		flags_text(r->entries[i].flags, fl);
		buf_printf(&b, "%s %s\n", fl, r->entries[i].path);
	}
	return buf_detach(&b);
}

static char *
diags(const struct walk_result *r)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < r->ndiags; i++)
		buf_printf(&b, "%s: %s\n", r->diags[i].path, r->diags[i].message);
	return buf_detach(&b);
}

static const struct walk_entry *
find(const struct walk_result *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->nentries; i++)
		if (strcmp(r->entries[i].path, path) == 0)
			return &r->entries[i];
	return NULL;
}

#define ASSERT_VIEW(r, expected)                                                                   \
	do {                                                                                       \
		char *v_ = view(r);                                                                \
		ck_assert_str_eq(v_, expected);                                                    \
		free(v_);                                                                          \
	} while (0)

/* --- env file names --------------------------------------------------- */

static const struct {
	const char *name;
	unsigned kind;
} env_names[] = {
	{".env", WALK_ENV},
	{".env.local", WALK_ENV},
	{".env.production.local", WALK_ENV},
	{".env.defaults", WALK_ENV},
	{".env.vault", WALK_ENV},
	{"prod.env", WALK_ENV},
	{"docker.env", WALK_ENV},
	{".env.example", WALK_ENV | WALK_TEMPLATE},
	{".env.sample", WALK_ENV | WALK_TEMPLATE},
	{".env.template", WALK_ENV | WALK_TEMPLATE},
	{".env.dist", WALK_ENV | WALK_TEMPLATE},
	{".env.local.example", WALK_ENV | WALK_TEMPLATE},
	{".env.EXAMPLE", WALK_ENV | WALK_TEMPLATE},
	{"example.env", WALK_ENV | WALK_TEMPLATE},
	{"app.sample.env", WALK_ENV | WALK_TEMPLATE},
	{".envrc", 0},
	{".env.bak", 0},
	{".env~", 0},
	{".env.local~", 0},
	{".env.swp", 0},
	{".env.orig", 0},
	{".env.old", 0},
	{".env.ts", 0},
	{".env.json", 0},
	{"env", 0},
	{"environment", 0},
	{".environment", 0},
	{".env.", 0},
	{"README.md", 0},
	{"examples.envy", 0},
};

START_TEST(test_walk_env_kind)
{
	ck_assert_msg(walk_env_kind(env_names[_i].name) == env_names[_i].kind, "%s: got %u",
		      env_names[_i].name, walk_env_kind(env_names[_i].name));
}
END_TEST

/* --- trees ------------------------------------------------------------ */

START_TEST(test_walk_nested_ignores)
{
	struct walk_options o = {.classify = keep_all};
	struct walk_result *r;

	make_tmp();
	put(".gitignore", "*.log\nbuild/\n/top.txt\n");
	put("top.txt", "");
	put("x.log", "");
	put("a/.gitignore", "!keep.log\n*.txt\n");
	put("a/keep.log", "");
	put("a/y.log", "");
	put("a/top.txt", "");
	put("a/b/.gitignore", "!c.txt\n");
	put("a/b/c.txt", "");
	put("a/b/d.txt", "");
	put("build/z.ts", "");
	put("src/build", ""); /* a file: "build/" only matches folders */
	put("src/app.ts", "");
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "- .gitignore\n"
		       "- a/.gitignore\n"
		       "- a/b/.gitignore\n"
		       "- a/b/c.txt\n"
		       "- a/keep.log\n"
		       "- src/app.ts\n"
		       "- src/build\n");
	walk_result_free(r);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_ignored_env_reported)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;
	const struct walk_entry *e;

	make_tmp();
	put(".gitignore", ".env\n.env.*\n!.env.example\nnode_modules/\ndist\n");
	put(".env", "A=1\n");
	put(".env.local", "B=2\n");
	put(".env.example", "A=\n");
	put(".env.defaults", "C=3\n");
	put("node_modules/pkg/.env", "X=1\n");
	put("node_modules/pkg/index.ts", "");
	put("dist/.env", "X=1\n");
	put("apps/web/.env.development.local", "");
	put("apps/web/index.ts", "");
	put("apps/web/.envrc", "");
	put("apps/web/prod.env", "");
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "EI .env\n"
		       "EI .env.defaults\n"
		       "ET .env.example\n"
		       "EI .env.local\n"
		       "EI apps/web/.env.development.local\n"
		       "- apps/web/index.ts\n"
		       "E apps/web/prod.env\n");
	e = find(r, ".env");
	ck_assert_int_eq(e->size, 4);
	ck_assert_int_eq(e->kind, 0);
	ck_assert_int_eq(find(r, "apps/web/index.ts")->kind, 7);
	/* node_modules/ and dist were not entered: only 9 files were looked at */
	ck_assert_uint_eq(r->files_seen, 9);
	walk_result_free(r);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_exclude_option)
{
	const char *ex[] = {"fixtures/", "*.gen.ts", "!keep.gen.ts", "/top-only.ts"};
	struct walk_options o = {.classify = keep_ts, .exclude = ex, .nexclude = 4};
	struct walk_result *r;

	make_tmp();
	put(".gitignore", "keep.gen.ts\n");
	put("fixtures/a.ts", "");
	put("fixtures/.env", "");
	put("src/x.gen.ts", "");
	put("src/keep.gen.ts", ""); /* the option's negation wins over .gitignore */
	put("src/top-only.ts", "");
	put("top-only.ts", "");
	put("src/.env", "");
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "E src/.env\n"
		       "- src/keep.gen.ts\n"
		       "- src/top-only.ts\n");
	walk_result_free(r);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_git_dir_and_info_exclude)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;

	make_tmp();
	put(".git/info/exclude", "secret/\n*.local.ts\n");
	put(".git/.env", "");
	put(".git/hooks/x.ts", "");
	put("secret/.env", "");
	put("a.local.ts", "");
	put("a.ts", "");
	put("sub/.git", "gitdir: ../.git/modules/sub\n"); /* a gitlink file is never listed */
	put("sub/b.ts", "");
	put(".gitignore", "!b.local.ts\n");
	put("b.local.ts", ""); /* .gitignore outranks info/exclude */
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "- a.ts\n"
		       "- b.local.ts\n"
		       "- sub/b.ts\n");
	walk_result_free(r);
	remove_tmp();
}
END_TEST

/* A submodule or worktree: .git is a "gitdir:" file; a worktree's info/ is in its commondir. */
START_TEST(test_walk_gitfile_info_exclude)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;

	make_tmp();
	put("repo/.git", "gitdir: ../store/modules/repo\n");
	put("store/modules/repo/info/exclude", "*.gen.ts\n");
	put("repo/a.ts", "");
	put("repo/a.gen.ts", "");
	put("wt/.git", "gitdir: ../store/worktrees/wt\r\n");
	put("store/worktrees/wt/commondir", "../..\n");
	put("store/info/exclude", "b.ts\n");
	put("wt/b.ts", "");
	put("wt/c.ts", "");
	{
		char root[8192];
		struct el_error err = EL_ERROR_INIT;

		snprintf(root, sizeof(root), "%s/repo", tmproot);
		ck_assert_int_eq(walk_repo(&r, root, &o, &err), 0);
		ASSERT_VIEW(r, "- a.ts\n");
		walk_result_free(r);
		snprintf(root, sizeof(root), "%s/wt", tmproot);
		ck_assert_int_eq(walk_repo(&r, root, &o, &err), 0);
		ASSERT_VIEW(r, "- c.ts\n");
		walk_result_free(r);
	}
	remove_tmp();
}
END_TEST

START_TEST(test_walk_symlinks)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;
	const struct walk_entry *e;
	char outside[4096], target[8192];
	char *d;

	make_tmp();
	put("real/.env", "A=1\n");
	put("real/x.ts", "");
	put_link("real/loop", "..");          /* a folder loop: never followed */
	put_link("self", "self");             /* a link to itself */
	put_link("dir.ts", "real");           /* classified name, but a folder */
	put_link(".env", "real/.env");        /* inside */
	put_link(".env.local", "missing.env"); /* dangling */
	put_link("up.env", "../../nowhere");  /* dangling and outside */
	put_link("loop.env", "loop.env");     /* a link loop */
	/* a real file outside the root */
	snprintf(outside, sizeof(outside), "%s", tmproot);
	d = strrchr(outside, '/');
	snprintf(d, sizeof(outside) - (size_t)(d - outside), "/envlint-out-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(outside));
	snprintf(target, sizeof(target), "%s/.env", outside);
	{
		FILE *fp = fopen(target, "w");

		ck_assert_ptr_nonnull(fp);
		fputs("B=22\n", fp);
		fclose(fp);
	}
	put_link("ext.env", target);
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "EL .env\n"
		       "ELD .env.local\n"
		       "ELO ext.env\n"
		       "ELD loop.env\n"
		       "E real/.env\n"
		       "- real/x.ts\n"
		       "ELDO up.env\n");
	e = find(r, ".env");
	ck_assert_str_eq(e->link_target, "real/.env");
	ck_assert_int_eq(e->size, 4);
	e = find(r, "ext.env");
	ck_assert_str_eq(e->link_target, target);
	ck_assert_int_eq(e->size, 5);
	ck_assert_str_eq(find(r, ".env.local")->link_target, "missing.env");
	ck_assert_int_eq(find(r, ".env.local")->size, -1);
	ck_assert_ptr_null(find(r, "real/.env")->link_target);
	{
		char *dg = diags(r);

		ck_assert_msg(strstr(dg, "dir.ts: symbolic link to a folder; not read\n") != NULL,
			      "%s", dg);
		ck_assert_msg(strstr(dg, "loop.env: symbolic link loop; not followed\n") != NULL,
			      "%s", dg);
		free(dg);
	}
	walk_result_free(r);
	unlink(target);
	rmdir(outside);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_fifo_named_env)
{
	struct walk_options o = {.classify = keep_all};
	struct walk_result *r;
	char path[8192], *dg;

	make_tmp();
	put("a/.env.local", "");
	snprintf(path, sizeof(path), "%s/a/.env", tmproot);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	put_link("b.env", "a/.env");
	alarm(10); /* a walker that opens the FIFO blocks forever: fail instead */
	r = walk_tmp(&o);
	alarm(0);
	ASSERT_VIEW(r, "E a/.env.local\n");
	dg = diags(r);
	ck_assert_str_eq(dg, "a/.env: a FIFO; not read\n"
			     "b.env: symbolic link to a FIFO; not read\n");
	free(dg);
	walk_result_free(r);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_unreadable_folder)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;
	char path[8192], *dg;

	make_tmp();
	put("locked/.env", "");
	put("open/.env", "");
	snprintf(path, sizeof(path), "%s/locked", tmproot);
	ck_assert_int_eq(chmod(path, 0), 0);
	if (access(path, R_OK) == 0) {
		/*
		 * root reads it anyway: walk as an unprivileged user in a child,
		 * or skip when that is not possible either.
		 */
		pid_t pid;
		int status;

		ck_assert_int_eq(chmod(tmproot, 0755), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct el_error err = EL_ERROR_INIT;
			char *v;
			int ok;

			if (setgid(65534) != 0 || setuid(65534) != 0 || access(path, R_OK) == 0)
				_exit(77);
			if (walk_repo(&r, tmproot, &o, &err) != 0)
				_exit(1);
			v = view(r);
			dg = diags(r);
			ok = strcmp(v, "E open/.env\n") == 0 &&
			     strcmp(dg, "locked: folder not read: Permission denied\n") == 0;
			if (!ok)
				fprintf(stderr, "view:\n%s\ndiags:\n%s\n", v, dg);
			_exit(ok ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFEXITED(status));
		ck_assert_msg(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77,
			      "walk as an unprivileged user failed");
		remove_tmp();
		return;
	}
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "E open/.env\n");
	dg = diags(r);
	ck_assert_str_eq(dg, "locked: folder not read: Permission denied\n");
	free(dg);
	walk_result_free(r);
	remove_tmp();
}
END_TEST

/* git does not follow a symlinked .gitignore; a FIFO one must not block the walk. */
START_TEST(test_walk_odd_ignore_files)
{
	struct walk_options o = {.classify = keep_all};
	struct walk_result *r;
	char path[8192], *dg;

	make_tmp();
	put("rules", "*.log\n");
	put("x.log", "");
	put("sub/y.log", "");
	put_link("sub/.gitignore", "../rules");
	snprintf(path, sizeof(path), "%s/.gitignore", tmproot);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	alarm(10);
	r = walk_tmp(&o);
	alarm(0);
	ASSERT_VIEW(r, "- rules\n"
		       "L sub/.gitignore\n"
		       "- sub/y.log\n"
		       "- x.log\n");
	dg = diags(r);
	ck_assert_str_eq(dg, ".gitignore: a FIFO; not read\n"
			     ".gitignore: ignore file is not a regular file; not read\n"
			     "sub/.gitignore: ignore file is a symbolic link; "
			     "not followed (as git)\n");
	free(dg);
	walk_result_free(r);
	remove_tmp();
}
END_TEST

/* Patterns that cost O(n^k) per name cannot stall the walk: bounded work and a diag. */
START_TEST(test_walk_hostile_patterns)
{
	struct walk_options o = {.classify = keep_all};
	struct walk_result *r;
	struct buf gi = BUF_INIT;
	char name[300];
	int i;

	make_tmp();
	for (i = 0; i < 200; i++)
		buf_printf(&gi, "*a*a*a*a*a*a*a*a*b%d*\n", i);
	buf_puts(&gi, "literal.txt\n");
	put(".gitignore", gi.data);
	put("literal.txt", "");
	memset(name, 'a', 200);
	for (i = 0; i < 150; i++) {
		snprintf(name + 200, sizeof(name) - 200, "%d", i);
		put(name, "");
	}
	r = walk_tmp(&o);
	ck_assert_uint_eq(r->nentries, 151); /* .gitignore and the 150 names */
	ck_assert_ptr_null(find(r, "literal.txt"));
	ck_assert_uint_eq(r->ndiags, 1);
	ck_assert_str_eq(r->diags[0].path, ".");
	ck_assert_ptr_nonnull(strstr(r->diags[0].message, "too costly"));
	walk_result_free(r);
	buf_free(&gi);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_depth_limit)
{
	struct walk_options o = {.max_depth = 3};
	struct walk_result *r;
	char *dg;
	struct buf deep = BUF_INIT;
	int i;

	make_tmp();
	put("a/b/c/.env", "");
	put("a/b/c/d/.env", "");
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "E a/b/c/.env\n");
	dg = diags(r);
	ck_assert_str_eq(dg, "a/b/c/d: folder depth limit (3) reached; not entered\n");
	free(dg);
	walk_result_free(r);
	remove_tmp();

	/* the default limit, on a tree deeper than it */
	make_tmp();
	for (i = 0; i < WALK_MAX_DEPTH + 5; i++)
		buf_puts(&deep, "d/");
	buf_puts(&deep, ".env");
	put(deep.data, "");
	o.max_depth = 0;
	r = walk_tmp(&o);
	ck_assert_uint_eq(r->nentries, 0);
	ck_assert_uint_eq(r->ndiags, 1);
	ck_assert_msg(strstr(r->diags[0].message, "(256)") != NULL, "%s", r->diags[0].message);
	ck_assert_uint_eq(strlen(r->diags[0].path), 2 * (WALK_MAX_DEPTH + 1) - 1);
	walk_result_free(r);
	buf_free(&deep);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_odd_names_sorted)
{
	struct walk_options o = {.classify = keep_all};
	struct walk_result *r;

	make_tmp();
	put("b/.env", "");
	put("a b/.env", "");
	put("new\nline/.env", "");
	put("bad\xff\xfe/.env", "");
	put("a/.env", "");
	put("a-/.env", "");
	put(".gitignore", "a\\ b\n");
	r = walk_tmp(&o);
	ASSERT_VIEW(r, "- .gitignore\n"
		       "E a-/.env\n"
		       "E a/.env\n"
		       "E b/.env\n"
		       "E bad\xff\xfe/.env\n"
		       "E new\nline/.env\n");
	walk_result_free(r);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_big_folder)
{
	struct walk_options o = {.classify = keep_ts};
	struct walk_result *r;
	char path[8192];
	int i, dfd;

	make_tmp();
	put("big/.gitignore", "*.o\n");
	snprintf(path, sizeof(path), "%s/big", tmproot);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	for (i = 0; i < 100000; i++) {
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "f%06d.%s", i, i % 3 == 0 ? "ts" : "o");
		fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	close(dfd);
	put("big/.env.test", "");
	r = walk_tmp(&o);
	ck_assert_uint_eq(r->files_seen, 100002);
	ck_assert_uint_eq(r->nentries, 33334 + 1);
	ck_assert_str_eq(r->entries[0].path, "big/.env.test");
	ck_assert_str_eq(r->entries[1].path, "big/f000000.ts");
	ck_assert_str_eq(r->entries[r->nentries - 1].path, "big/f099999.ts");
	walk_result_free(r);
	remove_tmp();
}
END_TEST

/* Helper threads change nothing in what is seen, even past PATH_MAX. */
START_TEST(test_walk_threads_same_view)
{
	struct walk_options o = {.classify = keep_ts, .threads = 1};
	struct walk_result *r1, *r4;
	struct buf deep = BUF_INIT;
	char rel[256], *v1, *v4, *d1, *d4;
	int i, j;

	make_tmp();
	put(".gitignore", ".env\n*.gen.ts\n");
	put("s3/.gitignore", "!.env\n");
	for (i = 0; i < 60; i++) {
		for (j = 0; j < 5; j++) {
			snprintf(rel, sizeof(rel), "s%d/d%d/.env", i, j);
			put(rel, "");
			snprintf(rel, sizeof(rel), "s%d/d%d/x.ts", i, j);
			put(rel, "");
			snprintf(rel, sizeof(rel), "s%d/d%d/x.gen.ts", i, j);
			put(rel, "");
		}
	}
	{
		/* longer than PATH_MAX: made one folder at a time */
		int fd = open(tmproot, O_RDONLY | O_DIRECTORY), next;

		ck_assert_int_ge(fd, 0);
		for (i = 0; i < 30; i++) {
			char name[201];

			memset(name, 'a' + i % 26, 200);
			name[200] = '\0';
			buf_printf(&deep, "%s/", name);
			ck_assert_int_eq(mkdirat(fd, name, 0755), 0);
			next = openat(fd, name, O_RDONLY | O_DIRECTORY);
			ck_assert_int_ge(next, 0);
			close(fd);
			fd = next;
		}
		buf_puts(&deep, ".env.local");
		next = openat(fd, ".env.local", O_WRONLY | O_CREAT, 0644);
		ck_assert_int_ge(next, 0);
		close(next);
		close(fd);
	}
	r1 = walk_tmp(&o);
	o.threads = 4;
	r4 = walk_tmp(&o);
	v1 = view(r1);
	v4 = view(r4);
	d1 = diags(r1);
	d4 = diags(r4);
	ck_assert_str_eq(v1, v4);
	ck_assert_str_eq(d1, "");
	ck_assert_str_eq(d4, "");
	ck_assert_uint_eq(r1->nentries, 1 + 300 + 300);
	ck_assert_uint_eq(r4->files_seen, r1->files_seen);
	ck_assert_ptr_nonnull(find(r4, deep.data));
	ck_assert_ptr_nonnull(strstr(v4, "E s3/d0/.env\n"));
	ck_assert_ptr_nonnull(strstr(v4, "EI s4/d0/.env\n"));
	free(v1);
	free(v4);
	free(d1);
	free(d4);
	walk_result_free(r1);
	walk_result_free(r4);
	buf_free(&deep);
	remove_tmp();
}
END_TEST

START_TEST(test_walk_root_missing)
{
	struct el_error err = EL_ERROR_INIT;
	struct walk_result *r = NULL;

	ck_assert_int_eq(walk_repo(&r, "/nonexistent/envlint-walk-root", NULL, &err), -1);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(err.path, "/nonexistent/envlint-walk-root");
	ck_assert_str_eq(err.msg, "cannot open folder: No such file or directory");
	el_error_clear(&err);
}
END_TEST

static Suite *
walk_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("walk");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_walk_env_kind, 0, sizeof(env_names) / sizeof(env_names[0]));
	tcase_add_test(tc, test_walk_nested_ignores);
	tcase_add_test(tc, test_walk_ignored_env_reported);
	tcase_add_test(tc, test_walk_exclude_option);
	tcase_add_test(tc, test_walk_git_dir_and_info_exclude);
	tcase_add_test(tc, test_walk_gitfile_info_exclude);
	tcase_add_test(tc, test_walk_symlinks);
	tcase_add_test(tc, test_walk_fifo_named_env);
	tcase_add_test(tc, test_walk_unreadable_folder);
	tcase_add_test(tc, test_walk_odd_ignore_files);
	tcase_add_test(tc, test_walk_hostile_patterns);
	tcase_add_test(tc, test_walk_depth_limit);
	tcase_add_test(tc, test_walk_odd_names_sorted);
	tcase_add_test(tc, test_walk_big_folder);
	tcase_add_test(tc, test_walk_threads_same_view);
	tcase_add_test(tc, test_walk_root_missing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *dump = getenv("ENVLINT_WALKDUMP");
	SRunner *sr;
	int failed;

	if (dump != NULL)
		return walkdump(dump);
	sr = srunner_create(walk_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
