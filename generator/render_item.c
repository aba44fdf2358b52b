/* An article as the pages show it, made once per article (by the
 * articles' pass, or late: render.c) and shared by every page and thread:
 * its dates as text (ICU's formats, remembered per thread), its place as a
 * path, its listing item, its summary. */
#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <stdint.h>
#include <string.h>

#include "markdown.h"
#include "text.h"

/* ICU takes ~20 µs to format a date, and the same few hundred days and
 * months are named on thousands of pages: each thread formats each once
 * and keeps the text (in its long-lived arena). d == 0 is a month, m == 0 a
 * year; plain is a day without its weekday (a citation's). */
static uint64_t date_key(int y, int m, int d, int plain)
{
	uint64_t k = (uint64_t)(uint32_t)y << 16 | (uint64_t)(m & 0xff) << 8 | (uint64_t)(d & 0xff);
	return (k | (uint64_t)(plain != 0) << 48) + 1;	/* never 0 */
}

/* Open addressing on the date's number: formatting a key and hashing it
 * cost more than the lookup, a few hundred thousand times a build. */
static size_t date_slot(const struct render_dates_seen *t, uint64_t key)
{
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 32) & (t->cap - 1);
	while (t->keys[i] && t->keys[i] != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void date_remember(struct render *r, uint64_t key, const char *s)
{
	struct render_dates_seen *t = &r->date_texts;
	if (2 * (t->len + 1) > t->cap) {
		struct render_dates_seen old = *t;
		t->cap = old.cap ? 2 * old.cap : 1024;
		t->keys = arena_alloc(r->keep, t->cap * sizeof(*t->keys));
		t->texts = arena_alloc(r->keep, t->cap * sizeof(*t->texts));
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = date_slot(t, old.keys[i]);
				t->keys[j] = old.keys[i];
				t->texts[j] = old.texts[i];
			}
	}
	size_t j = date_slot(t, key);
	t->keys[j] = key;
	t->texts[j] = s;
	t->len++;
}

static const char *date_text(struct render *r, int y, int m, int d, int plain)
{
	uint64_t key = date_key(y, m, d, plain);
	if (r->date_texts.cap) {
		size_t j = date_slot(&r->date_texts, key);
		if (r->date_texts.keys[j])
			return r->date_texts.texts[j];
	}
	struct buf b = BUF_INIT;
	if (d && plain)
		text_format_date_plain(r->dates, y, m, d, &b);
	else if (d)
		text_format_date(r->dates, y, m, d, &b);
	else if (m)
		text_format_month(r->dates, y, m, &b);
	else
		text_format_year(r->dates, y, &b);
	const char *s = arena_strndup(r->keep, b.data, b.len);
	buf_free(&b);
	date_remember(r, key, s);
	return s;
}

const char *render_month_text(struct render *r, int y, int m)
{
	return date_text(r, y, m, 0, 0);
}

const char *render_year_text(struct render *r, int y)
{
	return date_text(r, y, 0, 0, 0);
}

const char *render_day_text(struct render *r, int y, int m, int d)
{
	return date_text(r, y, m, d, 0);
}

const char *render_day_text_plain(struct render *r, int y, int m, int d)
{
	return date_text(r, y, m, d, 1);
}

static struct val *item_val(struct arena *a, const struct article *art, const struct render_article *x)
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
	val_set(a, v, "summary", val_str_ref(a, x->summary, strlen(x->summary)));
	val_set_bool(a, v, "is_other", art->kind == ARTICLE_OTHER);
	if (art->kind == ARTICLE_OTHER)
		val_set_str(a, v, "kind_label", "非新闻报道");
	return v;
}

/* An article as listings show it. Made once per article and shared by every
 * page and thread (values are never changed once made). */
struct val *render_item(struct render *r, const struct article *art)
{
	return render_extra(r, art)->item;
}

/* A fresh copy, for a caller that adds keys to it. */
struct val *render_item_new(struct render *r, const struct article *art)
{
	return item_val(&r->scratch, art, render_extra(r, art));
}

struct val *render_items(struct render *r, const struct ptrvec *arts)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0; i < arts->len; i++)
		val_push(&r->scratch, list, render_item(r, arts->items[i]));
	return list;
}

/* Groups a newest-first list by month. */
struct val *render_groups(struct render *r, const struct ptrvec *arts, render_month_url_fn *month_url,
			  const void *owner)
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
			const char *url = month_url ? month_url(owner, gy, gm) : NULL;
			if (url)
				val_set_str(a, group, "url", url);
			render_set_list(r, group, "items", items);
			val_push(a, groups, group);
		}
		val_push(a, items, render_item(r, art));
		val_set(a, group, "count", render_count(r, items->u.list.len));
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

/* Dates, places, summaries and the listing item are needed on many pages:
 * made once per article, before any page, by whichever thread gets to it. */
void render_precompute(struct render *r, const struct article *art)
{
	struct render_article *x = &r->extra[art->order];
	x->date_text = date_text(r, art->date.y, art->date.m, art->date.d, 0);
	if (art->date.d)
		x->date_iso = arena_sprintf(r->keep, "%04d-%02d-%02d", art->date.y, art->date.m, art->date.d);
	else
		x->date_iso = arena_sprintf(r->keep, "%04d-%02d", art->date.y, art->date.m);
	x->place_text = place_text(r->keep, art->place);
	struct buf summary = BUF_INIT;
	markdown_summary(art->body, art->body_len, RENDER_SUMMARY_CHARS, &summary);
	x->summary = arena_strndup(r->keep, summary.data, summary.len);
	buf_free(&summary);
	x->item = item_val(r->keep, art, x);
}
