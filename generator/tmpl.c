/* tmpl.c: the set of named templates, and compiling a template together
 * with everything it includes. */
#define TMPL_INTERNAL
#include "tmpl.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct tmpl_set *tmpl_set_new(struct arena *a, tmpl_load_fn load, void *ctx)
{
	struct tmpl_set *s = arena_alloc(a, sizeof(*s));
	s->a = a;
	s->load = load;
	s->ctx = ctx;
	return s;
}

void tmpl_set_strict(struct tmpl_set *s)
{
	s->strict = 1;
}

const struct tmpl *tmpl_set_find(const struct tmpl_set *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->all.len; i++) {
		const struct tmpl *t = s->all.items[i];
		if (strncmp(t->name, name, len) == 0 && t->name[len] == '\0')
			return t;
	}
	return NULL;
}

struct tmpl *tmpl_set_ref(struct tmpl_set *s, const char *name, size_t len)
{
	struct tmpl *t = (struct tmpl *)tmpl_set_find(s, name, len);
	if (t)
		return t;
	t = arena_alloc(s->a, sizeof(*t));
	t->name = arena_strndup(s->a, name, len);
	t->path = t->name;
	struct buf src = BUF_INIT;
	const char *path = NULL;
	if (s->load(s->ctx, t->name, &src, &path)) {
		t->src = arena_strndup(s->a, src.data, src.len);
		t->src_len = src.len;
		if (path)
			t->path = path;
		t->state = TMPL_LOADED;
		ptrvec_push(s->a, &s->todo, t);
	} else {
		/* a loader may name where it looked, for the "not found" message */
		if (path)
			t->path = path;
		t->state = TMPL_MISSING;
	}
	buf_free(&src);
	ptrvec_push(s->a, &s->all, t);
	return t;
}

/* The first failed template among t and everything it includes, or NULL.
 * Compiling in a work list (not recursively) means a cycle of partials can
 * leave a failure unseen by a template compiled before it, so look again. */
static const struct tmpl *closure_failure(struct tmpl_set *s, const struct tmpl *t)
{
	unsigned walk = ++s->walk;
	size_t len = 0, cap = 16;
	const struct tmpl **stack = xmalloc(cap * sizeof(*stack));
	const struct tmpl *failed = NULL;
	((struct tmpl *)t)->walk = walk;
	stack[len++] = t;
	while (len && !failed) {
		const struct tmpl *x = stack[--len];
		if (x->state == TMPL_FAILED) {
			failed = x;
			break;
		}
		for (size_t i = 0; i < x->nops; i++) {
			struct tmpl *y = (struct tmpl *)x->ops[i].target;
			if (!y || y->walk == walk)
				continue;
			y->walk = walk;
			if (len == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof(*stack));
			stack[len++] = y;
		}
	}
	free(stack);
	return failed;
}

const struct tmpl *tmpl_set_get(struct tmpl_set *s, const char *name, struct diag *d)
{
	/* Compiled templates never change, so a closure found whole stays whole:
	 * the per-page call is a lookup that writes nothing. */
	const struct tmpl *known = tmpl_set_find(s, name, strlen(name));
	if (known && known->whole)
		return known;
	struct tmpl *t = tmpl_set_ref(s, name, strlen(name));
	if (t->state == TMPL_MISSING) {
		diag_error(d, t->path, 0, 0, NULL, 0, "template not found");
		return NULL;
	}
	while (s->todo.len) {
		struct tmpl *x = s->todo.items[--s->todo.len];
		tmpl_compile(s, x, d);
	}
	const struct tmpl *failed = closure_failure(s, t);
	if (!failed) {
		t->whole = 1;
		return t;
	}
	/* Errors are reported once, when the template is compiled, and count
	 * once: a later request adds one only if the diag has none to fail on. */
	if (d->errors == 0)
		diag_error(d, failed->path, 0, 0, NULL, 0, "template has errors (reported earlier)");
	return NULL;
}
