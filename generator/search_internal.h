/* search_internal: what search.c (a full build of the index) shares with
 * search_patch.c (an incremental one). */
#ifndef SEARCH_INTERNAL_H
#define SEARCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "search.h"
#include "search_post.h"

struct libdeflate_compressor;
struct text_dates;

struct search_ctx {
	const struct site *site;
	const struct text_folder *folder;
	struct writer *w;
	struct diag *d;
	struct gram_table *tables;	/* one per thread */
	size_t nthreads;
	int failed;
};

/* One thread's documents and its scratch space. */
struct worker_state {
	struct search_ctx *x;
	size_t t, from, to;
	struct text_dates *dates;
	struct libdeflate_compressor *z;
	struct buf date, text, kinds, file, scratch, u16;
	size_t body_u16;		/* document_text's result for the current document */
	int last_y, last_m, last_d;
	uint32_t *cps, *title_cps;	/* the folded text and title */
	size_t cps_cap, title_cap;
};

/* Makes article art's d/ file in ws->file (and its text in ws->text). */
void search_document(struct worker_state *ws, const struct article *art);
/* Adds a document's postings to t, from its title and its text as its d/
 * file holds them. */
void search_index_doc(struct worker_state *ws, struct gram_table *t, const char *title, size_t title_len,
		      const char *text, size_t len, uint32_t doc);
/* The shard of a gram (its UTF-8 without a context list's '<' or '>'). */
uint32_t search_fnv1a(const char *s, size_t n);
/* How many shards an index part of this estimated size gets. */
size_t search_shard_count(size_t bytes);
/* A JSON string (search.c). */
void search_add_json(struct buf *b, const char *s, size_t len);
/* index.js. */
void search_meta_text(const struct text_folder *f, size_t ndocs, size_t sg, size_t sp, size_t est_g, size_t est_p,
		      struct buf *out);
/* SITEGEN_TIMING=1: the CPU time so far. */
void search_timing(const char *step);

/* search_docfile.c: the title and text of d/<n>.js's text s[0..len), in
 * UTF-8 (tmp: scratch). Returns 0, or -1 when it is not such a file. */
int search_read_document(const char *s, size_t len, size_t n, struct buf *title, struct buf *text, struct buf *tmp);

/* search_patch.c: the earlier build's index with only the documents that
 * changed made again (ch). Returns 0 when done (every file of search/
 * offered or kept), or -1 when it cannot be sure of the result: then it
 * has offered and kept nothing, and the caller builds the whole index. */
int search_patch(struct search_ctx *x, struct worker_state *ws, const struct search_changes *ch);

#endif
