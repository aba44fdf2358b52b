/* sitemap.xml and feed.xml: the two files that use absolute URLs (base_url),
 * since crawlers and feed readers fetch them from anywhere. They list pretty
 * URLs (reports/x/, not reports/x/index.html), which a server resolves. */
#include <string.h>

#include "render_internal.h"

#define FEED_ENTRIES 20

static void add_url(struct render *r, struct val *urls, const char *url, const char *lastmod)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "loc", render_absolute(r, url));
	if (lastmod && strlen(lastmod) == 10)
		val_set_str(&r->scratch, v, "lastmod", lastmod);
	val_push(&r->scratch, urls, v);
}

void render_sitemap(struct render *r, size_t unused)
{
	(void)unused;
	const struct site *s = r->site;
	struct val *ctx = render_common(r, "sitemap.xml", "sitemap", NULL);
	struct val *urls = val_list(&r->scratch);
	add_url(r, urls, "index.html", NULL);
	for (size_t i = 0; i < s->articles.len; i++) {
		const struct article *a = s->articles.items[i];
		add_url(r, urls, a->url, r->extra[a->order].date_iso);
	}
	for (size_t i = 0; i < s->places.len; i++)
		add_url(r, urls, ((const struct place *)s->places.items[i])->url, NULL);
	for (size_t i = 0; i < s->months.len; i++)
		add_url(r, urls, ((const struct month *)s->months.items[i])->url, NULL);
	for (size_t i = 0; i < s->tags.len; i++)
		add_url(r, urls, ((const struct tag *)s->tags.items[i])->url, NULL);
	for (size_t i = 0; i < s->series.len; i++)
		add_url(r, urls, ((const struct series *)s->series.items[i])->url, NULL);
	render_set_list(r, ctx, "urls", urls);
	render_page(r, "sitemap", "sitemap.xml", ctx);
}

/* Atom wants a full timestamp; the archive knows days (or months), which are
 * China Standard Time. The feed's own `updated` is its newest entry's, so an
 * unchanged archive gives an unchanged feed. */
static const char *timestamp(struct render *r, const struct article *a)
{
	return arena_sprintf(&r->scratch, "%04d-%02d-%02dT00:00:00+08:00", a->date.y, a->date.m,
			     a->date.d ? a->date.d : 1);
}

void render_feed(struct render *r, size_t unused)
{
	(void)unused;
	const struct site *s = r->site;
	struct val *ctx = render_common(r, "feed.xml", "feed", NULL);
	val_set_str(&r->scratch, ctx, "base_url", render_absolute(r, ""));
	val_set_str(&r->scratch, ctx, "updated",
		    s->articles.len ? timestamp(r, s->articles.items[0]) : "1970-01-01T00:00:00Z");
	struct val *entries = val_list(&r->scratch);
	for (size_t i = 0; i < s->articles.len && i < FEED_ENTRIES; i++) {
		const struct article *a = s->articles.items[i];
		struct val *v = render_item_new(r, a);
		val_set_str(&r->scratch, v, "loc", render_absolute(r, a->url));
		val_set_str(&r->scratch, v, "updated", timestamp(r, a));
		val_push(&r->scratch, entries, v);
	}
	render_set_list(r, ctx, "entries", entries);
	render_page(r, "feed", "feed.xml", ctx);
}
