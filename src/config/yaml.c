#include "config/yaml.h"
#include "config/yaml_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/vec.h"

/* What the document owns besides its nodes: one arena for nodes, arrays and text. */
struct yml_priv {
	struct arena arena;
};

/* A collection being built: its children arrive as events until its END event. */
struct frame {
	struct yml_node *node;
	VEC(struct yml_node *) items; /* sequence items, or mapping key, value, key, value... */
	const char *anchor;
	size_t nodes_at_start; /* expanded node count when it opened */
	int height;            /* collection levels below it */
};

struct anchor {
	const char *name;
	struct yml_node *node;
	size_t size; /* expanded nodes in its subtree */
	int height;  /* collection levels in its subtree, itself included */
};

struct loader {
	yaml_parser_t parser;
	struct arena *arena;
	const struct yml_options *opts;
	const char *path;
	const char *buf;
	size_t len;
	VEC(struct frame) stack;
	VEC(struct anchor) anchors;
	size_t nodes;
	struct yml_node *root;
	int documents;
};

static int
max_depth(const struct loader *ld)
{
	return ld->opts->max_depth > 0 ? ld->opts->max_depth : YML_DEFAULT_MAX_DEPTH;
}

static size_t
max_nodes(const struct loader *ld)
{
	return ld->opts->max_nodes > 0 ? ld->opts->max_nodes : YML_DEFAULT_MAX_NODES;
}

/* 1-based line and column (in code points) of byte offset off, for reader errors. */
static void
offset_position(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || (c == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			(*line)++;
			*col = 1;
		} else if ((c & 0xC0) != 0x80 && c != '\r') {
			(*col)++;
		}
	}
}

static int
parser_error(struct loader *ld, struct el_error *err)
{
	yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem ? p->problem : "invalid YAML";
	int line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return el_error_set(err, ld->path, 0, 0, "out of memory while parsing YAML");
	case YAML_READER_ERROR:
		offset_position(ld->buf, ld->len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return el_error_set(err, ld->path, line, col, "%s (byte 0x%02X)", problem,
			                    (unsigned)p->problem_value & 0xFFu);
		return el_error_set(err, ld->path, line, col, "%s", problem);
	default:
		break;
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	if (p->context != NULL)
		return el_error_set(err, ld->path, line, col, "%s (%s at line %d, column %d)",
		                    problem, p->context, (int)p->context_mark.line + 1,
		                    (int)p->context_mark.column + 1);
	return el_error_set(err, ld->path, line, col, "%s", problem);
}

static struct yml_node *
node_new(struct loader *ld, enum yml_type type, yaml_mark_t mark, const yaml_char_t *tag)
{
	struct yml_node *n = arena_alloc(ld->arena, sizeof(*n));

	n->type = type;
	n->line = (int)mark.line + 1;
	n->col = (int)mark.column + 1;
	n->tag = tag ? arena_strdup(ld->arena, (const char *)tag) : NULL;
	return n;
}

static int
count_nodes(struct loader *ld, size_t add, yaml_mark_t mark, struct el_error *err)
{
	if (add > max_nodes(ld) - ld->nodes)
		return el_error_set(err, ld->path, (int)mark.line + 1, (int)mark.column + 1,
		                    "document has more than %zu nodes%s", max_nodes(ld),
		                    ld->opts->allow_aliases ? " (after expanding aliases)" : "");
	ld->nodes += add;
	return 0;
}

/* Refuse an anchor or alias where they are not allowed. */
static int
refuse_alias(struct loader *ld, yaml_mark_t mark, struct el_error *err)
{
	return el_error_set(err, ld->path, (int)mark.line + 1, (int)mark.column + 1,
	                    "anchors and aliases are not allowed in %s",
	                    ld->opts->what ? ld->opts->what : "this file");
}

/* Attach a finished node (height = its collection levels) to the open collection or the root. */
static void
attach(struct loader *ld, struct yml_node *n, int height)
{
	struct frame *top;

	if (ld->stack.len == 0) {
		ld->root = n;
		return;
	}
	top = &ld->stack.items[ld->stack.len - 1];
	VEC_PUSH(&top->items, n);
	if (height > top->height)
		top->height = height;
}

static void
add_anchor(struct loader *ld, const char *name, struct yml_node *n, size_t size, int height)
{
	struct anchor a = {name, n, size, height};

	VEC_PUSH(&ld->anchors, a);
}

static const struct anchor *
find_anchor(const struct loader *ld, const char *name)
{
	size_t i;

	/* The latest definition wins: YAML allows an anchor to be redefined. */
	for (i = ld->anchors.len; i-- > 0;)
		if (strcmp(ld->anchors.items[i].name, name) == 0)
			return &ld->anchors.items[i];
	return NULL;
}

static bool
is_merge_key(const struct yml_node *k)
{
	return k->type == YML_SCALAR && k->style == YML_PLAIN && k->len == 2 &&
	       memcmp(k->text, "<<", 2) == 0;
}

/* Open-addressing set of scalar keys, for merging without quadratic lookups. */
struct keyset {
	const struct yml_node **slots;
	size_t cap;
};

static uint64_t
key_hash(const struct yml_node *k)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < k->len; i++)
		h = (h ^ (unsigned char)k->text[i]) * 1099511628211ull;
	return h;
}

/* Add k; false if an equal scalar key is already there (non-scalar keys always go in). */
static bool
keyset_add(struct keyset *s, const struct yml_node *k)
{
	size_t i;

	if (k->type != YML_SCALAR)
		return true;
	for (i = key_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		const struct yml_node *o = s->slots[i];

		if (o == NULL) {
			s->slots[i] = k;
			return true;
		}
		if (o->len == k->len && memcmp(o->text, k->text, k->len) == 0)
			return false;
	}
}

struct pair_vec {
	VEC(struct yml_pair) v;
};

static void
push_pair_unique(struct pair_vec *out, struct keyset *seen, struct yml_node *k, struct yml_node *v)
{
	struct yml_pair pr = {k, v};

	if (keyset_add(seen, k))
		VEC_PUSH(&out->v, pr);
}

/*
 * Apply YAML merge keys (`<<: *a`, `<<: [*a, *b]`) to a mapping's pairs: keys
 * written in the mapping win, then earlier merged mappings over later ones,
 * as docker compose (go-yaml) does.
 */
static int
apply_merge(struct loader *ld, struct yml_node *map, struct el_error *err)
{
	struct pair_vec out = {{0}};
	struct keyset seen = {NULL, 0};
	size_t total = 0, i, j, k;
	int rc = -1;

	for (i = 0; i < map->count; i++) {
		struct yml_node *v = map->pairs[i].value;

		total++;
		if (!is_merge_key(map->pairs[i].key))
			continue;
		if (v->type == YML_MAPPING) {
			total += v->count;
		} else if (v->type == YML_SEQUENCE) {
			for (j = 0; j < v->count; j++) {
				if (v->items[j]->type != YML_MAPPING) {
					el_error_set(
					    err, ld->path, v->items[j]->line, v->items[j]->col,
					    "a merge key (<<) takes a mapping or a list of "
					    "mappings, not %s",
					    yml_kind_name(v->items[j]));
					goto cleanup;
				}
				total += v->items[j]->count;
			}
		} else {
			/* At the key: v may be an alias whose node is written elsewhere. */
			el_error_set(
			    err, ld->path, map->pairs[i].key->line, map->pairs[i].key->col,
			    "a merge key (<<) takes a mapping or a list of mappings, not %s",
			    yml_kind_name(v));
			goto cleanup;
		}
	}
	for (seen.cap = 16; seen.cap < total * 2; seen.cap *= 2)
		;
	seen.slots = xcalloc(seen.cap, sizeof(*seen.slots));
	/* Written keys all stay, duplicates included, for the caller to report. */
	for (i = 0; i < map->count; i++) {
		if (!is_merge_key(map->pairs[i].key)) {
			(void)keyset_add(&seen, map->pairs[i].key);
			VEC_PUSH(&out.v, map->pairs[i]);
		}
	}
	for (i = 0; i < map->count; i++) {
		struct yml_node *v = map->pairs[i].value;

		if (!is_merge_key(map->pairs[i].key))
			continue;
		if (v->type == YML_MAPPING) {
			for (k = 0; k < v->count; k++)
				push_pair_unique(&out, &seen, v->pairs[k].key, v->pairs[k].value);
			continue;
		}
		for (j = 0; j < v->count; j++)
			for (k = 0; k < v->items[j]->count; k++)
				push_pair_unique(&out, &seen, v->items[j]->pairs[k].key,
				                 v->items[j]->pairs[k].value);
	}
	map->pairs = arena_alloc(ld->arena, (out.v.len ? out.v.len : 1) * sizeof(*map->pairs));
	if (out.v.len)
		memcpy(map->pairs, out.v.items, out.v.len * sizeof(*map->pairs));
	map->count = out.v.len;
	rc = 0;
cleanup:
	free(seen.slots);
	VEC_FREE(&out.v);
	return rc;
}

static int
open_collection(struct loader *ld, const yaml_event_t *ev, struct el_error *err)
{
	bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
	const yaml_char_t *anchor =
	    seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
	struct frame *f;

	if (anchor != NULL && !ld->opts->allow_aliases)
		return refuse_alias(ld, ev->start_mark, err);
	/* libyaml 0.2.5 has no nesting limit of its own: this counter is the only one. */
	if ((int)ld->stack.len >= max_depth(ld))
		return el_error_set(err, ld->path, (int)ev->start_mark.line + 1,
		                    (int)ev->start_mark.column + 1,
		                    "nesting is deeper than %d levels", max_depth(ld));
	if (count_nodes(ld, 1, ev->start_mark, err) < 0)
		return -1;
	f = VEC_PUSH_ZERO(&ld->stack);
	f->node = node_new(ld, seq ? YML_SEQUENCE : YML_MAPPING, ev->start_mark,
	                   seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag);
	f->node->flow = seq ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
	                    : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
	f->anchor = anchor ? arena_strdup(ld->arena, (const char *)anchor) : NULL;
	f->nodes_at_start = ld->nodes - 1;
	return 0;
}

static int
close_collection(struct loader *ld, struct el_error *err)
{
	struct frame f = ld->stack.items[--ld->stack.len];
	struct yml_node *n = f.node;
	size_t i;
	bool merge = false;

	if (n->type == YML_SEQUENCE) {
		n->items =
		    arena_alloc(ld->arena, (f.items.len ? f.items.len : 1) * sizeof(*n->items));
		if (f.items.len)
			memcpy(n->items, f.items.items, f.items.len * sizeof(*n->items));
		n->count = f.items.len;
	} else {
		n->count = f.items.len / 2;
		n->pairs = arena_alloc(ld->arena, (n->count ? n->count : 1) * sizeof(*n->pairs));
		for (i = 0; i < n->count; i++) {
			n->pairs[i].key = f.items.items[2 * i];
			n->pairs[i].value = f.items.items[2 * i + 1];
			merge = merge || is_merge_key(n->pairs[i].key);
		}
	}
	VEC_FREE(&f.items);
	if (merge && ld->opts->allow_aliases && apply_merge(ld, n, err) < 0)
		return -1;
	if (f.anchor != NULL)
		add_anchor(ld, f.anchor, n, ld->nodes - f.nodes_at_start, f.height + 1);
	attach(ld, n, f.height + 1);
	return 0;
}

static int
add_scalar(struct loader *ld, const yaml_event_t *ev, struct el_error *err)
{
	struct yml_node *n;

	if (ev->data.scalar.anchor != NULL && !ld->opts->allow_aliases)
		return refuse_alias(ld, ev->start_mark, err);
	if (count_nodes(ld, 1, ev->start_mark, err) < 0)
		return -1;
	n = node_new(ld, YML_SCALAR, ev->start_mark, ev->data.scalar.tag);
	n->text =
	    arena_strndup(ld->arena, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		n->style = YML_SINGLE_QUOTED;
		break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = YML_DOUBLE_QUOTED;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		n->style = YML_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = YML_FOLDED;
		break;
	default:
		n->style = YML_PLAIN;
		break;
	}
	if (ev->data.scalar.anchor != NULL)
		add_anchor(ld, arena_strdup(ld->arena, (const char *)ev->data.scalar.anchor), n, 1,
		           0);
	attach(ld, n, 0);
	return 0;
}

static int
add_alias(struct loader *ld, const yaml_event_t *ev, struct el_error *err)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct anchor *a;
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;

	if (!ld->opts->allow_aliases)
		return refuse_alias(ld, ev->start_mark, err);
	/* An anchor is registered when its node is complete, so an alias inside
	 * its own anchor (a cycle) is undefined here too. */
	a = find_anchor(ld, name);
	if (a == NULL)
		return el_error_set(err, ld->path, line, col,
		                    "alias *%s refers to no anchor before it", name);
	if ((int)ld->stack.len + a->height > max_depth(ld))
		return el_error_set(err, ld->path, line, col,
		                    "nesting is deeper than %d levels (after expanding *%s)",
		                    max_depth(ld), name);
	/* The subtree is shared, not copied, but it counts as many nodes as a copy
	 * would: whoever walks the tree visits them all, so an alias bomb stops here. */
	if (count_nodes(ld, a->size, ev->start_mark, err) < 0)
		return -1;
	attach(ld, a->node, a->height);
	return 0;
}

static int
handle_event(struct loader *ld, const yaml_event_t *ev, struct el_error *err)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++ld->documents > 1)
			return el_error_set(err, ld->path, (int)ev->start_mark.line + 1,
			                    (int)ev->start_mark.column + 1,
			                    "only one YAML document is allowed in this file");
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return open_collection(ld, ev, err);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_collection(ld, err);
	case YAML_SCALAR_EVENT:
		return add_scalar(ld, ev, err);
	case YAML_ALIAS_EVENT:
		return add_alias(ld, ev, err);
	default:
		return 0;
	}
}

/* A new document owning priv's arena, with root. */
static struct yml_doc *
new_doc(struct yml_priv *priv, struct yml_node *root, const char *path)
{
	struct yml_doc *doc = xcalloc(1, sizeof(*doc));

	doc->root = root;
	doc->path = xstrdup(path);
	doc->priv_ = priv;
	return doc;
}

int
yml_load_events(struct yml_doc **out, const char *buf, size_t len, const char *path,
                const struct yml_options *opts, struct el_error *err)
{
	static const struct yml_options defaults = {0, 0, 0, false, NULL, false};
	struct loader ld;
	struct yml_priv *priv = xcalloc(1, sizeof(*priv));
	yaml_event_t ev;
	bool done = false;
	size_t i;
	int rc = -1;

	memset(&ld, 0, sizeof(ld));
	ld.opts = opts ? opts : &defaults;
	ld.arena = &priv->arena;
	ld.path = path;
	ld.buf = buf;
	ld.len = len;
	if (len > (ld.opts->max_bytes ? ld.opts->max_bytes : YML_DEFAULT_MAX_BYTES)) {
		el_error_set(err, path, 0, 0, "file is larger than %zu bytes",
		             ld.opts->max_bytes ? ld.opts->max_bytes : YML_DEFAULT_MAX_BYTES);
		arena_free(&priv->arena);
		free(priv);
		return -1;
	}
	if (!yaml_parser_initialize(&ld.parser)) {
		free(priv);
		return el_error_set(err, path, 0, 0, "out of memory while parsing YAML");
	}
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&ld.parser, &ev)) {
			parser_error(&ld, err);
			goto cleanup;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		if (handle_event(&ld, &ev, err) < 0) {
			yaml_event_delete(&ev);
			goto cleanup;
		}
		yaml_event_delete(&ev);
	}
	*out = new_doc(priv, ld.root, path);
	priv = NULL;
	rc = 0;
cleanup:
	yaml_parser_delete(&ld.parser);
	for (i = 0; i < ld.stack.len; i++)
		VEC_FREE(&ld.stack.items[i].items);
	VEC_FREE(&ld.stack);
	VEC_FREE(&ld.anchors);
	if (priv != NULL) {
		arena_free(&priv->arena);
		free(priv);
	}
	return rc;
}

int
yml_load_buffer(struct yml_doc **out, const char *buf, size_t len, const char *path,
                const struct yml_options *opts, struct el_error *err)
{
	static const struct yml_options defaults = {0, 0, 0, false, NULL, false};
	const struct yml_options *o = opts ? opts : &defaults;
	struct yml_priv *priv;
	struct yml_node *root = NULL;

	/* Repository files, and past the size limit (libyaml gives the message): libyaml. */
	if (!o->direct || len > (o->max_bytes ? o->max_bytes : YML_DEFAULT_MAX_BYTES))
		return yml_load_events(out, buf, len, path, opts, err);
	priv = xcalloc(1, sizeof(*priv));
	if (yml_direct_load(&priv->arena, buf, len,
	                    o->max_depth > 0 ? o->max_depth : YML_DEFAULT_MAX_DEPTH,
	                    o->max_nodes > 0 ? o->max_nodes : YML_DEFAULT_MAX_NODES,
	                    o->allow_aliases, &root) == 0) {
		*out = new_doc(priv, root, path);
		return 0;
	}
	/* Outside the direct loader's YAML (or invalid): libyaml's events. */
	arena_free(&priv->arena);
	free(priv);
	return yml_load_events(out, buf, len, path, opts, err);
}

int
yml_load_file(struct yml_doc **out, const char *path, const struct yml_options *opts,
              struct el_error *err)
{
	size_t limit = opts && opts->max_bytes ? opts->max_bytes : YML_DEFAULT_MAX_BYTES;
	struct buf b = BUF_INIT;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return el_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		el_error_set(err, path, 0, 0, "not a regular file");
		goto cleanup;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			el_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		buf_add(&b, chunk, (size_t)n);
		if (b.len > limit) {
			el_error_set(err, path, 0, 0, "file is larger than %zu bytes", limit);
			goto cleanup;
		}
	}
	rc = yml_load_buffer(out, b.data ? b.data : "", b.len, path, opts, err);
cleanup:
	close(fd);
	buf_free(&b);
	return rc;
}

void
yml_doc_free(struct yml_doc *doc)
{
	struct yml_priv *priv;

	if (doc == NULL)
		return;
	priv = doc->priv_;
	if (priv != NULL) {
		arena_free(&priv->arena);
		free(priv);
	}
	free(doc->path);
	free(doc);
}

const struct yml_pair *
yml_map_pair(const struct yml_node *map, const char *key)
{
	size_t i, len;

	if (map == NULL || map->type != YML_MAPPING)
		return NULL;
	/* Length and first byte rule out most keys without comparing them. */
	len = strlen(key);
	for (i = 0; i < map->count; i++) {
		const struct yml_node *k = map->pairs[i].key;

		if (k->type == YML_SCALAR && k->len == len &&
		    (len == 0 || (k->text[0] == key[0] && memcmp(k->text, key, len) == 0)))
			return &map->pairs[i];
	}
	return NULL;
}

const struct yml_node *
yml_map_get(const struct yml_node *map, const char *key)
{
	const struct yml_pair *p = yml_map_pair(map, key);

	return p ? p->value : NULL;
}

bool
yml_scalar_is(const struct yml_node *n, const char *s)
{
	size_t i;

	if (n == NULL || n->type != YML_SCALAR)
		return false;
	/* Byte by byte: most keys differ from s in their first byte. */
	for (i = 0; i < n->len; i++)
		if (s[i] == '\0' || s[i] != n->text[i])
			return false;
	return s[i] == '\0';
}

bool
yml_is_null(const struct yml_node *n)
{
	if (n == NULL)
		return true;
	if (n->type != YML_SCALAR || n->style != YML_PLAIN || n->tag != NULL)
		return false;
	if (n->len == 0)
		return true;
	/* Most scalars are not null: their first byte tells. */
	if (n->text[0] != '~' && n->text[0] != 'n' && n->text[0] != 'N')
		return false;
	return strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

const char *
yml_kind_name(const struct yml_node *n)
{
	if (n == NULL || yml_is_null(n))
		return "null";
	switch (n->type) {
	case YML_SEQUENCE:
		return "a list";
	case YML_MAPPING:
		return "a mapping";
	default:
		break;
	}
	if (n->style == YML_PLAIN && n->tag == NULL) {
		static const char *const bools[] = {"true",  "false", "True",
		                                    "False", "TRUE",  "FALSE"};
		size_t i;
		char *end;

		for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
			if (strcmp(n->text, bools[i]) == 0)
				return "a boolean";
		errno = 0;
		(void)strtod(n->text, &end);
		if (n->len > 0 && *end == '\0' && strchr("+-.0123456789", n->text[0]) != NULL)
			return "a number";
	}
	return "a string";
}

const char *
yml_type_name(enum yml_type t)
{
	switch (t) {
	case YML_SCALAR:
		return "scalar";
	case YML_SEQUENCE:
		return "sequence";
	case YML_MAPPING:
		return "mapping";
	}
	return "node";
}

const char *
yml_map_text(const struct yml_node *map, const char *key)
{
	const struct yml_node *n = yml_map_get(map, key);

	return n != NULL && n->type == YML_SCALAR && !yml_is_null(n) ? n->text : NULL;
}

bool
yml_map_true(const struct yml_node *map, const char *key)
{
	const char *s = yml_map_text(map, key);

	return s != NULL && strcmp(s, "true") == 0;
}

void
yml_strings(const struct yml_node *n, void *vec)
{
	VEC(char *) *v = vec;
	size_t i;

	if (n == NULL)
		return;
	if (n->type == YML_SCALAR) {
		if (!yml_is_null(n))
			VEC_PUSH(v, xstrdup(n->text));
		return;
	}
	for (i = 0; n->type == YML_SEQUENCE && i < n->count; i++) {
		if (n->items[i]->type == YML_SCALAR)
			VEC_PUSH(v, xstrdup(n->items[i]->text));
	}
}

bool
yml_same_tree(const struct yml_node *a, const struct yml_node *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || a->style != b->style || a->flow != b->flow ||
	    a->line != b->line || a->col != b->col || a->count != b->count || a->len != b->len ||
	    (a->tag == NULL) != (b->tag == NULL) || (a->tag != NULL && strcmp(a->tag, b->tag) != 0))
		return false;
	if (a->type == YML_SCALAR)
		return memcmp(a->text, b->text, a->len + 1) == 0;
	for (i = 0; i < a->count; i++) {
		if (a->type == YML_SEQUENCE
		        ? !yml_same_tree(a->items[i], b->items[i])
		        : !yml_same_tree(a->pairs[i].key, b->pairs[i].key) ||
		              !yml_same_tree(a->pairs[i].value, b->pairs[i].value))
			return false;
	}
	return true;
}
