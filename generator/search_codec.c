/* The document lists' text (search_codec.h; the positions' are
 * search_entries.c's, the bit streams search_bits.h's). Decoding checks everything it reads: a
 * shard changed by hand, or cut short, must make the caller rebuild the
 * index rather than patch nonsense into it. */
#include "search_codec.h"

#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "search_bits.h"
#include "xalloc.h"

static const char digits[] = SEARCH_DIGITS;

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

/* A document list (search.h): h = 4·count + kind, then the kind's data.
 * kind 0: the n45 gaps; 1: a bitmap up to the last document; 2: a Rice
 * parameter in 4 bits, then the gaps Rice-coded; 3: a Rice parameter, the
 * number of documents below the last one not in the list (gamma of it + 1),
 * then their gaps Rice-coded. 1 to 3 are bit streams (below), padded to 13
 * bits. The shortest wins, the lowest kind on a tie.
 *
 * None depends on the number of documents in the index, only on the list:
 * a report added after the others (the newest, numbered last) leaves the
 * list of every gram it does not hold as it was, so an incremental build
 * rewrites only the shards of its own grams (search_patch.c). */
enum { LIST_GAPS, LIST_BITMAP, LIST_RICE, LIST_NOT };

/* The bits of a Rice code of the gaps of a list (doc − previous doc − 1,
 * previous from −1), of docs[0..n) or (not = 1) of the documents below the
 * last one not among them (the gap of one of those: the run of documents in
 * the list just before it), with k among the three around the mean gap's:
 * returns k, and the bits (with the 4 of k, and for not the count's gamma)
 * in *bits. */
static unsigned rice_choice(const uint32_t *docs, size_t n, int not, uint64_t *bits)
{
	uint32_t span = docs[n - 1] + 1;	/* n > 0: documents 0 … the last */
	uint64_t m = not ? span - n : n, sum = span - n, extra = 0;
	if (not) {
		size_t tail = 1;	/* the run of documents that ends the list: no gap after it */
		while (tail < n && docs[n - 1 - tail] == span - 1 - tail)
			tail++;
		sum = n - tail;
		extra = gamma_bits((uint32_t)m + 1);
	}
	unsigned k0 = 0;
	while (k0 < 15 && (m << (k0 + 1)) <= sum)
		k0++;	/* 2^k0 about the mean gap */
	unsigned lo = k0 ? k0 - 1 : 0;
	uint64_t shifted[3] = { 0 };	/* of gap >> lo, >> lo + 1, >> lo + 2 */
	uint32_t next = 0;		/* the previous document + 1 */
	for (size_t i = 0; i < n; i++) {
		uint32_t g;
		if (!not) {
			g = docs[i] - next;
			next = docs[i] + 1;
		} else {
			size_t from = i;
			while (i + 1 < n && docs[i + 1] == docs[i] + 1)
				i++;
			if (i + 1 == n)
				break;	/* the last run: no document not in the list after it */
			g = (uint32_t)(i - from + 1);
		}
		g >>= lo;
		shifted[0] += g;
		shifted[1] += g >> 1;
		shifted[2] += g >> 2;
	}
	unsigned best = lo;
	*bits = UINT64_MAX;
	for (unsigned j = 0; j < 3 && lo + j < 16; j++) {
		uint64_t b = 4 + extra + m * (lo + j + 1) + shifted[j];
		if (b < *bits) {
			*bits = b;
			best = lo + j;
		}
	}
	return best;
}

/* The code a list is written in: the shortest (the first of equals) of its
 * gaps (len characters), a bitmap, and the two Rice codes (their k in k[]). */
static int list_kind(const uint32_t *docs, size_t n, size_t len, unsigned k[4])
{
	if (len <= 2)
		return LIST_GAPS;
	uint32_t span = docs[n - 1] + 1;
	size_t size[4] = { len, stream_chars(span), SIZE_MAX, SIZE_MAX };
	uint64_t bits;
	k[LIST_RICE] = rice_choice(docs, n, 0, &bits);
	size[LIST_RICE] = stream_chars(bits);
	if (2 * n > span) {
		k[LIST_NOT] = rice_choice(docs, n, 1, &bits);
		size[LIST_NOT] = stream_chars(bits);
	}
	int kind = LIST_GAPS;
	for (int i = 1; i < 4; i++)
		if (size[i] < size[kind])
			kind = i;
	return kind;
}

/* The characters search_n45_to writes for v. */
static size_t n45_len(uint32_t v)
{
	if (v < 45)	/* nearly every gap of a list long enough to matter */
		return 1;
	size_t n = 2;
	for (uint64_t top = 45 * 45; v >= top; top *= 45)
		n++;
	return n;
}

/* The list in the code kind (k[kind]: its Rice parameter). */
static void encode_docs_as(const uint32_t *docs, size_t n, int kind, const unsigned k[4], struct buf *out)
{
	search_n45(out, 4 * (uint32_t)n + (uint32_t)kind);
	if (kind == LIST_GAPS) {
		uint32_t next = 0;	/* the previous document + 1 */
		for (size_t i = 0; i < n; i++) {
			search_n45(out, docs[i] - next);
			next = docs[i] + 1;
		}
		return;
	}
	uint32_t span = docs[n - 1] + 1;
	struct bitwriter w = { .out = out };
	if (kind == LIST_BITMAP) {	/* the stream's pairs at once: bit i is document i */
		size_t pairs = (span + 12) / 13;
		uint16_t *v = xcalloc(pairs + 1, sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[docs[i] / 13] |= (uint16_t)(1u << (12 - docs[i] % 13));
		buf_grow(out, 2 * pairs);
		for (size_t i = 0; i < pairs; i++) {
			out->data[out->len++] = b91_chars[v[i] % 91];
			out->data[out->len++] = b91_chars[v[i] / 91];
		}
		out->data[out->len] = 0;
		free(v);
		return;
	}
	put_bits(&w, k[kind], 4);
	uint32_t next = 0;	/* the previous document written + 1 */
	if (kind == LIST_RICE) {
		for (size_t i = 0; i < n; i++) {
			put_rice(&w, docs[i] - next, k[kind]);
			next = docs[i] + 1;
		}
	} else {
		put_gamma(&w, span - (uint32_t)n + 1);
		size_t i = 0;
		for (uint32_t d = 0; d < span; d++) {
			if (i < n && docs[i] == d) {
				i++;
				continue;
			}
			put_rice(&w, d - next, k[kind]);
			next = d + 1;
		}
	}
	if (w.n)
		put_bits(&w, 0, 13 - w.n);
}

/* The characters of the list's gaps in n45 (LIST_GAPS), counted, not
 * written: most lists long enough to matter take another code, and writing
 * every list's gaps first cost a patch that renumbers the index a tenth of
 * its time. */
static size_t gaps_len(const uint32_t *docs, size_t n)
{
	size_t len = 0;
	uint32_t next = 0;
	for (size_t i = 0; i < n; i++) {
		len += n45_len(docs[i] - next);
		next = docs[i] + 1;
	}
	return len;
}

void search_encode_docs(const uint32_t *docs, size_t n, struct buf *out)
{
	unsigned k[4] = { 0 };
	encode_docs_as(docs, n, list_kind(docs, n, gaps_len(docs, n), k), k, out);
}

int search_encode_docs_moved(const uint32_t *docs, size_t n, uint32_t at, const char *old, size_t old_len,
			     struct buf *out)
{
	unsigned k[4] = { 0 };
	int kind = list_kind(docs, n, gaps_len(docs, n), k);
	size_t i = 0, j = 0;
	uint32_t h;
	while (j < n && docs[j] <= at)
		j++;	/* the first that moved */
	if (j == n || (j && docs[j - 1] == at) || n45_read(old, old_len, &i, &h) < 0 || h >> 2 != n ||
	    (int)(h & 3) != kind || (kind != LIST_RICE && kind != LIST_BITMAP)) {
		encode_docs_as(docs, n, kind, k, out);
		return 0;
	}
	const char *stream = old + i;
	size_t stream_len = old_len - i;
	uint64_t off, skip, end;	/* in the old stream: where the change is, what it replaces, its end */
	if (kind == LIST_RICE) {
		if (stream_len < 2 || pair_value(stream) >> 9 != k[kind]) {
			encode_docs_as(docs, n, kind, k, out);
			return 0;
		}
		unsigned kr = k[kind];
		off = 4;
		uint32_t next = 0;
		for (size_t t = 0; t < j; t++) {
			off += ((docs[t] - next) >> kr) + 1 + kr;
			next = docs[t] + 1;
		}
		uint32_t gap = docs[j] - next;	/* its old gap + 1 */
		skip = ((gap - 1) >> kr) + 1 + kr;
		end = off + skip;
		for (size_t t = j + 1; t < n; t++)
			end += ((docs[t] - docs[t - 1] - 1) >> kr) + 1 + kr;
		if (stream_len != stream_chars(end)) {
			encode_docs_as(docs, n, kind, k, out);
			return 0;
		}
		search_n45(out, 4 * (uint32_t)n + (uint32_t)kind);
		struct bitwriter w = splice_begin(out, stream, off);
		put_rice(&w, gap, kr);
		splice_end(&w, stream, stream_len, off + skip, end);
		return 1;
	}
	/* a bitmap: bit `at` (not in the list) comes in, those after it move on by one */
	end = docs[n - 1];	/* the old span: its last document, one lower */
	if (stream_len != stream_chars(end)) {
		encode_docs_as(docs, n, kind, k, out);
		return 0;
	}
	search_n45(out, 4 * (uint32_t)n + (uint32_t)kind);
	struct bitwriter w = splice_begin(out, stream, at);
	put_bits(&w, 0, 1);
	splice_end(&w, stream, stream_len, at, end);
	return 1;
}

/* A list whose first nold documents had the code old[0..old_len), the
 * others after them, written as search_encode_docs writes it: where the
 * list keeps its kind (and k), the old code's stream with the new
 * documents' codes after it (or, for the Rice code of those not in it,
 * when the new ones go on from the last old one, the old stream as it is),
 * not the whole list again (a report added as the newest appends it to
 * thousands of lists, most of them long). */
void search_encode_docs_appended(const uint32_t *docs, size_t n, size_t nold, const char *old, size_t old_len,
				 struct buf *out)
{
	size_t i = 0;
	uint32_t h;
	if (nold == n && n) {	/* nothing added (a gram in the new report's text, not its title) */
		buf_add(out, old, old_len);
		return;
	}
	if (!nold || nold > n || n45_read(old, old_len, &i, &h) < 0 || h >> 2 != nold) {
		search_encode_docs(docs, n, out);
		return;
	}
	int old_kind = (int)(h & 3);
	unsigned k[4] = { 0 };
	int kind = list_kind(docs, n, gaps_len(docs, n), k);
	const char *stream = old + i;
	size_t stream_len = old_len - i;
	if (kind == LIST_GAPS && old_kind == LIST_GAPS) {
		search_n45(out, 4 * (uint32_t)n + LIST_GAPS);
		buf_add(out, stream, stream_len);
		for (size_t j = nold; j < n; j++)
			search_n45(out, docs[j] - docs[j - 1] - 1);
		return;
	}
	uint32_t old_span = docs[nold - 1] + 1;
	if (kind == LIST_BITMAP && old_kind == LIST_BITMAP && stream_len == stream_chars(old_span)) {
		/* the old pairs but the last, then the last and the new ones */
		size_t from = stream_len / 2 - 1, pairs = (docs[n - 1] + 1 + 12) / 13;
		uint16_t *v = xcalloc(pairs - from + 1, sizeof(*v));
		v[0] = (uint16_t)pair_value(stream + 2 * from);
		for (size_t j = nold; j < n; j++)
			v[docs[j] / 13 - from] |= (uint16_t)(1u << (12 - docs[j] % 13));
		search_n45(out, 4 * (uint32_t)n + LIST_BITMAP);
		buf_add(out, stream, 2 * from);
		buf_grow(out, 2 * (pairs - from));
		for (size_t j = 0; j < pairs - from; j++) {
			out->data[out->len++] = b91_chars[v[j] % 91];
			out->data[out->len++] = b91_chars[v[j] / 91];
		}
		out->data[out->len] = 0;
		free(v);
		return;
	}
	if (kind == LIST_RICE && old_kind == LIST_RICE && stream_len >= 2) {
		unsigned old_k = pair_value(stream) >> 9;	/* the stream's first 4 bits */
		uint64_t bits = 4 + (uint64_t)nold * (1 + k[kind]);
		for (size_t j = 0; j < nold; j++)
			bits += (docs[j] - (j ? docs[j - 1] + 1 : 0)) >> k[kind];
		if (old_k == k[kind] && stream_len == stream_chars(bits)) {
			/* the whole pairs, then the bits of the last one used */
			size_t whole = (size_t)(bits / 13);
			unsigned rest = (unsigned)(bits % 13);
			search_n45(out, 4 * (uint32_t)n + LIST_RICE);
			buf_add(out, stream, 2 * whole);
			struct bitwriter w = { .out = out };
			if (rest)
				put_bits(&w, pair_value(stream + 2 * whole) >> (13 - rest), rest);
			for (size_t j = nold; j < n; j++)
				put_rice(&w, docs[j] - docs[j - 1] - 1, k[kind]);
			if (w.n)
				put_bits(&w, 0, 13 - w.n);
			return;
		}
	}
	if (kind == LIST_NOT && old_kind == LIST_NOT && stream_len >= 2 && pair_value(stream) >> 9 == k[kind] &&
	    docs[n - 1] - old_span == n - nold - 1) {
		/* the new documents go on from the old last one: the same
		 * documents not in it, the same gaps; the run that ends the list,
		 * longer, is not coded */
		search_n45(out, 4 * (uint32_t)n + LIST_NOT);
		buf_add(out, stream, stream_len);
		return;
	}
	search_encode_docs(docs, n, out);
}

int search_decode_list(const char *s, size_t len, size_t *i, size_t ndocs, struct u32s *docs)
{
	uint32_t h, count;
	if (n45_read(s, len, i, &h) < 0)
		return -1;
	count = h >> 2;
	if (count > ndocs)
		return -1;
	int kind = (int)(h & 3);
	u32s_reserve(docs, count);
	if (kind == LIST_GAPS) {
		uint64_t doc = 0;	/* the previous document + 1 */
		for (uint32_t k = 0; k < count; k++) {
			uint32_t gap;
			if (n45_read(s, len, i, &gap) < 0 || (doc += gap) >= ndocs)
				return -1;
			docs->v[docs->n++] = (uint32_t)doc++;
		}
		return 0;
	}
	if (count == 0)
		return -1;	/* only kind 0 writes an empty list */
	struct bitreader rd = { .s = s, .len = len, .i = *i }, *r = &rd;
	uint64_t doc = 0;	/* the previous document + 1 */
	if (kind == LIST_BITMAP) {	/* up to the last document: the count-th bit set */
		for (uint32_t j = 0; j < count && !r->bad; j++) {
			doc += get_run(r, 0, ndocs);
			if (doc >= ndocs)
				return -1;
			docs->v[docs->n++] = (uint32_t)doc++;
		}
	} else if (kind == LIST_RICE) {
		unsigned k = get_bits(r, 4);
		for (uint32_t j = 0; j < count && !r->bad; j++) {
			doc += get_rice(r, k);
			if (doc >= ndocs)
				return -1;
			docs->v[docs->n++] = (uint32_t)doc++;
		}
	} else {	/* the m documents below the last one not in the list, as they come */
		unsigned k = get_bits(r, 4);
		uint32_t m = get_gamma1(r);
		uint64_t span = (uint64_t)count + m;	/* the last document + 1 */
		if (r->bad || span > ndocs)
			return -1;
		u32s_reserve(docs, span);	/* the documents pushed before a bad code is seen */
		for (uint32_t j = 0; j < m && !r->bad; j++) {
			uint64_t not = doc + get_rice(r, k);
			if (not + 1 >= span)
				return -1;	/* the last document is in the list */
			while (doc < not)
				docs->v[docs->n++] = (uint32_t)doc++;
			doc++;
		}
		if (r->bad)
			return -1;
		while (doc < span)
			docs->v[docs->n++] = (uint32_t)doc++;
	}
	/* all read, the rest of the last pair 0 */
	long end = stream_end(r);
	if (end < 0)
		return -1;
	*i = (size_t)end;
	return 0;
}

/* ---- b91: bytes as text, 13 bits in two characters (search.h) ---- */

void search_b91(struct buf *b, const unsigned char *p, size_t n)
{
	buf_grow(b, n * 16 / 13 + 3);
	char *o = b->data + b->len;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		if (bits >= 13) {
			bits -= 13;
			uint32_t v = acc >> bits & 0x1fff;
			*o++ = b91_chars[v % 91];
			*o++ = b91_chars[v / 91];
		}
	}
	if (bits > 6) {		/* the last bits, left-aligned in 13 */
		uint32_t v = acc << (13 - bits) & 0x1fff;
		*o++ = b91_chars[v % 91];
		*o++ = b91_chars[v / 91];
	} else if (bits) {	/* or in 6, one character */
		*o++ = b91_chars[acc << (6 - bits) & 0x3f];
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = 0;
}

int search_b91_decode(const char *s, size_t len, struct buf *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i = 0;
	for (; i + 1 < len; i += 2) {
		int a = b91_value(s[i]), b = b91_value(s[i + 1]);
		if (a < 0 || b < 0 || a + 91 * b > 0x1fff)
			return -1;
		acc = acc << 13 | (uint32_t)(a + 91 * b);
		bits += 13;
		while (bits >= 8) {
			bits -= 8;
			buf_addch(out, (char)(acc >> bits & 0xff));
		}
	}
	if (i < len) {
		int a = b91_value(s[i]);
		if (a < 0 || a > 0x3f)
			return -1;
		acc = acc << 6 | (uint32_t)a;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (char)(acc >> bits & 0xff));
		}
	}
	return 0;
}
