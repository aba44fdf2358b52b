/* search_internal: what search.c (a full build of the index) shares with
 * search_patch.c (an incremental one). */
#ifndef SEARCH_INTERNAL_H
#define SEARCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "search.h"
#include "search_post.h"

struct z_stream_s;
struct text_dates;

struct search_ctx {
	const struct site *site;
	const struct text_folder *folder;
	struct writer *w;
	struct diag *d;
	struct gram_table *tables;	/* one per thread */
	struct gram_table *tail_tables;	/* the same for the tail's documents */
	uint64_t *tail_hash;		/* by the tail's document: its digest (search_index_tail_doc) */
	size_t nthreads;
	int failed;
	struct buf dict;	/* the d/ texts' preset dictionary, UTF-16LE (search_dict.c) */
	struct buf dz;		/* it as index.js holds it: b91 of its raw deflate */
	int dict_earlier;	/* dict and dz not made: the patch takes the earlier build's */
	const char *not_patched;	/* why search_patch could not patch (a literal), or NULL */
	size_t tail;		/* search_tail_start of the documents: those from it on are the tail */
};

/* The newest documents, fewer than SEARCH_TAIL, are in no list of g/ or p/
 * but in the tail's own, tg/ and tp/ (search.h), which every build writes
 * whole from them (a patch that changes none of them keeps the earlier
 * ones: search_patch.c's tail_same). Where they start: the number of documents rounded down
 * to a multiple of SEARCH_TAIL, so that a report added as the newest
 * changes no shard of g/ or p/ but once in SEARCH_TAIL times, when the
 * tail is taken into their lists (search_patch.c). */
#define SEARCH_TAIL 32
size_t search_tail_start(size_t ndocs);

/* zlib's level for the document texts (with the dictionary): see README
 * (Search) for the measurements. zlib, not libdeflate, for its preset
 * dictionary. */
#define SEARCH_ZLEVEL 6

/* One thread's documents and its scratch space. */
struct worker_state {
	struct search_ctx *x;
	size_t t, from, to;
	struct text_dates *dates;
	struct z_stream_s *z;		/* zlib's raw deflate, for the texts */
	struct buf date, text, kinds, file, scratch, u16;
	size_t body_u16;		/* document_text's result for the current document */
	int last_y, last_m, last_d;
	uint32_t *cps, *title_cps;	/* the folded text and title */
	size_t cps_cap, title_cap;
};

/* What a worker_state holds, freed (not ws itself). */
void search_worker_state_free(struct worker_state *ws);

/* search_doctext.c: article art's d/ file in ws->file (and its text in ws->text). */
void search_document(struct worker_state *ws, const struct article *art);
/* Only its text: ws->text, ws->kinds and ws->body_u16. */
void search_document_text(struct worker_state *ws, const struct article *art);
/* search_dict.c: the d/ texts' dictionary from ws->x->site's articles
 * (a sample of them), UTF-16LE, in out. */
void search_dict_build(struct worker_state *ws, struct buf *out, struct search_dict_memo *memo);
/* Whether the dictionary's sample may differ from the earlier build's (ch
 * known): a report drawn for it changed its text (its title is none of it:
 * ws makes the text to compare), was added or removed, or moved
 * into or out of the oldest documents it is drawn from, or its step
 * changed. When not, the dictionary is the earlier build's. */
int search_dict_sampled(const struct search_ctx *x, struct worker_state *ws, const struct search_changes *ch);
/* x->dz from x->dict. */
void search_dict_field(struct search_ctx *x);
/* Adds a document's postings to t, from its title and its text as its d/
 * file holds them. */
void search_index_doc(struct worker_state *ws, struct gram_table *t, const char *title, size_t title_len,
		      const char *text, size_t len, uint32_t doc);
uint32_t search_fnv1a(const char *s, size_t n);
/* The hash that names a gram's shard (mod SG or SP): FNV-1a of its UTF-8
 * without a context list's '<' or '>' (base_len bytes), in g/ of its first
 * 3 code points alone (search_shard_base: their bytes), so that a
 * 4-character gram and its context lists are in the shard of the
 * 3-character gram they start with, beside it, and their keys take the few
 * bytes that differ (search_add_key). Not in p/, whose lists are long:
 * there it would put the long lists of one beginning in one shard, which
 * a query loads whole. */
uint32_t search_shard_of(const char *utf8, size_t base_len, int positional);
size_t search_shard_base(const char *utf8, size_t base_len);
/* A shard's key: how many code points it shares with the one before
 * (prev[0..plen), "" for the first), as a digit, then the rest. */
void search_add_key(struct buf *out, const char *prev, size_t plen, const char *key, size_t len);
/* How many shards an index part of this estimated size gets. */
size_t search_shard_count(size_t bytes);
/* A JSON string (search.c). */
void search_add_json(struct buf *b, const char *s, size_t len);
/* The numbers of shards index.js gives, and the size estimates SG and SP
 * were chosen from. */
struct search_sizes {
	size_t sg, sp, tg, tp, est_g, est_p;
	uint64_t th;	/* the tail's stamp (search_tail_collect), 0 without a tail */
};
/* index.js. */
void search_meta_text(const struct search_ctx *x, size_t ndocs, const struct search_sizes *z, struct buf *out);
/* sizes.txt: z's estimates (search.h). */
#define SEARCH_SIZES_FILE "search/sizes.txt"
void search_sizes_text(const struct search_sizes *z, struct buf *out);
/* One part of the index ("g", "p", or the tail's "tg", "tp": positional
 * when it ends in p): the grams of tables[0..ntables) collected, the
 * number of shards chosen from their size; then written, each shard
 * handed to the writer over jobs threads (and the grams freed). */
struct search_part {
	const char *name;
	int positional;
	uint64_t stamp;		/* the tail's stamp, written first in each of its shards (else 0) */
	struct gram_ref *all;
	size_t n, bytes, nshards;
};
void search_part_collect(struct gram_table *tables, size_t ntables, const char *name, struct search_part *part);
void search_part_write(struct search_ctx *x, struct search_part *part, size_t jobs);
/* Indexes the tail's document i (article a, its text in ws->text) into
 * t, numbered i, and its digest into doc_hash[i]. */
void search_index_tail_doc(struct worker_state *ws, struct gram_table *t, const struct article *a, size_t i,
			   uint64_t *doc_hash);
/* The tail's tg/ and tp/ collected from its tables, stamped with a digest
 * of its count documents' titles and texts (doc_hash) and of where it
 * starts: index.js's "th", first in each tail shard, so that the browser
 * knows a tail shard of another build (a cache's) from this one's (every
 * build rewrites them under the same names). Never 0, which says "no tail". */
void search_tail_collect(struct gram_table *tables, size_t ntables, const uint64_t *doc_hash, size_t count,
			 size_t tail, struct search_part parts[2]);
/* SITEGEN_TIMING=1: the CPU time so far. */
void search_timing(const char *step);

/* search_docfile.c: the title and text of d/<n>.js's text s[0..len), in
 * UTF-8 (dict: the dictionary it was deflated with; tmp: scratch). Returns
 * 0, or -1 when it is not such a file. */
int search_read_document(const char *s, size_t len, size_t n, const struct buf *dict, struct buf *title,
			 struct buf *text, struct buf *tmp);
/* The "dz" of index.js's text s[0..len), as a view into it: 0, or -1
 * when it has none. */
int search_meta_dz(const char *s, size_t len, struct buf *dz);
/* The URL ("u") of d/<n>.js's text s[0..len) into url (NUL-terminated):
 * 0, or -1 when it is not such a file. */
int search_read_url(const char *s, size_t len, size_t n, struct buf *url);
/* The dictionary from index.js's "dz" text dz[0..len) into dict. Returns 0,
 * or -1 when it is not one. */
int search_read_dict(const char *dz, size_t len, struct buf *dict);

/* search_patch.c: the earlier build's index with only the documents that
 * changed made again (ch), with the worker states ws[0..nws) (one thread
 * each: every d/ file is made again when the dictionary changed). Returns
 * 0 when done (every file of search/ offered or kept), or -1 when it
 * cannot be sure of the result: then it has offered and kept nothing, and
 * the caller builds the whole index. */
int search_patch(struct search_ctx *x, struct worker_state *ws, size_t nws, const struct search_changes *ch);

#endif
