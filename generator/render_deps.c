/* render_deps.c: what each page was made from, kept in the output's state
 * between builds, so that a build renders only the pages whose inputs
 * changed (incremental rendering) and leaves the others as they are.
 *
 * A page (one render job: see render.c's families) reads three kinds of
 * input:
 *  - the structure: which articles there are, in which order, and the
 *    fields that place them (path and URL, date, places, tags, people,
 *    printed page, or the scan where no page is given, kind), the printed
 *    pages' notes, and everything global
 *    (the config, the theme, this program, the options: inputs.h; and
 *    whether the archive has printed pages at all, which every page's nav
 *    shows: render.c's nav_global). It decides which pages exist and
 *    which articles each lists; one digest covers all of it, and when it
 *    changes every page is made again;
 *  - the listing items of the articles it shows (render_item: title,
 *    subtitle, date and place as text, summary): recorded per page as it
 *    reads them (render_uses);
 *  - for a report's own page, all of its article: its whole file and its
 *    images (render_uses_self).
 * Nothing else reaches a page: render.c hands it the items and the index,
 * and the templates see only what the page puts in its context. So a page
 * whose structure, items and own article are the earlier build's is the
 * earlier build's page, byte for byte, and its files are kept (writer_keep_batched,
 * which also checks that nobody touched them since).
 *
 * Articles are named by their place in the archive's order, which the
 * structure digest covers: equal structure, equal numbering, and the same
 * jobs in the same order.
 *
 * When the structure changed (a report added, removed, moved to another
 * date or place, retagged) but nothing global did, some pages are still
 * kept: those whose *view*, one digest of what the page reads of the
 * structure, is the earlier build's. A member below is an article of the
 * list by its placing fields, in order:
 *  - a report's own page (render_report.c): its own placing fields, the
 *    related reports it lists (render_related_pick), the members of its
 *    printed page (whose window it shows), or of its scan when it gives
 *    no page (the same `source`: a page whose title was not printed), and
 *    its neighbours in the archive and in its district;
 *  - a day's page (render_dates.c): its members, the days before and after;
 *  - a month's page (render_dates.c): its members, the districts' same
 *    month, the months before and after;
 *  - a period page of a place, tag or person (render_periods.c: a month,
 *    or a year, and the year's own page when it is the year's newest
 *    period): its own members, the periods before and after it (their
 *    links show counts), when it makes the year's page the members of the
 *    year's periods and the years before and after; for a place also the
 *    same month of its siblings, of the places below it and of the place
 *    above (or the archive), and the names on its way up;
 *  - a tag's or person's own page: the tag's or person's members;
 *  - a place's own page: its members (its months, heatmap, newest
 *    reports, sub-places' counts), its siblings with their counts, the
 *    names on its way up;
 *  - a place's, tag's or person's feed: the owner's members.
 * Such a page is matched with the earlier build's by a key (its article's
 * path, its URL), and its reads are renumbered. Every other page is made
 * again.
 *
 * SITEGEN_DEBUG_VIEWS=1 names, after a change of structure, each keyed page
 * made again and why (its view changed, it is new, or an item it reads
 * changed); SITEGEN_TIMING=1 counts the pages made by kind.
 *
 * Whatever is uncertain (no record, another version, another global input,
 * --force, a file that cannot be kept) makes the page, or every page,
 * again: the output is always a full build's.
 *
 * The record's format, and its reading and writing: render_deps_record.c. */
#define _DEFAULT_SOURCE
#include "render_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"
#include "text.h"
#include "write.h"
#include "xalloc.h"

/* Where the files of the pages a build kept were among the earlier
 * build's files, for the next build (serve's build process: render.h), by
 * the job of the build that found them, which is the line of the record it
 * left (so the next build finds them through old_job, whatever its own
 * jobs): at[k][0] files, at at[k][1…]; NULL where not known. Valid while
 * the writer's list of earlier files is the one numbered `list`, for a
 * record line naming the same files (names[k]). */
struct render_keep_places {
	uint64_t list;
	size_t n;
	uint32_t **at;
	uint64_t *names;	/* a digest of the names the places are of */
};

static struct render_keep_places *keep_places_new(size_t n, uint64_t list)
{
	struct render_keep_places *kp = xcalloc(1, sizeof(*kp));
	kp->list = list;
	kp->n = n;
	kp->at = xcalloc(n + 1, sizeof(*kp->at));
	kp->names = xcalloc(n + 1, sizeof(*kp->names));
	return kp;
}

void render_deps_open(struct render_deps *dp, const struct site *s, const struct writer *w, uint64_t global,
		      struct render_incremental *inc, size_t njobs, size_t reports_first, size_t threads,
		      void (*view_of)(struct render_deps *, size_t job, void *), void *ctx)
{
	uint64_t search_global = inc->search_global;
	int force = inc->force;
	memset(dp, 0, sizeof(*dp));
	dp->active = 1;
	dp->site = s;
	dp->narticles = s->articles.len;
	dp->njobs = njobs;
	dp->reports_first = reports_first;
	dp->global = global;
	dp->placing_of = xcalloc(dp->narticles + 1, sizeof(*dp->placing_of));
	dp->job_key = xcalloc(njobs + 1, sizeof(*dp->job_key));
	dp->job_view = xcalloc(njobs + 1, sizeof(*dp->job_view));
	if (inc->hints) {
		/* those of another list of the earlier files are of no use:
		 * looked up by name again */
		uint64_t list = writer_old_list_number(w);
		if (inc->places && inc->places->list != list) {
			render_keep_places_free(inc->places);
			inc->places = NULL;
		}
		dp->places = inc->places ? inc->places : keep_places_new(0, list);
		inc->places = NULL;	/* the next build's: render_deps_close */
		dp->next_places = keep_places_new(njobs, list);
	}
	uint64_t *one = inc->placings && inc->placings_known ? inc->placings : render_deps_placings(s, threads);
	dp->placing = render_deps_placing(s, one, dp->placing_of);
	if (one != inc->placings && inc->placings) {
		memcpy(inc->placings, one, dp->narticles * sizeof(*one));
		inc->placings_known = 1;
	}
	if (one != inc->placings)
		free(one);
	dp->structure = hash_num(hash_num(HASH_INIT, (long long)global), (long long)dp->placing);
	dp->search_global = search_global;
	dp->item = xcalloc(dp->narticles + 1, sizeof(*dp->item));
	dp->body = xcalloc(dp->narticles + 1, sizeof(*dp->body));
	dp->old_of = xcalloc(dp->narticles + 1, sizeof(*dp->old_of));
	dp->old_job = xcalloc(njobs + 1, sizeof(*dp->old_job));
	dp->dirty = xcalloc(njobs + 1, 1);
	dp->line = xcalloc(njobs + 1, sizeof(*dp->line));
	dp->line_len = xcalloc(njobs + 1, sizeof(*dp->line_len));
	/* Articles are numbered oldest first (their order), and listed newest
	 * first: report page i is that of article n - 1 - i. */
	int numbered = 1;
	for (size_t i = 0; i < dp->narticles; i++)
		numbered &= ((const struct article *)s->articles.items[i])->order == dp->narticles - 1 - i;
	size_t len;
	const char *text = writer_state_extra(w, &len);
	if (numbered && text && render_deps_read_record(dp, text, len, writer_state_extra_is_own(w)) == 0)
		dp->selective = !force;
	dp->old_known &= !force;
	if (!dp->selective)
		dp->partial = 0;
	/* Views are functions of the structure: when it is the earlier one,
	 * so are they, and the record's are copied (a body edit at 50,000
	 * reports spent 0.1 s making them again). */
	dp->views_known = numbered && view_of && (!dp->selective || dp->partial);
	if (dp->views_known)
		render_deps_make_views(dp, threads, view_of, ctx);
}

/* The earlier build's number of article o, or -1. */
static long old_number(const struct render_deps *dp, size_t o)
{
	return dp->selective ? dp->old_of[o] : -1;
}

int render_deps_body_changed(const struct render_deps *dp, size_t o)
{
	long k = old_number(dp, o);
	/* an item is made of the file and the placing (its date and place as text) */
	return k < 0 || dp->body[o] != dp->old_body[k] || dp->placing_of[o] != dp->old_placing[k];
}

uint64_t render_deps_old_item(const struct render_deps *dp, size_t o)
{
	return dp->old_item[old_number(dp, o)];
}

static int dep_changed(const struct render_deps *dp, size_t old, int self, void *arg)
{
	(void)arg;
	long now = dp->new_of[old];
	return now < 0 || dp->item[now] != dp->old_item[old] || (self && dp->body[now] != dp->old_body[old]);
}

/* partial: the jobs with a key (a report's page, a period page) whose
 * view is the earlier one are the earlier jobs of that key. */
static void match_keys(struct render_deps *dp)
{
	struct arena a = ARENA_INIT;
	struct strmap old = { 0 };	/* key → earlier job + 1 */
	uint64_t *views = xcalloc(dp->old_njobs + 1, sizeof(*views));
	for (size_t k = 0; k < dp->old_njobs; k++) {
		const char *line = dp->old_line[k];
		size_t n = dp->old_len[k];
		const char *tab = n > 18 && line[0] == '=' && line[17] == ' ' ? memchr(line, '\t', n) : NULL;
		if (!tab || text_hex16(line + 1, &views[k]) < 0)
			continue;
		strmap_put(&a, &old, arena_strndup(&a, line + 18, (size_t)(tab - line - 18)), (void *)(uintptr_t)(k + 1));
	}
	for (size_t j = 0; j < dp->njobs; j++) {
		uintptr_t k = dp->job_key[j] ? (uintptr_t)strmap_get(&old, dp->job_key[j]) : 0;
		if (k && views[k - 1] == dp->job_view[j])
			dp->old_job[j] = (long)(k - 1);
		else if (dp->job_key[j] && getenv("SITEGEN_DEBUG_VIEWS"))	/* pages without a key are not named */
			fprintf(stderr, "view %s: %s\n", k ? "changed" : "new", dp->job_key[j]);
	}
	free(views);
	arena_free(&a);
}

void render_deps_plan(struct render_deps *dp)
{
	/* the index reads the articles and the config, not the theme */
	uint64_t h = hash_num(hash_num(HASH_INIT, (long long)dp->search_global), (long long)dp->placing);
	for (size_t i = 0; i < dp->narticles; i++)
		h = hash_num(h, (long long)dp->body[i]);
	dp->search = h;
	for (size_t j = 0; j < dp->njobs; j++) {
		dp->dirty[j] = 1;
		dp->old_job[j] = -1;
		if (dp->selective && !dp->partial)
			dp->old_job[j] = (long)j;
	}
	if (dp->partial)
		match_keys(dp);
	for (size_t j = 0; j < dp->njobs; j++) {
		long k = dp->old_job[j];
		if (k >= 0)
			dp->dirty[j] = render_deps_each_dep(dp, dp->old_line[k], dp->old_len[k], dep_changed, NULL) != 0;
		if (k >= 0 && dp->dirty[j] && getenv("SITEGEN_DEBUG_VIEWS"))
			fprintf(stderr, "reads changed: %s\n", dp->job_key[j] ? dp->job_key[j] : "-");
	}
}

void render_deps_changes(const struct render_deps *dp, struct render_incremental *inc)
{
	/* Article k is the earlier build's article old_of[k] when it is the
	 * same file with the same body and placing. Articles are numbered in
	 * date order, so those numbers increase: one that would not (it cannot
	 * be, but the search index's lists rely on it) counts as changed. A
	 * report added before others renumbers those after it. */
	inc->changes_known = dp->selective;
	inc->old_narticles = dp->old_narticles;
	inc->old_of = NULL;
	if (!inc->changes_known)
		return;
	inc->old_of = xcalloc(dp->narticles + 1, sizeof(*inc->old_of));
	long last = -1;
	for (size_t i = 0; i < dp->narticles; i++) {
		long k = old_number(dp, i);
		int same = k > last && dp->body[i] == dp->old_body[k] && dp->placing_of[i] == dp->old_placing[k];
		inc->old_of[i] = same ? k : -1;
		if (same)
			last = k;
	}
}

/* The files of the earlier job k's line, NUL-separated in b; how many. */
static size_t old_files(const struct render_deps *dp, size_t k, struct buf *b)
{
	size_t len;
	const char *p = render_deps_line_body(dp->old_line[k], dp->old_len[k], &len), *colon = memchr(p, ':', len);
	if (!colon)
		return 0;
	size_t n = 0;
	while (p < colon) {
		const char *sp = memchr(p, ' ', (size_t)(colon - p));
		const char *stop = sp ? sp : colon;
		if (stop > p) {
			buf_add(b, p, (size_t)(stop - p));
			buf_addch(b, '\0');
			n++;
		}
		p = stop + 1;
	}
	return n;
}

void render_keep_places_free(struct render_keep_places *kp)
{
	if (!kp)
		return;
	for (size_t k = 0; k < kp->n; k++)
		free(kp->at[k]);
	free(kp->at);
	free(kp->names);
	free(kp);
}

/* A digest of the files the earlier record's line k names (read in the
 * order of the record, not from all over the writer's list). */
static uint64_t old_files_digest(const struct render_deps *dp, size_t k)
{
	size_t len;
	const char *p = render_deps_line_body(dp->old_line[k], dp->old_len[k], &len), *colon = memchr(p, ':', len);
	return hash_bytes(HASH_INIT, p, colon ? (size_t)(colon - p) : 0);
}

int render_deps_keep(struct render_deps *dp, size_t j, struct keep_batch *kb)
{
	if (dp->dirty[j])
		return -1;	/* made: no places for the next build (its files may be others) */
	size_t k = (size_t)dp->old_job[j];
	struct render_keep_places *kp = dp->places, *next = dp->next_places;
	uint64_t names = kp ? old_files_digest(dp, k) : 0;
	/* taken by one job only, should two have one earlier job */
	uint32_t *at = kp && k < kp->n ? __atomic_exchange_n(&kp->at[k], NULL, __ATOMIC_ACQ_REL) : NULL;
	/* the same names as when their places were found, in the same list */
	if (at && kp->names[k] == names && writer_keep_batched_at(kb, kp->list, at + 1, at[0]) == 0) {
		next->at[j] = at;
		next->names[j] = names;
		return 1;
	}
	free(at);
	struct buf b = BUF_INIT;
	size_t n = old_files(dp, k, &b);
	const char **rels = xcalloc(n + 1, sizeof(*rels));
	for (size_t i = 0, off = 0; i < n; i++, off += strlen(b.data + off) + 1)
		rels[i] = b.data + off;
	int r = writer_keep_batched(kb, rels, n);
	if (next && r == 0) {
		next->at[j] = xmalloc((n + 1) * sizeof(*next->at[j]));
		next->at[j][0] = (uint32_t)n;
		writer_keep_batch_places(kb, n, next->at[j] + 1);
		next->names[j] = names;
	}
	free(rels);
	buf_free(&b);
	return r;
}

void render_deps_close(struct render_deps *dp, struct writer *w, int ok, struct render_incremental *inc)
{
	/* this build's places, by the lines of the record it leaves; when it
	 * leaves none, the record read stays, and with it the places by its
	 * lines (less those taken: looked up by name next time) */
	if (dp->next_places) {
		render_keep_places_free(ok ? dp->places : dp->next_places);
		inc->places = ok ? dp->next_places : dp->places;
	}
	if (ok)
		render_deps_write_record(dp, w);
	free(dp->item);
	free(dp->body);
	free(dp->placing_of);
	free(dp->job_key);
	arena_free(&dp->keys_arena);
	for (size_t k = 0; k < dp->nthread_keys; k++)
		arena_free(&dp->thread_keys[k]);
	free(dp->thread_keys);
	free(dp->job_view);
	free(dp->old_item);
	free(dp->old_body);
	free(dp->old_placing);
	free(dp->old_of);
	free(dp->new_of);
	free(dp->old_job);
	free(dp->old_line);
	free(dp->old_len);
	free(dp->dirty);
	free(dp->line);
	free(dp->line_len);
}
