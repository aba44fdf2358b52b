/* Tag, reporter and printed-page (series) pages, the home page and the 404 page. */
#include <stdio.h>
#include <string.h>

#include "markdown.h"
#include "render_internal.h"
#include "text.h"

/* {name, url, count}: a tag or a person in a list (url NULL: the page's own). */
static struct val *named_count(struct render *r, const char *name, const char *url, size_t count)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "name", name);
	if (url)
		val_set_str(&r->scratch, v, "url", url);
	val_set(&r->scratch, v, "count", render_count(r, count));
	return v;
}

void render_tags_index(struct render *r, size_t unused)
{
	(void)unused;
	struct arena *a = &r->scratch;
	const struct ptrvec *tags = &r->site->tags;
	struct val *ctx = render_common(r, "tags/index.html", "专题", "tags");
	render_crumb(r, ctx, "专题", NULL);
	struct val *list = val_list(a);
	for (size_t i = 0; i < tags->len; i++) {
		const struct tag *t = tags->items[i];
		val_push(a, list, named_count(r, t->name, t->url, t->articles.len));
	}
	render_set_list(r, ctx, "tags", list);
	render_page(r, "tags", "tags/index.html", ctx);
}

static const char *tag_period_url(const void *owner, int y, int m)
{
	const struct tag *t = owner;
	const struct span *s = render_find_span(t->periods, t->nperiods, y, m);
	return s ? s->url : NULL;
}

/* A month heading of the newest list whose month has no page of its own
 * (its year is not split into months) links to the year's page: that link
 * says the year (`year_text`), so it does not pass for the month's. */
static void mark_year_groups(struct render *r, struct val *ctx, const struct span *spans, size_t n)
{
	struct val *groups = val_get(ctx, "groups", 6);
	for (size_t i = 0; groups && i < groups->u.list.len; i++) {
		struct val *g = groups->u.list.items[i];
		const struct val *id = val_get(g, "id", 2);
		int y = 0, m = 0;
		if (!id || sscanf(id->u.str.s, "%d-%d", &y, &m) != 2)
			continue;
		const struct span *s = render_find_span(spans, n, y, m);
		if (s && !s->m)
			val_set_str(&r->scratch, g, "year_text", render_year_text(r, y));
	}
}

void render_tag_page(struct render *r, size_t i)
{
	struct arena *a = &r->scratch;
	const struct tag *t = r->site->tags.items[i];
	struct val *ctx = render_common(r, t->url, t->name, "tags");
	render_crumb(r, ctx, "专题", "tags/index.html");
	render_crumb(r, ctx, t->name, NULL);
	val_set(a, ctx, "tag", named_count(r, t->name, NULL, t->articles.len));
	render_set_latest(r, ctx, &t->articles, tag_period_url, t);
	mark_year_groups(r, ctx, t->periods, t->nperiods);
	render_set_year_links(r, ctx, t->periods, t->nperiods);
	val_set(a, ctx, "heatmap", render_spans_heatmap(r, &t->articles, t->periods, t->nperiods,
							 arena_sprintf(a, "专题“%s”各月报道数", t->name)));
	render_feed_link(r, ctx, t->name, t->dir);
	render_page(r, "tag", t->url, ctx);
}

void render_people_index(struct render *r, size_t unused)
{
	(void)unused;
	struct arena *a = &r->scratch;
	const struct ptrvec *people = &r->site->people;
	struct val *ctx = render_common(r, "reporters/index.html", "记者与通讯员", "reporters");
	render_crumb(r, ctx, "记者", NULL);
	struct val *list = val_list(a);
	for (size_t i = 0; i < people->len; i++) {
		const struct person *p = people->items[i];
		val_push(a, list, named_count(r, p->name, p->url, p->articles.len));
	}
	render_set_list(r, ctx, "people", list);
	render_page(r, "reporters", "reporters/index.html", ctx);
}

void render_person_page(struct render *r, size_t i)
{
	struct arena *a = &r->scratch;
	const struct person *p = r->site->people.items[i];
	struct val *ctx = render_common(r, p->url, p->name, "reporters");
	render_crumb(r, ctx, "记者", "reporters/index.html");
	render_crumb(r, ctx, p->name, NULL);
	/* reports, each once (as reporter, correspondent or both), as the heatmap counts them */
	val_set(a, ctx, "person", named_count(r, p->name, NULL, p->articles.len));
	struct ptrvec rep = render_slice(&p->as_reporter, 0, render_limit(r));
	struct ptrvec cor = render_slice(&p->as_correspondent, 0, render_limit(r));
	render_set_list(r, ctx, "as_reporter", render_items(r, &rep));
	render_set_list(r, ctx, "as_correspondent", render_items(r, &cor));
	val_set_bool(a, ctx, "has_more", rep.len < p->as_reporter.len || cor.len < p->as_correspondent.len);
	val_set(a, ctx, "latest_count", render_count(r, render_limit(r)));
	val_set(a, ctx, "heatmap", render_spans_heatmap(r, &p->articles, p->periods, p->nperiods,
							 arena_sprintf(a, "%s各月署名报道数", p->name)));
	render_set_year_links(r, ctx, p->periods, p->nperiods);
	render_feed_link(r, ctx, p->name, p->dir);
	render_page(r, "reporter", p->url, ctx);
}

/* A printed page is dated by its note, or else by its first report. */
static const char *series_date(struct render *r, const struct series *s)
{
	const struct date *dt = s->note ? &s->note->date
			      : s->articles.len ? &((const struct article *)s->articles.items[0])->date : NULL;
	if (!dt)
		return "";
	return dt->d ? render_day_text(r, dt->y, dt->m, dt->d) : render_month_text(r, dt->y, dt->m);
}

/* The printed pages [from, from + n) of the newest-first order, as every
 * other listing (site->series is oldest first). */
static struct val *series_list(struct render *r, size_t from, size_t n)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	size_t len = r->site->series.len;
	for (size_t j = from; j < len && j < from + n; j++) {
		const struct series *s = r->site->series.items[len - 1 - j];
		struct val *v = val_map(a);
		val_set_str(a, v, "title", s->title);
		val_set_str(a, v, "url", s->url);
		val_set(a, v, "count", render_count(r, s->articles.len));
		val_set_str(a, v, "date_text", series_date(r, s));
		val_push(a, list, v);
	}
	return list;
}

/* All printed pages, newest first, listing_limit a page (series/page/2/ …):
 * one printed page per report would otherwise make it as long as the archive. */
void render_series_index(struct render *r, size_t unused)
{
	(void)unused;
	const char *first = "series/index.html";
	size_t npages = render_npages(r, r->site->series.len);
	for (size_t k = 0; k < npages; k++) {
		const char *url = render_nth_url(r, first, k);
		struct val *ctx = render_common(r, url, render_nth_title(r, "报纸版面", k), "series");
		render_crumb_paged(r, ctx, "版面", first, k);
		render_set_list(r, ctx, "series_list", series_list(r, k * render_limit(r), render_limit(r)));
		val_set(&r->scratch, ctx, "series_count", render_count(r, r->site->series.len));
		render_set_pages(r, ctx, first, k, npages);
		render_page(r, "series-index", url, ctx);
	}
}

static void series_page(struct render *r, const struct series *s, size_t k, size_t npages)
{
	struct arena *a = &r->scratch;
	const char *url = render_nth_url(r, s->url, k);
	struct val *ctx = render_common(r, url, render_nth_title(r, s->title, k), "series");
	render_crumb(r, ctx, "版面", "series/index.html");
	render_crumb_paged(r, ctx, s->title, s->url, k);
	struct val *v = val_map(a);
	val_set_str(a, v, "title", s->title);
	val_set_str(a, v, "date_text", series_date(r, s));
	val_set(a, v, "count", render_count(r, s->articles.len));
	if (!k && s->note && s->note->body_len) {
		struct buf html = BUF_INIT;
		markdown_to_html(s->note->body, s->note->body_len, r->site->config->unsafe_html, &html);
		val_set(a, v, "note_html", val_strn(a, html.data, html.len));
		buf_free(&html);
	}
	val_set(a, ctx, "series", v);
	struct ptrvec items = render_page_slice(r, &s->articles, 0, s->articles.len, k);
	render_set_list(r, ctx, "items", render_items(r, &items));
	render_set_pages(r, ctx, s->url, k, npages);
	render_page(r, "series", url, ctx);
}

/* A printed page's reports in reading order, listing_limit a page. */
void render_series_page(struct render *r, size_t i)
{
	const struct series *s = r->site->series.items[i];
	size_t npages = render_npages(r, s->articles.len);
	for (size_t k = 0; k < npages; k++)
		series_page(r, s, k, npages);
}

void render_home(struct render *r, size_t unused)
{
	(void)unused;
	struct arena *a = &r->scratch;
	const struct site *site = r->site;
	struct val *ctx = render_common(r, "index.html", site->config->title, "home");
	struct val *latest = val_list(a);
	for (size_t i = 0; i < site->articles.len && i < site->config->home_latest; i++)
		val_push(a, latest, render_item(r, site->articles.items[i]));
	render_set_list(r, ctx, "latest", latest);
	render_set_list(r, ctx, "tree", render_tree(r, PLACE_DISTRICT));
	render_set_list(r, ctx, "years", render_years(r));
	val_set(a, ctx, "heatmap", render_months_heatmap(r));
	render_set_list(r, ctx, "series_list", series_list(r, 0, render_limit(r)));
	val_set(a, ctx, "series_count", render_count(r, site->series.len));
	val_set_bool(a, ctx, "series_more", site->series.len > render_limit(r));
	struct val *stats = val_map(a);
	val_set(a, stats, "reports", render_count(r, site->articles.len));
	val_set(a, stats, "places", render_count(r, site->places.len));
	val_set(a, stats, "months", render_count(r, site->months.len));
	val_set(a, ctx, "stats", stats);
	render_page(r, "home", "index.html", ctx);
}

/* A 404 page is served at whatever URL was missing, so relative links cannot
 * work: its links start from the path of base_url instead. */
void render_404(struct render *r, size_t unused)
{
	(void)unused;
	const char *base = r->site->config->base_url;
	const char *path = strstr(base, "://");
	path = path ? strchr(path + 3, '/') : base;
	if (!path || !*path)
		path = "/";
	struct val *ctx = render_common(r, "404.html", "找不到这个页面", NULL);
	size_t n = strlen(path);
	val_set(&r->scratch, ctx, "root",
		val_str(&r->scratch, path[n - 1] == '/' ? path : arena_sprintf(&r->scratch, "%s/", path)));
	render_crumb(r, ctx, "找不到这个页面", NULL);
	render_page(r, "404", "404.html", ctx);
}

/* The search page: a form and an empty results list that assets/search.js
 * fills from the index in search/ (search.c writes it). None with search: false. */
void render_search_page(struct render *r, size_t unused)
{
	(void)unused;
	if (!r->site->config->search)
		return;
	struct val *ctx = render_common(r, "search/index.html", "搜索", "search");
	render_crumb(r, ctx, "搜索", NULL);
	render_page(r, "search", "search/index.html", ctx);
}
