/* yamldoc_cause: the mistake behind a libyaml error.
 *
 * libyaml's error is placed where the text stopped making sense, often a
 * line or more after the mistake: `district:石楼县` (no space after the
 * colon) is read as a plain string, and the error comes at the next key; a
 * '[' left open at the next key, or at the end. So the likely causes before
 * the error are looked for, and one is named only when mending it as the
 * message will say lets libyaml read further: a colon inside a value
 * (`source: http://…`), or a line of a quoted string or a block, mends
 * nothing and is never blamed. */
#include "yamldoc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xalloc.h"

/* Each attempt parses the text again: at most this many are made. */
#define YAMLDOC_CAUSE_TRIES 8
/* Brackets opened on one line that one suggestion closes, at most. */
#define YAMLDOC_CAUSE_BRACKETS 8

/* The byte offset of a libyaml mark's index, which counts characters (and
 * not a byte order mark, which libyaml skips). */
static size_t mark_offset(const char *text, size_t len, size_t index)
{
	size_t off = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	for (size_t n = 0; n < index && off < len; n++)
		do
			off++;
		while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80);
	return off;
}

/* Parses text as yamldoc_parse does: 0 when libyaml reads it all, 1 when it
 * fails (the problem's character index in *at), -1 when memory ran out. */
static int first_error(const char *text, size_t len, size_t *at)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int r = 0;
	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (int done = 0; !done;) {
		if (!yaml_parser_parse(&p, &ev)) {
			r = p.error == YAML_MEMORY_ERROR ? -1 : 1;
			*at = p.problem_mark.index;
			break;
		}
		done = ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return r;
}

/* Does text with `add` (ASCII) inserted at byte `at` parse past the problem
 * at byte `problem` (or all through)? */
static int mends(const char *text, size_t len, size_t at, const char *add, size_t problem)
{
	size_t add_len = strlen(add), now = 0;
	char *fixed = xmalloc(len + add_len);
	memcpy(fixed, text, at);
	memcpy(fixed + at, add, add_len);
	memcpy(fixed + at + add_len, text + at, len - at);
	int r = first_error(fixed, len + add_len, &now);
	if (r > 0) {
		/* back to the unmended text's bytes */
		now = mark_offset(fixed, len + add_len, now);
		now = now >= at + add_len ? now - add_len : now > at ? at : now;
	}
	free(fixed);
	return r == 0 || (r > 0 && now > problem);
}

static int is_name_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-'));
}

/* `name:value` on a line, its parts. */
struct bare_key {
	const char *name, *colon, *value_end;	/* value_end: before a comment and trailing spaces */
};

/* Is the line (after its indentation and any "- ") `name:value`, with no
 * space after the colon nor after a later colon (`a:b: c` is a key `a:b`)?
 * A URL (`http://…`) is no key. */
static int bare_key(const char *p, const char *eol, struct bare_key *k)
{
	while (p < eol && *p == ' ')
		p++;
	while (eol - p >= 2 && p[0] == '-' && p[1] == ' ')
		for (p += 2; p < eol && *p == ' '; p++)
			;
	if (p == eol || !is_name_char(*p, 1))
		return 0;
	k->name = p;
	while (p < eol && is_name_char(*p, 0))
		p++;
	k->colon = p;
	if (eol - p < 2 || *p != ':' || strchr(" \t\r:/", p[1]))
		return 0;
	k->value_end = p + 1;
	for (const char *c = p + 1; c < eol; c++) {
		if (*c == ':' && (c + 1 == eol || c[1] == ' ' || c[1] == '\t' || c[1] == '\r'))
			return 0;
		if ((*c == ' ' || *c == '\t') && c + 1 < eol && c[1] == '#')
			break;
		if (*c != ' ' && *c != '\t' && *c != '\r')
			k->value_end = c + 1;
	}
	return 1;
}

static void report_bare_key(struct diag *d, const char *path, const char *src, size_t src_len,
			    const char *text, const struct bare_key *k, size_t first_line)
{
	size_t line, col;
	struct buf value = BUF_INIT;
	int name_len = (int)(k->colon - k->name);
	diag_locate(text, (size_t)(k->colon - text), &line, &col);
	text_summary(k->colon + 1, (size_t)(k->value_end - k->colon - 1), 20, &value);
	diag_error(d, path, first_line + line - 1, col, src, src_len,
		   "no space after ':' in '%.*s:%s': write '%.*s: %s'", name_len, k->name, value.data, name_len,
		   k->name, value.data);
	buf_free(&value);
}

/* Looks back from the problem (at byte `problem`) for a `name:value` line
 * that, given its space, lets libyaml read further. Returns 1 when one was
 * reported. */
static int report_missing_space(struct diag *d, const char *path, const char *src, size_t src_len,
				const char *text, size_t len, size_t problem, size_t first_line)
{
	size_t tries = 0;
	size_t line = problem;	/* the start of the line holding the problem, then of each before it */
	while (line > 0 && text[line - 1] != '\n')
		line--;
	for (;;) {
		const char *eol = memchr(text + line, '\n', len - line);
		struct bare_key k;
		if (bare_key(text + line, eol ? eol : text + len, &k)) {
			if (mends(text, len, (size_t)(k.colon + 1 - text), " ", problem)) {
				report_bare_key(d, path, src, src_len, text, &k, first_line);
				return 1;
			}
			if (++tries == YAMLDOC_CAUSE_TRIES)
				return 0;
		}
		if (line == 0)
			return 0;
		for (line--; line > 0 && text[line - 1] != '\n'; line--)
			;
	}
}

/* The '[' or '{' that starts the value of a line (after `- ` and `key: `),
 * when it is at or before `bracket`; else bracket. */
static const char *flow_start(const char *p, const char *bracket)
{
	while (p < bracket && *p == ' ')
		p++;
	while (bracket - p >= 2 && p[0] == '-' && p[1] == ' ')
		for (p += 2; p < bracket && *p == ' '; p++)
			;
	for (const char *c = p; c + 1 < bracket; c++)
		if (c[0] == ':' && c[1] == ' ') {
			for (p = c + 1; p < bracket && *p == ' '; p++)
				;
			break;
		}
	return p < bracket && (*p == '[' || *p == '{') ? p : bracket;
}

/* Skips the quoted string that starts at p (a flow item's): the place after
 * its closing quote, or NULL when it does not close before eol. */
static const char *skip_quoted(const char *p, const char *eol)
{
	char q = *p;
	for (p++; p < eol; p++) {
		if (q == '"' && *p == '\\' && p + 1 < eol)
			p++;
		else if (*p == q && q == '\'' && p + 1 < eol && p[1] == '\'')
			p++;
		else if (*p == q)
			return p + 1;
	}
	return NULL;
}

struct open_brackets {
	const char *at[YAMLDOC_CAUSE_BRACKETS];	/* the open brackets, outermost first */
	size_t n;
	const char *end;	/* after the line's last character before a comment */
};

/* Reads the flow collection from p to the line's end: 0 with the brackets
 * still open in *o, -1 when they all closed or the line is not clear (a
 * quote left open, a bracket closed by the other kind, too deep). */
static int open_brackets(const char *p, const char *eol, struct open_brackets *o)
{
	int item = 0;	/* at the start of an item, where a quote opens a string */
	o->n = 0;
	o->end = p;
	for (const char *c = p; c < eol; c++) {
		if (*c == '#' && c > p && (c[-1] == ' ' || c[-1] == '\t'))
			break;
		if (*c == ' ' || *c == '\t' || *c == '\r')
			continue;
		if (*c == '[' || *c == '{') {
			if (o->n == YAMLDOC_CAUSE_BRACKETS)
				return -1;
			o->at[o->n++] = c;
		} else if (*c == ']' || *c == '}') {
			if (o->n == 0 || *o->at[o->n - 1] != (*c == ']' ? '[' : '{') || --o->n == 0)
				return -1;
		} else if ((*c == '"' || *c == '\'') && item) {
			if (!(c = skip_quoted(c, eol)))
				return -1;
			c--;
		}
		item = strchr("[{,:", *c) != NULL;
		o->end = c + 1;
	}
	return o->n ? 0 : -1;
}

/* libyaml reads a '[' or '{' on across lines until it is closed: one left
 * open is noticed at the next key or at the end. When the bracket it names
 * is not closed on its line and closing it there lets libyaml read further,
 * that bracket is reported. Returns 1 if so. */
static int report_unclosed(struct diag *d, const char *path, const char *src, size_t src_len, const char *text,
			   size_t len, const yaml_parser_t *parser, size_t first_line)
{
	if (!parser->context || (strcmp(parser->context, "while parsing a flow sequence") != 0 &&
				 strcmp(parser->context, "while parsing a flow mapping") != 0))
		return 0;
	size_t at = mark_offset(text, len, parser->context_mark.index);
	size_t problem = mark_offset(text, len, parser->problem_mark.index);
	if (at >= len || (text[at] != '[' && text[at] != '{'))
		return 0;
	size_t line = at;
	while (line > 0 && text[line - 1] != '\n')
		line--;
	const char *eol = memchr(text + at, '\n', len - at);
	if (!eol)
		eol = text + len;
	struct open_brackets o;
	if ((problem <= (size_t)(eol - text) && problem < len) ||
	    open_brackets(flow_start(text + line, text + at), eol, &o) < 0)
		return 0;
	char close[YAMLDOC_CAUSE_BRACKETS + 1];
	int inside = 0;	/* libyaml's bracket is one of those open */
	for (size_t i = 0; i < o.n; i++) {
		close[o.n - 1 - i] = *o.at[i] == '[' ? ']' : '}';
		inside |= o.at[i] == text + at;
	}
	close[o.n] = '\0';
	if (!inside || !mends(text, len, (size_t)(o.end - text), close, problem))
		return 0;
	size_t l, col;
	diag_locate(text, (size_t)(o.at[0] - text), &l, &col);
	if (o.n == 1)
		diag_error(d, path, first_line + l - 1, col, src, src_len, "'%c' is not closed: end the %s with '%s'",
			   *o.at[0], *o.at[0] == '[' ? "list" : "mapping", close);
	else
		diag_error(d, path, first_line + l - 1, col, src, src_len, "'%c' is not closed: end it with '%s'",
			   *o.at[0], close);
	return 1;
}

int yamldoc_report_bare_root(struct diag *d, const char *path, const char *src, size_t src_len,
			     const char *text, size_t len, size_t line, size_t col, size_t first_line)
{
	const char *p = text, *end = text + len;
	for (size_t n = 0; n < line; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		p = nl + 1;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	struct bare_key k;
	size_t at_line, at_col;
	if (!bare_key(p, eol, &k))
		return 0;
	diag_locate(p, (size_t)(k.name - p), &at_line, &at_col);
	/* the string starts with the name, and the space makes it a mapping that reads on past the line */
	if (at_col != col || !mends(text, len, (size_t)(k.colon + 1 - text), " ", (size_t)(eol - text)))
		return 0;
	report_bare_key(d, path, src, src_len, text, &k, first_line);
	return 1;
}

int yamldoc_report_cause(struct diag *d, const char *path, const char *src, size_t src_len,
			 const char *text, size_t len, const yaml_parser_t *parser, size_t first_line)
{
	if (parser->error == YAML_MEMORY_ERROR)
		return 0;
	return report_unclosed(d, path, src, src_len, text, len, parser, first_line) ||
	       report_missing_space(d, path, src, src_len, text, len,
				    mark_offset(text, len, parser->problem_mark.index), first_line);
}
