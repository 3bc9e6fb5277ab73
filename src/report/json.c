/* The JSON report (version 1, see DESIGN.md "JSON output"). */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "util/json.h"

#ifndef ENVLINT_VERSION
#define ENVLINT_VERSION "0.0.0"
#endif

static void
write_location_fields(struct jw *w, const struct location *l)
{
	jw_kstr(w, "file", l->file);
	jw_kint(w, "line", l->line);
	jw_kint(w, "column", l->col);
}

static bool
is_connection_rule(const char *rule)
{
	const char *const *r;

	for (r = check_connection.rules; *r != NULL; r++)
		if (strcmp(*r, rule) == 0)
			return true;
	return false;
}

/*
 * The endpoint and consumer of a connection finding, from its value class
 * "<provider>/<mode>/<project>/<client>[/<parameter>]" ("-" = unknown).
 */
static void
write_connection(struct jw *w, const struct finding *f)
{
	static const char *const names[] = {"provider", "mode", "project", "consumer", "parameter"};
	const char *p = f->value_class;
	size_t i;

	if (p == NULL || !is_connection_rule(f->rule))
		return;
	jw_key(w, "connection");
	jw_obj_begin(w);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *end = i + 1 < sizeof(names) / sizeof(names[0]) ? strchr(p, '/') : NULL;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *part = xstrndup(p, len);

		if (len == 0 || strcmp(part, "-") == 0) {
			jw_key(w, names[i]);
			jw_null(w);
		} else {
			jw_kstr(w, names[i], part);
		}
		free(part);
		if (end == NULL) {
			for (i++; i < sizeof(names) / sizeof(names[0]); i++) {
				jw_key(w, names[i]);
				jw_null(w);
			}
			break;
		}
		p = end + 1;
	}
	jw_obj_end(w);
}

void
report_json(struct buf *out, const struct finding_list *fl, const struct report_opts *o)
{
	struct jw w;
	size_t i, j, counts[3] = {0, 0, 0};

	jw_init(&w, out);
	jw_obj_begin(&w);
	jw_kint(&w, "version", 1);
	jw_key(&w, "tool");
	jw_obj_begin(&w);
	jw_kstr(&w, "name", "envlint");
	jw_kstr(&w, "version", ENVLINT_VERSION);
	jw_obj_end(&w);
	jw_kstr(&w, "env", o->env ? o->env : "development");
	jw_kstr(&w, "plan", o->plan);
	jw_key(&w, "findings");
	jw_arr_begin(&w);
	for (i = 0; i < fl->items.len; i++) {
		const struct finding *f = &fl->items.items[i];
		char *msg;

		if (f->suppressed)
			continue;
		if (f->severity <= SEV_ERROR)
			counts[f->severity]++;
		jw_obj_begin(&w);
		jw_kstr(&w, "rule", f->rule);
		jw_kstr(&w, "severity", severity_name(f->severity));
		msg = report_redact(o, NULL, f->message);
		jw_kstr(&w, "message", msg);
		free(msg);
		write_location_fields(&w, &f->loc);
		jw_kint(&w, "end_line", f->loc.end_line);
		jw_kint(&w, "end_column", f->loc.end_col);
		jw_kstr(&w, "service", f->service);
		jw_kstr(&w, "key", f->key);
		jw_kbool(&w, "template", f->template);
		write_connection(&w, f);
		jw_key(&w, "related");
		jw_arr_begin(&w);
		for (j = 0; j < f->related.len; j++) {
			const struct location *r = &f->related.items[j];

			jw_obj_begin(&w);
			write_location_fields(&w, r);
			msg = report_redact(o, NULL, r->message);
			jw_kstr(&w, "message", msg);
			free(msg);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_kstr(&w, "fingerprint", f->fingerprint);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "summary");
	jw_obj_begin(&w);
	jw_kint(&w, "files", (long long)o->summary.files);
	jw_kint(&w, "services", (long long)o->summary.services);
	jw_kint(&w, "error", (long long)counts[SEV_ERROR]);
	jw_kint(&w, "warning", (long long)counts[SEV_WARNING]);
	jw_kint(&w, "info", (long long)counts[SEV_INFO]);
	jw_kint(&w, "suppressed", (long long)o->summary.suppressed);
	jw_obj_end(&w);
	jw_obj_end(&w);
}
