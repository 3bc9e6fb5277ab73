/*
 * Unit tests for the git index reader (walk/gitindex.c): indexes built here
 * the way git writes them (versions 2, 3, 4; SHA-1 and SHA-256), and
 * malformed ones: every truncation, bad headers, bad prefixes.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "walk/gitindex.h"

static const char *const tracked_paths[] = {".env", "apps/web/.env", "apps/web/package.json"};
#define NTRACKED 3

static void
put_be(struct buf *b, unsigned v, int bytes)
{
	while (bytes-- > 0)
		buf_putc(b, (char)((v >> (8 * bytes)) & 0xff));
}

/* An index listing tracked_paths (sorted already), as git writes it. */
static void
build(struct buf *b, unsigned version, size_t hash_len)
{
	const char *prev = "";
	size_t i, k;

	buf_reset(b);
	buf_add(b, "DIRC", 4);
	put_be(b, version, 4);
	put_be(b, NTRACKED, 4);
	for (i = 0; i < NTRACKED; i++) {
		const char *p = tracked_paths[i];
		size_t start = b->len, len = strlen(p), common = 0;
		bool ext = version == 3 && i == 1;

		for (k = 0; k < 40 + hash_len; k++)
			buf_putc(b, '\0');
		put_be(b, (unsigned)len | (ext ? 0x4000u : 0), 2);
		if (ext)
			put_be(b, 0x2000, 2);
		if (version == 4) {
			while (prev[common] && prev[common] == p[common])
				common++;
			buf_putc(b, (char)(strlen(prev) - common)); /* < 128: one byte */
			buf_add(b, p + common, len - common + 1);
		} else {
			buf_add(b, p, len);
			do
				buf_putc(b, '\0');
			while ((b->len - start) % 8 != 0);
		}
		prev = p;
	}
	for (k = 0; k < hash_len; k++)
		buf_putc(b, '\0');
}

static int
lookup(const struct buf *b, size_t hash_len, bool *tracked, struct el_error *err)
{
	static const char *const want[] = {"apps/web/.env", ".env.local", ".env", "apps/web/.env"};

	return gitindex_tracked_in((const unsigned char *)b->data, b->len, hash_len, "index",
				   want, 4, tracked, err);
}

START_TEST(test_gitindex_versions)
{
	static const unsigned versions[] = {2, 3, 4};
	static const size_t hashes[] = {20, 32};
	struct buf b = BUF_INIT;
	size_t v, h;

	for (v = 0; v < 3; v++) {
		for (h = 0; h < 2; h++) {
			struct el_error err = EL_ERROR_INIT;
			bool t[4];

			build(&b, versions[v], hashes[h]);
			ck_assert_int_eq(lookup(&b, hashes[h], t, &err), 0);
			ck_assert_msg(t[0] && !t[1] && t[2] && t[3], "version %u hash %zu: %d%d%d%d",
				      versions[v], hashes[h], t[0], t[1], t[2], t[3]);
		}
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_gitindex_truncated)
{
	static const unsigned versions[] = {2, 3, 4};
	struct buf b = BUF_INIT;
	size_t v, n;

	for (v = 0; v < 3; v++) {
		build(&b, versions[v], 20);
		/* Cut before the last entry's end: always an error, never a read past it. */
		for (n = 0; n + 20 < b.len; n++) {
			struct el_error err = EL_ERROR_INIT;
			bool t[4] = {true, true, true, true};
			char *copy = malloc(n ? n : 1);

			memcpy(copy, b.data, n);
			ck_assert_int_eq(gitindex_tracked_in((unsigned char *)copy, n, 20, "index",
							     tracked_paths, 3, t, &err),
					 -1);
			ck_assert_ptr_nonnull(err.msg);
			ck_assert(!t[0] && !t[1] && !t[2]);
			el_error_clear(&err);
			free(copy);
		}
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_gitindex_malformed)
{
	struct buf b = BUF_INIT;
	struct el_error err = EL_ERROR_INIT;
	bool t[4];

	build(&b, 2, 20);
	b.data[0] = 'X';
	ck_assert_int_eq(lookup(&b, 20, t, &err), -1);
	ck_assert_str_eq(err.msg, "not a git index (no DIRC signature)");

	build(&b, 5, 20);
	ck_assert_int_eq(lookup(&b, 20, t, &err), -1);
	ck_assert_str_eq(err.msg, "git index version 5 not supported");

	/* extended flags exist from version 3 on */
	build(&b, 3, 20);
	b.data[7] = 2;
	ck_assert_int_eq(lookup(&b, 20, t, &err), -1);
	ck_assert_str_eq(err.msg, "git index entry 1 has bad extended flags");

	/* version 4: the first entry cannot strip bytes of a previous path */
	build(&b, 4, 20);
	b.data[12 + 62] = 3;
	ck_assert_int_eq(lookup(&b, 20, t, &err), -1);
	ck_assert_str_eq(err.msg, "git index entry 0 has a bad path prefix");

	/* a count larger than the entries present */
	build(&b, 2, 20);
	b.data[11] = 9;
	ck_assert_int_eq(lookup(&b, 20, t, &err), -1);
	el_error_clear(&err);
	buf_free(&b);
}
END_TEST

START_TEST(test_gitindex_no_repository)
{
	bool t[1] = {true};
	static const char *const p[] = {".env"};

	/* a folder without .git: nothing tracked, no error */
	ck_assert_int_eq(gitindex_tracked("/nonexistent-envlint-root", p, 1, t, NULL), 0);
	ck_assert(!t[0]);
}
END_TEST

static Suite *
gitindex_suite(void)
{
	Suite *s = suite_create("gitindex");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_gitindex_versions);
	tcase_add_test(tc, test_gitindex_truncated);
	tcase_add_test(tc, test_gitindex_malformed);
	tcase_add_test(tc, test_gitindex_no_repository);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(gitindex_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
