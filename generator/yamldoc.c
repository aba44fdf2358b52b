#include "yamldoc.h"

#include <string.h>
#include <yaml.h>

#include "strmap.h"
#include "xalloc.h"
#include "yamldoc_internal.h"

/* Nodes under construction are kept on an explicit stack, so deep nesting in
 * a hostile file cannot overflow the C stack; the depth is bounded too. */
#define YAMLDOC_MAX_DEPTH 64

struct builder {
	struct arena *a;
	struct diag *d;
	const char *path, *src;
	size_t src_len;
	int bad_key;		/* a key or value was refused: the tree is not returned */
	struct ynode *stack[YAMLDOC_MAX_DEPTH];
	struct ptrvec items[YAMLDOC_MAX_DEPTH];
	size_t depth;
	size_t first_line;
};

static struct ynode *node_new(struct builder *b, enum ynode_kind kind, yaml_mark_t mark)
{
	struct ynode *n = arena_alloc(b->a, sizeof(*n));
	n->kind = kind;
	n->line = mark.line + b->first_line;
	n->col = mark.column + 1;
	return n;
}

/* Attaches a finished node to the collection on top of the stack. Maps get
 * their children alternately as key and value. */
static void attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0)
		return;
	ptrvec_push(b->a, &b->items[b->depth - 1], n);
}

/* Keys are looked up in a set as they come: a file of 50,000 keys must not
 * compare each with all before it. A key given twice is an error at its
 * second place; the first stays. */
static void close_map(struct builder *b, struct ynode *n, const struct ptrvec *v)
{
	struct strmap seen = { 0 };
	size_t pairs = v->len / 2;
	n->keys = arena_alloc(b->a, (pairs + 1) * sizeof(*n->keys));
	n->items = arena_alloc(b->a, (pairs + 1) * sizeof(*n->items));
	for (size_t i = 0; i < pairs; i++) {
		struct ynode *key = v->items[2 * i];
		if (key->kind != YNODE_SCALAR) {
			diag_error(b->d, b->path, key->line, key->col, b->src, b->src_len,
				   "a key must be a plain name, not a list or mapping");
			b->bad_key = 1;
			continue;
		}
		const struct ynode *first = strmap_get(&seen, key->str);
		if (first) {
			diag_error(b->d, b->path, key->line, key->col, b->src, b->src_len,
				   "duplicate key '%s' (first given on line %zu)", key->str, first->line);
			b->bad_key = 1;
			continue;
		}
		strmap_put(b->a, &seen, key->str, key);
		n->keys[n->count] = key;
		n->items[n->count++] = v->items[2 * i + 1];
	}
}

static void close_collection(struct builder *b)
{
	struct ynode *n = b->stack[b->depth - 1];
	struct ptrvec *v = &b->items[b->depth - 1];
	if (n->kind == YNODE_SEQ) {
		n->items = (struct ynode **)v->items;
		n->count = v->len;
	} else {
		close_map(b, n, v);
	}
	b->depth--;
	attach(b, n);
}

/* A control character can come in through an escape ("\0", "\x01", "\e"):
 * the raw text was checked before parsing. A NUL would cut the value short
 * (`title: "\0"` would pass as a title that is there and shows nothing). */
static void check_scalar(struct builder *b, const struct ynode *n, const char *s, size_t len)
{
	long cp;
	if (diag_find_control(s, len, &cp) == len)
		return;
	if (cp == 0)
		diag_error(b->d, b->path, n->line, n->col, b->src, b->src_len,
			   "a NUL character (\\0) in a value is not allowed");
	else if (cp >= 0xFFFE)
		diag_error(b->d, b->path, n->line, n->col, b->src, b->src_len,
			   "noncharacter U+%04lX in a value is not allowed: it is no text, and XML refuses it",
			   (unsigned long)cp);
	else
		diag_error(b->d, b->path, n->line, n->col, b->src, b->src_len,
			   "control character U+%04lX in a value is not allowed (only tab, line feed "
			   "and carriage return are)", (unsigned long)cp);
	b->bad_key = 1;
}

/* The number of line ends in text: a mark on that line is at the very end. */
static size_t count_lines(const char *text, size_t len)
{
	size_t n = 0;
	for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
		n++;
	return n;
}

/* libyaml marks the place where it noticed the problem, and for an unclosed
 * quote or bracket that is the end of the text: the place that needs the fix
 * is where the unclosed thing started (the context mark), so that is named. */
static void report_parser_error(struct diag *d, const char *path, const char *src, size_t src_len,
				const yaml_parser_t *p, size_t first_line, size_t text_lines)
{
	if (p->error == YAML_MEMORY_ERROR) {
		/* libyaml's marks say nothing then: the place is not the cause */
		diag_error(d, path, 0, 0, NULL, 0, "out of memory while reading the YAML");
		return;
	}
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "syntax error";
	if (!p->context) {
		diag_error(d, path, m.line + first_line, m.column + 1, src, src_len, "YAML: %s", problem);
		return;
	}
	yaml_mark_t c = p->context_mark;
	if (m.line >= text_lines)
		diag_error(d, path, c.line + first_line, c.column + 1, src, src_len,
			   "YAML: %s %s that starts here", problem, p->context);
	else
		diag_error(d, path, m.line + first_line, m.column + 1, src, src_len,
			   "YAML: %s %s (which starts at line %zu, column %zu)", problem, p->context,
			   c.line + first_line, c.column + 1);
}

/* Characters (not bytes) before p on its line, for a column number. */
static size_t chars_between(const char *from, const char *p)
{
	size_t n = 0;
	for (; from < p; from++)
		n += ((unsigned char)*from & 0xC0) != 0x80;
	return n;
}

/* A Chinese input method types '：' for ':' (community：昌宁社区). YAML
 * takes such a line for a plain string and fails somewhere after it, with
 * a message that names neither the line nor the colon: each such line is
 * reported here, at the colon. A '：' inside a value (title: 人物：刘密),
 * in a comment or in a list item is left alone. Returns how many. */
static size_t report_wide_colons(struct diag *d, const char *path, const char *src, size_t src_len,
				 const char *text, size_t len, size_t first_line)
{
	static const char wide[] = "\xEF\xBC\x9A";	/* U+FF1A */
	size_t found = 0, line = 0;
	long block = -1;	/* inside a block scalar (| or >): the indent of its key */
	for (const char *p = text, *end = text + len; p < end; line++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *k = p;
		while (k < eol && (*k == ' ' || *k == '\t'))
			k++;
		const char *last = eol;
		while (last > k && (last[-1] == ' ' || last[-1] == '\r' || last[-1] == '-' || last[-1] == '+'))
			last--;
		if (block >= 0 && (k == eol || k - p > block)) {
			p = eol + 1;	/* a line of the block's text: anything goes */
			continue;
		}
		block = last > k && (last[-1] == '|' || last[-1] == '>') ? (long)(k - p) : -1;
		const char *c = k;
		while (c + 3 <= eol && *c != ':' && *c != '#' && *c != ' ' && memcmp(c, wide, 3) != 0)
			c++;
		if (k < eol && *k != '-' && *k != '#' && c > k && c + 3 <= eol && memcmp(c, wide, 3) == 0) {
			diag_error(d, path, first_line + line, chars_between(p, c) + 1, src, src_len,
				   "a full-width colon '：' after '%.*s': keys take an ASCII colon and a space "
				   "('%.*s: …')", (int)(c - k), k, (int)(c - k), k);
			found++;
		}
		p = eol + 1;
	}
	return found;
}

/* libyaml calls a tab in the indentation "found character that cannot
 * start any token", under an invisible character: when the line libyaml
 * failed on is indented with a tab, say that instead. Returns 1 if so. */
static int report_tab(struct diag *d, const char *path, const char *src, size_t src_len, const char *text,
		      size_t len, const yaml_parser_t *parser, size_t first_line)
{
	const yaml_mark_t *marks[2] = { &parser->problem_mark, &parser->context_mark };
	for (int m = 0; m < 2; m++) {
		/* (marks count characters, not bytes: find the line by number) */
		const char *line = text, *end = text + len;
		for (size_t n = 0; n < marks[m]->line && line < end; n++) {
			const char *nl = memchr(line, '\n', (size_t)(end - line));
			line = nl ? nl + 1 : end;
		}
		for (const char *c = line; c < text + len && (*c == ' ' || *c == '\t'); c++)
			if (*c == '\t') {
				diag_error(d, path, marks[m]->line + first_line, chars_between(line, c) + 1, src,
					   src_len, "a tab in the indentation: YAML indents with spaces only");
				return 1;
			}
	}
	return 0;
}

struct ynode *yamldoc_parse(struct arena *a, struct diag *d, const char *path,
			    const char *src, size_t src_len, const char *text, size_t len,
			    size_t first_line)
{
	if (report_wide_colons(d, path, src, src_len, text, len, first_line))
		return NULL;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct builder b = { .a = a, .d = d, .path = path, .src = src, .src_len = src_len, .depth = 0,
			     .first_line = first_line };
	struct ynode *root = NULL;
	int done = 0, failed = 0;

	if (!yaml_parser_initialize(&parser)) {
		/* a parser it could not set up would report no event, forever */
		diag_error(d, path, 0, 0, NULL, 0, "out of memory while reading the YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (!report_tab(d, path, src, src_len, text, len, &parser, first_line) &&
			    !yamldoc_report_cause(d, path, src, src_len, text, len, &parser, first_line))
				report_parser_error(d, path, src, src_len, &parser, first_line, count_lines(text, len));
			failed = 1;
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT: {
			struct ynode *n = node_new(&b, YNODE_SCALAR, ev.start_mark);
			check_scalar(&b, n, (const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->str = arena_strndup(a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			if (b.depth == 0)
				root = n;
			attach(&b, n);
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth == YAMLDOC_MAX_DEPTH) {
				diag_error(d, path, ev.start_mark.line + first_line, ev.start_mark.column + 1,
					   src, src_len, "YAML: nested more than %d levels deep", YAMLDOC_MAX_DEPTH);
				failed = 1;
				break;
			}
			b.stack[b.depth] = node_new(&b, ev.type == YAML_SEQUENCE_START_EVENT ? YNODE_SEQ : YNODE_MAP,
						    ev.start_mark);
			b.items[b.depth] = (struct ptrvec){ 0 };
			if (b.depth == 0)
				root = b.stack[0];
			b.depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			close_collection(&b);
			break;
		case YAML_ALIAS_EVENT:
			diag_error(d, path, ev.start_mark.line + first_line, ev.start_mark.column + 1, src, src_len,
				   "YAML: aliases (*name) are not supported here");
			failed = 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (failed || b.bad_key)
		return NULL;
	/* `title:石楼…` alone is read as one string, not a mapping */
	if (root && root->kind == YNODE_SCALAR && root->plain &&
	    yamldoc_report_bare_root(d, path, src, src_len, text, len, root->line - first_line, root->col, first_line))
		return NULL;
	if (!root) {
		root = arena_alloc(a, sizeof(*root));
		root->kind = YNODE_MAP;
		root->line = first_line;
		root->col = 1;
	}
	return root;
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->count; i++)
		if (map->keys[i]->kind == YNODE_SCALAR && strcmp(map->keys[i]->str, key) == 0)
			return map->items[i];
	return NULL;
}

int ynode_bool(const struct ynode *n, int *out)
{
	if (!n || n->kind != YNODE_SCALAR || !n->plain)
		return 0;
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "on" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "off" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (strcmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcmp(n->str, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}
