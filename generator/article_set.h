/* article_set: every content file read, normalised and parsed, in parallel.
 *
 * Drives the load and parse stages over the listed sources with one thread
 * per core. The result does not depend on the number of threads: articles
 * come out in the order of the sources, and each file's messages are
 * reported together, in that order too. */
#ifndef ARTICLE_SET_H
#define ARTICLE_SET_H

#include "diag.h"
#include "load.h"
#include "site.h"

struct article_set {
	struct article **items;		/* the files that parsed, in source order */
	size_t len;
	struct article **rejected;	/* files that failed after their front matter was read
					 * (see article_parse_keep), in source order */
	size_t nrejected;
	struct arena *arenas;		/* one per thread: the articles and their text */
	int narenas;
	/* Set by the caller before article_set_load (zero otherwise): keep each
	 * file's messages, messages[i] (about src[i], its text in its sink,
	 * sinks[i]), for serve's build process to say again (build_reuse.h). */
	int keep_messages;
	struct diag *messages;
	struct buf *sinks;
	size_t nmessages;
};

struct parse_cache;

/* Reads and parses src[0..n). Returns 0, or -1 when any file failed (reported
 * through d). set is filled either way; release it with article_set_free
 * (before the cache, whose text unchanged files' articles point into: see
 * parse_cache.h; NULL: none). */
int article_set_load(struct article_set *set, struct source *src, size_t n, struct diag *d, int jobs,
		     struct parse_cache *cache);
void article_set_free(struct article_set *set);

/* One file read, normalised and parsed as article_set_load does it (its
 * text and the article in a; its messages through d): the article, or NULL,
 * with *rejected what was read of a file that failed after its front matter
 * (else NULL). */
struct article *article_set_parse_file(struct arena *a, struct diag *d, struct source *s, struct buf *scratch,
				       struct article **rejected);

#endif
