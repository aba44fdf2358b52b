/* Period pages: a place's reports of one month (places/…/2022/10/), a tag's
 * or person's of one year or month (tags/<slug>/2022/), each split into
 * numbered pages past listing_limit; and the heatmaps of the place, tag and
 * person pages, whose cells link to them. */
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"

#define SIBLINGS_MAX 24
#define PLACES_MAX 40	/* sub-places (or a month's districts) listed with their month pages */

/* The year × month heatmap of an owner's list, each month linking to the
 * span (month or year page) that holds it. */
struct val *render_spans_heatmap(struct render *r, const struct ptrvec *list, const struct span *spans, size_t n,
				 const char *title)
{
	struct render_heat_cell *cells = arena_alloc(&r->scratch, (list->len + 1) * sizeof(*cells));
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct span *s = &spans[i];
		for (size_t k = s->start; k < s->start + s->len; k++) {
			const struct article *a = list->items[k];
			if (!nc || cells[nc - 1].y != a->date.y || cells[nc - 1].m != a->date.m)
				cells[nc++] = (struct render_heat_cell){ .y = a->date.y, .m = a->date.m, .url = s->url,
									 .year_page = !s->m };
			cells[nc - 1].count++;
		}
	}
	return render_heatmap_months(r, cells, nc, title);
}

const struct span *render_find_span(const struct span *spans, size_t n, int y, int m)
{
	for (size_t i = 0; i < n; i++)
		if (spans[i].y == y && (spans[i].m == m || !spans[i].m))
			return &spans[i];
	return NULL;
}

const char *render_year_url_in(struct arena *a, const struct span *s)
{
	size_t n = strlen(s->url), tail = strlen("10/index.html");
	return arena_sprintf(a, "%.*sindex.html", (int)(n - tail), s->url);
}

/* A month span's link, as a year's list shows it: "10月", the year said by the list. */
static struct val *month_of_year_link(struct render *r, const struct span *s)
{
	struct val *v = render_link(r, arena_sprintf(&r->scratch, "%d月", s->m), s->url);
	val_set(&r->scratch, v, "count", render_count(r, s->len));
	return v;
}

/* Each year with its months' pages when it is split into months: the owner
 * page's only links to its older reports that a keyboard reaches without
 * opening the heatmap's table. */
void render_set_year_links(struct render *r, struct val *ctx, const struct span *spans, size_t n)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	for (size_t i = 0; i < n;) {
		size_t count = 0, j = i;
		struct val *months = val_list(a);
		for (; j < n && spans[j].y == spans[i].y; j++) {
			count += spans[j].len;
			if (spans[j].m)
				val_push(a, months, month_of_year_link(r, &spans[j]));
		}
		const char *url = spans[i].m ? render_year_url_in(a, &spans[i]) : spans[i].url;
		struct val *v = render_link(r, render_year_text(r, spans[i].y), url);
		val_set(a, v, "count", render_count(r, count));
		render_set_list(r, v, "months", months);
		val_push(a, list, v);
		i = j;
	}
	render_set_list(r, ctx, "year_links", list);
}

int render_span_opens_year(const struct span *spans, size_t i)
{
	return spans[i].m && (i == 0 || spans[i - 1].y != spans[i].y);
}

static const char *period_text(struct render *r, const struct span *s)
{
	return s->m ? render_month_text(r, s->y, s->m) : render_year_text(r, s->y);
}

static struct val *span_link(struct render *r, const struct span *s)
{
	struct val *v = render_link(r, period_text(r, s), s->url);
	val_set(&r->scratch, v, "count", render_count(r, s->len));
	return v;
}

/* Previous (older) and next (newer) period of the same owner: spans are newest first. */
static void set_neighbours(struct render *r, struct val *ctx, const struct span *spans, size_t n,
			   const struct span *s)
{
	size_t i = (size_t)(s - spans);
	if (i + 1 < n)
		val_set(&r->scratch, ctx, "prev_period", span_link(r, &spans[i + 1]));
	if (i > 0)
		val_set(&r->scratch, ctx, "next_period", span_link(r, &spans[i - 1]));
}

/* The parts every period page has; `list` is the owner's whole list. */
/* `title_name`: the owner as the page's title names it (render_place_title). */
static struct val *period_common(struct render *r, const struct span *s, const struct ptrvec *list,
				 const char *owner_name, const char *title_name, const char *section, size_t k,
				 size_t npages)
{
	struct arena *a = &r->scratch;
	const char *text = period_text(r, s);
	const char *title = render_nth_title(r, arena_sprintf(a, "%s · %s", title_name, text), k);
	const char *url = render_nth_url(r, s->url, k);
	struct val *ctx = render_common(r, url, title, section);
	struct val *period = val_map(a);
	val_set_str(a, period, "text", text);
	val_set_str(a, period, "owner_name", owner_name);
	val_set(a, period, "count", render_count(r, s->len));
	val_set(a, ctx, "period", period);
	struct ptrvec items = render_page_slice(r, list, s->start, s->len, k);
	render_set_list(r, ctx, "items", render_items(r, &items));
	render_set_pages(r, ctx, s->url, k, npages);
	return ctx;
}

/* A month's crumbs pass through its year's page (render_year_page). */
static void period_crumbs(struct render *r, struct val *ctx, const struct span *s, const char *owner_name,
			  const char *owner_url, size_t k)
{
	render_crumb(r, ctx, owner_name, owner_url);
	if (s->m)
		render_crumb(r, ctx, render_year_text(r, s->y), render_year_url_in(&r->scratch, s));
	render_crumb_paged(r, ctx, period_text(r, s), s->url, k);
}

/* The link to the year of spans[i] (its year's page, with the year's count). */
static struct val *year_link(struct render *r, const struct span *spans, size_t n, size_t i)
{
	size_t count = 0;
	while (i > 0 && spans[i - 1].y == spans[i].y)
		i--;
	for (size_t j = i; j < n && spans[j].y == spans[i].y; j++)
		count += spans[j].len;
	const char *url = spans[i].m ? render_year_url_in(&r->scratch, &spans[i]) : spans[i].url;
	struct val *v = render_link(r, render_year_text(r, spans[i].y), url);
	val_set(&r->scratch, v, "count", render_count(r, count));
	return v;
}

/* The page of a year folder whose year is split into months
 * (places/…/2022/, tags/<slug>/2022/ past listing_limit): the year's months
 * with their counts and links, and its heatmap; no reports (each month's
 * page has them). spans[i] is the year's newest month. The caller has set
 * the crumbs up to the owner (owner_name, linking to its page, last). */
static void render_year_page_of(struct render *r, struct val *ctx, const struct span *spans, size_t n, size_t i,
				const struct ptrvec *list, const char *owner_name)
{
	struct arena *a = &r->scratch;
	const struct span *s = &spans[i];
	size_t end = i, count = 0;
	struct val *months = val_list(a);
	for (; end < n && spans[end].y == s->y; end++) {
		count += spans[end].len;
		val_push(a, months, span_link(r, &spans[end]));
	}
	render_crumb(r, ctx, render_year_text(r, s->y), NULL);
	struct val *period = val_map(a);
	val_set_str(a, period, "text", render_year_text(r, s->y));
	val_set_str(a, period, "owner_name", owner_name);
	val_set(a, period, "count", render_count(r, count));
	val_set(a, ctx, "period", period);
	render_set_list(r, ctx, "months", months);
	render_set_list(r, ctx, "items", val_list(a));
	render_set_list(r, ctx, "siblings", val_list(a));
	render_set_pages(r, ctx, s->url, 0, 1);
	val_set(a, ctx, "heatmap", render_spans_heatmap(r, list, s, end - i,
						       arena_sprintf(a, "%s · %s各月报道数", owner_name,
								     render_year_text(r, s->y))));
	if (end < n)
		val_set(a, ctx, "prev_period", year_link(r, spans, n, end));
	if (i > 0)
		val_set(a, ctx, "next_period", year_link(r, spans, n, i - 1));
	render_page(r, "period", render_year_url_in(a, s), ctx);
}

static struct val *year_page_common(struct render *r, const struct span *s, const char *title_name,
				    const char *section)
{
	const char *title = arena_sprintf(&r->scratch, "%s · %s", title_name, render_year_text(r, s->y));
	return render_common(r, render_year_url_in(&r->scratch, s), title, section);
}

/* The same month of the place's siblings (places of its level under the
 * same parent) that have reports then: at most SIBLINGS_MAX, those nearest it. */
static struct val *month_siblings(struct render *r, const struct place *p, const struct span *s)
{
	struct arena *a = &r->scratch;
	const struct ptrvec *all = p->parent ? &p->parent->children : &r->site->provinces;
	struct ptrvec found = { 0 };
	size_t self = 0;
	for (size_t i = 0; i < all->len; i++) {
		const struct place *q = all->items[i];
		if (q->level != p->level)
			continue;
		if (q == p)
			self = found.len;
		if (q == p || render_find_span(q->months, q->nmonths, s->y, s->m))
			ptrvec_push(a, &found, (void *)q);
	}
	size_t from = self > SIBLINGS_MAX / 2 ? self - SIBLINGS_MAX / 2 : 0;
	struct val *list = val_list(a);
	for (size_t i = from; i < found.len && i < from + SIBLINGS_MAX; i++) {
		const struct place *q = found.items[i];
		const struct span *qs = render_find_span(q->months, q->nmonths, s->y, s->m);
		struct val *v = render_link(r, q->name, qs->url);
		val_set_str(a, v, "name", q->name);
		val_set(a, v, "count", render_count(r, qs->len));
		val_set_bool(a, v, "current", q == p);
		val_push(a, list, v);
	}
	return found.len > 1 ? list : val_list(a);
}

struct place_month {
	const struct place *place;
	const struct span *span;
	size_t order;	/* in the list given: pinyin, for equal counts */
};

static int by_count(const void *x, const void *y)
{
	const struct place_month *a = x, *b = y;
	if (a->span->len != b->span->len)
		return a->span->len < b->span->len ? 1 : -1;
	return a->order < b->order ? -1 : a->order > b->order;
}

struct val *render_places_month(struct render *r, struct val *ctx, const char *key, const struct ptrvec *places,
				int level, int y, int m, size_t total)
{
	struct arena *a = &r->scratch;
	struct place_month *found = arena_alloc(a, (places->len + 1) * sizeof(*found));
	size_t n = 0;
	for (size_t i = 0; i < places->len; i++) {
		const struct place *q = places->items[i];
		const struct span *qs = level < 0 || (int)q->level == level ? render_find_span(q->months, q->nmonths, y, m)
									   : NULL;
		if (qs)
			found[n++] = (struct place_month){ q, qs, i };
	}
	qsort(found, n, sizeof(*found), by_count);
	struct val *list = val_list(a);
	for (size_t i = 0; i < n && i < PLACES_MAX; i++) {
		struct val *v = render_link(r, found[i].place->name, found[i].span->url);
		val_set_str(a, v, "name", found[i].place->name);
		val_set(a, v, "count", render_count(r, found[i].span->len));
		val_push(a, list, v);
	}
	render_set_list(r, ctx, key, list);
	if (n > PLACES_MAX)
		val_set(a, ctx, arena_sprintf(a, "%s_more", key), render_count(r, n - PLACES_MAX));
	size_t in_them = 0;
	for (size_t i = 0; i < n; i++)
		in_them += found[i].span->len;
	if (n && total > in_them)	/* so that the counts add up */
		val_set(a, ctx, arena_sprintf(a, "%s_unlisted", key), render_count(r, total - in_them));
	return list;
}

static const struct month *site_month(const struct site *site, int y, int m)
{
	for (size_t i = 0; i < site->months.len; i++) {
		const struct month *mo = site->months.items[i];
		if (mo->y == y && mo->m == m)
			return mo;
	}
	return NULL;
}

/* The crumbs above a place: 地区, then its parents. */
void render_place_crumbs(struct render *r, struct val *ctx, const struct place *p)
{
	render_crumb(r, ctx, "地区", "places/index.html");
	const struct place *chain[4];
	size_t n = 0;
	for (const struct place *q = p->parent; q && n < 4; q = q->parent)
		chain[n++] = q;
	while (n--)
		render_crumb(r, ctx, chain[n]->name, chain[n]->url);
}

/* A place's year page links the same year one level up: the parent's
 * year page, or the date archive's year for a province. */
static void set_up_year(struct render *r, struct val *ctx, const struct place *p, int y)
{
	struct arena *a = &r->scratch;
	const struct span *up = NULL;
	for (size_t k = 0; p->parent && k < p->parent->nmonths && !up; k++)
		if (p->parent->months[k].y == y)
			up = &p->parent->months[k];
	if (up) {
		val_set(a, ctx, "up_period", render_link(r, arena_sprintf(a, "%s · %s", p->parent->name, render_year_text(r, y)),
							 render_year_url_in(a, up)));
		return;
	}
	for (size_t k = 0; !p->parent && k < r->site->years.len; k++) {
		const struct year *all = r->site->years.items[k];
		if (all->y == y)
			val_set(a, ctx, "up_period", render_link(r, arena_sprintf(a, "全部地区 · %s", render_year_text(r, y)),
								 all->url));
	}
}

void render_place_month(struct render *r, size_t i)
{
	const struct span *s = r->site->place_months.items[i];
	const struct place *p = s->owner;
	size_t npages = render_npages(r, s->len);
	for (size_t k = 0; k < npages; k++) {
		struct arena *a = &r->scratch;
		struct val *ctx = period_common(r, s, &p->articles, p->name, render_place_title(r, p), "places", k,
						      npages);
		render_place_crumbs(r, ctx, p);
		period_crumbs(r, ctx, s, p->name, p->url, k);
		val_set(a, ctx, "owner", render_link(r, p->name, p->url));
		/* the same month one level up: the parent place's, or the whole archive's */
		const struct span *up = p->parent ? render_find_span(p->parent->months, p->parent->nmonths, s->y, s->m) : NULL;
		const struct month *all = p->parent ? NULL : site_month(r->site, s->y, s->m);
		if (up)
			val_set(a, ctx, "up_period", render_link(r, arena_sprintf(a, "%s · %s", p->parent->name,
										   period_text(r, s)), up->url));
		else if (all)
			val_set(a, ctx, "up_period", render_link(r, arena_sprintf(a, "全部地区 · %s", period_text(r, s)),
								 all->url));
		render_set_list(r, ctx, "siblings", month_siblings(r, p, s));
		render_places_month(r, ctx, "children", &p->children, -1, s->y, s->m, s->len);
		set_neighbours(r, ctx, p->months, p->nmonths, s);
		render_feed_link(r, ctx, render_place_title(r, p), p->dir);
		render_page(r, "period", render_nth_url(r, s->url, k), ctx);
	}
	size_t at = (size_t)(s - p->months);
	if (render_span_opens_year(p->months, at)) {
		struct val *ctx = year_page_common(r, s, render_place_title(r, p), "places");
		render_place_crumbs(r, ctx, p);
		render_crumb(r, ctx, p->name, p->url);
		val_set(&r->scratch, ctx, "owner", render_link(r, p->name, p->url));
		set_up_year(r, ctx, p, s->y);
		render_feed_link(r, ctx, render_place_title(r, p), p->dir);
		render_year_page_of(r, ctx, p->months, p->nmonths, at, &p->articles, p->name);
	}
}

/* Every page of a tag's or person's period: `section` and its index
 * (专题 or 记者) for the breadcrumbs, the owner's list and spans. */
static void topic_period(struct render *r, const struct span *s, const char *name, const char *url,
			 const char *dir, const struct ptrvec *list, const struct span *spans, size_t n, const char *section,
			 const char *index_name, const char *index_url)
{
	size_t npages = render_npages(r, s->len);
	for (size_t k = 0; k < npages; k++) {
		struct val *ctx = period_common(r, s, list, name, name, section, k, npages);
		render_crumb(r, ctx, index_name, index_url);
		period_crumbs(r, ctx, s, name, url, k);
		val_set(&r->scratch, ctx, "owner", render_link(r, name, url));
		render_set_list(r, ctx, "siblings", val_list(&r->scratch));
		set_neighbours(r, ctx, spans, n, s);
		render_feed_link(r, ctx, name, dir);
		render_page(r, "period", render_nth_url(r, s->url, k), ctx);
	}
	if (render_span_opens_year(spans, (size_t)(s - spans))) {
		struct val *ctx = year_page_common(r, s, name, section);
		render_crumb(r, ctx, index_name, index_url);
		render_crumb(r, ctx, name, url);
		val_set(&r->scratch, ctx, "owner", render_link(r, name, url));
		render_feed_link(r, ctx, name, dir);
		render_year_page_of(r, ctx, spans, n, (size_t)(s - spans), list, name);
	}
}

void render_tag_period(struct render *r, size_t i)
{
	const struct span *s = r->site->tag_periods.items[i];
	const struct tag *t = s->owner;
	topic_period(r, s, t->name, t->url, t->dir, &t->articles, t->periods, t->nperiods, "tags", "专题", "tags/index.html");
}

void render_person_period(struct render *r, size_t i)
{
	const struct span *s = r->site->person_periods.items[i];
	const struct person *p = s->owner;
	topic_period(r, s, p->name, p->url, p->dir, &p->articles, p->periods, p->nperiods, "reporters", "记者",
		     "reporters/index.html");
}
