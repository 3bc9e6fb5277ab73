#include "parse/shcmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* A start script is a line or a short file; these bound what hostile input costs. */
#define SHCMD_MAX_CMDS 256
#define SHCMD_MAX_WORDS 256

struct splitter {
	const char *p, *end;
	struct shcmd_list *out;
	struct shcmd_simple *cur;
	enum shcmd_sep next_sep;
};

static bool
is_name_char(char c, bool first)
{
	return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

static struct shcmd_simple *
current(struct splitter *sp)
{
	if (sp->cur == NULL) {
		if (sp->out->cmds.len >= SHCMD_MAX_CMDS) {
			sp->out->truncated = true;
			return NULL;
		}
		sp->cur = VEC_PUSH_ZERO(&sp->out->cmds);
		sp->cur->sep = sp->next_sep;
	}
	return sp->cur;
}

static void
end_command(struct splitter *sp, enum shcmd_sep next)
{
	/* An empty command (`;;`, a leading `&&`) keeps the stronger separator. */
	if (sp->cur != NULL || next != SHCMD_SEQ)
		sp->next_sep = next;
	sp->cur = NULL;
}

/* $( ... ) and ` ... ` are kept as written, nesting counted, quotes honoured. */
static void
copy_substitution(struct splitter *sp, struct buf *w)
{
	int depth = 0;
	char close = *sp->p == '`' ? '`' : ')';

	if (close == '`') {
		buf_putc(w, *sp->p++);
		while (sp->p < sp->end && *sp->p != '`') {
			if (*sp->p == '\\' && sp->p + 1 < sp->end)
				buf_putc(w, *sp->p++);
			buf_putc(w, *sp->p++);
		}
		if (sp->p < sp->end)
			buf_putc(w, *sp->p++);
		return;
	}
	/* at "$(" */
	buf_putc(w, *sp->p++);
	while (sp->p < sp->end) {
		char c = *sp->p;

		if (c == '\'' || c == '"') {
			const char *q = memchr(sp->p + 1, c, (size_t)(sp->end - sp->p - 1));

			q = q ? q + 1 : sp->end;
			buf_add(w, sp->p, (size_t)(q - sp->p));
			sp->p = q;
			continue;
		}
		buf_putc(w, c);
		sp->p++;
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			return;
	}
}

/* One word at sp->p (not at a blank or an operator); false when it was a redirection. */
static bool
read_word(struct splitter *sp, struct buf *w, bool *assignment, bool *quoted)
{
	const char *start = sp->p;
	bool name_ok = true;

	*assignment = false;
	*quoted = false;
	while (sp->p < sp->end) {
		char c = *sp->p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '&' ||
		    c == '|' || c == '(' || c == ')' || c == '<' || c == '>')
			break;
		if (c == '\\') {
			if (sp->p + 1 < sp->end && sp->p[1] == '\n') {
				sp->p += 2; /* line continuation */
				continue;
			}
			if (sp->p + 1 < sp->end)
				buf_putc(w, sp->p[1]);
			sp->p += 2;
			name_ok = false;
			*quoted = true;
			continue;
		}
		if (c == '\'') {
			const char *q = memchr(sp->p + 1, '\'', (size_t)(sp->end - sp->p - 1));

			if (q == NULL)
				q = sp->end;
			buf_add(w, sp->p + 1, (size_t)(q - sp->p - 1));
			sp->p = q < sp->end ? q + 1 : q;
			name_ok = false;
			*quoted = true;
			continue;
		}
		if (c == '"') {
			sp->p++;
			while (sp->p < sp->end && *sp->p != '"') {
				if (*sp->p == '\\' && sp->p + 1 < sp->end &&
				    strchr("\"\\$`\n", sp->p[1]) != NULL) {
					if (sp->p[1] != '\n')
						buf_putc(w, sp->p[1]);
					sp->p += 2;
				} else if (*sp->p == '$' && sp->p + 1 < sp->end && sp->p[1] == '(') {
					copy_substitution(sp, w);
				} else {
					buf_putc(w, *sp->p++);
				}
			}
			if (sp->p < sp->end)
				sp->p++;
			name_ok = false;
			*quoted = true;
			continue;
		}
		if ((c == '$' && sp->p + 1 < sp->end && sp->p[1] == '(') || c == '`') {
			copy_substitution(sp, w);
			name_ok = false;
			continue;
		}
		if (c == '=' && name_ok && w->len > 0 && !*assignment)
			*assignment = true;
		else if (!*assignment && !is_name_char(c, w->len == 0))
			name_ok = false;
		buf_putc(w, c);
		sp->p++;
	}
	/* 2>&1, 2>/dev/null: a number glued to a redirection is part of it. */
	if (sp->p < sp->end && (*sp->p == '<' || *sp->p == '>') && sp->p > start) {
		const char *q;

		for (q = start; q < sp->p && isdigit((unsigned char)*q); q++)
			;
		if (q == sp->p)
			return false;
	}
	return true;
}

/* A redirection operator at sp->p and its target word: skipped. */
static void
skip_redirection(struct splitter *sp)
{
	struct buf w = BUF_INIT;
	bool a, q;

	while (sp->p < sp->end && (*sp->p == '<' || *sp->p == '>'))
		sp->p++;
	if (sp->p < sp->end && *sp->p == '&') {
		/* >&2 */
		sp->p++;
	} else if (sp->p < sp->end && *sp->p == '|') {
		sp->p++; /* >| */
	}
	while (sp->p < sp->end && (*sp->p == ' ' || *sp->p == '\t'))
		sp->p++;
	if (sp->p < sp->end && strchr(";&|()<>\n", *sp->p) == NULL)
		read_word(sp, &w, &a, &q);
	buf_free(&w);
}

void
shcmd_parse(struct shcmd_list *out, const char *text, size_t len)
{
	struct splitter sp;

	memset(out, 0, sizeof(*out));
	sp.p = text;
	sp.end = text + len;
	sp.out = out;
	sp.cur = NULL;
	sp.next_sep = SHCMD_SEQ;
	while (sp.p < sp.end) {
		char c = *sp.p;

		if (c == ' ' || c == '\t' || c == '\r') {
			sp.p++;
		} else if (c == '\\' && sp.p + 1 < sp.end && sp.p[1] == '\n') {
			sp.p += 2; /* line continuation between words */
		} else if (c == '\n' || c == ';') {
			sp.p++;
			end_command(&sp, SHCMD_SEQ);
		} else if (c == '&' && sp.p + 1 < sp.end && sp.p[1] == '&') {
			sp.p += 2;
			end_command(&sp, SHCMD_AND);
		} else if (c == '|' && sp.p + 1 < sp.end && sp.p[1] == '|') {
			sp.p += 2;
			end_command(&sp, SHCMD_OR);
		} else if (c == '|') {
			sp.p++;
			end_command(&sp, SHCMD_PIPE);
		} else if (c == '&') {
			sp.p++;
			if (sp.p < sp.end && *sp.p == '>') {
				skip_redirection(&sp); /* &>file */
				continue;
			}
			end_command(&sp, SHCMD_BG);
		} else if (c == '(' || c == ')' || c == '{' || c == '}') {
			/* Subshells and groups: their commands run like the others. */
			sp.p++;
			if (c == ')' || c == '}')
				end_command(&sp, SHCMD_SEQ);
		} else if (c == '#' && (sp.p == text || strchr(" \t\n;&|(", sp.p[-1]) != NULL)) {
			while (sp.p < sp.end && *sp.p != '\n')
				sp.p++;
		} else if (c == '<' || c == '>') {
			skip_redirection(&sp);
		} else {
			struct buf w = BUF_INIT;
			struct shcmd_simple *cmd;
			bool assignment, quoted;

			if (!read_word(&sp, &w, &assignment, &quoted)) {
				buf_free(&w);
				skip_redirection(&sp);
				continue;
			}
			cmd = current(&sp);
			if (cmd == NULL || cmd->words.len >= SHCMD_MAX_WORDS) {
				out->truncated = true;
				buf_free(&w);
				if (cmd == NULL)
					break;
				continue;
			}
			{
				struct shcmd_word *word = VEC_PUSH_ZERO(&cmd->words);

				word->text = buf_detach(&w);
				word->assignment = assignment;
				word->quoted = quoted;
			}
		}
	}
}

void
shcmd_list_free(struct shcmd_list *l)
{
	size_t i, j;

	for (i = 0; i < l->cmds.len; i++) {
		for (j = 0; j < l->cmds.items[i].words.len; j++)
			free(l->cmds.items[i].words.items[j].text);
		VEC_FREE(&l->cmds.items[i].words);
	}
	VEC_FREE(&l->cmds);
}

void
shcmd_quote_word(struct buf *b, const char *t)
{
	const char *q;

	if (*t != '\0' && strpbrk(t, " \t\n'\"\\;&|()<>`#*?[]{}$") == NULL) {
		buf_puts(b, t);
		return;
	}
	/* --opt='...': the option name stays outside the quotes for whoever reads it */
	if (t[0] == '-' && (q = strchr(t, '=')) != NULL &&
	    strpbrk(t, " \t\n'\"\\;&|()<>`#*?[]{}$") > q) {
		buf_add(b, t, (size_t)(q - t + 1));
		t = q + 1;
	}
	/* '...' with each ' written as '\'' */
	buf_putc(b, '\'');
	for (q = t; *q; q++) {
		if (*q == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *q);
	}
	buf_putc(b, '\'');
}

char *
shcmd_join(const struct shcmd_simple *c, size_t from)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_puts(&b, "");
	for (i = from; i < c->words.len; i++) {
		if (b.len > 0)
			buf_putc(&b, ' ');
		shcmd_quote_word(&b, c->words.items[i].text);
	}
	return buf_detach(&b);
}
