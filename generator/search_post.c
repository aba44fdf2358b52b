/* Postings in memory, already in search.h's n45 text so that writing a
 * shard mostly copies: per gram, the gaps of its document list and of its
 * title list, and for positional grams (GRAM_POSITIONS) the per-document entries of their
 * positions, each without its first gap (the table's first document is
 * kept as a number: its gap depends on the table before, see join_list). */
#include "search_post.h"

#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "xalloc.h"

#define BMP 0x10000
#define FLUSH_AT (1u << 20)	/* occurrences: 12 MiB a thread */

/* An n45 text that grows; allocated on first use (most lists are short). */
struct vec {
	char *p;
	uint32_t len, cap;
};

/* A list of documents: the first one, the last one + 1 (0: empty), the
 * count, and the gaps after the first. */
struct doclist {
	uint32_t first, last, n;
	struct vec gaps;
};

struct gram {
	uint64_t key;			/* the first three code points, gram_key */
	uint32_t c4;			/* the fourth, or 0 */
	uint32_t npos;			/* positions, for positional grams */
	struct doclist docs, title;
	struct vec pos;			/* per document after the first: gap, h, [kt], positions */
};

/* The 1- and 2-character grams already noted for the current document
 * (keys + 1, cleared by stamp): a document repeats most of its characters,
 * and this small set stays in the processor's cache where the table does not. */
#define SEEN_SLOTS (1u << 14)
struct gram_seen {
	uint64_t key;
	uint32_t c4, stamp;
};

/* The current document's 3-character grams and how often each occurs
 * (stamp: the document + 1; a stale stamp is an empty slot). */
#define TRI_SLOTS (1u << 14)
struct tri_count {
	uint64_t key;
	uint32_t stamp, n;
	uint32_t left, right;	/* the characters around its first occurrence (0: none) */
	unsigned flags;		/* TRIGRAM_* */
};

/* Lookups in the table miss the processor's cache on a large archive: each
 * occurrence waits in a short queue while the slot it needs is prefetched. */
#define QUEUE 16
struct pending {
	uint64_t key;
	uint32_t c4, doc, pos;
};

/* pos: for a gram's list 1 in the title, else 0; for
 * positional ones position << 1 | (1 in the text, 0 in the title). */
struct occurrence {
	uint32_t gram, doc, pos;
};

static const char digits[] = SEARCH_DIGITS;

static void vec_grow(struct vec *v, uint32_t extra)
{
	if (v->cap - v->len >= extra)
		return;
	uint32_t cap = v->cap ? v->cap : 8;
	while (cap - v->len < extra)
		cap = cap / 2 * 3 + 8;
	v->p = xrealloc(v->p, cap);
	v->cap = cap;
}

/* Writes v in n45 (search.h) at o. Returns the number of characters. */
static size_t n45_to(char *o, uint32_t v)
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

static void vec_n45(struct vec *v, uint32_t x)
{
	vec_grow(v, 8);
	v->len += (uint32_t)n45_to(v->p + v->len, x);
}

static void n45(struct buf *b, uint32_t v)
{
	buf_grow(b, 8);
	b->len += n45_to(b->data + b->len, v);
	b->data[b->len] = 0;
}

/* Adds doc (after every document already in l); returns its gap. */
static uint32_t doclist_add(struct doclist *l, uint32_t doc)
{
	uint32_t gap = doc - l->last;	/* = doc − previous − 1 */
	if (l->n)
		vec_n45(&l->gaps, gap);
	else
		l->first = doc;
	l->last = doc + 1;
	l->n++;
	return gap;
}

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

void gram_table_init(struct gram_table *t)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 1 << 14;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->bmp = xcalloc(BMP, sizeof(*t->bmp));
	t->bmp_seen = xcalloc(BMP, sizeof(*t->bmp_seen));
	t->seen = xcalloc(SEEN_SLOTS, sizeof(*t->seen));
	t->tri = xcalloc(TRI_SLOTS, sizeof(*t->tri));
	t->queue = xcalloc(QUEUE, sizeof(*t->queue));
	t->capocc = FLUSH_AT + 4096;
	t->occ = xmalloc(t->capocc * sizeof(*t->occ));
	t->spare = xmalloc(t->capocc * sizeof(*t->spare));
}

void gram_table_free(struct gram_table *t)
{
	for (size_t i = 0; i < t->len; i++) {
		free(t->grams[i].docs.gaps.p);
		free(t->grams[i].title.gaps.p);
		free(t->grams[i].pos.p);
	}
	free(t->grams);
	free(t->slots);
	free(t->bmp);
	free(t->bmp_seen);
	free(t->seen);
	free(t->tri);
	free(t->queue);
	free(t->occ);
	free(t->spare);
}

static uint64_t slot_hash(uint64_t key, uint32_t c4)
{
	return mix(key ^ (uint64_t)c4 * 0x9e3779b97f4a7c15ULL);
}

static int is_positional(const struct gram *g)
{
	return (g->key & GRAM_POSITIONS) != 0;
}

static uint32_t new_gram(struct gram_table *t, uint64_t key, uint32_t c4)
{
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4096;
		t->grams = xrealloc(t->grams, t->cap * sizeof(*t->grams));
	}
	memset(&t->grams[t->len], 0, sizeof(*t->grams));
	t->grams[t->len].key = key;
	t->grams[t->len].c4 = c4;
	return (uint32_t)t->len++;
}

static void rehash(struct gram_table *t)
{
	size_t n = t->nslots * 2;
	struct gram_slot *s = xcalloc(n, sizeof(*s));
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i].index)
			continue;
		const struct gram *g = &t->grams[t->slots[i].index - 1];
		size_t j = slot_hash(g->key, g->c4) & (n - 1);
		while (s[j].index)
			j = (j + 1) & (n - 1);
		s[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
}

static uint32_t gram_index(struct gram_table *t, uint64_t key, uint32_t c4)
{
	if (key < BMP && !c4) {
		if (!t->bmp[key])
			t->bmp[key] = new_gram(t, key, 0) + 1;
		return t->bmp[key] - 1;
	}
	size_t s = slot_hash(key, c4) & (t->nslots - 1);
	for (; t->slots[s].index; s = (s + 1) & (t->nslots - 1))
		if (t->slots[s].key == key && t->slots[s].c4 == c4)
			return t->slots[s].index - 1;
	uint32_t g = new_gram(t, key, c4);
	t->slots[s] = (struct gram_slot){ key, c4, g + 1 };
	if (t->len * 2 > t->nslots)
		rehash(t);
	return g;
}

static void push(struct gram_table *t, uint32_t g, uint32_t doc, uint32_t pos)
{
	if (t->nocc == t->capocc) {	/* a document longer than the whole buffer */
		t->capocc *= 2;
		t->occ = xrealloc(t->occ, t->capocc * sizeof(*t->occ));
		t->spare = xrealloc(t->spare, t->capocc * sizeof(*t->spare));
	}
	t->occ[t->nocc++] = (struct occurrence){ g, doc, pos };
}

static void process(struct gram_table *t, const struct pending *p)
{
	push(t, gram_index(t, p->key, p->c4), p->doc, p->pos);
}

static void enqueue(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, uint32_t pos)
{
	if (key >= BMP || c4)
		__builtin_prefetch(&t->slots[slot_hash(key, c4) & (t->nslots - 1)]);
	struct pending *slot = &t->queue[t->nqueue++ % QUEUE];
	if (t->nqueue > QUEUE)
		process(t, slot);
	*slot = (struct pending){ key, c4, doc, pos };
}

static void drain(struct gram_table *t)
{
	size_t n = t->nqueue < QUEUE ? t->nqueue : QUEUE;
	for (size_t i = t->nqueue - n; i < t->nqueue; i++)
		process(t, &t->queue[i % QUEUE]);
	t->nqueue = 0;
}

/* Has the current document noted key already? Notes it if not. */
static int seen_before(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc)
{
	size_t s = ((key ^ c4) * 0x9e3779b97f4a7c15ULL) >> 51;
	for (;; s = (s + 1) & (SEEN_SLOTS - 1)) {
		struct gram_seen *e = &t->seen[s];
		if (e->stamp != doc + 1) {
			if (t->nseen * 2 >= SEEN_SLOTS)
				return 0;	/* full: let gram_flush drop the repeats */
			e->key = key;
			e->c4 = c4;
			e->stamp = doc + 1;
			t->nseen++;
			return 0;
		}
		if (e->key == key && e->c4 == c4)
			return 1;
	}
}

void gram_add_doc(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, int title)
{
	/* Only the title must be noted each time (it marks the title list),
	 * and titles are short: the text's repeats are dropped here. */
	if (key < BMP && !c4) {
		if (!title && t->bmp_seen[key] == doc + 1)
			return;
		t->bmp_seen[key] = doc + 1;
	} else if (!title && seen_before(t, key, c4, doc)) {
		return;
	}
	enqueue(t, key, c4, doc, title != 0);
}

void gram_add_pos(struct gram_table *t, uint64_t key, uint32_t c4, uint32_t doc, uint32_t pos, int title)
{
	enqueue(t, key | GRAM_POSITIONS, c4, doc, pos << 1 | (title ? 0 : 1));
}

void gram_count_trigram(struct gram_table *t, uint64_t key, uint32_t doc, uint32_t left, uint32_t right)
{
	if (t->tri_full == doc + 1)
		return;
	size_t s = (key * 0x9e3779b97f4a7c15ULL) >> 50;
	for (;; s = (s + 1) & (TRI_SLOTS - 1)) {
		struct tri_count *e = &t->tri[s];
		if (e->stamp != doc + 1) {
			if (t->ntri * 4 >= TRI_SLOTS * 3) {
				t->tri_full = doc + 1;	/* a huge document: every trigram counts as ambiguous */
				return;
			}
			*e = (struct tri_count){ key, doc + 1, 1, left, right, 0 };
			t->ntri++;
			return;
		}
		if (e->key == key) {
			e->n++;
			e->flags |= TRIGRAM_REPEATS | (e->left != left ? TRIGRAM_LEFT_VARIES : 0) |
				    (e->right != right ? TRIGRAM_RIGHT_VARIES : 0);
			return;
		}
	}
}

unsigned gram_trigram(const struct gram_table *t, uint64_t key, uint32_t doc)
{
	unsigned all = TRIGRAM_REPEATS | TRIGRAM_LEFT_VARIES | TRIGRAM_RIGHT_VARIES;
	if (t->tri_full == doc + 1)
		return all;
	size_t s = (key * 0x9e3779b97f4a7c15ULL) >> 50;
	for (;; s = (s + 1) & (TRI_SLOTS - 1)) {
		const struct tri_count *e = &t->tri[s];
		if (e->stamp != doc + 1)
			return all;	/* not counted: cannot happen, but saying so is always safe */
		if (e->key == key)
			return e->flags;
	}
}

/* Stable LSD radix sort by gram, 11 bits a pass: occurrences keep their
 * document and position order within a gram. */
static void sort_occurrences(struct gram_table *t)
{
	unsigned bits = 1;
	while (bits < 32 && (t->len >> bits))
		bits++;
	for (unsigned shift = 0; shift < bits; shift += 11) {
		size_t count[2049] = { 0 };
		for (size_t i = 0; i < t->nocc; i++)
			count[(t->occ[i].gram >> shift & 2047) + 1]++;
		for (size_t d = 1; d <= 2048; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < t->nocc; i++)
			t->spare[count[t->occ[i].gram >> shift & 2047]++] = t->occ[i];
		struct occurrence *tmp = t->occ;
		t->occ = t->spare;
		t->spare = tmp;
	}
}

/* o[0..n): one gram's occurrences in one document. */
static void append_doc(struct gram *g, const struct occurrence *o, size_t n)
{
	uint32_t doc = o[0].doc;
	doclist_add(&g->docs, doc);
	int title = 0;
	for (size_t i = 0; i < n; i++)
		title |= o[i].pos & 1;
	if (title)
		doclist_add(&g->title, doc);
}

/* The entry of a positional gram's positions in one document (search.h),
 * its gap omitted for the table's first document. */
static void append_positions(struct gram *g, const struct occurrence *o, size_t n)
{
	uint32_t doc = o[0].doc;
	size_t kt = 0;
	while (kt < n && !(o[kt].pos & 1))
		kt++;
	uint32_t gap = doclist_add(&g->docs, doc);
	if (kt)
		doclist_add(&g->title, doc);
	struct vec *v = &g->pos;
	vec_grow(v, (uint32_t)(n + 3) * 8);
	if (g->docs.n > 1)
		v->len += (uint32_t)n45_to(v->p + v->len, gap);
	v->len += (uint32_t)n45_to(v->p + v->len, (uint32_t)(2 * (n - kt) + (kt > 0)));
	if (kt)
		v->len += (uint32_t)n45_to(v->p + v->len, (uint32_t)kt);
	g->npos += (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		uint32_t p = o[i].pos >> 1;
		int first = i == 0 || i == kt;
		v->len += (uint32_t)n45_to(v->p + v->len, first ? p : p - (o[i - 1].pos >> 1) - 1);
	}
}

void gram_flush(struct gram_table *t)
{
	drain(t);
	sort_occurrences(t);
	for (size_t i = 0; i < t->nocc;) {
		size_t j = i + 1;
		while (j < t->nocc && t->occ[j].gram == t->occ[i].gram && t->occ[j].doc == t->occ[i].doc)
			j++;
		struct gram *g = &t->grams[t->occ[i].gram];
		if (is_positional(g))
			append_positions(g, t->occ + i, j - i);
		else
			append_doc(g, t->occ + i, j - i);
		i = j;
	}
	t->nocc = 0;
}

void gram_doc_end(struct gram_table *t)
{
	t->nseen = 0;
	t->ntri = 0;
	if (t->nocc >= FLUSH_AT)
		gram_flush(t);
}

/* ---- collecting ---- */

static void key_utf8(uint64_t key, uint32_t c4, struct gram_ref *r)
{
	r->len = 0;
	for (int i = 0; i < 4; i++) {
		uint32_t c = i < 3 ? (uint32_t)(key >> (21 * i)) & 0x1fffff : c4 & GRAM_C4_CHAR;
		if (!c)
			break;
		char *p = r->utf8 + r->len;
		if (c < 0x80) {
			p[0] = (char)c;
			r->len += 1;
		} else if (c < 0x800) {
			p[0] = (char)(0xc0 | c >> 6);
			p[1] = (char)(0x80 | (c & 0x3f));
			r->len += 2;
		} else if (c < 0x10000) {
			p[0] = (char)(0xe0 | c >> 12);
			p[1] = (char)(0x80 | (c >> 6 & 0x3f));
			p[2] = (char)(0x80 | (c & 0x3f));
			r->len += 3;
		} else {
			p[0] = (char)(0xf0 | c >> 18);
			p[1] = (char)(0x80 | (c >> 12 & 0x3f));
			p[2] = (char)(0x80 | (c >> 6 & 0x3f));
			p[3] = (char)(0x80 | (c & 0x3f));
			r->len += 4;
		}
	}
	r->base_len = r->len;
	if (c4 & (GRAM_LEFT_VARIES | GRAM_RIGHT_VARIES))
		r->utf8[r->len++] = c4 & GRAM_LEFT_VARIES ? '<' : '>';
	r->utf8[r->len] = 0;
}

struct part {
	uint64_t key;
	uint32_t c4;
	size_t table;
	struct gram *g;
};

static int part_cmp(const void *a, const void *b)
{
	const struct part *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->c4 != y->c4)
		return x->c4 < y->c4 ? -1 : 1;
	return x->table < y->table ? -1 : x->table > y->table;
}

size_t gram_collect(struct gram_table *tables, size_t ntables, int positional, struct gram_ref **out, size_t *bytes)
{
	size_t total = 0, n = 0;
	for (size_t t = 0; t < ntables; t++)
		total += tables[t].len;
	struct part *parts = xmalloc((total + 1) * sizeof(*parts));
	*bytes = 0;
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].len; i++) {
			struct gram *g = &tables[t].grams[i];
			if (is_positional(g) != (positional != 0))
				continue;
			parts[n++] = (struct part){ g->key, g->c4, t, g };
			/* From counts, not from the lists' bytes: the estimate (and so the
			 * number of shards) must not depend on how the documents were
			 * split between threads. About two characters a number. */
			*bytes += 2 * (g->docs.n + (positional ? 2 * g->docs.n + g->npos : 0));
		}
	if (n)
		qsort(parts, n, sizeof(*parts), part_cmp);
	struct gram_ref *refs = xmalloc((n + 1) * sizeof(*refs));
	struct gram **ptrs = xmalloc((n + 1) * sizeof(*ptrs));
	size_t nrefs = 0;
	for (size_t i = 0; i < n; i++) {
		ptrs[i] = parts[i].g;
		if (i && parts[i].key == parts[i - 1].key && parts[i].c4 == parts[i - 1].c4) {
			refs[nrefs - 1].nparts++;
			continue;
		}
		struct gram_ref *r = &refs[nrefs++];
		r->key = parts[i].key;
		r->parts = &ptrs[i];
		r->nparts = 1;
		r->shard = 0;
		key_utf8(r->key, parts[i].c4, r);
	}
	free(parts);
	if (nrefs == 0)
		free(ptrs);
	*out = refs;
	return nrefs;
}

void gram_refs_free(struct gram_ref *refs, size_t n)
{
	if (n)
		free(refs[0].parts);	/* the first ref's parts start the shared array */
	free(refs);
}

/* ---- encoding ---- */

/* Reads one n45 number from s at *i. SEARCH_DIGITS is ASCII '#' to '}'
 * without '\\': a digit's value is its code − 35, − 1 more after '\\'. */
static uint32_t n45_get(const char *s, size_t *i)
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

/* The gaps of one list (docs or title) of every part, joined: each part's
 * first gap is from the previous part's last document. Returns the count. */
static uint32_t join_list(const struct gram_ref *r, int title, struct buf *out)
{
	uint32_t count = 0, last = 0;	/* last: the previous document + 1 */
	for (size_t p = 0; p < r->nparts; p++) {
		const struct doclist *l = title ? &r->parts[p]->title : &r->parts[p]->docs;
		if (!l->n)
			continue;
		n45(out, l->first - last);
		buf_add(out, l->gaps.p, l->gaps.len);
		last = l->last;
		count += l->n;
	}
	return count;
}

/* One list (docs or title) of every part, as gaps or as a bitmap. */
static void encode_list(const struct gram_ref *r, int title, size_t ndocs, struct buf *out, struct buf *tmp)
{
	buf_reset(tmp);
	uint32_t count = join_list(r, title, tmp);
	size_t bitmap = (ndocs + 5) / 6;
	if (tmp->len <= bitmap) {
		n45(out, 2 * count);
		buf_add(out, tmp->data, tmp->len);
		return;
	}
	n45(out, 2 * count + 1);
	uint8_t *bits = xcalloc(bitmap + 1, 1);
	size_t i = 0;
	uint32_t doc = 0;	/* the previous document + 1 */
	for (uint32_t k = 0; k < count; k++) {
		doc += n45_get(tmp->data, &i);
		bits[doc / 6] |= (uint8_t)(1u << (doc % 6));
		doc++;
	}
	buf_grow(out, bitmap);
	for (size_t j = 0; j < bitmap; j++)
		out->data[out->len++] = digits[bits[j]];
	out->data[out->len] = 0;
	free(bits);
}

void gram_encode_docs(const struct gram_ref *r, size_t ndocs, struct buf *out, struct buf *tmp)
{
	encode_list(r, 0, ndocs, out, tmp);
	encode_list(r, 1, ndocs, out, tmp);
}

/* A bit stream written as base64 characters, most significant bit first
 * (search.h: positions). */
struct bitwriter {
	struct buf *out;
	uint64_t acc;
	unsigned n;	/* bits in acc not yet written: fewer than 6 between calls */
};

static const char base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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

static void flush_bits(struct bitwriter *w)
{
	if (w->n)
		put_bits(w, 0, 6 - w->n);
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

/* One document's entry, read from the n45 text at *i (append_positions)
 * and written as bits. gaps: scratch space. */
static void recode_entry(struct bitwriter *w, const char *s, size_t *i, uint32_t docgap, struct buf *gaps)
{
	uint32_t h = n45_get(s, i), kb = h >> 1, kt = h & 1 ? n45_get(s, i) : 0;
	buf_reset(gaps);
	buf_grow(gaps, (kt + kb) * sizeof(uint32_t));
	uint32_t *v = (uint32_t *)(void *)gaps->data;
	for (uint32_t j = 0; j < kt + kb; j++)
		v[j] = n45_get(s, i);
	put_gamma(w, docgap + 1);
	put_gamma(w, kt + 1);
	put_gamma(w, kb + 1);
	unsigned k = best_rice(v, kt + kb);
	put_bits(w, k, 4);
	for (uint32_t j = 0; j < kt + kb; j++)
		put_rice(w, v[j], k);
}

void gram_encode_positions(const struct gram_ref *r, struct buf *out, struct buf *tmp)
{
	struct bitwriter w = { .out = out };
	uint32_t count = 0, last = 0;	/* last: the previous document + 1 */
	for (size_t p = 0; p < r->nparts; p++)
		count += r->parts[p]->docs.n;
	put_gamma(&w, count + 1);
	for (size_t p = 0; p < r->nparts; p++) {
		const struct gram *g = r->parts[p];
		size_t i = 0;
		for (uint32_t d = 0; d < g->docs.n; d++)
			recode_entry(&w, g->pos.p, &i, d ? n45_get(g->pos.p, &i) : g->docs.first - last, tmp);
		if (g->docs.n)
			last = g->docs.last;
	}
	flush_bits(&w);
}
