/* An incremental build of the search index: the earlier build's, with the
 * postings of the documents that changed replaced.
 *
 * A document's postings depend on its own title and text alone (search.c:
 * the trigram counts and the positions are per document), and the files of
 * the index on the postings and SG and SP (no list's code depends on the
 * number of documents: search.h). So when only a few documents changed
 * and the others keep their numbers (render_deps_changes: an edit, a
 * report moved or retagged, one added as the newest or the newest
 * removed), the new index is the old one where those documents' d/ files
 * and the shards of the grams whose postings in them differ, old against new, are made again
 * (most of an edited report's grams have the same postings as before; an
 * added report has no old postings, a removed one no new ones):
 *  - the old postings come from the old d/ file (it holds the title and the
 *    whole text indexed), the new ones from the article, both indexed with
 *    search.c's own functions into a table of their own;
 *  - each of those shards is read back, decoded (search_codec.c), rid of
 *    the changed documents, given their new postings and encoded again with
 *    the encoders of a full build, in its order of grams;
 *  - SG and SP come from a size estimate that is a sum over documents
 *    (gram_collect): index.js keeps the earlier one, and the new one is it
 *    minus the old documents' part plus the new one's. When SG or SP would
 *    change, every shard would: the whole index is built.
 * The d/ texts' dictionary (search_dict.c) comes from a sample of the
 * documents: when a change there changes it, every d/ file is made again
 * (the old texts read with the old dictionary, from index.js), the shards
 * still patched; the unchanged documents' ones over all the threads, once
 * the rest is kept, each handed to the writer as it is made.
 *
 * The lists of g/ and p/ hold the documents below the tail's start alone
 * (search_tail_start: the newest, fewer than SEARCH_TAIL, are in the
 * tail's own lists, tg/ and tp/, which every build makes whole from their
 * articles: index_tail), so the patch of g/ and p/ sees the tail's
 * documents as none: one taken into them (the archive grown to the next
 * multiple) as added, one leaving them (shrunk below it) as removed. A
 * report added as the newest makes its d/ file, the tail's shards and
 * index.js, and reads no shard of g/ or p/; one in SEARCH_TAIL takes the
 * tail in: that many documents added, most shards patched (README,
 * Search).
 *
 * A report added before others (or removed, or moved by its date) renumbers
 * those after it: documents are numbered in date order. The others keep
 * their postings, under new numbers that keep their order (old_of, new_of:
 * a monotone map), so every shard is read back, its lists rid of the
 * changed documents, mapped to the new numbers, given the new postings and
 * encoded again where a number moved (a code is a function of its list:
 * the same bytes as a full build's); a shard where none did is kept. The
 * d/ files of the documents renumbered are the earlier ones with the
 * number in their first line changed, or, when the dictionary changed, made
 * again with the rest. At 10,000 reports a build adding one among the
 * older ones took 2.9 s, against 9.1 s with the whole index (README,
 * Performance).
 * Every file read must be exactly as the earlier build left it
 * (writer_read_kept), the old postings must be found in the shards where
 * they belong, every shard must decode; anything else, and the caller
 * builds the whole index. */
#define _DEFAULT_SOURCE
#include "search_patch_internal.h"
#include "search_shard.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "threads.h"
#include "write.h"
#include "xalloc.h"

/* More changes than this and a full build is about as quick (the shards
 * they touch become most of them); a small archive may change 4 at once. */
#define PATCH_MAX_DOCS 64
#define PATCH_MAX_SHARE 50	/* at most one document in 50 */
#define PATCH_SMALL 200
#define PATCH_MAX_TEXT_SHARE 8	/* the changed reports' text, twice: at most 1/8 of all */

struct buf *patch_add_made(struct patch *p, const char *rel)
{
	if (p->nmade == p->cap_made) {
		p->cap_made = p->cap_made ? 2 * p->cap_made : 64;
		p->made = xrealloc(p->made, p->cap_made * sizeof(*p->made));
	}
	struct made *m = &p->made[p->nmade++];
	m->rel = xstrdup(rel);
	m->data = (struct buf)BUF_INIT;
	m->differs = 0;
	return &m->data;
}

int patch_fail(struct patch *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -1;
}

/* ---- the earlier build's index.js ---- */

/* The "dz" of the earlier build's index.js (p->file), as a view. */
static int earlier_dz(const struct patch *p, struct buf *dz)
{
	return search_meta_dz(p->file.data, p->file.len, dz);
}

/* The earlier build's dictionary as this build's, when no report of its
 * sample changed (search_dict_sampled): the same texts make the same one.
 * read_meta then checks it against the digest beside it ("dh"). */
static int take_earlier_dict(struct patch *p)
{
	struct buf dz;
	if (earlier_dz(p, &dz) < 0)
		return -1;
	struct search_ctx *x = p->x;
	buf_reset(&x->dz);
	buf_add(&x->dz, dz.data, dz.len);
	return search_read_dict(x->dz.data, x->dz.len, &x->dict);
}

/* The earlier build's size estimates (sizes.txt), as this program writes
 * them. */
static int read_sizes(struct patch *p, struct search_sizes *z)
{
	if (writer_read_kept(p->x->w, SEARCH_SIZES_FILE, &p->tmp) < 0 ||
	    sscanf(p->tmp.data, "sitegen-search-sizes 1\n%zu %zu\n", &z->est_g, &z->est_p) != 2)
		return -1;
	struct buf again = BUF_INIT;
	search_sizes_text(z, &again);
	int same = again.len == p->tmp.len && memcmp(again.data, p->tmp.data, again.len) == 0;
	buf_free(&again);
	return same ? 0 : -1;
}

static int read_meta(struct patch *p)
{
	if (writer_read_kept(p->x->w, "search/index.js", &p->file) < 0)
		return patch_fail(p, "no index.js as the earlier build left it");
	size_t n, b;
	struct search_sizes z;
	if (sscanf(p->file.data,
		   "sitegenSearch.meta({\"v\":6,\"n\":%zu,\"b\":%zu,\"sg\":%zu,\"sp\":%zu,\"tg\":%zu,\"tp\":%zu,"
		   "\"th\":\"%16" SCNx64 "\",",
		   &n, &b, &z.sg, &z.sp, &z.tg, &z.tp, &z.th) != 7)
		return patch_fail(p, "index.js of another version");
	if (read_sizes(p, &z) < 0)
		return patch_fail(p, "no sizes.txt as the earlier build left it");
	if (p->x->dict_earlier && take_earlier_dict(p) < 0)
		return patch_fail(p, "index.js is not this build's");
	/* all of it as this build would write it: the same version, folding table… */
	buf_reset(&p->tmp);
	search_meta_text(p->x, n, &z, &p->tmp);
	if (n != p->old_ndocs || b != p->old_tail || z.sg != search_shard_count(z.est_g) ||
	    z.sp != search_shard_count(z.est_p))
		return patch_fail(p, "index.js is not this build's");
	if (p->tmp.len != p->file.len || memcmp(p->tmp.data, p->file.data, p->file.len) != 0) {
		/* …but for the texts' dictionary, which an edit in its sample may
		 * change: then every d/ file is made again (index_changes) */
		struct search_ctx old = *p->x;
		if (earlier_dz(p, &old.dz) < 0 || search_read_dict(old.dz.data, old.dz.len, &p->old_dict) < 0)
			return patch_fail(p, "index.js is not this build's");
		old.dict = p->old_dict;	/* a view: its "dh" is checked too */
		buf_reset(&p->tmp);
		search_meta_text(&old, n, &z, &p->tmp);
		if (p->tmp.len != p->file.len || memcmp(p->tmp.data, p->file.data, p->file.len) != 0)
			return patch_fail(p, "index.js is not this build's");
		p->dict_changed = 1;
	}
	p->sg = z.sg;
	p->sp = z.sp;
	p->est_g = z.est_g;
	p->est_p = z.est_p;
	p->old_tg = z.tg;
	p->old_tp = z.tp;
	p->old_th = z.th;
	return 0;
}

/* ---- the changed documents, old and new ---- */

/* The title and text of document n in the earlier build's d/ file. */
static int old_document(struct patch *p, size_t n, struct buf *title, struct buf *text)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "search/d/%zu.js", n);
	if (writer_read_kept(p->x->w, rel, &p->file) < 0)
		return patch_fail(p, "a d/ file is not as the earlier build left it");
	const struct buf *dict = p->dict_changed ? &p->old_dict : &p->x->dict;
	if (search_read_document(p->file.data, p->file.len, n, dict, title, text, &p->tmp) < 0)
		return patch_fail(p, "a d/ file that does not read");
	return 0;
}

/* Whether the changed reports' text (too_large) would cost a patch about
 * what the whole index costs. */
static int text_too_large(const struct patch *p)
{
	size_t changed = p->text_changed > p->text_old ? p->text_changed : p->text_old;
	return p->ndocs >= PATCH_SMALL && 2 * changed > p->text_all / PATCH_MAX_TEXT_SHARE;
}

/* The d/ files of the documents kept under another number, when the
 * dictionary stays: the earlier file with the number of its first line
 * changed (the rest is the document's own: search.h). */
static int renumber_texts(struct patch *p)
{
	for (size_t n = 0; n < p->ndocs; n++) {
		long k = p->old_of[n];
		if (k < 0 || (size_t)k == n)
			continue;
		char rel[64], head[64];
		snprintf(rel, sizeof(rel), "search/d/%ld.js", k);
		int hl = snprintf(head, sizeof(head), "sitegenSearch.d(%ld,", k);
		if (writer_read_kept(p->x->w, rel, &p->file) < 0)
			return patch_fail(p, "a d/ file is not as the earlier build left it");
		if (p->file.len < (size_t)hl || memcmp(p->file.data, head, (size_t)hl) != 0)
			return patch_fail(p, "a d/ file that does not read");
		snprintf(rel, sizeof(rel), "search/d/%zu.js", n);
		struct buf *f = patch_add_made(p, rel);
		buf_addf(f, "sitegenSearch.d(%zu,", n);
		buf_add(f, p->file.data + hl, p->file.len - (size_t)hl);
	}
	return 0;
}

/* Both tables: the old documents' postings and the new ones, and the new
 * d/ files. */
static int index_changes(struct patch *p)
{
	const struct site *site = p->x->site;
	const struct article **by_order = p->by_order = xcalloc(p->ndocs + 1, sizeof(*by_order));
	int r = 0;
	for (size_t i = 0; i < site->articles.len; i++) {
		const struct article *a = site->articles.items[i];
		if (a->order >= p->ndocs || by_order[a->order]) {
			r = patch_fail(p, "articles not numbered 0…n−1");
			break;
		}
		by_order[a->order] = a;
	}
	struct buf title = BUF_INIT, text = BUF_INIT;
	for (size_t i = 0; r == 0 && i < p->nold; i++) {
		size_t k = p->old_list[i];
		if (old_document(p, k, &title, &text) < 0) {
			r = -1;
			break;
		}
		/* a removed report's text counts too (too_large knows this
		 * build's reports alone): known once read, before it is indexed */
		p->text_old += title.len + text.len;
		if (text_too_large(p)) {
			r = patch_fail(p, "the changed reports are a large part of the archive's text");
			break;
		}
		search_index_doc(p->ws, &p->old, title.data, title.len, text.data, text.len, (uint32_t)k);
	}
	/* the new postings, in increasing order, and the d/ files of the
	 * documents edited or added, wherever they are */
	for (size_t i = 0, e = 0; r == 0 && (i < p->nnew || e < p->nedited);) {
		size_t n = i < p->nnew ? p->new_list[i] : SIZE_MAX, m = e < p->nedited ? p->edited[e] : SIZE_MAX;
		const struct article *a = by_order[n < m ? n : m];
		if (m <= n) {
			search_document(p->ws, a);
			char rel[64];
			snprintf(rel, sizeof(rel), "search/d/%zu.js", m);
			struct buf *f = patch_add_made(p, rel);
			buf_add(f, p->ws->file.data, p->ws->file.len);
			e++;
		} else {
			search_document_text(p->ws, a);	/* taken into the lists from the tail */
		}
		if (n <= m) {
			search_index_doc(p->ws, &p->new, a->title, strlen(a->title), p->ws->text.data, p->ws->text.len,
					 (uint32_t)n);
			i++;
		}
	}
	if (r == 0 && p->texts_renumbered && !p->dict_changed)
		r = renumber_texts(p);
	gram_flush(&p->old);
	gram_flush(&p->new);
	buf_free(&title);
	buf_free(&text);
	return r;
}

/* The unchanged documents' d/ files when the dictionary changed, over
 * the threads: each takes DOCS_AT_ONCE documents at a time (neighbours
 * mostly share a date, which date_text keeps) into its own worker state
 * and hands each file to the writer (thread-safe; the writer's result does
 * not depend on the order files come in). */
#define DOCS_AT_ONCE 64

struct remake {
	struct patch *p;
	size_t next;
	pthread_mutex_t lock;
};

/* The next DOCS_AT_ONCE of total items for a thread, [*from, *to): 0 when
 * none are left. */
static int next_chunk(struct remake *j, size_t total, size_t *from, size_t *to)
{
	pthread_mutex_lock(&j->lock);
	*from = j->next;
	j->next += DOCS_AT_ONCE;
	pthread_mutex_unlock(&j->lock);
	if (*from >= total)
		return 0;
	*to = total - *from > DOCS_AT_ONCE ? *from + DOCS_AT_ONCE : total;
	return 1;
}

static void *remake_texts(void *arg, size_t k)
{
	struct remake *j = arg;
	struct patch *p = j->p;
	struct worker_state *ws = &p->ws[k];
	int failed = 0;
	for (size_t from, to; next_chunk(j, p->ndocs, &from, &to);) {
		for (size_t n = from; n < to; n++) {
			if (p->new_changed[n])
				continue;
			search_document(ws, p->by_order[n]);
			char rel[64];
			snprintf(rel, sizeof(rel), "search/d/%zu.js", n);
			if (writer_put(p->x->w, rel, ws->file.data, ws->file.len) < 0)
				failed = 1;
		}
	}
	return failed ? ws : NULL;
}

/* The files made, handed to the writer over the threads as remake_texts
 * does (a renumbering makes tens of thousands: 0.64 s in one thread at
 * 10,000 reports, the writer comparing each with the file it replaces). */
static void *put_made(void *arg, size_t k)
{
	struct remake *j = arg;
	struct patch *p = j->p;
	int failed = 0;
	for (size_t from, to; next_chunk(j, p->nmade, &from, &to);)
		for (size_t i = from; i < to; i++)
			if ((p->made[i].differs ? writer_put_new : writer_put)(p->x->w, p->made[i].rel, p->made[i].data.data,
									      p->made[i].data.len) < 0)
				failed = 1;
	return failed ? &p->ws[k] : NULL;
}

/* fn (put_made, remake_texts) on every thread; a failure fails the build. */
static void run_on_threads(struct patch *p, void *(*fn)(void *, size_t))
{
	struct remake j = { .p = p };
	void **failed = xcalloc(p->nws, sizeof(*failed));
	pthread_mutex_init(&j.lock, NULL);
	threads_run(p->nws, fn, &j, failed);
	pthread_mutex_destroy(&j.lock);
	for (size_t k = 0; k < p->nws; k++)
		if (failed[k])
			p->x->failed = 1;
	free(failed);
}

/* The tail's postings, its documents over the threads in increasing
 * ranges (as a full build's), numbered from the tail's start. */
struct tail_job {
	struct patch *p;
	size_t count;
};

static void *index_tail_range(void *arg, size_t k)
{
	struct tail_job *j = arg;
	struct patch *p = j->p;
	struct worker_state *ws = &p->ws[k];
	for (size_t i = j->count * k / p->nws; i < j->count * (k + 1) / p->nws; i++) {
		const struct article *a = p->by_order[p->tail + i];
		search_document_text(ws, a);
		search_index_tail_doc(ws, &p->tail_tables[k], a, i, p->tail_hash);
	}
	gram_flush(&p->tail_tables[k]);
	return NULL;
}

/* Are the tail's documents the earlier build's, under the same numbers,
 * with the same texts? Then its shards are the earlier ones (they are made
 * of those documents alone), and kept: a body edit of any other report
 * indexed the tail again every time (11 ms CPU, at any size). */
static int tail_same(const struct patch *p)
{
	if (p->tail != p->old_tail || p->ndocs != p->old_ndocs)
		return 0;
	for (size_t n = p->tail; n < p->ndocs; n++)
		if (p->old_of[n] != (long)n)
			return 0;
	return 1;
}

/* The tail's shards, collected: written by offer once the rest is kept. */
static void index_tail(struct patch *p)
{
	if (p->tail >= p->ndocs || (p->tail_kept = tail_same(p)))
		return;
	struct tail_job j = { .p = p, .count = p->ndocs - p->tail };
	p->tail_tables = xcalloc(p->nws, sizeof(*p->tail_tables));
	p->tail_hash = xcalloc(j.count + 1, sizeof(*p->tail_hash));
	for (size_t k = 0; k < p->nws; k++)
		gram_table_init(&p->tail_tables[k]);
	threads_run(p->nws, index_tail_range, &j, NULL);
	search_tail_collect(p->tail_tables, p->nws, p->tail_hash, j.count, p->tail, p->tail_parts);
}

/* Keeps the rest of search/ and offers the files made: all, or nothing.
 * The unchanged documents' d/ files, when the dictionary changed, are
 * named to the writer as not kept, and made once nothing can fail. */
static int offer(struct patch *p)
{
	struct buf *meta = patch_add_made(p, "search/index.js");
	struct search_sizes z = { p->sg, p->sp, p->tail_parts[0].nshards, p->tail_parts[1].nshards, p->est_g, p->est_p,
				  p->tail_parts[0].stamp };
	if (p->tail_kept) {
		z.tg = p->old_tg;
		z.tp = p->old_tp;
		z.th = p->old_th;
	}
	search_meta_text(p->x, p->ndocs, &z, meta);
	search_sizes_text(&z, patch_add_made(p, SEARCH_SIZES_FILE));
	/* not kept: the d/ files made again (all of them when the dictionary
	 * changed), those of the documents removed, and the earlier tail's
	 * shards (the tail's are made whole, once the rest is kept), unless
	 * they are this build's (tail_kept) */
	size_t from = p->dict_changed ? 0 : p->ndocs, nd = p->span - from, nt = p->tail_kept ? 0 : p->old_tg + p->old_tp;
	char(*d_rels)[48] = xcalloc(nd + nt + 1, sizeof(*d_rels));
	const char **rels = xcalloc(p->nmade + nd + nt + 1, sizeof(*rels));
	for (size_t i = 0; i < p->nmade; i++)
		rels[i] = p->made[i].rel;
	for (size_t n = 0; n < nd + nt; n++) {	/* the changed ones twice: no matter */
		if (n < nd)
			snprintf(d_rels[n], sizeof(*d_rels), "search/d/%zu.js", from + n);
		else if (n - nd < p->old_tg)
			snprintf(d_rels[n], sizeof(*d_rels), "search/tg/%zx.js", n - nd);
		else
			snprintf(d_rels[n], sizeof(*d_rels), "search/tp/%zx.js", n - nd - p->old_tg);
		rels[p->nmade + n] = d_rels[n];
	}
	int r = writer_keep_under_except(p->x->w, "search/", rels, p->nmade + nd + nt, (int)p->x->nthreads);
	free(rels);
	free(d_rels);
	if (r < 0)
		return patch_fail(p, "the rest of search/ cannot be kept");
	run_on_threads(p, put_made);
	for (int k = 0; k < 2; k++)
		if (p->tail_parts[k].name)
			search_part_write(p->x, &p->tail_parts[k], p->nws);
	if (p->dict_changed)
		run_on_threads(p, remake_texts);
	return 0;
}


static void patch_free(struct patch *p)
{
	for (int k = 0; k < 2; k++)
		gram_refs_free(p->tail_parts[k].all, p->tail_parts[k].n);
	for (size_t k = 0; p->tail_tables && k < p->nws; k++)
		gram_table_free(&p->tail_tables[k]);
	free(p->tail_tables);
	free(p->tail_hash);
	gram_table_free(&p->old);
	gram_table_free(&p->new);
	for (size_t i = 0; i < p->nmade; i++) {
		free(p->made[i].rel);
		buf_free(&p->made[i].data);
	}
	free(p->made);
	free(p->new_of);
	free(p->old_list);
	free(p->new_list);
	free(p->edited);
	free(p->old_changed);
	free(p->new_changed);
	free(p->by_order);
	buf_free(&p->file);
	buf_free(&p->tmp);
	buf_free(&p->old_dict);
}

/* Whether the changed reports' texts, indexed twice (old and new), would
 * cost about what the whole index does: a report of 400,000 characters in
 * an archive of 1,100 took a patch twice the time and memory of a whole
 * build. A small archive is patched whatever its reports' sizes. The
 * texts indexed: of the documents whose postings come (in the tail, a
 * report has none). */
static int too_large(struct patch *p)
{
	const struct site *site = p->x->site;
	unsigned char *in = xcalloc(p->ndocs + 1, 1);
	for (size_t i = 0; i < p->nnew; i++)
		in[p->new_list[i]] = 1;
	p->text_all = p->text_changed = 0;
	for (size_t i = 0; i < site->articles.len; i++) {
		const struct article *a = site->articles.items[i];
		p->text_all += a->src_len;
		if (a->order < p->ndocs && in[a->order])
			p->text_changed += a->src_len;
	}
	free(in);
	return text_too_large(p);
}

/* p->moved_at: the number one in the lists' earlier numbering from which
 * every kept document moved on by one (those below it kept theirs), or -1. */
static long moved_at(const struct patch *p)
{
	long at = -1;
	for (size_t k = 0; p->renumbered && k < p->span; k++) {
		long to = p->new_of[k];
		if (to < 0)
			continue;	/* its postings go */
		if (to == (long)k + 1 && at < 0)
			at = (long)k;
		else if (to != (long)k + (at >= 0))
			return -1;
	}
	return at;
}

/* The changes as this patch uses them: the d/ files made (the documents
 * edited or added, those renumbered), and, for the lists, which earlier
 * documents' postings go and which documents' come. */
static int read_changes(struct patch *p)
{
	p->new_of = xmalloc((p->span + 1) * sizeof(*p->new_of));
	p->old_changed = xcalloc(p->span + 1, 1);
	p->new_changed = xcalloc(p->span + 1, 1);
	p->old_list = xcalloc(p->span + 1, sizeof(*p->old_list));
	p->new_list = xcalloc(p->span + 1, sizeof(*p->new_list));
	p->edited = xcalloc(p->ndocs + 1, sizeof(*p->edited));
	for (size_t k = 0; k < p->span; k++)
		p->new_of[k] = -1;
	long last = -1;
	size_t gone = p->old_ndocs;	/* earlier documents neither kept nor edited away: counted below */
	for (size_t n = 0; n < p->ndocs; n++) {
		long k = p->old_of[n];
		if (k < -1 || k >= (long)p->old_ndocs || (k >= 0 && k <= last))
			return patch_fail(p, "the earlier numbers do not increase");
		if (k < 0) {
			p->new_changed[n] = 1;
			p->edited[p->nedited++] = n;
		} else {
			p->texts_renumbered |= (size_t)k != n;
			last = k;
			gone--;
		}
		/* in the lists now: postings come unless it was in them before */
		if (n < p->tail && (k < 0 || (size_t)k >= p->old_tail))
			p->new_list[p->nnew++] = n;
		else if (n < p->tail) {
			p->new_of[k] = (long)n;
			p->renumbered |= (size_t)k != n;
		}
	}
	p->moved_at = moved_at(p);
	/* every earlier document not kept in the lists has its postings
	 * taken out; numbers of neither build's count as such, so that a
	 * shard holding one fails */
	for (size_t k = 0; k < p->span; k++)
		if (p->new_of[k] < 0) {
			p->old_changed[k] = 1;
			if (k < p->old_tail)
				p->old_list[p->nold++] = k;
		}
	/* the editor's changes: a tail taken into the lists adds its own */
	size_t most = p->nchanged = gone > p->nedited ? gone : p->nedited;
	if (most > PATCH_MAX_DOCS || most * PATCH_MAX_SHARE > (p->ndocs > PATCH_SMALL ? p->ndocs : PATCH_SMALL))
		return patch_fail(p, "too many documents changed");
	return 0;
}

int search_patch(struct search_ctx *x, struct worker_state *ws, size_t nws, const struct search_changes *ch)
{
	struct patch p = { .x = x, .ws = ws, .nws = nws, .ndocs = x->site->articles.len, .old_ndocs = ch->old_ndocs,
			   .old_of = ch->old_of, .file = BUF_INIT, .tmp = BUF_INIT, .old_dict = BUF_INIT };
	p.tail = search_tail_start(p.ndocs);
	p.old_tail = search_tail_start(p.old_ndocs);
	p.span = p.ndocs > p.old_ndocs ? p.ndocs : p.old_ndocs;
	gram_table_init(&p.old);
	gram_table_init(&p.new);
	int r = read_changes(&p);
	if (r == 0 && too_large(&p))
		r = patch_fail(&p, "the changed reports are a large part of the archive's text");
	if (r == 0)
		r = read_meta(&p);
	if (r == 0)
		r = index_changes(&p);
	if (r == 0)
		r = patch_shards(&p);
	if (r == 0) {
		index_tail(&p);
		r = offer(&p);
	}
	if (r != 0)
		x->not_patched = p.why ? p.why : "?";
	if (getenv("SITEGEN_TIMING")) {
		if (r == 0)
			fprintf(stderr,
				"sitegen: search: patched %zu documents%s, %zu shards (%zu g/, %zu p/) of %zu read (postings of %zu documents out, of %zu in)%s%s\n",
				p.nchanged, p.texts_renumbered ? " (the others renumbered)" : "",
				p.shards[0] + p.shards[1], p.shards[0], p.shards[1], p.shards_read, p.nold, p.nnew,
				p.dict_changed ? "; the texts' dictionary changed: every d/ file made again"
				: x->dict_earlier ? "; the texts' dictionary the earlier build's (no report of its sample changed)"
						  : "",
				p.tail_kept ? "; the tail's shards the earlier build's (none of its reports changed)" : "");
		else
			fprintf(stderr, "sitegen: search: not patched: %s\n", p.why ? p.why : "?");
	}
	patch_free(&p);
	return r;
}
