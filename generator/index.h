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

struct index_ctx {
	struct arena *a;
	struct diag *d;
	const struct config *cfg;
	struct text_slugger *slugger;
	struct text_collator *collator;
};

/* Builds the site from n parsed articles (drafts are left out unless
 * `drafts`; names are transliterated in `jobs` threads, see threads.h). Returns 0, or -1 after reporting errors (unknown district,
 * duplicate slug …) through d. */
int index_build(struct index_ctx *x, struct article **arts, size_t n, int drafts, int jobs, struct site *site);

/* index_places.c: the place tree from the config, and each article's place. */
int index_places_init(struct index_ctx *x, struct site *site);
int index_place_article(struct index_ctx *x, struct site *site, struct article *art);
void index_places_finish(struct index_ctx *x, struct site *site);

/* index_slugs.c: transliterates every name the articles and the config use,
 * in `jobs` threads, into the cache index_slug reads. */
void index_slugs_prepare(struct index_ctx *x, struct article **arts, size_t n, int jobs);
/* A slug for name: the config's override, or ICU pinyin. In the arena. */
const char *index_slug(struct index_ctx *x, const char *name, size_t max);
/* Makes slug unique within `taken` (a struct strmap *) by a -2, -3 … suffix,
 * and records it. */
struct strmap;
const char *index_unique_slug(struct index_ctx *x, struct strmap *taken, const char *slug, void *owner);

#endif
