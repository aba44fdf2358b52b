/* index_add.c: one report added as the newest to a site index_build made
 * (index.h, index_add_newest), for serve's build process: at 50,000 reports
 * the whole index took 0.13 s of such a build, most of it reading every
 * article's struct again in pass after pass.
 *
 * The newest report comes last in every oldest-first pass of index_build
 * and first in every newest-first list, so what the whole index would do
 * for it alone is what it does for the others, and nothing it did for the
 * others changes: a slug taken last (every other already had its own), a
 * place, tags and people that exist (a new one would change slugs, sort
 * orders and the tree), an article put at the front of its lists, the
 * neighbour links at the newest end, the spans of its own lists. What does
 * read every report again is the warnings (a name's count of reports), and
 * those are said again. */
#include "index_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Puts art at the front of a newest-first list. */
static void push_front(struct arena *a, struct ptrvec *v, void *art)
{
	ptrvec_push(a, v, art);
	memmove(v->items + 1, v->items, (v->len - 1) * sizeof(*v->items));
	v->items[0] = art;
}

/* Once in a newest-first list that has it at its front when it is there
 * (a name given twice in one report lists it once). */
static void push_front_once(struct arena *a, struct ptrvec *v, void *art)
{
	if (!v->len || v->items[0] != art)
		push_front(a, v, art);
}

/* Whether every tag and person art names is one the index knows. */
static int names_known(const struct index_kept *k, const struct article *art)
{
	for (size_t i = 0; i < art->tags.len; i++)
		if (!strmap_get(&k->tags, art->tags.items[i]))
			return 0;
	for (size_t i = 0; i < art->reporters.len; i++)
		if (!strmap_get(&k->people, art->reporters.items[i]))
			return 0;
	for (size_t i = 0; i < art->correspondents.len; i++)
		if (!strmap_get(&k->people, art->correspondents.items[i]))
			return 0;
	return 1;
}

static void file_names(struct index_ctx *x, struct article *art)
{
	const struct index_kept *k = x->kept;
	art->tag_refs = arena_alloc(x->a, (art->tags.len + 1) * sizeof(*art->tag_refs));
	for (size_t i = 0; i < art->tags.len; i++) {
		struct tag *t = art->tag_refs[i] = strmap_get(&k->tags, art->tags.items[i]);
		push_front_once(x->a, &t->articles, art);
	}
	art->reporter_refs = arena_alloc(x->a, (art->reporters.len + 1) * sizeof(*art->reporter_refs));
	for (size_t i = 0; i < art->reporters.len; i++) {
		struct person *p = art->reporter_refs[i] = strmap_get(&k->people, art->reporters.items[i]);
		push_front_once(x->a, &p->as_reporter, art);
		push_front_once(x->a, &p->articles, art);
	}
	art->correspondent_refs = arena_alloc(x->a, (art->correspondents.len + 1) * sizeof(*art->correspondent_refs));
	for (size_t i = 0; i < art->correspondents.len; i++) {
		struct person *p = art->correspondent_refs[i] = strmap_get(&k->people, art->correspondents.items[i]);
		push_front_once(x->a, &p->as_correspondent, art);
		push_front_once(x->a, &p->articles, art);
	}
}

/* Its year, month and day: the newest ones, or new ones after them. */
static void file_date(struct index_ctx *x, struct site *site, struct article *art)
{
	const struct date *dt = &art->date;
	struct year *y = site->years.len ? site->years.items[site->years.len - 1] : NULL;
	if (!y || y->y != dt->y)
		y = index_new_year(x, site, dt->y);
	struct month *m = y->months.len ? y->months.items[y->months.len - 1] : NULL;
	if (!m || m->m != dt->m)
		m = index_new_month(x, site, y, dt->m);
	push_front(x->a, &y->articles, art);
	push_front(x->a, &m->articles, art);
	art->year = y;
	art->month = m;
	if (!dt->d) {
		push_front(x->a, &m->month_only, art);
		return;
	}
	struct day *d = m->days.len ? m->days.items[m->days.len - 1] : NULL;
	if (!d || d->d != dt->d)
		d = index_new_day(x, site, m, dt->d);
	push_front(x->a, &d->articles, art);
	art->day = d;
}

/* link_neighbours and link_city_level for the one article after all the
 * others: before it goes into its places' lists, whose fronts are the last
 * articles seen there. */
static void link(struct site *site, struct article *art)
{
	struct article *newest = site->articles.items[0];
	art->order = newest->order + 1;
	art->prev = newest;
	newest->next = art;
	struct place *city = art->local;
	while (city && city->level != PLACE_CITY)
		city = city->parent;
	if (art->local->level != PLACE_CITY && art->local->articles.len) {
		struct article *last = art->local->articles.items[0];
		art->local_prev = last;
		last->local_next = art;
	}
	if (city && city->articles.len) {
		struct article *last = city->articles.items[0];
		if (last->local == city)
			last->local_next = art;
		if (art->local == city)
			art->local_prev = last;
	}
}

int index_add_newest(struct index_ctx *x, struct site *site, struct article *art)
{
	struct index_kept *k = x->kept;
	struct place *local = NULL, *place;
	if (k)
		x->t = k->t;
	if (!k || !site->articles.len || art->kind == ARTICLE_PAGE || art->draft || art->slug || art->page ||
	    art->source || art->bundle || index_cmp_oldest(&art, &site->articles.items[0]) <= 0 ||
	    !(place = index_place_known(x, art, &local)) || !names_known(k, art))
		return -1;
	size_t errors = x->d->errors, warnings = x->d->warnings;
	const char *slug = index_file_slug(x, art);	/* may ask ICU: a message if it fails */
	if (x->d->errors != errors || x->d->warnings != warnings)
		return -1;
	art->url_slug = index_unique_slug(x, &k->taken, slug, art);
	art->url = index_report_url(x->a, art->url_slug);
	art->local = local;
	art->place = place;
	link(site, art);
	for (struct place *p = place; p; p = p->parent)
		push_front(x->a, &p->articles, art);
	file_names(x, art);
	file_date(x, site, art);
	push_front(x->a, &site->articles, art);
	index_spans_again(x, site, art);

	/* the warnings, said again after what came before them */
	if (x->d->sink)
		x->d->sink->len = k->said_len;
	x->d->errors = k->errors;
	x->d->warnings = k->warnings;
	struct ptrvec oldest = { xmalloc((site->articles.len + 1) * sizeof(void *)), site->articles.len,
				 site->articles.len };
	for (size_t i = 0; i < oldest.len; i++)
		oldest.items[i] = site->articles.items[oldest.len - 1 - i];
	index_warn_all(x, site, &k->notes, &oldest);
	free(oldest.items);
	return 0;
}
