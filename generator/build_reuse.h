/* build_reuse: serve's build process keeps the site one build indexed for
 * the next, which indexes nothing again when only bodies, titles and
 * subtitles changed.
 *
 * The index (index.h) reads an article's front matter alone, and of its
 * body only whether it is blank (the warning about an empty report); of
 * the title only whether another report of the same date has it (the
 * warning about a report given twice), and a printed page's note's, which
 * names its series. So when every file that changed since the kept build
 * is a plain .md file whose front matter is the same, line for line, but
 * for the title's line and the subtitle's (every field the index reads the
 * same: build_reuse.c, indexed_alike), whose body is as blank or not as
 * before, and whose title, if it changed, is no report's of its date
 * before or after (nor a note's), the kept index is what indexing again
 * would make: the changed articles' titles, subtitles and bodies (and
 * their texts, digests and images) are put into the kept articles and the
 * build renders from the kept site, whose pages read them through each
 * article's item and body digests (render_deps_digest.c). One file added
 * that is a report newer than every other, of a place, tags and people
 * reports have, is filed into the kept index as the whole index would file
 * it, and the index's warnings are said again (index.h: index_add_newest).
 * Anything else (a file added otherwise, removed or renamed, a bundle, the
 * config, the theme or the options changed, the parse cache's file changed
 * under its map, a changed or added file's messages not the ones it had, an
 * error, a build that failed) drops the kept site and the build runs
 * whole, keeping the site it makes instead.
 *
 * The messages a build says are said again: each file's, in file order, the
 * changed files' new ones in their place, then the index's. Owned by build.c
 * (internal: only build.c and build_reuse.c include it). */
#ifndef BUILD_REUSE_H
#define BUILD_REUSE_H

#include <stdint.h>

#include "arena.h"
#include "article_set.h"
#include "buf.h"
#include "config.h"
#include "diag.h"
#include "load.h"
#include "site.h"

struct index_kept;
struct memo;
struct search_dict_memo;
struct text_folder;

struct kept_site {
	struct arena arena;		/* the config, the sources' list and the index */
	int64_t started_ns;		/* when the build that made it started */
	struct config cfg;
	struct site site;		/* its config is cfg */
	struct article_set arts;	/* the articles, each file's messages kept */
	struct source *sources;		/* as listed by the build that made it (malloc'd, the names in arena) */
	size_t nsrc;
	int64_t *read_ns;		/* when sources[i] was read (no later than that; malloc'd) */
	struct article **of_source;	/* sources[i]'s article */
	char *opts;			/* the build's options (build.c) */
	uint64_t global[2];		/* everything but the content (render.h) */
	struct diag index_said;		/* the index's messages, in index_text */
	struct buf index_text;
	size_t from_cache;		/* articles whose texts are the parse cache's map's */
	struct memo *memo;		/* ICU's answers, and the search's folding */
	struct text_folder *folder;
	struct search_dict_memo *dict_memo;	/* the texts' dictionary's counts (search.h) */
	uint64_t *placings;		/* the articles' placings (render.h), malloc'd, */
	int placings_known;		/* made by a build of this site */
	struct index_kept *index;	/* the index's maps (index.h: index_add_newest), in arena */
	struct arena edits;		/* the changed and added files' texts and articles */
	size_t edited;			/* bytes of texts in edits */
};

/* A kept site for a build to fill: arena, cfg, site, arts (each file's
 * messages kept) and index_said (the index's messages go there, then to the
 * build's diag). The rest by kept_site_made. */
struct kept_site *kept_site_new(int strict);
/* The build that filled k ended well: k keeps its sources' list (in k's
 * arena), options, digests and ICU's services (memo and folder, k's now). */
void kept_site_made(struct kept_site *k, const struct source *src, size_t n, const char *opts,
		    const uint64_t *global, struct memo *memo, struct text_folder *folder);
void kept_site_free(struct kept_site *k);
/* Between builds (serve's build process, after the status): counts the
 * search's texts' dictionary's sample of k's site when it has no counts yet
 * (search_dict_precount), unless stop(ctx) says a build is wanted. */
void kept_site_idle(struct kept_site *k, int (*stop)(void *), void *ctx);

/* Whether k may serve a build of src[0..n) with these options and digests:
 * the same files in the same order, or one more (not a bundle: *added is
 * its index in src, else KEPT_NONE_ADDED), no bundle changed, not many
 * files to read (more are read by a whole build). *changed
 * (malloc'd, *nchanged of them) lists the files to read again: those whose
 * stat data changed, and those changed less than PARSE_CACHE_RACY_NS
 * before they were read (parse_cache.h), until one is read after that. */
#define KEPT_NONE_ADDED ((size_t)-1)
int kept_site_fits(const struct kept_site *k, const struct source *src, size_t n, const char *opts,
		   const uint64_t *global, size_t **changed, size_t *nchanged, size_t *added);
/* The file src[added] that kept_site_fits found added: read, parsed and put
 * into k's lists of files and articles, in its place (filed by
 * kept_site_index_added, once the changes are taken). Returns 0, or -1 when
 * it did not parse without a message (then k is left half changed: free
 * it). */
int kept_site_take_added(struct kept_site *k, struct source *src, size_t added, struct parse_cache *cache);
/* Files the added article into k's index as the newest report
 * (index_add_newest), the index's warnings said again. 0, or -1 when it is
 * not that plain a case (then free k). */
int kept_site_index_added(struct kept_site *k, size_t added);

/* Reads and parses the changed files and, when each changed in its body,
 * title or subtitle alone (above), puts them into k's articles, and into
 * the parse cache those old enough (as a whole build does: the caller
 * flushes it). Returns 0, or -1 when k may not serve the build (then k is
 * left half changed: free it). */
struct parse_cache;
int kept_site_take_changes(struct kept_site *k, struct source *src, const size_t *changed, size_t nchanged,
			   struct parse_cache *cache);

/* Says again, through d, the messages the build that made k said about its
 * files and its index, with the changed files' new ones. */
void kept_site_say_again(const struct kept_site *k, struct diag *d);

#endif
