/* Slugs for names: ICU pinyin, each name transliterated once, all of a
 * build's names up front and in parallel; none that an earlier build made
 * (memo.h) or that is ASCII (no ICU needed). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "index_internal.h"
#include "memo.h"
#include "strmap.h"
#include "text.h"
#include "threads.h"
#include "xalloc.h"

/* ICU takes ~20 µs a character to transliterate, and the same community,
 * tag or person names come back again and again: each is done once, and
 * kept in the index's slug_cache for the rest of the stage. */
static const char *cache_key(struct index_ctx *x, const char *name, size_t max)
{
	return arena_sprintf(x->a, "%zu:%s", max, name);
}

/* The transliterator, opened the first time a name needs it: a build whose
 * names are all ASCII or in the memo never loads ICU's Han-Latin data. */
static struct text_slugger *slugger(struct index_ctx *x)
{
	if (!x->slugger && !x->slugger_failed) {
		x->slugger = text_slugger_new();
		if (!x->slugger) {
			x->slugger_failed = 1;
			diag_error(x->d, "ICU", 0, 0, NULL, 0, "cannot load ICU's transliteration data");
		}
	}
	return x->slugger;
}

/* A slug known without ICU: an ASCII name's, or one an earlier build made. */
static const char *known_slug(struct index_ctx *x, const char *name, size_t max, const char *key)
{
	const char *s = strmap_get(&x->t->slug_cache, key);
	if (s)
		return s;
	if (text_is_ascii(name, strlen(name))) {
		struct buf b = BUF_INIT;
		text_slugify_ascii(name, strlen(name), max, &b);
		s = arena_strndup(x->a, b.data, b.len);
		buf_free(&b);
	} else if ((s = memo_slug(x->memo, key))) {
		s = arena_strdup(x->a, s);
	} else {
		return NULL;
	}
	strmap_put(x->a, &x->t->slug_cache, key, (void *)s);
	return s;
}

const char *index_slug(struct index_ctx *x, const char *name, size_t max)
{
	const char *over = config_slug_override(x->cfg, name);
	if (over)
		return over;
	const char *key = cache_key(x, name, max);
	const char *s = known_slug(x, name, max, key);
	if (s)
		return s;
	struct buf b = BUF_INIT;
	struct text_slugger *sl = slugger(x);
	if (sl)
		text_slugify(sl, name, strlen(name), max, &b);
	else
		buf_addch(&b, 'x');	/* the build fails: see slugger */
	s = arena_strndup(x->a, b.data, b.len);
	buf_free(&b);
	strmap_put(x->a, &x->t->slug_cache, key, (void *)s);
	if (sl)
		memo_add_slug(x->memo, key, s);
	return s;
}

const char *index_unique_slug(struct index_ctx *x, struct strmap *taken, const char *slug, void *owner)
{
	const char *s = slug;
	for (int n = 2; strmap_get(taken, s); n++)
		s = arena_sprintf(x->a, "%s-%d", slug, n);
	strmap_put(x->a, taken, s, owner);
	return s;
}

struct slug_job {
	const char **names;
	char **slugs;		/* malloc'd results, by name */
	size_t n;
	atomic_size_t next;
	struct text_slugger *first;	/* the index's own, for the calling thread */
};

static void slug_some(struct slug_job *j, struct text_slugger *sl)
{
	struct buf b = BUF_INIT;
	size_t i;
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		buf_reset(&b);
		text_slugify(sl, j->names[i], strlen(j->names[i]), 48, &b);
		j->slugs[i] = xstrndup(b.data, b.len);
	}
	buf_free(&b);
}

/* Worker 0 uses the index's own transliterator; a second one opens fast:
 * ICU keeps the Han-Latin rules the first one compiled. */
static void *slug_worker(void *arg, size_t k)
{
	struct slug_job *j = arg;
	if (k == 0) {
		slug_some(j, j->first);
		return NULL;
	}
	struct text_slugger *sl = text_slugger_new();
	if (sl) {
		slug_some(j, sl);
		text_slugger_free(sl);
	}
	return NULL;
}

/* Each name is looked at once: the same community, tag or person comes
 * back in thousands of reports, and its cache key is made anew each time
 * (a body edit's rebuild at 10,000 reports spent 3% of its time there). */
static void want(struct index_ctx *x, struct strmap *seen, struct ptrvec *names, const char *name)
{
	if (!name || strmap_get(seen, name))
		return;
	strmap_put(x->a, seen, name, (void *)name);
	if (!config_slug_override(x->cfg, name) && !known_slug(x, name, 48, cache_key(x, name, 48)))
		ptrvec_push(x->a, names, (void *)name);
}

void index_slugs_prepare(struct index_ctx *x, struct article **arts, size_t n, int jobs)
{
	struct strmap seen = { 0 };
	struct ptrvec names = { 0 };
	for (size_t i = 0; i < x->cfg->nprovinces; i++) {
		const struct config_province *p = &x->cfg->provinces[i];
		want(x, &seen, &names, p->name);
		for (size_t k = 0; k < p->ncities; k++) {
			want(x, &seen, &names, p->cities[k].name);
			for (size_t m = 0; m < p->cities[k].ndistricts; m++)
				want(x, &seen, &names, p->cities[k].districts[m]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct article *a = arts[i];
		want(x, &seen, &names, a->community);
		want(x, &seen, &names, a->page);
		const struct strlist *lists[] = { &a->tags, &a->reporters, &a->correspondents };
		for (size_t l = 0; l < 3; l++)
			for (size_t k = 0; k < lists[l]->len; k++)
				want(x, &seen, &names, lists[l]->items[k]);
	}
	if (!names.len || !slugger(x))
		return;
	struct slug_job j;
	j.names = (const char **)names.items;
	j.slugs = xcalloc(names.len + 1, sizeof(char *));
	j.n = names.len;
	j.first = x->slugger;
	atomic_init(&j.next, 0);
	threads_run((size_t)threads_count(jobs), slug_worker, &j, NULL);
	for (size_t i = 0; i < j.n; i++) {
		if (!j.slugs[i])
			continue;	/* a worker could not open ICU: index_slug does it */
		const char *key = cache_key(x, j.names[i], 48);
		strmap_put(x->a, &x->t->slug_cache, key, arena_strdup(x->a, j.slugs[i]));
		memo_add_slug(x->memo, key, j.slugs[i]);
		free(j.slugs[i]);
	}
	free(j.slugs);
}
