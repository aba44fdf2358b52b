/* mustache_spec: runs the official Mustache spec (the specs/ directory, one .yml file per module) against tmpl.
 *
 *   mustache_spec <spec-dir>
 *
 * Prints one line per case, `ok - mustache spec: <file>: <case>`, or
 * `not ok - ...` followed by indented details, or `skip - ...` with a reason
 * (tests/check.h), and a last line `# mustache_spec: N passed, N failed`.
 * Exits 1 when a case failed, else 0 (also when the directory is missing: one
 * skip line says so). The project's runner counts the lines. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "tmpl.h"
#include "value.h"
#include "xalloc.h"

#include "check.h"

/* One test case: what the loader serves. The main template is named "",
 * which no partial tag can name. */
struct spec_case {
	struct arena *a;
	const char *template;
	size_t template_len;
	const struct val *partials;
};

static int load(void *ctx, const char *name, struct buf *source, const char **path)
{
	struct spec_case *c = ctx;
	if (!*name) {
		buf_add(source, c->template, c->template_len);
		*path = "template";
		return 1;
	}
	const struct val *v = val_get(c->partials, name, strlen(name));
	if (!v || v->kind != VAL_STR)
		return 0;
	buf_add(source, v->u.str.s, v->u.str.len);
	*path = arena_sprintf(c->a, "partial %s", name);
	return 1;
}

static yaml_node_t *node(yaml_document_t *doc, int id)
{
	return yaml_document_get_node(doc, id);
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
			return node(doc, p->value);
	}
	return NULL;
}

static const char *scalar_text(yaml_node_t *n, size_t *len)
{
	if (!n || n->type != YAML_SCALAR_NODE) {
		*len = 0;
		return "";
	}
	*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

/* Plain scalars are typed as the spec means them: booleans, null, and
 * numbers, which our data model holds as text formatted for people. */
static struct val *scalar_val(struct arena *a, yaml_node_t *n)
{
	size_t len;
	const char *s = scalar_text(n, &len);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return val_strn(a, s, len);
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return val_bool(a, s[0] == 't');
	if (len == 0 || strcmp(s, "null") == 0 || strcmp(s, "~") == 0)
		return val_null(a);
	char *end;
	double d = strtod(s, &end);
	if (end == s + len)
		return val_strf(a, "%.15g", d);
	return val_strn(a, s, len);
}

static struct val *to_val(struct arena *a, yaml_document_t *doc, yaml_node_t *n)
{
	if (!n)
		return val_null(a);
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return scalar_val(a, n);
	case YAML_SEQUENCE_NODE: {
		struct val *list = val_list(a);
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
			val_push(a, list, to_val(a, doc, node(doc, *i)));
		return list;
	}
	case YAML_MAPPING_NODE: {
		struct val *map = val_map(a);
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			size_t len;
			const char *k = scalar_text(node(doc, p->key), &len);
			val_set(a, map, arena_strndup(a, k, len), to_val(a, doc, node(doc, p->value)));
		}
		return map;
	}
	default:
		return val_null(a);
	}
}

/* Partials are template text whatever YAML thinks they look like. */
static struct val *partials_val(struct arena *a, yaml_document_t *doc, yaml_node_t *n)
{
	struct val *map = val_map(a);
	if (!n || n->type != YAML_MAPPING_NODE)
		return map;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		size_t klen, vlen;
		const char *k = scalar_text(node(doc, p->key), &klen);
		const char *v = scalar_text(node(doc, p->value), &vlen);
		val_set(a, map, arena_strndup(a, k, klen), val_strn(a, v, vlen));
	}
	return map;
}

/* Runs one case. */
static void run_case(const char *file, yaml_document_t *doc, yaml_node_t *test)
{
	size_t name_len, expected_len;
	const char *name = scalar_text(map_get(doc, test, "name"), &name_len);
	const char *expected = scalar_text(map_get(doc, test, "expected"), &expected_len);
	struct arena a = ARENA_INIT;
	struct spec_case c = { &a, NULL, 0, partials_val(&a, doc, map_get(doc, test, "partials")) };
	c.template = scalar_text(map_get(doc, test, "template"), &c.template_len);
	struct val *data = to_val(&a, doc, map_get(doc, test, "data"));

	struct buf out = BUF_INIT, msgs = BUF_INIT;
	struct diag d = DIAG_INIT;
	d.sink = &msgs;
	struct tmpl_set *set = tmpl_set_new(&a, load, &c);
	const struct tmpl *t = tmpl_set_get(set, "", &d);
	/* Dynamic names choose among compiled templates: compile them all. */
	for (size_t i = 0; i < c.partials->u.map.len; i++)
		tmpl_set_get(set, c.partials->u.map.entries[i].key, &d);
	int ok = t && tmpl_render(set, t, data, &out, &d) == 0 && buf_equals(&out, expected, expected_len);
	struct buf what = BUF_INIT;
	buf_addf(&what, "%s: %.*s", file, (int)name_len, name);
	if (!check(what.data, ok)) {
		check_show("template:", c.template, c.template_len);
		check_show("expected:", expected, expected_len);
		check_show("got:", out.data, out.len);
		if (msgs.len)
			check_show("messages:", msgs.data, msgs.len);
	}
	buf_free(&what);
	buf_free(&out);
	buf_free(&msgs);
	arena_free(&a);
}

/* Runs every case of one file. */
static void run_file(const char *dir, const char *entry)
{
	char file[256];
	snprintf(file, sizeof(file), "%.*s", (int)(strlen(entry) - 4), entry);
	char *path = xmalloc(strlen(dir) + strlen(entry) + 2);
	sprintf(path, "%s/%s", dir, entry);
	FILE *fp = fopen(path, "rb");
	free(path);
	yaml_parser_t parser;
	yaml_document_t doc;
	struct buf what = BUF_INIT;
	if (!fp) {
		buf_addf(&what, "%s: cannot open", file);
		check(what.data, 0);
		buf_free(&what);
		return;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		buf_addf(&what, "%s: YAML error: %s (line %zu)", file, parser.problem ? parser.problem : "?",
			 parser.problem_mark.line + 1);
		check(what.data, 0);
	} else {
		yaml_node_t *tests = map_get(&doc, yaml_document_get_root_node(&doc), "tests");
		int lambdas = strstr(file, "lambdas") != NULL;
		for (yaml_node_item_t *i = tests && tests->type == YAML_SEQUENCE_NODE ? tests->data.sequence.items.start : NULL;
		     i && i < tests->data.sequence.items.top; i++) {
			yaml_node_t *test = node(&doc, *i);
			if (!lambdas) {
				run_case(file, &doc, test);
				continue;
			}
			size_t len;
			const char *name = scalar_text(map_get(&doc, test, "name"), &len);
			buf_reset(&what);
			buf_addf(&what, "%s: %.*s: lambdas need a host language", file, (int)len, name);
			check_skip(what.data);
		}
		yaml_document_delete(&doc);
	}
	buf_free(&what);
	yaml_parser_delete(&parser);
	fclose(fp);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <spec-dir>\n", argv[0]);
		return 2;
	}
	check_module = "mustache spec";
	DIR *dir = opendir(argv[1]);
	if (!dir) {
		struct buf what = BUF_INIT;
		buf_addf(&what, "not found at %s", argv[1]);
		check_skip(what.data);
		buf_free(&what);
		return check_done("mustache_spec");
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".yml") != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		run_file(argv[1], names[i]);
		free(names[i]);
	}
	free(names);
	return check_done("mustache_spec");
}
