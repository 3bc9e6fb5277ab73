/*
 * The direct YAML loader: documents written in the YAML that rule packs,
 * .envlint.yml and most repository files use (block mappings and lists, flow
 * lists and mappings, one-line plain and quoted scalars, literal blocks,
 * comments) turned into nodes straight from the bytes. libyaml's scanner spends
 * about a hundred instructions a byte on the same documents, which made
 * loading the bundled rule packs most of an empty run.
 *
 * It gives up (-1) on anything outside that subset and on anything libyaml
 * would reject; yml_load_buffer then loads the document through libyaml, so
 * every error message is libyaml's. Where it succeeds, the tree must be the
 * one libyaml's events give, node for node, with the same positions (columns
 * in characters, as libyaml counts them): each rule below mirrors one of
 * libyaml 0.2.5's scanner, and tests/check_yaml.c and fuzz/fuzz_yaml.c
 * compare the two loaders.
 */
#include "config/yaml_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "util/vec.h"

/* libyaml drops a possible simple key 1024 characters after its start. */
#define DIRECT_MAX_KEY 1000

struct direct {
	const char *buf;
	const char *end;
	const char *p;        /* cursor */
	const char *line;     /* start of the cursor's line */
	int lineno;           /* 0-based line of the cursor */
	bool ascii;           /* no byte >= 0x80: a column is a byte offset */
	const char *ascii_to; /* the cursor's line is ASCII from its start to here */
	const char *col_at;   /* where column() last counted characters to, and */
	int col_count;        /* how many there are from its line's start */
	bool merge_keys;
	int max_depth;
	size_t max_nodes;
	int depth; /* collections open */
	size_t nodes;
	struct arena *arena;
	VEC(struct yml_node *) kids; /* children of the open collections, innermost last */
	struct buf text;             /* a scalar whose text is not a copy of its bytes */
};

/* The byte at p, or '\n' at the end of the input (libyaml's buffer ends in a break-like NUL). */
static char
at(const struct direct *d, const char *p)
{
	return p < d->end ? *p : '\n';
}

/* Whether c ends a token the way libyaml's IS_BLANKZ does (tabs are given up on elsewhere). */
static bool
blankz(char c)
{
	return c == ' ' || c == '\n';
}

/*
 * Length of the UTF-8 sequence at s that the direct loader reads as one
 * character, or 0. Invalid sequences and C1 controls are errors in libyaml;
 * NEL, LS and PS are line breaks to it and a BOM is skipped at a line start:
 * all left to libyaml.
 */
static size_t
utf8_char(const unsigned char *s, const unsigned char *e)
{
	size_t n = utf8_valid_len(s, (size_t)(e - s));

	if ((n == 2 && s[0] == 0xC2 && s[1] < 0xA0) ||
	    (n == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) ||
	    (n == 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ||
	    (n == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)))
		return 0;
	return n;
}

/* Whether one of the 8 bytes of w is neither printable ASCII nor a line break. */
static bool
unusual_bytes(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u, low7 = ~high;
	uint64_t low = w & low7, nl = w ^ ('\n' * ones);
	/* Per byte, exactly: DEL or above, below a space, a line break. */
	uint64_t del_up = (low + ones) | w;
	uint64_t control = ~(low + (0x80 - 0x20) * ones) & ~w;
	uint64_t newline = ~(((nl & low7) + low7) | nl);

	return ((del_up | (control & ~newline)) & high) != 0;
}

/*
 * Whether every byte reads as itself: printable ASCII, tab, LF and allowed
 * UTF-8 only (no CR, control byte or invalid sequence). Sets d->ascii.
 */
static bool
check_bytes(struct direct *d)
{
	const unsigned char *s = (const unsigned char *)d->buf, *e = (const unsigned char *)d->end;

	d->ascii = true;
	while (s < e) {
		uint64_t w;
		size_t n;

		if (e - s >= 8) {
			memcpy(&w, s, 8);
			if (!unusual_bytes(w)) {
				s += 8;
				continue;
			}
		}
		if (*s < 0x80) {
			if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7F)
				return false;
			s++;
			continue;
		}
		d->ascii = false;
		if ((n = utf8_char(s, e)) == 0)
			return false;
		s += n;
	}
	return true;
}

/* Whether a line starting at p starts with a document marker (--- or ...), left to libyaml. */
static bool
document_marker(const struct direct *d, const char *p)
{
	return d->end - p >= 3 && (p[0] == '-' || p[0] == '.') && p[1] == p[0] && p[2] == p[0];
}

/*
 * 0-based column of p, on the cursor's line, in characters. Where a line
 * holds only ASCII up to p (nearly always), that is p's offset; else the
 * count goes on from the previous node's, as nodes on a line are made left
 * to right (a long line of them costs its length once).
 */
static int
column(struct direct *d, const char *p)
{
	uint64_t w;

	if (d->ascii)
		return (int)(p - d->line);
	if (d->ascii_to < d->line)
		d->ascii_to = d->line;
	while (d->ascii_to < p && d->end - d->ascii_to >= 8 &&
	       (memcpy(&w, d->ascii_to, 8), (w & 0x8080808080808080u) == 0))
		d->ascii_to += 8;
	if (p <= d->ascii_to)
		return (int)(p - d->line);
	if (d->col_at < d->line || d->col_at > p) {
		d->col_at = d->line;
		d->col_count = 0;
	}
	for (; d->col_at < p; d->col_at++)
		d->col_count += ((unsigned char)*d->col_at & 0xC0) != 0x80;
	return d->col_count;
}

/* Move the cursor past the line break at p. */
static void
next_line(struct direct *d, const char *p)
{
	d->p = d->line = p + 1;
	d->lineno++;
}

/* A new node at 1-based line and col, or NULL past the node budget. */
static struct yml_node *
new_node(struct direct *d, enum yml_type type, int line, int col)
{
	struct yml_node *n;

	if (++d->nodes > d->max_nodes)
		return NULL;
	n = arena_alloc(d->arena, sizeof(*n));
	n->type = type;
	n->line = line;
	n->col = col;
	return n;
}

/* A new node starting at p on the cursor's line. */
static struct yml_node *
node_at(struct direct *d, enum yml_type type, const char *p)
{
	return new_node(d, type, d->lineno + 1, column(d, p) + 1);
}

/* Open a collection: -1 past the depth budget; *base is where its children start on kids. */
static int
open_collection(struct direct *d, size_t *base)
{
	if (d->depth >= d->max_depth)
		return -1;
	d->depth++;
	*base = d->kids.len;
	return 0;
}

/* Move the children pushed since base into n, as the event loader lays them out. */
static void
close_collection(struct direct *d, struct yml_node *n, size_t base)
{
	size_t count = d->kids.len - base, i;

	d->depth--;
	if (n->type == YML_SEQUENCE) {
		n->items = arena_alloc(d->arena, (count ? count : 1) * sizeof(*n->items));
		if (count)
			memcpy(n->items, d->kids.items + base, count * sizeof(*n->items));
		n->count = count;
	} else {
		n->count = count / 2;
		n->pairs = arena_alloc(d->arena, (n->count ? n->count : 1) * sizeof(*n->pairs));
		for (i = 0; i < n->count; i++) {
			n->pairs[i].key = d->kids.items[base + 2 * i];
			n->pairs[i].value = d->kids.items[base + 2 * i + 1];
		}
	}
	d->kids.len = base;
}

/* A scalar node holding text[0..len). */
static struct yml_node *
scalar(struct direct *d, const char *start, enum yml_style style, const char *text, size_t len)
{
	struct yml_node *n = node_at(d, YML_SCALAR, start);

	if (n == NULL)
		return NULL;
	n->style = style;
	n->text = arena_strndup(d->arena, text, len);
	n->len = len;
	return n;
}

/*
 * Whether a plain scalar starts at p. libyaml also starts one at '?' or ':'
 * before a non-blank, and in lists at '-' before a flow indicator: given up on.
 */
static bool
plain_start(const struct direct *d, const char *p, bool flow)
{
	char next = at(d, p + 1);

	if (*p == '-')
		return !blankz(next) && next != '\t' && !(flow && strchr(",[]{}", next) != NULL);
	return strchr(" \t\n-?:,[]{}#&*!|>'\"%@`", *p) == NULL;
}

/* Bytes a plain scalar looks at: PLAIN_BLOCK everywhere, PLAIN_FLOW inside [] and {}. */
enum {
	PLAIN_BLOCK = 1,
	PLAIN_FLOW = 2,
};

static const unsigned char plain_stops[256] = {
    ['\n'] = PLAIN_BLOCK, ['\t'] = PLAIN_BLOCK, [' '] = PLAIN_BLOCK,
    [':'] = PLAIN_BLOCK,  [','] = PLAIN_FLOW,   ['['] = PLAIN_FLOW,
    [']'] = PLAIN_FLOW,   ['{'] = PLAIN_FLOW,   ['}'] = PLAIN_FLOW,
};

/*
 * The one-line plain scalar at the cursor. It ends at ": ", " #", the end of
 * the line and, inside [] or {}, at a flow indicator; trailing spaces are not
 * part of it. The cursor stops after its last character.
 */
static struct yml_node *
plain_scalar(struct direct *d, bool flow)
{
	const char *s = d->p, *q = s, *last = s;
	unsigned stops = flow ? PLAIN_BLOCK | PLAIN_FLOW : PLAIN_BLOCK;

	while (q < d->end) {
		char c = *q;

		if ((plain_stops[(unsigned char)c] & stops) == 0) {
			last = ++q;
			continue;
		}
		if (c == ' ') {
			const char *r = q;

			while (r < d->end && *r == ' ')
				r++;
			if (r == d->end || *r == '\n' || *r == '#')
				break;
			q = r;
			continue;
		}
		if (c == ':') {
			char next = at(d, q + 1);

			if (blankz(next))
				break;
			/* libyaml: "found unexpected ':'"; a tab after it is given up on. */
			if (next == '\t' || (flow && strchr(",?[]{}", next) != NULL))
				return NULL;
			last = ++q;
			continue;
		}
		if (c == '\t')
			return NULL;
		break; /* a line break, or a flow indicator inside [] or {} */
	}
	if (last == s)
		return NULL;
	d->p = last;
	return scalar(d, s, YML_PLAIN, s, (size_t)(last - s));
}

/*
 * Decode the escapes of a double-quoted scalar's text s[0..e) into b, as
 * libyaml does; -1 for an escape it rejects.
 */
static int
unescape(struct buf *b, const char *s, const char *e)
{
	static const char simple_from[] = "0abt\tnvfre \"/\\";
	static const char simple_to[] = "\0\a\b\t\t\n\v\f\r\x1B \"/\\";

	while (s < e) {
		const char *hit = memchr(s, '\\', (size_t)(e - s));
		size_t digits = 0, k;
		unsigned long cp;
		char hex[9];

		if (hit != s) {
			hit = hit ? hit : e;
			buf_add(b, s, (size_t)(hit - s));
			s = hit;
			continue;
		}
		s++;
		hit = memchr(simple_from, *s, sizeof(simple_from) - 1);
		if (hit != NULL) {
			buf_putc(b, simple_to[hit - simple_from]);
			s++;
			continue;
		}
		switch (*s) {
		case 'N':
			buf_add(b, "\xC2\x85", 2);
			break;
		case '_':
			buf_add(b, "\xC2\xA0", 2);
			break;
		case 'L':
			buf_add(b, "\xE2\x80\xA8", 3);
			break;
		case 'P':
			buf_add(b, "\xE2\x80\xA9", 3);
			break;
		case 'x':
			digits = 2;
			break;
		case 'u':
			digits = 4;
			break;
		case 'U':
			digits = 8;
			break;
		default:
			return -1;
		}
		s++;
		if (digits == 0)
			continue;
		if ((size_t)(e - s) < digits)
			return -1;
		memcpy(hex, s, digits);
		hex[digits] = '\0';
		for (k = 0; k < digits; k++)
			if (!isxdigit((unsigned char)hex[k]))
				return -1;
		cp = strtoul(hex, NULL, 16);
		if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return -1;
		utf8_put(b, cp);
		s += digits;
	}
	return 0;
}

/*
 * The end of the one-line quoted scalar whose opening quote is at s: its
 * closing quote, or NULL when it goes past its line. *plain: no '' or
 * escape, so its text is its bytes.
 */
static const char *
closing_quote(const struct direct *d, const char *s, bool *plain)
{
	const char *q = s + 1, *hit;

	*plain = true;
	for (;;) {
		hit = memchr(q, *s, (size_t)(d->end - q));
		if (hit == NULL || memchr(q, '\n', (size_t)(hit - q)) != NULL)
			return NULL; /* a scalar over several lines, or unterminated */
		if (*s == '"' && memchr(q, '\\', (size_t)(hit - q)) != NULL)
			break;
		if (*s == '"' || at(d, hit + 1) != '\'')
			return hit;
		*plain = false; /* '' stands for ' */
		q = hit + 2;
	}
	/* Escapes: one at a time, as an escaped quote does not close. */
	*plain = false;
	for (; q < d->end && *q != '\n'; q++) {
		if (*q == '"')
			return q;
		if (*q == '\\' && at(d, ++q) == '\n')
			return NULL; /* an escaped line break, or the end */
	}
	return NULL;
}

/* The one-line single- or double-quoted scalar at the cursor; the cursor stops after it. */
static struct yml_node *
quoted_scalar(struct direct *d)
{
	const char *s = d->p, *q, *r, *hit;
	enum yml_style style = *s == '"' ? YML_DOUBLE_QUOTED : YML_SINGLE_QUOTED;
	bool plain;

	q = closing_quote(d, s, &plain);
	if (q == NULL)
		return NULL;
	d->p = q + 1;
	if (plain)
		return scalar(d, s, style, s + 1, (size_t)(q - s - 1));
	buf_reset(&d->text);
	if (style == YML_DOUBLE_QUOTED) {
		if (unescape(&d->text, s + 1, q) < 0)
			return NULL;
	} else {
		for (r = s + 1; (hit = memchr(r, '\'', (size_t)(q - r))) != NULL; r = hit + 2)
			buf_add(&d->text, r, (size_t)(hit - r + 1));
		buf_add(&d->text, r, (size_t)(q - r));
	}
	return scalar(d, s, style, d->text.data ? d->text.data : "", d->text.len);
}

/* Skip a comment at p (which must follow a space or start a line) to its line break. */
static const char *
skip_comment(const struct direct *d, const char *p)
{
	const char *nl = memchr(p, '\n', (size_t)(d->end - p));

	return nl ? nl : d->end;
}

/* After a value: spaces and a comment to the end of the line, then the next line. */
static int
end_line(struct direct *d)
{
	const char *p = d->p;

	while (p < d->end && *p == ' ')
		p++;
	if (p < d->end && *p == '#' && p[-1] == ' ')
		p = skip_comment(d, p);
	if (p == d->end) {
		d->p = d->line = p;
		return 0;
	}
	if (*p != '\n')
		return -1;
	next_line(d, p);
	return 0;
}

/*
 * Move to the first character of the next line holding more than spaces and
 * a comment, from the start of the cursor's line (only spaces may precede the
 * cursor on it). *col is that character's column, or -1 at the end.
 */
static int
next_content(struct direct *d, int *col)
{
	const char *p = d->line;

	for (;;) {
		const char *s = p;

		while (p < d->end && *p == ' ')
			p++;
		if (p < d->end && *p == '#')
			p = skip_comment(d, p);
		if (p == d->end) {
			d->p = p;
			*col = -1;
			return 0;
		}
		if (*p == '\n') {
			next_line(d, p);
			p = d->p;
			continue;
		}
		/* libyaml refuses tabs in indentation. */
		if (*p == '\t' || (p == s && document_marker(d, p)))
			return -1;
		d->p = p;
		*col = (int)(p - s);
		return 0;
	}
}

/* Whether the cursor is at a block list entry ("- " or "-" at the end of a line). */
static bool
at_entry(const struct direct *d)
{
	return *d->p == '-' && blankz(at(d, d->p + 1));
}

/*
 * Spaces and line breaks inside [] or {}, with comments. libyaml takes a '#'
 * right after a token for a comment too; that is given up on.
 */
static int
flow_space(struct direct *d)
{
	const char *p = d->p;

	for (;;) {
		while (p < d->end && *p == ' ')
			p++;
		if (p == d->end || *p == '\t')
			return -1;
		if (*p == '#') {
			if (p[-1] != ' ' && p[-1] != '\n')
				return -1;
			p = skip_comment(d, p);
			if (p == d->end)
				return -1;
		}
		if (*p != '\n')
			break;
		next_line(d, p);
		p = d->p;
		if (document_marker(d, p))
			return -1;
	}
	d->p = p;
	return 0;
}

static int flow_collection(struct direct *d, struct yml_node **out);

/* A node inside [] or {}: a nested collection or a one-line scalar. */
static int
flow_node(struct direct *d, struct yml_node **out)
{
	char c = *d->p;

	if (c == '[' || c == '{')
		return flow_collection(d, out);
	if (c == '\'' || c == '"')
		*out = quoted_scalar(d);
	else if (plain_start(d, d->p, true))
		*out = plain_scalar(d, true);
	else
		return -1;
	return *out != NULL ? 0 : -1;
}

/* Whether key is a plain `<<`, a merge key when aliases are allowed. */
static bool
merge_key(const struct direct *d, const struct yml_node *key)
{
	return d->merge_keys && key->type == YML_SCALAR && key->style == YML_PLAIN &&
	       key->len == 2 && memcmp(key->text, "<<", 2) == 0;
}

/*
 * The [..] or {..} at the cursor. Entries are separated by commas (one
 * trailing comma allowed); a mapping's keys are one-line scalars followed by
 * ": " on their line, and every value is written out (no empty ones).
 */
static int
flow_collection(struct direct *d, struct yml_node **out)
{
	bool map = *d->p == '{';
	char close = map ? '}' : ']';
	struct yml_node *n, *key, *value;
	size_t base;

	n = node_at(d, map ? YML_MAPPING : YML_SEQUENCE, d->p);
	if (n == NULL || open_collection(d, &base) < 0)
		return -1;
	n->flow = true;
	d->p++;
	if (flow_space(d) < 0)
		return -1;
	while (*d->p != close) {
		if (map) {
			const char *start = d->p;

			if (*d->p == '[' || *d->p == '{' || flow_node(d, &key) < 0 ||
			    merge_key(d, key))
				return -1;
			while (d->p < d->end && *d->p == ' ')
				d->p++;
			if (at(d, d->p) != ':' || !blankz(at(d, d->p + 1)) ||
			    d->p - start > DIRECT_MAX_KEY)
				return -1;
			d->p++;
			VEC_PUSH(&d->kids, key);
			if (flow_space(d) < 0 || *d->p == ',' || *d->p == close)
				return -1;
		}
		if (flow_node(d, &value) < 0)
			return -1;
		VEC_PUSH(&d->kids, value);
		if (flow_space(d) < 0)
			return -1;
		if (*d->p == ',') {
			d->p++;
			if (flow_space(d) < 0 || *d->p == ',')
				return -1;
		} else if (*d->p != close) {
			return -1;
		}
	}
	d->p++;
	close_collection(d, n, base);
	*out = n;
	return 0;
}

/*
 * Eat the indentation and empty lines before a literal block's next line, as
 * libyaml's scan_block_scalar_breaks does: *breaks counts the empty lines; an
 * *indent of 0 is set from the first line with content (at least
 * parent_indent + 1). The cursor stops at the first character past the
 * indentation.
 */
static int
literal_breaks(struct direct *d, int parent_indent, int *indent, size_t *breaks)
{
	const char *p = d->line;
	int max = 0;

	for (;;) {
		int col = 0;

		while ((*indent == 0 || col < *indent) && p < d->end && *p == ' ')
			p++, col++;
		if (col > max)
			max = col;
		if ((*indent == 0 || col < *indent) && p < d->end && *p == '\t')
			return -1;
		if (p == d->end || *p != '\n')
			break;
		next_line(d, p);
		p = d->p;
		(*breaks)++;
	}
	d->p = p;
	if (*indent == 0) {
		*indent = max > parent_indent + 1 ? max : parent_indent + 1;
		if (*indent < 1)
			*indent = 1;
	}
	return 0;
}

/*
 * The literal block scalar (|, |- or |+) at the cursor, inside a block
 * collection indented parent_indent (libyaml's parser->indent). Its lines are
 * those indented at least as deep as its first; it ends at the start of the
 * first line that is not, for the caller's next_content.
 */
static int
literal_scalar(struct direct *d, int parent_indent, struct yml_node **out)
{
	struct yml_node *n = node_at(d, YML_SCALAR, d->p);
	const char *p = d->p + 1;
	int chomp = 0, indent = 0;
	size_t breaks = 0;
	bool leading_break = false;

	if (n == NULL)
		return -1;
	if (at(d, p) == '+' || at(d, p) == '-')
		chomp = *p++ == '+' ? 1 : -1;
	while (p < d->end && *p == ' ')
		p++;
	if (p < d->end && *p == '#' && p[-1] == ' ')
		p = skip_comment(d, p);
	if (p < d->end && *p != '\n')
		return -1; /* an indentation digit, or text after the indicator */
	if (p < d->end)
		next_line(d, p);
	else
		d->p = d->line = p;
	buf_reset(&d->text);
	if (literal_breaks(d, parent_indent, &indent, &breaks) < 0)
		return -1;
	while (d->p < d->end && d->p - d->line == indent) {
		const char *nl = memchr(d->p, '\n', (size_t)(d->end - d->p));
		const char *e = nl ? nl : d->end;

		if (leading_break)
			buf_putc(&d->text, '\n');
		for (; breaks > 0; breaks--)
			buf_putc(&d->text, '\n');
		buf_add(&d->text, d->p, (size_t)(e - d->p));
		leading_break = nl != NULL;
		if (nl != NULL)
			next_line(d, nl);
		else
			d->p = d->line = d->end;
		if (literal_breaks(d, parent_indent, &indent, &breaks) < 0)
			return -1;
	}
	if (chomp != -1 && leading_break)
		buf_putc(&d->text, '\n');
	if (chomp == 1)
		for (; breaks > 0; breaks--)
			buf_putc(&d->text, '\n');
	n->style = YML_LITERAL;
	n->len = d->text.len;
	n->text = arena_strndup(d->arena, d->text.data ? d->text.data : "", d->text.len);
	d->p = d->line;
	*out = n;
	return 0;
}

/*
 * The scalar at the cursor, block context, and whether ": " follows it on
 * its line (then it is a key and the cursor is at the ':').
 */
static int
block_scalar_or_key(struct direct *d, struct yml_node **out, bool *key)
{
	const char *start = d->p, *p;

	if (*d->p == '\'' || *d->p == '"')
		*out = quoted_scalar(d);
	else if (plain_start(d, d->p, false))
		*out = plain_scalar(d, false);
	else
		return -1;
	if (*out == NULL)
		return -1;
	for (p = d->p; p < d->end && *p == ' ';)
		p++;
	*key = at(d, p) == ':' && p < d->end && blankz(at(d, p + 1));
	if (*key) {
		if (p - start > DIRECT_MAX_KEY || merge_key(d, *out))
			return -1;
		d->p = p;
	}
	return 0;
}

static int block_mapping(struct direct *d, struct yml_node *key, int indent, struct yml_node **out);
static int block_sequence(struct direct *d, int col, bool indentless, struct yml_node **out);

/*
 * The node at the cursor in a block collection indented parent_indent: a
 * flow collection, a literal block, a scalar or, when allow_key and the
 * scalar is followed by ": ", a block mapping with its first key there.
 * Ends at the start of a line, for next_content.
 */
static int
block_node(struct direct *d, int parent_indent, bool allow_key, struct yml_node **out)
{
	struct yml_node *n;
	bool key;

	switch (*d->p) {
	case '-':
		if (!at_entry(d))
			break;
		if (!allow_key)
			return -1; /* "a: - b" */
		return block_sequence(d, column(d, d->p), false, out);
	case '[':
	case '{':
		if (flow_collection(d, out) < 0)
			return -1;
		return end_line(d);
	case '|':
		return literal_scalar(d, parent_indent, out);
	default:
		break;
	}
	if (block_scalar_or_key(d, &n, &key) < 0)
		return -1;
	if (!key) {
		*out = n;
		return end_line(d);
	}
	if (!allow_key)
		return -1; /* "a: b: c" */
	return block_mapping(d, n, n->col - 1, out);
}

/*
 * The value after the ':' at the cursor of a block mapping indented indent:
 * on the key's line, on the lines below (deeper, or a list at the key's own
 * column), or an empty scalar just after the ':' as libyaml places it.
 */
static int
block_value(struct direct *d, int indent, struct yml_node **out)
{
	const char *colon = d->p, *p = d->p + 1;
	int line = d->lineno + 1, col = column(d, colon) + 2, next;

	while (p < d->end && *p == ' ')
		p++;
	d->p = p;
	if (at(d, p) != '\n' && *p != '#')
		return block_node(d, indent, false, out);
	if (end_line(d) < 0 || next_content(d, &next) < 0)
		return -1;
	if (next > indent)
		return block_node(d, indent, true, out);
	if (next == indent && at_entry(d))
		return block_sequence(d, next, true, out);
	*out = new_node(d, YML_SCALAR, line, col);
	if (*out == NULL)
		return -1;
	(*out)->text = "";
	return 0;
}

/*
 * A block mapping at column indent whose first key is parsed, with the
 * cursor at its ':'. Ends at the first line (after the start of which the
 * cursor stays) indented less, or at the end.
 */
static int
block_mapping(struct direct *d, struct yml_node *key, int indent, struct yml_node **out)
{
	struct yml_node *n = new_node(d, YML_MAPPING, key->line, key->col), *value;
	size_t base;
	int col;
	bool is_key;

	if (n == NULL || open_collection(d, &base) < 0)
		return -1;
	for (;;) {
		VEC_PUSH(&d->kids, key);
		if (block_value(d, indent, &value) < 0)
			return -1;
		VEC_PUSH(&d->kids, value);
		if (next_content(d, &col) < 0)
			return -1;
		if (col < indent)
			break;
		if (col > indent || at_entry(d) || block_scalar_or_key(d, &key, &is_key) < 0 ||
		    !is_key)
			return -1;
	}
	close_collection(d, n, base);
	*out = n;
	return 0;
}

/*
 * A block list whose first '-' is at the cursor, column col. An indentless
 * list (written at its parent key's column) ends at a line at that column
 * that is not an entry; others may not have one.
 */
static int
block_sequence(struct direct *d, int col, bool indentless, struct yml_node **out)
{
	struct yml_node *n = node_at(d, YML_SEQUENCE, d->p), *item;
	size_t base;
	int next;

	if (n == NULL || open_collection(d, &base) < 0)
		return -1;
	for (;;) {
		d->p++;
		while (d->p < d->end && *d->p == ' ')
			d->p++;
		if (at(d, d->p) != '\n' && *d->p != '#') {
			/* Compact nested lists ("- - a") are left to libyaml. */
			if (at_entry(d) || block_node(d, col, true, &item) < 0)
				return -1;
		} else {
			/* An empty entry is left to libyaml. */
			if (end_line(d) < 0 || next_content(d, &next) < 0 || next <= col ||
			    block_node(d, col, true, &item) < 0)
				return -1;
		}
		VEC_PUSH(&d->kids, item);
		if (next_content(d, &next) < 0)
			return -1;
		if (next < col)
			break;
		if (next > col)
			return -1;
		if (!at_entry(d)) {
			if (indentless)
				break;
			return -1;
		}
	}
	close_collection(d, n, base);
	*out = n;
	return 0;
}

int
yml_direct_load(struct arena *arena, const char *buf, size_t len, int max_depth, size_t max_nodes,
                bool merge_keys, struct yml_node **root)
{
	struct direct d;
	struct yml_node *key, *n = NULL;
	int col, rc = -1;
	bool is_key;

	memset(&d, 0, sizeof(d));
	d.buf = d.p = d.line = d.ascii_to = d.col_at = buf;
	d.end = buf + len;
	d.arena = arena;
	d.max_depth = max_depth;
	d.max_nodes = max_nodes;
	d.merge_keys = merge_keys;
	if (!check_bytes(&d) || next_content(&d, &col) < 0)
		goto cleanup;
	/* The document is a block mapping starting at column 0, or empty. */
	if (col == 0 && block_scalar_or_key(&d, &key, &is_key) == 0 && is_key &&
	    block_mapping(&d, key, 0, &n) == 0 && d.p == d.end)
		rc = 0;
	else if (col < 0)
		rc = 0;
	if (rc == 0)
		*root = n;
cleanup:
	VEC_FREE(&d.kids);
	buf_free(&d.text);
	return rc;
}
