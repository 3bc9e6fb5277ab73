/*
 * SARIF 2.1.0 as GitHub code scanning takes it: driver with every rule's
 * documentation, results with relative locations, related locations and a
 * content-based partialFingerprints.primaryLocationLineHash.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "config/pack.h"
#include "util/json.h"
#include "util/utf8.h"

#ifndef ENVLINT_VERSION
#define ENVLINT_VERSION "0.0.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
/* GitHub: shortDescription.text and fullDescription.text at most 1024 characters. */
#define SARIF_DESCRIPTION_MAX 1024
/* GitHub: reportingDescriptor.name at most 255 characters. */
#define SARIF_NAME_MAX 255

static const char *
sarif_level(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "note";
	}
}

/*
 * Append text to b as long as b stays within max code points; a cut ends in
 * "..." so that a shortened description says so. Never splits a character.
 */
static void
put_limited(struct buf *b, const char *text, size_t max)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, chars = 0, total = 0;

	while (i < n) {
		size_t l = utf8_valid_len(p + i, n - i);

		i += l ? l : 1;
		total++;
	}
	for (i = 0; i < n && (total <= max || chars + 3 < max); chars++) {
		size_t l = utf8_valid_len(p + i, n - i);

		if (l == 0) {
			buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD for a stray byte */
			i++;
			continue;
		}
		buf_add(b, p + i, l);
		i += l;
	}
	if (i < n)
		buf_puts(b, "...");
}

/* The first paragraph of a Markdown help text, as plain text within SARIF's limit. */
static char *
first_paragraph(const char *md)
{
	struct buf plain = BUF_INIT, b = BUF_INIT;
	const char *p = md;

	while (*p == '\n' || *p == '#' || *p == ' ') {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
		} else {
			p++;
		}
	}
	for (; *p && !(p[0] == '\n' && p[1] == '\n'); p++) {
		if (*p == '`' || *p == '*')
			continue;
		buf_putc(&plain, *p == '\n' ? ' ' : *p);
	}
	put_limited(&b, buf_cstr(&plain), SARIF_DESCRIPTION_MAX);
	buf_free(&plain);
	return buf_detach(&b);
}

/*
 * The rule's readable name: its id in PascalCase ("root-value-shadowed" ->
 * "RootValueShadowed"). SARIF wants name to differ from the opaque id.
 */
static char *
rule_name(const char *id)
{
	struct buf b = BUF_INIT;
	bool up = true;

	for (; *id && b.len < SARIF_NAME_MAX; id++) {
		if (*id == '-' || *id == '_' || *id == '.') {
			up = true;
			continue;
		}
		buf_putc(&b, up && *id >= 'a' && *id <= 'z' ? (char)(*id - 'a' + 'A') : *id);
		up = false;
	}
	return buf_detach(&b);
}

/* A string shortened to max code points (new string). */
static char *
limited(const char *text, size_t max)
{
	struct buf b = BUF_INIT;

	put_limited(&b, text, max);
	return buf_detach(&b);
}

static void
write_rule(struct jw *w, const struct rule_meta *m)
{
	const char *summary = m->summary && m->summary[0] ? m->summary : m->id;
	char *full = first_paragraph(m->help ? m->help : "");
	char *shortd = limited(summary, SARIF_DESCRIPTION_MAX);
	char *name = rule_name(m->id);
	const char *help = m->help && m->help[0] ? m->help : summary;

	jw_obj_begin(w);
	jw_kstr(w, "id", m->id);
	jw_kstr(w, "name", name);
	jw_key(w, "shortDescription");
	jw_obj_begin(w);
	jw_kstr(w, "text", shortd);
	jw_obj_end(w);
	jw_key(w, "fullDescription");
	jw_obj_begin(w);
	jw_kstr(w, "text", full[0] ? full : shortd);
	jw_obj_end(w);
	jw_key(w, "help");
	jw_obj_begin(w);
	jw_kstr(w, "text", help);
	jw_kstr(w, "markdown", help);
	jw_obj_end(w);
	jw_key(w, "defaultConfiguration");
	jw_obj_begin(w);
	jw_kstr(w, "level", sarif_level(m->severity));
	jw_obj_end(w);
	jw_key(w, "properties");
	jw_obj_begin(w);
	jw_key(w, "tags");
	jw_arr_begin(w);
	jw_str(w, "configuration");
	jw_arr_end(w);
	jw_kstr(w, "precision", "high");
	jw_obj_end(w);
	jw_obj_end(w);
	free(full);
	free(shortd);
	free(name);
}

/*
 * A relative path as an RFC 3986 URI reference: bytes outside the unreserved
 * and sub-delimiter characters (and '/', '@') are percent-encoded, ':' too so
 * that a first segment never reads as a scheme. New string.
 */
static char *
path_to_uri(const char *path)
{
	static const char keep[] = "-._~/!$&'()*+,;=@";
	struct buf b = BUF_INIT;
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(keep, *p) != NULL)
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

/*
 * Byte column col (1-based) of the line text as a code-point column, as
 * columnKind "unicodeCodePoints" says. text NULL (unreadable) keeps col.
 */
static int
code_point_col(const char *text, int col)
{
	size_t n;

	if (text == NULL || col <= 1)
		return col;
	n = strlen(text);
	if ((size_t)(col - 1) > n)
		return col - (int)n + utf8_columns(text, n);
	return utf8_columns(text, (size_t)(col - 1)) + 1;
}

static void
write_physical(struct jw *w, const struct location *l, const struct report_opts *o)
{
	char *uri = path_to_uri(l->file ? l->file : "");

	jw_key(w, "physicalLocation");
	jw_obj_begin(w);
	jw_key(w, "artifactLocation");
	jw_obj_begin(w);
	jw_kstr(w, "uri", uri);
	free(uri);
	jw_kstr(w, "uriBaseId", "%SRCROOT%");
	jw_obj_end(w);
	jw_key(w, "region");
	jw_obj_begin(w);
	if (l->line <= 0) {
		/* A finding about a whole file: GitHub needs a region, so its first line. */
		jw_kint(w, "startLine", 1);
	} else {
		char *text = l->col > 1 && o->root != NULL && l->file != NULL
				     ? report_line(o, l->file, l->line)
				     : NULL;

		jw_kint(w, "startLine", l->line);
		if (l->col > 0)
			jw_kint(w, "startColumn", code_point_col(text, l->col));
		if (l->end_line >= l->line)
			jw_kint(w, "endLine", l->end_line);
		/* SARIF's endColumn is the column after the region. */
		if (l->col > 0 && l->end_col >= l->col && l->end_line == l->line)
			jw_kint(w, "endColumn", code_point_col(text, l->end_col + 1));
		free(text);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

static long
rule_index(const struct report_opts *o, const char *id)
{
	size_t i, n = o->packs ? packs_rule_count(o->packs) : 0;

	for (i = 0; i < n; i++) {
		if (strcmp(packs_rule_at(o->packs, i)->id, id) == 0)
			return (long)i;
	}
	return -1;
}

void
report_sarif(struct buf *out, const struct finding_list *fl, const struct report_opts *o)
{
	struct jw w;
	size_t i, j, n = o->packs ? packs_rule_count(o->packs) : 0;

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kstr(&w, "$schema", SARIF_SCHEMA);
	jw_kstr(&w, "version", "2.1.0");
	jw_key(&w, "runs");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_key(&w, "tool");
	jw_obj_begin(&w);
	jw_key(&w, "driver");
	jw_obj_begin(&w);
	jw_kstr(&w, "name", "envlint");
	jw_kstr(&w, "version", ENVLINT_VERSION);
	jw_kstr(&w, "semanticVersion", ENVLINT_VERSION);
	jw_key(&w, "rules");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++)
		write_rule(&w, packs_rule_at(o->packs, i));
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	if (o->category != NULL && o->category[0] != '\0') {
		size_t clen = strlen(o->category);
		/*
		 * "category/" with an empty run id: GitHub takes everything before the
		 * last '/' as the category, so "services/auth" must become
		 * "services/auth/" to stay one category.
		 */
		char *id = o->category[clen - 1] == '/' ? xstrdup(o->category)
							 : xasprintf("%s/", o->category);

		jw_key(&w, "automationDetails");
		jw_obj_begin(&w);
		jw_kstr(&w, "id", id);
		jw_obj_end(&w);
		free(id);
	}
	jw_key(&w, "originalUriBaseIds");
	jw_obj_begin(&w);
	jw_key(&w, "%SRCROOT%");
	jw_obj_begin(&w);
	jw_key(&w, "description");
	jw_obj_begin(&w);
	jw_kstr(&w, "text", "The root of the scanned repository.");
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "results");
	jw_arr_begin(&w);
	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		long idx = rule_index(o, f->rule);
		char *msg;

		if (f->suppressed)
			continue;
		jw_obj_begin(&w);
		jw_kstr(&w, "ruleId", f->rule);
		if (idx >= 0)
			jw_kint(&w, "ruleIndex", idx);
		jw_kstr(&w, "level", sarif_level(f->severity));
		jw_key(&w, "message");
		jw_obj_begin(&w);
		msg = report_redact(o, NULL, f->message);
		jw_kstr(&w, "text", msg);
		free(msg);
		jw_obj_end(&w);
		jw_key(&w, "locations");
		jw_arr_begin(&w);
		jw_obj_begin(&w);
		write_physical(&w, &f->loc, o);
		jw_obj_end(&w);
		jw_arr_end(&w);
		if (f->related.len > 0) {
			jw_key(&w, "relatedLocations");
			jw_arr_begin(&w);
			for (j = 0; j < f->related.len; j++) {
				const struct location *r = &f->related.items[j];

				jw_obj_begin(&w);
				jw_kint(&w, "id", (long long)j + 1);
				write_physical(&w, r, o);
				jw_key(&w, "message");
				jw_obj_begin(&w);
				msg = report_redact(o, NULL, r->message ? r->message : "related");
				jw_kstr(&w, "text", msg);
				free(msg);
				jw_obj_end(&w);
				jw_obj_end(&w);
			}
			jw_arr_end(&w);
		}
		jw_key(&w, "partialFingerprints");
		jw_obj_begin(&w);
		/* "<hash>:<occurrence>", content-based (cmd_check set_fingerprints). */
		msg = xasprintf("%s:%d", f->fingerprint ? f->fingerprint : "0000000000000000",
				f->occurrence > 0 ? f->occurrence : 1);
		jw_kstr(&w, "primaryLocationLineHash", msg);
		free(msg);
		jw_obj_end(&w);
		jw_key(&w, "properties");
		jw_obj_begin(&w);
		if (f->service != NULL)
			jw_kstr(&w, "service", f->service);
		if (f->key != NULL)
			jw_kstr(&w, "key", f->key);
		jw_kbool(&w, "template", f->template);
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kstr(&w, "columnKind", "unicodeCodePoints");
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
}
