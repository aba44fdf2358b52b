/* Atom feeds (the site's, and one beside every place, tag and person page)
 * and the sitemap: the files that use absolute URLs (base_url), since
 * crawlers and feed readers fetch them from anywhere. They list pretty URLs
 * (reports/x/, not reports/x/index.html), which a server resolves. Every
 * date in them comes from the reports, never from the clock, so an
 * unchanged archive gives unchanged files. */
#include <string.h>

#include "render_internal.h"

#define FEED_ENTRIES 20

/* Atom wants a full timestamp; the archive knows days (or months), which are
 * China Standard Time. A month-only report counts as of the month's first
 * day, where it sorts (date_cmp), so entries stay newest first. */
static const char *timestamp(struct render *r, const struct article *a)
{
	return arena_sprintf(&r->scratch, "%04d-%02d-%02dT00:00:00+08:00", a->date.y, a->date.m,
			     a->date.d ? a->date.d : 1);
}

/* The directory of a page's url (places/x/index.html → places/x/). */
static const char *dir_of(struct render *r, const char *url)
{
	const char *slash = strrchr(url, '/');
	return arena_strndup(&r->scratch, url, slash ? (size_t)(slash - url + 1) : 0);
}

static struct val *person_val(struct render *r, const char *name, const char *url)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "name", name);
	if (url)
		val_set_str(&r->scratch, v, "uri", render_absolute(r, url));
	return v;
}

/* Is l's item i the first with its name? A name given twice (a slip the
 * index warns about) is one author. */
static int first_of(const struct strlist *l, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(l->items[k], l->items[i]) == 0)
			return 0;
	return 1;
}

/* An entry: the listing item plus its absolute link (also its id: a
 * report's URL never changes, see the README), its timestamp, its authors
 * (reporters, or the signer of a text that is no report), contributors
 * (correspondents) and categories (tags). */
static struct val *feed_entry(struct render *r, const struct article *a)
{
	struct arena *m = &r->scratch;
	struct val *v = render_item_new(r, a);
	val_set_str(m, v, "loc", render_absolute(r, a->url));
	val_set_str(m, v, "updated", timestamp(r, a));
	struct val *authors = val_list(m), *contributors = val_list(m), *categories = val_list(m);
	for (size_t i = 0; i < a->reporters.len; i++)
		if (first_of(&a->reporters, i))
			val_push(m, authors, person_val(r, a->reporters.items[i], a->reporter_refs[i]->url));
	for (size_t i = 0; i < a->author.len; i++)
		if (first_of(&a->author, i))
			val_push(m, authors, person_val(r, a->author.items[i], NULL));
	for (size_t i = 0; i < a->correspondents.len; i++)
		if (first_of(&a->correspondents, i))
			val_push(m, contributors,
				 person_val(r, a->correspondents.items[i], a->correspondent_refs[i]->url));
	for (size_t i = 0; i < a->tags.len; i++) {
		if (!first_of(&a->tags, i))
			continue;
		struct val *c = val_map(m);
		val_set_str(m, c, "term", a->tags.items[i]);
		val_set_str(m, c, "scheme", render_absolute(r, "tags/"));
		val_push(m, categories, c);
	}
	/* every key an entry's sections use is set, so none falls back to the feed's */
	render_set_list(r, v, "authors", authors);
	render_set_list(r, v, "contributors", contributors);
	render_set_list(r, v, "categories", categories);
	val_set_str(m, v, "places_scheme", render_absolute(r, "places/"));
	return v;
}

/* Renders the Atom feed `feed_url` of the page `page_url` (its alternate)
 * from newest-first articles; id: the feed's permanent id (feed_id). */
static void render_atom(struct render *r, const char *feed_url, const char *page_url, const char *id,
			const char *title, const struct ptrvec *arts)
{
	struct arena *m = &r->scratch;
	struct val *ctx = render_common(r, feed_url, title, NULL);
	val_set_str(m, ctx, "base_url", render_absolute(r, ""));
	val_set_str(m, ctx, "feed_title", title);
	val_set_str(m, ctx, "alternate", render_absolute(r, page_url));
	val_set_str(m, ctx, "self", render_absolute(r, feed_url));
	val_set_str(m, ctx, "id", id);
	/* an empty feed (no reports at all) has a fixed date, not the build's */
	val_set_str(m, ctx, "updated", arts->len ? timestamp(r, arts->items[0]) : "1970-01-01T00:00:00Z");
	struct val *entries = val_list(m);
	for (size_t i = 0; i < arts->len && i < FEED_ENTRIES; i++)
		val_push(m, entries, feed_entry(r, arts->items[i]));
	render_set_list(r, ctx, "entries", entries);
	render_page(r, "feed", feed_url, ctx);
}

void render_feed(struct render *r, size_t unused)
{
	(void)unused;
	const struct config *cfg = r->site->config;
	render_atom(r, "feed.xml", "index.html", render_absolute(r, "index.html"), cfg->title, &r->site->articles);
}

/* Appends name percent-encoded (RFC 3986: all but the unreserved
 * characters, the UTF-8 bytes of 离石区 included), so that it can stand in
 * an IRI. */
static void add_encoded(struct buf *b, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_addch(b, (char)*p);
		else {
			buf_addch(b, '%');
			buf_addch(b, hex[*p >> 4]);
			buf_addch(b, hex[*p & 15]);
		}
	}
}

/* A feed's id: the site's address, `feeds/`, the kind (place, tag,
 * person) and the names it is of, percent-encoded (a place's with its
 * parents': feeds/place/山西省/吕梁市/离石区). Never the page's slug, which
 * passes to another name when two names' slugs collide (C++ and c both
 * want tags/c/); the id of a feed must stay its own (RFC 4287, 4.2.6). */
static const char *feed_id(struct render *r, const char *kind, const char *const *names, size_t n)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "feeds/%s", kind);
	for (size_t i = n; i-- > 0;) {
		buf_addch(&b, '/');
		add_encoded(&b, names[i]);
	}
	const char *id = render_absolute(r, arena_strndup(&r->scratch, b.data, b.len));
	buf_free(&b);
	return id;
}

/* A person's reports and the ones they were correspondent for, merged
 * newest first (by archive order), each once, at most FEED_ENTRIES. */
static void person_articles(struct render *r, const struct person *p, struct ptrvec *out)
{
	const struct ptrvec *x = &p->as_reporter, *y = &p->as_correspondent;
	size_t i = 0, j = 0;
	while (out->len < FEED_ENTRIES && (i < x->len || j < y->len)) {
		const struct article *a = i < x->len ? x->items[i] : NULL;
		const struct article *b = j < y->len ? y->items[j] : NULL;
		const struct article *next = !b || (a && a->order >= b->order) ? a : b;
		if (a == next)
			i++;
		if (b == next)
			j++;
		ptrvec_push(&r->scratch, out, (void *)next);
	}
}

/* The feed title of a page named `name`, as its <head> link names it too. */
static const char *feed_title(struct render *r, const char *name)
{
	return arena_sprintf(&r->scratch, "%s · %s", name, r->site->config->title);
}

void render_page_feed(struct render *r, size_t i)
{
	const struct site *s = r->site;
	const char *name, *url, *id;
	struct ptrvec merged = { 0 };
	const struct ptrvec *arts = &merged;
	if (i < s->places.len) {
		const struct place *p = s->places.items[i];
		const char *chain[8];
		size_t n = 0;
		for (const struct place *q = p; q && n < 8; q = q->parent)
			chain[n++] = q->name;
		name = render_place_title(r, p), url = p->url, arts = &p->articles;
		id = feed_id(r, "place", chain, n);
	} else if ((i -= s->places.len) < s->tags.len) {
		const struct tag *t = s->tags.items[i];
		name = t->name, url = t->url, arts = &t->articles;
		id = feed_id(r, "tag", &name, 1);
	} else {
		const struct person *p = s->people.items[i - s->tags.len];
		name = p->name, url = p->url;
		person_articles(r, p, &merged);
		id = feed_id(r, "person", &name, 1);
	}
	const char *feed_url = arena_sprintf(&r->scratch, "%sfeed.xml", dir_of(r, url));
	render_atom(r, feed_url, url, id, feed_title(r, name), arts);
}

size_t render_page_feed_count(const struct site *s)
{
	return s->places.len + s->tags.len + s->people.len;
}

void render_feed_link(struct render *r, struct val *ctx, const char *name, const char *dir)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "title", feed_title(r, name));
	val_set_str(&r->scratch, v, "url", arena_sprintf(&r->scratch, "%sfeed.xml", dir));
	val_set(&r->scratch, ctx, "page_feed", v);
}
