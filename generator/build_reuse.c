/* build_reuse.c: the site kept for serve's next build (build_reuse.h). */
#define _DEFAULT_SOURCE
#include "build_reuse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	k->sources = arena_alloc(&k->arena, (n + 1) * sizeof(*k->sources));
	memcpy(k->sources, src, n * sizeof(*src));
	k->read_ns = arena_alloc(&k->arena, (n + 1) * sizeof(*k->read_ns));
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
		   const uint64_t *global, size_t **changed, size_t *nchanged)
{
	*changed = NULL;
	*nchanged = 0;
	if (n != k->nsrc || k->arts.len != n || k->arts.nmessages != n || strcmp(opts, k->opts) != 0 ||
	    global[0] != k->global[0] || global[1] != k->global[1] || k->edited > KEPT_EDITS_MAX)
		return 0;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		const struct source *was = &k->sources[i], *is = &src[i];
		if (strcmp(was->path, is->path) != 0 || !was->bundle != !is->bundle ||
		    (was->bundle && (strcmp(was->bundle, is->bundle) != 0 || was->bundle_stamp != is->bundle_stamp)))
			goto no;
		if (was->stamp == is->stamp && was->touched_ns <= k->read_ns[i] - PARSE_CACHE_RACY_NS)
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
	return 1;
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

/* Whether now, the file parsed again, differs from was in its body alone. */
static int body_alone(const struct article *was, const struct article *now)
{
	size_t front = (size_t)(was->body - was->src);
	return now && now->kind == was->kind && (size_t)(now->body - now->src) == front &&
	       memcmp(now->src, was->src, front) == 0 && body_blank(now) == body_blank(was) &&
	       !now->bundle && !was->bundle;
}

int kept_site_take_changes(struct kept_site *k, struct source *src, const size_t *changed, size_t nchanged,
			   const struct parse_cache *cache)
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
		if (d.errors || !body_alone(was, now) || d.warnings != before->warnings ||
		    !buf_equals(&k->arts.sinks[i], said.data, said.len)) {
			ok = 0;
			break;
		}
		if (parse_cache_holds(cache, was->src))
			k->from_cache--;
		was->src = now->src;
		was->src_len = now->src_len;
		was->src_digest = now->src_digest;
		was->body = now->body;
		was->body_len = now->body_len;
		was->images = now->images;
		was->nimages = now->nimages;
		k->edited += now->src_len;
		k->sources[i].stamp = src[i].stamp;
		k->sources[i].touched_ns = src[i].touched_ns;
		k->read_ns[i] = read_ns;
	}
	buf_free(&scratch);
	buf_free(&said);
	return ok ? 0 : -1;
}

void kept_site_say_again(const struct kept_site *k, struct diag *d)
{
	for (size_t i = 0; i < k->arts.nmessages; i++)
		if (k->arts.messages[i].errors || k->arts.messages[i].warnings || k->arts.sinks[i].len)
			diag_merge(d, &k->arts.messages[i]);
	diag_merge(d, &k->index_said);
}
