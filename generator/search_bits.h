/* search_bits: the bit streams the search index's lists and positions are
 * written in (search.h: most significant bit first, 13 bits in two b91
 * characters), read and written a few bits at a time, for search_codec.c
 * (document lists) and search_entries.c (positions). Inline: they run for
 * every document of every list an incremental build reads or writes. */
#ifndef SEARCH_BITS_H
#define SEARCH_BITS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "search.h"
#include "search_codec.h"
#include "xalloc.h"

/* Room for n more without growing as they come (a list's count is read
 * before its documents). */
static inline void u32s_reserve(struct u32s *a, size_t n)
{
	if (a->cap - a->n >= n)
		return;
	a->cap = a->n + n > 2 * a->cap ? a->n + n : 2 * a->cap;	/* as push grows: a list of entries reserves per document */
	a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
}

/* ---- written: pairs of b91 characters as the bits come ---- */

static const char b91_chars[] = SEARCH_B91;

struct bitwriter {
	struct buf *out;
	uint64_t acc;
	unsigned n;	/* bits in acc not yet written: fewer than 13 between calls */
};

/* Appends the low `bits` (at most 32) bits of v. */
static inline void put_bits(struct bitwriter *w, uint32_t v, unsigned bits)
{
	w->acc = w->acc << bits | (bits ? v & (uint32_t)((1ULL << bits) - 1) : 0);
	w->n += bits;
	if (w->n < 13)
		return;	/* no whole pair yet (most of a list's short codes) */
	if (w->out->len + 9 > w->out->cap)	/* room for the pairs and the 0 (buf_grow's test, inline) */
		buf_grow(w->out, 8);
	while (w->n >= 13) {
		w->n -= 13;
		uint32_t x = (uint32_t)(w->acc >> w->n & 0x1fff);
		w->out->data[w->out->len++] = b91_chars[x % 91];
		w->out->data[w->out->len++] = b91_chars[x / 91];
	}
	w->acc &= (1ULL << w->n) - 1;
	w->out->data[w->out->len] = 0;
}

static inline unsigned bit_length(uint32_t x)
{
	return x ? 32 - (unsigned)__builtin_clz(x) : 0;
}

/* Elias gamma of x >= 1: as many 0 bits as x has bits after its first,
 * then x. */
static inline void put_gamma(struct bitwriter *w, uint32_t x)
{
	unsigned len = bit_length(x);
	if (2 * len - 1 <= 32) {	/* x's leading 0 bits are the code's: in one go */
		put_bits(w, x, 2 * len - 1);
		return;
	}
	put_bits(w, 0, len - 1);
	put_bits(w, x, len);
}

/* Rice code of v with parameter k: v >> k in unary (1s ended by a 0), then
 * the low k bits. */
static inline void put_rice(struct bitwriter *w, uint32_t v, unsigned k)
{
	uint32_t q0 = v >> k;
	if (q0 + 1 + k <= 32) {	/* nearly always: in one go */
		put_bits(w, (uint32_t)((((uint64_t)1 << q0) - 1) << (k + 1)) | (v & ((1u << k) - 1)), q0 + 1 + k);
		return;
	}
	for (uint32_t q = v >> k; q; q -= q > 24 ? 24 : q)
		put_bits(w, 0xffffff, q > 24 ? 24 : q);
	put_bits(w, 0, 1);
	put_bits(w, v, k);
}

/* ---- read back ---- */

/* A bit stream read back: whole pairs of characters are taken into acc
 * ahead of need (up to 64 bits), so that a run of equal bits (the unary
 * part of a Rice or gamma code, a bitmap's gap) is counted at once. The
 * stream's end is found from the pairs read (stream_end). */
struct bitreader {
	const char *s;
	size_t len, i;		/* the next character not taken into acc */
	uint64_t acc;		/* its low n bits are those not read yet */
	unsigned n;
	int bad;
};

/* A character's b91 value, or -1: a table, as the reader looks up two
 * characters for every 13 bits of every list a patch reads. */
static const signed char b91_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
	29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
	45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, -1, 57, 58, 59,
	60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75,
	76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static inline int b91_value(char c)
{
	return b91_values[(unsigned char)c];
}

/* Takes pairs into acc while they fit; stops quietly at one that is no
 * pair (the text after the stream): an error only when its bits are read. */
static inline void refill(struct bitreader *r)
{
	const unsigned char *s = (const unsigned char *)r->s;
	while (r->n <= 64 - 13 && r->i + 1 < r->len) {
		int a = b91_values[s[r->i]], b = b91_values[s[r->i + 1]];
		int v = a + 91 * b;
		if ((a | b) < 0 || v > 0x1fff)
			return;
		r->acc = r->acc << 13 | (uint64_t)v;
		r->n += 13;
		r->i += 2;
	}
}

static inline uint32_t get_bits(struct bitreader *r, unsigned bits)
{
	if (!bits)
		return 0;
	if (r->n < bits) {
		refill(r);
		if (r->n < bits) {
			r->bad = 1;
			return 0;
		}
	}
	r->n -= bits;
	return (uint32_t)(r->acc >> r->n) & (uint32_t)((1ULL << bits) - 1);
}

/* The number of bits equal to `bit` from the next one on (at most max),
 * read with the other bit that ends them. */
static inline uint64_t get_run(struct bitreader *r, unsigned bit, uint64_t max)
{
	uint64_t run = 0;
	for (;;) {
		if (!r->n) {
			refill(r);
			if (!r->n) {
				r->bad = 1;
				return 0;
			}
		}
		uint64_t v = r->acc << (64 - r->n);	/* the unread bits at the top */
		if (bit)
			v = ~v;
		unsigned same = v ? (unsigned)__builtin_clzll(v) : 64;
		int ended = same < r->n;
		if (ended) {
			run += same;
			r->n -= same + 1;
		} else {	/* all of them: the run goes on in the next pairs */
			run += r->n;
			r->n = 0;
		}
		if (run > max) {
			r->bad = 1;
			return 0;
		}
		if (ended)
			return run;
	}
}

/* Where the stream read so far ends: the character after the pair holding
 * the last bit read; -1 unless the rest of that pair is 0 bits (padding). */
static inline long stream_end(const struct bitreader *r)
{
	unsigned part = r->n % 13;	/* bits left of the pair read last */
	if (r->bad || (part && (r->acc >> (r->n - part) & ((1u << part) - 1))))
		return -1;
	return (long)(r->i - 2 * (r->n / 13));
}

/* x − 1 of a gamma code x (so 0 and up). */
static inline uint32_t get_gamma1(struct bitreader *r)
{
	unsigned zeros = (unsigned)get_run(r, 0, 31);
	if (r->bad)
		return 0;
	return ((1u << zeros) | get_bits(r, zeros)) - 1;
}

/* A Rice code read at once from the bits in hand where they hold all of
 * it (nearly always), else a run and bits as they come. */
static inline uint32_t get_rice(struct bitreader *r, unsigned k)
{
	if (r->n < 32)
		refill(r);
	if (r->n) {
		uint64_t ones = ~(r->acc << (64 - r->n));	/* the unread bits at the top, flipped */
		unsigned q = ones ? (unsigned)__builtin_clzll(ones) : 64;
		if (q + 1 + k <= r->n) {
			r->n -= q + 1 + k;
			return (uint32_t)q << k | ((uint32_t)(r->acc >> r->n) & (uint32_t)((1ULL << k) - 1));
		}
	}
	uint64_t q = get_run(r, 1, UINT32_MAX);
	uint64_t v = q << k | get_bits(r, k);
	if (v > UINT32_MAX)
		r->bad = 1;
	return (uint32_t)v;
}

/* Appends the bits from..to of stream s[0..len) (pairs, ours) to w: bit by
 * bit up to a pair's edge, then whole pairs as they are where w is at one
 * too (the same place in a pair), else 13 bits at a time. */
static inline void copy_bits(struct bitwriter *w, const char *s, size_t len, uint64_t from, uint64_t to)
{
	struct bitreader r = { .s = s, .len = len, .i = 2 * (size_t)(from / 13) };
	get_bits(&r, (unsigned)(from % 13));
	if (from % 13) {
		unsigned head = 13 - (unsigned)(from % 13);
		if (head > to - from)
			head = (unsigned)(to - from);
		put_bits(w, get_bits(&r, head), head);
		from += head;
	}
	if (!w->n && from % 13 == 0 && to - from >= 13) {	/* in step: the pairs themselves */
		size_t pairs = (size_t)((to - from) / 13);
		buf_add(w->out, s + 2 * (from / 13), 2 * pairs);
		from += 13 * (uint64_t)pairs;
		r.i = 2 * (size_t)(from / 13);
		r.n = 0;
		r.acc = 0;
	}
	for (; to - from >= 13; from += 13)
		put_bits(w, get_bits(&r, 13), 13);
	if (to > from)
		put_bits(w, get_bits(&r, (unsigned)(to - from)), (unsigned)(to - from));
}

/* Characters of a bit stream of `bits` bits. */
static inline size_t stream_chars(uint64_t bits)
{
	return 2 * (size_t)((bits + 12) / 13);
}

static inline unsigned gamma_bits(uint32_t x)
{
	return 2 * bit_length(x) - 1;
}

/* The value of the pair of b91 characters at s (ours: valid). */
static inline unsigned pair_value(const char *s)
{
	return (unsigned)(b91_value(s[0]) + 91 * b91_value(s[1]));
}

/* A stream written as the old one s (pairs, ours) with a change at bit off:
 * its pairs before off as they are, and the bits of off's pair before it;
 * the changed bits are then put, and splice_end copies the old bits from..to
 * after them and ends the stream. */
static inline struct bitwriter splice_begin(struct buf *out, const char *s, uint64_t off)
{
	buf_add(out, s, 2 * (size_t)(off / 13));
	struct bitwriter w = { .out = out };
	if (off % 13)
		put_bits(&w, pair_value(s + 2 * (off / 13)) >> (13 - off % 13), (unsigned)(off % 13));
	return w;
}

static inline void splice_end(struct bitwriter *w, const char *s, size_t len, uint64_t from, uint64_t to)
{
	copy_bits(w, s, len, from, to);
	if (w->n)
		put_bits(w, 0, 13 - w->n);
}

#endif
