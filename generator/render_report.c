/* The page of each article. */
#include <string.h>

#include "bundle.h"
#include "markdown.h"
#include "render_internal.h"
#include "write.h"

/* A printed page holds a dozen reports; a `page:` value shared by
 * thousands must not list them all on each of their pages. */
#define SAME_SERIES_MAX 12

static struct val *name_link(struct render *r, const char *name, const char *url)
{
	struct val *e = val_map(&r->scratch);
	val_set_str(&r->scratch, e, "name", name);
	val_set_str(&r->scratch, e, "url", url);
	return e;
}

/* A tag or person given twice in the front matter (a copy-and-paste slip)
 * is shown once, as its page lists the report once and the feeds name it
 * once: k reaches i when refs[i] is not among refs[0..i). */
static struct val *people_links(struct render *r, struct person *const *people, size_t n)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0, k; i < n; i++) {
		for (k = 0; k < i && people[k] != people[i]; k++)
			;
		if (k == i)
			val_push(&r->scratch, list, name_link(r, people[i]->name, people[i]->url));
	}
	return list;
}

static struct val *tag_links(struct render *r, struct tag *const *tags, size_t n)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0, k; i < n; i++) {
		for (k = 0; k < i && tags[k] != tags[i]; k++)
			;
		if (k == i)
			val_push(&r->scratch, list, name_link(r, tags[i]->name, tags[i]->url));
	}
	return list;
}

static struct val *strings(struct render *r, const struct strlist *l)
{
	struct val *list = val_list(&r->scratch);
	for (size_t i = 0; i < l->len; i++)
		val_push(&r->scratch, list, val_str(&r->scratch, l->items[i]));
	return list;
}

/* Does o carry one of art's tags? A tag is one struct, its slug unique
 * (index.c), so pointers compare. */
static int shares_tag(const struct article *art, const struct article *o)
{
	for (size_t j = 0; j < o->tags.len; j++)
		for (size_t k = 0; k < art->tags.len; k++)
			if (o->tag_refs[j] == art->tag_refs[k])
				return 1;
	return 0;
}

/* Where art is in a place's list (newest first: archive order falling). */
static size_t position_in(const struct ptrvec *l, const struct article *art)
{
	size_t lo = 0, hi = l->len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct article *o = l->items[mid];
		if (o->order > art->order)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* May o be listed as related to art in this pass (0: its community, 1:
 * its district, sharing a tag), beside the first n picked? Its
 * community's list is the community's around it in time, the ones next to
 * it too (a reader's review: left out, it skipped the nearest); the
 * district's leaves out those its pagers (前后报道) link to already. */
static int may_relate(const struct article *art, const struct article *o, int pass,
		      const struct article *const *picked, size_t n)
{
	if (o == art || (art->series && o->series == art->series) || (art->scan && o->scan == art->scan))
		return 0;
	if (pass == 1 && (!shares_tag(art, o) || o == art->prev || o == art->next || o == art->local_prev ||
			  o == art->local_next))
		return 0;
	for (size_t k = 0; k < n; k++)
		if (picked[k] == o)
			return 0;
	return 1;
}

/* Up to `want` reports of the list l around art in time, into out (newest
 * first): as many newer as older, more of one side when the other has too
 * few. Returns how many, and in *newer_n how many are newer than art. */
static size_t pick_around(const struct article *art, const struct ptrvec *l, int pass,
			  const struct article **picked, size_t n, size_t want, const struct article **out,
			  size_t *newer_n)
{
	const struct article *newer[RELATED_MAX], *older[RELATED_MAX];
	size_t nn = 0, no = 0, at = position_in(l, art);
	for (size_t i = at; i-- > 0 && nn < want;)
		if (may_relate(art, l->items[i], pass, picked, n))
			newer[nn++] = l->items[i];
	for (size_t i = at; i < l->len && no < want; i++)
		if (may_relate(art, l->items[i], pass, picked, n))
			older[no++] = l->items[i];
	size_t take_new = nn < (want + 1) / 2 ? nn : (want + 1) / 2;
	size_t take_old = no < want - take_new ? no : want - take_new;
	take_new = nn < want - take_old ? nn : want - take_old;
	*newer_n = take_new;
	size_t k = 0;
	while (take_new)
		out[k++] = newer[--take_new];
	for (size_t i = 0; i < take_old; i++)
		out[k++] = older[i];
	return k;
}

/* Related: others of the same community, then others of its district
 * sharing a tag with it, each those nearest it in time (as many newer as
 * older where there are), newest first; never the article itself or one of
 * its printed page, titled or not (listed apart: same_page). Nearest, not
 * newest: each report's page points readers to its own time, and a report
 * added as the newest changes the lists of the few reports next to it, not
 * of every report of its community.
 * Also what its page's view of the structure holds
 * (render_deps_view_report): only a change to these changes the list. */
void render_related_pick(const struct article *art, struct related_pick *rp)
{
	rp->n = rp->near = rp->newer = 0;
	for (int pass = 0; pass < 2 && rp->n < RELATED_MAX; pass++) {
		const struct place *scope = pass == 0 ? art->place : art->local;
		if (!scope || (pass == 0 && scope->level != PLACE_COMMUNITY))
			continue;
		size_t newer;
		rp->n += pick_around(art, &scope->articles, pass, rp->items, rp->n, RELATED_MAX - rp->n,
				     rp->items + rp->n, &newer);
		if (pass == 0) {
			rp->near = rp->n;
			rp->newer = newer;
		}
	}
}

/* The report itself in a list of others: its item (its title and date,
 * which the page shows anyway), `is_self`. */
static struct val *self_entry(struct render *r, const struct article *art)
{
	struct val *me = render_item_new(r, art);	/* render_item's is shared: never changed */
	val_set_bool(&r->scratch, me, "is_self", 1);
	return me;
}

/* The related reports, as two lists: its community's, with the report
 * itself in its place among them (`is_self`, as on 同版报道), and its
 * district's sharing a tag; and all of them as `related`. */
static void related(struct render *r, const struct article *art, struct val *ctx)
{
	struct related_pick rp;
	render_related_pick(art, &rp);
	struct val *all = val_list(&r->scratch), *near = val_list(&r->scratch), *tagged = val_list(&r->scratch);
	for (size_t i = 0; i <= rp.n; i++) {
		if (i == rp.newer && rp.near)	/* after the newer ones (newer ≤ near ≤ n: once) */
			val_push(&r->scratch, near, self_entry(r, art));
		if (i == rp.n)
			break;
		struct val *item = render_item(r, rp.items[i]);
		val_push(&r->scratch, all, item);
		val_push(&r->scratch, i < rp.near ? near : tagged, item);
	}
	render_set_list(r, ctx, "related", all);
	render_set_list(r, ctx, "related_near", near);
	render_set_list(r, ctx, "related_tagged", tagged);
	if (rp.near)
		val_set_str(&r->scratch, ctx, "related_near_name", art->place->name);
	if (rp.n > rp.near)
		val_set_str(&r->scratch, ctx, "related_tagged_name", art->local->name);
}

static void set_neighbour(struct render *r, struct val *ctx, const char *key, const struct article *o)
{
	if (!o)
		return;
	const struct render_article *x = render_extra(r, o);	/* records o: its title is its item's */
	struct val *v = render_link(r, o->title, o->url);
	val_set_str(&r->scratch, v, "date_text", x->date_text);
	val_set(&r->scratch, ctx, key, v);
}

static struct val *place_path(struct render *r, const struct article *art, struct val *ctx)
{
	static const char *const labels[] = { "省", "市", "区县", "社区" };
	const struct place *chain[4];
	size_t n = 0;
	for (const struct place *p = art->place; p && n < 4; p = p->parent)
		chain[n++] = p;
	struct val *list = val_list(&r->scratch);
	if (n)	/* the crumbs pass through the places index, as a place page's do */
		render_crumb(r, ctx, "地区", "places/index.html");
	while (n--) {
		struct val *e = val_map(&r->scratch);
		val_set_str(&r->scratch, e, "name", chain[n]->name);
		val_set_str(&r->scratch, e, "url", chain[n]->url);
		val_set_str(&r->scratch, e, "level_label", labels[chain[n]->level]);
		val_push(&r->scratch, list, e);
		render_crumb(r, ctx, chain[n]->name, chain[n]->url);
	}
	return list;
}

/* The width and height markdown writes for an image of the body. */
static void image_size(void *ctx, const char *url, unsigned *w, unsigned *h)
{
	const struct image *img = bundle_image(ctx, url);
	*w = img ? img->width : 0;
	*h = img ? img->height : 0;
}

/* The bundle's images, each file once, beside the page
 * (reports/<slug>/img/photo.jpg): only those it shows, so that a build
 * removes a file no longer shown, as it removes any page it no longer makes. */
static void put_images(struct render *r, const struct article *art)
{
	size_t dir = strlen(art->url) - strlen("index.html");
	for (size_t i = 0; i < art->nimages; i++) {
		const struct image *img = &art->images[i];
		int again = 0;
		for (size_t k = 0; img->rel && k < i; k++)
			again |= art->images[k].rel && strcmp(art->images[k].rel, img->rel) == 0;
		if (!img->rel || again)
			continue;
		const char *path = arena_sprintf(&r->scratch, "%.*s%s", (int)dir, art->url, img->rel);
		render_put(r, path, img->data, img->len);
	}
}

/* Captions that name an image, shown as figures: src, text, and width and
 * height when known. Plain captions stay in `captions`. */
static struct val *figures(struct render *r, const struct article *art, struct val **plain)
{
	struct arena *a = &r->scratch;
	struct val *list = val_list(a);
	*plain = val_list(a);
	for (size_t i = 0; i < art->captions.len; i++) {
		const char *url = art->caption_images ? art->caption_images[i] : NULL;
		if (!url) {
			val_push(a, *plain, val_str(a, art->captions.items[i]));
			continue;
		}
		const struct image *img = bundle_image(art, url);
		struct val *f = val_map(a);
		val_set_str(a, f, "src", url);
		val_set_str(a, f, "text", art->captions.items[i]);
		if (img && img->width && img->height) {
			val_set(a, f, "width", render_count(r, img->width));
			val_set(a, f, "height", render_count(r, img->height));
		}
		val_push(a, list, f);
	}
	return list;
}

/* 甲、乙: names as one line of text. */
static const char *joined_names(struct render *r, const struct strlist *names)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < names->len; i++)
		buf_addf(&b, "%s%s", i ? "、" : "", names->items[i]);
	const char *s = arena_strndup(&r->scratch, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

static struct val *report_val(struct render *r, const struct article *art)
{
	struct arena *a = &r->scratch;
	struct val *v = render_item_new(r, art);
	struct buf html = BUF_INIT;
	markdown_to_html_images(art->body, art->body_len, r->site->config->unsafe_html, image_size, (void *)art, &html);
	put_images(r, art);
	val_set(a, v, "body_html", val_str_ref(a, arena_strndup(a, html.len ? html.data : "", html.len), html.len));
	buf_free(&html);
	val_set_bool(a, v, "month_only", art->date.d == 0);
	val_set_bool(a, v, "truncated", art->truncated);
	if (art->street)
		val_set_str(a, v, "street", art->street);
	if (art->source)
		val_set_str(a, v, "source", art->source);
	if (art->author.len)
		val_set_str(a, v, "author", joined_names(r, &art->author));
	struct val *plain;
	render_set_list(r, v, "figures", figures(r, art, &plain));
	render_set_list(r, v, "captions", plain);
	render_set_list(r, v, "corrections", strings(r, &art->corrections));
	render_set_list(r, v, "reporters", people_links(r, art->reporter_refs, art->reporters.len));
	render_set_list(r, v, "correspondents", people_links(r, art->correspondent_refs, art->correspondents.len));
	render_set_list(r, v, "tags", tag_links(r, art->tag_refs, art->tags.len));
	return v;
}

/* The reports of its printed page (a series', or its scan's when the
 * page's title was not printed) in reading order, itself among them
 * (`is_self`): all of them, or it and the SAME_SERIES_MAX others nearest
 * to it, with `same_series_more` linking to the page when it has one. */
static struct val *same_page(struct render *r, const struct article *art, const struct ptrvec *all,
			     const char *page_url, struct val *ctx)
{
	size_t self = 0;
	while (self < all->len && all->items[self] != art)
		self++;
	size_t from = 0, to = all->len;	/* the window, art included */
	if (all->len > SAME_SERIES_MAX + 1) {
		from = self > SAME_SERIES_MAX / 2 ? self - SAME_SERIES_MAX / 2 : 0;
		if (from + SAME_SERIES_MAX + 1 > all->len)
			from = all->len - (SAME_SERIES_MAX + 1);
		to = from + SAME_SERIES_MAX + 1;
		if (page_url) {
			struct val *more = val_map(&r->scratch);
			val_set(&r->scratch, more, "count", render_count(r, all->len - 1));
			val_set_str(&r->scratch, more, "url", page_url);
			val_set(&r->scratch, ctx, "same_series_more", more);
		}
	}
	/* the report itself in its place, so the reader sees where it stands */
	struct val *others = val_list(&r->scratch);
	for (size_t i = from; i < to; i++) {
		if (all->items[i] != art) {
			val_push(&r->scratch, others, render_item(r, all->items[i]));
			continue;
		}
		val_push(&r->scratch, others, self_entry(r, art));
	}
	return others;
}

static void json_person(struct buf *b, const char *name, int comma)
{
	buf_addstr(b, comma ? ",{\"@type\":\"Person\",\"name\":" : "{\"@type\":\"Person\",\"name\":");
	render_json_string(b, name);
	buf_addch(b, '}');
}

/* schema.org NewsArticle (Article for a text that is no report) for search engines: what the page says, as JSON
 * (raw in the page: render_json_string keeps it valid inside <script>). */
static const char *json_ld(struct render *r, const struct article *art, struct val *ctx)
{
	const struct render_article *x = render_extra(r, art);
	struct buf b = BUF_INIT;
	buf_addstr(&b, "{\"@context\":\"https://schema.org\",\"@type\":");	/* a poem is no news */
	buf_addstr(&b, art->kind == ARTICLE_OTHER ? "\"Article\"" : "\"NewsArticle\"");
	buf_addstr(&b, ",\"headline\":");
	render_json_string(&b, art->title);
	buf_addstr(&b, ",\"datePublished\":");
	render_json_string(&b, x->date_iso);
	buf_addstr(&b, ",\"inLanguage\":");
	render_json_string(&b, r->site->config->language);
	if (*x->summary) {
		buf_addstr(&b, ",\"description\":");
		render_json_string(&b, x->summary);
	}
	struct val *canonical = val_get(ctx, "canonical", strlen("canonical"));
	if (canonical) {
		buf_addstr(&b, ",\"url\":");
		render_json_string(&b, canonical->u.str.s);
	}
	if (art->reporters.len || art->author.len) {	/* in the order of the citation */
		buf_addstr(&b, ",\"author\":[");
		for (size_t i = 0; i < art->author.len; i++)
			json_person(&b, art->author.items[i], i > 0);
		for (size_t i = 0; i < art->reporters.len; i++)
			json_person(&b, art->reporters.items[i], i + art->author.len > 0);
		buf_addch(&b, ']');
	}
	if (art->place) {
		struct buf place = BUF_INIT;
		const struct place *chain[4];
		size_t n = 0;
		for (const struct place *p = art->place; p && n < 4; p = p->parent)
			chain[n++] = p;
		while (n--)
			buf_addstr(&place, chain[n]->name);
		buf_addstr(&b, ",\"contentLocation\":{\"@type\":\"Place\",\"name\":");
		render_json_string(&b, place.data);
		buf_addch(&b, '}');
		buf_free(&place);
	}
	buf_addch(&b, '}');
	const char *s = arena_strndup(&r->scratch, b.data, b.len);
	buf_free(&b);
	return s;
}

/* The date as a citation gives it: no weekday (a date, not a calendar
 * entry), and said to be inferred when it was not printed, as the search
 * results say it. */
static const char *cite_date(struct render *r, const struct article *art)
{
	const struct date *dt = &art->date;
	const char *s = dt->d ? render_day_text_plain(r, dt->y, dt->m, dt->d) : render_month_text(r, dt->y, dt->m);
	return art->date_inferred ? arena_sprintf(&r->scratch, "%s（日期系推断）", s) : s;
}

static void render_report(struct render *r, const struct article *art)
{
	struct arena *a = &r->scratch;
	struct val *ctx = render_common(r, art->url, art->title, "report");
	val_set_str(a, ctx, "json_ld", json_ld(r, art, ctx));
	if (art->reporters.len || art->author.len) {	/* authors first, as the page's meta lists them */
		struct buf names = BUF_INIT;	/* 一清、李艳 */
		const struct strlist *lists[] = { &art->author, &art->reporters };
		for (size_t l = 0; l < 2; l++)
			for (size_t i = 0; i < lists[l]->len; i++)
				buf_addf(&names, "%s%s", names.len ? "、" : "", lists[l]->items[i]);
		val_set_str(a, ctx, "cite_authors", arena_strndup(a, names.data, names.len));
		buf_free(&names);
	}
	val_set(a, ctx, "report", report_val(r, art));
	render_set_list(r, ctx, "place_path", place_path(r, art, ctx));
	render_crumb(r, ctx, art->title, NULL);
	const struct date *dt = &art->date;
	if (art->day)
		val_set(a, ctx, "day", render_link(r, render_day_text(r, dt->y, dt->m, dt->d), art->day->url));
	val_set(a, ctx, "month", render_link(r, render_month_text(r, dt->y, dt->m), art->month->url));
	val_set(a, ctx, "year", render_link(r, render_year_text(r, dt->y), art->year->url));
	if (art->series) {
		val_set(a, ctx, "series", render_link(r, art->series->title, art->series->url));
		render_set_list(r, ctx, "same_series", same_page(r, art, &art->series->articles, art->series->url, ctx));
	} else if (art->scan && art->scan->articles.len > 1) {
		render_set_list(r, ctx, "same_series", same_page(r, art, &art->scan->articles, NULL, ctx));
	} else {
		render_set_list(r, ctx, "same_series", val_list(a));
	}
	val_set_str(a, ctx, "cite_date", cite_date(r, art));
	set_neighbour(r, ctx, "prev", art->prev);
	set_neighbour(r, ctx, "next", art->next);
	if (art->local) {
		val_set_str(a, ctx, "local_name", art->local->name);
		set_neighbour(r, ctx, "local_prev", art->local_prev);
		set_neighbour(r, ctx, "local_next", art->local_next);
		/* the only report of its place: one line says so, not a pager of two "first" and "last" notes */
		val_set_bool(a, ctx, "local_alone", !art->local_prev && !art->local_next);
	}
	related(r, art, ctx);
	render_page(r, "report", art->url, ctx);
}

void render_report_page(struct render *r, size_t i)
{
	render_uses_self(r, r->site->articles.items[i]);
	render_report(r, r->site->articles.items[i]);
}
