/* article: one content file's text → struct article (see site.h).
 *
 * A content file is YAML front matter between two `---` lines, then the
 * Markdown body. Parsing only: the caller hands over the file's bytes, which
 * must outlive the article (body and messages point into them).
 *
 * Refused with an error at the place: a control character other than tab,
 * LF and CR anywhere (NUL included), front matter over 64 KiB, block quotes
 * and lists nested past MARKDOWN_MAX_NESTING. At most DIAG_MAX_PER_FILE
 * messages about one file are shown. */
#ifndef ARTICLE_H
#define ARTICLE_H

#include "diag.h"
#include "site.h"

/* Parses one file. Returns the article (in the arena), or NULL after
 * reporting every error found in it through d. Warnings (unknown keys) do not
 * make it fail here; diag_failed() decides under --strict. */
struct article *article_parse(struct arena *a, struct diag *d, const char *path,
			      const char *src, size_t len);

/* The same for text already known to be valid UTF-8 (text_nfc checked it). */
struct article *article_parse_valid(struct arena *a, struct diag *d, const char *path,
				    const char *src, size_t len);

/* article_parse_valid, and when the file fails after its front matter was
 * read, *rejected is what was read of it (else NULL): not an article to
 * publish, but its place keys can still be checked (index_check_rejected),
 * so that a bad date and an unknown district in one file are both reported.
 * rejected may be NULL. */
struct article *article_parse_keep(struct arena *a, struct diag *d, const char *path,
				   const char *src, size_t len, struct article **rejected);

/* Parses "YYYY-MM-DD" or "YYYY-MM" into *out; returns 0, or -1 with a reason
 * in *why (a static string). */
int article_parse_date(const char *s, struct date *out, const char **why);
/* Is s a slug a front matter may give: a-z, 0-9 and inner '-', not empty? */
int article_slug_valid(const char *s);

#endif
