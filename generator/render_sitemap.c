/* sitemap.xml: every page a search engine should know (all but 404.html and
 * the empty search page), with absolute URLs from base_url and `lastmod`
 * from the content: the date of the newest report the page lists.
 *
 * One file may hold 50,000 URLs and 50 MiB (sitemaps.org; `sitemap_limit`
 * lowers the count, for tests). Past that, sitemap.xml becomes an index of
 * one sitemap per year (sitemap-2022.xml: the year's reports, date pages
 * and period pages: a place's month, a tag's or person's year or month) and one for the pages tied to no year (sitemap-pages.xml: places,
 * tags, people, printed pages, indexes); one that is still too big
 * continues in sitemap-2022-2.xml and so on. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "hash.h"
#include "xalloc.h"

#define SITEMAP_MAX_BYTES 52428800	/* 50 MiB, uncompressed */
/* a <url> line without its address: <url><loc></loc><lastmod>2022-10-31</lastmod></url>\n */
#define SITEMAP_URL_BYTES 52
#define SITEMAP_FRAME_BYTES 200		/* the XML declaration and the <urlset> tags */

/* The pages of one year, or (year 0) those of none, in a fixed order. */
struct sm_group {
	int year;
	struct ptrvec urls;	/* const char *: root-relative */
	struct ptrvec dates;	/* const struct date *: lastmod, or NULL */
};

struct sm_plan {
	struct arena a;
	struct sm_group *groups;	/* the years, oldest first, then the rest */
	size_t ngroups, total, bytes, limit, base_len;
	size_t per_page;		/* listing_limit: reports per listing page */
};

static void sm_add(struct sm_plan *p, struct sm_group *g, const char *url, const struct date *lastmod)
{
	ptrvec_push(&p->a, &g->urls, (void *)url);
	ptrvec_push(&p->a, &g->dates, (void *)lastmod);
	p->total++;
	p->bytes += SITEMAP_URL_BYTES + p->base_len + strlen(url);
}

/* The newest date of a newest-first list of articles, or NULL. */
static const struct date *newest(const struct ptrvec *arts)
{
	return arts->len ? &((const struct article *)arts->items[0])->date : NULL;
}

/* The newest date of list items [start, start + len), in any order. */
static const struct date *newest_of(const struct ptrvec *list, size_t start, size_t len)
{
	const struct date *top = NULL;
	for (size_t i = start; i < start + len && i < list->len; i++) {
		const struct date *d = &((const struct article *)list->items[i])->date;
		if (!top || date_cmp(d, top) > 0)
			top = d;
	}
	return top;
}

/* A listing of items [start, start + len) of list whose first page is url:
 * that page and its numbered ones (…/page/2/, see render_listing.c), each
 * with the newest report it shows. */
static void sm_listing(struct sm_plan *p, struct sm_group *g, const char *url, const struct ptrvec *list,
		       size_t start, size_t len)
{
	size_t npages = len ? (len + p->per_page - 1) / p->per_page : 1;
	for (size_t k = 0; k < npages; k++) {
		size_t from = start + k * p->per_page, n = len - k * p->per_page;
		sm_add(p, g, render_nth_url_in(&p->a, url, k), newest_of(list, from, n < p->per_page ? n : p->per_page));
	}
}

/* The period pages (place × month, a tag's or person's years or months)
 * of the spans that fall in year y. */
static void sm_spans(struct sm_plan *p, struct sm_group *g, const struct ptrvec *spans, int y,
		     const struct ptrvec *(*list_of)(const void *owner))
{
	for (size_t i = 0; i < spans->len; i++) {
		const struct span *s = spans->items[i];
		const struct span *prev = i ? spans->items[i - 1] : NULL;
		if (s->y != y)
			continue;
		/* a year split into months has a page of its own (render_periods.c), dated by its newest month */
		if (s->m && (!prev || prev->owner != s->owner || prev->y != s->y))
			sm_add(p, g, render_year_url_in(&p->a, s), newest_of(list_of(s->owner), s->start, s->len));
		sm_listing(p, g, s->url, list_of(s->owner), s->start, s->len);
	}
}

static const struct ptrvec *place_list(const void *o) { return &((const struct place *)o)->articles; }
static const struct ptrvec *tag_list(const void *o) { return &((const struct tag *)o)->articles; }
static const struct ptrvec *person_list(const void *o) { return &((const struct person *)o)->articles; }

static void sm_year(struct sm_plan *p, struct sm_group *g, const struct site *s, const struct year *y)
{
	sm_add(p, g, y->url, newest(&y->articles));
	for (size_t i = 0; i < y->months.len; i++) {
		const struct month *m = y->months.items[i];
		sm_listing(p, g, m->url, &m->articles, 0, m->articles.len);
		for (size_t k = 0; k < m->days.len; k++) {
			const struct day *d = m->days.items[k];
			sm_listing(p, g, d->url, &d->articles, 0, d->articles.len);
		}
	}
	sm_spans(p, g, &s->place_months, y->y, place_list);
	sm_spans(p, g, &s->tag_periods, y->y, tag_list);
	sm_spans(p, g, &s->person_periods, y->y, person_list);
	for (size_t i = y->articles.len; i-- > 0;) {
		const struct article *a = y->articles.items[i];
		sm_add(p, g, a->url, &a->date);
	}
}

static const char *const index_pages[] = {
	"index.html", "places/index.html", "dates/index.html", "tags/index.html",
	"reporters/index.html", "series/index.html",
};

static void sm_rest(struct sm_plan *p, struct sm_group *g, const struct site *s)
{
	for (size_t i = 0; i < sizeof(index_pages) / sizeof(*index_pages); i++)
		sm_add(p, g, index_pages[i], newest(&s->articles));
	/* series/'s numbered pages (render_series_index) */
	for (size_t k = 1; k * p->per_page < s->series.len; k++)
		sm_add(p, g, render_nth_url_in(&p->a, "series/index.html", k), newest(&s->articles));
	for (size_t i = 0; i < s->places.len; i++) {
		const struct place *pl = s->places.items[i];
		sm_add(p, g, pl->url, newest(&pl->articles));
	}
	for (size_t i = 0; i < s->tags.len; i++) {
		const struct tag *t = s->tags.items[i];
		sm_add(p, g, t->url, newest(&t->articles));
	}
	for (size_t i = 0; i < s->people.len; i++) {
		const struct person *pe = s->people.items[i];
		const struct date *a = newest(&pe->as_reporter), *b = newest(&pe->as_correspondent);
		sm_add(p, g, pe->url, !b || (a && date_cmp(a, b) >= 0) ? a : b);
	}
	for (size_t i = 0; i < s->series.len; i++) {
		const struct series *se = s->series.items[i];	/* its reports oldest first */
		const struct date *d = se->articles.len
			? &((const struct article *)se->articles.items[se->articles.len - 1])->date
			: se->note ? &se->note->date : NULL;
		if (se->articles.len)
			sm_listing(p, g, se->url, &se->articles, 0, se->articles.len);
		else
			sm_add(p, g, se->url, d);
	}
}

/* Every page, by year; freed by sm_plan_free. */
static void sm_plan_make(const struct site *s, struct sm_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->a = (struct arena)ARENA_INIT;
	p->limit = s->config->sitemap_limit;
	p->per_page = s->config->listing_limit;
	p->base_len = strlen(s->config->base_url) + 1;
	p->ngroups = s->years.len + 1;
	p->groups = arena_alloc(&p->a, p->ngroups * sizeof(*p->groups));
	memset(p->groups, 0, p->ngroups * sizeof(*p->groups));
	for (size_t i = 0; i < s->years.len; i++) {
		p->groups[i].year = ((const struct year *)s->years.items[i])->y;
		sm_year(p, &p->groups[i], s, s->years.items[i]);
	}
	sm_rest(p, &p->groups[s->years.len], s);
}

static void sm_plan_free(struct sm_plan *p)
{
	arena_free(&p->a);
}

static int sm_fits(const struct sm_plan *p, size_t count, size_t bytes)
{
	return count <= p->limit && bytes + SITEMAP_FRAME_BYTES <= SITEMAP_MAX_BYTES;
}

/* The end of the part of group g that starts at `start`: as many URLs as
 * one file may hold (at least one). */
static size_t sm_part_end(const struct sm_plan *p, const struct sm_group *g, size_t start)
{
	size_t end = start, bytes = 0;
	while (end < g->urls.len) {
		size_t b = SITEMAP_URL_BYTES + p->base_len + strlen(g->urls.items[end]);
		if (end > start && !sm_fits(p, end - start + 1, bytes + b))
			break;
		bytes += b;
		end++;
	}
	return end;
}

static const char *sm_part_url(struct render *r, const struct sm_group *g, size_t part)
{
	char name[32];
	if (g->year)
		snprintf(name, sizeof(name), "%d", g->year);
	else
		snprintf(name, sizeof(name), "pages");
	if (part)
		return arena_sprintf(&r->scratch, "sitemap-%s-%zu.xml", name, part + 1);
	return arena_sprintf(&r->scratch, "sitemap-%s.xml", name);
}

/* W3C Datetime, as precise as the archive knows it: 2022-10-31 or 2022-10. */
static const char *lastmod_text(struct render *r, const struct date *d)
{
	if (d->d)
		return arena_sprintf(&r->scratch, "%04d-%02d-%02d", d->y, d->m, d->d);
	return arena_sprintf(&r->scratch, "%04d-%02d", d->y, d->m);
}

static struct val *sm_entry(struct render *r, const char *url, const struct date *lastmod)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "loc", render_absolute(r, url));
	if (lastmod)
		val_set_str(&r->scratch, v, "lastmod", lastmod_text(r, lastmod));
	return v;
}

/* The newest lastmod of URLs [start, end) of group g, or NULL. */
static const struct date *sm_newest(const struct sm_group *g, size_t start, size_t end)
{
	const struct date *top = NULL;
	for (size_t i = start; i < end; i++) {
		const struct date *d = g->dates.items[i];
		if (d && (!top || date_cmp(d, top) > 0))
			top = d;
	}
	return top;
}

/* Appends URLs [start, end) of group g to the list. */
static void sm_push(struct render *r, struct val *urls, const struct sm_group *g, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		val_push(&r->scratch, urls, sm_entry(r, g->urls.items[i], g->dates.items[i]));
}

static void sm_render_urls(struct render *r, const char *url, struct val *urls)
{
	struct val *ctx = render_common(r, url, url, NULL);
	render_set_list(r, ctx, "urls", urls);
	render_page(r, "sitemap", url, ctx);
}

/* sitemap.xml: all the URLs, the pages tied to no year first (the home
 * page leads), or the index of the parts when they do not fit. */
static void sm_render_main(struct render *r, const struct sm_plan *p)
{
	struct val *list = val_list(&r->scratch);
	int single = sm_fits(p, p->total, p->bytes);
	for (size_t k = 0; k < p->ngroups; k++) {
		const struct sm_group *g = &p->groups[(k + p->ngroups - 1) % p->ngroups];
		if (single) {
			sm_push(r, list, g, 0, g->urls.len);
			continue;
		}
		for (size_t start = 0, part = 0; start < g->urls.len; part++) {
			size_t end = sm_part_end(p, g, start);
			val_push(&r->scratch, list, sm_entry(r, sm_part_url(r, g, part), sm_newest(g, start, end)));
			start = end;
		}
	}
	if (single) {
		sm_render_urls(r, "sitemap.xml", list);
		return;
	}
	struct val *ctx = render_common(r, "sitemap.xml", "sitemap", NULL);
	render_set_list(r, ctx, "sitemaps", list);
	render_page(r, "sitemap-index", "sitemap.xml", ctx);
}

struct sitemap_once {
	pthread_mutex_t lock;
	int made;
	struct sm_plan plan;	/* read-only once made */
};

struct sitemap_once *render_sitemap_once_new(void)
{
	struct sitemap_once *once = xcalloc(1, sizeof(*once));
	pthread_mutex_init(&once->lock, NULL);
	return once;
}

void render_sitemap_once_free(struct sitemap_once *once)
{
	if (!once)
		return;
	if (once->made)
		sm_plan_free(&once->plan);
	pthread_mutex_destroy(&once->lock);
	free(once);
}

/* The plan every job reads (the main file its totals and each group's
 * newest date), made by the first that asks, a job or its view, not by
 * each (at 50,000 reports, six plans of 77,000 pages each time a report was
 * added). */
static const struct sm_plan *shared_plan(struct sitemap_once *once, const struct site *s)
{
	pthread_mutex_lock(&once->lock);
	if (!once->made)
		sm_plan_make(s, &once->plan);
	once->made = 1;
	pthread_mutex_unlock(&once->lock);
	return &once->plan;
}

/* Job 0 is sitemap.xml; job 1 + k renders the parts of group k, when the
 * URLs do not fit in one file (and nothing otherwise). */
void render_sitemap(struct render *r, size_t job)
{
	struct sm_plan own;
	const struct sm_plan *p = &own;
	if (r->sitemap)
		p = shared_plan(r->sitemap, r->site);
	else
		sm_plan_make(r->site, &own);
	if (job == 0) {
		sm_render_main(r, p);
	} else if (job - 1 < p->ngroups && !sm_fits(p, p->total, p->bytes)) {
		const struct sm_group *g = &p->groups[job - 1];
		for (size_t start = 0, part = 0; start < g->urls.len; part++) {
			size_t end = sm_part_end(p, g, start);
			struct val *urls = val_list(&r->scratch);
			sm_push(r, urls, g, start, end);
			sm_render_urls(r, sm_part_url(r, g, part), urls);
			start = end;
		}
	}
	if (p == &own)
		sm_plan_free(&own);
}

/* A group's parts (job 1 + k) read nothing but its URLs and their lastmod
 * dates, and whether the sitemap is split at all (the base URL and the
 * limits are global): keyed by the group's year, so that a report added
 * to one year leaves the other years' files as they are (at 50,000
 * reports, five of six files were made again to the same bytes). Job 0,
 * sitemap.xml, reads every group: no key, made again after any change of
 * structure. */
void render_deps_view_sitemap(struct render_deps *dp, struct sitemap_once *once, size_t job)
{
	const struct sm_plan *p = shared_plan(once, dp->site);
	if (job == 0 || job - 1 >= p->ngroups)
		return;
	const struct sm_group *g = &p->groups[job - 1];
	int split = !sm_fits(p, p->total, p->bytes);
	uint64_t h = hash_num(HASH_INIT, split);
	for (size_t i = 0; split && i < g->urls.len; i++) {
		const struct date *d = g->dates.items[i];
		const char *url = g->urls.items[i];
		h = hash_block(h, url, strlen(url) + 1);
		h = hash_num(h, d ? (long long)d->y * 10000 + d->m * 100 + d->d : -1);
	}
	dp->job_key[dp->view_job] = arena_sprintf(&dp->keys_arena, "sitemap %d", g->year);
	dp->job_view[dp->view_job] = h;
}

size_t render_sitemap_count(const struct site *s)
{
	return s->years.len + 2;
}
