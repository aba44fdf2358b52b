/* tmpl_parse.c: compiling Mustache source into a flat list of operations.
 *
 * The driver: it walks the source tag by tag (tmpl_scan.c reads each tag),
 * keeps what is wrong with a tag from reaching the operations, and hands the
 * rest to tmpl_build.c. Every error is reported and the walk goes on, so one
 * compile shows all the mistakes in a template; only a tag that never closes
 * ends the walk, since the rest of the source is inside it. */
#include "tmpl_parse_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void tmpl_report(struct parser *p, int error, size_t pos, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	size_t line, col;
	diag_locate(p->src, pos, &line, &col);
	if (error) {
		diag_error(p->d, p->t->path, line, col, p->src, p->len, "%s", msg.data);
		p->errors++;
	} else {
		diag_warning(p->d, p->t->path, line, col, p->src, p->len, "%s", msg.data);
	}
	buf_free(&msg);
}

static void on_tag(struct parser *p, const struct tmpl_tag *tg)
{
	if (tg->type == '!') {
		tmpl_build_silent(p, tg);
		return;
	}
	if (tg->type == '=') {
		tmpl_scan_delimiters(p, tg);
		tmpl_build_silent(p, tg);
		return;
	}
	int dynamic_only = (tg->type == '>' || tg->type == '<') && tg->name_len == 1 && tg->name[0] == '*';
	if (!tg->name_len || dynamic_only) {
		tmpl_report(p, 1, tg->start, "empty tag name");
		tmpl_build_silent(p, tg);
		return;
	}
	/* {{title} … {{root}}: the tag ran on to the next tag's end */
	if (tmpl_find(tg->name, tg->name_len, 0, p->otag, p->olen) != NPOS) {
		tmpl_report(p, 1, tg->start, "a tag name holds '%.*s': a closing '%.*s' is missing before it",
			    (int)p->olen, p->otag, (int)p->clen, p->ctag);
		tmpl_build_silent(p, tg);
		return;
	}
	tmpl_build_tag(p, tg);
}

static void parse(struct parser *p)
{
	size_t pos = 0, o;
	while ((o = tmpl_find(p->src, p->len, pos, p->otag, p->olen)) != NPOS) {
		struct tmpl_tag tg;
		if (!tmpl_scan_tag(p, o, &tg))
			break;
		on_tag(p, &tg);
		pos = tg.end;
	}
	tmpl_build_end(p);
}

void tmpl_compile(struct tmpl_set *s, struct tmpl *t, struct diag *d)
{
	struct parser p = {
		.set = s, .t = t, .d = d, .src = t->src, .len = t->src_len,
		.otag = "{{", .olen = 2, .ctag = "}}", .clen = 2, .at_bol = 1,
		.scratch = BUF_INIT,
	};
	if (t->src_len > UINT32_MAX)
		tmpl_report(&p, 1, 0, "template too large");
	else
		parse(&p);
	t->state = p.errors ? TMPL_FAILED : TMPL_OK;
	if (!p.errors && p.nops) {
		struct tmpl_op *ops = arena_alloc(s->a, p.nops * sizeof(*ops));
		memcpy(ops, p.ops, p.nops * sizeof(*ops));
		t->ops = ops;
		t->nops = p.nops;
	}
	free(p.ops);
	free(p.open);
	buf_free(&p.scratch);
}
