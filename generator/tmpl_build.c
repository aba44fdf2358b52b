/* tmpl_build.c: turning tags into operations.
 *
 * Most of the work is whitespace: the spec wants templates to read like the
 * page they produce, so tags that print nothing must not leave blank lines.
 * The rules (the spec's tests, summed up in mustache/spec specs/whitespace.md):
 *
 *  - A tag other than an interpolation that is alone on its line ("standalone")
 *    takes the whole line with it: indentation and line ending.
 *  - A standalone partial keeps that indentation and puts it before each line
 *    of the partial.
 *  - A parent stands alone as a pair: whitespace only before {{<name}} on its
 *    line and after {{/name}} on its. That whitespace before becomes the
 *    parent's indentation, the line ending after goes away.
 *  - A block directly inside a parent is an argument. When its opening tag
 *    ends the line, the line ending goes with the tag, and the indentation of
 *    its first line ("intrinsic indentation") is removed from each of its
 *    lines: it is indented again where it lands.
 *  - Any other block is a parameter. Standalone, it hands the intrinsic
 *    indentation of its default content to the argument that replaces it.
 *    Standalone as a pair, it hands over the whitespace before its opening
 *    tag (its "lead"), which otherwise stays literal text before the default.
 *  - Text inside a parent but outside its blocks is ignored.
 *
 * Indentation is applied when rendering: an operation marked `bol` starts a
 * line and receives the indentation of the expansions it is in. */
#include "tmpl_parse_internal.h"

#include <string.h>

#include "xalloc.h"

/* An element (section, parent, block) whose closing tag is still to come. */
struct open_elem {
	size_t op;		/* index of its opening operation */
	int left_clear;		/* only whitespace before the opening tag on its line */
	int argument;		/* a block directly inside a parent */
	int decided;		/* blocks: the site was settled at the opening tag */
	const char *outdent;	/* arguments: the outdent in force around it */
	size_t outdent_len;
};

/* Indentation found at src[pos], measured inside the innermost argument,
 * whose own intrinsic indentation is removed from each of its lines. */
static void relative_indent(const struct parser *p, size_t pos, size_t n, const char **s, size_t *len)
{
	*s = p->src + pos;
	*len = n;
	if (p->outdent_len && n >= p->outdent_len && memcmp(*s, p->outdent, p->outdent_len) == 0) {
		*s += p->outdent_len;
		*len -= p->outdent_len;
	}
}

static size_t add_op(struct parser *p, enum tmpl_op_kind kind, size_t pos)
{
	if (p->nops == p->ops_cap) {
		p->ops_cap = p->ops_cap ? 2 * p->ops_cap : 32;
		p->ops = xrealloc(p->ops, p->ops_cap * sizeof(*p->ops));
	}
	struct tmpl_op *op = &p->ops[p->nops];
	memset(op, 0, sizeof(*op));
	op->kind = (unsigned char)kind;
	op->pos = (uint32_t)pos;
	return p->nops++;
}

static struct open_elem *push_open(struct parser *p, size_t op, int left_clear)
{
	if (p->nopen == p->open_cap) {
		p->open_cap = p->open_cap ? 2 * p->open_cap : 8;
		p->open = xrealloc(p->open, p->open_cap * sizeof(*p->open));
	}
	struct open_elem *e = &p->open[p->nopen++];
	memset(e, 0, sizeof(*e));
	e->op = op;
	e->left_clear = left_clear;
	return e;
}

static int in_parent(const struct parser *p)
{
	return p->nopen && p->ops[p->open[p->nopen - 1].op].kind == TMPL_PARENT;
}

/* The text [a, b) without the innermost argument's intrinsic indentation at
 * the start of its lines, copied into the arena. */
static const char *outdented(struct parser *p, size_t a, size_t b, size_t *len)
{
	const char *src = p->src;
	buf_reset(&p->scratch);
	for (size_t i = a; i < b;) {
		if ((i == 0 || src[i - 1] == '\n') && b - i >= p->outdent_len
		    && memcmp(src + i, p->outdent, p->outdent_len) == 0)
			i += p->outdent_len;
		const char *nl = memchr(src + i, '\n', b - i);
		size_t e = nl ? (size_t)(nl - src) + 1 : b;
		buf_add(&p->scratch, src + i, e - i);
		i = e;
	}
	*len = p->scratch.len;
	return arena_strndup(p->set->a, p->scratch.data, p->scratch.len);
}

/* Turns the pending literal text, up to `upto`, into an operation. */
static void flush_text(struct parser *p, size_t upto)
{
	size_t a = p->text_start;
	if (upto <= a || in_parent(p))
		return;
	const char *s = p->src + a;
	size_t n = upto - a;
	if (p->outdent_len)
		s = outdented(p, a, upto, &n);
	if (!n)
		return;
	size_t i = add_op(p, TMPL_TEXT, a);	/* may move p->ops */
	struct tmpl_op *op = &p->ops[i];
	op->bol = (unsigned char)p->at_bol;
	op->text = s;
	op->len = n;
	p->at_bol = s[n - 1] == '\n';
}

/* A dotted name split into its parts; `s` is kept whole for closing tags. */
static struct tmpl_name make_name(struct parser *p, const char *s, size_t len,
				  const char *path, size_t path_len)
{
	struct tmpl_name n = { s, len, NULL, 0 };
	if (path_len == 1 && path[0] == '.')
		return n;
	size_t dots = 0;
	for (size_t i = 0; i < path_len; i++)
		dots += path[i] == '.';
	struct tmpl_part *parts = arena_alloc(p->set->a, (dots + 1) * sizeof(*parts));
	for (size_t i = 0, from = 0; i <= path_len; i++) {
		if (i == path_len || path[i] == '.') {
			parts[n.nparts++] = (struct tmpl_part){ path + from, i - from, val_key_word(path + from, i - from) };
			from = i + 1;
		}
	}
	n.parts = parts;
	return n;
}

static struct tmpl_name tag_name(struct parser *p, const struct tmpl_tag *tg)
{
	return make_name(p, tg->name, tg->name_len, tg->name, tg->name_len);
}

/* Partials and parents: the template named, or a dynamic name ("*name",
 * looked up in the context when rendering). */
static void set_target(struct parser *p, size_t i, const struct tmpl_tag *tg)
{
	struct tmpl_op *op = &p->ops[i];
	if (tg->name[0] == '*') {
		const char *s = tg->name + 1;
		size_t n = tg->name_len - 1;
		tmpl_trim(&s, &n);
		op->dynamic = 1;
		op->name = make_name(p, tg->name, tg->name_len, s, n);
		return;
	}
	op->name = tag_name(p, tg);
	op->target = tmpl_set_ref(p->set, tg->name, tg->name_len);
	if (op->target->state == TMPL_MISSING && p->set->strict)
		tmpl_report(p, 1, tg->start, "%s '%.*s' not found: no template of that name in the theme",
			    tg->type == '>' ? "partial" : "parent", (int)tg->name_len, tg->name);
	else if (op->target->state == TMPL_MISSING)
		tmpl_report(p, 0, tg->start, "%s '%.*s' not found: it renders as nothing",
			    tg->type == '>' ? "partial" : "parent", (int)tg->name_len, tg->name);
}

/* Comments, delimiter changes, ignored tags: they only take their line. */
void tmpl_build_silent(struct parser *p, const struct tmpl_tag *tg)
{
	size_t ls, le;
	if (tmpl_stands_alone(p, tg, &ls, &le)) {
		flush_text(p, ls);
		p->text_start = le;
		p->at_bol = 1;
	} else {
		flush_text(p, tg->start);
		p->text_start = tg->end;
	}
}

static void on_variable(struct parser *p, const struct tmpl_tag *tg)
{
	if (!in_parent(p)) {
		flush_text(p, tg->start);
		size_t i = add_op(p, tg->type ? TMPL_RAW : TMPL_VAR, tg->start);
		struct tmpl_op *op = &p->ops[i];
		op->bol = (unsigned char)p->at_bol;
		op->name = tag_name(p, tg);
		p->at_bol = 0;
	}
	p->text_start = tg->end;
}

static void on_section(struct parser *p, const struct tmpl_tag *tg)
{
	size_t ls, le;
	int alone = tmpl_stands_alone(p, tg, &ls, &le);
	flush_text(p, alone ? ls : tg->start);
	size_t i = add_op(p, tg->type == '#' ? TMPL_SECTION : TMPL_INVERTED, tg->start);
	p->ops[i].bol = (unsigned char)(alone ? 0 : p->at_bol);
	p->ops[i].name = tag_name(p, tg);
	push_open(p, i, alone);
	p->text_start = alone ? le : tg->end;
	p->at_bol = alone;
}

static void on_partial(struct parser *p, const struct tmpl_tag *tg)
{
	if (in_parent(p)) {
		p->text_start = tg->end;
		return;
	}
	size_t ls, le;
	int alone = tmpl_stands_alone(p, tg, &ls, &le);
	flush_text(p, alone ? ls : tg->start);
	size_t i = add_op(p, TMPL_PARTIAL, tg->start);
	set_target(p, i, tg);
	struct tmpl_op *op = &p->ops[i];
	if (alone) {
		op->site = TMPL_LINE;
		relative_indent(p, ls, tg->start - ls, &op->indent, &op->indent_len);
	} else {
		op->bol = (unsigned char)p->at_bol;
	}
	p->text_start = alone ? le : tg->end;
	p->at_bol = alone;
}

static void on_parent(struct parser *p, const struct tmpl_tag *tg)
{
	size_t ls;
	int left = tmpl_clear_before(p, tg->start, &ls);
	flush_text(p, left ? ls : tg->start);
	size_t i = add_op(p, TMPL_PARENT, tg->start);
	set_target(p, i, tg);
	struct tmpl_op *op = &p->ops[i];
	op->bol = (unsigned char)p->at_bol;
	if (left)
		relative_indent(p, ls, tg->start - ls, &op->text, &op->len);
	push_open(p, i, left);
	p->text_start = tg->end;
}

/* A block directly inside a parent: the content replaces a parameter. */
static void on_argument(struct parser *p, const struct tmpl_tag *tg)
{
	size_t i = add_op(p, TMPL_BLOCK, tg->start);
	p->ops[i].name = tag_name(p, tg);
	struct open_elem *e = push_open(p, i, 0);
	e->argument = e->decided = 1;
	e->outdent = p->outdent;
	e->outdent_len = p->outdent_len;
	size_t le;
	if (tmpl_clear_after(p, tg->end, &le)) {
		p->text_start = le;
		p->outdent = p->src + le;
		p->outdent_len = tmpl_blanks_at(p, le);
	} else {
		p->text_start = tg->end;
		p->outdent_len = 0;
	}
	p->at_bol = 1;	/* an argument is a template of its own */
}

static void on_block(struct parser *p, const struct tmpl_tag *tg)
{
	if (in_parent(p)) {
		on_argument(p, tg);
		return;
	}
	size_t ls, le;
	int left = tmpl_clear_before(p, tg->start, &ls);
	int right = tmpl_clear_after(p, tg->end, &le);
	flush_text(p, left ? ls : tg->start);
	size_t i = add_op(p, TMPL_BLOCK, tg->start);
	struct tmpl_op *op = &p->ops[i];
	op->name = tag_name(p, tg);
	struct open_elem *e = push_open(p, i, left);
	if (left && right) {
		op->site = TMPL_LINE;
		relative_indent(p, le, tmpl_blanks_at(p, le), &op->indent, &op->indent_len);
		e->decided = 1;
		p->text_start = le;
		p->at_bol = 1;
		return;
	}
	op->bol = (unsigned char)p->at_bol;
	if (left)
		relative_indent(p, ls, tg->start - ls, &op->text, &op->len);
	p->text_start = tg->end;
	p->at_bol = 0;
}

/* Ends the innermost element, whose closing tag is tg (NULL when the element
 * is abandoned to recover from an error). */
static void close_elem(struct parser *p, const struct tmpl_tag *tg)
{
	struct open_elem e = p->open[p->nopen - 1];
	size_t ls = 0, le = 0, end = tg ? tg->end : p->text_start;
	int alone = 0;
	if (tg && e.argument)	/* blanks before the closing tag end no line of its content */
		flush_text(p, tmpl_clear_before(p, tg->start, &ls) ? ls : tg->start);
	else if (tg)
		flush_text(p, (alone = tmpl_stands_alone(p, tg, &ls, &le)) ? ls : tg->start);
	p->nopen--;
	struct tmpl_op *op = &p->ops[e.op];
	op->end = (uint32_t)p->nops;
	if (e.argument) {
		p->outdent = e.outdent;
		p->outdent_len = e.outdent_len;
		p->text_start = end;
		return;
	}
	/* Parents and parameters standing alone as a pair: see the top. */
	int pair = tg && e.left_clear && tmpl_clear_after(p, tg->end, &le);
	if ((op->kind == TMPL_PARENT || (op->kind == TMPL_BLOCK && !e.decided)) && pair) {
		op->site = TMPL_LINE;
		op->indent = op->text;
		op->indent_len = op->len;
	}
	if (op->kind == TMPL_PARENT) {
		if (pair)
			op->bol = 0;
		alone = pair;
	}
	p->text_start = alone ? le : end;
	p->at_bol = alone;
}

static const char *const elem_what[] = {
	[TMPL_SECTION] = "section", [TMPL_INVERTED] = "inverted section",
	[TMPL_PARENT] = "parent", [TMPL_BLOCK] = "block",
};

static void on_close(struct parser *p, const struct tmpl_tag *tg)
{
	if (!p->nopen) {
		tmpl_report(p, 1, tg->start, "closing tag '%.*s' without an open section",
			    (int)tg->name_len, tg->name);
		tmpl_build_silent(p, tg);
		return;
	}
	size_t k = p->nopen;
	while (k > 0) {
		const struct tmpl_name *n = &p->ops[p->open[k - 1].op].name;
		if (n->len == tg->name_len && memcmp(n->s, tg->name, n->len) == 0)
			break;
		k--;
	}
	if (k != p->nopen) {
		/* A typo closes the innermost element; a name further out closes
		 * everything up to it. Either way one message. */
		const struct tmpl_op *in = &p->ops[p->open[p->nopen - 1].op];
		size_t line, col;
		diag_locate(p->src, in->pos, &line, &col);
		tmpl_report(p, 1, tg->start, "closing tag '%.*s' does not match %s '%.*s' opened at line %zu, column %zu",
			    (int)tg->name_len, tg->name, elem_what[in->kind], (int)in->name.len, in->name.s,
			    line, col);
		if (k == 0)
			k = p->nopen;
		while (p->nopen > k)
			close_elem(p, NULL);
	}
	close_elem(p, tg);
}

void tmpl_build_tag(struct parser *p, const struct tmpl_tag *tg)
{
	switch (tg->type) {
	case '#': case '^': on_section(p, tg); break;
	case '/': on_close(p, tg); break;
	case '>': on_partial(p, tg); break;
	case '<': on_parent(p, tg); break;
	case '$': on_block(p, tg); break;
	default: on_variable(p, tg); break;
	}
}

void tmpl_build_end(struct parser *p)
{
	flush_text(p, p->len);
	for (size_t k = 0; k < p->nopen; k++) {
		const struct tmpl_op *op = &p->ops[p->open[k].op];
		tmpl_report(p, 1, op->pos, "unclosed %s '%.*s': no closing tag before the end of the template",
			    elem_what[op->kind], (int)op->name.len, op->name.s);
	}
}
