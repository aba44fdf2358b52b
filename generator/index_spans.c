/* index_spans: the pages that split a long listing by time. A place's
 * reports are split by month, a tag's or person's by year, and a year that
 * alone holds more than listing_limit by month instead.
 *
 * A span is a slice of the owner's newest-first list, never a copy: at
 * 50,000 reports each in four places, copies would double the listings'
 * memory for nothing. */
#include "index_internal.h"

/* How many items from `start` share the year (and month, when by_month)
 * of list[start]. */
static size_t run_length(const struct ptrvec *list, size_t start, int by_month)
{
	const struct article *first = list->items[start];
	size_t n = 1;
	while (start + n < list->len) {
		const struct article *a = list->items[start + n];
		if (a->date.y != first->date.y || (by_month && a->date.m != first->date.m))
			break;
		n++;
	}
	return n;
}

/* Whether the year starting at list[start] gets month pages. */
static int year_by_month(const struct ptrvec *list, size_t start, size_t limit, int places)
{
	return places || run_length(list, start, 0) > limit;
}

/* Makes the spans of one owner's list into *out (newest first) and pushes
 * each onto `all`. Returns how many. */
static size_t make_spans(struct index_ctx *x, const struct ptrvec *list, const char *dir, const void *owner,
			 int places, struct span **out, struct ptrvec *all)
{
	size_t limit = x->cfg->listing_limit, n = 0;
	/* two passes: count, then fill, so each owner's spans are one array */
	for (int fill = 0; fill < 2; fill++) {
		size_t k = 0;
		for (size_t i = 0; i < list->len;) {
			size_t year = run_length(list, i, 0);
			int by_month = year_by_month(list, i, limit, places);
			for (size_t end = i + year; i < end; k++) {
				size_t len = by_month ? run_length(list, i, 1) : year;
				if (fill) {
					const struct article *a = list->items[i];
					struct span *s = &(*out)[k];
					s->y = a->date.y;
					s->m = by_month ? a->date.m : 0;
					s->start = i;
					s->len = len;
					s->owner = owner;
					s->url = index_date_url(x->a, dir, s->y, s->m, 0);
					if (all)
						ptrvec_push(x->a, all, s);
				}
				i += len;
			}
		}
		if (!fill) {
			n = k;
			*out = arena_alloc(x->a, (n + 1) * sizeof(**out));
		}
	}
	return n;
}

void index_spans(struct index_ctx *x, struct site *site)
{
	for (size_t i = 0; i < site->places.len; i++) {
		struct place *p = site->places.items[i];
		p->nmonths = make_spans(x, &p->articles, p->dir, p, 1, &p->months, &site->place_months);
	}
	for (size_t i = 0; i < site->tags.len; i++) {
		struct tag *t = site->tags.items[i];
		t->nperiods = make_spans(x, &t->articles, t->dir, t, 0, &t->periods, &site->tag_periods);
	}
	for (size_t i = 0; i < site->people.len; i++) {
		struct person *p = site->people.items[i];
		p->nperiods = make_spans(x, &p->articles, p->dir, p, 0, &p->periods, &site->person_periods);
	}
}

static void push_all(struct index_ctx *x, struct ptrvec *all, struct span *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		ptrvec_push(x->a, all, &s[k]);
}

static int has_tag(const struct article *art, const struct tag *t)
{
	for (size_t i = 0; i < art->tags.len; i++)
		if (art->tag_refs[i] == t)
			return 1;
	return 0;
}

static int has_person(const struct article *art, const struct person *p)
{
	for (size_t i = 0; i < art->reporters.len; i++)
		if (art->reporter_refs[i] == p)
			return 1;
	for (size_t i = 0; i < art->correspondents.len; i++)
		if (art->correspondent_refs[i] == p)
			return 1;
	return 0;
}

/* The other owners' lists are as they were, and so are their spans: the
 * flat lists are put together again from them, in index_spans' order. */
void index_spans_again(struct index_ctx *x, struct site *site, const struct article *art)
{
	site->place_months.len = site->tag_periods.len = site->person_periods.len = 0;
	for (size_t i = 0; i < site->places.len; i++) {
		struct place *p = site->places.items[i];
		int mine = 0;
		for (const struct place *up = art->place; up && !mine; up = up->parent)
			mine = up == p;
		if (mine)
			p->nmonths = make_spans(x, &p->articles, p->dir, p, 1, &p->months, NULL);
		push_all(x, &site->place_months, p->months, p->nmonths);
	}
	for (size_t i = 0; i < site->tags.len; i++) {
		struct tag *t = site->tags.items[i];
		if (has_tag(art, t))
			t->nperiods = make_spans(x, &t->articles, t->dir, t, 0, &t->periods, NULL);
		push_all(x, &site->tag_periods, t->periods, t->nperiods);
	}
	for (size_t i = 0; i < site->people.len; i++) {
		struct person *p = site->people.items[i];
		if (has_person(art, p))
			p->nperiods = make_spans(x, &p->articles, p->dir, p, 0, &p->periods, NULL);
		push_all(x, &site->person_periods, p->periods, p->nperiods);
	}
}
