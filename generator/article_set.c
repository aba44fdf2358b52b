#define _DEFAULT_SOURCE
#include "article_set.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "bundle.h"
#include "hash.h"
#include "parse_cache.h"
#include "text.h"
#include "threads.h"
#include "xalloc.h"

struct job {
	struct source *src;
	size_t n;
	int strict;
	struct article **items;		/* by source index; NULL for a failed file */
	struct article **rejected;	/* by source index: what a failed file held, or NULL */
	struct diag *reports;		/* by source index, each with its own sink */
	struct arena *arenas;
	struct parse_cache *cache;
	atomic_size_t next;
	atomic_int next_arena;
};

/* NFC is the form the archive stores and compares text in. Invalid UTF-8
 * fails here and is left for article_parse to report with its place. */
static int normalise(struct arena *a, struct source *s, struct buf *scratch)
{
	buf_reset(scratch);
	int r = text_nfc_unless_nfc(s->data, s->len, scratch);
	if (r < 0)
		return -1;
	if (r == 0 && !buf_equals(scratch, s->data, s->len)) {
		s->data = arena_strndup(a, scratch->data, scratch->len);
		s->len = scratch->len;
	}
	return 0;
}

struct article *article_set_parse_file(struct arena *a, struct diag *d, struct source *s, struct buf *scratch,
				       struct article **rejected)
{
	*rejected = NULL;
	if (load_file_arena(a, s->path, &s->data, &s->len) < 0) {
		diag_error(d, s->path, 0, 0, NULL, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	/* text_nfc checks the UTF-8 on its way: parse without checking again */
	struct article *art;
	if (normalise(a, s, scratch) == 0)
		art = article_parse_keep(a, d, s->path, s->data, s->len, rejected);
	else
		art = article_parse(a, d, s->path, s->data, s->len);
	if (!art)
		return NULL;
	art->src_digest = hash_block(HASH_INIT, art->src, art->src_len);	/* for the cache and render_deps */
	/* its images: read now, as every input is (bundle.h) */
	art->bundle = s->bundle;
	diag_cap_begin(d, DIAG_MAX_PER_FILE);
	int bad = bundle_load_images(a, d, art) < 0;
	diag_cap_end(d, s->path);
	if (bad) {
		*rejected = art;	/* its place keys are still checked */
		return NULL;
	}
	return art;
}

static void parse_one(struct job *j, struct arena *a, size_t i, struct buf *scratch)
{
	struct source *s = &j->src[i];
	struct diag *d = &j->reports[i];
	if (j->cache && (j->items[i] = parse_cache_get(j->cache, a, s)))
		return;
	struct article *art = j->items[i] = article_set_parse_file(a, d, s, scratch, &j->rejected[i]);
	if (art && j->cache && d->errors == 0 && d->warnings == 0 && (!d->sink || d->sink->len == 0))
		parse_cache_put(j->cache, s, art);	/* a message is shown by every build */
}

static void *worker(void *arg, size_t k)
{
	struct job *j = arg;
	struct arena *a = &j->arenas[k];
	struct buf scratch = BUF_INIT;
	size_t i;
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		j->reports[i].strict = j->strict;
		parse_one(j, a, i, &scratch);
	}
	buf_free(&scratch);
	return NULL;
}

int article_set_load(struct article_set *set, struct source *src, size_t n, struct diag *d, int jobs,
		     struct parse_cache *cache)
{
	int threads = threads_count(jobs);
	struct job j = { .src = src, .n = n, .strict = d->strict, .cache = cache };
	j.items = xcalloc(n + 1, sizeof(*j.items));
	j.rejected = xcalloc(n + 1, sizeof(*j.rejected));
	j.reports = xcalloc(n + 1, sizeof(*j.reports));
	struct buf *sinks = xcalloc(n + 1, sizeof(*sinks));
	/* Each file reports into a buffer of its own, so that the messages come
	 * out in file order whatever thread parsed it. */
	for (size_t i = 0; i < n; i++) {
		buf_init(&sinks[i], 0);
		j.reports[i].sink = &sinks[i];
	}
	j.arenas = xcalloc((size_t)threads, sizeof(*j.arenas));
	atomic_init(&j.next, 0);
	threads_run((size_t)threads, worker, &j, NULL);

	set->items = xcalloc(n + 1, sizeof(*set->items));
	set->len = 0;
	set->rejected = j.rejected;	/* compacted in place: rejected[k] is read before it is written */
	set->nrejected = 0;
	set->arenas = j.arenas;
	set->narenas = threads;
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		diag_merge(d, &j.reports[i]);
		if (!set->keep_messages)
			buf_free(&sinks[i]);
		if (j.items[i])
			set->items[set->len++] = j.items[i];
		else
			failed = 1;
		if (j.rejected[i])
			set->rejected[set->nrejected++] = j.rejected[i];
	}
	if (set->keep_messages) {
		set->messages = j.reports;	/* each with its sink: sinks[i] */
		set->sinks = sinks;
		set->nmessages = n;
	} else {
		free(sinks);
		free(j.reports);
	}
	free(j.items);
	return failed ? -1 : 0;
}

void article_set_free(struct article_set *set)
{
	for (int k = 0; k < set->narenas; k++)
		arena_free(&set->arenas[k]);
	free(set->arenas);
	for (size_t i = 0; set->sinks && i < set->nmessages; i++)
		buf_free(&set->sinks[i]);
	free(set->sinks);
	free(set->messages);
	set->sinks = NULL;
	set->messages = NULL;
	set->nmessages = 0;
	free(set->items);
	free(set->rejected);
	set->items = NULL;
	set->rejected = NULL;
	set->nrejected = 0;
	set->arenas = NULL;
	set->len = 0;
	set->narenas = 0;
}
