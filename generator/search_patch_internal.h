/* search_patch_internal.h: what the two halves of an incremental build of
 * the search index share (search_patch.c: the earlier index.js, the changed
 * documents, the files offered; search_patch_shards.c: the shards of the
 * grams whose postings changed). Not for the stages outside search. */
#ifndef SEARCH_PATCH_INTERNAL_H
#define SEARCH_PATCH_INTERNAL_H

#include "search_internal.h"

/* A file made by the patch, offered once all the rest is kept. */
struct made {
	char *rel;
	struct buf data;
	int differs;	/* other bytes than the file there for sure (writer_put_new) */
};

struct patch {
	struct search_ctx *x;
	struct worker_state *ws;	/* ws[0..nws): search.c's, one per thread */
	size_t nws;
	const struct article **by_order;	/* by document number */
	size_t ndocs, sg, sp, est_g, est_p;
	size_t old_tg, old_tp;		/* the earlier build's numbers of tail shards */
	uint64_t old_th;		/* and its tail's stamp ("th") */
	int tail_kept;			/* the tail's shards are the earlier ones (tail_same) */
	struct gram_table *tail_tables;	/* the tail's postings, one table a thread (ws) */
	uint64_t *tail_hash;		/* by the tail's document: its digest (search_index_tail_doc) */
	struct search_part tail_parts[2];	/* tg/ and tp/, collected */
	size_t old_ndocs;		/* the earlier build's documents */
	size_t span;			/* the larger of the two: document numbers are below it */
	const long *old_of;		/* by document: its earlier number, or -1 (search_changes) */
	/* The d/ files: every document's */
	int texts_renumbered;		/* a document kept has another number now */
	size_t *edited, nedited;	/* the documents edited or added, increasing: d/ files made */
	size_t nchanged;		/* documents edited, added or removed (the larger side) */
	unsigned char *new_changed;	/* by document, below span: in edited */
	/* The lists (g/ and p/): the documents below the tail's start in this
	 * build (tail) and in the earlier one (old_tail) alone; a document
	 * taken into them from the tail counts as added, one leaving them as
	 * removed */
	size_t tail, old_tail;
	long *new_of;			/* by earlier document, below span: its number in the lists now, or -1 */
	int renumbered;			/* a document kept in the lists has another number now */
	/* Renumbered with one number let in (a report added among older
	 * ones): the documents from it on moved on by one, the others kept
	 * theirs; a list only moved is spliced (search_encode_docs_moved).
	 * -1 for any other renumbering. */
	long moved_at;
	size_t *old_list, nold;		/* the earlier documents whose postings go, increasing */
	size_t *new_list, nnew;		/* the documents whose postings come, increasing */
	unsigned char *old_changed;	/* by earlier document, below span: in old_list (or not one) */
	struct gram_table old, new;
	struct made *made;
	size_t nmade, cap_made;
	size_t shards[2];		/* rewritten, g/ and p/ */
	size_t shards_read;
	size_t text_all, text_changed;	/* bytes of text: the archive's, the changed reports' (too_large) */
	size_t text_old;		/* the earlier documents' read so far */
	struct buf file, tmp;
	struct buf old_dict;		/* the earlier build's dictionary, when it differs from this one's */
	int dict_changed;
	const char *why;		/* why not, for SITEGEN_TIMING */
};

/* A file the patch made, to offer once the rest is kept: its buffer. */
struct buf *patch_add_made(struct patch *p, const char *rel);
/* Records why the patch gives up (the first reason), for SITEGEN_TIMING: -1. */
int patch_fail(struct patch *p, const char *why);
/* Rewrites the shards whose grams' postings in the changed documents
 * differ, old (p->old) against new (p->new): 0, or -1 (a whole build). */
int patch_shards(struct patch *p);

#endif
