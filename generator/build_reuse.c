/* build_reuse.c: the site kept for serve's next build (build_reuse.h). */
#define _GNU_SOURCE	/* memmem */
#include "build_reuse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index.h"
#include "memo.h"
#include "parse_cache.h"
#include "render.h"
#include "search.h"
#include "text.h"
#include "xalloc.h"

/* The changed files' texts a kept site takes before it is dropped, so that
 * a day of edits does not grow the process: the next build indexes again. */
#define KEPT_EDITS_MAX ((size_t)64 << 20)
/* More files to read again than this are read by a whole build, in
 * parallel (a kept site reads them one by one). */
#define KEPT_CHANGES_MAX 64

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

struct kept_site *kept_site_new(int strict)
{
	struct kept_site *k = xcalloc(1, sizeof(*k));
	k->started_ns = now_ns();	/* before any file is read */
	k->arts.keep_messages = 1;
	k->index_said.strict = strict;
	k->index_said.sink = &k->index_text;
	return k;
}

void kept_site_made(struct kept_site *k, const struct source *src, size_t n, const char *opts,
		    const uint64_t *global, struct memo *memo, struct text_folder *folder)
{
	k->sources = xcalloc(n + 1, sizeof(*k->sources));	/* their names are in the arena */
	memcpy(k->sources, src, n * sizeof(*src));
	k->read_ns = xcalloc(n + 1, sizeof(*k->read_ns));
	for (size_t i = 0; i < n; i++) {
		k->sources[i].data = NULL;	/* read again by a build that needs it */
		k->read_ns[i] = k->started_ns;
	}
	k->nsrc = n;
	/* a build that can be kept lost no file: items[i] is src[i]'s */
	k->of_source = k->arts.items;
	k->opts = xstrdup(opts);
	k->global[0] = global[0];
	k->global[1] = global[1];
	k->memo = memo;
	k->folder = folder;
}

void kept_site_free(struct kept_site *k)
{
	if (!k)
		return;
	article_set_free(&k->arts);
	arena_free(&k->arena);
	arena_free(&k->edits);
	buf_free(&k->index_text);
	text_folder_free(k->folder);
	memo_free(k->memo);
	free(k->opts);
	free(k->placings);
	free(k->sources);
	free(k->read_ns);
	search_dict_memo_free(k->dict_memo);
	free(k);
}

void kept_site_idle(struct kept_site *k, int (*stop)(void *), void *ctx)
{
	if (!k || !k->site.config || !k->site.config->search || (k->dict_memo && search_dict_memo_made(k->dict_memo)))
		return;
	if (!k->dict_memo)
		k->dict_memo = search_dict_memo_new();
	int counted = search_dict_precount(&k->site, k->dict_memo, stop, ctx);
	if (getenv("SITEGEN_TIMING"))
		fprintf(stderr, "sitegen: between builds: the texts' dictionary's sample %s\n",
			counted ? "counted" : "not counted (a build was asked for)");
}

int kept_site_fits(const struct kept_site *k, const struct source *src, size_t n, const char *opts,
		   const uint64_t *global, size_t **changed, size_t *nchanged, size_t *added)
{
	*changed = NULL;
	*nchanged = 0;
	*added = KEPT_NONE_ADDED;
	if ((n != k->nsrc && !(n == k->nsrc + 1 && k->index)) || k->arts.len != k->nsrc ||
	    k->arts.nmessages != k->nsrc || strcmp(opts, k->opts) != 0 || global[0] != k->global[0] ||
	    global[1] != k->global[1] || k->edited > KEPT_EDITS_MAX)
		return 0;
	size_t cap = 0;
	for (size_t i = 0, j = 0; i < n; i++, j++) {
		/* one file more: the first name that is not the kept one's (both
		 * lists are in the same order) */
		if (n > k->nsrc && *added == KEPT_NONE_ADDED &&
		    (j == k->nsrc || strcmp(k->sources[j].path, src[i].path) != 0)) {
			if (src[i].bundle)
				goto no;
			*added = i++;
			if (i == n)
				break;
		}
		const struct source *was = &k->sources[j], *is = &src[i];
		if (strcmp(was->path, is->path) != 0 || !was->bundle != !is->bundle ||
		    (was->bundle && (strcmp(was->bundle, is->bundle) != 0 || was->bundle_stamp != is->bundle_stamp)))
			goto no;
		if (was->stamp == is->stamp && was->touched_ns <= k->read_ns[j] - PARSE_CACHE_RACY_NS)
			continue;
		if (is->bundle)
			goto no;	/* its images are read with it: indexed again */
		if (*nchanged == cap) {
			cap = cap ? 2 * cap : 8;
			*changed = xrealloc(*changed, cap * sizeof(**changed));
		}
		(*changed)[(*nchanged)++] = i;
		if (*nchanged > KEPT_CHANGES_MAX)
			goto no;
	}
	return n == k->nsrc || *added != KEPT_NONE_ADDED;
no:
	free(*changed);
	*changed = NULL;
	*nchanged = 0;
	return 0;
}

/* The index's one look at a body (index_warnings.c): is it blank? */
static int body_blank(const struct article *art)
{
	return strspn(art->body, " \t\r\n") >= art->body_len;
}

static int same_s(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_places(const size_t *a, const size_t *b, size_t n)
{
	return a == b || (a && b && memcmp(a, b, n * sizeof(*a)) == 0);
}

/* The same names; with where, at the same places too. */
static int same_list(const struct strlist *a, const struct strlist *b, int where)
{
	if (a->len != b->len ||
	    (where && (!same_places(a->lines, b->lines, a->len) || !same_places(a->cols, b->cols, a->len))))
		return 0;
	for (size_t i = 0; i < a->len; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return 0;
	return 1;
}

/* Whether now, the file parsed again, is what was is to the index: every
 * field it reads, and where the messages place them, the same; only the
 * title, the subtitle and the body may differ, which the index never reads
 * (but for whether the body is blank, and a title's twin of the same date:
 * see title_twin). The pages read those through each article's item and
 * body digests (render_deps_digest.c: hash_placing leaves them out), as
 * after any whole build. A page's title names its printed page (a
 * series): not so for it. No bundle: its images are read with it. With
 * where, the fields' places (lines and columns) too, which only the
 * index's messages read: not when none of them names the file. */
static int indexed_alike(const struct article *was, const struct article *now, int where)
{
	return now && now->kind == was->kind && (now->kind != ARTICLE_PAGE || same_s(now->title, was->title)) &&
	       !now->bundle && !was->bundle && !now->caption_images && !was->caption_images &&
	       same_s(now->district, was->district) && same_s(now->city, was->city) &&
	       same_s(now->street, was->street) && same_s(now->community, was->community) &&
	       same_s(now->page, was->page) && same_s(now->slug, was->slug) && same_s(now->source, was->source) &&
	       (!where || (now->district_line == was->district_line && now->district_col == was->district_col &&
			   now->city_line == was->city_line && now->city_col == was->city_col &&
			   now->slug_line == was->slug_line && now->slug_col == was->slug_col &&
			   now->community_line == was->community_line && now->community_col == was->community_col &&
			   now->title_line == was->title_line && now->title_col == was->title_col)) &&
	       date_cmp(&now->date, &was->date) == 0 && now->date_inferred == was->date_inferred &&
	       now->truncated == was->truncated && now->draft == was->draft &&
	       same_list(&now->reporters, &was->reporters, where) &&
	       same_list(&now->correspondents, &was->correspondents, where) && same_list(&now->tags, &was->tags, where) &&
	       same_list(&now->captions, &was->captions, where) &&
	       same_list(&now->corrections, &was->corrections, where) && same_list(&now->author, &was->author, where) &&
	       body_blank(now) == body_blank(was);
}

/* Does another article of art's date have the title t? The index warns of
 * such twins (index_warn_duplicates): a title that makes or ends one is
 * indexed again. Those of a date are neighbours in the archive's order. */
static int title_twin(const struct article *art, const char *t)
{
	for (const struct article *o = art->prev; o && date_cmp(&o->date, &art->date) == 0; o = o->prev)
		if (strcmp(o->title, t) == 0)
			return 1;
	for (const struct article *o = art->next; o && date_cmp(&o->date, &art->date) == 0; o = o->next)
		if (strcmp(o->title, t) == 0)
			return 1;
	return 0;
}

/* The length of the line at p (its newline too), before end. */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
}

static int is_key_line(const char *p, size_t len, const char *key)
{
	size_t n = strlen(key);
	return len > n && memcmp(p, key, n) == 0 && p[n] == ':';
}

/* Whether now's front matter is was's, line for line, but for the title's
 * line and a subtitle's, each a line of its own key alone (`title: …`, not
 * a flow mapping's `{date: …, title: …}`, whose other fields the index's
 * messages may quote), and a subtitle's line added or taken out. *shifted
 * says whether the lines after such a line moved: the index's messages
 * quote the lines of the fields they name, and are said again as the kept
 * index said them, so its messages must then not name the file. */
static int front_alike(const struct article *was, const struct article *now, int *shifted)
{
	const char *a = was->src, *a_end = was->body, *b = now->src, *b_end = now->body;
	size_t line_a = 1, line_b = 1;
	*shifted = 0;
	while (a < a_end || b < b_end) {
		size_t la = a < a_end ? line_len(a, a_end) : 0, lb = b < b_end ? line_len(b, b_end) : 0;
		int sub_a = la && is_key_line(a, la, "subtitle"), sub_b = lb && is_key_line(b, lb, "subtitle");
		int same = la && lb &&
			   ((line_a == was->title_line && line_b == now->title_line && is_key_line(a, la, "title") &&
			     is_key_line(b, lb, "title")) ||
			    (sub_a && sub_b) || (la == lb && memcmp(a, b, la) == 0));
		if (same) {
			a += la, line_a++;
			b += lb, line_b++;
		} else if (sub_a) {	/* taken out */
			a += la, line_a++;
			*shifted = 1;
		} else if (sub_b) {	/* added */
			b += lb, line_b++;
			*shifted = 1;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Does text (the kept index's messages) name path, as they show it? */
static int names_file(const struct buf *text, const char *path)
{
	if (!text->len)
		return 0;
	struct buf shown = BUF_INIT;
	diag_add_path(&shown, path);	/* a tab in the name is \x09 there (found by a hostile review) */
	int named = memmem(text->data, text->len, shown.data, shown.len) != NULL;
	buf_free(&shown);
	return named;
}

/* Whether the kept index stands for now in was's place. */
static int kept_index_stands(const struct kept_site *k, const struct article *was, const struct article *now)
{
	int shifted;
	if (!now || !front_alike(was, now, &shifted) || (shifted && names_file(&k->index_text, was->path)) ||
	    !indexed_alike(was, now, !shifted))
		return 0;
	return same_s(now->title, was->title) || (!title_twin(was, was->title) && !title_twin(was, now->title));
}

/* The places of was's fields now (a subtitle's line added or taken out
 * moves those after it): what the next edit's front_alike and
 * indexed_alike compare. The lists hold the same names (indexed_alike),
 * in the same order as the index's references to them. */
static void take_lines(struct article *was, const struct article *now)
{
	was->reporters = now->reporters;
	was->correspondents = now->correspondents;
	was->tags = now->tags;
	was->captions = now->captions;
	was->corrections = now->corrections;
	was->author = now->author;
	was->title_line = now->title_line;
	was->title_col = now->title_col;
	was->district_line = now->district_line;
	was->district_col = now->district_col;
	was->city_line = now->city_line;
	was->city_col = now->city_col;
	was->slug_line = now->slug_line;
	was->slug_col = now->slug_col;
	was->community_line = now->community_line;
	was->community_col = now->community_col;
}

int kept_site_take_changes(struct kept_site *k, struct source *src, const size_t *changed, size_t nchanged,
			   struct parse_cache *cache)
{
	struct buf scratch = BUF_INIT, said = BUF_INIT;
	int64_t read_ns = now_ns();	/* before any is read */
	int ok = 1;
	for (size_t c = 0; ok && c < nchanged; c++) {
		size_t i = changed[c];
		struct diag d = { 0, 0, 0, &said, NULL };
		buf_reset(&said);
		struct article *rejected, *now = article_set_parse_file(&k->edits, &d, &src[i], &scratch, &rejected);
		struct article *was = k->of_source[i];
		/* its messages must be the ones said before (the same front
		 * matter says the same), which are said again in their place */
		const struct diag *before = &k->arts.messages[i];
		if (d.errors || !kept_index_stands(k, was, now) || d.warnings != before->warnings ||
		    !buf_equals(&k->arts.sinks[i], said.data, said.len)) {
			ok = 0;
			break;
		}
		if (parse_cache_holds(cache, was->src))
			k->from_cache--;
		was->title = now->title;
		was->subtitle = now->subtitle;
		was->src = now->src;
		was->src_len = now->src_len;
		was->src_digest = now->src_digest;
		was->body = now->body;
		was->body_len = now->body_len;
		was->images = now->images;
		was->nimages = now->nimages;
		take_lines(was, now);
		/* as a whole build would: a file old enough whose text changed
		 * with its stat data the same (a write through a memory map)
		 * must not leave the cache its old text (parse_cache_put) */
		if (cache && !d.warnings && !said.len)
			parse_cache_put(cache, &src[i], now);
		k->edited += now->src_len;
		k->sources[i].stamp = src[i].stamp;
		k->sources[i].touched_ns = src[i].touched_ns;
		k->read_ns[i] = read_ns;
	}
	buf_free(&scratch);
	buf_free(&said);
	return ok ? 0 : -1;
}

/* Room for one more at `at` in an array of n (malloc'd), zeroed. */
static void *insert_at(void *array, size_t n, size_t size, size_t at)
{
	char *a = xrealloc(array, (n + 2) * size);
	memmove(a + (at + 1) * size, a + at * size, (n - at) * size);
	memset(a + at * size, 0, size);
	return a;
}

int kept_site_take_added(struct kept_site *k, struct source *src, size_t added, struct parse_cache *cache)
{
	struct buf scratch = BUF_INIT, said = BUF_INIT;
	int64_t read_ns = now_ns();	/* before it is read */
	struct diag d = { 0, 0, 0, &said, NULL };
	struct article *rejected, *now = article_set_parse_file(&k->edits, &d, &src[added], &scratch, &rejected);
	int ok = now && !d.errors && !d.warnings && !said.len;
	buf_free(&scratch);
	buf_free(&said);
	if (!ok)
		return -1;
	size_t n = k->nsrc;
	k->sources = insert_at(k->sources, n, sizeof(*k->sources), added);
	k->sources[added] = src[added];
	k->sources[added].path = arena_strdup(&k->arena, src[added].path);	/* the build's list goes with it */
	k->sources[added].data = NULL;	/* read again by a build that needs it */
	now->path = k->sources[added].path;
	k->read_ns = insert_at(k->read_ns, n, sizeof(*k->read_ns), added);
	k->read_ns[added] = read_ns;
	k->arts.items = insert_at(k->arts.items, n, sizeof(*k->arts.items), added);
	k->arts.items[added] = now;
	k->arts.messages = insert_at(k->arts.messages, n, sizeof(*k->arts.messages), added);
	k->arts.sinks = insert_at(k->arts.sinks, n, sizeof(*k->arts.sinks), added);
	buf_init(&k->arts.sinks[added], 0);	/* a buffer's data is never NULL (buf.h) */
	for (size_t i = 0; i <= n; i++)	/* the sinks moved */
		k->arts.messages[i].sink = &k->arts.sinks[i];
	k->arts.len = k->arts.nmessages = k->nsrc = n + 1;
	k->of_source = k->arts.items;
	if (cache)
		parse_cache_put(cache, &src[added], now);
	k->edited += now->src_len;
	return 0;
}

int kept_site_index_added(struct kept_site *k, size_t added)
{
	struct index_ctx x = { .a = &k->arena, .d = &k->index_said, .cfg = &k->cfg, .memo = k->memo,
			       .kept = k->index };
	size_t before = k->arena.total;
	int r = index_add_newest(&x, &k->site, k->of_source[added]);
	text_slugger_free(x.slugger);
	if (r < 0)
		return -1;
	k->edited += k->arena.total - before;	/* the spans made again, mostly */
	/* by the articles' places in the site's list (render.h): the others'
	 * one place further on, the newest's first */
	size_t n = k->site.articles.len;
	k->placings = xrealloc(k->placings, (n + 1) * sizeof(*k->placings));
	memmove(k->placings + 1, k->placings, (n - 1) * sizeof(*k->placings));
	k->placings[0] = render_placing_of(k->site.articles.items[0]);
	/* its counts are of another sample, maybe (search.h) */
	search_dict_memo_free(k->dict_memo);
	k->dict_memo = NULL;
	return 0;
}

void kept_site_say_again(const struct kept_site *k, struct diag *d)
{
	for (size_t i = 0; i < k->arts.nmessages; i++)
		if (k->arts.messages[i].errors || k->arts.messages[i].warnings || k->arts.sinks[i].len)
			diag_merge(d, &k->arts.messages[i]);
	diag_merge(d, &k->index_said);
}
