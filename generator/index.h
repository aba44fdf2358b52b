/* index: articles + config → struct site (see site.h).
 *
 * Resolves every article's place against the config's region table, gives
 * every article, place, tag and person a unique URL slug, and groups the
 * articles by place, date, tag, person and printed page, each list sorted the
 * way the pages show it (names in pinyin order, articles newest first). */
#ifndef INDEX_H
#define INDEX_H

#include "diag.h"
#include "site.h"

struct text_slugger;
struct text_collator;
struct memo;
struct index_tables;
struct index_kept;

/* What the index stage works with: the caller's arena, diagnostics, config
 * and ICU services, and the stage's own lookup tables (index_internal.h),
 * which index_build makes and which live in the arena. */
struct index_ctx {
	struct arena *a;
	struct diag *d;
	const struct config *cfg;
	struct text_slugger *slugger;	/* NULL: opened when a name needs it */
	int slugger_failed;		/* ICU could not open it (reported once) */
	struct memo *memo;		/* slugs of earlier builds, and this one's */
	struct text_collator *collator;
	struct index_tables *t;
	int cmdline;			/* the places came from sitegen new's options: say
					 * --city, not 'city:', in a message */
	struct index_kept *kept;	/* index_build's maps, for index_add_newest (in the arena) */
};

/* Builds the site from n parsed articles (drafts are left out unless
 * `drafts`; names are transliterated in `jobs` threads, see threads.h). Returns 0, or -1 after reporting errors (unknown district,
 * duplicate slug …) through d. */
int index_build(struct index_ctx *x, struct article **arts, size_t n, int drafts, int jobs, struct site *site);

/* Serve's build process keeps a site for its next build (build_reuse.h).
 * When that build's one new file is a report newer than every other, this
 * files art into the site x->kept is of (x: the arena, config, diagnostics
 * and memo index_build had, and x->kept, which gives x->t) as index_build
 * would have, without indexing the others again: its place, slug, date,
 * tags, people, neighbours and spans; and says again through x->d the
 * index's warnings, which read every report (their text in x->d's sink,
 * after the messages that come before them, replaces the earlier ones).
 * Returns 0; or -1, the site unchanged, when art is not that plain a case:
 * not the newest, a draft, a page note, a slug, `page` or `source` of its
 * own, a place, tag or person no report has yet, or its slug's making said
 * something (then the caller indexes everything again). */
int index_add_newest(struct index_ctx *x, struct site *site, struct article *art);

/* Checks the district and city of articles that failed to parse
 * (article_set's rejected: see article_parse_keep) against the tables
 * index_build made, so that every mistake in a file is reported. Drafts are
 * left out unless `drafts`, as index_build leaves them. */
void index_check_rejected(struct index_ctx *x, struct article **arts, size_t n, int drafts);

#endif
