#include "index_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "text.h"

int date_cmp(const struct date *a, const struct date *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	if (a->d != b->d)
		return a->d < b->d ? -1 : 1;
	return 0;
}

/* Oldest first; the path breaks ties so that every build orders alike. */
int index_cmp_oldest(const void *pa, const void *pb)
{
	const struct article *a = *(const struct article *const *)pa, *b = *(const struct article *const *)pb;
	int c = date_cmp(&a->date, &b->date);
	return c ? c : strcmp(a->path, b->path);
}

/* An article's URL comes from its file name (a page bundle's from its
 * folder's), which an editor chose and which does not change when a typo
 * in the title is fixed, so links stay good (as in Hugo and Jekyll). A name already in ASCII is only lower-cased
 * and tidied; any other (连心卡.md) is made pinyin by ICU like other names. */
const char *index_file_slug(struct index_ctx *x, const struct article *art)
{
	/* a page bundle's index.md takes its folder's name */
	const char *name = art->bundle ? art->bundle : art->path;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t len = strlen(base);
	if (!art->bundle && len > 3 && strcmp(base + len - 3, ".md") == 0)
		len -= 3;
	int ascii = 1;
	for (size_t i = 0; i < len; i++)
		ascii &= (unsigned char)base[i] < 0x80;
	if (!ascii)
		return index_slug(x, arena_strndup(x->a, base, len), 80);
	char *slug = arena_alloc(x->a, len + 2);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = base[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (keep)
			slug[n++] = c;
		else if (n && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	while (n && slug[n - 1] == '-')
		n--;
	if (!n)
		slug[n++] = 'x';
	slug[n] = '\0';
	return slug;
}

/* reports/<slug>/index.html, put together rather than printed: once an
 * article. */
const char *index_report_url(struct arena *a, const char *slug)
{
	static const char head[] = "reports/", tail[] = "/index.html";
	size_t n = strlen(slug);
	char *url = arena_alloc(a, sizeof(head) - 1 + n + sizeof(tail));
	memcpy(url, head, sizeof(head) - 1);
	memcpy(url + sizeof(head) - 1, slug, n);
	memcpy(url + sizeof(head) - 1 + n, tail, sizeof(tail));
	return url;
}

static void assign_slugs(struct index_ctx *x, struct strmap *taken, struct ptrvec *oldest)
{
	/* Overrides first: they are promises, so a clash is an error, never renamed. */
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		if (!art->slug)
			continue;
		struct article *other = strmap_get(taken, art->slug);
		if (other) {
			diag_error(x->d, art->path, art->slug_line, art->slug_col, art->src, art->src_len,
				   "duplicate slug '%s': %s already uses it", art->slug, other->path);
			continue;
		}
		strmap_put(x->a, taken, art->slug, art);
		art->url_slug = art->slug;
	}
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		if (!art->url_slug)
			art->url_slug = index_unique_slug(x, taken, index_file_slug(x, art), art);
		art->url = index_report_url(x->a, art->url_slug);
	}
}

static struct tag *tag_of(struct index_ctx *x, struct strmap *tags, struct strmap *slugs,
			  struct site *site, const char *name)
{
	struct tag *t = strmap_get(tags, name);
	if (t)
		return t;
	t = arena_alloc(x->a, sizeof(*t));
	t->name = name;
	t->slug = index_unique_slug(x, slugs, index_slug(x, name, 48), t);
	t->dir = arena_sprintf(x->a, "tags/%s/", t->slug);
	t->url = arena_sprintf(x->a, "%sindex.html", t->dir);
	t->sort_key = text_sort_key(x->collator, x->a, name);
	strmap_put(x->a, tags, name, t);
	ptrvec_push(x->a, &site->tags, t);
	return t;
}

static struct person *person_of(struct index_ctx *x, struct strmap *people, struct strmap *slugs,
				struct site *site, const char *name)
{
	struct person *p = strmap_get(people, name);
	if (p)
		return p;
	p = arena_alloc(x->a, sizeof(*p));
	p->name = name;
	p->slug = index_unique_slug(x, slugs, index_slug(x, name, 48), p);
	p->dir = arena_sprintf(x->a, "reporters/%s/", p->slug);
	p->url = arena_sprintf(x->a, "%sindex.html", p->dir);
	p->sort_key = text_sort_key(x->collator, x->a, name);
	strmap_put(x->a, people, name, p);
	ptrvec_push(x->a, &site->people, p);
	return p;
}

static struct series *series_of(struct index_ctx *x, struct strmap *all, struct strmap *slugs,
				struct site *site, const char *title)
{
	struct series *s = strmap_get(all, title);
	if (s)
		return s;
	s = arena_alloc(x->a, sizeof(*s));
	s->title = title;
	s->slug = index_unique_slug(x, slugs, index_slug(x, title, 48), s);
	s->url = arena_sprintf(x->a, "series/%s/index.html", s->slug);
	strmap_put(x->a, all, title, s);
	ptrvec_push(x->a, &site->series, s);
	return s;
}

static struct scan *scan_of(struct index_ctx *x, struct strmap *all, const char *source)
{
	struct scan *s = strmap_get(all, source);
	if (s)
		return s;
	s = arena_alloc(x->a, sizeof(*s));
	s->source = source;
	strmap_put(x->a, all, source, s);
	return s;
}

const char *index_date_url(struct arena *a, const char *dir, int y, int m, int d)
{
	if (!m)
		return arena_sprintf(a, "%s%04d/index.html", dir, y);
	if (!d)
		return arena_sprintf(a, "%s%04d/%02d/index.html", dir, y, m);
	return arena_sprintf(a, "%s%04d/%02d/%02d/index.html", dir, y, m, d);
}

struct year *index_new_year(struct index_ctx *x, struct site *site, int year)
{
	struct year *y = arena_alloc(x->a, sizeof(*y));
	y->y = year;
	y->url = index_date_url(x->a, "dates/", year, 0, 0);
	ptrvec_push(x->a, &site->years, y);
	return y;
}

struct month *index_new_month(struct index_ctx *x, struct site *site, struct year *y, int month)
{
	struct month *m = arena_alloc(x->a, sizeof(*m));
	m->y = y->y;
	m->m = month;
	m->url = index_date_url(x->a, "dates/", y->y, month, 0);
	m->year = y;
	ptrvec_push(x->a, &y->months, m);
	ptrvec_push(x->a, &site->months, m);
	return m;
}

struct day *index_new_day(struct index_ctx *x, struct site *site, struct month *m, int day)
{
	struct day *d = arena_alloc(x->a, sizeof(*d));
	d->y = m->y;
	d->m = m->m;
	d->d = day;
	d->url = index_date_url(x->a, "dates/", m->y, m->m, day);
	d->month = m;
	ptrvec_push(x->a, &m->days, d);
	ptrvec_push(x->a, &site->days, d);
	return d;
}

/* Years, months and days, met newest first; their article lists come out
 * newest first, and the calendar lists are reversed at the end. */
/* The year, month and day the article before was filed under: articles
 * come newest first, so most share them with the one before, and the map
 * (its key printed, looked up) is asked only when the date changes (three
 * snprintf and lookups an article were 20 ms of the index at 50,000). */
struct date_memo {
	struct year *y;
	struct month *m;
	struct day *d;
};

static void file_by_date(struct index_ctx *x, struct site *site, struct strmap *dates, struct date_memo *memo,
			 struct article *art)
{
	const struct date *dt = &art->date;
	char key[16];
	struct year *y = memo->y && memo->y->y == dt->y ? memo->y : NULL;
	if (!y) {
		snprintf(key, sizeof(key), "%04d", dt->y);
		y = strmap_get(dates, key);
	}
	if (!y) {
		y = index_new_year(x, site, dt->y);
		strmap_put(x->a, dates, arena_strdup(x->a, key), y);
	}
	ptrvec_push(x->a, &y->articles, art);
	art->year = y;
	memo->y = y;
	struct month *m = memo->m && memo->m->y == dt->y && memo->m->m == dt->m ? memo->m : NULL;
	if (!m) {
		snprintf(key, sizeof(key), "%04d-%02d", dt->y, dt->m);
		m = strmap_get(dates, key);
	}
	if (!m) {
		m = index_new_month(x, site, y, dt->m);
		strmap_put(x->a, dates, arena_strdup(x->a, key), m);
	}
	ptrvec_push(x->a, &m->articles, art);
	art->month = m;
	memo->m = m;
	if (!dt->d) {
		ptrvec_push(x->a, &m->month_only, art);
		return;
	}
	struct day *d = memo->d && memo->d->y == dt->y && memo->d->m == dt->m && memo->d->d == dt->d ? memo->d : NULL;
	if (!d) {
		snprintf(key, sizeof(key), "%04d-%02d-%02d", dt->y, dt->m, dt->d);
		d = strmap_get(dates, key);
	}
	if (!d) {
		d = index_new_day(x, site, m, dt->d);
		strmap_put(x->a, dates, arena_strdup(x->a, key), d);
	}
	ptrvec_push(x->a, &d->articles, art);
	art->day = d;
	memo->d = d;
}

static void reverse(struct ptrvec *v)
{
	for (size_t i = 0, j = v->len; i + 1 < j; i++, j--) {
		void *t = v->items[i];
		v->items[i] = v->items[j - 1];
		v->items[j - 1] = t;
	}
}

static int cmp_tags(const void *a, const void *b)
{
	const struct tag *p = *(const struct tag *const *)a, *q = *(const struct tag *const *)b;
	int c = strcmp(p->sort_key, q->sort_key);
	return c ? c : strcmp(p->name, q->name);
}

static int cmp_people(const void *a, const void *b)
{
	const struct person *p = *(const struct person *const *)a, *q = *(const struct person *const *)b;
	int c = strcmp(p->sort_key, q->sort_key);
	return c ? c : strcmp(p->name, q->name);
}

/* Files one article (met newest first) under its places, tags and people. */
/* An article's tags and people, each found (or made, with its slug) once:
 * file_article files the article with them. */
static void find_tags_and_people(struct index_ctx *x, struct site *site, struct strmap *tags, struct strmap *people,
				 struct strmap *slugs_t, struct strmap *slugs_p, struct article *art)
{
	art->tag_refs = arena_alloc(x->a, (art->tags.len + 1) * sizeof(*art->tag_refs));
	for (size_t i = 0; i < art->tags.len; i++)
		art->tag_refs[i] = tag_of(x, tags, slugs_t, site, art->tags.items[i]);
	art->reporter_refs = arena_alloc(x->a, (art->reporters.len + 1) * sizeof(*art->reporter_refs));
	for (size_t i = 0; i < art->reporters.len; i++)
		art->reporter_refs[i] = person_of(x, people, slugs_p, site, art->reporters.items[i]);
	art->correspondent_refs = arena_alloc(x->a, (art->correspondents.len + 1) * sizeof(*art->correspondent_refs));
	for (size_t i = 0; i < art->correspondents.len; i++)
		art->correspondent_refs[i] = person_of(x, people, slugs_p, site, art->correspondents.items[i]);
}

static void file_article(struct index_ctx *x, struct article *art)
{
	for (struct place *p = art->place; p; p = p->parent)
		ptrvec_push(x->a, &p->articles, art);
	for (size_t i = 0; i < art->tags.len; i++) {
		struct tag *t = art->tag_refs[i];
		/* a tag given twice in one article lists the article once */
		if (!t->articles.len || t->articles.items[t->articles.len - 1] != art)
			ptrvec_push(x->a, &t->articles, art);
	}
	for (size_t i = 0; i < art->reporters.len; i++) {
		struct person *p = art->reporter_refs[i];
		if (!p->as_reporter.len || p->as_reporter.items[p->as_reporter.len - 1] != art)
			ptrvec_push(x->a, &p->as_reporter, art);
		if (!p->articles.len || p->articles.items[p->articles.len - 1] != art)
			ptrvec_push(x->a, &p->articles, art);
	}
	for (size_t i = 0; i < art->correspondents.len; i++) {
		struct person *p = art->correspondent_refs[i];
		if (!p->as_correspondent.len || p->as_correspondent.items[p->as_correspondent.len - 1] != art)
			ptrvec_push(x->a, &p->as_correspondent, art);
		if (!p->articles.len || p->articles.items[p->articles.len - 1] != art)
			ptrvec_push(x->a, &p->articles, art);
	}
}

/* A report filed at city level has no district: its neighbours "in the
 * city" are the city's reports at every level, the one before and after it
 * (a chain of the city-level ones alone skipped the districts' reports
 * between them, and called a report the city's newest when it was not).
 * The districts' reports keep their own district's chain. */
/* (The last article seen in each place is kept in the place itself,
 * last_linked: a map by the place's folder was two look-ups an article.
 * Districts' and cities' are apart, so the two passes share the field.) */
static void link_city_level(struct ptrvec *oldest)
{
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		struct place *city = art->local;
		while (city && city->level != PLACE_CITY)
			city = city->parent;
		if (!city)
			continue;
		struct article *last = city->last_linked;	/* the last article seen in the city */
		if (last && last->local == city)
			last->local_next = art;
		if (art->local == city)
			art->local_prev = last;
		city->last_linked = art;
	}
}

static void link_neighbours(struct ptrvec *oldest)
{
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		art->order = i;
		art->prev = i ? oldest->items[i - 1] : NULL;
		art->next = i + 1 < oldest->len ? oldest->items[i + 1] : NULL;
	}
	/* Within a district, the previous article is the last one seen there. */
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		if (art->local->level == PLACE_CITY)
			continue;
		struct article *last = art->local->last_linked;
		if (last) {
			art->local_prev = last;
			last->local_next = art;
		}
		art->local->last_linked = art;
	}
	link_city_level(oldest);
}

static int file_series(struct index_ctx *x, struct site *site, struct ptrvec *notes, struct ptrvec *oldest)
{
	struct strmap all = { 0 }, slugs = { 0 }, scans = { 0 };
	int failed = 0;
	for (size_t i = 0; i < notes->len; i++) {
		struct article *note = notes->items[i];
		struct series *s = series_of(x, &all, &slugs, site, note->title);
		if (s->note) {
			diag_error(x->d, note->path, 1, 1, note->src, note->src_len,
				   "a second 'kind: page' with the title '%s' (the first is %s)", note->title,
				   s->note->path);
			failed = 1;
			continue;
		}
		s->note = note;
	}
	for (size_t i = 0; i < oldest->len; i++) {
		struct article *art = oldest->items[i];
		if (art->page) {
			art->series = series_of(x, &all, &slugs, site, art->page);
			ptrvec_push(x->a, &art->series->articles, art);
		} else if (art->source) {
			art->scan = scan_of(x, &scans, art->source);
			ptrvec_push(x->a, &art->scan->articles, art);
		}
	}
	return failed ? -1 : 0;
}

void index_warn_all(struct index_ctx *x, struct site *site, const struct ptrvec *notes, const struct ptrvec *oldest)
{
	index_warn_empty(x, oldest);
	index_warn_unpaged(x, notes, oldest);
	index_warn_duplicates(x, oldest);
	index_warn_near_names(x, site);
}

int index_build(struct index_ctx *x, struct article **arts, size_t n, int drafts, int jobs, struct site *site)
{
	struct ptrvec oldest = { 0 };
	struct strmap slugs_t = { 0 }, slugs_p = { 0 }, dates = { 0 };
	size_t errors = x->d->errors;

	memset(site, 0, sizeof(*site));
	site->config = x->cfg;
	x->t = arena_alloc(x->a, sizeof(*x->t));	/* arena memory is zeroed */
	struct index_kept *k = x->kept = arena_alloc(x->a, sizeof(*k));
	struct ptrvec *notes = &k->notes;
	k->t = x->t;
	index_slugs_prepare(x, arts, n, jobs);
	index_places_init(x, site);
	for (size_t i = 0; i < n; i++) {
		struct article *art = arts[i];
		if (art->draft && !drafts)
			continue;
		if (index_place_article(x, site, art) < 0)
			continue;
		ptrvec_push(x->a, art->kind == ARTICLE_PAGE ? notes : &oldest, art);
	}
	ptrvec_sort(&oldest, index_cmp_oldest);
	assign_slugs(x, &k->taken, &oldest);
	link_neighbours(&oldest);
	file_series(x, site, notes, &oldest);

	/* Tags and people get their slugs in the order they first appear, oldest
	 * first as reports do, so that adding a newer article never takes an
	 * older name's URL (市长 keeps shi-chang when 市场 turns up later). */
	for (size_t i = 0; i < oldest.len; i++)
		find_tags_and_people(x, site, &k->tags, &k->people, &slugs_t, &slugs_p, oldest.items[i]);
	/* newest first: the oldest-first order backwards (cmp_oldest is a
	 * total order), not sorted again */
	for (size_t i = oldest.len; i-- > 0;)
		ptrvec_push(x->a, &site->articles, oldest.items[i]);
	struct date_memo memo = { 0 };
	for (size_t i = 0; i < site->articles.len; i++) {
		struct article *art = site->articles.items[i];
		file_article(x, art);
		file_by_date(x, site, &dates, &memo, art);
	}
	reverse(&site->years);
	reverse(&site->months);
	reverse(&site->days);
	for (size_t i = 0; i < site->years.len; i++) {
		struct year *y = site->years.items[i];
		reverse(&y->months);
		for (size_t j = 0; j < y->months.len; j++)
			reverse(&((struct month *)y->months.items[j])->days);
	}
	ptrvec_sort(&site->tags, cmp_tags);
	ptrvec_sort(&site->people, cmp_people);
	index_places_finish(x, site);
	index_spans(x, site);
	k->said_len = x->d->sink ? x->d->sink->len : 0;
	k->errors = x->d->errors;
	k->warnings = x->d->warnings;
	index_warn_all(x, site, notes, &oldest);
	return x->d->errors > errors ? -1 : 0;
}
