/* Inline suppression directives: scanning files and applying them to findings. */
#define _GNU_SOURCE 1 /* memmem */
#include "report/suppress.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define NEXT_LINE "envlint-disable-next-line"
#define WHOLE_FILE "envlint-disable-file"

enum comment_style {
	COMMENT_HASH = 1u << 0,  /* # */
	COMMENT_SLASH = 1u << 1, /* // and block comments */
	COMMENT_DASH = 1u << 2,  /* -- */
	COMMENT_ANY = COMMENT_HASH | COMMENT_SLASH | COMMENT_DASH,
};

struct ext_style {
	const char *ext; /* file name suffix, or a whole base name */
	unsigned style;
};

static const struct ext_style ext_styles[] = {
	{".py", COMMENT_HASH},     {".pyi", COMMENT_HASH},     {".sh", COMMENT_HASH},
	{".bash", COMMENT_HASH},   {".zsh", COMMENT_HASH},     {".rb", COMMENT_HASH},
	{".yml", COMMENT_HASH},    {".yaml", COMMENT_HASH},    {".toml", COMMENT_HASH},
	{".txt", COMMENT_HASH},    {".cfg", COMMENT_HASH},     {".ini", COMMENT_HASH},
	{".r", COMMENT_HASH},      {".pl", COMMENT_HASH},      {".dockerfile", COMMENT_HASH},
	{"Dockerfile", COMMENT_HASH}, {"Procfile", COMMENT_HASH}, {"Gemfile", COMMENT_HASH},
	{"Pipfile", COMMENT_HASH}, {"Makefile", COMMENT_HASH},
	{".js", COMMENT_SLASH},    {".mjs", COMMENT_SLASH},    {".cjs", COMMENT_SLASH},
	{".jsx", COMMENT_SLASH},   {".ts", COMMENT_SLASH},     {".mts", COMMENT_SLASH},
	{".cts", COMMENT_SLASH},   {".tsx", COMMENT_SLASH},    {".go", COMMENT_SLASH},
	{".rs", COMMENT_SLASH},    {".java", COMMENT_SLASH},   {".kt", COMMENT_SLASH},
	{".kts", COMMENT_SLASH},   {".scala", COMMENT_SLASH},  {".c", COMMENT_SLASH},
	{".h", COMMENT_SLASH},     {".cc", COMMENT_SLASH},     {".cpp", COMMENT_SLASH},
	{".cs", COMMENT_SLASH},    {".swift", COMMENT_SLASH},  {".dart", COMMENT_SLASH},
	{".gradle", COMMENT_SLASH}, {".groovy", COMMENT_SLASH}, {".prisma", COMMENT_SLASH},
	{".php", COMMENT_SLASH | COMMENT_HASH},
	{".sql", COMMENT_DASH},    {".lua", COMMENT_DASH},     {".hs", COMMENT_DASH},
	{".json", 0},
};

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Which comment openers introduce a directive in path. Env files use `#`. */
static unsigned
style_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	if (strncmp(base, ".env", 4) == 0 || has_suffix(base, ".env"))
		return COMMENT_HASH;
	for (i = 0; i < sizeof(ext_styles) / sizeof(ext_styles[0]); i++) {
		const char *e = ext_styles[i].ext;

		if (e[0] == '.' ? has_suffix(base, e) : strcmp(base, e) == 0)
			return ext_styles[i].style;
	}
	return COMMENT_ANY;
}

bool
suppress_maybe(const char *data, size_t len)
{
	return data != NULL &&
	       memmem(data, len, SUPPRESS_DIRECTIVE, sizeof(SUPPRESS_DIRECTIVE) - 1) != NULL;
}

/*
 * Whether line[0..at) ends with a comment opener allowed by style (spaces
 * before the directive word are skipped). *alone is set when nothing but
 * blanks precedes the opener.
 */
static bool
opened_by_comment(const char *line, size_t at, unsigned style, bool *alone)
{
	size_t end = at, olen = 0;

	while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	if ((style & COMMENT_HASH) && end >= 1 && line[end - 1] == '#')
		olen = 1;
	else if ((style & COMMENT_SLASH) && end >= 2 && line[end - 2] == '/' &&
		 (line[end - 1] == '/' || line[end - 1] == '*'))
		olen = 2;
	else if ((style & COMMENT_SLASH) && end >= 3 && strncmp(line + end - 3, "/**", 3) == 0)
		olen = 3;
	else if ((style & COMMENT_DASH) && end >= 2 && line[end - 2] == '-' && line[end - 1] == '-')
		olen = 2;
	if (olen == 0)
		return false;
	end -= olen;
	while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	*alone = end == 0;
	return true;
}

static bool
is_rule_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

static void
add(struct suppress_list *sl, const char *path, int line, int col, int end_col, bool whole,
    const char *rule, size_t rlen)
{
	struct suppression *s = VEC_PUSH_ZERO(&sl->items);

	s->file = xstrdup(path);
	s->line = line;
	s->col = col;
	s->end_col = end_col;
	s->whole_file = whole;
	s->rule = rule ? xstrndup(rule, rlen) : NULL;
}

/*
 * Parse one line; returns true when it held a directive and nothing else
 * (a comment line of its own), so that a stacked next-line directive skips it.
 */
static bool
scan_line(struct suppress_list *sl, const char *path, unsigned style, const char *line,
	  size_t len, int lineno, bool *pending)
{
	const char *p = line, *end = line + len;
	bool only = false;

	while (p < end) {
		const char *hit = memmem(p, (size_t)(end - p), SUPPRESS_DIRECTIVE,
		                         sizeof(SUPPRESS_DIRECTIVE) - 1);
		const char *q;
		bool whole, alone = false;
		int col;

		if (hit == NULL)
			break;
		p = hit + sizeof(SUPPRESS_DIRECTIVE) - 1;
		if ((size_t)(end - hit) >= sizeof(NEXT_LINE) - 1 &&
		    memcmp(hit, NEXT_LINE, sizeof(NEXT_LINE) - 1) == 0) {
			whole = false;
			q = hit + sizeof(NEXT_LINE) - 1;
		} else if ((size_t)(end - hit) >= sizeof(WHOLE_FILE) - 1 &&
			   memcmp(hit, WHOLE_FILE, sizeof(WHOLE_FILE) - 1) == 0) {
			whole = true;
			q = hit + sizeof(WHOLE_FILE) - 1;
		} else {
			continue;
		}
		if (q < end && is_rule_char(*q))
			continue; /* envlint-disable-filex */
		if (!opened_by_comment(line, (size_t)(hit - line), style, &alone))
			continue;
		col = (int)(hit - line) + 1;
		if (alone)
			only = true;
		{
			size_t n0 = sl->items.len, k;

			while (q < end) {
				const char *r;

				while (q < end && (*q == ' ' || *q == '\t' || *q == ',' || *q == ':'))
					q++;
				if (q + 1 < end && q[0] == '-' && q[1] == '-')
					break; /* -- reason */
				if (q + 1 < end && q[0] == '*' && q[1] == '/')
					break;
				r = q;
				while (q < end && is_rule_char(*q))
					q++;
				if (q == r)
					break;
				/* Point at the rule id itself, so each one reads on its own. */
				add(sl, path, lineno, (int)(r - line) + 1, (int)(q - line), whole, r,
				    (size_t)(q - r));
			}
			if (sl->items.len == n0)
				add(sl, path, lineno, col, (int)(hit - line) + (int)(q - hit), whole,
				    NULL, 0);
			if (!whole) {
				for (k = n0; k < sl->items.len; k++)
					sl->items.items[k].target_line = -1; /* pending */
				*pending = true;
			}
		}
		p = q;
	}
	return only;
}

void
suppress_scan(struct suppress_list *sl, const char *path, const char *data, size_t len)
{
	unsigned style;
	size_t i, start = 0, first = sl->items.len;
	int lineno = 1;
	bool pending = false;

	/* Most files hold no directive: look for one before working out the comment style. */
	if (!suppress_maybe(data, len) || (style = style_of(path)) == 0)
		return;
	/* Lines end at LF, CRLF or a lone CR, as the dotenv scanners count them. */
	for (i = 0; i <= len; i++) {
		if (i < len && data[i] != '\n' && data[i] != '\r')
			continue;
		{
			bool had_pending = pending;
			bool only = scan_line(sl, path, style, data + start, i - start, lineno,
					      &pending);

			/* A line that is not a directive of its own is the target. */
			if (had_pending && !only) {
				size_t k;

				for (k = first; k < sl->items.len; k++) {
					struct suppression *s = &sl->items.items[k];

					if (s->target_line == -1 && s->line < lineno)
						s->target_line = lineno;
				}
				pending = false;
				for (k = first; k < sl->items.len; k++) {
					if (sl->items.items[k].target_line == -1)
						pending = true;
				}
			}
		}
		if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			i++;
		lineno++;
		start = i + 1;
	}
	for (i = first; i < sl->items.len; i++) {
		if (sl->items.items[i].target_line == -1)
			sl->items.items[i].target_line = 0; /* at the end of the file */
	}
}

size_t
suppress_apply(struct suppress_list *sl, struct finding_list *fl)
{
	size_t i, j, n = 0;

	for (i = 0; i < fl->items.len; i++) {
		struct finding *f = &fl->items.items[i];

		for (j = 0; j < sl->items.len; j++) {
			struct suppression *s = &sl->items.items[j];

			if (s->rule == NULL || strcmp(s->rule, f->rule) != 0 ||
			    f->loc.file == NULL || strcmp(s->file, f->loc.file) != 0)
				continue;
			if (!s->whole_file && (s->target_line == 0 || s->target_line != f->loc.line))
				continue;
			s->used = true;
			if (!f->suppressed)
				n++;
			f->suppressed = true;
		}
	}
	return n;
}

void
suppress_list_free(struct suppress_list *sl)
{
	size_t i;

	for (i = 0; i < sl->items.len; i++) {
		free(sl->items.items[i].file);
		free(sl->items.items[i].rule);
	}
	VEC_FREE(&sl->items);
}
