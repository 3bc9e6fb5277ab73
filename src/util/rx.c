#include "util/rx.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * PCRE2's JIT scans with 16-byte SIMD loads that may end past the subject
 * (never across a page, so harmless); memcheck reports them. Under valgrind
 * the interpreter runs instead, with the same match and heap limits.
 */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

struct rx {
	pcre2_code *code;
	char *pattern;
	size_t scanned; /* subject bytes handed to the interpreter so far */
	bool jit_tried; /* JIT compilation done or attempted */
	unsigned refs;  /* holders; the last rx_free frees it */
};

/*
 * JIT-compiling a pattern costs as much as interpreting it over tens of
 * kilobytes, and most of the hundreds of pack patterns never get past their
 * literal prefilter in a given repository: compile a pattern to machine code
 * only once it has been run over this many bytes, so that a pre-commit run
 * on a small repository does not pay for it (measured on the typical bench
 * tree: 11.7 ms of CPU when compiling at a pattern's 8th use, 10.6 ms with
 * this) while a large scan soon compiles every pattern it leans on.
 */
#define RX_JIT_BYTES (64u * 1024u)

/* rx_jit_pause calls not yet resumed: every context then acts as a shared one. */
static atomic_int jit_paused;

struct rx_ctx {
	bool shared; /* see rx_ctx_new_shared */
	pcre2_match_context *mctx;
	pcre2_match_data *md;
	pcre2_jit_stack *jit_stack;
};

int
rx_compile(struct rx **out, const char *pattern, const char *flags, const char *path, int line,
	   int col, struct el_error *err)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;
	struct rx *rx;
	const char *f;

	for (f = flags ? flags : ""; *f; f++) {
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default:
			return el_error_set(err, path, line, col, "unknown regex flag '%c'", *f);
		}
	}
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff,
			     NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return el_error_set(err, path, line, col + (int)erroff,
				    "invalid regex at offset %zu: %s", (size_t)erroff, (char *)msg);
	}
	rx = xcalloc(1, sizeof(*rx));
	rx->code = code;
	rx->pattern = xstrdup(pattern);
	rx->refs = 1;
	*out = rx;
	return 0;
}

struct rx *
rx_ref(struct rx *rx)
{
	rx->refs++;
	return rx;
}

void
rx_free(struct rx *rx)
{
	if (rx == NULL || --rx->refs > 0)
		return;
	pcre2_code_free(rx->code);
	free(rx->pattern);
	free(rx);
}

int
rx_group_number(const struct rx *rx, const char *name)
{
	int n = pcre2_substring_number_from_name(rx->code, (PCRE2_SPTR)name);

	return n < 0 ? -1 : n;
}

const char *
rx_pattern(const struct rx *rx)
{
	return rx->pattern;
}

/* End of the character class opening at p ('['), or NULL when it does not close. */
static const char *
class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++; /* a leading ] is a member */
	for (; *p != '\0' && *p != ']'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '[' && p[1] == ':' && (p = strstr(p + 2, ":]")) != NULL)
			p++;
		if (p == NULL)
			return NULL;
	}
	return *p == ']' ? p + 1 : NULL;
}

/* End of the group opening at p ('('), or NULL when it does not close. */
static const char *
group_end(const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		if (*p == '\\' && p[1] != '\0') {
			p += 2;
		} else if (*p == '[') {
			if ((p = class_end(p)) == NULL)
				return NULL;
		} else {
			if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0)
				return p + 1;
			p++;
		}
	}
	return NULL;
}

size_t
rx_required_literal(const struct rx *rx, char *out, size_t cap)
{
	const char *p = rx->pattern, *best = NULL, *q;
	size_t run = 0, bestn = 0;
	uint32_t opts = 0;
	char buf[256];

	(void)pcre2_pattern_info(rx->code, PCRE2_INFO_ALLOPTIONS, &opts);
	if ((opts & (PCRE2_CASELESS | PCRE2_EXTENDED | PCRE2_EXTENDED_MORE | PCRE2_LITERAL)) != 0 ||
	    strstr(p, "(?i") != NULL || strstr(p, "(?x") != NULL || strstr(p, "\\Q") != NULL ||
	    cap == 0)
		return 0;
	while (*p != '\0') {
		int c = -1; /* the literal byte of this item, or -1 */

		if (*p == '|')
			return 0; /* a top-level alternative: nothing is required */
		if (*p == '\\') {
			/* escapes with arguments (\x41, \p{L}, \k<n>, \1, ...): not worth parsing */
			if (p[1] == '\0' || strchr("xopPkgcN0123456789", p[1]) != NULL)
				return 0;
			if (!isalnum((unsigned char)p[1]) && (unsigned char)p[1] < 0x80)
				c = (unsigned char)p[1]; /* \. \( \/ ... */
			q = p + 2;
		} else if (*p == '[') {
			if ((q = class_end(p)) == NULL)
				return 0;
		} else if (*p == '(') {
			if ((q = group_end(p)) == NULL)
				return 0;
		} else {
			/* multi-byte characters are left out: a quantifier applies to all their bytes */
			if (strchr(".^$)*+?{", *p) == NULL && (unsigned char)*p < 0x80)
				c = (unsigned char)*p;
			q = p + 1;
			while ((unsigned char)*q >= 0x80 && ((unsigned char)*q & 0xC0) == 0x80)
				q++;
		}
		/* A quantifier: optional items break the run and add nothing. */
		if (*q == '?' || *q == '*' || (*q == '{' && (q[1] == '0' || q[1] == ','))) {
			c = -2;
		} else if (*q == '+' || *q == '{') {
			if (c >= 0 && run < sizeof(buf))
				buf[run++] = (char)c;
			c = -1; /* required once, but the run ends after it */
		}
		if (c >= 0 && run < sizeof(buf)) {
			buf[run++] = (char)c;
		} else if (c < 0) {
			if (run > bestn && run < cap) {
				memcpy(out, buf, run);
				bestn = run;
				best = out;
			}
			run = 0;
		}
		/* skip the quantifier and its lazy/possessive suffix */
		if (*q == '?' || *q == '*' || *q == '+') {
			q++;
			if (*q == '?' || *q == '+')
				q++;
		} else if (*q == '{') {
			const char *e = strchr(q, '}');

			q = e != NULL ? e + 1 : q + 1;
			if (*q == '?' || *q == '+')
				q++;
		}
		p = q;
	}
	if (run > bestn && run < cap) {
		memcpy(out, buf, run);
		bestn = run;
		best = out;
	}
	if (best == NULL || bestn < 3)
		return 0;
	out[bestn] = '\0';
	return bestn;
}

/*
 * A context's JIT stack (512 KiB reserved with mmap) is made at its first
 * JIT match: contexts that only ever interpret, such as the short-lived ones
 * of one value check, cost no mapping. NULL (out of memory) has PCRE2 use
 * its 32 KiB machine-stack block instead.
 */
static pcre2_jit_stack *
jit_stack_of(void *arg)
{
	struct rx_ctx *ctx = arg;

	if (ctx->jit_stack == NULL)
		ctx->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	return ctx->jit_stack;
}

struct rx_ctx *
rx_ctx_new(void)
{
	struct rx_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->mctx = pcre2_match_context_create(NULL);
	ctx->md = pcre2_match_data_create(RX_MAX_GROUPS, NULL);
	if (ctx->mctx == NULL || ctx->md == NULL) {
		fprintf(stderr, "envlint: out of memory creating a regex context\n");
		exit(2);
	}
	pcre2_set_match_limit(ctx->mctx, RX_MATCH_LIMIT);
	pcre2_set_heap_limit(ctx->mctx, RX_HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(ctx->mctx, jit_stack_of, ctx);
	return ctx;
}

struct rx_ctx *
rx_ctx_new_shared(void)
{
	struct rx_ctx *ctx = rx_ctx_new();

	ctx->shared = true;
	return ctx;
}

void
rx_jit(struct rx *rx)
{
	if (rx->jit_tried)
		return;
	rx->jit_tried = true;
	if (!RUNNING_ON_VALGRIND)
		(void)pcre2_jit_compile(rx->code, PCRE2_JIT_COMPLETE); /* failure: no JIT */
}

void
rx_jit_pause(void)
{
	atomic_fetch_add(&jit_paused, 1);
}

void
rx_jit_resume(void)
{
	atomic_fetch_sub(&jit_paused, 1);
}

void
rx_ctx_free(struct rx_ctx *ctx)
{
	if (ctx == NULL)
		return;
	pcre2_match_data_free(ctx->md);
	pcre2_match_context_free(ctx->mctx);
	pcre2_jit_stack_free(ctx->jit_stack);
	free(ctx);
}

enum rx_result
rx_match(struct rx_ctx *ctx, const struct rx *rx, const char *subject, size_t len, size_t start,
	 struct rx_match *m)
{
	int rc, i;
	PCRE2_SIZE *ov;

	if (start > len)
		return RX_NOMATCH;
	/* The byte count is the only state a match changes: shared contexts leave it alone. */
	if (!ctx->shared && atomic_load_explicit(&jit_paused, memory_order_relaxed) == 0 &&
	    !rx->jit_tried) {
		struct rx *w = (struct rx *)rx;

		w->scanned += len - start;
		if (w->scanned >= RX_JIT_BYTES)
			rx_jit(w);
	}
	rc = pcre2_match(rx->code, (PCRE2_SPTR)subject, len, start, 0, ctx->md, ctx->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return RX_NOMATCH;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
	    rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return RX_LIMIT;
	if (rc < 0)
		return RX_ERROR;
	if (m != NULL) {
		ov = pcre2_get_ovector_pointer(ctx->md);
		if (rc == 0)
			rc = RX_MAX_GROUPS;
		m->ngroups = rc;
		for (i = 0; i < RX_MAX_GROUPS; i++) {
			if (i < rc && ov[2 * i] != PCRE2_UNSET) {
				m->start[i] = ov[2 * i];
				m->end[i] = ov[2 * i + 1];
			} else {
				m->start[i] = m->end[i] = SIZE_MAX;
			}
		}
	}
	return RX_MATCH;
}
