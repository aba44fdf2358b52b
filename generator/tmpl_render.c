/* tmpl_render.c: running compiled operations against a context.
 *
 * Everything a nesting level needs (context stack, indentation, block
 * overrides) is a small struct on the C stack linked to the level above, so
 * rendering allocates nothing and only reads the set: that is what makes it
 * safe in several threads at once. */
#define TMPL_INTERNAL
#include "tmpl.h"

#include <string.h>

/* The context stack: names are looked up from the top down. */
struct ctx {
	const struct val *v;
	const struct ctx *up;
};

/* Indentation of the expansions being rendered, innermost first; a line
 * receives all of it, outermost first. */
struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

/* A parent being rendered: its arguments replace blocks of the same name. */
struct scope {
	const struct tmpl *t;		/* the template the parent tag is in */
	const struct tmpl_op *parent;
	const struct scope *up;
};

struct tmpl_run {
	const struct tmpl_set *set;
	struct buf *out;
	struct diag *d;
	unsigned depth;
	size_t steps;		/* operations run so far, for TMPL_MAX_STEPS */
	size_t start;		/* out->len when the render began */
};

struct frame {
	const struct tmpl *t;
	const struct ctx *ctx;
	const struct indent *indent;
	const struct scope *scope;
};

static int render_ops(struct tmpl_run *r, const struct frame *f, size_t begin, size_t end);

/* The index after operation i and, for an element, everything inside it. */
static size_t next_op(const struct tmpl_op *ops, size_t i)
{
	unsigned char k = ops[i].kind;
	return k == TMPL_SECTION || k == TMPL_INVERTED || k == TMPL_PARENT || k == TMPL_BLOCK ? ops[i].end : i + 1;
}

/* Each context a lookup searches counts as a step of the render's work
 * (see TMPL_MAX_STEPS): deep sections make lookups the costly part. */
static const struct val *lookup(struct tmpl_run *r, const struct ctx *c, const struct tmpl_name *n)
{
	if (!n->nparts)
		return c ? c->v : NULL;
	const struct val *v = NULL;
	for (; c && !v; c = c->up) {
		r->steps++;
		v = val_get_w(c->v, n->parts[0].s, n->parts[0].len, n->parts[0].word);
	}
	for (size_t i = 1; v && i < n->nparts; i++)
		v = val_get_w(v, n->parts[i].s, n->parts[i].len, n->parts[i].word);
	return v;
}

static void emit_indent(struct buf *out, const struct indent *in)
{
	if (!in)
		return;
	emit_indent(out, in->up);
	buf_add(out, in->s, in->len);
}

static void emit_text(struct buf *out, const char *s, size_t len, const struct indent *in)
{
	const char *nl;
	while (in && (nl = memchr(s, '\n', len)) && nl + 1 < s + len) {
		size_t n = (size_t)(nl + 1 - s);
		buf_add(out, s, n);
		emit_indent(out, in);
		s += n;
		len -= n;
	}
	buf_add(out, s, len);
}

static void emit_val(struct buf *out, const struct val *v, int escape)
{
	if (!v)
		return;
	if (v->kind == VAL_STR && escape && !v->u.str.plain)
		buf_add_html_escaped(out, v->u.str.s, v->u.str.len);
	else if (v->kind == VAL_STR)
		buf_add(out, v->u.str.s, v->u.str.len);
	else if (v->kind == VAL_BOOL)
		buf_addstr(out, v->u.boolean ? "true" : "false");
	/* null renders as nothing; so do lists and maps, which have no text */
}

static int too_deep(struct tmpl_run *r, const struct tmpl *t, const struct tmpl_op *op)
{
	size_t line, col;
	diag_locate(t->src, op->pos, &line, &col);
	diag_error(r->d, t->path, line, col, t->src, t->src_len,
		   "more than %d nested sections, partials and blocks at '%.*s': "
		   "does a template include itself?",
		   TMPL_MAX_DEPTH, (int)op->name.len, op->name.s);
	return -1;
}

/* Renders ops [begin, end) of sub->t one level deeper than f, where `op`
 * opened the level. */
static int descend(struct tmpl_run *r, const struct frame *f, const struct tmpl_op *op,
		   const struct frame *sub, size_t begin, size_t end)
{
	if (r->depth >= TMPL_MAX_DEPTH)
		return too_deep(r, f->t, op);
	r->depth++;
	int rc = render_ops(r, sub, begin, end);
	r->depth--;
	return rc;
}

static int render_section(struct tmpl_run *r, const struct frame *f, const struct tmpl_op *op, size_t i)
{
	const struct val *v = lookup(r, f->ctx, &op->name);
	int truthy = val_truthy(v);
	struct frame in = *f;
	if (op->kind == TMPL_INVERTED)
		return truthy ? 0 : descend(r, f, op, f, i + 1, op->end);
	if (!truthy)
		return 0;
	if (v->kind != VAL_LIST) {
		struct ctx c = { v, f->ctx };
		in.ctx = &c;
		return descend(r, f, op, &in, i + 1, op->end);
	}
	for (size_t k = 0; k < v->u.list.len; k++) {
		struct ctx c = { v->u.list.items[k], f->ctx };
		in.ctx = &c;
		if (descend(r, f, op, &in, i + 1, op->end))
			return -1;
	}
	return 0;
}

/* The template a partial or parent tag names: dynamic names are resolved in
 * the context, among the templates the set has compiled. */
static const struct tmpl *target(struct tmpl_run *r, const struct frame *f, const struct tmpl_op *op)
{
	const struct tmpl *t = op->target;
	if (op->dynamic) {
		const struct val *v = lookup(r, f->ctx, &op->name);
		t = v && v->kind == VAL_STR ? tmpl_set_find(r->set, v->u.str.s, v->u.str.len) : NULL;
	}
	return t && t->state == TMPL_OK ? t : NULL;
}

/* Sets up the indentation for an expansion (partial, parent, argument) at the
 * site of `op`: standalone, it adds op's indentation to what is in force;
 * inline, it starts afresh after the text already on the line. */
static const struct indent *expansion_indent(struct tmpl_run *r, const struct frame *f,
					     const struct tmpl_op *op, struct indent *in)
{
	if (op->site == TMPL_LINE) {
		if (!op->indent_len)
			return f->indent;
		in->s = op->indent;
		in->len = op->indent_len;
		in->up = f->indent;
		return in;
	}
	if (op->bol)
		emit_indent(r->out, f->indent);
	buf_add(r->out, op->text, op->len);
	return NULL;
}

/* A partial (scope: the overrides in force) or a parent (scope: its own
 * arguments on top of them). */
static int render_expansion(struct tmpl_run *r, const struct frame *f, const struct tmpl_op *op,
			    const struct scope *scope)
{
	struct indent in;
	struct frame sub = { target(r, f, op), f->ctx, NULL, scope };
	sub.indent = expansion_indent(r, f, op, &in);
	return sub.t ? descend(r, f, op, &sub, 0, sub.t->nops) : 0;
}

/* The argument overriding block `name`: the outermost parent wins, so a page
 * overrides its layout, which overrides the layout it extends. */
static const struct tmpl_op *find_arg(const struct scope *s, const struct tmpl_name *name,
				      const struct scope **owner)
{
	if (!s)
		return NULL;
	const struct tmpl_op *a = find_arg(s->up, name, owner);
	if (a)
		return a;
	/* Text inside a parent is not compiled: its children are its
	 * arguments, and the odd section to step over. */
	const struct tmpl_op *ops = s->t->ops;
	for (size_t j = (size_t)(s->parent - ops) + 1; j < s->parent->end; j = next_op(ops, j)) {
		const struct tmpl_op *b = &ops[j];
		if (b->kind == TMPL_BLOCK && b->name.len == name->len
		    && memcmp(b->name.s, name->s, name->len) == 0) {
			*owner = s;
			return b;
		}
	}
	return NULL;
}

static int render_block(struct tmpl_run *r, const struct frame *f, const struct tmpl_op *op, size_t i)
{
	const struct scope *owner = NULL;
	const struct tmpl_op *arg = find_arg(f->scope, &op->name, &owner);
	if (!arg) {
		/* The default is this template's own text: the lead stays literal. */
		if (op->bol)
			emit_indent(r->out, f->indent);
		buf_add(r->out, op->text, op->len);
		return descend(r, f, op, f, i + 1, op->end);
	}
	/* The argument renders in the data context of the block, and with the
	 * overrides in force where its parent tag was rendered. */
	struct indent in;
	struct frame sub = { owner->t, f->ctx, NULL, owner->up };
	sub.indent = expansion_indent(r, f, op, &in);
	return descend(r, f, op, &sub, (size_t)(arg - owner->t->ops) + 1, arg->end);
}

/* A few nested sections over a short list multiply: twelve over six items
 * run two billion operations. A render that outgrows every real page many
 * times over is stopped with an error at the tag where it happened. */
static int too_much(struct tmpl_run *r, const struct tmpl *t, const struct tmpl_op *op)
{
	size_t line, col;
	diag_locate(t->src, op->pos, &line, &col);
	if (r->steps > TMPL_MAX_STEPS)
		diag_error(r->d, t->path, line, col, t->src, t->src_len,
			   "rendering one page ran more than %d operations (at '%.*s'): "
			   "do nested sections multiply a list?", TMPL_MAX_STEPS, (int)op->name.len, op->name.s);
	else
		diag_error(r->d, t->path, line, col, t->src, t->src_len,
			   "one page's output grew past %zu MiB (at '%.*s'): do nested sections multiply a list?",
			   TMPL_MAX_OUTPUT >> 20, (int)op->name.len, op->name.s);
	return -1;
}

static int render_ops(struct tmpl_run *r, const struct frame *f, size_t begin, size_t end)
{
	const struct tmpl_op *ops = f->t->ops;
	for (size_t i = begin; i < end;) {
		const struct tmpl_op *op = &ops[i];
		int rc = 0;
		if (++r->steps > TMPL_MAX_STEPS || r->out->len - r->start > TMPL_MAX_OUTPUT)
			return too_much(r, f->t, op);
		/* Partials, parents and blocks place their own: expansion_indent. */
		if (op->bol && op->kind <= TMPL_INVERTED)
			emit_indent(r->out, f->indent);
		switch (op->kind) {
		case TMPL_TEXT:
			emit_text(r->out, op->text, op->len, f->indent);
			break;
		case TMPL_VAR:
		case TMPL_RAW:
			emit_val(r->out, lookup(r, f->ctx, &op->name), op->kind == TMPL_VAR);
			break;
		case TMPL_SECTION:
		case TMPL_INVERTED:
			rc = render_section(r, f, op, i);
			break;
		case TMPL_PARTIAL:
			rc = render_expansion(r, f, op, f->scope);
			break;
		case TMPL_PARENT: {
			struct scope sc = { f->t, op, f->scope };
			rc = render_expansion(r, f, op, &sc);
			break;
		}
		case TMPL_BLOCK:
			rc = render_block(r, f, op, i);
			break;
		}
		if (rc)
			return rc;
		i = next_op(ops, i);
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *s, const struct tmpl *t, const struct val *ctx,
		struct buf *out, struct diag *d)
{
	size_t mark = out->len;
	struct ctx c = { ctx, NULL };
	struct frame f = { t, ctx ? &c : NULL, NULL, NULL };
	struct tmpl_run r = { s, out, d, 0, 0, mark };
	if (render_ops(&r, &f, 0, t->nops) == 0)
		return 0;
	buf_truncate(out, mark);
	return -1;
}
