/* markdown: article bodies through cmark.
 *
 * Raw HTML in a body is dropped (cmark's safe mode: it becomes an HTML
 * comment) unless `unsafe` is set; links with javascript: and similar
 * schemes are dropped in safe mode too. */
#ifndef MARKDOWN_H
#define MARKDOWN_H

#include <stddef.h>

#include "buf.h"

/* Block quotes and list items nested deeper than this are refused before
 * cmark sees them: cmark 0.30 takes time quadratic in the depth (150,000
 * '>' took 95 s; 40,000 take 4 s, 1,000 take 0.05 s). No report needs more
 * than a few levels. */
#define MARKDOWN_MAX_NESTING 100
/* Lists also nest by indentation (each level 2 columns or more, a tab 4):
 * a line's leading blanks are bounded too, so that markers and indentation
 * together stay within a few hundred levels. */
#define MARKDOWN_MAX_INDENT 400

/* Counts the container markers ('>', list bullets and numbers) that open
 * each line, and the columns of blanks among them. Returns 0; -1 with *bad
 * the byte offset of the marker that would open level
 * MARKDOWN_MAX_NESTING + 1; -2 with *bad that of the blank past
 * MARKDOWN_MAX_INDENT columns (markers on every line of a list nested by
 * indentation would otherwise multiply: 56,000 levels in 8 MB). */
int markdown_check_nesting(const char *md, size_t len, size_t *bad);

/* Appends the body rendered as HTML. */
void markdown_to_html(const char *md, size_t len, int unsafe, struct buf *out);
/* Calls fn for every image in the body that is shown as one (not those in
 * another image's description, which are only text), in order: url as cmark
 * reads the destination, line and col its place in md (1-based; col in
 * bytes). Parses the body only when it holds "![" at all. */
void markdown_images(const char *md, size_t len, void (*fn)(void *ctx, const char *url, size_t line, size_t col),
		     void *ctx);

/* markdown_to_html, with every image written as
 * <img src alt [title] [width height] loading="lazy" decoding="async">:
 * size(ctx, url, &w, &h) gives the size of the image at url (0 when not
 * known: no width and height). src, alt and title are cmark's own. */
void markdown_to_html_images(const char *md, size_t len, int unsafe,
			     void (*size)(void *ctx, const char *url, unsigned *w, unsigned *h), void *ctx,
			     struct buf *out);

/* Appends a plain-text summary of the body's paragraphs (headings left
 * out) of at most max_chars characters (see text_summary). Parses only the
 * opening of a long body, with the same result as the whole. */
void markdown_summary(const char *md, size_t len, size_t max_chars, struct buf *out);

/* Appends the body's text, every block (headings, list items, code)
 * included, one block per line, markup and raw HTML left out: what search
 * indexes and shows in snippets. */
void markdown_text(const char *md, size_t len, struct buf *out);

#endif
