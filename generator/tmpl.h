/* tmpl: Mustache templates, compiled once and rendered many times.
 *
 * The whole Mustache spec is implemented (interpolation, sections, inverted
 * sections, comments, set delimiters, partials, template inheritance with
 * block reindentation, dynamic names), lambdas excepted.
 *
 * A template is compiled into a flat array of operations; a section, block
 * or parent knows the index just past its closing tag, so rendering is a loop
 * that recurses only where templates nest. Templates are looked up by name in
 * a set, which loads their source through a callback and keeps everything it
 * compiles (operations, names, source text) in its arena: nothing compiled
 * is ever freed apart from that arena.
 *
 * Threads: tmpl_set_get() changes the set and must not run at the same time
 * as anything else on that set, except when it asks again for a template it
 * has already returned: that only reads. Once the templates are compiled, any
 * number of threads may call tmpl_render() on the set at once, each with its
 * own output buffer and its own struct diag. */
#ifndef TMPL_H
#define TMPL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "value.h"

/* How deep sections, partials, parents and blocks may nest while rendering:
 * a partial that includes itself forever stops here with an error instead of
 * exhausting the stack. */
#define TMPL_MAX_DEPTH 200
/* One render may take at most this many steps (operations run, and
 * contexts searched by lookups) and write this many bytes. The largest page
 * of the 10,000-report benchmark archive takes 231,000 steps for 2.1 MB; at
 * 50,000 reports that page is about five times larger (12 MB): the limits
 * are some 8 and 10 times it. */
#define TMPL_MAX_STEPS 10000000
#define TMPL_MAX_OUTPUT ((size_t)128 << 20)

struct tmpl;		/* one compiled template */
struct tmpl_set;	/* templates by name: partials and parents are found here */

/* Loads the source of template `name` by appending it to `source` (an empty,
 * initialised buf owned by the caller) and sets *path to the name used in
 * messages, a string that outlives the set. Returns 1 when found, 0 when there
 * is no such template. */
typedef int (*tmpl_load_fn)(void *ctx, const char *name, struct buf *source, const char **path);

/* A new, empty set allocated in `a`; it lives as long as the arena. */
struct tmpl_set *tmpl_set_new(struct arena *a, tmpl_load_fn load, void *ctx);
/* From now on a partial or parent that does not exist is an error, not the
 * spec's empty string with a warning: a site's theme is complete or broken. */
void tmpl_set_strict(struct tmpl_set *s);

/* Compiles `name` and every partial and parent it names, recursively, so
 * that rendering never loads or compiles anything; asking again for a
 * template once returned is a cheap lookup. Returns NULL after reporting
 * through d: every syntax error of every template involved
 * (`path:line:col: error: ...`), or that `name` does not exist. A partial or parent that does not exist renders as
 * empty, as the spec wants, with a warning at the tag that names it.
 *
 * Dynamic names ({{>*name}}) are resolved while rendering, among the templates
 * this set has already compiled: call tmpl_set_get() for every template a
 * dynamic name may choose; a name not compiled renders as empty (the spec's
 * failed lookup). */
const struct tmpl *tmpl_set_get(struct tmpl_set *s, const char *name, struct diag *d);

/* Renders t (from tmpl_set_get on s) against ctx (any value; NULL is an empty
 * context), appending to out. Returns 0, or -1 after an error through d
 * (nesting deeper than TMPL_MAX_DEPTH, or more than TMPL_MAX_STEPS
 * operations or TMPL_MAX_OUTPUT bytes; the message names the template and
 * the tag); on -1, out is restored to what it held before the call. Allocates nothing but the growth of out. */
int tmpl_render(const struct tmpl_set *s, const struct tmpl *t, const struct val *ctx,
		struct buf *out, struct diag *d);

#ifdef TMPL_INTERNAL
/* Shared by tmpl.c (the set), the compiler (tmpl_parse.c, tmpl_scan.c,
 * tmpl_build.c; tmpl_parse_internal.h) and tmpl_render.c; nothing outside
 * those files may depend on what follows. */

/* The order matters: kinds up to TMPL_INVERTED are indented by the render
 * loop, the expansions after them indent themselves. */
enum tmpl_op_kind {
	TMPL_TEXT,	/* literal text */
	TMPL_VAR,	/* {{name}}: HTML-escaped */
	TMPL_RAW,	/* {{{name}}}, {{&name}} */
	TMPL_SECTION,	/* {{#name}} up to `end` */
	TMPL_INVERTED,	/* {{^name}} up to `end` */
	TMPL_PARTIAL,	/* {{>name}} */
	TMPL_PARENT,	/* {{<name}} up to `end`: the blocks directly inside are arguments */
	TMPL_BLOCK,	/* {{$name}}: default content up to `end` */
};

/* Where an expansion (partial, parent, block) stands on its line. */
enum tmpl_site {
	TMPL_INLINE,	/* amid text: its lines get no indentation of their own */
	TMPL_LINE,	/* standalone: `indent` goes before each of its lines */
};

/* One part of a dotted name. */
struct tmpl_part {
	const char *s;
	size_t len;
	uint64_t word;	/* val_key_word(s, len) */
};

struct tmpl_name {
	const char *s;			/* as written (after the type), to match closing tags */
	size_t len;
	const struct tmpl_part *parts;	/* the dotted path; none for "." */
	size_t nparts;
};

struct tmpl_op {
	unsigned char kind;		/* enum tmpl_op_kind */
	unsigned char bol;		/* starts a line: the indentation in force goes first */
	unsigned char site;		/* PARTIAL, PARENT, BLOCK: enum tmpl_site */
	unsigned char dynamic;		/* PARTIAL, PARENT: the name is looked up in the context */
	uint32_t end;			/* SECTION, INVERTED, PARENT, BLOCK: index past the element */
	uint32_t pos;			/* source offset of the tag, for messages */
	const char *text;		/* TEXT: the text; PARENT, BLOCK: the lead (see tmpl_build.c) */
	size_t len;
	const char *indent;		/* TMPL_LINE sites: indentation for the expansion */
	size_t indent_len;
	struct tmpl_name name;
	const struct tmpl *target;	/* PARTIAL, PARENT: resolved when compiling, unless dynamic */
};

enum tmpl_state {
	TMPL_LOADED,	/* source loaded, waiting to be compiled */
	TMPL_OK,
	TMPL_FAILED,	/* syntax errors were reported; it has no operations */
	TMPL_MISSING,	/* the loader does not know the name */
};

struct tmpl {
	const char *name;
	const char *path;
	const char *src;	/* NUL-terminated, in the arena */
	size_t src_len;
	const struct tmpl_op *ops;
	size_t nops;
	enum tmpl_state state;
	int whole;		/* it and everything it includes compiled without error */
	unsigned walk;		/* tmpl.c: last closure walk that visited it */
};

struct tmpl_set {
	struct arena *a;
	tmpl_load_fn load;
	void *ctx;
	struct ptrvec all;	/* every struct tmpl, in the order first named */
	struct ptrvec todo;	/* loaded and not compiled yet */
	unsigned walk;
	int strict;		/* see tmpl_set_strict */
};

/* The template called `name`, loading its source the first time (a MISSING
 * one is remembered too); it is compiled later by tmpl_set_get. */
struct tmpl *tmpl_set_ref(struct tmpl_set *s, const char *name, size_t len);
/* The template called `name` if the set has seen it, else NULL; read-only. */
const struct tmpl *tmpl_set_find(const struct tmpl_set *s, const char *name, size_t len);
/* Compiles t (state LOADED) into TMPL_OK, or TMPL_FAILED after reporting
 * every error it finds. */
void tmpl_compile(struct tmpl_set *s, struct tmpl *t, struct diag *d);
#endif

#endif
