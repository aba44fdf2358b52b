/* index_internal: what index.c, index_places.c and index_slugs.c share;
 * nothing outside the index stage includes this. */
#ifndef INDEX_INTERNAL_H
#define INDEX_INTERNAL_H

#include "index.h"
#include "strmap.h"

/* The index stage's lookup tables, made by index_build for one build. */
struct index_tables {
	struct strmap districts, cities;	/* name → struct place * */
	struct strmap communities;		/* parent dir + name → struct place * */
	struct strmap place_slugs;		/* parent dir + slug → struct place * (taken) */
	struct strmap slug_cache;		/* "max:name" → slug */
};

/* index_places.c: the place tree from the config, and each article's place. */
int index_places_init(struct index_ctx *x, struct site *site);
int index_place_article(struct index_ctx *x, struct site *site, struct article *art);
void index_places_finish(struct index_ctx *x, struct site *site);

/* index_slugs.c: transliterates every name the articles and the config use,
 * in `jobs` threads, into the cache index_slug reads. */
void index_slugs_prepare(struct index_ctx *x, struct article **arts, size_t n, int jobs);
/* A slug for name: the config's override, or ICU pinyin. In the arena. */
const char *index_slug(struct index_ctx *x, const char *name, size_t max);
/* Makes slug unique within `taken` by a -2, -3 … suffix, and records it. */
const char *index_unique_slug(struct index_ctx *x, struct strmap *taken, const char *slug, void *owner);

/* index.c: the URL of a year (m == 0), month (d == 0) or day page below
 * dir ("dates/", or a place's, tag's or person's directory), in a: the one
 * place date URLs are made. */
const char *index_date_url(struct arena *a, const char *dir, int y, int m, int d);

/* index_spans.c, once the lists are filed and sorted: every place's
 * articles by month, every tag's and person's by year (by month where a
 * year holds more than the config's listing_limit), into site's spans. */
void index_spans(struct index_ctx *x, struct site *site);

/* index_warnings.c, once everything is filed: a tag, person or community
 * one character from a better-known one of its kind (a typo?), and a report
 * with the title and date of an earlier one (oldest: reports oldest first). */
void index_warn_near_names(struct index_ctx *x, struct site *site);
void index_warn_duplicates(struct index_ctx *x, const struct ptrvec *oldest);
/* A report with nothing but blank lines after its front matter (a file
 * straight from `sitegen new`): a warning at its closing fence. */
void index_warn_empty(struct index_ctx *x, const struct ptrvec *oldest);
/* A report that gives a `source` and no `page` where other reports or a
 * page file (notes: the kind: page articles) give that source a page's
 * title: a `page:` forgotten, most likely (the report is listed with its
 * scan's other untitled reports, not on the page). At its `source:` line. */
void index_warn_unpaged(struct index_ctx *x, const struct ptrvec *notes, const struct ptrvec *oldest);

#endif
