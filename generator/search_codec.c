/* The lists' text (search_codec.h). Decoding checks everything it reads: a
 * shard changed by hand, or cut short, must make the caller rebuild the
 * index rather than patch nonsense into it. */
#include "search_codec.h"

#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "xalloc.h"

static const char digits[] = SEARCH_DIGITS;
static const char base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void u32s_push(struct u32s *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

size_t search_n45_to(char *o, uint32_t v)
{
	if (v < 45) {	/* nearly every gap: one character */
		o[0] = digits[v];
		return 1;
	}
	if (v < 45 * 45) {
		o[0] = digits[45 + v / 45];
		o[1] = digits[v % 45];
		return 2;
	}
	char tmp[8];
	size_t n = 0;
	tmp[n++] = digits[v % 45];
	for (v /= 45; v; v /= 45)
		tmp[n++] = digits[45 + v % 45];
	for (size_t i = 0; i < n; i++)
		o[i] = tmp[n - 1 - i];
	return n;
}

void search_n45(struct buf *b, uint32_t v)
{
	buf_grow(b, 8);
	b->len += search_n45_to(b->data + b->len, v);
	b->data[b->len] = 0;
}

/* SEARCH_DIGITS is ASCII '#' to '}' without '\\': a digit's value is its
 * code − 35, − 1 more after '\\'. */
uint32_t search_n45_get(const char *s, size_t *i)
{
	uint32_t v = 0;
	for (;;) {
		uint32_t c = (unsigned char)s[(*i)++];
		uint32_t d = c - 35 - (c > 92);
		if (d < 45)
			return v * 45 + d;
		v = v * 45 + d - 45;
	}
}

/* A digit's value, or -1. */
static int digit_of(char c)
{
	if (c < '#' || c > '}' || c == '\\' || c == '"')
		return -1;
	return c - 35 - (c > 92);
}

/* search_n45_get for text not known to be ours. */
static int n45_read(const char *s, size_t len, size_t *i, uint32_t *out)
{
	uint64_t v = 0;
	for (int k = 0; *i < len && k < 7; k++) {
		int d = digit_of(s[(*i)++]);
		if (d < 0)
			return -1;
		v = v * 45 + (uint64_t)(d < 45 ? d : d - 45);
		if (v > UINT32_MAX)
			return -1;
		if (d < 45) {
			*out = (uint32_t)v;
			return 0;
		}
	}
	return -1;
}

void search_encode_list(uint32_t count, const char *gaps, size_t len, size_t ndocs, struct buf *out)
{
	size_t bitmap = (ndocs + 5) / 6;
	if (len <= bitmap) {
		search_n45(out, 2 * count);
		buf_add(out, gaps, len);
		return;
	}
	search_n45(out, 2 * count + 1);
	uint8_t *bits = xcalloc(bitmap + 1, 1);
	size_t i = 0;
	uint32_t doc = 0;	/* the previous document + 1 */
	for (uint32_t k = 0; k < count; k++) {
		doc += search_n45_get(gaps, &i);
		bits[doc / 6] |= (uint8_t)(1u << (doc % 6));
		doc++;
	}
	buf_grow(out, bitmap);
	for (size_t j = 0; j < bitmap; j++)
		out->data[out->len++] = digits[bits[j]];
	out->data[out->len] = 0;
	free(bits);
}

void search_encode_docs(const uint32_t *docs, size_t n, size_t ndocs, struct buf *out, struct buf *tmp)
{
	buf_reset(tmp);
	uint32_t last = 0;
	for (size_t i = 0; i < n; i++) {
		search_n45(tmp, docs[i] - last);
		last = docs[i] + 1;
	}
	search_encode_list((uint32_t)n, tmp->data, tmp->len, ndocs, out);
}

int search_decode_list(const char *s, size_t len, size_t *i, size_t ndocs, struct u32s *docs)
{
	uint32_t h, count;
	if (n45_read(s, len, i, &h) < 0)
		return -1;
	count = h >> 1;
	if (count > ndocs)
		return -1;
	if (!(h & 1)) {
		uint64_t doc = 0;	/* the previous document + 1 */
		for (uint32_t k = 0; k < count; k++) {
			uint32_t gap;
			if (n45_read(s, len, i, &gap) < 0 || (doc += gap) >= ndocs)
				return -1;
			u32s_push(docs, (uint32_t)doc++);
		}
		return 0;
	}
	size_t bitmap = (ndocs + 5) / 6, found = 0;
	if (len - *i < bitmap)
		return -1;
	for (size_t j = 0; j < bitmap; j++) {
		int d = digit_of(s[*i + j]);
		if (d < 0 || d > 63)
			return -1;
		for (unsigned b = 0; b < 6; b++)
			if (d >> b & 1) {
				if (6 * j + b >= ndocs)
					return -1;
				u32s_push(docs, (uint32_t)(6 * j + b));
				found++;
			}
	}
	*i += bitmap;
	return found == count ? 0 : -1;
}

/* ---- positions: a bit stream as base64, most significant bit first ---- */

struct bitwriter {
	struct buf *out;
	uint64_t acc;
	unsigned n;	/* bits in acc not yet written: fewer than 6 between calls */
};

/* Appends the low `bits` (at most 32) bits of v. */
static void put_bits(struct bitwriter *w, uint32_t v, unsigned bits)
{
	w->acc = w->acc << bits | (bits ? v & (uint32_t)((1ULL << bits) - 1) : 0);
	w->n += bits;
	buf_grow(w->out, 8);
	while (w->n >= 6) {
		w->n -= 6;
		w->out->data[w->out->len++] = base64[w->acc >> w->n & 63];
	}
	w->acc &= (1ULL << w->n) - 1;
	w->out->data[w->out->len] = 0;
}

static unsigned bit_length(uint32_t x)
{
	return x ? 32 - (unsigned)__builtin_clz(x) : 0;
}

/* Elias gamma of x >= 1: as many 0 bits as x has bits after its first,
 * then x. */
static void put_gamma(struct bitwriter *w, uint32_t x)
{
	unsigned len = bit_length(x);
	put_bits(w, 0, len - 1);
	put_bits(w, x, len);
}

/* Rice code of v with parameter k: v >> k in unary (1s ended by a 0), then
 * the low k bits. */
static void put_rice(struct bitwriter *w, uint32_t v, unsigned k)
{
	for (uint32_t q = v >> k; q; q -= q > 24 ? 24 : q)
		put_bits(w, 0xffffff, q > 24 ? 24 : q);
	put_bits(w, 0, 1);
	put_bits(w, v, k);
}

/* The Rice parameter that codes the gaps v[0..n) in the fewest bits. */
static unsigned best_rice(const uint32_t *v, size_t n)
{
	unsigned best = 0;
	uint64_t best_bits = UINT64_MAX;
	for (unsigned k = 0; k < 16; k++) {
		uint64_t bits = 0;
		for (size_t i = 0; i < n; i++)
			bits += (v[i] >> k) + 1 + k;
		if (bits < best_bits) {
			best_bits = bits;
			best = k;
		}
	}
	return best;
}

void search_encode_entries(const uint32_t *e, size_t n, struct buf *out)
{
	struct bitwriter w = { .out = out };
	uint32_t count = 0, last = 0;	/* last: the previous document + 1 */
	for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2])
		count++;
	put_gamma(&w, count + 1);
	for (size_t i = 0; i < n; i += 3 + e[i + 1] + e[i + 2]) {
		uint32_t doc = e[i], kt = e[i + 1], kb = e[i + 2];
		put_gamma(&w, doc - last + 1);
		put_gamma(&w, kt + 1);
		put_gamma(&w, kb + 1);
		unsigned k = best_rice(e + i + 3, kt + kb);
		put_bits(&w, k, 4);
		for (uint32_t j = 0; j < kt + kb; j++)
			put_rice(&w, e[i + 3 + j], k);
		last = doc + 1;
	}
	if (w.n)
		put_bits(&w, 0, 6 - w.n);
}

struct bitreader {
	const char *s;
	size_t len, i;		/* the next character */
	uint32_t acc;
	unsigned n;		/* bits left in acc */
	int bad;
};

static unsigned get_bit(struct bitreader *r)
{
	if (!r->n) {
		const char *p = r->i < r->len ? memchr(base64, r->s[r->i], 64) : NULL;
		if (!p || !r->s[r->i]) {
			r->bad = 1;
			return 0;
		}
		r->acc = (uint32_t)(p - base64);
		r->n = 6;
		r->i++;
	}
	return r->acc >> --r->n & 1;
}

static uint32_t get_bits(struct bitreader *r, unsigned bits)
{
	uint32_t v = 0;
	for (unsigned b = 0; b < bits; b++)
		v = v << 1 | get_bit(r);
	return v;
}

/* x − 1 of a gamma code x (so 0 and up). */
static uint32_t get_gamma1(struct bitreader *r)
{
	unsigned zeros = 0;
	while (!r->bad && !get_bit(r))
		if (++zeros > 31)
			r->bad = 1;
	if (r->bad)
		return 0;
	return ((1u << zeros) | get_bits(r, zeros)) - 1;
}

static uint32_t get_rice(struct bitreader *r, unsigned k)
{
	uint64_t q = 0;
	while (!r->bad && get_bit(r))
		if (++q >> 32)
			r->bad = 1;
	uint64_t v = q << k | get_bits(r, k);
	if (v > UINT32_MAX)
		r->bad = 1;
	return (uint32_t)v;
}

int search_decode_entries(const char *s, size_t len, struct u32s *e)
{
	struct bitreader r = { .s = s, .len = len };
	uint32_t count = get_gamma1(&r);
	uint64_t doc = 0;	/* the previous document + 1 */
	for (uint32_t d = 0; d < count && !r.bad; d++) {
		doc += get_gamma1(&r);
		uint32_t kt = get_gamma1(&r), kb = get_gamma1(&r);
		unsigned k = get_bits(&r, 4);
		if (r.bad || doc > UINT32_MAX || (uint64_t)kt + kb > len * 6)
			return -1;
		u32s_push(e, (uint32_t)doc++);
		u32s_push(e, kt);
		u32s_push(e, kb);
		for (uint32_t j = 0; j < kt + kb && !r.bad; j++)
			u32s_push(e, get_rice(&r, k));
	}
	/* all read, the rest of the last character 0 */
	return r.bad || r.i != len || (r.acc & ((1u << r.n) - 1)) ? -1 : 0;
}
