/*
 * GitHub Actions workflow commands, one annotation per finding:
 * ::error file=F,line=L,col=C,endLine=E,endColumn=EC,title=T::message
 * Escaping per the runner's toolkit (command.ts): data escapes %, CR, LF;
 * property values also escape ':' and ','. Other control characters are
 * written as %XX too, so that nothing reaches the log raw.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

static void
put_escaped(struct buf *out, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': buf_puts(out, "%25"); break;
		case '\r': buf_puts(out, "%0D"); break;
		case '\n': buf_puts(out, "%0A"); break;
		case ':':
			if (property)
				buf_puts(out, "%3A");
			else
				buf_putc(out, ':');
			break;
		case ',':
			if (property)
				buf_puts(out, "%2C");
			else
				buf_putc(out, ',');
			break;
		default:
			/*
			 * Other control characters (ESC from a hostile file name) never
			 * reach the log raw; the runner shows them as %XX.
			 */
			if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
				buf_printf(out, "%%%02X", (unsigned char)*s);
			else
				buf_putc(out, *s);
		}
	}
}

static const char *
annotation_level(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "notice";
	}
}

void
report_github(struct buf *out, const struct finding_list *fl, const struct report_opts *o)
{
	size_t i, j;

	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		struct buf msg = BUF_INIT;
		char *text, *title;

		if (f->suppressed)
			continue;
		text = report_redact(o, NULL, f->message);
		buf_puts(&msg, text);
		free(text);
		for (j = 0; j < f->related.len; j++) {
			const struct location *r = &f->related.items[j];

			text = report_redact(o, NULL, r->message ? r->message : "related");
			buf_printf(&msg, "\n%s:%d: %s", r->file, r->line, text);
			free(text);
		}
		buf_printf(out, "::%s file=", annotation_level(f->severity));
		put_escaped(out, f->loc.file, true);
		if (f->loc.line > 0) {
			buf_printf(out, ",line=%d", f->loc.line);
			if (f->loc.end_line >= f->loc.line)
				buf_printf(out, ",endLine=%d", f->loc.end_line);
			/* Columns only for one-line spans, as the runner requires. */
			if (f->loc.col > 0 && f->loc.end_line == f->loc.line) {
				buf_printf(out, ",col=%d", f->loc.col);
				if (f->loc.end_col >= f->loc.col)
					buf_printf(out, ",endColumn=%d", f->loc.end_col);
			}
		}
		title = xasprintf("envlint %s", f->rule);
		buf_puts(out, ",title=");
		put_escaped(out, title, true);
		free(title);
		buf_puts(out, "::");
		put_escaped(out, buf_cstr(&msg), false);
		buf_putc(out, '\n');
		buf_free(&msg);
	}
}
