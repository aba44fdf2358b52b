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

/* What index_build keeps for index_add_newest (index.h), in the arena. */
struct index_kept {
	struct index_tables *t;
	struct strmap taken;		/* report slug → article */
	struct strmap tags, people;	/* name → struct tag * / struct person * */
	struct ptrvec notes;		/* the kind: page articles, as index_build met them */
	size_t said_len, errors, warnings;	/* the diagnostics' before the warnings */
};

/* index.c, for index_add.c: oldest first, the path breaking ties; a
 * report's slug from its file's name; its URL from its slug; the index's
 * warnings that read every report (the last thing index_build does). */
int index_cmp_oldest(const void *pa, const void *pb);
const char *index_file_slug(struct index_ctx *x, const struct article *art);
const char *index_report_url(struct arena *a, const char *slug);
void index_warn_all(struct index_ctx *x, struct site *site, const struct ptrvec *notes, const struct ptrvec *oldest);

/* index_places.c: the place tree from the config, and each article's place. */
int index_places_init(struct index_ctx *x, struct site *site);
int index_place_article(struct index_ctx *x, struct site *site, struct article *art);
void index_places_finish(struct index_ctx *x, struct site *site);
/* The place (and *local, its district or city) art would be filed under,
 * when index_place_article would say nothing and create nothing, and the
 * place has reports already (it is in the tree); else NULL. */
struct place *index_place_known(struct index_ctx *x, const struct article *art, struct place **local);

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
/* A year, month or day page's struct, put at the end of the site's and its
 * year's (month's) lists: the newest, or the lists are put in order after. */
struct year *index_new_year(struct index_ctx *x, struct site *site, int year);
struct month *index_new_month(struct index_ctx *x, struct site *site, struct year *y, int month);
struct day *index_new_day(struct index_ctx *x, struct site *site, struct month *m, int day);

/* index_spans.c, once the lists are filed and sorted: every place's
 * articles by month, every tag's and person's by year (by month where a
 * year holds more than the config's listing_limit), into site's spans. */
void index_spans(struct index_ctx *x, struct site *site);
/* The same once art was added to the newest end of its lists: only its
 * places', tags' and people's spans are made again. */
void index_spans_again(struct index_ctx *x, struct site *site, const struct article *art);

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
