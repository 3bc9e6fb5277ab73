/*
 * Dockerfiles: what the final stage runs (ENTRYPOINT, CMD), its ENV and its
 * WORKDIR. Mirrors BuildKit's reading: parser directives (`# escape=`),
 * line continuations, comment lines inside continuations, heredocs after
 * RUN/COPY/ADD, exec form as a JSON array (anything else is shell form), and
 * stages built `FROM` an earlier stage inheriting its settings.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/yaml.h"
#include "parse/manifest_int.h"
#include "parse/shcmd.h"
#include "util/buf.h"
#include "walk/walk.h"

/* Heredocs opened by one instruction that are skipped. */
#define DOCKER_MAX_HEREDOCS 8
/* Stages remembered for `FROM <stage>`. */
#define DOCKER_MAX_STAGES 256

struct docker_stage {
	char *name; /* `AS name`, lowercased; NULL when unnamed */
	char *cmd, *entrypoint;
	int cmd_line, cmd_col, ep_line, ep_col;
	bool cmd_set_here; /* CMD written in this stage rather than inherited */
	bool ep_exec;      /* ENTRYPOINT in exec form: CMD is its arguments */
	VEC(struct manifest_env) env;
	char *workdir;
};

/* Where each physical line of a logical (continued) line starts in its text. */
struct docker_segment {
	size_t off;
	int line, col;
};

struct docker_line {
	struct buf text;
	VEC(struct docker_segment) segs;
};

struct docker_parser {
	struct mf_builder *b;
	char escape;
	VEC(struct docker_stage) stages;
};

static bool
is_space_or_tab(char c)
{
	return c == ' ' || c == '\t';
}

static void
stage_clear(struct docker_stage *st)
{
	free(st->name);
	free(st->cmd);
	free(st->entrypoint);
	for (size_t i = 0; i < st->env.len; i++) {
		free(st->env.items[i].key);
		free(st->env.items[i].value);
	}
	VEC_FREE(&st->env);
	free(st->workdir);
	memset(st, 0, sizeof(*st));
}

static void
stage_copy(struct docker_stage *dst, const struct docker_stage *src)
{
	dst->cmd = xstrdup(src->cmd);
	dst->entrypoint = xstrdup(src->entrypoint);
	dst->cmd_line = src->cmd_line;
	dst->cmd_col = src->cmd_col;
	dst->ep_line = src->ep_line;
	dst->ep_col = src->ep_col;
	dst->ep_exec = src->ep_exec;
	dst->workdir = xstrdup(src->workdir);
	for (size_t i = 0; i < src->env.len; i++) {
		struct manifest_env *e = VEC_PUSH_ZERO(&dst->env);

		e->key = xstrdup(src->env.items[i].key);
		e->value = xstrdup(src->env.items[i].value);
		e->line = src->env.items[i].line;
		e->col = src->env.items[i].col;
	}
}

static void
line_position(const struct docker_line *dl, size_t off, int *line, int *col)
{
	size_t k = 0;

	while (k + 1 < dl->segs.len && dl->segs.items[k + 1].off <= off)
		k++;
	*line = dl->segs.items[k].line;
	*col = dl->segs.items[k].col + (int)(off - dl->segs.items[k].off);
}

/*
 * The next word of s (shell-like: blanks split, quotes and the escape
 * character are removed, `$VAR` stays as written). With whole, the rest of
 * the text is one word (legacy `ENV K V`, WORKDIR). Returns false at the end.
 */
static bool
docker_word(const char *s, size_t n, size_t *i, char escape, bool whole, struct buf *out,
            size_t *start)
{
	size_t k = *i;
	char q = 0;

	while (k < n && isspace((unsigned char)s[k]))
		k++;
	if (k >= n)
		return false;
	*start = k;
	buf_reset(out);
	buf_puts(out, "");
	while (k < n) {
		char c = s[k];

		if (q == 0 && !whole && isspace((unsigned char)c))
			break;
		if (q != '\'' && c == escape && k + 1 < n) {
			/* In double quotes only \" \\ \$ lose the escape (sh rules). */
			if (q == 0 || s[k + 1] == '"' || s[k + 1] == escape || s[k + 1] == '$')
				k++;
			buf_putc(out, s[k++]);
			continue;
		}
		if (q == 0 && (c == '"' || c == '\'')) {
			q = c;
			k++;
			continue;
		}
		if (q != 0 && c == q) {
			q = 0;
			k++;
			continue;
		}
		buf_putc(out, c);
		k++;
	}
	if (whole)
		while (out->len > 0 && isspace((unsigned char)out->data[out->len - 1]))
			out->data[--out->len] = '\0';
	*i = k;
	return true;
}

static struct docker_stage *
current_stage(struct docker_parser *dp)
{
	if (dp->stages.len == 0)
		VEC_PUSH_ZERO(&dp->stages); /* instructions before any FROM */
	return &dp->stages.items[dp->stages.len - 1];
}

static void
docker_from(struct docker_parser *dp, const char *s, size_t n)
{
	struct buf w = BUF_INIT;
	size_t i = 0, start;
	char *image = NULL, *alias = NULL;
	struct docker_stage st;

	memset(&st, 0, sizeof(st));
	while (docker_word(s, n, &i, dp->escape, false, &w, &start)) {
		if (image == NULL && w.len > 2 && memcmp(w.data, "--", 2) == 0)
			continue; /* --platform=... */
		if (image == NULL) {
			image = buf_detach(&w);
		} else if (strcasecmp(buf_cstr(&w), "as") == 0 &&
		           docker_word(s, n, &i, dp->escape, false, &w, &start)) {
			alias = buf_detach(&w);
			break;
		}
	}
	if (image != NULL)
		for (size_t k = dp->stages.len; k-- > 0;)
			if (dp->stages.items[k].name != NULL &&
			    strcasecmp(dp->stages.items[k].name, image) == 0) {
				stage_copy(&st, &dp->stages.items[k]);
				break;
			}
	if (alias != NULL)
		for (char *c = alias; *c != '\0'; c++)
			*c = (char)tolower((unsigned char)*c);
	st.name = alias;
	if (dp->stages.len >= DOCKER_MAX_STAGES) {
		/* Keep the first ones for FROM lookups and the last as the final stage. */
		stage_clear(&dp->stages.items[dp->stages.len - 1]);
		dp->stages.len--;
	}
	VEC_PUSH(&dp->stages, st);
	free(image);
	buf_free(&w);
}

/*
 * CMD / ENTRYPOINT arguments: a JSON array of strings is exec form (its words
 * joined into a command line, each quoted for sh when it needs it, so that
 * ["sh", "-c", "a && b"] reads back as three words), anything else shell form.
 */
static char *
docker_command(const char *s, size_t n, bool *exec_form)
{
	struct yml_doc *doc = NULL;
	struct el_error ignored = EL_ERROR_INIT;
	struct yml_options opts = {0};
	char *out = NULL;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	opts.max_depth = 2;
	opts.what = "a Dockerfile exec form";
	if (n > 0 && s[0] == '[' &&
	    yml_load_buffer(&doc, s, n, "Dockerfile", &opts, &ignored) == 0 && doc->root != NULL &&
	    doc->root->type == YML_SEQUENCE && doc->root->flow) {
		struct buf cmd = BUF_INIT;
		bool json = true;

		buf_puts(&cmd, "");
		for (size_t i = 0; i < doc->root->count && json; i++) {
			const struct yml_node *it = doc->root->items[i];

			/* JSON strings only: ["npm", start] is shell form to Docker. */
			json = it->type == YML_SCALAR && it->style == YML_DOUBLE_QUOTED;
			if (i > 0)
				buf_putc(&cmd, ' ');
			if (json)
				shcmd_quote_word(&cmd, it->text);
		}
		if (json)
			out = buf_detach(&cmd);
		buf_free(&cmd);
	}
	yml_doc_free(doc);
	el_error_clear(&ignored);
	*exec_form = out != NULL;
	return out != NULL ? out : xstrndup(s, n);
}

static void
docker_env(struct docker_parser *dp, const struct docker_line *dl, size_t args)
{
	struct docker_stage *st = current_stage(dp);
	const char *s = dl->text.data;
	size_t n = dl->text.len, i = args, start;
	struct buf w = BUF_INIT;
	bool first = true;

	while (docker_word(s, n, &i, dp->escape, false, &w, &start)) {
		char *eq = strchr(buf_cstr(&w), '=');
		char *key, *value;
		int line, col;

		line_position(dl, start, &line, &col);
		if (eq == NULL && first) {
			/* Legacy `ENV KEY value with spaces` */
			key = buf_detach(&w);
			if (!docker_word(s, n, &i, dp->escape, true, &w, &start))
				buf_puts(&w, "");
			value = buf_detach(&w);
		} else if (eq == NULL) {
			continue;
		} else {
			key = xstrndup(w.data, (size_t)(eq - w.data));
			value = xstrdup(eq + 1);
		}
		first = false;
		/* A later ENV of the same key replaces the earlier one. */
		for (size_t k = 0; k < st->env.len; k++)
			if (strcmp(st->env.items[k].key, key) == 0) {
				free(st->env.items[k].key);
				free(st->env.items[k].value);
				memmove(&st->env.items[k], &st->env.items[k + 1],
				        (st->env.len - k - 1) * sizeof(st->env.items[0]));
				st->env.len--;
				break;
			}
		{
			struct manifest_env *e = VEC_PUSH_ZERO(&st->env);

			e->key = key;
			e->value = value;
			e->line = line;
			e->col = col;
		}
	}
	buf_free(&w);
}

static void
docker_workdir(struct docker_parser *dp, const char *s, size_t n)
{
	struct docker_stage *st = current_stage(dp);
	struct buf w = BUF_INIT;
	size_t i = 0, start;
	char *dir;

	if (!docker_word(s, n, &i, dp->escape, true, &w, &start) || w.len == 0) {
		buf_free(&w);
		return;
	}
	/* A relative WORKDIR is relative to the previous one (the default is /). */
	if (w.data[0] == '/' || w.data[0] == '$')
		dir = buf_detach(&w);
	else if (st->workdir != NULL)
		dir = xasprintf(
		    "%s%s%s", st->workdir,
		    st->workdir[0] != '\0' && st->workdir[strlen(st->workdir) - 1] == '/' ? ""
		                                                                          : "/",
		    buf_cstr(&w));
	else
		dir = xasprintf("/%s", buf_cstr(&w));
	free(st->workdir);
	st->workdir = dir;
	buf_free(&w);
}

/*
 * A path in the image as a path under the stage's WORKDIR, which stands for
 * the build context's root by convention (COPY . .). NULL when it is
 * elsewhere (an absolute path outside WORKDIR) or not an env file name.
 */
static char *
image_relative(const struct docker_stage *st, const char *dest, const char *base)
{
	struct buf b = BUF_INIT;
	const char *p = dest;
	size_t wl = st->workdir ? strlen(st->workdir) : 0;

	while (wl > 1 && st->workdir[wl - 1] == '/')
		wl--;
	if (p[0] == '/') {
		if (wl == 0 || strncmp(p, st->workdir, wl) != 0 || (p[wl] != '/' && p[wl] != '\0'))
			return NULL;
		p += wl;
		while (*p == '/')
			p++;
	}
	while (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
		p += p[1] ? 2 : 1;
	buf_puts(&b, p);
	if (base != NULL) {
		if (b.len > 0 && b.data[b.len - 1] != '/')
			buf_putc(&b, '/');
		buf_puts(&b, base);
	}
	if (b.len == 0 || b.data[b.len - 1] == '/') {
		buf_free(&b);
		return NULL;
	}
	{
		const char *name = strrchr(buf_cstr(&b), '/');

		name = name ? name + 1 : b.data;
		if (walk_env_kind(name) == 0 || strstr(b.data, "$") != NULL) {
			buf_free(&b);
			return NULL;
		}
	}
	return buf_detach(&b);
}

static void
add_created(struct docker_parser *dp, char *path, int line, int col)
{
	struct manifest_created *c;

	if (path == NULL)
		return;
	c = VEC_PUSH_ZERO(&dp->b->created);
	c->path = path;
	c->line = line;
	c->col = col;
}

/*
 * Env files the instruction makes in the image (real-world.md §2.9, trap 6):
 * `RUN ... touch apps/web/.env ...` and `COPY [--from=x] .env* DEST`.
 */
static void
docker_created(struct docker_parser *dp, const struct docker_line *dl, size_t args, bool copy)
{
	const struct docker_stage *st = current_stage(dp);
	const char *s = dl->text.data;
	size_t n = dl->text.len, i = args, start;
	struct buf w = BUF_INIT;
	VEC(char *) words = {0};
	VEC(size_t) offs = {0};
	size_t k;
	int line, col;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '[')
		return; /* exec form: not a shell */
	while (docker_word(s, n, &i, dp->escape, false, &w, &start) && words.len < 256) {
		VEC_PUSH(&words, buf_detach(&w));
		VEC_PUSH(&offs, start);
	}
	if (copy) {
		size_t first = 0, nsrc;

		while (first < words.len && strncmp(words.items[first], "--", 2) == 0)
			first++;
		nsrc = words.len > first + 1 ? words.len - first - 1 : 0;
		for (k = first; k < first + nsrc; k++) {
			const char *src = words.items[k], *base = strrchr(src, '/');
			const char *dest = words.items[words.len - 1];
			size_t dl2 = strlen(dest);
			bool dir = nsrc > 1 || dl2 == 0 || dest[dl2 - 1] == '/' ||
			           strcmp(dest, ".") == 0;

			base = base ? base + 1 : src;
			if (walk_env_kind(base) == 0 || (walk_env_kind(base) & WALK_TEMPLATE))
				continue;
			line_position(dl, offs.items[k], &line, &col);
			add_created(dp, image_relative(st, dest, dir ? base : NULL), line, col);
		}
	} else {
		bool touching = false;

		for (k = 0; k < words.len; k++) {
			const char *wd = words.items[k];
			size_t wl = strlen(wd);

			if (strcmp(wd, "&&") == 0 || strcmp(wd, "||") == 0 || strcmp(wd, ";") == 0 ||
			    strcmp(wd, "|") == 0) {
				touching = false;
				continue;
			}
			if (strcmp(wd, "touch") == 0) {
				touching = true;
				continue;
			}
			if (touching && wd[0] != '-') {
				char *t = xstrndup(wd, wl > 0 && wd[wl - 1] == ';' ? wl - 1 : wl);

				line_position(dl, offs.items[k], &line, &col);
				add_created(dp, image_relative(st, t, NULL), line, col);
				free(t);
			}
			if (wl > 0 && wd[wl - 1] == ';')
				touching = false;
		}
	}
	for (k = 0; k < words.len; k++)
		free(words.items[k]);
	VEC_FREE(&words);
	VEC_FREE(&offs);
	buf_free(&w);
}

/* Heredoc terminators opened on a RUN/COPY/ADD line: <<EOF, <<-EOF, <<"EOF", <<'EOF'. */
static size_t
heredoc_words(const char *s, size_t n, char words[][64], bool *strip_tabs, size_t max)
{
	size_t count = 0;

	for (size_t i = 0; i + 2 < n && count < max; i++) {
		size_t k, w;
		bool dash = false;
		char q = 0;

		if (s[i] != '<' || s[i + 1] != '<' || (i > 0 && s[i - 1] == '<'))
			continue;
		k = i + 2;
		if (k < n && s[k] == '<')
			continue; /* <<< here-string */
		if (k < n && s[k] == '-') {
			dash = true;
			k++;
		}
		if (k < n && (s[k] == '"' || s[k] == '\''))
			q = s[k++];
		w = 0;
		while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_') && w < 63)
			words[count][w++] = s[k++];
		if (w == 0 || (q != 0 && (k >= n || s[k] != q)))
			continue;
		words[count][w] = '\0';
		strip_tabs[count] = dash;
		count++;
		i = k;
	}
	return count;
}

/* Run one instruction; true when it may open heredocs (RUN, COPY, ADD). */
static bool
docker_instruction(struct docker_parser *dp, const struct docker_line *dl)
{
	const char *s = dl->text.data;
	size_t n = dl->text.len, i = 0, args;
	char word[16];
	size_t wl = 0;
	struct docker_stage *st;
	int line, col;
	bool exec_form;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	line_position(dl, i, &line, &col);
	while (i < n && !isspace((unsigned char)s[i])) {
		if (wl < sizeof(word) - 1)
			word[wl++] = (char)toupper((unsigned char)s[i]);
		i++;
	}
	word[wl] = '\0';
	args = i;
	if (strcmp(word, "FROM") == 0) {
		docker_from(dp, s + args, n - args);
	} else if (strcmp(word, "CMD") == 0) {
		st = current_stage(dp);
		free(st->cmd);
		st->cmd = docker_command(s + args, n - args, &exec_form);
		st->cmd_line = line;
		st->cmd_col = col;
		st->cmd_set_here = true;
	} else if (strcmp(word, "ENTRYPOINT") == 0) {
		st = current_stage(dp);
		free(st->entrypoint);
		st->entrypoint = docker_command(s + args, n - args, &st->ep_exec);
		st->ep_line = line;
		st->ep_col = col;
		/* Docker: ENTRYPOINT resets a CMD inherited from the base. */
		if (!st->cmd_set_here) {
			free(st->cmd);
			st->cmd = NULL;
		}
	} else if (strcmp(word, "ENV") == 0) {
		docker_env(dp, dl, args);
	} else if (strcmp(word, "WORKDIR") == 0) {
		docker_workdir(dp, s + args, n - args);
	} else if (strcmp(word, "RUN") == 0 || strcmp(word, "COPY") == 0 ||
	           strcmp(word, "ADD") == 0) {
		docker_created(dp, dl, args, word[0] != 'R');
	}
	/* ARG, RUN, COPY, ... do not change what the final stage runs. */
	return strcmp(word, "RUN") == 0 || strcmp(word, "COPY") == 0 || strcmp(word, "ADD") == 0;
}

/* `# escape=`` ` and other parser directives at the very top. */
static bool
docker_directive(const char *s, size_t n, char *escape)
{
	size_t i = 0, k, v;

	if (n == 0 || s[0] != '#')
		return false;
	i = 1;
	while (i < n && is_space_or_tab(s[i]))
		i++;
	k = i;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	if (i == k)
		return false;
	v = i;
	while (v < n && is_space_or_tab(s[v]))
		v++;
	if (v >= n || s[v] != '=')
		return false;
	v++;
	while (v < n && is_space_or_tab(s[v]))
		v++;
	if (i - k == 6 && strncasecmp(s + k, "escape", 6) == 0 && v < n &&
	    (s[v] == '`' || s[v] == '\\'))
		*escape = s[v];
	return true;
}

static void
docker_finish(struct docker_parser *dp)
{
	struct docker_stage *st;

	if (dp->stages.len == 0)
		return;
	st = &dp->stages.items[dp->stages.len - 1];
	if (st->entrypoint != NULL) {
		mf_add_command(dp->b, "ENTRYPOINT", st->entrypoint, st->ep_line, st->ep_col);
		dp->b->commands.items[dp->b->commands.len - 1].exec_form = st->ep_exec;
	}
	if (st->cmd != NULL)
		mf_add_command(dp->b, "CMD", st->cmd, st->cmd_line, st->cmd_col);
	for (size_t i = 0; i < st->env.len; i++)
		mf_add_env(dp->b, st->env.items[i].key, st->env.items[i].value,
		           st->env.items[i].line, st->env.items[i].col);
	if (st->workdir != NULL)
		mf_set_string(&dp->b->workdir, st->workdir);
}

int
mf_parse_dockerfile(struct mf_builder *b, const char *data, size_t len, struct el_error *err)
{
	struct docker_parser dp;
	struct docker_line dl;
	struct mf_lines r;
	const char *s;
	size_t n;
	char heredoc[DOCKER_MAX_HEREDOCS][64];
	bool strip_tabs[DOCKER_MAX_HEREDOCS];
	size_t nheredocs = 0, in_heredoc = 0;
	bool directives = true, continued = false;

	(void)err;
	memset(&dp, 0, sizeof(dp));
	memset(&dl, 0, sizeof(dl));
	dp.b = b;
	dp.escape = '\\';
	mf_lines_init(&r, data, len);
	while (mf_lines_next(&r, &s, &n)) {
		size_t i = 0, e = n;
		struct docker_segment *seg;

		if (in_heredoc < nheredocs) {
			const char *t = s;
			size_t tn = n;

			while (strip_tabs[in_heredoc] && tn > 0 && *t == '\t') {
				t++;
				tn--;
			}
			if (tn == strlen(heredoc[in_heredoc]) &&
			    memcmp(t, heredoc[in_heredoc], tn) == 0)
				in_heredoc++;
			continue;
		}
		if (directives) {
			if (docker_directive(s, n, &dp.escape))
				continue;
			directives = false;
		}
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		/* Blank and comment lines, also inside a continuation, are dropped. */
		if (i == n || s[i] == '#')
			continue;
		if (!continued) {
			buf_reset(&dl.text);
			dl.segs.len = 0;
		}
		seg = VEC_PUSH_ZERO(&dl.segs);
		seg->off = dl.text.len;
		seg->line = r.line;
		seg->col = 1;
		while (e > 0 && isspace((unsigned char)s[e - 1]))
			e--;
		if (e > 0 && s[e - 1] == dp.escape) {
			buf_add(&dl.text, s, e - 1);
			continued = true;
			continue;
		}
		buf_add(&dl.text, s, n);
		continued = false;
		if (docker_instruction(&dp, &dl)) {
			nheredocs = heredoc_words(dl.text.data, dl.text.len, heredoc, strip_tabs,
			                          DOCKER_MAX_HEREDOCS);
			in_heredoc = 0;
		}
	}
	if (continued)
		docker_instruction(&dp, &dl);
	docker_finish(&dp);
	for (size_t k = 0; k < dp.stages.len; k++)
		stage_clear(&dp.stages.items[k]);
	VEC_FREE(&dp.stages);
	buf_free(&dl.text);
	VEC_FREE(&dl.segs);
	return 0;
}
