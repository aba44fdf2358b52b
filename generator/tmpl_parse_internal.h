/* tmpl_parse_internal: what the template compiler's files share; nothing
 * outside them includes this.
 *
 *   tmpl_parse.c  the driver: a parser's life, the loop over tags, the tags
 *                 in error, and reporting errors at a place
 *   tmpl_scan.c   reading the source: a tag and its delimiters, changes of
 *                 delimiters, and where a tag stands on its line
 *   tmpl_build.c  turning tags into operations: literal text, names,
 *                 partials and parents, the elements still open, and the
 *                 whitespace rules of each kind of tag
 *
 * A parser lives for one tmpl_compile(), which copies the finished operations
 * into the set's arena and frees the parser's own arrays (ops, open, scratch). */
#ifndef TMPL_PARSE_INTERNAL_H
#define TMPL_PARSE_INTERNAL_H

#ifndef TMPL_INTERNAL
#define TMPL_INTERNAL
#endif
#include "tmpl.h"

#include <stddef.h>

#define NPOS ((size_t)-1)

struct tmpl_tag {
	char type;		/* 0 for a variable, else one of # ^ / ! > < $ & { = */
	size_t start, end;	/* the whole tag, delimiters included */
	const char *name;	/* what follows the type, trimmed */
	size_t name_len;
};

struct open_elem;	/* tmpl_build.c */

struct parser {
	struct tmpl_set *set;
	struct tmpl *t;
	struct diag *d;
	const char *src;
	size_t len;
	const char *otag, *ctag;	/* the delimiters in force */
	size_t olen, clen;
	size_t text_start;	/* literal text from here is not an operation yet */
	int at_bol;		/* the next operation starts a line */
	const char *outdent;	/* intrinsic indentation of the innermost argument */
	size_t outdent_len;
	struct tmpl_op *ops;
	size_t nops, ops_cap;
	struct open_elem *open;
	size_t nopen, open_cap;
	size_t errors;
	struct buf scratch;
};

/* tmpl_parse.c */

/* Reports an error (error != 0; counted in p->errors) or a warning at
 * source offset pos of the template being compiled, with its line. */
__attribute__((format(printf, 4, 5)))
void tmpl_report(struct parser *p, int error, size_t pos, const char *fmt, ...);

/* tmpl_scan.c */

/* The first offset at or after `from` where needle[0..n) occurs in s[0..len),
 * or NPOS. */
size_t tmpl_find(const char *s, size_t len, size_t from, const char *needle, size_t n);
/* Takes blanks and line endings off both ends of s[0..*n). */
void tmpl_trim(const char **s, size_t *n);
/* Reads the tag whose opening delimiter is at o into *tg. Returns 0 when it
 * never closes, after reporting it. */
int tmpl_scan_tag(struct parser *p, size_t o, struct tmpl_tag *tg);
/* {{=a b=}}: makes a and b the delimiters in force, or reports the tag and
 * leaves them as they are. */
void tmpl_scan_delimiters(struct parser *p, const struct tmpl_tag *tg);
/* Only blanks between the start of the line and pos: *ls is where the line
 * starts. Returns 0 (and leaves *ls) when something else is there. */
int tmpl_clear_before(const struct parser *p, size_t pos, size_t *ls);
/* Only blanks between pos and the end of the line: *le is just past the line
 * ending (or the end of the source). Returns 0 (and leaves *le) otherwise. */
int tmpl_clear_after(const struct parser *p, size_t pos, size_t *le);
/* The tag is alone on its line: both of the above, for its two ends. */
int tmpl_stands_alone(const struct parser *p, const struct tmpl_tag *tg, size_t *ls, size_t *le);
/* How many blanks start at pos. */
size_t tmpl_blanks_at(const struct parser *p, size_t pos);

/* tmpl_build.c */

/* A tag that makes no operation (comment, delimiter change, a tag in
 * error): standalone, it takes its whole line with it, else only itself. */
void tmpl_build_silent(struct parser *p, const struct tmpl_tag *tg);
/* A well-formed tag of type 0, &, {, #, ^, /, >, < or $. */
void tmpl_build_tag(struct parser *p, const struct tmpl_tag *tg);
/* The end of the source: the last literal text, and an error for every
 * element not closed. */
void tmpl_build_end(struct parser *p);

#endif
