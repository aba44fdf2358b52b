#define _DEFAULT_SOURCE
#include "render.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "markdown.h"
#include "strmap.h"
#include "text.h"
#include "threads.h"
#include "tmpl.h"
#include "write.h"

const char *const render_templates[] = {
	"home", "report", "place", "places", "dates", "year", "month", "day", "tags", "tag",
	"reporters", "reporter", "series-index", "series", "404", "search", "sitemap", "feed", NULL
};


static const struct { const char *name, *url, *section; } nav_entries[] = {
	{ "首页", "index.html", "home" },
	{ "地区", "places/index.html", "places" },
	{ "日期", "dates/index.html", "dates" },
	{ "专题", "tags/index.html", "tags" },
	{ "记者", "reporters/index.html", "reporters" },
	{ "版面", "series/index.html", "series" },
};

/* "../" once per directory between the page and the site root. */
static const char *root_of(struct render *r, const char *url)
{
	struct buf b = BUF_INIT;
	for (const char *p = url; *p; p++)
		if (*p == '/')
			buf_addstr(&b, "../");
	const char *s = arena_strndup(&r->scratch, b.data, b.len);
	buf_free(&b);
	return s;
}

void render_set_list(struct render *r, struct val *map, const char *key, struct val *list)
{
	val_set(&r->scratch, map, key, list);
	val_set_bool(&r->scratch, map, arena_sprintf(&r->scratch, "has_%s", key), list->u.list.len > 0);
}

struct val *render_common(struct render *r, const char *url, const char *page_title, const char *section)
{
	struct arena *a = &r->scratch;
	const struct config *cfg = r->site->config;
	struct val *ctx = val_map(a);
	struct val *site = val_map(a);
	val_set(a, site, "title", val_str_ref(a, cfg->title, strlen(cfg->title)));
	val_set(a, site, "description", val_str_ref(a, cfg->description, strlen(cfg->description)));
	val_set(a, site, "language", val_str_ref(a, cfg->language, strlen(cfg->language)));
	val_set(a, ctx, "site", site);
	val_set(a, ctx, "root", val_str(a, root_of(r, url)));
	val_set(a, ctx, "page_title", val_str(a, page_title));
	struct val *nav = val_list(a);
	for (size_t i = 0; i < sizeof(nav_entries) / sizeof(*nav_entries); i++) {
		struct val *e = val_map(a);
		val_set_str(a, e, "name", nav_entries[i].name);
		val_set_str(a, e, "url", nav_entries[i].url);
		val_set_bool(a, e, "current", section && strcmp(section, nav_entries[i].section) == 0);
		val_push(a, nav, e);
	}
	render_set_list(r, ctx, "nav", nav);
	render_set_list(r, ctx, "breadcrumbs", val_list(a));
	if (!section || strcmp(section, "home") != 0)
		render_crumb(r, ctx, "首页", "index.html");
	return ctx;
}

/* Appends a breadcrumb; url NULL marks the current page (the last crumb). */
void render_crumb(struct render *r, struct val *ctx, const char *name, const char *url)
{
	struct val *list = val_get(ctx, "breadcrumbs", strlen("breadcrumbs"));
	struct val *e = val_map(&r->scratch);
	val_set_str(&r->scratch, e, "name", name);
	if (url)
		val_set_str(&r->scratch, e, "url", url);
	else
		val_set_bool(&r->scratch, e, "current", 1);
	val_push(&r->scratch, list, e);
	val_set_bool(&r->scratch, ctx, "has_breadcrumbs", 1);
}

void render_page(struct render *r, const char *tmpl_name, const char *url, struct val *ctx)
{
	const struct tmpl *t = tmpl_set_get(r->tmpls, tmpl_name, r->d);
	buf_reset(&r->out);
	if (!t || tmpl_render(r->tmpls, t, ctx, &r->out, r->d) < 0 ||
	    writer_put(r->writer, url, r->out.data, r->out.len) < 0)
		r->failed = 1;
	arena_reset(&r->scratch);
	if (r->pending) {
		free(r->pending);
		r->pending = NULL;
	}
}

struct val *render_link(struct render *r, const char *text, const char *url)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "text", text);
	val_set_str(&r->scratch, v, "title", text);
	val_set_str(&r->scratch, v, "url", url);
	return v;
}

/* ICU takes ~20 µs to format a date, and the same few hundred days and
 * months are named on thousands of pages: each thread formats each once
 * and keeps the text (in its long-lived arena). d == 0 is a month, m == 0 a
 * year. */
static const char *date_text(struct render *r, int y, int m, int d)
{
	char key[16];
	snprintf(key, sizeof(key), "%d-%d-%d", y, m, d);
	const char *s = strmap_get(&r->date_texts, key);
	if (s)
		return s;
	struct buf b = BUF_INIT;
	if (d)
		text_format_date(r->dates, y, m, d, &b);
	else if (m)
		text_format_month(r->dates, y, m, &b);
	else
		text_format_year(r->dates, y, &b);
	s = arena_strndup(r->keep, b.data, b.len);
	buf_free(&b);
	strmap_put(r->keep, &r->date_texts, arena_strdup(r->keep, key), (void *)s);
	return s;
}

const char *render_month_text(struct render *r, int y, int m)
{
	return date_text(r, y, m, 0);
}

const char *render_year_text(struct render *r, int y)
{
	return date_text(r, y, 0, 0);
}

const char *render_day_text(struct render *r, int y, int m, int d)
{
	return date_text(r, y, m, d);
}

static struct val *item_val(struct arena *a, const struct article *art, const struct render_article *x,
			    int with_summary)
{
	struct val *v = val_map(a);
	val_set(a, v, "title", val_str_ref(a, art->title, strlen(art->title)));
	if (art->subtitle)
		val_set(a, v, "subtitle", val_str_ref(a, art->subtitle, strlen(art->subtitle)));
	val_set(a, v, "url", val_str_ref(a, art->url, strlen(art->url)));
	val_set(a, v, "date_text", val_str_ref(a, x->date_text, strlen(x->date_text)));
	val_set(a, v, "date_iso", val_str_ref(a, x->date_iso, strlen(x->date_iso)));
	val_set_bool(a, v, "date_inferred", art->date_inferred);
	val_set(a, v, "place_text", val_str_ref(a, x->place_text, strlen(x->place_text)));
	if (with_summary)
		val_set(a, v, "summary", val_str_ref(a, x->summary, strlen(x->summary)));
	val_set_bool(a, v, "is_other", art->kind == ARTICLE_OTHER);
	if (art->kind == ARTICLE_OTHER)
		val_set_str(a, v, "kind_label", "非新闻报道");
	return v;
}

/* An article as listings show it. Made once per article and shared by every
 * page and thread (values are never changed once made): without its summary
 * while report pages are written, with it afterwards. */
struct val *render_item(struct render *r, const struct article *art)
{
	const struct render_article *x = &r->extra[art->order];
	return r->summaries_ready ? x->item : x->brief;
}

/* Called with the article's summary made (by its own page): the shared
 * value listings will use. */
void render_item_finish(struct render *r, const struct article *art)
{
	struct render_article *x = &r->extra[art->order];
	x->item = item_val(r->keep, art, x, 1);
}

/* A fresh copy, for a caller that adds keys to it. */
struct val *render_item_new(struct render *r, const struct article *art)
{
	return item_val(&r->scratch, art, &r->extra[art->order], r->summaries_ready);
}

struct val *render_items(struct render *r, const struct ptrvec *arts)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0; i < arts->len; i++)
		val_push(&r->scratch, list, render_item(r, arts->items[i]));
	return list;
}

/* Groups a newest-first list by month. */
struct val *render_groups(struct render *r, const struct ptrvec *arts)
{
	struct arena *a = &r->scratch;
	struct val *groups = val_list(a);
	struct val *group = NULL, *items = NULL;
	int gy = 0, gm = 0;
	for (size_t i = 0; i < arts->len; i++) {
		const struct article *art = arts->items[i];
		if (!group || art->date.y != gy || art->date.m != gm) {
			gy = art->date.y;
			gm = art->date.m;
			group = val_map(a);
			items = val_list(a);
			val_set_str(a, group, "label", render_month_text(r, gy, gm));
			val_set(a, group, "id", val_strf(a, "%04d-%02d", gy, gm));
			render_set_list(r, group, "items", items);
			val_push(a, groups, group);
		}
		val_push(a, items, render_item(r, art));
		val_set(a, group, "count", val_strf(a, "%zu", items->u.list.len));
	}
	return groups;
}

void render_place_text(const struct place *p, struct buf *b)
{
	/* Province names are left out: city › district › community is what a
	 * reader recognises, and the breadcrumb on the page has the rest. */
	const struct place *chain[4];
	size_t n = 0;
	for (; p && n < 4; p = p->parent)
		if (p->level != PLACE_PROVINCE)
			chain[n++] = p;
	size_t start = b->len;
	while (n--)
		buf_addf(b, "%s%s", b->len > start ? " " : "", chain[n]->name);
}

static const char *place_text(struct arena *a, const struct place *p)
{
	struct buf b = BUF_INIT;
	render_place_text(p, &b);
	const char *s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

/* Dates, places and summaries are needed on many pages: made once per
 * article, by whichever thread gets to it. */
static void precompute_one(struct render *r, size_t i)
{
	const struct article *art = r->site->articles.items[i];
	struct render_article *x = &r->extra[art->order];
	x->date_text = date_text(r, art->date.y, art->date.m, art->date.d);
	if (art->date.d)
		x->date_iso = arena_sprintf(r->keep, "%04d-%02d-%02d", art->date.y, art->date.m, art->date.d);
	else
		x->date_iso = arena_sprintf(r->keep, "%04d-%02d", art->date.y, art->date.m);
	x->place_text = place_text(r->keep, art->place);
	x->brief = item_val(r->keep, art, x, 0);
}

static size_t count_one(const struct site *s) { (void)s; return 1; }
static size_t count_articles(const struct site *s) { return s->articles.len; }
static size_t count_places(const struct site *s) { return s->places.len; }
static size_t count_years(const struct site *s) { return s->years.len; }
static size_t count_months(const struct site *s) { return s->months.len; }
static size_t count_days(const struct site *s) { return s->days.len; }
static size_t count_tags(const struct site *s) { return s->tags.len; }
static size_t count_people(const struct site *s) { return s->people.len; }
static size_t count_series(const struct site *s) { return s->series.len; }

struct render_family {
	size_t (*count)(const struct site *);
	void (*page)(struct render *, size_t);
};

/* Every page of the site, kind by kind, in two phases: the report pages
 * first (each parses its body once and leaves its summary behind), then the
 * rest, which list reports with those summaries. Big listing pages come
 * first in their phase so that no thread is left with one of them at the end. */
#define REPORT_FAMILIES 1
static const struct render_family families[] = {
	{ count_articles, render_report_page },
	{ count_places, render_place_page },
	{ count_tags, render_tag_page },
	{ count_years, render_year_page },
	{ count_people, render_person_page },
	{ count_months, render_month_page },
	{ count_one, render_home },
	{ count_one, render_places_index },
	{ count_one, render_dates_index },
	{ count_one, render_tags_index },
	{ count_one, render_people_index },
	{ count_one, render_series_index },
	{ count_one, render_404 },
	{ count_one, render_search_page },
	{ count_one, render_sitemap },
	{ count_one, render_feed },
	{ count_series, render_series_page },
	{ count_days, render_day_page },
};
#define NFAMILIES (sizeof(families) / sizeof(*families))

struct pool {
	struct render proto;
	size_t offsets[NFAMILIES + 1];	/* first job number of each family */
	atomic_size_t next_article, next_page, next_rest;
	pthread_barrier_t phase_done;
};

/* Job numbers run through the families in order. */
static void run_job(struct pool *p, struct render *r, size_t job)
{
	size_t f = 0;
	while (job >= p->offsets[f + 1])
		f++;
	families[f].page(r, job - p->offsets[f]);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct render r = p->proto;
	struct arena keep = ARENA_INIT;
	r.keep = &keep;
	r.scratch = (struct arena)ARENA_INIT;
	r.dates = text_dates_new();
	buf_init(&r.out, 1 << 16);
	size_t n = r.site->articles.len, i;
	while ((i = atomic_fetch_add(&p->next_article, 1)) < n)
		precompute_one(&r, i);
	pthread_barrier_wait(&p->phase_done);
	size_t reports_end = p->offsets[REPORT_FAMILIES];
	while ((i = atomic_fetch_add(&p->next_page, 1)) < reports_end)
		run_job(p, &r, i);
	pthread_barrier_wait(&p->phase_done);
	r.summaries_ready = 1;
	while ((i = atomic_fetch_add(&p->next_rest, 1)) < p->offsets[NFAMILIES] - reports_end)
		run_job(p, &r, reports_end + i);
	buf_free(&r.out);
	text_dates_free(r.dates);
	arena_free(&r.scratch);
	/* Precomputed strings are read by every thread until all pages are done:
	 * the caller frees the arenas after joining. */
	struct arena *owned = malloc(sizeof(*owned));
	*owned = keep;
	return r.failed ? (void *)owned : (void *)((uintptr_t)owned | 1);
}

int render_site(const struct site *site, struct tmpl_set *tmpls, struct writer *w, struct diag *d,
		struct arena *keep, int jobs)
{
	struct pool p = { .proto = { .site = site, .tmpls = tmpls, .writer = w, .d = d } };
	p.proto.extra = arena_alloc(keep, (site->articles.len + 1) * sizeof(*p.proto.extra));
	for (size_t f = 0; f < NFAMILIES; f++)
		p.offsets[f + 1] = p.offsets[f] + families[f].count(site);
	atomic_init(&p.next_article, 0);
	atomic_init(&p.next_page, 0);
	atomic_init(&p.next_rest, 0);
	int n = threads_count(jobs), failed = 0;
	pthread_t *threads = malloc((size_t)n * sizeof(*threads));
	pthread_barrier_init(&p.phase_done, NULL, (unsigned)n);
	for (int t = 0; t < n; t++)
		pthread_create(&threads[t], NULL, worker, &p);
	struct arena **arenas = malloc((size_t)n * sizeof(*arenas));
	for (int t = 0; t < n; t++) {
		void *ret;
		pthread_join(threads[t], &ret);
		failed |= !((uintptr_t)ret & 1);
		arenas[t] = (struct arena *)((uintptr_t)ret & ~(uintptr_t)1);
	}
	for (int t = 0; t < n; t++) {
		arena_free(arenas[t]);
		free(arenas[t]);
	}
	free(arenas);
	pthread_barrier_destroy(&p.phase_done);
	free(threads);
	return failed ? -1 : 0;
}
