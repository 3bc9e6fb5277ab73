/*
 * Env files a loader is configured to read: missing-env-file (error where
 * the loader fails without the file — compose env_file without
 * `required: false`, node --env-file — info where it skips it silently) and
 * env-file-outside-repo (a loader reads a file outside the scanned root).
 * Framework conventions (Next.js's four files, Vite's) are optional by
 * design and never reported missing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "model/loaders.h"
#include "model/service.h"
#include "util/buf.h"
#include "util/hash.h"

/* Whether name is one of a cascade's file names once {env} is filled in. */
static bool
in_cascade(const struct loader_model *lm, const char *env, const char *name)
{
	size_t i;

	for (i = 0; lm->files.len > 1 && i < lm->files.len; i++) {
		const char *pat = lm->files.items[i], *hole = strstr(pat, "{env}");
		size_t pre = hole ? (size_t)(hole - pat) : strlen(pat);

		if (hole == NULL ? strcmp(pat, name) == 0
				 : strncmp(pat, name, pre) == 0 &&
					   strncmp(name + pre, env, strlen(env)) == 0 &&
					   strcmp(name + pre + strlen(env), hole + 5) == 0)
			return true;
	}
	return false;
}

/* Optional by design: a framework's convention files, or the files of a cascade. */
static bool
is_convention(const struct scan *s, const struct env_source *src)
{
	const struct loader_model *lm = s->loaders ? loaders_find(s->loaders, src->loader) : NULL;
	const char *base = strrchr(src->file, '/');

	if (lm == NULL)
		return false;
	return lm->framework ||
	       in_cascade(lm, s->opts.env ? s->opts.env : "development", base ? base + 1 : src->file);
}

/* The findings this check made, by what they report: open addressing over finding indices. */
struct reported_slot {
	uint64_t hash;
	size_t finding; /* index + 1; 0 = empty */
};

struct reported_set {
	struct reported_slot *slots;
	size_t cap, used;
};

static uint64_t
report_hash(const char *rule, const char *file, const char *origin_file, int origin_line)
{
	uint64_t h = hash_str(hash_str(hash_str(HASH_FNV_SEED, rule), file), origin_file);

	return hash_fnv1a(h, &origin_line, sizeof(origin_line));
}

/* Whether an earlier service already reported the same file from the same place. */
static bool
reported(const struct check_ctx *ctx, const struct reported_set *rs, const char *rule,
         const struct env_source *src)
{
	uint64_t h = report_hash(rule, src->file, src->origin_file, src->origin_line);
	size_t i;

	for (i = rs->cap ? h & (rs->cap - 1) : 0; rs->cap > 0 && rs->slots[i].finding != 0;
	     i = (i + 1) & (rs->cap - 1)) {
		const struct finding *f = &ctx->findings->items.items[rs->slots[i].finding - 1];

		if (rs->slots[i].hash == h && strcmp(f->rule, rule) == 0 &&
		    strcmp(f->value_class, src->file) == 0 && f->loc.line == src->origin_line &&
		    strcmp(f->loc.file, src->origin_file) == 0)
			return true;
	}
	return false;
}

static void
reported_put(struct reported_set *rs, uint64_t h, size_t finding)
{
	size_t i;

	if (rs->used * 2 >= rs->cap) {
		struct reported_slot *old = rs->slots;
		size_t oldcap = rs->cap;

		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->slots = xcalloc(rs->cap, sizeof(*rs->slots));
		rs->used = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].finding != 0)
				reported_put(rs, old[i].hash, old[i].finding);
		free(old);
	}
	for (i = h & (rs->cap - 1); rs->slots[i].finding != 0; i = (i + 1) & (rs->cap - 1))
		;
	rs->slots[i].hash = h;
	rs->slots[i].finding = finding;
	rs->used++;
}

static struct finding *
add(struct check_ctx *ctx, struct reported_set *rs, const char *rule, enum severity sev,
    const struct service *svc, const struct env_source *src, const char *msg)
{
	struct finding *f = finding_add(ctx->findings, rule, sev, src->origin_file,
					src->origin_line, src->origin_line > 0 ? 1 : 0,
					src->origin_line, 0, "%s", msg);

	finding_set_subject(f, svc->path, NULL);
	f->value_class = xstrdup(src->file);
	reported_put(rs, report_hash(rule, src->file, src->origin_file, src->origin_line),
	             ctx->findings->items.len);
	return f;
}

/* ", so <effect> (\"<error>\"); <fix>" from the loader's pack entry. */
static char *
missing_why(const struct loader_model *lm, const char *file)
{
	struct buf b = BUF_INIT;
	const char *p = lm->missing_error, *hole;

	buf_printf(&b, ", so %s", lm->missing_effect);
	if (p != NULL) {
		buf_puts(&b, " (\"");
		for (; (hole = strstr(p, "{file}")) != NULL; p = hole + 6) {
			buf_add(&b, p, (size_t)(hole - p));
			buf_puts(&b, file);
		}
		buf_printf(&b, "%s\")", p);
	}
	if (lm->missing_fix != NULL)
		buf_printf(&b, "; %s", lm->missing_fix);
	return buf_detach(&b);
}

static void
run_files(struct check_ctx *ctx)
{
	struct scan *s = ctx->scan;
	struct reported_set rs = {NULL, 0, 0};
	size_t i, j;

	for (i = 0; i < s->services.len; i++) {
		const struct service *svc = s->services.items[i];

		for (j = 0; j < svc->sources.len; j++) {
			const struct env_source *src = &svc->sources.items[j];
			struct scan_env_file *link;
			const struct loader_model *lm;
			const char *base;
			char *msg, *why;

			if (src->kind != SOURCE_ENV_FILE || src->origin_file == NULL)
				continue;
			if (src->outside) {
				if (reported(ctx, &rs, "env-file-outside-repo", src))
					continue;
				msg = xasprintf("%s reads %s for %s, which is outside the scanned "
						"repository: its values cannot be checked here and differ "
						"from machine to machine",
						src->loader, src->file, svc->path);
				add(ctx, &rs, "env-file-outside-repo",
				    check_default_severity(ctx, "env-file-outside-repo"), svc, src, msg);
				free(msg);
				continue;
			}
			/* RUN touch / COPY .env in the image: it exists where the service runs. */
			if (src->exists || src->template || src->created_by != NULL ||
			    is_convention(s, src) ||
			    reported(ctx, &rs, "missing-env-file", src))
				continue;
			link = scan_find_env_file(s, src->file);
			if (link != NULL && !(link->entry->flags & WALK_DANGLING))
				link = NULL;
			base = strrchr(src->file, '/');
			base = base ? base + 1 : src->file;
			lm = s->loaders ? loaders_find(s->loaders, src->loader) : NULL;
			if (!src->required)
				why = xstrdup("; it is skipped silently, so none of its values reach the "
					      "service");
			else if (lm != NULL && lm->missing_effect != NULL)
				why = missing_why(lm, base);
			else
				why = xstrdup(", so the loader fails");
			if (link != NULL)
				msg = xasprintf("%s reads %s for %s, a symbolic link to '%s', which does "
						"not exist%s",
						src->loader, src->file, svc->path,
						link->entry->link_target ? link->entry->link_target : "?",
						why);
			else
				msg = xasprintf("%s reads %s for %s, which does not exist%s", src->loader,
						src->file, svc->path, why);
			free(why);
			add(ctx, &rs, "missing-env-file", src->required ? SEV_ERROR : SEV_INFO, svc, src,
			    msg);
			free(msg);
		}
	}
	free(rs.slots);
}

static const char *const files_rules[] = {"missing-env-file", "env-file-outside-repo", NULL};

const struct check check_files = {
	.family = "files",
	.rules = files_rules,
	.run = run_files,
};
