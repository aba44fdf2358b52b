/* markdown: article bodies through cmark.
 *
 * Raw HTML in a body is dropped (cmark's safe mode: it becomes an HTML
 * comment) unless `unsafe` is set; links with javascript: and similar
 * schemes are dropped in safe mode too. */
#ifndef MARKDOWN_H
#define MARKDOWN_H

#include <stddef.h>

#include "buf.h"

/* Appends the body rendered as HTML. */
void markdown_to_html(const char *md, size_t len, int unsafe, struct buf *out);
/* Appends a plain-text summary of the body's paragraphs (headings left
 * out) of at most max_chars characters (see text_summary). Parses only the
 * opening of a long body, with the same result as the whole. */
void markdown_summary(const char *md, size_t len, size_t max_chars, struct buf *out);

/* Appends the body's text, every block (headings, list items, code)
 * included, one block per line, markup and raw HTML left out: what search
 * indexes and shows in snippets. */
void markdown_text(const char *md, size_t len, struct buf *out);

#endif
