/* search_shard: a shard of the search index read back (search_patch.c
 * patches the earlier build's): decoded into its grams, each with its
 * lists, which the patch edits and search.c's encoders write again. */
#ifndef SEARCH_SHARD_H
#define SEARCH_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "search_codec.h"

/* A gram of a shard read back: g/: its documents (a) and title documents
 * (b); p/: its entries (a, search_codec.h); and its lists as the file
 * wrote them (code[0..code_len), into the file's text; NULL for a gram
 * the patch added). A list's code is a function of the list alone, so a
 * gram whose lists the patch leaves (changed 0) is written as it was. */
struct sgram {
	uint64_t key;
	uint32_t c4;
	char utf8[18];
	uint8_t len, base_len;
	uint8_t changed;
	uint8_t decoded;	/* a and b hold the lists (search_shard_decode) */
	struct u32s a, b;
	const char *code;
	size_t code_len;
	size_t a_code_len;	/* g/: of code, a's (b's after it), once decoded */
	size_t a_old, b_old;	/* the lists' lengths as decoded (p/: a's numbers) */
	uint64_t a_bits;	/* p/: the bits of a's stream, as decoded */
	/* In a patch that reads every list: what became of a and of b (g/),
	 * LIST_REDONE (0: coded again), LIST_AS_READ (its code as it was) or
	 * LIST_MOVED (only its documents from the patch's moved_at on moved
	 * on by one: search_encode_docs_moved) */
	uint8_t a_how, b_how;
};
enum { LIST_REDONE, LIST_AS_READ, LIST_MOVED };

struct shard {
	struct sgram *g;
	size_t n, cap;
};

/* Shard k of g/ (or p/ when positional) from its file's text s[0..len),
 * its grams in the order search.c wrote them, each with where its code is
 * and, when decode_all, its lists decoded (documents below ndocs). Returns
 * 0, or -1 when it is not such a file (sh then holds what was read: free
 * it). A list not decoded is checked only when search_shard_decode reads
 * it: a patch that only adds documents reads only the grams it adds to. */
int search_shard_parse(const char *s, size_t len, int positional, size_t k, size_t ndocs, int decode_all,
		       struct shard *sh);
/* Decodes a gram's lists, once (from the code search_shard_parse found).
 * Returns 0, or -1 when they do not decode. */
int search_shard_decode(struct sgram *g, int positional, size_t ndocs);
void search_shard_free(struct shard *sh);
/* A new, zeroed gram at the end of sh. */
struct sgram *search_shard_add(struct shard *sh);
/* A gram's key and c4 (search_post.h) from its UTF-8 s[0..len) (a context
 * list's with its '<' or '>'). Returns 0, or -1 when it is no gram. */
int search_sgram_of(const char *s, size_t len, struct sgram *g);
/* The order of grams in a shard (qsort, bsearch). */
int search_sgram_cmp(const void *a, const void *b);

/* Drops the documents marked in changed[] from a list (of documents, or of
 * positions' entries); returns how many it held. */
size_t search_drop_docs(struct u32s *l, const unsigned char *changed);
size_t search_drop_entries(struct u32s *l, const unsigned char *changed);
/* Gives each document of a list (of documents, or of entries) its number
 * now, new_of[its number] (increasing with it: the list stays sorted);
 * returns whether any number moved. */
int search_renumber_docs(struct u32s *l, const long *new_of);
int search_renumber_entries(struct u32s *l, const long *new_of);
/* Merges b (documents, or entries) into a, both increasing and without a
 * document in common. */
void search_merge(struct u32s *a, const struct u32s *b, int entries);

#endif
