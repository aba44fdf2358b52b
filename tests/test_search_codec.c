/* Unit tests for generator/search_codec.c's document lists: every list
 * decodes to itself, and a list with documents appended after it (a report
 * added as the newest, search_patch_shards.c) is written by
 * search_encode_docs_appended in the very bytes search_encode_docs writes
 * for the whole list, whatever code the old part and the whole take (gaps,
 * bitmap, Rice, the Rice code of those not in it); and the same of the
 * positions' streams (search_encode_entries_appended). A list whose
 * documents from one number on moved on by one (a report added among older
 * ones) is written by search_encode_docs_moved and
 * search_encode_entries_moved as the whole list is, and spliced where it
 * can be. Lists of every density, drawn from a fixed seed (tests/check.h:
 * one line per check). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "search_codec.h"

#include "check.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* A list of documents below span, each in it with chance per_mille / 1000
 * (at least one). */
static size_t draw_list(uint32_t *docs, uint32_t span, unsigned per_mille)
{
	size_t n = 0;
	for (uint32_t d = 0; d < span; d++)
		if (next_random() % 1000 < per_mille)
			docs[n++] = d;
	if (!n)
		docs[n++] = span - 1;
	return n;
}

/* How the code of docs[0..n) begins: its kind (the low 2 bits of its count). */
static int kind_of(const struct buf *code)
{
	size_t i = 0;
	return (int)(search_n45_get(code->data, &i) & 3);
}

/* Entries of docs documents from first on, every gap 0 to 3 (the next
 * document, or a few on), each with up to 5 title and 40 text positions. */
static size_t draw_entries(uint32_t *e, size_t docs, uint32_t first, uint32_t *next)
{
	size_t n = 0;
	uint32_t doc = first;
	for (size_t d = 0; d < docs; d++) {
		uint32_t kt = next_random() % 6, kb = next_random() % 41;
		if (!kt && !kb)
			kb = 1;
		e[n++] = doc;
		e[n++] = kt;
		e[n++] = kb;
		for (uint32_t j = 0; j < kt + kb; j++)
			e[n++] = next_random() % (j % 7 ? 40 : 5000);
		doc += 1 + next_random() % 4;
	}
	*next = doc;
	return n;
}

/* Positions' entries: appended documents written as the whole stream is,
 * and every stream read back with its length in bits. */
/* Reads a damaged code (s[0..len)) and returns how many wrong things it
 * read: 0 when it refused it. */
typedef size_t (*read_damaged)(const char *s, size_t len, uint32_t ndocs);

/* A code cut short at every length and with each character changed in
 * turn (to the next b91 character, and to one outside it), each read by
 * read: the decoders must refuse it or read sound data, and never read or
 * write past what they were given (the reserves they make from the counts
 * they read must hold whatever they push: see make asan). Returns how many
 * readings were wrong; counts them in *tries. */
static size_t each_damaged(const struct buf *code, uint32_t ndocs, read_damaged read, size_t *tries)
{
	size_t wrong = 0;
	char *copy = malloc(code->len + 1);
	for (size_t cut = 0; cut <= code->len; cut++)
		for (int how = 0; how < 3; how++) {
			if (how && cut == code->len)
				break;
			memcpy(copy, code->data, code->len);
			if (how == 1)
				copy[cut] = copy[cut] == '~' ? '#' : copy[cut] == '[' ? ']' : (char)(copy[cut] + 1);
			else if (how == 2)
				copy[cut] = '"';
			(*tries)++;
			wrong += read(copy, how ? code->len : cut, ndocs);
		}
	free(copy);
	return wrong;
}

/* A position stream: whole entries (each its document, its two counts and
 * as many positions). */
static size_t read_entries(const char *s, size_t len, uint32_t ndocs)
{
	(void)ndocs;
	struct u32s back = { 0 };
	uint64_t bits = 0;
	size_t wrong = 0;
	if (search_decode_entries(s, len, &back, &bits) == 0) {
		size_t i = 0;
		while (i < back.n)
			i += 3 + (size_t)back.v[i + 1] + back.v[i + 2];
		wrong = i != back.n || bits > 13 * (uint64_t)len;
	}
	free(back.v);
	return wrong;
}

/* A document list: documents in order below ndocs, the list read within it. */
static size_t read_list(const char *s, size_t len, uint32_t ndocs)
{
	struct u32s back = { 0 };
	size_t i = 0, wrong = 0;
	if (search_decode_list(s, len, &i, ndocs, &back) == 0)
		for (size_t k = 0; k < back.n; k++)
			wrong += back.v[k] >= ndocs || (k && back.v[k] <= back.v[k - 1]) || i > len;
	free(back.v);
	return wrong;
}

static size_t entries_tries, list_tries;

static void check_entries(void)
{
	uint32_t *e = malloc(200000 * sizeof(*e));
	struct buf old = BUF_INIT, whole = BUF_INIT, appended = BUF_INIT;
	size_t streams = 0, same = 0, read_back = 0, damaged = 0;
	/* counts around the powers of two, where the count's code grows */
	static const size_t counts[] = { 1, 2, 3, 4, 6, 7, 8, 15, 16, 30, 31, 32, 63, 64, 200, 511, 1000 };
	for (size_t c = 0; c < sizeof(counts) / sizeof(*counts); c++)
		for (int round = 0; round < 6; round++) {
			uint32_t next;
			size_t from = draw_entries(e, counts[c], next_random() % 50, &next);
			size_t n = from + draw_entries(e + from, 1 + (size_t)round % 3, next, &next);
			buf_reset(&old);
			buf_reset(&whole);
			buf_reset(&appended);
			search_encode_entries(e, from, &old);
			search_encode_entries(e, n, &whole);
			struct u32s back = { 0 };
			uint64_t bits = 0;
			streams++;
			if (search_decode_entries(old.data, old.len, &back, &bits) == 0 && back.n == from &&
			    memcmp(back.v, e, from * sizeof(*e)) == 0 && (bits + 12) / 13 * 2 == old.len)
				read_back++;
			free(back.v);
			if (counts[c] <= 64 && round < 2)
				damaged += each_damaged(&old, 0, read_entries, &entries_tries);
			search_encode_entries_appended(e, n, from, old.data, old.len, bits, &appended);
			if (appended.len == whole.len && memcmp(appended.data, whole.data, whole.len) == 0)
				same++;
			else if (streams - same <= 3) {
				char what[160];
				snprintf(what, sizeof(what), "%zu documents' entries and more: the bytes of the whole stream",
					 counts[c]);
				check_mem(what, appended.data, appended.len, whole.data, whole.len);
			}
		}
	/* a document in among them: those from it on moved on by one
	 * (search_encode_entries_moved), at gaps whose gamma code grows too */
	size_t moved_streams = 0, moved_same = 0, spliced = 0;
	for (size_t c = 0; c < sizeof(counts) / sizeof(*counts); c++)
		for (int round = 0; round < 8; round++) {
			uint32_t next;
			size_t n = draw_entries(e, counts[c], round == 0 ? 0 : next_random() % 50, &next);
			uint32_t at = round == 1 ? next : next_random() % (next + 1);
			buf_reset(&old);
			buf_reset(&whole);
			buf_reset(&appended);
			search_encode_entries(e, n, &old);
			struct u32s back = { 0 };
			uint64_t bits = 0;
			search_decode_entries(old.data, old.len, &back, &bits);
			free(back.v);
			for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2])
				e[i] += e[i] >= at;
			search_encode_entries(e, n, &whole);
			spliced += (size_t)search_encode_entries_moved(e, n, at, old.data, old.len, bits, &appended);
			moved_streams++;
			if (appended.len == whole.len && memcmp(appended.data, whole.data, whole.len) == 0)
				moved_same++;
			else if (moved_streams - moved_same <= 3) {
				char what[160];
				snprintf(what, sizeof(what), "%zu documents' entries, one in at %u: the bytes of the whole "
					 "stream", counts[c], at);
				check_mem(what, appended.data, appended.len, whole.data, whole.len);
			}
		}
	char what[160];
	snprintf(what, sizeof(what), "%zu position streams with a document in among them: written as the whole is, "
		 "%zu of them spliced", moved_streams, spliced);
	check(what, moved_same == moved_streams && spliced > moved_streams / 2);
	snprintf(what, sizeof(what), "%zu position streams with documents appended: written as the whole is", streams);
	check_int(what, (long long)same, (long long)streams);
	snprintf(what, sizeof(what), "%zu position streams read back, with their length in bits", streams);
	check_int(what, (long long)read_back, (long long)streams);
	snprintf(what, sizeof(what), "%zu position streams cut short or with a character changed: refused, or read "
		 "back as whole entries (never past the stream: see make asan)", entries_tries);
	check_int(what, (long long)damaged, 0);
	buf_free(&old);
	buf_free(&whole);
	buf_free(&appended);
	free(e);
}

/* Lists where a document comes in among them at `at` and those from it on
 * move on by one (a report added among older ones): written by
 * search_encode_docs_moved in the very bytes search_encode_docs writes for
 * the new list, spliced (not coded again) where it keeps a bitmap or its
 * Rice code. */
static void check_moved(void)
{
	static const unsigned densities[] = { 1, 5, 20, 80, 200, 450, 500, 700, 950, 995 };
	static const uint32_t spans[] = { 2, 13, 14, 26, 27, 100, 1000, 10000 };
	uint32_t *docs = malloc(12000 * sizeof(*docs)), *moved = malloc(12001 * sizeof(*moved));
	struct buf old = BUF_INIT, whole = BUF_INIT, spliced = BUF_INIT;
	size_t lists = 0, same = 0, splices[4] = { 0 };
	for (size_t s = 0; s < sizeof(spans) / sizeof(*spans); s++)
		for (size_t d = 0; d < sizeof(densities) / sizeof(*densities); d++)
			for (int round = 0; round < 24; round++) {
				size_t n = draw_list(docs, spans[s], densities[d]);
				/* the document that comes in: before the first, among them, at a
				 * pair's edge, or after the last (nothing moves) */
				uint32_t last = docs[n - 1], at = round == 0 ? 0 : round == 1 ? last + 1
					      : round < 6 ? 13 * (next_random() % (last / 13 + 1)) : next_random() % (last + 2);
				for (size_t t = 0; t < n; t++)	/* (at itself is in none: the new document's) */
					moved[t] = docs[t] + (docs[t] >= at);
				buf_reset(&old);
				buf_reset(&whole);
				buf_reset(&spliced);
				search_encode_docs(docs, n, &old);
				search_encode_docs(moved, n, &whole);
				int spliced_it = search_encode_docs_moved(moved, n, at, old.data, old.len, &spliced);
				lists++;
				if (spliced_it)
					splices[kind_of(&whole)]++;
				if (spliced.len == whole.len && memcmp(spliced.data, whole.data, whole.len) == 0)
					same++;
				else if (lists - same <= 3) {
					char what[160];
					snprintf(what, sizeof(what), "span %u, %u per mille, %zu documents, one in at %u: the "
						 "bytes of the whole list", spans[s], densities[d], n, at);
					check_mem(what, spliced.data, spliced.len, whole.data, whole.len);
				}
			}
	char what[160];
	snprintf(what, sizeof(what), "%zu lists with a document in among them: written as the whole list is", lists);
	check_int(what, (long long)same, (long long)lists);
	snprintf(what, sizeof(what), "of them, bitmaps spliced (%zu) and Rice codes spliced (%zu), not coded again",
		 splices[1], splices[2]);
	check(what, splices[1] > 50 && splices[2] > 50 && splices[0] == 0 && splices[3] == 0);
	buf_free(&old);
	buf_free(&whole);
	buf_free(&spliced);
	free(docs);
	free(moved);
}

int main(void)
{
	check_module = "search codec";
	static const unsigned densities[] = { 1, 5, 20, 80, 200, 450, 500, 700, 950, 995, 1000 };
	static const uint32_t spans[] = { 1, 2, 13, 14, 26, 100, 1000, 10000 };
	uint32_t *docs = malloc(12000 * sizeof(*docs));
	struct buf old = BUF_INIT, whole = BUF_INIT, appended = BUF_INIT;
	size_t lists = 0, same = 0, round_trips = 0, decoded_ok = 0, damaged = 0;
	int kinds_seen[4][4] = { { 0 } };	/* old kind, whole kind */
	for (size_t s = 0; s < sizeof(spans) / sizeof(*spans); s++)
		for (size_t d = 0; d < sizeof(densities) / sizeof(*densities); d++)
			for (int round = 0; round < 12; round++) {
				uint32_t span = spans[s];
				size_t nold = draw_list(docs, span, densities[d]);
				/* then 1 to 3 documents after the old ones (the next, or a way
				 * on), or none (the title list of a gram of the text only) */
				size_t nadd = round == 11 ? 0 : 1 + next_random() % 3, n = nold;
				uint32_t at = docs[nold - 1] + 1;
				for (size_t a = 0; a < nadd; a++) {
					at += round % 3 == 0 ? 0 : next_random() % (round % 3 == 1 ? 3 : 2000);
					docs[n++] = at++;
				}
				buf_reset(&old);
				buf_reset(&whole);
				buf_reset(&appended);
				search_encode_docs(docs, nold, &old);
				search_encode_docs(docs, n, &whole);
				search_encode_docs_appended(docs, n, nold, old.data, old.len, &appended);
				lists++;
				kinds_seen[kind_of(&old)][kind_of(&whole)]++;
				if (appended.len == whole.len && memcmp(appended.data, whole.data, whole.len) == 0)
					same++;
				else if (lists - same <= 3) {
					char what[160];
					snprintf(what, sizeof(what), "span %u, %u per mille, %zu + %zu documents: the bytes "
						 "of the whole list", span, densities[d], nold, n - nold);
					check_mem(what, appended.data, appended.len, whole.data, whole.len);
				}
				struct u32s back = { 0 };
				size_t i = 0;
				round_trips++;
				if (search_decode_list(whole.data, whole.len, &i, docs[n - 1] + 1, &back) == 0 &&
				    i == whole.len && back.n == n && memcmp(back.v, docs, n * sizeof(*docs)) == 0)
					decoded_ok++;
				free(back.v);
				if (round < 3)
					damaged += each_damaged(&whole, docs[n - 1] + 1, read_list, &list_tries);
			}
	char what[160];
	snprintf(what, sizeof(what), "%zu lists cut short or with a character changed: refused, or read back as "
		 "documents in order below the count (never past the list: see make asan)", list_tries);
	check_int(what, (long long)damaged, 0);
	snprintf(what, sizeof(what), "%zu lists with documents appended: written as the whole list is", lists);
	check_int(what, (long long)same, (long long)lists);
	snprintf(what, sizeof(what), "%zu lists decode to themselves", round_trips);
	check_int(what, (long long)decoded_ok, (long long)round_trips);
	/* the draw met each code kept as it was, and codes that change */
	static const char *const names[] = { "gaps", "a bitmap", "Rice codes", "the Rice codes of those not in it" };
	for (int k = 0; k < 4; k++) {
		snprintf(what, sizeof(what), "lists in %s stay in it after an append (drawn: at least one)", names[k]);
		check(what, kinds_seen[k][k] > 0);
	}
	int changed = 0;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			changed += a != b ? kinds_seen[a][b] : 0;
	check("lists whose code changes with the append (drawn: at least one)", changed > 0);
	buf_free(&old);
	buf_free(&whole);
	buf_free(&appended);
	free(docs);
	check_moved();
	check_entries();
	return check_done("test_search_codec");
}
