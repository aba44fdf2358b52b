/* Bounded listings: no page lists more than the config's listing_limit
 * reports. A longer list is split into numbered pages (…/page/2/), each
 * linking every other, so that any report stays one click from the
 * list's first page. */
#include <string.h>

#include "render_internal.h"

size_t render_limit(const struct render *r)
{
	return r->site->config->listing_limit;
}

size_t render_npages(const struct render *r, size_t n)
{
	size_t limit = render_limit(r);
	return n ? (n + limit - 1) / limit : 1;
}

const char *render_nth_url_in(struct arena *a, const char *url, size_t k)
{
	if (!k)
		return url;
	size_t n = strlen(url);
	if (n >= 10 && strcmp(url + n - 10, "index.html") == 0)
		n -= 10;
	return arena_sprintf(a, "%.*spage/%zu/index.html", (int)n, url, k + 1);
}

const char *render_nth_url(struct render *r, const char *url, size_t k)
{
	return render_nth_url_in(&r->scratch, url, k);
}

const char *render_nth_title(struct render *r, const char *title, size_t k)
{
	return k ? arena_sprintf(&r->scratch, "%s（第%zu页）", title, k + 1) : title;
}

struct ptrvec render_slice(const struct ptrvec *list, size_t start, size_t len)
{
	struct ptrvec v = { 0 };
	if (start < list->len) {
		v.items = list->items + start;
		v.len = len < list->len - start ? len : list->len - start;
		v.cap = v.len;
	}
	return v;
}

struct ptrvec render_page_slice(const struct render *r, const struct ptrvec *list, size_t start, size_t len,
				size_t k)
{
	size_t limit = render_limit(r), from = k * limit;
	struct ptrvec all = render_slice(list, start, len);
	return render_slice(&all, from, limit);
}

void render_set_pages(struct render *r, struct val *ctx, const char *url, size_t k, size_t npages)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	for (size_t i = 0; npages > 1 && i < npages; i++) {
		struct val *v = val_map(a);
		val_set(a, v, "number", render_count(r, i + 1));
		val_set_str(a, v, "url", render_nth_url(r, url, i));
		val_set_bool(a, v, "current", i == k);
		val_push(a, list, v);
	}
	render_set_list(r, ctx, "pages", list);
	val_set(a, ctx, "page_number", render_count(r, k + 1));
	val_set(a, ctx, "page_count", render_count(r, npages));
	if (k > 0)
		val_set(a, ctx, "prev_page", render_link(r, "上一页", render_nth_url(r, url, k - 1)));
	if (k + 1 < npages)
		val_set(a, ctx, "next_page", render_link(r, "下一页", render_nth_url(r, url, k + 1)));
}

/* The reports of list from `from` on in the month of list[from - 1]: the
 * list is newest first, so they follow it directly. */
static size_t month_rest(const struct ptrvec *list, size_t from)
{
	const struct article *last = list->items[from - 1];
	size_t n = 0;
	while (from + n < list->len) {
		const struct article *a = list->items[from + n];
		if (a->date.y != last->date.y || a->date.m != last->date.m)
			break;
		n++;
	}
	return n;
}

/* The month where the cut falls says its real total beside how many are
 * listed here, so that it agrees with the heatmap. */
void render_set_latest(struct render *r, struct val *ctx, const struct ptrvec *list, render_month_url_fn *month_url,
		       const void *owner)
{
	struct arena *a = &r->scratch;
	struct ptrvec latest = render_slice(list, 0, render_limit(r));
	struct val *groups = render_groups(r, &latest, month_url, owner);
	size_t rest = latest.len ? month_rest(list, latest.len) : 0;
	if (rest) {
		struct val *g = groups->u.list.items[groups->u.list.len - 1];
		size_t shown = val_get(g, "items", 5)->u.list.len;
		val_set(a, g, "listed", render_count(r, shown));
		val_set(a, g, "count", render_count(r, shown + rest));
	}
	render_set_list(r, ctx, "groups", groups);
	val_set(a, ctx, "latest_count", render_count(r, latest.len));
	val_set_bool(a, ctx, "has_more", list->len > latest.len);
}

void render_crumb_paged(struct render *r, struct val *ctx, const char *name, const char *url, size_t k)
{
	render_crumb(r, ctx, name, k ? url : NULL);
	if (k)
		render_crumb(r, ctx, arena_sprintf(&r->scratch, "第%zu页", k + 1), NULL);
}
