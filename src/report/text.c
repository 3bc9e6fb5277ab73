/* The human-readable report: path:line:col: severity [rule] message, a code
 * frame with a caret, related locations, and a summary line. */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

/* Longest source line shown in a code frame; longer lines are cut around the column. */
#define FRAME_MAX_COLS 160

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_GREEN "\033[32m"

static const char *
severity_color(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return C_RED;
	case SEV_WARNING: return C_YELLOW;
	default: return C_CYAN;
	}
}

static void
put_color(struct buf *out, const struct report_opts *o, const char *code)
{
	if (o->color)
		buf_puts(out, code);
}

/* Append text, replacing control bytes so a hostile file cannot drive the terminal. */
static void
put_sanitized(struct buf *out, const char *s, size_t n)
{
	size_t i, run = 0; /* s[run, i) is still to be copied as is */

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			buf_add(out, s + run, i - run);
			buf_putc(out, '?');
			run = i + 1;
		}
	}
	buf_add(out, s + run, n - run);
}

/*
 * The offset in the redacted line of byte offset off of the original: before
 * the first masked byte nothing moves, after the last one everything moves by
 * the length difference, and inside a masked part it points at the mask.
 */
static size_t
map_column(const char *orig, const char *red, size_t off)
{
	size_t olen = strlen(orig), rlen = strlen(red), pre = 0, suf = 0;

	while (pre < olen && pre < rlen && orig[pre] == red[pre])
		pre++;
	while (suf < olen - pre && suf < rlen - pre && orig[olen - 1 - suf] == red[rlen - 1 - suf])
		suf++;
	if (off <= pre)
		return off;
	if (off >= olen - suf)
		return off - (olen - suf) + (rlen - suf) > rlen ? rlen
							       : off - (olen - suf) + (rlen - suf);
	return pre;
}

static void
write_frame(struct buf *out, const struct finding *f, const struct report_opts *o)
{
	char *raw, *line;
	size_t len, start = 0, end, i, col0, end_col;
	int caret_len;
	char gutter[32];

	if (f->loc.line < 1 || o->root == NULL)
		return;
	raw = report_line(o, f->loc.file, f->loc.line);
	if (raw == NULL)
		return;
	line = report_redact(o, f->loc.file, raw);
	len = strlen(line);
	/* Columns are 1-based byte offsets into the original line; map them onto
	 * the redacted one, which differs only where a secret was masked. */
	col0 = map_column(raw, line, f->loc.col > 0 ? (size_t)f->loc.col - 1 : 0);
	end_col = f->loc.end_col > 0 ? map_column(raw, line, (size_t)f->loc.end_col) : 0;
	free(raw);
	end = len;
	if (len > FRAME_MAX_COLS) {
		start = col0 > FRAME_MAX_COLS / 2 ? col0 - FRAME_MAX_COLS / 2 : 0;
		while (start > 0 && ((unsigned char)line[start] & 0xc0) == 0x80)
			start--;
		end = start + FRAME_MAX_COLS < len ? start + FRAME_MAX_COLS : len;
		while (end < len && ((unsigned char)line[end] & 0xc0) == 0x80)
			end++;
	}
	snprintf(gutter, sizeof(gutter), "%d", f->loc.line);
	buf_printf(out, " %s | ", gutter);
	if (start > 0)
		buf_puts(out, "...");
	put_sanitized(out, line + start, end - start);
	if (end < len)
		buf_puts(out, "...");
	buf_putc(out, '\n');

	buf_printf(out, " %*s | ", (int)strlen(gutter), "");
	if (start > 0)
		buf_puts(out, "   ");
	for (i = start; i < col0 && i < end; i++) {
		if (line[i] == '\t')
			buf_putc(out, '\t');
		else if (((unsigned char)line[i] & 0xc0) != 0x80)
			buf_putc(out, ' ');
	}
	caret_len = 1;
	if (f->loc.end_line == f->loc.line && f->loc.end_col >= f->loc.col && f->loc.col > 0) {
		size_t e = end_col < end ? end_col : end;

		if (e > col0)
			caret_len = utf8_columns(line + col0, e - col0);
	} else if (end > col0) {
		caret_len = utf8_columns(line + col0, end - col0);
	}
	if (caret_len < 1)
		caret_len = 1;
	put_color(out, o, severity_color(f->severity));
	buf_putc(out, '^');
	for (i = 1; i < (size_t)caret_len; i++)
		buf_putc(out, '~');
	put_color(out, o, C_RESET);
	buf_putc(out, '\n');
	free(line);
}

static void
write_location(struct buf *out, const struct location *l)
{
	/* A file name is repository content: no control byte reaches the terminal. */
	put_sanitized(out, l->file, strlen(l->file));
	if (l->line > 0) {
		buf_printf(out, ":%d", l->line);
		if (l->col > 0)
			buf_printf(out, ":%d", l->col);
	}
}

void
report_text(struct buf *out, const struct finding_list *fl, const struct report_opts *o)
{
	size_t i, j, counts[3] = {0, 0, 0}, shown = 0;

	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		char *msg;

		if (f->suppressed)
			continue;
		shown++;
		if (f->severity <= SEV_ERROR)
			counts[f->severity]++;
		put_color(out, o, C_BOLD);
		write_location(out, &f->loc);
		buf_puts(out, ":");
		put_color(out, o, C_RESET);
		buf_putc(out, ' ');
		put_color(out, o, severity_color(f->severity));
		buf_puts(out, severity_name(f->severity));
		put_color(out, o, C_RESET);
		buf_putc(out, ' ');
		put_color(out, o, C_DIM);
		buf_printf(out, "[%s]", f->rule);
		put_color(out, o, C_RESET);
		msg = report_redact(o, NULL, f->message);
		buf_putc(out, ' ');
		put_sanitized(out, msg, strlen(msg));
		free(msg);
		if (f->template)
			buf_puts(out, " (from a template standing in for a missing file)");
		buf_putc(out, '\n');
		write_frame(out, f, o);
		for (j = 0; j < f->related.len; j++) {
			const struct location *r = &f->related.items[j];

			buf_puts(out, "  ");
			put_color(out, o, C_DIM);
			write_location(out, r);
			buf_puts(out, ": note:");
			put_color(out, o, C_RESET);
			if (r->message) {
				msg = report_redact(o, NULL, r->message);
				buf_putc(out, ' ');
				put_sanitized(out, msg, strlen(msg));
				free(msg);
			}
			buf_putc(out, '\n');
		}
	}
	if (o->quiet)
		return;
	if (shown > 0)
		buf_putc(out, '\n');
	put_color(out, o, C_BOLD);
	if (shown == 0) {
		put_color(out, o, C_GREEN);
		buf_printf(out, "No problems found");
	} else {
		buf_printf(out, "Found %zu problem%s (%zu error%s, %zu warning%s, %zu info)", shown,
			   shown == 1 ? "" : "s", counts[SEV_ERROR], counts[SEV_ERROR] == 1 ? "" : "s",
			   counts[SEV_WARNING], counts[SEV_WARNING] == 1 ? "" : "s",
			   counts[SEV_INFO]);
	}
	buf_printf(out, " in %zu env file%s", o->summary.files, o->summary.files == 1 ? "" : "s");
	if (o->summary.services > 0)
		buf_printf(out, " across %zu service%s", o->summary.services,
			   o->summary.services == 1 ? "" : "s");
	if (o->summary.suppressed > 0)
		buf_printf(out, "; %zu suppressed", o->summary.suppressed);
	buf_puts(out, ".");
	put_color(out, o, C_RESET);
	buf_putc(out, '\n');
}
