/* render_deps_digest.c: the digests render_deps.c compares between builds:
 * an article's file and its listing item, what places it among the pages
 * (its placing), and the views of the keyed pages (what each reads of the
 * structure: render_deps.c's header says which reads each view covers),
 * made over the threads (render_deps_make_views). */
#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"
#include "threads.h"
#include "xalloc.h"

/* Eight bytes at a time: a rebuild digests every article's placing (its
 * path, URLs, places, tags and people: some 800 bytes), and FNV's byte at
 * a time made that 9% of a body edit's build at 10,000 reports. */
static uint64_t hash_s(uint64_t h, const char *s)
{
	return s ? hash_block(h, s, strlen(s) + 1) : hash_bytes(h, "", 1) ^ 1;
}

static uint64_t hash_list(uint64_t h, const struct strlist *l)
{
	h = hash_num(h, (long long)l->len);
	for (size_t i = 0; i < l->len; i++)
		h = hash_s(h, l->items[i]);
	return h;
}

static uint64_t hash_place(uint64_t h, const struct place *p)
{
	for (; p; p = p->parent) {
		h = hash_s(h, p->name);
		h = hash_s(h, p->url);
		h = hash_num(h, p->level);
	}
	return hash_num(h, -1);
}

/* The images of an article, each with its bytes. */
static uint64_t hash_images(uint64_t h, const struct article *art)
{
	h = hash_num(h, (long long)art->nimages);
	for (size_t i = 0; i < art->nimages; i++) {
		const struct image *img = &art->images[i];
		h = hash_s(h, img->url);
		h = hash_s(h, img->rel);
		h = hash_num(h, img->width);
		h = hash_num(h, img->height);
		h = hash_block(hash_num(h, (long long)img->len), img->data, img->data ? img->len : 0);
	}
	return h;
}

uint64_t render_deps_body(const struct article *art)
{
	uint64_t h = art->src_digest ? art->src_digest : hash_block(HASH_INIT, art->src, art->src_len);
	return hash_images(hash_s(h, art->path), art);
}

uint64_t render_deps_item(const struct article *art, const struct render_article *x)
{
	uint64_t h = HASH_INIT;
	h = hash_s(h, art->title);
	h = hash_s(h, art->subtitle);
	h = hash_s(h, art->url);
	h = hash_s(h, x->date_text);
	h = hash_s(h, x->date_iso);
	h = hash_s(h, x->place_text);
	h = hash_s(h, x->summary);
	h = hash_num(h, art->date_inferred);
	return hash_num(h, art->kind);
}

/* Fewer articles than this are placed by one thread (a thread's start is
 * ~50 µs, the placings of a few dozen). */
#define PLACING_SHARE_MIN 1024

/* What places an article among the pages: everything of it but its title,
 * subtitle, body, captions and the like (its item, or its own page). */
static uint64_t hash_placing(uint64_t h, const struct article *a)
{
	h = hash_s(h, a->path);
	h = hash_s(h, a->url);
	h = hash_num(h, a->kind);
	h = hash_num(h, a->draft);
	h = hash_num(h, a->date.y * 10000LL + a->date.m * 100 + a->date.d);
	h = hash_num(h, a->date_inferred);
	h = hash_place(h, a->place);
	h = hash_s(h, a->local ? a->local->url : NULL);
	h = hash_s(h, a->page);
	h = hash_s(h, a->series ? a->series->url : NULL);
	h = hash_s(h, a->scan ? a->scan->source : NULL);	/* its untitled page's reports list it */
	/* the names as the tag or person has them (the same bytes as the
	 * article's): those are shared, and in the cache, where each article's
	 * own copy was a miss (most of this digest's time) */
	h = hash_num(h, (long long)a->tags.len);
	for (size_t i = 0; i < a->tags.len; i++)
		h = hash_s(hash_s(hash_s(h, a->tag_refs[i]->name), a->tag_refs[i]->slug), a->tag_refs[i]->url);
	h = hash_num(h, (long long)a->reporters.len);
	for (size_t i = 0; i < a->reporters.len; i++)
		h = hash_s(hash_s(h, a->reporter_refs[i]->name), a->reporter_refs[i]->url);
	h = hash_num(h, (long long)a->correspondents.len);
	for (size_t i = 0; i < a->correspondents.len; i++)
		h = hash_s(hash_s(h, a->correspondent_refs[i]->name), a->correspondent_refs[i]->url);
	return hash_list(h, &a->author);
}

/* The articles' placings, a share each thread: at 10,000 reports they
 * are 20 ms of a body edit's build, before any page is made. */
struct placing_share {
	const struct site *s;
	uint64_t *one;
	size_t parts;
};

static void *placing_part(void *arg, size_t k)
{
	struct placing_share *sh = arg;
	size_t n = sh->s->articles.len;
	for (size_t i = k * n / sh->parts; i < (k + 1) * n / sh->parts; i++)
		sh->one[i] = hash_placing(HASH_INIT, sh->s->articles.items[i]);
	return NULL;
}

uint64_t render_placing_of(const struct article *art)
{
	return hash_placing(HASH_INIT, art);
}

uint64_t *render_deps_placings(const struct site *s, size_t threads)
{
	struct placing_share sh = { s, xcalloc(s->articles.len + 1, sizeof(*sh.one)), 1 };
	if (s->articles.len >= PLACING_SHARE_MIN && threads > 1)
		sh.parts = threads;
	threads_run(sh.parts, placing_part, &sh, NULL);
	return sh.one;
}

uint64_t render_deps_placing(const struct site *s, const uint64_t *one, uint64_t *each)
{
	uint64_t h = hash_num(HASH_INIT, (long long)s->articles.len);
	for (size_t i = 0; i < s->articles.len; i++) {
		const struct article *a = s->articles.items[i];
		if (a->order < s->articles.len)	/* else render_deps_open keeps nothing */
			each[a->order] = one[i];
		h = hash_num(h, (long long)one[i]);
	}
	/* the printed pages' notes, which are no articles of the list: their
	 * bodies too (a kept site's placings do not have them) */
	h = hash_num(h, (long long)s->series.len);
	for (size_t i = 0; i < s->series.len; i++) {
		const struct series *se = s->series.items[i];
		h = hash_s(hash_s(h, se->title), se->url);
		h = se->note ? hash_num(h, (long long)render_deps_body(se->note)) : hash_num(h, 0);
	}
	return h;
}

/* The members of a place or printed page, in order, each by its placing:
 * once per list (keyed by its owner's URL). */
static uint64_t members(struct arena *a, struct strmap *seen, const char *key, const struct ptrvec *list,
			const uint64_t *placing)
{
	uint64_t *memo = key ? strmap_get(seen, key) : NULL;
	if (memo)
		return *memo;
	uint64_t h = hash_num(HASH_INIT, (long long)list->len);
	for (size_t i = 0; i < list->len; i++)
		h = hash_num(h, (long long)placing[((const struct article *)list->items[i])->order]);
	if (key) {
		memo = arena_alloc(a, sizeof(*memo));
		*memo = h;
		strmap_put(a, seen, key, memo);
	}
	return h;
}

static uint64_t neighbour(uint64_t h, const struct article *o, const uint64_t *placing)
{
	return hash_num(h, o ? (long long)placing[o->order] : -1);
}

static uint64_t list_members(struct render_deps *dp, const char *key, const struct ptrvec *list)
{
	return members(&dp->views_arena, &dp->views_seen, key, list, dp->placing_of);
}

void render_deps_view_report(struct render_deps *dp, const struct article *art)
{
	uint64_t h = hash_num(HASH_INIT, (long long)dp->placing_of[art->order]);
	/* the related reports it lists (picked from its community's and
	 * district's members), not those lists whole */
	struct related_pick rp;
	render_related_pick(art, &rp);
	h = hash_num(hash_num(hash_num(h, (long long)rp.n), (long long)rp.near), (long long)rp.newer);
	for (size_t i = 0; i < rp.n; i++)
		h = hash_num(h, (long long)dp->placing_of[rp.items[i]->order]);
	h = hash_num(h, art->series ? (long long)list_members(dp, art->series->url, &art->series->articles) : 0);
	/* or of its untitled page (keyed apart from every URL) */
	const char *scan_key = art->scan ? arena_sprintf(&dp->views_arena, "scan %s", art->scan->source) : NULL;
	h = hash_num(h, art->scan ? (long long)list_members(dp, scan_key, &art->scan->articles) : 0);
	h = neighbour(neighbour(h, art->prev, dp->placing_of), art->next, dp->placing_of);
	h = neighbour(neighbour(h, art->local_prev, dp->placing_of), art->local_next, dp->placing_of);
	dp->job_key[dp->view_job] = art->path;
	dp->job_view[dp->view_job] = h;
}

/* A span as a link to it shows it: its period, its count, its URL. */
static uint64_t hash_span(uint64_t h, const struct span *s)
{
	return hash_s(hash_num(hash_num(h, s->y * 100LL + s->m), (long long)s->len), s->url);
}

/* The members of span s of list (its slice), by placing. */
static uint64_t span_members(const struct render_deps *dp, const struct ptrvec *list, const struct span *s)
{
	uint64_t h = hash_num(HASH_INIT, (long long)s->len);
	for (size_t k = s->start; k < s->start + s->len && k < list->len; k++)
		h = hash_num(h, (long long)dp->placing_of[((const struct article *)list->items[k])->order]);
	return h;
}

/* Every span of the year of spans[j] (newest first), as year_link reads
 * them: the year's total and first span. */
static uint64_t hash_year_of(uint64_t h, const struct span *spans, size_t n, size_t j)
{
	while (j > 0 && spans[j - 1].y == spans[j].y)
		j--;
	for (size_t k = j; k < n && spans[k].y == spans[j].y; k++)
		h = hash_span(h, &spans[k]);
	return hash_num(h, -2);
}

/* What a period page of an owner (render_periods.c) reads of the owner's
 * spans: its own members, the links to the periods before and after it,
 * and when it opens its year (and so also makes the year's page): the
 * members of every span of the year (months, counts, heatmap) and the
 * years before and after it. Not the rest of the owner's list: a report
 * added in another year makes none of these pages again. */
static uint64_t period_view(const struct render_deps *dp, const struct span *spans, size_t n,
			    const struct ptrvec *list, size_t i)
{
	const struct span *s = &spans[i];
	uint64_t h = hash_span(hash_num(HASH_INIT, (long long)span_members(dp, list, s)), s);
	h = i + 1 < n ? hash_span(h, &spans[i + 1]) : hash_num(h, -1);
	h = i > 0 ? hash_span(h, &spans[i - 1]) : hash_num(h, -1);
	if (!render_span_opens_year(spans, i))
		return h;
	size_t end = i;
	for (; end < n && spans[end].y == s->y; end++)
		h = hash_num(hash_span(h, &spans[end]), (long long)span_members(dp, list, &spans[end]));
	h = end < n ? hash_year_of(h, spans, n, end) : hash_num(h, -1);
	return i > 0 ? hash_year_of(h, spans, n, i - 1) : hash_num(h, -1);
}

/* A place's span of month y-m as the pages of its neighbours show it:
 * name, and the span's count and URL, or none. */
static uint64_t hash_place_month(uint64_t h, const struct place *q, int y, int m)
{
	const struct span *qs = render_find_span(q->months, q->nmonths, y, m);
	h = hash_s(hash_s(hash_num(h, q->level), q->name), q->url);
	return qs ? hash_span(h, qs) : hash_num(h, -1);
}

/* hash_place_month of every place of a list (the children of the place
 * whose URL is key), memoised: a district's hundred communities each read
 * their siblings' month. */
static uint64_t places_month(struct render_deps *dp, const struct ptrvec *list, const char *key, int y, int m)
{
	char *k = arena_sprintf(&dp->views_arena, "%s|%d|%d", key, y, m);
	uint64_t *memo = strmap_get(&dp->views_seen, k);
	if (memo)
		return *memo;
	uint64_t h = hash_num(HASH_INIT, (long long)list->len);
	for (size_t i = 0; i < list->len; i++)
		h = hash_place_month(h, list->items[i], y, m);
	memo = arena_alloc(&dp->views_arena, sizeof(*memo));
	*memo = h;
	strmap_put(&dp->views_arena, &dp->views_seen, k, memo);
	return h;
}

void render_deps_view_place_month(struct render_deps *dp, const struct span *s)
{
	const struct place *p = s->owner;
	size_t i = (size_t)(s - p->months);
	uint64_t h = hash_num(HASH_INIT, (long long)period_view(dp, p->months, p->nmonths, &p->articles, i));
	/* its crumbs and the links up: the place above's (or the archive's)
	 * month and year */
	for (const struct place *q = p; q; q = q->parent)
		h = hash_s(hash_s(h, q->name), q->url);
	const struct ptrvec *siblings = &dp->site->provinces;
	if (p->parent) {
		siblings = &p->parent->children;
		h = hash_place_month(h, p->parent, s->y, s->m);
		const struct span *up = NULL;
		for (size_t k = 0; k < p->parent->nmonths && !up; k++)
			if (p->parent->months[k].y == s->y)
				up = &p->parent->months[k];
		h = up ? hash_span(h, up) : hash_num(h, -1);
	} else {
		for (size_t k = 0; k < dp->site->months.len; k++) {
			const struct month *mo = dp->site->months.items[k];
			if (mo->y == s->y && mo->m == s->m)
				h = hash_s(h, mo->url);
		}
		for (size_t k = 0; k < dp->site->years.len; k++) {
			const struct year *yr = dp->site->years.items[k];
			if (yr->y == s->y)
				h = hash_s(h, yr->url);
		}
	}
	/* the same month of its siblings, and of the places below it */
	h = hash_num(h, (long long)places_month(dp, siblings, p->parent ? p->parent->url : "", s->y, s->m));
	h = hash_num(h, (long long)places_month(dp, &p->children, p->url, s->y, s->m));
	dp->job_key[dp->view_job] = s->url;
	dp->job_view[dp->view_job] = h;
}

void render_deps_view_day(struct render_deps *dp, size_t i)
{
	const struct ptrvec *days = &dp->site->days;
	const struct day *d = days->items[i];
	uint64_t h = hash_num(HASH_INIT, (long long)list_members(dp, d->url, &d->articles));
	h = hash_s(h, i > 0 ? ((const struct day *)days->items[i - 1])->url : NULL);
	h = hash_s(h, i + 1 < days->len ? ((const struct day *)days->items[i + 1])->url : NULL);
	dp->job_key[dp->view_job] = d->url;
	dp->job_view[dp->view_job] = h;
}

void render_deps_view_place(struct render_deps *dp, const struct place *p)
{
	uint64_t h = hash_num(HASH_INIT, (long long)list_members(dp, p->url, &p->articles));
	/* its siblings (the places of its level under the same place, or the
	 * provinces) with their counts; the place above by name */
	const struct ptrvec *all = p->parent ? &p->parent->children : &dp->site->provinces;
	for (size_t k = 0; k < all->len; k++) {
		const struct place *q = all->items[k];
		h = hash_num(hash_s(hash_s(hash_num(h, q->level), q->name), q->url), (long long)q->articles.len);
	}
	for (const struct place *q = p->parent; q; q = q->parent)
		h = hash_s(hash_s(h, q->name), q->url);
	dp->job_key[dp->view_job] = p->url;
	dp->job_view[dp->view_job] = h;
}

void render_deps_view_owner(struct render_deps *dp, const struct ptrvec *list, const char *url)
{
	dp->job_key[dp->view_job] = url;
	dp->job_view[dp->view_job] = hash_num(HASH_INIT, (long long)list_members(dp, url, list));
}

void render_deps_view_topic_period(struct render_deps *dp, const struct span *s, const struct span *spans, size_t n,
				   const struct ptrvec *list, const char *owner_name, const char *owner_url)
{
	uint64_t h = period_view(dp, spans, n, list, (size_t)(s - spans));
	dp->job_key[dp->view_job] = s->url;
	dp->job_view[dp->view_job] = hash_s(hash_s(h, owner_name), owner_url);
}

/* A place's, tag's or person's feed (render_feeds.c, job i of its family):
 * its owner's newest reports, each entry from the report's item and its
 * placing fields; the owner's name is in those fields too. Keyed apart
 * from the owner's own page, whose key is the owner's URL. */
void render_deps_view_feed(struct render_deps *dp, size_t i)
{
	const struct site *s = dp->site;
	const struct ptrvec *list;
	const char *url;
	if (i < s->places.len) {
		const struct place *p = s->places.items[i];
		list = &p->articles, url = p->url;
	} else if ((i -= s->places.len) < s->tags.len) {
		const struct tag *t = s->tags.items[i];
		list = &t->articles, url = t->url;
	} else {
		const struct person *pe = s->people.items[i - s->tags.len];
		list = &pe->articles, url = pe->url;
	}
	dp->job_key[dp->view_job] = arena_sprintf(&dp->keys_arena, "%s feed", url);
	dp->job_view[dp->view_job] = hash_num(HASH_INIT, (long long)list_members(dp, url, list));
}

/* A month's page of the date archive (render_dates.c): its members (the
 * list, the calendar, its days and their counts, the month's heatmap), the
 * districts' same month, and the months before and after. */
void render_deps_view_month(struct render_deps *dp, size_t i)
{
	const struct ptrvec *months = &dp->site->months;
	const struct month *m = months->items[i];
	uint64_t h = hash_num(HASH_INIT, (long long)list_members(dp, m->url, &m->articles));
	h = hash_s(h, m->year->url);
	for (size_t k = 0; k < dp->site->places.len; k++) {
		const struct place *q = dp->site->places.items[k];
		if (q->level == PLACE_DISTRICT)
			h = hash_place_month(h, q, m->y, m->m);
	}
	for (size_t k = i > 0 ? i - 1 : 0; k <= i + 1 && k < months->len; k++) {
		const struct month *o = months->items[k];
		h = hash_s(hash_num(h, o->y * 100LL + o->m), o->url);
	}
	dp->job_key[dp->view_job] = m->url;
	dp->job_view[dp->view_job] = h;
}

/* The views of all jobs, over the threads: each takes VIEW_CHUNK jobs at a
 * time (neighbours share lists: the memos' hits) with memos of its own, in
 * a copy of dp whose job_key and job_view are dp's (each job's slot
 * written by one thread). At 50,000 reports a change of structure spent
 * a quarter of serve's build making them in one thread. */
#define VIEW_CHUNK 256

struct views_job {
	struct render_deps *dp, *copies;
	void (*view_of)(struct render_deps *, size_t job, void *);
	void *ctx;
	size_t next;
	pthread_mutex_t lock;
};

static void *views_worker(void *arg, size_t k)
{
	struct views_job *j = arg;
	struct render_deps *c = &j->copies[k];
	*c = *j->dp;
	c->views_arena = (struct arena)ARENA_INIT;
	c->keys_arena = (struct arena)ARENA_INIT;
	c->views_seen = (struct strmap){ 0 };
	for (;;) {
		pthread_mutex_lock(&j->lock);
		size_t from = j->next;
		j->next += VIEW_CHUNK;
		pthread_mutex_unlock(&j->lock);
		for (size_t job = from; job < from + VIEW_CHUNK && job < c->njobs; job++) {
			c->view_job = job;
			j->view_of(c, job, j->ctx);
		}
		if (from + VIEW_CHUNK >= c->njobs)
			break;
	}
	arena_free(&c->views_arena);	/* the memos: the keys live on (site and article strings) */
	return NULL;
}

void render_deps_make_views(struct render_deps *dp, size_t threads,
			    void (*view_of)(struct render_deps *, size_t, void *), void *ctx)
{
	size_t nt = threads ? threads : 1;
	if (nt > dp->njobs / VIEW_CHUNK + 1)
		nt = dp->njobs / VIEW_CHUNK + 1;
	struct views_job j = { .dp = dp, .view_of = view_of, .ctx = ctx };
	j.copies = xcalloc(nt, sizeof(*j.copies));
	pthread_mutex_init(&j.lock, NULL);
	threads_run(nt, views_worker, &j, NULL);
	pthread_mutex_destroy(&j.lock);
	dp->thread_keys = xcalloc(nt, sizeof(*dp->thread_keys));
	for (size_t k = 0; k < nt; k++)
		dp->thread_keys[k] = j.copies[k].keys_arena;
	dp->nthread_keys = nt;
	free(j.copies);
}
