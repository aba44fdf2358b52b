/* site: the plain data the pipeline stages hand to each other.
 *
 *   load (load.c)     content files → struct source (path + bytes)
 *   parse (config.c, article.c)  → struct config, struct article
 *   index (index.c)   articles + config → struct site: places, dates, tags,
 *                     people and printed pages, sorted and cross-linked
 *   render (render.c) struct site → pages (path + HTML) through the theme
 *   write (write.c)   pages → the output directory, atomically
 *
 * Everything here lives in the build's arena. Parse makes the articles and
 * the config; index adds what it works out to each article (the fields under
 * "filled by index", which parse leaves zero) and makes everything else here.
 * From render on, all of it is read-only: render and search keep what they
 * work out per article in their own tables. */
#ifndef SITE_H
#define SITE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* ---- parse ---- */

struct strlist {
	const char **items;
	size_t len;
	size_t *lines, *cols;	/* items[i]'s place in the front matter, for messages */
};

struct slug_override {
	const char *name, *slug;
};

/* config.yml's region table as written: province › city › districts. */
struct config_city {
	const char *name;
	size_t line, col;
	const char **districts;
	size_t ndistricts;
};

struct config_province {
	const char *name;
	struct config_city *cities;
	size_t ncities;
};

struct config {
	const char *path;
	const char *title, *description, *base_url, *language, *output_dir;
	int unsafe_html;
	int search;	/* search: the index, its page and the header's box (default true) */
	size_t home_latest;
	size_t sitemap_limit;	/* URLs in one sitemap file (sitemaps.org: 50,000) */
	size_t listing_limit;	/* the most reports one listing page shows (listing_limit:) */
	struct config_province *provinces;
	size_t nprovinces;
	struct slug_override *slugs;
	size_t nslugs;
};

/* An image a report shows (bundle.h): a file of its page bundle, read by
 * load, or an http(s) address left as it is. */
struct image {
	const char *url;	/* the destination as cmark reads it, or a caption's `image:` */
	const char *rel;	/* the file in the bundle, and beside the page: img/photo.jpg; NULL when remote */
	const char *data;	/* its bytes, in the arena */
	size_t len;
	unsigned width, height;	/* 0 when not known (SVG, AVIF, remote) */
};

enum article_kind { ARTICLE_REPORT, ARTICLE_PAGE, ARTICLE_OTHER };

struct date {
	int y, m, d;	/* d == 0: only the month is known */
};

/* One content file. `line`s are the front-matter lines of each key, for the
 * index stage's messages (unknown district, duplicate slug). */
struct article {
	const char *path;
	const char *src;
	size_t src_len;
	uint64_t src_digest;	/* hash_block of src, set by article_set (0: not made) */
	enum article_kind kind;
	const char *title, *subtitle, *district, *city, *street, *community, *page, *slug, *source;
	size_t district_line, district_col, city_line, city_col, slug_line, slug_col, community_line, community_col;
	size_t title_line, title_col;
	struct date date;
	int date_inferred, truncated, draft;
	struct strlist reporters, correspondents, tags, captions, corrections;
	struct strlist author;	/* who signed a text that is no report (a poem): one or more; no person page */
	const char *body;	/* Markdown, after the front matter */
	size_t body_len;

	/* page bundles (bundle.h): bundle and images are filled by load */
	const char *bundle;		/* content/2022/<slug> for content/2022/<slug>/index.md, else NULL */
	const char **caption_images;	/* captions.items[i]'s `image:`, or NULL; the array is NULL when none has one */
	size_t *caption_image_lines, *caption_image_cols;
	struct image *images;		/* every image of the body and captions, each url once */
	size_t nimages;

	/* filled by index */
	const char *url_slug;
	const char *url;		/* root-relative: reports/<slug>/index.html */
	struct place *place;		/* the most specific place it is filed under */
	struct place *local;		/* its district, or its city when filed at city level */
	struct series *series;
	struct scan *scan;		/* with a `source` and no `page`: the reports of its scan */
	struct year *year;
	struct month *month;
	struct day *day;		/* NULL when only the month is known */
	struct tag **tag_refs;			/* tags.items[i] → its tag */
	struct person **reporter_refs, **correspondent_refs;
	size_t order;			/* position in the whole archive, oldest first */
	struct article *prev, *next;		/* whole archive by date */
	struct article *local_prev, *local_next;	/* within `local` */
};

/* ---- index ---- */

/* A run of a newest-first article list that falls in one month (m != 0) or
 * one year (m == 0): items [start, start + len) of its owner's list. Each is
 * a page of its own (with more pages when len passes listing_limit). */
struct span {
	int y, m;
	size_t start, len;
	const char *url;	/* <owner's dir>YYYY/[MM/]index.html */
	const void *owner;	/* the struct place, tag or person whose list it is */
};

enum place_level { PLACE_PROVINCE, PLACE_CITY, PLACE_DISTRICT, PLACE_COMMUNITY };

struct place {
	const char *name, *slug, *url, *dir;	/* dir: places/<...>/ */
	enum place_level level;
	struct place *parent;
	struct ptrvec children;		/* struct place *, pinyin order */
	struct ptrvec articles;		/* every article at or below, newest first */
	struct span *months;		/* articles by month, newest first */
	size_t nmonths;
	const char *sort_key;
	struct article *last_linked;	/* the index's, while it links neighbours: the last article met here */
};

struct person {
	const char *name, *slug, *url, *dir;
	struct ptrvec as_reporter, as_correspondent;	/* newest first */
	struct ptrvec articles;		/* both, each article once, newest first */
	struct span *periods;		/* articles by year, or by month where a year holds more than listing_limit; newest first */
	size_t nperiods;
	const char *sort_key;
};

struct tag {
	const char *name, *slug, *url, *dir;
	struct ptrvec articles;		/* newest first */
	struct span *periods;		/* as a person's */
	size_t nperiods;
	const char *sort_key;
};

/* A printed page or series: the `page:` value reports share, with the
 * editor's note from a `kind: page` article when there is one. */
struct series {
	const char *title, *slug, *url;
	struct article *note;		/* kind: page, or NULL */
	struct ptrvec articles;		/* reports and others, oldest first (reading order) */
};

/* The reports of one scan (the same `source`) that give no `page:`: a
 * printed page whose title was not printed, so none could be transcribed.
 * They are each other's reports of the same page, as a series' are, but
 * the page has no title, no page of its own and no note. */
struct scan {
	const char *source;
	struct ptrvec articles;		/* reports and others, oldest first (reading order) */
};

/* Date pages: index gives each its URL (dates/YYYY/MM/DD/index.html), the
 * only place those are made. */
struct day {
	int y, m, d;
	const char *url;
	struct month *month;
	struct ptrvec articles;
};

struct month {
	int y, m;
	const char *url;
	struct year *year;
	struct ptrvec days;		/* struct day *, in calendar order */
	struct ptrvec month_only;	/* articles known only to the month */
	struct ptrvec articles;		/* all, newest first */
};

struct year {
	int y;
	const char *url;
	struct ptrvec months;		/* struct month *, in calendar order */
	struct ptrvec articles;		/* newest first */
};

struct site {
	const struct config *config;
	struct ptrvec articles;		/* reports and others (not page notes), newest first */
	struct ptrvec provinces;	/* struct place *, pinyin order */
	struct ptrvec places;		/* every place, tree order */
	struct ptrvec years;		/* struct year *, oldest first */
	struct ptrvec months;		/* every month, oldest first */
	struct ptrvec days;		/* every day, oldest first */
	struct ptrvec tags;		/* pinyin order */
	struct ptrvec people;		/* pinyin order */
	struct ptrvec series;		/* oldest first */
	/* every span of every place, tag and person (struct span *), in the
	 * order of places, tags and people: one page (or more) each */
	struct ptrvec place_months, tag_periods, person_periods;
};

/* Compares two dates; a month-only date sorts before the days of its month. */
int date_cmp(const struct date *a, const struct date *b);

#endif
