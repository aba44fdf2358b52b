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
 * out) of at most max_chars characters (see text_summary). */
void markdown_summary(const char *md, size_t len, size_t max_chars, struct buf *out);

#endif
