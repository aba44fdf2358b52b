/* search_post: the search index's postings while they are built (search.c).
 *
 * A gram is 1–4 folded code points: three packed into a key, the fourth
 * apart (c4). A gram_table holds one thread's grams and their postings:
 * documents (and title documents) for every gram, and, under a key with
 * GRAM_POSITIONS set, the positions of a 4-character gram in the documents
 * where search.h says they are needed. Occurrences are buffered and sorted by gram before they are
 * appended (appending each at once would touch a different list for every
 * character: a cache miss each). Documents must be added in increasing
 * order within a table, each document whole between two gram_doc_end calls.
 * The encoders join the tables in order (table t's documents all precede
 * table t+1's) into search.h's text. */
#ifndef SEARCH_POST_H
#define SEARCH_POST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "search_codec.h"

struct gram;
struct occurrence;
struct gram_seen;
struct pending;
struct tri_count;

/* Set in the key of a 4-character gram's positions (gram_add_pos), apart
 * from the same gram's document list; set in c4 of its context lists (the
 * documents where the 3-character gram it starts with has more than one
 * character before it, or the one it ends with more than one after it). */
#define GRAM_POSITIONS (1ULL << 63)
#define GRAM_LEFT_VARIES (1u << 29)
#define GRAM_RIGHT_VARIES (1u << 30)
#define GRAM_C4_CHAR 0x1fffffu

struct gram_slot {
	uint64_t key;
	uint32_t c4;
	uint32_t index;		/* into grams, + 1; 0: empty */
};

struct gram_table {
	struct gram *grams;
	size_t len, cap;
	struct gram_slot *slots;	/* open addressing on key */
	size_t nslots;
	uint32_t *bmp;			/* single BMP characters: index + 1 */
	uint32_t *bmp_seen;		/* the last document (+ 1) each was noted in */
	struct gram_seen *seen;		/* see search_post.c */
	size_t nseen;
	struct tri_count *tri;		/* the current document's trigram counts */
	size_t ntri;
	uint32_t tri_full;		/* the document (+ 1) whose trigrams overflowed tri */
	struct pending *queue;
	size_t nqueue;
	struct occurrence *occ, *spare;	/* buffered occurrences and sorting space */
	size_t nocc, capocc;
};

/* A gram across the tables, for the shard writer. */
struct gram_ref {
	uint64_t key;
	char utf8[18];		/* the gram, then '<' or '>' for a context list */
	uint8_t len, base_len;	/* base_len: without the '<' or '>' (the shard's hash) */
	uint32_t shard;
	struct gram **parts;	/* one per table holding it, in table order */
	size_t nparts;
};

static inline uint64_t gram_key(uint32_t a, uint32_t b, uint32_t c)
{
	return (uint64_t)a | (uint64_t)b << 21 | (uint64_t)c << 42;
}

void gram_table_init(struct gram_table *t);
void gram_table_free(struct gram_table *t);
/* Document doc contains the 1-, 2- or 4-character gram key (+ c4, the
 * fourth character or 0), in its title when title. */
void gram_add_doc(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, int title);
/* The 4-character gram key + c4 is at position pos of doc's title (title)
 * or text, and the document needs its positions (see search.h). */
void gram_add_pos(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, uint32_t pos, int title);
/* Counts one occurrence of the 3-character gram key in doc (the current
 * document, counted whole before its grams are added), with the word
 * characters before and after it (0: none). */
void gram_count_trigram(struct gram_table *t, uint64_t key, uint32_t doc, uint32_t left, uint32_t right);
/* What the count says of the 3-character gram key in doc: TRIGRAM_REPEATS
 * when it occurs more than once, TRIGRAM_LEFT_VARIES when not every
 * occurrence has the same character (or none) before it, TRIGRAM_RIGHT_VARIES
 * the same after it (all three for a document too large to count). */
#define TRIGRAM_REPEATS 1u
#define TRIGRAM_LEFT_VARIES 2u
#define TRIGRAM_RIGHT_VARIES 4u
unsigned gram_trigram(const struct gram_table *t, uint64_t key, uint32_t doc);
/* Ends a document: may move the buffered occurrences into the postings. */
void gram_doc_end(struct gram_table *t);
/* Moves every buffered occurrence into the postings (before collecting). */
void gram_flush(struct gram_table *t);

/* Every gram of the tables (positional: the positions, else the lists), one
 * gram_ref each, sorted by key; *bytes: an estimate of their encoded size.
 * Returns the count; free with gram_refs_free. */
size_t gram_collect(struct gram_table *tables, size_t ntables, int positional, struct gram_ref **out, size_t *bytes);
void gram_refs_free(struct gram_ref *refs, size_t n);

/* Appends a gram's document list and title list, or its positions, as
 * search.h says. */
void gram_encode_docs(const struct gram_ref *r, struct buf *out, struct u32s *docs);
void gram_encode_positions(const struct gram_ref *r, struct buf *out, struct u32s *tmp);
/* A gram's documents (its title documents when title) appended to docs, in
 * increasing order. */
void gram_ref_docs(const struct gram_ref *r, int title, struct u32s *docs);
/* A positional gram's entries (search_codec.h) appended to e. */
void gram_ref_entries(const struct gram_ref *r, struct u32s *e);

#endif
