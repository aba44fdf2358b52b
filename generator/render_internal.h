/* render_internal: what the render*.c files share; nothing outside the
 * render stage includes this. */
#ifndef RENDER_INTERNAL_H
#define RENDER_INTERNAL_H

#include "render.h"
#include "strmap.h"
#include "value.h"

struct text_dates;

#define RENDER_SUMMARY_CHARS 90

/* What render works out once per article (indexed by article->order), in
 * a pass of its own before any page. */
struct render_article {
	const char *date_text, *date_iso, *place_text, *summary;
	struct val *item;	/* render_item's value */
};

/* One per rendering thread: everything a page is built in. */
struct render {
	const struct site *site;
	struct tmpl_set *tmpls;
	struct writer *writer;
	struct diag *d;
	struct text_dates *dates;
	struct arena *keep;		/* lives for the whole render */
	struct arena scratch;		/* emptied after every page */
	struct render_article *extra;	/* shared, read-only once made */
	struct buf out;
	struct strmap date_texts;	/* this thread's formatted dates, see render.c */
	int failed;
};

struct val *render_common(struct render *r, const char *url, const char *page_title, const char *section);
void render_crumb(struct render *r, struct val *ctx, const char *name, const char *url);
void render_page(struct render *r, const char *tmpl_name, const char *url, struct val *ctx);
void render_set_list(struct render *r, struct val *map, const char *key, struct val *list);
struct val *render_item(struct render *r, const struct article *art);
struct val *render_item_new(struct render *r, const struct article *art);
struct val *render_items(struct render *r, const struct ptrvec *arts);
struct val *render_groups(struct render *r, const struct ptrvec *arts);
struct val *render_link(struct render *r, const char *text, const char *url);
/* base_url + url, without a trailing index.html (what servers and crawlers
 * use), in the page's scratch arena. */
const char *render_absolute(struct render *r, const char *url);
/* Appends s as a JSON string, safe inside a <script> element (no "</"). */
void render_json_string(struct buf *b, const char *s);
/* A count as the templates show it (a string value). */
struct val *render_count(struct render *r, size_t n);
const char *render_month_text(struct render *r, int y, int m);
const char *render_year_text(struct render *r, int y);
const char *render_day_text(struct render *r, int y, int m, int d);

struct val *render_tree(struct render *r, enum place_level deepest);
struct val *render_years(struct render *r);

/* One function per kind of page; `i` picks the page among its kind (see
 * render_families in render.c). Each renders and hands over exactly one page
 * (render_sitemap excepted: see there). */
void render_home(struct render *r, size_t i);
void render_404(struct render *r, size_t i);
void render_search_page(struct render *r, size_t i);
void render_report_page(struct render *r, size_t i);
void render_places_index(struct render *r, size_t i);
void render_place_page(struct render *r, size_t i);
void render_dates_index(struct render *r, size_t i);
void render_year_page(struct render *r, size_t i);
void render_month_page(struct render *r, size_t i);
void render_day_page(struct render *r, size_t i);
void render_tags_index(struct render *r, size_t i);
void render_tag_page(struct render *r, size_t i);
void render_people_index(struct render *r, size_t i);
void render_person_page(struct render *r, size_t i);
void render_series_index(struct render *r, size_t i);
void render_series_page(struct render *r, size_t i);
void render_feed(struct render *r, size_t i);
/* The feed beside each place, tag and person page (render_feeds.c). */
void render_page_feed(struct render *r, size_t i);
size_t render_page_feed_count(const struct site *s);
/* Sets the page's `page_feed` (its feed's title and href), which base.mustache
 * links from <head>: for pages that render_page_feed gives a feed, by name. */
void render_feed_link(struct render *r, struct val *ctx, const char *name);
/* The sitemap: job 0 is sitemap.xml, the others render the parts of a sitemap
 * index (none, or several), see render_sitemap.c. */
void render_sitemap(struct render *r, size_t i);
size_t render_sitemap_count(const struct site *s);

#endif
