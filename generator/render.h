/* render: struct site → HTML pages, through the theme's templates.
 *
 * Builds one context (struct val) per page as theme/CONTEXT.md describes,
 * renders it with the page's template and hands the bytes to the writer.
 * Each page's context lives in a scratch arena that is emptied after the
 * page, so memory stays flat however many pages there are. */
#ifndef RENDER_H
#define RENDER_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "site.h"

struct tmpl_set;
struct writer;

/* Incremental rendering (render_deps.c): what a build tells render_site,
 * and what it learns. */
struct render_incremental {
	uint64_t global;	/* inputs_fingerprint of everything but the content */
	uint64_t search_global;	/* the same without the theme (the search index does not read it) */
	int force;		/* make every page, keep nothing */
	int search_current;	/* out: the search index's inputs are the earlier build's */
	int changes_known;	/* out: the earlier build had old_narticles articles, */
	size_t old_narticles;	/* and article k of this one is its old_of[k] (malloc'd): */
	long *old_of;		/* search.h's search_changes */
	size_t made, kept;	/* out: jobs (pages) made and kept */
	size_t kept_by_place;	/* out: of those kept, by their files' places (hints) */
	/* in/out: the articles' placings (render_deps.c), by their place in
	 * the site's list, for a site kept from one build to the next and
	 * changed in bodies only (build_reuse.h), which places no article anew,
	 * or given one article as the newest (whose placing the caller puts
	 * first, the others' one place on: render_placing_of): NULL, or room
	 * for the site's articles, filled by the first build (which sets
	 * placings_known) and taken as they are by the next ones.
	 * (The printed pages' notes are digested anew each time, bodies and
	 * all.) */
	uint64_t *placings;
	int placings_known;
	/* With hints (serve's build process, from build to build whatever
	 * the site): the places of the kept pages' files among the earlier
	 * build's (write.h, writer_keep_batched_at), those the last build
	 * found (in) and those this one finds (out): taken and left by
	 * render_site, the caller's to free (render_keep_places_free). */
	int hints;
	struct render_keep_places *places;
};
struct render_keep_places;
void render_keep_places_free(struct render_keep_places *kp);

/* One article's placing, as render_site's placings hold it: for a kept
 * site that took one article more (build_reuse.h), whose others' placings
 * are as they were, a place further on in the list. */
uint64_t render_placing_of(const struct article *art);

/* Renders every page of the site, in `jobs` threads (0: one per core).
 * Templates must be compiled in tmpls already (every template named in
 * CONTEXT.md). Returns 0, or -1 after diag errors. The output does not
 * depend on the number of threads. With inc (a build; NULL for a check),
 * a page whose inputs are those of the build that left w's output keeps its
 * files, and what each page was made from is left in w's state. */
int render_site(const struct site *site, struct tmpl_set *tmpls, struct writer *w, struct diag *d,
		struct arena *keep, int jobs, struct render_incremental *inc);

/* The names of the templates render uses, NULL-terminated (main compiles them first). */
extern const char *const render_templates[];

/* Appends an article's place as listings show it (city district community):
 * shared with the search index, whose results show it the same way. */
void render_place_text(const struct place *p, struct buf *b);

#endif
