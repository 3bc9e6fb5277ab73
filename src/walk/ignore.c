#include "walk/ignore.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"
#include "util/xalloc.h"

/*
 * Pattern flags, after git's dir.c: PAT_BASENAME patterns have no '/' (other
 * than a trailing one) and match the base name at any depth; the others are
 * anchored to the folder of the list and match the whole relative path.
 */
#define PAT_NEGATE 0x1u
#define PAT_DIR_ONLY 0x2u
#define PAT_BASENAME 0x4u
#define PAT_ENDSWITH 0x8u /* "*literal": a suffix compare is enough */

/* Buckets by the last byte a matching path must end with; the last one is "any byte". */
#define BUCKET_ANY 256
#define NBUCKETS 257

/*
 * A hostile pattern such as "*a*a*a*a*a*b" costs O(n^k); past this many steps
 * it does not match. Real patterns on real paths take a few hundred.
 */
#define WILDMATCH_BUDGET 100000L
/* Patterns kept per list; a real .gitignore has hundreds, git sets no limit. */
#define IGNORE_MAX_PATTERNS 100000

struct ignore_pattern {
	char *text;      /* without the leading '!' and the trailing '/' */
	size_t len;      /* strlen(text) */
	size_t prefix;   /* length of the leading part without any of "*?[\\" */
	unsigned flags;  /* PAT_* */
	unsigned bucket; /* last byte a match must end with, or BUCKET_ANY */
};

struct ignore_list {
	VEC(struct ignore_pattern) pats;
	unsigned *order;           /* pattern indices grouped by bucket, each group descending */
	size_t start[NBUCKETS + 1]; /* group b is order[start[b] .. start[b + 1]) */
	size_t dropped;             /* patterns past IGNORE_MAX_PATTERNS */
	bool indexed;
};

enum wm_result {
	WM_MATCH = 0,
	WM_NOMATCH = 1,
	WM_ABORT_ALL = -1,
	WM_ABORT_TO_STARSTAR = -2,
};

struct wm_state {
	long budget;
	bool pathname;
};

static bool
is_glob_special(unsigned char c)
{
	return c == '*' || c == '?' || c == '[' || c == '\\';
}

/* ASCII character classes, as git's sane_ctype (locale-independent). */
static int
class_test(const unsigned char *s, size_t n, unsigned char c)
{
#define CC_IS(name) (n == sizeof(name) - 1 && memcmp(s, name, n) == 0)
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9';
	bool alpha = upper || lower;
	bool punct = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
		     (c >= 123 && c <= 126);

	if (CC_IS("alnum"))
		return alpha || digit;
	if (CC_IS("alpha"))
		return alpha;
	if (CC_IS("blank"))
		return c == ' ' || c == '\t';
	if (CC_IS("cntrl"))
		return c < 32 || c == 127;
	if (CC_IS("digit"))
		return digit;
	if (CC_IS("graph"))
		return c >= 33 && c <= 126;
	if (CC_IS("lower"))
		return lower;
	if (CC_IS("print"))
		return c >= 32 && c <= 126;
	if (CC_IS("punct"))
		return punct;
	if (CC_IS("space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (CC_IS("upper"))
		return upper;
	if (CC_IS("xdigit"))
		return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	return -1;
#undef CC_IS
}

/*
 * One bracket expression at *pp (just past '['), tested against t. On return
 * *pp points at the closing ']'. Same reading as git's wildmatch: the first
 * character (after '!' or '^') may be ']', "a-z" ranges, '\' escapes,
 * [:class:]; an unterminated class aborts the whole match.
 */
static int
wm_class(const unsigned char **pp, unsigned char t, bool pathname)
{
	const unsigned char *p = *pp;
	unsigned char pc = *p, prev = 0;
	int matched = 0, negated = 0;

	if (pc == '!' || pc == '^') {
		negated = 1;
		pc = *++p;
	}
	do {
		if (pc == '\0')
			return WM_ABORT_ALL;
		if (pc == '\\') {
			pc = *++p;
			if (pc == '\0')
				return WM_ABORT_ALL;
			if (t == pc)
				matched = 1;
		} else if (pc == '-' && prev && p[1] && p[1] != ']') {
			pc = *++p;
			if (pc == '\\') {
				pc = *++p;
				if (pc == '\0')
					return WM_ABORT_ALL;
			}
			if (t <= pc && t >= prev)
				matched = 1;
			pc = 0; /* a range cannot start another range */
		} else if (pc == '[' && p[1] == ':') {
			const unsigned char *s = p + 2;
			int r;

			for (p = s; *p && *p != ']'; p++)
				;
			if (*p == '\0')
				return WM_ABORT_ALL;
			if (p - s < 1 || p[-1] != ':') {
				/* no ":]": an ordinary '[' member */
				p = s - 2;
				pc = '[';
				if (t == pc)
					matched = 1;
				continue;
			}
			r = class_test(s, (size_t)(p - s - 1), t);
			if (r < 0)
				return WM_ABORT_ALL; /* unknown [:class:] */
			if (r)
				matched = 1;
			pc = 0;
		} else if (t == pc) {
			matched = 1;
		}
	} while (prev = pc, (pc = *++p) != ']');
	*pp = p;
	if (matched == negated || (pathname && t == '/'))
		return WM_NOMATCH;
	return WM_MATCH;
}

static int
wm_match(struct wm_state *w, const unsigned char *p, const unsigned char *text)
{
	const unsigned char *pattern = p;

	for (; *p != '\0'; text++, p++) {
		unsigned char pc = *p, tc = *text;
		int r, match_slash;

		if (--w->budget < 0)
			return WM_ABORT_ALL;
		if (tc == '\0' && pc != '*')
			return WM_ABORT_ALL;
		if (pc == '?') {
			if (w->pathname && tc == '/')
				return WM_NOMATCH;
			continue;
		}
		if (pc == '[') {
			p++;
			r = wm_class(&p, tc, w->pathname);
			if (r != WM_MATCH)
				return r;
			continue;
		}
		if (pc != '*') {
			if (pc == '\\')
				pc = *++p; /* a '\0' here differs from tc: p stays in bounds */
			if (tc != pc)
				return WM_NOMATCH;
			continue;
		}
		/* '*' or a run of them */
		if (*++p == '*') {
			const unsigned char *prev_p = p - 2;

			while (*++p == '*')
				;
			if ((prev_p < pattern || *prev_p == '/') &&
			    (*p == '\0' || *p == '/' || (p[0] == '\\' && p[1] == '/'))) {
				/* "**" as a whole component: it may match no folder at all */
				if (p[0] == '/' && wm_match(w, p + 1, text) == WM_MATCH)
					return WM_MATCH;
				match_slash = 1;
			} else {
				match_slash = !w->pathname;
			}
		} else {
			match_slash = !w->pathname;
		}
		if (*p == '\0') {
			if (!match_slash && strchr((const char *)text, '/') != NULL)
				return WM_NOMATCH;
			return WM_MATCH;
		}
		if (!match_slash && *p == '/') {
			/* a single '*' followed by '/' matches the rest of this component */
			const char *slash = strchr((const char *)text, '/');

			if (slash == NULL)
				return WM_NOMATCH;
			text = (const unsigned char *)slash;
			continue; /* the loop step consumes the '/' of both */
		}
		for (;;) {
			if (tc == '\0')
				break;
			if (!is_glob_special(*p)) {
				/* skip ahead to the next occurrence of the literal that follows */
				unsigned char want = *p;

				while ((tc = *text) != '\0' && (match_slash || tc != '/')) {
					if (tc == want)
						break;
					text++;
					w->budget--;
				}
				if (tc != want)
					return WM_NOMATCH;
			}
			r = wm_match(w, p, text);
			if (r != WM_NOMATCH) {
				if (!match_slash || r != WM_ABORT_TO_STARSTAR)
					return r;
			} else if (!match_slash && tc == '/') {
				return WM_ABORT_TO_STARSTAR;
			}
			tc = *++text;
		}
		return WM_ABORT_ALL;
	}
	return *text != '\0' ? WM_NOMATCH : WM_MATCH;
}

/* wildmatch charging the steps taken to *work; nothing matches once it is spent. */
static bool
wildmatch_counted(const char *pattern, const char *text, bool pathname, long *work)
{
	long budget = *work < WILDMATCH_BUDGET ? *work : WILDMATCH_BUDGET;
	struct wm_state w = {budget, pathname};
	int r;

	if (budget <= 0)
		return false;
	r = wm_match(&w, (const unsigned char *)pattern, (const unsigned char *)text);
	*work -= budget - (w.budget > 0 ? w.budget : 0);
	return r == WM_MATCH;
}

bool
ignore_wildmatch(const char *pattern, const char *text, bool pathname)
{
	long work = WILDMATCH_BUDGET;

	return wildmatch_counted(pattern, text, pathname, &work);
}

struct ignore_list *
ignore_list_new(void)
{
	return xcalloc(1, sizeof(struct ignore_list));
}

size_t
ignore_list_count(const struct ignore_list *l)
{
	return l->pats.len;
}

size_t
ignore_list_dropped(const struct ignore_list *l)
{
	return l->dropped;
}

/* Length of the line without trailing spaces, unless escaped (git's trim_trailing_spaces). */
static size_t
trim_trailing_spaces(const char *s, size_t len)
{
	size_t i, last_space = len;
	bool in_space = false;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			if (!in_space)
				last_space = i;
			in_space = true;
			continue;
		}
		if (s[i] == '\\') {
			i++;
			if (i >= len)
				return len;
		}
		in_space = false;
	}
	return in_space ? last_space : len;
}

static unsigned
pattern_bucket(const char *text, size_t len)
{
	unsigned char c;

	if (len == 0)
		return BUCKET_ANY;
	c = (unsigned char)text[len - 1];
	if (c == '*' || c == '?' || c == ']' || c == '\\')
		return BUCKET_ANY;
	return c;
}

void
ignore_list_add_line(struct ignore_list *l, const char *line, size_t len)
{
	struct ignore_pattern pat = {0};
	size_t i;

	if (len == 0 || line[0] == '#')
		return;
	if (line[len - 1] == '\r')
		len--;
	{
		/* git keeps patterns as C strings: a NUL byte ends the pattern */
		const char *nul = memchr(line, '\0', len);

		if (nul != NULL)
			len = (size_t)(nul - line);
	}
	len = trim_trailing_spaces(line, len);
	if (len > 0 && line[0] == '!') {
		pat.flags |= PAT_NEGATE;
		line++;
		len--;
	}
	if (len > 0 && line[len - 1] == '/') {
		pat.flags |= PAT_DIR_ONLY;
		len--;
	}
	if (len == 0)
		return; /* "", "!" and "/" match nothing in git either */
	if (memchr(line, '/', len) == NULL)
		pat.flags |= PAT_BASENAME;
	for (i = 0; i < len && !is_glob_special((unsigned char)line[i]); i++)
		;
	pat.prefix = i;
	if (line[0] == '*') {
		for (i = 1; i < len && !is_glob_special((unsigned char)line[i]); i++)
			;
		if (i == len)
			pat.flags |= PAT_ENDSWITH;
	}
	if (l->pats.len >= IGNORE_MAX_PATTERNS) {
		l->dropped++;
		return;
	}
	pat.text = xstrndup(line, len);
	pat.len = len;
	pat.bucket = pattern_bucket(pat.text, len);
	VEC_PUSH(&l->pats, pat);
	l->indexed = false;
}

void
ignore_list_add_text(struct ignore_list *l, const char *text, size_t len)
{
	size_t i, start = 0;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	for (i = start; i <= len; i++) {
		if (i == len || text[i] == '\n') {
			ignore_list_add_line(l, text + start, i - start);
			start = i + 1;
		}
	}
	ignore_list_compile(l);
}

void
ignore_list_compile(struct ignore_list *l)
{
	size_t count[NBUCKETS] = {0}, fill[NBUCKETS];
	size_t i, b, n = l->pats.len;

	free(l->order);
	l->order = xcalloc(n ? n : 1, sizeof(unsigned));
	for (i = 0; i < n; i++)
		count[l->pats.items[i].bucket]++;
	l->start[0] = 0;
	for (b = 0; b < NBUCKETS; b++) {
		l->start[b + 1] = l->start[b] + count[b];
		fill[b] = l->start[b];
	}
	for (i = n; i-- > 0;) {
		b = l->pats.items[i].bucket;
		l->order[fill[b]++] = (unsigned)i;
	}
	l->indexed = true;
}

/* git's match_basename / match_pathname with the list's folder as the base. */
static bool
pattern_matches(const struct ignore_pattern *p, const char *path, size_t len, const char *base,
		size_t baselen, bool is_dir, long *work)
{
	const char *pat = p->text, *name = path;
	size_t plen = p->len, prefix = p->prefix, namelen = len;

	if ((p->flags & PAT_DIR_ONLY) && !is_dir)
		return false;
	if (p->flags & PAT_BASENAME) {
		if (prefix == plen)
			return plen == baselen && memcmp(pat, base, baselen) == 0;
		if (p->flags & PAT_ENDSWITH)
			return plen - 1 <= baselen &&
			       memcmp(pat + 1, base + baselen - (plen - 1), plen - 1) == 0;
		return wildmatch_counted(pat, base, false, work);
	}
	if (*pat == '/') {
		pat++;
		plen--;
		prefix--;
	}
	if (prefix > 0) {
		if (prefix > namelen || memcmp(pat, name, prefix) != 0)
			return false;
		pat += prefix;
		plen -= prefix;
		name += prefix;
		namelen -= prefix;
		if (plen == 0 && namelen == 0)
			return true;
	}
	return wildmatch_counted(pat, name, true, work);
}

enum ignore_result
ignore_list_match(const struct ignore_list *l, const char *path, size_t len, bool is_dir)
{
	long work = LONG_MAX;

	return ignore_list_match_counted(l, path, len, is_dir, &work);
}

enum ignore_result
ignore_list_match_counted(const struct ignore_list *l, const char *path, size_t len, bool is_dir,
			  long *work)
{
	const struct ignore_pattern *pats = l->pats.items;
	const char *base = path;
	size_t i, baselen;

	for (i = len; i > 0; i--) {
		if (path[i - 1] == '/') {
			base = path + i;
			break;
		}
	}
	baselen = len - (size_t)(base - path);
	if (!l->indexed) {
		/* not compiled yet: plain scan from the last pattern */
		for (i = l->pats.len; i-- > 0;)
			if (pattern_matches(&pats[i], path, len, base, baselen, is_dir, work))
				return (pats[i].flags & PAT_NEGATE) ? IGNORE_INCLUDED
								    : IGNORE_EXCLUDED;
		return IGNORE_NONE;
	}
	{
		unsigned last = len ? (unsigned char)path[len - 1] : BUCKET_ANY;
		const unsigned *a = l->order + l->start[last], *ae = l->order + l->start[last + 1];
		const unsigned *b = l->order + l->start[BUCKET_ANY];
		const unsigned *be = l->order + l->start[BUCKET_ANY + 1];

		if (last == BUCKET_ANY)
			a = ae;
		/* both groups are in descending pattern order: merge them, first hit wins */
		while (a < ae || b < be) {
			unsigned idx;

			if (b >= be || (a < ae && *a > *b))
				idx = *a++;
			else
				idx = *b++;
			if (pattern_matches(&pats[idx], path, len, base, baselen, is_dir, work))
				return (pats[idx].flags & PAT_NEGATE) ? IGNORE_INCLUDED
								      : IGNORE_EXCLUDED;
		}
	}
	return IGNORE_NONE;
}

void
ignore_list_free(struct ignore_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->pats.len; i++)
		free(l->pats.items[i].text);
	VEC_FREE(&l->pats);
	free(l->order);
	free(l);
}
