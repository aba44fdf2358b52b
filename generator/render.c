#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "progress.h"
#include "text.h"
#include "threads.h"
#include "tmpl.h"
#include "write.h"
#include "xalloc.h"

const char *const render_templates[] = {
	"home", "report", "place", "places", "dates", "year", "month", "day", "tags", "tag",
	"reporters", "reporter", "series-index", "series", "404", "search", "sitemap", "sitemap-index", "feed", "period",
	"heatmap-file", NULL
};


static const struct { const char *name, *url, *section; } nav_entries[] = {
	{ "首页", "index.html", "home" },
	{ "地区", "places/index.html", "places" },
	{ "日期", "dates/index.html", "dates" },
	{ "专题", "tags/index.html", "tags" },
	{ "记者", "reporters/index.html", "reporters" },
	{ "版面", "series/index.html", "series" },
};

/* "../" once per directory between the page and the site root. */
static const char *root_of(struct render *r, const char *url)
{
	struct buf b = BUF_INIT;
	for (const char *p = url; *p; p++)
		if (*p == '/')
			buf_addstr(&b, "../");
	const char *s = arena_strndup(&r->scratch, b.data, b.len);
	buf_free(&b);
	return s;
}

void render_set_list(struct render *r, struct val *map, const char *key, struct val *list)
{
	size_t n = strlen(key);
	char *has = arena_alloc_uninit(&r->scratch, n + 5);
	memcpy(has, "has_", 4);
	memcpy(has + 4, key, n + 1);
	val_set(&r->scratch, map, key, list);
	val_set_n(&r->scratch, map, has, n + 4, val_bool(&r->scratch, list->u.list.len > 0));
}

#define NNAV (sizeof(nav_entries) / sizeof(*nav_entries))

/* The site's map, the same on every page: made once per thread. */
static struct val *site_val(struct render *r)
{
	if (r->site_val)
		return r->site_val;
	struct arena *a = r->keep;
	const struct config *cfg = r->site->config;
	struct val *site = val_map(a);
	val_set(a, site, "title", val_str_ref(a, cfg->title, strlen(cfg->title)));
	val_set(a, site, "description", val_str_ref(a, cfg->description, strlen(cfg->description)));
	val_set(a, site, "language", val_str_ref(a, cfg->language, strlen(cfg->language)));
	char *locale = arena_strdup(a, cfg->language);	/* zh-CN → zh_CN, as Open Graph writes it */
	for (char *p = locale; *p; p++)
		if (*p == '-')
			*p = '_';
	val_set_str(a, site, "locale", locale);
	val_set_bool(a, site, "search", cfg->search);
	return r->site_val = site;
}

/* 版面 leads to the printed pages: with none in the archive, a link to a
 * page that says so would only waste the reader's click. The series index
 * itself is still made (the sitemap lists it, and old links reach it). */
static int nav_shown(const struct site *s, size_t i)
{
	return strcmp(nav_entries[i].section, "series") != 0 || s->series.len > 0;
}

/* What the navigation reads of the archive as a whole, folded into the
 * global digest of incremental rendering (render_deps.c): whether
 * nav_shown shows 版面. Every page shows the nav, and no page's view covers
 * this bit, so the first printed page added, or the last removed, must
 * make every page again: a change of the global digest does that. The
 * structure digest would not be enough, though it changes too: after a
 * change of structure alone, a keyed page whose view is the same is kept,
 * with its old nav. */
static uint64_t nav_global(uint64_t global, const struct site *s)
{
	return hash_num(global, s->series.len > 0);
}

/* The navigation with the section's entry current (none for a section
 * not in it): one list per section and thread, shared by its pages. */
static struct val *nav_val(struct render *r, const char *section)
{
	size_t cur = NNAV;
	for (size_t i = 0; section && i < NNAV; i++)
		if (strcmp(section, nav_entries[i].section) == 0) {
			cur = i;
			break;
		}
	if (r->nav_vals[cur])
		return r->nav_vals[cur];
	struct arena *a = r->keep;
	struct val *nav = val_list(a);
	for (size_t i = 0; i < NNAV; i++) {
		if (!nav_shown(r->site, i))
			continue;
		struct val *e = val_map(a);
		val_set_str(a, e, "name", nav_entries[i].name);
		val_set_str(a, e, "url", nav_entries[i].url);
		val_set_bool(a, e, "current", i == cur);
		val_push(a, nav, e);
	}
	return r->nav_vals[cur] = nav;
}

struct val *render_common(struct render *r, const char *url, const char *page_title, const char *section)
{
	struct arena *a = &r->scratch;
	const struct config *cfg = r->site->config;
	struct val *ctx = val_map(a);
	val_set(a, ctx, "site", site_val(r));
	val_set(a, ctx, "root", val_str(a, root_of(r, url)));
	val_set(a, ctx, "page_title", val_str(a, page_title));
	/* Shared links (chat apps, search engines) need absolute URLs: only
	 * when base_url is one. */
	if (strstr(cfg->base_url, "://"))
		val_set_str(a, ctx, "canonical", render_absolute(r, url));
	render_set_list(r, ctx, "nav", nav_val(r, section));
	render_set_list(r, ctx, "breadcrumbs", val_list(a));
	if (!section || strcmp(section, "home") != 0)
		render_crumb(r, ctx, "首页", "index.html");
	return ctx;
}

/* Appends a breadcrumb; url NULL marks the current page (the last crumb). */
void render_crumb(struct render *r, struct val *ctx, const char *name, const char *url)
{
	struct val *list = val_get(ctx, "breadcrumbs", strlen("breadcrumbs"));
	struct val *e = val_map(&r->scratch);
	val_set_str(&r->scratch, e, "name", name);
	if (url)
		val_set_str(&r->scratch, e, "url", url);
	else
		val_set_bool(&r->scratch, e, "current", 1);
	val_push(&r->scratch, list, e);
	val_set_bool(&r->scratch, ctx, "has_breadcrumbs", 1);
}

void render_page(struct render *r, const char *tmpl_name, const char *url, struct val *ctx)
{
	const struct tmpl *t = tmpl_set_get(r->tmpls, tmpl_name, r->d);
	buf_reset(&r->out);
	if (!t || tmpl_render(r->tmpls, t, ctx, &r->out, r->d) < 0)
		r->failed = 1;
	else
		render_put(r, url, r->out.data, r->out.len);
	arena_reset(&r->scratch);
}

void render_put(struct render *r, const char *rel, const char *data, size_t len)
{
	if (writer_put(r->writer, rel, data, len) < 0)
		r->failed = 1;
	if (r->rec) {
		buf_addstr(&r->rec->files, rel);
		buf_addch(&r->rec->files, ' ');
	}
}

static void record(struct render *r, uint32_t dep)
{
	struct render_rec *rec = r->rec;
	if (!rec)
		return;
	if (rec->ndeps == rec->cap) {
		rec->cap = rec->cap ? 2 * rec->cap : 64;
		rec->deps = xrealloc(rec->deps, rec->cap * sizeof(*rec->deps));
	}
	rec->deps[rec->ndeps++] = dep;
}

void render_uses_self(struct render *r, const struct article *art)
{
	record(r, (uint32_t)art->order | RENDER_SELF);
}

const char *render_absolute(struct render *r, const char *url)
{
	const char *b = r->site->config->base_url;
	size_t bn = strlen(b), n = strlen(url);
	if (n >= 10 && strcmp(url + n - 10, "index.html") == 0)
		n -= 10;
	return arena_sprintf(&r->scratch, "%s%s%.*s", b, bn && b[bn - 1] == '/' ? "" : "/", (int)n, url);
}

void render_json_string(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			buf_addf(b, "\\u%04x", *p);	/* < as \u003c: no </script> */
		else
			buf_addch(b, (char)*p);
	}
	buf_addch(b, '"');
}

struct val *render_count(struct render *r, size_t n)
{
	return val_int(&r->scratch, (long long)n);
}

struct val *render_link(struct render *r, const char *text, const char *url)
{
	struct val *v = val_map(&r->scratch);
	val_set_str(&r->scratch, v, "text", text);
	val_set_str(&r->scratch, v, "title", text);
	val_set_str(&r->scratch, v, "url", url);
	return v;
}

/* An article a page needs whose render_article the articles' pass left
 * unmade (its file did not change, and no page was expected to show it:
 * see render_deps.c): made now by the first thread to want it; the others
 * wait for it. */
static void make_late(struct render *r, const struct article *art)
{
	unsigned char idle = 0;
	if (atomic_compare_exchange_strong(&r->made[art->order], &idle, 1)) {
		render_precompute(r, art);
		atomic_store_explicit(&r->made[art->order], 2, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&r->made[art->order], memory_order_acquire) != 2)
		sched_yield();
}

const struct render_article *render_extra(struct render *r, const struct article *art)
{
	record(r, (uint32_t)art->order);
	if (atomic_load_explicit(&r->made[art->order], memory_order_acquire) != 2)
		make_late(r, art);
	return &r->extra[art->order];
}

static size_t count_one(const struct site *s) { (void)s; return 1; }
static size_t count_articles(const struct site *s) { return s->articles.len; }
static size_t count_places(const struct site *s) { return s->places.len; }
static size_t count_years(const struct site *s) { return s->years.len; }
static size_t count_months(const struct site *s) { return s->months.len; }
static size_t count_days(const struct site *s) { return s->days.len; }
static size_t count_tags(const struct site *s) { return s->tags.len; }
static size_t count_people(const struct site *s) { return s->people.len; }
static size_t count_series(const struct site *s) { return s->series.len; }
static size_t count_place_months(const struct site *s) { return s->place_months.len; }
static size_t count_tag_periods(const struct site *s) { return s->tag_periods.len; }
static size_t count_person_periods(const struct site *s) { return s->person_periods.len; }

struct render_family {
	size_t (*count)(const struct site *);
	void (*page)(struct render *, size_t);
	const char *name;	/* for SITEGEN_TIMING's pages made by kind */
};

/* Every page of the site, kind by kind. Big listing pages come first so
 * that no thread is left with one of them at the end. */
static const struct render_family families[] = {
	{ count_places, render_place_page, "place_page" },
	{ count_tags, render_tag_page, "tag_page" },
	{ count_years, render_year_page, "year_page" },
	{ count_people, render_person_page, "person_page" },
	{ count_months, render_month_page, "month_page" },
	{ count_one, render_home, "home" },
	{ count_one, render_places_index, "places_index" },
	{ count_one, render_dates_index, "dates_index" },
	{ count_one, render_tags_index, "tags_index" },
	{ count_one, render_people_index, "people_index" },
	{ count_one, render_series_index, "series_index" },
	{ count_one, render_404, "404" },
	{ count_one, render_search_page, "search_page" },
	{ render_sitemap_count, render_sitemap, "sitemap" },
	{ count_one, render_feed, "feed" },
	{ render_page_feed_count, render_page_feed, "page_feed" },
	{ count_one, render_heatmap_file, "heatmap_file" },
	{ count_articles, render_report_page, "report_page" },
	{ count_series, render_series_page, "series_page" },
	{ count_days, render_day_page, "day_page" },
	{ count_place_months, render_place_month, "place_month" },
	{ count_tag_periods, render_tag_period, "tag_period" },
	{ count_person_periods, render_person_period, "person_period" },
};
#define NFAMILIES (sizeof(families) / sizeof(*families))

struct pool {
	struct render proto;
	size_t offsets[NFAMILIES + 1];	/* first job number of each family */
	atomic_size_t next_article, next_page;
	atomic_size_t pages_done;		/* for the progress line */
	struct threads_gate precomputed;	/* every article's digests are in, and what must be made is */
	atomic_size_t plan_ticket;		/* the first thread past the gate plans */
	struct threads_gate planned;		/* which jobs to make is known */
	atomic_int abandoned;			/* a thread could not set up: no pages */
	struct render_deps deps;
	atomic_size_t made, kept;		/* jobs */
	atomic_size_t kept_by_place;		/* jobs kept by their files' places (render_deps_keep) */
	atomic_size_t made_by[NFAMILIES];	/* jobs made, by family (SITEGEN_TIMING) */
};

/* Job numbers run through the families in order. A job whose inputs are
 * the earlier build's keeps its files (render_deps.c); the others are made,
 * and what they read recorded. */
static void run_job(struct pool *p, struct render *r, size_t job)
{
	int kept = p->deps.active ? render_deps_keep(&p->deps, job, r->keeps) : -1;
	if (kept >= 0) {
		atomic_fetch_add(&p->kept, 1);
		atomic_fetch_add(&p->kept_by_place, (size_t)kept);
		return;
	}
	size_t f = 0;
	while (job >= p->offsets[f + 1])
		f++;
	families[f].page(r, job - p->offsets[f]);
	if (p->deps.active)
		render_deps_record(&p->deps, job, r->rec, r->keep);
	atomic_fetch_add(&p->made, 1);
	atomic_fetch_add_explicit(&p->made_by[f], 1, memory_order_relaxed);
}

/* The articles' pass: each article's digests, and its render_article when
 * pages will need it (every page is made, or its file changed); the
 * others are made on demand (render_extra). */
static void prepare_one(struct pool *p, struct render *r, size_t i)
{
	const struct article *art = r->site->articles.items[i];
	size_t o = art->order;
	struct render_deps *dp = &p->deps;
	if (dp->active)
		dp->body[o] = render_deps_body(art);
	if (!dp->active || render_deps_body_changed(dp, o)) {
		render_precompute(r, art);
		atomic_store_explicit(&r->made[o], 2, memory_order_release);
		if (dp->active)
			dp->item[o] = render_deps_item(art, &r->extra[o]);
	} else {
		dp->item[o] = render_deps_old_item(dp, o);
	}
}

/* Returns the thread's long-lived arena (read by every thread until all
 * pages are done, so the caller frees it), tagged in its low bit when the
 * thread's pages all succeeded. */
static void *worker(void *arg, size_t k)
{
	(void)k;
	struct pool *p = arg;
	struct render r = p->proto;
	struct arena *keep = xcalloc(1, sizeof(*keep));
	struct render_rec rec = { 0 };
	r.keep = keep;
	r.scratch = (struct arena)ARENA_INIT;
	r.dates = text_dates_new();
	r.rec = p->deps.active ? &rec : NULL;
	r.keeps = p->deps.active ? writer_keep_batch_begin(r.writer) : NULL;
	buf_init(&r.out, 1 << 16);
	if (!r.dates) {
		diag_error(r.d, "ICU", 0, 0, NULL, 0, "cannot open ICU's date formats (out of memory?)");
		r.failed = 1;
		atomic_store(&p->abandoned, 1);
	}
	/* A thread that failed still takes its share of the articles (leaving
	 * them unmade), so that the gate opens for the others. */
	size_t n = r.site->articles.len, i, mine = 0;
	for (; (i = atomic_fetch_add(&p->next_article, 1)) < n; mine++)
		if (r.dates)
			prepare_one(p, &r, i);
	threads_gate_pass(&p->precomputed, mine);
	if (atomic_fetch_add(&p->plan_ticket, 1) == 0) {
		if (p->deps.active)
			render_deps_plan(&p->deps);
		threads_gate_pass(&p->planned, 1);
	} else {
		threads_gate_pass(&p->planned, 0);
	}
	while (!atomic_load(&p->abandoned) && (i = atomic_fetch_add(&p->next_page, 1)) < p->offsets[NFAMILIES])
	{
		run_job(p, &r, i);
		atomic_fetch_add(&p->pages_done, 1);
	}
	if (r.keeps && writer_keep_batch_end(r.keeps) < 0)
		r.failed = 1;
	free(rec.deps);
	buf_free(&rec.files);
	buf_free(&r.out);
	text_dates_free(r.dates);
	arena_free(&r.scratch);
	return r.failed ? (void *)keep : (void *)((uintptr_t)keep | 1);
}

/* What a job's page reads of the structure, for the jobs that can be kept
 * when it changes (render_deps.c): a report's page, a day's, a place's,
 * tag's or person's own page, period pages and feed. */
static void job_view(struct render_deps *dp, size_t job, void *arg)
{
	const struct pool *p = arg;
	const struct site *s = p->proto.site;
	size_t f = 0;
	while (job >= p->offsets[f + 1])
		f++;
	size_t i = job - p->offsets[f];
	void (*page)(struct render *, size_t) = families[f].page;
	if (page == render_report_page) {
		render_deps_view_report(dp, s->articles.items[i]);
	} else if (page == render_day_page) {
		render_deps_view_day(dp, i);
	} else if (page == render_month_page) {
		render_deps_view_month(dp, i);
	} else if (page == render_place_page) {
		render_deps_view_place(dp, s->places.items[i]);
	} else if (page == render_page_feed) {
		render_deps_view_feed(dp, i);
	} else if (page == render_tag_page) {
		const struct tag *t = s->tags.items[i];
		render_deps_view_owner(dp, &t->articles, t->url);
	} else if (page == render_person_page) {
		const struct person *pe = s->people.items[i];
		render_deps_view_owner(dp, &pe->articles, pe->url);
	} else if (page == render_place_month) {
		render_deps_view_place_month(dp, s->place_months.items[i]);
	} else if (page == render_tag_period) {
		const struct span *sp = s->tag_periods.items[i];
		const struct tag *t = sp->owner;
		render_deps_view_topic_period(dp, sp, t->periods, t->nperiods, &t->articles, t->name, t->url);
	} else if (page == render_sitemap) {
		render_deps_view_sitemap(dp, p->proto.sitemap, i);
	} else if (page == render_person_period) {
		const struct span *sp = s->person_periods.items[i];
		const struct person *pe = sp->owner;
		render_deps_view_topic_period(dp, sp, pe->periods, pe->nperiods, &pe->articles, pe->name, pe->url);
	}
}

/* The job number of the first report page (article 0's). */
static size_t reports_first(const struct pool *p)
{
	size_t f = 0;
	while (families[f].page != render_report_page)
		f++;
	return p->offsets[f];
}

/* After an incremental build, which kinds of pages were made: where a
 * change of structure spends its time. */
static void print_made_by(struct pool *p)
{
	fprintf(stderr, "sitegen: made by kind:");
	for (size_t f = 0; f < NFAMILIES; f++) {
		size_t n = atomic_load(&p->made_by[f]);
		if (n)
			fprintf(stderr, " %s %zu/%zu", families[f].name, n, p->offsets[f + 1] - p->offsets[f]);
	}
	fputc('\n', stderr);
}

/* The progress line's count (read from its own thread). */
static size_t pages_done(void *arg)
{
	return atomic_load(&((struct pool *)arg)->pages_done);
}

int render_site(const struct site *site, struct tmpl_set *tmpls, struct writer *w, struct diag *d,
		struct arena *keep, int jobs, struct render_incremental *inc)
{
	struct pool p = { .proto = { .site = site, .tmpls = tmpls, .writer = w, .d = d } };
	p.proto.extra = arena_alloc(keep, (site->articles.len + 1) * sizeof(*p.proto.extra));
	_Atomic unsigned char *made = xcalloc(site->articles.len + 1, sizeof(*made));
	p.proto.made = made;
	p.proto.sitemap = render_sitemap_once_new();
	for (size_t f = 0; f < NFAMILIES; f++)
		p.offsets[f + 1] = p.offsets[f] + families[f].count(site);
	atomic_init(&p.next_article, 0);
	atomic_init(&p.next_page, 0);
	atomic_init(&p.pages_done, 0);
	atomic_init(&p.plan_ticket, 0);
	atomic_init(&p.made, 0);
	atomic_init(&p.kept, 0);
	atomic_init(&p.kept_by_place, 0);
	size_t total = p.offsets[NFAMILIES];
	size_t n = (size_t)threads_count(jobs);
	if (inc)
		render_deps_open(&p.deps, site, w, nav_global(inc->global, site), inc, total, reports_first(&p), n,
				 job_view, &p);
	progress_stage_of("rendering: %zu / %zu pages", total, pages_done, &p);
	atomic_init(&p.abandoned, 0);
	threads_gate_init(&p.precomputed, site->articles.len);
	threads_gate_init(&p.planned, 1);
	void **results = xcalloc(n, sizeof(*results));
	threads_run(n, worker, &p, results);
	int failed = 0;
	for (size_t t = 0; t < n; t++)
		failed |= !((uintptr_t)results[t] & 1);
	if (inc) {
		inc->search_current = p.deps.old_known && p.deps.search == p.deps.old_search && !failed;
		render_deps_changes(&p.deps, inc);
		inc->made = atomic_load(&p.made);
		if (getenv("SITEGEN_TIMING") && inc->made && inc->made < total)
			print_made_by(&p);
		inc->kept = atomic_load(&p.kept);
		inc->kept_by_place = atomic_load(&p.kept_by_place);
		render_deps_close(&p.deps, w, !failed, inc);	/* before the arenas holding its lines go */
	}
	for (size_t t = 0; t < n; t++) {
		struct arena *arena = (struct arena *)((uintptr_t)results[t] & ~(uintptr_t)1);
		arena_free(arena);
		free(arena);
	}
	free(results);
	free((void *)made);
	render_sitemap_once_free(p.proto.sitemap);
	/* p goes away: the line no longer asks it */
	progress_stage_of("rendering: %zu / %zu pages", total, NULL, NULL);
	threads_gate_destroy(&p.precomputed);
	threads_gate_destroy(&p.planned);
	return failed ? -1 : 0;
}
