/* search_patch_shards.c: the shards of an incremental build of the search
 * index (search_patch.c has the whole story): each shard holding a gram
 * whose postings in the changed documents differ is read back, rid of
 * their old postings, given the new ones and encoded again. */
#define _DEFAULT_SOURCE
#include "search_patch_internal.h"
#include "search_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Rewrites shard k of one part: old, new: the changed documents' grams. */
static int patch_shard(struct patch *p, int positional, size_t k, const struct side *old, const struct side *new,
		       const size_t *old_at, size_t nold, const size_t *new_at, size_t nnew)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "search/%c/%zx.js", positional ? 'p' : 'g', k);
	if (writer_read_kept(p->x->w, rel, &p->file) < 0)
		return patch_fail(p, "a shard is not as the earlier build left it");
	struct shard sh = { 0 };
	if (search_shard_parse(p->file.data, p->file.len, positional, k, p->span, &sh) < 0) {
		search_shard_free(&sh);
		return patch_fail(p, "a shard that does not decode");
	}
	/* the old postings must be there, all of them */
	size_t dropped = 0, expected = 0;
	for (size_t i = 0; i < sh.n; i++) {
		struct sgram *g = &sh.g[i];
		size_t d = positional ? search_drop_entries(&g->a, p->is_changed)
				      : search_drop_docs(&g->a, p->is_changed) + search_drop_docs(&g->b, p->is_changed);
		g->changed = d > 0;
		dropped += d;
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
	int r = dropped == expected ? 0 : patch_fail(p, "a shard without a changed document's old postings");
	size_t before = sh.n;
	for (size_t t = 0; r == 0 && t < nnew; t++) {
		const struct gram_ref *ref = &new->refs[new_at[t]];
		struct sgram key = { 0 };
		if (search_sgram_of(ref->utf8, ref->len, &key) < 0) {
			r = patch_fail(p, "a gram that does not read");
			break;
		}
		struct sgram *g = bsearch(&key, sh.g, before, sizeof(*sh.g), search_sgram_cmp);
		if (!g)
			g = memcpy(search_shard_add(&sh), &key, sizeof(key));
		g->changed = 1;
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
	if (r == 0) {
		if (sh.n > before)
			qsort(sh.g, sh.n, sizeof(*sh.g), search_sgram_cmp);
		struct buf *out = patch_add_made(p, rel);
		buf_addf(out, "sitegenSearch.%c(%zu,\"", positional ? 'p' : 'g', k);
		const struct sgram *prev = NULL;
		for (size_t i = 0; i < sh.n; i++) {
			const struct sgram *g = &sh.g[i];
			if (!g->a.n)
				continue;	/* only the changed documents had it */
			if (prev)
				buf_addch(out, ' ');
			search_add_key(out, prev ? prev->utf8 : "", prev ? prev->len : 0, g->utf8, g->len);
			buf_addch(out, ' ');
			prev = g;
			if (!g->changed) {
				buf_add(out, g->code, g->code_len);
			} else if (positional) {
				search_encode_entries(g->a.v, g->a.n, out);
			} else {
				search_encode_docs(g->a.v, g->a.n, out, &p->tmp);
				search_encode_docs(g->b.v, g->b.n, out, &p->tmp);
			}
		}
		buf_addstr(out, "\");\n");
	}
	search_shard_free(&sh);
	return r;
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

/* Every shard of one part where a changed document's postings differ. */
static int patch_part(struct patch *p, int positional, const struct side *old, const struct side *new)
{
	size_t nshards = positional ? p->sp : p->sg, n = old->n + new->n;
	struct at *at = xmalloc((n + 1) * sizeof(*at));
	unsigned char *diff = xcalloc(n + 1, 1);
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
	int r = 0;
	/* A change as large as a long report rewritten touches most shards: each
	 * read, decoded and held until the end costs more than a whole build
	 * (twice its time and memory, for a report of 400,000 characters) */
	if (nshards >= PATCH_FEW_SHARDS && ntouched > nshards / 2)
		r = patch_fail(p, "the changes touch most shards: a whole build is quicker");
	qsort(at, n, sizeof(*at), at_cmp);
	size_t *olds = xmalloc((n + 1) * sizeof(*olds)), *news = xmalloc((n + 1) * sizeof(*news));
	for (size_t i = 0; r == 0 && i < n;) {
		size_t j = i, no = 0, nn = 0;
		for (; j < n && at[j].shard == at[i].shard; j++)
			if (at[j].is_new)
				news[nn++] = at[j].ref;
			else
				olds[no++] = at[j].ref;
		if (touched[at[i].shard]) {
			r = patch_shard(p, positional, at[i].shard, old, new, olds, no, news, nn);
			p->shards[positional]++;
		}
		i = j;
	}
	free(touched);
	free(olds);
	free(news);
	free(diff);
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
