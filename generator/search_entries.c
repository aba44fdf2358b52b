/* search_entries: the positions' lists (search_codec.h: a gram's entries,
 * each a document, its counts of title and body positions, and the
 * positions' gaps) as a bit stream, both ways; search_codec.c has the
 * document lists, search_bits.h the streams. */
#include "search_codec.h"

#include <stdlib.h>
#include <string.h>

#include "search_bits.h"

/* The bits of the Rice codes of v[0..n) with parameter k. */
static uint64_t rice_bits(const uint32_t *v, size_t n, unsigned k)
{
	uint64_t bits = (uint64_t)n * (k + 1);
	for (size_t i = 0; i < n; i++)
		bits += v[i] >> k;
	return bits;
}

/* The Rice parameter (0 to 15) that codes the gaps v[0..n) in the fewest
 * bits, the lowest of equals. The bits are convex in k (going from k to
 * k + 1 saves Σ ⌈(v >> k) / 2⌉ and costs n, and the saving shrinks as k
 * grows), so the walk from a guess near the mean gap's bit length finds
 * the one a look at all sixteen would: two or three sums, not sixteen (a
 * subtitle edit at 50,000 reports encodes 400 shards of positions). */
static unsigned best_rice(const uint32_t *v, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	unsigned k = 0;
	while (k < 15 && ((uint64_t)n << (k + 1)) <= sum)
		k++;
	uint64_t bits = rice_bits(v, n, k);
	int down = 0;
	while (k > 0) {	/* down while not worse: the lowest of equals */
		uint64_t b = rice_bits(v, n, k - 1);
		if (b > bits)
			break;
		k--;
		bits = b;
		down = 1;
	}
	while (!down && k < 15) {	/* up while better */
		uint64_t b = rice_bits(v, n, k + 1);
		if (b >= bits)
			break;
		k++;
		bits = b;
	}
	return k;
}

/* One document's entries e[0..3 + kt + kb), the document coded after last
 * (the one before it + 1). */
static void put_entry(struct bitwriter *w, const uint32_t *e, uint32_t last)
{
	uint32_t doc = e[0], kt = e[1], kb = e[2];
	put_gamma(w, doc - last + 1);
	put_gamma(w, kt + 1);
	put_gamma(w, kb + 1);
	unsigned k = best_rice(e + 3, kt + kb);
	put_bits(w, k, 4);
	for (uint32_t j = 0; j < kt + kb; j++)
		put_rice(w, e[3 + j], k);
}

void search_encode_entries(const uint32_t *e, size_t n, struct buf *out)
{
	struct bitwriter w = { .out = out };
	uint32_t count = 0, last = 0;	/* last: the previous document + 1 */
	for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2])
		count++;
	put_gamma(&w, count + 1);
	for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2]) {
		put_entry(&w, e + i, last);
		last = e[i] + 1;
	}
	if (w.n)
		put_bits(&w, 0, 13 - w.n);
}

int search_decode_entries(const char *s, size_t len, struct u32s *e, uint64_t *bits)
{
	struct bitreader r = { .s = s, .len = len };
	uint32_t count = get_gamma1(&r);
	uint64_t doc = 0;	/* the previous document + 1 */
	for (uint32_t d = 0; d < count && !r.bad; d++) {
		doc += get_gamma1(&r);
		uint32_t kt = get_gamma1(&r), kb = get_gamma1(&r);
		unsigned k = get_bits(&r, 4);
		if (r.bad || doc > UINT32_MAX || (uint64_t)kt + kb > len * 7)
			return -1;
		u32s_reserve(e, 3 + (size_t)kt + kb);
		uint32_t *v = e->v + e->n;
		v[0] = (uint32_t)doc++;
		v[1] = kt;
		v[2] = kb;
		for (uint32_t j = 0; j < kt + kb; j++)
			v[3 + j] = get_rice(&r, k);	/* a bad code reads as 0: refused below */
		e->n += 3 + (size_t)kt + kb;
	}
	*bits = (uint64_t)r.i / 2 * 13 - r.n;	/* the pairs taken, less the bits not read */
	/* all read, the rest of the last pair 0 */
	return stream_end(&r) == (long)len ? 0 : -1;
}


void search_encode_entries_appended(const uint32_t *e, size_t n, size_t from, const char *old, size_t old_len,
				    uint64_t old_bits, struct buf *out)
{
	uint32_t count = 0, old_count = 0, last = 0;	/* last: the last old document + 1 */
	for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2]) {
		count++;
		if (i < from) {
			old_count++;
			last = e[i] + 1;
		}
	}
	unsigned g = gamma_bits(count + 1);	/* the count's code, the same length as the old one's? */
	if (!old_count || old_count == count || gamma_bits(old_count + 1) != g || old_len != stream_chars(old_bits) ||
	    old_bits < 13 * (uint64_t)((g + 12) / 13)) {
		search_encode_entries(e, n, out);
		return;
	}
	/* the pairs the count's code is in, the count new; the pairs after it as
	 * they were; the bits of the last old pair; the new documents */
	struct bitreader r = { .s = old, .len = old_len };
	for (unsigned left = g; left;) {
		unsigned take = left > 24 ? 24 : left;
		get_bits(&r, take);
		left -= take;
	}
	size_t head = (g + 12) / 13, whole = (size_t)(old_bits / 13);
	unsigned after = 13 * (unsigned)head - g, rest = (unsigned)(old_bits % 13);
	struct bitwriter w = { .out = out };
	put_gamma(&w, count + 1);
	put_bits(&w, get_bits(&r, after), after);
	buf_add(out, old + 2 * head, 2 * (whole - head));
	if (rest)
		put_bits(&w, pair_value(old + 2 * whole) >> (13 - rest), rest);
	for (size_t i = from; i < n; i += 3 + e[i + 1] + e[i + 2]) {
		put_entry(&w, e + i, last);
		last = e[i] + 1;
	}
	if (w.n)
		put_bits(&w, 0, 13 - w.n);
}

int search_encode_entries_moved(const uint32_t *e, size_t n, uint32_t at, const char *old, size_t old_len,
				uint64_t old_bits, struct buf *out)
{
	/* the entry of the first document that moved, and how many before it */
	size_t i = 0, before = 0;
	uint32_t last = 0;	/* the document before it + 1 */
	for (; i < n && e[i] <= at; i += 3 + e[i + 1] + e[i + 2]) {
		before++;
		last = e[i] + 1;
	}
	if (i >= n || last == at + 1 || old_len != stream_chars(old_bits)) {
		search_encode_entries(e, n, out);
		return 0;
	}
	/* the old stream read up to that entry's document: its gap one shorter */
	struct bitreader r = { .s = old, .len = old_len };
	get_gamma1(&r);
	for (size_t d = 0; d < before && !r.bad; d++) {
		get_gamma1(&r);
		uint32_t kt = get_gamma1(&r), kb = get_gamma1(&r);
		unsigned k = get_bits(&r, 4);
		for (uint32_t j = 0; j < kt + kb && !r.bad; j++)
			get_rice(&r, k);
	}
	uint64_t off = (uint64_t)r.i / 2 * 13 - r.n;
	uint32_t gap = get_gamma1(&r);	/* + 1: its code's number */
	uint64_t after = (uint64_t)r.i / 2 * 13 - r.n;
	if (r.bad || gap + 1 != e[i] - last || after > old_bits) {
		search_encode_entries(e, n, out);
		return 0;
	}
	struct bitwriter w = splice_begin(out, old, off);
	put_gamma(&w, e[i] - last + 1);
	splice_end(&w, old, old_len, after, old_bits);
	return 1;
}
