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
	render_set_list(r, ctx, "groups", render_groups(r, &y->articles));
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
			val_set(a, cell, "day", val_strf(a, "%d", d));
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

void render_month_page(struct render *r, size_t i)
{
	static const char *const weekdays[] = { "一", "二", "三", "四", "五", "六", "日" };
	struct arena *a = &r->scratch;
	const struct month *m = r->site->months.items[i];
	const char *text = render_month_text(r, m->y, m->m);
	struct val *ctx = render_common(r, m->url, text, "dates");
	render_crumb(r, ctx, "日期", "dates/index.html");
	render_crumb(r, ctx, render_year_text(r, m->y), m->year->url);
	render_crumb(r, ctx, text, NULL);
	struct val *month = val_map(a);
	val_set_str(a, month, "text", text);
	val_set(a, month, "count", render_count(r, m->articles.len));
	val_set(a, ctx, "month", month);
	val_set(a, ctx, "year", render_link(r, render_year_text(r, m->y), m->year->url));
	struct val *wd = val_list(a);
	for (int k = 0; k < 7; k++)
		val_push(a, wd, val_str_ref(a, weekdays[k], strlen(weekdays[k])));
	render_set_list(r, ctx, "weekdays", wd);
	render_set_list(r, ctx, "weeks", calendar(r, m));
	struct val *days = val_list(a);
	for (size_t k = 0; k < m->days.len; k++) {
		const struct day *d = m->days.items[k];
		struct val *v = render_link(r, render_day_text(r, d->y, d->m, d->d), d->url);
		val_set(a, v, "count", render_count(r, d->articles.len));
		val_push(a, days, v);
	}
	render_set_list(r, ctx, "days", days);
	render_set_list(r, ctx, "month_only", render_items(r, &m->month_only));
	/* the month-only reports have their own list above: not twice */
	struct ptrvec dated = { 0 };
	for (size_t k = 0; k < m->articles.len; k++)
		if (((const struct article *)m->articles.items[k])->date.d)
			ptrvec_push(a, &dated, m->articles.items[k]);
	render_set_list(r, ctx, "items", render_items(r, &dated));
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
	render_page(r, "month", m->url, ctx);
}

void render_day_page(struct render *r, size_t i)
{
	struct arena *a = &r->scratch;
	const struct day *d = r->site->days.items[i];
	const char *text = render_day_text(r, d->y, d->m, d->d);
	struct val *ctx = render_common(r, d->url, text, "dates");
	const char *month_url = d->month->url;
	render_crumb(r, ctx, "日期", "dates/index.html");
	render_crumb(r, ctx, render_year_text(r, d->y), d->month->year->url);
	render_crumb(r, ctx, render_month_text(r, d->y, d->m), month_url);
	render_crumb(r, ctx, text, NULL);
	struct val *day = val_map(a);
	val_set_str(a, day, "text", text);
	val_set(a, day, "count", render_count(r, d->articles.len));
	val_set(a, ctx, "day", day);
	val_set(a, ctx, "month", render_link(r, render_month_text(r, d->y, d->m), month_url));
	render_set_list(r, ctx, "items", render_items(r, &d->articles));
	if (i > 0) {
		const struct day *p = r->site->days.items[i - 1];
		val_set(a, ctx, "prev_day", render_link(r, render_day_text(r, p->y, p->m, p->d), p->url));
	}
	if (i + 1 < r->site->days.len) {
		const struct day *n = r->site->days.items[i + 1];
		val_set(a, ctx, "next_day", render_link(r, render_day_text(r, n->y, n->m, n->d), n->url));
	}
	render_page(r, "day", d->url, ctx);
}

void render_dates_index(struct render *r, size_t i)
{
	(void)i;
	struct val *ctx = render_common(r, "dates/index.html", "按日期浏览", "dates");
	render_crumb(r, ctx, "日期", NULL);
	render_set_list(r, ctx, "years", render_years(r));
	render_page(r, "dates", "dates/index.html", ctx);
}
