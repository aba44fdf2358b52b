/* search_patch_shards.c: the shards of an incremental build of the search
 * index (search_patch.c has the whole story): each shard holding a gram
 * whose postings in the changed documents differ is read back, rid of
 * their old postings, given the new ones and encoded again. */
#define _DEFAULT_SOURCE
#include "search_patch_internal.h"
#include "search_shard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threads.h"
#include "write.h"
#include "xalloc.h"

/* Past this many shards in a part (about 500 reports), a patch that would
 * rewrite more than half of them builds the whole index instead
 * (patch_part); below it a whole build is quick anyway. */
#define PATCH_FEW_SHARDS 2048

/* The grams of one table in one part (g/ or p/) of the index, with their
 * shards. */
struct side {
	struct gram_ref *refs;
	size_t n, bytes;
};

/* A thread's buffers: the shard read. */
struct scratch {
	struct buf file;
};

/* A list of g/ read back and edited (how: LIST_REDONE …), its code as read
 * old[0..old_len): written again, as a full build writes it. */
static void encode_list(const struct patch *p, const struct u32s *l, int how, const char *old, size_t old_len,
			struct buf *out)
{
	if (how == LIST_AS_READ && old)
		buf_add(out, old, old_len);
	else if (how == LIST_MOVED && old && p->moved_at >= 0)
		search_encode_docs_moved(l->v, l->n, (uint32_t)p->moved_at, old, old_len, out);
	else
		search_encode_docs(l->v, l->n, out);
}

/* Rewrites shard k of one part into out: old, new: the changed documents'
 * grams. Returns NULL, or why the patch cannot be made. Safe on several
 * threads at once: it reads p, writes only sc and out. */
static const char *patch_shard(const struct patch *p, struct scratch *sc, int positional, size_t k,
			       const struct side *old, const struct side *new, const size_t *old_at, size_t nold,
			       const size_t *new_at, size_t nnew, struct buf *out)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "search/%c/%zx.js", positional ? 'p' : 'g', k);
	if (writer_read_kept(p->x->w, rel, &sc->file) < 0)
		return "a shard is not as the earlier build left it";
	/* A patch that only adds documents (as the newest) has no old postings
	 * to find and drop, no number to move: only the lists it adds to are
	 * read (the others are written as they were). Else every list is, and
	 * the old postings must be where the old text says, and nowhere else. */
	int decode_all = p->renumbered || p->nold > 0;
	struct shard sh = { 0 };
	if (search_shard_parse(sc->file.data, sc->file.len, positional, k, p->span, decode_all, &sh) < 0) {
		search_shard_free(&sh);
		return "a shard that does not decode";
	}
	/* the old postings must be there, all of them */
	size_t dropped = 0, expected = 0;
	for (size_t i = 0; decode_all && i < sh.n; i++) {
		struct sgram *g = &sh.g[i];
		if (positional) {
			size_t d = search_drop_entries(&g->a, p->old_changed);
			int m = p->renumbered && search_renumber_entries(&g->a, p->new_of);
			g->a_how = d ? LIST_REDONE : m ? LIST_MOVED : LIST_AS_READ;
			g->changed = d || m;
			dropped += d;
			continue;
		}
		size_t da = search_drop_docs(&g->a, p->old_changed), db = search_drop_docs(&g->b, p->old_changed);
		int ma = p->renumbered && search_renumber_docs(&g->a, p->new_of);
		int mb = p->renumbered && search_renumber_docs(&g->b, p->new_of);
		g->a_how = da ? LIST_REDONE : ma ? LIST_MOVED : LIST_AS_READ;
		g->b_how = db ? LIST_REDONE : mb ? LIST_MOVED : LIST_AS_READ;
		g->changed = da || db || ma || mb;
		dropped += da + db;
	}
	struct u32s l = { 0 };
	for (size_t t = 0; t < nold; t++) {
		const struct gram_ref *r = &old->refs[old_at[t]];
		l.n = 0;
		if (positional) {
			gram_ref_entries(r, &l);
			for (size_t e = 0; e < l.n; e += 3 + l.v[e + 1] + l.v[e + 2])
				expected++;
		} else {
			gram_ref_docs(r, 0, &l);
			gram_ref_docs(r, 1, &l);
			expected += l.n;
		}
	}
	const char *why = dropped == expected ? NULL : "a shard without a changed document's old postings";
	size_t before = sh.n;
	for (size_t t = 0; !why && t < nnew; t++) {
		const struct gram_ref *ref = &new->refs[new_at[t]];
		struct sgram key = { 0 };
		if (search_sgram_of(ref->utf8, ref->len, &key) < 0) {
			why = "a gram that does not read";
			break;
		}
		struct sgram *g = before ? bsearch(&key, sh.g, before, sizeof(*sh.g), search_sgram_cmp) : NULL;
		if (!g) {
			g = memcpy(search_shard_add(&sh), &key, sizeof(key));
			g->decoded = 1;
		} else if (search_shard_decode(g, positional, p->span) < 0) {
			why = "a shard that does not decode";
			break;
		}
		g->changed = 1;
		g->a_how = g->b_how = LIST_REDONE;
		struct u32s add = { 0 };
		if (positional) {
			gram_ref_entries(ref, &add);
			search_merge(&g->a, &add, 1);
		} else {
			gram_ref_docs(ref, 0, &add);
			search_merge(&g->a, &add, 0);
			add.n = 0;
			gram_ref_docs(ref, 1, &add);
			search_merge(&g->b, &add, 0);
		}
		free(add.v);
	}
	free(l.v);
	int any = sh.n > before;
	for (size_t i = 0; !any && i < sh.n; i++)
		any = sh.g[i].changed;
	if (!why && any) {	/* else the earlier file is this one: kept */
		if (sh.n > before)
			qsort(sh.g, sh.n, sizeof(*sh.g), search_sgram_cmp);
		buf_addf(out, "sitegenSearch.%c(%zu,\"", positional ? 'p' : 'g', k);
		const struct sgram *prev = NULL;
		for (size_t i = 0; i < sh.n; i++) {
			const struct sgram *g = &sh.g[i];
			if (g->decoded && !g->a.n)
				continue;	/* only the changed documents had it */
			if (prev)
				buf_addch(out, ' ');
			search_add_key(out, prev ? prev->utf8 : "", prev ? prev->len : 0, g->utf8, g->len);
			buf_addch(out, ' ');
			prev = g;
			if (!g->changed) {
				buf_add(out, g->code, g->code_len);
			} else if (positional && !decode_all && g->code) {	/* documents added after the others */
				search_encode_entries_appended(g->a.v, g->a.n, g->a_old, g->code, g->code_len, g->a_bits, out);
			} else if (positional && g->a_how == LIST_MOVED && g->code && p->moved_at >= 0) {
				search_encode_entries_moved(g->a.v, g->a.n, (uint32_t)p->moved_at, g->code, g->code_len,
							    g->a_bits, out);
			} else if (positional) {
				search_encode_entries(g->a.v, g->a.n, out);
			} else if (!decode_all && g->code) {
				search_encode_docs_appended(g->a.v, g->a.n, g->a_old, g->code, g->a_code_len, out);
				search_encode_docs_appended(g->b.v, g->b.n, g->b_old, g->code + g->a_code_len,
							    g->code_len - g->a_code_len, out);
			} else {
				encode_list(p, &g->a, g->a_how, g->code, g->a_code_len, out);
				encode_list(p, &g->b, g->b_how, g->code + g->a_code_len, g->code_len - g->a_code_len, out);
			}
		}
		buf_addstr(out, "\");\n");
	}
	search_shard_free(&sh);
	return why;
}

struct at {
	uint32_t shard;
	int is_new;
	size_t ref;
};

static int at_cmp(const void *a, const void *b)
{
	const struct at *x = a, *y = b;
	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	if (x->is_new != y->is_new)
		return x->is_new - y->is_new;
	return x->ref < y->ref ? -1 : x->ref > y->ref;
}

/* A gram's postings in the changed documents, as numbers to compare. */
static void postings(const struct gram_ref *r, int positional, struct u32s *l)
{
	l->n = 0;
	if (positional) {
		gram_ref_entries(r, l);
	} else {
		gram_ref_docs(r, 0, l);
		u32s_push(l, UINT32_MAX);
		gram_ref_docs(r, 1, l);
	}
}

/* Marks the grams whose postings differ between the old and the new
 * documents (most of an edited report's grams have the same): only their
 * shards change. Both sides are in gram_collect's order. */
static void mark_differing(int positional, const struct side *old, const struct side *new,
			   unsigned char *old_diff, unsigned char *new_diff)
{
	struct u32s a = { 0 }, b = { 0 };
	size_t i = 0, j = 0;
	while (i < old->n || j < new->n) {
		int c;
		if (i >= old->n || j >= new->n) {
			c = i >= old->n ? 1 : -1;
		} else {
			struct sgram x = { 0 }, y = { 0 };
			search_sgram_of(old->refs[i].utf8, old->refs[i].len, &x);
			search_sgram_of(new->refs[j].utf8, new->refs[j].len, &y);
			c = search_sgram_cmp(&x, &y);
		}
		if (c < 0) {
			old_diff[i++] = 1;
		} else if (c > 0) {
			new_diff[j++] = 1;
		} else {
			postings(&old->refs[i], positional, &a);
			postings(&new->refs[j], positional, &b);
			old_diff[i++] = new_diff[j++] = a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v)) != 0);
		}
	}
	free(a.v);
	free(b.v);
}

/* A shard to rewrite: its grams at[from..to), and what came of it. */
struct shard_work {
	uint32_t shard;
	size_t from, to;
	struct buf out;
	const char *why;
};

/* The shards of one part, over the threads: each takes the next shard. */
struct part_job {
	const struct patch *p;
	int positional;
	const struct side *old, *new;
	const struct at *at;
	struct shard_work *work;
	size_t nwork, next;
	int failed;		/* a shard could not be made: the rest are not worth making */
	pthread_mutex_t lock;
};

static void *patch_worker(void *arg, size_t t)
{
	(void)t;
	struct part_job *j = arg;
	struct scratch sc = { BUF_INIT };
	size_t cap = 0, *olds = NULL, *news = NULL;
	for (;;) {
		pthread_mutex_lock(&j->lock);
		size_t w = j->failed ? j->nwork : j->next++;
		pthread_mutex_unlock(&j->lock);
		if (w >= j->nwork)
			break;
		struct shard_work *sw = &j->work[w];
		if (sw->to - sw->from > cap) {
			cap = sw->to - sw->from;
			olds = xrealloc(olds, cap * sizeof(*olds));
			news = xrealloc(news, cap * sizeof(*news));
		}
		size_t no = 0, nn = 0;
		for (size_t i = sw->from; i < sw->to; i++)
			if (j->at[i].is_new)
				news[nn++] = j->at[i].ref;
			else
				olds[no++] = j->at[i].ref;
		sw->why = patch_shard(j->p, &sc, j->positional, sw->shard, j->old, j->new, olds, no, news, nn, &sw->out);
		if (sw->why) {
			pthread_mutex_lock(&j->lock);
			j->failed = 1;
			pthread_mutex_unlock(&j->lock);
		}
	}
	free(olds);
	free(news);
	buf_free(&sc.file);
	return NULL;
}

/* Every shard of one part where a changed document's postings differ. */
static int patch_part(struct patch *p, int positional, const struct side *old, const struct side *new)
{
	size_t nshards = positional ? p->sp : p->sg, n = old->n + new->n;
	struct at *at = xmalloc((n + 1) * sizeof(*at));
	unsigned char *diff = xcalloc(n + 1, 1);
	if (!p->renumbered)	/* else every shard is read (below): no need to compare */
		mark_differing(positional, old, new, diff, diff + old->n);
	for (size_t i = 0; i < n; i++) {
		int is_new = i >= old->n;
		const struct gram_ref *r = is_new ? &new->refs[i - old->n] : &old->refs[i];
		at[i] = (struct at){ search_shard_of(r->utf8, r->base_len, positional) & (uint32_t)(nshards - 1), is_new,
				     is_new ? i - old->n : i };
	}
	unsigned char *touched = xcalloc(nshards, 1);
	size_t ntouched = 0;
	for (size_t i = 0; i < n; i++) {
		ntouched += diff[i] && !touched[at[i].shard];
		touched[at[i].shard] |= diff[i];
	}
	free(diff);
	int r = 0;
	if (p->renumbered) {	/* any shard may hold a document renumbered */
		memset(touched, 1, nshards);
		ntouched = nshards;
	} else if (nshards >= PATCH_FEW_SHARDS && ntouched > nshards / 2 && p->nold > 0) {
		/* A change as large as a long report rewritten touches most
		 * shards: each read, decoded and held until the end costs more
		 * than a whole build (twice its time and memory, for a report of
		 * 400,000 characters). Not documents only added (the tail taken
		 * into the lists: SEARCH_TAIL reports touch most shards): only
		 * the lists they add to are decoded, a fraction of a whole build */
		r = patch_fail(p, "the changes touch most shards: a whole build is quicker");
	}
	qsort(at, n, sizeof(*at), at_cmp);
	struct part_job j = { .p = p, .positional = positional, .old = old, .new = new, .at = at };
	j.work = xcalloc(ntouched + 1, sizeof(*j.work));
	for (size_t i = 0, k = 0; r == 0 && k < nshards; k++) {	/* at[i..e): shard k's grams */
		size_t e = i;
		while (e < n && at[e].shard == k)
			e++;
		if (touched[k])
			j.work[j.nwork++] = (struct shard_work){ (uint32_t)k, i, e, BUF_INIT, NULL };
		i = e;
	}
	pthread_mutex_init(&j.lock, NULL);
	threads_run(p->nws, patch_worker, &j, NULL);
	pthread_mutex_destroy(&j.lock);
	/* in the order of the shards, whichever thread made them: the first
	 * failure is the reason given */
	for (size_t w = 0; w < j.nwork; w++) {
		struct shard_work *sw = &j.work[w];
		if (r == 0 && sw->why)
			r = patch_fail(p, sw->why);
		if (r == 0 && sw->out.len) {
			char rel[64];
			snprintf(rel, sizeof(rel), "search/%c/%x.js", positional ? 'p' : 'g', sw->shard);
			struct buf *made = patch_add_made(p, rel);
			/* documents only added: each list written has one more */
			p->made[p->nmade - 1].differs = !p->renumbered && p->nold == 0;
			p->shards[positional]++;
			*made = sw->out;	/* handed over */
			sw->out = (struct buf)BUF_INIT;
		}
		buf_free(&sw->out);
	}
	p->shards_read += j.nwork;
	free(j.work);
	free(touched);
	free(at);
	return r;
}

/* The estimate without the old documents and with the new ones; -1 when
 * it would choose another number of shards (or the old part is not in it). */
static int new_estimate(size_t *est, size_t shards, const struct side *old, const struct side *new)
{
	if (old->bytes > *est)
		return -1;
	*est = *est - old->bytes + new->bytes;
	return search_shard_count(*est) == shards ? 0 : -1;
}

int patch_shards(struct patch *p)
{
	struct side sides[2][2];	/* [positional][new] */
	for (int pos = 0; pos < 2; pos++) {
		sides[pos][0].n = gram_collect(&p->old, 1, pos, &sides[pos][0].refs, &sides[pos][0].bytes);
		sides[pos][1].n = gram_collect(&p->new, 1, pos, &sides[pos][1].refs, &sides[pos][1].bytes);
	}
	int r = 0;
	if (new_estimate(&p->est_g, p->sg, &sides[0][0], &sides[0][1]) < 0 ||
	    new_estimate(&p->est_p, p->sp, &sides[1][0], &sides[1][1]) < 0)
		r = patch_fail(p, "the index's size calls for another number of shards");
	for (int pos = 0; r == 0 && pos < 2; pos++)
		r = patch_part(p, pos, &sides[pos][0], &sides[pos][1]);
	for (int pos = 0; pos < 2; pos++)
		for (int k = 0; k < 2; k++)
			gram_refs_free(sides[pos][k].refs, sides[pos][k].n);
	return r;
}
