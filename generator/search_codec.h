/* search_codec: the search index's lists as text (search.h: n45 document
 * lists, the positions' bit stream), both ways. A full build encodes with
 * it (search_post.c); an incremental one decodes the shards it patches and
 * encodes them again with the same functions (search_patch.c), so a
 * patched shard is a full build's, byte for byte. */
#ifndef SEARCH_CODEC_H
#define SEARCH_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A growable array of numbers; {0} is empty; free v. */
struct u32s {
	uint32_t *v;
	size_t n, cap;
};

void u32s_push(struct u32s *a, uint32_t x);

/* Writes v in n45 at o (room for 8). Returns the number of characters. */
size_t search_n45_to(char *o, uint32_t v);
void search_n45(struct buf *b, uint32_t v);
/* Reads one n45 number of text this program wrote, at *i. */
uint32_t search_n45_get(const char *s, size_t *i);

/* Appends a document list (docs[0..n), increasing) as search.h says: the
 * shortest of its gaps, a bitmap and the Rice codes, each a function of
 * the list alone. */
void search_encode_docs(const uint32_t *docs, size_t n, struct buf *out);
/* The same for a list whose code was old[0..old_len) (ours, read back)
 * before a document came in at number `at` (not in it) and those from it on
 * moved on by one (a report added among older ones): where the list keeps
 * its kind, a bitmap or Rice-coded gaps, the old stream with the one change
 * in it (a bit more, or one gap one longer), not the whole list coded
 * again. Returns 1 then, 0 when it coded the list whole. */
int search_encode_docs_moved(const uint32_t *docs, size_t n, uint32_t at, const char *old, size_t old_len,
			     struct buf *out);
/* The same for a list whose first nold documents' code was old[0..old_len)
 * (ours, read back) and whose others all come after them (a report added
 * as the newest): the same bytes, most often without coding the old ones
 * again. */
void search_encode_docs_appended(const uint32_t *docs, size_t n, size_t nold, const char *old, size_t old_len,
				 struct buf *out);
/* Reads a list written by search_encode_docs from s[*i..len), appending its
 * documents to docs. Returns 0, or -1 when it is not such a list (or names
 * a document ndocs or above). */
int search_decode_list(const char *s, size_t len, size_t *i, size_t ndocs, struct u32s *docs);

/* Positions: entries e[0..n) are, per document in increasing order, the
 * document, kt, kb, then kt title and kb text positions as gaps (search.h).
 * Appends their bit stream; tmp: scratch. */
void search_encode_entries(const uint32_t *e, size_t n, struct buf *out);
/* The same for entries whose documents from e[from] on come after the
 * others, whose stream was old[0..old_len), old_bits bits of it (read back
 * by search_decode_entries): the same bytes, the old documents' bits
 * copied where the count's code keeps its length. */
void search_encode_entries_appended(const uint32_t *e, size_t n, size_t from, const char *old, size_t old_len,
				    uint64_t old_bits, struct buf *out);
/* The same for entries whose stream was old[0..old_len) (old_bits long,
 * as search_decode_entries read it) before a document came in at `at` and
 * those from it on moved on by one (search_encode_docs_moved): the old
 * stream with the one document's gap one longer. Returns 1, or 0 when it
 * wrote them whole. */
int search_encode_entries_moved(const uint32_t *e, size_t n, uint32_t at, const char *old, size_t old_len,
				uint64_t old_bits, struct buf *out);
/* Reads a bit stream of positions s[0..len) into entries (appended), and
 * how many bits it holds (the padding of its last pair left out) into
 * *bits. Returns 0, or -1 when it is not one. */
int search_decode_entries(const char *s, size_t len, struct u32s *e, uint64_t *bits);

/* b91 (search.h): n bytes as text, 13 bits in two characters of
 * SEARCH_B91, the last 6 or fewer in one. */
void search_b91(struct buf *b, const unsigned char *p, size_t n);
/* Appends the bytes of b91 text s[0..len) to out. Returns 0, or -1 when it
 * is not such text. */
int search_b91_decode(const char *s, size_t len, struct buf *out);

#endif
