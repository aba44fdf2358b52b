/* Date pages: the archive index, and one page per year, month and day. */
#include <string.h>

#include "render_internal.h"
#include "text.h"

static struct val *month_links(struct render *r, const struct ptrvec *months)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0; i < months->len; i++) {
		const struct month *m = months->items[i];
		struct val *v = render_link(r, render_month_text(r, m->y, m->m), m->url);
		val_set(&r->scratch, v, "count", render_count(r, m->articles.len));
		val_push(&r->scratch, list, v);
	}
	return list;
}

struct val *render_years(struct render *r)
{
	struct val *list = val_list(&r->scratch);
	/* newest year first, like every list of reports */
	for (size_t i = r->site->years.len; i-- > 0;) {
		const struct year *y = r->site->years.items[i];
		struct val *v = render_link(r, render_year_text(r, y->y), y->url);
		val_set(&r->scratch, v, "count", render_count(r, y->articles.len));
		render_set_list(r, v, "months", month_links(r, &y->months));
		val_push(&r->scratch, list, v);
	}
	return list;
}

/* The day grid of a year; reports known only to their month come as a cell
 * of day 0. */
static struct val *day_heatmap(struct render *r, const struct year *y, const char *title)
{
	size_t n = 0;
	for (size_t i = 0; i < y->months.len; i++) {
		const struct month *m = y->months.items[i];
		n += m->days.len + 1;
	}
	struct render_heat_cell *cells = arena_alloc(&r->scratch, (n + 1) * sizeof(*cells));
	n = 0;
	for (size_t i = 0; i < y->months.len; i++) {
		const struct month *m = y->months.items[i];
		for (size_t k = 0; k < m->days.len; k++) {
			const struct day *d = m->days.items[k];
			cells[n++] = (struct render_heat_cell){ d->y, d->m, d->d, d->articles.len, d->url, 0 };
		}
		if (m->month_only.len)
			cells[n++] = (struct render_heat_cell){ m->y, m->m, 0, m->month_only.len, m->url, 0 };
	}
	return render_heatmap_year(r, cells, n, y->y, title);
}

static const char *year_month_url(const void *owner, int yy, int m)
{
	const struct year *y = owner;
	for (size_t i = 0; i < y->months.len; i++) {
		const struct month *mo = y->months.items[i];
		if (mo->y == yy && mo->m == m)
			return mo->url;
	}
	return NULL;
}

void render_year_page(struct render *r, size_t i)
{
	struct arena *a = &r->scratch;
	const struct year *y = r->site->years.items[i];
	const char *text = render_year_text(r, y->y);
	struct val *ctx = render_common(r, y->url, text, "dates");
	render_crumb(r, ctx, "日期", "dates/index.html");
	render_crumb(r, ctx, text, NULL);
	struct val *year = val_map(a);
	val_set_str(a, year, "text", text);
	val_set(a, year, "count", render_count(r, y->articles.len));
	val_set(a, ctx, "year", year);
	render_set_list(r, ctx, "months", month_links(r, &y->months));
	render_set_latest(r, ctx, &y->articles, year_month_url, y);
	val_set(a, ctx, "heatmap", day_heatmap(r, y, arena_sprintf(a, "%s每日报道数", text)));
	if (i > 0) {
		const struct year *p = r->site->years.items[i - 1];
		struct val *v = render_link(r, render_year_text(r, p->y), p->url);
		val_set_bool(a, v, "adjacent", p->y == y->y - 1);
		val_set(a, ctx, "prev_year", v);
	}
	if (i + 1 < r->site->years.len) {
		const struct year *n = r->site->years.items[i + 1];
		struct val *v = render_link(r, render_year_text(r, n->y), n->url);
		val_set_bool(a, v, "adjacent", n->y == y->y + 1);
		val_set(a, ctx, "next_year", v);
	}
	render_page(r, "year", y->url, ctx);
}

static const struct day *find_day(const struct month *m, int d)
{
	for (size_t i = 0; i < m->days.len; i++)
		if (((const struct day *)m->days.items[i])->d == d)
			return m->days.items[i];
	return NULL;
}

/* Weeks start on Monday; blank cells pad the first and last week. */
static struct val *calendar(struct render *r, const struct month *m)
{
	struct arena *a = &r->scratch;
	struct val *weeks = val_list(a), *week = NULL, *days = NULL;
	int first = text_weekday(m->y, m->m, 1), ndays = text_days_in_month(m->y, m->m);
	int cells = ((first + ndays + 6) / 7) * 7;
	for (int c = 0; c < cells; c++) {
		if (c % 7 == 0) {
			week = val_map(a);
			days = val_list(a);
			render_set_list(r, week, "days", days);
			val_push(a, weeks, week);
		}
		struct val *cell = val_map(a);
		int d = c - first + 1;
		if (d < 1 || d > ndays) {
			val_set_bool(a, cell, "blank", 1);
		} else {
			const struct day *day = find_day(m, d);
			val_set(a, cell, "day", val_int(a, d));
			val_set_bool(a, cell, "has_reports", day != NULL);
			if (day) {
				val_set_str(a, cell, "url", day->url);
				val_set(a, cell, "count", render_count(r, day->articles.len));
			}
		}
		val_push(a, days, cell);
	}
	return weeks;
}

/* One page of a month: its calendar, heatmap and day links on each, and
 * the k-th listing_limit of its reports, newest first (those known only to
 * the month come last, in a list of their own). */
static void month_page(struct render *r, size_t i, size_t k, size_t npages)
{
	static const char *const weekdays[] = { "一", "二", "三", "四", "五", "六", "日" };
	struct arena *a = &r->scratch;
	const struct month *m = r->site->months.items[i];
	const char *text = render_month_text(r, m->y, m->m);
	const char *url = render_nth_url(r, m->url, k);
	struct val *ctx = render_common(r, url, render_nth_title(r, text, k), "dates");
	render_crumb(r, ctx, "日期", "dates/index.html");
	render_crumb(r, ctx, render_year_text(r, m->y), m->year->url);
	render_crumb_paged(r, ctx, text, m->url, k);
	struct val *month = val_map(a);
	val_set_str(a, month, "text", text);
	val_set(a, month, "count", render_count(r, m->articles.len));
	val_set(a, ctx, "month", month);
	val_set(a, ctx, "year", render_link(r, render_year_text(r, m->y), m->year->url));
	struct val *wd = val_list(a);
	for (int w = 0; w < 7; w++)
		val_push(a, wd, val_str_ref(a, weekdays[w], strlen(weekdays[w])));
	render_set_list(r, ctx, "weekdays", wd);
	/* the calendar and day links on the first page only: the others are
	 * for the list, and link back to it. The calendar is the page's one day
	 * grid (a day heatmap of the month would draw the same days again). */
	render_set_list(r, ctx, "weeks", k ? val_list(a) : calendar(r, m));
	struct val *days = val_list(a);
	for (size_t j = 0; !k && j < m->days.len; j++) {
		const struct day *d = m->days.items[j];
		struct val *v = render_link(r, render_day_text(r, d->y, d->m, d->d), d->url);
		val_set(a, v, "count", render_count(r, d->articles.len));
		val_push(a, days, v);
	}
	render_set_list(r, ctx, "days", days);
	if (!k)
		render_places_month(r, ctx, "districts", &r->site->places, PLACE_DISTRICT, m->y, m->m,
				    m->articles.len);
	/* over the numbered pages the dated reports come first, newest first,
	 * then those known only to the month, in a list of their own */
	struct ptrvec order = { 0 }, dated = { 0 }, only = { 0 };
	for (int month_only = 0; month_only < 2; month_only++)
		for (size_t j = 0; j < m->articles.len; j++) {
			const struct article *art = m->articles.items[j];
			if ((art->date.d == 0) == month_only)
				ptrvec_push(a, &order, m->articles.items[j]);
		}
	struct ptrvec page = render_page_slice(r, &order, 0, order.len, k);
	for (size_t j = 0; j < page.len; j++) {
		const struct article *art = page.items[j];
		ptrvec_push(a, art->date.d ? &dated : &only, page.items[j]);
	}
	val_set_bool(a, month, "has_month_only", m->month_only.len > 0);
	render_set_list(r, ctx, "month_only", render_items(r, &only));
	if (m->month_only.len && !only.len) {
		/* they come last: say on the pages before theirs where they are */
		size_t first = (order.len - m->month_only.len) / render_limit(r);
		const char *only_url = arena_sprintf(a, "%s#s-month-only", render_nth_url(r, m->url, first));
		struct val *v = render_link(r, arena_sprintf(a, "第%zu页", first + 1), only_url);
		val_set(a, v, "count", render_count(r, m->month_only.len));
		val_set(a, ctx, "month_only_at", v);
	}
	render_set_list(r, ctx, "items", render_items(r, &dated));
	render_set_pages(r, ctx, m->url, k, npages);
	if (i > 0) {
		const struct month *p = r->site->months.items[i - 1];
		struct val *v = render_link(r, render_month_text(r, p->y, p->m), p->url);
		val_set_bool(a, v, "adjacent", p->y * 12 + p->m == m->y * 12 + m->m - 1);
		val_set(a, ctx, "prev_month", v);
	}
	if (i + 1 < r->site->months.len) {
		const struct month *n = r->site->months.items[i + 1];
		struct val *v = render_link(r, render_month_text(r, n->y, n->m), n->url);
		val_set_bool(a, v, "adjacent", n->y * 12 + n->m == m->y * 12 + m->m + 1);
		val_set(a, ctx, "next_month", v);
	}
	render_page(r, "month", url, ctx);
}

void render_month_page(struct render *r, size_t i)
{
	const struct month *m = r->site->months.items[i];
	size_t npages = render_npages(r, m->articles.len);
	for (size_t k = 0; k < npages; k++)
		month_page(r, i, k, npages);
}

static void day_page(struct render *r, size_t i, size_t k, size_t npages)
{
	struct arena *a = &r->scratch;
	const struct day *d = r->site->days.items[i];
	const char *text = render_day_text(r, d->y, d->m, d->d);
	const char *url = render_nth_url(r, d->url, k);
	struct val *ctx = render_common(r, url, render_nth_title(r, text, k), "dates");
	const char *month_url = d->month->url;
	render_crumb(r, ctx, "日期", "dates/index.html");
	render_crumb(r, ctx, render_year_text(r, d->y), d->month->year->url);
	render_crumb(r, ctx, render_month_text(r, d->y, d->m), month_url);
	render_crumb_paged(r, ctx, text, d->url, k);
	struct val *day = val_map(a);
	val_set_str(a, day, "text", text);
	val_set(a, day, "count", render_count(r, d->articles.len));
	val_set(a, ctx, "day", day);
	val_set(a, ctx, "month", render_link(r, render_month_text(r, d->y, d->m), month_url));
	struct ptrvec page = render_page_slice(r, &d->articles, 0, d->articles.len, k);
	render_set_list(r, ctx, "items", render_items(r, &page));
	render_set_pages(r, ctx, d->url, k, npages);
	if (i > 0) {
		const struct day *p = r->site->days.items[i - 1];
		val_set(a, ctx, "prev_day", render_link(r, render_day_text(r, p->y, p->m, p->d), p->url));
	}
	if (i + 1 < r->site->days.len) {
		const struct day *n = r->site->days.items[i + 1];
		val_set(a, ctx, "next_day", render_link(r, render_day_text(r, n->y, n->m, n->d), n->url));
	}
	render_page(r, "day", url, ctx);
}

void render_day_page(struct render *r, size_t i)
{
	const struct day *d = r->site->days.items[i];
	size_t npages = render_npages(r, d->articles.len);
	for (size_t k = 0; k < npages; k++)
		day_page(r, i, k, npages);
}

struct val *render_months_heatmap(struct render *r)
{
	const struct ptrvec *months = &r->site->months;
	struct render_heat_cell *cells = arena_alloc(&r->scratch, (months->len + 1) * sizeof(*cells));
	for (size_t k = 0; k < months->len; k++) {
		const struct month *m = months->items[k];
		cells[k] = (struct render_heat_cell){ m->y, m->m, 0, m->articles.len, m->url, 0 };
	}
	return render_heatmap_months(r, cells, months->len, "各月报道数");
}

/* dates/heatmap.svg: the date index's heatmap as a file of its own. */
void render_heatmap_file(struct render *r, size_t i)
{
	(void)i;
	struct val *ctx = render_common(r, "dates/heatmap.svg", "各月报道数", NULL);
	val_set(&r->scratch, ctx, "heatmap", render_months_heatmap(r));
	render_page(r, "heatmap-file", "dates/heatmap.svg", ctx);
}

void render_dates_index(struct render *r, size_t i)
{
	(void)i;
	struct val *ctx = render_common(r, "dates/index.html", "按日期浏览", "dates");
	render_crumb(r, ctx, "日期", NULL);
	render_set_list(r, ctx, "years", render_years(r));
	val_set(&r->scratch, ctx, "heatmap", render_months_heatmap(r));
	render_page(r, "dates", "dates/index.html", ctx);
}
