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

/* What the page being made reads and writes, for the next build
 * (render_deps.c): the articles whose items it shows (their order; with
 * RENDER_SELF for the page's own article, all of which it shows) and its
 * files (each followed by a space). */
#define RENDER_SELF 0x80000000u
struct render_rec {
	uint32_t *deps;
	size_t ndeps, cap;
	struct buf files;
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
	struct render_dates_seen {	/* this thread's formatted dates, see render_item.c */
		uint64_t *keys;
		const char **texts;
		size_t len, cap;
	} date_texts;
	struct render_rec *rec;		/* NULL: nothing recorded (a check) */
	struct keep_batch *keeps;	/* the thread's kept pages (incremental) */
	/* the same on every page (render_common): made once, in keep */
	struct val *site_val;
	struct val *nav_vals[7];	/* by the nav entry that is current, 6: none */
	_Atomic unsigned char *made;	/* per article: its render_article is made (2), being made (1) */
	struct sitemap_once *sitemap;	/* shared: the sitemap's plan, made by the first of its jobs */
	int failed;
};

/* The article's render_article, made first when it is not yet (see
 * render.c): pages read items only through these, which record the read. */
const struct render_article *render_extra(struct render *r, const struct article *art);
/* The page shows all of art (a report's own page). */
void render_uses_self(struct render *r, const struct article *art);
/* Hands a file of the page to the writer, and records it. */
void render_put(struct render *r, const char *rel, const char *data, size_t len);

/* render_deps.c: what each page was made from, between builds. */
struct render_deps {
	int active;		/* recording (a build; not a check) */
	int selective;		/* the earlier record applies: jobs can be kept */
	int partial;		/* ... but its structure was another: report pages only, matched by path */
	int old_known;		/* the earlier record's search digest is known */
	const struct site *site;
	size_t narticles, njobs, reports_first;
	size_t old_narticles, old_njobs, old_reports_first;
	uint64_t structure, search, global, old_structure, old_search;
	uint64_t placing, search_global;	/* the structure's parts: the articles', and the search's global */
	uint64_t *item, *body, *placing_of;	/* by article order */
	uint64_t *old_item, *old_body, *old_placing;	/* by the earlier order */
	const char **job_key;	/* by job: what matches it with an earlier job across a change of structure, or NULL */
	struct render_keep_places *places;	/* the places the earlier build found, by its jobs, or NULL */
	struct render_keep_places *next_places;	/* those this build finds, by its jobs, for the next */
	uint64_t *job_view;	/* by job: what its page reads of the structure, where it has a key */
	size_t view_job;	/* the job render_deps_view_* describe */
	int views_known;	/* job_key and job_view are made (else the record's stand) */
	struct arena views_arena;	/* their memos, while they are made */
	struct arena keys_arena;	/* the keys that are not the site's strings (a feed's) */
	struct arena *thread_keys;	/* the same, made by the threads that made the views */
	size_t nthread_keys;
	struct strmap views_seen;
	long *old_of;		/* by article order: its earlier number, or -1 */
	long *new_of;		/* by the earlier number: its order now, or -1 */
	const char *old_articles, *old_articles_end;	/* the earlier record's article lines */
	const char **old_line;	/* by earlier job: the earlier record's line (not NUL-terminated) */
	size_t *old_len;
	long *old_job;		/* by job: the earlier job it is, or -1 */
	unsigned char *dirty;	/* by job: must be made (render_deps_plan) */
	char **line;		/* by job: this build's line, when made */
	size_t *line_len;
};
struct writer;
/* reports_first: the job number of the first report page (article order
 * n - 1). view_of(dp, job, ctx) describes each job that has a key, through
 * one of the render_deps_view_* below (see render_deps.c). threads: how
 * many may share the work of placing the articles. */
void render_deps_open(struct render_deps *dp, const struct site *s, const struct writer *w, uint64_t global,
		      struct render_incremental *inc, size_t njobs, size_t reports_first, size_t threads,
		      void (*view_of)(struct render_deps *, size_t job, void *), void *ctx);
/* render_deps_digest.c: every job's view (view_of), over the threads. */
void render_deps_make_views(struct render_deps *dp, size_t threads,
			    void (*view_of)(struct render_deps *, size_t, void *), void *ctx);
void render_deps_view_report(struct render_deps *dp, const struct article *art);
/* render_report.c: the reports a report's page lists as related, at most
 * RELATED_MAX: items[0, near) of its community (the first `newer` of them
 * newer than it), the others of its district sharing a tag. */
#define RELATED_MAX 6
struct related_pick {
	const struct article *items[RELATED_MAX];
	size_t n, near, newer;
};
void render_related_pick(const struct article *art, struct related_pick *rp);
void render_deps_view_place_month(struct render_deps *dp, const struct span *s);
void render_deps_view_day(struct render_deps *dp, size_t i);
void render_deps_view_month(struct render_deps *dp, size_t i);
void render_deps_view_place(struct render_deps *dp, const struct place *p);
/* A page of an owner (tag, person) that reads only its list. */
void render_deps_view_owner(struct render_deps *dp, const struct ptrvec *list, const char *url);
void render_deps_view_feed(struct render_deps *dp, size_t i);
void render_deps_view_topic_period(struct render_deps *dp, const struct span *s, const struct span *spans, size_t n,
				   const struct ptrvec *list, const char *owner_name, const char *owner_url);
uint64_t render_deps_body(const struct article *art);
/* Each article's placing, by its place in s->articles (malloc'd; up to
 * `threads` threads): of its front matter and the index alone. */
uint64_t *render_deps_placings(const struct site *s, size_t threads);
/* The structure without the global part (render_deps_open adds it), from
 * the placings and the printed pages' notes (their bodies too), and each
 * article's placing in each[] (by its order). */
uint64_t render_deps_placing(const struct site *s, const uint64_t *one, uint64_t *each);
uint64_t render_deps_item(const struct article *art, const struct render_article *x);
/* Must the article's render_article be made before the pages (its file
 * changed, or every page is made)? */
int render_deps_body_changed(const struct render_deps *dp, size_t order);
/* The earlier build's item digest of an article whose body did not change. */
uint64_t render_deps_old_item(const struct render_deps *dp, size_t order);
/* Once every article's digests are in: which jobs must be made. */
void render_deps_plan(struct render_deps *dp);
/* Keeps job j's files when none of its inputs changed, in kb: 1 when kept
 * by their places (dp->places), 0 when by their names, else -1. */
int render_deps_keep(struct render_deps *dp, size_t j, struct keep_batch *kb);
/* Job j was made: its line, from rec (emptied), in a. */
void render_deps_record(struct render_deps *dp, size_t j, struct render_rec *rec, struct arena *a);
/* What changed since the earlier record: inc's changes_known,
 * old_narticles and old_of (render.h). */
void render_deps_changes(const struct render_deps *dp, struct render_incremental *inc);
/* Leaves the record in w's state when ok, and the places of the kept
 * files for the next build in inc (with hints); frees dp. */
void render_deps_close(struct render_deps *dp, struct writer *w, int ok, struct render_incremental *inc);
/* render_deps_record.c: the record's format. Takes the earlier record
 * (text, len: the state's extra section; own: the bytes this process
 * wrote, their digest not read again): whole when it speaks of the same
 * structure (selective), its report pages when only the structure changed
 * (partial). Returns 0, or -1 (nothing kept). */
int render_deps_read_record(struct render_deps *dp, const char *text, size_t len, int own);
/* A job line without its key (`=<view> <key>\t`). */
const char *render_deps_line_body(const char *line, size_t n, size_t *body_len);
/* Calls fn for each dependency of an earlier line (earlier numbering)
 * until it returns nonzero; returns that, or 1 for a malformed line. */
int render_deps_each_dep(const struct render_deps *dp, const char *line, size_t n,
			  int (*fn)(const struct render_deps *, size_t old, int self, void *), void *arg);
/* This build's record, into w's state. */
void render_deps_write_record(const struct render_deps *dp, struct writer *w);

struct val *render_common(struct render *r, const char *url, const char *page_title, const char *section);
/* A place as a page's title and its feed name it: with the place above it
 * for a district or community ("东关社区（石楼县）"), whose names repeat
 * across the archive where a tab, bookmark or feed reader shows no more. */
const char *render_place_title(struct render *r, const struct place *p);
void render_crumb(struct render *r, struct val *ctx, const char *name, const char *url);
void render_page(struct render *r, const char *tmpl_name, const char *url, struct val *ctx);
void render_set_list(struct render *r, struct val *map, const char *key, struct val *list);
/* render_item.c: art's dates, place, summary and listing item into
 * r->extra[art->order] (the articles' pass, or render_extra when late). */
void render_precompute(struct render *r, const struct article *art);
struct val *render_item(struct render *r, const struct article *art);
struct val *render_item_new(struct render *r, const struct article *art);
struct val *render_items(struct render *r, const struct ptrvec *arts);
/* The page of owner's reports of month m of year y (a month's or the year's
 * page), or NULL when there is none. */
typedef const char *render_month_url_fn(const void *owner, int y, int m);
/* arts (newest first) grouped by month: {label,id,count,items,url}, url
 * from month_url when it is not NULL. */
struct val *render_groups(struct render *r, const struct ptrvec *arts, render_month_url_fn *month_url,
			  const void *owner);
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
/* The day without its weekday: 2020年1月24日. */
const char *render_day_text_plain(struct render *r, int y, int m, int d);

/* render_listing.c: lists of at most listing_limit reports a page. */
size_t render_limit(const struct render *r);
/* How many pages a list of n takes (1 for an empty list). */
size_t render_npages(const struct render *r, size_t n);
/* The k-th page (0: the first) of the listing at url: url itself, or
 * <url's directory>page/<k+1>/index.html; in scratch. */
const char *render_nth_url(struct render *r, const char *url, size_t k);
/* The same, made in the arena a (for a plan that outlives one page). */
const char *render_nth_url_in(struct arena *a, const char *url, size_t k);
/* title, or "title（第k+1页）" */
const char *render_nth_title(struct render *r, const char *title, size_t k);
/* A view of list's items [start, start + len), clipped to the list; it borrows list's array. */
struct ptrvec render_slice(const struct ptrvec *list, size_t start, size_t len);
/* The k-th page of the view [start, start + len). */
struct ptrvec render_page_slice(const struct render *r, const struct ptrvec *list, size_t start, size_t len,
				size_t k);
/* Sets pages (numbered links {number,url,current}, empty for a single
 * page), page_number, page_count and prev_page/next_page on ctx. */
void render_set_pages(struct render *r, struct val *ctx, const char *url, size_t k, size_t npages);
/* The last breadcrumb of page k of a listing: its name (linking to its
 * first page when k > 0), then "第k+1页". */
void render_crumb_paged(struct render *r, struct val *ctx, const char *name, const char *url, size_t k);
/* A listing's first page of a bounded page: `groups` of the newest
 * listing_limit of list (each heading linking to month_url's page, and the
 * month cut short with its whole `count` and the `listed` part),
 * `latest_count`, and `has_more` when list is longer. */
void render_set_latest(struct render *r, struct val *ctx, const struct ptrvec *list, render_month_url_fn *month_url,
		       const void *owner);

/* render_heatmap.c: heatmap.mustache's data (see theme/CONTEXT.md). A
 * cell is a month (d == 0) or a day with reports, linking to url. */
struct render_heat_cell {
	int y, m, d;
	size_t count;
	const char *url;
	int year_page;	/* a month cell whose url is its whole year's page */
};
/* A year × month grid of the years the cells span; NULL when n == 0. */
struct val *render_heatmap_months(struct render *r, const struct render_heat_cell *cells, size_t n,
				  const char *title);
/* A weeks × weekdays grid of year y, with the same numbers as a table. A
 * cell of day 0 counts a month's reports known only to the month: in the
 * totals and the table's 只知月份 column, not in the grid. (A month page has
 * no heatmap: its calendar is the one day grid it shows.) */
struct val *render_heatmap_year(struct render *r, const struct render_heat_cell *cells, size_t n, int y,
				const char *title);

/* render_periods.c: the heatmap of an owner's list by its spans, and the
 * span of year y holding month m (a month's, or the year's), or NULL. */
struct val *render_spans_heatmap(struct render *r, const struct ptrvec *list, const struct span *spans, size_t n,
				 const char *title);
const struct span *render_find_span(const struct span *spans, size_t n, int y, int m);
/* The page of the year folder holding month span s (…/2022/index.html for
 * …/2022/10/index.html), in a: the year's page when the year is split into
 * months (render_periods.c makes it, with the year's newest month). */
const char *render_year_url_in(struct arena *a, const struct span *s);
/* `year_links` (and `has_year_links`): each year of spans (newest first)
 * with its count and its page, the owner's year folder. */
void render_set_year_links(struct render *r, struct val *ctx, const struct span *spans, size_t n);
/* Is spans[i] the newest month of a year split into months (and so the
 * one that makes the year's page)? */
int render_span_opens_year(const struct span *spans, size_t i);
/* Sets ctx's `key` to the places of `places` (of the given level; any when
 * level < 0) with reports in month m of year y, linking to their month pages
 * ({name,url,text,count}): the 40 with most reports, and `key`_more to how
 * many are left out; `key`_unlisted to how many of the month's `total`
 * reports are in none of them. Returns the list. */
struct val *render_places_month(struct render *r, struct val *ctx, const char *key, const struct ptrvec *places,
				int level, int y, int m, size_t total);

struct val *render_tree(struct render *r, enum place_level deepest);
/* The breadcrumbs above place p: 地区, then its parents (render_periods.c). */
void render_place_crumbs(struct render *r, struct val *ctx, const struct place *p);
/* render_dates.c: the whole archive by month (year × month), each cell
 * linking to its month page; NULL for an empty archive. */
struct val *render_months_heatmap(struct render *r);
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
void render_heatmap_file(struct render *r, size_t i);
void render_place_month(struct render *r, size_t i);
void render_tag_period(struct render *r, size_t i);
void render_person_period(struct render *r, size_t i);
void render_feed(struct render *r, size_t i);
/* The feed beside each place, tag and person page (render_feeds.c). */
void render_page_feed(struct render *r, size_t i);
size_t render_page_feed_count(const struct site *s);
/* Sets the page's `page_feed` (the title and url of the feed of the place,
 * tag or person called name, whose directory is dir), which base.mustache
 * links from <head> before the site's: on the owner's page and its periods. */
void render_feed_link(struct render *r, struct val *ctx, const char *name, const char *dir);
/* The sitemap: job 0 is sitemap.xml, the others render the parts of a sitemap
 * index (none, or several), see render_sitemap.c. */
void render_sitemap(struct render *r, size_t i);
size_t render_sitemap_count(const struct site *s);
/* The plan of every page the sitemap's jobs share (render_site makes one
 * for all threads): made once, not once a job. */
struct sitemap_once *render_sitemap_once_new(void);
/* The view of sitemap job `job` (render_deps.c), the plan made in once. */
void render_deps_view_sitemap(struct render_deps *dp, struct sitemap_once *once, size_t job);
void render_sitemap_once_free(struct sitemap_once *once);

#endif
